/*
 * Tests of the kernel's fragmentation measures (kernel-rules §10): hand-computed
 * cases, the real samples, and, where debugfs is there, the kernel's own
 * /sys/kernel/debug/extfrag/{extfrag_index,unusable_index} against our
 * numbers for this machine's /proc/buddyinfo read at the same moment.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "fragscope/fragindex.h"
#include "fragscope/input.h"
#include "fragscope/procfs.h"
#include "fragscope/snapshot.h"
#include "fragscope/util.h"

/* A zone whose buddyinfo line is counts[0..n). */
static void zone_with(struct fs_zone *z, const uint64_t *counts, int n)
{
	memset(z, 0, sizeof(*z));
	z->populated = true;
	z->known = FS_ZK_ORDER_BLOCKS;
	for (int o = 0; o < n; o++)
		z->order_blocks[o] = fs_count_exact(counts[o]);
}

static int frag(const struct fs_zone *z, int order, bool *exact)
{
	return fs_fragmentation_index(z, order, exact);
}

Test(fragindex, hand_computed_small_zone)
{
	/* nr_free 4 2 1 0: free_pages = 4 + 2*2 + 1*4 = 12, blocks_total = 7. */
	const uint64_t c[] = { 4, 2, 1, 0 };
	struct fs_zone z;
	bool exact = false;
	zone_with(&z, c, 4);

	/* j=0: suitable = 7 > 0 -> -1000; unusable (12 - 12) * 1000 / 12 = 0 */
	cr_assert_eq(frag(&z, 0, &exact), -1000);
	cr_assert(exact);
	cr_assert_eq(fs_unusable_index(&z, 0, NULL), 0);
	/* j=1: suitable = 2 + (1 << 1) = 4 -> -1000; unusable (12 - 4*2) * 1000 / 12 = 333 */
	cr_assert_eq(frag(&z, 1, NULL), -1000);
	cr_assert_eq(fs_unusable_index(&z, 1, NULL), 333);
	/* j=2: suitable = 1 -> -1000; unusable (12 - 1*4) * 1000 / 12 = 8000 / 12 = 666 */
	cr_assert_eq(frag(&z, 2, NULL), -1000);
	cr_assert_eq(fs_unusable_index(&z, 2, NULL), 666);
	/* j=3: suitable = 0: 1000 - (1000 + 12*1000/8) / 7 = 1000 - 2500/7 = 1000 - 357 = 643;
	 * unusable (12 - 0) * 1000 / 12 = 1000 */
	cr_assert_eq(frag(&z, 3, &exact), 643);
	cr_assert(exact);
	cr_assert_eq(fs_unusable_index(&z, 3, NULL), 1000);
	/* j=4: beyond the zone's last order (3): the kernel WARNs and returns 0 */
	cr_assert_eq(frag(&z, 4, NULL), 0);
	cr_assert_eq(fs_unusable_index(&z, 4, NULL), 1000);
}

Test(fragindex, hand_computed_fragmented_zone)
{
	/* nr_free 100 50 20 0 0 0 0 0 0 0 0: free_pages = 100 + 100 + 80 = 280, total = 170.
	 * j=3: 1000 - (1000 + 280*1000/8) / 170 = 1000 - (1000 + 35000) / 170
	 *    = 1000 - 211 (36000 / 170 = 211.7, truncated) = 789 */
	const uint64_t c[11] = { 100, 50, 20 };
	struct fs_zone z;
	zone_with(&z, c, 11);
	cr_assert_eq(frag(&z, 3, NULL), 789);
	/* j=10: 1000 - (1000 + 280000/1024) / 170 = 1000 - (1000 + 273) / 170 = 1000 - 7 = 993 */
	cr_assert_eq(frag(&z, 10, NULL), 993);
	/* j=2: suitable 20 -> -1000; unusable (280 - 20*4) * 1000 / 280 = 200000 / 280 = 714 */
	cr_assert_eq(frag(&z, 2, NULL), -1000);
	cr_assert_eq(fs_unusable_index(&z, 2, NULL), 714);
	/* 11 columns: order 11 is beyond MAX_PAGE_ORDER 10 */
	cr_assert_eq(frag(&z, 11, NULL), 0);
}

