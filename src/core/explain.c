/*
 * explain.c - a warn_alloc report explained: its request (order, mode)
 * rebuilt and run against the state printed with it, and whether that
 * state explains the failure. When it would have satisfied the request the
 * explanation says so with the numbers rather than inventing a reason.
 *
 * Also the risk factors any engineer should see in a snapshot (verdict->
 * risks): the share of free memory in CMA, high-order headroom per
 * migratetype, the watermark settings and the highatomic reserve.
 */
#include "verdict_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"

void fs_verdict_add_risk(struct fs_verdict *v, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fs_grow((void **)&v->risks, &v->risks_cap, v->nr_risks + 1, sizeof(*v->risks));
	v->risks[v->nr_risks++] = fs_xstrdup(buf);
}

/* ---- risk factors -------------------------------------------------------- */

static void risk_cma(struct walk *w, const struct vzone *vz)
{
	const struct fs_zone *z = vz->sz;
	if (!(z->known & FS_ZK_FREE_CMA) || !z->free_cma || !z->free_pages)
		return;
	uint64_t permille = (z->free_cma * 1000 + z->free_pages / 2) / z->free_pages;
	if (permille < 10)
		return;
	bool may = w->v->meaning.slow_flags & FS_ALLOC_CMA;
	fs_verdict_add_risk(w->v, "%s: %" PRIu64 " of %" PRIu64 " free pages are CMA (%" PRIu64
			    ".%" PRIu64 "%%): only movable allocations may use them%s", vz->label,
			    z->free_cma, z->free_pages, permille / 10, permille % 10,
			    may ? "" : ", and this request may not");
}

/* Free blocks of type mt at order o: exact, or a lower bound (*bound). A list
 * known only as non-empty is exact when it is the only non-empty one of an
 * order whose total is exact (warn_alloc: one letter after an exact count). */
static int64_t type_blocks(const struct fs_rules_zone *rz, int o, enum fs_mt mt, bool *bound)
{
	struct fs_count c = rz->blocks[o][mt];
	if (c.kind == FS_COUNT_EXACT || c.kind == FS_COUNT_EMPTY_KNOWN || !fs_count_nonzero(c))
		return c.kind == FS_COUNT_EXACT ? (int64_t)c.value : 0;
	bool alone = rz->nr_free[o].kind == FS_COUNT_EXACT;
	for (int t = 0; t < FS_MT_COUNT && alone; t++) {
		struct fs_count other = rz->blocks[o][t];
		if (t != (int)mt && (other.kind == FS_COUNT_NONE || fs_count_nonzero(other)))
			alone = false;
	}
	if (alone)
		return (int64_t)rz->nr_free[o].value;
	*bound = true;
	return c.value ? (int64_t)c.value : 1;
}

/* Free blocks of type mt at orders >= from: the count, or a lower bound. */
static int64_t blocks_from(const struct fs_rules_zone *rz, enum fs_mt mt, int from, bool *bound,
			   bool *known)
{
	int64_t n = 0;
	for (int o = from; o < rz->nr_orders && o < FS_MAX_ORDERS; o++) {
		if (rz->blocks[o][mt].kind == FS_COUNT_NONE) {
			if (fs_count_nonzero(rz->nr_free[o]))
				*known = false;
			continue;
		}
		n += type_blocks(rz, o, mt, bound);
	}
	return n;
}

static bool has_rows(const struct fs_rules_zone *rz, enum fs_mt mt)
{
	for (int o = 0; o < rz->nr_orders && o < FS_MAX_ORDERS; o++)
		if (rz->blocks[o][mt].kind != FS_COUNT_NONE)
			return true;
	return false;
}

