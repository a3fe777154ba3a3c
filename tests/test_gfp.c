/*
 * test_gfp.c - kernel profiles and gfp masks: bit layouts, composite values
 * (kernel-rules §1.2), %pGg decoding (§1.3), encoding, profile choice, and
 * what masks mean for the allocator (§2.1, §3.1, §4, §7), per version.
 * Expected values are worked out by hand from the bit tables; the
 * arithmetic is in the comments.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fragscope/kprofile.h"

static const struct fs_kprofile *P(const char *name)
{
	const struct fs_kprofile *p = fs_kprofile_by_name(name);
	cr_assert_not_null(p, "no profile %s", name);
	return p;
}

static uint64_t enc(const struct fs_kprofile *p, const struct fs_kconfig *c, const char *text)
{
	uint64_t m = 0;
	char unknown[256];
	bool ok = fs_gfp_parse(p, c, text, &m, unknown, sizeof(unknown));
	cr_assert(ok, "%s: \"%s\" not understood: %s", p->name, text, unknown);
	return m;
}

static const char *dec(const struct fs_kprofile *p, const struct fs_kconfig *c, uint64_t mask)
{
	static char buf[512];
	fs_gfp_format(p, c, mask, buf, sizeof(buf));
	return buf;
}

#define ASSERT_DEC(prof, cfg, mask, want) \
	cr_assert_str_eq(dec(P(prof), cfg, mask), want, "%s %#llx", prof, \
			 (unsigned long long)(mask))
#define ASSERT_ENC(prof, cfg, text, want) \
	cr_assert_eq(enc(P(prof), cfg, text), (uint64_t)(want), "%s %s = %#llx", prof, text, \
		     (unsigned long long)enc(P(prof), cfg, text))

/* ---- the profiles ---- */

Test(kprofile, all_required_profiles_exist_oldest_first)
{
	static const char *const want[] = { "4.4", "4.9", "4.14", "4.19", "5.4", "5.10", "5.15",
					     "5.15-late", "6.1-early", "6.1-late", "6.1-latest",
					     "6.6", "6.12", "6.12-late", "6.15", "6.18" };
	size_t n;
	const struct fs_kprofile *const *all = fs_kprofiles(&n);
	cr_assert_eq(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_eq(all[i]->name, want[i]);
		cr_assert_not_null(all[i]->covers);
		cr_assert_eq(all[i]->nr_migratetypes, 6);
		cr_assert_eq(all[i]->costly_order, 3);
		cr_assert_eq(all[i]->default_nr_orders, 11);
		cr_assert_gt(all[i]->nr_composites, 10);
		cr_assert(all[i]->warn_ratelimit_s > 0 && all[i]->warn_ratelimit_burst > 0);
		/* 4.4 prints hex only; every later kernel has a %pGg table */
		cr_assert_eq(all[i]->nr_pgg_names == 0, i == 0, "%s", all[i]->name);
	}
	cr_assert_eq(P("newer"), all[n - 1]);
	cr_assert_eq(P("6.1-late"), all[9]);
}

Test(kprofile, version_facts_match_kernel_rules_12b)
{
	/* reserve scheme: ALLOC_HIGH/HARDER up to 6.2 (6.1.0-115, 5.15.0-170) */
	cr_assert_eq(P("4.19")->reserve_scheme, FS_RESERVE_HIGH_HARDER);
	cr_assert_eq(P("5.15")->reserve_scheme, FS_RESERVE_HIGH_HARDER);
	cr_assert_eq(P("5.15-late")->reserve_scheme, FS_RESERVE_MIN_NONBLOCK);
	cr_assert_eq(P("6.1-early")->reserve_scheme, FS_RESERVE_HIGH_HARDER);
	cr_assert_eq(P("6.1-late")->reserve_scheme, FS_RESERVE_MIN_NONBLOCK);
	cr_assert_eq(P("6.6")->reserve_scheme, FS_RESERVE_MIN_NONBLOCK);
	/* order-0 shortcut: none in 4.4, CMA only 4.7 - 5.8, unusable 5.10, clamped 5.15+ */
	cr_assert_eq(P("4.4")->order0_shortcut, FS_ORDER0_NONE);
	cr_assert_eq(P("4.9")->order0_shortcut, FS_ORDER0_CMA_ONLY);
	cr_assert_eq(P("5.4")->order0_shortcut, FS_ORDER0_CMA_ONLY);
	cr_assert_eq(P("5.10")->order0_shortcut, FS_ORDER0_UNUSABLE);
	cr_assert_eq(P("6.12")->order0_shortcut, FS_ORDER0_UNUSABLE_CLAMPED);
	cr_assert_eq(P("5.4")->classzone_rule, FS_CLASSZONE_PREFERRED);
	cr_assert_eq(P("5.10")->classzone_rule, FS_CLASSZONE_HIGHEST);
	/* compaction needs __GFP_FS up to 4.10 (73e64c51afc5 in 4.11) */
	cr_assert(P("4.9")->compaction_needs_fs);
	cr_assert_not(P("4.14")->compaction_needs_fs);
	/* ALLOC_OOM from 4.15 */
	cr_assert_not(P("4.14")->oom_victim_alloc_oom);
	cr_assert(P("4.19")->oom_victim_alloc_oom);
	cr_assert_eq(P("5.10")->pcp_max_order, 0);
	cr_assert_eq(P("5.15")->pcp_max_order, 3);
	cr_assert_not(P("6.6")->nowait_has_nowarn);
	cr_assert(P("6.12")->nowait_has_nowarn);
	cr_assert(P("6.12")->lowmem_zero_for_empty_upper);
	cr_assert_not(P("6.15")->lowmem_zero_for_empty_upper);
	cr_assert_not(P("6.6")->highatomic_counts_free);
	cr_assert(P("6.12")->highatomic_counts_free);
	/* 6a204d4b14c9: 6.1.157, 6.12.54, mainline 6.17 */
	cr_assert_not(P("6.1-late")->highatomic_needs_high);
	cr_assert(P("6.1-latest")->highatomic_needs_high);
	cr_assert_not(P("6.12")->highatomic_needs_high);
	cr_assert(P("6.12-late")->highatomic_needs_high);
	cr_assert(P("6.18")->highatomic_needs_high);
	cr_assert_eq(P("4.19")->warn_ratelimit_s, 5);
	cr_assert_eq(P("4.19")->warn_ratelimit_burst, 10);
	cr_assert_eq(P("5.4")->warn_ratelimit_s, 10);
	cr_assert_eq(P("5.4")->warn_ratelimit_burst, 1);
	cr_assert_eq(P("6.6")->migratetypes[3], FS_MT_HIGHATOMIC);
	cr_assert_eq(P("6.6")->migratetypes[4], FS_MT_CMA);
}

/*
 * The allocator-rule and slow-path facts krules, verdict and explain act on,
 * one row per profile, read off the version ranges kprofile.h documents:
 *  0 harder_any_list            <= 4.14     1 fallback_find_smallest     4.13+
 *  2 cma_needs_alloc_cma        5.10+       3 nofragment_below_pageblock 6.1+
 *  4 fallback_returns_page      6.10+       5 fallback_claim_steal       6.15+
 *  6 pcp_falls_through          6.0+        7 pcp_cma_bypass             5.10 - 6.3
 *  8 compaction_suitable_4_4    <= 4.8      9 compaction_async_cma_check 6.14+
 * 10 compaction_async_alloc_wmark 6.15+
 * 11 slowpath_4_4               < 4.8      12 highatomic_cap_aligned     6.8+
 * 13 warn_skips_unmanaged_dma   5.4, 5.15+ (not 5.10)
 * 14 has_watermark_scale_factor 4.6+       15 pageblock_order_skip_bails 5.4 only
 * 16 show_mem_ratelimited       4.19 only
 * and the HighAtomic last resort: none with ALLOC_HIGH/HARDER, ALLOC_OOM|
 * ALLOC_NON_BLOCK in every MIN_RESERVE profile (5.15-late, 6.1-late/latest
 * and 6.6.y by backport, 6.12+ mainline).
 */
#define NR_RULE_FACTS 17

static void rule_facts(const struct fs_kprofile *p, int f[NR_RULE_FACTS])
{
	f[0] = p->harder_any_list;
	f[1] = p->fallback_find_smallest;
	f[2] = p->cma_needs_alloc_cma;
	f[3] = p->nofragment_below_pageblock;
	f[4] = p->fallback_returns_page;
	f[5] = p->fallback_claim_steal;
	f[6] = p->pcp_falls_through;
	f[7] = p->pcp_cma_bypass;
	f[8] = p->compaction_suitable_4_4;
	f[9] = p->compaction_async_cma_check;
	f[10] = p->compaction_async_alloc_wmark;
	f[11] = p->slowpath_4_4;
	f[12] = p->highatomic_cap_aligned;
	f[13] = p->warn_skips_unmanaged_dma;
	f[14] = p->has_watermark_scale_factor;
	f[15] = p->pageblock_order_skip_bails;
	f[16] = p->show_mem_ratelimited;
}

#define NONE FS_LAST_RESORT_NONE
#define OOM_NB FS_LAST_RESORT_OOM_NON_BLOCK

