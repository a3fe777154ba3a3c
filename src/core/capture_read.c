/*
 * capture_read.c - reading captures: an index of document boundaries made
 * in one pass over the file, then parsing only the documents a seek needs.
 *
 * The writer never lets a line of a document body begin with "---" or "..."
 * (long text is double-quoted on one line), so a line that does is a
 * document boundary. The index keeps, for every document, the offset and
 * line of its "---" and the end of its "..." line; a document without the
 * latter was cut short. Frame n is rebuilt from the keyframe at or before it
 * plus the deltas up to n, and the last frame rebuilt is kept, so reading
 * frames in order parses one document each.
 */
#include "capture_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fragscope/frame.h"

#define SCAN_CHUNK (256u * 1024u)           /* bytes per read(2) while indexing */
#define MAX_DOCUMENTS 20000001u             /* 20M frames: 230 days at 1 Hz */
#define MAX_DOCUMENT_BYTES (256u << 20)     /* one document, as parsed */

struct cap_doc {
	uint64_t off;       /* of its "---" line */
	uint64_t end;       /* just after the "..." that ends it; 0 when none does */
	unsigned line;      /* of its "---" line */
	bool bad;           /* could not be read; already reported */
};

struct fs_capture_reader {
	char *source;
	int fd;                      /* -1 for a text in memory */
	const char *text;
	size_t text_len;
	struct fs_diags *diags;
	struct fs_diags own_diags;   /* when the caller gave none */
	struct fs_capture_header hdr;
	struct cap_doc *docs;        /* docs[0] is the header, docs[1 + n] frame n */
	size_t nr_docs, docs_cap;
	char *buf;                   /* a document read from fd */
	size_t buf_cap;
	/* The snapshot after frame state_pos, the base of the next delta. */
	bool have_state;
	size_t state_pos;
	struct fs_snapshot *state;   /* NULL: that frame has no snapshot */
};

/* ---- The index ---------------------------------------------------------- */

enum scan_where { SCAN_BEFORE, SCAN_IN_DOC, SCAN_BETWEEN };

struct scan {
	struct fs_capture_reader *r;
	uint64_t line_off;      /* offset of the current line */
	unsigned lineno;        /* its number, 1-based */
	char head[4];           /* its first bytes */
	size_t head_len;
	bool collecting;        /* head not complete yet */
	enum scan_where where;
	unsigned junk_line;     /* first stray line before the header, or 0 */
	bool junk_reported;     /* for the current gap between documents */
	bool full;              /* MAX_DOCUMENTS reached */
};

static bool head_is(const struct scan *sc, const char *marker)
{
	if (sc->head_len < 3 || memcmp(sc->head, marker, 3) != 0)
		return false;
	return sc->head_len == 3 || sc->head[3] == ' ' || sc->head[3] == '\t' ||
	       sc->head[3] == '\r';
}

/* The head of a line is known (4 bytes, or the whole line): classify it. */
static void scan_line(struct scan *sc)
{
	struct fs_capture_reader *r = sc->r;
	if (head_is(sc, "---")) {
		if (r->nr_docs >= MAX_DOCUMENTS) {
			if (!sc->full)
				fs_diags_add(r->diags, FS_SEV_WARNING, r->source, sc->lineno,
					     "more than %u frames; the rest are ignored",
					     MAX_DOCUMENTS - 1);
			sc->full = true;
			return;
		}
		fs_grow((void **)&r->docs, &r->docs_cap, r->nr_docs + 1, sizeof(*r->docs));
		r->docs[r->nr_docs++] = (struct cap_doc){ sc->line_off, 0, sc->lineno, false };
		sc->where = SCAN_IN_DOC;
		sc->junk_reported = false;
	} else if (head_is(sc, "...")) {
		if (sc->where == SCAN_IN_DOC)
			r->docs[r->nr_docs - 1].end = sc->line_off + 3;
		sc->where = sc->where == SCAN_BEFORE ? SCAN_BEFORE : SCAN_BETWEEN;
	} else if (sc->where != SCAN_IN_DOC && sc->head_len > 0 && sc->head[0] != ' ' &&
		   sc->head[0] != '\t' && sc->head[0] != '\r' && sc->head[0] != '#' &&
		   sc->head[0] != '%') {
		/* Text outside any document: garbage appended to the file, or
		 * not a capture at all (before the header). */
		if (sc->where == SCAN_BEFORE) {
			if (!sc->junk_line)
				sc->junk_line = sc->lineno;
		} else if (!sc->junk_reported && !sc->full) {
			fs_diags_add(r->diags, FS_SEV_WARNING, r->source, sc->lineno,
				     "text after the end of a document and before the next \"---\" "
				     "is ignored");
			sc->junk_reported = true;
		}
	}
}

