/*
 * source_engine.c - the allocator engine as a source: a frame for every
 * change of state, and a small command language to change it (see
 * source.h and fragscope(1), ENGINE COMMANDS). With a workload run, the
 * run advances with simulated time at the speed the view sets, one frame
 * per step, and the source ends when the run finishes.
 *
 * Every reply says what happened and why, with the engine's own numbers
 * (fs_alloc_result.reason, the pick, what reclaim and compaction did); a
 * command that is not understood changes nothing and says what was
 * expected.
 */
#include "config.h"

#include "source_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fragscope/engine.h"
#include "fragscope/util.h"
#include "fragscope/workload.h"

#define MAX_WORDS 8
#define ALLOC_REPEAT_MAX 1000000     /* alloc ... xN */
#define FREE_REPEAT_MAX 1000000      /* free random N, free oldest N */
#define TRACKED_ALLOCS_MAX (1u << 20) /* what "free oldest" remembers */
#define RECLAIM_DEFAULT 32           /* SWAP_CLUSTER_MAX */
#define STEP_MIN_S 0.05              /* a running workload: at most 20 frames a second */
#define STEP_MAX_S 2.0               /* ... and never more than this much real time owed */

struct alloc_rec {
	uint64_t pfn;
	int order;
};

struct engine_src {
	struct fs_engine *e;
	struct fs_workload_run *run;    /* NULL: interactive only */
	struct src_ring ring;
	size_t reported;                /* frames fs_source_poll has told of */
	struct fs_verdict verdict;      /* of the last allocation command */
	bool has_verdict;
	/* allocations made by commands, oldest first (a ring) */
	struct alloc_rec *allocs;
	size_t allocs_first, nr_allocs, allocs_cap;
	uint64_t rng;
	bool sim_clock;                 /* frames on simulated seconds, not a date */
	/* a running workload */
	bool playing;
	double speed;                   /* simulated seconds per real second */
	double next_step_at;            /* monotonic seconds */
	double last_step_at;
};

static struct engine_src *es_of(const struct fs_source *s)
{
	return s->priv;
}

