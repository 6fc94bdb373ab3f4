//! Where the nodes of a [`super::Tree`] live: one array of 24-byte nodes with a generation
//! counter each, one text arena for their values and one pool for their children lists.
//!
//! A tree of a 100k-line file has over a million nodes, so the per-node cost is the
//! tree's cost: nothing here allocates per node. A value of up to three bytes sits in its
//! node; a longer one is an entry of the arena: its length (one byte below 128) then its
//! bytes. A children list is a range of the pool, as
//! long as the list when get made it; a list that grows gets room to grow (recorded beside
//! the nodes, since few lists ever grow) and moves to the end of the pool when it outgrows
//! that room. Values and
//! lists that are replaced or freed leave garbage behind, and the arena and the pool are
//! compacted when garbage is more than half of them, so edits cost amortised constant
//! space. Removed slots are reused with a new generation, so a stale [`NodeId`] never
//! names a node made later.

use super::NodeId;
use rustc_hash::FxHashMap;
use std::num::NonZeroU32;

/// No parent (see [`Node::parent`]).
const NO_PARENT: u32 = u32::MAX;
/// [`Node::value`]: the node has no value.
const NO_VALUE: [u8; 4] = [0xff; 4];
/// [`Node::value`]: the value is too long for the arena and lives in [`Store::long`].
const LONG_VALUE: [u8; 4] = [0xfe, 0xff, 0xff, 0xff];
/// Values of at most this many bytes live in the node itself.
const INLINE: usize = 3;
/// [`Node::value`]'s last byte when the value is inline (ored with its length).
const INLINE_TAG: u8 = 0x80;
/// Arena offsets stay below this (the top bit of [`Node::value`] tells them from the rest).
const ARENA_LIMIT: usize = 1 << 31;

/// How a node holds its value, read off [`Node::value`].
enum Held {
    None,
    /// In the node: its first `n` bytes.
    Inline(usize),
    /// The arena entry at this offset.
    Arena(usize),
    /// In [`Store::long`].
    Long,
}

impl Held {
    fn of(v: [u8; 4]) -> Held {
        match v[3] {
            b if b & INLINE_TAG == 0 => Held::Arena(u32::from_le_bytes(v) as usize),
            b if usize::from(b & !INLINE_TAG) <= INLINE => {
                Held::Inline(usize::from(b & !INLINE_TAG))
            }
            _ if v == LONG_VALUE => Held::Long,
            _ => Held::None,
        }
    }
}

/// An arena entry's length is written as one `char` (so the arena stays a `str`): the
/// length itself below the surrogates, shifted past them above. Longer values go to
/// [`Store::long`].
const MAX_ARENA_VALUE: usize = 0x10_ffff - 0x800;

fn length_char(len: usize) -> Option<char> {
    let code = if len < 0xd800 {
        len
    } else {
        len.checked_add(0x800)?
    };
    char::from_u32(u32::try_from(code).ok()?)
}

/// The entry of `arena` at `at`: its size there (length and value) and its value.
fn arena_entry(arena: &str, at: usize) -> Option<(usize, &str)> {
    let c = arena.get(at..)?.chars().next()?;
    let start = at + c.len_utf8();
    let v = arena.get(start..start + char_length(c))?;
    Some((c.len_utf8() + v.len(), v))
}

fn char_length(c: char) -> usize {
    let code = c as usize;
    if code < 0xd800 { code } else { code - 0x800 }
}
/// The arena and the pool are compacted only past this much garbage.
const MIN_GARBAGE: usize = 4096;

/// One node: 24 bytes, with neither a heap allocation of its own nor a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Node {
    /// The label, as an index into the tree's labels (see `super::Labels`).
    pub(super) label: u32,
    /// Flags and origin (see `super::META_*`).
    pub(super) meta: u32,
    /// The slot of the parent (`NO_PARENT` for none).
    parent: u32,
    /// The value (see [`Held`]): up to three bytes and `INLINE_TAG | length`; or the
    /// offset of its arena entry (top bit clear); or `NO_VALUE` or `LONG_VALUE`.
    value: [u8; 4],
    /// Where the children list starts in the pool, and how long it is. Its room there is
    /// its length, unless [`Store::room`] says more.
    kids_start: u32,
    kids_len: u32,
}

// Keep it small: every byte here is a megabyte at 100k lines.
const _: () = assert!(std::mem::size_of::<Node>() == 24);

