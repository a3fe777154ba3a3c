/*
 * kprofile.c - the kernel profiles: one table-driven description per kernel
 * version range, and the choice of a profile for a release string.
 *
 * Sources. Unless a table says otherwise, facts are kernel-rules.md (read in
 * the trees of its §0.1: 4.4.155, 4.19.108, 5.4.273, 5.10.89, 5.15.135,
 * 6.1.10, 6.1.119, 6.6.87, 6.12.0, 6.18.2). Read for this file, with the
 * search tool's index of public kernel trees and list archives:
 *  - 4.9: include/trace/events/mmflags.h of a 4.9 tree
 *    (OnePlusOSS/android_kernel_oneplus_sdm845, gfp names identical to
 *    mainline 4.9); include/linux/gfp.h of 4.8/4.9 (ACCOUNT 0x100000,
 *    OTHER_NODE 0x800000, KSWAPD_RECLAIM 0x2000000, __GFP_BITS_SHIFT 26).
 *  - 4.10: "mm: get rid of __GFP_OTHER_NODE" (WRITE 0x800000, KSWAPD
 *    0x1000000, shift 25); 4.11: "mm, compaction: allow compaction for
 *    GFP_NOFS requests" (73e64c51afc5; 4.9 needs FS and IO), "mm, oom: do
 *    not enforce OOM killer for __GFP_NOFAIL automatically", "mm:
 *    consolidate GFP_NOFAIL checks in the allocator slowpath".
 *  - 4.14: include/linux/gfp.h and mmflags.h of a 4.14.206 tree
 *    (0wnerDied/Neptune_kernel_sm8150_oneplus; OnePlusOSS sm8150):
 *    RETRY_MAYFAIL 0x400, COLD 0x100 still there, NOLOCKDEP 0x2000000
 *    (LOCKDEP only), no GFP_TEMPORARY, no NOTRACK (mainline 4.14.0 still
 *    had NOTRACK 0x200000; 4.14.y stable lost it with the kmemcheck
 *    removal). The vendor ___GFP_CMA 0x4000000 of that tree is not mainline.
 *  - 4.7 "mm, page_alloc: shortcut watermark checks for order-0 pages"
 *    (48ee5f3696f6): the CMA-only order-0 shortcut from 4.7 on.
 *  - 4.15 "mm, oom: do not rely on TIF_MEMDIE for memory reserves access":
 *    ALLOC_OOM from 4.15 on; 4.9/4.14 give OOM victims NO_WATERMARKS.
 *  - 6.1.116 and 5.15.171 (stable reviews of 2024-11-06, "[PATCH 6.1
 *    090-094/126]" and the 5.15.171-rc1 shortlog): the 6.3 series "rename
 *    ALLOC_HIGH to ALLOC_MIN_RESERVE" ... "explicitly define how __GFP_HIGH
 *    non-blocking allocations accesses reserves" and "let GFP_ATOMIC order-0
 *    allocs access highatomic reserves", without "mm: discard __GFP_ATOMIC".
 *  - 6a204d4b14c9 "mm/page_alloc: only set ALLOC_HIGHATOMIC for __GPF_HIGH
 *    allocations" (2025-08, mainline 6.17): in 6.1.157 and 6.12.54 (stable
 *    reviews of 2025-10-17); other series also got it, release not pinned.
 *  - 16f5dfbc851b "gfp: include __GFP_NOWARN in GFP_NOWAIT": posted
 *    2023-11-09, after the 6.7 merge window: mainline 6.8.
 *  - ca29a0bf1221 "tracing: gfp: Remove duplication of recording GFP
 *    flags" ("tracing: Updates for 6.15"): %pGg names single bits in bit
 *    order from 6.15 on; 6.12.y/6.13.y only got the TRACE_DEFINE_ENUM fix.
 */
#include "kprofile_priv.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fragscope/util.h"

/* ---- gfp bit layouts (values with every config option on; fs_gfp_bit
 * zeroes or moves the config-dependent ones) ---- */

#define LOW_ZONE_BITS \
	[FS_GFP_DMA] = 0x1, [FS_GFP_HIGHMEM] = 0x2, [FS_GFP_DMA32] = 0x4, \
	[FS_GFP_MOVABLE] = 0x8, [FS_GFP_RECLAIMABLE] = 0x10, [FS_GFP_HIGH] = 0x20, \
	[FS_GFP_IO] = 0x40, [FS_GFP_FS] = 0x80

/* 4.4.155 include/linux/gfp.h (layout A). */
#define BITS_4_4 { LOW_ZONE_BITS, \
	[FS_GFP_COLD] = 0x100, [FS_GFP_NOWARN] = 0x200, [FS_GFP_REPEAT] = 0x400, \
	[FS_GFP_NOFAIL] = 0x800, [FS_GFP_NORETRY] = 0x1000, [FS_GFP_MEMALLOC] = 0x2000, \
	[FS_GFP_COMP] = 0x4000, [FS_GFP_ZERO] = 0x8000, [FS_GFP_NOMEMALLOC] = 0x10000, \
	[FS_GFP_HARDWALL] = 0x20000, [FS_GFP_THISNODE] = 0x40000, [FS_GFP_ATOMIC] = 0x80000, \
	[FS_GFP_NOACCOUNT] = 0x100000, [FS_GFP_NOTRACK] = 0x200000, \
	[FS_GFP_DIRECT_RECLAIM] = 0x400000, [FS_GFP_OTHER_NODE] = 0x800000, \
	[FS_GFP_WRITE] = 0x1000000, [FS_GFP_KSWAPD_RECLAIM] = 0x2000000 }

/* 4.9 include/linux/gfp.h: 4.5 replaced NOACCOUNT by ACCOUNT at 0x100000. */
#define BITS_4_9 { LOW_ZONE_BITS, \
	[FS_GFP_COLD] = 0x100, [FS_GFP_NOWARN] = 0x200, [FS_GFP_REPEAT] = 0x400, \
	[FS_GFP_NOFAIL] = 0x800, [FS_GFP_NORETRY] = 0x1000, [FS_GFP_MEMALLOC] = 0x2000, \
	[FS_GFP_COMP] = 0x4000, [FS_GFP_ZERO] = 0x8000, [FS_GFP_NOMEMALLOC] = 0x10000, \
	[FS_GFP_HARDWALL] = 0x20000, [FS_GFP_THISNODE] = 0x40000, [FS_GFP_ATOMIC] = 0x80000, \
	[FS_GFP_ACCOUNT] = 0x100000, [FS_GFP_NOTRACK] = 0x200000, \
	[FS_GFP_DIRECT_RECLAIM] = 0x400000, [FS_GFP_OTHER_NODE] = 0x800000, \
	[FS_GFP_WRITE] = 0x1000000, [FS_GFP_KSWAPD_RECLAIM] = 0x2000000 }

/* 4.14.206 include/linux/gfp.h (see the file comment). */
#define BITS_4_14 { LOW_ZONE_BITS, \
	[FS_GFP_COLD] = 0x100, [FS_GFP_NOWARN] = 0x200, [FS_GFP_RETRY_MAYFAIL] = 0x400, \
	[FS_GFP_NOFAIL] = 0x800, [FS_GFP_NORETRY] = 0x1000, [FS_GFP_MEMALLOC] = 0x2000, \
	[FS_GFP_COMP] = 0x4000, [FS_GFP_ZERO] = 0x8000, [FS_GFP_NOMEMALLOC] = 0x10000, \
	[FS_GFP_HARDWALL] = 0x20000, [FS_GFP_THISNODE] = 0x40000, [FS_GFP_ATOMIC] = 0x80000, \
	[FS_GFP_ACCOUNT] = 0x100000, [FS_GFP_DIRECT_RECLAIM] = 0x400000, \
	[FS_GFP_WRITE] = 0x800000, [FS_GFP_KSWAPD_RECLAIM] = 0x1000000, \
	[FS_GFP_NOLOCKDEP] = 0x2000000 }

