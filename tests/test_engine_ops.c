/*
 * The engine's operations (engine.h) one by one, with the buddy invariants
 * checked after every operation of randomized runs, both by fs_engine_check
 * and by an independent recount from fs_engine_page / fs_engine_pageblock /
 * fs_engine_snapshot (test_engine_util.h). Exact numbers are worked out from
 * kernel-rules §2.3 (lowmem_reserve), §5.4 (watermarks), §6.5 (highatomic
 * cap) in the comments.
 */
#include "test_engine_util.h"

static struct fs_engine *one_zone(const char *release, uint64_t start, uint64_t spanned,
				  uint64_t managed, uint64_t cma)
{
	struct fs_engine_machine m;
	te_machine_init(&m, release);
	te_zone(&m, 0, "Normal", start, spanned, managed, cma);
	return te_new(&m, 1);
}

static const struct fs_zone *snap_zone(const struct fs_snapshot *s, const char *name)
{
	const struct fs_zone *z = te_snap_zone(s, 0, name);
	cr_assert_not_null(z, "no zone %s", name);
	return z;
}

/* ---- invariants after every operation ---- */

Test(engine_invariants, after_every_operation, .timeout = 300)
{
	static const char *const rels[] = { "4.19.176", "6.6.30", "6.18.2" };
	static const enum te_machine_kind kinds[] = { TE_M_EDGES, TE_M_CMA, TE_M_NUMA };
	uint64_t seed = te_seed(0x1a7a5eed);
	unsigned ops = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t ri = 0; ri < sizeof(rels) / sizeof(rels[0]); ri++) {
			struct fs_engine_machine m;
			te_machine(&m, kinds[k], rels[ri]);
			struct fs_engine *e = te_new(&m, seed + k);
			struct te_masks ms;
			te_masks_init(&ms, e);
			struct te_rng rng = { seed + k * 16 + ri };
			te_verify(e, "fresh engine");
			/* 120 operations, each followed by the full recount: biased to
			 * allocate for the first half (to reach full zones), then mixed */
			for (int i = 0; i < 120; i++) {
				char ctx[200];
				uint64_t x = te_below(&rng, 100);
				int mi = (int)te_below(&rng, TE_NR_MASKS);
				if (x < 4) {
					struct fs_reclaim_result rr;
					memset(&rr, 0, sizeof(rr));
					fs_engine_kswapd(e, -1, (int)te_below(&rng, 4), &rr);
					snprintf(ctx, sizeof(ctx), "kswapd");
				} else if (x < 8) {
					struct fs_reclaim_result rr;
					memset(&rr, 0, sizeof(rr));
					fs_engine_reclaim(e, -1, 200, &rr);
					snprintf(ctx, sizeof(ctx), "reclaim");
				} else if (x < 12) {
					struct fs_compaction_result cr;
					memset(&cr, 0, sizeof(cr));
					fs_engine_compact(e, (int)te_below(&rng, fs_engine_nr_zones(e)),
							  ms.mask[mi], (int)te_below(&rng, 10),
							  te_below(&rng, 2) ? FS_COMPACT_SYNC
									    : FS_COMPACT_ASYNC, &cr);
					snprintf(ctx, sizeof(ctx), "compact %s", ms.text[mi]);
				} else if (x < 14) {
					fs_engine_drain(e);
					snprintf(ctx, sizeof(ctx), "drain");
				} else if (x < (i < 60 ? 85u : 55u)) {
					int order = te_order(&rng, 11);
					struct fs_alloc_result r;
					fs_alloc_result_init(&r);
					te_alloc(e, ms.mask[mi], order, te_kind_for(e, ms.mask[mi], &rng),
						 &r);
					snprintf(ctx, sizeof(ctx), "alloc %s order %d -> %s pfn %" PRIu64,
						 ms.text[mi], order, r.ok ? "ok" : "failed", r.pfn);
					fs_alloc_result_clear(&r);
				} else {
					te_free_random(e, &rng);
					snprintf(ctx, sizeof(ctx), "free");
				}
				char full[300];
				snprintf(full, sizeof(full), "%s %s seed %" PRIu64 " op %d (%s)",
					 te_machine_names[kinds[k]], rels[ri], seed, i, ctx);
				te_verify(e, full);
				ops++;
			}
			fs_engine_free(e);
		}
	/* 3 machines x 3 releases x 120 */
	cr_assert_eq(ops, 1080);
}

/* ---- fresh machines: layout, watermarks, lowmem_reserve ---- */

/* A fresh zone with aligned edges is all max-order blocks: 65536 / 1024 = 64
 * order-10 blocks, all Movable (no CMA), 65536 / 512 = 128 Movable pageblocks. */
Test(engine_new, fresh_zone_is_max_order_blocks)
{
	struct fs_engine *e = one_zone("6.6.30", 262144, 65536, 0, 0);
	te_verify(e, "fresh");
	struct fs_snapshot *s = fs_engine_snapshot(e);
	const struct fs_zone *z = snap_zone(s, "Normal");
	cr_assert_eq(z->free_pages, 65536);
	cr_assert_eq(z->managed, 65536);
	for (int o = 0; o < 10; o++)
		cr_assert_eq(z->order_blocks[o].value, 0, "order %d", o);
	cr_assert_eq(z->order_blocks[10].value, 64);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][10].value, 64);
	cr_assert_eq(z->pageblocks[FS_MT_MOVABLE], 128);
	cr_assert_eq(z->pageblocks[FS_MT_UNMOVABLE], 0);
	fs_snapshot_free(s);
	fs_engine_free(e);
}

/*
 * Watermarks of one Normal zone of 65536 pages (kernel-rules §5.4), 6.6:
 * lowmem_kbytes = 65536 * 4 = 262144 (high is 0 before the first setup);
 * min_free_kbytes = int_sqrt(262144 * 16) = int_sqrt(4194304) = 2048;
 * pages_min = 2048 >> 2 = 512; tmp = 512 * 65536 / 65536 = 512;
 * step = max(512 / 4, 65536 * 10 / 10000) = max(128, 65) = 128;
 * min 512, low 640, high 768.
 */
