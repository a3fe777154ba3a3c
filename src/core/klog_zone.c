/*
 * klog_zone.c - the show_mem part of a warn_alloc report as a snapshot
 * (kernel-rules.md §8.2).
 *
 *   active_anon:23568 inactive_anon:23598 ...      global counters, pages -> vmstat
 *   Node 0 active_anon:94396kB ...                 per node, kB -> node stats
 *   Node 0 DMA32 free:362116kB min:4556kB ...      per zone, kB
 *   lowmem_reserve[]: 0 0 0                        pages
 *   Node 0 DMA32: 4060*4kB (UMECH) ... = 362032kB  free lists
 *   Node 0 hugepages_total=0 ... hugepages_size=2048kB
 *   36685 total pagecache pages, swap, "345696 pages RAM" ...  -> vmstat
 *
 * The page size is only printed by the free-area lines ("4kB" for order 0),
 * and those come after the zone lines, so the page size is found first and
 * the kB values converted in a second pass.
 */
#include "klog_priv.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct mctx {
	struct fs_snapshot *snap;
	const struct klog_collected *c;
	unsigned line;              /* current line */
	uint64_t page_kb;           /* 0 while unknown */
	bool page_kb_assumed;
	int cur_node;               /* zone of the last zone line, for lowmem_reserve[] */
	char cur_zone[FS_ZONE_NAME_MAX];
	bool have_cur_zone;
	uint32_t letters_seen;      /* bit per enum fs_mt, over the whole report */
	bool cma_evidence;
	int nr_orders;
	unsigned zones_dropped;
};

static void warn(struct mctx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct mctx *m, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fs_diags_add(&m->snap->diags, FS_SEV_WARNING, m->c->source, m->line, "%s", msg);
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && klog_isblank(*s))
		s++;
	return s;
}

