/*
 * procfs_common.c - the parse context and the small scanners the /proc
 * parsers share (see procfs_priv.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fragscope/diag.h"
#include "procfs_priv.h"

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '_';
}

bool fs_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_blank(s[i]) && s[i] != '\n')
			return false;
	return true;
}

const char *fs_quote(char out[64], const char *s, size_t len)
{
	size_t n = len > 48 ? 48 : len, i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[i] = (ch >= 0x20 && ch < 0x7f && ch != '"') ? (char)ch : '?';
	}
	if (len > n) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

bool fs_pctx_begin(struct fs_pctx *c, struct fs_snapshot *snap, const char *text, size_t len,
		   const char *source, const char *kind)
{
	memset(c, 0, sizeof(*c));
	c->snap = snap;
	c->source = source ? source : kind;
	c->kind = kind;
	if (snap->meta.source[0] == '\0')
		snprintf(snap->meta.source, sizeof(snap->meta.source), "%s", c->source);

	if (!text || fs_blank(text, len)) {
		fs_diags_add(&snap->diags, FS_SEV_ERROR, c->source, 0,
			     "%s: empty input, expected the text of /proc/%s", kind, kind);
		return false;
	}
	if (fs_looks_binary(text, len)) {
		fs_diags_add(&snap->diags, FS_SEV_ERROR, c->source, 0,
			     "%s: binary data (NUL or control bytes), expected the text of "
			     "/proc/%s", kind, kind);
		return false;
	}
	return true;
}

int fs_pctx_end(struct fs_pctx *c, int nr, const char *expected)
{
	if (c->nr_bad > FS_PROCFS_LINE_WARN_MAX)
		fs_diags_add(&c->snap->diags, FS_SEV_WARNING, c->source, 0,
			     "%s: %u more bad lines or records not reported one by one", c->kind,
			     c->nr_bad - FS_PROCFS_LINE_WARN_MAX);
	if (c->nr_zone_dropped)
		fs_diags_add(&c->snap->diags, FS_SEV_WARNING, c->source, 0,
			     "%s: %u zone records dropped (beyond %d nodes or %d zones)", c->kind,
			     c->nr_zone_dropped, FS_MAX_NODES, FS_MAX_ZONES);
	if (nr == 0)
		fs_diags_add(&c->snap->diags, FS_SEV_ERROR, c->source, 0,
			     "%s: nothing usable found, expected %s", c->kind, expected);
	return nr;
}

static void vadd(struct fs_pctx *c, unsigned line, const char *fmt, va_list ap)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "%s: ", c->kind);

	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	fs_diags_add(&c->snap->diags, FS_SEV_WARNING, c->source, line, "%s", msg);
}

void fs_pctx_bad(struct fs_pctx *c, const char *fmt, ...)
{
	va_list ap;

	if (++c->nr_bad > FS_PROCFS_LINE_WARN_MAX)
		return;
	va_start(ap, fmt);
	vadd(c, c->line, fmt, ap);
	va_end(ap);
}

void fs_pctx_bad_at(struct fs_pctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (++c->nr_bad > FS_PROCFS_LINE_WARN_MAX)
		return;
	va_start(ap, fmt);
	vadd(c, line, fmt, ap);
	va_end(ap);
}

void fs_pctx_warn(struct fs_pctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(c, line, fmt, ap);
	va_end(ap);
}

bool fs_pctx_next(struct fs_pctx *c, struct fs_lines *it, const char **line, size_t *len)
{
	while (!c->stop && fs_lines_next(it, line, len)) {
		c->line = it->lineno;
		if (*len > FS_PROCFS_LINE_MAX) {
			fs_pctx_bad(c, "line too long (%zu bytes, a /proc/%s line has at most %d)",
				    *len, c->kind, FS_PROCFS_LINE_MAX);
			continue;
		}
		while (*len > 0 && (is_blank((*line)[*len - 1]) || (*line)[*len - 1] == '\0'))
			(*len)--;
		return true;
	}
	return false;
}

static void skip_blanks(struct fs_cursor *cur)
{
	while (cur->p < cur->end && is_blank(*cur->p))
		cur->p++;
}

enum fs_num fs_pnum(struct fs_cursor *cur, const char *stop, uint64_t *out)
{
	const char *p;
	uint64_t v = 0;

	skip_blanks(cur);
	p = cur->p;
	if (p < cur->end && *p == '-' && p + 1 < cur->end && is_digit(p[1]))
		return FS_NUM_NEGATIVE;
	if (p >= cur->end || !is_digit(*p))
		return FS_NUM_NONE;
	for (; p < cur->end && is_digit(*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return FS_NUM_OVERFLOW;
		v = v * 10 + d;
	}
	if (p < cur->end && !is_blank(*p) && !(stop && strchr(stop, *p)))
		return FS_NUM_TRAILING;
	cur->p = p;
	*out = v;
	return FS_NUM_OK;
}

const char *fs_num_problem(enum fs_num r)
{
	switch (r) {
	case FS_NUM_OK:
		return "a number";
	case FS_NUM_NONE:
		return "no number";
	case FS_NUM_OVERFLOW:
		return "a number too large for 64 bits";
	case FS_NUM_NEGATIVE:
		return "a negative number";
	case FS_NUM_TRAILING:
		return "a number followed by junk";
	}
	return "?";
}

bool fs_pname(struct fs_cursor *cur, const char **name, size_t *len)
{
	const char *p;

	skip_blanks(cur);
	for (p = cur->p; p < cur->end && is_name_char(*p); p++)
		;
	if (p == cur->p)
		return false;
	*name = cur->p;
	*len = (size_t)(p - cur->p);
	cur->p = p;
	return true;
}

bool fs_plit(struct fs_cursor *cur, const char *s)
{
	size_t n = strlen(s);
	const char *p = cur->p;

	while (p < cur->end && is_blank(*p))
		p++;
	if ((size_t)(cur->end - p) < n || memcmp(p, s, n) != 0)
		return false;
	cur->p = p + n;
	return true;
}

bool fs_pend(struct fs_cursor *cur)
{
	skip_blanks(cur);
	return cur->p >= cur->end;
}

bool fs_pzone_head(struct fs_pctx *c, struct fs_cursor *cur, const char *line, size_t len,
		   uint64_t *node, const char **name, size_t *name_len)
{
	char q[64];
	enum fs_num r = FS_NUM_NONE;

	if (!fs_plit(cur, "Node") || (r = fs_pnum(cur, ",", node)) != FS_NUM_OK ||
	    !fs_plit(cur, ",") || !fs_plit(cur, "zone") || !fs_pname(cur, name, name_len)) {
		if (r == FS_NUM_OVERFLOW || r == FS_NUM_NEGATIVE || r == FS_NUM_TRAILING)
			fs_pctx_bad(c, "expected \"Node N, zone NAME\" with N a node number, "
				    "got %s in \"%s\"", fs_num_problem(r), fs_quote(q, line, len));
		else
			fs_pctx_bad(c, "expected \"Node N, zone NAME\", got \"%s\"",
				    fs_quote(q, line, len));
		return false;
	}
	return true;
}

/* The zones are kept sorted by node, then zone type (snapshot.c): a binary
 * search finds an existing one without the linear scan of fs_snapshot_zone,
 * so that a text repeating zone lines stays cheap. */
