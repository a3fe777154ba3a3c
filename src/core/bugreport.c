/*
 * bugreport.c - the sections of an Android bugreport (dumpstate text) that
 * fragscope reads.
 *
 * dumpstate prints each file or command as
 *     ------ ZONEINFO (/proc/zoneinfo) ------
 *     <content>
 *     ------ 0.012s was the duration of 'ZONEINFO' ------     (newer dumpstate; optional)
 * and a header before the first section with "Kernel: Linux version ...".
 * A file it could not read gives "*** /proc/pagetypeinfo: Permission denied"
 * (pagetypeinfo is 0400 since 4.19) instead of the content.
 *
 * Proc sections are parsed one by one into their own snapshot and merged
 * (fs_snapshot_merge names both sections when they disagree); their
 * diagnostics are moved to the bugreport's line numbers. Kernel log
 * sections ("KERNEL LOG (dmesg)", the logcat -b kernel form of newer
 * dumpstate, "LAST KMSG") go through the warn_alloc scanner.
 */
#include "fragscope/bugreport.h"

#include <stdio.h>
#include <string.h>

#include "fragscope/procfs.h"
#include "fragscope/util.h"
#include "klog_priv.h"

static const char section_mark[] = "------ ";

/* "------ TITLE ------" (not the "was the duration of" line). */
static bool section_header(const char *line, size_t len, const char **title, size_t *title_len,
			   bool *duration)
{
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	*duration = false;
	if (len < 15 || memcmp(line, section_mark, 7) != 0 || memcmp(line + len - 7, " ------", 7))
		return false;
	const char *t = line + 7, *e = line + len - 7;
	while (t < e && *t == ' ')
		t++;
	while (e > t && e[-1] == ' ')
		e--;
	if (e == t)
		return false;
	/* "0.012s was the duration of 'BUDDYINFO'" ends a section */
	if (fs_find(t, (size_t)(e - t), "s was the duration of '") && klog_isdigit(*t)) {
		*duration = true;
		return false;
	}
	*title = t;
	*title_len = (size_t)(e - t);
	return true;
}

size_t fs_bugreport_sections(const char *text, size_t len,
			     void (*fn)(const struct fs_bugreport_section *sec, void *ctx),
			     void *ctx)
{
	struct fs_lines it;
	const char *line;
	size_t n, count = 0;
	struct fs_bugreport_section cur;
	bool open = false;
	fs_lines_init(&it, text, len);
	for (;;) {
		size_t line_start = it.pos;
		bool more = fs_lines_next(&it, &line, &n);
		const char *title;
		size_t title_len;
		bool duration = false;
		bool header = more && section_header(line, n, &title, &title_len, &duration);
		if (open && (!more || header || duration)) {
			cur.body_len = line_start - (size_t)(cur.body - text);
			if (fn)
				fn(&cur, ctx);
			count++;
			open = false;
		}
		if (!more)
			break;
		if (header) {
			cur.title = title;
			cur.title_len = title_len;
			cur.body = text + it.pos;
			cur.body_len = 0;
			cur.first_line = it.lineno + 1;
			open = true;
		}
	}
	return count;
}

enum sec_kind { SEC_OTHER, SEC_BUDDYINFO, SEC_PAGETYPEINFO, SEC_ZONEINFO, SEC_VMSTAT,
		SEC_MEMINFO, SEC_KERNEL_LOG, SEC_UNAME, SEC_KINDS };

static bool title_has(const struct fs_bugreport_section *s, const char *what)
{
	return fs_find(s->title, s->title_len, what) != NULL;
}

static bool title_starts(const struct fs_bugreport_section *s, const char *what)
{
	return fs_starts_with(s->title, s->title_len, what);
}

