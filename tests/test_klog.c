/*
 * Tests of the warn_alloc scanner (klog.h): the real Android sample, the
 * synthetic logs of each kernel version and logger (tests/fixtures/klog/,
 * README there), the line prefixes one by one, and bad input.
 * Expected numbers come from the fixture text; kB values are divided by the
 * 4 kB page size printed by the free-area lines.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fragscope/klog.h"
#include "fragscope/util.h"

/* FS_KLOG_REPORTS_MAX in src/core/klog_priv.h: reports kept per log */
#define FS_KLOG_REPORTS_MAX_TEST 10000

#define SAMPLE FS_FIXTURES "/samples/android-4.19-arm64-wifi-order3-atomic-cma.log"
#define KLOG(name) FS_FIXTURES "/klog/" name

struct parsed {
	struct fs_report_list list;
	struct fs_diags diags;
	size_t n;
	char *text;
	size_t len;
};

static void parse_file(struct parsed *p, const char *path)
{
	memset(p, 0, sizeof(*p));
	cr_assert_eq(fs_read_file(path, 16u << 20, &p->text, &p->len), 0, "cannot read %s", path);
	p->n = fs_parse_kernel_log(p->text, p->len, path, &p->list, &p->diags);
}

static void parse_text(struct parsed *p, const char *text)
{
	memset(p, 0, sizeof(*p));
	p->n = fs_parse_kernel_log(text, strlen(text), "test.log", &p->list, &p->diags);
}

static void parsed_free(struct parsed *p)
{
	fs_report_list_free(&p->list);
	fs_diags_clear(&p->diags);
	free(p->text);
}

static const struct fs_zone *zone(const struct fs_report *r, int node, const char *name)
{
	cr_assert_not_null(r->snapshot, "report has no snapshot");
	for (size_t i = 0; i < r->snapshot->nr_zones; i++)
		if (r->snapshot->zones[i].node == node &&
		    strcmp(r->snapshot->zones[i].name, name) == 0)
			return &r->snapshot->zones[i];
	cr_assert_fail("no zone %d %s", node, name);
	return NULL;
}

static int64_t stat_of(const struct fs_stats *s, const char *name)
{
	int64_t v = -12345;
	cr_assert(fs_stats_get(s, name, &v), "no stat %s", name);
	return v;
}

static int64_t node_stat(const struct fs_report *r, int node, const char *name)
{
	struct fs_node *n = fs_snapshot_node(r->snapshot, node, false);
	cr_assert_not_null(n, "no node %d", node);
	return stat_of(&n->stats, name);
}

/* Warnings and errors in the scanner's diags and the report snapshots'. */
static size_t problems(const struct parsed *p)
{
	size_t n = fs_diags_count(&p->diags, FS_SEV_WARNING);
	for (size_t i = 0; i < p->list.count; i++)
		if (p->list.items[i].snapshot)
			n += fs_diags_count(&p->list.items[i].snapshot->diags, FS_SEV_WARNING);
	return n;
}

static bool has_diag(const struct fs_diags *d, enum fs_severity sev, unsigned line,
		     const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].severity == sev && (line == 0 || d->items[i].line == line) &&
		    strstr(d->items[i].message, text))
			return true;
	return false;
}

/* ------------------------------------------------------------ the real sample */

Test(sample, one_report_with_the_request_and_the_task)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->kind, FS_REPORT_PAGE_ALLOC);
	cr_assert_eq(r->order, 3);
	cr_assert(r->has_mode);
	cr_assert_eq(r->mode, 0x484020);
	cr_assert_str_eq(r->mode_names, "GFP_ATOMIC|__GFP_COMP");
	cr_assert_str_eq(r->nodemask, "(null)");
	cr_assert_str_eq(r->cpuset, "", "this 4.19 kernel printed no cpuset line");
	cr_assert_str_eq(r->comm, "wifi@1.0-servic");
	cr_assert_eq(r->pid, 2164);
	cr_assert_eq(r->cpu, 0);
	cr_assert_str_eq(r->kernel_release, "4.19.176");
	cr_assert(r->has_timestamp);
	cr_assert_eq(r->time_base, FS_TIME_BOOT);
	cr_assert_float_eq(r->timestamp, 1798.829657, 1e-7);
	cr_assert_str_eq(r->wallclock, "");
	/* header on line 4, "0 pages hwpoisoned" on line 58; the wlan lines after are not in it */
	cr_assert_eq(r->first_line, 4);
	cr_assert_eq(r->last_line, 58);
	cr_assert(fs_starts_with(r->raw, strlen(r->raw),
				 "wifi@1.0-servic: page allocation failure: order:3"));
	cr_assert_not_null(strstr(r->raw, "\n active_file:17726 inactive_file:16226"),
			   "continuation lines keep their leading blank");
	cr_assert_null(strstr(r->raw, "wlan: probe"));
	cr_assert_null(strstr(r->raw, "[ 1799"), "prefixes are stripped");
	parsed_free(&p);
}

Test(sample, call_trace_frames)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	const struct fs_report *r = &p.list.items[0];
	/* "Call trace:" is followed by 29 frame lines, dump_backtrace ... el0_svc_compat */
	cr_assert_eq(r->nr_trace, 29);
	cr_assert_str_eq(r->trace[0], "dump_backtrace+0x0/0x1b0");
	cr_assert_str_eq(r->trace[3], "warn_alloc+0xf0/0x158");
	cr_assert_str_eq(r->trace[7], "glSetHifInfo+0x328/0x610 [wlan_7961_usb]");
	cr_assert_str_eq(r->trace[28], "el0_svc_compat+0x8/0x34");
	parsed_free(&p);
}

Test(sample, zone_line_without_node_prefix)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	const struct fs_report *r = &p.list.items[0];
	const struct fs_snapshot *s = r->snapshot;
	cr_assert_eq(s->nr_zones, 1);
	cr_assert_eq(s->meta.page_size, 4096, "order 0 printed as 4kB");
	cr_assert_eq(s->meta.nr_orders, 11);
	cr_assert_eq(s->meta.time_base, FS_TIME_BOOT);
	cr_assert_float_eq(s->meta.time, 1798.829657, 1e-7);
	cr_assert_str_eq(s->meta.kernel_release, "4.19.176");
	cr_assert_not_null(strstr(s->meta.source,
				  "android-4.19-arm64-wifi-order3-atomic-cma.log#report1"));
	const struct fs_zone *z = zone(r, 0, "DMA32");
	cr_assert(z->known & FS_ZK_FREE_PAGES);
	cr_assert_eq(z->free_pages, 90529);      /* 362116kB / 4 */
	cr_assert(z->known & FS_ZK_WMARK);
	cr_assert_eq(z->wmark_min, 1139);        /* 4556kB / 4 */
	cr_assert_eq(z->wmark_low, 7295);        /* 29180kB / 4 */
	cr_assert_eq(z->wmark_high, 7621);       /* 30484kB / 4 */
	cr_assert_eq(z->present, 345696);        /* 1382784kB / 4 */
	cr_assert_eq(z->managed, 326626);        /* 1306504kB / 4 */
	cr_assert_eq(z->free_pcp, 1088);         /* 4352kB / 4 */
	cr_assert_eq(z->free_cma, 80450);        /* 321800kB / 4 */
	cr_assert_not(z->known & FS_ZK_BOOST, "4.19 prints no boost:");
	cr_assert_eq(stat_of(&z->stats, "local_pcp"), 245);       /* 980kB / 4 */
	cr_assert_eq(stat_of(&z->stats, "kernel_stack"), 7172);   /* 28688kB / 4 */
	cr_assert(z->known & FS_ZK_PROTECTION);
	cr_assert_eq(z->nr_protection, 3);
	cr_assert_eq(z->protection[0] + z->protection[1] + z->protection[2], 0);
	parsed_free(&p);
}

