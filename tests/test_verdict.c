/*
 * Tests of the verdict (verdict.h): the real Android sample explained, every
 * kernel-log fixture explained, and hand-built snapshots per kernel profile
 * with the kernel's arithmetic worked out by hand in the comments
 * (../shared/kernel-rules.md §5.1 watermark, §4 alloc flags, §6 free lists,
 * §7 slow path, §11 compaction).
 *
 * Hand-built zones are in pages, 4 KiB pages, pageblock order 9 (512 pages),
 * 11 orders; their free pages equal the sum of their free blocks; the
 * pageblock counts say 0 (or N) HighAtomic blocks, from which krules derives
 * nr_reserved_highatomic = N * 512.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/klog.h"
#include "fragscope/util.h"
#include "fragscope/verdict.h"

#define SAMPLE FS_FIXTURES "/samples/android-4.19-arm64-wifi-order3-atomic-cma.log"

/* ---- helpers ---------------------------------------------------------- */

static const struct fs_kprofile *prof(const char *name)
{
	const struct fs_kprofile *p = fs_kprofile_by_name(name);
	cr_assert_not_null(p, "no profile %s", name);
	cr_assert_str_eq(p->name, name);
	return p;
}

static uint64_t mask(const struct fs_kprofile *p, const char *text)
{
	struct fs_kconfig c;
	uint64_t m = 0;
	char unknown[64];
	fs_kconfig_default(p, &c);
	cr_assert(fs_gfp_parse(p, &c, text, &m, unknown, sizeof(unknown)), "%s: %s", text, unknown);
	return m;
}

static struct fs_snapshot *snap_new(const char *release)
{
	struct fs_snapshot *s = fs_snapshot_new();
	snprintf(s->meta.kernel_release, sizeof(s->meta.kernel_release), "%s", release);
	s->meta.page_size = 4096;
	s->meta.pageblock_order = 9;
	s->meta.nr_orders = 11;
	fs_snapshot_node(s, 0, true);
	return s;
}

static struct fs_zone *zone_get(struct fs_snapshot *s, const char *name)
{
	struct fs_zone *z = fs_snapshot_zone(s, 0, name, strlen(name), false);
	cr_assert_not_null(z, "no zone %s", name);
	return z;
}

/* A zone as zoneinfo + pagetypeinfo show it: every row exact, all 0 so far. */
static void zone_add(struct fs_snapshot *s, const char *name, uint64_t managed, uint64_t min,
		     uint64_t low, uint64_t high, int nprot, const uint64_t *prot)
{
	struct fs_zone *z = fs_snapshot_zone(s, 0, name, strlen(name), true);
	cr_assert_not_null(z);
	z->populated = true;
	z->managed = z->present = z->spanned = managed;
	z->wmark_min = min;
	z->wmark_low = low;
	z->wmark_high = high;
	z->nr_protection = nprot;
	for (int i = 0; i < nprot; i++)
		z->protection[i] = prot[i];
	z->known |= FS_ZK_FREE_PAGES | FS_ZK_WMARK | FS_ZK_MANAGED | FS_ZK_PRESENT |
		    FS_ZK_SPANNED | FS_ZK_PROTECTION | FS_ZK_FREE_CMA | FS_ZK_FREE_PCP |
		    FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS | FS_ZK_PAGEBLOCKS;
	static const enum fs_mt rows[] = { FS_MT_UNMOVABLE, FS_MT_MOVABLE, FS_MT_RECLAIMABLE,
					   FS_MT_HIGHATOMIC, FS_MT_CMA, FS_MT_ISOLATE };
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		z->mt_rows |= 1u << rows[r];
		fs_meta_note_mt(&s->meta, rows[r]);
		for (int o = 0; o < 11; o++)
			z->mt_blocks[rows[r]][o] = fs_count_exact(0);
	}
	for (int o = 0; o < 11; o++)
		z->order_blocks[o] = fs_count_exact(0);
}

/* count free blocks of type mt at order o: the order total and free pages follow */
static void blocks(struct fs_snapshot *s, const char *zone, enum fs_mt mt, int o, uint64_t count)
{
	struct fs_zone *z = zone_get(s, zone);
	z->mt_blocks[mt][o] = fs_count_exact(count);
	z->order_blocks[o].value += count;
	z->free_pages += count << o;
	if (mt == FS_MT_CMA)
		z->free_cma += count << o;
}

/* warn_alloc letters: the list is non-empty, its count unknown */
static void letter(struct fs_snapshot *s, const char *zone, enum fs_mt mt, int o)
{
	struct fs_zone *z = zone_get(s, zone);
	z->mt_blocks[mt][o].kind = FS_COUNT_NONEMPTY;
	z->mt_blocks[mt][o].value = 1;
}

static void order_total(struct fs_snapshot *s, const char *zone, int o, uint64_t count)
{
	struct fs_zone *z = zone_get(s, zone);
	z->order_blocks[o] = fs_count_exact(count);
	z->free_pages += count << o;
}

static void zone_stat(struct fs_snapshot *s, const char *zone, const char *name, int64_t v)
{
	fs_stats_set(&zone_get(s, zone)->stats, name, v);
}

/* VERDICT_DEBUG=1 ./tests/test_verdict prints every verdict the tests build. */
static void dump(const struct fs_verdict *v)
{
	if (!getenv("VERDICT_DEBUG"))
		return;
	fprintf(stderr, "== %s order %d %s: %s\n   reason: %s\n   change: %s\n",
		v->profile->name, v->order, v->gfp_names, fs_outcome_name(v->outcome), v->reason,
		v->change);
	for (size_t i = 0; i < v->nr_steps; i++)
		fprintf(stderr, "   [%s %s %s] %s | %s | %s\n", fs_step_kind_name(v->steps[i].kind),
			fs_step_result_name(v->steps[i].result), v->steps[i].phase,
			v->steps[i].title, v->steps[i].formula, v->steps[i].detail);
}

static int run(struct fs_verdict *v, const struct fs_snapshot *s, const char *profile,
	       const char *gfp, int order)
{
	const struct fs_kprofile *p = prof(profile);
	struct fs_verdict_request req = { .gfp = mask(p, gfp), .order = order, .node = -1,
					  .profile = p };
	fs_verdict_init(v);
	int rc = fs_verdict_run(s, &req, v);
	dump(v);
	return rc;
}

static const struct fs_step *step(const struct fs_verdict *v, enum fs_step_kind kind,
				  const char *phase, const char *zone)
{
	for (size_t i = 0; i < v->nr_steps; i++) {
		const struct fs_step *s = &v->steps[i];
		if (s->kind == kind && (!phase || strcmp(s->phase, phase) == 0) &&
		    (!zone || strcmp(s->zone, zone) == 0))
			return s;
	}
	return NULL;
}

static int64_t num(const struct fs_step *s, const char *name)
{
	int64_t v = 0;
	cr_assert_not_null(s);
	cr_assert(fs_stats_get(&s->numbers, name, &v), "step \"%s\" has no number %s", s->title,
		  name);
	return v;
}

static size_t count_kind(const struct fs_verdict *v, enum fs_step_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < v->nr_steps; i++)
		n += v->steps[i].kind == kind;
	return n;
}

static bool has_risk(const struct fs_verdict *v, const char *needle)
{
	for (size_t i = 0; i < v->nr_risks; i++)
		if (strstr(v->risks[i], needle))
			return true;
	return false;
}