static void scan_init(struct scan *sc, struct fs_capture_reader *r)
{
	memset(sc, 0, sizeof(*sc));
	sc->r = r;
	sc->lineno = 1;
	sc->collecting = true;
}

/* Feed the next bytes of the file; base is the offset of p[0]. */
static void scan_chunk(struct scan *sc, const char *p, size_t n, uint64_t base)
{
	size_t i = 0;
	while (i < n) {
		if (sc->collecting) {
			while (sc->head_len < 4 && i < n && p[i] != '\n')
				sc->head[sc->head_len++] = p[i++];
			if (sc->head_len < 4 && i == n)
				return;   /* the head goes on in the next chunk */
			scan_line(sc);
			sc->collecting = false;
		}
		const char *nl = memchr(p + i, '\n', n - i);
		if (!nl)
			return;
		i = (size_t)(nl - p) + 1;
		sc->lineno++;
		sc->line_off = base + i;
		sc->collecting = true;
		sc->head_len = 0;
	}
}

static void scan_finish(struct scan *sc)
{
	if (!sc->collecting || sc->head_len == 0)
		return;
	/* "-" or "--" at the very end: a writer stopped one or two bytes into
	 * a document. Complete the mark so that it counts as a cut document. */
	if (sc->where != SCAN_IN_DOC && sc->head_len < 3 &&
	    memcmp(sc->head, "---", sc->head_len) == 0) {
		memcpy(sc->head, "---", 3);
		sc->head_len = 3;
	}
	scan_line(sc);
}

/* After the scan: the header must come first, and a last document without
 * its "..." is what a writer killed mid-write leaves: drop it. */
static bool check_index(struct fs_capture_reader *r, const struct scan *sc, uint64_t size)
{
	if (size == 0) {
		fs_diags_add(r->diags, FS_SEV_ERROR, r->source, 0,
			     "empty file: expected a capture (\"---\" then \"%s: 1\")",
			     CAP_MAGIC_KEY);
		return false;
	}
	if (sc->junk_line || r->nr_docs == 0) {
		fs_diags_add(r->diags, FS_SEV_ERROR, r->source, sc->junk_line ? sc->junk_line : 1,
			     "not a fragscope capture: expected \"---\" and the header document "
			     "(\"%s: 1\")",
			     CAP_MAGIC_KEY);
		return false;
	}
	struct cap_doc *last = &r->docs[r->nr_docs - 1];
	if (!last->end) {
		if (r->nr_docs == 1) {
			fs_diags_add(r->diags, FS_SEV_ERROR, r->source, last->line,
				     "the capture header is incomplete (no \"...\" line ends it)");
			return false;
		}
		fs_diags_add(r->diags, FS_SEV_NOTE, r->source, last->line,
			     "the last frame (%zu) is incomplete, as a writer stopped mid-write "
			     "leaves it; ignored", r->nr_docs - 2);
		r->nr_docs--;
	}
	return true;
}

/* ---- Documents ---------------------------------------------------------- */

static const char *doc_text(struct fs_capture_reader *r, const struct cap_doc *d, size_t *len,
			    const char *what)
{
	uint64_t n = d->end - d->off;
	if (n > MAX_DOCUMENT_BYTES) {
		fs_diags_add(r->diags, FS_SEV_ERROR, r->source, d->line,
			     "%s: document of %llu bytes is larger than the %u MiB a capture "
			     "document may be",
			     what, (unsigned long long)n, MAX_DOCUMENT_BYTES >> 20);
		return NULL;
	}
	*len = (size_t)n;
	if (r->fd < 0)
		return r->text + d->off;
	if (r->buf_cap < n + 1) {
		free(r->buf);
		r->buf_cap = (size_t)n + 1;
		r->buf = fs_xmalloc(r->buf_cap);
	}
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(r->fd, r->buf + got, (size_t)n - got, (off_t)(d->off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			fs_diags_add(r->diags, FS_SEV_ERROR, r->source, d->line,
				     "%s: cannot read: %s", what,
				     k < 0 ? strerror(errno) : "the file became shorter");
			return NULL;
		}
		got += (size_t)k;
	}
	r->buf[n] = '\0';
	return r->buf;
}

