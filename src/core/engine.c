/*
 * engine.c - the engine's buddy lists: free blocks as bitmaps per order,
 * lists per (order, migratetype) as bitmaps of pageblocks that hold such a
 * block, merging on free, pageblock type changes; page queries, the
 * invariant checker, cloning.
 *
 * Why bitmaps and not linked lists: a page has one byte of state here (the
 * issue's budget is four), too little for list links, and a bitmap answers
 * the two questions the allocator asks, "is my buddy a free block of this
 * order" and "where is a block of this order and type", in O(1) and a short
 * scan.
 */
#include "engine_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"

static const char *const kind_names[FS_PAGE_KINDS] = {
	"free", "kernel", "anon", "file", "slab", "pcp", "reserved",
};

const char *fs_page_kind_name(enum fs_page_kind k)
{
	return (unsigned)k < FS_PAGE_KINDS ? kind_names[k] : "?";
}

int fs_page_kind_from_name(const char *name)
{
	for (int k = 0; k < FS_PAGE_KINDS; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	if (!strcmp(name, "unmovable"))
		return FS_PAGE_KERNEL;
	if (!strcmp(name, "movable") || !strcmp(name, "anonymous"))
		return FS_PAGE_ANON;
	if (!strcmp(name, "cache") || !strcmp(name, "page-cache") || !strcmp(name, "pagecache"))
		return FS_PAGE_FILE;
	if (!strcmp(name, "reclaimable"))
		return FS_PAGE_SLAB;
	return -1;
}

enum fs_page_kind fs_page_kind_for_mt(enum fs_mt mt)
{
	switch (mt) {
	case FS_MT_MOVABLE:
	case FS_MT_CMA:
		return FS_PAGE_ANON;
	case FS_MT_RECLAIMABLE:
		return FS_PAGE_SLAB;
	default:
		return FS_PAGE_KERNEL;
	}
}

const char *fs_engine_path_name(enum fs_engine_path p)
{
	switch (p) {
	case FS_ENGINE_PATH_NONE: return "failed";
	case FS_ENGINE_PATH_FAST: return "fast path";
	case FS_ENGINE_PATH_SLOW: return "slow path";
	case FS_ENGINE_PATH_COMPACTION: return "after direct compaction";
	case FS_ENGINE_PATH_RECLAIM: return "after direct reclaim";
	}
	return "?";
}

uint64_t eng_rand(struct fs_engine *e)
{
	uint64_t z = (e->rng += 0x9e3779b97f4a7c15ull);  /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- free-list bookkeeping ------------------------------------------------ */

/* Without -mpopcnt the builtin is a libgcc call; this is as fast inline. */
static inline int popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (int)((x * 0x0101010101010101ull) >> 56);
}

static void count_list(struct ezone *z, int o, enum fs_mt mt, int64_t blocks)
{
	int64_t pages = blocks * ((int64_t)1 << o);
	z->rz.blocks[o][mt].value = (uint64_t)((int64_t)z->rz.blocks[o][mt].value + blocks);
	z->rz.nr_free[o].value = (uint64_t)((int64_t)z->rz.nr_free[o].value + blocks);
	z->rz.free_pages += pages;
	if (mt == FS_MT_CMA)
		z->rz.free_cma += pages;
	if (mt == FS_MT_HIGHATOMIC)
		z->rz.highatomic_free += pages;
}

/* Does pageblock pb still hold a free block head of order o (o < pageblock order)? */
static uint64_t pb_range_count(const struct fs_engine *e, const struct ezone *z, uint64_t pb,
			       int o)
{
	uint64_t first = (pb << e->pageblock_order) >> o;
	uint64_t n = (uint64_t)1 << (e->pageblock_order - o);
	const uint64_t *map = z->free_map[o];
	if (n < 64) {
		uint64_t mask = (((uint64_t)1 << n) - 1) << (first & 63);
		return (uint64_t)popcount64(map[first >> 6] & mask);
	}
	uint64_t c = 0;
	for (uint64_t w = first >> 6; w < (first + n) >> 6; w++)
		c += (uint64_t)popcount64(map[w]);
	return c;
}

void eng_free_add(struct fs_engine *e, struct ezone *z, uint64_t slot, int order)
{
	enum fs_mt mt = slot_mt(e, z, slot);
	uint64_t pb = slot >> e->pageblock_order;
	bit_set(z->free_map[order], slot >> order);
	bit_set(z->pb_has[order][mt], pb);
	if ((pb >> 6) < z->pb_hint[order][mt])
		z->pb_hint[order][mt] = pb >> 6;
	count_list(z, order, mt, 1);
}

/* Is any free block of order o (below pageblock order) left in pageblock pb? */
static bool pb_range_any(const struct fs_engine *e, const struct ezone *z, uint64_t pb, int o)
{
	uint64_t first = (pb << e->pageblock_order) >> o;
	uint64_t n = (uint64_t)1 << (e->pageblock_order - o);
	const uint64_t *map = z->free_map[o];
	if (n < 64)
		return map[first >> 6] & ((((uint64_t)1 << n) - 1) << (first & 63));
	uint64_t any = 0;
	for (uint64_t w = first >> 6; w < (first + n) >> 6; w++)
		any |= map[w];
	return any != 0;
}

void eng_free_del(struct fs_engine *e, struct ezone *z, uint64_t slot, int order)
{
	enum fs_mt mt = slot_mt(e, z, slot);
	uint64_t pb = slot >> e->pageblock_order;
	bit_clear(z->free_map[order], slot >> order);
	if (order >= e->pageblock_order || !pb_range_any(e, z, pb, order))
		bit_clear(z->pb_has[order][mt], pb);
	count_list(z, order, mt, -1);
}

uint64_t eng_free_find(struct fs_engine *e, struct ezone *z, int order, enum fs_mt mt)
{
	const uint64_t *has = z->pb_has[order][mt];
	uint64_t w = z->pb_hint[order][mt];
	while (w < z->pb_words && !has[w])
		w++;
	z->pb_hint[order][mt] = w;
	if (w >= z->pb_words)
		return UINT64_MAX;
	uint64_t pb = w * 64 + (uint64_t)__builtin_ctzll(has[w]);
	if (order >= e->pageblock_order)
		return pb << e->pageblock_order;
	uint64_t first = (pb << e->pageblock_order) >> order;
	uint64_t n = (uint64_t)1 << (e->pageblock_order - order);
	const uint64_t *map = z->free_map[order];
	for (uint64_t i = first; i < first + n;) {
		uint64_t word = map[i >> 6] >> (i & 63);
		if (n - (i - first) < 64 - (i & 63))
			word &= ((uint64_t)1 << (n - (i - first))) - 1;
		if (word)
			return (i + (uint64_t)__builtin_ctzll(word)) << order;
		i = (i | 63) + 1;
	}
	return UINT64_MAX;      /* pb_has out of step: fs_engine_check reports it */
}

bool eng_free_block_of(const struct fs_engine *e, const struct ezone *z, uint64_t slot,
		       uint64_t *head, int *order)
{
	if (slot >= z->nr_slots || z->page[slot] != 0)
		return false;
	for (int o = 0; o < e->nr_orders; o++) {
		uint64_t h = slot & ~(((uint64_t)1 << o) - 1);
		if (bit_test(z->free_map[o], h >> o)) {
			*head = h;
			*order = o;
			return true;
		}
	}
	return false;
}

void eng_take(struct fs_engine *e, struct ezone *z, uint64_t slot, int from_order, int order)
{
	eng_free_del(e, z, slot, from_order);
	while (from_order > order) {    /* expand(): the upper halves go back */
		from_order--;
		eng_free_add(e, z, slot + ((uint64_t)1 << from_order), from_order);
	}
}

/* Small orders are most allocations: a loop beats the call to memset. */
static inline void fill_bytes(uint8_t *p, uint8_t v, uint64_t n)
{
	if (n > 8) {
		memset(p, v, n);
		return;
	}
	for (uint64_t i = 0; i < n; i++)
		p[i] = v;
}

void eng_mark(struct ezone *z, uint64_t slot, int order, enum fs_page_kind kind)
{
	uint64_t n = (uint64_t)1 << order;
	fill_bytes(z->page + slot, PAGE_BYTE(kind, order), n);
	z->kind_pages[kind] += n;
}

static bool mergeable(enum fs_mt mt)
{
	return mt == FS_MT_UNMOVABLE || mt == FS_MT_MOVABLE || mt == FS_MT_RECLAIMABLE;
}

/* __free_one_page (6.10+): merge while the buddy is a free block of the same
 * order; at pageblock order and above only with a buddy of the same type or
 * of another mergeable type, whose pageblocks then take this block's type. */
uint64_t eng_release(struct fs_engine *e, struct ezone *z, uint64_t slot, int order, int *merged)
{
	fill_bytes(z->page + slot, 0, (uint64_t)1 << order);
	enum fs_mt mt = slot_mt(e, z, slot);
	while (order < e->nr_orders - 1) {
		uint64_t size = (uint64_t)1 << order;
		uint64_t buddy = slot ^ size;
		if (buddy + size > z->nr_slots || !bit_test(z->free_map[order], buddy >> order))
			break;
		enum fs_mt bmt = slot_mt(e, z, buddy);
		if (bmt != mt && (!mergeable(mt) || !mergeable(bmt)))
			break;
		eng_free_del(e, z, buddy, order);
		if (bmt != mt)
			for (uint64_t pb = buddy >> e->pageblock_order;
			     pb < (buddy + size) >> e->pageblock_order; pb++)
				z->pb_mt[pb] = (uint8_t)mt;
		slot &= ~size;
		order++;
	}
	eng_free_add(e, z, slot, order);
	*merged = order;
	return slot;
}

void eng_set_pb_mt(struct fs_engine *e, struct ezone *z, uint64_t pb, enum fs_mt mt)
{
	enum fs_mt old = (enum fs_mt)z->pb_mt[pb];
	if (old == mt)
		return;
	int pbo = e->pageblock_order;
	for (int o = 0; o < e->nr_orders; o++) {
		uint64_t n;
		if (o < pbo) {
			n = pb_range_count(e, z, pb, o);
		} else {
			uint64_t slot = pb << pbo;
			n = free_head(z, slot, o) ? 1 : 0;
		}
		if (!n)
			continue;
		count_list(z, o, old, -(int64_t)n);
		count_list(z, o, mt, (int64_t)n);
		bit_clear(z->pb_has[o][old], pb);
		bit_set(z->pb_has[o][mt], pb);
		if ((pb >> 6) < z->pb_hint[o][mt])
			z->pb_hint[o][mt] = pb >> 6;
	}
	z->pb_mt[pb] = (uint8_t)mt;
}

void eng_pb_count(const struct fs_engine *e, const struct ezone *z, uint64_t pb, uint64_t *free,
		  uint64_t *movable)
{
	uint64_t first = pb << e->pageblock_order, n = pb_pages(e);
	uint64_t head;
	int order;
	*free = *movable = 0;
	if (eng_free_block_of(e, z, first, &head, &order) && order >= e->pageblock_order) {
		*free = n;
		return;
	}
	for (int o = 0; o < e->pageblock_order && o < e->nr_orders; o++)
		*free += pb_range_count(e, z, pb, o) << o;
	for (uint64_t s = first; s < first + n && s < z->nr_slots; s++) {
		enum fs_page_kind k = PAGE_KIND(z->page[s]);
		*movable += k == FS_PAGE_ANON || k == FS_PAGE_FILE;
	}
}

/* ---- zones ---------------------------------------------------------------- */

void eng_zone_alloc(struct fs_engine *e, struct ezone *z, enum fs_mt mt)
{
	uint64_t max_block = (uint64_t)1 << (e->nr_orders - 1);
	uint64_t align = max_block > pb_pages(e) ? max_block : pb_pages(e);
	z->base = z->start_pfn & ~(align - 1);
	uint64_t end = (z->end_pfn + align - 1) & ~(align - 1);
	z->nr_slots = end - z->base;
	z->page = fs_xmalloc(z->nr_slots ? z->nr_slots : 1);
	memset(z->page, PAGE_BYTE(FS_PAGE_RESERVED, 0), z->nr_slots);
	for (int o = 0; o < e->nr_orders; o++)
		z->free_map[o] = fs_xcalloc(((z->nr_slots >> o) + 63) / 64 + 1, sizeof(uint64_t));
	z->nr_pb = z->nr_slots >> e->pageblock_order;
	z->pb_mt = fs_xmalloc(z->nr_pb ? z->nr_pb : 1);
	memset(z->pb_mt, mt, z->nr_pb);
	z->pb_words = (z->nr_pb + 63) / 64;
	for (int o = 0; o < e->nr_orders; o++)
		for (int m = 0; m < FS_MT_COUNT; m++)
			z->pb_has[o][m] = fs_xcalloc(z->pb_words + 1, sizeof(uint64_t));
}

void eng_zone_free(struct ezone *z)
{
	free(z->page);
	free(z->pb_mt);
	for (int o = 0; o < FS_MAX_ORDERS; o++) {
		free(z->free_map[o]);
		for (int m = 0; m < FS_MT_COUNT; m++)
			free(z->pb_has[o][m]);
	}
	fs_stats_free(&z->stats);
}

void eng_rules_init(struct fs_engine *e, struct ezone *z)
{
	struct fs_rules_zone *rz = &z->rz;
	int64_t wm[3] = { rz->wmark[0], rz->wmark[1], rz->wmark[2] };
	int64_t boost = rz->boost, reserved = rz->highatomic_reserved;
	int64_t lowmem[FS_MAX_ZONE_TYPES];
	int nr_lowmem = rz->nr_lowmem_reserve;
	memcpy(lowmem, rz->lowmem_reserve, sizeof(lowmem));
	memset(rz, 0, sizeof(*rz));
	fs_copy_str(rz->name, sizeof(rz->name), z->name);
	rz->node = z->node;
	rz->rank = z->rank;
	rz->managed = (int64_t)z->managed;
	memcpy(rz->wmark, wm, sizeof(wm));
	rz->boost = boost;
	rz->highatomic_reserved = rz->highatomic_reserved_min = reserved;
	memcpy(rz->lowmem_reserve, lowmem, sizeof(lowmem));
	rz->nr_lowmem_reserve = nr_lowmem;
	rz->nr_orders = e->nr_orders;
	rz->pageblock_order = e->pageblock_order;
	rz->per_type_known = true;
	rz->quiet = true;
	for (int o = 0; o < FS_MAX_ORDERS; o++) {
		rz->nr_free[o].kind = o < e->nr_orders ? FS_COUNT_EXACT : FS_COUNT_NONE;
		for (int m = 0; m < FS_MT_COUNT; m++)
			rz->blocks[o][m].kind = o < e->nr_orders ? FS_COUNT_EXACT : FS_COUNT_NONE;
	}
	for (int o = 0; o < e->nr_orders; o++) {
		for (uint64_t w = 0; w < ((z->nr_slots >> o) + 63) / 64; w++) {
			uint64_t bits = z->free_map[o][w];
			while (bits) {
				uint64_t slot = (w * 64 + (uint64_t)__builtin_ctzll(bits)) << o;
				bits &= bits - 1;
				enum fs_mt mt = slot_mt(e, z, slot);
				bit_set(z->pb_has[o][mt], slot >> e->pageblock_order);
				count_list(z, o, mt, 1);
			}
		}
	}
	rz->free_pages += z->free_drift;
	rz->highatomic_free_min = rz->highatomic_free;
	for (int m = 0; m < FS_PAGE_KINDS; m++)
		z->kind_pages[m] = 0;
	for (uint64_t s = 0; s < z->nr_slots; s++)      /* the zone's pages only */
		if (slot_in_zone(z, s))
			z->kind_pages[PAGE_KIND(z->page[s])]++;
	z->kind_pages[FS_PAGE_FREE] = 0;
}

/* ---- public queries --------------------------------------------------------- */

void fs_engine_set_move_hook(struct fs_engine *e, fs_engine_move_fn fn, void *ctx)
{
	e->move_hook = fn;
	e->move_ctx = ctx;
}

fs_engine_move_fn fs_engine_move_hook(const struct fs_engine *e, void **ctx)
{
	if (ctx)
		*ctx = e->move_ctx;
	return e->move_hook;
}

const struct fs_kprofile *fs_engine_profile(const struct fs_engine *e) { return e->profile; }
const struct fs_kconfig *fs_engine_config(const struct fs_engine *e) { return &e->config; }
size_t fs_engine_nr_zones(const struct fs_engine *e) { return e->nr_zones; }
double fs_engine_time(const struct fs_engine *e) { return e->time; }

void fs_engine_stats(const struct fs_engine *e, struct fs_engine_stats *out)
{
	*out = e->stats;
}

static uint64_t lists_pages(const struct ezone *z)
{
	return (uint64_t)(z->rz.free_pages - z->free_drift);
}

void fs_engine_zone_info(const struct fs_engine *e, size_t zone, struct fs_engine_zone_info *out)
{
	memset(out, 0, sizeof(*out));
	if (zone >= e->nr_zones)
		return;
	const struct ezone *z = &e->zones[zone];
	out->node = z->node;
	fs_copy_str(out->name, sizeof(out->name), z->name);
	out->start_pfn = z->start_pfn;
	out->end_pfn = z->end_pfn;
	out->managed = z->managed;
	out->free_pages = (uint64_t)z->rz.free_pages;
	out->pcp_pages = z->kind_pages[FS_PAGE_PCP];
	out->nr_pageblocks = z->nr_pb;
	out->pageblock_order = e->pageblock_order;
	out->nr_orders = e->nr_orders;
	memcpy(out->kind_pages, z->kind_pages, sizeof(out->kind_pages));
	out->kind_pages[FS_PAGE_FREE] = lists_pages(z);
}

int fs_engine_zone_of(const struct fs_engine *e, uint64_t pfn)
{
	if (e->nr_zones == 1)
		return pfn >= e->zones[0].start_pfn && pfn < e->zones[0].end_pfn ? 0 : -1;
	for (size_t i = 0; i < e->nr_zones; i++)
		if (pfn >= e->zones[i].start_pfn && pfn < e->zones[i].end_pfn)
			return (int)i;
	return -1;
}

bool fs_engine_page(const struct fs_engine *e, uint64_t pfn, struct fs_page_info *out)
{
	int zi = fs_engine_zone_of(e, pfn);
	if (zi < 0)
		return false;
	const struct ezone *z = &e->zones[zi];
	uint64_t slot = pfn - z->base;
	uint8_t b = z->page[slot];
	memset(out, 0, sizeof(*out));
	out->pageblock_mt = slot_mt(e, z, slot);
	out->kind = PAGE_KIND(b);
	if (b == 0) {
		uint64_t head = slot;
		int order = 0;
		eng_free_block_of(e, z, slot, &head, &order);
		out->head = z->base + head;
		out->order = order;
		return true;
	}
	out->order = PAGE_ORDER(b);
	out->head = z->base + (slot & ~(((uint64_t)1 << out->order) - 1));
	return true;
}

void fs_engine_pageblock(const struct fs_engine *e, size_t zone, uint64_t pb,
			 struct fs_pageblock_info *out)
{
	memset(out, 0, sizeof(*out));
	out->largest_free_order = -1;
	if (zone >= e->nr_zones || pb >= e->zones[zone].nr_pb)
		return;
	const struct ezone *z = &e->zones[zone];
	out->mt = z->pb_mt[pb] == HOLE_PB ? FS_MT_COUNT : (enum fs_mt)z->pb_mt[pb];
	uint64_t first = pb << e->pageblock_order;
	if (z->pb_mt[pb] == HOLE_PB) {  /* all reserved: no need to look at its pages */
		uint64_t lo = z->base + first, hi = lo + pb_pages(e);
		lo = lo > z->start_pfn ? lo : z->start_pfn;
		hi = hi < z->end_pfn ? hi : z->end_pfn;
		out->nr_pages = (uint16_t)(hi > lo ? hi - lo : 0);
		out->kind_pages[FS_PAGE_RESERVED] = out->nr_pages;
		return;
	}
	for (uint64_t s = first; s < first + pb_pages(e); s++) {
		if (!slot_in_zone(z, s))
			continue;
		out->nr_pages++;
		out->kind_pages[PAGE_KIND(z->page[s])]++;
	}
	uint64_t head;
	int order;
	if (eng_free_block_of(e, z, first, &head, &order) && order >= e->pageblock_order) {
		out->largest_free_order = order;
		return;
	}
	for (int o = e->pageblock_order - 1; o >= 0; o--)
		if (o < e->nr_orders && pb_range_count(e, z, pb, o)) {
			out->largest_free_order = o;
			break;
		}
}

size_t fs_engine_memory(const struct fs_engine *e)
{
	size_t bytes = sizeof(*e);
	for (size_t i = 0; i < e->nr_zones; i++) {
		const struct ezone *z = &e->zones[i];
		bytes += sizeof(*z) + z->nr_slots + z->nr_pb;
		for (int o = 0; o < e->nr_orders; o++)
			bytes += (((z->nr_slots >> o) + 63) / 64 + 1) * 8 +
				 FS_MT_COUNT * (z->pb_words + 1) * 8;
	}
	return bytes;
}

/* ---- free ------------------------------------------------------------------ */

bool fs_engine_free_page(struct fs_engine *e, uint64_t pfn, struct fs_free_result *r)
{
	r->ok = false;
	r->head = r->merged_head = 0;
	r->order = r->merged_order = 0;
	r->mt = FS_MT_UNMOVABLE;
	r->reason[0] = '\0';
	int zi = fs_engine_zone_of(e, pfn);
	if (zi < 0) {
		snprintf(r->reason, sizeof(r->reason), "pfn %#llx is in no zone",
			 (unsigned long long)pfn);
		return false;
	}
	struct ezone *z = &e->zones[zi];
	uint64_t slot = pfn - z->base;
	uint8_t b = z->page[slot];
	enum fs_page_kind kind = PAGE_KIND(b);
	if (kind == FS_PAGE_FREE || kind == FS_PAGE_PCP || kind == FS_PAGE_RESERVED) {
		snprintf(r->reason, sizeof(r->reason), "pfn %#llx is %s, not allocated",
			 (unsigned long long)pfn, kind == FS_PAGE_FREE ? "free"
			 : kind == FS_PAGE_PCP ? "on a per-cpu list" : "reserved");
		return false;
	}
	int order = PAGE_ORDER(b), merged;
	slot &= ~(((uint64_t)1 << order) - 1);
	z->kind_pages[kind] -= (uint64_t)1 << order;
	r->head = z->base + slot;
	r->order = order;
	uint64_t head = eng_release(e, z, slot, order, &merged);
	r->merged_head = z->base + head;
	r->merged_order = merged;
	r->mt = slot_mt(e, z, head);
	r->ok = true;
	e->stats.frees++;
	return true;
}

/* ---- the checker ------------------------------------------------------------- */

#define FAIL(...) do { snprintf(why, why_size, __VA_ARGS__); return false; } while (0)

static bool check_zone(const struct fs_engine *e, const struct ezone *z, char *why,
		       size_t why_size)
{
	int64_t blocks[FS_MAX_ORDERS][FS_MT_COUNT] = { { 0 } };
	uint64_t kinds[FS_PAGE_KINDS] = { 0 }, free_pages = 0;
	int pbo = e->pageblock_order;
	for (uint64_t s = 0; s < z->nr_slots;) {
		uint8_t b = z->page[s];
		if (b != 0) {
			if (PAGE_KIND(b) >= FS_PAGE_KINDS)
				FAIL("%s: slot %llu has kind %d", z->name, (unsigned long long)s,
				     PAGE_KIND(b));
			if (!slot_in_zone(z, s) && PAGE_KIND(b) != FS_PAGE_RESERVED)
				FAIL("%s: pfn %#llx outside the zone is %s", z->name,
				     (unsigned long long)(z->base + s), fs_page_kind_name(PAGE_KIND(b)));
			for (int o = 0; o < e->nr_orders; o++)
				if (bit_test(z->free_map[o], s >> o) && !(s & ((1ull << o) - 1)))
					FAIL("%s: pfn %#llx is allocated but a free block of order "
					     "%d starts there", z->name,
					     (unsigned long long)(z->base + s), o);
			if (slot_in_zone(z, s))
				kinds[PAGE_KIND(b)]++;
			s++;
			continue;
		}
		uint64_t head;
		int o;
		if (!eng_free_block_of(e, z, s, &head, &o) || head != s)
			FAIL("%s: pfn %#llx is marked free but starts no free block", z->name,
			     (unsigned long long)(z->base + s));
		uint64_t size = 1ull << o;
		if (s + size > z->nr_slots)
			FAIL("%s: free block at pfn %#llx order %d runs past the zone", z->name,
			     (unsigned long long)(z->base + s), o);
		for (uint64_t t = s; t < s + size; t++) {
			if (z->page[t] != 0)
				FAIL("%s: free block at pfn %#llx order %d overlaps an allocated page "
				     "at %#llx", z->name, (unsigned long long)(z->base + s), o,
				     (unsigned long long)(z->base + t));
			if (!slot_in_zone(z, t))
				FAIL("%s: free block at pfn %#llx order %d leaves the zone", z->name,
				     (unsigned long long)(z->base + s), o);
			for (int p = 0; p < e->nr_orders && t > s; p++)
				if (!(t & ((1ull << p) - 1)) && bit_test(z->free_map[p], t >> p))
					FAIL("%s: free blocks overlap at pfn %#llx", z->name,
					     (unsigned long long)(z->base + t));
		}
		enum fs_mt mt = slot_mt(e, z, s);
		if (o >= pbo)
			for (uint64_t pb = s >> pbo; pb < (s + size) >> pbo; pb++)
				if (z->pb_mt[pb] != mt)
					FAIL("%s: free block at pfn %#llx order %d spans pageblocks "
					     "of types %s and %s", z->name, (unsigned long long)(z->base + s),
					     o, fs_mt_name(mt), fs_mt_name((enum fs_mt)z->pb_mt[pb]));
		if (o < e->nr_orders - 1) {
			uint64_t buddy = s ^ size;
			enum fs_mt bmt = buddy < z->nr_slots ? slot_mt(e, z, buddy) : mt;
			bool may_merge = bmt == mt || (mergeable(mt) && mergeable(bmt));
			if (buddy + size <= z->nr_slots && bit_test(z->free_map[o], buddy >> o) &&
			    may_merge)
				FAIL("%s: free buddies at pfn %#llx and %#llx of order %d are not merged",
				     z->name, (unsigned long long)(z->base + s),
				     (unsigned long long)(z->base + buddy), o);
		}
		if (!bit_test(z->pb_has[o][mt], s >> pbo))
			FAIL("%s: free block at pfn %#llx order %d is missing from the %s list",
			     z->name, (unsigned long long)(z->base + s), o, fs_mt_name(mt));
		blocks[o][mt]++;
		free_pages += size;
		s += size;
	}
	for (int o = 0; o < e->nr_orders; o++) {
		int64_t total = 0;
		for (int m = 0; m < FS_MT_COUNT; m++) {
			total += blocks[o][m];
			if ((int64_t)z->rz.blocks[o][m].value != blocks[o][m])
				FAIL("%s: %s order %d counts %llu blocks, a recount finds %lld", z->name,
				     fs_mt_name((enum fs_mt)m), o,
				     (unsigned long long)z->rz.blocks[o][m].value, (long long)blocks[o][m]);
			for (uint64_t pb = 0; pb < z->nr_pb; pb++)
				if (bit_test(z->pb_has[o][m], pb) &&
				    (z->pb_mt[pb] != m || (o < pbo ? !pb_range_count(e, z, pb, o)
							   : !free_head(z, pb << pbo, o))))
					FAIL("%s: pageblock %llu is on the %s order-%d list without "
					     "such a block", z->name, (unsigned long long)pb,
					     fs_mt_name((enum fs_mt)m), o);
		}
		if ((int64_t)z->rz.nr_free[o].value != total)
			FAIL("%s: order %d counts %llu blocks, a recount finds %lld", z->name, o,
			     (unsigned long long)z->rz.nr_free[o].value, (long long)total);
	}
	if ((uint64_t)(z->rz.free_pages - z->free_drift) != free_pages)
		FAIL("%s: free pages %lld (drift %lld), a recount finds %llu", z->name,
		     (long long)z->rz.free_pages, (long long)z->free_drift,
		     (unsigned long long)free_pages);
	for (int k = 1; k < FS_PAGE_KINDS; k++)
		if (kinds[k] != z->kind_pages[k])
			FAIL("%s: %llu %s pages counted, a recount finds %llu", z->name,
			     (unsigned long long)z->kind_pages[k], fs_page_kind_name((enum fs_page_kind)k),
			     (unsigned long long)kinds[k]);
	int64_t cma = 0, ha = 0;
	for (int o = 0; o < e->nr_orders; o++) {
		cma += blocks[o][FS_MT_CMA] << o;
		ha += blocks[o][FS_MT_HIGHATOMIC] << o;
	}
	if (cma != z->rz.free_cma || ha != z->rz.highatomic_free)
		FAIL("%s: free CMA %lld / HighAtomic %lld counted, a recount finds %lld / %lld",
		     z->name, (long long)z->rz.free_cma, (long long)z->rz.highatomic_free,
		     (long long)cma, (long long)ha);
	uint64_t ha_blocks = 0;
	for (uint64_t pb = 0; pb < z->nr_pb; pb++)
		ha_blocks += z->pb_mt[pb] == FS_MT_HIGHATOMIC;
	if ((int64_t)(ha_blocks << pbo) != z->rz.highatomic_reserved)
		FAIL("%s: highatomic reserve %lld pages, but %llu pageblocks are HighAtomic",
		     z->name, (long long)z->rz.highatomic_reserved, (unsigned long long)ha_blocks);
	return true;
}

bool fs_engine_check(const struct fs_engine *e, char *why, size_t why_size)
{
	for (size_t i = 0; i < e->nr_zones; i++)
		if (!check_zone(e, &e->zones[i], why, why_size))
			return false;
	if (why_size)
		why[0] = '\0';
	return true;
}

/* ---- life cycle ------------------------------------------------------------ */

static void copy_zone(const struct fs_engine *e, struct ezone *dst, const struct ezone *src)
{
	*dst = *src;
	dst->page = fs_xmalloc(src->nr_slots ? src->nr_slots : 1);
	memcpy(dst->page, src->page, src->nr_slots);
	dst->pb_mt = fs_xmalloc(src->nr_pb ? src->nr_pb : 1);
	memcpy(dst->pb_mt, src->pb_mt, src->nr_pb);
	for (int o = 0; o < FS_MAX_ORDERS; o++) {
		dst->free_map[o] = NULL;
		for (int m = 0; m < FS_MT_COUNT; m++)
			dst->pb_has[o][m] = NULL;
		if (o >= e->nr_orders)
			continue;
		size_t words = ((src->nr_slots >> o) + 63) / 64 + 1;
		dst->free_map[o] = fs_xmalloc(words * 8);
		memcpy(dst->free_map[o], src->free_map[o], words * 8);
		for (int m = 0; m < FS_MT_COUNT; m++) {
			dst->pb_has[o][m] = fs_xmalloc((src->pb_words + 1) * 8);
			memcpy(dst->pb_has[o][m], src->pb_has[o][m], (src->pb_words + 1) * 8);
		}
	}
	memset(&dst->stats, 0, sizeof(dst->stats));
	fs_stats_copy(&dst->stats, &src->stats);
}

struct fs_engine *fs_engine_clone(const struct fs_engine *e)
{
	struct fs_engine *c = fs_xmalloc(sizeof(*c));
	*c = *e;
	c->zones = fs_xcalloc(e->nr_zones ? e->nr_zones : 1, sizeof(*c->zones));
	for (size_t i = 0; i < e->nr_zones; i++)
		copy_zone(e, &c->zones[i], &e->zones[i]);
	c->shape = fs_snapshot_clone(e->shape);
	c->move_hook = NULL;
	c->move_ctx = NULL;
	memset(c->reqs, 0, sizeof(c->reqs));
	c->last_req = NULL;
	memset(&c->vmstat, 0, sizeof(c->vmstat));
	memset(&c->meminfo, 0, sizeof(c->meminfo));
	memset(&c->nodestats, 0, sizeof(c->nodestats));
	fs_stats_copy(&c->vmstat, &e->vmstat);
	fs_stats_copy(&c->meminfo, &e->meminfo);
	fs_stats_copy(&c->nodestats, &e->nodestats);
	return c;
}

void fs_engine_free(struct fs_engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nr_zones; i++)
		eng_zone_free(&e->zones[i]);
	free(e->zones);
	for (size_t i = 0; i < ENGINE_REQ_CACHE; i++)
		if (e->reqs[i].used)
			fs_zonelist_clear(&e->reqs[i].zl);
	fs_snapshot_free(e->shape);
	fs_stats_free(&e->vmstat);
	fs_stats_free(&e->meminfo);
	fs_stats_free(&e->nodestats);
	free(e);
}
