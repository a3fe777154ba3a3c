/*
 * json.c - snapshots, reports and diagnostics as json-c objects.
 *
 * The schema is docs/json-format.md. Rules: pages are pages (meta.page_size
 * bytes), never kB, except the meminfo object which keeps /proc/meminfo's
 * kB under "meminfo_kB". What is not known is left out rather than written
 * as 0, so that a script can tell "0" from "not printed".
 */
#include "fragscope/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *j_u64(uint64_t v)
{
	return v <= INT64_MAX ? json_object_new_int64((int64_t)v) : json_object_new_uint64(v);
}

/* Fixed decimals: "%.17g" of 1798.829657 would print 1798.8296570000001. */
static struct json_object *j_double(double v, int decimals)
{
	char s[64];
	snprintf(s, sizeof(s), "%.*f", decimals, v);
	return json_object_new_double_s(v, s);
}

static struct json_object *j_str(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static const char *time_base_name(enum fs_time_base b)
{
	switch (b) {
	case FS_TIME_EPOCH: return "epoch";
	case FS_TIME_BOOT: return "boot";
	case FS_TIME_UNKNOWN: break;
	}
	return "unknown";
}

static const char *count_kind_name(uint8_t kind)
{
	switch (kind) {
	case FS_COUNT_EXACT: return "exact";
	case FS_COUNT_CAPPED: return "at_least";
	case FS_COUNT_NONEMPTY: return "nonempty";
	case FS_COUNT_EMPTY_KNOWN: return "empty";
	default: return "unknown";
	}
}

static struct json_object *stats_to_json(const struct fs_stats *s)
{
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; i < s->count; i++)
		add(o, s->items[i].name, json_object_new_int64(s->items[i].value));
	return o;
}

/* {"counts": [..], "kinds": [..]}: a count is null when nothing is known,
 * otherwise its value (the lower bound for "at_least" and "nonempty"). */
static struct json_object *counts_to_json(const struct fs_count *c, int nr_orders)
{
	struct json_object *o = json_object_new_object();
	struct json_object *counts = json_object_new_array();
	struct json_object *kinds = json_object_new_array();
	for (int i = 0; i < nr_orders; i++) {
		json_object_array_add(counts, fs_count_known(c[i]) ? j_u64(c[i].value) : NULL);
		json_object_array_add(kinds, json_object_new_string(count_kind_name(c[i].kind)));
	}
	add(o, "counts", counts);
	add(o, "kinds", kinds);
	return o;
}

static struct json_object *meta_to_json(const struct fs_meta *m, int nr_orders)
{
	struct json_object *o = json_object_new_object();
	if (m->time_base != FS_TIME_UNKNOWN || m->time != 0)
		add(o, "time", j_double(m->time, 6));
	add(o, "time_base", j_str(time_base_name(m->time_base)));
	if (m->kernel_release[0])
		add(o, "kernel_release", j_str(m->kernel_release));
	if (m->page_size)
		add(o, "page_size", json_object_new_int64(m->page_size));
	if (m->pageblock_order >= 0)
		add(o, "pageblock_order", json_object_new_int(m->pageblock_order));
	add(o, "nr_orders", json_object_new_int(nr_orders));
	struct json_object *mts = json_object_new_array();
	for (int i = 0; i < m->nr_mt_order && i < FS_MT_COUNT; i++)
		json_object_array_add(mts, j_str(fs_mt_name((enum fs_mt)m->mt_order[i])));
	add(o, "migratetypes", mts);
	if (m->source[0])
		add(o, "source", j_str(m->source));
	if (m->hostname[0])
		add(o, "hostname", j_str(m->hostname));
	return o;
}

static void add_known_u64(struct json_object *o, const struct fs_zone *z, uint32_t bit,
			  const char *key, uint64_t v)
{
	if (z->known & bit)
		add(o, key, j_u64(v));
}

