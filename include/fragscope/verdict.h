/*
 * verdict.h - "would (gfp, order) succeed on this snapshot, and why":
 * walks the page allocator's path as the snapshot's kernel version does
 * (zonelist, fast path at the low watermark, slow path at min with the
 * flags the mask earns, free lists, then what the mask allows next:
 * kswapd, compaction, reclaim, retries, OOM, warn_alloc) and records every
 * decision as a step with its inputs, formula, numbers and outcome.
 *
 * No I/O, no printing: front ends render fs_verdict (text in the CLI,
 * the verdict panel in the TUI, JSON via fs_verdict_to_json).
 */
#ifndef FRAGSCOPE_VERDICT_H
#define FRAGSCOPE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "fragscope/klog.h"
#include "fragscope/kprofile.h"
#include "fragscope/snapshot.h"

enum fs_outcome {
	FS_OUTCOME_FAST,        /* succeeds on the fast path (low watermark) */
	FS_OUTCOME_SLOW,        /* succeeds on the slow path (min watermark, reserves) */
	FS_OUTCOME_DEPENDS,     /* depends on reclaim or compaction */
	FS_OUTCOME_FAILS,       /* fails (warn_alloc unless __GFP_NOWARN) */
};
const char *fs_outcome_name(enum fs_outcome o);   /* "succeeds (fast path)" ... */
/* Exit status of `fragscope explain`: 0 succeeds, 1 fails, 2 depends. */
int fs_outcome_exit_status(enum fs_outcome o);

enum fs_step_kind {
	FS_STEP_REQUEST,        /* the request decoded: zone, migratetype, flags */
	FS_STEP_ZONELIST,       /* zones in order, classzone */
	FS_STEP_WATERMARK,      /* one zone's watermark check */
	FS_STEP_FREELIST,       /* one zone's free-list check / pick */
	FS_STEP_KSWAPD,
	FS_STEP_RESERVES,       /* ALLOC_NO_WATERMARKS / ALLOC_OOM */
	FS_STEP_COMPACTION,
	FS_STEP_RECLAIM,
	FS_STEP_RETRY,
	FS_STEP_OOM,
	FS_STEP_WARN,           /* would warn_alloc print */
	FS_STEP_NOTE,
};
const char *fs_step_kind_name(enum fs_step_kind k);  /* "watermark" */

enum fs_step_result {
	FS_STEP_PASS,
	FS_STEP_FAIL,
	FS_STEP_INFO,
	FS_STEP_SKIPPED,        /* not reached or not applicable */
	FS_STEP_UNCERTAIN,      /* the snapshot does not tell (non-empty-only lists, pcp) */
};
const char *fs_step_result_name(enum fs_step_result r);  /* "pass" */

struct fs_step {
	enum fs_step_kind kind;
	enum fs_step_result result;
	char phase[16];         /* "fast", "slow", "compaction", "reclaim" ... */
	char zone[32];          /* "Node 0 DMA32", "" when not about one zone */
	char title[128];        /* one line: "watermark min: 10072 > 569 + 0" */
	char formula[384];      /* the arithmetic with the numbers substituted */
	char detail[512];       /* why, in words */
	int64_t margin;         /* pages above (>0) or below (<=0) the mark; 0 when n/a */
	struct fs_stats numbers;/* named inputs and results, for JSON */
};

struct fs_verdict_request {
	uint64_t gfp;
	int order;
	int node;                       /* preferred node; -1: the first node */
	struct fs_alloc_task task;      /* defaults: ordinary task */
	const struct fs_kprofile *profile;  /* NULL: from the snapshot's release */
	const struct fs_kconfig *config;    /* NULL: fs_kconfig_default */
};

struct fs_verdict {
	const struct fs_kprofile *profile;
	struct fs_kconfig config;
	bool profile_guessed;
	char profile_why[160];
	uint64_t gfp;
	int order;
	char gfp_names[256];
	struct fs_gfp_meaning meaning;

	enum fs_outcome outcome;
	char reason[512];               /* the decisive reason, one sentence */
	char change[512];               /* what would have to change for another outcome */
	char decisive_zone[32];
	int64_t margin;                 /* pages above/below the decisive mark */
	int64_t suitable_blocks;        /* free blocks of order >= n the request may use; -1 unknown */
	bool used_nonempty_only;        /* reasoned with "list non-empty" knowledge only */
	bool uncertain;                 /* the outcome rests on an input the snapshot lacks
					   (an unprinted highatomic reserve, lists of unknown
					   type); reason says which, change when it flips */

	struct fs_step *steps;
	size_t nr_steps, steps_cap;
	char **risks;                   /* risk factors any engineer should see */
	size_t nr_risks, risks_cap;
};

void fs_verdict_init(struct fs_verdict *v);
void fs_verdict_clear(struct fs_verdict *v);
/* 0, or -1 when the request cannot be judged (no zones, order beyond the
 * maximum: then outcome FAILS with the reason set). out must have been
 * fs_verdict_init()ed; what it held is cleared first. Unknown inputs are
 * taken in the request's favour, as krules.h does: the outcome then says on
 * which condition (uncertain, reason, change). */
int fs_verdict_run(const struct fs_snapshot *snap, const struct fs_verdict_request *req,
		   struct fs_verdict *out);

/* A warn_alloc report explained: its request run against its own printed
 * state, and whether that state explains the failure. */
struct fs_explanation {
	struct fs_verdict verdict;
	bool has_state;                 /* the report printed per-zone state */
	bool explains;                  /* the printed state makes the request fail */
	char summary[768];              /* "the printed state explains the failure: ..." or
					   "the printed state would have satisfied it: ..." */
};
void fs_explanation_init(struct fs_explanation *e);
void fs_explanation_clear(struct fs_explanation *e);
/* profile/config NULL: from the report's release / the distro default. out
 * must have been fs_explanation_init()ed. Returns 0: a report without a mask
 * or per-zone state is decoded and says that it cannot be judged. */
int fs_explain_report(const struct fs_report *report, const struct fs_kprofile *profile,
		      const struct fs_kconfig *config, struct fs_explanation *out);

/* JSON (schema: docs/verdict-json.md). */
struct json_object *fs_verdict_to_json(const struct fs_verdict *v);
struct json_object *fs_explanation_to_json(const struct fs_explanation *e,
					   const struct fs_report *report);

/* The zonelist a request walks, as the verdict builds it (kernel-rules §2):
 * gfp_zone() of the mask, the preferred node's zones highest first, then the
 * other nodes' (not with __GFP_THISNODE); zones without managed pages are
 * left out. The engine walks the same list. */
struct fs_zonelist {
	size_t *zones;                  /* indexes into snap->zones, in walk order */
	bool *local;                    /* on the preferred node */
	size_t nr;
	int classzone;                  /* the lowmem_reserve[] column of this version */
	bool nofragment;                /* ALLOC_NOFRAGMENT on the first fast pass (5.0+) */
	int pref_node;
	int highest_rank;               /* gfp_zone() as fs_zone_type_rank */
	const struct fs_kprofile *profile;
	struct fs_gfp_meaning meaning;  /* of (gfp, order, task) */
};
/* -1 when the request cannot be walked (invalid zone modifiers, order out of
 * range); out is filled either way and must be cleared. */
int fs_verdict_zonelist(const struct fs_snapshot *snap, const struct fs_verdict_request *req,
			struct fs_zonelist *out);
void fs_zonelist_clear(struct fs_zonelist *zl);

#endif
