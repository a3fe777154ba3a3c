/*
 * tui_keys.h - the interactive view's key handling as a state machine:
 * keys in, actions out. No ncurses: the screen maps its key codes to
 * enum tui_key, so the machine is tested with plain integers.
 *
 * Modes: normal (the heatmap has the cursor), events (the event list has
 * it), entry (typing a gfp mask, an order or a frame number into the
 * request line, with completion of gfp names), help.
 */
#ifndef FRAGSCOPE_TUI_KEYS_H
#define FRAGSCOPE_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* Keys beyond the characters (0-255 are themselves; 27 is Escape). */
enum tui_key {
	TUI_KEY_ENTER = '\n',
	TUI_KEY_TAB = '\t',
	TUI_KEY_ESC = 27,
	TUI_KEY_BACKSPACE = 127,
	TUI_KEY_UP = 0x10000, TUI_KEY_DOWN, TUI_KEY_LEFT, TUI_KEY_RIGHT,
	TUI_KEY_HOME, TUI_KEY_END, TUI_KEY_PGUP, TUI_KEY_PGDN, TUI_KEY_BTAB,
	TUI_KEY_DELETE, TUI_KEY_F1, TUI_KEY_F10, TUI_KEY_RESIZE, TUI_KEY_CTRL_L,
	TUI_KEY_CTRL_U,
};

enum tui_mode { TUI_MODE_NORMAL, TUI_MODE_EVENTS, TUI_MODE_ENTRY, TUI_MODE_HELP };

enum tui_field { TUI_FIELD_GFP, TUI_FIELD_ORDER, TUI_FIELD_SEEK, TUI_FIELD_COMMAND };

enum tui_action_kind {
	TUI_ACT_NONE,
	TUI_ACT_QUIT,
	TUI_ACT_HELP,            /* toggle */
	TUI_ACT_REDRAW,
	TUI_ACT_ZONE,            /* arg: +1 / -1 */
	TUI_ACT_ORDER,           /* arg: +1 / -1: the selected column */
	TUI_ACT_ROW,             /* arg: +1 / -1: the selected migratetype row */
	TUI_ACT_CELL_MODE,       /* blocks -> pages -> share */
	TUI_ACT_REQUEST_ORDER,   /* the request's order := the selected column */
	TUI_ACT_ENTRY_BEGIN,     /* arg: enum tui_field: the owner calls
				    tui_keys_begin_entry with the current text */
	TUI_ACT_ENTRY_CHANGED,   /* the entry text changed (redraw it) */
	TUI_ACT_ENTRY_APPLY,     /* arg: enum tui_field; text in tui_keys.entry */
	TUI_ACT_ENTRY_CANCEL,
	TUI_ACT_PANE,            /* arg: enum tui_pane */
	TUI_ACT_EVENT_MOVE,      /* arg: +1 / -1 / +page / -page in the list */
	TUI_ACT_EVENT_OPEN,      /* the selected event: its printed state and verdict */
	TUI_ACT_EVENT_CLOSE,     /* back to the frame */
	TUI_ACT_EVENT_JUMP,      /* arg: +1 next / -1 previous event (replay) */
	TUI_ACT_PLAY,            /* toggle play/pause */
	TUI_ACT_STEP,            /* arg: frames, +-1, +-10 */
	TUI_ACT_SPEED,           /* arg: +1 faster / -1 slower */
	TUI_ACT_SEEK_FIRST,
	TUI_ACT_SEEK_LAST,
	TUI_ACT_VERDICT_SCROLL,  /* arg: lines */
	TUI_ACT_FORK,            /* the frame shown into the engine */
	TUI_ACT_RETURN,          /* from the fork back to the source forked from */
	TUI_ACT_ENGINE,          /* arg: enum tui_engine_key: a command for the engine */
};

/* The engine's short keys (engine sources only). */
enum tui_engine_key {
	TUI_ENG_ALLOC,           /* a: allocate the request the verdict pane is about */
	TUI_ENG_FREE_RANDOM,     /* x: free random 16 */
	TUI_ENG_COMPACT,         /* c: compact the zone shown for the request's order */
	TUI_ENG_RECLAIM,         /* r: reclaim 1024 */
	TUI_ENG_RUN,             /* Space: run / pause the workload */
	TUI_ENG_STEP,            /* .: one step of the workload */
};

struct tui_action {
	enum tui_action_kind kind;
	int arg;
};

#define TUI_ENTRY_MAX 160

/* Completion: the names a gfp entry may complete to (a kernel profile's
 * flag and composite names); set by the owner, may change with the frame. */
struct tui_completion {
	const char *const *names;
	size_t nr_names;
};

struct tui_keys {
	enum tui_mode mode;
	enum tui_mode before_entry;   /* where Escape/Enter return to */
	enum tui_field field;
	char entry[TUI_ENTRY_MAX];
	size_t entry_len, cursor;
	char hint[TUI_ENTRY_MAX];     /* completion candidates or a message for the line */
	struct tui_completion completion;
	bool replay;                  /* replay keys (space, n, p ...) are live */
	bool engine;                  /* the engine's keys (a x c r, Space . for a workload) */
	bool forked;                  /* F returns to the source forked from */
	bool event_open;              /* an event's printed state is on screen */
};

void tui_keys_init(struct tui_keys *k, bool replay);
/* Enter entry mode for field with initial text. */
void tui_keys_begin_entry(struct tui_keys *k, enum tui_field field, const char *initial);
/* One key; returns what the owner should do. */
struct tui_action tui_keys_feed(struct tui_keys *k, int key);

/*
 * Complete the gfp name under the cursor: the text after the last '|'
 * before the cursor is the prefix (case-insensitive, leading underscores
 * optional). One match: replaced by it. Several: extended to their longest
 * common prefix and listed in hint. Returns the number of matches.
 */
size_t tui_keys_complete(struct tui_keys *k);

/* The one-line help for the status bar in the current mode. */
const char *tui_keys_hints(const struct tui_keys *k);

#endif