Test(sample, free_area_counts_and_letters)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	const struct fs_report *r = &p.list.items[0];
	const struct fs_zone *z = zone(r, 0, "DMA32");
	static const uint64_t counts[11] = { 4060, 942, 223, 47, 176, 53, 1, 5, 3, 1, 75 };
	cr_assert(z->known & FS_ZK_ORDER_BLOCKS);
	for (int o = 0; o < 11; o++) {
		cr_assert_eq(z->order_blocks[o].kind, FS_COUNT_EXACT);
		cr_assert_eq(z->order_blocks[o].value, counts[o], "order %d", o);
	}
	cr_assert_eq(z->order_blocks[11].kind, FS_COUNT_NONE);
	/* = 362032kB / 4; the counts add up to the same: 4060 + 942*2 + 223*4 + ... + 75*1024 */
	cr_assert(z->known & FS_ZK_AREA_TOTAL);
	cr_assert_eq(z->area_total_pages, 90508);
	cr_assert_eq(fs_zone_area_pages(z), 90508);
	/* order 10: "75*4096kB (C)" */
	cr_assert(z->known & FS_ZK_MT_BLOCKS);
	cr_assert_eq(z->mt_blocks[FS_MT_CMA][10].kind, FS_COUNT_NONEMPTY);
	cr_assert_eq(z->mt_blocks[FS_MT_CMA][10].value, 1);
	cr_assert_eq(z->mt_blocks[FS_MT_UNMOVABLE][10].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][10].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(z->mt_blocks[FS_MT_RECLAIMABLE][10].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(z->mt_blocks[FS_MT_HIGHATOMIC][10].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(z->mt_blocks[FS_MT_ISOLATE][10].kind, FS_COUNT_EMPTY_KNOWN);
	/* order 3: "47*32kB (UC)" */
	cr_assert_eq(z->mt_blocks[FS_MT_UNMOVABLE][3].kind, FS_COUNT_NONEMPTY);
	cr_assert_eq(z->mt_blocks[FS_MT_CMA][3].kind, FS_COUNT_NONEMPTY);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][3].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(z->mt_blocks[FS_MT_HIGHATOMIC][3].kind, FS_COUNT_EMPTY_KNOWN);
	/* order 4: "176*64kB (UMECH)" */
	for (int mt = FS_MT_UNMOVABLE; mt <= FS_MT_CMA; mt++)
		cr_assert_eq(z->mt_blocks[mt][4].kind, FS_COUNT_NONEMPTY, "mt %d", mt);
	cr_assert_eq(z->mt_blocks[FS_MT_RESERVE][4].kind, FS_COUNT_NONE, "no Reserve on 4.19");
	/* migratetypes in enum order; Isolate because CMA selects MEMORY_ISOLATION */
	const struct fs_meta *m = &r->snapshot->meta;
	cr_assert_eq(m->nr_mt_order, 6);
	static const uint8_t order[6] = { FS_MT_UNMOVABLE, FS_MT_MOVABLE, FS_MT_RECLAIMABLE,
					  FS_MT_HIGHATOMIC, FS_MT_CMA, FS_MT_ISOLATE };
	cr_assert_arr_eq(m->mt_order, order, 6);
	parsed_free(&p);
}

Test(sample, counters_node_and_trailer)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	const struct fs_report *r = &p.list.items[0];
	const struct fs_stats *v = &r->snapshot->vmstat;
	cr_assert_eq(stat_of(v, "free"), 90821);
	cr_assert_eq(stat_of(v, "free_pcp"), 1085);
	cr_assert_eq(stat_of(v, "free_cma"), 80512);
	cr_assert_eq(stat_of(v, "active_anon"), 23568);
	cr_assert_eq(stat_of(v, "unstable"), 0);
	cr_assert_eq(stat_of(v, "total_pagecache_pages"), 36685);
	cr_assert_eq(stat_of(v, "swap_cache_pages"), 291);
	cr_assert_eq(stat_of(v, "swap_cache_add"), 192421);
	cr_assert_eq(stat_of(v, "swap_cache_find_total"), 80536);
	cr_assert_eq(stat_of(v, "free_swap_pages"), 14877);     /* 59508kB / 4 */
	cr_assert_eq(stat_of(v, "total_swap_pages"), 123903);   /* 495612kB / 4 */
	cr_assert_eq(stat_of(v, "pages_ram"), 345696);
	cr_assert_eq(stat_of(v, "pages_highmem_movableonly"), 0);
	cr_assert_eq(stat_of(v, "pages_reserved"), 19070);
	cr_assert_eq(stat_of(v, "pages_cma_reserved"), 95232);
	cr_assert_eq(stat_of(v, "pages_hwpoisoned"), 0);
	cr_assert_eq(node_stat(r, 0, "active_anon"), 23599);    /* 94396kB / 4 */
	cr_assert_eq(node_stat(r, 0, "isolated(anon)"), 0);
	cr_assert_eq(node_stat(r, 0, "all_unreclaimable"), 0);
	cr_assert_eq(node_stat(r, 0, "hugepages_total_2048kB"), 0);
	parsed_free(&p);
}

Test(sample, no_diagnostic_at_all)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	cr_assert_eq(p.diags.count, 0);
	cr_assert_eq(p.list.items[0].snapshot->diags.count, 0,
		     "the kernel's own totals agree with its counts");
	parsed_free(&p);
}

Test(sample, fed_line_by_line_like_kmsg)
{
	struct parsed whole;
	parse_file(&whole, SAMPLE);
	struct fs_report_list out = { 0 };
	struct fs_diags d = { 0 };
	struct fs_klog_scanner *sc = fs_klog_scanner_new("live", &out, &d);
	struct fs_lines it;
	const char *line;
	size_t n;
	fs_lines_init(&it, whole.text, whole.len);
	while (fs_lines_next(&it, &line, &n))
		fs_klog_feed(sc, line, n, it.lineno);
	/* the trailer is followed by "wlan: probe ..." which completes the report */
	cr_assert_eq(out.count, 1, "the report is complete before the end of input");
	fs_klog_finish(sc);
	fs_klog_scanner_free(sc);
	cr_assert_eq(out.count, 1);
	cr_assert_str_eq(out.items[0].raw, whole.list.items[0].raw);
	cr_assert_str_eq(out.items[0].snapshot->meta.source, "live#report1");
	fs_report_list_free(&out);
	fs_diags_clear(&d);
	parsed_free(&whole);
}