Test(fragindex, a_single_small_block_gives_a_negative_index)
{
	/* One order-0 page, j=1: 1000 - (1000 + 1*1000/2) / 1 = 1000 - 1500 = -500 in u64,
	 * narrowed to int as the kernel's "int" return does; debugfs prints 0.-500. */
	const uint64_t c[11] = { 1 };
	struct fs_zone z;
	char buf[8];
	zone_with(&z, c, 11);
	cr_assert_eq(frag(&z, 1, NULL), -500);
	fs_index_format(frag(&z, 1, NULL), buf);
	cr_assert_str_eq(buf, "0.-500");
	/* Two order-0 pages, j=1: 1000 - (1000 + 2000/2) / 2 = 1000 - 1000 = 0 */
	const uint64_t c2[11] = { 2 };
	zone_with(&z, c2, 11);
	cr_assert_eq(frag(&z, 1, NULL), 0);
}

Test(fragindex, empty_zone)
{
	/* blocks_total == 0 -> 0; free_pages == 0 -> unusable 1000 */
	const uint64_t c[11] = { 0 };
	struct fs_zone z;
	zone_with(&z, c, 11);
	for (int j = 0; j < 11; j++) {
		cr_assert_eq(frag(&z, j, NULL), 0, "order %d", j);
		cr_assert_eq(fs_unusable_index(&z, j, NULL), 1000, "order %d", j);
	}
	/* A zone with no counts at all: the same numbers, not exact. */
	bool exact = true;
	memset(&z, 0, sizeof(z));
	cr_assert_eq(frag(&z, 3, &exact), 0);
	cr_assert_not(exact);
	cr_assert_eq(fs_unusable_index(&z, 3, &exact), 1000);
	cr_assert_not(exact);
	cr_assert_eq(frag(&z, -1, NULL), 0);
}

Test(fragindex, format_as_debugfs)
{
	char buf[8];
	fs_index_format(-1000, buf);
	cr_assert_str_eq(buf, "-1.000");
	fs_index_format(0, buf);
	cr_assert_str_eq(buf, "0.000");
	fs_index_format(512, buf);
	cr_assert_str_eq(buf, "0.512");
	fs_index_format(1000, buf);
	cr_assert_str_eq(buf, "1.000");
	fs_index_format(7, buf);
	cr_assert_str_eq(buf, "0.007");
	fs_index_format(1234567, buf);
	cr_assert_str_eq(buf, "?");
}

Test(fragindex, bounds_are_not_exact)
{
	/* pagetypeinfo ">100000" and warn_alloc letters are lower bounds. */
	const uint64_t c[11] = { 5, 5 };
	struct fs_zone z;
	bool exact = true;
	zone_with(&z, c, 11);
	z.order_blocks[0].kind = FS_COUNT_CAPPED;
	/* free 5 + 10 = 15, total 10, j=2: 1000 - (1000 + 15000/4) / 10 = 1000 - 4750/10 = 525 */
	cr_assert_eq(frag(&z, 2, &exact), 525);
	cr_assert_not(exact);
	/* NONEMPTY counts as its lower bound, 1 (value 0 in the model) */
	z.order_blocks[0].kind = FS_COUNT_EXACT;
	z.order_blocks[1].value = 0;
	z.order_blocks[1].kind = FS_COUNT_NONEMPTY;
	/* free 5 + 2 = 7, total 6, j=2: 1000 - (1000 + 7000/4) / 6 = 1000 - 2750/6
	 *   = 1000 - 458 = 542 */
	cr_assert_eq(frag(&z, 2, &exact), 542);
	cr_assert_not(exact);
}

Test(fragindex, pagetypeinfo_rows_when_no_buddyinfo)
{
	/* Only per-migratetype rows: nr_free is their sum, as buddyinfo would print it.
	 * Unmovable 3 1, Movable 1 0 1: nr_free 4 1 1 -> free 4 + 2 + 4 = 10, total 6.
	 * j=1: suitable 1 + 1*2 = 3 -> -1000; unusable (10 - 3*2) * 1000 / 10 = 400 */
	struct fs_zone z;
	memset(&z, 0, sizeof(z));
	z.known = FS_ZK_MT_BLOCKS;
	z.mt_rows = (1u << FS_MT_UNMOVABLE) | (1u << FS_MT_MOVABLE);
	for (int o = 0; o < 11; o++) {
		z.mt_blocks[FS_MT_UNMOVABLE][o] = fs_count_exact(0);
		z.mt_blocks[FS_MT_MOVABLE][o] = fs_count_exact(0);
	}
	z.mt_blocks[FS_MT_UNMOVABLE][0] = fs_count_exact(3);
	z.mt_blocks[FS_MT_UNMOVABLE][1] = fs_count_exact(1);
	z.mt_blocks[FS_MT_MOVABLE][0] = fs_count_exact(1);
	z.mt_blocks[FS_MT_MOVABLE][2] = fs_count_exact(1);
	bool exact = false;
	cr_assert_eq(frag(&z, 1, &exact), -1000);
	cr_assert(exact);
	cr_assert_eq(fs_unusable_index(&z, 1, NULL), 400);
	/* j=3: 1000 - (1000 + 10000/8) / 6 = 1000 - 2250/6 = 1000 - 375 = 625 */
	cr_assert_eq(frag(&z, 3, NULL), 625);
}

