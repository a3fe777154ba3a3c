/*
 * verdict_ladder.c - what follows a failed fast path, in the kernel's order:
 * kswapd wake, the slow path's freelist attempt at min, early compaction,
 * reserve access, direct reclaim, direct compaction, the retry rules, the
 * OOM gate, and whether warn_alloc prints. kernel-rules.md §7.1 (4.4) and
 * §7.2-§7.6 (4.19 ... 6.18), §11 (compaction suitability).
 *
 * Reclaim and compaction cannot be simulated from a snapshot: the verdict
 * says what the mask allows, what the counters make possible, and from that
 * whether the request depends on them (DEPENDS) or nothing it may do can
 * help (FAILS).
 */
#include "verdict_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"

struct ladder {
	const struct vpass *pass;       /* the last freelist attempt: slow or reserve */
	int decisive;
	bool early_bail;
	char bail_why[320];
	/* direct reclaim */
	int64_t reclaimable;            /* LRU pages over the zonelist */
	bool reclaim_known, reclaim_global;
	bool reclaim_lifts;             /* free + reclaimable passes min where free does not */
	int lift_zone;
	int64_t lift_needed;
	bool retry_passes;              /* should_reclaim_retry's test passes somewhere */
	bool retry_order0;              /* ... its order-0 part, at least */
	/* direct compaction */
	bool compaction_may;            /* CONTINUE somewhere */
	bool compaction_after_reclaim;  /* SKIPPED, but reclaim can close the gap */
	char compact_why[200];
	/* retries and OOM */
	bool one_round;
	char one_round_why[160];
	bool oom_kills, oom_loops;
	char oom_why[200];
};

static bool has_retry_mayfail(const struct walk *w)
{
	return vw_has(w, FS_GFP_RETRY_MAYFAIL) || vw_has(w, FS_GFP_REPEAT);
}

static bool costly(const struct walk *w)
{
	return w->order > w->p->costly_order;
}

/* ---- describing a failed zone --------------------------------------------- */

struct lists_seen {
	int lo[FS_MT_COUNT], hi[FS_MT_COUNT];   /* orders >= n with a non-empty list, -1 none */
	uint32_t nonempty, unknown;
	int64_t other_only_blocks;              /* blocks at orders where only other types are */
	int other_only_lo, other_only_hi;
	bool other_only_exact;
	int64_t free_below;                     /* free pages in blocks below order n */
};

static void scan_lists(const struct walk *w, const struct vzone *vz, uint32_t allowed,
		       struct lists_seen *ls)
{
	const struct fs_rules_zone *rz = &vz->rz;
	memset(ls, 0, sizeof(*ls));
	ls->other_only_lo = ls->other_only_hi = -1;
	ls->other_only_exact = true;
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		ls->lo[mt] = ls->hi[mt] = -1;
	for (int o = 0; o < rz->nr_orders && o < FS_MAX_ORDERS; o++) {
		if (o < w->order) {
			if (rz->nr_free[o].kind == FS_COUNT_EXACT)
				ls->free_below += (int64_t)rz->nr_free[o].value << o;
			continue;
		}
		bool allowed_here = false, other_here = false;
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			enum fs_list_state st = fs_rules_list(rz, o, (enum fs_mt)mt);
			if (st == FS_LIST_UNKNOWN && fs_count_nonzero(rz->nr_free[o]))
				ls->unknown |= 1u << mt;
			if (st != FS_LIST_NONEMPTY)
				continue;
			ls->nonempty |= 1u << mt;
			if (ls->lo[mt] < 0)
				ls->lo[mt] = o;
			ls->hi[mt] = o;
			if (allowed & (1u << mt))
				allowed_here = true;
			else
				other_here = true;
		}
		if (other_here && !allowed_here) {
			if (ls->other_only_lo < 0)
				ls->other_only_lo = o;
			ls->other_only_hi = o;
			if (rz->nr_free[o].kind == FS_COUNT_EXACT)
				ls->other_only_blocks += (int64_t)rz->nr_free[o].value;
			else
				ls->other_only_exact = false;
		} else if (allowed_here || fs_count_nonzero(rz->nr_free[o])) {
			ls->other_only_exact = false;
		}
	}
}

static void orders_text(int lo, int hi, char *out, size_t size)
{
	if (lo == hi)
		snprintf(out, size, "order %d", lo);
	else
		snprintf(out, size, "orders %d..%d", lo, hi);
}

/* "CMA (orders 3..10), HighAtomic (order 4)" for the non-allowed lists. */
static void others_text(const struct lists_seen *ls, uint32_t others, char *out, size_t size)
{
	static const enum fs_mt order[] = { FS_MT_UNMOVABLE, FS_MT_MOVABLE, FS_MT_RECLAIMABLE,
					    FS_MT_HIGHATOMIC, FS_MT_CMA, FS_MT_ISOLATE,
					    FS_MT_RESERVE };
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum fs_mt mt = order[i];
		if (!(others & (1u << mt)))
			continue;
		char ords[32];
		orders_text(ls->lo[mt], ls->hi[mt], ords, sizeof(ords));
		vw_cat(out, size, "%s%s (%s)", out[0] ? ", " : "", fs_mt_name(mt), ords);
	}
}

static void may_not_use_text(const struct walk *w, uint32_t others, char *out, size_t size)
{
	char names[96];
	vw_types_text(others, names, sizeof(names));
	vw_set(out, size, "%s may not use %s", w->v->gfp_names[0] ? w->v->gfp_names : "the mask",
		 names);
	if (others & (1u << FS_MT_CMA))
		vw_cat(out, size, " (CMA needs ALLOC_CMA: movable requests only)");
}

