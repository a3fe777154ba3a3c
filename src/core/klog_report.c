/*
 * klog_report.c - one warn_alloc report from its collected lines: the
 * request (order, gfp mode, nodemask, cpuset), the task (comm, pid, cpu,
 * kernel release), the call trace, and the show_mem state as a snapshot.
 *
 * Header forms (kernel-rules.md §8.1, §8.3):
 *   4.4   COMM: page allocation failure: order:N, mode:0x2080020
 *   4.19  COMM: page allocation failure: order:N, mode:0x484020(GFP_ATOMIC|__GFP_COMP),
 *               nodemask=(null)
 *         COMM cpuset=/ mems_allowed=0
 *   5.0+  COMM: page allocation failure: order:N, mode:0xcc0(GFP_KERNEL), nodemask=(null),
 *               cpuset=/,mems_allowed=0                          (one line)
 *   vmalloc 4.4: "vmalloc: allocation failure, allocated X of Y bytes" on a line of its own, then
 *         the page allocation header; 4.19-5.10 "COMM: vmalloc: allocation failure, allocated X of
 *         Y bytes, mode:..."; 5.15+ "COMM: vmalloc error: size N, page order M, failed to ...,
 *         mode:...".
 *   4.9-4.14 "COMM: page allocation stalls for 10148ms, order:0, mode:..." (a warn_alloc too;
 *         kept as FS_REPORT_PAGE_ALLOC with the text in message).
 */
#include "klog_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct rctx {
	struct fs_report *r;
	const struct klog_collected *c;
	struct fs_diags *diags;     /* the snapshot's, or the scanner's */
	unsigned line;
	bool seen_header;
	bool trace_full;
};

static void rwarn(struct rctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rwarn(struct rctx *x, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->diags)
		fs_diags_add(x->diags, FS_SEV_WARNING, x->c->source, x->line, "%s", msg);
}

static const char *trim_left(const char *s, const char *end)
{
	while (s < end && klog_isblank(*s))
		s++;
	return s;
}

static const char *trim_right(const char *s, const char *end)
{
	while (end > s && klog_isblank(end[-1]))
		end--;
	return end;
}

static void copy_trimmed(char *dst, size_t size, const char *s, const char *end)
{
	s = trim_left(s, end);
	klog_copy(dst, size, s, (size_t)(trim_right(s, end) - s));
}

/* Text of "key" up to the first of the stop strings (or the end). */
static bool field(const char *s, const char *end, const char *key, const char *const *stops,
		  char *dst, size_t size)
{
	const char *at = fs_find(s, (size_t)(end - s), key);
	if (!at)
		return false;
	at += strlen(key);
	const char *stop = end;
	for (; stops && *stops; stops++) {
		const char *q = fs_find(at, (size_t)(stop - at), *stops);
		if (q)
			stop = q;
	}
	copy_trimmed(dst, size, at, stop);
	return true;
}

static bool number_after(const char *s, const char *end, const char *key, uint64_t *v)
{
	const char *at = fs_find(s, (size_t)(end - s), key);
	if (!at)
		return false;
	struct fs_cursor cur;
	fs_cursor_init(&cur, at + strlen(key), (size_t)(end - at - strlen(key)));
	fs_cursor_skip_space(&cur);
	return fs_cursor_u64(&cur, v);
}

/* ",cpuset=/foreground,mems_allowed=0" (5.0+ header tail, or split off it) */
static void cpuset_tail(struct fs_report *r, const char *s, const char *end)
{
	static const char *const to_mems[] = { ",mems_allowed=", NULL };
	field(s, end, ",cpuset=", to_mems, r->cpuset, sizeof(r->cpuset));
	field(s, end, ",mems_allowed=", NULL, r->mems_allowed, sizeof(r->mems_allowed));
}

/* "mode:0x484020(GFP_ATOMIC|__GFP_COMP)" or 4.4 "mode:0x2080020"; 4.19+ print
 * a zero mask as "mode:0()". */
static void parse_mode(struct rctx *x, const char *s, const char *end)
{
	struct fs_report *r = x->r;
	const char *at = fs_find(s, (size_t)(end - s), "mode:");
	struct fs_cursor cur;
	if (!at) {
		rwarn(x, "report header: expected \"mode:0xHEX\"");
		return;
	}
	fs_cursor_init(&cur, at + 5, (size_t)(end - at - 5));
	if (!fs_cursor_hex(&cur, &r->mode)) {
		char q[80];
		klog_quote(q, sizeof(q), at, (size_t)(end - at));
		rwarn(x, "report header: expected \"mode:0xHEX\", got \"%s\"", q);
		return;
	}
	r->has_mode = true;
	if (cur.p < cur.end && *cur.p == '(') {
		const char *close = memchr(cur.p, ')', (size_t)(cur.end - cur.p));
		if (close)
			klog_copy(r->mode_names, sizeof(r->mode_names), cur.p + 1,
				  (size_t)(close - cur.p - 1));
		else
			rwarn(x, "report header: the gfp names after mode: have no \")\" "
			      "(line cut?)");
	}
}

