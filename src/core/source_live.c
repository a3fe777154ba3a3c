/*
 * source_live.c - this machine now, as fragscope capture records it: a
 * snapshot of proc_root every interval, plus the warn_alloc reports that
 * /dev/kmsg completed since the previous one, as one frame.
 *
 * Reports wait for the next snapshot (at most one interval) rather than
 * making a frame of their own: frames stay evenly spaced, and the state the
 * kernel printed with the failure is in the report anyway. The kmsg fd is
 * still drained whenever it is readable, so the kernel's ring buffer does
 * not overrun while we wait.
 *
 * Only the newest keep_frames frames stay in memory (a day of watching must
 * not grow); with record_path every frame also goes to a capture, which is
 * complete at each frame boundary.
 *
 * A snapshot that cannot be read (proc_root gone) is a diagnostic and a -1
 * from that poll; the next interval tries again.
 */
#include "config.h"

#include "source_priv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fragscope/capture.h"
#include "fragscope/live.h"
#include "fragscope/util.h"

#define LIVE_DEFAULT_KEEP 120
#define LIVE_MAX_KEEP 100000     /* a day at 1 Hz would be 86,400 */
/* Failed reads in a row reported one by one; after that only every 60th,
 * so that a proc_root gone for a day does not fill the diagnostics. */
#define LIVE_FAILURES_REPORTED 5

struct live {
	char *proc_root;
	double interval;         /* seconds */
	double next_due;         /* monotonic seconds */
	struct src_ring ring;
	struct fs_kmsg *kmsg;
	struct fs_report_list reports;   /* completed by kmsg, not yet in a frame */
	struct fs_capture_writer *writer;
	char *record_path;
	unsigned failures;       /* snapshot reads failed in a row */
};

static struct live *live_of(const struct fs_source *s)
{
	return s->priv;
}

/* Nothing the user recorded is lost: as fragscope capture, an existing
 * non-empty file is not truncated unless they say so. */
static bool refuse_overwrite(const struct fs_live_options *o, struct fs_diags *diags)
{
	long long size;
	if (o->record_force || !fs_capture_would_clobber(o->record_path, &size))
		return false;
	fs_diags_add(diags, FS_SEV_ERROR, o->record_path, 0,
		     "%s already exists (%lld bytes) and may hold a recording: record to another "
		     "name, or force overwriting it", o->record_path, size);
	return true;
}

static struct fs_capture_writer *create_recording(const char *path,
						  const struct fs_snapshot *first,
						  struct fs_diags *diags)
{
	struct fs_capture_header hdr;
	fs_capture_header_init(&hdr, &first->meta);
	return fs_capture_create(path, &hdr, diags);
}

/* The kernel log goes away on a read error; the snapshots go on. */
static void poll_kmsg(struct fs_source *s)
{
	struct live *l = live_of(s);
	if (!l->kmsg || fs_kmsg_poll(l->kmsg) >= 0)
		return;
	fs_kmsg_close(l->kmsg);
	l->kmsg = NULL;
	fs_diags_add(&s->diags, FS_SEV_WARNING, s->name, 0,
		     "watching without the kernel log from now on: allocation failures will not "
		     "be seen");
}

static void record(struct fs_source *s, const struct fs_frame *f)
{
	struct live *l = live_of(s);
	if (!l->writer)
		return;
	int rc = fs_capture_append(l->writer, f);
	if (rc == 0)
		return;
	fs_diags_add(&s->diags, FS_SEV_ERROR, l->record_path, 0,
		     "cannot write the recording: %s; recording stopped at frame %zu",
		     strerror(-rc), f->index);
	fs_capture_close(l->writer);
	l->writer = NULL;
}

/* A frame of snap (may be NULL: events only) and the reports waiting. */
static void add_frame(struct fs_source *s, struct fs_snapshot *snap, double time)
{
	struct live *l = live_of(s);
	struct fs_frame f;
	fs_frame_init(&f);
	f.index = s->count;
	f.time = time;
	f.snapshot = snap;
	f.events = l->reports;   /* the frame takes them */
	memset(&l->reports, 0, sizeof(l->reports));
	record(s, &f);
	src_ring_push(&l->ring, s, &f);
}

/* Read a snapshot: it, or NULL with its diagnostics in the source's. */
static struct fs_snapshot *read_snapshot(struct fs_source *s)
{
	struct live *l = live_of(s);
	struct fs_snapshot *snap = fs_snapshot_new();
	if (fs_live_read(snap, l->proc_root) == 0) {
		if (l->failures)
			fs_diags_add(&s->diags, FS_SEV_NOTE, s->name, 0,
				     "readable again after %u failed snapshots", l->failures);
		l->failures = 0;
		return snap;
	}
	l->failures++;
	if (l->failures <= LIVE_FAILURES_REPORTED || l->failures % 60 == 0) {
		fs_diags_append(&s->diags, &snap->diags);
		fs_diags_add(&s->diags, FS_SEV_WARNING, s->name, 0,
			     "no snapshot this time (%u in a row); trying again in %g s",
			     l->failures, l->interval);
	}
	fs_snapshot_free(snap);
	return NULL;
}

