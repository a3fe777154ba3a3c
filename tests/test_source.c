/*
 * Tests of the sources behind source.h: live on a directory of dumps, replay
 * of captures and other files, a child process streaming a capture.
 * Numbers are taken from the fixture text; the arithmetic is in comments.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_equal.h"
#include "testutil.h"
#include "fragscope/capture.h"
#include "fragscope/engine.h"
#include "fragscope/klog.h"
#include "fragscope/live.h"
#include "fragscope/source.h"
#include "fragscope/util.h"
#include "fragscope/workload.h"

#define LIVE_DIR FS_FIXTURES "/live-this-machine"
#define SAMPLES FS_FIXTURES "/samples"
#define VM24G SAMPLES "/x86_64-6.18-vm-24g"
#define ANDROID_LOG SAMPLES "/android-4.19-arm64-wifi-order3-atomic-cma.log"
#define THREE_REPORTS FS_FIXTURES "/klog/arm64-4.19-three-reports.log"
#define BUGREPORT FS_FIXTURES "/klog/android-bugreport-4.19.txt"

/* ---- helpers ---------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot create %s", path);
	fputs(text, f);
	fclose(f);
}

/* Poll s until it has at least n frames (the loop a front end runs). */
static void poll_until_count(struct fs_source *s, size_t n, double max_seconds)
{
	double end = now() + max_seconds;
	while (fs_source_count(s) < n && now() < end) {
		int t = fs_source_timeout_ms(s);
		cr_assert(t >= -1);
		struct pollfd p = { fs_source_fd(s), POLLIN, 0 };
		poll(&p, p.fd >= 0 ? 1 : 0, t < 0 || t > 100 ? 100 : t);
		fs_source_poll(s);
	}
	cr_assert_geq(fs_source_count(s), n, "only %zu frames after %g s", fs_source_count(s),
		      max_seconds);
}

static void poll_until_ended(struct fs_source *s, double max_seconds)
{
	double end = now() + max_seconds;
	while (!fs_source_ended(s) && now() < end) {
		int t = fs_source_timeout_ms(s);
		struct pollfd p = { fs_source_fd(s), POLLIN, 0 };
		poll(&p, p.fd >= 0 ? 1 : 0, t < 0 || t > 100 ? 100 : t);
		cr_assert_geq(fs_source_poll(s), 0);
	}
	cr_assert(fs_source_ended(s), "not ended after %g s", max_seconds);
	cr_assert_eq(fs_source_fd(s), -1, "an ended child has nothing to wait on");
	cr_assert_eq(fs_source_timeout_ms(s), -1);
}

/* The live fixture's buddyinfo:
 * "Node 0, zone    DMA32      2      3 ...    752" and
 * "Node 0, zone   Normal   1057   1006 ...    149". */
static void assert_live_fixture(const struct fs_snapshot *s)
{
	cr_assert_not_null(s);
	cr_assert_eq(zone(s, "DMA32")->order_blocks[10].value, 752);
	cr_assert_eq(zone(s, "Normal")->order_blocks[0].value, 1057);
	cr_assert_eq(zone(s, "Normal")->order_blocks[10].value, 149);
}

/*
 * Frame i of a test capture: the live fixture, DMA32 order 0 set to 100 + i
 * so that every frame after the first is a delta that changes something,
 * and on frame 2 the Android sample's report as an event.
 */
static void test_frame(size_t i, struct fs_frame *f)
{
	fs_frame_init(f);
	f->index = i;
	f->time = 1000.5 + (double)i;
	f->snapshot = fs_snapshot_new();
	cr_assert_eq(fs_live_read(f->snapshot, LIVE_DIR), 0);
	struct fs_zone *z = fs_snapshot_zone(f->snapshot, 0, "DMA32", 5, false);
	cr_assert_not_null(z);
	z->order_blocks[0] = fs_count_exact(100 + i);
	if (i == 2) {
		char *text;
		size_t len;
		cr_assert_eq(fs_read_file(ANDROID_LOG, 1 << 20, &text, &len), 0);
		struct fs_diags d = { 0 };
		cr_assert_eq(fs_parse_kernel_log(text, len, ANDROID_LOG, &f->events, &d), 1);
		fs_diags_clear(&d);
		free(text);
	}
}

static void write_capture(const char *path, size_t nr_frames)
{
	struct fs_frame f;
	test_frame(0, &f);
	struct fs_capture_header hdr;
	memset(&hdr, 0, sizeof(hdr));
	hdr.format_version = FS_CAPTURE_FORMAT_VERSION;
	snprintf(hdr.tool_version, sizeof(hdr.tool_version), "test");
	snprintf(hdr.source, sizeof(hdr.source), "test:source");
	hdr.start_time = 1000.5;
	hdr.keyframe_interval = 3;   /* keyframes at 0 and 3: both paths are tried */
	hdr.meta = f.snapshot->meta;
	struct fs_diags d = { 0 };
	struct fs_capture_writer *w = fs_capture_create(path, &hdr, &d);
	cr_assert_not_null(w);
	for (size_t i = 0; i < nr_frames; i++) {
		if (i > 0)
			test_frame(i, &f);
		cr_assert_eq(fs_capture_append(w, &f), 0);
		fs_frame_clear(&f);
	}
	fs_frame_clear(&f);
	cr_assert_eq(fs_capture_close(w), 0);
	fs_diags_clear(&d);
}

static size_t capture_frames(const char *path)
{
	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r, "%s does not read back as a capture", path);
	size_t n = fs_capture_frame_count(r);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	return n;
}

/* Frame n of source s equals frame k of the capture at path (index aside). */
static void assert_same_frame(struct fs_source *s, size_t n, const char *path, size_t k)
{
	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	struct fs_frame want, got;
	fs_frame_init(&want);
	fs_frame_init(&got);
	cr_assert_eq(fs_capture_read_frame(r, k, &want), 0);
	cr_assert_eq(fs_source_read(s, n, &got), 0, "frame %zu of %s", n, fs_source_name(s));
	cr_assert_eq(got.index, n);
	want.index = n;
	char why[512];
	cr_assert(ceq_frame(&want, &got, why, sizeof(why)), "frame %zu: %s", n, why);
	fs_frame_clear(&want);
	fs_frame_clear(&got);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
}

/* ---- common ----------------------------------------------------------- */

Test(source, kind_names)
{
	cr_assert_str_eq(fs_source_kind_name(FS_SOURCE_LIVE), "live");
	cr_assert_str_eq(fs_source_kind_name(FS_SOURCE_REPLAY), "replay");
	cr_assert_str_eq(fs_source_kind_name(FS_SOURCE_CHILD), "child");
	cr_assert_str_eq(fs_source_kind_name(FS_SOURCE_ENGINE), "engine");
}

Test(source, takes_no_commands)
{
	struct fs_frame_list l = { 0 };
	struct fs_source *s = fs_source_open_frames(&l, "empty");
	char reply[64] = "unchanged";
	cr_assert_eq(fs_source_command(s, "alloc 3 GFP_KERNEL", reply, sizeof(reply)), -1);
	cr_assert_str_eq(reply, "this source takes no commands");
	/* A short reply buffer is cut, not overrun. */
	char small[5];
	cr_assert_eq(fs_source_command(s, "x", small, sizeof(small)), -1);
	cr_assert_str_eq(small, "this");
	fs_source_close(s);
}