/* splitmix64: the random frees are the same for the same engine seed. */
static uint64_t next_random(struct engine_src *es)
{
	uint64_t z = (es->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- frames ---- */

/* The engine's state now as the next frame; takes over *report (may be NULL). */
static void push_frame(struct fs_source *s, struct fs_report_list *reports)
{
	struct engine_src *es = es_of(s);
	struct fs_frame f;
	fs_frame_init(&f);
	f.index = s->count;
	f.snapshot = fs_engine_snapshot(es->e);
	/* the snapshot's clock: the loaded one's time plus the simulated seconds */
	f.time = f.snapshot ? f.snapshot->meta.time : fs_engine_time(es->e);
	if (reports) {
		f.events = *reports;
		memset(reports, 0, sizeof(*reports));
	}
	if (s->count == 0)
		es->sim_clock = f.snapshot && f.snapshot->meta.time_base == FS_TIME_EPOCH &&
				f.snapshot->meta.time < 1.0;
	if (es->sim_clock) {
		/* A machine made from sizes starts at 0 on an epoch clock (1970):
		 * its time is seconds since it started, as a boot clock reads. */
		f.snapshot->meta.time_base = FS_TIME_BOOT;
		for (size_t i = 0; i < f.events.count; i++)
			f.events.items[i].time_base = FS_TIME_BOOT;
	}
	src_ring_push(&es->ring, s, &f);
}

static void push_failure_frame(struct fs_source *s, const struct fs_alloc_request *req,
			       bool warns)
{
	struct fs_report_list l = { 0 };
	if (warns) {
		l.items = fs_xcalloc(1, sizeof(*l.items));
		l.cap = 1;
		fs_engine_failure_report(es_of(s)->e, req, &l.items[0]);
		l.count = 1;
	}
	push_frame(s, &l);
	fs_report_list_free(&l);
}

/* ---- replies ---- */

static int say(char *reply, size_t size, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int say(char *reply, size_t size, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reply, size, fmt, ap);
	va_end(ap);
	return rc;
}

static int reply_buf(char *reply, size_t size, struct fs_buf *b, int rc)
{
	fs_copy_str(reply, size, b->data ? b->data : "");
	fs_buf_free(b);
	return rc;
}

static void zone_label(const struct fs_engine *e, int zone, char *out, size_t size)
{
	if (zone < 0 || (size_t)zone >= fs_engine_nr_zones(e)) {
		snprintf(out, size, "no zone");
		return;
	}
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, (size_t)zone, &zi);
	snprintf(out, size, "Node %d %s", zi.node, zi.name);
}

static int nr_orders(const struct fs_engine *e)
{
	if (fs_engine_nr_zones(e) == 0)
		return 11;
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	return zi.nr_orders > 0 ? zi.nr_orders : 11;
}

/* ---- parsing ---- */

static bool parse_u64(const char *w, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!w || !*w || *w == '-')
		return false;
	char *end;
	errno = 0;
	/* decimal, or hex with 0x (never octal: "010" is ten) */
	bool hex = w[0] == '0' && (w[1] == 'x' || w[1] == 'X');
	unsigned long long v = strtoull(hex ? w + 2 : w, &end, hex ? 16 : 10);
	if (hex && end == w + 2)
		return false;
	if (*end || errno || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static size_t split_words(char *text, char *words[MAX_WORDS + 1])
{
	size_t n = 0;
	char *save = NULL;
	for (char *w = strtok_r(text, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS + 1)
			return n + 1;   /* too many: the caller says so */
		words[n++] = w;
	}
	return n;
}

static bool parse_gfp(const struct fs_engine *e, const char *text, uint64_t *mask, char *unknown,
		      size_t unknown_size)
{
	return fs_gfp_parse(fs_engine_profile(e), fs_engine_config(e), text, mask, unknown,
			    unknown_size);
}

static void gfp_names(const struct fs_engine *e, uint64_t mask, char *out, size_t size)
{
	fs_gfp_format(fs_engine_profile(e), fs_engine_config(e), mask, out, size);
}

/* ---- alloc ---- */

static void track_alloc(struct engine_src *es, uint64_t pfn, int order)
{
	if (es->nr_allocs == TRACKED_ALLOCS_MAX) {
		/* the oldest is forgotten: free oldest cannot reach it any more */
		es->allocs_first = (es->allocs_first + 1) % es->allocs_cap;
		es->nr_allocs--;
	}
	if (es->nr_allocs == es->allocs_cap) {
		size_t cap = es->allocs_cap ? es->allocs_cap * 2 : 256;
		struct alloc_rec *n = fs_xcalloc(cap, sizeof(*n));
		for (size_t i = 0; i < es->nr_allocs; i++)
			n[i] = es->allocs[(es->allocs_first + i) % es->allocs_cap];
		free(es->allocs);
		es->allocs = n;
		es->allocs_cap = cap;
		es->allocs_first = 0;
	}
	es->allocs[(es->allocs_first + es->nr_allocs) % es->allocs_cap] =
		(struct alloc_rec){ pfn, order };
	es->nr_allocs++;
}

static bool pop_oldest(struct engine_src *es, struct alloc_rec *out)
{
	if (es->nr_allocs == 0)
		return false;
	*out = es->allocs[es->allocs_first];
	es->allocs_first = (es->allocs_first + 1) % es->allocs_cap;
	es->nr_allocs--;
	return true;
}

static const char *pick_how_name(enum fs_pick_how h)
{
	switch (h) {
	case FS_PICK_OWN: return "own list";
	case FS_PICK_HIGHATOMIC: return "HighAtomic reserve";
	case FS_PICK_CMA: return "CMA";
	case FS_PICK_FALLBACK: return "fallback";
	default: return "none";
	}
}

/* "pfn 0x1000 in Node 0 Normal, fast path, fallback from Movable order-10, pageblock claimed" */
static void describe_success(const struct fs_engine *e, const struct fs_alloc_result *r,
			     struct fs_buf *b)
{
	char zone[48];
	zone_label(e, r->zone, zone, sizeof(zone));
	fs_buf_printf(b, "pfn 0x%" PRIx64 " in %s, %s, %s from %s order-%d", r->pfn, zone,
		      fs_engine_path_name(r->path), pick_how_name(r->pick.how),
		      fs_mt_name(r->pick.mt), r->pick.order);
	if (r->claimed)
		fs_buf_printf(b, ", pageblock claimed");
	if (r->highatomic_reserved)
		fs_buf_printf(b, ", a pageblock became HighAtomic");
}

static void describe_slow_work(const struct fs_alloc_result *r, struct fs_buf *b)
{
	if (r->kswapd_woken)
		fs_buf_printf(b, ", kswapd woken");
	if (r->reclaimed)
		fs_buf_printf(b, ", direct reclaim freed %" PRIu64, r->reclaimed);
	if (r->compaction_moved)
		fs_buf_printf(b, ", compaction moved %" PRIu64, r->compaction_moved);
	if (r->drained)
		fs_buf_printf(b, ", drained %" PRIu64 " per-cpu pages", r->drained);
	if (r->rounds)
		fs_buf_printf(b, ", %d slow-path round%s", r->rounds, r->rounds == 1 ? "" : "s");
}

static void keep_verdict(struct engine_src *es, struct fs_alloc_result *r)
{
	if (!r->has_verdict)
		return;
	fs_verdict_clear(&es->verdict);
	es->verdict = r->verdict;         /* moved: r no longer owns its steps */
	fs_verdict_init(&r->verdict);
	r->has_verdict = false;
	es->has_verdict = true;
}

/* A verdict on the state now, for a failure the engine did not explain. */
static void verdict_now(struct engine_src *es, const struct fs_alloc_request *req,
			const struct fs_snapshot *snap)
{
	struct fs_verdict_request vr;
	memset(&vr, 0, sizeof(vr));
	vr.gfp = req->gfp;
	vr.order = req->order;
	vr.node = req->node;
	vr.task = req->task;
	vr.profile = fs_engine_profile(es->e);
	vr.config = fs_engine_config(es->e);
	fs_verdict_run(snap, &vr, &es->verdict);
	es->has_verdict = es->verdict.profile != NULL;
}

struct alloc_args {
	int order;
	uint64_t gfp;
	uint64_t count;
	int kind;
};

static int parse_alloc(const struct fs_engine *e, char **w, size_t n, struct alloc_args *a,
		       char *reply, size_t size)
{
	static const char usage[] = "alloc ORDER GFP [xN] [KIND]";
	a->count = 1;
	a->kind = -1;
	uint64_t order;
	int max = nr_orders(e) - 1;
	if (n < 3)
		return say(reply, size, -1, "%s: which order and gfp mask? e.g. alloc 3 GFP_KERNEL",
			   usage);
	if (!parse_u64(w[1], 0, (uint64_t)max, &order))
		return say(reply, size, -1, "%s: ORDER is a number from 0 to %d, got \"%s\"", usage,
			   max, w[1]);
	a->order = (int)order;
	char unknown[160];
	if (!parse_gfp(e, w[2], &a->gfp, unknown, sizeof(unknown)))
		return say(reply, size, -1, "%s: not a gfp mask for kernel %s: %s", usage,
			   fs_engine_profile(e)->name, unknown[0] ? unknown : w[2]);
	for (size_t i = 3; i < n; i++) {
		if ((w[i][0] == 'x' || w[i][0] == 'X') && w[i][1] >= '0' && w[i][1] <= '9') {
			if (!parse_u64(w[i] + 1, 1, ALLOC_REPEAT_MAX, &a->count))
				return say(reply, size, -1, "%s: xN is x1 to x%d, got \"%s\"", usage,
					   ALLOC_REPEAT_MAX, w[i]);
			continue;
		}
		int k = fs_page_kind_from_name(w[i]);
		if (k != FS_PAGE_KERNEL && k != FS_PAGE_ANON && k != FS_PAGE_FILE &&
		    k != FS_PAGE_SLAB)
			return say(reply, size, -1, "%s: \"%s\" is neither xN nor a kind (kernel, "
				   "anon, file, slab)", usage, w[i]);
		a->kind = k;
	}
	return 0;
}

static bool request_warns(const struct fs_engine *e, const struct fs_alloc_request *req)
{
	struct fs_gfp_meaning m;
	fs_gfp_meaning(fs_engine_profile(e), fs_engine_config(e), req->gfp, req->order, &req->task,
		       &m);
	return m.warns;
}

static int cmd_alloc(struct fs_source *s, char **w, size_t n, char *reply, size_t size)
{
	struct engine_src *es = es_of(s);
	struct alloc_args a;
	if (parse_alloc(es->e, w, n, &a, reply, size) != 0)
		return -1;
	struct fs_alloc_request req;
	memset(&req, 0, sizeof(req));
	req.gfp = a.gfp;
	req.order = a.order;
	req.node = -1;
	req.kind = a.kind;
	char names[256];
	gfp_names(es->e, a.gfp, names, sizeof(names));
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "alloc order-%d %s", a.order, names);
	if (a.count > 1)
		fs_buf_printf(&b, " x%" PRIu64, a.count);
	fs_verdict_clear(&es->verdict);
	fs_verdict_init(&es->verdict);
	es->has_verdict = false;
	uint64_t done = 0, by_path[5] = { 0 };
	uint64_t first_pfn = 0, last_pfn = 0;
	struct fs_alloc_result r;
	fs_alloc_result_init(&r);
	bool ok = true;
	for (uint64_t i = 0; i < a.count && ok; i++) {
		fs_alloc_result_clear(&r);
		fs_alloc_result_init(&r);
		req.explain = i == 0;    /* a snapshot per allocation would be slow for xN */
		ok = fs_engine_alloc(es->e, &req, &r);
		keep_verdict(es, &r);
		if (!ok)
			break;
		done++;
		by_path[r.path < 5 ? r.path : 0]++;
		if (i == 0)
			first_pfn = r.pfn;
		last_pfn = r.pfn;
		track_alloc(es, r.pfn, a.order);
	}
	if (a.count == 1 && ok) {
		fs_buf_printf(&b, ": ok, ");
		describe_success(es->e, &r, &b);
		describe_slow_work(&r, &b);
		/* the fast path's reason repeats the pick; the others' say why it got there */
		if (r.reason[0] && r.path != FS_ENGINE_PATH_FAST)
			fs_buf_printf(&b, ". %s", r.reason);
	} else if (ok) {
		fs_buf_printf(&b, ": ok, all %" PRIu64 " (fast path %" PRIu64 ", slow path %" PRIu64
			      ", after reclaim %" PRIu64 ", after compaction %" PRIu64
			      "), first pfn 0x%" PRIx64 ", last pfn 0x%" PRIx64 ". Last: %s",
			      done, by_path[FS_ENGINE_PATH_FAST], by_path[FS_ENGINE_PATH_SLOW],
			      by_path[FS_ENGINE_PATH_RECLAIM], by_path[FS_ENGINE_PATH_COMPACTION],
			      first_pfn, last_pfn, r.reason);
	} else {
		if (a.count > 1)
			fs_buf_printf(&b, ": %" PRIu64 " allocated, number %" PRIu64 " failed (%s)",
				      done, done + 1, fs_outcome_name(r.outcome));
		else
			fs_buf_printf(&b, ": failed (%s)", fs_outcome_name(r.outcome));
		describe_slow_work(&r, &b);
		fs_buf_printf(&b, ". %s", r.reason);
	}
	bool changed = done > 0 || !ok;   /* a failure may have reclaimed or compacted */
	if (!ok) {
		bool warns = request_warns(es->e, &req);
		push_failure_frame(s, &req, warns);
		if (!es->has_verdict) {
			const struct fs_frame *f = src_ring_get(&es->ring, s->count - 1);
			if (f->snapshot)
				verdict_now(es, &req, f->snapshot);
		}
		if (warns)
			fs_buf_printf(&b, " (warn_alloc report in the events)");
	} else if (changed) {
		push_frame(s, NULL);
	}
	fs_alloc_result_clear(&r);
	return reply_buf(reply, size, &b, 0);
}

/* ---- free ---- */

static bool is_allocated(enum fs_page_kind k)
{
	return k == FS_PAGE_KERNEL || k == FS_PAGE_ANON || k == FS_PAGE_FILE || k == FS_PAGE_SLAB;
}

/* A page the user freed may be one of the workload's: the run must not free
 * it again when its lifetime ends (the engine may have handed it out anew). */
static void forget(struct engine_src *es, const struct fs_free_result *fr)
{
	if (es->run)
		fs_workload_run_forget(es->run, fr->head);
}

static int cmd_free_pfn(struct fs_source *s, const char *w, char *reply, size_t size)
{
	struct engine_src *es = es_of(s);
	uint64_t pfn;
	if (!parse_u64(w, 0, UINT64_MAX, &pfn))
		return say(reply, size, -1, "free PFN | free random N | free oldest N: \"%s\" is no "
			   "page frame number (decimal or 0x hex)", w);
	struct fs_page_info pi;
	if (!fs_engine_page(es->e, pfn, &pi))
		return say(reply, size, -1, "free 0x%" PRIx64 ": no zone holds that pfn", pfn);
	struct fs_free_result fr;
	memset(&fr, 0, sizeof(fr));
	if (!fs_engine_free_page(es->e, pfn, &fr))
		return say(reply, size, -1, "free 0x%" PRIx64 ": not freed: %s", pfn, fr.reason);
	forget(es, &fr);
	push_frame(s, NULL);
	return say(reply, size, 0, "free 0x%" PRIx64 ": freed the order-%d %s allocation at 0x%"
		   PRIx64 "; it merged into an order-%d free block at 0x%" PRIx64 " on the %s list",
		   pfn, fr.order, fs_page_kind_name(pi.kind), fr.head, fr.merged_order,
		   fr.merged_head, fs_mt_name(fr.mt));
}

struct free_tally {
	uint64_t allocations, pages;
	int largest_merge;
	uint64_t largest_merge_pfn;
};

static void tally(struct free_tally *t, const struct fs_free_result *fr)
{
	t->allocations++;
	t->pages += UINT64_C(1) << fr->order;
	if (fr->merged_order > t->largest_merge) {
		t->largest_merge = fr->merged_order;
		t->largest_merge_pfn = fr->merged_head;
	}
}

/* The allocations of zone z from pageblock pb on, offered to a reservoir
 * sample of n (Algorithm R: every allocation equally likely). Pageblocks
 * without an allocated page are passed over with one look. */
struct sample {
	uint64_t *heads;
	uint64_t n, taken, seen;
};

static void offer(struct engine_src *es, struct sample *sm, uint64_t head)
{
	sm->seen++;
	if (sm->taken < sm->n) {
		sm->heads[sm->taken++] = head;
		return;
	}
	uint64_t j = next_random(es) % sm->seen;
	if (j < sm->n)
		sm->heads[j] = head;
}

static void sample_zone(struct engine_src *es, size_t zone, struct sample *sm)
{
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(es->e, zone, &zi);
	uint64_t pb_pages = UINT64_C(1) << zi.pageblock_order;
	uint64_t base = zi.start_pfn & ~(pb_pages - 1), next = zi.start_pfn;
	for (uint64_t pb = 0; pb < zi.nr_pageblocks; pb++) {
		struct fs_pageblock_info info;
		fs_engine_pageblock(es->e, zone, pb, &info);
		uint64_t first = base + pb * pb_pages, end = first + pb_pages;
		if (end > zi.end_pfn)
			end = zi.end_pfn;
		if (!info.kind_pages[FS_PAGE_KERNEL] && !info.kind_pages[FS_PAGE_ANON] &&
		    !info.kind_pages[FS_PAGE_FILE] && !info.kind_pages[FS_PAGE_SLAB])
			continue;
		for (uint64_t p = first > next ? first : next; p < end;) {
			struct fs_page_info pi;
			if (!fs_engine_page(es->e, p, &pi))
				break;
			uint64_t after = pi.head + (UINT64_C(1) << (pi.order > 0 ? pi.order : 0));
			if (is_allocated(pi.kind) && pi.head == p)
				offer(es, sm, p);
			p = after > p ? after : p + 1;
			next = p;
		}
	}
}

static void tally_reply(struct fs_buf *b, const struct free_tally *t)
{
	fs_buf_printf(b, "%" PRIu64 " allocation%s (%" PRIu64 " pages) freed", t->allocations,
		      t->allocations == 1 ? "" : "s", t->pages);
	if (t->allocations)
		fs_buf_printf(b, "; the largest free block they merged into: order-%d at 0x%" PRIx64,
			      t->largest_merge, t->largest_merge_pfn);
}

static int cmd_free_many(struct fs_source *s, const char *how, const char *count, char *reply,
			 size_t size)
{
	struct engine_src *es = es_of(s);
	uint64_t n;
	bool random = strcmp(how, "random") == 0;
	if (!parse_u64(count, 1, FREE_REPEAT_MAX, &n))
		return say(reply, size, -1, "free %s N: N is 1 to %d, got \"%s\"", how,
			   FREE_REPEAT_MAX, count);
	struct free_tally t = { 0, 0, -1, 0 };
	struct sample sm = { NULL, n, 0, 0 };
	if (random) {
		sm.heads = fs_xcalloc((size_t)n, sizeof(*sm.heads));
		for (size_t z = 0; z < fs_engine_nr_zones(es->e); z++)
			sample_zone(es, z, &sm);
	}
	for (uint64_t i = 0; t.allocations < n; i++) {
		uint64_t pfn;
		if (random) {
			if (i >= sm.taken)
				break;
			pfn = sm.heads[i];
		} else {
			struct alloc_rec rec;
			if (!pop_oldest(es, &rec))
				break;
			/* still the allocation that command made (not freed and reused) */
			struct fs_page_info pi;
			if (!fs_engine_page(es->e, rec.pfn, &pi) || !is_allocated(pi.kind) ||
			    pi.head != rec.pfn || pi.order != rec.order)
				continue;
			pfn = rec.pfn;
		}
		struct fs_free_result fr;
		memset(&fr, 0, sizeof(fr));
		if (fs_engine_free_page(es->e, pfn, &fr)) {
			tally(&t, &fr);
			forget(es, &fr);
		}
	}
	free(sm.heads);
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "free %s %" PRIu64 ": ", how, n);
	tally_reply(&b, &t);
	if (t.allocations < n && random)
		fs_buf_printf(&b, "; that is every allocation there was");
	else if (t.allocations < n)
		fs_buf_printf(&b, "; no more allocations made by alloc commands are left");
	if (t.allocations)
		push_frame(s, NULL);
	return reply_buf(reply, size, &b, t.allocations ? 0 : -1);
}

