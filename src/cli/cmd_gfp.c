/*
 * cmd_gfp.c - fragscope gfp MASK [--kernel VER] [--kconfig LIST] [--order N]
 *             [--json]
 *
 * Decodes a mask as that kernel's warn_alloc prints it (mode:%#x(%pGg)),
 * encodes names into the value and its single flags, and says what the
 * mask means for the page allocator. Everything comes from the kernel
 * profile (kprofile.h); this file only reads options and renders.
 */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "cli.h"
#include "fragscope/kprofile.h"
#include "fragscope/util.h"

struct gfp_opts {
	const char *kernel;     /* --kernel, NULL: this machine */
	const char *kconfig;
	long order;
	bool json;
	char *mask_text;        /* the MASK arguments joined by spaces */
};

/* What was worked out, for both renderings. */
struct gfp_result {
	const struct fs_kprofile *p;
	struct fs_kconfig cfg;
	const char *release;    /* the release the profile was chosen for, or NULL */
	bool guessed;
	char why[200];
	bool from_names;        /* the input had names, not only numbers */
	bool ok;                /* every name and bit understood */
	uint64_t mask;
	char unknown[512];
	char printed[512];      /* %pGg text */
	uint64_t printed_residue;   /* the hex %pGg appends */
	enum fs_gfp_flag flags[FS_GFP_NR_FLAGS];
	size_t nr_flags;
	uint64_t residue;       /* bits of no flag */
	struct fs_gfp_meaning m;
};

void cmd_gfp_usage(FILE *out)
{
	fprintf(out,
		"usage: fragscope gfp MASK [--kernel VER] [--kconfig LIST] [--order N] [--json]\n"
		"\n"
		"Decode a gfp mask as the kernel prints it in \"mode:0x...(NAMES)\", or encode\n"
		"names into the value and its single flags, and say what the mask means for\n"
		"the page allocator: highest zone, migratetype, may it sleep, wake kswapd,\n"
		"reclaim, compact, retry, invoke the OOM killer, use CMA, the reserves (with\n"
		"the min watermark multiplier) or HighAtomic, ignore watermarks, warn.\n"
		"\n"
		"MASK is hex (0x484020 or 484020), names joined by | (GFP_ATOMIC|__GFP_COMP,\n"
		"\"GFP_KERNEL | __GFP_NOWARN\"), or both. Names are this kernel's; a leading\n"
		"__ may be left out where that is unambiguous (GFP_NOWARN, nowarn).\n"
		"\n"
		"Options:\n"
		"  --kernel VER    kernel profile: a name (4.19, 6.1-late, 6.18) or a release\n"
		"                  (5.10.0-8-amd64); default: this machine's (uname -r)\n"
		"  --kconfig LIST  kernel config that moves or zeroes gfp bits, comma\n"
		"                  separated, no- to turn one off: kasan_hw_tags, lockdep,\n"
		"                  slab_obj_ext, cma, numa (default: an x86_64 distro kernel)\n"
		"  --order N       allocation order the meaning is for (default 0)\n"
		"  --json          JSON for scripts\n"
		"  -h, --help      this help\n"
		"\n"
		"Exit status: 0 every name and bit understood, 2 usage error, 3 unknown names\n"
		"or bits (reported; the rest is still decoded).\n");
}

/* ---- options ---- */

/* One --kconfig item: "lockdep", "no-cma", "CONFIG_LOCKDEP=y". */
static bool kconfig_item(struct fs_kconfig *c, const char *item, size_t len)
{
	char name[64];
	if (len == 0 || len >= sizeof(name))
		return false;
	memcpy(name, item, len);
	name[len] = '\0';
	bool on = true;
	char *eq = strchr(name, '=');
	if (eq) {
		*eq++ = '\0';
		if (strcasecmp(eq, "n") == 0 || strcmp(eq, "0") == 0)
			on = false;
		else if (strcasecmp(eq, "y") != 0 && strcasecmp(eq, "m") != 0 &&
			 strcmp(eq, "1") != 0)
			return false;
	}
	const char *n = name;
	if (strncasecmp(n, "no-", 3) == 0 || strncasecmp(n, "no_", 3) == 0) {
		on = !on;
		n += 3;
	}
	if (strncasecmp(n, "CONFIG_", 7) == 0)
		n += 7;
	if (strcasecmp(n, "kasan_hw_tags") == 0)
		c->kasan_hw_tags = on;
	else if (strcasecmp(n, "lockdep") == 0)
		c->lockdep = on;
	else if (strcasecmp(n, "slab_obj_ext") == 0)
		c->slab_obj_ext = on;
	else if (strcasecmp(n, "cma") == 0)
		c->cma = on;
	else if (strcasecmp(n, "numa") == 0)
		c->numa = on;
	else
		return false;
	return true;
}

