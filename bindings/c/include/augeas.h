/*
 * augeas.h: the C interface of aug-rs's libaugeas.so.0, compatible with the public
 * header of Augeas 1.14 (same functions, types, constants and ownership rules), so that
 * programs written for Augeas build and run unchanged.
 *
 * Written for aug-rs; dual-licensed MIT OR Apache-2.0 like the rest of the project.
 *
 * Ownership, in short:
 * - strings a function returns through a `const char **` belong to the handle: they stay
 *   valid until the node they come from changes or the handle is closed (aug_get,
 *   aug_label, aug_ns_attr, aug_ns_label, aug_ns_value) or until the next call on the
 *   handle (aug_error_message, aug_error_minor_message, aug_error_details);
 * - strings and arrays returned through a `char **` or `char ***` are the caller's, to
 *   release with free(3): aug_match (each path and the array), aug_span (the file
 *   name), aug_escape_name, aug_source, aug_preview, aug_ns_attr's file path, aug_ns_path.
 */

#ifndef AUGEAS_H_
#define AUGEAS_H_

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The handle. */
typedef struct augeas augeas;

/* libxml2's node type, for aug_to_xml (libxml/tree.h names it xmlNode). */
struct _xmlNode;

/* Flags for aug_init, or'ed together. */
enum aug_flags {
    AUG_NONE = 0,
    AUG_SAVE_BACKUP = (1 << 0),        /* keep the original as FILE.augsave */
    AUG_SAVE_NEWFILE = (1 << 1),       /* write FILE.augnew, leave FILE alone */
    AUG_TYPE_CHECK = (1 << 2),         /* typecheck lenses (slow) */
    AUG_NO_STDINC = (1 << 3),          /* do not search the standard lens dirs */
    AUG_SAVE_NOOP = (1 << 4),          /* save reports what it would write, writes nothing */
    AUG_NO_LOAD = (1 << 5),            /* do not load files in aug_init */
    AUG_NO_MODL_AUTOLOAD = (1 << 6),   /* no autoload transforms */
    AUG_ENABLE_SPAN = (1 << 7),        /* record where each node came from */
    AUG_NO_ERR_CLOSE = (1 << 8),       /* return the handle even when aug_init fails */
    AUG_TRACE_MODULE_LOADING = (1 << 9) /* report each module as it is loaded */
};

/* Opens a handle on ROOT (NULL: $AUGEAS_ROOT, else "/") with the lens modules found in
 * LOADPATH (colon-separated, may be NULL), then $AUGEAS_LENS_LIB, then the standard
 * directories unless AUG_NO_STDINC. Returns NULL only when out of memory. */
augeas *aug_init(const char *root, const char *loadpath, unsigned int flags);

/* Defines (or, with EXPR NULL, removes) the variable NAME. Returns the number of nodes
 * when EXPR is a node set, 0 otherwise, -1 on error. */
int aug_defvar(augeas *aug, const char *name, const char *expr);

/* Defines NAME as the nodes EXPR matches, creating one with VALUE when none does.
 * *CREATED (if CREATED is not NULL) is 1 when a node was created. Returns the number of
 * nodes, or -1. */
int aug_defnode(augeas *aug, const char *name, const char *expr,
                const char *value, int *created);

/* The value of the single node PATH matches, in *VALUE (NULL if it has none). Returns 1
 * for one match, 0 for none, -1 for several or an error. */
int aug_get(const augeas *aug, const char *path, const char **value);

/* The label of the single node PATH matches; return values as aug_get. */
int aug_label(const augeas *aug, const char *path, const char **label);

/* Sets the value of the node PATH matches, creating it when nothing matches. 0 or -1. */
int aug_set(augeas *aug, const char *path, const char *value);

/* Sets SUB (relative to each node BASE matches; NULL for the node itself) to VALUE.
 * Returns the number of nodes changed, or -1. */
int aug_setm(augeas *aug, const char *base, const char *sub, const char *value);

/* Where the node PATH matches came from (needs spans): its file (freed by the caller)
 * and the byte ranges of its label, value and whole text. 0 or -1. */
int aug_span(augeas *aug, const char *path, char **filename,
             unsigned int *label_start, unsigned int *label_end,
             unsigned int *value_start, unsigned int *value_end,
             unsigned int *span_start, unsigned int *span_end);

/* Inserts a node LABEL before (BEFORE != 0) or after the node PATH matches. 0 or -1. */
int aug_insert(augeas *aug, const char *path, const char *label, int before);

/* Removes the nodes PATH matches. Returns how many nodes went, descendants included. */
int aug_rm(augeas *aug, const char *path);

/* Moves the node SRC to DST (replaced if it exists). 0 or -1. */
int aug_mv(augeas *aug, const char *src, const char *dst);

/* Copies the node SRC to DST. 0 or -1. */
int aug_cp(augeas *aug, const char *src, const char *dst);

/* Relabels the nodes SRC matches to LBL. Returns how many, or -1. */
int aug_rename(augeas *aug, const char *src, const char *lbl);

/* The paths of the nodes PATH matches. With MATCHES not NULL, *MATCHES is a malloc'ed
 * array of malloc'ed strings (NULL when nothing matches), all freed by the caller.
 * Returns the number of matches, or -1. */
int aug_match(const augeas *aug, const char *path, char ***matches);

/* Writes the files whose trees changed. 0, or -1 if any file failed
 * (see /augeas//error). */
int aug_save(augeas *aug);

/* Loads (again) the files the transforms under /augeas/load name. 0 or -1. */
int aug_load(augeas *aug);

