/*
 * tui_pbmap.h - the engine's pageblock map as cells: one cell per
 * pageblock of a zone, coloured by its migratetype and shaded by how much
 * of it is in use. Where the zone has more pageblocks than the pane has
 * cells, one cell stands for several consecutive ones and shows their
 * majority type and their fill together. Pageblocks without a page the
 * allocator manages (all reserved: holes, memblock) are left out, so that
 * the map shows the memory that is there. No ncurses: tested directly.
 */
#ifndef FRAGSCOPE_TUI_PBMAP_H
#define FRAGSCOPE_TUI_PBMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/engine.h"

/* Fill levels: 0 every page free, 1 under a third in use, 2 under two
 * thirds, 3 more, 4 no page free. */
#define TUI_PB_LEVELS 5

struct tui_pb_cell {
	uint8_t mt;             /* enum fs_mt: the majority type of its pageblocks */
	uint8_t level;          /* 0 .. TUI_PB_LEVELS-1 */
};

struct tui_pbmap {
	bool valid;
	int engine_zone;                /* the zone in the engine; -1 none */
	uint64_t nr_pageblocks;         /* in the map */
	uint64_t reserved_blocks;       /* left out: no managed page in them */
	uint64_t per_cell;              /* pageblocks one cell stands for, >= 1 */
	size_t nr_cells;
	struct tui_pb_cell *cells;
	size_t cap;
	uint64_t mt_blocks[FS_MT_COUNT];        /* pageblocks of each type in the map */
	/* what it was computed for (the view recomputes when one changes) */
	const void *engine;
	size_t stamp;                   /* the source's frame count */
	size_t max_cells;
};

/* The level of a pageblock (or group) with used of pages in use. */
int tui_pb_level(uint64_t used, uint64_t pages);
/* The engine zone of (node, name), or -1. */
int tui_pbmap_zone(const struct fs_engine *e, int node, const char *name);
/* Cells for engine_zone in at most max_cells (>= 1). */
void tui_pbmap_compute(struct tui_pbmap *m, const struct fs_engine *e, int engine_zone,
		       size_t max_cells);
void tui_pbmap_free(struct tui_pbmap *m);

#endif
