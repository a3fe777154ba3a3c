/*
 * explain.h - `fragscope explain` inside the program: what one judged item
 * is (a snapshot judged for a request, or a warn_alloc report explained on
 * its own printed state) and how it is rendered as text. The command itself
 * is in cmd_explain.c, the text in explain_text.c.
 */
#ifndef FRAGSCOPE_CLI_EXPLAIN_H
#define FRAGSCOPE_CLI_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "fragscope/klog.h"
#include "fragscope/snapshot.h"
#include "fragscope/verdict.h"

/* Exit statuses of explain (fragscope(1)): 0 succeeds, 1 fails, 2 depends, 3 bad input. */
enum {
	EXPLAIN_EXIT_SUCCEEDS = 0,
	EXPLAIN_EXIT_FAILS = 1,
	EXPLAIN_EXIT_DEPENDS = 2,
	EXPLAIN_EXIT_BAD_INPUT = 3,
};

/* Where an item came from, for its header. */
struct explain_origin {
	const char *input;              /* file, "live:/proc", or the snapshot's source */
	size_t report_index;            /* 1-based report number in the input; 0: not a report */
	size_t frame_index, nr_frames;  /* of a capture; nr_frames 0: not a capture */
	const char *request_note;       /* why this request, or NULL */
};

/* A snapshot judged for a request. */
void explain_text_verdict(FILE *out, const struct explain_origin *o, const struct fs_verdict *v,
			  const struct fs_snapshot *snap, const struct fs_report *report);
/* A warn_alloc report explained on the state printed with it (snap, may be NULL). */
void explain_text_explanation(FILE *out, const struct explain_origin *o,
			      const struct fs_explanation *e, const struct fs_report *r,
			      const struct fs_snapshot *snap);

/* Per zone: the kernel's fragmentation index and unusable index for order, as JSON. */
struct json_object *explain_fragmentation_json(const struct fs_snapshot *snap, int order);

#endif
