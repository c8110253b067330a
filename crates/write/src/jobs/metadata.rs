//! The metadata job: a video's moov metadata set without a telemetry track (`telemux inject
//! --spherical` without `--gpx`): Spherical Video metadata, camera make, model and firmware.
//! A user who stitched a 360 video gets back what the stitcher dropped.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

use telemux_read::source::open_mp4;

use crate::file_lock::{lock, LockMode};
use crate::mp4::in_place::remove_unfinished;
use crate::mp4::{prepare_metadata, Prepared, RewriteOptions, Target};

use super::error::{Failure, JobError};
use super::inject::{finish, Progress};
use super::options::InjectOptions;
use super::report::Report;

/// Writes `options`' metadata (`spherical`, `make`, `model`, `firmware`, and with
/// `street_view` `manu`/`modl`) into a copy of the video `input` in `output`; no track is
/// added and the creation times are kept (there is no GPS to set them from).
pub fn set_metadata<R, W>(
    input: &mut R,
    output: &mut W,
    options: &InjectOptions,
    progress: &mut dyn Progress,
) -> Result<Report, Failure>
where
    R: Read + Seek,
    W: Write + Seek,
{
    let mut report = Report::default();
    let result = (|| {
        options.check()?;
        let prepared = prepared(input, options, Target::Copy(options.moov), &mut report)?;
        progress.writing(&report, prepared.output_size());
        prepared
            .write_copy(input, output, &mut |n| progress.copied(n))
            .map_err(JobError::Write)
    })();
    finish(result, report)
}

/// [`set_metadata`] into the video file itself, as [`super::inject_in_place`] writes.
pub fn set_metadata_in_place(
    file: &mut File,
    path: &Path,
    options: &InjectOptions,
    progress: &mut dyn Progress,
) -> Result<Report, Failure> {
    let mut report = Report::default();
    let result = (|| {
        options.check()?;
        lock(file, path, LockMode::Exclusive)?;
        report.removed_unfinished = remove_unfinished(file).map_err(JobError::Unfinished)?;
        let prepared = prepared(file, options, Target::InPlace, &mut report)?;
        progress.writing(&report, prepared.output_size());
        prepared.write_in_place(file).map_err(JobError::Write)
    })();
    finish(result, report)
}

fn prepared<R: Read + Seek>(
    input: &mut R,
    options: &InjectOptions,
    target: Target,
    report: &mut Report,
) -> Result<Prepared, JobError> {
    let mp4 = open_mp4(input)?;
    let rewrite = RewriteOptions {
        target,
        user_data: options.user_data(),
        spherical: options.spherical,
        ..RewriteOptions::default()
    };
    let prepared = prepare_metadata(&mp4, &rewrite)?;
    report.spherical.clone_from(&prepared.spherical);
    Ok(prepared)
}