bool cap_parse_header(const char *text, size_t len, const char *source, unsigned line0,
		      struct fs_capture_header *h, struct fs_diags *diags)
{
	memset(h, 0, sizeof(*h));
	h->meta.pageblock_order = -1;
	struct cap_in in;
	char key[64];
	bool ok = cap_in_open(&in, text, len, source, line0, "header", diags) &&
		  cap_in_map_begin(&in, "the capture header");
	if (ok && (!cap_in_key(&in, key, sizeof(key)) || !cap_in_key_is(key, CAP_MAGIC_KEY)))
		ok = cap_in_fail(&in,
				 "not a fragscope capture: expected \"%s: 1\" as the first key",
				 CAP_MAGIC_KEY);
	if (ok && cap_in_int(&in, CAP_MAGIC_KEY, 1, 1000000, &h->format_version) &&
	    h->format_version > FS_CAPTURE_FORMAT_VERSION)
		ok = cap_in_fail(&in, "capture format %d is newer than this fragscope reads (%d)",
				 h->format_version, FS_CAPTURE_FORMAT_VERSION);
	bool have_interval = false;
	while (ok && !in.failed && cap_in_key(&in, key, sizeof(key))) {
		uint64_t v;
		if (cap_in_key_is(key, "tool_version")) {
			ok = cap_in_strbuf(&in, key, h->tool_version, sizeof(h->tool_version));
		} else if (cap_in_key_is(key, "source")) {
			ok = cap_in_strbuf(&in, key, h->source, sizeof(h->source));
		} else if (cap_in_key_is(key, "start_time")) {
			ok = cap_in_double(&in, key, &h->start_time);
		} else if (cap_in_key_is(key, "keyframe_interval")) {
			ok = cap_in_u64(&in, key, &v);
			if (ok && (v == 0 || v > CAP_MAX_KEYFRAME_INTERVAL))
				ok = cap_in_fail(&in,
						 "keyframe_interval: expected 1 to %u, got %llu",
						 CAP_MAX_KEYFRAME_INTERVAL, (unsigned long long)v);
			h->keyframe_interval = (unsigned)v;
			have_interval = true;
		} else if (cap_in_key_is(key, "machine")) {
			ok = cap_dec_meta(&in, &h->meta);
		} else {
			ok = cap_in_unknown_key(&in, key, "the header");
		}
	}
	ok = ok && !in.failed && cap_in_close_document(&in);
	if (ok && !have_interval) {
		fs_diags_add(diags, FS_SEV_WARNING, source, line0,
			     "header: no keyframe_interval; assuming %d",
			     FS_CAPTURE_KEYFRAME_INTERVAL);
		h->keyframe_interval = FS_CAPTURE_KEYFRAME_INTERVAL;
	}
	cap_in_free(&in);
	return ok;
}

static bool parse_header(struct fs_capture_reader *r)
{
	size_t len;
	const char *text = doc_text(r, &r->docs[0], &len, "header");
	return text && cap_parse_header(text, len, r->source, r->docs[0].line, &r->hdr, r->diags);
}

/* ---- Opening -------------------------------------------------------------- */

static struct fs_capture_reader *reader_new(const char *source, struct fs_diags *diags)
{
	struct fs_capture_reader *r = fs_xcalloc(1, sizeof(*r));
	r->source = fs_xstrdup(source ? source : "(capture)");
	r->diags = diags ? diags : &r->own_diags;
	r->fd = -1;
	return r;
}

/* Index built: read the header, or give up. */
static struct fs_capture_reader *reader_ready(struct fs_capture_reader *r, const struct scan *sc,
					      uint64_t size)
{
	if (!check_index(r, sc, size) || !parse_header(r)) {
		fs_capture_close_reader(r);
		return NULL;
	}
	return r;
}