static int cmd_free(struct fs_source *s, char **w, size_t n, char *reply, size_t size)
{
	if (n == 2)
		return cmd_free_pfn(s, w[1], reply, size);
	if (n == 3 && (strcmp(w[1], "random") == 0 || strcmp(w[1], "oldest") == 0))
		return cmd_free_many(s, w[1], w[2], reply, size);
	return say(reply, size, -1, "free PFN | free random N | free oldest N: got \"%s%s%s\"",
		   n > 1 ? w[1] : "", n > 2 ? " " : "", n > 2 ? w[2] : "");
}

/* ---- reclaim, kswapd, compact, drain ---- */

static void reclaim_reply(struct fs_buf *b, const struct fs_reclaim_result *r)
{
	fs_buf_printf(b, "reclaimed %" PRIu64 " of %" PRIu64 " scanned (page cache %" PRIu64
		      ", slab %" PRIu64 ")", r->reclaimed, r->scanned, r->file, r->slab);
	if (r->reason[0])
		fs_buf_printf(b, ". %s", r->reason);
}

static int cmd_reclaim(struct fs_source *s, char **w, size_t n, char *reply, size_t size)
{
	struct engine_src *es = es_of(s);
	uint64_t pages = RECLAIM_DEFAULT;
	if (n > 2 || (n == 2 && !parse_u64(w[1], 1, UINT64_C(1) << 40, &pages)))
		return say(reply, size, -1, "reclaim [N]: N is the pages to reclaim (default %d), "
			   "got \"%s\"", RECLAIM_DEFAULT, n > 1 ? w[1] : "");
	struct fs_reclaim_result r;
	memset(&r, 0, sizeof(r));
	fs_engine_reclaim(es->e, -1, pages, &r);
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "reclaim %" PRIu64 ": ", pages);
	reclaim_reply(&b, &r);
	if (r.reclaimed)
		push_frame(s, NULL);
	return reply_buf(reply, size, &b, 0);
}

