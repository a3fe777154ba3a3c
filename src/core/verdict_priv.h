/*
 * verdict_priv.h - the state of one verdict walk, shared by verdict.c (request,
 * zonelist, the freelist attempts), verdict_ladder.c (kswapd, compaction,
 * reclaim, retries, OOM, warn_alloc) and explain.c (risk factors).
 */
#ifndef FRAGSCOPE_VERDICT_PRIV_H
#define FRAGSCOPE_VERDICT_PRIV_H

#include <stdarg.h>

#include "fragscope/krules.h"
#include "fragscope/verdict.h"

/* One zone of the zonelist as the walk sees it. */
struct vzone {
	const struct fs_zone *sz;
	struct fs_rules_zone rz;
	int index;              /* kernel zone index: the lowmem_reserve[] column */
	bool local;             /* on the preferred node */
	char label[32];         /* "Node 0 DMA32" */
	/* The highatomic pages the watermark subtracts, when the snapshot does
	 * not print them (4.19 warn_alloc, zoneinfo): what they can be. */
	bool ha_unknown;
	int64_t ha_lo, ha_hi;
};

/* One zone's result in one get_page_from_freelist attempt. */
struct vzres {
	bool evaluated;
	enum fs_step_result wm_res;     /* PASS, FAIL or UNCERTAIN (highatomic unknown) */
	struct fs_wmark_result wm;      /* with the lower highatomic bound */
	int64_t ha_pass_max;            /* UNCERTAIN: passes while highatomic <= this */
	bool picked;
	struct fs_pick pick;
	bool lists_inferred;            /* lists unknown, but a usable block must exist */
	bool lists_impossible;          /* lists unknown, but no usable block can exist */
	int64_t inferred_big, inferred_others;
};

/* One get_page_from_freelist attempt over the zonelist. */
struct vpass {
	const char *phase;
	enum fs_wmark which;
	unsigned flags;
	struct vzres *res;              /* per zone of the walk */
	int chosen;                     /* the zone that serves it, -1 */
	int maybe;                      /* the first zone that may serve it, -1 */
	bool conditional;               /* chosen serves it only if an unknown input allows */
};

struct walk {
	const struct fs_snapshot *snap;
	const struct fs_kprofile *p;
	const struct fs_kconfig *c;
	struct fs_verdict *v;
	struct fs_alloc_task task;
	uint64_t gfp;
	int order;
	int nr_orders;
	int pageblock_order;
	int highest_rank;               /* gfp_zone() as a zone type rank */
	int highest_index;              /* ... as a kernel zone index */
	int classzone;                  /* lowmem_reserve[] column of this version */
	int pref_node;
	struct vzone *zones;
	size_t nr_zones;
	struct vpass fast, slow, reserve;
	bool nofrag;                    /* ALLOC_NOFRAGMENT on the first fast pass */
};

/* verdict->change of a success that rests on an unknown input starts so */
#define VW_FAILS_ONLY_IF "it fails here only if "

/* Flags of the mask by identity, in this profile and config. */
bool vw_has(const struct walk *w, enum fs_gfp_flag f);
/* Whether alloc_flags entitle the request to HighAtomic lists. */
bool vw_highatomic_entitled(const struct walk *w, unsigned flags);
/* Migratetype lists an order>=n request may take under flags (bit per fs_mt). */
uint32_t vw_allowed_types(const struct walk *w, unsigned flags);
/* "Unmovable, Movable or Reclaimable". */
void vw_types_text(uint32_t types, char *out, size_t size);
int64_t vw_pageblock_pages(const struct walk *w);

struct fs_step *vw_step(struct walk *w, enum fs_step_kind kind, enum fs_step_result result,
			const char *phase, const char *zone, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void vw_formula(struct fs_step *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vw_detail(struct fs_step *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write to a fixed buffer, cutting at its end (people's text: a cut is fine). */
void vw_set(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Append to a fixed buffer, cutting at its end. */
void vw_cat(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Unknown per-type lists, yet certainly one usable block (verdict.c). */
bool vw_lists_certain(const struct walk *w, const struct vzone *vz, unsigned flags,
		      int64_t *big, int64_t *others);
/* One get_page_from_freelist attempt (verdict.c). */
enum vw_record {
	VW_RECORD_NONE,
	VW_RECORD_ALL,
	VW_RECORD_RETRY,        /* the retry without ALLOC_NOFRAGMENT: local zones' watermark
				   checks are the same as in the first pass, not repeated */
};
void vw_pass(struct walk *w, struct vpass *pass, const char *phase, enum fs_wmark which,
	     unsigned flags, bool local_only, enum vw_record record);
/* The condition under which zone zi of pass serves the request ("if ...")
 * and the one under which it does not. */
void vw_condition(const struct walk *w, const struct vpass *pass, size_t zi, bool fails,
		  char *out, size_t size);
/* The watermark check of one zone with the highatomic bounds. */
void vw_zone_check(const struct walk *w, const struct vzone *vz, enum fs_wmark which,
		   int classzone, unsigned flags, bool fast, struct vzres *r);

/* The request succeeds in pass->chosen: outcome, reason, change, margin. */
void vw_succeed(struct walk *w, enum fs_outcome o, const struct vpass *pass);
/* The arithmetic of one watermark check in one line. */
void vw_wmark_formula(const struct walk *w, const struct fs_wmark_result *r, char *out,
		      size_t size);
/* fs_verdict_run with the release the profile is chosen from (explain.c
 * takes the report's CPU line). */
int vw_run(const struct fs_snapshot *snap, const struct fs_verdict_request *req,
	   const char *release, struct fs_verdict *out);

/* Only the request decoded (a report without a mask or per-zone state). */
void vw_request_only(const struct fs_verdict_request *req, const char *release,
		     const struct fs_snapshot *snap, struct fs_verdict *out);
/* The most a zone's highatomic reserve can reach (kernel-rules §6.5). */
int64_t vw_highatomic_reserve_max(const struct walk *w, int64_t managed);

/* After the fast path failed (verdict_ladder.c): kswapd, the slow path and
 * what follows; sets the outcome. */
void vw_ladder(struct walk *w);
/* The sentence of a failed zone check, and what would have to change. */
void vw_zone_failure(const struct walk *w, const struct vpass *pass, size_t zi, char *reason,
		     size_t reason_size, char *change, size_t change_size);
/* Free blocks of order >= n the request may use in a zone: exact count or -1. */
int64_t vw_suitable_blocks(const struct walk *w, const struct vzone *vz, unsigned flags,
			   bool *nonempty_only);

/* Risk factors (explain.c). */
void vw_risks(struct walk *w);
void fs_verdict_add_risk(struct fs_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
