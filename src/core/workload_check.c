/*
 * workload_check.c - a workload's checks, evaluated when their phase ends.
 *
 * An alloc check asks the request's outcome two ways: the verdict
 * (fs_verdict_run on fs_engine_snapshot(), what the tool would tell a user
 * looking at this state) and a trial (fs_engine_alloc on an fs_engine_clone,
 * what the simulated kernel does; the run itself is not changed). by: both,
 * the default, wants both to meet the expectation. Counter checks read the
 * snapshot (pageblocks, free pages, free lists), the engine's counters
 * (stat) or the workload's own tallies (failures, allocated, live).
 */
#include "workload_run_priv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/util.h"
#include "fragscope/verdict.h"

const struct wl_stat_name wl_stat_names[] = {
#define S(f) { #f, offsetof(struct fs_engine_stats, f) }
	S(allocs), S(alloc_fail), S(frees), S(alloc_fast), S(alloc_slow),
	S(alloc_after_reclaim), S(alloc_after_compaction), S(fallbacks), S(claims),
	S(highatomic_reserves), S(highatomic_unreserves), S(kswapd_runs), S(kswapd_reclaimed),
	S(direct_reclaimed), S(compact_stall), S(compact_fail), S(compact_success),
	S(compact_migrated),
#undef S
};
const size_t wl_nr_stat_names = sizeof(wl_stat_names) / sizeof(wl_stat_names[0]);

int wl_stat_from_name(const char *name)
{
	for (size_t i = 0; i < wl_nr_stat_names; i++)
		if (!strcmp(wl_stat_names[i].name, name))
			return (int)i;
	return -1;
}

uint64_t wl_stat_value(const struct fs_engine_stats *s, int stat)
{
	return *(const uint64_t *)((const char *)s + wl_stat_names[stat].off);
}

const char *fs_check_result_name(enum fs_check_result c)
{
	switch (c) {
	case FS_CHECK_PASS: return "PASS";
	case FS_CHECK_FAIL: return "FAIL";
	default: return "pending";
	}
}

/* ---- binding ---- */

static int find_group(const struct fs_workload_run *r, const char *name)
{
	for (size_t i = 0; i < r->nr_groups; i++)
		if (!strcmp(r->groups[i].name, name))
			return (int)i;
	return -1;
}

bool wl_checks_bind(struct fs_workload_run *r, struct fs_diags *diags)
{
	const struct fs_workload *w = r->w;
	size_t total = fs_workload_nr_checks(w);
	r->check_bound = fs_xcalloc(total ? total : 1, sizeof(*r->check_bound));
	bool ok = true;
	size_t k = 0;
	for (size_t pi = 0; pi < w->nr_phases; pi++) {
		const struct wl_phase *ph = &w->phases[pi];
		struct fs_workload_phase_outcome *o = &r->outcomes[pi];
		o->checks = fs_xcalloc(ph->nr_checks ? ph->nr_checks : 1, sizeof(*o->checks));
		o->nr_checks = ph->nr_checks;
		for (size_t ci = 0; ci < ph->nr_checks; ci++, k++) {
			const struct wl_check *c = &ph->checks[ci];
			struct wl_bound_check *b = &r->check_bound[k];
			struct fs_workload_check_outcome *co = &o->checks[ci];
			co->line = c->line;
			co->result = FS_CHECK_PENDING;
			b->group = -1;
			if (c->kind == WL_CHECK_REQUEST) {
				char unknown[256] = "";
				if (!fs_gfp_parse(fs_engine_profile(r->e), fs_engine_config(r->e),
						  c->gfp_text, &b->gfp, unknown, sizeof(unknown))) {
					fs_diags_add(diags, FS_SEV_ERROR, w->source, c->gfp_line,
						     "gfp mask \"%s\": %s not known to kernel profile "
						     "%s", c->gfp_text, unknown,
						     fs_engine_profile(r->e)->name);
					ok = false;
				}
			}
			if (c->kind == WL_CHECK_FAILURES || c->kind == WL_CHECK_ALLOCATED ||
			    c->kind == WL_CHECK_LIVE) {
				b->group = find_group(r, c->group);
				if (b->group < 0) {
					fs_diags_add(diags, FS_SEV_ERROR, w->source, c->line,
						     "no alloc action has group \"%s\"", c->group);
					ok = false;
				}
			}
		}
	}
	return ok;
}

