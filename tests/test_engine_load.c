/*
 * Loading a snapshot (issue 5 §3): fs_engine_from_snapshot of every real
 * sample, then fs_engine_snapshot at once, gives back the input's counts per
 * zone: free blocks per migratetype x order and per order, pageblocks per
 * type, free, managed, spanned, present, watermarks, protection, CMA and
 * highatomic; exact where the input was exact. Where the input only says a
 * list is non-empty (the warn_alloc letters of the Android report) the engine
 * keeps the order totals exact, puts at least one block where a letter was and
 * none where it was not, and says in its warnings that it had to choose.
 * Different seeds give different layouts with the same counts.
 */
#include "test_engine_util.h"

#include "fragscope/input.h"

static struct fs_engine *load_engine(const struct fs_snapshot *s, uint64_t seed,
				     struct fs_diags *d)
{
	struct fs_engine_options o = { .seed = seed };
	struct fs_engine *e = fs_engine_from_snapshot(s, &o, d);
	if (!e)
		for (size_t i = 0; i < d->count; i++)
			cr_log_error("fs_engine_from_snapshot: %s", d->items[i].message);
	cr_assert_not_null(e);
	te_drift_record(e);
	return e;
}

static void dump(const struct fs_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		cr_log_info("  %s: %s", fs_severity_name(d->items[i].severity), d->items[i].message);
}

/* Every zone of in with managed pages comes back with its exact counts (each
 * mismatch is listed: the checks go on after one fails). */
static void assert_same_counts(const struct fs_snapshot *in, const struct fs_snapshot *out,
			       const char *what)
{
	unsigned zones = 0;
	for (size_t i = 0; i < in->nr_zones; i++) {
		const struct fs_zone *a = &in->zones[i];
		if (!(a->known & FS_ZK_MANAGED) || a->managed == 0)
			continue;
		zones++;
		const struct fs_zone *b = te_snap_zone(out, a->node, a->name);
		cr_assert_not_null(b, "%s: engine snapshot lacks Node %d %s", what, a->node, a->name);
		const char *n = a->name;
		cr_expect_eq(b->free_pages, a->free_pages, "%s %s free %" PRIu64 " != %" PRIu64, what,
			     n, b->free_pages, a->free_pages);
		cr_expect_eq(b->managed, a->managed, "%s %s managed", what, n);
		if (a->known & FS_ZK_SPANNED)
			cr_expect_eq(b->spanned, a->spanned, "%s %s spanned %" PRIu64 " != %" PRIu64,
				     what, n, b->spanned, a->spanned);
		if (a->known & FS_ZK_PRESENT)
			cr_expect_eq(b->present, a->present, "%s %s present %" PRIu64 " != %" PRIu64,
				     what, n, b->present, a->present);
		if (a->known & FS_ZK_START_PFN)
			cr_expect_eq(b->start_pfn, a->start_pfn, "%s %s start_pfn", what, n);
		if (a->known & FS_ZK_WMARK) {
			cr_expect_eq(b->wmark_min, a->wmark_min, "%s %s min", what, n);
			cr_expect_eq(b->wmark_low, a->wmark_low, "%s %s low", what, n);
			cr_expect_eq(b->wmark_high, a->wmark_high, "%s %s high", what, n);
		}
		if (a->known & FS_ZK_BOOST)
			cr_expect_eq(b->wmark_boost, a->wmark_boost, "%s %s boost", what, n);
		if (a->known & FS_ZK_PROTECTION) {
			cr_expect_eq(b->nr_protection, a->nr_protection, "%s %s protection length",
				     what, n);
			for (int k = 0; k < a->nr_protection; k++)
				cr_expect_eq(b->protection[k], a->protection[k], "%s %s protection[%d] %"
					     PRIu64 " != %" PRIu64, what, n, k, b->protection[k],
					     a->protection[k]);
		}
		if (a->known & FS_ZK_CMA_PAGES)
			cr_expect_eq(b->cma_pages, a->cma_pages, "%s %s cma", what, n);
		if (a->known & FS_ZK_FREE_CMA)
			cr_expect_eq(b->free_cma, a->free_cma, "%s %s free_cma %" PRIu64 " != %" PRIu64,
				     what, n, b->free_cma, a->free_cma);
		if (a->known & FS_ZK_RESERVED_HIGHATOMIC)
			cr_expect_eq(b->reserved_highatomic, a->reserved_highatomic,
				     "%s %s reserved_highatomic", what, n);
		for (int o = 0; o < FS_MAX_ORDERS; o++) {
			if (a->order_blocks[o].kind == FS_COUNT_EXACT)
				cr_expect_eq(b->order_blocks[o].value, a->order_blocks[o].value,
					     "%s %s order %d: %" PRIu64 " != %" PRIu64, what, n, o,
					     b->order_blocks[o].value, a->order_blocks[o].value);
			for (int mt = 0; mt < FS_MT_COUNT; mt++) {
				struct fs_count c = a->mt_blocks[mt][o];
				uint64_t got = (b->mt_rows & (1u << mt)) ? b->mt_blocks[mt][o].value : 0;
				if (!(a->mt_rows & (1u << mt)))
					continue;
				if (c.kind == FS_COUNT_EXACT)
					cr_expect_eq(got, c.value, "%s %s %s order %d: %" PRIu64 " != %"
						     PRIu64, what, n, fs_mt_name(mt), o, got, c.value);
				else if (c.kind == FS_COUNT_CAPPED || c.kind == FS_COUNT_NONEMPTY)
					cr_expect_geq(got, c.value, "%s %s %s order %d: %" PRIu64
						      " below %" PRIu64, what, n, fs_mt_name(mt), o, got,
						      c.value);
				else if (c.kind == FS_COUNT_EMPTY_KNOWN)
					cr_expect_eq(got, 0, "%s %s %s order %d: letter absent, %" PRIu64
						     " blocks", what, n, fs_mt_name(mt), o, got);
			}
		}
		if (a->known & FS_ZK_PAGEBLOCKS)
			for (int mt = 0; mt < FS_MT_COUNT; mt++)
				cr_expect_eq(b->pageblocks[mt], a->pageblocks[mt], "%s %s %s pageblocks: %"
					     PRIu64 " != %" PRIu64, what, n, fs_mt_name(mt),
					     b->pageblocks[mt], a->pageblocks[mt]);
	}
	cr_assert_gt(zones, 0, "%s: no zone compared", what);
}

