/* Tests of captures: YAML recordings written and read back (src/core/capture_*.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_equal.h"
#include "fragscope/capture.h"
#include "fragscope/frame.h"
#include "fragscope/util.h"

/* ---- Helpers ------------------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned rn(uint64_t *s, unsigned n)
{
	return (unsigned)(rnd(s) % n);
}

static void tmp_path(char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, size, "%s/fs-capture-test-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp %s: %s", path, strerror(errno));
	close(fd);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static char *slurp(const char *path, size_t *len)
{
	char *text;
	cr_assert_eq(fs_read_file(path, (size_t)1 << 30, &text, len), 0, "read %s", path);
	return text;
}

static void header_init(struct fs_capture_header *h, unsigned interval)
{
	memset(h, 0, sizeof(*h));
	h->format_version = FS_CAPTURE_FORMAT_VERSION;
	snprintf(h->tool_version, sizeof(h->tool_version), "0.1.0-test");
	snprintf(h->source, sizeof(h->source), "live:/proc");
	h->start_time = 1732530000.5;
	h->keyframe_interval = interval;
	h->meta.time = 1732530000.5;
	h->meta.time_base = FS_TIME_EPOCH;
	snprintf(h->meta.kernel_release, sizeof(h->meta.kernel_release), "6.1.0-18-amd64");
	h->meta.page_size = 4096;
	h->meta.pageblock_order = 9;
	h->meta.nr_orders = 11;
	for (int mt = 0; mt < 6; mt++)
		fs_meta_note_mt(&h->meta, (enum fs_mt)mt);
	snprintf(h->meta.source, sizeof(h->meta.source), "live:/proc");
	snprintf(h->meta.hostname, sizeof(h->meta.hostname), "testbox");
}

static struct fs_count count_of(uint8_t kind, uint64_t v)
{
	struct fs_count c = { v, kind };
	return c;
}

static void fill_zone(struct fs_zone *z, uint64_t base)
{
	z->known = FS_ZK_FREE_PAGES | FS_ZK_WMARK | FS_ZK_SPANNED | FS_ZK_PRESENT | FS_ZK_MANAGED |
		   FS_ZK_PROTECTION | FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS | FS_ZK_PAGEBLOCKS |
		   FS_ZK_CMA_PAGES | FS_ZK_FREE_CMA | FS_ZK_START_PFN;
	z->free_pages = base + 1000;
	z->wmark_min = base + 10;
	z->wmark_low = base + 12;
	z->wmark_high = base + 15;
	z->spanned = base + 262144;
	z->present = base + 262000;
	z->managed = base + 250000;
	z->cma_pages = 16384;
	z->free_cma = 1200;
	z->start_pfn = 4096;
	memset(z->protection, 0, sizeof(z->protection));
	z->nr_protection = 4;
	for (int i = 0; i < 4; i++)
		z->protection[i] = (uint64_t)i * 1000;
	for (int o = 0; o < 11; o++)
		z->order_blocks[o] = fs_count_exact(base + 100 - (uint64_t)o * 9);
	z->mt_rows = (1u << FS_MT_UNMOVABLE) | (1u << FS_MT_MOVABLE) | (1u << FS_MT_RECLAIMABLE) |
		     (1u << FS_MT_HIGHATOMIC) | (1u << FS_MT_CMA);
	for (int o = 0; o < 11; o++) {
		z->mt_blocks[FS_MT_UNMOVABLE][o] = fs_count_exact((uint64_t)o * 3);
		z->mt_blocks[FS_MT_MOVABLE][o] = fs_count_exact(base + (uint64_t)o);
	}
	/* Every kind of count, and a hole in the middle of a row. */
	z->mt_blocks[FS_MT_MOVABLE][0] = count_of(FS_COUNT_CAPPED, 100000);
	z->mt_blocks[FS_MT_RECLAIMABLE][0] = count_of(FS_COUNT_NONEMPTY, 1);
	z->mt_blocks[FS_MT_RECLAIMABLE][1] = count_of(FS_COUNT_NONEMPTY, 0);
	z->mt_blocks[FS_MT_RECLAIMABLE][2] = count_of(FS_COUNT_EMPTY_KNOWN, 0);
	z->mt_blocks[FS_MT_RECLAIMABLE][4] = count_of(FS_COUNT_EXACT, 0);
	z->mt_blocks[FS_MT_RECLAIMABLE][5] = count_of(FS_COUNT_NONE, 7);   /* odd, but kept */
	z->mt_blocks[FS_MT_HIGHATOMIC][3] = count_of(FS_COUNT_EMPTY_KNOWN, 5);
	z->pageblocks[FS_MT_UNMOVABLE] = 12;
	z->pageblocks[FS_MT_MOVABLE] = base + 500;
	z->pageblocks[FS_MT_CMA] = 8;
	fs_stats_set(&z->stats, "nr_zone_inactive_file", (int64_t)base * 7);
	fs_stats_set(&z->stats, "nr_zone_write_pending", 0);
	fs_stats_set(&z->stats, "numa_hit", -5);
}

/* A hand-built two-node machine with every field the model has. */
static struct fs_snapshot *machine_snapshot(void)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_capture_header h;
	header_init(&h, 60);
	s->meta = h.meta;
	static const struct { int node; const char *name; } zones[] = {
		{ 0, "DMA" }, { 0, "DMA32" }, { 0, "Normal" }, { 1, "Normal" }, { 1, "Movable" },
	};
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct fs_zone *z = fs_snapshot_zone(s, zones[i].node, zones[i].name,
						     strlen(zones[i].name), true);
		cr_assert_not_null(z);
		fill_zone(z, i * 1000);
	}
	struct fs_zone *movable = fs_snapshot_zone(s, 1, "Movable", 7, false);
	movable->populated = false;
	movable->known = FS_ZK_FREE_PAGES | FS_ZK_SPLIT_READS | (1u << 30); /* an unnamed bit too */
	movable->wmark_boost = 77;
	movable->area_total_pages = 123456;
	movable->free_pcp = 31;
	movable->reserved_highatomic = 1024;
	movable->free_highatomic = 3;
	movable->wmark_promo = 44;
	for (int n = 0; n < 2; n++) {
		struct fs_node *node = fs_snapshot_node(s, n, true);
		fs_stats_set(&node->stats, "nr_inactive_anon", 100 + n);
		fs_stats_set(&node->stats, "nr_active_file", 2000 + n);
	}
	fs_stats_set(&s->vmstat, "nr_free_pages", 123456);
	fs_stats_set(&s->vmstat, "pgfault", 987654321);
	fs_stats_set(&s->vmstat, "compact_stall", 3);
	fs_stats_set(&s->meminfo, "MemTotal", 24000000);
	fs_stats_set(&s->meminfo, "MemFree", 20000000);
	fs_diags_add(&s->diags, FS_SEV_WARNING, "live:/proc/zoneinfo", 12,
		     "expected \"pages free N\", got \"pages fre 12\"");
	fs_diags_add(&s->diags, FS_SEV_NOTE, "live:/proc/pagetypeinfo", 3, "capped count >100000");
	return s;
}

