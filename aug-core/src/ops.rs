//! Tree operations with Augeas semantics (`aug_get`, `aug_set`, `aug_rm`, `aug_mv`, ...):
//! path evaluation plus node creation along the path, over a [`Tree`] and its [`Vars`].
//!
//! Every operation that changes the tree is atomic: it runs as one transaction of the
//! tree ([`Tree::atomic`]), so when it fails, nothing it created, moved, removed or
//! marked dirty stays behind.

use crate::error::ErrorCode;
use crate::path::{Axis, LocPath, PathError, PathExpr, Value, Vars};
use crate::print::node_paths;
use crate::tree::{NodeId, Tree};

/// An error of a tree operation: an Augeas error code, a message and details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", details.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
#[non_exhaustive]
pub struct OpError {
    /// The error code.
    pub code: ErrorCode,
    /// The message (Augeas's `aug_error_message`, or the path error's minor message).
    pub message: String,
    /// Details, e.g. `There are 2 nodes matching /a/b`.
    pub details: Option<String>,
    /// The path error, when evaluating a path failed.
    pub path: Option<PathError>,
    /// The path matched nothing and names a node that cannot be created (a step other
    /// than a plain `child::NAME` or `seq::`).
    pub cannot_create: bool,
}

impl OpError {
    fn new(code: ErrorCode, details: impl Into<String>) -> OpError {
        OpError {
            code,
            message: code.message().to_owned(),
            details: Some(details.into()),
            path: None,
            cannot_create: false,
        }
    }

    fn cannot_create(path: &str) -> OpError {
        OpError {
            cannot_create: true,
            ..OpError::new(ErrorCode::PathX, format!("Cannot create a node for {path}"))
        }
    }

    fn many(n: usize, path: &str) -> OpError {
        OpError::new(
            ErrorCode::MMatch,
            format!("There are {n} nodes matching {path}"),
        )
    }

    fn none(path: &str) -> OpError {
        OpError::new(ErrorCode::NoMatch, format!("No node matches {path}"))
    }
}

impl From<PathError> for OpError {
    fn from(e: PathError) -> OpError {
        if e.code != ErrorCode::PathX {
            // Augeas gives details only for errors in the expression itself; `int()` of
            // several nodes is just "too many matches".
            return OpError {
                code: e.code,
                message: e.code.message().to_owned(),
                details: None,
                path: None,
                cannot_create: false,
            };
        }
        OpError {
            code: e.code,
            message: e.kind.message().to_owned(),
            details: Some(e.marked()),
            path: Some(e),
            cannot_create: false,
        }
    }
}

type R<T> = Result<T, OpError>;

/// Records a path expression error in the tree as Augeas does: `/augeas/error` (made the
/// last child of `/augeas` when missing) gets a child `pathx` holding the minor message,
/// with a child `pos` holding the details (the expression marked where it went wrong).
pub fn record_path_error(tree: &mut Tree, minor: &str, details: &str) {
    let root = tree.root();
    let Some(augeas) = tree.child(root, "augeas") else {
        return;
    };
    let error = match tree.child(augeas, "error") {
        Some(e) => e,
        None => match tree.append_child(augeas, Some("error"), None) {
            Some(e) => e,
            None => return,
        },
    };
    let Some(pathx) = set_child(tree, error, "pathx", minor) else {
        return;
    };
    set_child(tree, pathx, "pos", details);
}

/// Sets the value of the child `label` of `parent`, creating it as the last child.
fn set_child(tree: &mut Tree, parent: NodeId, label: &str, value: &str) -> Option<NodeId> {
    match tree.child(parent, label) {
        Some(c) => {
            tree.set_value(c, Some(value));
            Some(c)
        }
        None => tree.append_child(parent, Some(label), Some(value)),
    }
}

/// Parses `path` as an expression that gives a node set, with `vars` defined.
fn parse(path: &str, vars: &Vars) -> R<PathExpr> {
    Ok(PathExpr::parse_nodeset(path, vars)?)
}

