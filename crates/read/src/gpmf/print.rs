//! A readable listing of a payload's KLV tree, like GoPro's demo: key, type, struct size ×
//! repeat, then values (scaled when SCAL applies), strings, and nesting by indentation.

use std::fmt::Write;

use time::format_description::well_known::Rfc3339;

use super::property::{decode_text, is_metadata_key};
use super::scalar::{Layout, Scalar};
use super::utc::parse_utc;
use super::walk::{walk, Properties, Visitor};
use super::{Error, KlvRef, ValueType};

/// Samples shown per KLV (one per line) before the rest is counted instead.
const SHOWN_SAMPLES: usize = 5;
/// Single-element samples are listed inline; this many before the rest is counted.
const SHOWN_INLINE: usize = 16;
/// Bytes of complex data without a TYPE shown as hex.
const SHOWN_BYTES: usize = 32;

/// How [`print()`] lists a payload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrintOptions {
    /// Print every sample instead of the first few and a count.
    pub all: bool,
}

impl PrintOptions {
    /// Options printing every sample when `all`, else the first few and a count.
    pub fn with_all(all: bool) -> PrintOptions {
        PrintOptions { all }
    }
}

/// Appends the listing of `payload` to `out`. On an error, `out` keeps everything listed
/// before the bad KLV, so a damaged payload still shows its good part.
pub fn print(payload: &[u8], options: PrintOptions, out: &mut String) -> Result<(), Error> {
    walk(payload, &mut Printer { out, options })
}

struct Printer<'o> {
    out: &'o mut String,
    options: PrintOptions,
}

// Writing to a String cannot fail, so the fmt::Results below are discarded.
impl Printer<'_> {
    fn indent(&mut self, depth: usize) {
        self.out.extend(std::iter::repeat_n("  ", depth));
    }

    fn samples(&mut self, klv: &KlvRef<'_>, layout: &Layout, divisors: Option<&[f64]>) {
        let count = usize::from(klv.repeat);
        let mut samples = klv
            .data()
            .chunks_exact(layout.size().max(1))
            .map(|s| format_sample(layout, s, divisors));
        if count == 1 {
            let _ = writeln!(self.out, " {}", samples.next().unwrap_or_default());
            return;
        }
        if layout.elements() == 1 {
            let shown = if self.options.all {
                count
            } else {
                SHOWN_INLINE
            };
            let values: Vec<String> = samples.take(shown).collect();
            let _ = write!(self.out, " [{}", values.join(", "));
            if count > values.len() {
                let _ = write!(self.out, ", … {} more", count - values.len());
            }
            self.out.push_str("]\n");
            return;
        }
        let _ = writeln!(self.out, " {count} samples:");
        let shown = if self.options.all {
            count
        } else {
            SHOWN_SAMPLES
        };
        for sample in samples.take(shown) {
            self.indent(klv.depth + 1);
            let _ = writeln!(self.out, "{sample}");
        }
        if count > shown {
            self.indent(klv.depth + 1);
            let _ = writeln!(
                self.out,
                "… {} more samples (--all prints every one)",
                count - shown
            );
        }
    }
}

impl<'a> Visitor<'a> for Printer<'_> {
    fn enter(&mut self, nest: &KlvRef<'a>) {
        self.indent(nest.depth);
        let _ = writeln!(self.out, "{} nest {} bytes", nest.key, nest.data().len());
    }

    fn data(&mut self, klv: &KlvRef<'a>, properties: &Properties) -> Result<(), Error> {
        self.indent(klv.depth);
        let _ = write!(
            self.out,
            "{} {} {}x{}",
            klv.key,
            char::from(klv.type_char()),
            klv.struct_size,
            klv.repeat
        );
        if klv.repeat == 0 {
            self.out.push_str(" (no samples)\n");
            return Ok(());
        }
        match klv.value_type() {
            Some(ValueType::Char) => {
                let _ = writeln!(self.out, " {}", format_text(klv));
                return Ok(());
            }
            Some(ValueType::Complex) if properties.complex.is_none() => {
                let data = klv.data();
                let shown = if self.options.all {
                    data.len()
                } else {
                    SHOWN_BYTES
                };
                let _ = write!(
                    self.out,
                    " (no TYPE) {}",
                    hex(data.get(..shown).unwrap_or(data))
                );
                if data.len() > shown {
                    let _ = write!(self.out, " … {} more bytes", data.len() - shown);
                }
                self.out.push('\n');
                return Ok(());
            }
            _ => {}
        }
        let layout = Layout::of(klv, properties.complex.as_ref())?;
        let divisors = properties.divisors(klv)?;
        if !is_metadata_key(klv.key) {
            let units = properties.units();
            if !units.is_empty() {
                let _ = write!(self.out, " [{}]", units.join(", "));
            }
        }
        self.samples(klv, &layout, divisors.as_deref());
        Ok(())
    }

    fn filler(&mut self, depth: usize, words: usize) {
        self.indent(depth);
        let _ = writeln!(self.out, "(zero padding, {} bytes)", words * 4);
    }
}

