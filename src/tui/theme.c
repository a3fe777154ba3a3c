/*
 * theme.c - colour themes: the built-in default, YAML theme files (libyaml's
 * event parser), finding and listing them, and the heat scale.
 *
 * No ncurses here. A theme is plain data: colour numbers (0-255, -1 for the
 * terminal's default) and attribute bits for every role, every migratetype
 * and every heat step, in three variants (mono, 8 and 256 colours).
 *
 * Reading is bounded whatever the file holds: a file is at most
 * THEME_MAX_BYTES, nesting deeper than THEME_MAX_DEPTH is refused, aliases
 * are not followed, and every event is looked at once. A syntax error, or a
 * file that is not a mapping, leaves the built-in default; a wrong key or
 * value is a warning and the rest of the file applies.
 */
#include "fragscope/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "fragscope/util.h"

#define THEME_MAX_BYTES (1u << 20)   /* a theme is a few kB */
#define THEME_MAX_DEPTH 32           /* a theme needs 5 levels */
#define THEME_LIST_MAX 4096          /* names collected by fs_theme_list */

/* ===================================================================== */
/* Roles                                                                  */
/* ===================================================================== */

static const char *const role_names[FS_ROLE_COUNT] = {
	[FS_ROLE_NORMAL] = "normal",         [FS_ROLE_TITLE] = "title",
	[FS_ROLE_HEADER] = "header",         [FS_ROLE_LABEL] = "label",
	[FS_ROLE_BORDER] = "border",         [FS_ROLE_STATUS] = "status",
	[FS_ROLE_STATUS_KEY] = "status_key", [FS_ROLE_TAB] = "tab",
	[FS_ROLE_TAB_ACTIVE] = "tab_active", [FS_ROLE_SELECTED] = "selected",
	[FS_ROLE_DIMMED] = "dimmed",         [FS_ROLE_OUTLINE] = "outline",
	[FS_ROLE_TARGET] = "target",         [FS_ROLE_CROSSED] = "crossed",
	[FS_ROLE_PASS] = "pass",             [FS_ROLE_FAIL] = "fail",
	[FS_ROLE_DEPENDS] = "depends",       [FS_ROLE_INFO] = "info",
	[FS_ROLE_WARNING] = "warning",       [FS_ROLE_EVENT] = "event",
	[FS_ROLE_SPARK] = "spark",           [FS_ROLE_WMARK] = "wmark",
	[FS_ROLE_INPUT] = "input",
};

const char *fs_theme_role_name(enum fs_theme_role r)
{
	return (unsigned)r < FS_ROLE_COUNT && role_names[r] ? role_names[r] : "?";
}

int fs_theme_role_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int r = 0; r < FS_ROLE_COUNT; r++)
		if (role_names[r] && strcmp(role_names[r], name) == 0)
			return r;
	return -1;
}

/* ===================================================================== */
/* The built-in default (dark); themes/default.yaml holds the same        */
/* ===================================================================== */

#define D (-1)
#define BOLD FS_ATTR_BOLD
#define DIM FS_ATTR_DIM
#define REV FS_ATTR_REVERSE
#define UL FS_ATTR_UNDERLINE
#define ST(f, b, a) { (int16_t)(f), (int16_t)(b), (uint16_t)(a) }
#define MONO(a) ST(D, D, a)

