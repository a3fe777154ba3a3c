/*
 * Tests of the /proc parsers, text detection, merge and self-check on the
 * real samples, this machine's files and the synthetic fixtures of
 * tests/fixtures/procfs/ (written by make-fixtures.py from the kernel's
 * format strings). Numbers are taken from the fixture text.
 */
#include "procfs_testutil.h"

/* ------------------------------------------------------------ 6.18 sample */

Test(sample_618, buddyinfo)
{
	struct fs_snapshot *s = fx_parse(SAMPLE("buddyinfo"));
	struct fs_zone *z;

	fx_assert_clean(s);
	cr_assert_eq(s->nr_zones, 3);
	cr_assert_eq(s->meta.nr_orders, 11);
	z = fx_zone(s, 0, "Normal");
	cr_assert(z->known & FS_ZK_ORDER_BLOCKS);
	cr_assert(z->populated);
	/* "Node 0, zone   Normal    355   1278 ... 67" */
	fx_assert_exact(z->order_blocks[0], 355);
	fx_assert_exact(z->order_blocks[10], 67);
	cr_assert_eq(z->order_blocks[11].kind, FS_COUNT_NONE);
	/* 355 + 1278*2 + 1290*4 + 1068*8 + 647*16 + 282*32 + 58*64 + 32*128 + 46*256 + 26*512
	 * + 67*1024 = 137495 */
	cr_assert_eq(fs_zone_area_pages(z), 137495);
	fx_assert_exact(fx_zone(s, 0, "DMA32")->order_blocks[10], 752);
	cr_assert_str_eq(s->meta.source, SAMPLE("buddyinfo"));
	fs_snapshot_free(s);
}

Test(sample_618, pagetypeinfo)
{
	struct fs_snapshot *s = fx_parse(SAMPLE("pagetypeinfo"));
	struct fs_zone *z;

	fx_assert_clean(s);
	cr_assert_eq(s->meta.pageblock_order, 9);
	cr_assert_eq(s->meta.nr_orders, 11);
	/* printed order: Unmovable Movable Reclaimable HighAtomic Isolate (no CMA) */
	cr_assert_eq(s->meta.nr_mt_order, 5);
	cr_assert_eq(s->meta.mt_order[0], FS_MT_UNMOVABLE);
	cr_assert_eq(s->meta.mt_order[1], FS_MT_MOVABLE);
	cr_assert_eq(s->meta.mt_order[2], FS_MT_RECLAIMABLE);
	cr_assert_eq(s->meta.mt_order[3], FS_MT_HIGHATOMIC);
	cr_assert_eq(s->meta.mt_order[4], FS_MT_ISOLATE);
	z = fx_zone(s, 0, "DMA32");
	fx_assert_exact(z->mt_blocks[FS_MT_MOVABLE][10], 752);
	cr_assert_eq(z->mt_rows, (1u << FS_MT_UNMOVABLE) | (1u << FS_MT_MOVABLE) |
		     (1u << FS_MT_RECLAIMABLE) | (1u << FS_MT_HIGHATOMIC) | (1u << FS_MT_ISOLATE));
	cr_assert_eq(z->mt_blocks[FS_MT_CMA][0].kind, FS_COUNT_NONE);
	cr_assert_eq(z->pageblocks[FS_MT_MOVABLE], 1528);
	z = fx_zone(s, 0, "Normal");
	fx_assert_exact(z->mt_blocks[FS_MT_UNMOVABLE][0], 236);
	fx_assert_exact(z->mt_blocks[FS_MT_RECLAIMABLE][1], 57);
	cr_assert_eq(z->pageblocks[FS_MT_UNMOVABLE], 45);
	cr_assert_eq(z->pageblocks[FS_MT_MOVABLE], 263);
	cr_assert_eq(z->pageblocks[FS_MT_RECLAIMABLE], 12);
	cr_assert(z->known & FS_ZK_PAGEBLOCKS);
	/* HighAtomic blocks 0 -> no reserve; its lists are empty */
	cr_assert(z->known & FS_ZK_RESERVED_HIGHATOMIC);
	cr_assert_eq(z->reserved_highatomic, 0);
	cr_assert(z->known & FS_ZK_FREE_HIGHATOMIC);
	cr_assert_eq(z->free_highatomic, 0);
	cr_assert_not(z->known & FS_ZK_ORDER_BLOCKS);
	fs_snapshot_free(s);
}

