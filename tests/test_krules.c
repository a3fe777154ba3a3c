/*
 * Tests of krules: the watermark check, zone_watermark_fast, the free-list
 * pick, fallbacks and compaction suitability, per kernel version.
 *
 * The profiles here are built by hand with only the fields krules reads, so
 * that each case is checked against kernel-rules.md and not against another
 * table. Every number is worked out in the comment above its assertion.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/klog.h"
#include "fragscope/krules.h"
#include "procfs_testutil.h"

/* ---- hand-made profiles ---- */

static bool at_least(int major, int minor, int m, int n)
{
	return major > m || (major == m && minor >= n);
}

static struct fs_kprofile prof(const char *name, int major, int minor,
			       enum fs_reserve_scheme scheme, enum fs_order0_shortcut shortcut)
{
	struct fs_kprofile p;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.major = major;
	p.minor = minor;
	p.reserve_scheme = scheme;
	p.order0_shortcut = shortcut;
	p.classzone_rule = at_least(major, minor, 5, 8) ? FS_CLASSZONE_HIGHEST
							: FS_CLASSZONE_PREFERRED;
	p.highatomic_counts_free = at_least(major, minor, 6, 10);
	p.highatomic_needs_high = at_least(major, minor, 6, 18);
	p.has_nofragment = p.has_boost = at_least(major, minor, 5, 0);
	p.cma_prefer_half = at_least(major, minor, 5, 8);
	p.compaction_needs_fs = !at_least(major, minor, 4, 8);
	p.oom_victim_alloc_oom = at_least(major, minor, 4, 15);
	p.default_nr_orders = 11;
	p.costly_order = 3;
	p.pcp_max_order = at_least(major, minor, 5, 13) ? 3 : 0;
	/* ___GFP_ATOMIC: 0x80000 in layouts A/B (4.4, 4.19), 0x200 in 5.x-6.2, gone in 6.3 */
	p.gfp_bit[FS_GFP_ATOMIC] = !at_least(major, minor, 5, 0) ? 0x80000
				   : !at_least(major, minor, 6, 3) ? 0x200 : 0;
	/* the allocator-rule facts, by the ranges kprofile.h documents */
	p.harder_any_list = !at_least(major, minor, 4, 15);
	p.fallback_find_smallest = at_least(major, minor, 4, 13);
	p.cma_needs_alloc_cma = at_least(major, minor, 5, 10);
	p.nofragment_below_pageblock = at_least(major, minor, 6, 1);
	p.fallback_returns_page = at_least(major, minor, 6, 10);
	p.fallback_claim_steal = at_least(major, minor, 6, 15);
	p.pcp_falls_through = at_least(major, minor, 6, 0);
	p.pcp_cma_bypass = at_least(major, minor, 5, 10) && !at_least(major, minor, 6, 4);
	p.compaction_suitable_4_4 = !at_least(major, minor, 4, 9);
	p.compaction_async_cma_check = at_least(major, minor, 6, 14);
	p.compaction_async_alloc_wmark = at_least(major, minor, 6, 15);
	/* mainline 6.3-6.11 ALLOC_OOM only; 6.6.y and the stable backports
	 * (5.15-late, 6.1-late) and 6.12+ also ALLOC_NON_BLOCK */
	if (scheme != FS_RESERVE_MIN_NONBLOCK)
		p.highatomic_last_resort = FS_LAST_RESORT_NONE;
	else if (at_least(major, minor, 6, 3) && !at_least(major, minor, 6, 12) &&
		 !(major == 6 && minor == 6))
		p.highatomic_last_resort = FS_LAST_RESORT_OOM;
	else
		p.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK;
	return p;
}

#define HH FS_RESERVE_HIGH_HARDER
#define MN FS_RESERVE_MIN_NONBLOCK
static struct fs_kprofile P44, P49, P414, P419, P54, P510, P515, P61E, P61L, P66, P68, P612, P618;

static void profiles(void)
{
	P44 = prof("4.4", 4, 4, HH, FS_ORDER0_NONE);
	P49 = prof("4.9", 4, 9, HH, FS_ORDER0_CMA_ONLY);
	P49.compaction_needs_fs = true;         /* __GFP_FS required until 4.11 */
	P414 = prof("4.14", 4, 14, HH, FS_ORDER0_CMA_ONLY);
	P419 = prof("4.19", 4, 19, HH, FS_ORDER0_CMA_ONLY);
	P54 = prof("5.4", 5, 4, HH, FS_ORDER0_CMA_ONLY);
	P510 = prof("5.10", 5, 10, HH, FS_ORDER0_UNUSABLE);
	P515 = prof("5.15", 5, 15, HH, FS_ORDER0_UNUSABLE_CLAMPED);
	P61E = prof("6.1-early", 6, 1, HH, FS_ORDER0_UNUSABLE_CLAMPED);
	P61L = prof("6.1-late", 6, 1, MN, FS_ORDER0_UNUSABLE_CLAMPED);
	P66 = prof("6.6", 6, 6, MN, FS_ORDER0_UNUSABLE_CLAMPED);
	P68 = prof("6.8", 6, 8, MN, FS_ORDER0_UNUSABLE_CLAMPED);
	P612 = prof("6.12", 6, 12, MN, FS_ORDER0_UNUSABLE_CLAMPED);
	P618 = prof("6.18", 6, 18, MN, FS_ORDER0_UNUSABLE_CLAMPED);
}

TestSuite(krules, .init = profiles);

/* GFP_ATOMIC|__GFP_COMP as 4.19 prints it, and GFP_ATOMIC of 5.x and 6.6 */
#define GFP_ATOMIC_COMP_419 0x484020
#define GFP_ATOMIC_5X 0xa20
#define GFP_ATOMIC_66 0x820

/* ---- hand-made zones ---- */

/* A zone with every list known and empty; x86_64 numbers (11 orders,
 * pageblock order 9, 5 zone types). */
static void zone_init(struct fs_rules_zone *z, int64_t free, int64_t min, int64_t low,
		      int64_t high)
{
	memset(z, 0, sizeof(*z));
	strcpy(z->name, "Normal");
	z->rank = 2;
	z->managed = 1000000;
	z->free_pages = free;
	z->wmark[FS_WMARK_MIN] = min;
	z->wmark[FS_WMARK_LOW] = low;
	z->wmark[FS_WMARK_HIGH] = high;
	z->nr_lowmem_reserve = 5;
	z->nr_orders = 11;
	z->pageblock_order = 9;
	z->per_type_known = true;
	for (int o = 0; o < 11; o++) {
		z->nr_free[o] = fs_count_exact(0);
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			z->blocks[o][mt] = fs_count_exact(0);
	}
}

static void put(struct fs_rules_zone *z, int o, enum fs_mt mt, uint64_t n)
{
	z->blocks[o][mt] = fs_count_exact(n);
	uint64_t sum = 0;
	for (int t = 0; t < FS_MT_COUNT; t++)
		sum += z->blocks[o][t].value;
	z->nr_free[o] = fs_count_exact(sum);
}

static void reserve(struct fs_rules_zone *z, int64_t reserved, int64_t free_ha)
{
	z->highatomic_reserved = z->highatomic_reserved_min = reserved;
	z->highatomic_free = z->highatomic_free_min = free_ha;
}

/* ======================================================================== */
/* The Android 4.19 report: order 3 GFP_ATOMIC on DMA32, 89% of free is CMA */

struct android {
	struct fs_report_list list;
	struct fs_diags diags;
	struct fs_rules_zone z;
};

static void android_load(struct android *a)
{
	size_t len;
	char *text = fx_read("samples/android-4.19-arm64-wifi-order3-atomic-cma.log", &len);

	memset(a, 0, sizeof(*a));
	cr_assert_eq(fs_parse_kernel_log(text, len, "android", &a->list, &a->diags), 1);
	free(text);
	struct fs_snapshot *s = a->list.items[0].snapshot;
	cr_assert_not_null(s);
	struct fs_zone *dma32 = fs_snapshot_zone(s, 0, "DMA32", 5, false);
	cr_assert_not_null(dma32);
	fs_rules_zone_from_snapshot(&P419, s, dma32, &a->z);
}

static void android_free(struct android *a)
{
	fs_report_list_free(&a->list);
	fs_diags_clear(&a->diags);
}