static const struct fs_style builtin_roles[3][FS_ROLE_COUNT] = {
	[FS_COLOR_256] = {
		[FS_ROLE_NORMAL] = ST(252, D, 0),
		[FS_ROLE_TITLE] = ST(231, D, BOLD),
		[FS_ROLE_HEADER] = ST(117, D, BOLD),
		[FS_ROLE_LABEL] = ST(245, D, 0),
		[FS_ROLE_BORDER] = ST(240, D, 0),
		[FS_ROLE_STATUS] = ST(252, 236, 0),
		[FS_ROLE_STATUS_KEY] = ST(222, 236, BOLD),
		[FS_ROLE_TAB] = ST(246, 236, 0),
		[FS_ROLE_TAB_ACTIVE] = ST(231, 24, BOLD),
		[FS_ROLE_SELECTED] = ST(16, 231, BOLD),
		[FS_ROLE_DIMMED] = ST(240, D, 0),
		[FS_ROLE_OUTLINE] = ST(81, D, BOLD),
		[FS_ROLE_TARGET] = ST(16, 214, BOLD),
		[FS_ROLE_CROSSED] = ST(95, D, 0),
		[FS_ROLE_PASS] = ST(114, D, BOLD),
		[FS_ROLE_FAIL] = ST(203, D, BOLD),
		[FS_ROLE_DEPENDS] = ST(221, D, 0),
		[FS_ROLE_INFO] = ST(110, D, 0),
		[FS_ROLE_WARNING] = ST(214, D, BOLD),
		[FS_ROLE_EVENT] = ST(197, D, BOLD),
		[FS_ROLE_SPARK] = ST(79, D, 0),
		[FS_ROLE_WMARK] = ST(173, D, 0),
		[FS_ROLE_INPUT] = ST(231, 238, 0),
	},
	[FS_COLOR_8] = {
		[FS_ROLE_NORMAL] = ST(7, D, 0),
		[FS_ROLE_TITLE] = ST(7, D, BOLD),
		[FS_ROLE_HEADER] = ST(6, D, BOLD),
		[FS_ROLE_LABEL] = ST(7, D, 0),
		[FS_ROLE_BORDER] = ST(4, D, 0),
		[FS_ROLE_STATUS] = ST(7, 4, 0),
		[FS_ROLE_STATUS_KEY] = ST(3, 4, BOLD),
		[FS_ROLE_TAB] = ST(7, D, 0),
		[FS_ROLE_TAB_ACTIVE] = ST(0, 6, BOLD),
		[FS_ROLE_SELECTED] = ST(0, 7, BOLD),
		[FS_ROLE_DIMMED] = ST(7, D, DIM),
		[FS_ROLE_OUTLINE] = ST(6, D, BOLD),
		[FS_ROLE_TARGET] = ST(0, 3, BOLD),
		[FS_ROLE_CROSSED] = ST(1, D, DIM),
		[FS_ROLE_PASS] = ST(2, D, BOLD),
		[FS_ROLE_FAIL] = ST(1, D, BOLD),
		[FS_ROLE_DEPENDS] = ST(3, D, 0),
		[FS_ROLE_INFO] = ST(6, D, 0),
		[FS_ROLE_WARNING] = ST(3, D, BOLD),
		[FS_ROLE_EVENT] = ST(1, D, BOLD),
		[FS_ROLE_SPARK] = ST(6, D, 0),
		[FS_ROLE_WMARK] = ST(3, D, 0),
		[FS_ROLE_INPUT] = ST(0, 7, 0),
	},
	[FS_COLOR_MONO] = {
		[FS_ROLE_NORMAL] = MONO(0),
		[FS_ROLE_TITLE] = MONO(BOLD),
		[FS_ROLE_HEADER] = MONO(BOLD | UL),
		[FS_ROLE_LABEL] = MONO(0),
		[FS_ROLE_BORDER] = MONO(0),
		[FS_ROLE_STATUS] = MONO(REV),
		[FS_ROLE_STATUS_KEY] = MONO(REV | BOLD),
		[FS_ROLE_TAB] = MONO(0),
		[FS_ROLE_TAB_ACTIVE] = MONO(REV | BOLD),
		[FS_ROLE_SELECTED] = MONO(REV),
		[FS_ROLE_DIMMED] = MONO(DIM),
		[FS_ROLE_OUTLINE] = MONO(BOLD),
		[FS_ROLE_TARGET] = MONO(REV | BOLD),
		[FS_ROLE_CROSSED] = MONO(DIM),
		[FS_ROLE_PASS] = MONO(BOLD),
		[FS_ROLE_FAIL] = MONO(REV | BOLD),
		[FS_ROLE_DEPENDS] = MONO(UL),
		[FS_ROLE_INFO] = MONO(0),
		[FS_ROLE_WARNING] = MONO(BOLD),
		[FS_ROLE_EVENT] = MONO(BOLD | UL),
		[FS_ROLE_SPARK] = MONO(0),
		[FS_ROLE_WMARK] = MONO(UL),
		[FS_ROLE_INPUT] = MONO(UL),
	},
};

static const struct fs_style builtin_mt[3][FS_MT_COUNT] = {
	[FS_COLOR_256] = {
		[FS_MT_UNMOVABLE] = ST(203, D, 0),
		[FS_MT_MOVABLE] = ST(114, D, 0),
		[FS_MT_RECLAIMABLE] = ST(75, D, 0),
		[FS_MT_HIGHATOMIC] = ST(213, D, 0),
		[FS_MT_CMA] = ST(221, D, 0),
		[FS_MT_ISOLATE] = ST(245, D, 0),
		[FS_MT_RESERVE] = ST(180, D, 0),
	},
	[FS_COLOR_8] = {
		[FS_MT_UNMOVABLE] = ST(1, D, 0),
		[FS_MT_MOVABLE] = ST(2, D, 0),
		[FS_MT_RECLAIMABLE] = ST(6, D, 0),
		[FS_MT_HIGHATOMIC] = ST(5, D, 0),
		[FS_MT_CMA] = ST(3, D, 0),
		[FS_MT_ISOLATE] = ST(7, D, DIM),
		[FS_MT_RESERVE] = ST(4, D, 0),
	},
	[FS_COLOR_MONO] = {
		[FS_MT_UNMOVABLE] = MONO(BOLD),
		[FS_MT_MOVABLE] = MONO(0),
		[FS_MT_RECLAIMABLE] = MONO(UL),
		[FS_MT_HIGHATOMIC] = MONO(BOLD | UL),
		[FS_MT_CMA] = MONO(DIM),
		[FS_MT_ISOLATE] = MONO(DIM | UL),
		[FS_MT_RESERVE] = MONO(DIM),
	},
};

/* The pageblock map: the type's colour on a dark tint of it, so that a
 * free pageblock (a dot) still shows its type; 8 colours have no tints and
 * take the row labels' colours (fs_theme_builtin). */
static const struct fs_style builtin_pageblock[3][FS_MT_COUNT] = {
	[FS_COLOR_256] = {
		[FS_MT_UNMOVABLE] = ST(203, 52, 0),
		[FS_MT_MOVABLE] = ST(114, 22, 0),
		[FS_MT_RECLAIMABLE] = ST(75, 17, 0),
		[FS_MT_HIGHATOMIC] = ST(213, 53, 0),
		[FS_MT_CMA] = ST(221, 58, 0),
		[FS_MT_ISOLATE] = ST(245, 238, 0),
		[FS_MT_RESERVE] = ST(180, 94, 0),
	},
	/* 8 colours: the row labels' (no tints to put under them) */
	/* mono: the letter says the type, the attributes the fill */
	[FS_COLOR_MONO] = {
		[FS_MT_UNMOVABLE] = MONO(0),
		[FS_MT_MOVABLE] = MONO(0),
		[FS_MT_RECLAIMABLE] = MONO(0),
		[FS_MT_HIGHATOMIC] = MONO(0),
		[FS_MT_CMA] = MONO(0),
		[FS_MT_ISOLATE] = MONO(0),
		[FS_MT_RESERVE] = MONO(0),
	},
};