Test(kprofile, rule_facts_every_profile)
{
	static const struct {
		const char *name;
		int facts[NR_RULE_FACTS];
		enum fs_highatomic_last_resort last_resort;
	} rows[] = {
		/*               0  1  2  3  4  5  6  7  8  9 10  11 12 13 14 15 16 */
		{ "4.4",        { 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,  1, 0, 0, 0, 0, 0 }, NONE },
		{ "4.9",        { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 1, 0, 0 }, NONE },
		{ "4.14",       { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 1, 0, 0 }, NONE },
		{ "4.19",       { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 1, 0, 1 }, NONE },
		{ "5.4",        { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 1, 1, 1, 0 }, NONE },
		{ "5.10",       { 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0,  0, 0, 0, 1, 0, 0 }, NONE },
		{ "5.15",       { 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0,  0, 0, 1, 1, 0, 0 }, NONE },
		{ "5.15-late",  { 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0,  0, 0, 1, 1, 0, 0 }, OOM_NB },
		{ "6.1-early",  { 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0,  0, 0, 1, 1, 0, 0 }, NONE },
		{ "6.1-late",   { 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0,  0, 0, 1, 1, 0, 0 }, OOM_NB },
		{ "6.1-latest", { 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0,  0, 0, 1, 1, 0, 0 }, OOM_NB },
		{ "6.6",        { 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0,  0, 0, 1, 1, 0, 0 }, OOM_NB },
		{ "6.12",       { 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0,  0, 1, 1, 1, 0, 0 }, OOM_NB },
		{ "6.12-late",  { 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0,  0, 1, 1, 1, 0, 0 }, OOM_NB },
		{ "6.15",       { 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1,  0, 1, 1, 1, 0, 0 }, OOM_NB },
		{ "6.18",       { 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1,  0, 1, 1, 1, 0, 0 }, OOM_NB },
	};
	size_t n;
	const struct fs_kprofile *const *all = fs_kprofiles(&n);
	cr_assert_eq(n, sizeof(rows) / sizeof(rows[0]));
	for (size_t i = 0; i < n; i++) {
		int got[NR_RULE_FACTS];
		cr_assert_str_eq(all[i]->name, rows[i].name);
		rule_facts(all[i], got);
		for (int k = 0; k < NR_RULE_FACTS; k++)
			cr_assert_eq(got[k], rows[i].facts[k], "%s fact %d: %d, want %d",
				     rows[i].name, k, got[k], rows[i].facts[k]);
		cr_assert_eq(all[i]->highatomic_last_resort, rows[i].last_resort, "%s",
			     rows[i].name);
		/* the last resort exists exactly with the 6.3 ALLOC_* scheme */
		cr_assert_eq(all[i]->highatomic_last_resort != FS_LAST_RESORT_NONE,
			     all[i]->reserve_scheme == FS_RESERVE_MIN_NONBLOCK, "%s", rows[i].name);
	}
}

#undef NONE
#undef OOM_NB

Test(kprofile, rule_facts_at_their_boundaries)
{
	/* ALLOC_HARDER passes on any list up to 4.14; 4.15 tests the lists */
	cr_assert(P("4.14")->harder_any_list);
	cr_assert_not(P("4.19")->harder_any_list);
	/* find_smallest: 4.13-rc1, so 4.9 takes the largest, 4.14 the smallest */
	cr_assert_not(P("4.9")->fallback_find_smallest);
	cr_assert(P("4.14")->fallback_find_smallest);
	/* 4.4-style compaction suitability and slow path: 4.4 only of the profiles */
	cr_assert(P("4.4")->compaction_suitable_4_4 && P("4.4")->slowpath_4_4);
	cr_assert_not(P("4.9")->compaction_suitable_4_4 || P("4.9")->slowpath_4_4);
	cr_assert_not(P("4.4")->has_watermark_scale_factor);
	cr_assert(P("4.9")->has_watermark_scale_factor);
	/* CMA by ALLOC_CMA from 5.10; the per-cpu CMA bypass 5.10 - 6.3 */
	cr_assert_not(P("5.4")->cma_needs_alloc_cma);
	cr_assert(P("5.10")->cma_needs_alloc_cma);
	cr_assert(P("6.1-latest")->pcp_cma_bypass);
	cr_assert_not(P("6.6")->pcp_cma_bypass);
	/* 6.0+ per-cpu fall-through, 6.1+ NOFRAGMENT below the pageblock only */
	cr_assert_not(P("5.15-late")->pcp_falls_through);
	cr_assert(P("6.1-early")->pcp_falls_through);
	cr_assert_not(P("5.15")->nofragment_below_pageblock);
	cr_assert(P("6.1-early")->nofragment_below_pageblock);
	/* 6.10 fallback returns the page; 6.15 claim/steal and async compaction */
	cr_assert_not(P("6.6")->fallback_returns_page);
	cr_assert(P("6.12")->fallback_returns_page);
	cr_assert_not(P("6.12-late")->fallback_claim_steal);
	cr_assert(P("6.15")->fallback_claim_steal);
	cr_assert(P("6.18")->fallback_claim_steal);
	cr_assert_not(P("6.12")->compaction_async_cma_check);
	cr_assert(P("6.18")->compaction_async_cma_check && P("6.18")->compaction_async_alloc_wmark);
	/* highatomic cap aligned from 6.8: 6.6 not, 6.12 yes */
	cr_assert_not(P("6.6")->highatomic_cap_aligned);
	cr_assert(P("6.12")->highatomic_cap_aligned);
	/* DMA warn suppression: 5.4.273 yes, 5.10.89 no, 5.15 on */
	cr_assert(P("5.4")->warn_skips_unmanaged_dma);
	cr_assert_not(P("5.10")->warn_skips_unmanaged_dma);
	cr_assert(P("5.15")->warn_skips_unmanaged_dma);
	cr_assert_not(P("4.19")->warn_skips_unmanaged_dma);
	/* 5.4-only pageblock-order bail, 4.19-only show_mem ratelimit */
	cr_assert(P("5.4")->pageblock_order_skip_bails);
	cr_assert_not(P("5.10")->pageblock_order_skip_bails);
	cr_assert(P("4.19")->show_mem_ratelimited);
	cr_assert_not(P("5.4")->show_mem_ratelimited);
	/* the HighAtomic last resort came with the ALLOC_* rework in the stable
	 * backports, and to all of 6.6.y */
	cr_assert_eq(P("5.15")->highatomic_last_resort, FS_LAST_RESORT_NONE);
	cr_assert_eq(P("5.15-late")->highatomic_last_resort, FS_LAST_RESORT_OOM_NON_BLOCK);
	cr_assert_eq(P("6.1-early")->highatomic_last_resort, FS_LAST_RESORT_NONE);
	cr_assert_eq(P("6.6")->highatomic_last_resort, FS_LAST_RESORT_OOM_NON_BLOCK);
	cr_assert_eq(P("6.18")->highatomic_last_resort, FS_LAST_RESORT_OOM_NON_BLOCK);
}

/* ---- choosing a profile ---- */

struct pick {
	const char *release, *profile;
	bool guessed;
	const char *why_has;
};

Test(kprofile, profile_for_release_strings)
{
	static const struct pick picks[] = {
		{ "4.19.176", "4.19", false, "kernel 4.19.176 -> profile 4.19" },
		{ "5.10.0-8-amd64", "5.10", false, "-> profile 5.10" },
		{ "6.1.57-android14-11-g1234abcd", "6.1-early", false, "profile 6.1-early" },
		{ "6.1.115", "6.1-early", false, NULL },
		{ "6.1.116", "6.1-late", false, NULL },   /* the ALLOC_* rework backport */
		{ "6.1.156", "6.1-late", false, NULL },
		{ "6.1.157", "6.1-latest", false, NULL },
		{ "6.18.44-fc-v657", "6.18", false, "profile 6.18" },
		{ "3.10.0-1160.el7.x86_64", "4.4", true, "older than the oldest profile" },
		{ "4.4.302", "4.4", false, NULL },
		{ "4.9.337", "4.9", false, NULL },
		{ "4.14.336", "4.14", false, NULL },
		{ "5.15.170", "5.15", false, NULL },
		{ "5.15.171", "5.15-late", false, NULL },
		{ "5.15.0-91-generic", "5.15", false, "hide a later stable release" },
		{ "6.6.87-lab", "6.6", false, NULL },
		{ "6.12.53", "6.12", false, NULL },
		{ "6.12.54", "6.12-late", false, NULL },
		/* between profiles: the nearest older, of a split series the mainline one */
		{ "4.18.0-553.el8_10.x86_64", "4.14", false, "nearest older" },
		{ "5.2.1", "4.19", false, "nearest older" },
		{ "6.2.16", "6.1-early", false, "nearest older" },
		{ "6.8.0-31-generic", "6.6", false, "nearest older" },
		{ "6.13.7", "6.12", false, "nearest older" },
		{ "6.17.1", "6.15", false, "nearest older" },
		{ "7.0.1", "6.18", false, "newer than the newest profile" },
		{ "v6.6.1", "6.6", false, NULL },
		{ "", "6.18", true, "no kernel release known: using the newest profile, 6.18" },
		{ "unknown", "6.18", true, "not understood" },
		{ "6", "6.18", true, "not understood" },
	};
	for (size_t i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
		bool guessed = !picks[i].guessed;
		char why[160];
		const struct fs_kprofile *p = fs_kprofile_for_release(picks[i].release, &guessed,
								      why, sizeof(why));
		cr_assert_str_eq(p->name, picks[i].profile, "%s", picks[i].release);
		cr_assert_eq(guessed, picks[i].guessed, "%s", picks[i].release);
		cr_assert(why[0], "%s: why is empty", picks[i].release);
		if (picks[i].why_has)
			cr_assert(strstr(why, picks[i].why_has), "%s: \"%s\"", picks[i].release,
				  why);
	}
	bool g = false;
	cr_assert_eq(fs_kprofile_for_release(NULL, &g, NULL, 0), P("6.18"));
	cr_assert(g);
	/* by name, or by release; nonsense is NULL */
	cr_assert_str_eq(P("5.10")->name, "5.10");
	cr_assert_str_eq(P("5.10.0-8-amd64")->name, "5.10");
	cr_assert_str_eq(P("6.1")->name, "6.1-early", "6.1 = 6.1.0");
	cr_assert_null(fs_kprofile_by_name("windows"));
	cr_assert_null(fs_kprofile_by_name(""));
	/* a long release does not overflow why */
	char longrel[300], why[40];
	memset(longrel, '9', sizeof(longrel) - 1);
	longrel[0] = '6';
	longrel[1] = '.';
	longrel[sizeof(longrel) - 1] = '\0';
	fs_kprofile_for_release(longrel, &g, why, sizeof(why));
	cr_assert_lt(strlen(why), sizeof(why));
}

