/*
 * test_tui_state.c - the interactive view's state driven without a
 * terminal: what each action does to the frame on screen, the request,
 * its verdict, the events and the replay position (src/tui/state.c).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/tui/app.h"
#include "fragscope/source.h"
#include "fragscope/workload.h"
#include "testutil.h"

#define THREE FS_FIXTURES "/klog/arm64-4.19-three-reports.log"
#define ANDROID FS_FIXTURES "/samples/android-4.19-arm64-wifi-order3-atomic-cma.log"

static struct fs_tui_options options(void)
{
	struct fs_tui_options o;
	memset(&o, 0, sizeof(o));
	o.order = -1;
	o.paused = true;
	return o;
}

static struct tui_app *open_apps(const char *const *paths, size_t n,
				  const struct fs_tui_options *o)
{
	struct fs_diags d = { 0 };
	struct fs_source *src = fs_source_open_replay(paths, n, &d);
	cr_assert_not_null(src, "%s: %s", paths[0], d.count ? d.items[0].message : "?");
	fs_diags_clear(&d);
	struct tui_app *a = calloc(1, sizeof(*a));
	tui_app_init(a, src, o);
	tui_first_frame(a);
	while (!tui_scan_events(a) || !a->scan_done)
		;
	return a;
}

static struct tui_app *open_app(const char *path, const struct fs_tui_options *o)
{
	return open_apps(&path, 1, o);
}

static void close_app(struct tui_app *a)
{
	struct fs_source *src = a->src;
	tui_app_free(a);
	free(a);
	fs_source_close(src);
}

static void act(struct tui_app *a, enum tui_action_kind kind, int arg)
{
	tui_apply(a, (struct tui_action){ kind, arg });
}

/* Type text into the entry of field and press Enter, as the keys do. */
static void enter(struct tui_app *a, enum tui_field field, const char *text)
{
	act(a, TUI_ACT_ENTRY_BEGIN, field);
	cr_assert_eq(a->keys.mode, TUI_MODE_ENTRY);
	tui_keys_feed(&a->keys, TUI_KEY_CTRL_U);
	for (const char *p = text; *p; p++)
		tui_keys_feed(&a->keys, (unsigned char)*p);
	tui_apply(a, tui_keys_feed(&a->keys, TUI_KEY_ENTER));
}

Test(state, a_log_opens_on_its_first_failure)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_app(THREE, &o);
	/* three reports, one frame each: explain lists them */
	cr_assert_eq(fs_source_count(a->src), 3);
	cr_assert_eq(a->nr_events, 3);
	cr_assert_eq(a->frame_index, 0);
	/* the request follows the failure: report 1 is order 2, mode 0x6080c0 */
	cr_assert_eq(a->origin, TUI_REQ_FAILURE);
	cr_assert_eq(a->req_order, 2);
	cr_assert_eq(a->gfp, 0x6080c0);
	cr_assert_str_eq(a->gfp_text, "GFP_KERNEL|__GFP_ZERO");
	cr_assert_eq(a->order_sel, 2);
	cr_assert_not_null(tui_shown_verdict(a));
	cr_assert_str_eq(tui_shown_verdict(a)->profile->name, "4.19");
	close_app(a);
}

Test(state, jumping_between_failures_and_seeking)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_app(THREE, &o);
	act(a, TUI_ACT_EVENT_JUMP, 1);
	cr_assert_eq(a->frame_index, 1);
	/* report 2 printed no per-zone state: no verdict, and the zone is kept */
	size_t zone = a->zone;
	cr_assert_null(tui_shown_verdict(a));
	act(a, TUI_ACT_EVENT_JUMP, 1);
	cr_assert_eq(a->frame_index, 2);
	/* report 3: order 1 GFP_ATOMIC (0x480020) */
	cr_assert_eq(a->req_order, 1);
	cr_assert_eq(a->gfp, 0x480020);
	act(a, TUI_ACT_EVENT_JUMP, 1);       /* none after the last */
	cr_assert_eq(a->frame_index, 2);
	cr_assert(strstr(a->message, "no allocation failure after frame 3") != NULL);
	act(a, TUI_ACT_EVENT_JUMP, -1);
	cr_assert_eq(a->frame_index, 1);
	cr_assert_eq(a->zone, zone);
	act(a, TUI_ACT_SEEK_FIRST, 0);
	cr_assert_eq(a->frame_index, 0);
	act(a, TUI_ACT_STEP, -10);           /* clamped at the first frame */
	cr_assert_eq(a->frame_index, 0);
	act(a, TUI_ACT_STEP, 10);            /* ... and at the last */
	cr_assert_eq(a->frame_index, 2);
	enter(a, TUI_FIELD_SEEK, "2");
	cr_assert_eq(a->frame_index, 1);
	enter(a, TUI_FIELD_SEEK, "9");
	cr_assert_eq(a->frame_index, 1);
	cr_assert(strstr(a->message, "a frame is a number from 1 to 3") != NULL);
	close_app(a);
}

