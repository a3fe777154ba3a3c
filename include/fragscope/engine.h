/*
 * engine.h - the allocator engine: a page-accurate simulated machine that
 * runs the buddy allocator of one kernel version.
 *
 * Nodes -> zones -> pages. Every page is free (part of a free buddy block on
 * the list of its pageblock's migratetype), allocated with a kind (kernel,
 * anonymous, page cache, slab), held by a per-cpu list, or reserved (holes,
 * memblock). Pageblocks carry migratetypes; zones carry watermarks,
 * lowmem_reserve, a CMA area and the highatomic reserve.
 *
 * One implementation of the rules: alloc() makes its watermark checks and
 * free-list choices with krules.h on the engine's own counters, takes the
 * zonelist from verdict.h, and on the slow path asks fs_verdict_run on
 * fs_engine_snapshot() what may follow (reclaim, compaction, nothing) before
 * doing it. So verdict(snapshot(engine), gfp, order) and alloc(gfp, order)
 * cannot disagree (tests/test_engine.c checks it on thousands of states).
 *
 * Modelling choices, where the engine is simpler than the kernel:
 * - free blocks are always on their pageblock's lists (the kernel does so
 *   from 6.10; before, the remainders of a stolen block that did not claim
 *   its pageblock sat on the requester's lists until merged);
 * - per-cpu lists are not refilled: a snapshot's per-cpu pages (free_pcp,
 *   zoneinfo's pagesets) stay on them until direct reclaim drains them
 *   (drain_all_pages) or fs_engine_drain(); a difference between its
 *   NR_FREE_PAGES and its free lists is kept as counter drift;
 * - pageblocks of other types never merge with HighAtomic, CMA or Isolate
 *   ones (the 5.18 rule; 4.19-5.17 refused only Isolate);
 * - within a list the lowest address is taken first (the kernel takes the
 *   list head, last freed first);
 * - no swap: anonymous pages are never reclaimed; direct reclaim frees page
 *   cache (the LRU the verdict counts), kswapd also shrinks slab;
 * - compound allocations (order > 0) are not migrated (4.19-6.8).
 *
 * Memory: one byte per page plus two bits of free-block bitmaps, and a few
 * bytes per pageblock: about 1.3 bytes per simulated page.
 *
 * No I/O, no printing, no ncurses. Not thread-safe.
 */
#ifndef FRAGSCOPE_ENGINE_H
#define FRAGSCOPE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/diag.h"
#include "fragscope/klog.h"
#include "fragscope/kprofile.h"
#include "fragscope/krules.h"
#include "fragscope/snapshot.h"
#include "fragscope/verdict.h"

#define FS_ENGINE_MAX_ZONES 32

/* What an allocated page is; it decides what reclaim and compaction may do. */
enum fs_page_kind {
	FS_PAGE_FREE = 0,       /* in a free buddy block */
	FS_PAGE_KERNEL,         /* unmovable kernel memory: neither reclaimed nor moved */
	FS_PAGE_ANON,           /* movable anonymous memory: moved by compaction */
	FS_PAGE_FILE,           /* page cache: moved by compaction, freed by reclaim */
	FS_PAGE_SLAB,           /* reclaimable slab: freed by shrinkers (kswapd), not moved */
	FS_PAGE_PCP,            /* free, but on a per-cpu list: not on the buddy lists */
	FS_PAGE_RESERVED,       /* hole or memblock-reserved: never in the buddy allocator */
	FS_PAGE_KINDS
};
const char *fs_page_kind_name(enum fs_page_kind k);     /* "kernel", "anon", "file" ... */
int fs_page_kind_from_name(const char *name);           /* -1 when unknown */
/* The kind an allocation of migratetype mt makes by default: Unmovable ->
 * kernel, Movable -> anon, Reclaimable -> slab. */
enum fs_page_kind fs_page_kind_for_mt(enum fs_mt mt);

struct fs_engine;

struct fs_engine_options {
	const struct fs_kprofile *profile;      /* NULL: from the kernel release */
	const struct fs_kconfig *config;        /* NULL: fs_kconfig_default */
	uint64_t seed;                          /* layout choices; same seed, same machine */
};