/* ---- bits and config ---- */

Test(gfp, config_dependent_bits)
{
	struct fs_kconfig c;
	/* distro default: no KASAN_HW_TAGS, no LOCKDEP, SLAB_OBJ_EXT from 6.10 */
	fs_kconfig_default(P("6.6"), &c);
	cr_assert(c.cma && c.numa && !c.lockdep && !c.kasan_hw_tags && !c.slab_obj_ext);
	fs_kconfig_default(P("6.12"), &c);
	cr_assert(c.slab_obj_ext);

	/* 5.15: SKIP_KASAN_POISON = 0x1000000 whatever the config */
	fs_kconfig_default(P("5.15"), &c);
	cr_assert_eq(fs_gfp_bit(P("5.15"), &c, FS_GFP_SKIP_KASAN_POISON), 0x1000000);
	cr_assert_eq(fs_gfp_bit(P("5.15"), &c, FS_GFP_NOLOCKDEP), 0);
	c.lockdep = true;
	cr_assert_eq(fs_gfp_bit(P("5.15"), &c, FS_GFP_NOLOCKDEP), 0x2000000);

	/* 6.1: the three kasan bits only with KASAN_HW_TAGS */
	fs_kconfig_default(P("6.1-late"), &c);
	cr_assert_eq(fs_gfp_bit(P("6.1-late"), &c, FS_GFP_SKIP_KASAN_POISON), 0);
	c.kasan_hw_tags = true;
	cr_assert_eq(fs_gfp_bit(P("6.1-late"), &c, FS_GFP_SKIP_ZERO), 0x1000000);
	cr_assert_eq(fs_gfp_bit(P("6.1-late"), &c, FS_GFP_SKIP_KASAN_UNPOISON), 0x2000000);
	cr_assert_eq(fs_gfp_bit(P("6.1-late"), &c, FS_GFP_SKIP_KASAN_POISON), 0x4000000);
	cr_assert_eq(fs_gfp_bit(P("6.1-late"), &c, FS_GFP_ATOMIC), 0x200, "still in 6.1.y");
	cr_assert_eq(fs_gfp_bit(P("6.6"), &c, FS_GFP_ATOMIC), 0, "gone in 6.3");

	/* 6.11+ enum: positions from bit 24 on, configured flags only */
	struct fs_kconfig e = { .cma = true, .numa = true, .slab_obj_ext = true };
	cr_assert_eq(fs_gfp_bit(P("6.18"), &e, FS_GFP_NO_OBJ_EXT), 0x1000000);    /* 1 << 24 */
	e.lockdep = true;
	cr_assert_eq(fs_gfp_bit(P("6.18"), &e, FS_GFP_NOLOCKDEP), 0x1000000);     /* 1 << 24 */
	cr_assert_eq(fs_gfp_bit(P("6.18"), &e, FS_GFP_NO_OBJ_EXT), 0x2000000);    /* 1 << 25 */
	e.kasan_hw_tags = true;
	cr_assert_eq(fs_gfp_bit(P("6.18"), &e, FS_GFP_SKIP_ZERO), 0x1000000);     /* 1 << 24 */
	cr_assert_eq(fs_gfp_bit(P("6.18"), &e, FS_GFP_SKIP_KASAN), 0x2000000);    /* 1 << 25 */
	cr_assert_eq(fs_gfp_bit(P("6.18"), &e, FS_GFP_NOLOCKDEP), 0x4000000);     /* 1 << 26 */
	cr_assert_eq(fs_gfp_bit(P("6.18"), &e, FS_GFP_NO_OBJ_EXT), 0x8000000);    /* 1 << 27 */
	e.slab_obj_ext = false;
	cr_assert_eq(fs_gfp_bit(P("6.18"), &e, FS_GFP_NO_OBJ_EXT), 0);
	/* NULL config: the default */
	cr_assert_eq(fs_gfp_bit(P("6.12"), NULL, FS_GFP_NO_OBJ_EXT), 0x1000000);
	cr_assert_eq(fs_gfp_bit(P("6.12"), NULL, FS_GFP_NR_FLAGS), 0);
	cr_assert_str_eq(fs_gfp_flag_name(FS_GFP_KSWAPD_RECLAIM), "__GFP_KSWAPD_RECLAIM");
}

Test(gfp, layouts_between_4_5_and_4_19)
{
	/* 4.9 (4.5 - 4.9): layout A with ACCOUNT where 4.4 had NOACCOUNT */
	cr_assert_eq(fs_gfp_bit(P("4.4"), NULL, FS_GFP_NOACCOUNT), 0x100000);
	cr_assert_eq(fs_gfp_bit(P("4.4"), NULL, FS_GFP_ACCOUNT), 0);
	cr_assert_eq(fs_gfp_bit(P("4.9"), NULL, FS_GFP_ACCOUNT), 0x100000);
	cr_assert_eq(fs_gfp_bit(P("4.9"), NULL, FS_GFP_OTHER_NODE), 0x800000);
	cr_assert_eq(fs_gfp_bit(P("4.9"), NULL, FS_GFP_KSWAPD_RECLAIM), 0x2000000);
	cr_assert_eq(fs_gfp_bit(P("4.9"), NULL, FS_GFP_REPEAT), 0x400);
	/* 4.14: OTHER_NODE gone (4.10), WRITE/KSWAPD moved down, RETRY_MAYFAIL (4.13) */
	cr_assert_eq(fs_gfp_bit(P("4.14"), NULL, FS_GFP_OTHER_NODE), 0);
	cr_assert_eq(fs_gfp_bit(P("4.14"), NULL, FS_GFP_WRITE), 0x800000);
	cr_assert_eq(fs_gfp_bit(P("4.14"), NULL, FS_GFP_KSWAPD_RECLAIM), 0x1000000);
	cr_assert_eq(fs_gfp_bit(P("4.14"), NULL, FS_GFP_RETRY_MAYFAIL), 0x400);
	cr_assert_eq(fs_gfp_bit(P("4.14"), NULL, FS_GFP_REPEAT), 0);
	cr_assert_eq(fs_gfp_bit(P("4.14"), NULL, FS_GFP_COLD), 0x100);
	struct fs_kconfig c = { .lockdep = true, .cma = true };
	cr_assert_eq(fs_gfp_bit(P("4.14"), &c, FS_GFP_NOLOCKDEP), 0x2000000);
	/* 4.19: COLD gone, WRITE at 0x100 (4.15 reshuffle) */
	cr_assert_eq(fs_gfp_bit(P("4.19"), NULL, FS_GFP_COLD), 0);
	cr_assert_eq(fs_gfp_bit(P("4.19"), NULL, FS_GFP_WRITE), 0x100);
}

/* ---- kernel-rules §1.2: composite values, every column ---- */

struct column {
	const char *profiles[5];
	uint64_t atomic, kernel, kernel_account, nowait, noio, nofs, user, highuser, hmovable,
		th_light, th;
};

