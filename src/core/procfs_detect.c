/*
 * procfs_detect.c - guess what a text is from its first lines, so that the
 * user can point fragscope at any file without saying what it is.
 *
 * Containers first (a capture or a bugreport holds proc files and kernel
 * logs), then the proc files by their first line, then kernel logs by
 * their line prefixes or a warn_alloc report anywhere near the start.
 */
#include <string.h>

#include "fragscope/procfs.h"
#include "procfs_priv.h"

#define DETECT_LINES 200               /* lines looked at for section headers, prefixes */
#define DETECT_REPORT_BYTES (4u << 20) /* searched for a warn_alloc report */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_lower_name(char ch)
{
	return (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '_';
}

/* The first line that is not blank, trailing blanks dropped. */
static bool first_line(const char *text, size_t len, const char **line, size_t *line_len,
		       struct fs_lines *it)
{
	fs_lines_init(it, text, len);
	while (fs_lines_next(it, line, line_len)) {
		if (fs_blank(*line, *line_len))
			continue;
		while (*line_len && ((*line)[*line_len - 1] == ' ' ||
				     (*line)[*line_len - 1] == '\t'))
			(*line_len)--;
		return true;
	}
	return false;
}

/* "------ ZONEINFO (/proc/zoneinfo) ------" */
static bool is_section_header(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\r'))
		len--;
	return len > 14 && fs_starts_with(s, len, "------ ") &&
	       memcmp(s + len - 7, " ------", 7) == 0;
}

static bool is_bugreport(const char *text, size_t len)
{
	struct fs_lines it;
	const char *line;
	size_t line_len;

	if (fs_find(text, len < 4096 ? len : 4096, "== dumpstate:"))
		return true;
	fs_lines_init(&it, text, len);
	while (it.lineno < DETECT_LINES && fs_lines_next(&it, &line, &line_len))
		if (is_section_header(line, line_len))
			return true;
	return false;
}

/* "Node N, zone NAME": 1 alone on its line (zoneinfo), 2 followed by counts
 * (buddyinfo), 0 otherwise. */
static int zone_head(const char *line, size_t len)
{
	struct fs_cursor cur;
	const char *name;
	size_t name_len;
	uint64_t v;

	fs_cursor_init(&cur, line, len);
	if (!fs_plit(&cur, "Node") || fs_pnum(&cur, ",", &v) != FS_NUM_OK || !fs_plit(&cur, ",") ||
	    !fs_plit(&cur, "zone") || !fs_pname(&cur, &name, &name_len))
		return 0;
	if (fs_pend(&cur))
		return 1;
	return fs_pnum(&cur, NULL, &v) == FS_NUM_OK ? 2 : 0;
}

/* "nr_free_pages 914263" */
static bool is_vmstat_line(const char *line, size_t len)
{
	struct fs_cursor cur;
	size_t i = 0;
	uint64_t v;

	while (i < len && is_lower_name(line[i]))
		i++;
	if (i == 0 || i == len || line[i] != ' ')
		return false;
	fs_cursor_init(&cur, line + i, len - i);
	return fs_pnum(&cur, NULL, &v) == FS_NUM_OK && fs_pend(&cur);
}

/* "MemTotal:       24684092 kB" */
static bool is_meminfo_line(const char *line, size_t len)
{
	struct fs_cursor cur;
	size_t i = 0;
	uint64_t v;

	while (i < len && line[i] != ':' && line[i] != ' ')
		i++;
	if (i == 0 || i == len || line[i] != ':')
		return false;
	fs_cursor_init(&cur, line + i + 1, len - i - 1);
	return fs_pnum(&cur, NULL, &v) == FS_NUM_OK &&
	       (fs_pend(&cur) || (fs_plit(&cur, "kB") && fs_pend(&cur)));
}

/* "6.18.44-fc-v657", "4.19.176", "3.10.0-1160.el7.x86_64" */
static bool is_release(const char *line, size_t len)
{
	size_t i = 0;

	if (len == 0 || len >= 128)
		return false;
	while (i < len && is_digit(line[i]))
		i++;
	if (i == 0 || i + 1 >= len || line[i] != '.' || !is_digit(line[i + 1]))
		return false;
	for (; i < len; i++)
		if (line[i] == ' ' || line[i] == '\t' || (unsigned char)line[i] < 0x20)
			return false;
	return true;
}

/* True when nothing but blank lines follows (it is past the first line). */
static bool only_line(struct fs_lines *it)
{
	const char *line;
	size_t line_len;

	while (fs_lines_next(it, &line, &line_len))
		if (!fs_blank(line, line_len))
			return false;
	return true;
}

/* A kernel-log line prefix: "[  12.345678] ", "<4>", "[Mon Nov 25 ...] ",
 * syslog / journalctl "... kernel: ". */
static bool is_klog_line(const char *line, size_t len)
{
	if (len >= 3 && line[0] == '<' && is_digit(line[1]))
		return true;
	if (len >= 3 && line[0] == '[') {
		const char *close = memchr(line, ']', len < 64 ? len : 64);
		for (const char *p = line + 1; close && p < close; p++)
			if (is_digit(*p))
				return true;
	}
	return fs_find(line, len < 256 ? len : 256, " kernel: ") != NULL;
}

static bool has_report(const char *text, size_t len)
{
	size_t n = len < DETECT_REPORT_BYTES ? len : DETECT_REPORT_BYTES;

	return fs_find(text, n, "page allocation failure:") ||
	       fs_find(text, n, "vmalloc: allocation failure") ||
	       fs_find(text, n, "vmalloc error: size");
}

static enum fs_text_kind proc_kind(const char *line, size_t len, struct fs_lines *it)
{
	switch (zone_head(line, len)) {
	case 1:
		return FS_TEXT_ZONEINFO;
	case 2:
		return FS_TEXT_BUDDYINFO;
	}
	if (fs_starts_with(line, len, "Page block order:") ||
	    fs_starts_with(line, len, "Free pages count per migrate type"))
		return FS_TEXT_PAGETYPEINFO;
	if (is_meminfo_line(line, len))
		return FS_TEXT_MEMINFO;
	if (is_vmstat_line(line, len))
		return FS_TEXT_VMSTAT;
	if (is_release(line, len) && only_line(it))
		return FS_TEXT_UNAME;
	return FS_TEXT_UNKNOWN;
}

enum fs_text_kind fs_detect_text(const char *text, size_t len)
{
	struct fs_lines it;
	const char *line;
	size_t line_len;
	enum fs_text_kind kind;

	if (!text || len == 0 || fs_looks_binary(text, len))
		return FS_TEXT_UNKNOWN;
	if (fs_find(text, len < 512 ? len : 512, "fragscope-capture:"))
		return FS_TEXT_CAPTURE;
	if (is_bugreport(text, len))
		return FS_TEXT_BUGREPORT;
	if (!first_line(text, len, &line, &line_len, &it))
		return FS_TEXT_UNKNOWN;
	kind = proc_kind(line, line_len, &it);
	if (kind != FS_TEXT_UNKNOWN)
		return kind;
	if (is_klog_line(line, line_len) || has_report(text, len))
		return FS_TEXT_KERNEL_LOG;
	return FS_TEXT_UNKNOWN;
}

const char *fs_text_kind_name(enum fs_text_kind kind)
{
	switch (kind) {
	case FS_TEXT_UNKNOWN:
		return "unknown";
	case FS_TEXT_BUDDYINFO:
		return "buddyinfo";
	case FS_TEXT_PAGETYPEINFO:
		return "pagetypeinfo";
	case FS_TEXT_ZONEINFO:
		return "zoneinfo";
	case FS_TEXT_VMSTAT:
		return "vmstat";
	case FS_TEXT_MEMINFO:
		return "meminfo";
	case FS_TEXT_KERNEL_LOG:
		return "kernel log";
	case FS_TEXT_BUGREPORT:
		return "bugreport";
	case FS_TEXT_CAPTURE:
		return "capture";
	case FS_TEXT_UNAME:
		return "uname";
	}
	return "unknown";
}