/* ---- a machine from sizes (workloads without a snapshot) ---- */
struct fs_engine_zone_spec {
	int node;
	char name[FS_ZONE_NAME_MAX];            /* "DMA32", "Normal" ... */
	uint64_t start_pfn;
	uint64_t spanned;                       /* pages */
	uint64_t managed;                       /* 0: = spanned; the rest is reserved */
	uint64_t cma_pages;                     /* CMA area at the zone's end (whole pageblocks) */
};
struct fs_engine_machine {
	char kernel_release[128];               /* "6.6.30"; "" the newest profile */
	unsigned page_size;                     /* bytes; 0: 4096 */
	int nr_orders;                          /* 0: the profile's default (11) */
	int pageblock_order;                    /* -1 or 0: from the page size (9 for 4K) */
	uint64_t min_free_kbytes;               /* 0: the kernel's default, sqrt(lowmem kB * 16) */
	unsigned watermark_scale_factor;        /* 0: 10 */
	struct fs_engine_zone_spec zones[FS_ENGINE_MAX_ZONES];
	int nr_zones;
	char hostname[64];
};

/* A new machine, all managed pages free in Movable pageblocks (CMA area in
 * CMA pageblocks), watermarks and lowmem_reserve computed as the kernel's
 * __setup_per_zone_wmarks and setup_per_zone_lowmem_reserve do. The
 * protection tuple has a column per zone type the machine has, plus Normal
 * and Movable (a distro x86_64 kernel also has DMA and Device columns). NULL with a
 * diagnostic when the description is impossible. */
struct fs_engine *fs_engine_new(const struct fs_engine_machine *m,
				const struct fs_engine_options *o, struct fs_diags *diags);

/* A machine whose fs_engine_snapshot() reproduces s: free block counts per
 * migratetype x order, pageblocks per migratetype, free (free lists plus
 * per-cpu pages), managed, spanned and present pages, watermarks,
 * lowmem_reserve, CMA, the highatomic reserve. Where s leaves freedom (which
 * pages are allocated, what they are, where free blocks sit) the layout is
 * chosen from o->seed. What cannot be reproduced (capped or only-non-empty
 * counts, lists that do not fit their pageblocks) is a warning in diags; NULL
 * with an error when s has no usable zone. */
struct fs_engine *fs_engine_from_snapshot(const struct fs_snapshot *s,
					  const struct fs_engine_options *o,
					  struct fs_diags *diags);
struct fs_engine *fs_engine_clone(const struct fs_engine *e);
void fs_engine_free(struct fs_engine *e);

const struct fs_kprofile *fs_engine_profile(const struct fs_engine *e);
const struct fs_kconfig *fs_engine_config(const struct fs_engine *e);

/* ---- zones and pages ---- */
size_t fs_engine_nr_zones(const struct fs_engine *e);
struct fs_engine_zone_info {
	int node;
	char name[FS_ZONE_NAME_MAX];
	uint64_t start_pfn, end_pfn;            /* [start, end) */
	uint64_t managed, free_pages, pcp_pages;
	uint64_t nr_pageblocks;
	int pageblock_order, nr_orders;
	uint64_t kind_pages[FS_PAGE_KINDS];     /* pages of each kind */
};
void fs_engine_zone_info(const struct fs_engine *e, size_t zone, struct fs_engine_zone_info *out);
/* The zone holding pfn, or -1. */
int fs_engine_zone_of(const struct fs_engine *e, uint64_t pfn);

/* One pageblock, for the pageblock map: its migratetype and what its pages are. */
struct fs_pageblock_info {
	enum fs_mt mt;                          /* FS_MT_COUNT: a hole (no valid pfn, not counted) */
	uint16_t kind_pages[FS_PAGE_KINDS];     /* free pages count as FS_PAGE_FREE */
	uint16_t nr_pages;                      /* pages of the block inside the zone */
	int largest_free_order;                 /* -1 when nothing is free */
};
/* Pageblock index pb of zone (0 .. nr_pageblocks-1). Pageblock 0 starts at the
 * zone's start_pfn aligned down to the largest order, so the first and last
 * may hold pages outside the zone (reserved). */
void fs_engine_pageblock(const struct fs_engine *e, size_t zone, uint64_t pb,
			 struct fs_pageblock_info *out);

