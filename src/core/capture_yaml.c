/*
 * capture_yaml.c - snapshots, deltas and kernel-log reports as YAML: the
 * encoding that the capture writer emits and the reader parses back.
 *
 * The encoding is lossless: every field of the model is written, either
 * always (meta, reports) or whenever it is known or non-zero (zones). A
 * delta names a zone by (node, name) and carries only what changed since the
 * previous frame. docs/capture-format.md is the reference.
 */
#include "capture_priv.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "fragscope/frame.h"

#define BINARY_TAG "tag:yaml.org,2002:binary"

/* ===================================================================== */
/* Small shared tables                                                    */
/* ===================================================================== */

/* enum fs_zone_known bit i is called known_names[i] in captures. */
static const char *const known_names[] = {
	"free_pages", "wmark", "boost", "promo", "spanned", "present", "managed",
	"cma_pages", "free_cma", "reserved_highatomic", "free_highatomic", "free_pcp",
	"protection", "order_blocks", "mt_blocks", "pageblocks", "area_total", "start_pfn",
	"split_reads",
};
_Static_assert(FS_ZK_SPLIT_READS == 1u << 18, "known_names[] follows enum fs_zone_known");

static const char *const time_base_names[] = { "unknown", "epoch", "boot" };
static const char *const report_kind_names[] = { "page_alloc", "vmalloc" };
static const char *const severity_names[] = { "note", "warning", "error" };
#define NAMES(a) (a), (int)(sizeof(a) / sizeof((a)[0]))

/* The plain integer fields of a zone, with the known bit that covers them. */
static const struct zone_field {
	const char *key;
	size_t off;
	uint32_t bit;
} zone_fields[] = {
#define ZF(field, bit) { #field, offsetof(struct fs_zone, field), bit }
	ZF(free_pages, FS_ZK_FREE_PAGES),
	ZF(wmark_min, FS_ZK_WMARK),
	ZF(wmark_low, FS_ZK_WMARK),
	ZF(wmark_high, FS_ZK_WMARK),
	ZF(wmark_boost, FS_ZK_BOOST),
	ZF(wmark_promo, FS_ZK_PROMO),
	ZF(spanned, FS_ZK_SPANNED),
	ZF(present, FS_ZK_PRESENT),
	ZF(managed, FS_ZK_MANAGED),
	ZF(cma_pages, FS_ZK_CMA_PAGES),
	ZF(free_cma, FS_ZK_FREE_CMA),
	ZF(reserved_highatomic, FS_ZK_RESERVED_HIGHATOMIC),
	ZF(free_highatomic, FS_ZK_FREE_HIGHATOMIC),
	ZF(free_pcp, FS_ZK_FREE_PCP),
	ZF(area_total_pages, FS_ZK_AREA_TOTAL),
	ZF(start_pfn, FS_ZK_START_PFN),
#undef ZF
};
#define NR_ZONE_FIELDS (sizeof(zone_fields) / sizeof(zone_fields[0]))

static uint64_t zone_field(const struct fs_zone *z, size_t i)
{
	uint64_t v;
	memcpy(&v, (const char *)z + zone_fields[i].off, sizeof(v));
	return v;
}

static void set_zone_field(struct fs_zone *z, size_t i, uint64_t v)
{
	memcpy((char *)z + zone_fields[i].off, &v, sizeof(v));
}

/* Counts of protection[] that the model uses. */
static int nr_protection(const struct fs_zone *z)
{
	return z->nr_protection < 0 ? 0
	       : z->nr_protection > FS_MAX_ZONE_TYPES ? FS_MAX_ZONE_TYPES : z->nr_protection;
}

static int nr_mt_order(const struct fs_meta *m)
{
	return m->nr_mt_order < 0 ? 0 : m->nr_mt_order > FS_MT_COUNT ? FS_MT_COUNT : m->nr_mt_order;
}

static bool count_equal(struct fs_count a, struct fs_count b)
{
	return a.kind == b.kind && a.value == b.value;
}

static bool count_is_zero(struct fs_count c)
{
	return c.kind == FS_COUNT_NONE && c.value == 0;
}

