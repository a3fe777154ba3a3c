/*
 * tui_layout.h - where each panel of the interactive view goes, for a
 * terminal of a given size. Pure arithmetic, no ncurses: tested directly.
 *
 *   wide (heatmap + 44 columns or more beside it):
 *     tabs / zone header / heatmap | verdict, events
 *     trends (under the heatmap)   |
 *     timeline, status
 *   narrow (80x24 and up): everything stacked; when the rows below the
 *   heatmap cannot hold verdict, events and trends at once, they share
 *   one pane with a tab line (keys v, e, t).
 *   tiny (below 40x10): the heatmap and the status bar only, with a note.
 *   The engine's pageblock map goes under the request line (wide: above
 *   the trends; stacked: a fourth pane), or is the fourth shared pane (b).
 */
#ifndef FRAGSCOPE_TUI_LAYOUT_H
#define FRAGSCOPE_TUI_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

struct tui_rect {
	int y, x, h, w;         /* h or w 0: not shown */
};

/* The pageblock map is a pane only where the source is the engine. */
enum tui_pane {
	TUI_PANE_VERDICT, TUI_PANE_EVENTS, TUI_PANE_TRENDS, TUI_PANE_PAGEBLOCKS, TUI_PANE_COUNT
};

struct tui_layout_input {
	int cols, rows;
	int nr_rows;            /* migratetype rows of the heatmap */
	int nr_orders;          /* columns of the heatmap */
	bool timeline;          /* replay: a timeline row */
	enum tui_pane pane;     /* the pane shown when panes must share */
	bool pageblocks;        /* the engine: a pageblock map pane */
	uint64_t nr_pageblocks; /* ... of this many pageblocks (its rows where there is room) */
};

struct tui_layout {
	bool tiny;              /* too small for more than the heatmap */
	bool wide;              /* panels beside the heatmap */
	bool shared_pane;       /* verdict/events/trends take turns in one pane */
	struct tui_rect tabs, zone_header, heatmap, request, pane_tabs;
	struct tui_rect pane[TUI_PANE_COUNT];
	struct tui_rect timeline, status;
	int label_width;        /* heatmap: the migratetype label column */
	int cell_width;         /* heatmap: one order column */
	int orders_shown;       /* columns that fit (all, unless the terminal is narrow) */
	int pageblock_width;    /* the pageblocks-per-type column after the orders; 0: none */
	bool pageblocks;        /* the map has a pane (pane[TUI_PANE_PAGEBLOCKS] when shown) */
};

/* Heatmap cell width for a given width: widest of 8..5 that fits all
 * orders, else 5 and fewer orders shown. */
void tui_layout_compute(const struct tui_layout_input *in, struct tui_layout *out);

/* Which panel (or -1) holds screen position (y, x); for the mouse. */
enum tui_hit {
	TUI_HIT_NONE, TUI_HIT_TABS, TUI_HIT_HEATMAP, TUI_HIT_PANE_TABS, TUI_HIT_VERDICT,
	TUI_HIT_EVENTS, TUI_HIT_TRENDS, TUI_HIT_TIMELINE, TUI_HIT_STATUS, TUI_HIT_REQUEST,
	TUI_HIT_PAGEBLOCKS,
};
/* The panes on the shared tab line, in order (the map only for the engine). */
int tui_layout_nr_pane_tabs(const struct tui_layout *l);
enum tui_hit tui_layout_hit(const struct tui_layout *l, int y, int x);
bool tui_rect_contains(const struct tui_rect *r, int y, int x);

/* Heatmap cell under (y, x): row index (0 = first migratetype row, -1 the
 * column header, nr_rows the total row) and order; false outside. */
bool tui_layout_heatmap_cell(const struct tui_layout *l, int nr_rows, int y, int x, int *row,
			     int *order);

#endif
