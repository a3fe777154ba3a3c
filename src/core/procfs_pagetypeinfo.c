/*
 * procfs_pagetypeinfo.c - /proc/pagetypeinfo (kernel-rules §9.2). Per node
 * with memory:
 *
 *	Page block order: 9
 *	Pages per block:  512
 *
 *	Free pages count per migrate type at order       0      1 ...
 *	Node    0, zone      DMA, type    Unmovable      0      0 ...
 *	...
 *
 *	Number of blocks type     Unmovable      Movable ...
 *	Node 0, zone      DMA            1            7 ...
 *
 *	[Number of mixed blocks    Unmovable ...       (page_owner only)
 *	 Node 0, zone      DMA            0            1 ...]
 *
 * Counts are exact up to 5.4; later kernels stop counting a list at 100000
 * and print ">100000". Migratetype rows and block columns follow the enum
 * of the kernel that printed them (Reserve before 4.4, CMA and Isolate
 * only when configured), so they are taken by name.
 */
#include <stdlib.h>
#include <string.h>

#include "fragscope/procfs.h"
#include "procfs_priv.h"

#define PTI_EXPECTED "\"Page block order: N\" and the tables \"Free pages count per migrate " \
	"type at order\" / \"Number of blocks type\""

#define HEAD_FREE "Free pages count per migrate type at order"
#define HEAD_BLOCKS "Number of blocks type"
#define HEAD_MIXED "Number of mixed blocks"

/* Bookkeeping per (node, zone type): fs_pzone only gives zones of the
 * kernel's six types. */
#define NR_ZONE_TYPES 6

enum section { SEC_NONE, SEC_FREE, SEC_BLOCKS, SEC_MIXED, SEC_SKIP };

struct pti {
	struct fs_pctx c;
	enum section sec;
	int nr_orders;                  /* columns of the current free table */
	int cols[FS_MT_COUNT + 8];      /* migratetype of each block-table column, -1 unknown */
	int nr_cols;
	int pb_order;                   /* of the node being read; -1 unknown */
	int nr;                         /* zones taken */
	bool noted_cap;
	uint32_t all_rows;              /* union of migratetype rows seen */
	uint8_t rows[FS_MAX_NODES][NR_ZONE_TYPES];  /* migratetype rows seen per zone */
	uint8_t zones[FS_MAX_NODES];               /* bit per zone type: zone taken */
};

/* The zone's migratetype rows seen in this text; NULL for a zone of
 * another source with a name the kernel does not have. */
static uint8_t *rows_seen(struct pti *t, const struct fs_zone *z)
{
	int rank = fs_zone_type_rank(z->name);

	return rank >= 0 && rank < NR_ZONE_TYPES ? &t->rows[z->node][rank] : NULL;
}

static void count_zone(struct pti *t, const struct fs_zone *z)
{
	int rank = fs_zone_type_rank(z->name);

	if (rank < 0 || rank >= NR_ZONE_TYPES || (t->zones[z->node] & (1u << rank)))
		return;
	t->zones[z->node] |= (uint8_t)(1u << rank);
	t->nr++;
}

static bool parse_header_orders(struct pti *t, struct fs_cursor *cur)
{
	uint64_t v;
	int n = 0;
	enum fs_num r;

	while ((r = fs_pnum(cur, NULL, &v)) == FS_NUM_OK) {
		if (v != (uint64_t)n) {
			fs_pctx_bad(&t->c, "expected order %d in the column header, got %llu", n,
				    (unsigned long long)v);
			return false;
		}
		n++;
	}
	if (!fs_pend(cur) || n == 0) {
		fs_pctx_bad(&t->c, "expected the order numbers 0 1 2 ... after \"%s\"", HEAD_FREE);
		return false;
	}
	if (n > FS_MAX_ORDERS) {
		fs_pctx_bad(&t->c, "%d orders; fragscope handles at most %d: table skipped", n,
			    FS_MAX_ORDERS);
		return false;
	}
	t->nr_orders = n;
	fs_pmeta_orders(&t->c, n);
	return true;
}

