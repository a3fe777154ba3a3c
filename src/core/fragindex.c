/*
 * fragindex.c - the kernel's fragmentation index and unusable free space
 * index, computed as mm/vmstat.c does (fill_contig_page_info,
 * __fragmentation_index, unusable_free_index; the same formulas in every
 * version from 2.6.35 to 6.18, kernel-rules §10):
 *
 *   free_pages      = sum_o nr_free[o] << o
 *   blocks_total    = sum_o nr_free[o]
 *   blocks_suitable = sum_{o >= j} nr_free[o] << (o - j)
 *
 *   fragmentation_index(j) = 0                      when j is beyond the last order (WARN)
 *                          = 0                      when blocks_total == 0
 *                          = -1000                  when blocks_suitable > 0
 *                          = 1000 - (1000 + free_pages * 1000 / 2^j) / blocks_total
 *   unusable_free_index(j) = 1000                   when free_pages == 0
 *                          = (free_pages - (blocks_suitable << j)) * 1000 / free_pages
 *
 * All divisions are the kernel's div_u64: unsigned 64-bit, truncating. The
 * fragmentation index is an int made from a u64 expression; with a single
 * free block smaller than the order it is negative (one order-0 page, j = 1:
 * 1000 - (1000 + 500) / 1 = -500), and we keep that, as the kernel does.
 */
#include "fragscope/fragindex.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct contig_info {
	uint64_t free_pages;
	uint64_t blocks_total;
	uint64_t blocks_suitable;
	int nr_orders;          /* columns the zone has counts for; 0: none */
	bool exact;
};

/* A count as the kernel's nr_free: the lower bound when it is only a bound. */
static uint64_t count_value(struct fs_count c, bool *exact)
{
	switch (c.kind) {
	case FS_COUNT_EXACT:
		return c.value;
	case FS_COUNT_EMPTY_KNOWN:
		return 0;
	case FS_COUNT_CAPPED:
		*exact = false;
		return c.value;
	case FS_COUNT_NONEMPTY:
		*exact = false;
		return c.value > 0 ? c.value : 1;
	default:
		*exact = false;
		return 0;
	}
}

/* nr_free of one order over all migratetypes: buddyinfo's column, or the sum
 * of the pagetypeinfo rows when only those are known. known is false when
 * the input has nothing for this order. */
static uint64_t nr_free(const struct fs_zone *z, int o, bool *exact, bool *known)
{
	if (z->known & FS_ZK_ORDER_BLOCKS) {
		*known = fs_count_known(z->order_blocks[o]);
		return count_value(z->order_blocks[o], exact);
	}
	uint64_t sum = 0;
	*known = false;
	if (!(z->known & FS_ZK_MT_BLOCKS)) {
		*exact = false;
		return 0;
	}
	for (int mt = 0; mt < FS_MT_COUNT; mt++) {
		if (!(z->mt_rows & (1u << mt)))
			continue;
		if (fs_count_known(z->mt_blocks[mt][o]))
			*known = true;
		sum += count_value(z->mt_blocks[mt][o], exact);
	}
	return sum;
}

/* The zone's number of orders: one past its last column with a count. */
static int zone_nr_orders(const struct fs_zone *z)
{
	int n = 0;
	for (int o = 0; o < FS_MAX_ORDERS; o++) {
		bool known, ignored = true;
		nr_free(z, o, &ignored, &known);
		if (known)
			n = o + 1;
	}
	return n;
}

/* fill_contig_page_info() for suitable_order j. */
static void fill_contig_info(const struct fs_zone *z, int j, struct contig_info *info)
{
	info->free_pages = info->blocks_total = info->blocks_suitable = 0;
	info->nr_orders = zone_nr_orders(z);
	info->exact = info->nr_orders > 0;
	for (int o = 0; o < info->nr_orders; o++) {
		bool known;
		uint64_t blocks = nr_free(z, o, &info->exact, &known);
		info->blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= j)
			info->blocks_suitable += blocks << (o - j);
	}
}

static void set_exact(bool *exact, bool value)
{
	if (exact)
		*exact = value;
}

int fs_fragmentation_index(const struct fs_zone *z, int order, bool *exact)
{
	struct contig_info info;
	if (order < 0 || order >= FS_MAX_ORDERS) {
		set_exact(exact, false);
		return 0;
	}
	fill_contig_info(z, order, &info);
	set_exact(exact, info.exact);
	/* WARN_ON_ONCE(order > MAX_PAGE_ORDER) return 0 (4.19+); the zone's
	 * last printed column is MAX_PAGE_ORDER. */
	if (info.nr_orders > 0 && order >= info.nr_orders)
		return 0;
	if (info.blocks_total == 0)
		return 0;
	if (info.blocks_suitable)
		return -1000;
	uint64_t requested = UINT64_C(1) << order;
	uint64_t q = (1000 + info.free_pages * 1000 / requested) / info.blocks_total;
	/* "return 1000 - div_u64(...)": a u64 narrowed to int. */
	return (int)(int32_t)(uint32_t)(UINT64_C(1000) - q);
}

int fs_unusable_index(const struct fs_zone *z, int order, bool *exact)
{
	struct contig_info info;
	if (order < 0 || order >= FS_MAX_ORDERS) {
		/* No block of such an order exists: all free memory is unusable. */
		set_exact(exact, false);
		return 1000;
	}
	fill_contig_info(z, order, &info);
	set_exact(exact, info.exact);
	if (info.free_pages == 0)
		return 1000;
	uint64_t unusable = info.free_pages - (info.blocks_suitable << order);
	return (int)(int32_t)(uint32_t)(unusable * 1000 / info.free_pages);
}

void fs_index_format(int value, char out[8])
{
	/* seq_printf(m, "%d.%03d ", index / 1000, index % 1000): C division
	 * truncates toward zero, so -1000 prints "-1.000" and -500 "0.-500". */
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%d.%03d", value / 1000, value % 1000);
	if (n < 0 || n > 7)
		n = snprintf(tmp, sizeof(tmp), "?");  /* no sane count gives this; too wide */
	memcpy(out, tmp, (size_t)n + 1);
}
