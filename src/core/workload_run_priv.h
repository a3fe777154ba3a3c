/*
 * workload_run_priv.h - the state of a running workload, shared by the
 * runner (workload_run.c), the checks (workload_check.c) and trace replay
 * (workload_trace.c).
 */
#ifndef FRAGSCOPE_WORKLOAD_RUN_PRIV_H
#define FRAGSCOPE_WORKLOAD_RUN_PRIV_H

#include "ftrace_priv.h"         /* struct ftrace_map: the pfn index */
#include "workload_priv.h"

/* What became of an allocation the workload made. Only LIVE records are in
 * the pfn index; the others stay in their group's list until a free or a
 * lifetime picks them, which then counts what it found. */
enum wl_rec_state {
	WL_REC_FREED = 0,               /* picked by a free/lifetime: done with */
	WL_REC_LIVE,                    /* allocated; pfn follows compaction */
	WL_REC_RECLAIMED,               /* the engine's reclaim freed it (move hook) */
	WL_REC_GONE,                    /* freed by someone else: a trace: replay (as pre-trace
					   memory), or the caller (fs_workload_run_forget) */
	WL_REC_STALE,                   /* found gone behind the run's back (safety net) */
};

/* One allocation the workload made. */
struct wl_rec {
	uint64_t pfn;                   /* its first page now */
	uint32_t group;
	int8_t order;
	uint8_t kind;                   /* enum fs_page_kind it was made as */
	uint8_t state;                  /* enum wl_rec_state */
};

/* Allocations of one group, in allocation order (freed ones dropped lazily). */
struct wl_group {
	char name[WL_NAME_MAX];
	uint32_t *ids;
	size_t nr, cap;
	uint64_t live;                  /* records in state LIVE */
};

struct wl_expiry {
	double expire;
	uint32_t id;
};

/* An action with what was resolved for it at start, and its progress. */
struct wl_bound_alloc {
	uint64_t gfp;                   /* alloc, compact */
	enum fs_mt mt;
	bool warns;
	uint32_t group;
	size_t outcome;                 /* index in the phase outcome's allocs */
	uint64_t issued;                /* allocations due so far in the phase */
	uint64_t quota, done;           /* in the tick now */
	bool due_now;                   /* non-alloc: runs in this tick */
};

/* A check with what was resolved for it at start. */
struct wl_bound_check {
	uint64_t gfp;
	int group;                      /* failures/allocated/live; -1 */
};

struct wl_phase_state {
	struct fs_workload_phase_outcome *out;
	struct wl_bound_alloc *allocs;  /* by action index */
	struct fs_engine_stats stats_before;
	/* timed phases */
	uint64_t tick, nr_ticks;
	bool in_tick, expiry_pending;
	size_t next_action;
	uint64_t tick_alloc_total;
	double tick_len;
	/* instant phases */
	size_t action;
	uint64_t done_in_action;
	bool expired_instant;
};

struct wl_trace_state;

struct fs_workload_run {
	const struct fs_workload *w;
	struct fs_engine *e;
	uint64_t seed, rng;
	double time;
	size_t cur;                     /* phase running */
	const struct wl_phase *phase;
	struct wl_phase_state phase_state;
	struct fs_workload_phase_outcome *outcomes;
	struct wl_bound_alloc **bound;  /* [phase][action] */
	struct wl_bound_check *check_bound;     /* all checks, phase by phase */
	struct wl_rec *recs;
	size_t nr_recs, recs_cap;
	/* engine first page -> record id (val), LIVE records only: kept right by
	 * the engine's move hook (wl_engine_moved), which the run holds from
	 * fs_workload_start to fs_workload_run_free */
	struct ftrace_map index;
	bool hooked;
	struct wl_group *groups;
	size_t nr_groups;
	struct wl_expiry *heap;
	size_t heap_nr, heap_cap;
	uint64_t stale;                 /* records found not where they said (safety net: 0 unless
					   something freed them behind the run's back) */
	double warn_begin;              /* warn_alloc ratelimit window */
	unsigned warn_printed;
	struct wl_trace_state *trace;
};

/* workload_run.c: the engine's move hook (ctx: the run), and what a trace
 * replay calls for a record's allocation it freed as pre-trace memory. */
void wl_engine_moved(void *ctx, uint64_t from, uint64_t to, int order);
void wl_taken_by_trace(void *ctx, uint64_t head, int order);

/* workload_check.c */
bool wl_checks_bind(struct fs_workload_run *r, struct fs_diags *diags);
void wl_checks_run(struct fs_workload_run *r, size_t phase);

/* workload_trace.c */
bool wl_trace_bind(struct fs_workload_run *r, struct fs_diags *diags);
void wl_trace_run(struct fs_workload_run *r, size_t action, struct fs_workload_step *out);
void wl_trace_free(struct fs_workload_run *r);

#endif
