/*
 * cmd_capture.c - fragscope capture -o FILE [--interval S] [--count N]
 *                 [--proc-root DIR] [--kmsg PATH]
 *
 * Every interval: one snapshot of /proc plus the warn_alloc reports that
 * /dev/kmsg completed since the last one, appended as a frame. Ends after
 * --count frames or on SIGINT/SIGTERM; the handler only sets a flag, the
 * loop then closes the file, which is complete at every frame boundary
 * anyway (each frame is one write).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fragscope/capture.h"
#include "fragscope/live.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct capture_opts {
	const char *output;
	double interval;
	long count;             /* 0: until interrupted */
	const char *proc_root;
	const char *kmsg_path;  /* NULL: no kernel log */
	bool force;             /* overwrite an existing non-empty file */
};

struct capture_run {
	struct capture_opts o;
	struct fs_capture_writer *writer;
	bool create_failed;     /* fs_capture_create failed (and said why) */
	struct fs_kmsg *kmsg;
	struct fs_report_list reports;   /* completed by kmsg, not yet in a frame */
	struct fs_diags kmsg_diags;
	size_t kmsg_diags_shown;
	size_t frames, nr_reports, frames_with_warnings;
	int status;
};

void cmd_capture_usage(FILE *out)
{
	fprintf(out,
		"usage: fragscope capture -o FILE [--interval S] [--count N] [--proc-root DIR]\n"
		"                         [--kmsg PATH]\n"
		"\n"
		"Record this machine's /proc every S seconds, and the page allocation failures\n"
		"the kernel logs meanwhile, into the capture FILE (docs/capture-format.md),\n"
		"until N frames are written or fragscope gets SIGINT (Ctrl-C) or SIGTERM. The\n"
		"file is readable at any moment, even after kill -9, up to its last frame.\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE   the capture to write; an existing non-empty file is\n"
		"                      refused (it may be a recording) unless --force\n"
		"  --force             overwrite FILE\n"
		"  --interval S        seconds between frames, fractions allowed (default 1)\n"
		"  --count N           stop after N frames (default: until interrupted)\n"
		"  --proc-root DIR     read DIR/buddyinfo ... instead of /proc\n"
		"  --kmsg PATH         kernel log records to watch (default /dev/kmsg;\n"
		"                      \"none\" to watch none)\n"
		"  -h, --help          this help\n");
}

static int parse_options(struct capture_opts *o, int argc, char **argv)
{
	enum { OPT_INTERVAL = 256, OPT_COUNT, OPT_PROC_ROOT, OPT_KMSG, OPT_FORCE };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ "kmsg", required_argument, NULL, OPT_KMSG },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case OPT_INTERVAL:
			/* Below 10 ms the reads of /proc themselves are the interval. */
			if (!cli_parse_seconds(optarg, &o->interval) || o->interval < 0.01) {
				cli_error("capture: --interval needs seconds (at least 0.01), "
					  "got \"%s\"", optarg);
				return -1;
			}
			break;
		case OPT_COUNT:
			if (!cli_parse_long(optarg, &o->count) || o->count < 1) {
				cli_error("capture: --count needs a number of frames >= 1, "
					  "got \"%s\"", optarg);
				return -1;
			}
			break;
		case OPT_PROC_ROOT:
			o->proc_root = optarg;
			break;
		case OPT_KMSG:
			o->kmsg_path = strcmp(optarg, "none") == 0 ? NULL : optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case 'h':
			cmd_capture_usage(stdout);
			return 1;
		case ':':
			cli_error("capture: %s needs an argument", argv[optind - 1]);
			return -1;
		default:
			cli_error("capture: unknown option \"%s\"; try fragscope help capture",
				  argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		cli_error("capture: unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	if (!o->output) {
		cli_error("capture: -o FILE is required");
		return -1;
	}
	/* an existing recording is not truncated unless they say so */
	return cli_refuse_clobber("capture", o->output, o->force) ? -1 : 0;
}