/* What page pfn is; for an allocated page also its allocation's first page
 * and order. False when pfn is in no zone. */
struct fs_page_info {
	enum fs_page_kind kind;
	uint64_t head;                          /* first page of its allocation or free block */
	int order;                              /* of that allocation or free block */
	enum fs_mt pageblock_mt;
};
bool fs_engine_page(const struct fs_engine *e, uint64_t pfn, struct fs_page_info *out);

/* ---- operations ---- */

enum fs_engine_path {
	FS_ENGINE_PATH_NONE,                    /* failed */
	FS_ENGINE_PATH_FAST,                    /* first get_page_from_freelist, low watermark */
	FS_ENGINE_PATH_SLOW,                    /* slow path at min, or with reserve access */
	FS_ENGINE_PATH_COMPACTION,              /* after direct compaction */
	FS_ENGINE_PATH_RECLAIM,                 /* after direct reclaim */
};
const char *fs_engine_path_name(enum fs_engine_path p);  /* "fast path" ... */

struct fs_alloc_request {
	uint64_t gfp;
	int order;
	int node;                               /* preferred node; -1 the first */
	int kind;                               /* enum fs_page_kind; -1: fs_page_kind_for_mt */
	struct fs_alloc_task task;              /* zero: an ordinary task */
	/* Fill result->verdict with fs_verdict_run on the state before the
	 * allocation (the prediction, with every step); costs a snapshot. The
	 * slow path runs it anyway and keeps it when this is set. */
	bool explain;
};

struct fs_alloc_result {
	bool ok;
	uint64_t pfn;                           /* first page of the allocation */
	int zone;                               /* engine zone index, -1 on failure */
	enum fs_engine_path path;
	enum fs_outcome outcome;                /* FAST, SLOW, DEPENDS (after reclaim or
						   compaction) or FAILS: as the verdict names them */
	struct fs_pick pick;                    /* the block taken (how, order, list) */
	bool claimed;                           /* its pageblock(s) changed type */
	bool highatomic_reserved;               /* a pageblock became HighAtomic */
	bool kswapd_woken;
	uint64_t reclaimed;                     /* pages freed by direct reclaim */
	uint64_t compaction_moved;              /* pages migrated by direct compaction */
	uint64_t drained;                       /* per-cpu pages drained */
	int rounds;                             /* slow-path rounds of reclaim/compaction */
	char reason[512];                       /* one sentence: what happened and why */
	bool has_verdict;
	struct fs_verdict verdict;              /* fs_verdict_init'ed; see explain */
};
void fs_alloc_result_init(struct fs_alloc_result *r);
void fs_alloc_result_clear(struct fs_alloc_result *r);

/* The page allocator of the profile: fast path, kswapd wake, slow path,
 * reserves, then (blocking masks) direct reclaim, compaction and retries as
 * the kernel would; the OOM killer is not simulated (the request fails and
 * reason says the kernel would have invoked it). r must be init'ed. */
bool fs_engine_alloc(struct fs_engine *e, const struct fs_alloc_request *req,
		     struct fs_alloc_result *r);

struct fs_free_result {
	bool ok;
	uint64_t head;                          /* the allocation freed */
	int order;                              /* its order */
	uint64_t merged_head;                   /* the free block it ended in */
	int merged_order;
	enum fs_mt mt;                          /* the list it went to */
	char reason[160];                       /* why not, when !ok */
};
/* Free the allocation that page pfn belongs to: merge with free buddies up
 * to the largest order (not across HighAtomic/CMA/Isolate boundaries at
 * pageblock order and above), onto the lists of the pageblock's migratetype. Fails (reason)
 * for a free, per-cpu or reserved page. */
bool fs_engine_free_page(struct fs_engine *e, uint64_t pfn, struct fs_free_result *r);

struct fs_reclaim_result {
	uint64_t scanned, reclaimed;
	uint64_t file, slab;                    /* of reclaimed */
	bool balanced;                          /* kswapd: a zone reached its high mark */
	char reason[256];
};
/* kswapd on node (-1: every node): reclaims page cache and slab until the
 * node is balanced (a zone at or below Normal passes high + boost at order). */
