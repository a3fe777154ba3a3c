/*
 * show_text.c - a snapshot as text: per zone an aligned table of free
 * blocks per migratetype x order, then the zone's numbers, then what the
 * input got wrong. Meant to be read by people and grepped by scripts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define CELL_MAX 24
#define TABLE_ROWS (FS_MT_COUNT + 2)   /* header, migratetypes, total */

struct table {
	int nr_cols;
	int nr_rows;
	char label[TABLE_ROWS][16];
	char cell[TABLE_ROWS][FS_MAX_ORDERS][CELL_MAX];
};

/* A count as the table shows it; sets *inexact for the legend. */
static void format_count(char *buf, size_t size, struct fs_count c, bool *inexact)
{
	switch (c.kind) {
	case FS_COUNT_EXACT:
		snprintf(buf, size, "%" PRIu64, c.value);
		return;
	case FS_COUNT_CAPPED:
		snprintf(buf, size, ">%" PRIu64, c.value);
		break;
	case FS_COUNT_NONEMPTY:
		snprintf(buf, size, "+");
		break;
	case FS_COUNT_EMPTY_KNOWN:
		snprintf(buf, size, ".");
		break;
	default:
		snprintf(buf, size, "?");
		break;
	}
	*inexact = true;
}

static void table_row(struct table *t, const char *label, const struct fs_count *counts,
		      bool *inexact)
{
	int r = t->nr_rows++;
	snprintf(t->label[r], sizeof(t->label[r]), "%s", label);
	for (int o = 0; o < t->nr_cols; o++)
		format_count(t->cell[r][o], CELL_MAX, counts[o], inexact);
}

static void table_print(FILE *out, const struct table *t)
{
	int label_w = 0, col_w[FS_MAX_ORDERS] = { 0 };
	for (int r = 0; r < t->nr_rows; r++) {
		int n = (int)strlen(t->label[r]);
		if (n > label_w)
			label_w = n;
		for (int o = 0; o < t->nr_cols; o++) {
			n = (int)strlen(t->cell[r][o]);
			if (n > col_w[o])
				col_w[o] = n;
		}
	}
	for (int r = 0; r < t->nr_rows; r++) {
		fprintf(out, "  %-*s", label_w, t->label[r]);
		for (int o = 0; o < t->nr_cols; o++)
			fprintf(out, "  %*s", col_w[o], t->cell[r][o]);
		fputc('\n', out);
	}
}

static void print_free_table(FILE *out, const struct fs_snapshot *s, const struct fs_zone *z,
			     int nr_orders)
{
	if (!(z->known & (FS_ZK_MT_BLOCKS | FS_ZK_ORDER_BLOCKS))) {
		fprintf(out, "  (no free-list counts in this input)\n");
		return;
	}
	struct table t;
	memset(&t, 0, sizeof(t));
	t.nr_cols = nr_orders;
	snprintf(t.label[0], sizeof(t.label[0]), "order");
	for (int o = 0; o < nr_orders; o++)
		snprintf(t.cell[0][o], CELL_MAX, "%d", o);
	t.nr_rows = 1;
	bool inexact = false;
	if (z->known & FS_ZK_MT_BLOCKS) {
		enum fs_mt mts[FS_MT_COUNT];
		int n = fs_zone_rows_in_order(s, z, mts);
		for (int i = 0; i < n; i++)
			table_row(&t, fs_mt_name(mts[i]), z->mt_blocks[mts[i]], &inexact);
	}
	if (z->known & FS_ZK_ORDER_BLOCKS)
		table_row(&t, "total", z->order_blocks, &inexact);
	table_print(out, &t);
	if (inexact)
		fprintf(out, "  (>N: at least N   +: some   .: none   ?: not known)\n");
}

static void print_pages(FILE *out, const char *label, uint64_t pages, unsigned page_size,
			const char *note)
{
	double mib = (double)pages * (double)page_size / (1024.0 * 1024.0);
	fprintf(out, "  %-19s %10" PRIu64 " pages %10.1f MiB%s%s\n", label, pages, mib,
		note ? "  " : "", note ? note : "");
}

static void print_zone_numbers(FILE *out, const struct fs_snapshot *s, const struct fs_zone *z)
{
	unsigned ps = s->meta.page_size ? s->meta.page_size : 4096;
	if (z->known & FS_ZK_FREE_PAGES)
		print_pages(out, "free", z->free_pages, ps, NULL);
	if (z->known & FS_ZK_ORDER_BLOCKS)
		print_pages(out, "in free lists", fs_zone_area_pages(z), ps, NULL);
	if (z->known & FS_ZK_WMARK) {
		print_pages(out, "min", z->wmark_min, ps, NULL);
		print_pages(out, "low", z->wmark_low, ps, NULL);
		print_pages(out, "high", z->wmark_high, ps, NULL);
	}
	if (z->known & FS_ZK_BOOST)
		print_pages(out, "boost", z->wmark_boost, ps, NULL);
	if (z->known & FS_ZK_PROMO)
		print_pages(out, "promo", z->wmark_promo, ps, NULL);
	if (z->known & FS_ZK_MANAGED)
		print_pages(out, "managed", z->managed, ps, NULL);
	if (z->known & FS_ZK_CMA_PAGES)
		print_pages(out, "CMA area", z->cma_pages, ps, NULL);
	if (z->known & FS_ZK_FREE_CMA)
		print_pages(out, "CMA free", z->free_cma, ps, NULL);
	if (z->known & FS_ZK_RESERVED_HIGHATOMIC)
		print_pages(out, "highatomic reserved", z->reserved_highatomic, ps, NULL);
	if (z->known & FS_ZK_FREE_HIGHATOMIC)
		print_pages(out, "highatomic free", z->free_highatomic, ps, NULL);
	if (z->known & FS_ZK_PAGEBLOCKS) {
		fprintf(out, "  %-19s", "pageblocks");
		for (int i = 0; i < s->meta.nr_mt_order && i < FS_MT_COUNT; i++) {
			unsigned mt = s->meta.mt_order[i];
			if (mt < FS_MT_COUNT)
				fprintf(out, " %s %" PRIu64, fs_mt_name((enum fs_mt)mt),
					z->pageblocks[mt]);
		}
		fputc('\n', out);
	}
	if (z->known & FS_ZK_PROTECTION) {
		fprintf(out, "  %-19s", "protection");
		for (int i = 0; i < z->nr_protection && i < FS_MAX_ZONE_TYPES; i++)
			fprintf(out, " %" PRIu64, z->protection[i]);
		fprintf(out, " pages\n");
	}
}

