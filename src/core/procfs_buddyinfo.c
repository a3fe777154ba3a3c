/*
 * procfs_buddyinfo.c - /proc/buddyinfo: one line per populated zone,
 *	"Node %d, zone %8s " then "%6lu " per order (kernel-rules §9.1).
 * The counts are free blocks per order over all migratetypes.
 */
#include <string.h>

#include "fragscope/procfs.h"
#include "procfs_priv.h"

#define BUDDY_EXPECTED "lines \"Node N, zone NAME\" followed by one free-block count per order"

/* Columns of a line that looks right; 0 when it does not. Used to learn the
 * number of orders before taking any line, so that a line cut short (the
 * last one of a truncated file) is recognised as such. */
static int count_columns(const char *line, size_t len)
{
	struct fs_cursor cur;
	const char *name;
	size_t name_len;
	uint64_t v;
	int n = 0;

	fs_cursor_init(&cur, line, len);
	if (!fs_plit(&cur, "Node") || fs_pnum(&cur, ",", &v) != FS_NUM_OK ||
	    !fs_plit(&cur, ",") || !fs_plit(&cur, "zone") || !fs_pname(&cur, &name, &name_len))
		return 0;
	while (fs_pnum(&cur, NULL, &v) == FS_NUM_OK)
		n++;
	return fs_pend(&cur) ? n : 0;
}

static int learn_orders(const char *text, size_t len)
{
	struct fs_lines it;
	const char *line;
	size_t line_len;
	int most = 0;

	fs_lines_init(&it, text, len);
	while (fs_lines_next(&it, &line, &line_len)) {
		if (line_len > FS_PROCFS_LINE_MAX)
			continue;
		int n = count_columns(line, line_len);
		if (n > most)
			most = n;
	}
	return most;
}

/* Parse the counts after the zone name into counts[]; returns how many, or
 * -1 after a warning about a bad value. */
static int parse_counts(struct fs_pctx *c, struct fs_cursor *cur, uint64_t counts[FS_MAX_ORDERS])
{
	int n = 0;

	for (;;) {
		uint64_t v;
		enum fs_num r = fs_pnum(cur, NULL, &v);

		if (r == FS_NUM_NONE) {
			if (fs_pend(cur))
				return n;
			char q[64];
			fs_pctx_bad(c, "expected a free-block count for order %d, got \"%s\"", n,
				    fs_quote(q, cur->p, (size_t)(cur->end - cur->p)));
			return -1;
		}
		if (r != FS_NUM_OK) {
			/* Quote the offending word: "4x" finds the spot, "junk" does not. */
			const char *w = cur->p, *e;
			char q[64];
			while (w < cur->end && (*w == ' ' || *w == '\t'))
				w++;
			for (e = w; e < cur->end && *e != ' ' && *e != '\t'; e++)
				;
			fs_pctx_bad(c, "expected a free-block count for order %d, got %s in \"%s\"",
				    n, fs_num_problem(r), fs_quote(q, w, (size_t)(e - w)));
			return -1;
		}
		if (n >= FS_MAX_ORDERS) {
			fs_pctx_bad(c, "more than %d orders; fragscope handles at most %d",
				    FS_MAX_ORDERS, FS_MAX_ORDERS);
			return -1;
		}
		counts[n++] = v;
	}
}

static bool take_line(struct fs_pctx *c, const char *line, size_t len, int nr_orders)
{
	struct fs_cursor cur;
	uint64_t node, counts[FS_MAX_ORDERS];
	const char *name;
	size_t name_len;
	struct fs_zone *z;
	int n;

	fs_cursor_init(&cur, line, len);
	if (!fs_pzone_head(c, &cur, line, len, &node, &name, &name_len))
		return false;
	n = parse_counts(c, &cur, counts);
	if (n < 0)
		return false;
	if (n == 0) {
		fs_pctx_bad(c, "expected free-block counts after the zone name, got none");
		return false;
	}
	if (n < nr_orders) {
		fs_pctx_bad(c, "expected %d free-block counts (one per order), got %d "
			    "(line cut short?); zone skipped", nr_orders, n);
		return false;
	}
	z = fs_pzone(c, node, name, name_len, true);
	if (!z)
		return false;
	for (int o = 0; o < FS_MAX_ORDERS; o++)
		z->order_blocks[o] = o < n ? fs_count_exact(counts[o]) : (struct fs_count){ 0, 0 };
	z->known |= FS_ZK_ORDER_BLOCKS;
	if (z->known & FS_ZK_MT_BLOCKS)
		z->known |= FS_ZK_SPLIT_READS;  /* pagetypeinfo was read at another moment */
	z->populated = true;   /* buddyinfo lists populated zones only */
	return true;
}

int fs_parse_buddyinfo(struct fs_snapshot *snap, const char *text, size_t len,
		       const char *source)
{
	struct fs_pctx c;
	struct fs_lines it;
	const char *line;
	size_t line_len;
	int nr_orders, nr = 0;

	if (!fs_pctx_begin(&c, snap, text, len, source, "buddyinfo"))
		return 0;
	nr_orders = learn_orders(text, len);
	fs_lines_init(&it, text, len);
	while (fs_pctx_next(&c, &it, &line, &line_len)) {
		if (fs_blank(line, line_len))
			continue;
		if (take_line(&c, line, line_len, nr_orders))
			nr++;
	}
	if (nr > 0 && nr_orders <= FS_MAX_ORDERS)
		fs_pmeta_orders(&c, nr_orders);
	return fs_pctx_end(&c, nr, BUDDY_EXPECTED);
}