static bool double_same(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

static size_t stat_name_len(const struct fs_stat *st)
{
	return strnlen(st->name, sizeof(st->name));
}

static bool stat_name_eq(const struct fs_stat *a, const struct fs_stat *b)
{
	return strncmp(a->name, b->name, sizeof(a->name)) == 0;
}

static bool zone_key_eq(const struct fs_zone *a, const struct fs_zone *b)
{
	return a->node == b->node && strncmp(a->name, b->name, sizeof(a->name)) == 0;
}

/* Numbers are written and read in the C locale whatever the program set
 * (an ncurses front end calls setlocale(LC_ALL, "")). */
static locale_t c_locale(void)
{
	static locale_t loc;
	if (!loc)
		loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	return loc;
}

/* ===================================================================== */
/* Text: UTF-8 check and base64 for strings YAML cannot hold              */
/* ===================================================================== */

/* The same rules as libyaml's emitter: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t width = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
			       : (c & 0xF8) == 0xF0 ? 4 : 0;
		if (!width || i + width > len)
			return false;
		static const unsigned lead_mask[] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
		uint32_t v = c & lead_mask[width];
		for (size_t k = 1; k < width; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			v = (v << 6) | (s[i + k] & 0x3F);
		}
		if ((width == 2 && v < 0x80) || (width == 3 && v < 0x800) ||
		    (width == 4 && v < 0x10000) || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
			return false;
		i += width;
	}
	return true;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64_encode(const unsigned char *s, size_t len, size_t *out_len)
{
	char *out = fs_xmalloc((len + 2) / 3 * 4 + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* NULL on a character outside the alphabet; whitespace is skipped. */
static char *base64_decode(const char *s, size_t len, size_t *out_len)
{
	char *out = fs_xmalloc(len / 4 * 3 + 4);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0, pad = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		const char *p = c ? strchr(b64, c) : NULL;
		if (!p || pad) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* ===================================================================== */
/* Emitter primitives                                                     */
/* ===================================================================== */

static int buf_writer(void *data, unsigned char *buffer, size_t size)
{
	fs_buf_add(data, (const char *)buffer, size);
	return 1;
}

static void emit(struct cap_out *o, yaml_event_t *ev)
{
	if (o->failed) {
		yaml_event_delete(ev);
		return;
	}
	/* The emitter owns the event from here, whether it succeeds or not. */
	if (!yaml_emitter_emit(&o->emitter, ev))
		o->failed = true;
}

bool cap_out_begin(struct cap_out *o, struct fs_buf *buf)
{
	memset(o, 0, sizeof(*o));
	yaml_emitter_initialize(&o->emitter);
	yaml_emitter_set_output(&o->emitter, buf_writer, buf);
	/* Never fold a line: a folded scalar could put "---" at column 0, and
	 * the reader's index takes such a line for a document start. */
	yaml_emitter_set_width(&o->emitter, -1);
	/* Escape everything beyond ASCII: captures are plain ASCII files. */
	yaml_emitter_set_unicode(&o->emitter, 0);
	yaml_event_t ev;
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(o, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
	emit(o, &ev);
	return !o->failed;
}

bool cap_out_finish(struct cap_out *o)
{
	yaml_event_t ev;
	/* An explicit "..." ends every document: the reader takes a document
	 * without it for one cut short by a crash. */
	yaml_document_end_event_initialize(&ev, 0);
	emit(o, &ev);
	yaml_stream_end_event_initialize(&ev);
	emit(o, &ev);
	if (!o->failed && !yaml_emitter_flush(&o->emitter))
		o->failed = true;
	yaml_emitter_delete(&o->emitter);
	return !o->failed;
}

void cap_map_begin(struct cap_out *o, bool flow)
{
	yaml_event_t ev;
	yaml_mapping_start_event_initialize(
		&ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	emit(o, &ev);
}

void cap_map_end(struct cap_out *o)
{
	yaml_event_t ev;
	yaml_mapping_end_event_initialize(&ev);
	emit(o, &ev);
}

void cap_seq_begin(struct cap_out *o, bool flow)
{
	yaml_event_t ev;
	yaml_sequence_start_event_initialize(
		&ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	emit(o, &ev);
}

void cap_seq_end(struct cap_out *o)
{
	yaml_event_t ev;
	yaml_sequence_end_event_initialize(&ev);
	emit(o, &ev);
}

static void scalar(struct cap_out *o, const char *tag, const char *v, size_t len,
		   yaml_scalar_style_t style)
{
	if (o->failed)
		return;
	yaml_event_t ev;
	if (len > INT_MAX ||
	    !yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)tag, (yaml_char_t *)v, (int)len,
					  tag == NULL, tag == NULL, style)) {
		o->failed = true;
		return;
	}
	emit(o, &ev);
}

static void plain(struct cap_out *o, const char *v)
{
	scalar(o, NULL, v, strlen(v), YAML_PLAIN_SCALAR_STYLE);
}

void cap_key(struct cap_out *o, const char *key)
{
	plain(o, key);
}

/* Words a YAML 1.1 reader would take for a boolean or null. */
static bool reserved_word(const char *s, size_t len)
{
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off", "true", "false",
					     "null" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == len && strncasecmp(words[i], s, len) == 0)
			return true;
	return false;
}

/* Identifier-like text is written plain ("Normal", "nr_free_pages");
 * everything else double-quoted, so that it stays on one line and no YAML
 * reader mistakes it for a number, a boolean or null. */
static bool plain_ok(const char *s, size_t len)
{
	if (len == 0 || len > 64 || reserved_word(s, len))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool alpha =
			(c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '/';
		bool other = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+';
		if (!alpha && (i == 0 || !other))
			return false;
	}
	return true;
}

static void text(struct cap_out *o, const char *s, size_t len)
{
	if (!utf8_valid((const unsigned char *)s, len)) {
		/* Not UTF-8 (a mangled comm, a log with stray bytes): keep the
		 * bytes exactly, as a standard !!binary scalar. */
		size_t blen;
		char *enc = base64_encode((const unsigned char *)s, len, &blen);
		scalar(o, BINARY_TAG, enc, blen, YAML_PLAIN_SCALAR_STYLE);
		free(enc);
		return;
	}
	scalar(o, NULL, s, len,
	       plain_ok(s, len) ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

void cap_str(struct cap_out *o, const char *s)
{
	if (!s)
		cap_null(o);
	else
		text(o, s, strlen(s));
}

/* A char array that may lack its NUL. */
static void strn(struct cap_out *o, const char *s, size_t size)
{
	text(o, s, strnlen(s, size));
}

void cap_u64(struct cap_out *o, uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	plain(o, b);
}

void cap_i64(struct cap_out *o, int64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%lld", (long long)v);
	plain(o, b);
}

static void hex(struct cap_out *o, uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "0x%llx", (unsigned long long)v);
	plain(o, b);
}

/* The shortest decimal that reads back as the same double. */
static void format_double(char *b, size_t size, double v)
{
	if (isnan(v)) {
		snprintf(b, size, ".nan");
		return;
	}
	if (isinf(v)) {
		snprintf(b, size, v < 0 ? "-.inf" : ".inf");
		return;
	}
	locale_t loc = c_locale(), old = loc ? uselocale(loc) : (locale_t)0;
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(b, size, "%.*g", prec, v);
		double back = strtod(b, NULL);
		if (double_same(back, v))
			break;
	}
	if (loc)
		uselocale(old);
	if (!strpbrk(b, ".eE"))
		strncat(b, ".0", size - strlen(b) - 1);   /* say "float" to other YAML readers */
}

void cap_double(struct cap_out *o, double v)
{
	char b[40];
	format_double(b, sizeof(b), v);
	plain(o, b);
}

void cap_bool(struct cap_out *o, bool v)
{
	plain(o, v ? "true" : "false");
}

void cap_null(struct cap_out *o)
{
	plain(o, "null");
}

static void enum_name(struct cap_out *o, int v, const char *const *names, int count)
{
	if (v >= 0 && v < count)
		plain(o, names[v]);
	else
		cap_i64(o, v);
}

static void mt_name(struct cap_out *o, unsigned mt)
{
	if (mt < FS_MT_COUNT)
		plain(o, fs_mt_name((enum fs_mt)mt));
	else
		cap_u64(o, mt);
}

/* A bit set as a flow list of names; bits without a name as numbers. */
static void bits(struct cap_out *o, uint32_t set, const char *const *names, unsigned count)
{
	cap_seq_begin(o, true);
	for (unsigned b = 0; b < 32; b++) {
		if (!(set & (1u << b)))
			continue;
		if (b < count)
			plain(o, names[b]);
		else
			cap_u64(o, b);
	}
	cap_seq_end(o);
}

static void mt_bits(struct cap_out *o, uint32_t set)
{
	const char *names[FS_MT_COUNT];
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		names[mt] = fs_mt_name((enum fs_mt)mt);
	bits(o, set, names, FS_MT_COUNT);
}

/* The value a count of each kind has unless it says otherwise: a non-empty
 * list holds at least 1 block. */
static uint64_t usual_value(uint8_t kind)
{
	return kind == FS_COUNT_NONEMPTY ? 1 : 0;
}

/*
 * A free-block count: "12" exact, "12+" at least 12 (capped), "nonempty"
 * (at least 1), "empty" (known empty), "~" unknown. Another value kept with
 * one of the last three is appended as "=N".
 */
static void count(struct cap_out *o, struct fs_count c)
{
	char b[40];
	unsigned long long v = c.value;
	const char *word = c.kind == FS_COUNT_NONEMPTY ? "nonempty"
			   : c.kind == FS_COUNT_EMPTY_KNOWN ? "empty" : "unknown";
	if (c.kind == FS_COUNT_EXACT)
		snprintf(b, sizeof(b), "%llu", v);
	else if (c.kind == FS_COUNT_CAPPED)
		snprintf(b, sizeof(b), "%llu+", v);
	else if (v == usual_value(c.kind))
		snprintf(b, sizeof(b), "%s", c.kind == FS_COUNT_NONE ? "~" : word);
	else
		snprintf(b, sizeof(b), "%s=%llu", word, v);
	plain(o, b);
}

/* ===================================================================== */
/* Meta                                                                   */
/* ===================================================================== */

enum meta_field {
	MF_TIME, MF_TIME_BASE, MF_RELEASE, MF_PAGE_SIZE, MF_PAGEBLOCK_ORDER, MF_NR_ORDERS,
	MF_MIGRATETYPES, MF_SOURCE, MF_HOSTNAME, MF_COUNT
};

static bool meta_field_equal(const struct fs_meta *a, const struct fs_meta *b, int f)
{
	switch (f) {
	case MF_TIME: return double_same(a->time, b->time);
	case MF_TIME_BASE: return a->time_base == b->time_base;
	case MF_RELEASE:
		return !strncmp(a->kernel_release, b->kernel_release, sizeof(a->kernel_release));
	case MF_PAGE_SIZE: return a->page_size == b->page_size;
	case MF_PAGEBLOCK_ORDER: return a->pageblock_order == b->pageblock_order;
	case MF_NR_ORDERS: return a->nr_orders == b->nr_orders;
	case MF_MIGRATETYPES:
		return nr_mt_order(a) == nr_mt_order(b) &&
		       memcmp(a->mt_order, b->mt_order, (size_t)nr_mt_order(a)) == 0;
	case MF_SOURCE: return strncmp(a->source, b->source, sizeof(a->source)) == 0;
	case MF_HOSTNAME: return strncmp(a->hostname, b->hostname, sizeof(a->hostname)) == 0;
	}
	return true;
}

static void meta_field_emit(struct cap_out *o, const struct fs_meta *m, int f)
{
	switch (f) {
	case MF_TIME:
		cap_key(o, "time");
		cap_double(o, m->time);
		break;
	case MF_TIME_BASE:
		cap_key(o, "time_base");
		enum_name(o, (int)m->time_base, NAMES(time_base_names));
		break;
	case MF_RELEASE:
		cap_key(o, "kernel_release");
		strn(o, m->kernel_release, sizeof(m->kernel_release));
		break;
	case MF_PAGE_SIZE:
		cap_key(o, "page_size");
		cap_u64(o, m->page_size);
		break;
	case MF_PAGEBLOCK_ORDER:
		cap_key(o, "pageblock_order");
		cap_i64(o, m->pageblock_order);
		break;
	case MF_NR_ORDERS:
		cap_key(o, "nr_orders");
		cap_i64(o, m->nr_orders);
		break;
	case MF_MIGRATETYPES:
		cap_key(o, "migratetypes");
		cap_seq_begin(o, true);
		for (int i = 0; i < nr_mt_order(m); i++)
			mt_name(o, m->mt_order[i]);
		cap_seq_end(o);
		break;
	case MF_SOURCE:
		cap_key(o, "source");
		strn(o, m->source, sizeof(m->source));
		break;
	case MF_HOSTNAME:
		cap_key(o, "hostname");
		strn(o, m->hostname, sizeof(m->hostname));
		break;
	}
}

void cap_emit_meta(struct cap_out *o, const struct fs_meta *m)
{
	cap_map_begin(o, false);
	for (int f = 0; f < MF_COUNT; f++)
		meta_field_emit(o, m, f);
	cap_map_end(o);
}

static bool meta_equal(const struct fs_meta *a, const struct fs_meta *b)
{
	for (int f = 0; f < MF_COUNT; f++)
		if (!meta_field_equal(a, b, f))
			return false;
	return true;
}

static void emit_meta_delta(struct cap_out *o, const struct fs_meta *prev,
			    const struct fs_meta *cur)
{
	if (meta_equal(prev, cur))
		return;
	cap_key(o, "meta");
	cap_map_begin(o, true);
	for (int f = 0; f < MF_COUNT; f++)
		if (!meta_field_equal(prev, cur, f))
			meta_field_emit(o, cur, f);
	cap_map_end(o);
}

/* ===================================================================== */
/* Named counters                                                         */
/* ===================================================================== */

static void emit_stats(struct cap_out *o, const struct fs_stats *s, bool flow)
{
	cap_map_begin(o, flow);
	for (size_t i = 0; i < s->count; i++) {
		text(o, s->items[i].name, stat_name_len(&s->items[i]));
		cap_i64(o, s->items[i].value);
	}
	cap_map_end(o);
}

static bool stats_equal(const struct fs_stats *a, const struct fs_stats *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (a->items[i].value != b->items[i].value ||
		    !stat_name_eq(&a->items[i], &b->items[i]))
			return false;
	return true;
}

static bool stats_same_names(const struct fs_stats *a, const struct fs_stats *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (!stat_name_eq(&a->items[i], &b->items[i]))
			return false;
	return true;
}

static size_t stats_find(const struct fs_stats *s, const struct fs_stat *st)
{
	for (size_t i = 0; i < s->count; i++)
		if (stat_name_eq(&s->items[i], st))
			return i;
	return SIZE_MAX;
}

#define STATS_DELTA_MAX 4096   /* beyond this, a changed layout is stored whole */

/* cur is prev with some names removed and new ones appended, each name once:
 * then "del" and "set" describe it. Anything else is stored whole. */
static bool stats_incremental(const struct fs_stats *prev, const struct fs_stats *cur)
{
	if (prev->count > STATS_DELTA_MAX || cur->count > STATS_DELTA_MAX)
		return false;
	const struct fs_stats *both[2] = { prev, cur };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < both[k]->count; i++)
			for (size_t j = i + 1; j < both[k]->count; j++)
				if (stat_name_eq(&both[k]->items[i], &both[k]->items[j]))
					return false;
	size_t next = 0;
	bool appended = false;
	for (size_t i = 0; i < cur->count; i++) {
		size_t at = stats_find(prev, &cur->items[i]);
		if (at == SIZE_MAX) {
			appended = true;
		} else {
			if (appended || at < next)
				return false;
			next = at + 1;
		}
	}
	return true;
}

static void emit_stats_delta(struct cap_out *o, const char *key, const struct fs_stats *prev,
			     const struct fs_stats *cur)
{
	if (stats_equal(prev, cur))
		return;
	cap_key(o, key);
	cap_map_begin(o, true);
	if (stats_same_names(prev, cur)) {
		cap_key(o, "set");
		cap_map_begin(o, true);
		for (size_t i = 0; i < cur->count; i++) {
			if (cur->items[i].value == prev->items[i].value)
				continue;
			text(o, cur->items[i].name, stat_name_len(&cur->items[i]));
			cap_i64(o, cur->items[i].value);
		}
		cap_map_end(o);
	} else if (stats_incremental(prev, cur)) {
		bool any_del = false;
		for (size_t i = 0; i < prev->count && !any_del; i++)
			any_del = stats_find(cur, &prev->items[i]) == SIZE_MAX;
		if (any_del) {
			cap_key(o, "del");
			cap_seq_begin(o, true);
			for (size_t i = 0; i < prev->count; i++)
				if (stats_find(cur, &prev->items[i]) == SIZE_MAX)
					text(o, prev->items[i].name,
					     stat_name_len(&prev->items[i]));
			cap_seq_end(o);
		}
		cap_key(o, "set");
		cap_map_begin(o, true);
		for (size_t i = 0; i < cur->count; i++) {
			size_t at = stats_find(prev, &cur->items[i]);
			if (at != SIZE_MAX && prev->items[at].value == cur->items[i].value)
				continue;
			text(o, cur->items[i].name, stat_name_len(&cur->items[i]));
			cap_i64(o, cur->items[i].value);
		}
		cap_map_end(o);
	} else {
		cap_key(o, "all");
		emit_stats(o, cur, true);
	}
	cap_map_end(o);
}

/* ===================================================================== */
/* Zones                                                                  */
/* ===================================================================== */

static bool row_is_zero(const struct fs_count *row)
{
	for (int i = 0; i < FS_MAX_ORDERS; i++)
		if (!count_is_zero(row[i]))
			return false;
	return true;
}

/* A whole row as a flow list, without its trailing unknown entries. */
static void emit_row(struct cap_out *o, const struct fs_count *row)
{
	int n = FS_MAX_ORDERS;
	while (n > 0 && count_is_zero(row[n - 1]))
		n--;
	cap_seq_begin(o, true);
	for (int i = 0; i < n; i++)
		count(o, row[i]);
	cap_seq_end(o);
}

static bool row_equal(const struct fs_count *a, const struct fs_count *b)
{
	for (int i = 0; i < FS_MAX_ORDERS; i++)
		if (!count_equal(a[i], b[i]))
			return false;
	return true;
}

/* The entries of a row that changed, as {order: count}. */
static void emit_row_delta(struct cap_out *o, const struct fs_count *prev,
			   const struct fs_count *cur)
{
	cap_map_begin(o, true);
	for (int i = 0; i < FS_MAX_ORDERS; i++) {
		if (count_equal(prev[i], cur[i]))
			continue;
		cap_u64(o, (uint64_t)i);
		count(o, cur[i]);
	}
	cap_map_end(o);
}

static bool protection_equal(const struct fs_zone *a, const struct fs_zone *b)
{
	if (a->nr_protection != b->nr_protection)
		return false;
	for (int i = 0; i < nr_protection(a); i++)
		if (a->protection[i] != b->protection[i])
			return false;
	return true;
}

static void emit_protection(struct cap_out *o, const struct fs_zone *z)
{
	cap_key(o, "protection");
	cap_seq_begin(o, true);
	for (int i = 0; i < nr_protection(z); i++)
		cap_u64(o, z->protection[i]);
	cap_seq_end(o);
}

static void emit_zone_full_fields(struct cap_out *o, const struct fs_zone *z)
{
	cap_key(o, "populated");
	cap_bool(o, z->populated);
	cap_key(o, "known");
	bits(o, z->known, known_names, sizeof(known_names) / sizeof(known_names[0]));
	for (size_t i = 0; i < NR_ZONE_FIELDS; i++) {
		uint64_t v = zone_field(z, i);
		if (!v && !(z->known & zone_fields[i].bit))
			continue;
		cap_key(o, zone_fields[i].key);
		cap_u64(o, v);
	}
	if (z->nr_protection || (z->known & FS_ZK_PROTECTION))
		emit_protection(o, z);
	if (!row_is_zero(z->order_blocks) || (z->known & FS_ZK_ORDER_BLOCKS)) {
		cap_key(o, "order_blocks");
		emit_row(o, z->order_blocks);
	}
	if (z->mt_rows) {
		cap_key(o, "mt_rows");
		mt_bits(o, z->mt_rows);
	}
	bool any = false;
	for (int mt = 0; mt < FS_MT_COUNT && !any; mt++)
		any = !row_is_zero(z->mt_blocks[mt]);
	if (any) {
		cap_key(o, "mt_blocks");
		cap_map_begin(o, false);
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			if (row_is_zero(z->mt_blocks[mt]))
				continue;
			mt_name(o, (unsigned)mt);
			emit_row(o, z->mt_blocks[mt]);
		}
		cap_map_end(o);
	}
	any = false;
	for (int mt = 0; mt < FS_MT_COUNT && !any; mt++)
		any = z->pageblocks[mt] != 0;
	if (any) {
		cap_key(o, "pageblocks");
		cap_map_begin(o, true);
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			if (!z->pageblocks[mt])
				continue;
			mt_name(o, (unsigned)mt);
			cap_u64(o, z->pageblocks[mt]);
		}
		cap_map_end(o);
	}
	if (z->stats.count) {
		cap_key(o, "stats");
		emit_stats(o, &z->stats, false);
	}
}