Test(sample_618, zoneinfo)
{
	struct fs_snapshot *s = fx_parse(SAMPLE("zoneinfo"));
	struct fs_zone *z;
	const uint64_t prot[5] = { 0, 3019, 3659, 3659, 3659 };

	fx_assert_clean(s);
	cr_assert_eq(s->nr_zones, 5, "DMA DMA32 Normal Movable Device");
	z = fx_zone(s, 0, "DMA");
	cr_assert(z->populated);
	cr_assert_eq(z->free_pages, 3840);
	cr_assert(z->known & FS_ZK_WMARK);
	cr_assert_eq(z->wmark_min, 68);
	cr_assert_eq(z->wmark_low, 85);
	cr_assert_eq(z->wmark_high, 102);
	cr_assert_eq(z->wmark_promo, 119);
	cr_assert(z->known & FS_ZK_BOOST);
	cr_assert(z->known & FS_ZK_PROMO);
	cr_assert_eq(z->spanned, 4095);
	cr_assert_eq(z->present, 3998);
	cr_assert_eq(z->managed, 3840);
	cr_assert(z->known & FS_ZK_CMA_PAGES);
	cr_assert_eq(z->cma_pages, 0);
	cr_assert(z->known & FS_ZK_PROTECTION);
	cr_assert_eq(z->nr_protection, 5);
	cr_assert_arr_eq(z->protection, prot, sizeof(prot));
	cr_assert(z->known & FS_ZK_START_PFN);
	cr_assert_eq(z->start_pfn, 1);
	cr_assert(z->known & FS_ZK_FREE_CMA);
	cr_assert_eq(fx_stat(&z->stats, "nr_free_pages_blocks"), 3584);
	cr_assert_eq(fx_stat(&z->stats, "vm_stats_threshold_sum"), 8, "4 + 4");

	z = fx_zone(s, 0, "Normal");
	cr_assert_eq(z->free_pages, 137506);
	cr_assert_eq(z->start_pfn, 1048576);
	cr_assert_eq(fx_stat(&z->stats, "nr_zone_inactive_file"), 1237);
	cr_assert_eq(fx_stat(&z->stats, "numa_hit"), 929028);
	cr_assert_eq(fx_stat(&z->stats, "node_unreclaimable"), 0);
	cr_assert(z->known & FS_ZK_FREE_PCP);
	cr_assert_eq(z->free_pcp, 2145, "count 1304 (cpu 0) + 841 (cpu 1)");

	/* 4.19+: empty zones are printed and their record ends after protection */
	z = fx_zone(s, 0, "Movable");
	cr_assert_not(z->populated);
	cr_assert_eq(z->wmark_min, 32);
	cr_assert_eq(z->present, 0);
	cr_assert_eq(z->stats.count, 0);
	cr_assert_not(fx_zone(s, 0, "Device")->populated);

	/* per-node stats (printed in the DMA record) belong to the node */
	cr_assert_eq(s->nr_nodes, 1);
	cr_assert_eq(fx_stat(&s->nodes[0].stats, "nr_inactive_anon"), 1420);
	cr_assert_eq(fx_stat(&s->nodes[0].stats, "nr_kernel_file_pages"), 0);
	cr_assert_eq(s->nodes[0].stats.count, 51);
	cr_assert_not(fs_stats_get(&fx_zone(s, 0, "DMA")->stats, "nr_inactive_anon", NULL));
	fs_snapshot_free(s);
}

Test(sample_618, vmstat_and_meminfo)
{
	struct fs_snapshot *s = fs_snapshot_new();

	cr_assert_eq(fx_parse_into(s, SAMPLE("vmstat")), 192, "192 lines");
	cr_assert_eq(fx_parse_into(s, SAMPLE("meminfo")), 54, "54 lines");
	fx_assert_clean(s);
	cr_assert_eq(fx_stat(&s->vmstat, "nr_free_pages"), 914263);
	cr_assert_eq(fx_stat(&s->vmstat, "nr_free_cma"), 0);
	cr_assert_eq(fx_stat(&s->meminfo, "MemTotal"), 24684092);
	cr_assert_eq(fx_stat(&s->meminfo, "Active(anon)"), 1508);
	cr_assert_eq(fx_stat(&s->meminfo, "HugePages_Total"), 0);
	cr_assert_eq(fx_stat(&s->meminfo, "Hugepagesize"), 2048);
	cr_assert_eq(fx_stat(&s->meminfo, "DirectMap1G"), 25165824);
	cr_assert_eq(s->meta.page_size, 0, "the files do not say");
	fs_snapshot_free(s);
}

static struct fs_snapshot *merge_files(const char *const *files, size_t n)
{
	struct fs_snapshot *all = fs_snapshot_new();

	for (size_t i = 0; i < n; i++) {
		struct fs_snapshot *one = fx_parse(files[i]);
		fs_snapshot_merge(all, one);
		fs_snapshot_free(one);
	}
	fs_snapshot_check(all);
	return all;
}

/* Everything into one snapshot, the way the live source reads /proc. */
static struct fs_snapshot *parse_together(const char *const *files, size_t n)
{
	struct fs_snapshot *all = fs_snapshot_new();

	for (size_t i = 0; i < n; i++)
		cr_assert_gt(fx_parse_into(all, files[i]), 0, "%s", files[i]);
	fs_snapshot_check(all);
	return all;
}

static const char *const sample_files[] = {
	SAMPLE("buddyinfo"), SAMPLE("pagetypeinfo"), SAMPLE("zoneinfo"),
	SAMPLE("vmstat"), SAMPLE("meminfo"),
};

Test(sample_618, merge_of_three_files_is_consistent)
{
	struct fs_snapshot *s = merge_files(sample_files, 5);
	struct fs_zone *z;

	fx_assert_clean(s);
	cr_assert_eq(s->nr_zones, 5);
	cr_assert_eq(s->meta.nr_orders, 11);
	cr_assert_eq(s->meta.pageblock_order, 9);
	cr_assert_eq(s->meta.nr_mt_order, 5);
	cr_assert_not_null(strstr(s->meta.source, "buddyinfo + "));
	z = fx_zone(s, 0, "Normal");
	cr_assert(z->known & FS_ZK_ORDER_BLOCKS);
	cr_assert(z->known & FS_ZK_MT_BLOCKS);
	cr_assert(z->known & FS_ZK_FREE_PAGES);
	cr_assert(z->known & FS_ZK_SPLIT_READS, "buddyinfo and pagetypeinfo are two reads");
	fx_assert_exact(z->order_blocks[0], 355);
	fx_assert_exact(z->mt_blocks[FS_MT_MOVABLE][0], 96);
	cr_assert_eq(z->free_pages, 137506);
	cr_assert_eq(z->wmark_min, 2943);
	cr_assert(z->populated);
	cr_assert_not(fx_zone(s, 0, "Movable")->populated);
	cr_assert_eq(fx_stat(&s->vmstat, "nr_free_pages"), 914263);
	cr_assert_eq(fx_stat(&s->nodes[0].stats, "nr_mapped"), 2713);
	fs_snapshot_free(s);
}

Test(sample_618, parsed_into_one_snapshot_is_consistent)
{
	struct fs_snapshot *s = parse_together(sample_files, 5);

	fx_assert_clean(s);
	cr_assert(fx_zone(s, 0, "DMA32")->known & FS_ZK_SPLIT_READS);
	fx_assert_exact(fx_zone(s, 0, "DMA32")->order_blocks[10], 752);
	fs_snapshot_free(s);
}