/* 4.19.108 / 5.0.1 include/linux/gfp.h (layout B). */
#define BITS_4_19 { LOW_ZONE_BITS, \
	[FS_GFP_WRITE] = 0x100, [FS_GFP_NOWARN] = 0x200, [FS_GFP_RETRY_MAYFAIL] = 0x400, \
	[FS_GFP_NOFAIL] = 0x800, [FS_GFP_NORETRY] = 0x1000, [FS_GFP_MEMALLOC] = 0x2000, \
	[FS_GFP_COMP] = 0x4000, [FS_GFP_ZERO] = 0x8000, [FS_GFP_NOMEMALLOC] = 0x10000, \
	[FS_GFP_HARDWALL] = 0x20000, [FS_GFP_THISNODE] = 0x40000, [FS_GFP_ATOMIC] = 0x80000, \
	[FS_GFP_ACCOUNT] = 0x100000, [FS_GFP_DIRECT_RECLAIM] = 0x200000, \
	[FS_GFP_KSWAPD_RECLAIM] = 0x400000, [FS_GFP_NOLOCKDEP] = 0x800000 }

/* Bits 0-22 of 5.1 and later (layout C), __GFP_ATOMIC apart. */
#define BITS_C_COMMON LOW_ZONE_BITS, \
	[FS_GFP_ZERO] = 0x100, [FS_GFP_DIRECT_RECLAIM] = 0x400, \
	[FS_GFP_KSWAPD_RECLAIM] = 0x800, [FS_GFP_WRITE] = 0x1000, [FS_GFP_NOWARN] = 0x2000, \
	[FS_GFP_RETRY_MAYFAIL] = 0x4000, [FS_GFP_NOFAIL] = 0x8000, [FS_GFP_NORETRY] = 0x10000, \
	[FS_GFP_MEMALLOC] = 0x20000, [FS_GFP_COMP] = 0x40000, [FS_GFP_NOMEMALLOC] = 0x80000, \
	[FS_GFP_HARDWALL] = 0x100000, [FS_GFP_THISNODE] = 0x200000, [FS_GFP_ACCOUNT] = 0x400000

/* 5.4.273, 5.10.89 (layout C). */
#define BITS_5_4 { BITS_C_COMMON, [FS_GFP_ATOMIC] = 0x200, [FS_GFP_NOLOCKDEP] = 0x800000 }
/* 5.15.135 (layout D): SKIP_KASAN_POISON is defined whatever the config. */
#define BITS_5_15 { BITS_C_COMMON, [FS_GFP_ATOMIC] = 0x200, [FS_GFP_ZEROTAGS] = 0x800000, \
	[FS_GFP_SKIP_KASAN_POISON] = 0x1000000, [FS_GFP_NOLOCKDEP] = 0x2000000 }
/* 6.1.10 = 6.1.119 include/linux/gfp_types.h (layout E). */
#define BITS_6_1 { BITS_C_COMMON, [FS_GFP_ATOMIC] = 0x200, [FS_GFP_ZEROTAGS] = 0x800000, \
	[FS_GFP_SKIP_ZERO] = 0x1000000, [FS_GFP_SKIP_KASAN_UNPOISON] = 0x2000000, \
	[FS_GFP_SKIP_KASAN_POISON] = 0x4000000, [FS_GFP_NOLOCKDEP] = 0x8000000 }
/* 6.6.87 (layout G): bit 9 unused since 6.3. */
#define BITS_6_6 { BITS_C_COMMON, [FS_GFP_ZEROTAGS] = 0x800000, \
	[FS_GFP_SKIP_ZERO] = 0x1000000, [FS_GFP_SKIP_KASAN] = 0x2000000, \
	[FS_GFP_NOLOCKDEP] = 0x4000000 }
/* 6.11+ enum ___GFP_*_BIT (layout H): with every option on. */
#define BITS_ENUM { BITS_C_COMMON, [FS_GFP_ZEROTAGS] = 0x800000, \
	[FS_GFP_SKIP_ZERO] = 0x1000000, [FS_GFP_SKIP_KASAN] = 0x2000000, \
	[FS_GFP_NOLOCKDEP] = 0x4000000, [FS_GFP_NO_OBJ_EXT] = 0x8000000 }

/* ---- names by definition ---- */

#define S_RECLAIM (FS_GF(DIRECT_RECLAIM) | FS_GF(KSWAPD_RECLAIM))
#define S_KERNEL (S_RECLAIM | FS_GF(IO) | FS_GF(FS))
#define S_USER (S_KERNEL | FS_GF(HARDWALL))
#define S_HIGHUSER (S_USER | FS_GF(HIGHMEM))
/* 5.15 adds SKIP_KASAN_POISON, 6.1 also SKIP_KASAN_UNPOISON, 6.6 SKIP_KASAN:
 * one definition, the flags a version lacks are 0 there. */
#define S_HIGHUSER_MOVABLE (S_HIGHUSER | FS_GF(MOVABLE) | FS_GF(SKIP_KASAN_POISON) | \
			    FS_GF(SKIP_KASAN_UNPOISON) | FS_GF(SKIP_KASAN))
#define S_TH_LIGHT (S_HIGHUSER_MOVABLE | FS_GF(COMP) | FS_GF(NOMEMALLOC) | FS_GF(NOWARN))

#define D(name_, set_, clear_) { name_, set_, clear_ }
/* GFP_TRANSHUGE_LIGHT = (HIGHUSER_MOVABLE|COMP|NOMEMALLOC|NOWARN) & ~__GFP_RECLAIM;
 * GFP_TRANSHUGE = LIGHT | DIRECT_RECLAIM, i.e. the same set minus KSWAPD only. */
#define N_TRANSHUGE D("GFP_TRANSHUGE", S_TH_LIGHT | FS_GF(DIRECT_RECLAIM), FS_GF(KSWAPD_RECLAIM))
#define N_TRANSHUGE_LIGHT D("GFP_TRANSHUGE_LIGHT", S_TH_LIGHT, S_RECLAIM)
/* 4.4: (HIGHUSER_MOVABLE|COMP|NOMEMALLOC|NORETRY|NOWARN) & ~KSWAPD_RECLAIM. */
#define N_TRANSHUGE_4_4 D("GFP_TRANSHUGE", S_HIGHUSER_MOVABLE | FS_GF(COMP) | \
			  FS_GF(NOMEMALLOC) | FS_GF(NORETRY) | FS_GF(NOWARN), \
			  FS_GF(KSWAPD_RECLAIM))
