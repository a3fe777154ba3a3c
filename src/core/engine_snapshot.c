/*
 * engine_snapshot.c - the engine's state as a snapshot (every count exact),
 * the zonelists it walks (built by the verdict's code on that snapshot's
 * shape), and warn_alloc reports of its failures.
 */
#include "engine_priv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"

static uint64_t count_pageblocks(const struct ezone *z, enum fs_mt mt)
{
	uint64_t n = 0;
	for (uint64_t pb = 0; pb < z->nr_pb; pb++)
		n += z->pb_mt[pb] == mt;
	return n;
}

static void zone_stats(const struct ezone *z, struct fs_zone *out)
{
	fs_stats_copy(&out->stats, &z->stats);
	fs_stats_set(&out->stats, "nr_free_pages", z->rz.free_pages);
	fs_stats_set(&out->stats, "nr_zone_inactive_file", (int64_t)z->kind_pages[FS_PAGE_FILE]);
	fs_stats_set(&out->stats, "nr_zone_active_file", 0);
	fs_stats_set(&out->stats, "nr_zone_inactive_anon", (int64_t)z->kind_pages[FS_PAGE_ANON]);
	fs_stats_set(&out->stats, "nr_zone_active_anon", 0);
	fs_stats_set(&out->stats, "nr_zone_unevictable", 0);
	fs_stats_set(&out->stats, "nr_slab_reclaimable", (int64_t)z->kind_pages[FS_PAGE_SLAB]);
	fs_stats_set(&out->stats, "nr_free_cma", z->rz.free_cma);
	fs_stats_set(&out->stats, "node_unreclaimable", 0);
}

static void fill_zone(const struct fs_engine *e, const struct ezone *z, struct fs_zone *out)
{
	const struct fs_kprofile *p = e->profile;
	out->populated = true;
	out->known = FS_ZK_FREE_PAGES | FS_ZK_WMARK | FS_ZK_BOOST | FS_ZK_SPANNED | FS_ZK_PRESENT |
		     FS_ZK_MANAGED | FS_ZK_CMA_PAGES | FS_ZK_FREE_CMA | FS_ZK_RESERVED_HIGHATOMIC |
		     FS_ZK_FREE_HIGHATOMIC | FS_ZK_FREE_PCP | FS_ZK_PROTECTION |
		     FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS | FS_ZK_PAGEBLOCKS | FS_ZK_START_PFN |
		     FS_ZK_AREA_TOTAL;
	uint64_t area = 0;
	for (int o = 0; o < e->nr_orders; o++) {
		out->order_blocks[o] = fs_count_exact(z->rz.nr_free[o].value);
		area += z->rz.nr_free[o].value << o;
	}
	for (int i = 0; i < p->nr_migratetypes; i++) {
		enum fs_mt mt = (enum fs_mt)p->migratetypes[i];
		if (mt == FS_MT_CMA && !e->config.cma)
			continue;       /* no CONFIG_CMA: pagetypeinfo has no CMA row */
		out->mt_rows |= 1u << mt;
		for (int o = 0; o < e->nr_orders; o++)
			out->mt_blocks[mt][o] = fs_count_exact(z->rz.blocks[o][mt].value);
		out->pageblocks[mt] = count_pageblocks(z, mt);
	}
	out->free_pages = (uint64_t)z->rz.free_pages;
	out->wmark_min = (uint64_t)z->rz.wmark[FS_WMARK_MIN];
	out->wmark_low = (uint64_t)z->rz.wmark[FS_WMARK_LOW];
	out->wmark_high = (uint64_t)z->rz.wmark[FS_WMARK_HIGH];
	out->wmark_boost = (uint64_t)(z->rz.boost > 0 ? z->rz.boost : 0);
	out->spanned = z->spanned;
	out->present = z->present;
	out->managed = z->managed;
	out->cma_pages = z->cma_pages;
	out->free_cma = (uint64_t)z->rz.free_cma;
	out->reserved_highatomic = (uint64_t)z->rz.highatomic_reserved;
	out->free_highatomic = (uint64_t)z->rz.highatomic_free;
	out->free_pcp = z->kind_pages[FS_PAGE_PCP];
	out->nr_protection = z->rz.nr_lowmem_reserve;
	for (int j = 0; j < z->rz.nr_lowmem_reserve && j < FS_MAX_ZONE_TYPES; j++)
		out->protection[j] = (uint64_t)z->rz.lowmem_reserve[j];
	out->area_total_pages = area;
	out->start_pfn = z->start_pfn;
	zone_stats(z, out);
}