static void parse_header(struct rctx *x, const char *s, const char *end)
{
	struct fs_report *r = x->r;
	s = trim_left(s, end);
	const char *m = klog_find_header(s, (size_t)(end - s), NULL);
	if (!m)
		return;
	if (x->seen_header) {
		rwarn(x, "a second report header inside one report; the first is kept");
		return;
	}
	x->seen_header = true;
	if (m > s)
		copy_trimmed(r->comm, sizeof(r->comm), s, m - 2);
	bool vmalloc = fs_starts_with(m, (size_t)(end - m), "vmalloc");
	if (vmalloc || r->kind == FS_REPORT_VMALLOC) {
		r->kind = FS_REPORT_VMALLOC;
	}
	uint64_t v;
	if (fs_starts_with(m, (size_t)(end - m), "page allocation stalls") || vmalloc) {
		/* the text before the request: "vmalloc error: size 8192, page order 0, ..." */
		const char *stop = fs_find(m, (size_t)(end - m), ", mode:");
		const char *order_at = fs_find(m, (size_t)(end - m), ", order:");
		if (order_at && (!stop || order_at < stop))
			stop = order_at;
		copy_trimmed(r->message, sizeof(r->message), m, stop ? stop : end);
	}
	if (vmalloc) {
		if (number_after(m, end, "page order ", &v) && v < 64)
			r->order = (int)v;
	} else if (number_after(m, end, "order:", &v) && v < 64) {
		r->order = (int)v;
	} else {
		rwarn(x, "report header: expected \"order:N\" with N below 64");
	}
	parse_mode(x, m, end);
	static const char *const to_cpuset[] = { ",cpuset=", NULL };
	field(m, end, "nodemask=", to_cpuset, r->nodemask, sizeof(r->nodemask));
	cpuset_tail(r, m, end);
}

/* 4.19: "wifi@1.0-servic cpuset=/ mems_allowed=0" */
static void parse_cpuset_line(struct fs_report *r, const char *s, const char *end)
{
	static const char *const to_mems[] = { " mems_allowed=", NULL };
	field(s, end, "cpuset=", to_mems, r->cpuset, sizeof(r->cpuset));
	field(s, end, " mems_allowed=", NULL, r->mems_allowed, sizeof(r->mems_allowed));
}

/* "CPU: 0 PID: 2164 Comm: wifi@1.0-servic Tainted: P           O      4.19.176 #2"
 * "CPU: 3 UID: 0 PID: 1 Comm: swapper/0 Not tainted 6.12.0 #1"
 * "Pid: 0, comm: swapper Not tainted 2.6.32-358.2.1.el6.x86_64 #1" (old) */
static void parse_cpu_line(struct rctx *x, const char *s, const char *end)
{
	struct fs_report *r = x->r;
	uint64_t v;
	s = trim_left(s, end);
	bool old = fs_starts_with(s, (size_t)(end - s), "Pid: ");
	if (!old && number_after(s, end, "CPU: ", &v) && v <= INT32_MAX)
		r->cpu = (int)v;
	if (number_after(s, end, old ? "Pid: " : " PID: ", &v) && v <= INT32_MAX)
		r->pid = (int)v;
	const char *comm = fs_find(s, (size_t)(end - s), old ? ", comm: " : " Comm: ");
	if (!comm)
		return;
	comm += old ? 8 : 7;
	const char *taint = fs_find(comm, (size_t)(end - comm), " Tainted: ");
	const char *clean = fs_find(comm, (size_t)(end - comm), " Not tainted");
	const char *after = taint ? taint : clean;
	if (!after)
		return;
	if (!r->comm[0])
		copy_trimmed(r->comm, sizeof(r->comm), comm, after);
	/* taint flags are letters and blanks; the release is the first word
	 * starting with a digit */
	const char *rel = after + 1;
	while (rel < end && !klog_isdigit(*rel))
		rel++;
	const char *rel_end = rel;
	while (rel_end < end && !klog_isblank(*rel_end))
		rel_end++;
	if (rel_end > rel)
		klog_copy(r->kernel_release, sizeof(r->kernel_release), rel,
			  (size_t)(rel_end - rel));
}

static void add_frame(struct rctx *x, const char *s, const char *end)
{
	struct fs_report *r = x->r;
	s = trim_left(s, end);
	end = trim_right(s, end);
	if (s == end)
		return;
	if (r->nr_trace == FS_KLOG_TRACE_MAX) {
		if (!x->trace_full)
			rwarn(x, "call trace longer than %d frames; the rest is left out",
			      FS_KLOG_TRACE_MAX);
		x->trace_full = true;
		return;
	}
	r->trace = fs_xrealloc(r->trace, (r->nr_trace + 1) * sizeof(*r->trace));
	r->trace[r->nr_trace++] = fs_xstrndup(s, (size_t)(end - s));
	for (char *q = r->trace[r->nr_trace - 1]; *q; q++)
		if ((unsigned char)*q < 0x20)
			*q = '?';
}

