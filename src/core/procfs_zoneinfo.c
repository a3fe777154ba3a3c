/*
 * procfs_zoneinfo.c - /proc/zoneinfo (kernel-rules §9.3). One record per
 * zone, "Node %d, zone %8s", then indented items:
 *
 *   4.19+ (all zones, empty ones too)       3.10 ... 4.4 (populated zones only)
 *     per-node stats (first populated zone)   pages free / min / low / high
 *       nr_inactive_anon 1420 ...              scanned / spanned / present /
 *     pages free / [boost] / min / low /       managed
 *     high / [promo] / spanned / present /     nr_free_pages ... (4-space items)
 *     managed / [cma]                          protection: (...)
 *     protection: (0, 3019, 3659, ...)         pagesets ...
 *     [populated only:] nr_free_pages ...      all_unreclaimable / start_pfn /
 *     (6-space items), pagesets ...,           inactive_ratio
 *     node_unreclaimable, start_pfn
 *
 * Items are recognised by name, not by indentation, so both layouts (and
 * the ones in between) go through the same code.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fragscope/procfs.h"
#include "procfs_priv.h"

#define ZI_EXPECTED "records \"Node N, zone NAME\" followed by \"pages free N\", " \
	"\"min N\", ... lines"

enum part { PART_NODE, PART_ZONE, PART_PAGESETS };

struct zi {
	struct fs_pctx c;
	int nr;
	/* the record being read; z NULL when none (or it was refused) */
	struct fs_zone *z;
	struct fs_node *n;
	bool in_record;
	unsigned head_line;
	enum part part;
	bool pages_free, min, low, high, protection, start_pfn, items, pagesets;
	uint64_t pcp_count, stat_threshold;
};

static bool is_item_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '(' || ch == ')';
}

/* The head lines every record has (3.10 ... 6.18), as a list of the missing. */
static void missing_head(const struct zi *t, char *out, size_t size)
{
	const struct {
		bool have;
		const char *name;
	} head[] = {
		{ t->pages_free, "pages free" },
		{ t->min, "min" },
		{ t->low, "low" },
		{ t->high, "high" },
		{ (t->z->known & FS_ZK_SPANNED) != 0, "spanned" },
		{ (t->z->known & FS_ZK_PRESENT) != 0, "present" },
		{ (t->z->known & FS_ZK_MANAGED) != 0, "managed" },
		{ t->protection, "protection" },
	};

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		size_t n = strlen(out);
		if (!head[i].have)
			snprintf(out + n, size - n, "%s\"%s\"", n ? ", " : "", head[i].name);
	}
}

static void finish_record(struct zi *t)
{
	struct fs_zone *z = t->z;
	char missing[160];

	if (!t->in_record || !z) {
		t->in_record = false;
		return;
	}
	if (t->min && t->low && t->high)
		z->known |= FS_ZK_WMARK;
	missing_head(t, missing, sizeof(missing));
	if (missing[0])
		fs_pctx_bad_at(&t->c, t->head_line, "record of Node %d, zone %s lacks %s "
			       "(expected in every record; file cut short?)", z->node, z->name,
			       missing);
	if (t->pagesets) {
		z->free_pcp = t->pcp_count;
		z->known |= FS_ZK_FREE_PCP;
		fs_stats_set(&z->stats, "vm_stats_threshold_sum", (int64_t)t->stat_threshold);
	}
	/* populated_zone() is present_pages != 0; 4.19+ ends the record of an
	 * empty zone right after "protection" (4.4 prints protection after the
	 * items, so this cannot happen there). A populated zone always goes on
	 * to its items, pagesets and start_pfn, so a record without them was cut. */
	bool ends_at_protection = t->protection && !t->items && !t->pagesets && !t->start_pfn;
	if (ends_at_protection)
		z->populated = false;
	else if (z->known & FS_ZK_PRESENT)
		z->populated = z->present > 0;
	else
		z->populated = t->items || z->free_pages > 0;
	if (ends_at_protection && z->present > 0)
		fs_pctx_bad_at(&t->c, t->head_line, "record of Node %d, zone %s ends after "
			       "\"protection\" although %llu pages are present (expected its items; "
			       "file cut short?)", z->node, z->name, (unsigned long long)z->present);
	else if (z->populated && !t->start_pfn)
		fs_pctx_bad_at(&t->c, t->head_line, "record of Node %d, zone %s ends before "
			       "\"start_pfn\" (file cut short?)", z->node, z->name);
	t->nr++;
	t->in_record = false;
	t->z = NULL;
}

static void start_record(struct zi *t, struct fs_cursor *cur, const char *line, size_t len)
{
	uint64_t node;
	const char *name;
	size_t name_len;
	char q[64];

	finish_record(t);
	memset(&t->z, 0, sizeof(*t) - offsetof(struct zi, z));
	t->in_record = true;
	t->head_line = t->c.line;
	t->part = PART_ZONE;
	if (!fs_pzone_head(&t->c, cur, line, len, &node, &name, &name_len))
		return;
	if (!fs_pend(cur)) {
		fs_pctx_bad(&t->c, "expected \"Node N, zone NAME\" alone on the line, got \"%s\"",
			    fs_quote(q, line, len));
		return;
	}
	t->z = fs_pzone(&t->c, node, name, name_len, true);
	if (t->z)
		t->n = fs_snapshot_node(t->c.snap, t->z->node, true);
}

