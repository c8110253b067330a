//! A full walk of a payload that applies the property hierarchy: SCAL, TYPE, SIUN and UNIT
//! modify the data KLVs after them in the same nest (and in nests inside it). Validation and
//! printing both ride on it so that they agree on what every KLV means.

use super::keys::{DEVC, SCAL, SIUN, TYPE, UNIT};
use super::property;
use super::{entries, ComplexType, Entries, Entry, Error, ErrorKind, Kind, KlvRef, ValueType};

/// The properties in force at a point of a nest: the last SCAL, TYPE, SIUN and UNIT seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties {
    /// SCAL divisors as stored: one for every element, or one per element of a sample.
    pub scale: Option<Vec<f64>>,
    /// TYPE: the layout of complex (`?`) samples.
    pub complex: Option<ComplexType>,
    /// SIUN: standard units, one for all elements or one per element.
    pub si_units: Vec<String>,
    /// UNIT: display units, likewise.
    pub units: Vec<String>,
}

impl Properties {
    /// The units of each element: SIUN when present, else UNIT (possibly one for all).
    pub fn units(&self) -> &[String] {
        if self.si_units.is_empty() {
            &self.units
        } else {
            &self.si_units
        }
    }

    /// The divisor for each element of `klv`'s samples, or `None` when SCAL does not apply
    /// (no SCAL, a metadata key, or non-numeric data). Errors when SCAL has neither one value
    /// nor one per element.
    pub fn divisors(&self, klv: &KlvRef<'_>) -> Result<Option<Vec<f64>>, Error> {
        let (Some(scale), Some(elements)) = (&self.scale, self.scaled_elements(klv)?) else {
            return Ok(None);
        };
        Ok(Some(match scale.as_slice() {
            [one] => vec![*one; elements],
            all => all.to_vec(),
        }))
    }

    /// How many elements per sample SCAL divides in `klv`, after checking its arity.
    fn scaled_elements(&self, klv: &KlvRef<'_>) -> Result<Option<usize>, Error> {
        let Some(scale) = &self.scale else {
            return Ok(None);
        };
        let elements = match klv.kind {
            _ if property::is_metadata_key(klv.key) => return Ok(None),
            Kind::Data(ValueType::Complex) => match &self.complex {
                Some(complex) => complex.fields().len(),
                None => return Ok(None),
            },
            Kind::Data(ty) if ty.is_numeric() => usize::from(klv.struct_size) / ty.size(),
            _ => return Ok(None),
        };
        if scale.len() == 1 || scale.len() == elements {
            Ok(Some(elements))
        } else {
            Err(klv.error(ErrorKind::ScaleArity {
                scales: scale.len(),
                elements,
            }))
        }
    }

    /// Takes in `klv` if it is one of the four modifying properties; returns whether it was.
    pub(crate) fn take(&mut self, klv: &KlvRef<'_>) -> Result<bool, Error> {
        match klv.key {
            SCAL => self.scale = Some(property::scale(klv)?),
            TYPE => self.complex = Some(property::complex_type(klv)?),
            SIUN => self.si_units = property::strings(klv)?,
            UNIT => self.units = property::strings(klv)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Checks a data KLV against the properties in force: a complex struct size must match
    /// TYPE, and SCAL must fit its elements.
    fn check(&self, klv: &KlvRef<'_>) -> Result<(), Error> {
        if let (Kind::Data(ValueType::Complex), Some(complex)) = (klv.kind, &self.complex) {
            if complex.size() != usize::from(klv.struct_size) {
                return Err(klv.error(ErrorKind::TypeSizeMismatch {
                    type_size: complex.size(),
                    struct_size: klv.struct_size,
                }));
            }
        }
        self.scaled_elements(klv).map(drop)
    }
}

/// What a walk reports, in payload order.
pub(crate) trait Visitor<'a> {
    fn enter(&mut self, nest: &KlvRef<'a>);
    fn data(&mut self, klv: &KlvRef<'a>, properties: &Properties) -> Result<(), Error>;
    fn filler(&mut self, depth: usize, words: usize);
}

/// Walks every KLV of `payload`, checking structure and properties as it goes.
pub(crate) fn walk<'a>(payload: &'a [u8], visitor: &mut impl Visitor<'a>) -> Result<(), Error> {
    walk_level(entries(payload), 0, Properties::default(), visitor)
}

/// Nest depth is bounded by [`super::MAX_DEPTH`] (the entries fail beyond it), so the
/// recursion is too.
fn walk_level<'a>(
    entries: Entries<'a>,
    depth: usize,
    mut properties: Properties,
    visitor: &mut impl Visitor<'a>,
) -> Result<(), Error> {
    for entry in entries {
        match entry? {
            Entry::Filler { words, .. } => visitor.filler(depth, words),
            Entry::Klv(klv) => match klv.children() {
                Some(children) => {
                    visitor.enter(&klv);
                    walk_level(children, depth + 1, properties.clone(), visitor)?;
                }
                None => {
                    if !properties.take(&klv)? {
                        properties.check(&klv)?;
                    }
                    visitor.data(&klv, &properties)?;
                }
            },
        }
    }
    Ok(())
}

/// Checks a payload the way GoPro's `GPMF_Validate` does, and more: it starts with `DEVC`,
/// every size fits its parent, nests are 32-bit aligned and at most [`super::MAX_DEPTH`] deep,
/// keys and types are known, struct sizes fit their type, `TYPE` strings parse and match the
/// struct size of the complex data after them, and `SCAL` has one value or one per element of
/// the data it scales.
pub fn validate(payload: &[u8]) -> Result<(), Error> {
    if let Some(first) = entries(payload).klvs().next() {
        let first = first?;
        if first.key != DEVC {
            return Err(first.error(ErrorKind::NotDevice(first.key)));
        }
    }
    struct Check;
    impl<'a> Visitor<'a> for Check {
        fn enter(&mut self, _: &KlvRef<'a>) {}
        fn data(&mut self, _: &KlvRef<'a>, _: &Properties) -> Result<(), Error> {
            Ok(())
        }
        fn filler(&mut self, _: usize, _: usize) {}
    }
    walk(payload, &mut Check)
}
