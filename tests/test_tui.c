/*
 * test_tui.c - the interactive view's parts that do not draw: layout
 * arithmetic, the key state machine (with gfp completion), the trend
 * history and sparklines, heatmap cell text and the request overlay.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fragscope/input.h"
#include "fragscope/theme.h"
#include "fragscope/tui_pbmap.h"
#include "fragscope/engine.h"
#include "fragscope/tui_heat.h"
#include "fragscope/tui_keys.h"
#include "fragscope/tui_layout.h"
#include "fragscope/tui_trend.h"
#include "fragscope/verdict.h"
#include "testutil.h"

/* ---- layout ---- */

static struct tui_layout layout_for(int cols, int rows, int nr_rows, int nr_orders, bool timeline)
{
	struct tui_layout_input in = { cols, rows, nr_rows, nr_orders, timeline, TUI_PANE_VERDICT,
				       false, 0 };
	struct tui_layout l;
	tui_layout_compute(&in, &l);
	return l;
}

static bool overlaps(const struct tui_rect *a, const struct tui_rect *b)
{
	if (!a->h || !b->h)
		return false;
	return a->y < b->y + b->h && b->y < a->y + a->h && a->x < b->x + b->w && b->x < a->x + a->w;
}

static void assert_inside(const struct tui_rect *r, int cols, int rows)
{
	if (!r->h)
		return;
	cr_assert(r->y >= 0 && r->x >= 0 && r->y + r->h <= rows && r->x + r->w <= cols,
		  "rect %d,%d %dx%d outside %dx%d", r->y, r->x, r->h, r->w, cols, rows);
}

static void assert_sane(const struct tui_layout *l, int cols, int rows)
{
	const struct tui_rect *all[] = {
		&l->tabs, &l->zone_header, &l->heatmap, &l->request, &l->pane_tabs,
		&l->pane[0], &l->pane[1], &l->pane[2], &l->pane[3], &l->timeline, &l->status,
	};
	size_t n = sizeof(all) / sizeof(all[0]);
	for (size_t i = 0; i < n; i++) {
		assert_inside(all[i], cols, rows);
		for (size_t j = i + 1; j < n; j++)
			cr_assert(!overlaps(all[i], all[j]), "rects %zu and %zu overlap at %dx%d", i,
				  j, cols, rows);
	}
}

Test(layout, eighty_by_twentyfour_shows_what_matters)
{
	/* 6 migratetype rows, 11 orders (x86_64), replay timeline */
	struct tui_layout l = layout_for(80, 24, 6, 11, true);
	cr_assert(!l.tiny);
	cr_assert(!l.wide);
	/* label 13 + 11 orders x 6 = 79 <= 80: every order at 6 columns */
	cr_assert_eq(l.label_width, 13);
	cr_assert_eq(l.cell_width, 6);
	cr_assert_eq(l.orders_shown, 11);
	cr_assert_eq(l.pageblock_width, 0);   /* 80 - 79 = 1 column to spare */
	cr_assert_eq(l.status.y, 23);
	cr_assert_eq(l.timeline.y, 22);
	cr_assert_eq(l.tabs.y, 0);
	cr_assert_eq(l.zone_header.y, 1);
	/* heatmap: header + 6 rows + Total = 8 rows from row 2 */
	cr_assert_eq(l.heatmap.y, 2);
	cr_assert_eq(l.heatmap.h, 8);
	cr_assert_eq(l.request.y, 10);
	/* 11 rows left (11..21): too few for three panes, so they share one */
	cr_assert(l.shared_pane);
	cr_assert_eq(l.pane_tabs.y, 11);
	cr_assert_eq(l.pane[TUI_PANE_VERDICT].y, 12);
	cr_assert_eq(l.pane[TUI_PANE_VERDICT].h, 10);
	cr_assert_eq(l.pane[TUI_PANE_EVENTS].h, 0);
	assert_sane(&l, 80, 24);
}

Test(layout, wide_terminal_puts_panels_beside)
{
	struct tui_layout l = layout_for(200, 60, 6, 11, true);
	cr_assert(l.wide);
	cr_assert_eq(l.cell_width, 8);
	/* heatmap 13 + 88 = 101 columns and the pageblocks column (10), since
	 * 200 - 101 - 1 - 44 = 54 columns are to spare; side panel from 112 */
	cr_assert_eq(l.pageblock_width, 10);
	cr_assert_eq(l.heatmap.w, 111);
	cr_assert_eq(l.pane[TUI_PANE_VERDICT].x, 112);
	cr_assert_eq(l.pane[TUI_PANE_VERDICT].w, 88);
	cr_assert(l.pane[TUI_PANE_EVENTS].h >= 4);
	cr_assert(l.pane[TUI_PANE_TRENDS].h > 0);
	cr_assert_eq(l.pane[TUI_PANE_TRENDS].x, 0);
	assert_sane(&l, 200, 60);
}

Test(layout, sixty_four_k_pages_fit_fourteen_orders)
{
	/* arm64 64K pages: 14 orders; at 80 columns, label 13 + 14 x 5 = 83 > 80:
	 * the label shrinks to 8 and cells are 5 wide: 8 + 70 = 78 */
	struct tui_layout l = layout_for(80, 24, 6, 14, false);
	cr_assert_eq(l.label_width, 8);
	cr_assert_eq(l.cell_width, 5);
	cr_assert_eq(l.orders_shown, 14);
	assert_sane(&l, 80, 24);
}

Test(layout, narrow_terminal_shows_fewer_orders)
{
	struct tui_layout l = layout_for(50, 24, 6, 11, false);
	/* (50 - 8) / 5 = 8 orders of 11 */
	cr_assert_eq(l.orders_shown, 8);
	assert_sane(&l, 50, 24);
}

