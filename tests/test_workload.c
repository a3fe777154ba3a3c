/*
 * test_workload.c - workload files: parsing (good and bad, with the exact
 * messages and lines), the runner (steps, lifetimes, rates, determinism
 * from the seed), the checks, and the shipped workloads passing their own.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/engine.h"
#include "fragscope/workload.h"

#define WL(name) FS_FIXTURES "/workloads/" name
#define SHIPPED(name) FS_SRCDIR "/snapshots/workloads/" name

/* The diagnostic with this line and text in its message, or NULL. */
static const struct fs_diag *find_diag(const struct fs_diags *d, unsigned line, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].line == line && strstr(d->items[i].message, text))
			return &d->items[i];
	return NULL;
}

static void dump_diags(const struct fs_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  %s:%u: %s\n", d->items[i].source, d->items[i].line,
			d->items[i].message);
}

static struct fs_workload *parse(const char *text, struct fs_diags *d)
{
	return fs_workload_parse(text, strlen(text), "inline.yaml", d);
}

/* Load, build the engine, start; all three must succeed. */
struct ran {
	struct fs_workload *w;
	struct fs_engine *e;
	struct fs_workload_run *r;
};

static struct ran start(const char *path, uint64_t seed)
{
	struct fs_diags d = { 0 };
	struct ran x = { 0 };
	x.w = fs_workload_load(path, &d);
	if (x.w) {
		x.e = fs_workload_engine_new(x.w, NULL, seed ? seed : fs_workload_seed(x.w), &d);
		if (x.e)
			x.r = fs_workload_start(x.w, x.e, seed ? seed : fs_workload_seed(x.w), &d);
	}
	if (!x.r)
		dump_diags(&d);
	cr_assert(x.r, "%s starts", path);
	fs_diags_clear(&d);
	return x;
}

static void run_all(struct ran *x)
{
	struct fs_workload_step st;
	fs_workload_step_init(&st);
	while (!fs_workload_run_finished(x->r))
		fs_workload_step_phase(x->r, &st);
	fs_workload_step_clear(&st);
}

static void done(struct ran *x)
{
	fs_workload_run_free(x->r);
	fs_engine_free(x->e);
	fs_workload_free(x->w);
}

static const struct fs_workload_check_outcome *check(const struct ran *x, size_t phase, size_t i)
{
	const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(x->r, phase);
	cr_assert(o && i < o->nr_checks);
	return &o->checks[i];
}

/* ---- parsing ---- */

Test(parse, small_fixture)
{
	struct fs_diags d = { 0 };
	struct fs_workload *w = fs_workload_load(WL("small.yaml"), &d);
	cr_assert(w);
	cr_expect_eq(d.count, 0);
	cr_expect_str_eq(fs_workload_name(w), "small");
	cr_expect_eq(fs_workload_seed(w), 42);
	cr_expect_float_eq(fs_workload_tick(w), 0.5, 1e-12);
	cr_expect_eq(fs_workload_nr_phases(w), 2);
	cr_expect_str_eq(fs_workload_phase_name(w, 1), "churn");
	cr_expect_float_eq(fs_workload_phase_duration(w, 1), 4.0, 1e-12);
	cr_expect_eq(fs_workload_nr_checks(w), 4);
	const struct fs_engine_machine *m = fs_workload_machine(w);
	cr_assert(m);
	cr_expect_null(fs_workload_snapshot_path(w));
	cr_expect_str_eq(m->kernel_release, "6.6");
	cr_expect_eq(m->min_free_kbytes, 256);
	cr_expect_eq(m->nr_zones, 1);
	cr_expect_str_eq(m->zones[0].name, "Normal");
	/* 16M / 4096-byte pages = 4096 pages */
	cr_expect_eq(m->zones[0].spanned, 4096);
	fs_workload_free(w);
}

