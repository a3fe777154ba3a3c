/*
 * heat.c - heatmap cell text and the request overlay (see tui_heat.h).
 * The overlay asks the kernel rules (krules.h) the same questions the
 * verdict does, so what the heatmap marks is what the verdict reasons.
 */
#include "fragscope/tui_heat.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fragscope/krules.h"

static const char *const cell_mode_names[TUI_CELL_MODES] = {
	"free blocks", "free pages", "share of free memory",
};

const char *tui_cell_mode_name(enum tui_cell_mode m)
{
	return m < TUI_CELL_MODES ? cell_mode_names[m] : "?";
}

/* v in at most width characters: plain, else with a k/M/G/T suffix. */
static void format_scaled(uint64_t v, const char *suffix_after, int width, char *out,
			  size_t out_size)
{
	static const char units[] = "kMGTPE";
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRIu64 "%s", v, suffix_after);
	if ((int)strlen(buf) <= width) {
		snprintf(out, out_size, "%s", buf);
		return;
	}
	double d = (double)v;
	for (int u = 0; units[u]; u++) {
		d /= 1000.0;
		/* one decimal when it fits and says something ("3.4M"), else none */
		if (d < 10.0) {
			snprintf(buf, sizeof(buf), "%.1f%c%s", d, units[u], suffix_after);
			if ((int)strlen(buf) <= width)
				break;
		}
		snprintf(buf, sizeof(buf), "%.0f%c%s", d, units[u], suffix_after);
		if ((int)strlen(buf) <= width)
			break;
	}
	snprintf(out, out_size, "%s", buf);
}

static void format_share(uint64_t part, uint64_t whole, int width, char *out, size_t out_size)
{
	double pct = whole ? 100.0 * (double)part / (double)whole : 0;
	char buf[16];
	if (part == 0)
		snprintf(buf, sizeof(buf), ".");
	else if (pct >= 9.95)
		snprintf(buf, sizeof(buf), "%.0f%%", pct);
	else
		snprintf(buf, sizeof(buf), "%.1f%%", pct);
	if ((int)strlen(buf) > width && pct < 9.95)
		snprintf(buf, sizeof(buf), "%.0f%%", pct < 1 ? 1.0 : pct);
	snprintf(out, out_size, "%s", buf);
}

void tui_format_count(struct fs_count c, uint64_t multiplier, uint64_t share_of, int width,
		      char *out, size_t out_size)
{
	if (width < 1)
		width = 1;
	switch (c.kind) {
	case FS_COUNT_NONE:
		snprintf(out, out_size, "?");
		return;
	case FS_COUNT_NONEMPTY:
		snprintf(out, out_size, "+");
		return;
	case FS_COUNT_EMPTY_KNOWN:
		snprintf(out, out_size, "-");
		return;
	default:
		break;
	}
	uint64_t v = c.value * (multiplier ? multiplier : 1);
	if (share_of > 0) {
		format_share(v, share_of, width, out, out_size);
		return;
	}
	if (v == 0 && c.kind == FS_COUNT_EXACT) {
		snprintf(out, out_size, ".");
		return;
	}
	format_scaled(v, c.kind == FS_COUNT_CAPPED ? "+" : "", width, out, out_size);
}

void tui_format_bytes(uint64_t pages, unsigned page_size, char *out, size_t out_size)
{
	static const char units[] = "KMGTPE";
	double v = (double)pages * (page_size ? page_size : 4096) / 1024.0;
	int u = 0;
	while (v >= 1024.0 && units[u + 1]) {
		v /= 1024.0;
		u++;
	}
	if (v < 10.0 && u > 0)
		snprintf(out, out_size, "%.1f%c", v, units[u]);
	else
		snprintf(out, out_size, "%.0f%c", v, units[u]);
}

uint64_t tui_cell_value(struct fs_count c, int order, enum tui_cell_mode mode)
{
	uint64_t v = c.kind == FS_COUNT_NONEMPTY && c.value == 0 ? 1 : c.value;
	if (c.kind == FS_COUNT_NONE || c.kind == FS_COUNT_EMPTY_KNOWN)
		return 0;
	return mode == TUI_CELL_BLOCKS ? v : v << order;
}

