/* diag.c - collecting diagnostics without printing them. */
#include "fragscope/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fragscope/util.h"

static char *vformat(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return fs_xstrdup("(unprintable message)");
	char *s = fs_xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

void fs_diags_add(struct fs_diags *d, enum fs_severity sev, const char *source, unsigned line,
		  const char *fmt, ...)
{
	if (d->count >= FS_DIAGS_MAX) {
		/* Keep the last slot for one summary line and drop the rest. */
		return;
	}
	fs_grow((void **)&d->items, &d->cap, d->count + 1, sizeof(*d->items));
	struct fs_diag *item = &d->items[d->count++];
	va_list ap;
	va_start(ap, fmt);
	item->message = vformat(fmt, ap);
	va_end(ap);
	item->severity = sev;
	item->source = fs_xstrdup(source ? source : "(input)");
	item->line = line;
	if (d->count == FS_DIAGS_MAX) {
		free(item->message);
		item->severity = FS_SEV_WARNING;
		item->line = 0;
		item->message = fs_xstrdup("too many problems; further ones are not reported");
	}
}

void fs_diags_append(struct fs_diags *dst, const struct fs_diags *src)
{
	for (size_t i = 0; i < src->count; i++) {
		const struct fs_diag *s = &src->items[i];
		fs_diags_add(dst, s->severity, s->source, s->line, "%s", s->message);
	}
}

size_t fs_diags_count(const struct fs_diags *d, enum fs_severity at_least)
{
	size_t n = 0;
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].severity >= at_least)
			n++;
	return n;
}

void fs_diags_clear(struct fs_diags *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->items[i].source);
		free(d->items[i].message);
	}
	free(d->items);
	d->items = NULL;
	d->count = d->cap = 0;
}

const char *fs_severity_name(enum fs_severity sev)
{
	switch (sev) {
	case FS_SEV_NOTE: return "note";
	case FS_SEV_WARNING: return "warning";
	case FS_SEV_ERROR: return "error";
	}
	return "?";
}
