//! Moving the creation and modification times of mvhd and of every track's tkhd and mdhd by
//! one shift: a camera clock corrected (local time to UTC for Street View), nothing else of
//! those boxes touched.

use telemux_read::mp4::parse_header;

use super::edit_tree::EditBox;

/// A time field that cannot hold its shifted value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{path}: its {field} time ({stored} s after 1904) {shift:+} s does not fit its version {version} \
     field"
)]
pub struct RetimeError {
    /// The box, e.g. `moov/trak[1]/mdia/mdhd`.
    pub path: String,
    /// "creation" or "modification".
    pub field: &'static str,
    /// The stored value, seconds since 1904.
    pub stored: u64,
    /// The shift, seconds.
    pub shift: i64,
    /// The box's version: 0 holds 32 bits (up to 2040), 1 holds 64.
    pub version: u8,
}

/// Adds `shift` seconds to every non-zero creation and modification time in `moov`'s mvhd
/// and its traks' tkhd and mdhd, keeping each box's version. A 0 stays 0: it means "unknown",
/// and a shift of an unknown time is no time either. A box too short for its fields is left
/// as it is (the reader refused it already if it mattered).
pub fn shift_times(moov: &mut EditBox, shift: i64) -> Result<(), RetimeError> {
    if shift == 0 {
        return Ok(());
    }
    if let Some(mvhd) = moov.child_mut(b"mvhd") {
        shift_box(mvhd, "moov/mvhd".into(), shift)?;
    }
    let Some(children) = moov.children_mut() else {
        return Ok(());
    };
    let traks = children
        .iter_mut()
        .filter(|c| c.kind().as_bytes() == b"trak");
    for (index, trak) in traks.enumerate() {
        if let Some(tkhd) = trak.child_mut(b"tkhd") {
            shift_box(tkhd, format!("moov/trak[{index}]/tkhd"), shift)?;
        }
        if let Some(mdhd) = trak.descend_mut(&[b"mdia", b"mdhd"]) {
            shift_box(mdhd, format!("moov/trak[{index}]/mdia/mdhd"), shift)?;
        }
    }
    Ok(())
}

/// Shifts the two times after a full box's version and flags: 32-bit in version 0, 64-bit
/// in version 1 (mvhd, tkhd and mdhd share this start).
fn shift_box(node: &mut EditBox, path: String, shift: i64) -> Result<(), RetimeError> {
    let EditBox::Raw { bytes, .. } = node else {
        return Ok(());
    };
    let Ok(header) = parse_header(bytes, 0, bytes.len() as u64, false) else {
        return Ok(());
    };
    let at = header.header_len as usize;
    let Some(&version) = bytes.get(at) else {
        return Ok(());
    };
    let width = if version == 1 { 8 } else { 4 };
    for (n, field) in ["creation", "modification"].into_iter().enumerate() {
        let start = at + 4 + n * width;
        let Some(slot) = bytes.get_mut(start..start + width) else {
            return Ok(());
        };
        let stored = slot.iter().fold(0u64, |v, &b| v << 8 | u64::from(b));
        if stored == 0 {
            continue;
        }
        let shifted = stored
            .checked_add_signed(shift)
            .filter(|&v| v != 0 && (version == 1 || v <= u64::from(u32::MAX)))
            .ok_or_else(|| RetimeError {
                path: path.clone(),
                field,
                stored,
                shift,
                version,
            })?;
        slot.copy_from_slice(&shifted.to_be_bytes()[8 - width..]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use telemux_read::FourCC;

    use super::*;
    use crate::mp4::BoxWriter;

    /// A full box of `kind` with the given version, times, and 8 bytes of other fields.
    fn header_box(kind: &[u8; 4], version: u8, creation: u64, modification: u64) -> EditBox {
        let mut w = BoxWriter::new();
        w.boxed(kind, |w| {
            w.u32(u32::from(version) << 24);
            if version == 1 {
                w.bytes(&creation.to_be_bytes());
                w.bytes(&modification.to_be_bytes());
            } else {
                w.u32(creation as u32);
                w.u32(modification as u32);
            }
            w.bytes(&[7; 8]);
        });
        EditBox::Raw {
            kind: FourCC::new(kind),
            bytes: w.into_bytes(),
        }
    }

    fn container(kind: &[u8; 4], children: Vec<EditBox>) -> EditBox {
        EditBox::Container {
            kind: FourCC::new(kind),
            prefix: Vec::new(),
            children,
            trailer: Vec::new(),
        }
    }

    fn moov(mvhd: EditBox, tkhd: EditBox, mdhd: EditBox) -> EditBox {
        let trak = container(b"trak", vec![tkhd, container(b"mdia", vec![mdhd])]);
        container(b"moov", vec![mvhd, trak])
    }

    #[test]
    fn every_time_moves_by_the_shift_and_nothing_else_changes() {
        let mut m = moov(
            header_box(b"mvhd", 0, 3_800_000_000, 3_800_000_010),
            header_box(b"tkhd", 1, 3_800_000_000, 0),
            header_box(b"mdhd", 0, 3_800_000_000, 3_800_000_000),
        );
        shift_times(&mut m, -7200).unwrap();
        let expected = moov(
            header_box(b"mvhd", 0, 3_799_992_800, 3_799_992_810),
            // 0 is "unknown" and stays so.
            header_box(b"tkhd", 1, 3_799_992_800, 0),
            header_box(b"mdhd", 0, 3_799_992_800, 3_799_992_800),
        );
        assert_eq!(m, expected);
    }

    #[test]
    fn a_version_0_box_past_2040_is_refused_not_wrapped() {
        let mut m = moov(
            header_box(b"mvhd", 1, u64::from(u32::MAX) - 10, 0),
            header_box(b"tkhd", 1, u64::from(u32::MAX) - 10, 0),
            header_box(b"mdhd", 0, u64::from(u32::MAX) - 10, 0),
        );
        assert_eq!(
            shift_times(&mut m, 3600),
            Err(RetimeError {
                path: "moov/trak[0]/mdia/mdhd".into(),
                field: "creation",
                stored: u64::from(u32::MAX) - 10,
                shift: 3600,
                version: 0,
            })
        );
    }
}
