//! The test vectors of spec §8 (key bytes from hex dumps of real blocks in ExifTool's source
//! comments) placed at their layouts' offsets, decoded, and compared with the listed values at
//! the listed precision; plus the skip/encrypted/unknown outcomes and the detection order.

mod novatek_support;

use novatek_support::encode::{self, Block};
use novatek_support::{gdansk, vancouver};
use telemux_read::model::GpsPoint;
use telemux_read::novatek::{
    decode_block, decode_ts_payload, detection_order, BlockOutcome, Cipher, DecodeOptions,
    SkipReason, Variant,
};
use time::macros::{datetime, offset};

fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|byte| u8::from_str_radix(byte, 16).unwrap())
        .collect()
}

fn u32s(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn decode(block: &[u8], options: &DecodeOptions) -> (Variant, Vec<GpsPoint>) {
    match decode_block(block, options) {
        BlockOutcome::Points(variant, points) => (variant, points),
        other => panic!("expected points, got {other:?}"),
    }
}

fn one(block: &[u8], variant: Variant) -> GpsPoint {
    one_with(block, variant, &DecodeOptions::default())
}

fn one_with(block: &[u8], variant: Variant, options: &DecodeOptions) -> GpsPoint {
    let (got, mut points) = decode(block, options);
    assert_eq!(got, variant);
    assert_eq!(points.len(), 1);
    points.remove(0)
}

/// `value` rounds to `listed` at the number of decimals `listed` shows (half a unit in the
/// last listed place, so 8.5134765 agrees with both 8.513476 and 8.513477).
fn assert_listed(what: &str, value: f64, listed: &str) {
    let decimals = listed.split_once('.').map_or(0, |(_, d)| d.len());
    let want: f64 = listed.parse().unwrap();
    let half_unit = 0.5 * 10f64.powi(-(decimals as i32));
    assert!(
        (value - want).abs() <= half_unit + 1e-12,
        "{what}: {value} does not round to {listed}"
    );
}

fn knots(point: &GpsPoint) -> f64 {
    point.speed_2d.unwrap() * 3600.0 / 1852.0
}

fn kmh(point: &GpsPoint) -> f64 {
    point.speed_2d.unwrap() * 3.6
}

fn assert_fix(point: &GpsPoint, lat: &str, lon: &str) {
    assert_listed("latitude", point.latitude, lat);
    assert_listed("longitude", point.longitude, lon);
}

/// Core record (§4.1): six u32 time fields, status and letters, then four f32 given as hex.
fn core(time: [u32; 6], letters: &[u8; 3], floats: &str) -> Vec<u8> {
    let mut record = u32s(&time);
    record.extend(letters);
    record.push(0);
    record.extend(hex(floats));
    record
}

#[test]
fn t17_viofo_a119s() {
    let record = core(
        [0x10, 0x2D, 0x14, 0x11, 0x0C, 0x1F],
        b"ANE",
        "5D 9A A9 45 AB 1E E5 44 EC 51 F0 40 B8 5E A5 43",
    );
    let block = Block::new(0x8000, 0x4C).put(0x30, &record).0;
    let point = one(&block, Variant::NovatekAt48);
    assert_eq!(point.time, Some(datetime!(2017-12-31 16:45:20 UTC)));
    assert_fix(&point, "54.454924", "18.549306");
    assert_listed("knots", knots(&point), "7.51");
    assert_listed("m/s", point.speed_2d.unwrap(), "3.863");
    assert_listed("course", point.course.unwrap(), "330.74");
}

#[test]
fn t3_viofo_a119_v3() {
    let record = core(
        [0x05, 0x2F, 0x03, 0x13, 0x09, 0x1B],
        b"ANW",
        "25 D1 99 45 F1 47 40 46 66 66 D2 41 85 EB 83 41",
    );
    let block = Block::new(0x4000, 0x3F0).put(0x10, &record).0;
    let point = one(&block, Variant::NovatekAt16);
    assert_eq!(point.time, Some(datetime!(2019-09-27 05:47:03 UTC)));
    assert_fix(&point, "49.369051", "-123.099756");
    assert_listed("knots", knots(&point), "26.3");
    assert_listed("course", point.course.unwrap(), "16.49");
}

#[test]
fn t3_kenwood_local_clock() {
    let record = core(
        [0x0C, 0x10, 0x16, 2026, 2, 28],
        b"ANW",
        "55 E7 A5 45 D7 84 52 43 52 B8 D8 41 48 21 9A 43",
    );
    let accel: Vec<u8> = [-7i32, -1, 1]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let block = Block::new(0x8000, 0x3F0)
        .put(16, b"MN:DRV-A510W@V1.7_BDZICZ_C")
        .put(0x38, b"::start@")
        .put(64, &record)
        .put(64 + 44, &accel)
        .0;
    let point = one(&block, Variant::Kenwood);
    assert_eq!(point.time, Some(datetime!(2026-02-28 12:16:22 UTC)));
    assert_fix(&point, "53.148608", "-2.175315");
    assert_listed("knots", knots(&point), "27.09");
    assert_listed("course", point.course.unwrap(), "308.26");
    // The camera clock is local: with its offset given, the time becomes UTC.
    let mut options = DecodeOptions::default();
    options.gps_tz = offset!(+1);
    let point = one_with(&block, Variant::Kenwood, &options);
    assert_eq!(point.time, Some(datetime!(2026-02-28 11:16:22 UTC)));
}

#[test]
fn t17b_rexing_only_with_the_option() {
    let record = core(
        [0x0E, 0x22, 0x28, 0x14, 0x02, 0x16],
        b"ANW",
        "E9 7E 90 43 48 76 17 45 0C 02 48 42 14 6E 85 43",
    );
    let block = Block::new(0x8000, 0x4C).put(0x30, &record).0;
    let mut options = DecodeOptions::default();
    options.rexing_deobfuscate = true;
    let point = one_with(&block, Variant::Rexing, &options);
    assert_eq!(point.time, Some(datetime!(2020-02-22 14:34:40 UTC)));
    assert_fix(&point, "33.669774", "-112.096920");
    assert_listed("knots", knots(&point), "50.0");
    assert_listed("course", point.course.unwrap(), "266.86");
    // Without the option the raw latitude 288.99 is no DDMM value (88.99 minutes).
    assert_eq!(
        decode_block(&block, &DecodeOptions::default()),
        BlockOutcome::Skipped(SkipReason::InvalidPosition)
    );
}

#[test]
fn t17c_transcend_body70() {
    let record = core(
        [0x09, 0x26, 0x15, 2025, 5, 16],
        b"ASE",
        "6C 59 EE 41 9F 1A F7 41 3C 6B 0F 41 9A 99 99 43",
    );
    let block = Block::new(0x4000, 0x4C).put(0x30, &record).0;
    let point = one(&block, Variant::TranscendBody70);
    assert_eq!(point.time, Some(datetime!(2025-05-16 09:38:21 UTC)));
    assert_fix(&point, "-29.793663", "30.887999");
    assert_listed("km/h", kmh(&point), "8.96");
    assert_listed("course", point.course.unwrap(), "307.2");
}

#[test]
fn t15_vantrue_n4() {
    let body = hex("0d 00 00 00 16 00 00 00 1e 00 00 00 41 00 00 00 \
         2c b7 b4 1a 5a 71 b2 40 4e 00 00 00 00 00 00 00 \
         fb ae 08 fe 77 f6 89 40 45 00 00 00 00 00 00 00 \
         be 9f 1a 2f dd 84 36 40 5c 8f c2 f5 28 fc 68 40 \
         16 00 00 00 0c 00 00 00 0e 00 00 00 f2 fb ff ff");
    let block = Block::new(0x4000, 0x3F0).put(0x10, &body).0;
    let point = one(&block, Variant::VantrueN4);
    assert_eq!(point.time, Some(datetime!(2022-12-14 13:22:30 UTC)));
    assert_fix(&point, "47.355866", "8.513477");
    assert_listed("knots", knots(&point), "22.519");
    assert_listed("course", point.course.unwrap(), "199.88");
}

#[test]
fn t10_vantrue_s1() {
    let body = hex("41 4e 45 00 15 00 00 00 07 00 00 00 02 00 00 00 \
         03 00 00 00 35 00 00 00 05 00 00 00 4f 74 4c 44 \
         e2 77 a0 45 89 c1 98 42 71 bd ac 42 02 ab 0d 43 \
         05 00 00 00 7f 00 00 00 07 01 00 00");
    let block = Block::new(0x8000, 0x78)
        .put(0x30, b"horsontech")
        .put(0x40, &body)
        .0;
    let point = one(&block, Variant::VantrueS1);
    assert_eq!(point.time, Some(datetime!(2021-07-02 03:53:05 UTC)));
    assert_fix(&point, "51.583089", "8.296955");
    assert_listed("knots", knots(&point), "76.378");
    assert_listed("course", point.course.unwrap(), "86.37");
    assert_listed("altitude", point.altitude.unwrap(), "141.67");
}

#[test]
fn t13_innovv_has_no_time() {
    let mut record = b"ANE\0".to_vec();
    record.extend(hex("E4 56 96 45 86 B1 CA 44 5C 8F E2 40 33 33 58 43"));
    record.extend(u32s(&[195, 48, (-352i32) as u32]));
    let block = Block::new(0x8000, 0x3F0).put(16, &record).0;
    let point = one(&block, Variant::Innovv);
    assert_eq!(point.time, None);
    assert_fix(&point, "48.181022", "16.359127");
    assert_listed("knots", knots(&point), "7.08");
    assert_listed("course", point.course.unwrap(), "216.2");
}

#[test]
fn t6_akaso_course_is_reversed() {
    let body = hex("12 00 00 00 2f 00 00 00 19 00 00 00 41 00 00 00 \
         13 b3 ca 44 4e 00 00 00 29 92 fb 45 45 00 00 00 \
         d9 ee b4 41 ec d1 d3 42 e4 07 00 00 01 00 00 00 \
         0c 00 00 00 01 00 00 00 05 00 00 00");
    let block = Block::new(0x8000, 0x60)
        .put(16, b"x.xx")
        .put(32, b"00000")
        .put(0x30, &body)
        .0;
    let point = one(&block, Variant::Akaso);
    assert_eq!(point.time, Some(datetime!(2020-01-12 18:47:25 UTC)));
    assert_fix(&point, "16.359934", "80.837834");
    assert_listed("raw speed (km/h)", kmh(&point), "22.62");
    assert_listed("course", point.course.unwrap(), "285.91");
}

#[test]
fn t6_anticlock() {
    let body = hex("0e 00 00 00 38 00 00 00 22 00 00 00 41 00 00 00 \
         8a 63 24 45 53 00 00 00 9f e6 42 45 45 00 00 00 \
         59 c0 04 3f 52 b8 42 41 14 00 00 00 0b 00 00 00 \
         19 00 00 00 06 00 00 00 05 00 00 00 f6 ff ff ff \
         03 00 00 00 04 00 00 00");
    let block = Block::new(0x8000, 0x68)
        .put(16, b"20130325A")
        .put(32, b"Apr  6 2016, 16:")
        .put(0x30, &body)
        .0;
    let point = one(&block, Variant::Akaso);
    assert_eq!(point.time, Some(datetime!(2020-11-25 14:56:34 UTC)));
    assert_fix(&point, "-26.503687", "31.306897");
    // Not the `x.xx` sub-type: the course is kept as stored.
    assert_listed("course", point.course.unwrap(), "12.17");
}

#[test]
fn t14_xbht() {
    let mut record = vec![
        0, 0x17, 0x05, 0x11, 0x0D, 0x25, 0x18, 0x00, b'A', b'N', b'E',
    ];
    record.resize(16, 0);
    record.extend(hex("44 3D C5 02 48 6D FF 07"));
    record.resize(28, 0);
    record.extend(hex("6B 00"));
    let block = Block::new(0x8000, 0x3F0).put(16, &record).0;
    let point = one(&block, Variant::Xbht);
    assert_eq!(point.time, Some(datetime!(2023-05-17 13:37:24.0 UTC)));
    assert_fix(&point, "46.801180", "134.300280");
    assert_listed("km/h", kmh(&point), "107");
}

fn xor_block(size: usize, prefix: &str, plain: &[u8]) -> Vec<u8> {
    let mut text = plain.to_vec();
    text.resize(257, 0);
    let enciphered: Vec<u8> = text.iter().map(|b| b ^ 0xAA).collect();
    Block::new(size, 0)
        .put(12, &hex(prefix))
        .put(18, &enciphered[..(size - 18).min(257)])
        .0
}

#[test]
fn t1_azdome() {
    let mut plain = hex("00 00 58 4b 5a 44 fe fe");
    plain.extend(b"20180924224928\x0c5567GP   \0\0\0\0\0\x03N40464350W0070403080000000");
    plain.extend(b"7");
    plain.resize(0xad, 0);
    plain.extend(b"+093-003-005");
    let block = xor_block(0x8000, "05 01 00 00 01 03", &plain);
    let point = one(&block, Variant::AzdomeXor);
    assert_eq!(point.time, Some(datetime!(2018-09-24 22:49:28 UTC)));
    assert_fix(&point, "40.773917", "-7.067180");
    assert_listed("km/h", kmh(&point), "7");
    assert_eq!(point.course, None);
}

#[test]
fn t1_eeekit() {
    let mut plain = hex("00 00 58 4b 5a 44 fe fe");
    plain.extend(b"20200519162335\x0c00200519162336\x03N37452416W122255009+0175011");
    plain.extend(b"+014+002+026+01");
    let block = xor_block(0x400, "f0 03 00 00 01 03", &plain);
    let point = one(&block, Variant::AzdomeXor);
    assert_eq!(point.time, Some(datetime!(2020-05-19 16:23:35 UTC)));
    assert_fix(&point, "37.754027", "-122.425015");
    assert_listed("km/h", kmh(&point), "11");
}

#[test]
fn t2_nextbase_512gw_uses_the_gps_time_not_the_camera_clock() {
    let block = Block::new(0x8000, 0x140)
        .put(52, b"20180919100959")
        .put(
            0x51,
            b"$GPRMC,080951.000,A,5207.9097,N,00505.5175,E,55.11,125.58,190918,,,A*6B\r\n",
        )
        .0;
    let point = one(&block, Variant::NextbaseNmea);
    assert_eq!(point.time, Some(datetime!(2018-09-19 08:09:51 UTC)));
    assert_fix(&point, "52.131828", "5.091958");
    assert_listed("knots", knots(&point), "55.11");
    assert_listed("m/s", point.speed_2d.unwrap(), "28.35");
    assert_listed("course", point.course.unwrap(), "125.58");
}

#[test]
fn t20_nextbase_512g_reads_every_record() {
    let rec1 = hex("24 53 02 79 D4 85 07 E2 0A 08 06 2A 01 D1 02 20 14 98 FF FF 21 67 97 10");
    let rec2 = hex("24 53 02 79 D4 85 07 E2 0A 08 06 2A 01 D2 02 20 14 98 E3 FF 21 67 3B 10");
    let block = Block::new(0x8000, 0x178)
        .put(16, b"x.xx")
        .put(32, b"00000")
        .put(0x30, &rec1)
        .put(0x50, &rec2)
        .0;
    let (variant, points) = decode(&block, &DecodeOptions::default());
    assert_eq!(variant, Variant::Nextbase512G);
    assert_eq!(points.len(), 2);
    assert_eq!(points[0].time, Some(datetime!(2018-10-08 06:42:46.5 UTC)));
    assert_fix(&points[0], "53.8220799", "-1.4588009");
    assert_listed("m/s", points[0].speed_2d.unwrap(), "6.33");
    assert_listed("course", points[0].course.unwrap(), "248.69");
    assert_eq!(points[1].time, Some(datetime!(2018-10-08 06:42:46.6 UTC)));
    assert_fix(&points[1], "53.8220771", "-1.4588101");
}

#[test]
fn ts_viofo_a119_v3_record_at_zero() {
    let payload = core(
        [0x08, 0x07, 0x18, 0x15, 0x03, 0x0B],
        b"ANE",
        "01 F2 AC 45 2D 7F 6E 45 b8 1e 97 41 d7 23 46 43",
    );
    let BlockOutcome::Points(Variant::TsNovatek, points) =
        decode_ts_payload(&payload, &DecodeOptions::default())
    else {
        panic!("not decoded");
    };
    assert_eq!(points[0].time, Some(datetime!(2021-03-11 08:07:24 UTC)));
    assert_fix(&points[0], "55.570841", "38.265808");
    assert_listed("knots", knots(&points[0]), "18.89");
    assert_listed("course", points[0].course.unwrap(), "198.14");
}

/// Blueskysea B4K's 164-byte prefix as in ExifTool's dump.
pub fn b4k_prefix() -> Vec<u8> {
    let mut prefix = hex("01 00 ff 00");
    prefix.extend(b"01234578abcdefg\n");
    prefix.resize(0x44, 0);
    prefix.extend(b"01234578qwertyuiop\n");
    prefix.resize(0x84, 0);
    prefix.extend(b"c8aa25cf45eea9e2442faeb5e09907d4");
    prefix
}

#[test]
fn ts_blueskysea_b4k_after_prefix() {
    let mut payload = b4k_prefix();
    assert_eq!(payload.len(), 164);
    payload.extend(core(
        [0x15, 0x10, 0x1B, 0x15, 0x01, 0x09],
        b"ANW",
        "82 9A 57 45 98 B2 00 46 66 66 e4 41 d7 e3 14 43",
    ));
    payload.extend(hex("01 00 02 00 03 00 04 00 05 00 06 00"));
    let BlockOutcome::Points(Variant::TsNovatek, points) =
        decode_ts_payload(&payload, &DecodeOptions::default())
    else {
        panic!("not decoded");
    };
    assert_eq!(points[0].time, Some(datetime!(2021-01-09 21:16:27 UTC)));
    assert_fix(&points[0], "34.827612", "-82.610807");
    assert_listed("knots", knots(&points[0]), "28.55");
    assert_listed("course", points[0].course.unwrap(), "148.89");
}

#[test]
fn detection_follows_the_spec_order() {
    let order: Vec<&str> = detection_order().collect();
    assert_eq!(
        order,
        [
            "T1", "T2", "T3/T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "T13", "T14",
            "T15", "T16/T17", "T18", "T19", "T20"
        ]
    );
    // A block carrying both the offset-16 and the offset-48 signature is read as T3.
    let mut block = encode::novatek_at16(&vancouver());
    block[72..76].copy_from_slice(b"ANE\0");
    assert_eq!(
        decode(&block, &DecodeOptions::default()).0,
        Variant::NovatekAt16
    );
}

fn skipped(block: &[u8]) -> BlockOutcome {
    decode_block(block, &DecodeOptions::default())
}

#[test]
fn blocks_without_a_fix_say_why() {
    let empty = Block::new(0x8000, 0x3F0).0;
    assert_eq!(skipped(&empty), BlockOutcome::Skipped(SkipReason::Empty));
    let header_only = b"\0\0\0\x0cfreeGPS ";
    assert_eq!(
        skipped(header_only),
        BlockOutcome::Skipped(SkipReason::Empty)
    );

    let mut void16 = encode::novatek_at16(&vancouver());
    void16[40] = b'V';
    assert_eq!(skipped(&void16), BlockOutcome::Skipped(SkipReason::VoidFix));
    let mut void48 = encode::novatek_at48(&gdansk());
    void48[72] = b'V';
    assert_eq!(skipped(&void48), BlockOutcome::Skipped(SkipReason::VoidFix));
    let mut blank_lat = encode::novatek_at16(&vancouver());
    blank_lat[41] = b' ';
    blank_lat[40] = b'V';
    assert_eq!(
        skipped(&blank_lat),
        BlockOutcome::Skipped(SkipReason::VoidFix)
    );

    let mut month13 = encode::novatek_at16(&vancouver());
    month13[32] = 13;
    assert_eq!(
        skipped(&month13),
        BlockOutcome::Skipped(SkipReason::InvalidTime)
    );
    let mut feb30 = encode::novatek_at16(&vancouver());
    feb30[32] = 2;
    feb30[36] = 30;
    assert_eq!(
        skipped(&feb30),
        BlockOutcome::Skipped(SkipReason::InvalidTime)
    );

    let mut minutes60 = encode::novatek_at16(&vancouver());
    minutes60[44..48].copy_from_slice(&4960.5f32.to_le_bytes());
    assert_eq!(
        skipped(&minutes60),
        BlockOutcome::Skipped(SkipReason::InvalidPosition)
    );
    let mut null_island = encode::novatek_at16(&vancouver());
    null_island[44..52].fill(0);
    assert_eq!(
        skipped(&null_island),
        BlockOutcome::Skipped(SkipReason::ZeroPosition)
    );

    let short = Block::new(81, 0x3F0).put(16, b"ANE").0;
    assert_eq!(skipped(&short), BlockOutcome::Skipped(SkipReason::TooShort));
    let cut = &encode::novatek_at16(&vancouver())[..30];
    assert_eq!(skipped(cut), BlockOutcome::Skipped(SkipReason::Truncated));
    let mut wrong_type = encode::novatek_at16(&vancouver());
    wrong_type[4..8].copy_from_slice(b"skip");
    assert_eq!(
        skipped(&wrong_type),
        BlockOutcome::Skipped(SkipReason::NotFreeGps)
    );

    let azdome_no_fix = xor_block(
        0x8000,
        "05 01 00 00 01 03",
        b"\0\0XKZD\xfe\xfe20180924224928\x0c5567GP   \0\0\0\0\0\x03                     ",
    );
    assert_eq!(
        skipped(&azdome_no_fix),
        BlockOutcome::Skipped(SkipReason::VoidFix)
    );
}

#[test]
fn a_record_cut_off_by_the_end_of_the_file_is_truncated_but_a_complete_one_decodes() {
    let block = encode::novatek_at48(&gdansk());
    // The record ends at 92; the size field still says 0x8000.
    assert_eq!(
        skipped(&block[..85]),
        BlockOutcome::Skipped(SkipReason::TooShort)
    );
    assert_eq!(
        one(&block[..92], Variant::NovatekAt48).time,
        Some(gdansk().time)
    );
}

#[test]
fn enciphered_layouts_are_named() {
    let eachpai = Block::new(0x8000, 0xAC)
        .put(
            60,
            b"4W`b]S<AGEEBB>@@@<Q<DBD@>HFCE<^<@HCAB>FBGH<g<@>@B<C>CA<@B@FB@<<<Q:GF",
        )
        .0;
    // ExifTool's EACHPAI dump carries T7's signature, and T7 comes first: its text is plain
    // shifted NMEA, so it decodes (as ExifTool's own rule order does too).
    let point = one(&eachpai, Variant::ShiftedNmea);
    assert_eq!(point.time, Some(datetime!(2020-06-02 17:55:22 UTC)));
    assert_fix(&point, "42.681058", "-83.210463");
    let eachpai_plain = Block::new(0x8000, 0xAC)
        .put(60, b"garbage that is not nmea")
        .0;
    assert_eq!(
        skipped(&eachpai_plain),
        BlockOutcome::Encrypted(Cipher::Eachpai)
    );

    let akaso_v1 = Block::new(0x8000, 0x78)
        .put(16, b"YndAkasoCar")
        .put(32, b"00000")
        .put(0x30, &u32s(&[0x0E, 0x27, 0x2C, 2019, 5, 0x1D]))
        .put(0x48, b"ANE\0\0\0\0\0")
        .put(
            0x50,
            &hex("f1 4e 3e 3d 90 df ca 40 e3 50 bf 0b 0b 31 a0 40"),
        )
        .0;
    assert_eq!(skipped(&akaso_v1), BlockOutcome::Encrypted(Cipher::AkasoV1));

    let mut substituted = b"####".to_vec();
    substituted.extend(0x70u32.to_le_bytes());
    substituted.extend([0x20; 8]);
    let ligo = Block::new(0x8000, 0x108)
        .put(16, b"LIGOGPSINFO\0")
        .put(0x24, &substituted)
        .0;
    assert_eq!(
        skipped(&ligo),
        BlockOutcome::Encrypted(Cipher::LigoSubstitution)
    );
}

#[test]
fn unrecognised_blocks_are_unknown() {
    let garbage = Block::new(0x8000, 0x1234).put(16, &[0x5A; 200]).0;
    assert_eq!(skipped(&garbage), BlockOutcome::Unknown);
}