static void risk_headroom(struct walk *w, const struct vzone *vz)
{
	const struct fs_rules_zone *rz = &vz->rz;
	int hi = w->pageblock_order, lo = w->p->costly_order;
	char text[400] = "";
	bool any_bound = false;
	for (int i = 0; i < w->p->nr_migratetypes && i < FS_MT_COUNT; i++) {
		enum fs_mt mt = (enum fs_mt)w->p->migratetypes[i];
		if (mt == FS_MT_ISOLATE || !has_rows(rz, mt))
			continue;
		bool bound_a = false, bound_b = false, known = true;
		int64_t a = blocks_from(rz, mt, lo, &bound_a, &known);
		int64_t b = blocks_from(rz, mt, hi, &bound_b, &known);
		if (!known || (a == 0 && (mt == FS_MT_HIGHATOMIC || mt == FS_MT_CMA)))
			continue;       /* no reserve, no CMA: nothing to say */
		any_bound = any_bound || bound_a || bound_b;
		vw_cat(text, sizeof(text), "%s%s %s%" PRId64 "/%s%" PRId64, text[0] ? ", " : "",
		       fs_mt_name(mt), bound_a ? ">=" : "", a, bound_b ? ">=" : "", b);
	}
	if (!text[0])
		return;
	fs_verdict_add_risk(w->v, "%s: free blocks of order >= %d / >= %d (pageblock) per "
			    "migratetype: %s%s", vz->label, lo, hi, text, any_bound
			    ? " (\">=\": the report only says which lists are non-empty)" : "");
}

static void risk_watermarks(struct walk *w, const struct vzone *vz)
{
	const struct fs_zone *z = vz->sz;
	if (!(z->known & FS_ZK_WMARK))
		return;
	int64_t min = (int64_t)z->wmark_min, low = (int64_t)z->wmark_low;
	int64_t high = (int64_t)z->wmark_high;
	int64_t boost = (z->known & FS_ZK_BOOST) ? (int64_t)z->wmark_boost : 0;
	int64_t gap1 = low - min, gap2 = high - low, tmp = min - boost;
	char text[512];
	snprintf(text, sizeof(text), "%s watermarks: min %" PRId64 ", low %" PRId64 ", high %"
		 PRId64 " pages (low-min %" PRId64 ", high-low %" PRId64 ")", vz->label, min, low,
		 high, gap1, gap2);
	if (gap1 > gap2 + 1)
		vw_cat(text, sizeof(text), "; low and high sit %" PRId64 " pages above mainline's "
		       "min + step / min + 2*step: Android's extra_free_kbytes or a vendor change",
		       gap1 - gap2);
	int rank = fs_zone_type_rank(z->name);
	/* 4.4 has no watermark_scale_factor: min/4 is the step there */
	if (w->p->has_watermark_scale_factor && rank != 3 && rank != 4 &&
	    (z->known & FS_ZK_MANAGED) && z->managed) {
		int64_t managed = (int64_t)z->managed;
		/* step = managed * wsf / 10000 (integer): the wsf values giving it */
		int64_t lo_w = (gap2 * 10000 + managed - 1) / managed;
		int64_t hi_w = ((gap2 + 1) * 10000 + managed - 1) / managed - 1;
		if (gap2 > tmp / 4 + 1 && lo_w <= 10 && 10 <= hi_w)
			vw_cat(text, sizeof(text), "; the default watermark_scale_factor 10 sets "
			       "the step");
		else if (gap2 > tmp / 4 + 1 && lo_w >= hi_w)
			vw_cat(text, sizeof(text), "; watermark_scale_factor %" PRId64 " (default "
			       "10) sets the step", lo_w);
		else if (gap2 > tmp / 4 + 1)
			vw_cat(text, sizeof(text), "; watermark_scale_factor %" PRId64 "..%" PRId64
			       " (default 10) sets the step", lo_w, hi_w);
		else
			vw_cat(text, sizeof(text), "; step = min/4: min_free_kbytes sets the gaps "
			       "(watermark_scale_factor at most %" PRId64 ")",
			       ((tmp / 4 + 1) * 10000 + managed - 1) / managed - 1);
	}
	if (boost > 0)
		vw_cat(text, sizeof(text), "; boost %" PRId64 " pages raises all three after a "
		       "fallback steal until kswapd reclaims it", boost);
	fs_verdict_add_risk(w->v, "%s", text);
}

