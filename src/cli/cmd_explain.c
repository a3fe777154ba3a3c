/*
 * cmd_explain.c - fragscope explain [--gfp MASK --order N] [--node N]
 *                 [--kernel VER] [--kconfig LIST] [--json] [INPUT...]
 *
 * Would this allocation succeed here, and why: the verdict (verdict.h) on
 * each snapshot the inputs give, and every warn_alloc report explained on
 * the state printed with it. Text for people (explain_text.c), or one JSON
 * document (docs/explain-json.md). The exit status is the verdict's: with
 * several, the worst in the order 3 > 1 > 2 > 0.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "explain.h"
#include "fragscope/capture.h"
#include "fragscope/fragindex.h"
#include "fragscope/input.h"
#include "fragscope/json.h"
#include "fragscope/kprofile.h"
#include "fragscope/live.h"
#include "fragscope/procfs.h"
#include "fragscope/util.h"
#include "fragscope/verdict.h"

/* A snapshot without --gfp/--order is judged for this request: an ordinary
 * sleeping kernel allocation of PAGE_ALLOC_COSTLY_ORDER, the largest order
 * the kernel still tries hard for (kernel-rules §7.3). */
#define DEFAULT_GFP "GFP_KERNEL"
#define DEFAULT_ORDER 3

struct explain {
	/* options */
	const char *gfp_text;           /* --gfp, or NULL */
	long order;
	bool have_order;
	long node;                      /* -1: the first node */
	const char *kernel;             /* --kernel */
	const struct fs_kprofile *profile;  /* from --kernel, or NULL: each input's own */
	const char *kconfig_text;       /* --kconfig */
	bool json;

	FILE *out;
	const char *proc_root;          /* "/proc", or FRAGSCOPE_PROC_ROOT (tests) */
	char profile_note[160];
	char request_note[192];
	int status;                     /* worst so far; -1 before the first verdict */
	size_t seen;                    /* snapshots and reports found in the inputs */
	size_t judged;                  /* items written */
	struct fs_diags diags;          /* about the inputs and the options */
	struct json_object *items;      /* --json: every item */
};

void cmd_explain_usage(FILE *out)
{
	fprintf(out,
		"usage: fragscope explain [--gfp MASK] [--order N] [--node N] [--kernel VER]\n"
		"                         [--kconfig LIST] [--json] [INPUT...]\n"
		"\n"
		"Would an allocation of (gfp mask, order) succeed, and why, as the page\n"
		"allocator of that kernel version decides: every check with its numbers, the\n"
		"outcome, the decisive reason, the margin, what would change it, the risk\n"
		"factors, and per zone the kernel's fragmentation and unusable index.\n"
		"\n"
		"Without INPUT: this machine now, from /proc. INPUT is anything show reads\n"
		"(- for standard input). Every page allocation failure report in a kernel log,\n"
		"bugreport or capture is explained on the state printed with it, with its own\n"
		"order and mode. With --gfp or --order, that request is judged on every\n"
		"snapshot instead. Without them a snapshot is judged for " DEFAULT_GFP
		", order %d.\n"
		"\n"
		"Options:\n"
		"  --gfp MASK      gfp mask as a value or names of the input's kernel: 0x484020,\n"
		"                  GFP_ATOMIC|__GFP_COMP (default " DEFAULT_GFP ")\n"
		"  --order N       order of the request (default %d; 0 when only --gfp is given)\n"
		"  --node N        preferred NUMA node (default: the first node)\n"
		"  --kernel VER    kernel profile instead of the one the input's release selects:\n"
		"                  a profile name or a release (4.19, 5.10.0-8-amd64)\n"
		"  --kconfig LIST  kernel config that moves gfp bits, comma separated, no- to\n"
		"                  turn off: cma, numa, lockdep, kasan_hw_tags, slab_obj_ext\n"
		"  --json          one JSON document (docs/explain-json.md) instead of text\n"
		"  -h, --help      this help\n"
		"\n"
		"Exit status: 0 succeeds, 1 fails, 2 depends on reclaim or compaction, 3 bad\n"
		"input or usage. With several verdicts, the worst in the order 3, 1, 2, 0.\n",
		DEFAULT_ORDER, DEFAULT_ORDER);
}

