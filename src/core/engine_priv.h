/*
 * engine_priv.h - the engine's state, shared by its files: engine.c (the
 * buddy lists, free, page queries, the checker), engine_load.c (machines and
 * snapshot layouts), engine_alloc.c (the allocation path), engine_reclaim.c
 * (kswapd, direct reclaim, compaction) and engine_snapshot.c.
 *
 * A zone's pages are slots [0, nr_slots) from base, which is its start_pfn
 * aligned down to the largest order, so that buddy alignment on slots is the
 * kernel's alignment on pfns. Slots outside [start_pfn, end_pfn) are
 * reserved.
 */
#ifndef FRAGSCOPE_ENGINE_PRIV_H
#define FRAGSCOPE_ENGINE_PRIV_H

#include "fragscope/engine.h"

/* One byte per page: kind in the low 3 bits, the order of its allocation
 * above (0 for free pages: free blocks are known from the bitmaps). */
#define PAGE_KIND(b)  ((enum fs_page_kind)((b) & 7u))
#define PAGE_ORDER(b) ((int)((b) >> 3))
#define PAGE_BYTE(kind, order) ((uint8_t)((unsigned)(kind) | ((unsigned)(order) << 3)))

struct ezone {
	int node;
	char name[FS_ZONE_NAME_MAX];
	int rank;
	uint64_t start_pfn, end_pfn;
	uint64_t base;                  /* pfn of slot 0 */
	uint64_t nr_slots;
	uint8_t *page;                  /* per slot */
	uint64_t *free_map[FS_MAX_ORDERS];      /* bit per order-o block: a free block starts here */
	uint64_t nr_pb;                 /* pageblocks over the slots */
	uint8_t *pb_mt;                 /* enum fs_mt per pageblock */
	uint64_t pb_words;              /* words of each pb_has bitmap */
	uint64_t *pb_has[FS_MAX_ORDERS][FS_MT_COUNT];   /* bit per pageblock: a free block of
							   that order and list starts in it */
	uint64_t pb_hint[FS_MAX_ORDERS][FS_MT_COUNT];   /* no bit below this word */
	struct fs_rules_zone rz;        /* the live counters the rules read */
	int64_t free_drift;             /* NR_FREE_PAGES minus the lists, kept from a snapshot */
	uint64_t spanned, present, managed, cma_pages;
	uint64_t kind_pages[FS_PAGE_KINDS];
	uint64_t reclaim_hand;          /* where reclaim goes on (a clock over the slots) */
	int64_t base_wmark[3];          /* min, low, high without the boost */
	struct fs_stats stats;          /* zone items carried from the snapshot */
	bool has_protection;
};

/* One (gfp, order, node, task) request: its meaning and zonelist, cached in a
 * direct-mapped table (a miss takes the request's home slot). */
struct ereq {
	bool used;
	uint64_t gfp;
	int order, node;
	struct fs_alloc_task task;
	int rc;                         /* fs_verdict_zonelist */
	struct fs_zonelist zl;
};
#define ENGINE_REQ_CACHE 32

struct fs_engine {
	const struct fs_kprofile *profile;
	struct fs_kconfig config;
	uint64_t seed, rng;
	struct fs_meta meta;
	int nr_orders, pageblock_order;
	struct ezone *zones;
	size_t nr_zones;
	int nr_zone_types;              /* length of the protection tuple */
	struct fs_snapshot *shape;      /* zones without counts: what the zonelist is built on */
	struct ereq reqs[ENGINE_REQ_CACHE];
	struct ereq *last_req;
	double time;
	bool kswapd_pending[FS_MAX_NODES > 64 ? 64 : FS_MAX_NODES];
	int kswapd_order;
	struct fs_engine_stats stats;
	struct fs_stats vmstat, meminfo, nodestats;  /* carried from the snapshot */
	fs_engine_move_fn move_hook;
	void *move_ctx;
};

