/*
 * cli.h - the fragscope program's subcommands and their shared helpers.
 */
#ifndef FRAGSCOPE_CLI_H
#define FRAGSCOPE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "fragscope/diag.h"
#include "fragscope/frame.h"
#include "fragscope/klog.h"
#include "fragscope/snapshot.h"

/* Exit statuses (documented in fragscope(1)). */
enum {
	FS_EXIT_OK = 0,
	FS_EXIT_PARTIAL = 1,   /* something was shown, but some input had errors */
	FS_EXIT_USAGE = 2,
	FS_EXIT_BAD_INPUT = 3, /* nothing usable */
};

struct fs_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);      /* argv[0] is the command name */
	void (*usage)(FILE *out);
};

int cmd_show(int argc, char **argv);
void cmd_show_usage(FILE *out);
int cmd_capture(int argc, char **argv);
void cmd_capture_usage(FILE *out);
int cmd_gfp(int argc, char **argv);
void cmd_gfp_usage(FILE *out);
int cmd_explain(int argc, char **argv);
void cmd_explain_usage(FILE *out);
/* cmd_simulate.c: workloads and ftrace traces on the allocator engine. */
int cmd_simulate(int argc, char **argv);
void cmd_simulate_usage(FILE *out);
/* cmd_tui.c: the interactive view, live (no argument) or replaying files. */
int cmd_live(int argc, char **argv);
void cmd_live_usage(FILE *out);
int cmd_replay(int argc, char **argv);
void cmd_replay_usage(FILE *out);

/* The real snapshot shipped with fragscope (installed, or beside the build),
 * for machines whose /proc cannot be read; NULL when neither is there. */
const char *cli_bundled_snapshot_dir(void);

/* "fragscope: " + message on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Diagnostics on stderr, "warning: source:line: message". */
void cli_print_diags(FILE *out, const struct fs_diags *d, const char *indent);
/* Parse a non-negative number of seconds ("0.2"); false when it is not one. */
bool cli_parse_seconds(const char *s, double *out);
/* Parse a decimal integer, optionally negative; false when it is not one. */
bool cli_parse_long(const char *s, long *out);
/* Nothing the user recorded is lost: true (after "CMD: PATH already exists (N bytes) and may
 * hold a recording: use --force ..." on stderr) when path is an existing non-empty file and
 * force is not set; false when writing it is fine (path NULL included). */
bool cli_refuse_clobber(const char *cmd, const char *path, bool force);

/* show_text.c: the human-readable rendering. */
struct show_position {
	size_t index, total;    /* frame index, number of frames; total 0: not a sequence */
	const char *input;      /* the file it came from, NULL for live */
};
void show_text_frame(FILE *out, const struct fs_frame *f, const struct show_position *pos);
void show_text_snapshot(FILE *out, const struct fs_snapshot *s);
void show_text_report(FILE *out, const struct fs_report *r);

#endif
