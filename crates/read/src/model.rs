//! The telemetry model shared by every source (GoPro GPMF, Novatek dashcams, TomTom TTAD,
//! GPX input) and every sink (GPMF writer, GPX/KML/GeoJSON/CSV/JSON exports).
//!
//! Units are SI and angles are degrees so that sinks never need to know where data came from.
//!
//! Unlike the options, errors and outcome enums of this crate, the model is not
//! `#[non_exhaustive]`: it is plain data that tests, sources and sinks build with literal
//! syntax, and a new field or variant must reach every sink (a GPX writer that silently ignored
//! a new fix kind would lose data), so changing it is a deliberate breaking change.

use time::OffsetDateTime;

/// Quality of a GPS fix, as GoPro's GPSF reports it (0, 2 or 3). Exhaustive, as the whole
/// model is (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fix {
    /// No fix (GPSF 0, or a code telemux does not know): the position may be stale.
    None,
    /// 2D fix (GPSF 2): no usable altitude.
    TwoD,
    /// 3D fix (GPSF 3).
    ThreeD,
}

impl Fix {
    /// Maps GPSF / NMEA-style fix codes; anything unknown is treated as no fix.
    pub fn from_code(code: u32) -> Fix {
        match code {
            2 => Fix::TwoD,
            3 => Fix::ThreeD,
            _ => Fix::None,
        }
    }

    /// The GPSF code of this fix: 0, 2 or 3.
    pub fn code(self) -> u32 {
        match self {
            Fix::None => 0,
            Fix::TwoD => 2,
            Fix::ThreeD => 3,
        }
    }
}

/// What `GpsPoint::altitude` is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum AltitudeRef {
    /// Height above the WGS84 ellipsoid (GoPro's default when there is no GPSA).
    #[default]
    Ellipsoid,
    /// Height above mean sea level (GPSA `MSLV`; what GPX `<ele>` means).
    MeanSeaLevel,
}

/// One GPS position with everything a source may know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct GpsPoint {
    /// UTC time of the fix, when the source gives an absolute time.
    pub time: Option<OffsetDateTime>,
    /// Seconds since the start of the video's timeline, when the point comes from a video.
    pub media_time: Option<f64>,
    /// Degrees, WGS84.
    pub latitude: f64,
    /// Degrees, WGS84.
    pub longitude: f64,
    /// Metres, see `Telemetry::altitude_ref`.
    pub altitude: Option<f64>,
    /// Horizontal speed, m/s.
    pub speed_2d: Option<f64>,
    /// 3D speed, m/s.
    pub speed_3d: Option<f64>,
    /// Course over ground, degrees clockwise from true north.
    pub course: Option<f64>,
    /// GPS fix quality, when the source states it.
    pub fix: Option<Fix>,
    /// Dilution of precision (GoPro GPSP / 100, GPX `hdop`).
    pub dop: Option<f64>,
    /// Satellites in view, when the source states it.
    pub satellites: Option<u32>,
}

impl GpsPoint {
    /// A point with only a position; the other fields are filled in by the source.
    pub fn new(latitude: f64, longitude: f64) -> GpsPoint {
        GpsPoint {
            time: None,
            media_time: None,
            latitude,
            longitude,
            altitude: None,
            speed_2d: None,
            speed_3d: None,
            course: None,
            fix: None,
            dop: None,
            satellites: None,
        }
    }
}

/// A non-GPS sensor stream (ACCL, GYRO, MAGN, …) as scaled samples.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorStream {
    /// The source's key for the stream, e.g. `ACCL`.
    pub key: String,
    /// Human-readable name (GPMF STNM), if the source gives one.
    pub name: Option<String>,
    /// One unit per element of a sample (GPMF SIUN/UNIT), possibly empty.
    pub units: Vec<String>,
    /// The samples, in time order.
    pub samples: Vec<SensorSample>,
}

/// One timed sample of a sensor stream.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorSample {
    /// Seconds since the start of the video's timeline.
    pub media_time: Option<f64>,
    /// UTC time of the sample, when the source gives one.
    pub time: Option<OffsetDateTime>,
    /// One value per element (e.g. x, y, z), in `units`.
    pub values: Vec<f64>,
}

/// Everything read from one source: the GPS track plus any other sensor streams.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Telemetry {
    /// Where the data came from, e.g. "GoPro GPMF (GPS5)", "Novatek freeGPS", "GPX".
    pub source: String,
    /// Device name (GPMF DVNM, dashcam model, GPX creator), if known.
    pub device: Option<String>,
    /// What `GpsPoint::altitude` is measured from.
    pub altitude_ref: AltitudeRef,
    /// GPS points in time order.
    pub gps: Vec<GpsPoint>,
    /// Non-GPS sensor streams (empty unless asked for).
    pub sensors: Vec<SensorStream>,
    /// Moments the user marked while filming (GoPro HiLight tags), in media-time order.
    pub highlights: Vec<Highlight>,
}

/// A moment the user marked while filming (GoPro HiLight: the camera's button or voice command).
#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    /// Seconds on the video's timeline.
    pub media_time: f64,
    /// Where the camera recorded it: `HMMT` (moov/udta/HMMT, older cameras) or `HLMT` (the
    /// GPMF "Highlights" device, newer ones).
    pub origin: &'static str,
    /// HLMT's tag type (`MANL`: marked by hand), when given.
    pub kind: Option<String>,
    /// The GPS position and UTC time at that moment, interpolated between the track's points
    /// around it; `None` when the track does not reach it.
    pub position: Option<GpsPoint>,
}