Test(live_fixtures, all_parse_and_agree)
{
	static const char *const files[] = {
		LIVE("buddyinfo"), LIVE("pagetypeinfo"), LIVE("zoneinfo"), LIVE("vmstat"),
		LIVE("meminfo"),
	};
	struct fs_snapshot *s = merge_files(files, 5);
	struct fs_snapshot *t = parse_together(files, 5);

	fx_assert_clean(s);
	fx_assert_clean(t);
	fx_assert_exact(fx_zone(s, 0, "Normal")->order_blocks[0], 1057);
	fx_assert_exact(fx_zone(s, 0, "Normal")->mt_blocks[FS_MT_MOVABLE][0], 780);
	cr_assert_eq(fx_zone(s, 0, "Normal")->free_pages, 232241);
	cr_assert_eq(fx_zone(s, 0, "DMA")->wmark_min, 62);
	cr_assert_eq(fx_stat(&s->vmstat, "nr_free_pages"), 1008889);
	cr_assert_eq(fx_stat(&s->meminfo, "MemFree"), 24563992);
	cr_assert_eq(fx_zone(t, 0, "Normal")->pageblocks[FS_MT_MOVABLE], 449);
	fs_snapshot_free(s);
	fs_snapshot_free(t);
}

/* ------------------------------------------------------------- detection */

static enum fs_text_kind detect_file(const char *rel)
{
	size_t len;
	char *text = fx_read(rel, &len);
	enum fs_text_kind k = fs_detect_text(text, len);

	free(text);
	return k;
}

static enum fs_text_kind detect(const char *text)
{
	return fs_detect_text(text, strlen(text));
}

Test(detect, samples_and_fixtures)
{
	cr_assert_eq(detect_file(SAMPLE("buddyinfo")), FS_TEXT_BUDDYINFO);
	cr_assert_eq(detect_file(SAMPLE("pagetypeinfo")), FS_TEXT_PAGETYPEINFO);
	cr_assert_eq(detect_file(SAMPLE("zoneinfo")), FS_TEXT_ZONEINFO);
	cr_assert_eq(detect_file(SAMPLE("vmstat")), FS_TEXT_VMSTAT);
	cr_assert_eq(detect_file(SAMPLE("meminfo")), FS_TEXT_MEMINFO);
	cr_assert_eq(detect_file(SAMPLE("uname")), FS_TEXT_UNAME);
	cr_assert_eq(detect_file(LIVE("uname")), FS_TEXT_UNAME);
	cr_assert_eq(detect_file("samples/android-4.19-arm64-wifi-order3-atomic-cma.log"),
		     FS_TEXT_KERNEL_LOG);
	cr_assert_eq(detect_file(SYN("x86_64-4.4.zoneinfo")), FS_TEXT_ZONEINFO);
	cr_assert_eq(detect_file(SYN("x86_64-5.4-capped.buddyinfo")), FS_TEXT_BUDDYINFO);
	cr_assert_eq(detect_file(SYN("x86_64-3.10-reserve.pagetypeinfo")), FS_TEXT_PAGETYPEINFO);
}

Test(detect, kernel_logs_with_any_prefix)
{
	cr_assert_eq(detect("[    0.000000] Linux version 6.1.0 (gcc)\n[    0.1] x\n"),
		     FS_TEXT_KERNEL_LOG);
	cr_assert_eq(detect("<4>[  12.5] kworker/0:1: page allocation failure: order:3, "
			    "mode:0x484020\n"), FS_TEXT_KERNEL_LOG);
	cr_assert_eq(detect("Nov 25 10:40:01 host kernel: usb 1-1: new device\n"),
		     FS_TEXT_KERNEL_LOG);
	cr_assert_eq(detect("[Mon Nov 25 10:40:01 2024] eth0: link up\n"), FS_TEXT_KERNEL_LOG);
	/* no prefix at all, but a warn_alloc report */
	cr_assert_eq(detect("some text\nfoo: page allocation failure: order:0, mode:0x0\n"),
		     FS_TEXT_KERNEL_LOG);
	cr_assert_eq(detect("app: vmalloc error: size 8192, page order 1, failed to allocate "
			    "pages\n"), FS_TEXT_KERNEL_LOG);
}

Test(detect, containers_and_unknown)
{
	cr_assert_eq(detect("========================================================\n"
			    "== dumpstate: 2024-11-25 10:40:01\n"
			    "========================================================\n"),
		     FS_TEXT_BUGREPORT);
	cr_assert_eq(detect("Build: AP1A\n------ ZONEINFO (/proc/zoneinfo) ------\n"
			    "Node 0, zone   Normal\n"), FS_TEXT_BUGREPORT);
	cr_assert_eq(detect("---\nfragscope-capture:\n  format: 1\n"), FS_TEXT_CAPTURE);
	cr_assert_eq(detect("fragscope-capture: 1\n"), FS_TEXT_CAPTURE);
	cr_assert_eq(detect("4.19.176\n"), FS_TEXT_UNAME);
	cr_assert_eq(detect("3.10.0-1160.el7.x86_64"), FS_TEXT_UNAME);
	cr_assert_eq(detect("4.19.176\nmore\n"), FS_TEXT_UNKNOWN);
	cr_assert_eq(detect("hello world\n"), FS_TEXT_UNKNOWN);
	cr_assert_eq(detect(""), FS_TEXT_UNKNOWN);
	cr_assert_eq(fs_detect_text("\0\1\2\3ELF", 8), FS_TEXT_UNKNOWN);
	/* a kernel WARN's "cut here" line is not a bugreport section */
	cr_assert_eq(detect("[ 1.0] ------------[ cut here ]------------\n"), FS_TEXT_KERNEL_LOG);
}

Test(detect, kind_names)
{
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_BUDDYINFO), "buddyinfo");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_PAGETYPEINFO), "pagetypeinfo");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_ZONEINFO), "zoneinfo");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_VMSTAT), "vmstat");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_MEMINFO), "meminfo");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_KERNEL_LOG), "kernel log");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_BUGREPORT), "bugreport");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_CAPTURE), "capture");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_UNAME), "uname");
	cr_assert_str_eq(fs_text_kind_name(FS_TEXT_UNKNOWN), "unknown");
	cr_assert_str_eq(fs_text_kind_name((enum fs_text_kind)99), "unknown");
}

