//! Sensor CSV export: one row per sample of every stream (ACCL, GYRO, …), RFC 4180.
//!
//! Streams have different widths (3 axes, 1 value), so the header has as many `value_N`
//! columns as the widest stream and narrower rows leave the rest empty. Rows go stream by
//! stream, each in its own order, so one stream is one block that a spreadsheet filter or
//! `grep ,ACCL,` picks out.

use std::io::{BufWriter, Write};

use telemux_read::SensorStream;

use super::values::{finite, Rfc3339};
use super::ExportError;

/// Columns before the values. `media_time` is seconds on the video's timeline, `time` RFC 3339
/// UTC when the source gives it, `unit` the stream's unit (units joined by `;` when its
/// elements differ).
pub const HEADER_START: &str = "media_time,time,stream,unit";

/// Writes every sample of every stream; missing and non-finite values are empty fields.
pub fn write_sensors_csv<W: Write>(out: W, streams: &[SensorStream]) -> Result<(), ExportError> {
    let mut out = BufWriter::new(out);
    let width = streams
        .iter()
        .flat_map(|s| s.samples.iter().map(|sample| sample.values.len()))
        .max()
        .unwrap_or(0);
    out.write_all(HEADER_START.as_bytes())?;
    for n in 1..=width {
        write!(out, ",value_{n}")?;
    }
    out.write_all(b"\r\n")?;
    for stream in streams {
        let key = quoted(&stream.key);
        let unit = quoted(&unit_of(stream));
        for sample in &stream.samples {
            if let Some(t) = finite(sample.media_time) {
                write!(out, "{t}")?;
            }
            out.write_all(b",")?;
            if let Some(time) = sample.time {
                write!(out, "{}", Rfc3339(time))?;
            }
            write!(out, ",{key},{unit}")?;
            for n in 0..width {
                match finite(sample.values.get(n).copied()) {
                    Some(v) => write!(out, ",{v}")?,
                    None => out.write_all(b",")?,
                }
            }
            out.write_all(b"\r\n")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// One unit for the stream: the common one, or each element's joined by `;`.
fn unit_of(stream: &SensorStream) -> String {
    match stream.units.first() {
        Some(first) if stream.units.iter().all(|u| u == first) => first.clone(),
        _ => stream.units.join(";"),
    }
}

/// A text field, quoted (RFC 4180) only when it holds a comma, quote or line break.
fn quoted(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use telemux_read::SensorSample;

    use super::*;

    fn stream(key: &str, units: &[&str], samples: &[(f64, &[f64])]) -> SensorStream {
        SensorStream {
            key: key.to_owned(),
            name: None,
            units: units.iter().map(|u| (*u).to_owned()).collect(),
            samples: samples
                .iter()
                .map(|(t, values)| SensorSample {
                    media_time: Some(*t),
                    time: None,
                    values: values.to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn one_row_per_sample_padded_to_the_widest_stream() {
        let streams = [
            stream(
                "ACCL",
                &["m/s²"; 3],
                &[(0.0, &[0.5, -9.80665, 1e-3]), (0.01, &[0.0, f64::NAN, 2.0])],
            ),
            stream("PRES", &["Pa"], &[(1.5, &[98123.0])]),
            stream("a,\"b", &["x", "y"], &[(2.0, &[1.0, 2.0])]),
        ];
        let mut out = Vec::new();
        write_sensors_csv(&mut out, &streams).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "media_time,time,stream,unit,value_1,value_2,value_3\r\n\
             0,,ACCL,m/s²,0.5,-9.80665,0.001\r\n\
             0.01,,ACCL,m/s²,0,,2\r\n\
             1.5,,PRES,Pa,98123,,\r\n\
             2,,\"a,\"\"b\",x;y,1,2,\r\n"
        );
    }

    #[test]
    fn no_streams_is_a_header_alone() {
        let mut out = Vec::new();
        write_sensors_csv(&mut out, &[]).unwrap();
        assert_eq!(out, b"media_time,time,stream,unit\r\n");
    }
}