Test(layout, tiny_degrades_without_breaking)
{
	for (int cols = 1; cols < 45; cols += 3)
		for (int rows = 1; rows < 14; rows++) {
			struct tui_layout l = layout_for(cols, rows, 7, 11, true);
			assert_sane(&l, cols, rows);
		}
	struct tui_layout l = layout_for(39, 9, 6, 11, true);
	cr_assert(l.tiny);
	cr_assert_eq(l.pane[TUI_PANE_VERDICT].h, 0);
	cr_assert_eq(l.status.y, 8);
	struct tui_layout z = layout_for(0, 0, 6, 11, true);
	cr_assert_eq(z.status.h, 0);
}

Test(layout, every_size_is_sane)
{
	for (int cols = 40; cols <= 260; cols += 7)
		for (int rows = 10; rows <= 80; rows += 5)
			for (int mts = 0; mts <= 7; mts += 7) {
				struct tui_layout l = layout_for(cols, rows, mts, 11, rows % 2);
				assert_sane(&l, cols, rows);
			}
}

Test(layout, hit_testing)
{
	struct tui_layout l = layout_for(80, 24, 6, 11, true);
	cr_assert_eq(tui_layout_hit(&l, 0, 5), TUI_HIT_TABS);
	cr_assert_eq(tui_layout_hit(&l, 23, 5), TUI_HIT_STATUS);
	cr_assert_eq(tui_layout_hit(&l, 22, 5), TUI_HIT_TIMELINE);
	cr_assert_eq(tui_layout_hit(&l, 12, 5), TUI_HIT_VERDICT);
	int row, order;
	/* row 3 is the first migratetype row; x 13 + 2*6 = 25 is order 2 */
	cr_assert(tui_layout_heatmap_cell(&l, 6, 3, 25, &row, &order));
	cr_assert_eq(row, 0);
	cr_assert_eq(order, 2);
	cr_assert(tui_layout_heatmap_cell(&l, 6, 9, 78, &row, &order));
	cr_assert_eq(row, 6);   /* the Total row */
	cr_assert_eq(order, 10);
	cr_assert(!tui_layout_heatmap_cell(&l, 6, 3, 5, &row, &order));  /* the label */
}

/* ---- keys ---- */

static struct tui_action feed(struct tui_keys *k, int key)
{
	return tui_keys_feed(k, key);
}

static void type(struct tui_keys *k, const char *s)
{
	for (; *s; s++)
		feed(k, (unsigned char)*s);
}

Test(keys, normal_mode_bindings)
{
	struct tui_keys k;
	tui_keys_init(&k, false);
	cr_assert_eq(feed(&k, 'q').kind, TUI_ACT_QUIT);
	cr_assert_eq(feed(&k, TUI_KEY_F10).kind, TUI_ACT_QUIT);
	struct tui_action a = feed(&k, TUI_KEY_RIGHT);
	cr_assert_eq(a.kind, TUI_ACT_ORDER);
	cr_assert_eq(a.arg, 1);
	a = feed(&k, 'k');
	cr_assert_eq(a.kind, TUI_ACT_ROW);
	cr_assert_eq(a.arg, -1);
	a = feed(&k, TUI_KEY_TAB);
	cr_assert_eq(a.kind, TUI_ACT_ZONE);
	cr_assert_eq(a.arg, 1);
	cr_assert_eq(feed(&k, TUI_KEY_BTAB).arg, -1);
	cr_assert_eq(feed(&k, 'm').kind, TUI_ACT_CELL_MODE);
	cr_assert_eq(feed(&k, TUI_KEY_ENTER).kind, TUI_ACT_REQUEST_ORDER);
	a = feed(&k, 'g');
	cr_assert_eq(a.kind, TUI_ACT_ENTRY_BEGIN);
	cr_assert_eq(a.arg, TUI_FIELD_GFP);
	/* live: replay keys do nothing */
	cr_assert_eq(feed(&k, ' ').kind, TUI_ACT_NONE);
	cr_assert_eq(feed(&k, 'n').kind, TUI_ACT_NONE);
}

Test(keys, replay_bindings)
{
	struct tui_keys k;
	tui_keys_init(&k, true);
	cr_assert_eq(feed(&k, ' ').kind, TUI_ACT_PLAY);
	struct tui_action a = feed(&k, ']');
	cr_assert_eq(a.kind, TUI_ACT_STEP);
	cr_assert_eq(a.arg, 10);
	cr_assert_eq(feed(&k, ',').arg, -1);
	cr_assert_eq(feed(&k, 'n').arg, 1);
	cr_assert_eq(feed(&k, 'p').arg, -1);
	cr_assert_eq(feed(&k, TUI_KEY_END).kind, TUI_ACT_SEEK_LAST);
	cr_assert_eq(feed(&k, '>').arg, 1);
	a = feed(&k, ':');
	cr_assert_eq(a.kind, TUI_ACT_ENTRY_BEGIN);
	cr_assert_eq(a.arg, TUI_FIELD_SEEK);
}

Test(keys, help_opens_and_any_key_closes)
{
	struct tui_keys k;
	tui_keys_init(&k, false);
	cr_assert_eq(feed(&k, '?').kind, TUI_ACT_HELP);
	cr_assert_eq(k.mode, TUI_MODE_HELP);
	cr_assert_eq(feed(&k, 'x').kind, TUI_ACT_HELP);
	cr_assert_eq(k.mode, TUI_MODE_NORMAL);
	feed(&k, TUI_KEY_F1);
	cr_assert_eq(k.mode, TUI_MODE_HELP);
	cr_assert_eq(feed(&k, TUI_KEY_RESIZE).kind, TUI_ACT_REDRAW);
	cr_assert_eq(k.mode, TUI_MODE_HELP);   /* a resize does not close it */
	cr_assert_eq(feed(&k, 'q').kind, TUI_ACT_QUIT);
}

