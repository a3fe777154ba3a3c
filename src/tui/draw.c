/*
 * draw.c - the screen's chrome: colours, zone tabs, the zone header, the
 * status bar, the timeline and the help; and the one entry point that
 * lays out and draws everything.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "draw.h"
#include "fragscope/engine.h"
#include "fragscope/fragindex.h"

/* ---- text ---- */

int tui_put(const struct tui_app *a, int y, int x, int w, attr_t attr, const char *text)
{
	wchar_t buf[512];
	int cols = 0, n = 0;
	/* Never past the screen's edge: curses would wrap onto the next line. */
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (w > COLS - x)
		w = COLS - x;
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	const char *p = text;
	size_t left = strlen(text);
	while (left > 0 && n < (int)(sizeof(buf) / sizeof(buf[0])) - 1) {
		wchar_t wc;
		size_t len = 1;
		/* ASCII, nearly all of the screen, needs no decoding */
		if (!a->utf8 || (unsigned char)*p < 0x80)
			wc = (unsigned char)*p;
		else
			len = mbrtowc(&wc, p, left, &st);
		if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			len = 1;
		}
		int cw = wc < 0x80 ? (wc >= 32 && wc < 127 ? 1 : -1) : (a->utf8 ? wcwidth(wc) : -1);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (cols + cw > w)
			break;
		buf[n++] = wc;
		cols += cw;
		p += len;
		left -= len;
	}
	buf[n] = L'\0';
	attrset(attr);
	mvaddnwstr(y, x, buf, n);
	attrset(A_NORMAL);
	return cols;
}

int tui_putf(const struct tui_app *a, int y, int x, int w, attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return tui_put(a, y, x, w, attr, buf);
}

void tui_clear_rect(const struct tui_rect *r, attr_t attr)
{
	attrset(attr);
	for (int y = r->y; y < r->y + r->h; y++)
		mvhline(y, r->x, ' ', r->w);
	attrset(A_NORMAL);
}

void tui_line(const struct tui_app *a, const struct tui_rect *r, int line, attr_t attr,
	      const char *text)
{
	if (line < 0 || line >= r->h)
		return;
	attrset(tui_attr(a, FS_ROLE_NORMAL));
	mvhline(r->y + line, r->x, ' ', r->w);
	tui_put(a, r->y + line, r->x, r->w, attr, text);
}

int tui_wrap(const char *text, int width, void (*line)(void *ctx, const char *s, int len),
	     void *ctx)
{
	int lines = 0;
	if (width < 8)
		width = 8;
	while (*text) {
		int len = (int)strlen(text);
		int cut = len;
		const char *nl = strchr(text, '\n');
		if (nl && nl - text <= width)
			cut = (int)(nl - text);
		else if (len > width) {
			cut = width;
			while (cut > width / 2 && text[cut] != ' ')
				cut--;
			if (text[cut] != ' ')
				cut = width;
		}
		line(ctx, text, cut);
		lines++;
		text += cut;
		while (*text == ' ' || *text == '\n')
			text++;
	}
	return lines;
}

/* ---- colours ---- */

static attr_t attrs_of(uint16_t bits)
{
	attr_t a = A_NORMAL;
	if (bits & FS_ATTR_BOLD) a |= A_BOLD;
	if (bits & FS_ATTR_DIM) a |= A_DIM;
	if (bits & FS_ATTR_REVERSE) a |= A_REVERSE;
	if (bits & FS_ATTR_UNDERLINE) a |= A_UNDERLINE;
	if (bits & FS_ATTR_STANDOUT) a |= A_STANDOUT;
#ifdef A_ITALIC
	if (bits & FS_ATTR_ITALIC) a |= A_ITALIC;
#endif
	return a;
}

static const struct fs_theme_variant *variant(const struct tui_app *a)
{
	return &a->theme.variant[a->color_mode];
}

static attr_t style_attr(const struct tui_app *a, const struct fs_style *s, int pair)
{
	if (a->color_mode == FS_COLOR_MONO)
		return attrs_of(s->attrs);
	return COLOR_PAIR(pair) | attrs_of(s->attrs);
}

