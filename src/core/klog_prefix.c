/*
 * klog_prefix.c - strip what loggers put in front of a kernel message.
 *
 * A line may carry several prefix elements, in this order or another:
 *   <4>                         syslog/kmsg priority
 *   4,1234,5678901,-;           /dev/kmsg record head
 *   Nov 25 10:00:01 host kernel:           syslog, journalctl short(-precise)
 *   2024-11-25T10:00:01+0100 host kernel:  journalctl short-iso, rsyslog RFC 3339
 *   Mon 2024-11-25 10:00:01 CET host kernel:  journalctl short-full
 *   11-25 10:00:01.123  0  0 W tag : msg   logcat threadtime (-b kernel)
 *   [  12.345678]               dmesg stamp (then one space)
 *   [  12.345678] host kernel:  journalctl short-monotonic
 *   [Mon Nov 25 10:00:01 2024]  dmesg -T
 *   [ T2164] / [  C0]           printk caller id
 *   .(0)[2164:comm] -(0)[...]   Android/MediaTek cpu and task
 *   kern  :warn  :              dmesg -x
 * Each element is taken at the current position only; a message's own
 * leading blank (continuation lines of the Mem-Info block) is kept.
 */
#include "klog_priv.h"

#include <stdio.h>
#include <string.h>

#define PREFIX_ELEMENTS_MAX 8

struct pcur {
	const char *p, *end;
};

static bool at(const struct pcur *c, size_t n) { return (size_t)(c->end - c->p) >= n; }

static bool digits(struct pcur *c, size_t min, size_t max, uint64_t *out)
{
	const char *p = c->p;
	uint64_t v = 0;
	size_t n = 0;
	while (p < c->end && klog_isdigit(*p) && n < max) {
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
		n++;
	}
	if (n < min || (p < c->end && klog_isdigit(*p)))
		return false;
	c->p = p;
	if (out)
		*out = v;
	return true;
}

static bool lit(struct pcur *c, const char *s)
{
	size_t n = strlen(s);
	if (!at(c, n) || memcmp(c->p, s, n) != 0)
		return false;
	c->p += n;
	return true;
}

static bool ch(struct pcur *c, char want)
{
	if (c->p >= c->end || *c->p != want)
		return false;
	c->p++;
	return true;
}

