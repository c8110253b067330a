//! `output::remove_unfinished`, alone in its test binary: it removes the temporary files of
//! every output in the process, which would break tests running beside it.

use std::io::Write;

use telemux_testkit::file_names as entries;
use telemux_write::output::{remove_unfinished, AtomicOutput, TEMP_PREFIX};

#[test]
fn a_signal_handler_can_remove_the_outputs_being_written() {
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("done.gpx");
    let mut committed = AtomicOutput::create(&done, false, &[]).unwrap();
    committed.write_all(b"kept").unwrap();
    let big = dir.path().join("big.mp4");
    let mut unfinished = AtomicOutput::create(&big, false, &[]).unwrap();
    unfinished.write_all(b"partial").unwrap();
    let dropped = AtomicOutput::create(&dir.path().join("dropped.mp4"), false, &[]).unwrap();
    drop(dropped);
    committed.commit().unwrap();
    let names = entries(dir.path());
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with(TEMP_PREFIX) && names[0].ends_with(".tmp"));
    assert_eq!(names[1], "done.gpx");

    assert_eq!(remove_unfinished(), [big]);
    assert_eq!(entries(dir.path()), ["done.gpx"]);
    assert_eq!(std::fs::read(&done).unwrap(), b"kept");
    // Dropping the output afterwards is harmless, and nothing is left to remove.
    drop(unfinished);
    assert!(remove_unfinished().is_empty());
}