static void describe_lists(const struct walk *w, const struct vzone *vz, unsigned flags,
			   char *reason, size_t rsize, char *change, size_t csize)
{
	uint32_t allowed = vw_allowed_types(w, flags);
	struct lists_seen ls;
	scan_lists(w, vz, allowed, &ls);
	char types[96], ords[32], oth[160], why[200];
	vw_types_text(allowed & (1u << FS_MT_UNMOVABLE | 1u << FS_MT_MOVABLE |
				 1u << FS_MT_RECLAIMABLE | 1u << FS_MT_CMA |
				 1u << FS_MT_HIGHATOMIC), types, sizeof(types));
	uint32_t others = ls.nonempty & ~allowed;
	int top = vz->rz.nr_orders - 1;
	orders_text(w->order, top, ords, sizeof(ords));
	if (w->order == 0)
		snprintf(reason, rsize, "%s: needs a free page on %s lists; ", vz->label, types);
	else
		snprintf(reason, rsize, "%s: needs a free block of order >= %d in %s lists; ",
			 vz->label, w->order, types);
	if (ls.unknown & allowed) {
		vw_cat(reason, rsize, "the snapshot does not say which migratetypes its free "
		       "blocks of order >= %d are (no pagetypeinfo)", w->order);
		snprintf(change, csize, "needs per-migratetype free counts (pagetypeinfo) to tell");
		return;
	}
	if (others) {
		others_text(&ls, others, oth, sizeof(oth));
		may_not_use_text(w, others, why, sizeof(why));
		if (w->order)
			vw_cat(reason, rsize, "at %s only %s lists are non-empty, and %s", ords,
			       oth, why);
		else
			vw_cat(reason, rsize, "only %s lists are non-empty, and %s", oth, why);
	} else {
		vw_cat(reason, rsize, "no list at %s is non-empty (%" PRId64 " free pages are all "
		       "in smaller blocks)", ords, ls.free_below);
	}
	if (others && ls.other_only_exact && ls.other_only_blocks > 0) {
		char names[96], at[40] = "";
		vw_types_text(others, names, sizeof(names));
		if (ls.other_only_lo == ls.other_only_hi)
			snprintf(at, sizeof(at), " at order %d", ls.other_only_lo);
		snprintf(change, csize, "needs 1 free block of order >= %d in %s; all %" PRId64
			 " such block%s%s %s %s, which this mask may not use", w->order, types,
			 ls.other_only_blocks, ls.other_only_blocks == 1 ? "" : "s", at,
			 ls.other_only_blocks == 1 ? "is" : "are", names);
	} else {
		snprintf(change, csize, "needs 1 free block of order >= %d in %s: compaction must "
			 "assemble one from smaller free pages (or a mask that may use %s)",
			 w->order, types, others ? oth : "other lists");
	}
}

/* The arithmetic of a failed order-0 test in one clause. */
static void describe_short(const struct walk *w, const struct vzone *vz,
			   const struct fs_wmark_result *wm, char *reason, size_t rsize,
			   char *change, size_t csize)
{
	const char *mark = wm->which == FS_WMARK_MIN ? "min" : wm->which == FS_WMARK_LOW ? "low"
											  : "high";
	int64_t need = -wm->margin + 1;
	snprintf(reason, rsize, "%s: usable free %" PRId64 " (free %" PRId64 " - %" PRId64
		 " CMA - %" PRId64 " highatomic - %" PRId64 ") <= %s %" PRId64, vz->label,
		 wm->usable, wm->free_pages, wm->minus_cma, wm->minus_highatomic, wm->minus_order,
		 mark, wm->mark);
	if (wm->min_after != wm->mark)
		vw_cat(reason, rsize, " reduced to %" PRId64 " (%s)", wm->min_after,
		       wm->reductions);
	vw_cat(reason, rsize, " + lowmem_reserve %" PRId64 ", short by %" PRId64 " page%s",
	       wm->lowmem_reserve, need, need == 1 ? "" : "s");
	snprintf(change, csize, "%s needs %" PRId64 " more free page%s above %s+lowmem_reserve",
		 vz->label, need, need == 1 ? "" : "s", mark);
	if (wm->minus_cma > 0)
		vw_cat(change, csize, " (its %" PRId64 " free CMA pages do not count for this "
		       "mask)", wm->minus_cma);
	else if (wm->minus_highatomic > 0)
		vw_cat(change, csize, " (its %" PRId64 " highatomic pages do not count for this "
		       "mask)", wm->minus_highatomic);
	(void)w;
}

void vw_zone_failure(const struct walk *w, const struct vpass *pass, size_t zi, char *reason,
		     size_t reason_size, char *change, size_t change_size)
{
	const struct vzone *vz = &w->zones[zi];
	const struct vzres *r = &pass->res[zi];
	if (!r->evaluated) {
		snprintf(reason, reason_size, "%s was not tried", vz->label);
		snprintf(change, change_size, "-");
		return;
	}
	if (r->wm_res == FS_STEP_FAIL && r->wm.margin <= 0) {
		describe_short(w, vz, &r->wm, reason, reason_size, change, change_size);
		return;
	}
	if (r->picked) {        /* it may serve it: say on which condition */
		char cond[256];
		vw_condition(w, pass, zi, false, cond, sizeof(cond));
		vw_set(reason, reason_size, "it passes only if %s", cond);
		vw_condition(w, pass, zi, true, cond, sizeof(cond));
		vw_set(change, change_size, "it fails there if %s", cond);
		return;
	}
	if (r->lists_impossible) {
		vw_set(reason, reason_size, "%s: needs a free block of order >= %d; %s", vz->label,
		       w->order, r->pick.why);
		vw_set(change, change_size, "%s needs %" PRId64 " more free pages it may use, in "
		       "one order-%d block", vz->label,
		       ((int64_t)1 << w->order) - r->inferred_big, w->order);
		return;
	}
	describe_lists(w, vz, pass->flags, reason, reason_size, change, change_size);
}

