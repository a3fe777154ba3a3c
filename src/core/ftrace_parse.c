/*
 * ftrace_parse.c - read kmem page events from ftrace text.
 *
 * A line is "<task>-<pid> [cpu] <flags> <timestamp>: <event>: <fields>"
 * (`cat trace`, `trace_pipe`; the flags column is absent with
 * irq-info off, "(tgid)" may follow the pid with record-tgid), or the same
 * as `trace-cmd report` prints it (no flags column in older trace-cmd,
 * fields padded), or perf script's "kmem:mm_page_alloc:". The fields are
 * key=value words; they are read by key, so extra or reordered keys of
 * other versions do not matter. TP_printk formats read
 * (include/trace/events/kmem.h):
 *
 *   mm_page_alloc       "page=%p pfn=%lu order=%d migratetype=%d gfp_flags=%s"
 *                       3.3 ... 5.x (pfn 0 and page (null) when it failed;
 *                       3.x: __entry->page ? page_to_pfn(page) : 0;
 *                       4.x-5.x: pfn -1UL stored, 0 printed, page NULL)
 *                       "page=%p pfn=0x%lx order=%d migratetype=%d gfp_flags=%s"
 *                       6.x (6.6.13 kmem.h read: hex pfn, same NULL rule)
 *   mm_page_free        "page=%p pfn=%lu order=%d"; 6.x "pfn=0x%lx"
 *                       (before 3.3: mm_page_free_direct, same format)
 *   mm_page_free_batched "page=%p pfn=%lu order=%d cold=%d" 3.3 ... 4.14,
 *                       "page=%p pfn=0x%lx order=0" 6.x (pfn=%lu before);
 *                       (before 3.3: mm_pagevec_free)
 *   mm_page_alloc_zone_locked "page=%p pfn=%lu order=%u migratetype=%d
 *                       percpu_refill=%d" (percpu_refill = order == 0 until
 *                       5.x; a real argument in 6.x, 6.6.13 read)
 *   mm_page_pcpu_drain  "page=%p pfn=%lu order=%d migratetype=%d"
 *   mm_page_alloc_extfrag "page=%p pfn=%lu alloc_order=%d fallback_order=%d
 *                       pageblock_order=%d alloc_migratetype=%d
 *                       fallback_migratetype=%d fragmenting=%d
 *                       change_ownership=%d" (2.6.33 ... 6.x; pfn hex in 6.x)
 *
 * gfp_flags is show_gfp_flags(): names joined by '|' ("none" for 0 since
 * the mmflags.h of 4.6; "GFP_NOWAIT" for 0 and names without leading
 * underscores, "GFP_ZERO", in the gfpflags.h of 3.x-4.4). Read as text
 * here and resolved against the engine's profile at replay time.
 * trace-cmd prints "[FAILED TO PARSE]" and the raw fields when it cannot
 * evaluate the print format (pfn_to_page in the arguments): then pfn is the
 * raw -1UL for failures and gfp_flags a decimal number.
 */
#include "ftrace_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fragscope/input.h"

#define GFP_TEXT_MAX 256
#define GFP_STRINGS_MAX 65536
#define DETECT_BYTES (64 * 1024)

static const char *const kind_names[FS_FTRACE_KINDS] = {
	"mm_page_alloc", "mm_page_free", "mm_page_free_batched",
	"mm_page_alloc_zone_locked", "mm_page_pcpu_drain", "mm_page_alloc_extfrag",
};

const char *fs_ftrace_kind_name(enum fs_ftrace_kind k)
{
	return (unsigned)k < FS_FTRACE_KINDS ? kind_names[k] : "?";
}

/* ---- the trace object ---- */

struct fs_ftrace *fs_ftrace_new(const char *source)
{
	struct fs_ftrace *t = fs_xcalloc(1, sizeof(*t));
	t->source = fs_xstrdup(source ? source : "ftrace");
	fs_grow((void **)&t->gfp, &t->cap_gfp, 1, sizeof(*t->gfp));
	t->gfp[0] = fs_xstrdup("");
	t->nr_gfp = 1;
	return t;
}