static short clamp_color(int c)
{
	if (c < 0 || c >= COLORS)
		return -1;
	return (short)c;
}

void tui_colors_init(struct tui_app *a)
{
	if (a->color_mode == FS_COLOR_MONO || !has_colors())
		return;
	const struct fs_theme_variant *v = variant(a);
	for (int r = 0; r < FS_ROLE_COUNT; r++)
		init_pair((short)TUI_PAIR_ROLE(r), clamp_color(v->role[r].fg),
			  clamp_color(v->role[r].bg));
	for (int m = 0; m < FS_MT_COUNT; m++)
		init_pair((short)TUI_PAIR_MT(m), clamp_color(v->mt[m].fg), clamp_color(v->mt[m].bg));
	for (int m = 0; m < FS_MT_COUNT; m++)
		init_pair((short)TUI_PAIR_PB(m), clamp_color(v->pageblock[m].fg),
			  clamp_color(v->pageblock[m].bg));
	for (int h = 0; h < v->nr_heat && h < FS_HEAT_STEPS_MAX; h++)
		init_pair((short)TUI_PAIR_HEAT(h), clamp_color(v->heat[h].fg),
			  clamp_color(v->heat[h].bg));
	bkgdset(' ' | tui_attr(a, FS_ROLE_NORMAL));
}

unsigned long tui_attr(const struct tui_app *a, enum fs_theme_role role)
{
	return style_attr(a, &variant(a)->role[role], TUI_PAIR_ROLE(role));
}

attr_t tui_mt_attr(const struct tui_app *a, enum fs_mt mt)
{
	return style_attr(a, &variant(a)->mt[mt], TUI_PAIR_MT(mt));
}

attr_t tui_pb_attr(const struct tui_app *a, enum fs_mt mt)
{
	return style_attr(a, &variant(a)->pageblock[mt], TUI_PAIR_PB(mt));
}

int tui_heat_steps(const struct tui_app *a)
{
	int n = variant(a)->nr_heat;
	return n >= 2 ? n : 2;
}

attr_t tui_heat_attr(const struct tui_app *a, int step)
{
	const struct fs_theme_variant *v = variant(a);
	if (step >= v->nr_heat)
		step = v->nr_heat - 1;
	if (step < 0)
		step = 0;
	return style_attr(a, &v->heat[step], TUI_PAIR_HEAT(step));
}

char tui_heat_char(const struct tui_app *a, int step)
{
	const char *chars = a->theme.heat_chars[0] ? a->theme.heat_chars : " .:-=+*#%@";
	int n = (int)strlen(chars), steps = tui_heat_steps(a);
	int i = steps > 1 ? step * (n - 1) / (steps - 1) : 0;
	return chars[i < 0 ? 0 : i >= n ? n - 1 : i];
}

attr_t tui_result_attr(const struct tui_app *a, enum fs_step_result r)
{
	switch (r) {
	case FS_STEP_PASS: return tui_attr(a, FS_ROLE_PASS);
	case FS_STEP_FAIL: return tui_attr(a, FS_ROLE_FAIL);
	case FS_STEP_UNCERTAIN: return tui_attr(a, FS_ROLE_DEPENDS);
	default: return tui_attr(a, FS_ROLE_INFO);
	}
}

attr_t tui_outcome_attr(const struct tui_app *a, enum fs_outcome o)
{
	switch (o) {
	case FS_OUTCOME_FAST:
	case FS_OUTCOME_SLOW: return tui_attr(a, FS_ROLE_PASS) | A_BOLD;
	case FS_OUTCOME_DEPENDS: return tui_attr(a, FS_ROLE_DEPENDS) | A_BOLD;
	default: return tui_attr(a, FS_ROLE_FAIL) | A_BOLD;
	}
}

/*
 * Tabs: " Node N Name " and a separator for each visible zone, scrolled so
 * that the active one is on screen. One function places them, for the
 * drawing and for the mouse.
 */
struct tab_place {
	size_t zone;
	int x, w;
};

static int tab_label(const struct tui_app *a, size_t i, char *out, size_t size)
{
	return snprintf(out, size, " Node %d %s ", a->shown->zones[i].node, a->shown->zones[i].name);
}

