//! Value parsers shared by every numeric flag, so that `--max-speed=-5`, `--max-dop NaN` or
//! `--rate 0` are refused by clap (exit 2, naming the flag) before any file is opened.

use std::ops::RangeInclusive;

/// A number that is finite and inside `range` (`min` may be excluded: a speed or a gap of 0
/// is as meaningless as a negative one).
#[derive(Debug, Clone, Copy)]
pub struct Number {
    min: f64,
    min_excluded: bool,
    max: f64,
    unit: &'static str,
}

impl Number {
    /// Any finite number (`--offset`): NaN and infinities would make every time NaN.
    pub const fn finite(unit: &'static str) -> Number {
        Number {
            min: f64::NEG_INFINITY,
            min_excluded: false,
            max: f64::INFINITY,
            unit,
        }
    }

    /// A finite number above 0.
    pub const fn positive(unit: &'static str) -> Number {
        Number {
            min: 0.0,
            min_excluded: true,
            max: f64::INFINITY,
            unit,
        }
    }

    /// A number within `range`, both ends included.
    pub fn within(range: RangeInclusive<f64>, unit: &'static str) -> Number {
        Number {
            min: *range.start(),
            min_excluded: false,
            max: *range.end(),
            unit,
        }
    }

    fn check(self, text: &str) -> Result<f64, String> {
        let value = text.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let above_min = |v: f64| {
            if self.min_excluded {
                v > self.min
            } else {
                v >= self.min
            }
        };
        match value {
            Some(v) if above_min(v) && v <= self.max => Ok(v),
            _ => Err(self.expected()),
        }
    }

    fn expected(self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.unit)
        };
        match (self.min.is_finite(), self.max.is_finite()) {
            (false, _) => format!("give a finite number{unit}"),
            (true, false) if self.min_excluded => {
                format!("give a number above {}{unit}", self.min)
            }
            (true, false) => format!("give a number of at least {}{unit}", self.min),
            (true, true) => format!("give a number from {} to {}{unit}", self.min, self.max),
        }
    }
}

impl clap::builder::TypedValueParser for Number {
    type Value = f64;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<f64, clap::Error> {
        let text = value.to_string_lossy();
        self.check(&text).map_err(|why| {
            let flag = arg.map_or_else(|| "the value".to_owned(), |a| format!("--{}", a.get_id()));
            let flag = flag.replace('_', "-");
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value '{text}' for {flag}: {why}\n"),
            )
            .with_cmd(cmd)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_no_flag_means() {
        let speed = Number::positive("m/s");
        assert_eq!(speed.check("12.5"), Ok(12.5));
        assert_eq!(speed.check("-5"), Err("give a number above 0 (m/s)".into()));
        assert_eq!(speed.check("0"), Err("give a number above 0 (m/s)".into()));
        assert_eq!(
            speed.check("NaN"),
            Err("give a number above 0 (m/s)".into())
        );
        assert_eq!(
            speed.check("inf"),
            Err("give a number above 0 (m/s)".into())
        );
        let rate = Number::within(0.1..=1000.0, "Hz");
        assert_eq!(rate.check("0.1"), Ok(0.1));
        assert_eq!(rate.check("1000"), Ok(1000.0));
        assert_eq!(
            rate.check("0"),
            Err("give a number from 0.1 to 1000 (Hz)".into())
        );
        let offset = Number::finite("seconds");
        assert_eq!(offset.check("-2.5"), Ok(-2.5));
        assert_eq!(
            offset.check("nan"),
            Err("give a finite number (seconds)".into())
        );
    }
}