static int cmd_kswapd(struct fs_source *s, size_t n, char *reply, size_t size)
{
	struct engine_src *es = es_of(s);
	if (n > 1)
		return say(reply, size, -1, "kswapd takes no arguments");
	struct fs_reclaim_result r;
	memset(&r, 0, sizeof(r));
	fs_engine_kswapd(es->e, -1, 0, &r);
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "kswapd: ");
	reclaim_reply(&b, &r);
	fs_buf_printf(&b, r.balanced ? " (balanced)" : " (not balanced)");
	if (r.reclaimed)
		push_frame(s, NULL);
	return reply_buf(reply, size, &b, 0);
}

/* "Normal", "DMA32", "1:Normal" (node 1): the engine zone, or -1. */
static int find_zone(const struct fs_engine *e, const char *w)
{
	int node = -1;
	const char *name = w;
	const char *colon = strchr(w, ':');
	if (colon) {
		char *end;
		long v = strtol(w, &end, 10);
		if (end != colon || v < 0)
			return -1;
		node = (int)v;
		name = colon + 1;
	}
	for (size_t z = 0; z < fs_engine_nr_zones(e); z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, z, &zi);
		if ((node < 0 || zi.node == node) && strcasecmp(zi.name, name) == 0)
			return (int)z;
	}
	return -1;
}

