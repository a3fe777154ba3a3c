/*
 * test_theme.c - themes: the shipped files, the built-in default, bad and
 * hostile input, finding and listing, colour modes and the heat scale.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "fragscope/theme.h"
#include "fragscope/util.h"

#define THEMES FS_SRCDIR "/themes"
#define FIXTURES FS_FIXTURES "/themes"

static const char *const shipped[] = { "default", "light", "colorblind", "mono" };
#define NR_SHIPPED (sizeof(shipped) / sizeof(shipped[0]))
static const char *const section_keys[3] = {
	[FS_COLOR_MONO] = "mono", [FS_COLOR_8] = "colors8", [FS_COLOR_256] = "colors256",
};

static void shipped_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/%s.yaml", THEMES, name);
}

static void dump_diags(const struct fs_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "%s line %u: %s: %s\n", d->items[i].source, d->items[i].line,
			fs_severity_name(d->items[i].severity), d->items[i].message);
}

static int load_str(struct fs_theme *t, const char *text, struct fs_diags *d)
{
	return fs_theme_load_text(t, text, strlen(text), "themes/x.yaml", d);
}

/* The first diagnostic whose message contains needle, or NULL. */
static const struct fs_diag *find_diag(const struct fs_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->count; i++)
		if (strstr(d->items[i].message, needle))
			return &d->items[i];
	return NULL;
}

static bool same_style(struct fs_style a, struct fs_style b)
{
	return a.fg == b.fg && a.bg == b.bg && a.attrs == b.attrs;
}

static bool same_theme_data(const struct fs_theme *a, const struct fs_theme *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->heat_chars, b->heat_chars) == 0 &&
	       memcmp(a->variant, b->variant, sizeof(a->variant)) == 0;
}

/* ---- The xterm palette and WCAG contrast, to judge readability -------- */

