//! `udta` user data: vendor boxes (GoPro `FIRM`, `GPMF`, `©xyz`; TomTom `TTMD`; …) kept raw for
//! the format readers that understand them.

use crate::fourcc::FourCC;

use super::tree::{BoxNode, Moov};

/// The children of one `udta` box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserData<'a> {
    /// The `udta` box.
    pub node: &'a BoxNode,
    moov: &'a Moov,
}

impl<'a> UserData<'a> {
    pub(crate) fn new(moov: &'a Moov, node: &'a BoxNode) -> UserData<'a> {
        UserData { node, moov }
    }

    /// Each child with its payload (the bytes after its header), in file order.
    pub fn items(&self) -> impl Iterator<Item = (&'a BoxNode, &'a [u8])> + 'a {
        let moov = self.moov;
        self.node
            .children()
            .iter()
            .map(move |child| (child, moov.body(child)))
    }

    /// Payload of the first child of type `kind`.
    pub fn get(&self, kind: &[u8; 4]) -> Option<&'a [u8]> {
        self.items()
            .find(|(child, _)| child.kind() == FourCC::new(kind))
            .map(|(_, payload)| payload)
    }
}
