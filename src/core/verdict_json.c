/*
 * verdict_json.c - a verdict and a report explanation as json-c objects.
 * The schema is docs/verdict-json.md; conventions as docs/json-format.md
 * (pages, unknown left out, the kernel's names).
 */
#include "fragscope/verdict.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *j_str(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static void add_str_if(struct json_object *o, const char *key, const char *s)
{
	if (s && s[0])
		add(o, key, j_str(s));
}

static const char *outcome_key(enum fs_outcome o)
{
	switch (o) {
	case FS_OUTCOME_FAST: return "fast";
	case FS_OUTCOME_SLOW: return "slow";
	case FS_OUTCOME_DEPENDS: return "depends";
	case FS_OUTCOME_FAILS: return "fails";
	}
	return "fails";
}

static struct json_object *profile_json(const struct fs_verdict *v)
{
	struct json_object *o = json_object_new_object();
	if (v->profile) {
		add(o, "name", j_str(v->profile->name));
		add_str_if(o, "covers", v->profile->covers);
	}
	add(o, "guessed", json_object_new_boolean(v->profile_guessed));
	add(o, "why", j_str(v->profile_why));
	struct json_object *c = json_object_new_object();
	add(c, "cma", json_object_new_boolean(v->config.cma));
	add(c, "numa", json_object_new_boolean(v->config.numa));
	add(c, "kasan_hw_tags", json_object_new_boolean(v->config.kasan_hw_tags));
	add(c, "lockdep", json_object_new_boolean(v->config.lockdep));
	add(c, "slab_obj_ext", json_object_new_boolean(v->config.slab_obj_ext));
	add(o, "config", c);
	return o;
}

static struct json_object *flags_json(const struct fs_verdict *v, unsigned flags)
{
	char buf[256] = "";
	if (v->profile)
		fs_alloc_flags_format(v->profile, flags, buf, sizeof(buf));
	return j_str(buf);
}

static struct json_object *notes_json(const char *notes)
{
	struct json_object *a = json_object_new_array();
	const char *s = notes;
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n)
			json_object_array_add(a, json_object_new_string_len(s, (int)n));
		s = nl ? nl + 1 : s + n;
	}
	return a;
}

