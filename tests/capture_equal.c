/* capture_equal.c - deep equality for the capture tests (see capture_equal.h). */
#include "capture_equal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool differ(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool differ(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return false;
}

/* Bit for bit, except that any NaN equals any NaN. */
static bool same_double(double a, double b)
{
	if (isnan(a) && isnan(b))
		return true;
	return memcmp(&a, &b, sizeof(a)) == 0;
}

#define NUM(what, x, y)                                                                            \
	do {                                                                                       \
		if ((x) != (y))                                                                    \
			return differ(why, size, "%s: %lld != %lld", what, (long long)(x),         \
				      (long long)(y));                                             \
	} while (0)
#define UNUM(what, x, y)                                                                           \
	do {                                                                                       \
		if ((x) != (y))                                                                    \
			return differ(why, size, "%s: %llu != %llu", what,                         \
				      (unsigned long long)(x), (unsigned long long)(y));           \
	} while (0)
#define DBL(what, x, y) \
	do { \
		if (!same_double((x), (y))) \
			return differ(why, size, "%s: %.17g != %.17g", what, (x), (y)); \
	} while (0)
#define STR(what, x, y)                                                                            \
	do {                                                                                       \
		if (strncmp((x), (y), sizeof(x)) != 0)                                             \
			return differ(why, size, "%s: \"%.*s\" != \"%.*s\"", what, (int)sizeof(x), \
				      (x), (int)sizeof(y), (y));                                   \
	} while (0)
#define PSTR(what, x, y)                                                                           \
	do {                                                                                       \
		if (!(x) != !(y) || ((x) && strcmp((x), (y)) != 0))                                \
			return differ(why, size, "%s: \"%s\" != \"%s\"", what,                     \
				      (x) ? (x) : "(null)", (y) ? (y) : "(null)");                 \
	} while (0)

bool ceq_meta(const struct fs_meta *a, const struct fs_meta *b, char *why, size_t size)
{
	DBL("meta.time", a->time, b->time);
	NUM("meta.time_base", a->time_base, b->time_base);
	STR("meta.kernel_release", a->kernel_release, b->kernel_release);
	UNUM("meta.page_size", a->page_size, b->page_size);
	NUM("meta.pageblock_order", a->pageblock_order, b->pageblock_order);
	NUM("meta.nr_orders", a->nr_orders, b->nr_orders);
	NUM("meta.nr_mt_order", a->nr_mt_order, b->nr_mt_order);
	for (int i = 0; i < a->nr_mt_order && i < FS_MT_COUNT; i++)
		NUM("meta.mt_order[]", a->mt_order[i], b->mt_order[i]);
	STR("meta.source", a->source, b->source);
	STR("meta.hostname", a->hostname, b->hostname);
	return true;
}

static bool eq_stats(const char *what, const struct fs_stats *a, const struct fs_stats *b,
		     char *why, size_t size)
{
	if (a->count != b->count)
		return differ(why, size, "%s: %zu counters != %zu", what, a->count, b->count);
	for (size_t i = 0; i < a->count; i++) {
		if (strncmp(a->items[i].name, b->items[i].name, FS_STAT_NAME_MAX) != 0)
			return differ(why, size, "%s[%zu]: name \"%s\" != \"%s\"", what, i,
				      a->items[i].name, b->items[i].name);
		if (a->items[i].value != b->items[i].value)
			return differ(why, size, "%s.%s: %lld != %lld", what, a->items[i].name,
				      (long long)a->items[i].value, (long long)b->items[i].value);
	}
	return true;
}

static bool eq_count(const char *what, int o, struct fs_count a, struct fs_count b, char *why,
		     size_t size)
{
	if (a.kind != b.kind || a.value != b.value)
		return differ(why, size, "%s[%d]: kind %d value %llu != kind %d value %llu", what,
			      o, a.kind, (unsigned long long)a.value, b.kind,
			      (unsigned long long)b.value);
	return true;
}

static bool eq_zone(size_t zi, const struct fs_zone *a, const struct fs_zone *b, char *why,
		    size_t size)
{
	char w[96];
#define ZW(field) (snprintf(w, sizeof(w), "zone %zu (%d %s) %s", zi, a->node, a->name, field), w)
	NUM(ZW("node"), a->node, b->node);
	STR(ZW("name"), a->name, b->name);
	UNUM(ZW("known"), a->known, b->known);
	NUM(ZW("populated"), a->populated, b->populated);
	for (int o = 0; o < FS_MAX_ORDERS; o++)
		if (!eq_count(ZW("order_blocks"), o, a->order_blocks[o], b->order_blocks[o], why,
			      size))
			return false;
	for (int mt = 0; mt < FS_MT_COUNT; mt++) {
		for (int o = 0; o < FS_MAX_ORDERS; o++) {
			char m[32];
			snprintf(m, sizeof(m), "mt_blocks[%d]", mt);
			if (!eq_count(ZW(m), o, a->mt_blocks[mt][o], b->mt_blocks[mt][o], why,
				      size))
				return false;
		}
		UNUM(ZW("pageblocks[]"), a->pageblocks[mt], b->pageblocks[mt]);
	}
	UNUM(ZW("mt_rows"), a->mt_rows, b->mt_rows);
	UNUM(ZW("free_pages"), a->free_pages, b->free_pages);
	UNUM(ZW("wmark_min"), a->wmark_min, b->wmark_min);
	UNUM(ZW("wmark_low"), a->wmark_low, b->wmark_low);
	UNUM(ZW("wmark_high"), a->wmark_high, b->wmark_high);
	UNUM(ZW("wmark_boost"), a->wmark_boost, b->wmark_boost);
	UNUM(ZW("wmark_promo"), a->wmark_promo, b->wmark_promo);
	UNUM(ZW("spanned"), a->spanned, b->spanned);
	UNUM(ZW("present"), a->present, b->present);
	UNUM(ZW("managed"), a->managed, b->managed);
	UNUM(ZW("cma_pages"), a->cma_pages, b->cma_pages);
	UNUM(ZW("free_cma"), a->free_cma, b->free_cma);
	UNUM(ZW("reserved_highatomic"), a->reserved_highatomic, b->reserved_highatomic);
	UNUM(ZW("free_highatomic"), a->free_highatomic, b->free_highatomic);
	UNUM(ZW("free_pcp"), a->free_pcp, b->free_pcp);
	for (int i = 0; i < FS_MAX_ZONE_TYPES; i++)
		UNUM(ZW("protection[]"), a->protection[i], b->protection[i]);
	NUM(ZW("nr_protection"), a->nr_protection, b->nr_protection);
	UNUM(ZW("area_total_pages"), a->area_total_pages, b->area_total_pages);
	UNUM(ZW("start_pfn"), a->start_pfn, b->start_pfn);
	return eq_stats(ZW("stats"), &a->stats, &b->stats, why, size);
#undef ZW
}

