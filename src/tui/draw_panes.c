/*
 * draw_panes.c - the request line, the verdict pane (every step of the
 * allocator's path with its numbers), the event list, the trends, and the
 * tab line when these panes share the screen.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

/* ---- request line ---- */

const char *tui_field_prompt(enum tui_field f)
{
	switch (f) {
	case TUI_FIELD_GFP: return "gfp> ";
	case TUI_FIELD_ORDER: return "order> ";
	case TUI_FIELD_SEEK: return "frame> ";
	default: return "command> ";
	}
}

void tui_draw_request(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.request;
	if (r->h == 0)
		return;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_NORMAL));
	if (a->keys.mode == TUI_MODE_ENTRY) {
		const char *prompt = tui_field_prompt(a->keys.field);
		int x = r->x + tui_put(a, r->y, r->x, r->w, tui_attr(a, FS_ROLE_TITLE), prompt);
		x += tui_put(a, r->y, x, r->x + r->w - x, tui_attr(a, FS_ROLE_INPUT) | A_BOLD,
			     a->keys.entry);
		if (a->keys.hint[0])
			tui_putf(a, r->y, x + 2, r->x + r->w - x - 2, tui_attr(a, FS_ROLE_INFO), "%s",
				 a->keys.hint);
		return;
	}
	const struct fs_verdict *v = tui_shown_verdict(a);
	int order = a->event_open ? a->open_report.order : a->req_order;
	const char *names = a->event_open ? (a->open_report.mode_names[0] ? a->open_report.mode_names
									  : "") : a->gfp_text;
	uint64_t mask = a->event_open ? a->open_report.mode : a->gfp;
	int x = r->x;
	x += tui_put(a, r->y, x, r->w, tui_attr(a, FS_ROLE_TITLE) | A_BOLD,
		     a->event_open ? "failed " : "request ");
	x += tui_putf(a, r->y, x, r->x + r->w - x, tui_attr(a, FS_ROLE_INPUT),
		      "%s (0x%" PRIx64 ") order %d", names, mask, order);
	if (v) {
		x += tui_put(a, r->y, x, r->x + r->w - x, tui_attr(a, FS_ROLE_NORMAL), "  ");
		tui_put(a, r->y, x, r->x + r->w - x, tui_outcome_attr(a, v->outcome),
			fs_outcome_name(v->outcome));
	}
}

/* ---- the verdict pane: a list of lines, scrolled ---- */

struct vline {
	char text[400];
	attr_t attr;
	attr_t tag_attr;        /* the first tag_len columns */
	int tag_len;
};

struct vlines {
	struct vline *items;
	int count, cap;
	int width;
};

static struct vline *vl_add(struct vlines *l)
{
	if (l->count == l->cap) {
		int cap = l->cap ? l->cap * 2 : 64;
		struct vline *n = realloc(l->items, (size_t)cap * sizeof(*n));
		if (!n)
			return NULL;
		l->items = n;
		l->cap = cap;
	}
	struct vline *v = &l->items[l->count++];
	memset(v, 0, sizeof(*v));
	return v;
}

struct wrap_ctx {
	struct vlines *lines;
	const char *head;       /* "reason  " on the first line, blanks after */
	attr_t attr, head_attr;
	bool first;
};

static void wrap_line(void *ctx, const char *s, int len)
{
	struct wrap_ctx *w = ctx;
	struct vline *v = vl_add(w->lines);
	if (!v)
		return;
	int head = (int)strlen(w->head);
	snprintf(v->text, sizeof(v->text), "%-*s%.*s", head, w->first ? w->head : "", len, s);
	v->attr = w->attr;
	v->tag_attr = w->head_attr;
	v->tag_len = head;
	w->first = false;
}

/* "head" then text wrapped under it. */
static void vl_wrapped(struct vlines *l, const char *head, attr_t head_attr, const char *text,
		       attr_t attr)
{
	struct wrap_ctx w = { l, head, attr, head_attr, true };
	int width = l->width - (int)strlen(head);
	if (!text || !*text)
		text = "-";
	tui_wrap(text, width, wrap_line, &w);
}

