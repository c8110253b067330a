//! Container checks on the top-level boxes: sizes, overlaps, trailing bytes, where `moov` is
//! and how many there are.

use crate::mp4::{BoxHeader, Trailing, TrailingKind};

use super::layout::{Damage, Layout};
use super::report::{Check, Section, Status};

const SECTION: Section = Section::Container;

/// `box_structure`, `box_overlap`, `trailing_data`, `moov_count` and `moov_position`, where
/// `moov` is the box in use (the first).
pub fn checks(layout: &Layout, moov: &BoxHeader) -> Vec<Check> {
    vec![
        structure(layout),
        overlap(layout),
        trailing(layout),
        moov_count(layout),
        moov_position(layout, moov),
    ]
}

fn structure(layout: &Layout) -> Check {
    let problems: Vec<(String, u64)> = layout.damage.iter().filter_map(describe).collect();
    match problems.first() {
        None => {
            let kinds: Vec<String> = layout.boxes.iter().map(|b| b.kind.to_string()).collect();
            Check::new(
                "box_structure",
                SECTION,
                Status::Pass,
                format!(
                    "{} top-level boxes, all inside the file: {}",
                    layout.boxes.len(),
                    abbreviate(&kinds)
                ),
            )
            .with_value(layout.boxes.len())
        }
        Some((message, value)) => Check::new(
            "box_structure",
            SECTION,
            Status::Fail,
            and_more(message.clone(), problems.len()),
        )
        .with_value(*value),
    }
}

/// The message and number for damage to the chain of sizes; overlaps have their own check.
fn describe(damage: &Damage) -> Option<(String, u64)> {
    let value = match *damage {
        Damage::PastEnd {
            offset,
            size,
            file_len,
            ..
        } => offset.saturating_add(size).saturating_sub(file_len),
        Damage::TooSmall { size, .. } => size,
        Damage::Junk { len, .. } => len,
        Damage::Overlap { .. } => return None,
    };
    Some((damage.to_string(), value))
}

fn overlap(layout: &Layout) -> Check {
    let overlaps: Vec<(u64, String)> = layout
        .damage
        .iter()
        .filter_map(|d| match d {
            Damage::Overlap { first, second } => {
                Some((first.end().saturating_sub(second.offset), d.to_string()))
            }
            _ => None,
        })
        .collect();
    match overlaps.first() {
        None => Check::new(
            "box_overlap",
            SECTION,
            Status::Pass,
            "no top-level boxes overlap",
        )
        .with_value(0u64),
        Some((bytes, message)) => Check::new(
            "box_overlap",
            SECTION,
            Status::Fail,
            and_more(message.clone(), overlaps.len()),
        )
        .with_value(*bytes),
    }
}

fn trailing(layout: &Layout) -> Check {
    let Some(trailing) = layout.trailing else {
        return Check::new(
            "trailing_data",
            SECTION,
            Status::Pass,
            "the file ends where its last box ends",
        )
        .with_value(0u64);
    };
    let Trailing { offset, len, kind } = trailing;
    let message = match kind {
        TrailingKind::NotBoxes => format!(
            "trailing data, {len} bytes at offset {offset}: not a box (a camera trailer such as \
             Insta360's, padding or junk); players and telemux skip it"
        ),
        TrailingKind::TornStaging { declared } => format!(
            "trailing data, {len} bytes at offset {offset}: a free box declaring {declared} \
             bytes, cut short by the end of the file (left by an interrupted --in-place write); \
             players and telemux skip it"
        ),
    };
    Check::new("trailing_data", SECTION, Status::Warn, message).with_value(len)
}

fn moov_count(layout: &Layout) -> Check {
    let offsets: Vec<String> = layout.moovs().map(|m| m.offset.to_string()).collect();
    let count = offsets.len();
    let (status, message) = if count > 1 {
        (
            Status::Warn,
            format!(
                "{count} moov boxes (at bytes {}); players and telemux use the first, ExifTool \
                 reads them all; telemux will not rewrite this file",
                offsets.join(", ")
            ),
        )
    } else {
        (Status::Pass, "one moov box".to_string())
    };
    Check::new("moov_count", SECTION, status, message).with_value(count)
}

/// Informational: whether `moov` (the one in use) comes before the media.
fn moov_position(layout: &Layout, moov: &BoxHeader) -> Check {
    let (word, message) = match layout.mdats().next() {
        None => (
            "no mdat",
            format!("moov at byte {}, no mdat box", moov.offset),
        ),
        Some(mdat) if moov.offset < mdat.offset => (
            "front",
            format!(
                "moov at byte {} before the media (fast start: players can begin before the \
                 download ends)",
                moov.offset
            ),
        ),
        Some(_) => (
            "end",
            format!("moov at byte {} after the media", moov.offset),
        ),
    };
    Check::new("moov_position", SECTION, Status::Pass, message).with_value(word)
}

/// `message`, plus how many more problems of the same kind there are.
pub(crate) fn and_more(message: String, count: usize) -> String {
    match count {
        0 | 1 => message,
        n => format!("{message} (and {} more)", n - 1),
    }
}

/// The failed check for `problems`, when there are any: the first problem in words, how many
/// more there are, and their count as the value.
pub(crate) fn failed(id: &'static str, section: Section, problems: &[String]) -> Option<Check> {
    let first = problems.first()?;
    Some(
        Check::new(
            id,
            section,
            Status::Fail,
            and_more(first.clone(), problems.len()),
        )
        .with_value(problems.len()),
    )
}

/// Up to 8 names, then how many more.
pub(crate) fn abbreviate(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    if names.len() > SHOWN {
        text.push_str(&format!(" … ({} more)", names.len() - SHOWN));
    }
    text
}
