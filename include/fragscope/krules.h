/*
 * krules.h - the page allocator's per-zone decisions, once for the whole
 * project: the watermark check (__zone_watermark_ok, zone_watermark_fast),
 * the free-list choice (own type, CMA, fallback, HighAtomic), the fallback
 * table, compaction suitability. The verdict calls these on a snapshot; the
 * engine will call the same on its own state, so the two cannot disagree.
 *
 * Numbers are pages. Every function fills a result struct with the inputs
 * and intermediate values it used, so callers can show the arithmetic.
 */
#ifndef FRAGSCOPE_KRULES_H
#define FRAGSCOPE_KRULES_H

#include <stdbool.h>
#include <stdint.h>

#include "fragscope/kprofile.h"
#include "fragscope/snapshot.h"

enum fs_list_state {
	FS_LIST_EMPTY,
	FS_LIST_NONEMPTY,
	FS_LIST_UNKNOWN,        /* the input did not say */
};

/* A zone as the rules see it. Scalars are -1 when the input did not say. */
struct fs_rules_zone {
	char name[FS_ZONE_NAME_MAX];
	int node;
	int rank;                       /* fs_zone_type_rank */
	int64_t managed;                /* -1 unknown */
	int64_t free_pages;             /* NR_FREE_PAGES (-1 unknown) */
	int64_t free_cma;               /* NR_FREE_CMA_PAGES (-1 unknown) */
	int64_t highatomic_reserved;    /* nr_reserved_highatomic, pages (-1 unknown) */
	int64_t highatomic_free;        /* free pages on HighAtomic lists (-1 unknown) */
	int64_t wmark[3];               /* min, low, high in force (boost included; -1 unknown) */
	int64_t boost;                  /* watermark_boost (-1: the kernel boosts, did not say) */
	int64_t lowmem_reserve[FS_MAX_ZONE_TYPES];
	int nr_lowmem_reserve;          /* 0: protection unknown */
	int nr_orders;
	struct fs_count nr_free[FS_MAX_ORDERS];              /* all types */
	struct fs_count blocks[FS_MAX_ORDERS][FS_MT_COUNT];  /* per type; kind NONE = unknown */
	bool per_type_known;            /* pagetypeinfo or warn_alloc letters were there */
	/* Added by krules: */
	int pageblock_order;            /* meta.pageblock_order, else guessed from the page size */
	bool pageblock_order_guessed;
	int64_t highatomic_reserved_min;/* a lower bound, = highatomic_reserved when known */
	int64_t highatomic_free_min;    /* a lower bound, = highatomic_free when known */
	char notes[320];                /* what was derived or assumed, one line each */
	/* The engine's hot path: results carry every number and decision but
	 * no text (why, reductions, assumed stay empty). */
	bool quiet;
};

/* Fill a rules zone from a snapshot zone; what was derived or assumed goes to out->notes. */
void fs_rules_zone_from_snapshot(const struct fs_kprofile *p, const struct fs_snapshot *s,
				 const struct fs_zone *z, struct fs_rules_zone *out);
enum fs_list_state fs_rules_list(const struct fs_rules_zone *z, int order, enum fs_mt mt);

/* Everything __zone_watermark_ok used and decided. */
struct fs_wmark_result {
	enum fs_wmark which;
	int order;
	unsigned alloc_flags;
	int64_t mark;                   /* the watermark before reductions */
	int64_t min_after;              /* after HIGH/HARDER/OOM/MIN_RESERVE reductions */
	char reductions[160];           /* "min/2 (ALLOC_HIGH), -min/4 (ALLOC_HARDER)" */
	int64_t free_pages;
	int64_t minus_order;            /* (1 << order) - 1 */
	int64_t minus_highatomic;       /* reserve subtracted when not entitled */
	int64_t minus_cma;              /* free CMA when !ALLOC_CMA */
	int64_t usable;                 /* free - the three */
	int classzone;                  /* index into lowmem_reserve */
	int64_t lowmem_reserve;
	int64_t margin;                 /* usable - (min_after + lowmem_reserve); > 0 passes */
	bool shortcut;                  /* decided by the order-0 fast shortcut */
	bool order0_ok;
	bool free_unknown;              /* NR_FREE_PAGES not in the input: nothing to test */
	int found_order;                /* order >= requested with a usable list, or -1 */
	int found_mt;                   /* enum fs_mt, or -1 (4.4-4.14 HARDER: any list) */
	bool found_uncertain;           /* only lists of unknown state could satisfy it */
	bool ok;
	/* Added by krules. Unknown inputs are taken in the request's favour (a list of
	 * unknown state as non-empty, an unknown reserve at its lower bound, an unknown
	 * watermark or lowmem_reserve as 0), so a failure is always certain; a pass that
	 * rests on such an input sets found_uncertain or order0_uncertain. */
	bool order0_uncertain;          /* the order-0 test passed only thanks to an assumption */
	bool boost_retry;               /* decided by the retry against the unboosted min (5.4+) */
	char assumed[192];              /* unknown inputs and the values used for them */
};