static void emit_zone_key(struct cap_out *o, const struct fs_zone *z)
{
	cap_key(o, "node");
	cap_i64(o, z->node);
	cap_key(o, "zone");
	strn(o, z->name, sizeof(z->name));
}

static void emit_zone(struct cap_out *o, const struct fs_zone *z)
{
	cap_map_begin(o, false);
	emit_zone_key(o, z);
	emit_zone_full_fields(o, z);
	cap_map_end(o);
}

static bool zone_equal(const struct fs_zone *a, const struct fs_zone *b)
{
	if (!zone_key_eq(a, b) || a->known != b->known || a->populated != b->populated ||
	    a->mt_rows != b->mt_rows || !protection_equal(a, b) ||
	    !row_equal(a->order_blocks, b->order_blocks) || !stats_equal(&a->stats, &b->stats))
		return false;
	for (size_t i = 0; i < NR_ZONE_FIELDS; i++)
		if (zone_field(a, i) != zone_field(b, i))
			return false;
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		if (a->pageblocks[mt] != b->pageblocks[mt] ||
		    !row_equal(a->mt_blocks[mt], b->mt_blocks[mt]))
			return false;
	return true;
}

static void emit_zone_delta(struct cap_out *o, const struct fs_zone *p, const struct fs_zone *c)
{
	cap_map_begin(o, false);
	emit_zone_key(o, c);
	if (p->populated != c->populated) {
		cap_key(o, "populated");
		cap_bool(o, c->populated);
	}
	if (p->known != c->known) {
		cap_key(o, "known");
		bits(o, c->known, known_names, sizeof(known_names) / sizeof(known_names[0]));
	}
	for (size_t i = 0; i < NR_ZONE_FIELDS; i++) {
		if (zone_field(p, i) == zone_field(c, i))
			continue;
		cap_key(o, zone_fields[i].key);
		cap_u64(o, zone_field(c, i));
	}
	if (!protection_equal(p, c))
		emit_protection(o, c);
	if (!row_equal(p->order_blocks, c->order_blocks)) {
		cap_key(o, "order_blocks");
		emit_row_delta(o, p->order_blocks, c->order_blocks);
	}
	if (p->mt_rows != c->mt_rows) {
		cap_key(o, "mt_rows");
		mt_bits(o, c->mt_rows);
	}
	bool any = false;
	for (int mt = 0; mt < FS_MT_COUNT && !any; mt++)
		any = !row_equal(p->mt_blocks[mt], c->mt_blocks[mt]);
	if (any) {
		cap_key(o, "mt_blocks");
		cap_map_begin(o, true);
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			if (row_equal(p->mt_blocks[mt], c->mt_blocks[mt]))
				continue;
			mt_name(o, (unsigned)mt);
			emit_row_delta(o, p->mt_blocks[mt], c->mt_blocks[mt]);
		}
		cap_map_end(o);
	}
	any = false;
	for (int mt = 0; mt < FS_MT_COUNT && !any; mt++)
		any = p->pageblocks[mt] != c->pageblocks[mt];
	if (any) {
		cap_key(o, "pageblocks");
		cap_map_begin(o, true);
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			if (p->pageblocks[mt] == c->pageblocks[mt])
				continue;
			mt_name(o, (unsigned)mt);
			cap_u64(o, c->pageblocks[mt]);
		}
		cap_map_end(o);
	}
	emit_stats_delta(o, "stats", &p->stats, &c->stats);
	cap_map_end(o);
}

/* ===================================================================== */
/* Matching zones (and nodes) of two frames                              */
/* ===================================================================== */

struct key_ref {
	int node;
	const char *name;     /* "" for nodes */
	size_t idx;
};

