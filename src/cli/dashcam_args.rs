//! The dashcam options `extract` and `convert` share.

use telemux_read::novatek::DecodeOptions;
use telemux_read::source::Options;
use time::UtcOffset;

use super::sync::parse_utc_offset;

#[derive(Debug, clap::Args)]
pub struct DashcamArgs {
    /// Dashcams whose GPS clock is local time: its UTC offset (e.g. +09:00)
    #[arg(long, value_parser = parse_utc_offset, allow_hyphen_values = true)]
    pub gps_tz: Option<UtcOffset>,

    /// Undo Rexing V1-4K coordinate obfuscation (automatic when the file says frea/ver
    /// 3.01.054)
    #[arg(long)]
    pub rexing: bool,

    /// Ignore a dashcam's moov/gps index and scan the whole mdat for GPS blocks
    #[arg(long)]
    pub scan: bool,

    /// Print a line per dashcam GPS block
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

impl DashcamArgs {
    /// Source options for these flags; `sensors` and `unfixed_gps` are the command's choice.
    pub fn options(&self, sensors: bool, unfixed_gps: bool) -> Options {
        let mut novatek = DecodeOptions::default();
        novatek.gps_tz = self.gps_tz.unwrap_or(UtcOffset::UTC);
        novatek.rexing_deobfuscate = self.rexing;
        let mut options = Options::default();
        options.sensors = sensors;
        options.unfixed_gps = unfixed_gps;
        options.novatek = novatek;
        options.force_scan = self.scan;
        options.details = self.verbose;
        options
    }
}
