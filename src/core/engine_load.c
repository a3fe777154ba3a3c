/*
 * engine_load.c - machines for the engine: from sizes (all free, watermarks
 * and lowmem_reserve computed as the kernel does at boot), or from a
 * snapshot, with a page layout that reproduces its counts.
 *
 * A snapshot tells how many free blocks each (migratetype, order) list has
 * and how many pageblocks each type has, not where they are. The layout:
 *  1. free blocks at or above pageblock order are groups of whole
 *     pageblocks, placed first in max-order units taken in a seeded order
 *     (the CMA area at the zone's end), never two free buddies;
 *  2. the other pageblocks get their types, shuffled by the seed;
 *  3. each type's smaller free blocks fill its pageblocks, largest first,
 *     never making a block's buddy wholly free (so nothing would merge) and
 *     never a whole pageblock free;
 *  4. the rest is allocated: kernel pages in Unmovable and HighAtomic
 *     blocks, slab in Reclaimable, anon and page cache (in the proportion of
 *     the zone's LRU counters) in Movable and CMA; reserved pages (present -
 *     managed) at the lowest addresses; per-cpu pages (free_pcp) among them.
 */
#include "engine_priv.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"


static void warn(struct fs_diags *d, const char *source, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn(struct fs_diags *d, const char *source, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d)
		fs_diags_add(d, FS_SEV_WARNING, source, 0, "%s", msg);
}

static int pageblock_order_for(unsigned page_size, int nr_orders)
{
	int pbo = page_size == 65536 ? 13 : page_size == 16384 ? 11 : 9;
	return pbo > nr_orders - 1 ? nr_orders - 1 : pbo;
}

static void engine_init(struct fs_engine *e, const struct fs_engine_options *o,
			const char *release)
{
	memset(e, 0, sizeof(*e));
	if (o && o->profile) {
		e->profile = o->profile;
	} else {
		bool guessed;
		char why[160];
		e->profile = fs_kprofile_for_release(release, &guessed, why, sizeof(why));
	}
	if (o && o->config)
		e->config = *o->config;
	else
		fs_kconfig_default(e->profile, &e->config);
	e->seed = o ? o->seed : 0;
	e->rng = e->seed ^ 0x5deece66dull;
}

int eng_kernel_zone_index(const struct fs_engine *e, int rank)
{
	int idx = 0;
	for (int r = 0; r < rank; r++) {
		bool exists = r == 2 || r == 4;
		for (size_t i = 0; i < e->nr_zones && !exists; i++)
			exists = e->zones[i].rank == r;
		idx += exists;
	}
	return idx;
}

/* What the machine shows beats the distro default, as the verdict decides
 * for a snapshot (verdict.c choose_profile): a CMA area means CONFIG_CMA, two
 * nodes mean NUMA. */
static void config_from_machine(struct fs_engine *e, const struct fs_engine_options *o,
				const struct fs_snapshot *s)
{
	if (o && o->config)
		return;
	for (size_t i = 0; s && i < s->nr_zones; i++) {
		const struct fs_zone *z = &s->zones[i];
		if (z->free_cma || z->cma_pages || (z->mt_rows & (1u << FS_MT_CMA)))
			e->config.cma = true;
	}
	if (s && s->nr_nodes > 1)
		e->config.numa = true;
	for (size_t i = 0; i < e->nr_zones; i++) {
		const struct ezone *z = &e->zones[i];
		if (z->cma_pages)
			e->config.cma = true;
		if (z->node != e->zones[0].node)
			e->config.numa = true;
	}
}

static int cmp_zone(const void *a, const void *b)
{
	const struct ezone *x = a, *y = b;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* ---- watermarks and lowmem_reserve (kernel-rules §5.4, §2.3) -------------- */

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = (uint64_t)sqrt((double)v);
	while (r * r > v)
		r--;
	while ((r + 1) * (r + 1) <= v)
		r++;
	return r;
}

static bool movable_like_highmem(const struct fs_kprofile *p)
{
	return p->major > 6 || (p->major == 6 && p->minor >= 6);
}

static void compute_wmarks(struct fs_engine *e, uint64_t min_free_kbytes, unsigned wsf)
{
	const struct fs_kprofile *p = e->profile;
	unsigned page_kb = e->meta.page_size / 1024;
	uint64_t lowmem = 0, buffer = 0;
	for (size_t i = 0; i < e->nr_zones; i++) {
		const struct ezone *z = &e->zones[i];
		if (z->rank != 3 && !(z->rank == 4 && movable_like_highmem(p)))
			lowmem += z->managed;
		if (z->rank <= 2)
			buffer += z->managed;
	}
	if (!min_free_kbytes) {
		uint64_t upper = p->major > 5 || (p->major == 5 && p->minor >= 8) ? 262144 : 65536;
		min_free_kbytes = isqrt(buffer * page_kb * 16);
		min_free_kbytes = min_free_kbytes < 128 ? 128 : min_free_kbytes > upper ? upper
			: min_free_kbytes;
	}
	uint64_t pages_min = min_free_kbytes / (page_kb ? page_kb : 4);
	if (!wsf)
		wsf = 10;
	for (size_t i = 0; i < e->nr_zones; i++) {
		struct ezone *z = &e->zones[i];
		uint64_t tmp = lowmem ? pages_min * z->managed / lowmem : 0;
		uint64_t min = tmp;
		if (z->rank == 3 || (z->rank == 4 && movable_like_highmem(p))) {
			min = z->managed / 1024;
			min = min < 32 ? 32 : min > 128 ? 128 : min;
		}
		uint64_t step = tmp / 4;
		if (p->has_watermark_scale_factor && z->managed * wsf / 10000 > step)
			step = z->managed * wsf / 10000;
		z->rz.wmark[FS_WMARK_MIN] = (int64_t)min;
		z->rz.wmark[FS_WMARK_LOW] = (int64_t)(min + step);
		z->rz.wmark[FS_WMARK_HIGH] = (int64_t)(p->has_watermark_scale_factor ? min + 2 * step
								     : min + tmp / 2);
		for (int w = 0; w < 3; w++)
			z->base_wmark[w] = z->rz.wmark[w];
		z->rz.boost = 0;
	}
}

