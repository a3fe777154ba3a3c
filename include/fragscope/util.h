/*
 * util.h - small helpers shared by the core: checked allocation, line
 * iteration over a text buffer, bounded number parsing, growable strings.
 */
#ifndef FRAGSCOPE_UTIL_H
#define FRAGSCOPE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation failure is not an input problem: these abort with a message. */
void *fs_xmalloc(size_t n);
void *fs_xcalloc(size_t nmemb, size_t size);
void *fs_xrealloc(void *p, size_t n);
char *fs_xstrdup(const char *s);
char *fs_xstrndup(const char *s, size_t n);
/* Grow *items (element size elem) so that it holds at least need elements. */
void fs_grow(void **items, size_t *cap, size_t need, size_t elem);

/* Iterate the lines of a buffer that may contain NUL bytes, CR LF, and no
 * final newline. Lines are returned without their terminator. */
struct fs_lines {
	const char *text;
	size_t len, pos;
	unsigned lineno;    /* line number of the line last returned */
};
void fs_lines_init(struct fs_lines *it, const char *text, size_t len);
bool fs_lines_next(struct fs_lines *it, const char **line, size_t *line_len);

/* A cursor over one line. */
struct fs_cursor {
	const char *p, *end;
};
void fs_cursor_init(struct fs_cursor *c, const char *s, size_t len);
void fs_cursor_skip_space(struct fs_cursor *c);
bool fs_cursor_eol(const struct fs_cursor *c);
/* Consume literal (after skipping blanks when skip_space). */
bool fs_cursor_lit(struct fs_cursor *c, const char *literal);
/* Unsigned decimal; false on no digits or overflow (cursor then unchanged). */
bool fs_cursor_u64(struct fs_cursor *c, uint64_t *out);
/* Signed decimal. */
bool fs_cursor_i64(struct fs_cursor *c, int64_t *out);
/* Hexadecimal with optional 0x prefix. */
bool fs_cursor_hex(struct fs_cursor *c, uint64_t *out);
/* Value of a hexadecimal digit, or -1. */
int fs_hex_digit(char ch);
/* Copy as much of src as fits in dst[size], always terminated (for fixed
 * fields meant for people, where a cut is acceptable). */
void fs_copy_str(char *dst, size_t size, const char *src);
/* A run of non-blank characters: returns start and length. */
bool fs_cursor_word(struct fs_cursor *c, const char **w, size_t *wlen);

bool fs_starts_with(const char *s, size_t len, const char *prefix);
/* Find needle in s[0..len) (memmem without the GNU dependency). */
const char *fs_find(const char *s, size_t len, const char *needle);
/* True when the buffer looks like binary data (NUL bytes or many control
 * characters in its first KiB). */
bool fs_looks_binary(const char *text, size_t len);

/* Growable string. */
struct fs_buf {
	char *data;
	size_t len, cap;
};
void fs_buf_init(struct fs_buf *b);
void fs_buf_free(struct fs_buf *b);
void fs_buf_add(struct fs_buf *b, const char *s, size_t n);
void fs_buf_addc(struct fs_buf *b, char c);
void fs_buf_printf(struct fs_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Detach the NUL-terminated string; the buffer is reset. */
char *fs_buf_take(struct fs_buf *b);

/* Read a whole file (regular file, pipe or /proc file) up to max_bytes.
 * Returns 0, or -errno; on -EFBIG the first max_bytes were read. */
int fs_read_file(const char *path, size_t max_bytes, char **text, size_t *len);

#endif
