//! Collecting block outcomes into one clip's track: points in time order without repeats, and
//! a summary of what was skipped and why. `merge_clips` joins consecutive clips, dropping the
//! blocks each clip repeats from the one before (spec §1.1: 61 blocks in a 60-s clip).

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use super::outcome::{BlockOutcome, Cipher, SkipReason, Variant};
use crate::model::GpsPoint;

/// What one file's blocks held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSummary {
    /// Blocks (or TS payloads) examined.
    pub blocks: usize,
    /// Points kept.
    pub points: usize,
    /// Points dropped because an identical fix (time and position) was already kept.
    pub duplicates: usize,
    /// Blocks skipped, by reason.
    pub skipped: BTreeMap<SkipReason, usize>,
    /// Blocks recognised but enciphered, by cipher.
    pub encrypted: BTreeMap<Cipher, usize>,
    /// Blocks of no known layout.
    pub unknown: usize,
    /// Blocks decoded per layout.
    pub variants: BTreeMap<Variant, usize>,
}

/// One line: points, blocks, layouts, and what was skipped, e.g. `181 blocks: 180 points
/// (Novatek binary @16 (T3) ×180); skipped 1 (receiver reported no fix ×1)`.
impl fmt::Display for FileSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} blocks: {} points", self.blocks, self.points)?;
        if !self.variants.is_empty() {
            f.write_str(" (")?;
            write_counts(f, &self.variants)?;
            f.write_str(")")?;
        }
        if self.duplicates > 0 {
            write!(f, ", {} repeated fixes dropped", self.duplicates)?;
        }
        let skipped: usize = self.skipped.values().sum();
        if skipped > 0 {
            write!(f, "; skipped {skipped} (")?;
            write_counts(f, &self.skipped)?;
            f.write_str(")")?;
        }
        if !self.encrypted.is_empty() {
            f.write_str("; encrypted, not readable: ")?;
            write_counts(f, &self.encrypted)?;
        }
        if self.unknown > 0 {
            write!(f, "; {} of an unknown layout", self.unknown)?;
        }
        Ok(())
    }
}

fn write_counts<K: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    counts: &BTreeMap<K, usize>,
) -> fmt::Result {
    for (i, (key, count)) in counts.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        write!(f, "{sep}{key} ×{count}")?;
    }
    Ok(())
}

/// One clip's decoded track.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipTrack {
    /// In time order when every point has a time; otherwise in block order.
    pub points: Vec<GpsPoint>,
    /// What the blocks held.
    pub summary: FileSummary,
    /// One line per block, when the builder was made `with_details`.
    pub details: Vec<String>,
}

/// Accumulates the outcomes of one file's blocks, in file order.
#[derive(Debug, Default)]
pub struct TrackBuilder {
    points: Vec<GpsPoint>,
    summary: FileSummary,
    details: Option<Vec<String>>,
}

impl TrackBuilder {
    /// A builder without per-block details.
    pub fn new() -> TrackBuilder {
        TrackBuilder::default()
    }

    /// A builder that also keeps a line per block (what `--verbose` prints).
    pub fn with_details() -> TrackBuilder {
        TrackBuilder {
            details: Some(Vec::new()),
            ..TrackBuilder::default()
        }
    }

    /// Records one block's outcome. Points without a time (INNOVV, 70mai) get a media time
    /// from the block's position, assuming the observed one block per second; the records of
    /// a multi-record block share that second evenly.
    pub fn add(&mut self, outcome: BlockOutcome) {
        self.record(None, outcome);
    }

    /// `add` for a block whose file offset is known, so the detail line can name it.
    pub fn add_at(&mut self, offset: u64, outcome: BlockOutcome) {
        self.record(Some(offset), outcome);
    }

    fn record(&mut self, offset: Option<u64>, outcome: BlockOutcome) {
        if let Some(details) = &mut self.details {
            let at = offset.map_or_else(String::new, |o| format!(" at byte {o}"));
            details.push(format!("block {}{at}: {outcome}", self.summary.blocks));
        }
        let ordinal = self.summary.blocks as f64;
        self.summary.blocks += 1;
        match outcome {
            BlockOutcome::Points(variant, mut points) => {
                *self.summary.variants.entry(variant).or_default() += 1;
                let count = points.len() as f64;
                for (i, point) in points.iter_mut().enumerate() {
                    if point.time.is_none() && point.media_time.is_none() {
                        point.media_time = Some(ordinal + i as f64 / count);
                    }
                }
                self.points.extend(points);
            }
            BlockOutcome::Skipped(reason) => *self.summary.skipped.entry(reason).or_default() += 1,
            BlockOutcome::Encrypted(cipher) => {
                *self.summary.encrypted.entry(cipher).or_default() += 1;
            }
            BlockOutcome::Unknown => self.summary.unknown += 1,
        }
    }

    /// The track: points deduplicated and put in time order, with the summary.
    pub fn finish(self) -> ClipTrack {
        let mut summary = self.summary;
        let (points, duplicates) = ordered_unique(self.points);
        summary.points = points.len();
        summary.duplicates = duplicates;
        ClipTrack {
            points,
            summary,
            details: self.details.unwrap_or_default(),
        }
    }
}

