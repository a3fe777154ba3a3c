/*
 * source_child.c - a child process writing a capture stream to its stdout
 * (fragscope capture -o - on another machine through ssh or adb, later).
 *
 * The child runs in a session of its own (setsid): it has no controlling
 * terminal, so nothing it starts can read the keyboard or draw on the
 * screen the front end owns, and closing the source can end its whole
 * process group. stdin is /dev/null; stdout and stderr are non-blocking
 * pipes. Their fds and, where the kernel has pidfd_open, the child's pidfd
 * sit in one epoll set, the fd the front end waits on: it becomes readable
 * when either pipe has data or the child ends.
 *
 * stdout is split into documents as the capture reader does (a line
 * beginning "---" starts one, "..." ends it) and each is parsed as it
 * completes: the header first, then one frame per document, deltas applied
 * to the previous frame's snapshot. The stream is bounded (one document of
 * CHILD_MAX_DOCUMENT bytes); beyond that, or without a header, the child is
 * dropped. stderr lines become notes (CHILD_STDERR_LINES of them at most).
 *
 * Every frame that arrived stays readable without memory growing: the
 * newest CHILD_KEEP_FRAMES are kept parsed (a snapshot is some 50 KB), and
 * all of them are also appended to a spool, an unlinked capture file in
 * $TMPDIR (or /tmp) that the capture reader reads older frames back from
 * (reopened when it is asked for a frame it has not indexed yet). Without
 * a spool (no temporary file could be made, or writing it failed) only the
 * newest CHILD_KEEP_FRAMES stay readable, as for live.
 */
#include "source_priv.h"

#include "capture_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fragscope/util.h"

#define CHILD_KEEP_FRAMES 120
#define CHILD_MAX_DOCUMENT ((size_t)64 << 20)
#define CHILD_READ_CHUNK 65536
#define CHILD_READ_PER_POLL ((size_t)4 << 20)   /* then the front end gets a turn */
#define CHILD_STDERR_LINES 100
#define CHILD_STDERR_LINE_MAX 400
#define CHILD_STREAM_DIAGS 50   /* diagnostics about the stream, then silence */
#define CHILD_TERM_WAIT_MS 300  /* SIGTERM, then this long, then SIGKILL */
#define CHILD_NO_PIDFD_TIMEOUT_MS 200

struct child {
	pid_t pid;                 /* 0 once reaped */
	int out_fd, err_fd;        /* -1 once closed */
	int pid_fd;                /* -1 when none */
	int epoll_fd;
	struct src_ring ring;

	/* stdout: bytes not consumed yet; buf.data[0] is at stream offset base. */
	struct fs_buf out;
	size_t scan;               /* start of the first line not looked at */
	size_t searched;           /* no newline in out[scan .. searched) */
	unsigned long long received;   /* bytes of stdout in all */
	unsigned lineno;           /* number of that line, 1-based */
	bool in_doc;
	size_t doc_start;          /* offset in out of its "---" line */
	unsigned doc_line;
	bool junk_reported;        /* in the current gap between documents */
	bool have_header;
	struct fs_capture_header hdr;
	struct fs_snapshot *state; /* the last frame's snapshot: base of the next delta */
	size_t pos;                /* frame documents seen */
	unsigned stream_diags;
	int new_frames;            /* in the current poll */

	/* The spool: every frame, for reading back the ones the ring let go. */
	struct fs_capture_writer *spool;
	int spool_fd;              /* our own fd on the unlinked file */
	struct fs_capture_reader *spool_reader;

	/* stderr */
	struct fs_buf err;
	unsigned err_lines;
};

static struct child *child_of(const struct fs_source *s)
{
	return s->priv;
}

/* Diagnostics about the stream are bounded: a child writing nonsense for a
 * day must not push out the one that says how it ended. */
static struct fs_diags *stream_diags(struct fs_source *s, struct fs_diags *scratch)
{
	struct child *c = child_of(s);
	if (c->stream_diags < CHILD_STREAM_DIAGS)
		return &s->diags;
	return scratch;
}

