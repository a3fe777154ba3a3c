/*
 * workload_parse.c - workload files (YAML, libyaml's document API) into
 * struct fs_workload. docs/workload-format.md is the reference.
 *
 * Every problem is an error naming the file, the 1-based line and what was
 * expected; unknown keys are errors too (a misspelt key silently ignored
 * would make a check pass for the wrong reason). Parsing goes on after an
 * error so that one run reports all of them; any error fails the load.
 */
#include "workload_priv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "fragscope/util.h"

struct px {
	yaml_document_t doc;
	const char *src;
	struct fs_diags *diags;
	int errors;
	unsigned page_size;             /* for sizes with units */
};

__attribute__((format(printf, 3, 4)))
static void err(struct px *x, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fs_diags_add(x->diags, FS_SEV_ERROR, x->src, line, "%s", msg);
	x->errors++;
}

static yaml_node_t *node_at(struct px *x, int id)
{
	return yaml_document_get_node(&x->doc, id);
}

static unsigned line_of(const yaml_node_t *n)
{
	return n ? (unsigned)n->start_mark.line + 1 : 0;
}

static const char *node_type_name(const yaml_node_t *n)
{
	switch (n ? n->type : YAML_NO_NODE) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

/* The scalar's text, or NULL (with an error when what is given). */
static const char *scalar(struct px *x, const yaml_node_t *n, const char *what)
{
	if (n && n->type == YAML_SCALAR_NODE)
		return (const char *)n->data.scalar.value;
	if (what)
		err(x, line_of(n), "expected %s, got %s", what, node_type_name(n));
	return NULL;
}

static bool expect_type(struct px *x, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	if (n && n->type == t)
		return true;
	err(x, line_of(n), "expected %s, got %s", what, node_type_name(n));
	return false;
}

/* ---- scalars ---- */

static bool parse_u64_text(const char *s, uint64_t *out)
{
	if (!isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool get_u64(struct px *x, const yaml_node_t *n, const char *key, uint64_t max,
		    uint64_t *out)
{
	const char *s = scalar(x, n, "a whole number");
	if (!s)
		return false;
	uint64_t v;
	if (!parse_u64_text(s, &v) || v > max) {
		err(x, line_of(n), "%s: expected a whole number from 0 to %llu, got \"%s\"", key,
		    (unsigned long long)max, s);
		return false;
	}
	*out = v;
	return true;
}

static bool get_int(struct px *x, const yaml_node_t *n, const char *key, int lo, int hi, int *out)
{
	const char *s = scalar(x, n, "a whole number");
	if (!s)
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi) {
		err(x, line_of(n), "%s: expected a whole number from %d to %d, got \"%s\"", key, lo,
		    hi, s);
		return false;
	}
	*out = (int)v;
	return true;
}

static bool get_double(struct px *x, const yaml_node_t *n, const char *key, double lo, double hi,
		       double *out)
{
	const char *s = scalar(x, n, "a number");
	if (!s)
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < lo || v > hi) {
		err(x, line_of(n), "%s: expected a number from %g to %g, got \"%s\"", key, lo, hi, s);
		return false;
	}
	*out = v;
	return true;
}

static bool get_str(struct px *x, const yaml_node_t *n, const char *key, char *buf, size_t size)
{
	const char *s = scalar(x, n, "a string");
	if (!s)
		return false;
	if (!*s || strlen(s) >= size) {
		err(x, line_of(n), "%s: expected a non-empty string of at most %zu characters", key,
		    size - 1);
		return false;
	}
	memcpy(buf, s, strlen(s) + 1);
	return true;
}

static bool get_bool(struct px *x, const yaml_node_t *n, const char *key, bool *out)
{
	const char *s = scalar(x, n, "true or false");
	if (!s)
		return false;
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) {
		*out = false;
		return true;
	}
	err(x, line_of(n), "%s: expected true or false, got \"%s\"", key, s);
	return false;
}

/* One of names[]; its index, or -1 with an error. */
static int get_choice(struct px *x, const yaml_node_t *n, const char *key,
		      const char *const *names, size_t nr)
{
	const char *s = scalar(x, n, "a name");
	if (!s)
		return -1;
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	char list[256] = "";
	for (size_t i = 0; i < nr; i++) {
		size_t l = strlen(list);
		snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", names[i]);
	}
	err(x, line_of(n), "%s: expected one of %s, got \"%s\"", key, list, s);
	return -1;
}

/*
 * A size in pages: a whole number of pages, or a number with a unit of
 * bytes (K, M, G, T; KiB ...; kB): "262144", "1G", "512MiB", "65536kB".
 */
static bool get_pages(struct px *x, const yaml_node_t *n, const char *key, uint64_t *out)
{
	const char *s = scalar(x, n, "a size");
	if (!s)
		return false;
	char *end;
	errno = 0;
	unsigned long long v = isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	uint64_t mult = 0;
	if (!isdigit((unsigned char)*s) || errno)
		goto bad;
	if (!*end) {
		*out = v;
		return true;
	}
	static const struct { const char *suffix; uint64_t mult; } units[] = {
		{ "K", 1ull << 10 }, { "KiB", 1ull << 10 }, { "kB", 1ull << 10 }, { "k", 1ull << 10 },
		{ "M", 1ull << 20 }, { "MiB", 1ull << 20 }, { "MB", 1ull << 20 },
		{ "G", 1ull << 30 }, { "GiB", 1ull << 30 }, { "GB", 1ull << 30 },
		{ "T", 1ull << 40 }, { "TiB", 1ull << 40 },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].suffix))
			mult = units[i].mult;
	if (!mult || v > (1ull << 50) / mult)
		goto bad;
	uint64_t bytes = v * mult;
	if (bytes % x->page_size) {
		err(x, line_of(n), "%s: %s is not a whole number of %u-byte pages", key, s,
		    x->page_size);
		return false;
	}
	*out = bytes / x->page_size;
	return true;
bad:
	err(x, line_of(n),
	    "%s: expected pages (262144) or a size with a unit (1G, 512M, 65536kB), got \"%s\"",
	    key, s);
	return false;
}

