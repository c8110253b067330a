//! Synthetic Novatek-family inputs, built byte by byte from the layouts of
//! `shared/formats/novatek-freegps.md` §4 (no real sample files exist): one encoder per layout,
//! a catalogue of samples covering every decodable variant, and MP4 / MPEG-TS containers.
//!
//! Fixes are given in SI units; each encoder converts to what its layout stores (DDMM, knots,
//! km/h, ×10⁷ integers, text), so decoding returns the fix up to the layout's precision.

// Each integration-test binary uses a different part of this module.
#![allow(dead_code)]

pub mod containers;
pub mod encode;

use telemux_read::model::GpsPoint;
use telemux_read::novatek::Variant;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub const BLOCK_SIZE: usize = 0x8000;

/// One fix in SI units. `time` is what the camera clock shows (UTC unless a test says so).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub time: OffsetDateTime,
    pub lat: f64,
    pub lon: f64,
    /// m/s.
    pub speed: f64,
    pub course: f64,
    pub altitude: f64,
}

impl Fix {
    pub fn new(time: OffsetDateTime, lat: f64, lon: f64) -> Fix {
        Fix {
            time,
            lat,
            lon,
            speed: 12.5,
            course: 216.25,
            altitude: 141.5,
        }
    }

    /// The same fix `seconds` later, moved a little north-east.
    pub fn later(&self, seconds: i64) -> Fix {
        Fix {
            time: self.time + Duration::seconds(seconds),
            lat: self.lat + 0.000_1 * seconds as f64,
            lon: self.lon + 0.000_2 * seconds as f64,
            ..*self
        }
    }
}

/// What a layout preserves, and how precisely.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Degrees.
    pub position: f64,
    /// m/s; `None` when the layout has no speed.
    pub speed: Option<f64>,
    /// Degrees; `None` when the layout has no course.
    pub course: Option<f64>,
    /// Metres; `None` when the layout has no altitude.
    pub altitude: Option<f64>,
    /// False for layouts without time (INNOVV, 70mai).
    pub timed: bool,
}

/// f32 DDMM: ~1e-3 minutes at 5 significant digits.
pub const F32_DDMM: Precision = Precision {
    position: 2e-5,
    speed: Some(1e-4),
    course: Some(1e-4),
    altitude: None,
    timed: true,
};

/// One block of a layout and the fixes it holds.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: &'static str,
    pub variant: Variant,
    pub block: Vec<u8>,
    pub fixes: Vec<Fix>,
    pub precision: Precision,
}

pub fn vancouver() -> Fix {
    Fix::new(datetime!(2019-09-27 05:47:03 UTC), 49.369_051, -123.099_756)
}

pub fn gdansk() -> Fix {
    Fix::new(datetime!(2017-12-31 16:45:20 UTC), 54.454_924, 18.549_306)
}

pub fn sydney() -> Fix {
    Fix::new(datetime!(2024-02-29 23:59:58 UTC), -33.856_8, 151.215_3)
}

pub fn buenos_aires() -> Fix {
    Fix::new(datetime!(2021-03-11 08:07:24 UTC), -34.603_7, -58.381_6)
}

