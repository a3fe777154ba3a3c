/*
 * engine_reclaim.c - what frees and moves memory on the engine: direct
 * reclaim and kswapd (a clock over the zone's pages frees page cache, and
 * for kswapd slab too), per-cpu drains, and compaction with the kernel's two
 * scanners (kernel-rules §11).
 */
#include "engine_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fragscope/util.h"

static void release_alloc(struct fs_engine *e, struct ezone *z, uint64_t slot)
{
	uint8_t b = z->page[slot];
	int order = PAGE_ORDER(b), merged;
	slot &= ~((1ull << order) - 1);
	z->kind_pages[PAGE_KIND(b)] -= 1ull << order;
	eng_release(e, z, slot, order, &merged);
}

/* The LRU is a clock: reclaim goes on where it stopped, so the pages it
 * frees are spread over the zone as the kernel's are (oldest first, which
 * has no relation to their address). */
uint64_t eng_reclaim_zone(struct fs_engine *e, struct ezone *z, uint64_t want, bool slab,
			  struct fs_reclaim_result *r)
{
	uint64_t got = 0;
	if (!z->nr_slots || !(z->kind_pages[FS_PAGE_FILE] + (slab ? z->kind_pages[FS_PAGE_SLAB] : 0)))
		return 0;
	for (uint64_t n = 0; n < z->nr_slots && got < want; n++) {
		uint64_t s = z->reclaim_hand;
		z->reclaim_hand = (z->reclaim_hand + 1) % z->nr_slots;
		enum fs_page_kind k = PAGE_KIND(z->page[s]);
		if (k != FS_PAGE_FILE && !(slab && k == FS_PAGE_SLAB))
			continue;
		r->scanned++;
		int order = PAGE_ORDER(z->page[s]);
		uint64_t pages = 1ull << order;
		uint64_t head = s & ~(pages - 1);
		release_alloc(e, z, s);
		if (e->move_hook)
			e->move_hook(e->move_ctx, z->base + head, UINT64_MAX, order);
		got += pages;
		if (k == FS_PAGE_FILE)
			r->file += pages;
		else
			r->slab += pages;
	}
	r->reclaimed += got;
	return got;
}

void fs_engine_reclaim(struct fs_engine *e, int zone, uint64_t nr_pages,
		       struct fs_reclaim_result *r)
{
	memset(r, 0, sizeof(*r));
	if (nr_pages < 32)
		nr_pages = 32;
	for (size_t i = e->nr_zones; i-- > 0 && r->reclaimed < nr_pages;)
		if (zone < 0 || (size_t)zone == i)
			eng_reclaim_zone(e, &e->zones[i], nr_pages - r->reclaimed, false, r);
	e->stats.direct_reclaimed += r->reclaimed;
	snprintf(r->reason, sizeof(r->reason), "direct reclaim freed %" PRIu64 " of %" PRIu64
		 " pages asked (page cache; anonymous memory needs swap, which the engine has not)",
		 r->reclaimed, nr_pages);
}

uint64_t fs_engine_drain(struct fs_engine *e)
{
	uint64_t n = 0;
	for (size_t i = 0; i < e->nr_zones; i++) {
		struct ezone *z = &e->zones[i];
		if (!z->kind_pages[FS_PAGE_PCP])
			continue;
		for (uint64_t s = 0; s < z->nr_slots; s++)
			if (PAGE_KIND(z->page[s]) == FS_PAGE_PCP) {
				release_alloc(e, z, s);
				n++;
			}
	}
	return n;
}

/* zone_balanced: the high watermark (boost included, as printed) at order 0. */
static bool zone_balanced(const struct fs_engine *e, const struct ezone *z)
{
	struct fs_wmark_result w;
	return fs_zone_watermark_ok(e->profile, &z->rz, 0, FS_WMARK_HIGH,
				    eng_kernel_zone_index(e, z->rank), 0, &w);
}

