//! GPS payloads from the builder read back with the same values, carry their sticky metadata in
//! every payload, and lay out their streams the way a HERO11 does.

use telemux_read::gpmf::{self, DeviceId, Stream, Values};
use telemux_read::{AltitudeRef, Fix, FourCC, GpsPoint};
use telemux_testkit::corpus_or_skip;
use telemux_write::gpmf::{gps9_samples, gpsu_text, BuildError, DeviceWriter, GpsPayloads};
use time::macros::datetime;

fn point(lat: f64, lon: f64, seconds: i64) -> GpsPoint {
    GpsPoint {
        time: Some(datetime!(2022-09-20 13:29:36.899 UTC) + time::Duration::seconds(seconds)),
        altitude: Some(34.098),
        speed_2d: Some(0.018),
        speed_3d: Some(0.01),
        fix: Some(Fix::ThreeD),
        dop: Some(1.79),
        ..GpsPoint::new(lat, lon)
    }
}

fn keys(stream: &Stream<'_>) -> Vec<String> {
    stream.metadata.iter().map(|k| k.key.to_string()).collect()
}

#[test]
fn gps_payloads_read_back_with_hero11_layout_and_values() {
    let mut writer = GpsPayloads::new(
        DeviceWriter::new(1, "telemux"),
        AltitudeRef::MeanSeaLevel,
        true,
    );
    let points = [
        point(42.4261529, -8.6499795, 0),
        point(42.42616, -8.64998, 1),
    ];
    let bytes = writer.payload(&points, Some(998_439_552)).unwrap();
    gpmf::validate(&bytes).unwrap();
    let payload = gpmf::payload(&bytes).unwrap();
    let device = &payload.devices[0];
    assert_eq!(device.id, Some(DeviceId::Number(1)));
    assert_eq!(device.name.as_deref(), Some("telemux"));
    let [gps5, gps9] = &device.streams[..] else {
        panic!("want two streams, got {}", device.streams.len())
    };

    assert_eq!(gps5.key, Some(FourCC::new(b"GPS5")));
    assert_eq!(
        keys(gps5),
        ["STMP", "TSMP", "STNM", "GPSF", "GPSU", "GPSP", "UNIT", "SCAL", "GPSA"]
    );
    assert_eq!(gps5.units(), ["deg", "deg", "m", "m/s", "m/s"]);
    assert_eq!(gps5.total_samples, Some(2));
    assert_eq!(gps5.timestamp_us, Some(998_439_552));
    assert_eq!(gps5.gps_fix, Some(3));
    assert_eq!(gps5.gps_precision, Some(179));
    assert_eq!(gps5.gps_altitude, Some(FourCC::new(b"MSLV")));
    assert_eq!(
        gps5.gps_time().unwrap().unwrap(),
        datetime!(2022-09-20 13:29:36.899 UTC)
    );
    assert_eq!(
        gps5.scaled().unwrap(),
        [42.4261529, -8.6499795, 34.098, 0.018, 0.01, 42.42616, -8.64998, 34.098, 0.018, 0.01]
    );

    assert_eq!(gps9.key, Some(FourCC::new(b"GPS9")));
    assert_eq!(
        keys(gps9),
        ["STMP", "TSMP", "STNM", "UNIT", "TYPE", "SCAL", "GPSA"]
    );
    // The same first sample as hero11.raw: 424261529, -86499795, 34098, 18, 1, 8298, 48576899,
    // 179, 3.
    assert_eq!(
        gps9.scaled().unwrap()[..9],
        [42.4261529, -8.6499795, 34.098, 0.018, 0.01, 8298.0, 48576.899, 1.79, 3.0]
    );
    assert_eq!(gps9.scaled().unwrap()[15], 48577.899);
}

#[test]
fn sticky_metadata_repeats_and_tsmp_counts_across_payloads() {
    let mut writer = GpsPayloads::new(
        DeviceWriter::new(1, "telemux"),
        AltitudeRef::Ellipsoid,
        false,
    );
    let first = writer.payload(&[point(1.0, 2.0, 0)], None).unwrap();
    let second = writer
        .payload(
            &[point(1.0, 2.0, 1), point(1.0, 2.0, 2), point(1.0, 2.0, 3)],
            None,
        )
        .unwrap();
    let empty = writer.payload(&[], None).unwrap();
    for (bytes, total, keys_expected) in [
        (
            &first,
            1,
            &["TSMP", "STNM", "GPSF", "GPSU", "GPSP", "UNIT", "SCAL"][..],
        ),
        (
            &second,
            4,
            &["TSMP", "STNM", "GPSF", "GPSU", "GPSP", "UNIT", "SCAL"][..],
        ),
        (&empty, 4, &["TSMP", "STNM", "UNIT", "SCAL"][..]),
    ] {
        let payload = gpmf::payload(bytes).unwrap();
        let [gps5] = &payload.devices[0].streams[..] else {
            panic!("one stream")
        };
        assert_eq!(gps5.total_samples, Some(total));
        assert_eq!(keys(gps5), keys_expected);
        assert_eq!(
            gps5.properties.scale.as_deref(),
            Some(&[1e7, 1e7, 1e3, 1e3, 1e2][..])
        );
        assert_eq!(gps5.gps_altitude, None);
    }
}

