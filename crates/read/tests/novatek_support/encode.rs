//! One encoder per layout of spec §4: `Fix` → a complete `freeGPS` block (header included).

use super::{Fix, BLOCK_SIZE};
use time::{Duration, OffsetDateTime};

const MPS_TO_KNOTS: f64 = 3600.0 / 1852.0;
const MPS_TO_KMH: f64 = 3.6;

/// A zeroed block of `size` bytes with the `size free GPS ` header and the LE length word.
pub struct Block(pub Vec<u8>);

impl Block {
    pub fn new(size: usize, length_word: u32) -> Block {
        let mut bytes = vec![0; size];
        bytes[..4].copy_from_slice(&(size as u32).to_be_bytes());
        bytes[4..12].copy_from_slice(b"freeGPS ");
        bytes[12..16].copy_from_slice(&length_word.to_le_bytes());
        Block(bytes)
    }

    pub fn put(mut self, at: usize, data: &[u8]) -> Block {
        self.0[at..at + data.len()].copy_from_slice(data);
        self
    }

    pub fn u32s(self, at: usize, values: &[u32]) -> Block {
        let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.put(at, &data)
    }

    pub fn f32(self, at: usize, value: f64) -> Block {
        self.put(at, &(value as f32).to_le_bytes())
    }

    pub fn f64(self, at: usize, value: f64) -> Block {
        self.put(at, &value.to_le_bytes())
    }

    pub fn i32(self, at: usize, value: f64) -> Block {
        self.put(at, &(value.round() as i32).to_le_bytes())
    }
}

pub fn knots(fix: &Fix) -> f64 {
    fix.speed * MPS_TO_KNOTS
}

pub fn kmh(fix: &Fix) -> f64 {
    fix.speed * MPS_TO_KMH
}

/// Unsigned `DDDMM.MMMM`.
pub fn ddmm(degrees: f64) -> f64 {
    let whole = degrees.abs().trunc();
    whole * 100.0 + (degrees.abs() - whole) * 60.0
}

pub fn lat_ref(fix: &Fix) -> u8 {
    if fix.lat < 0.0 {
        b'S'
    } else {
        b'N'
    }
}

pub fn lon_ref(fix: &Fix) -> u8 {
    if fix.lon < 0.0 {
        b'W'
    } else {
        b'E'
    }
}

/// Year, month, day, hour, minute, second.
pub fn calendar(time: OffsetDateTime) -> [u32; 6] {
    [
        time.year() as u32,
        u32::from(u8::from(time.month())),
        u32::from(time.day()),
        u32::from(time.hour()),
        u32::from(time.minute()),
        u32::from(time.second()),
    ]
}

/// The 44-byte core record (§4.1) with the year stored as given.
pub fn core_record(fix: &Fix, year: u32) -> Vec<u8> {
    let [_, month, day, hour, minute, second] = calendar(fix.time);
    let mut out: Vec<u8> = [hour, minute, second, year, month, day]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    out.extend([b'A', lat_ref(fix), lon_ref(fix), 0]);
    for value in [ddmm(fix.lat), ddmm(fix.lon), knots(fix), fix.course] {
        out.extend((value as f32).to_le_bytes());
    }
    out
}

fn short_year(fix: &Fix) -> u32 {
    fix.time.year() as u32 - 2000
}

/// T3, Viofo A119 V3: record at 16, accelerometer placeholder at 60.
pub fn novatek_at16(fix: &Fix) -> Vec<u8> {
    Block::new(BLOCK_SIZE, 0x3F0)
        .put(16, &core_record(fix, short_year(fix)))
        .put(60, &[1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0])
        .0
}

/// T3, Kenwood DRV-A510W: model banner, record at 64 with the absolute year.
pub fn kenwood(fix: &Fix) -> Vec<u8> {
    Block::new(BLOCK_SIZE, 0x3F0)
        .put(16, b"MN:DRV-A510W@V1.7_BDZICZ_C")
        .put(0x38, b"::start@")
        .put(64, &core_record(fix, fix.time.year() as u32))
        .0
}

/// T17, Viofo A119S: 32 zero bytes, then the record at 48.
pub fn novatek_at48(fix: &Fix) -> Vec<u8> {
    Block::new(BLOCK_SIZE, 0x4C)
        .put(48, &core_record(fix, short_year(fix)))
        .0
}