#define assert_has(hay, needle) \
	cr_assert(strstr((hay), (needle)) != NULL, "\"%s\" not in \"%s\"", (needle), (hay))

/* ---- names ------------------------------------------------------------ */

Test(verdict, names_and_exit_statuses)
{
	cr_assert_str_eq(fs_outcome_name(FS_OUTCOME_FAST), "succeeds (fast path)");
	cr_assert_str_eq(fs_outcome_name(FS_OUTCOME_FAILS), "fails");
	cr_assert_eq(fs_outcome_exit_status(FS_OUTCOME_FAST), 0);
	cr_assert_eq(fs_outcome_exit_status(FS_OUTCOME_SLOW), 0);
	cr_assert_eq(fs_outcome_exit_status(FS_OUTCOME_FAILS), 1);
	cr_assert_eq(fs_outcome_exit_status(FS_OUTCOME_DEPENDS), 2);
	cr_assert_str_eq(fs_step_kind_name(FS_STEP_WATERMARK), "watermark");
	cr_assert_str_eq(fs_step_result_name(FS_STEP_UNCERTAIN), "uncertain");
}

/* ---- the Android sample ----------------------------------------------- */

struct parsed {
	struct fs_report_list list;
	struct fs_diags diags;
	size_t n;
	char *text;
};

static void parse_file(struct parsed *p, const char *path)
{
	size_t len;
	memset(p, 0, sizeof(*p));
	cr_assert_eq(fs_read_file(path, 16u << 20, &p->text, &len), 0, "cannot read %s", path);
	p->n = fs_parse_kernel_log(p->text, len, path, &p->list, &p->diags);
}

static void parsed_free(struct parsed *p)
{
	fs_report_list_free(&p->list);
	fs_diags_clear(&p->diags);
	free(p->text);
}

/*
 * order:3, mode:0x484020(GFP_ATOMIC|__GFP_COMP) on 4.19.176, one zone DMA32:
 *   free 362116kB / 4 = 90529 pages, free_cma 321800kB / 4 = 80450,
 *   min 4556kB / 4 = 1139, low 29180kB / 4 = 7295, lowmem_reserve 0.
 * Fast path (low, no flags: CMA and the highatomic reserve subtracted):
 *   90529 - 7 - 80450 = 10072, minus the reserve 4.19 does not print;
 *   10072 - R > 7295 + 0 only while R <= 2776: uncertain.
 * Slow path (min, ALLOC_HIGH|ALLOC_HARDER: the reserve is not subtracted):
 *   min 1139 - 1139/2 (569) = 570; 570 - 570/4 (142) = 428;
 *   10072 > 428 + 0 by 9644; lists at order 3: U and C non-empty ("(UC)");
 *   ALLOC_HARDER takes HighAtomic first: "176*64kB (UMECH)" -> order 4.
 * So the printed state would have satisfied the request.
 * CMA share: 80450 / 90529 = 88.87% -> "88.9%".
 */
Test(verdict, android_sample_explained)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	cr_assert_eq(p.n, 1);
	struct fs_explanation e;
	fs_explanation_init(&e);
	cr_assert_eq(fs_explain_report(&p.list.items[0], NULL, NULL, &e), 0);
	const struct fs_verdict *v = &e.verdict;
	cr_assert_str_eq(v->profile->name, "4.19");
	cr_assert(!v->profile_guessed);
	assert_has(v->profile_why, "4.19.176");
	cr_assert(e.has_state);
	cr_assert_not(e.explains);
	cr_assert_eq(v->outcome, FS_OUTCOME_SLOW);
	cr_assert_str_eq(v->decisive_zone, "Node 0 DMA32");
	cr_assert_eq(v->margin, 9644);
	cr_assert_eq(v->suitable_blocks, -1);
	cr_assert(v->used_nonempty_only);
	assert_has(e.summary, "would have satisfied the request");
	assert_has(e.summary, "changed between the failure and the print");
	assert_has(v->reason, "by 9644 pages (usable 10072 > 428");
	assert_has(v->reason, "HighAtomic (reserved) block of order 4");
	assert_has(v->reason, "at most 2776 pages");

	const struct fs_step *fast = step(v, FS_STEP_WATERMARK, "fast", "Node 0 DMA32");
	cr_assert_not_null(fast);
	cr_assert_eq(fast->result, FS_STEP_UNCERTAIN);
	cr_assert_eq(num(fast, "minus_cma"), 80450);
	cr_assert_eq(num(fast, "mark"), 7295);
	const struct fs_step *slow = step(v, FS_STEP_WATERMARK, "slow", "Node 0 DMA32");
	cr_assert_eq(slow->result, FS_STEP_PASS);
	cr_assert_eq(num(slow, "usable"), 10072);
	cr_assert_eq(num(slow, "mark"), 1139);
	cr_assert_eq(num(slow, "mark_after_reductions"), 428);
	cr_assert_eq(slow->margin, 9644);
	const struct fs_step *pick = step(v, FS_STEP_FREELIST, "slow", "Node 0 DMA32");
	cr_assert_eq(num(pick, "order"), 4);
	cr_assert_eq(num(pick, "migratetype"), FS_MT_HIGHATOMIC);
	cr_assert_eq(count_kind(v, FS_STEP_WARN), 0, "it succeeds: warn_alloc is not reached");

	cr_assert(has_risk(v, "80450 of 90529 free pages are CMA (88.9%)"));
	/* low - min = 7295 - 1139 = 6156, high - low = 7621 - 7295 = 326: 5830 extra;
	 * step 326 = managed 326626 * wsf / 10000 for wsf 10 (326626 * 10 / 10000 = 326) */
	cr_assert(has_risk(v, "low and high sit 5830 pages above mainline"));
	cr_assert(has_risk(v, "the default watermark_scale_factor 10 sets the step"));
	/* CMA alone at orders 6..10: 1 + 5 + 3 + 1 + 75 = 85, plus at least one at each of
	 * orders 3, 4, 5 ("UC", "UMECH", "UMEC"): >= 88; orders 9, 10: 1 + 75 = 76 */
	cr_assert(has_risk(v, "CMA >=88/76"));
	fs_explanation_clear(&e);
	parsed_free(&p);
}

