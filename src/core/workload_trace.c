/*
 * workload_trace.c - the `trace: FILE` action: an ftrace text trace
 * (mm_page_alloc / mm_page_free ...) replayed onto the engine at that
 * point of the workload, with fs_ftrace (include/fragscope/ftrace.h). The
 * traces are read when the run starts, so that a missing file is an error
 * before anything runs.
 *
 * The engine has one move hook, the run's. During the replay the replay's
 * hook is set instead and chains to the run's (fs_ftrace_replay_options
 * chain), so that both follow compaction and reclaim; the run is also told
 * of its allocations the replay frees as pre-trace memory (freed_other).
 * The replay sets the run's hook back when it is freed.
 */
#include "workload_run_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragscope/ftrace.h"
#include "fragscope/util.h"

struct wl_trace_state {
	struct fs_ftrace **traces;      /* [phase * max_actions + action], NULL when none */
	size_t nr;
	size_t stride;
};

bool wl_trace_bind(struct fs_workload_run *r, struct fs_diags *diags)
{
	const struct fs_workload *w = r->w;
	size_t stride = 0;
	bool any = false;
	for (size_t pi = 0; pi < w->nr_phases; pi++) {
		if (w->phases[pi].nr_actions > stride)
			stride = w->phases[pi].nr_actions;
		for (size_t ai = 0; ai < w->phases[pi].nr_actions; ai++)
			any |= w->phases[pi].actions[ai].kind == WL_TRACE;
	}
	if (!any)
		return true;
	struct wl_trace_state *t = fs_xcalloc(1, sizeof(*t));
	t->stride = stride;
	t->nr = w->nr_phases * stride;
	t->traces = fs_xcalloc(t->nr, sizeof(*t->traces));
	r->trace = t;
	bool ok = true;
	for (size_t pi = 0; pi < w->nr_phases; pi++)
		for (size_t ai = 0; ai < w->phases[pi].nr_actions; ai++) {
			const struct wl_action *a = &w->phases[pi].actions[ai];
			if (a->kind != WL_TRACE)
				continue;
			struct fs_diags local = { 0 };
			struct fs_ftrace *tr = fs_ftrace_load_file(a->path, &local);
			if (tr && fs_diags_count(&local, FS_SEV_ERROR) == 0) {
				t->traces[pi * stride + ai] = tr;
			} else {
				fs_diags_add(diags, FS_SEV_ERROR, w->source, a->line,
					     "trace: cannot use %s", a->path);
				fs_ftrace_free(tr);
				ok = false;
			}
			fs_diags_append(diags, &local);
			fs_diags_clear(&local);
		}
	return ok;
}

void wl_trace_run(struct fs_workload_run *r, size_t action, struct fs_workload_step *out)
{
	struct fs_ftrace *t = r->trace ? r->trace->traces[r->cur * r->trace->stride + action]
				       : NULL;
	if (!t)
		return;
	struct fs_ftrace_replay_options o;
	fs_ftrace_replay_options_default(&o);
	o.seed = r->seed;
	o.chain = wl_engine_moved;
	o.chain_ctx = r;
	o.freed_other = wl_taken_by_trace;
	struct fs_ftrace_summary s;
	fs_ftrace_replay_all(r->e, t, &o, &s);
	struct fs_workload_phase_outcome *po = r->phase_state.out;
	const char *path = r->phase->actions[action].path;
	if (po->nr_notes < 1000) {
		char buf[512];
		snprintf(buf, sizeof(buf), "trace %s: %llu events; %llu allocations (%llu failed "
			 "in the engine, %llu in the trace), %llu frees (%llu matched, %llu "
			 "reclaimed before, %llu stale)", path,
			 (unsigned long long)s.applied, (unsigned long long)s.allocs,
			 (unsigned long long)s.allocs_failed, (unsigned long long)s.trace_failed,
			 (unsigned long long)s.frees, (unsigned long long)s.frees_matched,
			 (unsigned long long)s.frees_reclaimed, (unsigned long long)s.frees_stale);
		po->notes = fs_xrealloc(po->notes, (po->nr_notes + 1) * sizeof(*po->notes));
		po->notes[po->nr_notes++] = fs_xstrdup(buf);
		fs_copy_str(out->last_op, sizeof(out->last_op), buf);
	}
	out->failures += s.allocs_failed;
}

void wl_trace_free(struct fs_workload_run *r)
{
	if (!r->trace)
		return;
	for (size_t i = 0; i < r->trace->nr; i++)
		fs_ftrace_free(r->trace->traces[i]);
	free(r->trace->traces);
	free(r->trace);
	r->trace = NULL;
}
