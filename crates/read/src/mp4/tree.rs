//! The `moov` box as a tree. Known containers get children; every other box is a leaf whose
//! bytes stay untouched in the loaded `moov`, so a writer can copy unknown boxes byte for byte.

use std::collections::HashMap;

use crate::fourcc::FourCC;

use super::box_header::{parse_header, BoxHeader, HeaderError, MAX_HEADER_LEN};
use super::error::{ErrorKind, Mp4Error};

/// Deepest nesting accepted, counting `moov` as 1. Real files stay below 8
/// (`moov/trak/mdia/minf/stbl` is 5); the bound stops stack exhaustion on crafted input.
pub const MAX_DEPTH: usize = 16;

/// Box types whose payload is a sequence of boxes. `meta` is a container too, with a 4-byte
/// version/flags prefix in ISO files and none in QuickTime files (see `container_prefix`).
const CONTAINERS: [&[u8; 4]; 11] = [
    b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf", b"edts", b"udta", b"gmhd", b"tref",
    b"mvex",
];

/// One box of the `moov` tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoxNode {
    /// Where the box is and how its header was written.
    pub header: BoxHeader,
    /// Path from the top of the file, e.g. `moov/trak[1]/mdia/hdlr`.
    pub path: String,
    /// Its children, if it is parsed as a container.
    pub content: Content,
}

/// What the tree knows about a box's payload. Exhaustive: a box is parsed into children or
/// not, and the writer's edit tree copies both kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Not parsed as boxes; read it with `Moov::body` (typed parsers do).
    Leaf,
    /// `prefix_len` bytes (ISO `meta` version/flags), then `children`, then `trailer_len` zero
    /// bytes (QuickTime ends `udta` lists with a 32-bit zero).
    Container {
        /// Bytes before the children (4 for ISO `meta`, else 0).
        prefix_len: u64,
        /// The child boxes, in file order.
        children: Vec<BoxNode>,
        /// Zero bytes after the children (4 for QuickTime `udta` lists, else 0).
        trailer_len: u64,
    },
}

impl BoxNode {
    /// The box's type.
    pub fn kind(&self) -> FourCC {
        self.header.kind
    }

    /// Child boxes in file order; empty for a leaf.
    pub fn children(&self) -> &[BoxNode] {
        match &self.content {
            Content::Container { children, .. } => children,
            Content::Leaf => &[],
        }
    }

    /// The first child of the given type.
    pub fn child(&self, kind: &[u8; 4]) -> Option<&BoxNode> {
        self.children().iter().find(|c| c.kind().as_bytes() == kind)
    }

    /// All children of the given type, in file order.
    pub fn children_of<'a>(&'a self, kind: &'a [u8; 4]) -> impl Iterator<Item = &'a BoxNode> {
        self.children()
            .iter()
            .filter(move |c| c.kind().as_bytes() == kind)
    }
}

/// The loaded `moov` box and its tree. Offsets in the tree are absolute file offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moov {
    bytes: Vec<u8>,
    root: BoxNode,
}

impl Moov {
    /// Builds the tree of `bytes`, the whole `moov` box described by `header`.
    pub(crate) fn parse(bytes: Vec<u8>, header: BoxHeader) -> Result<Moov, Mp4Error> {
        let parser = TreeParser {
            bytes: &bytes,
            base: header.offset,
        };
        let root = parser.node(header, "moov".to_string(), 1)?;
        Ok(Moov { bytes, root })
    }

    /// The `moov` box itself.
    pub fn root(&self) -> &BoxNode {
        &self.root
    }

    /// The whole `moov` box as it is in the file.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A box of this tree as it is in the file, header included.
    pub fn raw(&self, node: &BoxNode) -> &[u8] {
        self.slice(node.header.offset, node.header.size)
    }

    /// A box's payload: everything after its header.
    pub fn body(&self, node: &BoxNode) -> &[u8] {
        self.slice(node.header.body_offset(), node.header.body_len())
    }

    /// Nodes come from this tree, so the range is inside `bytes`; a node from another file
    /// gets an empty slice rather than a panic.
    fn slice(&self, offset: u64, len: u64) -> &[u8] {
        offset
            .checked_sub(self.root.header.offset)
            .and_then(|start| {
                let start = usize::try_from(start).ok()?;
                let end = start.checked_add(usize::try_from(len).ok()?)?;
                self.bytes.get(start..end)
            })
            .unwrap_or_default()
    }
}

