/*
 * tui_trend.h - what the trend panel plots: a bounded history of per-frame
 * summaries (free blocks per zone x migratetype x order, free pages and
 * watermarks, the vmstat compaction and stall counters), and sparklines
 * drawn from it as text. No ncurses.
 *
 * Points are kept by frame index, newest last; a replay that jumps back
 * starts a new run of points (the history is what lies just before the
 * frame on screen, never frames from elsewhere in the file).
 */
#ifndef FRAGSCOPE_TUI_TREND_H
#define FRAGSCOPE_TUI_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/snapshot.h"

#define TUI_TREND_ZONES 8        /* zones followed (the first 8 of a snapshot) */
#define TUI_TREND_POINTS 512     /* wider than any terminal's sparkline */

enum tui_counter {
	TUI_CTR_COMPACT_STALL,   /* vmstat compact_stall */
	TUI_CTR_COMPACT_FAIL,    /* compact_fail */
	TUI_CTR_COMPACT_SUCCESS, /* compact_success */
	TUI_CTR_ALLOCSTALL,      /* allocstall, or the sum of allocstall_* (4.10+) */
	TUI_CTR_COUNT
};
const char *tui_counter_name(enum tui_counter c);

struct tui_trend_zone {
	uint32_t blocks[FS_MT_COUNT][FS_MAX_ORDERS];  /* lower bounds */
	uint32_t order_blocks[FS_MAX_ORDERS];
	uint64_t free_pages, wmark_min, wmark_low, wmark_high;
	bool known;
};

struct tui_trend_point {
	size_t frame;
	double time;
	struct tui_trend_zone zone[TUI_TREND_ZONES];
	int64_t counter[TUI_CTR_COUNT];   /* -1: not in this frame's vmstat */
};

struct tui_trend {
	struct tui_trend_point *points;   /* ring of TUI_TREND_POINTS */
	size_t start, count;
};

void tui_trend_init(struct tui_trend *t);   /* allocates the ring; points NULL on failure */
void tui_trend_free(struct tui_trend *t);
void tui_trend_reset(struct tui_trend *t);
/* Add frame's summary. A frame not after the newest point starts over. */
void tui_trend_add(struct tui_trend *t, size_t frame, double time, const struct fs_snapshot *s);
/* True when frame is the newest point (nothing to add). */
bool tui_trend_has(const struct tui_trend *t, size_t frame);
size_t tui_trend_count(const struct tui_trend *t);
const struct tui_trend_point *tui_trend_at(const struct tui_trend *t, size_t i);  /* 0 oldest */

/* Series, oldest first, of the newest n points (n <= count); returns how many. */
size_t tui_trend_blocks_ge(const struct tui_trend *t, int zone, enum fs_mt mt, int order,
			   double *out, size_t n);
size_t tui_trend_free_pages(const struct tui_trend *t, int zone, double *out, size_t n);
/* Per-frame increase of a counter (0 where the counter went back or was absent). */
size_t tui_trend_counter_delta(const struct tui_trend *t, enum tui_counter c, double *out,
			       size_t n);

/*
 * A sparkline of values into out (NUL-terminated), one character per
 * value: with utf8 the eight block elements U+2581..U+2588, else the ASCII
 * ramp "_.-=+*#@". Scaled from 0 to max; with max <= 0 from the series'
 * own minimum to its maximum (from 0 when the minimum is below an eighth
 * of the maximum), a flat non-zero series at mid height, all zeros flat
 * at the bottom.
 * Returns the number of characters written (not bytes).
 */
size_t tui_sparkline(const double *values, size_t n, double max, bool utf8, char *out,
		     size_t out_size);

#endif