static void spaces(struct pcur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

static bool word(struct pcur *c, const char **w, size_t *n)
{
	const char *s = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		c->p++;
	*w = s;
	*n = (size_t)(c->p - s);
	return *n > 0;
}

static int name_index(const char *p, const char *end, const char *const *names, int count)
{
	if (end - p < 3)
		return -1;
	for (int i = 0; i < count; i++)
		if (memcmp(p, names[i], 3) == 0)
			return i;
	return -1;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

/* "HH:MM:SS" with an optional fraction; fills seconds of the day. */
static bool clock_time(struct pcur *c, double *secs)
{
	uint64_t h, m, s;
	struct pcur save = *c;
	if (!digits(c, 1, 2, &h) || !ch(c, ':') || !digits(c, 2, 2, &m) || !ch(c, ':') ||
	    !digits(c, 2, 2, &s) || h > 23 || m > 59 || s > 60) {
		*c = save;
		return false;
	}
	double frac = 0, scale = 0.1;
	if (c->p < c->end && (*c->p == '.' || *c->p == ',')) {
		c->p++;
		while (c->p < c->end && klog_isdigit(*c->p)) {
			frac += (*c->p - '0') * scale;
			scale /= 10;
			c->p++;
		}
	}
	*secs = (double)(h * 3600 + m * 60 + s) + frac;
	return true;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void set_wallclock(struct klog_prefix *px, const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == ':'))
		e--;
	klog_copy(px->wallclock, sizeof(px->wallclock), s, (size_t)(e - s));
}

/* "host ident: " after a syslog or journalctl date. With kernel_only the
 * ident must be "kernel:" (journalctl short-monotonic after a dmesg stamp,
 * where anything else is more likely the message itself). */
static bool host_ident(struct pcur *c, struct klog_prefix *px, bool kernel_only)
{
	struct pcur save = *c;
	const char *host, *ident;
	size_t host_len, ident_len;
	if (!word(c, &host, &host_len) || !ch(c, ' ') || !word(c, &ident, &ident_len) ||
	    ident[ident_len - 1] != ':' || ident_len < 2) {
		*c = save;
		return false;
	}
	if (kernel_only && !(ident_len == 7 && memcmp(ident, "kernel:", 7) == 0)) {
		*c = save;
		return false;
	}
	if (host[host_len - 1] == ':') {     /* "Nov 25 10:00:01 kernel: msg" is not this */
		*c = save;
		return false;
	}
	ch(c, ' ');
	/* OpenWrt logread puts "kern.warn" where the host would be. */
	if (!(host_len > 5 && memcmp(host, "kern.", 5) == 0))
		klog_copy(px->host, sizeof(px->host), host, host_len);
	return true;
}

/* "[  12.345678]" */
static bool dmesg_stamp(struct pcur *c, double *stamp)
{
	struct pcur save = *c;
	uint64_t sec, frac;
	if (!ch(c, '['))
		return false;
	spaces(c);
	const char *f;
	if (!digits(c, 1, 12, &sec) || !ch(c, '.') || (f = c->p, !digits(c, 1, 9, &frac)) ||
	    !ch(c, ']')) {
		*c = save;
		return false;
	}
	double scale = 1;
	for (const char *q = f; q < c->p - 1; q++)
		scale *= 10;
	*stamp = (double)sec + (double)frac / scale;
	return true;
}

/* "[ T2164]" or "[  C0]" right after a dmesg stamp. */
static bool printk_caller(struct pcur *c, struct klog_prefix *px)
{
	struct pcur save = *c;
	uint64_t v;
	if (!ch(c, '['))
		return false;
	spaces(c);
	char kind = c->p < c->end ? *c->p : 0;
	if ((kind != 'T' && kind != 'C') || (c->p++, !digits(c, 1, 10, &v)) || !ch(c, ']') ||
	    v > INT32_MAX) {
		*c = save;
		return false;
	}
	if (kind == 'T')
		px->pid = (int)v;
	else
		px->cpu = (int)v;
	return true;
}

/* ".(0)[2164:wifi@1.0-servic]" (also "-(0)" and a bare "(0)"). */
static bool android_task(struct pcur *c, struct klog_prefix *px)
{
	struct pcur save = *c;
	uint64_t cpu, pid;
	if (c->p < c->end && (*c->p == '.' || *c->p == '-'))
		c->p++;
	if (!ch(c, '(') || !digits(c, 1, 5, &cpu) || !ch(c, ')') || !ch(c, '[') ||
	    !digits(c, 1, 10, &pid) || !ch(c, ':')) {
		*c = save;
		return false;
	}
	const char *comm = c->p;
	const char *close = memchr(comm, ']', (size_t)(c->end - comm));
	if (!close || close - comm > 31 || pid > INT32_MAX) {
		*c = save;
		return false;
	}
	px->cpu = (int)cpu;
	px->pid = (int)pid;
	klog_copy(px->comm, sizeof(px->comm), comm, (size_t)(close - comm));
	c->p = close + 1;
	return true;
}

/* Samsung: "[0:  swapper/0:    0] " (cpu:comm:pid). */
static bool samsung_task(struct pcur *c, struct klog_prefix *px)
{
	struct pcur save = *c;
	uint64_t cpu, pid;
	if (!ch(c, '[') || !digits(c, 1, 5, &cpu) || !ch(c, ':')) {
		*c = save;
		return false;
	}
	spaces(c);
	const char *comm = c->p;
	const char *close = memchr(comm, ']', (size_t)(c->end - comm));
	const char *colon = close ? memchr(comm, ':', (size_t)(close - comm)) : NULL;
	/* the comm itself may hold a colon: take the last one before ']' */
	for (const char *q = colon; q && q < close; q++)
		if (*q == ':')
			colon = q;
	if (!colon || colon - comm > 31) {
		*c = save;
		return false;
	}
	struct pcur num = { colon + 1, close };
	spaces(&num);
	if (!digits(&num, 1, 10, &pid) || num.p != close || pid > INT32_MAX) {
		*c = save;
		return false;
	}
	px->cpu = (int)cpu;
	px->pid = (int)pid;
	klog_copy(px->comm, sizeof(px->comm), comm, (size_t)(colon - comm));
	c->p = close + 1;
	ch(c, ' ');
	return true;
}

/* "<4>" */
static bool priority(struct pcur *c)
{
	struct pcur save = *c;
	if (ch(c, '<') && digits(c, 1, 3, NULL) && ch(c, '>'))
		return true;
	*c = save;
	return false;
}

/* /dev/kmsg: "4,1234,5678901,-;msg" (priority, sequence, usec, flags). */
static bool kmsg_head(struct pcur *c, struct klog_prefix *px)
{
	struct pcur save = *c;
	uint64_t usec;
	if (!digits(c, 1, 4, NULL) || !ch(c, ',') || !digits(c, 1, 20, NULL) || !ch(c, ',') ||
	    !digits(c, 1, 20, &usec) || !ch(c, ',')) {
		*c = save;
		return false;
	}
	const char *semi = memchr(c->p, ';', (size_t)(c->end - c->p));
	if (!semi || semi - c->p > 32) {
		*c = save;
		return false;
	}
	c->p = semi + 1;
	px->has_stamp = true;
	px->stamp = (double)usec / 1e6;
	px->kmsg = true;
	return true;
}

/* "kern  :warn  : " (dmesg -x) */
static bool decoded_level(struct pcur *c)
{
	static const char *const facilities[] = { "kern", "user", "daemon", "syslog" };
	struct pcur save = *c;
	bool ok = false;
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]) && !ok; i++)
		ok = lit(c, facilities[i]);
	if (!ok)
		return false;
	spaces(c);
	if (!ch(c, ':'))
		goto fail;
	while (c->p < c->end && *c->p >= 'a' && *c->p <= 'z')
		c->p++;
	spaces(c);
	if (!ch(c, ':') || !ch(c, ' '))
		goto fail;
	return true;
