/*
 * draw.h - what the drawing files share: text put into a rectangle with
 * clipping by display columns, styles as ncurses attributes.
 */
#ifndef FRAGSCOPE_TUI_DRAW_H
#define FRAGSCOPE_TUI_DRAW_H

#include <curses.h>

#include "app.h"

/* Colour pair numbers: roles, then migratetypes, then heat steps. */
#define TUI_PAIR_ROLE(r) (1 + (int)(r))
#define TUI_PAIR_MT(m) (1 + FS_ROLE_COUNT + (int)(m))
#define TUI_PAIR_HEAT(h) (1 + FS_ROLE_COUNT + FS_MT_COUNT + (int)(h))
#define TUI_PAIR_PB(m) (1 + FS_ROLE_COUNT + FS_MT_COUNT + FS_HEAT_STEPS_MAX + (int)(m))

/* Write text at (y, x), at most w columns, in attr; bytes that are not
 * printable UTF-8 (or not ASCII without UTF-8) become '?'. Returns the
 * columns written. */
int tui_put(const struct tui_app *a, int y, int x, int w, attr_t attr, const char *text);
int tui_putf(const struct tui_app *a, int y, int x, int w, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A pane's title row: a rule across r's first row, title on it. */
void tui_draw_title(const struct tui_app *a, const struct tui_rect *r, const char *title);
/* Fill a rectangle with blanks in attr. */
void tui_clear_rect(const struct tui_rect *r, attr_t attr);
/* A line of the rectangle, blanked, then text: for panels of lines. */
void tui_line(const struct tui_app *a, const struct tui_rect *r, int line, attr_t attr,
	      const char *text);

attr_t tui_mt_attr(const struct tui_app *a, enum fs_mt mt);
attr_t tui_heat_attr(const struct tui_app *a, int step);
/* A pageblock map cell of type mt (the theme's "pageblocks"). */
attr_t tui_pb_attr(const struct tui_app *a, enum fs_mt mt);
/* Rows of cells in the map's pane r (the title and the legend take the rest). */
int tui_pageblock_cell_rows(const struct tui_rect *r);
int tui_heat_steps(const struct tui_app *a);
char tui_heat_char(const struct tui_app *a, int step);
attr_t tui_result_attr(const struct tui_app *a, enum fs_step_result r);
attr_t tui_outcome_attr(const struct tui_app *a, enum fs_outcome o);


/* "gfp> ", "order> " ... */
const char *tui_field_prompt(enum tui_field f);

/* The first event shown in a list of visible lines (for the mouse too). */
size_t tui_events_top(const struct tui_app *a, int visible);

/* The zone whose tab is at column x, or -1. */
int tui_tab_at(const struct tui_app *a, int x);

/* Word-wrap text to width columns; calls line() per line; returns lines. */
int tui_wrap(const char *text, int width, void (*line)(void *ctx, const char *s, int len),
	     void *ctx);

#endif
