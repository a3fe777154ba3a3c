/*
 * state.c - the interactive view's state and how it changes: frames from
 * the source, the events found in them, the request and its verdict, the
 * replay's position and pace, what a key's action does. No ncurses: the
 * screen (app.c) feeds it actions and draws what it holds, and the tests
 * drive it directly.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "fragscope/engine.h"
#include "fragscope/util.h"

#define SCAN_BUDGET_S 0.004      /* background event scan: per loop turn */
#define TREND_BACKFILL 160       /* frames read before a sought replay frame */
#define MESSAGE_S 6.0
#define PBMAP_RUNNING_S 0.25     /* the pageblock map's refresh while a workload runs */

double tui_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- helpers on the state ---- */

const struct fs_zone *tui_current_zone(const struct tui_app *a)
{
	if (!a->shown || a->zone >= a->shown->nr_zones)
		return NULL;
	return &a->shown->zones[a->zone];
}

int tui_zone_rows(const struct tui_app *a, const struct fs_zone *z, enum fs_mt rows[FS_MT_COUNT])
{
	int n = fs_zone_rows_in_order(a->shown, z, rows);
	if (n == 0) {
		/* buddyinfo only: no per-type rows; the total row says it all */
		return 0;
	}
	return n;
}

int tui_nr_orders(const struct tui_app *a)
{
	int n = a->shown ? fs_snapshot_nr_orders(a->shown) : 11;
	return n < 1 ? 1 : n > FS_MAX_ORDERS ? FS_MAX_ORDERS : n;
}

void tui_format_time(const struct tui_app *a, double t, enum fs_time_base base, char *out,
		     size_t size)
{
	(void)a;
	if (!isfinite(t) || (base == FS_TIME_UNKNOWN && t == 0)) {
		snprintf(out, size, "-");
		return;
	}
	if (base == FS_TIME_EPOCH) {
		time_t s = (time_t)t;
		struct tm tm;
		localtime_r(&s, &tm);
		strftime(out, size, "%H:%M:%S", &tm);
		return;
	}
	snprintf(out, size, "%.3fs", t);
}

/* ---- tabs and zone header ---- */

/* ---- messages ---- */

void tui_say(struct tui_app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	a->message_until = tui_now() + MESSAGE_S;
}

/* New diagnostics of the source become the status message (the newest). */
void tui_show_source_diags(struct tui_app *a)
{
	const struct fs_diags *d = fs_source_diags(a->src);
	if (!d || d->count <= a->diags_seen)
		return;
	const struct fs_diag *g = &d->items[d->count - 1];
	tui_say(a, "%s: %s%s%s", fs_severity_name(g->severity), g->source, *g->source ? ": " : "",
	    g->message);
	a->diags_seen = d->count;
}

/* ---- the request and its verdict ---- */

static const struct fs_kprofile *current_profile(const struct tui_app *a)
{
	if (a->forced_profile)
		return a->forced_profile;
	if (a->verdict_valid && a->verdict.profile)
		return a->verdict.profile;
	const char *rel = a->shown ? a->shown->meta.kernel_release : "";
	bool guessed;
	char why[160];
	return fs_kprofile_for_release(rel, &guessed, why, sizeof(why));
}

/* Completion names: every composite and flag name of the profile. */
static void build_names(struct tui_app *a, const struct fs_kprofile *p)
{
	if (a->names_profile == p)
		return;
	free(a->names);
	a->names = NULL;
	a->nr_names = 0;
	a->names_profile = p;
	size_t cap = p->nr_composites + p->nr_pgg_names + FS_GFP_NR_FLAGS;
	a->names = calloc(cap ? cap : 1, sizeof(*a->names));
	if (!a->names)
		return;
	for (size_t i = 0; i < p->nr_composites; i++)
		a->names[a->nr_names++] = p->composites[i].name;
	for (int f = 0; f < FS_GFP_NR_FLAGS; f++)
		if (p->gfp_bit[f])
			a->names[a->nr_names++] = fs_gfp_flag_name((enum fs_gfp_flag)f);
	for (size_t i = 0; i < p->nr_pgg_names; i++) {
		bool dup = false;
		for (size_t j = 0; j < a->nr_names && !dup; j++)
			dup = strcmp(a->names[j], p->pgg_names[i].name) == 0;
		if (!dup)
			a->names[a->nr_names++] = p->pgg_names[i].name;
	}
	a->keys.completion.names = a->names;
	a->keys.completion.nr_names = a->nr_names;
}

/* Parse gfp_text with the current profile into a->gfp. */
static bool parse_request_gfp(struct tui_app *a, const char *text, uint64_t *mask,
			      char *unknown, size_t unknown_size)
{
	const struct fs_kprofile *p = current_profile(a);
	struct fs_kconfig c;
	fs_kconfig_default(p, &c);
	return fs_gfp_parse(p, &c, text, mask, unknown, unknown_size);
}

void tui_run_verdict(struct tui_app *a)
{
	fs_verdict_clear(&a->verdict);
	fs_verdict_init(&a->verdict);
	a->verdict_valid = false;
	memset(&a->overlay, 0, sizeof(a->overlay));
	if (a->event_open) {
		a->verdict_valid = a->explanation.verdict.profile != NULL;
		if (a->verdict_valid) {
			const struct fs_zone *z = tui_current_zone(a);
			tui_overlay_compute(&a->explanation.verdict, a->shown, z, &a->overlay);
		}
		return;
	}
	if (!a->shown || a->shown->nr_zones == 0)
		return;
	struct fs_verdict_request req;
	memset(&req, 0, sizeof(req));
	req.gfp = a->gfp;
	req.order = a->req_order;
	const struct fs_zone *z = tui_current_zone(a);
	req.node = z ? z->node : -1;
	req.profile = a->forced_profile;
	fs_verdict_run(a->shown, &req, &a->verdict);
	a->verdict_valid = a->verdict.profile != NULL;
	if (a->verdict_valid)
		tui_overlay_compute(&a->verdict, a->shown, z, &a->overlay);
	build_names(a, current_profile(a));
}