/* ---- options */

/* One --kconfig item ("cma", "no-cma", "CONFIG_CMA=n") applied to c. */
static bool kconfig_apply(struct fs_kconfig *c, const char *item, size_t len)
{
	char name[64];
	bool on = true;
	if (len >= sizeof(name))
		return false;
	memcpy(name, item, len);
	name[len] = '\0';
	char *eq = strchr(name, '=');
	if (eq) {
		*eq = '\0';
		if (strcasecmp(eq + 1, "n") == 0 || strcmp(eq + 1, "0") == 0)
			on = false;
		else if (strcasecmp(eq + 1, "y") != 0 && strcmp(eq + 1, "1") != 0)
			return false;
	}
	char *n = name;
	if (strncasecmp(n, "no-", 3) == 0) {
		on = !on;
		n += 3;
	} else if (n[0] == '-' || n[0] == '!') {
		on = !on;
		n++;
	}
	if (strncasecmp(n, "CONFIG_", 7) == 0)
		n += 7;
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{ "cma", offsetof(struct fs_kconfig, cma) },
		{ "numa", offsetof(struct fs_kconfig, numa) },
		{ "lockdep", offsetof(struct fs_kconfig, lockdep) },
		{ "kasan_hw_tags", offsetof(struct fs_kconfig, kasan_hw_tags) },
		{ "slab_obj_ext", offsetof(struct fs_kconfig, slab_obj_ext) },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strcasecmp(n, opts[i].name) == 0) {
			*(bool *)((char *)c + opts[i].off) = on;
			return true;
		}
	}
	return false;
}

/* --kconfig LIST on top of the profile's default config; false names the bad item. */
static bool kconfig_parse(const char *list, const struct fs_kprofile *p, struct fs_kconfig *c,
			  char *bad, size_t bad_size)
{
	fs_kconfig_default(p, c);
	const char *s = list;
	while (*s) {
		size_t len = strcspn(s, ", ");
		if (len && !kconfig_apply(c, s, len)) {
			snprintf(bad, bad_size, "%.*s", (int)len, s);
			return false;
		}
		s += len;
		s += strspn(s, ", ");
	}
	return true;
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("fragscope: explain: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return -1;
}

static int parse_number(const char *opt, const char *arg, long lo, long hi, long *out)
{
	if (!cli_parse_long(arg, out) || *out < lo || *out > hi) {
		fprintf(stderr,
			"fragscope: explain: %s needs a number from %ld to %ld, got \"%s\"\n", opt,
			lo, hi, arg);
		return -1;
	}
	return 0;
}

static int parse_options(struct explain *ex, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gfp", required_argument, NULL, 'g' },
		{ "order", required_argument, NULL, 'o' },
		{ "node", required_argument, NULL, 'n' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "kconfig", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (!*optarg)
				return usage_error("--gfp needs a mask, got \"%s\"", optarg);
			ex->gfp_text = optarg;
			break;
		case 'o':
			if (parse_number("--order", optarg, 0, 63, &ex->order) < 0)
				return -1;
			ex->have_order = true;
			break;
		case 'n':
			if (parse_number("--node", optarg, 0, FS_MAX_NODES - 1, &ex->node) < 0)
				return -1;
			break;
		case 'k':
			ex->kernel = optarg;
			break;
		case 'c':
			ex->kconfig_text = optarg;
			break;
		case 'j':
			ex->json = true;
			break;
		case 'h':
			cmd_explain_usage(stdout);
			return 1;
		case ':':
			return usage_error("%s needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option \"%s\"; try fragscope help explain",
					   argv[optind - 1]);
		}
	}
	if (ex->kernel) {
		ex->profile = fs_kprofile_by_name(ex->kernel);
		if (!ex->profile) {
			size_t n;
			const struct fs_kprofile *const *all = fs_kprofiles(&n);
			fprintf(stderr,
				"fragscope: explain: no kernel profile for \"%s\"; profiles:",
				ex->kernel);
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, " %s", all[i]->name);
			fputc('\n', stderr);
			return -1;
		}
		snprintf(ex->profile_note, sizeof(ex->profile_note), "chosen with --kernel %s",
			 ex->kernel);
	}
	if (ex->kconfig_text) {
		/* Check the names once, whatever profile each input selects. */
		struct fs_kconfig cfg;
		char bad[64];
		size_t n;
		const struct fs_kprofile *p = ex->profile ? ex->profile : fs_kprofiles(&n)[0];
		if (!kconfig_parse(ex->kconfig_text, p, &cfg, bad, sizeof(bad)))
			return usage_error("--kconfig: unknown option \"%s\" (known: cma, "
					   "numa, lockdep, kasan_hw_tags, slab_obj_ext; no- turns "
					   "one off)", bad);
	}
	if (ex->gfp_text || ex->have_order)
		snprintf(ex->request_note, sizeof(ex->request_note), "%s",
			 !ex->gfp_text ? "--order given, gfp " DEFAULT_GFP " by default"
			 : !ex->have_order ? "--gfp given, order 0 by default" : "as given");
	else
		snprintf(ex->request_note, sizeof(ex->request_note),
			 "the default request (no --gfp or --order given)");
	return 0;
}