static const char *suit_name(enum fs_compact_suit s)
{
	switch (s) {
	case FS_COMPACT_SUCCESS: return "the order was already available";
	case FS_COMPACT_SKIPPED: return "skipped: too little free memory";
	case FS_COMPACT_CONTINUE: return "suitable";
	default: return "not suitable (fragmentation index: lack of memory)";
	}
}

static void compact_zone(struct engine_src *es, int zone, uint64_t gfp, int order,
			 struct fs_buf *b, uint64_t *moved)
{
	struct fs_compaction_result r;
	memset(&r, 0, sizeof(r));
	fs_engine_compact(es->e, zone, gfp, order, FS_COMPACT_SYNC, &r);
	char label[48];
	zone_label(es->e, zone, label, sizeof(label));
	fs_buf_printf(b, "%s%s: moved %" PRIu64 " pages (migrate scanner %" PRIu64
		      ", free scanner %" PRIu64 "), %" PRIu64 " found no target", b->len ? "; " : "",
		      label, r.moved, r.migrate_scanned, r.free_scanned, r.failed);
	if (order > 0)
		fs_buf_printf(b, ", %s; order-%d %s", suit_name(r.suit), order,
			      r.order_available ? "available" : "not available");
	if (r.scanners_met)
		fs_buf_printf(b, ", the scanners met");
	if (r.reason[0])
		fs_buf_printf(b, ". %s", r.reason);
	*moved += r.moved;
}

