/*
 * testutil.h - what the Criterion suites of live data, sources and the view
 * share: diagnostics lookups, scratch directories, zones by name, the
 * Android sample's report as /dev/kmsg records, and a small engine.
 */
#ifndef FRAGSCOPE_TESTUTIL_H
#define FRAGSCOPE_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/diag.h"
#include "fragscope/engine.h"
#include "fragscope/snapshot.h"
#include "fragscope/source.h"
#include "fragscope/util.h"
#include "fragscope/workload.h"

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

/*
 * A small machine: one Normal zone of 32768 pages (128 MiB) from pfn 0x1000,
 * kernel 6.6: 64 pageblocks of 512 pages (pageblock order 9), all free in
 * Movable pageblocks as 32 blocks of order 10. Layout seed 1.
 */
static inline struct fs_engine *small_engine(void)
{
	struct fs_engine_machine m;
	memset(&m, 0, sizeof(m));
	fs_copy_str(m.kernel_release, sizeof(m.kernel_release), "6.6.30");
	m.nr_zones = 1;
	fs_copy_str(m.zones[0].name, sizeof(m.zones[0].name), "Normal");
	m.zones[0].start_pfn = 0x1000;
	m.zones[0].spanned = 32768;
	struct fs_engine_options o;
	memset(&o, 0, sizeof(o));
	o.seed = 1;
	struct fs_diags d = { 0 };
	struct fs_engine *e = fs_engine_new(&m, &o, &d);
	cr_assert_not_null(e, "%s", d.count ? d.items[0].message : "?");
	fs_diags_clear(&d);
	return e;
}

/* A workload of three one-second ticks, ten order-0 GFP_KERNEL a second,
 * on a machine like small_engine's. */
#define TU_TICK_WORKLOAD \
	"name: tick test\n" \
	"tick: 1\n" \
	"machine:\n" \
	"  kernel: \"6.6.30\"\n" \
	"  zones:\n" \
	"    - { name: Normal, start_pfn: 4096, pages: 32768 }\n" \
	"phases:\n" \
	"  - name: fill\n" \
	"    duration: 3\n" \
	"    actions:\n" \
	"      - { alloc: GFP_KERNEL, order: 0, rate: 10 }\n"

/* The engine source of TU_TICK_WORKLOAD (seed 1), named name; *w must be
 * freed (fs_workload_free) after the source is closed. */
static inline struct fs_source *tick_workload_source(const char *name, struct fs_workload **w)
{
	static const char text[] = TU_TICK_WORKLOAD;
	struct fs_diags d = { 0 };
	*w = fs_workload_parse(text, strlen(text), "t.yaml", &d);
	cr_assert_not_null(*w, "%s", d.count ? d.items[0].message : "?");
	struct fs_engine *e = fs_workload_engine_new(*w, NULL, 1, &d);
	cr_assert_not_null(e, "%s", d.count ? d.items[0].message : "?");
	struct fs_workload_run *run = fs_workload_start(*w, e, 1, &d);
	cr_assert_not_null(run, "%s", d.count ? d.items[0].message : "?");
	fs_diags_clear(&d);
	return fs_source_open_engine(e, run, name);
}

#endif
