/*
 * klog_line.c - what kind of warn_alloc line a message is.
 *
 * The classifier looks only at the shape of one message (kernel-rules.md
 * §8): it does not know where in a report it is; the scanner decides
 * whether a kind is expected there.
 */
#include "klog_priv.h"

#include <string.h>

void klog_copy(char *dst, size_t dst_size, const char *s, size_t n)
{
	if (dst_size == 0)
		return;
	if (n >= dst_size)
		n = dst_size - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
}

void klog_quote(char *dst, size_t dst_size, const char *s, size_t n)
{
	const size_t keep = 60;
	if (dst_size < keep + 4) {
		klog_copy(dst, dst_size, s, n);
		return;
	}
	if (n <= keep) {
		klog_copy(dst, dst_size, s, n);
		return;
	}
	klog_copy(dst, dst_size, s, keep);
	strcat(dst, "...");
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && klog_isblank(*s))
		s++;
	return s;
}

static bool starts(const char *s, const char *end, const char *lit)
{
	return fs_starts_with(s, (size_t)(end - s), lit);
}

static const char *word_end(const char *s, const char *end)
{
	while (s < end && !klog_isblank(*s))
		s++;
	return s;
}

static bool is_hex(char c)
{
	return klog_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Report markers, in the order the kernel's versions introduced them. */
static const char *const markers[] = {
	"page allocation failure",     /* all versions (". order:" before 2.6.3x) */
	"page allocation stalls for",  /* 4.9 ... 4.14 warn_alloc_stall */
	"vmalloc: allocation failure", /* 4.19 ... 5.10 (4.4: own line) */
	"vmalloc error: size",         /* 5.15+ */
};

const char *klog_find_header(const char *msg, size_t len, const char **comm_start)
{
	const char *end = msg + len;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		const char *m = fs_find(msg, len, markers[i]);
		if (!m)
			continue;
		const char *after = m + strlen(markers[i]);
		size_t rest = (size_t)(end - after);
		/* the request follows: page allocations print order, vmalloc the mode */
		if (i < 2 ? !fs_find(after, rest, "order:") : !fs_find(after, rest, "mode:"))
			continue;
		if (m != msg && !(m - msg >= 2 && m[-2] == ':' && m[-1] == ' '))
			continue;
		if (comm_start) {
			const char *c = m;
			if (m != msg) {
				c = m - 2;
				while (c > msg && !klog_isblank(c[-1]))
					c--;
			}
			*comm_start = c;
		}
		return m;
	}
	return NULL;
}

/* "name:123 name:456" and nothing else (the Mem-Info global counters). */
static bool counters_only(const char *s, const char *end)
{
	int tokens = 0;
	while (s < end) {
		s = skip_blanks(s, end);
		if (s >= end)
			break;
		const char *colon = NULL, *w = s;
		while (s < end && !klog_isblank(*s)) {
			if (*s == ':' && !colon)
				colon = s;
			s++;
		}
		if (!colon || colon == w || colon + 1 >= s)
			return false;
		for (const char *q = colon + 1; q < s; q++)
			if (!klog_isdigit(*q))
				return false;
		tokens++;
	}
	return tokens > 0;
}

/* "COUNT*SIZEkB" */
static bool area_entry(const char *s, const char *end)
{
	const char *q = s;
	while (q < end && klog_isdigit(*q))
		q++;
	if (q == s || q >= end || *q != '*')
		return false;
	const char *r = ++q;
	while (q < end && klog_isdigit(*q))
		q++;
	return q > r && end - q >= 2 && q[0] == 'k' && q[1] == 'B';
}

static bool zone_like_name(const char *s, const char *e)
{
	if (e <= s || e - s >= FS_ZONE_NAME_MAX)
		return false;
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return false;
	for (const char *q = s; q < e; q++)
		if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || klog_isdigit(*q) ||
		      *q == '_'))
			return false;
	return true;
}

static bool known_zone(const char *s, const char *e)
{
	char name[FS_ZONE_NAME_MAX];
	if (!zone_like_name(s, e))
		return false;
	klog_copy(name, sizeof(name), s, (size_t)(e - s));
	return fs_zone_type_rank(name) >= 0;
}