fail:
	*c = save;
	return false;
}

/* Exactly two digits, whatever follows ("+0100"). */
static bool two_digits(struct pcur *c, int *v)
{
	if (!at(c, 2) || !klog_isdigit(c->p[0]) || !klog_isdigit(c->p[1]))
		return false;
	*v = (c->p[0] - '0') * 10 + (c->p[1] - '0');
	c->p += 2;
	return true;
}

/* A numeric zone: "+0100", "+01:00", "-05", "Z". */
static bool tz_offset(struct pcur *c, double *offset)
{
	if (ch(c, 'Z')) {
		*offset = 0;
		return true;
	}
	struct pcur save = *c;
	if (c->p >= c->end || (*c->p != '+' && *c->p != '-'))
		return false;
	int sign = *c->p == '-' ? -1 : 1;
	c->p++;
	int h, m = 0;
	if (!two_digits(c, &h)) {
		*c = save;
		return false;
	}
	ch(c, ':');
	if (c->p < c->end && klog_isdigit(*c->p) && !two_digits(c, &m)) {
		*c = save;
		return false;
	}
	*offset = sign * (double)(h * 3600 + m * 60);
	return true;
}

/* "2024-11-25T10:00:01.123+0100" or "2024-11-25 10:00:01" (+ " CET"). */
static bool iso_date(struct pcur *c, struct klog_prefix *px, bool *has_zone)
{
	struct pcur save = *c;
	const char *start = c->p;
	uint64_t y, mo, d;
	double secs, offset = 0;
	if (!digits(c, 4, 4, &y) || !ch(c, '-') || !digits(c, 2, 2, &mo) || !ch(c, '-') ||
	    !digits(c, 2, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    c->p >= c->end || (*c->p != 'T' && *c->p != ' ')) {
		*c = save;
		return false;
	}
	c->p++;
	if (!clock_time(c, &secs)) {
		*c = save;
		return false;
	}
	*has_zone = tz_offset(c, &offset);
	if (!*has_zone && at(c, 4) && c->p[0] == ' ' && c->p[1] >= 'A' && c->p[1] <= 'Z') {
		/* "CET", "UTC": a name; only UTC can be turned into seconds */
		struct pcur z = { c->p + 1, c->end };
		const char *w;
		size_t n;
		if (word(&z, &w, &n) && n <= 5) {
			bool all_upper = true;
			for (size_t i = 0; i < n; i++)
				all_upper = all_upper && w[i] >= 'A' && w[i] <= 'Z';
			if (all_upper) {
				*has_zone = (n == 3 && memcmp(w, "UTC", 3) == 0) ||
					    (n == 3 && memcmp(w, "GMT", 3) == 0);
				c->p = z.p;
			}
		}
	}
	set_wallclock(px, start, c->p);
	if (*has_zone) {
		px->has_epoch = true;
		px->epoch = (double)days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d) * 86400 +
			    secs - offset;
	}
	return true;
}

