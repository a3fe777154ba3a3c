/*
 * snapshot_check.c - combining snapshots read from different files of one
 * machine (fs_snapshot_merge) and checking a snapshot against itself
 * (fs_snapshot_check).
 *
 * Some comparisons are between numbers printed at the same instant (the
 * "= NkB" total of a warn_alloc free-area line and its own per-order
 * counts): those must agree exactly. Others are between files read one
 * after the other (buddyinfo, pagetypeinfo, zoneinfo), or between a
 * counter with per-cpu drift and the free lists: those get a tolerance,
 * stated where it is applied, so that a normal machine gives no warning and
 * a mismatch that activity cannot explain still does.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fragscope/snapshot.h"
#include "fragscope/util.h"

/* ------------------------------------------------------------------ merge */

struct merge {
	struct fs_snapshot *dst;
	const struct fs_snapshot *src;
	const char *dname, *sname;    /* sources, for messages */
};

static void mwarn(struct merge *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void mwarn(struct merge *m, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fs_diags_add(&m->dst->diags, FS_SEV_WARNING, m->sname, 0, "%s", msg);
}

/* What a count says as an interval [lo, hi] (hi = UINT64_MAX: unbounded). */
static void count_range(struct fs_count c, uint64_t *lo, uint64_t *hi)
{
	switch (c.kind) {
	case FS_COUNT_EXACT:
		*lo = *hi = c.value;
		return;
	case FS_COUNT_CAPPED:
		*lo = c.value;
		break;
	case FS_COUNT_NONEMPTY:
		*lo = 1;
		break;
	case FS_COUNT_EMPTY_KNOWN:
		*lo = *hi = 0;
		return;
	default:
		*lo = 0;
		break;
	}
	*hi = UINT64_MAX;
}

/* Printed the way the input printed it: "12", ">100000", "1+", "0". */
static const char *count_str(char buf[32], struct fs_count c)
{
	switch (c.kind) {
	case FS_COUNT_CAPPED:
		snprintf(buf, 32, ">%" PRIu64, c.value);
		break;
	case FS_COUNT_NONEMPTY:
		snprintf(buf, 32, "1+");
		break;
	case FS_COUNT_EMPTY_KNOWN:
		snprintf(buf, 32, "0");
		break;
	case FS_COUNT_NONE:
		snprintf(buf, 32, "?");
		break;
	default:
		snprintf(buf, 32, "%" PRIu64, c.value);
		break;
	}
	return buf;
}

/* Combine two views of one count: keep the more precise one when they are
 * compatible; false when they contradict each other (dst unchanged). */
static bool merge_count(struct fs_count *dst, struct fs_count src)
{
	uint64_t dlo, dhi, slo, shi, lo, hi;

	if (src.kind == FS_COUNT_NONE)
		return true;
	if (dst->kind == FS_COUNT_NONE) {
		*dst = src;
		return true;
	}
	count_range(*dst, &dlo, &dhi);
	count_range(src, &slo, &shi);
	lo = dlo > slo ? dlo : slo;
	hi = dhi < shi ? dhi : shi;
	if (lo > hi)
		return false;
	if (lo == dlo && hi == dhi)
		return true;                  /* dst already says as much */
	if (lo == slo && hi == shi)
		*dst = src;
	else
		*dst = (struct fs_count){ lo, FS_COUNT_CAPPED };
	return true;
}

/* Append " order 3: 12 vs 14" style items to a message buffer. */
static void list_add(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void list_add(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 4 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
	if (strlen(buf) >= size - 4)
		memcpy(buf + size - 4, "...", 4);
}

static void merge_blocks(struct merge *m, struct fs_zone *d, const struct fs_zone *s)
{
	char diff[512] = "", a[32], b[32];

	if (s->known & FS_ZK_ORDER_BLOCKS) {
		for (int o = 0; o < FS_MAX_ORDERS; o++) {
			struct fs_count was = d->order_blocks[o];
			if (!merge_count(&d->order_blocks[o], s->order_blocks[o]))
				list_add(diff, sizeof(diff), " order %d: %s vs %s", o,
					 count_str(a, was), count_str(b, s->order_blocks[o]));
		}
		if (diff[0])
			mwarn(m, "Node %d, zone %s: free blocks per order differ between %s "
			      "and %s:%s", d->node, d->name, m->dname, m->sname, diff);
	}
	diff[0] = '\0';
	if (s->known & FS_ZK_MT_BLOCKS) {
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			if (!(s->mt_rows & (1u << mt)))
				continue;
			for (int o = 0; o < FS_MAX_ORDERS; o++) {
				struct fs_count was = d->mt_blocks[mt][o];
				if (!merge_count(&d->mt_blocks[mt][o], s->mt_blocks[mt][o]))
					list_add(diff, sizeof(diff), " %s order %d: %s vs %s",
						 fs_mt_name((enum fs_mt)mt), o, count_str(a, was),
						 count_str(b, s->mt_blocks[mt][o]));
			}
		}
		d->mt_rows |= s->mt_rows;
		if (diff[0])
			mwarn(m, "Node %d, zone %s: free blocks per migratetype differ between %s "
			      "and %s:%s", d->node, d->name, m->dname, m->sname, diff);
	}
	diff[0] = '\0';
	if (s->known & FS_ZK_PAGEBLOCKS) {
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			if (!(d->known & FS_ZK_PAGEBLOCKS))
				d->pageblocks[mt] = s->pageblocks[mt];
			else if (d->pageblocks[mt] != s->pageblocks[mt])
				list_add(diff, sizeof(diff), " %s: %" PRIu64 " vs %" PRIu64,
					 fs_mt_name((enum fs_mt)mt), d->pageblocks[mt],
					 s->pageblocks[mt]);
		}
		if (diff[0])
			mwarn(m, "Node %d, zone %s: pageblocks per migratetype differ between %s "
			      "and %s:%s", d->node, d->name, m->dname, m->sname, diff);
	}
}

