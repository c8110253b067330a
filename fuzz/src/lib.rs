//! Invariants the fuzz targets check on top of "no panic": every decoder that hands out GPS
//! points promises finite, in-range coordinates, whatever bytes it was given.

use telemux_read::GpsPoint;

/// Panics (so libFuzzer records the input) when a decoder let out a point no map can show.
pub fn assert_plausible(points: &[GpsPoint], source: &str) {
    for (i, p) in points.iter().enumerate() {
        assert!(
            p.latitude.is_finite() && (-90.0..=90.0).contains(&p.latitude),
            "{source}: point {i} has latitude {}",
            p.latitude
        );
        assert!(
            p.longitude.is_finite() && (-180.0..=180.0).contains(&p.longitude),
            "{source}: point {i} has longitude {}",
            p.longitude
        );
    }
}

/// A reader that hands out at most `step` bytes per call, so streaming decoders meet every
/// record split across reads; their results must not depend on it.
pub struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl<'a> Trickle<'a> {
    pub fn new(data: &'a [u8], step: usize) -> Trickle<'a> {
        Trickle {
            data,
            step: step.max(1),
        }
    }
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step).min(self.data.len());
        let (now, rest) = self.data.split_at(n);
        buf[..n].copy_from_slice(now);
        self.data = rest;
        Ok(n)
    }
}