static int cmd_compact(struct fs_source *s, char **w, size_t n, char *reply, size_t size)
{
	static const char usage[] = "compact [ZONE] [ORDER] [GFP]";
	struct engine_src *es = es_of(s);
	size_t i = 1;
	int zone = -1;
	uint64_t order = 0, gfp = 0;
	if (i < n && !(w[i][0] >= '0' && w[i][0] <= '9' && !strchr(w[i], ':'))) {
		zone = find_zone(es->e, w[i]);
		if (zone < 0)
			return say(reply, size, -1, "%s: no zone \"%s\" (names as in the tabs: Normal, "
				   "DMA32; 1:Normal for node 1)", usage, w[i]);
		i++;
	}
	int max = nr_orders(es->e) - 1;
	if (i < n) {
		if (!parse_u64(w[i], 0, (uint64_t)max, &order))
			return say(reply, size, -1, "%s: ORDER is a number from 0 to %d, got \"%s\"",
				   usage, max, w[i]);
		i++;
	}
	char unknown[160];
	if (i < n) {
		if (!parse_gfp(es->e, w[i], &gfp, unknown, sizeof(unknown)))
			return say(reply, size, -1, "%s: not a gfp mask for kernel %s: %s", usage,
				   fs_engine_profile(es->e)->name, unknown[0] ? unknown : w[i]);
		i++;
	} else if (order > 0) {
		parse_gfp(es->e, "GFP_KERNEL", &gfp, unknown, sizeof(unknown));
	}
	if (i < n)
		return say(reply, size, -1, "%s: unexpected \"%s\"", usage, w[i]);
	struct fs_buf b;
	fs_buf_init(&b);
	uint64_t moved = 0;
	for (size_t z = 0; z < fs_engine_nr_zones(es->e); z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(es->e, z, &zi);
		if (zone >= 0 ? (int)z != zone : zi.managed == 0)
			continue;
		compact_zone(es, (int)z, gfp, (int)order, &b, &moved);
	}
	char head[64];
	snprintf(head, sizeof(head), "compact%s: ", order ? "" : " (whole zone)");
	char *body = fs_buf_take(&b);
	fs_buf_printf(&b, "%s%s", head, body ? body : "no zone");
	free(body);
	if (moved)
		push_frame(s, NULL);
	return reply_buf(reply, size, &b, 0);
}