static const struct zone_field {
	uint32_t bit;
	size_t off;
	const char *what;
} zone_fields[] = {
	{ FS_ZK_FREE_PAGES, offsetof(struct fs_zone, free_pages), "free pages" },
	{ FS_ZK_WMARK, offsetof(struct fs_zone, wmark_min), "min watermark" },
	{ FS_ZK_WMARK, offsetof(struct fs_zone, wmark_low), "low watermark" },
	{ FS_ZK_WMARK, offsetof(struct fs_zone, wmark_high), "high watermark" },
	{ FS_ZK_BOOST, offsetof(struct fs_zone, wmark_boost), "watermark boost" },
	{ FS_ZK_PROMO, offsetof(struct fs_zone, wmark_promo), "promo watermark" },
	{ FS_ZK_SPANNED, offsetof(struct fs_zone, spanned), "spanned pages" },
	{ FS_ZK_PRESENT, offsetof(struct fs_zone, present), "present pages" },
	{ FS_ZK_MANAGED, offsetof(struct fs_zone, managed), "managed pages" },
	{ FS_ZK_CMA_PAGES, offsetof(struct fs_zone, cma_pages), "CMA pages" },
	{ FS_ZK_FREE_CMA, offsetof(struct fs_zone, free_cma), "free CMA pages" },
	{ FS_ZK_RESERVED_HIGHATOMIC, offsetof(struct fs_zone, reserved_highatomic),
	  "reserved highatomic pages" },
	{ FS_ZK_FREE_HIGHATOMIC, offsetof(struct fs_zone, free_highatomic),
	  "free highatomic pages" },
	{ FS_ZK_FREE_PCP, offsetof(struct fs_zone, free_pcp), "per-cpu free pages" },
	{ FS_ZK_AREA_TOTAL, offsetof(struct fs_zone, area_total_pages), "free-area total" },
	{ FS_ZK_START_PFN, offsetof(struct fs_zone, start_pfn), "start_pfn" },
};

static uint64_t field(const struct fs_zone *z, size_t off)
{
	return *(const uint64_t *)(const void *)((const char *)z + off);
}