/* ---- mappings with known keys ---- */

#define MAX_KEYS 24
struct kv {
	const yaml_node_t *v[MAX_KEYS];         /* by key index; NULL when absent */
	const yaml_node_t *map;
};

/*
 * Read mapping n, whose keys must be among keys[] (a NULL-terminated list):
 * an unknown or repeated key is an error naming it, the line and the keys
 * that would do. what names the mapping for people ("an alloc action").
 */
static bool read_map(struct px *x, const yaml_node_t *n, const char *what,
		     const char *const *keys, struct kv *out)
{
	memset(out, 0, sizeof(*out));
	out->map = n;
	char want[64];
	snprintf(want, sizeof(want), "%s (a mapping)", what);
	if (!expect_type(x, n, YAML_MAPPING_NODE, want))
		return false;
	bool ok = true;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(x, p->key);
		const char *name = scalar(x, k, "a key");
		if (!name) {
			ok = false;
			continue;
		}
		int idx = -1;
		for (int i = 0; keys[i]; i++)
			if (!strcmp(keys[i], name))
				idx = i;
		if (idx < 0) {
			char list[512] = "";
			for (int i = 0; keys[i]; i++) {
				size_t l = strlen(list);
				snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", keys[i]);
			}
			err(x, line_of(k), "unknown key \"%s\" in %s; expected one of: %s", name,
			    what, list);
			ok = false;
			continue;
		}
		if (out->v[idx]) {
			err(x, line_of(k), "key \"%s\" given twice in %s (first on line %u)", name,
			    what, line_of(out->v[idx]));
			ok = false;
			continue;
		}
		out->v[idx] = node_at(x, p->value);
	}
	return ok;
}

static bool need(struct px *x, const struct kv *kv, int idx, const char *key, const char *what)
{
	if (kv->v[idx])
		return true;
	err(x, line_of(kv->map), "%s needs \"%s\"", what, key);
	return false;
}

static int mt_of(struct px *x, const yaml_node_t *n, const char *key)
{
	const char *s = scalar(x, n, "a migratetype");
	if (!s)
		return -1;
	int mt = fs_mt_from_name(s, strlen(s));
	if (mt < 0)
		err(x, line_of(n),
		    "%s: expected a migratetype (Unmovable, Movable, Reclaimable, HighAtomic, CMA, "
		    "Isolate), got \"%s\"", key, s);
	return mt;
}

static bool zone_name_ok(struct px *x, const yaml_node_t *n, const char *key, char *out)
{
	if (!get_str(x, n, key, out, FS_ZONE_NAME_MAX))
		return false;
	if (fs_zone_type_rank(out) < 0) {
		err(x, line_of(n), "%s: expected a zone name (DMA, DMA32, Normal, HighMem, Movable), "
		    "got \"%s\"", key, out);
		return false;
	}
	return true;
}

/* ---- the machine ---- */

static void parse_zone(struct px *x, const yaml_node_t *n, struct fs_engine_machine *m,
		       uint64_t *next_pfn)
{
	static const char *const keys[] = { "name", "node", "start_pfn", "pages", "size",
					    "managed", "cma", NULL };
	enum { K_NAME, K_NODE, K_START, K_PAGES, K_SIZE, K_MANAGED, K_CMA };
	struct kv kv;
	if (!read_map(x, n, "a zone", keys, &kv))
		return;
	if (m->nr_zones >= FS_ENGINE_MAX_ZONES) {
		err(x, line_of(n), "at most %d zones", FS_ENGINE_MAX_ZONES);
		return;
	}
	struct fs_engine_zone_spec *z = &m->zones[m->nr_zones++];
	memset(z, 0, sizeof(*z));
	if (need(x, &kv, K_NAME, "name", "a zone"))
		zone_name_ok(x, kv.v[K_NAME], "name", z->name);
	if (kv.v[K_NODE])
		get_int(x, kv.v[K_NODE], "node", 0, FS_MAX_NODES - 1, &z->node);
	if (kv.v[K_PAGES] && kv.v[K_SIZE])
		err(x, line_of(kv.v[K_SIZE]), "a zone takes \"pages\" or \"size\", not both");
	else if (kv.v[K_PAGES])
		get_pages(x, kv.v[K_PAGES], "pages", &z->spanned);
	else if (kv.v[K_SIZE])
		get_pages(x, kv.v[K_SIZE], "size", &z->spanned);
	else
		err(x, line_of(n), "a zone needs \"size\" (or \"pages\")");
	if (kv.v[K_MANAGED])
		get_pages(x, kv.v[K_MANAGED], "managed", &z->managed);
	if (kv.v[K_CMA])
		get_pages(x, kv.v[K_CMA], "cma", &z->cma_pages);
	/* Zones follow each other in memory unless told otherwise. */
	z->start_pfn = *next_pfn;
	if (kv.v[K_START])
		get_u64(x, kv.v[K_START], "start_pfn", 1ull << 52, &z->start_pfn);
	*next_pfn = z->start_pfn + z->spanned;
	if (z->managed > z->spanned)
		err(x, line_of(kv.v[K_MANAGED]), "managed (%llu pages) exceeds the zone's size "
		    "(%llu pages)", (unsigned long long)z->managed,
		    (unsigned long long)z->spanned);
	if (z->cma_pages > (z->managed ? z->managed : z->spanned))
		err(x, line_of(kv.v[K_CMA]), "cma (%llu pages) exceeds the zone's managed pages",
		    (unsigned long long)z->cma_pages);
}

