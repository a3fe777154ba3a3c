/*
 * trend.c - the trend panel's history and sparklines (see tui_trend.h).
 */
#include "fragscope/tui_trend.h"

#include <stdlib.h>
#include <string.h>

static const char *const counter_names[TUI_CTR_COUNT] = {
	"compact_stall", "compact_fail", "compact_success", "allocstall",
};

const char *tui_counter_name(enum tui_counter c)
{
	return c < TUI_CTR_COUNT ? counter_names[c] : "?";
}

void tui_trend_init(struct tui_trend *t)
{
	memset(t, 0, sizeof(*t));
	t->points = calloc(TUI_TREND_POINTS, sizeof(*t->points));
}

void tui_trend_free(struct tui_trend *t)
{
	free(t->points);
	memset(t, 0, sizeof(*t));
}

void tui_trend_reset(struct tui_trend *t)
{
	t->start = t->count = 0;
}

size_t tui_trend_count(const struct tui_trend *t)
{
	return t->count;
}

const struct tui_trend_point *tui_trend_at(const struct tui_trend *t, size_t i)
{
	if (!t->points || i >= t->count)
		return NULL;
	return &t->points[(t->start + i) % TUI_TREND_POINTS];
}

bool tui_trend_has(const struct tui_trend *t, size_t frame)
{
	const struct tui_trend_point *last = t->count ? tui_trend_at(t, t->count - 1) : NULL;
	return last && last->frame == frame;
}

static uint32_t clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void summarize_zone(const struct fs_zone *z, struct tui_trend_zone *out)
{
	memset(out, 0, sizeof(*out));
	out->known = true;
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		for (int o = 0; o < FS_MAX_ORDERS; o++)
			out->blocks[mt][o] = clamp32(z->mt_blocks[mt][o].value);
	for (int o = 0; o < FS_MAX_ORDERS; o++)
		out->order_blocks[o] = clamp32(z->order_blocks[o].value);
	out->free_pages = z->free_pages;
	out->wmark_min = z->wmark_min;
	out->wmark_low = z->wmark_low;
	out->wmark_high = z->wmark_high;
}

/* allocstall was split per zone in 4.10 (allocstall_dma32, _normal, _movable). */
static int64_t allocstall(const struct fs_stats *vm)
{
	int64_t v, sum = 0;
	bool any = false;
	if (fs_stats_get(vm, "allocstall", &v))
		return v;
	for (size_t i = 0; i < vm->count; i++)
		if (strncmp(vm->items[i].name, "allocstall_", 11) == 0) {
			sum += vm->items[i].value;
			any = true;
		}
	return any ? sum : -1;
}

void tui_trend_add(struct tui_trend *t, size_t frame, double time, const struct fs_snapshot *s)
{
	if (!t->points || !s)
		return;
	if (t->count) {
		const struct tui_trend_point *last = tui_trend_at(t, t->count - 1);
		if (frame <= last->frame)
			tui_trend_reset(t);
	}
	struct tui_trend_point *p;
	if (t->count < TUI_TREND_POINTS) {
		p = &t->points[(t->start + t->count) % TUI_TREND_POINTS];
		t->count++;
	} else {
		p = &t->points[t->start];
		t->start = (t->start + 1) % TUI_TREND_POINTS;
	}
	memset(p, 0, sizeof(*p));
	p->frame = frame;
	p->time = time;
	for (size_t z = 0; z < s->nr_zones && z < TUI_TREND_ZONES; z++)
		summarize_zone(&s->zones[z], &p->zone[z]);
	int64_t v;
	p->counter[TUI_CTR_COMPACT_STALL] = fs_stats_get(&s->vmstat, "compact_stall", &v) ? v : -1;
	p->counter[TUI_CTR_COMPACT_FAIL] = fs_stats_get(&s->vmstat, "compact_fail", &v) ? v : -1;
	p->counter[TUI_CTR_COMPACT_SUCCESS] =
		fs_stats_get(&s->vmstat, "compact_success", &v) ? v : -1;
	p->counter[TUI_CTR_ALLOCSTALL] = allocstall(&s->vmstat);
}

static size_t series_start(const struct tui_trend *t, size_t n, size_t *count)
{
	*count = n < t->count ? n : t->count;
	return t->count - *count;
}

size_t tui_trend_blocks_ge(const struct tui_trend *t, int zone, enum fs_mt mt, int order,
			   double *out, size_t n)
{
	size_t count, first = series_start(t, n, &count);
	if (zone < 0 || zone >= TUI_TREND_ZONES || order < 0 || order >= FS_MAX_ORDERS)
		return 0;
	for (size_t i = 0; i < count; i++) {
		const struct tui_trend_zone *z = &tui_trend_at(t, first + i)->zone[zone];
		double sum = 0;
		for (int o = order; o < FS_MAX_ORDERS; o++)
			sum += z->blocks[mt][o];
		out[i] = sum;
	}
	return count;
}

size_t tui_trend_free_pages(const struct tui_trend *t, int zone, double *out, size_t n)
{
	size_t count, first = series_start(t, n, &count);
	if (zone < 0 || zone >= TUI_TREND_ZONES)
		return 0;
	for (size_t i = 0; i < count; i++)
		out[i] = (double)tui_trend_at(t, first + i)->zone[zone].free_pages;
	return count;
}

size_t tui_trend_counter_delta(const struct tui_trend *t, enum tui_counter c, double *out,
			       size_t n)
{
	size_t count, first = series_start(t, n, &count);
	for (size_t i = 0; i < count; i++) {
		size_t at = first + i;
		int64_t cur = tui_trend_at(t, at)->counter[c];
		int64_t prev = at > 0 ? tui_trend_at(t, at - 1)->counter[c] : -1;
		out[i] = (cur >= 0 && prev >= 0 && cur >= prev) ? (double)(cur - prev) : 0;
	}
	return count;
}

size_t tui_sparkline(const double *values, size_t n, double max, bool utf8, char *out,
		     size_t out_size)
{
	static const char *const blocks[8] = {
		"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ramp[] = "_.-=+*#@";
	if (out_size == 0)
		return 0;
	/* max <= 0: scale from the series' minimum to its maximum, so that a
	 * list that moves between 180 and 185 blocks shows it; a flat series
	 * sits at mid height (or at the bottom when it is all zero). */
	double lo = 0;
	bool autoscale = max <= 0;
	if (autoscale && n > 0) {
		lo = max = values[0];
		for (size_t i = 1; i < n; i++) {
			lo = values[i] < lo ? values[i] : lo;
			max = values[i] > max ? values[i] : max;
		}
		if (lo > 0 && lo < max / 8)
			lo = 0;   /* close to zero anyway: keep zero as the floor */
	}
	size_t used = 0, chars = 0;
	for (size_t i = 0; i < n; i++) {
		int level = 0;
		if (max > lo && values[i] > lo) {
			level = (int)((values[i] - lo) / (max - lo) * 7.0 + 0.5);
			if (level < 1)
				level = 1;   /* anything at all is visibly above the floor */
			if (level > 7)
				level = 7;
		} else if (values[i] > 0 && max == lo) {
			level = 3;
		}
		const char *glyph = utf8 ? blocks[level] : (const char[]){ ramp[level], 0 };
		size_t len = strlen(glyph);
		if (used + len + 1 > out_size)
			break;
		memcpy(out + used, glyph, len);
		used += len;
		chars++;
	}
	out[used] = '\0';
	return chars;
}