/* Empty first, then a blue - teal - green - yellow - orange - red ramp; the
 * count printed in a cell is black or white, whichever reads better. */
static const struct fs_style builtin_heat_256[] = {
	ST(246, 235, 0), ST(250, 17, 0), ST(253, 19, 0), ST(231, 25, 0), ST(16, 31, 0),
	ST(16, 37, 0), ST(16, 71, 0), ST(16, 148, 0), ST(16, 214, 0), ST(16, 196, BOLD),
};
static const struct fs_style builtin_heat_8[] = {
	ST(7, D, DIM), ST(7, 4, 0), ST(0, 6, 0), ST(0, 2, 0), ST(0, 3, 0), ST(7, 1, BOLD),
};
/* Mono shows heat as heat_chars; the attributes grow with them. */
static const struct fs_style builtin_heat_mono[] = {
	MONO(DIM), MONO(DIM), MONO(0), MONO(0), MONO(0), MONO(0),
	MONO(BOLD), MONO(BOLD), MONO(BOLD), MONO(BOLD | REV),
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(NELEM(builtin_heat_256) <= FS_HEAT_STEPS_MAX, "heat steps");
_Static_assert(NELEM(builtin_heat_8) <= FS_HEAT_STEPS_MAX, "heat steps");
_Static_assert(NELEM(builtin_heat_mono) <= FS_HEAT_STEPS_MAX, "heat steps");

static const struct fs_style no_style = ST(D, D, 0);

static void set_heat(struct fs_theme_variant *v, const struct fs_style *steps, size_t n)
{
	for (size_t i = 0; i < FS_HEAT_STEPS_MAX; i++)
		v->heat[i] = i < n ? steps[i] : no_style;
	v->nr_heat = (int)n;
}

void fs_theme_builtin(struct fs_theme *t)
{
	memset(t, 0, sizeof(*t));
	fs_copy_str(t->name, sizeof(t->name), "default");
	fs_copy_str(t->heat_chars, sizeof(t->heat_chars), " .:-=+*#%@");
	for (int m = 0; m < 3; m++) {
		memcpy(t->variant[m].role, builtin_roles[m], sizeof(t->variant[m].role));
		memcpy(t->variant[m].mt, builtin_mt[m], sizeof(t->variant[m].mt));
		memcpy(t->variant[m].pageblock,
		       m == FS_COLOR_8 ? builtin_mt[m] : builtin_pageblock[m],
		       sizeof(t->variant[m].pageblock));
	}
	fs_copy_str(t->pageblock_chars, sizeof(t->pageblock_chars), ".-+*#");
	set_heat(&t->variant[FS_COLOR_256], builtin_heat_256, NELEM(builtin_heat_256));
	set_heat(&t->variant[FS_COLOR_8], builtin_heat_8, NELEM(builtin_heat_8));
	set_heat(&t->variant[FS_COLOR_MONO], builtin_heat_mono, NELEM(builtin_heat_mono));
}

#undef D
#undef BOLD
#undef DIM
#undef REV
#undef UL
#undef ST
#undef MONO

/* ===================================================================== */
/* Colours                                                                */
/* ===================================================================== */

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* xterm's palette, the usual reference for what the numbers look like. */
static void xterm_rgb(int n, int rgb[3])
{
	static const unsigned char base[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
		{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const unsigned char level[6] = { 0, 95, 135, 175, 215, 255 };
	if (n < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = base[n][i];
	} else if (n < 232) {
		n -= 16;
		rgb[0] = level[n / 36];
		rgb[1] = level[n / 6 % 6];
		rgb[2] = level[n % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (n - 232);
	}
}

/* The colour of [from, to] nearest to rgb (squared distance, first wins). */
static int nearest_color(const int rgb[3], int from, int to)
{
	int best = from;
	long best_d = -1;
	for (int n = from; n <= to; n++) {
		int c[3];
		xterm_rgb(n, c);
		long d = 0;
		for (int i = 0; i < 3; i++)
			d += (long)(c[i] - rgb[i]) * (c[i] - rgb[i]);
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = n;
		}
	}
	return best;
}

/* 8-15 are the bright forms of 0-7; others go by their xterm look. */
static int reduce_to_8(int n)
{
	if (n < 8)
		return n;
	if (n < 16)
		return n - 8;
	int rgb[3];
	xterm_rgb(n, rgb);
	return nearest_color(rgb, 0, 7);
}

static bool parse_hex_rgb(const char *s, int rgb[3])
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 0; i < 3; i++) {
		int hi = fs_hex_digit(s[1 + 2 * i]), lo = fs_hex_digit(s[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return false;
		rgb[i] = hi * 16 + lo;
	}
	return true;
}

enum color_kind { COLOR_BAD, COLOR_NUMBER, COLOR_RGB };

/* A colour as written: a name, bright-NAME, default, -1, 0-255 or #rrggbb.
 * Returns what kind it was; *out is -1 .. 255, or the rgb for COLOR_RGB. */
static enum color_kind parse_color(const char *s, int *out, int rgb[3])
{
	if (strcasecmp(s, "default") == 0 || strcmp(s, "-1") == 0) {
		*out = -1;
		return COLOR_NUMBER;
	}
	if (s[0] == '#')
		return parse_hex_rgb(s, rgb) ? COLOR_RGB : COLOR_BAD;
	if (isdigit((unsigned char)s[0])) {
		size_t n = strspn(s, "0123456789");
		if (s[n] || n > 3)
			return COLOR_BAD;
		int v = atoi(s);
		if (v > 255)
			return COLOR_BAD;
		*out = v;
		return COLOR_NUMBER;
	}
	int bright = 0;
	if (strncasecmp(s, "bright", 6) == 0 && (s[6] == '-' || s[6] == '_')) {
		bright = 8;
		s += 7;
	}
	for (int i = 0; i < 8; i++)
		if (strcasecmp(s, color_names[i]) == 0) {
			*out = i + bright;
			return COLOR_NUMBER;
		}
	return COLOR_BAD;
}

/* ===================================================================== */
/* The event reader                                                       */
/* ===================================================================== */

struct rd {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have_ev;
	bool failed;
	const char *source;
	struct fs_diags *diags;
	unsigned depth;           /* collections open around the current event */
};

static const char *event_name(yaml_event_type_t type)
{
	switch (type) {
	case YAML_SCALAR_EVENT: return "a scalar";
	case YAML_ALIAS_EVENT: return "an alias";
	case YAML_SEQUENCE_START_EVENT: return "a list";
	case YAML_MAPPING_START_EVENT: return "a mapping";
	case YAML_SEQUENCE_END_EVENT: return "the end of a list";
	case YAML_MAPPING_END_EVENT: return "the end of a mapping";
	case YAML_DOCUMENT_START_EVENT: return "a document";
	case YAML_DOCUMENT_END_EVENT: return "the end of the document";
	case YAML_STREAM_START_EVENT: return "the start of the stream";
	case YAML_STREAM_END_EVENT: return "the end of the file";
	case YAML_NO_EVENT: break;
	}
	return "nothing";
}

static unsigned rd_line(const struct rd *r)
{
	return r->have_ev ? (unsigned)r->ev.start_mark.line + 1 : 0;
}

static yaml_event_type_t rd_type(const struct rd *r)
{
	return r->have_ev ? r->ev.type : YAML_NO_EVENT;
}

static void rd_diag(struct rd *r, enum fs_severity sev, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void rd_diag(struct rd *r, enum fs_severity sev, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fs_diags_add(r->diags, sev, r->source, line, "%s", msg);
}

#define WARN(r, line, ...) rd_diag((r), FS_SEV_WARNING, (line), __VA_ARGS__)

/* A fatal problem: the file is not used. Reports once; returns false. */
static bool rd_fail(struct rd *r, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool rd_fail(struct rd *r, unsigned line, const char *fmt, ...)
{
	if (!r->failed) {
		char msg[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		rd_diag(r, FS_SEV_ERROR, line, "%s", msg);
	}
	r->failed = true;
	return false;
}

static bool rd_next(struct rd *r)
{
	if (r->failed)
		return false;
	if (r->have_ev)
		yaml_event_delete(&r->ev);
	r->have_ev = false;
	if (!yaml_parser_parse(&r->parser, &r->ev)) {
		const yaml_parser_t *p = &r->parser;
		/* libyaml: "did not find expected key" + "while parsing a block
		 * mapping" (which began at context_mark). */
		if (p->context)
			return rd_fail(r, (unsigned)p->problem_mark.line + 1,
				       "not valid YAML: %s (%s that begins on line %u)",
				       p->problem ? p->problem : "syntax error", p->context,
				       (unsigned)p->context_mark.line + 1);
		return rd_fail(r, (unsigned)p->problem_mark.line + 1, "not valid YAML: %s",
			       p->problem ? p->problem : "syntax error");
	}
	r->have_ev = true;
	switch (r->ev.type) {
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++r->depth > THEME_MAX_DEPTH)
			return rd_fail(r, rd_line(r), "nested deeper than %d levels: not a theme "
				       "(a theme needs 5)", THEME_MAX_DEPTH);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		r->depth--;
		break;
	default:
		break;
	}
	return true;
}

static bool rd_is_scalar(const struct rd *r)
{
	return rd_type(r) == YAML_SCALAR_EVENT;
}

static const char *rd_value(const struct rd *r)
{
	return (const char *)r->ev.data.scalar.value;
}

/* A scalar without NUL bytes inside (YAML's "\0" escape can make one). */
static bool rd_clean_scalar(const struct rd *r)
{
	return rd_is_scalar(r) && strlen(rd_value(r)) == r->ev.data.scalar.length;
}

/* Text from the file, safe to show: printable ASCII, '?' for the rest. */
static void printable(char *dst, size_t size, const char *src, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		unsigned char ch = (unsigned char)src[i];
		dst[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	dst[o] = '\0';
}

/* What the current event is, for "got ...": a scalar's text (cut at 40),
 * or the kind of node. */
static const char *rd_got(const struct rd *r, char *buf, size_t size)
{
	if (!rd_is_scalar(r)) {
		snprintf(buf, size, "%s", event_name(rd_type(r)));
		return buf;
	}
	char text[48];
	size_t len = r->ev.data.scalar.length;
	printable(text, sizeof(text), rd_value(r), len > 40 ? 40 : len);
	snprintf(buf, size, "\"%s%s\"", text, len > 40 ? "..." : "");
	return buf;
}

/* Step over the value that starts at the current event. */
static bool skip_value(struct rd *r)
{
	yaml_event_type_t type = rd_type(r);
	if (type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT)
		return rd_next(r);
	if (type != YAML_SEQUENCE_START_EVENT && type != YAML_MAPPING_START_EVENT)
		return rd_fail(r, rd_line(r), "expected a value, got %s", event_name(type));
	unsigned outer = r->depth - 1;
	do {
		if (!rd_next(r))
			return false;
	} while (r->depth > outer);
	return rd_next(r);   /* past the end of the collection */
}

/* Walk a mapping (the current event is its start): fn gets every key, with
 * the current event at the key's value, and must consume that value. */
typedef bool (*pair_fn)(struct rd *r, void *ctx, const char *key, unsigned line);

static bool each_pair(struct rd *r, const char *where, void *ctx, pair_fn fn)
{
	if (!rd_next(r))
		return false;
	while (rd_type(r) != YAML_MAPPING_END_EVENT) {
		unsigned line = rd_line(r);
		if (!rd_is_scalar(r)) {
			WARN(r, line, "%s: expected a key, got %s; ignored", where,
			     event_name(rd_type(r)));
			if (!skip_value(r) || !skip_value(r))
				return false;
			continue;
		}
		/* Keys that are not printable ASCII match nothing known. */
		char key[64];
		printable(key, sizeof(key), rd_value(r), r->ev.data.scalar.length);
		if (!rd_next(r) || !fn(r, ctx, key, line))
			return false;
	}
	return rd_next(r);
}

/* ---- Styles ------------------------------------------------------------- */

struct style_ctx {
	struct fs_style *out;
	struct fs_style old;      /* kept for a field whose value is bad */
	enum fs_color_mode mode;
	const char *where;
};

static bool color_value(struct rd *r, const struct style_ctx *c, const char *which,
			int16_t *field, int16_t old)
{
	unsigned line = rd_line(r);
	char got[64];
	int n = -1, rgb[3];
	enum color_kind kind = rd_clean_scalar(r) ? parse_color(rd_value(r), &n, rgb) : COLOR_BAD;
	switch (kind) {
	case COLOR_BAD:
		WARN(r, line, "%s.%s: expected a colour (a name, 0-255, #rrggbb or default), "
		     "got %s", c->where, which, rd_got(r, got, sizeof(got)));
		*field = old;
		return skip_value(r);
	case COLOR_RGB:
		n = c->mode == FS_COLOR_8 ? nearest_color(rgb, 0, 7) : nearest_color(rgb, 16, 255);
		break;
	case COLOR_NUMBER:
		if (c->mode == FS_COLOR_8 && n > 7) {
			int m = reduce_to_8(n);
			WARN(r, line, "%s.%s: colors8 has the colours 0-7 and default, got %d; "
			     "using %d (%s)", c->where, which, n, m, color_names[m]);
			n = m;
		}
		break;
	}
	/* Mono has no colours: fg and bg are accepted there and ignored. */
	*field = (int16_t)(c->mode == FS_COLOR_MONO ? -1 : n);
	return rd_next(r);
}

static const struct {
	const char *name;
	uint16_t bit;
} attr_names[] = {
	{ "bold", FS_ATTR_BOLD },           { "dim", FS_ATTR_DIM },
	{ "reverse", FS_ATTR_REVERSE },     { "underline", FS_ATTR_UNDERLINE },
	{ "standout", FS_ATTR_STANDOUT },   { "italic", FS_ATTR_ITALIC },
};

static void one_attr(struct rd *r, const struct style_ctx *c)
{
	if (rd_clean_scalar(r))
		for (size_t i = 0; i < NELEM(attr_names); i++)
			if (strcasecmp(rd_value(r), attr_names[i].name) == 0) {
				c->out->attrs |= attr_names[i].bit;
				return;
			}
	char got[64];
	WARN(r, rd_line(r), "%s.attrs: expected bold, dim, reverse, underline, standout or "
	     "italic, got %s", c->where, rd_got(r, got, sizeof(got)));
}

/* attrs: [bold, underline], or one name. */
static bool attrs_value(struct rd *r, const struct style_ctx *c)
{
	if (rd_is_scalar(r)) {
		one_attr(r, c);
		return rd_next(r);
	}
	if (rd_type(r) != YAML_SEQUENCE_START_EVENT) {
		WARN(r, rd_line(r), "%s.attrs: expected a list of attributes, got %s", c->where,
		     event_name(rd_type(r)));
		c->out->attrs = c->old.attrs;
		return skip_value(r);
	}
	if (!rd_next(r))
		return false;
	while (rd_type(r) != YAML_SEQUENCE_END_EVENT) {
		if (rd_is_scalar(r)) {
			one_attr(r, c);
			if (!rd_next(r))
				return false;
		} else {
			one_attr(r, c);
			if (!skip_value(r))
				return false;
		}
	}
	return rd_next(r);
}

static bool style_key(struct rd *r, void *ctx, const char *key, unsigned line)
{
	struct style_ctx *c = ctx;
	if (strcmp(key, "fg") == 0)
		return color_value(r, c, "fg", &c->out->fg, c->old.fg);
	if (strcmp(key, "bg") == 0)
		return color_value(r, c, "bg", &c->out->bg, c->old.bg);
	if (strcmp(key, "attrs") == 0)
		return attrs_value(r, c);
	WARN(r, line, "%s: unknown key \"%s\"; a style has fg, bg and attrs", c->where, key);
	return skip_value(r);
}

/* A style given replaces the old one as a whole: what it does not say is
 * the terminal's default colour and no attributes. */
static bool style_value(struct rd *r, struct fs_style *out, enum fs_color_mode mode,
			const char *where)
{
	if (rd_type(r) != YAML_MAPPING_START_EVENT) {
		char got[64];
		WARN(r, rd_line(r), "%s: expected a style ({ fg: COLOUR, bg: COLOUR, "
		     "attrs: [...] }), got %s; the old one is kept", where,
		     rd_got(r, got, sizeof(got)));
		return skip_value(r);
	}
	struct style_ctx c = { out, *out, mode, where };
	*out = no_style;
	return each_pair(r, where, &c, style_key);
}

/* ---- Variants ----------------------------------------------------------- */

struct variant_ctx {
	struct fs_theme_variant *v;
	enum fs_color_mode mode;
	const char *section;      /* "colors256", "colors8", "mono" */
	/* a mapping of migratetypes being read: "migratetypes" or "pageblocks" */
	const char *mt_section;
	struct fs_style *mt_styles;
};

static bool mt_key(struct rd *r, void *ctx, const char *key, unsigned line)
{
	struct variant_ctx *c = ctx;
	int mt = fs_mt_from_name(key, strlen(key));
	if (mt < 0) {
		WARN(r, line, "%s.%s: unknown migratetype \"%s\"; expected Unmovable, "
		     "Movable, Reclaimable, HighAtomic, CMA, Isolate or Reserve", c->section,
		     c->mt_section, key);
		return skip_value(r);
	}
	char where[96];
	snprintf(where, sizeof(where), "%s.%s.%s", c->section, c->mt_section, fs_mt_name(mt));
	return style_value(r, &c->mt_styles[mt], c->mode, where);
}

/* migratetypes (row labels) or pageblocks (the map): type names to styles */
static bool migratetypes_value(struct rd *r, struct variant_ctx *c, const char *key,
			       struct fs_style *styles)
{
	if (rd_type(r) != YAML_MAPPING_START_EVENT) {
		WARN(r, rd_line(r), "%s.%s: expected a mapping of migratetype names to "
		     "styles, got %s", c->section, key, event_name(rd_type(r)));
		return skip_value(r);
	}
	char where[64];
	snprintf(where, sizeof(where), "%s.%s", c->section, key);
	struct variant_ctx mc = *c;
	mc.mt_section = key;
	mc.mt_styles = styles;
	return each_pair(r, where, &mc, mt_key);
}

/* heat: a list of 2 to 16 styles, empty first. A list of another length
 * leaves the heat as it was. */
static bool heat_value(struct rd *r, struct variant_ctx *c, unsigned line)
{
	if (rd_type(r) != YAML_SEQUENCE_START_EVENT) {
		WARN(r, line, "%s.heat: expected a list of 2 to %d styles, empty first, got %s",
		     c->section, FS_HEAT_STEPS_MAX, event_name(rd_type(r)));
		return skip_value(r);
	}
	struct fs_style steps[FS_HEAT_STEPS_MAX];
	size_t n = 0;
	if (!rd_next(r))
		return false;
	while (rd_type(r) != YAML_SEQUENCE_END_EVENT) {
		if (n < FS_HEAT_STEPS_MAX) {
			char where[64];
			snprintf(where, sizeof(where), "%s.heat[%zu]", c->section, n);
			steps[n] = (int)n < c->v->nr_heat ? c->v->heat[n] : no_style;
			if (!style_value(r, &steps[n], c->mode, where))
				return false;
		} else if (!skip_value(r)) {
			return false;
		}
		n++;
	}
	if (!rd_next(r))
		return false;
	if (n < 2 || n > FS_HEAT_STEPS_MAX) {
		WARN(r, line, "%s.heat: expected 2 to %d steps, got %zu; the heat is not changed",
		     c->section, FS_HEAT_STEPS_MAX, n);
		return true;
	}
	set_heat(c->v, steps, n);
	return true;
}

static bool variant_key(struct rd *r, void *ctx, const char *key, unsigned line)
{
	struct variant_ctx *c = ctx;
	int role = fs_theme_role_from_name(key);
	if (role >= 0) {
		char where[64];
		snprintf(where, sizeof(where), "%s.%s", c->section, key);
		return style_value(r, &c->v->role[role], c->mode, where);
	}
	if (strcmp(key, "migratetypes") == 0)
		return migratetypes_value(r, c, "migratetypes", c->v->mt);
	if (strcmp(key, "pageblocks") == 0)
		return migratetypes_value(r, c, "pageblocks", c->v->pageblock);
	if (strcmp(key, "heat") == 0)
		return heat_value(r, c, line);
	char known[400] = "";
	for (int i = 0; i < FS_ROLE_COUNT; i++) {
		strcat(known, role_names[i]);
		strcat(known, ", ");
	}
	WARN(r, line, "%s: unknown role \"%s\"; expected one of %smigratetypes, pageblocks or heat",
	     c->section, key, known);
	return skip_value(r);
}

/* ---- The top level ------------------------------------------------------ */

struct top_ctx {
	struct fs_theme *t;
	bool named;
};

static bool name_value(struct rd *r, struct top_ctx *c)
{
	if (!rd_is_scalar(r) || r->ev.data.scalar.length == 0) {
		char got[64];
		WARN(r, rd_line(r), "name: expected the theme's name, got %s",
		     rd_got(r, got, sizeof(got)));
		return skip_value(r);
	}
	printable(c->t->name, sizeof(c->t->name), rd_value(r), r->ev.data.scalar.length);
	c->named = true;
	return rd_next(r);
}

static bool heat_chars_value(struct rd *r, struct fs_theme *t)
{
	bool ok = rd_clean_scalar(r);
	size_t len = ok ? strlen(rd_value(r)) : 0;
	ok = ok && len >= 2 && len <= FS_HEAT_STEPS_MAX;
	for (size_t i = 0; ok && i < len; i++)
		ok = rd_value(r)[i] >= 0x20 && rd_value(r)[i] < 0x7f;
	if (!ok) {
		char got[64];
		WARN(r, rd_line(r), "heat_chars: expected 2 to %d printable ASCII characters, "
		     "coolest first, got %s", FS_HEAT_STEPS_MAX, rd_got(r, got, sizeof(got)));
		return skip_value(r);
	}
	fs_copy_str(t->heat_chars, sizeof(t->heat_chars), rd_value(r));
	return rd_next(r);
}

static bool pageblock_chars_value(struct rd *r, struct fs_theme *t)
{
	bool ok = rd_clean_scalar(r);
	size_t len = ok ? strlen(rd_value(r)) : 0;
	ok = ok && len == FS_PAGEBLOCK_LEVELS;
	for (size_t i = 0; ok && i < len; i++)
		ok = rd_value(r)[i] > 0x20 && rd_value(r)[i] < 0x7f;
	if (!ok) {
		char got[64];
		WARN(r, rd_line(r), "pageblock_chars: expected %d printable ASCII characters "
		     "(no blank), all free first, full last, got %s", FS_PAGEBLOCK_LEVELS,
		     rd_got(r, got, sizeof(got)));
		return skip_value(r);
	}
	fs_copy_str(t->pageblock_chars, sizeof(t->pageblock_chars), rd_value(r));
	return rd_next(r);
}

static const struct {
	const char *key;
	enum fs_color_mode mode;
} sections[] = {
	{ "colors256", FS_COLOR_256 }, { "colors8", FS_COLOR_8 }, { "mono", FS_COLOR_MONO },
};

static bool top_key(struct rd *r, void *ctx, const char *key, unsigned line)
{
	struct top_ctx *c = ctx;
	if (strcmp(key, "name") == 0)
		return name_value(r, c);
	if (strcmp(key, "description") == 0)
		return skip_value(r);
	if (strcmp(key, "heat_chars") == 0)
		return heat_chars_value(r, c->t);
	if (strcmp(key, "pageblock_chars") == 0)
		return pageblock_chars_value(r, c->t);
	for (size_t i = 0; i < NELEM(sections); i++) {
		if (strcmp(key, sections[i].key) != 0)
			continue;
		if (rd_type(r) != YAML_MAPPING_START_EVENT) {
			WARN(r, line, "%s: expected a mapping of roles to styles, got %s", key,
			     event_name(rd_type(r)));
			return skip_value(r);
		}
		struct variant_ctx vc = { &c->t->variant[sections[i].mode], sections[i].mode,
					  sections[i].key, NULL, NULL };
		return each_pair(r, key, &vc, variant_key);
	}
	WARN(r, line, "unknown key \"%s\"; a theme has name, description, heat_chars, "
	     "pageblock_chars, colors256, colors8 and mono", key);
	return skip_value(r);
}

static bool parse_document(struct rd *r, struct fs_theme *t, bool *named)
{
	char got[64];
	if (!rd_next(r) || !rd_next(r))     /* the stream start, then the document */
		return false;
	if (rd_type(r) == YAML_STREAM_END_EVENT)
		return rd_fail(r, rd_line(r), "empty: expected a theme (a mapping with name, "
			       "heat_chars, colors256, colors8, mono)");
	if (!rd_next(r))
		return false;
	if (rd_type(r) != YAML_MAPPING_START_EVENT)
		return rd_fail(r, rd_line(r), "expected a theme (a mapping with name, heat_chars, "
			       "colors256, colors8, mono), got %s", rd_got(r, got, sizeof(got)));
	struct top_ctx c = { t, false };
	if (!each_pair(r, "theme", &c, top_key))
		return false;
	*named = c.named;
	/* The document end, then what follows: a second document is ignored. */
	if (!rd_next(r))
		return false;
	if (rd_type(r) == YAML_DOCUMENT_START_EVENT)
		WARN(r, rd_line(r), "only the first document of a theme file is read");
	return true;
}

static int load(struct fs_theme *t, const char *text, size_t len, const char *source,
		struct fs_diags *diags, bool *named)
{
	fs_theme_builtin(t);
	*named = false;
	if (!text) {
		text = "";
		len = 0;
	}
	struct rd r;
	memset(&r, 0, sizeof(r));
	r.source = source ? source : "(theme)";
	r.diags = diags;
	if (len > THEME_MAX_BYTES) {
		fs_diags_add(diags, FS_SEV_ERROR, r.source, 0, "larger than %u bytes: not a theme "
			     "(a theme is a few kB)", THEME_MAX_BYTES);
		return -1;
	}
	if (fs_looks_binary(text, len)) {
		fs_diags_add(diags, FS_SEV_ERROR, r.source, 1, "binary data: expected a theme in "
			     "YAML text");
		return -1;
	}
	yaml_parser_initialize(&r.parser);
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
	bool ok = parse_document(&r, t, named);
	if (r.have_ev)
		yaml_event_delete(&r.ev);
	yaml_parser_delete(&r.parser);
	if (!ok) {
		fs_theme_builtin(t);
		*named = false;
		return -1;
	}
	return 0;
}

int fs_theme_load_text(struct fs_theme *t, const char *text, size_t len, const char *source,
		       struct fs_diags *diags)
{
	struct fs_diags own = { 0 };
	bool named;
	int rc = load(t, text, len, source, diags ? diags : &own, &named);
	fs_diags_clear(&own);
	return rc;
}

/* "themes/light.yaml" is called "light" unless it says otherwise. */
static void name_from_path(char *name, size_t size, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, ".yaml") == 0)
		len -= 5;
	printable(name, size, base, len);
}

int fs_theme_load_file(struct fs_theme *t, const char *path, struct fs_diags *diags)
{
	struct fs_diags own = { 0 };
	if (!diags)
		diags = &own;
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(path, THEME_MAX_BYTES + 1, &text, &len);
	if (rc < 0) {
		fs_theme_builtin(t);
		if (rc == -EFBIG)
			fs_diags_add(diags, FS_SEV_ERROR, path, 0, "larger than %u bytes: not a "
				     "theme (a theme is a few kB)", THEME_MAX_BYTES);
		else
			fs_diags_add(diags, FS_SEV_ERROR, path, 0, "cannot read the theme: %s",
				     strerror(-rc));
		free(text);
		fs_diags_clear(&own);
		return -1;
	}
	bool named;
	rc = load(t, text, len, path, diags, &named);
	free(text);
	fs_diags_clear(&own);
	if (rc < 0)
		return -1;
	if (!named)
		name_from_path(t->name, sizeof(t->name), path);
	fs_copy_str(t->path, sizeof(t->path), path);
	return 0;
}

/* ===================================================================== */
/* Finding themes                                                         */
/* ===================================================================== */

/* $XDG_CONFIG_HOME/fragscope/themes, else ~/.config/fragscope/themes. A
 * relative XDG_CONFIG_HOME is ignored, as the XDG spec asks. */
static bool user_dir(char *dir, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	int n;
	if (xdg && xdg[0] == '/') {
		n = snprintf(dir, size, "%s/fragscope/themes", xdg);
	} else {
		const char *home = getenv("HOME");
		if (!home || !home[0])
			return false;
		n = snprintf(dir, size, "%s/.config/fragscope/themes", home);
	}
	return n > 0 && (size_t)n < size;
}

static bool is_regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A theme name: no path, no "..", not hidden, not too long. */
static bool valid_name(const char *name, size_t len)
{
	if (len == 0 || len >= 64 || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0' || (i + 1 < len && name[i] == '.' &&
							  name[i + 1] == '.'))
			return false;
	return true;
}

static bool has_yaml_suffix(const char *s, size_t len)
{
	return len > 5 && memcmp(s + len - 5, ".yaml", 5) == 0;
}

static bool try_dir(const char *dir, const char *name, size_t len, char *path, size_t path_size)
{
	if (!dir || !dir[0])
		return false;
	int n = snprintf(path, path_size, "%s/%.*s.yaml", dir, (int)len, name);
	return n > 0 && (size_t)n < path_size && is_regular_file(path);
}

int fs_theme_find(const char *name, const char *const *dirs, size_t nr_dirs, char *path,
		  size_t path_size)
{
	if (!name || !path || path_size == 0)
		return -1;
	if (strchr(name, '/')) {
		if (strlen(name) >= path_size || !is_regular_file(name))
			return -1;
		fs_copy_str(path, path_size, name);
		return 0;
	}
	size_t len = strlen(name);
	if (has_yaml_suffix(name, len))
		len -= 5;   /* --theme light.yaml means light */
	if (!valid_name(name, len))
		return -1;
	char dir[4096];
	if (user_dir(dir, sizeof(dir)) && try_dir(dir, name, len, path, path_size))
		return 0;
	for (size_t i = 0; dirs && i < nr_dirs; i++)
		if (try_dir(dirs[i], name, len, path, path_size))
			return 0;
	path[0] = '\0';
	return -1;
}

struct name_list {
	char (*names)[64];
	size_t count, cap;
};

static void list_dir(struct name_list *l, const char *dir)
{
	DIR *d = dir && dir[0] ? opendir(dir) : NULL;
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) && l->count < THEME_LIST_MAX) {
		size_t len = strlen(de->d_name);
		if (!has_yaml_suffix(de->d_name, len) || !valid_name(de->d_name, len - 5))
			continue;
		char path[4096 + 256];
		int n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path) || !is_regular_file(path))
			continue;
		fs_grow((void **)&l->names, &l->cap, l->count + 1, sizeof(*l->names));
		memcpy(l->names[l->count], de->d_name, len - 5);
		l->names[l->count][len - 5] = '\0';
		l->count++;
	}
	closedir(d);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