/// What fills the pool's unused room (never read as a child).
const HOLE: NodeId = NodeId {
    slot: u32::MAX,
    generation: NonZeroU32::MIN,
};

/// A length or offset as stored in a node: lists and arenas past 4 GiB saturate (and then
/// read as empty) rather than wrap; memory runs out long before.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The nodes, values and children lists of a tree.
#[derive(Debug, Clone, Default)]
pub(super) struct Store {
    nodes: Vec<Node>,
    /// Per slot: its generation, odd while the slot holds a live node.
    generations: Vec<u32>,
    /// Slots free for reuse.
    free: Vec<u32>,
    /// The number of live nodes.
    live: usize,
    /// The values longer than `INLINE` bytes, each after its length.
    arena: String,
    /// Bytes of `arena` no node refers to any more.
    arena_garbage: usize,
    /// Values too long for the arena's ranges, by slot.
    long: FxHashMap<u32, Box<str>>,
    /// The children lists, with room to grow after each.
    pool: Vec<NodeId>,
    /// Cells of `pool` no list owns any more.
    pool_garbage: usize,
    /// By slot: the room of the lists that have more room in the pool than their length.
    room: FxHashMap<u32, u32>,
}

impl Store {
    fn slot(&self, id: NodeId) -> Option<usize> {
        let i = id.slot as usize;
        (self.generations.get(i) == Some(&id.generation.get())).then_some(i)
    }

    /// The id of the live node in slot `i`.
    fn id_at(&self, i: u32) -> Option<NodeId> {
        let generation = *self.generations.get(i as usize)?;
        (generation % 2 == 1).then_some(NodeId {
            slot: i,
            generation: NonZeroU32::new(generation)?,
        })
    }

    /// Whether `id` names a live node.
    pub(super) fn contains(&self, id: NodeId) -> bool {
        self.slot(id).is_some()
    }

    /// The number of live nodes.
    pub(super) fn len(&self) -> usize {
        self.live
    }