static void make_report(struct fs_report *r, unsigned k, bool with_snapshot)
{
	memset(r, 0, sizeof(*r));
	r->kind = k % 2 ? FS_REPORT_VMALLOC : FS_REPORT_PAGE_ALLOC;
	r->timestamp = 12345.678901 + k;
	r->time_base = FS_TIME_BOOT;
	r->has_timestamp = true;
	snprintf(r->wallclock, sizeof(r->wallclock), "Nov 25 10:00:%02u", k % 60);
	snprintf(r->comm, sizeof(r->comm), "kworker/u8:%u", k);
	r->pid = 1234 + (int)k;
	r->cpu = (int)k % 4;
	r->order = k % 2 ? -1 : 3;
	r->has_mode = true;
	r->mode = 0x484020;
	snprintf(r->mode_names, sizeof(r->mode_names), "GFP_ATOMIC|__GFP_COMP");
	snprintf(r->nodemask, sizeof(r->nodemask), "(null)");
	snprintf(r->cpuset, sizeof(r->cpuset), "/");
	snprintf(r->mems_allowed, sizeof(r->mems_allowed), "0");
	snprintf(r->kernel_release, sizeof(r->kernel_release), "4.19.176 #2");
	if (k % 2)
		snprintf(r->message, sizeof(r->message),
			 "vmalloc error: size 8192, vm_struct allocation failed");
	r->nr_trace = 3;
	r->trace = fs_xcalloc(3, sizeof(*r->trace));
	r->trace[0] = fs_xstrdup("dump_stack+0xb4/0xf0");
	r->trace[1] = fs_xstrdup("warn_alloc+0xf0/0x158");
	r->trace[2] = fs_xstrdup("__alloc_pages_nodemask+0xa8c/0xc40");
	r->first_line = 10 + k;
	r->last_line = 70 + k;
	/* Lines that would end or start a YAML document, quotes, tabs,
	 * backslashes, UTF-8; every third report has a byte that is not UTF-8. */
	r->raw = fs_xstrdup(k % 3 == 2 ? "page allocation failure: order:3\n--- \xff\n...\n"
			    : "kworker/u8:1: page allocation failure: order:3, mode:0x484020\n"
			      "---\n...\n--- not a document\n... neither\n"
			      "\tCall trace: \"quoted\" \\backslash\\ caf\xc3\xa9 \u2028 end\n"
			      "Node 0 Normal: 12*4kB (UME) 3*8kB (M) = 72kB\n");
	r->snapshot = with_snapshot ? machine_snapshot() : NULL;
}

static char *write_capture(const struct fs_capture_header *h, const struct fs_frame *frames,
			   size_t n, char *path, size_t path_size)
{
	struct fs_diags d = { 0 };
	tmp_path(path, path_size);
	struct fs_capture_writer *w = fs_capture_create(path, h, &d);
	cr_assert_not_null(w, "create: %s", d.count ? d.items[0].message : "?");
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(fs_capture_append(w, &frames[i]), 0, "append frame %zu", i);
	cr_assert_eq(fs_capture_close(w), 0);
	fs_diags_clear(&d);
	size_t len;
	return slurp(path, &len);
}

static void assert_frame(struct fs_capture_reader *r, size_t n, const struct fs_frame *want)
{
	struct fs_frame got;
	char why[512];
	fs_frame_init(&got);
	cr_assert_eq(fs_capture_read_frame(r, n, &got), 0, "frame %zu cannot be read", n);
	cr_assert(ceq_frame(want, &got, why, sizeof(why)), "frame %zu differs: %s", n, why);
	fs_frame_clear(&got);
}

static bool diags_mention(const struct fs_diags *d, enum fs_severity sev, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].severity == sev && strstr(d->items[i].message, text))
			return true;
	return false;
}

static size_t count_lines_starting(const char *text, size_t len, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);
	for (size_t i = 0; i < len; i++)
		if ((i == 0 || text[i - 1] == '\n') && len - i >= pl &&
		    memcmp(text + i, prefix, pl) == 0)
			n++;
	return n;
}

static unsigned line_of(const char *text, const char *at)
{
	unsigned line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

static struct fs_report *add_event(struct fs_frame *f)
{
	fs_grow((void **)&f->events.items, &f->events.cap, f->events.count + 1,
		sizeof(*f->events.items));
	return &f->events.items[f->events.count++];
}

static void frames_free(struct fs_frame *frames, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fs_frame_clear(&frames[i]);
	free(frames);
}

/* ---- Full snapshots -------------------------------------------------------- */

Test(capture, full_snapshot_round_trip_with_every_field_kind)
{
	struct fs_capture_header h;
	header_init(&h, 60);
	struct fs_frame f;
	fs_frame_init(&f);
	f.index = 7;
	f.time = 1732530001.25;
	f.snapshot = machine_snapshot();
	char path[256];
	char *text = write_capture(&h, &f, 1, path, sizeof(path));

	cr_assert(fs_capture_detect(text, strlen(text)));
	cr_assert(strncmp(text, "---\nfragscope-capture: 1\n", 25) == 0, "magic first: %.40s",
		  text);
	cr_assert_not_null(strstr(text, "Movable: [100000+, 1001, 1002,"),
			   "capped count written as N+");
	cr_assert_not_null(
		strstr(text, "Reclaimable: [nonempty, nonempty=0, empty, ~, 0, unknown=7]"));

	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r, "open: %s", d.count ? d.items[0].message : "?");
	cr_assert_eq(d.count, 0, "no diagnostics on a good capture: %s",
		     d.count ? d.items[0].message : "");
	char why[512];
	struct fs_capture_header want = h;
	cr_assert(ceq_header(&want, fs_capture_header(r), why, sizeof(why)), "%s", why);
	cr_assert_eq(fs_capture_frame_count(r), 1);
	assert_frame(r, 0, &f);

	struct fs_frame got;
	fs_frame_init(&got);
	cr_assert_eq(fs_capture_read_frame(r, 0, &got), 0);
	/* Zone 1 is node 0 DMA32, filled with base 1000: Movable order 0 is
	 * capped at 100000, order 3 exact 1000 + 3. */
	const struct fs_zone *z = &got.snapshot->zones[1];
	cr_assert_str_eq(z->name, "DMA32");
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][0].kind, FS_COUNT_CAPPED);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][0].value, 100000);
	cr_assert_eq(z->mt_blocks[FS_MT_MOVABLE][3].value, 1003);
	cr_assert_eq(z->mt_blocks[FS_MT_RECLAIMABLE][2].kind, FS_COUNT_EMPTY_KNOWN);
	cr_assert_eq(z->free_pages, 2000);   /* base 1000 + 1000 */
	fs_frame_clear(&got);

	cr_assert_eq(fs_capture_read_frame(r, 1, &got), -1, "frame 1 does not exist");
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "does not exist"));
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	fs_frame_clear(&f);
	free(text);
	unlink(path);
}


Test(capture, frames_without_snapshot_and_header_defaults)
{
	struct fs_capture_header h;
	header_init(&h, 0);   /* 0: FS_CAPTURE_KEYFRAME_INTERVAL */
	h.tool_version[0] = '\0';   /* the writer fills in its own version */
	struct fs_frame f[4];
	for (size_t i = 0; i < 4; i++) {
		fs_frame_init(&f[i]);
		f[i].index = 100 + i;
		f[i].time = 1732530000.0 + (double)i;
	}
	make_report(add_event(&f[0]), 0, true);   /* an event-only frame */
	f[1].snapshot = machine_snapshot();
	f[3].snapshot = machine_snapshot();       /* after a frame without: full again */
	f[3].snapshot->zones[0].free_pages = 5;
	char path[256];
	char *text = write_capture(&h, f, 4, path, sizeof(path));
	cr_assert_not_null(strstr(text, "\nsnapshot: null\n"));
	cr_assert_null(strstr(text, "\ndelta:"), "no delta without a previous snapshot");

	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	cr_assert_eq(fs_capture_header(r)->keyframe_interval, FS_CAPTURE_KEYFRAME_INTERVAL);
	cr_assert_neq(fs_capture_header(r)->tool_version[0], '\0');
	cr_assert_eq(fs_capture_header(r)->format_version, 1);
	for (size_t i = 4; i-- > 0;)
		assert_frame(r, i, &f[i]);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	for (size_t i = 0; i < 4; i++)
		fs_frame_clear(&f[i]);
	free(text);
	unlink(path);
}

