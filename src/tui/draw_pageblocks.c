/*
 * draw_pageblocks.c - the engine's pageblock map: a cell per pageblock of
 * the zone shown (or per group of them, showing the majority type), in the
 * type's colour, its glyph saying how full it is; wrapped over the pane's
 * rows. The cells are computed off screen (pbmap.c, cached per state);
 * here they are only put, in runs of the same look.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"

/* The glyph of a fill level (see tui_pbmap.h): shades in UTF-8, the
 * theme's pageblock_chars without, the type's letter in mono. */
static wchar_t cell_glyph(const struct tui_app *a, const struct tui_pb_cell *c)
{
	static const wchar_t shades[TUI_PB_LEVELS] = { 0x00b7, 0x2591, 0x2592, 0x2593, 0x2588 };
	if (a->color_mode == FS_COLOR_MONO) {
		char l = fs_mt_letter((enum fs_mt)c->mt);
		return c->level < 2 ? (wchar_t)(l >= 'A' && l <= 'Z' ? l - 'A' + 'a' : l) : (wchar_t)l;
	}
	if (a->utf8)
		return shades[c->level];
	const char *chars = a->theme.pageblock_chars;
	size_t n = strlen(chars);
	return n ? (wchar_t)chars[c->level < n ? c->level : n - 1] : L'#';
}

static attr_t cell_attr(const struct tui_app *a, const struct tui_pb_cell *c)
{
	attr_t at = tui_pb_attr(a, (enum fs_mt)c->mt);
	if (a->color_mode == FS_COLOR_MONO) {
		static const attr_t fill[TUI_PB_LEVELS] = { A_DIM, A_NORMAL, A_NORMAL, A_BOLD,
							    A_REVERSE };
		at |= fill[c->level];
	}
	return at;
}

/* Cells from..to-1 on row y from column x, one call per run of equal cells. */
static void put_cells(const struct tui_app *a, int y, int x, size_t from, size_t to)
{
	wchar_t run[256];
	size_t i = from;
	while (i < to) {
		const struct tui_pb_cell *c = &a->pbmap.cells[i];
		int n = 0;
		while (i + (size_t)n < to && n < (int)(sizeof(run) / sizeof(run[0])) &&
		       a->pbmap.cells[i + (size_t)n].mt == c->mt &&
		       a->pbmap.cells[i + (size_t)n].level == c->level)
			run[n++] = cell_glyph(a, c);
		attrset(cell_attr(a, c));
		mvaddnwstr(y, x + (int)(i - from), run, n);
		i += (size_t)n;
	}
	attrset(A_NORMAL);
}

/* "U 120  M 6000 ...  free · ░ ▒ ▓ █ full" on the last row. */
static void draw_legend(const struct tui_app *a, const struct tui_rect *r, int y)
{
	int x = r->x + 1, end = r->x + r->w;
	for (int t = 0; t < FS_MT_COUNT && x < end; t++) {
		if (!a->pbmap.mt_blocks[t])
			continue;
		struct tui_pb_cell c = { (uint8_t)t, TUI_PB_LEVELS - 1 };
		char text[40];
		snprintf(text, sizeof(text), "%c %" PRIu64 "  ", fs_mt_letter((enum fs_mt)t),
			 a->pbmap.mt_blocks[t]);
		x += tui_put(a, y, x, end - x, a->color_mode == FS_COLOR_MONO ? A_BOLD
						   : cell_attr(a, &c) & ~A_COLOR, "");
		x += tui_put(a, y, x, end - x, a->color_mode == FS_COLOR_MONO
				 ? tui_attr(a, FS_ROLE_LABEL)
				 : (attr_t)tui_mt_attr(a, (enum fs_mt)t) | A_BOLD, text);
	}
	const char *fill = a->color_mode == FS_COLOR_MONO
		? "u/U: under/over half in use, reversed: full"
		: a->utf8 ? "free \u00b7 \u2591 \u2592 \u2593 \u2588 full" : NULL;
	char ascii[48];
	if (!fill) {
		const char *c = a->theme.pageblock_chars;
		snprintf(ascii, sizeof(ascii), "free %.5s full", c);
		fill = ascii;
	}
	tui_put(a, y, x + 1, end - x - 1, tui_attr(a, FS_ROLE_INFO), fill);
}

int tui_pageblock_cell_rows(const struct tui_rect *r)
{
	/* the title, then cells, then the legend where there are 4 rows or more */
	return r->h >= 4 ? r->h - 2 : r->h - 1;
}

void tui_draw_pageblocks(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.pane[TUI_PANE_PAGEBLOCKS];
	if (r->h == 0)
		return;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_NORMAL));
	const struct fs_zone *z = tui_current_zone(a);
	const struct tui_pbmap *m = &a->pbmap;
	char title[200], left_out[64] = "";
	if (m->reserved_blocks)
		snprintf(left_out, sizeof(left_out), " (%" PRIu64 " all reserved left out)",
			 m->reserved_blocks);
	if (m->valid && m->per_cell > 1)
		snprintf(title, sizeof(title), " pageblocks, %s: %" PRIu64 "%s; a cell = %" PRIu64
			 ", its majority type ", z ? z->name : "?", m->nr_pageblocks, left_out,
			 m->per_cell);
	else
		snprintf(title, sizeof(title), " pageblocks, %s: %" PRIu64 "%s, a cell each ",
			 z ? z->name : "?", m->nr_pageblocks, left_out);
	tui_draw_title(a, r, title);
	const char *why = NULL;
	if (!a->engine)
		why = "the pageblock map is the engine's: f forks this frame into it";
	else if (a->frame_index + 1 != fs_source_count(a->src))
		why = "the map is the engine's state now, the newest frame: End shows it";
	else if (!m->valid)
		why = "this zone is not in the engine";
	if (why) {
		tui_put(a, r->y + 1, r->x + 1, r->w - 1, tui_attr(a, FS_ROLE_INFO), why);
		return;
	}
	int rows = tui_pageblock_cell_rows(r);
	size_t per_row = (size_t)r->w;
	for (int row = 0; row < rows; row++) {
		size_t from = (size_t)row * per_row;
		if (from >= m->nr_cells)
			break;
		size_t to = from + per_row < m->nr_cells ? from + per_row : m->nr_cells;
		put_cells(a, r->y + 1 + row, r->x, from, to);
	}
	if (r->h >= 4)
		draw_legend(a, r, r->y + r->h - 1);
}
