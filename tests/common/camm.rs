//! CAMM test inputs: packets written by hand (4 bytes of header and the type's little-endian
//! fields, as the spec lays them out) in a synthetic video, and mapillary_tools' own writer.

use std::path::Path;

use super::telemux;

use super::synthetic::{SynthTrack, SynthVideo};

/// 2024-05-01 10:00:00 UTC in seconds since 1904 (mvhd), and as CAMM's GPS time (seconds since
/// 1980-01-06 plus the 18 leap seconds since then).
pub const CREATED_1904: u32 = 3_797_402_400;
pub const START_GPS_SECONDS: f64 = 1_398_592_818.0;

/// A type 6 packet. `rest`: horizontal and vertical accuracy, velocity east, north and up,
/// speed accuracy.
pub fn gps(time_gps: f64, fix: i32, lat: f64, lon: f64, alt: f32, rest: [f32; 6]) -> Vec<u8> {
    let mut p = vec![0, 0, 6, 0];
    p.extend(time_gps.to_le_bytes());
    p.extend(fix.to_le_bytes());
    p.extend(lat.to_le_bytes());
    p.extend(lon.to_le_bytes());
    p.extend(alt.to_le_bytes());
    for v in rest {
        p.extend(v.to_le_bytes());
    }
    p
}

/// A packet of three `f32` (types 0, 2, 3, 4 and 7).
pub fn vector(kind: u16, v: [f32; 3]) -> Vec<u8> {
    let mut p = vec![0, 0];
    p.extend(kind.to_le_bytes());
    for x in v {
        p.extend(x.to_le_bytes());
    }
    p
}

/// The position of GPS point `i` of [`ride`]: 45.1 + 0.0001 i, 7.2 + 0.00013 i.
pub fn ride_position(i: usize) -> (f64, f64) {
    (45.1 + 0.0001 * i as f64, 7.2 + 0.00013 * i as f64)
}

/// 12 s of CAMM at 4 packets a second, 250 ms apart: GPS (type 6, at whole seconds from
/// 2024-05-01 10:00:00 UTC, moving 3 m/s east and 4 m/s north), gyro, accelerometer and
/// magnetometer, each vector (i, 2i, 3i) scaled by 0.5, -1 and 10.
pub fn ride() -> Vec<Vec<u8>> {
    let mut packets = Vec::new();
    for i in 0..12 {
        let (lat, lon) = ride_position(i);
        let t = START_GPS_SECONDS + i as f64;
        packets.push(gps(
            t,
            3,
            lat,
            lon,
            250.0 + i as f32,
            [2.5, 4.0, 3.0, 4.0, 0.5, 0.3],
        ));
        let v = [i as f32, 2.0 * i as f32, 3.0 * i as f32];
        packets.push(vector(2, v.map(|x| 0.5 * x)));
        packets.push(vector(3, v.map(|x| -x)));
        packets.push(vector(7, v.map(|x| 10.0 * x)));
    }
    packets
}

/// A video track of 12 one-second frames and a CAMM track of `packets`, 250 ms each, in a
/// file created 2024-05-01 10:00:00 UTC.
pub fn video(packets: Vec<Vec<u8>>) -> Vec<u8> {
    SynthVideo {
        tracks: vec![
            SynthTrack {
                handler: *b"vide",
                sample_entry: *b"avc1",
                timescale: 1000,
                samples: (0..12u8).map(|i| vec![i; 100]).collect(),
                sample_duration: 1000,
                chunking: vec![3],
                co64: false,
            },
            SynthTrack {
                handler: *b"meta",
                sample_entry: *b"camm",
                timescale: 1000,
                samples: packets,
                sample_duration: 250,
                chunking: vec![8],
                co64: false,
            },
        ],
        moov_first: false,
        creation_time: CREATED_1904,
    }
    .build()
}

/// mapillary_tools' CAMM writer (tests/interop/python/mapillary_camm_write.py) adding
/// `measurements` (its JSON input) to `source` as `output`; `None` when the venv is missing.
pub fn mapillary_write(
    source: &Path,
    output: &Path,
    measurements: &serde_json::Value,
) -> Option<()> {
    use std::io::Write;
    use std::process::Stdio;
    let mut cmd = super::readers::python_reader("mapillary_camm_write.py", "mapillary_tools")?;
    let mut child = cmd
        .arg(source)
        .arg(output)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(measurements.to_string().as_bytes())
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "mapillary_camm_write.py failed: {status}");
    Some(())
}

/// `telemux extract VIDEO --format json`, which must succeed: the JSON, and the summary and
/// warnings it printed on stderr.
pub fn extract_json_and_summary(video: &Path) -> (serde_json::Value, String) {
    let out = telemux()
        .arg("extract")
        .arg(video)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}
