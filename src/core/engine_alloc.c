/*
 * engine_alloc.c - the page allocator on the engine: get_page_from_freelist
 * passes over the zonelist with krules' watermark check and free-list pick on
 * the engine's own counters, the execution of the pick (split, steal, claim,
 * highatomic reserve), and the slow path, which asks the verdict what may
 * follow before it reclaims, compacts and retries.
 */
#include "engine_priv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"

void fs_alloc_result_init(struct fs_alloc_result *r)
{
	memset(r, 0, sizeof(*r));
	fs_verdict_init(&r->verdict);
}

void fs_alloc_result_clear(struct fs_alloc_result *r)
{
	/* field by field: the verdict inside is kilobytes, and a workload clears a
	 * result for every allocation */
	if (r->has_verdict)
		fs_verdict_clear(&r->verdict);
	r->has_verdict = false;
	r->ok = r->claimed = r->highatomic_reserved = r->kswapd_woken = false;
	r->pfn = 0;
	r->zone = -1;
	r->path = FS_ENGINE_PATH_NONE;
	r->outcome = FS_OUTCOME_FAILS;
	r->pick.how = FS_PICK_NONE;
	r->pick.order = -1;
	r->pick.why[0] = '\0';
	r->reclaimed = r->compaction_moved = r->drained = 0;
	r->rounds = 0;
	r->reason[0] = '\0';
}

struct actx {
	struct fs_engine *e;
	const struct fs_alloc_request *req;
	struct ereq *rq;
	const struct fs_gfp_meaning *meaning;
	enum fs_mt mt;
	enum fs_page_kind kind;
	struct fs_alloc_result *r;
	bool text;                      /* write reasons */
};

static bool mergeable_mt(enum fs_mt mt)
{
	return mt == FS_MT_UNMOVABLE || mt == FS_MT_MOVABLE || mt == FS_MT_RECLAIMABLE;
}

/* __rmqueue_smallest on the engine: the smallest block of mt at order or above. */
static uint64_t take_smallest(struct fs_engine *e, struct ezone *z, int order, enum fs_mt mt)
{
	for (int o = order; o < e->nr_orders; o++) {
		uint64_t slot = eng_free_find(e, z, o, mt);
		if (slot != UINT64_MAX) {
			eng_take(e, z, slot, o, order);
			return slot;
		}
	}
	return UINT64_MAX;
}

/* steal_suitable_fallback / try_to_claim_block: the pageblock changes type when
 * half of it is free or alike (kernel-rules §6.4). */
static bool claim_ok(const struct fs_engine *e, const struct ezone *z, uint64_t pb,
		     enum fs_mt want)
{
	uint64_t free, movable;
	eng_pb_count(e, z, pb, &free, &movable);
	enum fs_mt old = (enum fs_mt)z->pb_mt[pb];
	uint64_t alike = want == FS_MT_MOVABLE ? movable
			 : old == FS_MT_MOVABLE ? pb_pages(e) - free - movable : 0;
	return free + alike >= pb_pages(e) / 2;
}

static void claim_range(struct fs_engine *e, struct ezone *z, uint64_t slot, int order,
			enum fs_mt mt)
{
	uint64_t first = slot >> e->pageblock_order;
	uint64_t n = order > e->pageblock_order ? 1ull << (order - e->pageblock_order) : 1;
	for (uint64_t pb = first; pb < first + n; pb++)
		eng_set_pb_mt(e, z, pb, mt);
}

/* boost_watermark (5.0+, kernel-rules §5.5): a fragmenting fallback raises
 * the watermarks by a pageblock, up to watermark_boost_factor (150%) of high,
 * and with ALLOC_KSWAPD wakes kswapd, which reclaims to high + boost and then
 * drops the boost. Not for zones under four pageblocks. */
static void boost_watermark(struct fs_engine *e, struct ezone *z, unsigned flags)
{
	if (!e->profile->has_boost || pb_pages(e) * 4 > z->managed)
		return;
	int64_t max_boost = z->base_wmark[FS_WMARK_HIGH] * 15000 / 10000;
	if (max_boost < (int64_t)pb_pages(e))
		max_boost = (int64_t)pb_pages(e);
	int64_t boost = z->rz.boost + (int64_t)pb_pages(e);
	eng_set_boost(z, boost < max_boost ? boost : max_boost);
	if ((flags & FS_ALLOC_KSWAPD) && z->node >= 0 && z->node < 64)
		e->kswapd_pending[z->node] = true;
}

