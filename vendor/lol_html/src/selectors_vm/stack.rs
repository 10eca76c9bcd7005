use super::SelectorState;
use super::ast::NthChild;
use super::program::AddressRange;
use crate::html::{LocalName, Namespace, Tag};
use crate::memory::{LimitedVec, MemoryLimitExceededError, SharedMemoryLimiter};
use crate::selectors_vm::DenseHashSet;
// use hashbrown for raw entry, switch back to std once it stablizes there
use hashbrown::HashMap;
use hashbrown::hash_map::RawEntryMut;
use std::hash::BuildHasher;

#[inline]
pub(crate) fn is_void_element(local_name: &LocalName<'_>, enable_esi_tags: bool) -> bool {
    // NOTE: fast path for the most commonly used elements
    if tag_is_one_of!(*local_name, [Div, A, Span, Li]) {
        return false;
    }

    if tag_is_one_of!(
        *local_name,
        [
            Area, Base, Basefont, Bgsound, Br, Col, Embed, Hr, Img, Input, Keygen, Link, Meta,
            Param, Source, Track, Wbr
        ]
    ) {
        return true;
    }

    if enable_esi_tags {
        if let LocalName::Bytes(bytes) = local_name {
            // https://www.w3.org/TR/esi-lang/
            if &**bytes == b"esi:include" || &**bytes == b"esi:comment" {
                return true;
            }
        }
    }

    false
}

pub(crate) trait ElementData: 'static {
    fn matched_ids_mut(&mut self) -> &mut DenseHashSet;
    fn new() -> Self;
    /// consent-proxy patch 7: no match and nothing to do at the element's end (an element whose
    /// data is empty and that has no jumps is kept on the stack by name only).
    fn is_empty(&self) -> bool;
}

pub(crate) enum StackDirective {
    Push,
    PushIfNotSelfClosing,
    PopImmediately,
}

#[derive(Default)]
pub(crate) struct ChildCounter {
    cumulative: i32,
}

impl ChildCounter {
    #[inline]
    #[must_use]
    pub const fn new_and_inc() -> Self {
        Self { cumulative: 1 }
    }

    #[inline]
    pub fn inc(&mut self) {
        self.cumulative += 1;
    }

    #[inline]
    #[must_use]
    pub const fn is_nth(&self, nth: NthChild) -> bool {
        nth.has_index(self.cumulative)
    }
}

struct CounterItem {
    /// The counter at this index
    pub counter: ChildCounter,
    /// The index of this counter in the stack
    pub index: usize,
}

struct CounterList {
    items: Vec<CounterItem>,
    // we always have at least one item, an empty list shouldn't exist in the map
    current: CounterItem,
}

impl CounterList {
    pub const fn new(start: usize) -> Self {
        Self {
            items: Vec::new(),
            current: CounterItem {
                counter: ChildCounter::new_and_inc(),
                index: start,
            },
        }
    }
}

/// A more efficient counter that only requires one owned local name to track counters across multiple stack frames
pub(crate) struct TypedChildCounterMap(HashMap<LocalName<'static>, CounterList>);

impl TypedChildCounterMap {
    #[must_use]
    #[inline]
    pub(crate) fn new() -> Self {
        Self(HashMap::new())
    }

    fn hash_name(&self, name: &LocalName<'_>) -> u64 {
        self.0.hasher().hash_one(name)
    }

    /// Adds a seen child to the map. The index is the level of the item
    pub fn add_child(&mut self, name: &LocalName<'_>, index: usize) {
        let hash = self.hash_name(name);
        let entry = self.0.raw_entry_mut().from_hash(hash, |n| name == n);
        match entry {
            RawEntryMut::Vacant(vacant) => {
                vacant.insert_hashed_nocheck(
                    hash,
                    name.clone().into_owned(), // the hash won't change just because we've got ownership
                    CounterList::new(index),
                );
            }
            RawEntryMut::Occupied(mut occupied) => {
                let CounterList { items, current } = occupied.get_mut();
                if current.index == index {
                    current.counter.inc();
                } else {
                    let counter = ChildCounter::new_and_inc();
                    let old = std::mem::replace(current, CounterItem { counter, index });
                    items.push(old);
                }
            }
        }
    }

    #[inline]
    pub fn pop_to(&mut self, index: usize) {
        self.0.retain(|_, v| {
            while v.current.index > index {
                match v.items.pop() {
                    Some(next) => {
                        v.current = next;
                    }
                    None => return false,
                }
            }
            true
        });
    }

    #[inline]
    pub fn get<'a, 'i>(&'a self, name: &LocalName<'i>, index: usize) -> Option<&'i ChildCounter>
    where
        'a: 'i,
    {
        match self.0.get(name) {
            Some(CounterList {
                current:
                    CounterItem {
                        counter,
                        index: current_index,
                    },
                ..
            }) if *current_index == index => Some(counter),
            _ => None,
        }
    }
}

pub(crate) struct StackItem<'i, E: ElementData> {
    pub local_name: LocalName<'i>,
    pub element_data: E,
    pub jumps: Vec<AddressRange>,
    pub hereditary_jumps: Vec<AddressRange>,
    pub child_counter: ChildCounter,
    pub stack_directive: StackDirective,
}