/* ---- Deltas ------------------------------------------------------------------ */

static const char *const zone_names[] = {"DMA", "DMA32", "Normal", "HighMem", "Movable", "Device"};

static void remove_stat(struct fs_stats *st, size_t i)
{
	memmove(&st->items[i], &st->items[i + 1], (st->count - i - 1) * sizeof(*st->items));
	st->count--;
}

static void remove_zone(struct fs_snapshot *s, size_t i)
{
	fs_stats_free(&s->zones[i].stats);
	memmove(&s->zones[i], &s->zones[i + 1], (s->nr_zones - i - 1) * sizeof(*s->zones));
	s->nr_zones--;
}

static struct fs_count random_count(uint64_t *rng)
{
	uint8_t kind = (uint8_t)rn(rng, 5);
	uint64_t v = rn(rng, 8) == 0 ? rnd(rng) : rn(rng, 5000);
	return count_of(kind, v);
}

static void mutate_zone(struct fs_zone *z, uint64_t *rng)
{
	char name[32];
	switch (rn(rng, 13)) {
	case 0: z->free_pages = rn(rng, 1000000); break;
	case 1:
		z->wmark_min = rn(rng, 100);
		z->wmark_low = z->wmark_min + rn(rng, 100);
		z->wmark_high = z->wmark_low + rn(rng, 100);
		break;
	case 2: z->order_blocks[rn(rng, FS_MAX_ORDERS)] = random_count(rng); break;
	case 3:
	case 4:
		z->mt_blocks[rn(rng, FS_MT_COUNT)][rn(rng, FS_MAX_ORDERS)] = random_count(rng);
		break;
	case 5: z->known ^= 1u << rn(rng, 20); break;
	case 6:
		z->populated = !z->populated;
		z->mt_rows ^= 1u << rn(rng, FS_MT_COUNT);
		break;
	case 7: z->pageblocks[rn(rng, FS_MT_COUNT)] = rn(rng, 10000); break;
	case 8:
		memset(z->protection, 0, sizeof(z->protection));
		z->nr_protection = (int)rn(rng, FS_MAX_ZONE_TYPES + 1);
		for (int i = 0; i < z->nr_protection; i++)
			z->protection[i] = rn(rng, 100000);
		break;
	case 9: fs_stats_set(&z->stats, "nr_zone_inactive_file", rn(rng, 100000)); break;
	case 10:
		snprintf(name, sizeof(name), "zone_counter_%u", rn(rng, 20));
		fs_stats_set(&z->stats, name, (int64_t)rn(rng, 1000) - 500);
		break;
	case 11:
		if (z->stats.count)
			remove_stat(&z->stats, rn(rng, (unsigned)z->stats.count));
		break;
	default:
		z->free_cma = rn(rng, 5000);
		z->start_pfn = rnd(rng);
		break;
	}
}

static void mutate_stats(struct fs_stats *st, uint64_t *rng, const char *prefix)
{
	char name[32];
	unsigned n = 1 + rn(rng, 8);
	for (unsigned i = 0; i < n && st->count; i++)
		st->items[rn(rng, (unsigned)st->count)].value += (int64_t)rn(rng, 1000) - 300;
	switch (rn(rng, 20)) {
	case 0:
		snprintf(name, sizeof(name), "%s_new_%u", prefix, rn(rng, 50));
		fs_stats_set(st, name, rn(rng, 100));
		break;
	case 1:
		if (st->count)
			remove_stat(st, rn(rng, (unsigned)st->count));
		break;
	case 2:
		if (st->count > 1) {   /* reordered: the delta stores them whole */
			struct fs_stat t = st->items[0];
			st->items[0] = st->items[st->count - 1];
			st->items[st->count - 1] = t;
		}
		break;
	default:
		break;
	}
}

static void mutate(struct fs_snapshot *s, uint64_t *rng)
{
	s->meta.time += 1.0;
	unsigned n = rn(rng, 6);
	for (unsigned i = 0; i < n && s->nr_zones; i++)
		mutate_zone(&s->zones[rn(rng, (unsigned)s->nr_zones)], rng);
	mutate_stats(&s->vmstat, rng, "vm");
	if (rn(rng, 3) == 0)
		mutate_stats(&s->meminfo, rng, "mem");
	if (s->nr_nodes && rn(rng, 3) == 0)
		mutate_stats(&s->nodes[rn(rng, (unsigned)s->nr_nodes)].stats, rng, "node");
	struct fs_zone *z;
	const char *zn;
	switch (rn(rng, 30)) {
	case 0:
		zn = zone_names[rn(rng, 6)];
		z = fs_snapshot_zone(s, (int)rn(rng, 4), zn, strlen(zn), true);
		fill_zone(z, rn(rng, 5) * 1000);
		break;
	case 1:
		if (s->nr_zones > 1)
			remove_zone(s, rn(rng, (unsigned)s->nr_zones));
		break;
	case 2:
		if (s->nr_zones > 1) {   /* reordered zones: a full snapshot */
			struct fs_zone t = s->zones[0];
			s->zones[0] = s->zones[1];
			s->zones[1] = t;
		}
		break;
	case 3:
		fs_snapshot_node(s, (int)rn(rng, 6), true);
		break;
	case 4:
		if (s->nr_nodes > 1) {
			size_t i = rn(rng, (unsigned)s->nr_nodes);
			fs_stats_free(&s->nodes[i].stats);
			memmove(&s->nodes[i], &s->nodes[i + 1],
				(s->nr_nodes - i - 1) * sizeof(*s->nodes));
			s->nr_nodes--;
		}
		break;
	case 5:
		fs_diags_add(&s->diags, FS_SEV_WARNING, "live:/proc/zoneinfo", rn(rng, 100),
			     "drift %u", rn(rng, 1000));
		break;
	case 6:
		fs_diags_clear(&s->diags);
		break;
	case 7:
		snprintf(s->meta.hostname, sizeof(s->meta.hostname), "host%u", rn(rng, 10));
		s->meta.nr_orders = 11 + (int)rn(rng, 3);
		break;
	case 8:
		memset(s->meta.mt_order, 0, sizeof(s->meta.mt_order));
		s->meta.nr_mt_order = (int)rn(rng, FS_MT_COUNT + 1);
		for (int i = 0; i < s->meta.nr_mt_order; i++)
			s->meta.mt_order[i] = (uint8_t)rn(rng, FS_MT_COUNT);
		break;
	default:
		break;
	}
}

static size_t count_docs_with(const char *text, const char *key)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, key)); p++)
		n++;
	return n;
}

