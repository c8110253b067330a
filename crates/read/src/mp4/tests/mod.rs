//! Tests of the whole reader on hand-built files (module-level unit tests live beside their
//! modules; property tests are in `properties.rs`).

mod extents;
mod sample_index;
mod structure;
mod typed_boxes;