/* The verdict the screen shows: the opened report's, else the request's. */
const struct fs_verdict *tui_shown_verdict(const struct tui_app *a)
{
	if (a->event_open)
		return a->explanation.verdict.profile ? &a->explanation.verdict : NULL;
	return a->verdict_valid ? &a->verdict : NULL;
}

const struct fs_verdict *tui_pane_verdict(const struct tui_app *a)
{
	if (!a->event_open && a->action_shown) {
		const struct fs_verdict *v = fs_source_last_verdict(a->src);
		if (v && v->profile)
			return v;
	}
	return tui_shown_verdict(a);
}

static void set_request(struct tui_app *a, uint64_t gfp, const char *text, int order,
			enum tui_request_origin origin)
{
	a->gfp = gfp;
	a->req_order = order;
	a->origin = origin;
	if (text != a->gfp_text)
		fs_copy_str(a->gfp_text, sizeof(a->gfp_text), text);
}

static void default_request(struct tui_app *a)
{
	uint64_t mask = 0;
	char unknown[64];
	parse_request_gfp(a, "GFP_KERNEL", &mask, unknown, sizeof(unknown));
	set_request(a, mask, "GFP_KERNEL", 3, TUI_REQ_DEFAULT);
}

/* Until the user types a request, it follows the last failure seen at or
 * before the frame on screen. */
static void follow_failure(struct tui_app *a)
{
	if (a->origin == TUI_REQ_TYPED || a->origin == TUI_REQ_OPTION || a->origin == TUI_REQ_FORK)
		return;
	const struct tui_event *last = NULL;
	for (size_t i = 0; i < a->nr_events; i++) {
		const struct tui_event *e = &a->events[i];
		if (e->frame > a->frame_index)
			break;
		if (e->kind == FS_REPORT_PAGE_ALLOC && e->has_mode && e->order >= 0)
			last = e;
	}
	if (!last) {
		if (a->origin != TUI_REQ_DEFAULT)
			default_request(a);
		return;
	}
	char text[TUI_ENTRY_MAX];
	if (last->mode_names[0])
		snprintf(text, sizeof(text), "%s", last->mode_names);
	else
		snprintf(text, sizeof(text), "0x%llx", (unsigned long long)last->mode);
	set_request(a, last->mode, text, last->order, TUI_REQ_FAILURE);
}

static void apply_options_request(struct tui_app *a)
{
	if (!a->opt->gfp && a->opt->order < 0)
		return;
	uint64_t mask = a->gfp;
	const char *text = a->gfp_text;
	char unknown[128];
	if (a->opt->gfp) {
		if (!parse_request_gfp(a, a->opt->gfp, &mask, unknown, sizeof(unknown)))
			tui_say(a, "--gfp %s: unknown for this kernel: %s", a->opt->gfp, unknown);
		text = a->opt->gfp;
	}
	char copy[TUI_ENTRY_MAX];
	snprintf(copy, sizeof(copy), "%s", text);
	set_request(a, mask, copy, a->opt->order >= 0 ? a->opt->order : a->req_order,
		    TUI_REQ_OPTION);
}

/* ---- events ---- */

static void free_kept(struct tui_event *e)
{
	if (!e->kept)
		return;
	fs_report_clear(e->kept);
	free(e->kept);
	e->kept = NULL;
}

/* Watching for a day must not grow without bound: the oldest events go,
 * and only the newest keep their report. */
static void bound_live_events(struct tui_app *a)
{
	if (a->nr_events >= TUI_LIVE_EVENTS_MAX) {
		free_kept(&a->events[0]);
		memmove(&a->events[0], &a->events[1], (a->nr_events - 1) * sizeof(*a->events));
		a->nr_events--;
		if (a->event_sel > 0)
			a->event_sel--;
	}
	size_t kept = 0;
	for (size_t i = a->nr_events; i > 0; i--)
		if (a->events[i - 1].kept && ++kept > TUI_LIVE_REPORTS_KEPT)
			free_kept(&a->events[i - 1]);
}

static void add_event(struct tui_app *a, size_t frame, size_t index, const struct fs_report *r)
{
	/* Frames arrive in order, but a replay's scan and the frames shown
	 * can both offer the same event: keep each (frame, index) once. */
	for (size_t i = a->nr_events; i > 0; i--) {
		const struct tui_event *e = &a->events[i - 1];
		if (e->frame < frame)
			break;
		if (e->frame == frame && e->index == index)
			return;
	}
	if (!a->replay)
		bound_live_events(a);
	if (a->nr_events == a->events_cap) {
		size_t cap = a->events_cap ? a->events_cap * 2 : 64;
		struct tui_event *n = realloc(a->events, cap * sizeof(*n));
		if (!n)
			return;
		a->events = n;
		a->events_cap = cap;
	}
	size_t at = a->nr_events;
	while (at > 0 && a->events[at - 1].frame > frame)
		at--;
	memmove(&a->events[at + 1], &a->events[at], (a->nr_events - at) * sizeof(*a->events));
	struct tui_event *e = &a->events[at];
	memset(e, 0, sizeof(*e));
	e->frame = frame;
	e->index = index;
	e->time = r->has_timestamp ? r->timestamp : NAN;
	e->time_base = r->time_base;
	e->kind = r->kind;
	fs_copy_str(e->comm, sizeof(e->comm), r->comm);
	e->pid = r->pid;
	e->order = r->order;
	e->has_mode = r->has_mode;
	e->mode = r->mode;
	fs_copy_str(e->mode_names, sizeof(e->mode_names), r->mode_names);
	fs_copy_str(e->release, sizeof(e->release), r->kernel_release);
	if (!a->replay) {
		e->kept = fs_xcalloc(1, sizeof(*e->kept));
		fs_report_copy(e->kept, r);
	}
	a->nr_events++;
}