static void parse_machine(struct px *x, const yaml_node_t *n, struct fs_engine_machine *m)
{
	static const char *const keys[] = { "kernel", "page_size", "orders", "pageblock_order",
					    "min_free_kbytes", "watermark_scale_factor",
					    "hostname", "zones", NULL };
	enum { K_KERNEL, K_PAGE_SIZE, K_ORDERS, K_PB, K_MFK, K_WSF, K_HOST, K_ZONES };
	struct kv kv;
	memset(m, 0, sizeof(*m));
	m->pageblock_order = -1;
	if (!read_map(x, n, "the machine", keys, &kv))
		return;
	if (kv.v[K_KERNEL])
		get_str(x, kv.v[K_KERNEL], "kernel", m->kernel_release, sizeof(m->kernel_release));
	if (kv.v[K_PAGE_SIZE]) {
		uint64_t ps;
		if (get_u64(x, kv.v[K_PAGE_SIZE], "page_size", 1u << 20, &ps)) {
			if (ps < 4096 || (ps & (ps - 1)))
				err(x, line_of(kv.v[K_PAGE_SIZE]), "page_size: expected a power "
				    "of two from 4096, got %llu", (unsigned long long)ps);
			else
				m->page_size = (unsigned)ps;
		}
	}
	x->page_size = m->page_size ? m->page_size : 4096;
	if (kv.v[K_ORDERS])
		get_int(x, kv.v[K_ORDERS], "orders", 1, FS_MAX_ORDERS, &m->nr_orders);
	if (kv.v[K_PB])
		get_int(x, kv.v[K_PB], "pageblock_order", 1, FS_MAX_ORDERS - 1, &m->pageblock_order);
	if (kv.v[K_MFK])
		get_u64(x, kv.v[K_MFK], "min_free_kbytes", 1ull << 32, &m->min_free_kbytes);
	if (kv.v[K_WSF]) {
		int wsf;
		if (get_int(x, kv.v[K_WSF], "watermark_scale_factor", 1, 3000, &wsf))
			m->watermark_scale_factor = (unsigned)wsf;
	}
	if (kv.v[K_HOST])
		get_str(x, kv.v[K_HOST], "hostname", m->hostname, sizeof(m->hostname));
	if (!need(x, &kv, K_ZONES, "zones", "the machine"))
		return;
	const yaml_node_t *zs = kv.v[K_ZONES];
	if (!expect_type(x, zs, YAML_SEQUENCE_NODE, "a list of zones"))
		return;
	uint64_t next_pfn = 0;
	for (yaml_node_item_t *it = zs->data.sequence.items.start; it < zs->data.sequence.items.top;
	     it++)
		parse_zone(x, node_at(x, *it), m, &next_pfn);
	if (m->nr_zones == 0)
		err(x, line_of(zs), "the machine needs at least one zone");
}

/* ---- actions ---- */

static void parse_zone_ref(struct px *x, const struct kv *kv, int k_zone, int k_node,
			   struct wl_zone_ref *z)
{
	memset(z, 0, sizeof(*z));
	if (kv->v[k_zone]) {
		const char *s = scalar(x, kv->v[k_zone], NULL);
		if (!s || strcmp(s, "all") != 0)
			zone_name_ok(x, kv->v[k_zone], "zone", z->name);
	}
	if (k_node >= 0 && kv->v[k_node])
		get_int(x, kv->v[k_node], "node", 0, FS_MAX_NODES - 1, &z->node);
}

static void parse_timing(struct px *x, const struct kv *kv, int k_at, int k_repeat,
			 struct wl_action *a, double duration)
{
	if (kv->v[k_at])
		get_double(x, kv->v[k_at], "at", 0, WL_MAX_SECONDS, &a->at);
	if (kv->v[k_repeat])
		get_double(x, kv->v[k_repeat], "repeat", 0.001, WL_MAX_SECONDS, &a->repeat);
	if ((kv->v[k_at] && a->at > 0) || kv->v[k_repeat]) {
		if (duration <= 0)
			err(x, line_of(kv->v[k_at] ? kv->v[k_at] : kv->v[k_repeat]),
			    "\"at\" and \"repeat\" need a phase with a duration");
		else if (a->at >= duration)
			err(x, line_of(kv->v[k_at]), "at: %g is not inside the phase (duration %g)",
			    a->at, duration);
	}
}

static void parse_alloc(struct px *x, const yaml_node_t *n, struct wl_action *a,
			const struct wl_phase *ph, size_t index)
{
	static const char *const keys[] = { "alloc", "order", "count", "rate", "kind",
					    "lifetime", "group", "node", NULL };
	enum { K_ALLOC, K_ORDER, K_COUNT, K_RATE, K_KIND, K_LIFE, K_GROUP, K_NODE };
	struct kv kv;
	a->kind = WL_ALLOC;
	a->page_kind = -1;
	a->lifetime = -1;
	a->node = -1;
	snprintf(a->group, sizeof(a->group), "%.40s.%zu", ph->name, index + 1);
	if (!read_map(x, n, "an alloc action", keys, &kv))
		return;
	if (get_str(x, kv.v[K_ALLOC], "alloc", a->gfp_text, sizeof(a->gfp_text)))
		a->gfp_line = line_of(kv.v[K_ALLOC]);
	if (kv.v[K_ORDER])
		get_int(x, kv.v[K_ORDER], "order", 0, FS_MAX_ORDERS - 1, &a->order);
	if (kv.v[K_COUNT])
		a->has_count = get_u64(x, kv.v[K_COUNT], "count", WL_MAX_COUNT, &a->count);
	if (kv.v[K_RATE])
		a->has_rate = get_double(x, kv.v[K_RATE], "rate", 0.001, 1e9, &a->rate);
	if (!kv.v[K_COUNT] && !kv.v[K_RATE])
		a->has_count = true, a->count = 1;
	if (kv.v[K_RATE] && ph->duration <= 0)
		err(x, line_of(kv.v[K_RATE]), "rate: needs a phase with a duration "
		    "(this phase is instant); give count instead");
	if (a->has_rate && ph->duration > 0 && !a->has_count &&
	    a->rate * ph->duration > (double)WL_MAX_COUNT)
		err(x, line_of(kv.v[K_RATE]), "rate: %g per second for %g s is more than %llu "
		    "allocations", a->rate, ph->duration, WL_MAX_COUNT);
	if (kv.v[K_KIND]) {
		static const char *const kinds[] = { "kernel", "anon", "file", "slab" };
		int k = get_choice(x, kv.v[K_KIND], "kind", kinds, 4);
		if (k >= 0)
			a->page_kind = fs_page_kind_from_name(kinds[k]);
	}
	if (kv.v[K_LIFE]) {
		const char *s = scalar(x, kv.v[K_LIFE], NULL);
		if (!s || strcmp(s, "keep") != 0)
			get_double(x, kv.v[K_LIFE], "lifetime (seconds or keep)", 0, WL_MAX_SECONDS,
				   &a->lifetime);
	}
	if (kv.v[K_GROUP])
		get_str(x, kv.v[K_GROUP], "group", a->group, sizeof(a->group));
	if (kv.v[K_NODE])
		get_int(x, kv.v[K_NODE], "node", 0, FS_MAX_NODES - 1, &a->node);
}