#define N_HIGHUSER_MOVABLE D("GFP_HIGHUSER_MOVABLE", S_HIGHUSER_MOVABLE, 0)
#define N_HIGHUSER D("GFP_HIGHUSER", S_HIGHUSER, 0)
#define N_USER D("GFP_USER", S_USER, 0)
#define N_TEMPORARY D("GFP_TEMPORARY", S_KERNEL | FS_GF(RECLAIMABLE), 0)
#define N_KERNEL_ACCOUNT D("GFP_KERNEL_ACCOUNT", S_KERNEL | FS_GF(ACCOUNT), 0)
#define N_KERNEL D("GFP_KERNEL", S_KERNEL, 0)
#define N_NOFS D("GFP_NOFS", S_RECLAIM | FS_GF(IO), 0)
/* __GFP_ATOMIC is 0 from 6.3 on, so this is HIGH|KSWAPD_RECLAIM there. */
#define N_ATOMIC D("GFP_ATOMIC", FS_GF(HIGH) | FS_GF(ATOMIC) | FS_GF(KSWAPD_RECLAIM), 0)
#define N_NOIO D("GFP_NOIO", S_RECLAIM, 0)
#define N_NOWAIT D("GFP_NOWAIT", FS_GF(KSWAPD_RECLAIM), 0)
#define N_NOWAIT_NOWARN D("GFP_NOWAIT", FS_GF(KSWAPD_RECLAIM) | FS_GF(NOWARN), 0)
#define N_DMA D("GFP_DMA", FS_GF(DMA), 0)
#define N_DMA32 D("GFP_DMA32", FS_GF(DMA32), 0)
#define N_RECLAIM D("__GFP_RECLAIM", S_RECLAIM, 0)
#define N1(flag) D("__GFP_" #flag, FS_GF(flag), 0)

/* 4.4 prints hex only; fragscope decodes with the 4.9 table's order and
 * the flags 4.4 has (NOACCOUNT, no TRANSHUGE_LIGHT, no KERNEL_ACCOUNT). */
static const struct fs_gfp_name_def names_4_4[] = {
	N_TRANSHUGE_4_4, N_HIGHUSER_MOVABLE, N_HIGHUSER, N_USER, N_TEMPORARY,
	N_KERNEL, N_NOFS, N_ATOMIC, N_NOIO, N_NOWAIT, N_DMA, N1(HIGHMEM), N_DMA32,
	N1(HIGH), N1(ATOMIC), N1(IO), N1(FS), N1(COLD), N1(NOWARN), N1(REPEAT),
	N1(NOFAIL), N1(NORETRY), N1(COMP), N1(ZERO), N1(NOMEMALLOC), N1(MEMALLOC),
	N1(HARDWALL), N1(THISNODE), N1(RECLAIMABLE), N1(MOVABLE), N1(NOACCOUNT),
	N1(NOTRACK), N1(WRITE), N_RECLAIM, N1(DIRECT_RECLAIM), N1(KSWAPD_RECLAIM),
	N1(OTHER_NODE),
};

/* 4.9 include/trace/events/mmflags.h __def_gfpflag_names, in order. */
static const struct fs_gfp_name_def names_4_9[] = {
	N_TRANSHUGE, N_TRANSHUGE_LIGHT, N_HIGHUSER_MOVABLE, N_HIGHUSER, N_USER,
	N_TEMPORARY, N_KERNEL_ACCOUNT, N_KERNEL, N_NOFS, N_ATOMIC, N_NOIO, N_NOWAIT,
	N_DMA, N1(HIGHMEM), N_DMA32, N1(HIGH), N1(ATOMIC), N1(IO), N1(FS), N1(COLD),
	N1(NOWARN), N1(REPEAT), N1(NOFAIL), N1(NORETRY), N1(COMP), N1(ZERO),
	N1(NOMEMALLOC), N1(MEMALLOC), N1(HARDWALL), N1(THISNODE), N1(RECLAIMABLE),
	N1(MOVABLE), N1(ACCOUNT), N1(NOTRACK), N1(WRITE), N_RECLAIM,
	N1(DIRECT_RECLAIM), N1(KSWAPD_RECLAIM), N1(OTHER_NODE),
};

/* 4.14.206 mmflags.h: no TEMPORARY, RETRY_MAYFAIL, no NOTRACK/OTHER_NODE. */
static const struct fs_gfp_name_def names_4_14[] = {
	N_TRANSHUGE, N_TRANSHUGE_LIGHT, N_HIGHUSER_MOVABLE, N_HIGHUSER, N_USER,
	N_KERNEL_ACCOUNT, N_KERNEL, N_NOFS, N_ATOMIC, N_NOIO, N_NOWAIT, N_DMA,
	N1(HIGHMEM), N_DMA32, N1(HIGH), N1(ATOMIC), N1(IO), N1(FS), N1(COLD),
	N1(NOWARN), N1(RETRY_MAYFAIL), N1(NOFAIL), N1(NORETRY), N1(COMP), N1(ZERO),
	N1(NOMEMALLOC), N1(MEMALLOC), N1(HARDWALL), N1(THISNODE), N1(RECLAIMABLE),
	N1(MOVABLE), N1(ACCOUNT), N1(WRITE), N_RECLAIM, N1(DIRECT_RECLAIM),
	N1(KSWAPD_RECLAIM),
};

/* The 4.19 ... 6.12 table (kernel-rules §1.3); later ones add to its tail. */
#define NAMES_4_19_HEAD \
	N_TRANSHUGE, N_TRANSHUGE_LIGHT, N_HIGHUSER_MOVABLE, N_HIGHUSER, N_USER, \
	N_KERNEL_ACCOUNT, N_KERNEL, N_NOFS, N_ATOMIC, N_NOIO
#define NAMES_4_19_TAIL \
	N1(IO), N1(FS), N1(NOWARN), N1(RETRY_MAYFAIL), N1(NOFAIL), N1(NORETRY), \
	N1(COMP), N1(ZERO), N1(NOMEMALLOC), N1(MEMALLOC), N1(HARDWALL), \
	N1(THISNODE), N1(RECLAIMABLE), N1(MOVABLE), N1(ACCOUNT), N1(WRITE), \
	N_RECLAIM, N1(DIRECT_RECLAIM), N1(KSWAPD_RECLAIM)

/* 4.19.108, 5.0.1 - 5.10.89 mmflags.h. */
static const struct fs_gfp_name_def names_4_19[] = {
	NAMES_4_19_HEAD, N_NOWAIT, N_DMA, N1(HIGHMEM), N_DMA32, N1(HIGH), N1(ATOMIC),
	NAMES_4_19_TAIL,
};
/* 5.15.135: + ZEROTAGS, SKIP_KASAN_POISON. */
static const struct fs_gfp_name_def names_5_15[] = {
	NAMES_4_19_HEAD, N_NOWAIT, N_DMA, N1(HIGHMEM), N_DMA32, N1(HIGH), N1(ATOMIC),
	NAMES_4_19_TAIL, N1(ZEROTAGS), N1(SKIP_KASAN_POISON),
};
/* 6.1.10 / 6.1.119: + ZEROTAGS (the kasan names are for tracepoints only). */
static const struct fs_gfp_name_def names_6_1[] = {
	NAMES_4_19_HEAD, N_NOWAIT, N_DMA, N1(HIGHMEM), N_DMA32, N1(HIGH), N1(ATOMIC),
	NAMES_4_19_TAIL, N1(ZEROTAGS),
};
/* 6.6.87: no __GFP_ATOMIC (6.3). */
static const struct fs_gfp_name_def names_6_6[] = {
	NAMES_4_19_HEAD, N_NOWAIT, N_DMA, N1(HIGHMEM), N_DMA32, N1(HIGH),
	NAMES_4_19_TAIL, N1(ZEROTAGS),
};
/* 6.12.0: as 6.6 with GFP_NOWAIT = KSWAPD_RECLAIM|NOWARN (6.8). */
static const struct fs_gfp_name_def names_6_12[] = {
	NAMES_4_19_HEAD, N_NOWAIT_NOWARN, N_DMA, N1(HIGHMEM), N_DMA32, N1(HIGH),
	NAMES_4_19_TAIL, N1(ZEROTAGS),
};
/* 6.15+ (6.18.2): composites, then every bit in bit order; the config-only
 * ones are in the kernel's table only when configured (value 0 otherwise,
 * and fs_gfp_format skips 0-valued names). */
