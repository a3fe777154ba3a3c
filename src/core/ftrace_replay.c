/*
 * ftrace_replay.c - replay a parsed kmem trace on the allocator engine.
 *
 * The rules (docs/ftrace-replay.md): the trace's pfns name the traced
 * machine's pages, not the engine's, so each mm_page_alloc becomes an
 * fs_engine_alloc with the same gfp mask and order, and the trace pfn is
 * mapped to the engine allocation it produced (fwd: trace pfn -> engine
 * head; rev: engine head -> trace pfn, to know which engine allocations
 * the replay owns). mm_page_free of a mapped pfn frees that allocation;
 * of a page inside one (split_page, alloc_pages_exact tails) counts down
 * its pages and frees it with the last; of anything else frees a random
 * allocation of that order the replay does not own (memory allocated
 * before tracing began), or is counted unmatched.
 *
 * Both tables hold only live replay allocations, so they are bounded by
 * the engine's allocations, whatever the trace's length. The replay holds
 * the engine's move hook: when compaction migrates one of its allocations
 * both tables follow it, and when reclaim frees one the fwd entry is marked
 * (the trace's free of it then frees nothing: frees_reclaimed) and the rev
 * entry dropped. A hook the caller had set is chained (options.chain).
 */
#include "ftrace_priv.h"

#include <stdio.h>
#include <string.h>

/* Pre-trace allocations kept as candidates for unmatched frees, per order
 * (a uniform sample of them when there are more). */
#define CANDIDATES_MAX 65536

struct candidates {
	uint64_t *heads;
	size_t n;
	uint64_t seen;                  /* at the last scan; > CANDIDATES_MAX: sampled */
	bool scanned;
};

enum gfp_state { GFP_UNRESOLVED, GFP_KNOWN, GFP_PARTLY_KNOWN };

struct gfp_cache {
	uint64_t mask;
	int8_t mt;                      /* the mask's migratetype */
	uint8_t state;
};

struct fs_ftrace_replay {
	struct fs_engine *e;
	const struct fs_ftrace *t;
	struct fs_ftrace_replay_options o;
	const struct fs_kprofile *p;
	const struct fs_kconfig *c;
	size_t pos;
	/* trace pfn -> engine head; aux: order | pages left << 8 | reclaimed << 31 */
	struct ftrace_map fwd;
	struct ftrace_map rev;          /* engine head -> trace pfn */
	struct gfp_cache *gfp;
	size_t nr_gfp;
	struct gfp_cache gfp_by_mt[FS_MT_COUNT];        /* lines without gfp_flags= */
	uint64_t rng;
	int nr_orders;
	/* the engine's pfn ranges, for random picks */
	size_t nr_zones;
	uint64_t zone_start[FS_ENGINE_MAX_ZONES], zone_end[FS_ENGINE_MAX_ZONES];
	struct candidates cand[FS_MAX_ORDERS];
	struct fs_engine_stats start;
	struct fs_ftrace_summary sum;
	struct fs_ftrace_step last;
	uint64_t nr_reclaimed;          /* fwd entries marked reclaimed */
	bool last_was_reclaimed;        /* the last event's free found its page reclaimed */
};

void fs_ftrace_replay_options_default(struct fs_ftrace_replay_options *o)
{
	memset(o, 0, sizeof(*o));
	o->free_unmatched_random = true;
	o->replay_failed = true;
}

static uint64_t next_random(struct fs_ftrace_replay *r)
{
	/* xorshift64*: reproducible from the seed, cheap */
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * 2685821657736338717ull;
}

#define AUX_RECLAIMED 0x80000000u
static uint32_t aux_make(int order, uint32_t left) { return (uint32_t)order | left << 8; }
static int aux_order(uint32_t aux) { return (int)(aux & 0xff); }
static uint32_t aux_left(uint32_t aux) { return (aux & ~AUX_RECLAIMED) >> 8; }
static bool aux_reclaimed(uint32_t aux) { return aux & AUX_RECLAIMED; }

/* Trace allocations live in the engine now (the marked ones are not). */
static uint64_t nr_mapped(const struct fs_ftrace_replay *r)
{
	return r->fwd.count - r->nr_reclaimed;
}

/* The engine's move hook: engine allocation from moved to to, or (to =
 * UINT64_MAX) reclaim freed it. Then the chained hook, for its own. */