static void risk_highatomic(struct walk *w, const struct vzone *vz)
{
	const struct fs_zone *z = vz->sz;
	const struct fs_rules_zone *rz = &vz->rz;
	int64_t pb = vw_pageblock_pages(w);
	int64_t max = rz->managed > 0 ? vw_highatomic_reserve_max(w, rz->managed) : -1;
	char cap[160] = "";
	if (max >= 0)
		snprintf(cap, sizeof(cap), "it grows to at most %" PRId64 " pages (%s)", max,
			 w->p->highatomic_cap_aligned
			 ? "1% of managed aligned up to a pageblock"
			 : "while below managed/100 + 1 pageblock");
	int64_t reserved = (z->known & FS_ZK_RESERVED_HIGHATOMIC) ? (int64_t)z->reserved_highatomic
			   : rz->highatomic_reserved;
	if (reserved > 0) {
		fs_verdict_add_risk(w->v, "%s: highatomic reserve %" PRId64 " pages (%" PRId64
				    " pageblocks)%s%s; requests not entitled to it lose %s from "
				    "their watermark check", vz->label, reserved, reserved / pb,
				    cap[0] ? ", " : "", cap, w->p->highatomic_counts_free
				    ? "its free pages" : "all of it");
		return;
	}
	bool any = false;
	for (int o = 0; o < rz->nr_orders && o < FS_MAX_ORDERS && !any; o++)
		any = fs_count_nonzero(rz->blocks[o][FS_MT_HIGHATOMIC]);
	if (reserved < 0 && any)
		fs_verdict_add_risk(w->v, "%s: HighAtomic lists are non-empty, so a highatomic "
				    "reserve exists; its size is not in the snapshot (%" PRId64
				    "..%" PRId64 " pages possible)%s%s", vz->label, vz->ha_lo,
				    vz->ha_hi, cap[0] ? "; " : "", cap);
}

void vw_risks(struct walk *w)
{
	for (size_t i = 0; i < w->nr_zones; i++)
		risk_cma(w, &w->zones[i]);
	for (size_t i = 0; i < w->nr_zones; i++)
		risk_headroom(w, &w->zones[i]);
	for (size_t i = 0; i < w->nr_zones; i++)
		risk_watermarks(w, &w->zones[i]);
	for (size_t i = 0; i < w->nr_zones; i++)
		risk_highatomic(w, &w->zones[i]);
}

/* ---- reports ------------------------------------------------------------- */

void fs_explanation_init(struct fs_explanation *e)
{
	memset(e, 0, sizeof(*e));
	fs_verdict_init(&e->verdict);
}

void fs_explanation_clear(struct fs_explanation *e)
{
	fs_verdict_clear(&e->verdict);
	fs_explanation_init(e);
}

static bool report_has_state(const struct fs_report *r)
{
	if (!r->snapshot)
		return false;
	for (size_t i = 0; i < r->snapshot->nr_zones; i++) {
		uint32_t k = r->snapshot->zones[i].known;
		if ((k & FS_ZK_FREE_PAGES) && (k & FS_ZK_WMARK))
			return true;
	}
	return false;
}

static const char *report_release(const struct fs_report *r)
{
	if (r->kernel_release[0])
		return r->kernel_release;
	return r->snapshot ? r->snapshot->meta.kernel_release : "";
}

/* vmalloc reports whose failure is not a page allocation (kernel-rules §8.3). */
static const char *vmalloc_not_pages(const struct fs_report *r)
{
	if (r->kind != FS_REPORT_VMALLOC)
		return NULL;
	const char *m = r->message;
	if (strstr(m, "exceeds total pages"))
		return "the size exceeds the total RAM, checked before any page is allocated";
	if (strstr(m, "vm_struct allocation failed"))
		return "no virtual address range (vm_struct) could be allocated";
	if (strstr(m, "failed to map pages"))
		return "mapping the pages into the vmalloc area failed";
	if (strstr(m, "page array"))
		return "the array of page pointers (an allocation of its own) failed";
	if (strstr(m, "allocation failure:") && !strstr(m, "allocated "))
		return "the size was refused or no virtual address range was free, before any "
		       "page was allocated";
	return NULL;
}