/* The zone that came closest: the first one that passed the order-0 test
 * (it failed on its lists), else the one with the largest margin. */
static bool blocks_of_others(const struct walk *w, const struct vzone *vz, unsigned flags)
{
	struct lists_seen ls;
	uint32_t allowed = vw_allowed_types(w, flags);
	scan_lists(w, vz, allowed, &ls);
	return (ls.nonempty & ~allowed) != 0;
}

/* The zone that came closest: one that passed the order-0 test and failed on
 * its lists, preferring one whose lists hold blocks the request may not use
 * (CMA, HighAtomic: that is the story), else the one with the largest margin. */
static int decisive_zone(const struct walk *w, const struct vpass *pass)
{
	int best = -1, lists = -1;
	for (size_t i = 0; i < w->nr_zones; i++) {
		const struct vzres *r = &pass->res[i];
		if (!r->evaluated)
			continue;
		if (r->wm.margin > 0 || (pass->flags & FS_ALLOC_NO_WATERMARKS)) {
			if (lists < 0)
				lists = (int)i;
			if (blocks_of_others(w, &w->zones[i], pass->flags))
				return (int)i;
		}
		if (best < 0 || r->wm.margin > pass->res[best].wm.margin)
			best = (int)i;
	}
	return lists >= 0 ? lists : best;
}

static void others_summary(const struct walk *w, const struct vpass *pass, int skip, char *out,
			   size_t size)
{
	for (size_t i = 0; i < w->nr_zones; i++) {
		const struct vzres *r = &pass->res[i];
		if ((int)i == skip || !r->evaluated)
			continue;
		if (r->wm_res == FS_STEP_FAIL && r->wm.margin <= 0)
			vw_cat(out, size, "%s%s short of %s by %" PRId64, out[0] ? ", " : "",
			       w->zones[i].label, pass->which == FS_WMARK_MIN ? "min" : "low",
			       -r->wm.margin + 1);
		else if (r->picked)
			vw_cat(out, size, "%s%s may serve it", out[0] ? ", " : "",
			       w->zones[i].label);
		else
			vw_cat(out, size, "%s%s has no usable block", out[0] ? ", " : "",
			       w->zones[i].label);
	}
}

/* Outcome fields from the decisive zone: reason prefix, change, margin, blocks. */
static void set_failure(struct walk *w, struct ladder *L, enum fs_outcome o)
{
	struct fs_verdict *v = w->v;
	v->outcome = o;
	v->reason[0] = v->change[0] = '\0';
	if (L->decisive < 0)
		return;
	const struct vzone *vz = &w->zones[L->decisive];
	fs_copy_str(v->decisive_zone, sizeof(v->decisive_zone), vz->label);
	v->margin = L->pass->res[L->decisive].wm.margin;
	bool nonempty_only = false;
	v->suitable_blocks = vw_suitable_blocks(w, vz, L->pass->flags, &nonempty_only);
	v->used_nonempty_only = nonempty_only;
	vw_zone_failure(w, L->pass, (size_t)L->decisive, v->reason, sizeof(v->reason), v->change,
			sizeof(v->change));
	char others[200] = "";
	others_summary(w, L->pass, L->decisive, others, sizeof(others));
	if (others[0])
		vw_cat(v->reason, sizeof(v->reason), " (also: %s)", others);
	if (nonempty_only)
		vw_cat(v->reason, sizeof(v->reason), " [the report's letters only say which lists "
		       "are non-empty; reasoned with exactly that]");
}

/* ---- kswapd ------------------------------------------------------------ */

static bool node_unreclaimable(const struct walk *w, int node)
{
	int64_t v = 0;
	for (size_t i = 0; i < w->snap->nr_nodes; i++)
		if (w->snap->nodes[i].id == node &&
		    fs_stats_get(&w->snap->nodes[i].stats, "all_unreclaimable", &v) && v)
			return true;
	for (size_t i = 0; i < w->nr_zones; i++)
		if (w->zones[i].sz->node == node &&
		    fs_stats_get(&w->zones[i].sz->stats, "node_unreclaimable", &v) && v)
			return true;
	return false;
}

/* kernel-rules §7.5: 4.19+ a node is balanced when one of its zones at or
 * below gfp_zone() passes the high watermark at the order (flags 0, the
 * gfp_zone() column of lowmem_reserve; read in 4.19 pgdat_balanced), with
 * no boost (5.0+); 4.4 checks every zone on its own (zone_balanced,
 * column 0). */
static void kswapd_node(struct walk *w, int node)
{
	bool old = w->p->slowpath_4_4, balanced = false, maybe = false, boosted = false;
	int by = -1;
	for (size_t i = 0; i < w->nr_zones; i++) {
		const struct vzone *vz = &w->zones[i];
		if (vz->sz->node != node)
			continue;
		struct vzres r = { 0 };
		vw_zone_check(w, vz, FS_WMARK_HIGH, old ? 0 : w->highest_index, 0, false, &r);
		if (vz->rz.boost > 0)
			boosted = true;
		if (old) {   /* 4.4: any unbalanced zone wakes it */
			balanced = r.wm_res == FS_STEP_PASS && (by < 0 || balanced);
			by = (int)i;
			continue;
		}
		if (r.wm_res == FS_STEP_PASS && !balanced) {
			balanced = true;
			by = (int)i;
		} else if (r.wm_res == FS_STEP_UNCERTAIN) {
			maybe = true;
		}
	}
	bool failures = node_unreclaimable(w, node);
	bool wakes = !failures && (!balanced || (w->p->has_boost && boosted));
	struct fs_step *s = vw_step(w, FS_STEP_KSWAPD, maybe && !balanced ? FS_STEP_UNCERTAIN
							: FS_STEP_INFO, "slow", "",
				    "node %d: kswapd %s", node, !wakes ? "not woken"
				    : maybe && !balanced
				    ? "woken, unless a zone passes high (highatomic unknown)"
				    : "woken");
	if (failures)
		vw_detail(s, "kswapd has given up on node %d (all_unreclaimable: 16 failed runs): "
			  "left to direct reclaim", node);
	else if (!wakes)
		vw_detail(s, "%s passes the high watermark at order %d: the node is balanced%s",
			  by >= 0 ? w->zones[by].label : "a zone", w->order,
			  w->v->meaning.can_sleep ? "" : "; a non-blocking caller wakes kcompactd "
			  "instead");
	else if (balanced)
		vw_detail(s, "balanced, but a watermark boost is active: kswapd reclaims to high + "
			  "boost");
	else
		vw_detail(s, "no zone of node %d at or below %s passes the high watermark at order "
			  "%d%s; kswapd reclaims in the background, which does not help this "
			  "attempt", node, w->v->meaning.highest_zone ? w->v->meaning.highest_zone
			  : "gfp_zone()", w->order,
			  maybe ? " (one might: highatomic unknown)" : "");
	vw_formula(s, "%s: high watermark at order %d, alloc_flags 0, lowmem_reserve column %d",
		   old ? "zone_balanced per zone" : "pgdat_balanced", w->order,
		   old ? 0 : w->highest_index);
	fs_stats_set(&s->numbers, "node", node);
	fs_stats_set(&s->numbers, "wakes", wakes);
}

