/*
 * tui.h - the interactive view: heatmaps per zone, the verdict beside
 * them, the event list, trends and, for a replay, the timeline. It draws
 * frames from any fs_source and never knows which kind it has.
 */
#ifndef FRAGSCOPE_TUI_H
#define FRAGSCOPE_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "fragscope/diag.h"
#include "fragscope/source.h"

struct fs_tui_options {
	const char *theme;               /* NULL: "default" */
	const char *const *theme_dirs;   /* installed themes, then the source tree's */
	size_t nr_theme_dirs;
	bool mono;                       /* --mono (NO_COLOR is read from the environment) */
	bool ascii;                      /* --ascii: no UTF-8 even where the locale has it */
	const char *gfp;                 /* initial request; NULL: the last failure's, else
					    GFP_KERNEL */
	int order;                       /* -1: the last failure's, else 3 */
	const char *kernel;              /* --kernel VER: profile for every verdict */
	double speed;                    /* replay speed factor; <= 0: 1 */
	bool paused;                     /* replay starts paused (default: playing) */
	const char *note;                /* said in the status bar when the view opens */
	const char *recording;           /* the capture being written, for the status bar */
};

/* Runs until the user quits or a signal ends it; the terminal is restored
 * in every case. Returns 0 when the user quit, the number of the signal
 * (SIGINT, SIGTERM, SIGHUP) that ended it, or -1 with a diagnostic when the
 * terminal could not be set up. */
int fs_tui_run(struct fs_source *src, const struct fs_tui_options *o, struct fs_diags *diags);

/* For bench/bench_tui: draw src into a terminal of cols x rows that writes
 * to a scratch file (xterm-256color), and measure. */
struct fs_tui_bench {
	double first_frame_ms;        /* set-up, first frame read, verdict, first draw */
	size_t first_frame_bytes;
	double full_redraw_ms;        /* a forced repaint of every cell (Ctrl-L), mean */
	size_t full_redraw_bytes;
	double unchanged_ms;          /* a redraw of the same state, mean */
	double unchanged_bytes;       /* what that writes to the terminal, mean */
};
int fs_tui_bench_run(struct fs_source *src, const struct fs_tui_options *o, int cols, int rows,
		     int iterations, struct fs_tui_bench *r, struct fs_diags *diags);

#endif
