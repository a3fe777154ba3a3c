/*
 * klog.c - find warn_alloc reports in a kernel log, one line at a time.
 *
 * A report opens at its header ("COMM: page allocation failure: ...", or the
 * 4.4 vmalloc text line) and collects the lines that belong to it, in the
 * order the kernel prints them:
 *
 *   HEAD     cpuset line (4.19), "CPU: ... PID: ... Comm:", "Hardware name:"
 *   TRACE    "Call Trace:" and frames (with <IRQ>/<TASK> marks, x86 registers)
 *   MEMINFO  "Mem-Info:" and the global counters
 *   BODY     node, zone, lowmem_reserve[], free-area, hugepages, swap lines
 *   TRAILER  "N pages RAM", "N pages reserved", ... (6.12+: allocation profile)
 *
 * Lines of other kinds are other CPUs' messages printed in between: they are
 * skipped, and after FS_KLOG_UNRELATED_MAX of them in a row the report is
 * taken as over. The first line that is not a trailer line after the
 * trailer ends a complete report; a new header, a new "CPU:"/"Call Trace:"
 * (someone else's stack dump) or the end of the log end it early, and a
 * report that had begun its Mem-Info but not reached the trailer gets a
 * warning that it is incomplete. The collected lines are then read by
 * klog_build_report().
 *
 * Where the diagnostics go: those about one report (its lines, its kernel
 * totals, that it is incomplete) to the report's snapshot, or to the
 * scanner's diags when it printed no Mem-Info; those about the log (binary
 * data, overlong lines, too many reports) to the scanner's diags.
 */
#include "klog_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unrelated lines in a row after which an open report is taken as over. */
#define FS_KLOG_UNRELATED_MAX 32
/* After the 4.4 vmalloc text line the header follows at once. */
#define FS_KLOG_VMALLOC_WAIT 4
/* Lines of the 6.12+ memory allocation profile ("Memory allocations:" + top 10). */
#define FS_KLOG_PROFILE_MAX 12
/* "printed no Mem-Info" notes per log; the rest are counted (4.19 rate-limits
 * show_mem, so a burst of failures gives many). */
#define FS_KLOG_NO_MEMINFO_NOTES 20

enum sstate { S_IDLE, S_VMALLOC, S_HEAD, S_TRACE, S_MEMINFO, S_BODY, S_TRAILER, S_PROFILE };

enum end_reason { END_COMPLETE, END_EOF, END_NEW_REPORT, END_OTHER_DUMP, END_UNRELATED,
		  END_TOO_LONG };

struct fs_klog_scanner {
	char *source;
	struct fs_report_list *out;
	struct fs_diags *diags;

	/* the open report */
	enum sstate state;
	struct fs_buf raw;
	struct klog_line *lines;
	size_t nr_lines, lines_cap;
	struct klog_prefix first_prefix;
	unsigned unrelated;         /* unrelated lines in a row */
	unsigned end_line;          /* line that ended it early */
	unsigned profile_lines;
	bool saw_cpu, saw_meminfo;
	size_t learned_col;         /* column of the task name when the prefix is unknown */
	struct fs_buf scratch;      /* "tag: message" of a logcat line */

	unsigned reports;           /* reports started */
	unsigned dropped;           /* beyond FS_KLOG_REPORTS_MAX */
	unsigned no_meminfo;        /* reports without Mem-Info */
	bool noted_long, noted_binary;
};

static void report_init(struct fs_report *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = FS_REPORT_PAGE_ALLOC;
	r->pid = -1;
	r->cpu = -1;
	r->order = -1;
}

void fs_report_clear(struct fs_report *r)
{
	for (size_t i = 0; i < r->nr_trace; i++)
		free(r->trace[i]);
	free(r->trace);
	fs_snapshot_free(r->snapshot);
	free(r->raw);
	report_init(r);
}

/* dst is overwritten: clear it first when it holds a report. */
void fs_report_copy(struct fs_report *dst, const struct fs_report *src)
{
	*dst = *src;
	dst->trace = NULL;
	if (src->nr_trace) {
		dst->trace = fs_xmalloc(src->nr_trace * sizeof(*dst->trace));
		for (size_t i = 0; i < src->nr_trace; i++)
			dst->trace[i] = fs_xstrdup(src->trace[i]);
	}
	dst->snapshot = src->snapshot ? fs_snapshot_clone(src->snapshot) : NULL;
	dst->raw = src->raw ? fs_xstrdup(src->raw) : NULL;
}

void fs_report_list_free(struct fs_report_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		fs_report_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}

struct fs_klog_scanner *fs_klog_scanner_new(const char *source, struct fs_report_list *out,
					    struct fs_diags *diags)
{
	struct fs_klog_scanner *sc = fs_xcalloc(1, sizeof(*sc));
	sc->source = fs_xstrdup(source ? source : "(kernel log)");
	sc->out = out;
	sc->diags = diags;
	fs_buf_init(&sc->raw);
	fs_buf_init(&sc->scratch);
	return sc;
}

