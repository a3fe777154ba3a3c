/*
 * ftrace.h - page allocator ftrace text traces (kmem events) and their
 * replay on the allocator engine.
 *
 * Reads the lines `cat trace`, `trace_pipe` and `trace-cmd report` print for
 * the kmem events mm_page_alloc, mm_page_free, mm_page_free_batched,
 * mm_page_alloc_zone_locked, mm_page_pcpu_drain and mm_page_alloc_extfrag,
 * with any "task-pid [cpu] flags timestamp:" prefix, in the TP_printk formats
 * of kernels 3.10 ... 6.x (see src/core/ftrace_parse.c for the versions and
 * files read). Other events are skipped and counted; malformed lines of the
 * known events are warnings naming source, line and what was expected.
 *
 * A trace's pfns do not name the engine's pages (the engine's layout is
 * synthetic): the replay maps each trace allocation to the engine
 * allocation it produced, and frees through that map. The rules are in
 * docs/ftrace-replay.md.
 *
 * Parsing is text in, events out; fs_ftrace_load_file is the only I/O.
 * No printing, no ncurses. Not thread-safe.
 */
#ifndef FRAGSCOPE_FTRACE_H
#define FRAGSCOPE_FTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/diag.h"
#include "fragscope/engine.h"
#include "fragscope/snapshot.h"
#include "fragscope/util.h"

enum fs_ftrace_kind {
	FS_FTRACE_ALLOC,                /* mm_page_alloc */
	FS_FTRACE_FREE,                 /* mm_page_free (older: mm_page_free_direct) */
	FS_FTRACE_FREE_BATCHED,         /* mm_page_free_batched */
	FS_FTRACE_ALLOC_ZONE_LOCKED,    /* mm_page_alloc_zone_locked (pcp refill or buddy) */
	FS_FTRACE_PCPU_DRAIN,           /* mm_page_pcpu_drain */
	FS_FTRACE_EXTFRAG,              /* mm_page_alloc_extfrag */
	FS_FTRACE_KINDS
};
const char *fs_ftrace_kind_name(enum fs_ftrace_kind k);   /* "mm_page_alloc" ... */

/* One event. Migratetypes are the numbers the kernel printed (its enum
 * migratetype of that version); fs_ftrace_mt() names them. */
struct fs_ftrace_event {
	double ts;                      /* seconds as printed; -1 when the line had none */
	uint64_t pfn;                   /* page frame; meaningless when failed */
	uint32_t line;                  /* 1-based line in the source */
	uint32_t gfp;                   /* index into the trace's gfp strings (ALLOC) */
	uint8_t kind;                   /* enum fs_ftrace_kind */
	int8_t order;                   /* order, or alloc_order (EXTFRAG) */
	int8_t mt;                      /* migratetype, alloc_migratetype; -1 not printed */
	int8_t fallback_order;          /* EXTFRAG */
	int8_t fallback_mt;             /* EXTFRAG */
	uint8_t failed : 1;             /* ALLOC: page=(nil) / pfn=-1: the allocation failed */
	uint8_t fragmenting : 1;        /* EXTFRAG */
	uint8_t change_ownership : 1;   /* EXTFRAG (3.10-: printed as well) */
	uint8_t percpu_refill : 1;      /* ALLOC_ZONE_LOCKED: 6.x percpu_refill=, else order==0 */
	int16_t cpu;                    /* -1 when the prefix had none */
};

/* What reading the text found, line by line. */
struct fs_ftrace_parse_stats {
	uint64_t lines;                 /* all lines read */
	uint64_t events[FS_FTRACE_KINDS];
	uint64_t unknown_events;        /* lines of other events (skipped) */
	uint64_t other_lines;           /* comments, headers, blank, "CPU 3 is empty", lost-event notes */
	uint64_t malformed;             /* lines of known events that could not be read (warnings) */
	uint64_t lost_events;           /* "CPU:N [LOST n EVENTS]" and trace-cmd "[LOST n EVENTS]" sums */
};

struct fs_ftrace;                       /* a parsed trace: events and interned gfp strings */

/* An empty trace; source names it in diagnostics ("trace.txt"). */
struct fs_ftrace *fs_ftrace_new(const char *source);
void fs_ftrace_free(struct fs_ftrace *t);
/* Parse text and append its events. May be called again with more text (a
 * stream cut at line boundaries); line numbers continue. Never fails:
 * problems go to diags (a warning per malformed line, capped by
 * FS_DIAGS_MAX, and one summary note). */
void fs_ftrace_add_text(struct fs_ftrace *t, const char *text, size_t len,
			struct fs_diags *diags);
/* fs_ftrace_new + fs_ftrace_add_text. */
struct fs_ftrace *fs_ftrace_parse(const char *text, size_t len, const char *source,
				  struct fs_diags *diags);