Test(krules, android_zone_from_the_report)
{
	struct android a;
	android_load(&a);
	const struct fs_rules_zone *z = &a.z;

	/* "DMA32 free:362116kB min:4556kB low:29180kB high:30484kB ... free_cma:321800kB"
	 * in 4 KiB pages: 362116/4 = 90529, 4556/4 = 1139, 29180/4 = 7295,
	 * 30484/4 = 7621, 321800/4 = 80450 */
	cr_assert_eq(z->free_pages, 90529);
	cr_assert_eq(z->wmark[FS_WMARK_MIN], 1139);
	cr_assert_eq(z->wmark[FS_WMARK_LOW], 7295);
	cr_assert_eq(z->wmark[FS_WMARK_HIGH], 7621);
	cr_assert_eq(z->free_cma, 80450);
	cr_assert_eq(z->boost, 0, "4.19 has no watermark boost");
	/* "lowmem_reserve[]: 0 0 0" */
	cr_assert_eq(z->nr_lowmem_reserve, 3);
	cr_assert_eq(z->lowmem_reserve[0], 0);
	cr_assert_eq(z->nr_orders, 11);
	cr_assert(z->per_type_known);
	/* 4.19 prints no nr_reserved_highatomic. H letters at 4kB, 8kB, 16kB and
	 * 64kB: at least 1 + 2 + 4 + 16 = 23 free HighAtomic pages, a lower bound
	 * of the reserve too (the pageblock size is not printed, so no more). */
	cr_assert_eq(z->highatomic_reserved, -1);
	cr_assert_eq(z->highatomic_reserved_min, 23);
	cr_assert_eq(z->highatomic_free, -1);
	cr_assert_eq(z->highatomic_free_min, 23);
	cr_assert(z->pageblock_order_guessed);
	/* "47*32kB (UC)": order 3 has Unmovable and CMA, no Movable, no HighAtomic */
	cr_assert_eq(fs_rules_list(z, 3, FS_MT_UNMOVABLE), FS_LIST_NONEMPTY);
	cr_assert_eq(fs_rules_list(z, 3, FS_MT_CMA), FS_LIST_NONEMPTY);
	cr_assert_eq(fs_rules_list(z, 3, FS_MT_MOVABLE), FS_LIST_EMPTY);
	cr_assert_eq(fs_rules_list(z, 3, FS_MT_HIGHATOMIC), FS_LIST_EMPTY);
	/* "176*64kB (UMECH)" and "1*256kB (C)" */
	cr_assert_eq(fs_rules_list(z, 4, FS_MT_HIGHATOMIC), FS_LIST_NONEMPTY);
	cr_assert_eq(fs_rules_list(z, 6, FS_MT_UNMOVABLE), FS_LIST_EMPTY);
	cr_assert_eq(fs_rules_list(z, 10, FS_MT_CMA), FS_LIST_NONEMPTY);
	android_free(&a);
}

/*
 * What 4.19 decides on the printed state. GFP_ATOMIC is Unmovable, so no
 * ALLOC_CMA: the 80450 free CMA pages do not count.
 * Fast path (WMARK_LOW, no HIGH/HARDER), order 3, no order-0 shortcut:
 *   free 90529 - (2^3 - 1) 7 - highatomic reserve (>= 23) - CMA 80450 = 10049
 *   10049 > low 7295 + lowmem_reserve 0: margin 2754, unless the reserve is
 *   >= 23 + 2754 = 2777 pages (6 pageblocks; its cap is 1% + 1 pageblock)
 *   orders >= 3: "47*32kB (UC)": the Unmovable list is non-empty -> passes.
 * So the printed state would have let the request through on the fast path,
 * taking an order-3 Unmovable block; the report's state does not explain the
 * failure (it changed between the failure and the print).
 */
Test(krules, android_419_fast_path)
{
	struct android a;
	struct fs_wmark_result r;
	struct fs_pick pick;
	android_load(&a);

	cr_assert(fs_zone_watermark_fast(&P419, &a.z, 3, FS_WMARK_LOW, 0, 0,
					 GFP_ATOMIC_COMP_419, &r));
	cr_assert_not(r.shortcut, "no shortcut above order 0");
	cr_assert_eq(r.mark, 7295);
	cr_assert_eq(r.min_after, 7295);
	cr_assert_str_eq(r.reductions, "none");
	cr_assert_eq(r.minus_order, 7);
	cr_assert_eq(r.minus_highatomic, 23);
	cr_assert_eq(r.minus_cma, 80450);
	cr_assert_eq(r.usable, 10049);
	cr_assert_eq(r.margin, 2754);
	cr_assert(r.order0_ok);
	cr_assert(r.order0_uncertain, "passes only if the reserve is below 2777 pages");
	cr_assert_not_null(strstr(r.assumed, "fails if >= 2777"), "%s", r.assumed);
	cr_assert_eq(r.found_order, 3);
	cr_assert_eq(r.found_mt, FS_MT_UNMOVABLE);
	cr_assert_not(r.found_uncertain);
	cr_assert(r.ok);

	cr_assert(fs_freelist_pick(&P419, &a.z, 3, FS_MT_UNMOVABLE, 0, &pick));
	cr_assert_eq(pick.how, FS_PICK_OWN);
	cr_assert_eq(pick.order, 3);
	cr_assert_eq(pick.mt, FS_MT_UNMOVABLE);
	cr_assert_not(pick.uncertain);
	android_free(&a);
}

/*
 * Slow path (WMARK_MIN, ALLOC_HIGH from __GFP_HIGH, ALLOC_HARDER from
 * __GFP_ATOMIC): min 1139 - 1139/2 (569) = 570, - 570/4 (142) = 428;
 * HARDER is entitled to the reserve, nothing subtracted for it:
 *   90529 - 7 - 80450 = 10072 > 428: margin 9644; order 3 Unmovable -> ok.
 * rmqueue tries HighAtomic first (ALLOC_HARDER, order > 0): none at order 3
 * ("UC"), one at order 4 ("176*64kB (UMECH)") -> an order-4 HighAtomic block.
 */
Test(krules, android_419_slow_path)
{
	struct android a;
	struct fs_wmark_result r;
	struct fs_pick pick;
	unsigned slow = FS_ALLOC_HIGH | FS_ALLOC_HARDER;
	android_load(&a);

	cr_assert(fs_zone_watermark_fast(&P419, &a.z, 3, FS_WMARK_MIN, 0, slow,
					 GFP_ATOMIC_COMP_419, &r));
	cr_assert_eq(r.mark, 1139);
	cr_assert_eq(r.min_after, 428);
	cr_assert_str_eq(r.reductions, "-569 (min/2, ALLOC_HIGH), -142 (min/4, ALLOC_HARDER)");
	cr_assert_eq(r.minus_highatomic, 0);
	cr_assert_eq(r.usable, 10072);
	cr_assert_eq(r.margin, 9644);
	cr_assert_not(r.order0_uncertain);
	cr_assert_eq(r.found_order, 3);
	cr_assert_eq(r.found_mt, FS_MT_UNMOVABLE);

	cr_assert(fs_freelist_pick(&P419, &a.z, 3, FS_MT_UNMOVABLE, slow, &pick));
	cr_assert_eq(pick.how, FS_PICK_HIGHATOMIC);
	cr_assert_eq(pick.order, 4);
	cr_assert_eq(pick.mt, FS_MT_HIGHATOMIC);
	android_free(&a);
}

/* The same zone without the non-CMA blocks of orders 3-5: what the request
 * would have faced had the Unmovable order-3 blocks been gone. */
Test(krules, android_without_the_order3_unmovable_block)
{
	struct android a;
	struct fs_wmark_result r;
	android_load(&a);
	/* orders 3, 4, 5 lose their U/M/E/H letters: only "C" left from order 3 up */
	for (int o = 3; o <= 5; o++)
		for (int mt = FS_MT_UNMOVABLE; mt <= FS_MT_HIGHATOMIC; mt++)
			a.z.blocks[o][mt].kind = FS_COUNT_EMPTY_KNOWN;
	/* fast path: the order-0 part still passes (10049 > 7295), no list -> fails */
	cr_assert_not(fs_zone_watermark_fast(&P419, &a.z, 3, FS_WMARK_LOW, 0, 0,
					     GFP_ATOMIC_COMP_419, &r));
	cr_assert(r.order0_ok);
	cr_assert_eq(r.found_order, -1);
	/* with ALLOC_CMA (a movable request) the CMA list at order 3 would do */
	cr_assert(fs_zone_watermark_ok(&P419, &a.z, 3, FS_WMARK_LOW, 0, FS_ALLOC_CMA, &r));
	cr_assert_eq(r.found_mt, FS_MT_CMA);
	cr_assert_eq(r.usable, 90529 - 7 - 23, "CMA counts with ALLOC_CMA");
	android_free(&a);
}

/* ======================================================================== */
/* Reserve schemes: min reductions and the highatomic subtraction          */

/* free 5000, min 4000, reserve 2 pageblocks = 1024 pages of which 300 free */
static void reserve_zone(struct fs_rules_zone *z)
{
	zone_init(z, 5000, 4000, 5000, 6000);
	reserve(z, 1024, 300);
	put(z, 0, FS_MT_UNMOVABLE, 5000);
}