static void scanner_note(struct fs_klog_scanner *sc, enum fs_severity sev, unsigned line,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void scanner_note(struct fs_klog_scanner *sc, enum fs_severity sev, unsigned line,
			 const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!sc->diags)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fs_diags_add(sc->diags, sev, sc->source, line, "%s", msg);
}

static void reset_open(struct fs_klog_scanner *sc)
{
	sc->state = S_IDLE;
	sc->raw.len = 0;
	sc->nr_lines = 0;
	sc->unrelated = 0;
	sc->end_line = 0;
	sc->profile_lines = 0;
	sc->saw_cpu = sc->saw_meminfo = false;
}

/* Keep a message of the open report. Leading blanks are kept as one
 * (continuation lines of the Mem-Info block start with a space). */
static void add_line(struct fs_klog_scanner *sc, const char *msg, size_t len,
		     enum klog_kind kind, unsigned lineno)
{
	size_t lead = 0;
	while (lead < len && klog_isblank(msg[lead]))
		lead++;
	while (len > lead && (klog_isblank(msg[len - 1]) || msg[len - 1] == '\r'))
		len--;
	if (sc->nr_lines)
		fs_buf_addc(&sc->raw, '\n');
	fs_grow((void **)&sc->lines, &sc->lines_cap, sc->nr_lines + 1, sizeof(*sc->lines));
	struct klog_line *l = &sc->lines[sc->nr_lines++];
	if (lead)
		fs_buf_addc(&sc->raw, ' ');
	l->off = sc->raw.len;
	l->len = len - lead;
	l->lineno = lineno;
	l->kind = (uint8_t)kind;
	fs_buf_add(&sc->raw, msg + lead, len - lead);
	sc->unrelated = 0;
}

static const char *state_expects(enum sstate s)
{
	switch (s) {
	case S_VMALLOC: return "the page allocation failure header";
	case S_HEAD: return "\"CPU: ... PID:\", \"Call Trace:\" or \"Mem-Info:\"";
	case S_TRACE: return "trace frames or \"Mem-Info:\"";
	case S_MEMINFO: return "Mem-Info counters or the node and zone lines";
	case S_BODY: return "zone, free-area or swap lines, or \"N pages RAM\"";
	default: return "the rest of the report";
	}
}

static const char *reason_text(enum end_reason why, char *buf, size_t size, unsigned line)
{
	switch (why) {
	case END_EOF: return "the log ends inside it";
	case END_NEW_REPORT:
		snprintf(buf, size, "a new report starts at line %u", line);
		return buf;
	case END_OTHER_DUMP:
		snprintf(buf, size, "another stack dump starts at line %u", line);
		return buf;
	case END_UNRELATED:
		snprintf(buf, size, "%d unrelated lines follow (from line %u)",
			 FS_KLOG_UNRELATED_MAX, line);
		return buf;
	case END_TOO_LONG: return "it is longer than fragscope keeps";
	default: return "";
	}
}

/* What to say about a report that ended before its trailer. */
static void note_incomplete(struct fs_klog_scanner *sc, struct fs_report *r, enum end_reason why)
{
	char buf[128];
	const char *reason = reason_text(why, buf, sizeof(buf), sc->end_line);
	unsigned idx = (unsigned)sc->out->count + 1;
	if (sc->saw_meminfo) {
		/* r->snapshot exists: the state printed with it is partial */
		fs_diags_add(&r->snapshot->diags, FS_SEV_WARNING, sc->source, r->last_line,
			     "report %u (line %u) is incomplete: %s; expected %s", idx,
			     r->first_line, reason, state_expects(sc->state));
		return;
	}
	if (why == END_EOF || why == END_TOO_LONG || sc->state == S_VMALLOC)
		scanner_note(sc, FS_SEV_WARNING, r->last_line,
			     "report %u (line %u) is incomplete: %s; expected %s", idx,
			     r->first_line, reason, state_expects(sc->state));
	else if (++sc->no_meminfo <= FS_KLOG_NO_MEMINFO_NOTES)
		scanner_note(sc, FS_SEV_NOTE, r->first_line,
			     "report %u (line %u) printed no Mem-Info (show_mem skipped or "
			     "rate-limited)", idx, r->first_line);
}