Test(source, frames_in_memory_are_taken_over_and_copied_out)
{
	struct fs_frame_list l = { 0 };
	for (size_t i = 0; i < 2; i++) {
		struct fs_frame *f = fs_frame_list_add(&l);
		struct fs_frame tmp;
		test_frame(i == 0 ? 0 : 2, &tmp);
		*f = tmp;
		f->index = i;
	}
	struct fs_source *s = fs_source_open_frames(&l, "bundled");
	cr_assert_eq(l.count, 0, "the source took the frames over");
	cr_assert_null(l.items);
	cr_assert_eq(fs_source_kind(s), FS_SOURCE_REPLAY);
	cr_assert_str_eq(fs_source_name(s), "bundled");
	cr_assert_eq(fs_source_count(s), 2);
	cr_assert_eq(fs_source_first(s), 0);
	cr_assert(fs_source_ended(s));
	cr_assert_eq(fs_source_fd(s), -1);
	cr_assert_eq(fs_source_timeout_ms(s), -1);
	cr_assert_eq(fs_source_poll(s), 0);

	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 1, &f), 0);
	cr_assert_eq(f.index, 1);
	cr_assert_float_eq(f.time, 1002.5, 1e-9);
	cr_assert_eq(f.events.count, 1);
	cr_assert_eq(f.events.items[0].order, 3);   /* "order:3" in the sample */
	/* DMA32 order 0 of test frame 2: 100 + 2 */
	cr_assert_eq(zone(f.snapshot, "DMA32")->order_blocks[0].value, 102);
	/* The copy is the caller's: changing it leaves the source alone. */
	fs_snapshot_zone(f.snapshot, 0, "DMA32", 5, false)->order_blocks[0].value = 7;
	fs_frame_clear(&f);
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 1, &f), 0);
	cr_assert_eq(zone(f.snapshot, "DMA32")->order_blocks[0].value, 102);

	cr_assert_eq(fs_source_read(s, 2, &f), -1);
	cr_assert_null(f.snapshot);
	cr_assert(has_diag_from(fs_source_diags(s), "bundled", "frame 2 does not exist"));
	fs_frame_clear(&f);
	fs_source_close(s);
}

/* ---- live ------------------------------------------------------------- */

Test(live, first_snapshot_at_open_then_one_per_interval)
{
	struct fs_live_options o = { .proc_root = LIVE_DIR, .interval = 0.2 };
	struct fs_diags d = { 0 };
	struct fs_source *s = fs_source_open_live(&o, &d);
	dump_diags(&d);
	cr_assert_not_null(s);
	cr_assert_eq(d.count, 0, "nothing to say when the source opens");
	cr_assert_eq(fs_source_kind(s), FS_SOURCE_LIVE);
	cr_assert_str_eq(fs_source_name(s), "live:" LIVE_DIR);
	cr_assert_eq(fs_source_count(s), 1, "the first snapshot is taken in open");
	cr_assert_eq(fs_source_fd(s), -1, "no kmsg_path: nothing to wait on");
	cr_assert_not(fs_source_ended(s));
	int t = fs_source_timeout_ms(s);
	cr_assert(t > 0 && t <= 200, "next snapshot in (0, 200] ms, got %d", t);
	/* Not due yet: no new frame. */
	cr_assert_eq(fs_source_poll(s), 0);
	cr_assert_eq(fs_source_count(s), 1);

	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 0, &f), 0);
	assert_live_fixture(f.snapshot);
	cr_assert_str_eq(f.snapshot->meta.source, "live:" LIVE_DIR);
	cr_assert_float_eq(f.time, f.snapshot->meta.time, 1e-9);
	cr_assert_eq(f.snapshot->meta.time_base, FS_TIME_EPOCH);

	double start = now();
	poll_until_count(s, 3, 5.0);
	double took = now() - start;
	/* Two more intervals of 0.2 s; the loop sleeps what timeout_ms says. */
	cr_assert(took >= 0.35, "3 frames after %.3f s: faster than the interval", took);
	cr_assert_eq(fs_source_count(s), 3);
	cr_assert_eq(fs_source_read(s, 2, &f), 0);
	cr_assert_eq(f.index, 2);
	assert_live_fixture(f.snapshot);
	fs_frame_clear(&f);
	fs_source_close(s);
	fs_diags_clear(&d);
}

Test(live, keeps_only_the_newest_frames)
{
	struct fs_live_options o = { .proc_root = LIVE_DIR, .interval = 0.01, .keep_frames = 3 };
	struct fs_source *s = fs_source_open_live(&o, NULL);
	cr_assert_not_null(s);
	poll_until_count(s, 8, 10.0);
	size_t n = fs_source_count(s);
	/* keep 3: frames n-3 .. n-1 */
	cr_assert_eq(fs_source_first(s), n - 3);
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, n - 4, &f), -1);
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_ERROR, "is no longer kept"));
	for (size_t i = n - 3; i < n; i++) {
		cr_assert_eq(fs_source_read(s, i, &f), 0, "frame %zu", i);
		cr_assert_eq(f.index, i);
		assert_live_fixture(f.snapshot);
	}
	cr_assert_eq(fs_source_read(s, n, &f), -1);
	fs_frame_clear(&f);
	fs_source_close(s);
}

Test(live, records_every_frame)
{
	char *dir = temp_dir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/rec.yaml", dir);
	struct fs_live_options o = { .proc_root = LIVE_DIR, .interval = 0.01, .keep_frames = 2,
				     .record_path = path };
	struct fs_diags d = { 0 };
	struct fs_source *s = fs_source_open_live(&o, &d);
	dump_diags(&d);
	cr_assert_not_null(s);
	cr_assert_eq(capture_frames(path), 1, "complete at every frame boundary");
	poll_until_count(s, 5, 10.0);
	size_t n = fs_source_count(s);
	cr_assert_eq(capture_frames(path), n);
	/* The recording has what the ring let go of. */
	assert_same_frame(s, n - 1, path, n - 1);
	fs_source_close(s);
	cr_assert_eq(capture_frames(path), n, "no kmsg: no events-only last frame");

	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	cr_assert_str_eq(fs_capture_header(r)->source, "live:" LIVE_DIR);
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_capture_read_frame(r, 0, &f), 0);
	assert_live_fixture(f.snapshot);
	fs_frame_clear(&f);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	remove_dir(dir);
}

Test(live, refuses_to_overwrite_a_recording)
{
	char *dir = temp_dir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/old.yaml", dir);
	write_text(path, "precious\n");
	struct fs_live_options o = { .proc_root = LIVE_DIR, .record_path = path };
	struct fs_diags d = { 0 };
	cr_assert_null(fs_source_open_live(&o, &d));
	/* "precious\n" is 9 bytes */
	cr_assert(has_diag_from(&d, path, "already exists (9 bytes)"));
	cr_assert_eq(fs_diags_count(&d, FS_SEV_ERROR), 1);
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(path, 1024, &text, &len), 0);
	cr_assert_str_eq(text, "precious\n", "the file was not touched");
	free(text);
	fs_diags_clear(&d);

	o.record_force = true;
	struct fs_source *s = fs_source_open_live(&o, &d);
	cr_assert_not_null(s);
	fs_source_close(s);
	cr_assert_eq(capture_frames(path), 1);

	/* An empty file is no recording: taken without force. */
	write_text(path, "");
	o.record_force = false;
	s = fs_source_open_live(&o, &d);
	cr_assert_not_null(s);
	fs_source_close(s);
	cr_assert_eq(d.count, 0);
	fs_diags_clear(&d);
	remove_dir(dir);
}

Test(live, unreadable_proc_root_or_recording_is_null_with_a_reason)
{
	struct fs_live_options o = { .proc_root = "/nonexistent-fragscope" };
	struct fs_diags d = { 0 };
	cr_assert_null(fs_source_open_live(&o, &d));
	cr_assert(has_diag_from(&d, "/nonexistent-fragscope/buddyinfo", ""));
	cr_assert_geq(fs_diags_count(&d, FS_SEV_ERROR), 1);
	fs_diags_clear(&d);

	o.proc_root = LIVE_DIR;
	o.record_path = "/nonexistent-fragscope/rec.yaml";
	cr_assert_null(fs_source_open_live(&o, &d));
	cr_assert(has_diag_from(&d, "/nonexistent-fragscope/rec.yaml", ""));
	fs_diags_clear(&d);
}