static size_t place_tabs(const struct tui_app *a, struct tab_place *out, size_t max)
{
	const struct tui_rect *r = &a->layout.tabs;
	size_t n = a->shown ? a->shown->nr_zones : 0, count = 0;
	int before = 0;
	char label[48];
	for (size_t i = 0; i < a->zone && i < n; i++)
		if (tui_zone_visible(&a->shown->zones[i]))
			before += tab_label(a, i, label, sizeof(label)) + 1;
	size_t first = 0;
	while (before > r->w - 24 && first < a->zone) {
		if (tui_zone_visible(&a->shown->zones[first]))
			before -= tab_label(a, first, label, sizeof(label)) + 1;
		first++;
	}
	int x = r->x;
	for (size_t i = first; i < n && x < r->x + r->w && count < max; i++) {
		if (!tui_zone_visible(&a->shown->zones[i]) && i != a->zone)
			continue;
		int w = tab_label(a, i, label, sizeof(label)) + 1;
		out[count++] = (struct tab_place){ i, x, w };
		x += w;
	}
	return count;
}

int tui_tab_at(const struct tui_app *a, int x)
{
	struct tab_place tabs[64];
	size_t n = place_tabs(a, tabs, 64);
	for (size_t i = 0; i < n; i++)
		if (x >= tabs[i].x && x < tabs[i].x + tabs[i].w)
			return (int)tabs[i].zone;
	return -1;
}

void tui_draw_tabs(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.tabs;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_TAB));
	struct tab_place tabs[64];
	size_t n = place_tabs(a, tabs, 64);
	int end = r->x;
	for (size_t t = 0; t < n; t++) {
		char label[48];
		size_t i = tabs[t].zone;
		tab_label(a, i, label, sizeof(label));
		attr_t at = tui_attr(a, i == a->zone ? FS_ROLE_TAB_ACTIVE : FS_ROLE_TAB);
		if (i == a->zone && a->color_mode == FS_COLOR_MONO)
			at |= A_REVERSE;
		int x = tabs[t].x + tui_put(a, r->y, tabs[t].x, r->x + r->w - tabs[t].x, at, label);
		end = x + tui_put(a, r->y, x, r->x + r->w - x, tui_attr(a, FS_ROLE_BORDER),
				  a->utf8 ? "\u2502" : "|");
	}
	if (!a->shown || a->shown->nr_zones == 0)
		tui_put(a, r->y, r->x, r->w, tui_attr(a, FS_ROLE_WARNING), " no zones in this frame");
	const char *what = a->event_open ? " printed with the failure " : "";
	int w = (int)strlen(what);
	if (w && end + w < r->x + r->w)
		tui_put(a, r->y, r->x + r->w - w, w, tui_attr(a, FS_ROLE_EVENT) | A_BOLD, what);
}

static void header_watermarks(const struct fs_zone *z, char *out, size_t size)
{
	if (!(z->known & FS_ZK_WMARK)) {
		snprintf(out, size, "watermarks not known");
		return;
	}
	int n = snprintf(out, size, "min %" PRIu64 " low %" PRIu64 " high %" PRIu64, z->wmark_min,
			 z->wmark_low, z->wmark_high);
	if ((z->known & FS_ZK_BOOST) && z->wmark_boost && n > 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, " boost %" PRIu64, z->wmark_boost);
}