static int key_cmp(const void *pa, const void *pb)
{
	const struct key_ref *a = pa, *b = pb;
	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	int c = strncmp(a->name, b->name, FS_ZONE_NAME_MAX);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static bool key_same(const struct key_ref *a, const struct key_ref *b)
{
	return a->node == b->node && strncmp(a->name, b->name, FS_ZONE_NAME_MAX) == 0;
}

/*
 * For each current item, the index of the previous item with the same key,
 * or SIZE_MAX for a new one. False when keys repeat or kept items changed
 * their relative order: a delta cannot say that.
 */
static bool match_keys(struct key_ref *prev, size_t np, struct key_ref *cur, size_t nc,
		       size_t *match)
{
	qsort(prev, np, sizeof(*prev), key_cmp);
	qsort(cur, nc, sizeof(*cur), key_cmp);
	for (size_t i = 1; i < np; i++)
		if (key_same(&prev[i - 1], &prev[i]))
			return false;
	for (size_t i = 1; i < nc; i++)
		if (key_same(&cur[i - 1], &cur[i]))
			return false;
	size_t i = 0, j = 0;
	while (j < nc) {
		int c = i < np ? key_cmp(&prev[i], &cur[j]) : 1;
		if (i < np && key_same(&prev[i], &cur[j])) {
			match[cur[j].idx] = prev[i].idx;
			i++;
			j++;
		} else if (c < 0) {
			i++;
		} else {
			match[cur[j].idx] = SIZE_MAX;
			j++;
		}
	}
	size_t last = 0;
	bool first = true;
	for (size_t k = 0; k < nc; k++) {
		if (match[k] == SIZE_MAX)
			continue;
		if (!first && match[k] <= last)
			return false;
		last = match[k];
		first = false;
	}
	return true;
}

static bool match_zones(const struct fs_snapshot *prev, const struct fs_snapshot *cur,
			size_t *match)
{
	struct key_ref *pk = fs_xcalloc(prev->nr_zones, sizeof(*pk));
	struct key_ref *ck = fs_xcalloc(cur->nr_zones, sizeof(*ck));
	for (size_t i = 0; i < prev->nr_zones; i++)
		pk[i] = (struct key_ref){ prev->zones[i].node, prev->zones[i].name, i };
	for (size_t i = 0; i < cur->nr_zones; i++)
		ck[i] = (struct key_ref){ cur->zones[i].node, cur->zones[i].name, i };
	bool ok = match_keys(pk, prev->nr_zones, ck, cur->nr_zones, match);
	free(pk);
	free(ck);
	return ok;
}

static bool match_nodes(const struct fs_snapshot *prev, const struct fs_snapshot *cur,
			size_t *match)
{
	struct key_ref *pk = fs_xcalloc(prev->nr_nodes, sizeof(*pk));
	struct key_ref *ck = fs_xcalloc(cur->nr_nodes, sizeof(*ck));
	for (size_t i = 0; i < prev->nr_nodes; i++)
		pk[i] = (struct key_ref){ prev->nodes[i].id, "", i };
	for (size_t i = 0; i < cur->nr_nodes; i++)
		ck[i] = (struct key_ref){ cur->nodes[i].id, "", i };
	bool ok = match_keys(pk, prev->nr_nodes, ck, cur->nr_nodes, match);
	free(pk);
	free(ck);
	return ok;
}

bool cap_delta_possible(const struct fs_snapshot *prev, const struct fs_snapshot *cur)
{
	size_t *zm = fs_xcalloc(cur->nr_zones, sizeof(*zm));
	size_t *nm = fs_xcalloc(cur->nr_nodes, sizeof(*nm));
	bool ok = match_zones(prev, cur, zm) && match_nodes(prev, cur, nm);
	free(zm);
	free(nm);
	return ok;
}

/* Indexes of prev that match[] does not keep. */
static bool *kept_flags(size_t np, const size_t *match, size_t nc)
{
	bool *kept = fs_xcalloc(np ? np : 1, sizeof(*kept));
	for (size_t i = 0; i < nc; i++)
		if (match[i] != SIZE_MAX)
			kept[match[i]] = true;
	return kept;
}

/* Removed zones first, then changed ones, then new ones in ascending
 * position: the reader applies them in that order. */
static void emit_zones_delta(struct cap_out *o, const struct fs_snapshot *prev,
			     const struct fs_snapshot *cur)
{
	size_t *match = fs_xcalloc(cur->nr_zones ? cur->nr_zones : 1, sizeof(*match));
	match_zones(prev, cur, match);
	bool *kept = kept_flags(prev->nr_zones, match, cur->nr_zones);
	bool any = false;
	for (size_t i = 0; i < prev->nr_zones && !any; i++)
		any = !kept[i];
	for (size_t i = 0; i < cur->nr_zones && !any; i++)
		any = match[i] == SIZE_MAX || !zone_equal(&prev->zones[match[i]], &cur->zones[i]);
	if (any) {
		cap_key(o, "zones");
		cap_seq_begin(o, false);
		for (size_t i = 0; i < prev->nr_zones; i++) {
			if (kept[i])
				continue;
			cap_map_begin(o, true);
			emit_zone_key(o, &prev->zones[i]);
			cap_key(o, "removed");
			cap_bool(o, true);
			cap_map_end(o);
		}
		for (size_t i = 0; i < cur->nr_zones; i++)
			if (match[i] != SIZE_MAX &&
			    !zone_equal(&prev->zones[match[i]], &cur->zones[i]))
				emit_zone_delta(o, &prev->zones[match[i]], &cur->zones[i]);
		for (size_t i = 0; i < cur->nr_zones; i++) {
			if (match[i] != SIZE_MAX)
				continue;
			cap_map_begin(o, false);
			emit_zone_key(o, &cur->zones[i]);
			cap_key(o, "insert_at");
			cap_u64(o, i);
			emit_zone_full_fields(o, &cur->zones[i]);
			cap_map_end(o);
		}
		cap_seq_end(o);
	}
	free(kept);
	free(match);
}

/* ===================================================================== */
/* Nodes, diagnostics, snapshots                                          */
/* ===================================================================== */

static void emit_nodes(struct cap_out *o, const struct fs_snapshot *s)
{
	cap_key(o, "nodes");
	cap_seq_begin(o, false);
	for (size_t i = 0; i < s->nr_nodes; i++) {
		cap_map_begin(o, false);
		cap_key(o, "id");
		cap_i64(o, s->nodes[i].id);
		if (s->nodes[i].stats.count) {
			cap_key(o, "stats");
			emit_stats(o, &s->nodes[i].stats, false);
		}
		cap_map_end(o);
	}
	cap_seq_end(o);
}

static void emit_nodes_delta(struct cap_out *o, const struct fs_snapshot *prev,
			     const struct fs_snapshot *cur)
{
	size_t *match = fs_xcalloc(cur->nr_nodes ? cur->nr_nodes : 1, sizeof(*match));
	match_nodes(prev, cur, match);
	bool *kept = kept_flags(prev->nr_nodes, match, cur->nr_nodes);
	bool any = false;
	for (size_t i = 0; i < prev->nr_nodes && !any; i++)
		any = !kept[i];
	for (size_t i = 0; i < cur->nr_nodes && !any; i++)
		any = match[i] == SIZE_MAX ||
		      !stats_equal(&prev->nodes[match[i]].stats, &cur->nodes[i].stats);
	if (any) {
		cap_key(o, "nodes");
		cap_seq_begin(o, false);
		for (size_t i = 0; i < prev->nr_nodes; i++) {
			if (kept[i])
				continue;
			cap_map_begin(o, true);
			cap_key(o, "id");
			cap_i64(o, prev->nodes[i].id);
			cap_key(o, "removed");
			cap_bool(o, true);
			cap_map_end(o);
		}
		for (size_t i = 0; i < cur->nr_nodes; i++) {
			const struct fs_node *c = &cur->nodes[i];
			if (match[i] == SIZE_MAX ||
			    stats_equal(&prev->nodes[match[i]].stats, &c->stats))
				continue;
			cap_map_begin(o, false);
			cap_key(o, "id");
			cap_i64(o, c->id);
			emit_stats_delta(o, "stats", &prev->nodes[match[i]].stats, &c->stats);
			cap_map_end(o);
		}
		for (size_t i = 0; i < cur->nr_nodes; i++) {
			if (match[i] != SIZE_MAX)
				continue;
			cap_map_begin(o, false);
			cap_key(o, "id");
			cap_i64(o, cur->nodes[i].id);
			cap_key(o, "insert_at");
			cap_u64(o, i);
			if (cur->nodes[i].stats.count) {
				cap_key(o, "stats");
				emit_stats(o, &cur->nodes[i].stats, false);
			}
			cap_map_end(o);
		}
		cap_seq_end(o);
	}
	free(kept);
	free(match);
}

static bool diags_equal(const struct fs_diags *a, const struct fs_diags *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct fs_diag *x = &a->items[i], *y = &b->items[i];
		if (x->severity != y->severity || x->line != y->line ||
		    strcmp(x->source, y->source) != 0 || strcmp(x->message, y->message) != 0)
			return false;
	}
	return true;
}

static void emit_diags(struct cap_out *o, const struct fs_diags *d)
{
	cap_key(o, "diags");
	cap_seq_begin(o, false);
	for (size_t i = 0; i < d->count; i++) {
		const struct fs_diag *x = &d->items[i];
		cap_map_begin(o, true);
		cap_key(o, "severity");
		enum_name(o, (int)x->severity, NAMES(severity_names));
		cap_key(o, "source");
		cap_str(o, x->source);
		cap_key(o, "line");
		cap_u64(o, x->line);
		cap_key(o, "message");
		cap_str(o, x->message);
		cap_map_end(o);
	}
	cap_seq_end(o);
}

void cap_emit_snapshot(struct cap_out *o, const struct fs_snapshot *s)
{
	cap_map_begin(o, false);
	cap_key(o, "meta");
	cap_emit_meta(o, &s->meta);
	if (s->nr_nodes)
		emit_nodes(o, s);
	if (s->nr_zones) {
		cap_key(o, "zones");
		cap_seq_begin(o, false);
		for (size_t i = 0; i < s->nr_zones; i++)
			emit_zone(o, &s->zones[i]);
		cap_seq_end(o);
	}
	if (s->vmstat.count) {
		cap_key(o, "vmstat");
		emit_stats(o, &s->vmstat, false);
	}
	if (s->meminfo.count) {
		cap_key(o, "meminfo");
		emit_stats(o, &s->meminfo, false);
	}
	if (s->diags.count)
		emit_diags(o, &s->diags);
	cap_map_end(o);
}

void cap_emit_delta(struct cap_out *o, const struct fs_snapshot *prev,
		    const struct fs_snapshot *cur)
{
	cap_map_begin(o, false);
	emit_meta_delta(o, &prev->meta, &cur->meta);
	emit_nodes_delta(o, prev, cur);
	emit_zones_delta(o, prev, cur);
	emit_stats_delta(o, "vmstat", &prev->vmstat, &cur->vmstat);
	emit_stats_delta(o, "meminfo", &prev->meminfo, &cur->meminfo);
	if (!diags_equal(&prev->diags, &cur->diags))
		emit_diags(o, &cur->diags);
	cap_map_end(o);
}

/* ===================================================================== */
/* Kernel-log reports                                                     */
/* ===================================================================== */

static void emit_report(struct cap_out *o, const struct fs_report *r)
{
	cap_map_begin(o, false);
	cap_key(o, "kind");
	enum_name(o, (int)r->kind, NAMES(report_kind_names));
	cap_key(o, "timestamp");
	cap_double(o, r->timestamp);
	cap_key(o, "time_base");
	enum_name(o, (int)r->time_base, NAMES(time_base_names));
	cap_key(o, "has_timestamp");
	cap_bool(o, r->has_timestamp);
	cap_key(o, "wallclock");
	strn(o, r->wallclock, sizeof(r->wallclock));
	cap_key(o, "comm");
	strn(o, r->comm, sizeof(r->comm));
	cap_key(o, "pid");
	cap_i64(o, r->pid);
	cap_key(o, "cpu");
	cap_i64(o, r->cpu);
	cap_key(o, "order");
	cap_i64(o, r->order);
	cap_key(o, "has_mode");
	cap_bool(o, r->has_mode);
	cap_key(o, "mode");
	hex(o, r->mode);
	cap_key(o, "mode_names");
	strn(o, r->mode_names, sizeof(r->mode_names));
	cap_key(o, "nodemask");
	strn(o, r->nodemask, sizeof(r->nodemask));
	cap_key(o, "cpuset");
	strn(o, r->cpuset, sizeof(r->cpuset));
	cap_key(o, "mems_allowed");
	strn(o, r->mems_allowed, sizeof(r->mems_allowed));
	cap_key(o, "kernel_release");
	strn(o, r->kernel_release, sizeof(r->kernel_release));
	cap_key(o, "message");
	strn(o, r->message, sizeof(r->message));
	cap_key(o, "first_line");
	cap_u64(o, r->first_line);
	cap_key(o, "last_line");
	cap_u64(o, r->last_line);
	cap_key(o, "trace");
	if (r->trace) {
		cap_seq_begin(o, false);
		for (size_t i = 0; i < r->nr_trace; i++)
			cap_str(o, r->trace[i]);
		cap_seq_end(o);
	} else {
		cap_null(o);
	}
	/* Always double-quoted (text() never picks plain for multi-line
	 * text): the whole report stays on one line of the capture. */
	cap_key(o, "raw");
	cap_str(o, r->raw);
	cap_key(o, "snapshot");
	if (r->snapshot)
		cap_emit_snapshot(o, r->snapshot);
	else
		cap_null(o);
	cap_map_end(o);
}

void cap_emit_reports(struct cap_out *o, const struct fs_report_list *l)
{
	cap_seq_begin(o, false);
	for (size_t i = 0; i < l->count; i++)
		emit_report(o, &l->items[i]);
	cap_seq_end(o);
}

/* ===================================================================== */
/* Parser primitives                                                      */
/* ===================================================================== */

static const char *event_name(yaml_event_type_t t)
{
	switch (t) {
	case YAML_NO_EVENT: return "nothing";
	case YAML_STREAM_START_EVENT: return "the start of the stream";
	case YAML_STREAM_END_EVENT: return "the end of the stream";
	case YAML_DOCUMENT_START_EVENT: return "a document start";
	case YAML_DOCUMENT_END_EVENT: return "the end of the document";
	case YAML_ALIAS_EVENT: return "an alias";
	case YAML_SCALAR_EVENT: return "a scalar";
	case YAML_SEQUENCE_START_EVENT: return "a list";
	case YAML_SEQUENCE_END_EVENT: return "the end of a list";
	case YAML_MAPPING_START_EVENT: return "a mapping";
	case YAML_MAPPING_END_EVENT: return "the end of a mapping";
	}
	return "?";
}