/* Read path (up to FS_INPUT_MAX_BYTES) and parse it. NULL with an error in
 * diags when the file cannot be read. */
struct fs_ftrace *fs_ftrace_load_file(const char *path, struct fs_diags *diags);

/* Parse a single line (no terminator) and append its event, if it is one;
 * returns true when an event was appended. lineno is the line's number. */
bool fs_ftrace_add_line(struct fs_ftrace *t, const char *line, size_t len, unsigned lineno,
			struct fs_diags *diags);

const struct fs_ftrace_event *fs_ftrace_events(const struct fs_ftrace *t, size_t *count);
const struct fs_ftrace_parse_stats *fs_ftrace_stats(const struct fs_ftrace *t);
const char *fs_ftrace_source(const struct fs_ftrace *t);
/* The gfp text of an ALLOC event as printed ("GFP_KERNEL|__GFP_ZERO",
 * "0x24200ca", "none"); "" when the line had none. */
const char *fs_ftrace_gfp_text(const struct fs_ftrace *t, uint32_t gfp);
size_t fs_ftrace_nr_gfp(const struct fs_ftrace *t);

/* Does the text look like a kmem ftrace trace? True when one of its first
 * 64 non-comment lines is a known event line, or it starts with the
 * "# tracer:" header of a trace file / "cpus=" of trace-cmd report and
 * has a kmem event within its first 64 KiB. Cheap: for input detection. */
bool fs_ftrace_detect(const char *text, size_t len);

/* The migratetype a kernel of profile p (with config c) printed as number
 * raw: p->migratetypes[raw]; -1 when out of range. */
int fs_ftrace_mt(const struct fs_kprofile *p, const struct fs_kconfig *c, int raw);

/* ---- replay ---- */

struct fs_ftrace_replay_options {
	uint64_t seed;                  /* choice of pages for unmatched frees */
	/* Frees of pfns the trace never allocated free a random allocated
	 * engine allocation of that order that the replay did not make (memory
	 * allocated before tracing began). false: count them only. */
	bool free_unmatched_random;
	/* Replay mm_page_alloc lines that failed in the trace (pfn=-1 /
	 * page=(nil)) as allocations too. */
	bool replay_failed;
	/* Fill the last result's verdict (fs_alloc_request.explain); slow. */
	bool explain;
	/* Chaining (docs/ftrace-replay.md). The replay sets the engine's move
	 * hook for its lifetime, so that its map follows compaction and drops
	 * what reclaim freed. An engine has one hook and cannot be asked for
	 * it: a caller that has set one (a workload running a `trace:` action)
	 * passes it here. The replay calls chain(chain_ctx, ...) for every move
	 * the engine reports, after its own bookkeeping, and sets chain back on
	 * the engine when it is freed (NULL: none). Replays on one engine must
	 * nest (free the newer first). */
	fs_engine_move_fn chain;
	void *chain_ctx;
	/* Told (with chain_ctx) of every engine allocation the replay freed that
	 * it had not made (an unmatched free taking a random allocation), so
	 * that its owner forgets it. NULL: chain is told instead, as gone (to =
	 * UINT64_MAX), when set. */
	void (*freed_other)(void *ctx, uint64_t head, int order);
};
/* seed 0, free_unmatched_random and replay_failed true, explain false, no chain. */
void fs_ftrace_replay_options_default(struct fs_ftrace_replay_options *o);

/* Outcome counts. "trace" is what the traced kernel did, "engine" what the
 * replay did; the differences are the point. */
struct fs_ftrace_summary {
	struct fs_ftrace_parse_stats parse;     /* of the trace, at the time of the call */
	uint64_t applied;                       /* events consumed by the replay */
	double first_ts, last_ts;               /* of the events consumed; -1 none */

	/* mm_page_alloc */
	uint64_t allocs;                        /* events */
	uint64_t allocs_made;                   /* engine allocations that succeeded */
	uint64_t allocs_failed;                 /* engine allocations that failed */
	uint64_t trace_failed;                  /* failed in the trace */
	uint64_t both_ok, trace_ok_engine_failed, trace_failed_engine_ok, both_failed;
	uint64_t failed_not_replayed;           /* trace failures skipped (!replay_failed) */
	uint64_t gfp_unknown;                   /* allocs whose gfp had unknown names/bits
						   (replayed with the known part) */
	uint64_t remapped;                      /* trace reallocated a pfn still mapped: the
						   old engine allocation was freed first */

