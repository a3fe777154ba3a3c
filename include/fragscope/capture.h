/*
 * capture.h - fragscope's own recordings: a YAML stream (libyaml) of one
 * header document and one document per frame. See docs/capture-format.md.
 *
 * Writing is append-only; each frame is one write(2) of a complete
 * document, so a capture killed at any moment reads back up to its last
 * complete frame. Reading scans document boundaries once to build an index
 * and parses only the documents a seek needs.
 */
#ifndef FRAGSCOPE_CAPTURE_H
#define FRAGSCOPE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "fragscope/diag.h"
#include "fragscope/frame.h"

#define FS_CAPTURE_FORMAT_VERSION 1
#define FS_CAPTURE_KEYFRAME_INTERVAL 60   /* a full snapshot every N frames */

struct fs_capture_header {
	int format_version;
	char tool_version[32];
	char source[256];               /* "live:/proc", "adb:serial", "simulate:..." */
	double start_time;              /* epoch seconds */
	unsigned keyframe_interval;
	struct fs_meta meta;            /* machine: release, page size, orders, ... */
};

/* A header for a capture whose first frame has meta first: this fragscope's
 * version, the source and start time of first, the usual keyframe interval. */
void fs_capture_header_init(struct fs_capture_header *hdr, const struct fs_meta *first);

/* Nothing the user recorded is lost: true when path is a non-empty regular
 * file that creating a capture there would truncate (its size in *size). */
bool fs_capture_would_clobber(const char *path, long long *size);

struct fs_capture_writer;

/* Create (truncate) path and write the header. NULL on error (diags says why). */
struct fs_capture_writer *fs_capture_create(const char *path, const struct fs_capture_header *hdr,
					    struct fs_diags *diags);
/* Append one frame: a full snapshot on keyframes, otherwise only what changed
 * since the previous frame, plus the frame's events. 0 or -errno. */
int fs_capture_append(struct fs_capture_writer *w, const struct fs_frame *frame);
int fs_capture_close(struct fs_capture_writer *w);   /* 0 or -errno */

struct fs_capture_reader;

struct fs_capture_reader *fs_capture_open(const char *path, struct fs_diags *diags);
/* Same on a text in memory (tests, fuzzing). The text must outlive the reader. */
struct fs_capture_reader *fs_capture_open_text(const char *text, size_t len, const char *source,
					       struct fs_diags *diags);
const struct fs_capture_header *fs_capture_header(const struct fs_capture_reader *r);
size_t fs_capture_frame_count(const struct fs_capture_reader *r);
/* Fill out (fs_frame_init'ed by the caller) with frame n: 0, or -1 with a
 * diagnostic when that frame cannot be read. */
int fs_capture_read_frame(struct fs_capture_reader *r, size_t n, struct fs_frame *out);
void fs_capture_close_reader(struct fs_capture_reader *r);

/* True when text starts like a capture. */
bool fs_capture_detect(const char *text, size_t len);
/* True when the file at path starts like a capture (its first 4 KiB; false
 * for "-", standard input, which only the loader reads, and for a file that
 * cannot be opened: the loader says why). */
bool fs_capture_file_detect(const char *path);

#endif