static void parse_free(struct px *x, const yaml_node_t *n, struct wl_action *a, double duration)
{
	static const char *const keys[] = { "free", "random", "fraction", "oldest", "newest",
					    "nth", "offset", "at", "repeat", NULL };
	enum { K_FREE, K_RANDOM, K_FRACTION, K_OLDEST, K_NEWEST, K_NTH, K_OFFSET, K_AT, K_REPEAT };
	struct kv kv;
	a->kind = WL_FREE;
	if (!read_map(x, n, "a free action", keys, &kv))
		return;
	const char *g = scalar(x, kv.v[K_FREE], "a group name, or all");
	if (g && strcmp(g, "all") != 0)
		get_str(x, kv.v[K_FREE], "free", a->group, sizeof(a->group));
	int patterns = 0;
	a->pattern = WL_FREE_ALL;
	if (kv.v[K_RANDOM]) {
		patterns++;
		a->pattern = WL_FREE_RANDOM;
		get_u64(x, kv.v[K_RANDOM], "random", WL_MAX_COUNT, &a->n);
	}
	if (kv.v[K_FRACTION]) {
		patterns++;
		a->pattern = WL_FREE_RANDOM;
		a->has_fraction = true;
		get_double(x, kv.v[K_FRACTION], "fraction", 0, 1, &a->fraction);
	}
	if (kv.v[K_OLDEST]) {
		patterns++;
		a->pattern = WL_FREE_OLDEST;
		get_u64(x, kv.v[K_OLDEST], "oldest", WL_MAX_COUNT, &a->n);
	}
	if (kv.v[K_NEWEST]) {
		patterns++;
		a->pattern = WL_FREE_NEWEST;
		get_u64(x, kv.v[K_NEWEST], "newest", WL_MAX_COUNT, &a->n);
	}
	if (kv.v[K_NTH]) {
		patterns++;
		a->pattern = WL_FREE_NTH;
		if (get_u64(x, kv.v[K_NTH], "nth", WL_MAX_COUNT, &a->n) && a->n == 0)
			err(x, line_of(kv.v[K_NTH]), "nth: expected 1 or more, got 0");
	}
	if (patterns > 1)
		err(x, line_of(n), "a free action takes one of random, fraction, oldest, newest, "
		    "nth; got %d", patterns);
	if (kv.v[K_OFFSET]) {
		if (a->pattern != WL_FREE_NTH)
			err(x, line_of(kv.v[K_OFFSET]), "offset goes with nth");
		else
			get_u64(x, kv.v[K_OFFSET], "offset", WL_MAX_COUNT, &a->offset);
	}
	parse_timing(x, &kv, K_AT, K_REPEAT, a, duration);
}

static void parse_kswapd(struct px *x, const yaml_node_t *n, struct wl_action *a, double duration)
{
	static const char *const keys[] = { "kswapd", "order", "at", "repeat", NULL };
	enum { K_KSWAPD, K_ORDER, K_AT, K_REPEAT };
	struct kv kv;
	a->kind = WL_KSWAPD;
	a->node = -1;
	if (!read_map(x, n, "a kswapd action", keys, &kv))
		return;
	/* kswapd: NODE, or all */
	const char *s = scalar(x, kv.v[K_KSWAPD], "a node number, or all");
	if (s && strcmp(s, "all") != 0)
		get_int(x, kv.v[K_KSWAPD], "kswapd (a node number, or all)", 0, FS_MAX_NODES - 1,
			&a->node);
	if (kv.v[K_ORDER])
		get_int(x, kv.v[K_ORDER], "order", 0, FS_MAX_ORDERS - 1, &a->order);
	parse_timing(x, &kv, K_AT, K_REPEAT, a, duration);
}

static void parse_reclaim(struct px *x, const yaml_node_t *n, struct wl_action *a,
			  double duration)
{
	static const char *const keys[] = { "reclaim", "zone", "node", "at", "repeat", NULL };
	enum { K_RECLAIM, K_ZONE, K_NODE, K_AT, K_REPEAT };
	struct kv kv;
	a->kind = WL_RECLAIM;
	if (!read_map(x, n, "a reclaim action", keys, &kv))
		return;
	get_u64(x, kv.v[K_RECLAIM], "reclaim (pages)", 1ull << 40, &a->pages);
	parse_zone_ref(x, &kv, K_ZONE, K_NODE, &a->zone);
	parse_timing(x, &kv, K_AT, K_REPEAT, a, duration);
}

static void parse_drain(struct px *x, const yaml_node_t *n, struct wl_action *a, double duration)
{
	static const char *const keys[] = { "drain", "at", "repeat", NULL };
	enum { K_DRAIN, K_AT, K_REPEAT };
	struct kv kv;
	a->kind = WL_DRAIN;
	if (!read_map(x, n, "a drain action", keys, &kv))
		return;
	bool yes = true;
	if (get_bool(x, kv.v[K_DRAIN], "drain", &yes) && !yes)
		err(x, line_of(kv.v[K_DRAIN]), "drain: false is not an action; leave it out");
	parse_timing(x, &kv, K_AT, K_REPEAT, a, duration);
}