/* ---- the items */

static bool user_request(const struct explain *ex)
{
	return ex->gfp_text || ex->have_order;
}

/* The worse of two statuses, in the order 3 bad input > 1 fails > 2 depends
 * > 0 succeeds: a failure is news, "depends" is a maybe. */
static int worse_status(int a, int b)
{
	static const int rank[] = { 0, 2, 1, 3 };
	int ra = a >= 0 && a <= 3 ? rank[a] : 3;
	int rb = b >= 0 && b <= 3 ? rank[b] : 3;
	return ra >= rb ? a : b;
}

static void record_status(struct explain *ex, int status)
{
	ex->status = ex->status < 0 ? status : worse_status(ex->status, status);
}

/* The profile an input will be judged with: --kernel, else its release's
 * (the same choice the verdict makes when given no profile). */
static const struct fs_kprofile *profile_for(const struct explain *ex, const char *release)
{
	if (ex->profile)
		return ex->profile;
	bool guessed;
	char why[160];
	return fs_kprofile_for_release(release, &guessed, why, sizeof(why));
}

/* --kconfig on top of p's default config, or NULL: the verdict's default. */
static const struct fs_kconfig *config_for(const struct explain *ex,
					   const struct fs_kprofile *p, struct fs_kconfig *buf)
{
	char bad[64];
	if (!ex->kconfig_text)
		return NULL;
	kconfig_parse(ex->kconfig_text, p, buf, bad, sizeof(bad));
	return buf;
}

/* The request for one snapshot; false (with a diagnostic) when the mask
 * does not parse for the snapshot's kernel. */
