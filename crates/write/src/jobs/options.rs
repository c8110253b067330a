//! How a job writes its telemetry tracks: the options of `telemux inject` and `convert` as one
//! value, checked before any file is touched.

use std::ops::RangeInclusive;

use telemux_read::track::jumps::DEFAULT_MAX_SPEED;
use telemux_read::track::resample::DEFAULT_MAX_GAP;

use crate::mp4::spherical::Spherical;
use crate::mp4::MoovPlacement;
use crate::telemetry_track::DEFAULT_DOP;

use super::align::Anchor;

/// What an inject or convert job writes, and how the track is lined up with the video.
/// Start from `InjectOptions::default()` (what `telemux inject` does without flags) and set
/// the fields to change.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InjectOptions {
    /// GPS samples per second written (0.1 to 1000). Default 10.
    pub rate: f64,
    /// Longest gap between GPS points that is interpolated, seconds. Default
    /// [`DEFAULT_MAX_GAP`] (30).
    pub max_gap: f64,
    /// A GPX point reached faster than this from the last good point is a spike, dropped
    /// before resampling (`track::jumps`), m/s. Default [`DEFAULT_MAX_SPEED`] (150).
    pub max_speed: f64,
    /// Keep every GPX point: no (0, 0) points or spikes dropped.
    pub keep_outliers: bool,
    /// DOP written for points whose track gives none (0.01 to 99.98); a track's own DOP is
    /// always kept. Default [`DEFAULT_DOP`].
    pub dop: f64,
    /// Also write GPS9 (per-sample time, as HERO11 and later cameras do).
    pub gps9: bool,
    /// Device name written in the telemetry (DVNM), where Mapillary reads the camera model;
    /// `None`: `model`, else "telemux".
    pub device_name: Option<String>,
    /// Camera make, written as udta ©mak.
    pub make: Option<String>,
    /// Camera model, written as udta ©mod and, unless `device_name` is given, as DVNM.
    pub model: Option<String>,
    /// Camera firmware version, written as udta FIRM (as GoPro cameras write it).
    pub firmware: Option<String>,
    /// Also write udta manu/modl from `make` and `model`, as Street View's video spec asks.
    pub street_view: bool,
    /// Where the moov goes in a copy; ignored in place (the moov is appended).
    pub moov: MoovPlacement,
    /// Replace the GPS of an existing GPMF track (and remove any other) instead of refusing.
    pub replace: bool,
    /// What the video's start is lined up with.
    pub anchor: Anchor,
    /// Seconds added to the video's start (negative moves it earlier).
    pub offset: f64,
    /// Which telemetry tracks are written. Default [`TrackFormats::Gpmf`].
    pub format: TrackFormats,
    /// Spherical Video metadata (V1 and V2) written into the first video track, replacing
    /// any it has (`--spherical`).
    pub spherical: Option<Spherical>,
}

/// Which telemetry tracks a job writes (`--format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrackFormats {
    /// A GoPro GPMF track, as GoPro cameras write it.
    #[default]
    Gpmf,
    /// A CAMM track (Google's Camera Motion Metadata), as Street View reads it.
    Camm,
    /// Both, as two tracks written in one rewrite (GPMF first).
    Both,
}

impl TrackFormats {
    /// Whether a GPMF track is written.
    pub fn gpmf(self) -> bool {
        matches!(self, TrackFormats::Gpmf | TrackFormats::Both)
    }

    /// Whether a CAMM track is written.
    pub fn camm(self) -> bool {
        matches!(self, TrackFormats::Camm | TrackFormats::Both)
    }
}

impl Default for InjectOptions {
    fn default() -> InjectOptions {
        InjectOptions {
            rate: 10.0,
            max_gap: DEFAULT_MAX_GAP,
            max_speed: DEFAULT_MAX_SPEED,
            keep_outliers: false,
            dop: DEFAULT_DOP,
            gps9: false,
            device_name: None,
            make: None,
            model: None,
            firmware: None,
            street_view: false,
            moov: MoovPlacement::Keep,
            replace: false,
            anchor: Anchor::default(),
            offset: 0.0,
            format: TrackFormats::Gpmf,
            spherical: None,
        }
    }
}

/// The rates a track can be written at, Hz.
pub const RATE_RANGE: RangeInclusive<f64> = 0.1..=1000.0;
/// The DOP range GPSP and GPS9 can store: DOP × 100 in 16 bits, where 9999 means "unknown".
pub const DOP_RANGE: RangeInclusive<f64> = 0.01..=99.98;
/// The longest name written: one GPMF string sample (DVNM) holds 255 bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// Which name option an [`OptionError::Name`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameField {
    /// The `device_name` field of [`InjectOptions`].
    DeviceName,
    /// [`InjectOptions::make`].
    Make,
    /// [`InjectOptions::model`].
    Model,
    /// [`InjectOptions::firmware`].
    Firmware,
}