static void merge_fields(struct merge *m, struct fs_zone *d, const struct fs_zone *s)
{
	const uint32_t had = d->known;

	for (size_t i = 0; i < sizeof(zone_fields) / sizeof(zone_fields[0]); i++) {
		const struct zone_field *f = &zone_fields[i];
		uint64_t sv = field(s, f->off);

		if (!(s->known & f->bit))
			continue;
		if (!(had & f->bit))
			*(uint64_t *)(void *)((char *)d + f->off) = sv;
		else if (field(d, f->off) != sv)
			mwarn(m, "Node %d, zone %s: %s %" PRIu64 " in %s, %" PRIu64 " in %s",
			      d->node, d->name, f->what, field(d, f->off), m->dname, sv, m->sname);
	}
	if (s->known & FS_ZK_PROTECTION) {
		if (!(had & FS_ZK_PROTECTION)) {
			memcpy(d->protection, s->protection, sizeof(d->protection));
			d->nr_protection = s->nr_protection;
		} else if (d->nr_protection != s->nr_protection ||
			   memcmp(d->protection, s->protection,
				  sizeof(d->protection[0]) * (size_t)s->nr_protection) != 0) {
			mwarn(m, "Node %d, zone %s: protection differs between %s and %s",
			      d->node, d->name, m->dname, m->sname);
		}
	}
}

/* Named counters: dst takes the ones it lacks; disagreements are summed up
 * in one warning per set (counters move between two reads, so listing
 * each would bury the message). */
static void merge_stats(struct merge *m, struct fs_stats *d, const struct fs_stats *s,
			const char *what)
{
	size_t differ = 0;
	char first[160] = "";

	for (size_t i = 0; i < s->count; i++) {
		int64_t v;

		if (!fs_stats_get(d, s->items[i].name, &v)) {
			fs_stats_set(d, s->items[i].name, s->items[i].value);
		} else if (v != s->items[i].value && differ++ == 0) {
			snprintf(first, sizeof(first), "%s %" PRId64 " vs %" PRId64,
				 s->items[i].name, v, s->items[i].value);
		}
	}
	if (differ)
		mwarn(m, "%s: %zu counters differ between %s and %s (first: %s)", what, differ,
		      m->dname, m->sname, first);
}

static void merge_zone(struct merge *m, struct fs_zone *d, const struct fs_zone *s,
		       bool created)
{
	char what[64];
	bool apart = ((d->known & FS_ZK_ORDER_BLOCKS) && !(d->known & FS_ZK_MT_BLOCKS) &&
		      (s->known & FS_ZK_MT_BLOCKS)) ||
		     ((d->known & FS_ZK_MT_BLOCKS) && !(d->known & FS_ZK_ORDER_BLOCKS) &&
		      (s->known & FS_ZK_ORDER_BLOCKS));

	merge_blocks(m, d, s);
	merge_fields(m, d, s);
	d->known |= s->known;
	if (apart)
		d->known |= FS_ZK_SPLIT_READS;
	d->populated = created ? s->populated : (d->populated || s->populated);
	snprintf(what, sizeof(what), "Node %d, zone %s", d->node, d->name);
	merge_stats(m, &d->stats, &s->stats, what);
}

