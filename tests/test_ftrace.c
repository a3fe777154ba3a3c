/*
 * test_ftrace.c - kmem ftrace traces: parsing every format variant, bad
 * lines, detection, and replay on the engine (a fresh machine and a
 * loaded sample snapshot).
 *
 * The five trace-*.txt fixtures hold the same 17 lines of one sequence in
 * the formats of 3.2 (no irq-info column, mm_page_free_direct and
 * mm_pagevec_free), 4.4 (`cat trace`, raw struct page pointers, gfp names
 * without underscores), 4.19 (trace_pipe, hashed pointers, a lost-events
 * line), 5.4 (trace-cmd report, one [FAILED TO PARSE] line) and 6.6
 * (`cat trace` with header, hex pfns). The sequence, by line of it:
 *   1 alloc 0x12345 o0 Movable     2 alloc 0x12346 o0 Unmovable
 *   3 zone_locked 0x20000          4 extfrag o0 <- o9 Movable, change_ownership
 *   5 alloc 0x40000 o2 Unmovable   6 free 0x12345        7 free_batched 0x12345
 *   8 alloc FAILED o4 Unmovable    9 free 0x50000 (never allocated)
 *  10 pcpu_drain 0x20000          11 sched_switch (other event)
 *  12 free 0x40000 o2             13 alloc 0x60000 o1 Reclaimable
 *  14 free 0x60001 o0 (inside 13) 15 free 0x60000 o0 (rest of 13)
 *  16 alloc 0x12346 o0 again (its free was lost)   17 free 0x12346
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fragscope/engine.h"
#include "fragscope/ftrace.h"
#include "fragscope/input.h"
#include "fragscope/util.h"

#define FT FS_FIXTURES "/ftrace/"

static struct fs_ftrace *load(const char *name, struct fs_diags *d)
{
	char path[512];
	snprintf(path, sizeof(path), FT "%s", name);
	struct fs_ftrace *t = fs_ftrace_load_file(path, d);
	cr_assert(t, "cannot load %s", path);
	return t;
}

static void dump(const struct fs_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  %s:%u: %s\n", d->items[i].source, d->items[i].line,
			d->items[i].message);
}

/* The sequence every format fixture holds (see the top of this file). */
struct want {
	int kind;
	uint64_t pfn;
	int order, mt, failed;
	double ts;
	int cpu;
};
static const struct want sequence[] = {
	{ FS_FTRACE_ALLOC, 0x12345, 0, 1, 0, 5012.345678, 2 },
	{ FS_FTRACE_ALLOC, 0x12346, 0, 0, 0, 5012.345701, 2 },
	{ FS_FTRACE_ALLOC_ZONE_LOCKED, 0x20000, 0, 1, 0, 5012.345720, 1 },
	{ FS_FTRACE_EXTFRAG, 0x30000, 0, 0, 0, 5012.345733, 1 },
	{ FS_FTRACE_ALLOC, 0x40000, 2, 0, 0, 5012.345790, 0 },
	{ FS_FTRACE_FREE, 0x12345, 0, -1, 0, 5012.346001, 2 },
	{ FS_FTRACE_FREE_BATCHED, 0x12345, 0, -1, 0, 5012.346002, 2 },
	{ FS_FTRACE_ALLOC, 0, 4, 0, 1, 5012.346100, 3 },
	{ FS_FTRACE_FREE, 0x50000, 0, -1, 0, 5012.346200, 0 },
	{ FS_FTRACE_PCPU_DRAIN, 0x20000, 0, 1, 0, 5012.346250, 1 },
	{ FS_FTRACE_FREE, 0x40000, 2, -1, 0, 5012.346400, 0 },
	{ FS_FTRACE_ALLOC, 0x60000, 1, 2, 0, 5012.346500, 3 },
	{ FS_FTRACE_FREE, 0x60001, 0, -1, 0, 5012.346600, 3 },
	{ FS_FTRACE_FREE, 0x60000, 0, -1, 0, 5012.346700, 3 },
	{ FS_FTRACE_ALLOC, 0x12346, 0, 0, 0, 5012.346800, 2 },
	{ FS_FTRACE_FREE, 0x12346, 0, -1, 0, 5012.346900, 2 },
};
#define NSEQ (sizeof(sequence) / sizeof(sequence[0]))

