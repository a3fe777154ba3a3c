/*
 * Tests of the live sources (/proc, /dev/kmsg), input loading and JSON.
 * Numbers are taken from the fixture text; the arithmetic is in comments.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fragscope/capture.h"
#include "fragscope/input.h"
#include "fragscope/json.h"
#include "fragscope/live.h"
#include "fragscope/util.h"
#include "testutil.h"

#define LIVE_DIR FS_FIXTURES "/live-this-machine"
#define SAMPLES FS_FIXTURES "/samples"
#define VM24G SAMPLES "/x86_64-6.18-vm-24g"
#define ANDROID_LOG SAMPLES "/android-4.19-arm64-wifi-order3-atomic-cma.log"

/* ---- helpers ---------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot create %s", path);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void copy_fixture(const char *from, const char *dir, const char *name)
{
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(from, 1 << 20, &text, &len), 0, "cannot read %s", from);
	write_file(dir, name, text, len);
	free(text);
}

/* ---- fs_live_read on a directory of dumps ---------------------------- */

Test(live, reads_the_fixture_directory)
{
	struct fs_snapshot *s = fs_snapshot_new();
	cr_assert_eq(fs_live_read(s, LIVE_DIR), 0);
	dump_diags(&s->diags);

	cr_assert_str_eq(s->meta.kernel_release, "6.18.44-fc-v782", "from the uname file");
	cr_assert_str_eq(s->meta.source, "live:" LIVE_DIR);
	cr_assert_eq(s->meta.time_base, FS_TIME_EPOCH);
	cr_assert(s->meta.time > time(NULL) - 60.0 && s->meta.time < time(NULL) + 60.0);
	cr_assert_eq(s->meta.page_size, 4096, "assumed for a directory of dumps");
	cr_assert(has_diag(&s->diags, FS_SEV_NOTE, "assuming 4096"));
	cr_assert_eq(s->meta.pageblock_order, 9, "pagetypeinfo: Page block order: 9");
	cr_assert_eq(fs_diags_count(&s->diags, FS_SEV_WARNING), 0, "a real dump: no warnings");

	/* zoneinfo prints DMA, DMA32, Normal, Movable, Device */
	cr_assert_eq(s->nr_zones, 5);
	const struct fs_zone *n = zone(s, "Normal");
	/* buddyinfo: Normal 1057 1006 735 561 381 257 165 100 63 30 149 */
	cr_assert_eq(n->order_blocks[0].value, 1057);
	cr_assert_eq(n->order_blocks[10].value, 149);
	/* 1057 + 1006*2 + 735*4 + 561*8 + 381*16 + 257*32 + 165*64 + 100*128
	 * + 63*256 + 30*512 + 149*1024 = 232241 = zoneinfo "pages free" */
	cr_assert_eq(fs_zone_area_pages(n), 232241);
	cr_assert_eq(n->free_pages, 232241);
	/* pagetypeinfo: Normal Unmovable 216 331 235 ..., Movable 780 ... 149 */
	cr_assert_eq(n->mt_blocks[FS_MT_UNMOVABLE][0].value, 216);
	cr_assert_eq(n->mt_blocks[FS_MT_UNMOVABLE][0].kind, FS_COUNT_EXACT);
	cr_assert_eq(n->mt_blocks[FS_MT_MOVABLE][10].value, 149);
	/* Number of blocks type: Normal 37 449 26 0 0 */
	cr_assert_eq(n->pageblocks[FS_MT_MOVABLE], 449);
	/* zoneinfo Normal: min 4263 low 5328 high 6393 managed 262144 */
	cr_assert_eq(n->wmark_min, 4263);
	cr_assert_eq(n->wmark_high, 6393);
	cr_assert_eq(n->managed, 262144);
	const struct fs_zone *dma = zone(s, "DMA");
	cr_assert_eq(dma->protection[1], 3018, "protection: (0, 3018, 4042, 4042, 4042)");

	int64_t v;
	cr_assert(fs_stats_get(&s->meminfo, "MemTotal", &v));
	cr_assert_eq(v, 24683656, "meminfo: MemTotal: 24683656 kB");
	cr_assert(fs_stats_get(&s->vmstat, "nr_free_pages", &v));
	/* 3840 + 772808 + 232241 = 1008889 */
	cr_assert_eq(v, 1008889);
	fs_snapshot_free(s);
}