/* engine.c: the buddy lists */
static inline uint64_t pb_pages(const struct fs_engine *e) { return (uint64_t)1 << e->pageblock_order; }
static inline bool bit_test(const uint64_t *map, uint64_t i) { return (map[i >> 6] >> (i & 63)) & 1; }
static inline void bit_set(uint64_t *map, uint64_t i) { map[i >> 6] |= (uint64_t)1 << (i & 63); }
static inline void bit_clear(uint64_t *map, uint64_t i) { map[i >> 6] &= ~((uint64_t)1 << (i & 63)); }
static inline bool slot_in_zone(const struct ezone *z, uint64_t slot)
{
	uint64_t pfn = z->base + slot;
	return slot < z->nr_slots && pfn >= z->start_pfn && pfn < z->end_pfn;
}
static inline enum fs_mt slot_mt(const struct fs_engine *e, const struct ezone *z, uint64_t slot)
{
	return (enum fs_mt)z->pb_mt[slot >> e->pageblock_order];
}
static inline bool free_head(const struct ezone *z, uint64_t slot, int o)
{
	return !(slot & (((uint64_t)1 << o) - 1)) && bit_test(z->free_map[o], slot >> o);
}

void eng_free_add(struct fs_engine *e, struct ezone *z, uint64_t slot, int order);
void eng_free_del(struct fs_engine *e, struct ezone *z, uint64_t slot, int order);
/* The lowest free block of (order, mt), or UINT64_MAX. */
uint64_t eng_free_find(struct fs_engine *e, struct ezone *z, int order, enum fs_mt mt);
/* The free block holding slot: its head and order; false when slot is not free. */
bool eng_free_block_of(const struct fs_engine *e, const struct ezone *z, uint64_t slot,
		       uint64_t *head, int *order);
/* Take free block (slot, from_order), keep [slot', slot'+2^order) for an
 * allocation at its start, and give the rest back split (expand). */
void eng_take(struct fs_engine *e, struct ezone *z, uint64_t slot, int from_order, int order);
/* Mark an allocation: kind on each page, counters. */
void eng_mark(struct ezone *z, uint64_t slot, int order, enum fs_page_kind kind);
/* Give pages [slot, slot + 2^order) (aligned) back to the buddy lists with merging. */
uint64_t eng_release(struct fs_engine *e, struct ezone *z, uint64_t slot, int order, int *merged);
/* Change pageblock pb's type; its free blocks move lists. */
void eng_set_pb_mt(struct fs_engine *e, struct ezone *z, uint64_t pb, enum fs_mt mt);
/* Free pages in pageblock pb, and pages that look movable (anon, file). */
void eng_pb_count(const struct fs_engine *e, const struct ezone *z, uint64_t pb, uint64_t *free,
		  uint64_t *movable);
uint64_t eng_rand(struct fs_engine *e);
/* Allocate the zone's arrays for its span; pageblocks start as mt. */
void eng_zone_alloc(struct fs_engine *e, struct ezone *z, enum fs_mt mt);
void eng_zone_free(struct ezone *z);
#define HOLE_PB 0xff            /* pb_mt of a pageblock the kernel does not count (no valid pfn) */
void eng_mark_hole_pbs(struct fs_engine *e, struct ezone *z);
/* The boost on top of the base watermarks (rz.wmark holds them as printed). */
static inline void eng_set_boost(struct ezone *z, int64_t boost)
{
	z->rz.boost = boost;
	for (int i = 0; i < 3; i++)
		z->rz.wmark[i] = z->base_wmark[i] + boost;
}
/* Counters and rules zone of z from scratch (after a load). */
void eng_rules_init(struct fs_engine *e, struct ezone *z);
/* The zones as a snapshot without counts, for zonelists (engine_snapshot.c). */
void eng_build_shape(struct fs_engine *e);
/* The request's cache entry (meaning, zonelist). */
struct ereq *eng_request(struct fs_engine *e, uint64_t gfp, int order, int node,
			 const struct fs_alloc_task *task);
/* The kernel zone index of a zone type rank on this machine. */
int eng_kernel_zone_index(const struct fs_engine *e, int rank);

/* engine_reclaim.c, for the allocation path */
uint64_t eng_reclaim_zone(struct fs_engine *e, struct ezone *z, uint64_t want, bool slab,
			  struct fs_reclaim_result *r);
void eng_compact_zone(struct fs_engine *e, struct ezone *z, enum fs_mt mt, int order,
		      unsigned alloc_flags, int classzone, enum fs_compact_mode mode,
		      struct fs_compaction_result *r);

#endif