/* After adding to used (what stream_diags gave): count, or drop. */
static void stream_diags_done(struct fs_source *s, struct fs_diags *used, size_t before)
{
	struct child *c = child_of(s);
	if (used != &s->diags) {
		fs_diags_clear(used);
		return;
	}
	size_t added = s->diags.count - before;
	c->stream_diags += (unsigned)added;
	if (added && c->stream_diags >= CHILD_STREAM_DIAGS)
		fs_diags_add(&s->diags, FS_SEV_NOTE, s->name, 0,
			     "further problems in the stream are not reported");
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Stop reading the child: what came stays readable. */
static void drop_stream(struct child *c)
{
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
	fs_buf_free(&c->out);
	c->scan = c->searched = 0;
	c->in_doc = false;
}

/* ---- The spool ---------------------------------------------------------- */

static void spool_close(struct child *c)
{
	if (c->spool)
		fs_capture_close(c->spool);
	c->spool = NULL;
	fs_capture_close_reader(c->spool_reader);
	c->spool_reader = NULL;
	close_fd(&c->spool_fd);
}

static void spool_lost(struct fs_source *s, const char *why)
{
	struct child *c = child_of(s);
	fs_diags_add(&s->diags, FS_SEV_NOTE, s->name, 0,
		     "only the newest %u frames stay readable: %s", CHILD_KEEP_FRAMES, why);
	spool_close(c);
	s->first = s->count > c->ring.cap ? s->count - c->ring.cap : 0;
}

static void spool_open(struct fs_source *s)
{
	struct child *c = child_of(s);
	const char *dir = getenv("TMPDIR");
	char path[4096], why[4200];
	snprintf(path, sizeof(path), "%s/fragscope-child-XXXXXX", dir && *dir ? dir : "/tmp");
	c->spool_fd = mkostemp(path, O_CLOEXEC);
	if (c->spool_fd < 0) {
		snprintf(why, sizeof(why), "cannot make a temporary file %s: %s", path,
			 strerror(errno));
		spool_lost(s, why);
		return;
	}
	/* Our own keyframes, whatever the child's interval: reading back an old
	 * frame parses at most that many documents. */
	struct fs_capture_header hdr = c->hdr;
	hdr.keyframe_interval = FS_CAPTURE_KEYFRAME_INTERVAL;
	struct fs_diags d = { 0 };
	c->spool = fs_capture_create(path, &hdr, &d);
	unlink(path);   /* gone with the last fd: nothing left behind */
	if (!c->spool) {
		snprintf(why, sizeof(why), "cannot write a temporary capture: %s",
			 d.count ? d.items[0].message : "unknown error");
		spool_lost(s, why);
	}
	fs_diags_clear(&d);
}

static void spool_append(struct fs_source *s, const struct fs_frame *f)
{
	struct child *c = child_of(s);
	if (!c->spool)
		return;
	int rc = fs_capture_append(c->spool, f);
	if (rc < 0) {
		char why[256];
		snprintf(why, sizeof(why), "cannot write the temporary capture: %s", strerror(-rc));
		spool_lost(s, why);
	}
}

static int spool_read(struct fs_source *s, size_t n, struct fs_frame *out)
{
	struct child *c = child_of(s);
	if (c->spool_reader && fs_capture_frame_count(c->spool_reader) <= n) {
		fs_capture_close_reader(c->spool_reader);
		c->spool_reader = NULL;
	}
	if (!c->spool_reader) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", c->spool_fd);
		c->spool_reader = fs_capture_open(path, NULL);
	}
	if (c->spool_reader && fs_capture_read_frame(c->spool_reader, n, out) == 0) {
		out->index = n;
		return 0;
	}
	fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, 0,
		     "frame %zu cannot be read back from the temporary capture", n);
	return -1;
}

/* ---- Documents ---------------------------------------------------------- */

static void take_header(struct fs_source *s, const char *text, size_t len, unsigned line)
{
	struct child *c = child_of(s);
	if (cap_parse_header(text, len, s->name, line, &c->hdr, &s->diags)) {
		c->have_header = true;
		spool_open(s);
		return;
	}
	fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, line,
		     "expected a capture stream (docs/capture-format.md) starting with its header; "
		     "not reading this child any further");
	drop_stream(c);
}