Test(live, trailing_slash_and_osrelease_file)
{
	char *dir = temp_dir();
	copy_fixture(LIVE_DIR "/buddyinfo", dir, "buddyinfo");
	char sub[4200];
	snprintf(sub, sizeof(sub), "%s/sys", dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/sys/kernel", dir);
	mkdir(sub, 0755);
	write_file(dir, "sys/kernel/osrelease", "5.10.0-test\n", 12);
	write_file(dir, "sys/kernel/hostname", "board\n", 6);

	char root[4200];
	snprintf(root, sizeof(root), "%s/", dir);
	struct fs_snapshot *s = fs_snapshot_new();
	cr_assert_eq(fs_live_read(s, root), 0);
	cr_assert_str_eq(s->meta.kernel_release, "5.10.0-test");
	cr_assert_str_eq(s->meta.hostname, "board");
	/* Only buddyinfo: totals per order, no migratetype rows, notes for the rest. */
	cr_assert_eq(zone(s, "DMA32")->order_blocks[10].value, 752);
	cr_assert(has_diag(&s->diags, FS_SEV_NOTE, "no pagetypeinfo"));
	cr_assert(has_diag(&s->diags, FS_SEV_WARNING, "zoneinfo"));
	cr_assert_eq(fs_diags_count(&s->diags, FS_SEV_ERROR), 0);
	fs_snapshot_free(s);
	remove_dir(dir);
}

/* What the child of the next test checks; 0 when all holds. */
static int check_without_pagetypeinfo(const char *dir)
{
	struct fs_snapshot *s = fs_snapshot_new();
	int code = 0;
	if (fs_live_read(s, dir) != 0)
		code = 1;
	else if (!has_diag(&s->diags, FS_SEV_NOTE,
			   "pagetypeinfo needs root: showing buddyinfo totals only"))
		code = 2;
	else if (fs_diags_count(&s->diags, FS_SEV_ERROR) != 0)
		code = 3;
	else if (zone(s, "Normal")->order_blocks[1].value != 1006)
		code = 4;   /* buddyinfo Normal: 1057 1006 ... */
	else if (zone(s, "Normal")->mt_rows != 0)
		code = 5;   /* no migratetype rows without pagetypeinfo */
	dump_diags(&s->diags);
	fs_snapshot_free(s);
	return code;
}

Test(live, unreadable_pagetypeinfo_is_a_note)
{
	char *dir = temp_dir();
	chmod(dir, 0755);
	copy_fixture(LIVE_DIR "/buddyinfo", dir, "buddyinfo");
	copy_fixture(LIVE_DIR "/pagetypeinfo", dir, "pagetypeinfo");
	copy_fixture(LIVE_DIR "/zoneinfo", dir, "zoneinfo");
	char path[4200];
	snprintf(path, sizeof(path), "%s/buddyinfo", dir);
	chmod(path, 0644);
	snprintf(path, sizeof(path), "%s/zoneinfo", dir);
	chmod(path, 0644);
	/* Mode 0400 as on 4.19+. Root reads it anyway, so a child becomes
	 * nobody; without root, 0000 keeps the owner out. */
	snprintf(path, sizeof(path), "%s/pagetypeinfo", dir);
	chmod(path, geteuid() == 0 ? 0400 : 0000);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && setresuid(65534, 65534, 65534) != 0)
			_exit(10);
		_exit(check_without_pagetypeinfo(dir));
	}
	int st = 0;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "the child died");
	cr_assert_eq(WEXITSTATUS(st), 0, "check %d of check_without_pagetypeinfo failed",
		     WEXITSTATUS(st));
	remove_dir(dir);
}

Test(live, no_buddyinfo_is_an_error)
{
	char *dir = temp_dir();
	struct fs_snapshot *s = fs_snapshot_new();
	cr_assert_eq(fs_live_read(s, dir), -1);
	cr_assert(has_diag(&s->diags, FS_SEV_ERROR, "buddyinfo"));
	cr_assert(has_diag(&s->diags, FS_SEV_ERROR, "No such file"));
	fs_snapshot_free(s);
	remove_dir(dir);
}

/* ---- fs_live_read on this machine ------------------------------------- */

static int64_t meminfo_value(const char *name)
{
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file("/proc/meminfo", 1 << 20, &text, &len), 0);
	char key[64];
	snprintf(key, sizeof(key), "\n%s:", name);
	const char *p = strstr(text, key);
	int64_t v = p ? strtoll(p + strlen(key), NULL, 10) : -1;
	if (!p && strncmp(text, key + 1, strlen(key) - 1) == 0)
		v = strtoll(text + strlen(key) - 1, NULL, 10);
	free(text);
	return v;
}