static void add_summary(const struct tui_app *a, const struct fs_verdict *v, struct vlines *l)
{
	attr_t label = tui_attr(a, FS_ROLE_LABEL), normal = tui_attr(a, FS_ROLE_NORMAL);
	char text[512];
	snprintf(text, sizeof(text), "%s", fs_outcome_name(v->outcome));
	vl_wrapped(l, "outcome  ", label, text, tui_outcome_attr(a, v->outcome));
	if (a->event_open && a->explanation.summary[0])
		vl_wrapped(l, "report   ", label, a->explanation.summary,
			   tui_attr(a, a->explanation.explains ? FS_ROLE_FAIL : FS_ROLE_DEPENDS));
	/* The report's summary usually quotes the reason: say it once. */
	if (!(a->event_open && v->reason[0] && strstr(a->explanation.summary, v->reason)))
		vl_wrapped(l, "reason   ", label, v->reason, normal);
	char margin[200];
	int n = snprintf(margin, sizeof(margin), "%+" PRId64 " pages", v->margin);
	if (v->decisive_zone[0])
		n += snprintf(margin + n, sizeof(margin) - (size_t)n, " (%s)", v->decisive_zone);
	if (v->suitable_blocks >= 0)
		snprintf(margin + n, sizeof(margin) - (size_t)n, "; %" PRId64
			 " usable free blocks of order >= %d", v->suitable_blocks, v->order);
	else
		snprintf(margin + n, sizeof(margin) - (size_t)n,
			 "; usable blocks of order >= %d not known", v->order);
	vl_wrapped(l, "margin   ", label, margin, normal);
	if (v->change[0])
		vl_wrapped(l, "change   ", label, v->change, normal);
	snprintf(text, sizeof(text), "profile %s%s (%s)", v->profile->name,
		 v->profile_guessed ? ", guessed" : "", v->profile_why);
	vl_wrapped(l, "kernel   ", label, text, tui_attr(a, v->profile_guessed ? FS_ROLE_WARNING
										: FS_ROLE_INFO));
}

static void add_steps(const struct tui_app *a, const struct fs_verdict *v, struct vlines *l)
{
	struct vline *t = vl_add(l);
	if (t) {
		snprintf(t->text, sizeof(t->text), "the allocator's path, step by step:");
		t->attr = tui_attr(a, FS_ROLE_TITLE);
	}
	for (size_t i = 0; i < v->nr_steps; i++) {
		const struct fs_step *s = &v->steps[i];
		char head[64], body[600];
		snprintf(head, sizeof(head), "%-10s", fs_step_result_name(s->result));
		snprintf(body, sizeof(body), "%s%s%s%s%s", s->phase, s->phase[0] ? " " : "", s->zone,
			 s->zone[0] ? ": " : "", s->title);
		vl_wrapped(l, head, tui_result_attr(a, s->result), body, tui_attr(a, FS_ROLE_NORMAL));
		if (s->formula[0])
			vl_wrapped(l, "           ", 0, s->formula, tui_attr(a, FS_ROLE_INFO));
	}
	for (size_t i = 0; i < v->nr_risks; i++)
		vl_wrapped(l, "risk     ", tui_attr(a, FS_ROLE_WARNING), v->risks[i],
			   tui_attr(a, FS_ROLE_NORMAL));
}

static void add_diags(const struct tui_app *a, struct vlines *l)
{
	if (!a->shown)
		return;
	const struct fs_diags *d = &a->shown->diags;
	for (size_t i = 0; i < d->count && i < 20; i++) {
		char text[600];
		const struct fs_diag *g = &d->items[i];
		if (g->line)
			snprintf(text, sizeof(text), "%s:%u: %s", g->source, g->line, g->message);
		else
			snprintf(text, sizeof(text), "%s: %s", g->source, g->message);
		vl_wrapped(l, g->severity == FS_SEV_ERROR ? "error    " : "note     ",
			   tui_attr(a, FS_ROLE_WARNING), text, tui_attr(a, FS_ROLE_NORMAL));
	}
}