static int64_t clamp_i64(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

static uint64_t kb_to_pages(const struct mctx *m, uint64_t kb)
{
	return kb / (m->page_kb ? m->page_kb : 4);
}

/* One "name:value[kB]" item of a node or zone line. */
struct item {
	const char *name;
	size_t name_len;
	uint64_t value;
	bool kb;            /* value printed in kB (or "KB") */
	bool flag;          /* "all_unreclaimable? yes" */
};

/* Next item at *s; false at the end or on garbage (*bad then says so). */
static bool next_item(const char **s, const char *end, struct item *it, bool *bad)
{
	const char *p = skip_blanks(*s, end);
	*bad = false;
	if (p >= end)
		return false;
	const char *name = p;
	*s = p;       /* where a garbage token starts, for the message */
	while (p < end && *p != ':' && *p != '?' && !klog_isblank(*p))
		p++;
	if (p >= end || p == name)
		goto garbage;
	it->name = name;
	it->name_len = (size_t)(p - name);
	it->kb = it->flag = false;
	if (*p == '?') {     /* "all_unreclaimable? yes" */
		p = skip_blanks(p + 1, end);
		if (fs_starts_with(p, (size_t)(end - p), "yes")) {
			it->value = 1;
			p += 3;
		} else if (fs_starts_with(p, (size_t)(end - p), "no")) {
			it->value = 0;
			p += 2;
		} else {
			goto garbage;
		}
		it->flag = true;
		*s = p;
		return true;
	}
	if (*p != ':')
		goto garbage;
	p = skip_blanks(p + 1, end);    /* "shmem_thp: 0kB" has a blank */
	struct fs_cursor cur;
	fs_cursor_init(&cur, p, (size_t)(end - p));
	if (!fs_cursor_u64(&cur, &it->value))
		goto garbage;
	p = cur.p;
	if (end - p >= 2 && (p[0] == 'k' || p[0] == 'K') && p[1] == 'B') {
		it->kb = true;
		p += 2;
	}
	if (p < end && !klog_isblank(*p))
		goto garbage;
	*s = p;
	return true;
garbage:
	*bad = true;
	return false;
}

static bool item_is(const struct item *it, const char *name)
{
	return it->name_len == strlen(name) && memcmp(it->name, name, it->name_len) == 0;
}

static void item_name(const struct item *it, char *buf, size_t size)
{
	klog_copy(buf, size, it->name, it->name_len);
}

/* Value of an item in pages: kB converted; bare numbers are pages or flags. */
static uint64_t item_pages(const struct mctx *m, const struct item *it)
{
	return it->kb ? kb_to_pages(m, it->value) : it->value;
}

static void quote_bad(struct mctx *m, const char *what, const char *at, const char *end)
{
	char q[80];
	klog_quote(q, sizeof(q), at, (size_t)(end - at));
	warn(m, "%s: expected \"name:NkB\", got \"%s\"", what, q);
}

/* "Node 12 " -> 12; none -> 0 (kernels without NUMA print no "Node"). */
static const char *node_prefix(const char *s, const char *end, int *node, bool *ok)
{
	*node = 0;
	*ok = true;
	s = skip_blanks(s, end);
	if (!fs_starts_with(s, (size_t)(end - s), "Node "))
		return s;
	struct fs_cursor cur;
	uint64_t v;
	fs_cursor_init(&cur, s + 5, (size_t)(end - s - 5));
	if (!fs_cursor_u64(&cur, &v) || v >= FS_MAX_NODES) {
		*ok = false;
		return s;
	}
	*node = (int)v;
	return skip_blanks(cur.p, end);
}

static void bad_node(struct mctx *m, const char *what)
{
	warn(m, "%s: expected \"Node N\" with N below %d", what, FS_MAX_NODES);
}

static struct fs_zone *zone_for(struct mctx *m, int node, const char *name, size_t len)
{
	char key[FS_ZONE_NAME_MAX];
	klog_copy(key, sizeof(key), name, len);
	if (len >= sizeof(key) || fs_zone_type_rank(key) < 0) {
		warn(m, "unknown zone \"%s\"; expected DMA, DMA32, Normal, HighMem, Movable "
		     "or Device", key);
		return NULL;
	}
	struct fs_zone *z = fs_snapshot_zone(m->snap, node, name, len, true);
	if (!z && m->zones_dropped++ == 0)
		warn(m, "too many zones; zone %s of node %d and later ones are left out", key,
		     node);
	return z;
}

/* ---- the lines ------------------------------------------------------- */

static void parse_counters(struct mctx *m, const char *s, const char *end)
{
	struct item it;
	bool bad;
	char name[FS_STAT_NAME_MAX];
	while (next_item(&s, end, &it, &bad)) {
		item_name(&it, name, sizeof(name));
		fs_stats_set(&m->snap->vmstat, name, clamp_i64(it.value));
		if (item_is(&it, "free_cma") && it.value > 0)
			m->cma_evidence = true;
	}
	if (bad)
		quote_bad(m, "Mem-Info counters", s, end);
}

static void parse_node(struct mctx *m, const char *s, const char *end)
{
	int node;
	bool ok;
	s = node_prefix(s, end, &node, &ok);
	struct fs_node *n = ok ? fs_snapshot_node(m->snap, node, true) : NULL;
	if (!n) {
		bad_node(m, "node line");
		return;
	}
	struct item it;
	bool bad;
	char name[FS_STAT_NAME_MAX];
	while (next_item(&s, end, &it, &bad)) {
		item_name(&it, name, sizeof(name));
		if (!it.kb && !it.flag && !item_is(&it, "pages_scanned")) {
			warn(m, "node line: expected \"%s:NkB\", got no unit (line cut?)", name);
			continue;
		}
		fs_stats_set(&n->stats, name, clamp_i64(item_pages(m, &it)));
	}
	if (bad)
		quote_bad(m, "node line", s, end);
}

/* A zone item with a field of its own; false for the ones kept as stats. */
static bool zone_field(struct mctx *m, struct fs_zone *z, const struct item *it, bool *wmarks)
{
	static const struct {
		const char *name;
		size_t offset;
		uint32_t known;
	} fields[] = {
		{ "free", offsetof(struct fs_zone, free_pages), FS_ZK_FREE_PAGES },
		{ "min", offsetof(struct fs_zone, wmark_min), 0 },
		{ "low", offsetof(struct fs_zone, wmark_low), 0 },
		{ "high", offsetof(struct fs_zone, wmark_high), 0 },
		{ "boost", offsetof(struct fs_zone, wmark_boost), FS_ZK_BOOST },
		{ "reserved_highatomic", offsetof(struct fs_zone, reserved_highatomic),
		  FS_ZK_RESERVED_HIGHATOMIC },
		{ "free_highatomic", offsetof(struct fs_zone, free_highatomic),
		  FS_ZK_FREE_HIGHATOMIC },
		{ "present", offsetof(struct fs_zone, present), FS_ZK_PRESENT },
		{ "managed", offsetof(struct fs_zone, managed), FS_ZK_MANAGED },
		{ "free_pcp", offsetof(struct fs_zone, free_pcp), FS_ZK_FREE_PCP },
		{ "free_cma", offsetof(struct fs_zone, free_cma), FS_ZK_FREE_CMA },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!item_is(it, fields[i].name))
			continue;
		uint64_t *field = (uint64_t *)((char *)z + fields[i].offset);
		*field = item_pages(m, it);
		z->known |= fields[i].known;
		if (i >= 1 && i <= 3)
			wmarks[i - 1] = true;
		if (item_is(it, "free_cma") && it->value > 0)
			m->cma_evidence = true;
		return true;
	}
	return false;
}