Test(verdict, android_sample_json)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	struct fs_explanation e;
	fs_explanation_init(&e);
	fs_explain_report(&p.list.items[0], NULL, NULL, &e);
	struct json_object *j = fs_explanation_to_json(&e, &p.list.items[0]);
	struct json_object *o, *v, *x;
	cr_assert(json_object_object_get_ex(j, "explains", &o));
	cr_assert_not(json_object_get_boolean(o));
	cr_assert(json_object_object_get_ex(j, "report", &o));
	cr_assert(json_object_object_get_ex(o, "mode", &x));
	cr_assert_str_eq(json_object_get_string(x), "0x484020");
	cr_assert(json_object_object_get_ex(o, "order", &x));
	cr_assert_eq(json_object_get_int(x), 3);
	cr_assert(json_object_object_get_ex(j, "verdict", &v));
	cr_assert(json_object_object_get_ex(v, "outcome", &x));
	cr_assert_str_eq(json_object_get_string(x), "slow");
	cr_assert(json_object_object_get_ex(v, "exit_status", &x));
	cr_assert_eq(json_object_get_int(x), 0);
	cr_assert(json_object_object_get_ex(v, "margin", &x));
	cr_assert_eq(json_object_get_int64(x), 9644);
	cr_assert_not(json_object_object_get_ex(v, "suitable_blocks", &x), "unknown is absent");
	cr_assert(json_object_object_get_ex(v, "profile", &o));
	cr_assert(json_object_object_get_ex(o, "name", &x));
	cr_assert_str_eq(json_object_get_string(x), "4.19");
	cr_assert(json_object_object_get_ex(v, "request", &o));
	cr_assert(json_object_object_get_ex(o, "gfp_names", &x));
	cr_assert_str_eq(json_object_get_string(x), "GFP_ATOMIC|__GFP_COMP");
	cr_assert(json_object_object_get_ex(v, "steps", &o));
	cr_assert_gt(json_object_array_length(o), 4);
	struct json_object *s0 = json_object_array_get_idx(o, 0);
	cr_assert(json_object_object_get_ex(s0, "kind", &x));
	cr_assert_str_eq(json_object_get_string(x), "request");
	cr_assert(json_object_object_get_ex(v, "risks", &o));
	cr_assert_gt(json_object_array_length(o), 0);
	/* the document is valid JSON that parses back */
	struct json_object *back = json_tokener_parse(json_object_to_json_string(j));
	cr_assert_not_null(back);
	json_object_put(back);
	json_object_put(j);
	fs_explanation_clear(&e);
	parsed_free(&p);
}

/* ---- every kernel-log fixture ------------------------------------------ */

static const struct {
	const char *file;
	const char *profile;
} klog_profiles[] = {
	{ "arm64-4.19-three-reports.log", "4.19" },
	{ "arm64-4.19-vmalloc.log", "4.19" },
	{ "arm64-4.4-vmalloc.log", "4.4" },
	{ "arm64-5.10-vmalloc.log", "5.10" },
	{ "arm64-5.15-vmalloc.log", "5.15" },
	{ "arm64-6.6-android-kmsgprio.log", "6.6" },
	{ "arm64-6.6-vmalloc.log", "6.6" },
	{ "synth-2.6.32-old-header.log", "4.4" },        /* older than any: the oldest */
	{ "synth-4.19-cpuset-line-header.log", "6.18" }, /* no CPU line: the newest */
	{ "synth-4.9-csky-order10-cma-cut.log", "4.9" },
	{ "x86_64-4.4-order4-hexmode.log", "4.4" },
	{ "x86_64-5.10-numa-syslog.log", "5.10" },
	{ "x86_64-5.15-cut-mid-area.log", "5.15" },
	{ "x86_64-6.1-journalctl-boost.log", "6.1-early" },
};

static const char *expected_profile(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(klog_profiles) / sizeof(klog_profiles[0]); i++)
		if (strcmp(klog_profiles[i].file, base) == 0)
			return klog_profiles[i].profile;
	cr_assert_fail("fixture %s has no expected profile in this test", base);
	return NULL;
}

static void check_explained(const struct fs_report *r, const struct fs_explanation *e,
			    const char *path)
{
	const struct fs_verdict *v = &e->verdict;
	cr_assert_not_null(v->profile, "%s", path);
	cr_assert_str_eq(v->profile->name, expected_profile(path), "%s", path);
	cr_assert_neq(v->profile_why[0], '\0', "%s: the profile is named with its reason", path);
	cr_assert_neq(e->summary[0], '\0', "%s", path);
	cr_assert_neq(v->reason[0], '\0', "%s", path);
	cr_assert_geq(v->nr_steps, 1, "%s", path);
	cr_assert_eq(v->steps[0].kind, FS_STEP_REQUEST, "%s", path);
	if (!e->has_state) {
		assert_has(e->summary, "cannot judge");
		return;
	}
	/* the decisive check: a zone and the watermark steps that name it */
	cr_assert_neq(v->decisive_zone[0], '\0', "%s: no decisive zone", path);
	cr_assert_not_null(step(v, FS_STEP_WATERMARK, NULL, v->decisive_zone), "%s", path);
	cr_assert_not_null(r->snapshot);
}

Test(verdict, every_klog_fixture_explained)
{
	glob_t g;
	cr_assert_eq(glob(FS_FIXTURES "/klog/*.log", 0, NULL, &g), 0);
	cr_assert_eq(g.gl_pathc, sizeof(klog_profiles) / sizeof(klog_profiles[0]));
	size_t reports = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct parsed p;
		parse_file(&p, g.gl_pathv[i]);
		cr_assert_gt(p.n, 0, "%s: no report", g.gl_pathv[i]);
		for (size_t k = 0; k < p.n; k++) {
			struct fs_explanation e;
			fs_explanation_init(&e);
			cr_assert_eq(fs_explain_report(&p.list.items[k], NULL, NULL, &e), 0, "%s",
				     g.gl_pathv[i]);
			check_explained(&p.list.items[k], &e, g.gl_pathv[i]);
			struct json_object *j = fs_explanation_to_json(&e, &p.list.items[k]);
			cr_assert_not_null(j);
			json_object_put(j);
			fs_explanation_clear(&e);
			reports++;
		}
		parsed_free(&p);
	}
	globfree(&g);
	cr_assert_eq(reports, 16);      /* three in arm64-4.19-three-reports.log */
}

/*
 * x86_64-6.1-journalctl-boost.log: order:4 GFP_KERNEL|__GFP_COMP, 6.1.0 (6.1-early).
 * Normal: free 152160kB / 4 = 38040, min 40244kB / 4 = 10061, no block of order >= 4
 * ("7*32kB (UH)" is the highest). Slow path: 38040 - 15 = 38025 > 10061 by 27964, the
 * lists fail; order 4 is costly, compaction suitable (fragindex > 500) -> depends,
 * one round only (costly without __GFP_RETRY_MAYFAIL).
 */
Test(verdict, klog_6_1_costly_depends_on_compaction)
{
	struct parsed p;
	parse_file(&p, FS_FIXTURES "/klog/x86_64-6.1-journalctl-boost.log");
	struct fs_explanation e;
	fs_explanation_init(&e);
	fs_explain_report(&p.list.items[0], NULL, NULL, &e);
	const struct fs_verdict *v = &e.verdict;
	cr_assert_eq(v->outcome, FS_OUTCOME_DEPENDS);
	cr_assert(e.explains);
	cr_assert_str_eq(v->decisive_zone, "Node 0 Normal");
	cr_assert_eq(v->margin, 27964);
	cr_assert_eq(v->suitable_blocks, 0);
	assert_has(v->reason, "direct compaction may assemble the block");
	assert_has(v->reason, "costly order without __GFP_RETRY_MAYFAIL");
	cr_assert_not_null(step(v, FS_STEP_COMPACTION, "early-compact", "Node 0 Normal"));
	cr_assert_eq(count_kind(v, FS_STEP_WARN), 1);
	fs_explanation_clear(&e);
	parsed_free(&p);
}

/*
 * arm64-6.6-android-kmsgprio.log: order:3 GFP_ATOMIC|__GFP_COMP on 6.6. DMA32 has
 * blocks at orders 4..10 only on CMA lists: 12 + 8 + 3 + 2 + 1 + 0 + 9 = 35 blocks;
 * order 3 is empty ("0*32kB"). Normal has nothing above "98*16kB (UE)".
 */
