//! `source::expand` on folders laid out as cameras write SD cards: subfolders, GoPro names and
//! extensions, proxies, thumbnails, links and the same file given twice.

use std::fs;
use std::path::{Path, PathBuf};

use telemux_read::source::{expand, Expansion};

fn touch(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, path.to_string_lossy().as_bytes()).unwrap();
}

fn relative(root: &Path, files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_card_is_searched_in_recording_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in [
        "DCIM/100GOPRO/GX020123.MP4",
        "DCIM/100GOPRO/GX010124.MP4",
        "DCIM/100GOPRO/GX010123.MP4",
        "DCIM/100GOPRO/GL010123.LRV",
        "DCIM/100GOPRO/GX010123.THM",
        "DCIM/100GOPRO/GL010124.LRV",
        "DCIM/100GOPRO/GS010125.360",
        "DCIM/100GOPRO/GL010126.LRV",
        "DCIM/100GOPRO/._GX010123.MP4",
        "DCIM/101GOPRO/GOPR0200.MP4",
        "DCIM/101GOPRO/GP010200.MP4",
        "DCIM/101GOPRO/notes.txt",
        "MISC/clip.mov",
    ] {
        touch(&root.join(name));
    }
    let expanded = expand(&[root.to_path_buf()], &Expansion::default()).unwrap();
    assert_eq!(
        relative(root, &expanded.files),
        [
            "DCIM/100GOPRO/GX010123.MP4",
            "DCIM/100GOPRO/GX020123.MP4",
            "DCIM/100GOPRO/GX010124.MP4",
            "DCIM/100GOPRO/GS010125.360",
            // A proxy without its video is read: it is all there is of that recording.
            "DCIM/100GOPRO/GL010126.LRV",
            "DCIM/101GOPRO/GOPR0200.MP4",
            "DCIM/101GOPRO/GP010200.MP4",
            "MISC/clip.mov",
        ]
    );
    let skipped = &expanded.skipped;
    assert_eq!(
        relative(root, &skipped.proxies),
        ["DCIM/100GOPRO/GL010123.LRV", "DCIM/100GOPRO/GL010124.LRV"]
    );
    assert_eq!((skipped.thumbnails, skipped.hidden), (1, 1));
    assert_eq!(
        skipped.to_string(),
        "skipped 2 .LRV proxies (their videos are read), 1 .THM thumbnail, 1 hidden file or \
         folder"
    );
}

#[test]
fn each_file_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("clips");
    let clip = folder.join("GX010001.MP4");
    touch(&clip);
    touch(&folder.join("GX010002.MP4"));
    // By name and through its folder, the folder twice, and through a hard link.
    let linked = dir.path().join("again.mp4");
    fs::hard_link(&clip, &linked).unwrap();
    let inputs = [clip.clone(), folder.clone(), folder.clone(), linked.clone()];
    let expanded = expand(&inputs, &Expansion::default()).unwrap();
    assert_eq!(expanded.files, [clip.clone(), folder.join("GX010002.MP4")]);
    // The folder given again is seen as it is listed, the files once all are listed.
    assert_eq!(expanded.skipped.repeated, [folder, clip, linked]);
}

#[cfg(unix)]
#[test]
fn links_round_a_loop_and_deep_folders_end() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    touch(&root.join("a/b/c/deep.mp4"));
    touch(&root.join("a/top.mp4"));
    std::os::unix::fs::symlink(root.join("a"), root.join("a/b/up")).unwrap();
    let mut how = Expansion::default();
    how.max_depth = 1;
    let expanded = expand(&[root.join("a")], &how).unwrap();
    assert_eq!(relative(root, &expanded.files), ["a/top.mp4"]);
    assert_eq!(
        relative(root, &expanded.skipped.too_deep),
        ["a/b/c", "a/b/up"]
    );
    // Deep enough: every file once, the link back to `a` not followed round.
    let expanded = expand(&[root.join("a")], &Expansion::default()).unwrap();
    assert_eq!(
        relative(root, &expanded.files),
        ["a/top.mp4", "a/b/c/deep.mp4"]
    );
}

#[test]
fn a_folder_without_videos_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    touch(&dir.path().join("DCIM/100GOPRO/GX010001.THM"));
    let error = expand(&[dir.path().to_path_buf()], &Expansion::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: no video files (.mp4, .mov, .lrv, .360, .ts) in this folder or its subfolders",
            dir.path().display()
        )
    );
}
