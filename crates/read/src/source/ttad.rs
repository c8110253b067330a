//! TomTom Bandit: the `moov/udta/TTMD/TTAD` box (a Bandit file has no GPMF track), read by
//! `crate::ttad`.

use super::registry::{Format, Reach, ReadSeek};
use super::{FileTelemetry, Found, Observer, Options, Origin, SourceError};
use crate::mp4::Mp4;
use crate::ttad::{self, TtadError};

/// A TomTom Bandit's TTAD box.
pub(super) static FORMAT: Format = Format {
    name: "TomTom TTAD",
    looked_for: &["a TomTom Bandit moov/udta/TTMD/TTAD box"],
    gpmf: false,
    extensions: &["mp4", "mov"],
    reach: Reach::Mp4(read),
};

/// The TTAD box, or `None` without one. Damage is reported as warnings next to what could be
/// decoded; a payload yielding nothing is an error.
fn read(
    mp4: &Mp4,
    _reader: &mut dyn ReadSeek,
    options: &Options,
    _observer: &mut Observer<'_>,
) -> Option<Found> {
    let atom = match ttad::find(mp4) {
        Ok(atom) => atom?,
        Err(error) => {
            return Some(Found {
                format: &FORMAT,
                location: "moov/udta/TTMD".to_string(),
                extent: String::new(),
                telemetry: Err(error.into()),
            })
        }
    };
    Some(Found {
        format: &FORMAT,
        location: "moov/udta/TTMD/TTAD".to_string(),
        extent: format!("{} bytes", atom.payload.len()),
        telemetry: decode(atom.payload, options),
    })
}

fn decode(payload: &[u8], options: &Options) -> Result<FileTelemetry, SourceError> {
    let decode_options = ttad::DecodeOptions {
        include_unfixed_gps: options.unfixed_gps,
    };
    let mut decoded = ttad::decode(payload, &decode_options)?;
    let warnings = ttad::damage(&decoded.summary, payload.len());
    let nothing = decoded.telemetry.gps.is_empty()
        && decoded
            .telemetry
            .sensors
            .iter()
            .all(|s| s.samples.is_empty());
    if nothing {
        let damage = match warnings.is_empty() {
            true => ttad::summary_line(&decoded),
            false => warnings.join("; "),
        };
        return Err(TtadError::NothingDecoded { damage }.into());
    }
    let summary = ttad::summary_line(&decoded);
    // Bandit records carry their own timestamps: keeping them costs nothing more.
    if !(options.sensors || options.timestamped_sensors) {
        decoded.telemetry.sensors.clear();
    }
    Ok(FileTelemetry {
        telemetry: decoded.telemetry,
        origin: Origin::Ttad,
        summary,
        warnings,
        details: Vec::new(),
        cut: None,
        camm: None,
    })
}
