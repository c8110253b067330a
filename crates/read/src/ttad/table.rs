//! Body length of each record type: the only way to step over a record, since records carry
//! no length of their own.

/// Type byte of the timecode record (`-1` in TomTom's table), whose body is always a `u32`.
pub const TIMECODE: u8 = 0xFF;

/// Body length of the timecode record.
pub const TIMECODE_LEN: u32 = 4;

/// Body lengths per type byte; `None` for a type nobody described, which forces a resync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeTable {
    lengths: [Option<u32>; 256],
}

impl TypeTable {
    /// The lengths TomTom's format description gives for types 0–6 (ExifTool knows 0, 1, 2, 3,
    /// 5); type 7 (cadence) is "TBD" there, so only a file's own table can describe it.
    pub fn builtin() -> TypeTable {
        let mut lengths = [None; 256];
        for (kind, len) in [
            (TIMECODE, TIMECODE_LEN),
            (0, 12), // gyro
            (1, 4),  // barometer
            (2, 12), // magnetometer
            (3, 12), // accelerometer
            (4, 4),  // thermometer
            (5, 92), // GPS
            (6, 1),  // heart rate
        ] {
            if let Some(slot) = lengths.get_mut(usize::from(kind)) {
                *slot = Some(len);
            }
        }
        TypeTable { lengths }
    }

    pub fn len_of(&self, kind: u8) -> Option<u32> {
        self.lengths.get(usize::from(kind)).copied().flatten()
    }

    pub(crate) fn set(&mut self, kind: u8, len: u32) {
        if let Some(slot) = self.lengths.get_mut(usize::from(kind)) {
            *slot = Some(len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lengths_follow_the_format_description() {
        let table = TypeTable::builtin();
        let known: Vec<(u8, u32)> = (0..=255u8)
            .filter_map(|kind| table.len_of(kind).map(|len| (kind, len)))
            .collect();
        assert_eq!(
            known,
            [
                (0, 12),
                (1, 4),
                (2, 12),
                (3, 12),
                (4, 4),
                (5, 92),
                (6, 1),
                (0xFF, 4)
            ]
        );
    }

    #[test]
    fn a_file_entry_overrides_or_adds_a_length() {
        let mut table = TypeTable::builtin();
        table.set(5, 100);
        table.set(7, 8);
        assert_eq!(table.len_of(5), Some(100));
        assert_eq!(table.len_of(7), Some(8));
        assert_eq!(table.len_of(8), None);
    }
}
