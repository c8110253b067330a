//! Every non-GPS stream of the payloads (ACCL, GYRO, MAGN, CORI, GRAV, …) as timed samples.

use super::Span;
use crate::gpmf::{Device, DeviceId, Stream};
use crate::model::{SensorSample, SensorStream};

/// Streams in first-seen order, keyed by device and stream key.
#[derive(Debug, Default)]
pub(super) struct SensorCollector {
    streams: Vec<(String, SensorStream)>,
}

/// One payload's samples of one stream, with the identity of the stream across payloads.
#[derive(Debug)]
pub(super) struct Fragment {
    id: String,
    stream: SensorStream,
}

impl SensorCollector {
    pub(super) fn keep(&mut self, fragments: Vec<Fragment>) {
        for f in fragments {
            match self.streams.iter_mut().find(|(id, _)| *id == f.id) {
                Some((_, s)) => s.samples.extend(f.stream.samples),
                None => self.streams.push((f.id, f.stream)),
            }
        }
    }

    pub(super) fn finish(self) -> Vec<SensorStream> {
        self.streams.into_iter().map(|(_, s)| s).collect()
    }
}

/// The samples of `stream`, or `None` for streams without numeric samples (strings, FourCCs,
/// metadata only): those are skipped, never an error.
pub(super) fn decode(device: &Device<'_>, stream: &Stream<'_>, span: Span) -> Option<Fragment> {
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
        .enumerate()
        .map(|(i, v)| SensorSample {
            media_time: Some(span.at(i, n)),
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
    })
}
