/*
 * explain_text.c - a verdict as text for people: a header (input, kernel
 * profile and why, the request decoded), the steps the allocator takes
 * (phase, zone, result, check and its arithmetic), then the outcome, the
 * decisive reason, the margin, what would change it, the risk factors and
 * per zone the kernel's fragmentation measures for the requested order.
 * Labels sit in one column and values in the next, so it stays greppable.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "explain.h"
#include "fragscope/fragindex.h"
#include "fragscope/kprofile.h"

#define LABEL_W 10      /* "outcome   " */
#define WIDTH 100       /* wrap long sentences here */

/* Print text wrapped at WIDTH on blanks, continuation lines indented to
 * indent; the cursor is at column first_col when called. */
static void print_wrapped(FILE *out, const char *text, int first_col, int indent)
{
	int col = first_col;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t line_len = nl ? (size_t)(nl - p) : strlen(p);
		size_t room = col < WIDTH - 20 ? (size_t)(WIDTH - col) : 20;
		size_t take = line_len;
		if (take > room) {
			/* Cut at the last blank that fits, else at the first blank after. */
			size_t cut = room;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0) {
				cut = room;
				while (cut < line_len && p[cut] != ' ')
					cut++;
			}
			take = cut;
		}
		fwrite(p, 1, take, out);
		p += take;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
		if (*p) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		}
	}
	fputc('\n', out);
}

static void field(FILE *out, const char *label, const char *text)
{
	fprintf(out, "%-*s", LABEL_W, label);
	print_wrapped(out, text, LABEL_W, LABEL_W);
}

static void format_time(char *buf, size_t size, double t, enum fs_time_base base)
{
	if (base == FS_TIME_EPOCH) {
		time_t secs = (time_t)t;
		struct tm tm;
		if (localtime_r(&secs, &tm) && strftime(buf, size, "%Y-%m-%d %H:%M:%S %z", &tm))
			return;
		snprintf(buf, size, "%.3f", t);
	} else if (base == FS_TIME_BOOT) {
		snprintf(buf, size, "%.6f s after boot", t);
	} else {
		snprintf(buf, size, "%.6f", t);
	}
}

static void print_origin(FILE *out, const struct explain_origin *o, const struct fs_report *r)
{
	fprintf(out, "=== %s", o->input ? o->input : "(input)");
	if (o->nr_frames)
		fprintf(out, ", frame %zu (0..%zu)", o->frame_index, o->nr_frames - 1);
	if (o->report_index)
		fprintf(out, ", report %zu", o->report_index);
	if (r && r->first_line)
		fprintf(out, " (lines %u-%u)", r->first_line, r->last_line);
	fputc('\n', out);
}

/* The warn_alloc header the report printed: the request, then who and when. */
static void print_failure(FILE *out, const struct fs_report *r)
{
	char buf[768], when[96];
	size_t n = 0;
	if (r->kind == FS_REPORT_VMALLOC)
		field(out, "failure", r->message[0] ? r->message : "vmalloc (no text)");
	if (r->order >= 0)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "order %d", r->order);
	else
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "order not printed");
	if (r->has_mode && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ", mode %#" PRIx64 "%s%s%s", r->mode,
			 r->mode_names[0] ? " (" : "", r->mode_names, r->mode_names[0] ? ")" : "");
	field(out, r->kind == FS_REPORT_VMALLOC ? "" : "failure", buf);

	n = (size_t)snprintf(buf, sizeof(buf), "task %s", r->comm[0] ? r->comm : "(unknown)");
	if (r->pid >= 0 && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " pid %d", r->pid);
	if (r->has_timestamp && n < sizeof(buf)) {
		format_time(when, sizeof(when), r->timestamp, r->time_base);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ", %s", when);
	}
	if (r->wallclock[0] && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ", %s", r->wallclock);
	field(out, "", buf);
}

static void print_kernel(FILE *out, const struct fs_verdict *v, const char *release)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s: profile %s%s (%s)",
		 release && release[0] ? release : "release unknown",
		 v->profile ? v->profile->name : "?",
		 v->profile_guessed ? ", guessed" : "",
		 v->profile_why[0] ? v->profile_why : "no reason given");
	field(out, "kernel", buf);
}

