/*
 * testutil.h - what the Criterion suites of live data, sources and the view
 * share: diagnostics lookups, scratch directories, zones by name, and the
 * Android sample's report as /dev/kmsg records.
 */
#ifndef FRAGSCOPE_TESTUTIL_H
#define FRAGSCOPE_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/diag.h"
#include "fragscope/snapshot.h"
#include "fragscope/util.h"

#define TU_ANDROID_LOG FS_FIXTURES "/samples/android-4.19-arm64-wifi-order3-atomic-cma.log"

static inline bool has_diag(const struct fs_diags *d, enum fs_severity sev, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].severity == sev && strstr(d->items[i].message, text))
			return true;
	return false;
}

static inline bool has_diag_from(const struct fs_diags *d, const char *source, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if (strstr(d->items[i].source, source) && strstr(d->items[i].message, text))
			return true;
	return false;
}

static inline void dump_diags(const struct fs_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  %s: %s:%u: %s\n", fs_severity_name(d->items[i].severity),
			d->items[i].source, d->items[i].line, d->items[i].message);
}

/* A new directory under /tmp; remove_dir removes it and frees the name. */
static inline char *temp_dir(void)
{
	char *dir = strdup("/tmp/fragscope-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	return dir;
}

static inline void remove_dir(char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	free(dir);
}

/* Zone name of node 0; fails the test when there is none. */
static inline const struct fs_zone *zone(const struct fs_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nr_zones; i++)
		if (s->zones[i].node == 0 && strcmp(s->zones[i].name, name) == 0)
			return &s->zones[i];
	cr_assert_fail("no zone %s", name);
	return NULL;
}

/* The Android sample's lines as the records /dev/kmsg gives, one per line:
 * "[ 1798.829657] text" becomes "4,SEQ,1798829657,-;text". Owned by the caller. */
static inline char *android_report_as_kmsg(size_t *out_len)
{
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(TU_ANDROID_LOG, 1 << 20, &text, &len), 0);
	struct fs_lines it;
	const char *line;
	size_t n;
	unsigned seq = 1;
	struct fs_buf b;
	fs_buf_init(&b);
	fs_lines_init(&it, text, len);
	while (fs_lines_next(&it, &line, &n)) {
		unsigned long sec, usec;
		int used = 0;
		char tmp[32];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 31 ? n : 31), line);
		cr_assert_eq(sscanf(tmp, "[%lu.%lu]%n", &sec, &usec, &used), 2);
		fs_buf_printf(&b, "4,%u,%lu%06lu,-;%.*s\n", seq++, sec, usec,
			      (int)(n - (size_t)used - 1), line + used + 1);
	}
	free(text);
	*out_len = b.len;
	return fs_buf_take(&b);
}

#endif
