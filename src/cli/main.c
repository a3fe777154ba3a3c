/*
 * main.c - fragscope: subcommand dispatch, --help, --version.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fragscope/capture.h"

static const struct fs_command commands[] = {
	{ "live", "the interactive view of this machine (the default)", cmd_live,
	  cmd_live_usage },
	{ "replay", "the interactive view of captures, kernel logs, bugreports", cmd_replay,
	  cmd_replay_usage },
	{ "show", "show free memory per zone, migratetype and order", cmd_show,
	  cmd_show_usage },
	{ "capture", "record this machine's memory and allocation failures", cmd_capture,
	  cmd_capture_usage },
	{ "gfp", "decode, encode and explain a gfp mask for a kernel version", cmd_gfp,
	  cmd_gfp_usage },
	{ "explain", "would an allocation succeed, and why (or why a logged one failed)",
	  cmd_explain, cmd_explain_usage },
	{ "simulate", "run a workload or an ftrace trace on the allocator engine",
	  cmd_simulate, cmd_simulate_usage },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fragscope: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void cli_print_diags(FILE *out, const struct fs_diags *d, const char *indent)
{
	for (size_t i = 0; i < d->count; i++) {
		const struct fs_diag *g = &d->items[i];
		if (g->line)
			fprintf(out, "%s%s: %s:%u: %s\n", indent, fs_severity_name(g->severity),
				g->source, g->line, g->message);
		else
			fprintf(out, "%s%s: %s: %s\n", indent, fs_severity_name(g->severity),
				g->source, g->message);
	}
}

bool cli_parse_seconds(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < 0 || v > 86400.0 * 365)
		return false;
	*out = v;
	return true;
}

bool cli_parse_long(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0)
		return false;
	*out = v;
	return true;
}

bool cli_refuse_clobber(const char *cmd, const char *path, bool force)
{
	long long size;
	if (!path || force || !fs_capture_would_clobber(path, &size))
		return false;
	cli_error("%s: %s already exists (%lld bytes) and may hold a recording: "
		  "use --force to overwrite it, or another name", cmd, path, size);
	return true;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: fragscope [COMMAND] [OPTION...] [FILE...]\n"
		"\n"
		"Show Linux physical-memory fragmentation as the page allocator sees it: free\n"
		"blocks per zone, migratetype and order, watermarks, allocation failures.\n"
		"Without a command: the interactive view of this machine now (fragscope live;\n"
		"fragscope show when the output is not a terminal).\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"  %-10s %s\n"
		"\n"
		"Options:\n"
		"  -h, --help     this help\n"
		"  -V, --version  print the version\n"
		"\n"
		"Exit status: 0 ok, 1 shown but some input had errors, 2 usage error,\n"
		"3 nothing usable. See fragscope(1).\n",
		"help", "help about a command (fragscope help show)");
}

static const struct fs_command *find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return FS_EXIT_OK;
	}
	const struct fs_command *c = find_command(argv[1]);
	if (!c) {
		cli_error("no command \"%s\"; try fragscope --help", argv[1]);
		return FS_EXIT_USAGE;
	}
	c->usage(stdout);
	return FS_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		char *live_argv[] = { (char *)"live", NULL };
		return cmd_live(1, live_argv);
	}
	const char *first = argv[1];
	if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0) {
		usage(stdout);
		return FS_EXIT_OK;
	}
	if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0) {
		printf("fragscope %s\n", PACKAGE_VERSION);
		return FS_EXIT_OK;
	}
	if (strcmp(first, "help") == 0)
		return cmd_help(argc - 1, argv + 1);
	const struct fs_command *c = find_command(first);
	if (c)
		return c->run(argc - 1, argv + 1);
	if (first[0] == '-' || access(first, F_OK) == 0) {
		/* "fragscope --json" and "fragscope dmesg.txt" mean "fragscope show ...". */
		argv[0] = (char *)"show";
		return cmd_show(argc, argv);
	}
	cli_error("no command \"%s\"; commands: live, replay, show, capture, gfp, explain, simulate, "
		  "help", first);
	return FS_EXIT_USAGE;
}
