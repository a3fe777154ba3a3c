/*
 * test_engine_util.h - what the engine suites share (tests/test_engine*.c):
 * a seeded random generator, small machines, the mask set, random operations,
 * and a recount of the engine's state from fs_engine_page / fs_engine_pageblock
 * that does not trust fs_engine_check (the engine checking itself).
 *
 * Functions are static inline: each suite uses what it needs.
 */
#ifndef FRAGSCOPE_TEST_ENGINE_UTIL_H
#define FRAGSCOPE_TEST_ENGINE_UTIL_H

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/engine.h"
#include "fragscope/input.h"
#include "fragscope/kprofile.h"
#include "fragscope/snapshot.h"
#include "fragscope/verdict.h"

/* ---- seeded randomness (splitmix64: the same seed, the same run) ---- */

struct te_rng {
	uint64_t s;
};

static inline uint64_t te_next(struct te_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static inline uint64_t te_below(struct te_rng *r, uint64_t n)
{
	return n ? te_next(r) % n : 0;
}

/* The seed: TE_SEED in the environment replays a run, else the default. */
static inline uint64_t te_seed(uint64_t dflt)
{
	const char *s = getenv("TE_SEED");
	return s && *s ? strtoull(s, NULL, 0) : dflt;
}

/* ---- machines ---- */

static inline void te_zone(struct fs_engine_machine *m, int node, const char *name,
			   uint64_t start, uint64_t spanned, uint64_t managed, uint64_t cma)
{
	cr_assert_lt(m->nr_zones, FS_ENGINE_MAX_ZONES);
	struct fs_engine_zone_spec *z = &m->zones[m->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	snprintf(z->name, sizeof(z->name), "%s", name);
	z->start_pfn = start;
	z->spanned = spanned;
	z->managed = managed;
	z->cma_pages = cma;
}

static inline void te_machine_init(struct fs_engine_machine *m, const char *release)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->kernel_release, sizeof(m->kernel_release), "%s", release);
	m->page_size = 4096;
	m->pageblock_order = 9;
	snprintf(m->hostname, sizeof(m->hostname), "test");
}

/* The small machines of the property and invariant runs (4 KiB pages, pageblock
 * order 9, 11 orders). Sizes are kept small so that thousands of states
 * (snapshot + verdict + clone + alloc each) stay within seconds. */
enum te_machine_kind {
	TE_M_NORMAL,            /* one Normal zone, 64 Ki pages (256 MiB) */
	TE_M_DMA32_NORMAL,      /* DMA32 60 Ki pages + Normal 64 Ki pages */
	TE_M_CMA,               /* Normal 64 Ki pages with a 16 Ki-page CMA area */
	TE_M_NUMA,              /* node 0 DMA32 + Normal, node 1 Normal */
	TE_M_EDGES,             /* DMA from pfn 1 (unaligned), DMA32, Normal with reserved pages */
	TE_M_KINDS
};
static const char *const te_machine_names[TE_M_KINDS] = {
	"Normal 64Ki", "DMA32+Normal", "Normal+CMA 16Ki", "NUMA 2 nodes",
	"DMA@1+DMA32+Normal-reserved",
};

static inline void te_machine(struct fs_engine_machine *m, enum te_machine_kind k,
			      const char *release)
{
	te_machine_init(m, release);
	switch (k) {
	case TE_M_NORMAL:
		te_zone(m, 0, "Normal", 262144, 65536, 0, 0);
		break;
	case TE_M_DMA32_NORMAL:
		te_zone(m, 0, "DMA32", 4096, 61440, 0, 0);
		te_zone(m, 0, "Normal", 65536, 65536, 0, 0);
		break;
	case TE_M_CMA:
		te_zone(m, 0, "Normal", 262144, 65536, 0, 16384);
		break;
	case TE_M_NUMA:
		te_zone(m, 0, "DMA32", 4096, 28672, 0, 0);
		te_zone(m, 0, "Normal", 32768, 32768, 0, 0);
		te_zone(m, 1, "Normal", 65536, 65536, 0, 0);
		break;
	case TE_M_EDGES:
		te_zone(m, 0, "DMA", 1, 4095, 3840, 0);
		te_zone(m, 0, "DMA32", 4096, 28672, 0, 0);
		te_zone(m, 0, "Normal", 32768, 40960, 38000, 0);
		break;
	case TE_M_KINDS:
		break;
	}
}