Test(sample, copy_is_deep)
{
	struct parsed p;
	parse_file(&p, SAMPLE);
	struct fs_report c;
	memset(&c, 0, sizeof(c));
	fs_report_copy(&c, &p.list.items[0]);
	parsed_free(&p);     /* the copy must not share anything */
	cr_assert_eq(c.nr_trace, 29);
	cr_assert_str_eq(c.trace[28], "el0_svc_compat+0x8/0x34");
	cr_assert_eq(c.snapshot->zones[0].order_blocks[10].value, 75);
	cr_assert_not_null(strstr(c.raw, "Mem-Info:"));
	fs_report_clear(&c);
	cr_assert_eq(c.nr_trace, 0);
	cr_assert_null(c.snapshot);
	cr_assert_eq(c.pid, -1);
}

/* ------------------------------------------------------------ versions */

Test(versions, linux_4_4_hex_mode_and_long_zone_line)
{
	struct parsed p;
	parse_file(&p, KLOG("x86_64-4.4-order4-hexmode.log"));
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->order, 4);
	cr_assert_eq(r->mode, 0x2080020);
	cr_assert_str_eq(r->mode_names, "", "4.4 prints the hex only");
	cr_assert_str_eq(r->nodemask, "");
	cr_assert_str_eq(r->comm, "kworker/u16:3");
	cr_assert_eq(r->pid, 8341);
	cr_assert_eq(r->cpu, 2);
	cr_assert_str_eq(r->kernel_release, "4.4.0-142-generic");
	cr_assert_eq(r->first_line, 2);
	cr_assert_eq(r->last_line, 54);
	/* 18 frames: the stack words before "Call Trace:" and <IRQ>/<EOI> are not frames */
	cr_assert_eq(r->nr_trace, 18);
	cr_assert_str_eq(r->trace[0], "dump_stack+0x63/0x90");
	cr_assert_str_eq(r->trace[6], "? __alloc_skb+0x5d/0x1d0");
	cr_assert_str_eq(r->trace[11], "e1000_alloc_rx_buffers+0x1ee/0x2c0 [e1000e]");
	cr_assert_str_eq(r->trace[14], "do_softirq+0x5f/0x70");
	cr_assert_eq(r->snapshot->nr_zones, 3);
	const struct fs_zone *dma = zone(r, 0, "DMA");
	cr_assert_eq(dma->free_pages, 3979);      /* 15916kB / 4 */
	cr_assert_eq(dma->managed, 3977);         /* 15908kB / 4 */
	cr_assert_eq(stat_of(&dma->stats, "all_unreclaimable"), 1);
	cr_assert_eq(stat_of(&dma->stats, "isolated(anon)"), 0);
	cr_assert_eq(dma->nr_protection, 4);
	cr_assert_eq(dma->protection[1], 2960);
	cr_assert_eq(dma->protection[3], 15981);
	const struct fs_zone *d32 = zone(r, 0, "DMA32");
	cr_assert_eq(stat_of(&d32->stats, "pages_scanned"), 32, "pages_scanned is a page count");
	cr_assert_eq(stat_of(&d32->stats, "all_unreclaimable"), 0);
	const struct fs_zone *nor = zone(r, 0, "Normal");
	cr_assert_eq(nor->order_blocks[0].value, 18230);
	cr_assert_eq(nor->area_total_pages, 34182);   /* 136728kB / 4 */
	cr_assert_eq(nor->mt_blocks[FS_MT_HIGHATOMIC][3].kind, FS_COUNT_NONEMPTY);  /* (UMH) */
	cr_assert_eq(nor->mt_blocks[FS_MT_RECLAIMABLE][3].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(nor->mt_blocks[FS_MT_CMA][0].kind, FS_COUNT_NONE, "no CMA on this kernel");
	cr_assert_eq(r->snapshot->meta.nr_mt_order, 4);
	cr_assert_eq(node_stat(r, 0, "hugepages_total_1048576kB"), 0);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "free"), 51132);   /* (15916+51884+136728)/4 */
	cr_assert_eq(problems(&p), 0);
	parsed_free(&p);
}

Test(versions, linux_5_10_numa_with_syslog_prefix)
{
	struct parsed p;
	parse_file(&p, KLOG("x86_64-5.10-numa-syslog.log"));
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->order, 3);
	cr_assert_eq(r->mode, 0x40cc0);
	cr_assert_str_eq(r->mode_names, "GFP_KERNEL|__GFP_COMP");
	cr_assert_str_eq(r->nodemask, "(null)");
	cr_assert_str_eq(r->cpuset, "/");
	cr_assert_str_eq(r->mems_allowed, "0-1");
	cr_assert_str_eq(r->kernel_release, "5.10.0-8-amd64");
	cr_assert_eq(r->pid, 40211);
	cr_assert_eq(r->cpu, 17);
	cr_assert_eq(r->time_base, FS_TIME_BOOT, "the dmesg stamp after the syslog date wins");
	cr_assert_float_eq(r->timestamp, 3456.789012, 1e-7);
	cr_assert_str_eq(r->wallclock, "Nov 25 10:00:01");
	cr_assert_str_eq(r->snapshot->meta.hostname, "db01");
	/* 16 frames; RIP/Code/RSP/RAX lines belong to the trace but are not frames */
	cr_assert_eq(r->nr_trace, 16);
	cr_assert_str_eq(r->trace[2], "? __alloc_pages_direct_compact+0x14b/0x160");
	cr_assert_str_eq(r->trace[15], "entry_SYSCALL_64_after_hwframe+0x44/0xa9");
	cr_assert_eq(r->first_line, 2);
	cr_assert_eq(r->last_line, 61);
	cr_assert_null(strstr(r->raw, "ixgbe"), "another CPU's line is not part of the report");
	cr_assert_null(strstr(r->raw, "CRON"));
	cr_assert_eq(r->snapshot->nr_nodes, 2);
	cr_assert_eq(r->snapshot->nr_zones, 4);
	const struct fs_zone *n1 = zone(r, 1, "Normal");
	cr_assert(n1->known & FS_ZK_RESERVED_HIGHATOMIC);
	cr_assert_eq(n1->reserved_highatomic, 1024);   /* 4096KB / 4 */
	cr_assert_eq(n1->free_pages, 20412);           /* 81648kB / 4 */
	cr_assert_eq(n1->order_blocks[3].value, 12);
	cr_assert_eq(n1->mt_blocks[FS_MT_HIGHATOMIC][3].kind, FS_COUNT_NONEMPTY);
	const struct fs_zone *d32 = zone(r, 0, "DMA32");
	cr_assert_eq(d32->nr_protection, 5);
	cr_assert_eq(d32->protection[2], 30039);
	cr_assert_eq(stat_of(&d32->stats, "pagetables"), 0);
	cr_assert_eq(node_stat(r, 0, "shmem_thp"), 0, "\"shmem_thp: 0kB\" has a blank");
	cr_assert_eq(node_stat(r, 0, "anon_thp"), 323584);      /* 1294336kB / 4 */
	cr_assert_eq(node_stat(r, 0, "hugepages_total_2048kB"), 512);
	cr_assert_eq(node_stat(r, 0, "hugepages_free_2048kB"), 112);
	cr_assert_eq(node_stat(r, 1, "hugepages_total_2048kB"), 0);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "isolated_file"), 32);
	cr_assert_eq(problems(&p), 0);
	parsed_free(&p);
}