/* A value after the name (and its colon, when there is one). */
static bool value(struct zi *t, struct fs_cursor *cur, const char *what, uint64_t *v)
{
	enum fs_num r = fs_pnum(cur, NULL, v);

	if (r == FS_NUM_OK && fs_pend(cur))
		return true;
	fs_pctx_bad(&t->c, "expected \"%s N\", got %s", what,
		    r == FS_NUM_OK ? "text after the number" : fs_num_problem(r));
	return false;
}

/* "protection: (0, 3019, 3659, 3659, 3659)" - lowmem_reserve[] in pages. */
static void protection(struct zi *t, struct fs_cursor *cur)
{
	uint64_t v[FS_MAX_ZONE_TYPES];
	int n = 0;

	if (!fs_plit(cur, "(")) {
		fs_pctx_bad(&t->c, "expected \"protection: (N, N, ...)\"");
		return;
	}
	for (;;) {
		uint64_t x;
		enum fs_num r = fs_pnum(cur, ",)", &x);

		if (r != FS_NUM_OK) {
			fs_pctx_bad(&t->c, "expected a number in \"protection: (N, N, ...)\", "
				    "got %s", fs_num_problem(r));
			return;
		}
		if (n == FS_MAX_ZONE_TYPES) {
			fs_pctx_bad(&t->c, "more than %d protection values", FS_MAX_ZONE_TYPES);
			return;
		}
		v[n++] = x;
		if (fs_plit(cur, ")"))
			break;
		if (!fs_plit(cur, ",")) {
			fs_pctx_bad(&t->c, "expected \",\" or \")\" in \"protection: (N, N, ...)\" "
				    "(line cut short?)");
			return;
		}
	}
	if (!fs_pend(cur)) {
		fs_pctx_bad(&t->c, "text after \"protection: (...)\"");
		return;
	}
	memcpy(t->z->protection, v, sizeof(v[0]) * (size_t)n);
	t->z->nr_protection = n;
	t->z->known |= FS_ZK_PROTECTION;
	t->protection = true;
}

/* The scalar zone fields of the record's head. */
static bool zone_field(struct zi *t, const char *name, size_t len, uint64_t v)
{
	static const struct {
		const char *name;
		size_t off;
		uint32_t bit;
	} fields[] = {
		{ "boost", offsetof(struct fs_zone, wmark_boost), FS_ZK_BOOST },
		{ "min", offsetof(struct fs_zone, wmark_min), 0 },
		{ "low", offsetof(struct fs_zone, wmark_low), 0 },
		{ "high", offsetof(struct fs_zone, wmark_high), 0 },
		{ "promo", offsetof(struct fs_zone, wmark_promo), FS_ZK_PROMO },
		{ "spanned", offsetof(struct fs_zone, spanned), FS_ZK_SPANNED },
		{ "present", offsetof(struct fs_zone, present), FS_ZK_PRESENT },
		{ "managed", offsetof(struct fs_zone, managed), FS_ZK_MANAGED },
		{ "cma", offsetof(struct fs_zone, cma_pages), FS_ZK_CMA_PAGES },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strlen(fields[i].name) != len || memcmp(fields[i].name, name, len) != 0)
			continue;
		*(uint64_t *)(void *)((char *)t->z + fields[i].off) = v;
		t->z->known |= fields[i].bit;
		t->min |= i == 1;
		t->low |= i == 2;
		t->high |= i == 3;
		return true;
	}
	return false;
}

/* "cpu: N", "count: N", "high: N", ..., "vm stats threshold: N". */
static bool pageset_line(struct zi *t, struct fs_cursor *cur)
{
	uint64_t v;

	if (fs_plit(cur, "cpu:")) {
		value(t, cur, "cpu:", &v);
		return true;
	}
	if (fs_plit(cur, "count:")) {
		if (value(t, cur, "count:", &v))
			t->pcp_count += v;
		return true;
	}
	if (fs_plit(cur, "vm stats threshold:")) {
		if (value(t, cur, "vm stats threshold:", &v))
			t->stat_threshold += v;
		return true;
	}
	if (fs_plit(cur, "high:") || fs_plit(cur, "batch:") || fs_plit(cur, "high_min:") ||
	    fs_plit(cur, "high_max:")) {
		value(t, cur, "pageset field:", &v);
		return true;
	}
	return false;
}