Test(engine_new, watermarks_one_zone)
{
	struct fs_engine *e = one_zone("6.6.30", 262144, 65536, 0, 0);
	struct fs_snapshot *s = fs_engine_snapshot(e);
	const struct fs_zone *z = snap_zone(s, "Normal");
	cr_expect_eq(z->wmark_min, 512);
	cr_expect_eq(z->wmark_low, 640);
	cr_expect_eq(z->wmark_high, 768);
	fs_snapshot_free(s);
	fs_engine_free(e);
}

/*
 * DMA32 61440 + Normal 65536 managed pages, 6.6 (§5.4, §2.3):
 * lowmem = 126976 pages = 507904 kB; int_sqrt(507904 * 16 = 8126464) = 2850 kB;
 * pages_min = 2850 >> 2 = 712;
 * DMA32: tmp = 712 * 61440 / 126976 = 344 (344.5); step = max(86, 61) = 86:
 *        min 344, low 430, high 516;
 * Normal: tmp = 712 * 65536 / 126976 = 367 (367.4); step = max(91, 65) = 91:
 *        min 367, low 458, high 549.
 * lowmem_reserve of DMA32 (ratio 256) against Normal: 65536 / 256 = 256.
 */
Test(engine_new, watermarks_and_lowmem_reserve_two_zones)
{
	struct fs_engine_machine m;
	te_machine(&m, TE_M_DMA32_NORMAL, "6.6.30");
	struct fs_engine *e = te_new(&m, 1);
	struct fs_snapshot *s = fs_engine_snapshot(e);
	const struct fs_zone *d = snap_zone(s, "DMA32"), *n = snap_zone(s, "Normal");
	cr_expect_eq(d->wmark_min, 344);
	cr_expect_eq(d->wmark_low, 430);
	cr_expect_eq(d->wmark_high, 516);
	cr_expect_eq(n->wmark_min, 367);
	cr_expect_eq(n->wmark_low, 458);
	cr_expect_eq(n->wmark_high, 549);
	/* The engine numbers the zone types the machine has (no DMA here: DMA32 0,
	 * Normal 1, Movable 2), where an x86_64 kernel would print 5 columns with DMA
	 * at 0; the values are the kernel's: DMA32 against Normal and against Movable
	 * (empty; 6.6 does not zero it, only 6.11/6.12 do) 65536 / 256 = 256. */
	cr_assert_eq(d->nr_protection, 3);
	cr_expect_eq(d->protection[0], 0);
	cr_expect_eq(d->protection[1], 256, "DMA32 protection against Normal: %" PRIu64,
		     d->protection[1]);
	cr_expect_eq(d->protection[2], 256);
	cr_expect_eq(n->protection[1], 0);
	cr_expect_eq(n->protection[2], 0);
	fs_snapshot_free(s);
	fs_engine_free(e);
}

/* An unaligned zone, DMA from pfn 1 to 4096 (4095 pages, all managed): the
 * buddy allocator can only have one block of each order 0..9 below 1024
 * (pfn 1, 2-3, 4-7, ... 512-1023) and 3 of order 10 (1024-4095):
 * 1 + 2 + ... + 512 = 1023, + 3 * 1024 = 4095. */
Test(engine_new, unaligned_zone_edges)
{
	struct fs_engine_machine m;
	te_machine_init(&m, "6.6.30");
	te_zone(&m, 0, "DMA", 1, 4095, 0, 0);
	te_zone(&m, 0, "Normal", 4096, 61440, 0, 0);
	struct fs_engine *e = te_new(&m, 1);
	te_verify(e, "unaligned");
	struct fs_snapshot *s = fs_engine_snapshot(e);
	const struct fs_zone *z = snap_zone(s, "DMA");
	for (int o = 0; o < 10; o++)
		cr_expect_eq(z->order_blocks[o].value, 1, "DMA order %d: %" PRIu64, o,
			     z->order_blocks[o].value);
	cr_expect_eq(z->order_blocks[10].value, 3);
	cr_expect_eq(z->free_pages, 4095);
	/* Normal 4096..65536: 4096-8191 as order 10 x 4 ... all 60 order-10 blocks */
	cr_expect_eq(snap_zone(s, "Normal")->order_blocks[10].value, 60);
	fs_snapshot_free(s);
	fs_engine_free(e);
}

/* ---- alloc / free ---- */

Test(engine_ops, free_then_realloc_round_trip)
{
	struct fs_engine *e = one_zone("6.6.30", 262144, 65536, 0, 0);
	uint64_t k = te_parse(e, "GFP_KERNEL");
	struct fs_alloc_result r;
	fs_alloc_result_init(&r);
	cr_assert(te_alloc(e, k, 3, -1, &r), "%s", r.reason);
	uint64_t pfn = r.pfn;
	cr_assert_eq(pfn & 7, 0, "order-3 allocation at %" PRIu64 " not aligned", pfn);
	cr_assert_eq(r.path, FS_ENGINE_PATH_FAST);
	struct fs_page_info pi;
	cr_assert(fs_engine_page(e, pfn + 5, &pi));
	cr_assert_eq(pi.kind, FS_PAGE_KERNEL);
	cr_assert_eq(pi.head, pfn);
	cr_assert_eq(pi.order, 3);
	te_verify(e, "after alloc");
	/* 65536 - 8 free: order 3..9 one block each (8 + 16 + ... + 512 = 1016),
	 * 63 blocks of order 10 (64512); 1016 + 64512 = 65528 */
	struct fs_snapshot *s = fs_engine_snapshot(e);
	cr_assert_eq(snap_zone(s, "Normal")->free_pages, 65528);
	for (int o = 3; o < 10; o++)
		cr_expect_eq(snap_zone(s, "Normal")->order_blocks[o].value, 1, "order %d", o);
	cr_expect_eq(snap_zone(s, "Normal")->order_blocks[10].value, 63);
	fs_snapshot_free(s);

	struct fs_free_result fr;
	memset(&fr, 0, sizeof(fr));
	cr_assert(fs_engine_free_page(e, pfn + 5, &fr), "%s", fr.reason);
	cr_assert_eq(fr.head, pfn);
	cr_assert_eq(fr.order, 3);
	cr_assert_eq(fr.merged_order, 10);
	cr_assert_eq(fr.merged_head, pfn & ~1023ull);
	te_verify(e, "after free");
	s = fs_engine_snapshot(e);
	cr_assert_eq(snap_zone(s, "Normal")->order_blocks[10].value, 64);
	fs_snapshot_free(s);

	/* the same request again takes the same block (lowest address first) */
	fs_alloc_result_clear(&r);
	fs_alloc_result_init(&r);
	cr_assert(te_alloc(e, k, 3, -1, &r));
	cr_assert_eq(r.pfn, pfn);
	fs_alloc_result_clear(&r);
	fs_engine_free(e);
}

