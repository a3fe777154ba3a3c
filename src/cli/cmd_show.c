/*
 * cmd_show.c - fragscope show [--json] [--frame N|--all] [FILE...]
 *
 * Without files: this machine now. With files: what they hold. Captures are
 * read through the capture reader frame by frame, so that showing the last
 * frame of a day-long capture does not load the whole day.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fragscope/capture.h"
#include "fragscope/input.h"
#include "fragscope/json.h"
#include "fragscope/live.h"
#include "fragscope/util.h"

struct show {
	bool json;
	bool all;
	bool have_frame;
	long frame;             /* negative: from the end */
	FILE *out;
	size_t shown;           /* frames written */
	size_t errors;          /* error diagnostics, in the input or in shown snapshots */
	struct fs_diags diags;  /* about the inputs (unreadable, unknown format, ...) */
	const char *proc_root;  /* "/proc", or FRAGSCOPE_PROC_ROOT (tests) */
};

/* Shipped in snapshots/ and installed under $(pkgdatadir)/snapshots. */
#define FS_BUNDLED_SNAPSHOT "x86_64-6.18-vm-24g"

void cmd_show_usage(FILE *out)
{
	fprintf(out,
		"usage: fragscope show [--json] [--frame N | --all] [FILE...]\n"
		"\n"
		"Without FILE: this machine now, from /proc. With files (- for standard input):\n"
		"what they hold:\n"
		"proc dumps (buddyinfo, pagetypeinfo, zoneinfo, vmstat, meminfo, uname; the\n"
		"files of one moment are merged), kernel logs (one snapshot per page allocation\n"
		"failure), Android bugreports, fragscope captures.\n"
		"\n"
		"Per zone: free blocks per migratetype x order (>N at least N, + some, . none,\n"
		"? not known), order totals, free pages, watermarks, managed, CMA, highatomic,\n"
		"pageblocks, protection, then the warnings found in the input.\n"
		"\n"
		"Options:\n"
		"  --json       one JSON document (docs/json-format.md) instead of text\n"
		"  --frame N    only frame N (0 is the first, -1 the last): of a capture, or of\n"
		"               the frames the other files give\n"
		"  --all        every frame of a capture (default: its last frame)\n"
		"  -h, --help   this help\n"
		"\n"
		"Exit status: 0 ok, 1 shown but some input had errors, 2 usage error,\n"
		"3 nothing usable.\n");
}

static size_t error_count(const struct fs_frame *f)
{
	size_t n = f->snapshot ? fs_diags_count(&f->snapshot->diags, FS_SEV_ERROR) : 0;
	for (size_t i = 0; i < f->events.count; i++)
		if (f->events.items[i].snapshot)
			n += fs_diags_count(&f->events.items[i].snapshot->diags, FS_SEV_ERROR);
	return n;
}

static void emit(struct show *sh, const struct fs_frame *f, const struct show_position *pos)
{
	sh->errors += error_count(f);
	if (sh->json) {
		struct json_object *o = fs_frame_to_json(f);
		if (pos->input)
			json_object_object_add(o, "input", json_object_new_string(pos->input));
		fputs(sh->shown ? ",\n" : "\n", sh->out);
		fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE),
		      sh->out);
		json_object_put(o);
	} else {
		if (sh->shown)
			fputc('\n', sh->out);
		show_text_frame(sh->out, f, pos);
	}
	sh->shown++;
}

/* Which frames of n to show: [*first, *last]; false (with a diagnostic) when none. */
static bool select_frames(struct show *sh, size_t n, const char *source, bool all_by_default,
			  size_t *first, size_t *last)
{
	if (n == 0)
		return false;
	if (sh->have_frame) {
		long i = sh->frame < 0 ? (long)n + sh->frame : sh->frame;
		if (i < 0 || (size_t)i >= n) {
			fs_diags_add(&sh->diags, FS_SEV_ERROR, source, 0,
				     "no frame %ld: there are %zu frames (0 to %zu, or -1 for the "
				     "last)", sh->frame, n, n - 1);
			return false;
		}
		*first = *last = (size_t)i;
		return true;
	}
	*first = sh->all || all_by_default ? 0 : n - 1;
	*last = n - 1;
	return true;
}