Test(live, reads_this_machine)
{
	if (access("/proc/buddyinfo", R_OK) != 0)
		cr_skip_test("/proc/buddyinfo not readable here");
	struct fs_snapshot *s = fs_snapshot_new();
	cr_assert_eq(fs_live_read(s, "/proc"), 0);
	dump_diags(&s->diags);
	struct utsname u;
	cr_assert_eq(uname(&u), 0);
	cr_assert_str_eq(s->meta.kernel_release, u.release);
	cr_assert_str_eq(s->meta.hostname, u.nodename);
	cr_assert_eq(s->meta.page_size, (unsigned)sysconf(_SC_PAGESIZE));
	cr_assert_str_eq(s->meta.source, "live:/proc");
	cr_assert(s->nr_zones > 0);
	cr_assert_eq(fs_diags_count(&s->diags, FS_SEV_ERROR), 0);

	/* MemTotal does not change while we run; libproc2 and the text agree. */
	int64_t v;
	cr_assert(fs_stats_get(&s->meminfo, "MemTotal", &v));
	cr_assert_eq(v, meminfo_value("MemTotal"));
	cr_assert(fs_stats_get(&s->meminfo, "MemFree", NULL));
	cr_assert(fs_stats_get(&s->vmstat, "nr_free_pages", &v) && v > 0);
	cr_assert(fs_stats_get(&s->vmstat, "compact_stall", NULL));
	/* A counter this kernel does not print is not invented from libproc2's 0. */
	if (meminfo_value("HighTotal") < 0)
		cr_assert_not(fs_stats_get(&s->meminfo, "HighTotal", NULL));
	/* Read twice: the static libproc2 handles are reused. */
	struct fs_snapshot *s2 = fs_snapshot_new();
	cr_assert_eq(fs_live_read(s2, "/proc"), 0);
	cr_assert(fs_stats_get(&s2->meminfo, "MemTotal", &v));
	cr_assert_eq(v, meminfo_value("MemTotal"));
	fs_snapshot_free(s2);
	fs_snapshot_free(s);
}

/* ---- /dev/kmsg records ------------------------------------------------ */

Test(kmsg, parses_a_record_with_dictionary)
{
	const char rec[] = "4,1234,1798829657,-;wifi@1.0-servic: page allocation failure: order:3\n"
			   " SUBSYSTEM=usb\n DEVICE=+usb:1-3\n";
	double ts;
	unsigned long long seq;
	const char *msg;
	size_t len;
	cr_assert(fs_kmsg_parse_record(rec, sizeof(rec) - 1, &ts, &seq, &msg, &len));
	cr_assert_eq(seq, 1234);
	/* 1798829657 us = 1798.829657 s */
	cr_assert_float_eq(ts, 1798.829657, 1e-9);
	cr_assert_eq(len, strlen("wifi@1.0-servic: page allocation failure: order:3"));
	cr_assert_eq(strncmp(msg, "wifi@1.0-servic: page", 21), 0);
}

Test(kmsg, parses_records_with_more_fields_and_no_newline)
{
	const char rec[] = "6,5,100,-,caller=T12;hello";
	double ts;
	unsigned long long seq;
	const char *msg;
	size_t len;
	cr_assert(fs_kmsg_parse_record(rec, sizeof(rec) - 1, &ts, &seq, &msg, &len));
	cr_assert_eq(seq, 5);
	cr_assert_float_eq(ts, 0.0001, 1e-12);
	cr_assert_eq(len, 5);
	cr_assert_eq(memcmp(msg, "hello", 5), 0);

	const char empty[] = "6,6,200,c;\n";
	cr_assert(fs_kmsg_parse_record(empty, sizeof(empty) - 1, &ts, &seq, &msg, &len));
	cr_assert_eq(len, 0);
}

Test(kmsg, refuses_malformed_records)
{
	static const char *const bad[] = {
		"", "hello", "6", "6,", "6,1", "6,1,", "6,1,2", "6,1,2,-", "x,1,2,-;m",
		"6,x,2,-;m", "6,1,x,-;m", "6,1,99999999999999999999999,-;m", "6;1,2,-;m",
		" 6,1,2,-;m", "6,1,2,-\n KEY=a;b",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double ts = -1;
		unsigned long long seq = 7;
		const char *msg = NULL;
		size_t len = 0;
		cr_assert_not(fs_kmsg_parse_record(bad[i], strlen(bad[i]), &ts, &seq, &msg, &len),
			      "accepted \"%s\"", bad[i]);
	}
}

/*
 * The Android sample as /dev/kmsg would give it: "[ 1798.829657] text"
 * becomes "4,SEQ,1798829657,-;text", lines continuing a message (same stamp,
 * leading space) are joined with \x0a like printk's multi-line messages, a
 * dictionary follows one record, and two sequence numbers are skipped.
 */