static void xterm_rgb(int n, double rgb[3])
{
	static const int base[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
		{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };
	int c[3];
	if (n < 16) {
		memcpy(c, base[n], sizeof(c));
	} else if (n < 232) {
		c[0] = level[(n - 16) / 36];
		c[1] = level[(n - 16) / 6 % 6];
		c[2] = level[(n - 16) % 6];
	} else {
		c[0] = c[1] = c[2] = 8 + 10 * (n - 232);
	}
	for (int i = 0; i < 3; i++)
		rgb[i] = c[i];
}

static double luminance(int n)
{
	double rgb[3], l[3];
	xterm_rgb(n, rgb);
	for (int i = 0; i < 3; i++) {
		double v = rgb[i] / 255.0;
		l[i] = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
	}
	return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

static double contrast(int a, int b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* ===================================================================== */
/* Roles                                                                  */
/* ===================================================================== */

Test(theme, role_names_round_trip)
{
	for (int r = 0; r < FS_ROLE_COUNT; r++) {
		const char *name = fs_theme_role_name(r);
		cr_assert(strcmp(name, "?") != 0, "role %d has no name", r);
		cr_assert_eq(fs_theme_role_from_name(name), r, "%s", name);
	}
	cr_assert_str_eq(fs_theme_role_name(FS_ROLE_STATUS_KEY), "status_key");
	cr_assert_str_eq(fs_theme_role_name(FS_ROLE_COUNT), "?");
	cr_assert_eq(fs_theme_role_from_name("nromal"), -1);
	cr_assert_eq(fs_theme_role_from_name(""), -1);
	cr_assert_eq(fs_theme_role_from_name(NULL), -1);
}

/* ===================================================================== */
/* The built-in default and the shipped themes                            */
/* ===================================================================== */

Test(theme, builtin_is_complete)
{
	struct fs_theme t;
	fs_theme_builtin(&t);
	cr_assert_str_eq(t.name, "default");
	cr_assert_str_eq(t.path, "");
	cr_assert_str_eq(t.heat_chars, " .:-=+*#%@");
	cr_assert_eq(t.variant[FS_COLOR_256].nr_heat, 10);
	cr_assert_eq(t.variant[FS_COLOR_8].nr_heat, 6);
	cr_assert_eq(t.variant[FS_COLOR_MONO].nr_heat, 10);
	/* Normal text is light grey on the terminal's background. */
	cr_assert(same_style(t.variant[FS_COLOR_256].role[FS_ROLE_NORMAL],
			     (struct fs_style){ 252, -1, 0 }));
	for (int r = 0; r < FS_ROLE_COUNT; r++) {
		const struct fs_style *s = &t.variant[FS_COLOR_MONO].role[r];
		cr_assert(s->fg == -1 && s->bg == -1, "mono %s has a colour",
			  fs_theme_role_name(r));
		/* In colour every role says something: a colour at least. */
		cr_assert(t.variant[FS_COLOR_256].role[r].fg >= 0, "%s", fs_theme_role_name(r));
		cr_assert(t.variant[FS_COLOR_8].role[r].fg >= 0 &&
			  t.variant[FS_COLOR_8].role[r].fg <= 7, "%s", fs_theme_role_name(r));
	}
}

Test(theme, shipped_themes_load_without_diagnostics)
{
	for (size_t i = 0; i < NR_SHIPPED; i++) {
		char path[4096];
		shipped_path(path, sizeof(path), shipped[i]);
		struct fs_theme t;
		struct fs_diags d = { 0 };
		int rc = fs_theme_load_file(&t, path, &d);
		dump_diags(&d);
		cr_assert_eq(rc, 0, "%s", path);
		cr_assert_eq(d.count, 0, "%s: %zu diagnostics", path, d.count);
		cr_assert_str_eq(t.name, shipped[i]);
		cr_assert_str_eq(t.path, path);
		cr_assert_eq(strlen(t.heat_chars), 10);
		for (int m = 0; m < 3; m++) {
			const struct fs_theme_variant *v = &t.variant[m];
			cr_assert(v->nr_heat >= 2 && v->nr_heat <= FS_HEAT_STEPS_MAX);
			for (int r = 0; r < FS_ROLE_COUNT; r++) {
				const struct fs_style *s = &v->role[r];
				int top = m == FS_COLOR_8 ? 7 : 255;
				cr_assert(s->fg >= -1 && s->fg <= top);
				cr_assert(s->bg >= -1 && s->bg <= top);
			}
			/* Mono never has colours, whatever the file says. */
			for (int r = 0; m == FS_COLOR_MONO && r < FS_ROLE_COUNT; r++)
				cr_assert(v->role[r].fg == -1 && v->role[r].bg == -1);
			for (int k = 0; m == FS_COLOR_MONO && k < v->nr_heat; k++)
				cr_assert(v->heat[k].fg == -1 && v->heat[k].bg == -1);
			for (int k = 0; m == FS_COLOR_MONO && k < FS_MT_COUNT; k++)
				cr_assert(v->mt[k].fg == -1 && v->mt[k].bg == -1);
		}
		fs_diags_clear(&d);
	}
}

/* The key of a mapping node, or NULL. */
static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

/* Every shipped file spells out every role, migratetype and the heat in
 * every section, so none silently inherits the built-in default. */
Test(theme, shipped_themes_set_every_role_in_every_variant)
{
	for (size_t i = 0; i < NR_SHIPPED; i++) {
		char path[4096];
		shipped_path(path, sizeof(path), shipped[i]);
		char *text;
		size_t len;
		cr_assert_eq(fs_read_file(path, 1 << 20, &text, &len), 0, "%s", path);
		yaml_parser_t parser;
		yaml_document_t doc;
		yaml_parser_initialize(&parser);
		yaml_parser_set_input_string(&parser, (unsigned char *)text, len);
		cr_assert(yaml_parser_load(&parser, &doc), "%s", path);
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		cr_assert(map_get(&doc, root, "name"), "%s: name", path);
		cr_assert(map_get(&doc, root, "heat_chars"), "%s: heat_chars", path);
		for (int m = 0; m < 3; m++) {
			yaml_node_t *sec = map_get(&doc, root, section_keys[m]);
			cr_assert(sec && sec->type == YAML_MAPPING_NODE, "%s: %s", path,
				  section_keys[m]);
			for (int r = 0; r < FS_ROLE_COUNT; r++)
				cr_assert(map_get(&doc, sec, fs_theme_role_name(r)), "%s: %s.%s",
					  path, section_keys[m], fs_theme_role_name(r));
			yaml_node_t *mts = map_get(&doc, sec, "migratetypes");
			for (int mt = 0; mt < FS_MT_COUNT; mt++)
				cr_assert(map_get(&doc, mts, fs_mt_name(mt)),
					  "%s: %s.migratetypes.%s", path, section_keys[m],
					  fs_mt_name(mt));
			yaml_node_t *heat = map_get(&doc, sec, "heat");
			cr_assert(heat && heat->type == YAML_SEQUENCE_NODE, "%s: %s.heat", path,
				  section_keys[m]);
		}
		yaml_document_delete(&doc);
		yaml_parser_delete(&parser);
		free(text);
	}
}

/* The TUI prints the count in a heat cell: fg must read on bg. WCAG's AA
 * contrast (4.5:1) with xterm's palette; a colour beside "default" is
 * taken on trust (the terminal's own pair). */
Test(theme, shipped_heat_is_readable)
{
	for (size_t i = 0; i < NR_SHIPPED; i++) {
		char path[4096];
		shipped_path(path, sizeof(path), shipped[i]);
		struct fs_theme t;
		cr_assert_eq(fs_theme_load_file(&t, path, NULL), 0);
		for (int m = FS_COLOR_8; m <= FS_COLOR_256; m++) {
			const struct fs_theme_variant *v = &t.variant[m];
			for (int k = 0; k < v->nr_heat; k++) {
				struct fs_style s = v->heat[k];
				if (s.fg < 0 || s.bg < 0)
					continue;
				cr_assert(contrast(s.fg, s.bg) >= 4.5,
					  "%s %s heat[%d]: %d on %d is %.2f", shipped[i],
					  section_keys[m], k, s.fg, s.bg, contrast(s.fg, s.bg));
			}
			/* Hotter is another background: no two steps alike. */
			for (int k = 1; k < v->nr_heat; k++)
				cr_assert(!same_style(v->heat[k], v->heat[k - 1]), "%s %s heat[%d]",
					  shipped[i], section_keys[m], k);
		}
	}
}

Test(theme, default_yaml_equals_builtin)
{
	struct fs_theme file, builtin;
	struct fs_diags d = { 0 };
	cr_assert_eq(fs_theme_load_file(&file, THEMES "/default.yaml", &d), 0);
	cr_assert_eq(d.count, 0);
	fs_theme_builtin(&builtin);
	for (int m = 0; m < 3; m++) {
		for (int r = 0; r < FS_ROLE_COUNT; r++)
			cr_assert(same_style(file.variant[m].role[r], builtin.variant[m].role[r]),
				  "%s.%s", section_keys[m], fs_theme_role_name(r));
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			cr_assert(same_style(file.variant[m].mt[mt], builtin.variant[m].mt[mt]),
				  "%s.migratetypes.%s", section_keys[m], fs_mt_name(mt));
		cr_assert_eq(file.variant[m].nr_heat, builtin.variant[m].nr_heat);
		for (int k = 0; k < FS_HEAT_STEPS_MAX; k++)
			cr_assert(same_style(file.variant[m].heat[k], builtin.variant[m].heat[k]),
				  "%s.heat[%d]", section_keys[m], k);
	}
	cr_assert(same_theme_data(&file, &builtin));
}

/* mono.yaml has no hues: greys on 256 colours, black and white on 8, and
 * attributes only in mono. */
Test(theme, mono_yaml_has_no_colours)
{
	struct fs_theme t;
	cr_assert_eq(fs_theme_load_file(&t, THEMES "/mono.yaml", NULL), 0);
	const struct fs_theme_variant *v = &t.variant[FS_COLOR_MONO];
	for (int r = 0; r < FS_ROLE_COUNT; r++)
		cr_assert(v->role[r].fg == -1 && v->role[r].bg == -1);
	for (int k = 0; k < FS_HEAT_STEPS_MAX; k++)
		cr_assert(v->heat[k].fg == -1 && v->heat[k].bg == -1);
	for (int m = FS_COLOR_8; m <= FS_COLOR_256; m++) {
		const struct fs_style *all[FS_ROLE_COUNT + FS_MT_COUNT + FS_HEAT_STEPS_MAX];
		size_t n = 0;
		for (int r = 0; r < FS_ROLE_COUNT; r++)
			all[n++] = &t.variant[m].role[r];
		for (int mt = 0; mt < FS_MT_COUNT; mt++)
			all[n++] = &t.variant[m].mt[mt];
		for (int k = 0; k < t.variant[m].nr_heat; k++)
			all[n++] = &t.variant[m].heat[k];
		for (size_t i = 0; i < n; i++) {
			int c[2] = { all[i]->fg, all[i]->bg };
			for (int j = 0; j < 2; j++) {
				if (c[j] < 0)
					continue;
				double rgb[3];
				xterm_rgb(c[j], rgb);
				if (m == FS_COLOR_8)
					cr_assert(c[j] == 0 || c[j] == 7, "colors8: %d", c[j]);
				else
					cr_assert(rgb[0] == rgb[1] && rgb[1] == rgb[2], "%d", c[j]);
			}
		}
	}
}

/* The colour-blind theme keeps its promises: pass and fail are not told
 * apart by red and green, and differ in more than colour. */
Test(theme, colorblind_verdict_is_not_red_green)
{
	struct fs_theme t;
	cr_assert_eq(fs_theme_load_file(&t, THEMES "/colorblind.yaml", NULL), 0);
	const struct fs_theme_variant *v = &t.variant[FS_COLOR_256];
	struct fs_style pass = v->role[FS_ROLE_PASS], fail = v->role[FS_ROLE_FAIL];
	/* "#56b4e9" -> 74 (95,175,215), "#e69f00" -> 178 (215,175,0). */
	cr_assert_eq(pass.fg, 74);
	cr_assert_eq(fail.bg, 178);
	cr_assert(pass.bg != fail.bg);
	cr_assert(pass.attrs & FS_ATTR_BOLD);
	/* viridis in xterm colours: 53 (#440154) ... 220 (#fde725). */
	cr_assert_eq(v->heat[1].bg, 53);
	cr_assert_eq(v->heat[9].bg, 220);
	/* Its lightness rises step by step. */
	for (int k = 2; k < v->nr_heat; k++)
		cr_assert(luminance(v->heat[k].bg) > luminance(v->heat[k - 1].bg), "heat[%d]", k);
}

/* ===================================================================== */
/* Bad input                                                              */
/* ===================================================================== */

/* tests/fixtures/themes/bad-colour.yaml line 7 is "    bg: purpleish". */
Test(theme, bad_colour_is_a_warning_with_file_and_line)
{
	struct fs_theme t, builtin;
	struct fs_diags d = { 0 };
	fs_theme_builtin(&builtin);
	cr_assert_eq(fs_theme_load_file(&t, FIXTURES "/bad-colour.yaml", &d), 0);
	dump_diags(&d);
	cr_assert_eq(d.count, 1);
	cr_assert_eq(d.items[0].severity, FS_SEV_WARNING);
	cr_assert_str_eq(d.items[0].source, FIXTURES "/bad-colour.yaml");
	cr_assert_eq(d.items[0].line, 7);
	cr_assert(strstr(d.items[0].message, "expected a colour (a name, 0-255, #rrggbb or "
			 "default), got \"purpleish\""), "%s", d.items[0].message);
	cr_assert(strstr(d.items[0].message, "colors256.title.bg"), "%s", d.items[0].message);
	/* The rest applies: title fg, and the lines before and after. */
	const struct fs_theme_variant *v = &t.variant[FS_COLOR_256];
	cr_assert_eq(v->role[FS_ROLE_TITLE].fg, 231);
	const struct fs_theme_variant *bv = &builtin.variant[FS_COLOR_256];
	cr_assert_eq(v->role[FS_ROLE_TITLE].bg, bv->role[FS_ROLE_TITLE].bg);
	/* A style given replaces the old one: no bold unless it says so. */
	cr_assert_eq(v->role[FS_ROLE_TITLE].attrs, 0);
	cr_assert(same_style(v->role[FS_ROLE_NORMAL], (struct fs_style){ 250, -1, 0 }));
	cr_assert(same_style(v->role[FS_ROLE_HEADER],
			     (struct fs_style){ 33, -1, FS_ATTR_UNDERLINE }));
	/* What the file does not mention stays built-in. */
	cr_assert(same_style(v->role[FS_ROLE_FAIL], bv->role[FS_ROLE_FAIL]));
	cr_assert(memcmp(&t.variant[FS_COLOR_8], &builtin.variant[FS_COLOR_8],
			 sizeof(t.variant[0])) == 0);
	cr_assert_str_eq(t.name, "badcolour");
	fs_diags_clear(&d);
}

/* tests/fixtures/themes/syntax-error.yaml: line 4 " title:" is indented by
 * one space, which fits no mapping. */
Test(theme, syntax_error_fails_and_keeps_builtin)
{
	struct fs_theme t, builtin;
	struct fs_diags d = { 0 };
	fs_theme_builtin(&builtin);
	cr_assert_eq(fs_theme_load_file(&t, FIXTURES "/syntax-error.yaml", &d), -1);
	dump_diags(&d);
	cr_assert_eq(d.count, 1);
	cr_assert_eq(d.items[0].severity, FS_SEV_ERROR);
	cr_assert_str_eq(d.items[0].source, FIXTURES "/syntax-error.yaml");
	cr_assert_eq(d.items[0].line, 4);
	cr_assert(strstr(d.items[0].message, "not valid YAML"), "%s", d.items[0].message);
	/* Line 3 had set normal fg 10 before the error: undone. */
	cr_assert(same_theme_data(&t, &builtin));
	cr_assert_str_eq(t.path, "");
	fs_diags_clear(&d);
}

Test(theme, unknown_role_and_keys_are_warnings)
{
	struct fs_theme t;
	struct fs_diags d = { 0 };
	const char *text =
		"name: typo\n"                              /* 1 */
		"colour256: {}\n"                           /* 2: unknown key */
		"colors8:\n"                                /* 3 */
		"  nromal: { fg: red }\n"                   /* 4: unknown role */
		"  title: { fg: cyan, blink: yes }\n"       /* 5: unknown style key */
		"  migratetypes:\n"                         /* 6 */
		"    Movable: { fg: green }\n"              /* 7 */
		"    Moveable: { fg: red }\n"               /* 8: unknown migratetype */
		"  pass: { fg: green, attrs: [bold, blink] }\n"; /* 9: unknown attribute */
	cr_assert_eq(load_str(&t, text, &d), 0);
	dump_diags(&d);
	cr_assert_eq(d.count, 5);
	const struct fs_diag *g;
	cr_assert((g = find_diag(&d, "unknown key \"colour256\"")) && g->line == 2);
	cr_assert((g = find_diag(&d, "colors8: unknown role \"nromal\"")) && g->line == 4);
	cr_assert(strstr(g->message, "expected one of normal, title,"), "%s", g->message);
	cr_assert_str_eq(g->source, "themes/x.yaml");
	cr_assert_eq(g->severity, FS_SEV_WARNING);
	cr_assert((g = find_diag(&d, "unknown key \"blink\"")) && g->line == 5);
	cr_assert((g = find_diag(&d, "unknown migratetype \"Moveable\"")) && g->line == 8);
	cr_assert((g = find_diag(&d, "colors8.pass.attrs: expected bold")) && g->line == 9);
	cr_assert(strstr(g->message, "got \"blink\""));
	/* Everything else applied. */
	const struct fs_theme_variant *v = &t.variant[FS_COLOR_8];
	cr_assert(same_style(v->role[FS_ROLE_TITLE], (struct fs_style){ 6, -1, 0 }));
	cr_assert(same_style(v->mt[FS_MT_MOVABLE], (struct fs_style){ 2, -1, 0 }));
	cr_assert(same_style(v->role[FS_ROLE_PASS], (struct fs_style){ 2, -1, FS_ATTR_BOLD }));
	cr_assert_str_eq(t.name, "typo");
	fs_diags_clear(&d);
}

Test(theme, colour_syntax)
{
	struct fs_theme t;
	struct fs_diags d = { 0 };
	const char *text =
		"colors256:\n"
		"  normal: { fg: bright-red, bg: Blue }\n"      /* 9, 4 */
		/* 196; #808080 is grey 244: 8 + 10 * 12 = 128 */
		"  title: { fg: \"#ff0000\", bg: \"#808080\" }\n"
		"  header: { fg: \"#000000\", bg: default }\n"   /* 16 (0-15 are the terminal's) */
		"  label: { fg: 0, bg: 255 }\n"
		"  border: { fg: -1, bg: bright_white }\n"      /* -1, 15 */
		"colors8:\n"
		/* 9 -> 1; 208 (255,135,0) is nearest to yellow (205,205,0) */
		"  normal: { fg: 9, bg: 208 }\n"
		/* "#ff8000": nearest of the 8 is yellow, no warning; 12 -> 4 */
		"  title: { fg: \"#ff8000\", bg: bright-blue }\n"
		"mono:\n"
		"  normal: { fg: red, bg: 17, attrs: bold }\n"; /* colours ignored */
	cr_assert_eq(load_str(&t, text, &d), 0);
	dump_diags(&d);
	/* 9, 208 and bright-blue in colors8 are each reduced with a warning. */
	cr_assert_eq(d.count, 3);
	const struct fs_diag *g = find_diag(&d, "got 208; using 3 (yellow)");
	cr_assert(g && g->line == 8, "%s", d.count ? d.items[0].message : "");
	const struct fs_theme_variant *v = &t.variant[FS_COLOR_256];
	cr_assert(same_style(v->role[FS_ROLE_NORMAL], (struct fs_style){ 9, 4, 0 }));
	cr_assert(same_style(v->role[FS_ROLE_TITLE], (struct fs_style){ 196, 244, 0 }));
	cr_assert(same_style(v->role[FS_ROLE_HEADER], (struct fs_style){ 16, -1, 0 }));
	cr_assert(same_style(v->role[FS_ROLE_LABEL], (struct fs_style){ 0, 255, 0 }));
	cr_assert(same_style(v->role[FS_ROLE_BORDER], (struct fs_style){ -1, 15, 0 }));
	v = &t.variant[FS_COLOR_8];
	cr_assert(same_style(v->role[FS_ROLE_NORMAL], (struct fs_style){ 1, 3, 0 }));
	cr_assert(same_style(v->role[FS_ROLE_TITLE], (struct fs_style){ 3, 4, 0 }));
	v = &t.variant[FS_COLOR_MONO];
	cr_assert(same_style(v->role[FS_ROLE_NORMAL], (struct fs_style){ -1, -1, FS_ATTR_BOLD }));
	fs_diags_clear(&d);
}

Test(theme, bad_colours_are_named)
{
	static const char *const bad[] = {
		"purpleish", "256", "1000", "-2", "#12345", "#1234567", "#gg0000", "bright-",
		"bright-orange", "0x10", "", "1.5", "+3",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "colors256:\n  title: { fg: \"%s\", bg: 17 }\n",
			 bad[i]);
		struct fs_theme t;
		struct fs_diags d = { 0 };
		cr_assert_eq(load_str(&t, text, &d), 0);
		cr_assert_eq(d.count, 1, "%s", bad[i]);
		char want[64];
		snprintf(want, sizeof(want), "got \"%s\"", bad[i]);
		cr_assert(strstr(d.items[0].message, want), "%s", d.items[0].message);
		cr_assert_eq(d.items[0].line, 2);
		/* The bad fg keeps the built-in one; bg applies. */
		cr_assert_eq(t.variant[FS_COLOR_256].role[FS_ROLE_TITLE].fg, 231);
		cr_assert_eq(t.variant[FS_COLOR_256].role[FS_ROLE_TITLE].bg, 17);
		fs_diags_clear(&d);
	}
}

Test(theme, heat_list_length)
{
	struct fs_theme t, builtin;
	struct fs_diags d = { 0 };
	fs_theme_builtin(&builtin);
	/* One step, then seventeen: warnings, heat unchanged. */
	cr_assert_eq(load_str(&t, "colors256:\n  heat: [ {bg: 1} ]\n", &d), 0);
	cr_assert_eq(d.count, 1);
	cr_assert(strstr(d.items[0].message, "expected 2 to 16 steps, got 1"));
	cr_assert_eq(d.items[0].line, 2);
	cr_assert(same_theme_data(&t, &builtin));
	fs_diags_clear(&d);

	struct fs_buf b;
	fs_buf_init(&b);
	fs_buf_printf(&b, "colors256:\n  heat:\n");
	for (int i = 0; i < 17; i++)
		fs_buf_printf(&b, "    - { bg: %d }\n", 232 + i);
	cr_assert_eq(fs_theme_load_text(&t, b.data, b.len, "h.yaml", &d), 0);
	cr_assert_eq(d.count, 1);
	cr_assert(strstr(d.items[0].message, "expected 2 to 16 steps, got 17"));
	cr_assert(same_theme_data(&t, &builtin));
	fs_diags_clear(&d);
	fs_buf_free(&b);

	/* Three steps replace the ten; the steps past them are cleared. */
	cr_assert_eq(load_str(&t, "colors256:\n  heat: [ {bg: 235}, {bg: 17, fg: 250},"
			      " {bg: 226, fg: 16, attrs: [bold]} ]\n", &d), 0);
	cr_assert_eq(d.count, 0);
	const struct fs_theme_variant *v = &t.variant[FS_COLOR_256];
	cr_assert_eq(v->nr_heat, 3);
	cr_assert(same_style(v->heat[0], (struct fs_style){ -1, 235, 0 }));
	cr_assert(same_style(v->heat[1], (struct fs_style){ 250, 17, 0 }));
	cr_assert(same_style(v->heat[2], (struct fs_style){ 16, 226, FS_ATTR_BOLD }));
	cr_assert(same_style(v->heat[3], (struct fs_style){ -1, -1, 0 }));
	/* Not a list at all. */
	cr_assert_eq(load_str(&t, "colors8:\n  heat: red\n", &d), 0);
	cr_assert_eq(d.count, 1);
	cr_assert(strstr(d.items[0].message, "colors8.heat: expected a list"));
	fs_diags_clear(&d);
}

Test(theme, heat_chars_and_name)
{
	struct fs_theme t;
	struct fs_diags d = { 0 };
	cr_assert_eq(load_str(&t, "heat_chars: \" .oO@\"\n", &d), 0);
	cr_assert_eq(d.count, 0);
	cr_assert_str_eq(t.heat_chars, " .oO@");
	cr_assert_str_eq(t.name, "default");
	static const char *const bad[] = {
		"heat_chars: x\n", "heat_chars: \"0123456789abcdefg\"\n",
		"heat_chars: \"\\u00e9\\u00e8\"\n", "heat_chars: \"a\\tb\"\n",
		"heat_chars: [a, b]\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(load_str(&t, bad[i], &d), 0);
		cr_assert_eq(d.count, 1, "%s", bad[i]);
		cr_assert(strstr(d.items[0].message, "heat_chars: expected 2 to 16 printable"));
		cr_assert_str_eq(t.heat_chars, " .:-=+*#%@");
		fs_diags_clear(&d);
	}
	/* Control characters in a name are not passed on to the terminal. */
	cr_assert_eq(load_str(&t, "name: \"a\\x1b[2Jb\"\n", &d), 0);
	cr_assert_str_eq(t.name, "a?[2Jb");
	cr_assert_eq(d.count, 0);
}

Test(theme, not_a_theme_fails)
{
	static const char *const texts[] = {
		"", "# only a comment\n", "- a\n- b\n", "just words\n", "---\n", "[1, 2, 3]\n",
		"a: [\n", "a: b\n c: d\n", "key: \"unterminated\n",
	};
	struct fs_theme t, builtin;
	fs_theme_builtin(&builtin);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct fs_diags d = { 0 };
		cr_assert_eq(load_str(&t, texts[i], &d), -1, "%s", texts[i]);
		cr_assert_eq(fs_diags_count(&d, FS_SEV_ERROR), 1, "%s", texts[i]);
		cr_assert(same_theme_data(&t, &builtin));
		fs_diags_clear(&d);
	}
	struct fs_diags d = { 0 };
	cr_assert_eq(load_str(&t, "- a\n- b\n", &d), -1);
	cr_assert(strstr(d.items[0].message, "expected a theme (a mapping"), "%s",
		  d.items[0].message);
	cr_assert(strstr(d.items[0].message, "got a list"));
	cr_assert_eq(d.items[0].line, 1);
	fs_diags_clear(&d);
	/* No diagnostics wanted: still fine. */
	cr_assert_eq(fs_theme_load_text(&t, "- a\n", 4, NULL, NULL), -1);
	cr_assert_eq(fs_theme_load_text(&t, NULL, 0, NULL, NULL), -1);
}

Test(theme, aliases_and_second_documents)
{
	struct fs_theme t;
	struct fs_diags d = { 0 };
	const char *text =
		"colors256:\n"
		"  normal: &n { fg: 1 }\n"
		"  title: *n\n"                  /* 3: an alias is not followed */
		"---\n"
		"name: second\n";
	cr_assert_eq(load_str(&t, text, &d), 0);
	dump_diags(&d);
	cr_assert_eq(d.count, 2);
	const struct fs_diag *g = find_diag(&d, "colors256.title: expected a style");
	cr_assert(g && g->line == 3);
	cr_assert((g = find_diag(&d, "only the first document")) && g->line == 4);
	cr_assert_eq(t.variant[FS_COLOR_256].role[FS_ROLE_NORMAL].fg, 1);
	cr_assert_eq(t.variant[FS_COLOR_256].role[FS_ROLE_TITLE].fg, 231);
	cr_assert_str_eq(t.name, "default");
	fs_diags_clear(&d);
}

Test(theme, binary_garbage)
{
	struct fs_theme t, builtin;
	fs_theme_builtin(&builtin);
	unsigned char bin[4096];
	srand(7);
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)rand();
	struct fs_diags d = { 0 };
	cr_assert_eq(fs_theme_load_text(&t, (char *)bin, sizeof(bin), "bin", &d), -1);
	cr_assert_eq(fs_diags_count(&d, FS_SEV_ERROR), 1);
	cr_assert(same_theme_data(&t, &builtin));
	fs_diags_clear(&d);
	/* High bytes without NULs: not UTF-8, which libyaml refuses. */
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(0x80 | rand());
	cr_assert_eq(fs_theme_load_text(&t, (char *)bin, sizeof(bin), "bin", &d), -1);
	cr_assert_eq(fs_diags_count(&d, FS_SEV_ERROR), 1);
	fs_diags_clear(&d);
	/* A NUL inside an otherwise good file. */
	static const char nul[] = "name: a\0b\ncolors8: {}\n";
	cr_assert_eq(fs_theme_load_text(&t, nul, sizeof(nul) - 1, "nul", &d), -1);
	fs_diags_clear(&d);
}