Test(verdict, klog_6_6_cma_only_fails)
{
	struct parsed p;
	parse_file(&p, FS_FIXTURES "/klog/arm64-6.6-android-kmsgprio.log");
	struct fs_explanation e;
	fs_explanation_init(&e);
	fs_explain_report(&p.list.items[0], NULL, NULL, &e);
	const struct fs_verdict *v = &e.verdict;
	cr_assert_eq(v->outcome, FS_OUTCOME_FAILS);
	cr_assert(e.explains);
	cr_assert_str_eq(v->decisive_zone, "Node 0 DMA32");
	cr_assert_eq(v->suitable_blocks, 0);
	assert_has(v->reason, "only CMA (orders 4..10) lists are non-empty");
	assert_has(v->reason, "may not use CMA");
	assert_has(v->change, "all 35 such blocks are CMA");
	fs_explanation_clear(&e);
	parsed_free(&p);
}

/* The second report of arm64-4.19-three-reports.log has no Mem-Info. */
Test(verdict, klog_report_without_state)
{
	struct parsed p;
	parse_file(&p, FS_FIXTURES "/klog/arm64-4.19-three-reports.log");
	cr_assert_eq(p.n, 3);
	struct fs_explanation e;
	fs_explanation_init(&e);
	cr_assert_eq(fs_explain_report(&p.list.items[1], NULL, NULL, &e), 0);
	cr_assert_not(e.has_state);
	cr_assert_not(e.explains);
	cr_assert_str_eq(e.verdict.profile->name, "4.19");
	cr_assert_str_eq(e.verdict.gfp_names, "GFP_KERNEL|__GFP_ZERO");
	cr_assert_eq(e.verdict.order, 2);
	fs_explanation_clear(&e);
	parsed_free(&p);
}

/* ---- hand-built snapshots per profile ------------------------------------ */

/* x86_64 6.6 without ZONE_DMA in the snapshot: DMA32 = index 0, Normal 1,
 * Movable 2, Device 3. */
static struct fs_snapshot *snap_66(void)
{
	struct fs_snapshot *s = snap_new("6.6.87");
	static const uint64_t p_dma32[] = { 0, 7000, 7000, 7000 }, p_normal[] = { 0, 0, 0, 0 };
	zone_add(s, "DMA32", 400000, 300, 400, 500, 4, p_dma32);
	zone_add(s, "Normal", 2000000, 1000, 1250, 1500, 4, p_normal);
	zone_get(s, "Normal")->known |= FS_ZK_BOOST;
	zone_get(s, "DMA32")->known |= FS_ZK_BOOST;
	return s;
}

/*
 * 6.6, GFP_KERNEL order 2: fast path, low watermark, ALLOC_NOFRAGMENT (preferred
 * zone Normal, DMA32 present).
 * Normal: free 40 (U order 2: 10 blocks) + 19960 (M order 0) = 20000;
 *   usable = 20000 - (2^2 - 1) 3 - 0 CMA - 0 highatomic = 19997;
 *   19997 > low 1250 + lowmem_reserve[1] 0 by 18747; U order 2 is its own list.
 * Suitable blocks of order >= 2: the 10 Unmovable.
 */
Test(verdict, v6_6_fast_success)
{
	struct fs_snapshot *s = snap_66();
	blocks(s, "Normal", FS_MT_UNMOVABLE, 2, 10);
	blocks(s, "Normal", FS_MT_MOVABLE, 0, 19960);
	blocks(s, "DMA32", FS_MT_MOVABLE, 0, 30000);
	struct fs_verdict v;
	cr_assert_eq(run(&v, s, "6.6", "GFP_KERNEL", 2), 0);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAST);
	cr_assert_str_eq(v.decisive_zone, "Node 0 Normal");
	cr_assert_eq(v.margin, 18747);
	cr_assert_eq(v.suitable_blocks, 10);
	cr_assert_not(v.used_nonempty_only);
	cr_assert_not(v.uncertain);
	const struct fs_step *z = step(&v, FS_STEP_ZONELIST, NULL, NULL);
	cr_assert_eq(num(z, "classzone"), 1);   /* 5.8+: gfp_zone() = Normal = index 1 */
	assert_has(z->title, "Node 0 Normal, Node 0 DMA32");
	const struct fs_step *w = step(&v, FS_STEP_WATERMARK, "fast", "Node 0 Normal");
	cr_assert_eq(num(w, "usable"), 19997);
	cr_assert_eq(num(w, "alloc_flags") & FS_ALLOC_NOFRAGMENT, FS_ALLOC_NOFRAGMENT);
	assert_has(v.reason, "takes a Unmovable block of order 2 from its own list");
	cr_assert_null(step(&v, FS_STEP_KSWAPD, NULL, NULL), "the slow path is not reached");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * 6.6, GFP_KERNEL order 2, Normal has only Movable blocks of order 3 (a fallback
 * below pageblock order: ALLOC_NOFRAGMENT refuses it), DMA32 has 5 Unmovable
 * blocks of order 2. DMA32: usable 30000 - 3 = 29997 > low 400 + lowmem_reserve[1]
 * 7000 by 22597: the first pass serves it from DMA32, and says so.
 */
Test(verdict, v6_6_nofragment_moves_to_dma32)
{
	struct fs_snapshot *s = snap_66();
	blocks(s, "Normal", FS_MT_MOVABLE, 3, 10);
	blocks(s, "Normal", FS_MT_MOVABLE, 0, 19920);
	blocks(s, "DMA32", FS_MT_UNMOVABLE, 2, 5);
	blocks(s, "DMA32", FS_MT_MOVABLE, 0, 29980);
	struct fs_verdict v;
	run(&v, s, "6.6", "GFP_KERNEL", 2);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAST);
	cr_assert_str_eq(v.decisive_zone, "Node 0 DMA32");
	cr_assert_eq(v.margin, 22597);
	const struct fs_step *n = step(&v, FS_STEP_NOTE, "fast", "Node 0 DMA32");
	cr_assert_not_null(n, "the NOFRAGMENT note");
	assert_has(n->title, "ALLOC_NOFRAGMENT: Node 0 DMA32 serves it, not Node 0 Normal");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* One Normal zone (index 0, Movable 1): free, min/low/high as given. */
static struct fs_snapshot *snap_normal(const char *release, uint64_t min, uint64_t low,
				       uint64_t high)
{
	struct fs_snapshot *s = snap_new(release);
	static const uint64_t prot[] = { 0, 0 };
	zone_add(s, "Normal", 1000000, min, low, high, 2, prot);
	return s;
}

/*
 * 4.19, GFP_ATOMIC order 1: free 1000 (U order 1: 5 blocks = 10 pages, U order 0: 990).
 * Fast (low, full check at order 1): 1000 - 1 - 0 - 0 = 999 <= 1000 + 0: short by 2.
 * Slow (min, ALLOC_HIGH|ALLOC_HARDER): 800 - 800/2 = 400; 400 - 400/4 = 300;
 *   999 > 300 by 699; ALLOC_HARDER tries HighAtomic first (empty), then its own list.
 */