static char *android_log_as_kmsg(size_t *out_len)
{
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(ANDROID_LOG, 1 << 20, &text, &len), 0);
	struct fs_buf b;
	fs_buf_init(&b);
	struct fs_lines it;
	const char *line;
	size_t n;
	unsigned long long seq = 100;
	fs_lines_init(&it, text, len);
	while (fs_lines_next(&it, &line, &n)) {
		unsigned long s, us;
		int used = 0;
		char tmp[32];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 31 ? n : 31), line);
		cr_assert_eq(sscanf(tmp, "[%lu.%lu]%n", &s, &us, &used), 2);
		const char *msg = line + used + 1;
		size_t msg_len = n - (size_t)used - 1;
		if (msg_len > 0 && msg[0] == ' ' && b.len > 0) {
			/* " active_file:..." continues Mem-Info's global line */
			b.len--;   /* drop the newline of the previous record */
			fs_buf_add(&b, "\\x0a", 4);
			fs_buf_add(&b, msg, msg_len);
			fs_buf_addc(&b, '\n');
			continue;
		}
		if (seq == 110)
			seq += 2;   /* two records lost */
		fs_buf_printf(&b, "4,%llu,%lu%06lu,-;", seq++, s, us);
		fs_buf_add(&b, msg, msg_len);
		fs_buf_addc(&b, '\n');
		if (seq == 102)
			fs_buf_printf(&b, " SUBSYSTEM=usb\n DEVICE=+usb:1-3\n");
	}
	free(text);
	*out_len = b.len;
	return fs_buf_take(&b);
}

Test(kmsg, reads_a_saved_stream_into_reports)
{
	size_t len;
	char *records = android_log_as_kmsg(&len);
	cr_assert(fs_find(records, len, "\\x0a active_file:17726") != NULL,
		  "the Mem-Info block is one record, as printk stores it");
	char *dir = temp_dir();
	write_file(dir, "kmsg", records, len);
	char path[4200];
	snprintf(path, sizeof(path), "%s/kmsg", dir);

	struct fs_report_list reports = { 0 };
	struct fs_diags diags = { 0 };
	struct fs_kmsg *k = fs_kmsg_open(path, true, &reports, &diags);
	cr_assert_not_null(k);
	cr_assert(fs_kmsg_fd(k) >= 0);
	int n = fs_kmsg_poll(k);
	cr_assert(n >= 0);
	fs_kmsg_flush(k);
	dump_diags(&diags);
	cr_assert_eq(reports.count, 1);
	cr_assert(has_diag(&diags, FS_SEV_NOTE, "2 kernel-log records were overwritten"));
	cr_assert_eq(fs_diags_count(&diags, FS_SEV_WARNING), 0);

	const struct fs_report *r = &reports.items[0];
	cr_assert_eq(r->order, 3);
	cr_assert_eq(r->mode, 0x484020);
	cr_assert_str_eq(r->comm, "wifi@1.0-servic");
	cr_assert_float_eq(r->timestamp, 1798.829657, 1e-6);
	cr_assert_not_null(r->snapshot);
	const struct fs_zone *z = zone(r->snapshot, "DMA32");
	/* "DMA32: 4060*4kB (UMECH) ... 75*4096kB (C) = 362032kB" */
	cr_assert_eq(z->order_blocks[0].value, 4060);
	cr_assert_eq(z->order_blocks[10].value, 75);
	/* "DMA32 free:362116kB": 362116 / 4 = 90529 pages */
	cr_assert_eq(z->free_pages, 90529);
	int64_t v;
	/* the \x0a-joined global line: " free:90821 free_pcp:1085 free_cma:80512" */
	cr_assert(fs_stats_get(&r->snapshot->vmstat, "free_cma", &v) ||
		  fs_stats_get(&r->snapshot->vmstat, "nr_free_cma", &v));
	cr_assert_eq(v, 80512);
	fs_kmsg_close(k);
	fs_report_list_free(&reports);
	fs_diags_clear(&diags);
	free(records);
	remove_dir(dir);
}

Test(kmsg, from_the_end_of_a_stream_reads_nothing)
{
	size_t len;
	char *records = android_log_as_kmsg(&len);
	char *dir = temp_dir();
	write_file(dir, "kmsg", records, len);
	char path[4200];
	snprintf(path, sizeof(path), "%s/kmsg", dir);
	struct fs_report_list reports = { 0 };
	struct fs_diags diags = { 0 };
	struct fs_kmsg *k = fs_kmsg_open(path, false, &reports, &diags);
	cr_assert_not_null(k);
	cr_assert_eq(fs_kmsg_poll(k), 0);
	fs_kmsg_flush(k);
	cr_assert_eq(reports.count, 0);
	fs_kmsg_close(k);
	fs_diags_clear(&diags);
	free(records);
	remove_dir(dir);
}

