//! Which files a command reads: the files it was given, and the files inside the folders it
//! was given (searched down through their subfolders, as a camera's SD card holds them in
//! `DCIM/100GOPRO/`) whose name ending is one a format of the registry reads. Each file is
//! read once however often it is named, and a GoPro `.LRV` proxy only when its video is not
//! there (it carries the same telemetry).

use std::collections::HashSet;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use super::registry::FORMATS;

/// How folders are expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expansion {
    /// How many folder levels below a given folder are searched (1: its direct subfolders).
    pub max_depth: usize,
}

impl Default for Expansion {
    /// Deep enough for a card's root (`DCIM/100GOPRO/` is 2 levels) or a folder of cards.
    fn default() -> Self {
        Expansion { max_depth: 8 }
    }
}

/// A folder that cannot be listed, or holds no input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputsError {
    /// Listing the folder failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// Why it could not be listed.
        source: std::io::Error,
    },
    /// The folder holds no file with an input extension.
    #[error(
        "{}: no video files ({}) in this folder or its subfolders",
        path.display(),
        listed_extensions()
    )]
    Empty {
        /// The folder.
        path: PathBuf,
    },
}

/// The files to read, and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expanded {
    /// Each file once: the files given, in their order, each folder replaced by its inputs
    /// (folder by folder, by name; GoPro clips in recording order).
    pub files: Vec<PathBuf>,
    /// What was not read, and why.
    pub skipped: Skipped,
}

/// What a folder expansion left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// `.LRV` proxies whose video is read (the same telemetry at a lower resolution).
    pub proxies: Vec<PathBuf>,
    /// `.THM` thumbnails (a JPEG image, no telemetry).
    pub thumbnails: usize,
    /// Files named again (or reached again through a folder or a link): read once.
    pub repeated: Vec<PathBuf>,
    /// Hidden files and folders (a name starting with `.`, such as the `._GX010001.MP4`
    /// resource forks macOS writes to a card).
    pub hidden: usize,
    /// Folders below the depth searched.
    pub too_deep: Vec<PathBuf>,
}

impl Skipped {
    /// Whether nothing was left out.
    pub fn is_empty(&self) -> bool {
        *self == Skipped::default()
    }
}

/// One short line: how many of each, and why.
impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if !self.proxies.is_empty() {
            let n = self.proxies.len();
            parts.push(format!(
                "{n} .LRV prox{} (their videos are read)",
                if n == 1 { "y" } else { "ies" }
            ));
        }
        if self.thumbnails > 0 {
            let n = self.thumbnails;
            parts.push(format!("{n} .THM thumbnail{}", plural(n)));
        }
        if let Some(first) = self.repeated.first() {
            let n = self.repeated.len();
            parts.push(format!(
                "{n} file{} given twice (read once; {}{})",
                plural(n),
                first.display(),
                if n > 1 { ", …" } else { "" }
            ));
        }
        if self.hidden > 0 {
            let n = self.hidden;
            parts.push(format!(
                "{n} hidden file{} or folder{}",
                plural(n),
                plural(n)
            ));
        }
        if let Some(first) = self.too_deep.first() {
            let n = self.too_deep.len();
            parts.push(format!(
                "{n} folder{} too deep to search ({}{})",
                plural(n),
                first.display(),
                if n > 1 { ", …" } else { "" }
            ));
        }
        write!(f, "skipped {}", parts.join(", "))
    }
}

/// The lower-case file name endings of inputs, from the registry, each once, in its order.
pub fn input_extensions() -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    for extension in FORMATS.iter().flat_map(|f| f.extensions.iter().copied()) {
        if !found.contains(&extension) {
            found.push(extension);
        }
    }
    found
}

fn listed_extensions() -> String {
    input_extensions()
        .iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The inputs as given, each folder replaced by the inputs inside it and its subfolders; each
/// file once; `.LRV` proxies left out when their video is among the files. A folder without
/// any input is an error: the user meant something else.
pub fn expand(inputs: &[PathBuf], how: &Expansion) -> Result<Expanded, InputsError> {
    let mut skipped = Skipped::default();
    let mut listed = Vec::new();
    // Folders entered, so a link back up the tree is not followed round.
    let mut entered = HashSet::new();
    for input in inputs {
        if input.is_dir() {
            if identity(input).is_some_and(|id| entered.contains(&id)) {
                skipped.repeated.push(input.clone());
                continue;
            }
            let before = listed.len();
            let mut scan = Scan {
                how,
                entered: &mut entered,
                found: &mut listed,
                skipped: &mut skipped,
            };
            scan.folder(input, 0)?;
            if listed.len() == before {
                return Err(InputsError::Empty {
                    path: input.clone(),
                });
            }
        } else {
            listed.push(input.clone());
        }
    }
    let mut seen = HashSet::new();
    let mut files = Vec::new();
    for path in listed {
        // A file that cannot be looked at is kept: reading it says what is wrong.
        match identity(&path) {
            Some(id) if !seen.insert(id) => skipped.repeated.push(path),
            _ => files.push(path),
        }
    }
    let (files, proxies): (Vec<PathBuf>, Vec<PathBuf>) = files
        .iter()
        .cloned()
        .partition(|path| !is_proxy_of_one_of(path, &files));
    skipped.proxies = proxies;
    Ok(Expanded { files, skipped })
}

/// A folder walk's state.
struct Scan<'a> {
    how: &'a Expansion,
    entered: &'a mut HashSet<Identity>,
    found: &'a mut Vec<PathBuf>,
    skipped: &'a mut Skipped,
}