static void random_capture(unsigned interval, uint64_t seed)
{
	enum { N = 200 };
	uint64_t rng = seed;
	struct fs_frame *frames = fs_xcalloc(N, sizeof(*frames));
	struct fs_snapshot *cur = machine_snapshot();
	for (size_t i = 0; i < N; i++) {
		if (i)
			mutate(cur, &rng);
		frames[i].index = i;
		frames[i].time = cur->meta.time;
		frames[i].snapshot = rn(&rng, 25) == 0 ? NULL : fs_snapshot_clone(cur);
		if (rn(&rng, 10) == 0)
			for (unsigned k = 1 + rn(&rng, 2); k > 0; k--)
				make_report(add_event(&frames[i]), (unsigned)i + k, rn(&rng, 2));
	}
	fs_snapshot_free(cur);
	struct fs_capture_header h;
	header_init(&h, interval);
	char path[256];
	char *text = write_capture(&h, frames, N, path, sizeof(path));
	/* Most frames are deltas (keyframes, frames after one without a
	 * snapshot and reordered zones are not). */
	size_t deltas = count_docs_with(text, "\ndelta:");
	cr_assert_gt(deltas, N / 2, "only %zu deltas", deltas);
	cr_assert_eq(count_lines_starting(text, strlen(text), "---"), N + 1);

	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	cr_assert_eq(fs_capture_frame_count(r), N);
	size_t order[N];
	for (size_t i = 0; i < N; i++)
		order[i] = i;
	for (size_t i = N - 1; i > 0; i--) {
		size_t j = rn(&rng, (unsigned)i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < N; i++)
		assert_frame(r, order[i], &frames[order[i]]);
	for (size_t i = 0; i < N; i++)
		assert_frame(r, i, &frames[i]);
	assert_frame(r, N - 1, &frames[N - 1]);   /* the same frame twice */
	cr_assert_eq(fs_diags_count(&d, FS_SEV_NOTE), 0, "%s", d.count ? d.items[0].message : "");
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	frames_free(frames, N);
	free(text);
	unlink(path);
}

Test(capture, deltas_over_200_random_frames_read_back_in_random_order)
{
	random_capture(10, 0x9E3779B97F4A7C15ull);
}

Test(capture, deltas_with_the_default_keyframe_interval)
{
	random_capture(0, 12345);
}

Test(capture, keyframes_every_interval_and_deltas_only_say_what_changed)
{
	enum { N = 12 };
	struct fs_frame f[N];
	struct fs_snapshot *cur = machine_snapshot();
	for (size_t i = 0; i < N; i++) {
		fs_frame_init(&f[i]);
		f[i].index = i;
		f[i].time = (double)i;
		cur->meta.time = 1732530000.0 + (double)i;
		cur->zones[2].free_pages = 1000 + i;
		f[i].snapshot = fs_snapshot_clone(cur);
	}
	fs_snapshot_free(cur);
	struct fs_capture_header h;
	header_init(&h, 5);
	char path[256];
	char *text = write_capture(&h, f, N, path, sizeof(path));
	/* Frames 0, 5 and 10 are keyframes; the 9 others deltas. */
	cr_assert_eq(count_docs_with(text, "\nsnapshot:"), 3);
	cr_assert_eq(count_docs_with(text, "\ndelta:"), 9);
	/* Frame 1: the time and zone 2 (node 0 Normal) free_pages, nothing else. */
	const char *d1 = strstr(text, "\nframe: 1\n");
	cr_assert_not_null(d1);
	cr_assert(strncmp(d1,
			  "\nframe: 1\ntime: 1.0\ndelta:\n  meta: {time: 1732530001.0}\n"
			  "  zones:\n  - node: 0\n    zone: Normal\n    free_pages: 1001\n...\n",
			  94) == 0,
		  "%.120s", d1);
	struct fs_capture_reader *r = fs_capture_open(path, NULL);
	cr_assert_not_null(r);
	for (size_t i = 0; i < N; i++)
		assert_frame(r, (i * 7) % N, &f[(i * 7) % N]);
	fs_capture_close_reader(r);
	for (size_t i = 0; i < N; i++)
		fs_frame_clear(&f[i]);
	free(text);
	unlink(path);
}

Test(capture, reordered_and_duplicate_zones_and_counters_survive)
{
	struct fs_frame f[4];
	for (size_t i = 0; i < 4; i++) {
		fs_frame_init(&f[i]);
		f[i].index = i;
		f[i].snapshot = machine_snapshot();
	}
	/* 1: zones in an unusual order; 2: the same zone twice and a counter
	 * twice; 3: counters reordered and a zone removed. */
	struct fs_zone t = f[1].snapshot->zones[0];
	f[1].snapshot->zones[0] = f[1].snapshot->zones[3];
	f[1].snapshot->zones[3] = t;
	struct fs_snapshot *s2 = f[2].snapshot;
	fs_stats_free(&s2->zones[1].stats);
	s2->zones[1] = s2->zones[0];
	memset(&s2->zones[1].stats, 0, sizeof(s2->zones[1].stats));
	fs_stats_copy(&s2->zones[1].stats, &s2->zones[0].stats);
	fs_stats_set(&s2->vmstat, "dup", 1);
	s2->vmstat.items[0] = s2->vmstat.items[s2->vmstat.count - 1];
	struct fs_snapshot *s3 = f[3].snapshot;
	struct fs_stat st = s3->meminfo.items[0];
	s3->meminfo.items[0] = s3->meminfo.items[1];
	s3->meminfo.items[1] = st;
	remove_zone(s3, 4);
	struct fs_capture_header h;
	header_init(&h, 100);
	char path[256];
	char *text = write_capture(&h, f, 4, path, sizeof(path));
	struct fs_capture_reader *r = fs_capture_open(path, NULL);
	cr_assert_not_null(r);
	for (size_t i = 0; i < 4; i++)
		assert_frame(r, i, &f[i]);
	/* Frame 3 followed frame 2's duplicate zones: a full snapshot. */
	cr_assert_eq(count_docs_with(text, "\ndelta:"), 0);
	fs_capture_close_reader(r);
	for (size_t i = 0; i < 4; i++)
		fs_frame_clear(&f[i]);
	free(text);
	unlink(path);
}

/* ---- Events ------------------------------------------------------------------ */

Test(capture, events_with_snapshots_and_awkward_text)
{
	enum { N = 6 };
	struct fs_frame f[N];
	struct fs_snapshot *cur = machine_snapshot();
	unsigned k = 0;
	for (size_t i = 0; i < N; i++) {
		fs_frame_init(&f[i]);
		f[i].index = i;
		f[i].time = (double)i + 0.1;
		cur->zones[0].free_pages += 3;
		f[i].snapshot = fs_snapshot_clone(cur);
		for (size_t e = 0; e < i % 3; e++)
			make_report(add_event(&f[i]), k++, e == 0);
	}
	fs_snapshot_free(cur);
	/* A report with nothing filled in, and one with a NULL trace entry. */
	struct fs_report *bare = add_event(&f[5]);
	memset(bare, 0, sizeof(*bare));
	bare->pid = bare->cpu = bare->order = -1;
	struct fs_report *odd = add_event(&f[5]);
	make_report(odd, 99, false);
	free(odd->trace[1]);
	odd->trace[1] = NULL;
	snprintf(odd->comm, sizeof(odd->comm), "null");   /* a word YAML takes for null */
	struct fs_capture_header h;
	header_init(&h, 4);
	char path[256];
	char *text = write_capture(&h, f, N, path, sizeof(path));
	size_t len = strlen(text);
	/* The raw text's "---" and "..." lines stay inside quoted scalars. */
	cr_assert_eq(count_lines_starting(text, len, "---"), N + 1);
	cr_assert_eq(count_lines_starting(text, len, "..."), N + 1);
	cr_assert_not_null(strstr(text, "!!binary"),
			   "the report with a stray byte is kept as bytes");
	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	for (size_t i = N; i-- > 0;)
		assert_frame(r, i, &f[i]);
	struct fs_frame got;
	fs_frame_init(&got);
	cr_assert_eq(fs_capture_read_frame(r, 2, &got), 0);
	cr_assert_eq(got.events.count, 2);
	cr_assert_str_eq(got.events.items[0].trace[1], "warn_alloc+0xf0/0x158");
	cr_assert_eq(got.events.items[0].mode, 0x484020);
	cr_assert_not_null(got.events.items[0].snapshot);
	cr_assert_null(got.events.items[1].snapshot);
	fs_frame_clear(&got);
	cr_assert_eq(d.count, 0);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	for (size_t i = 0; i < N; i++)
		fs_frame_clear(&f[i]);
	free(text);
	unlink(path);
}

/* ---- Damage ------------------------------------------------------------------- */

static struct fs_frame *small_capture(size_t n, unsigned interval, char **text, char *path,
				      size_t path_size)
{
	struct fs_frame *f = fs_xcalloc(n, sizeof(*f));
	struct fs_snapshot *cur = machine_snapshot();
	for (size_t i = 0; i < n; i++) {
		f[i].index = i;
		f[i].time = 1732530000.0 + (double)i;
		cur->meta.time = f[i].time;
		cur->zones[2].free_pages = 1000 + i * 17;
		fs_stats_set(&cur->vmstat, "pgfault", 1000 + (int64_t)i);
		f[i].snapshot = fs_snapshot_clone(cur);
	}
	make_report(add_event(&f[n - 1]), 1, false);
	fs_snapshot_free(cur);
	struct fs_capture_header h;
	header_init(&h, interval);
	*text = write_capture(&h, f, n, path, path_size);
	return f;
}

Test(capture, truncated_at_every_byte_of_the_last_frame)
{
	enum { N = 4 };
	char path[256], *text;
	struct fs_frame *f = small_capture(N, 2, &text, path, sizeof(path));
	size_t len = strlen(text);
	const char *last = text + len - 1;
	while (last > text && !(last[-1] == '\n' && strncmp(last, "---", 3) == 0))
		last--;
	size_t start = (size_t)(last - text);
	cr_assert_gt(start, 0);
	for (size_t cut = start; cut <= len; cut++) {
		struct fs_diags d = { 0 };
		struct fs_capture_reader *r = fs_capture_open_text(text, cut, "cut.yaml", &d);
		cr_assert_not_null(r, "cut at %zu", cut);
		/* Complete once its "..." line is there, even without the final newline. */
		size_t want = cut >= len - 1 ? N : N - 1;
		cr_assert_eq(fs_capture_frame_count(r), want, "cut at %zu of %zu: [%.60s]", cut,
			     len, text + cut - 60);
		if (cut > start && want == N - 1)
			cr_assert(diags_mention(&d, FS_SEV_NOTE, "incomplete"), "cut at %zu", cut);
		for (size_t i = 0; i < want; i++)
			assert_frame(r, i, &f[i]);
		fs_capture_close_reader(r);
		fs_diags_clear(&d);
	}
	/* The same through a real file, as a killed writer leaves it. */
	cr_assert_eq(truncate(path, (off_t)(start + (len - start) / 2)), 0);
	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	cr_assert_eq(fs_capture_frame_count(r), N - 1);
	cr_assert(diags_mention(&d, FS_SEV_NOTE, "the last frame (3) is incomplete"));
	assert_frame(r, N - 2, &f[N - 2]);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	frames_free(f, N);
	free(text);
	unlink(path);
}

static struct fs_capture_reader *open_with(const char *text, size_t len, const char *tail,
					   size_t tail_len, struct fs_diags *d, char **joined)
{
	*joined = fs_xmalloc(len + tail_len + 1);
	memcpy(*joined, text, len);
	memcpy(*joined + len, tail, tail_len);
	(*joined)[len + tail_len] = '\0';
	return fs_capture_open_text(*joined, len + tail_len, "damaged.yaml", d);
}

Test(capture, garbage_appended)
{
	enum { N = 5 };
	char path[256], *text, *joined;
	struct fs_frame *f = small_capture(N, 3, &text, path, sizeof(path));
	size_t len = strlen(text);
	static const struct {
		const char *tail;
		size_t len;
		size_t frames;
		const char *diag;
	} cases[] = {
#define TAIL(s) s, sizeof(s) - 1
		{ TAIL("garbage line\n\x01\x02 more\n"), N, "text after the end of a document" },
		{ TAIL("\0\xff\xfe\x80 binary"), N, "text after the end of a document" },
		{ TAIL("--- \nframe: 5\ntime: [unclosed\n"), N, "incomplete" },
		{ TAIL("---\nfoo: bar\n...\n"), N + 1, NULL },
		{ TAIL("\n\n# a comment\n"), N, NULL },
		{ TAIL("--"), N, "incomplete" },
#undef TAIL
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct fs_diags d = { 0 };
		struct fs_capture_reader *r =
			open_with(text, len, cases[c].tail, cases[c].len, &d, &joined);
		cr_assert_not_null(r, "case %zu", c);
		cr_assert_eq(fs_capture_frame_count(r), cases[c].frames, "case %zu", c);
		for (size_t i = 0; i < N; i++)
			assert_frame(r, i, &f[i]);
		enum fs_severity sev = cases[c].diag && cases[c].diag[0] == 'i' ? FS_SEV_NOTE
									      : FS_SEV_WARNING;
		if (cases[c].diag)
			cr_assert(diags_mention(&d, sev, cases[c].diag), "case %zu", c);
		else if (cases[c].frames == N)
			cr_assert_eq(d.count, 0, "case %zu: %s", c,
				     d.count ? d.items[0].message : "");
		if (cases[c].frames > N) {
			/* A complete document that is no frame: an error naming it. */
			struct fs_frame got;
			fs_frame_init(&got);
			cr_assert_eq(fs_capture_read_frame(r, N, &got), -1);
			cr_assert(diags_mention(&d, FS_SEV_ERROR, "frame 5: unknown key") ||
				  diags_mention(&d, FS_SEV_ERROR,
						"expected \"snapshot\" or \"delta\""));
		}
		fs_capture_close_reader(r);
		fs_diags_clear(&d);
		free(joined);
	}
	frames_free(f, N);
	free(text);
	unlink(path);
}

/* Replace the first occurrence of from after the document of frame n. */
static char *damage(const char *text, size_t n, const char *from, const char *to, unsigned *line)
{
	char marker[32];
	snprintf(marker, sizeof(marker), "\nframe: %zu\n", n);
	const char *doc = strstr(text, marker);
	cr_assert_not_null(doc);
	const char *at = strstr(doc, from);
	cr_assert_not_null(at);
	*line = line_of(text, at);
	size_t len = strlen(text), fl = strlen(from), tl = strlen(to), pre = (size_t)(at - text);
	char *out = fs_xmalloc(len - fl + tl + 1);
	memcpy(out, text, pre);
	memcpy(out + pre, to, tl);
	memcpy(out + pre + tl, at + fl, len - pre - fl + 1);
	return out;
}

Test(capture, corrupt_middle_document_leaves_the_others_readable)
{
	enum { N = 12 };
	char path[256], *text;
	struct fs_frame *f = small_capture(N, 4, &text, path, sizeof(path));
	/* Frame 5 is a delta on keyframe 4: a value that is not a number. */
	unsigned line;
	char *bad = damage(text, 5, "free_pages: 1085", "free_pages: 10x5", &line);
	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open_text(bad, strlen(bad), "bad.yaml", &d);
	cr_assert_not_null(r);
	cr_assert_eq(fs_capture_frame_count(r), N);
	struct fs_frame got;
	fs_frame_init(&got);
	for (size_t i = N; i-- > 0;) {
		if (i >= 5 && i <= 7) {   /* 6 and 7 build on 5 */
			cr_assert_eq(fs_capture_read_frame(r, i, &got), -1, "frame %zu", i);
			cr_assert_null(got.snapshot);
		} else {
			assert_frame(r, i, &f[i]);
		}
	}
	/* The diagnostic names the file, the line and what was expected. */
	bool found = false;
	for (size_t i = 0; i < d.count; i++) {
		const struct fs_diag *x = &d.items[i];
		if (x->severity == FS_SEV_ERROR && x->line == line &&
		    strcmp(x->source, "bad.yaml") == 0 &&
		    strstr(x->message,
			   "frame 5: free_pages: expected an unsigned integer, got \"10x5\""))
			found = true;
	}
	cr_assert(found, "no diagnostic at line %u; first: %s", line,
		  d.count ? d.items[0].message : "");
	cr_assert(diags_mention(&d, FS_SEV_ERROR,
				"frame 7 cannot be read: frame 5 it builds on is damaged"));
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	free(bad);

	/* A YAML syntax error in keyframe 8: 8 to 11 are lost, the rest read. */
	bad = damage(text, 8, "  meta:\n", "  meta: ]\n", &line);
	r = fs_capture_open_text(bad, strlen(bad), "bad.yaml", &d);
	cr_assert_not_null(r);
	for (size_t i = 0; i < N; i++) {
		if (i >= 8)
			cr_assert_eq(fs_capture_read_frame(r, i, &got), -1, "frame %zu", i);
		else
			assert_frame(r, i, &f[i]);
	}
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "frame 8: not valid YAML"), "%zu: %s", d.count,
		  d.count ? d.items[0].message : "");
	cr_assert_eq(d.items[0].line, line, "the line of \"  meta: ]\"; got: %s", d.items[0].message);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	free(bad);

	/* A frame whose "..." line is missing, followed by more frames. */
	bad = damage(text, 2, "\n...\n", "\n", &line);
	r = fs_capture_open_text(bad, strlen(bad), "bad.yaml", &d);
	cr_assert_not_null(r);
	cr_assert_eq(fs_capture_read_frame(r, 2, &got), -1);
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "frame 2 is incomplete"));
	assert_frame(r, 1, &f[1]);
	assert_frame(r, 4, &f[4]);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	free(bad);

	frames_free(f, N);
	free(text);
	unlink(path);
}