Test(kmsg, garbage_stream_is_a_warning_not_a_crash)
{
	char *dir = temp_dir();
	char junk[70000];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)('a' + i % 26);
	write_file(dir, "junk", junk, sizeof(junk));
	write_file(dir, "lines", "hello\nworld\n", 12);
	struct fs_report_list reports = { 0 };
	struct fs_diags diags = { 0 };
	char path[4200];
	snprintf(path, sizeof(path), "%s/junk", dir);
	struct fs_kmsg *k = fs_kmsg_open(path, true, &reports, &diags);
	cr_assert_eq(fs_kmsg_poll(k), 0);
	fs_kmsg_flush(k);
	fs_kmsg_close(k);
	cr_assert(has_diag(&diags, FS_SEV_WARNING, "without a record boundary"));
	fs_diags_clear(&diags);
	snprintf(path, sizeof(path), "%s/lines", dir);
	k = fs_kmsg_open(path, true, &reports, &diags);
	cr_assert_eq(fs_kmsg_poll(k), 0);
	fs_kmsg_close(k);
	/* "hello" and "world": two records that are not kmsg records */
	cr_assert_eq(fs_diags_count(&diags, FS_SEV_WARNING), 2);
	cr_assert_eq(diags.items[1].line, 2);
	fs_diags_clear(&diags);
	cr_assert_null(fs_kmsg_open("/nonexistent/kmsg", false, &reports, &diags));
	cr_assert(has_diag(&diags, FS_SEV_ERROR, "No such file"));
	fs_diags_clear(&diags);
	fs_report_list_free(&reports);
	remove_dir(dir);
}

Test(kmsg, reads_this_machines_kmsg)
{
	if (access("/dev/kmsg", R_OK) != 0)
		cr_skip_test("/dev/kmsg not readable here");
	struct fs_report_list reports = { 0 };
	struct fs_diags diags = { 0 };
	struct fs_kmsg *k = fs_kmsg_open("/dev/kmsg", true, &reports, &diags);
	cr_assert_not_null(k);
	cr_assert(fs_kmsg_poll(k) >= 0, "non-blocking: returns when the buffer is read");
	fs_kmsg_flush(k);
	dump_diags(&diags);
	cr_assert_eq(fs_diags_count(&diags, FS_SEV_WARNING), 0);
	fs_kmsg_close(k);
	/* From the end: nothing new (unless the kernel logs right now). */
	k = fs_kmsg_open("/dev/kmsg", false, &reports, &diags);
	cr_assert_not_null(k);
	cr_assert(fs_kmsg_poll(k) >= 0);
	fs_kmsg_close(k);
	fs_report_list_free(&reports);
	fs_diags_clear(&diags);
}

/* ---- input: every kind of file --------------------------------------- */

static const char *const vm24g_files[] = {
	VM24G ".buddyinfo", VM24G ".pagetypeinfo", VM24G ".zoneinfo",
	VM24G ".vmstat", VM24G ".meminfo", VM24G ".uname",
};

Test(input, merges_proc_dumps_of_one_moment)
{
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	cr_assert_eq(fs_input_load(vm24g_files, 6, &frames, &diags), 0);
	dump_diags(&diags);
	cr_assert_eq(frames.count, 1);
	cr_assert_eq(fs_diags_count(&diags, FS_SEV_WARNING), 0);
	const struct fs_snapshot *s = frames.items[0].snapshot;
	cr_assert_not_null(s);
	dump_diags(&s->diags);
	cr_assert_eq(fs_diags_count(&s->diags, FS_SEV_WARNING), 0, "a real sample: no warnings");
	cr_assert_str_eq(s->meta.kernel_release, "6.18.44-fc-v657");
	cr_assert_str_eq(s->meta.source, VM24G);
	cr_assert_eq(s->meta.page_size, 4096);
	cr_assert(has_diag(&s->diags, FS_SEV_NOTE, "assuming 4096"));
	const struct fs_zone *n = zone(s, "Normal");
	cr_assert_eq(n->order_blocks[0].value, 355, "buddyinfo Normal 355 1278 ...");
	cr_assert_eq(n->mt_blocks[FS_MT_UNMOVABLE][0].value, 236, "pagetypeinfo");
	cr_assert_eq(n->free_pages, 137506, "zoneinfo pages free");
	cr_assert_eq(zone(s, "DMA")->wmark_min, 68);
	int64_t v;
	cr_assert(fs_stats_get(&s->meminfo, "MemFree", &v));
	cr_assert_eq(v, 24578636);
	cr_assert(fs_stats_get(&s->vmstat, "nr_free_pages", &v));
	cr_assert_eq(v, 914263);
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
}