static void show_files(struct show *sh, const char *const *paths, size_t n);

/* The real snapshot shipped with fragscope: installed, or beside the build. */
const char *cli_bundled_snapshot_dir(void)
{
	static const char *const candidates[] = {
		FS_DATADIR "/snapshots/" FS_BUNDLED_SNAPSHOT,
		FS_SRCDIR "/snapshots/" FS_BUNDLED_SNAPSHOT,
	};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	return NULL;
}

/*
 * Where this machine's /proc cannot be read (a container without procfs, a
 * non-Linux host), show the bundled snapshot rather than nothing, and say so.
 */
static void show_bundled(struct show *sh, const struct fs_diags *why)
{
	const char *dir = cli_bundled_snapshot_dir();
	const char *reason = why->count ? why->items[0].message : "unknown reason";
	if (!dir) {
		fs_diags_append(&sh->diags, why);
		return;
	}
	fs_diags_add(&sh->diags, FS_SEV_NOTE, "live:/proc", 0,
		     "this machine's memory cannot be read (%s); showing the bundled snapshot %s",
		     reason, dir);
	show_files(sh, &dir, 1);
}

static void show_live(struct show *sh)
{
	struct fs_frame f;
	fs_frame_init(&f);
	f.snapshot = fs_snapshot_new();
	if (fs_live_read(f.snapshot, sh->proc_root) < 0) {
		show_bundled(sh, &f.snapshot->diags);
		fs_frame_clear(&f);
		return;
	}
	f.time = f.snapshot->meta.time;
	struct show_position pos = { 0, 0, NULL };
	emit(sh, &f, &pos);
	fs_frame_clear(&f);
}

/* Files other than captures, loaded together so that dumps of one moment merge. */
static void show_files(struct show *sh, const char *const *paths, size_t n)
{
	if (n == 0)
		return;
	struct fs_frame_list frames = { 0 };
	fs_input_load(paths, n, &frames, &sh->diags);
	size_t first, last;
	if (select_frames(sh, frames.count, paths[0], true, &first, &last)) {
		for (size_t i = first; i <= last; i++) {
			struct show_position pos = { i, frames.count, NULL };
			emit(sh, &frames.items[i], &pos);
		}
	}
	fs_frame_list_free(&frames);
}

/* Show frame i of r; false (the reader said why) when it cannot be read. */
static bool show_capture_frame(struct show *sh, struct fs_capture_reader *r, size_t i, size_t n,
			       const char *path)
{
	struct fs_frame f;
	fs_frame_init(&f);
	bool ok = fs_capture_read_frame(r, i, &f) == 0;
	if (ok) {
		struct show_position pos = { i, n, path };
		emit(sh, &f, &pos);
	}
	fs_frame_clear(&f);
	return ok;
}

/*
 * The last frame is unreadable (damaged, or built on a damaged frame): show
 * the last one that can be read rather than nothing. The reader's complaints
 * about the frames tried on the way back repeat what it already said, so
 * they go to a scratch list that is dropped.
 */
static void show_last_readable(struct show *sh, struct fs_capture_reader *r, size_t n,
			       const char *path, struct fs_diags *reader_diags)
{
	for (size_t i = n - 1; i-- > 0;) {
		struct fs_frame f;
		fs_frame_init(&f);
		bool ok = fs_capture_read_frame(r, i, &f) == 0;
		fs_frame_clear(&f);
		if (!ok)
			continue;
		fs_diags_clear(reader_diags);
		fs_diags_add(&sh->diags, FS_SEV_WARNING, path, 0,
			     "the last frame (%zu) cannot be read: showing frame %zu, the last "
			     "that can", n - 1, i);
		show_capture_frame(sh, r, i, n, path);
		return;
	}
}