Test(engine_ops, free_of_free_or_reserved_page_is_an_error)
{
	/* managed 60000 of 65536: 5536 reserved pages */
	struct fs_engine *e = one_zone("6.6.30", 262144, 65536, 60000, 0);
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	cr_assert_eq(zi.managed, 60000);
	cr_assert_eq(zi.kind_pages[FS_PAGE_RESERVED], 5536);
	uint64_t free_pfn = UINT64_MAX, res_pfn = UINT64_MAX;
	for (uint64_t p = zi.start_pfn; p < zi.end_pfn; p++) {
		struct fs_page_info pi;
		cr_assert(fs_engine_page(e, p, &pi));
		if (pi.kind == FS_PAGE_FREE && free_pfn == UINT64_MAX)
			free_pfn = p;
		if (pi.kind == FS_PAGE_RESERVED && res_pfn == UINT64_MAX)
			res_pfn = p;
	}
	cr_assert_neq(free_pfn, UINT64_MAX);
	cr_assert_neq(res_pfn, UINT64_MAX);
	struct fs_free_result fr;
	memset(&fr, 0, sizeof(fr));
	cr_assert_not(fs_engine_free_page(e, free_pfn, &fr), "free of a free page succeeded");
	cr_assert_neq(fr.reason[0], '\0');
	memset(&fr, 0, sizeof(fr));
	cr_assert_not(fs_engine_free_page(e, res_pfn, &fr), "free of a reserved page succeeded");
	cr_assert_neq(fr.reason[0], '\0');
	memset(&fr, 0, sizeof(fr));
	cr_assert_not(fs_engine_free_page(e, 5, &fr), "free of a pfn in no zone succeeded");
	struct fs_page_info pi;
	cr_assert_not(fs_engine_page(e, 5, &pi));
	cr_assert_eq(fs_engine_zone_of(e, 5), -1);
	/* and a double free */
	struct fs_alloc_result r;
	fs_alloc_result_init(&r);
	cr_assert(te_alloc(e, te_parse(e, "GFP_KERNEL"), 0, -1, &r));
	memset(&fr, 0, sizeof(fr));
	cr_assert(fs_engine_free_page(e, r.pfn, &fr));
	memset(&fr, 0, sizeof(fr));
	cr_assert_not(fs_engine_free_page(e, r.pfn, &fr), "double free succeeded");
	te_verify(e, "after the refused frees");
	fs_alloc_result_clear(&r);
	fs_engine_free(e);
}

/* Allocate thousands of random blocks, free them all: every managed page is
 * back in max-order blocks (aligned zones: 64 per 65536 pages; the unaligned
 * DMA zone: one block of each order 0..9 and 3 of order 10, see above). The
 * frees go in a random order, so merging is exercised in every direction. */
