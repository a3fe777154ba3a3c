/*
 * cmd_tui.c - the interactive view from the command line:
 *
 *   fragscope [live] [-i S] [--record FILE] [view options]
 *   fragscope replay [view options] FILE...
 *
 * Live watches this machine; where its /proc cannot be read the bundled
 * snapshot is replayed instead, and the view says so. Without a terminal
 * (a pipe, a script) the live view falls back to `fragscope show`.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fragscope/source.h"
#include "fragscope/theme.h"
#include "fragscope/tui.h"
#include "fragscope/util.h"

struct tui_cli {
	struct fs_tui_options view;
	struct fs_live_options live;
	bool live_mode;
	const char *exec;        /* --exec: a child process streaming a capture */
};

static const char *const theme_dirs[] = { FS_DATADIR "/themes", FS_SRCDIR "/themes" };

static void view_options_usage(FILE *out)
{
	fprintf(out,
		"View options:\n"
		"  --gfp MASK        the request to judge (names or hex; default: the last\n"
		"                    failure's, else GFP_KERNEL)\n"
		"  --order N         its order (default: the last failure's, else 3)\n"
		"  --kernel VER      judge with this kernel profile (default: the snapshot's)\n"
		"  --theme NAME      colours: default, light, colorblind, mono, or a file;\n"
		"                    looked up in ~/.config/fragscope/themes, then the installed ones\n"
		"                    (--theme list prints the themes found)\n"
		"  --mono            no colour (also when NO_COLOR is set)\n"
		"  --ascii           no UTF-8 line and block characters\n"
		"  -h, --help        this help\n"
		"Keys: ? or F1 in the view; q quits.\n");
}

void cmd_live_usage(FILE *out)
{
	fprintf(out,
		"usage: fragscope [live] [-i S] [--record FILE [--force]] [OPTION...]\n"
		"\n"
		"Watch this machine's memory: free blocks per zone, migratetype and order,\n"
		"refreshed every S seconds, page allocation failures as the kernel logs them,\n"
		"and the verdict for a request. Where /proc cannot be read, the bundled\n"
		"snapshot is shown instead. Without a terminal: fragscope show.\n"
		"\n"
		"  -i, --interval S  seconds between snapshots (default 1)\n"
		"  --record FILE     write everything seen to the capture FILE\n"
		"  --force           overwrite an existing FILE\n"
		"  --proc-root DIR   read DIR/buddyinfo ... instead of /proc\n"
		"  --kmsg PATH       kernel log records (default /dev/kmsg; \"none\")\n"
		"  --exec CMD        frames from CMD's output instead (a capture stream, e.g.\n"
		"                    \"ssh host fragscope capture -o /dev/stdout\"), run by /bin/sh\n");
	view_options_usage(out);
}

void cmd_replay_usage(FILE *out)
{
	fprintf(out,
		"usage: fragscope replay [OPTION...] FILE...\n"
		"\n"
		"Replay captures, kernel logs (each page allocation failure is a frame),\n"
		"bugreports and proc dumps (several dumps of one moment are merged).\n"
		"\n"
		"  --speed X         replay speed factor (default 1)\n"
		"  --paused          start paused\n");
	view_options_usage(out);
}

enum {
	OPT_GFP = 256, OPT_ORDER, OPT_KERNEL, OPT_THEME, OPT_MONO, OPT_ASCII, OPT_RECORD,
	OPT_FORCE, OPT_PROC_ROOT, OPT_KMSG, OPT_EXEC, OPT_SPEED, OPT_PAUSED,
};

static const struct option long_opts[] = {
	{ "gfp", required_argument, NULL, OPT_GFP },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "mono", no_argument, NULL, OPT_MONO },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "interval", required_argument, NULL, 'i' },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
	{ "kmsg", required_argument, NULL, OPT_KMSG },
	{ "exec", required_argument, NULL, OPT_EXEC },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "paused", no_argument, NULL, OPT_PAUSED },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static bool live_only(int opt)
{
	return opt == 'i' || opt == OPT_RECORD || opt == OPT_FORCE || opt == OPT_PROC_ROOT ||
	       opt == OPT_KMSG || opt == OPT_EXEC;
}

static void list_themes(void)
{
	char names[64][64];
	size_t n = fs_theme_list(theme_dirs, sizeof(theme_dirs) / sizeof(theme_dirs[0]), names, 64);
	for (size_t i = 0; i < n; i++)
		printf("%s\n", names[i]);
}