static inline struct fs_engine *te_new(const struct fs_engine_machine *m, uint64_t seed)
{
	struct fs_engine_options o = { .profile = NULL, .config = NULL, .seed = seed };
	struct fs_diags d = { 0 };
	struct fs_engine *e = fs_engine_new(m, &o, &d);
	if (!e)
		for (size_t i = 0; i < d.count; i++)
			cr_log_error("fs_engine_new: %s", d.items[i].message);
	cr_assert_not_null(e, "fs_engine_new failed for %s", m->kernel_release);
	fs_diags_clear(&d);
	return e;
}

/* ---- masks ---- */

#define TE_NR_BASE_MASKS 9
static const char *const te_base_masks[TE_NR_BASE_MASKS] = {
	"GFP_KERNEL", "GFP_ATOMIC", "GFP_NOWAIT", "GFP_HIGHUSER_MOVABLE",
	"GFP_KERNEL|__GFP_NORETRY", "GFP_TRANSHUGE_LIGHT", "GFP_KERNEL|__GFP_DMA32",
	"GFP_DMA32", "GFP_KERNEL|__GFP_RECLAIMABLE",
};
/* base x {plain, |__GFP_COMP, |__GFP_NOWARN, |__GFP_COMP|__GFP_NOWARN} */
#define TE_NR_MASKS (TE_NR_BASE_MASKS * 4)

struct te_masks {
	uint64_t mask[TE_NR_MASKS];
	char text[TE_NR_MASKS][80];
};

static inline uint64_t te_parse(const struct fs_engine *e, const char *text)
{
	uint64_t m = 0;
	char unknown[96] = "";
	bool ok = fs_gfp_parse(fs_engine_profile(e), fs_engine_config(e), text, &m, unknown,
			       sizeof(unknown));
	cr_assert(ok, "profile %s: cannot parse %s (unknown: %s)", fs_engine_profile(e)->name,
		  text, unknown);
	return m;
}

static inline void te_masks_init(struct te_masks *ms, const struct fs_engine *e)
{
	static const char *const mods[4] = { "", "|__GFP_COMP", "|__GFP_NOWARN",
					     "|__GFP_COMP|__GFP_NOWARN" };
	for (int b = 0; b < TE_NR_BASE_MASKS; b++)
		for (int k = 0; k < 4; k++) {
			int i = b * 4 + k;
			snprintf(ms->text[i], sizeof(ms->text[i]), "%s%s", te_base_masks[b],
				 mods[k]);
			ms->mask[i] = te_parse(e, ms->text[i]);
		}
}

/* Orders 0..10, weighted to the small ones as real workloads are. */
static inline int te_order(struct te_rng *r, int nr_orders)
{
	uint64_t x = te_below(r, 100);
	int o = x < 45 ? 0 : x < 70 ? 1 + (int)te_below(r, 3) : x < 92 ? 4 + (int)te_below(r, 6)
								  : 10;
	return o < nr_orders ? o : nr_orders - 1;
}

/* ---- the engine's state, summed ---- */

static inline void te_totals(const struct fs_engine *e, uint64_t *managed,
			     uint64_t *free_pages)
{
	*managed = *free_pages = 0;
	for (size_t z = 0; z < fs_engine_nr_zones(e); z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, z, &zi);
		*managed += zi.managed;
		*free_pages += zi.free_pages;
	}
}

static inline void te_label(const struct fs_engine *e, int zone, char *out, size_t size)
{
	if (zone < 0) {
		snprintf(out, size, "(none)");
		return;
	}
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, (size_t)zone, &zi);
	snprintf(out, size, "Node %d %s", zi.node, zi.name);
}