    pub(super) fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(self.slot(id)?)
    }

    /// The node, to change its label or flags.
    pub(super) fn get_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        let i = self.slot(id)?;
        self.nodes.get_mut(i)
    }

    /// How many slots there are, live or free.
    pub(super) fn slots(&self) -> usize {
        self.nodes.len()
    }

    /// The live nodes with no parent among slots `range`.
    pub(super) fn roots_in(&self, range: std::ops::Range<usize>) -> Vec<NodeId> {
        range
            .filter(|&i| self.nodes.get(i).is_some_and(|n| n.parent == NO_PARENT))
            .filter_map(|i| self.id_at(narrow(i)))
            .collect()
    }

    /// The live nodes, in slot order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((self.id_at(narrow(i))?, n)))
    }

    /// Makes a node with no children.
    pub(super) fn insert(
        &mut self,
        label: u32,
        meta: u32,
        value: Option<&str>,
        parent: Option<NodeId>,
    ) -> NodeId {
        let node = Node {
            label,
            meta,
            parent: parent.map_or(NO_PARENT, |p| p.slot),
            value: NO_VALUE,
            kids_start: 0,
            kids_len: 0,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                let i = slot as usize;
                if let Some(n) = self.nodes.get_mut(i) {
                    *n = node;
                }
                if let Some(g) = self.generations.get_mut(i) {
                    // Odd again: live. Wrapping skips 0, which no id holds.
                    *g = g.wrapping_add(1).max(1);
                }
                slot
            }
            None => {
                self.nodes.push(node);
                self.generations.push(1);
                narrow(self.nodes.len() - 1)
            }
        };
        self.live += 1;
        let generation = self.generations.get(slot as usize).copied().unwrap_or(1);
        let id = NodeId {
            slot,
            generation: NonZeroU32::new(generation).unwrap_or(NonZeroU32::MIN),
        };
        if let Some(v) = value {
            let held = self.hold(slot, v);
            if let Some(n) = self.nodes.get_mut(slot as usize) {
                n.value = held;
            }
        }
        id
    }

    /// Makes a node with no parent whose children are `kids` (live nodes with no parent,
    /// in no list): [`Store::insert`] and [`Store::extend_kids`] in one step.
    pub(super) fn insert_over(
        &mut self,
        label: u32,
        meta: u32,
        value: Option<&str>,
        kids: &[NodeId],
    ) -> NodeId {
        let id = self.insert(label, meta, value, None);
        if kids.is_empty() {
            return id;
        }
        let start = narrow(self.pool.len());
        for &k in kids {
            if let Some(i) = self.slot(k)
                && let Some(n) = self.nodes.get_mut(i)
            {
                n.parent = id.slot;
                self.pool.push(k);
            }
        }
        if let Some(n) = self.nodes.get_mut(id.slot as usize) {
            n.kids_start = start;
            n.kids_len = narrow(self.pool.len()) - start;
        }
        id
    }

    /// Frees the node `id`, returning its children (which stay, parentless).
    pub(super) fn remove(&mut self, id: NodeId) -> Option<Vec<NodeId>> {
        let i = self.slot(id)?;
        let kids = self.children(id).to_vec();
        for &k in &kids {
            self.set_parent(k, None);
        }
        self.drop_value(i);
        self.pool_garbage += self.room_of(i);
        self.room.remove(&id.slot);
        let n = self.nodes.get_mut(i)?;
        n.kids_start = 0;
        n.kids_len = 0;
        n.parent = NO_PARENT;
        if let Some(g) = self.generations.get_mut(i) {
            *g = g.wrapping_add(1);
        }
        self.free.push(id.slot);
        self.live -= 1;
        Some(kids)
    }

    /// The parent of `id`.
    pub(super) fn parent(&self, id: NodeId) -> Option<NodeId> {
        let n = self.get(id)?;
        if n.parent == NO_PARENT {
            return None;
        }
        self.id_at(n.parent)
    }

    /// Sets the parent link of `id`, returning the old one.
    pub(super) fn set_parent(&mut self, id: NodeId, parent: Option<NodeId>) -> Option<NodeId> {
        let old = self.parent(id);
        if let Some(n) = self.get_mut(id) {
            n.parent = parent.map_or(NO_PARENT, |p| p.slot);
        }
        old
    }

    /// The value of `id`.
    pub(super) fn value(&self, id: NodeId) -> Option<&str> {
        let n = self.get(id)?;
        match Held::of(n.value) {
            Held::None => None,
            Held::Long => self.long.get(&id.slot).map(|v| &**v),
            Held::Inline(len) => std::str::from_utf8(n.value.get(..len)?).ok(),
            Held::Arena(at) => self.arena_entry(at).map(|(_, v)| v),
        }
    }

    /// The arena entry at `at`: its size in the arena and its value.
    fn arena_entry(&self, at: usize) -> Option<(usize, &str)> {
        arena_entry(&self.arena, at)
    }

    /// Sets the value of `id`; `false` when `id` is not live.
    pub(super) fn set_value(&mut self, id: NodeId, value: Option<&str>) -> bool {
        let Some(i) = self.slot(id) else {
            return false;
        };
        self.drop_value(i);
        let held = match value {
            None => NO_VALUE,
            Some(v) => self.hold(id.slot, v),
        };
        if let Some(n) = self.nodes.get_mut(i) {
            n.value = held;
        }
        true
    }

    /// Stores `v` for the node in `slot` (which holds no value): what its node's `value`
    /// field is then.
    fn hold(&mut self, slot: u32, v: &str) -> [u8; 4] {
        if v.len() <= INLINE {
            let mut held = [0; 4];
            held[..v.len()].copy_from_slice(v.as_bytes());
            held[3] = INLINE_TAG | v.len() as u8;
            return held;
        }
        if self.arena_garbage > MIN_GARBAGE.max(self.arena.len() / 2) {
            self.compact_arena();
        }
        let at = self.arena.len();
        match length_char(v.len()) {
            Some(c) if v.len() <= MAX_ARENA_VALUE && at + 4 + v.len() < ARENA_LIMIT => {
                self.arena.push(c);
                self.arena.push_str(v);
                narrow(at).to_le_bytes()
            }
            _ => {
                self.long.insert(slot, v.into());
                LONG_VALUE
            }
        }
    }

    /// Lets go of the value of slot `i`.
    fn drop_value(&mut self, i: usize) {
        let Some(n) = self.nodes.get(i) else {
            return;
        };
        match Held::of(n.value) {
            Held::None | Held::Inline(_) => {}
            Held::Long => {
                self.long.remove(&narrow(i));
            }
            Held::Arena(at) => {
                self.arena_garbage += self.arena_entry(at).map_or(0, |(size, _)| size);
            }
        }
        if let Some(n) = self.nodes.get_mut(i) {
            n.value = NO_VALUE;
        }
    }

    /// Copies the live values into a fresh arena.
    fn compact_arena(&mut self) {
        let mut arena =
            String::with_capacity(self.arena.len() - self.arena_garbage.min(self.arena.len()));
        for n in &mut self.nodes {
            let Held::Arena(at) = Held::of(n.value) else {
                continue;
            };
            let entry =
                arena_entry(&self.arena, at).and_then(|(size, _)| self.arena.get(at..at + size));
            n.value = narrow(arena.len()).to_le_bytes();
            arena.push_str(entry.unwrap_or("\0"));
        }
        self.arena = arena;
        self.arena_garbage = 0;
    }

    /// The children of `id`, in order.
    pub(super) fn children(&self, id: NodeId) -> &[NodeId] {
        self.get(id).map_or(&[], |n| self.kids(n))
    }

    fn kids(&self, n: &Node) -> &[NodeId] {
        let start = n.kids_start as usize;
        self.pool
            .get(start..start + n.kids_len as usize)
            .unwrap_or_default()
    }

    /// How many cells of the pool the list of slot `i` owns.
    fn room_of(&self, i: usize) -> usize {
        let len = self.nodes.get(i).map_or(0, |n| n.kids_len as usize);
        if self.room.is_empty() {
            return len;
        }
        self.room.get(&narrow(i)).map_or(len, |&room| room as usize)
    }

    /// Makes room for `extra` more children of slot `i`, moving its list to the end of the
    /// pool when it has no room where it is. Returns where the list starts.
    fn reserve(&mut self, i: usize, extra: usize) -> Option<usize> {
        let cap = self.room_of(i);
        let n = self.nodes.get(i)?;
        let (start, len) = (n.kids_start as usize, n.kids_len as usize);
        if len + extra <= cap {
            return Some(start);
        }
        // A new list gets exactly its length (how get builds a file); a growing one doubles.
        let new_cap = if len == 0 {
            extra
        } else {
            (len + extra).max(2 * len)
        };
        if start + cap == self.pool.len() {
            // The last list of the pool grows where it is.
            self.pool.resize(start + new_cap, HOLE);
        } else {
            if self.pool_garbage > MIN_GARBAGE.max(self.pool.len() / 2) {
                self.compact_pool();
                return self.reserve(i, extra);
            }
            let to = self.pool.len();
            self.pool.extend_from_within(start..start + len);
            self.pool.resize(to + new_cap, HOLE);
            self.pool_garbage += cap;
            let n = self.nodes.get_mut(i)?;
            n.kids_start = narrow(to);
        }
        let n = self.nodes.get_mut(i)?;
        let start = n.kids_start as usize;
        if new_cap > len + extra {
            self.room.insert(narrow(i), narrow(new_cap));
        } else {
            self.room.remove(&narrow(i));
        }
        Some(start)
    }

    /// Copies the live lists into a fresh pool, each with exactly its length as room.
    fn compact_pool(&mut self) {
        let mut pool = Vec::with_capacity(self.pool.len() - self.pool_garbage.min(self.pool.len()));
        for (i, n) in self.nodes.iter_mut().enumerate() {
            let live = self.generations.get(i).is_some_and(|g| g % 2 == 1);
            let start = n.kids_start as usize;
            let kids = self
                .pool
                .get(start..start + n.kids_len as usize)
                .unwrap_or_default();
            n.kids_start = narrow(pool.len());
            if !live || kids.is_empty() {
                n.kids_len = 0;
                continue;
            }
            pool.extend_from_slice(kids);
        }
        self.pool = pool;
        self.pool_garbage = 0;
        self.room.clear();
    }

    /// Inserts `kid` as child number `index` (clamped) of `parent`. Returns the index used.
    pub(super) fn insert_kid(
        &mut self,
        parent: NodeId,
        index: usize,
        kid: NodeId,
    ) -> Option<usize> {
        let i = self.slot(parent)?;
        let len = self.nodes.get(i)?.kids_len as usize;
        let index = index.min(len);
        let start = self.reserve(i, 1)?;
        self.pool
            .copy_within(start + index..start + len, start + index + 1);
        *self.pool.get_mut(start + index)? = kid;
        self.nodes.get_mut(i)?.kids_len = narrow(len + 1);
        Some(index)
    }

    /// Takes child number `index` out of `parent`'s list.
    pub(super) fn remove_kid(&mut self, parent: NodeId, index: usize) -> Option<NodeId> {
        let i = self.slot(parent)?;
        let n = self.nodes.get(i)?;
        let (start, len) = (n.kids_start as usize, n.kids_len as usize);
        if index >= len {
            return None;
        }
        let kid = *self.pool.get(start + index)?;
        self.pool
            .copy_within(start + index + 1..start + len, start + index);
        self.shrink(i, len - 1);
        Some(kid)
    }

    /// Keeps the first `len` children of `parent`.
    pub(super) fn truncate_kids(&mut self, parent: NodeId, len: usize) {
        if let Some(i) = self.slot(parent) {
            self.shrink(i, len);
        }
    }

    /// Shortens the list of slot `i` to `len`, keeping the room it owns.
    fn shrink(&mut self, i: usize, len: usize) {
        let room = self.room_of(i);
        if let Some(n) = self.nodes.get_mut(i)
            && len < n.kids_len as usize
        {
            n.kids_len = narrow(len);
            self.room.insert(narrow(i), narrow(room));
        }
    }

    /// Appends `kids` to `parent`'s list.
    pub(super) fn extend_kids(&mut self, parent: NodeId, kids: &[NodeId]) {
        if kids.is_empty() {
            return;
        }
        let Some(i) = self.slot(parent) else {
            return;
        };
        let Some(len) = self.nodes.get(i).map(|n| n.kids_len as usize) else {
            return;
        };
        if len == 0 && self.room_of(i) == 0 {
            // A node's first children (how get builds every list): at the end of the pool,
            // with exactly their room.
            let start = narrow(self.pool.len());
            self.pool.extend_from_slice(kids);
            if let Some(n) = self.nodes.get_mut(i) {
                n.kids_start = start;
                n.kids_len = narrow(kids.len());
            }
            return;
        }
        let Some(start) = self.reserve(i, kids.len()) else {
            return;
        };
        if let Some(room) = self.pool.get_mut(start + len..start + len + kids.len()) {
            room.copy_from_slice(kids);
            if let Some(n) = self.nodes.get_mut(i) {
                n.kids_len = narrow(len + kids.len());
            }
        }
    }

    /// Replaces `parent`'s list with `kids`, returning the old one.
    pub(super) fn replace_kids(&mut self, parent: NodeId, kids: &[NodeId]) -> Vec<NodeId> {
        let old = self.children(parent).to_vec();
        self.truncate_kids(parent, 0);
        self.extend_kids(parent, kids);
        old
    }

    /// Moves every slot of `other` after this store's own, live or free, with each label
    /// replaced by `label(old)`: node `id` of `other` is then `id` shifted by the returned
    /// offset (see [`shifted`]), with the same generation, value, children and links.
    /// Each of `other`'s arrays is dropped as soon as it is copied, so that the two
    /// stores are never whole at once. `None` (and nothing moved) when the slots would
    /// not fit the ids' 32 bits.
    pub(super) fn absorb(&mut self, other: Store, label: impl Fn(u32) -> u32) -> Option<u32> {
        let Store {
            nodes,
            generations,
            free,
            live,
            arena,
            arena_garbage,
            mut long,
            pool,
            pool_garbage,
            room,
        } = other;
        let base = u32::try_from(self.nodes.len()).ok()?;
        let pool_base = u32::try_from(self.pool.len()).ok()?;
        // Every slot stays below `NO_PARENT` (`u32::MAX`), every pool cell addressable.
        base.checked_add(u32::try_from(nodes.len()).ok()?)?;
        pool_base.checked_add(u32::try_from(pool.len()).ok()?)?;
        let arena_base = self.arena.len();
        // Values whose arena offsets would pass the limit here move to `long`.
        let arena_fits = arena_base + arena.len() < ARENA_LIMIT;
        self.nodes.reserve_exact(nodes.len());
        for (i, mut n) in nodes.into_iter().enumerate() {
            n.label = label(n.label);
            if n.parent != NO_PARENT {
                n.parent += base;
            }
            n.kids_start += pool_base;
            if let Held::Arena(at) = Held::of(n.value) {
                if arena_fits {
                    n.value = narrow(at + arena_base).to_le_bytes();
                } else {
                    let v = arena_entry(&arena, at).map_or("", |(_, v)| v);
                    long.insert(narrow(i), v.into());
                    n.value = LONG_VALUE;
                }
            }
            self.nodes.push(n);
        }
        if arena_fits {
            self.arena.push_str(&arena);
            self.arena_garbage += arena_garbage;
        }
        drop(arena);
        self.generations.extend_from_slice(&generations);
        drop(generations);
        self.pool.reserve_exact(pool.len());
        self.pool.extend(
            pool.into_iter()
                .map(|k| if k == HOLE { k } else { shifted(k, base) }),
        );
        self.pool_garbage += pool_garbage;
        self.free.extend(free.into_iter().map(|s| s + base));
        self.long
            .extend(long.into_iter().map(|(s, v)| (s + base, v)));
        self.room
            .extend(room.into_iter().map(|(s, r)| (s + base, r)));
        self.live += live;
        Some(base)
    }
}

