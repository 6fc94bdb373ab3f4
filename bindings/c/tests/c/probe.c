/*
 * probe.c: calls every function of Augeas 1.14's C interface, in its normal and its
 * failing cases, and prints what each returned (return value, outputs, error code,
 * message, minor message, details). The test runs it on the real libaugeas.so.0 and on
 * aug-rs's, and compares the transcripts; on ours it also runs under valgrind, and frees
 * everything the interface says the caller owns, so a leak or a bad free shows.
 *
 * Usage: probe ROOT   (ROOT: a scratch copy of testroot/, edited by the run)
 */
#define AUG_RS_NO_EXTENSIONS 1
#include <augeas.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static augeas *aug;
static const char *root;

#define S(p) ((p) != NULL ? (p) : "(null)")

/* The error of the last call on `a`. */
static void report(augeas *a) {
    int code = aug_error(a);
    if (code == AUG_NOERROR) {
        printf("    ok\n");
        return;
    }
    printf("    error %d: %s\n", code, aug_error_message(a));
    printf("      minor: %s\n", S(aug_error_minor_message(a)));
    printf("      details: %s\n", S(aug_error_details(a)));
}

static void get(const char *path) {
    const char *value = "unset";
    int r = aug_get(aug, path, &value);
    printf("aug_get(%s) = %d, value %s\n", path, r, S(value));
    report(aug);
}

static void label(const char *path) {
    const char *lbl = "unset";
    int r = aug_label(aug, path, &lbl);
    printf("aug_label(%s) = %d, label %s\n", path, r, S(lbl));
    report(aug);
}

static void set(const char *path, const char *value) {
    int r = aug_set(aug, path, value);
    printf("aug_set(%s, %s) = %d\n", path, S(value), r);
    report(aug);
}

static void setm(const char *base, const char *sub, const char *value) {
    int r = aug_setm(aug, base, sub, value);
    printf("aug_setm(%s, %s, %s) = %d\n", base, S(sub), S(value), r);
    report(aug);
}

static void insert(const char *path, const char *lbl, int before) {
    int r = aug_insert(aug, path, lbl, before);
    printf("aug_insert(%s, %s, %d) = %d\n", path, lbl, before, r);
    report(aug);
}

static void rm(const char *path) {
    int r = aug_rm(aug, path);
    printf("aug_rm(%s) = %d\n", path, r);
    report(aug);
}

static void mv(const char *src, const char *dst) {
    int r = aug_mv(aug, src, dst);
    printf("aug_mv(%s, %s) = %d\n", src, dst, r);
    report(aug);
}

static void cp(const char *src, const char *dst) {
    int r = aug_cp(aug, src, dst);
    printf("aug_cp(%s, %s) = %d\n", src, dst, r);
    report(aug);
}

static void rename_(const char *src, const char *lbl) {
    int r = aug_rename(aug, src, lbl);
    printf("aug_rename(%s, %s) = %d\n", src, lbl, r);
    report(aug);
}

static void match(const char *path) {
    char **matches = (char **) 1;
    int r = aug_match(aug, path, &matches);
    printf("aug_match(%s) = %d, array %s\n", path, r,
           matches == NULL ? "NULL" : (matches == (char **) 1 ? "unset" : "set"));
    for (int i = 0; i < r; i++) {
        printf("  %s\n", matches[i]);
        free(matches[i]);
    }
    if (matches != (char **) 1)
        free(matches);
    report(aug);
    /* Counting only. */
    printf("aug_match(%s, NULL) = %d\n", path, aug_match(aug, path, NULL));
}

static void defvar(const char *name, const char *expr) {
    int r = aug_defvar(aug, name, expr);
    printf("aug_defvar(%s, %s) = %d\n", name, S(expr), r);
    report(aug);
}

static void defnode(const char *name, const char *expr, const char *value) {
    int created = -7;
    int r = aug_defnode(aug, name, expr, value, &created);
    printf("aug_defnode(%s, %s, %s) = %d, created %d\n", name, expr, S(value), r, created);
    report(aug);
}

static void ns(const char *var, int i) {
    const char *value = "unset", *lbl = "unset";
    char *file = (char *) "unset", *path = (char *) "unset";
    int index = -7;
    int r = aug_ns_attr(aug, var, i, &value, &lbl, &file);
    printf("aug_ns_attr(%s, %d) = %d, value %s, label %s, file %s\n", var, i, r, S(value), S(lbl), S(file));
    report(aug);
    if (r >= 0)
        free(file);
    lbl = "unset";
    r = aug_ns_label(aug, var, i, &lbl, &index);
    printf("aug_ns_label(%s, %d) = %d, label %s, index %d\n", var, i, r, S(lbl), index);
    report(aug);
    value = "unset";
    r = aug_ns_value(aug, var, i, &value);
    printf("aug_ns_value(%s, %d) = %d, value %s\n", var, i, r, S(value));
    report(aug);
    r = aug_ns_path(aug, var, i, &path);
    printf("aug_ns_path(%s, %d) = %d, path %s\n", var, i, r, S(path));
    report(aug);
    if (r >= 0)
        free(path);
}