/* Parses the value of NODE with LENS and stores the tree at PATH. 0 or -1. */
int aug_text_store(augeas *aug, const char *lens, const char *node,
                   const char *path);

/* Writes the tree at PATH with LENS, using the value of NODE_IN as the original text,
 * and stores the text in NODE_OUT. 0 or -1. */
int aug_text_retrieve(augeas *aug, const char *lens, const char *node_in,
                      const char *path, const char *node_out);

/* Escapes IN for use as a path step. *OUT is a malloc'ed string, or NULL when IN needs
 * no escaping. 0 or -1. */
int aug_escape_name(augeas *aug, const char *in, char **out);

/* Prints the nodes PATH matches (all of them when PATH is NULL or empty) to OUT, as
 * augtool's print does. 0 or -1. */
int aug_print(const augeas *aug, FILE *out, const char *path);

/* The file node (/files/...) the node PATH matches belongs to, in *FILE_PATH (malloc'ed,
 * or NULL when it belongs to no file). 0 or -1. */
int aug_source(const augeas *aug, const char *path, char **file_path);

/* The text that saving would write for the file the node PATH belongs to, in *OUT
 * (malloc'ed). 0 or -1. */
int aug_preview(augeas *aug, const char *path, char **out);

/* The nodes PATH matches as a libxml2 tree (freed with xmlFreeNode). FLAGS must be 0.
 * 0 or -1. */
int aug_to_xml(const augeas *aug, const char *path, struct _xmlNode **xmltree,
               unsigned int flags);

/* Adds a transform: LENS (Module or Module.lens) for FILE, or excludes FILE when EXCL.
 * Takes effect at the next aug_load. Returns 0 (Augeas's documentation says 1, its code
 * returns 0), or -1. */
int aug_transform(augeas *aug, const char *lens, const char *file, int excl);

/* Loads the one FILE with the lens whose transform matches it. 0 or -1. */
int aug_load_file(augeas *aug, const char *file);

/* Runs augtool commands, one per line of TEXT, writing their output to OUT. Stops at the
 * first failure. Returns the number of commands run, -1 on error, -2 after quit. */
int aug_srun(augeas *aug, FILE *out, const char *text);

/* Closes the handle and frees everything it holds. AUG may be NULL. */
void aug_close(augeas *aug);

/* Node-set variables: the I-th node (0-based) of the variable VAR. */

/* Its value, label and file node (*FILE_PATH malloc'ed). Returns 1, or -1. */
int aug_ns_attr(const augeas *aug, const char *var, int i,
                const char **value, const char **label, char **file_path);

/* Its label, and *INDEX its position among siblings of the same label (0 if unique).
 * Returns 1, or -1. */
int aug_ns_label(const augeas *aug, const char *var, int i,
                 const char **label, int *index);

/* Its value. Returns 1, or -1. */
int aug_ns_value(const augeas *aug, const char *var, int i,
                 const char **value);

/* The number of nodes in VAR, or -1. */
int aug_ns_count(const augeas *aug, const char *var);

/* Its path, as aug_match writes it, in *PATH (malloc'ed). Returns 1, or -1. */
int aug_ns_path(const augeas *aug, const char *var, int i, char **path);

/* Error codes (aug_error). */
typedef enum {
    AUG_NOERROR,        /* No error */
    AUG_ENOMEM,         /* Out of memory */
    AUG_EINTERNAL,      /* Internal error (bug) */
    AUG_EPATHX,         /* Invalid path expression */
    AUG_ENOMATCH,       /* No match for path expression */
    AUG_EMMATCH,        /* Too many matches for path expression */
    AUG_ESYNTAX,        /* Syntax error in lens file */
    AUG_ENOLENS,        /* Lens lookup failed */
    AUG_EMXFM,          /* Multiple transforms */
    AUG_ENOSPAN,        /* No span for this node */
    AUG_EMVDESC,        /* Cannot move node into its descendant */
    AUG_ECMDRUN,        /* Failed to execute command */
    AUG_EBADARG,        /* Invalid argument in function call */
    AUG_ELABEL,         /* Invalid label */
    AUG_ECPDESC,        /* Cannot copy node into its descendant */
    AUG_EFILEACCESS     /* Cannot access file */
} aug_errcode_t;

/* The code of the error of the last call on AUG. */
int aug_error(augeas *aug);

/* A message for that code (owned by the library). */
const char *aug_error_message(augeas *aug);

/* A more specific message, or NULL (owned by the handle). */
const char *aug_error_minor_message(augeas *aug);

/* Details, such as the path expression concerned, or NULL (owned by the handle). */
const char *aug_error_details(augeas *aug);

/*
 * Additions of aug-rs, not in Augeas 1.14 (symbol version AUG_RS_0.1.0). Define
 * AUG_RS_NO_EXTENSIONS to leave them out. They are what augtool's clear, clearm and touch
 * commands do.
 */
#ifndef AUG_RS_NO_EXTENSIONS
#define AUG_RS_HAVE_CLEAR 1

/* Sets the node PATH matches to no value, creating it if needed. 0 or -1. */
int aug_clear(augeas *aug, const char *path);

/* aug_setm with a NULL value. Returns the number of nodes changed, or -1. */
int aug_clearm(augeas *aug, const char *base, const char *sub);

/* Creates the node PATH if nothing matches it (its value unchanged otherwise). 0 or -1. */
int aug_touch(augeas *aug, const char *path);
#endif

#ifdef __cplusplus
}
#endif

#endif /* AUGEAS_H_ */