Test(live, a_proc_root_that_goes_away_is_a_diagnostic_and_comes_back)
{
	char *dir = temp_dir();
	char cmd[8600];
	snprintf(cmd, sizeof(cmd), "cp '%s'/* '%s'/", LIVE_DIR, dir);
	cr_assert_eq(system(cmd), 0);
	struct fs_live_options o = { .proc_root = dir, .interval = 0.01 };
	struct fs_source *s = fs_source_open_live(&o, NULL);
	cr_assert_not_null(s);
	char buddy[4200], moved[4200];
	snprintf(buddy, sizeof(buddy), "%s/buddyinfo", dir);
	snprintf(moved, sizeof(moved), "%s/buddyinfo.away", dir);
	cr_assert_eq(rename(buddy, moved), 0);
	double end = now() + 5;
	int rc = 0;
	while (rc != -1 && now() < end) {
		usleep(15000);
		rc = fs_source_poll(s);
	}
	cr_assert_eq(rc, -1, "a failed snapshot is -1 from that poll");
	cr_assert_eq(fs_source_count(s), 1);
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_WARNING,
			   "no snapshot this time (1 in a row)"));
	cr_assert_eq(rename(moved, buddy), 0);
	poll_until_count(s, 2, 5.0);
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_NOTE, "readable again"));
	fs_source_close(s);
	remove_dir(dir);
}

Test(live, without_the_kernel_log_it_still_watches)
{
	struct fs_live_options o = { .proc_root = LIVE_DIR, .kmsg_path = "/nonexistent-kmsg" };
	struct fs_source *s = fs_source_open_live(&o, NULL);
	cr_assert_not_null(s);
	cr_assert_eq(fs_source_fd(s), -1);
	cr_assert(has_diag_from(fs_source_diags(s), "/nonexistent-kmsg", "cannot open"));
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_WARNING, "without the kernel log"));
	fs_source_close(s);
}

/*
 * Kernel-log records through a FIFO standing in for /dev/kmsg: the Android
 * sample's lines as "4,SEQ,USEC,-;text". The lines after the report
 * ("0 pages hwpoisoned", "wlan: probe ...") complete it, so it is in the
 * events of a frame taken after it, and in the recording once.
 */
static void write_sample_as_kmsg(int fd)
{
	size_t len;
	char *records = android_report_as_kmsg(&len);
	cr_assert_eq(write(fd, records, len), (ssize_t)len);
	free(records);
}

Test(live, kernel_log_reports_go_into_frames)
{
	char *dir = temp_dir();
	char fifo[4200], path[4200];
	snprintf(fifo, sizeof(fifo), "%s/kmsg", dir);
	snprintf(path, sizeof(path), "%s/rec.yaml", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	struct fs_live_options o = { .proc_root = LIVE_DIR, .kmsg_path = fifo, .interval = 0.05,
				     .record_path = path };
	struct fs_source *s = fs_source_open_live(&o, NULL);
	cr_assert_not_null(s);
	cr_assert_geq(fs_source_fd(s), 0, "the kmsg fd is the one to wait on");
	int w = open(fifo, O_WRONLY | O_NONBLOCK);
	cr_assert_geq(w, 0);
	write_sample_as_kmsg(w);
	close(w);
	poll_until_count(s, 3, 5.0);
	size_t events = 0;
	for (size_t i = fs_source_first(s); i < fs_source_count(s); i++) {
		struct fs_frame f;
		fs_frame_init(&f);
		cr_assert_eq(fs_source_read(s, i, &f), 0);
		events += f.events.count;
		fs_frame_clear(&f);
	}
	fs_source_close(s);

	/* In the recording: one report in all, order 3 as "order:3" says,
	 * in a frame of its own or at the end. */
	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	size_t n = fs_capture_frame_count(r), in_capture = 0;
	cr_assert_geq(n, 3);
	for (size_t i = 0; i < n; i++) {
		struct fs_frame f;
		fs_frame_init(&f);
		cr_assert_eq(fs_capture_read_frame(r, i, &f), 0);
		for (size_t k = 0; k < f.events.count; k++) {
			cr_assert_eq(f.events.items[k].order, 3);
			cr_assert_str_eq(f.events.items[k].comm, "wifi@1.0-servic");
		}
		in_capture += f.events.count;
		fs_frame_clear(&f);
	}
	cr_assert_eq(in_capture, 1);
	cr_assert_eq(events, 1,
		     "the lines after the report complete it: in a frame, not only at close");
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	remove_dir(dir);
}

/* ---- replay ----------------------------------------------------------- */

Test(replay, a_capture_is_read_frame_by_frame)
{
	char *dir = temp_dir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/five.yaml", dir);
	write_capture(path, 5);
	const char *paths[] = { path };
	struct fs_diags d = { 0 };
	struct fs_source *s = fs_source_open_replay(paths, 1, &d);
	dump_diags(&d);
	cr_assert_not_null(s);
	cr_assert_eq(fs_source_kind(s), FS_SOURCE_REPLAY);
	cr_assert_str_eq(fs_source_name(s), path);
	cr_assert_eq(fs_source_count(s), 5);
	cr_assert_eq(fs_source_first(s), 0);
	cr_assert(fs_source_ended(s));
	cr_assert_eq(fs_source_fd(s), -1);
	cr_assert_eq(fs_source_timeout_ms(s), -1);
	cr_assert_eq(fs_source_poll(s), 0);
	cr_assert_eq(fs_source_diags(s)->count, 0);
	/* Out of order on purpose: a keyframe (3), back (1), a delta (4). */
	size_t order[] = { 3, 1, 4, 0, 2 };
	for (size_t i = 0; i < 5; i++)
		assert_same_frame(s, order[i], path, order[i]);
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 4, &f), 0);
	cr_assert_eq(zone(f.snapshot, "DMA32")->order_blocks[0].value, 104);   /* 100 + 4 */
	cr_assert_float_eq(f.time, 1004.5, 1e-9);
	cr_assert_eq(fs_source_read(s, 2, &f), 0);
	cr_assert_eq(f.events.count, 1);
	cr_assert_eq(f.events.items[0].order, 3);
	fs_frame_clear(&f);
	fs_source_close(s);
	fs_diags_clear(&d);
	remove_dir(dir);
}

Test(replay, captures_and_logs_follow_each_other_in_the_order_given)
{
	char *dir = temp_dir();
	char a[4200], b[4200];
	snprintf(a, sizeof(a), "%s/a.yaml", dir);
	snprintf(b, sizeof(b), "%s/b.yaml", dir);
	write_capture(a, 5);
	write_capture(b, 4);
	const char *paths[] = { a, THREE_REPORTS, b };
	struct fs_diags d = { 0 };
	struct fs_source *s = fs_source_open_replay(paths, 3, &d);
	cr_assert_not_null(s);
	dump_diags(fs_source_diags(s));
	/* 5 of a, 3 reports of the log, 4 of b */
	cr_assert_eq(fs_source_count(s), 12);
	char name[4300];
	snprintf(name, sizeof(name), "%s + 2 more", a);
	cr_assert_str_eq(fs_source_name(s), name);
	assert_same_frame(s, 4, a, 4);
	assert_same_frame(s, 8, b, 0);
	assert_same_frame(s, 11, b, 3);
	struct fs_frame f;
	fs_frame_init(&f);
	for (size_t i = 5; i < 8; i++) {
		cr_assert_eq(fs_source_read(s, i, &f), 0);
		cr_assert_eq(f.index, i);
		cr_assert_eq(f.events.count, 1, "one report per frame of the log");
	}
	fs_frame_clear(&f);
	fs_source_close(s);
	fs_diags_clear(&d);
	remove_dir(dir);
}