static bool build_request(struct explain *ex, const struct fs_snapshot *snap, const char *source,
			  struct fs_verdict_request *req, struct fs_kconfig *cfg_buf)
{
	memset(req, 0, sizeof(*req));
	const struct fs_kprofile *p = profile_for(ex, snap->meta.kernel_release);
	req->profile = ex->profile;
	req->config = config_for(ex, p, cfg_buf);
	req->node = (int)ex->node;
	struct fs_kconfig def;
	const struct fs_kconfig *cfg = req->config;
	if (!cfg) {
		fs_kconfig_default(p, &def);
		cfg = &def;
	}
	const char *text = ex->gfp_text ? ex->gfp_text : DEFAULT_GFP;
	char unknown[256] = "";
	if (!fs_gfp_parse(p, cfg, text, &req->gfp, unknown, sizeof(unknown))) {
		fs_diags_add(&ex->diags, FS_SEV_ERROR, source, 0,
			     "--gfp %s: %s unknown to kernel profile %s", text,
			     unknown[0] ? unknown : "not a mask", p->name);
		return false;
	}
	req->order = ex->have_order ? (int)ex->order : ex->gfp_text ? 0 : DEFAULT_ORDER;
	return true;
}

static void add_json_item(struct explain *ex, const struct explain_origin *o, const char *kind,
			  struct json_object *body_key_value, const char *body_key,
			  const struct fs_snapshot *snap, int order, int status)
{
	struct json_object *it = json_object_new_object();
	json_object_object_add(it, "kind", json_object_new_string(kind));
	json_object_object_add(it, "input", json_object_new_string(o->input ? o->input : ""));
	if (o->nr_frames)
		json_object_object_add(it, "frame", json_object_new_int64((int64_t)o->frame_index));
	if (o->report_index)
		json_object_object_add(it, "report_index",
				       json_object_new_int64((int64_t)o->report_index));
	json_object_object_add(it, "request_source",
			       json_object_new_string(strcmp(kind, "report") == 0 ? "report"
						      : user_request(ex) ? "options" : "default"));
	json_object_object_add(it, "exit_status", json_object_new_int(status));
	json_object_object_add(it, body_key, body_key_value);
	json_object_object_add(it, "fragmentation", snap && snap->nr_zones
			       ? explain_fragmentation_json(snap, order) : NULL);
	json_object_object_add(it, "diagnostics", snap ? fs_diags_to_json(&snap->diags)
						      : json_object_new_array());
	json_object_array_add(ex->items, it);
}

static void separate(struct explain *ex)
{
	if (!ex->json && ex->judged)
		fputc('\n', ex->out);
	ex->judged++;
}

/* A snapshot judged for the request of the options (or the default one).
 * report: the report whose printed state snap is, for the header; may be NULL. */
static void judge_snapshot(struct explain *ex, const struct fs_snapshot *snap,
			   const struct fs_report *report, struct explain_origin *o)
{
	struct fs_verdict_request req;
	struct fs_kconfig cfg;
	ex->seen++;
	if (!build_request(ex, snap, o->input ? o->input : snap->meta.source, &req, &cfg)) {
		record_status(ex, EXPLAIN_EXIT_BAD_INPUT);
		return;
	}
	struct fs_verdict v;
	fs_verdict_init(&v);
	int rc = fs_verdict_run(snap, &req, &v);
	if (ex->profile)
		fs_copy_str(v.profile_why, sizeof(v.profile_why), ex->profile_note);
	/* No zones at all: nothing was judged. Otherwise the verdict's outcome
	 * (an order beyond the kernel's maximum really fails there). */
	int status = rc < 0 && snap->nr_zones == 0 ? EXPLAIN_EXIT_BAD_INPUT
						   : fs_outcome_exit_status(v.outcome);
	record_status(ex, status);
	o->request_note = ex->request_note;
	separate(ex);
	if (ex->json)
		add_json_item(ex, o, "verdict", fs_verdict_to_json(&v), "verdict", snap, v.order,
			      status);
	else
		explain_text_verdict(ex->out, o, &v, snap, report);
	fs_verdict_clear(&v);
}

