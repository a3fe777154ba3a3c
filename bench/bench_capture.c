/*
 * bench_capture.c - a day of captures: 86,400 frames (1 Hz for 24 h) of a
 * three-zone machine whose counts drift, with a few allocation failures.
 * Measures writing, opening (the index), reaching the last frame, random
 * seeks and the reader's peak memory, and fails when a target is missed:
 *
 *   open < 1 s, mean seek < 10 ms, reader peak RSS < 64 MB.
 *
 * The reader runs in a child forked before the capture is written, so that
 * neither the writer's memory nor the parent's counts in its peak RSS.
 * The capture goes to $TMPDIR (default /tmp) and is removed afterwards,
 * unless FS_BENCH_KEEP is set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fragscope/capture.h"
#include "fragscope/frame.h"
#include "fragscope/util.h"

#define FRAMES 86400
#define SEEKS 1000
#define TARGET_OPEN_S 1.0
#define TARGET_SEEK_MS 10.0
#define TARGET_RSS_MB 64.0

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

/* ---- The machine ------------------------------------------------------------- */

static const char *const node_stat_names[] = {
	"nr_inactive_anon",
	"nr_active_anon",
	"nr_inactive_file",
	"nr_active_file",
	"nr_unevictable",
	"nr_slab_reclaimable",
	"nr_slab_unreclaimable",
	"nr_isolated_anon",
	"nr_isolated_file",
	"workingset_nodes",
	"workingset_refault_anon",
	"workingset_refault_file",
	"workingset_activate_anon",
	"workingset_activate_file",
	"workingset_restore_anon",
	"workingset_restore_file",
	"workingset_nodereclaim",
	"nr_anon_pages",
	"nr_mapped",
	"nr_file_pages",
	"nr_dirty",
	"nr_writeback",
	"nr_writeback_temp",
	"nr_shmem",
	"nr_shmem_hugepages",
	"nr_shmem_pmdmapped",
	"nr_file_hugepages",
	"nr_file_pmdmapped",
	"nr_anon_transparent_hugepages",
	"nr_vmscan_write",
	"nr_vmscan_immediate_reclaim",
	"nr_dirtied",
	"nr_written",
	"nr_throttled_written",
	"nr_kernel_misc_reclaimable",
	"nr_foll_pin_acquired",
	"nr_foll_pin_released",
	"nr_kernel_stack",
	"nr_page_table_pages",
	"nr_sec_page_table_pages",
	"nr_swapcached",
};

static const char *const zone_stat_names[] = {
	"nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon", "nr_zone_inactive_file",
	"nr_zone_active_file", "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock",
	"nr_bounce", "nr_zspages", "nr_free_cma", "numa_hit", "numa_miss", "numa_foreign",
	"numa_interleave", "numa_local", "numa_other",
};