struct fs_capture_reader *fs_capture_open(const char *path, struct fs_diags *diags)
{
	struct fs_diags scratch = { 0 };
	struct fs_capture_reader *r = reader_new(path, diags ? diags : &scratch);
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	bool is_dir = false;
	if (r->fd < 0 || fstat(r->fd, &st) != 0 || (is_dir = S_ISDIR(st.st_mode))) {
		fs_diags_add(r->diags, FS_SEV_ERROR, path, 0, "cannot open capture: %s",
			     is_dir ? "it is a directory" : strerror(errno));
		fs_capture_close_reader(r);
		fs_diags_clear(&scratch);
		return NULL;
	}
	/* One pass in fixed chunks: memory stays at the chunk plus the index,
	 * whatever the size of the file. */
	char *chunk = fs_xmalloc(SCAN_CHUNK);
	struct scan sc;
	scan_init(&sc, r);
	uint64_t size = 0;
	bool failed = false;
	for (;;) {
		ssize_t n = read(r->fd, chunk, SCAN_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fs_diags_add(r->diags, FS_SEV_ERROR, path, sc.lineno,
				     "cannot read capture: %s", strerror(errno));
			failed = true;
			break;
		}
		if (n == 0)
			break;
		if (size == 0 && fs_looks_binary(chunk, (size_t)n)) {
			fs_diags_add(r->diags, FS_SEV_ERROR, path, 1,
				     "binary data, not a fragscope capture (a YAML text file)");
			failed = true;
			break;
		}
		scan_chunk(&sc, chunk, (size_t)n, size);
		size += (uint64_t)n;
		if (sc.full)
			break;
	}
	free(chunk);
	scan_finish(&sc);
	if (failed) {
		fs_capture_close_reader(r);
		fs_diags_clear(&scratch);
		return NULL;
	}
	r = reader_ready(r, &sc, size);
	if (r && r->diags == &scratch) {
		/* The caller wants no diagnostics; keep later ones inside. */
		r->diags = &r->own_diags;
	}
	fs_diags_clear(&scratch);
	return r;
}

struct fs_capture_reader *fs_capture_open_text(const char *text, size_t len, const char *source,
					       struct fs_diags *diags)
{
	struct fs_capture_reader *r = reader_new(source, diags);
	r->text = text;
	r->text_len = text ? len : 0;
	if (r->text_len && fs_looks_binary(text, len)) {
		fs_diags_add(r->diags, FS_SEV_ERROR, r->source, 1,
			     "binary data, not a fragscope capture (a YAML text file)");
		fs_capture_close_reader(r);
		return NULL;
	}
	struct scan sc;
	scan_init(&sc, r);
	scan_chunk(&sc, r->text, r->text_len, 0);
	scan_finish(&sc);
	return reader_ready(r, &sc, r->text_len);
}

const struct fs_capture_header *fs_capture_header(const struct fs_capture_reader *r)
{
	return &r->hdr;
}

size_t fs_capture_frame_count(const struct fs_capture_reader *r)
{
	return r->nr_docs - 1;
}

void fs_capture_close_reader(struct fs_capture_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	fs_snapshot_free(r->state);
	free(r->docs);
	free(r->buf);
	free(r->source);
	fs_diags_clear(&r->own_diags);
	free(r);
}

/* ---- Frames --------------------------------------------------------------- */

static void drop_state(struct fs_capture_reader *r)
{
	fs_snapshot_free(r->state);
	r->state = NULL;
	r->have_state = false;
}

static void set_state(struct fs_snapshot **state, struct fs_snapshot *s)
{
	fs_snapshot_free(*state);
	*state = s;
}

/* The snapshot part of frame pos: a full snapshot, null, or a delta on
 * *state, the snapshot of frame pos - 1. */
static bool apply_body(struct cap_in *in, size_t pos, unsigned keyframe_interval,
		       struct fs_snapshot **state, bool delta)
{
	if (!delta) {
		if (cap_in_is_null(in)) {
			set_state(state, NULL);
			return cap_in_next(in);
		}
		struct fs_snapshot *s = fs_snapshot_new();
		if (!cap_dec_snapshot(in, s)) {
			fs_snapshot_free(s);
			return false;
		}
		set_state(state, s);
		return true;
	}
	if (pos % keyframe_interval == 0)
		return cap_in_fail(in,
				   "expected a full snapshot (this is a keyframe), found a delta");
	if (!*state)
		return cap_in_fail(in, "a delta, but the previous frame has no snapshot");
	return cap_dec_delta(in, *state);
}

