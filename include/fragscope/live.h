/*
 * live.h - this machine now: the /proc files (meminfo and vmstat through
 * libproc2 where it offers them) and new kernel-log records from /dev/kmsg.
 */
#ifndef FRAGSCOPE_LIVE_H
#define FRAGSCOPE_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "fragscope/klog.h"
#include "fragscope/snapshot.h"

/*
 * Read one snapshot from proc_root ("/proc" for this machine; a directory of
 * dumps in tests). An unreadable pagetypeinfo (not root) is a note, and the
 * snapshot has what buddyinfo allows. Returns 0, or -1 when not even
 * buddyinfo could be read.
 */
int fs_live_read(struct fs_snapshot *snap, const char *proc_root);

/* /dev/kmsg, non-blocking. */
struct fs_kmsg;
/* from_start: also read records already in the ring buffer. */
struct fs_kmsg *fs_kmsg_open(const char *path, bool from_start, struct fs_report_list *out,
			     struct fs_diags *diags);
/* Read every record available now; returns the number of new reports
 * completed, or -1 on a read error other than EAGAIN/EPIPE (EPIPE: records
 * were overwritten before we read them; noted, reading goes on). */
int fs_kmsg_poll(struct fs_kmsg *k);
int fs_kmsg_fd(const struct fs_kmsg *k);
/* Complete a report still open (e.g. when the capture ends). */
void fs_kmsg_flush(struct fs_kmsg *k);
void fs_kmsg_close(struct fs_kmsg *k);

/* Parse one /dev/kmsg record "prio,seq,usec,flags;message": fills the
 * timestamp (seconds since boot) and message (up to the first newline). */
bool fs_kmsg_parse_record(const char *rec, size_t len, double *timestamp, unsigned long long *seq,
			  const char **msg, size_t *msg_len);

#endif
