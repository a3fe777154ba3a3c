/*
 * verdict.c - "would (gfp, order) succeed on this snapshot, and why": the
 * request decoded, the zonelist, and the get_page_from_freelist attempts
 * (fast path at the low watermark, slow path at min with the flags the mask
 * earns). What follows a failed slow attempt is verdict_ladder.c.
 *
 * The per-zone decisions are krules.h's (the one implementation the engine
 * shares); this file only walks them in the kernel's order and writes down
 * every decision with its numbers. Kernel facts: ../shared/kernel-rules.md
 * §2 (zonelist, lowmem_reserve), §4 (alloc flags), §5 (watermarks), §6
 * (free lists), §12 (the procedure).
 */
#include "verdict_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"

/* ---- names ------------------------------------------------------------ */

const char *fs_outcome_name(enum fs_outcome o)
{
	switch (o) {
	case FS_OUTCOME_FAST: return "succeeds (fast path)";
	case FS_OUTCOME_SLOW: return "succeeds (slow path)";
	case FS_OUTCOME_DEPENDS: return "depends on reclaim or compaction";
	case FS_OUTCOME_FAILS: return "fails";
	}
	return "unknown";
}

int fs_outcome_exit_status(enum fs_outcome o)
{
	switch (o) {
	case FS_OUTCOME_FAST:
	case FS_OUTCOME_SLOW: return 0;
	case FS_OUTCOME_FAILS: return 1;
	case FS_OUTCOME_DEPENDS: return 2;
	}
	return 1;
}

const char *fs_step_kind_name(enum fs_step_kind k)
{
	static const char *const names[] = {
		[FS_STEP_REQUEST] = "request", [FS_STEP_ZONELIST] = "zonelist",
		[FS_STEP_WATERMARK] = "watermark", [FS_STEP_FREELIST] = "freelist",
		[FS_STEP_KSWAPD] = "kswapd", [FS_STEP_RESERVES] = "reserves",
		[FS_STEP_COMPACTION] = "compaction", [FS_STEP_RECLAIM] = "reclaim",
		[FS_STEP_RETRY] = "retry", [FS_STEP_OOM] = "oom", [FS_STEP_WARN] = "warn",
		[FS_STEP_NOTE] = "note",
	};
	if ((unsigned)k < sizeof(names) / sizeof(names[0]) && names[k])
		return names[k];
	return "unknown";
}

const char *fs_step_result_name(enum fs_step_result r)
{
	switch (r) {
	case FS_STEP_PASS: return "pass";
	case FS_STEP_FAIL: return "fail";
	case FS_STEP_INFO: return "info";
	case FS_STEP_SKIPPED: return "skipped";
	case FS_STEP_UNCERTAIN: return "uncertain";
	}
	return "unknown";
}

/* ---- the verdict object ------------------------------------------------ */

void fs_verdict_init(struct fs_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->suitable_blocks = -1;
	v->outcome = FS_OUTCOME_FAILS;
}

void fs_verdict_clear(struct fs_verdict *v)
{
	for (size_t i = 0; i < v->nr_steps; i++)
		fs_stats_free(&v->steps[i].numbers);
	free(v->steps);
	for (size_t i = 0; i < v->nr_risks; i++)
		free(v->risks[i]);
	free(v->risks);
	fs_verdict_init(v);
}