Test(krules, reductions_4_4)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	reserve_zone(&z);

	/* HIGH|HARDER: 4000 - 2000 = 2000, - 500 = 1500; HARDER keeps the
	 * reserve: 5000 - 1500 = 3500 */
	cr_assert(fs_zone_watermark_ok(&P44, &z, 0, FS_WMARK_MIN, 2,
				       FS_ALLOC_HIGH | FS_ALLOC_HARDER, &r));
	cr_assert_eq(r.min_after, 1500);
	cr_assert_eq(r.minus_highatomic, 0);
	cr_assert_eq(r.margin, 3500);
	/* HIGH only (GFP_ATOMIC|__GFP_NOMEMALLOC): 2000; 5000 - 1024 = 3976: 1976 */
	cr_assert(fs_zone_watermark_ok(&P44, &z, 0, FS_WMARK_MIN, 2, FS_ALLOC_HIGH, &r));
	cr_assert_eq(r.min_after, 2000);
	cr_assert_eq(r.minus_highatomic, 1024);
	cr_assert_eq(r.margin, 1976);
	/* 4.4 has no ALLOC_OOM: the flag is ignored, 3976 <= 4000 */
	cr_assert_not(fs_zone_watermark_ok(&P44, &z, 0, FS_WMARK_MIN, 2, FS_ALLOC_OOM, &r));
	cr_assert_str_eq(r.reductions, "none");
	cr_assert_eq(r.margin, -24);
}

Test(krules, reductions_4_19_oom)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	reserve_zone(&z);

	/* OOM victim: the reserve flags replace the rest: ALLOC_OOM alone:
	 * 4000 - 2000 = 2000, entitled: 5000 - 2000 = 3000 */
	cr_assert(fs_zone_watermark_ok(&P419, &z, 0, FS_WMARK_MIN, 2, FS_ALLOC_OOM, &r));
	cr_assert_eq(r.min_after, 2000);
	cr_assert_str_eq(r.reductions, "-2000 (min/2, ALLOC_OOM)");
	cr_assert_eq(r.minus_highatomic, 0);
	cr_assert_eq(r.margin, 3000);
	/* HIGH|OOM: 4000 -> 2000 -> 1000 (OOM instead of HARDER's quarter) */
	cr_assert(fs_zone_watermark_ok(&P419, &z, 0, FS_WMARK_MIN, 2,
				       FS_ALLOC_HIGH | FS_ALLOC_OOM | FS_ALLOC_HARDER, &r));
	cr_assert_eq(r.min_after, 1000);
	cr_assert_eq(r.margin, 4000);
}

Test(krules, reductions_6_3_scheme)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	reserve_zone(&z);

	/* GFP_ATOMIC: MIN_RESERVE|NON_BLOCK: 4000 -> 2000 -> 1500: 3500 */
	cr_assert(fs_zone_watermark_ok(&P66, &z, 0, FS_WMARK_MIN, 2,
				       FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK, &r));
	cr_assert_eq(r.min_after, 1500);
	cr_assert_str_eq(r.reductions,
			 "-2000 (min/2, ALLOC_MIN_RESERVE), -500 (min/4, ALLOC_NON_BLOCK)");
	cr_assert_eq(r.margin, 3500);
	/* NON_BLOCK without MIN_RESERVE (GFP_NOWAIT): no reduction, but NON_BLOCK
	 * is one of ALLOC_RESERVES: the reserve is not subtracted: 5000 > 4000 */
	cr_assert(fs_zone_watermark_ok(&P66, &z, 0, FS_WMARK_MIN, 2, FS_ALLOC_NON_BLOCK, &r));
	cr_assert_str_eq(r.reductions, "none");
	cr_assert_eq(r.minus_highatomic, 0);
	cr_assert_eq(r.margin, 1000);
	/* NON_BLOCK|OOM: only OOM reduces (NON_BLOCK acts under MIN_RESERVE):
	 * 4000 -> 2000 */
	cr_assert(fs_zone_watermark_ok(&P66, &z, 0, FS_WMARK_MIN, 2,
				       FS_ALLOC_NON_BLOCK | FS_ALLOC_OOM, &r));
	cr_assert_eq(r.min_after, 2000);
	/* the 6.2 flag names mean nothing to 6.3+ */
	cr_assert_not(fs_zone_watermark_ok(&P66, &z, 0, FS_WMARK_MIN, 2,
					   FS_ALLOC_HIGH | FS_ALLOC_HARDER, &r));
	cr_assert_eq(r.min_after, 4000);
}

Test(krules, reductions_integer_division)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	zone_init(&z, 90529, 1139, 7295, 7621);

	/* 1139 - 569 = 570; 570 - 142 = 428; 428 - 214 = 214 */
	fs_zone_watermark_ok(&P612, &z, 0, FS_WMARK_MIN, 1,
			     FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK | FS_ALLOC_OOM, &r);
	cr_assert_eq(r.min_after, 214);
	cr_assert_str_eq(r.reductions, "-569 (min/2, ALLOC_MIN_RESERVE), -142 (min/4, "
			 "ALLOC_NON_BLOCK), -214 (min/2, ALLOC_OOM)");
}

/* GFP_NOWAIT: 6.2 subtracts the reserve, 6.3+ does not (NON_BLOCK) */
Test(krules, nowait_6_2_against_6_3)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	reserve_zone(&z);

	/* 6.1 early (6.2 rules): GFP_NOWAIT earns no flag: 5000 - 1024 = 3976
	 * <= 4000, 24 pages short */
	cr_assert_not(fs_zone_watermark_ok(&P61E, &z, 0, FS_WMARK_MIN, 2, 0, &r));
	cr_assert_eq(r.minus_highatomic, 1024);
	cr_assert_eq(r.margin, -24);
	/* 6.1 late (6.3 rules backported): NON_BLOCK: 5000 > 4000 */
	cr_assert(fs_zone_watermark_ok(&P61L, &z, 0, FS_WMARK_MIN, 2, FS_ALLOC_NON_BLOCK, &r));
	cr_assert_eq(r.margin, 1000);
}

/* 6.10+ subtracts the free HighAtomic pages, not the reserved blocks */
Test(krules, highatomic_free_6_10)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	reserve_zone(&z);

	/* GFP_KERNEL (no reserve flags), order 0, min: 6.6: 5000 - 1024 = 3976
	 * <= 4000; 6.12: 5000 - 300 = 4700 > 4000, margin 700 */
	cr_assert_not(fs_zone_watermark_ok(&P66, &z, 0, FS_WMARK_MIN, 2, 0, &r));
	cr_assert_eq(r.minus_highatomic, 1024);
	cr_assert(fs_zone_watermark_ok(&P612, &z, 0, FS_WMARK_MIN, 2, 0, &r));
	cr_assert_eq(r.minus_highatomic, 300);
	cr_assert_eq(r.margin, 700);
}

/* ======================================================================== */
/* The per-order test: who may count the HighAtomic and CMA lists          */

/* plenty free, but from order 3 up only 2 HighAtomic blocks at order 3 and
 * 10 CMA blocks at order 5 */
static void high_order_zone(struct fs_rules_zone *z)
{
	zone_init(z, 100000, 1000, 1250, 1500);
	reserve(z, 512, 16);
	z->free_cma = 320;
	put(z, 0, FS_MT_UNMOVABLE, 99664);
	put(z, 3, FS_MT_HIGHATOMIC, 2);
	put(z, 5, FS_MT_CMA, 10);
}