static int ratio_of(int rank)
{
	return rank <= 1 ? 256 : rank == 2 ? 32 : 0;
}

static uint64_t managed_of_index(const struct fs_engine *e, int node, int index)
{
	uint64_t m = 0;
	for (size_t i = 0; i < e->nr_zones; i++)
		if (e->zones[i].node == node &&
		    eng_kernel_zone_index(e, e->zones[i].rank) == index)
			m += e->zones[i].managed;
	return m;
}

static void compute_lowmem_reserve(struct fs_engine *e)
{
	for (size_t i = 0; i < e->nr_zones; i++) {
		struct ezone *z = &e->zones[i];
		int idx = eng_kernel_zone_index(e, z->rank);
		uint64_t sum = 0;
		z->rz.nr_lowmem_reserve = e->nr_zone_types;
		for (int j = 0; j < e->nr_zone_types && j < FS_MAX_ZONE_TYPES; j++) {
			z->rz.lowmem_reserve[j] = 0;
			if (j <= idx)
				continue;
			uint64_t upper = managed_of_index(e, z->node, j);
			sum += upper;
			int ratio = ratio_of(z->rank);
			if (!ratio || !z->managed)
				continue;
			if (e->profile->lowmem_zero_for_empty_upper && !upper)
				continue;
			z->rz.lowmem_reserve[j] = (int64_t)(sum / (uint64_t)ratio);
		}
		z->has_protection = true;
	}
}

/* ---- a machine from sizes --------------------------------------------------- */

static void meta_init(struct fs_engine *e, const char *release, unsigned page_size,
		      const char *hostname)
{
	fs_copy_str(e->meta.kernel_release, sizeof(e->meta.kernel_release), release);
	e->meta.page_size = page_size;
	e->meta.pageblock_order = e->pageblock_order;
	e->meta.nr_orders = e->nr_orders;
	e->meta.time_base = FS_TIME_BOOT;       /* a machine from sizes boots at 0 */
	for (int i = 0; i < e->profile->nr_migratetypes; i++)
		fs_meta_note_mt(&e->meta, (enum fs_mt)e->profile->migratetypes[i]);
	fs_copy_str(e->meta.hostname, sizeof(e->meta.hostname), hostname ? hostname : "");
}

/* Pageblocks without a page of the zone are not the zone's (pagetypeinfo does
 * not count them): they keep the hole mark and never hold a free page. */
void eng_mark_hole_pbs(struct fs_engine *e, struct ezone *z)
{
	for (uint64_t pb = 0; pb < z->nr_pb; pb++) {
		uint64_t first = pb << e->pageblock_order;
		uint64_t last = first + pb_pages(e) - 1;
		if (z->base + last < z->start_pfn || z->base + first >= z->end_pfn)
			z->pb_mt[pb] = HOLE_PB;
	}
}

/* Free [from, to) as the largest aligned blocks (no two of them buddies). */
static void free_range(struct fs_engine *e, struct ezone *z, uint64_t from, uint64_t to)
{
	while (from < to) {
		int o = e->nr_orders - 1;
		while (o > 0 && ((from & ((1ull << o) - 1)) || from + (1ull << o) > to))
			o--;
		memset(z->page + from, 0, (size_t)1 << o);
		bit_set(z->free_map[o], from >> o);
		from += 1ull << o;
	}
}

static void count_zone_types(struct fs_engine *e)
{
	e->nr_zone_types = eng_kernel_zone_index(e, 6);
	if (e->nr_zone_types > FS_MAX_ZONE_TYPES)
		e->nr_zone_types = FS_MAX_ZONE_TYPES;
}