static void check_sequence(const char *name, unsigned header_lines, unsigned extra_lines)
{
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = load(name, &d);
	if (d.count)
		dump(&d);
	cr_assert_eq(d.count, 0, "%s: diagnostics", name);
	size_t n;
	const struct fs_ftrace_event *ev = fs_ftrace_events(t, &n);
	/* 17 lines of the sequence, one of them sched_switch */
	cr_assert_eq(n, NSEQ, "%s: %zu events", name, n);
	const struct fs_ftrace_parse_stats *st = fs_ftrace_stats(t);
	cr_assert_eq(st->lines, 17 + header_lines + extra_lines, "%s: lines %llu", name,
		     (unsigned long long)st->lines);
	cr_assert_eq(st->unknown_events, 1);
	cr_assert_eq(st->other_lines, header_lines + extra_lines);
	cr_assert_eq(st->malformed, 0);
	/* allocs: lines 1 2 5 8 13 16; frees: 6 9 12 14 15 17 */
	cr_assert_eq(st->events[FS_FTRACE_ALLOC], 6);
	cr_assert_eq(st->events[FS_FTRACE_FREE], 6);
	cr_assert_eq(st->events[FS_FTRACE_FREE_BATCHED], 1);
	cr_assert_eq(st->events[FS_FTRACE_ALLOC_ZONE_LOCKED], 1);
	cr_assert_eq(st->events[FS_FTRACE_PCPU_DRAIN], 1);
	cr_assert_eq(st->events[FS_FTRACE_EXTFRAG], 1);
	for (size_t i = 0; i < NSEQ; i++) {
		const struct want *w = &sequence[i];
		cr_assert_eq(ev[i].kind, w->kind, "%s event %zu kind", name, i);
		if (!w->failed)
			cr_assert_eq(ev[i].pfn, w->pfn, "%s event %zu pfn %#llx", name, i,
				     (unsigned long long)ev[i].pfn);
		cr_assert_eq(ev[i].order, w->order, "%s event %zu order", name, i);
		cr_assert_eq(ev[i].mt, w->mt, "%s event %zu mt %d", name, i, ev[i].mt);
		cr_assert_eq(ev[i].failed, w->failed, "%s event %zu failed", name, i);
		cr_assert_eq(ev[i].cpu, w->cpu, "%s event %zu cpu", name, i);
		cr_assert(ev[i].ts > w->ts - 1e-7 && ev[i].ts < w->ts + 1e-7,
			  "%s event %zu ts %.7f", name, i, ev[i].ts);
	}
	cr_assert_eq(ev[3].fallback_order, 9);
	cr_assert_eq(ev[3].fallback_mt, 1);
	cr_assert_eq(ev[3].change_ownership, 1);
	cr_assert_eq(ev[3].fragmenting, 0);
	cr_assert_eq(ev[2].percpu_refill, 1);
	cr_assert_eq(ev[11].line, 13 + header_lines + (extra_lines ? 1 : 0));
	fs_ftrace_free(t);
	fs_diags_clear(&d);
}

Test(ftrace_parse, cat_trace_6_6)
{
	/* 6 header comment lines */
	check_sequence("trace-6.6-cat.txt", 6, 0);
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = load("trace-6.6-cat.txt", &d);
	size_t n;
	const struct fs_ftrace_event *ev = fs_ftrace_events(t, &n);
	cr_assert_str_eq(fs_ftrace_gfp_text(t, ev[0].gfp), "GFP_HIGHUSER_MOVABLE|__GFP_ZERO");
	cr_assert_str_eq(fs_ftrace_gfp_text(t, ev[7].gfp), "GFP_ATOMIC|__GFP_COMP");
	/* distinct texts: "" + 5 (HIGHUSER_MOVABLE|ZERO, KERNEL, KERNEL|COMP,
	 * ATOMIC|COMP, KERNEL|RECLAIMABLE); line 16 reuses GFP_KERNEL */
	cr_assert_eq(fs_ftrace_nr_gfp(t), 6);
	cr_assert_eq(ev[1].gfp, ev[14].gfp);
	fs_ftrace_free(t);
}

Test(ftrace_parse, cat_trace_4_4)
{
	check_sequence("trace-4.4-cat.txt", 6, 0);
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = load("trace-4.4-cat.txt", &d);
	size_t n;
	const struct fs_ftrace_event *ev = fs_ftrace_events(t, &n);
	cr_assert_str_eq(fs_ftrace_gfp_text(t, ev[0].gfp), "GFP_HIGHUSER_MOVABLE|GFP_ZERO");
	fs_ftrace_free(t);
}

Test(ftrace_parse, trace_pipe_4_19_lost_events)
{
	/* no header; one "CPU:1 [LOST 17 EVENTS]" line */
	check_sequence("trace-4.19-pipe.txt", 0, 1);
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = load("trace-4.19-pipe.txt", &d);
	cr_assert_eq(fs_ftrace_stats(t)->lost_events, 17);
	fs_ftrace_free(t);
}

Test(ftrace_parse, old_names_3_2)
{
	/* mm_page_free_direct and mm_pagevec_free, no flags column */
	check_sequence("trace-3.2-noirqinfo.txt", 0, 0);
}

Test(ftrace_parse, trace_cmd_report)
{
	/* "cpus=4" header; line 8 is [FAILED TO PARSE] with raw fields */
	check_sequence("trace-cmd-report-5.4.txt", 1, 0);
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = load("trace-cmd-report-5.4.txt", &d);
	size_t n;
	const struct fs_ftrace_event *ev = fs_ftrace_events(t, &n);
	/* raw gfp_flags=2080 is 0x820 */
	cr_assert_str_eq(fs_ftrace_gfp_text(t, ev[7].gfp), "0x820");
	cr_assert_eq(ev[7].pfn, UINT64_MAX);
	fs_ftrace_free(t);
}

Test(ftrace_parse, perf_script_and_loose_lines)
{
	static const char text[] =
		"  bash  1234 [002]  77.000001: kmem:mm_page_alloc: page=0xffffea0000400000 "
		"pfn=65536 order=3 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_COMP\n"
		"mm_page_free: page=0xffffea0000400000 pfn=65536 order=3\n"
		"  bash-1234 [002] d..1. 77.5: mm_page_alloc: page=(null) pfn=-1 order=0 "
		"migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE\n"
		"  bash-1234 (   1234) [002] .... 78.000000: mm_page_free: page=ffffea0000400000 "
		"pfn=65536 order=0\n";
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = fs_ftrace_parse(text, sizeof(text) - 1, "inline", &d);
	cr_assert_eq(d.count, 0);
	size_t n;
	const struct fs_ftrace_event *ev = fs_ftrace_events(t, &n);
	cr_assert_eq(n, 4);
	cr_assert_eq(ev[0].kind, FS_FTRACE_ALLOC);
	cr_assert_eq(ev[0].order, 3);
	cr_assert_eq(ev[0].cpu, 2);
	cr_assert_eq(ev[1].kind, FS_FTRACE_FREE);
	cr_assert_eq(ev[1].ts, -1);             /* no prefix: no timestamp */
	cr_assert_eq(ev[1].cpu, -1);
	cr_assert_eq(ev[2].failed, 1);
	cr_assert(ev[2].ts == 77.5);
	cr_assert_eq(ev[3].pfn, 65536);         /* record-tgid column */
	fs_ftrace_free(t);
}