Test(state, play_speed_and_pause)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_app(THREE, &o);
	cr_assert(!a->playing);
	act(a, TUI_ACT_PLAY, 0);
	cr_assert(a->playing);
	tui_replay_tick(a, tui_now() + 10);
	cr_assert_eq(a->frame_index, 1);
	tui_replay_tick(a, tui_now() + 20);
	cr_assert_eq(a->frame_index, 2);
	tui_replay_tick(a, tui_now() + 30);  /* the end stops the play */
	cr_assert(!a->playing);
	cr_assert(strstr(a->message, "end of replay") != NULL);
	for (int i = 0; i < 20; i++)
		act(a, TUI_ACT_SPEED, 1);
	cr_assert_float_eq(a->speed, 4096, 1e-9);   /* bounded: x4096 at most */
	for (int i = 0; i < 60; i++)
		act(a, TUI_ACT_SPEED, -1);
	cr_assert_float_eq(a->speed, 1.0 / 16, 1e-9);
	close_app(a);
}

Test(state, opening_a_failure_shows_its_printed_state)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_app(ANDROID, &o);
	act(a, TUI_ACT_EVENT_OPEN, 0);
	cr_assert(a->event_open);
	cr_assert(a->keys.event_open);
	cr_assert_not_null(a->open_report.snapshot, "the printed state is lent back to the report");
	cr_assert_eq(a->shown, a->open_report.snapshot);
	/* the explanation's verdict: succeeds on the slow path in DMA32 */
	const struct fs_verdict *v = tui_shown_verdict(a);
	cr_assert_not_null(v);
	cr_assert_eq(v->outcome, FS_OUTCOME_SLOW);
	cr_assert_str_eq(v->decisive_zone, "Node 0 DMA32");
	cr_assert_str_eq(a->shown->zones[a->zone].name, "DMA32");
	cr_assert(!a->explanation.explains);
	cr_assert_eq(a->overlay.target_mt, FS_MT_HIGHATOMIC);
	cr_assert_eq(a->overlay.target_order, 4);
	act(a, TUI_ACT_EVENT_CLOSE, 0);
	cr_assert(!a->event_open);
	cr_assert_eq(a->shown, a->frame.snapshot);
	close_app(a);
}

Test(state, typing_a_request)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_app(ANDROID, &o);
	enter(a, TUI_FIELD_GFP, "GFP_BOGUS");
	cr_assert_eq(a->origin, TUI_REQ_FAILURE, "a bad mask keeps the request");
	cr_assert_eq(a->gfp, 0x484020);
	cr_assert(strstr(a->message, "not a gfp mask for kernel 4.19, kept GFP_ATOMIC|__GFP_COMP") !=
		  NULL, "%s", a->message);
	/* GFP_KERNEL on 4.19 is 0x6000c0 (__GFP_RECLAIM|__GFP_IO|__GFP_FS) */
	enter(a, TUI_FIELD_GFP, "GFP_KERNEL");
	cr_assert_eq(a->origin, TUI_REQ_TYPED);
	cr_assert_eq(a->gfp, 0x6000c0);
	cr_assert_str_eq(a->gfp_text, "GFP_KERNEL");
	cr_assert_eq(tui_shown_verdict(a)->gfp, 0x6000c0);
	enter(a, TUI_FIELD_ORDER, "11");
	cr_assert_eq(a->req_order, 3, "orders stop at 10 on this kernel");
	cr_assert(strstr(a->message, "an order is a number from 0 to 10") != NULL);
	enter(a, TUI_FIELD_ORDER, "0");
	cr_assert_eq(a->req_order, 0);
	cr_assert_eq(tui_shown_verdict(a)->order, 0);
	/* Enter on the heatmap requests the selected column */
	act(a, TUI_ACT_ORDER, 5);
	act(a, TUI_ACT_REQUEST_ORDER, 0);
	cr_assert_eq(a->req_order, 5);
	/* a typed request is kept when the frame changes */
	act(a, TUI_ACT_SEEK_FIRST, 0);
	cr_assert_eq(a->gfp, 0x6000c0);
	/* no source here takes commands */
	enter(a, TUI_FIELD_COMMAND, "alloc 3 GFP_KERNEL");
	cr_assert(strstr(a->message, "command not taken") != NULL);
	close_app(a);
}