void fs_ftrace_free(struct fs_ftrace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nr_gfp; i++)
		free(t->gfp[i]);
	free(t->gfp);
	free(t->gfp_slots);
	free(t->events);
	free(t->source);
	free(t);
}

const struct fs_ftrace_event *fs_ftrace_events(const struct fs_ftrace *t, size_t *count)
{
	*count = t->nr_events;
	return t->events;
}

const struct fs_ftrace_parse_stats *fs_ftrace_stats(const struct fs_ftrace *t)
{
	return &t->stats;
}

const char *fs_ftrace_source(const struct fs_ftrace *t)
{
	return t->source;
}

const char *fs_ftrace_gfp_text(const struct fs_ftrace *t, uint32_t gfp)
{
	return gfp < t->nr_gfp ? t->gfp[gfp] : "";
}

size_t fs_ftrace_nr_gfp(const struct fs_ftrace *t)
{
	return t->nr_gfp;
}

/* ---- gfp interning: few distinct texts, millions of uses ---- */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;    /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void gfp_rehash(struct fs_ftrace *t)
{
	size_t n = t->nr_gfp_slots ? t->nr_gfp_slots * 2 : 64;
	uint32_t *slots = fs_xcalloc(n, sizeof(*slots));
	for (size_t i = 1; i < t->nr_gfp; i++) {
		size_t h = (size_t)hash_bytes(t->gfp[i], strlen(t->gfp[i])) & (n - 1);
		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = (uint32_t)i + 1;
	}
	free(t->gfp_slots);
	t->gfp_slots = slots;
	t->nr_gfp_slots = n;
}

/* Index of text s[0..n); UINT32_MAX when the table is full. */
static uint32_t gfp_intern(struct fs_ftrace *t, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if ((t->nr_gfp + 1) * 2 > t->nr_gfp_slots)
		gfp_rehash(t);
	size_t mask = t->nr_gfp_slots - 1;
	size_t h = (size_t)hash_bytes(s, n) & mask;
	while (t->gfp_slots[h]) {
		const char *e = t->gfp[t->gfp_slots[h] - 1];
		if (strncmp(e, s, n) == 0 && e[n] == '\0')
			return t->gfp_slots[h] - 1;
		h = (h + 1) & mask;
	}
	if (t->nr_gfp >= GFP_STRINGS_MAX)
		return UINT32_MAX;
	fs_grow((void **)&t->gfp, &t->cap_gfp, t->nr_gfp + 1, sizeof(*t->gfp));
	t->gfp[t->nr_gfp] = fs_xstrndup(s, n);
	t->gfp_slots[h] = (uint32_t)t->nr_gfp + 1;
	return (uint32_t)t->nr_gfp++;
}

/* ---- the line prefix ---- */