/* ---- describing ---- */

/* snprintf into a fixed field meant for people: a cut is acceptable. */
__attribute__((format(printf, 3, 4)))
static size_t put(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : (size_t)n;
}

static const char *zone_label(const struct wl_zone_ref *z, char *buf, size_t size)
{
	if (!z->name[0])
		snprintf(buf, size, "all zones");
	else
		snprintf(buf, size, "Node %d %s", z->node, z->name);
	return buf;
}

static const char *const cmp_text[] = { "==", ">=", "<=", ">", "<" };
static const char *const wmark_names[] = { "min", "low", "high" };

static void describe(const struct wl_check *c, struct fs_workload_check_outcome *o)
{
	char zl[48], cmps[160] = "";
	zone_label(&c->zone, zl, sizeof(zl));
	for (int i = 0; i < c->nr_cmps; i++) {
		size_t l = strlen(cmps);
		const struct wl_cmp *m = &c->cmps[i];
		if (m->wmark >= 0)
			snprintf(cmps + l, sizeof(cmps) - l, "%s%s %s", i ? " and " : "",
				 cmp_text[m->op], wmark_names[m->wmark]);
		else
			snprintf(cmps + l, sizeof(cmps) - l, "%s%s %" PRId64, i ? " and " : "",
				 cmp_text[m->op], m->value);
	}
	static const char *const bys[] = { "verdict and trial", "verdict", "trial" };
	const char *scope = c->scope_run ? "in the run" : "in the phase";
	switch (c->kind) {
	case WL_CHECK_REQUEST:
		put(o->what, sizeof(o->what), "order-%d %s %s (%s)", c->order, c->gfp_text,
			 wl_expect_name(c->expect), bys[c->by]);
		break;
	case WL_CHECK_PAGEBLOCKS:
		put(o->what, sizeof(o->what), "%s pageblocks %s %s", zl, fs_mt_name(c->mt),
			 cmps);
		break;
	case WL_CHECK_FREE_PAGES:
		put(o->what, sizeof(o->what), "%s free pages %s", zl, cmps);
		break;
	case WL_CHECK_FREE_BLOCKS:
		put(o->what, sizeof(o->what), "%s free %s blocks of order >= %d %s", zl,
			 fs_mt_name(c->mt), c->order, cmps);
		break;
	case WL_CHECK_FREE_LIST_PAGES:
		put(o->what, sizeof(o->what), "%s pages on the free %s lists %s", zl,
			 fs_mt_name(c->mt), cmps);
		break;
	case WL_CHECK_STAT:
		put(o->what, sizeof(o->what), "%s %s %s", wl_stat_names[c->stat].name, scope,
			 cmps);
		break;
	case WL_CHECK_FAILURES:
		put(o->what, sizeof(o->what), "failed allocations of %s %s %s", c->group, scope,
			 cmps);
		break;
	case WL_CHECK_ALLOCATED:
		put(o->what, sizeof(o->what), "allocations of %s %s %s", c->group, scope, cmps);
		break;
	case WL_CHECK_LIVE:
		put(o->what, sizeof(o->what), "allocations of %s still allocated %s", c->group,
			 cmps);
		break;
	}
	fs_copy_str(o->name, sizeof(o->name), c->name[0] ? c->name : o->what);
}

/* ---- evaluating ---- */

static bool zone_matches(const struct fs_zone *z, const struct wl_zone_ref *ref)
{
	return !ref->name[0] || (z->node == ref->node && !strcmp(z->name, ref->name));
}