Test(gfp, composite_values_every_column)
{
	static const struct column cols[] = {
		/* 4.4 (A): KERNEL = DIRECT 0x400000 + KSWAPD 0x2000000 + IO 0x40 + FS 0x80;
		 * ATOMIC = HIGH 0x20 + ATOMIC 0x80000 + KSWAPD; TRANSHUGE = (HIGHUSER_MOVABLE
		 * 0x24200ca | COMP 0x4000 | NOMEMALLOC 0x10000 | NORETRY 0x1000 | NOWARN
		 * 0x200) & ~KSWAPD = 0x24352ca & ~0x2000000 = 0x4352ca */
		{ { "4.4" }, 0x2080020, 0x24000c0, 0, 0x2000000, 0x2400000, 0x2400040,
		  0x24200c0, 0x24200c2, 0x24200ca, 0, 0x4352ca },
		/* 4.9: as 4.4; KERNEL_ACCOUNT = 0x24000c0 + ACCOUNT 0x100000; LIGHT =
		 * (0x24200ca | 0x4000 | 0x10000 | 0x200) & ~0x2400000 = 0x342ca;
		 * TRANSHUGE = LIGHT | DIRECT 0x400000 = 0x4342ca */
		{ { "4.9" }, 0x2080020, 0x24000c0, 0x25000c0, 0x2000000, 0x2400000, 0x2400040,
		  0x24200c0, 0x24200c2, 0x24200ca, 0x342ca, 0x4342ca },
		/* 4.14: DIRECT 0x400000, KSWAPD 0x1000000: KERNEL = 0x14000c0, ATOMIC =
		 * 0x20 + 0x80000 + 0x1000000 = 0x1080020; LIGHT = (0x14200ca | 0x14200)
		 * & ~0x1400000 = 0x342ca; TRANSHUGE = 0x342ca | 0x400000 = 0x4342ca */
		{ { "4.14" }, 0x1080020, 0x14000c0, 0x15000c0, 0x1000000, 0x1400000, 0x1400040,
		  0x14200c0, 0x14200c2, 0x14200ca, 0x342ca, 0x4342ca },
		/* 4.19/5.0 (B) */
		{ { "4.19" }, 0x480020, 0x6000c0, 0x7000c0, 0x400000, 0x600000, 0x600040,
		  0x6200c0, 0x6200c2, 0x6200ca, 0x342ca, 0x2342ca },
		/* 5.1 - 5.10 (C) */
		{ { "5.4", "5.10" }, 0xa20, 0xcc0, 0x400cc0, 0x800, 0xc00, 0xc40, 0x100cc0,
		  0x100cc2, 0x100cca, 0x1c20ca, 0x1c24ca },
		/* 5.15 (D): HIGHUSER_MOVABLE + SKIP_KASAN_POISON 0x1000000 = 0x1100cca */
		{ { "5.15", "5.15-late" }, 0xa20, 0xcc0, 0x400cc0, 0x800, 0xc00, 0xc40,
		  0x100cc0, 0x100cc2, 0x1100cca, 0x11c20ca, 0x11c24ca },
		/* 6.1 (E): kasan bits 0 without KASAN_HW_TAGS */
		{ { "6.1-early", "6.1-late", "6.1-latest" }, 0xa20, 0xcc0, 0x400cc0, 0x800,
		  0xc00, 0xc40, 0x100cc0, 0x100cc2, 0x100cca, 0x1c20ca, 0x1c24ca },
		/* 6.3 - 6.6: GFP_ATOMIC = HIGH 0x20 + KSWAPD 0x800 = 0x820 */
		{ { "6.6" }, 0x820, 0xcc0, 0x400cc0, 0x800, 0xc00, 0xc40, 0x100cc0, 0x100cc2,
		  0x100cca, 0x1c20ca, 0x1c24ca },
		/* 6.8+: GFP_NOWAIT = KSWAPD 0x800 + NOWARN 0x2000 = 0x2800 */
		{ { "6.12", "6.12-late", "6.15", "6.18" }, 0x820, 0xcc0, 0x400cc0, 0x2800, 0xc00,
		  0xc40, 0x100cc0, 0x100cc2, 0x100cca, 0x1c20ca, 0x1c24ca },
	};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		const struct column *k = &cols[i];
		for (size_t j = 0; j < 5 && k->profiles[j]; j++) {
			const char *pr = k->profiles[j];
			ASSERT_ENC(pr, NULL, "GFP_ATOMIC", k->atomic);
			ASSERT_ENC(pr, NULL, "GFP_KERNEL", k->kernel);
			ASSERT_ENC(pr, NULL, "GFP_NOWAIT", k->nowait);
			ASSERT_ENC(pr, NULL, "GFP_NOIO", k->noio);
			ASSERT_ENC(pr, NULL, "GFP_NOFS", k->nofs);
			ASSERT_ENC(pr, NULL, "GFP_USER", k->user);
			ASSERT_ENC(pr, NULL, "GFP_DMA", 0x1);
			ASSERT_ENC(pr, NULL, "GFP_DMA32", 0x4);
			ASSERT_ENC(pr, NULL, "GFP_HIGHUSER", k->highuser);
			ASSERT_ENC(pr, NULL, "GFP_HIGHUSER_MOVABLE", k->hmovable);
			ASSERT_ENC(pr, NULL, "GFP_TRANSHUGE", k->th);
			if (k->kernel_account)
				ASSERT_ENC(pr, NULL, "GFP_KERNEL_ACCOUNT", k->kernel_account);
			if (k->th_light)
				ASSERT_ENC(pr, NULL, "GFP_TRANSHUGE_LIGHT", k->th_light);
		}
	}
	/* GFP_TEMPORARY = GFP_KERNEL | RECLAIMABLE 0x10, in 4.4 and 4.9 only */
	ASSERT_ENC("4.4", NULL, "GFP_TEMPORARY", 0x24000d0);
	ASSERT_ENC("4.9", NULL, "GFP_TEMPORARY", 0x24000d0);
	uint64_t m;
	cr_assert_not(fs_gfp_parse(P("4.14"), NULL, "GFP_TEMPORARY", &m, NULL, 0));
	cr_assert_not(fs_gfp_parse(P("4.4"), NULL, "GFP_TRANSHUGE_LIGHT", &m, NULL, 0));
	cr_assert_not(fs_gfp_parse(P("4.4"), NULL, "GFP_KERNEL_ACCOUNT", &m, NULL, 0));

	/* KASAN_HW_TAGS adds the SKIP bits to GFP_HIGHUSER_MOVABLE: 6.1 + UNPOISON
	 * 0x2000000 + POISON 0x4000000 = 0x6100cca; 6.6 + SKIP_KASAN 0x2000000;
	 * 6.18 enum: SKIP_KASAN = 1 << 25 = 0x2000000 */
	struct fs_kconfig k = { .kasan_hw_tags = true, .cma = true };
	ASSERT_ENC("6.1-late", &k, "GFP_HIGHUSER_MOVABLE", 0x6100cca);
	ASSERT_ENC("6.1-late", &k, "GFP_TRANSHUGE_LIGHT", 0x61c20ca);
	ASSERT_ENC("6.6", &k, "GFP_HIGHUSER_MOVABLE", 0x2100cca);
	ASSERT_ENC("6.18", &k, "GFP_HIGHUSER_MOVABLE", 0x2100cca);
	ASSERT_ENC("6.18", &k, "GFP_TRANSHUGE", 0x21c24ca);
	/* and the public tables carry the default-config values */
	const struct fs_kprofile *p = P("5.15");
	bool found = false;
	for (size_t i = 0; i < p->nr_composites; i++)
		if (strcmp(p->composites[i].name, "GFP_HIGHUSER_MOVABLE") == 0) {
			cr_assert_eq(p->composites[i].mask, 0x1100cca);
			found = true;
		}
	cr_assert(found);
}

/* ---- kernel-rules §1.3: decoding examples ---- */

