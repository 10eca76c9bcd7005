use super::attribute_matcher::AttributeMatcher;
use super::compiler::{CompiledAttributeExpr, CompiledLocalNameExpr};
use super::{ChildCounter, SelectorState};
use crate::base::Bytes;
use crate::html::Namespace;
use crate::html::{LocalName, LocalNameHash};
use crate::selectors_vm::DenseHashSet;
use std::ops::Range;

pub(crate) type AddressRange = Range<usize>;

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ExecutionBranch {
    pub matched_ids: DenseHashSet,
    pub jumps: Option<AddressRange>,
    pub hereditary_jumps: Option<AddressRange>,
}

/// The result of trying to execute an instruction without having parsed all attributes
pub(crate) enum TryExecResult<'i> {
    /// A successful match, contains the branch to move to
    Branch(&'i ExecutionBranch),
    /// A partially successful match, but requires attributes to complete
    AttributesRequired,
    /// A failed match, doesn't require attributes to complete
    Fail,
}

pub(crate) struct Instruction {
    /// consent-proxy patch 3/4. The one tag name the instruction requires, if its only tag name condition is a plain
    /// name (see `Compiler::compile_predicate`); the local name expressions check it too.
    pub required_tag: Option<LocalName<'static>>,
    pub associated_branch: ExecutionBranch,
    pub local_name_exprs: Box<[CompiledLocalNameExpr]>,
    pub attribute_exprs: Box<[CompiledAttributeExpr]>,
}

impl Instruction {
    pub fn noop() -> Self {
        Self {
            required_tag: None,
            associated_branch: ExecutionBranch {
                matched_ids: DenseHashSet::Inline(0),
                jumps: None,
                hereditary_jumps: None,
            },
            local_name_exprs: Default::default(),
            attribute_exprs: Default::default(),
        }
    }

    pub fn try_exec_without_attrs<'i>(
        &'i self,
        state: &SelectorState<'_>,
        local_name: &LocalName<'_>,
    ) -> TryExecResult<'i> {
        if self.local_name_exprs.iter().all(|e| e(state, local_name)) {
            if self.attribute_exprs.is_empty() {
                TryExecResult::Branch(&self.associated_branch)
            } else {
                TryExecResult::AttributesRequired
            }
        } else {
            TryExecResult::Fail
        }
    }

    pub fn complete_exec_with_attrs<'i>(
        &'i self,
        state: &SelectorState<'_>,
        attr_matcher: &AttributeMatcher<'_>,
    ) -> Option<&'i ExecutionBranch> {
        if self.attribute_exprs.iter().all(|e| e(state, attr_matcher)) {
            Some(&self.associated_branch)
        } else {
            None
        }
    }

    pub fn exec<'i>(
        &'i self,
        state: &SelectorState<'_>,
        local_name: &LocalName<'_>,
        attr_matcher: &AttributeMatcher<'_>,
    ) -> Option<&'i ExecutionBranch> {
        let is_match = self.local_name_exprs.iter().all(|e| e(state, local_name))
            && self.attribute_exprs.iter().all(|e| e(state, attr_matcher));

        if is_match {
            Some(&self.associated_branch)
        } else {
            None
        }
    }
}

pub(crate) struct Program {
    pub instructions: Box<[Instruction]>,
    // consent-proxy patch 4: matching goes through `entry_index`; the range stays for the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub entry_points: AddressRange,
    /// Enables tracking child types for nth-of-type selectors.
    /// This is disabled if no nth-of-type selectors are used in the program.
    pub enable_nth_of_type: bool,
    /// consent-proxy patch 3. Every attribute that an attribute expression of the program reads, with the tag name the
    /// expression's instruction requires, if any. A start tag that carries none of the attributes
    /// read for its name matches exactly as it would with no attributes at all.
    pub attribute_reads: Box<[AttributeRead]>,
    /// One bit per attribute read (`attribute_filter_bit`): a name whose bit is clear is not
    /// read, whatever the tag.
    pub attribute_filter: u64,
    /// consent-proxy patch 4. The entry points that can match a start tag, by its name.
    pub entry_index: EntryIndex,
}

