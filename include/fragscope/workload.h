/*
 * workload.h - workloads for the allocator engine: a YAML file of phases
 * (allocations by gfp mask and order with counts, rates and lifetimes;
 * frees by pattern; reclaim, drain and compaction triggers; checks), and a
 * runner that plays them on an fs_engine step by step. The format is
 * docs/workload-format.md.
 *
 * Time is simulated: a phase lasts `duration` seconds (or runs its
 * operations once, at one instant) and is played in ticks (`tick`, default
 * 1 s). Everything random (which allocation a "free random" picks) comes
 * from the seed, so a run is the same every time.
 *
 * No I/O beyond reading the workload file, no printing, no ncurses:
 * problems go to fs_diags.
 */
#ifndef FRAGSCOPE_WORKLOAD_H
#define FRAGSCOPE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/diag.h"
#include "fragscope/engine.h"
#include "fragscope/klog.h"

struct fs_workload;
struct fs_workload_run;

/* ---- loading ---- */

/* Read and parse path (libyaml). NULL with an error naming path:line and
 * what was expected ("workload.yaml:12: unknown key \"ordr\" in an alloc
 * action; expected one of gfp, order, count, ..."). */
struct fs_workload *fs_workload_load(const char *path, struct fs_diags *diags);
/* The same on a text in memory; source names it in diagnostics and is the
 * base for relative paths (snapshot:, trace:), "" or NULL: the current
 * directory. */
struct fs_workload *fs_workload_parse(const char *text, size_t len, const char *source,
				      struct fs_diags *diags);
void fs_workload_free(struct fs_workload *w);

/* ---- what it describes ---- */
const char *fs_workload_name(const struct fs_workload *w);        /* `name:`, else the file's stem */
const char *fs_workload_description(const struct fs_workload *w); /* `description:`, "" when none */
const char *fs_workload_source(const struct fs_workload *w);      /* the file it came from */
/* The machine it describes (`machine:`), NULL when it names a snapshot. */
const struct fs_engine_machine *fs_workload_machine(const struct fs_workload *w);
/* The snapshot file it names (`snapshot:`), resolved relative to the
 * workload file; NULL when it describes a machine. */
const char *fs_workload_snapshot_path(const struct fs_workload *w);
/* `kernel:` beside `snapshot:`: the profile to run the snapshot with
 * instead of the snapshot's own release; "" when not given. */
const char *fs_workload_kernel(const struct fs_workload *w);
uint64_t fs_workload_seed(const struct fs_workload *w);           /* `seed:`, default 1 */
double fs_workload_tick(const struct fs_workload *w);             /* seconds per step */
size_t fs_workload_nr_phases(const struct fs_workload *w);
const char *fs_workload_phase_name(const struct fs_workload *w, size_t phase);
/* Seconds phase lasts (0: an instant phase, its operations at one time). */
double fs_workload_phase_duration(const struct fs_workload *w, size_t phase);
size_t fs_workload_nr_checks(const struct fs_workload *w);        /* in all phases */

/*
 * The engine the workload runs on: fs_engine_new of its machine, or
 * fs_engine_from_snapshot of its snapshot file (fs_input_load; the first
 * frame with a snapshot). snapshot_path, when not NULL, replaces the
 * workload's own (`simulate --snapshot`); a workload with a machine and a
 * snapshot_path runs on the snapshot. seed is the layout seed. NULL with
 * diagnostics when the machine is impossible or the snapshot unusable.
 */
struct fs_engine *fs_workload_engine_new(const struct fs_workload *w, const char *snapshot_path,
					 uint64_t seed, struct fs_diags *diags);

/* ---- running ---- */

/*
 * Start w on e (not owned; w and e must outlive the run: free the run
 * first). The run sets e's move hook (fs_engine_set_move_hook) until
 * fs_workload_run_free clears it, so that its allocation records follow
 * compaction and drop what reclaim freed; a `trace:` action chains the
 * replay's hook in front of it (docs/workload-format.md). The gfp names of
 * every action and check are resolved here with e's profile (they may
 * differ between kernel versions): NULL with an error naming the line when
 * one does not exist in that version.
 */
struct fs_workload_run *fs_workload_start(const struct fs_workload *w, struct fs_engine *e,
					  uint64_t seed, struct fs_diags *diags);
void fs_workload_run_free(struct fs_workload_run *r);

/* What one step did. Init once, reuse: each step clears it first. */
struct fs_workload_step {
	double time;                    /* simulated seconds after the step */
	size_t phase;                   /* the phase now running; nr_phases when finished */
	const char *phase_name;         /* "" when finished */
	bool phase_ended;               /* a phase completed in this step (checks evaluated) */
	size_t ended_phase;             /* which, when phase_ended (the last one if several) */
	bool finished;                  /* every phase done */
	uint64_t ops;                   /* operations done in this step */
	uint64_t failures;              /* allocations that failed in this step */
	/* warn_alloc reports (fs_engine_failure_report) of those failures, as
	 * the kernel would print them: not for __GFP_NOWARN, and within the
	 * profile's ratelimit (warn_ratelimit_burst per warn_ratelimit_s of
	 * simulated time). Owned. */
	struct fs_report_list reports;
	char last_op[256];              /* the last operation, for people:
					   "alloc order-0 GFP_KERNEL (pollute): pfn 12345, fast path" */
};
void fs_workload_step_init(struct fs_workload_step *s);
void fs_workload_step_clear(struct fs_workload_step *s);