void vw_cat(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	if (len + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

void vw_set(char *buf, size_t size, const char *fmt, ...)
{
	if (!size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

struct fs_step *vw_step(struct walk *w, enum fs_step_kind kind, enum fs_step_result result,
			const char *phase, const char *zone, const char *fmt, ...)
{
	struct fs_verdict *v = w->v;
	fs_grow((void **)&v->steps, &v->steps_cap, v->nr_steps + 1, sizeof(*v->steps));
	struct fs_step *s = &v->steps[v->nr_steps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->result = result;
	fs_copy_str(s->phase, sizeof(s->phase), phase ? phase : "");
	fs_copy_str(s->zone, sizeof(s->zone), zone ? zone : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->title, sizeof(s->title), fmt, ap);
	va_end(ap);
	return s;
}

void vw_formula(struct fs_step *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->formula, sizeof(s->formula), fmt, ap);
	va_end(ap);
}

void vw_detail(struct fs_step *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}

/* ---- small facts ---------------------------------------------------------- */

bool vw_has(const struct walk *w, enum fs_gfp_flag f)
{
	return fs_gfp_has(w->p, w->c, w->gfp, f);
}

/* kernel-rules §5.1: HighAtomic lists in the watermark's list check. */
bool vw_highatomic_entitled(const struct walk *w, unsigned flags)
{
	if (w->p->reserve_scheme == FS_RESERVE_MIN_NONBLOCK)
		return flags & (FS_ALLOC_HIGHATOMIC | FS_ALLOC_OOM);
	return flags & (FS_ALLOC_HARDER | FS_ALLOC_OOM);
}

/* The lists a request may take a block from: its own type and, by fallback
 * stealing, the other two pcp types always; CMA with ALLOC_CMA; HighAtomic
 * when entitled (§5.1) or, in 6.3+, as the last resort of non-blocking and
 * OOM requests (§6.1). Isolate never. */
uint32_t vw_allowed_types(const struct walk *w, unsigned flags)
{
	uint32_t t = 1u << FS_MT_UNMOVABLE | 1u << FS_MT_MOVABLE | 1u << FS_MT_RECLAIMABLE;
	if (flags & FS_ALLOC_CMA)
		t |= 1u << FS_MT_CMA;
	if (vw_highatomic_entitled(w, flags) || (flags & FS_ALLOC_NO_WATERMARKS))
		t |= 1u << FS_MT_HIGHATOMIC;
	else if (w->order == 0 && w->p->reserve_scheme == FS_RESERVE_MIN_NONBLOCK &&
		 (flags & (FS_ALLOC_NON_BLOCK | FS_ALLOC_OOM)))
		t |= 1u << FS_MT_HIGHATOMIC;
	return t;
}

void vw_types_text(uint32_t types, char *out, size_t size)
{
	static const enum fs_mt order[] = { FS_MT_UNMOVABLE, FS_MT_MOVABLE, FS_MT_RECLAIMABLE,
					    FS_MT_HIGHATOMIC, FS_MT_CMA, FS_MT_ISOLATE,
					    FS_MT_RESERVE };
	int n = 0, total = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		total += (types >> order[i]) & 1;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(types & (1u << order[i])))
			continue;
		n++;
		vw_cat(out, size, "%s%s", n == 1 ? "" : n == total ? " or " : ", ",
		       fs_mt_name(order[i]));
	}
	if (n == 0)
		vw_cat(out, size, "no");
}

int64_t vw_pageblock_pages(const struct walk *w)
{
	return (int64_t)1 << w->pageblock_order;
}

/* pageblock_order when the snapshot does not print it: the PMD order of
 * the page size (kernel-rules §6.6), capped below the number of orders. */
static int guess_pageblock_order(const struct fs_snapshot *s, int nr_orders)
{
	int pb = s->meta.pageblock_order;
	if (pb < 0) {
		unsigned ps = s->meta.page_size ? s->meta.page_size : 4096;
		int shift = 12;
		while ((1u << shift) < ps && shift < 20)
			shift++;
		pb = shift - 3;  /* PMD_SHIFT - PAGE_SHIFT = (PAGE_SHIFT - 3) */
	}
	if (pb > nr_orders - 1)
		pb = nr_orders - 1;
	return pb < 0 ? 0 : pb;
}

/* ---- profile, config and request ----------------------------------------- */

static bool snapshot_has_cma(const struct fs_snapshot *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < s->nr_zones; i++) {
		const struct fs_zone *z = &s->zones[i];
		if (z->free_cma || z->cma_pages || (z->mt_rows & (1u << FS_MT_CMA)))
			return true;
	}
	int64_t v;
	return fs_stats_get(&s->vmstat, "pages_cma_reserved", &v) && v > 0;
}

static void choose_profile(struct walk *w, const struct fs_verdict_request *req,
			   const char *release)
{
	struct fs_verdict *v = w->v;
	if (req->profile) {
		v->profile = req->profile;
		snprintf(v->profile_why, sizeof(v->profile_why), "profile %s as requested",
			 req->profile->name);
	} else {
		bool guessed = false;
		char why[160] = "";
		v->profile = fs_kprofile_for_release(release, &guessed, why, sizeof(why));
		v->profile_guessed = guessed;
		if (guessed && (!release || !release[0]))
			snprintf(v->profile_why, sizeof(v->profile_why),
				 "no release known: newest profile used (%s)", v->profile->name);
		else if (why[0])
			fs_copy_str(v->profile_why, sizeof(v->profile_why), why);
		else
			snprintf(v->profile_why, sizeof(v->profile_why), "release \"%.60s\" -> "
				 "profile %s%s", release, v->profile->name,
				 guessed ? " (guessed)" : "");
	}
	w->p = v->profile;
	if (req->config) {
		v->config = *req->config;
	} else {
		fs_kconfig_default(w->p, &v->config);
		/* what the snapshot shows beats the distro default */
		if (snapshot_has_cma(w->snap))
			v->config.cma = true;
		if (w->snap && w->snap->nr_nodes > 1)
			v->config.numa = true;
	}
	w->c = &v->config;
}

static void request_step(struct walk *w)
{
	struct fs_verdict *v = w->v;
	const struct fs_gfp_meaning *m = &v->meaning;
	char fast[160], slow[160], res[160];
	fs_alloc_flags_format(w->p, m->fast_flags, fast, sizeof(fast));
	fs_alloc_flags_format(w->p, m->slow_flags, slow, sizeof(slow));
	fs_alloc_flags_format(w->p, m->reserve_flags, res, sizeof(res));
	struct fs_step *s = vw_step(w, FS_STEP_REQUEST, FS_STEP_INFO, "request", "",
				    "order %d, mode %#" PRIx64 "(%s), kernel profile %s", w->order,
				    w->gfp, v->gfp_names, w->p->name);
	vw_formula(s, "gfp_zone -> %s; migratetype -> %s; fast path flags %s; slow path flags "
		   "%s (min x %d/%d)%s%s", m->highest_zone ? m->highest_zone : "?",
		   fs_mt_name(m->migratetype), fast[0] ? fast : "none", slow[0] ? slow : "none",
		   m->min_mult_num, m->min_mult_den, m->reserve_flags ? "; reserve flags " : "",
		   m->reserve_flags ? res : "");
	vw_detail(s, "%s; may sleep: %s, wakes kswapd: %s, direct reclaim: %s, compaction: %s, "
		  "retries: %s, OOM: %s, NOFAIL: %s, CMA: %s, reserves: %s, HighAtomic: %s, "
		  "warns: %s%s%s", v->profile_why, m->can_sleep ? "yes" : "no",
		  m->wakes_kswapd ? "yes" : "no", m->may_reclaim ? "yes" : "no",
		  m->may_compact ? "yes" : "no", m->may_retry ? "yes" : "no",
		  m->may_oom ? "yes" : "no", m->nofail ? "yes" : "no", m->uses_cma ? "yes" : "no",
		  m->uses_reserves ? "yes" : "no", m->uses_highatomic ? "yes" : "no",
		  m->warns ? "yes" : "no", m->notes[0] ? "; " : "", m->notes);
	fs_stats_set(&s->numbers, "gfp", (int64_t)w->gfp);
	fs_stats_set(&s->numbers, "order", w->order);
	fs_stats_set(&s->numbers, "highest_zone_rank", m->highest_zone_rank);
	fs_stats_set(&s->numbers, "migratetype", m->migratetype);
	fs_stats_set(&s->numbers, "fast_flags", m->fast_flags);
	fs_stats_set(&s->numbers, "slow_flags", m->slow_flags);
	fs_stats_set(&s->numbers, "reserve_flags", m->reserve_flags);

	enum fs_gfp_flag flags[FS_GFP_NR_FLAGS];
	uint64_t residue = 0;
	fs_gfp_flags(w->p, w->c, w->gfp, flags, FS_GFP_NR_FLAGS, &residue);
	if (residue)
		vw_step(w, FS_STEP_NOTE, FS_STEP_UNCERTAIN, "request", "",
			"bits %#" PRIx64 " are no gfp flag of profile %s", residue, w->p->name);
}

/* ---- zonelist ---------------------------------------------------------- */

static bool zone_type_exists(const struct fs_snapshot *s, int rank)
{
	for (size_t i = 0; i < s->nr_zones; i++)
		if (fs_zone_type_rank(s->zones[i].name) == rank)
			return true;
	return false;
}

/* The kernel's zone index (lowmem_reserve[] column) of a zone type: Normal
 * and Movable are always in enum zone_type, DMA, DMA32 and HighMem only when
 * configured, which the snapshot tells by printing them (kernel-rules §2.1). */
static int kernel_zone_index(const struct fs_snapshot *s, int rank)
{
	int idx = 0;
	for (int r = 0; r < rank; r++)
		if (r == 2 || r == 4 || zone_type_exists(s, r))
			idx++;
	return idx;
}

/* gfp_zone() on this machine: a zone type it was not built with falls back
 * to Normal (OPT_ZONE_DMA, OPT_ZONE_DMA32, OPT_ZONE_HIGHMEM). */
static int effective_highest_rank(const struct walk *w, int rank, char *note, size_t size)
{
	if ((rank == 0 || rank == 1 || rank == 3) && !zone_type_exists(w->snap, rank)) {
		static const char *const names[] = { "DMA", "DMA32", "Normal", "HighMem" };
		snprintf(note, size, "no %s zone in the snapshot: gfp_zone() is Normal on a "
			 "kernel without ZONE_%s", names[rank],
			 rank == 3 ? "HIGHMEM" : names[rank]);
		return 2;
	}
	return rank;
}

/* In the zonelist: managed_pages > 0 (kernel-rules §2.2); a snapshot without
 * managed counts (buddyinfo only) lists populated zones. */
static bool zone_usable(const struct fs_zone *z)
{
	if (z->known & FS_ZK_MANAGED)
		return z->managed > 0;
	if (z->known & FS_ZK_PRESENT)
		return z->present > 0;
	return z->populated || z->free_pages > 0;
}

static int preferred_node(const struct walk *w, int want, char *note, size_t size)
{
	const struct fs_snapshot *s = w->snap;
	int first = -1;
	for (size_t i = 0; i < s->nr_zones; i++) {
		const struct fs_zone *z = &s->zones[i];
		if (!zone_usable(z) || fs_zone_type_rank(z->name) > w->highest_rank)
			continue;
		if (z->node == want)
			return want;
		if (first < 0 || z->node < first)
			first = z->node;
	}
	if (want >= 0)
		snprintf(note, size, "node %d has no zone for this mask in the snapshot: node %d "
			 "used", want, first);
	return first;
}

/* Mem-Info's global free_cma (vmstat nr_free_cma) belongs to the one zone
 * whose own free_cma was not printed (a zone line cut short), when every other
 * zone's is known. */
static void global_cma(struct walk *w, char *note, size_t size)
{
	int64_t total, known = 0;
	int unknown = -1;
	if (!fs_stats_get(&w->snap->vmstat, "free_cma", &total) &&
	    !fs_stats_get(&w->snap->vmstat, "nr_free_cma", &total))
		return;
	for (size_t i = 0; i < w->snap->nr_zones; i++) {
		const struct fs_zone *z = &w->snap->zones[i];
		if (!zone_usable(z))
			continue;
		if (z->known & FS_ZK_FREE_CMA) {
			known += (int64_t)z->free_cma;
			continue;
		}
		if (unknown >= 0)
			return;         /* two zones share it: no split */
		unknown = (int)i;
	}
	for (size_t i = 0; unknown >= 0 && i < w->nr_zones; i++) {
		struct vzone *vz = &w->zones[i];
		if (vz->sz != &w->snap->zones[unknown] || vz->rz.free_cma >= 0)
			continue;
		vz->rz.free_cma = total - known > 0 ? total - known : 0;
		vw_cat(note, size, "%s%s: free CMA %" PRId64 " from the global counter (its own "
		       "is not printed)", note[0] ? "; " : "", vz->label, vz->rz.free_cma);
	}
}

static void add_zone(struct walk *w, const struct fs_zone *z, bool local)
{
	struct vzone *vz = &w->zones[w->nr_zones++];
	memset(vz, 0, sizeof(*vz));
	vz->sz = z;
	vz->local = local;
	vz->index = kernel_zone_index(w->snap, fs_zone_type_rank(z->name));
	snprintf(vz->label, sizeof(vz->label), "Node %d %s", z->node, z->name);
	fs_rules_zone_from_snapshot(w->p, w->snap, z, &vz->rz);
	/* lowmem_reserve[i][j] is 0 for j <= i (kernel-rules §2.3): known even when
	 * the protection line is missing */
	if (vz->rz.nr_lowmem_reserve == 0 && vz->index < FS_MAX_ZONE_TYPES) {
		for (int j = 0; j <= vz->index; j++)
			vz->rz.lowmem_reserve[j] = 0;
		vz->rz.nr_lowmem_reserve = vz->index + 1;
	}
}

/* Zones of one node, highest index first. */
static void add_node_zones(struct walk *w, int node, bool local)
{
	const struct fs_snapshot *s = w->snap;
	for (size_t k = s->nr_zones; k-- > 0;) {
		const struct fs_zone *z = &s->zones[k];
		if (z->node != node || !zone_usable(z))
			continue;
		int rank = fs_zone_type_rank(z->name);
		if (rank < 0 || rank > w->highest_rank)
			continue;
		add_zone(w, z, local);
	}
}

static void build_zonelist(struct walk *w, const struct fs_verdict_request *req, char *note,
			   size_t size)
{
	const struct fs_snapshot *s = w->snap;
	w->zones = fs_xcalloc(s->nr_zones ? s->nr_zones : 1, sizeof(*w->zones));
	w->pref_node = preferred_node(w, req->node, note, size);
	if (w->pref_node < 0)
		return;
	add_node_zones(w, w->pref_node, true);
	if (vw_has(w, FS_GFP_THISNODE))
		return;
	int last = w->pref_node;
	for (size_t i = 0; i < s->nr_zones; i++) {   /* zones are sorted by node */
		int node = s->zones[i].node;
		if (node == w->pref_node || node == last)
			continue;
		last = node;
		add_node_zones(w, node, false);
	}
}

/* The most a highatomic reserve can reach (kernel-rules §6.5): it grows one
 * pageblock at a time while below the cap, managed/100 + 1 pageblock up to
 * 6.6; 6.8+ (highatomic_cap_aligned) the 1% aligned up to a pageblock, none
 * when 1% < 1 pageblock. */
int64_t vw_highatomic_reserve_max(const struct walk *w, int64_t managed)
{
	int64_t pb = vw_pageblock_pages(w), base = managed / 100;
	if (w->p->highatomic_cap_aligned)
		return base < pb ? 0 : (base + pb - 1) / pb * pb;
	int64_t cap = base + pb;
	return (cap + pb - 1) / pb * pb;
}

/* What the unprinted highatomic count the watermark subtracts can be: from
 * krules' lower bound (the free HighAtomic pages seen, one pageblock when
 * the block size is known) up to what the reserve can grow to. */
static void highatomic_bounds(const struct walk *w, struct vzone *vz)
{
	const struct fs_rules_zone *rz = &vz->rz;
	bool counts_free = w->p->highatomic_counts_free;
	if ((counts_free ? rz->highatomic_free : rz->highatomic_reserved) >= 0)
		return;
	int64_t lo = counts_free ? rz->highatomic_free_min : rz->highatomic_reserved_min;
	int64_t cap = rz->managed > 0 ? vw_highatomic_reserve_max(w, rz->managed) : -1;
	int64_t hi = cap >= 0 ? cap : rz->free_pages;
	if (counts_free && rz->free_pages >= 0 && hi > rz->free_pages)
		hi = rz->free_pages;   /* free HighAtomic pages are free pages */
	vz->ha_unknown = true;
	vz->ha_lo = lo < 0 ? 0 : lo;
	vz->ha_hi = hi < vz->ha_lo ? vz->ha_lo : hi;
}

static void zonelist_step(struct walk *w, const char *note)
{
	char list[256] = "";
	for (size_t i = 0; i < w->nr_zones; i++)
		vw_cat(list, sizeof(list), "%s%s", i ? ", " : "", w->zones[i].label);
	const char *rule = w->p->classzone_rule == FS_CLASSZONE_PREFERRED
				   ? "the preferred zone's index (<= 5.4)"
				   : "gfp_zone()'s index (5.8+)";
	struct fs_step *s = vw_step(w, FS_STEP_ZONELIST, w->nr_zones ? FS_STEP_INFO : FS_STEP_FAIL,
				    "zonelist", "", "zonelist: %s", w->nr_zones ? list : "(empty)");
	vw_formula(s, "zones with managed pages and index <= %d (%s), highest first, node %d "
		   "first%s; lowmem_reserve column %d = %s", w->highest_index,
		   w->v->meaning.highest_zone ? w->v->meaning.highest_zone : "?", w->pref_node,
		   vw_has(w, FS_GFP_THISNODE) ? " only (__GFP_THISNODE)"
					      : ", then the other nodes by id",
		   w->classzone, rule);
	char detail[512] = "";
	if (note[0])
		vw_cat(detail, sizeof(detail), "%s; ", note);
	if (w->snap->nr_nodes > 1 && !vw_has(w, FS_GFP_THISNODE))
		vw_cat(detail, sizeof(detail), "the kernel orders remote nodes by distance, which "
		       "the snapshot does not give; ");
	if (w->p->lowmem_zero_for_empty_upper)
		vw_cat(detail, sizeof(detail), "%s computes lowmem_reserve as 0 against an empty "
		       "upper zone (6.11/6.12 only), which the printed reserves already show; ",
		       w->p->name);
	vw_cat(detail, sizeof(detail), "zones above %s are not used by this mask",
	       w->v->meaning.highest_zone ? w->v->meaning.highest_zone : "gfp_zone()");
	fs_copy_str(s->detail, sizeof(s->detail), detail);
	fs_stats_set(&s->numbers, "zones", (int64_t)w->nr_zones);
	fs_stats_set(&s->numbers, "preferred_node", w->pref_node);
	fs_stats_set(&s->numbers, "highest_zone_index", w->highest_index);
	fs_stats_set(&s->numbers, "classzone", w->classzone);
}

/* ---- one zone's watermark check and the freelist attempt ----------------- */

static void set_highatomic(const struct walk *w, struct fs_rules_zone *rz, int64_t value)
{
	if (w->p->highatomic_counts_free)
		rz->highatomic_free = value;
	else
		rz->highatomic_reserved = value;
}

static bool check_with(const struct walk *w, const struct vzone *vz, int64_t ha,
		       enum fs_wmark which, int classzone, unsigned flags, bool fast,
		       struct fs_wmark_result *r)
{
	struct fs_rules_zone rz = vz->rz;
	if (vz->ha_unknown)
		set_highatomic(w, &rz, ha);
	if (fast)
		return fs_zone_watermark_fast(w->p, &rz, w->order, which, classzone, flags,
					      w->gfp, r);
	return fs_zone_watermark_ok(w->p, &rz, w->order, which, classzone, flags, r);
}

void vw_zone_check(const struct walk *w, const struct vzone *vz, enum fs_wmark which,
		   int classzone, unsigned flags, bool fast, struct vzres *r)
{
	r->ha_pass_max = -1;
	bool ok = check_with(w, vz, vz->ha_lo, which, classzone, flags, fast, &r->wm);
	r->wm_res = !ok ? FS_STEP_FAIL : r->wm.order0_uncertain || r->wm.found_uncertain
		    ? FS_STEP_UNCERTAIN : FS_STEP_PASS;
	if (!ok || !vz->ha_unknown || vz->ha_hi <= vz->ha_lo)
		return;
	struct fs_wmark_result tmp;
	if (check_with(w, vz, vz->ha_hi, which, classzone, flags, fast, &tmp))
		return;
	/* passes at the lower bound, fails at the upper: where does it turn? */
	int64_t lo = vz->ha_lo, hi = vz->ha_hi;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (check_with(w, vz, mid, which, classzone, flags, fast, &tmp))
			lo = mid;
		else
			hi = mid;
	}
	r->wm_res = FS_STEP_UNCERTAIN;
	r->ha_pass_max = lo;
}

