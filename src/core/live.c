/*
 * live.c - one snapshot of this machine now.
 *
 * The free-area files (buddyinfo, pagetypeinfo, zoneinfo) have no library
 * reader, so they go through our own text parsers. meminfo and vmstat are
 * parsed as text too, so that nothing the kernel prints is lost, and the
 * items libproc2 offers are then taken from libproc2, stored under the
 * kernel's own names ("MemFree", "nr_free_pages").
 *
 * With a proc_root other than "/proc" (a directory of dumps, used by the
 * tests) only the text parsers run, on proc_root/<file>.
 */
#include "config.h"

#include "fragscope/live.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "fragscope/procfs.h"
#include "fragscope/util.h"

#ifdef HAVE_LIBPROC2
#include <libproc2/meminfo.h>
#include <libproc2/vmstat.h>
#endif

/* Far above any real /proc file (zoneinfo of 1024 CPUs x 6 zones is a few MiB). */
#define LIVE_MAX_FILE_BYTES ((size_t)256 << 20)

struct live_ctx {
	struct fs_snapshot *snap;
	const char *root;
	bool real_proc;          /* root is this machine's /proc */
};

static void live_path(const struct live_ctx *c, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", c->root, name);
}

static void live_source(const struct live_ctx *c, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "live:%s/%s", c->root, name);
}

/* Read root/name. On failure returns -errno and leaves *text NULL. */
static int live_read(const struct live_ctx *c, const char *name, char **text, size_t *len)
{
	char path[4096];
	live_path(c, name, path, sizeof(path));
	*text = NULL;
	*len = 0;
	int rc = fs_read_file(path, LIVE_MAX_FILE_BYTES, text, len);
	if (rc == -EFBIG) {
		char src[4200];
		live_source(c, name, src, sizeof(src));
		fs_diags_add(&c->snap->diags, FS_SEV_WARNING, src, 0,
			     "file larger than %zu MiB: only its beginning was read",
			     LIVE_MAX_FILE_BYTES >> 20);
		rc = 0;
	}
	return rc;
}

typedef int (*proc_parser)(struct fs_snapshot *snap, const char *text, size_t len,
			   const char *source);

/* Read and parse one file. Returns 0, or -errno when it could not be read
 * (nothing is reported then: the caller knows how bad that is). */
static int live_parse(const struct live_ctx *c, const char *name, proc_parser parse)
{
	char *text;
	size_t len;
	int rc = live_read(c, name, &text, &len);
	if (rc < 0)
		return rc;
	char src[4200];
	live_source(c, name, src, sizeof(src));
	parse(c->snap, text, len, src);
	free(text);
	return 0;
}

static void report_unreadable(const struct live_ctx *c, const char *name, int rc,
			      enum fs_severity sev)
{
	char src[4200];
	live_source(c, name, src, sizeof(src));
	fs_diags_add(&c->snap->diags, sev, src, 0, "cannot read %s/%s: %s", c->root, name,
		     strerror(-rc));
}

#ifdef HAVE_LIBPROC2
/*
 * libproc2 items under the names /proc/meminfo prints. Values are kB like
 * the file, except the HugePages_ counts.
 */