Test(gfp, decoding_examples)
{
	/* 0x40cc0 = GFP_KERNEL 0xcc0 + COMP 0x40000 */
	ASSERT_DEC("5.4", NULL, 0x40cc0, "GFP_KERNEL|__GFP_COMP");
	ASSERT_DEC("6.6", NULL, 0x40cc0, "GFP_KERNEL|__GFP_COMP");
	ASSERT_DEC("6.18", NULL, 0x40cc0, "GFP_KERNEL|__GFP_COMP");
	/* 0x2a20 = GFP_ATOMIC 0xa20 + NOWARN 0x2000; 6.3+ GFP_ATOMIC is 0x820 and
	 * bit 0x200 is nobody's */
	ASSERT_DEC("5.10", NULL, 0x2a20, "GFP_ATOMIC|__GFP_NOWARN");
	ASSERT_DEC("6.1-late", NULL, 0x2a20, "GFP_ATOMIC|__GFP_NOWARN");
	ASSERT_DEC("6.6", NULL, 0x2a20, "GFP_ATOMIC|__GFP_NOWARN|0x200");
	ASSERT_DEC("6.18", NULL, 0x2a20, "GFP_ATOMIC|__GFP_NOWARN|0x200");
	ASSERT_DEC("4.19", NULL, 0x342ca, "GFP_TRANSHUGE_LIGHT");
	/* 5.15: 0x1100cca is exactly GFP_HIGHUSER_MOVABLE; 5.10 and 6.1 have no flag
	 * at 0x1000000; 6.12 has __GFP_NO_OBJ_EXT there but %pGg does not name it */
	ASSERT_DEC("5.15", NULL, 0x1100cca, "GFP_HIGHUSER_MOVABLE");
	ASSERT_DEC("5.10", NULL, 0x1100cca, "GFP_HIGHUSER_MOVABLE|0x1000000");
	ASSERT_DEC("6.1-early", NULL, 0x1100cca, "GFP_HIGHUSER_MOVABLE|0x1000000");
	ASSERT_DEC("6.12", NULL, 0x1100cca, "GFP_HIGHUSER_MOVABLE|0x1000000");
	/* 6.15+ names it, in bit order after the composites */
	ASSERT_DEC("6.18", NULL, 0x1100cca, "GFP_HIGHUSER_MOVABLE|__GFP_NO_OBJ_EXT");
	/* 0x2800 = KSWAPD 0x800 + NOWARN 0x2000: GFP_NOWAIT from 6.8 on */
	ASSERT_DEC("6.6", NULL, 0x2800, "GFP_NOWAIT|__GFP_NOWARN");
	ASSERT_DEC("6.12", NULL, 0x2800, "GFP_NOWAIT");
	/* 0x42dc0 = KERNEL 0xcc0 + ZERO 0x100 + NOWARN 0x2000 + COMP 0x40000: the old
	 * table names NOWARN, COMP, ZERO in that order, 6.15+ in bit order */
	ASSERT_DEC("6.12", NULL, 0x42dc0, "GFP_KERNEL|__GFP_NOWARN|__GFP_COMP|__GFP_ZERO");
	ASSERT_DEC("6.12-late", NULL, 0x42dc0, "GFP_KERNEL|__GFP_NOWARN|__GFP_COMP|__GFP_ZERO");
	ASSERT_DEC("6.15", NULL, 0x42dc0, "GFP_KERNEL|__GFP_ZERO|__GFP_NOWARN|__GFP_COMP");
	ASSERT_DEC("6.18", NULL, 0x42dc0, "GFP_KERNEL|__GFP_ZERO|__GFP_NOWARN|__GFP_COMP");
	/* the Android sample: order:3, mode:0x484020(GFP_ATOMIC|__GFP_COMP) on 4.19 =
	 * GFP_ATOMIC 0x480020 + COMP 0x4000 */
	ASSERT_DEC("4.19", NULL, 0x484020, "GFP_ATOMIC|__GFP_COMP");
	/* the same request on 4.9 (0x2080020 + 0x4000) and 4.14 (0x1080020 + 0x4000) */
	ASSERT_DEC("4.9", NULL, 0x2084020, "GFP_ATOMIC|__GFP_COMP");
	ASSERT_DEC("4.14", NULL, 0x1084020, "GFP_ATOMIC|__GFP_COMP");
	/* 4.4 prints hex only; fragscope still names it */
	ASSERT_DEC("4.4", NULL, 0x2084020, "GFP_ATOMIC|__GFP_COMP");
	/* %pGg of 0 is empty; a mask no name covers is hex only */
	ASSERT_DEC("4.19", NULL, 0, "");
	ASSERT_DEC("6.6", NULL, 0x200, "0x200");
	ASSERT_DEC("6.6", NULL, UINT64_C(0x8000000000000000), "0x8000000000000000");
	/* 4.14.y: no NOTRACK, 0x200000 is printed as hex */
	ASSERT_DEC("4.14", NULL, 0x14200c0 | 0x200000, "GFP_USER|0x200000");
	ASSERT_DEC("4.9", NULL, 0x24200c0 | 0x200000, "GFP_USER|__GFP_NOTRACK");
	/* LOCKDEP: 6.12 prints NOLOCKDEP (1 << 24; NO_OBJ_EXT then 1 << 25) as hex,
	 * 6.18 names both in bit order */
	struct fs_kconfig c = { .lockdep = true, .slab_obj_ext = true, .cma = true };
	ASSERT_DEC("6.12", &c, 0x3000cc0, "GFP_KERNEL|0x3000000");
	ASSERT_DEC("6.18", &c, 0x3000cc0, "GFP_KERNEL|__GFP_NOLOCKDEP|__GFP_NO_OBJ_EXT");
}

Test(gfp, format_truncates_safely)
{
	char small[8];
	size_t n = fs_gfp_format(P("4.19"), NULL, 0x484020, small, sizeof(small));
	cr_assert_eq(n, strlen(small));
	cr_assert_str_eq(small, "GFP_ATO");
	cr_assert_eq(fs_gfp_format(P("4.19"), NULL, 0x484020, NULL, 0), 0);
}

/* ---- round trips: every name of every profile, default and special configs ---- */

static void roundtrip_profile(const struct fs_kprofile *p, const struct fs_kconfig *c)
{
	/* every single flag this kernel has (with this config) */
	for (int f = 0; f < FS_GFP_NR_FLAGS; f++) {
		uint64_t bit = fs_gfp_bit(p, c, (enum fs_gfp_flag)f);
		if (!bit)
			continue;
		const char *name = fs_gfp_flag_name((enum fs_gfp_flag)f);
		cr_assert_eq(enc(p, c, name), bit, "%s %s", p->name, name);
		cr_assert_eq(enc(p, c, dec(p, c, bit)), bit, "%s %s: %s", p->name, name,
			     dec(p, c, bit));
		enum fs_gfp_flag got[FS_GFP_NR_FLAGS];
		uint64_t residue = 1;
		cr_assert_eq(fs_gfp_flags(p, c, bit, got, FS_GFP_NR_FLAGS, &residue), 1);
		cr_assert_eq(got[0], (enum fs_gfp_flag)f, "%s %s", p->name, name);
		cr_assert_eq(residue, 0);
	}
	/* every %pGg name and composite, by its default-config value */
	const struct fs_gfp_name *tables[2] = { p->pgg_names, p->composites };
	size_t sizes[2] = { p->nr_pgg_names, p->nr_composites };
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < sizes[t]; i++) {
			const struct fs_gfp_name *n = &tables[t][i];
			uint64_t v;
			char why[128];
			if (!fs_gfp_parse(p, c, n->name, &v, why, sizeof(why))) {
				/* a config-only flag named by the default table */
				cr_assert(c && strstr(why, "without CONFIG_"), "%s %s: %s", p->name,
					  n->name, why);
				continue;
			}
			if (!c)
				cr_assert_eq(v, n->mask, "%s %s", p->name, n->name);
			const char *s = dec(p, c, v);
			cr_assert_eq(enc(p, c, s), v, "%s %s -> %s", p->name, n->name, s);
			cr_assert_str_eq(dec(p, c, enc(p, c, s)), s);
			/* %pGg prints the name itself when no earlier entry fits in it */
			bool earlier = false;
			for (size_t j = 0; t == 0 && j < i; j++)
				if ((p->pgg_names[j].mask & v) == p->pgg_names[j].mask)
					earlier = true;
			if (t == 0 && !earlier && !c)
				cr_assert_str_eq(s, n->name, "%s %#llx", p->name,
						 (unsigned long long)v);
		}
}

Test(gfp, roundtrip_every_name_of_every_profile)
{
	size_t n;
	const struct fs_kprofile *const *all = fs_kprofiles(&n);
	struct fs_kconfig everything = { .kasan_hw_tags = true, .lockdep = true,
					 .slab_obj_ext = true, .cma = true, .numa = true };
	struct fs_kconfig nothing = { 0 };
	for (size_t i = 0; i < n; i++) {
		roundtrip_profile(all[i], NULL);
		roundtrip_profile(all[i], &everything);
		roundtrip_profile(all[i], &nothing);
	}
}

/* ---- encoding ---- */

Test(gfp, encoding_forms)
{
	ASSERT_ENC("4.19", NULL, "0x484020", 0x484020);
	ASSERT_ENC("4.19", NULL, "484020", 0x484020);
	ASSERT_ENC("4.19", NULL, "GFP_ATOMIC|__GFP_COMP", 0x484020);
	/* GFP_KERNEL 0xcc0 + NOWARN 0x2000 = 0x2cc0 */
	ASSERT_ENC("6.6", NULL, "GFP_KERNEL | __GFP_NOWARN", 0x2cc0);
	ASSERT_ENC("6.6", NULL, "gfp_kernel|nowarn", 0x2cc0);
	ASSERT_ENC("6.6", NULL, "GFP_KERNEL,GFP_NOWARN", 0x2cc0);
	ASSERT_ENC("6.6", NULL, "0x40cc0|__GFP_ZERO", 0x40dc0);
	/* 4.4 tracepoint style (GFP_IO) and extra underscores */
	ASSERT_ENC("4.4", NULL, "GFP_IO|GFP_FS", 0xc0);
	ASSERT_ENC("6.6", NULL, "___GFP_IO", 0x40);
	ASSERT_ENC("6.6", NULL, "__GFP_RECLAIM", 0xc00);
	ASSERT_ENC("6.6", NULL, "0", 0);

	uint64_t m = 1;
	char u[256];
	/* names of other versions are reported, with why */
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, "GFP_KERNEL|__GFP_ATOMIC", &m, u, sizeof(u)));
	cr_assert_eq(m, 0xcc0, "the understood part is kept");
	cr_assert_str_eq(u, "__GFP_ATOMIC (not in this kernel)");
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, "__GFP_NOLOCKDEP", &m, u, sizeof(u)));
	cr_assert_str_eq(u, "__GFP_NOLOCKDEP (0 without CONFIG_LOCKDEP)");
	cr_assert_not(fs_gfp_parse(P("6.1-late"), NULL, "__GFP_SKIP_ZERO", &m, u, sizeof(u)));
	cr_assert_str_eq(u, "__GFP_SKIP_ZERO (0 without CONFIG_KASAN_HW_TAGS)");
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, "GFP_KERNEL|bogus", &m, u, sizeof(u)));
	cr_assert_str_eq(u, "bogus (unknown name)");
	/* unknown bits are not dropped */
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, "0x2a20", &m, u, sizeof(u)));
	cr_assert_eq(m, 0x2a20);
	cr_assert_str_eq(u, "0x200 (no flag of this kernel)");
	/* "atomic" is GFP_ATOMIC 0xa20 or __GFP_ATOMIC 0x200 in 6.1 */
	cr_assert_not(fs_gfp_parse(P("6.1-late"), NULL, "atomic", &m, u, sizeof(u)));
	cr_assert_str_eq(u, "atomic (ambiguous)");
	ASSERT_ENC("6.6", NULL, "atomic", 0x820);
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, "  | ", &m, u, sizeof(u)));
	cr_assert_str_eq(u, "no mask given");
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, NULL, &m, u, sizeof(u)));
	/* 17 hex digits do not fit in 64 bits: not a number */
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, "0x12345678901234567", &m, u, sizeof(u)));
	/* several unknown items, comma separated; a small buffer is cut safely */
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, "foo bar", &m, u, sizeof(u)));
	cr_assert_str_eq(u, "foo (unknown name), bar (unknown name)");
	char tiny[6];
	cr_assert_not(fs_gfp_parse(P("6.6"), NULL, "foo bar", &m, tiny, sizeof(tiny)));
	cr_assert_str_eq(tiny, "foo (");
}