/* Without per-migratetype counts (no pagetypeinfo) the lists are of unknown
 * state, but when the free pages in blocks of order >= n outnumber all the
 * free pages the request may not use (CMA, HighAtomic), one of those blocks
 * is Unmovable, Movable or Reclaimable: the yes/no answer is certain even
 * though the list it comes from is not. (Isolated blocks are left out: their
 * pages are not in NR_FREE_PAGES either.) */
bool vw_lists_certain(const struct walk *w, const struct vzone *vz, unsigned flags,
		      int64_t *big, int64_t *others)
{
	const struct fs_rules_zone *rz = &vz->rz;
	*big = *others = 0;
	if (rz->per_type_known)
		return false;
	for (int o = w->order; o < rz->nr_orders && o < FS_MAX_ORDERS; o++) {
		if (rz->nr_free[o].kind != FS_COUNT_EXACT && rz->nr_free[o].kind != FS_COUNT_CAPPED)
			return false;
		*big += (int64_t)rz->nr_free[o].value << o;
	}
	if (!(flags & FS_ALLOC_CMA)) {
		if (rz->free_cma < 0)
			return false;
		*others += rz->free_cma;
	}
	if (!vw_highatomic_entitled(w, flags)) {
		int64_t ha = rz->highatomic_free >= 0 ? rz->highatomic_free
			     : vz->ha_unknown ? vz->ha_hi : rz->highatomic_reserved;
		if (ha < 0)
			return false;
		*others += ha;
	}
	return *big > *others;
}