static void parse_compact(struct px *x, const yaml_node_t *n, struct wl_action *a,
			  double duration)
{
	static const char *const keys[] = { "compact", "node", "order", "gfp", "mode", "at",
					    "repeat", NULL };
	enum { K_COMPACT, K_NODE, K_ORDER, K_GFP, K_MODE, K_AT, K_REPEAT };
	struct kv kv;
	a->kind = WL_COMPACT;
	a->sync = true;
	if (!read_map(x, n, "a compact action", keys, &kv))
		return;
	parse_zone_ref(x, &kv, K_COMPACT, K_NODE, &a->zone);
	if (kv.v[K_ORDER])
		get_int(x, kv.v[K_ORDER], "order", 0, FS_MAX_ORDERS - 1, &a->order);
	if (kv.v[K_GFP] && get_str(x, kv.v[K_GFP], "gfp", a->gfp_text, sizeof(a->gfp_text)))
		a->gfp_line = line_of(kv.v[K_GFP]);
	if (kv.v[K_MODE]) {
		static const char *const modes[] = { "sync", "async" };
		a->sync = get_choice(x, kv.v[K_MODE], "mode", modes, 2) != 1;
	}
	parse_timing(x, &kv, K_AT, K_REPEAT, a, duration);
}

static char *resolve_path(const char *dir, const char *p)
{
	if (p[0] == '/' || !dir || !*dir)
		return fs_xstrdup(p);
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "%s/%s", dir, p);
	return fs_buf_take(&b);
}

static void parse_trace(struct px *x, const yaml_node_t *n, struct wl_action *a, const char *dir)
{
	static const char *const keys[] = { "trace", NULL };
	struct kv kv;
	a->kind = WL_TRACE;
	if (!read_map(x, n, "a trace action", keys, &kv))
		return;
	char path[4096];
	if (get_str(x, kv.v[0], "trace (a file)", path, sizeof(path)))
		a->path = resolve_path(dir, path);
}

static const char *const action_words[] = { "alloc", "free", "kswapd", "reclaim", "drain",
					    "compact", "trace" };
#define NR_ACTION_WORDS (sizeof(action_words) / sizeof(action_words[0]))

/* The action key of mapping n (the first key that names an action). */
static int action_word(struct px *x, const yaml_node_t *n)
{
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = scalar(x, node_at(x, p->key), NULL);
		for (size_t i = 0; k && i < NR_ACTION_WORDS; i++)
			if (!strcmp(k, action_words[i]))
				return (int)i;
	}
	return -1;
}

static void parse_action(struct px *x, const yaml_node_t *n, struct wl_phase *ph, size_t index,
			 const char *dir)
{
	struct wl_action *a = &ph->actions[ph->nr_actions++];
	memset(a, 0, sizeof(*a));
	a->line = line_of(n);
	a->node = -1;
	/* "- drain", "- kswapd", "- compact": the action with its defaults. */
	if (n && n->type == YAML_SCALAR_NODE) {
		const char *s = scalar(x, n, NULL);
		if (!strcmp(s, "drain")) {
			a->kind = WL_DRAIN;
		} else if (!strcmp(s, "kswapd")) {
			a->kind = WL_KSWAPD;
		} else if (!strcmp(s, "compact")) {
			a->kind = WL_COMPACT;
			a->sync = true;
		} else {
			err(x, line_of(n), "expected an action (a mapping with one of alloc, free, "
			    "kswapd, reclaim, drain, compact, trace; or the word drain, kswapd or "
			    "compact), got \"%s\"", s);
		}
		return;
	}
	if (!expect_type(x, n, YAML_MAPPING_NODE, "an action (alloc, free, kswapd, reclaim, "
			 "drain, compact, trace)"))
		return;
	int w = action_word(x, n);
	switch (w) {
	case 0: parse_alloc(x, n, a, ph, index); break;
	case 1: parse_free(x, n, a, ph->duration); break;
	case 2: parse_kswapd(x, n, a, ph->duration); break;
	case 3: parse_reclaim(x, n, a, ph->duration); break;
	case 4: parse_drain(x, n, a, ph->duration); break;
	case 5: parse_compact(x, n, a, ph->duration); break;
	case 6: parse_trace(x, n, a, dir); break;
	default:
		err(x, line_of(n), "expected an action: a mapping with one of the keys alloc, "
		    "free, kswapd, reclaim, drain, compact, trace");
	}
}

/* ---- checks ---- */

static const char *const expect_names[] = { "succeeds", "fails", "fast", "slow", "depends" };

const char *wl_expect_name(enum wl_expect e)
{
	return expect_names[e];
}

static void parse_cmps(struct px *x, const struct kv *kv, int k_first, struct wl_check *c,
		       bool wmarks)
{
	static const enum wl_cmp_op ops[] = { WL_CMP_EQ, WL_CMP_GE, WL_CMP_LE, WL_CMP_GT,
					      WL_CMP_LT };
	static const char *const names[] = { "equals", "at_least", "at_most", "above", "below" };
	for (int i = 0; i < 5; i++) {
		const yaml_node_t *v = kv->v[k_first + i];
		if (!v)
			continue;
		struct wl_cmp *m = &c->cmps[c->nr_cmps++];
		m->op = ops[i];
		m->wmark = -1;
		const char *s = scalar(x, v, "a number");
		if (!s)
			continue;
		if (wmarks && (!strcmp(s, "min") || !strcmp(s, "low") || !strcmp(s, "high"))) {
			m->wmark = s[0] == 'm' ? FS_WMARK_MIN : s[0] == 'l' ? FS_WMARK_LOW
									    : FS_WMARK_HIGH;
			continue;
		}
		char *end;
		errno = 0;
		long long val = strtoll(s, &end, 10);
		if (end == s || *end || errno)
			err(x, line_of(v), "%s: expected a whole number%s, got \"%s\"", names[i],
			    wmarks ? " or a watermark (min, low, high)" : "", s);
		m->value = val;
	}
	if (c->nr_cmps == 0)
		err(x, line_of(kv->map), "a check needs a comparison: equals, at_least, at_most, "
		    "above or below");
}

