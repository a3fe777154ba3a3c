/*
 * krules.c - the page allocator's per-zone decisions as each kernel version
 * makes them: __zone_watermark_ok, zone_watermark_fast, the free-list pick of
 * rmqueue/__rmqueue (own type, CMA, fallback, HighAtomic), fallbacks[] and
 * compaction suitability.
 *
 * Reference: ../shared/kernel-rules.md §2.3, §4, §5, §6, §10, §11, §12, which
 * was read from the trees of its §0.1 (4.4.155, 4.19.108, 5.4.273, 5.10.89,
 * 5.15.135, 6.1.10, 6.1.119, 6.6.87, 6.12.0, 6.18.2). Where this file adds to
 * it, the source is named next to the rule.
 *
 * Code paths branch on profile fields (include/fragscope/kprofile.h), never
 * on version numbers: each version fact is a field there, with its source.
 *
 * Unknown inputs (a snapshot from buddyinfo alone, a warn_alloc report that
 * does not print nr_reserved_highatomic, ...) are taken in the request's
 * favour and the result says so: a failure is always certain, a pass may rest
 * on an assumption (found_uncertain, order0_uncertain, pick.uncertain).
 */
#include "fragscope/krules.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

/* A zone with quiet set (the engine's hot path) gets every number and
 * decision but none of the text: formatting would cost more than the
 * decision. Set for the duration of each public call (calls nest). */
static _Thread_local bool text_off;

/* Append to a text buffer; nothing at all on the quiet path (not even the call). */
#define cat(...) do { if (!text_off) cat_text(__VA_ARGS__); } while (0)

struct text_scope {
	bool saved;
};
static struct text_scope text_begin(const struct fs_rules_zone *z)
{
	struct text_scope t = { text_off };
	text_off = z->quiet;
	return t;
}
static void text_end(struct text_scope t)
{
	text_off = t.saved;
}

