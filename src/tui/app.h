/*
 * app.h - the interactive view's state, shared by the main loop (app.c,
 * which changes it) and the drawing (draw_*.c, which only reads it).
 */
#ifndef FRAGSCOPE_TUI_APP_H
#define FRAGSCOPE_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/frame.h"
#include "fragscope/kprofile.h"
#include "fragscope/source.h"
#include "fragscope/theme.h"
#include "fragscope/tui.h"
#include "fragscope/tui_heat.h"
#include "fragscope/tui_keys.h"
#include "fragscope/tui_layout.h"
#include "fragscope/tui_pbmap.h"
#include "fragscope/tui_trend.h"
#include "fragscope/verdict.h"

/* One allocation failure seen in the source, for the event list and the
 * timeline. The report itself stays in its frame; it is read again when
 * the event is opened. */
struct tui_event {
	size_t frame, index;            /* frame number, report index in it */
	double time;
	enum fs_time_base time_base;
	enum fs_report_kind kind;
	char comm[32];
	int pid;
	int order;
	bool has_mode;
	uint64_t mode;
	char mode_names[96];
	char release[64];
	/* Live and child sources keep few frames: the newest events keep a
	 * copy of their report (and the state printed with it) so that they
	 * can still be opened. NULL for a replay, which can read any frame. */
	struct fs_report *kept;
};

#define TUI_LIVE_EVENTS_MAX 10000     /* events listed while watching */
#define TUI_LIVE_REPORTS_KEPT 64      /* ... of which the newest keep their report */

enum tui_request_origin {
	TUI_REQ_DEFAULT,                /* GFP_KERNEL order 3 */
	TUI_REQ_FAILURE,                /* the last failure's request */
	TUI_REQ_TYPED,                  /* the user's */
	TUI_REQ_OPTION,                 /* --gfp / --order */
	TUI_REQ_FORK,                   /* the one on screen when the frame was forked */
};

#define TUI_FORK_SEED 1               /* the same frame forks into the same machine */
#define TUI_FREE_RANDOM_KEY 16        /* x: free random 16 */
#define TUI_RECLAIM_KEY 1024          /* r: reclaim 1024 */
#define TUI_REPLY_MAX 1024

struct tui_app {
	struct fs_source *src;
	const struct fs_tui_options *opt;
	bool replay;                    /* frames can be sought (not live) */

	/* the frame on screen */
	struct fs_frame frame;
	bool have_frame;
	size_t frame_index;
	const struct fs_snapshot *shown;     /* frame.snapshot, or the opened report's */

	/* events */
	struct tui_event *events;
	size_t nr_events, events_cap;
	size_t event_sel;
	size_t scan_next;               /* replay: next frame the event scan reads */
	bool scan_done;
	bool event_open;
	struct fs_report open_report;   /* copy of the opened event's report */
	struct fs_explanation explanation;

	/* view */
	struct tui_keys keys;
	struct tui_layout layout;
	int cols, rows;
	size_t zone;                    /* index into shown->zones */
	int row;                        /* migratetype row */
	int order_sel;                  /* selected column */
	enum tui_cell_mode cell_mode;
	enum tui_pane pane;
	int verdict_scroll;

	/* the request */
	char gfp_text[TUI_ENTRY_MAX];
	uint64_t gfp;
	int req_order;
	enum tui_request_origin origin;
	const struct fs_kprofile *forced_profile;   /* --kernel */
	struct fs_verdict verdict;
	bool verdict_valid;
	struct tui_overlay overlay;
	const char **names;             /* completion: the profile's gfp names */
	size_t nr_names;
	const struct fs_kprofile *names_profile;

	/* trends */
	struct tui_trend trend;

	/* replay */
	bool playing;
	double speed;
	double next_step_at;            /* monotonic seconds */
	size_t play_step;               /* frames a step advances (fast pace) */

	/* look */
	struct fs_theme theme;
	enum fs_color_mode color_mode;
	bool utf8;
	char theme_note[600];           /* why the default theme is used */

	/* messages */
	char message[256];
	double message_until;
	size_t diags_seen;

