/*
 * kmsg.c - new kernel-log records from /dev/kmsg, fed to the warn_alloc
 * scanner as dmesg-style lines.
 *
 * Documentation/ABI/testing/dev-kmsg: every read(2) returns exactly one
 * record, "prio,seq,usec,flags[,more];message\n", followed by dictionary
 * lines " KEY=value\n". Bytes of the message outside printable ASCII (and
 * the backslash) are escaped as "\xNN", so a message printed with embedded
 * newlines (show_mem's "active_anon:... \n active_file:..." block) arrives as
 * one record holding "\x0a". read(2) fails with EAGAIN when no record is
 * waiting (O_NONBLOCK), with EPIPE when the record we were about to read was
 * overwritten in the ring buffer (the next read returns the oldest record
 * still there), and with EINVAL when the buffer is too small for a record.
 */
#include "fragscope/live.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fragscope/util.h"

/* A record is at most CONSOLE_EXT_LOG_MAX (8 KiB) with its dictionary. */
#define KMSG_RECORD_MAX 16384

struct fs_kmsg {
	int fd;
	char *source;                 /* "/dev/kmsg", for diagnostics and reports */
	struct fs_klog_scanner *scanner;
	struct fs_report_list *out;
	struct fs_diags *diags;
	unsigned long long next_seq;  /* sequence number we expect next */
	bool have_seq;
	bool overrun;                 /* EPIPE seen; the gap is measured at the next record */
	unsigned records;             /* running record number: the "line" of diagnostics */
	/* Not a character device (a saved "cat /dev/kmsg", a FIFO in tests):
	 * reads return arbitrary chunks, so records are cut out of a stream. */
	bool stream;
	struct fs_buf pending;
	char buf[KMSG_RECORD_MAX + 1];
};

static bool parse_ull(const char **p, const char *end, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;
	if (s >= end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned d = (unsigned)(*s - '0');
		if (v > (~0ULL - d) / 10)
			return false;
		v = v * 10 + d;
		s++;
	}
	*p = s;
	*out = v;
	return true;
}

bool fs_kmsg_parse_record(const char *rec, size_t len, double *timestamp, unsigned long long *seq,
			  const char **msg, size_t *msg_len)
{
	const char *p = rec, *end = rec + len;
	unsigned long long prio, s, usec;
	if (!parse_ull(&p, end, &prio) || p >= end || *p++ != ',')
		return false;
	if (!parse_ull(&p, end, &s) || p >= end || *p++ != ',')
		return false;
	if (!parse_ull(&p, end, &usec) || p >= end || (*p != ',' && *p != ';'))
		return false;
	/* flags and whatever fields later kernels add, up to the ';' of this
	 * line (a dictionary line may hold one too) */
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	const char *semi = memchr(p, ';', (size_t)((eol ? eol : end) - p));
	if (!semi)
		return false;
	const char *m = semi + 1;
	const char *nl = eol;
	*timestamp = (double)(usec / 1000000) + (double)(usec % 1000000) / 1e6;
	*seq = s;
	*msg = m;
	*msg_len = nl ? (size_t)(nl - m) : (size_t)(end - m);
	return true;
}

/* Undo the "\xNN" escapes; a backslash not starting one stays as it is. */
static void unescape(const char *s, size_t n, struct fs_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && (hi = fs_hex_digit(s[i + 2])) >= 0 &&
		    (lo = fs_hex_digit(s[i + 3])) >= 0) {
			fs_buf_addc(out, (char)(hi * 16 + lo));
			i += 3;
		} else {
			fs_buf_addc(out, s[i]);
		}
	}
}

/* Feed a message as dmesg lines "[%5lu.%06lu] text", one per embedded newline. */
static void feed_message(struct fs_kmsg *k, double ts, const char *msg, size_t msg_len)
{
	struct fs_buf text, line;
	fs_buf_init(&text);
	fs_buf_init(&line);
	unescape(msg, msg_len, &text);
	unsigned long long usec = (unsigned long long)(ts * 1e6 + 0.5);
	const char *p = text.data ? text.data : "";
	const char *end = p + text.len;
	do {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line.len = 0;
		fs_buf_printf(&line, "[%5llu.%06llu] ", usec / 1000000, usec % 1000000);
		fs_buf_add(&line, p, n);
		fs_klog_feed(k->scanner, line.data, line.len, k->records);
		p += n + (nl ? 1 : 0);
		/* A trailing newline does not make another (empty) line. */
	} while (p < end);
	fs_buf_free(&line);
	fs_buf_free(&text);
}