static bool has(const struct fs_diags *d, unsigned line, const char *msg)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].line == line && strcmp(d->items[i].message, msg) == 0 &&
		    d->items[i].severity == FS_SEV_WARNING)
			return true;
	return false;
}

Test(ftrace_parse, bad_lines)
{
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = load("bad.txt", &d);
	const struct fs_ftrace_parse_stats *st = fs_ftrace_stats(t);
	/* 11 lines: comment, 7 bad, one good free, a non-trace line, sched_wakeup */
	cr_assert_eq(st->lines, 11);
	cr_assert_eq(st->malformed, 7);
	cr_assert_eq(st->events[FS_FTRACE_FREE], 1);
	cr_assert_eq(st->other_lines, 2);
	cr_assert_eq(st->unknown_events, 1);
	/* 7 warnings and the summary note */
	cr_assert_eq(d.count, 8);
	cr_assert(has(&d, 2, "mm_page_alloc: expected \"pfn=N (decimal, 0x hex or -1)\", "
		  "got \"pfn=0x12zz\""));
	cr_assert(has(&d, 3, "mm_page_alloc: expected \"order=N\", got \"page=00000000c0ffee00 "
		  "pfn=0x12345 migratetype=1 gfp_flags=GFP_KERNEL\""));
	cr_assert(has(&d, 4, "mm_page_free: expected \"order=N with 0 <= N < 16\", got "
		  "\"order=99\""));
	cr_assert(has(&d, 5, "mm_page_alloc_extfrag: expected \"alloc_migratetype=N\", got "
		  "\"page=00000000c0ffee00 pfn=0x30000 alloc_order=0 fallback_order=9\""));
	cr_assert(has(&d, 6, "mm_page_pcpu_drain: expected \"migratetype=N with 0 <= N < 32\", "
		  "got \"migratetype=x\""));
	cr_assert(has(&d, 7, "mm_page_free: expected \"pfn=N\", got \"\""));
	cr_assert(has(&d, 9, "mm_page_alloc_extfrag: expected \"fragmenting=0 or 1\", got "
		  "\"fragmenting=2\""));
	cr_assert_str_eq(d.items[0].source, FT "bad.txt");
	cr_assert_eq(d.items[7].severity, FS_SEV_NOTE);
	fs_ftrace_free(t);
	fs_diags_clear(&d);
}

Test(ftrace_parse, missing_file)
{
	struct fs_diags d = { 0 };
	cr_assert_null(fs_ftrace_load_file(FT "no-such-trace.txt", &d));
	cr_assert_eq(fs_diags_count(&d, FS_SEV_ERROR), 1);
	fs_diags_clear(&d);
}

Test(ftrace_parse, streaming_chunks_continue_line_numbers)
{
	static const char a[] = "x-1 [000] 1.0: mm_page_free: page=0 pfn=0x10 order=0\n";
	static const char b[] = "x-1 [000] 2.0: mm_page_free: page=0 pfn=0x11 order=zz\n";
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = fs_ftrace_new("stream");
	fs_ftrace_add_text(t, a, sizeof(a) - 1, &d);
	fs_ftrace_add_text(t, b, sizeof(b) - 1, &d);
	cr_assert(has(&d, 2, "mm_page_free: expected \"order=N with 0 <= N < 16\", got "
		  "\"order=zz\""));
	fs_ftrace_free(t);
	fs_diags_clear(&d);
}

Test(ftrace_parse, detect)
{
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(FT "trace-6.6-cat.txt", 1 << 20, &text, &len), 0);
	cr_assert(fs_ftrace_detect(text, len));
	free(text);
	cr_assert_eq(fs_read_file(FT "trace-cmd-report-5.4.txt", 1 << 20, &text, &len), 0);
	cr_assert(fs_ftrace_detect(text, len));
	free(text);
	cr_assert_eq(fs_read_file(FS_FIXTURES "/samples/x86_64-6.18-vm-24g.zoneinfo", 1 << 20,
				  &text, &len), 0);
	cr_assert_not(fs_ftrace_detect(text, len));
	free(text);
	static const char other[] = "x-1 [000] 1.0: sched_switch: prev_comm=a\n";
	cr_assert_not(fs_ftrace_detect(other, sizeof(other) - 1));
	cr_assert_not(fs_ftrace_detect("", 0));
}

/* Random bytes and mutated fixture lines: never a crash, counts add up. */
Test(ftrace_parse, fuzz)
{
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(FT "trace-6.6-cat.txt", 1 << 20, &text, &len), 0);
	uint64_t x = 12345;
	for (int round = 0; round < 2000; round++) {
		char *m = fs_xmalloc(len);
		memcpy(m, text, len);
		for (int k = 0; k < 1 + round % 16; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			size_t at = (size_t)(x % len);
			const char pick[] = "=: []x0-\n\t9.#";
			m[at] = (round & 1) ? (char)(x >> 24) : pick[(x >> 32) % (sizeof(pick) - 1)];
		}
		struct fs_diags d = { 0 };
		struct fs_ftrace *t = fs_ftrace_parse(m, len, "fuzz", &d);
		const struct fs_ftrace_parse_stats *st = fs_ftrace_stats(t);
		uint64_t sum = st->unknown_events + st->other_lines + st->malformed;
		for (int k = 0; k < FS_FTRACE_KINDS; k++)
			sum += st->events[k];
		cr_assert_eq(sum, st->lines);
		fs_ftrace_free(t);
		fs_diags_clear(&d);
		free(m);
	}
	free(text);
}

