//! Parsing by the structure of a lens: recursive lenses, and small texts.
//!
//! A recursive lens (`let rec x = body`) has a text language that is not regular, so get
//! cannot split its concatenations, unions and iterations with automata as it does for
//! other lenses. For those lenses (the ones whose `rec` flag is set), get asks this
//! parser where a lens can end when it starts at a position: the set of ends is computed
//! from the parts' sets (regular parts use their automata). In *structural* mode
//! ([`Parser::structural`], what get uses for texts of a few kilobytes, see
//! `engine::Engine`) regular lenses are split the same way down to their leaves, whose
//! automata are tiny: a small file is read without building the automata of its lens's
//! big unions and concatenations, which costs more than reading it. Unions skip the
//! alternatives whose first bytes cannot start the text; every set is memoised then. The sets of the references to
//! the recursive lens are memoised per position (as in a packrat parser), and so are the
//! rests of concatenations after a part that can end in several places; anything else is
//! recomputed down to the next reference. A text is parsed in time proportional to its
//! size times the lens's size for the usual, nearly deterministic, lenses (measured: a
//! 40,000-line JSON file in 0.7 s and 90 MB, C 1.05 s and 155 MB). All sets live in one
//! arena of positions.
//!
//! C Augeas parses recursive lenses with an Earley parser (`jmt.c`); this gives the same
//! splits for the unambiguous lenses its typechecker accepts. Left recursion (a lens that
//! reaches itself without consuming text) matches nothing here.

use super::{Kind, Lens};
use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;

/// How deeply recursive lenses may nest in one text. Deeper texts are rejected instead of
/// exhausting memory. Get, put and this parser recurse once per nesting level, on a stack
/// grown on demand (see [`grow`]).
pub(crate) const MAX_NESTING: usize = 1000;

/// Runs `f` (one nesting level of a recursive lens) on a stack grown on demand: a nesting
/// level takes a few kilobytes of stack, and threads may have small stacks.
pub(crate) fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, GROW, f)
}

const RED_ZONE: usize = 128 * 1024;
const GROW: usize = 4 << 20;

/// Why the parser could not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecError {
    /// Recursive lenses nest deeper than [`MAX_NESTING`] in the text.
    TooDeep,
    /// A [`Kind::Rec`] reference was reached outside its recursive lens.
    Unbound,
}

impl RecError {
    pub(crate) fn message(self) -> String {
        match self {
            RecError::TooDeep => {
                format!("recursive lens nested deeper than {MAX_NESTING} levels")
            }
            RecError::Unbound => "reference to a recursive lens outside of its body".to_owned(),
        }
    }
}

/// The ends of a lens started at one position: `pool[at..at + len]`, sorted, without
/// duplicates. Sets live in one arena, so most cost no allocation of their own; a set of
/// one end `q` (most of them) takes no room there: it is `ident[q..q + 1]`, marked by
/// [`SINGLE`] in `at`.
#[derive(Debug, Clone, Copy, Default)]
struct Ends {
    at: usize,
    len: usize,
}

/// Marks an [`Ends`] whose `at` is its one end.
const SINGLE: usize = 1 << (usize::BITS - 1);
/// Marks an [`Ends`] that lives in the `kept` arena (memoised sets) rather than the pool.
const KEPT: usize = 1 << (usize::BITS - 2);

/// What the parser memoises sets of ends under: `(lens address, part, start)`.
type MemoKey = (usize, u32, usize);

/// The memoised sets of ends, chained per start position in one arena: a lookup reads
/// the few entries of its own position, made around the same time, instead of probing a
/// hash table of millions of entries (which missed the cache on most lookups: a third of
/// the time of reading a big XML file went there).
#[derive(Default)]
struct Memo {
    /// Per start position, 1 + the index of its newest entry (0: none).
    heads: Window<u32>,
    entries: Vec<MemoEntry>,
    /// Entries past `u32::MAX` (only for texts far bigger than any config file).
    overflow: FxHashMap<MemoKey, Ends>,
}

#[derive(Clone, Copy)]
struct MemoEntry {
    /// The lens address; 0 once removed.
    lens: usize,
    part: u32,
    /// 1 + the index of the next older entry of the same position (0: none).
    next: u32,
    ends: Ends,
}

impl Memo {
    fn get(&self, key: &MemoKey) -> Option<&Ends> {
        let &(lens, part, p) = key;
        let mut i = self.heads.get(p).copied().unwrap_or(0);
        while let Some(e) = (i as usize)
            .checked_sub(1)
            .and_then(|i| self.entries.get(i))
        {
            if e.lens == lens && e.part == part {
                return Some(&e.ends);
            }
            i = e.next;
        }
        if self.overflow.is_empty() {
            None
        } else {
            self.overflow.get(key)
        }
    }

    fn find_mut(&mut self, key: &MemoKey) -> Option<&mut MemoEntry> {
        let &(lens, part, p) = key;
        let mut i = self.heads.get(p).copied().unwrap_or(0);
        let mut found = None;
        while let Some(e) = (i as usize)
            .checked_sub(1)
            .and_then(|j| self.entries.get(j))
        {
            if e.lens == lens && e.part == part {
                found = Some(i as usize - 1);
                break;
            }
            i = e.next;
        }
        found.and_then(|j| self.entries.get_mut(j))
    }

    fn insert(&mut self, key: MemoKey, ends: Ends, text_len: usize) {
        if let Some(e) = self.find_mut(&key) {
            e.ends = ends;
            return;
        }
        let (lens, part, p) = key;
        self.heads.reach(p, text_len + 1, |_| 0);
        let id = u32::try_from(self.entries.len() + 1);
        match (self.heads.get_mut(p), id) {
            (Some(head), Ok(id)) if id < u32::MAX => {
                self.entries.push(MemoEntry {
                    lens,
                    part,
                    next: *head,
                    ends,
                });
                *head = id;
            }
            _ => {
                self.overflow.insert(key, ends);
            }
        }
    }

