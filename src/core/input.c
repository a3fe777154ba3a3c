/*
 * input.c - files the user points us at, turned into frames.
 *
 * Each file's kind is detected from its text. Proc dumps of one moment are
 * parsed one by one and merged into one snapshot; "one moment" means the
 * same directory and the same file stem ("vm.buddyinfo" + "vm.zoneinfo", or
 * "dump/buddyinfo" + "dump/zoneinfo"); a kind seen twice starts a new one.
 * Kernel logs give a frame per warn_alloc report, bugreports a frame for
 * their proc sections and one per report, captures their frames.
 */
#include "fragscope/input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fragscope/bugreport.h"
#include "fragscope/capture.h"
#include "fragscope/klog.h"
#include "fragscope/util.h"

#define EXPECTED_KINDS                                                                         \
	"expected /proc/buddyinfo, pagetypeinfo, zoneinfo, vmstat or meminfo text, a uname "  \
	"release line, a kernel log, an Android bugreport or a fragscope capture"

/* Proc dumps waiting to become one frame. */
struct proc_group {
	char key[4096];           /* directory + stem */
	struct fs_snapshot *snap; /* NULL until the first dump */
	uint32_t kinds;           /* bit (1 << fs_text_kind) of what it has */
	char release[128];        /* from a uname file */
	char release_source[256];
};

struct loader {
	struct fs_frame_list *frames;
	struct fs_diags *diags;
	struct proc_group *groups;
	size_t nr_groups, groups_cap;
};

static const char *const proc_names[] = {
	"buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "meminfo", "uname", "osrelease",
};

static bool is_proc_name(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(proc_names) / sizeof(proc_names[0]); i++)
		if (strlen(proc_names[i]) == n && memcmp(proc_names[i], s, n) == 0)
			return true;
	return false;
}

/*
 * The moment a dump belongs to: "d/vm.buddyinfo" -> "d/vm", "d/buddyinfo"
 * and "d/buddyinfo.txt" -> "d".
 */
static void group_key(const char *source, char *key, size_t size)
{
	const char *slash = strrchr(source, '/');
	const char *base = slash ? slash + 1 : source;
	size_t dir_len = (size_t)(base - source);
	const char *dot = strchr(base, '.');
	size_t stem_len = dot ? (size_t)(dot - base) : strlen(base);
	if (is_proc_name(base, stem_len)) {
		/* the directory, without its slash ("." for the current one) */
		if (dir_len > 1)
			dir_len--;
		snprintf(key, size, "%.*s", (int)dir_len, dir_len ? source : ".");
		return;
	}
	/* "vm.buddyinfo": the stem is everything before the last dot. */
	const char *last = strrchr(base, '.');
	size_t n = last ? (size_t)(last - source) : strlen(source);
	snprintf(key, size, "%.*s", (int)n, source);
}

static void group_finish(struct loader *l, struct proc_group *g);

static struct proc_group *group_for(struct loader *l, const char *source,
				    enum fs_text_kind kind)
{
	char key[4096];
	group_key(source, key, sizeof(key));
	for (size_t i = 0; i < l->nr_groups; i++) {
		struct proc_group *g = &l->groups[i];
		if (strcmp(g->key, key) != 0)
			continue;
		if (!(g->kinds & (1u << kind)))
			return g;
		/* A second buddyinfo of the same name: a later moment. */
		group_finish(l, g);
		memset(g, 0, sizeof(*g));
		fs_copy_str(g->key, sizeof(g->key), key);
		return g;
	}
	fs_grow((void **)&l->groups, &l->groups_cap, l->nr_groups + 1, sizeof(*l->groups));
	struct proc_group *g = &l->groups[l->nr_groups++];
	memset(g, 0, sizeof(*g));
	fs_copy_str(g->key, sizeof(g->key), key);
	return g;
}

/* Snapshots need a page size to turn pages into bytes. */
static void default_page_size(struct fs_snapshot *s)
{
	if (s->meta.page_size)
		return;
	s->meta.page_size = 4096;
	fs_diags_add(&s->diags, FS_SEV_NOTE, s->meta.source[0] ? s->meta.source : "(input)", 0,
		     "page size not stated in the input: assuming 4096 bytes");
}