struct scan {
	const char *p, *end;
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static void skip_blank(struct scan *s)
{
	while (s->p < s->end && is_blank(*s->p))
		s->p++;
}

/* A word up to a blank. */
static size_t word_len(const struct scan *s)
{
	const char *q = s->p;
	while (q < s->end && !is_blank(*q))
		q++;
	return (size_t)(q - s->p);
}

/* "12345.678901:" or "12345:" (counter clocks) at w[0..n). */
static bool timestamp_word(const char *w, size_t n, double *ts)
{
	if (n < 2 || w[n - 1] != ':' || !is_digit(w[0]))
		return false;
	uint64_t sec = 0, frac = 0;
	double scale = 1;
	size_t i = 0;
	for (; i < n - 1 && is_digit(w[i]); i++) {
		if (sec > UINT64_MAX / 10 - 1)
			return false;
		sec = sec * 10 + (uint64_t)(w[i] - '0');
	}
	if (i < n - 1 && w[i] == '.') {
		i++;
		size_t digits = 0;
		for (; i < n - 1 && is_digit(w[i]); i++, digits++) {
			if (digits < 12) {
				frac = frac * 10 + (uint64_t)(w[i] - '0');
				scale *= 10;
			}
		}
		if (digits == 0)
			return false;
	}
	if (i != n - 1)
		return false;
	*ts = (double)sec + (double)frac / scale;
	return true;
}

/* What the prefix said and where the event name starts. */
struct prefix {
	double ts;
	int cpu;
	const char *name;               /* event name, without "kmem:" */
	size_t name_len;
	const char *rest;               /* after "name:" */
};

/* "[002]" anywhere after the task: the first bracket holding only digits. */
static const char *find_cpu(const char *p, const char *end, int *cpu)
{
	for (const char *q = p; q < end; q++) {
		if (*q != '[')
			continue;
		const char *d = q + 1;
		int v = 0, n = 0;
		while (d < end && is_digit(*d) && n < 6) {
			v = v * 10 + (*d - '0');
			d++;
			n++;
		}
		if (n > 0 && d < end && *d == ']') {
			*cpu = v;
			return d + 1;
		}
	}
	return NULL;
}

/* The name word ending in ':' at s; strips a perf "kmem:" subsystem. */
static bool event_name(struct scan *s, struct prefix *px)
{
	size_t n = word_len(s);
	const char *w = s->p;
	const char *colon = memchr(w, ':', n);
	if (!colon || colon == w)
		return false;
	if ((size_t)(colon - w) + 1 < n) {
		/* "kmem:mm_page_alloc:" (perf script) */
		const char *c2 = memchr(colon + 1, ':', n - (size_t)(colon - w) - 1);
		if (!c2)
			return false;
		w = colon + 1;
		colon = c2;
	}
	px->name = w;
	px->name_len = (size_t)(colon - w);
	px->rest = colon + 1;
	return true;
}

/* Structured prefix: cpu, optional flags column, timestamp, then the name. */
static bool parse_prefix(const char *line, size_t len, struct prefix *px)
{
	struct scan s = { line, line + len };
	px->ts = -1;
	px->cpu = -1;
	const char *after = find_cpu(s.p, s.end, &px->cpu);
	if (!after)
		return false;
	s.p = after;
	for (int word = 0; word < 3; word++) {
		skip_blank(&s);
		size_t n = word_len(&s);
		if (n == 0)
			return false;
		if (timestamp_word(s.p, n, &px->ts)) {
			s.p += n;
			skip_blank(&s);
			return event_name(&s, px);
		}
		s.p += n;       /* the flags column "d..1." / "...." */
	}
	return false;
}

static int kind_of(const char *name, size_t n)
{
	if (n < 7 || memcmp(name, "mm_page", 7) != 0)
		return -1;
	for (int k = 0; k < FS_FTRACE_KINDS; k++)
		if (strlen(kind_names[k]) == n && memcmp(name, kind_names[k], n) == 0)
			return k;
	/* before 3.3 */
	if (n == 19 && memcmp(name, "mm_page_free_direct", 19) == 0)
		return FS_FTRACE_FREE;
	if (n == 15 && memcmp(name, "mm_pagevec_free", 15) == 0)
		return FS_FTRACE_FREE_BATCHED;
	return -1;
}

/* Not an event line: comments, trace-cmd headers, lost-event notes. */
static void other_line(struct fs_ftrace *t, const char *line, size_t len)
{
	t->stats.other_lines++;
	/* "CPU:2 [LOST 123 EVENTS]" (trace_pipe and trace-cmd report) */
	const char *lost = fs_find(line, len, "[LOST ");
	if (lost) {
		struct fs_cursor c;
		uint64_t n;
		fs_cursor_init(&c, lost + 6, len - (size_t)(lost + 6 - line));
		if (fs_cursor_u64(&c, &n))
			t->stats.lost_events += n;
	}
}

/* ---- the fields ---- */

struct fields {
	bool page_null, page_seen;
	bool has_pfn, has_order, has_mt, has_gfp;
	bool has_aorder, has_forder, has_amt, has_fmt;
	bool pfn_neg;
	uint64_t pfn;
	int64_t order, mt, aorder, forder, amt, fmt;
	int64_t fragmenting, change_ownership, percpu_refill;
	const char *gfp;
	size_t gfp_len;
	bool raw;                       /* trace-cmd [FAILED TO PARSE] */
	/* first problem */
	const char *bad_key;
	size_t bad_key_len;
	const char *bad_word;
	size_t bad_word_len;
	const char *expect;
};

static bool null_pointer(const char *v, size_t n)
{
	if ((n == 6 && memcmp(v, "(null)", 6) == 0) || (n == 5 && memcmp(v, "(nil)", 5) == 0))
		return true;
	size_t i = (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) ? 2 : 0;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (v[i] != '0')
			return false;
	return true;
}

/* pfn: decimal, 0x hex, or -1. */
static bool pfn_value(const char *v, size_t n, uint64_t *out, bool *neg)
{
	*neg = false;
	if (n == 2 && v[0] == '-' && v[1] == '1') {
		*neg = true;
		*out = UINT64_MAX;
		return true;
	}
	struct fs_cursor c;
	fs_cursor_init(&c, v, n);
	bool ok = (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) ?
		  fs_cursor_hex(&c, out) : fs_cursor_u64(&c, out);
	return ok && fs_cursor_eol(&c);
}

static bool int_value(const char *v, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
	struct fs_cursor c;
	fs_cursor_init(&c, v, n);
	return fs_cursor_i64(&c, out) && fs_cursor_eol(&c) && *out >= lo && *out <= hi;
}

static void field_bad(struct fields *f, const char *key, size_t klen, const char *word,
		      size_t wlen, const char *expect)
{
	if (f->expect)
		return;
	f->bad_key = key;
	f->bad_key_len = klen;
	f->bad_word = word;
	f->bad_word_len = wlen;
	f->expect = expect;
}

#define KEY(lit) (klen == sizeof(lit) - 1 && memcmp(k, lit, klen) == 0)

static void small_int(struct fields *f, const char *k, size_t klen, const char *w, size_t wl,
		      const char *v, size_t vl, int64_t lo, int64_t hi, const char *expect,
		      int64_t *out, bool *has)
{
	if (int_value(v, vl, lo, hi, out)) {
		if (has)
			*has = true;
	} else {
		field_bad(f, k, klen, w, wl, expect);
	}
}

static void one_field(struct fields *f, const char *w, size_t wl)
{
	const char *eq = memchr(w, '=', wl);
	if (!eq)
		return;                 /* padding or a word of another format */
	const char *k = w, *v = eq + 1;
	size_t klen = (size_t)(eq - w), vl = wl - klen - 1;
	int64_t hi_order = FS_MAX_ORDERS - 1;
	if (KEY("page")) {
		f->page_seen = true;
		f->page_null = null_pointer(v, vl);
	} else if (KEY("pfn")) {
		if (pfn_value(v, vl, &f->pfn, &f->pfn_neg))
			f->has_pfn = true;
		else
			field_bad(f, k, klen, w, wl, "pfn=N (decimal, 0x hex or -1)");
	} else if (KEY("order")) {
		small_int(f, k, klen, w, wl, v, vl, 0, hi_order, "order=N with 0 <= N < 16",
			  &f->order, &f->has_order);
	} else if (KEY("migratetype")) {
		small_int(f, k, klen, w, wl, v, vl, 0, 31, "migratetype=N with 0 <= N < 32",
			  &f->mt, &f->has_mt);
	} else if (KEY("gfp_flags")) {
		f->gfp = v;
		f->gfp_len = vl;
		f->has_gfp = true;
	} else if (KEY("alloc_order")) {
		small_int(f, k, klen, w, wl, v, vl, 0, hi_order,
			  "alloc_order=N with 0 <= N < 16", &f->aorder, &f->has_aorder);
	} else if (KEY("fallback_order")) {
		small_int(f, k, klen, w, wl, v, vl, 0, hi_order,
			  "fallback_order=N with 0 <= N < 16", &f->forder, &f->has_forder);
	} else if (KEY("alloc_migratetype")) {
		small_int(f, k, klen, w, wl, v, vl, 0, 31,
			  "alloc_migratetype=N with 0 <= N < 32", &f->amt, &f->has_amt);
	} else if (KEY("fallback_migratetype")) {
		small_int(f, k, klen, w, wl, v, vl, 0, 31,
			  "fallback_migratetype=N with 0 <= N < 32", &f->fmt, &f->has_fmt);
	} else if (KEY("fragmenting")) {
		small_int(f, k, klen, w, wl, v, vl, 0, 1, "fragmenting=0 or 1",
			  &f->fragmenting, NULL);
	} else if (KEY("change_ownership")) {
		small_int(f, k, klen, w, wl, v, vl, 0, 1, "change_ownership=0 or 1",
			  &f->change_ownership, NULL);
	} else if (KEY("percpu_refill")) {
		small_int(f, k, klen, w, wl, v, vl, 0, 1, "percpu_refill=0 or 1",
			  &f->percpu_refill, NULL);
	}
	/* pageblock_order, cold, cpu and keys of other versions: not needed */
}

static void read_fields(struct fields *f, const char *p, const char *end)
{
	memset(f, 0, sizeof(*f));
	f->percpu_refill = -1;
	struct scan s = { p, end };
	skip_blank(&s);
	static const char failed[] = "[FAILED TO PARSE]";
	if ((size_t)(s.end - s.p) >= sizeof(failed) - 1 &&
	    memcmp(s.p, failed, sizeof(failed) - 1) == 0) {
		f->raw = true;
		s.p += sizeof(failed) - 1;
	}
	for (;;) {
		skip_blank(&s);
		size_t n = word_len(&s);
		if (n == 0)
			break;
		one_field(f, s.p, n);
		s.p += n;
	}
}

/* The first missing required field of kind k, or NULL. */
static const char *missing(const struct fields *f, int k)
{
	if (k == FS_FTRACE_EXTFRAG) {
		if (!f->has_pfn)
			return "pfn=N";
		if (!f->has_aorder)
			return "alloc_order=N";
		if (!f->has_forder)
			return "fallback_order=N";
		if (!f->has_amt)
			return "alloc_migratetype=N";
		if (!f->has_fmt)
			return "fallback_migratetype=N";
		return NULL;
	}
	if (!f->has_pfn)
		return "pfn=N";
	/* mm_page_free_batched of 6.x prints "order=0" as text, older "order=%d" */
	if (!f->has_order)
		return "order=N";
	if ((k == FS_FTRACE_ALLOC_ZONE_LOCKED || k == FS_FTRACE_PCPU_DRAIN) && !f->has_mt)
		return "migratetype=N";
	return NULL;
}

static void malformed(struct fs_ftrace *t, unsigned lineno, int k, const char *expect,
		      const char *got, size_t got_len, struct fs_diags *diags)
{
	t->stats.malformed++;
	if (!diags)
		return;
	int shown = got_len > 80 ? 80 : (int)got_len;
	fs_diags_add(diags, FS_SEV_WARNING, t->source, lineno,
		     "%s: expected \"%s\", got \"%.*s\"%s", kind_names[k], expect, shown, got,
		     got_len > 80 ? "..." : "");
}

static const char *trim_end(const char *p, const char *end)
{
	while (end > p && is_blank(end[-1]))
		end--;
	return end;
}

/* Fill ev from the fields; false (with a warning) when they do not do. */
static bool make_event(struct fs_ftrace *t, int k, const struct fields *f,
		       const struct prefix *px, unsigned lineno, const char *rest,
		       const char *end, struct fs_diags *diags, struct fs_ftrace_event *ev)
{
	if (f->expect) {
		malformed(t, lineno, k, f->expect, f->bad_word, f->bad_word_len, diags);
		return false;
	}
	const char *need = missing(f, k);
	if (need) {
		const char *r = rest;
		while (r < end && is_blank(*r))
			r++;
		end = trim_end(r, end);
		malformed(t, lineno, k, need, r, (size_t)(end - r), diags);
		return false;
	}
	memset(ev, 0, sizeof(*ev));
	ev->ts = px->ts;
	ev->cpu = (int16_t)(px->cpu > INT16_MAX ? -1 : px->cpu);
	ev->line = lineno;
	ev->kind = (uint8_t)k;
	ev->pfn = f->pfn;
	ev->mt = -1;
	ev->fallback_order = -1;
	ev->fallback_mt = -1;
	if (k == FS_FTRACE_EXTFRAG) {
		ev->order = (int8_t)f->aorder;
		ev->mt = (int8_t)f->amt;
		ev->fallback_order = (int8_t)f->forder;
		ev->fallback_mt = (int8_t)f->fmt;
		ev->fragmenting = f->fragmenting == 1;
		ev->change_ownership = f->change_ownership == 1;
		return true;
	}
	ev->order = (int8_t)f->order;
	if (f->has_mt)
		ev->mt = (int8_t)f->mt;
	if (k == FS_FTRACE_ALLOC_ZONE_LOCKED)
		ev->percpu_refill = f->percpu_refill >= 0 ? f->percpu_refill == 1 : f->order == 0;
	if (k != FS_FTRACE_ALLOC)
		return true;
	/* failed: page NULL and pfn printed 0, or a raw -1UL */
	ev->failed = (f->page_null && f->pfn == 0) || f->pfn_neg || f->pfn == UINT64_MAX;
	if (f->has_gfp) {
		char tmp[32];
		const char *g = f->gfp;
		size_t gl = f->gfp_len;
		if (f->raw && gl > 0 && is_digit(g[0])) {
			/* [FAILED TO PARSE] prints the raw field in decimal */
			struct fs_cursor c;
			uint64_t v;
			fs_cursor_init(&c, g, gl);
			if (fs_cursor_u64(&c, &v) && fs_cursor_eol(&c)) {
				gl = (size_t)snprintf(tmp, sizeof(tmp), "0x%llx",
						      (unsigned long long)v);
				g = tmp;
			}
		}
		if (gl > GFP_TEXT_MAX) {
			malformed(t, lineno, k, "gfp_flags=NAMES of at most 256 characters", g,
				  gl, diags);
			return false;
		}
		uint32_t id = gfp_intern(t, g, gl);
		if (id == UINT32_MAX) {
			malformed(t, lineno, k, "at most 65536 distinct gfp_flags texts", g, gl,
				  diags);
			return false;
		}
		ev->gfp = id;
	}
	return true;
}

static void push_event(struct fs_ftrace *t, const struct fs_ftrace_event *ev)
{
	if (t->nr_events == t->cap_events)
		fs_grow((void **)&t->events, &t->cap_events, t->nr_events + 1, sizeof(*ev));
	t->events[t->nr_events++] = *ev;
}

/* A known event name without the structured prefix (a log that cut it). */
static bool loose_prefix(const char *line, size_t len, struct prefix *px)
{
	const char *m = fs_find(line, len, "mm_page");
	if (!m || (m > line && !is_blank(m[-1]) && m[-1] != ':'))
		return false;
	struct scan s = { m, line + len };
	px->ts = -1;
	px->cpu = -1;
	return event_name(&s, px) && kind_of(px->name, px->name_len) >= 0;
}

bool fs_ftrace_add_line(struct fs_ftrace *t, const char *line, size_t len, unsigned lineno,
			struct fs_diags *diags)
{
	t->stats.lines++;
	if (lineno > t->lineno)
		t->lineno = lineno;
	size_t i = 0;
	while (i < len && is_blank(line[i]))
		i++;
	if (i == len || line[i] == '#') {
		t->stats.other_lines++;
		return false;
	}
	struct prefix px;
	if (!parse_prefix(line, len, &px) && !loose_prefix(line, len, &px)) {
		other_line(t, line, len);
		return false;
	}
	int k = kind_of(px.name, px.name_len);
	if (k < 0) {
		t->stats.unknown_events++;
		return false;
	}
	struct fields f;
	read_fields(&f, px.rest, line + len);
	struct fs_ftrace_event ev;
	if (!make_event(t, k, &f, &px, lineno, px.rest, line + len, diags, &ev))
		return false;
	t->stats.events[k]++;
	push_event(t, &ev);
	return true;
}

void fs_ftrace_add_text(struct fs_ftrace *t, const char *text, size_t len,
			struct fs_diags *diags)
{
	struct fs_lines it;
	const char *line;
	size_t n;
	uint64_t bad_before = t->stats.malformed;
	fs_lines_init(&it, text, len);
	it.lineno = t->lineno;
	while (fs_lines_next(&it, &line, &n))
		fs_ftrace_add_line(t, line, n, it.lineno, diags);
	t->lineno = it.lineno;
	uint64_t bad = t->stats.malformed - bad_before;
	if (bad > 0 && diags)
		fs_diags_add(diags, FS_SEV_NOTE, t->source, 0,
			     "%llu malformed kmem event line(s) skipped",
			     (unsigned long long)bad);
}

struct fs_ftrace *fs_ftrace_parse(const char *text, size_t len, const char *source,
				  struct fs_diags *diags)
{
	struct fs_ftrace *t = fs_ftrace_new(source);
	fs_ftrace_add_text(t, text, len, diags);
	return t;
}

struct fs_ftrace *fs_ftrace_load_file(const char *path, struct fs_diags *diags)
{
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(path, FS_INPUT_MAX_BYTES, &text, &len);
	if (rc != 0 && rc != -EFBIG /* the first part was read */) {
		fs_diags_add(diags, FS_SEV_ERROR, path, 0, "cannot read: %s", strerror(-rc));
		free(text);
		return NULL;
	}
	if (rc != 0)
		fs_diags_add(diags, FS_SEV_WARNING, path, 0,
			     "larger than %zu bytes: only the first part is replayed",
			     (size_t)FS_INPUT_MAX_BYTES);
	struct fs_ftrace *t = fs_ftrace_parse(text, len, path, diags);
	free(text);
	return t;
}

bool fs_ftrace_detect(const char *text, size_t len)
{
	if (len > DETECT_BYTES)
		len = DETECT_BYTES;
	struct fs_lines it;
	const char *line;
	size_t n;
	int looked = 0;
	bool header = false;
	fs_lines_init(&it, text, len);
	while (fs_lines_next(&it, &line, &n)) {
		if (n == 0)
			continue;
		if (line[0] == '#' || fs_starts_with(line, n, "cpus=") ||
		    fs_starts_with(line, n, "version = ")) {
			header = header || fs_starts_with(line, n, "# tracer:") ||
				 fs_starts_with(line, n, "cpus=");
			continue;
		}
		struct prefix px;
		if (parse_prefix(line, n, &px) && kind_of(px.name, px.name_len) >= 0)
			return true;
		if (!header && ++looked >= 64)
			return false;
	}
	return false;
}

int fs_ftrace_mt(const struct fs_kprofile *p, const struct fs_kconfig *c, int raw)
{
	/* profile order is enum migratetype with CONFIG_CMA; without it the
	 * kernel has no MIGRATE_CMA and MIGRATE_ISOLATE moves down one. */
	if (!p || raw < 0)
		return -1;
	int idx = 0;
	for (int i = 0; i < p->nr_migratetypes && i < FS_MT_COUNT; i++) {
		if (p->migratetypes[i] == FS_MT_CMA && c && !c->cma)
			continue;
		if (idx == raw)
			return p->migratetypes[i];
		idx++;
	}
	return -1;
}