/* "(show_stack+0x10/0x14)" -> the name inside */
static bool paren_name(const char **s, const char *end, const char **name, const char **name_end)
{
	const char *open = memchr(*s, '(', (size_t)(end - *s));
	const char *close = open ? memchr(open, ')', (size_t)(end - open)) : NULL;
	if (!close)
		return false;
	*name = open + 1;
	*name_end = close;
	*s = close + 1;
	return true;
}

/* " [<ffffffff8112c207>] ? __alloc_pages_nodemask+0x757/0x8d0"
 * -> "? __alloc_pages_nodemask+0x757/0x8d0";
 * ARM32 "[<c0110b3c>] (unwind_backtrace) from [<c010c5c4>] (show_stack+0x10/0x14)"
 * -> the callee of the first line, then each caller. Frames keep "? " (not
 * reliable) and a " [module]" suffix. */
static void parse_frame(struct rctx *x, const char *s, const char *end)
{
	s = trim_left(s, end);
	if (s < end && *s == '<') {     /* "<IRQ>  [<...>] foo" */
		const char *gt = memchr(s, '>', (size_t)(end - s));
		s = trim_left(gt ? gt + 1 : s, end);
	}
	const char *addr = s;
	if (fs_starts_with(s, (size_t)(end - s), "[<")) {
		const char *close = fs_find(s, (size_t)(end - s), ">]");
		if (!close)
			return;
		s = trim_left(close + 2, end);
		if (s == end) {          /* address only */
			add_frame(x, addr + 2, close);
			return;
		}
		const char *n, *ne;
		if (*s == '(' && paren_name(&s, end, &n, &ne)) {
			const char *from = fs_find(s, (size_t)(end - s), " from ");
			if (x->r->nr_trace == 0 || !from)
				add_frame(x, n, ne);
			if (from && (s = from + 6, paren_name(&s, end, &n, &ne)))
				add_frame(x, n, ne);
			return;
		}
	}
	add_frame(x, s, end);
}

static void fill_time(struct fs_report *r, const struct klog_prefix *px)
{
	if (px->has_stamp) {
		r->has_timestamp = true;
		r->timestamp = px->stamp;
		r->time_base = FS_TIME_BOOT;
	} else if (px->has_epoch) {
		r->has_timestamp = true;
		r->timestamp = px->epoch;
		r->time_base = FS_TIME_EPOCH;
	}
	snprintf(r->wallclock, sizeof(r->wallclock), "%s", px->wallclock);
}

static struct fs_snapshot *new_snapshot(const struct klog_collected *c)
{
	struct fs_snapshot *snap = fs_snapshot_new();
	snprintf(snap->meta.source, sizeof(snap->meta.source), "%s#report%u", c->source, c->index);
	snprintf(snap->meta.hostname, sizeof(snap->meta.hostname), "%s", c->first_prefix->host);
	return snap;
}

void klog_build_report(struct fs_report *r, const struct klog_collected *c,
		       struct fs_diags *diags)
{
	const struct klog_prefix *px = c->first_prefix;
	fill_time(r, px);
	if (c->nr_lines) {
		r->first_line = c->lines[0].lineno;
		r->last_line = c->lines[c->nr_lines - 1].lineno;
	}
	if (c->saw_meminfo)
		r->snapshot = new_snapshot(c);
	/* the request and the task first: the release decides how to read the
	 * free-area letters */
	struct rctx x = { .r = r, .c = c, .diags = r->snapshot ? &r->snapshot->diags : diags };
	for (size_t i = 0; i < c->nr_lines; i++) {
		const struct klog_line *l = &c->lines[i];
		const char *s = c->raw + l->off, *end = s + l->len;
		x.line = l->lineno;
		switch ((enum klog_kind)l->kind) {
		case KL_VMALLOC_OWN:
			r->kind = FS_REPORT_VMALLOC;
			copy_trimmed(r->message, sizeof(r->message), s, end);
			break;
		case KL_HEADER: parse_header(&x, s, end); break;
		case KL_CPUSET: parse_cpuset_line(r, s, end); break;
		case KL_CPUSET_CONT: cpuset_tail(r, s, end); break;
		case KL_CPU: parse_cpu_line(&x, s, end); break;
		case KL_FRAME: parse_frame(&x, s, end); break;
		default: break;
		}
	}
	if (!r->comm[0] && px->comm[0])
		snprintf(r->comm, sizeof(r->comm), "%s", px->comm);
	if (r->pid < 0)
		r->pid = px->pid;
	if (r->cpu < 0)
		r->cpu = px->cpu;
	struct fs_snapshot *snap = r->snapshot;
	if (!snap)
		return;
	snap->meta.time = r->timestamp;
	snap->meta.time_base = r->has_timestamp ? r->time_base : FS_TIME_UNKNOWN;
	snprintf(snap->meta.kernel_release, sizeof(snap->meta.kernel_release), "%s",
		 r->kernel_release);
	klog_parse_meminfo(snap, c, r->kernel_release[0] ? r->kernel_release : NULL);
	/* the kernel's own totals against the per-order counts it printed */
	fs_snapshot_check(snap);
}