/// T17b, Rexing V1-4K: the floats carry `3·lat + c₁` and `2·lon + c₂` (decimal degrees).
pub fn rexing(fix: &Fix) -> Vec<u8> {
    Block::new(BLOCK_SIZE, 0x4C)
        .put(48, &core_record(fix, short_year(fix)))
        .f32(76, fix.lat.abs() * 3.0 + 187.982_162_849_635)
        .f32(80, fix.lon.abs() * 2.0 + 2_199.198_737_154_95)
        .0
}

/// T17c, Transcend DrivePro Body 70: 16 KiB block, decimal degrees, km/h, absolute year.
pub fn body70(fix: &Fix) -> Vec<u8> {
    Block::new(0x4000, 0x4C)
        .put(48, &core_record(fix, fix.time.year() as u32))
        .f32(76, fix.lat.abs())
        .f32(80, fix.lon.abs())
        .f32(84, kmh(fix))
        .0
}

/// T17 + Transcend DrivePro 230 doubles and altitude.
pub fn transcend230(fix: &Fix) -> Vec<u8> {
    Block::new(BLOCK_SIZE, 0x4C)
        .put(48, &core_record(fix, short_year(fix)))
        .f64(0x70, ddmm(fix.lat))
        .f64(0x80, ddmm(fix.lon))
        .f64(0xA0, fix.altitude)
        .0
}

/// T16, IQS: integer degrees ×10⁷, m/s ×100, altitude ×1000 as f32.
pub fn iqs(fix: &Fix) -> Vec<u8> {
    Block::new(BLOCK_SIZE, 0x4C)
        .put(16, b"IQS_A7_20150417\0Mar 29 2017, 16:")
        .put(48, &core_record(fix, short_year(fix)))
        .i32(0x4C, fix.lat.abs() * 1e7)
        .i32(0x50, fix.lon.abs() * 1e7)
        .i32(0x54, fix.speed * 100.0)
        .f32(0x58, fix.altitude * 1000.0)
        .0
}

/// T1 text after XOR: signature, timestamp, label, coordinates; the caller adds the speed.
fn azdome_text(fix: &Fix) -> Vec<u8> {
    let [y, mo, d, h, mi, s] = calendar(fix.time);
    let mut text = vec![0, 0, b'X', b'K', b'Z', b'D', 0xFE, 0xFE];
    text.extend(format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}").bytes());
    text.push(0x0C);
    text.extend(b"5567GP   \0\0\0\0\0\x03");
    text.push(lat_ref(fix));
    text.extend(format!("{:08}", (ddmm(fix.lat) * 1e4).round() as u64).bytes());
    text.push(lon_ref(fix));
    text.extend(format!("{:09}", (ddmm(fix.lon) * 1e4).round() as u64).bytes());
    text
}

fn xor_block(prefix: [u8; 6], text: &[u8]) -> Vec<u8> {
    let mut plain = vec![0u8; 257];
    plain[..text.len()].copy_from_slice(text);
    let enciphered: Vec<u8> = plain.iter().map(|b| b ^ 0xAA).collect();
    Block::new(BLOCK_SIZE, 0)
        .put(12, &prefix)
        .put(18, &enciphered)
        .0
}

/// T1, Azdome GS63H: 8-digit km/h, accelerometer at 173.
pub fn azdome(fix: &Fix) -> Vec<u8> {
    let mut text = azdome_text(fix);
    text.extend(format!("{:08}", kmh(fix).round() as u64).bytes());
    text.resize(173, 0);
    text.extend(b"+093-003-005");
    xor_block([0x05, 0x01, 0, 0, 0x01, 0x03], &text)
}

/// T1, EEEkit: signed 4-digit field, 3-digit km/h, accelerometer groups.
pub fn eeekit(fix: &Fix) -> Vec<u8> {
    let mut text = azdome_text(fix);
    text.extend(format!("+0175{:03}", kmh(fix).round() as u64).bytes());
    text.extend(b"+014+002+026+014");
    xor_block([0xF0, 0x03, 0, 0, 0x01, 0x03], &text)
}

fn nmea_ddmm(degrees: f64, width: usize) -> String {
    let whole = degrees.abs().trunc();
    let minutes = (degrees.abs() - whole) * 60.0;
    format!("{:0width$}{minutes:07.4}", whole as u32)
}