/* Column names of the blocks / mixed-blocks tables. */
static bool parse_header_names(struct pti *t, struct fs_cursor *cur, bool note)
{
	const char *name;
	size_t len;

	t->nr_cols = 0;
	while (fs_pname(cur, &name, &len)) {
		int mt = fs_mt_from_name(name, len);
		char q[64];

		if ((size_t)t->nr_cols >= sizeof(t->cols) / sizeof(t->cols[0])) {
			fs_pctx_bad(&t->c, "too many migratetype columns");
			return false;
		}
		if (mt < 0)
			fs_pctx_bad(&t->c, "unknown migratetype \"%s\": its column is ignored",
				    fs_quote(q, name, len));
		else if (note)
			fs_meta_note_mt(&t->c.snap->meta, (enum fs_mt)mt);
		t->cols[t->nr_cols++] = mt;
	}
	if (!fs_pend(cur) || t->nr_cols == 0) {
		fs_pctx_bad(&t->c, "expected migratetype names as column headers");
		return false;
	}
	return true;
}

static void page_block_line(struct pti *t, struct fs_cursor *cur)
{
	uint64_t v;
	enum fs_num r = fs_pnum(cur, NULL, &v);

	t->sec = SEC_NONE;
	if (r != FS_NUM_OK || !fs_pend(cur)) {
		fs_pctx_bad(&t->c, "expected \"Page block order: N\", got %s", fs_num_problem(r));
		return;
	}
	if (v > 30) {
		fs_pctx_bad(&t->c, "page block order %llu is not plausible (at most 30 expected)",
			    (unsigned long long)v);
		return;
	}
	t->pb_order = (int)v;
	fs_pmeta_pageblock(&t->c, (int)v);
}

static void pages_per_block_line(struct pti *t, struct fs_cursor *cur)
{
	uint64_t v;
	enum fs_num r = fs_pnum(cur, NULL, &v);

	if (r != FS_NUM_OK || !fs_pend(cur))
		fs_pctx_bad(&t->c, "expected \"Pages per block: N\", got %s", fs_num_problem(r));
	else if (t->pb_order >= 0 && v != (uint64_t)1 << t->pb_order)
		fs_pctx_bad(&t->c, "pages per block %llu is not 2^%d", (unsigned long long)v,
			    t->pb_order);
}

/* One count of a free row: "%6lu", or ">100000" when the kernel stopped counting. */
static bool row_count(struct pti *t, struct fs_cursor *cur, int o, struct fs_count *out)
{
	bool capped = fs_plit(cur, ">");
	uint64_t v;
	enum fs_num r = fs_pnum(cur, NULL, &v);

	if (r != FS_NUM_OK) {
		fs_pctx_bad(&t->c, "expected a free-block count for order %d, got %s", o,
			    fs_num_problem(r));
		return false;
	}
	out->value = v;
	out->kind = capped ? FS_COUNT_CAPPED : FS_COUNT_EXACT;
	if (capped && !t->noted_cap) {
		t->noted_cap = true;
		fs_diags_add(&t->c.snap->diags, FS_SEV_NOTE, t->c.source, t->c.line,
			     "pagetypeinfo: counts printed as \">%llu\" are lower bounds (the "
			     "kernel stops counting a free list there)", (unsigned long long)v);
	}
	return true;
}