static void parse_zone(struct mctx *m, const char *s, const char *end)
{
	int node;
	bool ok;
	s = node_prefix(s, end, &node, &ok);
	const char *name = s;
	while (s < end && !klog_isblank(*s))
		s++;
	m->have_cur_zone = false;
	if (!ok) {
		bad_node(m, "zone line");
		return;
	}
	struct fs_zone *z = zone_for(m, node, name, (size_t)(s - name));
	if (!z)
		return;
	if (z->known & FS_ZK_FREE_PAGES)
		warn(m, "zone %s of node %d printed twice in one report; the later line wins",
		     z->name, node);
	m->cur_node = node;
	snprintf(m->cur_zone, sizeof(m->cur_zone), "%s", z->name);
	m->have_cur_zone = true;
	z->populated = true;

	struct item it;
	bool bad, wmarks[3] = { false, false, false };
	char stat[FS_STAT_NAME_MAX];
	while (next_item(&s, end, &it, &bad)) {
		if (!it.kb && !it.flag && !item_is(&it, "pages_scanned")) {
			/* "managed:76" at the end of a cut line: the number is not whole */
			item_name(&it, stat, sizeof(stat));
			warn(m, "zone %s: expected \"%s:NkB\", got no unit (line cut?)", z->name,
			     stat);
			continue;
		}
		if (zone_field(m, z, &it, wmarks))
			continue;
		item_name(&it, stat, sizeof(stat));
		fs_stats_set(&z->stats, stat, clamp_i64(item_pages(m, &it)));
	}
	if (bad)
		quote_bad(m, "zone line", s, end);
	if (wmarks[0] && wmarks[1] && wmarks[2])
		z->known |= FS_ZK_WMARK;
}