static void parse_check(struct px *x, const yaml_node_t *n, struct wl_phase *ph)
{
	/* One key list for every kind of check; which keys a kind takes is
	 * checked below. The comparisons stay last (parse_cmps). */
	static const char *const keys[] = {
		"name", "alloc", "order", "expect", "by",
		"pageblocks", "free_pages", "free_blocks", "free_list_pages", "stat",
		"failures", "allocated", "live", "zone", "node", "scope",
		"equals", "at_least", "at_most", "above", "below", NULL };
	enum { K_NAME, K_ALLOC, K_ORDER, K_EXPECT, K_BY,
	       K_PAGEBLOCKS, K_FREE_PAGES, K_FREE_BLOCKS, K_FREE_LIST_PAGES, K_STAT,
	       K_FAILURES, K_ALLOCATED, K_LIVE, K_ZONE, K_NODE, K_SCOPE, K_EQUALS };
	struct wl_check *c = &ph->checks[ph->nr_checks++];
	memset(c, 0, sizeof(*c));
	c->line = line_of(n);
	c->mt = -1;
	struct kv kv;
	if (!read_map(x, n, "a check", keys, &kv))
		return;
	if (kv.v[K_NAME])
		get_str(x, kv.v[K_NAME], "name", c->name, sizeof(c->name));

	int kinds = 0;
	for (int k = K_ALLOC; k <= K_LIVE; k++)
		if (k == K_ALLOC || k >= K_PAGEBLOCKS)
			kinds += kv.v[k] != NULL;
	if (kinds != 1) {
		err(x, line_of(n), "a check names one thing to check: alloc, pageblocks, "
		    "free_pages, free_blocks, free_list_pages, stat, failures, allocated or live; "
		    "got %d", kinds);
		return;
	}
	bool takes_zone = false, takes_order = false, takes_scope = false;
	if (kv.v[K_ALLOC]) {
		c->kind = WL_CHECK_REQUEST;
		takes_order = true;
		if (get_str(x, kv.v[K_ALLOC], "alloc", c->gfp_text, sizeof(c->gfp_text)))
			c->gfp_line = line_of(kv.v[K_ALLOC]);
		if (need(x, &kv, K_EXPECT, "expect", "an alloc check")) {
			int e = get_choice(x, kv.v[K_EXPECT], "expect", expect_names, 5);
			c->expect = e < 0 ? WL_EXPECT_SUCCEEDS : (enum wl_expect)e;
		}
		if (kv.v[K_BY]) {
			static const char *const bys[] = { "both", "verdict", "trial" };
			int b = get_choice(x, kv.v[K_BY], "by", bys, 3);
			c->by = b < 0 ? WL_BY_BOTH : (enum wl_by)b;
		}
		for (int k = K_EQUALS; k < K_EQUALS + 5; k++)
			if (kv.v[k])
				err(x, line_of(kv.v[k]), "an alloc check takes expect, not %s",
				    keys[k]);
		if (kv.v[K_NODE])
			get_int(x, kv.v[K_NODE], "node", 0, FS_MAX_NODES - 1, &c->zone.node);
		if (kv.v[K_ZONE] || kv.v[K_SCOPE])
			err(x, line_of(kv.v[K_ZONE] ? kv.v[K_ZONE] : kv.v[K_SCOPE]),
			    "an alloc check takes alloc, order, expect, by, node");
	} else {
		if (kv.v[K_EXPECT] || kv.v[K_BY])
			err(x, line_of(kv.v[K_EXPECT] ? kv.v[K_EXPECT] : kv.v[K_BY]),
			    "expect and by go with an alloc check");
		bool wmarks = false;
		if (kv.v[K_PAGEBLOCKS]) {
			c->kind = WL_CHECK_PAGEBLOCKS;
			c->mt = mt_of(x, kv.v[K_PAGEBLOCKS], "pageblocks");
			takes_zone = true;
		} else if (kv.v[K_FREE_PAGES]) {
			c->kind = WL_CHECK_FREE_PAGES;
			zone_name_ok(x, kv.v[K_FREE_PAGES], "free_pages (a zone)", c->zone.name);
			wmarks = true;
			if (kv.v[K_ZONE])
				err(x, line_of(kv.v[K_ZONE]), "free_pages names its zone itself");
			if (kv.v[K_NODE])
				get_int(x, kv.v[K_NODE], "node", 0, FS_MAX_NODES - 1, &c->zone.node);
		} else if (kv.v[K_FREE_BLOCKS]) {
			c->kind = WL_CHECK_FREE_BLOCKS;
			c->mt = mt_of(x, kv.v[K_FREE_BLOCKS], "free_blocks");
			takes_zone = takes_order = true;
		} else if (kv.v[K_FREE_LIST_PAGES]) {
			c->kind = WL_CHECK_FREE_LIST_PAGES;
			c->mt = mt_of(x, kv.v[K_FREE_LIST_PAGES], "free_list_pages");
			takes_zone = true;
		} else if (kv.v[K_STAT]) {
			c->kind = WL_CHECK_STAT;
			takes_scope = true;
			const char *s = scalar(x, kv.v[K_STAT], "a counter name");
			c->stat = s ? wl_stat_from_name(s) : 0;
			if (s && c->stat < 0) {
				char list[600] = "";
				for (size_t i = 0; i < wl_nr_stat_names; i++) {
					size_t l = strlen(list);
					snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "",
						 wl_stat_names[i].name);
				}
				err(x, line_of(kv.v[K_STAT]), "stat: expected one of %s, got \"%s\"",
				    list, s);
			}
		} else {
			c->kind = kv.v[K_FAILURES] ? WL_CHECK_FAILURES
				  : kv.v[K_ALLOCATED] ? WL_CHECK_ALLOCATED : WL_CHECK_LIVE;
			const yaml_node_t *g = kv.v[K_FAILURES] ? kv.v[K_FAILURES]
					       : kv.v[K_ALLOCATED] ? kv.v[K_ALLOCATED] : kv.v[K_LIVE];
			get_str(x, g, "group", c->group, sizeof(c->group));
			takes_scope = c->kind != WL_CHECK_LIVE;
		}
		if (takes_zone) {
			parse_zone_ref(x, &kv, K_ZONE, K_NODE, &c->zone);
		} else if (kv.v[K_ZONE]) {
			err(x, line_of(kv.v[K_ZONE]), "this check takes no zone");
		}
		if (kv.v[K_ORDER] && !takes_order)
			err(x, line_of(kv.v[K_ORDER]), "this check takes no order");
		if (kv.v[K_SCOPE]) {
			static const char *const scopes[] = { "phase", "run" };
			if (!takes_scope)
				err(x, line_of(kv.v[K_SCOPE]), "scope goes with stat, failures, "
				    "allocated");
			else
				c->scope_run = get_choice(x, kv.v[K_SCOPE], "scope", scopes, 2) == 1;
		}
		parse_cmps(x, &kv, K_EQUALS, c, wmarks);
	}
	if (kv.v[K_ORDER] && takes_order)
		get_int(x, kv.v[K_ORDER], "order", 0, FS_MAX_ORDERS - 1, &c->order);
}