unsigned cap_in_line(const struct cap_in *in)
{
	return in->line0 + (in->have_ev ? (unsigned)in->ev.start_mark.line : 0);
}

static void vdiag(struct cap_in *in, enum fs_severity sev, unsigned line, const char *fmt,
		  va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fs_diags_add(in->diags, sev, in->source, line, "%s%s%s", in->context,
		     in->context[0] ? ": " : "", msg);
}

bool cap_in_fail(struct cap_in *in, const char *fmt, ...)
{
	if (in->failed)
		return false;
	in->failed = true;
	va_list ap;
	va_start(ap, fmt);
	vdiag(in, FS_SEV_ERROR, cap_in_line(in), fmt, ap);
	va_end(ap);
	return false;
}

static void in_warn(struct cap_in *in, enum fs_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void in_warn(struct cap_in *in, enum fs_severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(in, sev, cap_in_line(in), fmt, ap);
	va_end(ap);
}

bool cap_in_next(struct cap_in *in)
{
	if (in->failed)
		return false;
	if (in->have_ev)
		yaml_event_delete(&in->ev);
	in->have_ev = false;
	if (!yaml_parser_parse(&in->parser, &in->ev)) {
		in->failed = true;
		const yaml_parser_t *p = &in->parser;
		fs_diags_add(in->diags, FS_SEV_ERROR, in->source,
			     in->line0 + (unsigned)p->problem_mark.line,
			     "%s%snot valid YAML: %s%s%s", in->context, in->context[0] ? ": " : "",
			     p->problem ? p->problem : "syntax error", p->context ? " " : "",
			     p->context ? p->context : "");
		return false;
	}
	in->have_ev = true;
	return true;
}

static yaml_event_type_t in_type(const struct cap_in *in)
{
	return in->have_ev ? in->ev.type : YAML_NO_EVENT;
}

bool cap_in_open(struct cap_in *in, const char *text_, size_t len, const char *source,
		 unsigned line0, const char *context, struct fs_diags *diags)
{
	memset(in, 0, sizeof(*in));
	snprintf(in->context, sizeof(in->context), "%s", context ? context : "");
	in->source = source;
	in->line0 = line0;
	in->diags = diags;
	yaml_parser_initialize(&in->parser);
	yaml_parser_set_input_string(&in->parser, (const unsigned char *)text_, len);
	if (!cap_in_next(in))
		return false;
	if (in_type(in) != YAML_STREAM_START_EVENT)
		return cap_in_fail(in, "expected a YAML stream");
	if (!cap_in_next(in))
		return false;
	if (in_type(in) != YAML_DOCUMENT_START_EVENT)
		return cap_in_fail(in, "expected a document, found %s", event_name(in_type(in)));
	return cap_in_next(in);
}

bool cap_in_close_document(struct cap_in *in)
{
	if (in->failed)
		return false;
	if (in_type(in) != YAML_DOCUMENT_END_EVENT)
		return cap_in_fail(in, "expected the end of the document, found %s",
				   event_name(in_type(in)));
	return true;
}

void cap_in_free(struct cap_in *in)
{
	if (in->have_ev)
		yaml_event_delete(&in->ev);
	in->have_ev = false;
	yaml_parser_delete(&in->parser);
}

bool cap_in_skip(struct cap_in *in)
{
	size_t depth = 0;
	do {
		switch (in_type(in)) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth == 0)
				return cap_in_fail(in, "expected a value, found %s",
						   event_name(in_type(in)));
			depth--;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			break;
		default:
			return cap_in_fail(in, "expected a value, found %s",
					   event_name(in_type(in)));
		}
		if (!cap_in_next(in))
			return false;
	} while (depth > 0);
	return true;
}

static bool is_scalar(const struct cap_in *in)
{
	return in_type(in) == YAML_SCALAR_EVENT;
}

static const char *sval(const struct cap_in *in)
{
	return (const char *)in->ev.data.scalar.value;
}

static size_t slen(const struct cap_in *in)
{
	return in->ev.data.scalar.length;
}

static bool sval_is(const struct cap_in *in, const char *word)
{
	return slen(in) == strlen(word) && memcmp(sval(in), word, slen(in)) == 0;
}

bool cap_in_is_null(const struct cap_in *in)
{
	if (!is_scalar(in) || in->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    in->ev.data.scalar.tag)
		return false;
	return slen(in) == 0 || sval_is(in, "~") || sval_is(in, "null") || sval_is(in, "Null") ||
	       sval_is(in, "NULL");
}

/* For messages: the scalar, shortened, with unprintable bytes replaced. */
static const char *shown(const struct cap_in *in, char *b, size_t size)
{
	if (!is_scalar(in)) {
		snprintf(b, size, "%s", event_name(in_type(in)));
		return b;
	}
	size_t n = slen(in) < size - 6 ? slen(in) : size - 6, o = 0;
	b[o++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)sval(in)[i];
		b[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (n < slen(in)) {
		memcpy(b + o, "...", 3);
		o += 3;
	}
	b[o++] = '"';
	b[o] = '\0';
	return b;
}

static bool expected(struct cap_in *in, const char *what, const char *kind)
{
	char b[56];
	return cap_in_fail(in, "%s: expected %s, got %s", what, kind, shown(in, b, sizeof(b)));
}

bool cap_in_map_begin(struct cap_in *in, const char *what)
{
	if (in->failed)
		return false;
	if (in_type(in) != YAML_MAPPING_START_EVENT)
		return expected(in, what, "a mapping");
	return cap_in_next(in);
}

static bool seq_begin(struct cap_in *in, const char *what)
{
	if (in->failed)
		return false;
	if (in_type(in) != YAML_SEQUENCE_START_EVENT)
		return expected(in, what, "a list");
	return cap_in_next(in);
}

/* Inside a list: true while there is another item; consumes the end. */
static bool seq_more(struct cap_in *in)
{
	if (in->failed)
		return false;
	if (in_type(in) == YAML_SEQUENCE_END_EVENT) {
		cap_in_next(in);
		return false;
	}
	return true;
}

bool cap_in_key(struct cap_in *in, char *key, size_t size)
{
	if (in->failed)
		return false;
	if (in_type(in) == YAML_MAPPING_END_EVENT) {
		cap_in_next(in);
		return false;
	}
	if (!is_scalar(in))
		return cap_in_fail(in, "expected a key, found %s", event_name(in_type(in)));
	size_t n = slen(in) < size - 1 ? slen(in) : size - 1;
	memcpy(key, sval(in), n);
	key[n] = '\0';
	if (memchr(key, '\0', n))
		key[0] = '?';   /* a key with a NUL byte matches nothing we know */
	return cap_in_next(in);
}

bool cap_in_key_is(const char *key, const char *name)
{
	return strcmp(key, name) == 0;
}

bool cap_in_unknown_key(struct cap_in *in, const char *key, const char *where)
{
	in_warn(in, FS_SEV_NOTE, "unknown key \"%.40s\" in %s ignored", key, where);
	return cap_in_skip(in);
}

static bool parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	bool is_hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	size_t i = is_hex ? 2 : 0;
	if (i == len)
		return false;
	for (; i < len; i++) {
		unsigned d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (is_hex && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (is_hex && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		unsigned base = is_hex ? 16 : 10;
		if (x > (UINT64_MAX - d) / base)
			return false;
		x = x * base + d;
	}
	*v = x;
	return true;
}

static bool parse_i64(const char *s, size_t len, int64_t *v)
{
	bool neg = len > 0 && s[0] == '-';
	size_t skip = len > 0 && (s[0] == '-' || s[0] == '+');
	uint64_t u;
	if (!parse_u64(s + skip, len - skip, &u))
		return false;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return false;
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > INT64_MAX)
			return false;
		*v = (int64_t)u;
	}
	return true;
}

bool cap_in_u64(struct cap_in *in, const char *what, uint64_t *v)
{
	if (in->failed)
		return false;
	if (!is_scalar(in) || !parse_u64(sval(in), slen(in), v))
		return expected(in, what, "an unsigned integer");
	return cap_in_next(in);
}

bool cap_in_i64(struct cap_in *in, const char *what, int64_t *v)
{
	if (in->failed)
		return false;
	if (!is_scalar(in) || !parse_i64(sval(in), slen(in), v))
		return expected(in, what, "an integer");
	return cap_in_next(in);
}

bool cap_in_int(struct cap_in *in, const char *what, int min, int max, int *v)
{
	int64_t x;
	if (in->failed)
		return false;
	if (!is_scalar(in) || !parse_i64(sval(in), slen(in), &x) || x < min || x > max) {
		char kind[64];
		snprintf(kind, sizeof(kind), "an integer from %d to %d", min, max);
		return expected(in, what, kind);
	}
	*v = (int)x;
	return cap_in_next(in);
}

static bool in_unsigned(struct cap_in *in, const char *what, unsigned *v)
{
	uint64_t x;
	if (in->failed)
		return false;
	if (!is_scalar(in) || !parse_u64(sval(in), slen(in), &x) || x > UINT_MAX)
		return expected(in, what, "an unsigned 32-bit integer");
	*v = (unsigned)x;
	return cap_in_next(in);
}

bool cap_in_double(struct cap_in *in, const char *what, double *v)
{
	if (in->failed)
		return false;
	char b[64];
	if (!is_scalar(in) || slen(in) == 0 || slen(in) >= sizeof(b))
		return expected(in, what, "a number");
	memcpy(b, sval(in), slen(in));
	b[slen(in)] = '\0';
	const char *p = b;
	bool neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (strcasecmp(p, ".nan") == 0 && p == b) {
		*v = NAN;
	} else if (strcasecmp(p, ".inf") == 0) {
		*v = neg ? -INFINITY : INFINITY;
	} else {
		locale_t loc = c_locale(), old = loc ? uselocale(loc) : (locale_t)0;
		char *end;
		double x = strtod(b, &end);
		if (loc)
			uselocale(old);
		if (*end != '\0' || end == b || isspace((unsigned char)b[0]))
			return expected(in, what, "a number");
		*v = x;
	}
	return cap_in_next(in);
}

bool cap_in_bool(struct cap_in *in, const char *what, bool *v)
{
	if (in->failed)
		return false;
	if (is_scalar(in) && (sval_is(in, "true") || sval_is(in, "True") || sval_is(in, "TRUE")))
		*v = true;
	else if (is_scalar(in) &&
		 (sval_is(in, "false") || sval_is(in, "False") || sval_is(in, "FALSE")))
		*v = false;
	else
		return expected(in, what, "true or false");
	return cap_in_next(in);
}

/* The bytes of a text scalar (base64-decoded for !!binary). *tmp is to be
 * freed by the caller. Does not advance. */
