/* Tests of the core model and helpers. */
#include <criterion/criterion.h>
#include <string.h>

#include "fragscope/diag.h"
#include "fragscope/snapshot.h"
#include "fragscope/util.h"

Test(util, lines_handle_crlf_nul_and_missing_newline)
{
	const char text[] = "one\r\ntw\0o\nthree";
	struct fs_lines it;
	const char *line;
	size_t len;
	fs_lines_init(&it, text, sizeof(text) - 1);
	cr_assert(fs_lines_next(&it, &line, &len));
	cr_assert_eq(len, 3);
	cr_assert(fs_lines_next(&it, &line, &len));
	cr_assert_eq(len, 4, "the NUL byte stays inside the line");
	cr_assert(fs_lines_next(&it, &line, &len));
	cr_assert_eq(len, 5);
	cr_assert_eq(it.lineno, 3);
	cr_assert_not(fs_lines_next(&it, &line, &len));
}

Test(util, numbers_refuse_overflow)
{
	struct fs_cursor c;
	uint64_t v;
	int64_t s;
	fs_cursor_init(&c, "18446744073709551615", 20);
	cr_assert(fs_cursor_u64(&c, &v));
	cr_assert_eq(v, UINT64_MAX);
	fs_cursor_init(&c, "18446744073709551616", 20);
	cr_assert_not(fs_cursor_u64(&c, &v), "2^64 does not fit");
	fs_cursor_init(&c, "-42", 3);
	cr_assert_not(fs_cursor_u64(&c, &v));
	cr_assert(fs_cursor_i64(&c, &s));
	cr_assert_eq(s, -42);
	fs_cursor_init(&c, "0x484020(", 9);
	cr_assert(fs_cursor_hex(&c, &v));
	cr_assert_eq(v, 0x484020);
	cr_assert_eq(*c.p, '(');
}

Test(util, find_and_binary)
{
	const char hay[] = "abc page allocation failure: order:3";
	cr_assert_eq(fs_find(hay, strlen(hay), "failure:"), hay + 20);
	cr_assert_null(fs_find(hay, strlen(hay), "failures"));
	cr_assert(fs_looks_binary("\x7f" "ELF\0\1\2", 7));
	cr_assert_not(fs_looks_binary("Node 0, zone DMA 1 2 3\n", 23));
}

Test(snapshot, zones_sorted_by_node_then_kernel_zone_order)
{
	struct fs_snapshot *s = fs_snapshot_new();
	fs_snapshot_zone(s, 1, "Normal", 6, true);
	fs_snapshot_zone(s, 0, "Normal", 6, true);
	fs_snapshot_zone(s, 0, "DMA32", 5, true);
	fs_snapshot_zone(s, 0, "DMA", 3, true);
	cr_assert_eq(s->nr_zones, 4);
	cr_assert_str_eq(s->zones[0].name, "DMA");
	cr_assert_str_eq(s->zones[1].name, "DMA32");
	cr_assert_str_eq(s->zones[2].name, "Normal");
	cr_assert_eq(s->zones[3].node, 1);
	cr_assert_eq(s->nr_nodes, 2);
	cr_assert_eq(fs_snapshot_zone(s, 0, "DMA32", 5, false), &s->zones[1]);
	cr_assert_null(fs_snapshot_zone(s, FS_MAX_NODES, "DMA", 3, true), "node id bounded");
	cr_assert_null(fs_snapshot_zone(s, 0, "AVeryLongZoneNameX", 18, true), "name bounded");
	fs_snapshot_free(s);
}

Test(snapshot, area_pages_and_clone)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_zone *z = fs_snapshot_zone(s, 0, "DMA32", 5, true);
	/* 4060*1 + 942*2 + 75*1024 pages */
	z->order_blocks[0] = fs_count_exact(4060);
	z->order_blocks[1] = fs_count_exact(942);
	z->order_blocks[10] = fs_count_exact(75);
	cr_assert_eq(fs_zone_area_pages(z), 4060 + 1884 + 76800);
	fs_stats_set(&z->stats, "nr_free_cma", 80512);
	fs_diags_add(&s->diags, FS_SEV_WARNING, "x", 3, "odd %d", 7);
	struct fs_snapshot *c = fs_snapshot_clone(s);
	int64_t v = 0;
	cr_assert(fs_stats_get(&c->zones[0].stats, "nr_free_cma", &v));
	cr_assert_eq(v, 80512);
	cr_assert_str_eq(c->diags.items[0].message, "odd 7");
	fs_snapshot_free(s);
	cr_assert_eq(fs_zone_area_pages(&c->zones[0]), 82744);
	fs_snapshot_free(c);
}

Test(snapshot, migratetype_names_and_letters)
{
	cr_assert_eq(fs_mt_from_name("HighAtomic", 10), FS_MT_HIGHATOMIC);
	cr_assert_eq(fs_mt_from_name("Reserve", 7), FS_MT_RESERVE);
	cr_assert_eq(fs_mt_from_name("Mirror", 6), -1);
	cr_assert_eq(fs_mt_from_letter('E'), FS_MT_RECLAIMABLE);
	cr_assert_eq(fs_mt_letter(FS_MT_CMA), 'C');
	struct fs_meta m = { 0 };
	fs_meta_note_mt(&m, FS_MT_MOVABLE);
	fs_meta_note_mt(&m, FS_MT_UNMOVABLE);
	fs_meta_note_mt(&m, FS_MT_MOVABLE);
	cr_assert_eq(m.nr_mt_order, 2);
	cr_assert_eq(m.mt_order[0], FS_MT_MOVABLE);
}

Test(diag, bounded)
{
	struct fs_diags d = { 0 };
	for (int i = 0; i < FS_DIAGS_MAX * 3; i++)
		fs_diags_add(&d, FS_SEV_ERROR, "f", (unsigned)i, "bad %d", i);
	cr_assert_eq(d.count, FS_DIAGS_MAX);
	cr_assert_str_eq(d.items[FS_DIAGS_MAX - 1].message,
			 "too many problems; further ones are not reported");
	fs_diags_clear(&d);
}