/* 1 MB of '[' (under the 1 MiB limit): refused at the 33rd level, fast. */
Test(theme, deep_nesting, .timeout = 10)
{
	size_t n = 1000000;
	char *text = fs_xmalloc(n + 32);
	struct fs_theme t, builtin;
	struct fs_diags d = { 0 };
	fs_theme_builtin(&builtin);
	memset(text, '[', n);
	cr_assert_eq(fs_theme_load_text(&t, text, n, "deep", &d), -1);
	cr_assert_eq(d.count, 1);
	fs_diags_clear(&d);

	int head = snprintf(text, 32, "colors256:\n  normal: ");
	memset(text + head, '[', n - (size_t)head);
	cr_assert_eq(fs_theme_load_text(&t, text, n, "deep", &d), -1);
	/* "expected a style" for normal, then the error while skipping it. */
	cr_assert_eq(fs_diags_count(&d, FS_SEV_ERROR), 1);
	const struct fs_diag *g = find_diag(&d, "nested deeper than 32 levels");
	cr_assert(g && g->severity == FS_SEV_ERROR);
	cr_assert_eq(g->line, 2);
	cr_assert(same_theme_data(&t, &builtin));
	fs_diags_clear(&d);

	/* 32 levels are fine, just unknown. */
	strcpy(text, "x: ");
	memset(text + 3, '[', 31);
	memset(text + 34, ']', 31);
	text[65] = '\0';
	cr_assert_eq(load_str(&t, text, &d), 0);
	cr_assert_eq(d.count, 1);
	cr_assert(strstr(d.items[0].message, "unknown key \"x\""));
	fs_diags_clear(&d);
	free(text);
}

