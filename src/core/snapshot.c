/* snapshot.c - the snapshot model: zones, nodes, named counters. */
#include "fragscope/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fragscope/util.h"

static const struct {
	const char *name;
	char letter;
} mt_table[FS_MT_COUNT] = {
	[FS_MT_UNMOVABLE] = { "Unmovable", 'U' },
	[FS_MT_MOVABLE] = { "Movable", 'M' },
	[FS_MT_RECLAIMABLE] = { "Reclaimable", 'E' },
	[FS_MT_HIGHATOMIC] = { "HighAtomic", 'H' },
	[FS_MT_CMA] = { "CMA", 'C' },
	[FS_MT_ISOLATE] = { "Isolate", 'I' },
	[FS_MT_RESERVE] = { "Reserve", 'R' },
};

const char *fs_mt_name(enum fs_mt mt)
{
	return (unsigned)mt < FS_MT_COUNT ? mt_table[mt].name : "?";
}

char fs_mt_letter(enum fs_mt mt)
{
	return (unsigned)mt < FS_MT_COUNT ? mt_table[mt].letter : '?';
}

int fs_mt_from_name(const char *name, size_t len)
{
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		if (strlen(mt_table[mt].name) == len && strncasecmp(mt_table[mt].name, name, len) == 0)
			return mt;
	return -1;
}

int fs_mt_from_letter(char letter)
{
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		if (mt_table[mt].letter == letter)
			return mt;
	return -1;
}

void fs_stats_set(struct fs_stats *s, const char *name, int64_t value)
{
	for (size_t i = 0; i < s->count; i++) {
		if (strcmp(s->items[i].name, name) == 0) {
			s->items[i].value = value;
			return;
		}
	}
	fs_grow((void **)&s->items, &s->cap, s->count + 1, sizeof(*s->items));
	struct fs_stat *st = &s->items[s->count++];
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->value = value;
}

bool fs_stats_get(const struct fs_stats *s, const char *name, int64_t *value)
{
	for (size_t i = 0; i < s->count; i++) {
		if (strcmp(s->items[i].name, name) == 0) {
			if (value)
				*value = s->items[i].value;
			return true;
		}
	}
	return false;
}

void fs_stats_free(struct fs_stats *s)
{
	free(s->items);
	s->items = NULL;
	s->count = s->cap = 0;
}

void fs_stats_copy(struct fs_stats *dst, const struct fs_stats *src)
{
	fs_stats_free(dst);
	if (!src->count)
		return;
	dst->items = fs_xmalloc(src->count * sizeof(*dst->items));
	memcpy(dst->items, src->items, src->count * sizeof(*dst->items));
	dst->count = dst->cap = src->count;
}

void fs_snapshot_init(struct fs_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->meta.pageblock_order = -1;
}

struct fs_snapshot *fs_snapshot_new(void)
{
	struct fs_snapshot *s = fs_xmalloc(sizeof(*s));
	fs_snapshot_init(s);
	return s;
}

void fs_snapshot_clear(struct fs_snapshot *s)
{
	for (size_t i = 0; i < s->nr_zones; i++)
		fs_stats_free(&s->zones[i].stats);
	for (size_t i = 0; i < s->nr_nodes; i++)
		fs_stats_free(&s->nodes[i].stats);
	free(s->zones);
	free(s->nodes);
	fs_stats_free(&s->vmstat);
	fs_stats_free(&s->meminfo);
	fs_diags_clear(&s->diags);
	fs_snapshot_init(s);
}

void fs_snapshot_free(struct fs_snapshot *s)
{
	if (!s)
		return;
	fs_snapshot_clear(s);
	free(s);
}

struct fs_snapshot *fs_snapshot_clone(const struct fs_snapshot *s)
{
	struct fs_snapshot *c = fs_snapshot_new();
	c->meta = s->meta;
	if (s->nr_zones) {
		c->zones = fs_xmalloc(s->nr_zones * sizeof(*c->zones));
		memcpy(c->zones, s->zones, s->nr_zones * sizeof(*c->zones));
		c->nr_zones = c->zones_cap = s->nr_zones;
		for (size_t i = 0; i < s->nr_zones; i++) {
			memset(&c->zones[i].stats, 0, sizeof(c->zones[i].stats));
			fs_stats_copy(&c->zones[i].stats, &s->zones[i].stats);
		}
	}
	if (s->nr_nodes) {
		c->nodes = fs_xmalloc(s->nr_nodes * sizeof(*c->nodes));
		memcpy(c->nodes, s->nodes, s->nr_nodes * sizeof(*c->nodes));
		c->nr_nodes = c->nodes_cap = s->nr_nodes;
		for (size_t i = 0; i < s->nr_nodes; i++) {
			memset(&c->nodes[i].stats, 0, sizeof(c->nodes[i].stats));
			fs_stats_copy(&c->nodes[i].stats, &s->nodes[i].stats);
		}
	}
	fs_stats_copy(&c->vmstat, &s->vmstat);
	fs_stats_copy(&c->meminfo, &s->meminfo);
	fs_diags_append(&c->diags, &s->diags);
	return c;
}

int fs_zone_type_rank(const char *name)
{
	static const char *const ranks[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable",
					     "Device" };
	for (size_t i = 0; i < sizeof(ranks) / sizeof(ranks[0]); i++)
		if (strcmp(ranks[i], name) == 0)
			return (int)i;
	return -1;
}