/* ------------------------------------------------- synthetic: other kernels */

static struct fs_snapshot *merge_set(const char *base, bool zoneinfo)
{
	char files[3][128];
	const char *list[3];
	size_t n = zoneinfo ? 3 : 2;

	snprintf(files[0], sizeof(files[0]), SYN("%s.buddyinfo"), base);
	snprintf(files[1], sizeof(files[1]), SYN("%s.pagetypeinfo"), base);
	snprintf(files[2], sizeof(files[2]), SYN("%s.zoneinfo"), base);
	for (size_t i = 0; i < n; i++)
		list[i] = files[i];
	return merge_files(list, n);
}

Test(kernel_4_4, zoneinfo_of_populated_zones_only)
{
	struct fs_snapshot *s = fx_parse(SYN("x86_64-4.4.zoneinfo"));
	struct fs_zone *z;
	const uint64_t prot[4] = { 0, 2951, 7877, 7877 };

	fx_assert_clean(s);
	cr_assert_eq(s->nr_zones, 3, "4.4 prints no empty zone");
	z = fx_zone(s, 0, "DMA");
	cr_assert(z->populated);
	cr_assert_eq(z->free_pages, 2947);
	cr_assert_eq(z->nr_protection, 4);
	cr_assert_arr_eq(z->protection, prot, sizeof(prot));
	cr_assert_eq(z->start_pfn, 1);
	z = fx_zone(s, 0, "Normal");
	cr_assert_eq(z->wmark_min, 9527);
	cr_assert_eq(z->wmark_low, 11908);
	cr_assert_eq(z->wmark_high, 14290);
	cr_assert_not(z->known & FS_ZK_BOOST, "no boost line before 6.1");
	cr_assert_not(z->known & FS_ZK_CMA_PAGES, "no cma line before 5.15");
	cr_assert_eq(fx_stat(&z->stats, "scanned"), 12);
	cr_assert_eq(fx_stat(&z->stats, "nr_alloc_batch"), 310);
	cr_assert_eq(fx_stat(&z->stats, "inactive_ratio"), 6);
	cr_assert_eq(fx_stat(&z->stats, "all_unreclaimable"), 0);
	cr_assert_eq(z->free_pcp, 247, "150 + 97");
	cr_assert(z->known & FS_ZK_FREE_CMA);
	cr_assert_eq(s->nodes[0].stats.count, 0, "4.4 has no per-node stats");
	fs_snapshot_free(s);
}

Test(kernel_4_4, pagetypeinfo_counts_are_not_capped)
{
	struct fs_snapshot *s = merge_set("x86_64-4.4", true);
	struct fs_zone *z;

	fx_assert_clean(s);
	cr_assert_null(fx_diag(s, FS_SEV_NOTE, ">"), "no capped count");
	z = fx_zone(s, 0, "Normal");
	fx_assert_exact(z->mt_blocks[FS_MT_MOVABLE][0], 123456);
	fx_assert_exact(z->order_blocks[0], 125294);   /* 1523 + 123456 + 310 + 5 */
	/* HighAtomic blocks: Normal 2, DMA32 1 (x 512 pages per block) */
	cr_assert_eq(z->reserved_highatomic, 1024);
	cr_assert_eq(fx_zone(s, 0, "DMA32")->reserved_highatomic, 512);
	cr_assert_eq(z->free_highatomic, 15);          /* 5*1 + 3*2 + 1*4 */
	cr_assert_eq(fx_zone(s, 0, "DMA32")->free_highatomic, 1024);
	/* zoneinfo 37 pages above the lists: within the drift tolerance */
	cr_assert_eq(z->free_pages, 286149);
	cr_assert_eq(fs_zone_area_pages(z), 286112);
	fs_snapshot_free(s);
}

Test(kernel_3_10, reserve_migratetype)
{
	struct fs_snapshot *s = merge_set("x86_64-3.10-reserve", false);
	struct fs_zone *z;

	fx_assert_clean(s);
	/* ≤4.3 enum order: Unmovable Reclaimable Movable Reserve Isolate */
	cr_assert_eq(s->meta.nr_mt_order, 5);
	cr_assert_eq(s->meta.mt_order[0], FS_MT_UNMOVABLE);
	cr_assert_eq(s->meta.mt_order[1], FS_MT_RECLAIMABLE);
	cr_assert_eq(s->meta.mt_order[2], FS_MT_MOVABLE);
	cr_assert_eq(s->meta.mt_order[3], FS_MT_RESERVE);
	cr_assert_eq(s->meta.mt_order[4], FS_MT_ISOLATE);
	z = fx_zone(s, 0, "Normal");
	fx_assert_exact(z->mt_blocks[FS_MT_RESERVE][0], 1);
	fx_assert_exact(z->mt_blocks[FS_MT_RESERVE][10], 2);
	fx_assert_exact(z->mt_blocks[FS_MT_RECLAIMABLE][0], 97);
	fx_assert_exact(z->order_blocks[0], 4921);     /* 811 + 97 + 4012 + 1 */
	cr_assert_eq(z->pageblocks[FS_MT_RESERVE], 2);
	cr_assert_eq(z->pageblocks[FS_MT_MOVABLE], 7880);
	cr_assert_not(z->mt_rows & (1u << FS_MT_HIGHATOMIC));
	cr_assert_not(z->known & FS_ZK_RESERVED_HIGHATOMIC, "no HighAtomic column before 4.4");
	cr_assert_eq(fx_zone(s, 0, "DMA32")->pageblocks[FS_MT_RESERVE], 2);
	fs_snapshot_free(s);
}