Test(state, options_request_and_kernel)
{
	struct fs_tui_options o = options();
	o.gfp = "GFP_NOWAIT";
	o.order = 2;
	o.kernel = "5.10";
	struct tui_app *a = open_app(ANDROID, &o);
	cr_assert_eq(a->origin, TUI_REQ_OPTION);
	cr_assert_eq(a->req_order, 2);
	cr_assert_str_eq(tui_shown_verdict(a)->profile->name, "5.10");
	/* GFP_NOWAIT on 5.10 is __GFP_KSWAPD_RECLAIM, 0x800 */
	cr_assert_eq(a->gfp, 0x800);
	close_app(a);
}

Test(state, the_cursor_stays_on_the_heatmap)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_app(ANDROID, &o);
	for (int i = 0; i < 30; i++)
		act(a, TUI_ACT_ORDER, 1);
	cr_assert_eq(a->order_sel, 10);
	for (int i = 0; i < 30; i++)
		act(a, TUI_ACT_ROW, 1);
	/* six migratetype rows (UMRHCI) and the Total row below them */
	cr_assert_eq(a->row, 6);
	act(a, TUI_ACT_ROW, -100);
	cr_assert_eq(a->row, 0);
	act(a, TUI_ACT_VERDICT_SCROLL, -5);
	cr_assert_eq(a->verdict_scroll, 0);
	act(a, TUI_ACT_CELL_MODE, 0);
	cr_assert_eq(a->cell_mode, TUI_CELL_PAGES);
	act(a, TUI_ACT_CELL_MODE, 0);
	act(a, TUI_ACT_CELL_MODE, 0);
	cr_assert_eq(a->cell_mode, TUI_CELL_BLOCKS);
	close_app(a);
}

Test(state, zones_without_pages_are_skipped)
{
	const char *paths[] = {
		FS_FIXTURES "/samples/x86_64-6.18-vm-24g.buddyinfo",
		FS_FIXTURES "/samples/x86_64-6.18-vm-24g.pagetypeinfo",
		FS_FIXTURES "/samples/x86_64-6.18-vm-24g.zoneinfo",
	};
	struct fs_diags d = { 0 };
	struct fs_source *src = fs_source_open_replay(paths, 3, &d);
	cr_assert_not_null(src);
	fs_diags_clear(&d);
	struct fs_tui_options o = options();
	struct tui_app *a = calloc(1, sizeof(*a));
	tui_app_init(a, src, &o);
	tui_first_frame(a);
	/* DMA, DMA32, Normal, and the empty Movable and Device zoneinfo prints */
	cr_assert_eq(a->shown->nr_zones, 5);
	cr_assert_str_eq(a->shown->zones[a->zone].name, "Normal", "the verdict decided there");
	act(a, TUI_ACT_ZONE, 1);
	cr_assert_str_eq(a->shown->zones[a->zone].name, "DMA", "Movable and Device skipped");
	act(a, TUI_ACT_ZONE, -1);
	cr_assert_str_eq(a->shown->zones[a->zone].name, "Normal");
	tui_app_free(a);
	free(a);
	fs_source_close(src);
}