static void take_frame(struct fs_source *s, const char *text, size_t len, unsigned line)
{
	struct child *c = child_of(s);
	struct fs_diags scratch = { 0 };
	struct fs_diags *d = stream_diags(s, &scratch);
	size_t before = d->count;
	struct fs_frame f;
	fs_frame_init(&f);
	bool ok = cap_parse_frame(text, len, s->name, line, c->pos++, c->hdr.keyframe_interval,
				  &c->state, &f, d);
	stream_diags_done(s, d, before);
	if (!ok) {
		fs_frame_clear(&f);
		return;
	}
	f.index = s->count;
	f.snapshot = c->state ? fs_snapshot_clone(c->state) : NULL;
	spool_append(s, &f);
	src_ring_push(&c->ring, s, &f);
	if (c->spool)
		s->first = 0;   /* the older ones are in the spool */
	c->new_frames++;
}

static void take_document(struct fs_source *s, const char *text, size_t len, unsigned line)
{
	if (child_of(s)->have_header)
		take_frame(s, text, len, line);
	else
		take_header(s, text, len, line);
}

static void stream_note(struct fs_source *s, enum fs_severity sev, unsigned line,
			const char *message)
{
	struct fs_diags scratch = { 0 };
	struct fs_diags *d = stream_diags(s, &scratch);
	size_t before = d->count;
	fs_diags_add(d, sev, s->name, line, "%s", message);
	stream_diags_done(s, d, before);
}

static bool line_is(const char *p, size_t n, const char *marker)
{
	if (n < 3 || memcmp(p, marker, 3) != 0)
		return false;
	return n == 3 || p[3] == ' ' || p[3] == '\t' || p[3] == '\r';
}

/* One line of stdout, p[0..n) without its newline, at offset off of c->out. */
static void stream_line(struct fs_source *s, size_t off, size_t n)
{
	struct child *c = child_of(s);
	const char *p = c->out.data + off;
	if (line_is(p, n, "---")) {
		if (c->in_doc) {
			if (c->have_header)
				c->pos++;   /* the writer counted it; keyframes stay in step */
			stream_note(s, FS_SEV_WARNING, c->doc_line,
				    "document without its \"...\" end before the next \"---\"; "
				    "ignored");
		}
		c->in_doc = true;
		c->doc_start = off;
		c->doc_line = c->lineno;
		c->junk_reported = false;
	} else if (line_is(p, n, "...")) {
		if (c->in_doc) {
			c->in_doc = false;
			take_document(s, c->out.data + c->doc_start, off + 3 - c->doc_start,
				      c->doc_line);
		}
	} else if (!c->in_doc && n > 0 && p[0] != ' ' && p[0] != '\t' && p[0] != '\r' &&
		   p[0] != '#' && p[0] != '%' && !c->junk_reported) {
		stream_note(s, FS_SEV_WARNING, c->lineno,
			    "text outside a document: expected a capture stream "
			    "(\"---\", a document, \"...\"); ignored");
		c->junk_reported = true;
	}
}

/* Look at the complete lines that came; with at_end the last one too. */
static void stream_lines(struct fs_source *s, bool at_end)
{
	struct child *c = child_of(s);
	while (c->out_fd >= 0 && c->scan < c->out.len) {
		const char *start = c->out.data + c->scan;
		/* A long line comes in many reads: look at each byte once. */
		size_t from = c->searched > c->scan ? c->searched : c->scan;
		const char *nl = memchr(c->out.data + from, '\n', c->out.len - from);
		if (!nl && !at_end) {
			c->searched = c->out.len;
			break;
		}
		size_t n = nl ? (size_t)(nl - start) : c->out.len - c->scan;
		size_t off = c->scan;
		c->scan += n + (nl ? 1 : 0);
		stream_line(s, off, n);
		c->lineno++;
	}
}

/* Forget what was parsed: keep the open document or the partial line. */
static void stream_compact(struct fs_source *s)
{
	struct child *c = child_of(s);
	size_t keep = c->in_doc ? c->doc_start : c->scan;
	if (keep > 0) {
		memmove(c->out.data, c->out.data + keep, c->out.len - keep);
		c->out.len -= keep;
		c->out.data[c->out.len] = '\0';
		c->scan -= keep;
		c->searched = c->searched > keep ? c->searched - keep : 0;
		if (c->in_doc)
			c->doc_start = 0;
		if (c->out.len == 0 && c->out.cap > CHILD_READ_CHUNK * 16)
			fs_buf_free(&c->out);   /* after a large document */
	}
	if (c->out.len > CHILD_MAX_DOCUMENT) {
		fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, c->in_doc ? c->doc_line : c->lineno,
			     "more than %zu MiB in one %s: not reading this child any further",
			     CHILD_MAX_DOCUMENT >> 20, c->in_doc ? "document" : "line");
		drop_stream(c);
	}
}