Test(keys, events_mode)
{
	struct tui_keys k;
	tui_keys_init(&k, true);
	struct tui_action a = feed(&k, 'e');
	cr_assert_eq(a.kind, TUI_ACT_PANE);
	cr_assert_eq(a.arg, TUI_PANE_EVENTS);
	cr_assert_eq(k.mode, TUI_MODE_EVENTS);
	a = feed(&k, 'j');
	cr_assert_eq(a.kind, TUI_ACT_EVENT_MOVE);
	cr_assert_eq(a.arg, 1);
	cr_assert_eq(feed(&k, TUI_KEY_PGUP).arg, -10);
	cr_assert_eq(feed(&k, TUI_KEY_ENTER).kind, TUI_ACT_EVENT_OPEN);
	k.event_open = true;
	cr_assert_eq(feed(&k, TUI_KEY_ESC).kind, TUI_ACT_EVENT_CLOSE);
	k.event_open = false;
	cr_assert_eq(feed(&k, TUI_KEY_ESC).kind, TUI_ACT_REDRAW);
	cr_assert_eq(k.mode, TUI_MODE_NORMAL);
	/* space still plays from the event list */
	feed(&k, 'e');
	cr_assert_eq(feed(&k, ' ').kind, TUI_ACT_PLAY);
}

Test(keys, entry_editing)
{
	struct tui_keys k;
	tui_keys_init(&k, false);
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "GFP_KERNEL");
	cr_assert_eq(k.mode, TUI_MODE_ENTRY);
	cr_assert_eq(k.cursor, 10);
	type(&k, "|__GFP_NOWARN");
	cr_assert_str_eq(k.entry, "GFP_KERNEL|__GFP_NOWARN");
	for (int i = 0; i < 13; i++)
		feed(&k, TUI_KEY_LEFT);
	feed(&k, TUI_KEY_BACKSPACE);   /* the L of KERNEL */
	cr_assert_str_eq(k.entry, "GFP_KERNE|__GFP_NOWARN");
	type(&k, "L");
	feed(&k, TUI_KEY_HOME);
	feed(&k, TUI_KEY_DELETE);
	cr_assert_str_eq(k.entry, "FP_KERNEL|__GFP_NOWARN");
	feed(&k, TUI_KEY_CTRL_U);
	cr_assert_str_eq(k.entry, "");
	type(&k, "0x484020");
	struct tui_action a = feed(&k, TUI_KEY_ENTER);
	cr_assert_eq(a.kind, TUI_ACT_ENTRY_APPLY);
	cr_assert_eq(a.arg, TUI_FIELD_GFP);
	cr_assert_str_eq(k.entry, "0x484020");
	cr_assert_eq(k.mode, TUI_MODE_NORMAL);
	/* escape cancels and returns to where entry began */
	feed(&k, 'e');
	tui_keys_begin_entry(&k, TUI_FIELD_ORDER, "3");
	cr_assert_eq(feed(&k, TUI_KEY_ESC).kind, TUI_ACT_ENTRY_CANCEL);
	cr_assert_eq(k.mode, TUI_MODE_EVENTS);
	/* q is text while typing */
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "");
	cr_assert_eq(feed(&k, 'q').kind, TUI_ACT_ENTRY_CHANGED);
	cr_assert_str_eq(k.entry, "q");
}

Test(keys, entry_is_bounded)
{
	struct tui_keys k;
	tui_keys_init(&k, false);
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "");
	for (int i = 0; i < 1000; i++)
		feed(&k, 'A');
	cr_assert_eq(k.entry_len, TUI_ENTRY_MAX - 1);
	cr_assert_eq(strlen(k.entry), TUI_ENTRY_MAX - 1);
	feed(&k, 0x20000);   /* an unknown key code: ignored */
	cr_assert_eq(k.entry_len, TUI_ENTRY_MAX - 1);
}

static const char *const names[] = {
	"GFP_KERNEL", "GFP_KERNEL_ACCOUNT", "GFP_HIGHUSER", "GFP_HIGHUSER_MOVABLE", "GFP_ATOMIC",
	"__GFP_NOWARN", "__GFP_NORETRY", "__GFP_COMP",
};

static void with_names(struct tui_keys *k)
{
	k->completion.names = names;
	k->completion.nr_names = sizeof(names) / sizeof(names[0]);
}

Test(keys, completion)
{
	struct tui_keys k;
	tui_keys_init(&k, false);
	with_names(&k);
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "GFP_ATO");
	cr_assert_eq(tui_keys_complete(&k), 1);
	cr_assert_str_eq(k.entry, "GFP_ATOMIC");
	cr_assert_eq(k.cursor, 10);
	/* several: extended to the common prefix, candidates listed */
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "GFP_HIGHUS");
	cr_assert_eq(tui_keys_complete(&k), 2);
	cr_assert_str_eq(k.entry, "GFP_HIGHUSER");
	cr_assert_str_eq(k.hint, "GFP_HIGHUSER GFP_HIGHUSER_MOVABLE");
	/* after a '|', case-insensitive, leading underscores optional */
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "GFP_KERNEL|gfp_now");
	cr_assert_eq(tui_keys_complete(&k), 1);
	cr_assert_str_eq(k.entry, "GFP_KERNEL|__GFP_NOWARN");
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "GFP_KERNEL| __GFP_NOR");
	cr_assert_eq(tui_keys_complete(&k), 1);
	cr_assert_str_eq(k.entry, "GFP_KERNEL| __GFP_NORETRY");
	/* none */
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "GFP_BOGUS");
	cr_assert_eq(tui_keys_complete(&k), 0);
	cr_assert_str_eq(k.entry, "GFP_BOGUS");
	cr_assert(strstr(k.hint, "GFP_BOGUS") != NULL);
	/* Tab in the entry completes; text after the cursor is kept */
	tui_keys_begin_entry(&k, TUI_FIELD_GFP, "GFP_ATO|__GFP_COMP");
	k.cursor = 7;
	cr_assert_eq(feed(&k, TUI_KEY_TAB).kind, TUI_ACT_ENTRY_CHANGED);
	cr_assert_str_eq(k.entry, "GFP_ATOMIC|__GFP_COMP");
	cr_assert_eq(k.cursor, 10);
}