/* ---- phases and the document ---- */

static void parse_list(struct px *x, const yaml_node_t *n, const char *what,
		       const yaml_node_t **items, size_t *nr)
{
	*nr = 0;
	char want[64];
	snprintf(want, sizeof(want), "a list of %s", what);
	if (!expect_type(x, n, YAML_SEQUENCE_NODE, want))
		return;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		if (*nr >= WL_MAX_ITEMS) {
			err(x, line_of(n), "at most %d %s in a phase", WL_MAX_ITEMS, what);
			return;
		}
		items[(*nr)++] = node_at(x, *it);
	}
}

static void parse_phase(struct px *x, const yaml_node_t *n, struct wl_phase *ph, size_t index,
			const char *dir)
{
	static const char *const keys[] = { "name", "duration", "actions", "checks", NULL };
	enum { K_NAME, K_DURATION, K_ACTIONS, K_CHECKS };
	struct kv kv;
	ph->line = line_of(n);
	snprintf(ph->name, sizeof(ph->name), "phase %zu", index + 1);
	if (!read_map(x, n, "a phase", keys, &kv))
		return;
	if (kv.v[K_NAME])
		get_str(x, kv.v[K_NAME], "name", ph->name, sizeof(ph->name));
	if (kv.v[K_DURATION])
		get_double(x, kv.v[K_DURATION], "duration (seconds)", 0, WL_MAX_SECONDS,
			   &ph->duration);
	static const yaml_node_t *items[WL_MAX_ITEMS];
	size_t nr;
	if (kv.v[K_ACTIONS]) {
		parse_list(x, kv.v[K_ACTIONS], "actions", items, &nr);
		ph->actions = fs_xcalloc(nr ? nr : 1, sizeof(*ph->actions));
		for (size_t i = 0; i < nr; i++)
			parse_action(x, items[i], ph, i, dir);
	}
	if (kv.v[K_CHECKS]) {
		parse_list(x, kv.v[K_CHECKS], "checks", items, &nr);
		ph->checks = fs_xcalloc(nr ? nr : 1, sizeof(*ph->checks));
		for (size_t i = 0; i < nr; i++)
			parse_check(x, items[i], ph);
	}
	if (!kv.v[K_ACTIONS] && !kv.v[K_CHECKS] && !kv.v[K_DURATION])
		err(x, line_of(n), "a phase needs actions, checks or a duration");
}

/* The page size of the machine mapping, read before its zones' sizes. */
static unsigned peek_page_size(struct px *x, const yaml_node_t *machine)
{
	if (!machine || machine->type != YAML_MAPPING_NODE)
		return 4096;
	for (yaml_node_pair_t *p = machine->data.mapping.pairs.start;
	     p < machine->data.mapping.pairs.top; p++) {
		const char *k = scalar(x, node_at(x, p->key), NULL);
		const char *v = scalar(x, node_at(x, p->value), NULL);
		uint64_t ps;
		if (k && v && !strcmp(k, "page_size") && parse_u64_text(v, &ps) && ps >= 4096 &&
		    ps <= (1u << 20) && !(ps & (ps - 1)))
			return (unsigned)ps;
	}
	return 4096;
}

