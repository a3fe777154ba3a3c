/*
 * kprofile.h - per-kernel-version facts, table driven: gfp bit values and
 * their printed names, composite masks, migratetypes, the alloc-flag rules,
 * watermark arithmetic variants, fallback order, costly order, retry and
 * OOM rules. One profile per version range (4.4 ... 6.18 "newer").
 *
 * Every version difference the verdict and the engine act on is a field
 * here, so that the code paths read "if (p->x)" instead of comparing
 * version numbers. Sources: ../shared/kernel-rules.md and the kernel tree
 * of each version; each table entry says where it was read.
 */
#ifndef FRAGSCOPE_KPROFILE_H
#define FRAGSCOPE_KPROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/snapshot.h"

/* gfp flags by identity; their bit values depend on the version (and, for
 * a few, on the kernel config). */
enum fs_gfp_flag {
	FS_GFP_DMA, FS_GFP_HIGHMEM, FS_GFP_DMA32, FS_GFP_MOVABLE, FS_GFP_RECLAIMABLE,
	FS_GFP_HIGH, FS_GFP_IO, FS_GFP_FS, FS_GFP_COLD, FS_GFP_NOWARN, FS_GFP_REPEAT,
	FS_GFP_NOFAIL, FS_GFP_NORETRY, FS_GFP_MEMALLOC, FS_GFP_COMP, FS_GFP_ZERO,
	FS_GFP_NOMEMALLOC, FS_GFP_HARDWALL, FS_GFP_THISNODE, FS_GFP_ATOMIC,
	FS_GFP_NOACCOUNT, FS_GFP_NOTRACK, FS_GFP_DIRECT_RECLAIM, FS_GFP_OTHER_NODE,
	FS_GFP_WRITE, FS_GFP_KSWAPD_RECLAIM, FS_GFP_RETRY_MAYFAIL, FS_GFP_ACCOUNT,
	FS_GFP_NOLOCKDEP, FS_GFP_ZEROTAGS, FS_GFP_SKIP_ZERO, FS_GFP_SKIP_KASAN_POISON,
	FS_GFP_SKIP_KASAN_UNPOISON, FS_GFP_SKIP_KASAN, FS_GFP_NO_OBJ_EXT,
	FS_GFP_NR_FLAGS
};

/* Config options that move or zero gfp bits (kernel-rules §1.1). */
struct fs_kconfig {
	bool kasan_hw_tags;     /* arm64 MTE kernels */
	bool lockdep;
	bool slab_obj_ext;      /* MEMCG or MEM_ALLOC_PROFILING, 6.10+ */
	bool cma;
	bool numa;
};

/* A (mask, name) pair of a table: %pGg names, composites. */
struct fs_gfp_name {
	uint64_t mask;
	const char *name;
};

/* Allocator flags by identity (ALLOC_*), whatever their value in a version. */
enum fs_alloc_flag {
	FS_ALLOC_NO_WATERMARKS = 1u << 0,
	FS_ALLOC_OOM           = 1u << 1,
	FS_ALLOC_HARDER        = 1u << 2,  /* <= 6.2 */
	FS_ALLOC_HIGH          = 1u << 3,  /* <= 6.2 */
	FS_ALLOC_NON_BLOCK     = 1u << 4,  /* 6.3+, 6.1.late */
	FS_ALLOC_MIN_RESERVE   = 1u << 5,  /* 6.3+, 6.1.late */
	FS_ALLOC_HIGHATOMIC    = 1u << 6,  /* 6.3+, 6.1.late */
	FS_ALLOC_CPUSET        = 1u << 7,
	FS_ALLOC_CMA           = 1u << 8,
	FS_ALLOC_NOFRAGMENT    = 1u << 9,
	FS_ALLOC_KSWAPD        = 1u << 10,
	FS_ALLOC_FAIR          = 1u << 11, /* 4.4 */
};

enum fs_wmark { FS_WMARK_MIN, FS_WMARK_LOW, FS_WMARK_HIGH };