static void merge_meta(struct merge *m)
{
	struct fs_meta *d = &m->dst->meta;
	const struct fs_meta *s = &m->src->meta;

	if (d->time_base == FS_TIME_UNKNOWN && s->time_base != FS_TIME_UNKNOWN) {
		d->time = s->time;
		d->time_base = s->time_base;
	}
	if (!d->kernel_release[0])
		memcpy(d->kernel_release, s->kernel_release, sizeof(d->kernel_release));
	else if (s->kernel_release[0] && strcmp(d->kernel_release, s->kernel_release) != 0)
		mwarn(m, "kernel release %s in %s, %s in %s", d->kernel_release, m->dname,
		      s->kernel_release, m->sname);
	if (!d->hostname[0])
		memcpy(d->hostname, s->hostname, sizeof(d->hostname));
	else if (s->hostname[0] && strcmp(d->hostname, s->hostname) != 0)
		mwarn(m, "host name %s in %s, %s in %s", d->hostname, m->dname, s->hostname,
		      m->sname);
	if (!d->page_size)
		d->page_size = s->page_size;
	else if (s->page_size && d->page_size != s->page_size)
		mwarn(m, "page size %u in %s, %u in %s", d->page_size, m->dname, s->page_size,
		      m->sname);
	if (d->pageblock_order < 0)
		d->pageblock_order = s->pageblock_order;
	else if (s->pageblock_order >= 0 && d->pageblock_order != s->pageblock_order)
		mwarn(m, "page block order %d in %s, %d in %s", d->pageblock_order, m->dname,
		      s->pageblock_order, m->sname);
	if (!d->nr_orders)
		d->nr_orders = s->nr_orders;
	else if (s->nr_orders && d->nr_orders != s->nr_orders)
		mwarn(m, "%d orders in %s, %d in %s", d->nr_orders, m->dname, s->nr_orders,
		      m->sname);
	for (int i = 0; i < s->nr_mt_order; i++)
		fs_meta_note_mt(d, (enum fs_mt)s->mt_order[i]);
}

/* The merged snapshot came from both: "a + b" while it fits. */
static void merge_source(struct fs_meta *d, const struct fs_meta *s)
{
	size_t n = strlen(d->source);

	if (!s->source[0] || strcmp(d->source, s->source) == 0)
		return;
	if (!n)
		memcpy(d->source, s->source, sizeof(d->source));
	else if (n + 3 + strlen(s->source) < sizeof(d->source)) {
		memcpy(d->source + n, " + ", 3);
		memcpy(d->source + n + 3, s->source, strlen(s->source) + 1);
	}
}

void fs_snapshot_merge(struct fs_snapshot *dst, const struct fs_snapshot *src)
{
	char dname[256], sname[256];
	struct merge m = { dst, src, dname, sname };

	if (!dst || !src || dst == src)
		return;
	snprintf(dname, sizeof(dname), "%s", dst->meta.source[0] ? dst->meta.source : "(first)");
	snprintf(sname, sizeof(sname), "%s", src->meta.source[0] ? src->meta.source : "(second)");
	fs_diags_append(&dst->diags, &src->diags);
	merge_meta(&m);
	for (size_t i = 0; i < src->nr_zones; i++) {
		const struct fs_zone *s = &src->zones[i];
		bool created = !fs_snapshot_zone(dst, s->node, s->name, strlen(s->name), false);
		struct fs_zone *d = fs_snapshot_zone(dst, s->node, s->name, strlen(s->name), true);

		if (!d) {
			mwarn(&m, "Node %d, zone %s not merged: limit of %d zones reached", s->node,
			      s->name, FS_MAX_ZONES);
			continue;
		}
		merge_zone(&m, d, s, created);
	}
	for (size_t i = 0; i < src->nr_nodes; i++) {
		struct fs_node *d = fs_snapshot_node(dst, src->nodes[i].id, true);
		char what[32];

		if (!d)
			continue;
		snprintf(what, sizeof(what), "Node %d", d->id);
		merge_stats(&m, &d->stats, &src->nodes[i].stats, what);
	}
	merge_stats(&m, &dst->vmstat, &src->vmstat, "vmstat");
	merge_stats(&m, &dst->meminfo, &src->meminfo, "meminfo");
	merge_source(&dst->meta, &src->meta);
}

/* ------------------------------------------------------------------ check */

/*
 * NR_FREE_PAGES against the free lists. The two are never the same number:
 * NR_FREE_PAGES is a vmstat counter whose per-cpu deltas are folded in only
 * when they pass the cpu's stat threshold, so it can be off by up to the
 * sum of the thresholds (zoneinfo prints each cpu's "vm stats threshold";
 * up to 125 pages per cpu); free pages on Isolate lists are in the lists but
 * not in the counter; and in /proc the two are read from different files at
 * different moments. The tolerance is therefore the larger of
 *   - 256 pages (1 MiB of 4K pages: the drift of 2 cpus at the largest
 *     threshold, or of 16 cpus at a typical threshold of 16),
 *   - 2% of the free pages (allocation activity between two reads scales
 *     with the zone's size),
 *   - the printed per-cpu thresholds summed (many-cpu machines),
 * plus the free pages on the Isolate lists when known. The 6.18 sample
 * differs by 11 pages (Normal: 137506 vs 137495).
 */