/* One option; 0 ok, -1 error (said), 1 help or list shown. */
static int take_option(struct tui_cli *c, int opt, const char *cmd, const char *arg)
{
	long n;
	double d;
	if (live_only(opt) && !c->live_mode) {
		cli_error("%s: that option is for the live view (fragscope live)", cmd);
		return -1;
	}
	switch (opt) {
	case OPT_GFP: c->view.gfp = arg; return 0;
	case OPT_ORDER:
		if (!cli_parse_long(arg, &n) || n < 0 || n >= FS_MAX_ORDERS) {
			cli_error("%s: --order needs 0 to %d, got \"%s\"", cmd, FS_MAX_ORDERS - 1, arg);
			return -1;
		}
		c->view.order = (int)n;
		return 0;
	case OPT_KERNEL: c->view.kernel = arg; return 0;
	case OPT_THEME:
		if (strcmp(arg, "list") == 0) {
			list_themes();
			return 1;
		}
		c->view.theme = arg;
		return 0;
	case OPT_MONO: c->view.mono = true; return 0;
	case OPT_ASCII: c->view.ascii = true; return 0;
	case 'i':
		if (!cli_parse_seconds(arg, &d) || d < 0.05) {
			cli_error("%s: --interval needs seconds (at least 0.05), got \"%s\"", cmd, arg);
			return -1;
		}
		c->live.interval = d;
		return 0;
	case OPT_RECORD:
		c->live.record_path = arg;
		c->view.recording = arg;
		return 0;
	case OPT_FORCE: c->live.record_force = true; return 0;
	case OPT_PROC_ROOT: c->live.proc_root = arg; return 0;
	case OPT_KMSG: c->live.kmsg_path = strcmp(arg, "none") == 0 ? NULL : arg; return 0;
	case OPT_EXEC: c->exec = arg; return 0;
	case OPT_SPEED:
		if (!cli_parse_seconds(arg, &d) || d <= 0) {
			cli_error("%s: --speed needs a factor > 0, got \"%s\"", cmd, arg);
			return -1;
		}
		c->view.speed = d;
		return 0;
	case OPT_PAUSED: c->view.paused = true; return 0;
	case 'h':
		c->live_mode ? cmd_live_usage(stdout) : cmd_replay_usage(stdout);
		return 1;
	default:
		return -1;
	}
}

static int parse_options(struct tui_cli *c, int argc, char **argv, const char *cmd)
{
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hi:", long_opts, NULL)) != -1) {
		if (opt == ':') {
			cli_error("%s: %s needs an argument", cmd, argv[optind - 1]);
			return -1;
		}
		if (opt == '?') {
			cli_error("%s: unknown option \"%s\"; try fragscope help %s", cmd,
				  argv[optind - 1], cmd);
			return -1;
		}
		int rc = take_option(c, opt, cmd, optarg);
		if (rc)
			return rc;
	}
	return 0;
}

static void init_cli(struct tui_cli *c, bool live)
{
	memset(c, 0, sizeof(*c));
	c->live_mode = live;
	c->view.order = -1;
	c->view.theme_dirs = theme_dirs;
	c->view.nr_theme_dirs = sizeof(theme_dirs) / sizeof(theme_dirs[0]);
	c->live.kmsg_path = "/dev/kmsg";
	c->live.interval = 1.0;
	/* The view keeps its own trend history and copies of the failures it
	 * lists: a few frames are enough (each is some 50 KiB of a big machine). */
	c->live.keep_frames = 8;
}

/* What the source found odd, on the terminal the view has given back (the
 * view showed them one at a time in its status bar). */
#define EXIT_DIAGS_MAX 20
static bool print_source_diags(const struct fs_source *src)
{
	const struct fs_diags *all = fs_source_diags(src);
	if (!all || all->count == 0)
		return false;
	bool errors = false;
	for (size_t i = 0; i < all->count; i++)
		errors |= all->items[i].severity == FS_SEV_ERROR;
	struct fs_diags first = *all;
	if (first.count > EXIT_DIAGS_MAX)
		first.count = EXIT_DIAGS_MAX;
	cli_print_diags(stderr, &first, "fragscope: ");
	if (all->count > EXIT_DIAGS_MAX)
		cli_error("... and %zu more", all->count - EXIT_DIAGS_MAX);
	return errors;
}

static int run_view(struct fs_source *src, const struct tui_cli *c)
{
	struct fs_diags d = { 0 };
	int rc = fs_tui_run(src, &c->view, &d);
	bool input_errors = print_source_diags(src);
	fs_source_close(src);   /* completes a recording */
	cli_print_diags(stderr, &d, "fragscope: ");
	fs_diags_clear(&d);
	if (rc > 0) {
		/* Ended by a signal: die of it, now that the terminal is restored and
		 * the recording complete, so the caller sees 128 + signal. */
		signal(rc, SIG_DFL);
		raise(rc);
	}
	if (rc != 0)
		return FS_EXIT_BAD_INPUT;
	/* as show does: the view was shown, but some input had errors */
	return input_errors ? FS_EXIT_PARTIAL : FS_EXIT_OK;
}