static struct fs_snapshot *load(const char *const *rel, size_t n)
{
	char paths[8][1024];
	const char *p[8];
	struct fs_frame_list frames = { 0 };
	struct fs_diags diags = { 0 };
	for (size_t i = 0; i < n; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", FS_FIXTURES, rel[i]);
		p[i] = paths[i];
	}
	cr_assert_eq(fs_input_load(p, n, &frames, &diags), 0);
	fs_diags_clear(&diags);
	cr_assert_geq(frames.count, 1);
	struct fs_snapshot *s = frames.items[0].snapshot;
	if (!s && frames.items[0].events.count)
		s = frames.items[0].events.items[0].snapshot;
	cr_assert_not_null(s);
	s = fs_snapshot_clone(s);
	fs_frame_list_free(&frames);
	return s;
}

static const struct fs_zone *find_zone(const struct fs_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nr_zones; i++)
		if (strcmp(s->zones[i].name, name) == 0)
			return &s->zones[i];
	cr_assert_fail("no zone %s", name);
	return NULL;
}

Test(fragindex, real_sample_vm_normal_zone)
{
	/* Normal: 355 1278 1290 1068 647 282 58 32 46 26 67 -> free_pages 137495 (as
	 * "in free lists"), every order has a block: fragmentation index -1000 each.
	 * unusable(3): suitable = 1068 + 647*2 + 282*4 + 58*8 + 32*16 + 46*32 + 26*64 + 67*128
	 *   = 16178; (137495 - 16178*8) * 1000 / 137495 = 8071000 / 137495 = 58
	 * unusable(10): (137495 - 67*1024) * 1000 / 137495 = 68887000 / 137495 = 501 */
	const char *rel[] = { "samples/x86_64-6.18-vm-24g.buddyinfo" };
	struct fs_snapshot *s = load(rel, 1);
	const struct fs_zone *z = find_zone(s, "Normal");
	bool exact = false;
	cr_assert_eq(fs_fragmentation_index(z, 3, &exact), -1000);
	cr_assert(exact);
	cr_assert_eq(fs_unusable_index(z, 3, NULL), 58);
	cr_assert_eq(fs_unusable_index(z, 10, NULL), 501);
	cr_assert_eq(fs_unusable_index(z, 0, NULL), 0);
	fs_snapshot_free(s);
}

Test(fragindex, real_sample_android_report)
{
	/* DMA32 free-area line: 4060 942 223 47 176 53 1 5 3 1 75 (exact counts).
	 * free_pages = 4060 + 1884 + 892 + 376 + 2816 + 1696 + 64 + 640 + 768 + 512 + 76800 = 90508
	 * unusable(3): suitable = 47 + 176*2 + 53*4 + 8 + 5*16 + 3*32 + 64 + 75*128 = 10459;
	 *   (90508 - 83672) * 1000 / 90508 = 6836000 / 90508 = 75 */
	const char *rel[] = { "samples/android-4.19-arm64-wifi-order3-atomic-cma.log" };
	struct fs_snapshot *s = load(rel, 1);
	const struct fs_zone *z = find_zone(s, "DMA32");
	bool exact = false;
	cr_assert_eq(fs_fragmentation_index(z, 3, &exact), -1000);
	cr_assert(exact, "the free-area line has exact per-order counts");
	cr_assert_eq(fs_unusable_index(z, 3, NULL), 75);
	fs_snapshot_free(s);
}

/* ---- against the kernel's own numbers */

#define DEBUGFS "/sys/kernel/debug"
#define EXTFRAG DEBUGFS "/extfrag"

static bool extfrag_available(char *why, size_t size)
{
	if (access(EXTFRAG "/unusable_index", R_OK) == 0)
		return true;
	if (geteuid() != 0) {
		snprintf(why, size, "%s not readable and not root to mount debugfs", EXTFRAG);
		return false;
	}
	if (mount("none", DEBUGFS, "debugfs", 0, NULL) != 0 && errno != EBUSY) {
		snprintf(why, size, "cannot mount debugfs on %s: %s", DEBUGFS, strerror(errno));
		return false;
	}
	if (access(EXTFRAG "/unusable_index", R_OK) != 0) {
		snprintf(why, size, "no %s (kernel without CONFIG_COMPACTION or CONFIG_DEBUG_FS)",
			 EXTFRAG);
		return false;
	}
	return true;
}

