//! `telemux_read::verify` on mutated copies of good files: every check passes on a good file
//! and fails (or warns) on one made bad on purpose, with a message naming the problem.

mod container;
mod edit;
mod gopro;
mod novatek;
#[path = "../novatek_support/mod.rs"]
mod novatek_support;
#[allow(dead_code)] // the TTAD payload builder of the ttad tests; only part of it is used here
#[path = "../ttad/payload.rs"]
mod payload;
mod props;
mod sparse;
mod street_view;
mod telemetry;
mod ttad_clip;