static struct json_object *meaning_json(const struct fs_verdict *v)
{
	const struct fs_gfp_meaning *m = &v->meaning;
	struct json_object *o = json_object_new_object();
	add_str_if(o, "highest_zone", m->highest_zone);
	add(o, "highest_zone_rank", json_object_new_int(m->highest_zone_rank));
	add(o, "migratetype", j_str(fs_mt_name(m->migratetype)));
	static const char *const names[] = {
		"can_sleep", "wakes_kswapd", "may_reclaim", "may_compact", "may_retry", "may_oom",
		"nofail", "uses_cma", "uses_reserves", "uses_highatomic", "no_watermarks", "warns",
	};
	const bool values[] = {
		m->can_sleep, m->wakes_kswapd, m->may_reclaim, m->may_compact, m->may_retry,
		m->may_oom, m->nofail, m->uses_cma, m->uses_reserves, m->uses_highatomic,
		m->no_watermarks, m->warns,
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		add(o, names[i], json_object_new_boolean(values[i]));
	add(o, "fast_flags", flags_json(v, m->fast_flags));
	add(o, "slow_flags", flags_json(v, m->slow_flags));
	add(o, "reserve_flags", flags_json(v, m->reserve_flags));
	struct json_object *mult = json_object_new_array();
	json_object_array_add(mult, json_object_new_int(m->min_mult_num));
	json_object_array_add(mult, json_object_new_int(m->min_mult_den));
	add(o, "min_multiplier", mult);
	add(o, "notes", notes_json(m->notes));
	return o;
}

static struct json_object *request_json(const struct fs_verdict *v)
{
	struct json_object *o = json_object_new_object();
	char hex[32];
	snprintf(hex, sizeof(hex), "%#" PRIx64, v->gfp);
	add(o, "gfp", j_str(hex));
	add(o, "gfp_value", json_object_new_int64((int64_t)v->gfp));
	add(o, "gfp_names", j_str(v->gfp_names));
	add(o, "order", json_object_new_int(v->order));
	add(o, "meaning", meaning_json(v));
	return o;
}

static struct json_object *step_json(const struct fs_step *s)
{
	struct json_object *o = json_object_new_object();
	add(o, "kind", j_str(fs_step_kind_name(s->kind)));
	add(o, "result", j_str(fs_step_result_name(s->result)));
	add_str_if(o, "phase", s->phase);
	add_str_if(o, "zone", s->zone);
	add(o, "title", j_str(s->title));
	add_str_if(o, "formula", s->formula);
	add_str_if(o, "detail", s->detail);
	bool has_margin = s->margin != 0 || fs_stats_get(&s->numbers, "margin", NULL);
	if (has_margin)
		add(o, "margin", json_object_new_int64(s->margin));
	struct json_object *n = json_object_new_object();
	for (size_t i = 0; i < s->numbers.count; i++)
		add(n, s->numbers.items[i].name, json_object_new_int64(s->numbers.items[i].value));
	add(o, "numbers", n);
	return o;
}

struct json_object *fs_verdict_to_json(const struct fs_verdict *v)
{
	struct json_object *o = json_object_new_object();
	add(o, "profile", profile_json(v));
	add(o, "request", request_json(v));
	add(o, "outcome", j_str(outcome_key(v->outcome)));
	add(o, "outcome_text", j_str(fs_outcome_name(v->outcome)));
	add(o, "exit_status", json_object_new_int(fs_outcome_exit_status(v->outcome)));
	add(o, "reason", j_str(v->reason));
	add(o, "change", j_str(v->change));
	add_str_if(o, "decisive_zone", v->decisive_zone);
	if (v->decisive_zone[0])
		add(o, "margin", json_object_new_int64(v->margin));
	if (v->suitable_blocks >= 0)
		add(o, "suitable_blocks", json_object_new_int64(v->suitable_blocks));
	add(o, "used_nonempty_only", json_object_new_boolean(v->used_nonempty_only));
	add(o, "uncertain", json_object_new_boolean(v->uncertain));
	struct json_object *steps = json_object_new_array();
	for (size_t i = 0; i < v->nr_steps; i++)
		json_object_array_add(steps, step_json(&v->steps[i]));
	add(o, "steps", steps);
	struct json_object *risks = json_object_new_array();
	for (size_t i = 0; i < v->nr_risks; i++)
		json_object_array_add(risks, j_str(v->risks[i]));
	add(o, "risks", risks);
	return o;
}

static struct json_object *report_json(const struct fs_report *r)
{
	struct json_object *o = json_object_new_object();
	add(o, "kind", j_str(r->kind == FS_REPORT_VMALLOC ? "vmalloc" : "page_alloc"));
	add(o, "first_line", json_object_new_int64(r->first_line));
	add(o, "last_line", json_object_new_int64(r->last_line));
	if (r->has_timestamp) {
		char s[64];
		snprintf(s, sizeof(s), "%.6f", r->timestamp);
		add(o, "timestamp", json_object_new_double_s(r->timestamp, s));
	}
	add_str_if(o, "wallclock", r->wallclock);
	add_str_if(o, "comm", r->comm);
	if (r->pid >= 0)
		add(o, "pid", json_object_new_int(r->pid));
	if (r->order >= 0)
		add(o, "order", json_object_new_int(r->order));
	if (r->has_mode) {
		char hex[32];
		snprintf(hex, sizeof(hex), "%#" PRIx64, r->mode);
		add(o, "mode", j_str(hex));
	}
	add_str_if(o, "mode_names", r->mode_names);
	add_str_if(o, "kernel_release", r->kernel_release);
	add_str_if(o, "message", r->message);
	return o;
}

struct json_object *fs_explanation_to_json(const struct fs_explanation *e,
					   const struct fs_report *report)
{
	struct json_object *o = json_object_new_object();
	if (report)
		add(o, "report", report_json(report));
	add(o, "has_state", json_object_new_boolean(e->has_state));
	add(o, "explains", json_object_new_boolean(e->explains));
	add(o, "summary", j_str(e->summary));
	add(o, "verdict", fs_verdict_to_json(&e->verdict));
	return o;
}
