/*
 * draw_heatmap.c - one zone's free lists: rows are migratetypes in the
 * order the kernel printed them, columns are orders, each cell the count
 * in the chosen unit on a log colour scale, with the request's overlay.
 *
 * A cell is [mark][heat][number][mark]: the marks say how the request
 * sees the list ("[ ]" it may take from it, "< >" the block it would get,
 * "x" it may not use it); the heat character is drawn only in monochrome,
 * where there is no colour to carry the intensity.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "draw.h"

struct heat_scale {
	uint64_t max_rows, max_total;
	uint64_t share_of;      /* share mode: the zone's free pages */
};

static enum tui_cell_mode value_mode(const struct tui_app *a)
{
	return a->cell_mode == TUI_CELL_BLOCKS ? TUI_CELL_BLOCKS : TUI_CELL_PAGES;
}

static void compute_scale(const struct tui_app *a, const struct fs_zone *z,
			  const enum fs_mt *rows, int nr_rows, int nr_orders, struct heat_scale *s)
{
	memset(s, 0, sizeof(*s));
	for (int o = 0; o < nr_orders; o++) {
		for (int r = 0; r < nr_rows; r++) {
			uint64_t v = tui_cell_value(z->mt_blocks[rows[r]][o], o, value_mode(a));
			if (v > s->max_rows)
				s->max_rows = v;
		}
		uint64_t t = tui_cell_value(z->order_blocks[o], o, value_mode(a));
		if (t > s->max_total)
			s->max_total = t;
	}
	if (a->cell_mode == TUI_CELL_SHARE) {
		s->share_of = (z->known & FS_ZK_FREE_PAGES) && z->free_pages ? z->free_pages
									: fs_zone_area_pages(z);
		if (s->share_of == 0)
			s->share_of = 1;
	}
}

static void mark_chars(const struct tui_app *a, enum tui_cell_mark m, const char **left,
		       const char **right, attr_t *attr)
{
	*left = *right = " ";
	*attr = tui_attr(a, FS_ROLE_NORMAL);
	switch (m) {
	case TUI_MARK_USABLE:
		*left = "[";
		*right = "]";
		*attr = tui_attr(a, FS_ROLE_OUTLINE);
		break;
	case TUI_MARK_TARGET:
		*left = a->utf8 ? "\u25b6" : ">";
		*right = a->utf8 ? "\u25c0" : "<";
		*attr = tui_attr(a, FS_ROLE_TARGET) | A_BOLD;
		break;
	case TUI_MARK_CROSSED:
		*left = a->utf8 ? "\u2717" : "x";
		*attr = tui_attr(a, FS_ROLE_CROSSED);
		break;
	default:
		break;
	}
}

/* One cell at (y, x): the count c of order o, scaled against max. */
static void draw_cell(const struct tui_app *a, int y, int x, struct fs_count c, int o,
		      uint64_t max, uint64_t share_of, enum tui_cell_mark mark, bool selected)
{
	int cw = a->layout.cell_width;
	bool mono = a->color_mode == FS_COLOR_MONO;
	int num_w = cw - 2 - (mono ? 1 : 0);
	char num[16];
	uint64_t mult = a->cell_mode == TUI_CELL_BLOCKS ? 1 : (uint64_t)1 << o;
	tui_format_count(c, mult, share_of, num_w, num, sizeof(num));
	int step = fs_heat_step(tui_cell_value(c, o, value_mode(a)), max, tui_heat_steps(a));
	/* "Non-empty, count not printed" (warn_alloc letters) is at least one
	 * block, maybe thousands: a middle colour, not the hottest. */
	if (c.kind == FS_COUNT_NONEMPTY)
		step = tui_heat_steps(a) / 2;
	attr_t at = mark == TUI_MARK_DIMMED ? tui_attr(a, FS_ROLE_DIMMED) | A_DIM
					    : tui_heat_attr(a, step);
	if (mark == TUI_MARK_TARGET)
		at = tui_attr(a, FS_ROLE_TARGET) | A_BOLD;
	if (selected)
		at |= A_REVERSE | A_BOLD;
	const char *left, *right;
	attr_t mark_attr;
	mark_chars(a, mark, &left, &right, &mark_attr);
	if (selected)
		mark_attr |= A_REVERSE;
	tui_put(a, y, x, 1, mark_attr, left);
	char body[24];
	if (mono)
		snprintf(body, sizeof(body), "%c%*s", tui_heat_char(a, step), num_w, num);
	else
		snprintf(body, sizeof(body), "%*s", num_w, num);
	tui_put(a, y, x + 1, cw - 2, at, body);
	tui_put(a, y, x + cw - 1, 1, mark_attr, right);
}

static void draw_column_header(const struct tui_app *a, int y, int nr_orders)
{
	const struct tui_layout *l = &a->layout;
	char label[24];
	snprintf(label, sizeof(label), "%s", a->cell_mode == TUI_CELL_BLOCKS ? "order"
					     : a->cell_mode == TUI_CELL_PAGES ? "pages" : "share");
	tui_put(a, y, l->heatmap.x, l->label_width, tui_attr(a, FS_ROLE_LABEL), label);
	for (int o = 0; o < nr_orders && o < l->orders_shown; o++) {
		char text[16];
		snprintf(text, sizeof(text), "%*d ", l->cell_width - 1, o);
		attr_t at = tui_attr(a, o == a->order_sel ? FS_ROLE_SELECTED : FS_ROLE_LABEL);
		if (a->overlay.active && o == a->overlay.order)
			at |= A_UNDERLINE | A_BOLD;
		tui_put(a, y, l->heatmap.x + l->label_width + o * l->cell_width, l->cell_width, at,
			text);
	}
}