static size_t warnings(const struct fs_diags *d)
{
	return fs_diags_count(d, FS_SEV_WARNING);
}

/*
 * x86_64-6.18-vm-24g, numbers from the fixture:
 * DMA free 3840 = Unmovable 1 x 256 + Movable 1 x 512 + 3 x 1024 = 256 + 512 + 3072;
 * DMA32 free 772917 = 1 + 2*2 + 4*4 + 2*8 + 5*16 + 4*32 + 3*64 + 3*128 + 4*256 + 2*512
 *   + 752*1024 = 2869 + 770048, all Movable; pageblocks 1528 Movable (= present
 *   782336 / 512, the 1 GiB hole below 4 GiB is not counted);
 * Normal free 137506, its free lists hold 355 + 1278*2 + 1290*4 + 1068*8 + 647*16 +
 *   282*32 + 58*64 + 32*128 + 46*256 + 26*512 + 67*1024 = 137495 pages: the other 11
 *   are the engine's per-cpu pages; pageblocks U 45, M 263, E 12.
 */
Test(engine_load, sample_24g_counts_exact)
{
	struct fs_snapshot *in = load_first(vm24g, 6);
	struct fs_diags d = { 0 };
	struct fs_engine *e = load_engine(in, 1, &d);
	cr_expect_eq(warnings(&d), 0, "exact input, yet warnings:");
	if (warnings(&d))
		dump(&d);
	struct fs_snapshot *out = fs_engine_snapshot(e);
	assert_same_counts(in, out, "24g");
	const struct fs_zone *n = te_snap_zone(out, 0, "Normal");
	cr_assert_eq(n->free_pages, 137506);
	cr_assert_eq(n->order_blocks[10].value, 67);
	cr_assert_eq(n->mt_blocks[FS_MT_UNMOVABLE][0].value, 236);
	cr_assert_eq(n->pageblocks[FS_MT_RECLAIMABLE], 12);
	cr_assert_eq(te_snap_zone(out, 0, "DMA32")->pageblocks[FS_MT_MOVABLE], 1528);
	cr_assert_eq(te_snap_zone(out, 0, "DMA")->free_pages, 3840);
	/* Normal: NR_FREE_PAGES 137506 is 11 more than its lists (137495): counter
	 * drift, kept; the per-cpu lists hold the pagesets' counts, 1304 + 841 = 2145
	 * pages, which NR_FREE_PAGES does not count (kernel-rules §5.1). (engine.h
	 * says the 11 would become per-cpu pages; the engine does the kernel's
	 * accounting instead.) DMA and DMA32 have none. */
	for (size_t z = 0; z < fs_engine_nr_zones(e); z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, z, &zi);
		bool normal = strcmp(zi.name, "Normal") == 0;
		cr_expect_eq(zi.pcp_pages, normal ? 2145 : 0, "%s pcp %" PRIu64, zi.name,
			     zi.pcp_pages);
		cr_expect_eq(te_drift_of(e, z), normal ? 11 : 0, "%s drift %" PRId64, zi.name,
			     te_drift_of(e, z));
	}
	te_verify(e, "24g loaded");
	/* the round trip is a fixed point: loading the engine's own snapshot again */
	struct fs_diags d2 = { 0 };
	struct fs_engine *e2 = load_engine(out, 2, &d2);
	struct fs_snapshot *out2 = fs_engine_snapshot(e2);
	assert_same_counts(out, out2, "24g reloaded");
	fs_snapshot_free(out2);
	te_drift_forget(e2);
	fs_engine_free(e2);
	fs_diags_clear(&d2);
	fs_snapshot_free(out);
	te_drift_forget(e);
	fs_engine_free(e);
	fs_diags_clear(&d);
	fs_snapshot_free(in);
}