static bool kconfig_list(struct fs_kconfig *c, const char *list)
{
	const char *s = list;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len && !kconfig_item(c, s, len)) {
			cli_error("gfp: --kconfig: unknown option \"%.*s\" (known: kasan_hw_tags, "
				  "lockdep, slab_obj_ext, cma, numa; no- turns one off)",
				  (int)(len > 60 ? 60 : len), s);
			return false;
		}
		s += len + (e ? 1 : 0);
	}
	return true;
}

static int parse_options(struct gfp_opts *o, int argc, char **argv)
{
	enum { OPT_KERNEL = 256, OPT_KCONFIG, OPT_ORDER };
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "kconfig", required_argument, NULL, OPT_KCONFIG },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 0;     /* full reinitialisation: called again on later argv slices */
	opterr = 0;
	/* "+": stop at the first MASK word, so "GFP_KERNEL | -" stays a mask. */
	while ((c = getopt_long(argc, argv, "+:hj", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			o->kernel = optarg;
			break;
		case OPT_KCONFIG:
			o->kconfig = optarg;
			break;
		case OPT_ORDER:
			if (!cli_parse_long(optarg, &o->order) || o->order < 0 || o->order > 30) {
				cli_error("gfp: --order needs an order 0 ... 30, got \"%s\"",
					  optarg);
				return -1;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			cmd_gfp_usage(stdout);
			return 1;
		case ':':
			cli_error("gfp: %s needs an argument", argv[optind - 1]);
			return -1;
		default:
			cli_error("gfp: unknown option \"%s\"; try fragscope help gfp",
				  argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}

/* MASK words and options may come in any order: options after the mask
 * are read by a second pass over what follows it. */
static int collect(struct gfp_opts *o, int argc, char **argv)
{
	size_t cap = 1;
	for (int i = 1; i < argc; i++)
		cap += strlen(argv[i]) + 1;
	o->mask_text = fs_xcalloc(1, cap);
	int rc = parse_options(o, argc, argv);
	while (rc == 0 && optind < argc) {
		if (o->mask_text[0])
			strcat(o->mask_text, " ");
		strcat(o->mask_text, argv[optind]);
		int rest = argc - optind;
		char **sub = argv + optind;    /* sub[0] stands in for the program name */
		rc = parse_options(o, rest, sub);
		argc = rest;
		argv = sub;
	}
	return rc;
}

/* ---- the work ---- */

static bool choose_profile(const struct gfp_opts *o, struct gfp_result *r,
			   struct utsname *uts)
{
	if (o->kernel) {
		r->p = fs_kprofile_by_name(o->kernel);
		if (!r->p) {
			size_t n;
			const struct fs_kprofile *const *all = fs_kprofiles(&n);
			fprintf(stderr, "fragscope: gfp: no kernel profile for \"%s\"; profiles:",
				o->kernel);
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, " %s", all[i]->name);
			fputs(", or a release such as 5.10.0-8-amd64\n", stderr);
			return false;
		}
		r->release = o->kernel;
		bool alias = strcasecmp(o->kernel, "newer") == 0 ||
			     strcasecmp(o->kernel, "newest") == 0 ||
			     strcasecmp(o->kernel, "latest") == 0;
		if (alias || strcasecmp(o->kernel, r->p->name) == 0) {
			r->release = NULL;      /* a profile name, not a release */
			snprintf(r->why, sizeof(r->why), "profile %s, chosen with --kernel",
				 r->p->name);
		} else
			fs_kprofile_for_release(o->kernel, &r->guessed, r->why, sizeof(r->why));
		return true;
	}
	const char *rel = uname(uts) == 0 ? uts->release : "";
	r->release = rel[0] ? rel : NULL;
	r->p = fs_kprofile_for_release(rel, &r->guessed, r->why, sizeof(r->why));
	if (rel[0] && !r->guessed) {
		/* Say where the release came from. */
		size_t len = strlen(r->why);
		snprintf(r->why + len, sizeof(r->why) - len, " (this machine)");
	}
	return true;
}

static void work(struct gfp_result *r, const char *text, int order)
{
	r->ok = fs_gfp_parse(r->p, &r->cfg, text, &r->mask, r->unknown, sizeof(r->unknown));
	/* Anything but hex numbers and separators: the input named flags. */
	r->from_names = text[strspn(text, "0123456789abcdefABCDEFxX \t|,")] != '\0';
	fs_gfp_format(r->p, &r->cfg, r->mask, r->printed, sizeof(r->printed));
	const char *bar = strrchr(r->printed, '|');
	const char *last = bar ? bar + 1 : r->printed;
	if (strncmp(last, "0x", 2) == 0)
		r->printed_residue = strtoull(last, NULL, 16);
	r->nr_flags = fs_gfp_flags(r->p, &r->cfg, r->mask, r->flags, FS_GFP_NR_FLAGS,
				   &r->residue);
	fs_gfp_meaning(r->p, &r->cfg, r->mask, order, NULL, &r->m);
}

/* ---- text ---- */

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_config(FILE *out, const struct fs_kconfig *c)
{
	fprintf(out, "%-12s KASAN_HW_TAGS %s, LOCKDEP %s, SLAB_OBJ_EXT %s, CMA %s, NUMA %s\n",
		"config", yes_no(c->kasan_hw_tags), yes_no(c->lockdep),
		yes_no(c->slab_obj_ext), yes_no(c->cma), yes_no(c->numa));
}

/* "0x20 __GFP_HIGH, 0x4000 __GFP_COMP, ..." wrapped at 100 columns. */
static void print_flags(FILE *out, const struct gfp_result *r)
{
	char item[96];
	int col = fprintf(out, "%-12s", "flags");
	if (!r->nr_flags && !r->residue)
		fputs(" none", out);
	for (size_t i = 0; i <= r->nr_flags; i++) {
		if (i < r->nr_flags) {
			uint64_t bit = fs_gfp_bit(r->p, &r->cfg, r->flags[i]);
			snprintf(item, sizeof(item), "%#llx %s%s", (unsigned long long)bit,
				 fs_gfp_flag_name(r->flags[i]),
				 (bit & r->printed_residue) ? " (printed as hex)" : "");
		} else if (r->residue) {
			snprintf(item, sizeof(item), "%#llx (no flag)",
				 (unsigned long long)r->residue);
		} else {
			break;
		}
		bool more = i + 1 < r->nr_flags || (i < r->nr_flags && r->residue);
		int len = (int)strlen(item) + 1 + more;
		if (col > 13 && col + len > 100) {
			fprintf(out, "\n%12s", "");
			col = 12;
		}
		col += fprintf(out, " %s%s", item, more ? "," : "");
	}
	fputc('\n', out);
}

static void alloc_line(FILE *out, const struct fs_kprofile *p, const char *label,
		       const char *wmark, unsigned flags)
{
	char names[256];
	fs_alloc_flags_format(p, flags, names, sizeof(names));
	fprintf(out, "  %-13s %s%s%s\n", label, wmark, names[0] && wmark[0] ? "|" : "", names);
}

static void print_meaning(FILE *out, const struct gfp_result *r, int order)
{
	const struct fs_gfp_meaning *m = &r->m;
	const struct fs_kprofile *p = r->p;
	fprintf(out, "\nwhat it means at order %d:\n", order);
	if (m->highest_zone_rank < 0)
		fprintf(out, "  %-13s invalid zone bits\n", "zone");
	else
		fprintf(out, "  %-13s %s and below\n", "zone", m->highest_zone);
	fprintf(out, "  %-13s %s\n", "migratetype", fs_mt_name(m->migratetype));
	fprintf(out, "  %-13s %s\n", "may sleep",
		m->can_sleep ? "yes (__GFP_DIRECT_RECLAIM)" : "no");
	fprintf(out, "  %-13s %s\n", "wakes kswapd", yes_no(m->wakes_kswapd));
	fprintf(out, "  %-13s %s\n", "reclaim", yes_no(m->may_reclaim));
	fprintf(out, "  %-13s %s\n", "compaction", yes_no(m->may_compact));
	fprintf(out, "  %-13s %s\n", "retries", m->nofail ? "until it succeeds (__GFP_NOFAIL)"
							   : yes_no(m->may_retry));
	fprintf(out, "  %-13s %s\n", "OOM killer", yes_no(m->may_oom));
	fprintf(out, "  %-13s %s\n", "CMA", yes_no(m->uses_cma));
	if (m->no_watermarks)
		fprintf(out, "  %-13s all of them: watermarks ignored\n", "reserves");
	else if (m->uses_reserves)
		fprintf(out, "  %-13s yes: min watermark x %d/%d\n", "reserves", m->min_mult_num,
			m->min_mult_den);
	else
		fprintf(out, "  %-13s no: min watermark x 1\n", "reserves");
	fprintf(out, "  %-13s %s\n", "HighAtomic", yes_no(m->uses_highatomic));
	fprintf(out, "  %-13s %s\n", "watermarks", m->no_watermarks ? "ignored" : "checked");
	if (m->warns)
		fprintf(out, "  %-13s yes (warn_alloc, at most %u per %u s)\n", "warns",
			p->warn_ratelimit_burst, p->warn_ratelimit_s);
	else
		fprintf(out, "  %-13s no (__GFP_NOWARN)\n", "warns");
	alloc_line(out, p, "fast path", "ALLOC_WMARK_LOW", m->fast_flags);
	alloc_line(out, p, "slow path", "ALLOC_WMARK_MIN", m->slow_flags);
	if (m->reserve_flags)
		alloc_line(out, p, "reserves step", "", m->reserve_flags);
	if (m->notes[0]) {
		fputs("notes:\n", out);
		const char *s = m->notes;
		while (*s) {
			const char *e = strchr(s, '\n');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			fprintf(out, "  %.*s\n", (int)len, s);
			s += len + (e ? 1 : 0);
		}
	}
}

/* Bits no flag of this kernel has: which flag they are in the nearest other
 * profile that has one there (a wrong --kernel shows up like this). */
static void print_residue_hints(FILE *out, const struct gfp_result *r)
{
	size_t n, me = 0;
	const struct fs_kprofile *const *all = fs_kprofiles(&n);
	while (me < n && all[me] != r->p)
		me++;
	for (int bit = 0; bit < 64; bit++) {
		uint64_t v = UINT64_C(1) << bit;
		if (!(r->residue & v))
			continue;
		for (size_t d = 1; d < n; d++) {
			/* alternate: older, newer, two older, two newer ... */
			size_t cand[2] = { me >= d ? me - d : n, me + d };
			for (int k = 0; k < 2; k++) {
				if (cand[k] >= n)
					continue;
				const struct fs_kprofile *o = all[cand[k]];
				enum fs_gfp_flag f[FS_GFP_NR_FLAGS];
				uint64_t rest;
				if (fs_gfp_flags(o, NULL, v, f, FS_GFP_NR_FLAGS, &rest) != 1)
					continue;
				fprintf(out, "%-12s %#llx is %s in profile %s: is the kernel "
					"version right?\n", "hint", (unsigned long long)v,
					fs_gfp_flag_name(f[0]), o->name);
				goto next_bit;
			}
		}
next_bit:;
	}
}

static void print_text(FILE *out, const struct gfp_result *r, const char *text, int order)
{
	fprintf(out, "%-12s %s (%s)\n", "kernel", r->p->name, r->why);
	print_config(out, &r->cfg);
	if (r->from_names)
		fprintf(out, "%-12s %#llx = %s\n", "mask", (unsigned long long)r->mask, text);
	else
		fprintf(out, "%-12s %#llx\n", "mask", (unsigned long long)r->mask);
	if (r->p->nr_pgg_names)
		fprintf(out, "%-12s mode:%#llx(%s)\n", "printed", (unsigned long long)r->mask,
			r->printed);
	else
		fprintf(out, "%-12s mode:0x%llx (this kernel prints the hex only; fragscope "
			"reads it as %s)\n", "printed", (unsigned long long)r->mask,
			r->printed[0] ? r->printed : "no flags");
	print_flags(out, r);
	if (!r->ok)
		fprintf(out, "%-12s %s\n", "unknown", r->unknown);
	print_residue_hints(out, r);
	print_meaning(out, r, order);
}

/* ---- JSON ---- */

static struct json_object *hex_json(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)v);
	return json_object_new_string(buf);
}

static struct json_object *alloc_json(const struct fs_kprofile *p, unsigned flags)
{
	char names[256];
	fs_alloc_flags_format(p, flags, names, sizeof(names));
	struct json_object *a = json_object_new_array();
	for (char *s = names, *e; *s; s = e ? e + 1 : s + strlen(s)) {
		e = strchr(s, '|');
		if (e)
			*e = '\0';
		json_object_array_add(a, json_object_new_string(s));
		if (!e)
			break;
	}
	return a;
}

static struct json_object *meaning_json(const struct gfp_result *r, int order)
{
	const struct fs_gfp_meaning *m = &r->m;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "order", json_object_new_int(order));
	json_object_object_add(o, "highest_zone", json_object_new_string(m->highest_zone));
	json_object_object_add(o, "migratetype",
			       json_object_new_string(fs_mt_name(m->migratetype)));
	json_object_object_add(o, "can_sleep", json_object_new_boolean(m->can_sleep));
	json_object_object_add(o, "wakes_kswapd", json_object_new_boolean(m->wakes_kswapd));
	json_object_object_add(o, "may_reclaim", json_object_new_boolean(m->may_reclaim));
	json_object_object_add(o, "may_compact", json_object_new_boolean(m->may_compact));
	json_object_object_add(o, "may_retry", json_object_new_boolean(m->may_retry));
	json_object_object_add(o, "may_oom", json_object_new_boolean(m->may_oom));
	json_object_object_add(o, "nofail", json_object_new_boolean(m->nofail));
	json_object_object_add(o, "uses_cma", json_object_new_boolean(m->uses_cma));
	json_object_object_add(o, "uses_reserves", json_object_new_boolean(m->uses_reserves));
	struct json_object *mult = json_object_new_array();
	json_object_array_add(mult, json_object_new_int(m->min_mult_num));
	json_object_array_add(mult, json_object_new_int(m->min_mult_den));
	json_object_object_add(o, "min_watermark_multiplier", mult);
	json_object_object_add(o, "uses_highatomic",
			       json_object_new_boolean(m->uses_highatomic));
	json_object_object_add(o, "no_watermarks", json_object_new_boolean(m->no_watermarks));
	json_object_object_add(o, "warns", json_object_new_boolean(m->warns));
	json_object_object_add(o, "fast_flags", alloc_json(r->p, m->fast_flags));
	json_object_object_add(o, "slow_flags", alloc_json(r->p, m->slow_flags));
	json_object_object_add(o, "reserve_flags", alloc_json(r->p, m->reserve_flags));
	struct json_object *notes = json_object_new_array();
	char buf[sizeof(m->notes)];
	memcpy(buf, m->notes, sizeof(buf));
	for (char *s = buf, *e; *s; s = e + 1) {
		e = strchr(s, '\n');
		if (e)
			*e = '\0';
		json_object_array_add(notes, json_object_new_string(s));
		if (!e)
			break;
	}
	json_object_object_add(o, "notes", notes);
	return o;
}

