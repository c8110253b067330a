//! NMEA 0183: sentence checksums, RMC/GGA/GSA fields, epochs and carried dates, on any bytes, read whole and in small reads: no panic, plausible points, and the
//! same result both ways.

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_fuzz::check_track_input;
use telemux_read::track_input::nmea;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the read size; the rest is the file.
    let Some((&step, file)) = data.split_first() else {
        return;
    };
    check_track_input(&nmea::KIND, file, usize::from(step));
});