static const char *const meminfo_names[] = {
	"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active",
	"Inactive", "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)",
	"Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Zswap", "Zswapped", "Dirty",
	"Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab", "SReclaimable",
	"SUnreclaim", "KernelStack", "PageTables", "SecPageTables", "NFS_Unstable", "Bounce",
	"WritebackTmp", "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed",
	"VmallocChunk", "Percpu", "HardwareCorrupted", "AnonHugePages", "ShmemHugePages",
	"ShmemPmdMapped", "FileHugePages", "FilePmdMapped", "CmaTotal", "CmaFree", "Unaccepted",
	"HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp", "Hugepagesize",
	"Hugetlb", "DirectMap4k", "DirectMap2M", "DirectMap1G",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define VMSTAT_COUNTERS 190   /* what a 6.x kernel prints */

static void fill_zone(struct fs_zone *z, uint64_t pages, uint64_t *rng)
{
	z->known = FS_ZK_FREE_PAGES | FS_ZK_WMARK | FS_ZK_BOOST | FS_ZK_PROMO | FS_ZK_SPANNED |
		   FS_ZK_PRESENT | FS_ZK_MANAGED | FS_ZK_CMA_PAGES | FS_ZK_FREE_CMA |
		   FS_ZK_RESERVED_HIGHATOMIC | FS_ZK_FREE_HIGHATOMIC | FS_ZK_FREE_PCP |
		   FS_ZK_PROTECTION | FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS | FS_ZK_PAGEBLOCKS |
		   FS_ZK_START_PFN | FS_ZK_SPLIT_READS;
	z->spanned = pages;
	z->present = pages - pages / 64;
	z->managed = pages - pages / 32;
	z->wmark_min = pages / 400;
	z->wmark_low = z->wmark_min * 5 / 4;
	z->wmark_high = z->wmark_min * 3 / 2;
	z->wmark_promo = z->wmark_min * 7 / 4;
	z->nr_protection = 5;
	z->mt_rows = (1u << FS_MT_UNMOVABLE) | (1u << FS_MT_MOVABLE) | (1u << FS_MT_RECLAIMABLE) |
		     (1u << FS_MT_HIGHATOMIC) | (1u << FS_MT_ISOLATE);
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		for (int o = 0; o < 11; o++)
			if (z->mt_rows & (1u << mt))
				z->mt_blocks[mt][o] = fs_count_exact(
					mt == FS_MT_MOVABLE ? rn(rng, 3000) : rn(rng, 40));
	z->pageblocks[FS_MT_UNMOVABLE] = pages / 512 / 20;
	z->pageblocks[FS_MT_MOVABLE] = pages / 512 - pages / 512 / 10;
	z->pageblocks[FS_MT_RECLAIMABLE] = pages / 512 / 20;
	for (size_t i = 0; i < N_OF(zone_stat_names); i++)
		fs_stats_set(&z->stats, zone_stat_names[i], (int64_t)rn(rng, 100000));
}

/* free lists and totals follow the per-migratetype counts */
static void settle_zone(struct fs_zone *z)
{
	uint64_t pages = 0;
	for (int o = 0; o < 11; o++) {
		uint64_t n = 0;
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			n += z->mt_blocks[mt][o].value;
		z->order_blocks[o] = fs_count_exact(n);
		pages += n << o;
	}
	z->free_pages = pages;
	fs_stats_set(&z->stats, "nr_free_pages", (int64_t)pages);
}

static struct fs_snapshot *machine(uint64_t *rng)
{
	struct fs_snapshot *s = fs_snapshot_new();
	struct fs_meta *m = &s->meta;
	m->time = 1732500000.0;
	m->time_base = FS_TIME_EPOCH;
	snprintf(m->kernel_release, sizeof(m->kernel_release), "6.1.0-18-amd64");
	m->page_size = 4096;
	m->pageblock_order = 9;
	m->nr_orders = 11;
	static const enum fs_mt order[] = { FS_MT_UNMOVABLE, FS_MT_MOVABLE, FS_MT_RECLAIMABLE,
					    FS_MT_HIGHATOMIC, FS_MT_ISOLATE };
	for (size_t i = 0; i < N_OF(order); i++)
		fs_meta_note_mt(m, order[i]);
	snprintf(m->source, sizeof(m->source), "live:/proc");
	snprintf(m->hostname, sizeof(m->hostname), "benchbox");
	static const struct { const char *name; uint64_t pages; } zones[] = {
		{ "DMA", 4095 }, { "DMA32", 1044480 }, { "Normal", 5242880 },
	};
	for (size_t i = 0; i < N_OF(zones); i++) {
		struct fs_zone *z =
			fs_snapshot_zone(s, 0, zones[i].name, strlen(zones[i].name), true);
		fill_zone(z, zones[i].pages, rng);
		for (int p = 0; p < 5; p++)
			z->protection[p] = p > (int)i ? zones[i].pages / 256 * (uint64_t)p : 0;
		settle_zone(z);
	}
	struct fs_node *n = fs_snapshot_node(s, 0, true);
	for (size_t i = 0; i < N_OF(node_stat_names); i++)
		fs_stats_set(&n->stats, node_stat_names[i], (int64_t)rn(rng, 1000000));
	for (int i = 0; i < VMSTAT_COUNTERS; i++) {
		char name[FS_STAT_NAME_MAX];
		if (i < (int)N_OF(node_stat_names))
			snprintf(name, sizeof(name), "%s", node_stat_names[i]);
		else
			snprintf(name, sizeof(name), "vm_event_%d", i);
		fs_stats_set(&s->vmstat, name, (int64_t)rn(rng, 10000000));
	}
	for (size_t i = 0; i < N_OF(meminfo_names); i++)
		fs_stats_set(&s->meminfo, meminfo_names[i], (int64_t)rn(rng, 24000000));
	return s;
}

static void drift_stats(struct fs_stats *st, unsigned changes, uint64_t *rng)
{
	for (unsigned i = 0; i < changes && st->count; i++)
		st->items[rn(rng, (unsigned)st->count)].value += (int64_t)rn(rng, 2000) - 900;
}

/* One second of a busy machine: free lists move in a few orders, some
 * dozens of counters change. */
static void drift(struct fs_snapshot *s, uint64_t *rng)
{
	s->meta.time += 1.0;
	for (size_t zi = 1; zi < s->nr_zones; zi++) {
		struct fs_zone *z = &s->zones[zi];
		for (unsigned k = rn(rng, 6); k > 0; k--) {
			struct fs_count *c =
				&z->mt_blocks[rn(rng, 2) ? FS_MT_MOVABLE : FS_MT_UNMOVABLE]
					     [rn(rng, 11)];
			uint64_t delta = rn(rng, 50);
			c->value = rn(rng, 2) || c->value < delta ? c->value + delta
								  : c->value - delta;
		}
		z->free_pcp = rn(rng, 8000);
		settle_zone(z);
		drift_stats(&z->stats, 6, rng);
	}
	drift_stats(&s->nodes[0].stats, 14, rng);
	drift_stats(&s->vmstat, 32, rng);
	drift_stats(&s->meminfo, 16, rng);
}

static void add_failure(struct fs_frame *f, const struct fs_snapshot *s, unsigned k)
{
	fs_grow((void **)&f->events.items, &f->events.cap, f->events.count + 1,
		sizeof(*f->events.items));
	struct fs_report *r = &f->events.items[f->events.count++];
	memset(r, 0, sizeof(*r));
	r->kind = FS_REPORT_PAGE_ALLOC;
	r->timestamp = 3600.0 * k + 0.123456;
	r->time_base = FS_TIME_BOOT;
	r->has_timestamp = true;
	snprintf(r->comm, sizeof(r->comm), "kworker/u8:%u", k);
	r->pid = 1000 + (int)k;
	r->cpu = (int)k % 4;
	r->order = 3;
	r->has_mode = true;
	r->mode = 0x484020;
	snprintf(r->mode_names, sizeof(r->mode_names), "GFP_ATOMIC|__GFP_COMP");
	snprintf(r->nodemask, sizeof(r->nodemask), "(null)");
	r->nr_trace = 12;
	r->trace = fs_xcalloc(r->nr_trace, sizeof(*r->trace));
	struct fs_buf raw;
	fs_buf_init(&raw);
	fs_buf_printf(&raw,
		      "kworker/u8:%u: page allocation failure: order:3, "
		      "mode:0x484020(GFP_ATOMIC|__GFP_COMP), nodemask=(null)\n",
		      k);
	for (size_t i = 0; i < r->nr_trace; i++) {
		char frame[64];
		snprintf(frame, sizeof(frame), "function_%zu+0x%zx/0x200", i, i * 16);
		r->trace[i] = fs_xstrdup(frame);
		fs_buf_printf(&raw, " %s\n", frame);
	}
	for (size_t i = 0; i < 40; i++)
		fs_buf_printf(&raw,
			      "Node 0 Normal: %zu*4kB (UME) %zu*8kB (UME) 0*16kB 0*32kB = %zukB\n",
			      i, i * 2, i * 8);
	r->raw = fs_buf_take(&raw);
	r->first_line = 100 * k;
	r->last_line = 100 * k + 60;
	r->snapshot = fs_snapshot_clone(s);
}

/* ---- Writing ------------------------------------------------------------------ */

struct written {
	double seconds;
	uint64_t last_free_pages;   /* Normal zone of the last frame, to check the reader */
};

static int generate(const char *path, struct written *w)
{
	uint64_t rng = 0x5EED;
	struct fs_capture_header h;
	memset(&h, 0, sizeof(h));
	snprintf(h.source, sizeof(h.source), "bench");
	h.start_time = 1732500000.0;
	h.keyframe_interval = FS_CAPTURE_KEYFRAME_INTERVAL;
	struct fs_snapshot *s = machine(&rng);
	h.meta = s->meta;
	struct fs_diags d = { 0 };
	double t0 = now();
	struct fs_capture_writer *cw = fs_capture_create(path, &h, &d);
	if (!cw) {
		fprintf(stderr, "bench_capture: %s\n",
			d.count ? d.items[0].message : "cannot create");
		return -1;
	}
	for (size_t i = 0; i < FRAMES; i++) {
		if (i)
			drift(s, &rng);
		struct fs_frame f;
		fs_frame_init(&f);
		f.index = i;
		f.time = s->meta.time;
		f.snapshot = s;   /* borrowed: the writer only reads it */
		if (i % 7200 == 3600)
			add_failure(&f, s, (unsigned)(i / 7200));
		int rc = fs_capture_append(cw, &f);
		f.snapshot = NULL;
		fs_frame_clear(&f);
		if (rc) {
			fprintf(stderr, "bench_capture: append frame %zu: %s\n", i, strerror(-rc));
			return -1;
		}
	}
	if (fs_capture_close(cw) != 0)
		return -1;
	w->seconds = now() - t0;
	w->last_free_pages = s->zones[2].free_pages;
	fs_snapshot_free(s);
	fs_diags_clear(&d);
	return 0;
}

/* ---- Reading (in the child) ----------------------------------------------------- */

struct measured {
	int ok;
	double open_s, last_ms, seek_mean_ms, seek_max_ms, seq_mean_ms;
	double rss_base_mb, rss_peak_mb;
	size_t frames;
	uint64_t last_free_pages;
	char error[200];
};

static double max_rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;   /* KiB on Linux */
}

