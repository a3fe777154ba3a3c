/*
 * capture_write.c - recording frames to a capture file.
 *
 * Each document (the header, then one per frame) is serialised to memory
 * first and then written with one write(2) on an O_APPEND descriptor: a
 * writer killed at any moment leaves complete documents followed by at most
 * one partial one, which the reader recognises (no "..." line) and drops.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "capture_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fragscope/frame.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

struct fs_capture_writer {
	int fd;
	unsigned keyframe_interval;
	size_t nr_frames;
	struct fs_snapshot *prev;   /* the last frame's snapshot: base of the next delta */
	off_t size;                 /* bytes of complete documents */
	bool broken;                /* a failed write could not be undone */
	struct fs_buf buf;
};

/* Write all of buf; on failure cut the file back to its last complete
 * document so that later frames do not follow a torn one. */
static int write_document(struct fs_capture_writer *w)
{
	const char *p = w->buf.data;
	size_t left = w->buf.len;
	int err = 0;
	while (left > 0) {
		/* One call in the normal case; a short write (full disk, signal)
		 * continues, an error stops. */
		ssize_t n = write(w->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (err) {
		if (ftruncate(w->fd, w->size) != 0)
			w->broken = true;
		return err;
	}
	w->size += (off_t)w->buf.len;
	return 0;
}

static bool emit_header(struct fs_buf *buf, const struct fs_capture_header *hdr, unsigned interval)
{
	struct cap_out o;
	cap_out_begin(&o, buf);
	cap_map_begin(&o, false);
	cap_key(&o, CAP_MAGIC_KEY);
	cap_u64(&o, FS_CAPTURE_FORMAT_VERSION);
	cap_key(&o, "tool_version");
	cap_str(&o, hdr->tool_version[0] ? hdr->tool_version : PACKAGE_VERSION);
	cap_key(&o, "source");
	cap_str(&o, hdr->source);
	cap_key(&o, "start_time");
	cap_double(&o, hdr->start_time);
	cap_key(&o, "keyframe_interval");
	cap_u64(&o, interval);
	cap_key(&o, "machine");
	cap_emit_meta(&o, &hdr->meta);
	cap_map_end(&o);
	return cap_out_finish(&o);
}

struct fs_capture_writer *fs_capture_create(const char *path, const struct fs_capture_header *hdr,
					    struct fs_diags *diags)
{
	struct fs_diags scratch = { 0 };
	if (!diags)
		diags = &scratch;
	struct fs_capture_writer *w = fs_xcalloc(1, sizeof(*w));
	w->keyframe_interval = hdr->keyframe_interval == 0 ? FS_CAPTURE_KEYFRAME_INTERVAL
			       : hdr->keyframe_interval > CAP_MAX_KEYFRAME_INTERVAL
				       ? CAP_MAX_KEYFRAME_INTERVAL
				       : hdr->keyframe_interval;
	fs_buf_init(&w->buf);
	/* The strings of a header are fixed arrays; make sure they end. */
	struct fs_capture_header h = *hdr;
	h.tool_version[sizeof(h.tool_version) - 1] = '\0';
	h.source[sizeof(h.source) - 1] = '\0';
	if (!emit_header(&w->buf, &h, w->keyframe_interval)) {
		fs_diags_add(diags, FS_SEV_ERROR, path, 0, "cannot encode the capture header");
		goto fail;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		fs_diags_add(diags, FS_SEV_ERROR, path, 0, "cannot create capture: %s",
			     strerror(errno));
		goto fail;
	}
	int err = write_document(w);
	if (err) {
		fs_diags_add(diags, FS_SEV_ERROR, path, 0, "cannot write capture header: %s",
			     strerror(-err));
		close(w->fd);
		goto fail;
	}
	fs_diags_clear(&scratch);
	return w;
fail:
	fs_buf_free(&w->buf);
	free(w);
	fs_diags_clear(&scratch);
	return NULL;
}

static bool emit_frame(struct fs_capture_writer *w, const struct fs_frame *frame, bool keyframe)
{
	const struct fs_snapshot *s = frame->snapshot;
	struct cap_out o;
	w->buf.len = 0;
	cap_out_begin(&o, &w->buf);
	cap_map_begin(&o, false);
	cap_key(&o, "frame");
	cap_u64(&o, frame->index);
	cap_key(&o, "time");
	cap_double(&o, frame->time);
	if (!s) {
		cap_key(&o, "snapshot");
		cap_null(&o);
	} else if (keyframe) {
		cap_key(&o, "snapshot");
		cap_emit_snapshot(&o, s);
	} else {
		cap_key(&o, "delta");
		cap_emit_delta(&o, w->prev, s);
	}
	if (frame->events.count) {
		cap_key(&o, "events");
		cap_emit_reports(&o, &frame->events);
	}
	cap_map_end(&o);
	return cap_out_finish(&o);
}

int fs_capture_append(struct fs_capture_writer *w, const struct fs_frame *frame)
{
	if (w->broken)
		return -EIO;
	const struct fs_snapshot *s = frame->snapshot;
	/* A full snapshot on every keyframe position, after a frame without
	 * one, and when zones were reordered (a delta cannot say that). */
	bool keyframe = w->nr_frames % w->keyframe_interval == 0 || !w->prev ||
			(s && !cap_delta_possible(w->prev, s));
	if (!emit_frame(w, frame, keyframe))
		return -EINVAL;
	int err = write_document(w);
	if (err)
		return err;
	fs_snapshot_free(w->prev);
	w->prev = s ? fs_snapshot_clone(s) : NULL;
	w->nr_frames++;
	return 0;
}

int fs_capture_close(struct fs_capture_writer *w)
{
	if (!w)
		return 0;
	int err = close(w->fd) == 0 ? 0 : -errno;
	fs_snapshot_free(w->prev);
	fs_buf_free(&w->buf);
	free(w);
	return err;
}

void fs_capture_header_init(struct fs_capture_header *hdr, const struct fs_meta *first)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->format_version = FS_CAPTURE_FORMAT_VERSION;
	fs_copy_str(hdr->tool_version, sizeof(hdr->tool_version), PACKAGE_VERSION);
	fs_copy_str(hdr->source, sizeof(hdr->source), first->source);
	hdr->start_time = first->time;
	hdr->keyframe_interval = FS_CAPTURE_KEYFRAME_INTERVAL;
	hdr->meta = *first;
}

bool fs_capture_would_clobber(const char *path, long long *size)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return false;
	if (size)
		*size = (long long)st.st_size;
	return true;
}
