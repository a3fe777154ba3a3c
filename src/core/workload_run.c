/*
 * workload_run.c - plays a parsed workload on an engine, tick by tick.
 *
 * A phase with a duration is played in ticks of w->tick seconds. At the
 * start of each tick: allocations whose lifetime ran out are freed, then
 * the non-alloc actions due in the tick run in file order; then the
 * allocations due in the tick run interleaved in proportion to their
 * share (so that, within a tick, two allocation streams mix as two tasks
 * would); then the engine advances by the tick (kswapd runs when woken).
 * An instant phase runs its actions once, strictly in file order, at one
 * moment. Allocations are remembered by (pfn, order, kind) so that frees
 * by pattern can find them. The engine tells the run (its move hook) when
 * compaction migrates one, so the record follows it, and when reclaim frees
 * one, so the record is marked and never freed again; a pfn index (engine
 * first page -> record) makes both O(1). A free still checks the page
 * (fs_engine_page) and the index, and counts a record that is not where it
 * says as stale: a safety net for frees done behind the run's back.
 */
#include "workload_priv.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/input.h"
#include "fragscope/util.h"
#include "workload_run_priv.h"

/* ---- the engine a workload runs on ---- */

static const struct fs_snapshot *first_snapshot(const struct fs_frame_list *frames)
{
	for (size_t i = 0; i < frames->count; i++)
		if (frames->items[i].snapshot)
			return frames->items[i].snapshot;
	return NULL;
}

struct fs_engine *fs_workload_engine_new(const struct fs_workload *w, const char *snapshot_path,
					 uint64_t seed, struct fs_diags *diags)
{
	struct fs_engine_options o = { .seed = seed };
	if (w->kernel[0]) {
		o.profile = fs_kprofile_by_name(w->kernel);
		if (!o.profile) {
			fs_diags_add(diags, FS_SEV_ERROR, w->source, 0,
				     "kernel \"%s\": no such kernel profile (fragscope gfp --profiles "
				     "lists them)", w->kernel);
			return NULL;
		}
	}
	const char *path = snapshot_path ? snapshot_path : w->snapshot_path;
	if (!path) {
		if (o.profile && w->machine.kernel_release[0])
			o.profile = NULL;       /* the machine's release names it */
		return fs_engine_new(&w->machine, &o, diags);
	}
	struct fs_frame_list frames = { 0 };
	struct fs_engine *e = NULL;
	if (fs_input_load(&path, 1, &frames, diags) == 0) {
		const struct fs_snapshot *s = first_snapshot(&frames);
		if (s)
			e = fs_engine_from_snapshot(s, &o, diags);
		else
			fs_diags_add(diags, FS_SEV_ERROR, path, 0,
				     "no snapshot in it (expected proc files, a kernel log with a "
				     "warn_alloc report, a bugreport or a capture)");
	}
	fs_frame_list_free(&frames);
	return e;
}

/* ---- records of allocations ---- */

/* The phase outcome that counts what happens now; NULL once the run has
 * finished (the engine may still move pages, e.g. from the interactive view). */
static struct fs_workload_phase_outcome *counting(struct fs_workload_run *r)
{
	return r->cur < r->w->nr_phases ? r->phase_state.out : NULL;
}

/* Record id leaves state LIVE for state: out of the index and the group's live count. */
static void rec_unlive(struct fs_workload_run *r, uint32_t id, enum wl_rec_state state)
{
	struct wl_rec *c = &r->recs[id];
	const struct ftrace_map_entry *ix = ftrace_map_get(&r->index, c->pfn);
	if (ix && ix->val == id)
		ftrace_map_del(&r->index, c->pfn);
	c->state = (uint8_t)state;
	r->groups[c->group].live--;
}

/* The live record whose allocation starts at pfn, or NULL. */
static struct wl_rec *rec_at(struct fs_workload_run *r, uint64_t pfn, uint32_t *id)
{
	const struct ftrace_map_entry *ix = ftrace_map_get(&r->index, pfn);
	if (!ix || r->recs[ix->val].state != WL_REC_LIVE)
		return NULL;
	*id = (uint32_t)ix->val;
	return &r->recs[*id];
}

void wl_engine_moved(void *ctx, uint64_t from, uint64_t to, int order)
{
	struct fs_workload_run *r = ctx;
	uint32_t id;
	struct wl_rec *c = rec_at(r, from, &id);
	if (!c || c->order != order)
		return;         /* not the run's (the free check catches a mismatch) */
	struct fs_workload_phase_outcome *o = counting(r);
	if (to == UINT64_MAX) {
		rec_unlive(r, id, WL_REC_RECLAIMED);
		if (o)
			o->reclaimed_allocs++;
		return;
	}
	ftrace_map_del(&r->index, from);
	/* a live record already at to was freed behind the run's back (the
	 * page was a free target): its free will count it stale */
	uint32_t old;
	if (rec_at(r, to, &old))
		rec_unlive(r, old, WL_REC_STALE);
	ftrace_map_put(&r->index, to, id, 0);
	c->pfn = to;
	if (o)
		o->migrated_allocs++;
}

