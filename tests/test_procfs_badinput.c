/*
 * Bad input for every /proc parser: empty, truncated, cut mid-table,
 * garbage, numbers beyond 64 bits, negative numbers, far too many zones or
 * counters, a line longer than 64 KiB, binary data. Each must give a clear
 * diagnostic (source, line, what was expected) or a partial snapshot with
 * warnings, and never crash, hang or grow without bound.
 */
#include "procfs_testutil.h"

/* Every test runs under a time limit: a hang is a failure. */
#define BAD(suite, name) Test(suite, name, .timeout = 30)

static const struct parser {
	const char *kind;
	fx_parser parse;
	const char *good;      /* a valid text */
} parsers[] = {
	{ "buddyinfo", fs_parse_buddyinfo,
	  "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1"
	  "      1      3 \n"
	  "Node 0, zone   Normal    355   1278   1290   1068    647    282     58     32     46"
	  "     26     67 \n" },
	{ "pagetypeinfo", fs_parse_pagetypeinfo,
	  "Page block order: 9\nPages per block:  512\n\n"
	  "Free pages count per migrate type at order       0      1      2 \n"
	  "Node    0, zone   Normal, type    Unmovable    236    177    195 \n"
	  "Node    0, zone   Normal, type      Movable     96   1044   1074 \n\n"
	  "Number of blocks type     Unmovable      Movable \n"
	  "Node 0, zone   Normal           45          263 \n" },
	{ "zoneinfo", fs_parse_zoneinfo,
	  "Node 0, zone   Normal\n  pages free     137506\n        min      2943\n"
	  "        low      3678\n        high     4413\n        spanned  5505024\n"
	  "        present  5505024\n        managed  163840\n"
	  "        protection: (0, 0, 0, 0, 0)\n      nr_free_pages 137506\n  pagesets\n"
	  "    cpu: 0\n              count: 10\n  node_unreclaimable:  0\n"
	  "  start_pfn:           1048576\n" },
	{ "vmstat", fs_parse_vmstat, "nr_free_pages 914263\nnr_zone_inactive_anon 1423\n" },
	{ "meminfo", fs_parse_meminfo, "MemTotal:       24684092 kB\nHugePages_Total:       0\n" },
};
#define NR_PARSERS (sizeof(parsers) / sizeof(parsers[0]))

static struct fs_snapshot *run(const struct parser *p, const char *text, size_t len, int *nr)
{
	struct fs_snapshot *s = fs_snapshot_new();

	*nr = p->parse(s, text, len, "test-src");
	return s;
}

/* The diagnostic names the source; a line one also names its line. */
static void assert_names_source(const struct fs_diag *d, unsigned line)
{
	cr_assert_str_eq(d->source, "test-src");
	if (line)
		cr_assert_eq(d->line, line, "line %u, expected %u: %s", d->line, line, d->message);
}

BAD(all_parsers, good_text_is_clean)
{
	for (size_t i = 0; i < NR_PARSERS; i++) {
		int nr;
		struct fs_snapshot *s = run(&parsers[i], parsers[i].good, strlen(parsers[i].good),
					    &nr);
		cr_log_info("%s", parsers[i].kind);
		cr_assert_gt(nr, 0);
		fx_assert_clean(s);
		fs_snapshot_free(s);
	}
}

BAD(all_parsers, empty_input)
{
	static const char *const empties[] = { "", "\n\n", "   \n\t\n" };

	for (size_t i = 0; i < NR_PARSERS; i++) {
		for (size_t j = 0; j < 3; j++) {
			int nr;
			struct fs_snapshot *s = run(&parsers[i], empties[j], strlen(empties[j]),
						    &nr);
			const struct fs_diag *d = fx_assert_diag(s, FS_SEV_ERROR, "empty input");
			cr_assert_eq(nr, 0);
			assert_names_source(d, 0);
			cr_assert_not_null(strstr(d->message, parsers[i].kind));
			cr_assert_eq(s->nr_zones, 0);
			fs_snapshot_free(s);
		}
		/* a NULL text is empty too */
		int nr;
		struct fs_snapshot *s = run(&parsers[i], NULL, 0, &nr);
		cr_assert_eq(nr, 0);
		fs_snapshot_free(s);
	}
}