/* The engine's last command: what was asked, what happened and why, then
 * the verdict it came with (an allocation's prediction) or the request's
 * on the new state. */
static void add_action(const struct tui_app *a, const struct fs_verdict *v, struct vlines *l)
{
	attr_t label = tui_attr(a, FS_ROLE_LABEL);
	vl_wrapped(l, "command  ", label, a->action_command, tui_attr(a, FS_ROLE_INPUT));
	vl_wrapped(l, "result   ", label, a->action_reply,
		   tui_attr(a, a->action_rc ? FS_ROLE_FAIL : FS_ROLE_NORMAL));
	struct vline *t = vl_add(l);
	if (!t)
		return;
	bool own = v && v == fs_source_last_verdict(a->src);
	snprintf(t->text, sizeof(t->text), "%s", !v ? "no verdict on this state"
		 : own ? "its verdict, on the state before it:"
		       : "the request's verdict on the state now:");
	t->attr = tui_attr(a, FS_ROLE_TITLE);
}

void tui_draw_title(const struct tui_app *a, const struct tui_rect *r, const char *title)
{
	attrset(tui_attr(a, FS_ROLE_BORDER));
	if (a->utf8)
		mvhline_set(r->y, r->x, WACS_HLINE, r->w);
	else
		mvhline(r->y, r->x, '-', r->w);
	attrset(A_NORMAL);
	tui_put(a, r->y, r->x + 1, r->w - 2, tui_attr(a, FS_ROLE_TITLE) | A_BOLD, title);
}

void tui_draw_verdict(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.pane[TUI_PANE_VERDICT];
	if (r->h == 0)
		return;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_NORMAL));
	const struct fs_verdict *v = tui_pane_verdict(a);
	bool action = a->action_shown && !a->event_open;
	tui_draw_title(a, r, a->event_open ? " verdict on the failure's printed state "
			 : action ? " the engine: last command " : " verdict ");
	struct vlines l = { NULL, 0, 0, r->w };
	if (action)
		add_action(a, v, &l);
	if (v) {
		add_summary(a, v, &l);
		add_steps(a, v, &l);
	} else {
		vl_wrapped(&l, "", 0, a->have_frame ? "no verdict: this frame holds no zone state "
						      "(a report that printed none)"
						    : "no frame yet", tui_attr(a, FS_ROLE_WARNING));
	}
	add_diags(a, &l);
	int visible = r->h - 1;
	int top = a->verdict_scroll;
	if (top > l.count - visible)
		top = l.count - visible > 0 ? l.count - visible : 0;
	for (int i = 0; i < visible && top + i < l.count; i++) {
		const struct vline *line = &l.items[top + i];
		int y = r->y + 1 + i;
		if (line->tag_len && line->tag_attr) {
			char tag[64];
			snprintf(tag, sizeof(tag), "%.*s", line->tag_len, line->text);
			tui_put(a, y, r->x, r->w, line->tag_attr, tag);
			tui_put(a, y, r->x + line->tag_len, r->w - line->tag_len, line->attr,
				line->text + line->tag_len);
		} else {
			tui_put(a, y, r->x, r->w, line->attr, line->text);
		}
	}
	if (l.count > visible && visible > 0) {
		char more[32];
		snprintf(more, sizeof(more), " %d/%d PgDn ", top + visible < l.count ? top + visible
										: l.count, l.count);
		tui_put(a, r->y, r->x + r->w - (int)strlen(more) - 1, (int)strlen(more),
			tui_attr(a, FS_ROLE_INFO), more);
	}
	free(l.items);
}

/* ---- events ---- */

size_t tui_events_top(const struct tui_app *a, int visible)
{
	/* the selection is the last line shown once it is past the first screen */
	return visible > 0 && a->event_sel >= (size_t)visible ? a->event_sel - (size_t)visible + 1
							      : 0;
}