/* ---- trends ---- */

static struct fs_snapshot *snapshot_with(uint64_t movable_o3, uint64_t free_pages,
					 int64_t compact_stall)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_zone *z = fs_snapshot_zone(s, 0, "Normal", 6, true);
	z->mt_rows = 1u << FS_MT_MOVABLE;
	z->mt_blocks[FS_MT_MOVABLE][3] = fs_count_exact(movable_o3);
	z->mt_blocks[FS_MT_MOVABLE][5] = fs_count_exact(2);
	z->free_pages = free_pages;
	z->wmark_min = 100;
	z->wmark_low = 125;
	z->wmark_high = 150;
	if (compact_stall >= 0)
		fs_stats_set(&s->vmstat, "compact_stall", compact_stall);
	fs_stats_set(&s->vmstat, "allocstall_normal", 4);
	fs_stats_set(&s->vmstat, "allocstall_movable", 3);
	return s;
}

Test(trend, series_and_deltas)
{
	struct tui_trend t;
	tui_trend_init(&t);
	cr_assert_not_null(t.points);
	for (size_t i = 0; i < 5; i++) {
		struct fs_snapshot *s = snapshot_with(10 * i, 1000 + i, (int64_t)(i * i));
		tui_trend_add(&t, i, (double)i, s);
		fs_snapshot_free(s);
	}
	cr_assert_eq(tui_trend_count(&t), 5);
	cr_assert(tui_trend_has(&t, 4));
	double v[8];
	/* blocks >= order 3 of Movable: 10*i at order 3 + 2 at order 5 */
	size_t n = tui_trend_blocks_ge(&t, 0, FS_MT_MOVABLE, 3, v, 8);
	cr_assert_eq(n, 5);
	cr_assert_float_eq(v[0], 2, 1e-9);
	cr_assert_float_eq(v[4], 42, 1e-9);
	/* >= order 4: only the 2 blocks of order 5 */
	tui_trend_blocks_ge(&t, 0, FS_MT_MOVABLE, 4, v, 8);
	cr_assert_float_eq(v[3], 2, 1e-9);
	n = tui_trend_free_pages(&t, 0, v, 3);   /* the newest 3 */
	cr_assert_eq(n, 3);
	cr_assert_float_eq(v[0], 1002, 1e-9);
	/* compact_stall i*i: deltas 0 (first), 1, 3, 5, 7 */
	n = tui_trend_counter_delta(&t, TUI_CTR_COMPACT_STALL, v, 8);
	cr_assert_eq(n, 5);
	cr_assert_float_eq(v[0], 0, 1e-9);
	cr_assert_float_eq(v[2], 3, 1e-9);
	cr_assert_float_eq(v[4], 7, 1e-9);
	/* allocstall is the sum of allocstall_* (4.10+): 4 + 3 */
	cr_assert_eq(tui_trend_at(&t, 0)->counter[TUI_CTR_ALLOCSTALL], 7);
	/* a frame before the newest (a replay seeking back) starts over */
	struct fs_snapshot *s = snapshot_with(1, 1, 1);
	tui_trend_add(&t, 2, 2.0, s);
	fs_snapshot_free(s);
	cr_assert_eq(tui_trend_count(&t), 1);
	tui_trend_free(&t);
}

Test(trend, ring_is_bounded)
{
	struct tui_trend t;
	tui_trend_init(&t);
	struct fs_snapshot *s = snapshot_with(1, 500, -1);
	for (size_t i = 0; i < TUI_TREND_POINTS + 100; i++)
		tui_trend_add(&t, i, (double)i, s);
	fs_snapshot_free(s);
	cr_assert_eq(tui_trend_count(&t), TUI_TREND_POINTS);
	cr_assert_eq(tui_trend_at(&t, 0)->frame, 100);
	cr_assert_eq(tui_trend_at(&t, TUI_TREND_POINTS - 1)->frame, TUI_TREND_POINTS + 99);
	cr_assert_eq(tui_trend_at(&t, 0)->counter[TUI_CTR_COMPACT_STALL], -1);
	cr_assert_null(tui_trend_at(&t, TUI_TREND_POINTS));
	tui_trend_free(&t);
}