static void print_json(FILE *out, const struct gfp_result *r, const char *text, int order)
{
	struct json_object *d = json_object_new_object();
	struct json_object *k = json_object_new_object();
	json_object_object_add(k, "profile", json_object_new_string(r->p->name));
	json_object_object_add(k, "covers", json_object_new_string(r->p->covers));
	json_object_object_add(k, "release",
			       r->release ? json_object_new_string(r->release) : NULL);
	json_object_object_add(k, "guessed", json_object_new_boolean(r->guessed));
	json_object_object_add(k, "why", json_object_new_string(r->why));
	json_object_object_add(d, "kernel", k);
	struct json_object *c = json_object_new_object();
	json_object_object_add(c, "kasan_hw_tags", json_object_new_boolean(r->cfg.kasan_hw_tags));
	json_object_object_add(c, "lockdep", json_object_new_boolean(r->cfg.lockdep));
	json_object_object_add(c, "slab_obj_ext", json_object_new_boolean(r->cfg.slab_obj_ext));
	json_object_object_add(c, "cma", json_object_new_boolean(r->cfg.cma));
	json_object_object_add(c, "numa", json_object_new_boolean(r->cfg.numa));
	json_object_object_add(d, "config", c);
	json_object_object_add(d, "input", json_object_new_string(text));
	json_object_object_add(d, "mask", hex_json(r->mask));
	json_object_object_add(d, "value", json_object_new_int64((int64_t)r->mask));
	json_object_object_add(d, "names", json_object_new_string(r->printed));
	json_object_object_add(d, "kernel_prints_names",
			       json_object_new_boolean(r->p->nr_pgg_names > 0));
	struct json_object *fl = json_object_new_array();
	for (size_t i = 0; i < r->nr_flags; i++) {
		struct json_object *f = json_object_new_object();
		json_object_object_add(f, "name",
				       json_object_new_string(fs_gfp_flag_name(r->flags[i])));
		json_object_object_add(f, "value",
				       hex_json(fs_gfp_bit(r->p, &r->cfg, r->flags[i])));
		json_object_array_add(fl, f);
	}
	json_object_object_add(d, "flags", fl);
	json_object_object_add(d, "residue", hex_json(r->residue));
	json_object_object_add(d, "understood", json_object_new_boolean(r->ok));
	json_object_object_add(d, "unknown", json_object_new_string(r->unknown));
	json_object_object_add(d, "meaning", meaning_json(r, order));
	fputs(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_NOSLASHESCAPE), out);
	fputc('\n', out);
	json_object_put(d);
}