fn checksummed(body: &str) -> String {
    let sum = body.bytes().fold(0u8, |acc, b| acc ^ b);
    format!("${body}*{sum:02X}\r\n")
}

/// `$GPRMC` for the fix (4 decimals of minutes, knots to 3 decimals, course to 2).
pub fn rmc(fix: &Fix) -> String {
    let [y, mo, d, h, mi, s] = calendar(fix.time);
    checksummed(&format!(
        "GPRMC,{h:02}{mi:02}{s:02}.000,A,{},{},{},{},{:.3},{:.2},{d:02}{mo:02}{:02},,,A",
        nmea_ddmm(fix.lat, 2),
        lat_ref(fix) as char,
        nmea_ddmm(fix.lon, 3),
        lon_ref(fix) as char,
        knots(fix),
        fix.course,
        y % 100
    ))
}

fn gga(fix: &Fix) -> String {
    let [_, _, _, h, mi, s] = calendar(fix.time);
    checksummed(&format!(
        "GPGGA,{h:02}{mi:02}{s:02}.000,{},{},{},{},1,09,0.9,{:.1},M,47.0,M,,",
        nmea_ddmm(fix.lat, 2),
        lat_ref(fix) as char,
        nmea_ddmm(fix.lon, 3),
        lon_ref(fix) as char,
        fix.altitude
    ))
}

/// T2, Nextbase 512GW: camera clock (2 h ahead, 8 s off) at 52, RMC and GGA from 0x51.
pub fn nextbase_nmea(fix: &Fix) -> Vec<u8> {
    let clock = fix.time + Duration::hours(2) + Duration::seconds(8);
    let [y, mo, d, h, mi, s] = calendar(clock);
    let sentences = format!("{}{}", rmc(fix), gga(fix));
    Block::new(BLOCK_SIZE, 0x140)
        .put(
            52,
            format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}").as_bytes(),
        )
        .put(0x51, sentences.as_bytes())
        .0
}

/// T7: `ZXSBNXYS`, then the RMC sentence with every byte + 16 at 60.
pub fn shifted_nmea(fix: &Fix) -> Vec<u8> {
    let shifted: Vec<u8> = rmc(fix).bytes().take(80).map(|b| b + 16).collect();
    Block::new(0x4000, 0x1F0)
        .put(16, b"ZXSBNXYS")
        .put(60, &shifted)
        .0
}

/// T4, E-ACE B44 with plain-text coordinates (the RC4 form is covered by unit tests).
pub fn eace(fix: &Fix) -> Vec<u8> {
    let record = core_record(fix, short_year(fix));
    Block::new(BLOCK_SIZE, 0x3F0)
        .put(16, &record[..28])
        .put(0x2C, format!("{:.4}", ddmm(fix.lat)).as_bytes())
        .put(0x40, format!("{:.4}", ddmm(fix.lon)).as_bytes())
        .f32(0x54, knots(fix))
        .f32(0x58, fix.course)
        .put(0x68, b"bHVja3ljaGlwIGdwcw==")
        .0
}

/// How the LIGOGPSINFO records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ligo {
    /// Plain text, speed in km/h (Redtiger F9).
    Plain,
    /// `####` records, coordinates not fuzzed (marker `00 00 00 01`), speed in knots.
    Scrambled,
    /// `####` records, fuzzed coordinates and speed (default scale profile).
    ScrambledFuzzed,
    /// As `ScrambledFuzzed`, with the ABASK A8 header and scale profile.
    ScrambledFuzzedAbask,
}

/// The inverse of the reader's unfuzz: `(a, b)` such that unfuzz(a, b) = (lat, lon).
fn fuzz(lat: f64, lon: f64, scale: f64) -> (f64, f64) {
    let lat10 = (lat / 10.0).trunc() * 10.0;
    let lon10 = (lon / 10.0).trunc() * 10.0;
    (lat10 + (lon - lon10) / scale, lon10 + (lat - lat10) / scale)
}

