/*
 * kprofile_priv.h - what kprofile.c (the tables) and gfp.c (decoding,
 * encoding, meaning) share beyond the public contract in kprofile.h: how a
 * profile's names are defined, and the facts only the mask's meaning needs.
 */
#ifndef FRAGSCOPE_KPROFILE_PRIV_H
#define FRAGSCOPE_KPROFILE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/kprofile.h"

/* The gfp bit layouts (kernel-rules §1.1, plus 4.9 and 4.14 read here). */
enum fs_gfp_layout {
	FS_LAYOUT_4_4,          /* A: NOACCOUNT, COLD, REPEAT, NOTRACK, OTHER_NODE */
	FS_LAYOUT_4_9,          /* A with ACCOUNT instead of NOACCOUNT (4.5 - 4.9) */
	FS_LAYOUT_4_14,         /* 4.12 - 4.14: OTHER_NODE gone, NOLOCKDEP, RETRY_MAYFAIL */
	FS_LAYOUT_4_19,         /* B: 4.15 - 5.0 */
	FS_LAYOUT_5_4,          /* C: 5.1 - 5.10 */
	FS_LAYOUT_5_15,         /* D: ZEROTAGS, SKIP_KASAN_POISON always non-zero */
	FS_LAYOUT_6_1,          /* E: kasan bits only with KASAN_HW_TAGS */
	FS_LAYOUT_6_6,          /* G: __GFP_ATOMIC gone, SKIP_KASAN */
	FS_LAYOUT_ENUM,         /* H: 6.11+, positions above bit 23 follow the config */
};

/* A flag set: bit (1 << enum fs_gfp_flag) for each flag. */
#define FS_GF(x) (UINT64_C(1) << FS_GFP_##x)

/*
 * A name of a %pGg or composite table by definition: the value is the OR of
 * the bits of the flags in set, without the bits of the flags in clear, as
 * the version and config have them (flags a version lacks count as 0, so one
 * definition of GFP_ATOMIC serves 4.4 and 6.18 alike).
 */
struct fs_gfp_name_def {
	const char *name;
	uint64_t set, clear;
};

/* Facts the public struct does not carry; one per profile. */
struct fs_kprofile_extra {
	enum fs_gfp_layout layout;
	/* %pGg table in the kernel's order; for a hex-only kernel (4.4) the
	 * table fragscope decodes with in the same style. */
	const struct fs_gfp_name_def *pgg;
	size_t nr_pgg;
	const struct fs_gfp_name_def *composites;
	size_t nr_composites;
	bool hex_only;                  /* warn_alloc prints mode:0x%x only (4.4) */
	bool retry_flag_is_repeat;      /* <= 4.12: __GFP_REPEAT plays RETRY_MAYFAIL's part */
	bool nofail_skips_oom_gates;    /* 4.4, 4.9: NOFAIL goes past every OOM gate */
	bool memdie_nopage;             /* 4.4, 4.9: OOM victim w/o NOFAIL stops before reclaim */
	bool oom_gate_retry_mayfail;    /* 4.13+: RETRY_MAYFAIL never invokes the OOM killer */
	bool pfmemalloc_in_gfp_flags;   /* 4.4: NO_WATERMARKS computed in gfp_to_alloc_flags */
	bool reserve_readds_cma;        /* 5.10+: reserve flags keep ALLOC_CMA */
	bool reserve_keeps_kswapd;      /* 6.1+: reserve flags keep ALLOC_KSWAPD */
	bool has_alloc_kswapd;          /* 5.0+ */
	bool fast_cpuset_fair;          /* 4.4: fast path always ALLOC_CPUSET|ALLOC_FAIR */
	bool atomic_cleared_with_reclaim; /* __GFP_ATOMIC with DIRECT_RECLAIM: WARN, cleared */
	bool pin_clears_movable;        /* 5.15+: memalloc_pin clears __GFP_MOVABLE */
	bool nocma_task;                /* 5.10: memalloc_pin (PF_MEMALLOC_NOCMA) withholds CMA */
	bool rt_includes_deadline;      /* 6.12+: deadline tasks count as RT */
	bool defrag_mode;               /* 6.15+: vm.defrag_mode keeps ALLOC_NOFRAGMENT */
};

const struct fs_kprofile_extra *fs_kprofile_extra(const struct fs_kprofile *p);
/* The value of definition d in profile p with config c. */
uint64_t fs_gfp_def_value(const struct fs_kprofile *p, const struct fs_kconfig *c,
			  const struct fs_gfp_name_def *d);

#endif