Test(replay, a_kernel_log_gives_a_frame_per_report)
{
	const char *paths[] = { ANDROID_LOG };
	struct fs_source *s = fs_source_open_replay(paths, 1, NULL);
	cr_assert_not_null(s);
	cr_assert_eq(fs_source_count(s), 1);
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 0, &f), 0);
	cr_assert_eq(f.events.count, 1);
	const struct fs_report *r = &f.events.items[0];
	cr_assert_eq(r->order, 3);
	cr_assert_eq(r->mode, 0x484020);
	/* "[ 1798.829657] ... page allocation failure" */
	cr_assert_float_eq(f.time, 1798.829657, 1e-6);
	cr_assert_not_null(f.snapshot);
	/* "DMA32: 4060*4kB (UMECH) ... 75*4096kB (C)" */
	cr_assert_eq(zone(f.snapshot, "DMA32")->order_blocks[0].value, 4060);
	cr_assert_eq(zone(f.snapshot, "DMA32")->order_blocks[10].value, 75);
	fs_frame_clear(&f);
	fs_source_close(s);

	const char *three[] = { THREE_REPORTS };
	s = fs_source_open_replay(three, 1, NULL);
	cr_assert_not_null(s);
	/* three "page allocation failure" lines */
	cr_assert_eq(fs_source_count(s), 3);
	fs_source_close(s);
}

Test(replay, a_bugreport_gives_its_proc_state_and_its_report)
{
	const char *paths[] = { BUGREPORT };
	struct fs_source *s = fs_source_open_replay(paths, 1, NULL);
	cr_assert_not_null(s);
	/* a frame for the proc sections, one for the one report */
	cr_assert_eq(fs_source_count(s), 2);
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 0, &f), 0);
	cr_assert_not_null(f.snapshot);
	cr_assert_eq(f.events.count, 0);
	cr_assert_eq(fs_source_read(s, 1, &f), 0);
	cr_assert_eq(f.events.count, 1);
	cr_assert_eq(f.events.items[0].kind, FS_REPORT_PAGE_ALLOC);
	fs_frame_clear(&f);
	fs_source_close(s);
}

Test(replay, proc_dumps_of_one_moment_merge)
{
	const char *paths[] = { VM24G ".buddyinfo", VM24G ".pagetypeinfo", VM24G ".zoneinfo",
				VM24G ".vmstat", VM24G ".meminfo", VM24G ".uname" };
	struct fs_source *s = fs_source_open_replay(paths, 6, NULL);
	cr_assert_not_null(s);
	cr_assert_eq(fs_source_count(s), 1);
	cr_assert_eq(fs_diags_count(fs_source_diags(s), FS_SEV_WARNING), 0);
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 0, &f), 0);
	cr_assert_not_null(f.snapshot);
	cr_assert_geq(f.snapshot->nr_zones, 3);
	cr_assert(f.snapshot->meta.kernel_release[0] == '6');   /* the uname file: "6.18..." */
	fs_frame_clear(&f);
	fs_source_close(s);
}

Test(replay, bad_paths_are_named)
{
	const char *missing[] = { "/nonexistent-fragscope.log" };
	struct fs_diags d = { 0 };
	cr_assert_null(fs_source_open_replay(missing, 1, &d));
	cr_assert(has_diag_from(&d, "/nonexistent-fragscope.log", "cannot read"));
	fs_diags_clear(&d);

	/* One bad among good: the good ones replay, the bad one is a diagnostic. */
	const char *mixed[] = { "/nonexistent-fragscope.log", ANDROID_LOG };
	struct fs_source *s = fs_source_open_replay(mixed, 2, &d);
	cr_assert_not_null(s);
	cr_assert_eq(fs_source_count(s), 1);
	cr_assert(has_diag_from(fs_source_diags(s), "/nonexistent-fragscope.log", "cannot read"));
	cr_assert_eq(d.count, 0, "on success the diagnostics are the source's");
	fs_source_close(s);

	char *dir = temp_dir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/junk.txt", dir);
	write_text(path, "hello world\n");
	const char *junk[] = { path };
	cr_assert_null(fs_source_open_replay(junk, 1, &d));
	cr_assert(has_diag_from(&d, path, "not a format fragscope reads"));
	fs_diags_clear(&d);

	/* A capture header and nothing else. */
	snprintf(path, sizeof(path), "%s/empty.yaml", dir);
	write_capture(path, 0);
	const char *empty[] = { path };
	cr_assert_null(fs_source_open_replay(empty, 1, &d));
	cr_assert(has_diag_from(&d, path, "capture without a complete frame"));
	fs_diags_clear(&d);

	cr_assert_null(fs_source_open_replay(NULL, 0, &d));
	cr_assert_eq(fs_diags_count(&d, FS_SEV_ERROR), 1);
	const char *nulls[] = { NULL };
	cr_assert_null(fs_source_open_replay(nulls, 1, NULL));
	fs_diags_clear(&d);
	remove_dir(dir);
}

Test(replay, a_damaged_frame_is_a_diagnostic_not_a_crash)
{
	char *dir = temp_dir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/damaged.yaml", dir);
	write_capture(path, 3);
	/* A frame whose "frame:" is not a number, appended by hand. */
	FILE *f = fopen(path, "a");
	cr_assert_not_null(f);
	fputs("---\nframe: nope\ntime: 1.0\nsnapshot: null\n...\n", f);
	fclose(f);
	const char *paths[] = { path };
	struct fs_source *s = fs_source_open_replay(paths, 1, NULL);
	cr_assert_not_null(s);
	cr_assert_eq(fs_source_count(s), 4);
	struct fs_frame fr;
	fs_frame_init(&fr);
	cr_assert_eq(fs_source_read(s, 3, &fr), -1);
	cr_assert_null(fr.snapshot);
	cr_assert(has_diag_from(fs_source_diags(s), path, "frame 3"));
	cr_assert_eq(fs_source_read(s, 2, &fr), 0, "the frames before it still read");
	fs_frame_clear(&fr);
	fs_source_close(s);
	remove_dir(dir);
}

/* A capture of a day at 1 Hz opens at once: the index, not the frames. */
Test(replay, a_long_capture_opens_without_parsing_its_frames, .timeout = 120)
{
	char *dir = temp_dir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/day.yaml", dir);
	/* The header of a test capture, then 86,400 events-less frames without
	 * a snapshot (allowed at any position). */
	write_capture(path, 0);
	FILE *f = fopen(path, "a");
	cr_assert_not_null(f);
	for (unsigned i = 0; i < 86400; i++)
		fprintf(f, "---\nframe: %u\ntime: %u.0\nsnapshot: null\n...\n", i, i);
	fclose(f);
	const char *paths[] = { path };
	double start = now();
	struct fs_diags d = { 0 };
	struct fs_source *s = fs_source_open_replay(paths, 1, &d);
	double took = now() - start;
	dump_diags(&d);
	cr_assert_not_null(s);
	cr_assert_eq(fs_source_count(s), 86400);
	cr_assert_lt(took, 2.0, "opening took %.2f s", took);
	struct fs_frame fr;
	fs_frame_init(&fr);
	cr_assert_eq(fs_source_read(s, 86399, &fr), 0);
	cr_assert_float_eq(fr.time, 86399.0, 1e-9);
	fs_frame_clear(&fr);
	fs_source_close(s);
	fs_diags_clear(&d);
	remove_dir(dir);
}

/* ---- child ------------------------------------------------------------ */

static struct fs_source *run_sh(const char *script, struct fs_diags *d)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	return fs_source_open_child(argv, d);
}

Test(child, a_streamed_capture_gives_the_same_frames)
{
	char *dir = temp_dir();
	char path[4200], script[4400];
	snprintf(path, sizeof(path), "%s/five.yaml", dir);
	write_capture(path, 5);
	snprintf(script, sizeof(script), "cat '%s'", path);
	struct fs_diags d = { 0 };
	struct fs_source *s = run_sh(script, &d);
	cr_assert_not_null(s);
	cr_assert_eq(d.count, 0);
	cr_assert_eq(fs_source_kind(s), FS_SOURCE_CHILD);
	cr_assert(strncmp(fs_source_name(s), "child:/bin/sh -c cat", 20) == 0, "name %s",
		  fs_source_name(s));
	poll_until_ended(s, 10.0);
	dump_diags(fs_source_diags(s));
	cr_assert_eq(fs_source_count(s), 5);
	for (size_t i = 0; i < 5; i++)
		assert_same_frame(s, i, path, i);
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_NOTE, "the child exited (status 0)"));
	cr_assert_eq(fs_diags_count(fs_source_diags(s), FS_SEV_WARNING), 0);
	fs_source_close(s);
	fs_diags_clear(&d);
	remove_dir(dir);
}