static void parse_lowmem(struct mctx *m, const char *s, const char *end)
{
	struct fs_zone *z = NULL;
	if (m->have_cur_zone)
		z = fs_snapshot_zone(m->snap, m->cur_node, m->cur_zone, strlen(m->cur_zone), false);
	if (!z) {
		warn(m, "lowmem_reserve[] without a zone line before it");
		return;
	}
	s += strlen("lowmem_reserve[]:");
	struct fs_cursor cur;
	fs_cursor_init(&cur, s, (size_t)(end - s));
	int n = 0;
	for (;;) {
		fs_cursor_skip_space(&cur);
		if (fs_cursor_eol(&cur))
			break;
		uint64_t v;
		if (!fs_cursor_u64(&cur, &v) || (!fs_cursor_eol(&cur) && !klog_isblank(*cur.p))) {
			char q[80];
			klog_quote(q, sizeof(q), cur.p, (size_t)(cur.end - cur.p));
			warn(m, "lowmem_reserve[]: expected a number of pages, got \"%s\"", q);
			break;
		}
		if (n == FS_MAX_ZONE_TYPES) {
			warn(m, "lowmem_reserve[]: more than %d values; the rest are ignored",
			     FS_MAX_ZONE_TYPES);
			break;
		}
		z->protection[n++] = v;
	}
	if (n > 0) {
		z->nr_protection = n;
		z->known |= FS_ZK_PROTECTION;
	}
}

/* The order-0 size of the first free-area line: the page size in kB. */
static uint64_t area_page_kb(const char *s, const char *end)
{
	int node;
	bool ok;
	s = node_prefix(s, end, &node, &ok);
	const char *colon = memchr(s, ':', (size_t)(end - s));
	if (!colon)
		return 0;
	const char *star = memchr(colon, '*', (size_t)(end - colon));
	if (!star)
		return 0;
	struct fs_cursor cur;
	uint64_t kb;
	fs_cursor_init(&cur, star + 1, (size_t)(end - star - 1));
	if (!fs_cursor_u64(&cur, &kb) || !fs_cursor_lit(&cur, "kB"))
		return 0;
	/* powers of two from 1 kB to 1 MB are page sizes some arch has used */
	if (kb == 0 || kb > 1024 || (kb & (kb - 1)) != 0)
		return 0;
	return kb;
}

static void area_bad(struct mctx *m, const struct fs_zone *z, const struct fs_cursor *cur,
		     const char *expected)
{
	char q[80];
	klog_quote(q, sizeof(q), cur->p, (size_t)(cur->end - cur->p));
	warn(m, "free-area line of zone %s: expected %s, got \"%s\"", z->name, expected,
	     cur->p < cur->end ? q : "end of line");
}

/* One "COUNT*SIZEkB [(LETTERS)]" entry or the "= TOTALkB" end. */
enum area_step { AREA_ENTRY, AREA_TOTAL, AREA_EOL, AREA_CUT, AREA_BAD };

/* "(UMECH)": letters as a bit per enum fs_mt. */
static enum area_step area_letters(struct mctx *m, struct fs_zone *z, struct fs_cursor *cur,
				   uint32_t *letters)
{
	*letters = 0;
	if (!fs_cursor_lit(cur, "("))
		return AREA_ENTRY;
	while (cur->p < cur->end && *cur->p != ')') {
		int mt = fs_mt_from_letter(*cur->p);
		if (mt < 0) {
			area_bad(m, z, cur, "a migratetype letter of UMEHCIR");
			return AREA_BAD;
		}
		*letters |= 1u << mt;
		cur->p++;
	}
	return fs_cursor_lit(cur, ")") ? AREA_ENTRY : AREA_CUT;
}

static enum area_step area_total(struct mctx *m, struct fs_zone *z, struct fs_cursor *cur)
{
	uint64_t kb;
	fs_cursor_skip_space(cur);
	if (fs_cursor_eol(cur))
		return AREA_CUT;
	if (!fs_cursor_u64(cur, &kb) || !fs_cursor_lit(cur, "kB")) {
		if (fs_cursor_eol(cur))
			return AREA_CUT;
		area_bad(m, z, cur, "\"= TOTALkB\"");
		return AREA_BAD;
	}
	z->area_total_pages = kb_to_pages(m, kb);
	fs_cursor_skip_space(cur);
	if (!fs_cursor_eol(cur))
		area_bad(m, z, cur, "the end of the line after the total");
	return AREA_TOTAL;
}