/* ---- replay ---- */

static struct fs_engine *small_machine(void)
{
	struct fs_engine_machine m;
	memset(&m, 0, sizeof(m));
	fs_copy_str(m.kernel_release, sizeof(m.kernel_release), "6.6.30");
	m.nr_zones = 1;
	m.zones[0].node = 0;
	fs_copy_str(m.zones[0].name, sizeof(m.zones[0].name), "Normal");
	m.zones[0].start_pfn = 0x40000;
	m.zones[0].spanned = 65536;             /* 256 MiB */
	struct fs_engine_options o = { .seed = 1 };
	struct fs_diags d = { 0 };
	struct fs_engine *e = fs_engine_new(&m, &o, &d);
	if (!e)
		dump(&d);
	cr_assert(e);
	fs_diags_clear(&d);
	return e;
}

/* Replay the 6.6 fixture on e (o NULL: the defaults). */
static void replay_sequence(struct fs_engine *e, const struct fs_ftrace_replay_options *o,
			    struct fs_ftrace_summary *s)
{
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = load("trace-6.6-cat.txt", &d);
	fs_ftrace_replay_all(e, t, o, s);
	fs_ftrace_free(t);
}

Test(ftrace_replay, sequence_on_a_new_machine)
{
	struct fs_engine *e = small_machine();
	struct fs_ftrace_summary s;
	replay_sequence(e, NULL, &s);
	cr_assert_eq(s.applied, 16);
	/* allocs 1 2 5 8 13 16; 8 failed in the trace but not on a new machine
	 * (and its engine page is freed again at once) */
	cr_assert_eq(s.allocs, 6);
	cr_assert_eq(s.trace_failed, 1);
	cr_assert_eq(s.allocs_made, 6);
	cr_assert_eq(s.allocs_failed, 0);
	cr_assert_eq(s.both_ok, 5);
	cr_assert_eq(s.trace_failed_engine_ok, 1);
	cr_assert_eq(s.gfp_unknown, 0);
	cr_assert_eq(s.remapped, 1);            /* 16 reallocates 0x12346 */
	/* frees 6 9 12 14 15 17 + batched 7 */
	cr_assert_eq(s.frees, 7);
	cr_assert_eq(s.frees_matched, 3);       /* 6, 12, 17 */
	cr_assert_eq(s.frees_partial, 2);       /* 14, 15: the two pages of 13 */
	cr_assert_eq(s.frees_batched_dup, 1);   /* 7 */
	cr_assert_eq(s.frees_unmatched, 1);     /* 9: nothing was allocated before */
	cr_assert_eq(s.frees_random, 0);
	cr_assert_eq(s.frees_stale, 0);
	cr_assert_eq(s.extfrag, 1);
	cr_assert_eq(s.extfrag_change_ownership, 1);
	cr_assert_eq(s.pcp_events, 2);
	cr_assert_eq(s.mapped, 0);
	cr_assert_eq(s.mapped_peak, 3);         /* after 5: 0x12345 0x12346 0x40000 */
	cr_assert_eq(s.order_allocs[0], 3);
	cr_assert_eq(s.order_allocs[1], 1);
	cr_assert_eq(s.order_allocs[2], 1);
	cr_assert_eq(s.order_allocs[4], 1);
	cr_assert_eq(s.mt_allocs[FS_MT_MOVABLE], 1);
	cr_assert_eq(s.mt_allocs[FS_MT_UNMOVABLE], 4);  /* 2 5 8 16 */
	cr_assert_eq(s.mt_allocs[FS_MT_RECLAIMABLE], 1);
	cr_assert_eq(s.mt_extfrag_fallback[FS_MT_MOVABLE], 1);
	/* A new machine is all Movable: the first Unmovable (2) and the first
	 * Reclaimable (13) allocation each fall back and claim a pageblock;
	 * the other Unmovable ones come from the claimed block. */
	cr_assert_eq(s.engine_fallbacks, 2);
	cr_assert_eq(s.engine_claims, 2);
	/* everything the replay allocated is free again */
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	cr_assert_eq(zi.kind_pages[FS_PAGE_KERNEL] + zi.kind_pages[FS_PAGE_ANON] +
		     zi.kind_pages[FS_PAGE_SLAB], 0);
	char why[256];
	cr_assert(fs_engine_check(e, why, sizeof(why)), "%s", why);
	struct fs_buf b;
	fs_buf_init(&b);
	fs_ftrace_summary_format(&s, &b);
	cr_assert(strstr(b.data, "frees: 7; matched 3, partial 2"), "%s", b.data);
	fs_buf_free(&b);
	fs_engine_free(e);
}

Test(ftrace_replay, stepping_and_time)
{
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = load("trace-6.6-cat.txt", &d);
	struct fs_engine *e = small_machine();
	struct fs_ftrace_replay *r = fs_ftrace_replay_new(e, t, NULL);
	cr_assert_null(fs_ftrace_replay_last(r)->event);
	cr_assert_eq(fs_ftrace_replay_step(r, 2), 2);
	const struct fs_ftrace_step *l = fs_ftrace_replay_last(r);
	cr_assert_eq(l->did, FS_FTRACE_DID_ALLOC);
	cr_assert(l->alloc.ok);
	cr_assert_eq(l->event->pfn, 0x12346);
	struct fs_page_info pi;
	cr_assert(fs_engine_page(e, l->alloc.pfn, &pi));
	cr_assert_eq(pi.kind, FS_PAGE_KERNEL);  /* migratetype=0: Unmovable */
	/* events up to 5012.346001 are 3 4 5 6 */
	cr_assert_eq(fs_ftrace_replay_until(r, 5012.346001), 4);
	l = fs_ftrace_replay_last(r);
	cr_assert_eq(l->did, FS_FTRACE_DID_FREE);
	cr_assert(strstr(l->what, "mm_page_free pfn 0x12345: freed engine pfn"), "%s", l->what);
	cr_assert_eq(fs_ftrace_replay_pos(r), 6);
	cr_assert(fs_ftrace_replay_next_ts(r) > 5012.346001);
	cr_assert_not(fs_ftrace_replay_done(r));
	cr_assert_eq(fs_ftrace_replay_step(r, 100), 10);
	cr_assert(fs_ftrace_replay_done(r));
	cr_assert_eq(fs_ftrace_replay_step(r, 1), 0);
	fs_ftrace_replay_free(r);
	fs_engine_free(e);
	fs_ftrace_free(t);
}

