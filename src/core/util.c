/* util.c - allocation, line iteration, bounded number parsing, buffers. */
#include "fragscope/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_of_memory(size_t n)
{
	fprintf(stderr, "fragscope: out of memory (%zu bytes)\n", n);
	abort();
}

void *fs_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *fs_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		out_of_memory(nmemb * size);
	return p;
}

void *fs_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *fs_xstrdup(const char *s)
{
	return fs_xstrndup(s, strlen(s));
}

char *fs_xstrndup(const char *s, size_t n)
{
	char *d = fs_xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void fs_grow(void **items, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	*items = fs_xrealloc(*items, ncap * elem);
	memset((char *)*items + *cap * elem, 0, (ncap - *cap) * elem);
	*cap = ncap;
}

void fs_lines_init(struct fs_lines *it, const char *text, size_t len)
{
	it->text = text;
	it->len = text ? len : 0;
	it->pos = 0;
	it->lineno = 0;
}

bool fs_lines_next(struct fs_lines *it, const char **line, size_t *line_len)
{
	if (it->pos >= it->len)
		return false;
	const char *start = it->text + it->pos;
	const char *nl = memchr(start, '\n', it->len - it->pos);
	size_t n = nl ? (size_t)(nl - start) : it->len - it->pos;
	it->pos += n + (nl ? 1 : 0);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	it->lineno++;
	*line = start;
	*line_len = n;
	return true;
}

void fs_cursor_init(struct fs_cursor *c, const char *s, size_t len)
{
	c->p = s;
	c->end = s + len;
}

void fs_cursor_skip_space(struct fs_cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

bool fs_cursor_eol(const struct fs_cursor *c)
{
	return c->p >= c->end;
}

bool fs_cursor_lit(struct fs_cursor *c, const char *literal)
{
	size_t n = strlen(literal);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, literal, n) != 0)
		return false;
	c->p += n;
	return true;
}

bool fs_cursor_u64(struct fs_cursor *c, uint64_t *out)
{
	const char *p = c->p;
	uint64_t v = 0;
	if (p >= c->end || !isdigit((unsigned char)*p))
		return false;
	while (p < c->end && isdigit((unsigned char)*p)) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		p++;
	}
	c->p = p;
	*out = v;
	return true;
}

bool fs_cursor_i64(struct fs_cursor *c, int64_t *out)
{
	struct fs_cursor save = *c;
	bool negative = false;
	if (c->p < c->end && (*c->p == '-' || *c->p == '+')) {
		negative = *c->p == '-';
		c->p++;
	}
	uint64_t v;
	if (!fs_cursor_u64(c, &v) || v > (uint64_t)INT64_MAX + (negative ? 1 : 0)) {
		*c = save;
		return false;
	}
	*out = negative ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

int fs_hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

bool fs_cursor_hex(struct fs_cursor *c, uint64_t *out)
{
	const char *p = c->p;
	if (c->end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	uint64_t v = 0;
	const char *digits = p;
	int d;
	while (p < c->end && (d = fs_hex_digit(*p)) >= 0) {
		if (v >> 60)
			return false;
		v = (v << 4) | (uint64_t)d;
		p++;
	}
	if (p == digits)
		return false;
	c->p = p;
	*out = v;
	return true;
}

void fs_copy_str(char *dst, size_t size, const char *src)
{
	if (size == 0)
		return;
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

bool fs_cursor_word(struct fs_cursor *c, const char **w, size_t *wlen)
{
	fs_cursor_skip_space(c);
	const char *start = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		c->p++;
	*w = start;
	*wlen = (size_t)(c->p - start);
	return *wlen > 0;
}

bool fs_starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

const char *fs_find(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return s;
	while (len >= n) {
		const char *hit = memchr(s, needle[0], len - n + 1);
		if (!hit)
			return NULL;
		if (memcmp(hit, needle, n) == 0)
			return hit;
		len -= (size_t)(hit - s) + 1;
		s = hit + 1;
	}
	return NULL;
}

bool fs_looks_binary(const char *text, size_t len)
{
	size_t n = len < 1024 ? len : 1024, odd = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == 0)
			return true;
		if (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t' && ch != 0x1b)
			odd++;
	}
	/* A few control bytes happen in real logs (escape codes, stray \b). */
	return n > 0 && odd * 20 > n;
}

void fs_buf_init(struct fs_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void fs_buf_free(struct fs_buf *b)
{
	free(b->data);
	fs_buf_init(b);
}

static void buf_reserve(struct fs_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap *= 2;
	b->data = fs_xrealloc(b->data, ncap);
	b->cap = ncap;
}

void fs_buf_add(struct fs_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void fs_buf_addc(struct fs_buf *b, char c)
{
	fs_buf_add(b, &c, 1);
}

void fs_buf_printf(struct fs_buf *b, const char *fmt, ...)
{
	va_list ap, copy;
	va_start(ap, fmt);
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n > 0) {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		b->len += (size_t)n;
	}
	va_end(ap);
}

char *fs_buf_take(struct fs_buf *b)
{
	char *s = b->data ? b->data : fs_xstrdup("");
	fs_buf_init(b);
	return s;
}

int fs_read_file(const char *path, size_t max_bytes, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct fs_buf b;
	fs_buf_init(&b);
	buf_reserve(&b, 4096);
	int rc = 0;
	for (;;) {
		if (b.len >= max_bytes) {
			rc = -EFBIG;
			break;
		}
		size_t room = b.cap - b.len - 1;
		if (room < 4096) {
			buf_reserve(&b, b.cap);
			room = b.cap - b.len - 1;
		}
		if (room > max_bytes - b.len)
			room = max_bytes - b.len;
		ssize_t n = read(fd, b.data + b.len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	close(fd);
	if (rc < 0 && rc != -EFBIG) {
		fs_buf_free(&b);
		return rc;
	}
	b.data[b.len] = '\0';
	*len = b.len;
	*text = b.data;
	return rc;
}