static const char *wmark_name(enum fs_wmark m)
{
	return m == FS_WMARK_MIN ? "min" : m == FS_WMARK_LOW ? "low" : "high";
}

static void wmark_numbers(struct fs_step *s, const struct fs_wmark_result *r)
{
	fs_stats_set(&s->numbers, "free", r->free_pages);
	fs_stats_set(&s->numbers, "minus_order", r->minus_order);
	fs_stats_set(&s->numbers, "minus_highatomic", r->minus_highatomic);
	fs_stats_set(&s->numbers, "minus_cma", r->minus_cma);
	fs_stats_set(&s->numbers, "usable", r->usable);
	fs_stats_set(&s->numbers, "mark", r->mark);
	fs_stats_set(&s->numbers, "mark_after_reductions", r->min_after);
	fs_stats_set(&s->numbers, "classzone", r->classzone);
	fs_stats_set(&s->numbers, "lowmem_reserve", r->lowmem_reserve);
	fs_stats_set(&s->numbers, "margin", r->margin);
	fs_stats_set(&s->numbers, "alloc_flags", r->alloc_flags);
	if (r->found_order >= 0) {
		fs_stats_set(&s->numbers, "found_order", r->found_order);
		fs_stats_set(&s->numbers, "found_migratetype", r->found_mt);
	}
}

/* "usable 10072 = free 90529 - 7 (order) - 80450 (CMA) - 0 (highatomic);
 *  10072 > 428 (min 1139: ...) + 0 (lowmem_reserve[1]) by 9644" */
void vw_wmark_formula(const struct walk *w, const struct fs_wmark_result *r, char *out,
		      size_t size)
{
	(void)w;
	out[0] = '\0';
	if (r->free_unknown) {
		/* No arithmetic to show: an invented 0 would read as a failure. */
		vw_cat(out, size, "free pages not known (the input has no \"pages free\" or "
		       "\"free:\" for this zone): the check is taken as passing, %s %" PRId64
		       " + %" PRId64 " (lowmem_reserve[%d]) is what it would need to exceed",
		       r->boost_retry ? "unboosted min" : wmark_name(r->which), r->min_after,
		       r->lowmem_reserve, r->classzone);
		return;
	}
	vw_cat(out, size, "usable %" PRId64 " = free %" PRId64 " - %" PRId64 " (2^order-1) - %"
	       PRId64 " (CMA) - %" PRId64 " (highatomic); %" PRId64 " %s %" PRId64 " (%s %"
	       PRId64 "%s%s) + %" PRId64 " (lowmem_reserve[%d])", r->usable, r->free_pages,
	       r->minus_order, r->minus_cma, r->minus_highatomic, r->usable,
	       r->margin > 0 ? ">" : "<=", r->min_after,
	       r->boost_retry ? "unboosted min" : wmark_name(r->which), r->mark,
	       r->reductions[0] ? ", " : "", r->reductions, r->lowmem_reserve, r->classzone);
	if (r->shortcut)
		vw_cat(out, size, "; decided by the order-0 shortcut of zone_watermark_fast");
	if (r->order > 0 && r->margin > 0 && r->found_order >= 0)
		vw_cat(out, size, "; lists: %s at order %d%s",
		       r->found_mt >= 0 ? fs_mt_name((enum fs_mt)r->found_mt) : "a list",
		       r->found_order, r->found_uncertain ? " (state unknown)" : "");
	else if (r->order > 0 && r->margin > 0)
		vw_cat(out, size, "; lists: no usable list at order >= %d", r->order);
}

static void record_wmark(struct walk *w, const struct vpass *pass, size_t i)
{
	const struct vzone *vz = &w->zones[i];
	const struct vzres *r = &pass->res[i];
	const struct fs_wmark_result *wm = &r->wm;
	struct fs_step *s = wm->free_unknown
		? vw_step(w, FS_STEP_WATERMARK, r->wm_res, pass->phase, vz->label,
			  "%s %s: free pages not known: taken as passing", vz->label,
			  wmark_name(pass->which))
		: vw_step(w, FS_STEP_WATERMARK, r->wm_res, pass->phase, vz->label,
				    "%s %s: %" PRId64 " %s %" PRId64 " + %" PRId64 ": %s %" PRId64
				    "%s", vz->label, wmark_name(pass->which), wm->usable,
				    wm->margin > 0 ? ">" : "<=", wm->min_after, wm->lowmem_reserve,
				    wm->margin > 0 ? "pass by" : "short by",
				    wm->margin > 0 ? wm->margin : -wm->margin + 1,
				    wm->margin > 0 && !wm->ok ? ", but no usable list of the order"
							      : "");
	if (pass->flags & FS_ALLOC_NO_WATERMARKS)
		s->result = FS_STEP_PASS;
	vw_wmark_formula(w, wm, s->formula, sizeof(s->formula));
	s->margin = wm->margin;
	wmark_numbers(s, wm);
	char flags[160];
	fs_alloc_flags_format(w->p, pass->flags, flags, sizeof(flags));
	vw_detail(s, "%s with %s", w->p->order0_shortcut == FS_ORDER0_NONE
		  ? "zone_watermark_ok" : "zone_watermark_fast", flags[0] ? flags : "no flags");
	if (r->ha_pass_max >= 0)
		vw_cat(s->detail, sizeof(s->detail), "; the highatomic pages it subtracts are not "
		       "in the snapshot (%" PRId64 "..%" PRId64 " possible): it passes only while "
		       "they are at most %" PRId64, vz->ha_lo, vz->ha_hi, r->ha_pass_max);
	else if (vz->ha_unknown && !vw_highatomic_entitled(w, pass->flags))
		vw_cat(s->detail, sizeof(s->detail), "; the highatomic pages are not in the "
		       "snapshot; the result holds for any of %" PRId64 "..%" PRId64, vz->ha_lo,
		       vz->ha_hi);
	if (pass->flags & FS_ALLOC_NO_WATERMARKS)
		vw_cat(s->detail, sizeof(s->detail), "; ALLOC_NO_WATERMARKS: the zone is tried "
		       "whatever the check says");
	/* zone_watermark_fast (mm/page_alloc.c, 5.4.273 ... 6.18.2): an order-0 request at
	 * WMARK_MIN that fails against the printed (boosted) min is checked again against
	 * _watermark[WMARK_MIN], for __GFP_ATOMIC (<= 6.2) / ALLOC_MIN_RESERVE (6.3+);
	 * the numbers above are that retry's, so say that the printed min failed first. */
	if (wm->boost_retry)
		vw_cat(s->detail, sizeof(s->detail), "; the check at the printed min (which "
		       "includes watermark_boost) failed, so zone_watermark_fast retried at the "
		       "unboosted min %" PRId64 " (order 0 with %s)", wm->mark,
		       w->p->reserve_scheme == FS_RESERVE_MIN_NONBLOCK ? "ALLOC_MIN_RESERVE"
								      : "__GFP_ATOMIC");
	if (wm->found_uncertain && !r->lists_inferred)
		vw_cat(s->detail, sizeof(s->detail), "; only lists of unknown state could serve "
		       "it");
	if (wm->assumed[0])
		vw_cat(s->detail, sizeof(s->detail), "; assumed: %s", wm->assumed);
}