Test(gfp, single_flags_in_bit_order)
{
	enum fs_gfp_flag f[FS_GFP_NR_FLAGS];
	uint64_t residue;
	/* 0x484020 on 4.19 = HIGH 0x20, COMP 0x4000, ATOMIC 0x80000, KSWAPD 0x400000 */
	size_t n = fs_gfp_flags(P("4.19"), NULL, 0x484020, f, FS_GFP_NR_FLAGS, &residue);
	cr_assert_eq(n, 4);
	cr_assert_eq(f[0], FS_GFP_HIGH);
	cr_assert_eq(f[1], FS_GFP_COMP);
	cr_assert_eq(f[2], FS_GFP_ATOMIC);
	cr_assert_eq(f[3], FS_GFP_KSWAPD_RECLAIM);
	cr_assert_eq(residue, 0);
	/* 0x2a20 on 6.6 = HIGH 0x20, KSWAPD 0x800, NOWARN 0x2000; 0x200 left over */
	n = fs_gfp_flags(P("6.6"), NULL, 0x2a20, f, FS_GFP_NR_FLAGS, &residue);
	cr_assert_eq(n, 3);
	cr_assert_eq(f[0], FS_GFP_HIGH);
	cr_assert_eq(f[1], FS_GFP_KSWAPD_RECLAIM);
	cr_assert_eq(f[2], FS_GFP_NOWARN);
	cr_assert_eq(residue, 0x200);
	n = fs_gfp_flags(P("6.6"), NULL, 0x2a20, f, 1, NULL);
	cr_assert_eq(n, 1);
}

/* ---- meaning ---- */

static struct fs_gfp_meaning mean(const char *prof, const char *mask, int order,
				  const struct fs_alloc_task *t)
{
	struct fs_gfp_meaning m;
	fs_gfp_meaning(P(prof), NULL, enc(P(prof), NULL, mask), order, t, &m);
	return m;
}

static const char *aflags(const char *prof, unsigned flags)
{
	static char buf[256];
	fs_alloc_flags_format(P(prof), flags, buf, sizeof(buf));
	return buf;
}

#define F(x) FS_ALLOC_##x

Test(meaning, gfp_kernel)
{
	static const char *const profs[] = { "4.19", "6.1-early", "6.1-late", "6.6", "6.18" };
	for (size_t i = 0; i < 5; i++) {
		struct fs_gfp_meaning m = mean(profs[i], "GFP_KERNEL", 0, NULL);
		cr_assert_eq(m.highest_zone_rank, 2, "%s", profs[i]);
		cr_assert_str_eq(m.highest_zone, "Normal");
		cr_assert_eq(m.migratetype, FS_MT_UNMOVABLE);
		cr_assert(m.can_sleep && m.wakes_kswapd && m.may_reclaim && m.may_retry &&
			  m.may_oom && m.warns, "%s", profs[i]);
		cr_assert_not(m.may_compact, "order 0 does not compact");
		cr_assert_not(m.uses_cma || m.uses_reserves || m.uses_highatomic ||
			      m.no_watermarks || m.nofail);
		cr_assert_eq(m.min_mult_num, 1);
		cr_assert_eq(m.min_mult_den, 1);
		cr_assert_eq(m.reserve_flags, 0);
	}
	/* 4.19: no ALLOC_KSWAPD yet (5.0); slow path just the cpuset check */
	struct fs_gfp_meaning m = mean("4.19", "GFP_KERNEL", 0, NULL);
	cr_assert_eq(m.fast_flags, 0);
	cr_assert_eq(m.slow_flags, F(CPUSET));
	/* 6.6: ALLOC_KSWAPD; NOFRAGMENT in the fast path for a Normal preferred zone */
	m = mean("6.6", "GFP_KERNEL", 0, NULL);
	cr_assert_eq(m.fast_flags, F(KSWAPD) | F(NOFRAGMENT));
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(KSWAPD));
	/* order 2 compacts (IO set) and retries; order 4 neither retries nor OOMs */
	m = mean("6.6", "GFP_KERNEL", 2, NULL);
	cr_assert(m.may_compact && m.may_retry && m.may_oom);
	m = mean("6.6", "GFP_KERNEL", 4, NULL);
	cr_assert(m.may_compact);
	cr_assert_not(m.may_retry || m.may_oom);
	cr_assert(strstr(m.notes, "order > 3 without __GFP_RETRY_MAYFAIL"), "%s", m.notes);
}

Test(meaning, gfp_atomic_reserves_per_scheme)
{
	/* 4.19: HIGH -> min/2, HARDER -> -min/4: 1/2 * 3/4 = 3/8; __GFP_ATOMIC drops
	 * ALLOC_CPUSET; order 3 takes HighAtomic (ALLOC_HARDER) */
	struct fs_gfp_meaning m = mean("4.19", "GFP_ATOMIC", 3, NULL);
	cr_assert_eq(m.slow_flags, F(HIGH) | F(HARDER));
	cr_assert_str_eq(aflags("4.19", m.slow_flags), "ALLOC_HARDER|ALLOC_HIGH");
	cr_assert_eq(m.min_mult_num, 3);
	cr_assert_eq(m.min_mult_den, 8);
	cr_assert(m.uses_reserves && m.uses_highatomic && m.wakes_kswapd && m.warns);
	cr_assert_not(m.can_sleep || m.may_reclaim || m.may_compact || m.may_retry ||
		      m.may_oom);
	/* order 0 never reaches the HighAtomic lists before 6.12-era backports */
	m = mean("4.19", "GFP_ATOMIC", 0, NULL);
	cr_assert_not(m.uses_highatomic);
	/* 6.1-early: same scheme, plus ALLOC_KSWAPD */
	m = mean("6.1-early", "GFP_ATOMIC", 3, NULL);
	cr_assert_eq(m.slow_flags, F(HIGH) | F(HARDER) | F(KSWAPD));
	cr_assert_eq(m.min_mult_num * 8, 3 * m.min_mult_den);
	m = mean("6.1-early", "GFP_ATOMIC", 0, NULL);
	cr_assert_not(m.uses_highatomic);
	/* 6.1-late (6.1.116+): MIN_RESERVE -> /2, with NON_BLOCK -> *3/4 = 3/8;
	 * order > 0 earns ALLOC_HIGHATOMIC; MIN_RESERVE drops ALLOC_CPUSET */
	m = mean("6.1-late", "GFP_ATOMIC", 3, NULL);
	cr_assert_eq(m.slow_flags, F(MIN_RESERVE) | F(NON_BLOCK) | F(HIGHATOMIC) | F(KSWAPD));
	cr_assert_str_eq(aflags("6.1-late", m.slow_flags),
			 "ALLOC_NON_BLOCK|ALLOC_MIN_RESERVE|ALLOC_HIGHATOMIC|ALLOC_KSWAPD");
	cr_assert_eq(m.min_mult_num, 3);
	cr_assert_eq(m.min_mult_den, 8);
	cr_assert(m.uses_highatomic);
	/* order 0: HighAtomic as the last resort (281dd25c1a01 came with the backport) */
	m = mean("6.1-late", "GFP_ATOMIC", 0, NULL);
	cr_assert_eq(m.slow_flags, F(MIN_RESERVE) | F(NON_BLOCK) | F(KSWAPD));
	cr_assert(m.uses_highatomic);
	/* 6.6 and 6.18: GFP_ATOMIC is 0x820, the same flags */
	m = mean("6.6", "GFP_ATOMIC", 3, NULL);
	cr_assert_eq(m.slow_flags, F(MIN_RESERVE) | F(NON_BLOCK) | F(HIGHATOMIC) | F(KSWAPD));
	m = mean("6.18", "GFP_ATOMIC", 3, NULL);
	cr_assert_eq(m.slow_flags, F(MIN_RESERVE) | F(NON_BLOCK) | F(HIGHATOMIC) | F(KSWAPD));
	cr_assert_eq(m.min_mult_num, 3);
	cr_assert_eq(m.min_mult_den, 8);
	/* 4.4: fast path always CPUSET|FAIR; the kernel prints hex only */
	m = mean("4.4", "GFP_ATOMIC", 0, NULL);
	cr_assert_eq(m.fast_flags, F(CPUSET) | F(FAIR));
	cr_assert_str_eq(aflags("4.4", m.fast_flags), "ALLOC_CPUSET|ALLOC_FAIR");
	cr_assert_eq(m.slow_flags, F(HIGH) | F(HARDER));
	cr_assert(strstr(m.notes, "prints mode:0x2080020 only"), "%s", m.notes);
}

