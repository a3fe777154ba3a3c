/*
 * procfs_counters.c - the flat counter files:
 *	/proc/vmstat   "nr_free_pages 914263"   (pages or events, %lu)
 *	/proc/meminfo  "MemFree:        24578636 kB", "HugePages_Total:       0"
 * Every counter goes into snap->vmstat / snap->meminfo under its printed
 * name; meminfo values stay in kB as printed (counts without a unit, like
 * HugePages_Total, as they are).
 */
#include <string.h>

#include "fragscope/procfs.h"
#include "procfs_priv.h"

static bool is_name_char(char ch, bool meminfo)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	    ch == '_')
		return true;
	return meminfo && (ch == '(' || ch == ')');   /* "Active(anon):" */
}

static const char *scan_name(struct fs_cursor *cur, bool meminfo, size_t *len)
{
	const char *name;

	fs_pend(cur);   /* skips leading blanks */
	name = cur->p;
	while (cur->p < cur->end && is_name_char(*cur->p, meminfo))
		cur->p++;
	*len = (size_t)(cur->p - name);
	return name;
}

static bool vmstat_line(struct fs_pctx *c, const char *line, size_t len)
{
	struct fs_cursor cur;
	const char *name;
	size_t name_len;
	uint64_t v;
	enum fs_num r;
	char q[64];

	fs_cursor_init(&cur, line, len);
	name = scan_name(&cur, false, &name_len);
	if (name_len == 0 || cur.p >= cur.end || (*cur.p != ' ' && *cur.p != '\t')) {
		fs_pctx_bad(c, "expected \"name N\", got \"%s\"", fs_quote(q, line, len));
		return false;
	}
	r = fs_pnum(&cur, NULL, &v);
	if (r != FS_NUM_OK || !fs_pend(&cur)) {
		fs_pctx_bad(c, "expected \"%s N\", got %s", fs_quote(q, name, name_len),
			    r == FS_NUM_OK ? "text after the number" : fs_num_problem(r));
		return false;
	}
	return fs_pstat(c, &c->snap->vmstat, name, name_len, v);
}

static bool meminfo_line(struct fs_pctx *c, const char *line, size_t len)
{
	struct fs_cursor cur;
	const char *name;
	size_t name_len;
	uint64_t v;
	enum fs_num r;
	char q[64], q2[64];

	fs_cursor_init(&cur, line, len);
	name = scan_name(&cur, true, &name_len);
	if (name_len == 0 || !fs_plit(&cur, ":")) {
		fs_pctx_bad(c, "expected \"Name: N kB\", got \"%s\"", fs_quote(q, line, len));
		return false;
	}
	r = fs_pnum(&cur, NULL, &v);
	if (r != FS_NUM_OK) {
		fs_pctx_bad(c, "expected \"%s: N [kB]\", got %s", fs_quote(q, name, name_len),
			    fs_num_problem(r));
		return false;
	}
	if (!fs_pend(&cur) && !(fs_plit(&cur, "kB") && fs_pend(&cur))) {
		fs_pctx_bad(c, "expected \"%s: N kB\", got an unknown unit in \"%s\"",
			    fs_quote(q, name, name_len), fs_quote(q2, line, len));
		return false;
	}
	return fs_pstat(c, &c->snap->meminfo, name, name_len, v);
}

static int parse_counters(struct fs_snapshot *snap, const char *text, size_t len,
			  const char *source, const char *kind, const char *expected,
			  bool (*take)(struct fs_pctx *, const char *, size_t))
{
	struct fs_pctx c;
	struct fs_lines it;
	const char *line;
	size_t line_len;
	int nr = 0;

	if (!fs_pctx_begin(&c, snap, text, len, source, kind))
		return 0;
	fs_lines_init(&it, text, len);
	while (fs_pctx_next(&c, &it, &line, &line_len))
		if (!fs_blank(line, line_len) && take(&c, line, line_len))
			nr++;
	return fs_pctx_end(&c, nr, expected);
}

int fs_parse_vmstat(struct fs_snapshot *snap, const char *text, size_t len, const char *source)
{
	return parse_counters(snap, text, len, source, "vmstat",
			      "lines \"name N\" such as \"nr_free_pages 914263\"", vmstat_line);
}

int fs_parse_meminfo(struct fs_snapshot *snap, const char *text, size_t len, const char *source)
{
	return parse_counters(snap, text, len, source, "meminfo",
			      "lines \"Name: N kB\" such as \"MemFree: 24578636 kB\"",
			      meminfo_line);
}
