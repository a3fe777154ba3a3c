/* procfs_testutil.h - fixtures and diagnostics helpers of the procfs tests. */
#ifndef FRAGSCOPE_PROCFS_TESTUTIL_H
#define FRAGSCOPE_PROCFS_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/procfs.h"
#include "fragscope/snapshot.h"
#include "fragscope/util.h"

#define SAMPLE(x) "samples/x86_64-6.18-vm-24g." x
#define LIVE(x) "live-this-machine/" x
#define SYN(x) "procfs/" x

typedef int (*fx_parser)(struct fs_snapshot *, const char *, size_t, const char *);

/* noinline: GCC 12 takes &text escaping into fs_read_file for a pointer to a
 * local (-Wdangling-pointer false positive) when this is inlined. */
static __attribute__((noinline, unused)) char *fx_read(const char *rel, size_t *len)
{
	char path[1024], *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", FS_FIXTURES, rel);
	int rc = fs_read_file(path, (size_t)1 << 24, &text, len);
	cr_assert_eq(rc, 0, "cannot read fixture %s (%d)", path, rc);
	return text;
}

static inline fx_parser fx_parser_for(const char *rel)
{
	if (strstr(rel, "buddyinfo"))
		return fs_parse_buddyinfo;
	if (strstr(rel, "pagetypeinfo"))
		return fs_parse_pagetypeinfo;
	if (strstr(rel, "zoneinfo"))
		return fs_parse_zoneinfo;
	if (strstr(rel, "vmstat"))
		return fs_parse_vmstat;
	if (strstr(rel, "meminfo"))
		return fs_parse_meminfo;
	cr_assert_fail("no parser for %s", rel);
	return NULL;
}

/* Parse a fixture (parser chosen by file name) into snap; returns the count. */
static inline int fx_parse_into(struct fs_snapshot *snap, const char *rel)
{
	size_t len;
	char *text = fx_read(rel, &len);
	int n = fx_parser_for(rel)(snap, text, len, rel);

	free(text);
	return n;
}

static inline struct fs_snapshot *fx_parse(const char *rel)
{
	struct fs_snapshot *s = fs_snapshot_new();

	cr_assert_gt(fx_parse_into(s, rel), 0, "%s gave nothing", rel);
	return s;
}

static inline struct fs_snapshot *fx_parse_text(fx_parser p, const char *text, int *nr)
{
	struct fs_snapshot *s = fs_snapshot_new();

	*nr = p(s, text, strlen(text), "test-src");
	return s;
}

static inline void fx_log_diags(const struct fs_snapshot *s)
{
	for (size_t i = 0; i < s->diags.count; i++)
		cr_log_info("%s %s:%u: %s", fs_severity_name(s->diags.items[i].severity),
			    s->diags.items[i].source, s->diags.items[i].line,
			    s->diags.items[i].message);
}

static inline size_t fx_count(const struct fs_snapshot *s, enum fs_severity at_least)
{
	return fs_diags_count(&s->diags, at_least);
}

/* No warning, no error (notes are fine). */
static inline void fx_assert_clean(const struct fs_snapshot *s)
{
	if (fx_count(s, FS_SEV_WARNING))
		fx_log_diags(s);
	cr_assert_eq(fx_count(s, FS_SEV_WARNING), 0, "%zu unexpected warnings/errors (see log)",
		     fx_count(s, FS_SEV_WARNING));
}

/* The first diagnostic of at least sev whose message contains needle. */
static inline const struct fs_diag *fx_diag(const struct fs_snapshot *s, enum fs_severity sev,
					    const char *needle)
{
	for (size_t i = 0; i < s->diags.count; i++)
		if (s->diags.items[i].severity >= sev && strstr(s->diags.items[i].message, needle))
			return &s->diags.items[i];
	return NULL;
}

static inline const struct fs_diag *fx_assert_diag(const struct fs_snapshot *s,
						   enum fs_severity sev, const char *needle)
{
	const struct fs_diag *d = fx_diag(s, sev, needle);

	if (!d)
		fx_log_diags(s);
	cr_assert_not_null(d, "no %s diagnostic containing \"%s\" (see log)",
			   fs_severity_name(sev), needle);
	return d;
}

static inline struct fs_zone *fx_zone(struct fs_snapshot *s, int node, const char *name)
{
	struct fs_zone *z = fs_snapshot_zone(s, node, name, strlen(name), false);

	cr_assert_not_null(z, "no zone Node %d %s", node, name);
	return z;
}

static inline int64_t fx_stat(const struct fs_stats *st, const char *name)
{
	int64_t v = 0;

	cr_assert(fs_stats_get(st, name, &v), "no counter %s", name);
	return v;
}

/* Exact count with the value given. */
#define fx_assert_exact(c, v)                                                                    \
	do {                                                                                     \
		struct fs_count c_ = (c);                                                        \
		cr_assert_eq(c_.kind, FS_COUNT_EXACT, "kind %d, expected exact", c_.kind);       \
		cr_assert_eq(c_.value, (uint64_t)(v), "%llu, expected %llu",                     \
			     (unsigned long long)c_.value, (unsigned long long)(v));              \
	} while (0)

#endif