static struct fs_frame *add_frame(struct loader *l, struct fs_snapshot *snap)
{
	struct fs_frame *f = fs_frame_list_add(l->frames);
	f->snapshot = snap;
	if (snap) {
		default_page_size(snap);
		f->time = snap->meta.time;
	}
	return f;
}

static void group_finish(struct loader *l, struct proc_group *g)
{
	struct fs_snapshot *s = g->snap;
	if (!s) {
		/* Only a uname file: nothing to show. */
		if (g->release[0])
			fs_diags_add(l->diags, FS_SEV_WARNING, g->release_source, 0,
				     "a kernel release alone: expected proc dumps beside it");
		return;
	}
	if (g->release[0]) {
		if (!s->meta.kernel_release[0])
			snprintf(s->meta.kernel_release, sizeof(s->meta.kernel_release), "%s",
				 g->release);
		else if (strcmp(s->meta.kernel_release, g->release) != 0)
			fs_diags_add(&s->diags, FS_SEV_WARNING, g->release_source, 1,
				     "kernel release \"%s\" differs from \"%s\" of the other files",
				     g->release, s->meta.kernel_release);
	}
	if (!s->meta.source[0])
		fs_copy_str(s->meta.source, sizeof(s->meta.source), g->key);
	fs_snapshot_check(s);
	add_frame(l, s);
	g->snap = NULL;
}

typedef int (*proc_parser)(struct fs_snapshot *snap, const char *text, size_t len,
			   const char *source);

static proc_parser parser_for(enum fs_text_kind kind)
{
	switch (kind) {
	case FS_TEXT_BUDDYINFO: return fs_parse_buddyinfo;
	case FS_TEXT_PAGETYPEINFO: return fs_parse_pagetypeinfo;
	case FS_TEXT_ZONEINFO: return fs_parse_zoneinfo;
	case FS_TEXT_VMSTAT: return fs_parse_vmstat;
	case FS_TEXT_MEMINFO: return fs_parse_meminfo;
	default: return NULL;
	}
}

/* "6.18.44-fc-v657\n": the release, or false when the line is not one. */
static bool parse_uname(const char *text, size_t len, char *out, size_t size)
{
	struct fs_lines it;
	const char *line;
	size_t n;
	fs_lines_init(&it, text, len);
	while (fs_lines_next(&it, &line, &n)) {
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		while (n > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			n--;
		}
		if (n == 0)
			continue;
		/* "Linux host 6.1.0 #1 SMP ..." (uname -a): the third word. */
		struct fs_cursor c;
		const char *w;
		size_t wl;
		fs_cursor_init(&c, line, n);
		if (fs_starts_with(line, n, "Linux ") && fs_cursor_word(&c, &w, &wl) &&
		    fs_cursor_word(&c, &w, &wl) && fs_cursor_word(&c, &w, &wl)) {
			line = w;
			n = wl;
		}
		snprintf(out, size, "%.*s", (int)n, line);
		return true;
	}
	return false;
}

static void load_proc_dump(struct loader *l, const char *text, size_t len, const char *source,
			   enum fs_text_kind kind)
{
	struct proc_group *g = group_for(l, source, kind);
	g->kinds |= 1u << kind;
	if (kind == FS_TEXT_UNAME) {
		if (!parse_uname(text, len, g->release, sizeof(g->release)))
			fs_diags_add(l->diags, FS_SEV_ERROR, source, 1,
				     "expected a kernel release such as \"6.1.0-18-amd64\"");
		fs_copy_str(g->release_source, sizeof(g->release_source), source);
		return;
	}
	/* Every part is named after the moment, so that the merged snapshot's
	 * source stays "dir/vm" (its diagnostics name the files). */
	struct fs_snapshot *part = fs_snapshot_new();
	fs_copy_str(part->meta.source, sizeof(part->meta.source), g->key);
	parser_for(kind)(part, text, len, source);
	if (!g->snap) {
		g->snap = part;
		return;
	}
	fs_snapshot_merge(g->snap, part);
	fs_snapshot_free(part);
}