/* This machine's /proc cannot be read: replay the bundled snapshot, and
 * say so where the user looks (the status bar). */
static struct fs_source *open_bundled(const struct fs_diags *why, struct tui_cli *c)
{
	static char note[512];
	const char *dir = cli_bundled_snapshot_dir();
	if (!dir)
		return NULL;
	struct fs_diags d = { 0 };
	struct fs_source *src = fs_source_open_replay(&dir, 1, &d);
	fs_diags_clear(&d);
	if (!src)
		return NULL;
	char reason[200];
	fs_copy_str(reason, sizeof(reason), why->count ? why->items[0].message : "?");
	int n = snprintf(note, sizeof(note), "this machine's memory cannot be read (%s): "
			 "showing the bundled snapshot %s", reason, dir);
	(void)n;   /* a long path is cut; the reason comes first */
	c->view.note = note;
	c->view.paused = true;
	return src;
}

int cmd_live(int argc, char **argv)
{
	struct tui_cli c;
	init_cli(&c, true);
	int rc = parse_options(&c, argc, argv, "live");
	if (rc)
		return rc > 0 ? FS_EXIT_OK : FS_EXIT_USAGE;
	if (optind < argc) {
		cli_error("live: unexpected argument \"%s\" (to replay files: fragscope replay "
			  "FILE)", argv[optind]);
		return FS_EXIT_USAGE;
	}
	if (!isatty(STDOUT_FILENO) && !c.exec) {
		/* No terminal: the text view of this machine now (show reads its
		 * proc root from the environment). */
		if (c.live.proc_root)
			setenv("FRAGSCOPE_PROC_ROOT", c.live.proc_root, 1);
		char *show_argv[] = { (char *)"show", NULL };
		return cmd_show(1, show_argv);
	}
	/* The tests point "this machine" elsewhere, as they do for show. */
	bool own_proc = !c.live.proc_root;
	if (own_proc && getenv("FRAGSCOPE_PROC_ROOT") && *getenv("FRAGSCOPE_PROC_ROOT"))
		c.live.proc_root = getenv("FRAGSCOPE_PROC_ROOT");
	struct fs_diags d = { 0 };
	struct fs_source *src;
	if (c.exec) {
		char *child_argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)c.exec, NULL };
		src = fs_source_open_child(child_argv, &d);
	} else {
		src = fs_source_open_live(&c.live, &d);
	}
	if (!src && !c.exec && !c.live.record_path && own_proc)
		src = open_bundled(&d, &c);
	if (!src) {
		cli_print_diags(stderr, &d, "fragscope: ");
		fs_diags_clear(&d);
		return FS_EXIT_BAD_INPUT;
	}
	fs_diags_clear(&d);
	return run_view(src, &c);
}

int cmd_replay(int argc, char **argv)
{
	struct tui_cli c;
	init_cli(&c, false);
	int rc = parse_options(&c, argc, argv, "replay");
	if (rc)
		return rc > 0 ? FS_EXIT_OK : FS_EXIT_USAGE;
	if (optind >= argc) {
		cli_error("replay: which file? fragscope replay FILE... (captures, kernel logs, "
			  "bugreports, proc dumps)");
		return FS_EXIT_USAGE;
	}
	struct fs_diags d = { 0 };
	struct fs_source *src = fs_source_open_replay((const char *const *)argv + optind,
						      (size_t)(argc - optind), &d);
	if (!src) {
		cli_print_diags(stderr, &d, "fragscope: ");
		fs_diags_clear(&d);
		return FS_EXIT_BAD_INPUT;
	}
	/* What could not be read is said in the view (the screen would hide
	 * stderr) and again on it when the view ends. */
	char note[640];
	if (d.count) {
		const struct fs_diag *g = &d.items[0];
		char what[300];
		fs_copy_str(what, sizeof(what), g->message);
		char where[200];
		fs_copy_str(where, sizeof(where), g->source);
		char line[16] = "";
		if (g->line)
			snprintf(line, sizeof(line), ":%u", g->line);
		int n = snprintf(note, sizeof(note), "%s%s: %s%s", where, line, what,
				 d.count > 1 ? " (and more, listed on exit)" : "");
		(void)n;   /* cut when long; where it is comes first */
		c.view.note = note;
	}
	rc = run_view(src, &c);
	cli_print_diags(stderr, &d, "fragscope: ");
	fs_diags_clear(&d);
	return rc;
}