/* A report explained on its own printed state (snap: that state, or NULL). */
static void explain_report(struct explain *ex, struct fs_report *r, struct fs_snapshot *snap,
			   struct explain_origin *o)
{
	const struct fs_kprofile *p = profile_for(ex, r->kernel_release);
	struct fs_kconfig cfg;
	const struct fs_kconfig *config = config_for(ex, p, &cfg);
	struct fs_explanation e;
	ex->seen++;
	fs_explanation_init(&e);
	/* The loader moved the printed state into the frame; lend it back. */
	struct fs_snapshot *own = r->snapshot;
	if (!own)
		r->snapshot = snap;
	fs_explain_report(r, ex->profile, config, &e);
	if (ex->profile)
		fs_copy_str(e.verdict.profile_why, sizeof(e.verdict.profile_why),
			    ex->profile_note);
	int status = fs_outcome_exit_status(e.verdict.outcome);
	record_status(ex, status);
	o->request_note = "the report's own order and mode";
	separate(ex);
	if (ex->json)
		add_json_item(ex, o, "report", fs_explanation_to_json(&e, r), "explanation",
			      e.has_state ? r->snapshot : NULL, e.verdict.order, status);
	else
		explain_text_explanation(ex->out, o, &e, r, e.has_state ? r->snapshot : NULL);
	r->snapshot = own;
	fs_explanation_clear(&e);
}

/*
 * One frame. Reports are explained with their own request unless the
 * options give one; then the request is judged on the frame's snapshot
 * (for a kernel log: the state printed with the report). log_frames: the
 * frame comes from the loader, where a report's printed state is the
 * frame's snapshot; a capture's reports keep their own.
 */
static void explain_frame(struct explain *ex, struct fs_frame *f, struct explain_origin *o,
			  size_t *report_counter, bool log_frames, bool judge_snapshot_too)
{
	for (size_t i = 0; i < f->events.count; i++) {
		struct fs_report *r = &f->events.items[i];
		struct fs_snapshot *state = r->snapshot ? r->snapshot
					    : log_frames ? f->snapshot : NULL;
		o->report_index = ++*report_counter;
		if (!user_request(ex)) {
			explain_report(ex, r, state, o);
		} else if (state) {
			judge_snapshot(ex, state, r, o);
		} else {
			fs_diags_add(&ex->diags, FS_SEV_NOTE, o->input ? o->input : "(input)",
				     r->first_line, "report %zu printed no per-zone state: "
				     "nothing to judge --gfp/--order on", o->report_index);
		}
	}
	o->report_index = 0;
	/* A log frame's snapshot is its report's printed state, judged above;
	 * of a capture only the last frame's snapshot is judged. */
	bool judge = log_frames ? f->events.count == 0 : judge_snapshot_too;
	if (f->snapshot && judge)
		judge_snapshot(ex, f->snapshot, NULL, o);
}

static void explain_files(struct explain *ex, const char *const *paths, size_t n)
{
	if (n == 0)
		return;
	struct fs_frame_list frames = { 0 };
	fs_input_load(paths, n, &frames, &ex->diags);
	size_t reports = 0;
	for (size_t i = 0; i < frames.count; i++) {
		struct fs_frame *f = &frames.items[i];
		struct explain_origin o = { 0 };
		/* Dumps given together merge into one snapshot named after them. */
		o.input = n > 1 && f->snapshot ? f->snapshot->meta.source
			  : strcmp(paths[0], "-") == 0 ? "(stdin)" : paths[0];
		explain_frame(ex, f, &o, &reports, true, false);
	}
	fs_frame_list_free(&frames);
}