struct TreeParser<'a> {
    bytes: &'a [u8],
    /// File offset of `bytes[0]`.
    base: u64,
}

impl TreeParser<'_> {
    fn node(&self, header: BoxHeader, path: String, depth: usize) -> Result<BoxNode, Mp4Error> {
        let start = self.index(header.body_offset());
        let end = self.index(header.end());
        let body = self.bytes.get(start..end).unwrap_or_default();
        let content = match container_prefix(header.kind, body) {
            None => Content::Leaf,
            Some(_) if depth > MAX_DEPTH => {
                return Err(Mp4Error::new(
                    path,
                    header.offset,
                    ErrorKind::TooDeep { max: MAX_DEPTH },
                ))
            }
            Some(prefix_len) => {
                let (children, trailer_len) =
                    self.children(&path, start + prefix_len, end, depth + 1)?;
                Content::Container {
                    prefix_len: prefix_len as u64,
                    children,
                    trailer_len,
                }
            }
        };
        Ok(BoxNode {
            header,
            path,
            content,
        })
    }

    /// Parses the boxes in `bytes[start..end]`, children of the box at `parent_path`.
    fn children(
        &self,
        parent_path: &str,
        start: usize,
        end: usize,
        depth: usize,
    ) -> Result<(Vec<BoxNode>, u64), Mp4Error> {
        let mut headers = Vec::new();
        let mut seen: HashMap<FourCC, usize> = HashMap::new();
        let mut pos = start;
        let mut trailer_len = 0;
        while pos < end {
            let rest = self.bytes.get(pos..end).unwrap_or_default();
            if rest.iter().take(4).all(|&b| b == 0) && rest.iter().all(|&b| b == 0) {
                trailer_len = rest.len() as u64;
                break;
            }
            let head = rest.get(..MAX_HEADER_LEN).unwrap_or(rest);
            let offset = self.base + pos as u64;
            match parse_header(head, offset, rest.len() as u64, false) {
                Ok(header) => {
                    *seen.entry(header.kind).or_default() += 1;
                    pos += header.size as usize;
                    headers.push(header);
                }
                Err(HeaderError { kind, error, .. }) => {
                    let path = match kind {
                        Some(kind) => {
                            let count = seen.get(&kind).copied().unwrap_or(0);
                            child_path(parent_path, kind, count, count + 1)
                        }
                        None => parent_path.to_string(),
                    };
                    return Err(Mp4Error::new(path, offset, error));
                }
            }
        }

        let mut index: HashMap<FourCC, usize> = HashMap::new();
        let mut children = Vec::with_capacity(headers.len());
        for header in headers {
            let nth = index.entry(header.kind).or_default();
            let total = seen.get(&header.kind).copied().unwrap_or(0);
            let path = child_path(parent_path, header.kind, *nth, total);
            *nth += 1;
            children.push(self.node(header, path, depth)?);
        }
        Ok((children, trailer_len))
    }

    /// Offsets in the tree were checked against the `moov` size, which is `bytes.len()`.
    fn index(&self, offset: u64) -> usize {
        offset.saturating_sub(self.base) as usize
    }
}

/// `Some(prefix length)` when a box of this type holds child boxes.
///
/// `meta` is a full box in ISO files (version/flags, then `hdlr`) but a plain container in
/// QuickTime (`hdlr` straight away): when the type at body offset 4 is `hdlr` the payload starts
/// with a child box; otherwise a zero version/flags word marks the ISO form.
fn container_prefix(kind: FourCC, body: &[u8]) -> Option<usize> {
    if CONTAINERS.contains(&kind.as_bytes()) {
        return Some(0);
    }
    if kind.as_bytes() != b"meta" {
        return None;
    }
    let quicktime = body.get(4..8) == Some(b"hdlr");
    let iso = body.get(..4) == Some(&[0, 0, 0, 0]);
    Some(if iso && !quicktime { 4 } else { 0 })
}

/// `parent/kind`, with `[index]` for `trak` and for types that repeat among the siblings.
pub(crate) fn child_path(parent: &str, kind: FourCC, index: usize, of_kind: usize) -> String {
    if kind.as_bytes() == b"trak" || of_kind > 1 {
        format!("{parent}/{kind}[{index}]")
    } else {
        format!("{parent}/{kind}")
    }
}