static bool free_row(struct pti *t, struct fs_cursor *cur, const char *line, size_t len)
{
	struct fs_count counts[FS_MAX_ORDERS];
	const char *zname, *mtname;
	size_t zlen, mtlen;
	uint64_t node;
	struct fs_zone *z;
	char q[64];
	uint8_t *seen;
	int mt, n = 0;

	if (!fs_pzone_head(&t->c, cur, line, len, &node, &zname, &zlen))
		return false;
	if (!fs_plit(cur, ",") || !fs_plit(cur, "type") || !fs_pname(cur, &mtname, &mtlen)) {
		fs_pctx_bad(&t->c, "expected \"Node N, zone NAME, type MIGRATETYPE\" then counts, "
			    "got \"%s\"", fs_quote(q, line, len));
		return false;
	}
	if (fs_pend(cur)) {
		fs_pctx_bad(&t->c, "expected %d counts after \"type %s\", got none "
			    "(line cut short?)", t->nr_orders, fs_quote(q, mtname, mtlen));
		return false;
	}
	mt = fs_mt_from_name(mtname, mtlen);
	if (mt < 0) {
		fs_pctx_bad(&t->c, "unknown migratetype \"%s\": row ignored",
			    fs_quote(q, mtname, mtlen));
		return false;
	}
	while (!fs_pend(cur)) {
		if (n >= t->nr_orders) {
			fs_pctx_bad(&t->c, "more counts than the %d orders of the header",
				    t->nr_orders);
			return false;
		}
		if (!row_count(t, cur, n, &counts[n]))
			return false;
		n++;
	}
	if (n < t->nr_orders) {
		fs_pctx_bad(&t->c, "expected %d counts (one per order), got %d (line cut short?); "
			    "row skipped", t->nr_orders, n);
		return false;
	}
	z = fs_pzone(&t->c, node, zname, zlen, false);
	if (!z)
		return false;
	seen = rows_seen(t, z);
	if (seen) {
		if (*seen & (1u << mt))
			fs_pctx_bad(&t->c, "second %s row for Node %d, zone %s; the later wins",
				    fs_mt_name((enum fs_mt)mt), z->node, z->name);
		if (*seen == 0) {
			/* First row of this zone in this text: forget rows of an older read. */
			memset(z->mt_blocks, 0, sizeof(z->mt_blocks));
			z->mt_rows = 0;
		}
		*seen |= (uint8_t)(1u << mt);
	}
	for (int o = 0; o < FS_MAX_ORDERS; o++)
		z->mt_blocks[mt][o] = o < n ? counts[o] : (struct fs_count){ 0, FS_COUNT_NONE };
	z->mt_rows |= 1u << mt;
	z->known |= FS_ZK_MT_BLOCKS;
	if (z->known & FS_ZK_ORDER_BLOCKS)
		z->known |= FS_ZK_SPLIT_READS;  /* buddyinfo was read at another moment */
	z->populated = true;
	t->all_rows |= 1u << mt;
	fs_meta_note_mt(&t->c.snap->meta, (enum fs_mt)mt);
	count_zone(t, z);
	return true;
}

/* ≤6.9 nr_reserved_highatomic grows by one pageblock per HighAtomic block
 * (6.10+: by 2^order for a larger block, which is the same number of
 * pages), so the block count gives it exactly (kernel-rules §9.2). */
static void derive_highatomic(struct pti *t, struct fs_zone *z)
{
	if (t->pb_order < 0 || (z->known & FS_ZK_RESERVED_HIGHATOMIC))
		return;
	z->reserved_highatomic = z->pageblocks[FS_MT_HIGHATOMIC] << t->pb_order;
	z->known |= FS_ZK_RESERVED_HIGHATOMIC;
}

static bool blocks_row(struct pti *t, struct fs_cursor *cur, const char *line, size_t len,
		       bool mixed)
{
	uint64_t node, counts[FS_MT_COUNT + 8];
	const char *zname;
	size_t zlen;
	struct fs_zone *z;
	int n = 0;
	bool has_highatomic = false;

	if (!fs_pzone_head(&t->c, cur, line, len, &node, &zname, &zlen))
		return false;
	while (!fs_pend(cur)) {
		enum fs_num r;

		if (n >= t->nr_cols) {
			fs_pctx_bad(&t->c, "more block counts than the %d columns of the header",
				    t->nr_cols);
			return false;
		}
		r = fs_pnum(cur, NULL, &counts[n]);
		if (r != FS_NUM_OK) {
			fs_pctx_bad(&t->c, "expected a pageblock count for column %d, got %s",
				    n + 1, fs_num_problem(r));
			return false;
		}
		n++;
	}
	if (n < t->nr_cols) {
		fs_pctx_bad(&t->c, "expected %d pageblock counts, got %d (line cut short?); "
			    "row skipped", t->nr_cols, n);
		return false;
	}
	if (mixed)
		return true;   /* page_owner's mixed-block counts: checked, not kept */
	z = fs_pzone(&t->c, node, zname, zlen, false);
	if (!z)
		return false;
	for (int i = 0; i < n; i++) {
		if (t->cols[i] < 0)
			continue;
		z->pageblocks[t->cols[i]] = counts[i];
		has_highatomic |= t->cols[i] == FS_MT_HIGHATOMIC;
	}
	z->known |= FS_ZK_PAGEBLOCKS;
	z->populated = true;
	if (has_highatomic)
		derive_highatomic(t, z);
	count_zone(t, z);
	return true;
}