static void add_frame_events(struct tui_app *a, size_t frame, const struct fs_frame *f)
{
	for (size_t i = 0; i < f->events.count; i++)
		add_event(a, frame, i, &f->events.items[i]);
}

/* Replay: read frames in the background, a few milliseconds per turn, to
 * find every event for the list and the timeline. */
bool tui_scan_events(struct tui_app *a)
{
	if (!a->replay || a->scan_done)
		return false;
	double until = tui_now() + SCAN_BUDGET_S;
	size_t count = fs_source_count(a->src);
	bool found = false;
	while (a->scan_next < count && tui_now() < until) {
		struct fs_frame f;
		fs_frame_init(&f);
		if (fs_source_read(a->src, a->scan_next, &f) == 0) {
			found |= f.events.count > 0;
			add_frame_events(a, a->scan_next, &f);
		}
		fs_frame_clear(&f);
		a->scan_next++;
	}
	if (a->scan_next >= count)
		a->scan_done = true;
	return found || a->scan_done;
}

/* ---- frames ---- */

void tui_clamp_view(struct tui_app *a)
{
	size_t nr_zones = a->shown ? a->shown->nr_zones : 0;
	/* A frame without zones (a report that printed no state) keeps the
	 * zone chosen for the frames around it. */
	if (nr_zones && a->zone >= nr_zones)
		a->zone = nr_zones - 1;
	const struct fs_zone *z = tui_current_zone(a);
	enum fs_mt rows[FS_MT_COUNT];
	int nr_rows = z ? tui_zone_rows(a, z, rows) : 0;
	if (a->row > nr_rows)
		a->row = nr_rows;
	if (a->row < 0)
		a->row = 0;
	int orders = tui_nr_orders(a);
	if (a->order_sel >= orders)
		a->order_sel = orders - 1;
	if (a->order_sel < 0)
		a->order_sel = 0;
	if (a->event_sel >= a->nr_events)
		a->event_sel = a->nr_events ? a->nr_events - 1 : 0;
}

/* Keep the trend history as the frames leading to index. */
static void feed_trend(struct tui_app *a, size_t index, const struct fs_frame *f)
{
	if (tui_trend_has(&a->trend, index) || !f->snapshot)
		return;
	size_t n = tui_trend_count(&a->trend);
	const struct tui_trend_point *last = n ? tui_trend_at(&a->trend, n - 1) : NULL;
	if (a->replay && (!last || last->frame + 1 != index)) {
		/* A jump: fill the history from the frames just before it. */
		tui_trend_reset(&a->trend);
		size_t first = fs_source_first(a->src);
		size_t from = index > first + TREND_BACKFILL ? index - TREND_BACKFILL : first;
		for (size_t i = from; i < index; i++) {
			struct fs_frame g;
			fs_frame_init(&g);
			if (fs_source_read(a->src, i, &g) == 0 && g.snapshot)
				tui_trend_add(&a->trend, i, g.time, g.snapshot);
			fs_frame_clear(&g);
		}
	}
	tui_trend_add(&a->trend, index, f->time, f->snapshot);
}

void tui_close_event(struct tui_app *a)
{
	if (!a->event_open)
		return;
	a->event_open = false;
	a->keys.event_open = false;
	fs_report_clear(&a->open_report);
	fs_explanation_clear(&a->explanation);
	fs_explanation_init(&a->explanation);
	a->shown = a->frame.snapshot;
}

void tui_show_frame(struct tui_app *a, size_t index)
{
	struct fs_frame f;
	fs_frame_init(&f);
	if (fs_source_read(a->src, index, &f) != 0) {
		fs_frame_clear(&f);
		tui_show_source_diags(a);
		return;
	}
	tui_close_event(a);
	fs_frame_clear(&a->frame);
	a->frame = f;
	a->have_frame = true;
	a->frame_index = index;
	a->shown = a->frame.snapshot;
	add_frame_events(a, index, &a->frame);
	feed_trend(a, index, &a->frame);
	follow_failure(a);
	tui_clamp_view(a);
	tui_run_verdict(a);
}

void tui_open_event(struct tui_app *a)
{
	if (a->nr_events == 0)
		return;
	const struct tui_event *e = &a->events[a->event_sel];
	if (e->kept) {
		tui_close_event(a);
		fs_report_copy(&a->open_report, e->kept);
	} else {
		if (e->frame != a->frame_index || !a->have_frame)
			tui_show_frame(a, e->frame);
		if (e->frame != a->frame_index || e->index >= a->frame.events.count) {
			tui_say(a, "failure %zu is no longer kept (only the newest %d are while "
				"watching; --record keeps them all)", a->event_sel + 1,
				TUI_LIVE_REPORTS_KEPT);
			return;
		}
		tui_close_event(a);
		fs_report_copy(&a->open_report, &a->frame.events.items[e->index]);
	}
	/* A kernel log's loader moved the printed state into the frame (as
	 * fragscope explain does, lend it back); a capture's report keeps its own. */
	if (!a->open_report.snapshot && a->frame.snapshot)
		a->open_report.snapshot = fs_snapshot_clone(a->frame.snapshot);
	fs_explanation_init(&a->explanation);
	fs_explain_report(&a->open_report, a->forced_profile, NULL, &a->explanation);
	a->event_open = true;
	a->keys.event_open = true;
	a->shown = a->open_report.snapshot ? a->open_report.snapshot : a->frame.snapshot;
	a->zone = 0;
	/* Put the cursor on the zone the verdict decided on. */
	for (size_t i = 0; a->shown && i < a->shown->nr_zones; i++) {
		char name[48];
		snprintf(name, sizeof(name), "Node %d %s", a->shown->zones[i].node,
			 a->shown->zones[i].name);
		if (strcmp(name, a->explanation.verdict.decisive_zone) == 0)
			a->zone = i;
	}
	if (a->open_report.order >= 0)
		a->order_sel = a->open_report.order;
	tui_clamp_view(a);
	tui_run_verdict(a);
	a->pane = TUI_PANE_VERDICT;
	if (!a->open_report.snapshot)
		tui_say(a, "this report printed no per-zone state: showing the frame it came with");
}

