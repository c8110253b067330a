//! `mvhd`, `tkhd` and `mdhd`: timescales, durations, track ids and creation times.
//!
//! Times count seconds from 1904-01-01 00:00:00 UTC. Cameras often write local time there, and
//! some write 0; the values are returned as encoded.

use time::OffsetDateTime;

use super::error::Mp4Error;
use super::fields::Fields;
use super::tree::{BoxNode, Moov};

/// Seconds from 1904-01-01 (the QuickTime epoch) to 1970-01-01.
const MAC_TO_UNIX_SECONDS: i64 = 2_082_844_800;

/// A 1904-based timestamp as UTC, or `None` when it is beyond what `OffsetDateTime` holds.
pub fn mac_time_to_utc(seconds: u64) -> Option<OffsetDateTime> {
    let unix = i64::try_from(seconds)
        .ok()?
        .checked_sub(MAC_TO_UNIX_SECONDS)?;
    OffsetDateTime::from_unix_timestamp(unix).ok()
}

/// The inverse of [`mac_time_to_utc`]: `time` as seconds since 1904-01-01, or `None` before
/// 1904 (an MP4 time field is unsigned).
pub fn utc_to_mac_time(time: OffsetDateTime) -> Option<u64> {
    let seconds = time.unix_timestamp().checked_add(MAC_TO_UNIX_SECONDS)?;
    u64::try_from(seconds).ok()
}

/// Creation and modification time, as stored and as UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxTimes {
    /// Seconds since 1904-01-01.
    pub creation: u64,
    /// Seconds since 1904-01-01.
    pub modification: u64,
}

impl BoxTimes {
    fn read(fields: &mut Fields<'_>, version: u8) -> Result<BoxTimes, Mp4Error> {
        Ok(BoxTimes {
            creation: fields.u32_or_u64(version)?,
            modification: fields.u32_or_u64(version)?,
        })
    }

    /// `creation` as UTC, when it is a representable time.
    pub fn creation_utc(&self) -> Option<OffsetDateTime> {
        mac_time_to_utc(self.creation)
    }

    /// `modification` as UTC, when it is a representable time.
    pub fn modification_utc(&self) -> Option<OffsetDateTime> {
        mac_time_to_utc(self.modification)
    }
}

/// Movie header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mvhd {
    /// 0 (32-bit times and duration) or 1 (64-bit).
    pub version: u8,
    /// Creation and modification time.
    pub times: BoxTimes,
    /// Units per second of `duration` and of edit list segment durations.
    pub timescale: u32,
    /// Length of the movie, `timescale` units.
    pub duration: u64,
    /// The id the next new track should take.
    pub next_track_id: u32,
}

impl Mvhd {
    /// Parses the `mvhd` box `node`.
    pub fn parse(moov: &Moov, node: &BoxNode) -> Result<Mvhd, Mp4Error> {
        let mut f = Fields::of(moov, node);
        let (version, _) = f.full_box(1)?;
        let times = BoxTimes::read(&mut f, version)?;
        let timescale = f.u32()?;
        let duration = f.u32_or_u64(version)?;
        // rate, volume, reserved, matrix, pre_defined
        f.skip(4 + 2 + 10 + 36 + 24)?;
        let next_track_id = f.u32()?;
        Ok(Mvhd {
            version,
            times,
            timescale,
            duration,
            next_track_id,
        })
    }
}

/// Track header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tkhd {
    /// 0 (32-bit times and duration) or 1 (64-bit).
    pub version: u8,
    /// Bit 0 enabled, bit 1 in movie, bit 2 in preview, bit 3 in poster (QuickTime).
    pub flags: u32,
    /// Creation and modification time.
    pub times: BoxTimes,
    /// The track's id, unique in the movie (edit lists and references use it).
    pub track_id: u32,
    /// In the movie (`mvhd`) timescale.
    pub duration: u64,
    /// Presentation size in pixels (16.16 fixed point in the file).
    pub width: f64,
    /// Presentation height in pixels.
    pub height: f64,
}