Test(krules, highatomic_lists_6_2_and_6_3)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	high_order_zone(&z);

	/* order-0 part for GFP_ATOMIC on 6.2: 100000 - 7 - 320 (CMA) = 99673 >
	 * 1000 - 500 - 125 = 375; HARDER may take the HighAtomic order-3 list */
	cr_assert(fs_zone_watermark_ok(&P61E, &z, 3, FS_WMARK_MIN, 2,
				       FS_ALLOC_HIGH | FS_ALLOC_HARDER, &r));
	cr_assert_eq(r.usable, 99673);
	cr_assert_eq(r.min_after, 375);
	cr_assert_eq(r.found_order, 3);
	cr_assert_eq(r.found_mt, FS_MT_HIGHATOMIC);
	/* GFP_NOWAIT on 6.2: no flag: HighAtomic not allowed, CMA neither */
	cr_assert_not(fs_zone_watermark_ok(&P61E, &z, 3, FS_WMARK_MIN, 2, 0, &r));
	cr_assert(r.order0_ok);
	cr_assert_eq(r.found_order, -1);
	/* 6.6 GFP_ATOMIC order 3: MIN_RESERVE|NON_BLOCK|HIGHATOMIC */
	cr_assert(fs_zone_watermark_ok(&P66, &z, 3, FS_WMARK_MIN, 2,
				       FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK |
				       FS_ALLOC_HIGHATOMIC, &r));
	cr_assert_eq(r.found_mt, FS_MT_HIGHATOMIC);
	/* 6.6 GFP_NOWAIT order 3: NON_BLOCK|HIGHATOMIC (6.3-6.13): allowed */
	cr_assert(fs_zone_watermark_ok(&P66, &z, 3, FS_WMARK_MIN, 2,
				       FS_ALLOC_NON_BLOCK | FS_ALLOC_HIGHATOMIC, &r));
	cr_assert_eq(r.found_mt, FS_MT_HIGHATOMIC);
	/* 6.18 GFP_NOWAIT: HIGHATOMIC needs __GFP_HIGH, NON_BLOCK alone passes
	 * the order-0 part (reserve not subtracted) but not the lists */
	cr_assert_not(fs_zone_watermark_ok(&P618, &z, 3, FS_WMARK_MIN, 2,
					   FS_ALLOC_NON_BLOCK, &r));
	cr_assert(r.order0_ok);
	cr_assert_eq(r.minus_highatomic, 0);
	cr_assert_eq(r.found_order, -1);
	/* an OOM victim may take HighAtomic in every version since 4.15 */
	cr_assert(fs_zone_watermark_ok(&P419, &z, 3, FS_WMARK_MIN, 2, FS_ALLOC_OOM, &r));
	cr_assert_eq(r.found_mt, FS_MT_HIGHATOMIC);
}

Test(krules, harder_any_list_before_4_15)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	high_order_zone(&z);
	put(&z, 3, FS_MT_HIGHATOMIC, 0);        /* from order 3 up: CMA only */

	/* 4.4 with ALLOC_HARDER returns true on the first order with any free
	 * block: the CMA blocks at order 5, though no ALLOC_CMA */
	cr_assert(fs_zone_watermark_ok(&P44, &z, 3, FS_WMARK_MIN, 2, FS_ALLOC_HARDER, &r));
	cr_assert_eq(r.found_order, 5);
	cr_assert_eq(r.found_mt, FS_MT_CMA);
	cr_assert(fs_zone_watermark_ok(&P414, &z, 3, FS_WMARK_MIN, 2, FS_ALLOC_HARDER, &r),
		  "fixed only in 4.15");
	/* 4.19 checks the lists: CMA without ALLOC_CMA does not count */
	cr_assert_not(fs_zone_watermark_ok(&P419, &z, 3, FS_WMARK_MIN, 2, FS_ALLOC_HARDER, &r));
	cr_assert_eq(r.found_order, -1);
	/* ... with ALLOC_CMA it does */
	cr_assert(fs_zone_watermark_ok(&P419, &z, 3, FS_WMARK_MIN, 2,
				       FS_ALLOC_HARDER | FS_ALLOC_CMA, &r));
	cr_assert_eq(r.found_mt, FS_MT_CMA);
}

/* ======================================================================== */
/* zone_watermark_fast: the order-0 shortcut per version                    */

/* free 10000, CMA 3000, reserve 2048 (100 free), low 6500, GFP_KERNEL order 0 */
static void shortcut_zone(struct fs_rules_zone *z)
{
	zone_init(z, 10000, 5000, 6500, 8000);
	z->free_cma = 3000;
	reserve(z, 2048, 100);
}

Test(krules, order0_shortcut_per_version)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	shortcut_zone(&z);

	/* 4.4: no shortcut: 10000 - 2048 - 3000 = 4952 <= 6500, 1548 short */
	cr_assert_not(fs_zone_watermark_fast(&P44, &z, 0, FS_WMARK_LOW, 2, 0, 0, &r));
	cr_assert_not(r.shortcut);
	cr_assert_eq(r.margin, -1548);
	/* 4.19: the shortcut subtracts CMA only: 10000 - 3000 = 7000 > 6500 */
	cr_assert(fs_zone_watermark_fast(&P419, &z, 0, FS_WMARK_LOW, 2, 0, 0, &r));
	cr_assert(r.shortcut);
	cr_assert_eq(r.minus_highatomic, 0);
	cr_assert_eq(r.usable, 7000);
	cr_assert_eq(r.margin, 500);
	/* 5.10: the shortcut subtracts the reserve too: 4952 <= 6500; the full
	 * check then fails with the same numbers */
	cr_assert_not(fs_zone_watermark_fast(&P510, &z, 0, FS_WMARK_LOW, 2, 0, 0, &r));
	cr_assert_not(r.shortcut);
	cr_assert_eq(r.margin, -1548);
	/* 6.12: free HighAtomic pages instead: 10000 - 100 - 3000 = 6900 > 6500 */
	cr_assert(fs_zone_watermark_fast(&P612, &z, 0, FS_WMARK_LOW, 2, 0, 0, &r));
	cr_assert(r.shortcut);
	cr_assert_eq(r.minus_highatomic, 100);
	cr_assert_eq(r.margin, 400);
	/* 5.15 (clamped form), low 4000: 4952 > 4000 */
	z.wmark[FS_WMARK_LOW] = 4000;
	cr_assert(fs_zone_watermark_fast(&P515, &z, 0, FS_WMARK_LOW, 2, 0, 0, &r));
	cr_assert(r.shortcut);
	cr_assert_eq(r.margin, 952);
}

Test(krules, order0_shortcut_clamps_at_zero_5_15)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	/* more unusable (2048 + 3000) than free (1000): 5.15 clamps the shortcut's
	 * usable at 0; 0 is not > low 10 and the full check decides (unclamped:
	 * 1000 - 5048 = -4048) */
	zone_init(&z, 1000, 8, 10, 12);
	z.free_cma = 3000;
	reserve(&z, 2048, 100);
	cr_assert_not(fs_zone_watermark_fast(&P515, &z, 0, FS_WMARK_LOW, 2, 0, 0, &r));
	cr_assert_eq(r.usable, -4048);
}

/* ======================================================================== */
/* zone_watermark_fast: the boost retry (5.4+)                              */

/* printed min 1200 includes boost 400: unboosted 800 */
static void boost_zone(struct fs_rules_zone *z, int64_t free)
{
	zone_init(z, free, 1200, 1500, 1800);
	z->boost = 400;
}

Test(krules, boost_retry)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	unsigned atomic = FS_ALLOC_HIGH | FS_ALLOC_HARDER;

	/* 5.4, GFP_ATOMIC order 0 at min: 1200 -> 600 -> 450: 301 <= 450 fails;
	 * retried at the unboosted 800 -> 400 -> 300: 301 > 300, margin 1 */
	boost_zone(&z, 301);
	cr_assert(fs_zone_watermark_fast(&P54, &z, 0, FS_WMARK_MIN, 2, atomic, GFP_ATOMIC_5X, &r));
	cr_assert(r.boost_retry);
	cr_assert_eq(r.mark, 800);
	cr_assert_eq(r.min_after, 300);
	cr_assert_eq(r.margin, 1);
	/* 300 free: 300 <= 300, strictly greater is needed */
	boost_zone(&z, 300);
	cr_assert_not(fs_zone_watermark_fast(&P54, &z, 0, FS_WMARK_MIN, 2, atomic,
					     GFP_ATOMIC_5X, &r));
	cr_assert(r.boost_retry);
	cr_assert_eq(r.margin, 0);
	/* no __GFP_ATOMIC in the mask (an RT task's ALLOC_HARDER): no retry */
	boost_zone(&z, 301);
	cr_assert_not(fs_zone_watermark_fast(&P54, &z, 0, FS_WMARK_MIN, 2, FS_ALLOC_HARDER,
					     0, &r));
	cr_assert_not(r.boost_retry);
	/* at the low mark: no retry */
	cr_assert_not(fs_zone_watermark_fast(&P54, &z, 0, FS_WMARK_LOW, 2, atomic,
					     GFP_ATOMIC_5X, &r));
	/* 4.19 has no boost at all */
	cr_assert_not(fs_zone_watermark_fast(&P419, &z, 0, FS_WMARK_MIN, 2, atomic,
					     GFP_ATOMIC_COMP_419, &r));
	cr_assert_not(r.boost_retry);
	/* 6.6: the condition is ALLOC_MIN_RESERVE (GFP_ATOMIC 0x820 has no ATOMIC bit) */
	cr_assert(fs_zone_watermark_fast(&P66, &z, 0, FS_WMARK_MIN, 2,
					 FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK,
					 GFP_ATOMIC_66, &r));
	cr_assert(r.boost_retry);
	/* 6.6 GFP_NOWAIT: NON_BLOCK only: 301 <= 1200, no retry */
	cr_assert_not(fs_zone_watermark_fast(&P66, &z, 0, FS_WMARK_MIN, 2, FS_ALLOC_NON_BLOCK,
					     0x800, &r));
	cr_assert_not(r.boost_retry);
}

