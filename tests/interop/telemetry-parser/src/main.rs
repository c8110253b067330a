//! Prints, as one JSON object, the GoPro GPS that telemetry-parser decodes from a video:
//! `{"camera_type", "payloads": [{"timestamp_ms", "duration_ms", "gpsu_ms", "fix",
//! "precision", "scale", "raw": [[lat, lon, alt, 2D, 3D], ...]}]}`.
//! The library exposes GPS5 only as raw integers with their SCAL, so the test scales them.

use std::fs::File;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde_json::{json, Value};
use telemetry_parser::tags_impl::{GetWithType, GroupId, TagId};
use telemetry_parser::Input;

const GPSU: u32 = u32::from_be_bytes(*b"GPSU");
const GPSF: u32 = u32::from_be_bytes(*b"GPSF");
const GPSP: u32 = u32::from_be_bytes(*b"GPSP");

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: telemetry-parser-gps VIDEO");
    let mut file = File::open(&path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    let size = file.metadata().map(|m| m.len()).unwrap_or(0) as usize;
    let input = Input::from_stream(
        &mut file,
        size,
        &path,
        |_| {},
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap_or_else(|e| fail(&format!("{path}: {e}")));
    let mut payloads = Vec::new();
    for sample in input.samples.as_deref().unwrap_or_default() {
        let Some(groups) = &sample.tag_map else {
            continue;
        };
        let Some(gps) = groups.get(&GroupId::GPS) else {
            continue;
        };
        let raw: Option<&Vec<Vec<i32>>> = gps.get_t(TagId::Data);
        let scale: Option<&Vec<i32>> = gps.get_t(TagId::Scale);
        let gpsu: Option<&u64> = gps.get_t(TagId::Unknown(GPSU));
        let fix: Option<&u32> = gps.get_t(TagId::Unknown(GPSF));
        let precision: Option<&u16> = gps.get_t(TagId::Unknown(GPSP));
        payloads.push(json!({
            "timestamp_ms": sample.timestamp_ms,
            "duration_ms": sample.duration_ms,
            "gpsu_ms": gpsu,
            "fix": fix,
            "precision": precision,
            "scale": scale,
            "raw": raw,
        }));
    }
    let out: Value = json!({ "camera_type": input.camera_type(), "payloads": payloads });
    println!("{out}");
}

/// One line naming the file, as the other reader scripts do, and a failing exit code.
fn fail(message: &str) -> ! {
    eprintln!("telemetry-parser: {message}");
    std::process::exit(1);
}
