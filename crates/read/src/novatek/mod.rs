//! GPS from Novatek-family dashcams (Viofo, Rexing, Kenwood, Nextbase, Azdome, Vantrue, INNOVV,
//! Transcend, Akaso, …): the `freeGPS` blocks inside MP4/MOV `mdat`, indexed by `moov/gps `
//! or found by scanning, and the PID-0x300 records of MPEG-TS recordings.
//!
//! Layers, each usable alone:
//! - [`parse_gps_index`]: the `moov/gps ` payload → block offsets and sizes;
//! - [`decode_block`]: one block → [`BlockOutcome`] (points of a [`Variant`], or why not);
//! - [`BlockScanner`]: blocks found in a byte stream without the index, in bounded memory;
//! - [`TsGpsReader`] + [`decode_ts_payload`]: the same for MPEG-TS;
//! - [`TrackBuilder`]: outcomes → one clip's points (sorted, de-duplicated) + [`FileSummary`];
//!   [`merge_clips`] joins consecutive clips;
//! - [`read_indexed_blocks`], [`read_scanned_blocks`], [`read_ts`]: drivers over a reader;
//! - [`read_mp4`], [`read_ts_file`], [`read_damaged`]: whole files, index first, else scan.
//!
//! Layouts follow `shared/formats/novatek-freegps.md` (the "spec"); nothing here panics or
//! allocates beyond what the input holds.

mod akaso;
mod at16;
mod at48;
mod atc;
mod azdome;
mod block;
mod bytes;
pub(crate) mod convert;
mod core_record;
mod doubles;
mod eace;
mod enciphered;
mod file;
mod index;
mod innovv;
mod ligo;
mod mai70;
mod nextbase512g;
mod nmea;
mod outcome;
mod read_full;
mod reader;
mod scan;
mod text_fix;
mod track;
mod ts;
mod vantrue;
mod xbht;
mod xgody;

use time::UtcOffset;

pub use block::{decode_block, detection_order, MIN_BLOCK_LEN};
#[cfg(test)]
pub(crate) use file::has_rexing_v1_version;
pub use file::{read_damaged, read_mp4, read_ts_file, FileOptions, Located, NovatekFile};
pub use index::{parse_gps_index, GpsIndex, IndexEntry};
pub use outcome::{BlockOutcome, Cipher, SkipReason, Variant};
pub use reader::{read_indexed_blocks, read_scanned_blocks, read_ts};
pub use scan::{BlockScanner, FoundBlock, MAX_BLOCK_LEN};
pub use track::{drop_repeated, merge_clips, ClipTrack, FileSummary, TrackBuilder};
pub use ts::{decode_ts_payload, looks_like_ts, TsGpsReader, TsStats, GPS_PID, PACKET_LEN};

/// How to interpret what the camera wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// The offset of the clock the firmware writes GPS times on. UTC (the default) for most
    /// firmware; cameras that record local time (Kenwood, some Viofo builds, Street Guardian)
    /// need their zone's offset, which is subtracted to give UTC.
    pub gps_tz: UtcOffset,
    /// Undo Rexing V1-4K's affine coordinate obfuscation in offset-48 records (files that only
    /// play in "JMSPlayer"; ExifTool recognises them by a `frea/ver ` box `3.01.054`).
    pub rexing_deobfuscate: bool,
}

impl Default for DecodeOptions {
    fn default() -> DecodeOptions {
        DecodeOptions {
            gps_tz: UtcOffset::UTC,
            rexing_deobfuscate: false,
        }
    }
}

/// Failures reading the input; decoding problems are outcomes, not errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NovatekError {
    /// The `moov/gps ` box is too short to hold its own header.
    #[error("moov/gps  at byte {offset}: {len}-byte payload is shorter than its 8-byte header")]
    IndexTooShort {
        /// Absolute offset of the box.
        offset: u64,
        /// Its payload length in bytes.
        len: usize,
    },
    /// Reading a block the index points to failed.
    #[error("moov/gps [{entry}]: freeGPS block at byte {offset}: {source}")]
    IndexedBlock {
        /// The index entry, from 0.
        entry: usize,
        /// Absolute offset of the block.
        offset: u64,
        /// The read's error.
        #[source]
        source: std::io::Error,
    },
    /// Reading the file failed.
    #[error("{context} at byte {offset}: {source}")]
    Io {
        /// What was being read (`mdat`, `MPEG-TS`, …).
        context: &'static str,
        /// Absolute offset of the read.
        offset: u64,
        /// The read's error.
        #[source]
        source: std::io::Error,
    },
}