void tui_draw_zone_header(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.zone_header;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_HEADER));
	const struct fs_zone *z = tui_current_zone(a);
	if (!z || r->h == 0)
		return;
	unsigned page = a->shown->meta.page_size;
	char free_s[16] = "?", managed_s[16] = "?", cma_s[16] = "-", wm[96], fi[8] = "?", ui[8] = "?";
	if (z->known & FS_ZK_FREE_PAGES)
		tui_format_bytes(z->free_pages, page, free_s, sizeof(free_s));
	if (z->known & FS_ZK_MANAGED)
		tui_format_bytes(z->managed, page, managed_s, sizeof(managed_s));
	if (z->known & FS_ZK_FREE_CMA)
		tui_format_bytes(z->free_cma, page, cma_s, sizeof(cma_s));
	header_watermarks(z, wm, sizeof(wm));
	bool exact;
	int order = a->order_sel;
	fs_index_format(fs_fragmentation_index(z, order, &exact), fi);
	fs_index_format(fs_unusable_index(z, order, &exact), ui);
	char line[320], free_n[24] = "?";
	if (z->known & FS_ZK_FREE_PAGES)
		snprintf(free_n, sizeof(free_n), "%" PRIu64, z->free_pages);
	else
		free_s[0] = '\0';   /* buddyinfo alone does not print NR_FREE_PAGES */
	char ha[40] = "";
	if (z->known & FS_ZK_RESERVED_HIGHATOMIC)
		snprintf(ha, sizeof(ha), "  highatomic %llu", (unsigned long long)z->reserved_highatomic);
	/* The long form where it fits (with the highatomic reserve, then
	 * without), else the short one (80 columns). */
	int n = 0;
	for (int with_ha = ha[0] ? 1 : 0; with_ha >= 0; with_ha--) {
		n = snprintf(line, sizeof(line),
			     "free %s%s%s%s  %s  managed %s  cma free %s%s  fragindex o%d %s  "
			     "unusable %s", free_n, free_s[0] ? " (" : "", free_s,
			     free_s[0] ? ")" : "", wm, managed_s, cma_s, with_ha ? ha : "", order,
			     fi, ui);
		if (n <= r->w)
			break;
	}
	if (n > r->w)
		snprintf(line, sizeof(line), "free %s %s  %s  cma %s  frag o%d %s unus %s", free_n,
			 free_s, wm, cma_s, order, fi, ui);
	tui_put(a, r->y, r->x, r->w, tui_attr(a, FS_ROLE_HEADER), line);
}

/* ---- status bar and timeline ---- */

static const char *origin_name(enum tui_request_origin o)
{
	switch (o) {
	case TUI_REQ_FAILURE: return "failure's";
	case TUI_REQ_TYPED: return "typed";
	case TUI_REQ_OPTION: return "--gfp";
	case TUI_REQ_FORK: return "forked";
	default: return "default";
	}
}

void tui_draw_status(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.status;
	attr_t at = tui_attr(a, FS_ROLE_STATUS);
	if (a->color_mode == FS_COLOR_MONO)
		at |= A_REVERSE;
	tui_clear_rect(r, at);
	char when[32] = "", pos[64] = "";
	if (a->have_frame)
		tui_format_time(a, a->frame.time, a->shown ? a->shown->meta.time_base : FS_TIME_UNKNOWN,
				when, sizeof(when));
	size_t count = fs_source_count(a->src);
	if (a->replay)
		snprintf(pos, sizeof(pos), "frame %zu/%zu%s", a->frame_index + 1, count,
			 a->playing ? " >" : " ||");
	else
		snprintf(pos, sizeof(pos), "frame %zu", a->frame_index + 1);
	const struct fs_verdict *v = tui_shown_verdict(a);
	const char *name = fs_source_name(a->src);
	const char *slash = strrchr(name, '/');
	/* a file's name without its folders; "live:/proc" stays whole */
	if (slash && a->replay && slash[1])
		name = slash + 1;
	char left[512];
	snprintf(left, sizeof(left), " %s  %s  %s  kernel %s%s  %s request ", name, pos, when,
		 v && v->profile ? v->profile->name : "?", v && v->profile_guessed ? "?" : "",
		 origin_name(a->origin));
	int used = 0;
	if (a->opt->recording) {
		/* that everything seen is being kept is worth a mark of its own */
		const char *file = strrchr(a->opt->recording, '/');
		char rec[96];
		snprintf(rec, sizeof(rec), " %s %s ", a->utf8 ? "\u25cf rec" : "REC",
			 file ? file + 1 : a->opt->recording);
		used = tui_put(a, r->y, r->x, r->w, tui_attr(a, FS_ROLE_FAIL) | A_BOLD, rec);
	}
	used += tui_put(a, r->y, r->x + used, r->w - used, at, left);
	const char *right = a->message[0] ? a->message : tui_keys_hints(&a->keys);
	attr_t rat = a->message[0] ? tui_attr(a, FS_ROLE_WARNING) | A_BOLD
				   : tui_attr(a, FS_ROLE_STATUS_KEY);
	if (a->color_mode == FS_COLOR_MONO)
		rat |= A_REVERSE;
	int len = (int)strlen(right), room = r->w - used - 1;
	/* A message always shows (over the left part if it must); key hints
	 * only where they fit whole. */
	if (a->message[0]) {
		/* A message too long for the room left takes the place of the
		 * source and kernel, never of the frame position. */
		int x = r->x + r->w - len;
		if (len > room) {
			tui_clear_rect(r, at);
			int px = r->x + tui_putf(a, r->y, r->x, r->w, at, " %s%s ",
						 a->opt->recording ? "REC " : "", pos) + 1;
			x = px;
		}
		tui_put(a, r->y, x, r->x + r->w - x, rat, right);
	} else if (len <= room) {
		tui_put(a, r->y, r->x + r->w - len, len, rat, right);
	}
}