Test(theme, huge_files, .timeout = 10)
{
	char dir[] = "/tmp/fs-theme-XXXXXX";
	cr_assert(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/huge.yaml", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	/* 2 MiB of valid YAML comments: too big to be a theme. */
	for (int i = 0; i < 32768; i++)
		fprintf(f, "# %061d\n", i);
	fclose(f);
	struct fs_theme t;
	struct fs_diags d = { 0 };
	cr_assert_eq(fs_theme_load_file(&t, path, &d), -1);
	cr_assert_eq(d.count, 1);
	cr_assert(strstr(d.items[0].message, "larger than 1048576 bytes"));
	cr_assert_str_eq(d.items[0].source, path);
	fs_diags_clear(&d);
	/* Not there, and a directory. */
	cr_assert_eq(fs_theme_load_file(&t, "/nonexistent/x.yaml", &d), -1);
	cr_assert(strstr(d.items[0].message, "cannot read the theme"));
	fs_diags_clear(&d);
	cr_assert_eq(fs_theme_load_file(&t, dir, &d), -1);
	fs_diags_clear(&d);
	unlink(path);
	rmdir(dir);
}

/* Mutations of a good theme: whatever comes out, no crash, and a failure
 * leaves exactly the built-in default. */
Test(theme, fuzz_mutations, .timeout = 60)
{
	char *text;
	size_t len;
	cr_assert_eq(fs_read_file(THEMES "/colorblind.yaml", 1 << 20, &text, &len), 0);
	char *buf = fs_xmalloc(len);
	struct fs_theme t, builtin;
	fs_theme_builtin(&builtin);
	static const char pool[] = "[]{}:,-#&*!|>'\"%@` \n\t\\?0aZ\x01\xff";
	srand(12345);
	int ok = 0, failed = 0;
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(buf, text, len);
		size_t n = len;
		int edits = 1 + rand() % 8;
		for (int e = 0; e < edits; e++) {
			size_t at = (size_t)rand() % n;
			switch (rand() % 3) {
			case 0: buf[at] = pool[rand() % (int)(sizeof(pool) - 1)]; break;
			case 1: n = at + 1; break;                       /* cut */
			default: buf[at] = (char)rand(); break;
			}
		}
		struct fs_diags d = { 0 };
		int rc = fs_theme_load_text(&t, buf, n, "fuzz", &d);
		if (rc < 0) {
			failed++;
			cr_assert(same_theme_data(&t, &builtin));
			cr_assert(fs_diags_count(&d, FS_SEV_ERROR) >= 1);
		} else {
			ok++;
			cr_assert_eq(rc, 0);
			for (int m = 0; m < 3; m++)
				cr_assert(t.variant[m].nr_heat >= 2 &&
					  t.variant[m].nr_heat <= FS_HEAT_STEPS_MAX);
			cr_assert(strlen(t.heat_chars) >= 2);
		}
		for (size_t i = 0; i < d.count; i++)
			cr_assert(d.items[i].line <= 200, "line %u", d.items[i].line);
		fs_diags_clear(&d);
	}
	cr_assert(ok > 0 && failed > 0, "ok %d failed %d", ok, failed);
	free(buf);
	free(text);
}

