//! Non-GPS sensor streams as GoPro writes them: ACCL, GYRO and MAGN as int16 triples with a
//! SCAL and SIUN, plus barometric pressure (PRES), temperature (TEMP) and heart rate (HRAT),
//! which no GoPro records and whose keys are ours.
//!
//! Each stream keeps one SCAL for the whole track, as cameras do (readers that take the first
//! payload's SCAL for all stay right): GoPro's own where the data fit it, lowered just enough
//! when the largest value would overflow the stored integer.

use telemux_read::gpmf::{Data, Klv, Values};
use telemux_read::{FourCC, SensorStream};

use super::builder::{BuildError, StreamWriter};

/// How one stream key is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensorLayout {
    /// The stream's data key (`ACCL`, `GYRO`, …).
    pub key: FourCC,
    /// STNM.
    pub name: &'static str,
    /// SIUN for SI units, else UNIT.
    pub unit: &'static str,
    /// Whether `unit` is written as SIUN (else UNIT).
    pub si_unit: bool,
    /// Integer type of the stored values.
    pub storage: Storage,
    /// SCAL used when the data fit it.
    pub preferred_scale: i32,
}

/// Integer type a sensor stream is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Storage {
    /// `s`, as GoPro stores IMU data.
    I16,
    /// `l`, for values an int16 cannot hold at a useful precision (pressure in Pa).
    I32,
}

impl Storage {
    fn max(self) -> f64 {
        match self {
            Storage::I16 => f64::from(i16::MAX),
            Storage::I32 => f64::from(i32::MAX),
        }
    }

    fn size(self) -> usize {
        match self {
            Storage::I16 => 2,
            Storage::I32 => 4,
        }
    }
}

/// The streams telemux writes. ACCL and GYRO take HERO11's SCAL (418: ±78 m/s² = ±8 g; 939:
/// ±35 rad/s = ±2000 °/s). MAGN uses 100 (0.01 µT over ±327 µT, Earth's field being 25–65
/// µT) where the MAX writes whole µT. PRES stores 0.01 Pa in an int32 (an int16 cannot even
/// hold 1 atm in Pa), TEMP 0.01 °C, HRAT whole beats per minute.
pub const SENSOR_LAYOUTS: [SensorLayout; 6] = [
    layout(b"ACCL", "Accelerometer", "m/s²", true, Storage::I16, 418),
    layout(b"GYRO", "Gyroscope", "rad/s", true, Storage::I16, 939),
    layout(b"MAGN", "Magnetometer", "µT", true, Storage::I16, 100),
    layout(
        b"PRES",
        "Barometric pressure",
        "Pa",
        true,
        Storage::I32,
        100,
    ),
    layout(b"TEMP", "Temperature", "°C", true, Storage::I16, 100),
    layout(b"HRAT", "Heart rate", "bpm", false, Storage::I16, 1),
];

const fn layout(
    key: &[u8; 4],
    name: &'static str,
    unit: &'static str,
    si_unit: bool,
    storage: Storage,
    preferred_scale: i32,
) -> SensorLayout {
    SensorLayout {
        key: FourCC::new(key),
        name,
        unit,
        si_unit,
        storage,
        preferred_scale,
    }
}

/// The layout for a model stream key (`ACCL`, …), if telemux writes that stream.
pub fn sensor_layout(key: &str) -> Option<&'static SensorLayout> {
    SENSOR_LAYOUTS
        .iter()
        .find(|l| l.key.as_bytes() == key.as_bytes())
}

/// The SCAL for values up to `largest` in magnitude: the preferred one, or the largest
/// integer that keeps `largest` within the storage type.
pub fn fitting_scale(layout: &SensorLayout, largest: f64) -> Result<i32, BuildError> {
    if !largest.is_finite() {
        return Err(BuildError::OutOfRange {
            field: layout.name,
            value: largest,
        });
    }
    let preferred = f64::from(layout.preferred_scale);
    if largest * preferred <= layout.storage.max() {
        return Ok(layout.preferred_scale);
    }
    let scale = (layout.storage.max() / largest).floor();
    if scale < 1.0 {
        return Err(BuildError::OutOfRange {
            field: layout.name,
            value: largest,
        });
    }
    // Below `preferred`, which is an i32.
    Ok(scale as i32)
}

/// One stream's writer: the STRM metadata, its fixed SCAL and sample width.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorWriter {
    layout: SensorLayout,
    scale: i32,
    elements: usize,
    struct_size: u8,
    stream: StreamWriter,
}