Test(parse, sizes_units_and_zone_placement)
{
	struct fs_diags d = { 0 };
	struct fs_workload *w = parse(
		"machine:\n"
		"  page_size: 16384\n"
		"  zones:\n"
		"    - {name: DMA32, size: 64M, cma: 16M}\n"
		"    - {name: Normal, pages: 1000, managed: 900}\n"
		"phases:\n"
		"  - duration: 2\n", &d);
	dump_diags(&d);
	cr_assert(w);
	const struct fs_engine_machine *m = fs_workload_machine(w);
	/* 64 MiB / 16 KiB = 4096 pages, 16 MiB = 1024 pages of CMA */
	cr_expect_eq(m->page_size, 16384);
	cr_expect_eq(m->zones[0].spanned, 4096);
	cr_expect_eq(m->zones[0].cma_pages, 1024);
	cr_expect_eq(m->zones[0].start_pfn, 0);
	/* the next zone follows the first: 0 + 4096 */
	cr_expect_eq(m->zones[1].start_pfn, 4096);
	cr_expect_eq(m->zones[1].spanned, 1000);
	cr_expect_eq(m->zones[1].managed, 900);
	cr_expect_str_eq(fs_workload_phase_name(w, 0), "phase 1");
	cr_expect_str_eq(fs_workload_name(w), "inline");
	fs_workload_free(w);
}

Test(parse, snapshot_is_relative_to_the_file)
{
	struct fs_diags d = { 0 };
	struct fs_workload *w = fs_workload_load(WL("on-snapshot.yaml"), &d);
	cr_assert(w);
	cr_expect_null(fs_workload_machine(w));
	cr_expect_str_eq(fs_workload_snapshot_path(w),
			 FS_FIXTURES "/workloads/../../../snapshots/x86_64-6.18-vm-24g");
	fs_workload_free(w);
}

Test(parse, unknown_key_names_line_and_keys)
{
	struct fs_diags d = { 0 };
	cr_assert_null(fs_workload_load(WL("bad-key.yaml"), &d));
	cr_assert_eq(d.count, 1);
	cr_expect_eq(d.items[0].severity, FS_SEV_ERROR);
	cr_expect_str_eq(d.items[0].source, WL("bad-key.yaml"));
	/* "ordr: 3" is line 10 of the file */
	cr_expect_eq(d.items[0].line, 10);
	cr_expect_str_eq(d.items[0].message,
			 "unknown key \"ordr\" in an alloc action; expected one of: alloc, order, "
			 "count, rate, kind, lifetime, group, node");
	fs_diags_clear(&d);
}

Test(parse, yaml_syntax_error)
{
	struct fs_diags d = { 0 };
	cr_assert_null(fs_workload_load(WL("bad-yaml.yaml"), &d));
	cr_assert_eq(d.count, 1);
	/* libyaml notices the unclosed "[8M" at the next line's start: line 6 */
	cr_expect_eq(d.items[0].line, 6);
	cr_expect_str_eq(d.items[0].message, "not valid YAML: did not find expected ',' or ']' "
			 "while parsing a flow sequence");
	fs_diags_clear(&d);
}

Test(parse, every_bad_value_is_reported)
{
	struct fs_diags d = { 0 };
	cr_assert_null(fs_workload_load(WL("bad-values.yaml"), &d));
	if (d.count != 7)
		dump_diags(&d);
	cr_expect_eq(d.count, 7);
	cr_expect(find_diag(&d, 5, "size: expected pages (262144) or a size with a unit"));
	cr_expect(find_diag(&d, 6, "expected a zone name (DMA, DMA32, Normal, HighMem, "
			    "Movable), got \"Nowhere\""));
	cr_expect(find_diag(&d, 12, "order: expected a whole number from 0 to 15, got \"42\""));
	cr_expect(find_diag(&d, 13, "rate: needs a phase with a duration"));
	cr_expect(find_diag(&d, 14, "a free action takes one of random, fraction, oldest, "
			    "newest, nth; got 2"));
	cr_expect(find_diag(&d, 18, "got \"Sideways\""));
	cr_expect(find_diag(&d, 20, "stat: expected one of allocs, "));
	fs_diags_clear(&d);
}