static void global_stats(const struct fs_engine *e, struct fs_snapshot *s)
{
	int64_t free = 0, file = 0, anon = 0, slab = 0, total = 0, cma = 0;
	for (size_t i = 0; i < e->nr_zones; i++) {
		const struct ezone *z = &e->zones[i];
		free += z->rz.free_pages;
		file += (int64_t)z->kind_pages[FS_PAGE_FILE];
		anon += (int64_t)z->kind_pages[FS_PAGE_ANON];
		slab += (int64_t)z->kind_pages[FS_PAGE_SLAB];
		total += (int64_t)z->managed;
		cma += z->rz.free_cma;
	}
	const struct fs_engine_stats *st = &e->stats;
	fs_stats_copy(&s->vmstat, &e->vmstat);
	fs_stats_set(&s->vmstat, "nr_free_pages", free);
	fs_stats_set(&s->vmstat, "nr_inactive_file", file);
	fs_stats_set(&s->vmstat, "nr_active_file", 0);
	fs_stats_set(&s->vmstat, "nr_inactive_anon", anon);
	fs_stats_set(&s->vmstat, "nr_active_anon", 0);
	fs_stats_set(&s->vmstat, "nr_slab_reclaimable", slab);
	fs_stats_set(&s->vmstat, "nr_free_cma", cma);
	fs_stats_set(&s->vmstat, "compact_stall", (int64_t)st->compact_stall);
	fs_stats_set(&s->vmstat, "compact_fail", (int64_t)st->compact_fail);
	fs_stats_set(&s->vmstat, "compact_success", (int64_t)st->compact_success);
	fs_stats_set(&s->vmstat, "compact_migrate_scanned", (int64_t)st->compact_migrated);
	fs_stats_set(&s->vmstat, "allocstall_normal", (int64_t)st->alloc_after_reclaim);
	fs_stats_set(&s->vmstat, "pgsteal_kswapd", (int64_t)st->kswapd_reclaimed);
	fs_stats_set(&s->vmstat, "pgsteal_direct", (int64_t)st->direct_reclaimed);
	fs_stats_set(&s->vmstat, "pgalloc_normal", (int64_t)st->allocs);
	fs_stats_set(&s->vmstat, "pgfree", (int64_t)st->frees);
	int64_t kb = (int64_t)e->meta.page_size / 1024;
	fs_stats_copy(&s->meminfo, &e->meminfo);
	fs_stats_set(&s->meminfo, "MemTotal", total * kb);
	fs_stats_set(&s->meminfo, "MemFree", free * kb);
	fs_stats_set(&s->meminfo, "SwapTotal", 0);
	fs_stats_set(&s->meminfo, "SwapFree", 0);
	fs_stats_set(&s->meminfo, "SReclaimable", slab * kb);
	fs_stats_set(&s->meminfo, "Cached", file * kb);
}

struct fs_snapshot *fs_engine_snapshot(const struct fs_engine *e)
{
	struct fs_snapshot *s = fs_snapshot_new();
	s->meta = e->meta;
	s->meta.time = e->meta.time + e->time;
	if (!s->meta.source[0])
		fs_copy_str(s->meta.source, sizeof(s->meta.source), "engine");
	for (size_t i = 0; i < e->nr_zones; i++) {
		const struct ezone *z = &e->zones[i];
		fs_snapshot_node(s, z->node, true);
		struct fs_zone *out = fs_snapshot_zone(s, z->node, z->name, strlen(z->name), true);
		if (out)
			fill_zone(e, z, out);
	}
	global_stats(e, s);
	return s;
}

/* ---- zonelists ---------------------------------------------------------------- */

void eng_build_shape(struct fs_engine *e)
{
	fs_snapshot_free(e->shape);
	e->shape = fs_engine_snapshot(e);
	for (size_t i = 0; i < ENGINE_REQ_CACHE; i++)
		if (e->reqs[i].used)
			fs_zonelist_clear(&e->reqs[i].zl);
	memset(e->reqs, 0, sizeof(e->reqs));
	e->last_req = NULL;
}

static bool same_task(const struct fs_alloc_task *a, const struct fs_alloc_task *b)
{
	return a->rt_task == b->rt_task && a->in_interrupt == b->in_interrupt &&
	       a->pf_memalloc == b->pf_memalloc && a->oom_victim == b->oom_victim &&
	       a->memalloc_noio == b->memalloc_noio && a->memalloc_nofs == b->memalloc_nofs &&
	       a->memalloc_pin == b->memalloc_pin;
}

struct ereq *eng_request(struct fs_engine *e, uint64_t gfp, int order, int node,
			 const struct fs_alloc_task *task)
{
	struct ereq *last = e->last_req;
	if (last && last->used && last->gfp == gfp && last->order == order && last->node == node &&
	    same_task(&last->task, task))
		return last;            /* a workload repeats its requests */
	/* a direct-mapped first probe: a workload alternates a few requests */
	struct ereq *home = &e->reqs[(gfp * 0x9e3779b1u + (uint64_t)order * 131 + (uint64_t)node) %
				     ENGINE_REQ_CACHE];
	if (home->used && home->gfp == gfp && home->order == order && home->node == node &&
	    same_task(&home->task, task)) {
		e->last_req = home;
		return home;
	}
	struct ereq *victim = home;     /* a miss takes the home slot */
	if (victim->used)
		fs_zonelist_clear(&victim->zl);
	memset(victim, 0, sizeof(*victim));
	struct fs_verdict_request vr = {
		.gfp = gfp, .order = order, .node = node, .task = *task,
		.profile = e->profile, .config = &e->config,
	};
	victim->used = true;
	victim->gfp = gfp;
	victim->order = order;
	victim->node = node;
	victim->task = *task;
	victim->rc = fs_verdict_zonelist(e->shape, &vr, &victim->zl);
	e->last_req = victim;
	return victim;
}

