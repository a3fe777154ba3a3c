/*
 * Tests of the Android bugreport reader (bugreport.h) on dumpstate text:
 * tests/fixtures/klog/android-bugreport-4.19.txt (dmesg kernel log, 4.19
 * zoneinfo, pagetypeinfo not readable) and android-bugreport-6.1-logcat.txt
 * (newer dumpstate: the kernel log is logcat -b kernel).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/bugreport.h"
#include "fragscope/util.h"

#define BR419 FS_FIXTURES "/klog/android-bugreport-4.19.txt"
#define BR61 FS_FIXTURES "/klog/android-bugreport-6.1-logcat.txt"

struct br {
	char *text;
	size_t len;
	struct fs_snapshot *snap;
	struct fs_report_list reports;
	int used;
};

static void parse(struct br *b, const char *path)
{
	memset(b, 0, sizeof(*b));
	cr_assert_eq(fs_read_file(path, 16u << 20, &b->text, &b->len), 0, "cannot read %s", path);
	b->snap = fs_snapshot_new();
	b->used = fs_parse_bugreport(b->text, b->len, path, b->snap, &b->reports);
}

static void parse_text(struct br *b, const char *text)
{
	memset(b, 0, sizeof(*b));
	b->snap = fs_snapshot_new();
	b->used = fs_parse_bugreport(text, strlen(text), "br.txt", b->snap, &b->reports);
}

static void br_free(struct br *b)
{
	fs_report_list_free(&b->reports);
	fs_snapshot_free(b->snap);
	free(b->text);
}

static const struct fs_zone *zone(const struct fs_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nr_zones; i++)
		if (strcmp(s->zones[i].name, name) == 0)
			return &s->zones[i];
	cr_assert_fail("no zone %s", name);
	return NULL;
}

struct seen {
	char titles[32][96];
	unsigned first_line[32];
	const char *body[32];
	size_t body_len[32];
	int n;
};

static void collect(const struct fs_bugreport_section *sec, void *ctx)
{
	struct seen *s = ctx;
	if (s->n >= 32)
		return;
	snprintf(s->titles[s->n], sizeof(s->titles[0]), "%.*s", (int)sec->title_len, sec->title);
	s->first_line[s->n] = sec->first_line;
	s->body[s->n] = sec->body;
	s->body_len[s->n] = sec->body_len;
	s->n++;
}

static int find(const struct seen *s, const char *title)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->titles[i], title) == 0)
			return i;
	cr_assert_fail("no section %s", title);
	return -1;
}

Test(sections, titles_lines_and_bodies)
{
	struct br b;
	parse(&b, BR419);
	struct seen s = { .n = 0 };
	cr_assert_eq(fs_bugreport_sections(b.text, b.len, collect, &s), 12);
	cr_assert_str_eq(s.titles[0], "UPTIME (uptime)");
	int i = find(&s, "BUDDYINFO (/proc/buddyinfo)");
	cr_assert_eq(s.first_line[i], 105, "the header is line 104");
	cr_assert(fs_starts_with(s.body[i], s.body_len[i], "Node 0, zone    DMA32"));
	/* the body runs to the next header: its line and the blank line after it */
	cr_assert_eq(s.body[i][s.body_len[i] - 1], '\n');
	cr_assert_null(fs_find(s.body[i], s.body_len[i], "------"));
	/* "------ 0.612s was the duration of 'CPU INFO' ------" ends a section, starts none */
	i = find(&s, "CPU INFO (top -b -n 1 -H -s 6 -o "
		     "pid,tid,user,pr,ni,%cpu,s,virt,res,pcy,cmd,name)");
	cr_assert_null(fs_find(s.body[i], s.body_len[i], "duration"));
	find(&s, "KERNEL LOG (dmesg)");
	find(&s, "LAST KMSG (/sys/fs/pstore/console-ramoops-0)");
	/* the last section ends at the framework header, which is not a section */
	i = find(&s, "SYSTEM PROPERTIES (getprop)");
	cr_assert_null(fs_find(s.body[i], s.body_len[i], "DUMP OF SERVICE"));
	br_free(&b);
}