    fn remove(&mut self, key: &MemoKey) {
        if let Some(e) = self.find_mut(key) {
            e.lens = 0;
        }
        if !self.overflow.is_empty() {
            self.overflow.remove(key);
        }
    }
}

/// Answers of at most two ends, which take no room in the parser's arenas, kept for the
/// questions asked lately. Reading a nested structure asks the same questions again at
/// every level it descends (five times per position on average for XML and JSON): the
/// first and last ends of a regular part at a position (each a scan of the text), and the
/// end of a concatenation's rest. A direct-mapped table, so it costs no more than its fixed
/// size, which grows with the text up to 4096 entries (128 KB): the repeats come close
/// together, and a bigger table misses the processor's cache more than asking again costs
/// (64k entries made XML and JSON of 100k lines slower than no table at all).
struct Recent<const K: usize, const A: usize> {
    /// (key: a lens's address first, then positions or indexes; answer), the key all
    /// zeros when the slot is empty (no lens lives at address 0).
    slots: Vec<([usize; K], [usize; A])>,
}

impl<const K: usize, const A: usize> Default for Recent<K, A> {
    fn default() -> Self {
        Recent { slots: Vec::new() }
    }
}

impl<const K: usize, const A: usize> Recent<K, A> {
    fn slot(&self, key: [usize; K]) -> usize {
        let h = key.iter().fold(0usize, |h, &k| {
            (h.rotate_left(17) ^ k).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        });
        (h >> 40) & self.slots.len().wrapping_sub(1)
    }

    fn get(&self, key: [usize; K]) -> Option<[usize; A]> {
        if self.slots.is_empty() {
            return None;
        }
        let &(k, answer) = self.slots.get(self.slot(key))?;
        (k == key).then_some(answer)
    }

    fn put(&mut self, key: [usize; K], answer: [usize; A], text_len: usize) {
        if self.slots.is_empty() {
            let n = (text_len / 4).clamp(64, 1 << 12).next_power_of_two();
            self.slots = vec![([0; K], [0; A]); n];
        }
        let at = self.slot(key);
        if let Some(s) = self.slots.get_mut(at) {
            *s = (key, answer);
        }
    }
}

/// An answer of [`Recent`]: no end.
const NOWHERE: usize = usize::MAX;

/// A table indexed by text position over only the stretch of the text a parser visits:
/// one get may read a small part of a big file (an entry that save reads again), so a
/// table over the whole text would cost its length at every such get.
#[derive(Debug, Default)]
struct Window<T> {
    base: usize,
    items: Vec<T>,
}

impl<T: Copy> Window<T> {
    fn get(&self, p: usize) -> Option<&T> {
        p.checked_sub(self.base).and_then(|i| self.items.get(i))
    }

    fn get_mut(&mut self, p: usize) -> Option<&mut T> {
        p.checked_sub(self.base).and_then(|i| self.items.get_mut(i))
    }

    /// Makes `p` (below `limit`) part of the window, new slots made by `make(position)`;
    /// grows by at least its size each time (never past `limit`), so positions visited
    /// in any order cost amortised O(1).
    fn reach(&mut self, p: usize, limit: usize, make: impl Fn(usize) -> T) {
        if self.items.is_empty() {
            self.base = p - p % 64;
            let end = (self.base + 256).min(limit).max(p + 1);
            self.items = (self.base..end).map(&make).collect();
        } else if p < self.base {
            let grow = (self.base - p).max(self.items.len());
            let new_base = self.base.saturating_sub(grow);
            let mut items: Vec<T> = (new_base..self.base).map(&make).collect();
            items.extend_from_slice(&self.items);
            self.base = new_base;
            self.items = items;
        } else if p - self.base >= self.items.len() {
            let end = self.base + self.items.len();
            let grow = (p + 1 - end).max(self.items.len());
            let new_end = (end + grow).min(limit).max(p + 1);
            self.items.extend((end..new_end).map(&make));
        }
    }
}

/// Ends being gathered (most sets have one or two).
type Gather = SmallVec<[usize; 8]>;

/// A memoising parser over one text, for the recursive lenses of one get.
pub(crate) struct Parser<'a> {
    text: &'a [u8],
    /// The bodies of the recursive lenses met so far, by id.
    bodies: FxHashMap<u64, &'a Lens>,
    /// `(lens address, part, start)` to ends; `part` is `u32::MAX` for the lens itself and
    /// `i` for the parts `i..` of a concatenation.
    memo: Memo,
    /// The references whose ends are being computed (see [`Parser::grow_reference`]).
    active: FxHashSet<MemoKey>,
    /// The active references that were reached again at their own position.
    left_hits: FxHashSet<MemoKey>,
    /// The keys memoised while a reference was active, in order.
    log: Vec<MemoKey>,
    /// The arena of the sets of more than one end being worked with: a stack, cut back
    /// to where it was whenever a memoised set is done (see [`Parser::keep`]).
    pool: Vec<usize>,
    /// The arena of the memoised sets of more than one end.
    kept: Vec<usize>,
    /// `ident[i] == i` for the positions visited: the sets of one end.
    ident: Window<usize>,
    /// The first and last ends of regular parts scanned lately (see
    /// [`Parser::terminal_ends`]).
    terminals: Recent<2, 2>,
    /// Single or empty ends of the rests of recursive concatenations (see
    /// [`Parser::seq_ends`]).
    rests: Recent<3, 1>,
    /// The furthest position a regular part matched to: where a text that does not parse
    /// goes wrong, as far as the parser can tell.
    furthest: usize,
    nesting: usize,
    error: Option<RecError>,
    /// Whether regular lenses other than leaves are parsed by their structure too.
    structural: bool,
    /// Whether a split of a recursive lens found a text read in two ways.
    ambiguous: bool,
}

