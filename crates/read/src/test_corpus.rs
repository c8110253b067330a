//! Locating the shared reference corpus from tests in every crate of the workspace.
//!
//! Tests use `$TELEMUX_CORPUS` or `../shared/corpus` beside the checkout. When it is absent they
//! skip with a printed reason, unless `TELEMUX_REQUIRE_CORPUS=1` (set by `.ci/run`), in which
//! case a missing corpus fails the test instead of silently passing.

use std::path::PathBuf;

/// The corpus folder, or `None` after printing why the calling test skips.
///
/// # Panics
/// When the corpus is missing and `TELEMUX_REQUIRE_CORPUS=1`: that is how CI fails.
pub fn corpus_or_skip(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("TELEMUX_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    if dir.join("gopro/MANIFEST.md").is_file() {
        return Some(dir);
    }
    let required = std::env::var("TELEMUX_REQUIRE_CORPUS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: TELEMUX_REQUIRE_CORPUS=1 but no corpus at {} (set TELEMUX_CORPUS)",
        dir.display()
    );
    eprintln!(
        "{test}: skipped, no corpus at {} (set TELEMUX_CORPUS)",
        dir.display()
    );
    None
}