/// The entry point addresses an element can match, by tag name: the instructions that require
/// that name and those that require none, in address order. Instructions that require another
/// name can neither match nor ask for attributes, so they are not run at all.
#[derive(Debug, Default)]
pub(crate) struct EntryIndex {
    /// Names that hash (nearly all), apart from their lists, so the lookup compares `u64`s.
    hashed: Box<[LocalNameHash]>,
    hashed_addrs: Box<[EntryList]>,
    /// consent-proxy patch 7: an open-addressing table over `hashed` (position + 1, 0 = empty;
    /// at most half full), so a lookup probes about one slot instead of scanning every name.
    slots: Box<[u32]>,
    other: Box<[(LocalName<'static>, EntryList)]>,
    unnamed: EntryList,
}

/// The entry points of one tag name, in address order.
#[derive(Debug, Default)]
pub(crate) struct EntryList {
    pub addrs: Box<[usize]>,
    /// consent-proxy patch 7: every instruction of `addrs` has an attribute expression that fails
    /// when the element has no attributes (`[style]` does, `:not([src])` does not), so an element
    /// that carries none of the attributes the program reads matches none of them.
    pub none_without_attributes: bool,
}

impl EntryIndex {
    pub fn new(instructions: &[Instruction], entry_points: &AddressRange) -> Self {
        let mut names: Vec<&LocalName<'static>> = Vec::new();
        for addr in entry_points.clone() {
            if let Some(tag) = &instructions[addr].required_tag {
                if !names.contains(&tag) {
                    names.push(tag);
                }
            }
        }
        let counter = ChildCounter::default();
        let state = SelectorState {
            cumulative: &counter,
            typed: None,
        };
        let no_attributes = AttributeMatcher::new(Bytes::new(&[]), &[], Namespace::Html);
        // Attribute expressions read only the attributes, never the state.
        let fails_without_attributes = |instr: &Instruction| {
            !instr
                .attribute_exprs
                .iter()
                .all(|e| e(&state, &no_attributes))
        };
        let addrs_for = |name: Option<&LocalName<'static>>| -> EntryList {
            let addrs: Box<[usize]> = entry_points
                .clone()
                .filter(|&addr| match &instructions[addr].required_tag {
                    None => true,
                    Some(tag) => Some(tag) == name,
                })
                .collect();
            EntryList {
                none_without_attributes: addrs
                    .iter()
                    .all(|&addr| fails_without_attributes(&instructions[addr])),
                addrs,
            }
        };
        let mut index = Self {
            unnamed: addrs_for(None),
            ..Self::default()
        };
        let (mut hashed, mut hashed_addrs, mut other) = (Vec::new(), Vec::new(), Vec::new());
        for name in names {
            match name {
                LocalName::Hash(hash) => {
                    hashed.push(*hash);
                    hashed_addrs.push(addrs_for(Some(name)));
                }
                LocalName::Bytes(_) => other.push((name.clone(), addrs_for(Some(name)))),
            }
        }
        let size = (hashed.len() * 2).max(8).next_power_of_two();
        let mut slots = vec![0u32; size];
        for (i, hash) in hashed.iter().enumerate() {
            let mut slot = Self::slot_of(*hash, size - 1);
            while slots[slot] != 0 {
                slot = (slot + 1) & (size - 1);
            }
            slots[slot] = u32::try_from(i + 1).expect("fewer than 2^32 tag names");
        }
        index.slots = slots.into();
        index.hashed = hashed.into();
        index.hashed_addrs = hashed_addrs.into();
        index.other = other.into();
        index
    }

    /// The entry points a `tag` start tag can match, in address order.
    #[inline]
    pub fn for_tag(&self, tag: &LocalName<'_>) -> &[usize] {
        &self.entry(tag).addrs
    }

    #[inline]
    fn slot_of(hash: LocalNameHash, mask: usize) -> usize {
        // The packed name's low bits are its last letters: mix them all in.
        (hash.packed().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask
    }

    #[inline]
    fn find_hashed(&self, hash: LocalNameHash) -> Option<&EntryList> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut slot = Self::slot_of(hash, mask);
        loop {
            let i = (*self.slots.get(slot)? as usize).checked_sub(1)?;
            if self.hashed.get(i) == Some(&hash) {
                return self.hashed_addrs.get(i);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The entry points of `tag`, with what they need (consent-proxy patch 7).
    #[inline]
    pub fn entry(&self, tag: &LocalName<'_>) -> &EntryList {
        // NOTE: the same equality as `LocalName`'s: a hash equals only a hash.
        let found = match tag {
            LocalName::Hash(hash) => self.find_hashed(*hash),
            LocalName::Bytes(_) => self
                .other
                .iter()
                .find(|(name, _)| tag == name)
                .map(|(_, addrs)| addrs),
        };
        found.unwrap_or(&self.unnamed)
    }
}

/// A bit from an attribute name's length and ASCII-lowercased first byte; the same for any case.
#[inline]
pub(crate) fn attribute_filter_bit(name: &[u8]) -> u64 {
    let first = name.first().map_or(0, u8::to_ascii_lowercase);
    1 << ((name.len() + 7 * usize::from(first)) & 63)
}

/// An attribute name (lowercased, in the document's encoding) read by an instruction, and the one
/// tag name the instruction requires (`None`: any tag, e.g. `[style]` or `:not(a)[href]`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct AttributeRead {
    pub tag: Option<LocalName<'static>>,
    pub attr: Box<[u8]>,
}

impl Program {
    /// Whether an instruction can read an attribute of a `tag` start tag.
    #[inline]
    pub fn reads_attributes_of(&self, tag: &LocalName<'_>) -> bool {
        self.attribute_reads
            .iter()
            .any(|r| r.tag.as_ref().is_none_or(|t| t == tag))
    }

    /// Whether an instruction can read the attribute `attr` (as written) of a `tag` start tag;
    /// names compare as the attribute matcher compares them (ASCII-lowercased bytes).
    #[inline]
    pub fn reads_attribute(&self, tag: &LocalName<'_>, attr: &[u8]) -> bool {
        if self.attribute_filter & attribute_filter_bit(attr) == 0 {
            return false;
        }
        self.attribute_reads.iter().any(|r| {
            r.attr.len() == attr.len()
                && attr
                    .iter()
                    .map(u8::to_ascii_lowercase)
                    .eq(r.attr.iter().copied())
                && r.tag.as_ref().is_none_or(|t| t == tag)
        })
    }
}