Test(state, live_follows_the_newest_frame)
{
	struct fs_live_options lo;
	memset(&lo, 0, sizeof(lo));
	lo.proc_root = FS_FIXTURES "/live-this-machine";
	lo.interval = 0.05;
	struct fs_diags d = { 0 };
	struct fs_source *src = fs_source_open_live(&lo, &d);
	cr_assert_not_null(src);
	fs_diags_clear(&d);
	struct fs_tui_options o = options();
	struct tui_app *a = calloc(1, sizeof(*a));
	tui_app_init(a, src, &o);
	cr_assert(!a->replay);
	tui_first_frame(a);
	cr_assert_eq(a->origin, TUI_REQ_DEFAULT);
	cr_assert_eq(a->req_order, 3);
	double until = tui_now() + 5;
	while (fs_source_count(src) < 4 && tui_now() < until)
		tui_take_new_frames(a);
	cr_assert_geq(fs_source_count(src), 4);
	cr_assert_eq(a->frame_index, fs_source_count(src) - 1);
	cr_assert_geq(tui_trend_count(&a->trend), 3, "every frame feeds the trends");
	cr_assert_leq(tui_loop_timeout(a, tui_now()), 50);
	tui_app_free(a);
	free(a);
	fs_source_close(src);
}

/* 1000 frames one second apart, as a 1 Hz capture has them. */
static struct fs_source *one_hertz(size_t n)
{
	struct fs_frame_list frames = { 0 };
	for (size_t i = 0; i < n; i++) {
		struct fs_frame *f = fs_frame_list_add(&frames);
		f->index = i;
		f->time = 1000.0 + (double)i;
		f->snapshot = fs_snapshot_new();
		struct fs_zone *z = fs_snapshot_zone(f->snapshot, 0, "Normal", 6, true);
		z->order_blocks[0] = fs_count_exact(i);
		f->snapshot->meta.time = f->time;
		f->snapshot->meta.time_base = FS_TIME_EPOCH;
	}
	return fs_source_open_frames(&frames, "one-hertz");
}

Test(state, fast_play_skips_frames_at_the_recorded_pace)
{
	struct fs_source *src = one_hertz(1000);
	cr_assert_not_null(src);
	struct fs_tui_options o = options();
	o.speed = 1024;
	struct tui_app *a = calloc(1, sizeof(*a));
	tui_app_init(a, src, &o);
	tui_first_frame(a);
	act(a, TUI_ACT_PLAY, 0);
	double t = tui_now();
	tui_replay_tick(a, t);
	cr_assert_eq(a->frame_index, 1);
	/* 1 s of recorded time per frame at x1024 is 1 ms: under the 50 ms a
	 * step takes at least, so a step moves ceil(0.05 * 1024) = 52 frames,
	 * 52 / 1024 s = 50.8 ms apart */
	cr_assert_eq(a->play_step, 52);
	cr_assert_float_eq(a->next_step_at - t, 52.0 / 1024, 1e-9);
	tui_replay_tick(a, a->next_step_at);
	cr_assert_eq(a->frame_index, 53);
	/* at x1 each step is one frame, a second apart */
	act(a, TUI_ACT_PLAY, 0);
	a->speed = 1;
	act(a, TUI_ACT_PLAY, 0);
	t = tui_now();
	tui_replay_tick(a, t);
	cr_assert_eq(a->frame_index, 54);
	cr_assert_eq(a->play_step, 1);
	cr_assert_float_eq(a->next_step_at - t, 1.0, 1e-9);
	tui_app_free(a);
	free(a);
	fs_source_close(src);
}

/* The Android report's lines as /dev/kmsg records into fd. */
static void write_report_as_kmsg(int fd)
{
	size_t len;
	char *records = android_report_as_kmsg(&len);
	cr_assert_eq(write(fd, records, len), (ssize_t)len);
	free(records);
}

