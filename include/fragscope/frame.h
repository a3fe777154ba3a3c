/*
 * frame.h - what every source yields: a snapshot at a time, plus the
 * kernel-log events seen since the previous frame.
 */
#ifndef FRAGSCOPE_FRAME_H
#define FRAGSCOPE_FRAME_H

#include <stddef.h>

#include "fragscope/klog.h"
#include "fragscope/snapshot.h"

struct fs_frame {
	size_t index;
	double time;                   /* seconds, base as snapshot->meta.time_base */
	struct fs_snapshot *snapshot;  /* owned; NULL for a frame with events only */
	struct fs_report_list events;  /* owned */
};

void fs_frame_init(struct fs_frame *f);
void fs_frame_clear(struct fs_frame *f);   /* frees what it owns */

struct fs_frame_list {
	struct fs_frame *items;
	size_t count, cap;
};
struct fs_frame *fs_frame_list_add(struct fs_frame_list *l);
void fs_frame_list_free(struct fs_frame_list *l);

#endif