void fs_engine_kswapd(struct fs_engine *e, int node, int order, struct fs_reclaim_result *r)
{
	memset(r, 0, sizeof(*r));
	e->stats.kswapd_runs++;
	bool balanced = true;
	for (size_t i = e->nr_zones; i-- > 0;) {
		struct ezone *z = &e->zones[i];
		if ((node >= 0 && z->node != node) || !z->managed)
			continue;
		while (!zone_balanced(e, z)) {
			if (!eng_reclaim_zone(e, z, 32, true, r))
				break;
		}
		bool ok = zone_balanced(e, z);
		balanced &= ok;
		if (ok && z->rz.boost)
			eng_set_boost(z, 0);    /* balance_pgdat: the boost is spent */
		if (order > 0 && z->rank <= 2) {     /* kcompactd for the order it was woken for */
			struct fs_compaction_result cr;
			memset(&cr, 0, sizeof(cr));
			struct fs_wmark_result w;
			if (!fs_zone_watermark_ok(e->profile, &z->rz, order, FS_WMARK_MIN,
						  eng_kernel_zone_index(e, z->rank), 0, &w))
				eng_compact_zone(e, z, FS_MT_MOVABLE, order, 0,
						 eng_kernel_zone_index(e, z->rank), FS_COMPACT_SYNC, &cr);
		}
	}
	r->balanced = balanced;
	e->stats.kswapd_reclaimed += r->reclaimed;
	snprintf(r->reason, sizeof(r->reason), "kswapd%s%d reclaimed %" PRIu64 " pages (%" PRIu64
		 " page cache, %" PRIu64 " slab): %s", node >= 0 ? " on node " : " (all nodes) ",
		 node >= 0 ? node : 0, r->reclaimed, r->file, r->slab,
		 balanced ? "balanced (every zone above high)"
			  : "not balanced: nothing reclaimable is left");
}

void fs_engine_advance(struct fs_engine *e, double seconds)
{
	if (seconds > 0)
		e->time += seconds;
	for (int n = 0; n < 64; n++) {
		if (!e->kswapd_pending[n])
			continue;
		e->kswapd_pending[n] = false;
		struct fs_reclaim_result r;
		fs_engine_kswapd(e, n, e->kswapd_order, &r);
	}
	e->kswapd_order = 0;
}

/* ---- compaction ------------------------------------------------------------- */

struct scanners {
	struct fs_engine *e;
	struct ezone *z;
	uint64_t migrate_pb, free_pb;   /* the free scanner works down from free_pb */
	int target_limit;               /* free blocks at or above this order are not targets */
	struct fs_compaction_result *r;
};

static bool movable_block(enum fs_mt mt)
{
	return mt == FS_MT_MOVABLE || mt == FS_MT_CMA;
}

/* A free page in the free scanner's region to migrate into: the highest free
 * block below the limit in a Movable or CMA pageblock above the migrate scanner. */
static bool free_target(struct scanners *sc, uint64_t *slot)
{
	struct fs_engine *e = sc->e;
	struct ezone *z = sc->z;
	while (sc->free_pb > sc->migrate_pb) {
		uint64_t pb = sc->free_pb;
		if (z->pb_mt[pb] != HOLE_PB && movable_block((enum fs_mt)z->pb_mt[pb])) {
			uint64_t first = pb << e->pageblock_order;
			for (uint64_t s = first + pb_pages(e); s-- > first;) {
				if (z->page[s] != 0)
					continue;
				sc->r->free_scanned++;
				uint64_t head;
				int order;
				if (!eng_free_block_of(e, z, s, &head, &order))
					continue;
				if (order >= sc->target_limit) {
					s = head;       /* skip the whole block */
					continue;
				}
				eng_take(e, z, head, order, 0);
				*slot = head;
				return true;
			}
		}
		sc->free_pb--;
	}
	return false;
}

static bool source_block(const struct scanners *sc, enum fs_mt want, enum fs_compact_mode mode)
{
	uint8_t t = sc->z->pb_mt[sc->migrate_pb];
	if (t == HOLE_PB)
		return false;
	if (mode == FS_COMPACT_SYNC)
		return true;
	return want == FS_MT_MOVABLE ? movable_block((enum fs_mt)t) : t == want;
}

/* compact_finished: a block of the order on a list the request may use, and
 * the zone above its watermark for it. */
static bool order_ready(struct fs_engine *e, struct ezone *z, enum fs_mt mt, int order,
			unsigned flags, int classzone)
{
	struct fs_wmark_result w;
	if (!fs_zone_watermark_ok(e->profile, &z->rz, order, FS_WMARK_MIN, classzone, flags, &w))
		return false;
	struct fs_pick pick;
	return fs_freelist_pick(e->profile, &z->rz, order, mt, flags, &pick) &&
	       (pick.how != FS_PICK_FALLBACK || pick.order >= e->pageblock_order);
}

