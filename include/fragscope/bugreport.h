/*
 * bugreport.h - Android bugreport text: pull out the proc-file sections and
 * the kernel log.
 */
#ifndef FRAGSCOPE_BUGREPORT_H
#define FRAGSCOPE_BUGREPORT_H

#include <stddef.h>

#include "fragscope/klog.h"
#include "fragscope/snapshot.h"

/* A section of a bugreport: "------ ZONEINFO (/proc/zoneinfo) ------". */
struct fs_bugreport_section {
	const char *title;       /* points into text; title_len bytes */
	size_t title_len;
	const char *body;        /* first byte after the header line */
	size_t body_len;
	unsigned first_line;     /* line number of the body's first line */
};

/* Call fn for every section; returns the number of sections. */
size_t fs_bugreport_sections(const char *text, size_t len,
			     void (*fn)(const struct fs_bugreport_section *sec, void *ctx),
			     void *ctx);

/*
 * Parse a bugreport: proc sections go into snap (kernel release from the
 * header's "Kernel:" line or "uname" section), warn_alloc reports of the
 * kernel log sections into reports. Returns the number of sections used.
 */
int fs_parse_bugreport(const char *text, size_t len, const char *source,
		       struct fs_snapshot *snap, struct fs_report_list *reports);

#endif