static bool scalar_bytes(struct cap_in *in, const char *what, const char **s, size_t *len,
			 char **tmp)
{
	*tmp = NULL;
	if (!is_scalar(in))
		return expected(in, what, "text");
	const char *tag = (const char *)in->ev.data.scalar.tag;
	if (tag && strcmp(tag, BINARY_TAG) == 0) {
		*tmp = base64_decode(sval(in), slen(in), len);
		if (!*tmp)
			return expected(in, what, "base64 text");
		*s = *tmp;
		return true;
	}
	*s = sval(in);
	*len = slen(in);
	return true;
}

bool cap_in_strbuf(struct cap_in *in, const char *what, char *buf, size_t size)
{
	const char *s;
	size_t len;
	char *tmp;
	if (in->failed || !scalar_bytes(in, what, &s, &len, &tmp))
		return false;
	size_t n = len < size - 1 ? len : size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (n < len)
		in_warn(in, FS_SEV_WARNING, "%s: longer than %zu bytes; truncated", what, size - 1);
	free(tmp);
	return cap_in_next(in);
}

bool cap_in_strdup(struct cap_in *in, const char *what, char **out)
{
	if (in->failed)
		return false;
	if (cap_in_is_null(in)) {
		*out = NULL;
		return cap_in_next(in);
	}
	const char *s;
	size_t len;
	char *tmp;
	if (!scalar_bytes(in, what, &s, &len, &tmp))
		return false;
	*out = tmp ? tmp : fs_xstrndup(s, len);
	return cap_in_next(in);
}

/* A name from names[], or a number for a value without one. */
static bool in_enum(struct cap_in *in, const char *what, const char *const *names, int count,
		    int *v)
{
	if (in->failed)
		return false;
	if (is_scalar(in)) {
		for (int i = 0; i < count; i++) {
			if (sval_is(in, names[i])) {
				*v = i;
				return cap_in_next(in);
			}
		}
	}
	int64_t x;
	if (!is_scalar(in) || !parse_i64(sval(in), slen(in), &x) || x < INT_MIN || x > INT_MAX) {
		char kind[160];
		size_t o = 0;
		for (int i = 0; i < count && o < sizeof(kind); i++)
			o += (size_t)snprintf(kind + o, sizeof(kind) - o, "%s%s",
					      i ? ", " : "one of ", names[i]);
		return expected(in, what, kind);
	}
	*v = (int)x;
	return cap_in_next(in);
}

static bool in_mt(struct cap_in *in, const char *what, int *mt)
{
	if (in->failed)
		return false;
	if (is_scalar(in)) {
		int v = fs_mt_from_name(sval(in), slen(in));
		if (v >= 0) {
			*mt = v;
			return cap_in_next(in);
		}
	}
	return cap_in_int(in, what, 0, 255, mt);
}

static bool in_bits(struct cap_in *in, const char *what, const char *const *names, int count,
		    uint32_t *set)
{
	*set = 0;
	if (!seq_begin(in, what))
		return false;
	while (seq_more(in)) {
		int b;
		if (!in_enum(in, what, names, count, &b))
			return false;
		if (b < 0 || b > 31)
			return cap_in_fail(in, "%s: bit %d out of range", what, b);
		*set |= 1u << b;
	}
	return !in->failed;
}

/* ===================================================================== */
/* Decoding                                                               */
/* ===================================================================== */

bool cap_dec_meta(struct cap_in *in, struct fs_meta *m)
{
	char key[64];
	if (!cap_in_map_begin(in, "meta"))
		return false;
	while (cap_in_key(in, key, sizeof(key))) {
		bool ok;
		int v = 0;
		if (cap_in_key_is(key, "time")) {
			ok = cap_in_double(in, "time", &m->time);
		} else if (cap_in_key_is(key, "time_base")) {
			ok = in_enum(in, "time_base", NAMES(time_base_names), &v);
			m->time_base = (enum fs_time_base)v;
		} else if (cap_in_key_is(key, "kernel_release")) {
			ok = cap_in_strbuf(in, "kernel_release", m->kernel_release,
					   sizeof(m->kernel_release));
		} else if (cap_in_key_is(key, "page_size")) {
			ok = in_unsigned(in, "page_size", &m->page_size);
		} else if (cap_in_key_is(key, "pageblock_order")) {
			ok = cap_in_int(in, "pageblock_order", INT_MIN, INT_MAX,
					&m->pageblock_order);
		} else if (cap_in_key_is(key, "nr_orders")) {
			ok = cap_in_int(in, "nr_orders", INT_MIN, INT_MAX, &m->nr_orders);
		} else if (cap_in_key_is(key, "migratetypes")) {
			ok = seq_begin(in, "migratetypes");
			memset(m->mt_order, 0, sizeof(m->mt_order));
			m->nr_mt_order = 0;
			while (ok && seq_more(in)) {
				if (m->nr_mt_order >= FS_MT_COUNT) {
					ok = cap_in_fail(in, "migratetypes: more than %d",
							 FS_MT_COUNT);
					break;
				}
				ok = in_mt(in, "migratetypes", &v);
				m->mt_order[m->nr_mt_order++] = (uint8_t)v;
			}
			ok = ok && !in->failed;
		} else if (cap_in_key_is(key, "source")) {
			ok = cap_in_strbuf(in, "source", m->source, sizeof(m->source));
		} else if (cap_in_key_is(key, "hostname")) {
			ok = cap_in_strbuf(in, "hostname", m->hostname, sizeof(m->hostname));
		} else {
			ok = cap_in_unknown_key(in, key, "meta");
		}
		if (!ok)
			return false;
	}
	return !in->failed;
}

static void stats_push(struct fs_stats *s, const char *name, int64_t value)
{
	fs_grow((void **)&s->items, &s->cap, s->count + 1, sizeof(*s->items));
	struct fs_stat *st = &s->items[s->count++];
	memset(st->name, 0, sizeof(st->name));
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->value = value;
}

/* {name: value, ...}, appended in order. */
static bool dec_stats(struct cap_in *in, const char *what, struct fs_stats *s)
{
	char name[FS_STAT_NAME_MAX];
	if (!cap_in_map_begin(in, what))
		return false;
	while (!in->failed && in_type(in) != YAML_MAPPING_END_EVENT) {
		int64_t v;
		if (!cap_in_strbuf(in, "counter name", name, sizeof(name)) ||
		    !cap_in_i64(in, name, &v))
			return false;
		stats_push(s, name, v);
	}
	return cap_in_next(in);
}

/* Where name is in s, searching from *hint on: deltas list names in the
 * order of the stats, so this is linear over a whole delta. */
static size_t stats_find_name(const struct fs_stats *s, const char *name, size_t *hint)
{
	for (size_t k = 0; k < s->count; k++) {
		size_t i = (*hint + k) % s->count;
		if (strncmp(s->items[i].name, name, FS_STAT_NAME_MAX) == 0) {
			*hint = i + 1;
			return i;
		}
	}
	return SIZE_MAX;
}

/* {del: [names], set: {name: value}} or {all: {name: value}}. */
static bool dec_stats_delta(struct cap_in *in, const char *what, struct fs_stats *s)
{
	char key[16], name[FS_STAT_NAME_MAX];
	size_t hint = 0;
	if (!cap_in_map_begin(in, what))
		return false;
	while (cap_in_key(in, key, sizeof(key))) {
		if (cap_in_key_is(key, "all")) {
			s->count = 0;
			if (!dec_stats(in, what, s))
				return false;
		} else if (cap_in_key_is(key, "del")) {
			if (!seq_begin(in, "del"))
				return false;
			while (seq_more(in)) {
				if (!cap_in_strbuf(in, "counter name", name, sizeof(name)))
					return false;
				size_t at = stats_find_name(s, name, &hint);
				if (at == SIZE_MAX)
					return cap_in_fail(in,
							   "%s: cannot delete \"%.40s\": the "
							   "previous frame does not have it",
							   what, name);
				memmove(&s->items[at], &s->items[at + 1],
					(s->count - at - 1) * sizeof(*s->items));
				s->count--;
			}
		} else if (cap_in_key_is(key, "set")) {
			if (!cap_in_map_begin(in, "set"))
				return false;
			while (!in->failed && in_type(in) != YAML_MAPPING_END_EVENT) {
				int64_t v;
				if (!cap_in_strbuf(in, "counter name", name, sizeof(name)) ||
				    !cap_in_i64(in, name, &v))
					return false;
				size_t at = stats_find_name(s, name, &hint);
				if (at == SIZE_MAX)
					stats_push(s, name, v);
				else
					s->items[at].value = v;
			}
			if (!cap_in_next(in))
				return false;
		} else if (!cap_in_unknown_key(in, key, what)) {
			return false;
		}
	}
	return !in->failed;
}

/* "12", "12+", "nonempty", "empty", "~", optionally "=N" after a word. */
static bool parse_count(const char *s, size_t len, struct fs_count *c)
{
	static const struct { const char *word; uint8_t kind; } words[] = {
		{ "unknown", FS_COUNT_NONE }, { "nonempty", FS_COUNT_NONEMPTY },
		{ "empty", FS_COUNT_EMPTY_KNOWN }, { "empty-known", FS_COUNT_EMPTY_KNOWN },
	};
	c->value = 0;
	if (len == 0 || (len == 1 && s[0] == '~') || (len == 4 && memcmp(s, "null", 4) == 0)) {
		c->kind = FS_COUNT_NONE;
		return true;
	}
	if (s[len - 1] == '+') {
		c->kind = FS_COUNT_CAPPED;
		return parse_u64(s, len - 1, &c->value);
	}
	if (s[0] >= '0' && s[0] <= '9') {
		c->kind = FS_COUNT_EXACT;
		return parse_u64(s, len, &c->value);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t wl = strlen(words[i].word);
		if (len < wl || memcmp(s, words[i].word, wl) != 0)
			continue;
		c->kind = words[i].kind;
		c->value = usual_value(c->kind);
		if (len == wl)
			return true;
		if (s[wl] == '=')
			return parse_u64(s + wl + 1, len - wl - 1, &c->value);
	}
	return false;
}

static bool in_count(struct cap_in *in, const char *what, struct fs_count *c)
{
	if (in->failed)
		return false;
	if (!is_scalar(in) || !parse_count(sval(in), slen(in), c))
		return expected(in, what, "a count (N, N+, nonempty, empty or ~)");
	return cap_in_next(in);
}

/* A list replaces the whole row; a mapping {order: count} changes entries. */
static bool dec_row(struct cap_in *in, const char *what, struct fs_count *row)
{
	if (in->failed)
		return false;
	if (in_type(in) == YAML_SEQUENCE_START_EVENT) {
		memset(row, 0, FS_MAX_ORDERS * sizeof(*row));
		cap_in_next(in);
		int o = 0;
		while (seq_more(in)) {
			if (o >= FS_MAX_ORDERS)
				return cap_in_fail(in, "%s: more than %d orders", what,
						   FS_MAX_ORDERS);
			if (!in_count(in, what, &row[o++]))
				return false;
		}
		return !in->failed;
	}
	if (!cap_in_map_begin(in, what))
		return false;
	while (!in->failed && in_type(in) != YAML_MAPPING_END_EVENT) {
		int o;
		if (!cap_in_int(in, "order", 0, FS_MAX_ORDERS - 1, &o) ||
		    !in_count(in, what, &row[o]))
			return false;
	}
	return cap_in_next(in);
}