static const struct {
	enum meminfo_item item;
	const char *name;
} meminfo_items[] = {
	{ MEMINFO_MEM_TOTAL, "MemTotal" },
	{ MEMINFO_MEM_FREE, "MemFree" },
	{ MEMINFO_MEM_AVAILABLE, "MemAvailable" },
	{ MEMINFO_MEM_BUFFERS, "Buffers" },
	{ MEMINFO_MEM_CACHED, "Cached" },
	{ MEMINFO_SWAP_CACHED, "SwapCached" },
	{ MEMINFO_MEM_ACTIVE, "Active" },
	{ MEMINFO_MEM_INACTIVE, "Inactive" },
	{ MEMINFO_MEM_ACTIVE_ANON, "Active(anon)" },
	{ MEMINFO_MEM_INACTIVE_ANON, "Inactive(anon)" },
	{ MEMINFO_MEM_ACTIVE_FILE, "Active(file)" },
	{ MEMINFO_MEM_INACTIVE_FILE, "Inactive(file)" },
	{ MEMINFO_MEM_UNEVICTABLE, "Unevictable" },
	{ MEMINFO_MEM_LOCKED, "Mlocked" },
	{ MEMINFO_MEM_HIGH_TOTAL, "HighTotal" },
	{ MEMINFO_MEM_HIGH_FREE, "HighFree" },
	{ MEMINFO_MEM_LOW_TOTAL, "LowTotal" },
	{ MEMINFO_MEM_LOW_FREE, "LowFree" },
	{ MEMINFO_SWAP_TOTAL, "SwapTotal" },
	{ MEMINFO_SWAP_FREE, "SwapFree" },
	{ MEMINFO_MEM_DIRTY, "Dirty" },
	{ MEMINFO_MEM_WRITEBACK, "Writeback" },
	{ MEMINFO_MEM_ANON, "AnonPages" },
	{ MEMINFO_MEM_MAPPED, "Mapped" },
	{ MEMINFO_MEM_SHARED, "Shmem" },
	{ MEMINFO_MEM_KERNEL_RECLAIM, "KReclaimable" },
	{ MEMINFO_MEM_SLAB, "Slab" },
	{ MEMINFO_MEM_SLAB_RECLAIM, "SReclaimable" },
	{ MEMINFO_MEM_SLAB_UNRECLAIM, "SUnreclaim" },
	{ MEMINFO_MEM_KERNEL_STACK, "KernelStack" },
	{ MEMINFO_MEM_SHADOWCALLSTACK, "ShadowCallStack" },
	{ MEMINFO_MEM_PAGE_TABLES, "PageTables" },
	{ MEMINFO_MEM_NFS_UNSTABLE, "NFS_Unstable" },
	{ MEMINFO_MEM_BOUNCE, "Bounce" },
	{ MEMINFO_MEM_WRITEBACK_TMP, "WritebackTmp" },
	{ MEMINFO_MEM_COMMIT_LIMIT, "CommitLimit" },
	{ MEMINFO_MEM_COMMITTED_AS, "Committed_AS" },
	{ MEMINFO_MEM_VM_ALLOC_TOTAL, "VmallocTotal" },
	{ MEMINFO_MEM_VM_ALLOC_USED, "VmallocUsed" },
	{ MEMINFO_MEM_VM_ALLOC_CHUNK, "VmallocChunk" },
	{ MEMINFO_MEM_PER_CPU, "Percpu" },
	{ MEMINFO_MEM_HARD_CORRUPTED, "HardwareCorrupted" },
	{ MEMINFO_MEM_HUGE_ANON, "AnonHugePages" },
	{ MEMINFO_MEM_SHMEM_HUGE, "ShmemHugePages" },
	{ MEMINFO_MEM_SHMEM_HUGE_MAP, "ShmemPmdMapped" },
	{ MEMINFO_MEM_FILE_HUGEPAGES, "FileHugePages" },
	{ MEMINFO_MEM_FILE_PMDMAPPED, "FilePmdMapped" },
	{ MEMINFO_MEM_CMA_TOTAL, "CmaTotal" },
	{ MEMINFO_MEM_CMA_FREE, "CmaFree" },
	{ MEMINFO_MEM_HUGE_TOTAL, "HugePages_Total" },
	{ MEMINFO_MEM_HUGE_FREE, "HugePages_Free" },
	{ MEMINFO_MEM_HUGE_RSVD, "HugePages_Rsvd" },
	{ MEMINFO_MEM_HUGE_SURPLUS, "HugePages_Surp" },
	{ MEMINFO_MEM_HUGE_SIZE, "Hugepagesize" },
	{ MEMINFO_MEM_HUGETBL, "Hugetlb" },
	{ MEMINFO_MEM_DIRECTMAP_4K, "DirectMap4k" },
	{ MEMINFO_MEM_DIRECTMAP_2M, "DirectMap2M" },
	{ MEMINFO_MEM_DIRECTMAP_4M, "DirectMap4M" },
	{ MEMINFO_MEM_DIRECTMAP_1G, "DirectMap1G" },
};
#define NR_MEMINFO_ITEMS (sizeof(meminfo_items) / sizeof(meminfo_items[0]))