/* More frames than the ring holds (120): the older ones come back from the
 * spool, an unlinked temporary capture that leaves nothing in TMPDIR. */
Test(child, every_frame_stays_readable, .timeout = 60)
{
	char *dir = temp_dir();
	char path[4200], script[4400], tmp[4200];
	snprintf(path, sizeof(path), "%s/many.yaml", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	cr_assert_eq(setenv("TMPDIR", tmp, 1), 0);
	write_capture(path, 130);
	snprintf(script, sizeof(script), "cat '%s'", path);
	struct fs_source *s = run_sh(script, NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 20.0);
	dump_diags(fs_source_diags(s));
	cr_assert_eq(fs_source_count(s), 130);
	cr_assert_eq(fs_source_first(s), 0);
	/* 130 - 120 = 10 frames only in the spool; read them out of order. */
	size_t order[] = { 9, 0, 1, 5, 129, 10, 3 };
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		assert_same_frame(s, order[i], path, order[i]);
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", tmp);
	cr_assert_eq(system(cmd), 0, "the spool is unlinked at once");
	fs_source_close(s);
	remove_dir(dir);
}

Test(child, without_a_spool_the_newest_frames_stay_readable, .timeout = 60)
{
	char *dir = temp_dir();
	char path[4200], script[4400];
	snprintf(path, sizeof(path), "%s/many.yaml", dir);
	cr_assert_eq(setenv("TMPDIR", "/nonexistent-fragscope-tmp", 1), 0);
	write_capture(path, 125);
	snprintf(script, sizeof(script), "cat '%s'", path);
	struct fs_source *s = run_sh(script, NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 20.0);
	cr_assert_eq(fs_source_count(s), 125);
	cr_assert_eq(fs_source_first(s), 5);   /* 125 - 120 */
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_NOTE, "only the newest 120 frames"));
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 4, &f), -1);
	fs_frame_clear(&f);
	assert_same_frame(s, 5, path, 5);
	assert_same_frame(s, 124, path, 124);
	fs_source_close(s);
	remove_dir(dir);
}

Test(child, frames_arrive_as_their_documents_complete)
{
	char *dir = temp_dir();
	char path[4200], script[9000];
	snprintf(path, sizeof(path), "%s/five.yaml", dir);
	write_capture(path, 5);
	/* The header and frame 0, then (cut mid-line) the rest a moment later. */
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(path, 1 << 24, &text, &len), 0);
	const char *frame1 = strstr(text, "\nframe: 1\n");
	cr_assert_not_null(frame1);
	size_t cut = (size_t)(frame1 - text) + 5;   /* inside "frame: 1" */
	free(text);
	snprintf(script, sizeof(script),
		 "head -c %zu '%s'; sleep 1; tail -c +%zu '%s'", cut, path, cut + 1, path);
	struct fs_source *s = run_sh(script, NULL);
	cr_assert_not_null(s);
	poll_until_count(s, 1, 5.0);
	cr_assert_eq(fs_source_count(s), 1, "frame 1 is not complete yet");
	cr_assert_not(fs_source_ended(s));
	cr_assert_geq(fs_source_fd(s), 0);
	assert_same_frame(s, 0, path, 0);
	poll_until_ended(s, 10.0);
	cr_assert_eq(fs_source_count(s), 5);
	assert_same_frame(s, 4, path, 4);
	fs_source_close(s);
	remove_dir(dir);
}

Test(child, garbage_and_an_exit_status_are_diagnostics)
{
	struct fs_source *s = run_sh("printf 'garbage\\nmore garbage\\n'; exit 3", NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 10.0);
	const struct fs_diags *d = fs_source_diags(s);
	dump_diags(d);
	cr_assert_eq(fs_source_count(s), 0);
	cr_assert(has_diag(d, FS_SEV_WARNING, "text outside a document"));
	cr_assert(has_diag(d, FS_SEV_ERROR, "without a capture header"));
	cr_assert(has_diag(d, FS_SEV_WARNING, "exited with status 3"));
	cr_assert(has_diag_from(d, "child:/bin/sh", "status 3"), "diagnostics name the source");
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 0, &f), -1);
	fs_source_close(s);
}

Test(child, a_document_that_is_no_capture_header_drops_the_child)
{
	struct fs_source *s = run_sh("printf -- '---\\nhello: 1\\n...\\n'; exec sleep 30", NULL);
	cr_assert_not_null(s);
	double end = now() + 5;
	while (!has_diag(fs_source_diags(s), FS_SEV_ERROR, "expected a capture stream") &&
	       now() < end) {
		usleep(10000);
		fs_source_poll(s);
	}
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_ERROR, "not reading this child any further"));
	double start = now();
	fs_source_close(s);
	cr_assert_lt(now() - start, 2.0);
}

Test(child, a_bad_frame_is_skipped_and_the_next_keyframe_reads)
{
	char *dir = temp_dir();
	char path[4200], script[9000];
	snprintf(path, sizeof(path), "%s/five.yaml", dir);
	write_capture(path, 5);
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(path, 1 << 24, &text, &len), 0);
	/* Damage frame 1 ("frame: 1" -> "frame: x1"): frame 2 is a delta on it
	 * and fails too; frame 3 is a keyframe (interval 3) and reads again. */
	char *p = strstr(text, "\nframe: 1\n");
	cr_assert_not_null(p);
	char bad[4200];
	snprintf(bad, sizeof(bad), "%s/bad.yaml", dir);
	FILE *f = fopen(bad, "w");
	fwrite(text, 1, (size_t)(p - text) + 8, f);
	fputs("x", f);
	fwrite(p + 8, 1, len - (size_t)(p - text) - 8, f);
	fclose(f);
	free(text);
	snprintf(script, sizeof(script), "cat '%s'", bad);
	struct fs_source *s = run_sh(script, NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 10.0);
	dump_diags(fs_source_diags(s));
	/* frames 0, 3, 4 of the file */
	cr_assert_eq(fs_source_count(s), 3);
	assert_same_frame(s, 0, path, 0);
	assert_same_frame(s, 1, path, 3);
	assert_same_frame(s, 2, path, 4);
	cr_assert(has_diag_from(fs_source_diags(s), "child:", "frame 1"));
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_ERROR, "previous frame has no snapshot"));
	fs_source_close(s);
	remove_dir(dir);
}

Test(child, a_cut_last_document_is_a_note)
{
	char *dir = temp_dir();
	char path[4200], script[9000];
	snprintf(path, sizeof(path), "%s/five.yaml", dir);
	write_capture(path, 5);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	/* Without its last 10 bytes frame 4 lacks its "..." line. */
	snprintf(script, sizeof(script), "head -c %lld '%s'", (long long)st.st_size - 10, path);
	struct fs_source *s = run_sh(script, NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 10.0);
	cr_assert_eq(fs_source_count(s), 4);
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_NOTE, "ended inside a document"));
	fs_source_close(s);
	remove_dir(dir);
}

