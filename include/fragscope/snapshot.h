/*
 * snapshot.h - one moment of one machine's physical memory, as the page
 * allocator sees it: nodes -> zones -> free blocks per migratetype x order.
 *
 * The model is plain data. It knows nothing about where it came from;
 * parsers fill it, the verdict and the engine read it, front ends draw it.
 * All quantities are in pages of meta.page_size unless a name says kB.
 */
#ifndef FRAGSCOPE_SNAPSHOT_H
#define FRAGSCOPE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/diag.h"

#define FS_MAX_ORDERS 16       /* 64K pages on arm64 have 14; leave room */
#define FS_MAX_ZONE_TYPES 8    /* length of the protection tuple */
#define FS_ZONE_NAME_MAX 16
#define FS_MAX_NODES 1024      /* MAX_NUMNODES with NODES_SHIFT=10 */
#define FS_MAX_ZONES 8192      /* bound on zones in one snapshot */

/* Migratetypes by identity; the order the kernel printed them is kept in
 * fs_meta.mt_order because the enum values differ between versions (the
 * old MIGRATE_RESERVE sat between Movable and CMA). */
enum fs_mt {
	FS_MT_UNMOVABLE,
	FS_MT_MOVABLE,
	FS_MT_RECLAIMABLE,
	FS_MT_HIGHATOMIC,
	FS_MT_CMA,
	FS_MT_ISOLATE,
	FS_MT_RESERVE, /* kernels before 4.4 */
	FS_MT_COUNT
};

const char *fs_mt_name(enum fs_mt mt);      /* "Unmovable" as pagetypeinfo prints it */
char fs_mt_letter(enum fs_mt mt);           /* 'U' as show_mem prints it */
int fs_mt_from_name(const char *name, size_t len);  /* -1 when unknown */
int fs_mt_from_letter(char letter);                 /* -1 when unknown */

/* A free-block count is not always known exactly. */
enum fs_count_kind {
	FS_COUNT_NONE = 0,    /* not known at all */
	FS_COUNT_EXACT,       /* value is the count */
	FS_COUNT_CAPPED,      /* at least value (pagetypeinfo ">100000") */
	FS_COUNT_NONEMPTY,    /* at least 1, exact count unknown (warn_alloc letters) */
	FS_COUNT_EMPTY_KNOWN, /* the list is known to be empty (warn_alloc: letter absent) */
};

struct fs_count {
	uint64_t value;       /* exact value, or the lower bound */
	uint8_t kind;         /* enum fs_count_kind */
};

static inline bool fs_count_known(struct fs_count c) { return c.kind != FS_COUNT_NONE; }
static inline bool fs_count_nonzero(struct fs_count c)
{
	return (c.kind == FS_COUNT_EXACT || c.kind == FS_COUNT_CAPPED) ? c.value > 0
	       : c.kind == FS_COUNT_NONEMPTY;
}
static inline struct fs_count fs_count_exact(uint64_t v)
{
	struct fs_count c = { v, FS_COUNT_EXACT };
	return c;
}

/* Named counters, e.g. the rest of /proc/vmstat or the zone's items. */
#define FS_STAT_NAME_MAX 64
struct fs_stat {
	char name[FS_STAT_NAME_MAX];
	int64_t value;
};
struct fs_stats {
	struct fs_stat *items;
	size_t count, cap;
};
void fs_stats_set(struct fs_stats *s, const char *name, int64_t value);
bool fs_stats_get(const struct fs_stats *s, const char *name, int64_t *value);
void fs_stats_free(struct fs_stats *s);
void fs_stats_copy(struct fs_stats *dst, const struct fs_stats *src);

/* Which scalar fields of a zone are known. */
enum fs_zone_known {
	FS_ZK_FREE_PAGES         = 1u << 0,
	FS_ZK_WMARK              = 1u << 1,  /* min, low, high */
	FS_ZK_BOOST              = 1u << 2,
	FS_ZK_PROMO              = 1u << 3,
	FS_ZK_SPANNED            = 1u << 4,
	FS_ZK_PRESENT            = 1u << 5,
	FS_ZK_MANAGED            = 1u << 6,
	FS_ZK_CMA_PAGES          = 1u << 7,  /* zoneinfo "cma": pages in the CMA area */
	FS_ZK_FREE_CMA           = 1u << 8,
	FS_ZK_RESERVED_HIGHATOMIC = 1u << 9,
	FS_ZK_FREE_HIGHATOMIC    = 1u << 10,
	FS_ZK_FREE_PCP           = 1u << 11,
	FS_ZK_PROTECTION         = 1u << 12,
	FS_ZK_ORDER_BLOCKS       = 1u << 13, /* order_blocks[] (buddyinfo or free-area line) */
	FS_ZK_MT_BLOCKS          = 1u << 14, /* mt_blocks[][] */
	FS_ZK_PAGEBLOCKS         = 1u << 15, /* pageblocks[] */
	FS_ZK_AREA_TOTAL         = 1u << 16, /* printed "= NkB" total of the free-area line */
	FS_ZK_START_PFN          = 1u << 17,
	/* order_blocks and mt_blocks come from separate reads (buddyinfo and
	 * pagetypeinfo): fs_snapshot_check compares them with a tolerance
	 * instead of exactly. Set by the parsers and by fs_snapshot_merge. */
	FS_ZK_SPLIT_READS        = 1u << 18,
};

