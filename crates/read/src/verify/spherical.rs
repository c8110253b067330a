//! 360° video: the Spherical Video metadata of the first video track (container check
//! `spherical`), and with `--street-view` what Google asks of a 360 video that can be read from
//! the file: spherical metadata, equirectangular, V1 and V2 agreeing (`sv_spherical`), "≥4K"
//! (`sv_resolution`, with the 2:1 panorama's aspect) and "≥5FPS" (`sv_frame_rate`), the
//! numbers of the "Street View ready" specifications (docs/verify.md).

use crate::mp4::spherical::{self, Stereo, TrackSpherical};
use crate::mp4::{Moov, Mp4Error, Track};

use super::report::{Check, Section, Status};

/// Street View ready's "≥4K": 3840 pixels wide (UHD), the narrowest frame called 4K.
const MIN_WIDTH: u16 = 3840;
/// Street View ready's "≥5FPS".
const MIN_FPS: f64 = 5.0;
/// How far from the panorama's aspect a frame may be (rounding of odd sizes).
const ASPECT_TOLERANCE: f64 = 0.01;

/// The first video track and its spherical metadata.
pub struct Video<'a, 't> {
    track: &'t Track<'a>,
    spherical: Result<TrackSpherical, Mp4Error>,
}

impl<'a, 't> Video<'a, 't> {
    /// The first track with a `vide` handler, the one `--spherical` marks.
    pub fn find(moov: &Moov, tracks: &'t [Result<Track<'a>, Mp4Error>]) -> Option<Self> {
        let track = tracks
            .iter()
            .filter_map(|t| t.as_ref().ok())
            .find(|t| t.hdlr.subtype.as_bytes() == b"vide")?;
        Some(Video {
            track,
            spherical: spherical::read(moov, track),
        })
    }
}

/// What one version of the metadata says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Says {
    projection: String,
    stereo: String,
}

impl std::fmt::Display for Says {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.projection, self.stereo)
    }
}

/// The V1 XML's projection and stereo mode (no `StereoMode` is mono), and whether it says
/// `Spherical` true.
fn v1_says(found: &TrackSpherical) -> Option<(Says, bool)> {
    let xml = found.v1.as_ref()?;
    let says = Says {
        projection: xml
            .projection
            .as_deref()
            .unwrap_or("no ProjectionType")
            .to_lowercase(),
        stereo: xml.stereo.as_deref().unwrap_or("mono").to_lowercase(),
    };
    Some((says, xml.spherical.as_deref() == Some("true")))
}

/// The first sample entry's V2 projection and stereo mode (no `st3d` is mono).
fn v2_says(found: &TrackSpherical) -> Option<Says> {
    let boxes = found.v2.first()?;
    let projection = match (&boxes.projection, boxes.has_sv3d) {
        (Some(p), _) => p.name().to_owned(),
        (None, true) => "an unknown projection".to_owned(),
        (None, false) => "no sv3d".to_owned(),
    };
    let stereo = match boxes.stereo {
        None => "mono".to_owned(),
        Some(code) => Stereo::from_code(code)
            .map_or_else(|| format!("stereo mode {code}"), |s| s.name().to_owned()),
    };
    Some(Says { projection, stereo })
}

/// What the track's metadata says, or why it is wrong: `Ok(None)` without any.
fn agreed(video: &Video<'_, '_>) -> Result<Option<(Says, &'static str)>, String> {
    let found = video.spherical.as_ref().map_err(ToString::to_string)?;
    let path = &video.track.node.path;
    match (v1_says(found), v2_says(found)) {
        (None, None) => Ok(None),
        (Some((_, false)), _) => Err(format!(
            "{path}: the V1 XML does not say GSpherical:Spherical true"
        )),
        (Some((v1, true)), Some(v2)) if v1 != v2 => Err(format!(
            "{path}: V1 says {v1} but V2 says {v2}; players read one or the other"
        )),
        (Some((says, true)), Some(_)) => Ok(Some((says, "V1 and V2"))),
        (Some((says, true)), None) => Ok(Some((says, "V1 only"))),
        (None, Some(says)) => Ok(Some((says, "V2 only"))),
    }
}