static enum sec_kind section_kind(const struct fs_bugreport_section *s)
{
	static const struct {
		const char *path, *title;
		enum sec_kind kind;
	} files[] = {
		{ "(/proc/buddyinfo", "BUDDYINFO", SEC_BUDDYINFO },
		{ "(/proc/pagetypeinfo", "PAGETYPEINFO", SEC_PAGETYPEINFO },
		{ "(/proc/zoneinfo", "ZONEINFO", SEC_ZONEINFO },
		{ "(/proc/vmstat", "VIRTUAL MEMORY STATS", SEC_VMSTAT },
		{ "(/proc/meminfo", "MEMORY INFO", SEC_MEMINFO },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (title_has(s, files[i].path) ||
		    (title_starts(s, files[i].title) && !memchr(s->title, '(', s->title_len)))
			return files[i].kind;
	if (title_starts(s, "KERNEL LOG") || title_starts(s, "LAST KMSG") ||
	    title_has(s, "(dmesg") || title_has(s, "last_kmsg") || title_has(s, "console-ramoops"))
		return SEC_KERNEL_LOG;
	if (title_starts(s, "UNAME") || title_has(s, "(uname"))
		return SEC_UNAME;
	return SEC_OTHER;
}

struct brctx {
	const char *source;
	struct fs_snapshot *snap;
	struct fs_report_list *reports;
	int used;
	bool seen[SEC_KINDS];
	char uname_release[128];
};

/* "Linux localhost 4.19.176-g1234 #1 SMP PREEMPT ..." or just "4.19.176". */
static void release_from_uname(struct brctx *b, const char *body, size_t len)
{
	struct fs_cursor c;
	const char *w;
	size_t n;
	const char *nl = memchr(body, '\n', len);
	fs_cursor_init(&c, body, nl ? (size_t)(nl - body) : len);
	if (!fs_cursor_word(&c, &w, &n))
		return;
	if (n == 5 && memcmp(w, "Linux", 5) == 0 &&
	    !(fs_cursor_word(&c, &w, &n) && fs_cursor_word(&c, &w, &n)))
		return;
	if (klog_isdigit(*w))
		klog_copy(b->uname_release, sizeof(b->uname_release), w, n);
}

static void parse_kernel_log(struct brctx *b, const struct fs_bugreport_section *s)
{
	struct fs_klog_scanner *sc = fs_klog_scanner_new(b->source, b->reports, &b->snap->diags);
	struct fs_lines it;
	const char *line;
	size_t n;
	fs_lines_init(&it, s->body, s->body_len);
	while (fs_lines_next(&it, &line, &n))
		fs_klog_feed(sc, line, n, s->first_line + it.lineno - 1);
	fs_klog_finish(sc);
	fs_klog_scanner_free(sc);
	b->used++;
}

typedef int (*proc_parser)(struct fs_snapshot *, const char *, size_t, const char *);

static void parse_proc(struct brctx *b, const struct fs_bugreport_section *s, enum sec_kind k)
{
	static const proc_parser parsers[SEC_KINDS] = {
		[SEC_BUDDYINFO] = fs_parse_buddyinfo, [SEC_PAGETYPEINFO] = fs_parse_pagetypeinfo,
		[SEC_ZONEINFO] = fs_parse_zoneinfo, [SEC_VMSTAT] = fs_parse_vmstat,
		[SEC_MEMINFO] = fs_parse_meminfo,
	};
	char title[96];
	klog_copy(title, sizeof(title), s->title, s->title_len);
	if (b->seen[k]) {
		fs_diags_add(&b->snap->diags, FS_SEV_NOTE, b->source, s->first_line - 1,
			     "section \"%s\" printed again; the first one is used", title);
		return;
	}
	b->seen[k] = true;
	/* "*** /proc/pagetypeinfo: Permission denied": dumpstate could not read it */
	const char *body = s->body;
	size_t len = s->body_len;
	while (len > 0 && (*body == '\n' || *body == '\r')) {
		body++;
		len--;
	}
	if (len >= 4 && memcmp(body, "*** ", 4) == 0) {
		const char *nl = memchr(body, '\n', len);
		char why[160];
		klog_copy(why, sizeof(why), body + 4, nl ? (size_t)(nl - body - 4) : len - 4);
		fs_diags_add(&b->snap->diags, FS_SEV_NOTE, b->source, s->first_line,
			     "section \"%s\": dumpstate could not read the file (%s)", title, why);
		return;
	}
	struct fs_snapshot *part = fs_snapshot_new();
	snprintf(part->meta.source, sizeof(part->meta.source), "%s (%s)", b->source, title);
	int n = parsers[k](part, s->body, s->body_len, b->source);
	/* the parser counted lines from the section body: make them the file's */
	for (size_t i = 0; i < part->diags.count; i++)
		if (part->diags.items[i].line > 0)
			part->diags.items[i].line += s->first_line - 1;
	fs_diags_append(&b->snap->diags, &part->diags);
	fs_diags_clear(&part->diags);
	if (n > 0) {
		fs_snapshot_merge(b->snap, part);
		b->used++;
	}
	fs_snapshot_free(part);
}

static void on_section(const struct fs_bugreport_section *s, void *ctx)
{
	struct brctx *b = ctx;
	enum sec_kind k = section_kind(s);
	switch (k) {
	case SEC_OTHER: break;
	case SEC_KERNEL_LOG: parse_kernel_log(b, s); break;
	case SEC_UNAME:
		if (!b->uname_release[0])
			release_from_uname(b, s->body, s->body_len);
		break;
	default: parse_proc(b, s, k); break;
	}
}

/* "Kernel: Linux version 4.19.176-gabc (build@host) (clang ...) #1 SMP ..." in
 * the header before the first section. */
static void release_from_header(const char *text, size_t len, char *dst, size_t size)
{
	struct fs_lines it;
	const char *line;
	size_t n;
	fs_lines_init(&it, text, len);
	while (fs_lines_next(&it, &line, &n) && it.lineno <= 200) {
		if (fs_starts_with(line, n, section_mark))
			return;
		if (!fs_starts_with(line, n, "Kernel: "))
			continue;
		const char *v = fs_find(line, n, "Linux version ");
		if (!v)
			return;
		v += 14;
		const char *e = v;
		while (e < line + n && !klog_isblank(*e) && *e != '\r')
			e++;
		if (e > v)
			klog_copy(dst, size, v, (size_t)(e - v));
		return;
	}
}

int fs_parse_bugreport(const char *text, size_t len, const char *source,
		       struct fs_snapshot *snap, struct fs_report_list *reports)
{
	struct brctx b = { .source = source ? source : "(bugreport)", .snap = snap,
			   .reports = reports };
	if (!snap->meta.source[0])
		snprintf(snap->meta.source, sizeof(snap->meta.source), "%s", b.source);
	if (len > 0 && fs_looks_binary(text, len)) {
		/* a zipped bugreport (bugreport.zip) is the usual case */
		fs_diags_add(&snap->diags, FS_SEV_ERROR, b.source, 1,
			     "binary data, not a bugreport text: expected \"------ TITLE ------\" "
			     "sections (unzip a bugreport.zip first)");
		return 0;
	}
	char own_source[sizeof(snap->meta.source)];
	memcpy(own_source, snap->meta.source, sizeof(own_source));
	fs_bugreport_sections(text, len, on_section, &b);
	/* merging joins the parts' sources ("FILE (ZONEINFO ...) + ..."); the
	 * merge warnings have named them, the snapshot is the bugreport's */
	memcpy(snap->meta.source, own_source, sizeof(own_source));
	char release[128] = "";
	release_from_header(text, len, release, sizeof(release));
	if (!release[0])
		snprintf(release, sizeof(release), "%s", b.uname_release);
	if (release[0] && !snap->meta.kernel_release[0])
		snprintf(snap->meta.kernel_release, sizeof(snap->meta.kernel_release), "%s",
			 release);
	return b.used;
}