static bool dec_zone_field(struct cap_in *in, struct fs_zone *z, const char *key, bool full)
{
	for (size_t i = 0; i < NR_ZONE_FIELDS; i++) {
		if (cap_in_key_is(key, zone_fields[i].key)) {
			uint64_t v;
			if (!cap_in_u64(in, key, &v))
				return false;
			set_zone_field(z, i, v);
			return true;
		}
	}
	if (cap_in_key_is(key, "populated"))
		return cap_in_bool(in, key, &z->populated);
	if (cap_in_key_is(key, "known"))
		return in_bits(in, key, known_names,
			       (int)(sizeof(known_names) / sizeof(known_names[0])), &z->known);
	if (cap_in_key_is(key, "protection")) {
		memset(z->protection, 0, sizeof(z->protection));
		z->nr_protection = 0;
		if (!seq_begin(in, key))
			return false;
		while (seq_more(in)) {
			if (z->nr_protection >= FS_MAX_ZONE_TYPES)
				return cap_in_fail(in, "protection: more than %d entries",
						   FS_MAX_ZONE_TYPES);
			if (!cap_in_u64(in, key, &z->protection[z->nr_protection++]))
				return false;
		}
		return !in->failed;
	}
	if (cap_in_key_is(key, "order_blocks"))
		return dec_row(in, key, z->order_blocks);
	if (cap_in_key_is(key, "mt_rows")) {
		const char *names[FS_MT_COUNT];
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			names[mt] = fs_mt_name((enum fs_mt)mt);
		return in_bits(in, key, names, FS_MT_COUNT, &z->mt_rows);
	}
	if (cap_in_key_is(key, "mt_blocks") || cap_in_key_is(key, "pageblocks")) {
		bool blocks = key[0] == 'm';
		if (!cap_in_map_begin(in, key))
			return false;
		while (!in->failed && in_type(in) != YAML_MAPPING_END_EVENT) {
			int mt;
			if (!in_mt(in, "migratetype", &mt))
				return false;
			if (mt >= FS_MT_COUNT)
				return cap_in_fail(in, "%s: migratetype %d out of range", key, mt);
			if (blocks ? !dec_row(in, fs_mt_name((enum fs_mt)mt), z->mt_blocks[mt])
				   : !cap_in_u64(in, fs_mt_name((enum fs_mt)mt),
						 &z->pageblocks[mt]))
				return false;
		}
		return cap_in_next(in);
	}
	if (cap_in_key_is(key, "stats"))
		return full ? dec_stats(in, "stats", &z->stats)
			    : dec_stats_delta(in, "stats", &z->stats);
	return cap_in_unknown_key(in, key, "zone");
}

/* The "node" and "zone" keys that start every zone entry. */
static bool dec_zone_key(struct cap_in *in, int *node, char *name)
{
	char key[16];
	if (!cap_in_key(in, key, sizeof(key)) || !cap_in_key_is(key, "node"))
		return cap_in_fail(in, "a zone entry starts with \"node\"");
	if (!cap_in_int(in, "node", INT_MIN, INT_MAX, node))
		return false;
	if (!cap_in_key(in, key, sizeof(key)) || !cap_in_key_is(key, "zone"))
		return cap_in_fail(in, "expected \"zone\" after \"node\"");
	const char *s;
	size_t len;
	char *tmp;
	if (!scalar_bytes(in, "zone", &s, &len, &tmp))
		return false;
	if (len >= FS_ZONE_NAME_MAX || memchr(s, '\0', len)) {
		free(tmp);
		return cap_in_fail(in, "zone: expected a zone name of at most %d bytes",
				   FS_ZONE_NAME_MAX - 1);
	}
	memset(name, 0, FS_ZONE_NAME_MAX);
	memcpy(name, s, len);
	free(tmp);
	return cap_in_next(in);
}

/* The rest of a zone mapping after its key, into z. */
static bool dec_zone_rest(struct cap_in *in, struct fs_zone *z, bool full)
{
	char key[32];
	while (cap_in_key(in, key, sizeof(key)))
		if (!dec_zone_field(in, z, key, full))
			return false;
	return !in->failed;
}

static bool dec_zones(struct cap_in *in, struct fs_snapshot *s)
{
	bool warned = false;
	if (!seq_begin(in, "zones"))
		return false;
	while (seq_more(in)) {
		if (s->nr_zones >= FS_MAX_ZONES) {
			if (!warned)
				in_warn(in, FS_SEV_WARNING,
					"more than %d zones; the rest are ignored", FS_MAX_ZONES);
			warned = true;
			if (!cap_in_skip(in))
				return false;
			continue;
		}
		fs_grow((void **)&s->zones, &s->zones_cap, s->nr_zones + 1, sizeof(*s->zones));
		struct fs_zone *z = &s->zones[s->nr_zones++];
		memset(z, 0, sizeof(*z));
		if (!cap_in_map_begin(in, "zone") || !dec_zone_key(in, &z->node, z->name) ||
		    !dec_zone_rest(in, z, true))
			return false;
	}
	return !in->failed;
}

static struct fs_node *push_node(struct fs_snapshot *s, size_t at, int id)
{
	fs_grow((void **)&s->nodes, &s->nodes_cap, s->nr_nodes + 1, sizeof(*s->nodes));
	memmove(&s->nodes[at + 1], &s->nodes[at], (s->nr_nodes - at) * sizeof(*s->nodes));
	s->nr_nodes++;
	memset(&s->nodes[at], 0, sizeof(s->nodes[at]));
	s->nodes[at].id = id;
	return &s->nodes[at];
}

/* {id: N, stats: {...}} after its "id" key. */
static bool dec_node_rest(struct cap_in *in, struct fs_node *n, bool full)
{
	char key[32];
	while (cap_in_key(in, key, sizeof(key))) {
		bool ok;
		if (cap_in_key_is(key, "stats"))
			ok = full ? dec_stats(in, "stats", &n->stats)
				  : dec_stats_delta(in, "stats", &n->stats);
		else
			ok = cap_in_unknown_key(in, key, "node");
		if (!ok)
			return false;
	}
	return !in->failed;
}

static bool dec_node_id(struct cap_in *in, int *id)
{
	char key[16];
	if (!cap_in_map_begin(in, "node"))
		return false;
	if (!cap_in_key(in, key, sizeof(key)) || !cap_in_key_is(key, "id"))
		return cap_in_fail(in, "a node entry starts with \"id\"");
	return cap_in_int(in, "id", INT_MIN, INT_MAX, id);
}

static bool dec_nodes(struct cap_in *in, struct fs_snapshot *s)
{
	bool warned = false;
	if (!seq_begin(in, "nodes"))
		return false;
	while (seq_more(in)) {
		if (s->nr_nodes >= FS_MAX_NODES) {
			if (!warned)
				in_warn(in, FS_SEV_WARNING,
					"more than %d nodes; the rest are ignored", FS_MAX_NODES);
			warned = true;
			if (!cap_in_skip(in))
				return false;
			continue;
		}
		int id;
		if (!dec_node_id(in, &id))
			return false;
		struct fs_node *n = push_node(s, s->nr_nodes, id);
		if (!dec_node_rest(in, n, true))
			return false;
	}
	return !in->failed;
}

static bool dec_diags(struct cap_in *in, struct fs_diags *d)
{
	fs_diags_clear(d);
	if (!seq_begin(in, "diags"))
		return false;
	while (seq_more(in)) {
		char key[16];
		char *source = NULL, *message = NULL;
		int sev = FS_SEV_WARNING;
		unsigned line = 0;
		bool ok = cap_in_map_begin(in, "diag");
		while (ok && cap_in_key(in, key, sizeof(key))) {
			if (cap_in_key_is(key, "severity")) {
				ok = in_enum(in, key, NAMES(severity_names), &sev);
			} else if (cap_in_key_is(key, "source")) {
				free(source);
				ok = cap_in_strdup(in, key, &source);
			} else if (cap_in_key_is(key, "line")) {
				ok = in_unsigned(in, key, &line);
			} else if (cap_in_key_is(key, "message")) {
				free(message);
				ok = cap_in_strdup(in, key, &message);
			} else {
				ok = cap_in_unknown_key(in, key, "diag");
			}
		}
		if (ok && !in->failed)
			fs_diags_add(d, (enum fs_severity)sev, source, line, "%s",
				     message ? message : "");
		free(source);
		free(message);
		if (in->failed)
			return false;
	}
	return !in->failed;
}

bool cap_dec_snapshot(struct cap_in *in, struct fs_snapshot *s)
{
	char key[32];
	if (!cap_in_map_begin(in, "snapshot"))
		return false;
	while (cap_in_key(in, key, sizeof(key))) {
		bool ok;
		if (cap_in_key_is(key, "meta"))
			ok = cap_dec_meta(in, &s->meta);
		else if (cap_in_key_is(key, "nodes"))
			ok = dec_nodes(in, s);
		else if (cap_in_key_is(key, "zones"))
			ok = dec_zones(in, s);
		else if (cap_in_key_is(key, "vmstat"))
			ok = dec_stats(in, "vmstat", &s->vmstat);
		else if (cap_in_key_is(key, "meminfo"))
			ok = dec_stats(in, "meminfo", &s->meminfo);
		else if (cap_in_key_is(key, "diags"))
			ok = dec_diags(in, &s->diags);
		else
			ok = cap_in_unknown_key(in, key, "snapshot");
		if (!ok)
			return false;
	}
	return !in->failed;
}

/* Zone of s with this key, searching from *hint on (deltas list zones in
 * order, so a whole delta is one pass). */
static size_t find_zone(const struct fs_snapshot *s, int node, const char *name, size_t *hint)
{
	for (size_t k = 0; k < s->nr_zones; k++) {
		size_t i = (*hint + k) % s->nr_zones;
		if (s->zones[i].node == node &&
		    strncmp(s->zones[i].name, name, FS_ZONE_NAME_MAX) == 0) {
			*hint = i;
			return i;
		}
	}
	return SIZE_MAX;
}

struct added_zone {
	size_t at;
	struct fs_zone zone;
};

