//! `aug_to_xml`: the tree as libxml2 nodes. aug-rs does not link libxml2: a program that
//! calls `aug_to_xml` uses libxml2 itself (to read and free the result), so the functions
//! are looked up in the process at run time (`dlsym`), or libxml2.so.2 is opened if the
//! program has not loaded it; without libxml2 the call fails with `AUG_EINTERNAL`.

use crate::ffi::{bad_arg, c_string, guard, opt_text, put};
use crate::handle::Handle;
use aug_core::print::{node_path, node_paths};
use aug_core::{Augeas, Error, ErrorCode, NodeId};
use std::ffi::{CStr, c_char, c_int, c_uint, c_void};
use std::sync::OnceLock;

/// libxml2's `xmlNodePtr`, opaque here.
type XmlNode = *mut c_void;

/// `xmlNewNode(ns, name)`.
type NewNodeFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> XmlNode;
/// `xmlNewChild(parent, ns, name, content)` and `xmlNewTextChild`.
type NewChildFn =
    unsafe extern "C" fn(XmlNode, *mut c_void, *const c_char, *const c_char) -> XmlNode;
/// `xmlSetProp(node, name, value)`.
type SetPropFn = unsafe extern "C" fn(XmlNode, *const c_char, *const c_char) -> *mut c_void;
/// `xmlFreeNode(node)`.
type FreeNodeFn = unsafe extern "C" fn(XmlNode);

/// The libxml2 functions `aug_to_xml` needs.
#[derive(Debug, Clone, Copy)]
struct LibXml {
    new_node: NewNodeFn,
    new_child: NewChildFn,
    new_text_child: NewChildFn,
    set_prop: SetPropFn,
    free_node: FreeNodeFn,
}

/// The address of `name` in the process, or in libxml2.so.2 (`lib`).
fn symbol(lib: *mut c_void, name: &CStr) -> Option<*mut c_void> {
    // SAFETY: dlsym with a valid handle (RTLD_DEFAULT or one from dlopen) and a C string.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    if !p.is_null() {
        return Some(p);
    }
    if lib.is_null() {
        return None;
    }
    // SAFETY: as above.
    let p = unsafe { libc::dlsym(lib, name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

/// libxml2, found once per process.
fn libxml() -> Option<LibXml> {
    static LIB: OnceLock<Option<LibXml>> = OnceLock::new();
    *LIB.get_or_init(|| {
        // SAFETY: dlsym with RTLD_DEFAULT and a C string.
        let loaded = !unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"xmlNewNode".as_ptr()) }.is_null();
        let lib = if loaded {
            std::ptr::null_mut()
        } else {
            // SAFETY: dlopen of a library by name; it stays open for the process.
            unsafe { libc::dlopen(c"libxml2.so.2".as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) }
        };
        let new_node = symbol(lib, c"xmlNewNode")?;
        let new_child = symbol(lib, c"xmlNewChild")?;
        let new_text_child = symbol(lib, c"xmlNewTextChild")?;
        let set_prop = symbol(lib, c"xmlSetProp")?;
        let free_node = symbol(lib, c"xmlFreeNode")?;
        // SAFETY: each address is libxml2's function of that name, whose C signature is
        // the one given to it here.
        unsafe {
            Some(LibXml {
                new_node: std::mem::transmute::<*mut c_void, NewNodeFn>(new_node),
                new_child: std::mem::transmute::<*mut c_void, NewChildFn>(new_child),
                new_text_child: std::mem::transmute::<*mut c_void, NewChildFn>(new_text_child),
                set_prop: std::mem::transmute::<*mut c_void, SetPropFn>(set_prop),
                free_node: std::mem::transmute::<*mut c_void, FreeNodeFn>(free_node),
            })
        }
    })
}

fn no_memory() -> Error {
    Error::new(ErrorCode::NoMem, None, None)
}

/// A non-null node, or `ENOMEM` (libxml2 returns null when allocation fails).
fn made(n: XmlNode) -> Result<XmlNode, Error> {
    if n.is_null() { Err(no_memory()) } else { Ok(n) }
}

/// Builds the XML tree with libxml2.
struct Builder<'a> {
    xml: LibXml,
    aug: &'a Augeas,
}