static void ns_count(const char *var) {
    int r = aug_ns_count(aug, var);
    printf("aug_ns_count(%s) = %d\n", var, r);
    report(aug);
}

static void escape(const char *in) {
    char *out = (char *) "unset";
    int r = aug_escape_name(aug, in, &out);
    printf("aug_escape_name(%s) = %d, out %s\n", in, r, S(out));
    report(aug);
    if (r == 0)
        free(out);
}

static void print(const char *path) {
    printf("aug_print(%s):\n", S(path));
    fflush(stdout);
    int r = aug_print(aug, stdout, path);
    printf("aug_print(%s) = %d\n", S(path), r);
    report(aug);
}

static void source(const char *path) {
    char *file = (char *) "unset";
    int r = aug_source(aug, path, &file);
    printf("aug_source(%s) = %d, file %s\n", path, r, S(file));
    report(aug);
    if (r == 0)
        free(file);
}

static void preview(const char *path) {
    char *out = (char *) "unset";
    int r = aug_preview(aug, path, &out);
    printf("aug_preview(%s) = %d, text:\n%s\n", path, r, S(out));
    report(aug);
    if (r == 0)
        free(out);
}

static void srun(const char *text) {
    printf("aug_srun(%s):\n", S(text));
    fflush(stdout);
    int r = aug_srun(aug, stdout, text);
    printf("aug_srun = %d\n", r);
    report(aug);
}

static void span(const char *path) {
    char *file = NULL;
    unsigned int ls = 7, le = 7, vs = 7, ve = 7, ss = 7, se = 7;
    int r = aug_span(aug, path, &file, &ls, &le, &vs, &ve, &ss, &se);
    printf("aug_span(%s) = %d, file %s, label %u-%u, value %u-%u, span %u-%u\n",
           path, r, S(file), ls, le, vs, ve, ss, se);
    report(aug);
    free(file);
}