Test(verdict, v4_19_slow_success_high_harder)
{
	struct fs_snapshot *s = snap_normal("4.19.108", 800, 1000, 1200);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 1, 5);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 990);
	struct fs_verdict v;
	run(&v, s, "4.19", "GFP_ATOMIC", 1);
	cr_assert_eq(v.outcome, FS_OUTCOME_SLOW);
	cr_assert_eq(v.margin, 699);
	cr_assert_eq(v.suitable_blocks, 5);
	const struct fs_step *f = step(&v, FS_STEP_WATERMARK, "fast", "Node 0 Normal");
	cr_assert_eq(f->result, FS_STEP_FAIL);
	cr_assert_eq(f->margin, -1);
	const struct fs_step *w = step(&v, FS_STEP_WATERMARK, "slow", "Node 0 Normal");
	cr_assert_eq(num(w, "mark_after_reductions"), 300);
	assert_has(w->formula, "-400 (min/2, ALLOC_HIGH), -100 (min/4, ALLOC_HARDER)");
	assert_has(v.reason, "after the fast path failed");
	const struct fs_step *k = step(&v, FS_STEP_KSWAPD, NULL, NULL);
	cr_assert_not_null(k);
	/* pgdat_balanced: high 1200 at order 1: 999 <= 1200: not balanced, kswapd woken */
	cr_assert_eq(num(k, "wakes"), 1);
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * 4.4, GFP_ATOMIC order 0: zone_watermark_ok everywhere (no order-0 shortcut).
 * Fast: 1000 - 0 > 1000 + 0 fails (short by 1).
 * Slow: 4.4 reductions: ALLOC_HIGH 800 - 400 = 400, ALLOC_HARDER 400 - 100 = 300;
 *   1000 > 300 by 700.
 */
Test(verdict, v4_4_slow_success_high_harder)
{
	struct fs_snapshot *s = snap_normal("4.4.155", 800, 1000, 1200);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 1000);
	struct fs_verdict v;
	run(&v, s, "4.4", "GFP_ATOMIC", 0);
	cr_assert_eq(v.outcome, FS_OUTCOME_SLOW);
	cr_assert_eq(v.margin, 700);
	cr_assert_str_eq(v.gfp_names, "GFP_ATOMIC");
	const struct fs_step *w = step(&v, FS_STEP_WATERMARK, "fast", "Node 0 Normal");
	cr_assert_eq(w->margin, 0);
	assert_has(w->detail, "zone_watermark_ok");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * 6.6 and 6.1-early, GFP_ATOMIC order 0, Normal only; zoneinfo prints boost 1000 and
 * min 3000 (the printed min includes the boost: _watermark[WMARK_MIN] = 2000); free 1000.
 * Slow path, zone_watermark_fast (mm/page_alloc.c 6.6.87 / 6.1.10):
 *   printed min: 3000 - 1500 (min/2) = 1500, - 375 (min/4) = 1125; 1000 <= 1125: fails;
 *   order 0, WMARK_MIN, boost != 0 and ALLOC_MIN_RESERVE (6.6) / __GFP_ATOMIC (6.1):
 *   retry at 2000: 2000 - 1000 = 1000, - 250 = 750; 1000 > 750 by 250: passes.
 * The formula must name the unboosted min, not the printed one.
 */
static void boost_retry_case(const char *release, const char *profile, const char *flag)
{
	struct fs_snapshot *s = snap_normal(release, 3000, 3500, 4000);
	struct fs_zone *z = zone_get(s, "Normal");
	z->wmark_boost = 1000;
	z->known |= FS_ZK_BOOST;
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 1000);
	struct fs_verdict v;
	run(&v, s, profile, "GFP_ATOMIC", 0);
	cr_assert_eq(v.outcome, FS_OUTCOME_SLOW);
	cr_assert_eq(v.margin, 250);
	const struct fs_step *w = step(&v, FS_STEP_WATERMARK, "slow", "Node 0 Normal");
	cr_assert_eq(num(w, "mark"), 2000);
	cr_assert_eq(num(w, "mark_after_reductions"), 750);
	assert_has(w->formula, "(unboosted min 2000, -1000 (min/2");
	assert_has(w->detail, "retried at the unboosted min 2000");
	assert_has(w->detail, flag);
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

Test(verdict, boost_retry_is_named)
{
	boost_retry_case("6.6.87", "6.6", "ALLOC_MIN_RESERVE");
	boost_retry_case("6.1.10", "6.1-early", "__GFP_ATOMIC");
}

/*
 * 5.10, GFP_ATOMIC order 0, zones DMA (0), DMA32 (1), Normal (2); gfp_zone = Normal,
 * 5.8+ classzone = 2.
 *   Normal: free 100; min 1000 -> 500 (ALLOC_HIGH) -> 375 (ALLOC_HARDER):
 *           100 <= 375 + 0, short by 276.
 *   DMA32:  free 24100; min 600 -> 300 -> 225: 24100 <= 225 + lowmem_reserve[2] 24000
 *           = 24225, short by 126: the closest, so decisive.
 *   DMA:    free 3000; min 10 -> 5 -> 4: 3000 <= 4 + 26000, short by 23005.
 * GFP_ATOMIC cannot reclaim: fails, and warn_alloc prints (10 s / 1 burst).
 */
Test(verdict, v5_10_fails_on_lowmem_reserve)
{
	struct fs_snapshot *s = snap_new("5.10.89");
	static const uint64_t p_dma[] = { 0, 1800, 26000, 26000, 26000 },
			      p_dma32[] = { 0, 0, 24000, 24000, 24000 },
			      p_normal[] = { 0, 0, 0, 0, 0 };
	zone_add(s, "DMA", 3977, 10, 13, 16, 5, p_dma);
	zone_add(s, "DMA32", 700000, 600, 750, 900, 5, p_dma32);
	zone_add(s, "Normal", 3000000, 1000, 1250, 1500, 5, p_normal);
	blocks(s, "DMA", FS_MT_UNMOVABLE, 0, 3000);
	blocks(s, "DMA32", FS_MT_MOVABLE, 0, 24100);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 100);
	struct fs_verdict v;
	run(&v, s, "5.10", "GFP_ATOMIC", 0);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	cr_assert_str_eq(v.decisive_zone, "Node 0 DMA32");
	cr_assert_eq(v.margin, -125);
	assert_has(v.reason, "lowmem_reserve 24000, short by 126 pages");
	assert_has(v.reason, "Node 0 Normal short of min by 276");
	assert_has(v.change, "Node 0 DMA32 needs 126 more free pages above min+lowmem_reserve");
	const struct fs_step *w = step(&v, FS_STEP_WATERMARK, "slow", "Node 0 DMA32");
	cr_assert_eq(num(w, "classzone"), 2);
	cr_assert_eq(num(w, "lowmem_reserve"), 24000);
	cr_assert_eq(num(w, "mark_after_reductions"), 225);
	const struct fs_step *warn = step(&v, FS_STEP_WARN, NULL, NULL);
	cr_assert_not_null(warn);
	cr_assert_eq(num(warn, "ratelimit_s"), 10);
	cr_assert_eq(num(warn, "ratelimit_burst"), 1);
	cr_assert_null(step(&v, FS_STEP_RECLAIM, "reclaim", "Node 0 Normal"), "no reclaim");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * 4.19, GFP_ATOMIC|__GFP_COMP order 3, one zone DMA32 (arm64: DMA32 0, Normal 1,
 * Movable 2). Free: U 1000*1 + 500*2 + 200*4 = 2800, CMA 75 blocks of order 10 =
 * 76800: free 79600, free CMA 76800.
 * Fast: 79600 - 7 - 76800 = 2793 > low 1250; lists at 3..10: only CMA, not allowed.
 * Slow: min 1000 -> 500 -> 375; 2793 > 375 by 2418; lists: U, M, E and HighAtomic
 *   (ALLOC_HARDER) empty at 3..10: fails. Suitable blocks: 0. CMA share:
 *   76800 / 79600 = 96.48% -> "96.5%".
 */