Test(state, a_live_failure_can_be_opened_after_its_frame_is_gone)
{
	char dir[] = "/tmp/fragscope-state-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char fifo[64];
	snprintf(fifo, sizeof(fifo), "%s/kmsg", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	struct fs_live_options lo;
	memset(&lo, 0, sizeof(lo));
	lo.proc_root = FS_FIXTURES "/live-this-machine";
	lo.kmsg_path = fifo;
	lo.interval = 0.02;
	lo.keep_frames = 4;
	struct fs_source *src = fs_source_open_live(&lo, NULL);
	cr_assert_not_null(src);
	int w = open(fifo, O_WRONLY | O_NONBLOCK);
	cr_assert_geq(w, 0);
	write_report_as_kmsg(w);
	close(w);
	struct fs_tui_options o = options();
	struct tui_app *a = calloc(1, sizeof(*a));
	tui_app_init(a, src, &o);
	tui_first_frame(a);
	double until = tui_now() + 5;
	while (a->nr_events == 0 && tui_now() < until)
		tui_take_new_frames(a);
	cr_assert_eq(a->nr_events, 1);
	/* the request follows the failure as it arrives */
	cr_assert_eq(a->origin, TUI_REQ_FAILURE);
	cr_assert_eq(a->gfp, 0x484020);
	size_t event_frame = a->events[0].frame;
	while (fs_source_first(src) <= event_frame && tui_now() < until)
		tui_take_new_frames(a);
	cr_assert_gt(fs_source_first(src), event_frame, "the ring has let that frame go");
	cr_assert_not_null(a->events[0].kept);
	a->event_sel = 0;
	act(a, TUI_ACT_EVENT_OPEN, 0);
	cr_assert(a->event_open);
	cr_assert_not_null(a->shown);
	cr_assert_str_eq(a->shown->zones[a->zone].name, "DMA32", "the state printed with it");
	cr_assert_eq(tui_shown_verdict(a)->outcome, FS_OUTCOME_SLOW);
	tui_app_free(a);
	free(a);
	fs_source_close(src);
	unlink(fifo);
	rmdir(dir);
}

/* A recording of the live fixture: n frames into path. */
static void record_fixture(const char *path, size_t n)
{
	struct fs_live_options lo;
	memset(&lo, 0, sizeof(lo));
	lo.proc_root = FS_FIXTURES "/live-this-machine";
	lo.interval = 0.01;
	lo.record_path = path;
	lo.record_force = true;
	struct fs_source *src = fs_source_open_live(&lo, NULL);
	cr_assert_not_null(src);
	double until = tui_now() + 5;
	while (fs_source_count(src) < n && tui_now() < until)
		fs_source_poll(src);
	cr_assert_geq(fs_source_count(src), n);
	fs_source_close(src);
}

Test(state, a_stream_that_ends_becomes_a_recording_to_move_through)
{
	char dir[] = "/tmp/fragscope-state-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[64], cmd[128];
	snprintf(path, sizeof(path), "%s/rec.yaml", dir);
	record_fixture(path, 3);
	snprintf(cmd, sizeof(cmd), "cat %s", path);
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct fs_source *src = fs_source_open_child(argv, NULL);
	cr_assert_not_null(src);
	struct fs_tui_options o = options();
	struct tui_app *a = calloc(1, sizeof(*a));
	tui_app_init(a, src, &o);
	cr_assert(!a->replay, "a stream is followed while it lasts");
	tui_first_frame(a);
	double until = tui_now() + 5;
	while (!a->replay && tui_now() < until)
		tui_take_new_frames(a);
	cr_assert(a->replay);
	cr_assert(a->keys.replay, "the replay keys work from now on");
	size_t count = fs_source_count(src);
	cr_assert_geq(count, 3);
	cr_assert_eq(a->frame_index, count - 1, "it followed the stream to its end");
	cr_assert(strstr(a->message, "the source ended after") != NULL, "%s", a->message);
	act(a, TUI_ACT_SEEK_FIRST, 0);
	cr_assert_eq(a->frame_index, 0);
	tui_app_free(a);
	free(a);
	fs_source_close(src);
	unlink(path);
	rmdir(dir);
}

/* ---- the engine: forks, commands, the pageblock map ---- */

#define VM FS_FIXTURES "/samples/x86_64-6.18-vm-24g"

/* The VM's proc dumps replayed together: one frame. */
static struct tui_app *open_vm(const struct fs_tui_options *o)
{
	const char *paths[] = { VM ".buddyinfo", VM ".pagetypeinfo", VM ".zoneinfo",
				VM ".vmstat", VM ".meminfo", VM ".uname" };
	return open_apps(paths, 6, o);
}

/* On a fork the view owns the fork; the source forked from is ours. */
static void close_any(struct tui_app *a)
{
	struct fs_source *src = a->home ? a->home->src : a->src;
	tui_app_free(a);
	free(a);
	fs_source_close(src);
}

Test(engine_view, fork_a_replay_frame_command_it_and_return)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_vm(&o);
	struct fs_source *replay = a->src;
	cr_assert_str_eq(tui_current_zone(a)->name, "Normal");
	act(a, TUI_ACT_FORK, 0);
	cr_assert(a->engine);
	cr_assert_not_null(a->home);
	cr_assert(a->keys.forked && a->keys.engine);
	cr_assert_eq(fs_source_kind(a->src), FS_SOURCE_ENGINE);
	cr_assert_eq(a->home->src, replay);
	cr_assert_eq(fs_source_count(a->src), 1);
	cr_assert(strstr(a->message, "forked frame 1 into the engine (seed 1)"), "%s", a->message);
	/* the view stays where it was: Normal, GFP_KERNEL (0xcc0 on 6.18) order 3 */
	const struct fs_zone *z = tui_current_zone(a);
	cr_assert_str_eq(z->name, "Normal");
	cr_assert_eq(a->origin, TUI_REQ_FORK);
	cr_assert_eq(a->gfp, 0xcc0);
	cr_assert_eq(a->req_order, 3);
	/* the fork reproduces the frame: zoneinfo Normal "pages free 137506",
	 * pagetypeinfo Normal Unmovable order 3: 155 */
	cr_assert_eq(z->free_pages, 137506);
	cr_assert_eq(z->mt_blocks[FS_MT_UNMOVABLE][3].value, 155);

	enter(a, TUI_FIELD_COMMAND, "alloc 3 GFP_KERNEL");
	cr_assert_eq(fs_source_count(a->src), 2);
	cr_assert_eq(a->frame_index, 1);           /* the view follows the new frame */
	z = tui_current_zone(a);
	cr_assert_eq(z->free_pages, 137506 - 8);
	cr_assert_eq(z->mt_blocks[FS_MT_UNMOVABLE][3].value, 155 - 1);   /* own list, order 3 */
	cr_assert(a->action_shown);
	cr_assert_eq(a->action_rc, 0);
	cr_assert_str_eq(a->action_command, "alloc 3 GFP_KERNEL");
	cr_assert(strstr(a->action_reply, "alloc order-3 GFP_KERNEL: ok, pfn 0x") == a->action_reply,
		  "%s", a->action_reply);
	cr_assert(strstr(a->action_reply, " in Node 0 Normal, fast path, own list from Unmovable "
			 "order-3"), "%s", a->action_reply);
	cr_assert(strstr(a->message, "alloc order-3 GFP_KERNEL: ok") == a->message);
	/* the pane shows the allocation's own verdict: on the state before it,
	 * usable 137506 - 7 = 137499 > low 3678: by 133821 */
	const struct fs_verdict *v = tui_pane_verdict(a);
	cr_assert_eq(v, fs_source_last_verdict(a->src));
	cr_assert_eq(v->outcome, FS_OUTCOME_FAST);
	cr_assert_eq(v->margin, 133821);
	/* ... and the request line the request's on the state now: by 8 less */
	cr_assert_eq(tui_shown_verdict(a)->margin, 133821 - 8);

	act(a, TUI_ACT_ENGINE, TUI_ENG_FREE_RANDOM);
	cr_assert_str_eq(a->action_command, "free random 16");
	cr_assert(strstr(a->action_reply, "free random 16: 16 allocations (") == a->action_reply,
		  "%s", a->action_reply);
	cr_assert_eq(fs_source_count(a->src), 3);
	cr_assert_null(fs_source_last_verdict(a->src));
	cr_assert_eq(tui_pane_verdict(a), tui_shown_verdict(a));
	/* c compacts the zone on screen for the request; r reclaims 1024 pages */
	act(a, TUI_ACT_ENGINE, TUI_ENG_COMPACT);
	cr_assert_str_eq(a->action_command, "compact 0:Normal 3 GFP_KERNEL");
	cr_assert(strstr(a->action_reply, "compact: Node 0 Normal: moved ") == a->action_reply,
		  "%s", a->action_reply);
	act(a, TUI_ACT_ENGINE, TUI_ENG_RECLAIM);
	cr_assert_str_eq(a->action_command, "reclaim 1024");
	cr_assert(strstr(a->action_reply, "reclaim 1024: reclaimed ") == a->action_reply, "%s",
		  a->action_reply);
	size_t frames = fs_source_count(a->src);
	/* typing a request puts its verdict back in the pane */
	enter(a, TUI_FIELD_ORDER, "2");
	cr_assert_not(a->action_shown);

	act(a, TUI_ACT_RETURN, 0);
	cr_assert_not(a->engine);
	cr_assert_null(a->home);
	cr_assert_eq(a->src, replay);
	cr_assert_eq(a->frame_index, 0);
	cr_assert_eq(tui_current_zone(a)->free_pages, 137506);
	cr_assert_eq(a->req_order, 3);              /* the replay's view, as it was left */
	cr_assert(strstr(a->message, "back to ") == a->message, "%s", a->message);
	char gone[64];
	snprintf(gone, sizeof(gone), "frame 1 (the fork's %zu frames are gone)", frames);
	cr_assert(strstr(a->message, gone), "%s", a->message);
	act(a, TUI_ACT_RETURN, 0);
	cr_assert(strstr(a->message, "not on a fork: f forks the frame shown"), "%s", a->message);
	close_any(a);
}