struct fs_engine *fs_engine_new(const struct fs_engine_machine *m,
				const struct fs_engine_options *o, struct fs_diags *diags)
{
	const char *src = "engine";
	if (!m || m->nr_zones <= 0 || m->nr_zones > FS_ENGINE_MAX_ZONES) {
		fs_diags_add(diags, FS_SEV_ERROR, src, 0, "a machine needs 1 to %d zones",
			     FS_ENGINE_MAX_ZONES);
		return NULL;
	}
	struct fs_engine *e = fs_xmalloc(sizeof(*e));
	engine_init(e, o, m->kernel_release);
	unsigned ps = m->page_size ? m->page_size : 4096;
	if (ps != 4096 && ps != 16384 && ps != 65536) {
		fs_diags_add(diags, FS_SEV_ERROR, src, 0, "page size %u: expected 4096, 16384 or "
			     "65536", ps);
		free(e);
		return NULL;
	}
	e->nr_orders = m->nr_orders > 0 ? m->nr_orders : e->profile->default_nr_orders;
	if (e->nr_orders < 2 || e->nr_orders > FS_MAX_ORDERS) {
		fs_diags_add(diags, FS_SEV_ERROR, src, 0, "%d orders: expected 2 to %d",
			     e->nr_orders, FS_MAX_ORDERS);
		free(e);
		return NULL;
	}
	e->pageblock_order = m->pageblock_order > 0 ? m->pageblock_order
						    : pageblock_order_for(ps, e->nr_orders);
	if (e->pageblock_order > e->nr_orders - 1)
		e->pageblock_order = e->nr_orders - 1;
	meta_init(e, m->kernel_release, ps, m->hostname);
	e->zones = fs_xcalloc((size_t)m->nr_zones, sizeof(*e->zones));
	for (int i = 0; i < m->nr_zones; i++) {
		const struct fs_engine_zone_spec *s = &m->zones[i];
		struct ezone *z = &e->zones[e->nr_zones];
		int rank = fs_zone_type_rank(s->name);
		if (rank < 0 || !s->spanned || s->node < 0 || s->node >= 64 ||
		    (s->managed && s->managed > s->spanned) || s->cma_pages > s->spanned) {
			fs_diags_add(diags, FS_SEV_ERROR, src, 0, "zone %d (%s): expected a zone type "
				     "(DMA, DMA32, Normal, HighMem, Movable), node 0-63 and sizes with "
				     "managed <= spanned and CMA <= spanned", i, s->name);
			fs_engine_free(e);
			return NULL;
		}
		z->node = s->node;
		fs_copy_str(z->name, sizeof(z->name), s->name);
		z->rank = rank;
		z->start_pfn = s->start_pfn;
		z->end_pfn = s->start_pfn + s->spanned;
		z->spanned = z->present = s->spanned;
		z->managed = s->managed ? s->managed : s->spanned;
		e->nr_zones++;
		for (size_t j = 0; j + 1 < e->nr_zones; j++)
			if (e->zones[j].node == z->node && z->start_pfn < e->zones[j].end_pfn &&
			    e->zones[j].start_pfn < z->end_pfn) {
				fs_diags_add(diags, FS_SEV_ERROR, src, 0, "zone %s overlaps zone %s",
					     z->name, e->zones[j].name);
				fs_engine_free(e);
				return NULL;
			}
		eng_zone_alloc(e, z, FS_MT_MOVABLE);
		eng_mark_hole_pbs(e, z);
		uint64_t first = z->start_pfn + (z->spanned - z->managed) - z->base;
		uint64_t last = z->end_pfn - z->base;
		uint64_t cma_pbs = (s->cma_pages + pb_pages(e) - 1) >> e->pageblock_order;
		uint64_t cma_start = last > (cma_pbs << e->pageblock_order)
				     ? ((last >> e->pageblock_order) - cma_pbs) << e->pageblock_order : 0;
		if (cma_pbs) {
			z->cma_pages = cma_pbs << e->pageblock_order;
			for (uint64_t pb = cma_start >> e->pageblock_order; pb < z->nr_pb; pb++)
				z->pb_mt[pb] = FS_MT_CMA;
			if (cma_start < first)
				cma_start = first;
			free_range(e, z, first, cma_start);
			free_range(e, z, cma_start, last);
		} else {
			free_range(e, z, first, last);
		}
	}
	qsort(e->zones, e->nr_zones, sizeof(*e->zones), cmp_zone);
	config_from_machine(e, o, NULL);
	count_zone_types(e);
	compute_wmarks(e, m->min_free_kbytes, m->watermark_scale_factor);
	compute_lowmem_reserve(e);
	for (size_t i = 0; i < e->nr_zones; i++)
		eng_rules_init(e, &e->zones[i]);
	eng_build_shape(e);
	return e;
}

/* ---- a machine from a snapshot ----------------------------------------------- */

struct layout {
	struct fs_engine *e;
	struct ezone *z;
	const char *label;              /* "Node 0 Normal" */
	struct fs_diags *diags;
	int64_t demand[FS_MAX_ORDERS][FS_MT_COUNT];
	int64_t pbs[FS_MT_COUNT];       /* pageblocks of each type still to place */
	uint8_t *grp;                   /* per pageblock: 1 + order of a free group starting there */
};

static bool usable_zone(const struct fs_zone *z)
{
	if (z->known & FS_ZK_MANAGED)
		return z->managed > 0;
	return z->free_pages > 0 || fs_zone_area_pages(z) > 0;
}

/* warn_alloc letters: each order's printed count goes to its non-empty types,
 * one block each first; then CMA gets what the printed free_cma needs (largest
 * orders first), and the rest goes to Movable, else the first non-empty type. */