/* ======================================================================== */
/* lowmem_reserve and CMA                                                   */

Test(krules, lowmem_reserve_classzone)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	/* DMA32 with protection (0, 0, 640, 640, 640), as in the 6.18 sample */
	zone_init(&z, 14500, 13883, 17353, 20823);
	z.lowmem_reserve[2] = z.lowmem_reserve[3] = z.lowmem_reserve[4] = 640;

	/* GFP_DMA32 (classzone DMA32 = 1): 14500 > 13883 + 0, margin 617 */
	cr_assert(fs_zone_watermark_ok(&P612, &z, 0, FS_WMARK_MIN, 1, 0, &r));
	cr_assert_eq(r.lowmem_reserve, 0);
	cr_assert_eq(r.margin, 617);
	/* GFP_KERNEL falling back from Normal (classzone 2): 14500 <= 13883 + 640
	 * = 14523, 23 short */
	cr_assert_not(fs_zone_watermark_ok(&P612, &z, 0, FS_WMARK_MIN, 2, 0, &r));
	cr_assert_eq(r.classzone, 2);
	cr_assert_eq(r.lowmem_reserve, 640);
	cr_assert_eq(r.margin, -23);
	/* protection unknown: taken as 0, and the pass says so */
	z.nr_lowmem_reserve = 0;
	cr_assert(fs_zone_watermark_ok(&P612, &z, 0, FS_WMARK_MIN, 2, 0, &r));
	cr_assert(r.order0_uncertain);
	cr_assert_not_null(strstr(r.assumed, "lowmem_reserve[2] not known"));
}

Test(krules, cma_subtraction)
{
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	zone_init(&z, 20000, 4000, 6000, 8000);
	z.free_cma = 15000;

	/* unmovable: 20000 - 15000 = 5000 <= low 6000 */
	cr_assert_not(fs_zone_watermark_ok(&P44, &z, 0, FS_WMARK_LOW, 2, 0, &r));
	cr_assert_eq(r.minus_cma, 15000);
	cr_assert_eq(r.margin, -1000);
	/* movable with ALLOC_CMA: 20000 > 6000 */
	cr_assert(fs_zone_watermark_ok(&P44, &z, 0, FS_WMARK_LOW, 2, FS_ALLOC_CMA, &r));
	cr_assert_eq(r.minus_cma, 0);
	cr_assert_eq(r.margin, 14000);
}

/* ======================================================================== */
/* fallbacks[] and the free-list pick                                       */

Test(krules, fallback_table)
{
	enum fs_mt out[FS_MT_COUNT];
	cr_assert_eq(fs_fallbacks(&P419, FS_MT_UNMOVABLE, out), 2);
	cr_assert_eq(out[0], FS_MT_RECLAIMABLE);
	cr_assert_eq(out[1], FS_MT_MOVABLE);
	cr_assert_eq(fs_fallbacks(&P618, FS_MT_MOVABLE, out), 2);
	cr_assert_eq(out[0], FS_MT_RECLAIMABLE);
	cr_assert_eq(out[1], FS_MT_UNMOVABLE);
	cr_assert_eq(fs_fallbacks(&P44, FS_MT_RECLAIMABLE, out), 2);
	cr_assert_eq(out[0], FS_MT_UNMOVABLE);
	cr_assert_eq(out[1], FS_MT_MOVABLE);
	cr_assert_eq(fs_fallbacks(&P66, FS_MT_HIGHATOMIC, out), 0);
	cr_assert_eq(fs_fallbacks(&P66, FS_MT_CMA, out), 0);
}

/* An unmovable order-2 request with no Unmovable or Reclaimable block: it
 * steals the largest Movable block, order 10 >= pageblock order 9, whose
 * pageblocks become Unmovable. */
Test(krules, unmovable_steals_largest_movable)
{
	struct fs_rules_zone z;
	struct fs_pick pick;
	const struct fs_kprofile *ps[] = { &P44, &P419, &P612, &P618 };
	zone_init(&z, 20000, 100, 200, 300);
	put(&z, 1, FS_MT_MOVABLE, 3);
	put(&z, 4, FS_MT_MOVABLE, 2);
	put(&z, 10, FS_MT_MOVABLE, 5);

	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		cr_assert(fs_freelist_pick(ps[i], &z, 2, FS_MT_UNMOVABLE, 0, &pick), "%s",
			  ps[i]->name);
		cr_assert_eq(pick.how, FS_PICK_FALLBACK, "%s", ps[i]->name);
		cr_assert_eq(pick.order, 10, "%s", ps[i]->name);
		cr_assert_eq(pick.mt, FS_MT_MOVABLE);
		cr_assert(pick.claims_block);
		cr_assert_not(pick.may_claim);
	}
}

/* A movable order-0 request with no Movable block: the largest fallback
 * block is Unmovable order 3 < pageblock_order/2 = 4, so 4.13+ takes the
 * smallest fallback block instead, Reclaimable order 1; 4.4 the largest. */