static const struct fs_gfp_name_def names_6_15[] = {
	NAMES_4_19_HEAD, N_NOWAIT_NOWARN, N_DMA, N_DMA32, N_RECLAIM,
	N1(DMA), N1(HIGHMEM), N1(DMA32), N1(MOVABLE), N1(RECLAIMABLE), N1(HIGH),
	N1(IO), N1(FS), N1(ZERO), N1(DIRECT_RECLAIM), N1(KSWAPD_RECLAIM), N1(WRITE),
	N1(NOWARN), N1(RETRY_MAYFAIL), N1(NOFAIL), N1(NORETRY), N1(MEMALLOC),
	N1(COMP), N1(NOMEMALLOC), N1(HARDWALL), N1(THISNODE), N1(ACCOUNT),
	N1(ZEROTAGS), N1(SKIP_ZERO), N1(SKIP_KASAN), N1(NOLOCKDEP), N1(NO_OBJ_EXT),
};

/* Composite masks (include/linux/gfp.h, gfp_types.h 6.0+) per version. */
static const struct fs_gfp_name_def comp_4_4[] = {
	N_ATOMIC, N_KERNEL, N_NOWAIT, N_NOIO, N_NOFS, N_TEMPORARY, N_USER, N_DMA,
	N_DMA32, N_HIGHUSER, N_HIGHUSER_MOVABLE, N_TRANSHUGE_4_4, N_RECLAIM,
};
static const struct fs_gfp_name_def comp_4_9[] = {
	N_ATOMIC, N_KERNEL, N_KERNEL_ACCOUNT, N_NOWAIT, N_NOIO, N_NOFS, N_TEMPORARY,
	N_USER, N_DMA, N_DMA32, N_HIGHUSER, N_HIGHUSER_MOVABLE, N_TRANSHUGE_LIGHT,
	N_TRANSHUGE, N_RECLAIM,
};
static const struct fs_gfp_name_def comp_4_14[] = {
	N_ATOMIC, N_KERNEL, N_KERNEL_ACCOUNT, N_NOWAIT, N_NOIO, N_NOFS, N_USER, N_DMA,
	N_DMA32, N_HIGHUSER, N_HIGHUSER_MOVABLE, N_TRANSHUGE_LIGHT, N_TRANSHUGE,
	N_RECLAIM,
};
static const struct fs_gfp_name_def comp_6_8[] = {
	N_ATOMIC, N_KERNEL, N_KERNEL_ACCOUNT, N_NOWAIT_NOWARN, N_NOIO, N_NOFS, N_USER,
	N_DMA, N_DMA32, N_HIGHUSER, N_HIGHUSER_MOVABLE, N_TRANSHUGE_LIGHT, N_TRANSHUGE,
	N_RECLAIM,
};
#define comp_4_19 comp_4_14     /* 4.15 - 6.7 have the same composites */

#define TABLE(t) t, sizeof(t) / sizeof((t)[0])

/* ---- the profiles ---- */

enum {
	P_4_4, P_4_9, P_4_14, P_4_19, P_5_4, P_5_10, P_5_15, P_5_15_LATE,
	P_6_1_EARLY, P_6_1_LATE, P_6_1_LATEST, P_6_6, P_6_12, P_6_12_LATE, P_6_15, P_6_18,
	NR_PROFILES
};

#define MT_ORDER { FS_MT_UNMOVABLE, FS_MT_MOVABLE, FS_MT_RECLAIMABLE, FS_MT_HIGHATOMIC, \
		   FS_MT_CMA, FS_MT_ISOLATE }
#define ANY_SUBLEVEL 0, 100000

/*
 * Filled at first use: pgg_names and composites point into storage that
 * build_tables() fills with the default-config values.
 */