/* vmstat items name themselves: VMSTAT_NR_FREE_PAGES is "nr_free_pages". */
#define VM(x) { VMSTAT_##x, #x }
static const struct {
	enum vmstat_item item;
	const char *upper;
} vmstat_items[] = {
	VM(NR_FREE_PAGES), VM(NR_FREE_CMA), VM(NR_ZONE_INACTIVE_ANON), VM(NR_ZONE_ACTIVE_ANON),
	VM(NR_ZONE_INACTIVE_FILE), VM(NR_ZONE_ACTIVE_FILE), VM(NR_ZONE_UNEVICTABLE),
	VM(NR_ZONE_WRITE_PENDING), VM(NR_MLOCK), VM(NR_BOUNCE), VM(NR_ZSPAGES),
	VM(NR_INACTIVE_ANON), VM(NR_ACTIVE_ANON), VM(NR_INACTIVE_FILE), VM(NR_ACTIVE_FILE),
	VM(NR_UNEVICTABLE), VM(NR_SLAB_RECLAIMABLE), VM(NR_SLAB_UNRECLAIMABLE),
	VM(NR_ISOLATED_ANON), VM(NR_ISOLATED_FILE), VM(NR_ANON_PAGES), VM(NR_MAPPED),
	VM(NR_FILE_PAGES), VM(NR_DIRTY), VM(NR_WRITEBACK), VM(NR_WRITEBACK_TEMP), VM(NR_SHMEM),
	VM(NR_SHMEM_HUGEPAGES), VM(NR_SHMEM_PMDMAPPED), VM(NR_FILE_HUGEPAGES),
	VM(NR_FILE_PMDMAPPED), VM(NR_ANON_TRANSPARENT_HUGEPAGES), VM(NR_KERNEL_STACK),
	VM(NR_PAGE_TABLE_PAGES), VM(NR_KERNEL_MISC_RECLAIMABLE), VM(NR_UNSTABLE),
	VM(NR_DIRTY_THRESHOLD), VM(NR_DIRTY_BACKGROUND_THRESHOLD),
	VM(PGALLOC_DMA), VM(PGALLOC_DMA32), VM(PGALLOC_NORMAL), VM(PGALLOC_HIGH),
	VM(PGALLOC_MOVABLE), VM(PGFREE),
	VM(ALLOCSTALL_DMA), VM(ALLOCSTALL_DMA32), VM(ALLOCSTALL_NORMAL), VM(ALLOCSTALL_HIGH),
	VM(ALLOCSTALL_MOVABLE),
	VM(PGSKIP_DMA), VM(PGSKIP_DMA32), VM(PGSKIP_NORMAL), VM(PGSKIP_HIGH), VM(PGSKIP_MOVABLE),
	VM(PGSCAN_KSWAPD), VM(PGSCAN_DIRECT), VM(PGSCAN_DIRECT_THROTTLE), VM(PGSTEAL_KSWAPD),
	VM(PGSTEAL_DIRECT), VM(KSWAPD_LOW_WMARK_HIT_QUICKLY), VM(KSWAPD_HIGH_WMARK_HIT_QUICKLY),
	VM(PAGEOUTRUN), VM(OOM_KILL), VM(DROP_PAGECACHE), VM(DROP_SLAB),
	VM(PGMIGRATE_SUCCESS), VM(PGMIGRATE_FAIL),
	VM(COMPACT_MIGRATE_SCANNED), VM(COMPACT_FREE_SCANNED), VM(COMPACT_ISOLATED),
	VM(COMPACT_STALL), VM(COMPACT_FAIL), VM(COMPACT_SUCCESS), VM(COMPACT_DAEMON_WAKE),
	VM(COMPACT_DAEMON_MIGRATE_SCANNED), VM(COMPACT_DAEMON_FREE_SCANNED),
	VM(HTLB_BUDDY_ALLOC_SUCCESS), VM(HTLB_BUDDY_ALLOC_FAIL),
	VM(THP_FAULT_ALLOC), VM(THP_FAULT_FALLBACK), VM(THP_COLLAPSE_ALLOC),
	VM(THP_COLLAPSE_ALLOC_FAILED), VM(THP_SPLIT_PAGE), VM(THP_SPLIT_PAGE_FAILED),
	VM(PGFAULT), VM(PGMAJFAULT), VM(PSWPIN), VM(PSWPOUT),
};
#undef VM
#define NR_VMSTAT_ITEMS (sizeof(vmstat_items) / sizeof(vmstat_items[0]))