Test(kernel_5_4, capped_counts)
{
	struct fs_snapshot *s = merge_set("x86_64-5.4-capped", false);
	struct fs_zone *z = fx_zone(s, 0, "Normal");

	fx_assert_clean(s);
	fx_assert_diag(s, FS_SEV_NOTE, "\">100000\" are lower bounds");
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][0].kind, FS_COUNT_CAPPED);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][0].value, 100000);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][1].kind, FS_COUNT_CAPPED);
	fx_assert_exact(z->mt_blocks[FS_MT_MOVABLE][2], 60112);
	/* buddyinfo has the real totals: 2311 + 180220 + 680 = 183211 */
	fx_assert_exact(z->order_blocks[0], 183211);
	fx_assert_exact(z->order_blocks[1], 104231);
	fs_snapshot_free(s);
}

Test(kernel_5_4, capped_rows_above_buddyinfo_are_reported)
{
	size_t len;
	char *text = fx_read(SYN("x86_64-5.4-capped.buddyinfo"), &len);
	char *at = strstr(text, "183211");
	struct fs_snapshot *s = fx_parse(SYN("x86_64-5.4-capped.pagetypeinfo"));

	/* 100000 + 2311 + 680 are at least on the order-0 lists; claim 50000 */
	cr_assert_not_null(at);
	memcpy(at, " 50000", 6);
	cr_assert_eq(fs_parse_buddyinfo(s, text, len, "cut.buddyinfo"), 2);
	fs_snapshot_check(s);
	fx_assert_diag(s, FS_SEV_WARNING, "order 0: >=102991 vs 50000");
	free(text);
	fs_snapshot_free(s);
}

Test(numa, two_nodes)
{
	struct fs_snapshot *s = merge_set("numa2-4.19", true);
	struct fs_zone *z;

	fx_assert_clean(s);
	cr_assert_eq(s->nr_nodes, 2);
	cr_assert_eq(s->nr_zones, 8, "4 zone types x 2 nodes, empty ones included");
	cr_assert_eq(s->meta.pageblock_order, 9);
	z = fx_zone(s, 1, "Normal");
	fx_assert_exact(z->order_blocks[10], 1650);
	fx_assert_exact(z->mt_blocks[FS_MT_MOVABLE][10], 1650);
	cr_assert_eq(z->pageblocks[FS_MT_MOVABLE], 8060);
	cr_assert_eq(z->wmark_min, 12880);
	cr_assert_eq(z->start_pfn, 3407872);
	cr_assert_eq(z->free_pages, fs_zone_area_pages(z));
	cr_assert(z->populated);
	cr_assert_not(fx_zone(s, 1, "DMA")->populated);
	cr_assert_not(fx_zone(s, 1, "DMA32")->populated);
	cr_assert_not(fx_zone(s, 0, "Movable")->populated);
	fx_assert_exact(fx_zone(s, 0, "Normal")->order_blocks[0], 4044);  /* 902+3022+120 */
	/* node 1's per-node stats come with its first populated zone, Normal */
	cr_assert_eq(fx_stat(&fs_snapshot_node(s, 0, false)->stats, "nr_inactive_anon"), 2042);
	cr_assert_eq(fx_stat(&fs_snapshot_node(s, 1, false)->stats, "nr_inactive_anon"), 4084);
	cr_assert_not(fs_stats_get(&z->stats, "nr_inactive_anon", NULL));
	cr_assert_eq(fx_stat(&z->stats, "nr_zone_inactive_file"), 20412);
	fs_snapshot_free(s);
}

Test(arm64_64k, fourteen_orders_and_pageblock_order_13)
{
	struct fs_snapshot *s = merge_set("arm64-64k-6.6", true);
	struct fs_zone *z;

	fx_assert_clean(s);
	cr_assert_eq(s->meta.nr_orders, 14);
	cr_assert_eq(fs_snapshot_nr_orders(s), 14);
	cr_assert_eq(s->meta.pageblock_order, 13);
	z = fx_zone(s, 0, "DMA");
	fx_assert_exact(z->order_blocks[13], 4);             /* Movable 3 + CMA 1 */
	fx_assert_exact(z->mt_blocks[FS_MT_CMA][13], 1);
	cr_assert_eq(z->cma_pages, 8192);
	cr_assert_eq(z->free_cma, 8196);                     /* 2 + 1*2 + 1*8192 */
	cr_assert_eq(z->pageblocks[FS_MT_CMA], 1);
	z = fx_zone(s, 0, "Normal");
	fx_assert_exact(z->order_blocks[13], 13);            /* Movable 12 + HighAtomic 1 */
	cr_assert_eq(z->reserved_highatomic, 8192, "1 HighAtomic block of 2^13 pages");
	cr_assert_eq(z->free_highatomic, 8192);
	cr_assert_eq(z->order_blocks[14].kind, FS_COUNT_NONE);
	cr_assert_not(fx_zone(s, 0, "DMA32")->populated);
	fs_snapshot_free(s);
}

Test(i686, highmem)
{
	struct fs_snapshot *s = merge_set("i686-highmem-4.19", true);
	struct fs_zone *z;
	const uint64_t prot[4] = { 0, 0, 17584, 17584 };

	fx_assert_clean(s);
	cr_assert_eq(s->meta.pageblock_order, 10, "4 MiB huge pages without PAE");
	cr_assert_eq(s->nr_zones, 4);
	cr_assert_str_eq(s->zones[0].name, "DMA");
	cr_assert_str_eq(s->zones[1].name, "Normal");
	cr_assert_str_eq(s->zones[2].name, "HighMem");
	cr_assert_str_eq(s->zones[3].name, "Movable");
	z = fx_zone(s, 0, "HighMem");
	cr_assert_eq(z->wmark_min, 128);
	fx_assert_exact(z->order_blocks[10], 310);
	cr_assert_eq(z->pageblocks[FS_MT_MOVABLE], 560);
	cr_assert_eq(z->free_pcp, 52);
	cr_assert_arr_eq(fx_zone(s, 0, "Normal")->protection, prot, sizeof(prot));
	fs_snapshot_free(s);
}