static void kswapd_step(struct walk *w)
{
	if (!vw_has(w, FS_GFP_KSWAPD_RECLAIM)) {
		vw_step(w, FS_STEP_KSWAPD, FS_STEP_SKIPPED, "slow", "",
			"no __GFP_KSWAPD_RECLAIM: kswapd is not woken");
		return;
	}
	int last = -1;
	for (size_t i = 0; i < w->nr_zones; i++) {
		int node = w->zones[i].sz->node;
		bool seen = node == last;
		for (size_t j = 0; j < i && !seen; j++)
			seen = w->zones[j].sz->node == node;
		if (!seen)
			kswapd_node(w, node);
		last = node;
	}
}

/* ---- compaction ------------------------------------------------------------ */

static const char *suit_name(enum fs_compact_suit s)
{
	switch (s) {
	case FS_COMPACT_SUCCESS: return "not needed (the order is already free)";
	case FS_COMPACT_SKIPPED: return "skipped (not enough free memory: reclaim first)";
	case FS_COMPACT_CONTINUE: return "suitable";
	case FS_COMPACT_NOT_SUITABLE_FRAGINDEX:
		return "not suitable (fragindex: lack of memory, not fragmentation)";
	}
	return "?";
}

/* compaction_suitable over the zonelist; CONTINUE beats SUCCESS beats SKIPPED,
 * as try_to_compact_pages keeps the best result of its zones. */
static enum fs_compact_suit compaction_zones(struct walk *w, struct ladder *L, const char *phase)
{
	enum fs_compact_suit best = FS_COMPACT_SKIPPED;
	unsigned flags = L->pass->flags;
	for (size_t i = 0; i < w->nr_zones; i++) {
		const struct vzone *vz = &w->zones[i];
		struct fs_rules_zone rz = vz->rz;
		if (vz->ha_unknown) {
			if (w->p->highatomic_counts_free)
				rz.highatomic_free = vz->ha_lo;
			else
				rz.highatomic_reserved = vz->ha_lo;
		}
		struct fs_compact_result cr;
		memset(&cr, 0, sizeof(cr));
		enum fs_compact_suit su = fs_compaction_suitable(w->p, &rz, w->order, w->classzone,
								 flags, &cr);
		enum fs_step_result res = su == FS_COMPACT_CONTINUE ? FS_STEP_PASS
					  : su == FS_COMPACT_SUCCESS ? FS_STEP_INFO : FS_STEP_FAIL;
		struct fs_step *s = vw_step(w, FS_STEP_COMPACTION, res, phase, vz->label,
					    "%s: compaction %s", vz->label, suit_name(su));
		vw_formula(s, "%s", cr.why);
		fs_stats_set(&s->numbers, "needed", cr.needed);
		fs_stats_set(&s->numbers, "available", cr.available);
		fs_stats_set(&s->numbers, "fragindex", cr.fragindex);
		if (su == FS_COMPACT_CONTINUE) {
			if (best != FS_COMPACT_CONTINUE)
				vw_set(L->compact_why, sizeof(L->compact_why), "%s: %s", vz->label,
				       cr.why);
			best = FS_COMPACT_CONTINUE;
		} else if (su == FS_COMPACT_SUCCESS && best != FS_COMPACT_CONTINUE) {
			best = FS_COMPACT_SUCCESS;
		} else if (su == FS_COMPACT_SKIPPED && cr.needed > cr.available &&
			   L->reclaimable >= cr.needed - cr.available && L->reclaim_known) {
			L->compaction_after_reclaim = true;
		}
	}
	return best;
}

static bool compaction_allowed(const struct walk *w)
{
	return w->order > 0 && w->v->meaning.may_compact;
}

static void compaction_not_allowed(struct walk *w, const char *phase)
{
	vw_step(w, FS_STEP_COMPACTION, FS_STEP_SKIPPED, phase, "",
		"direct compaction not allowed: needs __GFP_IO%s", w->p->compaction_needs_fs
		? " and __GFP_FS (4.4)" : "");
}

/* §7.2: costly or non-movable order > 0, may reclaim, no reserve access:
 * async compaction before reclaim; costly __GFP_NORETRY may give up here. */