/* Carry out the pick: the slot of the allocation's first page, UINT64_MAX
 * when a claim failed and nothing else was left (6.15+). */
static uint64_t execute(struct actx *c, struct ezone *z, struct fs_pick *pick, unsigned flags)
{
	struct fs_engine *e = c->e;
	int order = c->req->order;
	for (;;) {
		uint64_t slot = eng_free_find(e, z, pick->order, pick->mt);
		if (slot == UINT64_MAX)
			return UINT64_MAX;      /* counters and bitmaps disagree: the checker says */
		if (pick->how != FS_PICK_FALLBACK) {
			eng_take(e, z, slot, pick->order, order);
			return slot;
		}
		e->stats.fallbacks++;
		uint64_t pb = slot >> e->pageblock_order;
		bool small = pick->order < e->pageblock_order;
		if (small && (!e->profile->fallback_claim_steal || pick->may_claim))
			boost_watermark(e, z, flags);
		if (pick->claims_block || pick->order >= e->pageblock_order) {
			claim_range(e, z, slot, pick->order, c->mt);
			e->stats.claims++;
			c->r->claimed = true;
			return take_smallest(e, z, order, c->mt);
		}
		if (pick->may_claim && mergeable_mt((enum fs_mt)z->pb_mt[pb])) {
			if (claim_ok(e, z, pb, c->mt)) {
				eng_set_pb_mt(e, z, pb, c->mt);
				e->stats.claims++;
				c->r->claimed = true;
				return take_smallest(e, z, order, c->mt);
			}
			if (e->profile->fallback_claim_steal) {
				int failed = pick->order;
				if (!fs_freelist_pick_after_claim(e->profile, &z->rz, order, c->mt, flags,
								  failed, pick))
					return UINT64_MAX;
				continue;
			}
		}
		eng_take(e, z, slot, pick->order, order);      /* one block: the pageblock stays */
		return slot;
	}
}

/* reserve_highatomic_pageblock (kernel-rules §6.5). */
static void reserve_highatomic(struct actx *c, struct ezone *z, uint64_t slot)
{
	struct fs_engine *e = c->e;
	const struct fs_kprofile *p = e->profile;
	int64_t pbp = (int64_t)pb_pages(e), managed = (int64_t)z->managed;
	int64_t cap;
	if (p->highatomic_cap_aligned) {
		if (managed / 100 < pbp)
			return;
		cap = (managed / 100 + pbp - 1) / pbp * pbp;
	} else {
		cap = managed / 100 + pbp;
	}
	if (z->rz.highatomic_reserved >= cap)
		return;
	uint64_t pb = slot >> e->pageblock_order;
	if (!mergeable_mt((enum fs_mt)z->pb_mt[pb]))
		return;
	/* 6.10+ reserves every pageblock of an allocation of pageblock order or
	 * above; before, the first only. The engine keeps a free block's
	 * pageblocks of one type, so it reserves them all in every version. */
	int order = c->req->order;
	bool whole = order >= e->pageblock_order;
	claim_range(e, z, slot, whole ? order : 0, FS_MT_HIGHATOMIC);
	z->rz.highatomic_reserved += whole ? ((int64_t)1 << order) : pbp;
	z->rz.highatomic_reserved_min = z->rz.highatomic_reserved;
	e->stats.highatomic_reserves++;
	c->r->highatomic_reserved = true;
}

/* unreserve_highatomic_pageblock: the lowest-order free HighAtomic block's
 * pageblock goes back to the request's type. */
static bool unreserve_highatomic(struct actx *c, bool force)
{
	struct fs_engine *e = c->e;
	const struct fs_zonelist *zl = &c->rq->zl;
	int64_t pbp = (int64_t)pb_pages(e);
	for (size_t i = 0; i < zl->nr; i++) {
		struct ezone *z = &e->zones[zl->zones[i]];
		if (!force && z->rz.highatomic_reserved <= pbp)
			continue;
		for (int o = 0; o < e->nr_orders; o++) {
			uint64_t slot = eng_free_find(e, z, o, FS_MT_HIGHATOMIC);
			if (slot == UINT64_MAX)
				continue;
			int64_t size = o > e->pageblock_order ? (int64_t)1 << o : pbp;
			if (size > z->rz.highatomic_reserved)
				size = z->rz.highatomic_reserved;
			claim_range(e, z, slot, o, c->mt);
			z->rz.highatomic_reserved -= size;
			z->rz.highatomic_reserved_min = z->rz.highatomic_reserved;
			e->stats.highatomic_unreserves++;
			return true;
		}
	}
	return false;
}