static bool pcp_may_serve(const struct walk *w)
{
	return w->order <= w->p->pcp_max_order ||
	       (w->p->pcp_max_order >= 3 && w->order == w->pageblock_order);
}

static void record_pick(struct walk *w, const struct vpass *pass, size_t i)
{
	const struct vzone *vz = &w->zones[i];
	const struct vzres *r = &pass->res[i];
	enum fs_step_result res = !r->picked ? FS_STEP_FAIL
				  : r->pick.uncertain ? FS_STEP_UNCERTAIN : FS_STEP_PASS;
	struct fs_step *s;
	if (r->picked) {
		s = vw_step(w, FS_STEP_FREELIST, res, pass->phase, vz->label,
			    "%s: %s block of order %d (%s)%s", vz->label,
			    fs_mt_name(r->pick.mt), r->pick.order, fs_pick_how_name(r->pick.how),
			    r->pick.claims_block ? ", claims the pageblock" : "");
	} else {
		char types[96];
		vw_types_text(vw_allowed_types(w, pass->flags), types, sizeof(types));
		s = vw_step(w, FS_STEP_FREELIST, res, pass->phase, vz->label,
			    "%s: no free block of order >= %d in %s lists", vz->label, w->order,
			    types);
	}
	vw_formula(s, "__rmqueue for %s order %d%s", fs_mt_name(w->v->meaning.migratetype),
		   w->order, (pass->flags & FS_ALLOC_NOFRAGMENT)
		   ? " with ALLOC_NOFRAGMENT (no fallback below pageblock order)" : "");
	fs_copy_str(s->detail, sizeof(s->detail), r->pick.why);
	if (r->lists_inferred) {
		s->result = FS_STEP_PASS;
		vw_cat(s->detail, sizeof(s->detail), "; no per-migratetype counts, but the %" PRId64
		       " free pages in blocks of order >= %d exceed the %" PRId64 " it may not use "
		       "(CMA, highatomic): one block is Unmovable, Movable or Reclaimable",
		       r->inferred_big, w->order, r->inferred_others);
	}
	if (r->picked) {
		fs_stats_set(&s->numbers, "order", r->pick.order);
		fs_stats_set(&s->numbers, "migratetype", r->pick.mt);
		fs_stats_set(&s->numbers, "claims_block", r->pick.claims_block);
		fs_stats_set(&s->numbers, "may_claim", r->pick.may_claim);
		fs_stats_set(&s->numbers, "how", r->pick.how);
	}
	bool nonempty_only = false;
	int64_t n = vw_suitable_blocks(w, vz, pass->flags, &nonempty_only);
	if (n >= 0)
		fs_stats_set(&s->numbers, "suitable_blocks", n);
}

/* pcp lists hold pages of order <= pcp_max_order that neither buddyinfo nor
 * NR_FREE_PAGES count: when the zone passed its watermark but its free lists
 * have nothing, they might (kernel-rules §6.1, §12). */
static bool pcp_note(struct walk *w, const struct vpass *pass, size_t i)
{
	const struct vzone *vz = &w->zones[i];
	if (!pcp_may_serve(w) || (vz->sz->known & FS_ZK_FREE_PCP && vz->sz->free_pcp == 0))
		return false;
	struct fs_step *s = vw_step(w, FS_STEP_NOTE, FS_STEP_UNCERTAIN, pass->phase, vz->label,
				    "%s: per-cpu lists may still serve order %d", vz->label,
				    w->order);
	if (vz->sz->known & FS_ZK_FREE_PCP)
		vw_detail(s, "%" PRIu64 " pages sit on per-cpu lists (free_pcp), invisible in the "
			  "free lists; profile %s serves orders <= %d from them", vz->sz->free_pcp,
			  w->p->name, w->p->pcp_max_order);
	else
		vw_detail(s, "pages on per-cpu lists are invisible in the free lists; profile %s "
			  "serves orders <= %d from them", w->p->name, w->p->pcp_max_order);
	fs_stats_set(&s->numbers, "free_pcp", (int64_t)vz->sz->free_pcp);
	return true;
}

/* The other way round: fewer free pages than one block of the order once the
 * ones it may not use are taken away: no usable block can exist. */
static bool lists_impossible(const struct walk *w, const struct vzone *vz, unsigned flags,
			     int64_t *usable)
{
	const struct fs_rules_zone *rz = &vz->rz;
	*usable = -1;
	if (rz->free_pages < 0)
		return false;
	int64_t other = 0;
	if (!(flags & FS_ALLOC_CMA)) {
		if (rz->free_cma < 0)
			return false;
		other += rz->free_cma;
	}
	if (!vw_highatomic_entitled(w, flags))
		other += vz->ha_unknown ? vz->ha_lo : rz->highatomic_free_min;
	*usable = rz->free_pages - other;
	return *usable < ((int64_t)1 << w->order);
}

/* The zone's lists are of unknown state, but the free pages tell the yes/no. */
static void infer_lists(const struct walk *w, const struct vzone *vz, unsigned flags,
			struct vzres *r)
{
	int64_t usable;
	if (r->picked && r->pick.uncertain && w->order > 0 &&
	    lists_impossible(w, vz, flags, &usable)) {
		r->picked = false;
		r->lists_impossible = true;
		r->inferred_big = usable;
		vw_set(r->pick.why, sizeof(r->pick.why), "no per-migratetype counts, but only %"
		       PRId64 " free pages are not CMA or highatomic: fewer than one order-%d "
		       "block", usable, w->order);
		return;
	}
	bool lists_unc = r->wm.found_uncertain || (r->picked && r->pick.uncertain);
	if (!lists_unc || r->ha_pass_max >= 0 || r->wm.order0_uncertain || !r->picked ||
	    !vw_lists_certain(w, vz, flags, &r->inferred_big, &r->inferred_others))
		return;
	r->lists_inferred = true;
	r->wm_res = FS_STEP_PASS;
}

