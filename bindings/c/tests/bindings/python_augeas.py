"""Exercises the whole API of python-augeas (Debian's python3-augeas 0.5.0, the ctypes
binding that loads libaugeas.so.0) and prints what each call gave. The test runs it on
the real library and on aug-rs's and compares the output.

Usage: python3 python_augeas.py ROOT   (ROOT: a scratch copy of testroot/)
"""

import sys

import augeas

ROOT = sys.argv[1]
A = augeas.Augeas


def show(what, f, *args):
    try:
        r = f(*args)
        print("%s -> %r" % (what, r))
        return r
    except Exception as e:  # the binding raises ValueError, IOError, RuntimeError...
        print("%s raised %s: %s" % (what, type(e).__name__, e))
        return None


aug = A(root=ROOT)
show("get ipaddr", aug.get, "/files/etc/hosts/1/ipaddr")
show("get missing", aug.get, "/files/etc/hosts/99/ipaddr")
show("get several", aug.get, "/files/etc/hosts/*/ipaddr")
show("get bad path", aug.get, "/files/etc/hosts/1/ipaddr[")
show("label", aug.label, "/files/etc/hosts/1")
show("label missing", aug.label, "/nothing")
show("match", aug.match, "/files/etc/hosts/*[ipaddr =~ regexp('10\\..*')]")
show("match none", aug.match, "/files/nothing")
show("match bad", aug.match, "/files[")
show("set", aug.set, "/files/etc/hosts/1/alias[last()+1]", "py-alias")
show("set several", aug.set, "/files/etc/hosts/*/ipaddr", "1.1.1.1")
show("set bad", aug.set, "/files[", "x")
show("setm", aug.setm, "/files/etc/hosts/*[ipaddr =~ regexp('10\\..*')]", "#comment", "ten")
show("setm bad", aug.setm, "/files[", "x", "y")
show("defvar", aug.defvar, "h", "/files/etc/hosts/*[ipaddr]")
show("match $h", lambda: len(aug.match("$h")))
show("defvar bad", aug.defvar, "b", "/files[")
show("defnode", aug.defnode, "n", "/py/node", "made")
show("get $n", aug.get, "$n")
show("defnode again", aug.defnode, "n", "/py/node", "again")
show("list", aug.set, "/py/list/b", "2")
show("insert before", aug.insert, "/py/list/b", "a", True)
show("insert after", aug.insert, "/py/list/b", "c", False)
show("insert several", aug.insert, "/files/etc/hosts/*", "x")
show("insert missing", aug.insert, "/py/nothing", "x")
show("children", aug.match, "/py/list/*")
show("remove", aug.remove, "/py/list")
show("remove bad", aug.remove, "/py[")
show("remove none", aug.remove, "/nothing")
show("move", aug.move, "/py/node", "/py/moved")
show("move missing", aug.move, "/py/nothing", "/py/x")
show("move into self", aug.move, "/py/moved", "/py/moved/x")
show("rename", aug.rename, "/py/moved", "renamed")
show("rename bad", aug.rename, "/py/renamed", "a/b")
show("text_store", aug.set, "/raw/hosts", "192.168.0.1 gw router\n")
show("text_store", aug.text_store, "Hosts.lns", "/raw/hosts", "/parsed")
show("parsed", aug.get, "/parsed/1/canonical")
show("text_store bad lens", aug.text_store, "Nope.lns", "/raw/hosts", "/p2")
show("text_retrieve", aug.text_retrieve, "Hosts.lns", "/raw/hosts", "/parsed", "/out")
show("out", aug.get, "/out")
show("text_retrieve missing original", aug.text_retrieve, "Hosts.lns", "/raw/nothing", "/parsed", "/out")
show("save", aug.save)
show("saved", aug.match, "/augeas/events/saved")
show("hosts line", lambda: open(ROOT + "/etc/hosts").read().splitlines()[3])
show("set bad uid", aug.set, "/files/etc/passwd/root/uid", "abc")
show("save failing", aug.save)
show("error", aug.get, "/augeas/files/etc/passwd/error")
show("load", aug.load)
show("uid after load", aug.get, "/files/etc/passwd/root/uid")
show("transform", aug.transform, "Hosts", "/etc/hosts.extra")
show("transform excl", aug.transform, "Hosts", "/etc/hosts.old", True)
show("transform incl", aug.match, "/augeas/load/Hosts/incl")
show("transform excl", aug.match, "/augeas/load/Hosts/excl")
show("add_transform", aug.add_transform, "Passwd.lns", "/etc/passwd-extra", "PyXfm", ["*.bak"])
show("PyXfm", lambda: [(p, aug.get(p)) for p in aug.match("/augeas/load/PyXfm/*")])
show("clear_transforms", aug.clear_transforms)
show("load after clear", aug.load)
show("files after clear", aug.match, "/files/etc/*")
show("close", aug.close)
show("close again", aug.close)

spans = A(root=ROOT, flags=A.ENABLE_SPAN)
show("span", lambda: spans.span("/files/etc/hosts/1/ipaddr")[1:])
show("span file", lambda: spans.span("/files/etc/hosts/1")[0].replace(ROOT, "ROOT"))
show("span missing", spans.span, "/files/nothing")
show("span no span", spans.span, "/augeas")
spans.close()

for flags in (A.NONE, A.SAVE_BACKUP, A.SAVE_NEWFILE, A.SAVE_NOOP, A.NO_LOAD | A.NO_MODL_AUTOLOAD):
    a = A(root=ROOT, flags=flags)
    show("flags %d save mode" % flags, a.get, "/augeas/save")
    show("flags %d files" % flags, lambda: len(a.match("/files/etc/*")))
    a.close()

old = augeas.augeas(root=ROOT, flags=A.NO_LOAD)
show("deprecated class", old.get, "/augeas/root")
old.close()
