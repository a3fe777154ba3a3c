/*
 * theme.h - colour themes of the interactive view, from themes/NAME.yaml
 * (libyaml). No ncurses here: a theme says which colour number (0-255, or
 * -1 for the terminal's default) and which attributes each role of the
 * screen gets; the TUI turns that into colour pairs.
 *
 * A theme file has a variant for 256-colour terminals and one for
 * 8-colour terminals; a monochrome terminal (or NO_COLOR, --mono) uses
 * the attributes of the "mono" variant and shows heat intensity as the
 * characters of heat_chars. See themes/README.md for the file format.
 */
#ifndef FRAGSCOPE_THEME_H
#define FRAGSCOPE_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/diag.h"
#include "fragscope/snapshot.h"

/* Attribute bits (mapped to A_BOLD ... by the TUI). */
enum fs_attr {
	FS_ATTR_BOLD      = 1u << 0,
	FS_ATTR_DIM       = 1u << 1,
	FS_ATTR_REVERSE   = 1u << 2,
	FS_ATTR_UNDERLINE = 1u << 3,
	FS_ATTR_STANDOUT  = 1u << 4,
	FS_ATTR_ITALIC    = 1u << 5,
};

struct fs_style {
	int16_t fg, bg;          /* 0-255, -1: terminal default */
	uint16_t attrs;          /* enum fs_attr bits */
};

/* What on the screen gets a style of its own. The YAML key is the name
 * fs_theme_role_name() gives. */
enum fs_theme_role {
	FS_ROLE_NORMAL,          /* "normal": text */
	FS_ROLE_TITLE,           /* "title": panel titles */
	FS_ROLE_HEADER,          /* "header": zone header line */
	FS_ROLE_LABEL,           /* "label": row and column labels */
	FS_ROLE_BORDER,          /* "border": frames and separators */
	FS_ROLE_STATUS,          /* "status": the status bar */
	FS_ROLE_STATUS_KEY,      /* "status_key": key hints in the status bar */
	FS_ROLE_TAB,             /* "tab": an inactive zone tab */
	FS_ROLE_TAB_ACTIVE,      /* "tab_active" */
	FS_ROLE_SELECTED,        /* "selected": the selected cell / event line */
	FS_ROLE_DIMMED,          /* "dimmed": cells below the requested order */
	FS_ROLE_OUTLINE,         /* "outline": lists the request may use */
	FS_ROLE_TARGET,          /* "target": the block the request would get */
	FS_ROLE_CROSSED,         /* "crossed": lists the request may not use */
	FS_ROLE_PASS,            /* "pass": verdict steps and outcomes */
	FS_ROLE_FAIL,            /* "fail" */
	FS_ROLE_DEPENDS,         /* "depends" */
	FS_ROLE_INFO,            /* "info" */
	FS_ROLE_WARNING,         /* "warning": diagnostics */
	FS_ROLE_EVENT,           /* "event": allocation failures in lists and on the timeline */
	FS_ROLE_SPARK,           /* "spark": sparklines */
	FS_ROLE_WMARK,           /* "wmark": watermark lines in trends */
	FS_ROLE_INPUT,           /* "input": the gfp/order entry field */
	FS_ROLE_COUNT
};
const char *fs_theme_role_name(enum fs_theme_role r);
int fs_theme_role_from_name(const char *name);     /* -1 when unknown */

#define FS_HEAT_STEPS_MAX 16
#define FS_PAGEBLOCK_LEVELS 5      /* pageblock map fill: all free ... full */

struct fs_theme_variant {
	struct fs_style role[FS_ROLE_COUNT];
	struct fs_style mt[FS_MT_COUNT];          /* migratetype row labels, by enum fs_mt */
	struct fs_style pageblock[FS_MT_COUNT];   /* the engine's pageblock map cells, by type
						     (YAML "pageblocks") */
	struct fs_style heat[FS_HEAT_STEPS_MAX];  /* empty ... hottest */
	int nr_heat;                              /* >= 2 */
};

enum fs_color_mode { FS_COLOR_MONO, FS_COLOR_8, FS_COLOR_256 };

struct fs_theme {
	char name[64];
	char path[4096];          /* the file it came from; "" for the built-in default */
	struct fs_theme_variant variant[3];       /* by enum fs_color_mode */
	/* Heat intensity as characters, coolest first, for mono (and for
	 * people who like it): " .:-=+*#%@" by default. ASCII only. */
	char heat_chars[FS_HEAT_STEPS_MAX + 1];
	/* The pageblock map's fill without UTF-8, all free first, full last
	 * (".-+*#" by default; with UTF-8 "·░▒▓█" whatever this says).
	 * Mono draws each cell as its migratetype's letter instead (U M E H C
	 * I R), lower case while under half of it is in use, reversed when full. */
	char pageblock_chars[FS_PAGEBLOCK_LEVELS + 1];
};

/* The built-in default dark theme (what themes/default.yaml also holds). */
void fs_theme_builtin(struct fs_theme *t);

/*
 * Load a theme from YAML text. Starts from the built-in default, so a file
 * may give only what it changes. 0 on success; -1 when the text is not a
 * theme, with diagnostics naming source, line and what was expected (t then
 * holds the built-in default). Unknown keys and bad values are warnings:
 * the rest of the file still applies.
 */
int fs_theme_load_text(struct fs_theme *t, const char *text, size_t len, const char *source,
		       struct fs_diags *diags);
int fs_theme_load_file(struct fs_theme *t, const char *path, struct fs_diags *diags);

/*
 * Find theme NAME (or a path, when NAME contains '/'): first
 * $XDG_CONFIG_HOME/fragscope/themes/NAME.yaml (else ~/.config/...), then
 * each directory of dirs (the installed themes, then the source tree's).
 * Fills path and returns 0, or -1 when none exists.
 */
int fs_theme_find(const char *name, const char *const *dirs, size_t nr_dirs, char *path,
		  size_t path_size);

/* The names of the themes found in the same places, sorted, unique (for
 * --theme help). Returns how many were written. */
size_t fs_theme_list(const char *const *dirs, size_t nr_dirs, char names[][64], size_t max);

/* Which variant a terminal gets: colours it reports, NO_COLOR, --mono. */
enum fs_color_mode fs_color_mode_for(int colors, bool no_color_env, bool mono_flag);

/* Heat step for count on a log scale: 0 for 0, 1 for 1, ..., nr_steps-1 at
 * or above max (max <= 1: any non-zero count is the hottest). In between,
 * 1 + floor((nr_steps - 2) * log(count) / log(max)); monotonic in count.
 * nr_steps < 2 gives 0. */
int fs_heat_step(uint64_t count, uint64_t max, int nr_steps);

#endif