Test(trend, sparklines)
{
	double v[] = { 0, 1, 4, 8 };
	char out[64];
	/* levels: 0 -> 0, 1/8*7 = 0.875 -> 1, 4/8*7 = 3.5 -> 4, 8 -> 7 */
	cr_assert_eq(tui_sparkline(v, 4, 0, false, out, sizeof(out)), 4);
	cr_assert_str_eq(out, "_.+@");
	cr_assert_eq(tui_sparkline(v, 4, 0, true, out, sizeof(out)), 4);
	cr_assert_str_eq(out, "\u2581\u2582\u2585\u2588");
	/* a fixed max: 8 of 16 is 3.5 -> 4 */
	tui_sparkline(v + 3, 1, 16, false, out, sizeof(out));
	cr_assert_str_eq(out, "+");
	/* min..max: 180 -> 0 (the floor), 184 -> 4/8*7 = 3.5 -> 4, 188 -> 7 */
	double moving[] = { 180, 184, 188 };
	tui_sparkline(moving, 3, 0, false, out, sizeof(out));
	cr_assert_str_eq(out, "_+@");
	/* flat and non-zero: mid height, level 3 */
	double flat[] = { 5, 5 };
	tui_sparkline(flat, 2, 0, false, out, sizeof(out));
	cr_assert_str_eq(out, "==");
	/* all zero: flat */
	double z[3] = { 0, 0, 0 };
	tui_sparkline(z, 3, 0, false, out, sizeof(out));
	cr_assert_str_eq(out, "___");
	/* the buffer bounds it: 2 UTF-8 glyphs of 3 bytes fit in 7 */
	cr_assert_eq(tui_sparkline(v, 4, 0, true, out, 7), 2);
	cr_assert_eq(strlen(out), 6);
}

/* ---- heatmap cells ---- */

static void fmt(struct fs_count c, uint64_t mult, uint64_t share, int width, const char *want)
{
	char out[32];
	tui_format_count(c, mult, share, width, out, sizeof(out));
	cr_assert_str_eq(out, want, "width %d: got \"%s\", want \"%s\"", width, out, want);
}

Test(heat, count_text)
{
	fmt(fs_count_exact(0), 1, 0, 4, ".");
	fmt(fs_count_exact(1234), 1, 0, 4, "1234");
	fmt(fs_count_exact(12345), 1, 0, 4, "12k");
	fmt(fs_count_exact(4060), 1, 0, 3, "4k");
	fmt(fs_count_exact(3456789), 1, 0, 4, "3.5M");
	fmt(fs_count_exact(3456789), 1, 0, 3, "3M");
	/* pages: 47 blocks of order 3 are 376 pages */
	fmt(fs_count_exact(47), 8, 0, 4, "376");
	struct fs_count capped = { 100000, FS_COUNT_CAPPED };
	fmt(capped, 1, 0, 6, "100k+");
	struct fs_count nonempty = { 1, FS_COUNT_NONEMPTY }, empty = { 0, FS_COUNT_EMPTY_KNOWN },
			unknown = { 0, FS_COUNT_NONE };
	fmt(nonempty, 1, 0, 4, "+");
	fmt(empty, 1, 0, 4, "-");
	fmt(unknown, 1, 0, 4, "?");
	/* share: 75 blocks of order 10 = 76800 pages of 90529 = 84.8% */
	fmt(fs_count_exact(75), 1024, 90529, 4, "85%");
	/* 3 pages of 90529 = 0.0033% -> shown as 0.0% would lie: at least 1% when cut */
	fmt(fs_count_exact(3), 1, 90529, 4, "0.0%");
	fmt(fs_count_exact(3), 1, 90529, 3, "1%");
	char out[16];
	tui_format_bytes(90529, 4096, out, sizeof(out));
	cr_assert_str_eq(out, "354M");   /* 90529 * 4 KiB = 362116 KiB = 353.6 MiB */
	tui_format_bytes(6291456, 4096, out, sizeof(out));
	cr_assert_str_eq(out, "24G");
}

Test(heat, cell_value)
{
	cr_assert_eq(tui_cell_value(fs_count_exact(5), 3, TUI_CELL_BLOCKS), 5);
	cr_assert_eq(tui_cell_value(fs_count_exact(5), 3, TUI_CELL_PAGES), 40);
	struct fs_count nonempty = { 0, FS_COUNT_NONEMPTY };
	cr_assert_eq(tui_cell_value(nonempty, 0, TUI_CELL_BLOCKS), 1);
	struct fs_count unknown = { 7, FS_COUNT_NONE };
	cr_assert_eq(tui_cell_value(unknown, 0, TUI_CELL_BLOCKS), 0);
}

/* The Android 4.19 report: order 3 GFP_ATOMIC|__GFP_COMP on a zone whose
 * free memory is mostly CMA. */
static struct fs_frame_list load_android(void)
{
	struct fs_frame_list frames = { 0 };
	struct fs_diags d = { 0 };
	const char *path = FS_FIXTURES "/samples/android-4.19-arm64-wifi-order3-atomic-cma.log";
	cr_assert_eq(fs_input_load(&path, 1, &frames, &d), 0);
	fs_diags_clear(&d);
	cr_assert_eq(frames.count, 1);
	return frames;
}