impl<'i, E: ElementData> StackItem<'i, E> {
    #[inline]
    #[must_use]
    pub fn new(local_name: LocalName<'i>) -> Self {
        StackItem {
            local_name,
            element_data: E::new(),
            jumps: Vec::default(),
            hereditary_jumps: Vec::default(),
            child_counter: Default::default(),
            stack_directive: StackDirective::Push,
        }
    }

    #[inline]
    pub fn into_owned(self) -> StackItem<'static, E> {
        StackItem {
            local_name: self.local_name.into_owned(),
            element_data: self.element_data,
            jumps: self.jumps,
            hereditary_jumps: self.hereditary_jumps,
            child_counter: self.child_counter,
            stack_directive: self.stack_directive,
        }
    }
}

/// consent-proxy patch 7: one entry per open element, however it matched. An element that
/// matched nothing and carries no jumps has no [`StackItem`]: it needs only its name (for end
/// tags) and its child counter (for `:nth-child`).
struct OpenElement {
    local_name: LocalName<'static>,
    child_counter: ChildCounter,
    /// Whether this element has a [`FullItem`] in `Stack::items`.
    full: bool,
}

/// consent-proxy patch 7: what an open element that matched or has jumps keeps besides its
/// [`OpenElement`]. An `OpenElement` and a `FullItem` together are no larger than a
/// [`StackItem`], and both vectors grow as stock's one did, so the memory limiter is never
/// charged more than stock charges (tested below).
struct FullItem<E: ElementData> {
    element_data: E,
    jumps: Vec<AddressRange>,
}

/// Above this depth, the names of the open elements are counted, so that a stray end tag is
/// rejected in O(1) (lol_html v3.0.1, #331); below half of it, the counts are dropped again and an
/// end tag scans the (short) stack.
const COUNTED_DEPTH: usize = 64;

pub(crate) struct Stack<E: ElementData> {
    /// A counter for root elements
    root_child_counter: ChildCounter,
    /// A typed counter for all elements on all frames. This is optional to indicate if types are actually being counted.
    typed_child_counters: Option<TypedChildCounterMap>,
    /// consent-proxy patch 7: every open element, innermost last.
    open: LimitedVec<OpenElement>,
    /// The open elements that have element data or jumps, in the same order.
    items: LimitedVec<FullItem<E>>,
    /// Per-name open-element counts so `pop_up_to` can reject a stray end tag in O(1); kept only
    /// while the stack is deep (see [`COUNTED_DEPTH`]).
    open_name_counts: Option<HashMap<LocalName<'static>, usize>>,
    /// Distinct hereditary-jump ranges from open items, with the shallowest depth that introduced each.
    active_hereditary_jumps: Vec<(AddressRange, usize)>,
}

impl<E: ElementData> Stack<E> {
    #[must_use]
    #[inline]
    pub fn new(memory_limiter: SharedMemoryLimiter, enable_nth_of_type: bool) -> Self {
        Self {
            root_child_counter: Default::default(),
            typed_child_counters: enable_nth_of_type.then(TypedChildCounterMap::new),
            open: LimitedVec::new(memory_limiter.clone()),
            items: LimitedVec::new(memory_limiter),
            open_name_counts: None,
            active_hereditary_jumps: Vec::new(),
        }
    }