BAD(all_parsers, binary_file)
{
	static const char elf[] = "\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0";

	for (size_t i = 0; i < NR_PARSERS; i++) {
		int nr;
		struct fs_snapshot *s = run(&parsers[i], elf, sizeof(elf) - 1, &nr);
		const struct fs_diag *d = fx_assert_diag(s, FS_SEV_ERROR, "binary data");
		cr_assert_eq(nr, 0);
		assert_names_source(d, 0);
		fs_snapshot_free(s);
	}
}

/* Printable junk and bytes above 0x7f, but no NUL: not "binary", each line bad. */
static char *garbage(size_t len)
{
	char *t = fs_xmalloc(len + 1);
	uint32_t x = 12345;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		unsigned char c = (unsigned char)(x >> 16);
		t[i] = (char)(c < 0x20 ? (c % 7 == 0 ? '\n' : ' ') : c);
	}
	t[len] = '\0';
	return t;
}

BAD(all_parsers, garbage_bytes)
{
	char *junk = garbage(200000);

	cr_assert_not(fs_looks_binary(junk, 200000));
	for (size_t i = 0; i < NR_PARSERS; i++) {
		int nr;
		struct fs_snapshot *s = run(&parsers[i], junk, 200000, &nr);

		cr_log_info("%s", parsers[i].kind);
		cr_assert_eq(nr, 0);
		const struct fs_diag *d = fx_assert_diag(s, FS_SEV_ERROR, "nothing usable found, "
							 "expected");
		assert_names_source(d, 0);
		fx_assert_diag(s, FS_SEV_WARNING, "more bad lines or records not reported");
		/* bounded: 20 bad lines one by one, one summary, one error */
		cr_assert_leq(s->diags.count, 23);
		cr_assert_eq(fs_detect_text(junk, 200000), FS_TEXT_UNKNOWN);
		fs_snapshot_free(s);
	}
	free(junk);
}

BAD(all_parsers, line_longer_than_64k)
{
	for (size_t i = 0; i < NR_PARSERS; i++) {
		size_t good = strlen(parsers[i].good), big = 70000;
		char *t = fs_xmalloc(big + 1 + good + 1);
		int nr;

		memset(t, 'x', big);
		t[big] = '\n';
		memcpy(t + big + 1, parsers[i].good, good + 1);
		struct fs_snapshot *s = run(&parsers[i], t, big + 1 + good, &nr);
		const struct fs_diag *d = fx_assert_diag(s, FS_SEV_WARNING,
							 "line too long (70000 bytes");
		assert_names_source(d, 1);
		cr_assert_gt(nr, 0, "%s: the good lines after it are still read", parsers[i].kind);
		cr_assert_eq(fx_count(s, FS_SEV_WARNING), 1);
		fs_snapshot_free(s);
		free(t);
	}
}

/* ------------------------------------------------------------------ numbers */

struct bad_number {
	const char *text;
	unsigned line;
	const char *needle;
};

static void check_numbers(fx_parser p, const struct bad_number *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr;
		struct fs_snapshot *s = fx_parse_text(p, cases[i].text, &nr);
		const struct fs_diag *d;

		cr_log_info("case %zu", i);
		d = fx_assert_diag(s, FS_SEV_WARNING, cases[i].needle);
		assert_names_source(d, cases[i].line);
		cr_assert(strstr(d->message, "expected"), "says what was expected: %s", d->message);
		fs_snapshot_free(s);
	}
}

BAD(buddyinfo, huge_and_negative_numbers)
{
	static const struct bad_number cases[] = {
		{ "Node 0, zone DMA 1 2 3\nNode 0, zone Normal 1 18446744073709551616 3\n", 2,
		  "order 1, got a number too large for 64 bits" },
		{ "Node 0, zone Normal 1 -2 3\n", 1, "order 1, got a negative number" },
		{ "Node 99999999999999999999, zone Normal 1 2 3\n", 1,
		  "got a number too large for 64 bits" },
		{ "Node -1, zone Normal 1 2 3\n", 1, "got a negative number" },
		{ "Node 0, zone Normal 1 2x 3\n", 1, "got a number followed by junk" },
	};
	int nr;
	struct fs_snapshot *s;

	check_numbers(fs_parse_buddyinfo, cases, 5);
	/* the largest 64-bit value is a number, not an overflow */
	s = fx_parse_text(fs_parse_buddyinfo, "Node 0, zone Normal 18446744073709551615 0\n", &nr);
	cr_assert_eq(nr, 1);
	fx_assert_exact(fx_zone(s, 0, "Normal")->order_blocks[0], UINT64_MAX);
	fs_snapshot_free(s);
	/* the overflowing line is refused, not wrapped */
	s = fx_parse_text(fs_parse_buddyinfo, cases[0].text, &nr);
	cr_assert_eq(nr, 1);
	cr_assert_null(fs_snapshot_zone(s, 0, "Normal", 6, false));
	fs_snapshot_free(s);
}

