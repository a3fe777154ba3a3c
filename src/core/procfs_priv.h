/*
 * procfs_priv.h - what the /proc parsers share: a parse context that names
 * source and line in every diagnostic and bounds how many a hostile input
 * can produce, number parsing that tells overflow from garbage, and the
 * "Node N, zone NAME" head that buddyinfo, pagetypeinfo and zoneinfo print.
 *
 * Private to src/core/procfs_*.c.
 */
#ifndef FRAGSCOPE_PROCFS_PRIV_H
#define FRAGSCOPE_PROCFS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/snapshot.h"
#include "fragscope/util.h"

/* No line of these files comes near this (the longest, a pagetypeinfo row
 * with 16 orders, is ~160 bytes); longer lines are garbage, and refusing
 * them keeps quoting and scanning cheap. */
#define FS_PROCFS_LINE_MAX 4096

/* Bad lines reported one by one per parse; the rest are counted and
 * summarised at the end, so a 1 GiB garbage file costs one screenful. */
#define FS_PROCFS_LINE_WARN_MAX 20

/* Bounds that keep a hostile input linear: counters per fs_stats set (a real
 * set has at most ~200: /proc/vmstat), counters per parse, and zone lines
 * per parse (each costs a lookup among up to FS_MAX_ZONES zones). Reaching
 * one stops the parse with a warning; what was read stays. */
#define FS_PROCFS_STATS_PER_SET 1024
#define FS_PROCFS_STATS_PER_PARSE (1u << 18)
#define FS_PROCFS_ZONE_LINES ((unsigned)FS_MAX_ZONES * 16)

struct fs_pctx {
	struct fs_snapshot *snap;
	const char *source;
	const char *kind;       /* "buddyinfo", ... for messages */
	unsigned line;          /* current 1-based line */
	unsigned nr_bad;        /* bad lines seen */
	unsigned nr_zone_dropped;  /* zones beyond FS_MAX_NODES / FS_MAX_ZONES */
	unsigned nr_zone_lines;    /* fs_pzone calls */
	unsigned nr_stats;         /* fs_pstat calls that added a counter */
	bool stop;                 /* a bound was reached: fs_pctx_next returns false */
	/* (node, zone type) pairs already seen in this parse, to spot repeats */
	uint8_t seen[FS_MAX_NODES];
};

/*
 * Start a parse: set meta.source when still empty, refuse empty and binary
 * input with an error naming what was expected. False when there is nothing
 * to parse.
 */
bool fs_pctx_begin(struct fs_pctx *c, struct fs_snapshot *snap, const char *text, size_t len,
		   const char *source, const char *kind);
/* End a parse that took nr records: summarise suppressed warnings; with
 * nr == 0 add the error "no ... found" with what was expected. */
int fs_pctx_end(struct fs_pctx *c, int nr, const char *expected);

/* A warning about the current line (counted, bounded). */
void fs_pctx_bad(struct fs_pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same about another line (a record's head), or 0 for the whole text. */
void fs_pctx_bad_at(struct fs_pctx *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A warning not about one bad line (not bounded by the bad-line budget). */
void fs_pctx_warn(struct fs_pctx *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Next line; lines longer than FS_PROCFS_LINE_MAX are reported and skipped.
 * Trailing blanks are dropped. */
bool fs_pctx_next(struct fs_pctx *c, struct fs_lines *it, const char **line, size_t *len);

/* Quote at most 48 bytes of s for a message, replacing what is not
 * printable ASCII with '?'. out must hold 64 bytes. */
const char *fs_quote(char out[64], const char *s, size_t len);

/* True when the line (after leading blanks) is empty. */
bool fs_blank(const char *s, size_t len);

/* Parse results that tell the caller what went wrong. */
enum fs_num {
	FS_NUM_OK,
	FS_NUM_NONE,      /* no digits here */
	FS_NUM_OVERFLOW,  /* more than 2^64-1 */
	FS_NUM_NEGATIVE,  /* "-12" where only counts make sense */
	FS_NUM_TRAILING,  /* digits followed by junk, "12x" */
};
/* An unsigned decimal after optional blanks, ending at a blank, end of line
 * or one of the characters in stop (may be NULL). */
enum fs_num fs_pnum(struct fs_cursor *cur, const char *stop, uint64_t *out);
const char *fs_num_problem(enum fs_num r);   /* "a number too large for 64 bits" */

/* Skip blanks, then consume literal s; false (cursor unchanged) if absent. */
bool fs_plit(struct fs_cursor *cur, const char *s);
/* Skip blanks; true when nothing else is left on the line. */
bool fs_pend(struct fs_cursor *cur);
/* Skip blanks, then a word of [A-Za-z0-9_] (zone names). */
bool fs_pname(struct fs_cursor *cur, const char **name, size_t *len);

/*
 * "Node N, zone NAME" at the cursor. On failure a warning for the line has
 * been given (what was expected, what was found) and false returned.
 */
bool fs_pzone_head(struct fs_pctx *c, struct fs_cursor *cur, const char *line, size_t len,
		   uint64_t *node, const char **name, size_t *name_len);

/*
 * The zone (created when absent). NULL, with a diagnostic, when the node is
 * out of range or the zone limit is reached. With dup_check, a zone met a
 * second time in this parse gets a warning (and is still returned).
 */
struct fs_zone *fs_pzone(struct fs_pctx *c, uint64_t node, const char *name, size_t name_len,
			 bool dup_check);

/* Set meta.nr_orders / pageblock_order, warning when a different value
 * was already known. */
void fs_pmeta_orders(struct fs_pctx *c, int nr_orders);
void fs_pmeta_pageblock(struct fs_pctx *c, int order);

/* Store a counter value that must fit int64 (fs_stats); false with a
 * warning for the line when it does not. */
bool fs_pstat(struct fs_pctx *c, struct fs_stats *st, const char *name, size_t name_len,
	      uint64_t value);

#endif