void wl_taken_by_trace(void *ctx, uint64_t head, int order)
{
	struct fs_workload_run *r = ctx;
	uint32_t id;
	struct wl_rec *c = rec_at(r, head, &id);
	if (!c || c->order != order)
		return;
	rec_unlive(r, id, WL_REC_GONE);
	struct fs_workload_phase_outcome *o = counting(r);
	if (o)
		o->trace_taken++;
}

bool fs_workload_run_forget(struct fs_workload_run *r, uint64_t pfn)
{
	uint32_t id;
	if (!rec_at(r, pfn, &id))
		return false;
	rec_unlive(r, id, WL_REC_GONE);
	return true;
}

static uint32_t new_rec(struct fs_workload_run *r, uint64_t pfn, int order, int kind,
			uint32_t group, double expire)
{
	fs_grow((void **)&r->recs, &r->recs_cap, r->nr_recs + 1, sizeof(*r->recs));
	uint32_t id = (uint32_t)r->nr_recs++;
	struct wl_rec *c = &r->recs[id];
	c->pfn = pfn;
	c->order = (int8_t)order;
	c->kind = (uint8_t)kind;
	c->state = WL_REC_LIVE;
	c->group = group;
	/* A live record at pfn: its allocation was freed behind the run's back
	 * (the engine just gave the page out again). */
	uint32_t old;
	if (rec_at(r, pfn, &old))
		rec_unlive(r, old, WL_REC_STALE);
	ftrace_map_put(&r->index, pfn, id, 0);
	struct wl_group *g = &r->groups[group];
	fs_grow((void **)&g->ids, &g->cap, g->nr + 1, sizeof(*g->ids));
	g->ids[g->nr++] = id;
	g->live++;
	if (expire >= 0) {
		fs_grow((void **)&r->heap, &r->heap_cap, r->heap_nr + 1, sizeof(*r->heap));
		size_t i = r->heap_nr++;
		r->heap[i].expire = expire;
		r->heap[i].id = id;
		/* sift up; ties by id keep the order deterministic */
		while (i > 0) {
			size_t p = (i - 1) / 2;
			if (r->heap[p].expire < r->heap[i].expire ||
			    (r->heap[p].expire == r->heap[i].expire && r->heap[p].id < r->heap[i].id))
				break;
			struct wl_expiry t = r->heap[p];
			r->heap[p] = r->heap[i];
			r->heap[i] = t;
			i = p;
		}
	}
	return id;
}

static struct wl_expiry heap_pop(struct fs_workload_run *r)
{
	struct wl_expiry top = r->heap[0];
	r->heap[0] = r->heap[--r->heap_nr];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		for (size_t c = l; c <= l + 1 && c < r->heap_nr; c++)
			if (r->heap[c].expire < r->heap[m].expire ||
			    (r->heap[c].expire == r->heap[m].expire && r->heap[c].id < r->heap[m].id))
				m = c;
		if (m == i)
			break;
		struct wl_expiry t = r->heap[m];
		r->heap[m] = r->heap[i];
		r->heap[i] = t;
		i = m;
	}
	return top;
}

static void count_stale(struct fs_workload_run *r)
{
	struct fs_workload_phase_outcome *o = r->phase_state.out;
	o->free_failed++;
	o->free_stale++;
	r->stale++;
}

/* Free record id. True when the engine freed it; false when there was
 * nothing to free: reclaimed (free_reclaimed), freed by a trace replay,
 * stale, or the engine refused (free_failed). */
static bool free_rec(struct fs_workload_run *r, uint32_t id)
{
	struct wl_rec *c = &r->recs[id];
	struct fs_workload_phase_outcome *o = r->phase_state.out;
	enum wl_rec_state was = (enum wl_rec_state)c->state;
	if (was == WL_REC_FREED)
		return false;
	if (was != WL_REC_LIVE) {
		c->state = WL_REC_FREED;
		if (was == WL_REC_RECLAIMED)
			o->free_reclaimed++;
		else if (was == WL_REC_STALE)
			count_stale(r);
		else
			o->free_failed++;
		return false;
	}
	const struct ftrace_map_entry *ix = ftrace_map_get(&r->index, c->pfn);
	bool indexed = ix && ix->val == id;
	rec_unlive(r, id, WL_REC_FREED);
	struct fs_page_info pi;
	if (!indexed || !fs_engine_page(r->e, c->pfn, &pi) || pi.head != c->pfn ||
	    pi.order != c->order || (int)pi.kind != c->kind) {
		count_stale(r);
		return false;
	}
	struct fs_free_result fr;
	memset(&fr, 0, sizeof(fr));
	if (!fs_engine_free_page(r->e, c->pfn, &fr)) {
		o->free_failed++;
		return false;
	}
	o->frees++;
	return true;
}