/* Sort key: unknown zone names go after the known ones, in arrival order. */
static int zone_sort_rank(const char *name)
{
	int rank = fs_zone_type_rank(name);
	return rank < 0 ? 100 : rank;
}

struct fs_zone *fs_snapshot_zone(struct fs_snapshot *s, int node, const char *name,
				 size_t name_len, bool create)
{
	char key[FS_ZONE_NAME_MAX];
	if (name_len >= sizeof(key) || name_len == 0)
		return NULL;
	memcpy(key, name, name_len);
	key[name_len] = '\0';

	size_t at = s->nr_zones;
	int rank = zone_sort_rank(key);
	for (size_t i = 0; i < s->nr_zones; i++) {
		struct fs_zone *z = &s->zones[i];
		if (z->node == node && strcmp(z->name, key) == 0)
			return z;
		if (at == s->nr_zones &&
		    (z->node > node || (z->node == node && zone_sort_rank(z->name) > rank)))
			at = i;
	}
	if (!create || node < 0 || node >= FS_MAX_NODES || s->nr_zones >= FS_MAX_ZONES)
		return NULL;
	fs_grow((void **)&s->zones, &s->zones_cap, s->nr_zones + 1, sizeof(*s->zones));
	memmove(&s->zones[at + 1], &s->zones[at], (s->nr_zones - at) * sizeof(*s->zones));
	s->nr_zones++;
	struct fs_zone *z = &s->zones[at];
	memset(z, 0, sizeof(*z));
	z->node = node;
	z->populated = true;
	memcpy(z->name, key, name_len + 1);
	fs_snapshot_node(s, node, true);
	return z;
}

struct fs_node *fs_snapshot_node(struct fs_snapshot *s, int node, bool create)
{
	size_t at = s->nr_nodes;
	for (size_t i = 0; i < s->nr_nodes; i++) {
		if (s->nodes[i].id == node)
			return &s->nodes[i];
		if (at == s->nr_nodes && s->nodes[i].id > node)
			at = i;
	}
	if (!create || node < 0 || node >= FS_MAX_NODES)
		return NULL;
	fs_grow((void **)&s->nodes, &s->nodes_cap, s->nr_nodes + 1, sizeof(*s->nodes));
	memmove(&s->nodes[at + 1], &s->nodes[at], (s->nr_nodes - at) * sizeof(*s->nodes));
	s->nr_nodes++;
	memset(&s->nodes[at], 0, sizeof(s->nodes[at]));
	s->nodes[at].id = node;
	return &s->nodes[at];
}

void fs_meta_note_mt(struct fs_meta *m, enum fs_mt mt)
{
	if ((unsigned)mt >= FS_MT_COUNT)
		return;
	for (int i = 0; i < m->nr_mt_order; i++)
		if (m->mt_order[i] == mt)
			return;
	if (m->nr_mt_order < FS_MT_COUNT)
		m->mt_order[m->nr_mt_order++] = (uint8_t)mt;
}

int fs_zone_rows_in_order(const struct fs_snapshot *s, const struct fs_zone *z,
			  enum fs_mt out[FS_MT_COUNT])
{
	int n = 0;
	uint32_t done = 0;
	for (int i = 0; i < s->meta.nr_mt_order && i < FS_MT_COUNT; i++) {
		unsigned mt = s->meta.mt_order[i];
		if (mt < FS_MT_COUNT && (z->mt_rows & (1u << mt)) && !(done & (1u << mt))) {
			out[n++] = (enum fs_mt)mt;
			done |= 1u << mt;
		}
	}
	for (unsigned mt = 0; mt < FS_MT_COUNT; mt++)
		if ((z->mt_rows & (1u << mt)) && !(done & (1u << mt)))
			out[n++] = (enum fs_mt)mt;
	return n;
}

uint64_t fs_zone_area_pages(const struct fs_zone *z)
{
	uint64_t pages = 0;
	for (int o = 0; o < FS_MAX_ORDERS; o++)
		pages += z->order_blocks[o].value << o;
	return pages;
}

uint64_t fs_zone_mt_pages(const struct fs_zone *z, enum fs_mt mt, bool *exact)
{
	uint64_t pages = 0;
	bool all_exact = true;
	for (int o = 0; o < FS_MAX_ORDERS; o++) {
		struct fs_count c = z->mt_blocks[mt][o];
		if (c.kind == FS_COUNT_EXACT || c.kind == FS_COUNT_CAPPED ||
		    c.kind == FS_COUNT_NONEMPTY)
			pages += c.value << o;
		if (c.kind == FS_COUNT_CAPPED || c.kind == FS_COUNT_NONEMPTY)
			all_exact = false;
	}
	if (exact)
		*exact = all_exact;
	return pages;
}

int fs_snapshot_nr_orders(const struct fs_snapshot *s)
{
	if (s->meta.nr_orders > 0)
		return s->meta.nr_orders;
	int highest = -1;
	for (size_t i = 0; i < s->nr_zones; i++) {
		const struct fs_zone *z = &s->zones[i];
		for (int o = 0; o < FS_MAX_ORDERS; o++) {
			bool any = fs_count_known(z->order_blocks[o]);
			for (int mt = 0; mt < FS_MT_COUNT && !any; mt++)
				any = fs_count_known(z->mt_blocks[mt][o]);
			if (any && o > highest)
				highest = o;
		}
	}
	return highest >= 0 ? highest + 1 : 11;
}