/* "Nov 25 10:00:01[.123456]" (syslog) or "Nov 25 10:00:01 2024". */
static bool month_date(struct pcur *c, struct klog_prefix *px, const char *start)
{
	struct pcur save = *c;
	double secs;
	if (name_index(c->p, c->end, months, 12) < 0)
		return false;
	c->p += 3;
	if (!ch(c, ' '))
		goto fail;
	spaces(c);
	if (!digits(c, 1, 2, NULL) || !ch(c, ' ') || !clock_time(c, &secs))
		goto fail;
	if (at(c, 5) && c->p[0] == ' ' && klog_isdigit(c->p[1])) {   /* a year */
		struct pcur y = { c->p + 1, c->end };
		if (digits(&y, 4, 4, NULL))
			c->p = y.p;
	}
	set_wallclock(px, start, c->p);
	return true;
fail:
	*c = save;
	return false;
}

/* A syslog-style date followed by "host ident: ". */
static bool syslog_head(struct pcur *c, struct klog_prefix *px)
{
	struct pcur save = *c;
	struct klog_prefix px_save = *px;
	const char *start = c->p;
	bool has_zone = false;
	if (name_index(c->p, c->end, weekdays, 7) >= 0 && at(c, 4) && c->p[3] == ' ')
		c->p += 4;    /* "Mon " of short-full or of OpenWrt logread */
	if (!month_date(c, px, start) && !iso_date(c, px, &has_zone)) {
		*c = save;
		*px = px_save;
		return false;
	}
	if (!ch(c, ' ') || !host_ident(c, px, false)) {
		*c = save;
		*px = px_save;
		return false;
	}
	return true;
}

/* "[Mon Nov 25 10:00:01 2024] " (dmesg -T) */
static bool dmesg_ctime(struct pcur *c, struct klog_prefix *px)
{
	struct pcur save = *c;
	struct klog_prefix px_save = *px;
	if (!ch(c, '[') || name_index(c->p, c->end, weekdays, 7) < 0 || !at(c, 4) ||
	    c->p[3] != ' ')
		goto fail;
	const char *start = c->p;
	c->p += 4;
	if (!month_date(c, px, start) || !ch(c, ']'))
		goto fail;
	ch(c, ' ');
	return true;
fail:
	*c = save;
	*px = px_save;
	return false;
}

/* The tag part of a logcat line: "tag     : msg". logd takes the tag of a
 * kernel line from the message itself ("wifi@1.0-servic: page allocation
 * failure", "CPU: 0 PID: ..."), so a non-blank tag is kept in px to be put
 * back in front of the message. */
static void logcat_tag(struct pcur *c, struct klog_prefix *px)
{
	const char *colon = fs_find(c->p, (size_t)(c->end - c->p), ": ");
	if (!colon) {
		if (c->end > c->p && c->end[-1] == ':') {   /* "tag:" with an empty message */
			colon = c->end - 1;
		} else {
			return;
		}
	}
	const char *tag_end = colon;
	while (tag_end > c->p && tag_end[-1] == ' ')
		tag_end--;
	px->tag = c->p;
	px->tag_len = (size_t)(tag_end - c->p);
	c->p = colon + 2 <= c->end ? colon + 2 : c->end;
}

/* logcat: "11-25 10:00:01.123  1000  1234 W tag     : msg" (threadtime, with
 * an optional uid column) or "11-25 10:00:01.123 W/tag( 1234): msg" (time). */