fn ligo_text(fix: &Fix, mode: Ligo) -> String {
    let [y, mo, d, h, mi, s] = calendar(fix.time);
    let (mut lat, mut lon) = (fix.lat.abs(), fix.lon.abs());
    let speed = match mode {
        Ligo::Plain => kmh(fix),
        Ligo::Scrambled => knots(fix),
        Ligo::ScrambledFuzzed | Ligo::ScrambledFuzzedAbask => {
            let scale = if mode == Ligo::ScrambledFuzzed {
                1.524_855_137
            } else {
                1.153_68
            };
            (lat, lon) = fuzz(lat, lon, scale);
            kmh(fix) / 1.854_073_33
        }
    };
    format!(
        "{y:04}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02} {}:{lat:.6} {}:{lon:.6} {speed:.3} km/h \
         A:{:.2} H:{:.2}",
        lat_ref(fix) as char,
        lon_ref(fix) as char,
        fix.course,
        fix.altitude
    )
}

/// The `####` obfuscation with control bytes 0xC0 (four bytes XOR 0x20) and 0x00 (one byte
/// verbatim) — the simplest encoding the reader accepts.
pub fn scramble(plain: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut groups = plain.chunks_exact(4);
    for group in &mut groups {
        body.push(0xC0);
        body.extend(group.iter().map(|b| b ^ 0x20));
    }
    for &b in groups.remainder() {
        body.extend([0x00, b]);
    }
    let mut record = b"####".to_vec();
    record.extend((body.len() as u32).to_le_bytes());
    record.extend(body);
    record
}

/// T5: `LIGOGPSINFO\0` at 16, one 0x84-byte record per fix from 0x24.
pub fn ligo(fixes: &[Fix], mode: Ligo) -> Vec<u8> {
    let (marker, length_word): (&[u8], u32) = match mode {
        Ligo::Plain | Ligo::Scrambled => (&[0, 0, 0, 1], 0x108),
        Ligo::ScrambledFuzzed => (&[0, 0, 0, 5], 0x108),
        // ABASK A8: length word F0 03 00 00 and zeros at 32.
        Ligo::ScrambledFuzzedAbask => (&[0, 0, 0, 5], 0x3F0),
    };
    let mut block = Block::new(BLOCK_SIZE, length_word)
        .put(16, b"LIGOGPSINFO\0")
        .put(28, marker);
    for (i, fix) in fixes.iter().enumerate() {
        let mut plain = (i as u32 + 1).to_le_bytes().to_vec();
        plain.extend(ligo_text(fix, mode).bytes());
        let record = match mode {
            Ligo::Plain => plain,
            _ => scramble(&plain),
        };
        assert!(record.len() <= 0x84, "record too long: {}", record.len());
        block = block.put(0x24 + 0x84 * i, &record);
    }
    block.0
}

/// T18, XGODY: one ASCII line from 16, speed in knots under a "km/h" label.
pub fn xgody(fix: &Fix) -> Vec<u8> {
    let [y, mo, d, h, mi, s] = calendar(fix.time);
    let line = format!(
        "normal:{y:04}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02} {}:{:.6} {}:{:.6} {:.3} km/h \
         x:-0.02 y:0.99 z:0.10 A:{:.2} H:245.5",
        lat_ref(fix) as char,
        fix.lat.abs(),
        lon_ref(fix) as char,
        fix.lon.abs(),
        knots(fix),
        fix.course
    );
    Block::new(BLOCK_SIZE, 0x3F0).put(16, line.as_bytes()).0
}

/// T6, Akaso (`marked` = the `x.xx` sub-type whose course is stored reversed) / Anticlock.
pub fn akaso(fix: &Fix, marked: bool) -> Vec<u8> {
    let [y, mo, d, h, mi, s] = calendar(fix.time);
    let course = if marked {
        (fix.course + 180.0) % 360.0
    } else {
        fix.course
    };
    let block = Block::new(BLOCK_SIZE, 0x60).put(32, b"00000");
    let block = if marked {
        block.put(16, b"x.xx")
    } else {
        block
    };
    block
        .u32s(0x30, &[h, mi, s, u32::from(b'A')])
        .f32(0x40, ddmm(fix.lat))
        .u32s(0x44, &[u32::from(lat_ref(fix))])
        .f32(0x48, ddmm(fix.lon))
        .u32s(0x4C, &[u32::from(lon_ref(fix))])
        .f32(0x50, kmh(fix))
        .f32(0x54, course)
        .u32s(0x58, &[y, mo, d])
        .0
}