impl Builder<'_> {
    fn prop(&self, node: XmlNode, name: &CStr, value: &str) -> Result<(), Error> {
        let value = c_string(value);
        // SAFETY: `node` is a live element; the strings are NUL-terminated.
        let a = unsafe { (self.xml.set_prop)(node, name.as_ptr(), value.as_ptr()) };
        if a.is_null() {
            Err(no_memory())
        } else {
            Ok(())
        }
    }

    fn child(&self, parent: XmlNode, name: &CStr) -> Result<XmlNode, Error> {
        // SAFETY: `parent` is a live element; a null namespace and content are allowed.
        made(unsafe {
            (self.xml.new_child)(
                parent,
                std::ptr::null_mut(),
                name.as_ptr(),
                std::ptr::null(),
            )
        })
    }

    fn span(
        &self,
        parent: XmlNode,
        what: &str,
        range: &std::ops::Range<usize>,
    ) -> Result<(), Error> {
        let s = self.child(parent, c"span")?;
        self.prop(s, c"for", what)?;
        self.prop(s, c"start", &range.start.to_string())?;
        self.prop(s, c"end", &range.end.to_string())
    }

    /// `<node label=… [file=…] [path=…]>` for `n` under `parent`, with its spans, value
    /// and (visible) children, as Augeas writes them.
    fn node(&self, parent: XmlNode, n: NodeId, path: Option<&str>) -> Result<(), Error> {
        let tree = self.aug.tree();
        let Some(label) = tree.label(n) else {
            return Ok(());
        };
        let elem = self.child(parent, c"node")?;
        self.prop(elem, c"label", label)?;
        let span = match tree.span(n) {
            Some(_) => node_path(tree, n).and_then(|p| self.aug.span(&p).ok()),
            None => None,
        };
        if let Some(s) = &span {
            self.prop(elem, c"file", &s.filename)?;
        }
        if let Some(p) = path {
            self.prop(elem, c"path", p)?;
        }
        if let Some(s) = &span {
            self.span(elem, "label", &s.label)?;
            self.span(elem, "value", &s.value)?;
            self.span(elem, "node", &s.span)?;
        }
        if let Some(v) = tree.value(n) {
            let v = c_string(v);
            // SAFETY: `elem` is a live element; the strings are NUL-terminated.
            made(unsafe {
                (self.xml.new_text_child)(elem, std::ptr::null_mut(), c"value".as_ptr(), v.as_ptr())
            })?;
        }
        for &c in tree.children(n) {
            self.node(elem, c, None)?;
        }
        Ok(())
    }
}

/// `aug_to_xml`: the nodes `path` matches (every top-level node for null, empty or `/`)
/// as `<augeas match="PATH">` with a `<node>` element per node, in `*xmltree`, which the
/// caller frees with `xmlFreeNode`. `flags` must be 0. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` null or a C string; `xmltree` writable.
pub unsafe extern "C" fn aug_to_xml(
    aug: *const Handle,
    path: *const c_char,
    xmltree: *mut XmlNode,
    flags: c_uint,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            if flags != 0 {
                return Err(bad_arg("aug_to_xml: FLAGS must be 0"));
            }
            if xmltree.is_null() {
                return Err(bad_arg("aug_to_xml: XMLDOC must be non-NULL"));
            }
            put(xmltree, std::ptr::null_mut());
            let path = opt_text(path);
            let path = match path.as_deref() {
                None | Some("" | "/") => "/*",
                Some(p) => p,
            };
            let nodes = h.aug.match_nodes(path)?;
            let xml = libxml().ok_or_else(|| {
                Error::new(
                    ErrorCode::Internal,
                    Some("libxml2 is not available".to_owned()),
                    Some("aug_to_xml needs libxml2.so.2 in the process".to_owned()),
                )
            })?;
            let top = made((xml.new_node)(std::ptr::null_mut(), c"augeas".as_ptr()))?;
            let b = Builder { xml, aug: &h.aug };
            let paths = node_paths(h.aug.tree(), &nodes);
            let built = b.prop(top, c"match", path).and_then(|()| {
                nodes
                    .iter()
                    .zip(&paths)
                    .try_for_each(|(&n, p)| b.node(top, n, p.as_deref()))
            });
            if let Err(e) = built {
                (xml.free_node)(top);
                return Err(e);
            }
            put(xmltree, top);
            Ok(0)
        })
    }
}