static void handle_record(struct fs_kmsg *k, const char *rec, size_t len)
{
	double ts;
	unsigned long long seq;
	const char *msg;
	size_t msg_len;
	k->records++;
	if (!fs_kmsg_parse_record(rec, len, &ts, &seq, &msg, &msg_len)) {
		fs_diags_add(k->diags, FS_SEV_WARNING, k->source, k->records,
			     "expected a record \"prio,seq,usec,flags;message\", got \"%.*s\"",
			     (int)(len < 60 ? len : 60), rec);
		return;
	}
	if (k->have_seq && seq > k->next_seq) {
		fs_diags_add(k->diags, FS_SEV_NOTE, k->source, k->records,
			     "%llu kernel-log records were overwritten before fragscope read them",
			     seq - k->next_seq);
	} else if (k->overrun) {
		fs_diags_add(k->diags, FS_SEV_NOTE, k->source, k->records,
			     "kernel-log records were overwritten before fragscope read them");
	}
	k->overrun = false;
	k->next_seq = seq + 1;
	k->have_seq = true;
	feed_message(k, ts, msg, msg_len);
}

/* Where the record starting at data ends: at a newline followed by
 * something other than a dictionary line's leading space. 0 when the
 * record is not complete yet (at_end: the data ends here for now). */
static size_t record_end(const char *data, size_t len, bool at_end)
{
	for (size_t i = 0; i < len; i++)
		if (data[i] == '\n' && (i + 1 < len ? data[i + 1] != ' ' : at_end))
			return i + 1;
	return 0;
}

/* Cut the complete records out of the pending stream. */
static void drain_stream(struct fs_kmsg *k, bool at_end)
{
	struct fs_buf *b = &k->pending;
	size_t pos = 0, n;
	while (pos < b->len && (n = record_end(b->data + pos, b->len - pos, at_end)) > 0) {
		handle_record(k, b->data + pos, n);
		pos += n;
	}
	if (pos > 0) {
		memmove(b->data, b->data + pos, b->len - pos);
		b->len -= pos;
		b->data[b->len] = '\0';
	}
	if (b->len > 4 * KMSG_RECORD_MAX) {
		/* No record boundary in 64 KiB: not a kmsg stream. Drop it. */
		k->records++;
		fs_diags_add(k->diags, FS_SEV_WARNING, k->source, k->records,
			     "expected kmsg records \"prio,seq,usec,flags;message\", got %zu bytes "
			     "without a record boundary", b->len);
		b->len = 0;
	}
}

struct fs_kmsg *fs_kmsg_open(const char *path, bool from_start, struct fs_report_list *out,
			     struct fs_diags *diags)
{
	const char *p = path ? path : "/dev/kmsg";
	int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fs_diags_add(diags, FS_SEV_ERROR, p, 0, "cannot open %s: %s", p, strerror(errno));
		return NULL;
	}
	struct stat st;
	bool chardev = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
	/* open() succeeds on a directory; the first read would fail with an errno
	 * that does not say what is wrong. */
	if (!chardev && S_ISDIR(st.st_mode)) {
		fs_diags_add(diags, FS_SEV_ERROR, p, 0, "is a directory: expected /dev/kmsg, or "
			     "a file or FIFO of kernel log records");
		close(fd);
		return NULL;
	}
	/* SEEK_END: the next read returns the first record logged after now.
	 * Without it the reader starts at the oldest record in the buffer. A
	 * FIFO cannot seek and has no past anyway. */
	if (!from_start && lseek(fd, 0, SEEK_END) < 0 && errno != ESPIPE) {
		fs_diags_add(diags, FS_SEV_ERROR, p, 0, "cannot seek to the end of %s: %s", p,
			     strerror(errno));
		close(fd);
		return NULL;
	}
	struct fs_kmsg *k = fs_xcalloc(1, sizeof(*k));
	k->fd = fd;
	k->stream = !chardev;
	fs_buf_init(&k->pending);
	k->source = fs_xstrdup(p);
	k->out = out;
	k->diags = diags;
	k->scanner = fs_klog_scanner_new(k->source, out, diags);
	return k;
}

int fs_kmsg_poll(struct fs_kmsg *k)
{
	size_t before = k->out->count;
	for (;;) {
		ssize_t n = read(k->fd, k->buf, KMSG_RECORD_MAX);
		if (n > 0) {
			if (k->stream) {
				fs_buf_add(&k->pending, k->buf, (size_t)n);
				drain_stream(k, false);
			} else {
				handle_record(k, k->buf, (size_t)n);
			}
			continue;
		}
		if (n == 0)
			break;     /* end of a file, or a FIFO without writer */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		if (errno == EPIPE) {
			k->overrun = true;
			continue;
		}
		fs_diags_add(k->diags, FS_SEV_ERROR, k->source, 0, "cannot read %s: %s", k->source,
			     strerror(errno));
		return -1;
	}
	if (k->stream)
		drain_stream(k, true);
	return (int)(k->out->count - before);
}

int fs_kmsg_fd(const struct fs_kmsg *k)
{
	return k->fd;
}

void fs_kmsg_flush(struct fs_kmsg *k)
{
	/* A saved stream may end without the record's newline. */
	if (k->stream && k->pending.len > 0) {
		handle_record(k, k->pending.data, k->pending.len);
		k->pending.len = 0;
	}
	fs_klog_finish(k->scanner);
}

void fs_kmsg_close(struct fs_kmsg *k)
{
	if (!k)
		return;
	fs_klog_scanner_free(k->scanner);
	close(k->fd);
	fs_buf_free(&k->pending);
	free(k->source);
	free(k);
}
