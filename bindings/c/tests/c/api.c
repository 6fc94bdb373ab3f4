/*
 * api.c: assertions about aug-rs's libaugeas.so.0 that the transcript comparison of
 * probe.c cannot make: aug-rs's additions (aug_clear, aug_clearm, aug_touch), null
 * arguments, how long lent strings stay valid, output to any FILE * (memory streams),
 * aug_to_xml, the internal memory-stream symbols, and how aug_init finds the root and
 * the lens modules ($AUGEAS_ROOT, the load path argument, $AUGEAS_LENS_LIB). The test
 * runs it under valgrind, so a bad free, a read of freed memory or a leak fails it.
 *
 * Usage: api ROOT   (ROOT: a scratch copy of testroot/, edited by the run)
 */
#define _GNU_SOURCE
#include <augeas.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef HAVE_LIBXML2
#include <libxml/tree.h>
#endif

/* Augeas's internal memory streams (memstream.h), exported for its tools. */
struct memstream {
    FILE *stream;
    char *buf;
    size_t size;
};
int __aug_init_memstream(struct memstream *ms);
int __aug_close_memstream(struct memstream *ms);

static int failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            failures++;                                                      \
        }                                                                    \
    } while (0)

#define CHECK_STR(got, want) CHECK((got) != NULL && strcmp((got), (want)) == 0)

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

static void null_arguments(augeas *aug) {
    const char *v = "unset";
    CHECK(aug_get(NULL, "/files", &v) == -1);
    CHECK(v == NULL);
    CHECK(aug_error(NULL) == AUG_EBADARG);
    CHECK(aug_error_message(NULL) != NULL);
    CHECK(aug_error_minor_message(NULL) == NULL);
    CHECK(aug_error_details(NULL) == NULL);
    CHECK(aug_set(NULL, "/x", "1") == -1);
    CHECK(aug_match(NULL, "/*", NULL) == -1);
    aug_close(NULL);

    CHECK(aug_get(aug, NULL, &v) == -1);
    CHECK(aug_error(aug) == AUG_EBADARG);
    CHECK(strstr(aug_error_details(aug), "PATH") != NULL);
    CHECK(aug_set(aug, NULL, "x") == -1);
    CHECK(aug_error(aug) == AUG_EBADARG);
    CHECK(aug_mv(aug, "/files", NULL) == -1);
    CHECK(aug_insert(aug, "/files", NULL, 0) == -1);
    CHECK(aug_escape_name(aug, "a/b", NULL) == -1);
    CHECK(aug_error(aug) == AUG_EBADARG);
    CHECK(aug_source(aug, "/files", NULL) == -1);
    CHECK(aug_preview(aug, "/files/etc/hosts", NULL) == -1);
    CHECK(aug_print(aug, NULL, "/files") == -1);
    CHECK(aug_defnode(aug, "x", NULL, NULL, NULL) == -1);
    /* The next successful call clears the error. */
    CHECK(aug_get(aug, "/augeas/root", &v) == 1);
    CHECK(aug_error(aug) == AUG_NOERROR);
    CHECK(aug_error_minor_message(aug) == NULL);
    CHECK(aug_error_details(aug) == NULL);
    CHECK_STR(aug_error_message(aug), "No error");
}