Test(ftrace_replay, failed_allocs_not_replayed)
{
	struct fs_engine *e = small_machine();
	struct fs_ftrace_replay_options o;
	fs_ftrace_replay_options_default(&o);
	o.replay_failed = false;
	struct fs_ftrace_summary s;
	replay_sequence(e, &o, &s);
	cr_assert_eq(s.allocs, 6);
	cr_assert_eq(s.failed_not_replayed, 1);
	cr_assert_eq(s.allocs_made, 5);
	cr_assert_eq(s.trace_failed_engine_ok, 0);
	fs_engine_free(e);
}

Test(ftrace_replay, batched_frees_alone_are_frees)
{
	/* a trace with only mm_page_free_batched enabled */
	static const char text[] =
		"a-1 [000] 1.0: mm_page_alloc: page=0 pfn=0x100 order=0 migratetype=1 "
		"gfp_flags=GFP_HIGHUSER_MOVABLE\n"
		"a-1 [000] 2.0: mm_page_free_batched: page=0 pfn=0x100 order=0\n";
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = fs_ftrace_parse(text, sizeof(text) - 1, "batched", &d);
	struct fs_engine *e = small_machine();
	struct fs_ftrace_summary s;
	fs_ftrace_replay_all(e, t, NULL, &s);
	cr_assert_eq(s.frees, 1);
	cr_assert_eq(s.frees_matched, 1);
	cr_assert_eq(s.frees_batched_dup, 0);
	cr_assert_eq(s.mapped, 0);
	fs_engine_free(e);
	fs_ftrace_free(t);
}

static struct fs_engine *sample_engine(void)
{
	static const char *const names[] = { "buddyinfo", "pagetypeinfo", "zoneinfo",
					     "vmstat", "meminfo", "uname" };
	char paths[6][512];
	const char *pp[6];
	for (int i = 0; i < 6; i++) {
		snprintf(paths[i], sizeof(paths[i]), FS_FIXTURES "/samples/x86_64-6.18-vm-24g.%s",
			 names[i]);
		pp[i] = paths[i];
	}
	struct fs_frame_list frames;
	memset(&frames, 0, sizeof(frames));
	struct fs_diags d = { 0 };
	cr_assert_eq(fs_input_load(pp, 6, &frames, &d), 0);
	cr_assert_eq(frames.count, 1);
	struct fs_engine_options o = { .seed = 7 };
	struct fs_engine *e = fs_engine_from_snapshot(frames.items[0].snapshot, &o, &d);
	if (!e)
		dump(&d);
	cr_assert(e);
	fs_frame_list_free(&frames);
	fs_diags_clear(&d);
	return e;
}

Test(ftrace_replay, sequence_on_the_24g_sample)
{
	struct fs_engine *e = sample_engine();
	struct fs_ftrace_summary s;
	replay_sequence(e, NULL, &s);
	cr_assert_eq(s.allocs_made, 6);
	cr_assert_eq(s.frees_matched, 3);
	cr_assert_eq(s.frees_partial, 2);
	/* 9 frees a page allocated before the trace: the sample has allocated
	 * order-0 pages to choose from */
	cr_assert_eq(s.frees_random, 1);
	cr_assert_eq(s.frees_unmatched, 0);
	cr_assert_eq(s.mapped, 0);
	/* the sample has Unmovable and Reclaimable pageblocks with free pages:
	 * no allocation of the sequence needs a fallback */
	cr_assert_eq(s.engine_fallbacks, 0);
	cr_assert_eq(s.engine_claims, 0);
	char why[256];
	cr_assert(fs_engine_check(e, why, sizeof(why)), "%s", why);
	fs_engine_free(e);
}

/* A generated trace: n allocations (1 in 8 of order 1-3 Unmovable, the rest
 * order-0 Movable), each freed with its order 4096 allocations later. */
#define GEN_WINDOW 4096
static char *generate(size_t n, size_t *len)
{
	struct fs_buf b;
	fs_buf_init(&b);
	static int orders[GEN_WINDOW];
	uint64_t x = 99;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int order = (x >> 40) % 8 == 0 ? 1 + (int)((x >> 20) % 3) : 0;
		size_t slot = i % GEN_WINDOW;
		double ts = 1000.0 + (double)i * 1e-6;
		/* slot s owns trace pfns [0x100000 + 16 s, + 16): room for order 3 */
		uint64_t pfn = 0x100000 + (uint64_t)slot * 16;
		if (i >= GEN_WINDOW)
			fs_buf_printf(&b, "     stress-ng-%u [%03u] d..1. %.6f: mm_page_free: "
				      "page=00000000deadbeef pfn=0x%llx order=%d\n",
				      (unsigned)(i % 97), (unsigned)(i % 4), ts,
				      (unsigned long long)pfn, orders[slot]);
		orders[slot] = order;
		fs_buf_printf(&b, "     stress-ng-%u [%03u] d..1. %.6f: mm_page_alloc: "
			      "page=00000000deadbeef pfn=0x%llx order=%d migratetype=%d "
			      "gfp_flags=%s\n", (unsigned)(i % 97), (unsigned)(i % 4), ts,
			      (unsigned long long)pfn, order, order ? 0 : 1,
			      order ? "GFP_KERNEL|__GFP_COMP" : "GFP_HIGHUSER_MOVABLE");
	}
	*len = b.len;
	return fs_buf_take(&b);
}