BAD(pagetypeinfo, huge_and_negative_numbers)
{
	static const struct bad_number cases[] = {
		{ "Page block order: 9\n"
		  "Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone Normal, type Movable 1 99999999999999999999\n", 3,
		  "order 1, got a number too large for 64 bits" },
		{ "Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone Normal, type Movable 1 -5\n", 2, "order 1, got a negative number" },
		{ "Page block order: -9\n", 1, "expected \"Page block order: N\", got a negative" },
		{ "Page block order: 99999999999999999999\n", 1, "too large for 64 bits" },
		{ "Page block order: 31\n", 1, "page block order 31 is not plausible" },
		{ "Number of blocks type Unmovable Movable\n"
		  "Node 0, zone Normal 3 -4\n", 2, "column 2, got a negative number" },
		{ "Number of blocks type Unmovable Movable\n"
		  "Node 0, zone Normal 3 18446744073709551616\n", 2, "too large for 64 bits" },
	};

	check_numbers(fs_parse_pagetypeinfo, cases, 7);
}

BAD(zoneinfo, huge_and_negative_numbers)
{
	static const struct bad_number cases[] = {
		{ "Node 0, zone Normal\n  pages free     18446744073709551616\n", 2,
		  "expected \"pages free N\", got a number too large for 64 bits" },
		{ "Node 0, zone Normal\n  pages free     -1\n", 2,
		  "expected \"pages free N\", got a negative number" },
		{ "Node 0, zone Normal\n        min      -5\n", 2, "got a negative number" },
		{ "Node 0, zone Normal\n        protection: (0, -1, 0)\n", 2,
		  "in \"protection: (N, N, ...)\", got a negative number" },
		{ "Node 0, zone Normal\n        protection: (0, 99999999999999999999)\n", 2,
		  "too large for 64 bits" },
		{ "Node 0, zone Normal\n      nr_free_pages 9223372036854775808\n", 2,
		  "value of nr_free_pages (9223372036854775808) beyond 2^63-1" },
		{ "Node 0, zone Normal\n  pagesets\n    cpu: 0\n              count: -3\n", 4,
		  "expected \"count: N\", got a negative number" },
		{ "Node 18446744073709551616, zone Normal\n", 1, "too large for 64 bits" },
	};

	check_numbers(fs_parse_zoneinfo, cases, 8);
}

BAD(vmstat, huge_and_negative_numbers)
{
	static const struct bad_number cases[] = {
		{ "nr_free_pages 1\nnr_dirty 18446744073709551616\n", 2,
		  "expected \"nr_dirty N\", got a number too large for 64 bits" },
		{ "nr_dirty -4\n", 1, "expected \"nr_dirty N\", got a negative number" },
		{ "pgfault 18446744073709551615\n", 1, "beyond 2^63-1" },
		{ "nr_dirty 12 kB\n", 1, "got text after the number" },
	};
	int nr;
	struct fs_snapshot *s;

	check_numbers(fs_parse_vmstat, cases, 4);
	s = fx_parse_text(fs_parse_vmstat, cases[0].text, &nr);
	cr_assert_eq(nr, 1);
	cr_assert_not(fs_stats_get(&s->vmstat, "nr_dirty", NULL), "refused, not wrapped");
	fs_snapshot_free(s);
}

BAD(meminfo, huge_and_negative_numbers)
{
	static const struct bad_number cases[] = {
		{ "MemTotal: 99999999999999999999 kB\n", 1,
		  "expected \"MemTotal: N [kB]\", got a number too large for 64 bits" },
		{ "MemTotal:       -5 kB\n", 1, "got a negative number" },
		{ "MemTotal:       5 MB\n", 1, "expected \"MemTotal: N kB\", got an unknown unit" },
	};

	check_numbers(fs_parse_meminfo, cases, 3);
}

/* ---------------------------------------------------- truncated and cut files */

