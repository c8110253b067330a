//! The `trak` of a telemetry track, laid out box for box as GoPro cameras write their GPMF
//! track (see the corpus MANIFEST), so that every reader that understands camera files
//! understands ours. The track's format ([`TrackFormat`]) gives the boxes that differ between
//! formats: the handler type, the media header and the sample entry.

use telemux_read::mp4::NameStyle;

use super::box_writer::BoxWriter;
use crate::gpmf::Gpmf;
use crate::track_format::TrackFormat;

/// What the telemetry `trak` describes. Times are in the track's own timescale.
#[derive(Debug, Clone, PartialEq)]
pub struct MetaTrack<'a> {
    /// The id the track gets (mvhd's next_track_ID, which the rewrite then moves on).
    pub track_id: u32,
    /// Seconds since 1904-01-01 UTC, as in mvhd/mdhd.
    pub creation_time: u64,
    /// Units per second of the movie (`mvhd`), for `tkhd`'s duration.
    pub movie_timescale: u32,
    /// Units per second of the track's own times (`mdhd`, `stts`).
    pub timescale: u32,
    /// Where the first sample starts on the movie's timeline, track timescale units; above 0
    /// an empty edit (`edts/elst`) holds the track back.
    pub start: u64,
    /// Handler name ([`TrackFormat::handler_name`] unless the track keeps another's).
    pub handler_name: &'a str,
    /// Pascal string as GoPro and QuickTime write it, or C string as ISO files do (ffmpeg
    /// shows a Pascal name's length byte in ISO files).
    pub name_style: NameStyle,
    /// Each sample's duration, track timescale units.
    pub sample_durations: &'a [u32],
    /// Each sample's size in bytes.
    pub sample_sizes: &'a [u32],
    /// One chunk per sample, as GoPro writes it: readers that assume so keep working.
    pub chunk_offsets: &'a [u64],
}