static struct fs_zone *find_zone(struct fs_snapshot *s, int node, int rank)
{
	size_t lo = 0, hi = s->nr_zones;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct fs_zone *z = &s->zones[mid];
		int zrank = fs_zone_type_rank(z->name);

		if (zrank < 0)
			zrank = 100;   /* unknown names sort last */
		if (z->node == node && zrank == rank)
			return &s->zones[mid];
		if (z->node < node || (z->node == node && zrank < rank))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct fs_zone *fs_pzone(struct fs_pctx *c, uint64_t node, const char *name, size_t name_len,
			 bool dup_check)
{
	char zname[FS_ZONE_NAME_MAX], q[64];
	struct fs_zone *z;
	int rank = -1;

	if (++c->nr_zone_lines > FS_PROCFS_ZONE_LINES) {
		fs_pctx_warn(c, c->line, "more than %u zone lines: the rest of the text is ignored",
			     FS_PROCFS_ZONE_LINES);
		c->stop = true;
		return NULL;
	}
	/* The kernel's zone_names[] are these six; anything else means the
	 * text is not what it claims to be. */
	if (name_len < FS_ZONE_NAME_MAX) {
		memcpy(zname, name, name_len);
		zname[name_len] = '\0';
		rank = fs_zone_type_rank(zname);
	}
	if (rank < 0) {
		fs_pctx_bad(c, "unknown zone name \"%s\" (expected DMA, DMA32, Normal, HighMem, "
			    "Movable or Device): line skipped", fs_quote(q, name, name_len));
		return NULL;
	}
	if (node >= FS_MAX_NODES) {
		c->nr_zone_dropped++;
		return NULL;
	}
	z = find_zone(c->snap, (int)node, rank);
	if (!z)
		z = fs_snapshot_zone(c->snap, (int)node, name, name_len, true);
	if (!z) {
		c->nr_zone_dropped++;   /* FS_MAX_ZONES reached */
		return NULL;
	}
	if (dup_check) {
		if (c->seen[node] & (1u << rank))
			fs_pctx_bad(c, "zone Node %d %s listed twice; the later record wins",
				    (int)node, zname);
		c->seen[node] |= (uint8_t)(1u << rank);
	}
	return z;
}

void fs_pmeta_orders(struct fs_pctx *c, int nr_orders)
{
	struct fs_meta *m = &c->snap->meta;

	if (m->nr_orders && m->nr_orders != nr_orders)
		fs_pctx_warn(c, c->line, "%d orders here, but %d known before (from %s)",
			     nr_orders, m->nr_orders, m->source);
	else
		m->nr_orders = nr_orders;
}

void fs_pmeta_pageblock(struct fs_pctx *c, int order)
{
	struct fs_meta *m = &c->snap->meta;

	if (m->pageblock_order >= 0 && m->pageblock_order != order)
		fs_pctx_warn(c, c->line, "page block order %d here, but %d known before (from %s)",
			     order, m->pageblock_order, m->source);
	else
		m->pageblock_order = order;
}

bool fs_pstat(struct fs_pctx *c, struct fs_stats *st, const char *name, size_t name_len,
	      uint64_t value)
{
	char key[FS_STAT_NAME_MAX], q[64];

	if (name_len >= FS_STAT_NAME_MAX) {
		fs_pctx_bad(c, "counter name \"%s\" longer than %d characters",
			    fs_quote(q, name, name_len), FS_STAT_NAME_MAX - 1);
		return false;
	}
	memcpy(key, name, name_len);
	key[name_len] = '\0';
	if (value > (uint64_t)INT64_MAX) {
		fs_pctx_bad(c, "value of %s (%llu) beyond 2^63-1, expected a counter below that",
			    key, (unsigned long long)value);
		return false;
	}
	if (!fs_stats_get(st, key, NULL)) {
		if (st->count >= FS_PROCFS_STATS_PER_SET ||
		    c->nr_stats >= FS_PROCFS_STATS_PER_PARSE) {
			fs_pctx_warn(c, c->line, "more than %u counters (%u in one set): the "
				     "rest of the text is ignored", FS_PROCFS_STATS_PER_PARSE,
				     FS_PROCFS_STATS_PER_SET);
			c->stop = true;
			return false;
		}
		c->nr_stats++;
	}
	fs_stats_set(st, key, (int64_t)value);
	return true;
}