static void measure(const char *path, struct measured *m)
{
	m->rss_base_mb = max_rss_mb();
	struct fs_diags d = { 0 };
	double t = now();
	struct fs_capture_reader *r = fs_capture_open(path, &d);
	m->open_s = now() - t;
	if (!r) {
		snprintf(m->error, sizeof(m->error), "open: %s",
			 d.count ? d.items[0].message : "?");
		return;
	}
	m->frames = fs_capture_frame_count(r);
	struct fs_frame f;
	fs_frame_init(&f);
	t = now();
	if (fs_capture_read_frame(r, m->frames - 1, &f) != 0 || !f.snapshot ||
	    f.snapshot->nr_zones != 3) {
		snprintf(m->error, sizeof(m->error), "last frame: %s",
			 d.count ? d.items[0].message : "?");
		return;
	}
	m->last_ms = (now() - t) * 1e3;
	m->last_free_pages = f.snapshot->zones[2].free_pages;
	uint64_t rng = 0xBEEF;
	double sum = 0;
	for (int i = 0; i < SEEKS; i++) {
		size_t n = rn(&rng, (unsigned)m->frames);
		t = now();
		int rc = fs_capture_read_frame(r, n, &f);
		double ms = (now() - t) * 1e3;
		if (rc != 0) {
			snprintf(m->error, sizeof(m->error), "frame %zu: %s", n,
				 d.count ? d.items[0].message : "?");
			return;
		}
		sum += ms;
		if (ms > m->seek_max_ms)
			m->seek_max_ms = ms;
	}
	m->seek_mean_ms = sum / SEEKS;
	t = now();
	for (size_t n = 1000; n < 2000; n++)
		fs_capture_read_frame(r, n, &f);
	m->seq_mean_ms = (now() - t) * 1e3 / 1000;
	fs_frame_clear(&f);
	m->rss_peak_mb = max_rss_mb();
	fs_capture_close_reader(r);
	fs_diags_clear(&d);
	m->ok = 1;
}

