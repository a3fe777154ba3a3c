/*
 * layout.c - panel rectangles for a terminal size (see tui_layout.h).
 */
#include "fragscope/tui_layout.h"

#include <string.h>

#define LABEL_WIDTH 13          /* marker, "Reclaimable", blank */
#define LABEL_WIDTH_MIN 8       /* "Reclaim " on a narrow terminal */
#define CELL_WIDTH_MAX 8
#define CELL_WIDTH_MIN 5        /* marker, heat char, 2 digits, marker */
#define SIDE_MIN 44             /* columns a side panel needs to be worth it */
#define PAGEBLOCK_COL 10        /* " pageblks" and counts up to 9 digits */
#define PAGEBLOCK_ROWS_STACKED 8 /* the map's share of a tall narrow screen */
#define TINY_COLS 40
#define TINY_ROWS 10

static struct tui_rect rect(int y, int x, int h, int w)
{
	struct tui_rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };
	if (r.h == 0 || r.w == 0)
		r.h = r.w = 0;
	return r;
}

bool tui_rect_contains(const struct tui_rect *r, int y, int x)
{
	return r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

/* Label and cell widths for the heatmap in at most avail columns. */
static void heatmap_columns(int avail, int nr_orders, struct tui_layout *out)
{
	out->label_width = LABEL_WIDTH;
	if (avail - LABEL_WIDTH < nr_orders * CELL_WIDTH_MIN)
		out->label_width = LABEL_WIDTH_MIN;
	int cells = avail - out->label_width;
	int width = nr_orders > 0 ? cells / nr_orders : CELL_WIDTH_MAX;
	if (width > CELL_WIDTH_MAX)
		width = CELL_WIDTH_MAX;
	if (width < CELL_WIDTH_MIN)
		width = CELL_WIDTH_MIN;
	out->cell_width = width;
	int shown = cells / width;
	out->orders_shown = shown < nr_orders ? (shown > 0 ? shown : 0) : nr_orders;
}

static int heatmap_width(const struct tui_layout *l)
{
	return l->label_width + l->orders_shown * l->cell_width + l->pageblock_width;
}

/* The rows under the heatmap (narrow) hold the request line, then either
 * the three panes stacked or one of them with a tab line. */
/* Rows the pageblock map wants in width columns: a title and a row of
 * cells per width pageblocks, at most max. */
static int pageblock_rows(const struct tui_layout_input *in, int width, int max)
{
	if (width <= 0)
		return 0;
	uint64_t rows = 1 + (in->nr_pageblocks + (uint64_t)width - 1) / (uint64_t)width;
	if (rows < 2)
		rows = 2;
	return rows > (uint64_t)max ? max : (int)rows;
}

static void place_stacked(const struct tui_layout_input *in, struct tui_layout *out, int top,
			  int bottom)
{
	int avail = bottom - top;
	out->request = rect(top, 0, 1, in->cols);
	top++;
	avail--;
	/* verdict needs about 9 rows, events 4, trends 6, to be useful; the
	 * pageblock map 4 (3 rows of cells) */
	int map = in->pageblocks ? pageblock_rows(in, in->cols, PAGEBLOCK_ROWS_STACKED) : 0;
	if (map && map < 4)
		map = 4;
	if (avail >= 9 + 4 + 6 + 3 + map) {
		int trends = 2 + in->nr_rows + 3 > 12 ? 12 : 2 + in->nr_rows + 3;
		int events = (avail - map) / 5 < 4 ? 4 : (avail - map) / 5;
		int verdict = avail - trends - events - map;
		out->pane[TUI_PANE_VERDICT] = rect(top, 0, verdict, in->cols);
		out->pane[TUI_PANE_PAGEBLOCKS] = rect(top + verdict, 0, map, in->cols);
		out->pane[TUI_PANE_EVENTS] = rect(top + verdict + map, 0, events, in->cols);
		out->pane[TUI_PANE_TRENDS] = rect(top + verdict + map + events, 0, trends, in->cols);
		return;
	}
	out->shared_pane = true;
	out->pane_tabs = rect(top, 0, 1, in->cols);
	enum tui_pane p = in->pane;
	if (p == TUI_PANE_PAGEBLOCKS && !in->pageblocks)
		p = TUI_PANE_VERDICT;
	out->pane[p] = rect(top + 1, 0, avail - 1, in->cols);
}

static void place_wide(const struct tui_layout_input *in, struct tui_layout *out, int top,
		       int bottom)
{
	int left = heatmap_width(out);
	int side_x = left + 1;
	int side_w = in->cols - side_x;
	int heat_bottom = out->heatmap.y + out->heatmap.h;
	out->request = rect(heat_bottom, 0, 1, left);
	int under = bottom - heat_bottom - 1;
	int map = 0;
	if (in->pageblocks) {
		/* half of what is under the heatmap, the trends the rest (all of
		 * it when what is left would not show a trend) */
		map = pageblock_rows(in, left, under / 2 > 3 ? under / 2 : 3);
		if (under - map < 4)
			map = under;
		out->pane[TUI_PANE_PAGEBLOCKS] = rect(heat_bottom + 1, 0, map, left);
	}
	out->pane[TUI_PANE_TRENDS] = rect(heat_bottom + 1 + map, 0, under - map, left);
	int avail = bottom - top;
	int events = avail / 3 < 4 ? 4 : avail / 3;
	out->pane[TUI_PANE_VERDICT] = rect(top, side_x, avail - events, side_w);
	out->pane[TUI_PANE_EVENTS] = rect(top + avail - events, side_x, events, side_w);
}

void tui_layout_compute(const struct tui_layout_input *in, struct tui_layout *out)
{
	memset(out, 0, sizeof(*out));
	out->pageblocks = in->pageblocks;
	int cols = in->cols > 0 ? in->cols : 0, rows = in->rows > 0 ? in->rows : 0;
	out->status = rect(rows - 1, 0, 1, cols);
	int bottom = rows - 1;
	if (in->timeline && rows >= 6) {
		out->timeline = rect(rows - 2, 0, 1, cols);
		bottom--;
	}
	int heat_rows = 1 + in->nr_rows + 1;
	out->tiny = cols < TINY_COLS || rows < TINY_ROWS || 2 + heat_rows + 2 > bottom;

	/* Try the side-by-side layout with the widest heatmap that still leaves
	 * the side panel SIDE_MIN columns. */
	heatmap_columns(cols, in->nr_orders, out);
	if (!out->tiny && cols - heatmap_width(out) - 1 >= SIDE_MIN && rows >= 20)
		out->wide = true;
	else if (!out->tiny && rows >= 20) {
		/* Narrower cells buy the side panel, down to 6 columns a cell
		 * (4 digits between the marks). */
		heatmap_columns(cols - SIDE_MIN - 1, in->nr_orders, out);
		out->wide = out->orders_shown == in->nr_orders && out->cell_width >= 6;
		if (!out->wide)
			heatmap_columns(cols, in->nr_orders, out);
	}

	/* Pageblocks per migratetype beside the free lists, where there is room
	 * to spare (pollution of movable pageblocks shows there first). */
	int room = cols - heatmap_width(out) - (out->wide ? 1 + SIDE_MIN : 0);
	if (!out->tiny && out->orders_shown == in->nr_orders && room >= PAGEBLOCK_COL)
		out->pageblock_width = PAGEBLOCK_COL;

	int top = 0;
	if (bottom > top)
		out->tabs = rect(top++, 0, 1, cols);
	if (bottom - top > 1 && (!out->tiny || bottom - top > heat_rows))
		out->zone_header = rect(top++, 0, 1, cols);
	int heat_h = heat_rows < bottom - top ? heat_rows : bottom - top;
	int heat_w = heatmap_width(out);
	out->heatmap = rect(top, 0, heat_h, heat_w < cols ? heat_w : cols);
	if (out->tiny)
		return;
	if (out->wide)
		place_wide(in, out, top, bottom);
	else
		place_stacked(in, out, top + heat_h, bottom);
}

enum tui_hit tui_layout_hit(const struct tui_layout *l, int y, int x)
{
	static const enum tui_hit pane_hit[TUI_PANE_COUNT] = {
		TUI_HIT_VERDICT, TUI_HIT_EVENTS, TUI_HIT_TRENDS, TUI_HIT_PAGEBLOCKS,
	};
	if (tui_rect_contains(&l->tabs, y, x))
		return TUI_HIT_TABS;
	if (tui_rect_contains(&l->heatmap, y, x))
		return TUI_HIT_HEATMAP;
	if (tui_rect_contains(&l->request, y, x))
		return TUI_HIT_REQUEST;
	if (tui_rect_contains(&l->pane_tabs, y, x))
		return TUI_HIT_PANE_TABS;
	for (int p = 0; p < TUI_PANE_COUNT; p++)
		if (tui_rect_contains(&l->pane[p], y, x))
			return pane_hit[p];
	if (tui_rect_contains(&l->timeline, y, x))
		return TUI_HIT_TIMELINE;
	if (tui_rect_contains(&l->status, y, x))
		return TUI_HIT_STATUS;
	return TUI_HIT_NONE;
}

bool tui_layout_heatmap_cell(const struct tui_layout *l, int nr_rows, int y, int x, int *row,
			     int *order)
{
	if (!tui_rect_contains(&l->heatmap, y, x) || x < l->label_width || l->cell_width <= 0)
		return false;
	int o = (x - l->label_width) / l->cell_width;
	if (o >= l->orders_shown)
		return false;
	int r = y - l->heatmap.y - 1;
	if (r > nr_rows)
		return false;
	*row = r;
	*order = o;
	return true;
}

int tui_layout_nr_pane_tabs(const struct tui_layout *l)
{
	return l->pageblocks ? TUI_PANE_COUNT : TUI_PANE_COUNT - 1;
}