/// Whether `l` may match a text whose first byte is `next` (`None`: the empty text), by
/// its first bytes alone (recursive lenses: always).
pub(crate) fn may_start(l: &Lens, next: Option<u8>) -> bool {
    if l.0.rec {
        return true;
    }
    let sk = l.sketch();
    sk.nullable || next.is_some_and(|b| sk.first.contains(b))
}

fn addr(l: &Lens) -> usize {
    std::sync::Arc::as_ptr(&l.0) as usize
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        Parser {
            text,
            bodies: FxHashMap::default(),
            memo: Memo::default(),
            active: FxHashSet::default(),
            left_hits: FxHashSet::default(),
            log: Vec::new(),
            pool: Vec::new(),
            ident: Window::default(),
            terminals: Recent::default(),
            rests: Recent::default(),
            kept: Vec::new(),
            furthest: 0,
            nesting: 0,
            error: None,
            structural: false,
            ambiguous: false,
        }
    }

    /// Whether a split met a text that a recursive lens reads in more than one way (C's
    /// `Ambiguous parse`), forgetting it.
    pub(crate) fn take_ambiguous(&mut self) -> bool {
        std::mem::take(&mut self.ambiguous)
    }

    /// The parser that also splits regular lenses by their structure (`true`), with
    /// automata for their leaves only.
    pub(crate) fn structural(mut self, on: bool) -> Self {
        self.structural = on;
        if on {
            // A few ends per byte is typical; growing the arena copies it. (Texts split
            // this way are small; a subtree of a big file is read alone.)
            let bytes = self.text.len().min(super::engine::STRUCTURAL_LIMIT);
            self.pool.reserve(bytes * 2);
        }
        self
    }

    /// The furthest `l` started at `p` can end at or before `e`.
    pub(crate) fn longest_within(&mut self, l: &'a Lens, p: usize, e: usize) -> Option<usize> {
        let mark = self.pool.len();
        let ends = self.ends(l, p);
        let v = self.slice(ends);
        let i = v.partition_point(|&x| x <= e);
        let r = i.checked_sub(1).and_then(|i| v.get(i).copied());
        self.release(mark);
        r
    }

    /// Drops the sets made since the pool was `mark` long: each question asked from
    /// outside ([`Parser::matches`], [`Parser::split`], …) leaves the pool as it found it.
    fn release(&mut self, mark: usize) {
        self.pool.truncate(mark);
    }

    /// The first problem met, if any (the sets computed after it may be too small).
    pub(crate) fn error(&self) -> Option<RecError> {
        self.error
    }

    /// The furthest position any regular part matched to (see [`Parser::furthest`]).
    pub(crate) fn furthest(&self) -> usize {
        self.furthest
    }

    /// Makes the body of the recursive lens `id` known (get meets the `Fix` first).
    pub(crate) fn enter(&mut self, id: u64, body: &'a Lens) {
        self.bodies.insert(id, body);
    }

    /// The body of the recursive lens `id`.
    pub(crate) fn body(&self, id: u64) -> Option<&'a Lens> {
        self.bodies.get(&id).copied()
    }

    /// The `j`-th end of a set.
    fn nth(&self, e: Ends, j: usize) -> usize {
        if j >= e.len {
            return usize::MAX;
        }
        self.slice(e).get(j).copied().unwrap_or(usize::MAX)
    }

    fn slice(&self, e: Ends) -> &[usize] {
        if e.at & SINGLE != 0 {
            let q = e.at & !SINGLE;
            return self.ident.get(q).map_or(&[], std::slice::from_ref);
        }
        if e.at & KEPT != 0 {
            let at = e.at & !KEPT;
            return self.kept.get(at..at + e.len).unwrap_or(&[]);
        }
        self.pool.get(e.at..e.at + e.len).unwrap_or(&[])
    }

    /// `e` made to outlive the work that produced it (to be memoised): moved to the
    /// `kept` arena unless it is a single end, then the pool is cut back to `mark`, where
    /// it was when that work began. Only the sets that are memoised are kept, so the pool
    /// holds only what the calls in progress work with (leaf matches of every length at
    /// every position made it grow with the square of a long text's words otherwise).
    fn keep(&mut self, e: Ends, mark: usize) -> Ends {
        let kept = if e.len == 0 {
            Ends::default()
        } else if e.at & (SINGLE | KEPT) != 0 {
            e
        } else {
            let at = self.kept.len();
            let src = self.pool.get(e.at..e.at + e.len).unwrap_or(&[]);
            self.kept.extend_from_slice(src);
            Ends {
                at: KEPT | at,
                len: e.len,
            }
        };
        if mark <= self.pool.len() {
            self.pool.truncate(mark);
        }
        kept
    }

    /// The set of ends pushed onto the pool since `at`; a set of one end leaves the pool.
    fn seal(&mut self, at: usize) -> Ends {
        let len = self.pool.len() - at;
        if len == 1
            && let Some(q) = self.pool.pop()
        {
            return self.single(q);
        }
        Ends { at, len }
    }

    /// The set `{q}`.
    fn single(&mut self, q: usize) -> Ends {
        if q > self.text.len() || q & (SINGLE | KEPT) != 0 {
            // Not a position of the text (never made): keep it in the pool.
            let at = self.pool.len();
            self.pool.push(q);
            return Ends { at, len: 1 };
        }
        self.ident.reach(q, self.text.len() + 1, |i| i);
        Ends {
            at: SINGLE | q,
            len: 1,
        }
    }

    /// Stores a set gathered in any order.
    fn store(&mut self, mut v: Gather) -> Ends {
        v.sort_unstable();
        v.dedup();
        let at = self.pool.len();
        self.pool.extend_from_slice(&v);
        self.seal(at)
    }

    /// Whether `l` started at `p` can end at `e`.
    pub(crate) fn matches(&mut self, l: &'a Lens, p: usize, e: usize) -> bool {
        let mark = self.pool.len();
        let ends = self.ends(l, p);
        let r = self.slice(ends).binary_search(&e).is_ok();
        self.release(mark);
        r
    }

    /// Where `part`, a part of `parent`, can end when it starts at `p`. Inside a recursive
    /// lens, C's parser scans a regular part as a terminal, taking only its longest match
    /// (and the empty text, if the part accepts it): so does this one, which makes it
    /// reject the texts C rejects (Xendconfsxp's comment that swallows the next lines).
    #[inline]
    fn part_ends(&mut self, parent: &'a Lens, part: &'a Lens, p: usize) -> Ends {
        if !parent.0.rec || part.0.rec {
            return self.ends(part, p);
        }
        self.terminal_ends(part, p)
    }

    /// The ends of the regular `part` of a recursive lens: its longest match, and `p` if
    /// it accepts the empty text.
    fn terminal_ends(&mut self, part: &'a Lens, p: usize) -> Ends {
        let mut l = part;
        while let Kind::Subtree(body) = &l.0.kind {
            l = body;
        }
        if !l.0.c_eps && self.by_automaton(l) {
            // What `ends` answers with the automaton, reading only the first and last
            // ends instead of gathering every one (a `[ \t\n]*` ends at every blank).
            if !may_start(l, self.text.get(p).copied()) {
                return Ends::default();
            }
            let key = [addr(l), p];
            let [first, last] = match self.terminals.get(key) {
                Some(hit) => hit,
                None => {
                    let (mut first, mut last) = (NOWHERE, NOWHERE);
                    l.0.ctype
                        .for_each_match_end(self.text, p, self.text.len(), |x| {
                            first = first.min(x);
                            last = x;
                        });
                    self.terminals.put(key, [first, last], self.text.len());
                    [first, last]
                }
            };
            if last == NOWHERE {
                return Ends::default();
            }
            self.furthest = self.furthest.max(last);
            if first == last || first != p {
                return self.single(last);
            }
            let at = self.pool.len();
            self.pool.extend_from_slice(&[p, last]);
            return self.seal(at);
        }
        let all = self.ends(part, p);
        if all.len < 2 {
            return all;
        }
        let v = self.slice(all);
        let (first, last) = (v.first().copied(), v.last().copied());
        let mut keep = Gather::new();
        if first == Some(p) {
            keep.push(p);
        }
        keep.extend(last);
        self.store(keep)
    }

    /// Whether `part`, a part of `parent`, started at `p` can end at `e` (see
    /// [`Parser::part_ends`]).
    pub(crate) fn part_matches(
        &mut self,
        parent: &'a Lens,
        part: &'a Lens,
        p: usize,
        e: usize,
    ) -> bool {
        let mark = self.pool.len();
        let ends = self.part_ends(parent, part, p);
        let r = self.slice(ends).binary_search(&e).is_ok();
        self.release(mark);
        r
    }

    /// The furthest `l` started at `p` can end, if it matches at all.
    pub(crate) fn longest(&mut self, l: &'a Lens, p: usize) -> Option<usize> {
        let mark = self.pool.len();
        let ends = self.ends(l, p);
        let r = self.slice(ends).last().copied();
        self.release(mark);
        r
    }

    /// Whether the ends of `l` come from its automaton: a regular lens that is a leaf, or
    /// any regular lens unless regular lenses are parsed by their structure. (A square is
    /// a leaf here: its language is not its body's, both ends must be the same text.)
    fn by_automaton(&self, l: &Lens) -> bool {
        let leaf = !matches!(
            l.0.kind,
            Kind::Concat(_) | Kind::Union(_) | Kind::Star(_) | Kind::Maybe(_)
        );
        !l.0.rec && (leaf || !self.structural)
    }

    /// Where `l` can end when it starts at `p`.
    fn ends(&mut self, l: &'a Lens, p: usize) -> Ends {
        // A subtree ends where its body does: no entry of its own.
        if let Kind::Subtree(body) = &l.0.kind {
            return self.ends(body, p);
        }
        if l.0.c_eps && !l.0.rec {
            return self.single(p);
        }
        // A lens that cannot start with the next byte ends nowhere (most positions inside
        // a word, where an iteration or a store could end, cannot start the next part).
        if !may_start(l, self.text.get(p).copied()) {
            return Ends::default();
        }
        if self.by_automaton(l) {
            // Not memoised: its automaton answers fast, and the memoised sets around it
            // ask it once or twice per position.
            let at = self.pool.len();
            let pool = &mut self.pool;
            l.0.ctype
                .for_each_match_end(self.text, p, self.text.len(), |x| pool.push(x));
            if let Some(&last) = self.pool.last()
                && self.pool.len() > at
            {
                self.furthest = self.furthest.max(last);
            }
            // Ascending already, and distinct.
            return self.seal(at);
        }
        // Only references are memoised: any other part is asked a few times per position
        // at most (by the memoised references around it and by get), and what it asks of
        // its own parts stops at the next reference. This keeps the memo small.
        let key = (addr(l), u32::MAX, p);
        // Splitting regular lenses by structure, get asks the same lens at the same
        // position again at every level it descends: those are memoised too.
        let reference = matches!(l.0.kind, Kind::Rec(_));
        let memoised = reference || (self.structural && !l.0.rec);
        if memoised && let Some(&e) = self.memo.get(&key) {
            if reference && self.active.contains(&key) {
                self.left_hits.insert(key);
            }
            return e;
        }
        if reference {
            return self.grow_reference(l, p, key);
        }
        // A recursive lens other than a reference is asked again at every level get
        // descends through (its parts' splits ask for its parts' ends, which asked for
        // theirs): an answer of one end or none, once final, is kept as a rest's is.
        let cached = l.0.rec && !matches!(l.0.kind, Kind::Fix(..)) && self.active.is_empty();
        let rkey = [addr(l), usize::MAX, p];
        if cached && let Some([end]) = self.rests.get(rkey) {
            return match end {
                NOWHERE => Ends::default(),
                q => self.single(q),
            };
        }
        let mark = self.pool.len();
        let e = self.compute(l, p);
        if memoised {
            let e = self.keep(e, mark);
            self.remember(key, e);
            return e;
        }
        if cached && e.len <= 1 && self.active.is_empty() {
            let end = if e.len == 1 { self.nth(e, 0) } else { NOWHERE };
            self.rests.put(rkey, [end], self.text.len());
        }
        e
    }

    /// The ends of the reference `l` at `p`, memoised under `key`. Reaching a reference
    /// again at the same position before it is done is left recursion: that path starts
    /// from the ends found so far (none at first), and the ends are computed again until
    /// they no longer grow (what was memoised at this position meanwhile is forgotten
    /// each time, since it was computed from fewer ends).
    fn grow_reference(&mut self, l: &'a Lens, p: usize, key: MemoKey) -> Ends {
        self.memo.insert(key, Ends::default(), self.text.len());
        self.active.insert(key);
        let mark = self.log.len();
        let pool_mark = self.pool.len();
        let mut e = self.compute(l, p);
        e = self.keep(e, pool_mark);
        let mut rounds = 0usize;
        while self.left_hits.remove(&key) {
            let seed = self.memo.get(&key).copied().unwrap_or_default();
            if self.slice(e) == self.slice(seed) || rounds > self.text.len() + 1 {
                break;
            }
            rounds += 1;
            self.memo.insert(key, e, self.text.len());
            let stale: Vec<MemoKey> = self
                .log
                .get(mark..)
                .unwrap_or_default()
                .iter()
                .copied()
                .filter(|k| k.2 == p && *k != key)
                .collect();
            for k in stale {
                self.memo.remove(&k);
            }
            e = self.compute(l, p);
            e = self.keep(e, pool_mark);
        }
        self.active.remove(&key);
        if self.active.is_empty() {
            self.log.clear();
        }
        self.remember(key, e);
        e
    }

    /// Memoises `e` under `key`, noting the key while a reference is being computed.
    #[inline]
    fn remember(&mut self, key: MemoKey, e: Ends) {
        self.memo.insert(key, e, self.text.len());
        if !self.active.is_empty() {
            self.log.push(key);
        }
    }

    /// The ends of `l` at `p`, from those of its parts.
    #[inline]
    fn compute(&mut self, l: &'a Lens, p: usize) -> Ends {
        match &l.0.kind {
            Kind::Concat(parts) => self.seq_ends(l, parts, 0, p),
            Kind::Union(alts) => {
                let next = self.text.get(p).copied();
                // The union of the alternatives' sets, gathered only when two are not empty.
                let mut one: Option<Ends> = None;
                let mut many: Option<Gather> = None;
                for a in alts.iter().filter(|a| may_start(a, next)) {
                    let e = self.part_ends(l, a, p);
                    if e.len == 0 {
                        continue;
                    }
                    match (&mut many, one) {
                        (Some(v), _) => v.extend_from_slice(self.slice(e)),
                        (None, Some(first)) => {
                            let mut v: Gather = self.slice(first).iter().copied().collect();
                            v.extend_from_slice(self.slice(e));
                            many = Some(v);
                        }
                        (None, None) => one = Some(e),
                    }
                }
                match (many, one) {
                    (Some(v), _) => self.store(v),
                    (None, Some(e)) => e,
                    (None, None) => Ends::default(),
                }
            }
            Kind::Star(body) => {
                let mut seen = Gather::new();
                seen.push(p);
                // Past a few ends, membership is asked of a hash set.
                let mut big: Option<FxHashSet<usize>> = None;
                let mut next = 0;
                while let Some(&q) = seen.get(next) {
                    next += 1;
                    // The body's ends are read here and then dead: the pool goes back to
                    // where it was (what the body memoised lives elsewhere, see `keep`).
                    let mark = self.pool.len();
                    let ends = self.part_ends(l, body, q);
                    for j in 0..ends.len {
                        let r = self.nth(ends, j);
                        let new = r > q
                            && match &mut big {
                                Some(set) => set.insert(r),
                                None => !seen.contains(&r),
                            };
                        if new {
                            seen.push(r);
                            if big.is_none() && seen.len() > 16 {
                                big = Some(seen.iter().copied().collect());
                            }
                        }
                    }
                    self.pool.truncate(mark);
                }
                self.store(seen)
            }
            Kind::Maybe(body) => {
                let ends = self.part_ends(l, body, p);
                let mut v: Gather = self.slice(ends).iter().copied().collect();
                v.push(p);
                self.store(v)
            }
            Kind::Square(body) => self.ends(body, p),
            Kind::Fix(id, body) => {
                self.enter(*id, body);
                self.ends(body, p)
            }
            Kind::Rec(id) => match self.body(*id) {
                Some(body) if self.nesting < MAX_NESTING => {
                    self.nesting += 1;
                    let e = grow(|| self.ends(body, p));
                    self.nesting -= 1;
                    e
                }
                Some(_) => {
                    self.error.get_or_insert(RecError::TooDeep);
                    Ends::default()
                }
                None => {
                    self.error.get_or_insert(RecError::Unbound);
                    Ends::default()
                }
            },
            // Leaves never contain a recursive lens.
            _ => Ends::default(),
        }
    }

    /// Where the parts `i..` of the concatenation `l` can end when they start at `p`.
    fn seq_ends(&mut self, l: &'a Lens, parts: &'a [Lens], i: usize, p: usize) -> Ends {
        let Some(part) = parts.get(i) else {
            return self.single(p);
        };
        // Splitting a recursive concatenation asks for the ends of its rest from each part
        // in turn, and each of those asks again for the rest after it. An answer of one end
        // or none takes no room and, once no reference is being grown (whose ends could
        // still change), is final: those are cached.
        let cache = l.0.rec && i > 0 && self.active.is_empty();
        let key = [addr(l), i, p];
        if cache && let Some([end]) = self.rests.get(key) {
            return match end {
                NOWHERE => Ends::default(),
                q => self.single(q),
            };
        }
        let e = self.seq_ends_uncached(l, parts, part, i, p);
        if cache && e.len <= 1 && self.active.is_empty() {
            let end = if e.len == 1 { self.nth(e, 0) } else { NOWHERE };
            self.rests.put(key, [end], self.text.len());
        }
        e
    }

    fn seq_ends_uncached(
        &mut self,
        l: &'a Lens,
        parts: &'a [Lens],
        part: &'a Lens,
        i: usize,
        p: usize,
    ) -> Ends {
        if i + 1 == parts.len() {
            return self.part_ends(l, part, p);
        }
        let firsts = self.part_ends(l, part, p);
        if firsts.len == 0 {
            return firsts;
        }
        if firsts.len > 1 && !l.0.rec && l.stops_before_rest(i) {
            // Only the longest end of this part can be followed by a non-empty rest (a
            // store's every prefix is an end, but the separator after it cannot continue
            // it); the others end the concatenation when the rest may be empty.
            let last = self.nth(firsts, firsts.len - 1);
            let rest = self.seq_ends(l, parts, i + 1, last);
            let rest_empty = parts
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .all(|r| r.sketch().nullable);
            if !rest_empty {
                return rest;
            }
            let mut v: Gather = self
                .slice(firsts)
                .get(..firsts.len - 1)
                .unwrap_or_default()
                .iter()
                .copied()
                .collect();
            v.extend_from_slice(self.slice(rest));
            return self.store(v);
        }
        if firsts.len == 1 {
            let q = self.nth(firsts, 0);
            return self.seq_ends(l, parts, i + 1, q);
        }
        // Where a part can end in several places, the rest is memoised: paths through the
        // concatenation would otherwise multiply.
        let key = (addr(l), i as u32, p);
        if let Some(&e) = self.memo.get(&key) {
            return e;
        }
        let mark = self.pool.len();
        let e = {
            let mut v = Gather::new();
            for j in 0..firsts.len {
                let q = self.nth(firsts, j);
                let rest = self.seq_ends(l, parts, i + 1, q);
                v.extend_from_slice(self.slice(rest));
            }
            self.store(v)
        };
        let e = self.keep(e, mark);
        self.remember(key, e);
        e
    }

    /// Splits `[s, e)` among the parts of the concatenation `l`, each part taking the
    /// longest text after which the rest can still match, into `bounds` (`parts.len() + 1`
    /// positions). `None` when the parts cannot match the text.
    pub(crate) fn split(
        &mut self,
        l: &'a Lens,
        parts: &'a [Lens],
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> Option<()> {
        let mark = self.pool.len();
        let r = self.split_parts(l, parts, s, e, bounds);
        self.release(mark);
        r
    }

    fn split_parts(
        &mut self,
        l: &'a Lens,
        parts: &'a [Lens],
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> Option<()> {
        bounds.clear();
        bounds.push(s);
        let mut p = s;
        for (i, part) in parts.iter().enumerate() {
            let q = if i + 1 == parts.len() {
                self.part_matches(l, part, p, e).then_some(e)?
            } else {
                let ends = self.part_ends(l, part, p);
                let mut found = None;
                for j in (0..ends.len).rev() {
                    let q = self.nth(ends, j);
                    if q > e {
                        continue;
                    }
                    let rest = self.seq_ends(l, parts, i + 1, q);
                    if self.slice(rest).binary_search(&e).is_ok() {
                        if found.is_some() {
                            // A second split of a recursive lens: C's parser finds two
                            // parses of the text.
                            self.ambiguous = true;
                            break;
                        }
                        found = Some(q);
                        if !l.0.rec {
                            break;
                        }
                    }
                }
                found?
            };
            bounds.push(q);
            p = q;
        }
        Some(())
    }

    /// How the iteration of `body` splits `[s, e)`: the end of each iteration in order,
    /// each iteration the longest after which the rest of the iteration can still match.
    /// `None` if it cannot match.
    ///
    /// The positions iterations can reach from `s` are found once, then those from which
    /// `e` can be reached, so the whole split costs the size of that graph (asking the
    /// ends of the iteration at each step would cost the square of it).
    pub(crate) fn iterations(&mut self, body: &'a Lens, s: usize, e: usize) -> Option<Vec<usize>> {
        let mark = self.pool.len();
        let r = self.iteration_ends(body, s, e);
        self.release(mark);
        r
    }

    fn iteration_ends(&mut self, body: &'a Lens, s: usize, e: usize) -> Option<Vec<usize>> {
        // Forward: every position reachable from `s` by iterations ending at or before `e`,
        // with the positions each one reaches in one iteration.
        let mut index: FxHashMap<usize, usize> = FxHashMap::default();
        let mut nodes: Vec<(usize, Ends)> = Vec::new();
        index.insert(s, 0);
        let first = self.ends(body, s);
        nodes.push((s, first));
        let mut next = 0;
        while let Some(&(q, ends)) = nodes.get(next) {
            next += 1;
            for j in 0..ends.len {
                let r = self.nth(ends, j);
                if r > q
                    && r <= e
                    && let std::collections::hash_map::Entry::Vacant(v) = index.entry(r)
                {
                    v.insert(nodes.len());
                    let ends = self.ends(body, r);
                    nodes.push((r, ends));
                }
            }
        }
        // Backward: the positions from which `e` can be reached.
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        for (i, &(q, ends)) in nodes.iter().enumerate() {
            for &r in self.slice(ends).iter().filter(|&&r| r > q && r <= e) {
                if let Some(&j) = index.get(&r)
                    && let Some(p) = preds.get_mut(j)
                {
                    p.push(i);
                }
            }
        }
        let mut good = vec![false; nodes.len()];
        let mut stack: Vec<usize> = index.get(&e).copied().into_iter().collect();
        while let Some(j) = stack.pop() {
            if let Some(g) = good.get_mut(j)
                && !std::mem::replace(g, true)
            {
                stack.extend(preds.get(j).into_iter().flatten().copied());
            }
        }
        // Two ways on from a position that leads to `e`: two parses of the text.
        for (i, &(q, ends)) in nodes.iter().enumerate() {
            if q < e && good.get(i) == Some(&true) {
                let ways = self
                    .slice(ends)
                    .iter()
                    .filter(|&&r| r > q && r <= e)
                    .filter(|r| index.get(r).is_some_and(|&j| good.get(j) == Some(&true)))
                    .count();
                if ways > 1 {
                    self.ambiguous = true;
                }
            }
        }
        // Greedy walk through the good positions.
        let mut out = Vec::new();
        let mut p = s;
        while p < e {
            let &(_, ends) = nodes.get(*index.get(&p)?)?;
            let q = self
                .slice(ends)
                .iter()
                .rev()
                .copied()
                .filter(|&r| r > p && r <= e)
                .find(|r| index.get(r).is_some_and(|&j| good.get(j) == Some(&true)))?;
            out.push(q);
            p = q;
        }
        Some(out)
    }
}

/// Solves a property of the recursive lens `id` by iteration: `id` starts at `bottom` in
/// `env`, and `step` (the property of its body, reading `id` from `env`) runs until the
/// value it gives is the one it was given. The solution is left in `env` and returned.
fn fixpoint<T: Copy + PartialEq>(
    id: u64,
    bottom: T,
    env: &mut FxHashMap<u64, T>,
    mut step: impl FnMut(&mut FxHashMap<u64, T>) -> T,
) -> T {
    env.insert(id, bottom);
    loop {
        let v = step(env);
        if env.insert(id, v) == Some(v) {
            return v;
        }
    }
}

/// [`fixpoint`] for a recursive lens met inside another's body: `env`'s earlier value
/// for `id`, if any, is restored afterwards.
fn fixpoint_scoped<T: Copy + PartialEq>(
    id: u64,
    bottom: T,
    env: &mut FxHashMap<u64, T>,
    step: impl FnMut(&mut FxHashMap<u64, T>) -> T,
) -> T {
    let saved = env.get(&id).copied();
    let v = fixpoint(id, bottom, env, step);
    match saved {
        Some(s) => env.insert(id, s),
        None => env.remove(&id),
    };
    v
}

/// Whether `l` accepts the empty text, the references to recursive lenses taking their
/// value in `env` (a recursive lens met on the way is solved from `false` up).
fn nullable(l: &Lens, env: &mut FxHashMap<u64, bool>) -> bool {
    if !l.0.rec {
        return l.sketch().nullable && l.0.ctype.matches_empty();
    }
    grow(|| match &l.0.kind {
        Kind::Concat(parts) => parts.iter().all(|p| nullable(p, env)),
        Kind::Union(alts) => alts.iter().any(|a| nullable(a, env)),
        Kind::Star(_) | Kind::Maybe(_) => true,
        Kind::Subtree(b) | Kind::Square(b) => nullable(b, env),
        Kind::Fix(id, b) => fixpoint_scoped(*id, false, env, |env| nullable(b, env)),
        Kind::Rec(id) => env.get(id).copied().unwrap_or(false),
        _ => true,
    })
}

/// What a lens yields, as C's check of recursive lenses sees it: some text at all, and
/// some non-empty text. A subtree around a recursive lens counts as yielding both (C
/// accepts `let rec l = [ l ]`), and an iteration or option yields non-empty text only
/// if its body does (C rejects `let rec l = l*`).
fn yields(l: &Lens, env: &mut FxHashMap<u64, (bool, bool)>) -> (bool, bool) {
    if !l.0.rec {
        let some = !l.0.ctype.is_empty();
        let only_empty = some && l.0.ctype.matches_empty() && {
            let sk = l.sketch();
            sk.first.is_empty()
        };
        return (some, some && !only_empty);
    }
    grow(|| match &l.0.kind {
        Kind::Concat(parts) => {
            let ys: Vec<(bool, bool)> = parts.iter().map(|p| yields(p, env)).collect();
            let all = ys.iter().all(|y| y.0);
            (all, all && ys.iter().any(|y| y.1))
        }
        Kind::Union(alts) => alts.iter().fold((false, false), |acc, a| {
            let y = yields(a, env);
            (acc.0 || y.0, acc.1 || y.1)
        }),
        Kind::Star(b) | Kind::Maybe(b) => (true, yields(b, env).1),
        Kind::Subtree(_) => (true, true),
        Kind::Square(b) => yields(b, env),
        Kind::Fix(id, b) => fixpoint_scoped(*id, (false, false), env, |env| yields(b, env)),
        Kind::Rec(id) => env.get(id).copied().unwrap_or((false, false)),
        _ => (true, true),
    })
}

/// The checks Augeas runs on every recursive lens as it is made (`lns_check_rec`): it
/// must yield some non-empty text, and no union within it may have two branches that
/// accept the empty text (a parse could then go either way). `body` is the body of the
/// recursive lens `id`.
pub(crate) fn check_recursive(id: u64, body: &Lens) -> Result<(), super::CheckError> {
    let y = fixpoint(id, (false, false), &mut FxHashMap::default(), |env| {
        yields(body, env)
    });
    if !y.1 {
        return Err(super::CheckError::new(
            "recursive lens generates the empty language for its ctype",
            Vec::new(),
        ));
    }
    // `env` keeps the solution for `id`: the unions below are judged with it.
    let mut env = FxHashMap::default();
    fixpoint(id, false, &mut env, |env| nullable(body, env));
    // Look for unions with two nullable branches among the recursive parts.
    let mut stack = vec![body];
    let mut seen = FxHashSet::default();
    while let Some(l) = stack.pop() {
        if !l.0.rec || !seen.insert(addr(l)) {
            continue;
        }
        if let Kind::Union(alts) = &l.0.kind {
            let two: Vec<&Lens> = alts
                .iter()
                .filter(|a| nullable(a, &mut env))
                .take(2)
                .collect();
            if let [a, b] = two[..] {
                return Err(super::CheckError::new(
                    "more than one nullable branch in a union",
                    vec![
                        format!("    First nullable lens: {}", super::place(a)),
                        format!("    Second nullable lens: {}", super::place(b)),
                    ],
                ));
            }
        }
        stack.extend(l.parts());
    }
    Ok(())
}

/// A regular language or nothing at all (`None`), for the approximation below.
type Lang = Option<crate::rx::Regex>;

fn cat(a: &Lang, b: &Lang) -> Lang {
    Some(a.as_ref()?.concat(b.as_ref()?))
}

fn alt(a: &Lang, b: &Lang) -> Lang {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.union(y)),
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (None, None) => None,
    }
}

