//! The typed view of a payload: per `DEVC` its id and name, per `STRM` its data key, properties,
//! timing and GPS status, and its samples as scaled `f64`. What the MP4 telemetry reader builds
//! on. Keys it does not know are kept (in `other` / `metadata`), never an error.

use time::OffsetDateTime;

use super::keys::{DEVC, DVID, DVNM, GPSA, GPSF, GPSP, GPSU, STMP, STNM, STRM, TSMP};

/// The DOP × 100 (GPSP, GPS9's DOP) GoPro cameras write when they have none, before a lock:
/// 99.99 means "unknown", not a very poor fix.
pub const UNKNOWN_PRECISION: u16 = 9999;
use super::property::{self, is_metadata_key};
use super::scalar::Layout;
use super::scaled::append_scaled;
use super::utc::parse_utc;
use super::{entries, Error, ErrorKind, Kind, KlvRef, Properties};
use crate::FourCC;

/// A payload: its devices, and any top-level KLV that is not a `DEVC`.
#[derive(Debug, Clone)]
pub struct Payload<'a> {
    /// Every `DEVC` of the payload, in order.
    pub devices: Vec<Device<'a>>,
    /// Top-level KLVs that are no `DEVC` (GoPro's parser ignores them).
    pub other: Vec<KlvRef<'a>>,
}

/// One `DEVC`.
#[derive(Debug, Clone)]
pub struct Device<'a> {
    /// The `DEVC` KLV itself.
    pub klv: KlvRef<'a>,
    /// DVID.
    pub id: Option<DeviceId>,
    /// DVNM.
    pub name: Option<String>,
    /// Its `STRM` nests, in order.
    pub streams: Vec<Stream<'a>>,
    /// Every other KLV of the device (TICK, EMPT, …).
    pub other: Vec<KlvRef<'a>>,
}

/// DVID is a number on cameras and a FourCC on some other sources (`HLMT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeviceId {
    /// A numeric id (cameras: 1 for the camera itself).
    Number(u64),
    /// A FourCC id (`HLMT` highlights, some other sources).
    FourCC(FourCC),
}

/// One `STRM`: metadata KLVs, then the data KLV(s) of one key.
#[derive(Debug, Clone)]
pub struct Stream<'a> {
    /// The `STRM` KLV itself.
    pub klv: KlvRef<'a>,
    /// The key of the samples (GPS5, ACCL, …): the last key in the stream that is not metadata
    /// ([`super::METADATA_KEYS`]). `None` for a stream of metadata only.
    pub key: Option<FourCC>,
    /// STNM.
    pub name: Option<String>,
    /// SCAL, TYPE, SIUN and UNIT. A stream repeats them in every payload, so the last of each
    /// wins.
    pub properties: Properties,
    /// TSMP: samples delivered since the recording started, this payload's included.
    pub total_samples: Option<u64>,
    /// STMP: microsecond timestamp of the payload's first sample.
    pub timestamp_us: Option<u64>,
    /// GPSF: 0 no lock, 2 2D lock, 3 3D lock.
    pub gps_fix: Option<u64>,
    /// GPSP: dilution of precision × 100; [`UNKNOWN_PRECISION`] before a lock.
    pub gps_precision: Option<u64>,
    /// GPSA: what the altitude is measured from (`MSLV` = mean sea level).
    pub gps_altitude: Option<FourCC>,
    /// Every KLV that is not sample data, in order, including the ones parsed above and keys
    /// this view does not know.
    pub metadata: Vec<KlvRef<'a>>,
    /// The KLVs holding the samples (several when a stream repeats its key, as FACE does).
    pub data: Vec<KlvRef<'a>>,
    gps_time: Option<KlvRef<'a>>,
}

/// Reads the devices and streams of a payload (one or more concatenated `DEVC`s). Checks the
/// structure of everything it reads; call [`super::validate`] to check the rest too.
pub fn payload(bytes: &[u8]) -> Result<Payload<'_>, Error> {
    let mut payload = Payload {
        devices: Vec::new(),
        other: Vec::new(),
    };
    for klv in entries(bytes).klvs() {
        let klv = klv?;
        match klv.key {
            DEVC if klv.kind == Kind::Nest => payload.devices.push(device(klv)?),
            _ => payload.other.push(klv),
        }
    }
    Ok(payload)
}

