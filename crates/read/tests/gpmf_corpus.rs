//! The GPMF decoder against real payloads: every corpus file validates, GPS sample counts match
//! MANIFEST.md, and decoded values match what GoPro's parser reports.

use std::path::PathBuf;

use telemux_read::gpmf::{self, DeviceId, Stream};
use telemux_read::FourCC;
use telemux_testkit::corpus_or_skip;
use time::macros::datetime;

/// Every raw payload of the corpus with its GPS5, GPS9 and GPRI sample counts from MANIFEST.md.
const RAW_FILES: [(&str, [usize; 3]); 10] = [
    ("gopro/Fusion.raw", [19, 0, 0]),
    ("gopro/hero5.raw", [18, 0, 0]),
    ("gopro/hero6+ble.raw", [18, 0, 0]),
    ("gopro/hero6.raw", [17, 0, 0]),
    ("gopro/karma.raw", [0, 0, 4]),
    ("gopro/gopro-telemetry/hero11.raw", [110, 110, 0]),
    ("gopro/gopro-telemetry/hero7.raw", [308, 0, 0]),
    ("gopro/gopro-telemetry/consecutive1.raw", [41, 0, 0]),
    ("gopro/gopro-telemetry/consecutive2.raw", [59, 0, 0]),
    ("gopro/gopro-telemetry/mp4header.raw", [0, 0, 0]),
];

fn read(corpus: &std::path::Path, name: &str) -> Vec<u8> {
    let path: PathBuf = corpus.join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn streams<'a>(payload: &'a gpmf::Payload<'a>, key: &[u8; 4]) -> Vec<&'a Stream<'a>> {
    payload
        .devices
        .iter()
        .flat_map(|d| &d.streams)
        .filter(|s| s.key == Some(FourCC::new(key)))
        .collect()
}

