//! An editable copy of a parsed moov. Known containers are rebuilt from their children with
//! fresh sizes; every other box keeps its original bytes, so boxes telemux does not understand
//! survive a rewrite unchanged.

use telemux_read::mp4::{BoxNode, Content, Moov};
use telemux_read::FourCC;

use super::emit::{box_header, header_len_for};

/// A box of a `moov` being edited: raw bytes, or a container whose children can change.
/// Exhaustive on purpose: a box is either parsed into children or kept as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditBox {
    /// A whole box, header included, as it will be written.
    Raw {
        /// The box's type.
        kind: FourCC,
        /// The whole box, header included.
        bytes: Vec<u8>,
    },
    /// A container: `prefix` (ISO `meta` version/flags) and `trailer` (QuickTime's 32-bit
    /// zero ending a `udta`) are kept around the children.
    Container {
        /// The box's type.
        kind: FourCC,
        /// Bytes before the children.
        prefix: Vec<u8>,
        /// The child boxes, in order.
        children: Vec<EditBox>,
        /// Bytes after the children.
        trailer: Vec<u8>,
    },
}

impl EditBox {
    /// Copies `node` of `moov` (usually its root).
    pub fn from_tree(moov: &Moov, node: &BoxNode) -> EditBox {
        match &node.content {
            Content::Leaf => EditBox::Raw {
                kind: node.kind(),
                bytes: moov.raw(node).to_vec(),
            },
            Content::Container {
                prefix_len,
                children,
                trailer_len,
            } => {
                let body = moov.body(node);
                let prefix = body.get(..*prefix_len as usize).unwrap_or_default();
                let trailer = body
                    .len()
                    .checked_sub(*trailer_len as usize)
                    .and_then(|start| body.get(start..))
                    .unwrap_or_default();
                EditBox::Container {
                    kind: node.kind(),
                    prefix: prefix.to_vec(),
                    children: children
                        .iter()
                        .map(|c| EditBox::from_tree(moov, c))
                        .collect(),
                    trailer: trailer.to_vec(),
                }
            }
        }
    }

    /// The box's type.
    pub fn kind(&self) -> FourCC {
        match self {
            EditBox::Raw { kind, .. } | EditBox::Container { kind, .. } => *kind,
        }
    }

    /// Children of a container; empty for a raw box.
    pub fn children(&self) -> &[EditBox] {
        match self {
            EditBox::Container { children, .. } => children,
            EditBox::Raw { .. } => &[],
        }
    }

    /// The children of a container, to add or remove some; `None` for a raw box.
    pub(crate) fn children_mut(&mut self) -> Option<&mut Vec<EditBox>> {
        match self {
            EditBox::Container { children, .. } => Some(children),
            EditBox::Raw { .. } => None,
        }
    }

    /// The first child of type `kind`.
    pub(crate) fn child_mut(&mut self, kind: &[u8; 4]) -> Option<&mut EditBox> {
        self.children_mut()?
            .iter_mut()
            .find(|c| c.kind().as_bytes() == kind)
    }

    /// The box at `path` below this one, e.g. `[b"mdia", b"minf", b"stbl"]`.
    pub(crate) fn descend_mut(&mut self, path: &[&[u8; 4]]) -> Option<&mut EditBox> {
        path.iter()
            .try_fold(self, |node, kind| node.child_mut(kind))
    }

    /// Encoded size in bytes.
    pub(crate) fn encoded_len(&self) -> u64 {
        match self {
            EditBox::Raw { bytes, .. } => bytes.len() as u64,
            EditBox::Container { .. } => {
                let body = self.container_body_len();
                body + header_len_for(body)
            }
        }
    }

    /// A container's size without its header (0 for a raw box, whose header is in its bytes).
    fn container_body_len(&self) -> u64 {
        match self {
            EditBox::Raw { .. } => 0,
            EditBox::Container {
                prefix,
                children,
                trailer,
                ..
            } => {
                prefix.len() as u64
                    + children.iter().map(EditBox::encoded_len).sum::<u64>()
                    + trailer.len() as u64
            }
        }
    }

    /// Appends the encoded box (sizes computed from the contents) to `out`.
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            EditBox::Raw { bytes, .. } => out.extend_from_slice(bytes),
            EditBox::Container {
                kind,
                prefix,
                children,
                trailer,
            } => {
                let header_len = header_len_for(self.container_body_len());
                out.extend_from_slice(&box_header(kind.as_bytes(), self.encoded_len(), header_len));
                out.extend_from_slice(prefix);
                for child in children {
                    child.write_to(out);
                }
                out.extend_from_slice(trailer);
            }
        }
    }

    /// The encoded box.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len() as usize);
        self.write_to(&mut out);
        out
    }
}
