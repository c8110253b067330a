//! Mutations of good files: find a box with the reader, patch fields in place, insert boxes
//! into `moov` (growing every ancestor), and run `verify` on the result.

use std::io::Cursor;
use std::path::PathBuf;

use telemux_read::mp4::{BoxHeader, BoxNode, Content, Mp4};
use telemux_read::verify::{verify, Check, Options, Report, Status, Value};
use time::macros::datetime;

/// A committed fixture's bytes.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Options with a fixed clock, so capture-time checks do not depend on the day.
pub fn options(street_view: bool) -> Options {
    let mut options = Options::default();
    options.street_view = street_view;
    options.now = datetime!(2025-01-01 0:00 UTC);
    options
}

pub fn report(bytes: &[u8], options: &Options) -> Report {
    verify(&mut Cursor::new(bytes), options).expect("verify reads the file")
}

/// The check `id` of `report`, after asserting its status; prints the report when it fails.
#[track_caller]
pub fn expect<'a>(report: &'a Report, id: &str, status: Status) -> &'a Check {
    let check = report
        .check(id)
        .unwrap_or_else(|| panic!("no check {id} in {report:#?}"));
    assert_eq!(check.status, status, "{id}: {check:#?}");
    check
}

/// Asserts the status, that the message contains `text`, and the value (numbers to 1e-9).
#[track_caller]
pub fn assert_check(report: &Report, id: &str, status: Status, text: &str, value: Option<Value>) {
    let check = expect(report, id, status);
    assert!(
        check.message.contains(text),
        "{id}: {:?} does not contain {text:?}",
        check.message
    );
    match (&check.value, &value) {
        (Some(Value::Number(got)), Some(Value::Number(want))) => assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{id}: value {got} instead of {want}: {}",
            check.message
        ),
        _ => assert_eq!(check.value, value, "{id}: {}", check.message),
    }
}

pub fn int(v: i64) -> Option<Value> {
    Some(Value::Integer(v))
}

pub fn text(v: &str) -> Option<Value> {
    Some(Value::Text(v.to_string()))
}

/// The value of a check as a float, for measured quantities.
#[track_caller]
pub fn number(report: &Report, id: &str) -> f64 {
    match report.check(id).and_then(|c| c.value.clone()) {
        Some(Value::Number(v)) => v,
        Some(Value::Integer(v)) => v as f64,
        other => panic!("{id}: value {other:?}"),
    }
}

fn find<'a>(node: &'a BoxNode, path: &str) -> Option<&'a BoxNode> {
    if node.path == path {
        return Some(node);
    }
    node.children().iter().find_map(|c| find(c, path))
}

/// The box at `path` (as the reader names it, e.g. `moov/trak[1]/mdia/mdhd`).
pub fn node(bytes: &[u8], path: &str) -> BoxNode {
    let mp4 = Mp4::open(&mut Cursor::new(bytes)).expect("a good file");
    find(mp4.moov().root(), path)
        .unwrap_or_else(|| panic!("no box {path}"))
        .clone()
}

/// The header of the first top-level box of type `kind`.
pub fn top(bytes: &[u8], kind: &[u8; 4]) -> BoxHeader {
    let mp4 = Mp4::open(&mut Cursor::new(bytes)).expect("a good file");
    *mp4.top_level()
        .iter()
        .find(|h| h.kind.as_bytes() == kind)
        .expect("top-level box")
}

pub fn get_u32(bytes: &[u8], at: u64) -> u32 {
    let at = at as usize;
    u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap())
}

pub fn put_u32(bytes: &mut [u8], at: u64, value: u32) {
    let at = at as usize;
    bytes[at..at + 4].copy_from_slice(&value.to_be_bytes());
}

/// Sets the 32-bit field `at` bytes after the version/flags of the full box at `path`.
pub fn set_field(bytes: &mut [u8], path: &str, at: u64, value: u32) {
    let at = field(&node(bytes, path), at);
    put_u32(bytes, at, value);
}

/// File offset of a full box's field `at` bytes after its version/flags.
pub fn field(node: &BoxNode, at: u64) -> u64 {
    node.header.body_offset() + 4 + at
}

/// Inserts `new_box` at the end of the container at `parent` (before a QuickTime zero
/// trailer) and grows the 32-bit size of the parent and of every box around it. Only for
/// files whose media does not come after `moov`: chunk offsets are not moved.
pub fn insert_box(bytes: &[u8], parent: &str, new_box: &[u8]) -> Vec<u8> {
    let target = node(bytes, parent);
    let trailer = match target.content {
        Content::Container { trailer_len, .. } => trailer_len,
        Content::Leaf => panic!("{parent} is not a container"),
    };
    let at = (target.header.end() - trailer) as usize;
    let mut out = bytes.to_vec();
    let mut prefix = String::new();
    for segment in parent.split('/') {
        prefix = if prefix.is_empty() {
            segment.to_string()
        } else {
            format!("{prefix}/{segment}")
        };
        let ancestor = node(bytes, &prefix);
        assert_eq!(ancestor.header.header_len, 8, "{prefix} has a 32-bit size");
        let size = get_u32(&out, ancestor.header.offset);
        put_u32(
            &mut out,
            ancestor.header.offset,
            size + new_box.len() as u32,
        );
    }
    out.splice(at..at, new_box.iter().copied());
    out
}