static void success_reason(struct actx *c, const struct ezone *z, const char *phase)
{
	struct fs_alloc_result *r = c->r;
	snprintf(r->reason, sizeof(r->reason), "order %d from Node %d %s %s: %s order %d (%s)%s%s; "
		 "pfn %#" PRIx64, c->req->order, z->node, z->name, phase, fs_mt_name(r->pick.mt),
		 r->pick.order, fs_pick_how_name(r->pick.how),
		 r->claimed ? ", its pageblock claimed" : "",
		 r->highatomic_reserved ? ", a pageblock reserved as HighAtomic" : "", r->pfn);
}

/* One get_page_from_freelist over the zonelist. */
static bool pass(struct actx *c, enum fs_wmark which, unsigned flags, bool local_only,
		 enum fs_engine_path path)
{
	struct fs_engine *e = c->e;
	const struct fs_zonelist *zl = &c->rq->zl;
	const struct fs_kprofile *p = e->profile;
	int order = c->req->order;
	for (size_t i = 0; i < zl->nr; i++) {
		if (local_only && !zl->local[i])
			break;
		size_t zi = zl->zones[i];
		struct ezone *z = &e->zones[zi];
		struct fs_wmark_result wm;
		if (!(flags & FS_ALLOC_NO_WATERMARKS) &&
		    !fs_zone_watermark_fast(p, &z->rz, order, which, zl->classzone, flags,
					    c->req->gfp, &wm))
			continue;
		struct fs_pick pick;
		if (!fs_freelist_pick(p, &z->rz, order, c->mt, flags, &pick))
			continue;
		c->r->claimed = false;
		uint64_t slot = execute(c, z, &pick, flags);
		if (slot == UINT64_MAX)
			continue;
		eng_mark(z, slot, order, c->kind);
		struct fs_alloc_result *r = c->r;
		r->ok = true;
		r->pfn = z->base + slot;
		r->zone = (int)zi;
		r->path = path;
		/* the numbers only: the text is empty on the quiet path, and copying
		 * the whole struct was a third of the time of an allocation */
		r->pick.how = pick.how;
		r->pick.order = pick.order;
		r->pick.mt = pick.mt;
		r->pick.claims_block = pick.claims_block;
		r->pick.may_claim = pick.may_claim;
		r->pick.uncertain = pick.uncertain;
		bool ha = p->reserve_scheme == FS_RESERVE_MIN_NONBLOCK
			  ? (flags & FS_ALLOC_HIGHATOMIC) : (order > 0 && (flags & FS_ALLOC_HARDER));
		if (ha)
			reserve_highatomic(c, z, slot);
		return true;
	}
	return false;
}

static void run_verdict(struct actx *c)
{
	if (c->r->has_verdict)
		return;
	struct fs_snapshot *s = fs_engine_snapshot(c->e);
	struct fs_verdict_request vr = {
		.gfp = c->req->gfp, .order = c->req->order, .node = c->req->node,
		.task = c->req->task, .profile = c->e->profile, .config = &c->e->config,
	};
	fs_verdict_run(s, &vr, &c->r->verdict);
	c->r->has_verdict = true;
	fs_snapshot_free(s);
}

static bool fail(struct actx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct actx *c, const char *fmt, ...)
{
	struct fs_alloc_result *r = c->r;
	r->ok = false;
	r->zone = -1;
	r->path = FS_ENGINE_PATH_NONE;
	r->outcome = FS_OUTCOME_FAILS;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	c->e->stats.alloc_fail++;
	return false;
}

