//! The GPMF keys telemux gives meaning to, shared by the reader and the writer.

use crate::FourCC;

pub const DEVC: FourCC = FourCC::new(b"DEVC");
pub const DVID: FourCC = FourCC::new(b"DVID");
pub const DVNM: FourCC = FourCC::new(b"DVNM");
pub const STRM: FourCC = FourCC::new(b"STRM");
pub const STNM: FourCC = FourCC::new(b"STNM");
pub const SCAL: FourCC = FourCC::new(b"SCAL");
pub const TYPE: FourCC = FourCC::new(b"TYPE");
pub const SIUN: FourCC = FourCC::new(b"SIUN");
pub const UNIT: FourCC = FourCC::new(b"UNIT");
pub const TSMP: FourCC = FourCC::new(b"TSMP");
pub const STMP: FourCC = FourCC::new(b"STMP");
pub const GPSF: FourCC = FourCC::new(b"GPSF");
pub const GPSU: FourCC = FourCC::new(b"GPSU");
pub const GPSP: FourCC = FourCC::new(b"GPSP");
pub const GPSA: FourCC = FourCC::new(b"GPSA");
pub const GPS5: FourCC = FourCC::new(b"GPS5");
pub const GPS9: FourCC = FourCC::new(b"GPS9");
/// The Karma drone's raw GPS (TYPE `JlllSSSSBB`).
pub const GPRI: FourCC = FourCC::new(b"GPRI");
/// The Karma drone's clock: seconds since boot and UTC seconds (TYPE `JJ`), dating GPRI.
pub const SYST: FourCC = FourCC::new(b"SYST");