static void file_text(const char *rel) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    FILE *f = fopen(path, "r");
    printf("file %s:\n", rel);
    if (f == NULL) {
        printf("  (missing)\n");
        return;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stdout);
    fclose(f);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: probe ROOT\n");
        return 2;
    }
    root = argv[1];

    /* A handle with the stock lenses and every file of the root loaded. */
    aug = aug_init(root, NULL, AUG_NONE);
    printf("aug_init = %s\n", aug == NULL ? "NULL" : "handle");
    if (aug == NULL)
        return 1;
    report(aug);

    printf("\n== get, label\n");
    get("/files/etc/hosts/1/ipaddr");
    get("/files/etc/hosts/1/alias");
    get("/files/etc/hosts/*/ipaddr");
    get("/files/etc/hosts/99");
    get("/files/etc/hosts");
    get("/files/etc/hosts/1/ipaddr[");
    get("$nosuchvar");
    get("hosts/1/canonical");
    {
        int r = aug_get(aug, "/files/etc/hosts/1/ipaddr", NULL);
        printf("aug_get(..., NULL) = %d\n", r);
    }
    label("/files/etc/hosts/1");
    label("/files/etc/hosts/*");
    label("/files/nothing");
    label("/");

    printf("\n== match\n");
    match("/files/etc/hosts/*[ipaddr = '127.0.0.1']");
    match("/files/etc/hosts/1/*");
    match("/");
    match("/files/nothing");
    match("/files/etc/hosts/1/ipaddr[");
    match("/files/etc/passwd/*[uid > 999]/shell");
    match("/augeas/files/etc/hosts/*");

    printf("\n== set, setm, insert, rm, mv, cp, rename\n");
    set("/files/etc/hosts/1/alias[last()+1]", "probe-alias");
    get("/files/etc/hosts/1/alias[last()]");
    set("/files/etc/hosts/*/ipaddr", "1.2.3.4");
    set("/files/etc/hosts/1/ipaddr[", "x");
    set("/t/a/b", NULL);
    get("/t/a/b");
    set("/t/a/b", "");
    get("/t/a/b");
    setm("/files/etc/hosts/*[ipaddr =~ regexp('10\\..*')]", "comment", "ten");
    match("/files/etc/hosts/*/comment");
    setm("/t/a", NULL, "v");
    setm("/t/nothing", "x", "v");
    setm("/t/a[", "x", "v");
    insert("/files/etc/hosts/1/alias[1]", "alias", 1);
    insert("/files/etc/hosts/1/alias[1]", "alias", 0);
    insert("/files/etc/hosts/1/alias", "alias", 0);
    insert("/files/nothing", "x", 0);
    insert("/files/etc/hosts/1/ipaddr", "a/b", 0);
    match("/files/etc/hosts/1/*");
    rm("/files/etc/hosts/1/alias[. = 'probe-alias']");
    rm("/files/etc/hosts/1/alias[not(.)]");
    rm("/files/nothing");
    rm("/files/etc/hosts/1/ipaddr[");
    set("/t/src/x", "1");
    set("/t/src/y", "2");
    mv("/t/src", "/t/dst");
    print("/t");
    mv("/t/dst", "/t/dst/x");
    mv("/t/nothing", "/t/x");
    mv("/t/dst/*", "/t/z");
    cp("/t/dst", "/t/copy");
    cp("/t/dst", "/t/dst/x/y");
    cp("/t/nothing", "/t/copy2");
    print("/t");
    rename_("/t/copy/*", "n");
    rename_("/t/nothing", "n");
    rename_("/t/copy", "a/b");
    print("/t");

    printf("\n== defvar, defnode, ns_*\n");
    defvar("hosts", "/files/etc/hosts/*[ipaddr]");
    defvar("num", "count(/files/etc/hosts/*)");
    defvar("str", "'text'");
    defvar("bad", "/files/etc/hosts/*[");
    get("$hosts[1]/ipaddr");
    ns_count("hosts");
    ns_count("num");
    ns_count("nosuch");
    ns("hosts", 0);
    ns("hosts", 2);
    ns("hosts", 999);
    ns("hosts", -1);
    ns("num", 0);
    ns("nosuch", 0);
    defvar("aliases", "/files/etc/hosts/1/alias");
    ns("aliases", 0);
    defvar("meta", "/augeas/root");
    ns("meta", 0);
    defvar("hosts", NULL);
    ns_count("hosts");
    print("/augeas/variables");
    defnode("new", "/t/defnode/n", "created");
    defnode("new", "/t/defnode/n", "again");
    defnode("many", "/t/*", NULL);
    get("/t/defnode/n");
    {
        int r = aug_defnode(aug, "nullcreated", "/t/defnode/m", "v", NULL);
        printf("aug_defnode(..., NULL) = %d\n", r);
        report(aug);
    }

    printf("\n== escape_name\n");
    escape("plain");
    escape("a/b");
    escape("with space");
    escape("[x]");
    escape("star*");
    escape("");

    printf("\n== print\n");
    print("/files/etc/hosts/2");
    print("/files/nothing");
    print("/files/etc/hosts/2[");
    print("/files/etc/passwd/root/*");

    printf("\n== source, preview\n");
    source("/files/etc/hosts/1/ipaddr");
    source("/files/etc/hosts");
    source("/augeas/root");
    source("/files/nothing");
    source("/files/etc/hosts/*");
    source("/files/etc/hosts/1/ipaddr[");
    set("/files/etc/hosts/2/alias[last()+1]", "previewed");
    preview("/files/etc/hosts/2/alias[last()]");
    preview("/augeas/root");
    preview("/files/nothing");

    printf("\n== save, load\n");
    rm("/t");
    set("/files/etc/passwd/root/shell", "/bin/zsh");
    {
        int r = aug_save(aug);
        printf("aug_save = %d\n", r);
        report(aug);
    }
    match("/augeas/events/saved");
    file_text("etc/hosts");
    set("/files/etc/hosts/1/ipaddr", "127.0.0.2");
    {
        int r = aug_load(aug);
        printf("aug_load = %d\n", r);
        report(aug);
    }
    get("/files/etc/hosts/1/ipaddr");
    set("/files/etc/passwd/root/uid", "not-a-number");
    {
        int r = aug_save(aug);
        printf("aug_save = %d\n", r);
        report(aug);
    }
    get("/augeas/files/etc/passwd/error");
    set("/augeas/save", "nonsense");
    {
        int r = aug_save(aug);
        printf("aug_save (bad mode) = %d\n", r);
        report(aug);
    }
    set("/augeas/save", "overwrite");

    printf("\n== text_store, text_retrieve\n");
    set("/text/in", "192.168.0.1 gateway gw\n# note\n");
    {
        int r = aug_text_store(aug, "Hosts.lns", "/text/in", "/text/tree");
        printf("aug_text_store = %d\n", r);
        report(aug);
    }
    print("/text/tree");
    set("/text/tree/1/alias[last()+1]", "router");
    {
        int r = aug_text_retrieve(aug, "Hosts.lns", "/text/in", "/text/tree", "/text/out");
        printf("aug_text_retrieve = %d\n", r);
        report(aug);
    }
    get("/text/out");
    set("/text/bad", "missing-canonical\n");
    {
        int r = aug_text_store(aug, "Hosts.lns", "/text/bad", "/text/badtree");
        printf("aug_text_store (bad text) = %d\n", r);
        report(aug);
    }
    get("/augeas/text/text/badtree/error");
    {
        int r = aug_text_store(aug, "Nosuch.lns", "/text/in", "/text/t2");
        printf("aug_text_store (no lens) = %d\n", r);
        report(aug);
        r = aug_text_store(aug, "Hosts.lns", "/text/nosuch", "/text/t2");
        printf("aug_text_store (no node) = %d\n", r);
        report(aug);
        r = aug_text_retrieve(aug, "Hosts.lns", "/text/in", "/text/nosuch", "/text/out2");
        printf("aug_text_retrieve (no tree) = %d\n", r);
        report(aug);
    }
    get("/text/out2");
    {
        int r = aug_text_retrieve(aug, "Hosts.lns", "/text/nosuch", "/text/tree", "/text/out3");
        printf("aug_text_retrieve (no original) = %d\n", r);
        report(aug);
        set("/text/novalue", NULL);
        r = aug_text_retrieve(aug, "Hosts.lns", "/text/novalue", "/text/tree", "/text/out3");
        printf("aug_text_retrieve (original without value) = %d\n", r);
        report(aug);
        r = aug_text_store(aug, "Hosts.lns", "/text/novalue", "/text/t3");
        printf("aug_text_store (text without value) = %d\n", r);
        report(aug);
    }
    get("/text/out3");

    printf("\n== srun\n");
    srun("get /files/etc/hosts/1/ipaddr\nmatch /files/etc/hosts/1/*\n");
    srun("set /s/a 1\n\n# a comment\n  print /s\n");
    srun("get /s/a\nnosuchcommand\nget /s/a\n");
    srun("get /s/a\nquit\nget /s/a\n");
    srun("get /s/a[\n");
    srun("");
    srun(NULL);

    aug_close(aug);
    aug_close(NULL);

    /* A handle with spans. */
    printf("\n== span\n");
    aug = aug_init(root, NULL, AUG_ENABLE_SPAN);
    report(aug);
    span("/files/etc/hosts/1/ipaddr");
    span("/files/etc/hosts/1");
    span("/files/etc/hosts/*");
    span("/files/nothing");
    span("/augeas/root");
    set("/files/etc/hosts/1/new", "x");
    span("/files/etc/hosts/1/new");
    aug_close(aug);

    /* A handle without autoload: transforms and load_file by hand. */
    printf("\n== transform, load_file\n");
    aug = aug_init(root, NULL, AUG_NO_MODL_AUTOLOAD);
    report(aug);
    match("/files/etc/*");
    {
        int r = aug_load_file(aug, "/etc/hosts");
        printf("aug_load_file(/etc/hosts) = %d\n", r);
        report(aug);
        r = aug_transform(aug, "Hosts", "/etc/hosts", 0);
        printf("aug_transform(Hosts, /etc/hosts) = %d\n", r);
        report(aug);
        r = aug_transform(aug, "Passwd.lns", "/etc/passwd", 0);
        printf("aug_transform(Passwd.lns, /etc/passwd) = %d\n", r);
        report(aug);
        r = aug_transform(aug, "", "/etc/passwd", 0);
        printf("aug_transform('', /etc/passwd) = %d\n", r);
        report(aug);
        r = aug_transform(aug, "Hosts", "", 1);
        printf("aug_transform(Hosts, '') = %d\n", r);
        report(aug);
    }
    print("/augeas/load");
    {
        int r = aug_load_file(aug, "/etc/hosts");
        printf("aug_load_file(/etc/hosts) = %d\n", r);
        report(aug);
    }
    match("/files/etc/*");
    {
        int r = aug_load(aug);
        printf("aug_load = %d\n", r);
        report(aug);
    }
    match("/files/etc/*");
    aug_close(aug);

    /* Errors of a handle opened without loading. */
    printf("\n== no load\n");
    aug = aug_init(root, NULL, AUG_NO_LOAD);
    report(aug);
    match("/files/*");
    get("/augeas/save");
    get("/augeas/span");
    aug_close(aug);

    aug = aug_init(root, NULL, AUG_SAVE_NEWFILE | AUG_NO_LOAD | AUG_ENABLE_SPAN);
    get("/augeas/save");
    get("/augeas/span");
    aug_close(aug);
    aug = aug_init(root, NULL, AUG_SAVE_BACKUP | AUG_NO_LOAD);
    get("/augeas/save");
    aug_close(aug);
    aug = aug_init(root, NULL, AUG_SAVE_NOOP | AUG_NO_LOAD);
    get("/augeas/save");
    aug_close(aug);
    return 0;
}