static bool succeed(struct actx *c, enum fs_outcome outcome, const char *phase)
{
	struct fs_alloc_result *r = c->r;
	r->outcome = outcome;
	struct fs_engine_stats *st = &c->e->stats;
	switch (r->path) {
	case FS_ENGINE_PATH_FAST: st->alloc_fast++; break;
	case FS_ENGINE_PATH_SLOW: st->alloc_slow++; break;
	case FS_ENGINE_PATH_RECLAIM: st->alloc_after_reclaim++; break;
	case FS_ENGINE_PATH_COMPACTION: st->alloc_after_compaction++; st->compact_success++; break;
	case FS_ENGINE_PATH_NONE: break;
	}
	if (c->text || r->path != FS_ENGINE_PATH_FAST)
		success_reason(c, &c->e->zones[r->zone], phase);
	return true;
}

/* ---- the slow path after the freelists ----------------------------------------- */

static bool retry(struct actx *c, enum fs_engine_path path)
{
	return pass(c, FS_WMARK_MIN, c->meaning->slow_flags, false, path);
}

static uint64_t direct_reclaim(struct actx *c)
{
	struct fs_engine *e = c->e;
	const struct fs_zonelist *zl = &c->rq->zl;
	uint64_t want = (uint64_t)1 << c->req->order, got = 0;
	if (want < 32)
		want = 32;
	for (size_t i = 0; i < zl->nr && got < want; i++) {
		struct fs_reclaim_result rr;
		memset(&rr, 0, sizeof(rr));
		got += eng_reclaim_zone(e, &e->zones[zl->zones[i]], want - got, false, &rr);
	}
	e->stats.direct_reclaimed += got;
	c->r->reclaimed += got;
	return got;
}

static uint64_t direct_compact(struct actx *c, enum fs_compact_mode mode)
{
	struct fs_engine *e = c->e;
	const struct fs_zonelist *zl = &c->rq->zl;
	uint64_t moved = 0;
	e->stats.compact_stall++;
	for (size_t i = 0; i < zl->nr; i++) {
		struct fs_compaction_result cr;
		memset(&cr, 0, sizeof(cr));
		eng_compact_zone(e, &e->zones[zl->zones[i]], c->mt, c->req->order,
				 c->meaning->slow_flags, zl->classzone, mode, &cr);
		moved += cr.moved;
		if (cr.order_available)
			break;
	}
	c->r->compaction_moved += moved;
	return moved;
}

static bool has(const struct actx *c, enum fs_gfp_flag f)
{
	return fs_gfp_has(c->e->profile, &c->e->config, c->req->gfp, f);
}

/* What the verdict said may help, carried out: compaction, reclaim, retries
 * (kernel-rules §7.2). The OOM killer is not simulated. */
static bool ladder(struct actx *c)
{
	struct fs_engine *e = c->e;
	const struct fs_gfp_meaning *m = c->meaning;
	int order = c->req->order;
	bool costly = order > e->profile->costly_order;
	bool mayfail = has(c, FS_GFP_RETRY_MAYFAIL) || has(c, FS_GFP_REPEAT);
	bool nofail = has(c, FS_GFP_NOFAIL);
	bool one_round = !nofail && (has(c, FS_GFP_NORETRY) || (costly && !mayfail));
	bool compact = order > 0 && m->may_compact;
	if (compact && (costly || c->mt != FS_MT_MOVABLE) && !m->reserve_flags) {
		direct_compact(c, FS_COMPACT_ASYNC);
		if (retry(c, FS_ENGINE_PATH_COMPACTION))
			return succeed(c, FS_OUTCOME_DEPENDS, "after early compaction");
	}
	int no_progress = 0;
	for (int round = 1; round <= 64; round++) {
		c->r->rounds = round;
		uint64_t got = direct_reclaim(c);
		if (retry(c, FS_ENGINE_PATH_RECLAIM))
			return succeed(c, FS_OUTCOME_DEPENDS, "after direct reclaim");
		bool more = unreserve_highatomic(c, false);
		uint64_t drained = fs_engine_drain(e);
		c->r->drained += drained;
		if ((more || drained) && retry(c, FS_ENGINE_PATH_RECLAIM))
			return succeed(c, FS_OUTCOME_DEPENDS, "after direct reclaim and a drain");
		uint64_t moved = compact ? direct_compact(c, round == 1 ? FS_COMPACT_ASYNC
							       : FS_COMPACT_SYNC) : 0;
		if (moved && retry(c, FS_ENGINE_PATH_COMPACTION))
			return succeed(c, FS_OUTCOME_DEPENDS, "after direct compaction");
		if (one_round)
			break;
		no_progress = got ? 0 : no_progress + 1;
		if (!got && !moved && !drained) {
			/* nothing changes any more: should_reclaim_retry's last try */
			if (unreserve_highatomic(c, true) && retry(c, FS_ENGINE_PATH_RECLAIM))
				return succeed(c, FS_OUTCOME_DEPENDS, "after the highatomic reserve "
					       "was released");
			break;
		}
		if (no_progress > 16)
			break;
	}
	e->stats.compact_fail += compact;
	return fail(c, "order %d %s: still failing after %d round%s of direct reclaim (%" PRIu64
		    " pages freed)%s%" PRIu64 " pages migrated by compaction; %s", order,
		    c->r->verdict.gfp_names, c->r->rounds, c->r->rounds == 1 ? "" : "s",
		    c->r->reclaimed, compact ? " and " : ", no compaction allowed; ",
		    c->r->compaction_moved, m->may_oom && !costly
		    ? "the kernel would now invoke the OOM killer (not simulated)"
		    : one_round ? "the request gives up after one round" : "it gives up");
}

