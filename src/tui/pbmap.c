/*
 * pbmap.c - the engine's pageblock map as cells (see tui_pbmap.h).
 */
#include "fragscope/tui_pbmap.h"

#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"

int tui_pb_level(uint64_t used, uint64_t pages)
{
	if (pages == 0 || used == 0)
		return 0;
	if (used >= pages)
		return TUI_PB_LEVELS - 1;
	/* thirds of the pages in use: 1, 2, 3 */
	uint64_t third = used * 3 / pages;
	return 1 + (int)(third > 2 ? 2 : third);
}

int tui_pbmap_zone(const struct fs_engine *e, int node, const char *name)
{
	size_t n = e ? fs_engine_nr_zones(e) : 0;
	for (size_t z = 0; z < n; z++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, z, &zi);
		if (zi.node == node && strcmp(zi.name, name) == 0)
			return (int)z;
	}
	return -1;
}

/* Free pages of a pageblock: on the buddy lists or per-cpu. */
static uint64_t pb_free(const struct fs_pageblock_info *pb)
{
	return (uint64_t)pb->kind_pages[FS_PAGE_FREE] + pb->kind_pages[FS_PAGE_PCP];
}

/* One pageblock as the map counts it. */
struct pb_fill {
	uint8_t mt;
	uint16_t used, pages;
};

/* Every pageblock of the zone with a page the allocator manages (one all
 * reserved, a hole or memblock, is left out); returns how many. */
static uint64_t collect(struct tui_pbmap *m, const struct fs_engine *e, size_t zone,
			uint64_t nr, struct pb_fill *out)
{
	uint64_t n = 0;
	for (uint64_t pb = 0; pb < nr; pb++) {
		struct fs_pageblock_info info;
		fs_engine_pageblock(e, zone, pb, &info);
		uint64_t reserved = info.kind_pages[FS_PAGE_RESERVED];
		if (info.nr_pages <= reserved) {
			m->reserved_blocks++;
			continue;
		}
		enum fs_mt mt = info.mt < FS_MT_COUNT ? info.mt : FS_MT_UNMOVABLE;
		uint64_t pages = info.nr_pages - reserved, f = pb_free(&info);
		m->mt_blocks[mt]++;
		out[n++] = (struct pb_fill){ (uint8_t)mt, (uint16_t)(pages > f ? pages - f : 0),
					     (uint16_t)pages };
	}
	return n;
}

void tui_pbmap_compute(struct tui_pbmap *m, const struct fs_engine *e, int engine_zone,
		       size_t max_cells)
{
	m->valid = false;
	m->nr_cells = 0;
	m->nr_pageblocks = m->reserved_blocks = 0;
	m->per_cell = 1;
	m->engine_zone = engine_zone;
	memset(m->mt_blocks, 0, sizeof(m->mt_blocks));
	if (!e || engine_zone < 0 || (size_t)engine_zone >= fs_engine_nr_zones(e) || max_cells == 0)
		return;
	struct fs_engine_zone_info zi;
	fs_engine_zone_info(e, (size_t)engine_zone, &zi);
	struct pb_fill *fill = fs_xcalloc(zi.nr_pageblocks ? zi.nr_pageblocks : 1, sizeof(*fill));
	uint64_t nr = collect(m, e, (size_t)engine_zone, zi.nr_pageblocks, fill);
	m->nr_pageblocks = nr;
	m->per_cell = nr > max_cells ? (nr + max_cells - 1) / max_cells : 1;
	size_t cells = (size_t)((nr + m->per_cell - 1) / m->per_cell);
	if (cells > m->cap) {
		free(m->cells);
		m->cells = fs_xcalloc(cells, sizeof(*m->cells));
		m->cap = cells;
	}
	for (size_t c = 0; c < cells; c++) {
		uint64_t votes[FS_MT_COUNT] = { 0 }, used = 0, pages = 0;
		uint64_t from = (uint64_t)c * m->per_cell;
		uint64_t to = from + m->per_cell < nr ? from + m->per_cell : nr;
		for (uint64_t i = from; i < to; i++) {
			votes[fill[i].mt]++;
			used += fill[i].used;
			pages += fill[i].pages;
		}
		/* the majority type; a tie goes to the type listed first */
		int best = 0;
		for (int t = 1; t < FS_MT_COUNT; t++)
			if (votes[t] > votes[best])
				best = t;
		m->cells[c].mt = (uint8_t)best;
		m->cells[c].level = (uint8_t)tui_pb_level(used, pages);
	}
	free(fill);
	m->nr_cells = cells;
	m->valid = true;
}

void tui_pbmap_free(struct tui_pbmap *m)
{
	free(m->cells);
	memset(m, 0, sizeof(*m));
	m->engine_zone = -1;
}
