/*
 * cmd_simulate.c - fragscope simulate WORKLOAD [--snapshot FILE] [--seed N]
 *                  [-o CAPTURE [--force]] [--batch]
 *
 * Runs a workload (docs/workload-format.md) on the allocator engine and
 * prints each phase's outcome and checks; or replays an ftrace text trace
 * onto --snapshot. On a terminal without -o/--batch it opens the
 * interactive view on the engine instead. With -o the run is written as a
 * capture, one frame per step (a tick, or an instant phase), that
 * `fragscope replay` plays like a recording.
 *
 * Exit status: 0 every check passed, 1 a check failed, 2 usage, 3 bad input.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fragscope/capture.h"
#include "fragscope/engine.h"
#include "fragscope/ftrace.h"
#include "fragscope/input.h"
#include "fragscope/source.h"
#include "fragscope/tui.h"
#include "fragscope/util.h"
#include "fragscope/workload.h"

struct sim_opts {
	const char *input;
	const char *snapshot;
	bool has_seed;
	uint64_t seed;
	const char *output;
	bool force;
	bool batch;
};

void cmd_simulate_usage(FILE *out)
{
	fprintf(out,
		"usage: fragscope simulate WORKLOAD [--snapshot FILE] [--seed N]\n"
		"                          [-o CAPTURE [--force]] [--batch]\n"
		"\n"
		"Run a workload on the allocator engine: a YAML file of phases (allocations,\n"
		"frees, reclaim, compaction) and checks, on the machine it describes or on a\n"
		"snapshot (docs/workload-format.md; examples in the installed workloads/).\n"
		"Prints each phase's outcome and its checks (PASS/FAIL with the numbers) and a\n"
		"summary. WORKLOAD may also be an ftrace text trace of kmem events, replayed\n"
		"onto --snapshot. On a terminal, without -o or --batch: the interactive view\n"
		"of the engine.\n"
		"\n"
		"Options:\n"
		"  --snapshot FILE     run on this snapshot (proc files, a directory of them,\n"
		"                      a kernel log, a bugreport, a capture) instead of the\n"
		"                      workload's machine; required for a trace\n"
		"  --seed N            the seed of everything random (default: the workload's)\n"
		"  -o, --output FILE   write the run as a capture (one frame per step); an\n"
		"                      existing non-empty file is refused unless --force\n"
		"  --force             overwrite FILE\n"
		"  --batch             print the outcome even on a terminal\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 every check passed, 1 a check failed, 2 usage error,\n"
		"3 bad input (the workload, trace or snapshot cannot be used).\n");
}

static int parse_options(struct sim_opts *o, int argc, char **argv)
{
	enum { OPT_SNAPSHOT = 256, OPT_SEED, OPT_FORCE, OPT_BATCH };
	static const struct option opts[] = {
		{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SNAPSHOT:
			o->snapshot = optarg;
			break;
		case OPT_SEED: {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (!*optarg || *end || errno || optarg[0] == '-') {
				cli_error("simulate: --seed needs a whole number >= 0, got \"%s\"",
					  optarg);
				return -1;
			}
			o->seed = v;
			o->has_seed = true;
			break;
		}
		case 'o':
			o->output = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_BATCH:
			o->batch = true;
			break;
		case 'h':
			cmd_simulate_usage(stdout);
			return 1;
		case ':':
			cli_error("simulate: %s needs an argument", argv[optind - 1]);
			return -1;
		default:
			cli_error("simulate: unknown option \"%s\"; try fragscope simulate --help",
				  argv[optind - 1]);
			return -1;
		}
	}
	if (optind >= argc) {
		cli_error("simulate: which workload? fragscope simulate WORKLOAD.yaml "
			  "(or an ftrace trace with --snapshot FILE)");
		return -1;
	}
	o->input = argv[optind++];
	if (optind < argc) {
		cli_error("simulate: one workload at a time; unexpected \"%s\"", argv[optind]);
		return -1;
	}
	return 0;
}

/* ---- the capture ---- */

struct sim_capture {
	struct fs_capture_writer *w;
	size_t frames;
	bool failed;
};