/// T10, Vantrue S1: date first, longitude before latitude, altitude.
pub fn vantrue_s1(fix: &Fix) -> Vec<u8> {
    let [_, mo, d, h, mi, s] = calendar(fix.time);
    Block::new(BLOCK_SIZE, 0x78)
        .put(0x30, b"horsontech")
        .put(0x40, &[b'A', lat_ref(fix), lon_ref(fix), 0])
        .u32s(0x44, &[short_year(fix), mo, d, h, mi, s])
        .f32(0x5C, ddmm(fix.lon))
        .f32(0x60, ddmm(fix.lat))
        .f32(0x64, knots(fix))
        .f32(0x68, fix.course)
        .f32(0x6C, fix.altitude)
        .0
}

/// T15, Vantrue N4: f64 DDMM each followed by its letter, date after the course.
pub fn vantrue_n4(fix: &Fix) -> Vec<u8> {
    let [_, mo, d, h, mi, s] = calendar(fix.time);
    Block::new(0x4000, 0x3F0)
        .u32s(0x10, &[h, mi, s, u32::from(b'A')])
        .f64(0x20, ddmm(fix.lat))
        .u32s(0x28, &[u32::from(lat_ref(fix))])
        .f64(0x30, ddmm(fix.lon))
        .u32s(0x38, &[u32::from(lon_ref(fix))])
        .f64(0x40, knots(fix))
        .f64(0x48, fix.course)
        .u32s(0x50, &[short_year(fix), mo, d])
        .put(0x64, format!(" {}", rmc(fix)).as_bytes())
        .0
}

/// T12: f64 fields after a "20130815.01" header.
pub fn doubles(fix: &Fix) -> Vec<u8> {
    let [_, mo, d, h, mi, s] = calendar(fix.time);
    Block::new(BLOCK_SIZE, 0x108)
        .put(16, b"20130815.01\0\0\0\0\0Jun 10 2017, 14:")
        .u32s(0x30, &[h, mi, s, u32::from(b'A')])
        .f64(0x40, ddmm(fix.lat))
        .u32s(0x48, &[u32::from(lat_ref(fix))])
        .f64(0x50, ddmm(fix.lon))
        .u32s(0x58, &[u32::from(lon_ref(fix))])
        .f64(0x60, knots(fix))
        .f64(0x68, fix.course)
        .u32s(0x70, &[short_year(fix), mo, d])
        .0
}

/// T11 record keys: nonzero so the XOR is exercised.
const ATC_KEYS: (u8, u8) = (0x5A, 0xC3);

/// T11, ATC: one 52-byte record per fix from 0x30, each XOR-keyed.
pub fn atc(fixes: &[Fix]) -> Vec<u8> {
    let mut block = Block::new(BLOCK_SIZE, 0x638).put(16, b"IQS20130306B\0\0\0\0May 15 2015, 19:");
    for (i, fix) in fixes.iter().enumerate() {
        let [y, mo, d, h, mi, s] = calendar(fix.time);
        let mut record = vec![0u8; 52];
        record[..4].copy_from_slice(&[1, i as u8, i as u8, 0]);
        record[0x04..0x08].copy_from_slice(&(d | mo << 5 | y << 9).to_le_bytes());
        record[0x08..0x0C].copy_from_slice(&(s | mi << 6 | h << 12).to_le_bytes());
        record[0x0C] = 1;
        record[0x0D] = (h as u8).wrapping_sub(1);
        record[0x0E] = mi as u8;
        record[0x0F] = s as u8;
        record[0x10..0x14].copy_from_slice(&((fix.lat * 1e7).round() as i32).to_le_bytes());
        record[0x15..0x18].copy_from_slice(b"ATC");
        record[0x18..0x1C].copy_from_slice(&((fix.lon * 1e7).round() as i32).to_le_bytes());
        record[0x1D..0x20].copy_from_slice(b"001");
        record[0x20..0x24].copy_from_slice(&((fix.speed * 100.0).round() as i32).to_le_bytes());
        let heading = if fix.course > 180.0 {
            fix.course - 360.0
        } else {
            fix.course
        };
        record[0x24..0x26].copy_from_slice(&((heading * 100.0).round() as i16).to_le_bytes());
        record[0x28..0x2C].copy_from_slice(&((fix.altitude * 1000.0).round() as i32).to_le_bytes());
        record[0x2C..0x2E].copy_from_slice(&(y as u16).to_le_bytes());
        record[0x2E] = mo as u8;
        record[0x2F] = d as u8;
        let (k1, k2) = ATC_KEYS;
        for (j, b) in record.iter_mut().enumerate() {
            match j {
                0x00..=0x14 | 0x18..=0x1B => *b ^= k1,
                0x1C | 0x20..=0x32 => *b ^= k2,
                _ => {}
            }
        }
        block = block.put(0x30 + 52 * i, &record);
    }
    block.0
}