/* classzone is the kernel's zone index (the position in the protection tuple) the
 * version uses (kernel-rules §2.3); alloc_flags are enum fs_alloc_flag identities. */
bool fs_zone_watermark_ok(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
			  enum fs_wmark which, int classzone, unsigned alloc_flags,
			  struct fs_wmark_result *r);
/* zone_watermark_fast of the version (order-0 shortcut, boost retry). */
bool fs_zone_watermark_fast(const struct fs_kprofile *p, const struct fs_rules_zone *z,
			    int order, enum fs_wmark which, int classzone, unsigned alloc_flags,
			    uint64_t gfp_mask, struct fs_wmark_result *r);

/* The fallback order of a migratetype (fallbacks[]); returns the count. */
int fs_fallbacks(const struct fs_kprofile *p, enum fs_mt mt, enum fs_mt out[FS_MT_COUNT]);

enum fs_pick_how {
	FS_PICK_NONE,
	FS_PICK_OWN,            /* __rmqueue_smallest(migratetype) */
	FS_PICK_HIGHATOMIC,
	FS_PICK_CMA,
	FS_PICK_FALLBACK,       /* stolen from a fallback type */
};

/* "own list", "HighAtomic reserve", "CMA", "fallback (stolen)", "none". */
const char *fs_pick_how_name(enum fs_pick_how how);

/* Which free block rmqueue would take, and why: through the per-cpu lists for
 * their orders (refilled by __rmqueue; pages already on them are not in a
 * snapshot), else rmqueue_buddy: [HighAtomic first] -> __rmqueue ([CMA when over
 * half of free] -> own type -> [CMA] -> fallback) -> [HighAtomic last resort]. */
struct fs_pick {
	enum fs_pick_how how;
	int order;
	enum fs_mt mt;                  /* the list the block comes from */
	bool claims_block;              /* the pageblock would change type */
	bool uncertain;                 /* decided on lists of unknown state */
	bool may_claim;                 /* tries to claim the pageblock: it changes type only
					   if half of it is free or alike (not in a snapshot) */
	char why[320];
};
bool fs_freelist_pick(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
		      enum fs_mt migratetype, unsigned alloc_flags, struct fs_pick *pick);

/* 6.15+ __rmqueue_claim: the claim of a block at failed_order did not take its
 * pageblock (not half free or alike), so the kernel tries the lower orders,
 * then __rmqueue_steal. The engine, which knows the pageblock, calls this;
 * false when nothing is left (or the profile has no claim/steal split). */
bool fs_freelist_pick_after_claim(const struct fs_kprofile *p, const struct fs_rules_zone *z,
				  int order, enum fs_mt migratetype, unsigned alloc_flags,
				  int failed_order, struct fs_pick *pick);

/* Compaction suitability of a zone for order (kernel-rules §11.1), for direct
 * compaction: alloc_flags are the slow path's (its check is at the min mark;
 * 4.4: low). The 6.14+ skip of an async first attempt is told in why only. */
enum fs_compact_suit {
	FS_COMPACT_SUCCESS,     /* already possible: no compaction needed */
	FS_COMPACT_SKIPPED,     /* not enough free memory: reclaim first */
	FS_COMPACT_CONTINUE,    /* compaction may help */
	FS_COMPACT_NOT_SUITABLE_FRAGINDEX,  /* fragindex <= extfrag_threshold: lack of memory */
};
struct fs_compact_result {
	enum fs_compact_suit suit;
	int64_t needed;                 /* (watermark + compact_gap) after the check's reductions,
					   + lowmem_reserve: available must exceed it */
	int64_t available;              /* free pages as that order-0 check counts them */
	int fragindex;                  /* x1000; -1000 when the order is free */
	char why[256];
	bool uncertain;                 /* rests on an unknown input (see fs_wmark_result) */
};
enum fs_compact_suit fs_compaction_suitable(const struct fs_kprofile *p,
					    const struct fs_rules_zone *z, int order,
					    int classzone, unsigned alloc_flags,
					    struct fs_compact_result *r);

#endif