/// One sample per decodable layout, `seconds` after each layout's base fix (so consecutive
/// calls give consecutive 1-Hz blocks).
pub fn samples(seconds: i64) -> Vec<Sample> {
    use encode::*;
    let at = |fix: Fix| fix.later(seconds);
    let decimal = |position| Precision {
        position,
        ..F32_DDMM
    };
    vec![
        Sample {
            name: "T1 Azdome",
            variant: Variant::AzdomeXor,
            block: azdome(&at(vancouver())),
            fixes: vec![at(vancouver())],
            precision: Precision {
                position: 2e-6,
                speed: Some(0.14),
                course: None,
                altitude: None,
                timed: true,
            },
        },
        Sample {
            name: "T1 EEEkit",
            variant: Variant::AzdomeXor,
            block: eeekit(&at(sydney())),
            fixes: vec![at(sydney())],
            precision: Precision {
                position: 2e-6,
                speed: Some(0.14),
                course: None,
                altitude: None,
                timed: true,
            },
        },
        Sample {
            name: "T2 Nextbase 512GW",
            variant: Variant::NextbaseNmea,
            block: nextbase_nmea(&at(gdansk())),
            fixes: vec![at(gdansk())],
            precision: Precision {
                position: 2e-6,
                speed: Some(0.003),
                course: Some(0.005),
                altitude: Some(0.05),
                timed: true,
            },
        },
        Sample {
            name: "T3 Viofo A119 V3",
            variant: Variant::NovatekAt16,
            block: novatek_at16(&at(vancouver())),
            fixes: vec![at(vancouver())],
            precision: F32_DDMM,
        },
        Sample {
            name: "T3 Kenwood",
            variant: Variant::Kenwood,
            block: kenwood(&at(buenos_aires())),
            fixes: vec![at(buenos_aires())],
            precision: F32_DDMM,
        },
        Sample {
            name: "T4 E-ACE",
            variant: Variant::EAce,
            block: eace(&at(sydney())),
            fixes: vec![at(sydney())],
            precision: decimal(2e-6),
        },
        Sample {
            name: "T5 LIGO plain",
            variant: Variant::Ligo,
            block: ligo(&[at(vancouver()), at(vancouver()).later(1)], Ligo::Plain),
            fixes: vec![at(vancouver()), at(vancouver()).later(1)],
            precision: Precision {
                position: 2e-6,
                speed: Some(0.003),
                course: Some(0.05),
                altitude: Some(0.05),
                timed: true,
            },
        },
        Sample {
            name: "T5 LIGO scrambled, fuzzed",
            variant: Variant::Ligo,
            block: ligo(&[at(buenos_aires())], Ligo::ScrambledFuzzed),
            fixes: vec![at(buenos_aires())],
            precision: Precision {
                position: 2e-6,
                speed: Some(0.003),
                course: Some(0.05),
                altitude: Some(0.05),
                timed: true,
            },
        },
        Sample {
            name: "T5 LIGO scrambled",
            variant: Variant::Ligo,
            block: ligo(&[at(sydney())], Ligo::Scrambled),
            fixes: vec![at(sydney())],
            precision: Precision {
                position: 2e-6,
                speed: Some(0.003),
                course: Some(0.05),
                altitude: Some(0.05),
                timed: true,
            },
        },
        Sample {
            name: "T6 Akaso",
            variant: Variant::Akaso,
            block: akaso(&at(gdansk()), true),
            fixes: vec![at(gdansk())],
            precision: F32_DDMM,
        },
        Sample {
            name: "T7 shifted NMEA",
            variant: Variant::ShiftedNmea,
            block: shifted_nmea(&at(sydney())),
            fixes: vec![at(sydney())],
            precision: Precision {
                position: 2e-6,
                speed: Some(0.003),
                course: Some(0.005),
                altitude: None,
                timed: true,
            },
        },
        Sample {
            name: "T10 Vantrue S1",
            variant: Variant::VantrueS1,
            block: vantrue_s1(&at(gdansk())),
            fixes: vec![at(gdansk())],
            precision: Precision {
                altitude: Some(1e-4),
                ..F32_DDMM
            },
        },
        Sample {
            name: "T11 ATC",
            variant: Variant::Atc,
            block: atc(&[at(sydney()), at(sydney()).later(1)]),
            fixes: vec![at(sydney()), at(sydney()).later(1)],
            precision: Precision {
                position: 1e-7,
                speed: Some(0.01),
                course: Some(0.01),
                altitude: Some(0.001),
                timed: true,
            },
        },
        Sample {
            name: "T12 doubles",
            variant: Variant::Doubles,
            block: doubles(&at(buenos_aires())),
            fixes: vec![at(buenos_aires())],
            precision: Precision {
                position: 1e-9,
                speed: Some(1e-9),
                course: Some(1e-9),
                altitude: None,
                timed: true,
            },
        },
        Sample {
            name: "T13 INNOVV",
            variant: Variant::Innovv,
            block: innovv(&[at(vancouver()), at(vancouver()).later(1)]),
            fixes: vec![at(vancouver()), at(vancouver()).later(1)],
            precision: Precision {
                timed: false,
                ..F32_DDMM
            },
        },
        Sample {
            name: "T14 XBHT",
            variant: Variant::Xbht,
            block: xbht(&[at(gdansk()), at(gdansk()).later(1)]),
            fixes: vec![at(gdansk()), at(gdansk()).later(1)],
            precision: Precision {
                position: 2e-6,
                speed: Some(0.14),
                course: None,
                altitude: None,
                timed: true,
            },
        },
        Sample {
            name: "T15 Vantrue N4",
            variant: Variant::VantrueN4,
            block: vantrue_n4(&at(sydney())),
            fixes: vec![at(sydney())],
            precision: Precision {
                position: 1e-9,
                speed: Some(1e-9),
                course: Some(1e-9),
                altitude: None,
                timed: true,
            },
        },
        Sample {
            name: "T16 IQS",
            variant: Variant::Iqs,
            block: iqs(&at(buenos_aires())),
            fixes: vec![at(buenos_aires())],
            precision: Precision {
                position: 1e-7,
                speed: Some(0.01),
                course: None,
                altitude: Some(1e-4),
                timed: true,
            },
        },
        Sample {
            name: "T17 Viofo A119S",
            variant: Variant::NovatekAt48,
            block: novatek_at48(&at(gdansk())),
            fixes: vec![at(gdansk())],
            precision: F32_DDMM,
        },
        Sample {
            name: "T17c Transcend Body 70",
            variant: Variant::TranscendBody70,
            block: body70(&at(sydney())),
            fixes: vec![at(sydney())],
            precision: decimal(2e-5),
        },
        Sample {
            name: "T17 Transcend 230",
            variant: Variant::Transcend230,
            block: transcend230(&at(vancouver())),
            fixes: vec![at(vancouver())],
            precision: Precision {
                position: 1e-9,
                altitude: Some(1e-9),
                ..F32_DDMM
            },
        },
        Sample {
            name: "T18 XGODY",
            variant: Variant::Xgody,
            block: xgody(&at(vancouver())),
            fixes: vec![at(vancouver())],
            precision: Precision {
                position: 1e-6,
                speed: Some(0.003),
                course: Some(0.05),
                altitude: None,
                timed: true,
            },
        },
        Sample {
            name: "T19 70mai",
            variant: Variant::Mai70,
            block: mai70(&at(gdansk())),
            fixes: vec![at(gdansk())],
            precision: Precision {
                position: 1e-5,
                speed: Some(0.14),
                course: None,
                altitude: None,
                timed: false,
            },
        },
        Sample {
            name: "T20 Nextbase 512G",
            variant: Variant::Nextbase512G,
            block: nextbase512g(&ten_hertz(at(buenos_aires()), 3)),
            fixes: ten_hertz(at(buenos_aires()), 3),
            precision: Precision {
                position: 1e-7,
                speed: Some(0.01),
                course: Some(0.01),
                altitude: None,
                timed: true,
            },
        },
    ]
}