/// `id` of a store absorbed at offset `base` (see [`Store::absorb`]).
pub(super) fn shifted(id: NodeId, base: u32) -> NodeId {
    NodeId {
        slot: id.slot + base,
        generation: id.generation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    impl Store {
        /// Every cell of the pool and byte of the arena is owned by one live node or
        /// counted as garbage.
        fn check_accounts(&self) {
            let live: Vec<usize> = (0..self.nodes.len())
                .filter(|&i| self.generations[i] % 2 == 1)
                .collect();
            let owned: usize = live.iter().map(|&i| self.room_of(i)).sum();
            assert_eq!(owned + self.pool_garbage, self.pool.len(), "pool cells");
            let bytes: usize = live
                .iter()
                .filter_map(|&i| match Held::of(self.nodes[i].value) {
                    Held::Arena(at) => Some(self.arena_entry(at).map_or(0, |(size, _)| size)),
                    _ => None,
                })
                .sum();
            assert_eq!(bytes + self.arena_garbage, self.arena.len(), "arena bytes");
            assert_eq!(live.len(), self.live);
            assert_eq!(self.free.len() + self.live, self.nodes.len(), "free slots");
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(Option<String>),
        InsertOver(Option<String>, Vec<usize>),
        Remove(usize),
        SetValue(usize, Option<String>),
        InsertKid(usize, usize, usize),
        RemoveKid(usize, usize),
        Truncate(usize, usize),
        Extend(usize, Vec<usize>),
        Replace(usize, Vec<usize>),
    }

    fn value() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[a-zé]{0,12}")
    }

    fn op() -> impl Strategy<Value = Op> {
        let n = 0usize..64;
        prop_oneof![
            3 => value().prop_map(Op::Insert),
            2 => (value(), proptest::collection::vec(n.clone(), 0..6))
                .prop_map(|(v, k)| Op::InsertOver(v, k)),
            1 => n.clone().prop_map(Op::Remove),
            2 => (n.clone(), value()).prop_map(|(a, v)| Op::SetValue(a, v)),
            6 => (n.clone(), 0usize..40, n.clone()).prop_map(|(a, i, b)| Op::InsertKid(a, i, b)),
            2 => (n.clone(), 0usize..40).prop_map(|(a, i)| Op::RemoveKid(a, i)),
            1 => (n.clone(), 0usize..40).prop_map(|(a, l)| Op::Truncate(a, l)),
            2 => (n.clone(), proptest::collection::vec(n.clone(), 0..6))
                .prop_map(|(a, k)| Op::Extend(a, k)),
            1 => (n.clone(), proptest::collection::vec(n, 0..6))
                .prop_map(|(a, k)| Op::Replace(a, k)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The store agrees with a plain model (values and children lists by id) after
        /// every change, however lists move and the arena and pool get compacted, and a
        /// removed id is never live again.
        #[test]
        fn store_matches_a_model(ops in proptest::collection::vec(op(), 1..400)) {
            run(ops)?;
        }

        /// A store absorbed by another keeps every node (shifted), value, list, parent
        /// and relabelled label, and its freed slots; the other store's nodes stay as
        /// they were; both go on working (new nodes never take a live id).
        #[test]
        fn absorbed_stores_keep_their_nodes(
            ours in proptest::collection::vec(op(), 0..200),
            theirs in proptest::collection::vec(op(), 0..200),
        ) {
            let (mut s, model, dead) = run(ours)?;
            let (other, other_model, other_dead) = run(theirs)?;
            let before: Vec<(NodeId, Option<NodeId>, u32)> = other_model
                .keys()
                .map(|&id| (id, other.parent(id), other.get(id).map_or(0, |n| n.label)))
                .collect();
            let base = s.absorb(other, |l| l + 100).expect("room for the nodes");
            s.check_accounts();
            prop_assert_eq!(s.len(), model.len() + other_model.len());
            for (&id, (v, kids)) in &model {
                prop_assert_eq!(s.value(id), v.as_deref());
                prop_assert_eq!(s.children(id), kids.as_slice());
            }
            for (id, parent, label) in before {
                let (v, kids) = &other_model[&id];
                let here = shifted(id, base);
                let kids: Vec<NodeId> = kids.iter().map(|&k| shifted(k, base)).collect();
                prop_assert_eq!(s.value(here), v.as_deref());
                prop_assert_eq!(s.children(here), kids.as_slice());
                prop_assert_eq!(s.parent(here), parent.map(|p| shifted(p, base)));
                prop_assert_eq!(s.get(here).map(|n| n.label), Some(label + 100));
            }
            for &id in &dead {
                prop_assert!(!s.contains(id));
            }
            for &id in &other_dead {
                prop_assert!(!s.contains(shifted(id, base)));
            }
            let live = s.len();
            for i in 0..40 {
                let id = s.insert(1, 0, Some("a new value"), None);
                prop_assert_eq!(s.value(id), Some("a new value"));
                prop_assert_eq!(s.len(), live + i + 1);
            }
            s.check_accounts();
        }
    }

    type Model = HashMap<NodeId, (Option<String>, Vec<NodeId>)>;

    /// Applies `ops` to a new store and to the model, checking them against each other
    /// after each; returns the store, the model and the ids removed.
    fn run(ops: Vec<Op>) -> Result<(Store, Model, Vec<NodeId>), TestCaseError> {
        let mut s = Store::default();
        let mut model: Model = HashMap::new();
        // Every id ever made, in order; picks index into it.
        let mut ids: Vec<NodeId> = Vec::new();
        let mut dead: Vec<NodeId> = Vec::new();
        let pick = |ids: &[NodeId], k: usize| ids.get(k % ids.len().max(1)).copied();
        for op in ops {
            match op {
                Op::Insert(v) => {
                    let id = s.insert(7, 0, v.as_deref(), None);
                    prop_assert!(!model.contains_key(&id) && !dead.contains(&id));
                    model.insert(id, (v, Vec::new()));
                    ids.push(id);
                }
                Op::InsertOver(v, ks) => {
                    // Live kids only, as get gives it.
                    let kids: Vec<NodeId> = ks
                        .iter()
                        .filter_map(|&k| pick(&ids, k))
                        .filter(|k| model.contains_key(k))
                        .collect();
                    let id = s.insert_over(7, 0, v.as_deref(), &kids);
                    prop_assert!(!model.contains_key(&id) && !dead.contains(&id));
                    for &k in &kids {
                        prop_assert_eq!(s.parent(k), Some(id));
                    }
                    model.insert(id, (v, kids));
                    ids.push(id);
                }
                Op::Remove(k) => {
                    if let Some(id) = pick(&ids, k) {
                        let kids = s.remove(id);
                        prop_assert_eq!(kids, model.remove(&id).map(|m| m.1));
                        dead.push(id);
                    }
                }
                Op::SetValue(k, v) => {
                    if let Some(id) = pick(&ids, k) {
                        let live = model.get_mut(&id).map(|m| m.0 = v.clone()).is_some();
                        prop_assert_eq!(s.set_value(id, v.as_deref()), live);
                    }
                }
                Op::InsertKid(a, i, b) => {
                    if let (Some(p), Some(kid)) = (pick(&ids, a), pick(&ids, b)) {
                        let got = s.insert_kid(p, i, kid);
                        let want = model.get_mut(&p).map(|m| {
                            let i = i.min(m.1.len());
                            m.1.insert(i, kid);
                            i
                        });
                        prop_assert_eq!(got, want);
                    }
                }
                Op::RemoveKid(a, i) => {
                    if let Some(p) = pick(&ids, a) {
                        let want = model
                            .get_mut(&p)
                            .and_then(|m| (i < m.1.len()).then(|| m.1.remove(i)));
                        prop_assert_eq!(s.remove_kid(p, i), want);
                    }
                }
                Op::Truncate(a, l) => {
                    if let Some(p) = pick(&ids, a) {
                        s.truncate_kids(p, l);
                        if let Some(m) = model.get_mut(&p) {
                            m.1.truncate(l);
                        }
                    }
                }
                Op::Extend(a, ks) | Op::Replace(a, ks) if ids.is_empty() => {
                    let _ = (a, ks);
                }
                Op::Extend(a, ks) => {
                    if let Some(p) = pick(&ids, a) {
                        let kids: Vec<NodeId> = ks.iter().filter_map(|&k| pick(&ids, k)).collect();
                        s.extend_kids(p, &kids);
                        if let Some(m) = model.get_mut(&p) {
                            m.1.extend(kids);
                        }
                    }
                }
                Op::Replace(a, ks) => {
                    if let Some(p) = pick(&ids, a) {
                        let kids: Vec<NodeId> = ks.iter().filter_map(|&k| pick(&ids, k)).collect();
                        let old = s.replace_kids(p, &kids);
                        let want = model.get_mut(&p).map(|m| std::mem::replace(&mut m.1, kids));
                        prop_assert_eq!(old, want.unwrap_or_default());
                    }
                }
            }
            s.check_accounts();
            prop_assert_eq!(s.len(), model.len());
            for (&id, (v, kids)) in &model {
                prop_assert!(s.contains(id));
                prop_assert_eq!(s.value(id), v.as_deref());
                prop_assert_eq!(s.children(id), kids.as_slice());
            }
            for &id in &dead {
                prop_assert!(!s.contains(id));
                prop_assert_eq!(s.value(id), None);
                prop_assert!(s.children(id).is_empty());
            }
        }
        Ok((s, model, dead))
    }

    /// Lengths read back from their `char`, around every UTF-8 width and the surrogates;
    /// values of such lengths read back from the arena.
    #[test]
    fn arena_lengths_round_trip() {
        for len in [
            0,
            4,
            127,
            128,
            2047,
            2048,
            0xd7ff,
            0xd800,
            0xdfff,
            0xffff,
            0x1_0000,
            MAX_ARENA_VALUE,
        ] {
            let c = length_char(len).expect("a length the arena takes");
            assert_eq!(char_length(c), len);
        }
        assert_eq!(length_char(MAX_ARENA_VALUE + 1), None);
        let mut s = Store::default();
        for len in [5, 200, 0xd800, 0x1_0005] {
            let v = "x".repeat(len);
            let id = s.insert(0, 0, Some(&v), None);
            assert_eq!(s.value(id), Some(v.as_str()));
            assert!(s.long.is_empty());
        }
        let big = "y".repeat(MAX_ARENA_VALUE + 1);
        let id = s.insert(0, 0, Some(&big), None);
        assert_eq!(s.value(id), Some(big.as_str()));
        assert_eq!(s.long.len(), 1, "too long for the arena");
        s.remove(id);
        assert!(s.long.is_empty());
        s.check_accounts();
    }

    /// Many small edits to two long lists in turn, with values replaced: the pool and
    /// the arena stay within a small factor of what is live.
    #[test]
    fn garbage_stays_bounded() {
        let mut s = Store::default();
        let a = s.insert(0, 0, None, None);
        let b = s.insert(0, 0, None, None);
        let leaf = s.insert(0, 0, Some("a value longer than four"), None);
        for i in 0..20_000 {
            let p = if i % 2 == 0 { a } else { b };
            s.insert_kid(p, 0, leaf);
            if i % 3 == 0 {
                s.remove_kid(p, 1);
            }
            s.set_value(
                leaf,
                Some(if i % 2 == 0 {
                    "one long value"
                } else {
                    "another long value"
                }),
            );
        }
        s.check_accounts();
        let live = s.children(a).len() + s.children(b).len();
        assert!(
            s.pool.len() <= 4 * live + 2 * MIN_GARBAGE,
            "pool {} for {live}",
            s.pool.len()
        );
        assert!(
            s.arena.len() <= 2 * MIN_GARBAGE + 64,
            "arena {}",
            s.arena.len()
        );
    }
}