size_t fs_theme_list(const char *const *dirs, size_t nr_dirs, char names[][64], size_t max)
{
	struct name_list l = { NULL, 0, 0 };
	char dir[4096];
	if (user_dir(dir, sizeof(dir)))
		list_dir(&l, dir);
	for (size_t i = 0; dirs && i < nr_dirs; i++)
		list_dir(&l, dirs[i]);
	if (l.count)
		qsort(l.names, l.count, sizeof(*l.names), cmp_names);
	size_t out = 0;
	for (size_t i = 0; i < l.count && names && out < max; i++) {
		if (i > 0 && strcmp(l.names[i], l.names[i - 1]) == 0)
			continue;
		memcpy(names[out++], l.names[i], 64);
	}
	free(l.names);
	return out;
}

/* ===================================================================== */
/* Colour mode and heat                                                   */
/* ===================================================================== */

enum fs_color_mode fs_color_mode_for(int colors, bool no_color_env, bool mono_flag)
{
	if (mono_flag || no_color_env || colors < 8)
		return FS_COLOR_MONO;
	return colors >= 256 ? FS_COLOR_256 : FS_COLOR_8;
}

/*
 * 0 -> 0; 1 <= count < max -> 1 + floor((nr_steps - 2) * log(count) / log(max)),
 * so 1 -> 1 and the steps in between are equal factors of count; count >= max
 * (or max <= 1) -> nr_steps - 1. A tiny epsilon keeps exact powers (10 of
 * max 100) on their step despite rounding in log(). Monotonic in count.
 */
int fs_heat_step(uint64_t count, uint64_t max, int nr_steps)
{
	if (nr_steps <= 1 || count == 0)
		return 0;
	if (max <= 1 || count >= max)
		return nr_steps - 1;
	double x = (double)(nr_steps - 2) * log((double)count) / log((double)max);
	int step = 1 + (int)floor(x + 1e-9);
	return step < 1 ? 1 : step > nr_steps - 1 ? nr_steps - 1 : step;
}