/// The empty word's language.
fn eps() -> Lang {
    Some(crate::rx::Regex::epsilon())
}

fn star(a: &Lang) -> Lang {
    Some(
        a.as_ref()
            .map_or_else(crate::rx::Regex::epsilon, |x| x.star()),
    )
}

/// The pieces of a lens's tree language around the references to the recursive lens
/// `id` that sit at its own tree level: `d`, the words that pass no reference; `p`, the
/// words before a reference; `q`, the words after one; `m`, the words between one and
/// the next.
struct Around {
    d: Lang,
    p: Lang,
    q: Lang,
    m: Lang,
    refs: bool,
}

fn around(l: &Lens, id: u64) -> Around {
    let plain = || Around {
        d: Some(l.0.atype.clone()),
        p: None,
        q: None,
        m: None,
        refs: false,
    };
    if !l.0.rec {
        return plain();
    }
    grow(|| match &l.0.kind {
        Kind::Rec(r) if *r == id => Around {
            d: None,
            p: eps(),
            q: eps(),
            m: None,
            refs: true,
        },
        Kind::Concat(parts) => {
            let mut acc = Around {
                d: eps(),
                p: None,
                q: None,
                m: None,
                refs: false,
            };
            for part in parts {
                let b = around(part, id);
                if !b.refs {
                    acc.d = cat(&acc.d, &b.d);
                    acc.q = cat(&acc.q, &b.d);
                    continue;
                }
                acc = Around {
                    p: alt(&acc.p, &cat(&acc.d, &b.p)),
                    q: alt(&cat(&acc.q, &b.d), &b.q),
                    m: alt(&alt(&acc.m, &b.m), &cat(&acc.q, &b.p)),
                    d: cat(&acc.d, &b.d),
                    refs: true,
                };
            }
            acc
        }
        Kind::Union(alts) => alts.iter().fold(
            Around {
                d: None,
                p: None,
                q: None,
                m: None,
                refs: false,
            },
            |acc, a| {
                let b = around(a, id);
                Around {
                    d: alt(&acc.d, &b.d),
                    p: alt(&acc.p, &b.p),
                    q: alt(&acc.q, &b.q),
                    m: alt(&acc.m, &b.m),
                    refs: acc.refs || b.refs,
                }
            },
        ),
        Kind::Star(body) => {
            let b = around(body, id);
            if !b.refs {
                return plain();
            }
            let ds = star(&b.d);
            Around {
                p: cat(&ds, &b.p),
                q: cat(&b.q, &ds),
                m: alt(&b.m, &cat(&cat(&b.q, &ds), &b.p)),
                d: ds,
                refs: true,
            }
        }
        Kind::Maybe(body) => {
            let b = around(body, id);
            if !b.refs {
                return plain();
            }
            Around {
                d: alt(&eps(), &b.d),
                ..b
            }
        }
        Kind::Square(inner) => around(inner, id),
        // A subtree is one node whatever is inside; another recursive lens has its own
        // tree language already.
        _ => plain(),
    })
}