static void show_capture(struct show *sh, const char *path)
{
	struct fs_diags found = { 0 };   /* the reader's, moved to sh->diags as they come */
	struct fs_capture_reader *r = fs_capture_open(path, &found);
	fs_diags_append(&sh->diags, &found);
	fs_diags_clear(&found);
	if (!r)
		return;
	size_t n = fs_capture_frame_count(r);
	if (n == 0)
		fs_diags_add(&sh->diags, FS_SEV_ERROR, path, 0,
			     "capture without a complete frame");
	size_t first, last;
	bool last_unreadable = false;
	if (select_frames(sh, n, path, false, &first, &last)) {
		for (size_t i = first; i <= last; i++)
			if (!show_capture_frame(sh, r, i, n, path) && i + 1 == n)
				last_unreadable = true;
	}
	fs_diags_append(&sh->diags, &found);
	fs_diags_clear(&found);
	/* Only where the default (the last frame) was asked for, not a given frame. */
	if (last_unreadable && !sh->all && !sh->have_frame)
		show_last_readable(sh, r, n, path, &found);
	fs_diags_clear(&found);
	fs_capture_close_reader(r);
}

static void show_paths(struct show *sh, char **paths, int n)
{
	/* Runs of non-captures go to the loader together, in argument order. */
	int start = 0;
	for (int i = 0; i < n; i++) {
		if (!fs_capture_file_detect(paths[i]))
			continue;
		show_files(sh, (const char *const *)paths + start, (size_t)(i - start));
		show_capture(sh, paths[i]);
		start = i + 1;
	}
	show_files(sh, (const char *const *)paths + start, (size_t)(n - start));
}

static int parse_options(struct show *sh, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "frame", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hjaf:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			sh->json = true;
			break;
		case 'a':
			sh->all = true;
			break;
		case 'f':
			if (!cli_parse_long(optarg, &sh->frame)) {
				cli_error("show: --frame needs a frame number, got \"%s\"", optarg);
				return -1;
			}
			sh->have_frame = true;
			break;
		case 'h':
			cmd_show_usage(stdout);
			return 1;
		case ':':
			cli_error("show: %s needs an argument", argv[optind - 1]);
			return -1;
		default:
			cli_error("show: unknown option \"%s\"; try fragscope help show",
				  argv[optind - 1]);
			return -1;
		}
	}
	if (sh->all && sh->have_frame) {
		cli_error("show: --frame and --all exclude each other");
		return -1;
	}
	return 0;
}

int cmd_show(int argc, char **argv)
{
	struct show sh = { 0 };
	sh.out = stdout;
	sh.proc_root = getenv("FRAGSCOPE_PROC_ROOT");
	if (!sh.proc_root || !*sh.proc_root)
		sh.proc_root = "/proc";
	int rc = parse_options(&sh, argc, argv);
	if (rc != 0)
		return rc > 0 ? FS_EXIT_OK : FS_EXIT_USAGE;

	if (sh.json)
		fprintf(sh.out, "{\n\"fragscope_version\": \"%s\",\n\"frames\": [",
			PACKAGE_VERSION);
	if (optind >= argc)
		show_live(&sh);
	else
		show_paths(&sh, argv + optind, argc - optind);
	if (sh.json) {
		struct json_object *d = fs_diags_to_json(&sh.diags);
		fprintf(sh.out, "\n],\n\"diagnostics\": %s\n}\n",
			json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(d);
	}
	fflush(sh.out);

	/* What went wrong with the inputs goes to stderr in both modes. */
	cli_print_diags(stderr, &sh.diags, "fragscope: ");
	sh.errors += fs_diags_count(&sh.diags, FS_SEV_ERROR);
	fs_diags_clear(&sh.diags);
	if (sh.shown == 0) {
		cli_error("nothing to show");
		return FS_EXIT_BAD_INPUT;
	}
	return sh.errors ? FS_EXIT_PARTIAL : FS_EXIT_OK;
}