    /// Adds a child to child counters. Called before pushing the element to the stack.
    pub fn add_child(&mut self, name: &LocalName<'_>) {
        match self.open.last_mut() {
            Some(last) => &mut last.child_counter,
            None => &mut self.root_child_counter,
        }
        .inc();

        if let Some(counters) = &mut self.typed_child_counters {
            counters.add_child(name, self.open.len());
        }
    }

    #[must_use]
    pub fn build_state<'a, 'i>(&'a self, name: &LocalName<'i>) -> SelectorState<'i>
    where
        'a: 'i, // 'a outlives 'i, required to downcast 'a lifetimes into 'i
    {
        let cumulative = self
            .open
            .last()
            .map_or(&self.root_child_counter, |last| &last.child_counter);
        SelectorState {
            cumulative,
            typed: self
                .typed_child_counters
                .as_ref()
                .and_then(|f| f.get(name, self.open.len())),
        }
    }

    #[inline]
    #[must_use]
    pub fn get_stack_directive(
        item: &StackItem<'_, E>,
        ns: Namespace,
        enable_esi_tags: bool,
    ) -> StackDirective {
        if ns == Namespace::Html {
            if is_void_element(&item.local_name, enable_esi_tags) {
                StackDirective::PopImmediately
            } else {
                StackDirective::Push
            }
        } else {
            StackDirective::PushIfNotSelfClosing
        }
    }

    fn count_name(counts: &mut HashMap<LocalName<'static>, usize>, name: &LocalName<'static>) {
        *counts.entry(name.clone()).or_default() += 1;
    }

    fn uncount_name(counts: &mut HashMap<LocalName<'static>, usize>, name: &LocalName<'static>) {
        if let RawEntryMut::Occupied(mut e) = counts.raw_entry_mut().from_key(name) {
            *e.get_mut() -= 1;
            if *e.get() == 0 {
                e.remove();
            }
        }
    }

    /// Counts a name about to be pushed, once the stack is deep enough for counts to pay.
    #[inline]
    fn count_open_name(&mut self, local_name: &LocalName<'static>) {
        if self.open_name_counts.is_some() || self.open.len() >= COUNTED_DEPTH {
            self.count_open_name_deep(local_name);
        }
    }

    #[cold]
    fn count_open_name_deep(&mut self, local_name: &LocalName<'static>) {
        let counts = self.open_name_counts.get_or_insert_with(|| {
            let mut counts = HashMap::new();
            for open in self.open.iter() {
                Self::count_name(&mut counts, &open.local_name);
            }
            counts
        });
        Self::count_name(counts, local_name);
    }

    pub fn pop_up_to(
        &mut self,
        local_name: LocalName<'_>,
        mut popped_element_data_handler: impl FnMut(E),
    ) {
        // consent-proxy patch 7: the common case, an end tag for the innermost element.
        if self.open_name_counts.is_none() {
            if let Some(top) = self.open.last() {
                if top.local_name == local_name {
                    self.pop_innermost(&mut popped_element_data_handler);
                    return;
                }
            }
        }
        self.pop_up_to_slow(local_name, popped_element_data_handler);
    }

    /// Forgets the counters and hereditary jumps of the open elements from `index` on (about to
    /// be popped).
    #[inline]
    fn forget_from(&mut self, index: usize) {
        if let Some(c) = self.typed_child_counters.as_mut() {
            c.pop_to(index);
        }
        if !self.active_hereditary_jumps.is_empty() {
            self.active_hereditary_jumps.retain(|(_, d)| *d < index);
        }
    }

    #[inline]
    fn pop_innermost(&mut self, popped_element_data_handler: &mut impl FnMut(E)) {
        self.forget_from(self.open.len() - 1);
        if let Some(top) = self.open.pop() {
            if top.full {
                if let Some(item) = self.items.pop() {
                    popped_element_data_handler(item.element_data);
                }
            }
        }
    }