Test(ftrace_replay, speed, .timeout = 120)
{
	size_t len;
	char *text = generate(500000, &len);
	struct fs_diags d = { 0 };
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct fs_ftrace *t = fs_ftrace_parse(text, len, "generated", &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	const struct fs_ftrace_parse_stats *st = fs_ftrace_stats(t);
	/* 500000 allocs + 500000 - 4096 frees */
	cr_assert_eq(st->lines, 500000 + 500000 - 4096);
	cr_assert_eq(st->malformed, 0);
	struct fs_engine *e = small_machine();
	struct fs_ftrace_summary s;
	fs_ftrace_replay_all(e, t, NULL, &s);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	double parse = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	double replay = (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) * 1e-9;
	double lines = (double)st->lines;
	fprintf(stderr, "ftrace speed: %.0f lines, parse %.3f s (%.2f M lines/s), replay %.3f s "
		"(%.2f M events/s), together %.2f M lines/s; mapped peak %llu\n", lines, parse,
		lines / parse / 1e6, replay, lines / replay / 1e6, lines / (parse + replay) / 1e6,
		(unsigned long long)s.mapped_peak);
	cr_assert_eq(s.allocs, 500000);
	/* every free matches the allocation 4096 before it */
	cr_assert_eq(s.frees_matched, 500000 - GEN_WINDOW);
	cr_assert_eq(s.allocs_failed, 0);
	cr_assert_eq(s.mapped_peak, GEN_WINDOW);
	cr_assert_eq(s.mapped, GEN_WINDOW);
	char why[256];
	cr_assert(fs_engine_check(e, why, sizeof(why)), "%s", why);
	fs_engine_free(e);
	fs_ftrace_free(t);
	free(text);
}

/* ---- the engine's move hook: the map follows compaction and reclaim ---- */

/* 16 MiB, zone Normal at pfn 0: 4096 pages, 8 pageblocks of 512.
 * min_free_kbytes 128: min 128 / 4 = 32 pages, low = high - ... : low 32 +
 * max(32 / 4, 4096 * 10 / 10000) = 40, high 48. */
static struct fs_engine *tiny_machine(void)
{
	struct fs_engine_machine m;
	memset(&m, 0, sizeof(m));
	fs_copy_str(m.kernel_release, sizeof(m.kernel_release), "6.6.30");
	m.min_free_kbytes = 128;
	m.nr_zones = 1;
	fs_copy_str(m.zones[0].name, sizeof(m.zones[0].name), "Normal");
	m.zones[0].spanned = 4096;
	struct fs_engine_options o = { .seed = 1 };
	struct fs_diags d = { 0 };
	struct fs_engine *e = fs_engine_new(&m, &o, &d);
	if (!e)
		dump(&d);
	cr_assert(e);
	fs_diags_clear(&d);
	return e;
}

static uint64_t free_pages(const struct fs_engine *e)
{
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	return zi.free_pages + zi.pcp_pages;
}

/* Allocate order-0 pages of kind with gfp until the zone has `left` free
 * pages; returns how many. */
static uint64_t fill_gfp(struct fs_engine *e, const char *gfp, uint64_t left, int kind)
{
	uint64_t n = 0;
	while (free_pages(e) > left) {
		struct fs_alloc_request req = { .gfp = 0, .order = 0, .node = -1, .kind = kind };
		struct fs_alloc_result res;
		fs_alloc_result_init(&res);
		cr_assert(fs_gfp_parse(fs_engine_profile(e), fs_engine_config(e), gfp, &req.gfp,
				       NULL, 0));
		cr_assert(fs_engine_alloc(e, &req, &res), "fill at %llu free: %s",
			  (unsigned long long)free_pages(e), res.reason);
		fs_alloc_result_clear(&res);
		n++;
	}
	return n;
}

/* The same from the Movable lists (no pageblock changes type while they last). */
static uint64_t fill_to(struct fs_engine *e, uint64_t left, int kind)
{
	return fill_gfp(e, "GFP_HIGHUSER_MOVABLE", left, kind);
}

static struct fs_ftrace *parse_text(const char *text)
{
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = fs_ftrace_parse(text, strlen(text), "inline", &d);
	cr_assert_eq(fs_diags_count(&d, FS_SEV_WARNING), 0);
	fs_diags_clear(&d);
	return t;
}

#define LINE_ALLOC(ts, pfn, mt, gfp) \
	"a-1 [000] " ts ": mm_page_alloc: page=0 pfn=" pfn " order=0 migratetype=" mt \
	" gfp_flags=" gfp "\n"
#define LINE_FREE(ts, pfn) "a-1 [000] " ts ": mm_page_free: page=0 pfn=" pfn " order=0\n"

Test(ftrace_replay, compaction_between_alloc_and_free_is_followed)
{
	struct fs_ftrace *t = parse_text(
		LINE_ALLOC("1.0", "0x100", "1", "GFP_HIGHUSER_MOVABLE")
		LINE_ALLOC("1.1", "0x101", "1", "GFP_HIGHUSER_MOVABLE")
		LINE_FREE("2.0", "0x100")
		LINE_FREE("2.1", "0x101"));
	struct fs_engine *e = tiny_machine();
	struct fs_ftrace_replay *r = fs_ftrace_replay_new(e, t, NULL);
	/* the two allocations take the lowest pages: engine pfns 0 and 1 */
	cr_assert_eq(fs_ftrace_replay_step(r, 1), 1);
	cr_assert_eq(fs_ftrace_replay_last(r)->alloc.pfn, 0);
	cr_assert_eq(fs_ftrace_replay_step(r, 1), 1);
	cr_assert_eq(fs_ftrace_replay_last(r)->alloc.pfn, 1);
	/* kernel pages (not movable) at 2 .. 3995: 4096 - 2 - 100 = 3994 of
	 * them, leaving the 100 pages [3996, 4096) of pageblock 7 free, in
	 * blocks of order 2, 5, 6: free-scanner targets (below order 9) */
	cr_assert_eq(fill_to(e, 100, FS_PAGE_KERNEL), 3994);
	struct fs_compaction_result cr;
	fs_engine_compact(e, 0, 0, 0, FS_COMPACT_SYNC, &cr);
	/* the migrate scanner finds the two anonymous pages in pageblock 0;
	 * the kernel pages of pageblocks 0-6 stay */
	cr_assert_eq(cr.moved, 2, "%s", cr.reason);
	struct fs_page_info pi;
	cr_assert(fs_engine_page(e, 0, &pi));
	cr_assert_eq(pi.kind, FS_PAGE_FREE);
	struct fs_ftrace_summary s;
	fs_ftrace_replay_summary(r, &s);
	cr_assert_eq(s.migrated, 2);
	cr_assert_eq(s.mapped, 2);
	/* the frees hit the migrated pages, in pageblock 7 */
	uint64_t freed[2];
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(fs_ftrace_replay_step(r, 1), 1);
		const struct fs_ftrace_step *l = fs_ftrace_replay_last(r);
		cr_assert_eq(l->did, FS_FTRACE_DID_FREE, "%s", l->what);
		freed[i] = l->free.head;
		cr_assert(freed[i] >= 3996 && freed[i] < 4096, "freed %llu",
			  (unsigned long long)freed[i]);
	}
	cr_assert_neq(freed[0], freed[1]);
	fs_ftrace_replay_summary(r, &s);
	cr_assert_eq(s.frees_matched, 2);
	cr_assert_eq(s.frees_stale, 0);
	cr_assert_eq(s.frees_reclaimed, 0);
	cr_assert_eq(s.mapped, 0);
	/* 100 free before compaction, still 100 after it (2 sources freed, 2
	 * targets taken), + the 2 pages the trace freed */
	cr_assert_eq(free_pages(e), 102);
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	cr_assert_eq(zi.kind_pages[FS_PAGE_ANON], 0);
	char why[256];
	cr_assert(fs_engine_check(e, why, sizeof(why)), "%s", why);
	fs_ftrace_replay_free(r);
	fs_engine_free(e);
	fs_ftrace_free(t);
}