#[test]
fn gps9_stream_metadata_is_byte_identical_to_a_hero11() {
    let Some(corpus) = corpus_or_skip("gps9_stream_metadata_is_byte_identical_to_a_hero11") else {
        return;
    };
    let hero11 = std::fs::read(corpus.join("gopro/gopro-telemetry/hero11.raw")).unwrap();
    let mut writer = GpsPayloads::new(
        DeviceWriter::new(1, "telemux"),
        AltitudeRef::MeanSeaLevel,
        true,
    );
    let ours = writer
        .payload(&[point(42.4261529, -8.6499795, 0)], None)
        .unwrap();
    let theirs = gpmf::payload(&hero11).unwrap();
    let ours = gpmf::payload(&ours).unwrap();
    let find = |p: &gpmf::Payload<'_>, key: &[u8; 4]| -> Vec<Vec<u8>> {
        let stream = p.devices[0]
            .streams
            .iter()
            .find(|s| s.key == Some(FourCC::new(key)))
            .unwrap();
        stream
            .metadata
            .iter()
            .filter(|k| [b"STNM", b"UNIT", b"TYPE", b"SCAL", b"GPSA"].contains(&k.key.as_bytes()))
            .map(|k| hero_bytes(k))
            .collect()
    };
    assert_eq!(find(&ours, b"GPS9"), find(&theirs, b"GPS9"));
    assert_eq!(find(&ours, b"GPS5"), find(&theirs, b"GPS5"));
    // The sample itself matches the first hero11 GPS9 sample byte for byte.
    let first = theirs.devices[0]
        .streams
        .iter()
        .find(|s| s.key == Some(FourCC::new(b"GPS9")))
        .unwrap();
    let data = gps9_samples(&[point(42.4261529, -8.6499795, 0)]).unwrap();
    assert_eq!(
        data.values(),
        &Values::Complex(first.data[0].data()[..32].to_vec())
    );
}

/// Header and data of a KLV as stored (the view borrows them from the payload).
fn hero_bytes(klv: &gpmf::KlvRef<'_>) -> Vec<u8> {
    let mut out = klv.key.as_bytes().to_vec();
    out.extend([klv.type_char(), klv.struct_size]);
    out.extend(klv.repeat.to_be_bytes());
    out.extend(klv.data());
    out
}

#[test]
fn values_that_cannot_be_stored_are_refused() {
    let mut writer = GpsPayloads::new(DeviceWriter::new(1, "t"), AltitudeRef::Ellipsoid, true);
    assert_eq!(
        writer.payload(&[point(91.0, 0.0, 0)], None),
        Err(BuildError::OutOfRange {
            field: "latitude",
            value: 91.0
        })
    );
    let mut no_time = point(1.0, 1.0, 0);
    no_time.time = None;
    assert_eq!(
        writer.payload(&[no_time], None),
        Err(BuildError::MissingTime)
    );
    let mut huge = point(1.0, 1.0, 0);
    huge.altitude = Some(3e6);
    assert_eq!(
        writer.payload(&[huge], None),
        Err(BuildError::OutOfRange {
            field: "altitude",
            value: 3e6
        })
    );
    let mut nan = point(1.0, 1.0, 0);
    nan.speed_2d = Some(f64::NAN);
    assert!(matches!(
        writer.payload(&[nan], None),
        Err(BuildError::OutOfRange {
            field: "2D speed",
            ..
        })
    ));
    assert_eq!(
        gpsu_text(datetime!(2019-11-18 23:45:14 UTC)),
        Ok(*b"191118234514.000")
    );
    assert_eq!(
        gpsu_text(datetime!(2019-11-19 01:45:14.5 +02:00)),
        Ok(*b"191118234514.500")
    );
    assert!(matches!(
        gpsu_text(datetime!(2100-01-01 0:00 UTC)),
        Err(BuildError::TimeOutOfRange(_))
    ));
    // A failed payload does not advance the sample count.
    let ok = writer.payload(&[point(1.0, 1.0, 0)], None).unwrap();
    let payload = gpmf::payload(&ok).unwrap();
    assert_eq!(payload.devices[0].streams[0].total_samples, Some(1));
}

#[test]
fn streams_refuse_samples_their_type_or_scale_would_misdescribe() {
    use telemux_read::gpmf::Data;
    use telemux_write::gpmf::StreamWriter;
    let mut faces = StreamWriter::new(FourCC::new(b"FACE"), "Faces").complex_type("fssL");
    let wrong = Data::new(10, Values::Complex(vec![0; 10])).unwrap();
    assert_eq!(
        faces.payload(None, Vec::new(), wrong),
        Err(BuildError::TypeSize {
            type_size: 12,
            struct_size: 10
        })
    );
    let mut accl = StreamWriter::new(FourCC::new(b"ACCL"), "Accelerometer").scale(&[418, 418]);
    let samples = Data::new(6, Values::I16(vec![1, 2, 3])).unwrap();
    assert_eq!(
        accl.payload(None, Vec::new(), samples.clone()),
        Err(BuildError::ScaleArity {
            scales: 2,
            elements: 3
        })
    );
    let mut accl = accl.scale(&[418]).si_units(&["m/s²"]);
    let strm = accl.payload(None, Vec::new(), samples).unwrap();
    let bytes = DeviceWriter::new(1, "t").encode(vec![strm]).unwrap();
    let payload = gpmf::payload(&bytes).unwrap();
    let stream = &payload.devices[0].streams[0];
    assert_eq!(stream.units(), ["m/s²"]);
    assert_eq!(
        stream.scaled().unwrap(),
        [1.0 / 418.0, 2.0 / 418.0, 3.0 / 418.0]
    );
    // SIUN is written in Latin-1, as GoPro does: "m/s" then 0xB2.
    assert!(bytes.windows(8).any(|w| w == b"SIUNc\x04\x00\x01"));
    assert!(bytes.windows(4).any(|w| w == b"m/s\xb2"));
}