static void additions(augeas *aug) {
    const char *v = NULL;
    CHECK(aug_set(aug, "/c/a", "1") == 0);
    CHECK(aug_clear(aug, "/c/a") == 0);
    CHECK(aug_get(aug, "/c/a", &v) == 1 && v == NULL);
    CHECK(aug_clear(aug, "/c/new/deep") == 0);
    CHECK(aug_match(aug, "/c/new/deep", NULL) == 1);
    CHECK(aug_clear(aug, "/c/*") == -1);
    CHECK(aug_error(aug) == AUG_EMMATCH);

    CHECK(aug_set(aug, "/c/m[1]/x", "1") == 0);
    CHECK(aug_set(aug, "/c/m[2]/x", "2") == 0);
    CHECK(aug_set(aug, "/c/m[3]", "3") == 0);
    CHECK(aug_clearm(aug, "/c/m", "x") == 3);
    CHECK(aug_match(aug, "/c/m/x[. != '']", NULL) == 0);
    CHECK(aug_get(aug, "/c/m[3]/x", &v) == 1 && v == NULL);
    CHECK(aug_clearm(aug, "/c/m", NULL) == 3);
    CHECK(aug_get(aug, "/c/m[3]", &v) == 1 && v == NULL);
    CHECK(aug_clearm(aug, "/c/m[", "x") == -1);
    CHECK(aug_error(aug) == AUG_EPATHX);

    CHECK(aug_set(aug, "/c/t", "kept") == 0);
    CHECK(aug_touch(aug, "/c/t") == 0);
    CHECK(aug_get(aug, "/c/t", &v) == 1);
    CHECK_STR(v, "kept");
    CHECK(aug_touch(aug, "/c/u") == 0);
    CHECK(aug_get(aug, "/c/u", &v) == 1 && v == NULL);
    CHECK(aug_touch(aug, "/c/u[") == -1);
    CHECK(aug_error(aug) == AUG_EPATHX);
    CHECK(aug_rm(aug, "/c") > 0);
}

/* A value or label C got stays valid while its node keeps it, whatever else happens. */
static void lent_strings(augeas *aug) {
    const char *ip = NULL, *lbl = NULL, *v = NULL;
    char path[64];
    CHECK(aug_get(aug, "/files/etc/hosts/1/ipaddr", &ip) == 1);
    CHECK(aug_label(aug, "/files/etc/hosts/1/ipaddr", &lbl) == 1);
    /* Many other strings lent, other nodes changed and removed. */
    for (int i = 0; i < 600; i++) {
        snprintf(path, sizeof(path), "/lent/n[%d]", i + 1);
        CHECK(aug_set(aug, path, "x") == 0);
        CHECK(aug_get(aug, path, &v) == 1);
        CHECK_STR(v, "x");
    }
    CHECK(aug_rm(aug, "/lent") == 601);
    CHECK(aug_set(aug, "/files/etc/hosts/2/ipaddr", "10.9.9.9") == 0);
    CHECK_STR(ip, "127.0.0.1");
    CHECK_STR(lbl, "ipaddr");
    /* The same node asked again gives the same string. */
    const char *again = NULL;
    CHECK(aug_get(aug, "/files/etc/hosts/1/ipaddr", &again) == 1);
    CHECK(again == ip);
    /* After a change, the new value. */
    CHECK(aug_set(aug, "/files/etc/hosts/1/ipaddr", "127.0.0.9") == 0);
    CHECK(aug_get(aug, "/files/etc/hosts/1/ipaddr", &again) == 1);
    CHECK_STR(again, "127.0.0.9");
    CHECK(aug_set(aug, "/files/etc/hosts/1/ipaddr", "127.0.0.1") == 0);

    /* Node-set variables lend the same way. */
    const char *nv = NULL, *nl = NULL;
    char *file = NULL;
    CHECK(aug_defvar(aug, "h", "/files/etc/hosts/*[ipaddr]") > 2);
    CHECK(aug_ns_attr(aug, "h", 0, &nv, &nl, &file) == 1);
    CHECK(nv == NULL);
    CHECK_STR(nl, "1");
    CHECK_STR(file, "/files/etc/hosts");
    free(file);
    int index = -1;
    CHECK(aug_ns_label(aug, "h", 1, &nl, &index) == 1);
    CHECK_STR(nl, "2");
    CHECK(index == 0);
    CHECK(aug_defvar(aug, "a", "/files/etc/hosts/3/alias") == 2);
    CHECK(aug_ns_label(aug, "a", 1, &nl, &index) == 1);
    CHECK(index == 2);
    CHECK(aug_ns_value(aug, "a", 0, &nv) == 1);
    CHECK_STR(nv, "gateway");
    CHECK(aug_ns_count(aug, "a") == 2);
    char *p = NULL;
    CHECK(aug_ns_path(aug, "a", 1, &p) == 0);
    CHECK_STR(p, "/files/etc/hosts/3/alias[2]");
    free(p);
}