/* ---- replay ---- */

void tui_seek(struct tui_app *a, long long target)
{
	size_t count = fs_source_count(a->src), first = fs_source_first(a->src);
	if (count == 0)
		return;
	if (target < (long long)first)
		target = (long long)first;
	if (target >= (long long)count)
		target = (long long)count - 1;
	if ((size_t)target != a->frame_index || !a->have_frame)
		tui_show_frame(a, (size_t)target);
}

/*
 * Playing goes at the recorded pace times the speed: a capture's frames are
 * seconds apart, a log's reports minutes or days. A step waits at most
 * PLAY_MAX_WAIT_S (a log's quiet hours are not sat through); where the
 * pace asks for more than one frame per PLAY_MIN_WAIT_S (a day of 1 Hz
 * frames at x1024), a step skips frames instead of drawing each.
 */
#define PLAY_MIN_WAIT_S 0.05
#define PLAY_MAX_WAIT_S 2.0

void tui_replay_tick(struct tui_app *a, double now)
{
	if (!a->replay || !a->playing || now < a->next_step_at)
		return;
	size_t count = fs_source_count(a->src);
	if (a->frame_index + 1 >= count) {
		a->playing = false;
		tui_say(a, "end of replay: frame %zu of %zu", a->frame_index + 1, count);
		return;
	}
	size_t step = a->play_step ? a->play_step : 1;
	size_t from = a->frame_index;
	double from_time = a->frame.time;
	tui_seek(a, (long long)(from + step < count ? from + step : count - 1));
	size_t moved = a->frame_index > from ? a->frame_index - from : 1;
	/* the recorded time per frame, from the step just taken (1 s unknown) */
	double per_frame = 1.0;
	if (isfinite(from_time) && isfinite(a->frame.time) && a->frame.time > from_time)
		per_frame = (a->frame.time - from_time) / (double)moved;
	double per_frame_wait = per_frame / a->speed;
	step = 1;
	if (per_frame_wait < PLAY_MIN_WAIT_S)
		step = (size_t)ceil(PLAY_MIN_WAIT_S / per_frame_wait);
	double wait = per_frame_wait * (double)step;
	a->play_step = step;
	a->next_step_at = now + (wait > PLAY_MAX_WAIT_S ? PLAY_MAX_WAIT_S : wait);
}

static void jump_event(struct tui_app *a, int dir)
{
	if (a->nr_events == 0) {
		tui_say(a, a->scan_done ? "no allocation failures in this source"
				    : "no allocation failure found yet (still scanning)");
		return;
	}
	if (dir > 0) {
		for (size_t i = 0; i < a->nr_events; i++)
			if (a->events[i].frame > a->frame_index) {
				a->event_sel = i;
				tui_seek(a, (long long)a->events[i].frame);
				return;
			}
		tui_say(a, "no allocation failure after frame %zu", a->frame_index + 1);
	} else {
		for (size_t i = a->nr_events; i > 0; i--)
			if (a->events[i - 1].frame < a->frame_index) {
				a->event_sel = i - 1;
				tui_seek(a, (long long)a->events[i - 1].frame);
				return;
			}
		tui_say(a, "no allocation failure before frame %zu", a->frame_index + 1);
	}
}

/* ---- entry ---- */

static void begin_entry(struct tui_app *a, enum tui_field field)
{
	char text[TUI_ENTRY_MAX];
	if (field == TUI_FIELD_GFP)
		snprintf(text, sizeof(text), "%s", a->gfp_text);
	else
		text[0] = '\0';   /* a number is typed anew; the hint says what it is now */
	build_names(a, current_profile(a));
	tui_keys_begin_entry(&a->keys, field, text);
	if (field == TUI_FIELD_ORDER)
		snprintf(a->keys.hint, sizeof(a->keys.hint), "now %d; 0 to %d", a->req_order,
			 tui_nr_orders(a) - 1);
	else if (field == TUI_FIELD_SEEK)
		snprintf(a->keys.hint, sizeof(a->keys.hint), "now %zu; 1 to %zu", a->frame_index + 1,
			 fs_source_count(a->src));
	else if (field == TUI_FIELD_COMMAND && a->engine)
		snprintf(a->keys.hint, sizeof(a->keys.hint), "alloc ORDER GFP [xN], free PFN|random "
			 "N|oldest N, reclaim [N], kswapd, compact [ZONE] [ORDER], drain%s",
			 fs_source_ended(a->src) ? "" : ", step, run, pause");
	else if (field == TUI_FIELD_COMMAND)
		snprintf(a->keys.hint, sizeof(a->keys.hint), "%s sources take none: f forks this "
			 "frame into the engine", fs_source_kind_name(fs_source_kind(a->src)));
}

