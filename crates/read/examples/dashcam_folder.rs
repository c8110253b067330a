//! Writes a folder of synthetic dashcam clips for `scripts/bench-dashcam.sh`: each clip is a
//! sparse MP4 (ftyp, an `mdat` of holes standing in for video, one real 32 KiB `freeGPS`
//! block per second at the start of each second's data, `moov` with `mvhd` and the
//! `moov/gps ` index at the end), so 100 three-minute clips cost a few hundred MB of disk.
//!
//! Usage: dashcam_folder OUT_DIR [CLIPS] [SECONDS] [BYTES_PER_SECOND]

#[path = "../tests/novatek_support/mod.rs"]
mod novatek_support;

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};

use novatek_support::containers::gps_index;
use novatek_support::encode::novatek_at16;
use novatek_support::Fix;
use telemux_testkit::{mp4_box, mp4_container, mp4_full_box};
use time::macros::datetime;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(out_dir) = args.get(1) else {
        eprintln!("usage: dashcam_folder OUT_DIR [CLIPS] [SECONDS] [BYTES_PER_SECOND]");
        std::process::exit(2);
    };
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (clips, seconds, rate) = (number(2, 100), number(3, 180), number(4, 2_000_000));
    std::fs::create_dir_all(out_dir)?;
    let start = Fix::new(datetime!(2024-05-01 08:00:00 UTC), 52.52, 13.405);
    for clip in 0..clips {
        let path = format!("{out_dir}/2024_0501_{:06}_F.MP4", clip);
        let first = start.later((clip * seconds) as i64);
        write_clip(&path, &first, seconds, rate)?;
    }
    Ok(())
}

fn write_clip(path: &str, first: &Fix, seconds: u64, rate: u64) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    let ftyp = mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    file.write_all(&ftyp)?;
    let mdat_at = ftyp.len() as u64;
    let mdat_len = 8 + seconds * rate;
    file.write_all(&(mdat_len as u32).to_be_bytes())?;
    file.write_all(b"mdat")?;
    let mut entries = Vec::new();
    for second in 0..seconds {
        let offset = mdat_at + 8 + second * rate;
        let block = novatek_at16(&first.later(second as i64));
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(&block)?;
        entries.push((offset as u32, block.len() as u32));
    }
    file.set_len(mdat_at + mdat_len)?;
    file.seek(SeekFrom::End(0))?;
    let mut mvhd = vec![0; 8];
    mvhd.extend(1000u32.to_be_bytes());
    mvhd.extend(((seconds * 1000) as u32).to_be_bytes());
    mvhd.extend(0x0001_0000u32.to_be_bytes());
    mvhd.extend(0x0100u16.to_be_bytes());
    mvhd.extend([0; 10]);
    for value in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        mvhd.extend(value.to_be_bytes());
    }
    mvhd.extend([0; 24]);
    mvhd.extend(1u32.to_be_bytes());
    let moov = mp4_container(
        b"moov",
        &[
            mp4_full_box(b"mvhd", 0, 0, &mvhd),
            mp4_box(b"gps ", &gps_index(&entries, 0)),
        ],
    );
    file.write_all(&moov)
}