static bool logcat_head(struct pcur *c, struct klog_prefix *px)
{
	struct pcur save = *c;
	struct klog_prefix px_save = *px;
	const char *start = c->p;
	uint64_t mo, d;
	double secs;
	bool has_zone;
	if (iso_date(c, px, &has_zone)) {
		/* logcat -v year: the zone-less date is text only */
	} else if (digits(c, 2, 2, &mo) && ch(c, '-') && digits(c, 2, 2, &d) && ch(c, ' ') &&
		   clock_time(c, &secs) && mo >= 1 && mo <= 12) {
		set_wallclock(px, start, c->p);
	} else {
		goto fail;
	}
	if (!ch(c, ' '))
		goto fail;
	spaces(c);
	const char *w;
	size_t n;
	struct pcur probe = *c;
	/* -v time: "W/tag(  PID): " */
	if (at(c, 2) && c->p[1] == '/' && strchr("VDIWEFAS", c->p[0])) {
		const char *paren = memchr(c->p, '(', (size_t)(c->end - c->p));
		const char *close = paren ? fs_find(paren, (size_t)(c->end - paren), "): ") : NULL;
		if (!close)
			goto fail;
		c->p = close + 3;
		return true;
	}
	if (!word(&probe, &w, &n))
		goto fail;
	if (!klog_isdigit(w[0])) {      /* uid column: "root", "system", "u0_a12" */
		*c = probe;
		spaces(c);
	}
	if (!digits(c, 1, 10, NULL))
		goto fail;
	spaces(c);
	if (!digits(c, 1, 10, NULL))
		goto fail;
	spaces(c);
	if (!at(c, 2) || !strchr("VDIWEFAS", c->p[0]) || c->p[0] == '\0' || c->p[1] != ' ')
		goto fail;
	c->p += 2;
	logcat_tag(c, px);
	return true;
fail:
	*c = save;
	*px = px_save;
	return false;
}

/* One prefix element at the cursor; false when none is there. */
static bool prefix_element(struct pcur *c, struct klog_prefix *px, bool first)
{
	double stamp;
	if (priority(c))
		return true;
	if (first && kmsg_head(c, px))
		return true;
	if (dmesg_stamp(c, &stamp)) {
		px->has_stamp = true;
		px->stamp = stamp;
		px->tag_len = 0;     /* "E klogd   : [  989.622552] ...": a logger's tag */
		printk_caller(c, px);
		ch(c, ' ');
		host_ident(c, px, true);   /* journalctl -o short-monotonic */
		return true;
	}
	if (dmesg_ctime(c, px))
		return true;
	if (android_task(c, px))
		return true;
	if (c->p < c->end && *c->p == '[' && samsung_task(c, px))
		return true;
	if (syslog_head(c, px))
		return true;
	if (logcat_head(c, px))
		return true;
	if (decoded_level(c))
		return true;
	if (lit(c, "kernel: "))      /* syslog excerpts without the date */
		return true;
	return false;
}

/* Nothing known at the start: look a little way in for " kernel: " or a
 * dmesg stamp, as other loggers put their own fields first. */
static bool search_prefix(struct pcur *c, struct klog_prefix *px)
{
	size_t window = (size_t)(c->end - c->p) < 160 ? (size_t)(c->end - c->p) : 160;
	const char *k = fs_find(c->p, window, " kernel: ");
	if (k) {
		set_wallclock(px, c->p, k);
		c->p = k + 9;
		return true;
	}
	for (const char *q = c->p; q < c->p + window && q < c->end; q++) {
		if (*q != '[')
			continue;
		struct pcur s = { q, c->end };
		double stamp;
		if (dmesg_stamp(&s, &stamp)) {
			px->has_stamp = true;
			px->stamp = stamp;
			ch(&s, ' ');
			c->p = s.p;
			return true;
		}
	}
	return false;
}

const char *klog_prefix_parse(const char *line, size_t len, size_t *msg_len,
			      struct klog_prefix *px)
{
	memset(px, 0, sizeof(*px));
	px->pid = -1;
	px->cpu = -1;
	struct pcur c = { line, line + len };
	int n = 0;
	while (n < PREFIX_ELEMENTS_MAX && c.p < c.end && prefix_element(&c, px, n == 0))
		n++;
	if (n == 0 && search_prefix(&c, px)) {
		n++;
		while (n < PREFIX_ELEMENTS_MAX && c.p < c.end && prefix_element(&c, px, false))
			n++;
	}
	px->recognised = n > 0;
	*msg_len = (size_t)(c.end - c.p);
	return c.p;
}

const char *fs_klog_strip_prefix(const char *line, size_t len, size_t *msg_len,
				 double *timestamp)
{
	struct klog_prefix px;
	const char *msg = klog_prefix_parse(line, len, msg_len, &px);
	/* a report header keeps its logcat tag, the task name ("kswapd0 : page
	 * allocation failure: ..."; header parsing trims the padding) */
	if (px.tag_len && klog_find_header(msg, *msg_len, NULL) == msg) {
		*msg_len += (size_t)(msg - px.tag);
		msg = px.tag;
	}
	if (timestamp)
		*timestamp = px.has_stamp ? px.stamp : px.has_epoch ? px.epoch : -1;
	return msg;
}