int cmd_gfp(int argc, char **argv)
{
	struct gfp_opts o = { 0 };
	int rc = collect(&o, argc, argv);
	if (rc != 0) {
		free(o.mask_text);
		return rc > 0 ? FS_EXIT_OK : FS_EXIT_USAGE;
	}
	if (!o.mask_text[0]) {
		cli_error("gfp: which mask? try fragscope gfp 0x484020 --kernel 4.19");
		free(o.mask_text);
		return FS_EXIT_USAGE;
	}
	struct gfp_result r;
	struct utsname uts;
	memset(&r, 0, sizeof(r));
	if (!choose_profile(&o, &r, &uts)) {
		free(o.mask_text);
		return FS_EXIT_USAGE;
	}
	fs_kconfig_default(r.p, &r.cfg);
	if (o.kconfig && !kconfig_list(&r.cfg, o.kconfig)) {
		free(o.mask_text);
		return FS_EXIT_USAGE;
	}
	work(&r, o.mask_text, (int)o.order);
	if (o.json)
		print_json(stdout, &r, o.mask_text, (int)o.order);
	else
		print_text(stdout, &r, o.mask_text, (int)o.order);
	fflush(stdout);
	if (!r.ok)
		cli_error("gfp: not understood for kernel profile %s: %s", r.p->name, r.unknown);
	free(o.mask_text);
	return r.ok ? FS_EXIT_OK : FS_EXIT_BAD_INPUT;
}