static void share_nonempty(struct layout *L, const struct fs_zone *sz)
{
	int nro = L->e->nr_orders;
	int64_t left[FS_MAX_ORDERS] = { 0 };
	int64_t cma_need = -1;
	if (sz->known & FS_ZK_FREE_CMA) {
		cma_need = (int64_t)sz->free_cma;
		for (int o = 0; o < nro; o++)
			cma_need -= L->demand[o][FS_MT_CMA] << o;
	}
	for (int o = 0; o < nro; o++) {
		if (sz->order_blocks[o].kind != FS_COUNT_EXACT)
			continue;
		left[o] = (int64_t)sz->order_blocks[o].value;
		for (int m = 0; m < FS_MT_COUNT; m++)
			left[o] -= L->demand[o][m];
		if (left[o] < 0)
			left[o] = 0;
	}
	for (int o = nro - 1; o >= 0 && cma_need > 0; o--) {
		if (!L->demand[o][FS_MT_CMA] || !left[o])
			continue;
		int64_t n = cma_need >> o < left[o] ? cma_need >> o : left[o];
		L->demand[o][FS_MT_CMA] += n;
		left[o] -= n;
		cma_need -= n << o;
	}
	static const enum fs_mt prefer[] = { FS_MT_MOVABLE, FS_MT_UNMOVABLE, FS_MT_RECLAIMABLE,
					     FS_MT_HIGHATOMIC, FS_MT_RESERVE, FS_MT_ISOLATE,
					     FS_MT_CMA };
	for (int o = 0; o < nro; o++) {
		for (size_t i = 0; i < sizeof(prefer) / sizeof(prefer[0]) && left[o]; i++) {
			if (!L->demand[o][prefer[i]])
				continue;
			L->demand[o][prefer[i]] += left[o];
			left[o] = 0;
		}
	}
}

/* What the snapshot says each list holds; what it cannot say exactly is a warning. */
static void demand_from(struct layout *L, const struct fs_zone *sz)
{
	int nro = L->e->nr_orders;
	bool capped = false, nonempty = false;
	if (sz->known & FS_ZK_MT_BLOCKS) {
		for (int m = 0; m < FS_MT_COUNT; m++) {
			if (!(sz->mt_rows & (1u << m)))
				continue;
			for (int o = 0; o < nro; o++) {
				struct fs_count c = sz->mt_blocks[m][o];
				if (c.kind == FS_COUNT_EXACT || c.kind == FS_COUNT_CAPPED)
					L->demand[o][m] = (int64_t)c.value;
				else if (c.kind == FS_COUNT_NONEMPTY)
					L->demand[o][m] = 1;
				capped |= c.kind == FS_COUNT_CAPPED;
				nonempty |= c.kind == FS_COUNT_NONEMPTY;
			}
		}
	}
	/* A capped count is what buddyinfo's exact total leaves for it. */
	for (int o = 0; o < nro && capped; o++) {
		if (sz->order_blocks[o].kind != FS_COUNT_EXACT)
			continue;
		int64_t others = 0;
		int cap = -1;
		for (int m = 0; m < FS_MT_COUNT; m++) {
			if (!(sz->mt_rows & (1u << m)))
				continue;
			if (sz->mt_blocks[m][o].kind == FS_COUNT_CAPPED)
				cap = m;
			else
				others += L->demand[o][m];
		}
		int64_t rest = (int64_t)sz->order_blocks[o].value - others;
		if (cap >= 0 && rest > L->demand[o][cap])
			L->demand[o][cap] = rest;
	}
	if (nonempty)
		share_nonempty(L, sz);
	if (!(sz->known & FS_ZK_MT_BLOCKS) && (sz->known & FS_ZK_ORDER_BLOCKS)) {
		for (int o = 0; o < nro; o++)
			L->demand[o][FS_MT_MOVABLE] = (int64_t)sz->order_blocks[o].value;
		warn(L->diags, L->label, "no per-migratetype free counts: every free block is put on "
		     "the Movable lists");
	}
	if (capped)
		warn(L->diags, L->label, "some free counts are capped (\">100000\"): the engine "
		     "holds exactly the printed bound");
	if (nonempty)
		warn(L->diags, L->label, "per-migratetype counts are only known as non-empty "
		     "(warn_alloc letters): each order's printed count went to its non-empty types, "
		     "Movable first");
}

static uint64_t demand_pages(const struct layout *L, int m, int below)
{
	uint64_t p = 0;
	for (int o = 0; o < below && o < L->e->nr_orders; o++)
		p += (uint64_t)L->demand[o][m] << o;
	return p;
}

/* Pageblock counts per type: the snapshot's, else enough for each type's
 * free blocks, the rest Movable. */
static void pageblocks_from(struct layout *L, const struct fs_zone *sz, uint64_t counted)
{
	struct fs_engine *e = L->e;
	int pbo = e->pageblock_order;
	uint64_t total = 0;
	if (sz->known & FS_ZK_PAGEBLOCKS) {
		for (int m = 0; m < FS_MT_COUNT; m++) {
			L->pbs[m] = (int64_t)sz->pageblocks[m];
			total += sz->pageblocks[m];
		}
		if (total <= counted)
			return;
		warn(L->diags, L->label, "%llu pageblocks counted, but the zone's span holds %llu: "
		     "Movable gets fewer", (unsigned long long)total, (unsigned long long)counted);
		int64_t over = (int64_t)(total - counted);
		for (int m = FS_MT_MOVABLE; over > 0; m = (m + 1) % FS_MT_COUNT) {
			int64_t take = L->pbs[m] < over ? L->pbs[m] : over;
			L->pbs[m] -= take;
			over -= take;
		}
		return;
	}
	uint64_t need[FS_MT_COUNT] = { 0 };
	for (int m = 0; m < FS_MT_COUNT; m++) {
		uint64_t big = 0;
		for (int o = pbo; o < e->nr_orders; o++)
			big += (uint64_t)L->demand[o][m] << (o - pbo);
		/* a block's buddy must not be free too: a pageblock holds at
		 * least half its pages in free blocks of any one order */
		uint64_t small = demand_pages(L, m, pbo);
		need[m] = big + (2 * small + pb_pages(e) - 1) / pb_pages(e);
	}
	if (sz->known & FS_ZK_CMA_PAGES)
		need[FS_MT_CMA] = need[FS_MT_CMA] > sz->cma_pages >> pbo ? need[FS_MT_CMA]
									 : sz->cma_pages >> pbo;
	if (sz->known & FS_ZK_RESERVED_HIGHATOMIC)
		need[FS_MT_HIGHATOMIC] = sz->reserved_highatomic >> pbo;
	for (int m = 0; m < FS_MT_COUNT; m++)
		if (m != FS_MT_MOVABLE) {
			L->pbs[m] = (int64_t)need[m];
			total += need[m];
		}
	L->pbs[FS_MT_MOVABLE] = counted > total ? (int64_t)(counted - total) : 0;
	warn(L->diags, L->label, "pageblock types not in the snapshot: %lld Unmovable, %lld "
	     "Reclaimable, %lld Movable chosen to hold the free lists", (long long)L->pbs[0],
	     (long long)L->pbs[FS_MT_RECLAIMABLE], (long long)L->pbs[FS_MT_MOVABLE]);
}