void eng_compact_zone(struct fs_engine *e, struct ezone *z, enum fs_mt mt, int order,
		      unsigned alloc_flags, int classzone, enum fs_compact_mode mode,
		      struct fs_compaction_result *r)
{
	struct scanners sc = { .e = e, .z = z, .migrate_pb = 0, .r = r };
	sc.free_pb = z->nr_pb ? z->nr_pb - 1 : 0;
	/* 6.12+: no free block of the requested order or above is broken up for
	 * targets; before, none of pageblock order or above (kernel-rules §11.2) */
	bool newer = e->profile->major > 6 || (e->profile->major == 6 && e->profile->minor >= 12);
	sc.target_limit = newer && order > 0 ? order : e->pageblock_order;
	if (order > 0) {
		struct fs_compact_result cr;
		r->suit = fs_compaction_suitable(e->profile, &z->rz, order, classzone, alloc_flags, &cr);
		if (r->suit != FS_COMPACT_CONTINUE) {
			r->order_available = r->suit == FS_COMPACT_SUCCESS;
			snprintf(r->reason, sizeof(r->reason), "Node %d %s: compaction not run (%s)",
				 z->node, z->name, r->suit == FS_COMPACT_SUCCESS
				 ? "the order is already available"
				 : r->suit == FS_COMPACT_SKIPPED ? "not enough free memory: reclaim first"
				 : "fragindex: a lack of memory, not fragmentation");
			return;
		}
	} else {
		r->suit = FS_COMPACT_CONTINUE;
		mode = FS_COMPACT_SYNC;
	}
	bool out_of_targets = false;
	for (; sc.migrate_pb < sc.free_pb && !out_of_targets; sc.migrate_pb++) {
		if (!source_block(&sc, mt, mode))
			continue;
		uint64_t first = sc.migrate_pb << e->pageblock_order;
		for (uint64_t s = first; s < first + pb_pages(e); s++) {
			uint8_t b = z->page[s];
			enum fs_page_kind k = PAGE_KIND(b);
			if ((k != FS_PAGE_ANON && k != FS_PAGE_FILE) || PAGE_ORDER(b) != 0)
				continue;       /* not movable, or compound (not migrated) */
			r->migrate_scanned++;
			uint64_t target;
			if (!free_target(&sc, &target)) {
				r->failed++;
				out_of_targets = true;
				break;
			}
			eng_mark(z, target, 0, k);
			release_alloc(e, z, s);
			r->moved++;
			if (e->move_hook)
				e->move_hook(e->move_ctx, z->base + s, z->base + target, 0);
		}
		if (order > 0 && order_ready(e, z, mt, order, alloc_flags, classzone)) {
			r->order_available = true;
			break;
		}
	}
	r->scanners_met = sc.migrate_pb >= sc.free_pb;
	if (order > 0 && !r->order_available)
		r->order_available = order_ready(e, z, mt, order, alloc_flags, classzone);
	e->stats.compact_migrated += r->moved;
	snprintf(r->reason, sizeof(r->reason), "Node %d %s: %s compaction moved %" PRIu64 " pages "
		 "(%" PRIu64 " looked at by the migrate scanner, %" PRIu64 " by the free scanner)%s; "
		 "order %d %s", z->node, z->name, mode == FS_COMPACT_ASYNC ? "async" : "sync",
		 r->moved, r->migrate_scanned, r->free_scanned,
		 r->scanners_met ? ", the scanners met" : out_of_targets ? ", out of free targets" : "",
		 order, r->order_available ? "is now available" : "is still not available");
}

void fs_engine_compact(struct fs_engine *e, int zone, uint64_t gfp, int order,
		       enum fs_compact_mode mode, struct fs_compaction_result *r)
{
	memset(r, 0, sizeof(*r));
	if (zone < 0 || (size_t)zone >= e->nr_zones) {
		snprintf(r->reason, sizeof(r->reason), "no zone %d", zone);
		return;
	}
	struct ezone *z = &e->zones[zone];
	enum fs_mt mt = FS_MT_MOVABLE;
	unsigned flags = 0;
	int classzone = eng_kernel_zone_index(e, z->rank);
	if (gfp && order > 0) {
		struct fs_alloc_task task;
		memset(&task, 0, sizeof(task));
		struct ereq *rq = eng_request(e, gfp, order, z->node, &task);
		mt = rq->zl.meaning.migratetype;
		flags = rq->zl.meaning.slow_flags;
		if (rq->rc == 0)
			classzone = rq->zl.classzone;
	}
	e->stats.compact_stall++;
	eng_compact_zone(e, z, mt, gfp ? order : 0, flags, classzone, mode, r);
	if (order > 0 && r->order_available && r->moved)
		e->stats.compact_success++;
	else if (order > 0 && !r->order_available)
		e->stats.compact_fail++;
}