static int cmd_drain(struct fs_source *s, size_t n, char *reply, size_t size)
{
	if (n > 1)
		return say(reply, size, -1, "drain takes no arguments");
	uint64_t pages = fs_engine_drain(es_of(s)->e);
	if (pages)
		push_frame(s, NULL);
	return say(reply, size, 0, "drain: %" PRIu64 " per-cpu page%s back on the buddy lists%s",
		   pages, pages == 1 ? "" : "s", pages ? "" : " (there were none)");
}

/* ---- the workload ---- */

static void step_reply(struct engine_src *es, const struct fs_workload_step *st,
		       struct fs_buf *b)
{
	fs_buf_printf(b, "t=%.1fs: ", st->time);
	if (st->finished && !st->ops)
		fs_buf_printf(b, "no operations");
	else
		fs_buf_printf(b, "%s%s%" PRIu64 " operation%s, %" PRIu64 " failed", st->phase_name,
			      st->phase_name[0] ? ": " : "", st->ops, st->ops == 1 ? "" : "s",
			      st->failures);
	if (st->last_op[0])
		fs_buf_printf(b, "; last: %s", st->last_op);
	if (st->phase_ended) {
		const struct fs_workload_phase_outcome *o =
			fs_workload_run_outcome(es->run, st->ended_phase);
		fs_buf_printf(b, "; phase %s ended", o ? o->name : "?");
		if (o && o->nr_checks)
			fs_buf_printf(b, " (%zu of %zu checks failed)", o->checks_failed,
				      o->nr_checks);
	}
	if (st->finished)
		fs_buf_printf(b, "; the workload finished: %zu checks passed, %zu failed",
			      fs_workload_run_checks_passed(es->run),
			      fs_workload_run_checks_failed(es->run));
}

/* One step of seconds (0: one tick) as a frame; -1 when already finished. */
static int workload_step(struct fs_source *s, double seconds, struct fs_buf *b)
{
	struct engine_src *es = es_of(s);
	struct fs_workload_step st;
	fs_workload_step_init(&st);
	int rc = fs_workload_step_seconds(es->run, seconds, &st);
	if (rc == 0) {
		push_frame(s, &st.reports);
		if (b)
			step_reply(es, &st, b);
	}
	if (fs_workload_run_finished(es->run))
		es->playing = false;
	fs_workload_step_clear(&st);
	return rc;
}

static int cmd_workload(struct fs_source *s, char **w, size_t n, char *reply, size_t size)
{
	struct engine_src *es = es_of(s);
	if (!es->run)
		return say(reply, size, -1, "%s: no workload runs on this engine (fragscope simulate "
			   "WORKLOAD runs one)", w[0]);
	if (strcmp(w[0], "step") == 0) {
		double seconds = 0;
		char *end = NULL;
		if (n > 2 || (n == 2 && ((seconds = strtod(w[1], &end)), *end || !(seconds > 0) ||
					 !isfinite(seconds) || seconds > 1e9)))
			return say(reply, size, -1, "step [SECONDS]: simulated seconds > 0 (default "
				   "one tick), got \"%s\"", w[1]);
		es->playing = false;
		struct fs_buf b;
		fs_buf_init(&b);
		fs_buf_printf(&b, "step: ");
		if (workload_step(s, seconds, &b) != 0)
			fs_buf_printf(&b, "the workload has finished");
		return reply_buf(reply, size, &b, 0);
	}
	if (n > 1)
		return say(reply, size, -1, "%s takes no arguments", w[0]);
	if (strcmp(w[0], "run") == 0) {
		es->playing = true;
		es->next_step_at = es->last_step_at = src_now();
		return say(reply, size, 0, "run: the workload runs at x%g simulated time (pause "
			   "stops it)", es->speed);
	}
	es->playing = false;
	return say(reply, size, 0, "pause: stopped at t=%.1fs, phase %zu of %zu",
		   fs_workload_run_time(es->run), fs_workload_run_phase(es->run) + 1,
		   fs_workload_run_nr_phases(es->run));
}

/* ---- the command language ---- */

static const char help_text[] =
	"alloc ORDER GFP [xN] [kernel|anon|file|slab], free PFN, free random N, free oldest N, "
	"reclaim [N], kswapd, compact [ZONE] [ORDER] [GFP], drain; with a workload: "
	"step [SECONDS], run, pause";

static bool finished(const struct engine_src *es)
{
	return es->run && fs_workload_run_finished(es->run);
}