BAD(buddyinfo, truncated_last_line)
{
	int nr;
	struct fs_snapshot *s = fx_parse_text(fs_parse_buddyinfo,
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0"
		"      1      1      3 \n"
		"Node 0, zone   Normal    355   1278   12", &nr);
	const struct fs_diag *d = fx_assert_diag(s, FS_SEV_WARNING,
		"expected 11 free-block counts (one per order), got 3 (line cut short?)");

	assert_names_source(d, 2);
	cr_assert_eq(nr, 1, "DMA is kept");
	cr_assert_eq(s->meta.nr_orders, 11);
	cr_assert_null(fs_snapshot_zone(s, 0, "Normal", 6, false));
	fs_snapshot_free(s);

	s = fx_parse_text(fs_parse_buddyinfo, "Node 0, zo", &nr);
	fx_assert_diag(s, FS_SEV_WARNING, "expected \"Node N, zone NAME\", got \"Node 0, zo\"");
	fx_assert_diag(s, FS_SEV_ERROR, "nothing usable");
	fs_snapshot_free(s);
}

BAD(pagetypeinfo, cut_mid_table)
{
	int nr;
	struct fs_snapshot *s = fx_parse_text(fs_parse_pagetypeinfo,
		"Page block order: 9\nPages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2 \n"
		"Node    0, zone      DMA, type    Unmovable      1      2      3 \n"
		"Node    0, zone      DMA, type      Movable      4      5      6 \n"
		"Node    0, zone   Normal, type    Unmovable    236    177    195 \n"
		"Node    0, zone   Normal, type      Mov", &nr);
	struct fs_zone *z;

	cr_assert_eq(nr, 2);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected 3 counts after \"type Mov\", got none (line cut short?)"), 8);
	const struct fs_diag *d = fx_assert_diag(s, FS_SEV_WARNING,
		"Node 0, zone Normal has no row for Movable (file cut short?)");
	assert_names_source(d, 0);
	z = fx_zone(s, 0, "Normal");
	fx_assert_exact(z->mt_blocks[FS_MT_UNMOVABLE][2], 195);
	cr_assert_eq(z->mt_rows, 1u << FS_MT_UNMOVABLE);
	cr_assert_not(z->known & FS_ZK_PAGEBLOCKS);
	fx_assert_exact(fx_zone(s, 0, "DMA")->mt_blocks[FS_MT_MOVABLE][2], 6);
	fs_snapshot_free(s);
}

BAD(pagetypeinfo, truncated_lines)
{
	int nr;
	struct fs_snapshot *s = fx_parse_text(fs_parse_pagetypeinfo,
		"Page block order: 9\n"
		"Free pages count per migrate type at order       0      1      2 \n"
		"Node    0, zone   Normal, type    Unmovable    236    177\n"
		"Node    0, zone   Normal, type      Movable     96   1044   1074 \n"
		"Node    0, zone   Normal, type      Bogus     96   1044   1074 \n"
		"Number of blocks type     Unmovable      Movable \n"
		"Node 0, zone   Normal           45\n"
		"Node 0, zone   Normal, type      Movable     96   1044   1074 \n"
		"Number of mixed blocks    Unmovable      Movable \n"
		"Node 0, zone   Normal  1 2 3\n"
		"something else\n", &nr);

	cr_assert_eq(nr, 1);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected 3 counts (one per order), got 2 (line cut short?); row skipped"), 3);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"unknown migratetype \"Bogus\": row ignored"), 5);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected 2 pageblock counts, got 1 (line cut short?); row skipped"), 7);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected a pageblock count for column 1, got no number"), 8);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"more block counts than the 2 columns of the header"), 10);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"unexpected line \"something else\""), 11);
	fx_assert_exact(fx_zone(s, 0, "Normal")->mt_blocks[FS_MT_MOVABLE][2], 1074);
	fs_snapshot_free(s);

	s = fx_parse_text(fs_parse_pagetypeinfo,
			  "Node 0, zone Normal, type Movable 96 1044 1074\n", &nr);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"table row before any table header"), 1);
	fx_assert_diag(s, FS_SEV_ERROR, "nothing usable found, expected \"Page block order");
	fs_snapshot_free(s);
}