    fn pop_up_to_slow(
        &mut self,
        local_name: LocalName<'_>,
        mut popped_element_data_handler: impl FnMut(E),
    ) {
        if let Some(counts) = &self.open_name_counts {
            if !counts.contains_key(&local_name) {
                return;
            }
        }
        let Some(index) = self
            .open
            .iter()
            .rposition(|item| item.local_name == local_name)
        else {
            return;
        };
        self.forget_from(index);
        let mut full = 0;
        for item in self.open.drain(index..) {
            full += usize::from(item.full);
            if let Some(counts) = &mut self.open_name_counts {
                Self::uncount_name(counts, &item.local_name);
            }
        }
        for item in self.items.drain(self.items.len() - full..) {
            popped_element_data_handler(item.element_data);
        }
        if self.open_name_counts.is_some() && self.open.len() < COUNTED_DEPTH / 2 {
            self.open_name_counts = None;
        }
    }

    #[inline]
    #[must_use]
    pub fn active_hereditary_jumps(&self) -> &[(AddressRange, usize)] {
        &self.active_hereditary_jumps
    }

    /// The names of the open elements, outermost first.
    #[cfg(test)]
    #[must_use]
    pub fn open_names(&self) -> Vec<LocalName<'static>> {
        self.open.iter().map(|o| o.local_name.clone()).collect()
    }

    /// The jumps of the innermost open element (the parent of the element being matched).
    #[inline]
    #[must_use]
    pub fn parent_jumps(&self) -> &[AddressRange] {
        match (self.open.last(), self.items.last()) {
            (Some(OpenElement { full: true, .. }), Some(item)) => &item.jumps,
            _ => &[],
        }
    }

    /// The data of the element pushed last, if it is still the innermost open element and has
    /// data.
    #[inline]
    pub fn current_element_data_mut(&mut self) -> Option<&mut E> {
        match self.open.last() {
            Some(OpenElement { full: true, .. }) => {
                self.items.last_mut().map(|i| &mut i.element_data)
            }
            _ => None,
        }
    }

    /// consent-proxy patch 7: pushes an element that matched nothing and has no jumps.
    #[inline]
    pub fn push_unmatched(
        &mut self,
        local_name: LocalName<'static>,
    ) -> Result<(), MemoryLimitExceededError> {
        self.push_open(local_name, false)
    }

    #[inline]
    fn push_open(
        &mut self,
        local_name: LocalName<'static>,
        full: bool,
    ) -> Result<(), MemoryLimitExceededError> {
        self.count_open_name(&local_name);
        self.open.push(OpenElement {
            local_name,
            child_counter: ChildCounter::default(),
            full,
        })
    }

    #[inline]
    pub fn push_item(
        &mut self,
        item: StackItem<'static, E>,
    ) -> Result<(), MemoryLimitExceededError> {
        let depth = self.open.len();
        let full = !item.element_data.is_empty()
            || !item.jumps.is_empty()
            || !item.hereditary_jumps.is_empty();
        if !full {
            let StackItem { local_name, .. } = item;
            return self.push_unmatched(local_name);
        }
        let StackItem {
            local_name,
            element_data,
            jumps,
            hereditary_jumps,
            ..
        } = item;
        self.push_open(local_name, true)?;
        for r in &hereditary_jumps {
            if !self.active_hereditary_jumps.iter().any(|(a, _)| a == r) {
                self.active_hereditary_jumps.push((r.clone(), depth));
            }
        }
        self.items.push(FullItem {
            element_data,
            jumps,
        })?;
        Ok(())
    }
}