static void node_line(struct pti *t, struct fs_cursor *cur, const char *line, size_t len)
{
	switch (t->sec) {
	case SEC_FREE:
		free_row(t, cur, line, len);
		break;
	case SEC_BLOCKS:
		blocks_row(t, cur, line, len, false);
		break;
	case SEC_MIXED:
		blocks_row(t, cur, line, len, true);
		break;
	case SEC_SKIP:
		break;   /* rows of a table whose header was refused */
	case SEC_NONE:
		fs_pctx_bad(&t->c, "table row before any table header (\"%s\" or \"%s\")",
			    HEAD_FREE, HEAD_BLOCKS);
		break;
	}
}

static void take_line(struct pti *t, const char *line, size_t len)
{
	struct fs_cursor cur;
	char q[64];

	fs_cursor_init(&cur, line, len);
	if (fs_plit(&cur, "Page block order:"))
		page_block_line(t, &cur);
	else if (fs_plit(&cur, "Pages per block:"))
		pages_per_block_line(t, &cur);
	else if (fs_plit(&cur, HEAD_FREE))
		t->sec = parse_header_orders(t, &cur) ? SEC_FREE : SEC_SKIP;
	else if (fs_plit(&cur, HEAD_BLOCKS))
		t->sec = parse_header_names(t, &cur, true) ? SEC_BLOCKS : SEC_SKIP;
	else if (fs_plit(&cur, HEAD_MIXED))
		t->sec = parse_header_names(t, &cur, false) ? SEC_MIXED : SEC_SKIP;
	else if (fs_plit(&cur, "Node")) {
		fs_cursor_init(&cur, line, len);   /* the row parsers read "Node" again */
		node_line(t, &cur, line, len);
	} else
		fs_pctx_bad(&t->c, "unexpected line \"%s\"", fs_quote(q, line, len));
}

/* A zone with fewer migratetype rows than the others was cut short. */
static void check_rows(struct pti *t)
{
	for (size_t i = 0; i < t->c.snap->nr_zones; i++) {
		struct fs_zone *z = &t->c.snap->zones[i];
		const uint8_t *rows = rows_seen(t, z);
		uint8_t seen = rows ? *rows : 0;

		if (seen == 0 || seen == t->all_rows)
			continue;
		char missing[128] = "";
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			if ((t->all_rows & ~seen) & (1u << mt)) {
				strcat(missing, " ");
				strcat(missing, fs_mt_name((enum fs_mt)mt));
			}
		fs_pctx_bad_at(&t->c, 0, "Node %d, zone %s has no row for%s (file cut short?)",
			       z->node, z->name, missing);
	}
}

/* Free pages on the HighAtomic lists of the zones read here, when every
 * count is exact. */
static void derive_free_highatomic(struct pti *t)
{
	for (size_t i = 0; i < t->c.snap->nr_zones; i++) {
		struct fs_zone *z = &t->c.snap->zones[i];
		const uint8_t *rows = rows_seen(t, z);
		bool exact;
		uint64_t pages;

		if (!rows || !(*rows & (1u << FS_MT_HIGHATOMIC)) ||
		    (z->known & FS_ZK_FREE_HIGHATOMIC))
			continue;
		pages = fs_zone_mt_pages(z, FS_MT_HIGHATOMIC, &exact);
		if (!exact)
			continue;
		z->free_highatomic = pages;
		z->known |= FS_ZK_FREE_HIGHATOMIC;
	}
}

int fs_parse_pagetypeinfo(struct fs_snapshot *snap, const char *text, size_t len,
			  const char *source)
{
	struct pti *t = fs_xcalloc(1, sizeof(*t));
	struct fs_lines it;
	const char *line;
	size_t line_len;
	int nr;

	if (!fs_pctx_begin(&t->c, snap, text, len, source, "pagetypeinfo")) {
		free(t);
		return 0;
	}
	t->pb_order = -1;
	fs_lines_init(&it, text, len);
	while (fs_pctx_next(&t->c, &it, &line, &line_len))
		if (!fs_blank(line, line_len))
			take_line(t, line, line_len);
	check_rows(t);
	derive_free_highatomic(t);
	nr = fs_pctx_end(&t->c, t->nr, PTI_EXPECTED);
	free(t);
	return nr;
}
