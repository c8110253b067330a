//! The GPMF keys telemux gives meaning to, shared by the reader and the writer.

use crate::FourCC;

/// Device: one nest per sensor device in a payload.
pub const DEVC: FourCC = FourCC::new(b"DEVC");
/// Device id (a number on cameras, a FourCC on some other sources).
pub const DVID: FourCC = FourCC::new(b"DVID");
/// Device name (where Mapillary reads the camera model).
pub const DVNM: FourCC = FourCC::new(b"DVNM");
/// Stream: one nest per sensor within a device.
pub const STRM: FourCC = FourCC::new(b"STRM");
/// Stream name, human-readable.
pub const STNM: FourCC = FourCC::new(b"STNM");
/// Scale: divisors that turn stored integers into units.
pub const SCAL: FourCC = FourCC::new(b"SCAL");
/// Structure of complex (`?`) samples.
pub const TYPE: FourCC = FourCC::new(b"TYPE");
/// SI units of the stream (`m/s²`, `rad/s`, …).
pub const SIUN: FourCC = FourCC::new(b"SIUN");
/// Display units of the stream (GPS5: `deg, deg, m, m/s, m/s`).
pub const UNIT: FourCC = FourCC::new(b"UNIT");
/// Total samples of the stream so far, this payload included.
pub const TSMP: FourCC = FourCC::new(b"TSMP");
/// Microsecond timestamp of the stream's first sample in this payload.
pub const STMP: FourCC = FourCC::new(b"STMP");
/// GPS fix: 0 none, 2 2D, 3 3D.
pub const GPSF: FourCC = FourCC::new(b"GPSF");
/// GPS time (UTC, `yymmddhhmmss.sss`) of the payload's first fix.
pub const GPSU: FourCC = FourCC::new(b"GPSU");
/// GPS precision: DOP × 100.
pub const GPSP: FourCC = FourCC::new(b"GPSP");
/// Altitude reference: `MSLV` mean sea level, else the WGS84 ellipsoid.
pub const GPSA: FourCC = FourCC::new(b"GPSA");
/// GPS samples of 5: latitude, longitude, altitude, 2D speed, 3D speed.
pub const GPS5: FourCC = FourCC::new(b"GPS5");
/// GPS samples of 9 (HERO11+): GPS5's values, days, seconds, DOP and fix per sample.
pub const GPS9: FourCC = FourCC::new(b"GPS9");
/// The Karma drone's raw GPS (TYPE `JlllSSSSBB`).
pub const GPRI: FourCC = FourCC::new(b"GPRI");
/// The Karma drone's clock: seconds since boot and UTC seconds (TYPE `JJ`), dating GPRI.
pub const SYST: FourCC = FourCC::new(b"SYST");