static void engine_moved(void *ctx, uint64_t from, uint64_t to, int order)
{
	struct fs_ftrace_replay *r = ctx;
	const struct ftrace_map_entry *back = ftrace_map_get(&r->rev, from);
	struct ftrace_map_entry *e = back ? ftrace_map_get(&r->fwd, back->val) : NULL;
	if (e && e->val == from && !aux_reclaimed(e->aux) && aux_order(e->aux) == order) {
		uint64_t trace_pfn = e->key;
		ftrace_map_del(&r->rev, from);
		if (to == UINT64_MAX) {
			e->aux |= AUX_RECLAIMED;
			r->nr_reclaimed++;
			r->sum.reclaimed++;
		} else {
			e->val = to;
			ftrace_map_put(&r->rev, to, trace_pfn, 0);
			r->sum.migrated++;
		}
	}
	if (r->o.chain)
		r->o.chain(r->o.chain_ctx, from, to, order);
}

struct fs_ftrace_replay *fs_ftrace_replay_new(struct fs_engine *e, const struct fs_ftrace *t,
					      const struct fs_ftrace_replay_options *o)
{
	struct fs_ftrace_replay *r = fs_xcalloc(1, sizeof(*r));
	r->e = e;
	r->t = t;
	if (o)
		r->o = *o;
	else
		fs_ftrace_replay_options_default(&r->o);
	r->p = fs_engine_profile(e);
	r->c = fs_engine_config(e);
	r->rng = r->o.seed ? r->o.seed : 0x9e3779b97f4a7c15ull;
	ftrace_map_init(&r->fwd);
	ftrace_map_init(&r->rev);
	r->nr_orders = FS_MAX_ORDERS;
	r->nr_zones = fs_engine_nr_zones(e);
	if (r->nr_zones > FS_ENGINE_MAX_ZONES)
		r->nr_zones = FS_ENGINE_MAX_ZONES;
	for (size_t z = 0; z < r->nr_zones; z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, z, &zi);
		r->zone_start[z] = zi.start_pfn;
		r->zone_end[z] = zi.end_pfn > zi.start_pfn ? zi.end_pfn : zi.start_pfn;
		if (z == 0 || zi.nr_orders < r->nr_orders)
			r->nr_orders = zi.nr_orders > 0 ? zi.nr_orders : r->nr_orders;
	}
	fs_engine_stats(e, &r->start);
	r->sum.first_ts = r->sum.last_ts = -1;
	fs_alloc_result_init(&r->last.alloc);
	fs_engine_set_move_hook(e, engine_moved, r);
	return r;
}

void fs_ftrace_replay_free(struct fs_ftrace_replay *r)
{
	if (!r)
		return;
	fs_engine_set_move_hook(r->e, r->o.chain, r->o.chain_ctx);
	fs_alloc_result_clear(&r->last.alloc);
	ftrace_map_free(&r->fwd);
	ftrace_map_free(&r->rev);
	for (int o = 0; o < FS_MAX_ORDERS; o++)
		free(r->cand[o].heads);
	free(r->gfp);
	free(r);
}

/* ---- gfp texts to masks, once per distinct text ---- */

static const char *default_gfp_for_mt(int mt)
{
	switch (mt) {
	case FS_MT_MOVABLE:
		return "GFP_HIGHUSER_MOVABLE";
	case FS_MT_RECLAIMABLE:
		return "GFP_KERNEL|__GFP_RECLAIMABLE";
	default:
		return "GFP_KERNEL";
	}
}

static const struct gfp_cache *resolve_gfp(struct fs_ftrace_replay *r, uint32_t id, int mt)
{
	if (id >= r->nr_gfp) {
		size_t n = fs_ftrace_nr_gfp(r->t);
		r->gfp = fs_xrealloc(r->gfp, n * sizeof(*r->gfp));
		memset(r->gfp + r->nr_gfp, 0, (n - r->nr_gfp) * sizeof(*r->gfp));
		r->nr_gfp = n;
	}
	struct gfp_cache *g = &r->gfp[id];
	if (id == 0) {
		/* no gfp_flags= on the line: an ordinary mask of its migratetype */
		mt = mt >= 0 && mt < FS_MT_COUNT ? mt : FS_MT_UNMOVABLE;
		g = &r->gfp_by_mt[mt];
	}
	if (g->state != GFP_UNRESOLVED)
		return g;
	const char *text = id ? fs_ftrace_gfp_text(r->t, id) : default_gfp_for_mt(mt);
	char unknown[256];
	bool ok = true;
	if (strcmp(text, "none") == 0)
		g->mask = 0;    /* show_gfp_flags of 0 (4.6+) */
	else
		ok = fs_gfp_parse(r->p, r->c, text, &g->mask, unknown, sizeof(unknown));
	g->state = ok ? GFP_KNOWN : GFP_PARTLY_KNOWN;
	struct fs_gfp_meaning m;
	fs_gfp_meaning(r->p, r->c, g->mask, 0, NULL, &m);
	g->mt = (int8_t)m.migratetype;
	return g;
}

