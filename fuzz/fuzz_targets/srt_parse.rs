//! DJI SRT: subtitle frames, timings, dates and every GPS dialect on any bytes. Points are real
//! coordinates with a media time, and the result does not depend on how the bytes arrive.

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_fuzz::check_track_reader;
use telemux_read::track_input::srt;

fuzz_target!(|data: &[u8]| check_track_reader(&srt::KIND, data));