static bool parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 0);
	while (*end == ' ')
		end++;
	if (end == s || *end || errno || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static void apply_entry(struct tui_app *a, enum tui_field field)
{
	const char *text = a->keys.entry;
	long v;
	if (field == TUI_FIELD_GFP) {
		uint64_t mask;
		char unknown[128];
		if (!parse_request_gfp(a, text, &mask, unknown, sizeof(unknown))) {
			/* what was kept first: the list of unknown names can be long */
			tui_say(a, "not a gfp mask for kernel %s, kept %s: %s", current_profile(a)->name,
			    a->gfp_text, unknown[0] ? unknown : text);
			return;
		}
		char copy[TUI_ENTRY_MAX];
		snprintf(copy, sizeof(copy), "%s", text);
		tui_close_event(a);
		a->action_shown = false;
		set_request(a, mask, copy, a->req_order, TUI_REQ_TYPED);
	} else if (field == TUI_FIELD_ORDER) {
		int max = tui_nr_orders(a) - 1;
		if (!parse_int(text, 0, max, &v)) {
			tui_say(a, "an order is a number from 0 to %d, got \"%s\"", max, text);
			return;
		}
		tui_close_event(a);
		a->action_shown = false;
		set_request(a, a->gfp, a->gfp_text, (int)v, TUI_REQ_TYPED);
		a->order_sel = (int)v;
	} else if (field == TUI_FIELD_COMMAND) {
		char command[TUI_ENTRY_MAX];
		fs_copy_str(command, sizeof(command), text);
		tui_command(a, command);
		return;
	} else {
		long count = (long)fs_source_count(a->src);
		if (!parse_int(text, 1, count, &v)) {
			tui_say(a, "a frame is a number from 1 to %ld, got \"%s\"", count, text);
			return;
		}
		tui_seek(a, v - 1);
		return;
	}
	tui_clamp_view(a);
	tui_run_verdict(a);
}

/* ---- actions ---- */

static void move_zone(struct tui_app *a, int dir)
{
	size_t n = a->shown ? a->shown->nr_zones : 0;
	for (size_t tries = 0; tries < n; tries++) {
		a->zone = (a->zone + n + (size_t)(dir > 0 ? 1 : n - 1)) % n;
		if (tui_zone_visible(&a->shown->zones[a->zone]))
			break;
	}
	tui_clamp_view(a);
	tui_run_verdict(a);
}

/* The zone to start on: where the verdict decided, else the largest. */
static void choose_zone(struct tui_app *a)
{
	const struct fs_verdict *v = tui_shown_verdict(a);
	if (!a->shown)
		return;
	uint64_t best = 0;
	for (size_t i = 0; i < a->shown->nr_zones; i++) {
		const struct fs_zone *z = &a->shown->zones[i];
		char name[48];
		snprintf(name, sizeof(name), "Node %d %s", z->node, z->name);
		if (v && strcmp(name, v->decisive_zone) == 0) {
			a->zone = i;
			return;
		}
		uint64_t size = z->managed ? z->managed : z->free_pages;
		if (size > best) {
			best = size;
			a->zone = i;
		}
	}
}

void tui_apply(struct tui_app *a, struct tui_action act)
{
	switch (act.kind) {
	case TUI_ACT_QUIT: a->quit = true; break;
	case TUI_ACT_REDRAW: break;   /* the screen repaints */
	case TUI_ACT_HELP: break;
	case TUI_ACT_ZONE: move_zone(a, act.arg); break;
	case TUI_ACT_ORDER: a->order_sel += act.arg; tui_clamp_view(a); break;
	case TUI_ACT_ROW: a->row += act.arg; tui_clamp_view(a); break;
	case TUI_ACT_CELL_MODE: a->cell_mode = (a->cell_mode + 1) % TUI_CELL_MODES; break;
	case TUI_ACT_REQUEST_ORDER:
		tui_close_event(a);
		a->action_shown = false;
		set_request(a, a->gfp, a->gfp_text, a->order_sel, TUI_REQ_TYPED);
		tui_run_verdict(a);
		break;
	case TUI_ACT_ENTRY_BEGIN: begin_entry(a, (enum tui_field)act.arg); break;
	case TUI_ACT_ENTRY_APPLY: apply_entry(a, (enum tui_field)act.arg); break;
	case TUI_ACT_ENTRY_CANCEL: break;
	case TUI_ACT_ENTRY_CHANGED: break;
	case TUI_ACT_PANE: a->pane = (enum tui_pane)act.arg; break;
	case TUI_ACT_EVENT_MOVE: {
		long sel = (long)a->event_sel + act.arg;
		a->event_sel = sel < 0 ? 0 : (size_t)sel;
		tui_clamp_view(a);
		break;
	}
	case TUI_ACT_EVENT_OPEN: tui_open_event(a); break;
	case TUI_ACT_EVENT_CLOSE:
		tui_close_event(a);
		tui_clamp_view(a);
		tui_run_verdict(a);
		break;
	case TUI_ACT_EVENT_JUMP: jump_event(a, act.arg); break;
	case TUI_ACT_PLAY:
		a->playing = !a->playing;
		a->play_step = 1;
		a->next_step_at = tui_now();
		break;
	case TUI_ACT_STEP:
		a->playing = false;
		tui_seek(a, (long long)a->frame_index + act.arg);
		break;
	case TUI_ACT_SPEED: {
		double s = act.arg > 0 ? a->speed * 2 : a->speed / 2;
		a->speed = s > 4096 ? 4096 : s < 1.0 / 16 ? 1.0 / 16 : s;
		fs_source_set_speed(a->src, a->speed);
		tui_say(a, a->engine && !a->replay ? "simulated time x%g" : "replay speed x%g",
			a->speed);
		break;
	}
	case TUI_ACT_SEEK_FIRST: a->playing = false; tui_seek(a, 0); break;
	case TUI_ACT_SEEK_LAST:
		a->playing = false;
		tui_seek(a, (long long)fs_source_count(a->src) - 1);
		break;
	case TUI_ACT_VERDICT_SCROLL:
		a->verdict_scroll += act.arg;
		if (a->verdict_scroll < 0)
			a->verdict_scroll = 0;
		break;
	case TUI_ACT_FORK: tui_fork(a); break;
	case TUI_ACT_RETURN: tui_return(a); break;
	case TUI_ACT_ENGINE: tui_engine_key(a, (enum tui_engine_key)act.arg); break;
	case TUI_ACT_NONE: break;
	}
}

/* Returns the number of new frames. */
/* A stream that ended (the child exited) becomes a recording to move
 * through; its events are all in the list already. */
static void stream_ended(struct tui_app *a)
{
	a->replay = a->keys.replay = true;
	a->scan_done = true;
	a->playing = false;
	tui_say(a, "the source ended after %zu frames: Space, n, p, Home move through them",
		fs_source_count(a->src));
}

/* Live and child sources: the events of every new frame go to the list
 * and the frames to the trends; the screen follows the newest frame
 * (unless a failure is open on it). */
static void follow_stream(struct tui_app *a, int n)
{
	size_t count = fs_source_count(a->src), first = fs_source_first(a->src);
	size_t from = count > (size_t)n ? count - (size_t)n : 0;
	size_t before = a->nr_events;
	size_t last_read = a->event_open ? count : count - 1;   /* show_frame reads the last */
	for (size_t i = from < first ? first : from; i < last_read; i++) {
		struct fs_frame f;
		fs_frame_init(&f);
		if (fs_source_read(a->src, i, &f) == 0) {
			add_frame_events(a, i, &f);
			if (f.snapshot)
				tui_trend_add(&a->trend, i, f.time, f.snapshot);
		}
		fs_frame_clear(&f);
	}
	if (!a->event_open)
		tui_show_frame(a, count - 1);
	if (a->nr_events > before)
		tui_say(a, "page allocation failure: %s order %d", a->events[a->nr_events - 1].comm,
			a->events[a->nr_events - 1].order);
}

int tui_take_new_frames(struct tui_app *a)
{
	int n = fs_source_poll(a->src);
	tui_show_source_diags(a);
	if (n > 0 && !a->replay)
		follow_stream(a, n);
	if (!a->replay && fs_source_ended(a->src)) {
		stream_ended(a);
		return n > 0 ? n : 1;   /* the screen changes: redraw */
	}
	return n;
}

int tui_loop_timeout(struct tui_app *a, double now)
{
	int ms = fs_source_timeout_ms(a->src);
	if (a->replay && a->playing) {
		int step = (int)((a->next_step_at - now) * 1000.0);
		step = step < 0 ? 0 : step;
		ms = ms < 0 || step < ms ? step : ms;
	}
	if (a->message[0]) {
		int m = (int)((a->message_until - now) * 1000.0) + 1;
		m = m < 0 ? 0 : m;
		ms = ms < 0 || m < ms ? m : ms;
	}
	if (a->replay && !a->scan_done)
		ms = 0;
	return ms;
}

static void load_theme(struct tui_app *a)
{
	fs_theme_builtin(&a->theme);
	const char *name = a->opt->theme ? a->opt->theme : "default";
	char path[4096];
	if (fs_theme_find(name, a->opt->theme_dirs, a->opt->nr_theme_dirs, path, sizeof(path))) {
		if (a->opt->theme)
			snprintf(a->theme_note, sizeof(a->theme_note),
				 "no theme \"%s\" found: using the built-in default", name);
		return;
	}
	struct fs_diags d = { 0 };
	int rc = fs_theme_load_file(&a->theme, path, &d);
	if (rc != 0 || d.count) {
		/* A broken theme names its file and line; the default is used. */
		const struct fs_diag *g = d.count ? &d.items[0] : NULL;
		char where[300];
		fs_copy_str(where, sizeof(where), g ? g->source : path);
		char msg[200];
		fs_copy_str(msg, sizeof(msg), g ? g->message : "unreadable");
		int n = snprintf(a->theme_note, sizeof(a->theme_note), "%s%s line %u: %s",
				 rc ? "theme not used, default instead: " : "", where,
				 g ? g->line : 0, msg);
		(void)n;   /* a long note is cut; the file and line come first */
	}
	fs_diags_clear(&d);
}

void tui_app_init(struct tui_app *a, struct fs_source *src, const struct fs_tui_options *o)
{
	memset(a, 0, sizeof(*a));
	a->src = src;
	a->opt = o;
	/* Not which kind of source, but what it does: one whose frames are all
	 * there is moved through (play, seek); one that still yields frames is
	 * followed to its newest. */
	a->replay = fs_source_ended(src);
	fs_frame_init(&a->frame);
	fs_verdict_init(&a->verdict);
	fs_explanation_init(&a->explanation);
	tui_keys_init(&a->keys, a->replay);
	tui_trend_init(&a->trend);
	a->speed = o->speed > 0 ? o->speed : 1.0;
	/* a single frame (a proc dump, a log of one report) has nothing to play */
	a->playing = a->replay && !o->paused && fs_source_count(src) > 1;
	a->req_order = 3;
	a->pane = TUI_PANE_VERDICT;
	a->engine = fs_source_kind(src) == FS_SOURCE_ENGINE;
	a->keys.engine = a->engine;
	a->pbmap.engine_zone = -1;
	if (a->engine)
		fs_source_set_speed(src, a->speed);
	if (o->kernel)
		a->forced_profile = fs_kprofile_by_name(o->kernel);
	load_theme(a);
}

void tui_app_free(struct tui_app *a)
{
	tui_close_event(a);
	fs_frame_clear(&a->frame);
	fs_verdict_clear(&a->verdict);
	fs_explanation_clear(&a->explanation);
	tui_trend_free(&a->trend);
	for (size_t i = 0; i < a->nr_events; i++)
		free_kept(&a->events[i]);
	free(a->events);
	free(a->names);
	tui_pbmap_free(&a->pbmap);
	if (a->home) {
		/* on a fork: it is the view's own; the source forked from is the caller's */
		fs_source_close(a->src);
		a->src = NULL;
		tui_app_free(a->home);
		free(a->home);
		a->home = NULL;
	}
}

/* The first frame, the request, the zone to start on. */
void tui_first_frame(struct tui_app *a)
{
	default_request(a);
	size_t count = fs_source_count(a->src);
	if (count)
		tui_show_frame(a, a->replay ? fs_source_first(a->src) : count - 1);
	apply_options_request(a);
	tui_run_verdict(a);
	choose_zone(a);
	a->order_sel = a->req_order;
	tui_clamp_view(a);
	tui_run_verdict(a);
}


/* ---- the engine: forks, commands, the pageblock map ---- */

/* What a fork keeps of the view it leaves. */
struct fork_carry {
	uint64_t gfp;
	char gfp_text[TUI_ENTRY_MAX];
	int order;
	int node;
	char zone[FS_ZONE_NAME_MAX];
	int order_sel;
	enum tui_cell_mode cell_mode;
	enum tui_pane pane;
	double speed;
	enum fs_color_mode color_mode;
	bool utf8;
	int cols, rows;
};

static void carry_from(const struct tui_app *a, struct fork_carry *c)
{
	memset(c, 0, sizeof(*c));
	/* the request the verdict pane is about: an opened failure's, else the typed one */
	if (a->event_open && a->open_report.has_mode && a->open_report.order >= 0) {
		c->gfp = a->open_report.mode;
		if (a->open_report.mode_names[0])
			fs_copy_str(c->gfp_text, sizeof(c->gfp_text), a->open_report.mode_names);
		else
			snprintf(c->gfp_text, sizeof(c->gfp_text), "0x%" PRIx64, a->open_report.mode);
		c->order = a->open_report.order;
	} else {
		c->gfp = a->gfp;
		fs_copy_str(c->gfp_text, sizeof(c->gfp_text), a->gfp_text);
		c->order = a->req_order;
	}
	const struct fs_zone *z = tui_current_zone(a);
	c->node = z ? z->node : -1;
	if (z)
		fs_copy_str(c->zone, sizeof(c->zone), z->name);
	c->order_sel = a->order_sel;
	c->cell_mode = a->cell_mode;
	c->pane = a->pane;
	c->speed = a->speed;
	c->color_mode = a->color_mode;
	c->utf8 = a->utf8;
	c->cols = a->cols;
	c->rows = a->rows;
}

static void carry_to(struct tui_app *a, const struct fork_carry *c)
{
	a->color_mode = c->color_mode;
	a->utf8 = c->utf8;
	a->cols = c->cols;
	a->rows = c->rows;
	a->cell_mode = c->cell_mode;
	a->pane = c->pane;
	a->speed = c->speed;
	fs_source_set_speed(a->src, a->speed);
	set_request(a, c->gfp, c->gfp_text, c->order, TUI_REQ_FORK);
	for (size_t i = 0; a->shown && i < a->shown->nr_zones; i++)
		if (a->shown->zones[i].node == c->node && strcmp(a->shown->zones[i].name, c->zone) == 0)
			a->zone = i;
	a->order_sel = c->order_sel;
	tui_clamp_view(a);
	tui_run_verdict(a);
}

static struct fs_engine *fork_engine(struct tui_app *a, char *why, size_t why_size,
				     size_t *notes, char *first_note, size_t note_size)
{
	struct fs_engine_options eo;
	memset(&eo, 0, sizeof(eo));
	eo.profile = a->forced_profile;
	eo.seed = TUI_FORK_SEED;
	struct fs_diags d = { 0 };
	struct fs_engine *e = fs_engine_from_snapshot(a->shown, &eo, &d);
	*notes = d.count;
	first_note[0] = why[0] = '\0';
	if (d.count)
		fs_copy_str(e ? first_note : why, e ? note_size : why_size, d.items[0].message);
	fs_diags_clear(&d);
	return e;
}

void tui_fork(struct tui_app *a)
{
	if (!a->shown || a->shown->nr_zones == 0) {
		tui_say(a, "nothing to fork: this frame holds no zone state");
		return;
	}
	char why[200], note[200];
	size_t notes;
	struct fs_engine *e = fork_engine(a, why, sizeof(why), &notes, note, sizeof(note));
	if (!e) {
		tui_say(a, "cannot fork frame %zu into the engine: %s", a->frame_index + 1,
			why[0] ? why : "no usable zone");
		return;
	}
	char name[300];
	/* a file's name without its folders, as the status bar shows a replay's */
	const char *from = fs_source_name(a->home ? a->home->src : a->src);
	const char *slash = strrchr(from, '/');
	if (slash && slash[1] && fs_source_kind(a->home ? a->home->src : a->src) == FS_SOURCE_REPLAY)
		from = slash + 1;
	snprintf(name, sizeof(name), "fork of %.200s frame %zu%s", from, a->frame_index + 1,
		 a->event_open ? " (the failure's state)" : "");
	struct fs_source *src = fs_source_open_engine(e, NULL, name);
	size_t from_frame = a->frame_index + 1;
	struct fork_carry c;
	carry_from(a, &c);
	struct tui_app *home = a->home;
	if (home) {
		/* a fork of a fork replaces it; F still goes back to the first source */
		struct fs_source *old = a->src;
		a->home = NULL;
		tui_app_free(a);
		fs_source_close(old);
	} else {
		home = fs_xmalloc(sizeof(*home));
		*home = *a;       /* takes over what the view owned, as it was */
	}
	tui_app_init(a, src, home->opt);
	a->home = home;
	a->keys.forked = true;
	tui_first_frame(a);
	carry_to(a, &c);
	if (notes)
		tui_say(a, "forked frame %zu into the engine (seed %d); %zu note%s: %s; F returns",
			from_frame, TUI_FORK_SEED, notes, notes == 1 ? "" : "s", note);
	else
		tui_say(a, "forked frame %zu into the engine (seed %d): a alloc, x free, c compact, "
			"r reclaim, ! commands; F returns", from_frame, TUI_FORK_SEED);
}

void tui_return(struct tui_app *a)
{
	if (!a->home) {
		tui_say(a, a->engine ? "this engine is no fork: there is nothing to return to"
				     : "not on a fork: f forks the frame shown into the engine");
		return;
	}
	struct tui_app *home = a->home;
	struct fs_source *fork = a->src;
	size_t frames = fs_source_count(fork);
	a->home = NULL;
	tui_app_free(a);
	fs_source_close(fork);
	*a = *home;
	free(home);
	tui_say(a, "back to %s, frame %zu (the fork's %zu frame%s gone)", fs_source_name(a->src),
		a->frame_index + 1, frames, frames == 1 ? " is" : "s are");
}

void tui_command(struct tui_app *a, const char *command)
{
	char reply[TUI_REPLY_MAX];
	int rc = fs_source_command(a->src, command, reply, sizeof(reply));
	if (a->engine) {
		fs_copy_str(a->action_command, sizeof(a->action_command), command);
		fs_copy_str(a->action_reply, sizeof(a->action_reply), reply);
		a->action_rc = rc;
		a->action_shown = true;
		a->verdict_scroll = 0;
		/* the new state is what to look at, not a failure opened before */
		tui_close_event(a);
		tui_take_new_frames(a);
	}
	tui_say(a, "%s%s", rc == 0 ? "" : "command not taken: ", reply);
}

/* The request as command text: names where they are one word, else hex. */
static void request_text(const struct tui_app *a, char *out, size_t size, int *order)
{
	const char *names = a->gfp_text;
	uint64_t mask = a->gfp;
	*order = a->req_order;
	if (a->event_open && a->open_report.has_mode && a->open_report.order >= 0) {
		names = a->open_report.mode_names;
		mask = a->open_report.mode;
		*order = a->open_report.order;
	}
	if (names[0] && !strpbrk(names, " \t"))
		fs_copy_str(out, size, names);
	else
		snprintf(out, size, "0x%" PRIx64, mask);
}

void tui_engine_key(struct tui_app *a, enum tui_engine_key k)
{
	char cmd[TUI_ENTRY_MAX + 32], gfp[TUI_ENTRY_MAX];
	int order;
	const struct fs_zone *z = tui_current_zone(a);
	switch (k) {
	case TUI_ENG_ALLOC:
		request_text(a, gfp, sizeof(gfp), &order);
		snprintf(cmd, sizeof(cmd), "alloc %d %s", order, gfp);
		break;
	case TUI_ENG_FREE_RANDOM:
		snprintf(cmd, sizeof(cmd), "free random %d", TUI_FREE_RANDOM_KEY);
		break;
	case TUI_ENG_COMPACT:
		request_text(a, gfp, sizeof(gfp), &order);
		if (z)
			snprintf(cmd, sizeof(cmd), "compact %d:%s %d %s", z->node, z->name, order, gfp);
		else
			snprintf(cmd, sizeof(cmd), "compact");
		break;
	case TUI_ENG_RECLAIM:
		snprintf(cmd, sizeof(cmd), "reclaim %d", TUI_RECLAIM_KEY);
		break;
	case TUI_ENG_RUN:
		snprintf(cmd, sizeof(cmd), "%s", a->engine_running ? "pause" : "run");
		break;
	case TUI_ENG_STEP:
	default:
		snprintf(cmd, sizeof(cmd), "step");
		break;
	}
	tui_command(a, cmd);
	if (k == TUI_ENG_RUN && a->action_rc == 0)
		a->engine_running = !a->engine_running;
	if (k == TUI_ENG_STEP && a->action_rc == 0)
		a->engine_running = false;
}

int tui_engine_zone(const struct tui_app *a)
{
	struct fs_engine *e = a->engine ? fs_source_engine(a->src) : NULL;
	const struct fs_zone *z = tui_current_zone(a);
	return e && z ? tui_pbmap_zone(e, z->node, z->name) : -1;
}

void tui_pbmap_update(struct tui_app *a, size_t max_cells)
{
	struct fs_engine *e = a->engine ? fs_source_engine(a->src) : NULL;
	int zone = tui_engine_zone(a);
	size_t stamp = fs_source_count(a->src);
	struct tui_pbmap *m = &a->pbmap;
	bool same = m->valid && m->engine == e && m->engine_zone == zone &&
		    m->max_cells == max_cells;
	if (same && m->stamp == stamp)
		return;
	/* A running workload makes a frame every 50 ms or more often; a map of
	 * a big zone costs milliseconds: while it runs, 4 maps a second do. */
	double now = tui_now();
	if (same && a->engine_running && !fs_source_ended(a->src) &&
	    now - a->pbmap_at < PBMAP_RUNNING_S)
		return;
	tui_pbmap_compute(m, e, zone, max_cells);
	m->engine = e;
	m->stamp = stamp;
	m->max_cells = max_cells;
	a->pbmap_at = now;
}