/* Drop freed records from a group's list (allocation order is kept); the
 * reclaimed ones stay until a free picks them. */
static void group_compact(struct wl_group *g, const struct wl_rec *recs)
{
	size_t n = 0;
	for (size_t i = 0; i < g->nr; i++)
		if (recs[g->ids[i]].state != WL_REC_FREED)
			g->ids[n++] = g->ids[i];
	g->nr = n;
}

/* ---- notes and reports ---- */

/* The step's last operation in words (cut to fit). */
__attribute__((format(printf, 2, 3)))
static void last_op(struct fs_workload_step *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->last_op, sizeof(out->last_op), fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void note(struct fs_workload_run *r, const char *fmt, ...)
{
	struct fs_workload_phase_outcome *o = r->phase_state.out;
	if (o->nr_notes >= 1000)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->notes = fs_xrealloc(o->notes, (o->nr_notes + 1) * sizeof(*o->notes));
	o->notes[o->nr_notes++] = fs_xstrdup(buf);
}

/* warn_alloc's ratelimit: burst reports per interval (kernel-rules §7.6;
 * DEFAULT_RATELIMIT_INTERVAL 5 s, DEFAULT_RATELIMIT_BURST 10). */
static bool warn_allowed(struct fs_workload_run *r)
{
	const struct fs_kprofile *p = fs_engine_profile(r->e);
	double interval = p->warn_ratelimit_s ? p->warn_ratelimit_s : 5;
	unsigned burst = p->warn_ratelimit_burst ? p->warn_ratelimit_burst : 10;
	double now = r->time;
	if (r->warn_begin < 0 || now >= r->warn_begin + interval) {
		r->warn_begin = now;
		r->warn_printed = 0;
	}
	if (r->warn_printed >= burst)
		return false;
	r->warn_printed++;
	return true;
}

static void add_report(struct fs_workload_step *out, const struct fs_engine *e,
		       const struct fs_alloc_request *req, double time)
{
	struct fs_report_list *l = &out->reports;
	fs_grow((void **)&l->items, &l->cap, l->count + 1, sizeof(*l->items));
	struct fs_report *rep = &l->items[l->count++];
	memset(rep, 0, sizeof(*rep));
	fs_engine_failure_report(e, req, rep);
	if (!rep->has_timestamp) {
		rep->timestamp = time;
		rep->has_timestamp = true;
	}
}

/* ---- operations ---- */

static void do_alloc(struct fs_workload_run *r, size_t ai, struct fs_workload_step *out)
{
	const struct wl_action *a = &r->phase->actions[ai];
	struct wl_bound_alloc *b = &r->phase_state.allocs[ai];
	struct fs_workload_alloc_outcome *o = &r->phase_state.out->allocs[b->outcome];
	struct fs_alloc_request req = {
		.gfp = b->gfp, .order = a->order, .node = a->node, .kind = a->page_kind,
	};
	struct fs_alloc_result res;
	fs_alloc_result_init(&res);
	fs_engine_alloc(r->e, &req, &res);
	o->requested++;
	const char *how;
	if (res.ok) {
		o->allocated++;
		switch (res.path) {
		case FS_ENGINE_PATH_FAST: o->fast++; break;
		case FS_ENGINE_PATH_SLOW: o->slow++; break;
		case FS_ENGINE_PATH_RECLAIM: o->after_reclaim++; break;
		case FS_ENGINE_PATH_COMPACTION: o->after_compaction++; break;
		default: break;
		}
		o->claimed += res.claimed;
		o->highatomic_reserved += res.highatomic_reserved;
		int kind = a->page_kind >= 0 ? a->page_kind
			   : (int)fs_page_kind_for_mt(b->mt);
		struct fs_page_info pi;
		if (fs_engine_page(r->e, res.pfn, &pi))
			kind = (int)pi.kind;
		new_rec(r, res.pfn, a->order, kind, b->group,
			a->lifetime >= 0 ? r->time + a->lifetime : -1);
		how = fs_engine_path_name(res.path);
		last_op(out, "alloc order-%d %s (%s): pfn %llu, %s",
			 a->order, a->gfp_text, o->group, (unsigned long long)res.pfn, how);
	} else {
		o->failed++;
		out->failures++;
		if (!o->first_failure[0])
			fs_copy_str(o->first_failure, sizeof(o->first_failure), res.reason);
		if (b->warns && warn_allowed(r)) {
			add_report(out, r->e, &req, r->time);
			o->reports++;
		}
		last_op(out, "alloc order-%d %s (%s): failed: %s",
			 a->order, a->gfp_text, o->group, res.reason);
	}
	fs_alloc_result_clear(&res);
}

static void free_by_pattern(struct fs_workload_run *r, const struct wl_action *a,
			    struct fs_workload_step *out)
{
	uint64_t before = r->phase_state.out->frees;
	uint64_t picked = 0;
	for (size_t gi = 0; gi < r->nr_groups; gi++) {
		struct wl_group *g = &r->groups[gi];
		if (a->group[0] && strcmp(g->name, a->group) != 0)
			continue;
		group_compact(g, r->recs);
		size_t n = g->nr;
		uint64_t want = a->pattern == WL_FREE_RANDOM && a->has_fraction
				? (uint64_t)floor(a->fraction * (double)n + 1e-9) : a->n;
		switch (a->pattern) {
		case WL_FREE_ALL:
			for (size_t i = 0; i < n; i++)
				picked++, free_rec(r, g->ids[i]);
			break;
		case WL_FREE_OLDEST:
			for (size_t i = 0; i < n && i < want; i++)
				picked++, free_rec(r, g->ids[i]);
			break;
		case WL_FREE_NEWEST:
			for (size_t i = 0; i < n && i < want; i++)
				picked++, free_rec(r, g->ids[n - 1 - i]);
			break;
		case WL_FREE_NTH:
			for (size_t i = a->offset; i < n; i += a->n)
				picked++, free_rec(r, g->ids[i]);
			break;
		case WL_FREE_RANDOM: {
			if (want > n)
				want = n;
			/* a partial Fisher-Yates on a copy: the list keeps its order */
			uint32_t *tmp = fs_xmalloc((n ? n : 1) * sizeof(*tmp));
			memcpy(tmp, g->ids, n * sizeof(*tmp));
			for (uint64_t i = 0; i < want; i++) {
				uint64_t j = i + wl_rand_below(&r->rng, n - i);
				uint32_t t = tmp[i];
				tmp[i] = tmp[j];
				tmp[j] = t;
				picked++;
				free_rec(r, tmp[i]);
			}
			free(tmp);
			break;
		}
		}
		group_compact(g, r->recs);
	}
	last_op(out, "free %s: %llu picked, %llu freed",
		 a->group[0] ? a->group : "all", (unsigned long long)picked,
		 (unsigned long long)(r->phase_state.out->frees - before));
}

static int zone_index(struct fs_workload_run *r, const struct wl_zone_ref *z)
{
	size_t n = fs_engine_nr_zones(r->e);
	for (size_t i = 0; i < n; i++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(r->e, i, &zi);
		if (zi.node == z->node && !strcmp(zi.name, z->name))
			return (int)i;
	}
	return -1;
}

static void do_compact(struct fs_workload_run *r, const struct wl_action *a, uint64_t gfp,
		       struct fs_workload_step *out)
{
	struct fs_workload_phase_outcome *o = r->phase_state.out;
	size_t n = fs_engine_nr_zones(r->e);
	int only = a->zone.name[0] ? zone_index(r, &a->zone) : -1;
	for (size_t i = 0; i < n; i++) {
		if (only >= 0 && (size_t)only != i)
			continue;
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(r->e, i, &zi);
		struct fs_compaction_result cr;
		memset(&cr, 0, sizeof(cr));
		fs_engine_compact(r->e, (int)i, gfp, a->order,
				  a->sync ? FS_COMPACT_SYNC : FS_COMPACT_ASYNC, &cr);
		o->compactions++;
		o->compaction_moved += cr.moved;
		o->compaction_success += cr.order_available;
		note(r, "compact Node %d %s order-%d %s: moved %llu, %s%s%s", zi.node, zi.name,
		     a->order, a->sync ? "sync" : "async", (unsigned long long)cr.moved,
		     cr.order_available ? "order available" : "order not available",
		     cr.reason[0] ? "; " : "", cr.reason);
		last_op(out, "%s",
			 o->notes[o->nr_notes - 1]);
	}
}

static void do_action(struct fs_workload_run *r, size_t ai, struct fs_workload_step *out)
{
	const struct wl_action *a = &r->phase->actions[ai];
	struct fs_workload_phase_outcome *o = r->phase_state.out;
	struct fs_reclaim_result rr;
	memset(&rr, 0, sizeof(rr));
	switch (a->kind) {
	case WL_ALLOC:
		do_alloc(r, ai, out);
		return;
	case WL_FREE:
		free_by_pattern(r, a, out);
		return;
	case WL_KSWAPD:
		fs_engine_kswapd(r->e, a->node, a->order, &rr);
		o->kswapd_runs++;
		o->reclaimed += rr.reclaimed;
		note(r, "kswapd order-%d: reclaimed %llu (file %llu, slab %llu), %s", a->order,
		     (unsigned long long)rr.reclaimed, (unsigned long long)rr.file,
		     (unsigned long long)rr.slab, rr.balanced ? "balanced" : "not balanced");
		break;
	case WL_RECLAIM: {
		int zi = a->zone.name[0] ? zone_index(r, &a->zone) : -1;
		fs_engine_reclaim(r->e, zi, a->pages, &rr);
		o->reclaimed += rr.reclaimed;
		note(r, "direct reclaim %s of %llu: scanned %llu, reclaimed %llu",
		     a->zone.name[0] ? a->zone.name : "all zones", (unsigned long long)a->pages,
		     (unsigned long long)rr.scanned, (unsigned long long)rr.reclaimed);
		break;
	}
	case WL_DRAIN: {
		uint64_t d = fs_engine_drain(r->e);
		o->drained += d;
		note(r, "drain: %llu per-cpu pages back to the buddy lists", (unsigned long long)d);
		break;
	}
	case WL_COMPACT:
		do_compact(r, a, r->phase_state.allocs[ai].gfp, out);
		return;
	case WL_TRACE:
		wl_trace_run(r, ai, out);
		return;
	}
	last_op(out, "%s", o->notes[o->nr_notes - 1]);
}

static uint64_t expire_due(struct fs_workload_run *r, struct fs_workload_step *out)
{
	uint64_t n = 0, freed = 0;
	while (r->heap_nr && r->heap[0].expire <= r->time + 1e-9) {
		struct wl_expiry x = heap_pop(r);
		if (r->recs[x.id].state == WL_REC_FREED)
			continue;
		n++;
		freed += free_rec(r, x.id);
	}
	r->phase_state.out->expired += freed;
	if (n)
		last_op(out,
			 "lifetimes ran out: %llu allocations, %llu freed", (unsigned long long)n,
			 (unsigned long long)freed);
	return n;
}

/* ---- phases and ticks ---- */

static void phase_begin(struct fs_workload_run *r)
{
	struct wl_phase_state *ps = &r->phase_state;
	r->phase = &r->w->phases[r->cur];
	ps->out = &r->outcomes[r->cur];
	ps->out->started = true;
	ps->out->start = r->time;
	fs_engine_stats(r->e, &ps->stats_before);
	ps->allocs = r->bound[r->cur];
	ps->tick = 0;
	ps->action = 0;
	ps->done_in_action = 0;
	ps->nr_ticks = r->phase->duration > 0
		       ? (uint64_t)ceil(r->phase->duration / r->w->tick - 1e-9) : 0;
	ps->in_tick = false;
	ps->expired_instant = false;
}

static void stats_diff(const struct fs_engine_stats *a, const struct fs_engine_stats *b,
		       struct fs_engine_stats *out)
{
	for (size_t i = 0; i < wl_nr_stat_names; i++) {
		uint64_t *dst = (uint64_t *)((char *)out + wl_stat_names[i].off);
		*dst = wl_stat_value(b, (int)i) - wl_stat_value(a, (int)i);
	}
}

static void phase_end(struct fs_workload_run *r, struct fs_workload_step *out)
{
	struct wl_phase_state *ps = &r->phase_state;
	struct fs_engine_stats now;
	fs_engine_stats(r->e, &now);
	stats_diff(&ps->stats_before, &now, &ps->out->stats);
	ps->out->end = r->time;
	wl_checks_run(r, r->cur);
	ps->out->ended = true;
	out->phase_ended = true;
	out->ended_phase = r->cur;
	r->cur++;
	if (r->cur < r->w->nr_phases)
		phase_begin(r);
}

/* How many allocations of action ai are due by the end of tick k. */
static uint64_t due_by(const struct wl_action *a, uint64_t k, uint64_t nr_ticks, double tick,
		       double duration)
{
	if (a->has_rate) {
		double end = fmin((double)(k + 1) * tick, duration);
		uint64_t due = (uint64_t)floor(a->rate * end + 1e-9);
		return a->has_count && due > a->count ? a->count : due;
	}
	/* a count spread evenly over the ticks */
	return a->count * (k + 1) / nr_ticks;
}

static bool action_due_in_tick(const struct wl_action *a, double t0, double t1)
{
	if (a->at >= t0 - 1e-9 && a->at < t1 - 1e-9)
		return true;
	if (a->repeat > 0 && t0 > a->at) {
		/* the first repeat time at or after t0 */
		double k = ceil((t0 - a->at) / a->repeat - 1e-9);
		double t = a->at + k * a->repeat;
		return t < t1 - 1e-9;
	}
	return false;
}

static void tick_begin(struct fs_workload_run *r)
{
	struct wl_phase_state *ps = &r->phase_state;
	const struct wl_phase *ph = r->phase;
	double tick = r->w->tick;
	double t0 = (double)ps->tick * tick, t1 = fmin(t0 + tick, ph->duration);
	ps->in_tick = true;
	ps->expiry_pending = true;
	ps->next_action = 0;
	ps->tick_alloc_total = 0;
	for (size_t i = 0; i < ph->nr_actions; i++) {
		const struct wl_action *a = &ph->actions[i];
		struct wl_bound_alloc *b = &ps->allocs[i];
		b->due_now = false;
		b->quota = b->done = 0;
		if (a->kind == WL_ALLOC) {
			uint64_t due = due_by(a, ps->tick, ps->nr_ticks, tick, ph->duration);
			b->quota = due - b->issued;
			b->issued = due;
			ps->tick_alloc_total += b->quota;
		} else {
			b->due_now = action_due_in_tick(a, t0, t1);
		}
	}
	ps->tick_len = t1 - t0;
}

/* The alloc action whose share of the tick is most behind. */
static int next_alloc(struct wl_phase_state *ps, size_t nr_actions)
{
	int best = -1;
	for (size_t i = 0; i < nr_actions; i++) {
		struct wl_bound_alloc *b = &ps->allocs[i];
		if (b->done >= b->quota)
			continue;
		/* (done+1)/quota smallest; compare by cross multiplication */
		if (best < 0) {
			best = (int)i;
			continue;
		}
		struct wl_bound_alloc *c = &ps->allocs[best];
		unsigned __int128 lhs = (unsigned __int128)(b->done + 1) * c->quota;
		unsigned __int128 rhs = (unsigned __int128)(c->done + 1) * b->quota;
		if (lhs < rhs)
			best = (int)i;
	}
	return best;
}

enum unit { UNIT_OP, UNIT_TICK, UNIT_PHASE, UNIT_FINISHED };

/* One operation of a phase with a duration; UNIT_TICK when the tick had
 * nothing more and time moved on. */
static enum unit timed_unit(struct fs_workload_run *r, struct fs_workload_step *out)
{
	struct wl_phase_state *ps = &r->phase_state;
	const struct wl_phase *ph = r->phase;
	if (ps->tick >= ps->nr_ticks)
		return UNIT_PHASE;
	if (!ps->in_tick)
		tick_begin(r);
	if (ps->expiry_pending) {
		ps->expiry_pending = false;
		if (expire_due(r, out))
			return UNIT_OP;
	}
	while (ps->next_action < ph->nr_actions) {
		size_t i = ps->next_action++;
		if (ph->actions[i].kind != WL_ALLOC && ps->allocs[i].due_now) {
			do_action(r, i, out);
			return UNIT_OP;
		}
	}
	int ai = next_alloc(ps, ph->nr_actions);
	if (ai >= 0) {
		ps->allocs[ai].done++;
		do_alloc(r, (size_t)ai, out);
		return UNIT_OP;
	}
	/* the tick is over */
	fs_engine_advance(r->e, ps->tick_len);
	r->time += ps->tick_len;
	ps->tick++;
	ps->in_tick = false;
	/* the phase ends with its last tick */
	return ps->tick >= ps->nr_ticks ? UNIT_PHASE : UNIT_TICK;
}

/* One operation of an instant phase: its actions in file order. */
static enum unit instant_unit(struct fs_workload_run *r, struct fs_workload_step *out)
{
	struct wl_phase_state *ps = &r->phase_state;
	const struct wl_phase *ph = r->phase;
	if (ps->action == 0 && ps->done_in_action == 0 && !ps->expired_instant) {
		ps->expired_instant = true;
		if (expire_due(r, out))
			return UNIT_OP;
	}
	while (ps->action < ph->nr_actions) {
		const struct wl_action *a = &ph->actions[ps->action];
		if (a->kind == WL_ALLOC) {
			if (ps->done_in_action < a->count) {
				ps->done_in_action++;
				do_alloc(r, ps->action, out);
				return UNIT_OP;
			}
			ps->action++;
			ps->done_in_action = 0;
			continue;
		}
		do_action(r, ps->action++, out);
		ps->done_in_action = 0;
		return UNIT_OP;
	}
	return UNIT_PHASE;
}

static enum unit run_unit(struct fs_workload_run *r, struct fs_workload_step *out)
{
	if (r->cur >= r->w->nr_phases)
		return UNIT_FINISHED;
	enum unit u = r->phase->duration > 0 ? timed_unit(r, out) : instant_unit(r, out);
	if (u == UNIT_OP) {
		out->ops++;
		r->phase_state.out->ops++;
	} else if (u == UNIT_PHASE) {
		phase_end(r, out);
	}
	return u;
}

static void step_begin(struct fs_workload_run *r, struct fs_workload_step *out)
{
	fs_workload_step_clear(out);
	(void)r;
}

static void step_end(struct fs_workload_run *r, struct fs_workload_step *out)
{
	out->time = r->time;
	out->finished = r->cur >= r->w->nr_phases;
	out->phase = r->cur;
	out->phase_name = out->finished ? "" : r->phase->name;
}

int fs_workload_step_op(struct fs_workload_run *r, struct fs_workload_step *out)
{
	step_begin(r, out);
	if (r->cur >= r->w->nr_phases) {
		step_end(r, out);
		return -1;
	}
	for (;;) {
		enum unit u = run_unit(r, out);
		if (u != UNIT_TICK)
			break;
	}
	step_end(r, out);
	return 0;
}

int fs_workload_step_seconds(struct fs_workload_run *r, double seconds,
			     struct fs_workload_step *out)
{
	step_begin(r, out);
	if (r->cur >= r->w->nr_phases) {
		step_end(r, out);
		return -1;
	}
	double until = r->time + seconds;
	for (;;) {
		enum unit u = run_unit(r, out);
		if (u == UNIT_FINISHED)
			break;
		if (r->cur >= r->w->nr_phases)
			break;
		/* stop at a phase's end (one phase ends per step), and at a tick
		 * boundary once the time is reached */
		if (u == UNIT_PHASE || (u == UNIT_TICK && r->time >= until - 1e-9))
			break;
	}
	step_end(r, out);
	return 0;
}

int fs_workload_step_phase(struct fs_workload_run *r, struct fs_workload_step *out)
{
	step_begin(r, out);
	if (r->cur >= r->w->nr_phases) {
		step_end(r, out);
		return -1;
	}
	while (run_unit(r, out) != UNIT_PHASE)
		;
	step_end(r, out);
	return 0;
}

/* ---- start and free ---- */

static int group_index(struct fs_workload_run *r, const char *name, bool create)
{
	for (size_t i = 0; i < r->nr_groups; i++)
		if (!strcmp(r->groups[i].name, name))
			return (int)i;
	if (!create)
		return -1;
	r->groups = fs_xrealloc(r->groups, (r->nr_groups + 1) * sizeof(*r->groups));
	struct wl_group *g = &r->groups[r->nr_groups];
	memset(g, 0, sizeof(*g));
	fs_copy_str(g->name, sizeof(g->name), name);
	return (int)r->nr_groups++;
}

static bool resolve_gfp(struct fs_workload_run *r, const char *text, unsigned line, uint64_t *gfp,
			struct fs_diags *diags)
{
	char unknown[256] = "";
	if (fs_gfp_parse(fs_engine_profile(r->e), fs_engine_config(r->e), text, gfp, unknown,
			 sizeof(unknown)))
		return true;
	fs_diags_add(diags, FS_SEV_ERROR, r->w->source, line,
		     "gfp mask \"%s\": %s not known to kernel profile %s (expected names like "
		     "GFP_KERNEL|__GFP_COMP, or a hex mask)", text, unknown[0] ? unknown : "?",
		     fs_engine_profile(r->e)->name);
	return false;
}

static bool bind_phase(struct fs_workload_run *r, size_t pi, struct fs_diags *diags)
{
	const struct wl_phase *ph = &r->w->phases[pi];
	struct fs_workload_phase_outcome *o = &r->outcomes[pi];
	bool ok = true;
	fs_copy_str(o->name, sizeof(o->name), ph->name);
	r->bound[pi] = fs_xcalloc(ph->nr_actions ? ph->nr_actions : 1, sizeof(**r->bound));
	o->allocs = fs_xcalloc(ph->nr_actions ? ph->nr_actions : 1, sizeof(*o->allocs));
	for (size_t i = 0; i < ph->nr_actions; i++) {
		const struct wl_action *a = &ph->actions[i];
		struct wl_bound_alloc *b = &r->bound[pi][i];
		if (a->gfp_text[0] && !resolve_gfp(r, a->gfp_text, a->gfp_line, &b->gfp, diags))
			ok = false;
		/* compact with an order and no gfp: for a THP-like movable request */
		if (a->kind == WL_COMPACT && !a->gfp_text[0] && a->order > 0)
			resolve_gfp(r, "GFP_HIGHUSER_MOVABLE|__GFP_COMP", a->line, &b->gfp, diags);
		if (a->kind != WL_ALLOC)
			continue;
		struct fs_gfp_meaning m;
		fs_gfp_meaning(fs_engine_profile(r->e), fs_engine_config(r->e), b->gfp, a->order,
			       NULL, &m);
		b->mt = m.migratetype;
		b->warns = m.warns;
		b->group = (uint32_t)group_index(r, a->group, true);
		b->outcome = o->nr_allocs++;
		struct fs_workload_alloc_outcome *ao = &o->allocs[b->outcome];
		fs_copy_str(ao->group, sizeof(ao->group), a->group);
		fs_copy_str(ao->gfp_text, sizeof(ao->gfp_text), a->gfp_text);
		ao->gfp = b->gfp;
		ao->order = a->order;
	}
	return ok;
}

struct fs_workload_run *fs_workload_start(const struct fs_workload *w, struct fs_engine *e,
					  uint64_t seed, struct fs_diags *diags)
{
	struct fs_workload_run *r = fs_xcalloc(1, sizeof(*r));
	r->w = w;
	r->e = e;
	r->seed = seed;
	r->rng = seed;
	r->warn_begin = -1;
	r->time = fs_engine_time(e);
	ftrace_map_init(&r->index);
	r->outcomes = fs_xcalloc(w->nr_phases, sizeof(*r->outcomes));
	r->bound = fs_xcalloc(w->nr_phases, sizeof(*r->bound));
	bool ok = true;
	for (size_t i = 0; i < w->nr_phases; i++)
		ok &= bind_phase(r, i, diags);
	ok &= wl_checks_bind(r, diags);
	ok &= wl_trace_bind(r, diags);
	if (!ok) {
		fs_workload_run_free(r);
		return NULL;
	}
	fs_engine_set_move_hook(e, wl_engine_moved, r);
	r->hooked = true;
	phase_begin(r);
	return r;
}

void fs_workload_run_free(struct fs_workload_run *r)
{
	if (!r)
		return;
	if (r->hooked)
		fs_engine_set_move_hook(r->e, NULL, NULL);
	ftrace_map_free(&r->index);
	wl_trace_free(r);
	for (size_t i = 0; i < r->w->nr_phases; i++) {
		struct fs_workload_phase_outcome *o = &r->outcomes[i];
		for (size_t j = 0; j < o->nr_notes; j++)
			free(o->notes[j]);
		free(o->notes);
		free(o->allocs);
		free(o->checks);
		if (r->bound)
			free(r->bound[i]);
	}
	free(r->bound);
	free(r->outcomes);
	free(r->check_bound);
	for (size_t i = 0; i < r->nr_groups; i++)
		free(r->groups[i].ids);
	free(r->groups);
	free(r->recs);
	free(r->heap);
	free(r);
}

/* ---- steps and accessors ---- */

void fs_workload_step_init(struct fs_workload_step *s)
{
	memset(s, 0, sizeof(*s));
	s->phase_name = "";
}

void fs_workload_step_clear(struct fs_workload_step *s)
{
	fs_report_list_free(&s->reports);
	memset(s, 0, sizeof(*s));
	s->phase_name = "";
}

bool fs_workload_run_finished(const struct fs_workload_run *r)
{
	return r->cur >= r->w->nr_phases;
}
double fs_workload_run_time(const struct fs_workload_run *r) { return r->time; }
size_t fs_workload_run_phase(const struct fs_workload_run *r) { return r->cur; }
struct fs_engine *fs_workload_run_engine(struct fs_workload_run *r) { return r->e; }
uint64_t fs_workload_run_seed(const struct fs_workload_run *r) { return r->seed; }
size_t fs_workload_run_nr_phases(const struct fs_workload_run *r) { return r->w->nr_phases; }

const struct fs_workload_phase_outcome *fs_workload_run_outcome(const struct fs_workload_run *r,
								size_t phase)
{
	return phase < r->w->nr_phases ? &r->outcomes[phase] : NULL;
}

static size_t count_checks(const struct fs_workload_run *r, enum fs_check_result want)
{
	size_t n = 0;
	for (size_t i = 0; i < r->w->nr_phases; i++)
		for (size_t j = 0; j < r->outcomes[i].nr_checks; j++)
			n += r->outcomes[i].checks[j].result == want;
	return n;
}
size_t fs_workload_run_checks_failed(const struct fs_workload_run *r)
{
	return count_checks(r, FS_CHECK_FAIL);
}
size_t fs_workload_run_checks_passed(const struct fs_workload_run *r)
{
	return count_checks(r, FS_CHECK_PASS);
}