#[test]
fn every_corpus_payload_validates_and_has_the_manifest_gps_counts() {
    let Some(corpus) = corpus_or_skip("every_corpus_payload_validates") else {
        return;
    };
    for (name, expected) in RAW_FILES {
        let bytes = read(&corpus, name);
        gpmf::validate(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let payload = gpmf::payload(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let counts = [b"GPS5", b"GPS9", b"GPRI"].map(|key| {
            let streams = streams(&payload, key);
            for stream in &streams {
                // Every sample converts, element by element.
                let values = stream.scaled().unwrap_or_else(|e| panic!("{name}: {e}"));
                let elements = stream.elements().unwrap().unwrap();
                assert_eq!(values.len(), stream.sample_count() * elements, "{name}");
            }
            streams.iter().map(|s| s.sample_count()).sum::<usize>()
        });
        assert_eq!(counts, expected, "{name}: GPS5, GPS9, GPRI samples");
    }
}

#[test]
fn hero11_gps9_first_sample_matches_gopro() {
    let Some(corpus) = corpus_or_skip("hero11_gps9_first_sample_matches_gopro") else {
        return;
    };
    let bytes = read(&corpus, "gopro/gopro-telemetry/hero11.raw");
    let payload = gpmf::payload(&bytes).unwrap();
    assert_eq!(payload.devices.len(), 11);
    assert_eq!(payload.devices[0].name.as_deref(), Some("HERO11 Black"));
    let gps9 = streams(&payload, b"GPS9");
    assert_eq!(gps9.len(), 11);
    let first = gps9[0];
    assert_eq!(
        first.name.as_deref(),
        Some("GPS (Lat., Long., Alt., 2D, 3D, days, secs, DOP, fix)")
    );
    assert_eq!(
        first.units(),
        ["deg", "deg", "m", "m/s", "m/s", "", "s", "", ""]
    );
    assert_eq!(first.gps_altitude, Some(FourCC::new(b"MSLV")));
    assert_eq!(first.total_samples, Some(9993));
    let complex = first.properties.complex.as_ref().unwrap();
    assert_eq!(complex.size(), 32);
    assert_eq!(first.elements().unwrap(), Some(9));

    // Raw: 424261529, -86499795, 34098, 18, 1, 8298, 48576899, 179, 3.
    let raw = &first.data[0].data()[..32];
    let layout = gpmf::Layout::of(&first.data[0], Some(complex)).unwrap();
    let fields: Vec<gpmf::Scalar> = layout.decode(raw).collect();
    use gpmf::Scalar::{Int, UInt};
    assert_eq!(
        fields,
        [
            Int(424_261_529),
            Int(-86_499_795),
            Int(34_098),
            Int(18),
            Int(1),
            Int(8298),
            Int(48_576_899),
            UInt(179),
            UInt(3)
        ]
    );
    let scaled = first.scaled().unwrap();
    assert_eq!(
        scaled[..9],
        [42.4261529, -8.6499795, 34.098, 0.018, 0.01, 8298.0, 48576.899, 1.79, 3.0]
    );
    assert_eq!(
        gpmf::gps9_time(8298, 48_576_899),
        Some(datetime!(2022-09-20 13:29:36.899 UTC))
    );

    // The GPS5 stream of the same payload starts at the same place, and carries the status.
    let gps5 = streams(&payload, b"GPS5")[0];
    assert_eq!(gps5.scaled().unwrap()[..5], scaled[..5]);
    assert_eq!(gps5.gps_fix, Some(3));
    assert_eq!(gps5.gps_precision, Some(179));
    assert_eq!(
        gps5.gps_time().unwrap().unwrap(),
        datetime!(2022-09-20 13:29:38.299 UTC)
    );
    assert_eq!(gps5.timestamp_us, Some(998_439_552));
}

#[test]
fn hero5_gps5_and_accelerometer_scale_like_gopro() {
    let Some(corpus) = corpus_or_skip("hero5_gps5_and_accelerometer_scale_like_gopro") else {
        return;
    };
    let bytes = read(&corpus, "gopro/hero5.raw");
    let payload = gpmf::payload(&bytes).unwrap();
    let device = &payload.devices[0];
    assert_eq!(device.id, Some(DeviceId::Number(1)));
    assert_eq!(device.name.as_deref(), Some("Camera"));
    let gps5 = streams(&payload, b"GPS5")[0];
    assert_eq!(
        gps5.properties.scale.as_deref(),
        Some(&[1e7, 1e7, 1e3, 1e3, 1e2][..])
    );
    assert_eq!(gps5.units(), ["deg", "deg", "m", "m/s", "m/s"]);
    assert_eq!(gps5.gps_fix, Some(3));
    assert_eq!(
        gps5.gps_time().unwrap().unwrap(),
        datetime!(2017-04-17 17:31:03 UTC)
    );
    // Raw 331264969, -1173273542, -20184, 167, 19 (gpmf-parser prints 33.126, -117.327, …).
    assert_eq!(
        gps5.scaled().unwrap()[..5],
        [33.1264969, -117.3273542, -20.184, 0.167, 0.19]
    );

    let accl = streams(&payload, b"ACCL")[0];
    assert_eq!(accl.units(), ["m/s²"]);
    assert_eq!(accl.properties.scale.as_deref(), Some(&[418.0][..]));
    assert_eq!(accl.sample_count(), 199);
    // ACCL s 6: the first sample is 0x0ff4, 0xffb4, 0x0183.
    assert_eq!(
        accl.scaled().unwrap()[..3],
        [4084.0 / 418.0, -76.0 / 418.0, 387.0 / 418.0]
    );
}

#[test]
fn karma_gpri_decodes_through_its_type() {
    let Some(corpus) = corpus_or_skip("karma_gpri_decodes_through_its_type") else {
        return;
    };
    let bytes = read(&corpus, "gopro/karma.raw");
    let payload = gpmf::payload(&bytes).unwrap();
    let names: Vec<_> = payload.devices.iter().map(|d| d.name.clone()).collect();
    assert_eq!(
        names,
        [
            Some("Camera".to_owned()),
            Some("GoPro Karma v1.0".to_owned())
        ]
    );
    let gpri = streams(&payload, b"GPRI")[0];
    assert_eq!(gpri.name.as_deref(), Some("GPS RAW"));
    let complex = gpri.properties.complex.as_ref().unwrap();
    assert_eq!(complex.size(), 30);
    assert_eq!(gpri.sample_count(), 4);
    let scaled = gpri.scaled().unwrap();
    assert_eq!(scaled.len(), 40);
    // First sample: time 0x0000000008b26f99 µs, lat 0x13be87b0, lon 0xba10b34f, alt 0x00003c55
    // (SCAL 1000000, 1e7, 1e7, 1000, …).
    assert_eq!(scaled[0], f64::from(0x08b2_6f99u32) / 1e6);
    assert_eq!(scaled[1], f64::from(0x13be_87b0) / 1e7);
    assert_eq!(scaled[2], f64::from(0xba10_b34fu32 as i32) / 1e7);
    assert_eq!(scaled[3], f64::from(0x3c55) / 1e3);
}

#[test]
fn concatenated_and_padded_payloads_split_into_their_devices() {
    let Some(corpus) = corpus_or_skip("concatenated_and_padded_payloads") else {
        return;
    };
    let hero7 = read(&corpus, "gopro/gopro-telemetry/hero7.raw");
    let payload = gpmf::payload(&hero7).unwrap();
    assert_eq!(payload.devices.len(), 17);
    assert!(payload
        .devices
        .iter()
        .all(|d| d.name.as_deref() == Some("Hero7 Black")));
    let first = streams(&payload, b"GPS5")[0];
    assert_eq!(
        first.gps_time().unwrap().unwrap(),
        datetime!(2019-01-03 16:33:34.094 UTC)
    );
    assert_eq!(
        first.scaled().unwrap()[..5],
        [42.3425835, -8.7526142, 58.512, 0.173, 0.12]
    );

    let header = read(&corpus, "gopro/gopro-telemetry/mp4header.raw");
    let nodes = gpmf::read_tree(&header).unwrap();
    assert_eq!(nodes.len(), 3);
    assert!(matches!(nodes[2], gpmf::Node::Filler(words) if words.get() * 4 == 25600 - 952));
    let payload = gpmf::payload(&header).unwrap();
    let names: Vec<_> = payload
        .devices
        .iter()
        .map(|d| d.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["Video Global Settings", "Highlights"]);
    assert_eq!(
        payload.devices[1].id,
        Some(DeviceId::FourCC(FourCC::new(b"HLMT")))
    );
}