/* What the mask means, in a few words per capability. */
static void print_meaning(FILE *out, const struct fs_verdict *v)
{
	const struct fs_gfp_meaning *m = &v->meaning;
	char buf[1024];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%s, zones up to %s; ",
				    fs_mt_name(m->migratetype),
				    m->highest_zone ? m->highest_zone : "?");
	struct {
		bool on;
		const char *yes, *no;
	} caps[] = {
		{ m->can_sleep, "may sleep", "may not sleep" },
		{ m->wakes_kswapd, "wakes kswapd", "no kswapd" },
		{ m->may_reclaim, "reclaim", "no reclaim" },
		{ m->may_compact, "compaction", "no compaction" },
		{ m->may_retry, "retries", "no retry" },
		{ m->may_oom, "may OOM-kill", "no OOM" },
		{ m->nofail, "never fails (NOFAIL)", NULL },
		{ m->uses_cma, "may use CMA", "no CMA" },
		{ m->uses_highatomic, "may use HighAtomic", NULL },
		{ m->no_watermarks, "ignores watermarks", NULL },
		{ m->warns, "warns on failure", "no warning (NOWARN)" },
	};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]) && n < sizeof(buf); i++) {
		const char *s = caps[i].on ? caps[i].yes : caps[i].no;
		if (s)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s, ", s);
	}
	if (m->uses_reserves && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "reserves (slow-path min x %d/%d), ", m->min_mult_num,
				      m->min_mult_den);
	if (n >= 2 && n < sizeof(buf))
		buf[n - 2] = '\0';      /* the last ", " */
	fprintf(out, "%*s", LABEL_W, "");
	print_wrapped(out, buf, LABEL_W, LABEL_W);

	if (v->profile) {
		char fast[256], slow[256];
		fs_alloc_flags_format(v->profile, m->fast_flags, fast, sizeof(fast));
		fs_alloc_flags_format(v->profile, m->slow_flags | m->reserve_flags, slow,
				      sizeof(slow));
		snprintf(buf, sizeof(buf),
			 "fast path at the low watermark: %s; slow path at min: %s",
			 fast[0] ? fast : "none", slow[0] ? slow : "none");
		field(out, "flags", buf);
	}
	if (m->notes[0])
		field(out, "notes", m->notes);
}

static void print_request(FILE *out, const struct explain_origin *o, const struct fs_verdict *v)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "order %d, %s (%#" PRIx64 ")%s%s", v->order,
		 v->gfp_names[0] ? v->gfp_names : "no flags", v->gfp,
		 o->request_note ? ": " : "", o->request_note ? o->request_note : "");
	field(out, "request", buf);
	print_meaning(out, v);
}

static void print_steps(FILE *out, const struct fs_verdict *v)
{
	int phase_w = 5, zone_w = 4, result_w = 6;
	size_t shown = 0;
	for (size_t i = 0; i < v->nr_steps; i++) {
		const struct fs_step *s = &v->steps[i];
		if (s->kind == FS_STEP_REQUEST)
			continue;
		shown++;
		int n = (int)strlen(s->phase);
		phase_w = n > phase_w ? n : phase_w;
		n = (int)strlen(s->zone);
		zone_w = n > zone_w ? n : zone_w;
		n = (int)strlen(fs_step_result_name(s->result));
		result_w = n > result_w ? n : result_w;
	}
	if (shown == 0)
		return;
	int check_col = LABEL_W + phase_w + 2 + zone_w + 2 + result_w + 2;
	fprintf(out, "%-*s%-*s  %-*s  %-*s  %s\n", LABEL_W, "steps", phase_w, "phase", zone_w,
		"zone", result_w, "result", "check");
	for (size_t i = 0; i < v->nr_steps; i++) {
		const struct fs_step *s = &v->steps[i];
		/* The header lines already say what the request step says. */
		if (s->kind == FS_STEP_REQUEST)
			continue;
		fprintf(out, "%*s%-*s  %-*s  %-*s  ", LABEL_W, "", phase_w,
			s->phase[0] ? s->phase : "-", zone_w, s->zone[0] ? s->zone : "-",
			result_w, fs_step_result_name(s->result));
		print_wrapped(out, s->title[0] ? s->title : fs_step_kind_name(s->kind), check_col,
			      check_col + 2);
		if (s->formula[0] && strcmp(s->formula, s->title) != 0) {
			fprintf(out, "%*s", check_col + 2, "");
			print_wrapped(out, s->formula, check_col + 2, check_col + 4);
		}
		/* The words only where the step is not a plain pass. */
		if (s->detail[0] && (s->result == FS_STEP_FAIL || s->result == FS_STEP_UNCERTAIN ||
				     s->kind == FS_STEP_NOTE)) {
			fprintf(out, "%*s", check_col + 2, "");
			print_wrapped(out, s->detail, check_col + 2, check_col + 2);
		}
	}
}

static void print_margin(FILE *out, const struct fs_verdict *v)
{
	char buf[256];
	if (!v->decisive_zone[0] && v->margin == 0 && v->suitable_blocks < 0)
		return;         /* nothing was checked (no state) */
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%+" PRId64 " pages", v->margin);
	if (v->decisive_zone[0])
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " (%s)", v->decisive_zone);
	if (v->suitable_blocks >= 0)
		snprintf(buf + n, sizeof(buf) - n, "; %" PRId64 " free block%s of order >= %d "
			 "the request may use", v->suitable_blocks,
			 v->suitable_blocks == 1 ? "" : "s", v->order);
	else
		snprintf(buf + n, sizeof(buf) - n, "; usable free blocks of order >= %d not known",
			 v->order);
	field(out, "margin", buf);
}