static struct json_object *zone_to_json(const struct fs_snapshot *s, const struct fs_zone *z,
					int nr_orders)
{
	struct json_object *o = json_object_new_object();
	add(o, "node", json_object_new_int(z->node));
	add(o, "name", j_str(z->name));
	add(o, "populated", json_object_new_boolean(z->populated));
	add_known_u64(o, z, FS_ZK_FREE_PAGES, "free_pages", z->free_pages);
	if (z->known & (FS_ZK_WMARK | FS_ZK_BOOST | FS_ZK_PROMO)) {
		struct json_object *w = json_object_new_object();
		if (z->known & FS_ZK_WMARK) {
			add(w, "min", j_u64(z->wmark_min));
			add(w, "low", j_u64(z->wmark_low));
			add(w, "high", j_u64(z->wmark_high));
		}
		add_known_u64(w, z, FS_ZK_BOOST, "boost", z->wmark_boost);
		add_known_u64(w, z, FS_ZK_PROMO, "promo", z->wmark_promo);
		add(o, "watermarks", w);
	}
	add_known_u64(o, z, FS_ZK_SPANNED, "spanned", z->spanned);
	add_known_u64(o, z, FS_ZK_PRESENT, "present", z->present);
	add_known_u64(o, z, FS_ZK_MANAGED, "managed", z->managed);
	add_known_u64(o, z, FS_ZK_CMA_PAGES, "cma_pages", z->cma_pages);
	add_known_u64(o, z, FS_ZK_FREE_CMA, "free_cma", z->free_cma);
	add_known_u64(o, z, FS_ZK_RESERVED_HIGHATOMIC, "reserved_highatomic",
		      z->reserved_highatomic);
	add_known_u64(o, z, FS_ZK_FREE_HIGHATOMIC, "free_highatomic", z->free_highatomic);
	add_known_u64(o, z, FS_ZK_FREE_PCP, "free_pcp", z->free_pcp);
	add_known_u64(o, z, FS_ZK_START_PFN, "start_pfn", z->start_pfn);
	add_known_u64(o, z, FS_ZK_AREA_TOTAL, "area_total_pages", z->area_total_pages);
	if (z->known & FS_ZK_PROTECTION) {
		struct json_object *p = json_object_new_array();
		for (int i = 0; i < z->nr_protection && i < FS_MAX_ZONE_TYPES; i++)
			json_object_array_add(p, j_u64(z->protection[i]));
		add(o, "protection", p);
	}
	if (z->known & FS_ZK_ORDER_BLOCKS)
		add(o, "order_totals", counts_to_json(z->order_blocks, nr_orders));
	if (z->known & FS_ZK_MT_BLOCKS) {
		struct json_object *rows = json_object_new_array();
		enum fs_mt mts[FS_MT_COUNT];
		int n = fs_zone_rows_in_order(s, z, mts);
		for (int i = 0; i < n; i++) {
			struct json_object *r = counts_to_json(z->mt_blocks[mts[i]], nr_orders);
			add(r, "migratetype", j_str(fs_mt_name(mts[i])));
			json_object_array_add(rows, r);
		}
		add(o, "free_blocks", rows);
	}
	if (z->known & FS_ZK_PAGEBLOCKS) {
		struct json_object *pb = json_object_new_object();
		for (int i = 0; i < s->meta.nr_mt_order && i < FS_MT_COUNT; i++) {
			unsigned mt = s->meta.mt_order[i];
			if (mt < FS_MT_COUNT)
				add(pb, fs_mt_name((enum fs_mt)mt), j_u64(z->pageblocks[mt]));
		}
		add(o, "pageblocks", pb);
	}
	add(o, "stats", stats_to_json(&z->stats));
	return o;
}