/* One line per zone: free, pcp, per-order free blocks; for counterexamples. */
static inline void te_log_state(const struct fs_engine *e)
{
	struct fs_snapshot *s = fs_engine_snapshot(e);
	for (size_t i = 0; s && i < s->nr_zones; i++) {
		const struct fs_zone *z = &s->zones[i];
		char line[512];
		int n = snprintf(line, sizeof(line), "  Node %d %-7s free %" PRIu64 " min %" PRIu64
				 " low %" PRIu64 " high %" PRIu64 " cma %" PRIu64 " ha %" PRIu64
				 " pcp %" PRIu64 " |", z->node, z->name, z->free_pages,
				 z->wmark_min, z->wmark_low, z->wmark_high, z->free_cma,
				 z->reserved_highatomic, z->free_pcp);
		for (int o = 0; o < FS_MAX_ORDERS && z->order_blocks[o].kind && n < 480; o++)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %" PRIu64,
				      z->order_blocks[o].value);
		cr_log_info("%s", line);
	}
	fs_snapshot_free(s);
}

/* ---- random operations ---- */

static inline bool te_is_allocated(enum fs_page_kind k)
{
	return k == FS_PAGE_KERNEL || k == FS_PAGE_ANON || k == FS_PAGE_FILE || k == FS_PAGE_SLAB;
}

/* The kind a random allocation makes: movable masks make anon or page cache
 * (so that both compaction and reclaim have work), others the default. */
static inline int te_kind_for(const struct fs_engine *e, uint64_t gfp, struct te_rng *r)
{
	uint64_t mov = fs_gfp_bit(fs_engine_profile(e), fs_engine_config(e), FS_GFP_MOVABLE);
	if (mov && (gfp & mov))
		return te_below(r, 2) ? FS_PAGE_FILE : FS_PAGE_ANON;
	return -1;
}

static inline bool te_alloc(struct fs_engine *e, uint64_t gfp, int order, int kind,
		     struct fs_alloc_result *res)
{
	struct fs_alloc_request req = { .gfp = gfp, .order = order, .node = -1, .kind = kind };
	fs_alloc_result_clear(res);
	fs_alloc_result_init(res);
	return fs_engine_alloc(e, &req, res);
}

/* Free one random allocation: probe random pfns for an allocated page. False
 * when none was found in 64 probes. The result's head/order must match what
 * fs_engine_page said. */
static inline bool te_free_random(struct fs_engine *e, struct te_rng *r)
{
	size_t nz = fs_engine_nr_zones(e);
	for (int probe = 0; probe < 64; probe++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, te_below(r, nz), &zi);
		if (zi.end_pfn <= zi.start_pfn)
			continue;
		uint64_t pfn = zi.start_pfn + te_below(r, zi.end_pfn - zi.start_pfn);
		struct fs_page_info pi;
		if (!fs_engine_page(e, pfn, &pi) || !te_is_allocated(pi.kind))
			continue;
		struct fs_free_result fr;
		memset(&fr, 0, sizeof(fr));
		bool ok = fs_engine_free_page(e, pfn, &fr);
		cr_assert(ok, "free of allocated pfn %" PRIu64 " (%s, head %" PRIu64 " order %d) "
			  "failed: %s", pfn, fs_page_kind_name(pi.kind), pi.head, pi.order,
			  fr.reason);
		cr_assert_eq(fr.head, pi.head, "free pfn %" PRIu64 ": head %" PRIu64 ", page said %"
			     PRIu64, pfn, fr.head, pi.head);
		cr_assert_eq(fr.order, pi.order, "free pfn %" PRIu64 ": order %d, page said %d", pfn,
			     fr.order, pi.order);
		cr_assert_geq(fr.merged_order, fr.order);
		return true;
	}
	return false;
}

/* ---- the independent recount ---- */

/* Some violations are reported once per test instead of at every operation
 * (the test still fails), so that a run goes on and finds the others. */
static bool te_once_kinds, te_once_managed, te_once_check, te_once_unmerged;

struct te_count {
	uint64_t blocks[FS_MT_COUNT][FS_MAX_ORDERS];
	uint64_t free_pages_buddy;      /* pages in free buddy blocks */
	uint64_t kind_pages[FS_PAGE_KINDS];
	uint64_t free_cma, free_highatomic;
	uint64_t pageblocks[FS_MT_COUNT];
	uint64_t pageblock_pages;       /* sum of nr_pages over the pageblocks */
};