Test(engine_ops, free_everything_merges_to_max_order)
{
	static const char *const rels[] = { "4.19.176", "6.1.50", "6.18.2" };
	for (size_t ri = 0; ri < 3; ri++) {
		struct fs_engine_machine m;
		te_machine_init(&m, rels[ri]);
		te_zone(&m, 0, "DMA", 1, 4095, 0, 0);
		te_zone(&m, 0, "DMA32", 4096, 61440, 0, 0);
		te_zone(&m, 0, "Normal", 65536, 65536, 0, 0);
		struct fs_engine *e = te_new(&m, 3);
		/* masks that make no highatomic reserve: a reserved pageblock stays
		 * HighAtomic when its pages are freed, and 5.18+ does not merge it with
		 * its neighbours at pageblock order (see te_no_merge_across) */
		static const char *const blocking[] = {
			"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE", "GFP_KERNEL|__GFP_NORETRY",
			"GFP_TRANSHUGE_LIGHT", "GFP_KERNEL|__GFP_DMA32", "GFP_KERNEL|__GFP_RECLAIMABLE",
			"GFP_KERNEL|__GFP_COMP",
		};
		uint64_t masks[7];
		for (int i = 0; i < 7; i++)
			masks[i] = te_parse(e, blocking[i]);
		struct te_rng rng = { 99 + ri };
		unsigned n = 0;
		for (int i = 0; i < 6000; i++) {
			struct fs_alloc_result r;
			fs_alloc_result_init(&r);
			n += te_alloc(e, masks[te_below(&rng, 7)], te_order(&rng, 11), -1, &r);
			fs_alloc_result_clear(&r);
		}
		cr_assert_gt(n, 1000);
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "%s full", rels[ri]);
		te_verify(e, ctx);
		/* compaction may have moved pages, so the allocations are found by
		 * their pages: random ones first, then a sweep of every zone */
		for (int i = 0; i < 3000; i++)
			te_free_random(e, &rng);
		for (size_t zi = 0; zi < fs_engine_nr_zones(e); zi++) {
			struct fs_engine_zone_info info;
			fs_engine_zone_info(e, zi, &info);
			for (uint64_t p = info.start_pfn; p < info.end_pfn; p++) {
				struct fs_page_info pi;
				cr_assert(fs_engine_page(e, p, &pi));
				if (!te_is_allocated(pi.kind))
					continue;
				struct fs_free_result fr;
				memset(&fr, 0, sizeof(fr));
				cr_assert(fs_engine_free_page(e, p, &fr), "%s: free %" PRIu64 ": %s",
					  rels[ri], p, fr.reason);
			}
		}
		fs_engine_drain(e);
		snprintf(ctx, sizeof(ctx), "%s all freed", rels[ri]);
		te_verify(e, ctx);
		struct fs_snapshot *s = fs_engine_snapshot(e);
		const struct fs_zone *d = snap_zone(s, "DMA"), *d32 = snap_zone(s, "DMA32"),
				     *nz = snap_zone(s, "Normal");
		for (int o = 0; o < 10; o++) {
			cr_expect_eq(d->order_blocks[o].value, 1, "%s DMA order %d", rels[ri], o);
			cr_expect_eq(d32->order_blocks[o].value, 0, "%s DMA32 order %d", rels[ri], o);
			cr_expect_eq(nz->order_blocks[o].value, 0, "%s Normal order %d", rels[ri], o);
		}
		cr_expect_eq(d->order_blocks[10].value, 3);
		/* 61440 / 1024 = 60, 65536 / 1024 = 64 */
		cr_expect_eq(d32->order_blocks[10].value, 60, "%s", rels[ri]);
		cr_expect_eq(nz->order_blocks[10].value, 64, "%s", rels[ri]);
		cr_expect_eq(nz->free_pages, 65536);
		fs_snapshot_free(s);
		fs_engine_free(e);
	}
}

/* ---- reclaim and compaction ---- */

struct kind_map {
	uint64_t start, n;
	uint8_t *kind;
};

static void map_kinds(const struct fs_engine *e, size_t zone, struct kind_map *km)
{
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, zone, &zi);
	km->start = zi.start_pfn;
	km->n = zi.end_pfn - zi.start_pfn;
	km->kind = malloc(km->n);
	for (uint64_t i = 0; i < km->n; i++) {
		struct fs_page_info pi;
		cr_assert(fs_engine_page(e, km->start + i, &pi));
		km->kind[i] = (uint8_t)pi.kind;
	}
}

/* A zone polluted with every kind: order-0 allocations of kernel, anon, file
 * and slab pages in turn until 90% is used, then every third one freed. */
static struct fs_engine *polluted(const char *release, uint64_t *counts)
{
	struct fs_engine *e = one_zone(release, 262144, 65536, 0, 0);
	uint64_t k = te_parse(e, "GFP_KERNEL"), mov = te_parse(e, "GFP_HIGHUSER_MOVABLE"),
		 rec = te_parse(e, "GFP_KERNEL|__GFP_RECLAIMABLE");
	uint64_t masks[4] = { k, mov, mov, rec };
	int kinds[4] = { FS_PAGE_KERNEL, FS_PAGE_ANON, FS_PAGE_FILE, FS_PAGE_SLAB };
	for (int i = 0; i < 58982; i++) { /* 90% of 65536 */
		struct fs_alloc_result r;
		fs_alloc_result_init(&r);
		bool ok = te_alloc(e, masks[i % 4], 0, kinds[i % 4], &r);
		if (ok && i % 3 == 0) {
			struct fs_free_result fr;
			memset(&fr, 0, sizeof(fr));
			cr_assert(fs_engine_free_page(e, r.pfn, &fr));
		}
		fs_alloc_result_clear(&r);
	}
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	for (int i = 0; i < FS_PAGE_KINDS; i++)
		counts[i] = zi.kind_pages[i];
	cr_assert_gt(counts[FS_PAGE_KERNEL], 1000);
	cr_assert_gt(counts[FS_PAGE_FILE], 1000);
	cr_assert_gt(counts[FS_PAGE_SLAB], 1000);
	cr_assert_gt(counts[FS_PAGE_ANON], 1000);
	return e;
}