BAD(zoneinfo, cut_mid_record)
{
	int nr;
	struct fs_snapshot *s = fx_parse_text(fs_parse_zoneinfo,
		"Node 0, zone      DMA\n  pages free     3840\n        min      68\n"
		"        low      85\n        high     102\n        spanned  4095\n"
		"        present  3998\n        managed  3840\n"
		"        protection: (0, 3019, 3659, 3659, 3659)\n      nr_free_pages 3840\n"
		"  pagesets\n    cpu: 0\n              count:    0\n  node_unreclaimable:  0\n"
		"  start_pfn:           1\n"
		"Node 0, zone   Normal\n  pages free     137506\n        boost    0\n"
		"        min      29", &nr);
	struct fs_zone *z;

	cr_assert_eq(nr, 2);
	z = fx_zone(s, 0, "DMA");
	cr_assert(z->known & FS_ZK_WMARK);
	cr_assert_eq(z->start_pfn, 1);
	z = fx_zone(s, 0, "Normal");
	cr_assert_eq(z->free_pages, 137506);
	cr_assert_eq(z->wmark_min, 29);
	cr_assert_not(z->known & FS_ZK_WMARK, "low and high are missing");
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING, "record of Node 0, zone Normal "
		"lacks \"low\", \"high\", \"spanned\", \"present\", \"managed\", \"protection\" "
		"(expected in every record; file cut short?)"), 16);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING, "record of Node 0, zone Normal "
		"ends before \"start_pfn\" (file cut short?)"), 16);
	fs_snapshot_free(s);
}

BAD(zoneinfo, cut_after_protection)
{
	int nr;
	struct fs_snapshot *s = fx_parse_text(fs_parse_zoneinfo,
		"Node 0, zone   Normal\n  pages free     137506\n        boost    0\n"
		"        min      2943\n        low      3678\n        high     4413\n"
		"        promo    5148\n        spanned  5505024\n        present  5505024\n"
		"        managed  163840\n        cma      0\n"
		"        protection: (0, 0, 0, 0, 0)\n", &nr);

	cr_assert_eq(nr, 1);
	cr_assert_not(fx_zone(s, 0, "Normal")->populated, "the kernel ended the record there");
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING, "record of Node 0, zone Normal "
		"ends after \"protection\" although 5505024 pages are present"), 1);
	fs_snapshot_free(s);
}

BAD(zoneinfo, truncated_lines)
{
	int nr;
	struct fs_snapshot *s = fx_parse_text(fs_parse_zoneinfo,
		"  pages free     1\n"
		"Node 0, zone   Normal 1 2 3\n"
		"  pages free     1\n"
		"Node 0, zone      DMA\n"
		"  pages free\n"
		"        protection: (0, 3019, 36\n"
		"      nr_free_pag\n"
		"      nr_free_pages 12 13\n"
		"        present  0\n", &nr);

	cr_assert_eq(nr, 1);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected a record header \"Node N, zone NAME\", got \"  pages free     1\""), 1);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected \"Node N, zone NAME\" alone on the line"), 2);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected \"pages free N\", got no number"), 5);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected \",\" or \")\" in \"protection: (N, N, ...)\" (line cut short?)"), 6);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected \"NAME N\" (a zone or node item), got \"      nr_free_pag\""), 7);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected \"nr_free_pages N\", got text after the number"), 8);
	cr_assert_null(fs_snapshot_zone(s, 0, "Normal", 6, false), "refused header");
	cr_assert_not(fx_zone(s, 0, "DMA")->known & FS_ZK_PROTECTION);
	cr_assert_not(fx_zone(s, 0, "DMA")->populated);
	fs_snapshot_free(s);
}

BAD(vmstat, truncated_lines)
{
	int nr;
	struct fs_snapshot *s = fx_parse_text(fs_parse_vmstat,
		"nr_free_pages 914263\nnr_zone_inactive_anon 1423\nnr_zone_act", &nr);

	cr_assert_eq(nr, 2);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected \"name N\", got \"nr_zone_act\""), 3);
	cr_assert_eq(fx_stat(&s->vmstat, "nr_zone_inactive_anon"), 1423);
	fs_snapshot_free(s);
}

BAD(meminfo, truncated_lines)
{
	int nr;
	struct fs_snapshot *s = fx_parse_text(fs_parse_meminfo,
		"MemTotal:       24684092 kB\nMemFree:        \nMemAvail", &nr);

	cr_assert_eq(nr, 1);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected \"MemFree: N [kB]\", got no number"), 2);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING,
		"expected \"Name: N kB\", got \"MemAvail\""), 3);
	cr_assert_eq(fx_stat(&s->meminfo, "MemTotal"), 24684092);
	fs_snapshot_free(s);
}

