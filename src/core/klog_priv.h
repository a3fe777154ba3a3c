/*
 * klog_priv.h - what the kernel-log scanner's files share: the parsed line
 * prefix, the kinds of report lines, and the report builder.
 *
 * Private to src/core/klog*.c and bugreport.c.
 */
#ifndef FRAGSCOPE_KLOG_PRIV_H
#define FRAGSCOPE_KLOG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fragscope/klog.h"
#include "fragscope/util.h"

/* Longest message we look at. No warn_alloc line comes near it (the long 4.4
 * zone line is ~700 bytes; a cpuset path is bounded by PATH_MAX); longer
 * lines are unrelated or garbage and are not part of any report. */
#define FS_KLOG_LINE_MAX 8192
/* Bounds on one report, so a hostile log cannot grow one without limit. */
#define FS_KLOG_REPORT_LINES_MAX 20000
#define FS_KLOG_REPORT_BYTES_MAX (4u << 20)
#define FS_KLOG_TRACE_MAX 256
/* Reports kept per scanner; later ones are counted and reported once. */
#define FS_KLOG_REPORTS_MAX 10000

/* What a line prefix said. */
struct klog_prefix {
	bool recognised;        /* some prefix element was found and stripped */
	bool has_stamp;         /* dmesg "[  12.345678]" */
	double stamp;
	bool has_epoch;         /* a full date with a zone (journalctl short-iso) */
	double epoch;
	char wallclock[48];     /* date text as printed, "" when none */
	char host[64];
	int pid, cpu;           /* Android/MediaTek ".(0)[2164:comm]", printk caller "[T2164]" */
	char comm[32];
	bool kmsg;              /* /dev/kmsg record "4,123,456789,-;msg" */
	/* logcat splits "comm: text" into tag and message; the tag (in the line,
	 * padding removed) is to be put back in front: "tag: message" */
	const char *tag;
	size_t tag_len;
};

/* Strip every recognised prefix element; returns the message. */
const char *klog_prefix_parse(const char *line, size_t len, size_t *msg_len,
			      struct klog_prefix *px);

/* Where a report marker starts in a message, or NULL; *comm_start is where
 * the task name before it begins when the prefix is unknown (last word). */
const char *klog_find_header(const char *msg, size_t len, const char **comm_start);

enum klog_kind {
	KL_OTHER,
	KL_HEADER,          /* "COMM: page allocation failure: order:..." */
	KL_VMALLOC_OWN,     /* 4.4: "vmalloc: allocation failure, ..." on its own line */
	KL_CPUSET,          /* 4.19: "COMM cpuset=/ mems_allowed=0" */
	KL_CPUSET_CONT,     /* ",cpuset=/,mems_allowed=0" split off its header */
	KL_CPU,             /* "CPU: 0 PID: 2164 Comm: ... 4.19.176 #2" */
	KL_HEAD_INFO,       /* "Hardware name:", "Workqueue:", "Tainted: [W]=..." */
	KL_STACKWORDS,      /* 4.4 x86 raw stack words */
	KL_CALLTRACE,       /* "Call Trace:" / "Call trace:" / "Backtrace:" */
	KL_FRAME,
	KL_TRACE_MARK,      /* "<IRQ>", "</TASK>", ... */
	KL_REGS,            /* "RIP: 0033:...", "Code: ..." at the end of an x86 trace */
	KL_MEMINFO,         /* "Mem-Info:" */
	KL_COUNTERS,        /* "active_anon:1 inactive_anon:2 ..." (pages) */
	KL_NODE,            /* "Node 0 active_anon:94396kB ..." */
	KL_ZONE,            /* "[Node 0 ]DMA32 free:362116kB min:..." */
	KL_LOWMEM,          /* "lowmem_reserve[]: 0 0 0" */
	KL_AREA,            /* "[Node 0 ]DMA32: 4060*4kB (UMECH) ... = 362032kB" */
	KL_PERCPU,          /* <= 3.x "Node 0 DMA per-cpu:" and "CPU    0: hi:..." */
	KL_HUGEPAGES,       /* "Node 0 hugepages_total=0 ..." */
	KL_SWAP,            /* pagecache and swap lines */
	KL_TRAILER,         /* "345696 pages RAM", ... */
	KL_MEMPROF,         /* 6.12+ "Memory allocations:" */
};

/* Classify a message (prefix already stripped; leading blanks allowed). */
enum klog_kind klog_classify(const char *msg, size_t len);
const char *klog_kind_name(enum klog_kind kind);

/* One stored line of an open report: offsets into the raw text. */
struct klog_line {
	size_t off, len;
	unsigned lineno;
	uint8_t kind;
};

/* The lines of one report and what their prefixes said. */
struct klog_collected {
	const char *source;         /* file name for diagnostics */
	unsigned index;             /* 1-based report number in the source */
	const char *raw;            /* '\n'-joined messages */
	const struct klog_line *lines;
	size_t nr_lines;
	const struct klog_prefix *first_prefix;  /* prefix of the first line */
	bool saw_meminfo;
};

/*
 * Fill r (already initialised: pid/cpu/order -1) from the collected lines:
 * request, task, trace, and, when Mem-Info was printed, r->snapshot with
 * the zones. Problems go to the snapshot's diags when there is one, else
 * to diags.
 */
void klog_build_report(struct fs_report *r, const struct klog_collected *c,
		       struct fs_diags *diags);

/* Parse the Mem-Info part (lines of kinds KL_COUNTERS ... KL_TRAILER) into
 * snap; page size from the free-area lines. klog_zone.c. */
void klog_parse_meminfo(struct fs_snapshot *snap, const struct klog_collected *c,
			const char *release);

/* Small token helpers shared by the files. */
static inline bool klog_isdigit(char c) { return c >= '0' && c <= '9'; }
static inline bool klog_isblank(char c) { return c == ' ' || c == '\t'; }
/* Copy at most n bytes into a fixed buffer, NUL-terminated, control bytes
 * replaced by '?'. */
void klog_copy(char *dst, size_t dst_size, const char *s, size_t n);
/* A short, printable quote of a line for diagnostics. */
void klog_quote(char *dst, size_t dst_size, const char *s, size_t n);

#endif
