/*
 * capture_equal.h - deep equality of frames, snapshots and reports, field by
 * field, for the capture tests: a frame read back must equal the frame
 * written. Written independently of the capture encoder so that a field the
 * encoder forgets shows up here.
 */
#ifndef FRAGSCOPE_TESTS_CAPTURE_EQUAL_H
#define FRAGSCOPE_TESTS_CAPTURE_EQUAL_H

#include <stdbool.h>
#include <stddef.h>

#include "fragscope/capture.h"
#include "fragscope/frame.h"

/* True when equal; otherwise false and why says where they differ. */
bool ceq_frame(const struct fs_frame *a, const struct fs_frame *b, char *why, size_t size);
bool ceq_snapshot(const struct fs_snapshot *a, const struct fs_snapshot *b, char *why, size_t size);
bool ceq_report(const struct fs_report *a, const struct fs_report *b, char *why, size_t size);
bool ceq_meta(const struct fs_meta *a, const struct fs_meta *b, char *why, size_t size);
bool ceq_header(const struct fs_capture_header *a, const struct fs_capture_header *b, char *why,
		size_t size);

#endif