/* ------------------------------------------------------------ too many zones */

static char *repeat(const char *fmt, int n, size_t *len)
{
	struct fs_buf b;

	fs_buf_init(&b);
	for (int i = 0; i < n; i++)
		fs_buf_printf(&b, fmt, i, i);
	*len = b.len;
	return fs_buf_take(&b);
}

static void check_many(fx_parser p, const char *fmt, size_t max_zones, const char *needle)
{
	size_t len;
	char *t = repeat(fmt, 10000, &len);
	int nr;
	struct fs_snapshot *s = fs_snapshot_new();

	nr = p(s, t, len, "test-src");
	cr_assert_gt(nr, 0);
	cr_assert_leq(s->nr_zones, max_zones);
	cr_assert_leq(s->nr_nodes, FS_MAX_NODES);
	fx_assert_diag(s, FS_SEV_WARNING, needle);
	cr_assert_leq(s->diags.count, 30, "%zu diagnostics", s->diags.count);
	fs_snapshot_free(s);
	free(t);
}

static const char *const zone_names[6] = { "DMA", "DMA32", "Normal", "HighMem", "Movable",
					    "Device" };

BAD(buddyinfo, ten_thousand_zones)
{
	struct fs_buf b;
	struct fs_snapshot *s = fs_snapshot_new();
	size_t len;
	char *t;
	int nr;

	/* nodes 0..9999: only 0..1023 exist */
	check_many(fs_parse_buddyinfo, "Node %d, zone Normal %d 2 3\n", FS_MAX_NODES,
		   "8976 zone records dropped (beyond 1024 nodes or 8192 zones)");

	/* every zone type of nodes 0..1666: 6144 zones kept, 3856 lines dropped */
	fs_buf_init(&b);
	for (int i = 0; i < 10000; i++)
		fs_buf_printf(&b, "Node %d, zone %8s %6d      2 \n", i / 6, zone_names[i % 6], i);
	cr_assert_eq(fs_parse_buddyinfo(s, b.data, b.len, "test-src"), 6144);
	cr_assert_eq(s->nr_zones, 6144);
	cr_assert_eq(s->nr_nodes, 1024);
	fx_assert_diag(s, FS_SEV_WARNING, "3856 zone records dropped");
	fx_assert_exact(fx_zone(s, 1023, "Device")->order_blocks[0], 6143);
	fs_buf_free(&b);
	fs_snapshot_free(s);

	/* 10000 zone names the kernel never prints */
	t = repeat("Node 0, zone Z%d %d 2 3\n", 10000, &len);
	s = fs_snapshot_new();
	nr = fs_parse_buddyinfo(s, t, len, "test-src");
	cr_assert_eq(nr, 0);
	cr_assert_eq(s->nr_zones, 0);
	assert_names_source(fx_assert_diag(s, FS_SEV_WARNING, "unknown zone name \"Z0\" "
		"(expected DMA, DMA32, Normal, HighMem, Movable or Device): line skipped"), 1);
	fx_assert_diag(s, FS_SEV_WARNING, "9980 more bad lines");
	fx_assert_diag(s, FS_SEV_ERROR, "nothing usable");
	cr_assert_leq(s->diags.count, 23);
	free(t);
	fs_snapshot_free(s);
}

BAD(pagetypeinfo, ten_thousand_zones)
{
	size_t len;
	struct fs_buf b;
	struct fs_snapshot *s = fs_snapshot_new();

	fs_buf_init(&b);
	for (int n = 0; n < 10000; n++) {
		fs_buf_printf(&b, "Page block order: 9\nPages per block:  512\n\n"
			      "Free pages count per migrate type at order 0 1\n");
		fs_buf_printf(&b, "Node %4d, zone   Normal, type    Unmovable 1 2\n", n);
		fs_buf_printf(&b, "\nNumber of blocks type     Unmovable\n");
		fs_buf_printf(&b, "Node %d, zone   Normal 5\n", n);
	}
	len = b.len;
	cr_assert_eq(fs_parse_pagetypeinfo(s, b.data, len, "test-src"), FS_MAX_NODES);
	cr_assert_eq(s->nr_zones, FS_MAX_NODES);
	fx_assert_diag(s, FS_SEV_WARNING, "17952 zone records dropped");
	cr_assert_leq(s->diags.count, 30);
	fs_buf_free(&b);
	fs_snapshot_free(s);
}

