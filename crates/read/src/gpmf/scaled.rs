//! Samples to `f64`: every element divided by its SCAL divisor. The uniform-type path (GPS5,
//! ACCL, GYRO, …) is a tight loop per type; complex structures go element by element.

use super::scalar::Layout;
use super::{Error, ErrorKind, KlvRef, ValueType};

/// Appends every element of `klv`'s samples to `out`, divided by `divisors` (one per element
/// of a sample; `None` leaves values unscaled).
pub(crate) fn append_scaled(
    klv: &KlvRef<'_>,
    layout: &Layout,
    divisors: Option<&[f64]>,
    out: &mut Vec<f64>,
) -> Result<(), Error> {
    let ones;
    let divisors = match divisors {
        Some(d) => d,
        None => {
            ones = vec![1.0; layout.elements()];
            &ones
        }
    };
    let data = klv.data();
    match layout.uniform_type() {
        Some(ValueType::I8) => uniform(data, divisors, out, |[b]: [u8; 1]| f64::from(b as i8)),
        Some(ValueType::U8) => uniform(data, divisors, out, |[b]: [u8; 1]| f64::from(b)),
        Some(ValueType::I16) => uniform(data, divisors, out, |b| f64::from(i16::from_be_bytes(b))),
        Some(ValueType::U16) => uniform(data, divisors, out, |b| f64::from(u16::from_be_bytes(b))),
        Some(ValueType::I32) => uniform(data, divisors, out, |b| f64::from(i32::from_be_bytes(b))),
        Some(ValueType::U32) => uniform(data, divisors, out, |b| f64::from(u32::from_be_bytes(b))),
        Some(ValueType::F32) => uniform(data, divisors, out, |b| f64::from(f32::from_be_bytes(b))),
        Some(ValueType::F64) => uniform(data, divisors, out, f64::from_be_bytes),
        _ => mixed(klv, layout, divisors, out)?,
    }
    Ok(())
}

/// Every element has the same `N`-byte type: element `i` of the data is divided by
/// `divisors[i % elements]`. Writes into a pre-sized tail so the loop has no capacity checks.
fn uniform<const N: usize>(
    data: &[u8],
    divisors: &[f64],
    out: &mut Vec<f64>,
    read: impl Fn([u8; N]) -> f64,
) {
    if divisors.is_empty() {
        return;
    }
    let samples = data.len() / (divisors.len() * N);
    let start = out.len();
    out.resize(start + samples * divisors.len(), 0.0);
    let tail = out.get_mut(start..).unwrap_or_default();
    for (slot, (bytes, divisor)) in tail
        .iter_mut()
        .zip(data.chunks_exact(N).zip(divisors.iter().cycle()))
    {
        *slot = read(bytes.try_into().unwrap_or([0; N])) / divisor;
    }
}

fn mixed(
    klv: &KlvRef<'_>,
    layout: &Layout,
    divisors: &[f64],
    out: &mut Vec<f64>,
) -> Result<(), Error> {
    if layout.size() == 0 {
        return Ok(());
    }
    // Bounded by the data present: one output per stored element.
    out.reserve(klv.data().len() / layout.size() * layout.elements());
    for sample in klv.data().chunks_exact(layout.size()) {
        for ((&(_, ty), divisor), value) in layout
            .fields()
            .iter()
            .zip(divisors)
            .zip(layout.decode(sample))
        {
            let number = value
                .as_f64()
                .ok_or_else(|| klv.error(ErrorKind::NotNumeric(ty.to_char())))?;
            out.push(number / divisor);
        }
    }
    Ok(())
}