static struct fs_snapshot *snap_cma_only(void)
{
	struct fs_snapshot *s = snap_new("4.19.108");
	static const uint64_t prot[] = { 0, 0, 0 };
	zone_add(s, "DMA32", 326626, 1000, 1250, 1500, 3, prot);
	blocks(s, "DMA32", FS_MT_UNMOVABLE, 0, 1000);
	blocks(s, "DMA32", FS_MT_UNMOVABLE, 1, 500);
	blocks(s, "DMA32", FS_MT_UNMOVABLE, 2, 200);
	blocks(s, "DMA32", FS_MT_CMA, 10, 75);
	return s;
}

Test(verdict, v4_19_fails_on_cma_only_lists)
{
	struct fs_snapshot *s = snap_cma_only();
	cr_assert_eq(zone_get(s, "DMA32")->free_pages, 79600);
	struct fs_verdict v;
	run(&v, s, "4.19", "GFP_ATOMIC|__GFP_COMP", 3);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	cr_assert_str_eq(v.decisive_zone, "Node 0 DMA32");
	cr_assert_eq(v.margin, 2418);
	cr_assert_eq(v.suitable_blocks, 0);
	assert_has(v.reason, "needs a free block of order >= 3 in Unmovable, Movable, "
		   "Reclaimable or HighAtomic lists");
	assert_has(v.reason, "only CMA (order 10) lists are non-empty, and GFP_ATOMIC|__GFP_COMP "
		   "may not use CMA");
	assert_has(v.change, "all 75 such blocks at order 10 are CMA, which this mask may not use");
	const struct fs_step *f = step(&v, FS_STEP_WATERMARK, "fast", "Node 0 DMA32");
	cr_assert_eq(num(f, "usable"), 2793);
	cr_assert_eq(f->result, FS_STEP_FAIL);
	cr_assert_not_null(step(&v, FS_STEP_WARN, NULL, NULL));
	cr_assert(has_risk(&v, "76800 of 79600 free pages are CMA (96.5%)"));
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* The same with __GFP_NOWARN: it fails silently, no warn step. */
Test(verdict, nowarn_has_no_warn_step)
{
	struct fs_snapshot *s = snap_cma_only();
	struct fs_verdict v;
	run(&v, s, "4.19", "GFP_ATOMIC|__GFP_COMP|__GFP_NOWARN", 3);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	cr_assert_eq(count_kind(&v, FS_STEP_WARN), 0);
	cr_assert_not(v.meaning.warns);
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * HighAtomic entitlement, GFP_NOWAIT order 1. Normal: free 5000 = U order 0: 2976
 * + H order 1: 12 blocks (24) + H order 3: 250 blocks (2000); 4 HighAtomic
 * pageblocks = 2048 reserved pages; min 1000, low 1250.
 */
static struct fs_snapshot *snap_highatomic(const char *release)
{
	struct fs_snapshot *s = snap_normal(release, 1000, 1250, 1500);
	struct fs_zone *z = zone_get(s, "Normal");
	z->known |= FS_ZK_BOOST;
	z->pageblocks[FS_MT_HIGHATOMIC] = 4;
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 2976);
	blocks(s, "Normal", FS_MT_HIGHATOMIC, 1, 12);
	blocks(s, "Normal", FS_MT_HIGHATOMIC, 3, 250);
	return s;
}

/*
 * 6.1-early (the <= 6.2 ALLOC_HARDER scheme): GFP_NOWAIT gets neither ALLOC_HARDER
 * nor the reserve; slow: 5000 - 1 - 0 - 2048 = 2951 > min 1000, but only HighAtomic
 * lists hold blocks of order >= 1: fails.
 */
Test(verdict, highatomic_6_1_early_fails)
{
	struct fs_snapshot *s = snap_highatomic("6.1.10");
	struct fs_verdict v;
	run(&v, s, "6.1-early", "GFP_NOWAIT", 1);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	cr_assert_eq(v.margin, 1951);   /* 2951 - 1000 */
	assert_has(v.reason, "only HighAtomic (orders 1..3) lists are non-empty");
	assert_has(v.reason, "may not use HighAtomic");
	cr_assert_not_null(step(&v, FS_STEP_WARN, NULL, NULL), "6.1 GFP_NOWAIT warns");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * 6.1-late (the 6.3 scheme backported): GFP_NOWAIT order > 0 gets ALLOC_NON_BLOCK
 * and ALLOC_HIGHATOMIC: the reserve is not subtracted and HighAtomic lists count.
 * Slow: 5000 - 1 = 4999 > min 1000 (no MIN_RESERVE: no reduction) by 3999; takes
 * HighAtomic order 1 first.
 */
Test(verdict, highatomic_6_1_late_succeeds)
{
	struct fs_snapshot *s = snap_highatomic("6.1.119");
	struct fs_verdict v;
	run(&v, s, "6.1-late", "GFP_NOWAIT", 1);
	cr_assert_eq(v.outcome, FS_OUTCOME_SLOW);
	cr_assert_eq(v.margin, 3999);
	const struct fs_step *p = step(&v, FS_STEP_FREELIST, "slow", "Node 0 Normal");
	cr_assert_eq(num(p, "migratetype"), FS_MT_HIGHATOMIC);
	cr_assert_eq(num(p, "order"), 1);
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * 6.18: ALLOC_HIGHATOMIC needs __GFP_HIGH, which GFP_NOWAIT lacks; ALLOC_NON_BLOCK
 * still spares it the subtraction (6.10+: the free HighAtomic pages, 24 + 2000):
 * 4999 > 1000, but no list it may use holds order >= 1: fails. GFP_NOWAIT carries
 * __GFP_NOWARN in 6.18: no warn step.
 */
Test(verdict, highatomic_6_18_fails_silently)
{
	struct fs_snapshot *s = snap_highatomic("6.18.2");
	struct fs_verdict v;
	run(&v, s, "6.18", "GFP_NOWAIT", 1);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	cr_assert_eq(v.margin, 3999);
	assert_has(v.reason, "may not use HighAtomic");
	cr_assert_eq(count_kind(&v, FS_STEP_WARN), 0);
	const struct fs_step *f = step(&v, FS_STEP_WATERMARK, "fast", "Node 0 Normal");
	cr_assert_eq(num(f, "minus_highatomic"), 2024);   /* fast path: no NON_BLOCK */
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * 6.6, GFP_KERNEL|__GFP_NORETRY order 4: free 1270 (all order 0); min 1000, low 1250.
 * Slow: 1270 - 15 = 1255 > 1000, lists fail. Early async compaction (costly):
 * order-0 check at low 1250 + gap 2<<4 = 1282: 1270 <= 1282: COMPACT_SKIPPED in the
 * only zone; 5.8+ a costly __GFP_NORETRY request gives up there: fails before reclaim.
 */
Test(verdict, v6_6_noretry_costly_fails)
{
	struct fs_snapshot *s = snap_normal("6.6.87", 1000, 1250, 1500);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 1270);
	zone_stat(s, "Normal", "nr_zone_inactive_file", 50000);
	zone_stat(s, "Normal", "nr_zone_active_file", 50000);
	struct fs_verdict v;
	run(&v, s, "6.6", "GFP_KERNEL|__GFP_NORETRY", 4);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	assert_has(v.reason, "costly order 4 with __GFP_NORETRY");
	const struct fs_step *c = step(&v, FS_STEP_COMPACTION, "early-compact", "Node 0 Normal");
	cr_assert_not_null(c);
	cr_assert_eq(c->result, FS_STEP_FAIL);
	cr_assert_eq(num(c, "available"), 1270);
	cr_assert_null(step(&v, FS_STEP_RECLAIM, NULL, NULL), "gives up before reclaim");
	cr_assert_not_null(step(&v, FS_STEP_WARN, NULL, NULL));
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * 5.10, GFP_KERNEL order 3: free 900 (order 0), min 1000: slow 900 - 7 = 893 <= 1000,
 * short by 108. Reclaimable: inactive file 5000 + active file 3000 = 8000 (swap not
 * known: anon not counted). should_reclaim_retry: 8900 - 7 = 8893 > 1000: reclaim lifts
 * the zone above min -> depends on reclaim (then compaction for the order-3 block).
 */
Test(verdict, v5_10_kernel_order3_depends_on_reclaim)
{
	struct fs_snapshot *s = snap_normal("5.10.89", 1000, 1250, 1500);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 900);
	zone_stat(s, "Normal", "nr_zone_inactive_file", 5000);
	zone_stat(s, "Normal", "nr_zone_active_file", 3000);
	zone_stat(s, "Normal", "nr_zone_inactive_anon", 7000);
	zone_stat(s, "Normal", "nr_zone_active_anon", 7000);
	struct fs_verdict v;
	run(&v, s, "5.10", "GFP_KERNEL", 3);
	cr_assert_eq(v.outcome, FS_OUTCOME_DEPENDS);
	cr_assert_eq(v.margin, -107);
	assert_has(v.reason, "short by 108 pages");
	assert_has(v.reason, "direct reclaim can free up to 8000 pages");
	assert_has(v.reason, "passes min once 108 are freed");
	const struct fs_step *r = step(&v, FS_STEP_RECLAIM, "reclaim", "Node 0 Normal");
	cr_assert_eq(num(r, "reclaimable"), 8000);
	cr_assert_eq(num(r, "anon"), 0);
	cr_assert_eq(num(r, "available"), 8900);
	const struct fs_step *o = step(&v, FS_STEP_OOM, NULL, NULL);
	cr_assert_eq(o->result, FS_STEP_PASS);  /* order 3, __GFP_FS, Normal: may OOM-kill */
	cr_assert_not_null(step(&v, FS_STEP_WARN, NULL, NULL));
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* With free swap (meminfo SwapFree) the anon LRU counts: 8000 + 14000 = 22000. */
Test(verdict, v5_10_reclaim_counts_anon_with_swap)
{
	struct fs_snapshot *s = snap_normal("5.10.89", 1000, 1250, 1500);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 900);
	zone_stat(s, "Normal", "nr_zone_inactive_file", 5000);
	zone_stat(s, "Normal", "nr_zone_active_file", 3000);
	zone_stat(s, "Normal", "nr_zone_inactive_anon", 7000);
	zone_stat(s, "Normal", "nr_zone_active_anon", 7000);
	fs_stats_set(&s->meminfo, "SwapFree", 1048576);
	struct fs_verdict v;
	run(&v, s, "5.10", "GFP_KERNEL", 3);
	const struct fs_step *r = step(&v, FS_STEP_RECLAIM, "reclaim", "Node 0 Normal");
	cr_assert_eq(num(r, "reclaimable"), 22000);
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* Nothing reclaimable, DMA32-only request (no OOM for zones below Normal): fails. */
Test(verdict, v5_10_nothing_helps_fails)
{
	struct fs_snapshot *s = snap_new("5.10.89");
	static const uint64_t prot[] = { 0, 0, 0, 0 };
	zone_add(s, "DMA32", 500000, 1000, 1250, 1500, 4, prot);
	blocks(s, "DMA32", FS_MT_UNMOVABLE, 0, 900);
	zone_stat(s, "DMA32", "nr_zone_inactive_file", 0);
	zone_stat(s, "DMA32", "nr_zone_active_file", 0);
	struct fs_verdict v;
	run(&v, s, "5.10", "GFP_KERNEL|GFP_DMA32", 0);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	assert_has(v.reason, "nothing is reclaimable");
	assert_has(v.reason, "DMA/DMA32 request");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * Reserve access: __GFP_MEMALLOC gives ALLOC_NO_WATERMARKS (5.10 re-adds ALLOC_CMA).
 * GFP_ATOMIC|__GFP_MEMALLOC order 0, Normal free 100 (U order 0), min 1000: the slow
 * path fails (100 <= 375), the reserve step ignores the watermark and takes a page.
 */
Test(verdict, memalloc_ignores_watermarks)
{
	struct fs_snapshot *s = snap_normal("5.10.89", 1000, 1250, 1500);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 100);
	struct fs_verdict v;
	run(&v, s, "5.10", "GFP_ATOMIC|__GFP_MEMALLOC", 0);
	cr_assert_eq(v.outcome, FS_OUTCOME_SLOW);
	cr_assert_not_null(step(&v, FS_STEP_RESERVES, "reserve", NULL));
	cr_assert_not_null(step(&v, FS_STEP_FREELIST, "reserve", "Node 0 Normal"));
	assert_has(v.reason, "ignores the watermarks");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * An OOM victim (task context) gets ALLOC_OOM on 4.19+: min 1000 - 1000/2 = 500;
 * GFP_KERNEL order 0, free 600: the slow path fails (600 <= 1000), the reserve step
 * passes 600 > 500 by 100.
 */
Test(verdict, oom_victim_gets_alloc_oom)
{
	struct fs_snapshot *s = snap_normal("6.6.87", 1000, 1250, 1500);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 600);
	const struct fs_kprofile *p = prof("6.6");
	struct fs_verdict_request req = { .gfp = mask(p, "GFP_KERNEL"), .order = 0, .node = -1,
					  .profile = p };
	req.task.oom_victim = true;
	struct fs_verdict v;
	fs_verdict_init(&v);
	fs_verdict_run(s, &req, &v);
	dump(&v);
	cr_assert_eq(v.outcome, FS_OUTCOME_SLOW);
	cr_assert_eq(v.margin, 100);
	const struct fs_step *w = step(&v, FS_STEP_WATERMARK, "reserve", "Node 0 Normal");
	cr_assert_eq(num(w, "mark_after_reductions"), 500);
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* __GFP_NOFAIL on the "nothing helps" case: it loops instead of failing. */
Test(verdict, nofail_depends)
{
	struct fs_snapshot *s = snap_new("5.10.89");
	static const uint64_t prot[] = { 0, 0, 0, 0 };
	zone_add(s, "DMA32", 500000, 1000, 1250, 1500, 4, prot);
	blocks(s, "DMA32", FS_MT_UNMOVABLE, 0, 900);
	zone_stat(s, "DMA32", "nr_zone_inactive_file", 0);
	zone_stat(s, "DMA32", "nr_zone_active_file", 0);
	struct fs_verdict v;
	run(&v, s, "5.10", "GFP_KERNEL|GFP_DMA32|__GFP_NOFAIL", 0);
	cr_assert_eq(v.outcome, FS_OUTCOME_DEPENDS);
	assert_has(v.reason, "__GFP_NOFAIL");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* Order beyond the maximum (6.6: orders 0..10): NULL at once, no warn_alloc. */
Test(verdict, order_beyond_max_fails_without_warn_alloc)
{
	struct fs_snapshot *s = snap_66();
	blocks(s, "Normal", FS_MT_MOVABLE, 10, 10);
	struct fs_verdict v;
	cr_assert_eq(run(&v, s, "6.6", "GFP_KERNEL", 11), -1);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	assert_has(v.reason, "order 11 is beyond the largest order this kernel has (10)");
	assert_has(v.reason, "warn_alloc does not print");
	assert_has(v.reason, "WARN_ON_ONCE");
	cr_assert_eq(count_kind(&v, FS_STEP_WARN), 0);
	cr_assert_eq(count_kind(&v, FS_STEP_WATERMARK), 0);
	fs_verdict_clear(&v);
	cr_assert_eq(run(&v, s, "6.6", "GFP_KERNEL|__GFP_NOWARN", 11), -1);
	assert_has(v.reason, "__GFP_NOWARN silences its WARN_ON_ONCE");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * Non-empty-only knowledge (warn_alloc letters), 6.1-late, GFP_KERNEL order 2:
 * order 2 has 7 blocks with letters U and C; CMA is not this mask's, so the
 * Unmovable count is only "at least 1": suitable blocks unknown, said so.
 * free = 5000 (order 0) + 28 = 5028; usable 5028 - 3 = 5025 > low 1250 by 3775.
 */
Test(verdict, nonempty_only_reasoning)
{
	struct fs_snapshot *s = snap_normal("6.1.119", 1000, 1250, 1500);
	struct fs_zone *z = zone_get(s, "Normal");
	z->known |= FS_ZK_BOOST;
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 5000);
	order_total(s, "Normal", 2, 7);
	letter(s, "Normal", FS_MT_UNMOVABLE, 2);
	letter(s, "Normal", FS_MT_CMA, 2);
	struct fs_verdict v;
	run(&v, s, "6.1-late", "GFP_KERNEL", 2);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAST);
	cr_assert_eq(v.margin, 3775);
	cr_assert_eq(v.suitable_blocks, -1);
	cr_assert(v.used_nonempty_only);
	assert_has(v.reason, "letters only say which lists are non-empty");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* The same letters but only U at order 2: all 7 blocks are the request's: exact. */
Test(verdict, letters_with_one_type_give_exact_counts)
{
	struct fs_snapshot *s = snap_normal("6.1.119", 1000, 1250, 1500);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 5000);
	order_total(s, "Normal", 2, 7);
	letter(s, "Normal", FS_MT_UNMOVABLE, 2);
	struct fs_verdict v;
	run(&v, s, "6.1-late", "GFP_KERNEL", 2);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAST);
	cr_assert_eq(v.suitable_blocks, 7);
	cr_assert_not(v.used_nonempty_only);
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * pcp: per-cpu pages are in neither NR_FREE_PAGES nor the free lists. They matter
 * where a zone passes its watermark yet its buddy lists have nothing for the
 * request: 4.19's order-0 shortcut subtracts CMA only, so a zone whose 2000 free
 * pages are all HighAtomic (4 reserved pageblocks) passes low (2000 > 1250) while
 * GFP_KERNEL may not take HighAtomic pages: only the per-cpu lists (free_pcp 64)
 * could serve it, which the snapshot cannot rule out.
 */
Test(verdict, pcp_pages_are_uncertain)
{
	struct fs_snapshot *s = snap_normal("4.19.108", 1000, 1250, 1500);
	struct fs_zone *z = zone_get(s, "Normal");
	z->pageblocks[FS_MT_HIGHATOMIC] = 4;
	z->free_pcp = 64;
	blocks(s, "Normal", FS_MT_HIGHATOMIC, 0, 2000);
	struct fs_verdict v;
	run(&v, s, "4.19", "GFP_KERNEL", 0);
	const struct fs_step *w = step(&v, FS_STEP_WATERMARK, "fast", "Node 0 Normal");
	cr_assert_eq(w->result, FS_STEP_PASS);
	cr_assert_eq(num(w, "usable"), 2000);
	const struct fs_step *f = step(&v, FS_STEP_FREELIST, "fast", "Node 0 Normal");
	cr_assert_eq(f->result, FS_STEP_FAIL);
	const struct fs_step *n = step(&v, FS_STEP_NOTE, "fast", "Node 0 Normal");
	cr_assert_not_null(n);
	cr_assert_eq(n->result, FS_STEP_UNCERTAIN);
	cr_assert_eq(num(n, "free_pcp"), 64);
	cr_assert_neq(v.outcome, FS_OUTCOME_FAST);
	assert_has(v.reason, "UNCERTAIN");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/*
 * An unprinted highatomic reserve (4.19 zoneinfo without pagetypeinfo): GFP_KERNEL
 * order 1, free 1100 = M order 1: 50 blocks (100) + M order 0: 1000; min 1000:
 * 1100 - 1 - R > 1000 only while R <= 98. The outcome is taken in the request's
 * favour (as krules does) and says on which condition.
 */
Test(verdict, unknown_highatomic_is_a_condition)
{
	struct fs_snapshot *s = snap_normal("4.19.108", 1000, 1250, 1500);
	struct fs_zone *z = zone_get(s, "Normal");
	z->known &= ~(uint32_t)FS_ZK_PAGEBLOCKS;
	blocks(s, "Normal", FS_MT_MOVABLE, 1, 50);
	blocks(s, "Normal", FS_MT_MOVABLE, 0, 1000);
	struct fs_verdict v;
	run(&v, s, "4.19", "GFP_KERNEL", 1);
	cr_assert_eq(v.outcome, FS_OUTCOME_SLOW);
	cr_assert(v.uncertain);
	cr_assert_eq(v.margin, 99);
	assert_has(v.reason, "highatomic reserve, which the snapshot does not give, is at most 98");
	assert_has(v.change, "it fails here only if");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* A snapshot without zones: no judgement, -1, and a reason. */
Test(verdict, empty_snapshot)
{
	struct fs_snapshot *s = snap_new("6.6.87");
	struct fs_verdict v;
	cr_assert_eq(run(&v, s, "6.6", "GFP_KERNEL", 0), -1);
	cr_assert_eq(v.outcome, FS_OUTCOME_FAILS);
	assert_has(v.reason, "no zone");
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}

/* No release in the snapshot and no profile requested: the newest, said so. */
Test(verdict, guessed_profile_is_said)
{
	struct fs_snapshot *s = snap_new("");
	static const uint64_t prot[] = { 0, 0 };
	zone_add(s, "Normal", 1000000, 1000, 1250, 1500, 2, prot);
	blocks(s, "Normal", FS_MT_UNMOVABLE, 0, 5000);
	struct fs_verdict_request req = { .gfp = 0xcc0, .order = 0, .node = -1 };
	struct fs_verdict v;
	fs_verdict_init(&v);
	fs_verdict_run(s, &req, &v);
	cr_assert(v.profile_guessed);
	assert_has(v.profile_why, "no release known: newest profile used");
	cr_assert_eq(v.outcome, FS_OUTCOME_FAST);
	fs_verdict_clear(&v);
	fs_snapshot_free(s);
}