Test(parse, structural_errors)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
		{ "phases: []\n", 1, "a workload needs \"machine\" or \"snapshot\"" },
		{ "snapshot: x\nphases: []\n", 2, "expected 1 to 1000 phases, got 0" },
		{ "snapshot: x\nseeed: 3\nphases: [{duration: 1}]\n", 2,
		  "unknown key \"seeed\" in a workload; expected one of: name, description, "
		  "kernel, seed, tick, machine, snapshot, phases" },
		{ "snapshot: x\nsnapshot: y\nphases: [{duration: 1}]\n", 2,
		  "key \"snapshot\" given twice in a workload (first on line 1)" },
		{ "snapshot: x\nmachine: {zones: [{name: Normal, size: 1M}]}\n"
		  "phases: [{duration: 1}]\n", 1, "a workload has a machine or a snapshot, not both" },
		{ "snapshot: x\nphases:\n  - name: p\n", 3,
		  "a phase needs actions, checks or a duration" },
		{ "snapshot: x\nphases:\n  - actions: [sleep]\n", 3,
		  "expected an action (a mapping with one of alloc, free, kswapd, reclaim, drain, "
		  "compact, trace; or the word drain, kswapd or compact), got \"sleep\"" },
		{ "snapshot: x\nphases:\n  - checks:\n    - {alloc: GFP_KERNEL}\n", 4,
		  "an alloc check needs \"expect\"" },
		{ "snapshot: x\nphases:\n  - checks:\n    - {stat: claims}\n", 4,
		  "a check needs a comparison: equals, at_least, at_most, above or below" },
		{ "snapshot: x\nphases:\n  - checks:\n    - {stat: claims, pageblocks: CMA, "
		  "equals: 1}\n", 4, "a check names one thing to check" },
		{ "snapshot: x\nphases:\n  - actions:\n    - {free: all, at: 3}\n", 4,
		  "\"at\" and \"repeat\" need a phase with a duration" },
		{ "", 1, "empty file; expected a workload" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fs_diags d = { 0 };
		struct fs_workload *w = parse(cases[i].text, &d);
		cr_expect_null(w, "case %zu fails", i);
		fs_workload_free(w);
		if (!find_diag(&d, cases[i].line, cases[i].msg)) {
			dump_diags(&d);
			cr_expect_fail("case %zu: line %u \"%s\"", i, cases[i].line, cases[i].msg);
		}
		fs_diags_clear(&d);
	}
}

Test(parse, unknown_gfp_name_at_start)
{
	struct fs_diags d = { 0 };
	struct fs_workload *w = fs_workload_load(WL("bad-gfp.yaml"), &d);
	cr_assert(w);
	struct fs_engine *e = fs_workload_engine_new(w, NULL, 1, &d);
	cr_assert(e);
	cr_expect_null(fs_workload_start(w, e, 1, &d));
	/* "alloc: GFP_KERNEL|__GFP_WIBBLE" is line 10 */
	const struct fs_diag *g = find_diag(&d, 10, "gfp mask \"GFP_KERNEL|__GFP_WIBBLE\": "
					    "__GFP_WIBBLE");
	cr_expect(g);
	cr_expect(g && strstr(g->message, "not known to kernel profile 6.6"));
	fs_engine_free(e);
	fs_workload_free(w);
	fs_diags_clear(&d);
}

/* ---- the runner ---- */