/* One frame: the engine's state now and the failures of the step (taken). */
static void capture_frame(struct sim_capture *c, const char *path, const char *name,
			  const struct fs_engine *e, struct fs_report_list *events)
{
	if (!path || c->failed)
		return;
	struct fs_frame f;
	fs_frame_init(&f);
	f.snapshot = fs_engine_snapshot(e);
	f.time = f.snapshot->meta.time;
	f.index = c->frames;
	if (events) {
		f.events = *events;
		memset(events, 0, sizeof(*events));
	}
	if (!c->w) {
		struct fs_capture_header hdr;
		fs_capture_header_init(&hdr, &f.snapshot->meta);
		snprintf(hdr.source, sizeof(hdr.source), "simulate:%.200s", name);
		struct fs_diags d = { 0 };
		c->w = fs_capture_create(path, &hdr, &d);
		if (!c->w) {
			cli_print_diags(stderr, &d, "fragscope: ");
			c->failed = true;
		}
		fs_diags_clear(&d);
	}
	if (c->w) {
		int rc = fs_capture_append(c->w, &f);
		if (rc < 0) {
			cli_error("simulate: writing %s: %s", path, strerror(-rc));
			c->failed = true;
		} else {
			c->frames++;
		}
	}
	fs_frame_clear(&f);
}

static bool capture_close(struct sim_capture *c, const char *path)
{
	if (!c->w)
		return !c->failed;
	int rc = fs_capture_close(c->w);
	c->w = NULL;
	if (rc < 0) {
		cli_error("simulate: closing %s: %s", path, strerror(-rc));
		return false;
	}
	return !c->failed;
}

/* ---- printing ---- */

static void print_machine(const struct fs_engine *e, uint64_t seed)
{
	printf("engine: kernel profile %s, %zu zones:", fs_engine_profile(e)->name,
	       fs_engine_nr_zones(e));
	for (size_t i = 0; i < fs_engine_nr_zones(e); i++) {
		struct fs_engine_zone_info zi;
		fs_engine_zone_info(e, i, &zi);
		printf("%s Node %d %s %llu pages (%llu free)", i ? "," : "", zi.node, zi.name,
		       (unsigned long long)zi.managed, (unsigned long long)zi.free_pages);
	}
	printf("; seed %llu\n", (unsigned long long)seed);
}

static void print_alloc(const struct fs_workload_alloc_outcome *a)
{
	printf("  alloc order-%d %s (%s): %llu requested, %llu allocated", a->order, a->gfp_text,
	       a->group, (unsigned long long)a->requested, (unsigned long long)a->allocated);
	if (a->allocated)
		printf(" (fast %llu, slow %llu, after reclaim %llu, after compaction %llu)",
		       (unsigned long long)a->fast, (unsigned long long)a->slow,
		       (unsigned long long)a->after_reclaim, (unsigned long long)a->after_compaction);
	printf(", %llu failed", (unsigned long long)a->failed);
	if (a->claimed)
		printf(", %llu claimed a pageblock", (unsigned long long)a->claimed);
	if (a->highatomic_reserved)
		printf(", %llu reserved a HighAtomic pageblock",
		       (unsigned long long)a->highatomic_reserved);
	putchar('\n');
	if (a->first_failure[0])
		printf("    first failure: %s\n", a->first_failure);
}

static void print_phase(const struct fs_workload_run *r, size_t i)
{
	const struct fs_workload_phase_outcome *o = fs_workload_run_outcome(r, i);
	printf("\nphase %zu/%zu \"%s\" (%.1f s to %.1f s, %llu operations)\n", i + 1,
	       fs_workload_run_nr_phases(r), o->name, o->start, o->end,
	       (unsigned long long)o->ops);
	for (size_t j = 0; j < o->nr_allocs; j++)
		if (o->allocs[j].requested)
			print_alloc(&o->allocs[j]);
	if (o->frees || o->free_failed || o->free_reclaimed) {
		printf("  freed %llu allocations (%llu when their lifetime ran out), %llu already "
		       "gone", (unsigned long long)o->frees, (unsigned long long)o->expired,
		       (unsigned long long)o->free_failed);
		if (o->free_stale)
			printf(" (%llu stale)", (unsigned long long)o->free_stale);
		if (o->free_reclaimed)
			printf(", %llu reclaimed before (nothing to free)",
			       (unsigned long long)o->free_reclaimed);
		putchar('\n');
	}
	for (size_t j = 0; j < o->nr_notes; j++)
		printf("  %s\n", o->notes[j]);
	if (o->reclaimed_allocs || o->migrated_allocs || o->trace_taken)
		printf("  of the workload's allocations: %llu reclaimed, %llu migrated by "
		       "compaction, %llu freed by a trace as pre-trace memory\n",
		       (unsigned long long)o->reclaimed_allocs,
		       (unsigned long long)o->migrated_allocs, (unsigned long long)o->trace_taken);
	const struct fs_engine_stats *s = &o->stats;
	printf("  engine: %llu fallbacks, %llu pageblocks claimed, %llu highatomic reserved, "
	       "%llu kswapd runs, %llu direct reclaimed, %llu compaction stalls\n",
	       (unsigned long long)s->fallbacks, (unsigned long long)s->claims,
	       (unsigned long long)s->highatomic_reserves, (unsigned long long)s->kswapd_runs,
	       (unsigned long long)s->direct_reclaimed, (unsigned long long)s->compact_stall);
	for (size_t j = 0; j < o->nr_checks; j++) {
		const struct fs_workload_check_outcome *c = &o->checks[j];
		printf("  check %s  %s\n", fs_check_result_name(c->result), c->name);
		if (strcmp(c->name, c->what) != 0)
			printf("        %s\n", c->what);
		printf("        %s\n", c->detail);
	}
}