Test(input, separate_moments_stay_separate)
{
	const char *paths[] = { VM24G ".buddyinfo", LIVE_DIR, VM24G ".zoneinfo" };
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	cr_assert_eq(fs_input_load(paths, 3, &frames, &diags), 0);
	dump_diags(&diags);
	cr_assert_eq(frames.count, 2, "the sample's files, and the directory's");
	const struct fs_snapshot *a = frames.items[0].snapshot, *b = frames.items[1].snapshot;
	cr_assert_str_eq(a->meta.source, VM24G);
	cr_assert_eq(zone(a, "Normal")->order_blocks[0].value, 355);
	cr_assert_eq(zone(a, "Normal")->free_pages, 137506);
	cr_assert_str_eq(b->meta.kernel_release, "6.18.44-fc-v782", "the directory's uname");
	cr_assert_eq(zone(b, "Normal")->order_blocks[0].value, 1057);
	cr_assert_eq(fs_diags_count(&b->diags, FS_SEV_WARNING), 0);
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
}

Test(input, kernel_log_gives_a_frame_per_report)
{
	const char *paths[] = { ANDROID_LOG };
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	cr_assert_eq(fs_input_load(paths, 1, &frames, &diags), 0);
	dump_diags(&diags);
	cr_assert_eq(frames.count, 1);
	const struct fs_frame *f = &frames.items[0];
	cr_assert_eq(f->events.count, 1);
	cr_assert_eq(f->events.items[0].order, 3);
	cr_assert_null(f->events.items[0].snapshot, "the state is the frame's snapshot");
	cr_assert_float_eq(f->time, 1798.829657, 1e-6);
	cr_assert_not_null(f->snapshot);
	cr_assert_str_eq(f->snapshot->meta.kernel_release, "4.19.176");
	cr_assert_eq(f->snapshot->meta.page_size, 4096, "4kB blocks of order 0");
	cr_assert_eq(zone(f->snapshot, "DMA32")->order_blocks[9].value, 1, "1*2048kB (C)");
	cr_assert_eq(fs_diags_count(&f->snapshot->diags, FS_SEV_WARNING), 0);
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
}

Test(input, bad_files_are_named)
{
	char *dir = temp_dir();
	char bin[600];
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (char)(i * 7);
	write_file(dir, "binary", bin, sizeof(bin));
	write_file(dir, "prose", "Dear diary,\ntoday the kernel was fine.\n", 39);
	write_file(dir, "empty", "", 0);
	char p1[4200], p2[4200], p3[4200];
	snprintf(p1, sizeof(p1), "%s/binary", dir);
	snprintf(p2, sizeof(p2), "%s/prose", dir);
	snprintf(p3, sizeof(p3), "%s/empty", dir);
	const char *paths[] = { "/nonexistent/buddyinfo", p1, p2, p3, dir };
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	cr_assert_eq(fs_input_load(paths, 5, &frames, &diags), -1);
	dump_diags(&diags);
	cr_assert_eq(frames.count, 0);
	cr_assert_eq(fs_diags_count(&diags, FS_SEV_ERROR), 5);
	cr_assert_str_eq(diags.items[0].source, "/nonexistent/buddyinfo");
	cr_assert(strstr(diags.items[0].message, "No such file or directory"));
	cr_assert_str_eq(diags.items[1].source, p1);
	cr_assert(strstr(diags.items[1].message, "binary"));
	cr_assert_str_eq(diags.items[2].source, p2);
	cr_assert(strstr(diags.items[2].message, "expected /proc/buddyinfo"));
	cr_assert(strstr(diags.items[3].message, "empty"));
	cr_assert(strstr(diags.items[4].message, "directory without buddyinfo"));
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
	remove_dir(dir);
}

Test(input, text_in_memory)
{
	const char text[] = "Node 0, zone      DMA      0      0      0      0      0      0      0"
			    "      0      1      1      3 \n";
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	cr_assert_eq(fs_input_load_text(text, sizeof(text) - 1, "buddyinfo", &frames, &diags), 0);
	cr_assert_eq(frames.count, 1);
	/* 1*256 + 1*512 + 3*1024 = 3840 pages */
	cr_assert_eq(fs_zone_area_pages(zone(frames.items[0].snapshot, "DMA")), 3840);
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
}