static void streams(augeas *aug) {
    struct memstream ms;
    CHECK(__aug_init_memstream(&ms) == 0);
    CHECK(aug_print(aug, ms.stream, "/files/etc/hosts/1") == 0);
    CHECK(aug_srun(aug, ms.stream, "get /files/etc/hosts/1/canonical\nquit\n") == -2);
    CHECK(__aug_close_memstream(&ms) == 0);
    CHECK(ms.buf != NULL);
    CHECK_STR(ms.buf,
              "/files/etc/hosts/1\n"
              "/files/etc/hosts/1/ipaddr = \"127.0.0.1\"\n"
              "/files/etc/hosts/1/canonical = \"localhost\"\n"
              "/files/etc/hosts/1/canonical = localhost\n");
    free(ms.buf);

    /* A file that is not UTF-8 prints its own bytes. */
    const char *v = NULL;
    CHECK(aug_set(aug, "/files/etc/hosts/1/alias", "caf\xe9") == 0);
    CHECK(aug_get(aug, "/files/etc/hosts/1/alias", &v) == 1);
    CHECK_STR(v, "caf\xe9");
    CHECK(__aug_init_memstream(&ms) == 0);
    CHECK(aug_srun(aug, ms.stream, "get /files/etc/hosts/1/alias\n") == 1);
    CHECK(__aug_close_memstream(&ms) == 0);
    CHECK_STR(ms.buf, "/files/etc/hosts/1/alias = caf\xe9\n");
    free(ms.buf);
    char **m = NULL;
    CHECK(aug_match(aug, "/files/etc/hosts/1/alias[. = 'caf\xe9']", &m) == 1);
    if (m != NULL) {
        CHECK_STR(m[0], "/files/etc/hosts/1/alias");
        free(m[0]);
        free(m);
    }
    char *out = NULL;
    CHECK(aug_preview(aug, "/files/etc/hosts", &out) == 0);
    CHECK(out != NULL && strstr(out, "127.0.0.1\tlocalhost caf\xe9\n") != NULL);
    free(out);
    CHECK(aug_rm(aug, "/files/etc/hosts/1/alias") == 1);
}

#ifdef HAVE_LIBXML2
static void to_xml(augeas *aug) {
    xmlNode *x = NULL;
    CHECK(aug_to_xml(aug, "/files/etc/hosts/1", &x, 0) == 0);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    CHECK_STR((const char *) x->name, "augeas");
    xmlChar *match = xmlGetProp(x, BAD_CAST "match");
    CHECK_STR((const char *) match, "/files/etc/hosts/1");
    xmlFree(match);
    xmlNode *node = xmlFirstElementChild(x);
    CHECK(node != NULL && strcmp((const char *) node->name, "node") == 0);
    xmlChar *path = xmlGetProp(node, BAD_CAST "path");
    CHECK_STR((const char *) path, "/files/etc/hosts/1");
    xmlFree(path);
    CHECK(xmlChildElementCount(node) == 2);
    xmlNode *ip = xmlFirstElementChild(node);
    xmlChar *value = xmlNodeGetContent(xmlFirstElementChild(ip));
    CHECK_STR((const char *) value, "127.0.0.1");
    xmlFree(value);
    xmlFreeNode(x);

    CHECK(aug_to_xml(aug, "/files/etc/hosts/1", &x, 1) == -1);
    CHECK(aug_error(aug) == AUG_EBADARG);
    CHECK(aug_to_xml(aug, "/files/etc/hosts/1", NULL, 0) == -1);
    CHECK(aug_to_xml(aug, "/files/nothing", &x, 0) == 0);
    CHECK(x != NULL && xmlChildElementCount(x) == 0);
    xmlFreeNode(x);
    CHECK(aug_to_xml(aug, "/files[", &x, 0) == -1);
    CHECK(aug_error(aug) == AUG_EPATHX);
}
#endif