/* ---- a workload ---- */

static void print_diags(const struct fs_diags *d)
{
	cli_print_diags(stderr, d, "fragscope: ");
}

static int run_view(struct fs_engine *e, struct fs_workload_run *run, const char *name)
{
	/* The view options as `fragscope replay` starts them, without its flags. */
	static const char *const theme_dirs[] = { FS_DATADIR "/themes", FS_SRCDIR "/themes" };
	struct fs_tui_options view = { .theme_dirs = theme_dirs,
				       .nr_theme_dirs = sizeof(theme_dirs) / sizeof(theme_dirs[0]),
				       .order = -1 };
	char src_name[300];
	snprintf(src_name, sizeof(src_name), "simulate:%.200s", name);
	struct fs_source *src = fs_source_open_engine(e, run, src_name);
	if (!src) {
		cli_error("simulate: cannot open the engine as a source");
		return FS_EXIT_BAD_INPUT;
	}
	struct fs_diags d = { 0 };
	int rc = fs_tui_run(src, &view, &d);
	fs_source_close(src);
	print_diags(&d);
	fs_diags_clear(&d);
	return rc < 0 ? FS_EXIT_BAD_INPUT : FS_EXIT_OK;
}

static int run_batch(const struct sim_opts *o, struct fs_workload_run *run, const char *name)
{
	struct fs_engine *e = fs_workload_run_engine(run);
	struct sim_capture cap = { 0 };
	capture_frame(&cap, o->output, name, e, NULL);
	struct fs_workload_step st;
	fs_workload_step_init(&st);
	uint64_t ops = 0, failures = 0, reports = 0;
	while (!fs_workload_run_finished(run)) {
		/* one tick (or one instant phase) per step and frame */
		fs_workload_step_seconds(run, 0, &st);
		ops += st.ops;
		failures += st.failures;
		reports += st.reports.count;
		if (st.phase_ended)
			print_phase(run, st.ended_phase);
		capture_frame(&cap, o->output, name, e, &st.reports);
	}
	fs_workload_step_clear(&st);
	bool cap_ok = capture_close(&cap, o->output);
	size_t passed = fs_workload_run_checks_passed(run);
	size_t failed = fs_workload_run_checks_failed(run);
	printf("\nsummary: %zu phases, %.1f simulated seconds, %llu operations, %llu allocation "
	       "failures (%llu warn_alloc reports); checks: %zu passed, %zu failed\n",
	       fs_workload_run_nr_phases(run), fs_workload_run_time(run),
	       (unsigned long long)ops, (unsigned long long)failures,
	       (unsigned long long)reports, passed, failed);
	if (o->output && cap_ok)
		printf("capture: %s, %zu frames\n", o->output, cap.frames);
	if (!cap_ok)
		return FS_EXIT_BAD_INPUT;
	return failed ? FS_EXIT_PARTIAL : FS_EXIT_OK;
}

static int simulate_workload(const struct sim_opts *o)
{
	struct fs_diags d = { 0 };
	struct fs_workload *w = fs_workload_load(o->input, &d);
	if (!w) {
		print_diags(&d);
		fs_diags_clear(&d);
		return FS_EXIT_BAD_INPUT;
	}
	uint64_t seed = o->has_seed ? o->seed : fs_workload_seed(w);
	struct fs_engine *e = fs_workload_engine_new(w, o->snapshot, seed, &d);
	struct fs_workload_run *run = e ? fs_workload_start(w, e, seed, &d) : NULL;
	if (!run) {
		print_diags(&d);
		fs_diags_clear(&d);
		fs_engine_free(e);
		fs_workload_free(w);
		return FS_EXIT_BAD_INPUT;
	}
	/* warnings (a snapshot the engine could not reproduce exactly) */
	print_diags(&d);
	fs_diags_clear(&d);
	int rc;
	if (!o->output && !o->batch && isatty(STDOUT_FILENO)) {
		rc = run_view(e, run, fs_workload_name(w));   /* the source frees e and run */
	} else {
		printf("simulate: %s (%s)\n", fs_workload_name(w), o->input);
		if (*fs_workload_description(w))
			printf("%s%s", fs_workload_description(w),
			       fs_workload_description(w)[strlen(fs_workload_description(w)) - 1]
			       == '\n' ? "" : "\n");
		print_machine(e, seed);
		rc = run_batch(o, run, fs_workload_name(w));
		fs_workload_run_free(run);
		fs_engine_free(e);
	}
	fs_workload_free(w);
	return rc;
}