/* A bugreport: a dumpstate header, proc sections, a kernel log section. */
static char *make_bugreport(size_t *len)
{
	char *buddy, *log;
	size_t buddy_len, log_len;
	cr_assert_eq(fs_read_file(VM24G ".buddyinfo", 1 << 20, &buddy, &buddy_len), 0);
	cr_assert_eq(fs_read_file(ANDROID_LOG, 1 << 20, &log, &log_len), 0);
	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "========================================================\n"
			  "== dumpstate: 2024-05-01 12:00:00\n"
			  "========================================================\n\n"
			  "Build: test\nKernel: Linux version 4.19.176 (builder@host) #2 SMP\n\n"
			  "------ BUDDYINFO (/proc/buddyinfo) ------\n");
	fs_buf_add(&b, buddy, buddy_len);
	fs_buf_printf(&b, "------ 0.001s was the duration of 'BUDDYINFO' ------\n"
			  "------ KERNEL LOG (dmesg) ------\n");
	fs_buf_add(&b, log, log_len);
	fs_buf_printf(&b, "------ 0.020s was the duration of 'KERNEL LOG' ------\n");
	free(buddy);
	free(log);
	*len = b.len;
	return fs_buf_take(&b);
}

Test(input, bugreport_gives_proc_frame_and_report_frames)
{
	size_t len;
	char *text = make_bugreport(&len);
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	cr_assert_eq(fs_input_load_text(text, len, "bugreport.txt", &frames, &diags), 0);
	dump_diags(&diags);
	cr_assert_eq(frames.count, 2);
	const struct fs_snapshot *s = frames.items[0].snapshot;
	cr_assert_eq(zone(s, "Normal")->order_blocks[1].value, 1278);
	cr_assert_eq(frames.items[1].events.count, 1);
	cr_assert_eq(frames.items[1].events.items[0].order, 3);
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
	free(text);
}

Test(input, capture_gives_its_frames)
{
	/* Write a capture of the fixture directory read three times. */
	char *dir = temp_dir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/c.yaml", dir);
	struct fs_diags diags = { 0 };
	struct fs_capture_writer *w = NULL;
	for (int i = 0; i < 3; i++) {
		struct fs_snapshot *s = fs_snapshot_new();
		cr_assert_eq(fs_live_read(s, LIVE_DIR), 0);
		if (!w) {
			struct fs_capture_header h;
			memset(&h, 0, sizeof(h));
			h.format_version = FS_CAPTURE_FORMAT_VERSION;
			snprintf(h.tool_version, sizeof(h.tool_version), "test");
			snprintf(h.source, sizeof(h.source), "live:test");
			h.start_time = s->meta.time;
			h.keyframe_interval = FS_CAPTURE_KEYFRAME_INTERVAL;
			h.meta = s->meta;
			w = fs_capture_create(path, &h, &diags);
			cr_assert_not_null(w);
		}
		struct fs_frame f;
		fs_frame_init(&f);
		f.index = (size_t)i;
		f.time = s->meta.time;
		f.snapshot = s;
		cr_assert_eq(fs_capture_append(w, &f), 0);
		fs_frame_clear(&f);
	}
	cr_assert_eq(fs_capture_close(w), 0);

	const char *paths[] = { path };
	struct fs_frame_list frames = { 0 };
	cr_assert_eq(fs_input_load(paths, 1, &frames, &diags), 0);
	dump_diags(&diags);
	cr_assert_eq(frames.count, 3);
	cr_assert_eq(zone(frames.items[2].snapshot, "Normal")->order_blocks[0].value, 1057);
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
	remove_dir(dir);
}

/* ---- JSON ------------------------------------------------------------- */

static struct json_object *path_get(struct json_object *o, const char *const *keys)
{
	for (; *keys; keys++) {
		char *end;
		long i = strtol(*keys, &end, 10);
		if (*end == '\0' && json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)i);
		else if (!json_object_object_get_ex(o, *keys, &o))
			return NULL;
		if (!o)
			return NULL;
	}
	return o;
}

#define GET(root, ...) path_get(root, (const char *const[]){ __VA_ARGS__, NULL })