impl SensorWriter {
    /// A writer for `elements`-value samples whose largest magnitude is `largest`; a sample
    /// must fit GPMF's 255-byte structure.
    pub fn new(
        layout: &SensorLayout,
        elements: usize,
        largest: f64,
    ) -> Result<SensorWriter, BuildError> {
        let struct_size = elements
            .checked_mul(layout.storage.size())
            .and_then(|size| u8::try_from(size).ok())
            .filter(|&size| size > 0)
            .ok_or(BuildError::SampleWidth {
                key: layout.key,
                want: usize::from(u8::MAX) / layout.storage.size(),
                got: elements,
            })?;
        let scale = fitting_scale(layout, largest)?;
        let stream = StreamWriter::new(layout.key, layout.name).scale(&[scale]);
        let stream = match layout.si_unit {
            true => stream.si_units(&[layout.unit]),
            false => stream.units(&[layout.unit]),
        };
        Ok(SensorWriter {
            layout: *layout,
            scale,
            elements,
            struct_size,
            stream,
        })
    }

    /// Writers for the streams of `sensors` that telemux can store (see [`SENSOR_LAYOUTS`]),
    /// in that order, with the index of the stream each writes; `sensors` keys without a
    /// layout are not written.
    pub fn for_streams(sensors: &[SensorStream]) -> Result<Vec<(usize, SensorWriter)>, BuildError> {
        let mut writers = Vec::new();
        for layout in &SENSOR_LAYOUTS {
            let Some(index) = sensors
                .iter()
                .position(|s| s.key.as_bytes() == layout.key.as_bytes())
            else {
                continue;
            };
            let stream = &sensors[index];
            let Some(elements) = stream.samples.first().map(|s| s.values.len()) else {
                continue;
            };
            let largest = stream
                .samples
                .iter()
                .flat_map(|s| &s.values)
                .fold(0.0f64, |m, v| m.max(v.abs()));
            writers.push((index, SensorWriter::new(layout, elements, largest)?));
        }
        Ok(writers)
    }

    /// The SCAL divisor chosen for the data.
    pub fn scale(&self) -> i32 {
        self.scale
    }

    /// Values per sample.
    pub fn elements(&self) -> usize {
        self.elements
    }

    /// This payload's STRM holding `samples` (each `elements` values), with STMP when given.
    pub fn payload<'a>(
        &mut self,
        samples: impl IntoIterator<Item = &'a [f64]>,
        timestamp_us: Option<u64>,
    ) -> Result<Klv, BuildError> {
        let mut scaled = Vec::new();
        for values in samples {
            if values.len() != self.elements {
                return Err(BuildError::SampleWidth {
                    key: self.layout.key,
                    want: self.elements,
                    got: values.len(),
                });
            }
            for &v in values {
                let raw = (v * f64::from(self.scale)).round();
                if !raw.is_finite() || raw.abs() > self.layout.storage.max() {
                    return Err(BuildError::OutOfRange {
                        field: self.layout.name,
                        value: v,
                    });
                }
                // Checked to fit above.
                scaled.push(raw as i32);
            }
        }
        let values = match self.layout.storage {
            Storage::I16 => Values::I16(scaled.into_iter().map(|v| v as i16).collect()),
            Storage::I32 => Values::I32(scaled),
        };
        let data = Data::new(self.struct_size, values)?;
        self.stream.payload(timestamp_us, Vec::new(), data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accl() -> &'static SensorLayout {
        sensor_layout("ACCL").unwrap()
    }

    #[test]
    fn scale_is_gopros_unless_the_data_would_overflow() {
        assert_eq!(fitting_scale(accl(), 78.0).unwrap(), 418);
        // 16 g: 32767 / 156.9 = 208.8.
        assert_eq!(fitting_scale(accl(), 16.0 * 9.80665).unwrap(), 208);
        assert_eq!(fitting_scale(accl(), 32767.0).unwrap(), 1);
        assert!(matches!(
            fitting_scale(accl(), 32768.0),
            Err(BuildError::OutOfRange {
                field: "Accelerometer",
                ..
            })
        ));
        assert!(fitting_scale(accl(), f64::NAN).is_err());
        let pres = sensor_layout("PRES").unwrap();
        assert_eq!(fitting_scale(pres, 101_325.0).unwrap(), 100);
        assert_eq!(sensor_layout("TMPC"), None);
    }

    #[test]
    fn refuses_samples_of_the_wrong_width_or_beyond_the_scale() {
        let mut writer = SensorWriter::new(accl(), 3, 10.0).unwrap();
        let err = writer.payload([&[1.0, 2.0][..]], None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ACCL sample has 2 values where the stream has 3"
        );
        let err = writer.payload([&[1.0, 2.0, 80.0][..]], None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Accelerometer 80 cannot be stored (out of range after scaling)"
        );
        assert_eq!(writer.stream.total_samples(), 0, "nothing counted");
    }
}