/// The nodes `path` matches, for a handle whose context node is `ctx`: evaluated from
/// the root, relative paths starting at `ctx`. Hidden nodes stay in, and a lone `/` is
/// the root (as in `aug_get` and `aug_print`).
pub fn select(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<Vec<NodeId>> {
    let expr = parse(path, vars)?;
    Ok(expr.select_in(tree, vars, tree.root(), Some(ctx))?)
}

/// The nodes `path` matches that a user can see: as [`select`], with hidden nodes (no
/// label, the root among them) left out. `aug_match`, `aug_rm` and `aug_print` all act
/// on these.
pub fn select_visible(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<Vec<NodeId>> {
    let mut ns = select(tree, vars, ctx, path)?;
    ns.retain(|&n| tree.label(n).is_some());
    Ok(ns)
}

/// The nodes `path` matches (`aug_match`), for a handle whose context node is `ctx`. A
/// lone `/` means `/*`, and hidden nodes (no label) are left out.
pub fn matches(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<Vec<NodeId>> {
    let path = if path == "/" { "/*" } else { path };
    select_visible(tree, vars, ctx, path)
}

/// The escaped paths of the nodes `path` matches (what `augtool match` prints).
pub fn match_paths(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<Vec<String>> {
    let ns = matches(tree, vars, ctx, path)?;
    Ok(node_paths(tree, &ns).into_iter().flatten().collect())
}

/// How many nodes `path` matches.
pub fn count(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<usize> {
    Ok(matches(tree, vars, ctx, path)?.len())
}

/// The one node `path` matches, hidden nodes included (`aug_get`): `None` if none, an
/// `MMatch` error if several.
pub fn get_node(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<Option<NodeId>> {
    let ns = select(tree, vars, ctx, path)?;
    match ns.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        _ => Err(OpError::many(ns.len(), path)),
    }
}

/// The value of the one node `path` matches (`aug_get`): `None` when nothing matches or
/// the node has no value; an `MMatch` error when several nodes match.
pub fn get(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<Option<String>> {
    Ok(get_node(tree, vars, ctx, path)?.and_then(|n| tree.value(n).map(str::to_owned)))
}

/// The label of the one node `path` matches (`aug_label`).
pub fn label(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<Option<String>> {
    Ok(get_node(tree, vars, ctx, path)?.and_then(|n| tree.label(n).map(str::to_owned)))
}

fn one(tree: &Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<NodeId> {
    get_node(tree, vars, ctx, path)?.ok_or_else(|| OpError::none(path))
}

/// Finds the one node `path` designates, creating it (and missing ancestors, as last
/// children) when nothing matches, like Augeas's `pathx_expand_tree`. Returns the node
/// and whether it was created.
pub fn expand(tree: &mut Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<(NodeId, bool)> {
    tree.atomic(|tree| expand_in(tree, vars, ctx, path))
}

fn expand_in(tree: &mut Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<(NodeId, bool)> {
    expand_from(tree, vars, tree.root(), Some(ctx), path)
}

/// [`expand_in`] from `origin`, relative paths at the top starting at `root_ctx`.
fn expand_from(
    tree: &mut Tree,
    vars: &Vars,
    origin: NodeId,
    root_ctx: Option<NodeId>,
    path: &str,
) -> R<(NodeId, bool)> {
    let expr = parse(path, vars)?;
    expand_expr(tree, vars, &expr, origin, root_ctx, path)
}

/// [`expand_from`] of `path` already parsed, as `expr`.
fn expand_expr(
    tree: &mut Tree,
    vars: &Vars,
    expr: &PathExpr,
    origin: NodeId,
    root_ctx: Option<NodeId>,
    path: &str,
) -> R<(NodeId, bool)> {
    let traced = expr.creation_trace(tree, vars, origin, root_ctx)?;
    let Some((lp, trace)) = traced else {
        // Not a location path: it must match exactly one node.
        // Augeas traces every path of a union together, so `set` on a union always
        // finds several candidates (EMMATCH), even when only one node matches.
        if matches!(
            expr.expr(),
            crate::path::Expr::Binary(crate::path::BinOp::Union, ..)
        ) {
            let n = expr.select_in(tree, vars, origin, root_ctx)?.len();
            return Err(OpError::many(n, path));
        }
        let ns = expr.select_in(tree, vars, origin, root_ctx)?;
        return match ns.as_slice() {
            [one] => Ok((*one, false)),
            [] => Err(OpError::none(path)),
            _ => Err(OpError::many(ns.len(), path)),
        };
    };
    let Some(deepest) = trace.iter().rposition(|ns| !ns.is_empty()) else {
        // Nothing matched, not even where the path starts (an empty variable or
        // expression): like Augeas, create every step below the tree's root.
        if lp.steps.is_empty() {
            return Err(OpError::none(path));
        }
        return create_steps(tree, lp, 0, origin, path);
    };
    let found = trace.get(deepest).map_or(&[][..], Vec::as_slice);
    let parent = match found {
        [one] => *one,
        _ => return Err(OpError::many(found.len(), path)),
    };
    create_steps(tree, lp, deepest, parent, path)
}

/// Creates the steps of `lp` from step number `from` on below `parent`.
fn create_steps(
    tree: &mut Tree,
    lp: &LocPath,
    from: usize,
    mut parent: NodeId,
    path: &str,
) -> R<(NodeId, bool)> {
    let steps = lp.steps.get(from..).unwrap_or_default();
    if steps.is_empty() {
        return Ok((parent, false));
    }
    // Every step must be creatable before anything is created.
    if steps.iter().any(|step| {
        !matches!(
            (step.axis, &step.name),
            (Axis::Child, Some(_)) | (Axis::Seq, _)
        )
    }) {
        return Err(OpError::cannot_create(path));
    }
    for step in steps {
        let label = match (step.axis, &step.name) {
            (Axis::Child, Some(name)) => name.clone(),
            (Axis::Seq, Some(name)) => name.clone(),
            (Axis::Seq, None) => {
                let max = tree
                    .children(parent)
                    .iter()
                    .filter_map(|&c| tree.label(c)?.parse::<u64>().ok())
                    .max()
                    .unwrap_or(0);
                (max + 1).to_string()
            }
            _ => {
                return Err(OpError::cannot_create(path));
            }
        };
        parent = tree
            .append_child(parent, Some(&label), None)
            .ok_or_else(|| OpError::new(ErrorCode::Internal, "parent vanished"))?;
    }
    Ok((parent, true))
}

/// Sets the value of the node `path` designates, creating it if needed (`aug_set`).
/// Setting the value a node already has does not mark it dirty.
pub fn set(
    tree: &mut Tree,
    vars: &Vars,
    ctx: NodeId,
    path: &str,
    value: Option<&str>,
) -> R<NodeId> {
    tree.atomic(|tree| {
        let (node, _) = expand_in(tree, vars, ctx, path)?;
        tree.set_value(node, value);
        Ok(node)
    })
}

/// `aug_setm`: for every node matching `base`, sets the nodes matching `sub` relative to
/// it (creating one if none match). `sub` of `None` or `.` means the base node itself.
/// Returns the number of nodes set.
pub fn setm(
    tree: &mut Tree,
    vars: &Vars,
    ctx: NodeId,
    base: &str,
    sub: Option<&str>,
    value: Option<&str>,
) -> R<usize> {
    tree.atomic(|tree| setm_in(tree, vars, ctx, base, sub, value))
}

fn setm_in(
    tree: &mut Tree,
    vars: &Vars,
    ctx: NodeId,
    base: &str,
    sub: Option<&str>,
    value: Option<&str>,
) -> R<usize> {
    // The base nodes as `aug_setm` finds them: hidden nodes count (`setm / . V` sets
    // the root's value).
    let bases = select(tree, vars, ctx, base)?;
    let mut n = 0;
    // `sub`, parsed on the first base node (with none, a bad `sub` is no error, as in
    // Augeas), once for all of them.
    let mut parsed: Option<PathExpr> = None;
    for b in bases {
        match sub {
            None | Some(".") => {
                tree.set_value(b, value);
                n += 1;
            }
            Some(sub) => {
                let expr = match &mut parsed {
                    Some(expr) => expr,
                    none => none.insert(parse(sub, vars)?),
                };
                // `sub` is evaluated with the base node as its origin.
                let found = expr.select_in(tree, vars, b, None)?;
                if found.is_empty() {
                    let (node, _) = expand_expr(tree, vars, expr, b, None, sub)?;
                    tree.set_value(node, value);
                    n += 1;
                } else {
                    for f in found {
                        tree.set_value(f, value);
                        n += 1;
                    }
                }
            }
        }
    }
    Ok(n)
}

/// `aug_clear`: sets the value of the node to none, creating it if needed.
pub fn clear(tree: &mut Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<NodeId> {
    set(tree, vars, ctx, path, None)
}

/// `clearm`: [`setm`] with no value.
pub fn clearm(tree: &mut Tree, vars: &Vars, ctx: NodeId, base: &str, sub: &str) -> R<usize> {
    setm(tree, vars, ctx, base, Some(sub), None)
}

/// `touch`: creates the node if nothing matches `path`; leaves existing nodes alone.
pub fn touch(tree: &mut Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<()> {
    if matches(tree, vars, ctx, path)?.is_empty() {
        set(tree, vars, ctx, path, None)?;
    }
    Ok(())
}

/// `aug_rm`: removes every node matching `path` with its descendants. Returns the number
/// of nodes removed, descendants included.
pub fn rm(tree: &mut Tree, vars: &Vars, ctx: NodeId, path: &str) -> R<usize> {
    // Hidden nodes stay, the root among them: `rm /` removes nothing, as in Augeas.
    let ns = select_visible(tree, vars, ctx, path)?;
    tree.atomic(|tree| Ok(tree.remove_many(&ns)))
}

fn check_label(label: &str) -> R<()> {
    if label.contains('/') {
        return Err(OpError::new(
            ErrorCode::Label,
            format!("Label {label} contains a /"),
        ));
    }
    Ok(())
}

/// `aug_insert`: creates a node labelled `label` right before (or after) the one node
/// matching `path`.
pub fn insert(
    tree: &mut Tree,
    vars: &Vars,
    ctx: NodeId,
    path: &str,
    label: &str,
    before: bool,
) -> R<NodeId> {
    check_label(label)?;
    let target = one(tree, vars, ctx, path)?;
    tree.atomic(|tree| {
        tree.insert_sibling(target, Some(label), before)
            .ok_or_else(|| {
                OpError::new(ErrorCode::NoMatch, format!("Cannot insert next to {path}"))
            })
    })
}

/// Whether `node` is a file's top node or has one below it.
fn holds_files(tree: &Tree, node: NodeId) -> bool {
    tree.descendants_or_self(node).any(|n| tree.is_file(n))
}

/// Refuses an operation that gave a child of `parent` the label `label` when two children
/// labelled so would then name the same file or directory: one of them a loaded file (or
/// a directory holding one). A save could not tell which one is the file. Children inside
/// a file may share labels freely, and a clash the operation did not make (two nodes
/// under other labels, made by an earlier `set`) is left for save to report.
fn check_file_clash(tree: &Tree, parent: NodeId, label: &str, code: ErrorCode) -> R<()> {
    if tree.ancestors_or_self(parent).any(|a| tree.is_file(a)) {
        return Ok(());
    }
    let same = tree.children_labelled(parent, label);
    if same.len() > 1 && same.iter().any(|&c| holds_files(tree, c)) {
        let dir = crate::print::node_path(tree, parent).unwrap_or_default();
        let dir = if dir == "/" { String::new() } else { dir };
        return Err(OpError::new(
            code,
            format!(
                "{} nodes would describe the same file or directory {dir}/{label}",
                same.len()
            ),
        ));
    }
    Ok(())
}

/// Common part of `mv` and `cp`: the one source node and the destination (found or
/// created), refusing a destination inside the source, the source itself or one of its
/// ancestors, and a destination that would make two nodes describe one file.
fn src_dst(
    tree: &mut Tree,
    vars: &Vars,
    ctx: NodeId,
    src: &str,
    dst: &str,
    code: ErrorCode,
) -> R<(NodeId, NodeId)> {
    let s = one(tree, vars, ctx, src)?;
    let (d, _) = expand_in(tree, vars, ctx, dst)?;
    if tree.is_ancestor_or_self(s, d) {
        return Err(OpError::new(
            code,
            format!("destination {dst} is a descendant of {src}"),
        ));
    }
    if tree.is_ancestor_or_self(d, s) {
        // Augeas crashes here; the destination would lose every other child it has.
        return Err(OpError::new(
            code,
            format!("destination {dst} is an ancestor of {src}"),
        ));
    }
    if let (Some(parent), Some(label)) = (tree.parent(d), tree.label(d)) {
        check_file_clash(tree, parent, label, code)?;
    }
    Ok((s, d))
}

/// `aug_mv`: the one node matching `src` replaces the node `dst` designates (which is
/// created if missing); the destination keeps its label and position, takes the source's
/// value and children, and the source disappears.
pub fn mv(tree: &mut Tree, vars: &Vars, ctx: NodeId, src: &str, dst: &str) -> R<NodeId> {
    tree.atomic(|tree| mv_in(tree, vars, ctx, src, dst))
}

fn mv_in(tree: &mut Tree, vars: &Vars, ctx: NodeId, src: &str, dst: &str) -> R<NodeId> {
    let (s, d) = src_dst(tree, vars, ctx, src, dst, ErrorCode::MvDesc)?;
    tree.clear_children(d);
    let value = tree.value(s).map(str::to_owned);
    tree.set_value(d, value.as_deref());
    let kids: Vec<NodeId> = tree.children(s).to_vec();
    // The children keep their flags, as in Augeas: a clean subtree moved under another
    // file's path is not written there.
    for k in kids {
        tree.relink(k, d, usize::MAX);
    }
    tree.remove(s);
    tree.mark_dirty(d);
    Ok(d)
}

/// `aug_cp`: copies the value and children of the one node matching `src` onto the node
/// `dst` designates (created if missing).
pub fn cp(tree: &mut Tree, vars: &Vars, ctx: NodeId, src: &str, dst: &str) -> R<NodeId> {
    tree.atomic(|tree| cp_in(tree, vars, ctx, src, dst))
}

fn cp_in(tree: &mut Tree, vars: &Vars, ctx: NodeId, src: &str, dst: &str) -> R<NodeId> {
    let (s, d) = src_dst(tree, vars, ctx, src, dst, ErrorCode::CpDesc)?;
    tree.clear_children(d);
    let value = tree.value(s).map(str::to_owned);
    tree.set_value(d, value.as_deref());
    // Hidden children are not copied, as in Augeas (see `Tree::copy_to`).
    let kids: Vec<NodeId> = tree
        .children(s)
        .iter()
        .copied()
        .filter(|&k| tree.label(k).is_some())
        .collect();
    for k in kids {
        tree.copy_to(k, d, usize::MAX);
    }
    tree.mark_dirty(d);
    Ok(d)
}

/// `aug_rename`: relabels every node matching `src`. Returns how many were renamed.
pub fn rename(tree: &mut Tree, vars: &Vars, ctx: NodeId, src: &str, label: &str) -> R<usize> {
    check_label(label)?;
    let ns = matches(tree, vars, ctx, src)?;
    tree.atomic(|tree| {
        for &n in &ns {
            tree.set_label(n, Some(label));
            // As Augeas's, a rename to the label the node has counts as a change: its file
            // is written again (the same text, unless its lens writes it otherwise, as
            // Httpd's closing tags whose case differs from the opening ones).
            tree.mark_dirty(n);
        }
        let mut parents: Vec<NodeId> = ns.iter().filter_map(|&n| tree.parent(n)).collect();
        parents.sort_unstable();
        parents.dedup();
        for p in parents {
            check_file_clash(tree, p, label, ErrorCode::Label)?;
        }
        Ok(ns.len())
    })
}

/// `aug_defvar`: defines `$name` as the value of `expr` (or removes it when `expr` is
/// `None`). Returns the number of nodes when the value is a node set, 0 otherwise.
pub fn defvar(
    tree: &Tree,
    vars: &mut Vars,
    ctx: NodeId,
    name: &str,
    expr: Option<&str>,
) -> R<usize> {
    let Some(expr) = expr else {
        vars.remove(name);
        return Ok(0);
    };
    let value = PathExpr::parse_with(expr, vars)?.eval_in(tree, vars, tree.root(), Some(ctx))?;
    let n = match &value {
        Value::NodeSet(ns) => ns.len(),
        _ => 0,
    };
    vars.set(name, value);
    Ok(n)
}

/// `aug_defnode`: defines `$name` as the nodes matching `expr`; when nothing matches, the
/// node is created (with `value`). Returns the number of nodes in the variable and
/// whether a node was created.
pub fn defnode(
    tree: &mut Tree,
    vars: &mut Vars,
    ctx: NodeId,
    name: &str,
    expr: &str,
    value: Option<&str>,
) -> R<(usize, bool)> {
    // The nodes as a variable holds them: hidden ones too (`defnode x / V` is the root).
    let ns = select(tree, vars, ctx, expr)?;
    if !ns.is_empty() {
        let n = ns.len();
        vars.set(name, Value::NodeSet(ns));
        return Ok((n, false));
    }
    let node = set(tree, vars, ctx, expr, value)?;
    vars.set(name, Value::NodeSet(vec![node]));
    Ok((1, true))
}