/// One INNOVV 32-byte record.
pub fn innovv_record(fix: &Fix) -> Vec<u8> {
    let mut record = vec![b'A', lat_ref(fix), lon_ref(fix), 0];
    for value in [ddmm(fix.lat), ddmm(fix.lon), knots(fix), fix.course] {
        record.extend((value as f32).to_le_bytes());
    }
    for axis in [195i32, 48, -352] {
        record.extend(axis.to_le_bytes());
    }
    record
}

/// T13, INNOVV MP4: records from 16.
pub fn innovv(fixes: &[Fix]) -> Vec<u8> {
    let records: Vec<u8> = fixes.iter().flat_map(innovv_record).collect();
    Block::new(BLOCK_SIZE, 0x3F0).put(16, &records).0
}

/// T14, XBHT: 36-byte byte-packed records from 16 (tenths of a second kept).
pub fn xbht(fixes: &[Fix]) -> Vec<u8> {
    let mut block = Block::new(BLOCK_SIZE, 0x3F0);
    for (i, fix) in fixes.iter().enumerate() {
        let [y, mo, d, h, mi, s] = calendar(fix.time);
        let tenths = fix.time.millisecond() / 100;
        let mut record = vec![0u8; 36];
        record[..8].copy_from_slice(&[
            0,
            (y - 2000) as u8,
            mo as u8,
            d as u8,
            h as u8,
            mi as u8,
            s as u8,
            tenths as u8,
        ]);
        record[8..11].copy_from_slice(&[b'A', lat_ref(fix), lon_ref(fix)]);
        record[16..20].copy_from_slice(&((ddmm(fix.lat) * 1e4).round() as u32).to_le_bytes());
        record[20..24].copy_from_slice(&((ddmm(fix.lon) * 1e4).round() as u32).to_le_bytes());
        record[28..30].copy_from_slice(&(kmh(fix).round() as u16).to_le_bytes());
        block = block.put(16 + 36 * i, &record);
    }
    block.0
}

/// T19, 70mai A810: `A` at 30, signed degrees ×10⁵ at 31/35, km/h at 43, `VV` at 51.
pub fn mai70(fix: &Fix) -> Vec<u8> {
    Block::new(BLOCK_SIZE, 0x3F0)
        .put(30, b"A")
        .i32(31, fix.lat * 1e5)
        .i32(35, fix.lon * 1e5)
        .i32(43, kmh(fix))
        .put(51, b"VV")
        .0
}

/// T20, Nextbase 512G: big-endian 32-byte records from 0x30.
pub fn nextbase512g(fixes: &[Fix]) -> Vec<u8> {
    let mut block = Block::new(BLOCK_SIZE, 0x178)
        .put(16, b"x.xx")
        .put(32, b"00000");
    for (i, fix) in fixes.iter().enumerate() {
        let [y, mo, d, h, mi, s] = calendar(fix.time);
        let tenths = s * 10 + u32::from(fix.time.millisecond()) / 100;
        let heading = if fix.course > 180.0 {
            fix.course - 360.0
        } else {
            fix.course
        };
        let mut record = b"$S".to_vec();
        record.extend(((fix.speed * 100.0).round() as u16).to_be_bytes());
        record.extend(((heading * 100.0).round() as i16).to_be_bytes());
        record.extend((y as u16).to_be_bytes());
        record.extend([mo as u8, d as u8, h as u8, mi as u8]);
        record.extend((tenths as u16).to_be_bytes());
        record.push(2);
        record.extend(((fix.lat * 1e7).round() as i32).to_be_bytes());
        record.extend(((fix.lon * 1e7).round() as i32).to_be_bytes());
        record.push(16);
        block = block.put(0x30 + 32 * i, &record);
    }
    block.0
}