static int child(int go, int out, const char *path)
{
	char c;
	struct measured m;
	memset(&m, 0, sizeof(m));
	if (read(go, &c, 1) == 1 && c == 'g')
		measure(path, &m);
	else
		snprintf(m.error, sizeof(m.error), "the capture was not written");
	return write(out, &m, sizeof(m)) == (ssize_t)sizeof(m) ? 0 : 1;
}

int main(void)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/fragscope-bench-capture-%ld.yaml",
		 dir && *dir ? dir : "/tmp", (long)getpid());
	int go[2], res[2];
	if (pipe(go) != 0 || pipe(res) != 0) {
		perror("bench_capture: pipe");
		return 1;
	}
	/* Fork first: the reader's peak RSS must not include the writer. */
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_capture: fork");
		return 1;
	}
	if (pid == 0) {
		close(go[1]);
		close(res[0]);
		_exit(child(go[0], res[1], path));
	}
	close(go[0]);
	close(res[1]);

	struct written w = { 0, 0 };
	int rc = generate(path, &w);
	if (write(go[1], rc == 0 ? "g" : "x", 1) != 1)
		rc = -1;
	close(go[1]);
	struct measured m;
	memset(&m, 0, sizeof(m));
	ssize_t got = read(res[0], &m, sizeof(m));
	int status;
	waitpid(pid, &status, 0);
	struct stat st;
	double size_mb = stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0;
	if (!getenv("FS_BENCH_KEEP"))
		unlink(path);
	else
		printf("capture kept: %s\n", path);
	if (rc != 0 || got != (ssize_t)sizeof(m) || !m.ok) {
		fprintf(stderr, "bench_capture: %s\n",
			got == (ssize_t)sizeof(m) ? m.error : "reader died");
		return 1;
	}
	if (m.frames != FRAMES || m.last_free_pages != w.last_free_pages) {
		fprintf(stderr,
			"bench_capture: read back %zu frames, last free_pages %llu (wrote %d, "
			"%llu)\n",
			m.frames, (unsigned long long)m.last_free_pages, FRAMES,
			(unsigned long long)w.last_free_pages);
		return 1;
	}
	bool open_ok = m.open_s < TARGET_OPEN_S, seek_ok = m.seek_mean_ms < TARGET_SEEK_MS,
	     rss_ok = m.rss_peak_mb < TARGET_RSS_MB;
	printf("capture of %d frames (24 h at 1 Hz, 3 zones, %d failures): %.1f MB\n", FRAMES,
	       FRAMES / 7200, size_mb);
	printf("  write             %8.2f s    (%.1f us/frame)\n", w.seconds,
	       w.seconds * 1e6 / FRAMES);
	printf("  open (index)      %8.3f s    target < %.0f s   %s\n", m.open_s, TARGET_OPEN_S,
	       open_ok ? "ok" : "MISSED");
	printf("  last frame        %8.2f ms\n", m.last_ms);
	printf("  random seek       %8.2f ms mean, %.2f ms max (%d seeks)   target mean < %.0f ms  "
	       " %s\n",
	       m.seek_mean_ms, m.seek_max_ms, SEEKS, TARGET_SEEK_MS, seek_ok ? "ok" : "MISSED");
	printf("  sequential read   %8.3f ms per frame\n", m.seq_mean_ms);
	printf("  reader peak RSS   %8.1f MB   (%.1f MB before opening)   target < %.0f MB   %s\n",
	       m.rss_peak_mb, m.rss_base_mb, TARGET_RSS_MB, rss_ok ? "ok" : "MISSED");
	return open_ok && seek_ok && rss_ok ? 0 : 1;
}