/* A number, or AREA_CUT when the line ends inside it. */
static enum area_step area_number(struct fs_cursor *cur, uint64_t *v, const char *after)
{
	if (!fs_cursor_u64(cur, v))
		return fs_cursor_eol(cur) ? AREA_CUT : AREA_BAD;
	if (fs_cursor_lit(cur, after))
		return AREA_ENTRY;
	/* "942*8k" at the end: the rest of the literal is missing */
	size_t left = (size_t)(cur->end - cur->p);
	return left < strlen(after) && memcmp(cur->p, after, left) == 0 ? AREA_CUT : AREA_BAD;
}

static enum area_step area_step(struct mctx *m, struct fs_zone *z, int order,
				struct fs_cursor *cur, uint64_t *count, uint32_t *letters)
{
	uint64_t kb;
	enum area_step st;
	fs_cursor_skip_space(cur);
	if (fs_cursor_eol(cur))
		return AREA_EOL;
	if (fs_cursor_lit(cur, "="))
		return area_total(m, z, cur);
	if (order == FS_MAX_ORDERS) {
		area_bad(m, z, cur, "\"= TOTALkB\" within 16 orders");
		return AREA_BAD;
	}
	if ((st = area_number(cur, count, "*")) != AREA_ENTRY ||
	    (st = area_number(cur, &kb, "kB")) != AREA_ENTRY) {
		if (st == AREA_BAD)
			area_bad(m, z, cur, "\"COUNT*SIZEkB\"");
		return st;
	}
	if (kb != (m->page_kb << order)) {
		warn(m, "free-area line of zone %s: order %d printed as %llukB, expected %llukB",
		     z->name, order, (unsigned long long)kb,
		     (unsigned long long)(m->page_kb << order));
		return AREA_BAD;
	}
	fs_cursor_skip_space(cur);
	return area_letters(m, z, cur, letters);
}

/*
 * Counts per order are exact (nr_free, as buddyinfo); letters say which
 * migratetype lists are not empty. A line cut short (a log copied while the
 * kernel was printing) or garbled keeps the orders printed in full in
 * order_blocks[] but does not claim FS_ZK_ORDER_BLOCKS: the zone's free
 * lists are then not known as a whole.
 */
static void parse_area(struct mctx *m, const char *s, const char *end)
{
	int node;
	bool ok;
	s = node_prefix(s, end, &node, &ok);
	const char *colon = memchr(s, ':', (size_t)(end - s));
	if (!ok) {
		bad_node(m, "free-area line");
		return;
	}
	struct fs_zone *z = colon ? zone_for(m, node, s, (size_t)(colon - s)) : NULL;
	if (!z)
		return;
	if (z->known & FS_ZK_ORDER_BLOCKS)
		warn(m, "free areas of zone %s of node %d printed twice; the later line wins",
		     z->name, node);
	struct fs_cursor cur;
	fs_cursor_init(&cur, colon + 1, (size_t)(end - colon - 1));
	int order = 0;
	enum area_step step;
	uint64_t count;
	uint32_t letters;
	while ((step = area_step(m, z, order, &cur, &count, &letters)) == AREA_ENTRY) {
		z->order_blocks[order] = fs_count_exact(count);
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			if (!(letters & (1u << mt)))
				continue;
			z->mt_blocks[mt][order].kind = FS_COUNT_NONEMPTY;
			z->mt_blocks[mt][order].value = 1;
		}
		m->letters_seen |= letters;
		order++;
	}
	if (step == AREA_EOL || step == AREA_CUT)
		warn(m, "free-area line of zone %s ends after %d order%s, before its "
		     "\"= TOTALkB\" (line cut?)", z->name, order, order == 1 ? "" : "s");
	if (step != AREA_TOTAL)
		return;
	z->known |= FS_ZK_ORDER_BLOCKS | FS_ZK_AREA_TOTAL;
	if (m->nr_orders && m->nr_orders != order)
		warn(m, "zone %s prints %d orders, an earlier zone %d", z->name, order,
		     m->nr_orders);
	if (order > m->nr_orders)
		m->nr_orders = order;
}

