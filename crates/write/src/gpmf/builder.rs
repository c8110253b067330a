//! Building payloads: `DEVC{DVID, DVNM, STRM{STMP, TSMP, STNM, …, UNIT, SIUN, TYPE, SCAL, …,
//! data}}` with each stream's sticky metadata (name, units, scale, TYPE) repeated in every
//! payload, as the spec asks so that a cut clip keeps its meaning.

use telemux_read::gpmf::keys::{DEVC, DVID, DVNM, SCAL, SIUN, STMP, STNM, STRM, TSMP, TYPE, UNIT};
use telemux_read::gpmf::{
    ComplexType, Data, Klv, Node, ShapeError, TypeStringError, ValueType, Values,
};
use telemux_read::FourCC;

use super::encode::{encode, EncodeError};

/// Why a stream or payload cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Values and a struct size that do not make a KLV.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// The payload cannot be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// A `TYPE` string that describes no structure.
    #[error(transparent)]
    Type(#[from] TypeStringError),
    /// A text longer than one GPMF string sample.
    #[error("{0:?} is longer than the 255 bytes of one GPMF string sample")]
    TextTooLong(String),
    /// A value that its stream's scale and storage type cannot hold.
    #[error("{field} {value} cannot be stored (out of range after scaling)")]
    OutOfRange {
        /// The value's name (`latitude`, `DOP`, …).
        field: &'static str,
        /// The value before scaling.
        value: f64,
    },
    /// A time outside the two-digit years of GPSU/GPS9 times.
    #[error("{0} cannot be written as yymmddhhmmss.sss (years 2000–2099 only)")]
    TimeOutOfRange(time::OffsetDateTime),
    /// A GPS9 point without a UTC time.
    #[error("GPS9 needs a UTC time for every point")]
    MissingTime,
    /// A complex stream whose `TYPE` and struct size disagree.
    #[error("TYPE describes {type_size}-byte samples but the data has {struct_size}-byte ones")]
    TypeSize {
        /// Bytes per sample the `TYPE` describes.
        type_size: usize,
        /// Bytes per sample of the data.
        struct_size: u8,
    },
    /// A `SCAL` with neither one value nor one per element.
    #[error("SCAL has {scales} values for {elements}-element samples (want 1 or {elements})")]
    ScaleArity {
        /// Values in the `SCAL`.
        scales: usize,
        /// Elements per sample.
        elements: usize,
    },
    /// A sample with another number of values than its stream.
    #[error("{key} sample has {got} values where the stream has {want}")]
    SampleWidth {
        /// The stream's key.
        key: FourCC,
        /// Values per sample of the stream.
        want: usize,
        /// Values in this sample.
        got: usize,
    },
}

/// A device: the DVID and DVNM that open each of its payloads.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceWriter {
    id: u32,
    name: String,
}

impl DeviceWriter {
    /// A device with DVID `id` and DVNM `name`.
    pub fn new(id: u32, name: &str) -> DeviceWriter {
        DeviceWriter {
            id,
            name: name.to_owned(),
        }
    }

    /// One payload's `DEVC` holding `streams` (from [`StreamWriter::payload`]).
    pub fn payload(&self, streams: Vec<Klv>) -> Result<Klv, BuildError> {
        let mut children = vec![
            Node::Klv(Klv::data(DVID, Data::new(4, Values::U32(vec![self.id]))?)),
            // UTF-8, not GoPro's Latin-1: Mapillary takes the camera model from DVNM and
            // drops a name that is not UTF-8.
            Node::Klv(Klv::data(DVNM, Data::text(self.name.as_bytes())?)),
        ];
        children.extend(streams.into_iter().map(Node::Klv));
        Ok(Klv::nest(DEVC, children))
    }

    /// [`DeviceWriter::payload`] encoded: the bytes of one payload.
    pub fn encode(&self, streams: Vec<Klv>) -> Result<Vec<u8>, BuildError> {
        Ok(encode(&[Node::Klv(self.payload(streams)?)])?)
    }
}

/// One stream across payloads: its sticky metadata and its running sample count (TSMP).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamWriter {
    key: FourCC,
    name: String,
    units: Vec<String>,
    si_units: Vec<String>,
    complex_type: Option<String>,
    scale: Vec<i32>,
    sticky: Vec<(FourCC, u8, Values)>,
    total_samples: u32,
}

impl StreamWriter {
    /// A stream of `key` samples named `name` (STNM).
    pub fn new(key: FourCC, name: &str) -> StreamWriter {
        StreamWriter {
            key,
            name: name.to_owned(),
            units: Vec::new(),
            si_units: Vec::new(),
            complex_type: None,
            scale: Vec::new(),
            sticky: Vec::new(),
            total_samples: 0,
        }
    }

    /// UNIT: display units, one for all elements or one per element.
    pub fn units(mut self, units: &[&str]) -> StreamWriter {
        self.units = units.iter().map(|u| (*u).to_owned()).collect();
        self
    }