Test(sections, no_sections)
{
	cr_assert_eq(fs_bugreport_sections("", 0, collect, NULL), 0);
	const char *t = "------\n---------- x\n"
			"---------------------------------------------------------------------\n";
	cr_assert_eq(fs_bugreport_sections(t, strlen(t), NULL, NULL), 0);
	/* a header without callback is still counted; CR LF line ends */
	t = "------ ZONEINFO (/proc/zoneinfo) ------\r\nNode 0, zone DMA\r\n";
	cr_assert_eq(fs_bugreport_sections(t, strlen(t), NULL, NULL), 1);
}

Test(bugreport, android_4_19_dmesg)
{
	struct br b;
	parse(&b, BR419);
	/* meminfo, vmstat, zoneinfo, buddyinfo, KERNEL LOG and LAST KMSG; not pagetypeinfo */
	cr_assert_eq(b.used, 6);
	cr_assert_str_eq(b.snap->meta.kernel_release, "4.19.176", "from \"Kernel: Linux version\"");
	cr_assert_str_eq(b.snap->meta.source, BR419);
	const struct fs_zone *z = zone(b.snap, "DMA32");
	cr_assert_eq(z->free_pages, 90575, "zoneinfo \"pages free\"");
	cr_assert_eq(z->order_blocks[0].value, 3980, "buddyinfo");
	cr_assert_eq(z->order_blocks[10].value, 75);
	cr_assert_eq(z->wmark_min, 1139);
	/* only one diagnostic: the file dumpstate could not read, at its line */
	cr_assert_eq(b.snap->diags.count, 1);
	const struct fs_diag *d = &b.snap->diags.items[0];
	cr_assert_eq(d->severity, FS_SEV_NOTE);
	cr_assert_eq(d->line, 102, "the \"*** ...\" line");
	cr_assert_str_eq(d->source, BR419);
	cr_assert_not_null(strstr(d->message, "Permission denied"));
	/* the report of the kernel log, with the bugreport's line numbers */
	cr_assert_eq(b.reports.count, 1);
	const struct fs_report *r = &b.reports.items[0];
	cr_assert_eq(r->first_line, 117);
	cr_assert_eq(r->last_line, 171);
	cr_assert_eq(r->pid, 2164);
	cr_assert_eq(r->order, 3);
	cr_assert_eq(r->nr_trace, 29);
	cr_assert_eq(r->snapshot->diags.count, 0);
	cr_assert_eq(zone(r->snapshot, "DMA32")->order_blocks[10].value, 75);
	br_free(&b);
}

Test(bugreport, android_6_1_logcat_kernel_log)
{
	struct br b;
	parse(&b, BR61);
	cr_assert_eq(b.used, 2);
	cr_assert_str_eq(b.snap->meta.kernel_release,
			 "6.1.75-android14-11-g2bd4b4b0c1a5-ab11843224");
	cr_assert_eq(b.snap->diags.count, 0);
	cr_assert_eq(zone(b.snap, "Normal")->order_blocks[0].value, 9046);
	cr_assert_eq(b.reports.count, 1);
	const struct fs_report *r = &b.reports.items[0];
	cr_assert_str_eq(r->comm, "kswapd0");
	cr_assert_eq(r->pid, 141, "\"W CPU     : 6 PID: 141\": the tag is put back");
	cr_assert_eq(r->cpu, 6);
	cr_assert_eq(r->order, 4);
	cr_assert_eq(r->mode, 0x40820);
	cr_assert_str_eq(r->cpuset, "/");
	cr_assert_eq(r->nr_trace, 6, "the logd line in between is not a frame");
	cr_assert_str_eq(r->trace[5], "__alloc_pages+0x1ec/0x2a8");
	cr_assert_not(r->has_timestamp, "logd turned the dmesg stamp into a date without year");
	cr_assert_str_eq(r->wallclock, "11-25 10:40:01.512");
	cr_assert_eq(r->first_line, 16);
	cr_assert_eq(r->last_line, 42);
	cr_assert_eq(zone(r->snapshot, "DMA32")->free_pages, 2454);     /* 9816kB / 4 */
	cr_assert_eq(zone(r->snapshot, "Normal")->free_pages, 15122);   /* 60488kB / 4 */
	cr_assert_eq(r->snapshot->diags.count, 0);
	br_free(&b);
}