void tui_draw_events(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.pane[TUI_PANE_EVENTS];
	if (r->h == 0)
		return;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_NORMAL));
	char title[96];
	snprintf(title, sizeof(title), " allocation failures (%zu)%s ", a->nr_events,
		 a->replay && !a->scan_done ? ", scanning" : "");
	tui_draw_title(a, r, title);
	int visible = r->h - 1;
	if (a->nr_events == 0) {
		tui_put(a, r->y + 1, r->x + 1, r->w - 1, tui_attr(a, FS_ROLE_INFO),
			a->replay ? "none in this source" : "none yet: new ones appear as the kernel logs them");
		return;
	}
	size_t top = tui_events_top(a, visible);
	for (int i = 0; i < visible && top + (size_t)i < a->nr_events; i++) {
		const struct tui_event *e = &a->events[top + (size_t)i];
		char when[32], text[400];
		tui_format_time(a, e->time, e->time_base, when, sizeof(when));
		if (e->kind == FS_REPORT_VMALLOC)
			snprintf(text, sizeof(text), "%-12s %s[%d] vmalloc failure", when, e->comm,
				 e->pid);
		else
			snprintf(text, sizeof(text), "%-12s %-16s %6d  order:%d  %s", when, e->comm,
				 e->pid, e->order,
				 e->mode_names[0] ? e->mode_names : e->has_mode ? "" : "mode not printed");
		if (e->has_mode && !e->mode_names[0]) {
			size_t n = strlen(text);
			snprintf(text + n, sizeof(text) - n, "0x%" PRIx64, e->mode);
		}
		bool sel = top + (size_t)i == a->event_sel;
		attr_t at = tui_attr(a, FS_ROLE_EVENT);
		if (sel)
			at = tui_attr(a, FS_ROLE_SELECTED) |
			     (a->keys.mode == TUI_MODE_EVENTS ? A_REVERSE | A_BOLD : A_BOLD);
		tui_line(a, &(struct tui_rect){ r->y + 1, r->x, visible, r->w }, i, at, text);
	}
}

/* ---- trends ---- */

/* A sparkline of series into the row, coloured per point by colour_of. */
static void draw_series(const struct tui_app *a, int y, int x, int w, const double *v, size_t n,
			double max, attr_t at)
{
	char line[TUI_TREND_POINTS * 4 + 1];
	size_t first = n > (size_t)w ? n - (size_t)w : 0;
	tui_sparkline(v + first, n - first, max, a->utf8, line, sizeof(line));
	tui_put(a, y, x, w, at, line);
}

static void draw_free_series(const struct tui_app *a, int y, int x, int w, int zone)
{
	double v[TUI_TREND_POINTS];
	size_t n = tui_trend_free_pages(&a->trend, zone, v, TUI_TREND_POINTS);
	size_t first = n > (size_t)w ? n - (size_t)w : 0;
	/* One sparkline scaled as the others are, then each glyph coloured by
	 * where the zone stood: below min the allocator reclaims itself, below
	 * low kswapd is awake. */
	char line[TUI_TREND_POINTS * 4 + 1];
	tui_sparkline(v + first, n - first, 0, a->utf8, line, sizeof(line));
	size_t glyph = a->utf8 ? 3 : 1, total = tui_trend_count(&a->trend);
	for (size_t i = first; i < n; i++) {
		const struct tui_trend_zone *z = &tui_trend_at(&a->trend, total - n + i)->zone[zone];
		enum fs_theme_role role = z->free_pages <= z->wmark_min ? FS_ROLE_FAIL
				       : z->free_pages <= z->wmark_low ? FS_ROLE_DEPENDS : FS_ROLE_SPARK;
		char one[8];
		snprintf(one, sizeof(one), "%.*s", (int)glyph, line + (i - first) * glyph);
		tui_put(a, y, x + (int)(i - first), 1, tui_attr(a, role), one);
	}
}