/// `c` data: one quoted string, or a list when each sample is its own string (UNIT).
fn format_text(klv: &KlvRef<'_>) -> String {
    match (klv.struct_size, klv.repeat) {
        (1, _) | (_, 1) => format!("{:?}", decode_text(klv.data())),
        (size, _) => {
            let strings: Vec<String> = klv
                .data()
                .chunks_exact(usize::from(size))
                .map(|s| format!("{:?}", decode_text(s)))
                .collect();
            format!("[{}]", strings.join(", "))
        }
    }
}

fn format_sample(layout: &Layout, sample: &[u8], divisors: Option<&[f64]>) -> String {
    let values: Vec<String> = layout
        .fields()
        .iter()
        .zip(layout.decode(sample))
        .enumerate()
        .map(|(i, (&(_, ty), value))| {
            let divisor = divisors.and_then(|d| d.get(i)).copied();
            format_scalar(ty, value, divisor)
        })
        .collect();
    values.join(", ")
}

fn format_scalar(ty: ValueType, value: Scalar, divisor: Option<f64>) -> String {
    match (value, divisor) {
        (Scalar::Char(c), _) => format!("{:?}", char::from(c)),
        (Scalar::FourCC(code), _) => code.to_string(),
        (Scalar::Guid(bytes), _) => hex(&bytes),
        (Scalar::Utc(text), _) => match parse_utc(&text).map(|t| t.format(&Rfc3339)) {
            Ok(Ok(time)) => format!("{:?} ({time})", decode_text(&text)),
            _ => format!("{:?} (not a valid time)", decode_text(&text)),
        },
        (number, Some(divisor)) => {
            let scaled = number.as_f64().unwrap_or(f64::NAN) / divisor;
            format!("{scaled:.*}", decimals(divisor))
        }
        (Scalar::Int(v), None) => v.to_string(),
        (Scalar::UInt(v), None) => v.to_string(),
        // Shortest text that reads back as the stored f32, not the f64 it widened to.
        (Scalar::Float(v), None) if ty == ValueType::F32 => (v as f32).to_string(),
        (Scalar::Float(v), None) => v.to_string(),
    }
}

/// Enough decimals to show every digit a divisor can produce: 3 for 418 or 1000, 7 for 10^7.
fn decimals(divisor: f64) -> usize {
    let digits = divisor.abs().log10().ceil();
    if digits.is_finite() && digits > 0.0 {
        (digits as usize).min(12)
    } else {
        0
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_divisor() {
        assert_eq!(decimals(10_000_000.0), 7);
        assert_eq!(decimals(1000.0), 3);
        assert_eq!(decimals(418.0), 3);
        assert_eq!(decimals(100.0), 2);
        assert_eq!(decimals(1.0), 0);
        assert_eq!(decimals(0.5), 0);
    }

    #[test]
    fn scalars_format_by_type() {
        assert_eq!(
            format_scalar(ValueType::I32, Scalar::Int(424_261_529), Some(1e7)),
            "42.4261529"
        );
        assert_eq!(
            format_scalar(ValueType::I32, Scalar::Int(-86_499_795), Some(1e7)),
            "-8.6499795"
        );
        assert_eq!(
            format_scalar(ValueType::U32, Scalar::UInt(1), Some(100.0)),
            "0.01"
        );
        assert_eq!(format_scalar(ValueType::I8, Scalar::Int(-7), None), "-7");
        assert_eq!(
            format_scalar(ValueType::F32, Scalar::Float(1.414_364_695_549_011_2), None),
            "1.4143647"
        );
        assert_eq!(
            format_scalar(ValueType::F64, Scalar::Float(0.1), None),
            "0.1"
        );
        assert_eq!(
            format_scalar(ValueType::Char, Scalar::Char(b'U'), None),
            "'U'"
        );
        assert_eq!(
            format_scalar(
                ValueType::FourCC,
                Scalar::FourCC(crate::FourCC::new(b"MANL")),
                Some(1.0)
            ),
            "MANL"
        );
        assert_eq!(
            format_scalar(ValueType::Utc, Scalar::Utc(*b"191118234514.000"), None),
            "\"191118234514.000\" (2019-11-18T23:45:14Z)"
        );
    }
}
