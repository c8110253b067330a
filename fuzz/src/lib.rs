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

/// Runs a track file reader (`track_input::KINDS`) on `data` whole and a few bytes at a time:
/// its points are real coordinates, and its points, warnings and error do not depend on how
/// the bytes arrive.
pub fn check_track_reader(kind: &telemux_read::track_input::Kind, data: &[u8]) {
    type Result = (
        Vec<GpsPoint>,
        telemux_read::track_input::Parsed,
        Option<String>,
    );
    let read = |input: &mut dyn std::io::BufRead| -> Result {
        let mut points = Vec::new();
        let mut parsed = telemux_read::track_input::Parsed::default();
        let result = (kind.read)(input, &mut |p| points.push(p), &mut parsed);
        (points, parsed, result.err().map(|e| e.to_string()))
    };
    let whole = read(&mut &data[..]);
    assert_plausible(&whole.0, kind.name);
    let step = data.first().map_or(1, |&b| usize::from(b % 7) + 1);
    let trickled = read(&mut std::io::BufReader::with_capacity(
        8,
        Trickle::new(data, step),
    ));
    assert_eq!(
        whole, trickled,
        "the result depends on how the bytes arrive"
    );
}