static void stream_end(struct fs_source *s)
{
	struct child *c = child_of(s);
	stream_lines(s, true);
	if (c->out_fd < 0)
		return;   /* dropped meanwhile */
	if (c->in_doc)
		fs_diags_add(&s->diags, FS_SEV_NOTE, s->name, c->doc_line,
			     "the stream ended inside a document (a writer stopped mid-write); "
			     "ignored");
	else if (!c->have_header && c->received == 0)
		fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, 0,
			     "the child wrote nothing to stdout: expected a capture stream "
			     "(docs/capture-format.md)");
	else if (!c->have_header)
		fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, 0,
			     "the stream ended without a capture header: expected a capture "
			     "stream (docs/capture-format.md)");
	fs_buf_free(&c->out);
	c->scan = c->searched = 0;
	c->in_doc = false;
	close_fd(&c->out_fd);
}

/* ---- Reading the pipes -------------------------------------------------- */

/* Read what is there now into b (NULL: discard). 1 more may come, 0 end of
 * file, -1 error (noted). */
static int read_pipe(struct fs_source *s, int fd, struct fs_buf *b, size_t *budget)
{
	char chunk[CHILD_READ_CHUNK];
	while (*budget > 0) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			if (b)
				fs_buf_add(b, chunk, (size_t)n);
			if (b == &child_of(s)->out)
				child_of(s)->received += (unsigned long long)n;
			*budget = *budget > (size_t)n ? *budget - (size_t)n : 0;
			if (b == &child_of(s)->out) {
				stream_lines(s, false);
				if (child_of(s)->out_fd >= 0)
					stream_compact(s);
				if (child_of(s)->out_fd < 0)
					return -1;   /* dropped; said why */
			}
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 1;
		fs_diags_add(&s->diags, FS_SEV_ERROR, s->name, 0,
			     "cannot read the child's output: %s",
			     strerror(errno));
		return -1;
	}
	return 1;
}

static void poll_stdout(struct fs_source *s, size_t *budget)
{
	struct child *c = child_of(s);
	if (c->out_fd < 0)
		return;
	int rc = read_pipe(s, c->out_fd, &c->out, budget);
	if (rc == 0)
		stream_end(s);
	else if (rc < 0)
		drop_stream(c);
}