Test(engine_load, live_this_machine_counts_exact)
{
	struct fs_snapshot *in = load_first(live, 6);
	struct fs_diags d = { 0 };
	struct fs_engine *e = load_engine(in, 1, &d);
	cr_expect_eq(warnings(&d), 0, "exact input, yet warnings:");
	if (warnings(&d))
		dump(&d);
	struct fs_snapshot *out = fs_engine_snapshot(e);
	assert_same_counts(in, out, "live");
	/* Normal: free 232241 (zoneinfo); pageblocks U 37, M 449, E 26 */
	const struct fs_zone *n = te_snap_zone(out, 0, "Normal");
	cr_assert_eq(n->free_pages, 232241);
	cr_assert_eq(n->pageblocks[FS_MT_MOVABLE], 449);
	te_verify(e, "live loaded");
	fs_snapshot_free(out);
	te_drift_forget(e);
	fs_engine_free(e);
	fs_diags_clear(&d);
	fs_snapshot_free(in);
}

/*
 * The Android 4.19 report: DMA32 free:362116kB = 90529 pages; its free-area line
 * 4060*4kB (UMECH) 942*8kB (UMECH) 223*16kB (UMCH) 47*32kB (UC) 176*64kB (UMECH)
 * 53*128kB (UMEC) 1*256kB (C) 5*512kB (C) 3*1024kB (C) 1*2048kB (C) 75*4096kB (C)
 * gives exact order totals and only letters per type. free_cma:321800kB = 80450
 * pages; min 4556kB = 1139, low 29180kB = 7295, high 30484kB = 7621 pages;
 * managed 1306504kB = 326626 pages; lowmem_reserve 0 0 0.
 */
Test(engine_load, android_report_letters)
{
	struct fs_snapshot *in = load_first(android, 1);
	struct fs_diags d = { 0 };
	struct fs_engine *e = load_engine(in, 1, &d);
	struct fs_snapshot *out = fs_engine_snapshot(e);
	assert_same_counts(in, out, "android");
	const struct fs_zone *z = te_snap_zone(out, 0, "DMA32");
	cr_assert_not_null(z);
	cr_assert_eq(z->free_pages, 90529);
	cr_assert_eq(z->wmark_min, 1139);
	cr_assert_eq(z->wmark_low, 7295);
	cr_assert_eq(z->wmark_high, 7621);
	cr_assert_eq(z->managed, 326626);
	cr_expect_eq(z->free_cma, 80450, "free_cma %" PRIu64, z->free_cma);
	static const uint64_t totals[11] = { 4060, 942, 223, 47, 176, 53, 1, 5, 3, 1, 75 };
	for (int o = 0; o < 11; o++)
		cr_assert_eq(z->order_blocks[o].value, totals[o], "order %d", o);
	/* order 10: only C -> all 75 blocks are CMA */
	cr_assert_eq(z->mt_blocks[FS_MT_CMA][10].value, 75);
	cr_assert_eq(z->mt_blocks[FS_MT_UNMOVABLE][10].value, 0);
	/* order 3 (UC): Unmovable and CMA non-empty, Movable empty */
	cr_assert_geq(z->mt_blocks[FS_MT_UNMOVABLE][3].value, 1);
	cr_assert_geq(z->mt_blocks[FS_MT_CMA][3].value, 1);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][3].value, 0);
	/* the engine says the per-type counts were its choice */
	cr_assert_gt(warnings(&d) + fs_diags_count(&d, FS_SEV_NOTE), 0,
		     "letters only, yet no diagnostic");
	bool says = false;
	for (size_t i = 0; i < d.count; i++)
		says = says || strstr(d.items[i].message, "non-empty") ||
		       strstr(d.items[i].message, "letters");
	cr_expect(says, "no diagnostic names the non-empty-only (letter) counts:");
	if (!says)
		dump(&d);
	te_verify(e, "android loaded");
	fs_snapshot_free(out);
	te_drift_forget(e);
	fs_engine_free(e);
	fs_diags_clear(&d);
	fs_snapshot_free(in);
}

