//! GPS payloads as GoPro writes them: a GPS5 stream (and optionally HERO11's GPS9) with GPSF,
//! GPSU, GPSP and GPSA, one payload per call (the `inject` command makes one per second).

use telemux_read::gpmf::keys::{GPS5, GPS9, GPSA, GPSF, GPSP, GPSU};
use telemux_read::gpmf::{Data, Klv, Values, UNKNOWN_PRECISION};
use telemux_read::{AltitudeRef, FourCC, GpsPoint};
use time::{Date, Month, OffsetDateTime, UtcOffset};

use super::builder::{BuildError, DeviceWriter, StreamWriter};

/// GPS5 divisors: degrees ×10^7, metres and m/s ×1000, 3D speed ×100 (as every GoPro writes).
pub const GPS5_SCALE: [i32; 5] = [10_000_000, 10_000_000, 1000, 1000, 100];
/// GPS9 adds days since 2000 (×1), seconds of day (×1000), DOP (×100) and fix (×1).
pub const GPS9_SCALE: [i32; 9] = [10_000_000, 10_000_000, 1000, 1000, 100, 1, 1000, 100, 1];
/// GPS9's sample layout: seven int32 then two uint16, 32 bytes.
pub const GPS9_TYPE: &str = "lllllllSS";

/// The GPS5 stream with HERO11's name, units and scale; GPSA `MSLV` when altitudes are above
/// mean sea level (no GPSA means the WGS84 ellipsoid).
pub fn gps5_stream(altitude: AltitudeRef) -> StreamWriter {
    with_altitude_ref(
        StreamWriter::new(GPS5, "GPS (Lat., Long., Alt., 2D speed, 3D speed)")
            .units(&["deg", "deg", "m", "m/s", "m/s"])
            .scale(&GPS5_SCALE),
        altitude,
    )
}

/// The GPS9 stream as HERO11 writes it (TYPE `lllllllSS`).
pub fn gps9_stream(altitude: AltitudeRef) -> StreamWriter {
    with_altitude_ref(
        StreamWriter::new(
            GPS9,
            "GPS (Lat., Long., Alt., 2D, 3D, days, secs, DOP, fix)",
        )
        .units(&["deg", "deg", "m", "m/s", "m/s", "", "s", "", ""])
        .complex_type(GPS9_TYPE)
        .scale(&GPS9_SCALE),
        altitude,
    )
}

fn with_altitude_ref(stream: StreamWriter, altitude: AltitudeRef) -> StreamWriter {
    match altitude {
        AltitudeRef::MeanSeaLevel => {
            stream.sticky(GPSA, 4, Values::FourCC(vec![FourCC::new(b"MSLV")]))
        }
        AltitudeRef::Ellipsoid => stream,
    }
}

/// GPS5 samples: latitude, longitude, altitude, 2D and 3D speed, scaled to int32. Missing
/// altitude or speeds are written as 0 (GPS5 has no "unknown"); fill them in first.
pub fn gps5_samples(points: &[GpsPoint]) -> Result<Data, BuildError> {
    let mut values = Vec::with_capacity(points.len() * 5);
    for point in points {
        values.extend(position(point)?);
    }
    Ok(Data::new(20, Values::I32(values))?)
}

/// GPS9 samples (TYPE `lllllllSS`): GPS5's five values, days since 2000-01-01, milliseconds
/// of the day, DOP × 100 and the fix code. Every point needs a time; a missing DOP is written
/// as the cameras' "unknown" (99.99), a missing fix as 0.
pub fn gps9_samples(points: &[GpsPoint]) -> Result<Data, BuildError> {
    let mut bytes = Vec::with_capacity(points.len() * 32);
    for point in points {
        let time = point.time.ok_or(BuildError::MissingTime)?;
        let [lat, lon, alt, s2d, s3d] = position(point)?;
        let [days, millis] = day_and_millis(time)?;
        for value in [lat, lon, alt, s2d, s3d, days, millis] {
            bytes.extend(value.to_be_bytes());
        }
        let dop = precision(point)?;
        let fix = point.fix.map_or(0, |f| f.code());
        bytes.extend(dop.to_be_bytes());
        bytes.extend(u16::try_from(fix).unwrap_or(0).to_be_bytes());
    }
    Ok(Data::new(32, Values::Complex(bytes))?)
}

/// GPS5's five scaled values.
fn position(point: &GpsPoint) -> Result<[i32; 5], BuildError> {
    if !(-90.0..=90.0).contains(&point.latitude) {
        return Err(out_of_range("latitude", point.latitude));
    }
    if !(-180.0..=180.0).contains(&point.longitude) {
        return Err(out_of_range("longitude", point.longitude));
    }
    Ok([
        scaled("latitude", point.latitude, 1e7)?,
        scaled("longitude", point.longitude, 1e7)?,
        scaled("altitude", point.altitude.unwrap_or(0.0), 1e3)?,
        scaled("2D speed", point.speed_2d.unwrap_or(0.0), 1e3)?,
        scaled("3D speed", point.speed_3d.unwrap_or(0.0), 1e2)?,
    ])
}