Test(run, steps_ticks_rates_lifetimes)
{
	struct ran x = start(WL("small.yaml"), 0);
	struct fs_workload_step st;
	fs_workload_step_init(&st);
	/* one operation: the first of the 2000 setup allocations */
	cr_assert_eq(fs_workload_step_op(x.r, &st), 0);
	cr_expect_eq(st.ops, 1);
	cr_expect_eq(st.phase, 0);
	cr_expect_str_eq(st.phase_name, "setup");
	cr_expect_not(st.phase_ended);
	cr_expect(strstr(st.last_op, "alloc order-0 GFP_HIGHUSER_MOVABLE (anon): pfn "));
	/* the rest of the instant phase: 1999 more, and it ends */
	fs_workload_step_phase(x.r, &st);
	cr_expect_eq(st.ops, 1999);
	cr_expect(st.phase_ended);
	cr_expect_eq(st.ended_phase, 0);
	cr_expect_eq(st.phase, 1);
	/* one tick of 0.5 s: 100/s slab -> 50, and 400 anon2 spread over
	 * 4 / 0.5 = 8 ticks -> 50 */
	fs_workload_step_seconds(x.r, 0, &st);
	cr_expect_eq(st.ops, 100);
	cr_expect_float_eq(st.time, 0.5, 1e-9);
	/* to 1.5 s: tick [0.5, 1) 100 ops; tick [1, 1.5): the lifetimes of the
	 * first 50 slab pages (allocated at 0, 1 s) run out (1 op), "free anon
	 * random 500 at 1" (1 op), then 100 allocations */
	fs_workload_step_seconds(x.r, 1.0, &st);
	cr_expect_eq(st.ops, 100 + 1 + 1 + 100);
	cr_expect_float_eq(fs_workload_run_time(x.r), 1.5, 1e-9);
	fs_workload_step_phase(x.r, &st);
	cr_expect(st.finished);
	cr_expect_eq(fs_workload_step_seconds(x.r, 1, &st), -1);
	const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(x.r, 1);
	/* 800 allocations + 1 free action + 6 expiries (at 1.0 .. 3.5 s) */
	cr_expect_eq(o->ops, 807);
	/* frees: 500 random + 300 slab expired (allocated before 3 s) */
	cr_expect_eq(o->frees, 800);
	cr_expect_eq(o->expired, 300);
	cr_expect_eq(o->nr_allocs, 2);
	cr_expect_str_eq(o->allocs[0].group, "slab");
	cr_expect_eq(o->allocs[0].requested, 400);
	cr_expect_eq(o->allocs[0].fast, 400);
	cr_expect_eq(fs_workload_run_checks_passed(x.r), 4);
	cr_expect_eq(fs_workload_run_checks_failed(x.r), 0);
	/* 4096 - 2000 - 400 - 100 (slab alive) + 500 = 2096 pages free */
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(x.e, 0, &zi);
	cr_expect_eq(zi.free_pages + zi.pcp_pages, 2096);
	fs_workload_step_clear(&st);
	done(&x);
}

/* Which page is what: a fingerprint of the whole layout. */
static uint64_t layout_hash(const struct fs_engine *e)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t z = 0; z < fs_engine_nr_zones(e); z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, z, &zi);
		for (uint64_t pfn = zi.start_pfn; pfn < zi.end_pfn; pfn++) {
			struct fs_page_info pi;
			fs_engine_page(e, pfn, &pi);
			h = (h ^ (uint64_t)pi.kind) * 1099511628211ull;
		}
	}
	return h;
}

Test(run, same_seed_same_run_other_seed_other_pages)
{
	struct ran a = start(WL("small.yaml"), 42), b = start(WL("small.yaml"), 42);
	struct ran c = start(WL("small.yaml"), 43);
	run_all(&a);
	run_all(&b);
	run_all(&c);
	cr_expect_eq(layout_hash(a.e), layout_hash(b.e));
	/* "free anon random 500" picks other pages with another seed */
	cr_expect_neq(layout_hash(a.e), layout_hash(c.e));
	/* but the same number: every check passes with both */
	cr_expect_eq(fs_workload_run_checks_passed(c.r), 4);
	cr_expect_eq(fs_workload_run_seed(c.r), 43);
	done(&a);
	done(&b);
	done(&c);
}

Test(run, a_check_that_must_fail_fails)
{
	struct ran x = start(WL("must-fail.yaml"), 0);
	run_all(&x);
	cr_expect_eq(fs_workload_run_checks_passed(x.r), 1);
	cr_expect_eq(fs_workload_run_checks_failed(x.r), 1);
	const struct fs_workload_check_outcome *c = check(&x, 0, 1);
	cr_expect_eq(c->result, FS_CHECK_FAIL);
	cr_expect_str_eq(c->what, "order-9 GFP_TRANSHUGE_LIGHT succeeds (verdict and trial)");
	/* 48 free - (512 - 1) = -463 <= min: the order-0 part of the check */
	cr_expect(strstr(c->detail, "verdict: fails (not as expected): Node 0 Normal: usable "
			 "free -463 (free 48"), "%s", c->detail);
	cr_expect(strstr(c->detail, "; trial: failed (failed) (not as expected)"), "%s", c->detail);
	cr_expect_eq(check(&x, 0, 0)->actual, 48);
	done(&x);
}