static void reclaim_frees_only_file_and_slab(const char *release)
{
	uint64_t before[FS_PAGE_KINDS];
	struct fs_engine *e = polluted(release, before);
	struct kind_map km;
	map_kinds(e, 0, &km);

	/* direct reclaim: page cache only */
	struct fs_reclaim_result rr;
	memset(&rr, 0, sizeof(rr));
	fs_engine_reclaim(e, -1, 2000, &rr);
	te_verify(e, "after direct reclaim");
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	cr_assert_gt(rr.reclaimed, 0, "%s: direct reclaim freed nothing: %s", release, rr.reason);
	cr_assert_eq(rr.reclaimed, rr.file + rr.slab);
	cr_assert_eq(rr.slab, 0, "%s: direct reclaim shrank slab", release);
	cr_assert_eq(zi.kind_pages[FS_PAGE_KERNEL], before[FS_PAGE_KERNEL]);
	cr_assert_eq(zi.kind_pages[FS_PAGE_ANON], before[FS_PAGE_ANON]);
	cr_assert_eq(zi.kind_pages[FS_PAGE_SLAB], before[FS_PAGE_SLAB]);
	cr_assert_eq(zi.kind_pages[FS_PAGE_FILE], before[FS_PAGE_FILE] - rr.file);
	/* reclaim moves nothing: every kernel, anon and slab page is where it was, and
	 * every page that changed was page cache and is now free */
	for (uint64_t i = 0; i < km.n; i++) {
		struct fs_page_info pi;
		fs_engine_page(e, km.start + i, &pi);
		if (pi.kind != km.kind[i])
			cr_assert(km.kind[i] == FS_PAGE_FILE &&
				  (pi.kind == FS_PAGE_FREE || pi.kind == FS_PAGE_PCP),
				  "%s: pfn %" PRIu64 " was %s, is %s after direct reclaim", release,
				  km.start + i, fs_page_kind_name(km.kind[i]),
				  fs_page_kind_name(pi.kind));
	}
	free(km.kind);

	/* kswapd: page cache and slab, nothing else */
	fs_engine_zone_info(e, 0, &zi);
	uint64_t mid[FS_PAGE_KINDS];
	memcpy(mid, zi.kind_pages, sizeof(mid));
	/* make kswapd work: use memory until below the low watermark */
	uint64_t k = te_parse(e, "GFP_NOWAIT");
	for (int i = 0; i < 70000; i++) {
		struct fs_alloc_result r;
		fs_alloc_result_init(&r);
		bool ok = te_alloc(e, k, 0, FS_PAGE_KERNEL, &r);
		fs_alloc_result_clear(&r);
		if (!ok)
			break;
	}
	fs_engine_zone_info(e, 0, &zi);
	uint64_t kernel_now = zi.kind_pages[FS_PAGE_KERNEL];
	memset(&rr, 0, sizeof(rr));
	fs_engine_kswapd(e, -1, 0, &rr);
	te_verify(e, "after kswapd");
	fs_engine_zone_info(e, 0, &zi);
	cr_assert_eq(rr.reclaimed, rr.file + rr.slab);
	cr_assert_eq(zi.kind_pages[FS_PAGE_KERNEL], kernel_now);
	cr_assert_eq(zi.kind_pages[FS_PAGE_ANON], mid[FS_PAGE_ANON]);
	cr_assert_gt(rr.reclaimed, 0, "%s: kswapd below low freed nothing: %s", release,
		     rr.reason);
	cr_assert_eq(zi.kind_pages[FS_PAGE_SLAB] + rr.slab, mid[FS_PAGE_SLAB]);
	fs_engine_free(e);
}

Test(engine_ops, reclaim_frees_only_file_and_slab)
{
	reclaim_frees_only_file_and_slab("5.10.0");
	reclaim_frees_only_file_and_slab("6.18.2");
}

static void compaction_moves_only_movable(const char *release)
{
	uint64_t before[FS_PAGE_KINDS];
	struct fs_engine *e = polluted(release, before);
	struct kind_map km;
	map_kinds(e, 0, &km);
	struct fs_snapshot *s0 = fs_engine_snapshot(e);
	int largest0 = -1;
	for (int o = 0; o < 11; o++)
		if (snap_zone(s0, "Normal")->order_blocks[o].value)
			largest0 = o;
	fs_snapshot_free(s0);

	struct fs_compaction_result cr;
	memset(&cr, 0, sizeof(cr));
	fs_engine_compact(e, 0, 0, 0, FS_COMPACT_SYNC, &cr);   /* the whole zone */
	te_verify(e, "after compaction");
	cr_assert_gt(cr.moved, 0, "%s: compaction moved nothing: %s", release, cr.reason);
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, 0, &zi);
	/* nothing freed, nothing allocated: kinds keep their totals */
	for (int k = 0; k < FS_PAGE_KINDS; k++)
		cr_assert_eq(zi.kind_pages[k], before[k], "%s: %s pages %" PRIu64 " -> %" PRIu64,
			     release, fs_page_kind_name(k), before[k], zi.kind_pages[k]);
	/* unmovable kernel and slab pages stay where they are */
	uint64_t changed = 0;
	for (uint64_t i = 0; i < km.n; i++) {
		struct fs_page_info pi;
		fs_engine_page(e, km.start + i, &pi);
		if (km.kind[i] == FS_PAGE_KERNEL || km.kind[i] == FS_PAGE_SLAB)
			cr_assert_eq(pi.kind, km.kind[i], "%s: %s page %" PRIu64 " is %s after "
				     "compaction", release, fs_page_kind_name(km.kind[i]),
				     km.start + i, fs_page_kind_name(pi.kind));
		if (pi.kind != km.kind[i]) {
			changed++;
			/* a page that changed was movable and left, or was free and took one */
			cr_assert((km.kind[i] == FS_PAGE_ANON || km.kind[i] == FS_PAGE_FILE ||
				   km.kind[i] == FS_PAGE_FREE) &&
				  (pi.kind == FS_PAGE_ANON || pi.kind == FS_PAGE_FILE ||
				   pi.kind == FS_PAGE_FREE),
				  "%s: pfn %" PRIu64 " %s -> %s", release, km.start + i,
				  fs_page_kind_name(km.kind[i]), fs_page_kind_name(pi.kind));
		}
	}
	/* each migrated page empties one page and fills another */
	cr_assert(changed > 0 && changed <= 2 * cr.moved, "%s: %" PRIu64 " pages changed for %"
		  PRIu64 " moved", release, changed, cr.moved);
	struct fs_snapshot *s1 = fs_engine_snapshot(e);
	int largest1 = -1;
	for (int o = 0; o < 11; o++)
		if (snap_zone(s1, "Normal")->order_blocks[o].value)
			largest1 = o;
	cr_assert_geq(largest1, largest0);
	fs_snapshot_free(s1);
	free(km.kind);
	fs_engine_free(e);
}

Test(engine_ops, compaction_moves_only_movable_pages)
{
	compaction_moves_only_movable("4.19.176");
	compaction_moves_only_movable("6.12.10");
}

/* ---- CMA ---- */

/*
 * Normal 65536 pages with a 16384-page CMA area (32 pageblocks at the end).
 * Non-movable masks never get a CMA page, whatever the pressure: order-0
 * GFP_KERNEL / GFP_ATOMIC / GFP_NOWAIT until they fail take only the 49152
 * non-CMA pages (less the watermarks). Then GFP_HIGHUSER_MOVABLE (ALLOC_CMA)
 * still succeeds, from CMA pageblocks.
 */