BAD(zoneinfo, ten_thousand_zones)
{
	check_many(fs_parse_zoneinfo,
		   "Node %d, zone   Normal\n  pages free     %d\n        min 1\n        low 2\n"
		   "        high 3\n        spanned 0\n        present 0\n        managed 0\n"
		   "        protection: (0)\n", FS_MAX_NODES, "8976 zone records dropped");
}

BAD(counters, ten_thousand_counters)
{
	size_t len;
	char *t = repeat("nr_counter_%d %d\n", 10000, &len);
	int nr;
	struct fs_snapshot *s = fs_snapshot_new();

	nr = fs_parse_vmstat(s, t, len, "test-src");
	cr_assert_eq(nr, 1024);
	cr_assert_eq(s->vmstat.count, 1024);
	fx_assert_diag(s, FS_SEV_WARNING, "the rest of the text is ignored");
	free(t);
	t = repeat("Counter%d: %d kB\n", 10000, &len);
	nr = fs_parse_meminfo(s, t, len, "test-src");
	cr_assert_eq(nr, 1024);
	cr_assert_eq(s->meminfo.count, 1024);
	free(t);
	fs_snapshot_free(s);
}

BAD(zoneinfo, many_counters_in_one_zone)
{
	struct fs_buf b;
	struct fs_snapshot *s = fs_snapshot_new();

	fs_buf_init(&b);
	fs_buf_printf(&b, "Node 0, zone   Normal\n  pages free 1\n");
	for (int i = 0; i < 5000; i++)
		fs_buf_printf(&b, "      nr_item_%d %d\n", i, i);
	fs_parse_zoneinfo(s, b.data, b.len, "test-src");
	cr_assert_eq(fx_zone(s, 0, "Normal")->stats.count, 1024);
	fx_assert_diag(s, FS_SEV_WARNING, "the rest of the text is ignored");
	fs_buf_free(&b);
	fs_snapshot_free(s);
}

/* -------------------------------------------------- odd but legal, and merge */

BAD(buddyinfo, crlf_nul_and_too_many_orders)
{
	static const char crlf[] = "Node 0, zone Normal 1 2 3\r\nNode 0, zone DMA 4 5 6";
	int nr;
	struct fs_snapshot *s = fs_snapshot_new();

	nr = fs_parse_buddyinfo(s, crlf, sizeof(crlf) - 1, "test-src");
	cr_assert_eq(nr, 2);
	fx_assert_clean(s);
	fx_assert_exact(fx_zone(s, 0, "DMA")->order_blocks[2], 6);
	fs_snapshot_free(s);

	s = fx_parse_text(fs_parse_buddyinfo,
			  "Node 0, zone Normal 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", &nr);
	cr_assert_eq(nr, 0);
	fx_assert_diag(s, FS_SEV_WARNING, "more than 16 orders");
	cr_assert_eq(s->meta.nr_orders, 0);
	fs_snapshot_free(s);

	s = fx_parse_text(fs_parse_buddyinfo, "Node 0, zone Normal 1 2\nNode 0, zone Normal 3 4\n",
			  &nr);
	fx_assert_diag(s, FS_SEV_WARNING, "zone Node 0 Normal listed twice");
	fs_snapshot_free(s);
}

BAD(merge, hostile_snapshots)
{
	struct fs_snapshot *a = fs_snapshot_new(), *b = fs_snapshot_new();

	/* 1024 nodes x 8 names (two the kernel does not have) = FS_MAX_ZONES */
	for (int i = 0; i < FS_MAX_ZONES; i++) {
		const char *name = i % 8 < 6 ? zone_names[i % 8] : i % 8 == 6 ? "X6" : "X7";
		cr_assert_not_null(fs_snapshot_zone(a, i / 8, name, strlen(name), true));
	}
	fs_snapshot_zone(b, 1, "X5", 2, true);
	fs_snapshot_zone(b, 1, "Normal", 6, true)->free_pages = 7;
	fs_snapshot_merge(a, b);
	fx_assert_diag(a, FS_SEV_WARNING, "Node 1, zone X5 not merged: limit of 8192 zones");
	cr_assert_eq(fx_zone(a, 1, "Normal")->free_pages, 0, "FREE_PAGES not known in b");
	fs_snapshot_merge(a, a);   /* no-op */
	fs_snapshot_merge(a, NULL);
	fs_snapshot_check(a);
	fs_snapshot_free(a);
	fs_snapshot_free(b);
}