static void no_judgement(struct fs_explanation *e, const struct fs_report *r,
			 const struct fs_verdict_request *req, const char *why)
{
	vw_request_only(req, report_release(r), r->snapshot, &e->verdict);
	struct fs_verdict *v = &e->verdict;
	v->outcome = FS_OUTCOME_FAILS;
	fs_copy_str(v->reason, sizeof(v->reason), why);
	snprintf(v->change, sizeof(v->change), "needs the report's show_mem part (Mem-Info with "
		 "per-zone lines)");
	snprintf(e->summary, sizeof(e->summary), "cannot judge: %s", why);
}

static void summarize(struct fs_explanation *e, const struct fs_report *r)
{
	const struct fs_verdict *v = &e->verdict;
	const char *vm = vmalloc_not_pages(r);
	if (vm) {
		e->explains = false;
		snprintf(e->summary, sizeof(e->summary), "not a page allocation failure: %s; the "
			 "printed state for an order-%d request: %s (%s)", vm, v->order,
			 fs_outcome_name(v->outcome), v->reason);
		return;
	}
	size_t pre = strlen(VW_FAILS_ONLY_IF);
	if ((v->outcome == FS_OUTCOME_FAST || v->outcome == FS_OUTCOME_SLOW) && v->uncertain &&
	    strncmp(v->change, VW_FAILS_ONLY_IF, pre) == 0) {
		/* the kernel did fail: the report is evidence for the unknown input */
		e->explains = true;
		snprintf(e->summary, sizeof(e->summary), "the printed state explains the failure "
			 "only if %s; otherwise it would have satisfied the request: %s",
			 v->change + pre, v->reason);
		return;
	}
	switch (v->outcome) {
	case FS_OUTCOME_FAST:
	case FS_OUTCOME_SLOW:
		e->explains = false;
		snprintf(e->summary, sizeof(e->summary), "the printed state would have satisfied "
			 "the request, so the state changed between the failure and the print, or "
			 "the kernel is not mainline: %s", v->reason);
		break;
	case FS_OUTCOME_FAILS:
		e->explains = true;
		snprintf(e->summary, sizeof(e->summary), "the printed state explains the failure: "
			 "%s", v->reason);
		break;
	case FS_OUTCOME_DEPENDS:
		e->explains = true;
		snprintf(e->summary, sizeof(e->summary), "the printed state explains the failed "
			 "freelist attempts, and reclaim and compaction evidently did not help "
			 "before warn_alloc: %s", v->reason);
		break;
	}
}

int fs_explain_report(const struct fs_report *report, const struct fs_kprofile *profile,
		      const struct fs_kconfig *config, struct fs_explanation *out)
{
	fs_explanation_clear(out);
	struct fs_verdict_request req = {
		.gfp = report->mode, .order = report->order >= 0 ? report->order : 0,
		.node = -1, .profile = profile, .config = config,
	};
	out->has_state = report_has_state(report);
	if (!report->has_mode) {
		no_judgement(out, report, &req, "the report prints no gfp mask");
		return 0;
	}
	if (!out->has_state) {
		no_judgement(out, report, &req, "the report printed no per-zone state "
			     "(show_mem rate-limited, filtered or cut off): the request is decoded "
			     "but cannot be judged");
		return 0;
	}
	/* -1 from the run means "fails at once" (order beyond the maximum, no
	 * zone for the mask): still an explanation, with its reason set */
	vw_run(report->snapshot, &req, report_release(report), &out->verdict);
	if (report->order < 0) {
		struct walk w = { .v = &out->verdict };
		vw_step(&w, FS_STEP_NOTE, FS_STEP_INFO, "request", "", "the report prints no "
			"order: order 0 assumed (vmalloc allocates single pages)");
	}
	summarize(out, report);
	return 0;
}