	/* the engine (issue 5): a fork of a frame, or the source itself */
	struct tui_app *home;           /* the view forked from, as it was left; NULL: none */
	bool engine;                    /* the source is the engine: commands, the map */
	bool engine_running;            /* a workload was told to run */
	bool action_shown;              /* the verdict pane shows the last command */
	int action_rc;
	char action_command[TUI_ENTRY_MAX + 32];
	char action_reply[TUI_REPLY_MAX];
	struct tui_pbmap pbmap;         /* cells of the zone shown, for the pane */
	double pbmap_at;                /* when they were computed (monotonic s) */

	bool quit;
};

/* ---- state.c: the state and how it changes (no ncurses) ---- */

void tui_app_init(struct tui_app *a, struct fs_source *src, const struct fs_tui_options *o);
void tui_app_free(struct tui_app *a);
/* The first frame, the request (the options', the last failure's, or
 * GFP_KERNEL order 3), the zone to start on. */
void tui_first_frame(struct tui_app *a);
/* What an action of the key machine does to the state. */
void tui_apply(struct tui_app *a, struct tui_action act);
/* Poll the source; live and child sources follow the newest frame. Returns
 * the number of new frames, or -1 when the source failed. */
int tui_take_new_frames(struct tui_app *a);
/* Milliseconds until something is due (-1: nothing but input). */
int tui_loop_timeout(struct tui_app *a, double now);
/* Replay: the next frame when playing and due. */
void tui_replay_tick(struct tui_app *a, double now);
/* Replay: a few milliseconds of the background scan for events; true when
 * it found some or finished. */
bool tui_scan_events(struct tui_app *a);

void tui_show_frame(struct tui_app *a, size_t index);
void tui_seek(struct tui_app *a, long long target);
void tui_open_event(struct tui_app *a);      /* the selected event */
void tui_close_event(struct tui_app *a);
void tui_run_verdict(struct tui_app *a);
void tui_clamp_view(struct tui_app *a);
void tui_say(struct tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_show_source_diags(struct tui_app *a);
double tui_now(void);                        /* monotonic seconds */
/* The verdict on screen (the opened report's, else the request's), or NULL. */
const struct fs_verdict *tui_shown_verdict(const struct tui_app *a);
/* The verdict the verdict pane shows: the last engine command's when it
 * has one (an allocation's prediction), else tui_shown_verdict. */
const struct fs_verdict *tui_pane_verdict(const struct tui_app *a);

/* The engine: fork the frame shown into it (the view moves to the fork;
 * the source it left waits in a->home), go back, send a command. */
void tui_fork(struct tui_app *a);
void tui_return(struct tui_app *a);
void tui_command(struct tui_app *a, const char *command);
void tui_engine_key(struct tui_app *a, enum tui_engine_key k);
/* The pageblock map's cells for the zone shown, in at most max_cells;
 * recomputed only when the engine's state or the zone changed. */
void tui_pbmap_update(struct tui_app *a, size_t max_cells);
/* The engine zone shown (-1: none, or not an engine source). */
int tui_engine_zone(const struct tui_app *a);

/* ---- draw_*.c: the whole screen from the state (ncurses) ---- */
void tui_colors_init(struct tui_app *a);
void tui_draw(struct tui_app *a);
/* The style of a role as an ncurses attribute (colour pair and attributes). */
unsigned long tui_attr(const struct tui_app *a, enum fs_theme_role role);

/* Pieces, each in its own rectangle of the layout. */
void tui_draw_tabs(const struct tui_app *a);
void tui_draw_zone_header(const struct tui_app *a);
void tui_draw_heatmap(const struct tui_app *a);
void tui_draw_request(const struct tui_app *a);
void tui_draw_verdict(const struct tui_app *a);
void tui_draw_events(const struct tui_app *a);
void tui_draw_trends(const struct tui_app *a);
void tui_draw_timeline(const struct tui_app *a);
void tui_draw_status(const struct tui_app *a);
void tui_draw_pane_tabs(const struct tui_app *a);
void tui_draw_help(const struct tui_app *a);
void tui_draw_pageblocks(const struct tui_app *a);

/* Helpers for drawing. */
const struct fs_zone *tui_current_zone(const struct tui_app *a);
int tui_zone_rows(const struct tui_app *a, const struct fs_zone *z, enum fs_mt rows[FS_MT_COUNT]);
int tui_nr_orders(const struct tui_app *a);
void tui_format_time(const struct tui_app *a, double t, enum fs_time_base base, char *out,
		     size_t size);

#endif