/* The snapshot value a counter check reads; false when its zone is absent. */
static bool snapshot_value(const struct fs_snapshot *s, const struct wl_check *c, int64_t *out,
			   const struct fs_zone **zone)
{
	int64_t v = 0;
	bool found = false;
	for (size_t i = 0; i < s->nr_zones; i++) {
		const struct fs_zone *z = &s->zones[i];
		if (!zone_matches(z, &c->zone))
			continue;
		found = true;
		*zone = z;
		switch (c->kind) {
		case WL_CHECK_PAGEBLOCKS:
			v += (int64_t)z->pageblocks[c->mt];
			break;
		case WL_CHECK_FREE_PAGES:
			v += (int64_t)z->free_pages;
			break;
		case WL_CHECK_FREE_BLOCKS:
			for (int o = c->order; o < FS_MAX_ORDERS; o++)
				v += (int64_t)z->mt_blocks[c->mt][o].value;
			break;
		case WL_CHECK_FREE_LIST_PAGES:
			for (int o = 0; o < FS_MAX_ORDERS; o++)
				v += (int64_t)(z->mt_blocks[c->mt][o].value << o);
			break;
		default:
			break;
		}
	}
	*out = v;
	return found;
}

static uint64_t group_tally(const struct fs_workload_run *r, const struct wl_check *c,
			    size_t phase, int group)
{
	if (c->kind == WL_CHECK_LIVE)
		return r->groups[group].live;
	uint64_t n = 0;
	for (size_t pi = c->scope_run ? 0 : phase; pi <= phase; pi++) {
		const struct fs_workload_phase_outcome *o = &r->outcomes[pi];
		for (size_t i = 0; i < o->nr_allocs; i++)
			if (!strcmp(o->allocs[i].group, r->groups[group].name))
				n += c->kind == WL_CHECK_FAILURES ? o->allocs[i].failed
								  : o->allocs[i].allocated;
	}
	return n;
}

static void eval_counter(struct fs_workload_run *r, size_t phase, const struct wl_check *c,
			 const struct wl_bound_check *b, const struct fs_snapshot *snap,
			 struct fs_workload_check_outcome *o)
{
	int64_t v = 0;
	const struct fs_zone *z = NULL;
	switch (c->kind) {
	case WL_CHECK_STAT: {
		struct fs_engine_stats now;
		fs_engine_stats(r->e, &now);
		v = (int64_t)wl_stat_value(&now, c->stat);
		if (!c->scope_run)
			v -= (int64_t)wl_stat_value(&r->phase_state.stats_before, c->stat);
		break;
	}
	case WL_CHECK_FAILURES:
	case WL_CHECK_ALLOCATED:
	case WL_CHECK_LIVE:
		v = (int64_t)group_tally(r, c, phase, b->group);
		break;
	default:
		if (!snapshot_value(snap, c, &v, &z)) {
			o->result = FS_CHECK_FAIL;
			put(o->detail, sizeof(o->detail), "no zone %s on node %d", c->zone.name,
				 c->zone.node);
			return;
		}
	}
	o->actual = v;
	bool pass = true;
	size_t l = 0;
	o->detail[0] = 0;
	for (int i = 0; i < c->nr_cmps; i++) {
		const struct wl_cmp *m = &c->cmps[i];
		int64_t want = m->value;
		char wname[48] = "";
		if (m->wmark >= 0) {
			/* free_pages only: the zone's own watermark */
			want = (int64_t)(m->wmark == FS_WMARK_MIN ? z->wmark_min
					 : m->wmark == FS_WMARK_LOW ? z->wmark_low : z->wmark_high);
			snprintf(wname, sizeof(wname), " (%s)", wmark_names[m->wmark]);
		}
		bool ok = m->op == WL_CMP_EQ ? v == want : m->op == WL_CMP_GE ? v >= want
			  : m->op == WL_CMP_LE ? v <= want : m->op == WL_CMP_GT ? v > want
			  : v < want;
		pass &= ok;
		l += put(o->detail + l, sizeof(o->detail) - l, "%s%" PRId64 " %s %"
				      PRId64 "%s%s", i ? "; " : "", v, cmp_text[m->op], want, wname,
				      ok ? "" : " is false");
		if (l >= sizeof(o->detail))
			l = sizeof(o->detail) - 1;
	}
	o->result = pass ? FS_CHECK_PASS : FS_CHECK_FAIL;
}