fn device(klv: KlvRef<'_>) -> Result<Device<'_>, Error> {
    let mut device = Device {
        klv,
        id: None,
        name: None,
        streams: Vec::new(),
        other: Vec::new(),
    };
    for child in klv.children().into_iter().flat_map(|c| c.klvs()) {
        let child = child?;
        match child.key {
            DVID => {
                device.id = Some(match property::fourcc(&child) {
                    Ok(code) => DeviceId::FourCC(code),
                    Err(_) => DeviceId::Number(property::integer(&child)?),
                })
            }
            DVNM => device.name = Some(property::text(&child)?),
            STRM if child.kind == Kind::Nest => device.streams.push(stream(child)?),
            _ => device.other.push(child),
        }
    }
    Ok(device)
}

fn stream(klv: KlvRef<'_>) -> Result<Stream<'_>, Error> {
    let children = klv
        .children()
        .into_iter()
        .flat_map(|c| c.klvs())
        .collect::<Result<Vec<_>, _>>()?;
    let key = children
        .iter()
        .rev()
        .map(|c| c.key)
        .find(|&key| !is_metadata_key(key));
    let mut stream = Stream {
        klv,
        key,
        name: None,
        properties: Properties::default(),
        total_samples: None,
        timestamp_us: None,
        gps_fix: None,
        gps_precision: None,
        gps_altitude: None,
        metadata: Vec::new(),
        data: Vec::new(),
        gps_time: None,
    };
    for child in children {
        if Some(child.key) == key {
            stream.data.push(child);
            continue;
        }
        if !stream.properties.take(&child)? {
            match child.key {
                STNM => stream.name = Some(property::text(&child)?),
                TSMP => stream.total_samples = Some(property::integer(&child)?),
                STMP => stream.timestamp_us = Some(property::integer(&child)?),
                GPSF => stream.gps_fix = Some(property::integer(&child)?),
                GPSP => stream.gps_precision = Some(property::integer(&child)?),
                GPSA => stream.gps_altitude = Some(property::fourcc(&child)?),
                GPSU => stream.gps_time = Some(child),
                _ => {}
            }
        }
        stream.metadata.push(child);
    }
    Ok(stream)
}

impl Stream<'_> {
    /// GPSU as UTC, if the stream has one. Separate from building the view because a camera
    /// without a fix may write a time that does not parse, and its samples are still wanted.
    pub fn gps_time(&self) -> Option<Result<OffsetDateTime, Error>> {
        let klv = self.gps_time?;
        Some(parse_utc(klv.data()).map_err(|kind| klv.error(kind)))
    }

    /// Samples in this payload: the repeats of every data KLV.
    pub fn sample_count(&self) -> usize {
        self.data.iter().map(|klv| usize::from(klv.repeat)).sum()
    }

    /// Elements per sample, from the first data KLV (5 for GPS5, 9 for GPS9 via TYPE).
    pub fn elements(&self) -> Result<Option<usize>, Error> {
        self.data
            .first()
            .map(|klv| Ok(Layout::of(klv, self.properties.complex.as_ref())?.elements()))
            .transpose()
    }

    /// Every sample's elements as `f64` divided by SCAL, sample after sample
    /// (`sample_count() × elements()` values). Errors for non-numeric fields, complex data
    /// without a matching TYPE, a SCAL of the wrong arity, or data KLVs whose samples differ
    /// in elements.
    pub fn scaled(&self) -> Result<Vec<f64>, Error> {
        let mut out = Vec::new();
        self.scaled_into(&mut out)?;
        Ok(out)
    }

    /// [`Stream::scaled`] appending to a buffer the caller reuses.
    pub fn scaled_into(&self, out: &mut Vec<f64>) -> Result<(), Error> {
        let first = self.elements()?;
        for klv in &self.data {
            let layout = Layout::of(klv, self.properties.complex.as_ref())?;
            if let Some(first) = first.filter(|&first| first != layout.elements()) {
                return Err(klv.error(ErrorKind::ElementsMismatch {
                    elements: layout.elements(),
                    first,
                }));
            }
            let divisors = self.properties.divisors(klv)?;
            append_scaled(klv, &layout, divisors.as_deref(), out)?;
        }
        Ok(())
    }

    /// The units of each element: SIUN when present, else UNIT (possibly one for all).
    pub fn units(&self) -> &[String] {
        self.properties.units()
    }
}