/* ---- engine pages ---- */

static bool allocated_kind(enum fs_page_kind k)
{
	return k == FS_PAGE_KERNEL || k == FS_PAGE_ANON || k == FS_PAGE_FILE || k == FS_PAGE_SLAB;
}

/* Is engine allocation (head, order) still there, as the replay made it? */
static bool still_there(const struct fs_ftrace_replay *r, uint64_t head, int order,
			uint64_t trace_pfn)
{
	struct fs_page_info pi;
	if (!fs_engine_page(r->e, head, &pi) || !allocated_kind(pi.kind) || pi.head != head ||
	    pi.order != order)
		return false;
	const struct ftrace_map_entry *back = ftrace_map_get(&r->rev, head);
	return back && back->val == trace_pfn;
}

static void forget(struct fs_ftrace_replay *r, uint64_t trace_pfn, uint64_t head)
{
	const struct ftrace_map_entry *e = ftrace_map_get(&r->fwd, trace_pfn);
	if (e && aux_reclaimed(e->aux))
		r->nr_reclaimed--;      /* its rev entry went with the reclaim */
	else if ((e = ftrace_map_get(&r->rev, head)) && e->val == trace_pfn)
		ftrace_map_del(&r->rev, head);
	ftrace_map_del(&r->fwd, trace_pfn);
}

enum freed { FREED, FREED_BY_RECLAIM, FREED_STALE };

/* Free the engine allocation mapped from trace_pfn (aux: its fwd entry's),
 * unless reclaim freed it already or it is not there (stale). */
static enum freed free_mapped(struct fs_ftrace_replay *r, uint64_t trace_pfn, uint64_t head,
			      uint32_t aux)
{
	enum freed how = FREED_STALE;
	if (aux_reclaimed(aux))
		how = FREED_BY_RECLAIM;
	else if (still_there(r, head, aux_order(aux), trace_pfn) &&
		 fs_engine_free_page(r->e, head, &r->last.free))
		how = FREED;
	forget(r, trace_pfn, head);
	if (how == FREED)
		r->last.did = FS_FTRACE_DID_FREE;
	r->last_was_reclaimed = how == FREED_BY_RECLAIM;
	return how;
}

/* ---- the events ---- */

static void do_alloc(struct fs_ftrace_replay *r, const struct fs_ftrace_event *ev)
{
	struct fs_ftrace_summary *s = &r->sum;
	int order = ev->order;
	s->allocs++;
	s->order_allocs[order]++;
	int mt = fs_ftrace_mt(r->p, r->c, ev->mt);
	const struct gfp_cache *g = resolve_gfp(r, ev->gfp, mt);
	if (mt < 0)
		mt = g->mt;
	s->mt_allocs[mt]++;
	if (ev->failed) {
		s->trace_failed++;
		s->order_trace_failed[order]++;
		if (!r->o.replay_failed) {
			s->failed_not_replayed++;
			return;
		}
	}
	if (g->state == GFP_PARTLY_KNOWN)
		s->gfp_unknown++;

	struct fs_alloc_request req;
	memset(&req, 0, sizeof(req));
	req.gfp = g->mask;
	req.order = order;
	req.node = -1;
	req.kind = (int)fs_page_kind_for_mt((enum fs_mt)mt);
	req.explain = r->o.explain;
	struct fs_alloc_result *res = &r->last.alloc;
	if (res->has_verdict) {
		fs_alloc_result_clear(res);
		fs_alloc_result_init(res);
	}
	bool ok = fs_engine_alloc(r->e, &req, res);
	r->last.did = FS_FTRACE_DID_ALLOC;
	if (ok) {
		s->allocs_made++;
	} else {
		s->allocs_failed++;
		s->order_allocs_failed[order]++;
		s->mt_allocs_failed[mt]++;
	}
	if (!ev->failed && ok)
		s->both_ok++;
	else if (!ev->failed)
		s->trace_ok_engine_failed++;
	else if (ok)
		s->trace_failed_engine_ok++;
	else
		s->both_failed++;
	if (!ok)
		return;
	if (ev->failed) {
		/* the traced kernel held no page: neither does the replay */
		fs_engine_free_page(r->e, res->pfn, &r->last.free);
		return;
	}
	const struct ftrace_map_entry *old = ftrace_map_get(&r->fwd, ev->pfn);
	if (old) {
		/* its free was lost (ring buffer overrun, tracing started between) */
		s->remapped++;
		free_mapped(r, ev->pfn, old->val, old->aux);
		r->last.did = FS_FTRACE_DID_ALLOC;
	}
	ftrace_map_put(&r->fwd, ev->pfn, res->pfn, aux_make(order, 1u << order));
	ftrace_map_put(&r->rev, res->pfn, ev->pfn, 0);
	if (nr_mapped(r) > s->mapped_peak)
		s->mapped_peak = nr_mapped(r);
}