/* The pageblocks column: "Number of blocks type" of pagetypeinfo. */
static void draw_pageblocks(const struct tui_app *a, int y, const struct fs_zone *z, int row,
			    const enum fs_mt *rows, int nr_rows)
{
	const struct tui_layout *l = &a->layout;
	int w = l->pageblock_width;
	/* a warn_alloc report does not print them: no column of question marks */
	if (w == 0 || !(z->known & FS_ZK_PAGEBLOCKS))
		return;
	int x = l->heatmap.x + l->label_width + l->orders_shown * l->cell_width;
	char text[24];
	if (row < 0) {
		snprintf(text, sizeof(text), "%*s", w, "pageblks");
		tui_put(a, y, x, w, tui_attr(a, FS_ROLE_LABEL), text);
		return;
	}
	if (row < nr_rows) {
		snprintf(text, sizeof(text), "%*llu", w, (unsigned long long)z->pageblocks[rows[row]]);
	} else {
		unsigned long long sum = 0;
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			sum += z->pageblocks[mt];
		snprintf(text, sizeof(text), "%*llu", w, sum);
	}
	tui_put(a, y, x, w, row < nr_rows ? tui_mt_attr(a, rows[row]) : tui_attr(a, FS_ROLE_LABEL),
		text);
}

static void draw_row_label(const struct tui_app *a, int y, enum fs_mt mt, bool selected)
{
	const struct tui_layout *l = &a->layout;
	const char *marker = " ";
	attr_t mark_attr = tui_attr(a, FS_ROLE_NORMAL);
	if (a->overlay.active && (a->overlay.crossed_mts & (1u << mt))) {
		marker = a->utf8 ? "\u2717" : "x";
		mark_attr = tui_attr(a, FS_ROLE_CROSSED);
	} else if (a->overlay.active && (a->overlay.usable_mts & (1u << mt))) {
		marker = a->utf8 ? "\u25b8" : ">";
		mark_attr = tui_attr(a, FS_ROLE_OUTLINE);
	}
	tui_put(a, y, l->heatmap.x, 1, mark_attr, marker);
	attr_t at = tui_mt_attr(a, mt);
	if (selected)
		at |= A_BOLD | A_UNDERLINE;
	tui_put(a, y, l->heatmap.x + 1, l->label_width - 2, at, fs_mt_name(mt));
}

void tui_draw_heatmap(const struct tui_app *a)
{
	const struct tui_layout *l = &a->layout;
	const struct fs_zone *z = tui_current_zone(a);
	if (l->heatmap.h == 0)
		return;
	tui_clear_rect(&l->heatmap, tui_attr(a, FS_ROLE_NORMAL));
	if (!z) {
		tui_put(a, l->heatmap.y, l->heatmap.x, l->heatmap.w, tui_attr(a, FS_ROLE_WARNING),
			a->have_frame ? "this frame holds no zone state" : "waiting for the first frame");
		return;
	}
	enum fs_mt rows[FS_MT_COUNT];
	int nr_rows = tui_zone_rows(a, z, rows), nr_orders = tui_nr_orders(a);
	struct heat_scale s;
	compute_scale(a, z, rows, nr_rows, nr_orders, &s);
	bool cursor = a->keys.mode != TUI_MODE_EVENTS;
	int y = l->heatmap.y;
	draw_pageblocks(a, y, z, -1, rows, nr_rows);
	draw_column_header(a, y++, nr_orders);
	for (int r = 0; r < nr_rows && y < l->heatmap.y + l->heatmap.h; r++, y++) {
		draw_row_label(a, y, rows[r], cursor && r == a->row);
		draw_pageblocks(a, y, z, r, rows, nr_rows);
		for (int o = 0; o < l->orders_shown; o++) {
			enum tui_cell_mark m = tui_overlay_mark(&a->overlay, rows[r], o);
			draw_cell(a, y, l->heatmap.x + l->label_width + o * l->cell_width,
				  z->mt_blocks[rows[r]][o], o, s.max_rows, s.share_of, m,
				  cursor && r == a->row && o == a->order_sel);
		}
	}
	if (y >= l->heatmap.y + l->heatmap.h)
		return;
	draw_pageblocks(a, y, z, nr_rows, rows, nr_rows);
	/* Without per-type rows (buddyinfo only: pagetypeinfo needs root) the
	 * totals are all there is; the notes say why. */
	tui_put(a, y, l->heatmap.x + 1, l->label_width - 2,
		tui_attr(a, FS_ROLE_LABEL) | (cursor && a->row == nr_rows ? A_UNDERLINE : 0),
		nr_rows ? "Total" : "All types");
	for (int o = 0; o < l->orders_shown; o++) {
		enum tui_cell_mark m = a->overlay.active && o < a->overlay.order ? TUI_MARK_DIMMED
										: TUI_MARK_NONE;
		draw_cell(a, y, l->heatmap.x + l->label_width + o * l->cell_width,
			  z->order_blocks[o], o, s.max_total, s.share_of, m,
			  cursor && a->row == nr_rows && o == a->order_sel);
	}
}