#define FREE_TOL_MIN_PAGES 256
#define FREE_TOL_PERCENT 2

static uint64_t free_tolerance(const struct fs_zone *z)
{
	uint64_t tol = z->free_pages / 100 * FREE_TOL_PERCENT;
	int64_t threshold;

	if (tol < FREE_TOL_MIN_PAGES)
		tol = FREE_TOL_MIN_PAGES;
	if (fs_stats_get(&z->stats, "vm_stats_threshold_sum", &threshold) &&
	    (uint64_t)threshold > tol)
		tol = (uint64_t)threshold;
	if (z->mt_rows & (1u << FS_MT_ISOLATE))
		tol += fs_zone_mt_pages(z, FS_MT_ISOLATE, NULL);
	return tol;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static void cwarn(struct fs_snapshot *s, const struct fs_zone *z, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cwarn(struct fs_snapshot *s, const struct fs_zone *z, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fs_diags_add(&s->diags, FS_SEV_WARNING, s->meta.source[0] ? s->meta.source : "snapshot",
		     0, "Node %d, zone %s: %s", z->node, z->name, msg);
}

/* Sum of the migratetype rows at order o as [lo, lo] (exact) or [lo, inf). */
static uint64_t mt_sum(const struct fs_zone *z, uint32_t rows_expected, int o, bool *exact)
{
	uint64_t sum = 0;

	*exact = (z->mt_rows & rows_expected) == rows_expected;
	for (int mt = 0; mt < FS_MT_COUNT; mt++) {
		uint64_t lo, hi;

		if (!(z->mt_rows & (1u << mt)))
			continue;
		count_range(z->mt_blocks[mt][o], &lo, &hi);
		sum += lo;
		if (hi != lo)
			*exact = false;
	}
	return sum;
}

/*
 * (a) Σ_mt mt_blocks[mt][o] == order_blocks[o]. From one read (a warn_alloc
 * free-area line with its letters) this must hold exactly, up to what the
 * letters leave unknown. buddyinfo and pagetypeinfo are separate reads:
 * between them the allocator splits and merges blocks, each event moving a
 * few blocks between orders, so the comparison is made in pages and may be
 * off by the larger of two maximum-order blocks (a large allocation and a
 * large free) and 2% of the zone's free pages. A pagetypeinfo from another
 * moment or machine, or a misread column, is far beyond that.
 */
static void check_mt_sums(struct fs_snapshot *s, const struct fs_zone *z, int nr_orders,
			  uint32_t rows_expected)
{
	char list[512] = "";
	uint64_t moved = 0, area = fs_zone_area_pages(z), tol;
	bool apart = z->known & FS_ZK_SPLIT_READS;

	for (int o = 0; o < nr_orders; o++) {
		struct fs_count total = z->order_blocks[o];
		bool exact;
		uint64_t sum = mt_sum(z, rows_expected, o, &exact), off;

		if (total.kind != FS_COUNT_EXACT)
			continue;
		off = exact ? absdiff(sum, total.value) : sum > total.value ? sum - total.value : 0;
		if (!off)
			continue;
		moved += off << o;
		list_add(list, sizeof(list), " order %d: %s%" PRIu64 " vs %" PRIu64, o,
			 exact ? "" : ">=", sum, total.value);
	}
	if (!list[0])
		return;
	if (!apart) {
		cwarn(s, z, "free blocks per migratetype do not add up to the per-order totals:%s",
		      list);
		return;
	}
	tol = (uint64_t)2 << (nr_orders - 1);
	if (area / 50 > tol)
		tol = area / 50;
	if (moved > tol)
		cwarn(s, z, "pagetypeinfo rows do not add up to buddyinfo:%s (%" PRIu64 " pages "
		      "differ; reads apart explain at most %" PRIu64 ")", list, moved, tol);
}

static void check_counts(struct fs_snapshot *s, const struct fs_zone *z)
{
	uint64_t area = fs_zone_area_pages(z);

	/* (b) printed with the counts it sums: exact. */
	if ((z->known & FS_ZK_AREA_TOTAL) && (z->known & FS_ZK_ORDER_BLOCKS) &&
	    z->area_total_pages != area)
		cwarn(s, z, "free-area total %" PRIu64 " pages, but the per-order counts add up to "
		      "%" PRIu64, z->area_total_pages, area);
	/* (c) see free_tolerance() */
	if ((z->known & FS_ZK_FREE_PAGES) && (z->known & FS_ZK_ORDER_BLOCKS)) {
		uint64_t tol = free_tolerance(z);
		if (absdiff(z->free_pages, area) > tol)
			cwarn(s, z, "%" PRIu64 " free pages, but the free lists hold %" PRIu64
			      " (more than the %" PRIu64 " pages that counter drift and reads "
			      "apart explain)", z->free_pages, area, tol);
	}
}

/* (d) relations the kernel keeps by construction. NR_FREE_CMA_PAGES and
 * NR_FREE_PAGES drift independently by up to the summed per-cpu thresholds
 * (when zoneinfo printed them); the rest are exact. */
static void check_relations(struct fs_snapshot *s, const struct fs_zone *z)
{
	int64_t drift = 0;

	if (!fs_stats_get(&z->stats, "vm_stats_threshold_sum", &drift) || drift < 0)
		drift = 0;
	if ((z->known & FS_ZK_FREE_CMA) && (z->known & FS_ZK_FREE_PAGES) &&
	    z->free_cma > z->free_pages + (uint64_t)drift)
		cwarn(s, z, "free CMA pages %" PRIu64 " exceed free pages %" PRIu64, z->free_cma,
		      z->free_pages);
	if ((z->known & FS_ZK_WMARK) &&
	    (z->wmark_min > z->wmark_low || z->wmark_low > z->wmark_high))
		cwarn(s, z, "watermarks out of order: min %" PRIu64 ", low %" PRIu64 ", high %"
		      PRIu64 " (expected min <= low <= high)", z->wmark_min, z->wmark_low,
		      z->wmark_high);
	if ((z->known & FS_ZK_MANAGED) && (z->known & FS_ZK_PRESENT) && z->managed > z->present)
		cwarn(s, z, "managed pages %" PRIu64 " exceed present pages %" PRIu64, z->managed,
		      z->present);
	if ((z->known & FS_ZK_PRESENT) && (z->known & FS_ZK_SPANNED) && z->present > z->spanned)
		cwarn(s, z, "present pages %" PRIu64 " exceed spanned pages %" PRIu64, z->present,
		      z->spanned);
	if ((z->known & FS_ZK_PRESENT) && z->present == 0 &&
	    (z->known & (FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS)) && fs_zone_area_pages(z) > 0)
		cwarn(s, z, "free blocks listed, but the zone has no present pages");
}

void fs_snapshot_check(struct fs_snapshot *s)
{
	int nr_orders = fs_snapshot_nr_orders(s);
	uint32_t rows_expected = 0;

	if (nr_orders > FS_MAX_ORDERS)
		nr_orders = FS_MAX_ORDERS;
	if (nr_orders < 1)
		nr_orders = 1;
	/* Rows the kernel printed for some zone are expected for every zone
	 * with rows; a zone lacking one only gives a lower bound. */
	for (size_t i = 0; i < s->nr_zones; i++)
		rows_expected |= s->zones[i].mt_rows;
	for (size_t i = 0; i < s->nr_zones; i++) {
		const struct fs_zone *z = &s->zones[i];

		if ((z->known & FS_ZK_ORDER_BLOCKS) && (z->known & FS_ZK_MT_BLOCKS))
			check_mt_sums(s, z, nr_orders, rows_expected);
		check_counts(s, z);
		check_relations(s, z);
	}
}