struct json_object *fs_diags_to_json(const struct fs_diags *d)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; d && i < d->count; i++) {
		const struct fs_diag *g = &d->items[i];
		struct json_object *o = json_object_new_object();
		add(o, "severity", j_str(fs_severity_name(g->severity)));
		add(o, "source", j_str(g->source));
		if (g->line)
			add(o, "line", json_object_new_int64(g->line));
		add(o, "message", j_str(g->message));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *fs_snapshot_to_json(const struct fs_snapshot *s)
{
	if (!s)
		return NULL;
	int nr_orders = fs_snapshot_nr_orders(s);
	if (nr_orders > FS_MAX_ORDERS)
		nr_orders = FS_MAX_ORDERS;
	struct json_object *o = json_object_new_object();
	add(o, "meta", meta_to_json(&s->meta, nr_orders));
	struct json_object *nodes = json_object_new_array();
	for (size_t i = 0; i < s->nr_nodes; i++) {
		struct json_object *n = json_object_new_object();
		add(n, "id", json_object_new_int(s->nodes[i].id));
		add(n, "stats", stats_to_json(&s->nodes[i].stats));
		json_object_array_add(nodes, n);
	}
	add(o, "nodes", nodes);
	struct json_object *zones = json_object_new_array();
	for (size_t i = 0; i < s->nr_zones; i++)
		json_object_array_add(zones, zone_to_json(s, &s->zones[i], nr_orders));
	add(o, "zones", zones);
	add(o, "vmstat", stats_to_json(&s->vmstat));
	add(o, "meminfo_kB", stats_to_json(&s->meminfo));
	add(o, "diagnostics", fs_diags_to_json(&s->diags));
	return o;
}

struct json_object *fs_report_to_json(const struct fs_report *r)
{
	struct json_object *o = json_object_new_object();
	add(o, "kind", j_str(r->kind == FS_REPORT_VMALLOC ? "vmalloc" : "page_alloc"));
	if (r->has_timestamp) {
		add(o, "timestamp", j_double(r->timestamp, 6));
		add(o, "time_base", j_str(time_base_name(r->time_base)));
	}
	if (r->wallclock[0])
		add(o, "wallclock", j_str(r->wallclock));
	if (r->comm[0])
		add(o, "comm", j_str(r->comm));
	if (r->pid >= 0)
		add(o, "pid", json_object_new_int(r->pid));
	if (r->cpu >= 0)
		add(o, "cpu", json_object_new_int(r->cpu));
	if (r->order >= 0)
		add(o, "order", json_object_new_int(r->order));
	if (r->has_mode) {
		char hex[32];
		snprintf(hex, sizeof(hex), "%#" PRIx64, r->mode);
		add(o, "mode", j_str(hex));
		add(o, "mode_value", j_u64(r->mode));
		add(o, "mode_names", j_str(r->mode_names));
	}
	if (r->nodemask[0])
		add(o, "nodemask", j_str(r->nodemask));
	if (r->cpuset[0])
		add(o, "cpuset", j_str(r->cpuset));
	if (r->mems_allowed[0])
		add(o, "mems_allowed", j_str(r->mems_allowed));
	if (r->kernel_release[0])
		add(o, "kernel_release", j_str(r->kernel_release));
	if (r->message[0])
		add(o, "message", j_str(r->message));
	struct json_object *trace = json_object_new_array();
	for (size_t i = 0; i < r->nr_trace; i++)
		json_object_array_add(trace, j_str(r->trace[i]));
	add(o, "trace", trace);
	add(o, "first_line", json_object_new_int64(r->first_line));
	add(o, "last_line", json_object_new_int64(r->last_line));
	add(o, "snapshot", r->snapshot ? fs_snapshot_to_json(r->snapshot) : NULL);
	return o;
}

struct json_object *fs_frame_to_json(const struct fs_frame *f)
{
	struct json_object *o = json_object_new_object();
	add(o, "index", j_u64(f->index));
	if (f->time != 0 || (f->snapshot && f->snapshot->meta.time_base != FS_TIME_UNKNOWN))
		add(o, "time", j_double(f->time, 6));
	add(o, "snapshot", f->snapshot ? fs_snapshot_to_json(f->snapshot) : NULL);
	struct json_object *ev = json_object_new_array();
	for (size_t i = 0; i < f->events.count; i++)
		json_object_array_add(ev, fs_report_to_json(&f->events.items[i]));
	add(o, "events", ev);
	return o;
}