Test(run, warn_alloc_reports_ratelimited)
{
	struct ran x = start(SHIPPED("highatomic-reserve.yaml"), 0);
	struct fs_workload_step st;
	fs_workload_step_init(&st);
	uint64_t failures = 0;
	size_t reports = 0;
	while (!fs_workload_run_finished(x.r)) {
		fs_workload_step_seconds(x.r, 1, &st);
		failures += st.failures;
		reports += st.reports.count;
		for (size_t i = 0; i < st.reports.count; i++) {
			cr_expect_eq(st.reports.items[i].order, 3);
			cr_expect_not_null(st.reports.items[i].snapshot);
		}
	}
	/* 20 GFP_KERNEL|__GFP_NORETRY order-3 failures in 10 s; 6.6 prints one
	 * warn_alloc per 10 s (profile: warn_ratelimit_s 10, burst 1) */
	cr_expect_eq(failures, 20);
	cr_expect_eq(reports, 1);
	fs_workload_step_clear(&st);
	done(&x);
}

/* ---- records follow the engine (its move hook) ---- */

static uint64_t zone_free(const struct fs_engine *e)
{
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	return zi.free_pages + zi.pcp_pages;
}

/* Pages of kind in [from, to). */
static uint64_t kind_pages(const struct fs_engine *e, uint64_t from, uint64_t to, int kind)
{
	uint64_t n = 0;
	for (uint64_t pfn = from; pfn < to; pfn++) {
		struct fs_page_info pi;
		n += fs_engine_page(e, pfn, &pi) && (int)pi.kind == kind;
	}
	return n;
}

static void expect_no_stale(const struct ran *x)
{
	for (size_t p = 0; p < fs_workload_run_nr_phases(x->r); p++) {
		const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(x->r, p);
		cr_expect_eq(o->free_stale, 0, "phase %zu", p + 1);
	}
}

Test(follow, compaction_then_free_all)
{
	struct ran x = start(WL("compact-then-free.yaml"), 0);
	uint64_t free0 = zone_free(x.e);
	cr_assert_eq(free0, 4096);
	struct fs_workload_step st;
	fs_workload_step_init(&st);
	/* fill: the anonymous pages take the lowest pfns, 0 .. 1999 */
	fs_workload_step_phase(x.r, &st);
	cr_expect_eq(kind_pages(x.e, 0, 2000, FS_PAGE_ANON), 2000);
	/* holes: every 2nd (positions 0, 2, ...: the even pfns) freed */
	fs_workload_step_phase(x.r, &st);
	const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(x.r, 1);
	cr_expect_eq(o->frees, 1000);
	/* compact: pageblocks 4-7 are free blocks of order >= 9 (no free-scanner
	 * targets); pageblock 3 has 232 holes + the 48 free pages [2000, 2048),
	 * pageblock 2 256 holes: the 256 + 256 pages of pageblocks 0 and 1 move
	 * there, then the scanners meet */
	fs_workload_step_phase(x.r, &st);
	o = fs_workload_run_outcome(x.r, 2);
	cr_expect_eq(o->compaction_moved, 512);
	cr_expect_eq(o->migrated_allocs, 512);
	cr_expect_eq(kind_pages(x.e, 0, 1024, FS_PAGE_ANON), 0);
	/* all 1000 live pages are in pageblocks 2 and 3 now: their own 256 +
	 * 232 and the 512 moved there */
	uint64_t anon_hi = kind_pages(x.e, 1024, 2048, FS_PAGE_ANON);
	cr_expect_eq(anon_hi, 256 + 232 + 512);
	/* oldest: the record of pfn 1, whose page compaction moved up there
	 * (pfn 1 is free): the free takes one page of [1024, 2048) */
	fs_workload_step_phase(x.r, &st);
	o = fs_workload_run_outcome(x.r, 3);
	cr_expect_eq(o->frees, 1);
	cr_expect_eq(o->free_failed, 0);
	cr_expect_eq(kind_pages(x.e, 1024, 2048, FS_PAGE_ANON), anon_hi - 1);
	/* free: the other 1000 - 1 = 999, every one where compaction put it */
	fs_workload_step_phase(x.r, &st);
	cr_expect(st.finished);
	o = fs_workload_run_outcome(x.r, 4);
	cr_expect_eq(o->frees, 999);
	cr_expect_eq(o->free_failed, 0);
	cr_expect_eq(o->free_reclaimed, 0);
	expect_no_stale(&x);
	cr_expect_eq(zone_free(x.e), free0);
	cr_expect_eq(fs_workload_run_checks_passed(x.r), 2);
	char why[256];
	cr_expect(fs_engine_check(x.e, why, sizeof(why)), "%s", why);
	fs_workload_step_clear(&st);
	done(&x);
}