bool tui_zone_visible(const struct fs_zone *z)
{
	bool sized = z->known & (FS_ZK_PRESENT | FS_ZK_MANAGED);
	return !sized || z->present > 0 || z->managed > 0 || z->free_pages > 0;
}

static void note_crossed(struct tui_overlay *o, const char *text)
{
	size_t len = strlen(o->why_crossed);
	snprintf(o->why_crossed + len, sizeof(o->why_crossed) - len, "%s%s", len ? "; " : "",
		 text);
}

static void cross_unusable(struct tui_overlay *o, const struct fs_gfp_meaning *m)
{
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		if (!(o->usable_mts & (1u << mt)))
			o->crossed_mts |= 1u << mt;
	if (o->crossed_mts & (1u << FS_MT_CMA))
		note_crossed(o, "CMA: only movable requests that may use CMA");
	if ((o->crossed_mts & (1u << FS_MT_HIGHATOMIC)) && !m->uses_highatomic)
		note_crossed(o, "HighAtomic: reserved for high-priority atomic requests");
	if (o->crossed_mts & (1u << FS_MT_ISOLATE))
		note_crossed(o, "Isolate: being isolated, nobody allocates from it");
}

void tui_overlay_compute(const struct fs_verdict *v, const struct fs_snapshot *s,
			 const struct fs_zone *z, struct tui_overlay *out)
{
	memset(out, 0, sizeof(*out));
	out->target_order = out->target_mt = -1;
	if (!v || !v->profile || !z)
		return;
	const struct fs_gfp_meaning *m = &v->meaning;
	out->active = true;
	out->order = v->order;
	out->zone_allowed = fs_zone_type_rank(z->name) <= m->highest_zone_rank &&
			    fs_zone_type_rank(z->name) >= 0;
	if (!out->zone_allowed) {
		out->crossed_mts = (1u << FS_MT_COUNT) - 1;
		snprintf(out->why_crossed, sizeof(out->why_crossed),
			 "the mask may not use zone %s (highest: %s)", z->name, m->highest_zone);
		return;
	}
	enum fs_mt fallbacks[FS_MT_COUNT];
	int nr = fs_fallbacks(v->profile, m->migratetype, fallbacks);
	out->usable_mts = 1u << m->migratetype;
	for (int i = 0; i < nr; i++)
		out->usable_mts |= 1u << fallbacks[i];
	if (m->uses_cma)
		out->usable_mts |= 1u << FS_MT_CMA;
	else
		out->usable_mts &= ~(1u << FS_MT_CMA);
	if (m->uses_highatomic)
		out->usable_mts |= 1u << FS_MT_HIGHATOMIC;
	out->usable_mts &= ~(1u << FS_MT_ISOLATE);
	cross_unusable(out, m);

	struct fs_rules_zone rz;
	fs_rules_zone_from_snapshot(v->profile, s, z, &rz);
	struct fs_pick pick;
	unsigned flags = v->outcome == FS_OUTCOME_FAST ? m->fast_flags : m->slow_flags;
	if (fs_freelist_pick(v->profile, &rz, v->order, m->migratetype, flags, &pick) &&
	    pick.how != FS_PICK_NONE) {
		out->target_order = pick.order;
		out->target_mt = (int)pick.mt;
	}
}

enum tui_cell_mark tui_overlay_mark(const struct tui_overlay *o, enum fs_mt mt, int order)
{
	if (!o->active)
		return TUI_MARK_NONE;
	if (o->target_order == order && o->target_mt == (int)mt)
		return TUI_MARK_TARGET;
	if (order < o->order)
		return TUI_MARK_DIMMED;
	if (o->crossed_mts & (1u << mt))
		return TUI_MARK_CROSSED;
	if (o->usable_mts & (1u << mt))
		return TUI_MARK_USABLE;
	return TUI_MARK_NONE;
}