/* "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB":
 * kept per node, named after the huge page size ("hugepages_total_2048kB"). */
static void parse_hugepages(struct mctx *m, const char *s, const char *end)
{
	int node;
	bool ok;
	s = node_prefix(s, end, &node, &ok);
	struct fs_node *n = ok ? fs_snapshot_node(m->snap, node, true) : NULL;
	const char *size = fs_find(s, (size_t)(end - s), "hugepages_size=");
	uint64_t size_kb = 0;
	if (size) {
		struct fs_cursor cur;
		fs_cursor_init(&cur, size + 15, (size_t)(end - size - 15));
		if (!fs_cursor_u64(&cur, &size_kb) || !fs_cursor_lit(&cur, "kB"))
			size_kb = 0;
	}
	if (!n || !size_kb) {
		warn(m, "hugepages line: expected \"Node N hugepages_total=N ... "
		     "hugepages_size=NkB\"");
		return;
	}
	static const char *const names[] = { "hugepages_total", "hugepages_free",
					     "hugepages_surp" };
	for (size_t i = 0; i < 3; i++) {
		char key[48], stat[FS_STAT_NAME_MAX];
		snprintf(key, sizeof(key), "%s=", names[i]);
		const char *at = fs_find(s, (size_t)(end - s), key);
		struct fs_cursor cur;
		uint64_t v;
		if (!at)
			continue;
		fs_cursor_init(&cur, at + strlen(key), (size_t)(end - at - strlen(key)));
		if (!fs_cursor_u64(&cur, &v))
			continue;
		snprintf(stat, sizeof(stat), "%s_%llukB", names[i], (unsigned long long)size_kb);
		fs_stats_set(&n->stats, stat, clamp_i64(v));
	}
}

static bool number_at(const char *s, const char *end, int64_t *v)
{
	struct fs_cursor cur;
	fs_cursor_init(&cur, s, (size_t)(end - s));
	fs_cursor_skip_space(&cur);
	return fs_cursor_i64(&cur, v);
}

/* "Free swap  = 59508kB" */
static void swap_kb(struct mctx *m, const char *s, const char *end, const char *stat)
{
	const char *eq = memchr(s, '=', (size_t)(end - s));
	int64_t kb;
	if (!eq || !number_at(eq + 1, end, &kb)) {
		warn(m, "%s: expected \"= NkB\"", stat);
		return;
	}
	int64_t div = (int64_t)(m->page_kb ? m->page_kb : 4);
	fs_stats_set(&m->snap->vmstat, stat, kb / div);
}

/* "Swap cache stats: add 192421, delete 192130, find 6130/80536" */
static void swap_stats(struct mctx *m, const char *s, const char *end)
{
	static const struct {
		const char *key, *stat;
	} keys[] = { { "add ", "swap_cache_add" }, { "delete ", "swap_cache_delete" },
		     { "find ", "swap_cache_find" } };
	for (size_t i = 0; i < 3; i++) {
		const char *at = fs_find(s, (size_t)(end - s), keys[i].key);
		int64_t v;
		if (!at || !number_at(at + strlen(keys[i].key), end, &v))
			continue;
		fs_stats_set(&m->snap->vmstat, keys[i].stat, v);
		if (i == 2) {
			const char *slash = memchr(at, '/', (size_t)(end - at));
			if (slash && number_at(slash + 1, end, &v))
				fs_stats_set(&m->snap->vmstat, "swap_cache_find_total", v);
		}
	}
}

/* "36685 total pagecache pages", "345696 pages RAM", "19070 pages reserved"
 * -> "total_pagecache_pages", "pages_ram", "pages_reserved" (vmstat, pages). */