/* __free_one_page at order >= pageblock_order: 5.18+ (1dd214b8f21c "mm: page_alloc: avoid
 * merging non-fallbackable pageblocks with others", Zi Yan) refuses to merge a
 * non-mergeable type (HighAtomic, CMA, Isolate: migratetype_is_mergeable() is
 * mt < MIGRATE_PCPTYPES) with another type; before, only Isolate (and CMA areas
 * are max-order aligned). The engine applies the 5.18 rule in every version
 * (docs/engine.md), and so does this recount. */
static inline bool te_no_merge_across(const struct fs_engine *e, enum fs_mt a, enum fs_mt b)
{
	(void)e;
	if (a == b)
		return false;
	return a == FS_MT_CMA || b == FS_MT_CMA || a == FS_MT_ISOLATE || b == FS_MT_ISOLATE ||
	       a == FS_MT_HIGHATOMIC || b == FS_MT_HIGHATOMIC;
}

/*
 * Walk every page of zone z: free blocks aligned, inside the zone, of a valid
 * order, every page of a block saying the same head and order, no free buddy
 * of the same order left unmerged (except across CMA/Isolate boundaries at
 * pageblock order and above). Fills c. Fails the test (with ctx) on a
 * violation.
 */
static inline void te_recount_zone(const struct fs_engine *e, size_t z, struct te_count *c,
			    const char *ctx)
{
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, z, &zi);
	memset(c, 0, sizeof(*c));
	char lbl[48];
	te_label(e, (int)z, lbl, sizeof(lbl));
	uint64_t pfn = zi.start_pfn;
	while (pfn < zi.end_pfn) {
		struct fs_page_info pi;
		cr_assert(fs_engine_page(e, pfn, &pi), "%s: %s pfn %" PRIu64 " in no zone", ctx,
			  lbl, pfn);
		cr_assert_lt(pi.kind, FS_PAGE_KINDS);
		if (pi.kind != FS_PAGE_FREE) {
			c->kind_pages[pi.kind]++;
			pfn++;
			continue;
		}
		int o = pi.order;
		cr_assert(o >= 0 && o < zi.nr_orders, "%s: %s pfn %" PRIu64 ": free block of order "
			  "%d (nr_orders %d)", ctx, lbl, pfn, o, zi.nr_orders);
		cr_assert_eq(pi.head, pfn, "%s: %s pfn %" PRIu64 ": first page of a free block "
			     "says head %" PRIu64, ctx, lbl, pfn, pi.head);
		uint64_t n = 1ull << o;
		cr_assert_eq(pfn & (n - 1), 0, "%s: %s free block at %" PRIu64 " of order %d is not "
			     "aligned", ctx, lbl, pfn, o);
		cr_assert_leq(pfn + n, zi.end_pfn, "%s: %s free block %" PRIu64 " order %d runs "
			      "past the zone's end %" PRIu64, ctx, lbl, pfn, o, zi.end_pfn);
		for (uint64_t i = 1; i < n; i++) {
			struct fs_page_info q;
			cr_assert(fs_engine_page(e, pfn + i, &q));
			cr_assert(q.kind == FS_PAGE_FREE && q.head == pfn && q.order == o,
				  "%s: %s pfn %" PRIu64 " inside free block %" PRIu64 "/%d says %s "
				  "head %" PRIu64 " order %d (overlap)", ctx, lbl, pfn + i, pfn, o,
				  fs_page_kind_name(q.kind), q.head, q.order);
		}
		enum fs_mt mt = pi.pageblock_mt;
		cr_assert_lt(mt, FS_MT_COUNT);
		c->blocks[mt][o]++;
		c->free_pages_buddy += n;
		c->kind_pages[FS_PAGE_FREE] += n;
		if (mt == FS_MT_CMA)
			c->free_cma += n;
		if (mt == FS_MT_HIGHATOMIC)
			c->free_highatomic += n;
		if (o + 1 < zi.nr_orders) {
			uint64_t buddy = pfn ^ n;
			struct fs_page_info b;
			if (buddy >= zi.start_pfn && buddy + n <= zi.end_pfn &&
			    fs_engine_page(e, buddy, &b) && b.kind == FS_PAGE_FREE &&
			    b.head == buddy && b.order == o &&
			    !(o >= zi.pageblock_order && te_no_merge_across(e, mt, b.pageblock_mt)) &&
			    !te_once_unmerged) {
				te_once_unmerged = true;
				cr_expect_fail("%s: %s free buddies %" PRIu64 " and %" PRIu64 " of order %d "
					       "(%s, %s) left unmerged (profile %s; reported once)", ctx,
					       lbl, pfn, buddy, o, fs_mt_name(mt),
					       fs_mt_name(b.pageblock_mt), fs_engine_profile(e)->name);
			}
		}
		pfn += n;
	}
	/* Pageblock 0 starts at the zone's start aligned down to the largest order
	 * (the engine's slot base; engine.h does not say, engine_priv.h does). A
	 * pageblock of type FS_MT_COUNT is a hole the kernel does not count
	 * (pagetypeinfo skips pfns without a memmap): all its pages are reserved. */
	uint64_t pb_pages = 1ull << zi.pageblock_order;
	uint64_t pb_base = zi.start_pfn & ~((1ull << (zi.nr_orders - 1)) - 1);
	for (uint64_t pb = 0; pb < zi.nr_pageblocks; pb++) {
		struct fs_pageblock_info bi;
		fs_engine_pageblock(e, z, pb, &bi);
		cr_assert_leq(bi.mt, FS_MT_COUNT);
		c->pageblock_pages += bi.nr_pages;
		uint32_t sum = 0;
		for (int k = 0; k < FS_PAGE_KINDS; k++)
			sum += bi.kind_pages[k];
		cr_assert_eq(sum, bi.nr_pages, "%s: %s pageblock %" PRIu64 ": kinds add up to %u, "
			     "not its %u pages", ctx, lbl, pb, sum, bi.nr_pages);
		if (bi.mt == FS_MT_COUNT) {
			cr_assert_eq(bi.kind_pages[FS_PAGE_RESERVED], bi.nr_pages, "%s: %s hole "
				     "pageblock %" PRIu64 " has pages that are not reserved", ctx,
				     lbl, pb);
			continue;
		}
		if (bi.nr_pages == 0)
			continue;
		c->pageblocks[bi.mt]++;
		/* its pages say the same migratetype */
		uint64_t first = pb_base + pb * pb_pages;
		if (first < zi.start_pfn)
			first = zi.start_pfn;
		struct fs_page_info pi;
		cr_assert(fs_engine_page(e, first, &pi), "%s: %s pageblock %" PRIu64 " first pfn %"
			  PRIu64 " in no zone", ctx, lbl, pb, first);
		cr_assert_eq(pi.pageblock_mt, bi.mt, "%s: %s pageblock %" PRIu64 " is %s, its page %"
			     PRIu64 " says %s", ctx, lbl, pb, fs_mt_name(bi.mt), first,
			     fs_mt_name(pi.pageblock_mt));
		/* largest_free_order: at least the order of a free block starting here */
		if (pi.kind == FS_PAGE_FREE && pi.head == first)
			cr_assert_geq(bi.largest_free_order, pi.order > zi.pageblock_order
				      ? zi.pageblock_order : pi.order, "%s: %s pageblock %" PRIu64
				      " largest_free_order %d, free block of order %d at its start",
				      ctx, lbl, pb, bi.largest_free_order, pi.order);
	}
}