static void early_compaction(struct walk *w, struct ladder *L)
{
	const struct fs_gfp_meaning *m = &w->v->meaning;
	if (!m->can_sleep || w->order == 0)
		return;
	bool wanted = costly(w) || m->migratetype != FS_MT_MOVABLE;
	if (!wanted || m->reserve_flags ||
	    (w->p->compaction_gates_retries && !vw_has(w, FS_GFP_IO))) {
		vw_step(w, FS_STEP_COMPACTION, FS_STEP_SKIPPED, "early-compact", "",
			"no early compaction: %s", !wanted ? "movable order <= 3 reclaims first"
			: m->reserve_flags ? "the request has reserve access" : "no __GFP_IO");
		return;
	}
	enum fs_compact_suit best = m->may_compact ? compaction_zones(w, L, "early-compact")
						   : FS_COMPACT_SKIPPED;
	if (!m->may_compact)
		compaction_not_allowed(w, "early-compact");
	bool noretry = vw_has(w, FS_GFP_NORETRY);
	bool skipped = best == FS_COMPACT_SKIPPED;
	if (skipped && w->p->pageblock_order_skip_bails && w->order >= w->pageblock_order &&
	    vw_has(w, FS_GFP_IO) && !has_retry_mayfail(w)) {   /* 5.4 only */
		L->early_bail = true;
		snprintf(L->bail_why, sizeof(L->bail_why), "order %d >= pageblock order %d without "
			 "__GFP_RETRY_MAYFAIL: 5.4 gives up when early compaction is skipped",
			 w->order, w->pageblock_order);
	} else if (costly(w) && noretry && skipped && w->p->costly_noretry_skipped_too) {
		L->early_bail = true;
		snprintf(L->bail_why, sizeof(L->bail_why), "costly order %d with __GFP_NORETRY: "
			 "early async compaction is skipped in every zone, and %s gives up before "
			 "reclaim (5.8+: on COMPACT_SKIPPED or COMPACT_DEFERRED)", w->order,
			 w->p->name);
	}
	struct fs_step *s = vw_step(w, FS_STEP_COMPACTION, L->early_bail ? FS_STEP_FAIL
				    : FS_STEP_INFO, "early-compact", "",
				    "early async compaction: %s", suit_name(best));
	if (L->early_bail)
		vw_detail(s, "%s", L->bail_why);
	else if (costly(w) && noretry)
		vw_detail(s, "__GFP_NORETRY at a costly order: if compaction was deferred for this "
			  "order (not in the snapshot) the allocator gives up here%s",
			  w->p->costly_noretry_skipped_too ? "" : "; 4.19-5.4 do not give up on "
			  "COMPACT_SKIPPED");
	else
		vw_detail(s, "compaction outcome cannot be simulated from a snapshot: %s",
			  best == FS_COMPACT_CONTINUE ? "it may assemble the block"
						      : "it has nothing to do yet");
	if (best == FS_COMPACT_CONTINUE)
		L->compaction_may = true;
}

/* ---- reserves ------------------------------------------------------------ */

static bool reserves_step(struct walk *w, struct ladder *L)
{
	unsigned rf = w->v->meaning.reserve_flags;
	if (!rf) {
		vw_step(w, FS_STEP_RESERVES, FS_STEP_SKIPPED, "reserve", "",
			"no reserve access (not __GFP_MEMALLOC, PF_MEMALLOC or an OOM victim%s)",
			vw_has(w, FS_GFP_NOMEMALLOC) ? "; __GFP_NOMEMALLOC forbids it" : "");
		return false;
	}
	char flags[160];
	fs_alloc_flags_format(w->p, rf, flags, sizeof(flags));
	vw_step(w, FS_STEP_RESERVES, FS_STEP_INFO, "reserve", "", "reserve access: %s", flags);
	vw_pass(w, &w->reserve, "reserve", FS_WMARK_MIN, rf, false, VW_RECORD_ALL);
	if (w->reserve.chosen >= 0) {
		vw_succeed(w, FS_OUTCOME_SLOW, &w->reserve);
		return true;
	}
	L->pass = &w->reserve;
	L->decisive = decisive_zone(w, &w->reserve);
	return false;
}

/* ---- direct reclaim ------------------------------------------------------- */

/* Sum of the inactive and active LRU counters of kind ("file", "anon") as
 * zoneinfo 4.19+ ("nr_zone_*"), zoneinfo 4.4 ("nr_*") or a warn_alloc zone
 * line ("active_file:...kB", converted to pages) names them. */
static bool lru_pages(const struct fs_stats *st, const char *kind, bool zone, int64_t *out)
{
	static const char *const forms[] = { "nr_zone_%s_%s", "nr_%s_%s", "%s_%s" };
	for (size_t f = zone ? 0 : 1; f < sizeof(forms) / sizeof(forms[0]); f++) {
		char a[FS_STAT_NAME_MAX], b[FS_STAT_NAME_MAX];
		int64_t va, vb;
		snprintf(a, sizeof(a), forms[f], "inactive", kind);
		snprintf(b, sizeof(b), forms[f], "active", kind);
		if (fs_stats_get(st, a, &va) && fs_stats_get(st, b, &vb)) {
			*out = va + vb;
			return true;
		}
	}
	return false;
}

/* 1: free swap, 0: none, -1: unknown (meminfo SwapFree, or "Free swap" of show_mem). */
static int swap_state(const struct fs_snapshot *s, int64_t *pages)
{
	int64_t v;
	unsigned ps = s->meta.page_size ? s->meta.page_size : 4096;
	if (fs_stats_get(&s->meminfo, "SwapFree", &v)) {
		*pages = v * 1024 / ps;
		return v > 0;
	}
	if (fs_stats_get(&s->vmstat, "free_swap_pages", &v)) {
		*pages = v;
		return v > 0;
	}
	*pages = 0;
	return -1;
}

struct reclaim_zone {
	bool known;
	int64_t file, anon, total;
};