static char *read_text(const char *path, size_t *len)
{
	char *text = NULL;
	int rc = fs_read_file(path, (size_t)1 << 20, &text, len);
	cr_assert_eq(rc, 0, "cannot read %s: %s", path, strerror(-rc));
	return text;
}

/* One debugfs value "%d.%03d" back into the int the kernel printed: it printed
 * index / 1000 and index % 1000, and index == (index / 1000) * 1000 + index % 1000. */
static int parse_debugfs_value(const char *w, size_t len)
{
	char tmp[32];
	cr_assert_lt(len, sizeof(tmp));
	memcpy(tmp, w, len);
	tmp[len] = '\0';
	char *dot = strchr(tmp, '.');
	cr_assert_not_null(dot, "debugfs value \"%s\" without a dot", tmp);
	*dot = '\0';
	return atoi(tmp) * 1000 + atoi(dot + 1);
}

/* Compare one debugfs file's text with ours; returns the number of values compared. */
static int compare_text(const struct fs_snapshot *s, const char *text, size_t len,
			const char *path, bool fragindex)
{
	struct fs_lines it;
	const char *line;
	size_t llen;
	int compared = 0;
	size_t zones = 0;
	fs_lines_init(&it, text, len);
	while (fs_lines_next(&it, &line, &llen)) {
		struct fs_cursor c;
		uint64_t node;
		const char *name, *w;
		size_t nlen, wlen;
		fs_cursor_init(&c, line, llen);
		if (fs_cursor_eol(&c))
			continue;
		bool head = fs_cursor_lit(&c, "Node");
		fs_cursor_skip_space(&c);
		cr_assert(head && fs_cursor_u64(&c, &node) &&
			  fs_cursor_lit(&c, ", zone") && fs_cursor_word(&c, &name, &nlen),
			  "%s line %u: unexpected \"%.*s\"", path, it.lineno, (int)llen, line);
		const struct fs_zone *z = fs_snapshot_zone((struct fs_snapshot *)s, (int)node,
							   name, nlen, false);
		cr_assert_not_null(z, "%s: Node %d zone %.*s is not in buddyinfo", path,
				   (int)node, (int)nlen, name);
		zones++;
		for (int o = 0; fs_cursor_word(&c, &w, &wlen); o++) {
			int kernel = parse_debugfs_value(w, wlen);
			bool exact = false;
			int ours = fragindex ? fs_fragmentation_index(z, o, &exact)
					     : fs_unusable_index(z, o, &exact);
			cr_assert(exact);
			cr_expect_eq(ours, kernel,
				     "%s: Node %d zone %s order %d: ours %d, kernel %d", path,
				     z->node, z->name, o, ours, kernel);
			compared++;
		}
	}
	cr_assert_gt(zones, 0, "%s has no zone lines", path);
	return compared;
}

Test(fragindex, equals_the_kernels_debugfs, .timeout = 60)
{
	char why[256];
	if (!extfrag_available(why, sizeof(why)))
		cr_skip_test("%s", why);

	/* Memory moves between reads: read buddyinfo, the two debugfs files,
	 * buddyinfo again, and compare only a round where buddyinfo stood still. */
	for (int attempt = 0; attempt < 2000; attempt++) {
		size_t len1, len2, len3, len4;
		char *before = read_text("/proc/buddyinfo", &len1);
		char *ext = read_text(EXTFRAG "/extfrag_index", &len2);
		char *unus = read_text(EXTFRAG "/unusable_index", &len3);
		char *after = read_text("/proc/buddyinfo", &len4);
		bool stable = len1 == len4 && memcmp(before, after, len1) == 0;
		free(after);
		if (stable) {
			struct fs_snapshot *s = fs_snapshot_new();
			cr_assert_gt(fs_parse_buddyinfo(s, before, len1, "/proc/buddyinfo"), 0);
			int n = compare_text(s, ext, len2, EXTFRAG "/extfrag_index", true);
			n += compare_text(s, unus, len3, EXTFRAG "/unusable_index", false);
			cr_assert_geq(n, 2, "only %d values compared", n);
			cr_log_info("compared %d values after %d unstable rounds", n, attempt);
			fs_snapshot_free(s);
		}
		free(before);
		free(ext);
		free(unus);
		if (stable)
			return;
	}
	cr_skip_test("/proc/buddyinfo never stood still across the debugfs reads in 2000 tries");
}
