/*
 * diag.h - diagnostics: what went wrong or looked odd while reading input.
 *
 * Parsers never print. They append diagnostics naming the source (file
 * name, or "live:/proc/zoneinfo"), the 1-based line and what was expected.
 * The front ends decide how to show them.
 */
#ifndef FRAGSCOPE_DIAG_H
#define FRAGSCOPE_DIAG_H

#include <stddef.h>

enum fs_severity {
	FS_SEV_NOTE,    /* worth knowing, not a problem (e.g. capped counts) */
	FS_SEV_WARNING, /* input partly bad or inconsistent; result still usable */
	FS_SEV_ERROR,   /* input could not be used */
};

struct fs_diag {
	enum fs_severity severity;
	char *source;     /* file name or live source; never NULL */
	unsigned line;    /* 1-based; 0 when not tied to a line */
	char *message;
};

struct fs_diags {
	struct fs_diag *items;
	size_t count, cap;
};

/* Append a diagnostic. Stops recording (but counts) after FS_DIAGS_MAX so
 * that a hostile input cannot grow memory without bound. */
#define FS_DIAGS_MAX 1000
void fs_diags_add(struct fs_diags *d, enum fs_severity sev, const char *source,
		  unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void fs_diags_append(struct fs_diags *dst, const struct fs_diags *src);
size_t fs_diags_count(const struct fs_diags *d, enum fs_severity at_least);
void fs_diags_clear(struct fs_diags *d);
const char *fs_severity_name(enum fs_severity sev);

#endif
