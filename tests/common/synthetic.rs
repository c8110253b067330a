//! Synthetic MP4 files for property tests: any number of tracks with arbitrary samples and
//! chunking, interleaved in one mdat, moov before or after it, stco or co64.

use telemux_write::mp4::meta_trak::chunk_offsets;
use telemux_write::mp4::BoxWriter;

#[derive(Debug, Clone)]
pub struct SynthTrack {
    pub handler: [u8; 4],
    pub sample_entry: [u8; 4],
    pub timescale: u32,
    pub samples: Vec<Vec<u8>>,
    pub sample_duration: u32,
    /// Samples per chunk, cycled until every sample has a chunk.
    pub chunking: Vec<u32>,
    pub co64: bool,
}

#[derive(Debug, Clone)]
pub struct SynthVideo {
    pub tracks: Vec<SynthTrack>,
    pub moov_first: bool,
    /// Seconds since 1904, for mvhd/tkhd/mdhd.
    pub creation_time: u32,
}

impl SynthTrack {
    /// A GoPro-style telemetry track: `gpmd` samples (GPMF payloads) of 1001 ms each, one per
    /// chunk.
    #[allow(dead_code)] // the crates' tests include this file but build no telemetry track
    pub fn gpmd(payloads: Vec<Vec<u8>>) -> SynthTrack {
        SynthTrack {
            handler: *b"meta",
            sample_entry: *b"gpmd",
            timescale: 1000,
            samples: payloads,
            sample_duration: 1001,
            chunking: vec![1],
            co64: false,
        }
    }

    /// Chunks as (first sample, sample count).
    fn chunks(&self) -> Vec<(usize, usize)> {
        let mut chunks = Vec::new();
        let mut next = 0;
        for &n in self.chunking.iter().cycle() {
            if next >= self.samples.len() {
                break;
            }
            let n = (n.max(1) as usize).min(self.samples.len() - next);
            chunks.push((next, n));
            next += n;
        }
        chunks
    }

    fn duration(&self) -> u32 {
        self.sample_duration * self.samples.len() as u32
    }
}

pub const MOVIE_TIMESCALE: u32 = 1000;

impl SynthVideo {
    pub fn build(&self) -> Vec<u8> {
        let ftyp = {
            let mut w = BoxWriter::new();
            w.boxed(b"ftyp", |w| {
                w.bytes(b"isom");
                w.u32(0x200);
                w.bytes(b"isomiso2mp41");
            });
            w.into_bytes()
        };
        // Chunks of all tracks interleaved round-robin, as muxers do.
        let chunks: Vec<Vec<(usize, usize)>> = self.tracks.iter().map(|t| t.chunks()).collect();
        let mut order = Vec::new();
        for round in 0..chunks.iter().map(Vec::len).max().unwrap_or(0) {
            for (t, c) in chunks.iter().enumerate() {
                if let Some(&chunk) = c.get(round) {
                    order.push((t, chunk));
                }
            }
        }
        let payload: Vec<u8> = order
            .iter()
            .flat_map(|&(t, (first, n))| self.tracks[t].samples[first..first + n].concat())
            .collect();
        // The moov size does not depend on the offsets' values, so lay out twice.
        let moov_len = self.moov(&order, 0).len();
        let mdat_start = ftyp.len() + if self.moov_first { moov_len } else { 0 };
        let moov = self.moov(&order, (mdat_start + 8) as u64);
        let mut mdat = BoxWriter::new();
        mdat.boxed(b"mdat", |w| w.bytes(&payload));
        let mdat = mdat.into_bytes();
        if self.moov_first {
            [ftyp, moov, mdat].concat()
        } else {
            [ftyp, mdat, moov].concat()
        }
    }