	/* mm_page_free / mm_page_free_batched */
	uint64_t frees;                         /* events */
	uint64_t frees_matched;                 /* of a mapped pfn: its engine allocation freed */
	uint64_t frees_partial;                 /* of a page inside a mapped allocation
						   (split_page/alloc_pages_exact tails) */
	uint64_t frees_random;                  /* unmatched, a random pre-trace allocation of
						   that order freed */
	uint64_t frees_unmatched;               /* unmatched, nothing freed */
	uint64_t frees_batched_dup;             /* mm_page_free_batched not replayed: the trace
						   has mm_page_free, which the kernel emits for
						   the same pages */
	uint64_t frees_reclaimed;               /* of a mapped pfn whose engine allocation
						   the engine's reclaim had freed: nothing freed */
	uint64_t frees_stale;                   /* mapped engine allocation not where the map
						   says (freed behind the replay's back): a
						   safety net, 0 when the replay alone frees */

	/* mm_page_alloc_extfrag against the engine's own fallbacks */
	uint64_t extfrag;                       /* events in the trace */
	uint64_t extfrag_fragmenting, extfrag_change_ownership;
	uint64_t engine_fallbacks, engine_claims;  /* fs_engine_stats deltas since the start */

	uint64_t pcp_events;                    /* zone_locked + pcpu_drain: counted only */

	/* per order (alloc events; frees by the event's order) */
	uint64_t order_allocs[FS_MAX_ORDERS];
	uint64_t order_allocs_failed[FS_MAX_ORDERS];    /* failed in the engine */
	uint64_t order_trace_failed[FS_MAX_ORDERS];
	uint64_t order_frees[FS_MAX_ORDERS];
	uint64_t order_extfrag[FS_MAX_ORDERS];          /* by alloc_order */
	/* per migratetype of the alloc events (as fs_ftrace_mt names them; the
	 * gfp's migratetype when the line printed none) */
	uint64_t mt_allocs[FS_MT_COUNT];
	uint64_t mt_allocs_failed[FS_MT_COUNT];
	uint64_t mt_extfrag_fallback[FS_MT_COUNT];      /* by fallback_migratetype */

	uint64_t mapped;                        /* trace allocations live in the map now */
	uint64_t mapped_peak;
	/* the replay's allocations the engine moved (move hook): compaction
	 * migrated them (the map follows) or reclaim freed them */
	uint64_t migrated, reclaimed;
};

struct fs_ftrace_replay;

/* A replay of t onto e (neither is copied: both must outlive the replay; t
 * may grow by fs_ftrace_add_text meanwhile). o NULL: the defaults. */
struct fs_ftrace_replay *fs_ftrace_replay_new(struct fs_engine *e, const struct fs_ftrace *t,
					      const struct fs_ftrace_replay_options *o);
void fs_ftrace_replay_free(struct fs_ftrace_replay *r);

/* Apply up to n more events; returns how many were applied. */
size_t fs_ftrace_replay_step(struct fs_ftrace_replay *r, size_t n);
/* Apply the events with ts <= until (events without a timestamp go with
 * the ones before them); returns how many. */
size_t fs_ftrace_replay_until(struct fs_ftrace_replay *r, double until);
/* Index of the next event to apply; fs_ftrace_replay_done when all are. */
size_t fs_ftrace_replay_pos(const struct fs_ftrace_replay *r);
bool fs_ftrace_replay_done(const struct fs_ftrace_replay *r);
/* Timestamp of the next event (-1 none or unknown), for pacing a display. */
double fs_ftrace_replay_next_ts(const struct fs_ftrace_replay *r);

/* What the last applied event did, for the TUI's event line. */
struct fs_ftrace_step {
	const struct fs_ftrace_event *event;    /* NULL before the first */
	enum {
		FS_FTRACE_DID_NOTHING,          /* counted only (pcp, extfrag, skipped failure) */
		FS_FTRACE_DID_ALLOC,            /* result says how */
		FS_FTRACE_DID_FREE,             /* freed engine allocation free.head */
		FS_FTRACE_DID_FREE_NONE,        /* unmatched / duplicate / partial: nothing freed */
	} did;
	struct fs_alloc_result alloc;           /* DID_ALLOC (verdict only with explain) */
	struct fs_free_result free;             /* DID_FREE */
	char what[200];                         /* one sentence */
};
const struct fs_ftrace_step *fs_ftrace_replay_last(const struct fs_ftrace_replay *r);

void fs_ftrace_replay_summary(const struct fs_ftrace_replay *r, struct fs_ftrace_summary *out);

/* Replay all of t onto e and fill out (may be NULL). o NULL: defaults. */
void fs_ftrace_replay_all(struct fs_engine *e, const struct fs_ftrace *t,
			  const struct fs_ftrace_replay_options *o, struct fs_ftrace_summary *out);

/* The summary as text for people, lines ending in '\n' (for `simulate`). */
void fs_ftrace_summary_format(const struct fs_ftrace_summary *s, struct fs_buf *out);

#endif