/* A line of stderr as a note: printable ASCII only, for the screen. */
static void stderr_line(struct fs_source *s, const char *p, size_t n)
{
	struct child *c = child_of(s);
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
		n--;
	if (n == 0)
		return;
	if (c->err_lines == CHILD_STDERR_LINES) {
		fs_diags_add(&s->diags, FS_SEV_NOTE, s->name, 0,
			     "the child wrote more to stderr; not shown");
		c->err_lines++;
	}
	if (c->err_lines > CHILD_STDERR_LINES)
		return;
	char line[CHILD_STDERR_LINE_MAX + 1];
	size_t k = n < CHILD_STDERR_LINE_MAX ? n : CHILD_STDERR_LINE_MAX;
	for (size_t i = 0; i < k; i++) {
		unsigned char ch = (unsigned char)p[i];
		line[i] = ch == '\t' || (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	line[k] = '\0';
	fs_diags_add(&s->diags, FS_SEV_NOTE, s->name, 0, "stderr: %s", line);
	c->err_lines++;
}

static void stderr_lines(struct fs_source *s, bool at_end)
{
	struct fs_buf *b = &child_of(s)->err;
	size_t pos = 0;
	while (pos < b->len) {
		const char *nl = memchr(b->data + pos, '\n', b->len - pos);
		size_t n = nl ? (size_t)(nl - (b->data + pos)) : b->len - pos;
		/* A line without end yet: wait for it, unless it is already long. */
		if (!nl && !at_end && n < CHILD_STDERR_LINE_MAX)
			break;
		stderr_line(s, b->data + pos, n);
		pos += n + (nl ? 1 : 0);
	}
	if (pos == 0)
		return;
	memmove(b->data, b->data + pos, b->len - pos);
	b->len -= pos;
	b->data[b->len] = '\0';
}

static void poll_stderr(struct fs_source *s, size_t *budget)
{
	struct child *c = child_of(s);
	if (c->err_fd < 0)
		return;
	int rc = read_pipe(s, c->err_fd, &c->err, budget);
	stderr_lines(s, rc <= 0);
	if (rc <= 0) {
		close_fd(&c->err_fd);
		fs_buf_free(&c->err);
	}
}

/* ---- The process -------------------------------------------------------- */

static void report_status(struct fs_source *s, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		fs_diags_add(&s->diags, FS_SEV_NOTE, s->name, 0, "the child exited (status 0)");
	else if (WIFEXITED(status))
		fs_diags_add(&s->diags, FS_SEV_WARNING, s->name, 0,
			     "the child exited with status %d",
			     WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fs_diags_add(&s->diags, FS_SEV_WARNING, s->name, 0,
			     "the child was killed by signal %d (%s)", WTERMSIG(status),
			     strsignal(WTERMSIG(status)));
}

static bool reap(struct fs_source *s, int flags)
{
	struct child *c = child_of(s);
	if (c->pid <= 0)
		return true;
	int status;
	pid_t r;
	do
		r = waitpid(c->pid, &status, flags);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	if (r == c->pid)
		report_status(s, status);
	else
		fs_diags_add(&s->diags, FS_SEV_NOTE, s->name, 0,
			     "the child ended; its exit status is not known (%s)", strerror(errno));
	c->pid = 0;
	close_fd(&c->pid_fd);
	return true;
}

static int child_poll(struct fs_source *s)
{
	struct child *c = child_of(s);
	c->new_frames = 0;
	size_t budget = CHILD_READ_PER_POLL;
	/* stderr first: what the child said comes before what we make of its stream. */
	poll_stderr(s, &budget);
	poll_stdout(s, &budget);
	if (c->pid > 0 && reap(s, WNOHANG)) {
		/* Everything it wrote is in the pipes now: take it, then stop
		 * (a process it left behind may hold them open). */
		size_t all = (size_t)-1;
		poll_stderr(s, &all);
		poll_stdout(s, &all);
		if (c->out_fd >= 0)
			stream_end(s);
		drop_stream(c);
		fs_buf_free(&c->err);
	}
	return c->new_frames;
}

static int child_fd(const struct fs_source *s)
{
	const struct child *c = child_of(s);
	return c->pid > 0 ? c->epoll_fd : -1;
}

static int child_timeout_ms(const struct fs_source *s)
{
	const struct child *c = child_of(s);
	if (c->pid <= 0)
		return -1;
	/* Without a pidfd the end of the child wakes nobody when it closed its
	 * pipes early (or left them to a process of its own): look now and then. */
	return c->pid_fd >= 0 ? -1 : CHILD_NO_PIDFD_TIMEOUT_MS;
}

static bool child_ended(const struct fs_source *s)
{
	return child_of(s)->pid <= 0;
}

static int child_read(struct fs_source *s, size_t n, struct fs_frame *out)
{
	struct child *c = child_of(s);
	if (s->count - n > c->ring.cap)
		return spool_read(s, n, out);
	src_frame_copy(out, src_ring_get(&c->ring, n));
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* SIGTERM to its process group, SIGKILL if it is still there shortly after. */
static void end_child(struct fs_source *s)
{
	struct child *c = child_of(s);
	if (c->pid <= 0)
		return;
	kill(-c->pid, SIGTERM);
	for (int waited = 0; waited < CHILD_TERM_WAIT_MS; waited += 10) {
		if (reap(s, WNOHANG))
			return;
		sleep_ms(10);
	}
	kill(-c->pid, SIGKILL);
	reap(s, 0);
}

static void child_close(struct fs_source *s)
{
	struct child *c = child_of(s);
	/* Closed pipes first: a child blocked writing gets EPIPE at once. */
	drop_stream(c);
	end_child(s);
	close_fd(&c->pid_fd);
	close_fd(&c->epoll_fd);
	fs_buf_free(&c->err);
	fs_snapshot_free(c->state);
	spool_close(c);
	src_ring_free(&c->ring);
	free(c);
}

static const struct fs_source_ops child_ops = {
	.fd = child_fd,
	.timeout_ms = child_timeout_ms,
	.poll = child_poll,
	.ended = child_ended,
	.read = child_read,
	.close = child_close,
};

/* ---- Starting it -------------------------------------------------------- */

/* Keep pipe ends off 0, 1 and 2 so that the dup2 calls in the child cannot
 * clobber one another (a parent started with stdio closed). */
static int above_stdio(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return moved;
}

static bool make_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return false;
	p[0] = above_stdio(p[0]);
	p[1] = above_stdio(p[1]);
	return p[0] >= 0 && p[1] >= 0;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void __attribute__((noreturn)) exec_child(char *const argv[], int out_w, int err_w,
						 int status_w)
{
	setsid();
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);   /* a front end may ignore it; the child must not */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(out_w, 1);
	dup2(err_w, 2);
	execvp(argv[0], argv);
	int e = errno;
	ssize_t w = write(status_w, &e, sizeof(e));
	(void)w;
	_exit(127);
}

/* "child:ssh host fragscope capture -o -", cut to a sensible length. */
static void child_name(char *const argv[], char *buf, size_t size)
{
	size_t len = (size_t)snprintf(buf, size, "child:");
	for (size_t i = 0; argv[i] && len + 1 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", argv[i]);
	if (len >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	long fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
		return (int)fd;
	}
#else
	(void)pid;
#endif
	return -1;
}

static bool watch(int epoll_fd, int fd)
{
	struct epoll_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = fd;
	return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

/* fork and exec; false (in diags) when it could not be started. */
static bool start(struct fs_source *s, char *const argv[], struct fs_diags *diags)
{
	struct child *c = child_of(s);
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, status[2] = { -1, -1 };
	if (!make_pipe(out) || !make_pipe(err) || !make_pipe(status)) {
		fs_diags_add(diags, FS_SEV_ERROR, s->name, 0, "cannot make pipes: %s",
			     strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fs_diags_add(diags, FS_SEV_ERROR, s->name, 0, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0)
		exec_child(argv, out[1], err[1], status[1]);
	close_fd(&out[1]);
	close_fd(&err[1]);
	close_fd(&status[1]);
	c->pid = pid;
	/* The status pipe closes on a successful exec, or says why not. */
	int e = 0;
	ssize_t n;
	do
		n = read(status[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close_fd(&status[0]);
	if (n == (ssize_t)sizeof(e)) {
		fs_diags_add(diags, FS_SEV_ERROR, s->name, 0, "cannot run %s: %s", argv[0],
			     strerror(e));
		waitpid(pid, NULL, 0);
		c->pid = 0;
		goto fail;
	}
	c->out_fd = out[0];
	c->err_fd = err[0];
	fcntl(c->out_fd, F_SETFL, fcntl(c->out_fd, F_GETFL) | O_NONBLOCK);
	fcntl(c->err_fd, F_SETFL, fcntl(c->err_fd, F_GETFL) | O_NONBLOCK);
	c->pid_fd = open_pidfd(pid);
	c->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epoll_fd < 0 || !watch(c->epoll_fd, c->out_fd) || !watch(c->epoll_fd, c->err_fd)) {
		fs_diags_add(diags, FS_SEV_ERROR, s->name, 0, "cannot watch the child's pipes: %s",
			     strerror(errno));
		return false;   /* the caller's close ends the child */
	}
	if (c->pid_fd >= 0 && !watch(c->epoll_fd, c->pid_fd))
		close_fd(&c->pid_fd);
	return true;
fail:
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&err[0]);
	close_fd(&err[1]);
	close_fd(&status[0]);
	close_fd(&status[1]);
	return false;
}

struct fs_source *fs_source_open_child(char *const argv[], struct fs_diags *diags)
{
	struct fs_diags scratch = { 0 };
	if (!diags)
		diags = &scratch;
	if (!argv || !argv[0] || !argv[0][0]) {
		fs_diags_add(diags, FS_SEV_ERROR, "child", 0, "no command to run");
		fs_diags_clear(&scratch);
		return NULL;
	}
	char name[256];
	child_name(argv, name, sizeof(name));
	struct fs_source *s = src_new(FS_SOURCE_CHILD, &child_ops, name);
	struct child *c = fs_xcalloc(1, sizeof(*c));
	s->priv = c;
	c->out_fd = c->err_fd = c->pid_fd = c->epoll_fd = c->spool_fd = -1;
	c->lineno = 1;
	fs_buf_init(&c->out);
	fs_buf_init(&c->err);
	src_ring_init(&c->ring, CHILD_KEEP_FRAMES);
	bool ok = start(s, argv, diags);
	fs_diags_clear(&scratch);
	if (!ok) {
		fs_source_close(s);
		return NULL;
	}
	return s;
}
