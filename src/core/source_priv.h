/*
 * source_priv.h - what the kinds of source share (source.c): the object
 * every kind starts with, the table of what each kind does, and a ring of
 * the newest frames for the sources that cannot keep everything.
 */
#ifndef FRAGSCOPE_SOURCE_PRIV_H
#define FRAGSCOPE_SOURCE_PRIV_H

#include "fragscope/source.h"

struct fs_source_ops {
	int (*fd)(const struct fs_source *s);
	int (*timeout_ms)(const struct fs_source *s);
	int (*poll)(struct fs_source *s);
	bool (*ended)(const struct fs_source *s);
	/* n is in [first, count): the common code checked it. */
	int (*read)(struct fs_source *s, size_t n, struct fs_frame *out);
	/* Free the kind's own state (not the common part). */
	void (*close)(struct fs_source *s);
	/* Optional (NULL: takes none / has none): fs_source_command and the
	 * engine's accessors. */
	int (*command)(struct fs_source *s, const char *command, char *reply, size_t reply_size);
	struct fs_engine *(*engine)(struct fs_source *s);
	const struct fs_verdict *(*last_verdict)(const struct fs_source *s);
	void (*set_speed)(struct fs_source *s, double factor);
};

struct fs_source {
	enum fs_source_kind kind;
	const struct fs_source_ops *ops;
	char *name;
	struct fs_diags diags;   /* its address is stable: readers keep a pointer to it */
	size_t count;            /* frames seen, 0 .. count-1 */
	size_t first;            /* oldest readable */
	void *priv;              /* the kind's own state */
};

/* A new source of kind k named name; the caller sets priv. */
struct fs_source *src_new(enum fs_source_kind k, const struct fs_source_ops *ops,
			  const char *name);
/* Free the common part (after ops->close). */
void src_free(struct fs_source *s);

/* A deep copy of src into dst (fs_frame_init'ed): snapshot clone, reports copied. */
void src_frame_copy(struct fs_frame *dst, const struct fs_frame *src);

/* The newest cap frames: frame n sits in slot n % cap. */
struct src_ring {
	struct fs_frame *slots;
	size_t cap;
};
void src_ring_init(struct src_ring *r, size_t cap);
/* Add *f as frame s->count (the ring takes what it owns; *f is emptied),
 * dropping the oldest when full; updates s->count and s->first. */
void src_ring_push(struct src_ring *r, struct fs_source *s, struct fs_frame *f);
const struct fs_frame *src_ring_get(const struct src_ring *r, size_t n);
void src_ring_free(struct src_ring *r);

/* Monotonic clock in seconds. */
double src_now(void);

#endif