/* Walk the engine's pages, allocation by allocation, and keep (a uniform
 * sample of) the allocations the replay does not own, by order. Once per
 * exhaustion: O(pages) but rare. */
static void scan_candidates(struct fs_ftrace_replay *r)
{
	for (int o = 0; o < FS_MAX_ORDERS; o++) {
		struct candidates *c = &r->cand[o];
		if (!c->heads)
			c->heads = fs_xmalloc(CANDIDATES_MAX * sizeof(*c->heads));
		c->n = 0;
		c->seen = 0;
		c->scanned = true;
	}
	for (size_t z = 0; z < r->nr_zones; z++) {
		uint64_t pfn = r->zone_start[z];
		while (pfn < r->zone_end[z]) {
			struct fs_page_info pi;
			if (!fs_engine_page(r->e, pfn, &pi) || pi.head > pfn || pi.order < 0 ||
			    pi.order >= FS_MAX_ORDERS) {
				pfn++;
				continue;
			}
			uint64_t next = pi.head + (UINT64_C(1) << pi.order);
			if (allocated_kind(pi.kind) && !ftrace_map_get(&r->rev, pi.head)) {
				struct candidates *c = &r->cand[pi.order];
				c->seen++;
				if (c->n < CANDIDATES_MAX) {
					c->heads[c->n++] = pi.head;
				} else {
					uint64_t k = next_random(r) % c->seen;
					if (k < CANDIDATES_MAX)
						c->heads[k] = pi.head;
				}
			}
			pfn = next > pfn ? next : pfn + 1;
		}
	}
}

/* A random allocation of order, not the replay's own; false when none is left. */
static bool free_random(struct fs_ftrace_replay *r, int order)
{
	struct candidates *c = &r->cand[order];
	if (c->n == 0 && (!c->scanned || c->seen > CANDIDATES_MAX))
		scan_candidates(r);
	while (c->n > 0) {
		size_t i = (size_t)(next_random(r) % c->n);
		uint64_t head = c->heads[i];
		c->heads[i] = c->heads[--c->n];
		struct fs_page_info pi;
		/* still what it was when sampled: the engine may have freed or moved it */
		if (!fs_engine_page(r->e, head, &pi) || !allocated_kind(pi.kind) ||
		    pi.head != head || pi.order != order || ftrace_map_get(&r->rev, head))
			continue;
		if (fs_engine_free_page(r->e, head, &r->last.free)) {
			r->last.did = FS_FTRACE_DID_FREE;
			/* it may be the chained hook holder's (a workload's) */
			if (r->o.freed_other)
				r->o.freed_other(r->o.chain_ctx, head, order);
			else if (r->o.chain)
				r->o.chain(r->o.chain_ctx, head, UINT64_MAX, order);
			return true;
		}
	}
	return false;
}

/* The mapped allocation whose pages include [pfn, pfn + 2^order), not at its head. */
static struct ftrace_map_entry *containing(const struct fs_ftrace_replay *r, uint64_t pfn,
					   int order)
{
	for (int o = order + 1; o < r->nr_orders; o++) {
		uint64_t head = pfn & ~((UINT64_C(1) << o) - 1);
		if (head == pfn)
			continue;
		struct ftrace_map_entry *e = ftrace_map_get(&r->fwd, head);
		if (e && pfn + (UINT64_C(1) << order) <= head + (UINT64_C(1) << aux_order(e->aux)))
			return e;
	}
	return NULL;
}