void vw_pass(struct walk *w, struct vpass *pass, const char *phase, enum fs_wmark which,
	     unsigned flags, bool local_only, enum vw_record record)
{
	pass->phase = phase;
	pass->which = which;
	pass->flags = flags;
	pass->chosen = pass->maybe = -1;
	pass->conditional = false;
	free(pass->res);
	pass->res = fs_xcalloc(w->nr_zones ? w->nr_zones : 1, sizeof(*pass->res));
	for (size_t i = 0; i < w->nr_zones; i++) {
		const struct vzone *vz = &w->zones[i];
		struct vzres *r = &pass->res[i];
		if (local_only && !vz->local)
			break;
		r->evaluated = true;
		vw_zone_check(w, vz, which, w->classzone, flags, true, r);
		if (flags & FS_ALLOC_NO_WATERMARKS)
			r->wm_res = FS_STEP_PASS;
		if (r->wm_res != FS_STEP_FAIL) {
			r->picked = fs_freelist_pick(w->p, &vz->rz, w->order,
						     w->v->meaning.migratetype, flags, &r->pick);
			infer_lists(w, vz, flags, r);
		}
		if (record == VW_RECORD_ALL || (record == VW_RECORD_RETRY && !vz->local))
			record_wmark(w, pass, i);
		if (r->wm_res == FS_STEP_FAIL)
			continue;
		if (record != VW_RECORD_NONE)
			record_pick(w, pass, i);
		bool certain = r->wm_res == FS_STEP_PASS && r->picked &&
			       (!r->pick.uncertain || r->lists_inferred);
		if (certain) {
			pass->chosen = (int)i;
			break;
		}
		bool pcp = !r->picked && record != VW_RECORD_NONE && pcp_note(w, pass, i);
		if ((r->picked || pcp) && pass->maybe < 0)
			pass->maybe = (int)i;
	}
	/* Unknown inputs are taken in the request's favour, as krules does: the
	 * first zone that may serve it does, on the condition written down. */
	if (pass->chosen < 0 && pass->maybe >= 0 && pass->res[pass->maybe].picked) {
		pass->chosen = pass->maybe;
		pass->conditional = true;
	}
}

void vw_condition(const struct walk *w, const struct vpass *pass, size_t zi, bool fails,
		  char *out, size_t size)
{
	const struct vzone *vz = &w->zones[zi];
	const struct vzres *r = &pass->res[zi];
	const char *what = w->p->highatomic_counts_free ? "free highatomic pages"
							: "highatomic reserve";
	const char *sep = fails ? " or " : " and ";
	out[0] = '\0';
	if (r->ha_pass_max >= 0) {
		vw_cat(out, size, "%s's %s, which the snapshot does not give, is %s %" PRId64
		       " pages", vz->label, what, fails ? "above" : "at most", r->ha_pass_max);
		if (!w->p->highatomic_counts_free && r->ha_pass_max < vw_pageblock_pages(w))
			vw_cat(out, size, " (%s: it grows by %" PRId64 "-page pageblocks)",
			       fails ? "any reserve" : "no reserve", vw_pageblock_pages(w));
	}
	int64_t usable;
	if (r->picked && r->pick.uncertain && !r->lists_inferred) {
		vw_cat(out, size, "%s%s %s free block of order >= %d on a list it may use (the "
		       "snapshot has no per-migratetype counts there", out[0] ? sep : "",
		       vz->label, fails ? "has no" : "has a", w->order);
		lists_impossible(w, vz, pass->flags, &usable);
		if (usable >= 0)
			vw_cat(out, size, "; at most %" PRId64 " of its free pages are not CMA or "
			       "highatomic", usable);
		vw_cat(out, size, ")");
	}
	else if (r->wm.found_uncertain && !r->lists_inferred)
		vw_cat(out, size, "%s%s's lists of unknown state %s", out[0] ? sep : "", vz->label,
		       fails ? "hold nothing it may use" : "hold a block it may use");
	if (r->wm.order0_uncertain && r->wm.assumed[0]) {
		char assumed[sizeof(r->wm.assumed)];
		fs_copy_str(assumed, sizeof(assumed), r->wm.assumed);
		size_t n = strlen(assumed);
		while (n > 0 && (assumed[n - 1] == ' ' || assumed[n - 1] == ';'))
			assumed[--n] = '\0';
		vw_cat(out, size, "%s%s's unprinted inputs are %s (%s)", out[0] ? sep : "",
		       vz->label, fails ? "not as assumed" : "as assumed", assumed);
	}
}

/* ---- fast and slow path ------------------------------------------------ */

/* alloc_flags_nofragment (5.0+, kernel-rules §4.2): with ZONE_DMA32 built in,
 * a preferred Normal zone gets ALLOC_NOFRAGMENT (on NUMA only when its node
 * has a populated DMA32). */
static bool nofragment_applies(const struct walk *w)
{
	if (!w->p->has_nofragment || !w->nr_zones || !zone_type_exists(w->snap, 1))
		return false;
	if (fs_zone_type_rank(w->zones[0].sz->name) != 2)
		return false;
	if (w->snap->nr_nodes <= 1)
		return true;
	for (size_t i = 0; i < w->nr_zones; i++)
		if (w->zones[i].local && fs_zone_type_rank(w->zones[i].sz->name) == 1)
			return true;
	return false;
}

static void nofrag_differs_note(struct walk *w, unsigned flags)
{
	struct vpass plain = { 0 };
	vw_pass(w, &plain, "fast", FS_WMARK_LOW, flags, false, VW_RECORD_NONE);
	if (plain.chosen >= 0 && plain.chosen != w->fast.chosen) {
		const struct vzone *a = &w->zones[plain.chosen], *b = &w->zones[w->fast.chosen];
		struct fs_step *s = vw_step(w, FS_STEP_NOTE, FS_STEP_INFO, "fast", b->label,
					    "ALLOC_NOFRAGMENT: %s serves it, not %s", b->label,
					    a->label);
		vw_detail(s, "%s could serve it only by taking part of a pageblock of another "
			  "migratetype (%s), so the first pass (5.0+) moves on to %s; the yes/no "
			  "outcome is the same", a->label, plain.res[plain.chosen].pick.why,
			  b->label);
	}
	free(plain.res);
}

static bool fast_path(struct walk *w)
{
	unsigned flags = w->v->meaning.fast_flags & ~(unsigned)FS_ALLOC_NOFRAGMENT;
	w->nofrag = nofragment_applies(w);
	if (!w->nofrag) {
		vw_pass(w, &w->fast, "fast", FS_WMARK_LOW, flags, false, VW_RECORD_ALL);
		return w->fast.chosen >= 0 && !w->fast.conditional;
	}
	vw_pass(w, &w->fast, "fast", FS_WMARK_LOW, flags | FS_ALLOC_NOFRAGMENT, true,
		VW_RECORD_ALL);
	if (w->fast.chosen >= 0 && !w->fast.conditional) {
		nofrag_differs_note(w, flags);
		return true;
	}
	bool passed = false;
	for (size_t i = 0; i < w->nr_zones; i++)
		passed = passed || (w->fast.res[i].evaluated &&
				    w->fast.res[i].wm_res != FS_STEP_FAIL);
	struct fs_step *s = vw_step(w, FS_STEP_NOTE, FS_STEP_INFO, "fast", "",
				    "ALLOC_NOFRAGMENT pass found no zone: retry without it");
	vw_detail(s, "%sget_page_from_freelist retries every zone without ALLOC_NOFRAGMENT "
		  "(kernel-rules §6.4); the watermark checks of node %d's zones are the same and "
		  "not repeated", passed ? "no zone could serve it without splitting a pageblock "
		  "of another migratetype: " : "", w->pref_node);
	vw_pass(w, &w->fast, "fast-retry", FS_WMARK_LOW, flags, false, VW_RECORD_RETRY);
	return w->fast.chosen >= 0 && !w->fast.conditional;
}

/* ---- results ------------------------------------------------------------- */

/* Free blocks of order >= n on lists the request may use. Per order: the
 * exact counts of the allowed types; or, when every non-empty list of that
 * order is an allowed type, the order's total (warn_alloc letters plus its
 * exact count per order); otherwise only a lower bound is known: -1. */