/* How aug_init finds the root and the modules. */
static void init(const char *root) {
    char dir[4096], file[8300], want[4200];
    const char *v = NULL;

    /* The root from $AUGEAS_ROOT, with a trailing slash. */
    setenv("AUGEAS_ROOT", root, 1);
    augeas *aug = aug_init(NULL, NULL, AUG_NO_LOAD);
    CHECK(aug != NULL);
    snprintf(want, sizeof(want), "%s/", root);
    CHECK(aug_get(aug, "/augeas/root", &v) == 1);
    CHECK_STR(v, want);
    aug_close(aug);
    /* An empty root argument is "/", whatever $AUGEAS_ROOT says. */
    aug = aug_init("", NULL, AUG_NO_LOAD | AUG_NO_MODL_AUTOLOAD);
    CHECK(aug_get(aug, "/augeas/root", &v) == 1);
    CHECK_STR(v, "/");
    aug_close(aug);
    setenv("AUGEAS_ROOT", "", 1);
    aug = aug_init(NULL, NULL, AUG_NO_LOAD | AUG_NO_MODL_AUTOLOAD);
    CHECK(aug_get(aug, "/augeas/root", &v) == 1);
    CHECK_STR(v, "/");
    aug_close(aug);
    unsetenv("AUGEAS_ROOT");

    /* A module of our own, from the load path argument or $AUGEAS_LENS_LIB. */
    snprintf(dir, sizeof(dir), "%s/lenses", root);
    mkdir(dir, 0755);
    snprintf(file, sizeof(file), "%s/probekv.aug", dir);
    write_file(file,
               "module Probekv =\n"
               "  autoload xfm\n"
               "  let entry = [ key /[a-z]+/ . del /=/ \"=\" . store /[^\\n]*/ . del /\\n/ \"\\n\" ]\n"
               "  let lns = entry*\n"
               "  let xfm = transform lns (incl \"/etc/probe.kv\")\n");
    snprintf(file, sizeof(file), "%s/etc/probe.kv", root);
    write_file(file, "colour=blue\nsize=9\n");

    char loadpath[8300];
    snprintf(loadpath, sizeof(loadpath), "/nonexistent:%s", dir);
    aug = aug_init(root, loadpath, AUG_NONE);
    CHECK(aug_get(aug, "/files/etc/probe.kv/colour", &v) == 1);
    CHECK_STR(v, "blue");
    CHECK(aug_set(aug, "/files/etc/probe.kv/size", "10") == 0);
    CHECK(aug_save(aug) == 0);
    aug_close(aug);

    setenv("AUGEAS_LENS_LIB", dir, 1);
    aug = aug_init(root, NULL, AUG_NONE);
    CHECK(aug_get(aug, "/files/etc/probe.kv/size", &v) == 1);
    CHECK_STR(v, "10");
    aug_close(aug);
    unsetenv("AUGEAS_LENS_LIB");

    /* Without it, no transform claims the file. */
    aug = aug_init(root, NULL, AUG_NONE);
    CHECK(aug_match(aug, "/files/etc/probe.kv", NULL) == 0);
    aug_close(aug);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: api ROOT\n");
        return 2;
    }
    augeas *aug = aug_init(argv[1], NULL, AUG_NONE);
    if (aug == NULL) {
        fprintf(stderr, "aug_init failed\n");
        return 1;
    }
    null_arguments(aug);
    additions(aug);
    lent_strings(aug);
    streams(aug);
#ifdef HAVE_LIBXML2
    to_xml(aug);
#endif
    aug_close(aug);
    init(argv[1]);
    if (failures > 0) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