Test(cma_isolate, columns)
{
	struct fs_snapshot *s = merge_set("arm64-cma-5.10", true);
	struct fs_zone *z = fx_zone(s, 0, "DMA32");

	fx_assert_clean(s);
	cr_assert_eq(s->meta.nr_mt_order, 6);
	cr_assert_eq(s->meta.mt_order[4], FS_MT_CMA);
	cr_assert_eq(s->meta.mt_order[5], FS_MT_ISOLATE);
	fx_assert_exact(z->mt_blocks[FS_MT_CMA][10], 18);
	fx_assert_exact(z->mt_blocks[FS_MT_ISOLATE][9], 1);
	fx_assert_exact(z->order_blocks[9], 2);              /* CMA 1 + Isolate 1 */
	cr_assert_eq(z->pageblocks[FS_MT_CMA], 24);
	cr_assert_eq(z->pageblocks[FS_MT_ISOLATE], 1);
	cr_assert_eq(z->pageblocks[FS_MT_HIGHATOMIC], 3);
	cr_assert_eq(z->reserved_highatomic, 1536, "3 blocks x 512");
	cr_assert_eq(z->free_highatomic, 14);                /* 6 + 2*2 + 1*4 */
	/* 402 + 210*2 + 111*4 + 52*8 + 20*16 + 9*32 + 4*64 + 2*128 + 256 + 512 + 18*1024 */
	cr_assert_eq(z->free_cma, 22002);
	/* NR_FREE_PAGES leaves the isolated block's 512 pages out */
	cr_assert_eq(fs_zone_area_pages(z) - z->free_pages, 512);
	cr_assert_eq(z->nr_protection, 3);
	fs_snapshot_free(s);
}

Test(page_owner, mixed_blocks_table_is_not_taken_for_block_counts)
{
	struct fs_snapshot *s = merge_set("x86_64-6.1-pageowner", false);

	fx_assert_clean(s);
	cr_assert_eq(s->nr_zones, 3);
	cr_assert_eq(fx_zone(s, 0, "Normal")->pageblocks[FS_MT_UNMOVABLE], 150, "not 31");
	cr_assert_eq(fx_zone(s, 0, "Normal")->pageblocks[FS_MT_MOVABLE], 3800, "not 402");
	cr_assert_eq(fx_zone(s, 1, "Normal")->pageblocks[FS_MT_MOVABLE], 7980, "not 655");
	cr_assert_eq(fx_zone(s, 0, "DMA32")->pageblocks[FS_MT_MOVABLE], 1520);
	fx_assert_exact(fx_zone(s, 1, "Normal")->mt_blocks[FS_MT_MOVABLE][10], 1900);
	cr_assert_eq(fx_zone(s, 0, "Normal")->reserved_highatomic, 512);
	fs_snapshot_free(s);
}

Test(fixtures, every_file_parses_without_warning)
{
	static const char *const files[] = {
		SAMPLE("buddyinfo"), SAMPLE("pagetypeinfo"), SAMPLE("zoneinfo"),
		SAMPLE("vmstat"), SAMPLE("meminfo"),
		LIVE("buddyinfo"), LIVE("pagetypeinfo"), LIVE("zoneinfo"), LIVE("vmstat"),
		LIVE("meminfo"),
		SYN("x86_64-4.4.buddyinfo"), SYN("x86_64-4.4.pagetypeinfo"),
		SYN("x86_64-4.4.zoneinfo"),
		SYN("x86_64-3.10-reserve.buddyinfo"), SYN("x86_64-3.10-reserve.pagetypeinfo"),
		SYN("x86_64-5.4-capped.buddyinfo"), SYN("x86_64-5.4-capped.pagetypeinfo"),
		SYN("numa2-4.19.buddyinfo"), SYN("numa2-4.19.pagetypeinfo"),
		SYN("numa2-4.19.zoneinfo"),
		SYN("arm64-64k-6.6.buddyinfo"), SYN("arm64-64k-6.6.pagetypeinfo"),
		SYN("arm64-64k-6.6.zoneinfo"),
		SYN("i686-highmem-4.19.buddyinfo"), SYN("i686-highmem-4.19.pagetypeinfo"),
		SYN("i686-highmem-4.19.zoneinfo"),
		SYN("arm64-cma-5.10.buddyinfo"), SYN("arm64-cma-5.10.pagetypeinfo"),
		SYN("arm64-cma-5.10.zoneinfo"),
		SYN("x86_64-6.1-pageowner.buddyinfo"), SYN("x86_64-6.1-pageowner.pagetypeinfo"),
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct fs_snapshot *s = fx_parse(files[i]);
		cr_log_info("%s", files[i]);
		fs_snapshot_check(s);
		fx_assert_clean(s);
		cr_assert_eq(fx_count(s, FS_SEV_ERROR), 0);
		fs_snapshot_free(s);
	}
}

/* ------------------------------------------------------------------ merge */

Test(merge, disagreeing_counts_name_both_sources)
{
	struct fs_snapshot *a = fx_parse(SAMPLE("buddyinfo"));
	struct fs_snapshot *b = fx_parse(LIVE("buddyinfo"));
	const struct fs_diag *d;

	fs_snapshot_merge(a, b);
	d = fx_assert_diag(a, FS_SEV_WARNING, "Node 0, zone Normal: free blocks per order differ");
	cr_assert_not_null(strstr(d->message, SAMPLE("buddyinfo")));
	cr_assert_not_null(strstr(d->message, LIVE("buddyinfo")));
	cr_assert_not_null(strstr(d->message, "order 0: 355 vs 1057"), "%s", d->message);
	/* DMA is the same in both files */
	cr_assert_null(fx_diag(a, FS_SEV_WARNING, "zone DMA:"));
	fx_assert_exact(fx_zone(a, 0, "Normal")->order_blocks[0], 355);   /* dst wins */
	fs_snapshot_free(a);
	fs_snapshot_free(b);
}

