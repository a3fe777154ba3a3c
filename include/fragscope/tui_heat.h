/*
 * tui_heat.h - what each heatmap cell says: its number in the chosen unit
 * (free blocks, free pages, share of the zone's free memory), squeezed to
 * the cell's width, and how the typed request sees it (the overlay:
 * orders below the request dimmed, the lists it may use outlined, the
 * block it would get marked, lists it may not use crossed). No ncurses.
 */
#ifndef FRAGSCOPE_TUI_HEAT_H
#define FRAGSCOPE_TUI_HEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/snapshot.h"
#include "fragscope/verdict.h"

enum tui_cell_mode { TUI_CELL_BLOCKS, TUI_CELL_PAGES, TUI_CELL_SHARE, TUI_CELL_MODES };
const char *tui_cell_mode_name(enum tui_cell_mode m);   /* "free blocks" ... */

/*
 * The text of a count in at most width characters: "1234", "12k", "3.4M",
 * capped counts with a "+" ("100k+"), a list known only to be non-empty
 * "+", known empty "-", unknown "?", zero ".". multiplier turns blocks
 * into pages (1 << order). share_of > 0: per mille of share_of, shown as
 * a percentage ("12%", "0.4%").
 */
void tui_format_count(struct fs_count c, uint64_t multiplier, uint64_t share_of, int width,
		      char *out, size_t out_size);
/* A page count as people read it: "482M", "1.2G" (page_size bytes each). */
void tui_format_bytes(uint64_t pages, unsigned page_size, char *out, size_t out_size);

/* The value a cell is coloured by (blocks or pages), and the zone maximum. */
uint64_t tui_cell_value(struct fs_count c, int order, enum tui_cell_mode mode);

/* Zones worth a tab: not the empty ones zoneinfo prints since 4.19
 * (present 0, managed 0: an unused Movable or Device zone). */
bool tui_zone_visible(const struct fs_zone *z);

enum tui_cell_mark {
	TUI_MARK_NONE,          /* no request overlay, or nothing to say */
	TUI_MARK_DIMMED,        /* order below the request */
	TUI_MARK_USABLE,        /* a list the request may take from */
	TUI_MARK_TARGET,        /* the block it would get */
	TUI_MARK_CROSSED,       /* a list it may not use */
};

struct tui_overlay {
	bool active;
	int order;                      /* the request's order */
	bool zone_allowed;              /* the mask may use this zone at all */
	uint32_t usable_mts;            /* 1 << enum fs_mt */
	uint32_t crossed_mts;
	int target_order, target_mt;    /* -1: no block in this zone */
	char why_crossed[160];          /* "CMA: only movable allocations with ALLOC_CMA" */
};

/* The overlay of verdict v (run on snapshot s) for zone z. */
void tui_overlay_compute(const struct fs_verdict *v, const struct fs_snapshot *s,
			 const struct fs_zone *z, struct tui_overlay *out);
enum tui_cell_mark tui_overlay_mark(const struct tui_overlay *o, enum fs_mt mt, int order);

#endif
