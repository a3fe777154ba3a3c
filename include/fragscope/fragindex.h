/*
 * fragindex.h - the kernel's fragmentation measures (mm/vmstat.c), the same
 * formulas as /sys/kernel/debug/extfrag/{extfrag_index,unusable_index}.
 * Values are x1000: 0 .. 1000; the fragmentation index is -1000 when the
 * order can be served from the free lists.
 */
#ifndef FRAGSCOPE_FRAGINDEX_H
#define FRAGSCOPE_FRAGINDEX_H

#include <stdbool.h>

#include "fragscope/snapshot.h"

/* From the zone's per-order totals. exact is false when any count was only
 * a bound (capped or non-empty-only); the value is then computed from the
 * lower bounds. */
int fs_fragmentation_index(const struct fs_zone *z, int order, bool *exact);
int fs_unusable_index(const struct fs_zone *z, int order, bool *exact);
/* "0.512", "-1.000": as debugfs prints it. */
void fs_index_format(int value, char out[8]);

#endif
