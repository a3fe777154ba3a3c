/*
 * keys.c - keys to actions (see tui_keys.h). The bindings follow the
 * habits of htop and tig: q quits, ? helps, arrows and hjkl move, Tab
 * cycles, Enter opens, Escape goes back.
 */
#include "fragscope/tui_keys.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fragscope/tui_layout.h"

static struct tui_action act(enum tui_action_kind kind, int arg)
{
	struct tui_action a = { kind, arg };
	return a;
}

void tui_keys_init(struct tui_keys *k, bool replay)
{
	memset(k, 0, sizeof(*k));
	k->mode = TUI_MODE_NORMAL;
	k->replay = replay;
}

void tui_keys_begin_entry(struct tui_keys *k, enum tui_field field, const char *initial)
{
	if (k->mode != TUI_MODE_ENTRY)
		k->before_entry = k->mode;
	k->mode = TUI_MODE_ENTRY;
	k->field = field;
	snprintf(k->entry, sizeof(k->entry), "%s", initial ? initial : "");
	k->entry_len = strlen(k->entry);
	k->cursor = k->entry_len;
	k->hint[0] = '\0';
}

/* ---- entry editing ---- */

static void entry_insert(struct tui_keys *k, char c)
{
	if (k->entry_len + 1 >= sizeof(k->entry))
		return;
	memmove(k->entry + k->cursor + 1, k->entry + k->cursor, k->entry_len - k->cursor + 1);
	k->entry[k->cursor++] = c;
	k->entry_len++;
}

static void entry_delete_at(struct tui_keys *k, size_t pos)
{
	if (pos >= k->entry_len)
		return;
	memmove(k->entry + pos, k->entry + pos + 1, k->entry_len - pos);
	k->entry_len--;
}

/* The prefix being completed: after the last '|' (and blanks) before the cursor. */
static size_t token_start(const struct tui_keys *k)
{
	size_t s = k->cursor;
	while (s > 0 && k->entry[s - 1] != '|')
		s--;
	while (s < k->cursor && isspace((unsigned char)k->entry[s]))
		s++;
	return s;
}

static const char *skip_underscores(const char *s)
{
	while (*s == '_')
		s++;
	return s;
}