static inline const struct fs_zone *te_snap_zone(const struct fs_snapshot *s, int node,
					  const char *name)
{
	for (size_t i = 0; i < s->nr_zones; i++)
		if (s->zones[i].node == node && strcmp(s->zones[i].name, name) == 0)
			return &s->zones[i];
	return NULL;
}

/*
 * NR_FREE_PAGES minus the pages on the free lists, per zone: 0 for a machine
 * from fs_engine_new; for a loaded one what the snapshot's counter had beyond
 * its lists (per-cpu counter drift: the 24g sample's Normal zone has 11), which
 * stays as it is through every operation. Recorded per engine right after a
 * load with te_drift_record.
 */
struct te_drift {
	const struct fs_engine *e;
	int64_t d[FS_ENGINE_MAX_ZONES];
};
static struct te_drift te_drifts[8];

static inline int64_t te_buddy_pages(const struct fs_engine *e, size_t z)
{
	struct fs_snapshot *s = fs_engine_snapshot(e);
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, z, &zi);
	const struct fs_zone *sz = NULL;
	for (size_t i = 0; s && i < s->nr_zones; i++)
		if (s->zones[i].node == zi.node && strcmp(s->zones[i].name, zi.name) == 0)
			sz = &s->zones[i];
	int64_t pages = 0;
	for (int o = 0; sz && o < FS_MAX_ORDERS; o++)
		pages += (int64_t)(sz->order_blocks[o].value << o);
	fs_snapshot_free(s);
	return pages;
}