Test(capture, empty_binary_and_missing_files)
{
	char path[256];
	struct fs_diags d = { 0 };
	tmp_path(path, sizeof(path));
	cr_assert_null(fs_capture_open(path, &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "empty file"));
	fs_diags_clear(&d);
	cr_assert_null(fs_capture_open_text("", 0, "empty.yaml", &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "empty file"));
	fs_diags_clear(&d);

	static const char elf[] = "\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0\x3e\0---\n";
	write_bytes(path, elf, sizeof(elf) - 1);
	cr_assert_null(fs_capture_open(path, &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "binary data"));
	cr_assert_eq(d.items[0].line, 1);
	fs_diags_clear(&d);

	static const char zoneinfo[] = "Node 0, zone      DMA\n  per-node stats\n";
	write_bytes(path, zoneinfo, sizeof(zoneinfo) - 1);
	cr_assert_null(fs_capture_open(path, &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "not a fragscope capture"));
	cr_assert_not(fs_capture_detect(zoneinfo, sizeof(zoneinfo) - 1));
	fs_diags_clear(&d);

	static const char other_yaml[] = "---\nname: something else\n...\n";
	write_bytes(path, other_yaml, sizeof(other_yaml) - 1);
	cr_assert_null(fs_capture_open(path, &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR,
				"expected \"fragscope-capture: 1\" as the first key"));
	cr_assert_eq(d.items[0].line, 2);
	fs_diags_clear(&d);

	static const char newer[] = "---\nfragscope-capture: 2\nkeyframe_interval: 60\n...\n";
	write_bytes(path, newer, sizeof(newer) - 1);
	cr_assert_null(fs_capture_open(path, &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "capture format 2 is newer"));
	fs_diags_clear(&d);

	static const char cut_header[] = "---\nfragscope-capture: 1\nkeyframe_";
	write_bytes(path, cut_header, sizeof(cut_header) - 1);
	cr_assert_null(fs_capture_open(path, &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "header is incomplete"));
	fs_diags_clear(&d);
	unlink(path);

	cr_assert_null(fs_capture_open("/nonexistent/fragscope.yaml", &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "cannot open capture"));
	fs_diags_clear(&d);
	cr_assert_null(fs_capture_open("/", &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "directory"));
	fs_diags_clear(&d);
	struct fs_capture_header h;
	header_init(&h, 60);
	cr_assert_null(fs_capture_create("/nonexistent/dir/capture.yaml", &h, &d));
	cr_assert(diags_mention(&d, FS_SEV_ERROR, "cannot create capture"));
	fs_diags_clear(&d);
}