Test(ftrace_replay, reclaimed_slab_is_not_freed_again)
{
	struct fs_ftrace *t = parse_text(
		LINE_ALLOC("1.0", "0x200", "2", "GFP_KERNEL|__GFP_RECLAIMABLE")
		LINE_ALLOC("1.1", "0x201", "2", "GFP_KERNEL|__GFP_RECLAIMABLE")
		LINE_FREE("2.0", "0x200")
		LINE_FREE("2.1", "0x201"));
	struct fs_engine *e = tiny_machine();
	struct fs_ftrace_replay *r = fs_ftrace_replay_new(e, t, NULL);
	/* The first Reclaimable allocation falls back: it claims the order-10
	 * block [0, 1024) (pageblocks 0 and 1) and takes pages 0 and 1. */
	uint64_t slab[2];
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(fs_ftrace_replay_step(r, 1), 1);
		slab[i] = fs_ftrace_replay_last(r)->alloc.pfn;
		cr_assert_eq(slab[i], (uint64_t)i);
		struct fs_page_info pi;
		cr_assert(fs_engine_page(e, slab[i], &pi));
		cr_assert_eq(pi.kind, FS_PAGE_SLAB);    /* migratetype=2: Reclaimable */
	}
	/* kswapd, balanced, spends the watermark boost of that fallback */
	struct fs_reclaim_result rr;
	fs_engine_kswapd(e, -1, 0, &rr);
	cr_assert_eq(rr.reclaimed, 0);
	/* kernel pages without another fallback: the Movable pageblocks 2-7
	 * (6 * 512 = 3072 pages), then [2, 980) of the Reclaimable ones:
	 * 4096 - 2 - 3072 - 978 = 44 free, below the high watermark (48) */
	cr_assert_eq(fill_to(e, 4094 - 3072, FS_PAGE_KERNEL), 3072);
	cr_assert_eq(fill_gfp(e, "GFP_KERNEL|__GFP_RECLAIMABLE", 44, FS_PAGE_KERNEL), 978);
	/* kswapd shrinks slab: the trace's two pages are all there is */
	fs_engine_kswapd(e, -1, 0, &rr);
	cr_assert_eq(rr.slab, 2, "%s", rr.reason);
	cr_assert_eq(rr.reclaimed, 2);
	struct fs_ftrace_summary s;
	fs_ftrace_replay_summary(r, &s);
	cr_assert_eq(s.reclaimed, 2);
	cr_assert_eq(s.mapped, 0);              /* not live in the engine any more */
	/* Two new slab allocations outside the replay take those very pages
	 * (the order-1 block [0, 2) is the smallest on the Reclaimable lists;
	 * 44 + 2 = 46 free). The trace's frees must not free them. */
	uint64_t again[2];
	for (int i = 0; i < 2; i++) {
		struct fs_alloc_request req = { .order = 0, .node = -1, .kind = FS_PAGE_SLAB };
		cr_assert(fs_gfp_parse(fs_engine_profile(e), fs_engine_config(e),
				       "GFP_KERNEL|__GFP_RECLAIMABLE", &req.gfp, NULL, 0));
		struct fs_alloc_result res;
		fs_alloc_result_init(&res);
		cr_assert(fs_engine_alloc(e, &req, &res), "%s", res.reason);
		again[i] = res.pfn;
		fs_alloc_result_clear(&res);
	}
	cr_assert((again[0] == slab[0] && again[1] == slab[1]) ||
		  (again[0] == slab[1] && again[1] == slab[0]),
		  "new slab pages %llu %llu, reclaimed %llu %llu", (unsigned long long)again[0],
		  (unsigned long long)again[1], (unsigned long long)slab[0],
		  (unsigned long long)slab[1]);
	cr_assert_eq(fs_ftrace_replay_step(r, 10), 2);
	const struct fs_ftrace_step *l = fs_ftrace_replay_last(r);
	cr_assert_eq(l->did, FS_FTRACE_DID_FREE_NONE);
	cr_assert(strstr(l->what, "mm_page_free pfn 0x201: nothing freed (the engine had "
			 "reclaimed it)"), "%s", l->what);
	fs_ftrace_replay_summary(r, &s);
	cr_assert_eq(s.frees, 2);
	cr_assert_eq(s.frees_reclaimed, 2);
	cr_assert_eq(s.frees_matched, 0);
	cr_assert_eq(s.frees_stale, 0);
	/* the new allocations are still there: 46 - 2 = 44 free */
	cr_assert_eq(free_pages(e), 44);
	for (int i = 0; i < 2; i++) {
		struct fs_page_info pi;
		cr_assert(fs_engine_page(e, again[i], &pi));
		cr_assert_eq(pi.kind, FS_PAGE_SLAB);
	}
	struct fs_buf b;
	fs_buf_init(&b);
	fs_ftrace_summary_format(&s, &b);
	cr_assert(strstr(b.data, "batched duplicates 0, reclaimed before 2, stale 0\n"), "%s",
		  b.data);
	cr_assert(strstr(b.data, "the engine migrated 0 of the replay's allocations (followed) "
			 "and reclaimed 2\n"), "%s", b.data);
	fs_buf_free(&b);
	fs_ftrace_replay_free(r);
	fs_engine_free(e);
	fs_ftrace_free(t);
}