Test(engine_view, commands_need_the_engine)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_vm(&o);
	enter(a, TUI_FIELD_COMMAND, "alloc 3 GFP_KERNEL");
	cr_assert_str_eq(a->message, "command not taken: this source takes no commands");
	cr_assert_not(a->action_shown);
	/* the engine keys are not bound on a replay */
	cr_assert_eq(tui_keys_feed(&a->keys, 'a').kind, TUI_ACT_NONE);
	cr_assert_eq(tui_keys_feed(&a->keys, 'f').kind, TUI_ACT_FORK);
	act(a, TUI_ACT_FORK, 0);
	cr_assert_eq(tui_keys_feed(&a->keys, 'a').kind, TUI_ACT_ENGINE);
	cr_assert_eq(tui_keys_feed(&a->keys, 'F').kind, TUI_ACT_RETURN);
	/* a bad command on the engine: the reply says why, nothing changes */
	enter(a, TUI_FIELD_COMMAND, "alloc 12 GFP_KERNEL");
	cr_assert_eq(a->action_rc, -1);
	cr_assert(strstr(a->message, "command not taken: alloc ORDER GFP [xN] [KIND]: ORDER is a "
			 "number from 0 to 10, got \"12\""), "%s", a->message);
	cr_assert_eq(fs_source_count(a->src), 1);
	close_any(a);
}