/* Count a free event by what free_mapped found. */
static void count_freed(struct fs_ftrace_summary *s, enum freed how, uint64_t *freed_counter)
{
	if (how == FREED)
		(*freed_counter)++;
	else if (how == FREED_BY_RECLAIM)
		s->frees_reclaimed++;
	else
		s->frees_stale++;
}

/* Pages of a mapped allocation freed one part at a time; the last part frees
 * it (or finds it reclaimed or stale, and is counted so instead). */
static void free_part(struct fs_ftrace_replay *r, struct ftrace_map_entry *e, int order)
{
	struct fs_ftrace_summary *s = &r->sum;
	uint32_t pages = 1u << order, left = aux_left(e->aux);
	r->last.did = FS_FTRACE_DID_FREE_NONE;
	if (pages < left) {
		s->frees_partial++;
		e->aux = aux_make(aux_order(e->aux), left - pages) | (e->aux & AUX_RECLAIMED);
		return;
	}
	count_freed(s, free_mapped(r, e->key, e->val, e->aux), &s->frees_partial);
}

static void do_free(struct fs_ftrace_replay *r, const struct fs_ftrace_event *ev)
{
	struct fs_ftrace_summary *s = &r->sum;
	int order = ev->order;
	r->last.did = FS_FTRACE_DID_FREE_NONE;
	struct ftrace_map_entry *e = ftrace_map_get(&r->fwd, ev->pfn);
	if (e) {
		int aorder = aux_order(e->aux);
		if (order < aorder || aux_left(e->aux) != 1u << aorder) {
			free_part(r, e, order);
			return;
		}
		count_freed(s, free_mapped(r, ev->pfn, e->val, e->aux), &s->frees_matched);
		return;
	}
	e = containing(r, ev->pfn, order);
	if (e) {
		free_part(r, e, order);
		return;
	}
	if (r->o.free_unmatched_random && free_random(r, order))
		s->frees_random++;
	else
		s->frees_unmatched++;
}

static void apply(struct fs_ftrace_replay *r, const struct fs_ftrace_event *ev)
{
	struct fs_ftrace_summary *s = &r->sum;
	s->applied++;
	if (ev->ts >= 0) {
		if (s->first_ts < 0)
			s->first_ts = ev->ts;
		s->last_ts = ev->ts;
	}
	r->last.event = ev;
	r->last.did = FS_FTRACE_DID_NOTHING;
	r->last_was_reclaimed = false;
	switch (ev->kind) {
	case FS_FTRACE_ALLOC:
		do_alloc(r, ev);
		break;
	case FS_FTRACE_FREE:
		s->frees++;
		s->order_frees[ev->order]++;
		do_free(r, ev);
		break;
	case FS_FTRACE_FREE_BATCHED:
		/* Every page freed in a batch also passes free_pages_prepare,
		 * which emits mm_page_free for it (4.4 free_hot_cold_page_list
		 * -> free_hot_cold_page; 4.15+ free_unref_page_list ->
		 * free_unref_page_prepare): replay it only when the trace has
		 * no mm_page_free at all (that event was not enabled). */
		s->frees++;
		s->order_frees[ev->order]++;
		if (r->t->stats.events[FS_FTRACE_FREE] == 0)
			do_free(r, ev);
		else
			s->frees_batched_dup++;
		break;
	case FS_FTRACE_ALLOC_ZONE_LOCKED:
	case FS_FTRACE_PCPU_DRAIN:
		s->pcp_events++;
		break;
	case FS_FTRACE_EXTFRAG: {
		s->extfrag++;
		s->extfrag_fragmenting += ev->fragmenting;
		s->extfrag_change_ownership += ev->change_ownership;
		s->order_extfrag[ev->order]++;
		int fmt = fs_ftrace_mt(r->p, r->c, ev->fallback_mt);
		if (fmt >= 0)
			s->mt_extfrag_fallback[fmt]++;
		break;
	}
	default:
		break;
	}
}