/* Version differences in behaviour (kernel-rules §2-§7, §12b). */
enum fs_reserve_scheme {
	FS_RESERVE_HIGH_HARDER,         /* 4.4 - 6.2, 6.1 early: ALLOC_HIGH / ALLOC_HARDER */
	FS_RESERVE_MIN_NONBLOCK,        /* 6.3+, 6.1 late: MIN_RESERVE / NON_BLOCK / HIGHATOMIC */
};
enum fs_order0_shortcut {
	FS_ORDER0_NONE,                 /* 4.4: full check always */
	FS_ORDER0_CMA_ONLY,             /* 4.19 - 5.8: free - CMA > mark + reserve */
	FS_ORDER0_UNUSABLE,             /* 5.10: free - unusable(CMA, highatomic) */
	FS_ORDER0_UNUSABLE_CLAMPED,     /* 5.15+: same, clamped at 0 */
};
enum fs_classzone_rule {
	FS_CLASSZONE_PREFERRED,         /* <= 5.4: index of the preferred zone */
	FS_CLASSZONE_HIGHEST,           /* 5.8+: gfp_zone() */
};
/*
 * rmqueue_buddy's last resort on HighAtomic after __rmqueue failed: which
 * ALLOC_* flags reach it. 6.3-6.11 mainline ALLOC_OOM only; ALLOC_OOM|
 * ALLOC_NON_BLOCK from 6.12 and in the stable trees that took "mm/page_alloc:
 * let GFP_ATOMIC order-0 allocs access highatomic reserves" (Matt Fleming,
 * Oct 2024): 6.6.y (from about 6.6.60; the 6.6 profile covers all of 6.6.y and
 * is given the fix), and 6.1.116+ / 5.15.171+, where it came with the 6.3
 * ALLOC_* rework itself. None with the ALLOC_HIGH/ALLOC_HARDER scheme.
 */
enum fs_highatomic_last_resort {
	FS_LAST_RESORT_NONE,            /* <= 6.2, 6.1 early, 5.15 early */
	FS_LAST_RESORT_OOM,             /* 6.3 - 6.11 mainline (6.6.y apart) */
	FS_LAST_RESORT_OOM_NON_BLOCK,   /* 6.12+, 6.6.y, 6.1.116+, 5.15.171+ */
};

struct fs_kprofile {
	const char *name;               /* "4.19", "6.1-late", "6.18" */
	const char *covers;             /* "4.19.y", "6.1.y with y >= N" */
	int major, minor, sublevel_min, sublevel_max;  /* release range it covers */

	/* gfp bits (before config adjustment: see fs_gfp_bit) */
	uint64_t gfp_bit[FS_GFP_NR_FLAGS];
	const struct fs_gfp_name *pgg_names;  /* %pGg table, in the kernel's order */
	size_t nr_pgg_names;                  /* 0: this kernel prints hex only (4.4) */
	const struct fs_gfp_name *composites; /* GFP_KERNEL, GFP_ATOMIC ... with values */
	size_t nr_composites;

	/* migratetypes in enum order, as this version has them (with CONFIG_CMA) */
	uint8_t migratetypes[FS_MT_COUNT];
	int nr_migratetypes;

	enum fs_reserve_scheme reserve_scheme;
	enum fs_order0_shortcut order0_shortcut;
	enum fs_classzone_rule classzone_rule;
	bool highatomic_counts_free;    /* 6.10+: subtract nr_free_highatomic, else reserved */
	bool highatomic_needs_high;     /* 6.18: ALLOC_HIGHATOMIC only with __GFP_HIGH */
	bool has_nofragment;            /* 5.0+ */
	bool has_boost;                 /* 5.0+ watermark_boost */
	bool cma_prefer_half;           /* 5.8+: CMA first when > half of free is CMA */
	bool compaction_needs_fs;       /* 4.4: FS and IO; later IO only */
	bool compaction_gates_retries;  /* 6.1 late, 6.6+ (6.8+ mainline) */
	bool costly_noretry_skipped_too;/* 5.8+: bail on SKIPPED|DEFERRED, else DEFERRED */
	bool reclaim_retry_final_unreserve;  /* 6.1 late, 6.6+ */
	bool oom_victim_alloc_oom;      /* 4.19+: ALLOC_OOM exists */
	bool lowmem_zero_for_empty_upper;    /* 6.11, 6.12 only */
	int pcp_max_order;              /* 0 (<= 5.10) or 3 (5.15+): pcp pages invisible */
	int default_nr_orders;          /* 11 on x86_64 */
	int costly_order;               /* PAGE_ALLOC_COSTLY_ORDER = 3 */
	unsigned warn_ratelimit_s, warn_ratelimit_burst;
	bool nowait_has_nowarn;         /* 6.8+ */