static void zone_reclaimable(const struct walk *w, const struct vzone *vz, int swap,
			     struct reclaim_zone *rc)
{
	memset(rc, 0, sizeof(*rc));
	if (!lru_pages(&vz->sz->stats, "file", true, &rc->file))
		return;
	rc->known = true;
	if (swap > 0 && !lru_pages(&vz->sz->stats, "anon", true, &rc->anon))
		rc->anon = 0;
	rc->total = rc->file + rc->anon;
	(void)w;
}

static void reclaim_zone_step(struct walk *w, struct ladder *L, size_t i,
			      const struct reclaim_zone *rc, int swap)
{
	const struct vzone *vz = &w->zones[i];
	struct vzone tmp = *vz;
	if (tmp.rz.free_pages < 0)
		return;
	tmp.rz.free_pages += rc->total;
	struct vzres r = { 0 };
	vw_zone_check(w, &tmp, FS_WMARK_MIN, w->classzone, L->pass->flags, false, &r);
	int64_t before = L->pass->res[i].wm.margin;
	bool lifts = r.wm.margin > 0 && before <= 0;
	if (r.wm_res != FS_STEP_FAIL)
		L->retry_passes = true;
	if (r.wm.margin > 0)
		L->retry_order0 = true;
	if (lifts && !L->reclaim_lifts) {
		L->reclaim_lifts = true;
		L->lift_zone = (int)i;
		L->lift_needed = -before + 1;
	}
	struct fs_step *s = vw_step(w, FS_STEP_RECLAIM, r.wm.margin > 0 ? FS_STEP_PASS
				    : FS_STEP_FAIL, "reclaim", vz->label,
				    "%s: reclaimable %" PRId64 " (file %" PRId64 " + anon %" PRId64
				    "), free + reclaimable %s", vz->label, rc->total, rc->file,
				    rc->anon, r.wm.ok ? "passes min" : r.wm.margin > 0
				    ? "passes min, but no block of the order" : "fails min");
	vw_formula(s, "available %" PRId64 " = free %" PRId64 " + %" PRId64 "; %" PRId64 " usable "
		   "%s %" PRId64 " + %" PRId64 " by %" PRId64 "%s", tmp.rz.free_pages,
		   vz->rz.free_pages, rc->total, r.wm.usable, r.wm.margin > 0 ? ">" : "<=",
		   r.wm.min_after, r.wm.lowmem_reserve, r.wm.margin > 0 ? r.wm.margin
		   : -r.wm.margin + 1, r.wm.margin > 0 && !r.wm.ok
		   ? "; no usable list of the order or above is non-empty yet" : "");
	vw_detail(s, "zone_reclaimable_pages: file LRU%s; should_reclaim_retry tests this at "
		  "order %d (the list part on the current free lists)",
		  swap > 0 ? " + anon LRU (free swap)" : swap == 0 ? " only (no free swap)"
		  : " only (swap unknown: anon not counted)", w->order);
	fs_stats_set(&s->numbers, "file", rc->file);
	fs_stats_set(&s->numbers, "anon", rc->anon);
	fs_stats_set(&s->numbers, "reclaimable", rc->total);
	fs_stats_set(&s->numbers, "available", tmp.rz.free_pages);
	fs_stats_set(&s->numbers, "margin", r.wm.margin);
	s->margin = r.wm.margin;
}

/* Mem-Info / vmstat LRU counters when the zones have none: the whole system. */
static void reclaim_global(struct walk *w, struct ladder *L, int swap)
{
	int64_t file = 0, anon = 0;
	const struct fs_stats *st = &w->snap->vmstat;
	if (!lru_pages(st, "file", false, &file)) {
		vw_step(w, FS_STEP_RECLAIM, FS_STEP_UNCERTAIN, "reclaim", "",
			"reclaimable memory unknown: no LRU counters in the snapshot");
		return;
	}
	if (swap > 0)
		lru_pages(st, "anon", false, &anon);
	L->reclaim_known = L->reclaim_global = true;
	L->reclaimable = file + anon;
	struct fs_step *s = vw_step(w, FS_STEP_RECLAIM, L->reclaimable ? FS_STEP_INFO
				    : FS_STEP_FAIL, "reclaim", "",
				    "reclaimable %" PRId64 " (file %" PRId64 " + anon %" PRId64
				    ") system-wide", L->reclaimable, file, anon);
	vw_detail(s, "from the global counters: the split per zone is not in the snapshot");
	fs_stats_set(&s->numbers, "reclaimable", L->reclaimable);
	if (L->decisive >= 0 && L->reclaimable > 0) {
		int64_t before = L->pass->res[L->decisive].wm.margin;
		if (before <= 0 && L->reclaimable > -before) {
			L->reclaim_lifts = true;
			L->lift_zone = L->decisive;
			L->lift_needed = -before + 1;
		}
	}
}

static void reclaim_step(struct walk *w, struct ladder *L)
{
	int64_t swap_pages;
	int swap = swap_state(w->snap, &swap_pages);
	bool any = false;
	for (size_t i = 0; i < w->nr_zones; i++) {
		struct reclaim_zone rc;
		zone_reclaimable(w, &w->zones[i], swap, &rc);
		if (!rc.known)
			continue;
		any = true;
		L->reclaim_known = true;
		L->reclaimable += rc.total;
		reclaim_zone_step(w, L, i, &rc, swap);
	}
	if (!any)
		reclaim_global(w, L, swap);
}

/* ---- retries and OOM ------------------------------------------------------ */