static void cat_text(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cat_text(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	if (len + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* Results start zeroed; on the quiet path the text buffers (most of their
 * size) only get an empty string, for the engine's millions of calls. */
static void wmark_reset(struct fs_wmark_result *r)
{
	if (!text_off) {
		memset(r, 0, sizeof(*r));
		return;
	}
	memset(r, 0, offsetof(struct fs_wmark_result, reductions));
	r->reductions[0] = '\0';
	memset(&r->free_pages, 0, offsetof(struct fs_wmark_result, assumed) -
				  offsetof(struct fs_wmark_result, free_pages));
	r->assumed[0] = '\0';
}

static void pick_reset(struct fs_pick *pick)
{
	if (!text_off) {
		memset(pick, 0, sizeof(*pick));
		return;
	}
	memset(pick, 0, offsetof(struct fs_pick, why));
	pick->why[0] = '\0';
}

/*
 * Page counts from the input are capped so that no sum or difference below
 * can overflow, whatever a hostile snapshot says: 2^52 pages is 16 EiB of
 * 4 KiB pages, beyond any machine.
 */
#define PAGES_MAX ((int64_t)1 << 52)

static int64_t pages(uint64_t v)
{
	return v > (uint64_t)PAGES_MAX ? PAGES_MAX : (int64_t)v;
}

/* n blocks of order o, in pages, capped */
static int64_t block_pages(uint64_t n, int o)
{
	return n > ((uint64_t)PAGES_MAX >> o) ? PAGES_MAX : (int64_t)(n << o);
}

static int64_t add_capped(int64_t a, int64_t b)
{
	return a > PAGES_MAX - b ? PAGES_MAX : a + b;
}

/* The zone's orders and pageblock order, kept inside the arrays whatever a
 * caller filled in. */
static int nr_orders(const struct fs_rules_zone *z)
{
	return z->nr_orders < 0 ? 0 : z->nr_orders > FS_MAX_ORDERS ? FS_MAX_ORDERS : z->nr_orders;
}

static int pb_order(const struct fs_rules_zone *z)
{
	return z->pageblock_order < 0 ? 0 : z->pageblock_order > FS_MAX_ORDERS ? FS_MAX_ORDERS
									: z->pageblock_order;
}

static bool is_min_nonblock(const struct fs_kprofile *p)
{
	return p->reserve_scheme == FS_RESERVE_MIN_NONBLOCK;
}

/* The flags this version has: identities it does not know are ignored. */
static unsigned version_flags(const struct fs_kprofile *p, unsigned flags)
{
	if (is_min_nonblock(p))
		flags &= ~(unsigned)(FS_ALLOC_HIGH | FS_ALLOC_HARDER);
	else
		flags &= ~(unsigned)(FS_ALLOC_MIN_RESERVE | FS_ALLOC_NON_BLOCK |
				     FS_ALLOC_HIGHATOMIC);
	if (!p->oom_victim_alloc_oom)
		flags &= ~(unsigned)FS_ALLOC_OOM;
	if (!p->has_nofragment)
		flags &= ~(unsigned)FS_ALLOC_NOFRAGMENT;
	return flags;
}

/* ALLOC_RESERVES (6.3+) or HARDER|OOM (4.15-6.2), HARDER (4.4-4.14): the
 * flags that keep the highatomic reserve from being subtracted. */
static bool reserve_entitled(const struct fs_kprofile *p, unsigned flags)
{
	if (is_min_nonblock(p))
		return flags & (FS_ALLOC_NON_BLOCK | FS_ALLOC_MIN_RESERVE | FS_ALLOC_HIGHATOMIC |
				FS_ALLOC_OOM);
	return flags & (FS_ALLOC_HARDER | FS_ALLOC_OOM);
}

/* May the per-order test count the HighAtomic lists (4.15+)? */
static bool highatomic_lists_allowed(const struct fs_kprofile *p, unsigned flags)
{
	if (is_min_nonblock(p))
		return flags & (FS_ALLOC_HIGHATOMIC | FS_ALLOC_OOM);
	return flags & (FS_ALLOC_HARDER | FS_ALLOC_OOM);
}

static const char *wmark_name(enum fs_wmark w)
{
	return w == FS_WMARK_MIN ? "min" : w == FS_WMARK_LOW ? "low" : "high";
}

/* ------------------------------------------------------------------------ */
/* Free-list states                                                         */

static enum fs_list_state count_state(struct fs_count c)
{
	switch (c.kind) {
	case FS_COUNT_EXACT:
		return c.value ? FS_LIST_NONEMPTY : FS_LIST_EMPTY;
	case FS_COUNT_CAPPED:
		return c.value ? FS_LIST_NONEMPTY : FS_LIST_UNKNOWN;
	case FS_COUNT_NONEMPTY:
		return FS_LIST_NONEMPTY;
	case FS_COUNT_EMPTY_KNOWN:
		return FS_LIST_EMPTY;
	default:
		return FS_LIST_UNKNOWN;
	}
}

/* area->nr_free != 0, for all types of one order. */
static enum fs_list_state area_state(const struct fs_rules_zone *z, int o)
{
	if (o < 0 || o >= nr_orders(z))
		return FS_LIST_EMPTY;
	return count_state(z->nr_free[o]);
}

enum fs_list_state fs_rules_list(const struct fs_rules_zone *z, int order, enum fs_mt mt)
{
	if (order < 0 || order >= nr_orders(z) || (unsigned)mt >= FS_MT_COUNT)
		return FS_LIST_EMPTY;
	enum fs_list_state s = count_state(z->blocks[order][mt]);
	if (s == FS_LIST_UNKNOWN && area_state(z, order) == FS_LIST_EMPTY)
		return FS_LIST_EMPTY;   /* nothing of any type at this order */
	return s;
}

/* ------------------------------------------------------------------------ */
/* fs_rules_zone_from_snapshot                                              */

static void note(struct fs_rules_zone *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct fs_rules_zone *out, const char *fmt, ...)
{
	size_t len = strnlen(out->notes, sizeof(out->notes));
	if (len + 2 >= sizeof(out->notes))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->notes + len, sizeof(out->notes) - len - 1, fmt, ap);
	va_end(ap);
	len = strnlen(out->notes, sizeof(out->notes));
	if (len + 1 < sizeof(out->notes)) {
		out->notes[len] = '\n';
		out->notes[len + 1] = '\0';
	}
}

/* The sum over the printed types of one order: exact when every row was exact,
 * else a lower bound (kind CAPPED), NONE when nothing is known. */
static struct fs_count sum_of_types(const struct fs_zone *z, int o)
{
	struct fs_count sum = { 0, FS_COUNT_EXACT };
	bool any = false;
	for (int mt = 0; mt < FS_MT_COUNT; mt++) {
		if (!(z->mt_rows & (1u << mt)))
			continue;
		struct fs_count c = z->mt_blocks[mt][o];
		switch (c.kind) {
		case FS_COUNT_EXACT:
			any = true;
			sum.value += c.value;
			break;
		case FS_COUNT_EMPTY_KNOWN:
			any = true;
			break;
		case FS_COUNT_CAPPED:
		case FS_COUNT_NONEMPTY:
			any = true;
			sum.value += c.value ? c.value : 1;
			sum.kind = FS_COUNT_CAPPED;
			break;
		default:
			sum.kind = FS_COUNT_CAPPED;
			break;
		}
	}
	if (!any || (sum.kind == FS_COUNT_CAPPED && sum.value == 0))
		sum.kind = FS_COUNT_NONE;
	return sum;
}

static void fill_lists(const struct fs_snapshot *s, const struct fs_zone *z,
		       struct fs_rules_zone *out)
{
	int n = fs_snapshot_nr_orders(s);
	out->nr_orders = n < 1 ? 1 : n > FS_MAX_ORDERS ? FS_MAX_ORDERS : n;
	out->per_type_known = z->known & FS_ZK_MT_BLOCKS;
	for (int o = 0; o < out->nr_orders; o++) {
		if (z->known & FS_ZK_ORDER_BLOCKS)
			out->nr_free[o] = z->order_blocks[o];
		else if (out->per_type_known)
			out->nr_free[o] = sum_of_types(z, o);
		if (!out->per_type_known)
			continue;
		for (int mt = 0; mt < FS_MT_COUNT; mt++) {
			if (z->mt_rows & (1u << mt))
				out->blocks[o][mt] = z->mt_blocks[mt][o];
			else   /* the kernel prints every type it has: no row, no such list */
				out->blocks[o][mt].kind = FS_COUNT_EMPTY_KNOWN;
		}
	}
	if (!(z->known & (FS_ZK_ORDER_BLOCKS | FS_ZK_MT_BLOCKS)))
		note(out, "no free-area counts: every list is of unknown state");
	else if (!out->per_type_known)
		note(out, "free blocks per order known, not per migratetype: lists are of unknown "
		     "state where their order has blocks");
}

/* Σ count·2^o over one type's row: exact, or -1 with a lower bound in *min. */
static int64_t row_pages(const struct fs_rules_zone *out, enum fs_mt mt, int64_t *min)
{
	bool exact = out->per_type_known;
	int64_t sum = 0;
	for (int o = 0; o < out->nr_orders; o++) {
		struct fs_count c = out->blocks[o][mt];
		if (c.kind == FS_COUNT_EXACT || c.kind == FS_COUNT_CAPPED)
			sum = add_capped(sum, block_pages(c.value, o));
		else if (c.kind == FS_COUNT_NONEMPTY)
			sum = add_capped(sum, block_pages(c.value ? c.value : 1, o));
		if (c.kind != FS_COUNT_EXACT && c.kind != FS_COUNT_EMPTY_KNOWN)
			exact = false;
	}
	*min = sum;
	return exact ? sum : -1;
}

static int guess_pageblock_order(const struct fs_snapshot *s, struct fs_rules_zone *out)
{
	if (s->meta.pageblock_order >= 0 && s->meta.pageblock_order < FS_MAX_ORDERS)
		return s->meta.pageblock_order;
	/* HPAGE_PMD order: x86_64 and arm64 4K 9, arm64 16K 11, 64K 13 (kernel-rules §6.6) */
	unsigned ps = s->meta.page_size ? s->meta.page_size : 4096;
	int pbo = ps == 16384 ? 11 : ps == 65536 ? 13 : 9;
	if (pbo > out->nr_orders - 1)
		pbo = out->nr_orders - 1;
	out->pageblock_order_guessed = true;
	note(out, "pageblock order not printed: taken as %d (%u-byte pages)", pbo, ps);
	return pbo;
}

static void fill_highatomic(const struct fs_zone *z, struct fs_rules_zone *out)
{
	int64_t free_min = 0;
	if (z->known & FS_ZK_FREE_HIGHATOMIC)
		out->highatomic_free = free_min = pages(z->free_highatomic);
	else if (out->per_type_known)
		out->highatomic_free = row_pages(out, FS_MT_HIGHATOMIC, &free_min);
	else
		out->highatomic_free = -1;
	out->highatomic_free_min = free_min;

	/* Free HighAtomic pages lie in reserved pageblocks: a lower bound of the
	 * reserve, and one pageblock when any is seen and the block size known. */
	int64_t res_min = free_min;
	if (free_min > 0 && !out->pageblock_order_guessed &&
	    res_min < ((int64_t)1 << out->pageblock_order))
		res_min = (int64_t)1 << out->pageblock_order;
	if (z->known & FS_ZK_RESERVED_HIGHATOMIC)
		out->highatomic_reserved = res_min = pages(z->reserved_highatomic);
	else if ((z->known & FS_ZK_PAGEBLOCKS) && !out->pageblock_order_guessed)
		out->highatomic_reserved = res_min =
			block_pages(z->pageblocks[FS_MT_HIGHATOMIC], out->pageblock_order);
	else
		out->highatomic_reserved = -1;
	out->highatomic_reserved_min = res_min;
	if (out->highatomic_reserved < 0)
		note(out, "nr_reserved_highatomic not known: at least %lld pages",
		     (long long)res_min);
}

static void fill_cma(const struct fs_zone *z, struct fs_rules_zone *out)
{
	int64_t min;
	if (z->known & FS_ZK_FREE_CMA) {
		out->free_cma = pages(z->free_cma);
	} else if (out->per_type_known) {
		out->free_cma = row_pages(out, FS_MT_CMA, &min);
		if (z->mt_rows & (1u << FS_MT_CMA))
			note(out, "free CMA pages from the CMA lists: %lld%s", (long long)min,
			     out->free_cma < 0 ? " at least" : "");
	} else {
		out->free_cma = -1;
	}
}

static void fill_free_pages(const struct fs_zone *z, struct fs_rules_zone *out)
{
	if (z->known & FS_ZK_FREE_PAGES) {
		out->free_pages = pages(z->free_pages);
		return;
	}
	int64_t sum = 0;
	for (int o = 0; o < out->nr_orders; o++) {
		if (out->nr_free[o].kind != FS_COUNT_EXACT) {
			out->free_pages = -1;
			note(out, "free pages not known");
			return;
		}
		sum = add_capped(sum, block_pages(out->nr_free[o].value, o));
	}
	out->free_pages = sum;
	note(out, "free pages = sum of the free blocks: %lld", (long long)sum);
}

void fs_rules_zone_from_snapshot(const struct fs_kprofile *p, const struct fs_snapshot *s,
				 const struct fs_zone *z, struct fs_rules_zone *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", z->name);
	out->node = z->node;
	out->rank = fs_zone_type_rank(z->name);
	out->managed = (z->known & FS_ZK_MANAGED) ? pages(z->managed) : -1;
	fill_lists(s, z, out);
	out->pageblock_order = guess_pageblock_order(s, out);
	fill_free_pages(z, out);
	fill_cma(z, out);
	fill_highatomic(z, out);
	if (z->known & FS_ZK_WMARK) {
		out->wmark[FS_WMARK_MIN] = pages(z->wmark_min);
		out->wmark[FS_WMARK_LOW] = pages(z->wmark_low);
		out->wmark[FS_WMARK_HIGH] = pages(z->wmark_high);
	} else {
		out->wmark[0] = out->wmark[1] = out->wmark[2] = -1;
		note(out, "watermarks not known");
	}
	if (z->known & FS_ZK_BOOST)
		out->boost = pages(z->wmark_boost);
	else
		out->boost = p->has_boost ? -1 : 0;
	if (z->known & FS_ZK_PROTECTION) {
		int n = z->nr_protection < 0 ? 0 : z->nr_protection < FS_MAX_ZONE_TYPES
			? z->nr_protection : FS_MAX_ZONE_TYPES;
		for (int i = 0; i < n; i++)
			out->lowmem_reserve[i] = pages(z->protection[i]);
		out->nr_lowmem_reserve = n;
	} else {
		note(out, "lowmem_reserve (protection) not known");
	}
}

/* ------------------------------------------------------------------------ */
/* __zone_watermark_ok                                                      */

/* min after the version's reductions, the steps written to words. */
static int64_t reduce_min(const struct fs_kprofile *p, int64_t min, unsigned flags,
			  char *words, size_t size)
{
	int64_t d;
	words[0] = '\0';
#define STEP(div, name) do { \
		d = min / (div); min -= d; \
		cat(words, size, "%s-%lld (min/%d, %s)", words[0] ? ", " : "", \
		    (long long)d, (div), (name)); \
	} while (0)
	if (is_min_nonblock(p)) {
		/* 6.3+, 6.1.116+: only ALLOC_RESERVES reduce; NON_BLOCK only under MIN_RESERVE */
		if (flags & FS_ALLOC_MIN_RESERVE) {
			STEP(2, "ALLOC_MIN_RESERVE");
			if (flags & FS_ALLOC_NON_BLOCK)
				STEP(4, "ALLOC_NON_BLOCK");
		}
		if (flags & FS_ALLOC_OOM)
			STEP(2, "ALLOC_OOM");
	} else {
		if (flags & FS_ALLOC_HIGH)
			STEP(2, "ALLOC_HIGH");
		if (flags & FS_ALLOC_OOM)       /* 4.15+: OOM instead of HARDER */
			STEP(2, "ALLOC_OOM");
		else if (flags & FS_ALLOC_HARDER)
			STEP(4, "ALLOC_HARDER");
	}
#undef STEP
	if (!words[0])
		cat(words, size, "none");
	return min;
}

/* The highatomic pages subtracted when not entitled: ≤6.9 the reserved blocks,
 * 6.10+ the free HighAtomic pages. *unknown when only a lower bound is known. */
static int64_t highatomic_minus(const struct fs_kprofile *p, const struct fs_rules_zone *z,
				bool *unknown)
{
	int64_t v = p->highatomic_counts_free ? z->highatomic_free : z->highatomic_reserved;
	int64_t min = p->highatomic_counts_free ? z->highatomic_free_min
						: z->highatomic_reserved_min;
	*unknown = v < 0;
	return v < 0 ? (min > 0 ? min : 0) : v;
}

/*
 * The order-0 inequality, free - subtractions > min + lowmem_reserve, with
 * every number in r; r->assumed lists what the snapshot lacked. shortcut:
 * the order-0 shortcut of zone_watermark_fast (4.19+), which subtracts no
 * (1 << order) - 1, reduces no mark, and subtracts the highatomic reserve
 * only from 5.10 (clamping at 0 from 5.15).
 */
static void order0_test(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
			int64_t mark, bool mark_known, int classzone, unsigned flags,
			bool shortcut, struct fs_wmark_result *r)
{
	bool ha_unknown = false, any_assumed = false;
	bool sub_ha = !reserve_entitled(p, flags) &&
		      (!shortcut || p->order0_shortcut == FS_ORDER0_UNUSABLE ||
		       p->order0_shortcut == FS_ORDER0_UNUSABLE_CLAMPED);
	r->free_pages = z->free_pages;
	r->mark = mark;
	r->minus_order = shortcut ? 0 : ((int64_t)1 << order) - 1;
	r->minus_highatomic = sub_ha ? highatomic_minus(p, z, &ha_unknown) : 0;
	r->minus_cma = (flags & FS_ALLOC_CMA) || z->free_cma < 0 ? 0 : z->free_cma;
	r->usable = r->free_pages - r->minus_order - r->minus_highatomic - r->minus_cma;
	if (shortcut && p->order0_shortcut == FS_ORDER0_UNUSABLE_CLAMPED && r->usable < 0)
		r->usable = 0;  /* 5.15+: usable_free -= min(usable_free, reserved) */
	if (shortcut) {
		r->min_after = mark;
		cat(r->reductions, sizeof(r->reductions), "none (order-0 shortcut)");
	} else {
		r->min_after = reduce_min(p, mark, flags, r->reductions, sizeof(r->reductions));
	}
	r->classzone = classzone;
	if (classzone >= 0 && classzone < z->nr_lowmem_reserve && classzone < FS_MAX_ZONE_TYPES) {
		r->lowmem_reserve = z->lowmem_reserve[classzone];
	} else {
		r->lowmem_reserve = 0;
		any_assumed = true;
		cat(r->assumed, sizeof(r->assumed), "lowmem_reserve[%d] not known: 0; ", classzone);
	}
	if (!mark_known) {
		any_assumed = true;
		cat(r->assumed, sizeof(r->assumed), "%s watermark not known: 0; ",
		    wmark_name(r->which));
	}
	if (!(flags & FS_ALLOC_CMA) && z->free_cma < 0) {
		any_assumed = true;
		cat(r->assumed, sizeof(r->assumed), "free CMA not known: 0; ");
	}
	if (z->free_pages < 0) {        /* nothing to test: favour the request */
		r->free_pages = r->usable = r->margin = 0;
		r->order0_ok = r->order0_uncertain = true;
		r->free_unknown = true;
		cat(r->assumed, sizeof(r->assumed), "free pages not known; ");
		return;
	}
	r->margin = r->usable - (r->min_after + r->lowmem_reserve);
	r->order0_ok = r->margin > 0;
	if (ha_unknown) {
		cat(r->assumed, sizeof(r->assumed), "%s not known: %lld (lower bound)",
		    p->highatomic_counts_free ? "nr_free_highatomic" : "nr_reserved_highatomic",
		    (long long)r->minus_highatomic);
		if (r->order0_ok)
			cat(r->assumed, sizeof(r->assumed), ", fails if >= %lld",
			    (long long)(r->minus_highatomic + r->margin));
		cat(r->assumed, sizeof(r->assumed), "; ");
		any_assumed = true;
	}
	r->order0_uncertain = r->order0_ok && any_assumed;
}

/* The first non-empty list of a type at order o known to be non-empty, for
 * reporting which list the 4.4-4.14 "any list" rule saw; -1 when unknown. */
static int first_known_list(const struct fs_rules_zone *z, int o)
{
	for (int mt = 0; mt < FS_MT_COUNT; mt++)
		if (fs_rules_list(z, o, (enum fs_mt)mt) == FS_LIST_NONEMPTY)
			return mt;
	return -1;
}

static void found(struct fs_wmark_result *r, int o, int mt, bool certain)
{
	if (certain && r->found_uncertain) {     /* a certain list beats an assumed one */
		r->found_order = o;
		r->found_mt = mt;
		r->found_uncertain = false;
	} else if (r->found_order < 0) {
		r->found_order = o;
		r->found_mt = mt;
		r->found_uncertain = !certain;
	}
}

/* The per-order test, from the requested order up. */
static void list_test(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
		      unsigned flags, struct fs_wmark_result *r)
{
	enum fs_mt allowed[FS_MT_COUNT];
	int n = 0;
	allowed[n++] = FS_MT_UNMOVABLE;
	allowed[n++] = FS_MT_MOVABLE;
	allowed[n++] = FS_MT_RECLAIMABLE;
	if (flags & FS_ALLOC_CMA)
		allowed[n++] = FS_MT_CMA;
	if (!p->harder_any_list && highatomic_lists_allowed(p, flags))
		allowed[n++] = FS_MT_HIGHATOMIC;
	bool any_list = p->harder_any_list && (flags & FS_ALLOC_HARDER);

	r->found_order = r->found_mt = -1;
	for (int o = order; o < nr_orders(z); o++) {
		enum fs_list_state area = area_state(z, o);
		if (area == FS_LIST_EMPTY)
			continue;
		if (any_list) {
			found(r, o, first_known_list(z, o), area == FS_LIST_NONEMPTY);
			if (!r->found_uncertain)
				return;
			continue;
		}
		for (int i = 0; i < n; i++) {
			enum fs_list_state s = fs_rules_list(z, o, allowed[i]);
			if (s != FS_LIST_EMPTY)
				found(r, o, (int)allowed[i], s == FS_LIST_NONEMPTY);
			if (r->found_order >= 0 && !r->found_uncertain)
				return;
		}
	}
}

static bool wmark_ok_at(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
			enum fs_wmark which, int64_t mark, bool mark_known, int classzone,
			unsigned alloc_flags, struct fs_wmark_result *r)
{
	wmark_reset(r);
	r->which = which;
	r->order = order;
	r->alloc_flags = alloc_flags;
	r->found_order = r->found_mt = -1;
	unsigned flags = version_flags(p, alloc_flags);
	if (order < 0 || order >= nr_orders(z)) {
		cat(r->reductions, sizeof(r->reductions), "none");
		cat(r->assumed, sizeof(r->assumed), "order %d beyond the zone's %d orders; ",
		    order, nr_orders(z));
		return false;
	}
	order0_test(p, z, order, mark, mark_known, classzone, flags, false, r);
	if (!r->order0_ok)
		return false;
	if (order == 0) {
		r->ok = true;
		return true;
	}
	list_test(p, z, order, flags, r);
	r->ok = r->found_order >= 0;
	return r->ok;
}

static int64_t mark_of(const struct fs_rules_zone *z, enum fs_wmark which, bool *known)
{
	int64_t m = (unsigned)which <= FS_WMARK_HIGH ? z->wmark[which] : -1;
	*known = m >= 0;
	return m >= 0 ? m : 0;
}

static bool watermark_ok_body(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
			  enum fs_wmark which, int classzone, unsigned alloc_flags,
			  struct fs_wmark_result *r)
{
	bool known;
	int64_t mark = mark_of(z, which, &known);
	return wmark_ok_at(p, z, order, which, mark, known, classzone, alloc_flags, r);
}

/* ------------------------------------------------------------------------ */
/* zone_watermark_fast                                                      */

/* The order-0 shortcut of 4.19+; true when it alone decides. */
static bool order0_shortcut(const struct fs_kprofile *p, const struct fs_rules_zone *z,
			    enum fs_wmark which, int classzone, unsigned alloc_flags,
			    struct fs_wmark_result *r)
{
	bool known;
	int64_t mark = mark_of(z, which, &known);
	wmark_reset(r);
	r->which = which;
	r->alloc_flags = alloc_flags;
	r->found_order = r->found_mt = -1;
	order0_test(p, z, 0, mark, known, classzone, version_flags(p, alloc_flags), true, r);
	if (!r->order0_ok)
		return false;
	r->shortcut = r->ok = true;
	return true;
}

/* 5.4+: an order-0 atomic request at the min mark is retried against the
 * unboosted min (≤6.2 __GFP_ATOMIC, 6.3+ ALLOC_MIN_RESERVE). */
static bool boost_retry_applies(const struct fs_kprofile *p, const struct fs_rules_zone *z,
				int order, enum fs_wmark which, unsigned flags, uint64_t gfp)
{
	if (!p->has_boost || order != 0 || which != FS_WMARK_MIN || z->boost <= 0 ||
	    z->wmark[FS_WMARK_MIN] < 0)
		return false;
	if (is_min_nonblock(p))
		return flags & FS_ALLOC_MIN_RESERVE;
	uint64_t atomic = p->gfp_bit[FS_GFP_ATOMIC];
	return atomic && (gfp & atomic);
}

static bool watermark_fast_body(const struct fs_kprofile *p, const struct fs_rules_zone *z,
			    int order, enum fs_wmark which, int classzone, unsigned alloc_flags,
			    uint64_t gfp_mask, struct fs_wmark_result *r)
{
	if (p->order0_shortcut != FS_ORDER0_NONE && order == 0 &&
	    order0_shortcut(p, z, which, classzone, alloc_flags, r))
		return true;
	if (fs_zone_watermark_ok(p, z, order, which, classzone, alloc_flags, r))
		return true;
	unsigned flags = version_flags(p, alloc_flags);
	if (!boost_retry_applies(p, z, order, which, flags, gfp_mask)) {
		if (p->has_boost && z->boost < 0 && order == 0 && which == FS_WMARK_MIN)
			cat(r->assumed, sizeof(r->assumed), "watermark_boost not printed: "
			    "taken as 0 (no retry at the unboosted min); ");
		return false;
	}
	int64_t unboosted = z->wmark[FS_WMARK_MIN] - z->boost;
	bool ok = wmark_ok_at(p, z, order, which, unboosted < 0 ? 0 : unboosted, true,
			      classzone, alloc_flags, r);
	r->boost_retry = true;
	return ok;
}

/* ------------------------------------------------------------------------ */
/* fallbacks[] and the free-list pick                                       */

int fs_fallbacks(const struct fs_kprofile *p, enum fs_mt mt, enum fs_mt out[FS_MT_COUNT])
{
	(void)p;        /* the same table in 4.4 ... 6.18 (kernel-rules §6.2) */
	switch (mt) {
	case FS_MT_UNMOVABLE:
		out[0] = FS_MT_RECLAIMABLE;
		out[1] = FS_MT_MOVABLE;
		return 2;
	case FS_MT_MOVABLE:
		out[0] = FS_MT_RECLAIMABLE;
		out[1] = FS_MT_UNMOVABLE;
		return 2;
	case FS_MT_RECLAIMABLE:
		out[0] = FS_MT_UNMOVABLE;
		out[1] = FS_MT_MOVABLE;
		return 2;
	default:        /* HighAtomic, CMA, Isolate: never fall back */
		return 0;
	}
}

/* __rmqueue_smallest(order, mt): the first order whose list may be non-empty
 * (an unknown list counts, and sets *uncertain); -1 when all are empty. */
static int smallest_order(const struct fs_rules_zone *z, int order, enum fs_mt mt,
			  bool *uncertain)
{
	for (int o = order; o < nr_orders(z); o++) {
		enum fs_list_state s = fs_rules_list(z, o, mt);
		if (s == FS_LIST_EMPTY)
			continue;
		if (s == FS_LIST_UNKNOWN)
			*uncertain = true;
		return o;
	}
	return -1;
}

static void set_pick(struct fs_pick *pick, enum fs_pick_how how, int o, enum fs_mt mt,
		     bool uncertain)
{
	pick->how = how;
	pick->order = o;
	pick->mt = mt;
	pick->uncertain = pick->uncertain || uncertain;
}

/* One __rmqueue_smallest attempt, described in why. */
static bool try_smallest(const struct fs_rules_zone *z, int order, enum fs_mt mt,
			 enum fs_pick_how how, const char *label, struct fs_pick *pick)
{
	bool unc = false;
	int o = smallest_order(z, order, mt, &unc);
	if (o < 0) {
		cat(pick->why, sizeof(pick->why), "%s: %s empty at orders %d-%d; ", label,
		    fs_mt_name(mt), order, nr_orders(z) - 1);
		return false;
	}
	set_pick(pick, how, o, mt, unc);
	cat(pick->why, sizeof(pick->why), "%s: %s order %d%s", label, fs_mt_name(mt), o,
	    unc ? " (list of unknown state taken as non-empty)" : "");
	if (o > order)
		cat(pick->why, sizeof(pick->why), ", split down to order %d", order);
	return true;
}

/* can_steal_fallback (≤6.14) / should_try_claim_block (6.15+); grouping by
 * mobility assumed on. */
static bool can_steal(int o, enum fs_mt mt, int pbo)
{
	return o >= pbo || o >= pbo / 2 || mt == FS_MT_UNMOVABLE || mt == FS_MT_RECLAIMABLE;
}

/* find_suitable_fallback: the first fallback type whose list at o may be
 * non-empty; -1 when none. */
static int suitable_fallback(const struct fs_kprofile *p, const struct fs_rules_zone *z, int o,
			     enum fs_mt mt, bool *uncertain)
{
	enum fs_mt fb[FS_MT_COUNT];
	int n = fs_fallbacks(p, mt, fb);
	if (area_state(z, o) == FS_LIST_EMPTY)
		return -1;
	for (int i = 0; i < n; i++) {
		enum fs_list_state s = fs_rules_list(z, o, fb[i]);
		if (s == FS_LIST_EMPTY)
			continue;
		if (s == FS_LIST_UNKNOWN)
			*uncertain = true;
		return (int)fb[i];
	}
	return -1;
}

/* Describe the stolen block: whole pageblock(s), a claim attempt, or one page. */
static void describe_steal(const struct fs_kprofile *p, const struct fs_rules_zone *z,
			   enum fs_mt mt, struct fs_pick *pick)
{
	int pbo = pb_order(z);
	if (pick->order >= pbo) {
		pick->claims_block = true;
		cat(pick->why, sizeof(pick->why), "; order >= pageblock order %d: its pageblock%s "
		    "become%s %s", pbo, pick->order > pbo ? "s" : "", pick->order > pbo ? "" : "s",
		    fs_mt_name(mt));
	} else if (pick->may_claim) {
		cat(pick->why, sizeof(pick->why), "; claims its pageblock for %s if half of its "
		    "%lld pages are free or alike", fs_mt_name(mt), (long long)1 << pbo);
	} else {
		cat(pick->why, sizeof(pick->why), "; only this block is taken, the pageblock "
		    "stays %s", fs_mt_name(pick->mt));
	}
	if (!p->fallback_returns_page && pick->order < pbo)
		cat(pick->why, sizeof(pick->why), " (moved to the %s lists, then split there)",
		    fs_mt_name(mt));
}

static void fallback_failed(const struct fs_rules_zone *z, int floor, const char *what,
			    struct fs_pick *pick)
{
	cat(pick->why, sizeof(pick->why), "fallback: no block of a fallback type at orders "
	    "%d-%d%s; ", floor, nr_orders(z) - 1, what);
}

/* find_smallest (4.13+): a movable request that cannot claim the largest
 * fallback block takes the smallest one from its order up instead. */
static void take_smallest(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
			  enum fs_mt mt, int largest, bool unc, struct fs_pick *pick)
{
	for (int o = order; o <= largest; o++) {
		bool unc2 = false;
		int fb = suitable_fallback(p, z, o, mt, &unc2);
		if (fb < 0)
			continue;
		set_pick(pick, FS_PICK_FALLBACK, o, (enum fs_mt)fb, unc || unc2);
		pick->may_claim = false;
		cat(pick->why, sizeof(pick->why), "fallback: largest fallback block order %d is "
		    "below pageblock_order/2 = %d, so a movable request takes the smallest: "
		    "%s order %d", largest, pb_order(z) / 2, fs_mt_name((enum fs_mt)fb), o);
		describe_steal(p, z, mt, pick);
		return;
	}
}

/* __rmqueue_fallback, 4.4 ... 6.14. */
static bool fallback_old(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
			 enum fs_mt mt, int floor, struct fs_pick *pick)
{
	int pbo = pb_order(z);
	for (int o = nr_orders(z) - 1; o >= floor; o--) {
		bool unc = false;
		int fb = suitable_fallback(p, z, o, mt, &unc);
		if (fb < 0)
			continue;
		bool steal = can_steal(o, mt, pbo);
		if (p->fallback_find_smallest && !steal && mt == FS_MT_MOVABLE && o > order) {
			take_smallest(p, z, order, mt, o, unc, pick);
			return true;
		}
		set_pick(pick, FS_PICK_FALLBACK, o, (enum fs_mt)fb, unc);
		pick->may_claim = steal && o < pbo;
		cat(pick->why, sizeof(pick->why), "fallback: largest first, %s order %d",
		    fs_mt_name((enum fs_mt)fb), o);
		describe_steal(p, z, mt, pick);
		return true;
	}
	fallback_failed(z, floor, "", pick);
	return false;
}

/* __rmqueue_claim then __rmqueue_steal, 6.15+. */
static bool fallback_claim_steal(const struct fs_kprofile *p, const struct fs_rules_zone *z,
				 int order, enum fs_mt mt, int floor, bool nofrag, int top,
				 struct fs_pick *pick)
{
	int pbo = pb_order(z);
	for (int o = top; o >= floor; o--) {
		if (area_state(z, o) == FS_LIST_EMPTY)
			continue;
		if (!can_steal(o, mt, pbo))
			break;          /* orders too low to claim */
		bool unc = false;
		int fb = suitable_fallback(p, z, o, mt, &unc);
		if (fb < 0)
			continue;
		set_pick(pick, FS_PICK_FALLBACK, o, (enum fs_mt)fb, unc);
		pick->may_claim = o < pbo;
		cat(pick->why, sizeof(pick->why), "claim: largest first, %s order %d",
		    fs_mt_name((enum fs_mt)fb), o);
		describe_steal(p, z, mt, pick);
		if (o < pbo)
			cat(pick->why, sizeof(pick->why), "; if not, smaller ones are tried, "
			    "then the smallest is stolen");
		return true;
	}
	if (nofrag) {
		fallback_failed(z, floor, " to claim, and no steal under ALLOC_NOFRAGMENT", pick);
		return false;
	}
	for (int o = order; o < nr_orders(z); o++) {
		bool unc = false;
		int fb = suitable_fallback(p, z, o, mt, &unc);
		if (fb < 0)
			continue;
		const char *name = fs_mt_name((enum fs_mt)fb);
		set_pick(pick, FS_PICK_FALLBACK, o, (enum fs_mt)fb, unc);
		cat(pick->why, sizeof(pick->why), "steal: smallest first, %s order %d; the "
		    "pageblock stays %s", name, o, name);
		return true;
	}
	fallback_failed(z, order, "", pick);
	return false;
}

static bool fallback(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
		     enum fs_mt mt, unsigned flags, int top, struct fs_pick *pick)
{
	enum fs_mt fb[FS_MT_COUNT];
	if (fs_fallbacks(p, mt, fb) == 0) {
		cat(pick->why, sizeof(pick->why), "%s has no fallback types", fs_mt_name(mt));
		return false;
	}
	bool nofrag = flags & FS_ALLOC_NOFRAGMENT;
	int floor = order;
	/* 5.0-6.0 raise the floor for any order; guard against the floor
	 * dropping below the request there (order > pageblock_order). */
	if (nofrag && (!p->nofragment_below_pageblock || order < pb_order(z)))
		floor = pb_order(z) > order ? pb_order(z) : order;
	if (floor > order)
		cat(pick->why, sizeof(pick->why), "ALLOC_NOFRAGMENT: only whole pageblocks "
		    "(order >= %d); ", floor);
	if (p->fallback_claim_steal)
		return fallback_claim_steal(p, z, order, mt, floor, nofrag, top, pick);
	return fallback_old(p, z, order, mt, floor, pick);
}

/* __rmqueue: [CMA when over half] -> own -> [CMA] -> fallback. */
static bool rmqueue(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
		    enum fs_mt mt, unsigned flags, struct fs_pick *pick)
{
	bool cma_ok = p->cma_needs_alloc_cma ? (flags & FS_ALLOC_CMA) : mt == FS_MT_MOVABLE;
	if (p->cma_prefer_half && cma_ok && z->free_cma >= 0 && z->free_pages >= 0 &&
	    z->free_cma > z->free_pages / 2) {
		char label[96] = "";
		cat(label, sizeof(label), "CMA first (free CMA %lld > free %lld / 2)",
			 (long long)z->free_cma, (long long)z->free_pages);
		if (try_smallest(z, order, FS_MT_CMA, FS_PICK_CMA, label, pick))
			return true;
	}
	if (try_smallest(z, order, mt, FS_PICK_OWN, "own type", pick))
		return true;
	if (cma_ok && try_smallest(z, order, FS_MT_CMA, FS_PICK_CMA, "CMA after own", pick))
		return true;
	if (!cma_ok && z->free_cma != 0)
		cat(pick->why, sizeof(pick->why), "CMA: not for this request (%s); ",
		    p->cma_needs_alloc_cma ? "no ALLOC_CMA" : "not Movable");
	return fallback(p, z, order, mt, flags, nr_orders(z) - 1, pick);
}

/* pcp_allowed_order: order 0 up to 5.12; orders up to PAGE_ALLOC_COSTLY_ORDER
 * and pageblock_order (THP kernels, assumed) from 5.13 (profile pcp_max_order). */
static bool pcp_order(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order)
{
	if (p->pcp_max_order <= 0)
		return order == 0;
	return order <= p->pcp_max_order || order == pb_order(z);
}

/* The ALLOC_* flags that reach the HighAtomic last resort (profile field). */
static unsigned last_resort_flags(const struct fs_kprofile *p)
{
	switch (p->highatomic_last_resort) {
	case FS_LAST_RESORT_OOM:
		return FS_ALLOC_OOM;
	case FS_LAST_RESORT_OOM_NON_BLOCK:
		return FS_ALLOC_OOM | FS_ALLOC_NON_BLOCK;
	case FS_LAST_RESORT_NONE:
		break;
	}
	return 0;
}

/* rmqueue_buddy (rmqueue's zone-locked path): [HighAtomic first] -> __rmqueue
 * -> [HighAtomic as the last resort]. rmqueue_done: __rmqueue already failed
 * through the per-cpu refill, the same lists would fail again. */
static bool rmqueue_buddy(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
			  enum fs_mt mt, unsigned flags, bool rmqueue_done,
			  struct fs_pick *pick)
{
	/* HighAtomic first for ALLOC_HARDER above order 0 (≤6.2) or for
	 * ALLOC_HIGHATOMIC (6.3+, 6.1.116+, 5.15.171+) */
	bool ha_first = is_min_nonblock(p) ? (flags & FS_ALLOC_HIGHATOMIC)
					   : (order > 0 && (flags & FS_ALLOC_HARDER));
	if (ha_first && try_smallest(z, order, FS_MT_HIGHATOMIC, FS_PICK_HIGHATOMIC,
				     is_min_nonblock(p) ? "HighAtomic first (ALLOC_HIGHATOMIC)"
							: "HighAtomic first (ALLOC_HARDER)", pick))
		return true;
	if (!rmqueue_done && rmqueue(p, z, order, mt, flags, pick))
		return true;
	if ((flags & last_resort_flags(p)) &&
	    try_smallest(z, order, FS_MT_HIGHATOMIC, FS_PICK_HIGHATOMIC,
			 (flags & FS_ALLOC_OOM) ? "last resort (ALLOC_OOM)"
						: "last resort (ALLOC_NON_BLOCK)", pick))
		return true;
	return false;
}

static bool freelist_pick_body(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
		      enum fs_mt migratetype, unsigned alloc_flags, struct fs_pick *pick)
{
	pick_reset(pick);
	pick->how = FS_PICK_NONE;
	pick->order = -1;
	pick->mt = migratetype;
	if (order < 0 || order >= nr_orders(z)) {
		cat(pick->why, sizeof(pick->why), "order %d beyond the zone's %d orders", order,
		    nr_orders(z));
		return false;
	}
	unsigned flags = version_flags(p, alloc_flags);
	bool pcp = pcp_order(p, z, order) &&
		   !(p->pcp_cma_bypass && migratetype == FS_MT_MOVABLE && !(flags & FS_ALLOC_CMA));
	if (pcp) {
		/* the per-cpu list of this order and type, refilled by __rmqueue:
		 * no HighAtomic first on this path */
		cat(pick->why, sizeof(pick->why), "per-cpu lists, refilled by __rmqueue: ");
		if (rmqueue(p, z, order, migratetype, flags, pick))
			return true;
		if (!p->pcp_falls_through) {
			cat(pick->why, sizeof(pick->why), "the refill fails and this kernel does "
			    "not try the zone's buddy lists after it");
			pick->order = -1;
			return false;
		}
		cat(pick->why, sizeof(pick->why), "the refill fails; the buddy path: ");
	}
	if (rmqueue_buddy(p, z, order, migratetype, flags, pcp, pick))
		return true;
	pick->order = -1;
	return false;
}

/* ------------------------------------------------------------------------ */
/* Compaction suitability                                                   */

/* fragmentation_index (mm/vmstat.c, kernel-rules §10) from the zone's nr_free;
 * lower bounds where a count is only a bound. */
static int frag_index(const struct fs_rules_zone *z, int order, bool *exact)
{
	uint64_t free_pages = 0, total = 0, suitable = 0;
	*exact = true;
	for (int o = 0; o < nr_orders(z); o++) {
		struct fs_count c = z->nr_free[o];
		uint64_t v = c.kind == FS_COUNT_NONEMPTY && !c.value ? 1 : c.value;
		if (c.kind == FS_COUNT_NONE || c.kind == FS_COUNT_EMPTY_KNOWN)
			v = 0;
		if (c.kind != FS_COUNT_EXACT && c.kind != FS_COUNT_EMPTY_KNOWN)
			*exact = false;
		total += v;
		free_pages += v << o;
		if (o >= order)
			suitable += v << (o - order);
	}
	if (order >= nr_orders(z) || total == 0)
		return 0;
	if (suitable)
		return -1000;
	uint64_t q = (1000 + free_pages * 1000 / (UINT64_C(1) << order)) / total;
	return (int)(int32_t)(uint32_t)(UINT64_C(1000) - q);     /* a u64 returned as int */
}

static void compact_numbers(struct fs_compact_result *r, const struct fs_wmark_result *w)
{
	r->needed = w->min_after + w->lowmem_reserve;
	r->available = w->usable;
	r->uncertain = r->uncertain || w->order0_uncertain || w->found_uncertain;
}

#define EXTFRAG_THRESHOLD 500   /* vm.extfrag_threshold default */

static enum fs_compact_suit suit(struct fs_compact_result *r, enum fs_compact_suit s)
{
	r->suit = s;
	return s;
}

static enum fs_compact_suit fragindex_step(struct fs_compact_result *r, bool exact)
{
	if (r->fragindex >= 0 && r->fragindex <= EXTFRAG_THRESHOLD) {
		cat(r->why, sizeof(r->why), "fragindex %d <= extfrag_threshold %d: failure from "
		    "lack of memory, not fragmentation%s", r->fragindex, EXTFRAG_THRESHOLD,
		    exact ? "" : " (from lower bounds)");
		r->uncertain = r->uncertain || !exact;
		return suit(r, FS_COMPACT_NOT_SUITABLE_FRAGINDEX);
	}
	if (r->fragindex == -1000)
		cat(r->why, sizeof(r->why), "fragindex -1000 (a free block of this order exists, "
		    "of a type the request may not take): compaction runs");
	else
		cat(r->why, sizeof(r->why), "fragindex %d > %d: a fragmentation failure, "
		    "compaction runs", r->fragindex, EXTFRAG_THRESHOLD);
	return suit(r, FS_COMPACT_CONTINUE);
}

/* 4.4 __compaction_suitable: low mark with the allocation's flags, gap, then
 * the fragindex for every order. */
static enum fs_compact_suit suitable_4_4(const struct fs_kprofile *p,
					 const struct fs_rules_zone *z, int order, int classzone,
					 unsigned flags, struct fs_compact_result *r, bool exact)
{
	struct fs_wmark_result w;
	bool known;
	int64_t low = mark_of(z, FS_WMARK_LOW, &known);
	if (fs_zone_watermark_ok(p, z, order, FS_WMARK_LOW, classzone, flags, &w)) {
		compact_numbers(r, &w);
		cat(r->why, sizeof(r->why), "order %d already passes the low watermark", order);
		return suit(r, FS_COMPACT_SUCCESS);
	}
	int64_t gap = (int64_t)2 << order;
	wmark_ok_at(p, z, 0, FS_WMARK_LOW, low + gap, known, classzone, flags, &w);
	compact_numbers(r, &w);
	if (!w.ok) {
		cat(r->why, sizeof(r->why), "order-0 check at low %lld + gap %lld: usable %lld <= "
		    "%lld", (long long)low, (long long)gap, (long long)r->available,
		    (long long)r->needed);
		return suit(r, FS_COMPACT_SKIPPED);
	}
	return fragindex_step(r, exact);
}

/* 4.19-6.13 (and 6.15+ for direct compaction: min + gap + (low - min) is low
 * + gap): the allocation's own check, then order 0 at (order > costly ? low :
 * min) + gap with ALLOC_CMA, then the fragindex above the costly order. */
static enum fs_compact_suit suitable_4_19(const struct fs_kprofile *p,
					  const struct fs_rules_zone *z, int order,
					  int classzone, unsigned flags,
					  struct fs_compact_result *r, bool exact)
{
	struct fs_wmark_result w;
	bool known;
	if (fs_zone_watermark_ok(p, z, order, FS_WMARK_MIN, classzone, flags, &w)) {
		compact_numbers(r, &w);
		cat(r->why, sizeof(r->why), "order %d already passes the min watermark", order);
		return suit(r, FS_COMPACT_SUCCESS);
	}
	bool costly = order > p->costly_order;
	enum fs_wmark which = costly ? FS_WMARK_LOW : FS_WMARK_MIN;
	int64_t mark = mark_of(z, which, &known), gap = (int64_t)2 << order;
	wmark_ok_at(p, z, 0, which, mark + gap, known, classzone, FS_ALLOC_CMA, &w);
	compact_numbers(r, &w);
	if (!w.ok) {
		cat(r->why, sizeof(r->why), "order-0 check at %s %lld + gap %lld (CMA counts, "
		    "highatomic reserve %lld does not): %lld <= %lld: reclaim first",
		    wmark_name(which), (long long)mark, (long long)gap,
		    (long long)w.minus_highatomic, (long long)r->available, (long long)r->needed);
		return suit(r, FS_COMPACT_SKIPPED);
	}
	if (p->compaction_async_cma_check && costly && !(version_flags(p, flags) & FS_ALLOC_CMA)) {
		struct fs_wmark_result a;
		int64_t am = p->compaction_async_alloc_wmark ? mark_of(z, FS_WMARK_MIN, &known)
							      : mark_of(z, FS_WMARK_LOW, &known);
		if (!wmark_ok_at(p, z, 0, which, am + gap, known, classzone, 0, &a))
			cat(r->why, sizeof(r->why), "the first, async attempt is skipped (non-CMA "
			    "free %lld <= %lld); ", (long long)a.usable,
			    (long long)(a.min_after + a.lowmem_reserve));
	}
	if (!costly) {
		cat(r->why, sizeof(r->why), "enough free pages to compact; fragindex %d not "
		    "consulted at order <= %d", r->fragindex, p->costly_order);
		return suit(r, FS_COMPACT_CONTINUE);
	}
	return fragindex_step(r, exact);
}

static enum fs_compact_suit compaction_suitable_body(const struct fs_kprofile *p,
					    const struct fs_rules_zone *z, int order,
					    int classzone, unsigned alloc_flags,
					    struct fs_compact_result *r)
{
	bool exact;
	memset(r, 0, sizeof(*r));
	if (order <= 0 || order >= nr_orders(z)) {
		r->fragindex = 0;
		cat(r->why, sizeof(r->why), "order %d is never compacted", order);
		return suit(r, FS_COMPACT_SKIPPED);
	}
	r->fragindex = frag_index(z, order, &exact);
	if (p->compaction_suitable_4_4)
		return suitable_4_4(p, z, order, classzone, alloc_flags, r, exact);
	return suitable_4_19(p, z, order, classzone, alloc_flags, r, exact);
}

/* ------------------------------------------------------------------------ */
/* The public calls: each sets the text scope of its zone.                  */

bool fs_zone_watermark_ok(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
			  enum fs_wmark which, int classzone, unsigned alloc_flags,
			  struct fs_wmark_result *r)
{
	struct text_scope t = text_begin(z);
	bool ok = watermark_ok_body(p, z, order, which, classzone, alloc_flags, r);
	text_end(t);
	return ok;
}

bool fs_zone_watermark_fast(const struct fs_kprofile *p, const struct fs_rules_zone *z,
			    int order, enum fs_wmark which, int classzone, unsigned alloc_flags,
			    uint64_t gfp_mask, struct fs_wmark_result *r)
{
	struct text_scope t = text_begin(z);
	bool ok = watermark_fast_body(p, z, order, which, classzone, alloc_flags, gfp_mask, r);
	text_end(t);
	return ok;
}

bool fs_freelist_pick(const struct fs_kprofile *p, const struct fs_rules_zone *z, int order,
		      enum fs_mt migratetype, unsigned alloc_flags, struct fs_pick *pick)
{
	struct text_scope t = text_begin(z);
	bool ok = freelist_pick_body(p, z, order, migratetype, alloc_flags, pick);
	text_end(t);
	return ok;
}

enum fs_compact_suit fs_compaction_suitable(const struct fs_kprofile *p,
					    const struct fs_rules_zone *z, int order,
					    int classzone, unsigned alloc_flags,
					    struct fs_compact_result *r)
{
	struct text_scope t = text_begin(z);
	enum fs_compact_suit su = compaction_suitable_body(p, z, order, classzone, alloc_flags, r);
	text_end(t);
	return su;
}

const char *fs_pick_how_name(enum fs_pick_how how)
{
	switch (how) {
	case FS_PICK_OWN: return "own list";
	case FS_PICK_HIGHATOMIC: return "HighAtomic reserve";
	case FS_PICK_CMA: return "CMA";
	case FS_PICK_FALLBACK: return "fallback (stolen)";
	case FS_PICK_NONE: break;
	}
	return "none";
}

bool fs_freelist_pick_after_claim(const struct fs_kprofile *p, const struct fs_rules_zone *z,
				  int order, enum fs_mt migratetype, unsigned alloc_flags,
				  int failed_order, struct fs_pick *pick)
{
	struct text_scope t = text_begin(z);
	memset(pick, 0, sizeof(*pick));
	pick->how = FS_PICK_NONE;
	pick->order = -1;
	pick->mt = migratetype;
	bool ok = p->fallback_claim_steal && failed_order > order &&
		  fallback(p, z, order, migratetype, version_flags(p, alloc_flags),
			   failed_order - 1, pick);
	if (!ok && p->fallback_claim_steal && failed_order <= order)
		ok = fallback(p, z, order, migratetype, version_flags(p, alloc_flags), -1, pick);
	if (!ok)
		pick->order = -1;
	text_end(t);
	return ok;
}