static void parse_number_line(struct mctx *m, const char *s, const char *end)
{
	int64_t v;
	if (!number_at(s, end, &v))
		return;
	const char *text = s;
	while (text < end && (klog_isdigit(*text) || *text == '-'))
		text++;
	text = skip_blanks(text, end);
	char stat[FS_STAT_NAME_MAX];
	size_t n = 0;
	if (fs_starts_with(text, (size_t)(end - text), "total pagecache pages")) {
		snprintf(stat, sizeof(stat), "total_pagecache_pages");
	} else if (fs_starts_with(text, (size_t)(end - text), "pages in swap cache")) {
		snprintf(stat, sizeof(stat), "swap_cache_pages");
	} else {
		/* "pages cma reserved" -> "pages_cma_reserved" */
		for (const char *q = text; q < end && n + 1 < sizeof(stat); q++) {
			char c = *q;
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (!((c >= 'a' && c <= 'z') || klog_isdigit(c)))
				c = '_';
			if (c == '_' && n > 0 && stat[n - 1] == '_')
				continue;
			stat[n++] = c;
		}
		while (n > 0 && stat[n - 1] == '_')
			n--;
		stat[n] = '\0';
		if (fs_starts_with(text, (size_t)(end - text), "pages cma reserved"))
			m->cma_evidence = true;
	}
	fs_stats_set(&m->snap->vmstat, stat, v);
}

static void parse_swap(struct mctx *m, const char *s, const char *end)
{
	s = skip_blanks(s, end);
	if (fs_starts_with(s, (size_t)(end - s), "Swap cache stats:"))
		swap_stats(m, s, end);
	else if (fs_starts_with(s, (size_t)(end - s), "Free swap"))
		swap_kb(m, s, end, "free_swap_pages");
	else if (fs_starts_with(s, (size_t)(end - s), "Total swap"))
		swap_kb(m, s, end, "total_swap_pages");
	else
		parse_number_line(m, s, end);
}

/* ---- after all lines: the migratetypes the letters speak for -------- */

static int release_before(const char *release, int major, int minor)
{
	unsigned a, b;
	if (!release || sscanf(release, "%u.%u", &a, &b) != 2)
		return -1;
	return a < (unsigned)major || (a == (unsigned)major && b < (unsigned)minor);
}

/*
 * A letter printed means the list is not empty; a migratetype the kernel has
 * but did not print at an order with COUNT > 0 is empty there, and at
 * COUNT == 0 every list is. Which migratetypes the kernel has: 4.4+ U M E H,
 * <= 4.3 U E M R (kernel-rules.md §3.2); CMA when a C was printed or CMA
 * memory shows up (free_cma, "pages cma reserved"); Isolate with CMA (CMA
 * selects MEMORY_ISOLATION) or when an I was printed.
 */