static void print_time(FILE *out, double t, enum fs_time_base base)
{
	if (base == FS_TIME_EPOCH) {
		time_t secs = (time_t)t;
		struct tm tm;
		char buf[64];
		if (localtime_r(&secs, &tm) &&
		    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %z", &tm))
			fputs(buf, out);
		else
			fprintf(out, "%.3f", t);
	} else if (base == FS_TIME_BOOT) {
		fprintf(out, "%.6f s after boot", t);
	} else {
		fprintf(out, "%.6f", t);
	}
}

static void print_meta(FILE *out, const struct fs_snapshot *s, int nr_orders)
{
	const struct fs_meta *m = &s->meta;
	fprintf(out, "source %s", m->source[0] ? m->source : "(unknown)");
	if (m->hostname[0])
		fprintf(out, "  host %s", m->hostname);
	if (m->time_base != FS_TIME_UNKNOWN) {
		fputs("  time ", out);
		print_time(out, m->time, m->time_base);
	}
	fputc('\n', out);
	fprintf(out, "kernel %s  page size %u  orders 0-%d",
		m->kernel_release[0] ? m->kernel_release : "(unknown)", m->page_size,
		nr_orders - 1);
	if (m->pageblock_order >= 0 && m->pageblock_order < 32)
		fprintf(out, "  pageblock order %d (%lu pages)", m->pageblock_order,
			1ul << m->pageblock_order);
	fputc('\n', out);
}

void show_text_snapshot(FILE *out, const struct fs_snapshot *s)
{
	int nr_orders = fs_snapshot_nr_orders(s);
	if (nr_orders > FS_MAX_ORDERS)
		nr_orders = FS_MAX_ORDERS;
	if (nr_orders < 1)
		nr_orders = 1;
	print_meta(out, s, nr_orders);
	if (s->nr_zones == 0)
		fprintf(out, "\n(no zones in this input)\n");
	for (size_t i = 0; i < s->nr_zones; i++) {
		const struct fs_zone *z = &s->zones[i];
		fprintf(out, "\nNode %d, zone %s", z->node, z->name);
		if (!z->populated) {
			fprintf(out, "  (empty)\n");
			continue;
		}
		fputc('\n', out);
		print_free_table(out, s, z, nr_orders);
		print_zone_numbers(out, s, z);
	}
	if (s->diags.count) {
		fprintf(out, "\ndiagnostics:\n");
		cli_print_diags(out, &s->diags, "  ");
	}
}

void show_text_report(FILE *out, const struct fs_report *r)
{
	if (r->kind == FS_REPORT_VMALLOC)
		fprintf(out, "vmalloc failure: %s\n", r->message[0] ? r->message : "(no text)");
	else
		fprintf(out, "page allocation failure\n");
	if (r->order >= 0 || r->has_mode) {
		fprintf(out, "  order %d", r->order);
		if (r->has_mode) {
			fprintf(out, ", mode %#" PRIx64, r->mode);
			if (r->mode_names[0])
				fprintf(out, " (%s)", r->mode_names);
		}
		fputc('\n', out);
	}
	fprintf(out, "  task %s", r->comm[0] ? r->comm : "(unknown)");
	if (r->pid >= 0)
		fprintf(out, ", pid %d", r->pid);
	if (r->cpu >= 0)
		fprintf(out, ", cpu %d", r->cpu);
	fputc('\n', out);
	if (r->has_timestamp) {
		fputs("  time ", out);
		print_time(out, r->timestamp, r->time_base);
		fputc('\n', out);
	}
	fprintf(out, "  kernel %s\n", r->kernel_release[0] ? r->kernel_release : "(unknown)");
	if (r->wallclock[0])
		fprintf(out, "  date %s\n", r->wallclock);
	if (r->nodemask[0] || r->cpuset[0] || r->mems_allowed[0]) {
		fputc(' ', out);
		if (r->nodemask[0])
			fprintf(out, " nodemask %s", r->nodemask);
		if (r->cpuset[0])
			fprintf(out, " cpuset %s", r->cpuset);
		if (r->mems_allowed[0])
			fprintf(out, " mems_allowed %s", r->mems_allowed);
		fputc('\n', out);
	}
	if (r->first_line)
		fprintf(out, "  lines %u-%u\n", r->first_line, r->last_line);
}

void show_text_frame(FILE *out, const struct fs_frame *f, const struct show_position *pos)
{
	if (pos->total > 1 || pos->input) {
		fprintf(out, "=== frame %zu (0..%zu)", pos->index, pos->total ? pos->total - 1 : 0);
		if (pos->input)
			fprintf(out, " of %s", pos->input);
		fputc('\n', out);
	}
	for (size_t i = 0; i < f->events.count; i++) {
		show_text_report(out, &f->events.items[i]);
		fputc('\n', out);
	}
	if (f->snapshot)
		show_text_snapshot(out, f->snapshot);
	else if (f->events.count == 0)
		fprintf(out, "(empty frame)\n");
}