static inline void te_drift_record(const struct fs_engine *e)
{
	for (size_t i = 0; i < sizeof(te_drifts) / sizeof(te_drifts[0]); i++)
		if (!te_drifts[i].e || te_drifts[i].e == e) {
			te_drifts[i].e = e;
			for (size_t z = 0; z < fs_engine_nr_zones(e) && z < FS_ENGINE_MAX_ZONES; z++) {
				struct fs_engine_zone_info zi;
				fs_engine_zone_info(e, z, &zi);
				te_drifts[i].d[z] = (int64_t)zi.free_pages - te_buddy_pages(e, z);
			}
			return;
		}
	cr_assert_fail("te_drifts is full");
}

static inline void te_drift_forget(const struct fs_engine *e)
{
	for (size_t i = 0; i < sizeof(te_drifts) / sizeof(te_drifts[0]); i++)
		if (te_drifts[i].e == e)
			te_drifts[i].e = NULL;
}

static inline int64_t te_drift_of(const struct fs_engine *e, size_t z)
{
	for (size_t i = 0; i < sizeof(te_drifts) / sizeof(te_drifts[0]); i++)
		if (te_drifts[i].e == e)
			return te_drifts[i].d[z];
	return 0;
}


/*
 * The recount against the engine's own figures and its snapshot: free blocks
 * per migratetype x order and per order, free pages = buddy pages + drift,
 * allocated + free + per-cpu pages = managed, kinds, free CMA and HighAtomic,
 * pageblocks per type; plus fs_engine_check.
 */