static void print_fragmentation(FILE *out, const struct fs_snapshot *snap, int order)
{
	if (!snap || snap->nr_zones == 0 || order < 0)
		return;
	char label[24];
	snprintf(label, sizeof(label), "order %d", order);
	int zone_w = 4;
	char names[64][48];
	size_t nr = snap->nr_zones < 64 ? snap->nr_zones : 64;
	for (size_t i = 0; i < nr; i++) {
		snprintf(names[i], sizeof(names[i]), "Node %d %s", snap->zones[i].node,
			 snap->zones[i].name);
		int n = (int)strlen(names[i]);
		zone_w = n > zone_w ? n : zone_w;
	}
	fprintf(out, "%-*s%-*s  %13s  %8s\n", LABEL_W, label, zone_w, "zone", "fragmentation",
		"unusable");
	bool inexact = false;
	for (size_t i = 0; i < nr; i++) {
		const struct fs_zone *z = &snap->zones[i];
		if (!z->populated)
			continue;
		char fi[8], ui[8];
		bool e1 = true, e2 = true;
		fs_index_format(fs_fragmentation_index(z, order, &e1), fi);
		fs_index_format(fs_unusable_index(z, order, &e2), ui);
		fprintf(out, "%*s%-*s  %12s%c  %7s%s\n", LABEL_W, "", zone_w, names[i], fi,
			e1 ? ' ' : '~', ui, e2 ? "" : "~");
		inexact |= !e1 || !e2;
	}
	if (snap->nr_zones > nr)
		fprintf(out, "%*s(%zu more zones)\n", LABEL_W, "", snap->nr_zones - nr);
	fprintf(out, "%*s(as debugfs extfrag_index: -1.000 a block of the order is free, "
		"else toward 0\n"
		"%*s lack of memory, toward 1 fragmentation; unusable_index: the share of free\n"
		"%*s memory in smaller blocks%s)\n", LABEL_W, "", LABEL_W, "", LABEL_W, "",
		inexact ? "; ~ from lower bounds" : "");
}

static void print_input_warnings(FILE *out, const struct fs_snapshot *snap)
{
	if (!snap)
		return;
	bool first = true;
	for (size_t i = 0; i < snap->diags.count; i++) {
		const struct fs_diag *g = &snap->diags.items[i];
		if (g->severity < FS_SEV_WARNING)
			continue;
		char buf[1024];
		if (g->line)
			snprintf(buf, sizeof(buf), "%s: %s:%u: %s", fs_severity_name(g->severity),
				 g->source, g->line, g->message);
		else
			snprintf(buf, sizeof(buf), "%s: %s: %s", fs_severity_name(g->severity),
				 g->source, g->message);
		field(out, first ? "input" : "", buf);
		first = false;
	}
}

/* The body shared by snapshots and reports, after the header lines. */
static void print_verdict_body(FILE *out, const struct fs_verdict *v,
			       const struct fs_snapshot *snap)
{
	print_steps(out, v);
	char outcome[160];
	snprintf(outcome, sizeof(outcome), "%s%s", fs_outcome_name(v->outcome),
		 v->uncertain ? "; uncertain: it rests on an input the snapshot lacks (see reason)"
			      : "");
	field(out, "outcome", outcome);
	if (v->reason[0])
		field(out, "reason", v->reason);
	print_margin(out, v);
	if (v->used_nonempty_only)
		field(out, "", "the input shows only which free lists are non-empty, not how many "
		      "blocks they hold: the check used exactly that");
	if (v->change[0])
		field(out, "change", v->change);
	for (size_t i = 0; i < v->nr_risks; i++)
		field(out, i == 0 ? "risks" : "", v->risks[i]);
	print_fragmentation(out, snap, v->order);
}

void explain_text_verdict(FILE *out, const struct explain_origin *o, const struct fs_verdict *v,
			  const struct fs_snapshot *snap, const struct fs_report *report)
{
	print_origin(out, o, report);
	if (report)
		print_failure(out, report);
	print_kernel(out, v, snap ? snap->meta.kernel_release : NULL);
	print_request(out, o, v);
	print_verdict_body(out, v, snap);
	print_input_warnings(out, snap);
}

void explain_text_explanation(FILE *out, const struct explain_origin *o,
			      const struct fs_explanation *e, const struct fs_report *r,
			      const struct fs_snapshot *snap)
{
	print_origin(out, o, r);
	print_failure(out, r);
	print_kernel(out, &e->verdict, r->kernel_release);
	print_request(out, o, &e->verdict);
	print_verdict_body(out, &e->verdict, e->has_state ? snap : NULL);
	if (e->summary[0])
		field(out, "report", e->summary);
	print_input_warnings(out, snap);
}