Test(child, problems_in_the_stream_are_bounded)
{
	char *dir = temp_dir();
	char path[4200], script[4400];
	snprintf(path, sizeof(path), "%s/header.yaml", dir);
	write_capture(path, 0);
	/* A header, then 300 frames that do not parse. */
	snprintf(script, sizeof(script),
		 "cat '%s'; i=0; while [ $i -lt 300 ]; do printf -- '---\\nframe: x\\n...\\n'; "
		 "i=$((i+1)); done", path);
	struct fs_source *s = run_sh(script, NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 20.0);
	const struct fs_diags *d = fs_source_diags(s);
	cr_assert_eq(fs_source_count(s), 0);
	/* 50 reported, the note saying so, the exit status */
	cr_assert_eq(d->count, 52);
	cr_assert(has_diag(d, FS_SEV_NOTE, "further problems in the stream are not reported"));
	cr_assert(has_diag(d, FS_SEV_NOTE, "the child exited (status 0)"));
	fs_source_close(s);
	remove_dir(dir);
}

Test(child, stderr_lines_become_notes)
{
	struct fs_source *s = run_sh("echo 'ssh: connect to host x: refused' >&2; "
				     "printf 'a\\033[2Jb\\n' >&2; exit 255", NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 10.0);
	const struct fs_diags *d = fs_source_diags(s);
	dump_diags(d);
	cr_assert(has_diag(d, FS_SEV_NOTE, "stderr: ssh: connect to host x: refused"));
	/* No escape sequence reaches the screen: ESC is replaced. */
	cr_assert(has_diag(d, FS_SEV_NOTE, "stderr: a?[2Jb"));
	cr_assert(has_diag(d, FS_SEV_WARNING, "exited with status 255"));
	cr_assert(has_diag(d, FS_SEV_ERROR, "the child wrote nothing to stdout"));
	fs_source_close(s);
}

Test(child, stderr_is_bounded)
{
	struct fs_source *s = run_sh("i=0; while [ $i -lt 500 ]; do echo line $i >&2; "
				     "i=$((i+1)); done", NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 20.0);
	const struct fs_diags *d = fs_source_diags(s);
	size_t lines = 0;
	for (size_t i = 0; i < d->count; i++)
		lines += strncmp(d->items[i].message, "stderr: ", 8) == 0;
	cr_assert_eq(lines, 100);
	cr_assert(has_diag(d, FS_SEV_NOTE, "stderr: line 99"));
	cr_assert_not(has_diag(d, FS_SEV_NOTE, "stderr: line 100"));
	cr_assert(has_diag(d, FS_SEV_NOTE, "wrote more to stderr"));
	fs_source_close(s);
}

Test(child, an_oversized_document_drops_the_child, .timeout = 60)
{
	/* 70,000,000 bytes in one document: more than the 64 MiB (67,108,864) bound. */
	struct fs_source *s = run_sh("printf -- '---\\n'; head -c 70000000 /dev/zero | tr '\\0' a",
				     NULL);
	cr_assert_not_null(s);
	poll_until_ended(s, 50.0);
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_ERROR, "more than 64 MiB in one document"));
	cr_assert_eq(fs_source_count(s), 0);
	fs_source_close(s);
}

static pid_t pid_from_stderr(struct fs_source *s)
{
	double end = now() + 5;
	while (now() < end) {
		const struct fs_diags *d = fs_source_diags(s);
		for (size_t i = 0; i < d->count; i++) {
			long pid;
			if (sscanf(d->items[i].message, "stderr: pid %ld", &pid) == 1)
				return (pid_t)pid;
		}
		usleep(10000);
		fs_source_poll(s);
	}
	cr_assert_fail("the child did not say its pid");
	return -1;
}

Test(child, close_ends_a_silent_child_promptly)
{
	struct fs_source *s = run_sh("echo pid $$ >&2; exec sleep 30", NULL);
	cr_assert_not_null(s);
	pid_t pid = pid_from_stderr(s);
	cr_assert_eq(fs_source_poll(s), 0);
	cr_assert_not(fs_source_ended(s));
	cr_assert_eq(fs_source_count(s), 0);
	double start = now();
	fs_source_close(s);
	double took = now() - start;
	cr_assert_lt(took, 1.0, "close took %.2f s", took);
	cr_assert_eq(kill(pid, 0), -1, "the child is gone and reaped");
	cr_assert_eq(errno, ESRCH);
}

Test(child, close_kills_a_child_that_ignores_sigterm)
{
	struct fs_source *s = run_sh("trap '' TERM; echo pid $$ >&2; while :; do sleep 1; done",
				     NULL);
	cr_assert_not_null(s);
	pid_t pid = pid_from_stderr(s);
	double start = now();
	fs_source_close(s);
	double took = now() - start;
	/* SIGTERM, 300 ms, SIGKILL */
	cr_assert(took >= 0.25 && took < 2.0, "close took %.2f s", took);
	cr_assert_eq(kill(pid, 0), -1);
	cr_assert_eq(errno, ESRCH);
}

Test(child, a_command_that_cannot_run_is_null_with_a_reason)
{
	char *argv[] = { "/nonexistent/fragscope-helper", "x", NULL };
	struct fs_diags d = { 0 };
	cr_assert_null(fs_source_open_child(argv, &d));
	cr_assert(has_diag(&d, FS_SEV_ERROR, "cannot run /nonexistent/fragscope-helper"));
	cr_assert(has_diag_from(&d, "child:/nonexistent/fragscope-helper x", ""));
	fs_diags_clear(&d);
	char *none[] = { NULL };
	cr_assert_null(fs_source_open_child(none, &d));
	cr_assert_eq(fs_diags_count(&d, FS_SEV_ERROR), 1);
	fs_diags_clear(&d);
}

/* ---- engine ----------------------------------------------------------- */

static struct fs_source *small_engine_source(void)
{
	struct fs_source *s = fs_source_open_engine(small_engine(), NULL, "engine test");
	cr_assert_not_null(s);
	return s;
}

/* The Normal zone of frame n. */
static const struct fs_zone *frame_zone(struct fs_source *s, size_t n, struct fs_frame *f)
{
	fs_frame_clear(f);
	cr_assert_eq(fs_source_read(s, n, f), 0, "frame %zu", n);
	cr_assert_not_null(f->snapshot);
	const struct fs_zone *z = zone(f->snapshot, "Normal");
	cr_assert_not_null(z);
	return z;
}

static int command(struct fs_source *s, const char *cmd, char *reply, size_t size)
{
	reply[0] = '\0';
	return fs_source_command(s, cmd, reply, size);
}

#define assert_reply_has(reply, text) \
	cr_assert(strstr((reply), (text)) != NULL, "reply \"%s\" lacks \"%s\"", (reply), (text))

Test(engine, frame_zero_is_the_machine_at_once)
{
	struct fs_source *s = small_engine_source();
	cr_assert_eq(fs_source_kind(s), FS_SOURCE_ENGINE);
	cr_assert_str_eq(fs_source_name(s), "engine test");
	cr_assert_eq(fs_source_count(s), 1);
	cr_assert_not(fs_source_ended(s));     /* interactive: never ends */
	cr_assert_eq(fs_source_timeout_ms(s), -1);
	cr_assert_eq(fs_source_poll(s), 1);    /* frame 0, told once */
	cr_assert_eq(fs_source_poll(s), 0);
	cr_assert_not_null(fs_source_engine(s));
	cr_assert_null(fs_source_last_verdict(s));
	struct fs_frame f;
	fs_frame_init(&f);
	const struct fs_zone *z = frame_zone(s, 0, &f);
	/* 32768 pages free as 32768 / 1024 = 32 blocks of order 10, Movable */
	cr_assert_eq(z->free_pages, 32768);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][10].value, 32);
	cr_assert_eq(z->pageblocks[FS_MT_MOVABLE], 64);   /* 32768 / 512 */
	fs_frame_clear(&f);
	fs_source_close(s);
}