/// consent-proxy patch 7: an open element's two entries together are no larger than the one stock
/// kept (see [`FullItem`]).
#[cfg(test)]
pub(crate) fn split_entries_fit<E: ElementData>() -> bool {
    size_of::<OpenElement>() + size_of::<FullItem<E>>() <= size_of::<StackItem<'static, E>>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::SharedMemoryLimiter;
    use crate::selectors_vm::DenseHashSet;
    use encoding_rs::UTF_8;

    #[derive(Default)]
    struct TestElementData(usize);

    impl ElementData for TestElementData {
        fn matched_ids_mut(&mut self) -> &mut DenseHashSet {
            unreachable!();
        }
        fn new() -> Self {
            Self::default()
        }
        fn is_empty(&self) -> bool {
            self.0 == LIGHT
        }
    }

    /// Element data that marks an element that matched nothing (kept by name only).
    const LIGHT: usize = usize::MAX;

    fn local_name(name: &'static str) -> LocalName<'static> {
        LocalName::from_str_without_replacements(name, UTF_8).unwrap()
    }

    fn item(name: &'static str, data: usize) -> StackItem<'static, TestElementData> {
        let mut item = StackItem::new(local_name(name));

        item.element_data = TestElementData(data);

        item
    }

    fn active_hj(stack: &Stack<TestElementData>) -> Vec<AddressRange> {
        stack
            .active_hereditary_jumps()
            .iter()
            .map(|(r, _)| r.clone())
            .collect()
    }

    #[test]
    fn active_hereditary_jumps_dedup_and_prune() {
        let mut stack = Stack::new(SharedMemoryLimiter::new(2048), false);

        stack.push_item(item("a", 0)).unwrap();

        let mut b = item("b", 1);
        b.hereditary_jumps.push(0..1);
        stack.push_item(b).unwrap();
        assert_eq!(active_hj(&stack), vec![0..1]);

        let mut c = item("c", 2);
        c.hereditary_jumps.push(0..1);
        c.hereditary_jumps.push(2..4);
        stack.push_item(c).unwrap();
        assert_eq!(active_hj(&stack), vec![0..1, 2..4]);

        stack.push_item(item("d", 3)).unwrap();
        assert_eq!(active_hj(&stack), vec![0..1, 2..4]);

        stack.pop_up_to(local_name("c"), |_| {});
        assert_eq!(active_hj(&stack), vec![0..1]);

        stack.pop_up_to(local_name("a"), |_| {});
        assert!(active_hj(&stack).is_empty());
    }

    #[test]
    fn open_name_counts_track_push_and_drain() {
        let mut stack = Stack::new(SharedMemoryLimiter::new(2048), false);

        stack.push_item(item("a", 0)).unwrap();
        stack.push_item(item("b", 1)).unwrap();
        stack.push_item(item("a", 2)).unwrap();

        stack.pop_up_to(local_name("c"), |_| unreachable!("should not pop"));
        assert_eq!(stack.open_names().len(), 3);

        let mut popped = Vec::new();
        stack.pop_up_to(local_name("a"), |d| popped.push(d.0));
        assert_eq!(popped, vec![2]);
        assert_eq!(stack.open_names().len(), 2);

        stack.pop_up_to(local_name("a"), |d| popped.push(d.0));
        assert_eq!(popped, vec![2, 0, 1]);
        assert!(stack.open_names().is_empty());

        stack.pop_up_to(local_name("a"), |_| unreachable!("stack is empty"));
    }

    #[test]
    fn pop_up_to() {
        macro_rules! assert_pop_result {
            ($up_to:expr, $expected_unmatched:expr, $expected_items:expr) => {{
                let mut stack = Stack::new(SharedMemoryLimiter::new(2048), false);

                stack.push_item(item("html", 0)).unwrap();
                stack.push_item(item("body", 1)).unwrap();
                stack.push_item(item("div", 2)).unwrap();
                stack.push_item(item("div", 3)).unwrap();
                stack.push_item(item("span", 4)).unwrap();

                let mut unmatched = Vec::default();

                stack.pop_up_to(local_name($up_to), |d| {
                    unmatched.push(d.0);
                });

                assert_eq!(unmatched, $expected_unmatched);

                assert_eq!(
                    stack.open_names(),
                    $expected_items
                        .iter()
                        .map(|&i| local_name(i))
                        .collect::<Vec<_>>()
                );
            }};
        }

        assert_pop_result!("span", vec![4], ["html", "body", "div", "div"]);
        assert_pop_result!("div", vec![3, 4], ["html", "body", "div"]);
        assert_pop_result!("body", vec![1, 2, 3, 4], ["html"]);
        assert_pop_result!("html", vec![0, 1, 2, 3, 4], []);

        let empty: Vec<usize> = Vec::default();

        assert_pop_result!("table", empty, ["html", "body", "div", "div", "span"]);
    }

    #[test]
    fn pop_up_to_on_empty_stack() {
        let mut stack = Stack::new(SharedMemoryLimiter::new(2048), false);
        let mut handler_called = false;

        stack.pop_up_to(local_name("div"), |_: TestElementData| {
            handler_called = true;
        });

        assert!(!handler_called);
        assert_eq!(stack.open_names().len(), 0);
    }

    #[test]
    fn elements_that_matched_nothing_are_popped_with_the_ones_that_did() {
        let mut stack = Stack::new(SharedMemoryLimiter::new(4096), false);

        stack.push_item(item("html", 0)).unwrap();
        stack.push_item(item("body", LIGHT)).unwrap();
        assert!(stack.current_element_data_mut().is_none());
        stack.push_item(item("div", 2)).unwrap();
        assert_eq!(stack.current_element_data_mut().map(|d| d.0), Some(2));
        stack.push_unmatched(local_name("div")).unwrap();
        stack.push_item(item("span", 4)).unwrap();

        let mut popped = Vec::new();
        stack.pop_up_to(local_name("div"), |d| popped.push(d.0));
        assert_eq!(popped, vec![4]);
        assert_eq!(stack.open_names(), ["html", "body", "div"].map(local_name));
        assert_eq!(stack.current_element_data_mut().map(|d| d.0), Some(2));

        stack.pop_up_to(local_name("body"), |d| popped.push(d.0));
        assert_eq!(popped, vec![4, 2]);
        assert_eq!(stack.open_names(), ["html"].map(local_name));

        stack.pop_up_to(local_name("html"), |d| popped.push(d.0));
        assert_eq!(popped, vec![4, 2, 0]);
        assert!(stack.open_names().is_empty());
    }

    /// The stack against a plain model (every element kept whole, popped by a scan), through
    /// random pushes and end tags deep enough to switch the name counts on and off.
    #[test]
    fn light_and_counted_stack_pops_as_a_plain_one() {
        let names = ["a", "b", "div", "x-custom-element", "span"];
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut stack = Stack::new(SharedMemoryLimiter::new(usize::MAX), false);
        let mut model: Vec<(LocalName<'static>, usize)> = Vec::new();
        let mut next_id = 0;
        let (mut switches, mut was_counted) = (0, false);
        for step in 0..20_000 {
            // Phases of growth and shrinkage, so the depth crosses COUNTED_DEPTH both ways.
            let growing = (step / 2_000) % 2 == 0;
            let name = local_name(names[next(names.len() as u64) as usize]);
            if next(10) < if growing { 7 } else { 3 } {
                let data = if next(3) == 0 { next_id } else { LIGHT };
                next_id += 1;
                stack
                    .push_item(StackItem {
                        element_data: TestElementData(data),
                        ..StackItem::new(name.clone())
                    })
                    .unwrap();
                model.push((name, data));
            } else {
                // An end tag: mostly for the innermost element or a stray one, now and then
                // for a random name (which closes everything above its nearest match).
                let name = match next(10) {
                    0..=4 => model.last().map_or(name, |(n, _)| n.clone()),
                    5..=8 => local_name("q"),
                    _ => name,
                };
                let mut popped = Vec::new();
                stack.pop_up_to(name.clone(), |d| popped.push(d.0));
                let mut expected = Vec::new();
                if let Some(i) = model.iter().rposition(|(n, _)| *n == name) {
                    expected = model
                        .drain(i..)
                        .map(|(_, d)| d)
                        .filter(|&d| d != LIGHT)
                        .collect();
                }
                assert_eq!(popped, expected, "step {step}");
            }
            let open: Vec<_> = model.iter().map(|(n, _)| n.clone()).collect();
            assert_eq!(stack.open_names(), open, "step {step}");
            let counted = stack.open_name_counts.is_some();
            if open.len() > COUNTED_DEPTH {
                assert!(counted, "step {step}: deep and not counted");
            }
            if open.len() < COUNTED_DEPTH / 2 {
                assert!(!counted, "step {step}: shallow and still counted");
            }
            switches += usize::from(counted != was_counted);
            was_counted = counted;
        }
        assert!(next_id > 1_000);
        assert!(
            switches >= 4,
            "the depth crossed the thresholds {switches} times"
        );
    }
}