void tui_draw_trends(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.pane[TUI_PANE_TRENDS];
	if (r->h == 0)
		return;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_NORMAL));
	const struct fs_zone *z = tui_current_zone(a);
	int order = a->order_sel;   /* the column the cursor is on */
	char title[128];
	snprintf(title, sizeof(title), " trends: free blocks >= order %d, %zu frames ", order,
		 tui_trend_count(&a->trend));
	tui_draw_title(a, r, title);
	if (!z || a->zone >= TUI_TREND_ZONES || a->event_open) {
		tui_put(a, r->y + 1, r->x + 1, r->w - 1, tui_attr(a, FS_ROLE_INFO),
			a->event_open ? "trends follow the frames, not a report's printed state"
				      : "no trend for this zone");
		return;
	}
	enum fs_mt rows[FS_MT_COUNT];
	int nr_rows = tui_zone_rows(a, z, rows);
	int label = 16, value = 10, w = r->w - label - value;
	if (w < 4)
		return;
	int y = r->y + 1, bottom = r->y + r->h;
	double v[TUI_TREND_POINTS];
	for (int i = 0; i < nr_rows && y < bottom; i++, y++) {
		size_t n = tui_trend_blocks_ge(&a->trend, (int)a->zone, rows[i], order, v,
					       TUI_TREND_POINTS);
		tui_put(a, y, r->x + 1, label - 1, tui_mt_attr(a, rows[i]), fs_mt_name(rows[i]));
		draw_series(a, y, r->x + label, w, v, n, 0, tui_attr(a, FS_ROLE_SPARK));
		tui_putf(a, y, r->x + label + w + 1, value - 1, tui_attr(a, FS_ROLE_NORMAL), "%.0f",
			 n ? v[n - 1] : 0);
	}
	if (y < bottom) {
		tui_put(a, y, r->x + 1, label - 1, tui_attr(a, FS_ROLE_WMARK), "free vs wmark");
		draw_free_series(a, y, r->x + label, w, (int)a->zone);
		tui_putf(a, y, r->x + label + w + 1, value - 1, tui_attr(a, FS_ROLE_NORMAL),
			 "%" PRIu64, z->free_pages);
		y++;
	}
	static const enum tui_counter shown[] = {
		TUI_CTR_COMPACT_STALL, TUI_CTR_COMPACT_FAIL, TUI_CTR_ALLOCSTALL,
	};
	for (size_t c = 0; c < sizeof(shown) / sizeof(shown[0]) && y < bottom; c++, y++) {
		size_t n = tui_trend_counter_delta(&a->trend, shown[c], v, TUI_TREND_POINTS);
		tui_put(a, y, r->x + 1, label - 1, tui_attr(a, FS_ROLE_LABEL),
			tui_counter_name(shown[c]));
		draw_series(a, y, r->x + label, w, v, n, 0, tui_attr(a, FS_ROLE_SPARK));
		tui_putf(a, y, r->x + label + w + 1, value - 1, tui_attr(a, FS_ROLE_NORMAL), "+%.0f",
			 n ? v[n - 1] : 0);
	}
}

/* ---- pane tabs ---- */

void tui_draw_pane_tabs(const struct tui_app *a)
{
	const struct tui_rect *r = &a->layout.pane_tabs;
	if (r->h == 0)
		return;
	tui_clear_rect(r, tui_attr(a, FS_ROLE_TAB));
	char events[48];
	snprintf(events, sizeof(events), "e events (%zu)", a->nr_events);
	const char *names[TUI_PANE_COUNT] = { "v verdict", events, "t trends", "b pageblocks" };
	int n = tui_layout_nr_pane_tabs(&a->layout);
	int slot = r->w / n;
	for (int p = 0; p < n; p++) {
		attr_t at = tui_attr(a, p == (int)a->pane ? FS_ROLE_TAB_ACTIVE : FS_ROLE_TAB);
		if (p == (int)a->pane && a->color_mode == FS_COLOR_MONO)
			at |= A_REVERSE;
		tui_putf(a, r->y, r->x + p * slot, slot, at, " %-*s", slot - 1, names[p]);
	}
}