void fs_engine_kswapd(struct fs_engine *e, int node, int order, struct fs_reclaim_result *r);
/* Direct reclaim of up to nr_pages (at least 32, SWAP_CLUSTER_MAX) of page
 * cache from zone (-1: every zone, highest first). */
void fs_engine_reclaim(struct fs_engine *e, int zone, uint64_t nr_pages,
		       struct fs_reclaim_result *r);
/* Per-cpu pages back to the buddy lists; returns how many. */
uint64_t fs_engine_drain(struct fs_engine *e);

enum fs_compact_mode {
	FS_COMPACT_ASYNC,                       /* direct, first attempt: blocks of the request's kind */
	FS_COMPACT_SYNC,                        /* every pageblock */
};
struct fs_compaction_result {
	enum fs_compact_suit suit;              /* fs_compaction_suitable before it ran */
	uint64_t migrate_scanned, free_scanned; /* pages looked at by the two scanners */
	uint64_t moved;                         /* pages migrated */
	uint64_t failed;                        /* movable pages with no free target */
	bool order_available;                   /* a block of order >= n on a usable list after */
	bool scanners_met;
	char reason[320];
};
/* Compaction of zone for (gfp, order): suitability first (krules), then the
 * migrate scanner from the zone's start and the free scanner from its end
 * (free targets in Movable/CMA pageblocks only, below pageblock order),
 * until the order is available or the scanners meet. order 0 or gfp 0:
 * compact the whole zone (as /proc/sys/vm/compact_memory). */
void fs_engine_compact(struct fs_engine *e, int zone, uint64_t gfp, int order,
		       enum fs_compact_mode mode, struct fs_compaction_result *r);

/* Told of every allocation that moves or goes away other than through
 * fs_engine_free_page: compaction migrated it (to is its new first page) or
 * reclaim freed it (to is UINT64_MAX). Lets a caller that holds pfns (a
 * workload, a trace replay) keep them right. A clone starts without one. */
typedef void (*fs_engine_move_fn)(void *ctx, uint64_t from, uint64_t to, int order);
void fs_engine_set_move_hook(struct fs_engine *e, fs_engine_move_fn fn, void *ctx);
/* The hook set now (NULL when none), for a caller that chains to it. */
fs_engine_move_fn fs_engine_move_hook(const struct fs_engine *e, void **ctx);

/* Simulated time: seconds since the engine started; fs_engine_advance runs
 * what the kernel would do in the background meanwhile (kswapd when woken). */
double fs_engine_time(const struct fs_engine *e);
void fs_engine_advance(struct fs_engine *e, double seconds);

/* ---- counters and state ---- */
struct fs_engine_stats {
	uint64_t allocs, alloc_fail, frees;
	uint64_t alloc_fast, alloc_slow, alloc_after_reclaim, alloc_after_compaction;
	uint64_t fallbacks, claims, highatomic_reserves, highatomic_unreserves;
	uint64_t kswapd_runs, kswapd_reclaimed, direct_reclaimed;
	uint64_t compact_stall, compact_fail, compact_success, compact_migrated;
};
void fs_engine_stats(const struct fs_engine *e, struct fs_engine_stats *out);

/* The state as a snapshot (every count exact), for the verdict and the TUI:
 * zones with free lists, pageblocks, watermarks, protection, CMA,
 * highatomic; zone stats (nr_zone_{in,}active_{file,anon}, nr_slab_reclaimable),
 * vmstat (compact_*, allocstall, pgsteal) and meminfo (SwapFree 0). */
struct fs_snapshot *fs_engine_snapshot(const struct fs_engine *e);

/* A warn_alloc report for a failed request, as the kernel would print it
 * (header, Mem-Info zone lines and free areas), with its snapshot. */
void fs_engine_failure_report(const struct fs_engine *e, const struct fs_alloc_request *req,
			      struct fs_report *out);

/* Every invariant the buddy allocator keeps: free blocks aligned, of a valid
 * order, not overlapping, not two free buddies unmerged, lists on their
 * pageblock's type, counters equal to a recount. false with the first
 * violation in why. O(pages): for tests. */
bool fs_engine_check(const struct fs_engine *e, char *why, size_t why_size);

/* Bytes of engine state (page map, bitmaps, pageblocks), for the benchmark. */
size_t fs_engine_memory(const struct fs_engine *e);

#endif