static void describe_last(struct fs_ftrace_replay *r)
{
	struct fs_ftrace_step *l = &r->last;
	const struct fs_ftrace_event *ev = l->event;
	if (!ev)
		return;
	const char *name = fs_ftrace_kind_name((enum fs_ftrace_kind)ev->kind);
	switch (l->did) {
	case FS_FTRACE_DID_ALLOC:
		if (l->alloc.ok)
			snprintf(l->what, sizeof(l->what),
				 "line %u %s order %d (trace pfn %#llx%s): engine pfn %#llx, %s",
				 ev->line, name, ev->order, (unsigned long long)ev->pfn,
				 ev->failed ? ", failed there" : "",
				 (unsigned long long)l->alloc.pfn, fs_engine_path_name(l->alloc.path));
		else
			snprintf(l->what, sizeof(l->what), "line %u %s order %d%s: engine failed",
				 ev->line, name, ev->order, ev->failed ? " (failed there too)" : "");
		break;
	case FS_FTRACE_DID_FREE:
		snprintf(l->what, sizeof(l->what),
			 "line %u %s pfn %#llx: freed engine pfn %#llx order %d", ev->line, name,
			 (unsigned long long)ev->pfn, (unsigned long long)l->free.head,
			 l->free.order);
		break;
	case FS_FTRACE_DID_FREE_NONE:
		snprintf(l->what, sizeof(l->what), "line %u %s pfn %#llx: nothing freed%s",
			 ev->line, name, (unsigned long long)ev->pfn,
			 r->last_was_reclaimed ? " (the engine had reclaimed it)" : "");
		break;
	default:
		snprintf(l->what, sizeof(l->what), "line %u %s: counted", ev->line, name);
		break;
	}
}

size_t fs_ftrace_replay_step(struct fs_ftrace_replay *r, size_t n)
{
	size_t count;
	const struct fs_ftrace_event *evs = fs_ftrace_events(r->t, &count);
	size_t done = 0;
	while (done < n && r->pos < count) {
		apply(r, &evs[r->pos++]);
		done++;
	}
	if (done)
		describe_last(r);
	return done;
}

size_t fs_ftrace_replay_until(struct fs_ftrace_replay *r, double until)
{
	size_t count;
	const struct fs_ftrace_event *evs = fs_ftrace_events(r->t, &count);
	size_t done = 0;
	while (r->pos < count && evs[r->pos].ts <= until) {
		apply(r, &evs[r->pos++]);
		done++;
	}
	if (done)
		describe_last(r);
	return done;
}

size_t fs_ftrace_replay_pos(const struct fs_ftrace_replay *r)
{
	return r->pos;
}

bool fs_ftrace_replay_done(const struct fs_ftrace_replay *r)
{
	size_t count;
	fs_ftrace_events(r->t, &count);
	return r->pos >= count;
}

double fs_ftrace_replay_next_ts(const struct fs_ftrace_replay *r)
{
	size_t count;
	const struct fs_ftrace_event *evs = fs_ftrace_events(r->t, &count);
	return r->pos < count ? evs[r->pos].ts : -1;
}

const struct fs_ftrace_step *fs_ftrace_replay_last(const struct fs_ftrace_replay *r)
{
	return &r->last;
}

void fs_ftrace_replay_summary(const struct fs_ftrace_replay *r, struct fs_ftrace_summary *out)
{
	*out = r->sum;
	out->parse = r->t->stats;
	struct fs_engine_stats now;
	fs_engine_stats(r->e, &now);
	out->engine_fallbacks = now.fallbacks - r->start.fallbacks;
	out->engine_claims = now.claims - r->start.claims;
	out->mapped = nr_mapped(r);
}

void fs_ftrace_replay_all(struct fs_engine *e, const struct fs_ftrace *t,
			  const struct fs_ftrace_replay_options *o, struct fs_ftrace_summary *out)
{
	struct fs_ftrace_replay *r = fs_ftrace_replay_new(e, t, o);
	while (fs_ftrace_replay_step(r, SIZE_MAX) > 0)
		;
	if (out)
		fs_ftrace_replay_summary(r, out);
	fs_ftrace_replay_free(r);
}

/* ---- the summary for people ---- */

static void orders_line(struct fs_buf *b, const char *label, const uint64_t *v)
{
	int last = -1;
	for (int o = 0; o < FS_MAX_ORDERS; o++)
		if (v[o])
			last = o;
	if (last < 0)
		return;
	fs_buf_printf(b, "  %-22s", label);
	for (int o = 0; o <= last; o++)
		fs_buf_printf(b, " %d:%llu", o, (unsigned long long)v[o]);
	fs_buf_addc(b, '\n');
}