static bool outcome_meets(enum wl_expect e, enum fs_outcome got)
{
	switch (e) {
	case WL_EXPECT_SUCCEEDS: return got != FS_OUTCOME_FAILS;
	case WL_EXPECT_FAILS: return got == FS_OUTCOME_FAILS;
	case WL_EXPECT_FAST: return got == FS_OUTCOME_FAST;
	case WL_EXPECT_SLOW: return got == FS_OUTCOME_SLOW;
	case WL_EXPECT_DEPENDS: return got == FS_OUTCOME_DEPENDS;
	}
	return false;
}

static void eval_request(struct fs_workload_run *r, const struct wl_check *c,
			 const struct wl_bound_check *b, const struct fs_snapshot *snap,
			 struct fs_workload_check_outcome *o)
{
	bool pass = true;
	size_t l = 0;
	if (c->by != WL_BY_TRIAL) {
		struct fs_verdict_request vr = {
			.gfp = b->gfp, .order = c->order, .node = c->zone.node ? c->zone.node : -1,
			.profile = fs_engine_profile(r->e), .config = fs_engine_config(r->e),
		};
		struct fs_verdict v;
		fs_verdict_init(&v);
		fs_verdict_run(snap, &vr, &v);
		bool ok = outcome_meets(c->expect, v.outcome);
		pass &= ok;
		l += put(o->detail + l, sizeof(o->detail) - l, "verdict: %s%s: %s",
				      fs_outcome_name(v.outcome), ok ? "" : " (not as expected)",
				      v.reason);
		fs_verdict_clear(&v);
	}
	if (c->by != WL_BY_VERDICT && l < sizeof(o->detail)) {
		struct fs_engine *trial = fs_engine_clone(r->e);
		struct fs_alloc_request req = { .gfp = b->gfp, .order = c->order,
						.node = c->zone.node ? c->zone.node : -1,
						.kind = -1 };
		struct fs_alloc_result res;
		fs_alloc_result_init(&res);
		fs_engine_alloc(trial, &req, &res);
		/* The trial's outcome: FAILS unless it got a page. */
		enum fs_outcome got = res.ok ? res.outcome : FS_OUTCOME_FAILS;
		bool ok = outcome_meets(c->expect, got) && (c->expect != WL_EXPECT_FAILS || !res.ok);
		pass &= ok;
		l += put(o->detail + l, sizeof(o->detail) - l,
				      "%strial: %s (%s)%s%s%s", l ? "; " : "",
				      res.ok ? "allocated" : "failed", fs_engine_path_name(res.path),
				      ok ? "" : " (not as expected)", res.reason[0] ? ": " : "",
				      res.reason);
		fs_alloc_result_clear(&res);
		fs_engine_free(trial);
	}
	o->result = pass ? FS_CHECK_PASS : FS_CHECK_FAIL;
}

void wl_checks_run(struct fs_workload_run *r, size_t phase)
{
	const struct wl_phase *ph = &r->w->phases[phase];
	struct fs_workload_phase_outcome *po = &r->outcomes[phase];
	if (!ph->nr_checks)
		return;
	size_t k = 0;
	for (size_t pi = 0; pi < phase; pi++)
		k += r->w->phases[pi].nr_checks;
	struct fs_snapshot *snap = fs_engine_snapshot(r->e);
	po->checks_failed = 0;
	for (size_t ci = 0; ci < ph->nr_checks; ci++) {
		const struct wl_check *c = &ph->checks[ci];
		struct fs_workload_check_outcome *o = &po->checks[ci];
		describe(c, o);
		if (c->kind == WL_CHECK_REQUEST)
			eval_request(r, c, &r->check_bound[k + ci], snap, o);
		else
			eval_counter(r, phase, c, &r->check_bound[k + ci], snap, o);
		po->checks_failed += o->result == FS_CHECK_FAIL;
	}
	fs_snapshot_free(snap);
}