static bool pb_full(const struct layout *L, uint64_t pb)
{
	uint64_t first = pb << L->e->pageblock_order;
	return slot_in_zone(L->z, first) && slot_in_zone(L->z, first + pb_pages(L->e) - 1);
}

static void shuffle(struct fs_engine *e, uint64_t *v, uint64_t n)
{
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = eng_rand(e) % i;
		uint64_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* Place one free group of 2^g pageblocks (order pbo + g) of type m in a unit. */
static bool place_group(struct layout *L, const uint64_t *units, uint64_t nr_units,
			uint64_t *cursor, uint64_t unit_pbs, int g, int m)
{
	uint64_t size = 1ull << g;
	for (; *cursor < nr_units; (*cursor)++) {
		uint64_t u = units[*cursor];
		for (uint64_t pb = u * unit_pbs; pb < (u + 1) * unit_pbs; pb += size) {
			bool ok = true;
			for (uint64_t k = pb; k < pb + size && ok; k++)
				ok = L->z->pb_mt[k] == HOLE_PB - 1 && pb_full(L, k);
			uint64_t buddy = pb ^ size;
			if (ok && size < unit_pbs && L->grp[buddy] == 1 + g + L->e->pageblock_order)
				ok = false;     /* the buddy is a free group of this order */
			if (!ok)
				continue;
			for (uint64_t k = pb; k < pb + size; k++)
				L->z->pb_mt[k] = (uint8_t)m;
			L->grp[pb] = (uint8_t)(1 + g + L->e->pageblock_order);
			uint64_t slot = pb << L->e->pageblock_order;
			int order = g + L->e->pageblock_order;
			memset(L->z->page + slot, 0, (size_t)1 << order);
			bit_set(L->z->free_map[order], slot >> order);
			return true;
		}
	}
	return false;
}

/* Step 1 and 2: groups in units, then the pageblock types. */
static void place_pageblocks(struct layout *L, uint64_t cma_pbs)
{
	struct fs_engine *e = L->e;
	struct ezone *z = L->z;
	int pbo = e->pageblock_order, maxo = e->nr_orders - 1;
	uint64_t unit_pbs = 1ull << (maxo - pbo);
	uint64_t nr_units = z->nr_pb / unit_pbs;
	uint64_t *units = fs_xcalloc(nr_units + 1, sizeof(*units));
	uint64_t nr_cma_units = (cma_pbs + unit_pbs - 1) / unit_pbs, n_other = 0, n_cma = 0;
	/* the CMA area: the last units that have full pageblocks */
	uint64_t *cma_units = fs_xcalloc(nr_units + 1, sizeof(*cma_units));
	for (uint64_t u = nr_units; u-- > 0;) {
		bool full = false;
		for (uint64_t pb = u * unit_pbs; pb < (u + 1) * unit_pbs && !full; pb++)
			full = pb_full(L, pb);
		if (full && n_cma < nr_cma_units)
			cma_units[n_cma++] = u;
		else
			units[n_other++] = u;
	}
	shuffle(e, units, n_other);
	for (int m = 0; m < FS_MT_COUNT; m++) {
		const uint64_t *list = m == FS_MT_CMA ? cma_units : units;
		uint64_t n = m == FS_MT_CMA ? n_cma : n_other;
		for (int o = maxo; o >= pbo; o--) {
			uint64_t cursor = 0;
			int64_t placed = 0;
			for (; placed < L->demand[o][m]; placed++)
				if (!place_group(L, list, n, &cursor, unit_pbs, o - pbo, m))
					break;
			if (placed < L->demand[o][m])
				warn(L->diags, L->label, "%lld free %s blocks of order %d have no room "
				     "(whole free pageblocks): %lld placed",
				     (long long)L->demand[o][m], fs_mt_name((enum fs_mt)m), o,
				     (long long)placed);
			L->pbs[m] -= placed << (o - pbo);
			L->demand[o][m] = 0;
		}
	}
	/* the remaining pageblocks: CMA at the end, the others shuffled */
	uint64_t *left = fs_xcalloc(z->nr_pb + 1, sizeof(*left));
	uint64_t nl = 0;
	for (uint64_t pb = z->nr_pb; pb-- > 0;)
		if (z->pb_mt[pb] == HOLE_PB - 1 && L->pbs[FS_MT_CMA] > 0 && pb_full(L, pb)) {
			z->pb_mt[pb] = FS_MT_CMA;
			L->pbs[FS_MT_CMA]--;
		}
	for (int m = 0; m < FS_MT_COUNT; m++)
		for (int64_t k = 0; k < L->pbs[m]; k++)
			left[nl < z->nr_pb ? nl++ : nl] = (uint64_t)m;
	shuffle(e, left, nl);
	uint64_t next = 0;
	for (uint64_t pb = 0; pb < z->nr_pb; pb++) {
		if (z->pb_mt[pb] != HOLE_PB - 1)
			continue;
		uint64_t first = pb << pbo;
		bool any = false;
		for (uint64_t s = first; s < first + pb_pages(e) && !any; s++)
			any = slot_in_zone(z, s);
		z->pb_mt[pb] = any && next < nl ? (uint8_t)left[next++] : HOLE_PB;
	}
	free(left);
	free(units);
	free(cma_units);
}

/* Step 3: the largest demanded order <= k of type m, or -1. */
static int demanded(const struct layout *L, int m, int k)
{
	for (int o = k; o >= 0; o--)
		if (L->demand[o][m] > 0)
			return o;
	return -1;
}

static bool region_in_zone(const struct layout *L, uint64_t slot, int k)
{
	return slot_in_zone(L->z, slot) && slot_in_zone(L->z, slot + (1ull << k) - 1);
}

/* Fill [slot, slot + 2^k) with free blocks of type m; true when it became one
 * free block. forbid: the buddy is already wholly free, so this may not be. */
static bool fill(struct layout *L, uint64_t slot, int k, int m, bool forbid)
{
	int d = demanded(L, m, k);
	if (d < 0)
		return false;
	if (d == k && !forbid && region_in_zone(L, slot, k)) {
		memset(L->z->page + slot, 0, (size_t)1 << k);
		bit_set(L->z->free_map[k], slot >> k);
		L->demand[k][m]--;
		return true;
	}
	if (k == 0)
		return false;
	bool whole = fill(L, slot, k - 1, m, false);
	fill(L, slot + (1ull << (k - 1)), k - 1, m, whole);
	return false;
}

static void place_small_blocks(struct layout *L)
{
	struct fs_engine *e = L->e;
	struct ezone *z = L->z;
	uint64_t *order = fs_xcalloc(z->nr_pb + 1, sizeof(*order));
	for (int m = 0; m < FS_MT_COUNT; m++) {
		if (demanded(L, m, e->pageblock_order - 1) < 0)
			continue;
		uint64_t n = 0;
		for (uint64_t pb = 0; pb < z->nr_pb; pb++)
			if (z->pb_mt[pb] == m && z->page[pb << e->pageblock_order] != 0)
				order[n++] = pb;
		shuffle(e, order, n);
		for (uint64_t i = 0; i < n && demanded(L, m, e->pageblock_order - 1) >= 0; i++)
			fill(L, order[i] << e->pageblock_order, e->pageblock_order, m, true);
		for (int o = 0; o < e->pageblock_order; o++)
			if (L->demand[o][m] > 0)
				warn(L->diags, L->label, "%lld free %s blocks of order %d do not fit "
				     "the %s pageblocks and are left out", (long long)L->demand[o][m],
				     fs_mt_name((enum fs_mt)m), o, fs_mt_name((enum fs_mt)m));
	}
	free(order);
}

static uint64_t zone_lru(const struct fs_zone *sz, const char *kind)
{
	int64_t a = 0, b = 0;
	char n1[64], n2[64];
	snprintf(n1, sizeof(n1), "nr_zone_inactive_%s", kind);
	snprintf(n2, sizeof(n2), "nr_zone_active_%s", kind);
	if (!fs_stats_get(&sz->stats, n1, &a) || !fs_stats_get(&sz->stats, n2, &b)) {
		snprintf(n1, sizeof(n1), "nr_inactive_%s", kind);
		snprintf(n2, sizeof(n2), "nr_active_%s", kind);
		if (!fs_stats_get(&sz->stats, n1, &a) || !fs_stats_get(&sz->stats, n2, &b))
			return 0;
	}
	return a + b > 0 ? (uint64_t)(a + b) : 0;
}

/* Step 4: what the allocated pages are. */
static void allocated_pages(struct layout *L, const struct fs_zone *sz, uint64_t reserved,
			    uint64_t pcp)
{
	struct ezone *z = L->z;
	uint64_t movable = 0;
	for (uint64_t s = 0; s < z->nr_slots; s++) {
		if (!slot_in_zone(z, s) || z->page[s] == 0)
			continue;
		enum fs_mt mt = slot_mt(L->e, z, s);
		movable += mt == FS_MT_MOVABLE || mt == FS_MT_CMA;
	}
	uint64_t file = zone_lru(sz, "file");
	uint64_t to_pcp = pcp, acc_file = 0, acc_pcp = 0;
	for (uint64_t s = 0; s < z->nr_slots; s++) {
		if (!slot_in_zone(z, s) || z->page[s] == 0)
			continue;
		if (z->pb_mt[s >> L->e->pageblock_order] == HOLE_PB)
			continue;
		enum fs_mt mt = slot_mt(L->e, z, s);
		if (reserved && mt != FS_MT_CMA) {
			reserved--;
			z->page[s] = PAGE_BYTE(FS_PAGE_RESERVED, 0);
			continue;
		}
		enum fs_page_kind kind = fs_page_kind_for_mt(mt);
		if (mt == FS_MT_MOVABLE || mt == FS_MT_CMA) {
			/* spread page cache and per-cpu pages evenly over the movable pages */
			acc_file += file;
			acc_pcp += pcp;
			if (acc_pcp >= movable && to_pcp) {
				acc_pcp -= movable;
				to_pcp--;
				kind = FS_PAGE_PCP;
			} else if (acc_file >= movable) {
				acc_file -= movable;
				kind = FS_PAGE_FILE;
			}
		}
		z->page[s] = PAGE_BYTE(kind, 0);
	}
	for (uint64_t s = 0; s < z->nr_slots && to_pcp; s++)
		if (slot_in_zone(z, s) && PAGE_KIND(z->page[s]) == FS_PAGE_KERNEL) {
			z->page[s] = PAGE_BYTE(FS_PAGE_PCP, 0);
			to_pcp--;
		}
	if (reserved || to_pcp)
		warn(L->diags, L->label, "%llu reserved and %llu per-cpu pages found no room",
		     (unsigned long long)reserved, (unsigned long long)to_pcp);
}

static void zone_from_snapshot(struct fs_engine *e, struct ezone *z, const struct fs_zone *sz,
			       uint64_t *next_pfn, struct fs_diags *diags)
{
	char label[48];
	snprintf(label, sizeof(label), "Node %d %s", sz->node, sz->name);
	z->node = sz->node;
	fs_copy_str(z->name, sizeof(z->name), sz->name);
	z->rank = fs_zone_type_rank(sz->name);
	uint64_t free_lists = 0;
	for (int o = 0; o < e->nr_orders; o++)
		free_lists += sz->order_blocks[o].value << o;
	z->managed = (sz->known & FS_ZK_MANAGED) ? sz->managed
		     : (sz->known & FS_ZK_PRESENT) ? sz->present : 2 * (free_lists + 1);
	z->present = (sz->known & FS_ZK_PRESENT) ? sz->present : z->managed;
	z->spanned = (sz->known & FS_ZK_SPANNED) ? sz->spanned : z->present;
	if (z->spanned < z->managed)
		z->spanned = z->managed;
	if (!(sz->known & (FS_ZK_MANAGED | FS_ZK_PRESENT)))
		warn(diags, label, "zone size not in the snapshot: %llu pages assumed (twice its "
		     "free pages)", (unsigned long long)z->managed);
	uint64_t align = 1ull << (e->nr_orders - 1);
	z->start_pfn = (sz->known & FS_ZK_START_PFN) ? sz->start_pfn
		       : (*next_pfn + align - 1) & ~(align - 1);
	z->end_pfn = z->start_pfn + z->spanned;
	*next_pfn = z->end_pfn;
	eng_zone_alloc(e, z, (enum fs_mt)(HOLE_PB - 1));
	for (uint64_t sl = 0; sl < z->nr_slots; sl++)   /* allocated until the layout frees it */
		if (slot_in_zone(z, sl))
			z->page[sl] = PAGE_BYTE(FS_PAGE_KERNEL, 0);

	struct layout L = { .e = e, .z = z, .label = label, .diags = diags };
	L.grp = fs_xcalloc(z->nr_pb + 1, 1);
	demand_from(&L, sz);
	uint64_t counted = 0;
	for (uint64_t pb = 0; pb < z->nr_pb; pb++) {
		uint64_t first = pb << e->pageblock_order;
		bool any = false;
		for (uint64_t sl = first; sl < first + pb_pages(e) && !any; sl += 1)
			any = slot_in_zone(z, sl);
		counted += any;
	}
	pageblocks_from(&L, sz, counted);
	uint64_t cma_pbs = (uint64_t)(L.pbs[FS_MT_CMA] > 0 ? L.pbs[FS_MT_CMA] : 0);
	place_pageblocks(&L, cma_pbs);
	place_small_blocks(&L);
	/* holes: pageblocks beyond the counted ones */
	uint64_t in_zone = 0;
	for (uint64_t sl = 0; sl < z->nr_slots; sl++) {
		if (!slot_in_zone(z, sl))
			continue;
		if (z->pb_mt[sl >> e->pageblock_order] == HOLE_PB) {
			z->page[sl] = PAGE_BYTE(FS_PAGE_RESERVED, 0);
			continue;
		}
		in_zone++;
	}
	uint64_t reserved = in_zone > z->managed ? in_zone - z->managed : 0;
	if (in_zone < z->managed)
		warn(diags, label, "managed %llu pages, but the counted pageblocks hold %llu",
		     (unsigned long long)z->managed, (unsigned long long)in_zone);
	uint64_t pcp = (sz->known & FS_ZK_FREE_PCP) ? sz->free_pcp : 0;
	allocated_pages(&L, sz, reserved, pcp);
	free(L.grp);
	z->cma_pages = (sz->known & FS_ZK_CMA_PAGES) ? sz->cma_pages : 0;
	if (!z->cma_pages)
		for (uint64_t pb = 0; pb < z->nr_pb; pb++)
			z->cma_pages += z->pb_mt[pb] == FS_MT_CMA ? pb_pages(e) : 0;
	fs_stats_copy(&z->stats, &sz->stats);
}

static void marks_from(struct fs_engine *e, struct ezone *z, const struct fs_zone *sz,
		       bool *missing)
{
	if (sz->known & FS_ZK_WMARK) {
		z->rz.wmark[FS_WMARK_MIN] = (int64_t)sz->wmark_min;
		z->rz.wmark[FS_WMARK_LOW] = (int64_t)sz->wmark_low;
		z->rz.wmark[FS_WMARK_HIGH] = (int64_t)sz->wmark_high;
	} else {
		*missing = true;
	}
	z->rz.boost = (sz->known & FS_ZK_BOOST) ? (int64_t)sz->wmark_boost : 0;
	for (int w = 0; w < 3; w++) {  /* the printed marks include the boost */
		z->base_wmark[w] = z->rz.wmark[w] - z->rz.boost;
		if (z->base_wmark[w] < 0)
			z->base_wmark[w] = 0;
	}
	if ((sz->known & FS_ZK_PROTECTION) && sz->nr_protection > 0) {
		z->rz.nr_lowmem_reserve = sz->nr_protection;
		for (int j = 0; j < sz->nr_protection && j < FS_MAX_ZONE_TYPES; j++)
			z->rz.lowmem_reserve[j] = (int64_t)sz->protection[j];
		z->has_protection = true;
	}
	uint64_t ha_pbs = 0;
	for (uint64_t pb = 0; pb < z->nr_pb; pb++)
		ha_pbs += z->pb_mt[pb] == FS_MT_HIGHATOMIC;
	z->rz.highatomic_reserved = (int64_t)(ha_pbs << e->pageblock_order);
}

struct fs_engine *fs_engine_from_snapshot(const struct fs_snapshot *s,
					  const struct fs_engine_options *o,
					  struct fs_diags *diags)
{
	const char *src = s->meta.source[0] ? s->meta.source : "snapshot";
	size_t usable = 0;
	for (size_t i = 0; i < s->nr_zones; i++)
		usable += usable_zone(&s->zones[i]);
	if (!usable || usable > FS_ENGINE_MAX_ZONES) {
		fs_diags_add(diags, FS_SEV_ERROR, src, 0, usable ? "more than %d zones" :
			     "no zone with memory: nothing to simulate (%d)", FS_ENGINE_MAX_ZONES);
		return NULL;
	}
	struct fs_engine *e = fs_xmalloc(sizeof(*e));
	engine_init(e, o, s->meta.kernel_release);
	e->nr_orders = fs_snapshot_nr_orders(s);
	if (e->nr_orders < 2 || e->nr_orders > FS_MAX_ORDERS)
		e->nr_orders = e->profile->default_nr_orders;
	unsigned ps = s->meta.page_size ? s->meta.page_size : 4096;
	e->pageblock_order = s->meta.pageblock_order > 0 ? s->meta.pageblock_order
							 : pageblock_order_for(ps, e->nr_orders);
	if (e->pageblock_order > e->nr_orders - 1)
		e->pageblock_order = e->nr_orders - 1;
	meta_init(e, s->meta.kernel_release, ps, s->meta.hostname);
	e->meta.time = s->meta.time;
	e->meta.time_base = s->meta.time_base;
	snprintf(e->meta.source, sizeof(e->meta.source), "engine:%.240s", src);
	e->zones = fs_xcalloc(usable, sizeof(*e->zones));
	uint64_t next_pfn = 0;
	bool no_marks = false;
	for (size_t i = 0; i < s->nr_zones; i++) {
		const struct fs_zone *sz = &s->zones[i];
		if (!usable_zone(sz))
			continue;
		struct ezone *z = &e->zones[e->nr_zones++];
		zone_from_snapshot(e, z, sz, &next_pfn, diags);
		marks_from(e, z, sz, &no_marks);
	}
	qsort(e->zones, e->nr_zones, sizeof(*e->zones), cmp_zone);
	config_from_machine(e, o, s);
	count_zone_types(e);
	for (size_t i = 0; i < s->nr_zones; i++)   /* the printed tuple's length wins */
		if (s->zones[i].nr_protection > e->nr_zone_types &&
		    s->zones[i].nr_protection <= FS_MAX_ZONE_TYPES)
			e->nr_zone_types = s->zones[i].nr_protection;
	if (no_marks) {
		compute_wmarks(e, 0, 0);
		warn(diags, src, "watermarks not in the snapshot: computed from the zone sizes as "
		     "the kernel does at boot");
	}
	bool all_protection = true;
	for (size_t i = 0; i < e->nr_zones; i++)
		all_protection &= e->zones[i].has_protection;
	if (!all_protection)
		compute_lowmem_reserve(e);
	for (size_t i = 0; i < e->nr_zones; i++) {
		struct ezone *z = &e->zones[i];
		const struct fs_zone *sz = fs_snapshot_zone((struct fs_snapshot *)s, z->node, z->name,
							    strlen(z->name), false);
		int64_t ha = z->rz.highatomic_reserved;
		eng_rules_init(e, z);
		z->rz.highatomic_reserved = z->rz.highatomic_reserved_min = ha;
		if (sz && (sz->known & FS_ZK_FREE_PAGES)) {
			z->free_drift = (int64_t)sz->free_pages - z->rz.free_pages;
			z->rz.free_pages = (int64_t)sz->free_pages;
		}
	}
	fs_stats_copy(&e->vmstat, &s->vmstat);
	fs_stats_copy(&e->meminfo, &s->meminfo);
	eng_build_shape(e);
	return e;
}
