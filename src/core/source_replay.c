/*
 * source_replay.c - files replayed: captures through their index (frames
 * parsed when asked for, so a day-long capture opens at once and stays
 * small), everything else loaded into memory by fs_input_load.
 *
 * The paths become segments in the order given, as fragscope show takes
 * them: each capture is a segment, and each run of other files between
 * captures is loaded together (proc dumps of one moment merge) into one.
 * Frame numbers run on across segments; a frame read out gets its number
 * in the source as its index.
 */
#include "source_priv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fragscope/capture.h"
#include "fragscope/input.h"
#include "fragscope/util.h"

struct segment {
	size_t base, count;                 /* frames base .. base+count-1 of the source */
	struct fs_capture_reader *capture;  /* a capture, or */
	struct fs_frame_list frames;        /* frames in memory */
};

struct replay {
	struct segment *segs;
	size_t nr_segs, segs_cap;
};

static struct replay *replay_of(const struct fs_source *s)
{
	return s->priv;
}

static struct segment *add_segment(struct fs_source *s)
{
	struct replay *r = replay_of(s);
	fs_grow((void **)&r->segs, &r->segs_cap, r->nr_segs + 1, sizeof(*r->segs));
	struct segment *g = &r->segs[r->nr_segs++];
	memset(g, 0, sizeof(*g));
	g->base = s->count;
	return g;
}

static int replay_read(struct fs_source *s, size_t n, struct fs_frame *out)
{
	struct replay *r = replay_of(s);
	for (size_t i = 0; i < r->nr_segs; i++) {
		struct segment *g = &r->segs[i];
		if (n < g->base || n - g->base >= g->count)
			continue;
		size_t k = n - g->base;
		if (g->capture) {
			/* The reader names the capture in what it says. */
			if (fs_capture_read_frame(g->capture, k, out) < 0)
				return -1;
		} else {
			src_frame_copy(out, &g->frames.items[k]);
		}
		out->index = n;
		return 0;
	}
	return -1;   /* not reached: the common code checked n */
}

static bool replay_ended(const struct fs_source *s)
{
	(void)s;
	return true;
}

static void replay_close(struct fs_source *s)
{
	struct replay *r = replay_of(s);
	for (size_t i = 0; i < r->nr_segs; i++) {
		fs_capture_close_reader(r->segs[i].capture);
		fs_frame_list_free(&r->segs[i].frames);
	}
	free(r->segs);
	free(r);
}

static const struct fs_source_ops replay_ops = {
	.ended = replay_ended,
	.read = replay_read,
	.close = replay_close,
};

static struct fs_source *replay_new(const char *name)
{
	struct fs_source *s = src_new(FS_SOURCE_REPLAY, &replay_ops, name);
	s->priv = fs_xcalloc(1, sizeof(struct replay));
	return s;
}

static void take_frames(struct fs_source *s, struct fs_frame_list *frames)
{
	if (frames->count == 0) {
		fs_frame_list_free(frames);
		return;
	}
	struct segment *g = add_segment(s);
	g->frames = *frames;
	memset(frames, 0, sizeof(*frames));
	g->count = g->frames.count;
	s->count += g->count;
}

/* Other files, loaded together; their problems go to the source. */
static void load_files(struct fs_source *s, const char *const *paths, size_t n)
{
	if (n == 0)
		return;
	struct fs_frame_list frames = { 0 };
	fs_input_load(paths, n, &frames, &s->diags);
	take_frames(s, &frames);
}

static void open_capture(struct fs_source *s, const char *path)
{
	/* The reader keeps the pointer: its later complaints (a damaged frame)
	 * land in the source's diagnostics too. */
	struct fs_capture_reader *c = fs_capture_open(path, &s->diags);
	if (!c)
		return;
	size_t n = fs_capture_frame_count(c);
	if (n == 0) {
		fs_diags_add(&s->diags, FS_SEV_WARNING, path, 0,
			     "capture without a complete frame");
		fs_capture_close_reader(c);
		return;
	}
	struct segment *g = add_segment(s);
	g->capture = c;
	g->count = n;
	s->count += n;
}

static void replay_name(const char *const *paths, size_t n, char *buf, size_t size)
{
	if (n == 0)
		snprintf(buf, size, "replay");
	else if (n == 1)
		snprintf(buf, size, "%s", paths[0]);
	else
		snprintf(buf, size, "%s + %zu more", paths[0], n - 1);
}

/* Nothing to replay: say so in diags with everything found, and give up. */
static struct fs_source *nothing_usable(struct fs_source *s, struct fs_diags *diags)
{
	if (diags) {
		fs_diags_append(diags, &s->diags);
		if (fs_diags_count(&s->diags, FS_SEV_ERROR) == 0)
			fs_diags_add(diags, FS_SEV_ERROR, s->name, 0,
				     "nothing to replay: no frames");
	}
	fs_source_close(s);
	return NULL;
}

struct fs_source *fs_source_open_replay(const char *const *paths, size_t nr_paths,
					struct fs_diags *diags)
{
	/* NULL entries are skipped rather than trusted. */
	const char **given = fs_xcalloc(nr_paths + 1, sizeof(*given));
	size_t n = 0;
	for (size_t i = 0; paths && i < nr_paths; i++)
		if (paths[i])
			given[n++] = paths[i];
	char name[4200];
	replay_name(given, n, name, sizeof(name));
	struct fs_source *s = replay_new(name);
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (!fs_capture_file_detect(given[i]))
			continue;
		load_files(s, given + start, i - start);
		open_capture(s, given[i]);
		start = i + 1;
	}
	load_files(s, given + start, n - start);
	free(given);
	if (s->count == 0)
		return nothing_usable(s, diags);
	return s;
}

struct fs_source *fs_source_open_frames(struct fs_frame_list *frames, const char *name)
{
	struct fs_source *s = replay_new(name ? name : "frames");
	if (frames)
		take_frames(s, frames);
	return s;
}