Test(meaning, gfp_nowait_and_highatomic)
{
	/* 6.3+ scheme: GFP_NOWAIT (no __GFP_HIGH) gets NON_BLOCK, which alone does not
	 * lower min (1/1), and ALLOC_HIGHATOMIC at order > 0 - not from 6.1.157 on */
	struct fs_gfp_meaning m = mean("6.1-late", "GFP_NOWAIT", 3, NULL);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(KSWAPD) | F(NON_BLOCK) | F(HIGHATOMIC));
	cr_assert_eq(m.min_mult_num, 1);
	cr_assert_eq(m.min_mult_den, 1);
	cr_assert_not(m.uses_reserves);
	cr_assert(m.uses_highatomic);
	cr_assert(strstr(m.notes, "6.3+: GFP_NOWAIT order>0 may use HighAtomic (ALLOC_HIGHATOMIC)"),
		  "%s", m.notes);
	m = mean("6.6", "GFP_NOWAIT", 3, NULL);
	cr_assert(m.slow_flags & F(HIGHATOMIC));
	cr_assert(m.warns, "6.6 GFP_NOWAIT has no __GFP_NOWARN");
	m = mean("6.1-latest", "GFP_NOWAIT", 3, NULL);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(KSWAPD) | F(NON_BLOCK));
	cr_assert_not(m.uses_highatomic);
	m = mean("6.18", "GFP_NOWAIT", 3, NULL);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(KSWAPD) | F(NON_BLOCK));
	cr_assert_not(m.uses_highatomic);
	cr_assert_not(m.warns, "6.8+ GFP_NOWAIT carries __GFP_NOWARN");
	cr_assert(strstr(m.notes, "no ALLOC_HIGHATOMIC"), "%s", m.notes);
	/* order 0: the last resort */
	m = mean("6.18", "GFP_NOWAIT", 0, NULL);
	cr_assert(m.uses_highatomic);
	/* <= 6.2: GFP_NOWAIT earns nothing */
	m = mean("4.19", "GFP_NOWAIT", 3, NULL);
	cr_assert_eq(m.slow_flags, F(CPUSET));
	cr_assert_not(m.uses_highatomic || m.uses_reserves);
	m = mean("6.1-early", "GFP_NOWAIT", 3, NULL);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(KSWAPD));
	cr_assert_not(m.uses_highatomic);
}

Test(meaning, highuser_movable_and_transhuge)
{
	/* 6.6 GFP_HIGHUSER_MOVABLE: MOVABLE+HIGHMEM -> ZONE_MOVABLE, migratetype
	 * Movable, CMA in both paths */
	struct fs_gfp_meaning m = mean("6.6", "GFP_HIGHUSER_MOVABLE", 0, NULL);
	cr_assert_eq(m.highest_zone_rank, 4);
	cr_assert_str_eq(m.highest_zone, "Movable");
	cr_assert_eq(m.migratetype, FS_MT_MOVABLE);
	cr_assert(m.uses_cma && m.may_reclaim && m.may_oom);
	cr_assert_eq(m.fast_flags, F(CMA) | F(KSWAPD) | F(NOFRAGMENT));
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(KSWAPD) | F(CMA));
	/* 4.19: CMA by migratetype, no KSWAPD flag */
	m = mean("4.19", "GFP_HIGHUSER_MOVABLE", 0, NULL);
	cr_assert_eq(m.fast_flags, F(CMA));
	/* without CONFIG_CMA, no ALLOC_CMA */
	struct fs_kconfig c;
	fs_kconfig_default(P("6.6"), &c);
	c.cma = false;
	fs_gfp_meaning(P("6.6"), &c, 0x100cca, 0, NULL, &m);
	cr_assert_not(m.uses_cma);
	/* GFP_TRANSHUGE order 9 on 6.18: may sleep, compacts, but a costly order
	 * without RETRY_MAYFAIL does not retry or OOM; NOWARN; no kswapd */
	m = mean("6.18", "GFP_TRANSHUGE", 9, NULL);
	cr_assert(m.can_sleep && m.may_reclaim && m.may_compact && m.uses_cma);
	cr_assert_not(m.wakes_kswapd || m.may_retry || m.may_oom || m.warns);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(CMA));
	/* GFP_TRANSHUGE_LIGHT: cannot sleep, and __GFP_NOMEMALLOC withholds NON_BLOCK */
	m = mean("6.18", "GFP_TRANSHUGE_LIGHT", 9, NULL);
	cr_assert_not(m.can_sleep || m.may_reclaim || m.may_compact || m.uses_highatomic);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(CMA));
	m = mean("4.19", "GFP_TRANSHUGE_LIGHT", 9, NULL);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(CMA));
	cr_assert_eq(m.fast_flags, F(CMA));
	/* memalloc_pin (5.15+) clears __GFP_MOVABLE: Normal, Unmovable, no CMA */
	struct fs_alloc_task pin = { .memalloc_pin = true };
	m = mean("6.6", "GFP_HIGHUSER_MOVABLE", 0, &pin);
	cr_assert_eq(m.highest_zone_rank, 2);
	cr_assert_eq(m.migratetype, FS_MT_UNMOVABLE);
	cr_assert_not(m.uses_cma);
	/* 5.10: PF_MEMALLOC_NOCMA keeps the zone, withholds CMA */
	m = mean("5.10", "GFP_HIGHUSER_MOVABLE", 0, &pin);
	cr_assert_eq(m.highest_zone_rank, 4);
	cr_assert_not(m.uses_cma);
}

Test(meaning, dma32_nofs_zones_and_oom_gates)
{
	/* GFP_KERNEL|GFP_DMA32 = 0xcc4: highest zone DMA32, so no OOM kill */
	struct fs_gfp_meaning m = mean("6.18", "GFP_KERNEL|GFP_DMA32", 0, NULL);
	cr_assert_eq(m.highest_zone_rank, 1);
	cr_assert_str_eq(m.highest_zone, "DMA32");
	cr_assert(m.may_reclaim && m.may_retry);
	cr_assert_not(m.may_oom);
	/* GFP_DMA32 alone cannot sleep */
	m = mean("4.19", "GFP_DMA32", 0, NULL);
	cr_assert_eq(m.highest_zone_rank, 1);
	cr_assert_not(m.can_sleep || m.wakes_kswapd || m.may_reclaim);
	m = mean("6.6", "GFP_DMA", 0, NULL);
	cr_assert_eq(m.highest_zone_rank, 0);
	/* invalid zone bits */
	m = mean("6.6", "GFP_DMA|GFP_DMA32", 0, NULL);
	cr_assert_eq(m.highest_zone_rank, -1);
	cr_assert_str_eq(m.highest_zone, "invalid");
	/* MOVABLE alone: Normal */
	m = mean("6.6", "__GFP_MOVABLE", 0, NULL);
	cr_assert_eq(m.highest_zone_rank, 2);
	/* GFP_NOFS: reclaims and retries, no OOM kill (no __GFP_FS) */
	m = mean("6.6", "GFP_NOFS", 0, NULL);
	cr_assert(m.may_reclaim && m.may_retry);
	cr_assert_not(m.may_oom);
	cr_assert(strstr(m.notes, "no __GFP_FS"), "%s", m.notes);
	m = mean("6.6", "GFP_NOFS", 2, NULL);
	cr_assert(m.may_compact, "IO is enough since 4.11");
	/* 4.9 needs FS too: GFP_NOFS does not compact */
	m = mean("4.9", "GFP_NOFS", 2, NULL);
	cr_assert_not(m.may_compact);
	cr_assert(strstr(m.notes, "no __GFP_FS: no direct compaction"), "%s", m.notes);
	m = mean("4.14", "GFP_NOFS", 2, NULL);
	cr_assert(m.may_compact);
	/* THISNODE: no OOM */
	m = mean("6.6", "GFP_KERNEL|__GFP_THISNODE", 0, NULL);
	cr_assert_not(m.may_oom);
	/* the memalloc_nofs scope strips FS the same way */
	struct fs_alloc_task nofs = { .memalloc_nofs = true };
	m = mean("6.6", "GFP_KERNEL", 0, &nofs);
	cr_assert_not(m.may_oom);
	struct fs_alloc_task noio = { .memalloc_noio = true };
	m = mean("6.6", "GFP_KERNEL", 2, &noio);
	cr_assert_not(m.may_compact);
}