struct fs_zone {
	int node;
	char name[FS_ZONE_NAME_MAX];    /* "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device" */
	uint32_t known;                 /* enum fs_zone_known bits */
	bool populated;                 /* zoneinfo prints empty zones too (4.19+) */

	/* nr_free per order, all migratetypes: buddyinfo, or the free-area line. */
	struct fs_count order_blocks[FS_MAX_ORDERS];
	/* Free blocks per migratetype x order: pagetypeinfo, or the letters of a
	 * warn_alloc free-area line. Rows exist for migratetypes in mt_rows. */
	struct fs_count mt_blocks[FS_MT_COUNT][FS_MAX_ORDERS];
	uint32_t mt_rows;               /* bit (1 << enum fs_mt) */
	uint64_t pageblocks[FS_MT_COUNT];   /* "Number of blocks type" */

	uint64_t free_pages;            /* NR_FREE_PAGES ("pages free", "free:kB") */
	uint64_t wmark_min, wmark_low, wmark_high;  /* as printed (boost included) */
	uint64_t wmark_boost, wmark_promo;
	uint64_t spanned, present, managed;
	uint64_t cma_pages, free_cma;
	uint64_t reserved_highatomic, free_highatomic;
	uint64_t free_pcp;
	uint64_t protection[FS_MAX_ZONE_TYPES];  /* lowmem_reserve[], pages */
	int nr_protection;
	uint64_t area_total_pages;      /* printed total of the free-area line */
	uint64_t start_pfn;

	struct fs_stats stats;          /* every other per-zone item (nr_zone_inactive_file, ...) */
};

struct fs_node {
	int id;
	struct fs_stats stats;          /* zoneinfo "per-node stats", warn_alloc "Node N" line (kB->pages) */
};

enum fs_time_base {
	FS_TIME_UNKNOWN,
	FS_TIME_EPOCH,                  /* seconds since 1970 (live, captures, syslog) */
	FS_TIME_BOOT,                   /* seconds since boot (dmesg stamps) */
};

struct fs_meta {
	double time;
	enum fs_time_base time_base;
	char kernel_release[128];       /* "" when unknown */
	unsigned page_size;             /* bytes; 0 when unknown */
	int pageblock_order;            /* -1 when unknown */
	int nr_orders;                  /* columns printed; 0 when unknown */
	int nr_mt_order;
	uint8_t mt_order[FS_MT_COUNT];  /* migratetypes in the order the kernel printed them */
	char source[256];               /* where it came from, for people */
	char hostname[64];
};

struct fs_snapshot {
	struct fs_meta meta;
	struct fs_node *nodes;
	size_t nr_nodes, nodes_cap;
	struct fs_zone *zones;          /* sorted by node, then zone index */
	size_t nr_zones, zones_cap;
	struct fs_stats vmstat;         /* /proc/vmstat, or the Mem-Info counters (pages) */
	struct fs_stats meminfo;        /* /proc/meminfo, kB */
	struct fs_diags diags;          /* everything odd found while reading */
};

struct fs_snapshot *fs_snapshot_new(void);
void fs_snapshot_init(struct fs_snapshot *s);
void fs_snapshot_free(struct fs_snapshot *s);       /* frees s itself */
void fs_snapshot_clear(struct fs_snapshot *s);      /* frees contents only */
struct fs_snapshot *fs_snapshot_clone(const struct fs_snapshot *s);

/* Zone index as the kernel numbers zone types (DMA < DMA32 < Normal < HighMem
 * < Movable < Device); -1 for an unknown name. Used to order zones. */
int fs_zone_type_rank(const char *name);

/* Find a zone; with create, add it in (node, rank) order. NULL when absent,
 * or when FS_MAX_ZONES / FS_MAX_NODES would be exceeded. The returned
 * pointer is valid until the next create. */
struct fs_zone *fs_snapshot_zone(struct fs_snapshot *s, int node, const char *name,
				 size_t name_len, bool create);
struct fs_node *fs_snapshot_node(struct fs_snapshot *s, int node, bool create);

/* Note migratetype mt in the printed order (idempotent). */
void fs_meta_note_mt(struct fs_meta *m, enum fs_mt mt);

/* The migratetype rows zone z has, in the order the kernel printed them
 * (meta.mt_order), then any others; returns how many were written to out. */
int fs_zone_rows_in_order(const struct fs_snapshot *s, const struct fs_zone *z,
			  enum fs_mt out[FS_MT_COUNT]);

/* Derived quantities. */
uint64_t fs_zone_area_pages(const struct fs_zone *z);          /* sum of order_blocks[o] << o */
uint64_t fs_zone_mt_pages(const struct fs_zone *z, enum fs_mt mt, bool *exact);
int fs_snapshot_nr_orders(const struct fs_snapshot *s);       /* meta, else deduced, else 11 */

/*
 * Merge what src knows into dst (same machine, same moment: buddyinfo +
 * pagetypeinfo + zoneinfo). Fields dst lacks are taken; fields both know and
 * that disagree become warnings on dst naming both sources. src's
 * diagnostics are appended to dst's; dst's source becomes "dst + src".
 */
void fs_snapshot_merge(struct fs_snapshot *dst, const struct fs_snapshot *src);

/*
 * Self-consistency: per-order sums against printed totals, pagetypeinfo
 * rows against buddyinfo columns, free pages against the free lists (with
 * the tolerance that per-cpu counter drift allows). Findings are added to
 * s->diags.
 */
void fs_snapshot_check(struct fs_snapshot *s);

#endif