Test(engine_view, a_fork_of_a_fork_replaces_it)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_vm(&o);
	struct fs_source *replay = a->src;
	act(a, TUI_ACT_FORK, 0);
	enter(a, TUI_FIELD_COMMAND, "alloc 9 GFP_KERNEL x4");
	cr_assert_eq(a->frame_index, 1);
	act(a, TUI_ACT_FORK, 0);                   /* the engine's frame 2 into a new one */
	cr_assert_eq(a->home->src, replay);
	cr_assert_eq(fs_source_count(a->src), 1);
	/* 4 x 512 pages fewer than the replay's 137506 */
	cr_assert_eq(tui_current_zone(a)->free_pages, 137506 - 4 * 512);
	act(a, TUI_ACT_RETURN, 0);
	cr_assert_eq(a->src, replay);
	close_any(a);
}

Test(engine_view, fork_an_opened_failure_and_allocate_its_request)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_app(ANDROID, &o);
	tui_open_event(a);
	cr_assert(a->event_open);
	act(a, TUI_ACT_FORK, 0);
	cr_assert(strstr(a->message, "forked frame 1 into the engine"), "%s", a->message);
	cr_assert(strstr(fs_source_name(a->src), "(the failure's state)"));
	/* the failure's request: order 3, mode 0x480020 (GFP_ATOMIC|__GFP_COMP) */
	cr_assert_eq(a->req_order, 3);
	cr_assert_str_eq(a->gfp_text, "GFP_ATOMIC|__GFP_COMP");
	act(a, TUI_ACT_ENGINE, TUI_ENG_ALLOC);
	cr_assert_str_eq(a->action_command, "alloc 3 GFP_ATOMIC|__GFP_COMP");
	/* the pane shows the allocation's verdict: the report's request, order 3 */
	const struct fs_verdict *v = tui_pane_verdict(a);
	cr_assert_not_null(v);
	cr_assert_eq(v, fs_source_last_verdict(a->src));
	cr_assert_eq(v->order, 3);
	cr_assert_eq(v->gfp, a->gfp);
	cr_assert_neq(v->outcome, FS_OUTCOME_FAILS, "%s", v->reason);
	cr_assert(strstr(a->action_reply, ": ok, pfn 0x"), "%s", a->action_reply);
	close_any(a);
}