static void finish_letters(struct mctx *m, const char *release)
{
	bool old = (m->letters_seen & (1u << FS_MT_RESERVE)) ||
		   (!(m->letters_seen & (1u << FS_MT_HIGHATOMIC)) &&
		    release_before(release, 4, 4) == 1);
	static const enum fs_mt new_order[] = { FS_MT_UNMOVABLE, FS_MT_MOVABLE,
						FS_MT_RECLAIMABLE, FS_MT_HIGHATOMIC,
						FS_MT_CMA, FS_MT_ISOLATE };
	static const enum fs_mt old_order[] = { FS_MT_UNMOVABLE, FS_MT_RECLAIMABLE,
						FS_MT_MOVABLE, FS_MT_RESERVE,
						FS_MT_CMA, FS_MT_ISOLATE };
	const enum fs_mt *order = old ? old_order : new_order;
	uint32_t set = old ? (1u << FS_MT_UNMOVABLE | 1u << FS_MT_RECLAIMABLE |
			      1u << FS_MT_MOVABLE | 1u << FS_MT_RESERVE)
			   : (1u << FS_MT_UNMOVABLE | 1u << FS_MT_MOVABLE |
			      1u << FS_MT_RECLAIMABLE | 1u << FS_MT_HIGHATOMIC);
	if (m->cma_evidence || (m->letters_seen & (1u << FS_MT_CMA)))
		set |= 1u << FS_MT_CMA | 1u << FS_MT_ISOLATE;
	set |= m->letters_seen;

	bool any_area = false;
	for (size_t i = 0; i < m->snap->nr_zones; i++) {
		struct fs_zone *z = &m->snap->zones[i];
		if (!(z->known & FS_ZK_ORDER_BLOCKS))
			continue;
		bool any_count = false;
		for (int o = 0; o < FS_MAX_ORDERS; o++)
			any_count = any_count || fs_count_nonzero(z->order_blocks[o]);
		/* a kernel that prints no letters at all says nothing per migratetype */
		if (!m->letters_seen && any_count)
			continue;
		for (int o = 0; o < FS_MAX_ORDERS; o++) {
			if (z->order_blocks[o].kind != FS_COUNT_EXACT)
				continue;
			for (int mt = 0; mt < FS_MT_COUNT; mt++)
				if ((set & (1u << mt)) && z->mt_blocks[mt][o].kind == FS_COUNT_NONE)
					z->mt_blocks[mt][o].kind = FS_COUNT_EMPTY_KNOWN;
		}
		z->mt_rows |= set;
		z->known |= FS_ZK_MT_BLOCKS;
		any_area = true;
	}
	if (!any_area)
		return;
	for (size_t i = 0; i < 6; i++)
		if (set & (1u << order[i]))
			fs_meta_note_mt(&m->snap->meta, order[i]);
	for (int mt = 0; mt < FS_MT_COUNT; mt++)   /* a letter outside the usual set */
		if (set & (1u << mt))
			fs_meta_note_mt(&m->snap->meta, (enum fs_mt)mt);
}

/* ---- entry ------------------------------------------------------------ */

static void find_page_size(struct mctx *m)
{
	const struct klog_collected *c = m->c;
	bool has_kb_lines = false;
	for (size_t i = 0; i < c->nr_lines && !m->page_kb; i++) {
		const struct klog_line *l = &c->lines[i];
		if (l->kind == KL_AREA)
			m->page_kb = area_page_kb(c->raw + l->off, c->raw + l->off + l->len);
		if (l->kind == KL_ZONE || l->kind == KL_NODE)
			has_kb_lines = true;
	}
	if (!m->page_kb) {
		m->page_kb = 4;
		m->page_kb_assumed = true;
		if (has_kb_lines)
			fs_diags_add(&m->snap->diags, FS_SEV_NOTE, c->source,
				     c->nr_lines ? c->lines[0].lineno : 0,
				     "report %u prints no free-area line; kB converted with "
				     "4 KiB pages", c->index);
	}
}

void klog_parse_meminfo(struct fs_snapshot *snap, const struct klog_collected *c,
			const char *release)
{
	struct mctx m = { .snap = snap, .c = c };
	find_page_size(&m);
	for (size_t i = 0; i < c->nr_lines; i++) {
		const struct klog_line *l = &c->lines[i];
		const char *s = c->raw + l->off, *end = s + l->len;
		m.line = l->lineno;
		switch ((enum klog_kind)l->kind) {
		case KL_COUNTERS: parse_counters(&m, s, end); break;
		case KL_NODE: parse_node(&m, s, end); break;
		case KL_ZONE: parse_zone(&m, s, end); break;
		case KL_LOWMEM: parse_lowmem(&m, skip_blanks(s, end), end); break;
		case KL_AREA: parse_area(&m, s, end); break;
		case KL_HUGEPAGES: parse_hugepages(&m, s, end); break;
		case KL_SWAP: parse_swap(&m, s, end); break;
		case KL_TRAILER: parse_number_line(&m, skip_blanks(s, end), end); break;
		default: break;
		}
	}
	finish_letters(&m, release);
	snap->meta.page_size = (unsigned)(m.page_kb * 1024);
	if (m.nr_orders)
		snap->meta.nr_orders = m.nr_orders;
}
