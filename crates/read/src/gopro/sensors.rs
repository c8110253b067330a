//! Every non-GPS stream of the payloads (ACCL, GYRO, MAGN, CORI, GRAV, …) as timed samples.

use super::sensor_times::{self, SensorRun, StmpOrigin};
use super::Span;
use crate::gpmf::{Device, DeviceId, Stream};
use crate::model::{SensorSample, SensorStream};

/// Streams in first-seen order, keyed by device and stream key, with each payload's run of
/// samples: their media times are set by `finish`, once the next payloads are known.
#[derive(Debug, Default)]
pub(super) struct SensorCollector {
    streams: Vec<(String, SensorStream, Vec<SensorRun>)>,
    /// Set by the first STMP read.
    origin: Option<StmpOrigin>,
}

/// One payload's samples of one stream, with the identity of the stream across payloads.
#[derive(Debug)]
pub(super) struct Fragment {
    id: String,
    stream: SensorStream,
    run: SensorRun,
}

impl SensorCollector {
    pub(super) fn keep(&mut self, fragments: Vec<Fragment>) {
        for f in fragments {
            if let (None, Some(stmp)) = (self.origin, f.run.stmp) {
                self.origin = Some(StmpOrigin::new(stmp, f.run.span));
            }
            match self.streams.iter_mut().find(|(id, _, _)| *id == f.id) {
                Some((_, s, runs)) => {
                    s.samples.extend(f.stream.samples);
                    runs.push(f.run);
                }
                None => self.streams.push((f.id, f.stream, vec![f.run])),
            }
        }
    }

    pub(super) fn finish(self) -> Vec<SensorStream> {
        let origin = self.origin;
        self.streams
            .into_iter()
            .map(|(_, mut stream, runs)| {
                let times = sensor_times::media_times(&runs, origin);
                for (sample, t) in stream.samples.iter_mut().zip(times) {
                    sample.media_time = Some(t);
                }
                stream
            })
            .collect()
    }
}

/// The samples of `stream` in payload number `payload` spanning `span`, or `None` for streams
/// without numeric samples (strings, FourCCs, metadata only): those are skipped, never an
/// error. Media times are set by [`SensorCollector::finish`].
pub(super) fn decode(
    device: &Device<'_>,
    stream: &Stream<'_>,
    payload: usize,
    span: Span,
) -> Option<Fragment> {
    let key = stream.key?;
    let values = stream.scaled().ok()?;
    let width = stream.elements().ok()??.max(1);
    let n = values.len() / width;
    if n == 0 {
        return None;
    }
    let device_id = match device.id {
        Some(DeviceId::Number(n)) => n.to_string(),
        Some(DeviceId::FourCC(f)) => f.to_string(),
        None => String::new(),
    };
    let samples = values
        .chunks_exact(width)
        .map(|v| SensorSample {
            media_time: None,
            time: None,
            values: v.to_vec(),
        })
        .collect();
    Some(Fragment {
        id: format!("{device_id}/{key}"),
        stream: SensorStream {
            key: key.to_string(),
            name: stream.name.clone(),
            units: stream.units().to_vec(),
            samples,
        },
        run: SensorRun {
            payload,
            span,
            stmp: stream.timestamp_us,
            tsmp: stream.total_samples,
            samples: n,
        },
    })
}
