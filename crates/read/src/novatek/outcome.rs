//! What decoding one `freeGPS` block (or one TS record) produced.

use std::fmt;

use time::format_description::well_known::Rfc3339;

use super::convert::Reading;
use super::DecodeOptions;
use crate::model::GpsPoint;

/// The result of decoding one block. Never an error: a block that yields nothing says why.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BlockOutcome {
    /// At least one point, and the layout that produced them.
    Points(Variant, Vec<GpsPoint>),
    /// A block that holds no usable point, and why.
    Skipped(SkipReason),
    /// A layout we recognise whose coordinates are enciphered by a scheme nobody has broken;
    /// reported instead of emitting wrong positions.
    Encrypted(Cipher),
    /// No known layout matched.
    Unknown,
}

impl BlockOutcome {
    /// The outcome of a single-fix layout.
    pub(crate) fn from_reading(
        variant: Variant,
        reading: Result<Reading, SkipReason>,
        options: &DecodeOptions,
    ) -> BlockOutcome {
        match reading.and_then(|r| r.into_point(options)) {
            Ok(point) => BlockOutcome::Points(variant, vec![point]),
            Err(reason) => BlockOutcome::Skipped(reason),
        }
    }

    /// The outcome of a multi-record layout: every valid record, or — when none is valid — the
    /// first record's reason (`none` when there was no record at all).
    pub(crate) fn from_readings(
        variant: Variant,
        readings: impl IntoIterator<Item = Result<Reading, SkipReason>>,
        options: &DecodeOptions,
        none: SkipReason,
    ) -> BlockOutcome {
        let mut points = Vec::new();
        let mut first_reason = None;
        for reading in readings {
            match reading.and_then(|r| r.into_point(options)) {
                Ok(point) => points.push(point),
                Err(reason) => {
                    first_reason.get_or_insert(reason);
                }
            }
        }
        if points.is_empty() {
            BlockOutcome::Skipped(first_reason.unwrap_or(none))
        } else {
            BlockOutcome::Points(variant, points)
        }
    }
}

/// One block's outcome in a few words, for `--verbose` listings.
impl fmt::Display for BlockOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockOutcome::Points(variant, points) => {
                write!(f, "{variant}, {} point(s)", points.len())?;
                if let Some(first) = points.first() {
                    write!(f, ", first {:.6},{:.6}", first.latitude, first.longitude)?;
                    if let Some(time) = first.time.and_then(|t| t.format(&Rfc3339).ok()) {
                        write!(f, " at {time}")?;
                    }
                }
                Ok(())
            }
            BlockOutcome::Skipped(reason) => write!(f, "skipped: {reason}"),
            BlockOutcome::Encrypted(cipher) => write!(f, "encrypted: {cipher}"),
            BlockOutcome::Unknown => f.write_str("no known layout"),
        }
    }
}

/// The decodable layouts, named after the cameras they were seen in. `spec_type` gives the
/// reader specification's T-number (ExifTool's internal GPSType).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Variant {
    /// T1: XOR-0xAA obfuscated ASCII (Azdome GS63H, EEEkit).
    AzdomeXor,
    /// T2: NMEA text after a camera clock (Nextbase 512GW).
    NextbaseNmea,
    /// T3: binary record at offset 16 (Viofo A119 V3, A129 Plus/Duo, A139, A229 later firmware).
    NovatekAt16,
    /// T3 shifted by 48 bytes (Kenwood DRV-A510W).
    Kenwood,
    /// T4: text coordinates, optionally RC4-enciphered (E-ACE B44).
    EAce,
    /// T5: LIGOGPSINFO records (iiway, XGODY, ABASK, Rexing V1GW-4K, Redtiger F9, …).
    Ligo,
    /// T6: Akaso and the "Anticlock" camera.
    Akaso,
    /// T7: NMEA with every byte shifted by 16 ("ZXSBNXYS" header).
    ShiftedNmea,
    /// T10: Vantrue S1 ("horsontech").
    VantrueS1,
    /// T11: "ATC" XOR-keyed ring buffer (IQS, DOD-style).
    Atc,
    /// T12: f64 fields ("20130815.01" firmware).
    Doubles,
    /// T13: INNOVV records without time (MP4 and TS).
    Innovv,
    /// T14: XBHT XB702 records with tenths of a second.
    Xbht,
    /// T15: Vantrue N4, Rove R2-4K Pro.
    VantrueN4,
    /// T16: IQS integer coordinates at offset 48.
    Iqs,
    /// T17: binary record at offset 48 (Viofo A119/A119S, A229 early firmware, SG9665GC).
    NovatekAt48,
    /// T17b: offset-48 record with Rexing's affine coordinate transform (option).
    Rexing,
    /// T17c: offset-48 record with decimal degrees and km/h (Transcend DrivePro Body 70).
    TranscendBody70,
    /// T17 with f64 duplicates of the position plus altitude (Transcend DrivePro 230).
    Transcend230,
    /// T18: XGODY 12" ASCII line.
    Xgody,
    /// T19: 70mai A810 integer coordinates without time.
    Mai70,
    /// T20: big-endian 10 Hz records (Nextbase 512G).
    Nextbase512G,
    /// MPEG-TS PID 0x300 core record (Viofo A119 V3 TS at 0, Blueskysea B4K after a 164-byte
    /// prefix).
    TsNovatek,
}