impl Tkhd {
    /// Parses the `tkhd` box `node`.
    pub fn parse(moov: &Moov, node: &BoxNode) -> Result<Tkhd, Mp4Error> {
        let mut f = Fields::of(moov, node);
        let (version, flags) = f.full_box(1)?;
        let times = BoxTimes::read(&mut f, version)?;
        let track_id = f.u32()?;
        f.skip(4)?; // reserved
        let duration = f.u32_or_u64(version)?;
        // reserved, layer, alternate group, volume, reserved, matrix
        f.skip(8 + 2 + 2 + 2 + 2 + 36)?;
        let width = fixed_16_16(f.u32()?);
        let height = fixed_16_16(f.u32()?);
        Ok(Tkhd {
            version,
            flags,
            times,
            track_id,
            duration,
            width,
            height,
        })
    }
}

fn fixed_16_16(value: u32) -> f64 {
    f64::from(value) / 65536.0
}

/// Media header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mdhd {
    /// 0 (32-bit times and duration) or 1 (64-bit).
    pub version: u8,
    /// Creation and modification time.
    pub times: BoxTimes,
    /// Units per second of the sample tables (`stts` deltas, `elst` media times).
    pub timescale: u32,
    /// Length of the media, `timescale` units.
    pub duration: u64,
    /// The track's language.
    pub language: Language,
}

impl Mdhd {
    /// Parses the `mdhd` box `node`.
    pub fn parse(moov: &Moov, node: &BoxNode) -> Result<Mdhd, Mp4Error> {
        let mut f = Fields::of(moov, node);
        let (version, _) = f.full_box(1)?;
        let times = BoxTimes::read(&mut f, version)?;
        let timescale = f.u32()?;
        let duration = f.u32_or_u64(version)?;
        let language = Language::from_code(f.u16()?);
        Ok(Mdhd {
            version,
            times,
            timescale,
            duration,
            language,
        })
    }
}

/// The `mdhd` language field: three packed ISO 639-2 letters, or a QuickTime Macintosh language
/// code (values below 0x400, and 0x7FFF for "unspecified"). Exhaustive: the field holds
/// nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Three ISO 639-2/T letters, e.g. `eng`.
    Iso639([u8; 3]),
    /// A QuickTime Macintosh language code (0 English; 0x7FFF unspecified).
    Macintosh(u16),
}

impl Language {
    /// Decodes the 16-bit `mdhd` field.
    pub fn from_code(code: u16) -> Language {
        if code < 0x400 || code == 0x7FFF {
            return Language::Macintosh(code);
        }
        let letter = |shift: u16| ((code >> shift) & 0x1F) as u8 + 0x60;
        Language::Iso639([letter(10), letter(5), letter(0)])
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn mac_epoch() {
        assert_eq!(mac_time_to_utc(0), Some(datetime!(1904-01-01 0:00 UTC)));
        assert_eq!(
            mac_time_to_utc(0xd51a_c7bd),
            Some(datetime!(2017-04-17 19:27:57 UTC))
        );
        assert_eq!(mac_time_to_utc(u64::MAX), None);
        let t = datetime!(2017-04-17 19:27:57 UTC);
        assert_eq!(utc_to_mac_time(t), Some(0xd51a_c7bd));
        assert_eq!(utc_to_mac_time(datetime!(1904-01-01 0:00 UTC)), Some(0));
        assert_eq!(utc_to_mac_time(datetime!(1903-12-31 23:59:59 UTC)), None);
    }

    #[test]
    fn languages() {
        assert_eq!(Language::from_code(0x55C4), Language::Iso639(*b"und"));
        assert_eq!(Language::from_code(0x15C7), Language::Iso639(*b"eng"));
        assert_eq!(Language::from_code(0), Language::Macintosh(0));
        assert_eq!(Language::from_code(0x7FFF), Language::Macintosh(0x7FFF));
    }
}