static void schedule_next(struct live *l)
{
	double now = src_now();
	l->next_due += l->interval;
	if (l->next_due < now)
		l->next_due = now + l->interval;   /* slower than the interval: no catching up */
}

static int live_poll(struct fs_source *s)
{
	struct live *l = live_of(s);
	poll_kmsg(s);
	if (src_now() < l->next_due)
		return 0;
	schedule_next(l);
	struct fs_snapshot *snap = read_snapshot(s);
	if (!snap)
		return -1;
	/* Anything odd in a later snapshot (a warning of the checks) stays with
	 * it; the source's diagnostics would otherwise grow every second. */
	add_frame(s, snap, snap->meta.time);
	return 1;
}

static int live_fd(const struct fs_source *s)
{
	const struct live *l = live_of(s);
	return l->kmsg ? fs_kmsg_fd(l->kmsg) : -1;
}

static int live_timeout_ms(const struct fs_source *s)
{
	double left = live_of(s)->next_due - src_now();
	if (left <= 0)
		return 0;
	double ms = ceil(left * 1000.0);
	return ms > 86400000.0 ? 86400000 : (int)ms;
}

static bool live_ended(const struct fs_source *s)
{
	(void)s;
	return false;
}

static int live_read(struct fs_source *s, size_t n, struct fs_frame *out)
{
	src_frame_copy(out, src_ring_get(&live_of(s)->ring, n));
	return 0;
}

/* Reports still open go into a last, events-only frame of the recording. */
static void live_close(struct fs_source *s)
{
	struct live *l = live_of(s);
	if (l->kmsg) {
		fs_kmsg_poll(l->kmsg);
		fs_kmsg_flush(l->kmsg);
		if (l->writer && l->reports.count > 0) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			add_frame(s, NULL, (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
		}
		fs_kmsg_close(l->kmsg);
	}
	if (l->writer && fs_capture_close(l->writer) < 0)
		fs_diags_add(&s->diags, FS_SEV_ERROR, l->record_path, 0,
			     "cannot finish the recording");
	fs_report_list_free(&l->reports);
	src_ring_free(&l->ring);
	free(l->proc_root);
	free(l->record_path);
	free(l);
}

static const struct fs_source_ops live_ops = {
	.fd = live_fd,
	.timeout_ms = live_timeout_ms,
	.poll = live_poll,
	.ended = live_ended,
	.read = live_read,
	.close = live_close,
};

/* Take the first snapshot and open the recording: false (in diags) when either fails. */
static bool live_start(struct fs_source *s, const struct fs_live_options *o,
		       struct fs_diags *diags)
{
	struct live *l = live_of(s);
	struct fs_snapshot *snap = fs_snapshot_new();
	if (fs_live_read(snap, l->proc_root) < 0) {
		fs_diags_append(diags, &snap->diags);
		fs_snapshot_free(snap);
		return false;
	}
	/* The first snapshot's notes (pagetypeinfo needs root, ...) hold for
	 * the whole run: they stay in the source's diagnostics. */
	fs_diags_append(&s->diags, &snap->diags);
	if (o->record_path) {
		l->writer = create_recording(o->record_path, snap, diags);
		if (!l->writer) {
			fs_snapshot_free(snap);
			return false;
		}
		l->record_path = fs_xstrdup(o->record_path);
	}
	poll_kmsg(s);
	l->next_due = src_now() + l->interval;
	add_frame(s, snap, snap->meta.time);
	return true;
}

struct fs_source *fs_source_open_live(const struct fs_live_options *o, struct fs_diags *diags)
{
	struct fs_diags scratch = { 0 };
	if (!diags)
		diags = &scratch;
	struct fs_live_options def = { 0 };
	if (!o)
		o = &def;
	if (o->record_path && refuse_overwrite(o, diags)) {
		fs_diags_clear(&scratch);
		return NULL;
	}
	const char *root = o->proc_root && *o->proc_root ? o->proc_root : "/proc";
	char name[4200];
	snprintf(name, sizeof(name), "live:%s", root);
	struct fs_source *s = src_new(FS_SOURCE_LIVE, &live_ops, name);
	struct live *l = fs_xcalloc(1, sizeof(*l));
	s->priv = l;
	l->proc_root = fs_xstrdup(root);
	l->interval = o->interval > 0 && isfinite(o->interval) ? o->interval : 1.0;
	size_t keep = o->keep_frames ? o->keep_frames : LIVE_DEFAULT_KEEP;
	src_ring_init(&l->ring, keep < LIVE_MAX_KEEP ? keep : LIVE_MAX_KEEP);
	if (o->kmsg_path) {
		/* Snapshots are worth having without it (not root, no /dev/kmsg). */
		l->kmsg = fs_kmsg_open(o->kmsg_path, false, &l->reports, &s->diags);
		if (!l->kmsg)
			fs_diags_add(&s->diags, FS_SEV_WARNING, s->name, 0,
				     "watching without the kernel log: allocation failures will "
				     "not be seen");
	}
	if (!live_start(s, o, diags)) {
		fs_diags_append(diags, &s->diags);
		fs_source_close(s);
		fs_diags_clear(&scratch);
		return NULL;
	}
	fs_diags_clear(&scratch);
	return s;
}