Test(krules, movable_takes_smallest_below_half_pageblock)
{
	struct fs_rules_zone z;
	struct fs_pick pick;
	zone_init(&z, 20000, 100, 200, 300);
	put(&z, 2, FS_MT_UNMOVABLE, 4);
	put(&z, 3, FS_MT_UNMOVABLE, 1);
	put(&z, 1, FS_MT_RECLAIMABLE, 2);

	cr_assert(fs_freelist_pick(&P419, &z, 0, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.how, FS_PICK_FALLBACK);
	cr_assert_eq(pick.order, 1);
	cr_assert_eq(pick.mt, FS_MT_RECLAIMABLE);
	cr_assert_not(pick.may_claim);
	cr_assert_not(pick.claims_block);
	/* 6.18: claiming stops at order 3 (< 4 for a movable request), the
	 * steal takes the smallest: the same block */
	cr_assert(fs_freelist_pick(&P618, &z, 0, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.order, 1);
	cr_assert_eq(pick.mt, FS_MT_RECLAIMABLE);
	cr_assert_not(pick.may_claim);
	/* 4.4 and 4.9 take the largest: Unmovable order 3, without claiming the
	 * block; find_smallest came in 4.13 */
	cr_assert(fs_freelist_pick(&P44, &z, 0, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.order, 3);
	cr_assert_eq(pick.mt, FS_MT_UNMOVABLE);
	cr_assert_not(pick.may_claim);
	cr_assert(fs_freelist_pick(&P49, &z, 0, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.order, 3);
	cr_assert(fs_freelist_pick(&P414, &z, 0, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.order, 1);
	/* an Unmovable block of order 5 >= 4: taken, with a claim attempt */
	put(&z, 5, FS_MT_UNMOVABLE, 1);
	cr_assert(fs_freelist_pick(&P419, &z, 0, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.order, 5);
	cr_assert(pick.may_claim);
	cr_assert_not(pick.claims_block);
}

Test(krules, nofragment_first_pass)
{
	struct fs_rules_zone z;
	struct fs_pick pick;
	zone_init(&z, 20000, 100, 200, 300);
	put(&z, 3, FS_MT_MOVABLE, 1);

	/* fast path with ALLOC_NOFRAGMENT: only whole pageblocks may be stolen */
	cr_assert_not(fs_freelist_pick(&P54, &z, 0, FS_MT_UNMOVABLE, FS_ALLOC_NOFRAGMENT, &pick));
	cr_assert_eq(pick.how, FS_PICK_NONE);
	cr_assert_not(fs_freelist_pick(&P618, &z, 0, FS_MT_UNMOVABLE, FS_ALLOC_NOFRAGMENT,
				       &pick));
	/* second pass without it: Movable order 3, an unmovable request tries to
	 * claim its pageblock */
	cr_assert(fs_freelist_pick(&P54, &z, 0, FS_MT_UNMOVABLE, 0, &pick));
	cr_assert_eq(pick.order, 3);
	cr_assert(pick.may_claim);
	cr_assert(fs_freelist_pick(&P618, &z, 0, FS_MT_UNMOVABLE, 0, &pick));
	cr_assert_eq(pick.order, 3);
	cr_assert(pick.may_claim);
	/* the same first block; what follows a refused claim differs: 6.14 and
	 * older take the block anyway (one block, no type change), 6.15+ go on
	 * claiming smaller blocks, then steal the smallest */
	cr_assert_not_null(strstr(pick.why, "claim: largest first, Movable order 3"), "%s",
			   pick.why);
	cr_assert_not_null(strstr(pick.why, "then the smallest is stolen"), "%s", pick.why);
	cr_assert(fs_freelist_pick(&P612, &z, 0, FS_MT_UNMOVABLE, 0, &pick));
	cr_assert_not_null(strstr(pick.why, "fallback: largest first, Movable order 3"), "%s",
			   pick.why);
	/* 4.19 has no NOFRAGMENT: the flag is ignored */
	cr_assert(fs_freelist_pick(&P419, &z, 0, FS_MT_UNMOVABLE, FS_ALLOC_NOFRAGMENT, &pick));
}

/* free 1000, Movable order 2, CMA order 4 */
static void cma_zone(struct fs_rules_zone *z, int64_t free_cma)
{
	zone_init(z, 1000, 100, 200, 300);
	z->free_cma = free_cma;
	put(z, 2, FS_MT_MOVABLE, 1);
	put(z, 4, FS_MT_CMA, 5);
}

Test(krules, cma_order_of_attempts)
{
	struct fs_rules_zone z;
	struct fs_pick pick;

	/* 5.10: CMA first when free CMA 600 > free 1000 / 2 = 500 */
	cma_zone(&z, 600);
	cr_assert(fs_freelist_pick(&P510, &z, 2, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.how, FS_PICK_CMA);
	cr_assert_eq(pick.order, 4);
	/* 5.4 has no such rule: own type first */
	cr_assert(fs_freelist_pick(&P54, &z, 2, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.how, FS_PICK_OWN);
	cr_assert_eq(pick.order, 2);
	/* 500 is not over half: own type first on 5.10 too */
	cma_zone(&z, 500);
	cr_assert(fs_freelist_pick(&P510, &z, 2, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.how, FS_PICK_OWN);
	/* own list empty: CMA after own. 5.4 gates it by migratetype, 5.10 by
	 * ALLOC_CMA: a movable request without ALLOC_CMA (pinning) gets nothing */
	put(&z, 2, FS_MT_MOVABLE, 0);
	cr_assert(fs_freelist_pick(&P54, &z, 2, FS_MT_MOVABLE, 0, &pick));
	cr_assert_eq(pick.how, FS_PICK_CMA);
	cr_assert_not(fs_freelist_pick(&P510, &z, 2, FS_MT_MOVABLE, 0, &pick));
	cr_assert(fs_freelist_pick(&P510, &z, 2, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
	cr_assert_eq(pick.how, FS_PICK_CMA);
}

Test(krules, highatomic_first_and_last_resort)
{
	struct fs_rules_zone z;
	struct fs_pick pick;
	unsigned atomic_63 = FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK | FS_ALLOC_HIGHATOMIC;
	zone_init(&z, 20000, 100, 200, 300);
	put(&z, 4, FS_MT_UNMOVABLE, 1);
	put(&z, 5, FS_MT_HIGHATOMIC, 1);

	/* 6.6 GFP_ATOMIC order 4 (above the per-cpu orders): ALLOC_HIGHATOMIC:
	 * HighAtomic first, the order-5 block */
	cr_assert(fs_freelist_pick(&P66, &z, 4, FS_MT_UNMOVABLE, atomic_63, &pick));
	cr_assert_eq(pick.how, FS_PICK_HIGHATOMIC);
	cr_assert_eq(pick.order, 5);
	/* 6.2 GFP_ATOMIC order 4: ALLOC_HARDER above order 0: the same */
	cr_assert(fs_freelist_pick(&P61E, &z, 4, FS_MT_UNMOVABLE,
				   FS_ALLOC_HIGH | FS_ALLOC_HARDER, &pick));
	cr_assert_eq(pick.how, FS_PICK_HIGHATOMIC);
	/* GFP_KERNEL: own type */
	cr_assert(fs_freelist_pick(&P66, &z, 4, FS_MT_UNMOVABLE, 0, &pick));
	cr_assert_eq(pick.how, FS_PICK_OWN);
	cr_assert_eq(pick.order, 4);

	/* order 2 with an Unmovable order-2 block: 5.13+ serve orders <= 3 from
	 * the per-cpu lists, refilled by __rmqueue: own type, no HighAtomic first;
	 * 4.19 (per-cpu lists for order 0 only) takes HighAtomic first */
	put(&z, 2, FS_MT_UNMOVABLE, 1);
	cr_assert(fs_freelist_pick(&P66, &z, 2, FS_MT_UNMOVABLE, atomic_63, &pick));
	cr_assert_eq(pick.how, FS_PICK_OWN);
	cr_assert_eq(pick.order, 2);
	cr_assert_not_null(strstr(pick.why, "per-cpu"), "%s", pick.why);
	cr_assert(fs_freelist_pick(&P419, &z, 2, FS_MT_UNMOVABLE,
				   FS_ALLOC_HIGH | FS_ALLOC_HARDER, &pick));
	cr_assert_eq(pick.how, FS_PICK_HIGHATOMIC);
	cr_assert_eq(pick.order, 5);

	/* nothing but HighAtomic: order-0 GFP_ATOMIC on 6.6: the per-cpu refill
	 * fails, the buddy path takes HighAtomic as the last resort
	 * (ALLOC_NON_BLOCK); 6.2 never gives order 0 HighAtomic pages */
	zone_init(&z, 20000, 100, 200, 300);
	put(&z, 1, FS_MT_HIGHATOMIC, 1);
	cr_assert(fs_freelist_pick(&P66, &z, 0, FS_MT_UNMOVABLE,
				   FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK, &pick));
	cr_assert_eq(pick.how, FS_PICK_HIGHATOMIC);
	cr_assert_eq(pick.order, 1);
	cr_assert_not_null(strstr(pick.why, "last resort"), "%s", pick.why);
	cr_assert_not(fs_freelist_pick(&P61E, &z, 0, FS_MT_UNMOVABLE,
				       FS_ALLOC_HIGH | FS_ALLOC_HARDER, &pick));
	cr_assert_eq(pick.how, FS_PICK_NONE);
	/* 5.15 late has the 6.3 flags, but a failed per-cpu refill ends there
	 * (before 6.0): no last resort for order 0 */
	struct fs_kprofile p515l = prof("5.15-late", 5, 15, MN, FS_ORDER0_UNUSABLE_CLAMPED);
	cr_assert_not(fs_freelist_pick(&p515l, &z, 0, FS_MT_UNMOVABLE,
				       FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK, &pick));
	/* ... above the per-cpu orders it does */
	zone_init(&z, 20000, 100, 200, 300);
	put(&z, 6, FS_MT_HIGHATOMIC, 1);
	cr_assert(fs_freelist_pick(&p515l, &z, 5, FS_MT_UNMOVABLE,
				   FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK, &pick));
	cr_assert_eq(pick.how, FS_PICK_HIGHATOMIC);
	/* 6.3-6.11 mainline: the last resort is for ALLOC_OOM only */
	cr_assert_not(fs_freelist_pick(&P68, &z, 5, FS_MT_UNMOVABLE,
				       FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK, &pick));
	cr_assert(fs_freelist_pick(&P68, &z, 5, FS_MT_UNMOVABLE, FS_ALLOC_OOM, &pick));
	cr_assert_eq(pick.how, FS_PICK_HIGHATOMIC);
	/* GFP_KERNEL on 6.6: no reserve flag, no last resort */
	cr_assert_not(fs_freelist_pick(&P66, &z, 5, FS_MT_UNMOVABLE, 0, &pick));
}

/* ======================================================================== */
/* Compaction suitability                                                   */

/* min 1500, low 1800; free pages as the free lists hold them */
static void compact_zone_init(struct fs_rules_zone *z, int64_t free)
{
	zone_init(z, free, 1500, 1800, 2100);
}

Test(krules, compaction_skipped)
{
	struct fs_rules_zone z;
	struct fs_compact_result r;
	compact_zone_init(&z, 1820);
	put(&z, 0, FS_MT_MOVABLE, 1820);

	/* order 4 is costly: low 1800 + gap 2 << 4 = 32: 1820 <= 1832 */
	cr_assert_eq(fs_compaction_suitable(&P419, &z, 4, 2, 0, &r), FS_COMPACT_SKIPPED);
	cr_assert_eq(r.needed, 1832);
	cr_assert_eq(r.available, 1820);
	/* 1900 free but a 512-page highatomic reserve: ALLOC_CMA only, so the
	 * reserve is subtracted: 1900 - 512 = 1388 <= 1832 */
	compact_zone_init(&z, 1900);
	put(&z, 0, FS_MT_MOVABLE, 1900);
	reserve(&z, 512, 0);
	cr_assert_eq(fs_compaction_suitable(&P66, &z, 4, 2, 0, &r), FS_COMPACT_SKIPPED);
	cr_assert_eq(r.available, 1388);
}

Test(krules, compaction_continue_and_fragindex)
{
	struct fs_rules_zone z;
	struct fs_compact_result r;
	/* 5000 pages in 1000 + 500 + 250 + 250 blocks of orders 0-3 */
	compact_zone_init(&z, 5000);
	put(&z, 0, FS_MT_MOVABLE, 1000);
	put(&z, 1, FS_MT_MOVABLE, 500);
	put(&z, 2, FS_MT_MOVABLE, 250);
	put(&z, 3, FS_MT_MOVABLE, 250);

	/* order 4: no block >= 4 (the allocation's check fails); 5000 > 1832;
	 * fragindex = 1000 - (1000 + 5000 * 1000 / 16) / 2000
	 *           = 1000 - 313500 / 2000 = 1000 - 156 = 844 > 500 */
	cr_assert_eq(fs_compaction_suitable(&P419, &z, 4, 2, 0, &r), FS_COMPACT_CONTINUE);
	cr_assert_eq(r.fragindex, 844);
	cr_assert_eq(r.needed, 1832);
	cr_assert_eq(r.available, 5000);

	/* the same 5000 pages as 625 order-3 blocks: (1000 + 312500) / 625 = 501,
	 * fragindex 499 <= 500: a lack of memory, not fragmentation */
	compact_zone_init(&z, 5000);
	put(&z, 3, FS_MT_MOVABLE, 625);
	cr_assert_eq(fs_compaction_suitable(&P66, &z, 4, 2, 0, &r),
		     FS_COMPACT_NOT_SUITABLE_FRAGINDEX);
	cr_assert_eq(r.fragindex, 499);
	/* and order 3 is already there */
	cr_assert_eq(fs_compaction_suitable(&P66, &z, 3, 2, 0, &r), FS_COMPACT_SUCCESS);
}

Test(krules, compaction_fragindex_only_above_costly_order)
{
	struct fs_rules_zone z;
	struct fs_compact_result r;
	/* 5000 pages as 1250 order-2 blocks; order 3:
	 * fragindex = 1000 - (1000 + 5000 * 1000 / 8) / 1250 = 1000 - 500 = 500 */
	compact_zone_init(&z, 5000);
	put(&z, 2, FS_MT_MOVABLE, 1250);

	/* 4.19+: order 3 is not costly: min 1500 + gap 16: 5000 > 1516, and the
	 * fragindex is not consulted */
	cr_assert_eq(fs_compaction_suitable(&P419, &z, 3, 2, 0, &r), FS_COMPACT_CONTINUE);
	cr_assert_eq(r.fragindex, 500);
	cr_assert_eq(r.needed, 1516);
	/* 4.4: low 1800 + 16 with the allocation's flags, then the fragindex for
	 * every order: 500 <= 500 */
	cr_assert_eq(fs_compaction_suitable(&P44, &z, 3, 2, 0, &r),
		     FS_COMPACT_NOT_SUITABLE_FRAGINDEX);
	cr_assert_eq(r.needed, 1816);
	/* 4.9 has the 4.19 form already (though it still needs __GFP_FS) */
	cr_assert_eq(fs_compaction_suitable(&P49, &z, 3, 2, 0, &r), FS_COMPACT_CONTINUE);
	cr_assert_eq(r.needed, 1516);
}

Test(krules, compaction_fragindex_minus_1000)
{
	struct fs_rules_zone z;
	struct fs_compact_result r;
	/* order 5 exists only as CMA: the unmovable request fails its own check,
	 * but the fragindex is -1000 (a block of order 5 is free): not "lack of
	 * memory", compaction runs */
	compact_zone_init(&z, 5000);
	z.free_cma = 320;
	put(&z, 0, FS_MT_UNMOVABLE, 4680);
	put(&z, 5, FS_MT_CMA, 10);
	cr_assert_eq(fs_compaction_suitable(&P612, &z, 5, 2, 0, &r), FS_COMPACT_CONTINUE);
	cr_assert_eq(r.fragindex, -1000);
	cr_assert_not_null(strstr(r.why, "-1000"), "%s", r.why);
	/* 6.15+: the first, async attempt of a costly order without ALLOC_CMA is
	 * skipped when the non-CMA pages do not pass min + gap: 5000 - 320 = 4680
	 * > 1500 + 64: not skipped here; with 1700 free of which 320 CMA it is */
	cr_assert_null(strstr(r.why, "async"));
	compact_zone_init(&z, 1900);
	z.free_cma = 320;
	put(&z, 0, FS_MT_UNMOVABLE, 1580);
	put(&z, 5, FS_MT_CMA, 10);
	/* sync: low 1800 + 64 = 1864 < 1900 (CMA counts): continues; async: min
	 * 1500 + 64 = 1564 against 1900 - 320 = 1580: 1580 > 1564, not skipped */
	cr_assert_eq(fs_compaction_suitable(&P618, &z, 5, 2, 0, &r), FS_COMPACT_CONTINUE);
	cr_assert_null(strstr(r.why, "async"), "%s", r.why);
	/* 6.14 tested the async case at low: 1800 + 64 = 1864 >= 1580: skipped */
	struct fs_kprofile p614 = prof("6.14", 6, 14, MN, FS_ORDER0_UNUSABLE_CLAMPED);
	cr_assert_eq(fs_compaction_suitable(&p614, &z, 5, 2, 0, &r), FS_COMPACT_CONTINUE);
	cr_assert_not_null(strstr(r.why, "async attempt is skipped"), "%s", r.why);
}

/* ======================================================================== */
/* From snapshots: the 6.18 VM sample and buddyinfo alone                   */

static struct fs_snapshot *sample_618(void)
{
	struct fs_snapshot *s = fs_snapshot_new();
	const char *files[] = { SAMPLE("buddyinfo"), SAMPLE("pagetypeinfo"), SAMPLE("zoneinfo") };
	for (size_t i = 0; i < 3; i++)
		cr_assert_gt(fx_parse_into(s, files[i]), 0, "%s", files[i]);
	return s;
}

Test(krules, sample_618_normal_zone)
{
	struct fs_snapshot *s = sample_618();
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	struct fs_pick pick;
	const struct fs_zone *normal = fs_snapshot_zone(s, 0, "Normal", 6, false);
	cr_assert_not_null(normal);
	fs_rules_zone_from_snapshot(&P618, s, normal, &z);

	/* zoneinfo: pages free 137506, boost 0, min 2943, low 3678, high 4413,
	 * managed 163840, protection (0, 0, 0, 0, 0), nr_free_cma 0 */
	cr_assert_eq(z.free_pages, 137506);
	cr_assert_eq(z.boost, 0);
	cr_assert_eq(z.wmark[FS_WMARK_MIN], 2943);
	cr_assert_eq(z.wmark[FS_WMARK_LOW], 3678);
	cr_assert_eq(z.managed, 163840);
	cr_assert_eq(z.nr_lowmem_reserve, 5);
	cr_assert_eq(z.free_cma, 0);
	/* pagetypeinfo: "Page block order: 9", 0 HighAtomic blocks and pages */
	cr_assert_eq(z.pageblock_order, 9);
	cr_assert_not(z.pageblock_order_guessed);
	cr_assert_eq(z.highatomic_reserved, 0);
	cr_assert_eq(z.highatomic_free, 0);
	/* no CMA row: no CMA list */
	cr_assert_eq(fs_rules_list(&z, 10, FS_MT_CMA), FS_LIST_EMPTY);
	/* buddyinfo order 10: 67, all Movable */
	cr_assert_eq(z.nr_free[10].value, 67);
	cr_assert_eq(z.blocks[10][FS_MT_MOVABLE].value, 67);

	/* GFP_KERNEL order 9 on the fast path: 137506 - 511 = 136995 > 3678:
	 * margin 133317; order 9: Unmovable 0, Movable 26 -> Movable */
	cr_assert(fs_zone_watermark_fast(&P618, &z, 9, FS_WMARK_LOW, 2, 0, 0xcc0, &r));
	cr_assert_eq(r.margin, 133317);
	cr_assert_eq(r.found_order, 9);
	cr_assert_eq(r.found_mt, FS_MT_MOVABLE);
	cr_assert_not(r.order0_uncertain);
	/* ... and the block: no Unmovable at 9 or 10, no Reclaimable there:
	 * claim the largest Movable block, order 10, whole pageblocks */
	cr_assert(fs_freelist_pick(&P618, &z, 9, FS_MT_UNMOVABLE, 0, &pick));
	cr_assert_eq(pick.how, FS_PICK_FALLBACK);
	cr_assert_eq(pick.order, 10);
	cr_assert_eq(pick.mt, FS_MT_MOVABLE);
	cr_assert(pick.claims_block);
	/* order 0: "Unmovable 236" at order 0 */
	cr_assert(fs_freelist_pick(&P618, &z, 0, FS_MT_UNMOVABLE, 0, &pick));
	cr_assert_eq(pick.how, FS_PICK_OWN);
	cr_assert_eq(pick.order, 0);
	fs_snapshot_free(s);
}

Test(krules, buddyinfo_alone)
{
	struct fs_snapshot *s = fx_parse(SAMPLE("buddyinfo"));
	struct fs_rules_zone z;
	struct fs_wmark_result r;
	struct fs_pick pick;
	const struct fs_zone *dma = fs_snapshot_zone(s, 0, "DMA", 3, false);
	cr_assert_not_null(dma);
	fs_rules_zone_from_snapshot(&P618, s, dma, &z);

	/* "DMA 0 0 0 0 0 0 0 0 1 1 3": free = 256 + 512 + 3 * 1024 = 3840 */
	cr_assert_eq(z.free_pages, 3840);
	cr_assert_not(z.per_type_known);
	cr_assert_eq(z.wmark[FS_WMARK_LOW], -1);
	cr_assert_eq(z.nr_lowmem_reserve, 0);
	cr_assert_eq(fs_rules_list(&z, 0, FS_MT_UNMOVABLE), FS_LIST_EMPTY);
	cr_assert_eq(fs_rules_list(&z, 8, FS_MT_UNMOVABLE), FS_LIST_UNKNOWN);
	/* order 3 at low: watermark, protection, reserve, CMA unknown: in the
	 * request's favour: 3840 - 7 = 3833 > 0; orders 3-7 hold nothing; the
	 * order-8 block is of unknown type -> passes, uncertain */
	cr_assert(fs_zone_watermark_ok(&P618, &z, 3, FS_WMARK_LOW, 0, 0, &r));
	cr_assert(r.order0_uncertain);
	cr_assert_eq(r.usable, 3833);
	cr_assert_eq(r.found_order, 8);
	cr_assert(r.found_uncertain);
	/* the pick says the same */
	cr_assert(fs_freelist_pick(&P618, &z, 3, FS_MT_UNMOVABLE, 0, &pick));
	cr_assert_eq(pick.order, 8);
	cr_assert(pick.uncertain);
	/* order 4 compaction: its watermark is unknown; fragindex of 5 blocks */
	fs_snapshot_free(s);
}

/* ======================================================================== */
/* With the project's profile tables (kprofile.c) instead of hand-made ones */

Test(krules, android_with_the_4_19_profile_table)
{
	struct android a;
	struct fs_wmark_result r;
	struct fs_pick pick;
	bool guessed;
	char why[160];
	const struct fs_kprofile *p = fs_kprofile_for_release("4.19.176", &guessed, why,
							      sizeof(why));
	cr_assert_not_null(p);
	cr_assert_not(guessed);
	cr_assert_str_eq(p->name, "4.19");
	android_load(&a);
	struct fs_snapshot *s = a.list.items[0].snapshot;
	fs_rules_zone_from_snapshot(p, s, fs_snapshot_zone(s, 0, "DMA32", 5, false), &a.z);

	/* the same numbers as android_419_fast_path and android_419_slow_path */
	cr_assert(fs_zone_watermark_fast(p, &a.z, 3, FS_WMARK_LOW, 0, 0, GFP_ATOMIC_COMP_419, &r));
	cr_assert_eq(r.margin, 2754);
	cr_assert(r.order0_uncertain);
	cr_assert(fs_zone_watermark_fast(p, &a.z, 3, FS_WMARK_MIN, 0,
					 FS_ALLOC_HIGH | FS_ALLOC_HARDER, GFP_ATOMIC_COMP_419, &r));
	cr_assert_eq(r.margin, 9644);
	cr_assert(fs_freelist_pick(p, &a.z, 3, FS_MT_UNMOVABLE, FS_ALLOC_HIGH | FS_ALLOC_HARDER,
				   &pick));
	cr_assert_eq(pick.how, FS_PICK_HIGHATOMIC);
	cr_assert_eq(pick.order, 4);
	android_free(&a);
}

/* Every profile of the table runs every rule on the sample without surprise:
 * the fast-path check of GFP_KERNEL order 0 passes on the 6.18 VM's Normal
 * zone (137506 free against low 3678), whatever the version. */
Test(krules, every_profile_on_the_618_sample)
{
	size_t n;
	const struct fs_kprofile *const *all = fs_kprofiles(&n);
	struct fs_snapshot *s = sample_618();
	const struct fs_zone *normal = fs_snapshot_zone(s, 0, "Normal", 6, false);
	cr_assert_gt(n, 8);
	for (size_t i = 0; i < n; i++) {
		struct fs_rules_zone z;
		struct fs_wmark_result r;
		struct fs_pick pick;
		struct fs_compact_result c;
		fs_rules_zone_from_snapshot(all[i], s, normal, &z);
		cr_assert(fs_zone_watermark_fast(all[i], &z, 0, FS_WMARK_LOW, 2, 0, 0, &r), "%s",
			  all[i]->name);
		cr_assert_eq(r.margin, 137506 - 3678, "%s", all[i]->name);
		cr_assert(fs_freelist_pick(all[i], &z, 10, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick));
		cr_assert_eq(pick.how, FS_PICK_OWN);
		/* order 10 is free as Movable: nothing to compact */
		cr_assert_eq(fs_compaction_suitable(all[i], &z, 10, 2, 0, &c), FS_COMPACT_SUCCESS,
			     "%s", all[i]->name);
	}
	fs_snapshot_free(s);
}

/* ======================================================================== */
/* Bad input: numbers no kernel prints must not crash or overflow           */

Test(krules, hostile_numbers)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_zone *z = fs_snapshot_zone(s, 0, "Normal", 6, true);
	struct fs_rules_zone rz;
	struct fs_wmark_result r;
	struct fs_pick pick;
	struct fs_compact_result c;

	s->meta.pageblock_order = 200;
	s->meta.nr_orders = 16;
	z->known = FS_ZK_FREE_PAGES | FS_ZK_WMARK | FS_ZK_FREE_CMA | FS_ZK_PROTECTION |
		   FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS | FS_ZK_PAGEBLOCKS | FS_ZK_BOOST;
	z->free_pages = z->wmark_min = z->wmark_low = z->wmark_high = UINT64_MAX;
	z->free_cma = z->wmark_boost = UINT64_MAX;
	z->nr_protection = 99;
	for (int i = 0; i < FS_MAX_ZONE_TYPES; i++)
		z->protection[i] = UINT64_MAX;
	z->mt_rows = (1u << FS_MT_COUNT) - 1;
	for (int o = 0; o < FS_MAX_ORDERS; o++) {
		z->order_blocks[o] = fs_count_exact(UINT64_MAX);
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			z->mt_blocks[mt][o] = fs_count_exact(UINT64_MAX);
	}
	z->pageblocks[FS_MT_HIGHATOMIC] = UINT64_MAX;
	fs_rules_zone_from_snapshot(&P618, s, z, &rz);
	cr_assert_eq(rz.nr_orders, 16);
	cr_assert(rz.free_pages > 0 && rz.highatomic_free > 0, "capped, not wrapped");
	cr_assert(rz.pageblock_order_guessed, "order 200 is no pageblock order");
	for (int o = 0; o < 16; o++) {
		fs_zone_watermark_fast(&P618, &rz, o, FS_WMARK_MIN, 7, FS_ALLOC_OOM, 0, &r);
		fs_freelist_pick(&P618, &rz, o, FS_MT_MOVABLE, FS_ALLOC_CMA, &pick);
		fs_compaction_suitable(&P44, &rz, o, 3, 0, &c);
		fs_compaction_suitable(&P618, &rz, o, 3, 0, &c);
	}

	/* a rules zone filled in by hand, wrongly */
	rz.nr_orders = 99;
	rz.pageblock_order = -5;
	rz.nr_lowmem_reserve = 1000;
	cr_assert_not(fs_zone_watermark_ok(&P618, &rz, 40, FS_WMARK_LOW, 42, 0, &r));
	cr_assert_eq(fs_rules_list(&rz, 20, FS_MT_UNMOVABLE), FS_LIST_EMPTY);
	fs_zone_watermark_ok(&P618, &rz, 3, FS_WMARK_LOW, 42, 0, &r);
	fs_freelist_pick(&P618, &rz, 3, FS_MT_UNMOVABLE, 0, &pick);
	fs_compaction_suitable(&P618, &rz, 15, -1, 0, &c);
	fs_snapshot_free(s);
}
