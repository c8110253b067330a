//! The GPMF keys this crate gives meaning to.

use crate::FourCC;

pub(crate) const DEVC: FourCC = FourCC::new(b"DEVC");
pub(crate) const DVID: FourCC = FourCC::new(b"DVID");
pub(crate) const DVNM: FourCC = FourCC::new(b"DVNM");
pub(crate) const STRM: FourCC = FourCC::new(b"STRM");
pub(crate) const STNM: FourCC = FourCC::new(b"STNM");
pub(crate) const SCAL: FourCC = FourCC::new(b"SCAL");
pub(crate) const TYPE: FourCC = FourCC::new(b"TYPE");
pub(crate) const SIUN: FourCC = FourCC::new(b"SIUN");
pub(crate) const UNIT: FourCC = FourCC::new(b"UNIT");
pub(crate) const TSMP: FourCC = FourCC::new(b"TSMP");
pub(crate) const STMP: FourCC = FourCC::new(b"STMP");
pub(crate) const GPSF: FourCC = FourCC::new(b"GPSF");
pub(crate) const GPSU: FourCC = FourCC::new(b"GPSU");
pub(crate) const GPSP: FourCC = FourCC::new(b"GPSP");
pub(crate) const GPSA: FourCC = FourCC::new(b"GPSA");