/* "name value" or "name: value" (the labelled tail items). */
static void item_line(struct zi *t, struct fs_cursor *cur, const char *line, size_t len)
{
	const char *name;
	size_t name_len;
	bool colon;
	uint64_t v;
	char q[64], q2[64];

	fs_pend(cur);   /* skips the indentation */
	name = cur->p;
	while (cur->p < cur->end && is_item_char(*cur->p))
		cur->p++;
	name_len = (size_t)(cur->p - name);
	colon = fs_plit(cur, ":");
	if (name_len == 0 || cur->p >= cur->end || (*cur->p != ' ' && *cur->p != '\t')) {
		fs_pctx_bad(&t->c, "expected \"NAME N\" (a zone or node item), got \"%s\"",
			    fs_quote(q, line, len));
		return;
	}
	enum fs_num r = fs_pnum(cur, NULL, &v);
	if (r != FS_NUM_OK || !fs_pend(cur)) {
		fs_pctx_bad(&t->c, "expected \"%s N\", got %s in \"%s\"",
			    fs_quote(q, name, name_len),
			    r == FS_NUM_OK ? "text after the number" : fs_num_problem(r),
			    fs_quote(q2, line, len));
		return;
	}
	if (!colon && t->part != PART_NODE && zone_field(t, name, name_len, v))
		return;
	if (colon && name_len == 9 && memcmp(name, "start_pfn", 9) == 0) {
		t->z->start_pfn = v;
		t->z->known |= FS_ZK_START_PFN;
		t->start_pfn = true;
		return;
	}
	if (t->part == PART_NODE) {
		if (t->n)
			fs_pstat(&t->c, &t->n->stats, name, name_len, v);
		return;
	}
	if (fs_pstat(&t->c, &t->z->stats, name, name_len, v) && !colon &&
	    name_len == 11 && memcmp(name, "nr_free_cma", 11) == 0) {
		t->z->free_cma = v;
		t->z->known |= FS_ZK_FREE_CMA;
	}
	/* "scanned" (≤4.4) sits among the head fields; the labelled tail
	 * ("all_unreclaimable:", "inactive_ratio:") comes after the items. */
	if (!colon && !(name_len == 7 && memcmp(name, "scanned", 7) == 0))
		t->items = true;
}

/* "pages" then a blank: no item or node stat is named "pages" alone. */
static bool is_mangled_pages_free(const struct fs_cursor *cur)
{
	const char *p = cur->p;

	while (p < cur->end && (*p == ' ' || *p == '\t'))
		p++;
	return cur->end - p > 5 && memcmp(p, "pages", 5) == 0 && (p[5] == ' ' || p[5] == '\t');
}

static void record_line(struct zi *t, const char *line, size_t len)
{
	struct fs_cursor cur;
	uint64_t v;

	fs_cursor_init(&cur, line, len);
	if (fs_plit(&cur, "per-node stats")) {
		t->part = PART_NODE;
	} else if (fs_plit(&cur, "pages free")) {
		t->part = PART_ZONE;
		/* Present even when its value is bad: that is reported here, not
		 * again as a missing line at the end of the record. */
		t->pages_free = true;
		if (value(t, &cur, "pages free", &v)) {
			t->z->free_pages = v;
			t->z->known |= FS_ZK_FREE_PAGES;
		}
	} else if (!t->pages_free && is_mangled_pages_free(&cur)) {
		/* "pages fre 12": the "pages free" line, mangled; not an item. */
		char q[64];
		t->part = PART_ZONE;
		t->pages_free = true;
		fs_pctx_bad(&t->c, "expected \"pages free N\", got \"%s\"",
			    fs_quote(q, line, len));
	} else if (fs_plit(&cur, "protection:")) {
		protection(t, &cur);
	} else if (fs_plit(&cur, "pagesets")) {
		t->part = PART_PAGESETS;
		t->pagesets = true;
		t->items = true;
	} else if (t->part == PART_PAGESETS && pageset_line(t, &cur)) {
		/* taken */
	} else {
		if (t->part == PART_PAGESETS)
			t->part = PART_ZONE;   /* the labelled tail after the pagesets */
		item_line(t, &cur, line, len);
	}
}

static void take_line(struct zi *t, const char *line, size_t len)
{
	struct fs_cursor cur;

	fs_cursor_init(&cur, line, len);
	if (fs_plit(&cur, "Node")) {
		fs_cursor_init(&cur, line, len);
		start_record(t, &cur, line, len);
	} else if (!t->in_record) {
		char q[64];
		fs_pctx_bad(&t->c, "expected a record header \"Node N, zone NAME\", got \"%s\"",
			    fs_quote(q, line, len));
	} else if (t->z) {
		record_line(t, line, len);
	}
	/* else: a line of a record whose header was refused */
}

int fs_parse_zoneinfo(struct fs_snapshot *snap, const char *text, size_t len, const char *source)
{
	struct zi t;
	struct fs_lines it;
	const char *line;
	size_t line_len;

	memset(&t, 0, sizeof(t));
	if (!fs_pctx_begin(&t.c, snap, text, len, source, "zoneinfo"))
		return 0;
	fs_lines_init(&it, text, len);
	while (fs_pctx_next(&t.c, &it, &line, &line_len))
		if (!fs_blank(line, line_len))
			take_line(&t, line, line_len);
	finish_record(&t);
	return fs_pctx_end(&t.c, t.nr, ZI_EXPECTED);
}