Test(bugreport, diagnostics_carry_bugreport_lines)
{
	struct br b;
	parse_text(&b, "== dumpstate: 2024-11-25 10:00:00\n"
		       "Kernel: Linux version 5.10.1 (a@b) #1\n"
		       "------ BUDDYINFO (/proc/buddyinfo) ------\n"
		       "Node 0, zone    DMA32      1      2      3\n"
		       "Node 0, zone   Normal      1      x      3\n"
		       "\n");
	cr_assert_eq(b.used, 1);
	cr_assert_str_eq(b.snap->meta.kernel_release, "5.10.1");
	bool line5 = false;
	for (size_t i = 0; i < b.snap->diags.count; i++)
		if (b.snap->diags.items[i].line == 5 &&
		    strcmp(b.snap->diags.items[i].source, "br.txt") == 0)
			line5 = true;
	cr_assert(line5, "the bad buddyinfo row is line 5 of the bugreport");
	br_free(&b);
}

Test(bugreport, release_from_uname_section)
{
	struct br b;
	parse_text(&b, "------ UNAME (uname -a) ------\n"
		       "Linux localhost 5.4.210-qgki-g1234 #1 SMP PREEMPT Mon Jan 1 00:00:00 UTC "
		       "2024 aarch64\n");
	cr_assert_eq(b.used, 0);
	cr_assert_str_eq(b.snap->meta.kernel_release, "5.4.210-qgki-g1234");
	cr_assert_eq(b.reports.count, 0);
	br_free(&b);
}

Test(bugreport, duplicate_section_is_noted)
{
	struct br b;
	parse_text(&b, "------ BUDDYINFO (/proc/buddyinfo) ------\n"
		       "Node 0, zone   Normal      1      2      3\n"
		       "------ BUDDYINFO (/proc/buddyinfo) ------\n"
		       "Node 0, zone   Normal      9      9      9\n");
	cr_assert_eq(b.used, 1);
	cr_assert_eq(zone(b.snap, "Normal")->order_blocks[0].value, 1);
	cr_assert_eq(b.snap->diags.count, 1);
	cr_assert_eq(b.snap->diags.items[0].line, 3);
	br_free(&b);
}

Test(bugreport, empty_binary_and_garbage)
{
	struct br b;
	parse_text(&b, "");
	cr_assert_eq(b.used, 0);
	cr_assert_eq(b.reports.count, 0);
	br_free(&b);

	static const char zip[] = "PK\x03\x04\x14\0\0\0\x08\0\0\0!\0bugreport.txt";
	memset(&b, 0, sizeof(b));
	b.snap = fs_snapshot_new();
	cr_assert_eq(fs_parse_bugreport(zip, sizeof(zip) - 1, "bugreport.zip", b.snap, &b.reports),
		     0);
	cr_assert_eq(b.snap->diags.count, 1);
	cr_assert_eq(b.snap->diags.items[0].severity, FS_SEV_ERROR);
	cr_assert_not_null(strstr(b.snap->diags.items[0].message, "unzip"));
	br_free(&b);

	/* sections with nothing in them, a cut header, and a kernel log of noise */
	parse_text(&b, "------ ZONEINFO (/proc/zoneinfo) ------\n"
		       "------ KERNEL LOG (dmesg) ------\n"
		       "[ 1.0] x: page allocation failure: order:1, mode:0x1\n"
		       "\x01\x02\x03 garbage\n"
		       "------ BUDDYINFO (/proc/bud");
	cr_assert_eq(b.reports.count, 1);
	cr_assert_eq(b.reports.items[0].first_line, 3);
	br_free(&b);
}