/* Move r into l (r is left empty). */
static struct fs_report *report_list_take(struct fs_report_list *l, struct fs_report *r)
{
	fs_grow((void **)&l->items, &l->cap, l->count + 1, sizeof(*l->items));
	struct fs_report *dst = &l->items[l->count++];
	*dst = *r;
	memset(r, 0, sizeof(*r));
	return dst;
}

/*
 * One frame per report: the state printed with it is the frame's snapshot
 * (moved out of the report, so it is not held twice), the report its event.
 * The reports are moved out of the list, which is left with empty ones.
 */
static void add_report_frames(struct loader *l, struct fs_report_list *reports,
			      const char *release_fallback)
{
	for (size_t i = 0; i < reports->count; i++) {
		struct fs_report_list events = { 0 };
		struct fs_report *ev = report_list_take(&events, &reports->items[i]);
		struct fs_snapshot *snap = ev->snapshot;
		ev->snapshot = NULL;
		if (!ev->kernel_release[0] && release_fallback)
			fs_copy_str(ev->kernel_release, sizeof(ev->kernel_release), release_fallback);
		if (snap && !snap->meta.kernel_release[0])
			fs_copy_str(snap->meta.kernel_release, sizeof(snap->meta.kernel_release),
				 ev->kernel_release);
		if (snap && snap->meta.time_base == FS_TIME_UNKNOWN && ev->has_timestamp) {
			snap->meta.time = ev->timestamp;
			snap->meta.time_base = ev->time_base;
		}
		struct fs_frame *f = add_frame(l, snap);
		f->events = events;
		if (ev->has_timestamp)
			f->time = ev->timestamp;
	}
}

static void load_kernel_log(struct loader *l, const char *text, size_t len, const char *source)
{
	struct fs_report_list reports = { 0 };
	size_t n = fs_parse_kernel_log(text, len, source, &reports, l->diags);
	if (n == 0)
		fs_diags_add(l->diags, FS_SEV_NOTE, source, 0,
			     "kernel log without page allocation failure reports");
	add_report_frames(l, &reports, NULL);
	fs_report_list_free(&reports);
}

static void load_bugreport(struct loader *l, const char *text, size_t len, const char *source)
{
	struct fs_snapshot *snap = fs_snapshot_new();
	fs_copy_str(snap->meta.source, sizeof(snap->meta.source), source);
	struct fs_report_list reports = { 0 };
	int used = fs_parse_bugreport(text, len, source, snap, &reports);
	if (used <= 0 && reports.count == 0)
		fs_diags_add(l->diags, FS_SEV_ERROR, source, 0,
			     "bugreport without proc-file or kernel-log sections fragscope reads");
	char release[128];
	fs_copy_str(release, sizeof(release), snap->meta.kernel_release);
	if (snap->nr_zones > 0) {
		fs_snapshot_check(snap);
		add_frame(l, snap);
	} else {
		/* Keep what the sections said about themselves. */
		fs_diags_append(l->diags, &snap->diags);
		fs_snapshot_free(snap);
	}
	add_report_frames(l, &reports, release[0] ? release : NULL);
	fs_report_list_free(&reports);
}

static void load_capture(struct loader *l, const char *text, size_t len, const char *source)
{
	struct fs_capture_reader *r = fs_capture_open_text(text, len, source, l->diags);
	if (!r)
		return;
	size_t n = fs_capture_frame_count(r);
	if (n == 0)
		fs_diags_add(l->diags, FS_SEV_WARNING, source, 0, "capture without frames");
	for (size_t i = 0; i < n; i++) {
		struct fs_frame f;
		fs_frame_init(&f);
		if (fs_capture_read_frame(r, i, &f) < 0) {
			fs_frame_clear(&f);
			continue;
		}
		struct fs_frame *dst = fs_frame_list_add(l->frames);
		size_t index = dst->index;
		*dst = f;
		dst->index = index;
		if (dst->snapshot)
			default_page_size(dst->snapshot);
	}
	fs_capture_close_reader(r);
}