    /// SIUN: standard units, one for all elements or one per element.
    pub fn si_units(mut self, units: &[&str]) -> StreamWriter {
        self.si_units = units.iter().map(|u| (*u).to_owned()).collect();
        self
    }

    /// TYPE for complex (`?`) samples; checked when a payload is built.
    pub fn complex_type(mut self, type_string: &str) -> StreamWriter {
        self.complex_type = Some(type_string.to_owned());
        self
    }

    /// SCAL: one divisor for all elements or one per element.
    pub fn scale(mut self, scale: &[i32]) -> StreamWriter {
        self.scale = scale.to_vec();
        self
    }

    /// Other metadata repeated in every payload, written after SCAL (GPSA, for instance);
    /// its shape is checked when a payload is built.
    pub fn sticky(mut self, key: FourCC, struct_size: u8, values: Values) -> StreamWriter {
        self.sticky.push((key, struct_size, values));
        self
    }

    /// Samples written so far (the last TSMP).
    pub fn total_samples(&self) -> u32 {
        self.total_samples
    }

    /// This payload's `STRM`: STMP (when given), TSMP, STNM, then `status` (per-payload
    /// metadata such as GPSF/GPSU/GPSP), UNIT, SIUN, TYPE, SCAL, the sticky KLVs and the data.
    pub fn payload(
        &mut self,
        timestamp_us: Option<u64>,
        status: Vec<Klv>,
        samples: Data,
    ) -> Result<Klv, BuildError> {
        self.check_layout(&samples)?;
        // TSMP counts every sample since the recording began, this payload's included. A u32
        // would take years of 18 Hz GPS to fill; saturating keeps it monotonic regardless.
        let total = self
            .total_samples
            .saturating_add(u32::from(samples.repeat()));
        let mut children = Vec::new();
        if let Some(us) = timestamp_us {
            children.push(Klv::data(STMP, Data::new(8, Values::U64(vec![us]))?));
        }
        children.push(Klv::data(TSMP, Data::new(4, Values::U32(vec![total]))?));
        children.push(Klv::data(STNM, Data::text(&text_bytes(&self.name))?));
        children.extend(status);
        if !self.units.is_empty() {
            children.push(Klv::data(UNIT, strings(&self.units)?));
        }
        if !self.si_units.is_empty() {
            children.push(Klv::data(SIUN, strings(&self.si_units)?));
        }
        if let Some(type_string) = &self.complex_type {
            children.push(Klv::data(TYPE, Data::text(type_string.as_bytes())?));
        }
        if !self.scale.is_empty() {
            children.push(Klv::data(
                SCAL,
                Data::new(4, Values::I32(self.scale.clone()))?,
            ));
        }
        for (key, struct_size, values) in &self.sticky {
            children.push(Klv::data(*key, Data::new(*struct_size, values.clone())?));
        }
        children.push(Klv::data(self.key, samples));
        self.total_samples = total;
        Ok(Klv::nest(
            STRM,
            children.into_iter().map(Node::Klv).collect(),
        ))
    }

    /// Refuses samples that the stream's TYPE or SCAL would misdescribe, so that what is
    /// written validates when read back.
    fn check_layout(&self, samples: &Data) -> Result<(), BuildError> {
        let struct_size = samples.struct_size();
        let elements = match (samples.values().value_type(), &self.complex_type) {
            (ValueType::Complex, Some(type_string)) => {
                let complex = ComplexType::parse(type_string.as_bytes())?;
                if complex.size() != usize::from(struct_size) {
                    return Err(BuildError::TypeSize {
                        type_size: complex.size(),
                        struct_size,
                    });
                }
                complex.fields().len()
            }
            (ty, _) => usize::from(struct_size) / ty.size(),
        };
        match self.scale.len() {
            0 | 1 => Ok(()),
            scales if scales == elements => Ok(()),
            scales => Err(BuildError::ScaleArity { scales, elements }),
        }
    }
}

/// Strings as one `c` KLV: struct size = the longest, each NUL-padded to it (`UNIT c 3 5`).
fn strings(texts: &[String]) -> Result<Data, BuildError> {
    let encoded: Vec<Vec<u8>> = texts.iter().map(|t| text_bytes(t)).collect();
    let width = encoded.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let width = u8::try_from(width).map_err(|_| {
        BuildError::TextTooLong(
            texts
                .iter()
                .max_by_key(|t| t.len())
                .cloned()
                .unwrap_or_default(),
        )
    })?;
    let mut bytes = Vec::with_capacity(encoded.len() * usize::from(width));
    for text in encoded {
        let end = bytes.len() + usize::from(width);
        bytes.extend(text);
        bytes.resize(end, 0);
    }
    Ok(Data::new(width, Values::Char(bytes))?)
}

/// GoPro's text encoding: Latin-1 single bytes (`°` 0xB0, `²` 0xB2, `µ` 0xB5) when every
/// character fits, else UTF-8. Readers try UTF-8 first and fall back to Latin-1.
pub fn text_bytes(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<Vec<u8>>>()
        .unwrap_or_else(|| text.as_bytes().to_vec())
}