Test(versions, linux_6_1_journalctl_with_boost)
{
	struct parsed p;
	parse_file(&p, KLOG("x86_64-6.1-journalctl-boost.log"));
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_str_eq(r->comm, "nginx");
	cr_assert_eq(r->order, 4);
	cr_assert_str_eq(r->kernel_release, "6.1.0-13-amd64");
	cr_assert_not(r->has_timestamp, "journalctl short has no year and no dmesg stamp");
	cr_assert_str_eq(r->wallclock, "Nov 25 10:14:07");
	cr_assert_eq(r->snapshot->meta.time_base, FS_TIME_UNKNOWN);
	cr_assert_str_eq(r->snapshot->meta.hostname, "web3");
	cr_assert_eq(r->nr_trace, 15, "<TASK> marks and registers are not frames");
	cr_assert_str_eq(r->trace[0], "dump_stack_lvl+0x44/0x5c");
	cr_assert_eq(r->first_line, 1);
	cr_assert_eq(r->last_line, 58);
	/* the indented continuation lines of the global counters */
	const struct fs_stats *v = &r->snapshot->vmstat;
	cr_assert_eq(stat_of(v, "active_file"), 221022);
	cr_assert_eq(stat_of(v, "sec_pagetables"), 0);
	cr_assert_eq(stat_of(v, "kernel_misc_reclaimable"), 0);
	cr_assert_eq(stat_of(v, "free"), 47544);     /* (15360+22656+152160)/4 */
	const struct fs_zone *nor = zone(r, 0, "Normal");
	cr_assert(nor->known & FS_ZK_BOOST);
	cr_assert_eq(nor->wmark_boost, 3072);         /* 12288kB / 4 */
	cr_assert_eq(nor->wmark_min, 10061);          /* 40244kB / 4 */
	const struct fs_zone *d32 = zone(r, 0, "DMA32");
	cr_assert_eq(d32->reserved_highatomic, 512);  /* 2048KB / 4 */
	/* 1*256kB (H) */
	cr_assert_eq(d32->mt_blocks[FS_MT_HIGHATOMIC][6].kind, FS_COUNT_NONEMPTY);
	cr_assert_eq(d32->mt_blocks[FS_MT_MOVABLE][6].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(node_stat(r, 0, "sec_pagetables"), 0);
	cr_assert_eq(node_stat(r, 0, "pagetables"), 4021);   /* 16084kB / 4 */
	cr_assert_eq(problems(&p), 0);
	parsed_free(&p);
}

Test(versions, linux_6_6_android_kmsg_priority_and_cma)
{
	struct parsed p;
	parse_file(&p, KLOG("arm64-6.6-android-kmsgprio.log"));
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->mode, 0x40820);
	cr_assert_str_eq(r->mode_names, "GFP_ATOMIC|__GFP_COMP");
	cr_assert_str_eq(r->kernel_release, "6.6.30-android15-8-g4a1c2d3e5f60");
	cr_assert_float_eq(r->timestamp, 812.345691, 1e-7);
	cr_assert_eq(r->nr_trace, 15);
	cr_assert_str_eq(r->trace[9], "skb_page_frag_refill+0x74/0x128 [wireguard]");
	cr_assert_eq(r->last_line, 47);
	const struct fs_zone *d32 = zone(r, 0, "DMA32");
	cr_assert_eq(d32->free_cma, 4021);       /* 16084kB / 4 */
	cr_assert_eq(d32->free_pcp, 406);        /* 1624kB / 4 */
	cr_assert_eq(d32->order_blocks[10].value, 9);
	cr_assert_eq(d32->mt_blocks[FS_MT_CMA][10].kind, FS_COUNT_NONEMPTY);
	cr_assert_eq(d32->mt_blocks[FS_MT_CMA][3].kind, FS_COUNT_EMPTY_KNOWN, "0*32kB: all empty");
	const struct fs_zone *nor = zone(r, 0, "Normal");
	cr_assert(nor->mt_rows & (1u << FS_MT_CMA),
		  "the kernel has CMA: its rows exist everywhere");
	cr_assert_eq(nor->mt_blocks[FS_MT_CMA][0].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "pages_cma_reserved"), 131072);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "free_swap_pages"), 780053);  /* 3120212kB/4 */
	cr_assert_eq(node_stat(r, 0, "shadow_call_stack"), 3828);   /* 15312kB / 4 */
	cr_assert_eq(node_stat(r, 0, "shmem_thp"), 0, "6.6 prints shmem_thp:0kB");
	cr_assert_eq(problems(&p), 0);
	parsed_free(&p);
}

Test(versions, three_reports_between_other_lines)
{
	struct parsed p;
	parse_file(&p, KLOG("arm64-4.19-three-reports.log"));
	cr_assert_eq(p.n, 3);
	const struct fs_report *r1 = &p.list.items[0], *r2 = &p.list.items[1],
			       *r3 = &p.list.items[2];
	cr_assert_eq(r1->first_line, 2);
	cr_assert_eq(r1->last_line, 45);
	cr_assert_eq(r1->order, 2);
	cr_assert_str_eq(r1->mode_names, "GFP_KERNEL|__GFP_ZERO");
	cr_assert_str_eq(r1->cpuset, "/", "4.19: cpuset on a line of its own");
	cr_assert_str_eq(r1->mems_allowed, "0");
	cr_assert_eq(r1->nr_trace, 14, "the mmc line inside the trace is skipped");
	cr_assert_str_eq(zone(r1, 0, "Normal")->name, "Normal");
	cr_assert_eq(zone(r1, 0, "DMA32")->free_pages, 4837);   /* 19348kB / 4 */
	/* the second printed no Mem-Info (4.19 rate-limits show_mem) */
	cr_assert_eq(r2->first_line, 48);
	cr_assert_eq(r2->last_line, 67);
	cr_assert_null(r2->snapshot);
	cr_assert_eq(r2->nr_trace, 14);
	cr_assert(has_diag(&p.diags, FS_SEV_NOTE, 48, "no Mem-Info"));
	cr_assert_eq(r3->first_line, 108);
	cr_assert_eq(r3->last_line, 154);
	cr_assert_str_eq(r3->comm, "swapper/2");
	cr_assert_eq(r3->pid, 0);
	cr_assert_eq(r3->order, 1);
	cr_assert_eq(r3->nr_trace, 19);
	cr_assert_eq(zone(r3, 0, "Normal")->free_pages, 1);
	cr_assert_str_eq(r3->snapshot->meta.source + strlen(r3->snapshot->meta.source) - 8,
			 "#report3");
	cr_assert_eq(problems(&p), 0);
	parsed_free(&p);
}

static void check_vmalloc(const char *file, const char *message, int order, uint64_t mode,
			  const char *names)
{
	struct parsed p;
	parse_file(&p, file);
	cr_assert_eq(p.n, 1, "%s", file);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->kind, FS_REPORT_VMALLOC, "%s", file);
	cr_assert_str_eq(r->message, message);
	cr_assert_eq(r->order, order, "%s", file);
	cr_assert_eq(r->mode, mode, "%s", file);
	cr_assert_str_eq(r->mode_names, names);
	cr_assert_eq(r->pid, 612);
	cr_assert_eq(r->nr_trace, 8);
	cr_assert_eq(zone(r, 0, "Normal")->free_pages, 587);   /* 2348kB / 4 */
	cr_assert_eq(problems(&p), 0, "%s", file);
	parsed_free(&p);
}

