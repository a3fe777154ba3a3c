/*
 * procfs.h - parsers for the text of /proc/buddyinfo, /proc/pagetypeinfo,
 * /proc/zoneinfo, /proc/vmstat and /proc/meminfo of kernels 3.10 ... 6.x.
 *
 * Text in, snapshot out: no I/O here, so every parser can be tested and
 * fuzzed on a string. Each parser adds what it learned to snap (creating
 * zones as needed) and reports problems to snap->diags, naming source and
 * line. The return value is the number of records (zones, or counters)
 * taken from the text; 0 when nothing usable was found (an error
 * diagnostic then says what was expected).
 *
 * Besides the printed fields: zoneinfo's pagesets give free_pcp (the cpus'
 * "count" summed) and the zone counter "vm_stats_threshold_sum" (their
 * "vm stats threshold" summed: the largest drift of NR_FREE_PAGES, used by
 * fs_snapshot_check); pagetypeinfo's HighAtomic column and rows give
 * reserved_highatomic (blocks << pageblock_order) and free_highatomic when
 * not already known. Zone names other than the kernel's six, and lines over
 * 4 KiB, are refused with a warning.
 */
#ifndef FRAGSCOPE_PROCFS_H
#define FRAGSCOPE_PROCFS_H

#include <stddef.h>

#include "fragscope/snapshot.h"

int fs_parse_buddyinfo(struct fs_snapshot *snap, const char *text, size_t len,
		       const char *source);
int fs_parse_pagetypeinfo(struct fs_snapshot *snap, const char *text, size_t len,
			  const char *source);
int fs_parse_zoneinfo(struct fs_snapshot *snap, const char *text, size_t len,
		      const char *source);
int fs_parse_vmstat(struct fs_snapshot *snap, const char *text, size_t len,
		    const char *source);
int fs_parse_meminfo(struct fs_snapshot *snap, const char *text, size_t len,
		     const char *source);

enum fs_text_kind {
	FS_TEXT_UNKNOWN,
	FS_TEXT_BUDDYINFO,
	FS_TEXT_PAGETYPEINFO,
	FS_TEXT_ZONEINFO,
	FS_TEXT_VMSTAT,
	FS_TEXT_MEMINFO,
	FS_TEXT_KERNEL_LOG,
	FS_TEXT_BUGREPORT,
	FS_TEXT_CAPTURE,
	FS_TEXT_UNAME,       /* one line: a kernel release, e.g. "6.18.44-fc-v657" */
};

/* Guess what a text is from its first lines. */
enum fs_text_kind fs_detect_text(const char *text, size_t len);
const char *fs_text_kind_name(enum fs_text_kind kind);

#endif