void tui_draw_timeline(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.timeline;
	if (r->h == 0)
		return;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_BORDER));
	size_t count = fs_source_count(a->src);
	int w = r->w;
	if (count == 0 || w < 2)
		return;
	const char *rule = a->utf8 ? "\u2500" : "-";
	for (int x = 0; x < w; x++)
		tui_put(a, r->y, r->x + x, 1, tui_attr(a, FS_ROLE_BORDER), rule);
	for (size_t i = 0; i < a->nr_events; i++) {
		int x = count > 1 ? (int)((double)a->events[i].frame / (double)(count - 1) * (w - 1))
				  : 0;
		tui_put(a, r->y, r->x + x, 1, tui_attr(a, FS_ROLE_EVENT) | A_BOLD, "!");
	}
	int cur = count > 1 ? (int)((double)a->frame_index / (double)(count - 1) * (w - 1)) : 0;
	tui_put(a, r->y, r->x + cur, 1, tui_attr(a, FS_ROLE_SELECTED) | A_REVERSE,
		a->utf8 ? "\u2588" : "#");
	if (!a->scan_done && a->replay) {
		char note[48];
		snprintf(note, sizeof(note), " scanning %zu/%zu ", a->scan_next, count);
		tui_put(a, r->y, r->x + r->w - (int)strlen(note), (int)strlen(note),
			tui_attr(a, FS_ROLE_INFO), note);
	}
}

/* ---- help ---- */

static const char *const help_lines[] = {
	"fragscope: memory fragmentation as the page allocator sees it   q, F10 quit",
	"Cells: free blocks per migratetype x order (m: pages, share), log colours;",
	"  . zero  + non-empty, count not printed  - known empty  ? not known",
	"The request: lower orders dimmed, [ ] lists it may take from, > < (triangles",
	"  in UTF-8) the block it would get, x lists it may not use (CMA, HighAtomic",
	"  without the rights, Isolate); row labels carry the same marks.",
	"",
	"arrows hjkl  the cell cursor          Tab z / Z  next / previous zone",
	"g /          type a gfp mask (Tab completes, hex works)    o  type an order",
	"Enter        request the cell's order m          blocks / pages / share",
	"v e t        verdict / events / trends (e: the list; Enter opens, Esc back)",
	"PgUp PgDn    scroll the verdict       !          a command for the engine",
	"Replay:  Space play / pause   , .  step   [ ]  10 frames   < >  speed",
	"         n p  next / previous failure   Home End  first / last   :  frame N",
	"         (the recorded pace x1/16 to x4096; fast speeds skip frames)",
	"Engine:  f forks the frame shown (any source) into it   F back where you were",
	"  a alloc the request  x free random 16  c compact  r reclaim 1024  b the map",
	"  ! alloc ORDER GFP [xN] [KIND]  free PFN|random N|oldest N  reclaim [N]",
	"    drain  kswapd  compact [ZONE] [ORDER]   workload: step [S]  run  pause",
	"  (Space run/pause . step < > speed)  map: a cell per pageblock, glyph = fill",
	"Ctrl-L redraw   ? F1 this help   mouse: cells, tabs, events, the timeline",
};