/// `count` fixes 0.1 s apart.
pub fn ten_hertz(first: Fix, count: usize) -> Vec<Fix> {
    (0..count)
        .map(|i| Fix {
            time: first.time + Duration::milliseconds(100 * i as i64),
            lat: first.lat + 1e-5 * i as f64,
            ..first
        })
        .collect()
}

/// Asserts that decoded points reproduce the fixes within the layout's precision.
pub fn assert_points(name: &str, points: &[GpsPoint], fixes: &[Fix], precision: &Precision) {
    assert_eq!(points.len(), fixes.len(), "{name}: point count");
    for (i, (point, fix)) in points.iter().zip(fixes).enumerate() {
        let at = format!("{name} point {i}");
        let close = |what: &str, got: f64, want: f64, tolerance: f64| {
            assert!(
                (got - want).abs() <= tolerance,
                "{at}: {what} {got} vs {want} (±{tolerance})"
            );
        };
        close("latitude", point.latitude, fix.lat, precision.position);
        close("longitude", point.longitude, fix.lon, precision.position);
        if precision.timed {
            assert_eq!(point.time, Some(fix.time), "{at}: time");
        } else {
            assert_eq!(point.time, None, "{at}: time");
        }
        match precision.speed {
            Some(tolerance) => close("speed", point.speed_2d.unwrap(), fix.speed, tolerance),
            None => assert_eq!(point.speed_2d, None, "{at}: speed"),
        }
        match precision.course {
            Some(tolerance) => {
                // Compared as angles: 359.999° stored to 0.01° reads back as 0°.
                let diff = (point.course.unwrap() - fix.course).rem_euclid(360.0);
                close("course (angle)", diff.min(360.0 - diff), 0.0, tolerance);
            }
            None => assert_eq!(point.course, None, "{at}: course"),
        }
        match precision.altitude {
            Some(tolerance) => close("altitude", point.altitude.unwrap(), fix.altitude, tolerance),
            None => assert_eq!(point.altitude, None, "{at}: altitude"),
        }
    }
}