/* ===================================================================== */
/* Finding and listing                                                    */
/* ===================================================================== */

static void touch(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fputs("name: x\n", f);
	fclose(f);
}

static void mkdirs(const char *path)
{
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0700);
			*p = '/';
		}
	cr_assert(mkdir(tmp, 0700) == 0 || errno == EEXIST, "%s", tmp);
}

struct place {
	char root[64];
	char xdg[128], xdg_themes[192];
	char home[128], home_themes[192];
	char d1[128];
};

/* A temp tree: XDG_CONFIG_HOME with light and mine, HOME with light, and
 * an extra directory with default, zeta and things that are no themes. */
static void make_places(struct place *p)
{
	snprintf(p->root, sizeof(p->root), "/tmp/fs-theme-find-XXXXXX");
	cr_assert(mkdtemp(p->root));
	snprintf(p->xdg, sizeof(p->xdg), "%s/xdg", p->root);
	snprintf(p->xdg_themes, sizeof(p->xdg_themes), "%s/fragscope/themes", p->xdg);
	snprintf(p->home, sizeof(p->home), "%s/home", p->root);
	snprintf(p->home_themes, sizeof(p->home_themes), "%s/.config/fragscope/themes", p->home);
	snprintf(p->d1, sizeof(p->d1), "%s/d1", p->root);
	mkdirs(p->xdg_themes);
	mkdirs(p->home_themes);
	mkdirs(p->d1);
	touch(p->xdg_themes, "light.yaml");
	touch(p->xdg_themes, "mine.yaml");
	touch(p->home_themes, "light.yaml");
	touch(p->home_themes, "homeonly.yaml");
	touch(p->d1, "default.yaml");
	touch(p->d1, "zeta.yaml");
	touch(p->d1, "a..b.yaml");
	touch(p->d1, ".hidden.yaml");
	touch(p->d1, "notes.txt");
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/sub.yaml", p->d1);
	mkdirs(sub);
	setenv("XDG_CONFIG_HOME", p->xdg, 1);
	setenv("HOME", p->home, 1);
}

