/*
 * klog.h - warn_alloc reports in kernel logs.
 *
 * Finds every "page allocation failure" and vmalloc failure report in a log
 * with any line prefix (dmesg "[  12.345678] ", "<4>[...]", syslog
 * "Mon DD HH:MM:SS host kernel: ", journalctl, Android ".(0)[2164:comm]"),
 * and extracts the request, the task, the call trace, the Mem-Info counters
 * and the per-zone state printed with it as a snapshot.
 *
 * The scanner is fed one line at a time so that the live /dev/kmsg reader
 * and the file parser share it. No I/O here.
 */
#ifndef FRAGSCOPE_KLOG_H
#define FRAGSCOPE_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/diag.h"
#include "fragscope/snapshot.h"

enum fs_report_kind {
	FS_REPORT_PAGE_ALLOC,   /* "page allocation failure: order:N, mode:..." */
	FS_REPORT_VMALLOC,      /* "vmalloc: allocation failure..." / "vmalloc error: ..." */
};

struct fs_report {
	enum fs_report_kind kind;
	double timestamp;        /* seconds; see time_base */
	enum fs_time_base time_base;
	bool has_timestamp;
	/* The date as a syslog/journalctl/logcat prefix printed it ("Nov 25 10:00:01",
	 * "2024-11-25T10:00:01+0100"), "" when none. A dmesg stamp wins for
	 * timestamp (FS_TIME_BOOT); a date with a zone gives FS_TIME_EPOCH; a date
	 * without year or zone stays text only. */
	char wallclock[48];
	char comm[64];
	int pid;                 /* -1 when not printed */
	int cpu;                 /* -1 when not printed */
	int order;               /* -1 when not printed (some vmalloc reports) */
	bool has_mode;
	uint64_t mode;           /* raw gfp mask as printed */
	char mode_names[256];    /* "GFP_ATOMIC|__GFP_COMP", "" when not printed (4.4) */
	char nodemask[64];       /* "(null)" or a node list */
	char cpuset[128];
	char mems_allowed[64];
	char kernel_release[128];/* from "CPU: 0 PID: 1 Comm: x Tainted: ... 4.19.176 #2" */
	char message[256];       /* vmalloc text: "vmalloc error: size 8192, ..." */
	char **trace;            /* call trace frames, "warn_alloc+0xf0/0x158" */
	size_t nr_trace;
	struct fs_snapshot *snapshot;  /* the state printed with it; NULL when none */
	unsigned first_line, last_line;  /* in the source, 1-based */
	char *raw;               /* the report's lines, prefixes stripped, '\n'-joined */
};

struct fs_report_list {
	struct fs_report *items;
	size_t count, cap;
};

void fs_report_list_free(struct fs_report_list *l);
void fs_report_clear(struct fs_report *r);
void fs_report_copy(struct fs_report *dst, const struct fs_report *src);

struct fs_klog_scanner;
/* source names the log in diagnostics and in each report's snapshot meta. */
struct fs_klog_scanner *fs_klog_scanner_new(const char *source, struct fs_report_list *out,
					    struct fs_diags *diags);
/* Feed one line (without its newline). lineno is the 1-based line number in
 * the source, or a running record number for /dev/kmsg. */
void fs_klog_feed(struct fs_klog_scanner *sc, const char *line, size_t len, unsigned lineno);
/* End of input: complete a report still open. */
void fs_klog_finish(struct fs_klog_scanner *sc);
void fs_klog_scanner_free(struct fs_klog_scanner *sc);

/* Whole text at once; returns the number of reports found. */
size_t fs_parse_kernel_log(const char *text, size_t len, const char *source,
			   struct fs_report_list *out, struct fs_diags *diags);

/* Strip a known line prefix; returns the message part and fills what the
 * prefix said (timestamp in seconds, or -1). */
const char *fs_klog_strip_prefix(const char *line, size_t len, size_t *msg_len,
				 double *timestamp);

#endif
