/* frame.c - frames: a snapshot at a time plus the events since the last. */
#include "fragscope/frame.h"

#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"

void fs_frame_init(struct fs_frame *f)
{
	memset(f, 0, sizeof(*f));
}

void fs_frame_clear(struct fs_frame *f)
{
	fs_snapshot_free(f->snapshot);
	fs_report_list_free(&f->events);
	fs_frame_init(f);
}

struct fs_frame *fs_frame_list_add(struct fs_frame_list *l)
{
	fs_grow((void **)&l->items, &l->cap, l->count + 1, sizeof(*l->items));
	struct fs_frame *f = &l->items[l->count];
	fs_frame_init(f);
	f->index = l->count++;
	return f;
}

void fs_frame_list_free(struct fs_frame_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		fs_frame_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}