	/* ---- allocator rules (krules.c: watermark check, free-list pick,
	 * compaction suitability) ---- */
	/* 4.4-4.14: with ALLOC_HARDER the per-order test passes on any non-empty
	 * order, whatever its lists (CMA and Isolate included). Replaced by the
	 * HighAtomic-list test in 4.15 ("mm, page_alloc: fix potential false
	 * positive in __zone_watermark_ok", Vlastimil Babka, Nov 2017). */
	bool harder_any_list;
	/* 4.13+: find_smallest: a movable request that cannot steal the whole
	 * block takes the smallest fallback block (7a8f58f39188, 4.13-rc1);
	 * before, the largest. */
	bool fallback_find_smallest;
	/* 5.10+: the CMA lists in __rmqueue are gated by ALLOC_CMA; before by
	 * migratetype == MOVABLE (kernel-rules §6.1). */
	bool cma_needs_alloc_cma;
	/* 6.1+: ALLOC_NOFRAGMENT raises the fallback floor to pageblock_order only
	 * for orders below it; 5.0-6.0 for any order (kernel-rules §6.4). */
	bool nofragment_below_pageblock;
	/* 6.10+: the fallback returns the page, remainders keep their type;
	 * before, the block moves to the request's lists and is split there. */
	bool fallback_returns_page;
	/* 6.15+: __rmqueue_claim then __rmqueue_steal (observed 6.18); before,
	 * the one __rmqueue_fallback. */
	bool fallback_claim_steal;
	/* 6.0+: when the per-cpu refill fails, rmqueue goes on to rmqueue_buddy
	 * (observed 6.1); before, the zone gives nothing (kernel-rules §6.1). */
	bool pcp_falls_through;
	/* 5.10-6.3: a movable request without ALLOC_CMA skips the per-cpu lists
	 * (they may hold CMA pages); gone in 6.6, taken as gone from 6.4. */
	bool pcp_cma_bypass;
	/* 4.4-4.8 __compaction_suitable: the low mark with the allocation's flags,
	 * fragindex at every order. 4.9 (8348faf91f56 "mm, compaction: require
	 * only min watermarks for non-costly orders" and its series, Oct 2016)
	 * brought the form 4.19 has. compaction_needs_fs is not this boundary:
	 * __GFP_FS stayed required until 4.11. */
	bool compaction_suitable_4_4;
	/* 6.14+: costly async direct compaction without ALLOC_CMA is skipped when
	 * the non-CMA order-0 test fails ("mm: compaction: skip memory compaction
	 * when there are not enough migratable pages", 6.14 merge window). */
	bool compaction_async_cma_check;
	/* 6.15+: that test uses the allocation's watermark (min) instead of low. */
	bool compaction_async_alloc_wmark;
	enum fs_highatomic_last_resort highatomic_last_resort;

	/* ---- the slow path and the report (verdict*.c, explain.c) ---- */
	/* < 4.8: 4.4 has no early compaction, no should_reclaim_retry and computes
	 * reserve access in gfp_to_alloc_flags (kernel-rules §7.1); the unified
	 * path of §7.2 arrived with the OOM-detection rework (4.7) and compaction
	 * priorities (4.8). Also kswapd's balance test per zone (§7.5). */
	bool slowpath_4_4;
	/* Highatomic reserve cap (kernel-rules §6.5): 4.4-6.6 managed/100 + one
	 * pageblock; 6.8+ (true) managed/100 aligned up to a pageblock, none when
	 * managed/100 < one pageblock. */
	bool highatomic_cap_aligned;
	/* warn_alloc is suppressed for a __GFP_DMA request when no zone has
	 * managed DMA pages (kernel-rules §7.6: 5.4.273, 5.15.135, 6.x; not
	 * 5.10.89; a backport, so 5.4.0 and 5.15.0 may lack it). */
	bool warn_skips_unmanaged_dma;
	/* 4.6+: watermark_scale_factor sets the low/high step, max(min/4,
	 * managed * wsf / 10000); 4.4 has min/4 only (kernel-rules §5.4). */
	bool has_watermark_scale_factor;
	/* 5.4 only: after early compaction, order >= pageblock_order with
	 * __GFP_IO and without __GFP_RETRY_MAYFAIL gives up when the result is
	 * SKIPPED or DEFERRED (kernel-rules §7.2). */
	bool pageblock_order_skip_bails;
	/* 4.19: show_mem after warn_alloc additionally ratelimited to once a
	 * second (kernel-rules §7.6). */
	bool show_mem_ratelimited;
};

/* All profiles, oldest first; the last is "newer" (the newest read). */
const struct fs_kprofile *const *fs_kprofiles(size_t *count);
/* By name ("5.10") or by any release string ("5.10.0-8-amd64", "4.19.176"). */
const struct fs_kprofile *fs_kprofile_by_name(const char *name);
/*
 * The profile for a kernel release. When release is empty or unparsable the
 * newest profile is returned and *guessed is set; why gets a sentence for
 * people ("kernel 4.19.176 -> profile 4.19", or "no kernel release known:
 * using the newest profile, 6.18").
 */