/// The tree language of the recursive lens `id` whose body (built with references that
/// produce no tree) is `first`, when the body reaches itself at its own tree level
/// (`let rec l = [ key /a/ ] . l?`); `None` when every reference is inside a subtree,
/// where the body's tree language is exact. As C does, the recursion's stack is
/// forgotten, which gives a regular language that holds the real one: with `d`, `p`, `q`
/// and `m` the pieces of the body around the references (see [`Around`]), the words
/// `(p | d q* m)* d q*` (`a^n b c^n` becomes `a* b c*`).
pub(crate) fn tree_level_language(id: u64, first: &Lens) -> Option<crate::rx::Regex> {
    let a = around(first, id);
    if !a.refs {
        return None;
    }
    let loop_ = alt(&a.p, &cat(&cat(&a.d, &star(&a.q)), &a.m));
    let lang = cat(&cat(&star(&loop_), &a.d), &star(&a.q));
    Some(lang.unwrap_or_else(crate::rx::Regex::never))
}

#[cfg(test)]
mod window_tests {
    use super::Window;

    #[test]
    fn positions_reached_in_any_order_keep_their_values() {
        let limit = 10_001;
        let mut w: Window<usize> = Window::default();
        let order = [5000, 4999, 10_000, 0, 64, 7777, 1, 9999, 3000];
        for &p in &order {
            w.reach(p, limit, |i| i);
            assert_eq!(w.get(p), Some(&p));
        }
        // Everything between the extremes reached is there, identical to its position,
        // and nothing past the limit was made.
        for p in 0..limit {
            assert_eq!(w.get(p), Some(&p), "{p}");
        }
        assert_eq!(w.get(limit), None);
        assert!(w.items.len() <= limit);
        if let Some(v) = w.get_mut(3) {
            *v = 42;
        }
        assert_eq!(w.get(3), Some(&42));
    }

    #[test]
    fn a_window_stays_near_what_was_reached() {
        let mut w: Window<u32> = Window::default();
        w.reach(1_000_000, 2_000_000, |_| 0);
        w.reach(1_000_100, 2_000_000, |_| 0);
        assert!(w.items.len() <= 512, "{}", w.items.len());
        assert_eq!(w.get(10), None);
    }
}