Test(merge, fields_and_meta_conflicts)
{
	struct fs_snapshot *a = fx_parse(SAMPLE("zoneinfo"));
	struct fs_snapshot *b = fx_parse(LIVE("zoneinfo"));
	struct fs_snapshot *c = fx_parse(SYN("i686-highmem-4.19.pagetypeinfo"));
	struct fs_snapshot *d = fx_parse(SAMPLE("pagetypeinfo"));

	fs_snapshot_merge(a, b);
	fx_assert_diag(a, FS_SEV_WARNING, "Node 0, zone Normal: free pages 137506 in "
		       SAMPLE("zoneinfo") ", 232241 in " LIVE("zoneinfo"));
	fx_assert_diag(a, FS_SEV_WARNING, "min watermark 68 in");
	fx_assert_diag(a, FS_SEV_WARNING, "Node 0: ");   /* node counters */
	fs_snapshot_merge(d, c);
	fx_assert_diag(d, FS_SEV_WARNING, "page block order 9 in " SAMPLE("pagetypeinfo")
		       ", 10 in " SYN("i686-highmem-4.19.pagetypeinfo"));
	fs_snapshot_free(a);
	fs_snapshot_free(b);
	fs_snapshot_free(c);
	fs_snapshot_free(d);
}

Test(merge, takes_what_dst_lacks_and_refines_counts)
{
	struct fs_snapshot *a = fs_snapshot_new(), *b = fs_snapshot_new();
	struct fs_zone *za = fs_snapshot_zone(a, 0, "Normal", 6, true);
	struct fs_zone *zb;

	snprintf(a->meta.source, sizeof(a->meta.source), "a");
	za->known = FS_ZK_MT_BLOCKS;
	za->mt_rows = 1u << FS_MT_MOVABLE;
	za->mt_blocks[FS_MT_MOVABLE][0] = (struct fs_count){ 100000, FS_COUNT_CAPPED };
	za->mt_blocks[FS_MT_MOVABLE][1] = (struct fs_count){ 0, FS_COUNT_NONEMPTY };
	fs_diags_add(&b->diags, FS_SEV_NOTE, "b", 3, "a note of b");
	snprintf(b->meta.source, sizeof(b->meta.source), "b");
	b->meta.page_size = 4096;
	zb = fs_snapshot_zone(b, 0, "Normal", 6, true);
	zb->known = FS_ZK_MT_BLOCKS | FS_ZK_FREE_PAGES;
	zb->mt_rows = 1u << FS_MT_MOVABLE;
	zb->mt_blocks[FS_MT_MOVABLE][0] = fs_count_exact(123456);
	zb->mt_blocks[FS_MT_MOVABLE][1] = fs_count_exact(7);
	zb->free_pages = 42;
	fs_snapshot_zone(b, 1, "DMA", 3, true)->populated = false;

	fs_snapshot_merge(a, b);
	fx_assert_clean(a);
	za = fx_zone(a, 0, "Normal");
	fx_assert_exact(za->mt_blocks[FS_MT_MOVABLE][0], 123456);
	fx_assert_exact(za->mt_blocks[FS_MT_MOVABLE][1], 7);
	cr_assert_eq(za->free_pages, 42);
	cr_assert(za->known & FS_ZK_FREE_PAGES);
	cr_assert_not(za->known & FS_ZK_SPLIT_READS, "both sides had rows, no totals");
	cr_assert_not(fx_zone(a, 1, "DMA")->populated);
	cr_assert_eq(a->meta.page_size, 4096);
	cr_assert_str_eq(a->meta.source, "a + b");
	fx_assert_diag(a, FS_SEV_NOTE, "a note of b");

	/* an exact count below a capped one contradicts it */
	zb->mt_blocks[FS_MT_MOVABLE][0] = fs_count_exact(5);
	za->mt_blocks[FS_MT_MOVABLE][0] = (struct fs_count){ 100000, FS_COUNT_CAPPED };
	fs_snapshot_merge(a, b);
	fx_assert_diag(a, FS_SEV_WARNING, "Movable order 0: >100000 vs 5");
	fs_snapshot_free(a);
	fs_snapshot_free(b);
}

/* ------------------------------------------------------------------ check */

static struct fs_snapshot *one_zone(struct fs_zone **z)
{
	struct fs_snapshot *s = fs_snapshot_new();

	snprintf(s->meta.source, sizeof(s->meta.source), "made-up");
	s->meta.nr_orders = 11;
	*z = fs_snapshot_zone(s, 0, "Normal", 6, true);
	return s;
}

Test(check, same_read_sums_must_match_exactly)
{
	struct fs_zone *z;
	struct fs_snapshot *s = one_zone(&z);

	/* a warn_alloc free-area line: "3*4kB (UM)" and 2 letters for 3 blocks */
	z->known = FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS;
	z->mt_rows = (1u << FS_MT_UNMOVABLE) | (1u << FS_MT_MOVABLE);
	z->order_blocks[0] = fs_count_exact(3);
	z->mt_blocks[FS_MT_UNMOVABLE][0] = (struct fs_count){ 0, FS_COUNT_NONEMPTY };
	z->mt_blocks[FS_MT_MOVABLE][0] = (struct fs_count){ 0, FS_COUNT_NONEMPTY };
	for (int o = 1; o < 11; o++) {
		z->order_blocks[o] = fs_count_exact(0);
		z->mt_blocks[FS_MT_UNMOVABLE][o] = (struct fs_count){ 0, FS_COUNT_EMPTY_KNOWN };
		z->mt_blocks[FS_MT_MOVABLE][o] = (struct fs_count){ 0, FS_COUNT_EMPTY_KNOWN };
	}
	fs_snapshot_check(s);
	fx_assert_clean(s);

	/* one exact block off at order 5, from one read: reported */
	z->mt_blocks[FS_MT_MOVABLE][5] = fs_count_exact(1);
	fs_snapshot_check(s);
	fx_assert_diag(s, FS_SEV_WARNING, "do not add up to the per-order totals: order 5: 1 vs 0");
	fs_snapshot_free(s);
}