Test(capture, hostile_frames_give_diagnostics)
{
	static const char head[] =
		"---\nfragscope-capture: 1\nkeyframe_interval: 2\nfuture_key: [1, 2]\n...\n";
	static const struct {
		const char *frames;
		const char *diag;
		int rc;   /* of reading the last frame */
	} cases[] = {
		{"---\nframe: 0\ndelta: {}\n...\n", "expected a full snapshot (this is a keyframe)",
		 -1},
		{"---\nframe: 0\nsnapshot: null\n...\n---\nframe: 1\ndelta: {}\n...\n",
		 "the previous frame has no snapshot", -1},
		{"---\nframe: 0\n...\n", "expected \"snapshot\" or \"delta\"", -1},
		{"---\nframe: 0\nsnapshot: {zones: [{node: 0, zone: Normal, order_blocks: [1, "
		 "2x]}]}\n...\n",
		 "expected a count", -1},
		{"---\nframe: 0\nsnapshot: {zones: [{zone: Normal}]}\n...\n",
		 "starts with \"node\"", -1},
		{"---\nframe: 0\nsnapshot: {zones: [{node: 0, zone: ThisNameIsTooLong}]}\n...\n",
		 "at most 15 bytes", -1},
		{"---\nframe: 0\nsnapshot: {zones: [{node: 0, zone: Normal, free_pages: "
		 "18446744073709551616}]}\n...\n",
		 "expected an unsigned integer", -1},
		{"---\nframe: 0\nsnapshot: {zones: [{node: 0, zone: Normal, order_blocks: {16: "
		 "1}}]}\n...\n",
		 "order: expected an integer from 0 to 15", -1},
		{"---\nframe: 0\nsnapshot: {meta: {}}\n...\n---\nframe: 1\n"
		 "delta: {zones: [{node: 0, zone: DMA, removed: true}]}\n...\n",
		 "cannot remove zone 0 DMA", -1},
		{"---\nframe: 0\nsnapshot: {meta: {}}\n...\n---\nframe: 1\n"
		 "delta: {zones: [{node: 0, zone: DMA, insert_at: 5}]}\n...\n",
		 "cannot insert zone 0 DMA at 5 of 0", -1},
		{"---\nframe: 0\nsnapshot: {vmstat: {a: 1}}\n...\n---\nframe: 1\n"
		 "delta: {vmstat: {del: [b]}}\n...\n",
		 "cannot delete \"b\"", -1},
		{"---\nframe: 0\nsnapshot: {zones: *alias}\n...\n",
		 "zones: expected a list, got an alias", -1},
		{"---\nframe: 0\nsnapshot: {zones: [}\n...\n", "frame 0: not valid YAML", -1},
		{"---\nframe: 0\nsnapshot: {events: !!binary \"@@@\"}\n...\n",
		 "unknown key \"events\"", 0},
		{"---\nframe: 0\nsnapshot: null\nevents: [{comm: !!binary \"@@@\"}]\n...\n",
		 "comm: expected base64 text", -1},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		char text[1024];
		snprintf(text, sizeof(text), "%s%s", head, cases[c].frames);
		struct fs_diags d = { 0 };
		struct fs_capture_reader *r =
			fs_capture_open_text(text, strlen(text), "hostile.yaml", &d);
		cr_assert_not_null(r, "case %zu", c);
		cr_assert(diags_mention(&d, FS_SEV_NOTE,
					"unknown key \"future_key\" in the header ignored"));
		struct fs_frame got;
		fs_frame_init(&got);
		size_t last = fs_capture_frame_count(r) - 1;
		int rc = fs_capture_read_frame(r, last, &got);
		enum fs_severity sev = cases[c].rc ? FS_SEV_ERROR : FS_SEV_NOTE;
		cr_assert(diags_mention(&d, sev, cases[c].diag), "case %zu: want \"%s\", got: %s",
			  c, cases[c].diag, d.count > 1 ? d.items[1].message : "(none)");
		cr_assert_eq(rc, cases[c].rc, "case %zu", c);
		fs_frame_clear(&got);
		fs_capture_close_reader(r);
		fs_diags_clear(&d);
	}
}

