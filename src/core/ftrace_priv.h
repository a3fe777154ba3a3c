/*
 * ftrace_priv.h - what the ftrace parser and replay share: the trace
 * object and a small open-addressing hash map from u64 to u64.
 */
#ifndef FRAGSCOPE_FTRACE_PRIV_H
#define FRAGSCOPE_FTRACE_PRIV_H

#include "fragscope/ftrace.h"

struct fs_ftrace {
	char *source;
	struct fs_ftrace_event *events;
	size_t nr_events, cap_events;
	struct fs_ftrace_parse_stats stats;
	unsigned lineno;                /* last line read */
	/* interned gfp texts; index 0 is "" */
	char **gfp;
	size_t nr_gfp, cap_gfp;
	uint32_t *gfp_slots;            /* index + 1, 0 empty; power-of-two size */
	size_t nr_gfp_slots;
};

/* ---- u64 -> (u64, u32) map: linear probing, backward-shift deletion ---- */
struct ftrace_map_entry {
	uint64_t key;
	uint64_t val;
	uint32_t aux;
	uint32_t used;
};
struct ftrace_map {
	struct ftrace_map_entry *slots;
	size_t cap;                     /* power of two, or 0 */
	size_t count;
};
void ftrace_map_init(struct ftrace_map *m);
void ftrace_map_free(struct ftrace_map *m);
/* The entry of key, or NULL. */
struct ftrace_map_entry *ftrace_map_get(const struct ftrace_map *m, uint64_t key);
/* Insert or overwrite. */
void ftrace_map_put(struct ftrace_map *m, uint64_t key, uint64_t val, uint32_t aux);
/* Remove key; false when absent. */
bool ftrace_map_del(struct ftrace_map *m, uint64_t key);

#endif