static int engine_command(struct fs_source *s, const char *command, char *reply, size_t size)
{
	struct engine_src *es = es_of(s);
	char text[512];
	if (strlen(command) >= sizeof(text))
		return say(reply, size, -1, "command too long (at most %zu characters)",
			   sizeof(text) - 1);
	fs_copy_str(text, sizeof(text), command);
	char *w[MAX_WORDS + 1];
	size_t n = split_words(text, w);
	if (n == 0)
		return say(reply, size, -1, "no command; the engine takes: %s", help_text);
	if (n > MAX_WORDS)
		return say(reply, size, -1, "%s: too many words (at most %d)", w[0], MAX_WORDS);
	if (strcmp(w[0], "help") == 0)
		return say(reply, size, 0, "engine commands: %s", help_text);
	bool known = strcmp(w[0], "alloc") == 0 || strcmp(w[0], "free") == 0 ||
		     strcmp(w[0], "reclaim") == 0 || strcmp(w[0], "kswapd") == 0 ||
		     strcmp(w[0], "compact") == 0 || strcmp(w[0], "drain") == 0 ||
		     strcmp(w[0], "step") == 0 || strcmp(w[0], "run") == 0 ||
		     strcmp(w[0], "pause") == 0;
	if (!known)
		return say(reply, size, -1, "unknown command \"%s\"; the engine takes: %s", w[0],
			   help_text);
	if (finished(es))
		return say(reply, size, -1, "%s: the workload has finished and this source has "
			   "ended (its frames stay to replay; f forks one into a new engine)", w[0]);
	/* Any command's verdict replaces the last one: an allocation's, or none. */
	if (strcmp(w[0], "alloc") == 0)
		return cmd_alloc(s, w, n, reply, size);
	fs_verdict_clear(&es->verdict);
	fs_verdict_init(&es->verdict);
	es->has_verdict = false;
	if (strcmp(w[0], "free") == 0)
		return cmd_free(s, w, n, reply, size);
	if (strcmp(w[0], "reclaim") == 0)
		return cmd_reclaim(s, w, n, reply, size);
	if (strcmp(w[0], "kswapd") == 0)
		return cmd_kswapd(s, n, reply, size);
	if (strcmp(w[0], "compact") == 0)
		return cmd_compact(s, w, n, reply, size);
	if (strcmp(w[0], "drain") == 0)
		return cmd_drain(s, n, reply, size);
	return cmd_workload(s, w, n, reply, size);
}

/* ---- the source ---- */

static int engine_timeout_ms(const struct fs_source *s)
{
	const struct engine_src *es = es_of(s);
	if (!es->playing || finished(es))
		return -1;
	double wait = es->next_step_at - src_now();
	return wait <= 0 ? 0 : (int)ceil(wait * 1000.0);
}

static int engine_poll(struct fs_source *s)
{
	struct engine_src *es = es_of(s);
	double now = src_now();
	if (es->playing && !finished(es) && now >= es->next_step_at) {
		/* The real time since the last step, in simulated seconds; the
		 * runner rounds it to whole ticks (at least one). */
		double real = now - es->last_step_at;
		if (real > STEP_MAX_S)
			real = STEP_MAX_S;
		double before = fs_workload_run_time(es->run);
		workload_step(s, real * es->speed, NULL);
		double advanced = fs_workload_run_time(es->run) - before;
		double wait = advanced / es->speed;
		es->last_step_at = now;
		es->next_step_at = now + (wait > STEP_MIN_S ? wait : STEP_MIN_S);
	}
	int n = (int)(s->count - es->reported);
	es->reported = s->count;
	return n;
}

static bool engine_ended(const struct fs_source *s)
{
	return finished(es_of(s));
}

static int engine_read(struct fs_source *s, size_t n, struct fs_frame *out)
{
	src_frame_copy(out, src_ring_get(&es_of(s)->ring, n));
	return 0;
}

static void engine_close(struct fs_source *s)
{
	struct engine_src *es = es_of(s);
	src_ring_free(&es->ring);
	fs_verdict_clear(&es->verdict);
	fs_workload_run_free(es->run);
	fs_engine_free(es->e);
	free(es->allocs);
	free(es);
}

static struct fs_engine *engine_engine(struct fs_source *s)
{
	return es_of(s)->e;
}

static const struct fs_verdict *engine_last_verdict(const struct fs_source *s)
{
	const struct engine_src *es = es_of(s);
	return es->has_verdict ? &es->verdict : NULL;
}

static void engine_set_speed(struct fs_source *s, double factor)
{
	if (factor > 0 && isfinite(factor))
		es_of(s)->speed = factor;
}

static const struct fs_source_ops engine_ops = {
	.timeout_ms = engine_timeout_ms,
	.poll = engine_poll,
	.ended = engine_ended,
	.read = engine_read,
	.close = engine_close,
	.command = engine_command,
	.engine = engine_engine,
	.last_verdict = engine_last_verdict,
	.set_speed = engine_set_speed,
};

struct fs_source *fs_source_open_engine(struct fs_engine *e, struct fs_workload_run *run,
					const char *name)
{
	if (!e) {
		fs_workload_run_free(run);
		return NULL;
	}
	struct fs_source *s = src_new(FS_SOURCE_ENGINE, &engine_ops, name ? name : "engine");
	struct engine_src *es = fs_xcalloc(1, sizeof(*es));
	s->priv = es;
	es->e = e;
	es->run = run;
	es->speed = 1.0;
	es->rng = run ? fs_workload_run_seed(run) : 0x5eed;
	fs_verdict_init(&es->verdict);
	src_ring_init(&es->ring, FS_ENGINE_KEEP_FRAMES);
	push_frame(s, NULL);
	return s;
}