static void cma_only_for_movable(const char *release)
{
	struct fs_engine *e = one_zone(release, 262144, 65536, 0, 16384);
	struct fs_snapshot *s = fs_engine_snapshot(e);
	cr_assert_eq(snap_zone(s, "Normal")->pageblocks[FS_MT_CMA], 32);
	cr_assert_eq(snap_zone(s, "Normal")->free_cma, 16384);
	fs_snapshot_free(s);
	static const char *const nonmov[] = { "GFP_KERNEL", "GFP_ATOMIC", "GFP_NOWAIT",
					      "GFP_KERNEL|__GFP_RECLAIMABLE" };
	uint64_t got = 0;
	for (int mi = 0; mi < 4; mi++) {
		uint64_t g = te_parse(e, nonmov[mi]);
		for (int i = 0; i < 70000; i++) {
			struct fs_alloc_result r;
			fs_alloc_result_init(&r);
			bool ok = te_alloc(e, g, (i % 5 == 0) ? 2 : 0, -1, &r);
			if (ok) {
				struct fs_page_info pi;
				cr_assert(fs_engine_page(e, r.pfn, &pi));
				cr_assert_neq(pi.pageblock_mt, FS_MT_CMA, "%s: %s got CMA page %"
					      PRIu64 " (%s)", release, nonmov[mi], r.pfn, r.reason);
				got += (i % 5 == 0) ? 4 : 1;
			}
			fs_alloc_result_clear(&r);
			if (!ok)
				break;
		}
	}
	te_verify(e, "non-movable exhausted");
	s = fs_engine_snapshot(e);
	cr_assert_eq(snap_zone(s, "Normal")->free_cma, 16384, "%s: CMA pages were taken", release);
	fs_snapshot_free(s);
	/* 49152 non-CMA pages, less what the watermarks (min 512, GFP_ATOMIC down
	 * to 192) and the highatomic reserve (at most 1167 pages) keep back */
	cr_assert_gt(got, 46000, "%s: only %" PRIu64 " non-CMA pages allocated", release, got);
	/* movable allocations now come from CMA (once the few non-CMA pages left on
	 * the Movable lists are gone: the profiles before 5.8 use CMA only after
	 * their own lists) */
	uint64_t mov = te_parse(e, "GFP_HIGHUSER_MOVABLE");
	unsigned from_cma = 0;
	for (int i = 0; i < 2000; i++) {
		struct fs_alloc_result r;
		fs_alloc_result_init(&r);
		cr_assert(te_alloc(e, mov, 0, FS_PAGE_ANON, &r),
			  "%s: movable request %d failed with free CMA: %s", release, i, r.reason);
		struct fs_page_info pi;
		cr_assert(fs_engine_page(e, r.pfn, &pi));
		from_cma += pi.pageblock_mt == FS_MT_CMA;
		fs_alloc_result_clear(&r);
	}
	cr_assert_gt(from_cma, 1000, "%s: %u of 2000 movable pages from CMA", release, from_cma);
	te_verify(e, "movable from CMA");
	fs_engine_free(e);
}

Test(engine_ops, cma_pages_only_for_alloc_cma)
{
	cma_only_for_movable("4.19.176");
	cma_only_for_movable("5.15.100");
	cma_only_for_movable("6.18.2");
}

/* ---- highatomic reserve ---- */

/*
 * The reserve is made only by a slow-path success (the fast path has no
 * ALLOC_HARDER / ALLOC_HIGHATOMIC, kernel-rules §4.2, §6.5), so the zone is
 * first filled with order-0 GFP_KERNEL pages until that fails (free = min,
 * the last success leaving free - 0 > min false), then 4 order-1 holes are
 * made in each of the first 10 pageblocks (pairs at offsets 0, 8, 16, 24 of
 * the block: their order-1 buddies stay allocated, so they do not merge):
 * free = min + 80, which is below low (see the watermark tests: 724 + 80 <
 * 905 for 131072 pages, 362 + 80 < 452 for 32768) and so the order-1 requests
 * go to the slow path. 40 order-1 requests use those holes, lowest address
 * first: the first in a block reserves it (under the cap), the next three come
 * from its HighAtomic list.
 */
static uint64_t atomic_reserves(const char *release, uint64_t pages, const char *mask,
				unsigned *flagged)
{
	struct fs_engine *e = one_zone(release, 262144, pages, 0, 0);
	uint64_t k = te_parse(e, "GFP_KERNEL"), g = te_parse(e, mask);
	for (uint64_t i = 0; i < pages; i++) {
		struct fs_alloc_result r;
		fs_alloc_result_init(&r);
		bool ok = te_alloc(e, k, 0, -1, &r);
		fs_alloc_result_clear(&r);
		if (!ok)
			break;
	}
	struct fs_snapshot *s = fs_engine_snapshot(e);
	const struct fs_zone *z = snap_zone(s, "Normal");
	uint64_t min = z->wmark_min, low = z->wmark_low;
	cr_assert_eq(z->free_pages, min, "%s: filled to %" PRIu64 ", min %" PRIu64, release,
		     z->free_pages, min);
	fs_snapshot_free(s);
	for (uint64_t b = 0; b < 10; b++)
		for (uint64_t off = 0; off < 32; off += 8)
			for (uint64_t j = 0; j < 2; j++) {
				uint64_t pfn = 262144 + b * 512 + off + j;
				struct fs_page_info pi;
				cr_assert(fs_engine_page(e, pfn, &pi));
				cr_assert_eq(pi.kind, FS_PAGE_KERNEL, "%s pfn %" PRIu64, release, pfn);
				struct fs_free_result fr;
				memset(&fr, 0, sizeof(fr));
				cr_assert(fs_engine_free_page(e, pfn, &fr), "%s", fr.reason);
			}
	cr_assert_lt(min + 80 - 1, low + 1, "%s: free %" PRIu64 " passes low %" PRIu64, release,
		     min + 80, low);
	*flagged = 0;
	unsigned ok_count = 0;
	for (int i = 0; i < 40; i++) {
		struct fs_alloc_result r;
		fs_alloc_result_init(&r);
		if (te_alloc(e, g, 1, -1, &r)) {
			ok_count++;
			*flagged += r.highatomic_reserved;
		}
		fs_alloc_result_clear(&r);
	}
	te_verify(e, "after atomic allocations");
	s = fs_engine_snapshot(e);
	z = snap_zone(s, "Normal");
	uint64_t blocks = z->pageblocks[FS_MT_HIGHATOMIC];
	cr_assert_eq(z->reserved_highatomic, blocks * 512, "%s: reserved %" PRIu64 " for %" PRIu64
		     " blocks", release, z->reserved_highatomic, blocks);
	fs_snapshot_free(s);
	struct fs_engine_stats st;
	fs_engine_stats(e, &st);
	cr_assert_eq(st.highatomic_reserves, blocks);
	if (strcmp(mask, "GFP_KERNEL") != 0)
		cr_assert_eq(ok_count, 40, "%s %s: only %u of 40 succeeded", release, mask,
			     ok_count);
	fs_engine_free(e);
	return blocks;
}