/// `value × scale` rounded to the nearest integer of type `T`.
fn scaled<T: TryFrom<i64>>(field: &'static str, value: f64, scale: f64) -> Result<T, BuildError> {
    let raw = (value * scale).round();
    // The range check on f64 keeps the cast exact; T's own range is checked after it.
    if !raw.is_finite() || raw.abs() > 2f64.powi(62) {
        return Err(out_of_range(field, value));
    }
    T::try_from(raw as i64).map_err(|_| out_of_range(field, value))
}

fn out_of_range(field: &'static str, value: f64) -> BuildError {
    BuildError::OutOfRange { field, value }
}

/// Days since 2000-01-01 and milliseconds since midnight, in UTC.
fn day_and_millis(time: OffsetDateTime) -> Result<[i32; 2], BuildError> {
    let utc = time.to_offset(UtcOffset::UTC);
    let epoch = Date::from_calendar_date(2000, Month::January, 1)
        .map_err(|_| BuildError::TimeOutOfRange(time))?;
    let days = i32::try_from((utc.date() - epoch).whole_days())
        .ok()
        .filter(|d| *d >= 0)
        .ok_or(BuildError::TimeOutOfRange(time))?;
    let (h, m, s, ms) = utc.time().as_hms_milli();
    let millis = ((i32::from(h) * 60 + i32::from(m)) * 60 + i32::from(s)) * 1000 + i32::from(ms);
    Ok([days, millis])
}

/// GPSU text `yymmddhhmmss.sss` of `time` in UTC; only years 2000–2099 fit.
pub fn gpsu_text(time: OffsetDateTime) -> Result<[u8; 16], BuildError> {
    let utc = time.to_offset(UtcOffset::UTC);
    if !(2000..=2099).contains(&utc.year()) {
        return Err(BuildError::TimeOutOfRange(time));
    }
    let text = format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}.{:03}",
        utc.year() - 2000,
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
        utc.millisecond()
    );
    text.into_bytes()
        .try_into()
        .map_err(|_| BuildError::TimeOutOfRange(time))
}

/// Per-payload GPS status from the payload's first point: GPSF (fix), GPSU (time), GPSP
/// (DOP × 100), each only when the point has it.
pub fn gps_status(point: &GpsPoint) -> Result<Vec<Klv>, BuildError> {
    let mut status = Vec::new();
    if let Some(fix) = point.fix {
        status.push(Klv::data(
            GPSF,
            Data::new(4, Values::U32(vec![fix.code()]))?,
        ));
    }
    if let Some(time) = point.time {
        status.push(Klv::data(
            GPSU,
            Data::new(16, Values::Utc(vec![gpsu_text(time)?]))?,
        ));
    }
    // Always, as cameras do: some readers drop a GPS5 stream without GPSP (gopro-telemetry's
    // precision filter).
    status.push(Klv::data(
        GPSP,
        Data::new(2, Values::U16(vec![precision(point)?]))?,
    ));
    Ok(status)
}

/// DOP × 100 for GPSP and GPS9, or the cameras' "unknown" when the point has no DOP.
fn precision(point: &GpsPoint) -> Result<u16, BuildError> {
    point.dop.map_or(Ok(UNKNOWN_PRECISION), |dop| {
        scaled::<u16>("DOP", dop, 100.0)
    })
}

/// One device writing GPS payloads: GPS5 with the GPS status, and GPS9 when asked.
#[derive(Debug, Clone, PartialEq)]
pub struct GpsPayloads {
    device: DeviceWriter,
    gps5: StreamWriter,
    gps9: Option<StreamWriter>,
}

impl GpsPayloads {
    /// Payloads of `device`, altitudes referred to `altitude`, with a GPS9 stream when `with_gps9`.
    pub fn new(device: DeviceWriter, altitude: AltitudeRef, with_gps9: bool) -> GpsPayloads {
        GpsPayloads {
            device,
            gps5: gps5_stream(altitude),
            gps9: with_gps9.then(|| gps9_stream(altitude)),
        }
    }

    /// The bytes of one payload holding `points` (usually one second of them), with STMP when
    /// `timestamp_us` is given. The GPS status comes from the first point.
    pub fn payload(
        &mut self,
        points: &[GpsPoint],
        timestamp_us: Option<u64>,
    ) -> Result<Vec<u8>, BuildError> {
        let streams = self.streams(points, timestamp_us)?;
        self.device.encode(streams)
    }

    /// The GPS `STRM`s of [`GpsPayloads::payload`], for a payload that holds other streams
    /// too (encode them all with [`GpsPayloads::device`]).
    pub fn streams(
        &mut self,
        points: &[GpsPoint],
        timestamp_us: Option<u64>,
    ) -> Result<Vec<Klv>, BuildError> {
        // Everything fallible about the samples happens before any stream counts them.
        let gps5 = gps5_samples(points)?;
        let gps9 = match self.gps9 {
            Some(_) => Some(gps9_samples(points)?),
            None => None,
        };
        let status = match points.first() {
            Some(first) => gps_status(first)?,
            None => Vec::new(),
        };
        let mut streams = vec![self.gps5.payload(timestamp_us, status, gps5)?];
        if let (Some(stream), Some(samples)) = (&mut self.gps9, gps9) {
            streams.push(stream.payload(timestamp_us, Vec::new(), samples)?);
        }
        Ok(streams)
    }

    /// The device that opens each payload.
    pub fn device(&self) -> &DeviceWriter {
        &self.device
    }
}