const struct fs_kprofile *fs_kprofile_for_release(const char *release, bool *guessed,
						  char *why, size_t why_size);

/* The value of flag f in profile p with config c (0 when absent there). */
uint64_t fs_gfp_bit(const struct fs_kprofile *p, const struct fs_kconfig *c, enum fs_gfp_flag f);
const char *fs_gfp_flag_name(enum fs_gfp_flag f);       /* "__GFP_HIGH" */
/* Default config for a profile, as a distro x86_64 kernel has it. */
void fs_kconfig_default(const struct fs_kprofile *p, struct fs_kconfig *c);

/* ---- decoding and encoding masks ---- */

/* Decode mask as this kernel's %pGg prints it ("GFP_ATOMIC|__GFP_COMP",
 * unnamed residue as "|0x200"). Returns the length written. */
size_t fs_gfp_format(const struct fs_kprofile *p, const struct fs_kconfig *c, uint64_t mask,
		     char *out, size_t out_size);
/*
 * Parse "0x484020", "484020", "GFP_ATOMIC|__GFP_COMP", "GFP_KERNEL | __GFP_NOWARN",
 * names with or without leading underscores where unambiguous. Unknown names
 * and bits are not dropped: they are listed in unknown (comma separated) and
 * the call returns false.
 */
bool fs_gfp_parse(const struct fs_kprofile *p, const struct fs_kconfig *c, const char *text,
		  uint64_t *mask, char *unknown, size_t unknown_size);
/* Each single flag in mask, in bit order; bits no flag explains go to *residue. */
size_t fs_gfp_flags(const struct fs_kprofile *p, const struct fs_kconfig *c, uint64_t mask,
		    enum fs_gfp_flag *flags, size_t max_flags, uint64_t *residue);
static inline bool fs_gfp_has(const struct fs_kprofile *p, const struct fs_kconfig *c,
			      uint64_t mask, enum fs_gfp_flag f)
{
	uint64_t bit = fs_gfp_bit(p, c, f);
	return bit && (mask & bit) == bit;
}

/* ---- what a mask means for allocation (kernel-rules §2-§4) ---- */

/* Task context the mask alone does not tell; defaults: ordinary task. */
struct fs_alloc_task {
	bool rt_task;           /* RT (6.12+: or deadline) task */
	bool in_interrupt;
	bool pf_memalloc;       /* reclaim context: may ignore watermarks */
	bool oom_victim;
	bool memalloc_noio, memalloc_nofs, memalloc_pin;
};

struct fs_gfp_meaning {
	int highest_zone_rank;  /* fs_zone_type_rank of gfp_zone(): 0 DMA, 1 DMA32, 2 Normal ... */
	const char *highest_zone;   /* "Normal" */
	enum fs_mt migratetype;
	bool can_sleep;         /* __GFP_DIRECT_RECLAIM */
	bool wakes_kswapd;
	bool may_reclaim;       /* direct reclaim */
	bool may_compact;       /* order > 0, direct reclaim and IO (4.4: and FS) */
	bool may_retry;         /* beyond one round: not NORETRY, and (order <= costly or RETRY_MAYFAIL) */
	bool may_oom;           /* could reach out_of_memory() and kill */
	bool nofail;
	bool uses_cma;          /* ALLOC_CMA */
	bool uses_reserves;     /* min watermark reduced (HIGH/HARDER/MIN_RESERVE/NON_BLOCK) */
	bool uses_highatomic;   /* may take HIGHATOMIC lists (order > 0) */
	bool no_watermarks;     /* __GFP_MEMALLOC (or PF_MEMALLOC) without NOMEMALLOC */
	bool warns;             /* warn_alloc prints (no __GFP_NOWARN) */
	unsigned fast_flags;    /* enum fs_alloc_flag, fast path (WMARK_LOW) */
	unsigned slow_flags;    /* slow path (WMARK_MIN) before the reserve/pfmemalloc step */
	unsigned reserve_flags; /* __gfp_pfmemalloc_flags result, 0 when none */
	/* min watermark multiplier in the slow path as a fraction, e.g. 3/8 */
	int min_mult_num, min_mult_den;
	char notes[512];        /* version-specific remarks, one per line */
};

void fs_gfp_meaning(const struct fs_kprofile *p, const struct fs_kconfig *c, uint64_t mask,
		    int order, const struct fs_alloc_task *task, struct fs_gfp_meaning *out);

/* Names of alloc flags set in flags, "ALLOC_HIGH|ALLOC_CMA" (version names). */
size_t fs_alloc_flags_format(const struct fs_kprofile *p, unsigned flags, char *out,
			     size_t out_size);

#endif
