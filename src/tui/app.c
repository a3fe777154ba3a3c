/*
 * app.c - the interactive view on a terminal: set-up and restore (normal
 * exit, SIGINT, SIGTERM, SIGHUP, a crash signal), the main loop, keys,
 * mouse and resize. What an action does to the state is in state.c, the
 * drawing in draw_*.c.
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

#define NOTE_S 30.0             /* how long the opening note stays */

static volatile sig_atomic_t stop_signal;
static bool screen_active;
static SCREEN *screen;

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

/* An action, then what the terminal itself must do about it. */
static void apply(struct tui_app *a, struct tui_action act)
{
	if (act.kind == TUI_ACT_REDRAW)
		clearok(curscr, TRUE);
	tui_apply(a, act);
	curs_set(a->keys.mode == TUI_MODE_ENTRY ? 1 : 0);
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
	tui_clamp_view(a);
}

static void mouse_tabs(struct tui_app *a, int x)
{
	int zone = tui_tab_at(a, x);
	if (zone < 0)
		return;
	a->zone = (size_t)zone;
	tui_clamp_view(a);
	tui_run_verdict(a);
}

static void mouse_events(struct tui_app *a, int y)
{
	const struct tui_rect *r = &a->layout.pane[TUI_PANE_EVENTS];
	int line = y - r->y - 1;   /* the first row is the title */
	if (line < 0 || a->nr_events == 0)
		return;
	int visible = r->h - 1;
	size_t top = tui_events_top(a, visible);
	size_t sel = top + (size_t)line;
	if (sel >= a->nr_events)
		return;
	a->event_sel = sel;
	a->keys.mode = TUI_MODE_EVENTS;
	tui_open_event(a);
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
		a->pane = (enum tui_pane)(ev.x * tui_layout_nr_pane_tabs(&a->layout) /
					  (a->cols > 0 ? a->cols : 1));
		break;
	case TUI_HIT_TIMELINE:
		if (a->replay && a->cols > 1) {
			size_t count = fs_source_count(a->src);
			a->playing = false;
			tui_seek(a, (long long)((double)ev.x / (a->cols - 1) * (double)(count - 1) + 0.5));
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

/* Waiting on a descriptor that stays readable without giving anything (a
 * FIFO whose writer left, a file given as --kmsg) would spin: after such a
 * wake-up the next wait leaves it out, for at most this long. */
#define IDLE_FD_PAUSE_MS 250

static void run_loop(struct tui_app *a)
{
	bool dirty = true, skip_fd = false;
	while (!a->quit && !stop_signal) {
		double now = tui_now();
		if (a->message[0] && now >= a->message_until) {
			a->message[0] = '\0';
			dirty = true;
		}
		if (dirty) {
			tui_draw(a);
			dirty = false;
		}
		struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { -1, POLLIN, 0 } };
		fds[1].fd = skip_fd ? -1 : fs_source_fd(a->src);
		int timeout = tui_loop_timeout(a, now);
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
		skip_fd = tui_take_new_frames(a) <= 0 && fd_woke;
		dirty |= fs_source_count(a->src) != before || a->diags_seen != diags_before;
		size_t shown = a->frame_index;
		tui_replay_tick(a, tui_now());
		dirty |= shown != a->frame_index;
		dirty |= tui_scan_events(a);
		if (stop_signal)
			break;
	}
}

int fs_tui_run(struct fs_source *src, const struct fs_tui_options *o, struct fs_diags *diags)
{
	struct tui_app *a = calloc(1, sizeof(*a));
	if (!a) {
		fs_diags_add(diags, FS_SEV_ERROR, "fragscope", 0, "out of memory");
		return -1;
	}
	tui_app_init(a, src, o);
	if (o->kernel && !a->forced_profile) {
		fs_diags_add(diags, FS_SEV_ERROR, "fragscope", 0,
			     "--kernel %s: no such kernel profile (see fragscope gfp --help)",
			     o->kernel);
		tui_app_free(a);
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
		tui_app_free(a);
		free(a);
		return -1;
	}
	if (screen_init(a, getenv("TERM"), stdout, stdin, diags) != 0) {
		restore_signals();
		tui_app_free(a);
		free(a);
		return -1;
	}
	tui_first_frame(a);
	if (o->note) {
		/* why this is not what was asked for (the bundled snapshot): long */
		tui_say(a, "%s", o->note);
		a->message_until = tui_now() + NOTE_S;
	} else if (a->theme_note[0]) {
		tui_say(a, "%s", a->theme_note);
	} else {
		tui_show_source_diags(a);
	}
	run_loop(a);
	screen_done();
	restore_signals();
	tui_app_free(a);
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
	double t0 = tui_now();
	FILE *out = tmpfile(), *in = fopen("/dev/null", "r");
	struct tui_app *a = calloc(1, sizeof(*a));
	int rc = -1;
	if (!out || !in || !a) {
		fs_diags_add(diags, FS_SEV_ERROR, "bench", 0, "cannot set up the output");
		goto done;
	}
	tui_app_init(a, src, o);
	if (screen_init(a, "xterm-256color", out, in, diags) != 0)
		goto done;
	resizeterm(rows, cols);
	tui_first_frame(a);
	tui_draw(a);
	r->first_frame_ms = (tui_now() - t0) * 1000.0;
	r->first_frame_bytes = out_bytes(out);
	double full = 0, same = 0;
	size_t full_bytes = 0, same_bytes = 0;
	for (int i = 0; i < iterations; i++) {
		size_t b0 = out_bytes(out);
		double t = tui_now();
		clearok(curscr, TRUE);
		tui_draw(a);
		fflush(out);
		full += tui_now() - t;
		size_t b1 = out_bytes(out);
		full_bytes += b1 - b0;
		t = tui_now();
		tui_draw(a);
		fflush(out);
		same += tui_now() - t;
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
	tui_app_free(a);
done:
	free(a);
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	return rc;
}