int64_t vw_suitable_blocks(const struct walk *w, const struct vzone *vz, unsigned flags,
			   bool *nonempty_only)
{
	const struct fs_rules_zone *rz = &vz->rz;
	uint32_t allowed = vw_allowed_types(w, flags);
	int64_t n = 0;
	bool exact = true;
	*nonempty_only = false;
	for (int o = w->order; o < rz->nr_orders && o < FS_MAX_ORDERS; o++) {
		int64_t sum = 0;
		bool bound = false, other = false, unknown = false, nonempty = false;
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			struct fs_count c = rz->blocks[o][mt];
			bool mine = allowed & (1u << mt);
			if (c.kind == FS_COUNT_NONE) {
				unknown = unknown || fs_count_nonzero(rz->nr_free[o]);
				continue;
			}
			if (!fs_count_nonzero(c))
				continue;
			if (!mine) {
				other = true;
				continue;
			}
			if (c.kind == FS_COUNT_EXACT)
				sum += (int64_t)c.value;
			else
				bound = true;
			nonempty = nonempty || c.kind == FS_COUNT_NONEMPTY;
		}
		if (!unknown && !bound) {
			n += sum;
		} else if (!unknown && !other && rz->nr_free[o].kind == FS_COUNT_EXACT) {
			n += (int64_t)rz->nr_free[o].value;
		} else {
			exact = false;
			*nonempty_only = *nonempty_only || nonempty;
		}
	}
	if (exact)
		*nonempty_only = false;
	return exact ? n : -1;
}

static void describe_pick(const struct walk *w, const struct vzres *r, char *out, size_t size)
{
	(void)w;
	switch (r->pick.how) {
	case FS_PICK_OWN:
		snprintf(out, size, "takes a %s block of order %d from its own list",
			 fs_mt_name(r->pick.mt), r->pick.order);
		break;
	case FS_PICK_HIGHATOMIC:
		snprintf(out, size, "takes a HighAtomic (reserved) block of order %d",
			 r->pick.order);
		break;
	case FS_PICK_CMA:
		snprintf(out, size, "takes a CMA block of order %d", r->pick.order);
		break;
	case FS_PICK_FALLBACK:
		snprintf(out, size, "steals a %s block of order %d%s", fs_mt_name(r->pick.mt),
			 r->pick.order, r->pick.claims_block ? " and claims its pageblock" : "");
		break;
	case FS_PICK_NONE:
		snprintf(out, size, "finds a block");
		break;
	}
}

static void set_blocks(struct walk *w, const struct vzone *vz, unsigned flags)
{
	bool nonempty_only = false;
	w->v->suitable_blocks = vw_suitable_blocks(w, vz, flags, &nonempty_only);
	w->v->used_nonempty_only = nonempty_only;
}

/* "Node 0 DMA32 passes the low watermark by 2777 pages (10072 > 7295 + 0) and takes ..." */
static void success_sentence(const struct walk *w, const struct vpass *pass, int zi, char *out,
			     size_t size)
{
	const struct vzres *r = &pass->res[zi];
	char pick[160];
	if (r->pick.uncertain && !r->lists_inferred)
		snprintf(pick, sizeof(pick), "takes a free block of order >= %d", w->order);
	else
		describe_pick(w, r, pick, sizeof(pick));
	char flags[160];
	fs_alloc_flags_format(w->p, pass->flags, flags, sizeof(flags));
	if (pass->flags & FS_ALLOC_NO_WATERMARKS) {
		snprintf(out, size, "%s ignores the watermarks (%s) and %s", w->zones[zi].label,
			 flags, pick);
		return;
	}
	snprintf(out, size, "%s passes the %s watermark%s%s%s by %" PRId64 " pages (usable %"
		 PRId64 " > %" PRId64 " + lowmem_reserve %" PRId64 ") and %s", w->zones[zi].label,
		 wmark_name(pass->which), pass->which == FS_WMARK_MIN && flags[0] ? " (" : "",
		 pass->which == FS_WMARK_MIN ? flags : "",
		 pass->which == FS_WMARK_MIN && flags[0] ? ")" : "", r->wm.margin, r->wm.usable,
		 r->wm.min_after, r->wm.lowmem_reserve, pick);
}

/* A success on a condition: the reason says it, change says when it fails. */
static void conditional_change(struct walk *w, const struct vpass *pass, int zi)
{
	struct fs_verdict *v = w->v;
	char cond[256];
	v->uncertain = true;
	vw_set(v->change, sizeof(v->change), "%s", VW_FAILS_ONLY_IF);
	vw_condition(w, pass, (size_t)zi, true, cond, sizeof(cond));
	vw_cat(v->change, sizeof(v->change), "%s", cond);
	for (size_t j = 0; j < w->nr_zones; j++) {
		const struct vzres *r = &pass->res[j];
		if ((int)j == zi || !r->evaluated || !r->picked)
			continue;
		vw_condition(w, pass, j, true, cond, sizeof(cond));
		if (cond[0])
			vw_cat(v->change, sizeof(v->change), ", and %s", cond);
	}
}

void vw_succeed(struct walk *w, enum fs_outcome o, const struct vpass *pass)
{
	struct fs_verdict *v = w->v;
	int zi = pass->chosen;
	const struct vzone *vz = &w->zones[zi];
	const struct vzres *r = &pass->res[zi];
	v->outcome = o;
	fs_copy_str(v->decisive_zone, sizeof(v->decisive_zone), vz->label);
	v->margin = r->wm.margin;
	set_blocks(w, vz, pass->flags);
	success_sentence(w, pass, zi, v->reason, sizeof(v->reason));
	if (pass->conditional) {
		char cond[256];
		vw_condition(w, pass, (size_t)zi, false, cond, sizeof(cond));
		vw_cat(v->reason, sizeof(v->reason), ", if %s", cond);
	}
	if (v->used_nonempty_only)
		vw_cat(v->reason, sizeof(v->reason), " [the report's letters only say which lists "
		       "are non-empty; reasoned with exactly that]");
	if (o != FS_OUTCOME_FAST && w->fast.res && w->fast.chosen >= 0) {
		char cond[256], mine[256] = "";
		vw_condition(w, &w->fast, (size_t)w->fast.chosen, false, cond, sizeof(cond));
		if (pass->conditional)
			vw_condition(w, pass, (size_t)zi, false, mine, sizeof(mine));
		if (strcmp(cond, mine) == 0)
			vw_cat(v->reason, sizeof(v->reason), "; on that condition the fast path "
			       "already serves it");
		else
			vw_cat(v->reason, sizeof(v->reason), "; the fast path already serves it "
			       "if %s", cond);
	} else if (o != FS_OUTCOME_FAST && w->fast.res) {
		/* the attempt before this one: the fast path, or the slow one before reserves */
		const struct vpass *prev = pass == &w->reserve && w->slow.res ? &w->slow : &w->fast;
		char why[400] = "", change[64];
		for (size_t i = 0; i < w->nr_zones; i++)
			if (prev->res[i].evaluated) {
				vw_zone_failure(w, prev, i, why, sizeof(why), change,
						sizeof(change));
				break;
			}
		vw_cat(v->reason, sizeof(v->reason), ", after the %s failed (%s)",
		       prev == &w->slow ? "fast and slow paths" : "fast path",
		       why[0] ? why : "no zone passes its watermark");
	}
	if (pass->conditional) {
		conditional_change(w, pass, zi);
		return;
	}
	int64_t left = r->wm.margin;
	vw_set(v->change, sizeof(v->change), "to %s, %s would need %" PRId64 " fewer free pages "
	       "(to reach %s + lowmem_reserve) or no suitable free block of order >= %d left%s",
	       o == FS_OUTCOME_FAST ? "leave the fast path" : "fail the slow path", vz->label,
	       left, wmark_name(pass->which), w->order,
	       w->nr_zones > (size_t)zi + 1 ? ", and the zones after it would be tried next"
					    : "");
	if (v->suitable_blocks >= 0)
		vw_cat(v->change, sizeof(v->change), " (%" PRId64 " suitable block%s now)",
		       v->suitable_blocks, v->suitable_blocks == 1 ? "" : "s");
}

