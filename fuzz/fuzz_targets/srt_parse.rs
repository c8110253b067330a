//! DJI SRT: subtitle frames, timings, dates and every GPS dialect on any bytes. Points are real
//! coordinates with a media time, and the result does not depend on how the bytes arrive.

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_fuzz::check_track_input;
use telemux_read::track_input::srt;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the read size; the rest is the file.
    let Some((&step, file)) = data.split_first() else {
        return;
    };
    check_track_input(&srt::KIND, file, usize::from(step));
});