/* name matches prefix ignoring case, with the prefix's leading underscores optional. */
static bool name_matches(const char *name, const char *prefix, size_t len)
{
	if (strncasecmp(name, prefix, len) == 0)
		return true;
	const char *bare_name = skip_underscores(name);
	const char *bare_prefix = skip_underscores(prefix);
	size_t bare_len = len - (size_t)(bare_prefix - prefix);
	return strncasecmp(bare_name, bare_prefix, bare_len) == 0;
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;
	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

static void replace_token(struct tui_keys *k, size_t start, const char *text, size_t len)
{
	char tail[TUI_ENTRY_MAX];
	snprintf(tail, sizeof(tail), "%s", k->entry + k->cursor);
	if (start + len + strlen(tail) + 1 > sizeof(k->entry))
		return;
	memcpy(k->entry + start, text, len);
	k->cursor = start + len;
	snprintf(k->entry + k->cursor, sizeof(k->entry) - k->cursor, "%s", tail);
	k->entry_len = strlen(k->entry);
}

size_t tui_keys_complete(struct tui_keys *k)
{
	size_t start = token_start(k);
	const char *prefix = k->entry + start;
	size_t len = k->cursor - start;
	const char *first = NULL;
	size_t matches = 0, shared = 0, hint_len = 0;
	k->hint[0] = '\0';
	for (size_t i = 0; i < k->completion.nr_names; i++) {
		const char *name = k->completion.names[i];
		if (!name || !name_matches(name, prefix, len))
			continue;
		if (matches == 0) {
			first = name;
			shared = strlen(name);
		} else {
			size_t c = common_prefix(first, name);
			shared = c < shared ? c : shared;
		}
		matches++;
		size_t n = strlen(name);
		if (hint_len + n + 2 < sizeof(k->hint)) {
			if (hint_len)
				k->hint[hint_len++] = ' ';
			memcpy(k->hint + hint_len, name, n + 1);
			hint_len += n;
		}
	}
	if (matches == 0) {
		snprintf(k->hint, sizeof(k->hint), "no gfp name starts with \"%.*s\"", (int)len,
			 prefix);
		return 0;
	}
	if (matches == 1) {
		replace_token(k, start, first, strlen(first));
		k->hint[0] = '\0';
	} else if (shared > len || strncmp(first, prefix, len) != 0) {
		/* Extend to what all candidates share (in the kernel's spelling),
		 * unless that would throw away what was typed. */
		if (shared >= len)
			replace_token(k, start, first, shared);
	}
	return matches;
}

static struct tui_action feed_entry(struct tui_keys *k, int key)
{
	switch (key) {
	case TUI_KEY_ENTER:
	case '\r':
		k->mode = k->before_entry;
		return act(TUI_ACT_ENTRY_APPLY, (int)k->field);
	case TUI_KEY_ESC:
		k->mode = k->before_entry;
		return act(TUI_ACT_ENTRY_CANCEL, (int)k->field);
	case TUI_KEY_TAB:
		if (k->field == TUI_FIELD_GFP)
			tui_keys_complete(k);
		return act(TUI_ACT_ENTRY_CHANGED, 0);
	case TUI_KEY_BACKSPACE:
	case 8:
		if (k->cursor > 0)
			entry_delete_at(k, --k->cursor);
		break;
	case TUI_KEY_DELETE:
		entry_delete_at(k, k->cursor);
		break;
	case TUI_KEY_LEFT:
		if (k->cursor > 0)
			k->cursor--;
		break;
	case TUI_KEY_RIGHT:
		if (k->cursor < k->entry_len)
			k->cursor++;
		break;
	case TUI_KEY_HOME:
	case 1: /* Ctrl-A */
		k->cursor = 0;
		break;
	case TUI_KEY_END:
	case 5: /* Ctrl-E */
		k->cursor = k->entry_len;
		break;
	case TUI_KEY_CTRL_U:
		k->entry[0] = '\0';
		k->entry_len = k->cursor = 0;
		break;
	case TUI_KEY_RESIZE:
	case TUI_KEY_CTRL_L:
		return act(TUI_ACT_REDRAW, 0);
	default:
		if (key >= 32 && key < 127)
			entry_insert(k, (char)key);
		else
			return act(TUI_ACT_NONE, 0);
	}
	k->hint[0] = '\0';
	return act(TUI_ACT_ENTRY_CHANGED, 0);
}

/* Replay keys; TUI_ACT_NONE when key is not one. */
static struct tui_action feed_replay(const struct tui_keys *k, int key)
{
	if (!k->replay)
		return act(TUI_ACT_NONE, 0);
	switch (key) {
	case ' ': return act(TUI_ACT_PLAY, 0);
	case '.': return act(TUI_ACT_STEP, 1);
	case ',': return act(TUI_ACT_STEP, -1);
	case ']': return act(TUI_ACT_STEP, 10);
	case '[': return act(TUI_ACT_STEP, -10);
	case '>': return act(TUI_ACT_SPEED, 1);
	case '<': return act(TUI_ACT_SPEED, -1);
	case 'n': return act(TUI_ACT_EVENT_JUMP, 1);
	case 'N':
	case 'p': return act(TUI_ACT_EVENT_JUMP, -1);
	case TUI_KEY_HOME: return act(TUI_ACT_SEEK_FIRST, 0);
	case TUI_KEY_END: return act(TUI_ACT_SEEK_LAST, 0);
	case ':': return act(TUI_ACT_ENTRY_BEGIN, TUI_FIELD_SEEK);
	default: return act(TUI_ACT_NONE, 0);
	}
}

/* The engine's keys, where the source is one (and is not replayed). */
static struct tui_action feed_engine(const struct tui_keys *k, int key)
{
	if (!k->engine || k->replay)
		return act(TUI_ACT_NONE, 0);
	switch (key) {
	case 'a': return act(TUI_ACT_ENGINE, TUI_ENG_ALLOC);
	case 'x': return act(TUI_ACT_ENGINE, TUI_ENG_FREE_RANDOM);
	case 'c': return act(TUI_ACT_ENGINE, TUI_ENG_COMPACT);
	case 'r': return act(TUI_ACT_ENGINE, TUI_ENG_RECLAIM);
	case ' ': return act(TUI_ACT_ENGINE, TUI_ENG_RUN);
	case '.': return act(TUI_ACT_ENGINE, TUI_ENG_STEP);
	case '>': return act(TUI_ACT_SPEED, 1);
	case '<': return act(TUI_ACT_SPEED, -1);
	default: return act(TUI_ACT_NONE, 0);
	}
}

/* Keys that mean the same in normal and events mode. */
static struct tui_action feed_common(struct tui_keys *k, int key)
{
	switch (key) {
	case 'q':
	case TUI_KEY_F10:
		return act(TUI_ACT_QUIT, 0);
	case '?':
	case TUI_KEY_F1:
	case 'H':
		k->mode = TUI_MODE_HELP;
		return act(TUI_ACT_HELP, 1);
	case TUI_KEY_CTRL_L:
	case TUI_KEY_RESIZE:
		return act(TUI_ACT_REDRAW, 0);
	case TUI_KEY_TAB:
	case 'z':
		return act(TUI_ACT_ZONE, 1);
	case TUI_KEY_BTAB:
	case 'Z':
		return act(TUI_ACT_ZONE, -1);
	case 'm':
		return act(TUI_ACT_CELL_MODE, 0);
	case 'g':
	case '/':
		return act(TUI_ACT_ENTRY_BEGIN, TUI_FIELD_GFP);
	case 'o':
		return act(TUI_ACT_ENTRY_BEGIN, TUI_FIELD_ORDER);
	case '!':
		/* a command for sources that take them (the engine) */
		return act(TUI_ACT_ENTRY_BEGIN, TUI_FIELD_COMMAND);
	case 'v':
		k->mode = TUI_MODE_NORMAL;
		return act(TUI_ACT_PANE, TUI_PANE_VERDICT);
	case 't':
		k->mode = TUI_MODE_NORMAL;
		return act(TUI_ACT_PANE, TUI_PANE_TRENDS);
	case 'e':
		k->mode = k->mode == TUI_MODE_EVENTS ? TUI_MODE_NORMAL : TUI_MODE_EVENTS;
		return act(TUI_ACT_PANE, TUI_PANE_EVENTS);
	case TUI_KEY_PGUP:
		return act(TUI_ACT_VERDICT_SCROLL, -5);
	case TUI_KEY_PGDN:
		return act(TUI_ACT_VERDICT_SCROLL, 5);
	case 'f':
		return act(TUI_ACT_FORK, 0);
	case 'F':
		return act(TUI_ACT_RETURN, 0);
	case 'b':
		k->mode = TUI_MODE_NORMAL;
		return act(TUI_ACT_PANE, TUI_PANE_PAGEBLOCKS);
	case TUI_KEY_ESC:
		if (k->event_open)
			return act(TUI_ACT_EVENT_CLOSE, 0);
		if (k->mode == TUI_MODE_EVENTS) {
			k->mode = TUI_MODE_NORMAL;
			return act(TUI_ACT_REDRAW, 0);
		}
		return act(TUI_ACT_NONE, 0);
	default: {
		struct tui_action a = feed_replay(k, key);
		return a.kind != TUI_ACT_NONE ? a : feed_engine(k, key);
	}
	}
}

static struct tui_action feed_normal(struct tui_keys *k, int key)
{
	switch (key) {
	case TUI_KEY_LEFT:
	case 'h':
		return act(TUI_ACT_ORDER, -1);
	case TUI_KEY_RIGHT:
	case 'l':
		return act(TUI_ACT_ORDER, 1);
	case TUI_KEY_UP:
	case 'k':
		return act(TUI_ACT_ROW, -1);
	case TUI_KEY_DOWN:
	case 'j':
		return act(TUI_ACT_ROW, 1);
	case TUI_KEY_ENTER:
	case '\r':
		return act(TUI_ACT_REQUEST_ORDER, 0);
	default:
		return feed_common(k, key);
	}
}

static struct tui_action feed_events(struct tui_keys *k, int key)
{
	switch (key) {
	case TUI_KEY_UP:
	case 'k':
		return act(TUI_ACT_EVENT_MOVE, -1);
	case TUI_KEY_DOWN:
	case 'j':
		return act(TUI_ACT_EVENT_MOVE, 1);
	case TUI_KEY_PGUP:
		return act(TUI_ACT_EVENT_MOVE, -10);
	case TUI_KEY_PGDN:
		return act(TUI_ACT_EVENT_MOVE, 10);
	case TUI_KEY_ENTER:
	case '\r':
		return act(TUI_ACT_EVENT_OPEN, 0);
	case TUI_KEY_LEFT:
	case TUI_KEY_RIGHT:
	case 'h':
	case 'l':
		k->mode = TUI_MODE_NORMAL;
		return feed_normal(k, key);
	default:
		return feed_common(k, key);
	}
}

struct tui_action tui_keys_feed(struct tui_keys *k, int key)
{
	switch (k->mode) {
	case TUI_MODE_ENTRY:
		return feed_entry(k, key);
	case TUI_MODE_HELP:
		if (key == 'q' || key == TUI_KEY_F10)
			return act(TUI_ACT_QUIT, 0);
		if (key == TUI_KEY_RESIZE || key == TUI_KEY_CTRL_L)
			return act(TUI_ACT_REDRAW, 0);
		k->mode = TUI_MODE_NORMAL;   /* any other key closes the help */
		return act(TUI_ACT_HELP, 0);
	case TUI_MODE_EVENTS:
		return feed_events(k, key);
	case TUI_MODE_NORMAL:
	default:
		return feed_normal(k, key);
	}
}

const char *tui_keys_hints(const struct tui_keys *k)
{
	switch (k->mode) {
	case TUI_MODE_ENTRY:
		return k->field == TUI_FIELD_GFP ? "Enter apply  Tab complete  Esc cancel"
						 : "Enter apply  Esc cancel";
	case TUI_MODE_HELP:
		return "any key: back  q quit";
	case TUI_MODE_EVENTS:
		return k->replay ? "jk move  Enter open  Esc back  n/p next/prev  Space play  ? help"
				 : "jk move  Enter open  Esc back  ? help  q quit";
	case TUI_MODE_NORMAL:
	default:
		if (k->engine && !k->replay)
			return k->forked ? "a alloc  x free  c compact  r reclaim  F back  ? help"
					 : "a alloc  x free  c compact  r reclaim  Space run  ? help";
		return k->replay ? "Space play  ,. step  n/p event  f fork  g gfp  o order  ? help"
				 : "g gfp  o order  hjkl cell  Tab zone  f fork  e events  ? help  q quit";
	}
}