Test(follow, reclaimed_file_pages_are_not_freed_again)
{
	struct ran x = start(WL("reclaim-then-free.yaml"), 0);
	struct fs_workload_step st;
	fs_workload_step_init(&st);
	fs_workload_step_phase(x.r, &st);
	/* reclaim 200: the LRU clock starts at pfn 0: the cache pages 0 .. 199 */
	fs_workload_step_phase(x.r, &st);
	const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(x.r, 1);
	cr_expect_eq(o->reclaimed, 200);
	cr_expect_eq(o->reclaimed_allocs, 200);
	cr_expect_eq(kind_pages(x.e, 0, 200, FS_PAGE_FILE), 0);
	/* refill: 200 page-cache pages, smallest free blocks first: [192, 200)
	 * order 3, [1000, 1008) order 3, [1008, 1024) order 4, [128, 192)
	 * order 6, then 200 - 8 - 8 - 16 - 64 = 104 of [0, 128): 8 + 64 + 104 =
	 * 176 of them on pages reclaim had taken from the first group */
	fs_workload_step_phase(x.r, &st);
	cr_expect_eq(kind_pages(x.e, 0, 200, FS_PAGE_FILE), 176);
	/* free cache: its 800 live pages; the 200 reclaimed ones are counted,
	 * not freed (which would free the refill's pages) */
	fs_workload_step_phase(x.r, &st);
	o = fs_workload_run_outcome(x.r, 3);
	cr_expect_eq(o->frees, 800);
	cr_expect_eq(o->free_reclaimed, 200);
	cr_expect_eq(o->free_failed, 0);
	expect_no_stale(&x);
	cr_expect_eq(kind_pages(x.e, 0, 200, FS_PAGE_FILE), 176);
	/* 4096 - the 200 pages of the refill */
	cr_expect_eq(zone_free(x.e), 3896);
	cr_expect_eq(fs_workload_run_checks_passed(x.r), 3);
	cr_expect_eq(fs_workload_run_checks_failed(x.r), 0);
	fs_workload_step_clear(&st);
	done(&x);
}

Test(follow, forget_what_the_caller_freed)
{
	struct ran x = start(WL("compact-then-free.yaml"), 0);
	struct fs_workload_step st;
	fs_workload_step_init(&st);
	fs_workload_step_phase(x.r, &st);       /* fill: pfns 0 .. 1999 */
	/* the caller (the interactive view) frees the first allocation itself
	 * and tells the run; then allocates an anonymous page of its own, which
	 * the engine puts on pfn 0 again (the only order-0 free block) */
	struct fs_free_result fr;
	cr_assert(fs_engine_free_page(x.e, 0, &fr));
	cr_expect(fs_workload_run_forget(x.r, 0));
	cr_expect_not(fs_workload_run_forget(x.r, 0));
	struct fs_alloc_request req = { .order = 0, .node = -1, .kind = FS_PAGE_ANON };
	cr_assert(fs_gfp_parse(fs_engine_profile(x.e), fs_engine_config(x.e),
			       "GFP_HIGHUSER_MOVABLE", &req.gfp, NULL, 0));
	struct fs_alloc_result res;
	fs_alloc_result_init(&res);
	cr_assert(fs_engine_alloc(x.e, &req, &res));
	cr_assert_eq(res.pfn, 0);
	fs_alloc_result_clear(&res);
	/* holes: nth 2 picks positions 0, 2, ... 1998 (1000): the first is the
	 * forgotten one, "already gone"; the caller's page stays */
	fs_workload_step_phase(x.r, &st);
	const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(x.r, 1);
	cr_expect_eq(o->frees, 999);
	cr_expect_eq(o->free_failed, 1);
	cr_expect_eq(o->free_stale, 0);
	struct fs_page_info pi;
	cr_assert(fs_engine_page(x.e, 0, &pi));
	cr_expect_eq(pi.kind, FS_PAGE_ANON);
	fs_workload_step_clear(&st);
	done(&x);
}