/* One entry of a delta's zone list; new zones are collected in *added. */
static bool dec_zone_delta(struct cap_in *in, struct fs_snapshot *s, size_t *hint,
			   struct added_zone **added, size_t *nr_added, size_t *cap_added)
{
	int node;
	char name[FS_ZONE_NAME_MAX], key[32];
	if (!cap_in_map_begin(in, "zone") || !dec_zone_key(in, &node, name))
		return false;
	if (!cap_in_key(in, key, sizeof(key)))
		return !in->failed;   /* nothing changed: allowed, if odd */
	if (cap_in_key_is(key, "removed")) {
		bool removed;
		if (!cap_in_bool(in, key, &removed))
			return false;
		size_t at = find_zone(s, node, name, hint);
		if (at == SIZE_MAX)
			return cap_in_fail(
				in, "cannot remove zone %d %s: the previous frame does not have it",
				node, name);
		if (!removed)
			return cap_in_fail(in, "removed: only \"removed: true\" is meaningful");
		fs_stats_free(&s->zones[at].stats);
		memmove(&s->zones[at], &s->zones[at + 1],
			(s->nr_zones - at - 1) * sizeof(*s->zones));
		s->nr_zones--;
		if (cap_in_key(in, key, sizeof(key)))
			return cap_in_fail(in, "nothing may follow \"removed: true\"");
		return !in->failed;
	}
	if (cap_in_key_is(key, "insert_at")) {
		uint64_t at;
		if (!cap_in_u64(in, key, &at))
			return false;
		if (*nr_added && at <= (*added)[*nr_added - 1].at)
			return cap_in_fail(in, "insert_at: positions must increase");
		fs_grow((void **)added, cap_added, *nr_added + 1, sizeof(**added));
		struct added_zone *a = &(*added)[(*nr_added)++];
		memset(a, 0, sizeof(*a));
		a->at = (size_t)at;
		a->zone.node = node;
		memcpy(a->zone.name, name, sizeof(name));
		return dec_zone_rest(in, &a->zone, true);
	}
	size_t at = find_zone(s, node, name, hint);
	if (at == SIZE_MAX)
		return cap_in_fail(in,
				   "a change to zone %d %s, which the previous frame does not have",
				   node, name);
	struct fs_zone *z = &s->zones[at];
	return dec_zone_field(in, z, key, false) && dec_zone_rest(in, z, false);
}

static bool dec_zones_delta(struct cap_in *in, struct fs_snapshot *s)
{
	struct added_zone *added = NULL;
	size_t nr_added = 0, cap_added = 0, hint = 0;
	bool ok = seq_begin(in, "zones");
	while (ok && seq_more(in))
		ok = dec_zone_delta(in, s, &hint, &added, &nr_added, &cap_added);
	ok = ok && !in->failed;
	size_t i = 0;
	for (; ok && i < nr_added; i++) {
		size_t at = added[i].at;
		if (at > s->nr_zones || s->nr_zones >= FS_MAX_ZONES) {
			ok = cap_in_fail(in, "zones: cannot insert zone %d %s at %zu of %zu",
					 added[i].zone.node, added[i].zone.name, at, s->nr_zones);
			break;
		}
		fs_grow((void **)&s->zones, &s->zones_cap, s->nr_zones + 1, sizeof(*s->zones));
		memmove(&s->zones[at + 1], &s->zones[at], (s->nr_zones - at) * sizeof(*s->zones));
		s->zones[at] = added[i].zone;   /* the snapshot owns its stats now */
		s->nr_zones++;
	}
	for (size_t k = i; k < nr_added; k++)
		fs_stats_free(&added[k].zone.stats);
	free(added);
	return ok;
}

static bool dec_nodes_delta(struct cap_in *in, struct fs_snapshot *s)
{
	if (!seq_begin(in, "nodes"))
		return false;
	size_t last_insert = 0;
	bool inserted = false;
	while (seq_more(in)) {
		int id;
		char key[32];
		if (!dec_node_id(in, &id))
			return false;
		size_t at = SIZE_MAX;
		for (size_t i = 0; i < s->nr_nodes && at == SIZE_MAX; i++)
			if (s->nodes[i].id == id)
				at = i;
		if (!cap_in_key(in, key, sizeof(key))) {
			if (in->failed)
				return false;
			continue;
		}
		if (cap_in_key_is(key, "removed")) {
			bool removed;
			if (!cap_in_bool(in, key, &removed))
				return false;
			if (at == SIZE_MAX)
				return cap_in_fail(in,
						   "cannot remove node %d: the previous frame does "
						   "not have it",
						   id);
			if (!removed)
				return cap_in_fail(in,
						   "removed: only \"removed: true\" is meaningful");
			fs_stats_free(&s->nodes[at].stats);
			memmove(&s->nodes[at], &s->nodes[at + 1],
				(s->nr_nodes - at - 1) * sizeof(*s->nodes));
			s->nr_nodes--;
			if (cap_in_key(in, key, sizeof(key)))
				return cap_in_fail(in, "nothing may follow \"removed: true\"");
			if (in->failed)
				return false;
		} else if (cap_in_key_is(key, "insert_at")) {
			/* Removals and changes come before insertions, in ascending
			 * position: inserting right away is the same as at the end. */
			uint64_t pos;
			if (!cap_in_u64(in, key, &pos))
				return false;
			if (pos > s->nr_nodes || s->nr_nodes >= FS_MAX_NODES ||
			    (inserted && pos <= last_insert))
				return cap_in_fail(in,
						   "nodes: cannot insert node %d at %llu of %zu",
						   id, (unsigned long long)pos, s->nr_nodes);
			inserted = true;
			last_insert = (size_t)pos;
			if (!dec_node_rest(in, push_node(s, (size_t)pos, id), true))
				return false;
		} else {
			if (at == SIZE_MAX)
				return cap_in_fail(in,
						   "a change to node %d, which the previous frame "
						   "does not have",
						   id);
			if (inserted)
				return cap_in_fail(in, "nodes: changes come before insertions");
			if (!cap_in_key_is(key, "stats")) {
				if (!cap_in_unknown_key(in, key, "node"))
					return false;
			} else if (!dec_stats_delta(in, "stats", &s->nodes[at].stats)) {
				return false;
			}
			if (!dec_node_rest(in, &s->nodes[at], false))
				return false;
		}
	}
	return !in->failed;
}

bool cap_dec_delta(struct cap_in *in, struct fs_snapshot *s)
{
	char key[32];
	if (!cap_in_map_begin(in, "delta"))
		return false;
	while (cap_in_key(in, key, sizeof(key))) {
		bool ok;
		if (cap_in_key_is(key, "meta"))
			ok = cap_dec_meta(in, &s->meta);
		else if (cap_in_key_is(key, "nodes"))
			ok = dec_nodes_delta(in, s);
		else if (cap_in_key_is(key, "zones"))
			ok = dec_zones_delta(in, s);
		else if (cap_in_key_is(key, "vmstat"))
			ok = dec_stats_delta(in, "vmstat", &s->vmstat);
		else if (cap_in_key_is(key, "meminfo"))
			ok = dec_stats_delta(in, "meminfo", &s->meminfo);
		else if (cap_in_key_is(key, "diags"))
			ok = dec_diags(in, &s->diags);
		else
			ok = cap_in_unknown_key(in, key, "delta");
		if (!ok)
			return false;
	}
	return !in->failed;
}

static bool dec_trace(struct cap_in *in, struct fs_report *r)
{
	size_t cap = 0;
	if (cap_in_is_null(in))
		return cap_in_next(in);
	if (!seq_begin(in, "trace"))
		return false;
	r->trace = fs_xcalloc(1, sizeof(*r->trace));
	cap = 1;
	while (seq_more(in)) {
		fs_grow((void **)&r->trace, &cap, r->nr_trace + 1, sizeof(*r->trace));
		if (!cap_in_strdup(in, "trace", &r->trace[r->nr_trace]))
			return false;
		r->nr_trace++;
	}
	return !in->failed;
}

static bool dec_report_field(struct cap_in *in, struct fs_report *r, const char *key)
{
	int v = 0;
	bool ok;
#define STRBUF(field) \
	if (cap_in_key_is(key, #field)) \
		return cap_in_strbuf(in, #field, r->field, sizeof(r->field));
	STRBUF(wallclock)
	STRBUF(comm)
	STRBUF(mode_names)
	STRBUF(nodemask)
	STRBUF(cpuset)
	STRBUF(mems_allowed)
	STRBUF(kernel_release)
	STRBUF(message)
#undef STRBUF
	if (cap_in_key_is(key, "kind")) {
		ok = in_enum(in, key, NAMES(report_kind_names), &v);
		r->kind = (enum fs_report_kind)v;
		return ok;
	}
	if (cap_in_key_is(key, "time_base")) {
		ok = in_enum(in, key, NAMES(time_base_names), &v);
		r->time_base = (enum fs_time_base)v;
		return ok;
	}
	if (cap_in_key_is(key, "timestamp"))
		return cap_in_double(in, key, &r->timestamp);
	if (cap_in_key_is(key, "has_timestamp"))
		return cap_in_bool(in, key, &r->has_timestamp);
	if (cap_in_key_is(key, "has_mode"))
		return cap_in_bool(in, key, &r->has_mode);
	if (cap_in_key_is(key, "pid"))
		return cap_in_int(in, key, INT_MIN, INT_MAX, &r->pid);
	if (cap_in_key_is(key, "cpu"))
		return cap_in_int(in, key, INT_MIN, INT_MAX, &r->cpu);
	if (cap_in_key_is(key, "order"))
		return cap_in_int(in, key, INT_MIN, INT_MAX, &r->order);
	if (cap_in_key_is(key, "mode"))
		return cap_in_u64(in, key, &r->mode);
	if (cap_in_key_is(key, "first_line"))
		return in_unsigned(in, key, &r->first_line);
	if (cap_in_key_is(key, "last_line"))
		return in_unsigned(in, key, &r->last_line);
	if (cap_in_key_is(key, "trace")) {
		for (size_t i = 0; i < r->nr_trace; i++)
			free(r->trace[i]);
		free(r->trace);
		r->trace = NULL;
		r->nr_trace = 0;
		return dec_trace(in, r);
	}
	if (cap_in_key_is(key, "raw")) {
		free(r->raw);
		r->raw = NULL;
		return cap_in_strdup(in, key, &r->raw);
	}
	if (cap_in_key_is(key, "snapshot")) {
		fs_snapshot_free(r->snapshot);
		r->snapshot = NULL;
		if (cap_in_is_null(in))
			return cap_in_next(in);
		r->snapshot = fs_snapshot_new();
		return cap_dec_snapshot(in, r->snapshot);
	}
	return cap_in_unknown_key(in, key, "event");
}

bool cap_dec_reports(struct cap_in *in, struct fs_report_list *l)
{
	char key[32];
	if (!seq_begin(in, "events"))
		return false;
	while (seq_more(in)) {
		fs_grow((void **)&l->items, &l->cap, l->count + 1, sizeof(*l->items));
		struct fs_report *r = &l->items[l->count++];
		memset(r, 0, sizeof(*r));
		r->pid = r->cpu = r->order = -1;
		if (!cap_in_map_begin(in, "event"))
			return false;
		while (cap_in_key(in, key, sizeof(key)))
			if (!dec_report_field(in, r, key))
				return false;
		if (in->failed)
			return false;
	}
	return !in->failed;
}
