//! GoPro HiLight tags: the moments a user marks while filming.
//!
//! - `moov/udta/HMMT` (HERO5 to HERO7 and later): a u32 count, then that many u32 millisecond
//!   offsets into the video. The corpus MP4s (HERO5 on a Karma, MAX) have one with count 0 in a
//!   412-byte box.
//! - The GPMF device `HLMT` "Highlights" in the `udta/GPMF` payload (MAX and later): a stream
//!   keyed `HLMT`, TYPE `LLLllfFff`: time, in and out (ms), latitude and longitude (1e-7°),
//!   altitude, tag type (FourCC, `MANL` by hand), confidence, score. `mp4header.raw` (from
//!   gopro-telemetry's samples) holds three, at 800, 4720 and 8480 ms.
//!
//! Their position and UTC time are interpolated from the GPS track at their media time.

use crate::gpmf::{self, Device, DeviceId, Kind};
use crate::model::{GpsPoint, Highlight};
use crate::FourCC;

/// Bytes of one HLMT sample (TYPE `LLLllfFff`).
const HLMT_SAMPLE_LEN: usize = 36;

/// GPS points farther than this (seconds of media time) from a highlight do not place it.
const MAX_GAP: f64 = 2.0;

/// The tags of a `udta/HMMT` body: its count of u32 offsets in ms, bounded by the body.
pub fn from_hmmt(body: &[u8]) -> Vec<Highlight> {
    let Some((count, offsets)) = body.split_first_chunk::<4>() else {
        return Vec::new();
    };
    let count = u32::from_be_bytes(*count) as usize;
    offsets
        .chunks_exact(4)
        .take(count)
        .map(|ms| Highlight {
            media_time: f64::from(u32::from_be_bytes([ms[0], ms[1], ms[2], ms[3]])) / 1000.0,
            origin: "HMMT",
            kind: None,
            position: None,
        })
        .collect()
}

/// The tags of every `HLMT` device in a GPMF payload (the udta `GPMF` payload, or a payload of
/// a raw track); a payload that does not decode has none.
pub fn from_gpmf(payload: &[u8]) -> Vec<Highlight> {
    gpmf::payload(payload)
        .map(|view| from_devices(&view.devices))
        .unwrap_or_default()
}

/// The tags of the `HLMT` devices among `devices`.
pub fn from_devices(devices: &[Device<'_>]) -> Vec<Highlight> {
    let hlmt = FourCC::new(b"HLMT");
    devices
        .iter()
        .filter(|d| d.id == Some(DeviceId::FourCC(hlmt)))
        .flat_map(|d| &d.streams)
        .flat_map(|s| &s.data)
        .filter(|klv| klv.key == hlmt && klv.kind == Kind::Data(gpmf::ValueType::Complex))
        .filter(|klv| usize::from(klv.struct_size) == HLMT_SAMPLE_LEN)
        .flat_map(|klv| klv.data().chunks_exact(HLMT_SAMPLE_LEN))
        .map(|sample| {
            let ms = u32::from_be_bytes([sample[0], sample[1], sample[2], sample[3]]);
            let kind = &sample[24..28];
            Highlight {
                media_time: f64::from(ms) / 1000.0,
                origin: "HLMT",
                kind: kind
                    .iter()
                    .all(u8::is_ascii_graphic)
                    .then(|| String::from_utf8_lossy(kind).into_owned()),
                position: None,
            }
        })
        .collect()
}

/// Sorts `highlights` by media time and places each on the track (`gps` in media-time order):
/// position, altitude and UTC time interpolated between the points before and after it.
pub fn locate(highlights: &mut [Highlight], gps: &[GpsPoint]) {
    highlights.sort_by(|a, b| a.media_time.total_cmp(&b.media_time));
    for highlight in highlights {
        highlight.position = position_at(gps, highlight.media_time);
    }
}

fn position_at(gps: &[GpsPoint], t: f64) -> Option<GpsPoint> {
    let after = gps.partition_point(|p| p.media_time.is_some_and(|m| m < t));
    let next = gps.get(after).filter(|p| near(p, t));
    let previous = after
        .checked_sub(1)
        .and_then(|i| gps.get(i))
        .filter(|p| near(p, t));
    let (a, b) = match (previous, next) {
        (Some(a), Some(b)) => (a, b),
        (Some(p), None) | (None, Some(p)) => (p, p),
        (None, None) => return None,
    };
    let (ta, tb) = (a.media_time?, b.media_time?);
    let f = if tb > ta { (t - ta) / (tb - ta) } else { 0.0 };
    let mix = |x: f64, y: f64| x + (y - x) * f;
    let mut point = GpsPoint::new(mix(a.latitude, b.latitude), mix(a.longitude, b.longitude));
    point.media_time = Some(t);
    point.altitude = a.altitude.zip(b.altitude).map(|(x, y)| mix(x, y));
    point.time = match (a.time, b.time) {
        (Some(x), Some(y)) => Some(x + (y - x) * f),
        (x, y) => x.or(y),
    };
    point.fix = a.fix.min(b.fix);
    Some(point)
}

fn near(p: &GpsPoint, t: f64) -> bool {
    p.media_time.is_some_and(|m| (m - t).abs() <= MAX_GAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmmt_lists_its_count_of_offsets() {
        let body = [
            &2u32.to_be_bytes()[..],
            &1500u32.to_be_bytes(),
            &5000u32.to_be_bytes(),
            &[0; 8],
        ]
        .concat();
        let tags: Vec<f64> = from_hmmt(&body).iter().map(|h| h.media_time).collect();
        assert_eq!(tags, vec![1.5, 5.0]);
        // A count larger than the box: only what is there.
        let short = [&9u32.to_be_bytes()[..], &700u32.to_be_bytes()].concat();
        assert_eq!(from_hmmt(&short).len(), 1);
        assert!(from_hmmt(&[0, 0]).is_empty());
    }

    #[test]
    fn a_highlight_between_two_points_is_interpolated() {
        let mut a = GpsPoint::new(10.0, 20.0);
        a.media_time = Some(1.0);
        a.time = Some(time::macros::datetime!(2020-01-01 00:00:00 UTC));
        let mut b = GpsPoint::new(11.0, 22.0);
        b.media_time = Some(2.0);
        b.time = Some(time::macros::datetime!(2020-01-01 00:00:01 UTC));
        let mut tags = vec![Highlight {
            media_time: 1.25,
            origin: "HMMT",
            kind: None,
            position: None,
        }];
        locate(&mut tags, &[a.clone(), b]);
        let p = tags[0].position.clone().unwrap();
        assert_eq!((p.latitude, p.longitude), (10.25, 20.5));
        assert_eq!(
            p.time,
            Some(time::macros::datetime!(2020-01-01 00:00:00.25 UTC))
        );
        tags[0].media_time = 9.0;
        locate(&mut tags, &[a]);
        assert_eq!(tags[0].position, None);
    }
}