/* After an optional "Node N ": zone, free-area, node or hugepages line. */
static enum klog_kind node_or_zone(const char *s, const char *end, bool has_node)
{
	if (starts(s, end, "hugepages_total="))
		return KL_HUGEPAGES;
	const char *we = word_end(s, end);
	if (we > s && we[-1] == ':' && zone_like_name(s, we - 1)) {
		const char *next = skip_blanks(we, end);
		if (next >= end)
			return (has_node || known_zone(s, we - 1)) ? KL_AREA : KL_OTHER;
		if (area_entry(next, end))
			return KL_AREA;
	}
	const char *next = skip_blanks(we, end);
	if (zone_like_name(s, we) && starts(next, end, "free:"))
		return KL_ZONE;
	if (has_node && zone_like_name(s, we) && starts(next, end, "per-cpu:"))
		return KL_PERCPU;
	if (has_node && memchr(s, ':', (size_t)(we - s)))
		return KL_NODE;
	return KL_OTHER;
}

/* "[<ffffffff8112c207>] ? foo+0x757/0x8d0 [mod]", " dump_backtrace+0x0/0x1b0",
 * "[<c0110b3c>] (unwind_backtrace) from [<c010c5c4>] (show_stack+0x10/0x14)". */
static bool frame_like(const char *s, const char *end)
{
	if (s < end && *s == '<') {         /* "<IRQ>  [<...>] foo" (old x86) */
		const char *gt = memchr(s, '>', (size_t)(end - s));
		if (!gt)
			return false;
		s = skip_blanks(gt + 1, end);
	}
	if (starts(s, end, "[<")) {
		const char *close = fs_find(s, (size_t)(end - s), ">]");
		if (!close)
			return false;
		s = skip_blanks(close + 2, end);
		if (s >= end)
			return true;      /* address only */
		if (*s == '(')
			return memchr(s, ')', (size_t)(end - s)) != NULL;
	}
	if (starts(s, end, "? "))
		s += 2;
	const char *we = word_end(s, end);
	if (we == s)
		return false;
	if (fs_find(s, (size_t)(we - s), "+0x"))
		return true;
	if (we - s > 2 && s[0] == '0' && s[1] == 'x') {
		for (const char *q = s + 2; q < we; q++)
			if (!is_hex(*q) && *q != '/' && *q != 'x')
				return false;
		return true;
	}
	return false;
}

static bool trace_mark(const char *s, const char *end)
{
	if (s >= end || *s != '<')
		return false;
	const char *q = s + 1;
	if (q < end && *q == '/')
		q++;
	const char *n = q;
	while (q < end && *q >= 'A' && *q <= 'Z')
		q++;
	return q > n && q < end && *q == '>' && skip_blanks(q + 1, end) == end;
}

/* 4.4 x86: " 0000000000000000 ffff8800b1a5f880 ffffffff82c2de0e ..." */
static bool stack_words(const char *s, const char *end)
{
	int n = 0;
	while ((s = skip_blanks(s, end)) < end) {
		const char *we = word_end(s, end);
		if (we - s != 8 && we - s != 16)
			return false;
		for (const char *q = s; q < we; q++)
			if (!is_hex(*q))
				return false;
		n++;
		s = we;
	}
	return n >= 2;
}

/* "RIP: 0033:0x7f...", "RSP: 002b:...", "RAX: ffffffffffffffda RBX: ...". */
static bool registers(const char *s, const char *end)
{
	if (starts(s, end, "Code: "))
		return true;
	const char *q = s;
	while (q < end && ((*q >= 'A' && *q <= 'Z') || klog_isdigit(*q)))
		q++;
	if (q - s < 2 || q - s > 6 || !(*s >= 'A' && *s <= 'Z') || end - q < 3 || q[0] != ':')
		return false;
	q = skip_blanks(q + 1, end);
	const char *we = word_end(q, end);
	if (we == q)
		return false;
	for (const char *r = q; r < we; r++)
		if (!is_hex(*r) && *r != ':' && *r != 'x')
			return false;
	return true;
}

/* "36685 total pagecache pages", "345696 pages RAM", ... */
static enum klog_kind number_line(const char *s, const char *end)
{
	const char *q = s;
	if (q < end && *q == '-')
		q++;
	const char *d = q;
	while (q < end && klog_isdigit(*q))
		q++;
	if (q == d || q >= end || *q != ' ')
		return KL_OTHER;
	if (starts(q, end, " total pagecache pages") || starts(q, end, " pages in swap cache"))
		return KL_SWAP;
	if (starts(q, end, " pages "))
		return KL_TRAILER;
	return KL_OTHER;
}