Test(json, snapshot_round_trip)
{
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	cr_assert_eq(fs_input_load(vm24g_files, 6, &frames, &diags), 0);
	struct json_object *o = fs_frame_to_json(&frames.items[0]);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	struct json_object *back = json_tokener_parse(text);
	cr_assert_not_null(back, "the output parses as JSON");

	cr_assert_str_eq(json_object_get_string(GET(back, "snapshot", "meta", "kernel_release")),
			 "6.18.44-fc-v657");
	cr_assert_eq(json_object_get_int(GET(back, "snapshot", "meta", "page_size")), 4096);
	cr_assert_eq(json_object_get_int(GET(back, "snapshot", "meta", "nr_orders")), 11);
	cr_assert_str_eq(json_object_get_string(GET(back, "snapshot", "meta", "migratetypes", "0")),
			 "Unmovable");
	struct json_object *normal = GET(back, "snapshot", "zones", "2");
	cr_assert_str_eq(json_object_get_string(GET(normal, "name")), "Normal");
	cr_assert_eq(json_object_get_int64(GET(normal, "free_pages")), 137506);
	cr_assert_eq(json_object_get_int64(GET(normal, "watermarks", "min")), 2943);
	cr_assert_eq(json_object_get_int64(GET(normal, "order_totals", "counts", "10")), 67);
	cr_assert_str_eq(json_object_get_string(GET(normal, "order_totals", "kinds", "10")),
			 "exact");
	/* free_blocks rows in the kernel's order: Unmovable 236 ..., Movable 96 ... */
	cr_assert_str_eq(json_object_get_string(GET(normal, "free_blocks", "1", "migratetype")),
			 "Movable");
	cr_assert_eq(json_object_get_int64(GET(normal, "free_blocks", "1", "counts", "1")), 1044);
	cr_assert_eq(json_object_get_int64(GET(normal, "pageblocks", "Movable")), 263);
	cr_assert_eq(json_object_get_int64(GET(back, "snapshot", "zones", "0", "protection", "1")),
		     3019);
	cr_assert_eq(json_object_get_int64(GET(back, "snapshot", "meminfo_kB", "MemTotal")),
		     24684092);
	cr_assert_eq(json_object_get_int64(GET(back, "snapshot", "vmstat", "nr_free_pages")),
		     914263);
	cr_assert(json_object_is_type(GET(back, "snapshot", "diagnostics"), json_type_array));
	cr_assert_eq(json_object_array_length(GET(back, "events")), 0);
	json_object_put(back);
	json_object_put(o);
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
}

Test(json, report_round_trip)
{
	const char *paths[] = { ANDROID_LOG };
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	cr_assert_eq(fs_input_load(paths, 1, &frames, &diags), 0);
	struct json_object *o = fs_frame_to_json(&frames.items[0]);
	struct json_object *back = json_tokener_parse(json_object_to_json_string(o));
	cr_assert_not_null(back);
	struct json_object *r = GET(back, "events", "0");
	cr_assert_str_eq(json_object_get_string(GET(r, "kind")), "page_alloc");
	cr_assert_eq(json_object_get_int(GET(r, "order")), 3);
	cr_assert_str_eq(json_object_get_string(GET(r, "mode")), "0x484020");
	cr_assert_eq(json_object_get_int64(GET(r, "mode_value")), 0x484020);
	cr_assert_str_eq(json_object_get_string(GET(r, "mode_names")), "GFP_ATOMIC|__GFP_COMP");
	cr_assert_eq(json_object_get_int(GET(r, "pid")), 2164);
	cr_assert_str_eq(json_object_get_string(GET(r, "timestamp")), "1798.829657",
			 "printed with the log's six decimals");
	cr_assert_str_eq(json_object_get_string(GET(r, "trace", "3")), "warn_alloc+0xf0/0x158");
	cr_assert(json_object_is_type(GET(r, "snapshot"), json_type_null));
	/* The printed state: "DMA32: 4060*4kB (UMECH) ..." is nonempty letters. */
	struct json_object *z = GET(back, "snapshot", "zones", "0");
	cr_assert_str_eq(json_object_get_string(GET(z, "name")), "DMA32");
	cr_assert_eq(json_object_get_int64(GET(z, "order_totals", "counts", "0")), 4060);
	cr_assert_str_eq(json_object_get_string(GET(z, "free_blocks", "0", "kinds", "0")),
			 "nonempty");
	json_object_put(back);
	json_object_put(o);
	fs_frame_list_free(&frames);
	fs_diags_clear(&diags);
}

Test(json, diagnostics)
{
	struct fs_diags d = { 0 };
	fs_diags_add(&d, FS_SEV_WARNING, "zoneinfo", 12, "expected \"pages free N\"");
	fs_diags_add(&d, FS_SEV_NOTE, "live:/proc", 0, "x");
	struct json_object *o = fs_diags_to_json(&d);
	struct json_object *back = json_tokener_parse(json_object_to_json_string(o));
	cr_assert_eq(json_object_array_length(back), 2);
	cr_assert_str_eq(json_object_get_string(GET(back, "0", "severity")), "warning");
	cr_assert_eq(json_object_get_int(GET(back, "0", "line")), 12);
	cr_assert_str_eq(json_object_get_string(GET(back, "0", "message")),
			 "expected \"pages free N\"");
	cr_assert_null(GET(back, "1", "line"), "no line 0");
	json_object_put(back);
	json_object_put(o);
	fs_diags_clear(&d);
}