/// An option value that cannot make a track.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// `rate` outside [`RATE_RANGE`].
    #[error("a rate of {0} Hz: it must be between 0.1 and 1000 Hz")]
    Rate(f64),
    /// `max_gap` negative or no number.
    #[error("a longest gap of {0} s: it must be a positive number of seconds")]
    MaxGap(f64),
    /// `max_speed` not a positive number.
    #[error("a speed limit of {0} m/s: it must be a positive number")]
    MaxSpeed(f64),
    /// `dop` outside [`DOP_RANGE`].
    #[error(
        "a DOP of {0}: it must be between 0.01 and 99.98 (GPMF stores DOP × 100 in 16 bits; \
         99.99 means unknown)"
    )]
    Dop(f64),
    /// A name readers would misread: empty, with control characters (ExifTool stops at a NUL
    /// in `manu`/`modl`/`FIRM`, and ffmpeg takes two low leading bytes for a length), or
    /// longer than [`MAX_NAME_BYTES`].
    #[error("{text:?}: give 1 to {MAX_NAME_BYTES} bytes of text without control characters")]
    Name {
        /// Which option.
        field: NameField,
        /// The name given.
        text: String,
    },
    /// `street_view` without both `make` and `model`.
    #[error("Street View's manu/modl need both a make and a model")]
    StreetViewNeedsMakeAndModel,
}

impl InjectOptions {
    /// Refuses values that cannot make a track, before any file is touched.
    pub fn check(&self) -> Result<(), OptionError> {
        if !RATE_RANGE.contains(&self.rate) {
            return Err(OptionError::Rate(self.rate));
        }
        if self.max_gap.is_nan() || self.max_gap < 0.0 {
            return Err(OptionError::MaxGap(self.max_gap));
        }
        if !(self.max_speed > 0.0 && self.max_speed.is_finite()) {
            return Err(OptionError::MaxSpeed(self.max_speed));
        }
        if !DOP_RANGE.contains(&self.dop) {
            return Err(OptionError::Dop(self.dop));
        }
        let names = [
            (NameField::DeviceName, &self.device_name),
            (NameField::Make, &self.make),
            (NameField::Model, &self.model),
            (NameField::Firmware, &self.firmware),
        ];
        for (field, value) in names {
            if let Some(text) = value {
                if text.is_empty()
                    || text.chars().any(char::is_control)
                    || text.len() > MAX_NAME_BYTES
                {
                    return Err(OptionError::Name {
                        field,
                        text: text.clone(),
                    });
                }
            }
        }
        if self.street_view && (self.make.is_none() || self.model.is_none()) {
            return Err(OptionError::StreetViewNeedsMakeAndModel);
        }
        Ok(())
    }

    /// DVNM: readers take the camera model from it, so the model unless a name is given.
    pub(crate) fn device_name(&self) -> String {
        self.device_name
            .clone()
            .or_else(|| self.model.clone())
            .unwrap_or_else(|| "telemux".to_owned())
    }

    /// The moov/udta text items to set.
    pub(crate) fn user_data(&self) -> Vec<([u8; 4], String)> {
        let mut items = Vec::new();
        if let Some(make) = &self.make {
            items.push((*b"\xa9mak", make.clone()));
            if self.street_view {
                items.push((*b"manu", make.clone()));
            }
        }
        if let Some(model) = &self.model {
            items.push((*b"\xa9mod", model.clone()));
            if self.street_view {
                items.push((*b"modl", model.clone()));
            }
        }
        if let Some(firmware) = &self.firmware {
            items.push((*b"FIRM", firmware.clone()));
        }
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_make_no_track_are_refused() {
        let with = |change: fn(&mut InjectOptions)| {
            let mut options = InjectOptions::default();
            change(&mut options);
            options.check()
        };
        assert_eq!(with(|_| {}), Ok(()));
        assert_eq!(with(|o| o.rate = 0.05), Err(OptionError::Rate(0.05)));
        assert_eq!(with(|o| o.rate = 1000.5), Err(OptionError::Rate(1000.5)));
        assert_eq!(with(|o| o.max_gap = -1.0), Err(OptionError::MaxGap(-1.0)));
        assert_eq!(with(|o| o.dop = 99.99), Err(OptionError::Dop(99.99)));
        assert_eq!(with(|o| o.dop = 0.01), Ok(()));
        assert_eq!(
            with(|o| o.model = Some("a\0b".into())),
            Err(OptionError::Name {
                field: NameField::Model,
                text: "a\0b".into()
            })
        );
        assert_eq!(
            with(|o| o.firmware = Some("x".repeat(256))),
            Err(OptionError::Name {
                field: NameField::Firmware,
                text: "x".repeat(256)
            })
        );
        assert_eq!(with(|o| o.device_name = Some("é".repeat(127))), Ok(()));
        assert_eq!(
            with(|o| {
                o.street_view = true;
                o.make = Some("GoPro".into());
            }),
            Err(OptionError::StreetViewNeedsMakeAndModel)
        );
    }

    #[test]
    fn street_view_adds_manu_and_modl() {
        let options = InjectOptions {
            make: Some("GoPro".into()),
            model: Some("HERO7 Black".into()),
            firmware: Some("HD7.01".into()),
            street_view: true,
            ..Default::default()
        };
        let keys: Vec<[u8; 4]> = options.user_data().iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [*b"\xa9mak", *b"manu", *b"\xa9mod", *b"modl", *b"FIRM"]
        );
        assert_eq!(options.device_name(), "HERO7 Black");
        assert_eq!(InjectOptions::default().device_name(), "telemux");
    }
}