/* ---- warn_alloc reports -------------------------------------------------------- */

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (*len + (size_t)n < *cap) {
			*len += (size_t)n;
			return;
		}
		*cap = (*cap + (size_t)n) * 2;
		*buf = fs_xrealloc(*buf, *cap);
	}
}

/* show_mem's per-zone free area line: "Node 0 Normal: 3*4kB (UM) 1*8kB (E) ... = 20kB" */
static void free_area_line(const struct fs_engine *e, const struct ezone *z, char **buf,
			   size_t *len, size_t *cap)
{
	unsigned kb = e->meta.page_size / 1024;
	uint64_t total = 0;
	append(buf, len, cap, "Node %d %s: ", z->node, z->name);
	for (int o = 0; o < e->nr_orders; o++) {
		uint64_t n = z->rz.nr_free[o].value;
		total += (n << o) * kb;
		append(buf, len, cap, "%" PRIu64 "*%" PRIu64 "kB ", n, ((uint64_t)kb) << o);
		if (!n)
			continue;
		char letters[FS_MT_COUNT + 1];
		int k = 0;
		for (int i = 0; i < e->profile->nr_migratetypes; i++) {
			enum fs_mt mt = (enum fs_mt)e->profile->migratetypes[i];
			if (z->rz.blocks[o][mt].value)
				letters[k++] = fs_mt_letter(mt);
		}
		letters[k] = '\0';
		append(buf, len, cap, "(%s) ", letters);
	}
	append(buf, len, cap, "= %" PRIu64 "kB\n", total);
}

static void zone_line(const struct fs_engine *e, const struct ezone *z, char **buf, size_t *len,
		      size_t *cap)
{
	uint64_t kb = e->meta.page_size / 1024;
	append(buf, len, cap, "Node %d %s free:%" PRId64 "kB boost:%" PRId64 "kB min:%" PRId64 "kB "
	       "low:%" PRId64 "kB high:%" PRId64 "kB reserved_highatomic:%" PRId64 "KB "
	       "active_anon:0kB inactive_anon:%" PRIu64 "kB active_file:0kB inactive_file:%" PRIu64
	       "kB unevictable:0kB writepending:0kB present:%" PRIu64 "kB managed:%" PRIu64 "kB "
	       "mlocked:0kB bounce:0kB free_pcp:%" PRIu64 "kB local_pcp:0kB free_cma:%" PRId64
	       "kB\n", z->node, z->name, z->rz.free_pages * (int64_t)kb,
	       (z->rz.boost > 0 ? z->rz.boost : 0) * (int64_t)kb,
	       z->rz.wmark[0] * (int64_t)kb, z->rz.wmark[1] * (int64_t)kb,
	       z->rz.wmark[2] * (int64_t)kb, z->rz.highatomic_reserved * (int64_t)kb,
	       z->kind_pages[FS_PAGE_ANON] * kb, z->kind_pages[FS_PAGE_FILE] * kb,
	       z->present * kb, z->managed * kb, z->kind_pages[FS_PAGE_PCP] * kb,
	       z->rz.free_cma * (int64_t)kb);
	append(buf, len, cap, "lowmem_reserve[]:");
	for (int j = 0; j < z->rz.nr_lowmem_reserve; j++)
		append(buf, len, cap, " %" PRId64, z->rz.lowmem_reserve[j]);
	append(buf, len, cap, "\n");
}

void fs_engine_failure_report(const struct fs_engine *e, const struct fs_alloc_request *req,
			      struct fs_report *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = FS_REPORT_PAGE_ALLOC;
	out->timestamp = e->meta.time + e->time;
	out->time_base = e->meta.time_base;
	out->has_timestamp = true;
	fs_copy_str(out->comm, sizeof(out->comm), "simulate");
	out->pid = -1;
	out->cpu = -1;
	out->order = req->order;
	out->has_mode = true;
	out->mode = req->gfp;
	fs_gfp_format(e->profile, &e->config, req->gfp, out->mode_names, sizeof(out->mode_names));
	fs_copy_str(out->nodemask, sizeof(out->nodemask), "(null)");
	fs_copy_str(out->kernel_release, sizeof(out->kernel_release), e->meta.kernel_release);
	out->snapshot = fs_engine_snapshot(e);
	size_t len = 0, cap = 4096;
	char *buf = fs_xmalloc(cap);
	buf[0] = '\0';
	append(&buf, &len, &cap, "simulate: page allocation failure: order:%d, mode:%#" PRIx64
	       "(%s), nodemask=(null)\n", req->order, req->gfp, out->mode_names);
	append(&buf, &len, &cap, "Mem-Info:\n");
	for (size_t i = 0; i < e->nr_zones; i++)
		zone_line(e, &e->zones[i], &buf, &len, &cap);
	for (size_t i = 0; i < e->nr_zones; i++)
		free_area_line(e, &e->zones[i], &buf, &len, &cap);
	out->raw = buf;
	out->first_line = out->last_line = 0;
}