/* A capture: every report it recorded, and its last frame's snapshot. */
static void explain_capture(struct explain *ex, const char *path)
{
	struct fs_capture_reader *r = fs_capture_open(path, &ex->diags);
	if (!r)
		return;
	size_t n = fs_capture_frame_count(r);
	if (n == 0)
		fs_diags_add(&ex->diags, FS_SEV_ERROR, path, 0, "capture without a complete frame");
	size_t reports = 0, last_read = n;
	for (size_t i = 0; i < n; i++) {
		struct fs_frame f;
		fs_frame_init(&f);
		if (fs_capture_read_frame(r, i, &f) == 0) {
			struct explain_origin o = { .input = path, .frame_index = i,
						    .nr_frames = n };
			explain_frame(ex, &f, &o, &reports, false, i + 1 == n);
			last_read = i;
		}
		fs_frame_clear(&f);
	}
	/* The last frame cannot be read (the reader said why): judge the last
	 * snapshot that can, rather than none. */
	if (last_read + 1 < n) {
		struct fs_frame f;
		fs_frame_init(&f);
		if (fs_capture_read_frame(r, last_read, &f) == 0 && f.snapshot) {
			struct explain_origin o = { .input = path, .frame_index = last_read,
						    .nr_frames = n };
			fs_diags_add(&ex->diags, FS_SEV_WARNING, path, 0,
				     "the last frame (%zu) cannot be read: judging frame %zu, the "
				     "last that can", n - 1, last_read);
			judge_snapshot(ex, f.snapshot, NULL, &o);
		}
		fs_frame_clear(&f);
	}
	fs_capture_close_reader(r);
}

enum input_kind { INPUT_DUMPS, INPUT_ALONE, INPUT_CAPTURE };

/* Captures are read frame by frame; logs and bugreports alone, so that every
 * report is labelled with its file; proc dumps (and what cannot be told from
 * its head) go to the loader together, so that the dumps of one moment merge. */
static enum input_kind input_kind(const char *path)
{
	static char head[128 * 1024];   /* the detector looks at the first 200 lines */
	if (strcmp(path, "-") == 0)
		return INPUT_ALONE;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return INPUT_DUMPS;     /* the loader says what is wrong with it */
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	if (n <= 0)
		return INPUT_DUMPS;
	if (fs_capture_detect(head, (size_t)n))
		return INPUT_CAPTURE;
	enum fs_text_kind k = fs_detect_text(head, (size_t)n);
	return k == FS_TEXT_KERNEL_LOG || k == FS_TEXT_BUGREPORT ? INPUT_ALONE : INPUT_DUMPS;
}

static void explain_paths(struct explain *ex, char **paths, int n)
{
	int start = 0;          /* the run of dumps not yet loaded */
	for (int i = 0; i < n; i++) {
		enum input_kind k = input_kind(paths[i]);
		if (k == INPUT_DUMPS)
			continue;
		explain_files(ex, (const char *const *)paths + start, (size_t)(i - start));
		if (k == INPUT_CAPTURE)
			explain_capture(ex, paths[i]);
		else
			explain_files(ex, (const char *const *)paths + i, 1);
		start = i + 1;
	}
	explain_files(ex, (const char *const *)paths + start, (size_t)(n - start));
}

/* This machine now. No bundled stand-in here: a verdict about another
 * machine's memory would answer a question nobody asked. */
static void explain_live(struct explain *ex)
{
	struct fs_snapshot *s = fs_snapshot_new();
	if (fs_live_read(s, ex->proc_root) < 0) {
		fs_diags_append(&ex->diags, &s->diags);
		fs_diags_add(&ex->diags, FS_SEV_ERROR, "live:/proc", 0,
			     "this machine's memory cannot be read: give a file to explain");
	} else {
		struct explain_origin o = { .input = s->meta.source[0] ? s->meta.source
							      : "live:/proc" };
		judge_snapshot(ex, s, NULL, &o);
	}
	fs_snapshot_free(s);
}