/* Advance by seconds of simulated time (whole ticks, at least one), or
 * less: a step stops where a phase ends, so that each step ends at most
 * one phase (an instant phase is one step). Returns 0, or -1 when the run
 * had already finished (out then says finished). */
int fs_workload_step_seconds(struct fs_workload_run *r, double seconds,
			     struct fs_workload_step *out);
/* Advance by one operation (one allocation, one free, one reclaim ...). */
int fs_workload_step_op(struct fs_workload_run *r, struct fs_workload_step *out);
/* To the end of the phase now running. */
int fs_workload_step_phase(struct fs_workload_run *r, struct fs_workload_step *out);

/* The caller freed the run's allocation whose first page is pfn itself
 * (fs_engine_free_page outside the run, e.g. the interactive view's free,
 * which the engine's move hook does not report): the run forgets it, so it
 * cannot free whatever the engine puts on that page next; a free that picks
 * it later counts it "already gone". False when pfn starts no live
 * allocation of the run. O(1). */
bool fs_workload_run_forget(struct fs_workload_run *r, uint64_t pfn);

bool fs_workload_run_finished(const struct fs_workload_run *r);
double fs_workload_run_time(const struct fs_workload_run *r);
size_t fs_workload_run_phase(const struct fs_workload_run *r);   /* running now */
struct fs_engine *fs_workload_run_engine(struct fs_workload_run *r);
uint64_t fs_workload_run_seed(const struct fs_workload_run *r);

/* ---- outcomes ---- */

/* One allocation action of a phase. */
struct fs_workload_alloc_outcome {
	char group[64];                 /* `group:`, default "PHASE.N" (N from 1) */
	uint64_t gfp;
	char gfp_text[128];             /* as written */
	int order;
	uint64_t requested, allocated, failed;
	uint64_t fast, slow, after_reclaim, after_compaction;  /* by fs_engine_path */
	uint64_t claimed;               /* took (converted) a pageblock of another type */
	uint64_t highatomic_reserved;   /* made a pageblock HighAtomic */
	uint64_t reports;               /* warn_alloc reports printed */
	char first_failure[512];        /* reason of the first failure, "" when none */
};

enum fs_check_result {
	FS_CHECK_PENDING,               /* its phase has not ended */
	FS_CHECK_PASS,
	FS_CHECK_FAIL,
};
const char *fs_check_result_name(enum fs_check_result c);  /* "pending", "PASS", "FAIL" */

/* One check, evaluated when its phase ends. */
struct fs_workload_check_outcome {
	char name[128];                 /* `name:`, else what */
	char what[256];                 /* "order-9 GFP_TRANSHUGE fails (verdict and trial)",
					   "Normal pageblocks Unmovable >= 40" */
	unsigned line;                  /* in the workload file */
	enum fs_check_result result;
	int64_t actual;                 /* counter checks: the value; request checks: 0 */
	/* The numbers that decided it: "verdict: fails (Normal: no free block of
	 * order >= 9 on Movable ...); trial: failed, slow path ...", "41 >= 40". */
	char detail[1024];
};

struct fs_workload_phase_outcome {
	char name[64];
	double start, end;              /* simulated seconds */
	bool started, ended;
	uint64_t ops;
	struct fs_workload_alloc_outcome *allocs;
	size_t nr_allocs;
	uint64_t frees, free_failed;    /* pages-owning allocations freed / refused */
	uint64_t expired;               /* of frees: lifetimes that ran out */
	/* Picked by a free or a lifetime, but the engine's reclaim had freed it
	 * meanwhile: nothing freed (in neither frees nor free_failed). */
	uint64_t free_reclaimed;
	/* Of free_failed: the record was not where it said (freed behind the
	 * run's back, e.g. from the interactive view): a safety net, 0 in a run
	 * the workload alone drives. */
	uint64_t free_stale;
	/* The run's allocations that, during the phase, reclaim freed, compaction
	 * migrated (their records follow: a later free frees the new page), or a
	 * `trace:` replay freed as pre-trace memory (a later free is "already
	 * gone"). */
	uint64_t reclaimed_allocs, migrated_allocs, trace_taken;
	uint64_t kswapd_runs, reclaimed, drained;
	uint64_t compactions, compaction_moved, compaction_success;
	/* Reclaim, drain and compaction results in words, one per action run
	 * ("compact Normal order-9 sync: moved 4608, order available"). */
	char **notes;
	size_t nr_notes;
	struct fs_engine_stats stats;   /* engine counters during the phase (a difference) */
	struct fs_workload_check_outcome *checks;
	size_t nr_checks, checks_failed;
};
size_t fs_workload_run_nr_phases(const struct fs_workload_run *r);
const struct fs_workload_phase_outcome *fs_workload_run_outcome(const struct fs_workload_run *r,
								size_t phase);
/* Checks evaluated so far that failed / passed. */
size_t fs_workload_run_checks_failed(const struct fs_workload_run *r);
size_t fs_workload_run_checks_passed(const struct fs_workload_run *r);

#endif