Test(theme, find_order)
{
	struct place p;
	make_places(&p);
	const char *dirs[] = { p.d1, THEMES };
	char path[4096], want[512];

	/* The user's theme of the same name wins over the installed one. */
	cr_assert_eq(fs_theme_find("light", dirs, 2, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/light.yaml", p.xdg_themes);
	cr_assert_str_eq(path, want);
	/* "light.yaml" is the same name. */
	cr_assert_eq(fs_theme_find("light.yaml", dirs, 2, path, sizeof(path)), 0);
	cr_assert_str_eq(path, want);
	/* dirs in order: d1's default before the source tree's. */
	cr_assert_eq(fs_theme_find("default", dirs, 2, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/default.yaml", p.d1);
	cr_assert_str_eq(path, want);
	const char *dirs_rev[] = { THEMES, p.d1 };
	cr_assert_eq(fs_theme_find("default", dirs_rev, 2, path, sizeof(path)), 0);
	cr_assert_str_eq(path, THEMES "/default.yaml");
	cr_assert_eq(fs_theme_find("mono", dirs, 2, path, sizeof(path)), 0);
	cr_assert_str_eq(path, THEMES "/mono.yaml");
	/* HOME's directory only counts when XDG_CONFIG_HOME is unset or empty. */
	cr_assert_eq(fs_theme_find("homeonly", dirs, 2, path, sizeof(path)), -1);
	setenv("XDG_CONFIG_HOME", "", 1);
	cr_assert_eq(fs_theme_find("light", dirs, 2, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/light.yaml", p.home_themes);
	cr_assert_str_eq(path, want);
	unsetenv("XDG_CONFIG_HOME");
	cr_assert_eq(fs_theme_find("homeonly", dirs, 2, path, sizeof(path)), 0);
	unsetenv("HOME");
	cr_assert_eq(fs_theme_find("light", dirs, 2, path, sizeof(path)), 0);
	cr_assert_str_eq(path, THEMES "/light.yaml");

	/* Not found; names with ".."; things that are no regular file. */
	cr_assert_eq(fs_theme_find("nosuch", dirs, 2, path, sizeof(path)), -1);
	cr_assert_eq(fs_theme_find("a..b", dirs, 2, path, sizeof(path)), -1);
	cr_assert_eq(fs_theme_find("..", dirs, 2, path, sizeof(path)), -1);
	cr_assert_eq(fs_theme_find("", dirs, 2, path, sizeof(path)), -1);
	cr_assert_eq(fs_theme_find("sub", dirs, 2, path, sizeof(path)), -1);
	cr_assert_eq(fs_theme_find("light", NULL, 0, path, sizeof(path)), -1);
	/* Too small a buffer is not a match. */
	cr_assert_eq(fs_theme_find("mono", dirs, 2, path, 8), -1);

	/* A name with '/' is a path. */
	cr_assert_eq(fs_theme_find(FIXTURES "/bad-colour.yaml", dirs, 2, path, sizeof(path)), 0);
	cr_assert_str_eq(path, FIXTURES "/bad-colour.yaml");
	cr_assert_eq(fs_theme_find(FIXTURES "/nosuch.yaml", dirs, 2, path, sizeof(path)), -1);
	cr_assert_eq(fs_theme_find(FIXTURES, dirs, 2, path, sizeof(path)), -1);
}

Test(theme, list_sorted_unique)
{
	struct place p;
	make_places(&p);
	const char *dirs[] = { p.d1, THEMES };
	char names[16][64];
	/* xdg: light mine; d1: default zeta (a..b, .hidden, notes.txt and the
	 * directory sub.yaml are no themes); source: colorblind default light
	 * mono. HOME's homeonly does not count while XDG_CONFIG_HOME is set. */
	size_t n = fs_theme_list(dirs, 2, names, 16);
	static const char *const want[] = { "colorblind", "default", "light", "mine", "mono",
					    "zeta" };
	cr_assert_eq(n, 6);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(names[i], want[i]);
	/* max cuts the sorted list. */
	cr_assert_eq(fs_theme_list(dirs, 2, names, 3), 3);
	cr_assert_str_eq(names[2], "light");
	cr_assert_eq(fs_theme_list(dirs, 2, names, 0), 0);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	cr_assert_eq(fs_theme_list(NULL, 0, names, 16), 0);
	const char *shipped_only[] = { THEMES, "/nonexistent" };
	cr_assert_eq(fs_theme_list(shipped_only, 2, names, 16), 4);
	cr_assert_str_eq(names[0], "colorblind");
	cr_assert_str_eq(names[3], "mono");
}

/* ===================================================================== */
/* Colour mode and heat                                                   */
/* ===================================================================== */

Test(theme, color_mode)
{
	cr_assert_eq(fs_color_mode_for(256, false, false), FS_COLOR_256);
	cr_assert_eq(fs_color_mode_for(16777216, false, false), FS_COLOR_256);
	cr_assert_eq(fs_color_mode_for(255, false, false), FS_COLOR_8);
	cr_assert_eq(fs_color_mode_for(88, false, false), FS_COLOR_8);
	cr_assert_eq(fs_color_mode_for(16, false, false), FS_COLOR_8);
	cr_assert_eq(fs_color_mode_for(8, false, false), FS_COLOR_8);
	cr_assert_eq(fs_color_mode_for(7, false, false), FS_COLOR_MONO);
	cr_assert_eq(fs_color_mode_for(0, false, false), FS_COLOR_MONO);
	cr_assert_eq(fs_color_mode_for(-1, false, false), FS_COLOR_MONO);
	cr_assert_eq(fs_color_mode_for(256, true, false), FS_COLOR_MONO);
	cr_assert_eq(fs_color_mode_for(256, false, true), FS_COLOR_MONO);
	cr_assert_eq(fs_color_mode_for(8, true, true), FS_COLOR_MONO);
}

Test(theme, heat_step_values)
{
	/* 1 + floor((nr_steps - 2) * log(count) / log(max)), 10 steps: */
	cr_assert_eq(fs_heat_step(0, 1000, 10), 0);
	cr_assert_eq(fs_heat_step(1, 1000, 10), 1);      /* log 1 = 0 */
	cr_assert_eq(fs_heat_step(10, 1000, 10), 3);     /* 1 + floor(8 * 1/3 = 2.67) */
	cr_assert_eq(fs_heat_step(100, 1000, 10), 6);    /* 1 + floor(8 * 2/3 = 5.33) */
	cr_assert_eq(fs_heat_step(999, 1000, 10), 8);    /* 1 + floor(8 * 0.99986 = 7.9988) */
	cr_assert_eq(fs_heat_step(1000, 1000, 10), 9);   /* at max: hottest */
	cr_assert_eq(fs_heat_step(5000, 1000, 10), 9);
	cr_assert_eq(fs_heat_step(10, 100, 10), 5);      /* 1 + 8 * 1/2, exactly on a step */
	cr_assert_eq(fs_heat_step(2, 4, 6), 3);          /* 1 + floor(4 * 1/2) */
	cr_assert_eq(fs_heat_step(3, 4, 6), 4);          /* 1 + floor(4 * 0.792 = 3.17) */
	/* max <= 1: any count is the hottest. */
	cr_assert_eq(fs_heat_step(1, 1, 10), 9);
	cr_assert_eq(fs_heat_step(7, 0, 10), 9);
	cr_assert_eq(fs_heat_step(0, 0, 10), 0);
	/* Two steps: empty or not. */
	cr_assert_eq(fs_heat_step(1, 100, 2), 1);
	cr_assert_eq(fs_heat_step(99, 100, 2), 1);
	cr_assert_eq(fs_heat_step(0, 100, 2), 0);
	cr_assert_eq(fs_heat_step(UINT64_MAX, UINT64_MAX, 16), 15);
	/* A double cannot tell these logs apart: 1 + floor(14 * 1.0) = 15. */
	cr_assert_eq(fs_heat_step(UINT64_MAX - 1, UINT64_MAX, 16), 15);
}

Test(theme, heat_step_monotonic)
{
	static const uint64_t maxes[] = { 1, 2, 3, 7, 100, 1000, 12345, 1u << 20,
					  UINT64_C(1) << 40 };
	for (size_t mi = 0; mi < sizeof(maxes) / sizeof(maxes[0]); mi++) {
		uint64_t max = maxes[mi];
		for (int steps = 2; steps <= FS_HEAT_STEPS_MAX; steps++) {
			int prev = 0;
			uint64_t count = 0;
			while (count <= max + 2) {
				int s = fs_heat_step(count, max, steps);
				cr_assert(s >= prev, "max %lu steps %d count %lu",
					  (unsigned long)max, steps, (unsigned long)count);
				cr_assert(s >= (count ? 1 : 0) && s <= steps - 1);
				prev = s;
				/* every count up to 5000, then growing by 1/64 */
				count = count < 5000 ? count + 1 : count + count / 64;
			}
			/* max itself (the loop may step over it): the hottest. */
			cr_assert_eq(fs_heat_step(max, max, steps), steps - 1);
			cr_assert(prev <= steps - 1);
		}
	}
}