Test(versions, vmalloc_failure_texts_of_each_era)
{
	/* 4.4: the text on its own line, then a page allocation header with order 0 */
	check_vmalloc(KLOG("arm64-4.4-vmalloc.log"),
		      "vmalloc: allocation failure, allocated 12288 of 16384 bytes", 0, 0x24000c2,
		      "");
	check_vmalloc(KLOG("arm64-4.19-vmalloc.log"),
		      "vmalloc: allocation failure, allocated 4096 of 8192000 bytes", -1, 0x6000c0,
		      "GFP_KERNEL");
	check_vmalloc(KLOG("arm64-5.10-vmalloc.log"),
		      "vmalloc: allocation failure: 268435456 bytes", -1, 0xcc0, "GFP_KERNEL");
	check_vmalloc(KLOG("arm64-5.15-vmalloc.log"),
		      "vmalloc error: size 8388608, page order 0, failed to allocate pages", 0,
		      0xdc2, "GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO");
	check_vmalloc(KLOG("arm64-6.6-vmalloc.log"),
		      "vmalloc error: size 4194304, failed to allocate pages", -1, 0xcc0,
		      "GFP_KERNEL");
}

Test(versions, vmalloc_4_4_starts_at_its_text_line)
{
	struct parsed p;
	parse_file(&p, KLOG("arm64-4.4-vmalloc.log"));
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->first_line, 2);
	cr_assert_str_eq(r->comm, "insmod");
	cr_assert_eq(fs_snapshot_node(r->snapshot, 0, false)->stats.count, 0, "4.4: no node line");
	parsed_free(&p);
}

/* ------------------------------------------------------------ partial logs */

Test(partial, cut_inside_a_free_area_line)
{
	struct parsed p;
	parse_file(&p, KLOG("x86_64-5.15-cut-mid-area.log"));
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->order, 5);
	cr_assert_eq(r->last_line, 29);
	const struct fs_diags *d = &r->snapshot->diags;
	cr_assert(has_diag(d, FS_SEV_WARNING, 29, "ends after 2 orders"), "the cut line");
	cr_assert(has_diag(d, FS_SEV_WARNING, 29, "incomplete: the log ends inside it"));
	cr_assert_eq(fs_diags_count(d, FS_SEV_WARNING), 2, "no false warning from the check");
	cr_assert_not_null(strstr(d->items[0].source, "x86_64-5.15-cut-mid-area.log"));
	/* the zone before it is whole */
	const struct fs_zone *d32 = zone(r, 0, "DMA32");
	cr_assert(d32->known & FS_ZK_ORDER_BLOCKS);
	cr_assert_eq(d32->area_total_pages, 1700);   /* 6800kB / 4 */
	/* the cut one keeps the orders printed in full, and does not claim the rest */
	const struct fs_zone *nor = zone(r, 0, "Normal");
	cr_assert_not(nor->known & FS_ZK_ORDER_BLOCKS);
	cr_assert_not(nor->known & FS_ZK_AREA_TOTAL);
	cr_assert_eq(nor->order_blocks[0].value, 4021);
	cr_assert_eq(nor->order_blocks[1].value, 1102);
	cr_assert_eq(nor->order_blocks[2].kind, FS_COUNT_NONE, "\"240*16kB (UM\" is not whole");
	cr_assert_eq(nor->free_pages, 7732, "the zone line itself was whole");
	parsed_free(&p);
}

/*
 * synth-4.9-csky-order10-cma-cut.log: csky frames "[<addr>] fn+off/len" with
 * no stamp after an empty stamped line, a header name other than the CPU
 * line's Comm, and a log that ends inside the zone line ("managed:76").
 */
Test(partial, csky_4_9_report_cut_inside_the_zone_line)
{
	struct parsed p;
	parse_file(&p, KLOG("synth-4.9-csky-order10-cma-cut.log"));
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->order, 10);
	cr_assert_eq(r->mode, 0x2084020);
	cr_assert_str_eq(r->mode_names, "GFP_ATOMIC|__GFP_COMP");
	cr_assert_str_eq(r->comm, "gadgetd", "the header's name, not the CPU line's \"IspWorker\"");
	cr_assert_eq(r->pid, 214);
	cr_assert_str_eq(r->kernel_release, "4.9.88");
	cr_assert_eq(r->nr_trace, 14, "frames without a stamp, after an empty stamped line");
	cr_assert_str_eq(r->trace[0], "dump_stack+0x1a/0x38");
	cr_assert_str_eq(r->trace[6], "isp_buf_alloc+0x3e/0xa4");
	cr_assert_str_eq(r->trace[13], "csky_systemcall+0x8a/0xd8");
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "free"), 57319);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "free_cma"), 55870);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "inactive_file"), 93512);
	cr_assert_eq(node_stat(r, 0, "pages_scanned"), 31, "a count, not kB");
	cr_assert_eq(node_stat(r, 0, "inactive_file"), 93512);  /* 374048kB / 4 */
	cr_assert_eq(node_stat(r, 0, "mapped"), 3961);          /* 15844kB / 4 */
	const struct fs_zone *z = zone(r, 0, "Normal");
	cr_assert_eq(z->free_pages, 57319);     /* 229276kB / 4, = Mem-Info free: */
	cr_assert_eq(z->wmark_min, 508);        /* 2032kB / 4 */
	cr_assert_eq(z->wmark_low, 635);        /* 2540kB / 4 */
	cr_assert_eq(z->wmark_high, 762);       /* 3048kB / 4 */
	cr_assert_eq(z->present, 196607);       /* 786428kB / 4 */
	cr_assert_not(z->known & FS_ZK_MANAGED, "\"managed:76\" is cut, not 76 pages");
	const struct fs_diags *d = &r->snapshot->diags;
	cr_assert(has_diag(d, FS_SEV_WARNING, 29, "managed"));
	cr_assert(has_diag(d, FS_SEV_WARNING, 29, "incomplete"));
	cr_assert(has_diag(d, FS_SEV_NOTE, 0, "4 KiB pages"));
	parsed_free(&p);
}

/*
 * synth-2.6.32-old-header.log: "page allocation failure. order:2, mode:0x20"
 * (a dot, hex only), "Pid: 0, comm: swapper Not tainted <release> #1", an
 * "<IRQ>  [<...>] ? fn" frame, syslog "    kernel: " prefix, cut with "...".
 */
Test(partial, rhel6_2_6_32_old_header)
{
	struct parsed p;
	parse_file(&p, KLOG("synth-2.6.32-old-header.log"));
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->order, 2, "\"page allocation failure. order:2\"");
	cr_assert_eq(r->mode, 0x20);
	cr_assert_str_eq(r->comm, "swapper");
	cr_assert_eq(r->pid, 0, "\"Pid: 0, comm: swapper\"");
	cr_assert_str_eq(r->kernel_release, "2.6.32-431.el6.x86_64");
	cr_assert_eq(r->nr_trace, 5);
	cr_assert_str_eq(r->trace[0], "? __alloc_pages_nodemask+0x74f/0x8d0");
	cr_assert_str_eq(r->trace[4], "? __kmalloc_node_track_caller+0x125/0x1e0");
	cr_assert_null(r->snapshot);
	cr_assert(has_diag(&p.diags, FS_SEV_WARNING, 0, "ends inside it"));
	parsed_free(&p);
}