/// Joins the tracks of consecutive clips (give them in recording order): removes fixes
/// repeated across clips and sorts by time. Returns the points and how many were dropped.
pub fn merge_clips(clips: impl IntoIterator<Item = Vec<GpsPoint>>) -> (Vec<GpsPoint>, usize) {
    ordered_unique(clips.into_iter().flatten().collect())
}

/// Removes from `clip` the fixes it repeats from `previous`, the clip recorded just before
/// (cameras start a clip with the last one or two blocks of the one before). For callers that
/// keep each clip as its own segment; returns how many were removed.
pub fn drop_repeated(previous: &[GpsPoint], clip: &mut Vec<GpsPoint>) -> usize {
    let seen: HashSet<FixKey> = previous.iter().filter_map(fix_key).collect();
    let before = clip.len();
    clip.retain(|point| fix_key(point).is_none_or(|key| !seen.contains(&key)));
    before - clip.len()
}

/// What makes two fixes the same: time and position, bit for bit. Time-less fixes have none.
type FixKey = (i128, u64, u64);

fn fix_key(point: &GpsPoint) -> Option<FixKey> {
    let time = point.time?;
    Some((
        time.unix_timestamp_nanos(),
        point.latitude.to_bits(),
        point.longitude.to_bits(),
    ))
}

/// Drops every timed point equal in time and position to an earlier one, then sorts by time
/// if all points have one (time-less layouts keep their block order).
fn ordered_unique(points: Vec<GpsPoint>) -> (Vec<GpsPoint>, usize) {
    let before = points.len();
    let mut seen = HashSet::new();
    let mut kept: Vec<GpsPoint> = points
        .into_iter()
        .filter(|point| fix_key(point).is_none_or(|key| seen.insert(key)))
        .collect();
    if kept.iter().all(|point| point.time.is_some()) {
        kept.sort_by_key(|point| point.time);
    }
    let duplicates = before - kept.len();
    (kept, duplicates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use time::OffsetDateTime;

    fn point(time: OffsetDateTime, lat: f64) -> GpsPoint {
        let mut point = GpsPoint::new(lat, 10.0);
        point.time = Some(time);
        point
    }

    #[test]
    fn summary_counts_every_outcome() {
        let mut builder = TrackBuilder::new();
        let t = datetime!(2024-01-01 00:00:01 UTC);
        builder.add(BlockOutcome::Points(
            Variant::NovatekAt16,
            vec![point(t, 1.0)],
        ));
        builder.add(BlockOutcome::Points(
            Variant::NovatekAt16,
            vec![point(t, 1.0)],
        ));
        builder.add(BlockOutcome::Skipped(SkipReason::VoidFix));
        builder.add(BlockOutcome::Skipped(SkipReason::VoidFix));
        builder.add(BlockOutcome::Encrypted(Cipher::Eachpai));
        builder.add(BlockOutcome::Unknown);
        let track = builder.finish();
        assert_eq!(track.points.len(), 1);
        let summary = track.summary;
        assert_eq!(summary.blocks, 6);
        assert_eq!(summary.points, 1);
        assert_eq!(summary.duplicates, 1);
        assert_eq!(summary.skipped[&SkipReason::VoidFix], 2);
        assert_eq!(summary.encrypted[&Cipher::Eachpai], 1);
        assert_eq!(summary.unknown, 1);
        assert_eq!(summary.variants[&Variant::NovatekAt16], 2);
    }

    #[test]
    fn clips_merge_in_time_order_without_carried_over_blocks() {
        let t = |s| datetime!(2024-01-01 00:00:00 UTC) + time::Duration::seconds(s);
        let first = vec![point(t(0), 1.0), point(t(1), 1.1), point(t(2), 1.2)];
        // The next clip starts with the last two blocks of the previous one.
        let second = vec![point(t(1), 1.1), point(t(2), 1.2), point(t(3), 1.3)];
        let (merged, dropped) = merge_clips([second, first]);
        assert_eq!(dropped, 2);
        let lats: Vec<f64> = merged.iter().map(|p| p.latitude).collect();
        assert_eq!(lats, [1.0, 1.1, 1.2, 1.3]);
        // Same time, different position: both kept.
        let (kept, dropped) = merge_clips([vec![point(t(5), 2.0), point(t(5), 2.5)]]);
        assert_eq!((kept.len(), dropped), (2, 0));
    }

    #[test]
    fn timeless_points_get_block_media_times() {
        let mut builder = TrackBuilder::new();
        builder.add(BlockOutcome::Skipped(SkipReason::Empty));
        let two = vec![GpsPoint::new(1.0, 2.0), GpsPoint::new(1.5, 2.0)];
        builder.add(BlockOutcome::Points(Variant::Innovv, two));
        let track = builder.finish();
        let times: Vec<Option<f64>> = track.points.iter().map(|p| p.media_time).collect();
        assert_eq!(times, [Some(1.0), Some(1.5)]);
    }
}