static void retry_step(struct walk *w, struct ladder *L)
{
	const char *why = NULL;
	if (vw_has(w, FS_GFP_NOFAIL))
		why = NULL;
	else if (vw_has(w, FS_GFP_NORETRY))
		why = "__GFP_NORETRY: one round of reclaim and compaction, then it gives up";
	else if (costly(w) && !has_retry_mayfail(w))
		why = "costly order without __GFP_RETRY_MAYFAIL: one round, then it gives up";
	else if (costly(w) && w->p->compaction_gates_retries && !compaction_allowed(w))
		why = "costly order and compaction not allowed (no __GFP_IO): no retries";
	if (why) {
		L->one_round = true;
		fs_copy_str(L->one_round_why, sizeof(L->one_round_why), why);
		vw_step(w, FS_STEP_RETRY, FS_STEP_FAIL, "retry", "", "%s", why);
		return;
	}
	if (vw_has(w, FS_GFP_NOFAIL)) {
		vw_step(w, FS_STEP_RETRY, FS_STEP_INFO, "retry", "",
			"__GFP_NOFAIL: retries until it succeeds");
		return;
	}
	struct fs_step *s = vw_step(w, FS_STEP_RETRY, L->retry_passes || L->compaction_may
				    ? FS_STEP_PASS : FS_STEP_FAIL, "retry", "",
				    "should_reclaim_retry %s", L->retry_passes
				    ? "retries (free + reclaimable passes min)"
				    : L->retry_order0
				    ? "stops (free + reclaimable passes min, but no zone has a "
				      "block of the order on its lists yet)"
				    : "stops (free + reclaimable fails min in every zone)");
	/* The compaction clause goes in the detail: in the title (128 bytes) it was cut. */
	vw_detail(s, "%sup to 16 rounds without progress (MAX_RECLAIM_RETRIES)%s",
		  w->order > 0 && compaction_allowed(w)
		  ? "should_compact_retry may retry compaction; " : "",
		  w->p->slowpath_4_4 ? "; 4.4 retries while reclaim makes progress at order <= 3 "
		  "or __GFP_REPEAT" : "");
}

static void oom_step(struct walk *w, struct ladder *L)
{
	const char *gate = NULL;
	if (L->one_round)
		gate = "not reached: the request gives up before the OOM killer";
	else if (costly(w))
		gate = "order > 3: no OOM kill";
	else if (!w->p->slowpath_4_4 && has_retry_mayfail(w))
		gate = "__GFP_RETRY_MAYFAIL: no OOM kill";
	else if (w->highest_rank < 2)
		gate = "DMA/DMA32 request (gfp_zone below Normal): no OOM kill";
	else if (vw_has(w, FS_GFP_THISNODE))
		gate = "__GFP_THISNODE: no OOM kill";
	if (gate && !vw_has(w, FS_GFP_NOFAIL)) {
		snprintf(L->oom_why, sizeof(L->oom_why), "%s", gate);
		vw_step(w, FS_STEP_OOM, FS_STEP_SKIPPED, "oom", "", "%s", gate);
		return;
	}
	if (!vw_has(w, FS_GFP_FS)) {
		L->oom_loops = true;
		snprintf(L->oom_why, sizeof(L->oom_why), "without __GFP_FS out_of_memory() kills "
			 "nothing but reports progress, so the allocator keeps retrying");
		vw_step(w, FS_STEP_OOM, FS_STEP_INFO, "oom", "", "%s", L->oom_why);
		return;
	}
	L->oom_kills = true;
	snprintf(L->oom_why, sizeof(L->oom_why), "the OOM killer may kill a task to free memory");
	struct fs_step *s = vw_step(w, FS_STEP_OOM, FS_STEP_PASS, "oom", "",
				    "out_of_memory() would pick a victim");
	vw_detail(s, "after a last attempt at the high watermark; order <= 3, __GFP_FS, Normal "
		  "or higher, not __GFP_THISNODE");
}

/* ---- outcome -------------------------------------------------------------- */

static void decide(struct walk *w, struct ladder *L)
{
	struct fs_verdict *v = w->v;
	bool lists = L->decisive >= 0 && L->pass->res[L->decisive].wm.margin > 0;
	char help[400] = "";
	if (vw_has(w, FS_GFP_NOFAIL))
		vw_cat(help, sizeof(help), "__GFP_NOFAIL: the allocator loops until reclaim, "
		       "compaction or the OOM killer frees what it needs");
	else if (L->reclaim_lifts)
		vw_cat(help, sizeof(help), "direct reclaim can free up to %" PRId64 " pages%s, and "
		       "%s passes min once %" PRId64 " are freed", L->reclaimable,
		       L->reclaim_global ? " (system-wide)" : "", w->zones[L->lift_zone].label,
		       L->lift_needed);
	else if (lists && L->compaction_may)
		vw_cat(help, sizeof(help), "direct compaction may assemble the block (%s)",
		       L->compact_why);
	else if (lists && L->compaction_after_reclaim)
		vw_cat(help, sizeof(help), "compaction becomes suitable once reclaim (%" PRId64
		       " reclaimable pages) closes its gap", L->reclaimable);
	else if (lists && L->reclaimable > 0)
		vw_cat(help, sizeof(help), "reclaim of up to %" PRId64 " pages may free buddies "
		       "that merge into an order-%d block", L->reclaimable, w->order);
	else if (L->oom_kills || L->oom_loops)
		vw_cat(help, sizeof(help), "%s", L->oom_why);
	bool depends = help[0] != '\0';
	set_failure(w, L, depends ? FS_OUTCOME_DEPENDS : FS_OUTCOME_FAILS);
	if (depends) {
		vw_cat(v->reason, sizeof(v->reason), "; %s", help);
		if (L->one_round)
			vw_cat(v->reason, sizeof(v->reason), " (%s)", L->one_round_why);
		return;
	}
	if (!L->reclaim_known)
		vw_cat(v->reason, sizeof(v->reason), "; reclaimable memory is not in the snapshot");
	else if (L->reclaimable == 0)
		vw_cat(v->reason, sizeof(v->reason), "; nothing is reclaimable");
	else
		vw_cat(v->reason, sizeof(v->reason), "; even all %" PRId64 " reclaimable pages "
		       "leave every zone below min", L->reclaimable);
	if (L->oom_why[0])
		vw_cat(v->reason, sizeof(v->reason), ", and %s", L->oom_why);
}