static void close_report(struct fs_klog_scanner *sc, enum end_reason why)
{
	if (sc->state == S_IDLE)
		return;
	if (sc->out->count >= FS_KLOG_REPORTS_MAX) {
		sc->dropped++;
		reset_open(sc);
		return;
	}
	struct fs_report r;
	report_init(&r);
	struct klog_collected c = {
		.source = sc->source,
		.index = (unsigned)sc->out->count + 1,
		.raw = sc->raw.data ? sc->raw.data : "",
		.lines = sc->lines,
		.nr_lines = sc->nr_lines,
		.first_prefix = &sc->first_prefix,
		.saw_meminfo = sc->saw_meminfo,
	};
	klog_build_report(&r, &c, sc->diags);
	if (sc->state != S_TRAILER && sc->state != S_PROFILE)
		note_incomplete(sc, &r, why);
	r.raw = fs_xstrndup(c.raw, sc->raw.len);
	fs_grow((void **)&sc->out->items, &sc->out->cap, sc->out->count + 1,
		sizeof(*sc->out->items));
	sc->out->items[sc->out->count++] = r;
	reset_open(sc);
}

static void open_report(struct fs_klog_scanner *sc, const char *msg, size_t len,
			enum klog_kind kind, unsigned lineno, const struct klog_prefix *px)
{
	reset_open(sc);
	sc->reports++;
	sc->first_prefix = *px;
	sc->state = kind == KL_VMALLOC_OWN ? S_VMALLOC : S_HEAD;
	add_line(sc, msg, len, kind, lineno);
}

/* Kinds a report in state s takes, and the state after. S_IDLE: not taken. */
static enum sstate next_state(const struct fs_klog_scanner *sc, enum klog_kind k)
{
	switch (sc->state) {
	case S_VMALLOC:
		return k == KL_HEADER ? S_HEAD : S_IDLE;
	case S_HEAD:
		switch (k) {
		case KL_CPUSET: case KL_CPUSET_CONT: case KL_HEAD_INFO: case KL_STACKWORDS:
			return S_HEAD;
		case KL_CPU: return sc->saw_cpu ? S_IDLE : S_HEAD;
		case KL_CALLTRACE: case KL_FRAME: case KL_TRACE_MARK: return S_TRACE;
		case KL_MEMINFO: return S_MEMINFO;
		default: return S_IDLE;
		}
	case S_TRACE:
		switch (k) {
		case KL_FRAME: case KL_TRACE_MARK: case KL_REGS: case KL_STACKWORDS:
			return S_TRACE;
		case KL_MEMINFO: return S_MEMINFO;
		default: return S_IDLE;
		}
	case S_MEMINFO:
	case S_BODY:
		/* <= 3.x print the per-cpu lines before the counters */
		if (k == KL_COUNTERS)
			return sc->state;
		switch (k) {
		case KL_NODE: case KL_ZONE: case KL_LOWMEM: case KL_AREA: case KL_PERCPU:
		case KL_HUGEPAGES: case KL_SWAP:
			return S_BODY;
		case KL_TRAILER: return S_TRAILER;
		default: return S_IDLE;
		}
	case S_TRAILER:
		if (k == KL_TRAILER)
			return S_TRAILER;
		return k == KL_MEMPROF ? S_PROFILE : S_IDLE;
	case S_PROFILE:
		return (k == KL_OTHER && sc->profile_lines < FS_KLOG_PROFILE_MAX) ? S_PROFILE
										  : S_IDLE;
	default:
		return S_IDLE;
	}
}

/* A line the open report does not take: does it end the report? */
static bool ends_report(struct fs_klog_scanner *sc, enum klog_kind k, unsigned lineno,
			enum end_reason *why)
{
	sc->end_line = lineno;
	if (k == KL_HEADER || k == KL_VMALLOC_OWN) {
		*why = END_NEW_REPORT;
		return true;
	}
	if (sc->state == S_TRAILER || sc->state == S_PROFILE) {
		*why = END_COMPLETE;
		return true;
	}
	/* someone's stack dump or show_mem once ours is past that point */
	if ((k == KL_CPU || k == KL_CALLTRACE || k == KL_MEMINFO) && sc->state != S_VMALLOC) {
		*why = END_OTHER_DUMP;
		return true;
	}
	unsigned limit = sc->state == S_VMALLOC ? FS_KLOG_VMALLOC_WAIT : FS_KLOG_UNRELATED_MAX;
	if (++sc->unrelated >= limit) {
		sc->end_line = lineno - sc->unrelated + 1;
		*why = END_UNRELATED;
		return true;
	}
	return false;
}