static bool eq_diags(const struct fs_diags *a, const struct fs_diags *b, char *why, size_t size)
{
	NUM("diags.count", a->count, b->count);
	for (size_t i = 0; i < a->count; i++) {
		NUM("diag.severity", a->items[i].severity, b->items[i].severity);
		UNUM("diag.line", a->items[i].line, b->items[i].line);
		PSTR("diag.source", a->items[i].source, b->items[i].source);
		PSTR("diag.message", a->items[i].message, b->items[i].message);
	}
	return true;
}

bool ceq_snapshot(const struct fs_snapshot *a, const struct fs_snapshot *b, char *why, size_t size)
{
	if (!a || !b) {
		if (a == b)
			return true;
		return differ(why, size, "snapshot %s != %s", a ? "present" : "NULL",
			      b ? "present" : "NULL");
	}
	if (!ceq_meta(&a->meta, &b->meta, why, size))
		return false;
	NUM("nr_nodes", a->nr_nodes, b->nr_nodes);
	for (size_t i = 0; i < a->nr_nodes; i++) {
		NUM("node.id", a->nodes[i].id, b->nodes[i].id);
		if (!eq_stats("node.stats", &a->nodes[i].stats, &b->nodes[i].stats, why, size))
			return false;
	}
	NUM("nr_zones", a->nr_zones, b->nr_zones);
	for (size_t i = 0; i < a->nr_zones; i++)
		if (!eq_zone(i, &a->zones[i], &b->zones[i], why, size))
			return false;
	return eq_stats("vmstat", &a->vmstat, &b->vmstat, why, size) &&
	       eq_stats("meminfo", &a->meminfo, &b->meminfo, why, size) &&
	       eq_diags(&a->diags, &b->diags, why, size);
}

bool ceq_report(const struct fs_report *a, const struct fs_report *b, char *why, size_t size)
{
	NUM("report.kind", a->kind, b->kind);
	DBL("report.timestamp", a->timestamp, b->timestamp);
	NUM("report.time_base", a->time_base, b->time_base);
	NUM("report.has_timestamp", a->has_timestamp, b->has_timestamp);
	STR("report.wallclock", a->wallclock, b->wallclock);
	STR("report.comm", a->comm, b->comm);
	NUM("report.pid", a->pid, b->pid);
	NUM("report.cpu", a->cpu, b->cpu);
	NUM("report.order", a->order, b->order);
	NUM("report.has_mode", a->has_mode, b->has_mode);
	UNUM("report.mode", a->mode, b->mode);
	STR("report.mode_names", a->mode_names, b->mode_names);
	STR("report.nodemask", a->nodemask, b->nodemask);
	STR("report.cpuset", a->cpuset, b->cpuset);
	STR("report.mems_allowed", a->mems_allowed, b->mems_allowed);
	STR("report.kernel_release", a->kernel_release, b->kernel_release);
	STR("report.message", a->message, b->message);
	NUM("report.trace (NULL)", a->trace == NULL, b->trace == NULL);
	NUM("report.nr_trace", a->nr_trace, b->nr_trace);
	for (size_t i = 0; i < a->nr_trace; i++)
		PSTR("report.trace[]", a->trace[i], b->trace[i]);
	UNUM("report.first_line", a->first_line, b->first_line);
	UNUM("report.last_line", a->last_line, b->last_line);
	PSTR("report.raw", a->raw, b->raw);
	char sub[400];
	if (!ceq_snapshot(a->snapshot, b->snapshot, sub, sizeof(sub)))
		return differ(why, size, "report.snapshot: %s", sub);
	return true;
}

bool ceq_frame(const struct fs_frame *a, const struct fs_frame *b, char *why, size_t size)
{
	UNUM("frame.index", a->index, b->index);
	DBL("frame.time", a->time, b->time);
	if (!ceq_snapshot(a->snapshot, b->snapshot, why, size))
		return false;
	NUM("frame.events.count", a->events.count, b->events.count);
	for (size_t i = 0; i < a->events.count; i++)
		if (!ceq_report(&a->events.items[i], &b->events.items[i], why, size))
			return false;
	return true;
}

bool ceq_header(const struct fs_capture_header *a, const struct fs_capture_header *b, char *why,
		size_t size)
{
	NUM("header.format_version", a->format_version, b->format_version);
	STR("header.tool_version", a->tool_version, b->tool_version);
	STR("header.source", a->source, b->source);
	DBL("header.start_time", a->start_time, b->start_time);
	UNUM("header.keyframe_interval", a->keyframe_interval, b->keyframe_interval);
	return ceq_meta(&a->meta, &b->meta, why, size);
}