/* ---- run --------------------------------------------------------------- */

static void fail_early(struct walk *w, const char *reason, const char *change)
{
	struct fs_verdict *v = w->v;
	v->outcome = FS_OUTCOME_FAILS;
	fs_copy_str(v->reason, sizeof(v->reason), reason);
	fs_copy_str(v->change, sizeof(v->change), change);
}

/* kernel-rules §6.7: beyond the maximum order __alloc_pages returns NULL at
 * once with WARN_ON_ONCE (silenced by __GFP_NOWARN); warn_alloc is not called. */
static int order_beyond_max(struct walk *w)
{
	char reason[512], change[512];
	bool nowarn = vw_has(w, FS_GFP_NOWARN);
	snprintf(reason, sizeof(reason), "order %d is beyond the largest order this kernel has "
		 "(%d): __alloc_pages returns NULL at once%s, and warn_alloc does not print",
		 w->order, w->nr_orders - 1,
		 nowarn ? " (__GFP_NOWARN silences its WARN_ON_ONCE)"
			: " with a one-time WARN_ON_ONCE backtrace");
	snprintf(change, sizeof(change), "order must be at most %d: larger buffers come from "
		 "vmalloc/kvmalloc, CMA or several smaller allocations", w->nr_orders - 1);
	struct fs_step *s = vw_step(w, FS_STEP_NOTE, FS_STEP_FAIL, "request", "",
				    "order %d > max order %d", w->order, w->nr_orders - 1);
	vw_detail(s, "%s", reason);
	fs_stats_set(&s->numbers, "order", w->order);
	fs_stats_set(&s->numbers, "max_order", w->nr_orders - 1);
	fail_early(w, reason, change);
	return -1;
}

static int no_zones(struct walk *w)
{
	char reason[512];
	snprintf(reason, sizeof(reason), "the snapshot has no zone with managed pages at or below "
		 "%s: the allocator has no zone to try and fails",
		 w->v->meaning.highest_zone ? w->v->meaning.highest_zone : "gfp_zone()");
	fail_early(w, reason, "needs a snapshot with per-zone state (zoneinfo, buddyinfo, or a "
		   "report with Mem-Info zone lines)");
	return -1;
}

static void setup_request(struct walk *w, const struct fs_verdict_request *req)
{
	struct fs_verdict *v = w->v;
	w->gfp = v->gfp = req->gfp;
	w->order = v->order = req->order;
	w->task = req->task;
	fs_gfp_format(w->p, w->c, w->gfp, v->gfp_names, sizeof(v->gfp_names));
	fs_gfp_meaning(w->p, w->c, w->gfp, w->order < 0 ? 0 : w->order, &w->task, &v->meaning);
	w->nr_orders = w->snap ? fs_snapshot_nr_orders(w->snap) : 0;
	if (w->nr_orders <= 0 || w->nr_orders > FS_MAX_ORDERS)
		w->nr_orders = w->p->default_nr_orders;
	w->pageblock_order = w->snap ? guess_pageblock_order(w->snap, w->nr_orders) : 9;
}

static void walk_free(struct walk *w)
{
	free(w->fast.res);
	free(w->slow.res);
	free(w->reserve.res);
	free(w->zones);
}

static void run_passes(struct walk *w)
{
	if (fast_path(w)) {
		vw_succeed(w, FS_OUTCOME_FAST, &w->fast);
		return;
	}
	vw_ladder(w);
}

/* gfp_zone(), the zonelist and the classzone: the verdict's and the engine's. */
static void prepare_zonelist(struct walk *w, const struct fs_verdict_request *req, char *note,
			     size_t size)
{
	char hnote[160] = "";
	w->highest_rank = effective_highest_rank(w, w->v->meaning.highest_zone_rank, hnote,
						 sizeof(hnote));
	w->highest_index = kernel_zone_index(w->snap, w->highest_rank);
	build_zonelist(w, req, note, size);
	if (hnote[0])
		vw_cat(note, size, "%s%s", note[0] ? "; " : "", hnote);
	w->classzone = w->p->classzone_rule == FS_CLASSZONE_PREFERRED && w->nr_zones
			       ? w->zones[0].index : w->highest_index;
	global_cma(w, note, size);
}

int vw_run(const struct fs_snapshot *snap, const struct fs_verdict_request *req,
	   const char *release, struct fs_verdict *out)
{
	struct walk w = { .snap = snap, .v = out };
	fs_verdict_clear(out);
	choose_profile(&w, req, release);
	setup_request(&w, req);
	request_step(&w);
	if (w.order < 0) {
		fail_early(&w, "the order is negative: no such request", "order must be >= 0");
		return -1;
	}
	if (w.order >= w.nr_orders)
		return order_beyond_max(&w);

	if (out->meaning.highest_zone_rank < 0) {
		fail_early(&w, "the zone modifiers of the mask are an invalid combination "
			   "(gfp_zone() hits VM_BUG_ON with CONFIG_DEBUG_VM)", "use at most one of "
			   "__GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM, optionally with __GFP_MOVABLE");
		return -1;
	}
	char note[320] = "";
	prepare_zonelist(&w, req, note, sizeof(note));
	for (size_t i = 0; i < w.nr_zones; i++)
		highatomic_bounds(&w, &w.zones[i]);
	zonelist_step(&w, note);
	int rc = 0;
	if (!w.nr_zones)
		rc = no_zones(&w);
	else
		run_passes(&w);
	vw_risks(&w);
	walk_free(&w);
	return rc;
}

void vw_request_only(const struct fs_verdict_request *req, const char *release,
		     const struct fs_snapshot *snap, struct fs_verdict *out)
{
	struct walk w = { .snap = snap, .v = out };
	fs_verdict_clear(out);
	choose_profile(&w, req, release);
	setup_request(&w, req);
	request_step(&w);
}

int fs_verdict_run(const struct fs_snapshot *snap, const struct fs_verdict_request *req,
		   struct fs_verdict *out)
{
	return vw_run(snap, req, snap->meta.kernel_release, out);
}

int fs_verdict_zonelist(const struct fs_snapshot *snap, const struct fs_verdict_request *req,
			struct fs_zonelist *out)
{
	struct fs_verdict v;
	struct walk w = { .snap = snap, .v = &v };
	memset(out, 0, sizeof(*out));
	fs_verdict_init(&v);
	choose_profile(&w, req, snap->meta.kernel_release);
	setup_request(&w, req);
	out->profile = w.p;
	out->meaning = v.meaning;
	out->pref_node = -1;
	int rc = -1;
	if (w.order >= 0 && w.order < w.nr_orders && v.meaning.highest_zone_rank >= 0) {
		char note[320] = "";
		prepare_zonelist(&w, req, note, sizeof(note));
		out->nr = w.nr_zones;
		out->zones = fs_xcalloc(w.nr_zones ? w.nr_zones : 1, sizeof(*out->zones));
		out->local = fs_xcalloc(w.nr_zones ? w.nr_zones : 1, sizeof(*out->local));
		for (size_t i = 0; i < w.nr_zones; i++) {
			out->zones[i] = (size_t)(w.zones[i].sz - snap->zones);
			out->local[i] = w.zones[i].local;
		}
		out->classzone = w.classzone;
		out->nofragment = nofragment_applies(&w);
		out->pref_node = w.pref_node;
		out->highest_rank = w.highest_rank;
		rc = 0;
	}
	walk_free(&w);
	fs_verdict_clear(&v);
	return rc;
}

void fs_zonelist_clear(struct fs_zonelist *zl)
{
	free(zl->zones);
	free(zl->local);
	memset(zl, 0, sizeof(*zl));
}