/* Kept open between reads: libproc2 then only re-reads the file. */
static struct meminfo_info *meminfo_handle;
static struct vmstat_info *vmstat_handle;

/*
 * Take a libproc2 value for a counter the kernel printed. libproc2 reports
 * 0 for items this kernel lacks (HighTotal on x86_64): those are only taken
 * when the text could not be read at all, and only when non-zero, so that
 * no counter appears that the kernel does not have.
 */
static void take_value(struct fs_stats *stats, const char *name, unsigned long v, bool text_ok)
{
	if (fs_stats_get(stats, name, NULL) || (!text_ok && v != 0))
		fs_stats_set(stats, name, v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static void libproc2_meminfo(struct fs_snapshot *snap, bool text_ok)
{
	if (!meminfo_handle && procps_meminfo_new(&meminfo_handle) < 0) {
		meminfo_handle = NULL;
		return;
	}
	enum meminfo_item items[NR_MEMINFO_ITEMS];
	for (size_t i = 0; i < NR_MEMINFO_ITEMS; i++)
		items[i] = meminfo_items[i].item;
	/* select re-reads the file every time; get would cache for a second. */
	struct meminfo_stack *st = procps_meminfo_select(meminfo_handle, items,
							 (int)NR_MEMINFO_ITEMS);
	if (!st)
		return;
	for (size_t i = 0; i < NR_MEMINFO_ITEMS; i++)
		take_value(&snap->meminfo, meminfo_items[i].name, st->head[i].result.ul_int,
			   text_ok);
}

static void lower_name(const char *upper, char *out, size_t size)
{
	size_t i = 0;
	for (; upper[i] && i + 1 < size; i++)
		out[i] = (upper[i] >= 'A' && upper[i] <= 'Z') ? (char)(upper[i] - 'A' + 'a')
							       : upper[i];
	out[i] = '\0';
}

static void libproc2_vmstat(struct fs_snapshot *snap, bool text_ok)
{
	if (!vmstat_handle && procps_vmstat_new(&vmstat_handle) < 0) {
		vmstat_handle = NULL;
		return;
	}
	enum vmstat_item items[NR_VMSTAT_ITEMS];
	for (size_t i = 0; i < NR_VMSTAT_ITEMS; i++)
		items[i] = vmstat_items[i].item;
	struct vmstat_stack *st = procps_vmstat_select(vmstat_handle, items,
						       (int)NR_VMSTAT_ITEMS);
	if (!st)
		return;
	for (size_t i = 0; i < NR_VMSTAT_ITEMS; i++) {
		char name[FS_STAT_NAME_MAX];
		lower_name(vmstat_items[i].upper, name, sizeof(name));
		take_value(&snap->vmstat, name, st->head[i].result.ul_int, text_ok);
	}
}
#endif /* HAVE_LIBPROC2 */

/* meminfo and vmstat: a missing file costs counters, not the snapshot. */
static void read_counters(const struct live_ctx *c)
{
	int rc_mem = live_parse(c, "meminfo", fs_parse_meminfo);
	if (rc_mem < 0)
		report_unreadable(c, "meminfo", rc_mem, FS_SEV_WARNING);
	int rc_vm = live_parse(c, "vmstat", fs_parse_vmstat);
	if (rc_vm < 0)
		report_unreadable(c, "vmstat", rc_vm, FS_SEV_WARNING);
#ifdef HAVE_LIBPROC2
	if (c->real_proc) {
		libproc2_meminfo(c->snap, rc_mem == 0);
		libproc2_vmstat(c->snap, rc_vm == 0);
	}
#endif
	/* HAVE_LIBPROCPS (the old API) has no vmstat reader worth the name:
	 * the text parsers above already have everything. */
}

/* First line of a small file, without its newline; false when absent or empty. */
static bool read_first_line(const char *path, char *out, size_t size)
{
	char *text;
	size_t len;
	if (fs_read_file(path, 4096, &text, &len) < 0)
		return false;
	size_t n = 0;
	while (n < len && text[n] != '\n' && text[n] != '\r' && text[n] != '\0')
		n++;
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	bool ok = n > 0;
	if (ok)
		snprintf(out, size, "%.*s", (int)n, text);
	free(text);
	return ok;
}

static void fill_meta(const struct live_ctx *c)
{
	struct fs_meta *m = &c->snap->meta;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	m->time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	m->time_base = FS_TIME_EPOCH;
	snprintf(m->source, sizeof(m->source), "live:%s", c->root);

	char path[4096];
	if (c->real_proc) {
		struct utsname u;
		if (uname(&u) == 0) {
			fs_copy_str(m->kernel_release, sizeof(m->kernel_release), u.release);
			fs_copy_str(m->hostname, sizeof(m->hostname), u.nodename);
		}
		long ps = sysconf(_SC_PAGESIZE);
		if (ps > 0)
			m->page_size = (unsigned)ps;
		return;
	}
	/* A directory of dumps: sys/kernel/osrelease as /proc has it, or a
	 * "uname" file beside the dumps as fragscope's fixtures have it. */
	live_path(c, "sys/kernel/osrelease", path, sizeof(path));
	if (!read_first_line(path, m->kernel_release, sizeof(m->kernel_release))) {
		live_path(c, "uname", path, sizeof(path));
		read_first_line(path, m->kernel_release, sizeof(m->kernel_release));
	}
	live_path(c, "sys/kernel/hostname", path, sizeof(path));
	read_first_line(path, m->hostname, sizeof(m->hostname));
	if (m->page_size == 0) {
		m->page_size = 4096;
		char src[4200];
		snprintf(src, sizeof(src), "live:%s", c->root);
		fs_diags_add(&c->snap->diags, FS_SEV_NOTE, src, 0,
			     "page size not known for a directory of dumps: assuming 4096 bytes");
	}
}

int fs_live_read(struct fs_snapshot *snap, const char *proc_root)
{
	char root[4096];
	fs_copy_str(root, sizeof(root), proc_root && *proc_root ? proc_root : "/proc");
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		root[--n] = '\0';
	struct live_ctx c = { snap, root, strcmp(root, "/proc") == 0 };

	/* The three free-area files first and back to back: the free lists
	 * change all the time, and the checks compare these files. */
	int rc = live_parse(&c, "buddyinfo", fs_parse_buddyinfo);
	if (rc < 0) {
		report_unreadable(&c, "buddyinfo", rc, FS_SEV_ERROR);
		fill_meta(&c);
		return -1;
	}
	rc = live_parse(&c, "pagetypeinfo", fs_parse_pagetypeinfo);
	if (rc == -EACCES || rc == -EPERM) {
		char src[4200];
		live_source(&c, "pagetypeinfo", src, sizeof(src));
		fs_diags_add(&snap->diags, FS_SEV_NOTE, src, 0,
			     "pagetypeinfo needs root: showing buddyinfo totals only");
	} else if (rc == -ENOENT) {
		char src[4200];
		live_source(&c, "pagetypeinfo", src, sizeof(src));
		fs_diags_add(&snap->diags, FS_SEV_NOTE, src, 0,
			     "no pagetypeinfo: showing buddyinfo totals only");
	} else if (rc < 0) {
		report_unreadable(&c, "pagetypeinfo", rc, FS_SEV_WARNING);
	}
	rc = live_parse(&c, "zoneinfo", fs_parse_zoneinfo);
	if (rc < 0)
		report_unreadable(&c, "zoneinfo", rc, FS_SEV_WARNING);
	read_counters(&c);
	fill_meta(&c);
	fs_snapshot_check(snap);
	return 0;
}