enum klog_kind klog_classify(const char *msg, size_t len)
{
	const char *end = msg + len;
	const char *s = skip_blanks(msg, end);
	if (s >= end)
		return KL_OTHER;
	if (klog_find_header(s, (size_t)(end - s), NULL))
		return KL_HEADER;
	if (starts(s, end, "vmalloc: allocation failure"))
		return KL_VMALLOC_OWN;
	if (starts(s, end, ",cpuset="))
		return KL_CPUSET_CONT;
	if (starts(s, end, "Mem-Info:") || starts(s, end, "Mem-info:"))   /* 2.6: lower case */
		return KL_MEMINFO;
	if (starts(s, end, "Call Trace:") || starts(s, end, "Call trace:") ||
	    starts(s, end, "Backtrace:"))
		return KL_CALLTRACE;
	if ((starts(s, end, "CPU: ") && fs_find(s, (size_t)(end - s), " PID: ")) ||
	    (starts(s, end, "Pid: ") && fs_find(s, (size_t)(end - s), ", comm: ")))
		return KL_CPU;
	if (starts(s, end, "Hardware name:") || starts(s, end, "Workqueue:") ||
	    starts(s, end, "Tainted: [") || starts(s, end, "Stack:") ||
	    starts(s, end, "Sched_ext:"))
		return KL_HEAD_INFO;
	if (starts(s, end, "lowmem_reserve[]:"))
		return KL_LOWMEM;
	if (starts(s, end, "Memory allocations"))
		return KL_MEMPROF;
	if (starts(s, end, "Swap cache stats:") || starts(s, end, "Free swap") ||
	    starts(s, end, "Total swap"))
		return KL_SWAP;
	if (starts(s, end, "Node ") && s + 5 < end && klog_isdigit(s[5])) {
		const char *q = s + 5;
		while (q < end && klog_isdigit(*q))
			q++;
		if (q < end && *q == ' ')
			return node_or_zone(q + 1, end, true);
		return KL_OTHER;
	}
	enum klog_kind k = node_or_zone(s, end, false);
	if (k != KL_OTHER)
		return k;
	size_t n = (size_t)(end - s);
	if (fs_find(s, n, " cpuset=") && fs_find(s, n, " mems_allowed="))
		return KL_CPUSET;
	if (counters_only(s, end))
		return KL_COUNTERS;
	if (klog_isdigit(*s) || *s == '-') {
		k = number_line(s, end);
		if (k != KL_OTHER)
			return k;
	}
	if (starts(s, end, "CPU") && fs_find(s, (size_t)(end - s), ": hi:"))
		return KL_PERCPU;
	if (trace_mark(s, end))
		return KL_TRACE_MARK;
	if (stack_words(s, end))
		return KL_STACKWORDS;
	if (registers(s, end))
		return KL_REGS;
	if (frame_like(s, end))
		return KL_FRAME;
	return KL_OTHER;
}

const char *klog_kind_name(enum klog_kind kind)
{
	static const char *const names[] = {
		[KL_OTHER] = "other", [KL_HEADER] = "header", [KL_VMALLOC_OWN] = "vmalloc text",
		[KL_CPUSET] = "cpuset", [KL_CPUSET_CONT] = "cpuset continuation",
		[KL_CPU] = "CPU/PID", [KL_HEAD_INFO] = "task info",
		[KL_STACKWORDS] = "stack words", [KL_CALLTRACE] = "Call Trace",
		[KL_FRAME] = "trace frame", [KL_TRACE_MARK] = "trace marker",
		[KL_REGS] = "registers", [KL_MEMINFO] = "Mem-Info",
		[KL_COUNTERS] = "Mem-Info counters", [KL_NODE] = "node line",
		[KL_ZONE] = "zone line", [KL_LOWMEM] = "lowmem_reserve",
		[KL_AREA] = "free-area line", [KL_PERCPU] = "per-cpu line",
		[KL_HUGEPAGES] = "hugepages", [KL_SWAP] = "pagecache/swap",
		[KL_TRAILER] = "pages trailer", [KL_MEMPROF] = "memory allocation profile",
	};
	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}