static void finish_json(struct explain *ex, int status)
{
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "fragscope_version", json_object_new_string(PACKAGE_VERSION));
	struct json_object *req = json_object_new_object();
	json_object_object_add(req, "source", json_object_new_string(
		user_request(ex) ? "options" : "default or reports"));
	json_object_object_add(req, "gfp", json_object_new_string(
		ex->gfp_text ? ex->gfp_text : DEFAULT_GFP));
	json_object_object_add(req, "order", json_object_new_int(
		ex->have_order ? (int)ex->order : ex->gfp_text ? 0 : DEFAULT_ORDER));
	json_object_object_add(req, "node", json_object_new_int((int)ex->node));
	json_object_object_add(req, "kernel", ex->kernel ? json_object_new_string(ex->kernel)
							 : NULL);
	json_object_object_add(req, "kconfig", ex->kconfig_text
			       ? json_object_new_string(ex->kconfig_text) : NULL);
	json_object_object_add(doc, "request", req);
	json_object_object_add(doc, "items", ex->items);
	ex->items = NULL;
	json_object_object_add(doc, "exit_status", json_object_new_int(status));
	json_object_object_add(doc, "diagnostics", fs_diags_to_json(&ex->diags));
	fputs(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE), ex->out);
	fputc('\n', ex->out);
	json_object_put(doc);
}

int cmd_explain(int argc, char **argv)
{
	struct explain ex = { 0 };
	ex.out = stdout;
	ex.node = -1;
	ex.status = -1;
	ex.proc_root = getenv("FRAGSCOPE_PROC_ROOT");
	if (!ex.proc_root || !*ex.proc_root)
		ex.proc_root = "/proc";
	int rc = parse_options(&ex, argc, argv);
	if (rc != 0)
		return rc > 0 ? FS_EXIT_OK : EXPLAIN_EXIT_BAD_INPUT;
	if (ex.json)
		ex.items = json_object_new_array();

	if (optind >= argc)
		explain_live(&ex);
	else
		explain_paths(&ex, argv + optind, argc - optind);

	/* An input that could not be used is bad input, whatever else was judged. */
	if (fs_diags_count(&ex.diags, FS_SEV_ERROR) > 0)
		record_status(&ex, EXPLAIN_EXIT_BAD_INPUT);
	if (ex.judged == 0)
		record_status(&ex, EXPLAIN_EXIT_BAD_INPUT);
	int status = ex.status < 0 ? EXPLAIN_EXIT_BAD_INPUT : ex.status;
	if (ex.json)
		finish_json(&ex, status);
	fflush(ex.out);

	cli_print_diags(stderr, &ex.diags, "fragscope: ");
	if (ex.judged == 0 && ex.seen == 0)
		cli_error("explain: nothing to judge: no snapshot and no allocation failure "
			  "report");
	else if (ex.judged == 0)
		cli_error("explain: nothing judged");
	fs_diags_clear(&ex.diags);
	return status;
}

/* ---- JSON of the fragmentation measures */

static struct json_object *index_json(int value, bool exact)
{
	struct json_object *o = json_object_new_object();
	char text[8];
	fs_index_format(value, text);
	json_object_object_add(o, "value", json_object_new_int(value));
	json_object_object_add(o, "text", json_object_new_string(text));
	json_object_object_add(o, "exact", json_object_new_boolean(exact));
	return o;
}

struct json_object *explain_fragmentation_json(const struct fs_snapshot *snap, int order)
{
	struct json_object *o = json_object_new_object();
	struct json_object *zones = json_object_new_array();
	json_object_object_add(o, "order", json_object_new_int(order));
	for (size_t i = 0; i < snap->nr_zones; i++) {
		const struct fs_zone *z = &snap->zones[i];
		if (!z->populated)
			continue;
		bool e1 = true, e2 = true;
		int fi = fs_fragmentation_index(z, order, &e1);
		int ui = fs_unusable_index(z, order, &e2);
		struct json_object *zo = json_object_new_object();
		json_object_object_add(zo, "node", json_object_new_int(z->node));
		json_object_object_add(zo, "zone", json_object_new_string(z->name));
		json_object_object_add(zo, "fragmentation_index", index_json(fi, e1));
		json_object_object_add(zo, "unusable_index", index_json(ui, e2));
		json_object_array_add(zones, zo);
	}
	json_object_object_add(o, "zones", zones);
	return o;
}
