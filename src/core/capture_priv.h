/*
 * capture_priv.h - what the capture writer and reader share: the YAML
 * encoding of snapshots, deltas and kernel-log reports (capture_yaml.c).
 * docs/capture-format.md describes the format this code writes and reads.
 */
#ifndef FRAGSCOPE_CAPTURE_PRIV_H
#define FRAGSCOPE_CAPTURE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "fragscope/capture.h"
#include "fragscope/util.h"

/* The first key of a capture's header document. */
#define CAP_MAGIC_KEY "fragscope-capture"
/* The largest keyframe interval a reader accepts (and a writer writes). */
#define CAP_MAX_KEYFRAME_INTERVAL 1000000u

/* ---- Writing: one libyaml emitter per document, output to memory. ---- */

struct cap_out {
	yaml_emitter_t emitter;
	bool failed;
};

/* Start a YAML stream and a document whose text is appended to buf. */
bool cap_out_begin(struct cap_out *o, struct fs_buf *buf);
/* End the document ("..." line) and the stream; false when anything failed. */
bool cap_out_finish(struct cap_out *o);

void cap_map_begin(struct cap_out *o, bool flow);
void cap_map_end(struct cap_out *o);
void cap_seq_begin(struct cap_out *o, bool flow);
void cap_seq_end(struct cap_out *o);
void cap_key(struct cap_out *o, const char *key);      /* a key of our own vocabulary */
void cap_str(struct cap_out *o, const char *s);        /* any text; NULL is written as null */
void cap_u64(struct cap_out *o, uint64_t v);
void cap_i64(struct cap_out *o, int64_t v);
void cap_double(struct cap_out *o, double v);
void cap_bool(struct cap_out *o, bool v);
void cap_null(struct cap_out *o);

void cap_emit_meta(struct cap_out *o, const struct fs_meta *m);
void cap_emit_snapshot(struct cap_out *o, const struct fs_snapshot *s);
/* A delta needs zones and nodes that are unique and keep their relative
 * order; otherwise the writer stores a full snapshot. */
bool cap_delta_possible(const struct fs_snapshot *prev, const struct fs_snapshot *cur);
void cap_emit_delta(struct cap_out *o, const struct fs_snapshot *prev,
		    const struct fs_snapshot *cur);
void cap_emit_reports(struct cap_out *o, const struct fs_report_list *l);

/* ---- Reading: a pull parser over the events of one document. ---- */

struct cap_in {
	yaml_parser_t parser;
	yaml_event_t ev;        /* the current event */
	bool have_ev;
	bool failed;            /* the first error has been reported */
	const char *source;
	unsigned line0;         /* line of the document's first line in the file */
	struct fs_diags *diags;
	char context[48];       /* message prefix: "frame 12" */
};

/* Parse text[0..len), whose first line is line line0 of source. Positions
 * on the document's root node. */
bool cap_in_open(struct cap_in *in, const char *text, size_t len, const char *source,
		 unsigned line0, const char *context, struct fs_diags *diags);
/* Expect the end of the document after the root node. */
bool cap_in_close_document(struct cap_in *in);
void cap_in_free(struct cap_in *in);

unsigned cap_in_line(const struct cap_in *in);
bool cap_in_fail(struct cap_in *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cap_in_next(struct cap_in *in);
bool cap_in_skip(struct cap_in *in);                  /* skip the current node */
bool cap_in_is_null(const struct cap_in *in);
bool cap_in_map_begin(struct cap_in *in, const char *what);
/* Next key of the current mapping: true with the key, false at its end
 * (consumed) or on error (in->failed). */
bool cap_in_key(struct cap_in *in, char *key, size_t size);
bool cap_in_key_is(const char *key, const char *name);
bool cap_in_unknown_key(struct cap_in *in, const char *key, const char *where);

bool cap_in_u64(struct cap_in *in, const char *what, uint64_t *v);
bool cap_in_i64(struct cap_in *in, const char *what, int64_t *v);
bool cap_in_int(struct cap_in *in, const char *what, int min, int max, int *v);
bool cap_in_double(struct cap_in *in, const char *what, double *v);
bool cap_in_bool(struct cap_in *in, const char *what, bool *v);
/* Text into a fixed array (truncated with a warning when longer). */
bool cap_in_strbuf(struct cap_in *in, const char *what, char *buf, size_t size);
/* Text into a new string; a null scalar gives NULL. */
bool cap_in_strdup(struct cap_in *in, const char *what, char **out);

bool cap_dec_meta(struct cap_in *in, struct fs_meta *m);
/* Full snapshot into s (fs_snapshot_init'ed). */
bool cap_dec_snapshot(struct cap_in *in, struct fs_snapshot *s);
/* Apply a delta to s; on failure s is half-updated and must be dropped. */
bool cap_dec_delta(struct cap_in *in, struct fs_snapshot *s);
bool cap_dec_reports(struct cap_in *in, struct fs_report_list *l);

/* ---- Documents one at a time (capture_read.c), for the reader and for a
 * stream read as it arrives (a child process's stdout, source_child.c). ---- */

/* The header document text[0..len) ("---" to its "..."), whose first line
 * is line line0 of source. */
bool cap_parse_header(const char *text, size_t len, const char *source, unsigned line0,
		      struct fs_capture_header *h, struct fs_diags *diags);
/* The frame document at position pos. With state, *state (the snapshot of
 * frame pos - 1, NULL for none) is the base of a delta and becomes the
 * snapshot of frame pos; on failure it is freed and set to NULL. Without
 * state the body is skipped. out (may be NULL) gets the frame's index, time
 * and events, not its snapshot. */
bool cap_parse_frame(const char *text, size_t len, const char *source, unsigned line0,
		     size_t pos, unsigned keyframe_interval, struct fs_snapshot **state,
		     struct fs_frame *out, struct fs_diags *diags);

#endif