/*
 * synth-4.19-cpuset-line-header.log: SLUB lines and "warn_alloc: 23 callbacks
 * suppressed" before the header (line 4), then "COMM cpuset=/ mems_allowed=0-1".
 */
Test(partial, header_with_cpuset_line)
{
	struct parsed p;
	parse_file(&p, KLOG("synth-4.19-cpuset-line-header.log"));
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_float_eq(r->timestamp, 9182047.902618, 1e-6);
	cr_assert_str_eq(r->comm, "ksoftirqd/37");
	cr_assert_eq(r->order, 0);
	cr_assert_eq(r->mode, 0x480020);
	cr_assert_str_eq(r->mode_names, "GFP_ATOMIC");
	cr_assert_str_eq(r->cpuset, "/");
	cr_assert_str_eq(r->mems_allowed, "0-1");
	cr_assert_eq(r->first_line, 4);
	parsed_free(&p);
}

Test(partial, new_report_interrupts_the_body)
{
	struct parsed p;
	parse_text(&p,
		   "[ 1.0] a: page allocation failure: order:1, mode:0xcc0(GFP_KERNEL), "
		   "nodemask=(null)\n"
		   "[ 1.0] Mem-Info:\n"
		   "[ 1.0] active_anon:1 inactive_anon:2 isolated_anon:0\n"
		   "[ 1.0] Normal free:8kB min:4kB low:4kB high:4kB present:64kB managed:64kB\n"
		   "[ 2.0] b: page allocation failure: order:2, mode:0xcc0(GFP_KERNEL), "
		   "nodemask=(null)\n");
	cr_assert_eq(p.n, 2);
	cr_assert(has_diag(&p.list.items[0].snapshot->diags, FS_SEV_WARNING, 4,
			   "a new report starts at line 5"));
	cr_assert_str_eq(p.list.items[1].comm, "b");
	cr_assert(has_diag(&p.diags, FS_SEV_WARNING, 5, "ends inside"));
	parsed_free(&p);
}

Test(versions, linux_3_x_per_cpu_lines_before_the_counters)
{
	struct parsed p;
	parse_text(&p,
		   "[  5.000000] splat: page allocation failure: order:0, mode:0x10d0\n"
		   "[  5.000001] Pid: 31170, comm: splat Tainted: P         C O 3.8.0-1-mainline #1\n"
		   "[  5.000002] Call Trace:\n"
		   "[  5.000003]  [<ffffffff8112457c>] warn_alloc_failed+0xec/0x140\n"
		   "[  5.000004] Mem-Info:\n"
		   "[  5.000005] Node 0 DMA per-cpu:\n"
		   "[  5.000006] CPU    0: hi:    0, btch:   1 usd:   0\n"
		   "[  5.000007] active_anon:10 inactive_anon:20 isolated_anon:0\n"
		   "[  5.000007]  free:30 slab_reclaimable:4\n"
		   "[  5.000008] Node 0 DMA free:120kB min:4kB low:8kB high:12kB present:256kB "
		   "managed:240kB pages_scanned:0 all_unreclaimable? no\n"
		   "[  5.000009] lowmem_reserve[]: 0 0 0 0\n"
		   "[  5.000010] Node 0 DMA: 3*4kB (UEM) 1*8kB (R) 1*16kB (M) 0*32kB 1*64kB (R) "
		   "0*128kB 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 100kB\n"
		   "[  5.000011] 64 pages RAM\n");
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->pid, 31170);
	cr_assert_str_eq(r->comm, "splat");
	cr_assert_str_eq(r->kernel_release, "3.8.0-1-mainline");
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "free"), 30);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "slab_reclaimable"), 4);
	const struct fs_zone *z = zone(r, 0, "DMA");
	/* 3.x letters: U E M R in enum order; R(eserve) at orders 1 and 4 */
	cr_assert_eq(z->mt_blocks[FS_MT_RESERVE][1].kind, FS_COUNT_NONEMPTY);
	cr_assert_eq(z->mt_blocks[FS_MT_RESERVE][0].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(z->mt_blocks[FS_MT_HIGHATOMIC][0].kind, FS_COUNT_NONE, "no HighAtomic before 4.4");
	static const uint8_t order[4] = { FS_MT_UNMOVABLE, FS_MT_RECLAIMABLE, FS_MT_MOVABLE,
					  FS_MT_RESERVE };
	cr_assert_eq(r->snapshot->meta.nr_mt_order, 4);
	cr_assert_arr_eq(r->snapshot->meta.mt_order, order, 4);
	/* 3*4 + 8 + 16 + 64 = 100kB = 25 pages; free: says 120kB = 30 pages, within drift */
	cr_assert_eq(z->area_total_pages, 25);
	cr_assert_eq(problems(&p), 0);
	parsed_free(&p);
}

/* ------------------------------------------------------------ prefixes */

static void expect_prefix(const char *line, const char *msg, double ts)
{
	size_t n;
	double t;
	const char *m = fs_klog_strip_prefix(line, strlen(line), &n, &t);
	cr_assert_eq(n, strlen(msg), "\"%s\" -> \"%.*s\"", line, (int)n, m);
	cr_assert(memcmp(m, msg, n) == 0, "\"%s\" -> \"%.*s\"", line, (int)n, m);
	cr_assert_float_eq(t, ts, 1e-6, "\"%s\": %f", line, t);
}

Test(prefix, every_logger)
{
	expect_prefix("[  12.345678] hello", "hello", 12.345678);
	expect_prefix("[ 1799.068807]  active_file:17726", " active_file:17726", 1799.068807);
	expect_prefix("<4>[  12.345678] hello", "hello", 12.345678);
	expect_prefix("<4>hello", "hello", -1);
	expect_prefix("<12>hello", "hello", -1);
	expect_prefix("4,1234,5678901,-;hello", "hello", 5.678901);
	expect_prefix("[   12.345678][ T2164] hello", "hello", 12.345678);
	expect_prefix("[   12.345678][    C3] hello", "hello", 12.345678);
	expect_prefix("[ 1798.829657] .(0)[2164:wifi@1.0-servic]wifi: x", "wifi: x", 1798.829657);
	expect_prefix("[ 1798.844969] -(0)[2164:wifi@1.0-servic]CPU: 0", "CPU: 0", 1798.844969);
	expect_prefix("[   12.300000] [0:  swapper/0:    0] hello", "hello", 12.3);
	expect_prefix("Nov 25 10:00:01 host kernel: [   12.300000] hello", "hello", 12.3);
	expect_prefix("Nov  5 10:00:01 host kernel: hello", "hello", -1);
	expect_prefix("Nov 25 10:00:01.123456 host kernel: hello", "hello", -1);
	expect_prefix("[  12.345678] host kernel: hello", "hello", 12.345678);
	/* 2024-11-25T10:00:01+01:00 is 09:00:01 UTC: 1732525201 s since 1970 */
	expect_prefix("2024-11-25T10:00:01+0100 host kernel: hello", "hello", 1732525201.0);
	expect_prefix("2024-11-25T10:00:01+01:00 host kernel: hello", "hello", 1732525201.0);
	expect_prefix("2024-11-25T09:00:01.500000Z host kernel: hello", "hello", 1732525201.5);
	expect_prefix("Mon 2024-11-25 09:00:01 UTC host kernel: hello", "hello", 1732525201.0);
	expect_prefix("Mon 2024-11-25 10:00:01 CET host kernel: hello", "hello", -1);
	expect_prefix("[Mon Nov 25 10:00:01 2024] hello", "hello", -1);
	expect_prefix("kern  :warn  : [  12.345678] hello", "hello", 12.345678);
	expect_prefix("Sat Jan 10 17:57:04 2026 kern.warn kernel: [ 9561.782808] hello", "hello",
		      9561.782808);
	expect_prefix("    kernel: hello", "hello", -1);
	expect_prefix("11-25 10:00:01.123     0     0 I         : Mem-Info:", "Mem-Info:", -1);
	expect_prefix("11-25 10:00:01.123  root     0     0 W         :  dump_stack+0x1/0x2",
		      " dump_stack+0x1/0x2", -1);
	expect_prefix("11-25 10:00:01.123  root     0     0 W kswapd0 : page allocation failure: "
		      "order:4, mode:0x0",
		      "kswapd0 : page allocation failure: order:4, mode:0x0", -1);
	expect_prefix("11-25 10:00:01.123 W/kernel(    0): hello", "hello", -1);
	expect_prefix("plain message: no prefix", "plain message: no prefix", -1);
	expect_prefix("", "", -1);
}