/*
 * kernel-rules §6.5, zone of 131072 managed pages: managed/100 = 1310.
 * 4.19 - 6.6: cap = 1310 + 512 = 1822; reserving goes on while the reserve is
 *   below it: 0, 512, 1024, 1536 < 1822 -> 4 blocks (2048 pages).
 * 6.8+ (6.12, 6.18): cap = 1310 aligned up to 512 = 1536: 0, 512, 1024 -> 3 blocks.
 * Zone of 32768 pages on 6.12: 327 < 512 -> never reserve.
 * 6.18: GFP_NOWAIT (no __GFP_HIGH) has no ALLOC_HIGHATOMIC -> never; 6.6 (6.3+
 * scheme) gives it ALLOC_HIGHATOMIC for order > 0 -> 4 blocks.
 * Watermarks (§5.4): 131072 pages: int_sqrt(524288 kB * 16) = 2896 kB -> min 724,
 * step max(181, 131) = 181, low 905; 32768 pages: int_sqrt(131072 * 16) = 1448 kB
 * -> min 362, step max(90, 32) = 90, low 452.
 */
Test(engine_ops, highatomic_reserve_grows_to_the_cap)
{
	unsigned f;
	cr_expect_eq(atomic_reserves("4.19.176", 131072, "GFP_ATOMIC", &f), 4);
	cr_expect_eq(f, 4);
	cr_expect_eq(atomic_reserves("6.6.30", 131072, "GFP_ATOMIC", &f), 4);
	cr_expect_eq(f, 4);
	cr_expect_eq(atomic_reserves("6.12.10", 131072, "GFP_ATOMIC", &f), 3);
	cr_expect_eq(f, 3);
	cr_expect_eq(atomic_reserves("6.18.2", 131072, "GFP_ATOMIC", &f), 3);
	cr_expect_eq(atomic_reserves("6.12.10", 32768, "GFP_ATOMIC", &f), 0);
	cr_expect_eq(f, 0);
	cr_expect_eq(atomic_reserves("6.18.2", 131072, "GFP_NOWAIT", &f), 0);
	cr_expect_eq(atomic_reserves("6.6.30", 131072, "GFP_NOWAIT", &f), 4);
	/* GFP_KERNEL can block: never a reserve */
	cr_expect_eq(atomic_reserves("6.6.30", 131072, "GFP_KERNEL", &f), 0);
}

/* ---- clone ---- */

Test(engine_ops, clone_is_independent)
{
	struct fs_engine *e = one_zone("6.6.30", 262144, 65536, 0, 0);
	struct fs_alloc_result r;
	fs_alloc_result_init(&r);
	cr_assert(te_alloc(e, te_parse(e, "GFP_KERNEL"), 4, -1, &r));
	struct fs_engine *c = fs_engine_clone(e);
	struct fs_free_result fr;
	memset(&fr, 0, sizeof(fr));
	cr_assert(fs_engine_free_page(c, r.pfn, &fr));
	struct fs_page_info pi;
	cr_assert(fs_engine_page(e, r.pfn, &pi));
	cr_assert_eq(pi.kind, FS_PAGE_KERNEL, "freeing in the clone freed in the original");
	cr_assert(fs_engine_page(c, r.pfn, &pi));
	cr_assert_eq(pi.kind, FS_PAGE_FREE);
	te_verify(e, "original");
	te_verify(c, "clone");
	cr_assert_eq(fs_engine_memory(c), fs_engine_memory(e));
	fs_alloc_result_clear(&r);
	fs_engine_free(c);
	fs_engine_free(e);
}

/*
 * Reproducer of a highatomic corner: an order-10 GFP_ATOMIC allocation (two
 * pageblocks) served on the slow path reserves its pageblock(s) as HighAtomic
 * (<= 6.9: the first pageblock only; 6.10+: every covered one, kernel-rules
 * §6.5); freeing it must leave the buddy invariants whole (the engine keeps
 * every free block on its pageblocks' type, engine.h).
 * Zone 65536 pages: min 512, low 640 (see watermarks_one_zone). Filled with
 * order-0 GFP_KERNEL to free = min = 512; the first two pageblocks' 1024 pages
 * freed again merge into one order-10 block: free = 1536. Order 10: fast path
 * 1536 - 1023 = 513 <= low 640 fails; slow path min 512 -> 256 (HIGH) -> 192
 * (HARDER / NON_BLOCK): 513 > 192 passes, and the order-10 block is the one.
 */