bool cap_parse_frame(const char *text, size_t len, const char *source, unsigned line0,
		     size_t pos, unsigned keyframe_interval, struct fs_snapshot **state,
		     struct fs_frame *out, struct fs_diags *diags)
{
	char ctx[48];
	snprintf(ctx, sizeof(ctx), "frame %zu", pos);
	struct cap_in in;
	char key[32];
	bool ok = cap_in_open(&in, text, len, source, line0, ctx, diags) &&
		  cap_in_map_begin(&in, "frame");
	bool have_body = false;
	while (ok && cap_in_key(&in, key, sizeof(key))) {
		uint64_t v;
		double t;
		bool delta = cap_in_key_is(key, "delta");
		if (cap_in_key_is(key, "frame")) {
			ok = cap_in_u64(&in, key, &v);
			if (out)
				out->index = (size_t)v;
		} else if (cap_in_key_is(key, "time")) {
			ok = cap_in_double(&in, key, &t);
			if (out)
				out->time = t;
		} else if (delta || cap_in_key_is(key, "snapshot")) {
			if (have_body)
				ok = cap_in_fail(&in,
						 "a frame has one \"snapshot\" or one \"delta\"");
			have_body = true;
			ok = ok && (state ? apply_body(&in, pos, keyframe_interval, state, delta)
					  : cap_in_skip(&in));
		} else if (cap_in_key_is(key, "events")) {
			ok = out ? cap_dec_reports(&in, &out->events) : cap_in_skip(&in);
		} else {
			ok = cap_in_unknown_key(&in, key, "frame");
		}
	}
	ok = ok && !in.failed;
	if (ok && !have_body)
		ok = cap_in_fail(&in, "expected \"snapshot\" or \"delta\" in the frame");
	ok = ok && cap_in_close_document(&in);
	cap_in_free(&in);
	/* A half-applied delta is no base for the next one. */
	if (!ok && state)
		set_state(state, NULL);
	return ok;
}

/* Parse the document of frame pos. With apply, update the state from it;
 * with out, fill its index, time and events. */
static bool decode_frame(struct fs_capture_reader *r, size_t pos, bool apply, struct fs_frame *out)
{
	struct cap_doc *d = &r->docs[pos + 1];
	if (!d->end) {
		fs_diags_add(r->diags, FS_SEV_ERROR, r->source, d->line,
			     "frame %zu is incomplete: no \"...\" line ends it before the next "
			     "\"---\"", pos);
		return false;
	}
	char ctx[48];
	snprintf(ctx, sizeof(ctx), "frame %zu", pos);
	size_t len;
	const char *text = doc_text(r, d, &len, ctx);
	if (!text)
		return false;
	return cap_parse_frame(text, len, r->source, d->line, pos, r->hdr.keyframe_interval,
			       apply ? &r->state : NULL, out, r->diags);
}

int fs_capture_read_frame(struct fs_capture_reader *r, size_t n, struct fs_frame *out)
{
	fs_frame_clear(out);
	size_t count = fs_capture_frame_count(r);
	if (n >= count) {
		fs_diags_add(r->diags, FS_SEV_ERROR, r->source, 0,
			     "frame %zu does not exist: the capture has %zu frames", n, count);
		return -1;
	}
	out->index = n;
	size_t key = n - n % r->hdr.keyframe_interval;
	size_t from = key;
	if (r->have_state && r->state_pos <= n && r->state_pos >= key) {
		if (r->state_pos == n) {
			/* Same frame again: only its events and time are needed. */
			if (!decode_frame(r, n, false, out)) {
				fs_frame_clear(out);
				return -1;
			}
			out->snapshot = r->state ? fs_snapshot_clone(r->state) : NULL;
			return 0;
		}
		from = r->state_pos + 1;
	} else {
		drop_state(r);
	}
	for (size_t p = from; p <= n; p++) {
		if (r->docs[p + 1].bad) {
			if (p == n)
				fs_diags_add(r->diags, FS_SEV_ERROR, r->source, r->docs[n + 1].line,
					     "frame %zu cannot be read: it is damaged", n);
			else
				fs_diags_add(r->diags, FS_SEV_ERROR, r->source, r->docs[n + 1].line,
					     "frame %zu cannot be read: frame %zu it builds on is "
					     "damaged",
					     n, p);
			drop_state(r);
			fs_frame_clear(out);
			return -1;
		}
		if (!decode_frame(r, p, true, p == n ? out : NULL)) {
			r->docs[p + 1].bad = true;
			if (p != n)
				fs_diags_add(r->diags, FS_SEV_ERROR, r->source, r->docs[n + 1].line,
					     "frame %zu cannot be read: frame %zu it builds on is "
					     "damaged",
					     n, p);
			drop_state(r);
			fs_frame_clear(out);
			return -1;
		}
		r->have_state = true;
		r->state_pos = p;
	}
	out->snapshot = r->state ? fs_snapshot_clone(r->state) : NULL;
	return 0;
}

bool fs_capture_detect(const char *text, size_t len)
{
	static const char magic[] = CAP_MAGIC_KEY ":";
	if (!text || len < 3 || memcmp(text, "---", 3) != 0)
		return false;
	size_t i = 3;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	return len - i >= sizeof(magic) - 1 && memcmp(text + i, magic, sizeof(magic) - 1) == 0;
}

bool fs_capture_file_detect(const char *path)
{
	char head[4096];
	if (strcmp(path, "-") == 0)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	return n > 0 && fs_capture_detect(head, (size_t)n);
}