Test(heat, overlay_of_an_atomic_request)
{
	struct fs_frame_list frames = load_android();
	/* The loader moves a report's printed state into its frame; lend it back
	 * as the view does when it opens the event. */
	struct fs_report *r = &frames.items[0].events.items[0];
	cr_assert_null(r->snapshot);
	r->snapshot = frames.items[0].snapshot;
	cr_assert_not_null(r->snapshot);
	struct fs_explanation e;
	fs_explanation_init(&e);
	fs_explain_report(r, NULL, NULL, &e);
	const struct fs_zone *z = NULL;
	for (size_t i = 0; i < r->snapshot->nr_zones; i++)
		if (strcmp(r->snapshot->zones[i].name, "DMA32") == 0)
			z = &r->snapshot->zones[i];
	cr_assert_not_null(z);
	struct tui_overlay o;
	tui_overlay_compute(&e.verdict, r->snapshot, z, &o);
	cr_assert(o.active);
	cr_assert(o.zone_allowed);
	cr_assert_eq(o.order, 3);
	/* GFP_ATOMIC is Unmovable: its own list and its fallbacks (Reclaimable,
	 * Movable) are usable; it may not use CMA; ALLOC_HARDER gives it the
	 * HighAtomic reserve (4.19: order > 0 and ALLOC_HARDER) */
	cr_assert(o.usable_mts & (1u << FS_MT_UNMOVABLE));
	cr_assert(o.usable_mts & (1u << FS_MT_MOVABLE));
	cr_assert(o.usable_mts & (1u << FS_MT_RECLAIMABLE));
	cr_assert(o.usable_mts & (1u << FS_MT_HIGHATOMIC));
	cr_assert(o.crossed_mts & (1u << FS_MT_CMA));
	cr_assert(o.crossed_mts & (1u << FS_MT_ISOLATE));
	cr_assert(strstr(o.why_crossed, "CMA") != NULL);
	/* The verdict says it takes a HighAtomic block of order 4 (the first
	 * non-empty HighAtomic list at or above 3: "(UMH)" letters at 128kB) */
	cr_assert_eq(o.target_mt, FS_MT_HIGHATOMIC);
	cr_assert_eq(o.target_order, 4);
	cr_assert_eq(tui_overlay_mark(&o, FS_MT_HIGHATOMIC, 4), TUI_MARK_TARGET);
	cr_assert_eq(tui_overlay_mark(&o, FS_MT_UNMOVABLE, 2), TUI_MARK_DIMMED);
	cr_assert_eq(tui_overlay_mark(&o, FS_MT_UNMOVABLE, 3), TUI_MARK_USABLE);
	cr_assert_eq(tui_overlay_mark(&o, FS_MT_CMA, 5), TUI_MARK_CROSSED);
	fs_explanation_clear(&e);
	r->snapshot = NULL;
	fs_frame_list_free(&frames);
}

Test(heat, overlay_zone_beyond_the_mask)
{
	struct fs_frame_list frames = load_android();
	const struct fs_snapshot *snap = frames.items[0].snapshot;
	struct fs_verdict v;
	fs_verdict_init(&v);
	struct fs_verdict_request req;
	memset(&req, 0, sizeof(req));
	/* GFP_DMA (0x1) on 4.19: highest zone DMA, so DMA32 is out of bounds */
	req.gfp = 0x1;
	req.order = 0;
	req.node = -1;
	fs_verdict_run(snap, &req, &v);
	const struct fs_zone *z = &snap->zones[0];
	for (size_t i = 0; i < snap->nr_zones; i++)
		if (strcmp(snap->zones[i].name, "DMA32") == 0)
			z = &snap->zones[i];
	struct tui_overlay o;
	tui_overlay_compute(&v, snap, z, &o);
	cr_assert(o.active);
	cr_assert(!o.zone_allowed);
	cr_assert_eq(tui_overlay_mark(&o, FS_MT_MOVABLE, 5), TUI_MARK_CROSSED);
	cr_assert(strstr(o.why_crossed, "DMA32") != NULL);
	fs_verdict_clear(&v);
	fs_frame_list_free(&frames);
}

Test(heat, zone_visibility)
{
	struct fs_zone z;
	memset(&z, 0, sizeof(z));
	cr_assert(tui_zone_visible(&z));        /* nothing known: shown */
	z.known = FS_ZK_PRESENT | FS_ZK_MANAGED;
	cr_assert(!tui_zone_visible(&z));       /* zoneinfo's empty Movable zone */
	z.managed = 1;
	cr_assert(tui_zone_visible(&z));
}

/* ---- the engine: layout with the pageblock map, its keys, its cells, its colours ---- */

static struct tui_layout engine_layout(int cols, int rows, enum tui_pane pane, uint64_t pbs)
{
	struct tui_layout_input in = { cols, rows, 6, 11, false, pane, true, pbs };
	struct tui_layout l;
	tui_layout_compute(&in, &l);
	assert_sane(&l, cols, rows);
	return l;
}

Test(layout, the_pageblock_map_at_eighty_by_twentyfour_is_a_shared_pane)
{
	/* tabs, header, heatmap (1 + 6 + 1 rows) at 2..9, request 10, pane tabs
	 * 11, the pane 12..22, status 23: the map takes its turn (b) */
	struct tui_layout l = engine_layout(80, 24, TUI_PANE_VERDICT, 320);
	cr_assert(l.shared_pane && l.pageblocks);
	cr_assert_eq(tui_layout_nr_pane_tabs(&l), 4);
	cr_assert_eq(l.pane[TUI_PANE_PAGEBLOCKS].h, 0);
	l = engine_layout(80, 24, TUI_PANE_PAGEBLOCKS, 320);
	cr_assert_eq(l.pane[TUI_PANE_PAGEBLOCKS].y, 12);
	cr_assert_eq(l.pane[TUI_PANE_PAGEBLOCKS].h, 11);
	cr_assert_eq(l.pane[TUI_PANE_PAGEBLOCKS].w, 80);
	cr_assert_eq(l.pane[TUI_PANE_VERDICT].h, 0);
	/* not an engine: three tabs, and asking for the map shows the verdict */
	struct tui_layout_input in = { 80, 24, 6, 11, false, TUI_PANE_PAGEBLOCKS, false, 0 };
	tui_layout_compute(&in, &l);
	cr_assert_eq(tui_layout_nr_pane_tabs(&l), 3);
	cr_assert_eq(l.pane[TUI_PANE_PAGEBLOCKS].h, 0);
	cr_assert_eq(l.pane[TUI_PANE_VERDICT].h, 11);
}