static void load_text(struct loader *l, const char *text, size_t len, const char *source)
{
	if (len == 0) {
		fs_diags_add(l->diags, FS_SEV_ERROR, source, 0, "empty file: " EXPECTED_KINDS);
		return;
	}
	if (fs_looks_binary(text, len)) {
		fs_diags_add(l->diags, FS_SEV_ERROR, source, 0, "binary data, not text: "
			     EXPECTED_KINDS);
		return;
	}
	enum fs_text_kind kind = fs_detect_text(text, len);
	switch (kind) {
	case FS_TEXT_BUDDYINFO:
	case FS_TEXT_PAGETYPEINFO:
	case FS_TEXT_ZONEINFO:
	case FS_TEXT_VMSTAT:
	case FS_TEXT_MEMINFO:
	case FS_TEXT_UNAME:
		load_proc_dump(l, text, len, source, kind);
		return;
	case FS_TEXT_KERNEL_LOG:
		load_kernel_log(l, text, len, source);
		return;
	case FS_TEXT_BUGREPORT:
		load_bugreport(l, text, len, source);
		return;
	case FS_TEXT_CAPTURE:
		load_capture(l, text, len, source);
		return;
	case FS_TEXT_UNKNOWN:
		break;
	}
	fs_diags_add(l->diags, FS_SEV_ERROR, source, 0, "not a format fragscope reads: "
		     EXPECTED_KINDS);
}

static void loader_finish(struct loader *l)
{
	for (size_t i = 0; i < l->nr_groups; i++)
		group_finish(l, &l->groups[i]);
	free(l->groups);
	l->groups = NULL;
	l->nr_groups = l->groups_cap = 0;
}

static void load_path(struct loader *l, const char *path);

/* A directory of dumps ("fragscope show /tmp/dump/"): the proc files in it. */
static void load_directory(struct loader *l, const char *path)
{
	bool any = false;
	for (size_t i = 0; i < sizeof(proc_names) / sizeof(proc_names[0]); i++) {
		char file[4096];
		struct stat st;
		snprintf(file, sizeof(file), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", proc_names[i]);
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			load_path(l, file);
			any = true;
		}
	}
	if (!any)
		fs_diags_add(l->diags, FS_SEV_ERROR, path, 0,
			     "directory without buddyinfo, pagetypeinfo, zoneinfo, vmstat, meminfo "
			     "or uname files");
}

static void load_path(struct loader *l, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		load_directory(l, path);
		return;
	}
	/* "-": standard input ("dmesg | fragscope show -"). */
	bool is_stdin = strcmp(path, "-") == 0;
	char *text = NULL;
	size_t len = 0;
	int rc = fs_read_file(is_stdin ? "/dev/stdin" : path, FS_INPUT_MAX_BYTES, &text, &len);
	if (is_stdin)
		path = "(stdin)";
	if (rc < 0 && rc != -EFBIG) {
		fs_diags_add(l->diags, FS_SEV_ERROR, path, 0, "cannot read %s: %s", path,
			     strerror(-rc));
		return;
	}
	if (rc == -EFBIG)
		fs_diags_add(l->diags, FS_SEV_WARNING, path, 0,
			     "larger than %zu MiB: only the beginning was read",
			     FS_INPUT_MAX_BYTES >> 20);
	load_text(l, text, len, path);
	free(text);
}

int fs_input_load(const char *const *paths, size_t nr_paths, struct fs_frame_list *frames,
		  struct fs_diags *diags)
{
	struct loader l = { frames, diags, NULL, 0, 0 };
	size_t before = frames->count;
	for (size_t i = 0; i < nr_paths; i++)
		load_path(&l, paths[i]);
	loader_finish(&l);
	return frames->count > before ? 0 : -1;
}

int fs_input_load_text(const char *text, size_t len, const char *source,
		       struct fs_frame_list *frames, struct fs_diags *diags)
{
	struct loader l = { frames, diags, NULL, 0, 0 };
	size_t before = frames->count;
	load_text(&l, text, len, source ? source : "(input)");
	loader_finish(&l);
	return frames->count > before ? 0 : -1;
}