/* ---- Sizes and numbers ------------------------------------------------------------ */

Test(capture, huge_numbers_and_special_doubles)
{
	struct fs_frame f;
	fs_frame_init(&f);
	f.index = SIZE_MAX;
	f.time = -INFINITY;
	struct fs_snapshot *s = f.snapshot = machine_snapshot();
	s->meta.time = 5e-324;   /* the smallest denormal */
	s->meta.page_size = UINT_MAX;
	s->meta.pageblock_order = INT_MIN;
	s->meta.nr_orders = INT_MAX;
	struct fs_zone *z = fs_snapshot_zone(s, FS_MAX_NODES - 1, "Normal", 6, true);
	z->known = UINT32_MAX;
	z->free_pages = z->wmark_min = z->spanned = z->start_pfn = UINT64_MAX;
	z->nr_protection = FS_MAX_ZONE_TYPES;
	for (int i = 0; i < FS_MAX_ZONE_TYPES; i++)
		z->protection[i] = UINT64_MAX - (uint64_t)i;
	for (int o = 0; o < FS_MAX_ORDERS; o++) {
		z->order_blocks[o] = count_of((uint8_t)(o % 5), UINT64_MAX - (uint64_t)o);
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			z->mt_blocks[mt][o] = count_of((uint8_t)((o + mt) % 5), UINT64_MAX);
	}
	z->mt_rows = UINT32_MAX;
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		z->pageblocks[mt] = UINT64_MAX;
	fs_stats_set(&z->stats, "min", INT64_MIN);
	fs_stats_set(&z->stats, "max", INT64_MAX);
	fs_stats_set(&s->vmstat, "negative_zero_next", 0);
	struct fs_report *r = add_event(&f);
	make_report(r, 4, false);
	r->timestamp = -0.0;
	r->pid = INT_MIN;
	r->cpu = INT_MAX;
	r->mode = UINT64_MAX;
	r->first_line = UINT_MAX;
	r = add_event(&f);
	make_report(r, 5, false);
	r->timestamp = NAN;
	r->kind = (enum fs_report_kind)7;          /* no name: kept as a number */
	r->time_base = (enum fs_time_base)-3;
	r = add_event(&f);
	make_report(r, 6, false);
	r->timestamp = 1.7976931348623157e308;
	struct fs_capture_header h;
	header_init(&h, 60);
	h.start_time = 0.1 + 0.2;   /* 0.30000000000000004 must come back exactly */
	char path[256];
	char *text = write_capture(&h, &f, 1, path, sizeof(path));
	cr_assert_not_null(strstr(text, "18446744073709551615+"));
	cr_assert_not_null(strstr(text, "min: -9223372036854775808"));
	struct fs_capture_reader *rd = fs_capture_open(path, NULL);
	cr_assert_not_null(rd);
	char why[512];
	struct fs_capture_header want = h;
	cr_assert(ceq_header(&want, fs_capture_header(rd), why, sizeof(why)), "%s", why);
	assert_frame(rd, 0, &f);
	fs_capture_close_reader(rd);
	fs_frame_clear(&f);
	free(text);
	unlink(path);
}

Test(capture, text_that_is_not_utf8_is_kept_byte_for_byte)
{
	struct fs_frame f;
	fs_frame_init(&f);
	struct fs_snapshot *s = f.snapshot = machine_snapshot();
	struct fs_zone *z = fs_snapshot_zone(s, 0, "\xff\xfe" "Zone", 6, true);
	cr_assert_not_null(z);
	fs_stats_set(&z->stats, "bad\xc3\x28name", 1);
	fs_stats_set(&s->vmstat, "\xed\xa0\x80surrogate", 2);
	fs_stats_set(&s->vmstat, "true", 3);      /* words YAML readers take for other things */
	fs_stats_set(&s->vmstat, "0x10", 4);
	fs_stats_set(&s->vmstat, "with space: and colon", 5);
	snprintf(s->meta.hostname, sizeof(s->meta.hostname), "caf\xc3\xa9-\xf0\x9f\x90\xa7");
	snprintf(s->meta.kernel_release, sizeof(s->meta.kernel_release), "\xc0\xaf overlong");
	make_report(add_event(&f), 2, false);   /* raw with a stray byte */
	struct fs_capture_header h;
	header_init(&h, 60);
	char path[256];
	char *text = write_capture(&h, &f, 1, path, sizeof(path));
	for (const char *p = text; *p; p++)
		cr_assert((unsigned char)*p < 0x80, "captures are ASCII; byte %zu is 0x%02x",
			  (size_t)(p - text), (unsigned char)*p);
	struct fs_capture_reader *r = fs_capture_open(path, NULL);
	cr_assert_not_null(r);
	assert_frame(r, 0, &f);
	fs_capture_close_reader(r);
	fs_frame_clear(&f);
	free(text);
	unlink(path);
}