Test(engine_view, the_pageblock_map)
{
	struct fs_tui_options o = options();
	struct tui_app *a = open_vm(&o);
	tui_pbmap_update(a, 1000);
	cr_assert_not(a->pbmap.valid);             /* not an engine */
	act(a, TUI_ACT_FORK, 0);
	tui_pbmap_update(a, 1000);
	const struct tui_pbmap *m = &a->pbmap;
	cr_assert(m->valid);
	/* pagetypeinfo "Number of blocks type", Normal: 45 Unmovable, 263 Movable,
	 * 12 Reclaimable = 320 with a managed page; zoneinfo spanned 5505024 /
	 * 512 = 10752 pageblocks, 10752 - 320 = 10432 of them all reserved */
	cr_assert_eq(m->nr_pageblocks, 320);
	cr_assert_eq(m->reserved_blocks, 10432);
	cr_assert_eq(m->mt_blocks[FS_MT_UNMOVABLE], 45);
	cr_assert_eq(m->mt_blocks[FS_MT_MOVABLE], 263);
	cr_assert_eq(m->mt_blocks[FS_MT_RECLAIMABLE], 12);
	cr_assert_eq(m->per_cell, 1);
	cr_assert_eq(m->nr_cells, 320);
	/* fewer cells than pageblocks: ceil(320 / 100) = 4 a cell, 80 cells */
	tui_pbmap_update(a, 100);
	cr_assert_eq(m->per_cell, 4);
	cr_assert_eq(m->nr_cells, 80);
	/* the same state and size: not computed again (the cells stay) */
	const struct tui_pb_cell *cells = m->cells;
	tui_pbmap_update(a, 100);
	cr_assert_eq(m->cells, cells);
	close_any(a);
}

Test(engine_view, a_workload_steps_runs_and_ends_as_a_replay)
{
	struct fs_workload *w;
	struct fs_source *src = tick_workload_source("simulate:tick test", &w);
	struct fs_tui_options o = options();
	o.speed = 64;       /* 2 simulated seconds in about 30 ms */
	struct tui_app *a = calloc(1, sizeof(*a));
	tui_app_init(a, src, &o);
	tui_first_frame(a);
	cr_assert(a->engine);
	cr_assert_not(a->replay);
	cr_assert_null(a->home);
	act(a, TUI_ACT_ENGINE, TUI_ENG_STEP);
	cr_assert_str_eq(a->action_command, "step");
	cr_assert(strstr(a->action_reply, "step: t=1.0s: fill: 10 operations, 0 failed"), "%s",
		  a->action_reply);
	cr_assert_eq(a->frame_index, 1);
	cr_assert_eq(tui_current_zone(a)->free_pages, 32768 - 10);
	act(a, TUI_ACT_ENGINE, TUI_ENG_RUN);
	cr_assert(a->engine_running);
	cr_assert(tui_loop_timeout(a, tui_now()) >= 0);
	double end = tui_now() + 10;
	while (!a->replay && tui_now() < end) {
		int t = tui_loop_timeout(a, tui_now());
		poll(NULL, 0, t < 0 || t > 100 ? 100 : t);
		tui_take_new_frames(a);
	}
	/* finished: the source ended, the view replays its frames */
	cr_assert(a->replay && a->keys.replay);
	cr_assert_eq(a->frame_index, fs_source_count(src) - 1);
	cr_assert_eq(tui_current_zone(a)->free_pages, 32768 - 30);
	cr_assert_eq(tui_keys_feed(&a->keys, ' ').kind, TUI_ACT_PLAY);
	/* returning: this engine is no fork */
	act(a, TUI_ACT_RETURN, 0);
	cr_assert(strstr(a->message, "this engine is no fork"), "%s", a->message);
	tui_app_free(a);
	free(a);
	fs_source_close(src);
	fs_workload_free(w);
}