impl Variant {
    /// The reader specification's type number, e.g. `T3`.
    pub fn spec_type(self) -> &'static str {
        match self {
            Variant::AzdomeXor => "T1",
            Variant::NextbaseNmea => "T2",
            Variant::NovatekAt16 | Variant::Kenwood => "T3",
            Variant::EAce => "T4",
            Variant::Ligo => "T5",
            Variant::Akaso => "T6",
            Variant::ShiftedNmea => "T7",
            Variant::VantrueS1 => "T10",
            Variant::Atc => "T11",
            Variant::Doubles => "T12",
            Variant::Innovv => "T13",
            Variant::Xbht => "T14",
            Variant::VantrueN4 => "T15",
            Variant::Iqs => "T16",
            Variant::NovatekAt48 | Variant::Transcend230 => "T17",
            Variant::Rexing => "T17b",
            Variant::TranscendBody70 => "T17c",
            Variant::Xgody => "T18",
            Variant::Mai70 => "T19",
            Variant::Nextbase512G => "T20",
            Variant::TsNovatek => "TS",
        }
    }

    /// The firmware family, as a person names it (`Azdome/EEEkit XOR text`).
    pub fn name(self) -> &'static str {
        match self {
            Variant::AzdomeXor => "Azdome/EEEkit XOR text",
            Variant::NextbaseNmea => "Nextbase 512GW NMEA",
            Variant::NovatekAt16 => "Novatek binary @16",
            Variant::Kenwood => "Kenwood DRV-A510W",
            Variant::EAce => "E-ACE text",
            Variant::Ligo => "LIGOGPSINFO",
            Variant::Akaso => "Akaso",
            Variant::ShiftedNmea => "shifted NMEA",
            Variant::VantrueS1 => "Vantrue S1",
            Variant::Atc => "ATC ring buffer",
            Variant::Doubles => "f64 layout",
            Variant::Innovv => "INNOVV",
            Variant::Xbht => "XBHT XB702",
            Variant::VantrueN4 => "Vantrue N4",
            Variant::Iqs => "IQS",
            Variant::NovatekAt48 => "Novatek binary @48",
            Variant::Rexing => "Rexing V1-4K (deobfuscated)",
            Variant::TranscendBody70 => "Transcend DrivePro Body 70",
            Variant::Transcend230 => "Transcend DrivePro 230",
            Variant::Xgody => "XGODY ASCII",
            Variant::Mai70 => "70mai A810",
            Variant::Nextbase512G => "Nextbase 512G binary",
            Variant::TsNovatek => "Novatek MPEG-TS",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.spec_type())
    }
}

/// Why a block produced no point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// Bytes 4..12 are not `freeGPS `.
    NotFreeGps,
    /// Nothing but zeros after the header: cameras write this while they have no fix.
    Empty,
    /// Shorter than the 82 bytes of the smallest layout.
    TooShort,
    /// The block's size field promises more bytes than the file holds.
    Truncated,
    /// The receiver reported no fix (status `V`, blank coordinates, INNOVV `V00`).
    VoidFix,
    /// The date or time is not on the calendar (month 13, 30 February, hour 25, …).
    InvalidTime,
    /// Latitude/longitude out of range, minutes ≥ 60, or not a number.
    InvalidPosition,
    /// Exactly 0°, 0°: a placeholder, never a real fix.
    ZeroPosition,
    /// The layout's signature matched but its text fields do not parse.
    Garbled,
}

impl SkipReason {
    /// Why such a block is skipped, in a few words for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::NotFreeGps => "not a freeGPS block",
            SkipReason::Empty => "all-zero block (no fix)",
            SkipReason::TooShort => "block shorter than 82 bytes",
            SkipReason::Truncated => "block cut short by the end of the file",
            SkipReason::VoidFix => "receiver reported no fix",
            SkipReason::InvalidTime => "date/time not on the calendar",
            SkipReason::InvalidPosition => "position out of range",
            SkipReason::ZeroPosition => "position 0,0 (placeholder)",
            SkipReason::Garbled => "fields do not parse",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Enciphered layouts we recognise but cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Cipher {
    /// T8: Akaso V1 / Redtiger F7N, f64 coordinates under an unknown scheme.
    AkasoV1,
    /// T9: EACHPAI, shifted text under an unknown scheme.
    Eachpai,
    /// T4: E-ACE RC4 text that none of the 20 known keys opens.
    EAceRc4,
    /// T5: LIGOGPSINFO substitution cipher (needs ≥ 10 records to recover; not supported).
    LigoSubstitution,
}

impl Cipher {
    /// The cipher and its layout id, as a person names it.
    pub fn name(self) -> &'static str {
        match self {
            Cipher::AkasoV1 => "Akaso V1 / Redtiger F7N (T8)",
            Cipher::Eachpai => "EACHPAI (T9)",
            Cipher::EAceRc4 => "E-ACE RC4 with an unknown key (T4)",
            Cipher::LigoSubstitution => "LIGOGPSINFO substitution cipher (T5)",
        }
    }
}

impl fmt::Display for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