void fs_ftrace_summary_format(const struct fs_ftrace_summary *s, struct fs_buf *b)
{
	const struct fs_ftrace_parse_stats *p = &s->parse;
	unsigned long long ev = 0;
	for (int k = 0; k < FS_FTRACE_KINDS; k++)
		ev += p->events[k];
	fs_buf_printf(b, "trace: %llu lines, %llu kmem events, %llu other events skipped, "
		      "%llu malformed, %llu lost\n", (unsigned long long)p->lines, ev,
		      (unsigned long long)p->unknown_events, (unsigned long long)p->malformed,
		      (unsigned long long)p->lost_events);
	if (s->first_ts >= 0)
		fs_buf_printf(b, "replayed: %llu events, %.6f .. %.6f s\n",
			      (unsigned long long)s->applied, s->first_ts, s->last_ts);
	else
		fs_buf_printf(b, "replayed: %llu events\n", (unsigned long long)s->applied);
	fs_buf_printf(b, "allocs: %llu (%llu failed in the trace); engine made %llu, failed %llu\n",
		      (unsigned long long)s->allocs, (unsigned long long)s->trace_failed,
		      (unsigned long long)s->allocs_made, (unsigned long long)s->allocs_failed);
	fs_buf_printf(b, "  both ok %llu, trace ok/engine failed %llu, trace failed/engine ok "
		      "%llu, both failed %llu\n", (unsigned long long)s->both_ok,
		      (unsigned long long)s->trace_ok_engine_failed,
		      (unsigned long long)s->trace_failed_engine_ok,
		      (unsigned long long)s->both_failed);
	if (s->failed_not_replayed || s->gfp_unknown || s->remapped)
		fs_buf_printf(b, "  failures not replayed %llu, gfp with unknown flags %llu, "
			      "pfn reallocated before its free %llu\n",
			      (unsigned long long)s->failed_not_replayed,
			      (unsigned long long)s->gfp_unknown, (unsigned long long)s->remapped);
	fs_buf_printf(b, "frees: %llu; matched %llu, partial %llu, random pre-trace %llu, "
		      "unmatched %llu, batched duplicates %llu, reclaimed before %llu, stale %llu\n",
		      (unsigned long long)s->frees, (unsigned long long)s->frees_matched,
		      (unsigned long long)s->frees_partial, (unsigned long long)s->frees_random,
		      (unsigned long long)s->frees_unmatched,
		      (unsigned long long)s->frees_batched_dup,
		      (unsigned long long)s->frees_reclaimed, (unsigned long long)s->frees_stale);
	fs_buf_printf(b, "extfrag: trace %llu (fragmenting %llu, change_ownership %llu); engine "
		      "fallbacks %llu, claims %llu\n", (unsigned long long)s->extfrag,
		      (unsigned long long)s->extfrag_fragmenting,
		      (unsigned long long)s->extfrag_change_ownership,
		      (unsigned long long)s->engine_fallbacks,
		      (unsigned long long)s->engine_claims);
	if (s->pcp_events)
		fs_buf_printf(b, "per-cpu list events counted (not replayed): %llu\n",
			      (unsigned long long)s->pcp_events);
	fs_buf_printf(b, "mapped now %llu, peak %llu", (unsigned long long)s->mapped,
		      (unsigned long long)s->mapped_peak);
	if (s->migrated || s->reclaimed)
		fs_buf_printf(b, "; the engine migrated %llu of the replay's allocations (followed) "
			      "and reclaimed %llu", (unsigned long long)s->migrated,
			      (unsigned long long)s->reclaimed);
	fs_buf_addc(b, '\n');
	fs_buf_printf(b, "by order:\n");
	orders_line(b, "allocs", s->order_allocs);
	orders_line(b, "engine failed", s->order_allocs_failed);
	orders_line(b, "trace failed", s->order_trace_failed);
	orders_line(b, "frees", s->order_frees);
	orders_line(b, "extfrag", s->order_extfrag);
	fs_buf_printf(b, "by migratetype:");
	for (int m = 0; m < FS_MT_COUNT; m++)
		if (s->mt_allocs[m] || s->mt_extfrag_fallback[m])
			fs_buf_printf(b, " %s %llu (engine failed %llu, extfrag from %llu)",
				      fs_mt_name((enum fs_mt)m),
				      (unsigned long long)s->mt_allocs[m],
				      (unsigned long long)s->mt_allocs_failed[m],
				      (unsigned long long)s->mt_extfrag_fallback[m]);
	fs_buf_addc(b, '\n');
}