Test(prefix, report_under_an_unknown_prefix)
{
	struct parsed p;
	/* a serial-console logger's own prefix: the column of the task name is learned */
	parse_text(&p,
		   "ttyS0| boot done\n"
		   "ttyS0| wifi: page allocation failure: order:1, mode:0x480020(GFP_ATOMIC), "
		   "nodemask=(null)\n"
		   "ttyS0| CPU: 1 PID: 77 Comm: wifi Not tainted 4.19.1 #1\n"
		   "ttyS0| Call trace:\n"
		   "ttyS0|  dump_backtrace+0x0/0x1b0\n"
		   "ttyS0| Mem-Info:\n"
		   "ttyS0| active_anon:1 inactive_anon:2 isolated_anon:0\n"
		   "ttyS0| Normal free:16kB min:4kB low:8kB high:12kB present:64kB managed:60kB\n"
		   "ttyS0| lowmem_reserve[]: 0 0\n"
		   "ttyS0| Normal: 0*4kB 0*8kB 1*16kB (M) = 16kB\n"
		   "ttyS0| 16 pages RAM\n"
		   "ttyS0| done\n");
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_str_eq(r->comm, "wifi");
	cr_assert_eq(r->pid, 77);
	cr_assert_eq(r->nr_trace, 1);
	const struct fs_zone *z = zone(r, 0, "Normal");
	cr_assert_eq(z->free_pages, 4);
	cr_assert_eq(z->order_blocks[2].value, 1);
	cr_assert_eq(r->snapshot->meta.nr_orders, 3);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "pages_ram"), 16);
	cr_assert_eq(problems(&p), 0);
	parsed_free(&p);
}

Test(prefix, logcat_kernel_buffer_puts_tags_back)
{
	struct parsed p;
	parse_text(&p,
		   "11-25 10:40:01.512  root     0     0 W kswapd0 : page allocation failure: "
		   "order:4, mode:0x40820(GFP_ATOMIC|__GFP_COMP), nodemask=(null),cpuset=/,"
		   "mems_allowed=0\n"
		   "11-25 10:40:01.512  root     0     0 W CPU     : 6 PID: 141 Comm: kswapd0 "
		   "Not tainted 6.1.75 #1\n"
		   "11-25 10:40:01.512  root     0     0 W Call trace: \n"
		   "11-25 10:40:01.512  root     0     0 W         :  dump_backtrace+0xf8/0x118\n"
		   "11-25 10:40:01.513  root     0     0 W Mem-Info: \n"
		   "11-25 10:40:01.513  root     0     0 W         : "
		   "active_anon:1 inactive_anon:2\n"
		   "11-25 10:40:01.513  root     0     0 W Normal "
		   "free:16kB min:4kB low:8kB high:12kB\n"
		   "11-25 10:40:01.513  root     0     0 W Normal: 0*4kB 0*8kB 1*16kB (M) = 16kB\n"
		   "11-25 10:40:01.513  root     0     0 I         : 16 pages RAM\n");
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_str_eq(r->comm, "kswapd0", "the tag padding is not part of the name");
	cr_assert_eq(r->pid, 141);
	cr_assert_eq(r->cpu, 6);
	cr_assert_eq(r->nr_trace, 1);
	cr_assert_str_eq(r->wallclock, "11-25 10:40:01.512");
	cr_assert_eq(zone(r, 0, "Normal")->order_blocks[2].value, 1);
	cr_assert_eq(problems(&p), 0);
	parsed_free(&p);
}

/* ------------------------------------------------------------ bad input */

Test(bad, empty_and_blank)
{
	struct parsed p;
	parse_text(&p, "");
	cr_assert_eq(p.n, 0);
	cr_assert_eq(p.diags.count, 0);
	parsed_free(&p);
	parse_text(&p, "\n\n   \n\r\n");
	cr_assert_eq(p.n, 0);
	parsed_free(&p);
}

Test(bad, binary_data)
{
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0";
	struct fs_report_list l = { 0 };
	struct fs_diags d = { 0 };
	cr_assert_eq(fs_parse_kernel_log(elf, sizeof(elf) - 1, "core.img", &l, &d), 0);
	cr_assert_eq(d.count, 1);
	cr_assert_eq(d.items[0].severity, FS_SEV_ERROR);
	cr_assert_str_eq(d.items[0].source, "core.img");
	cr_assert_eq(d.items[0].line, 1);
	cr_assert_not_null(strstr(d.items[0].message, "binary"));
	fs_diags_clear(&d);
}

Test(bad, nul_bytes_inside_a_text_log)
{
	char text[4096];
	struct fs_report_list l = { 0 };
	struct fs_diags d = { 0 };
	memset(text, 'a', sizeof(text));
	for (size_t i = 80; i < sizeof(text); i += 81)
		text[i] = '\n';
	text[2000] = '\0';       /* one NUL after the first KiB */
	cr_assert_eq(fs_parse_kernel_log(text, sizeof(text), "x.log", &l, &d), 0);
	cr_assert(has_diag(&d, FS_SEV_WARNING, 25, "NUL"), "line 25 holds byte 2000");
	fs_diags_clear(&d);
}

Test(bad, garbage_and_truncated_lines)
{
	struct parsed p;
	parse_text(&p,
		   "Mem-Info:\n"
		   "Node 0 DMA32: 1*4kB (U) = 4kB\n"                      /* no header: ignored */
		   "[ 1.0] x: page allocation failure: ord\n"           /* not a header */
		   "[ 1.0] x: page allocation failure: order:3, mode:0xzz, nodemask=(null)\n"
		   "[ 1.0] Mem-Info:\n"
		   "[ 1.0] active_anon:1 inactive_anon:2\n"
		   "[ 1.0] Normal free:12kB min:4kB lo\n"
		   "[ 1.0] Normal: 1*4kB (UX) 1*8kB (M) = 12kB\n"
		   "[ 1.0] 3 pages RAM\n");
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_not(r->has_mode);
	const struct fs_diags *d = &r->snapshot->diags;
	cr_assert(has_diag(d, FS_SEV_WARNING, 4, "expected \"mode:0xHEX\""));
	cr_assert(has_diag(d, FS_SEV_WARNING, 7, "zone line: expected \"name:NkB\", got \"lo\""));
	cr_assert(has_diag(d, FS_SEV_WARNING, 8, "migratetype letter"));
	cr_assert(d->items[0].source && strcmp(d->items[0].source, "test.log") == 0);
	parsed_free(&p);
}

