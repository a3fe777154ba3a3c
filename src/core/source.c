/*
 * source.c - one interface over the kinds of source: the calls a front end
 * makes go through a small table of what each kind does (source_live.c,
 * source_replay.c, source_child.c). What all kinds share is here: the
 * range check on frame numbers, the copy of a frame handed out, the ring
 * of newest frames, and the answer to commands for the kinds that take
 * none (only the engine, source_engine.c, does).
 */
#include "source_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fragscope/util.h"

const char *fs_source_kind_name(enum fs_source_kind k)
{
	switch (k) {
	case FS_SOURCE_LIVE: return "live";
	case FS_SOURCE_REPLAY: return "replay";
	case FS_SOURCE_CHILD: return "child";
	case FS_SOURCE_ENGINE: return "engine";
	}
	return "unknown";
}

struct fs_source *src_new(enum fs_source_kind k, const struct fs_source_ops *ops,
			  const char *name)
{
	struct fs_source *s = fs_xcalloc(1, sizeof(*s));
	s->kind = k;
	s->ops = ops;
	s->name = fs_xstrdup(name ? name : fs_source_kind_name(k));
	return s;
}

void src_free(struct fs_source *s)
{
	fs_diags_clear(&s->diags);
	free(s->name);
	free(s);
}

double src_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void src_frame_copy(struct fs_frame *dst, const struct fs_frame *src)
{
	fs_frame_init(dst);
	dst->index = src->index;
	dst->time = src->time;
	dst->snapshot = src->snapshot ? fs_snapshot_clone(src->snapshot) : NULL;
	if (src->events.count == 0)
		return;
	dst->events.items = fs_xcalloc(src->events.count, sizeof(*dst->events.items));
	dst->events.cap = src->events.count;
	for (size_t i = 0; i < src->events.count; i++)
		fs_report_copy(&dst->events.items[i], &src->events.items[i]);
	dst->events.count = src->events.count;
}

/* ---- The ring ----------------------------------------------------------- */

void src_ring_init(struct src_ring *r, size_t cap)
{
	r->cap = cap ? cap : 1;
	r->slots = fs_xcalloc(r->cap, sizeof(*r->slots));
}

void src_ring_push(struct src_ring *r, struct fs_source *s, struct fs_frame *f)
{
	struct fs_frame *slot = &r->slots[s->count % r->cap];
	fs_frame_clear(slot);   /* the frame cap older than this one, if any */
	*slot = *f;
	fs_frame_init(f);
	s->count++;
	s->first = s->count > r->cap ? s->count - r->cap : 0;
}

const struct fs_frame *src_ring_get(const struct src_ring *r, size_t n)
{
	return &r->slots[n % r->cap];
}

void src_ring_free(struct src_ring *r)
{
	if (!r->slots)
		return;
	for (size_t i = 0; i < r->cap; i++)
		fs_frame_clear(&r->slots[i]);
	free(r->slots);
	r->slots = NULL;
}

/* ---- The interface ------------------------------------------------------ */

enum fs_source_kind fs_source_kind(const struct fs_source *s)
{
	return s->kind;
}

const char *fs_source_name(const struct fs_source *s)
{
	return s->name;
}

int fs_source_fd(const struct fs_source *s)
{
	return s->ops->fd ? s->ops->fd(s) : -1;
}

int fs_source_timeout_ms(const struct fs_source *s)
{
	return s->ops->timeout_ms ? s->ops->timeout_ms(s) : -1;
}

int fs_source_poll(struct fs_source *s)
{
	return s->ops->poll ? s->ops->poll(s) : 0;
}

bool fs_source_ended(const struct fs_source *s)
{
	return s->ops->ended ? s->ops->ended(s) : true;
}

size_t fs_source_count(const struct fs_source *s)
{
	return s->count;
}

size_t fs_source_first(const struct fs_source *s)
{
	return s->first;
}

int fs_source_read(struct fs_source *s, size_t n, struct fs_frame *out)
{
	fs_frame_clear(out);
	if (n < s->first || n >= s->count) {
		if (s->count == 0)
			fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, 0,
				     "frame %zu cannot be read: no frames yet", n);
		else if (n < s->first)
			fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, 0,
				     "frame %zu is no longer kept: frames %zu to %zu are", n,
				     s->first, s->count - 1);
		else
			fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, 0,
				     "frame %zu does not exist: frames %zu to %zu do", n, s->first,
				     s->count - 1);
		return -1;
	}
	if (s->ops->read(s, n, out) < 0) {
		fs_frame_clear(out);
		return -1;
	}
	return 0;
}

const struct fs_diags *fs_source_diags(const struct fs_source *s)
{
	return &s->diags;
}

int fs_source_command(struct fs_source *s, const char *command, char *reply, size_t reply_size)
{
	char scratch[8];
	if (!reply || !reply_size) {
		reply = scratch;
		reply_size = sizeof(scratch);
	}
	if (s->ops->command)
		return s->ops->command(s, command ? command : "", reply, reply_size);
	snprintf(reply, reply_size, "this source takes no commands");
	return -1;
}

struct fs_engine *fs_source_engine(struct fs_source *s)
{
	return s && s->ops->engine ? s->ops->engine(s) : NULL;
}

const struct fs_verdict *fs_source_last_verdict(const struct fs_source *s)
{
	return s && s->ops->last_verdict ? s->ops->last_verdict(s) : NULL;
}

void fs_source_set_speed(struct fs_source *s, double factor)
{
	if (s && s->ops->set_speed)
		s->ops->set_speed(s, factor);
}

void fs_source_close(struct fs_source *s)
{
	if (!s)
		return;
	if (s->ops->close)
		s->ops->close(s);
	src_free(s);
}