Test(engine, alloc_appends_a_frame_and_says_what_it_took)
{
	struct fs_source *s = small_engine_source();
	char reply[1024];
	cr_assert_eq(command(s, "alloc 3 GFP_KERNEL", reply, sizeof(reply)), 0, "%s", reply);
	/* Unmovable has no free block: __rmqueue_fallback steals the largest
	 * Movable one, order 10 at the zone's start, 0x1000; at order >=
	 * pageblock_order its 2 pageblocks become Unmovable, and expand()
	 * keeps the first 8 pages for the request. */
	assert_reply_has(reply, "alloc order-3 GFP_KERNEL: ok, pfn 0x1000 in Node 0 Normal");
	assert_reply_has(reply, "fallback from Movable order-10, pageblock claimed");
	cr_assert_eq(fs_source_count(s), 2);
	cr_assert_eq(fs_source_poll(s), 2);
	struct fs_frame f;
	fs_frame_init(&f);
	const struct fs_zone *z = frame_zone(s, 1, &f);
	cr_assert_eq(z->free_pages, 32768 - 8);
	/* the rest of the 1024: 8 + 16 + ... + 512 = 1016, one Unmovable block of
	 * each order 3 to 9 */
	for (int o = 3; o <= 9; o++)
		cr_assert_eq(z->mt_blocks[FS_MT_UNMOVABLE][o].value, 1, "order %d", o);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][10].value, 31);
	cr_assert_eq(z->pageblocks[FS_MT_UNMOVABLE], 2);
	cr_assert_eq(z->pageblocks[FS_MT_MOVABLE], 62);
	cr_assert_eq(f.events.count, 0);
	/* the verdict came with it: the prediction on frame 0 */
	const struct fs_verdict *v = fs_source_last_verdict(s);
	cr_assert_not_null(v);
	cr_assert_eq(v->order, 3);
	cr_assert_eq(v->outcome, FS_OUTCOME_FAST);
	fs_frame_clear(&f);
	fs_source_close(s);
}