static inline void te_verify(const struct fs_engine *e, const char *ctx)
{
	char why[512] = "";
	if (!fs_engine_check(e, why, sizeof(why)) && !te_once_check) {
		te_once_check = true;
		cr_expect_fail("%s: fs_engine_check: %s (profile %s; reported once)", ctx, why,
			       fs_engine_profile(e)->name);
	}
	struct fs_snapshot *s = fs_engine_snapshot(e);
	cr_assert_not_null(s, "%s: no snapshot", ctx);
	for (size_t z = 0; z < fs_engine_nr_zones(e); z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, z, &zi);
		struct te_count c;
		te_recount_zone(e, z, &c, ctx);
		char lbl[48];
		te_label(e, (int)z, lbl, sizeof(lbl));
		int64_t drift = te_drift_of(e, z);
		cr_assert_eq((int64_t)zi.free_pages, (int64_t)c.free_pages_buddy + drift, "%s: %s "
			     "free pages %" PRIu64 " != free blocks %" PRIu64 " + drift %" PRId64
			     " (pcp %" PRIu64 ")", ctx, lbl, zi.free_pages, c.free_pages_buddy,
			     drift, zi.pcp_pages);
		cr_assert_eq(c.kind_pages[FS_PAGE_PCP], zi.pcp_pages, "%s: %s pcp pages", ctx, lbl);
		uint64_t in_buddy = 0;
		for (int k = 0; k < FS_PAGE_KINDS; k++)
			if (k != FS_PAGE_RESERVED)
				in_buddy += c.kind_pages[k];
		if (in_buddy != zi.managed && !te_once_managed) {
			te_once_managed = true;
			cr_expect_fail("%s: %s free + per-cpu + allocated pages = %" PRIu64 ", managed %"
				       PRIu64 " (reported once)", ctx, lbl, in_buddy, zi.managed);
		}
		for (int k = 0; k < FS_PAGE_KINDS; k++)
			if (c.kind_pages[k] != zi.kind_pages[k] && !te_once_kinds) {
				te_once_kinds = true;
				cr_expect_fail("%s: %s %s pages: recount %" PRIu64 ", engine %" PRIu64
					       " (reported once)", ctx, lbl, fs_page_kind_name(k),
					       c.kind_pages[k], zi.kind_pages[k]);
			}
		cr_assert_eq(c.pageblock_pages, zi.end_pfn - zi.start_pfn, "%s: %s pageblocks hold "
			     "%" PRIu64 " pages, the zone spans %" PRIu64, ctx, lbl,
			     c.pageblock_pages, zi.end_pfn - zi.start_pfn);
	const struct fs_zone *sz = te_snap_zone(s, zi.node, zi.name);
		cr_assert_not_null(sz, "%s: snapshot lacks %s", ctx, lbl);
		cr_assert_eq(sz->free_pages, zi.free_pages, "%s: %s snapshot free %" PRIu64
			     " != engine %" PRIu64, ctx, lbl, sz->free_pages, zi.free_pages);
		cr_assert_eq(sz->managed, zi.managed, "%s: %s managed", ctx, lbl);
		cr_assert_eq(sz->free_cma, c.free_cma, "%s: %s free_cma %" PRIu64 " != recount %"
			     PRIu64, ctx, lbl, sz->free_cma, c.free_cma);
		if (sz->known & FS_ZK_FREE_HIGHATOMIC)
			cr_assert_eq(sz->free_highatomic, c.free_highatomic, "%s: %s free_highatomic",
				     ctx, lbl);
		for (int o = 0; o < zi.nr_orders; o++) {
			uint64_t sum = 0;
			for (int mt = 0; mt < FS_MT_COUNT; mt++) {
				sum += c.blocks[mt][o];
				uint64_t snapv = (sz->mt_rows & (1u << mt)) ? sz->mt_blocks[mt][o].value
									    : 0;
				cr_assert_eq(snapv, c.blocks[mt][o], "%s: %s %s order %d: snapshot %"
					     PRIu64 " != recount %" PRIu64, ctx, lbl, fs_mt_name(mt),
					     o, snapv, c.blocks[mt][o]);
				if (sz->mt_rows & (1u << mt))
					cr_assert_eq(sz->mt_blocks[mt][o].kind, FS_COUNT_EXACT);
			}
			cr_assert_eq(sz->order_blocks[o].value, sum, "%s: %s order %d: snapshot %"
				     PRIu64 " != recount %" PRIu64, ctx, lbl, o,
				     sz->order_blocks[o].value, sum);
			cr_assert_eq(sz->order_blocks[o].kind, FS_COUNT_EXACT);
		}
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			cr_assert_eq(sz->pageblocks[mt], c.pageblocks[mt], "%s: %s %s pageblocks: "
				     "snapshot %" PRIu64 " != recount %" PRIu64, ctx, lbl,
				     fs_mt_name(mt), sz->pageblocks[mt], c.pageblocks[mt]);
	}
	fs_snapshot_free(s);
}

/* ---- the real samples (tests/fixtures), loaded ---- */

#define TE_S24 FS_FIXTURES "/samples/x86_64-6.18-vm-24g."
static const char *const vm24g[] = {
	TE_S24 "buddyinfo", TE_S24 "pagetypeinfo", TE_S24 "zoneinfo", TE_S24 "vmstat",
	TE_S24 "meminfo", TE_S24 "uname",
};
#define TE_LIVE FS_FIXTURES "/live-this-machine/"
static const char *const live[] = {
	TE_LIVE "buddyinfo", TE_LIVE "pagetypeinfo", TE_LIVE "zoneinfo", TE_LIVE "vmstat",
	TE_LIVE "meminfo", TE_LIVE "uname",
};
static const char *const android[] = {
	FS_FIXTURES "/samples/android-4.19-arm64-wifi-order3-atomic-cma.log",
};

/* The first frame's snapshot of the files; owned by the caller. */
static inline struct fs_snapshot *load_first(const char *const *paths, size_t n)
{
	struct fs_frame_list frames = { 0 };
	struct fs_diags d = { 0 };
	cr_assert_eq(fs_input_load(paths, n, &frames, &d), 0, "cannot load %s", paths[0]);
	struct fs_snapshot *s = NULL;
	for (size_t i = 0; i < frames.count && !s; i++)
		if (frames.items[i].snapshot)
			s = fs_snapshot_clone(frames.items[i].snapshot);
	cr_assert_not_null(s, "%s gave no snapshot", paths[0]);
	fs_frame_list_free(&frames);
	fs_diags_clear(&d);
	return s;
}

#endif
