/*
 * app.c - the interactive view's main loop: terminal set-up and restore,
 * input (keys, mouse, resize), frames from the source, the request and
 * its verdict, replay timing. Drawing is in draw_*.c.
 *
 * The loop sleeps in poll() on the terminal and the source's descriptor,
 * with a timeout of whatever is due first (the next live snapshot, the
 * next replay step, the end of a message, background work). Nothing is
 * redrawn unless something changed, and ncurses sends only the cells that
 * differ from what the terminal shows.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "draw.h"
#include "fragscope/util.h"

#define SCAN_BUDGET_S 0.004      /* background event scan: per loop turn */
#define TREND_BACKFILL 160       /* frames read before a sought replay frame */
#define MESSAGE_S 6.0

static volatile sig_atomic_t stop_signal;
static bool screen_active;
static SCREEN *screen;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- terminal set-up and restore ---- */

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* A crash must not leave the terminal in raw mode: restore it, then die
 * of the same signal so the exit status and core dump stay true. endwin()
 * is not async-signal-safe, but we are dying anyway (htop does the same). */
static void on_crash(int sig)
{
	if (screen_active)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		sigaction(crash[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void restore_signals(void)
{
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

static bool locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static int screen_init(struct tui_app *a, const char *term, FILE *out, FILE *in,
		       struct fs_diags *diags)
{
	setlocale(LC_ALL, "");
	/* Numbers in the C locale whatever the user's: the tests read them. */
	setlocale(LC_NUMERIC, "C");
	a->utf8 = !a->opt->ascii && locale_is_utf8();
	SCREEN *scr = newterm(term && *term ? term : NULL, out, in);
	if (!scr) {
		fs_diags_add(diags, FS_SEV_ERROR, "fragscope", 0,
			     "cannot set up the terminal \"%s\" (terminfo entry missing?)",
			     term ? term : "");
		return -1;
	}
	set_term(scr);
	screen = scr;
	screen_active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	bool no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");
	a->color_mode = fs_color_mode_for(has_colors() ? COLORS : 0, no_color, a->opt->mono);
	tui_colors_init(a);
	return 0;
}

static void screen_done(void)
{
	if (!screen_active)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
	screen_active = false;
}

/* ---- messages ---- */

static void say(struct tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct tui_app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	a->message_until = now_s() + MESSAGE_S;
}

/* New diagnostics of the source become the status message (the newest). */
static void show_source_diags(struct tui_app *a)
{
	const struct fs_diags *d = fs_source_diags(a->src);
	if (!d || d->count <= a->diags_seen)
		return;
	const struct fs_diag *g = &d->items[d->count - 1];
	say(a, "%s: %s%s%s", fs_severity_name(g->severity), g->source, *g->source ? ": " : "",
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

static void run_verdict(struct tui_app *a)
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
const struct fs_verdict *tui_shown_verdict(const struct tui_app *a);
const struct fs_verdict *tui_shown_verdict(const struct tui_app *a)
{
	if (a->event_open)
		return a->explanation.verdict.profile ? &a->explanation.verdict : NULL;
	return a->verdict_valid ? &a->verdict : NULL;
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
	if (a->origin == TUI_REQ_TYPED || a->origin == TUI_REQ_OPTION)
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
			say(a, "--gfp %s: unknown for this kernel: %s", a->opt->gfp, unknown);
		text = a->opt->gfp;
	}
	char copy[TUI_ENTRY_MAX];
	snprintf(copy, sizeof(copy), "%s", text);
	set_request(a, mask, copy, a->opt->order >= 0 ? a->opt->order : a->req_order,
		    TUI_REQ_OPTION);
}

/* ---- events ---- */

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
	a->nr_events++;
}

static void add_frame_events(struct tui_app *a, size_t frame, const struct fs_frame *f)
{
	for (size_t i = 0; i < f->events.count; i++)
		add_event(a, frame, i, &f->events.items[i]);
}

/* Replay: read frames in the background, a few milliseconds per turn, to
 * find every event for the list and the timeline. */
static bool scan_events(struct tui_app *a)
{
	if (!a->replay || a->scan_done)
		return false;
	double until = now_s() + SCAN_BUDGET_S;
	size_t count = fs_source_count(a->src);
	bool found = false;
	while (a->scan_next < count && now_s() < until) {
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

static void clamp_view(struct tui_app *a)
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

static void close_event(struct tui_app *a)
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

static void show_frame(struct tui_app *a, size_t index)
{
	struct fs_frame f;
	fs_frame_init(&f);
	if (fs_source_read(a->src, index, &f) != 0) {
		fs_frame_clear(&f);
		show_source_diags(a);
		return;
	}
	close_event(a);
	fs_frame_clear(&a->frame);
	a->frame = f;
	a->have_frame = true;
	a->frame_index = index;
	a->shown = a->frame.snapshot;
	add_frame_events(a, index, &a->frame);
	feed_trend(a, index, &a->frame);
	follow_failure(a);
	clamp_view(a);
	run_verdict(a);
}

static void open_event(struct tui_app *a)
{
	if (a->nr_events == 0)
		return;
	const struct tui_event *e = &a->events[a->event_sel];
	if (e->frame != a->frame_index || !a->have_frame)
		show_frame(a, e->frame);
	if (e->frame != a->frame_index || e->index >= a->frame.events.count) {
		say(a, "event %zu is no longer readable (frame %zu)", a->event_sel + 1, e->frame);
		return;
	}
	close_event(a);
	fs_report_copy(&a->open_report, &a->frame.events.items[e->index]);
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
	clamp_view(a);
	run_verdict(a);
	a->pane = TUI_PANE_VERDICT;
	if (!a->open_report.snapshot)
		say(a, "this report printed no per-zone state: showing the frame it came with");
}

/* ---- replay ---- */

static double frame_gap(struct tui_app *a, size_t from, size_t to)
{
	/* Frames of a capture are seconds apart; reports of a log are events.
	 * Play at the recorded pace, clamped to [0.05 s, 2 s] per step. */
	double gap = 1.0;
	struct fs_frame f;
	fs_frame_init(&f);
	if (fs_source_read(a->src, to, &f) == 0 && isfinite(f.time) && isfinite(a->frame.time) &&
	    from < to && f.time > a->frame.time)
		gap = f.time - a->frame.time;
	fs_frame_clear(&f);
	gap /= a->speed;
	return gap < 0.05 ? 0.05 : gap > 2.0 ? 2.0 : gap;
}

static void seek(struct tui_app *a, long long target)
{
	size_t count = fs_source_count(a->src), first = fs_source_first(a->src);
	if (count == 0)
		return;
	if (target < (long long)first)
		target = (long long)first;
	if (target >= (long long)count)
		target = (long long)count - 1;
	if ((size_t)target != a->frame_index || !a->have_frame)
		show_frame(a, (size_t)target);
}

static void replay_tick(struct tui_app *a, double now)
{
	if (!a->replay || !a->playing || now < a->next_step_at)
		return;
	size_t count = fs_source_count(a->src);
	if (a->frame_index + 1 >= count) {
		a->playing = false;
		say(a, "end of replay: frame %zu of %zu", a->frame_index + 1, count);
		return;
	}
	size_t next = a->frame_index + 1;
	double gap = frame_gap(a, a->frame_index, next + 1 < count ? next + 1 : next);
	seek(a, (long long)next);
	a->next_step_at = now + gap;
}

static void jump_event(struct tui_app *a, int dir)
{
	if (a->nr_events == 0) {
		say(a, a->scan_done ? "no allocation failures in this source"
				    : "no allocation failure found yet (still scanning)");
		return;
	}
	if (dir > 0) {
		for (size_t i = 0; i < a->nr_events; i++)
			if (a->events[i].frame > a->frame_index) {
				a->event_sel = i;
				seek(a, (long long)a->events[i].frame);
				return;
			}
		say(a, "no allocation failure after frame %zu", a->frame_index + 1);
	} else {
		for (size_t i = a->nr_events; i > 0; i--)
			if (a->events[i - 1].frame < a->frame_index) {
				a->event_sel = i - 1;
				seek(a, (long long)a->events[i - 1].frame);
				return;
			}
		say(a, "no allocation failure before frame %zu", a->frame_index + 1);
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
	else if (field == TUI_FIELD_COMMAND)
		snprintf(a->keys.hint, sizeof(a->keys.hint), "for %s sources",
			 fs_source_kind_name(fs_source_kind(a->src)));
	curs_set(1);
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
	curs_set(0);
	if (field == TUI_FIELD_GFP) {
		uint64_t mask;
		char unknown[128];
		if (!parse_request_gfp(a, text, &mask, unknown, sizeof(unknown))) {
			/* what was kept first: the list of unknown names can be long */
			say(a, "not a gfp mask for kernel %s, kept %s: %s", current_profile(a)->name,
			    a->gfp_text, unknown[0] ? unknown : text);
			return;
		}
		char copy[TUI_ENTRY_MAX];
		snprintf(copy, sizeof(copy), "%s", text);
		close_event(a);
		set_request(a, mask, copy, a->req_order, TUI_REQ_TYPED);
	} else if (field == TUI_FIELD_ORDER) {
		int max = tui_nr_orders(a) - 1;
		if (!parse_int(text, 0, max, &v)) {
			say(a, "an order is a number from 0 to %d, got \"%s\"", max, text);
			return;
		}
		close_event(a);
		set_request(a, a->gfp, a->gfp_text, (int)v, TUI_REQ_TYPED);
		a->order_sel = (int)v;
	} else if (field == TUI_FIELD_COMMAND) {
		char reply[256];
		int rc = fs_source_command(a->src, text, reply, sizeof(reply));
		say(a, "%s%s", rc == 0 ? "" : "command not taken: ", reply);
		return;
	} else {
		long count = (long)fs_source_count(a->src);
		if (!parse_int(text, 1, count, &v)) {
			say(a, "a frame is a number from 1 to %ld, got \"%s\"", count, text);
			return;
		}
		seek(a, v - 1);
		return;
	}
	clamp_view(a);
	run_verdict(a);
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
	clamp_view(a);
	run_verdict(a);
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

static void apply(struct tui_app *a, struct tui_action act)
{
	switch (act.kind) {
	case TUI_ACT_QUIT: a->quit = true; break;
	case TUI_ACT_REDRAW: clearok(curscr, TRUE); break;
	case TUI_ACT_HELP: break;
	case TUI_ACT_ZONE: move_zone(a, act.arg); break;
	case TUI_ACT_ORDER: a->order_sel += act.arg; clamp_view(a); break;
	case TUI_ACT_ROW: a->row += act.arg; clamp_view(a); break;
	case TUI_ACT_CELL_MODE: a->cell_mode = (a->cell_mode + 1) % TUI_CELL_MODES; break;
	case TUI_ACT_REQUEST_ORDER:
		close_event(a);
		set_request(a, a->gfp, a->gfp_text, a->order_sel, TUI_REQ_TYPED);
		run_verdict(a);
		break;
	case TUI_ACT_ENTRY_BEGIN: begin_entry(a, (enum tui_field)act.arg); break;
	case TUI_ACT_ENTRY_APPLY: apply_entry(a, (enum tui_field)act.arg); break;
	case TUI_ACT_ENTRY_CANCEL: curs_set(0); break;
	case TUI_ACT_ENTRY_CHANGED: break;
	case TUI_ACT_PANE: a->pane = (enum tui_pane)act.arg; break;
	case TUI_ACT_EVENT_MOVE: {
		long sel = (long)a->event_sel + act.arg;
		a->event_sel = sel < 0 ? 0 : (size_t)sel;
		clamp_view(a);
		break;
	}
	case TUI_ACT_EVENT_OPEN: open_event(a); break;
	case TUI_ACT_EVENT_CLOSE:
		close_event(a);
		clamp_view(a);
		run_verdict(a);
		break;
	case TUI_ACT_EVENT_JUMP: jump_event(a, act.arg); break;
	case TUI_ACT_PLAY:
		a->playing = !a->playing;
		a->next_step_at = now_s();
		break;
	case TUI_ACT_STEP:
		a->playing = false;
		seek(a, (long long)a->frame_index + act.arg);
		break;
	case TUI_ACT_SPEED: {
		double s = act.arg > 0 ? a->speed * 2 : a->speed / 2;
		a->speed = s > 64 ? 64 : s < 1.0 / 16 ? 1.0 / 16 : s;
		say(a, "replay speed x%g", a->speed);
		break;
	}
	case TUI_ACT_SEEK_FIRST: a->playing = false; seek(a, 0); break;
	case TUI_ACT_SEEK_LAST:
		a->playing = false;
		seek(a, (long long)fs_source_count(a->src) - 1);
		break;
	case TUI_ACT_VERDICT_SCROLL:
		a->verdict_scroll += act.arg;
		if (a->verdict_scroll < 0)
			a->verdict_scroll = 0;
		break;
	case TUI_ACT_NONE: break;
	}
}

/* ---- mouse ---- */

static void mouse_heatmap(struct tui_app *a, int y, int x)
{
	const struct fs_zone *z = tui_current_zone(a);
	enum fs_mt rows[FS_MT_COUNT];
	int nr_rows = z ? tui_zone_rows(a, z, rows) : 0, row, order;
	if (!tui_layout_heatmap_cell(&a->layout, nr_rows, y, x, &row, &order))
		return;
	if (row >= 0)
		a->row = row;
	a->order_sel = order;
	a->keys.mode = TUI_MODE_NORMAL;
	clamp_view(a);
}

static void mouse_tabs(struct tui_app *a, int x)
{
	int zone = tui_tab_at(a, x);
	if (zone < 0)
		return;
	a->zone = (size_t)zone;
	clamp_view(a);
	run_verdict(a);
}

static void mouse_events(struct tui_app *a, int y)
{
	const struct tui_rect *r = &a->layout.pane[TUI_PANE_EVENTS];
	int line = y - r->y - 1;   /* the first row is the title */
	if (line < 0 || a->nr_events == 0)
		return;
	int visible = r->h - 1;
	size_t top = a->event_sel >= (size_t)visible ? a->event_sel - (size_t)visible + 1 : 0;
	size_t sel = top + (size_t)line;
	if (sel >= a->nr_events)
		return;
	a->event_sel = sel;
	a->keys.mode = TUI_MODE_EVENTS;
	open_event(a);
}

static void handle_mouse(struct tui_app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		apply(a, (struct tui_action){ TUI_ACT_VERDICT_SCROLL, -3 });
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		apply(a, (struct tui_action){ TUI_ACT_VERDICT_SCROLL, 3 });
		return;
	}
	switch (tui_layout_hit(&a->layout, ev.y, ev.x)) {
	case TUI_HIT_HEATMAP: mouse_heatmap(a, ev.y, ev.x); break;
	case TUI_HIT_TABS: mouse_tabs(a, ev.x); break;
	case TUI_HIT_EVENTS: mouse_events(a, ev.y); break;
	case TUI_HIT_PANE_TABS:
		a->pane = (enum tui_pane)(ev.x * TUI_PANE_COUNT / (a->cols > 0 ? a->cols : 1));
		break;
	case TUI_HIT_TIMELINE:
		if (a->replay && a->cols > 1) {
			size_t count = fs_source_count(a->src);
			a->playing = false;
			seek(a, (long long)((double)ev.x / (a->cols - 1) * (double)(count - 1) + 0.5));
		}
		break;
	default: break;
	}
}

/* ncurses key codes to the key machine's. */
static int map_key(int status, wint_t ch)
{
	if (status == OK) {
		if (ch == '\r')
			return TUI_KEY_ENTER;
		if (ch == 12)
			return TUI_KEY_CTRL_L;
		if (ch == 21)
			return TUI_KEY_CTRL_U;
		if (ch == 8)
			return TUI_KEY_BACKSPACE;
		return ch < 0x10000 ? (int)ch : 0;
	}
	switch (ch) {
	case KEY_UP: return TUI_KEY_UP;
	case KEY_DOWN: return TUI_KEY_DOWN;
	case KEY_LEFT: return TUI_KEY_LEFT;
	case KEY_RIGHT: return TUI_KEY_RIGHT;
	case KEY_HOME: return TUI_KEY_HOME;
	case KEY_END: return TUI_KEY_END;
	case KEY_PPAGE: return TUI_KEY_PGUP;
	case KEY_NPAGE: return TUI_KEY_PGDN;
	case KEY_BTAB: return TUI_KEY_BTAB;
	case KEY_DC: return TUI_KEY_DELETE;
	case KEY_BACKSPACE: return TUI_KEY_BACKSPACE;
	case KEY_ENTER: return TUI_KEY_ENTER;
	case KEY_F(1): return TUI_KEY_F1;
	case KEY_F(10): return TUI_KEY_F10;
	case KEY_RESIZE: return TUI_KEY_RESIZE;
	default: return 0;
	}
}

/*
 * An escape sequence the terminfo entry does not know (tmux sends Home as
 * "\e[1~" where xterm-256color says "\eOH") arrives as Escape and then its
 * characters. Read the rest and map the common ones; drop the others, so
 * that "[" of a sequence never acts as the "10 frames back" key.
 */
static int read_escape(void)
{
	wint_t ch;
	char seq[24];
	size_t n = 0;
	if (get_wch(&ch) == ERR)
		return TUI_KEY_ESC;   /* Escape alone */
	if (ch != '[' && ch != 'O') {
		unget_wch(ch);        /* Alt+key: Escape, then the key */
		return TUI_KEY_ESC;
	}
	seq[n++] = (char)ch;
	while (n < sizeof(seq) - 1 && get_wch(&ch) != ERR) {
		seq[n++] = (char)ch;
		if (ch >= 0x40 && ch <= 0x7e && n > 1)
			break;
	}
	seq[n] = '\0';
	static const struct { const char *seq; int key; } known[] = {
		{ "[1~", TUI_KEY_HOME }, { "[7~", TUI_KEY_HOME }, { "[H", TUI_KEY_HOME },
		{ "OH", TUI_KEY_HOME }, { "[4~", TUI_KEY_END }, { "[8~", TUI_KEY_END },
		{ "[F", TUI_KEY_END }, { "OF", TUI_KEY_END }, { "[A", TUI_KEY_UP },
		{ "[B", TUI_KEY_DOWN }, { "[C", TUI_KEY_RIGHT }, { "[D", TUI_KEY_LEFT },
		{ "OA", TUI_KEY_UP }, { "OB", TUI_KEY_DOWN }, { "OC", TUI_KEY_RIGHT },
		{ "OD", TUI_KEY_LEFT }, { "[5~", TUI_KEY_PGUP }, { "[6~", TUI_KEY_PGDN },
		{ "[3~", TUI_KEY_DELETE }, { "[Z", TUI_KEY_BTAB }, { "OP", TUI_KEY_F1 },
		{ "[11~", TUI_KEY_F1 }, { "[21~", TUI_KEY_F10 },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(seq, known[i].seq) == 0)
			return known[i].key;
	return 0;
}

/* Read every key waiting; true when any changed the screen. */
static bool read_keys(struct tui_app *a)
{
	bool changed = false;
	wint_t ch;
	int status;
	while ((status = get_wch(&ch)) != ERR) {
		changed = true;
		if (status == KEY_CODE_YES && ch == KEY_MOUSE) {
			handle_mouse(a);
			continue;
		}
		int key = status == OK && ch == 27 ? read_escape() : map_key(status, ch);
		if (key == TUI_KEY_RESIZE)
			clearok(curscr, TRUE);
		if (key)
			apply(a, tui_keys_feed(&a->keys, key));
		if (a->quit)
			break;
	}
	return changed;
}

/* ---- the loop ---- */

/* Returns the number of new frames. */
static int take_new_frames(struct tui_app *a)
{
	int n = fs_source_poll(a->src);
	show_source_diags(a);
	if (n <= 0)
		return n;
	size_t count = fs_source_count(a->src);
	if (!a->replay) {
		/* Live and child sources: every frame's events go to the list; the
		 * screen follows the newest frame. */
		size_t first = fs_source_first(a->src);
		size_t from = count > (size_t)n ? count - (size_t)n : 0;
		for (size_t i = from < first ? first : from; i + 1 < count; i++) {
			struct fs_frame f;
			fs_frame_init(&f);
			if (fs_source_read(a->src, i, &f) == 0) {
				add_frame_events(a, i, &f);
				if (f.snapshot)
					tui_trend_add(&a->trend, i, f.time, f.snapshot);
			}
			fs_frame_clear(&f);
		}
		size_t before = a->nr_events;
		if (!a->event_open)
			show_frame(a, count - 1);
		if (a->nr_events > before)
			say(a, "page allocation failure: %s order %d",
			    a->events[a->nr_events - 1].comm, a->events[a->nr_events - 1].order);
	}
	return n;
}

static int loop_timeout(struct tui_app *a, double now)
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

/* Waiting on a descriptor that stays readable without giving anything (a
 * FIFO whose writer left, a file given as --kmsg) would spin: after such a
 * wake-up the next wait leaves it out, for at most this long. */
#define IDLE_FD_PAUSE_MS 250

static void run_loop(struct tui_app *a)
{
	bool dirty = true, skip_fd = false;
	while (!a->quit && !stop_signal) {
		double now = now_s();
		if (a->message[0] && now >= a->message_until) {
			a->message[0] = '\0';
			dirty = true;
		}
		if (dirty) {
			tui_draw(a);
			a->frames_drawn++;
			dirty = false;
			if (a->opt->exit_after_frames && a->frames_drawn >= a->opt->exit_after_frames)
				break;
		}
		struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { -1, POLLIN, 0 } };
		fds[1].fd = skip_fd ? -1 : fs_source_fd(a->src);
		int timeout = loop_timeout(a, now);
		if (skip_fd && (timeout < 0 || timeout > IDLE_FD_PAUSE_MS))
			timeout = IDLE_FD_PAUSE_MS;
		int rc = poll(fds, fds[1].fd >= 0 ? 2 : 1, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
			/* The terminal is gone (its window closed without a SIGHUP
			 * reaching us): nothing to draw on, and polling it would spin. */
			a->quit = true;
			break;
		}
		bool fd_woke = rc > 0 && fds[1].fd >= 0 && fds[1].revents;
		if (read_keys(a))
			dirty = true;
		size_t before = fs_source_count(a->src);
		size_t diags_before = a->diags_seen;
		skip_fd = take_new_frames(a) <= 0 && fd_woke;
		dirty |= fs_source_count(a->src) != before || a->diags_seen != diags_before;
		size_t shown = a->frame_index;
		replay_tick(a, now_s());
		dirty |= shown != a->frame_index;
		dirty |= scan_events(a);
		if (stop_signal)
			break;
	}
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

static void app_init(struct tui_app *a, struct fs_source *src, const struct fs_tui_options *o)
{
	memset(a, 0, sizeof(*a));
	a->src = src;
	a->opt = o;
	a->replay = fs_source_kind(src) == FS_SOURCE_REPLAY;
	fs_frame_init(&a->frame);
	fs_verdict_init(&a->verdict);
	fs_explanation_init(&a->explanation);
	tui_keys_init(&a->keys, a->replay);
	tui_trend_init(&a->trend);
	a->speed = o->speed > 0 ? o->speed : 1.0;
	a->playing = a->replay && !o->paused;
	a->req_order = 3;
	a->pane = TUI_PANE_VERDICT;
	if (o->kernel)
		a->forced_profile = fs_kprofile_by_name(o->kernel);
	load_theme(a);
}

static void app_free(struct tui_app *a)
{
	close_event(a);
	fs_frame_clear(&a->frame);
	fs_verdict_clear(&a->verdict);
	fs_explanation_clear(&a->explanation);
	tui_trend_free(&a->trend);
	free(a->events);
	free(a->names);
}

/* The first frame, the request, the zone to start on. */
static void first_frame(struct tui_app *a)
{
	default_request(a);
	size_t count = fs_source_count(a->src);
	if (count)
		show_frame(a, a->replay ? fs_source_first(a->src) : count - 1);
	apply_options_request(a);
	run_verdict(a);
	choose_zone(a);
	a->order_sel = a->req_order;
	clamp_view(a);
	run_verdict(a);
}

int fs_tui_run(struct fs_source *src, const struct fs_tui_options *o, struct fs_diags *diags)
{
	struct tui_app *a = calloc(1, sizeof(*a));
	if (!a) {
		fs_diags_add(diags, FS_SEV_ERROR, "fragscope", 0, "out of memory");
		return -1;
	}
	app_init(a, src, o);
	if (o->kernel && !a->forced_profile) {
		fs_diags_add(diags, FS_SEV_ERROR, "fragscope", 0,
			     "--kernel %s: no such kernel profile (see fragscope gfp --help)",
			     o->kernel);
		app_free(a);
		free(a);
		return -1;
	}
	stop_signal = 0;
	install_signals();
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fs_diags_add(diags, FS_SEV_ERROR, "fragscope", 0,
			     "the interactive view needs a terminal; use fragscope show or "
			     "explain for text");
		restore_signals();
		app_free(a);
		free(a);
		return -1;
	}
	if (screen_init(a, getenv("TERM"), stdout, stdin, diags) != 0) {
		restore_signals();
		app_free(a);
		free(a);
		return -1;
	}
	first_frame(a);
	if (a->theme_note[0])
		say(a, "%s", a->theme_note);
	else
		show_source_diags(a);
	run_loop(a);
	screen_done();
	restore_signals();
	app_free(a);
	free(a);
	return stop_signal ? (int)stop_signal : 0;
}

/* ---- benchmark ---- */

static size_t out_bytes(FILE *out)
{
	fflush(out);
	long pos = ftell(out);
	return pos > 0 ? (size_t)pos : 0;
}

int fs_tui_bench_run(struct fs_source *src, const struct fs_tui_options *o, int cols, int rows,
		     int iterations, struct fs_tui_bench *r, struct fs_diags *diags)
{
	memset(r, 0, sizeof(*r));
	double t0 = now_s();
	FILE *out = tmpfile(), *in = fopen("/dev/null", "r");
	struct tui_app *a = calloc(1, sizeof(*a));
	int rc = -1;
	if (!out || !in || !a) {
		fs_diags_add(diags, FS_SEV_ERROR, "bench", 0, "cannot set up the output");
		goto done;
	}
	app_init(a, src, o);
	if (screen_init(a, "xterm-256color", out, in, diags) != 0)
		goto done;
	resizeterm(rows, cols);
	first_frame(a);
	tui_draw(a);
	r->first_frame_ms = (now_s() - t0) * 1000.0;
	r->first_frame_bytes = out_bytes(out);
	double full = 0, same = 0;
	size_t full_bytes = 0, same_bytes = 0;
	for (int i = 0; i < iterations; i++) {
		size_t b0 = out_bytes(out);
		double t = now_s();
		clearok(curscr, TRUE);
		tui_draw(a);
		fflush(out);
		full += now_s() - t;
		size_t b1 = out_bytes(out);
		full_bytes += b1 - b0;
		t = now_s();
		tui_draw(a);
		fflush(out);
		same += now_s() - t;
		same_bytes += out_bytes(out) - b1;
	}
	if (iterations > 0) {
		r->full_redraw_ms = full * 1000.0 / iterations;
		r->full_redraw_bytes = full_bytes / (size_t)iterations;
		r->unchanged_ms = same * 1000.0 / iterations;
		r->unchanged_bytes = (double)same_bytes / iterations;
	}
	rc = 0;
	screen_done();
	app_free(a);
done:
	free(a);
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	return rc;
}