static void process(struct fs_klog_scanner *sc, const char *msg, size_t len, unsigned lineno,
		    const struct klog_prefix *px)
{
	enum klog_kind k = klog_classify(msg, len);
	if (sc->state == S_IDLE) {
		if (k == KL_HEADER || k == KL_VMALLOC_OWN)
			open_report(sc, msg, len, k, lineno, px);
		return;
	}
	enum sstate next = next_state(sc, k);
	if (next != S_IDLE) {
		if (k == KL_CPU)
			sc->saw_cpu = true;
		if (k == KL_MEMINFO)
			sc->saw_meminfo = true;
		if (next == S_PROFILE && sc->state == S_PROFILE)
			sc->profile_lines++;
		sc->state = next;
		add_line(sc, msg, len, k, lineno);
		if (sc->nr_lines >= FS_KLOG_REPORT_LINES_MAX ||
		    sc->raw.len >= FS_KLOG_REPORT_BYTES_MAX)
			close_report(sc, END_TOO_LONG);
		return;
	}
	enum end_reason why;
	if (!ends_report(sc, k, lineno, &why))
		return;
	close_report(sc, why);
	if (k == KL_HEADER || k == KL_VMALLOC_OWN)
		open_report(sc, msg, len, k, lineno, px);
}

/* A line whose prefix is unknown: find the report markers in it. The
 * column where the task name of a header starts is taken as the prefix
 * width for the rest of that report. */
static const char *unknown_prefix(struct fs_klog_scanner *sc, const char *line, size_t len,
				  size_t *msg_len)
{
	const char *comm;
	if (klog_find_header(line, len, &comm) && comm > line) {
		sc->learned_col = (size_t)(comm - line);
		*msg_len = len - sc->learned_col;
		return comm;
	}
	if (sc->state != S_IDLE && sc->learned_col && len >= sc->learned_col &&
	    klog_classify(line, len) == KL_OTHER) {
		*msg_len = len - sc->learned_col;
		return line + sc->learned_col;
	}
	*msg_len = len;
	return line;
}

void fs_klog_feed(struct fs_klog_scanner *sc, const char *line, size_t len, unsigned lineno)
{
	if (!sc || !line)
		return;
	if (len > FS_KLOG_LINE_MAX) {
		if (!sc->noted_long)
			scanner_note(sc, FS_SEV_NOTE, lineno,
				     "line longer than %d bytes; such lines are not read as "
				     "part of a report", FS_KLOG_LINE_MAX);
		sc->noted_long = true;
		len = 0;     /* an unrelated (empty) line */
	}
	if (memchr(line, '\0', len)) {
		if (!sc->noted_binary)
			scanner_note(sc, FS_SEV_WARNING, lineno,
				     "NUL bytes in the log; such lines are skipped");
		sc->noted_binary = true;
		len = 0;
	}
	struct klog_prefix px;
	size_t msg_len;
	const char *msg = klog_prefix_parse(line, len, &msg_len, &px);
	if (!px.recognised)
		msg = unknown_prefix(sc, line, len, &msg_len);
	if (px.tag_len) {
		sc->scratch.len = 0;
		fs_buf_add(&sc->scratch, px.tag, px.tag_len);
		fs_buf_add(&sc->scratch, ": ", 2);
		fs_buf_add(&sc->scratch, msg, msg_len);
		msg = sc->scratch.data;
		msg_len = sc->scratch.len;
		px.tag = NULL;      /* points into the caller's line */
		px.tag_len = 0;
	}
	process(sc, msg, msg_len, lineno, &px);
}

void fs_klog_finish(struct fs_klog_scanner *sc)
{
	if (!sc)
		return;
	sc->end_line = 0;
	close_report(sc, END_EOF);
	if (sc->no_meminfo > FS_KLOG_NO_MEMINFO_NOTES)
		scanner_note(sc, FS_SEV_NOTE, 0, "%u more reports printed no Mem-Info",
			     sc->no_meminfo - FS_KLOG_NO_MEMINFO_NOTES);
	if (sc->dropped)
		scanner_note(sc, FS_SEV_WARNING, 0,
			     "%u more reports after the first %d were not kept", sc->dropped,
			     FS_KLOG_REPORTS_MAX);
	sc->dropped = 0;
	sc->no_meminfo = 0;
}

void fs_klog_scanner_free(struct fs_klog_scanner *sc)
{
	if (!sc)
		return;
	free(sc->source);
	free(sc->lines);
	fs_buf_free(&sc->raw);
	fs_buf_free(&sc->scratch);
	free(sc);
}

size_t fs_parse_kernel_log(const char *text, size_t len, const char *source,
			   struct fs_report_list *out, struct fs_diags *diags)
{
	size_t before = out->count;
	if (len > 0 && fs_looks_binary(text, len)) {
		if (diags)
			fs_diags_add(diags, FS_SEV_ERROR, source ? source : "(kernel log)", 1,
				     "binary data, not a kernel log: expected text lines like "
				     "\"[  12.345678] ...\"");
		return 0;
	}
	struct fs_klog_scanner *sc = fs_klog_scanner_new(source, out, diags);
	struct fs_lines it;
	const char *line;
	size_t n;
	fs_lines_init(&it, text, len);
	while (fs_lines_next(&it, &line, &n))
		fs_klog_feed(sc, line, n, it.lineno);
	fs_klog_finish(sc);
	fs_klog_scanner_free(sc);
	return out->count - before;
}