/* pagetypeinfo prints ">100000" for large counts (5.4+): a capped count is at
 * least its bound, and the engine warns that it chose the rest. Built from the
 * 24g sample with Normal Movable order 1 (1044) capped at 1000. */
Test(engine_load, capped_counts_warned)
{
	struct fs_snapshot *in = load_first(vm24g, 6);
	struct fs_zone *z = fs_snapshot_zone(in, 0, "Normal", 6, false);
	cr_assert_not_null(z);
	z->mt_blocks[FS_MT_MOVABLE][1].kind = FS_COUNT_CAPPED;
	z->mt_blocks[FS_MT_MOVABLE][1].value = 1000;
	struct fs_diags d = { 0 };
	struct fs_engine *e = load_engine(in, 1, &d);
	struct fs_snapshot *out = fs_engine_snapshot(e);
	assert_same_counts(in, out, "capped");
	/* buddyinfo still says 1278 at order 1: 1278 - 177 - 57 = 1044 */
	cr_expect_eq(te_snap_zone(out, 0, "Normal")->mt_blocks[FS_MT_MOVABLE][1].value, 1044);
	cr_expect_gt(warnings(&d) + fs_diags_count(&d, FS_SEV_NOTE), 0, "capped, no diagnostic");
	fs_snapshot_free(out);
	te_drift_forget(e);
	fs_engine_free(e);
	fs_diags_clear(&d);
	fs_snapshot_free(in);
}

/* Two seeds: the same counts, another layout (some page differs in kind or in
 * the block it belongs to); the same seed: the same layout. */
Test(engine_load, seeds_change_layout_not_counts)
{
	struct fs_snapshot *in = load_first(vm24g, 6);
	struct fs_diags d = { 0 };
	struct fs_engine *a = load_engine(in, 1, &d), *b = load_engine(in, 2, &d),
			 *a2 = load_engine(in, 1, &d);
	struct fs_snapshot *sa = fs_engine_snapshot(a), *sb = fs_engine_snapshot(b);
	assert_same_counts(in, sa, "seed 1");
	assert_same_counts(in, sb, "seed 2");
	uint64_t differ = 0, differ_same_seed = 0;
	for (size_t z = 0; z < fs_engine_nr_zones(a); z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(a, z, &zi);
		for (uint64_t p = zi.start_pfn; p < zi.end_pfn; p++) {
			struct fs_page_info x, y, x2;
			cr_assert(fs_engine_page(a, p, &x));
			cr_assert(fs_engine_page(b, p, &y));
			cr_assert(fs_engine_page(a2, p, &x2));
			differ += x.kind != y.kind || x.head != y.head || x.order != y.order;
			differ_same_seed += x.kind != x2.kind || x.head != x2.head ||
					    x.order != x2.order || x.pageblock_mt != x2.pageblock_mt;
		}
	}
	cr_assert_gt(differ, 0, "seeds 1 and 2 gave the same layout");
	cr_assert_eq(differ_same_seed, 0, "seed 1 twice gave two layouts");
	fs_snapshot_free(sa);
	fs_snapshot_free(sb);
	te_drift_forget(a);
	fs_engine_free(a);
	te_drift_forget(b);
	fs_engine_free(b);
	te_drift_forget(a2);
	fs_engine_free(a2);
	fs_diags_clear(&d);
	fs_snapshot_free(in);
}

/* A snapshot without any usable zone: NULL and an error. */
Test(engine_load, no_zone_is_an_error)
{
	struct fs_snapshot *s = fs_snapshot_new();
	snprintf(s->meta.kernel_release, sizeof(s->meta.kernel_release), "6.6.30");
	struct fs_engine_options o = { .seed = 1 };
	struct fs_diags d = { 0 };
	struct fs_engine *e = fs_engine_from_snapshot(s, &o, &d);
	cr_assert_null(e);
	cr_assert_gt(fs_diags_count(&d, FS_SEV_ERROR), 0);
	fs_diags_clear(&d);
	fs_snapshot_free(s);
}