/// Container check `spherical`: what the first video track's metadata says.
pub fn check(video: Option<&Video<'_, '_>>) -> Check {
    const ID: &str = "spherical";
    let section = Section::Container;
    let Some(video) = video else {
        return Check::new(ID, section, Status::Skip, "no video track");
    };
    match agreed(video) {
        // Nothing to disagree: an ordinary video (Street View's own check warns).
        Ok(None) => Check::new(
            ID,
            section,
            Status::Pass,
            "no spherical (360°) metadata: not marked as a 360 video",
        )
        .with_value("none"),
        Ok(Some((says, versions))) => Check::new(
            ID,
            section,
            Status::Pass,
            format!(
                "video track {}: {says} ({versions})",
                video.track.tkhd.track_id
            ),
        )
        .with_value(says.to_string()),
        Err(message) => Check::new(ID, section, Status::Warn, message),
    }
}

/// The `--street-view` checks of a 360 video.
pub fn street_view(video: Option<&Video<'_, '_>>) -> Vec<Check> {
    let Some(video) = video else {
        return ["sv_spherical", "sv_resolution", "sv_frame_rate"]
            .map(|id| Check::new(id, Section::StreetView, Status::Skip, "no video track"))
            .into();
    };
    let agreed = agreed(video);
    let stereo = match &agreed {
        Ok(Some((says, _))) if says.projection == "equirectangular" => {
            Stereo::from_name(&says.stereo)
        }
        _ => None,
    };
    vec![
        sv_spherical(agreed),
        resolution(video.track, stereo),
        frame_rate(video.track),
    ]
}

fn sv_spherical(agreed: Result<Option<(Says, &'static str)>, String>) -> Check {
    const ID: &str = "sv_spherical";
    let section = Section::StreetView;
    match agreed {
        Ok(None) => Check::new(
            ID,
            section,
            Status::Warn,
            "no spherical metadata: Street View publishes 360° video (a stitched \
             equirectangular video gets it with telemux inject --spherical)",
        ),
        Ok(Some((says, _))) if says.projection != "equirectangular" => Check::new(
            ID,
            section,
            Status::Fail,
            format!(
                "the projection is {}; Street View takes equirectangular video",
                says.projection
            ),
        )
        .with_value(says.projection),
        Ok(Some((says, versions))) => Check::new(
            ID,
            section,
            Status::Pass,
            format!("360° {says} ({versions})"),
        )
        .with_value(says.to_string()),
        Err(message) => Check::new(ID, section, Status::Fail, message),
    }
}

fn resolution(track: &Track<'_>, stereo: Option<Stereo>) -> Check {
    const ID: &str = "sv_resolution";
    let section = Section::StreetView;
    let Some((width, height)) = track.stsd.entries.first().and_then(|e| e.visual_size()) else {
        return Check::new(
            ID,
            section,
            Status::Skip,
            "the video's sample entry has no size",
        );
    };
    let size = format!("{width}×{height}");
    let mut problems = Vec::new();
    if width < MIN_WIDTH {
        problems.push(format!(
            "Street View ready asks for 4K ({MIN_WIDTH} pixels wide) or more"
        ));
    }
    if let (Some(stereo), true) = (stereo, height > 0) {
        let aspect = f64::from(width) / f64::from(height);
        let wanted = stereo.equirectangular_aspect();
        if (aspect / wanted - 1.0).abs() > ASPECT_TOLERANCE {
            problems.push(format!(
                "an equirectangular {} frame is {wanted}:1, this one {aspect:.3}:1",
                stereo.name()
            ));
        }
    }
    let status = Status::Warn.when(!problems.is_empty());
    let message = if problems.is_empty() {
        size.clone()
    } else {
        format!("{size}: {}", problems.join("; "))
    };
    Check::new(ID, section, status, message).with_value(size)
}

fn frame_rate(track: &Track<'_>) -> Check {
    const ID: &str = "sv_frame_rate";
    let section = Section::StreetView;
    let seconds = track.media_seconds();
    if seconds <= 0.0 {
        return Check::new(ID, section, Status::Skip, "the video track has no duration");
    }
    let fps = f64::from(track.sample_count()) / seconds;
    let status = Status::Warn.when(fps < MIN_FPS);
    let verdict = if status == Status::Warn {
        format!("; Street View ready asks for {MIN_FPS} or more")
    } else {
        String::new()
    };
    Check::new(
        ID,
        section,
        status,
        format!("{fps:.2} frames per second{verdict}"),
    )
    .with_value(fps)
}