/* A hook holder before the replay (what a workload is). */
struct seen {
	uint64_t moved, gone;
};
static void count_moves(void *ctx, uint64_t from, uint64_t to, int order)
{
	struct seen *s = ctx;
	(void)from;
	(void)order;
	if (to == UINT64_MAX)
		s->gone++;
	else
		s->moved++;
}

Test(ftrace_replay, chained_hook_is_called_and_set_back)
{
	struct fs_ftrace *t = parse_text(
		LINE_ALLOC("1.0", "0x100", "1", "GFP_HIGHUSER_MOVABLE")
		LINE_ALLOC("1.1", "0x101", "1", "GFP_HIGHUSER_MOVABLE")
		LINE_FREE("2.0", "0x100")
		LINE_FREE("2.1", "0x101")
		LINE_FREE("2.2", "0x999"));
	struct fs_engine *e = tiny_machine();
	struct seen seen = { 0 };
	fs_engine_set_move_hook(e, count_moves, &seen);
	struct fs_ftrace_replay_options o;
	fs_ftrace_replay_options_default(&o);
	o.chain = count_moves;
	o.chain_ctx = &seen;
	struct fs_ftrace_replay *r = fs_ftrace_replay_new(e, t, &o);
	cr_assert_eq(fs_ftrace_replay_step(r, 2), 2);  /* engine pfns 0, 1 */
	/* the other holder's pages: 10 page-cache pages at 2 .. 11, then
	 * kernel pages up to 100 free, as above */
	cr_assert_eq(fill_to(e, 4096 - 12, FS_PAGE_FILE), 10);
	cr_assert_eq(fill_to(e, 100, FS_PAGE_KERNEL), 3984);
	struct fs_compaction_result cr;
	fs_engine_compact(e, 0, 0, 0, FS_COMPACT_SYNC, &cr);
	/* 2 anonymous + 10 page-cache pages of pageblock 0 moved; the chained
	 * hook hears of all 12, the replay follows its own 2 */
	cr_assert_eq(cr.moved, 12, "%s", cr.reason);
	cr_assert_eq(seen.moved, 12);
	struct fs_ftrace_summary s;
	fs_ftrace_replay_summary(r, &s);
	cr_assert_eq(s.migrated, 2);
	/* 2 matched frees; 0x999 was never allocated: a random allocation the
	 * replay did not make is freed, and (no freed_other) the chained hook
	 * is told it is gone */
	cr_assert_eq(fs_ftrace_replay_step(r, 10), 3);
	fs_ftrace_replay_summary(r, &s);
	cr_assert_eq(s.frees_matched, 2);
	cr_assert_eq(s.frees_random, 1);
	cr_assert_eq(seen.gone, 1);
	fs_ftrace_replay_free(r);
	/* the holder's hook is back: reclaim of the page cache left (10, or 9
	 * when the random free took one) reaches it */
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	uint64_t file = zi.kind_pages[FS_PAGE_FILE];
	cr_assert(file == 10 || file == 9);
	struct fs_reclaim_result rr;
	fs_engine_reclaim(e, 0, 32, &rr);
	cr_assert_eq(rr.reclaimed, file);
	cr_assert_eq(seen.gone, 1 + file);
	fs_engine_set_move_hook(e, NULL, NULL);
	fs_engine_free(e);
	fs_ftrace_free(t);
}