Test(bad, huge_and_negative_numbers)
{
	struct parsed p;
	parse_text(&p,
		   "[ 1.0] x: page allocation failure: order:99999999999999999999, "
		   "mode:0x1ffffffffffffffffff, nodemask=(null)\n"
		   "[ 1.0] Mem-Info:\n"
		   "[ 1.0] active_anon:18446744073709551615 free:99999999999999999999999\n"
		   "[ 1.0] Normal free:-5kB min:18446744073709551615kB low:4kB high:4kB\n"
		   "[ 1.0] Normal: 18446744073709551615*4kB 1*99999999999999999999kB = 4kB\n"
		   "[ 1.0] -3 pages RAM\n"
		   "[ 1.0] done\n");
	cr_assert_eq(p.n, 1);
	const struct fs_report *r = &p.list.items[0];
	cr_assert_eq(r->order, -1);
	cr_assert_not(r->has_mode);
	const struct fs_diags *d = &r->snapshot->diags;
	cr_assert(has_diag(d, FS_SEV_WARNING, 1, "order:N"));
	cr_assert(has_diag(d, FS_SEV_WARNING, 4, "got \"free:-5kB"));
	cr_assert(has_diag(d, FS_SEV_WARNING, 5, "COUNT*SIZEkB"));
	/* counters do not overflow the signed stats: clamped to INT64_MAX */
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "active_anon"), INT64_MAX);
	cr_assert_eq(stat_of(&r->snapshot->vmstat, "pages_ram"), -3);
	parsed_free(&p);
}

Test(bad, ten_thousand_zone_lines, .timeout = 30)
{
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "x: page allocation failure: order:1, mode:0x0(), nodemask=(null)\n"
			  "Mem-Info:\n");
	for (int i = 0; i < 10000; i++)
		fs_buf_printf(&b, "Node %d Normal free:4kB min:1kB low:2kB high:3kB present:4kB "
			      "managed:4kB\n", i);
	fs_buf_printf(&b, "Normal: 1*4kB (M) = 4kB\n1 pages RAM\n");
	struct fs_report_list l = { 0 };
	struct fs_diags d = { 0 };
	clock_t t0 = clock();
	cr_assert_eq(fs_parse_kernel_log(b.data, b.len, "many.log", &l, &d), 1);
	cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 5.0);
	const struct fs_snapshot *s = l.items[0].snapshot;
	cr_assert_eq(s->nr_zones, 1024, "one Normal zone per node up to FS_MAX_NODES");
	cr_assert_leq(s->diags.count, FS_DIAGS_MAX);
	cr_assert(has_diag(&s->diags, FS_SEV_WARNING, 1027, "FS_MAX_NODES") ||
		  has_diag(&s->diags, FS_SEV_WARNING, 1027, "below 1024"));
	fs_report_list_free(&l);
	fs_diags_clear(&d);
	fs_buf_free(&b);
}

Test(bad, line_longer_than_64k, .timeout = 30)
{
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "[ 1.0] x: page allocation failure: order:1, mode:0x0(), "
			  "nodemask=(null)\n"
			  "[ 1.0] Mem-Info:\n[ 1.0] Normal free:4kB min:1kB low:2kB high:3kB ");
	for (int i = 0; i < 70000 / 12; i++)
		fs_buf_printf(&b, "x%06d:4kB ", i);
	fs_buf_printf(&b, "\n[ 1.0] Normal: 1*4kB (M) = 4kB\n[ 1.0] 1 pages RAM\n[ 1.0] end\n");
	struct fs_report_list l = { 0 };
	struct fs_diags d = { 0 };
	cr_assert_eq(fs_parse_kernel_log(b.data, b.len, "long.log", &l, &d), 1);
	cr_assert(has_diag(&d, FS_SEV_NOTE, 3, "longer than"));
	const struct fs_report *r = &l.items[0];
	cr_assert_eq(zone(r, 0, "Normal")->order_blocks[0].value, 1);
	cr_assert_lt(strlen(r->raw), 4096, "the long line is not kept");
	fs_report_list_free(&l);
	fs_diags_clear(&d);
	fs_buf_free(&b);
}

Test(bad, bounded_trace_lines_and_reports, .timeout = 30)
{
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "x: page allocation failure: order:1, mode:0x0(), nodemask=(null)\n"
			  "Call Trace:\n");
	for (int i = 0; i < 25000; i++)
		fs_buf_printf(&b, " f%d+0x1/0x2\n", i);
	for (int i = 0; i < FS_KLOG_REPORTS_MAX_TEST + 5; i++)
		fs_buf_printf(&b, "y: page allocation failure: order:0, mode:0x0(), "
			      "nodemask=(null)\n");
	struct fs_report_list l = { 0 };
	struct fs_diags d = { 0 };
	fs_parse_kernel_log(b.data, b.len, "big.log", &l, &d);
	cr_assert_eq(l.count, FS_KLOG_REPORTS_MAX_TEST);
	cr_assert_eq(l.items[0].nr_trace, 256, "frames kept per report");
	cr_assert(has_diag(&d, FS_SEV_WARNING, 0, "longer than fragscope keeps"));
	cr_assert(has_diag(&d, FS_SEV_WARNING, 0, "more reports"));
	fs_report_list_free(&l);
	fs_diags_clear(&d);
	fs_buf_free(&b);
}

Test(bad, random_bytes_never_crash, .timeout = 30)
{
	/* printable noise with the report markers sprinkled in */
	static const char *const bits[] = {
		"page allocation failure: order:", "Mem-Info:", "Node 0 ", "Normal", " free:",
		"kB ", "*4kB (", "UMECH) ", "= ", "lowmem_reserve[]: ", "Call trace:", "[<",
		">] ", "+0x", "/0x", " pages RAM", "\n", "\n", "[ 12.3] ", "<4>", ".(0)[1:a]",
		":", " ", "9", "18446744073709551616", "-", "(", ")", "\t", "\r",
	};
	unsigned seed = 12345;
	for (int round = 0; round < 200; round++) {
		struct fs_buf b;
		fs_buf_init(&b);
		fs_buf_printf(&b, "c: page allocation failure: order:1, mode:0x1(A), "
			      "nodemask=(null)\n");
		for (int i = 0; i < 400; i++) {
			seed = seed * 1103515245u + 12345u;
			fs_buf_add(&b, bits[(seed >> 16) % (sizeof(bits) / sizeof(bits[0]))],
				   strlen(bits[(seed >> 16) % (sizeof(bits) / sizeof(bits[0]))]));
		}
		struct fs_report_list l = { 0 };
		struct fs_diags d = { 0 };
		fs_parse_kernel_log(b.data, b.len, "noise.log", &l, &d);
		cr_assert_geq(l.count, 1);
		fs_report_list_free(&l);
		fs_diags_clear(&d);
		fs_buf_free(&b);
	}
}