impl Scan<'_> {
    /// Adds the inputs in `folder` (`depth` levels below a given folder) in order, then those
    /// of its subfolders, each in name order.
    fn folder(&mut self, folder: &Path, depth: usize) -> Result<(), InputsError> {
        if let Some(id) = identity(folder) {
            if !self.entered.insert(id) {
                return Ok(());
            }
        }
        let io_error = |source| InputsError::Io {
            path: folder.to_path_buf(),
            source,
        };
        let extensions = input_extensions();
        let mut files = Vec::new();
        let mut folders = Vec::new();
        // An entry that vanished while the folder was listed is no input.
        for entry in std::fs::read_dir(folder).map_err(io_error)?.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                self.skipped.hidden += 1;
                continue;
            }
            // Links are followed: the identity check above stops a loop.
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            match extension.as_deref() {
                Some(e) if extensions.contains(&e) => files.push(path),
                Some("thm") => self.skipped.thumbnails += 1,
                _ => {}
            }
        }
        files.sort_by_cached_key(|path| order(path));
        self.found.extend(files);
        folders.sort();
        for sub in folders {
            if depth >= self.how.max_depth {
                self.skipped.too_deep.push(sub);
            } else {
                self.folder(&sub, depth + 1)?;
            }
        }
        Ok(())
    }
}

/// What names one file or folder however it is reached (by name, through a folder, a link).
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

#[cfg(unix)]
fn identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<Identity> {
    std::fs::canonicalize(path).ok()
}

/// A GoPro file's number and chapter from its name: `GX010123.MP4` is chapter 1 of
/// recording 0123 (also `GH`, `GS` for the MAX's `.360`, `GL` for the `.LRV` proxy), and
/// the older `GOPR0123.MP4`, `GP010123.MP4` are chapters 0 and 1 of recording 0123.
fn gopro_clip(path: &Path) -> Option<(u16, u8)> {
    let stem = path.file_stem()?.to_str()?.to_ascii_uppercase();
    let bytes = stem.as_bytes();
    if bytes.len() != 8 || bytes[0] != b'G' || !bytes[4..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = stem[4..].parse().ok()?;
    if &stem[..4] == "GOPR" {
        return Some((number, 0));
    }
    if !bytes[1].is_ascii_uppercase() || !bytes[2..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((number, stem[2..4].parse().ok()?))
}

/// The order files of one folder are read in: by name, except that GoPro clips (after other
/// names) go by recording, then chapter, which name order breaks (`GX010124` sorts before
/// `GX020123`, the second chapter of the recording before).
fn order(path: &Path) -> (Option<(u16, u8)>, OsString) {
    (
        gopro_clip(path),
        path.file_name().unwrap_or_default().to_owned(),
    )
}

/// Whether `path` is an `.LRV` proxy whose video (same folder, same GoPro clip or the same
/// name before the extension) is among `files`.
fn is_proxy_of_one_of(path: &Path, files: &[PathBuf]) -> bool {
    if !has_extension(path, "lrv") {
        return false;
    }
    let clip = gopro_clip(path);
    let stem = |p: &Path| p.file_stem().map(|s| s.to_ascii_lowercase());
    files.iter().any(|other| {
        !has_extension(other, "lrv")
            && other.parent() == path.parent()
            && (clip.is_some() && gopro_clip(other) == clip || stem(other) == stem(path))
    })
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gopro_names_give_recording_and_chapter() {
        let clip = |name: &str| gopro_clip(Path::new(name));
        assert_eq!(clip("GX010123.MP4"), Some((123, 1)));
        assert_eq!(clip("gx020123.mp4"), Some((123, 2)));
        assert_eq!(clip("GS030007.360"), Some((7, 3)));
        assert_eq!(clip("GL010123.LRV"), Some((123, 1)));
        assert_eq!(clip("GOPR0123.MP4"), Some((123, 0)));
        assert_eq!(clip("GP010123.MP4"), Some((123, 1)));
        assert_eq!(clip("GOPRO123.MP4"), None);
        assert_eq!(clip("G1010123.MP4"), None);
        assert_eq!(clip("2024_0501_100000_001.MP4"), None);
        assert_eq!(clip("GX01012.MP4"), None);
    }

    #[test]
    fn gopro_chapters_follow_their_recording() {
        let mut names = vec![
            "GX020123.MP4",
            "GX010124.MP4",
            "clip.mp4",
            "GX010123.MP4",
            "GOPR0100.MP4",
            "GP010100.MP4",
        ];
        names.sort_by_key(|n| order(Path::new(n)));
        assert_eq!(
            names,
            [
                "clip.mp4",
                "GOPR0100.MP4",
                "GP010100.MP4",
                "GX010123.MP4",
                "GX020123.MP4",
                "GX010124.MP4"
            ]
        );
    }
}