Test(meaning, noretry_retry_mayfail_nofail)
{
	/* NORETRY: one round, no retries, no OOM */
	struct fs_gfp_meaning m = mean("6.6", "GFP_KERNEL|__GFP_NORETRY", 0, NULL);
	cr_assert_not(m.may_retry || m.may_oom);
	cr_assert(m.may_reclaim);
	m = mean("4.19", "GFP_KERNEL|__GFP_NORETRY", 4, NULL);
	cr_assert_not(m.may_retry || m.may_oom);
	/* RETRY_MAYFAIL: costly orders retry, but never invoke the OOM killer */
	m = mean("6.6", "GFP_KERNEL|__GFP_RETRY_MAYFAIL", 4, NULL);
	cr_assert(m.may_retry);
	cr_assert_not(m.may_oom);
	m = mean("6.6", "GFP_KERNEL|__GFP_RETRY_MAYFAIL", 0, NULL);
	cr_assert(m.may_retry);
	cr_assert_not(m.may_oom);
	/* ... and without __GFP_IO compaction is not allowed, which stops the
	 * retries in 6.1.116+/6.6+ (803de9000f33) but not in 6.1.0-115 */
	m = mean("6.6", "GFP_NOIO|__GFP_RETRY_MAYFAIL", 4, NULL);
	cr_assert_not(m.may_retry);
	m = mean("6.1-late", "GFP_NOIO|__GFP_RETRY_MAYFAIL", 4, NULL);
	cr_assert_not(m.may_retry);
	m = mean("6.1-early", "GFP_NOIO|__GFP_RETRY_MAYFAIL", 4, NULL);
	cr_assert(m.may_retry);
	/* 4.9: __GFP_REPEAT plays RETRY_MAYFAIL's part (renamed in 4.13) and does not
	 * gate the OOM killer */
	m = mean("4.9", "GFP_KERNEL|__GFP_REPEAT", 4, NULL);
	cr_assert(m.may_retry);
	m = mean("4.9", "GFP_KERNEL|__GFP_REPEAT", 0, NULL);
	cr_assert(m.may_oom);
	/* NOFAIL: retries forever; OOM only past the gates (order <= 3) since 4.11 */
	m = mean("6.6", "GFP_KERNEL|__GFP_NOFAIL", 0, NULL);
	cr_assert(m.nofail && m.may_retry && m.may_oom);
	m = mean("6.6", "GFP_KERNEL|__GFP_NOFAIL", 4, NULL);
	cr_assert(m.may_retry);
	cr_assert_not(m.may_oom);
	/* 4.4 and 4.9 skip every OOM gate for NOFAIL: GFP_KERNEL|NOFAIL on 4.4 =
	 * 0x24000c0 + 0x800 */
	struct fs_gfp_meaning k;
	fs_gfp_meaning(P("4.4"), NULL, 0x24008c0, 4, NULL, &k);
	cr_assert(k.may_oom && k.may_retry);
	m = mean("4.9", "GFP_NOFS|__GFP_NOFAIL", 0, NULL);
	cr_assert(m.may_oom);
	m = mean("4.14", "GFP_NOFS|__GFP_NOFAIL", 0, NULL);
	cr_assert_not(m.may_oom);
	/* NOFAIL that cannot sleep fails anyway */
	m = mean("6.6", "GFP_NOWAIT|__GFP_NOFAIL", 0, NULL);
	cr_assert_not(m.may_retry);
	cr_assert(strstr(m.notes, "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM"), "%s", m.notes);
}

Test(meaning, memalloc_nomemalloc_and_task_context)
{
	/* __GFP_MEMALLOC: ALLOC_NO_WATERMARKS, replacing the flags; 6.1+ keep
	 * ALLOC_KSWAPD, 5.10+ ALLOC_CMA (not for an Unmovable request) */
	struct fs_gfp_meaning m = mean("6.6", "GFP_KERNEL|__GFP_MEMALLOC", 0, NULL);
	cr_assert_eq(m.reserve_flags, F(NO_WATERMARKS) | F(KSWAPD));
	cr_assert(m.no_watermarks && m.uses_reserves);
	cr_assert_eq(m.min_mult_num, 0);
	m = mean("4.19", "GFP_KERNEL|__GFP_MEMALLOC", 0, NULL);
	cr_assert_eq(m.reserve_flags, F(NO_WATERMARKS));
	m = mean("5.10", "GFP_HIGHUSER_MOVABLE|__GFP_MEMALLOC", 0, NULL);
	cr_assert_eq(m.reserve_flags, F(NO_WATERMARKS) | F(CMA));
	/* NOMEMALLOC wins */
	m = mean("6.6", "GFP_KERNEL|__GFP_MEMALLOC|__GFP_NOMEMALLOC", 0, NULL);
	cr_assert_eq(m.reserve_flags, 0);
	cr_assert_not(m.no_watermarks);
	/* GFP_ATOMIC|__GFP_NOMEMALLOC: only the __GFP_HIGH half, min / 2 */
	m = mean("4.19", "GFP_ATOMIC|__GFP_NOMEMALLOC", 3, NULL);
	cr_assert_eq(m.slow_flags, F(HIGH));
	cr_assert_eq(m.min_mult_num, 1);
	cr_assert_eq(m.min_mult_den, 2);
	cr_assert_not(m.uses_highatomic);
	m = mean("6.6", "GFP_ATOMIC|__GFP_NOMEMALLOC", 3, NULL);
	cr_assert_eq(m.slow_flags, F(MIN_RESERVE) | F(KSWAPD));
	cr_assert_eq(m.min_mult_den, 2);
	/* __GFP_ATOMIC with DIRECT_RECLAIM is cleared (<= 6.2): 0x480020 + 0x200000 */
	m = mean("4.19", "GFP_ATOMIC|__GFP_DIRECT_RECLAIM", 0, NULL);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(HIGH));
	cr_assert(strstr(m.notes, "clears __GFP_ATOMIC"), "%s", m.notes);
	/* OOM victim: ALLOC_OOM (min / 2) from 4.15, NO_WATERMARKS before */
	struct fs_alloc_task victim = { .oom_victim = true };
	m = mean("4.19", "GFP_KERNEL", 0, &victim);
	cr_assert_eq(m.reserve_flags, F(OOM));
	cr_assert_eq(m.min_mult_den, 2);
	cr_assert_not(m.uses_highatomic, "<= 6.2 rmqueue takes HighAtomic for HARDER only");
	m = mean("6.6", "GFP_KERNEL", 0, &victim);
	cr_assert_eq(m.reserve_flags, F(OOM) | F(KSWAPD));
	cr_assert(m.uses_highatomic, "6.3+: ALLOC_OOM may take HighAtomic");
	m = mean("4.14", "GFP_KERNEL", 0, &victim);
	cr_assert_eq(m.reserve_flags, F(NO_WATERMARKS));
	m = mean("4.9", "GFP_KERNEL", 0, &victim);
	cr_assert_not(m.may_reclaim, "4.9: TIF_MEMDIE without NOFAIL stops before reclaim");
	/* RT task: HARDER (3/4) up to 6.2, MIN_RESERVE (1/2) from 6.3 */
	struct fs_alloc_task rt = { .rt_task = true };
	m = mean("6.1-early", "GFP_KERNEL", 0, &rt);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(KSWAPD) | F(HARDER));
	cr_assert_eq(m.min_mult_num, 3);
	cr_assert_eq(m.min_mult_den, 4);
	m = mean("6.6", "GFP_KERNEL", 0, &rt);
	cr_assert_eq(m.slow_flags, F(CPUSET) | F(KSWAPD) | F(MIN_RESERVE));
	cr_assert_eq(m.min_mult_den, 2);
	/* PF_MEMALLOC: no reclaim, all reserves */
	struct fs_alloc_task pf = { .pf_memalloc = true };
	m = mean("6.6", "GFP_KERNEL", 0, &pf);
	cr_assert(m.no_watermarks);
	cr_assert_not(m.may_reclaim);
	/* MOVABLE|RECLAIMABLE together: migratetype 3 */
	m = mean("6.6", "__GFP_MOVABLE|__GFP_RECLAIMABLE", 0, NULL);
	cr_assert_eq(m.migratetype, FS_MT_HIGHATOMIC);
	/* an order beyond the maximum */
	m = mean("6.6", "GFP_KERNEL", 11, NULL);
	cr_assert(strstr(m.notes, "beyond the maximum order 10"), "%s", m.notes);
}

Test(meaning, alloc_flag_names_follow_the_version)
{
	cr_assert_str_eq(aflags("4.19", F(HIGH) | F(HARDER) | F(CMA)),
			 "ALLOC_HARDER|ALLOC_HIGH|ALLOC_CMA");
	/* the same kernel bits under their 6.3 names */
	cr_assert_str_eq(aflags("6.6", F(HIGH) | F(HARDER)), "ALLOC_NON_BLOCK|ALLOC_MIN_RESERVE");
	cr_assert_str_eq(aflags("6.1-late", F(NON_BLOCK)), "ALLOC_NON_BLOCK");
	cr_assert_str_eq(aflags("6.1-early", F(NON_BLOCK)), "ALLOC_HARDER");
	/* flags a version lacks are marked */
	cr_assert_str_eq(aflags("4.19", F(HIGHATOMIC)), "ALLOC_HIGHATOMIC?");
	cr_assert_str_eq(aflags("4.14", F(OOM)), "ALLOC_OOM?");
	cr_assert_str_eq(aflags("4.19", F(KSWAPD)), "ALLOC_KSWAPD?");
	cr_assert_str_eq(aflags("5.4", F(KSWAPD) | F(NOFRAGMENT)),
			 "ALLOC_NOFRAGMENT|ALLOC_KSWAPD");
	cr_assert_str_eq(aflags("4.4", F(FAIR)), "ALLOC_FAIR");
	cr_assert_str_eq(aflags("4.9", F(FAIR)), "ALLOC_FAIR?");
	cr_assert_str_eq(aflags("6.18", F(NO_WATERMARKS) | F(OOM)),
			 "ALLOC_NO_WATERMARKS|ALLOC_OOM");
	cr_assert_str_eq(aflags("6.18", 0), "");
}

Test(meaning, null_profile_and_config_mean_newest_default)
{
	struct fs_gfp_meaning a, b;
	fs_gfp_meaning(NULL, NULL, 0x820, 3, NULL, &a);
	fs_gfp_meaning(P("6.18"), NULL, 0x820, 3, NULL, &b);
	cr_assert_eq(a.slow_flags, b.slow_flags);
	cr_assert_str_eq(dec(NULL, NULL, 0x820), "GFP_ATOMIC");
	/* negative order is order 0 */
	fs_gfp_meaning(P("6.18"), NULL, 0xcc0, -5, NULL, &a);
	cr_assert_not(a.may_compact);
}