Test(check, separate_reads_get_a_tolerance)
{
	struct fs_zone *z;
	struct fs_snapshot *s = one_zone(&z);

	z->known = FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS | FS_ZK_SPLIT_READS;
	z->mt_rows = 1u << FS_MT_MOVABLE;
	for (int o = 0; o < 11; o++) {
		z->order_blocks[o] = fs_count_exact(100);
		z->mt_blocks[FS_MT_MOVABLE][o] = fs_count_exact(100);
	}
	/* area = 100 * (2^11 - 1) = 204700 pages; tolerance max(2*1024, 204700/50 = 4094) */
	z->mt_blocks[FS_MT_MOVABLE][0] = fs_count_exact(130);   /* 30 pages */
	z->mt_blocks[FS_MT_MOVABLE][10] = fs_count_exact(102);  /* 2048 pages */
	fs_snapshot_check(s);
	fx_assert_clean(s);
	z->mt_blocks[FS_MT_MOVABLE][10] = fs_count_exact(104);  /* 4096 + 30 > 4094 */
	fs_snapshot_check(s);
	fx_assert_diag(s, FS_SEV_WARNING, "pagetypeinfo rows do not add up to buddyinfo: "
		       "order 0: 130 vs 100 order 10: 104 vs 100 (4126 pages differ; reads apart "
		       "explain at most 4094)");
	fs_snapshot_free(s);
}

Test(check, a_changed_pagetypeinfo_row_is_reported)
{
	size_t len;
	char *text = fx_read(SAMPLE("pagetypeinfo"), &len);
	char *row = strstr(text, "DMA32, type      Movable");
	struct fs_snapshot *s = fx_parse(SAMPLE("buddyinfo"));

	cr_assert_not_null(row);
	row = strstr(row, "   752 ");
	memcpy(row, "   700 ", 7);
	cr_assert_eq(fs_parse_pagetypeinfo(s, text, len, "edited.pagetypeinfo"), 3);
	fs_snapshot_check(s);
	/* 52 blocks of 1024 pages = 53248 pages, tolerance 772917/50 = 15458 */
	fx_assert_diag(s, FS_SEV_WARNING, "Node 0, zone DMA32: pagetypeinfo rows do not add up "
		       "to buddyinfo: order 10: 700 vs 752 (53248 pages differ; reads apart "
		       "explain at most 15458)");
	cr_assert_null(fx_diag(s, FS_SEV_WARNING, "zone Normal"));
	free(text);
	fs_snapshot_free(s);
}

Test(check, area_total_is_exact)
{
	struct fs_zone *z;
	struct fs_snapshot *s = one_zone(&z);

	z->known = FS_ZK_ORDER_BLOCKS | FS_ZK_AREA_TOTAL;
	z->order_blocks[0] = fs_count_exact(3);
	z->order_blocks[3] = fs_count_exact(2);          /* 3 + 16 = 19 pages */
	z->area_total_pages = 19;
	fs_snapshot_check(s);
	fx_assert_clean(s);
	z->area_total_pages = 20;
	fs_snapshot_check(s);
	fx_assert_diag(s, FS_SEV_WARNING, "free-area total 20 pages, but the per-order counts "
		       "add up to 19");
	fs_snapshot_free(s);
}

Test(check, free_pages_tolerance)
{
	struct fs_zone *z;
	struct fs_snapshot *s = one_zone(&z);

	z->known = FS_ZK_ORDER_BLOCKS | FS_ZK_FREE_PAGES;
	z->order_blocks[10] = fs_count_exact(10);        /* 10240 pages */
	z->free_pages = 10240 + 256;                     /* 2% is 208: 256 applies */
	fs_snapshot_check(s);
	fx_assert_clean(s);
	z->free_pages = 10240 - 257;
	fs_snapshot_check(s);
	fx_assert_diag(s, FS_SEV_WARNING, "9983 free pages, but the free lists hold 10240 "
		       "(more than the 256 pages");
	fs_diags_clear(&s->diags);

	/* free pages on Isolate lists are not in NR_FREE_PAGES */
	z->known |= FS_ZK_MT_BLOCKS;
	z->mt_rows = 1u << FS_MT_ISOLATE;
	z->mt_blocks[FS_MT_ISOLATE][9] = fs_count_exact(1);
	fs_snapshot_check(s);
	fx_assert_clean(s);

	/* the printed per-cpu thresholds widen it on many-cpu machines */
	z->known &= ~(uint32_t)FS_ZK_MT_BLOCKS;
	z->mt_rows = 0;
	z->free_pages = 10240 - 1000;
	fs_stats_set(&z->stats, "vm_stats_threshold_sum", 1000);
	fs_snapshot_check(s);
	fx_assert_clean(s);
	fs_snapshot_free(s);
}

Test(check, relations)
{
	struct fs_zone *z;
	struct fs_snapshot *s = one_zone(&z);

	z->known = FS_ZK_FREE_PAGES | FS_ZK_FREE_CMA | FS_ZK_WMARK | FS_ZK_SPANNED |
		   FS_ZK_PRESENT | FS_ZK_MANAGED;
	z->free_pages = 100;
	z->free_cma = 100;
	z->wmark_min = 10;
	z->wmark_low = 10;
	z->wmark_high = 12;
	z->spanned = 1000;
	z->present = 1000;
	z->managed = 1000;
	fs_snapshot_check(s);
	fx_assert_clean(s);

	z->free_cma = 101;
	z->wmark_low = 13;
	z->managed = 1001;
	z->present = 1002;
	fs_snapshot_check(s);
	fx_assert_diag(s, FS_SEV_WARNING, "free CMA pages 101 exceed free pages 100");
	fx_assert_diag(s, FS_SEV_WARNING, "watermarks out of order: min 10, low 13, high 12");
	fx_assert_diag(s, FS_SEV_WARNING, "present pages 1002 exceed spanned pages 1000");
	cr_assert_eq(fx_count(s, FS_SEV_WARNING), 3, "managed 1001 <= present 1002 is fine");
	z->managed = 1003;
	fs_snapshot_check(s);
	fx_assert_diag(s, FS_SEV_WARNING, "managed pages 1003 exceed present pages 1002");
	fs_snapshot_free(s);
}