Test(capture, long_lines_and_document_marks_across_read_chunks)
{
	struct fs_frame f[2];
	for (int i = 0; i < 2; i++) {
		fs_frame_init(&f[i]);
		f[i].index = (size_t)i;
		f[i].snapshot = machine_snapshot();
	}
	/* A 100 KiB single-line report. */
	struct fs_report *r = add_event(&f[1]);
	make_report(r, 0, false);
	free(r->raw);
	r->raw = fs_xmalloc(100001);
	uint64_t rng = 99;
	for (int i = 0; i < 100000; i++)
		r->raw[i] = (char)(32 + rn(&rng, 95));   /* printable, quotes and backslashes too */
	r->raw[100000] = '\0';
	struct fs_capture_header h;
	header_init(&h, 60);
	char path[256];
	char *text = write_capture(&h, f, 2, path, sizeof(path));
	size_t len = strlen(text);
	const char *hdr_end = strstr(text, "\n...\n") + 5;
	size_t hlen = (size_t)(hdr_end - text);
	const char *f0_end = strstr(hdr_end, "\n...\n") + 1;   /* the "..." line of frame 0 */

	/* The index reads 256 KiB at a time: put the start of frame 0, and then
	 * its end line, across a chunk boundary by padding with comment lines. */
	for (int mark = 0; mark < 2; mark++) {
		for (size_t k = 0; k <= 5; k++) {
			size_t target = 256 * 1024 - k;
			size_t mark_off = mark ? (size_t)(f0_end - hdr_end) : 0;
			size_t pad = target - hlen - mark_off;
			struct fs_buf b;
			fs_buf_init(&b);
			fs_buf_add(&b, text, hlen);
			while (pad > 0) {
				size_t line = pad > 1000 ? 1000 : pad;
				if (pad - line == 1)
					line--;   /* no 1-byte remainder: a line is "#...\n" */
				fs_buf_addc(&b, '#');
				for (size_t i = 2; i < line; i++)
					fs_buf_addc(&b, 'x');
				fs_buf_addc(&b, '\n');
				pad -= line;
			}
			cr_assert_eq(b.len + mark_off, target);
			fs_buf_add(&b, hdr_end, len - hlen);
			write_bytes(path, b.data, b.len);
			struct fs_diags d = { 0 };
			struct fs_capture_reader *rd = fs_capture_open(path, &d);
			cr_assert_not_null(rd, "k %zu", k);
			cr_assert_eq(fs_capture_frame_count(rd), 2, "mark %d k %zu", mark, k);
			cr_assert_eq(d.count, 0, "mark %d k %zu: %s", mark, k,
				     d.count ? d.items[0].message : "");
			assert_frame(rd, 0, &f[0]);
			assert_frame(rd, 1, &f[1]);
			fs_capture_close_reader(rd);
			fs_diags_clear(&d);
			fs_buf_free(&b);
		}
	}
	for (int i = 0; i < 2; i++)
		fs_frame_clear(&f[i]);
	free(text);
	unlink(path);
}

Test(capture, ten_thousand_zones)
{
	/* 10,000 zones (built by hand; fs_snapshot_zone stops at FS_MAX_ZONES). */
	enum { N = 10000 };
	struct fs_frame f[2];
	fs_frame_init(&f[0]);
	fs_frame_init(&f[1]);
	struct fs_snapshot *s = fs_snapshot_new();
	s->zones = fs_xcalloc(N, sizeof(*s->zones));
	s->nr_zones = s->zones_cap = N;
	for (size_t i = 0; i < N; i++) {
		struct fs_zone *z = &s->zones[i];
		z->node = (int)(i / 8);
		snprintf(z->name, sizeof(z->name), "Z%zu", i % 8);
		z->populated = true;
		z->known = FS_ZK_FREE_PAGES | FS_ZK_ORDER_BLOCKS;
		z->free_pages = i;
		for (int o = 0; o < 11; o++)
			z->order_blocks[o] = fs_count_exact(i + (size_t)o);
	}
	f[0].snapshot = s;
	struct fs_capture_header h;
	header_init(&h, 60);
	char path[256];
	char *text = write_capture(&h, f, 1, path, sizeof(path));
	struct fs_diags d = { 0 };
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	struct fs_frame got;
	fs_frame_init(&got);
	cr_assert_eq(fs_capture_read_frame(r, 0, &got), 0);
	cr_assert_eq(got.snapshot->nr_zones, FS_MAX_ZONES, "the model's bound");
	cr_assert(diags_mention(&d, FS_SEV_WARNING, "more than 8192 zones; the rest are ignored"));
	/* Zone 8191: node 8191 / 8 = 1023, "Z7", order 10 holds 8191 + 10. */
	cr_assert_eq(got.snapshot->zones[8191].node, 1023);
	cr_assert_str_eq(got.snapshot->zones[8191].name, "Z7");
	cr_assert_eq(got.snapshot->zones[8191].order_blocks[10].value, 8201);
	fs_frame_clear(&got);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	free(text);

	/* FS_MAX_ZONES zones round-trip exactly, and so does a delta on them. */
	s->nr_zones = FS_MAX_ZONES;
	f[1].snapshot = fs_snapshot_clone(s);
	f[1].index = 1;
	f[1].snapshot->zones[4000].free_pages = 1;
	f[1].snapshot->zones[8000].order_blocks[3] = count_of(FS_COUNT_CAPPED, 100000);
	s->nr_zones = N;
	for (size_t i = FS_MAX_ZONES; i < N; i++)
		fs_stats_free(&s->zones[i].stats);
	s->nr_zones = FS_MAX_ZONES;
	text = write_capture(&h, f, 2, path, sizeof(path));
	cr_assert_eq(count_docs_with(text, "\ndelta:"), 1);
	r = fs_capture_open(path, &d);
	cr_assert_not_null(r);
	assert_frame(r, 1, &f[1]);
	assert_frame(r, 0, &f[0]);
	cr_assert_eq(d.count, 0);
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	fs_frame_clear(&f[0]);
	fs_frame_clear(&f[1]);
	free(text);
	unlink(path);
}

Test(capture, numbers_do_not_follow_the_locale)
{
	if (!setlocale(LC_ALL, "de_DE.UTF-8") && !setlocale(LC_ALL, "fr_FR.UTF-8"))
		cr_skip_test("no locale with a decimal comma installed");
	struct fs_frame f;
	fs_frame_init(&f);
	f.time = 1.5;
	f.snapshot = machine_snapshot();
	struct fs_capture_header h;
	header_init(&h, 60);
	char path[256];
	char *text = write_capture(&h, &f, 1, path, sizeof(path));
	cr_assert_not_null(strstr(text, "\ntime: 1.5\n"));
	struct fs_capture_reader *r = fs_capture_open(path, NULL);
	cr_assert_not_null(r);
	assert_frame(r, 0, &f);
	fs_capture_close_reader(r);
	fs_frame_clear(&f);
	free(text);
	unlink(path);
	setlocale(LC_ALL, "C");
}

/* ---- Fuzzing ------------------------------------------------------------------- */

Test(capture, damaged_bytes_never_crash_the_reader)
{
	enum { N = 8 };
	char path[256], *text;
	struct fs_frame *f = small_capture(N, 3, &text, path, sizeof(path));
	size_t len = strlen(text);
	uint64_t rng = 4242;
	static const char pick[] = "-.:[]{}#&*!|>'\"%@`,?~ \n\t0123456789abcxyz\\\x01\xff";
	for (int round = 0; round < 400; round++) {
		char *t = fs_xmalloc(len + 1);
		memcpy(t, text, len + 1);
		for (unsigned k = 1 + rn(&rng, 4); k > 0; k--)
			t[rn(&rng, (unsigned)len)] = pick[rn(&rng, sizeof(pick) - 1)];
		size_t cut = rn(&rng, 4) == 0 ? rn(&rng, (unsigned)len + 1) : len;
		struct fs_diags d = { 0 };
		struct fs_capture_reader *r = fs_capture_open_text(t, cut, "fuzz.yaml", &d);
		if (r) {
			size_t n = fs_capture_frame_count(r);
			for (size_t i = 0; i < n + 1; i++) {
				struct fs_frame got;
				fs_frame_init(&got);
				fs_capture_read_frame(r, (i * 5) % (n + 1), &got);
				fs_frame_clear(&got);
			}
			fs_capture_close_reader(r);
		} else {
			cr_assert_gt(fs_diags_count(&d, FS_SEV_ERROR), 0, "a refusal says why");
		}
		fs_diags_clear(&d);
		free(t);
	}
	frames_free(f, N);
	free(text);
	unlink(path);
}