Test(layout, the_pageblock_map_on_a_wide_terminal_sits_above_the_trends)
{
	/* 200x60: heatmap 13 + 11 x 8 + 10 = 111 wide at rows 2..9, request 10;
	 * under it rows 11..58 (48): the map wants 1 + ceil(320 / 111) = 4 rows */
	struct tui_layout l = engine_layout(200, 60, TUI_PANE_VERDICT, 320);
	cr_assert(l.wide);
	const struct tui_rect *m = &l.pane[TUI_PANE_PAGEBLOCKS], *t = &l.pane[TUI_PANE_TRENDS];
	cr_assert_eq(m->y, 11);
	cr_assert_eq(m->x, 0);
	cr_assert_eq(m->w, 111);
	cr_assert_eq(m->h, 4);
	cr_assert_eq(t->y, 15);
	cr_assert_eq(t->h, 48 - 4);
	/* a zone of 12288 pageblocks wants 112 rows: half of the 48 it gets */
	l = engine_layout(200, 60, TUI_PANE_VERDICT, 12288);
	cr_assert_eq(l.pane[TUI_PANE_PAGEBLOCKS].h, 24);
	cr_assert_eq(l.pane[TUI_PANE_TRENDS].h, 24);
}

Test(layout, the_pageblock_map_on_a_tall_narrow_terminal_is_stacked)
{
	/* 80x60: under the request 60 - 1 - 11 = 48 rows, enough for the four
	 * panes; the map's 1 + ceil(320 / 80) = 5 rows */
	struct tui_layout l = engine_layout(80, 60, TUI_PANE_VERDICT, 320);
	cr_assert_not(l.shared_pane);
	cr_assert_eq(l.pane[TUI_PANE_PAGEBLOCKS].h, 5);
	cr_assert(l.pane[TUI_PANE_VERDICT].h >= 9);
	for (int c = 40; c <= 300; c += 7)
		for (int r = 10; r <= 90; r += 5)
			engine_layout(c, r, (enum tui_pane)((c + r) % TUI_PANE_COUNT),
				      (uint64_t)c * (uint64_t)r);
}

Test(keys, engine_bindings)
{
	struct tui_keys k;
	tui_keys_init(&k, true);
	/* any source forks; the engine's keys only work on the engine */
	cr_assert_eq(tui_keys_feed(&k, 'f').kind, TUI_ACT_FORK);
	cr_assert_eq(tui_keys_feed(&k, 'F').kind, TUI_ACT_RETURN);
	cr_assert_eq(tui_keys_feed(&k, 'a').kind, TUI_ACT_NONE);
	cr_assert_eq(tui_keys_feed(&k, ' ').kind, TUI_ACT_PLAY);
	struct tui_action b = tui_keys_feed(&k, 'b');
	cr_assert_eq(b.kind, TUI_ACT_PANE);
	cr_assert_eq(b.arg, TUI_PANE_PAGEBLOCKS);
	tui_keys_init(&k, false);
	k.engine = true;
	static const struct { int key; int arg; } eng[] = {
		{ 'a', TUI_ENG_ALLOC }, { 'x', TUI_ENG_FREE_RANDOM }, { 'c', TUI_ENG_COMPACT },
		{ 'r', TUI_ENG_RECLAIM }, { ' ', TUI_ENG_RUN }, { '.', TUI_ENG_STEP },
	};
	for (size_t i = 0; i < sizeof(eng) / sizeof(eng[0]); i++) {
		struct tui_action a = tui_keys_feed(&k, eng[i].key);
		cr_assert_eq(a.kind, TUI_ACT_ENGINE, "key %c", eng[i].key);
		cr_assert_eq(a.arg, eng[i].arg, "key %c", eng[i].key);
	}
	cr_assert_eq(tui_keys_feed(&k, '>').kind, TUI_ACT_SPEED);
	cr_assert(strstr(tui_keys_hints(&k), "a alloc  x free  c compact  r reclaim"));
	k.forked = true;
	cr_assert(strstr(tui_keys_hints(&k), "F back"));
	/* an engine whose workload ended is replayed: Space plays its frames */
	k.replay = true;
	cr_assert_eq(tui_keys_feed(&k, ' ').kind, TUI_ACT_PLAY);
	cr_assert_eq(tui_keys_feed(&k, 'a').kind, TUI_ACT_NONE);
}

Test(pbmap, fill_levels)
{
	/* 0 in use; under a third; under two thirds; more; all */
	cr_assert_eq(tui_pb_level(0, 512), 0);
	cr_assert_eq(tui_pb_level(1, 512), 1);
	cr_assert_eq(tui_pb_level(170, 512), 1);    /* 170 * 3 / 512 = 0 */
	cr_assert_eq(tui_pb_level(171, 512), 2);    /* 513 / 512 = 1 */
	cr_assert_eq(tui_pb_level(342, 512), 3);    /* 1026 / 512 = 2 */
	cr_assert_eq(tui_pb_level(511, 512), 3);
	cr_assert_eq(tui_pb_level(512, 512), 4);
	cr_assert_eq(tui_pb_level(0, 0), 0);
}

static void alloc_n(struct fs_engine *e, const char *gfp, int order, int n, int kind)
{
	uint64_t mask;
	char unknown[64];
	cr_assert(fs_gfp_parse(fs_engine_profile(e), fs_engine_config(e), gfp, &mask, unknown,
			       sizeof(unknown)));
	for (int i = 0; i < n; i++) {
		struct fs_alloc_request req = { mask, order, -1, kind, { 0 }, false };
		struct fs_alloc_result r;
		fs_alloc_result_init(&r);
		cr_assert(fs_engine_alloc(e, &req, &r), "%s", r.reason);
		fs_alloc_result_clear(&r);
	}
}

