//! Records to the shared model: GPS points and sensor streams in SI units.
//!
//! Unit assumptions (no real file has been checked, see docs/formats.md): gyro and
//! magnetometer values are stored ×1000 (ExifTool divides the gyro by 1000; TomTom's
//! description says deg/s and µT), accelerometer in milli-g, thermometer in milli-°C,
//! barometer in Pa, heart rate in beats per minute.

use std::f64::consts::PI;

use time::OffsetDateTime;

use super::error::TtadError;
use super::gps::GpsRecord;
use super::record::Record;
use super::stream::{Records, StreamSummary};
use crate::model::{AltitudeRef, Fix, GpsPoint, SensorSample, SensorStream, Telemetry};

/// Standard gravity, m/s² per g.
const STANDARD_GRAVITY: f64 = 9.80665;

/// What [`decode`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Keep GPS records without a 2D/3D fix (mode 0 or 1) as points; their position may be
    /// stale or zero. Records whose latitude/longitude are not finite and in range are left
    /// out either way.
    pub include_unfixed_gps: bool,
}

/// The telemetry of a `TTAD` payload and how the payload read.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The points and sensor samples kept.
    pub telemetry: Telemetry,
    /// What the header said and what the stream held.
    pub summary: StreamSummary,
    /// GPS records left out of `telemetry.gps`: no fix (unless asked for), or a position
    /// that is not a coordinate (non-finite, out of range, or 0,0 with a fix claimed).
    pub gps_dropped: u64,
}

/// Decodes a `TTAD` box payload (the bytes after its 8-byte box header).
pub fn decode(payload: &[u8], options: &DecodeOptions) -> Result<Decoded, TtadError> {
    let mut records = Records::new(payload)?;
    let mut gps = Vec::new();
    let mut gps_dropped = 0;
    let mut sensors = SensorSamples::default();
    for timed in records.by_ref() {
        let media_time = f64::from(timed.t_ms) / 1000.0;
        let sample = |values: Vec<f64>| SensorSample {
            media_time: Some(media_time),
            time: None,
            values,
        };
        match timed.record {
            Record::Gps(record) => match gps_point(&record, media_time, options) {
                Some(point) => gps.push(point),
                None => gps_dropped += 1,
            },
            Record::Accelerometer(milli_g) => sensors
                .accl
                .push(sample(scaled(milli_g, STANDARD_GRAVITY / 1000.0))),
            Record::Gyro(milli_deg_s) => sensors
                .gyro
                .push(sample(scaled(milli_deg_s, PI / 180.0 / 1000.0))),
            Record::Magnetometer(nano_tesla) => {
                sensors.magn.push(sample(scaled(nano_tesla, 1.0 / 1000.0)))
            }
            Record::Barometer(pa) => sensors.pressure.push(sample(vec![f64::from(pa)])),
            Record::Thermometer(milli_c) => sensors
                .temperature
                .push(sample(vec![f64::from(milli_c) / 1000.0])),
            Record::HeartRate(bpm) => sensors.heart_rate.push(sample(vec![f64::from(bpm)])),
            Record::Other { .. } => {}
        }
    }
    let telemetry = Telemetry {
        source: "TomTom Bandit TTAD".to_owned(),
        device: None,
        altitude_ref: AltitudeRef::MeanSeaLevel,
        gps,
        sensors: sensors.into_streams(),
        highlights: Vec::new(),
    };
    Ok(Decoded {
        telemetry,
        summary: records.finish(),
        gps_dropped,
    })
}

fn scaled(raw: [i32; 3], factor: f64) -> Vec<f64> {
    raw.iter().map(|&v| f64::from(v) * factor).collect()
}

/// The point for a GPS record, or `None` when it is left out (see [`Decoded::gps_dropped`]).
fn gps_point(record: &GpsRecord, media_time: f64, options: &DecodeOptions) -> Option<GpsPoint> {
    let fix = Fix::from_code(record.mode);
    let has_fix = fix != Fix::None;
    if !has_fix && !options.include_unfixed_gps {
        return None;
    }
    let (lat, lon) = (record.latitude, record.longitude);
    let coordinate = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
    if !coordinate || (has_fix && lat == 0.0 && lon == 0.0) {
        return None;
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    let mut point = GpsPoint::new(lat, lon);
    point.time = utc(record.time);
    point.media_time = Some(media_time);
    point.altitude = finite(record.altitude).filter(|_| fix == Fix::ThreeD);
    point.speed_2d = finite(record.speed);
    point.course = finite(record.track);
    point.fix = Some(fix);
    point.satellites = u32::try_from(record.satellites).ok();
    Some(point)
}

/// UTC from Unix seconds, kept to the microsecond: an `f64` near 1.5e9 s carries about a
/// quarter of a microsecond, so finer digits would be noise (and `.999` must stay `.999`).
fn utc(unix_seconds: f64) -> Option<OffsetDateTime> {
    if !(unix_seconds.is_finite() && unix_seconds > 0.0) {
        return None;
    }
    // `as` saturates; anything that large is rejected by the range check below.
    let micros = (unix_seconds * 1e6).round() as i128;
    OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1000)?).ok()
}

/// Samples per sensor, collected while reading.
#[derive(Default)]
struct SensorSamples {
    accl: Vec<SensorSample>,
    gyro: Vec<SensorSample>,
    magn: Vec<SensorSample>,
    pressure: Vec<SensorSample>,
    temperature: Vec<SensorSample>,
    heart_rate: Vec<SensorSample>,
}

impl SensorSamples {
    /// Streams with at least one sample. Keys follow GoPro where it has one (ACCL, GYRO,
    /// MAGN); PRES, TEMP and HRAT are ours. GoPro's TMPC is a property inside other streams,
    /// which GPMF readers do not take for samples, so a temperature stream needs its own key.
    fn into_streams(self) -> Vec<SensorStream> {
        let streams = [
            ("ACCL", "Accelerometer", "m/s²", 3, self.accl),
            ("GYRO", "Gyroscope", "rad/s", 3, self.gyro),
            ("MAGN", "Magnetometer", "µT", 3, self.magn),
            ("PRES", "Barometric pressure", "Pa", 1, self.pressure),
            ("TEMP", "Housing temperature", "°C", 1, self.temperature),
            ("HRAT", "Heart rate", "bpm", 1, self.heart_rate),
        ];
        streams
            .into_iter()
            .filter(|(.., samples)| !samples.is_empty())
            .map(|(key, name, unit, axes, samples)| SensorStream {
                key: key.to_owned(),
                name: Some(name.to_owned()),
                units: vec![unit.to_owned(); axes],
                samples,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_keeps_milliseconds_and_rejects_non_times() {
        let t = utc(1_551_772_378.999).unwrap();
        assert_eq!(t, time::macros::datetime!(2019-03-05 07:52:58.999 UTC));
        assert_eq!(utc(0.0), None);
        assert_eq!(utc(-5.0), None);
        assert_eq!(utc(f64::NAN), None);
        assert_eq!(utc(f64::INFINITY), None);
        assert_eq!(utc(1e300), None);
    }
}
