/*
 * workload_priv.h - the parsed form of a workload, shared by the parser
 * (workload_parse.c), the runner (workload_run.c) and the checks
 * (workload_check.c).
 */
#ifndef FRAGSCOPE_WORKLOAD_PRIV_H
#define FRAGSCOPE_WORKLOAD_PRIV_H

#include "fragscope/workload.h"

#define WL_NAME_MAX 64
#define WL_GFP_MAX 128
#define WL_MAX_PHASES 1000
#define WL_MAX_ITEMS 1000              /* actions or checks per phase */
#define WL_MAX_COUNT 100000000ull      /* allocations of one action */
#define WL_MAX_SECONDS (86400.0 * 365)
#define WL_MAX_TICKS 10000000.0        /* ticks in one phase */
#define WL_MAX_FILE_BYTES ((size_t)1 << 20)

enum wl_action_kind {
	WL_ALLOC,
	WL_FREE,
	WL_KSWAPD,
	WL_RECLAIM,                     /* direct reclaim */
	WL_DRAIN,
	WL_COMPACT,
	WL_TRACE,
};

enum wl_free_pattern {
	WL_FREE_ALL,
	WL_FREE_RANDOM,                 /* n allocations, or fraction of them */
	WL_FREE_OLDEST,
	WL_FREE_NEWEST,
	WL_FREE_NTH,                    /* every n-th, from offset */
};

/* A zone named by a workload: node (default 0) and name; "" is every zone. */
struct wl_zone_ref {
	int node;
	char name[FS_ZONE_NAME_MAX];
};

struct wl_action {
	enum wl_action_kind kind;
	unsigned line;
	double at;                      /* seconds into the phase (not alloc) */
	double repeat;                  /* every repeat seconds after at; 0: once */

	/* alloc (gfp_text also compact) */
	char gfp_text[WL_GFP_MAX];
	unsigned gfp_line;
	int order;
	bool has_count, has_rate;
	uint64_t count;
	double rate;                    /* per simulated second */
	int page_kind;                  /* enum fs_page_kind; -1 by migratetype */
	double lifetime;                /* seconds; < 0: kept */
	char group[WL_NAME_MAX];
	int node;                       /* preferred node, -1 */

	/* free */
	enum wl_free_pattern pattern;
	bool has_fraction;
	uint64_t n;                     /* random/oldest/newest N, nth n */
	double fraction;
	uint64_t offset;                /* nth */

	/* kswapd (node, order), reclaim (zone, pages), compact (zone, order, sync) */
	struct wl_zone_ref zone;
	uint64_t pages;
	bool sync;

	/* trace */
	char *path;                     /* resolved */
};

enum wl_check_kind {
	WL_CHECK_REQUEST,               /* alloc: GFP + order, expect */
	WL_CHECK_PAGEBLOCKS,            /* pageblocks of a migratetype */
	WL_CHECK_FREE_PAGES,            /* a zone's NR_FREE_PAGES */
	WL_CHECK_FREE_BLOCKS,           /* free blocks of order >= n on a type's lists */
	WL_CHECK_FREE_LIST_PAGES,       /* free pages on a type's lists */
	WL_CHECK_STAT,                  /* an engine counter */
	WL_CHECK_FAILURES,              /* failed allocations of a group */
	WL_CHECK_ALLOCATED,             /* successful allocations of a group */
	WL_CHECK_LIVE,                  /* allocations of a group still allocated */
};

enum wl_expect { WL_EXPECT_SUCCEEDS, WL_EXPECT_FAILS, WL_EXPECT_FAST, WL_EXPECT_SLOW,
		 WL_EXPECT_DEPENDS };
enum wl_by { WL_BY_BOTH, WL_BY_VERDICT, WL_BY_TRIAL };
enum wl_cmp_op { WL_CMP_EQ, WL_CMP_GE, WL_CMP_LE, WL_CMP_GT, WL_CMP_LT };

struct wl_cmp {
	enum wl_cmp_op op;
	int wmark;                      /* enum fs_wmark, or -1: value */
	int64_t value;
};

struct wl_check {
	enum wl_check_kind kind;
	unsigned line;
	char name[128];
	/* request */
	char gfp_text[WL_GFP_MAX];
	unsigned gfp_line;
	int order;
	enum wl_expect expect;
	enum wl_by by;
	/* counters */
	struct wl_zone_ref zone;
	int mt;
	int stat;                       /* index in the stat table */
	bool scope_run;                 /* stat/failures/allocated over the run, not the phase */
	char group[WL_NAME_MAX];
	struct wl_cmp cmps[5];
	int nr_cmps;
};

struct wl_phase {
	char name[WL_NAME_MAX];
	unsigned line;
	double duration;                /* 0: instant */
	struct wl_action *actions;
	size_t nr_actions;
	struct wl_check *checks;
	size_t nr_checks;
};

struct fs_workload {
	char *source;
	char *dir;                      /* for relative paths */
	char *name;
	char *description;
	bool has_machine;
	struct fs_engine_machine machine;
	char *snapshot_path;
	char kernel[64];
	uint64_t seed;
	double tick;
	struct wl_phase *phases;
	size_t nr_phases;
};

/* The engine counters a check may name, by name. */
struct wl_stat_name {
	const char *name;
	size_t off;
};
extern const struct wl_stat_name wl_stat_names[];
extern const size_t wl_nr_stat_names;
int wl_stat_from_name(const char *name);
uint64_t wl_stat_value(const struct fs_engine_stats *s, int stat);

const char *wl_expect_name(enum wl_expect e);

/* Deterministic random numbers from a seed (splitmix64). */
static inline uint64_t wl_rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
/* Uniform in [0, n), n > 0. */
static inline uint64_t wl_rand_below(uint64_t *state, uint64_t n)
{
	return wl_rand_next(state) % n;
}

#endif