static void parse_root(struct px *x, const yaml_node_t *root, struct fs_workload *w)
{
	static const char *const keys[] = { "name", "description", "kernel", "seed", "tick",
					    "machine", "snapshot", "phases", NULL };
	enum { K_NAME, K_DESC, K_KERNEL, K_SEED, K_TICK, K_MACHINE, K_SNAPSHOT, K_PHASES };
	struct kv kv;
	if (!read_map(x, root, "a workload", keys, &kv))
		return;
	char buf[4096];
	if (kv.v[K_NAME] && get_str(x, kv.v[K_NAME], "name", buf, 128)) {
		free(w->name);
		w->name = fs_xstrdup(buf);
	}
	if (kv.v[K_DESC]) {
		const char *s = scalar(x, kv.v[K_DESC], "a text");
		if (s)
			w->description = fs_xstrdup(s);
	}
	if (kv.v[K_KERNEL])
		get_str(x, kv.v[K_KERNEL], "kernel", w->kernel, sizeof(w->kernel));
	if (kv.v[K_SEED])
		get_u64(x, kv.v[K_SEED], "seed", UINT64_MAX, &w->seed);
	if (kv.v[K_TICK])
		get_double(x, kv.v[K_TICK], "tick (seconds)", 0.001, 3600, &w->tick);
	if (kv.v[K_MACHINE] && kv.v[K_SNAPSHOT]) {
		err(x, line_of(kv.v[K_SNAPSHOT]), "a workload has a machine or a snapshot, not both");
	} else if (kv.v[K_MACHINE]) {
		x->page_size = peek_page_size(x, kv.v[K_MACHINE]);
		w->has_machine = true;
		parse_machine(x, kv.v[K_MACHINE], &w->machine);
		/* kernel: at the top is the machine's kernel when it has none. */
		if (!w->machine.kernel_release[0] && w->kernel[0])
			fs_copy_str(w->machine.kernel_release, sizeof(w->machine.kernel_release),
				    w->kernel);
	} else if (kv.v[K_SNAPSHOT]) {
		if (get_str(x, kv.v[K_SNAPSHOT], "snapshot (a file)", buf, sizeof(buf)))
			w->snapshot_path = resolve_path(w->dir, buf);
	} else {
		err(x, line_of(root), "a workload needs \"machine\" or \"snapshot\"");
	}
	if (!need(x, &kv, K_PHASES, "phases", "a workload"))
		return;
	const yaml_node_t *ps = kv.v[K_PHASES];
	if (!expect_type(x, ps, YAML_SEQUENCE_NODE, "a list of phases"))
		return;
	size_t nr = (size_t)(ps->data.sequence.items.top - ps->data.sequence.items.start);
	if (nr == 0 || nr > WL_MAX_PHASES) {
		err(x, line_of(ps), "expected 1 to %d phases, got %zu", WL_MAX_PHASES, nr);
		return;
	}
	w->phases = fs_xcalloc(nr, sizeof(*w->phases));
	for (size_t i = 0; i < nr; i++) {
		parse_phase(x, node_at(x, ps->data.sequence.items.start[i]), &w->phases[i], i,
			    w->dir);
		w->nr_phases = i + 1;
		if (w->phases[i].duration / w->tick > WL_MAX_TICKS)
			err(x, w->phases[i].line, "phase \"%s\": %g s at a tick of %g s is more "
			    "than %.0f ticks", w->phases[i].name, w->phases[i].duration, w->tick,
			    WL_MAX_TICKS);
	}
}

/* ---- entry points ---- */

static char *dir_of(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	if (!slash)
		return fs_xstrdup("");
	if (slash == path)
		return fs_xstrdup("/");
	return fs_xstrndup(path, (size_t)(slash - path));
}

static char *stem_of(const char *path)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : (path ? path : "");
	size_t len = strlen(base);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
		len = (size_t)(dot - base);
	return len ? fs_xstrndup(base, len) : fs_xstrdup("workload");
}

struct fs_workload *fs_workload_parse(const char *text, size_t len, const char *source,
				      struct fs_diags *diags)
{
	struct px x = { .src = source && *source ? source : "workload", .diags = diags,
			.page_size = 4096 };
	struct fs_workload *w = fs_xcalloc(1, sizeof(*w));
	w->source = fs_xstrdup(x.src);
	w->dir = dir_of(source);
	w->name = stem_of(source);
	w->seed = 1;
	w->tick = 1;

	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &x.doc)) {
		unsigned line = (unsigned)parser.problem_mark.line + 1;
		if (parser.context)
			err(&x, line, "not valid YAML: %s %s", parser.problem, parser.context);
		else
			err(&x, line, "not valid YAML: %s", parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		fs_workload_free(w);
		return NULL;
	}
	yaml_node_t *root = yaml_document_get_root_node(&x.doc);
	if (!root)
		err(&x, 1, "empty file; expected a workload (a mapping with machine or snapshot, "
		    "and phases)");
	else
		parse_root(&x, root, w);
	yaml_document_delete(&x.doc);
	yaml_parser_delete(&parser);
	if (x.errors) {
		fs_workload_free(w);
		return NULL;
	}
	return w;
}

struct fs_workload *fs_workload_load(const char *path, struct fs_diags *diags)
{
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(path, WL_MAX_FILE_BYTES + 1, &text, &len);
	if (rc == 0 && len > WL_MAX_FILE_BYTES)
		rc = -EFBIG;
	if (rc < 0) {
		if (rc == -EFBIG)
			fs_diags_add(diags, FS_SEV_ERROR, path, 0,
				     "larger than %zu bytes; a workload file is small", WL_MAX_FILE_BYTES);
		else
			fs_diags_add(diags, FS_SEV_ERROR, path, 0, "cannot read: %s", strerror(-rc));
		free(text);
		return NULL;
	}
	struct fs_workload *w = fs_workload_parse(text, len, path, diags);
	free(text);
	return w;
}

void fs_workload_free(struct fs_workload *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nr_phases; i++) {
		for (size_t j = 0; j < w->phases[i].nr_actions; j++)
			free(w->phases[i].actions[j].path);
		free(w->phases[i].actions);
		free(w->phases[i].checks);
	}
	free(w->phases);
	free(w->source);
	free(w->dir);
	free(w->name);
	free(w->description);
	free(w->snapshot_path);
	free(w);
}

/* ---- accessors ---- */

const char *fs_workload_name(const struct fs_workload *w) { return w->name; }
const char *fs_workload_description(const struct fs_workload *w)
{
	return w->description ? w->description : "";
}
const char *fs_workload_source(const struct fs_workload *w) { return w->source; }
const struct fs_engine_machine *fs_workload_machine(const struct fs_workload *w)
{
	return w->has_machine ? &w->machine : NULL;
}
const char *fs_workload_snapshot_path(const struct fs_workload *w) { return w->snapshot_path; }
const char *fs_workload_kernel(const struct fs_workload *w) { return w->kernel; }
uint64_t fs_workload_seed(const struct fs_workload *w) { return w->seed; }
double fs_workload_tick(const struct fs_workload *w) { return w->tick; }
size_t fs_workload_nr_phases(const struct fs_workload *w) { return w->nr_phases; }
const char *fs_workload_phase_name(const struct fs_workload *w, size_t phase)
{
	return phase < w->nr_phases ? w->phases[phase].name : "";
}
double fs_workload_phase_duration(const struct fs_workload *w, size_t phase)
{
	return phase < w->nr_phases ? w->phases[phase].duration : 0;
}
size_t fs_workload_nr_checks(const struct fs_workload *w)
{
	size_t n = 0;
	for (size_t i = 0; i < w->nr_phases; i++)
		n += w->phases[i].nr_checks;
	return n;
}