Test(engine, repeated_allocs_and_frees_with_exact_pfns)
{
	struct fs_source *s = small_engine_source();
	char reply[1024];
	cr_assert_eq(command(s, "alloc 3 GFP_KERNEL", reply, sizeof(reply)), 0, "%s", reply);
	/* order 0 x4 from the smallest Unmovable block, order 3 at 0x1008:
	 * 0x1008, then its split remainders 0x1009 (order 0), 0x100a and 0x100b
	 * (the order-1 at 0x100a) */
	cr_assert_eq(command(s, "alloc 0 GFP_KERNEL x4 kernel", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "ok, all 4 (fast path 4, slow path 0");
	assert_reply_has(reply, "first pfn 0x1008, last pfn 0x100b");
	cr_assert_eq(fs_source_count(s), 3);   /* one frame for the command */
	/* free the order-3 at 0x1000: its buddy 0x1008 is in use, no merge */
	cr_assert_eq(command(s, "free 0x1000", reply, sizeof(reply)), 0, "%s", reply);
	cr_assert_str_eq(reply, "free 0x1000: freed the order-3 kernel allocation at 0x1000; it "
			 "merged into an order-3 free block at 0x1000 on the Unmovable list");
	/* free oldest: the order-3 is gone already, the four order-0s merge
	 * with everything back to order 10 at 0x1000 (both pageblocks Unmovable) */
	cr_assert_eq(command(s, "free oldest 9", reply, sizeof(reply)), 0, "%s", reply);
	cr_assert_str_eq(reply, "free oldest 9: 4 allocations (4 pages) freed; the largest free "
			 "block they merged into: order-10 at 0x1000; no more allocations made "
			 "by alloc commands are left");
	cr_assert_eq(fs_source_count(s), 5);
	struct fs_frame f;
	fs_frame_init(&f);
	const struct fs_zone *z = frame_zone(s, 4, &f);
	cr_assert_eq(z->free_pages, 32768);
	cr_assert_eq(z->mt_blocks[FS_MT_UNMOVABLE][10].value, 1);
	/* freeing again: nothing left to free, no frame */
	cr_assert_eq(command(s, "free 0x1000", reply, sizeof(reply)), -1);
	assert_reply_has(reply, "free 0x1000: not freed: ");
	cr_assert_eq(command(s, "free oldest 1", reply, sizeof(reply)), -1);
	cr_assert_eq(fs_source_count(s), 5);
	cr_assert_null(fs_source_last_verdict(s));   /* the last command was no allocation */
	fs_frame_clear(&f);
	fs_source_close(s);
}

Test(engine, a_failed_alloc_has_its_warn_alloc_report)
{
	struct fs_source *s = small_engine_source();
	char reply[1024];
	/* order 10 (1024 pages) at the low mark: min_free_kbytes = sqrt(131072 *
	 * 16) = 1448 kB = 362 pages, low = 362 + max(362 / 4, 32768 * 10 /
	 * 10000) = 452. After k allocations free is 32768 - 1024k, and the check
	 * needs free - 1023 > 452: k = 30 passes (1025), k = 31 not (1); the
	 * slow path's min (362) fails too and nothing can be reclaimed or moved
	 * (all kernel memory). So 31 succeed and number 32 fails. */
	cr_assert_eq(command(s, "alloc 10 GFP_KERNEL x40", reply, sizeof(reply)), 0, "%s", reply);
	assert_reply_has(reply, "alloc order-10 GFP_KERNEL x40: 31 allocated, number 32 failed "
			 "(fails)");
	assert_reply_has(reply, "(warn_alloc report in the events)");
	cr_assert_eq(fs_source_count(s), 2);
	struct fs_frame f;
	fs_frame_init(&f);
	const struct fs_zone *z = frame_zone(s, 1, &f);
	cr_assert_eq(z->free_pages, 32768 - 31 * 1024);
	cr_assert_eq(f.events.count, 1);
	const struct fs_report *r = &f.events.items[0];
	cr_assert_eq(r->kind, FS_REPORT_PAGE_ALLOC);
	cr_assert_eq(r->order, 10);
	cr_assert(r->has_mode);
	cr_assert_not_null(r->snapshot);
	/* the failure is explained: a verdict that says it fails */
	const struct fs_verdict *v = fs_source_last_verdict(s);
	cr_assert_not_null(v);
	cr_assert_eq(v->outcome, FS_OUTCOME_FAILS);
	/* __GFP_NOWARN: no report, the frame still comes */
	cr_assert_eq(command(s, "alloc 10 GFP_KERNEL|__GFP_NOWARN", reply, sizeof(reply)), 0);
	assert_reply_has(reply, ": failed (fails)");
	cr_assert_null(strstr(reply, "warn_alloc"));
	cr_assert_eq(fs_source_count(s), 3);
	fs_frame_clear(&f);
	cr_assert_eq(fs_source_read(s, 2, &f), 0);
	cr_assert_eq(f.events.count, 0);
	fs_frame_clear(&f);
	fs_source_close(s);
}

Test(engine, reclaim_compact_drain_kswapd_reply_with_numbers)
{
	struct fs_source *s = small_engine_source();
	char reply[1024];
	/* nothing but free memory: nothing to drain, reclaim or move, no frame */
	cr_assert_eq(command(s, "drain", reply, sizeof(reply)), 0);
	cr_assert_str_eq(reply, "drain: 0 per-cpu pages back on the buddy lists (there were none)");
	cr_assert_eq(command(s, "reclaim", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "reclaim 32: reclaimed 0 of ");
	cr_assert_eq(command(s, "kswapd", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "kswapd: reclaimed 0 of ");
	cr_assert_eq(command(s, "compact", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "compact (whole zone): Node 0 Normal: moved 0 pages");
	cr_assert_eq(command(s, "compact Normal 3", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "compact: Node 0 Normal: moved 0 pages");
	assert_reply_has(reply, "order-3 available");
	cr_assert_eq(command(s, "compact 0:normal 9 GFP_KERNEL", reply, sizeof(reply)), 0);
	cr_assert_eq(fs_source_count(s), 1);
	/* 64 anonymous pages, then a reclaim: anon is never reclaimed (no swap) */
	cr_assert_eq(command(s, "alloc 0 GFP_HIGHUSER_MOVABLE x64 anon", reply, sizeof(reply)), 0);
	cr_assert_eq(fs_source_count(s), 2);
	cr_assert_eq(command(s, "reclaim 64", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "reclaim 64: reclaimed 0 of ");
	cr_assert_eq(fs_source_count(s), 2);
	/* page cache is: 64 file pages, reclaim 64 frees them all */
	cr_assert_eq(command(s, "alloc 0 GFP_HIGHUSER_MOVABLE x64 file", reply, sizeof(reply)), 0);
	cr_assert_eq(command(s, "reclaim 64", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "reclaim 64: reclaimed 64 of ");
	assert_reply_has(reply, "(page cache 64, slab 0)");
	cr_assert_eq(fs_source_count(s), 4);
	fs_source_close(s);
}

Test(engine, bad_commands_change_nothing_and_say_why)
{
	struct fs_source *s = small_engine_source();
	char reply[1024];
	static const struct {
		const char *command, *reply;
	} cases[] = {
		{ "", "no command; the engine takes: alloc ORDER GFP" },
		{ "frobnicate 3", "unknown command \"frobnicate\"; the engine takes: alloc ORDER" },
		{ "alloc", "alloc ORDER GFP [xN] [KIND]: which order and gfp mask? e.g. alloc 3 "
			   "GFP_KERNEL" },
		{ "alloc 11 GFP_KERNEL", "ORDER is a number from 0 to 10, got \"11\"" },
		{ "alloc -1 GFP_KERNEL", "ORDER is a number from 0 to 10, got \"-1\"" },
		{ "alloc 3 GFP_BOGUS", "not a gfp mask for kernel 6.6: GFP_BOGUS" },
		{ "alloc 3 GFP_KERNEL x0", "xN is x1 to x1000000, got \"x0\"" },
		{ "alloc 3 GFP_KERNEL pcp", "\"pcp\" is neither xN nor a kind (kernel, anon, file, "
					    "slab)" },
		{ "free", "free PFN | free random N | free oldest N" },
		{ "free zebra", "\"zebra\" is no page frame number" },
		{ "free 0x", "\"0x\" is no page frame number" },
		{ "free 4096", "free 0x1000: not freed: " },    /* decimal 4096 = 0x1000, free */
		{ "free 0x100000", "free 0x100000: no zone holds that pfn" },
		{ "free random 0", "free random N: N is 1 to 1000000, got \"0\"" },
		{ "reclaim lots", "reclaim [N]: N is the pages to reclaim (default 32), got \"lots\"" },
		{ "compact Highmem", "no zone \"Highmem\"" },
		{ "compact Normal 99", "ORDER is a number from 0 to 10, got \"99\"" },
		{ "kswapd now", "kswapd takes no arguments" },
		{ "step", "step: no workload runs on this engine" },
		{ "run", "run: no workload runs on this engine" },
		{ "a b c d e f g h i", "a: too many words (at most 8)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(command(s, cases[i].command, reply, sizeof(reply)), -1, "\"%s\": %s",
			     cases[i].command, reply);
		assert_reply_has(reply, cases[i].reply);
	}
	cr_assert_eq(fs_source_count(s), 1);
	cr_assert_eq(command(s, "help", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "engine commands: alloc ORDER GFP [xN] [kernel|anon|file|slab]");
	/* a short buffer is cut, not overrun */
	char small[8];
	cr_assert_eq(fs_source_command(s, "frobnicate", small, sizeof(small)), -1);
	cr_assert_str_eq(small, "unknown");
	fs_source_close(s);
}

Test(engine, keeps_the_newest_frames_only)
{
	struct fs_source *s = small_engine_source();
	char reply[256];
	/* 300 commands that each change the state: frames 0 .. 300, of which the
	 * newest FS_ENGINE_KEEP_FRAMES (256) stay: 301 - 256 = 45 is the first */
	for (int i = 0; i < 300; i++)
		cr_assert_eq(command(s, "alloc 0 GFP_KERNEL", reply, sizeof(reply)), 0);
	cr_assert_eq(fs_source_count(s), 301);
	cr_assert_eq(fs_source_first(s), 301 - FS_ENGINE_KEEP_FRAMES);
	struct fs_frame f;
	fs_frame_init(&f);
	cr_assert_eq(fs_source_read(s, 44, &f), -1);
	cr_assert(has_diag(fs_source_diags(s), FS_SEV_ERROR, "frame 44 is no longer kept"));
	const struct fs_zone *z = frame_zone(s, 300, &f);
	cr_assert_eq(z->free_pages, 32768 - 300);
	z = frame_zone(s, 45, &f);
	cr_assert_eq(z->free_pages, 32768 - 45);
	fs_frame_clear(&f);
	fs_source_close(s);
}

Test(engine, free_random_frees_what_is_allocated)
{
	struct fs_source *s = small_engine_source();
	char reply[1024];
	cr_assert_eq(command(s, "alloc 0 GFP_KERNEL x100", reply, sizeof(reply)), 0);
	/* 100 single pages are all there is to find */
	cr_assert_eq(command(s, "free random 40", reply, sizeof(reply)), 0, "%s", reply);
	assert_reply_has(reply, "free random 40: 40 allocations (40 pages) freed");
	cr_assert_eq(command(s, "free random 100", reply, sizeof(reply)), 0, "%s", reply);
	assert_reply_has(reply, "free random 100: 60 allocations (60 pages) freed");
	assert_reply_has(reply, "; that is every allocation there was");
	struct fs_frame f;
	fs_frame_init(&f);
	const struct fs_zone *z = frame_zone(s, fs_source_count(s) - 1, &f);
	cr_assert_eq(z->free_pages, 32768);
	fs_frame_clear(&f);
	cr_assert_eq(command(s, "free random 1", reply, sizeof(reply)), -1);
	fs_source_close(s);
}

Test(engine, a_workload_steps_runs_and_ends)
{
	struct fs_workload *w;
	struct fs_source *s = tick_workload_source("simulate t.yaml", &w);
	char reply[1024];
	cr_assert_eq(fs_source_timeout_ms(s), -1);   /* paused until told to run */
	cr_assert_eq(command(s, "step", reply, sizeof(reply)), 0, "%s", reply);
	/* one tick: 1 s, 10 allocations */
	assert_reply_has(reply, "step: t=1.0s: fill: 10 operations, 0 failed");
	cr_assert_eq(fs_source_count(s), 2);
	struct fs_frame f;
	fs_frame_init(&f);
	const struct fs_zone *z = frame_zone(s, 1, &f);
	cr_assert_eq(z->free_pages, 32768 - 10);
	cr_assert_eq(command(s, "step 0", reply, sizeof(reply)), -1);
	assert_reply_has(reply, "step [SECONDS]: simulated seconds > 0");
	/* run at x20: the 2 s left take about 0.1 s, a frame at least 50 ms apart */
	fs_source_set_speed(s, 20);
	cr_assert_eq(command(s, "run", reply, sizeof(reply)), 0);
	assert_reply_has(reply, "run: the workload runs at x20 simulated time");
	cr_assert(fs_source_timeout_ms(s) >= 0);
	double end = now() + 10;
	while (!fs_source_ended(s) && now() < end) {
		int t = fs_source_timeout_ms(s);
		cr_assert(t >= 0 && t <= 2000, "timeout %d", t);
		poll(NULL, 0, t);
		fs_source_poll(s);
	}
	cr_assert(fs_source_ended(s));
	cr_assert_eq(fs_source_timeout_ms(s), -1);
	z = frame_zone(s, fs_source_count(s) - 1, &f);
	cr_assert_eq(z->free_pages, 32768 - 30);   /* 3 s x 10 */
	/* ended: the frames stay, commands are refused */
	size_t count = fs_source_count(s);
	cr_assert_eq(command(s, "alloc 0 GFP_KERNEL", reply, sizeof(reply)), -1);
	assert_reply_has(reply, "the workload has finished and this source has ended");
	cr_assert_eq(fs_source_count(s), count);
	fs_frame_clear(&f);
	fs_source_close(s);   /* frees run and e */
	fs_workload_free(w);
}