static void install_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;   /* no SA_RESTART: the sleep returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep until the monotonic time t, or until a stop signal. */
static void sleep_until(double t)
{
	struct timespec ts;
	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (!stop_requested &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void show_new_kmsg_diags(struct capture_run *run)
{
	for (; run->kmsg_diags_shown < run->kmsg_diags.count; run->kmsg_diags_shown++) {
		struct fs_diags one = { &run->kmsg_diags.items[run->kmsg_diags_shown], 1, 1 };
		cli_print_diags(stderr, &one, "fragscope: ");
	}
}

static void poll_kmsg(struct capture_run *run)
{
	if (!run->kmsg)
		return;
	if (fs_kmsg_poll(run->kmsg) < 0) {
		/* Already reported; the snapshots go on without the log. */
		fs_kmsg_close(run->kmsg);
		run->kmsg = NULL;
		show_new_kmsg_diags(run);
		cli_error("capture: recording without the kernel log from now on: allocation "
			  "failures will not be in the capture");
		return;
	}
	show_new_kmsg_diags(run);
}

/* Append a frame of snap (may be NULL) and the reports waiting. 0 or -1. */
static int write_frame(struct capture_run *run, struct fs_snapshot *snap, double time)
{
	struct fs_frame f;
	fs_frame_init(&f);
	f.index = run->frames;
	f.time = time;
	f.snapshot = snap;
	f.events = run->reports;             /* the frame takes them */
	memset(&run->reports, 0, sizeof(run->reports));
	int rc = fs_capture_append(run->writer, &f);
	size_t nr_events = f.events.count;
	fs_frame_clear(&f);
	if (rc < 0) {
		cli_error("capture: cannot write %s: %s", run->o.output, strerror(-rc));
		run->status = FS_EXIT_PARTIAL;
		return -1;
	}
	run->frames++;
	run->nr_reports += nr_events;
	return 0;
}

static int open_writer(struct capture_run *run, const struct fs_snapshot *first)
{
	struct fs_capture_header hdr;
	fs_capture_header_init(&hdr, &first->meta);
	struct fs_diags d = { 0 };
	run->writer = fs_capture_create(run->o.output, &hdr, &d);
	cli_print_diags(stderr, &d, "fragscope: ");
	fs_diags_clear(&d);
	/* The diagnostic above says why; the summary says what it means. */
	run->create_failed = !run->writer;
	return run->writer ? 0 : -1;
}

/* One frame: 1 written, 0 skipped (unreadable /proc), -1 stop. */
static int capture_one(struct capture_run *run)
{
	struct fs_snapshot *snap = fs_snapshot_new();
	int rc = fs_live_read(snap, run->o.proc_root);
	if (run->frames == 0 || rc < 0)
		cli_print_diags(stderr, &snap->diags, "fragscope: ");
	else if (fs_diags_count(&snap->diags, FS_SEV_WARNING))
		run->frames_with_warnings++;
	if (rc < 0) {
		fs_snapshot_free(snap);
		if (run->frames == 0) {
			run->status = FS_EXIT_BAD_INPUT;
			return -1;
		}
		run->status = FS_EXIT_PARTIAL;
		return 0;
	}
	poll_kmsg(run);
	if (!run->writer && open_writer(run, snap) < 0) {
		fs_snapshot_free(snap);
		run->status = FS_EXIT_BAD_INPUT;
		return -1;
	}
	double t = snap->meta.time;
	return write_frame(run, snap, t) < 0 ? -1 : 1;
}

static void open_kmsg(struct capture_run *run)
{
	if (!run->o.kmsg_path)
		return;
	run->kmsg = fs_kmsg_open(run->o.kmsg_path, false, &run->reports, &run->kmsg_diags);
	show_new_kmsg_diags(run);
	/* Snapshots are worth having without it (not root, or no /dev/kmsg). */
	if (!run->kmsg)
		cli_error("capture: recording without the kernel log: allocation failures will "
			  "not be in the capture");
}

/* Reports still open when the capture ends go into a last, events-only frame. */
static void finish_kmsg(struct capture_run *run)
{
	if (!run->kmsg)
		return;
	fs_kmsg_poll(run->kmsg);
	fs_kmsg_flush(run->kmsg);
	show_new_kmsg_diags(run);
	if (run->writer && run->reports.count > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		write_frame(run, NULL, (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
	}
	fs_kmsg_close(run->kmsg);
	run->kmsg = NULL;
}

int cmd_capture(int argc, char **argv)
{
	struct capture_run run;
	memset(&run, 0, sizeof(run));
	run.o.interval = 1.0;
	run.o.proc_root = "/proc";
	run.o.kmsg_path = "/dev/kmsg";
	int rc = parse_options(&run.o, argc, argv);
	if (rc != 0)
		return rc > 0 ? FS_EXIT_OK : FS_EXIT_USAGE;

	stop_requested = 0;
	install_handlers();
	open_kmsg(&run);
	double start = now_monotonic(), next = start;
	while (!stop_requested && (run.o.count == 0 || (long)run.frames < run.o.count)) {
		if (capture_one(&run) < 0)
			break;
		next += run.o.interval;
		double now = now_monotonic();
		if (next < now)
			next = now;     /* reading took longer than the interval: no catching up */
		if (run.o.count == 0 || (long)run.frames < run.o.count)
			sleep_until(next);
	}
	finish_kmsg(&run);
	if (run.writer && fs_capture_close(run.writer) < 0) {
		cli_error("capture: cannot finish %s", run.o.output);
		run.status = FS_EXIT_PARTIAL;
	}
	fs_report_list_free(&run.reports);
	fs_diags_clear(&run.kmsg_diags);

	double elapsed = now_monotonic() - start;
	if (!run.writer) {
		/* Not "captured 0 frames to FILE": FILE was not written (an existing
		 * one is not touched when /proc could not be read). */
		if (run.create_failed)
			cli_error("capture: cannot create %s: nothing recorded", run.o.output);
		else
			cli_error("capture: nothing recorded, %s not written%s", run.o.output,
				  stop_requested ? " (interrupted)" : "");
		return run.status == FS_EXIT_OK ? FS_EXIT_BAD_INPUT : run.status;
	}
	fprintf(stderr,
		"fragscope: captured %zu frame%s, %zu allocation failure%s in %.1f s to %s%s",
		run.frames, run.frames == 1 ? "" : "s", run.nr_reports,
		run.nr_reports == 1 ? "" : "s", elapsed, run.o.output,
		stop_requested ? " (interrupted)" : "");
	if (run.frames_with_warnings)
		fprintf(stderr, "; %zu frames had warnings", run.frames_with_warnings);
	fputc('\n', stderr);
	if (run.frames == 0 && run.status == FS_EXIT_OK)
		run.status = FS_EXIT_BAD_INPUT;
	return run.status;
}