static void highatomic_order10(const char *release)
{
	struct fs_engine *e = one_zone(release, 262144, 65536, 0, 0);
	uint64_t k = te_parse(e, "GFP_KERNEL"), a = te_parse(e, "GFP_ATOMIC|__GFP_COMP");
	for (int i = 0; i < 65536; i++) {
		struct fs_alloc_result r;
		fs_alloc_result_init(&r);
		bool ok = te_alloc(e, k, 0, -1, &r);
		fs_alloc_result_clear(&r);
		if (!ok)
			break;
	}
	for (uint64_t p = 262144; p < 262144 + 1024; p++) {
		struct fs_free_result fr;
		memset(&fr, 0, sizeof(fr));
		cr_assert(fs_engine_free_page(e, p, &fr), "%s pfn %" PRIu64 ": %s", release, p,
			  fr.reason);
	}
	te_verify(e, "two pageblocks freed");
	struct fs_alloc_result r;
	fs_alloc_result_init(&r);
	cr_assert(te_alloc(e, a, 10, -1, &r), "%s: order-10 GFP_ATOMIC failed: %s", release,
		  r.reason);
	cr_assert_eq(r.pfn, 262144);
	cr_assert_eq(r.path, FS_ENGINE_PATH_SLOW, "%s: path %s", release,
		     fs_engine_path_name(r.path));
	cr_assert(r.highatomic_reserved, "%s: no highatomic reserve", release);
	te_verify(e, "order-10 atomic allocated");
	struct fs_free_result fr;
	memset(&fr, 0, sizeof(fr));
	cr_assert(fs_engine_free_page(e, r.pfn, &fr));
	char ctx[64];
	snprintf(ctx, sizeof(ctx), "%s: order-10 highatomic freed", release);
	te_verify(e, ctx);
	fs_alloc_result_clear(&r);
	fs_engine_free(e);
}

Test(engine_ops, highatomic_order10_free_keeps_invariants)
{
	highatomic_order10("6.12.10");
	highatomic_order10("6.6.30");
	highatomic_order10("5.15.100");
}

/*
 * Merging across a HighAtomic pageblock at pageblock order (__free_one_page):
 * 4.19 - 5.17 stop only at Isolate, so a free HighAtomic pageblock and its free
 * Unmovable buddy pageblock become one order-10 block; 5.18+ (1dd214b8f21c)
 * refuses: two order-9 blocks. Zone 65536 pages (min 512, low 640): filled with
 * order-0 GFP_KERNEL to free = min; 4 order-1 holes in pageblock 0 (free 520,
 * below low) make the next order-1 GFP_ATOMIC a slow-path success that reserves
 * pageblock 0 (pfn 262144-262655) as HighAtomic; then every page of pageblocks
 * 0 and 1 is freed.
 */
static int merge_across_highatomic(const char *release)
{
	struct fs_engine *e = one_zone(release, 262144, 65536, 0, 0);
	uint64_t k = te_parse(e, "GFP_KERNEL"), a = te_parse(e, "GFP_ATOMIC");
	for (int i = 0; i < 65536; i++) {
		struct fs_alloc_result r;
		fs_alloc_result_init(&r);
		bool ok = te_alloc(e, k, 0, -1, &r);
		fs_alloc_result_clear(&r);
		if (!ok)
			break;
	}
	for (uint64_t off = 0; off < 32; off += 8)
		for (uint64_t j = 0; j < 2; j++) {
			struct fs_free_result fr;
			memset(&fr, 0, sizeof(fr));
			cr_assert(fs_engine_free_page(e, 262144 + off + j, &fr), "%s", fr.reason);
		}
	struct fs_alloc_result r;
	fs_alloc_result_init(&r);
	cr_assert(te_alloc(e, a, 1, -1, &r), "%s: %s", release, r.reason);
	cr_assert(r.highatomic_reserved, "%s: pageblock 0 not reserved (%s)", release, r.reason);
	fs_alloc_result_clear(&r);
	struct fs_page_info pi;
	cr_assert(fs_engine_page(e, 262144, &pi));
	cr_assert_eq(pi.pageblock_mt, FS_MT_HIGHATOMIC);
	cr_assert(fs_engine_page(e, 262144 + 512, &pi));
	cr_assert_eq(pi.pageblock_mt, FS_MT_UNMOVABLE);
	for (uint64_t p = 262144; p < 262144 + 1024; p++) {
		cr_assert(fs_engine_page(e, p, &pi));
		if (!te_is_allocated(pi.kind))
			continue;
		struct fs_free_result fr;
		memset(&fr, 0, sizeof(fr));
		cr_assert(fs_engine_free_page(e, p, &fr), "%s", fr.reason);
	}
	char ctx[64];
	snprintf(ctx, sizeof(ctx), "%s: pageblocks 0 and 1 freed", release);
	te_verify(e, ctx);
	cr_assert(fs_engine_page(e, 262144, &pi));
	cr_assert_eq(pi.kind, FS_PAGE_FREE);
	fs_engine_free(e);
	return pi.order;
}

/* 5.18+ (1dd214b8f21c "avoid merging non-fallbackable pageblocks with others")
 * never merges a HighAtomic pageblock with a buddy of another type. 4.19-5.17
 * refused only Isolate and would give one order-10 block here; the engine keeps
 * a free block's pageblocks of one type and applies the 5.18 rule in every
 * version (docs/engine.md, "Where the engine is simpler than the kernel"). */
Test(engine_ops, merge_never_across_highatomic)
{
	cr_expect_eq(merge_across_highatomic("6.1.50"), 9, "6.1 merged HighAtomic with Unmovable");
	cr_expect_eq(merge_across_highatomic("6.18.2"), 9);
	cr_expect_eq(merge_across_highatomic("5.15.100"), 9, "the engine's 5.18 rule in 5.15");
	cr_expect_eq(merge_across_highatomic("4.19.176"), 9, "the engine's 5.18 rule in 4.19");
}