static struct fs_kprofile profiles[NR_PROFILES] = {
	/* 4.4.155. */
	[P_4_4] = { .name = "4.4", .covers = "4.4.y", .major = 4, .minor = 4, ANY_SUBLEVEL,
		.gfp_bit = BITS_4_4, .migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_HIGH_HARDER, .order0_shortcut = FS_ORDER0_NONE,
		.classzone_rule = FS_CLASSZONE_PREFERRED, .compaction_needs_fs = true,
		.pcp_max_order = 0, .default_nr_orders = 11, .costly_order = 3,
		.warn_ratelimit_s = 5, .warn_ratelimit_burst = 10,
		/* allocator rules (krules.c) */
		.harder_any_list = true, .fallback_find_smallest = false,
		.cma_needs_alloc_cma = false, .nofragment_below_pageblock = false,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = false, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = true, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_NONE,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = true, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = false, .has_watermark_scale_factor = false,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 4.9: gfp.h/mmflags.h as in the file comment; slow path 4.7 rework
	 * (should_reclaim_retry), zone_watermark_fast since 4.7, no ALLOC_FAIR
	 * since 4.8, compaction still needs FS and IO (4.11 changed it). */
	[P_4_9] = { .name = "4.9", .covers = "4.9.y", .major = 4, .minor = 9, ANY_SUBLEVEL,
		.gfp_bit = BITS_4_9, .migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_HIGH_HARDER, .order0_shortcut = FS_ORDER0_CMA_ONLY,
		.classzone_rule = FS_CLASSZONE_PREFERRED, .compaction_needs_fs = true,
		.pcp_max_order = 0, .default_nr_orders = 11, .costly_order = 3,
		.warn_ratelimit_s = 5, .warn_ratelimit_burst = 10,
		/* allocator rules (krules.c) */
		.harder_any_list = true, .fallback_find_smallest = false,
		.cma_needs_alloc_cma = false, .nofragment_below_pageblock = false,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = false, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_NONE,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = false, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 4.14.206 gfp.h/mmflags.h; ALLOC_OOM only from 4.15. */
	[P_4_14] = { .name = "4.14", .covers = "4.14.y", .major = 4, .minor = 14,
		ANY_SUBLEVEL, .gfp_bit = BITS_4_14, .migratetypes = MT_ORDER,
		.nr_migratetypes = 6, .reserve_scheme = FS_RESERVE_HIGH_HARDER,
		.order0_shortcut = FS_ORDER0_CMA_ONLY, .classzone_rule = FS_CLASSZONE_PREFERRED,
		.pcp_max_order = 0, .default_nr_orders = 11, .costly_order = 3,
		.warn_ratelimit_s = 5, .warn_ratelimit_burst = 10,
		/* allocator rules (krules.c) */
		.harder_any_list = true, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = false, .nofragment_below_pageblock = false,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = false, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_NONE,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = false, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 4.19.108 (kernel-rules §12b). */
	[P_4_19] = { .name = "4.19", .covers = "4.19.y", .major = 4, .minor = 19,
		ANY_SUBLEVEL, .gfp_bit = BITS_4_19, .migratetypes = MT_ORDER,
		.nr_migratetypes = 6, .reserve_scheme = FS_RESERVE_HIGH_HARDER,
		.order0_shortcut = FS_ORDER0_CMA_ONLY, .classzone_rule = FS_CLASSZONE_PREFERRED,
		.oom_victim_alloc_oom = true, .pcp_max_order = 0, .default_nr_orders = 11,
		.costly_order = 3, .warn_ratelimit_s = 5, .warn_ratelimit_burst = 10,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = false, .nofragment_below_pageblock = false,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = false, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_NONE,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = false, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = true },
	/* 5.4.273 (kernel-rules §12b). The __GFP_DMA warn suppression is a
	 * backport 5.4.0 may lack; the 5.4.273 behaviour is modelled. */
	[P_5_4] = { .name = "5.4", .covers = "5.4.y", .major = 5, .minor = 4, ANY_SUBLEVEL,
		.gfp_bit = BITS_5_4, .migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_HIGH_HARDER, .order0_shortcut = FS_ORDER0_CMA_ONLY,
		.classzone_rule = FS_CLASSZONE_PREFERRED, .has_nofragment = true,
		.has_boost = true, .oom_victim_alloc_oom = true, .pcp_max_order = 0,
		.default_nr_orders = 11, .costly_order = 3, .warn_ratelimit_s = 10,
		.warn_ratelimit_burst = 1,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = false, .nofragment_below_pageblock = false,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = false, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_NONE,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = true, .show_mem_ratelimited = false },
	/* 5.10.89 (kernel-rules §12b). */
	[P_5_10] = { .name = "5.10", .covers = "5.10.y", .major = 5, .minor = 10,
		ANY_SUBLEVEL, .gfp_bit = BITS_5_4, .migratetypes = MT_ORDER,
		.nr_migratetypes = 6, .reserve_scheme = FS_RESERVE_HIGH_HARDER,
		.order0_shortcut = FS_ORDER0_UNUSABLE, .classzone_rule = FS_CLASSZONE_HIGHEST,
		.has_nofragment = true, .has_boost = true, .cma_prefer_half = true,
		.costly_noretry_skipped_too = true, .oom_victim_alloc_oom = true,
		.pcp_max_order = 0, .default_nr_orders = 11, .costly_order = 3,
		.warn_ratelimit_s = 10, .warn_ratelimit_burst = 1,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = false,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = false, .pcp_cma_bypass = true,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_NONE,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = false, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 5.15.135 (kernel-rules §12b): 5.15.0 - 5.15.170. */
	[P_5_15] = { .name = "5.15", .covers = "5.15.0 - 5.15.170", .major = 5, .minor = 15,
		.sublevel_min = 0, .sublevel_max = 170, .gfp_bit = BITS_5_15,
		.migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_HIGH_HARDER,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .has_nofragment = true,
		.has_boost = true, .cma_prefer_half = true, .costly_noretry_skipped_too = true,
		.oom_victim_alloc_oom = true, .pcp_max_order = 3, .default_nr_orders = 11,
		.costly_order = 3, .warn_ratelimit_s = 10, .warn_ratelimit_burst = 1,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = false,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = false, .pcp_cma_bypass = true,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_NONE,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 5.15.171+: the 6.3 reserve series backported (see the file comment),
	 * __GFP_ATOMIC still in the layout. 803de9000f33 (compaction gates
	 * retries) went to the stable series in April 2024 (the 5.4.y backport
	 * was posted 2024-04-04), before 5.15.171; the final unreserve of
	 * should_reclaim_retry is not known there and is not modelled. */
	[P_5_15_LATE] = { .name = "5.15-late", .covers = "5.15.171 and later",
		.major = 5, .minor = 15, .sublevel_min = 171, .sublevel_max = 100000,
		.gfp_bit = BITS_5_15, .migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_MIN_NONBLOCK,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .has_nofragment = true,
		.has_boost = true, .cma_prefer_half = true, .compaction_gates_retries = true,
		.costly_noretry_skipped_too = true, .oom_victim_alloc_oom = true,
		.pcp_max_order = 3, .default_nr_orders = 11, .costly_order = 3,
		.warn_ratelimit_s = 10, .warn_ratelimit_burst = 1,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = false,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = false, .pcp_cma_bypass = true,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 6.1.10 (6.1.20, 6.1.55 grepped): 6.1.0 - 6.1.115. */
	[P_6_1_EARLY] = { .name = "6.1-early", .covers = "6.1.0 - 6.1.115", .major = 6,
		.minor = 1, .sublevel_min = 0, .sublevel_max = 115, .gfp_bit = BITS_6_1,
		.migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_HIGH_HARDER,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .has_nofragment = true,
		.has_boost = true, .cma_prefer_half = true, .costly_noretry_skipped_too = true,
		.oom_victim_alloc_oom = true, .pcp_max_order = 3, .default_nr_orders = 11,
		.costly_order = 3, .warn_ratelimit_s = 10, .warn_ratelimit_burst = 1,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = true,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = true, .pcp_cma_bypass = true, .compaction_suitable_4_4 = false,
		.compaction_async_cma_check = false, .compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_NONE,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 6.1.119 (kernel-rules): 6.1.116 (the backport) - 6.1.156. */
	[P_6_1_LATE] = { .name = "6.1-late", .covers = "6.1.116 - 6.1.156", .major = 6,
		.minor = 1, .sublevel_min = 116, .sublevel_max = 156, .gfp_bit = BITS_6_1,
		.migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_MIN_NONBLOCK,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .has_nofragment = true,
		.has_boost = true, .cma_prefer_half = true, .compaction_gates_retries = true,
		.costly_noretry_skipped_too = true, .reclaim_retry_final_unreserve = true,
		.oom_victim_alloc_oom = true, .pcp_max_order = 3, .default_nr_orders = 11,
		.costly_order = 3, .warn_ratelimit_s = 10, .warn_ratelimit_burst = 1,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = true,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = true, .pcp_cma_bypass = true, .compaction_suitable_4_4 = false,
		.compaction_async_cma_check = false, .compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 6.1.157+: 6a204d4b14c9 (HighAtomic needs __GFP_HIGH). */
	[P_6_1_LATEST] = { .name = "6.1-latest", .covers = "6.1.157 and later",
		.major = 6, .minor = 1, .sublevel_min = 157, .sublevel_max = 100000,
		.gfp_bit = BITS_6_1, .migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_MIN_NONBLOCK,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .highatomic_needs_high = true,
		.has_nofragment = true, .has_boost = true, .cma_prefer_half = true,
		.compaction_gates_retries = true, .costly_noretry_skipped_too = true,
		.reclaim_retry_final_unreserve = true, .oom_victim_alloc_oom = true,
		.pcp_max_order = 3, .default_nr_orders = 11, .costly_order = 3,
		.warn_ratelimit_s = 10, .warn_ratelimit_burst = 1,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = true,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = true, .pcp_cma_bypass = true, .compaction_suitable_4_4 = false,
		.compaction_async_cma_check = false, .compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 6.6.87 (kernel-rules §12b). 6a204d4b14c9 probably reached 6.6.y in
	 * the same 2025-10 stable batch (6.6.113): not verified, not modelled.
	 * The ALLOC_NON_BLOCK HighAtomic last resort came to 6.6.y at about
	 * 6.6.60; this profile covers all of 6.6.y and is given it. */
	[P_6_6] = { .name = "6.6", .covers = "6.6.y", .major = 6, .minor = 6, ANY_SUBLEVEL,
		.gfp_bit = BITS_6_6, .migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_MIN_NONBLOCK,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .has_nofragment = true,
		.has_boost = true, .cma_prefer_half = true, .compaction_gates_retries = true,
		.costly_noretry_skipped_too = true, .reclaim_retry_final_unreserve = true,
		.oom_victim_alloc_oom = true, .pcp_max_order = 3, .default_nr_orders = 11,
		.costly_order = 3, .warn_ratelimit_s = 10, .warn_ratelimit_burst = 1,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = true,
		.fallback_returns_page = false, .fallback_claim_steal = false,
		.pcp_falls_through = true, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = false,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 6.12.0 (kernel-rules §12b): 6.12.0 - 6.12.53. */
	[P_6_12] = { .name = "6.12", .covers = "6.12.0 - 6.12.53", .major = 6, .minor = 12,
		.sublevel_min = 0, .sublevel_max = 53, .gfp_bit = BITS_ENUM,
		.migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_MIN_NONBLOCK,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .highatomic_counts_free = true,
		.has_nofragment = true, .has_boost = true, .cma_prefer_half = true,
		.compaction_gates_retries = true, .costly_noretry_skipped_too = true,
		.reclaim_retry_final_unreserve = true, .oom_victim_alloc_oom = true,
		.lowmem_zero_for_empty_upper = true, .pcp_max_order = 3,
		.default_nr_orders = 11, .costly_order = 3, .warn_ratelimit_s = 10,
		.warn_ratelimit_burst = 1, .nowait_has_nowarn = true,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = true,
		.fallback_returns_page = true, .fallback_claim_steal = false,
		.pcp_falls_through = true, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = true,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 6.12.54+: 6a204d4b14c9. */
	[P_6_12_LATE] = { .name = "6.12-late", .covers = "6.12.54 and later", .major = 6,
		.minor = 12, .sublevel_min = 54, .sublevel_max = 100000, .gfp_bit = BITS_ENUM,
		.migratetypes = MT_ORDER, .nr_migratetypes = 6,
		.reserve_scheme = FS_RESERVE_MIN_NONBLOCK,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .highatomic_counts_free = true,
		.highatomic_needs_high = true, .has_nofragment = true, .has_boost = true,
		.cma_prefer_half = true, .compaction_gates_retries = true,
		.costly_noretry_skipped_too = true, .reclaim_retry_final_unreserve = true,
		.oom_victim_alloc_oom = true, .lowmem_zero_for_empty_upper = true,
		.pcp_max_order = 3, .default_nr_orders = 11, .costly_order = 3,
		.warn_ratelimit_s = 10, .warn_ratelimit_burst = 1, .nowait_has_nowarn = true,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = true,
		.fallback_returns_page = true, .fallback_claim_steal = false,
		.pcp_falls_through = true, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = false,
		.compaction_async_alloc_wmark = false,
		.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = true,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 6.15 (6.15 - 6.17 through the nearest-older rule): 6.18.2's facts with
	 * the 6.13 lowmem_reserve revert, HighAtomic without __GFP_HIGH as 6.13.7
	 * (mainline 6.17 got 6a204d4b14c9). */
	[P_6_15] = { .name = "6.15", .covers = "6.15.y", .major = 6, .minor = 15,
		ANY_SUBLEVEL, .gfp_bit = BITS_ENUM, .migratetypes = MT_ORDER,
		.nr_migratetypes = 6, .reserve_scheme = FS_RESERVE_MIN_NONBLOCK,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .highatomic_counts_free = true,
		.has_nofragment = true, .has_boost = true, .cma_prefer_half = true,
		.compaction_gates_retries = true, .costly_noretry_skipped_too = true,
		.reclaim_retry_final_unreserve = true, .oom_victim_alloc_oom = true,
		.pcp_max_order = 3, .default_nr_orders = 11, .costly_order = 3,
		.warn_ratelimit_s = 10, .warn_ratelimit_burst = 1, .nowait_has_nowarn = true,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = true,
		.fallback_returns_page = true, .fallback_claim_steal = true,
		.pcp_falls_through = true, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = true,
		.compaction_async_alloc_wmark = true,
		.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = true,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
	/* 6.18.2, the newest read ("newer"). */
	[P_6_18] = { .name = "6.18", .covers = "6.18.y and newer", .major = 6, .minor = 18,
		ANY_SUBLEVEL, .gfp_bit = BITS_ENUM, .migratetypes = MT_ORDER,
		.nr_migratetypes = 6, .reserve_scheme = FS_RESERVE_MIN_NONBLOCK,
		.order0_shortcut = FS_ORDER0_UNUSABLE_CLAMPED,
		.classzone_rule = FS_CLASSZONE_HIGHEST, .highatomic_counts_free = true,
		.highatomic_needs_high = true, .has_nofragment = true, .has_boost = true,
		.cma_prefer_half = true, .compaction_gates_retries = true,
		.costly_noretry_skipped_too = true, .reclaim_retry_final_unreserve = true,
		.oom_victim_alloc_oom = true, .pcp_max_order = 3, .default_nr_orders = 11,
		.costly_order = 3, .warn_ratelimit_s = 10, .warn_ratelimit_burst = 1,
		.nowait_has_nowarn = true,
		/* allocator rules (krules.c) */
		.harder_any_list = false, .fallback_find_smallest = true,
		.cma_needs_alloc_cma = true, .nofragment_below_pageblock = true,
		.fallback_returns_page = true, .fallback_claim_steal = true,
		.pcp_falls_through = true, .pcp_cma_bypass = false,
		.compaction_suitable_4_4 = false, .compaction_async_cma_check = true,
		.compaction_async_alloc_wmark = true,
		.highatomic_last_resort = FS_LAST_RESORT_OOM_NON_BLOCK,
		/* slow path and report (verdict*.c, explain.c) */
		.slowpath_4_4 = false, .highatomic_cap_aligned = true,
		.warn_skips_unmanaged_dma = true, .has_watermark_scale_factor = true,
		.pageblock_order_skip_bails = false, .show_mem_ratelimited = false },
};

/* Facts of the meaning only; same index as profiles[]. */
#define X_4_4 .retry_flag_is_repeat = true, .nofail_skips_oom_gates = true, \
	.memdie_nopage = true, .pfmemalloc_in_gfp_flags = true, .fast_cpuset_fair = true, \
	.atomic_cleared_with_reclaim = true
#define X_4_9 .retry_flag_is_repeat = true, .nofail_skips_oom_gates = true, \
	.memdie_nopage = true, .atomic_cleared_with_reclaim = true
#define X_4_14 .oom_gate_retry_mayfail = true, .atomic_cleared_with_reclaim = true
#define X_4_19 X_4_14
#define X_5_4 X_4_14, .has_alloc_kswapd = true
#define X_5_10 X_5_4, .reserve_readds_cma = true, .nocma_task = true
#define X_5_15 X_5_4, .reserve_readds_cma = true, .pin_clears_movable = true
/* The 2024-11 backport also brought the order-0 HighAtomic last resort: see
 * highatomic_last_resort in the public profile. */
#define X_5_15_LATE X_5_15
#define X_6_1 X_5_15, .reserve_keeps_kswapd = true
#define X_6_1_LATE X_6_1
#define X_6_6 .oom_gate_retry_mayfail = true, .has_alloc_kswapd = true, \
	.reserve_readds_cma = true, .pin_clears_movable = true, \
	.reserve_keeps_kswapd = true
#define X_6_12 X_6_6, .rt_includes_deadline = true

static const struct fs_kprofile_extra extras[NR_PROFILES] = {
	[P_4_4] = { FS_LAYOUT_4_4, TABLE(names_4_4), TABLE(comp_4_4), .hex_only = true, X_4_4 },
	[P_4_9] = { FS_LAYOUT_4_9, TABLE(names_4_9), TABLE(comp_4_9), false, X_4_9 },
	[P_4_14] = { FS_LAYOUT_4_14, TABLE(names_4_14), TABLE(comp_4_14), false, X_4_14 },
	[P_4_19] = { FS_LAYOUT_4_19, TABLE(names_4_19), TABLE(comp_4_19), false, X_4_19 },
	[P_5_4] = { FS_LAYOUT_5_4, TABLE(names_4_19), TABLE(comp_4_19), false, X_5_4 },
	[P_5_10] = { FS_LAYOUT_5_4, TABLE(names_4_19), TABLE(comp_4_19), false, X_5_10 },
	[P_5_15] = { FS_LAYOUT_5_15, TABLE(names_5_15), TABLE(comp_4_19), false, X_5_15 },
	[P_5_15_LATE] = { FS_LAYOUT_5_15, TABLE(names_5_15), TABLE(comp_4_19), false,
			  X_5_15_LATE },
	[P_6_1_EARLY] = { FS_LAYOUT_6_1, TABLE(names_6_1), TABLE(comp_4_19), false, X_6_1 },
	[P_6_1_LATE] = { FS_LAYOUT_6_1, TABLE(names_6_1), TABLE(comp_4_19), false,
			 X_6_1_LATE },
	[P_6_1_LATEST] = { FS_LAYOUT_6_1, TABLE(names_6_1), TABLE(comp_4_19), false,
			   X_6_1_LATE },
	[P_6_6] = { FS_LAYOUT_6_6, TABLE(names_6_6), TABLE(comp_4_19), false, X_6_6 },
	[P_6_12] = { FS_LAYOUT_ENUM, TABLE(names_6_12), TABLE(comp_6_8), false, X_6_12 },
	[P_6_12_LATE] = { FS_LAYOUT_ENUM, TABLE(names_6_12), TABLE(comp_6_8), false,
			  X_6_12 },
	[P_6_15] = { FS_LAYOUT_ENUM, TABLE(names_6_15), TABLE(comp_6_8), false, X_6_12,
		     .defrag_mode = true },
	[P_6_18] = { FS_LAYOUT_ENUM, TABLE(names_6_15), TABLE(comp_6_8), false, X_6_12,
		     .defrag_mode = true },
};

/* Default-config values of the tables, for the public pgg_names/composites. */
#define MAX_NAMES 48
static struct fs_gfp_name pgg_store[NR_PROFILES][MAX_NAMES];
static struct fs_gfp_name comp_store[NR_PROFILES][MAX_NAMES];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static size_t fill_names(const struct fs_kprofile *p, const struct fs_gfp_name_def *defs,
			 size_t n, struct fs_gfp_name *out)
{
	struct fs_kconfig c;
	fs_kconfig_default(p, &c);
	size_t k = 0;
	for (size_t i = 0; i < n && k < MAX_NAMES; i++) {
		uint64_t v = fs_gfp_def_value(p, &c, &defs[i]);
		if (!v)
			continue;       /* not configured: not in the kernel's table */
		out[k].mask = v;
		out[k].name = defs[i].name;
		k++;
	}
	return k;
}

static void build_tables(void)
{
	for (int i = 0; i < NR_PROFILES; i++) {
		struct fs_kprofile *p = &profiles[i];
		const struct fs_kprofile_extra *x = &extras[i];
		if (x->hex_only) {
			p->pgg_names = NULL;
			p->nr_pgg_names = 0;
		} else {
			p->nr_pgg_names = fill_names(p, x->pgg, x->nr_pgg, pgg_store[i]);
			p->pgg_names = pgg_store[i];
		}
		p->nr_composites = fill_names(p, x->composites, x->nr_composites, comp_store[i]);
		p->composites = comp_store[i];
	}
}

static void ensure_tables(void)
{
	pthread_once(&tables_once, build_tables);
}

const struct fs_kprofile_extra *fs_kprofile_extra(const struct fs_kprofile *p)
{
	for (int i = 0; i < NR_PROFILES; i++)
		if (p == &profiles[i])
			return &extras[i];
	return &extras[NR_PROFILES - 1];     /* not one of ours: the newest rules */
}

const struct fs_kprofile *const *fs_kprofiles(size_t *count)
{
	static const struct fs_kprofile *const list[NR_PROFILES] = {
		&profiles[P_4_4], &profiles[P_4_9], &profiles[P_4_14], &profiles[P_4_19],
		&profiles[P_5_4], &profiles[P_5_10], &profiles[P_5_15], &profiles[P_5_15_LATE],
		&profiles[P_6_1_EARLY], &profiles[P_6_1_LATE], &profiles[P_6_1_LATEST],
		&profiles[P_6_6], &profiles[P_6_12], &profiles[P_6_12_LATE], &profiles[P_6_15],
		&profiles[P_6_18],
	};
	ensure_tables();
	if (count)
		*count = NR_PROFILES;
	return list;
}

/* ---- gfp bits with the config ---- */

void fs_kconfig_default(const struct fs_kprofile *p, struct fs_kconfig *c)
{
	memset(c, 0, sizeof(*c));
	c->cma = true;
	c->numa = true;
	/* SLAB_OBJ_EXT exists from 6.10 on; distros enable MEMCG, which selects it. */
	c->slab_obj_ext = p && (p->major > 6 || (p->major == 6 && p->minor >= 10));
}

static bool kasan_flag(enum fs_gfp_flag f)
{
	return f == FS_GFP_SKIP_ZERO || f == FS_GFP_SKIP_KASAN ||
	       f == FS_GFP_SKIP_KASAN_POISON || f == FS_GFP_SKIP_KASAN_UNPOISON;
}

/* 6.11+: the bits above ZEROTAGS are numbered in enum order, only the
 * configured ones taking a position (kernel-rules §1.1 layout H). */
static uint64_t enum_layout_bit(const struct fs_kprofile *p, const struct fs_kconfig *c,
				enum fs_gfp_flag f)
{
	int next = 24;
	if (c->kasan_hw_tags) {
		if (f == FS_GFP_SKIP_ZERO)
			return UINT64_C(1) << next;
		if (f == FS_GFP_SKIP_KASAN)
			return UINT64_C(1) << (next + 1);
		next += 2;
	} else if (f == FS_GFP_SKIP_ZERO || f == FS_GFP_SKIP_KASAN) {
		return 0;
	}
	if (f == FS_GFP_NOLOCKDEP)
		return c->lockdep ? UINT64_C(1) << next : 0;
	if (c->lockdep)
		next++;
	if (f == FS_GFP_NO_OBJ_EXT)
		return c->slab_obj_ext ? UINT64_C(1) << next : 0;
	return p->gfp_bit[f];
}

uint64_t fs_gfp_bit(const struct fs_kprofile *p, const struct fs_kconfig *c, enum fs_gfp_flag f)
{
	if (!p || (unsigned)f >= FS_GFP_NR_FLAGS)
		return 0;
	struct fs_kconfig def;
	if (!c) {
		fs_kconfig_default(p, &def);
		c = &def;
	}
	const struct fs_kprofile_extra *x = fs_kprofile_extra(p);
	if (x->layout == FS_LAYOUT_ENUM)
		return enum_layout_bit(p, c, f);
	if (f == FS_GFP_NOLOCKDEP && !c->lockdep)
		return 0;
	/* 5.15 defines SKIP_KASAN_POISON whatever the config; 6.1 and 6.6 only
	 * with KASAN_HW_TAGS. */
	if (kasan_flag(f) && x->layout != FS_LAYOUT_5_15 && !c->kasan_hw_tags)
		return 0;
	return p->gfp_bit[f];
}

uint64_t fs_gfp_def_value(const struct fs_kprofile *p, const struct fs_kconfig *c,
			  const struct fs_gfp_name_def *d)
{
	uint64_t set = 0, clear = 0;
	for (int f = 0; f < FS_GFP_NR_FLAGS; f++) {
		uint64_t b = UINT64_C(1) << f;
		if (d->set & b)
			set |= fs_gfp_bit(p, c, (enum fs_gfp_flag)f);
		if (d->clear & b)
			clear |= fs_gfp_bit(p, c, (enum fs_gfp_flag)f);
	}
	return set & ~clear;
}

const char *fs_gfp_flag_name(enum fs_gfp_flag f)
{
	static const char *const names[FS_GFP_NR_FLAGS] = {
		[FS_GFP_DMA] = "__GFP_DMA", [FS_GFP_HIGHMEM] = "__GFP_HIGHMEM",
		[FS_GFP_DMA32] = "__GFP_DMA32", [FS_GFP_MOVABLE] = "__GFP_MOVABLE",
		[FS_GFP_RECLAIMABLE] = "__GFP_RECLAIMABLE", [FS_GFP_HIGH] = "__GFP_HIGH",
		[FS_GFP_IO] = "__GFP_IO", [FS_GFP_FS] = "__GFP_FS", [FS_GFP_COLD] = "__GFP_COLD",
		[FS_GFP_NOWARN] = "__GFP_NOWARN", [FS_GFP_REPEAT] = "__GFP_REPEAT",
		[FS_GFP_NOFAIL] = "__GFP_NOFAIL", [FS_GFP_NORETRY] = "__GFP_NORETRY",
		[FS_GFP_MEMALLOC] = "__GFP_MEMALLOC", [FS_GFP_COMP] = "__GFP_COMP",
		[FS_GFP_ZERO] = "__GFP_ZERO", [FS_GFP_NOMEMALLOC] = "__GFP_NOMEMALLOC",
		[FS_GFP_HARDWALL] = "__GFP_HARDWALL", [FS_GFP_THISNODE] = "__GFP_THISNODE",
		[FS_GFP_ATOMIC] = "__GFP_ATOMIC", [FS_GFP_NOACCOUNT] = "__GFP_NOACCOUNT",
		[FS_GFP_NOTRACK] = "__GFP_NOTRACK",
		[FS_GFP_DIRECT_RECLAIM] = "__GFP_DIRECT_RECLAIM",
		[FS_GFP_OTHER_NODE] = "__GFP_OTHER_NODE", [FS_GFP_WRITE] = "__GFP_WRITE",
		[FS_GFP_KSWAPD_RECLAIM] = "__GFP_KSWAPD_RECLAIM",
		[FS_GFP_RETRY_MAYFAIL] = "__GFP_RETRY_MAYFAIL", [FS_GFP_ACCOUNT] = "__GFP_ACCOUNT",
		[FS_GFP_NOLOCKDEP] = "__GFP_NOLOCKDEP", [FS_GFP_ZEROTAGS] = "__GFP_ZEROTAGS",
		[FS_GFP_SKIP_ZERO] = "__GFP_SKIP_ZERO",
		[FS_GFP_SKIP_KASAN_POISON] = "__GFP_SKIP_KASAN_POISON",
		[FS_GFP_SKIP_KASAN_UNPOISON] = "__GFP_SKIP_KASAN_UNPOISON",
		[FS_GFP_SKIP_KASAN] = "__GFP_SKIP_KASAN", [FS_GFP_NO_OBJ_EXT] = "__GFP_NO_OBJ_EXT",
	};
	return (unsigned)f < FS_GFP_NR_FLAGS ? names[f] : "?";
}

/* ---- choosing a profile ---- */

struct release {
	int major, minor, sublevel;
	const char *rest;       /* after the numbers: "-8-amd64" */
};

/* "5.10.0-8-amd64", "v6.1", "linux-4.19.176": leading non-digits skipped. */
static bool parse_release(const char *s, struct release *r)
{
	if (!s)
		return false;
	while (*s && (*s < '0' || *s > '9'))
		s++;
	int v[3] = { 0, 0, 0 }, n = 0;
	while (n < 3 && *s >= '0' && *s <= '9') {
		long x = 0;
		while (*s >= '0' && *s <= '9' && x < 1000000)
			x = x * 10 + (*s++ - '0');
		if (*s >= '0' && *s <= '9')
			return false;   /* absurdly long number */
		v[n++] = (int)x;
		if (*s != '.' || s[1] < '0' || s[1] > '9')
			break;
		s++;
	}
	if (n < 2)
		return false;
	r->major = v[0];
	r->minor = v[1];
	r->sublevel = v[2];
	r->rest = s;
	return true;
}

static int cmp_version(int amaj, int amin, int bmaj, int bmin)
{
	if (amaj != bmaj)
		return amaj < bmaj ? -1 : 1;
	return amin < bmin ? -1 : amin > bmin;
}

static const struct fs_kprofile *profile_for(const struct release *r, bool *exact,
					     bool *older_than_all)
{
	const struct fs_kprofile *best = NULL;
	*exact = *older_than_all = false;
	for (int i = 0; i < NR_PROFILES; i++) {
		const struct fs_kprofile *p = &profiles[i];
		int c = cmp_version(p->major, p->minor, r->major, r->minor);
		if (c == 0 && r->sublevel >= p->sublevel_min && r->sublevel <= p->sublevel_max) {
			*exact = true;
			return p;
		}
		/* Nearest older: the highest version below; of a split series the
		 * mainline one (sublevel 0), which later mainline descends from. */
		if (c < 0 && (!best || cmp_version(p->major, p->minor, best->major,
						   best->minor) > 0))
			best = p;
	}
	if (!best) {
		*older_than_all = true;
		return &profiles[0];
	}
	return best;
}

const struct fs_kprofile *fs_kprofile_for_release(const char *release, bool *guessed,
						  char *why, size_t why_size)
{
	ensure_tables();
	const struct fs_kprofile *newest = &profiles[NR_PROFILES - 1];
	struct release r;
	bool dummy;
	bool *g = guessed ? guessed : &dummy;
	char buf[256];
	if (!release || !*release || !parse_release(release, &r)) {
		*g = true;
		if (!release || !*release)
			snprintf(buf, sizeof(buf), "no kernel release known: using the newest "
				 "profile, %s", newest->name);
		else
			snprintf(buf, sizeof(buf), "kernel release \"%.40s\" not understood: "
				 "using the newest profile, %s", release, newest->name);
		if (why && why_size)
			fs_copy_str(why, why_size, buf);
		return newest;
	}
	bool exact, older;
	const struct fs_kprofile *p = profile_for(&r, &exact, &older);
	/* Keep the release short in the sentence: why fields are small. */
	*g = older;
	if (older)
		snprintf(buf, sizeof(buf), "kernel %.40s is older than the oldest profile: "
			 "using %s, whose rules may not apply", release, p->name);
	else if (!exact && p == newest)
		snprintf(buf, sizeof(buf), "kernel %.40s is newer than the newest profile: "
			 "using %s", release, p->name);
	else if (!exact)
		snprintf(buf, sizeof(buf), "kernel %.40s -> profile %s, the nearest older "
			 "(later changes not modelled)", release, p->name);
	else if (r.sublevel == 0 && *r.rest == '-' && p->sublevel_max < 100000)
		/* Debian's 6.1.0-28 is 6.1.119: ".0" hides the stable release. */
		snprintf(buf, sizeof(buf), "kernel %.40s -> profile %s (a distro \".0\" may "
			 "hide a later stable release: use --kernel)", release, p->name);
	else
		snprintf(buf, sizeof(buf), "kernel %.40s -> profile %s", release, p->name);
	if (why && why_size)
		fs_copy_str(why, why_size, buf);
	return p;
}

const struct fs_kprofile *fs_kprofile_by_name(const char *name)
{
	ensure_tables();
	if (!name || !*name)
		return NULL;
	for (int i = 0; i < NR_PROFILES; i++)
		if (strcasecmp(profiles[i].name, name) == 0)
			return &profiles[i];
	if (strcasecmp(name, "newer") == 0 || strcasecmp(name, "newest") == 0 ||
	    strcasecmp(name, "latest") == 0)
		return &profiles[NR_PROFILES - 1];
	struct release r;
	if (!parse_release(name, &r))
		return NULL;
	/* "6.1-late" style names were handled above; anything else is a release. */
	return fs_kprofile_for_release(name, NULL, NULL, 0);
}