Test(follow, trace_action_chains_the_hook)
{
	struct ran x = start(WL("trace-then-compact.yaml"), 0);
	run_all(&x);
	/* the trace: ten frees of pfns it never allocated take ten of the
	 * workload's pages (the only allocated ones) as pre-trace memory */
	const struct fs_workload_phase_outcome *tr = fs_workload_run_outcome(x.r, 1);
	cr_expect_eq(tr->trace_taken, 10);
	/* after the trace the workload's hook is back: compaction's moves are
	 * all of the workload's pages, and all followed */
	const struct fs_workload_phase_outcome *hc = fs_workload_run_outcome(x.r, 2);
	cr_expect_gt(hc->compaction_moved, 0);
	cr_expect_eq(hc->migrated_allocs, hc->compaction_moved);
	/* 2000 records: 1000 picked by nth 2, 1000 by the last free; the ten
	 * the trace took are "already gone", the rest freed */
	const struct fs_workload_phase_outcome *fr = fs_workload_run_outcome(x.r, 3);
	cr_expect_eq(hc->frees + hc->free_failed, 1000);
	cr_expect_eq(fr->frees + fr->free_failed, 1000);
	cr_expect_eq(hc->free_failed + fr->free_failed, 10);
	expect_no_stale(&x);
	cr_expect_eq(zone_free(x.e), 4096);
	cr_expect_eq(fs_workload_run_checks_passed(x.r), 2);
	done(&x);
}

/* ---- the shipped workloads ---- */

static void all_pass(const char *path, size_t checks, struct ran *out)
{
	*out = start(path, 0);
	run_all(out);
	for (size_t p = 0; p < fs_workload_run_nr_phases(out->r); p++) {
		const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(out->r, p);
		for (size_t i = 0; i < o->nr_checks; i++)
			cr_expect_eq(o->checks[i].result, FS_CHECK_PASS, "%s: %s: %s", path,
				     o->checks[i].name, o->checks[i].detail);
	}
	cr_expect_eq(fs_workload_run_checks_passed(out->r), checks, "%s", path);
	cr_expect_eq(fs_workload_run_checks_failed(out->r), 0, "%s", path);
}

Test(shipped, unmovable_pollution)
{
	struct ran x;
	all_pass(SHIPPED("unmovable-pollution.yaml"), 10, &x);
	/* with seed 11: 146 of 256 pageblocks Unmovable after the churn */
	cr_expect_eq(check(&x, 1, 1)->actual, 146);
	/* 131072 - 9425 kernel pages kept = 121647 free */
	cr_expect_eq(check(&x, 2, 0)->actual, 121647);
	done(&x);
}

Test(shipped, cma_heavy_android)
{
	struct ran x;
	all_pass(SHIPPED("cma-heavy-android.yaml"), 10, &x);
	/* 81920 CMA pages - 5016 anonymous ones = 76904 */
	cr_expect_eq(check(&x, 1, 0)->actual, 76904);
	/* + 3500 freed: 80404 */
	cr_expect_eq(check(&x, 2, 0)->actual, 80404);
	done(&x);
}

Test(shipped, highatomic_reserve)
{
	struct ran x;
	all_pass(SHIPPED("highatomic-reserve.yaml"), 13, &x);
	cr_expect_eq(check(&x, 1, 1)->actual, 1);
	cr_expect_eq(fs_workload_run_outcome(x.r, 1)->allocs[0].highatomic_reserved, 1);
	done(&x);
}

Test(shipped, compaction_rescues_thp)
{
	struct ran x;
	all_pass(SHIPPED("compaction-rescues-thp.yaml"), 8, &x);
	const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(x.r, 2);
	/* pageblock 0 held 512 / 2 = 256 anonymous pages, all the workload's */
	cr_expect_eq(o->compaction_moved, 256);
	cr_expect_eq(o->migrated_allocs, 256);
	cr_expect_eq(o->compaction_success, 1);
	done(&x);
}

Test(shipped, lowmem_reserve)
{
	struct ran x;
	all_pass(SHIPPED("lowmem-reserve.yaml"), 7, &x);
	/* 262144 - 261325 = 819 = Normal's min */
	cr_expect_eq(check(&x, 1, 1)->actual, 819);
	done(&x);
}