impl MetaTrack<'_> {
    /// Total duration in the track's timescale.
    pub fn duration(&self) -> u64 {
        self.sample_durations.iter().map(|&d| u64::from(d)).sum()
    }

    /// Total duration in the movie's timescale (for tkhd and mvhd), the delay included.
    pub fn movie_duration(&self) -> u64 {
        self.to_movie(self.start.saturating_add(self.duration()))
    }

    /// `units` of the track's timescale in the movie's.
    fn to_movie(&self, units: u64) -> u64 {
        let scaled = u128::from(units) * u128::from(self.movie_timescale)
            / u128::from(self.timescale.max(1));
        u64::try_from(scaled).unwrap_or(u64::MAX)
    }

    /// The complete `trak` box of a GPMF track.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_bytes_for(&Gpmf)
    }

    /// The complete `trak` box of a track of `format`.
    pub fn to_bytes_for(&self, format: &dyn TrackFormat) -> Vec<u8> {
        let mut w = BoxWriter::new();
        w.boxed(b"trak", |w| {
            self.tkhd(w);
            if self.start > 0 {
                self.edts(w);
            }
            w.boxed(b"mdia", |w| {
                self.mdhd(w);
                self.hdlr(w, format.handler_type());
                w.boxed(b"minf", |w| {
                    format.write_media_header(w);
                    dinf(w);
                    self.stbl(w, format);
                });
            });
        });
        w.into_bytes()
    }

    fn tkhd(&self, w: &mut BoxWriter) {
        let duration = self.movie_duration();
        let long = needs_v1(self.creation_time) || needs_v1(duration);
        // Flags 0xF (enabled, in movie, in preview, in poster) as on GoPro's own tracks.
        w.full_box(b"tkhd", u8::from(long), 0x0f, |w| {
            times(w, long, self.creation_time);
            w.u32(self.track_id);
            w.u32(0);
            sized(w, long, duration);
            w.zeros(8); // reserved
            w.u16(0); // layer
            w.u16(0); // alternate group
            w.u16(0); // volume
            w.u16(0); // reserved
            identity_matrix(w);
            w.u32(0); // width
            w.u32(0); // height
        });
    }

    /// An empty edit for the delay, then the whole media at normal rate.
    fn edts(&self, w: &mut BoxWriter) {
        let delay = self.to_movie(self.start);
        let media = self.to_movie(self.duration());
        let long = needs_v1(delay) || needs_v1(media);
        w.boxed(b"edts", |w| {
            w.full_box(b"elst", u8::from(long), 0, |w| {
                w.u32(2);
                for (duration, media_time) in [(delay, -1i64), (media, 0)] {
                    sized(w, long, duration);
                    sized(w, long, media_time as u64);
                    w.u32(0x0001_0000); // media rate 1.0
                }
            });
        });
    }

    fn mdhd(&self, w: &mut BoxWriter) {
        let duration = self.duration();
        let long = needs_v1(self.creation_time) || needs_v1(duration);
        w.full_box(b"mdhd", u8::from(long), 0, |w| {
            times(w, long, self.creation_time);
            w.u32(self.timescale);
            sized(w, long, duration);
            w.u16(0); // language, as GoPro writes it
            w.u16(0); // quality
        });
    }

    fn hdlr(&self, w: &mut BoxWriter, handler_type: [u8; 4]) {
        w.full_box(b"hdlr", 0, 0, |w| {
            w.bytes(b"mhlr");
            w.bytes(&handler_type);
            w.zeros(12); // manufacturer, flags, flags mask
            let name = &self.handler_name.as_bytes()[..self.handler_name.len().min(254)];
            match self.name_style {
                NameStyle::Pascal => {
                    w.u8(name.len() as u8);
                    w.bytes(name);
                }
                NameStyle::CString => {
                    w.bytes(name);
                    w.u8(0);
                }
            }
        });
    }

    fn stbl(&self, w: &mut BoxWriter, format: &dyn TrackFormat) {
        w.boxed(b"stbl", |w| {
            w.full_box(b"stsd", 0, 0, |w| {
                w.u32(1);
                format.write_sample_entry(w);
            });
            let runs = runs(self.sample_durations);
            w.full_box(b"stts", 0, 0, |w| {
                w.u32(runs.len() as u32);
                for (count, delta) in runs {
                    w.u32(count);
                    w.u32(delta);
                }
            });
            w.full_box(b"stsc", 0, 0, |w| {
                w.u32(1);
                w.u32(1); // first chunk
                w.u32(1); // samples per chunk
                w.u32(1); // sample description index
            });
            w.full_box(b"stsz", 0, 0, |w| {
                w.u32(0);
                w.u32(self.sample_sizes.len() as u32);
                for &size in self.sample_sizes {
                    w.u32(size);
                }
            });
            chunk_offsets(w, self.chunk_offsets, false);
        });
    }
}

/// `stco`, or `co64` when `wide` is asked for or any offset is past 4 GiB.
pub fn chunk_offsets(w: &mut BoxWriter, offsets: &[u64], wide: bool) {
    let wide = wide || offsets.iter().any(|&o| o > u64::from(u32::MAX));
    w.full_box(if wide { b"co64" } else { b"stco" }, 0, 0, |w| {
        w.u32(offsets.len() as u32);
        for &o in offsets {
            if wide {
                w.u64(o);
            } else {
                w.u32(o as u32);
            }
        }
    });
}

/// A data reference to this same file (`alis` with flag 1).
fn dinf(w: &mut BoxWriter) {
    w.boxed(b"dinf", |w| {
        w.full_box(b"dref", 0, 0, |w| {
            w.u32(1);
            w.full_box(b"alis", 0, 1, |_| {});
        });
    });
}

fn needs_v1(v: u64) -> bool {
    v > u64::from(u32::MAX)
}

/// Creation and modification time, 32 or 64 bits wide.
fn times(w: &mut BoxWriter, long: bool, t: u64) {
    sized(w, long, t);
    sized(w, long, t);
}

fn sized(w: &mut BoxWriter, long: bool, v: u64) {
    if long {
        w.u64(v);
    } else {
        w.u32(v as u32);
    }
}

fn identity_matrix(w: &mut BoxWriter) {
    for v in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        w.u32(v);
    }
}

/// Run-length encoding of sample durations for `stts`.
fn runs(durations: &[u32]) -> Vec<(u32, u32)> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &d in durations {
        match runs.last_mut() {
            Some((count, delta)) if *delta == d => *count += 1,
            _ => runs.push((1, d)),
        }
    }
    runs
}