/* ---- an ftrace trace ---- */

static struct fs_engine *engine_of_snapshot(const char *path, uint64_t seed,
					    struct fs_diags *d)
{
	struct fs_frame_list frames = { 0 };
	struct fs_engine *e = NULL;
	if (fs_input_load(&path, 1, &frames, d) == 0) {
		for (size_t i = 0; i < frames.count && !e; i++)
			if (frames.items[i].snapshot) {
				struct fs_engine_options eo = { .seed = seed };
				e = fs_engine_from_snapshot(frames.items[i].snapshot, &eo, d);
				break;
			}
		if (!e && !fs_diags_count(d, FS_SEV_ERROR))
			fs_diags_add(d, FS_SEV_ERROR, path, 0, "no snapshot in it");
	}
	fs_frame_list_free(&frames);
	return e;
}

/* The trace in steps of one second of its time (or 1000 events where it
 * has no timestamps), a frame after each. */
static void replay_in_steps(const struct sim_opts *o, struct fs_engine *e,
			    const struct fs_ftrace *t, struct sim_capture *cap)
{
	struct fs_ftrace_replay_options ro;
	fs_ftrace_replay_options_default(&ro);
	ro.seed = o->has_seed ? o->seed : 0;
	struct fs_ftrace_replay *rp = fs_ftrace_replay_new(e, t, &ro);
	capture_frame(cap, o->output, o->input, e, NULL);
	while (!fs_ftrace_replay_done(rp)) {
		double next = fs_ftrace_replay_next_ts(rp);
		size_t n = next >= 0 ? fs_ftrace_replay_until(rp, next + 1.0)
				     : fs_ftrace_replay_step(rp, 1000);
		if (n == 0)
			n = fs_ftrace_replay_step(rp, 1000);
		if (n == 0)
			break;
		capture_frame(cap, o->output, o->input, e, NULL);
	}
	struct fs_ftrace_summary s;
	fs_ftrace_replay_summary(rp, &s);
	struct fs_buf b;
	fs_buf_init(&b);
	fs_ftrace_summary_format(&s, &b);
	if (b.data)
		fputs(b.data, stdout);
	fs_buf_free(&b);
	fs_ftrace_replay_free(rp);
}

static int simulate_trace(const struct sim_opts *o)
{
	if (!o->snapshot) {
		cli_error("simulate: %s is an ftrace trace: give the state to replay it onto with "
			  "--snapshot FILE", o->input);
		return FS_EXIT_USAGE;
	}
	struct fs_diags d = { 0 };
	struct fs_ftrace *t = fs_ftrace_load_file(o->input, &d);
	struct fs_engine *e = t ? engine_of_snapshot(o->snapshot, o->has_seed ? o->seed : 1, &d)
				: NULL;
	print_diags(&d);
	bool bad = !e || fs_diags_count(&d, FS_SEV_ERROR) > 0;
	fs_diags_clear(&d);
	if (bad) {
		fs_engine_free(e);
		fs_ftrace_free(t);
		return FS_EXIT_BAD_INPUT;
	}
	printf("simulate: trace %s onto %s\n", o->input, o->snapshot);
	print_machine(e, o->has_seed ? o->seed : 1);
	struct sim_capture cap = { 0 };
	replay_in_steps(o, e, t, &cap);
	bool cap_ok = capture_close(&cap, o->output);
	if (o->output && cap_ok)
		printf("capture: %s, %zu frames\n", o->output, cap.frames);
	fs_engine_free(e);
	fs_ftrace_free(t);
	return cap_ok ? FS_EXIT_OK : FS_EXIT_BAD_INPUT;
}

/* An ftrace trace is told by its text: its first 64 KiB. */
static bool input_is_trace(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char *buf = fs_xmalloc(65536);
	size_t n = fread(buf, 1, 65536, f);
	fclose(f);
	bool yes = fs_ftrace_detect(buf, n);
	free(buf);
	return yes;
}

int cmd_simulate(int argc, char **argv)
{
	struct sim_opts o = { 0 };
	int rc = parse_options(&o, argc, argv);
	if (rc)
		return rc > 0 ? FS_EXIT_OK : FS_EXIT_USAGE;
	if (cli_refuse_clobber("simulate", o.output, o.force))
		return FS_EXIT_USAGE;
	if (input_is_trace(o.input))
		return simulate_trace(&o);
	return simulate_workload(&o);
}