    fn moov(&self, order: &[(usize, (usize, usize))], data_start: u64) -> Vec<u8> {
        let mut offsets: Vec<Vec<u64>> = vec![Vec::new(); self.tracks.len()];
        let mut pos = data_start;
        for &(t, (first, n)) in order {
            offsets[t].push(pos);
            pos += self.tracks[t].samples[first..first + n]
                .iter()
                .map(|s| s.len() as u64)
                .sum::<u64>();
        }
        let mut w = BoxWriter::new();
        w.boxed(b"moov", |w| {
            let duration = self
                .tracks
                .iter()
                .map(|t| t.duration() as u64 * MOVIE_TIMESCALE as u64 / t.timescale as u64)
                .max()
                .unwrap_or(0) as u32;
            w.full_box(b"mvhd", 0, 0, |w| {
                w.u32(self.creation_time);
                w.u32(self.creation_time);
                w.u32(MOVIE_TIMESCALE);
                w.u32(duration);
                w.u32(0x0001_0000); // rate
                w.u16(0x0100); // volume
                w.zeros(10);
                for v in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000u32] {
                    w.u32(v);
                }
                w.zeros(24);
                w.u32(self.tracks.len() as u32 + 1);
            });
            for (i, track) in self.tracks.iter().enumerate() {
                self.trak(w, track, i as u32 + 1, &offsets[i]);
            }
        });
        w.into_bytes()
    }

    fn trak(&self, w: &mut BoxWriter, t: &SynthTrack, id: u32, offsets: &[u64]) {
        w.boxed(b"trak", |w| {
            w.full_box(b"tkhd", 0, 3, |w| {
                w.u32(self.creation_time);
                w.u32(self.creation_time);
                w.u32(id);
                w.u32(0);
                w.u32(t.duration() * MOVIE_TIMESCALE / t.timescale);
                w.zeros(16);
                for v in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000u32] {
                    w.u32(v);
                }
                w.zeros(8);
            });
            w.boxed(b"mdia", |w| {
                w.full_box(b"mdhd", 0, 0, |w| {
                    w.u32(self.creation_time);
                    w.u32(self.creation_time);
                    w.u32(t.timescale);
                    w.u32(t.duration());
                    w.u16(0x55c4); // "und"
                    w.u16(0);
                });
                w.full_box(b"hdlr", 0, 0, |w| {
                    w.u32(0);
                    w.bytes(&t.handler);
                    w.zeros(12);
                    w.bytes(b"synthetic\0");
                });
                w.boxed(b"minf", |w| {
                    w.boxed(b"dinf", |w| {
                        w.full_box(b"dref", 0, 0, |w| {
                            w.u32(1);
                            w.full_box(b"url ", 0, 1, |_| {});
                        });
                    });
                    w.boxed(b"stbl", |w| {
                        w.full_box(b"stsd", 0, 0, |w| {
                            w.u32(1);
                            w.boxed(&t.sample_entry, |w| {
                                w.zeros(6);
                                w.u16(1);
                            });
                        });
                        w.full_box(b"stts", 0, 0, |w| {
                            w.u32(1);
                            w.u32(t.samples.len() as u32);
                            w.u32(t.sample_duration);
                        });
                        let chunks = t.chunks();
                        w.full_box(b"stsc", 0, 0, |w| {
                            w.u32(chunks.len() as u32);
                            for (i, &(_, n)) in chunks.iter().enumerate() {
                                w.u32(i as u32 + 1);
                                w.u32(n as u32);
                                w.u32(1);
                            }
                        });
                        w.full_box(b"stsz", 0, 0, |w| {
                            w.u32(0);
                            w.u32(t.samples.len() as u32);
                            for s in &t.samples {
                                w.u32(s.len() as u32);
                            }
                        });
                        if t.co64 {
                            w.full_box(b"co64", 0, 0, |w| {
                                w.u32(offsets.len() as u32);
                                for &o in offsets {
                                    w.u64(o);
                                }
                            });
                        } else {
                            chunk_offsets(w, offsets, false);
                        }
                    });
                });
            });
        });
    }
}