bool fs_engine_alloc(struct fs_engine *e, const struct fs_alloc_request *req,
		     struct fs_alloc_result *r)
{
	fs_alloc_result_clear(r);
	r->zone = -1;
	struct actx c = { .e = e, .req = req, .r = r, .text = req->explain };
	e->stats.allocs++;
	c.rq = eng_request(e, req->gfp, req->order, req->node, &req->task);
	c.meaning = &c.rq->zl.meaning;
	if (c.rq->rc < 0) {
		run_verdict(&c);
		return fail(&c, "%s", r->verdict.reason);
	}
	c.mt = c.meaning->migratetype;
	c.kind = req->kind >= 0 && req->kind < FS_PAGE_KINDS && req->kind != FS_PAGE_FREE &&
		 req->kind != FS_PAGE_PCP && req->kind != FS_PAGE_RESERVED
		 ? (enum fs_page_kind)req->kind : fs_page_kind_for_mt(c.mt);
	if (req->explain)
		run_verdict(&c);
	const struct fs_zonelist *zl = &c.rq->zl;
	unsigned fast = c.meaning->fast_flags & ~(unsigned)FS_ALLOC_NOFRAGMENT;
	bool ok = zl->nofragment
		  ? pass(&c, FS_WMARK_LOW, fast | FS_ALLOC_NOFRAGMENT, true, FS_ENGINE_PATH_FAST) ||
		    pass(&c, FS_WMARK_LOW, fast, false, FS_ENGINE_PATH_FAST)
		  : pass(&c, FS_WMARK_LOW, fast, false, FS_ENGINE_PATH_FAST);
	if (ok)
		return succeed(&c, FS_OUTCOME_FAST, "on the fast path");
	if (c.meaning->wakes_kswapd) {
		for (size_t i = 0; i < zl->nr; i++) {
			int node = e->zones[zl->zones[i]].node;
			if (node >= 0 && node < 64)
				e->kswapd_pending[node] = true;
		}
		if (req->order > e->kswapd_order)
			e->kswapd_order = req->order;
		r->kswapd_woken = true;
	}
	if (retry(&c, FS_ENGINE_PATH_SLOW))
		return succeed(&c, FS_OUTCOME_SLOW, "on the slow path");
	if (c.meaning->reserve_flags &&
	    pass(&c, FS_WMARK_MIN, c.meaning->reserve_flags, false, FS_ENGINE_PATH_SLOW))
		return succeed(&c, FS_OUTCOME_SLOW, "with reserve access");
	run_verdict(&c);
	switch (r->verdict.outcome) {
	case FS_OUTCOME_FAILS:
		return fail(&c, "%s", r->verdict.reason);
	case FS_OUTCOME_FAST:
	case FS_OUTCOME_SLOW:
		return fail(&c, "the engine found no block where the verdict says %s: %s",
			    fs_outcome_name(r->verdict.outcome), r->verdict.reason);
	case FS_OUTCOME_DEPENDS:
		break;
	}
	if (!c.meaning->can_sleep)
		return fail(&c, "%s", r->verdict.reason);
	return ladder(&c);
}