static void fail_now(struct walk *w, struct ladder *L, const char *why)
{
	set_failure(w, L, FS_OUTCOME_FAILS);
	vw_cat(w->v->reason, sizeof(w->v->reason), "; %s", why);
}

/* ---- warn_alloc -------------------------------------------------------- */

static bool has_managed_dma(const struct walk *w)
{
	for (size_t i = 0; i < w->snap->nr_zones; i++) {
		const struct fs_zone *z = &w->snap->zones[i];
		if (fs_zone_type_rank(z->name) == 0 && (!(z->known & FS_ZK_MANAGED) || z->managed))
			return true;
	}
	return false;
}

/* kernel-rules §7.6 */
static void warn_step(struct walk *w)
{
	const struct fs_verdict *v = w->v;
	if (!v->meaning.warns) {
		bool nowait = w->p->nowait_has_nowarn && !v->meaning.can_sleep;
		vw_step(w, FS_STEP_NOTE, FS_STEP_INFO, "warn", "", "silent: __GFP_NOWARN%s",
			nowait ? " (6.8+: GFP_NOWAIT carries it)" : "");
		return;
	}
	bool dma = vw_has(w, FS_GFP_DMA) && !has_managed_dma(w) && w->p->warn_skips_unmanaged_dma;
	struct fs_step *s = vw_step(w, FS_STEP_WARN, dma ? FS_STEP_SKIPPED : FS_STEP_INFO, "warn",
				    "", "%swarn_alloc prints \"page allocation failure: order:%d, "
				    "mode:%#" PRIx64 "\"", v->outcome == FS_OUTCOME_DEPENDS
				    ? "if that does not succeed, " : "", w->order, w->gfp);
	if (dma)
		vw_detail(s, "suppressed: __GFP_DMA and no zone has managed DMA pages");
	else
		vw_detail(s, "rate limited to %u report%s per %u s (then show_mem)%s",
			  w->p->warn_ratelimit_burst, w->p->warn_ratelimit_burst == 1 ? "" : "s",
			  w->p->warn_ratelimit_s, w->p->show_mem_ratelimited
			  ? "; 4.19 also limits show_mem to once a second" : "");
	fs_stats_set(&s->numbers, "ratelimit_s", w->p->warn_ratelimit_s);
	fs_stats_set(&s->numbers, "ratelimit_burst", w->p->warn_ratelimit_burst);
}

/* ---- the ladder ---------------------------------------------------------- */

static void ladder_sleeping(struct walk *w, struct ladder *L)
{
	bool old = w->p->slowpath_4_4;
	if (w->task.pf_memalloc) {
		fail_now(w, L, "PF_MEMALLOC: a reclaim context does not reclaim again");
		return;
	}
	if (old) {
		if (compaction_allowed(w) && compaction_zones(w, L, "compaction") ==
		    FS_COMPACT_CONTINUE)
			L->compaction_may = true;
		else if (w->order > 0 && !w->v->meaning.may_compact)
			compaction_not_allowed(w, "compaction");
		reclaim_step(w, L);
	} else {
		reclaim_step(w, L);
		if (compaction_allowed(w)) {
			if (compaction_zones(w, L, "compaction") == FS_COMPACT_CONTINUE)
				L->compaction_may = true;
		} else if (w->order > 0) {
			compaction_not_allowed(w, "compaction");
		}
	}
	retry_step(w, L);
	oom_step(w, L);
	decide(w, L);
}

static void ladder_after_slow(struct walk *w, struct ladder *L)
{
	if (!w->p->slowpath_4_4)
		early_compaction(w, L);
	if (L->early_bail) {
		fail_now(w, L, L->bail_why);
		return;
	}
	if (reserves_step(w, L))
		return;
	if (!w->v->meaning.can_sleep) {
		vw_step(w, FS_STEP_RECLAIM, FS_STEP_SKIPPED, "reclaim", "",
			"no __GFP_DIRECT_RECLAIM: no reclaim, compaction, retry or OOM");
		fail_now(w, L, vw_has(w, FS_GFP_NOFAIL)
			 ? "the mask cannot sleep (no __GFP_DIRECT_RECLAIM), so even __GFP_NOFAIL "
			   "fails here"
			 : "the mask cannot sleep (no __GFP_DIRECT_RECLAIM): nothing follows the "
			   "freelist attempts");
		return;
	}
	ladder_sleeping(w, L);
}

void vw_ladder(struct walk *w)
{
	struct ladder L;
	memset(&L, 0, sizeof(L));
	L.lift_zone = -1;
	kswapd_step(w);
	vw_pass(w, &w->slow, "slow", FS_WMARK_MIN, w->v->meaning.slow_flags, false,
		VW_RECORD_ALL);
	if (w->slow.chosen >= 0) {
		vw_succeed(w, FS_OUTCOME_SLOW, &w->slow);
		return;
	}
	if (w->fast.chosen >= 0) {      /* only on a condition, which the slow path lacks */
		vw_succeed(w, FS_OUTCOME_FAST, &w->fast);
		return;
	}
	L.pass = &w->slow;
	L.decisive = decisive_zone(w, &w->slow);
	ladder_after_slow(w, &L);
	if (w->v->outcome == FS_OUTCOME_FAILS || w->v->outcome == FS_OUTCOME_DEPENDS) {
		const struct vpass *maybe = w->fast.maybe >= 0 ? &w->fast
					    : w->slow.maybe >= 0 ? &w->slow : NULL;
		if (maybe)
			vw_cat(w->v->reason, sizeof(w->v->reason), " [UNCERTAIN: %s may still "
			       "serve it, which the snapshot cannot rule out]",
			       w->zones[maybe->maybe].label);
		warn_step(w);
	}
}
