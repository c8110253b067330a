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

/// Runs a track file reader on `data` read whole and in reads of `step` bytes (through a
/// buffer of that size): it must not panic, every point must be plausible, and both must give
/// the same points, warnings and verdict, since a streaming reader's result must not depend on
/// how the bytes arrive.
pub fn check_track_input(kind: &telemux_read::track_input::Kind, data: &[u8], step: usize) {
    use telemux_read::track_input::Parsed;
    let run = |input: &mut dyn std::io::BufRead| {
        let mut points = Vec::new();
        let mut parsed = Parsed::default();
        let verdict =
            (kind.read)(input, &mut |p| points.push(p), &mut parsed).map_err(|e| e.to_string());
        (points, parsed, verdict)
    };
    let whole = run(&mut &data[..]);
    assert_plausible(&whole.0, kind.name);
    let step = step.clamp(1, 4096);
    let mut trickled = std::io::BufReader::with_capacity(step, Trickle::new(data, step));
    let split = run(&mut trickled);
    assert_eq!(
        whole.0, split.0,
        "{}: points differ by read size",
        kind.name
    );
    assert_eq!(
        whole.1, split.1,
        "{}: warnings differ by read size",
        kind.name
    );
    assert_eq!(
        whole.2, split.2,
        "{}: verdict differs by read size",
        kind.name
    );
}