Test(pbmap, cells_by_majority_type_and_fill)
{
	struct fs_engine *e = small_engine();
	cr_assert_eq(tui_pbmap_zone(e, 0, "Normal"), 0);
	cr_assert_eq(tui_pbmap_zone(e, 0, "DMA32"), -1);
	struct tui_pbmap m;
	memset(&m, 0, sizeof(m));
	/* one order-10 GFP_KERNEL: it steals a Movable order-10 block, its 2
	 * pageblocks become Unmovable; 1024 pages, all in use */
	alloc_n(e, "GFP_KERNEL", 10, 1, -1);
	/* then 300 pages of anon: Movable pageblock 2 (the next free one), 300
	 * of 512 in use: 900 / 512 = 1, level 2 */
	alloc_n(e, "GFP_HIGHUSER_MOVABLE", 0, 300, -1);
	tui_pbmap_compute(&m, e, 0, 100);
	cr_assert(m.valid);
	cr_assert_eq(m.nr_pageblocks, 64);
	cr_assert_eq(m.reserved_blocks, 0);
	cr_assert_eq(m.per_cell, 1);
	cr_assert_eq(m.nr_cells, 64);
	cr_assert_eq(m.mt_blocks[FS_MT_UNMOVABLE], 2);
	cr_assert_eq(m.mt_blocks[FS_MT_MOVABLE], 62);
	cr_assert_eq(m.cells[0].mt, FS_MT_UNMOVABLE);
	cr_assert_eq(m.cells[0].level, 4);
	cr_assert_eq(m.cells[1].mt, FS_MT_UNMOVABLE);
	cr_assert_eq(m.cells[1].level, 4);
	cr_assert_eq(m.cells[2].mt, FS_MT_MOVABLE);
	cr_assert_eq(m.cells[2].level, 2);
	cr_assert_eq(m.cells[3].level, 0);
	/* 16 cells for 64 pageblocks: 4 a cell. Cell 0 holds 2 Unmovable and 2
	 * Movable: a tie, the type listed first (Unmovable) wins; 1024 + 300 of
	 * 2048 pages in use: 3972 / 2048 = 1, level 2 */
	tui_pbmap_compute(&m, e, 0, 16);
	cr_assert_eq(m.per_cell, 4);
	cr_assert_eq(m.nr_cells, 16);
	cr_assert_eq(m.cells[0].mt, FS_MT_UNMOVABLE);
	cr_assert_eq(m.cells[0].level, 2);
	cr_assert_eq(m.cells[1].mt, FS_MT_MOVABLE);
	cr_assert_eq(m.cells[1].level, 0);
	/* 10 cells: ceil(64 / 10) = 7 a cell, ceil(64 / 7) = 10 cells */
	tui_pbmap_compute(&m, e, 0, 10);
	cr_assert_eq(m.per_cell, 7);
	cr_assert_eq(m.nr_cells, 10);
	tui_pbmap_compute(&m, e, 3, 10);
	cr_assert_not(m.valid);
	tui_pbmap_free(&m);
	fs_engine_free(e);
}

Test(theme, pageblock_styles_and_chars)
{
	struct fs_theme t;
	fs_theme_builtin(&t);
	cr_assert_str_eq(t.pageblock_chars, ".-+*#");
	/* the 256-colour map: Unmovable 203 on 52 */
	cr_assert_eq(t.variant[FS_COLOR_256].pageblock[FS_MT_UNMOVABLE].fg, 203);
	cr_assert_eq(t.variant[FS_COLOR_256].pageblock[FS_MT_UNMOVABLE].bg, 52);
	/* themes/default.yaml says the same as the built-in */
	struct fs_theme file;
	struct fs_diags d = { 0 };
	cr_assert_eq(fs_theme_load_file(&file, FS_SRCDIR "/themes/default.yaml", &d), 0);
	cr_assert_eq(d.count, 0, "%s", d.count ? d.items[0].message : "");
	cr_assert_str_eq(file.pageblock_chars, t.pageblock_chars);
	for (int v = 0; v < 3; v++)
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			const struct fs_style *a = &file.variant[v].pageblock[mt];
			const struct fs_style *b = &t.variant[v].pageblock[mt];
			cr_assert(a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs,
				  "variant %d %s", v, fs_mt_name(mt));
		}
	/* a theme may change them; a bad value is a warning naming the line */
	static const char text[] =
		"name: x\n"
		"pageblock_chars: \"abcde\"\n"
		"colors8:\n"
		"  pageblocks:\n"
		"    Movable: { fg: blue }\n"
		"    Bogus: { fg: red }\n";
	cr_assert_eq(fs_theme_load_text(&file, text, strlen(text), "x.yaml", &d), 0);
	cr_assert_str_eq(file.pageblock_chars, "abcde");
	cr_assert_eq(file.variant[FS_COLOR_8].pageblock[FS_MT_MOVABLE].fg, 4);
	cr_assert_eq(d.count, 1);
	cr_assert_eq(d.items[0].line, 6);
	cr_assert(strstr(d.items[0].message, "colors8.pageblocks: unknown migratetype \"Bogus\""),
		  "%s", d.items[0].message);
	fs_diags_clear(&d);
	static const char bad[] = "name: y\npageblock_chars: \"ab\"\n";
	cr_assert_eq(fs_theme_load_text(&file, bad, strlen(bad), "y.yaml", &d), 0);
	cr_assert_str_eq(file.pageblock_chars, ".-+*#");
	cr_assert(strstr(d.items[0].message, "pageblock_chars: expected 5 printable ASCII"));
	fs_diags_clear(&d);
}
