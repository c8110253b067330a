//! FIT: the header, definitions, data messages (fitparser's decoding), CRCs and damage on any
//! bytes, read as the stream `inject --track` reads. Points are real coordinates, and the
//! result does not depend on how the bytes arrive (whole, or a few at a time).

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_fuzz::check_track_reader;
use telemux_read::track_input::fit;

fuzz_target!(|data: &[u8]| check_track_reader(&fit::KIND, data));
