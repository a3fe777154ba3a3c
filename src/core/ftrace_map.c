/*
 * ftrace_map.c - u64 -> (u64, u32) hash map for the replay's pfn tables.
 *
 * Linear probing at load <= 1/2 and backward-shift deletion (no
 * tombstones), so a trace with millions of alloc/free pairs keeps probes
 * short and the table no larger than twice the live entries' power of two.
 */
#include "ftrace_priv.h"

#include <stdlib.h>

static size_t slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 33;               /* splitmix64 finaliser: pfns are dense */
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	key *= 0xc4ceb9fe1a85ec53ull;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

void ftrace_map_init(struct ftrace_map *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void ftrace_map_free(struct ftrace_map *m)
{
	free(m->slots);
	ftrace_map_init(m);
}

struct ftrace_map_entry *ftrace_map_get(const struct ftrace_map *m, uint64_t key)
{
	if (m->count == 0)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & mask) {
		struct ftrace_map_entry *e = &m->slots[i];
		if (!e->used)
			return NULL;
		if (e->key == key)
			return e;
	}
}

static void grow(struct ftrace_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct ftrace_map_entry *old = m->slots;
	size_t old_cap = m->cap;
	m->slots = fs_xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].used)
			continue;
		size_t j = slot_of(old[i].key, cap);
		while (m->slots[j].used)
			j = (j + 1) & (cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

void ftrace_map_put(struct ftrace_map *m, uint64_t key, uint64_t val, uint32_t aux)
{
	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	size_t mask = m->cap - 1;
	size_t i = slot_of(key, m->cap);
	while (m->slots[i].used && m->slots[i].key != key)
		i = (i + 1) & mask;
	if (!m->slots[i].used)
		m->count++;
	m->slots[i] = (struct ftrace_map_entry){ key, val, aux, 1 };
}

bool ftrace_map_del(struct ftrace_map *m, uint64_t key)
{
	struct ftrace_map_entry *e = ftrace_map_get(m, key);
	if (!e)
		return false;
	size_t mask = m->cap - 1;
	size_t hole = (size_t)(e - m->slots);
	/* shift back every later entry of the run that may move into the hole */
	for (size_t j = (hole + 1) & mask; m->slots[j].used; j = (j + 1) & mask) {
		size_t home = slot_of(m->slots[j].key, m->cap);
		/* j's entry may fill hole when home is not in (hole, j] cyclically */
		bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!stays) {
			m->slots[hole] = m->slots[j];
			hole = j;
		}
	}
	m->slots[hole].used = 0;
	m->count--;
	return true;
}