void tui_draw_help(const struct tui_app *a)
{
	int n = (int)(sizeof(help_lines) / sizeof(help_lines[0]));
	int w = 80 < a->cols ? 80 : a->cols;
	int h = n + 2 < a->rows - 1 ? n + 2 : a->rows - 1;
	struct tui_rect r = { (a->rows - 1 - h) / 2, (a->cols - w) / 2, h, w };
	tui_clear_rect(&r, tui_attr(a, FS_ROLE_NORMAL));
	attrset(tui_attr(a, FS_ROLE_BORDER));
	if (w >= 4 && h >= 2) {
		if (a->utf8) {
			mvhline_set(r.y, r.x, WACS_HLINE, w);
			mvhline_set(r.y + h - 1, r.x, WACS_HLINE, w);
		} else {
			mvhline(r.y, r.x, '-', w);
			mvhline(r.y + h - 1, r.x, '-', w);
		}
	}
	attrset(A_NORMAL);
	tui_put(a, r.y, r.x + 2, w - 4, tui_attr(a, FS_ROLE_TITLE) | A_BOLD, " help ");
	for (int i = 0; i < n && i + 1 < h - 1; i++)
		tui_put(a, r.y + 1 + i, r.x + 1, w - 2,
			tui_attr(a, i == 0 ? FS_ROLE_TITLE : FS_ROLE_NORMAL), help_lines[i]);
}

/* ---- everything ---- */

void tui_draw(struct tui_app *a)
{
	getmaxyx(stdscr, a->rows, a->cols);
	const struct fs_zone *z = tui_current_zone(a);
	enum fs_mt rows[FS_MT_COUNT];
	struct tui_layout_input in = {
		.cols = a->cols,
		.rows = a->rows,
		.nr_rows = z ? tui_zone_rows(a, z, rows) : 0,
		.nr_orders = tui_nr_orders(a),
		.timeline = a->replay,
		.pane = a->pane,
		.pageblocks = a->engine,
	};
	int ez = tui_engine_zone(a);
	if (ez >= 0) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(fs_source_engine(a->src), (size_t)ez, &zi);
		in.nr_pageblocks = zi.nr_pageblocks;
	}
	tui_layout_compute(&in, &a->layout);
	const struct tui_rect *map = &a->layout.pane[TUI_PANE_PAGEBLOCKS];
	if (map->h > 1 && !a->layout.tiny)
		tui_pbmap_update(a, (size_t)tui_pageblock_cell_rows(map) * (size_t)map->w);
	/* Draw every region over what was there; ncurses sends only the
	 * cells that differ from the terminal's. */
	struct tui_rect all = { 0, 0, a->rows, a->cols };
	tui_clear_rect(&all, tui_attr(a, FS_ROLE_NORMAL));
	tui_draw_tabs(a);
	tui_draw_zone_header(a);
	tui_draw_heatmap(a);
	if (a->layout.tiny) {
		struct tui_rect below = { a->layout.heatmap.y + a->layout.heatmap.h, 0, 1, a->cols };
		if (below.y < a->rows - 1)
			tui_put(a, below.y, 0, a->cols, tui_attr(a, FS_ROLE_WARNING),
				"terminal too small for the verdict: 80x24 shows everything");
	} else {
		tui_draw_request(a);
		tui_draw_pane_tabs(a);
		tui_draw_verdict(a);
		tui_draw_events(a);
		tui_draw_trends(a);
		tui_draw_pageblocks(a);
	}
	tui_draw_timeline(a);
	tui_draw_status(a);
	if (a->keys.mode == TUI_MODE_HELP)
		tui_draw_help(a);
	if (a->keys.mode == TUI_MODE_ENTRY && a->layout.request.h) {
		int prompt = (int)strlen(tui_field_prompt(a->keys.field));
		int cx = a->layout.request.x + prompt + (int)a->keys.cursor;
		if (cx >= a->layout.request.x + a->layout.request.w)
			cx = a->layout.request.x + a->layout.request.w - 1;
		move(a->layout.request.y, cx);
	}
	refresh();
}
