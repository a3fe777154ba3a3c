/*
 * gfp.c - gfp masks of a kernel profile: decoding as %pGg prints them,
 * encoding from names, single flags, what a mask means for the page
 * allocator, and ALLOC_* names.
 *
 * %pGg (lib/vsprintf.c format_flags, 4.19 ... 6.18 alike): walk the table
 * in its order; a name whose mask is wholly in the remaining flags is
 * printed and its bits are removed; names are joined with '|'; bits no
 * name took are appended as one lowercase 0x number. The meaning follows
 * kernel-rules §2.1 (gfp_zone), §3.1 (migratetype), §4 (alloc flags), §4.4
 * (reserve multipliers) and §7 (retry and OOM rules).
 */
#include "kprofile_priv.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fragscope/util.h"

/* ---- a bounded string builder ---- */

struct sbuf {
	char *out;
	size_t size, len;       /* len: characters written (never past size - 1) */
};

static void sb_init(struct sbuf *b, char *out, size_t size)
{
	b->out = out;
	b->size = size;
	b->len = 0;
	if (out && size)
		out[0] = '\0';
}

static void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	if (!b->out || b->len + 1 >= b->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->out + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t)n;
	if (b->len >= b->size)
		b->len = b->size - 1;
}

static const struct fs_kprofile *or_newest(const struct fs_kprofile *p)
{
	if (p)
		return p;
	size_t n;
	const struct fs_kprofile *const *all = fs_kprofiles(&n);
	return all[n - 1];
}

static const struct fs_kconfig *or_default(const struct fs_kprofile *p,
					   const struct fs_kconfig *c, struct fs_kconfig *buf)
{
	if (c)
		return c;
	fs_kconfig_default(p, buf);
	return buf;
}

/* ---- decoding ---- */

size_t fs_gfp_format(const struct fs_kprofile *p, const struct fs_kconfig *c, uint64_t mask,
		     char *out, size_t out_size)
{
	struct fs_kconfig cbuf;
	p = or_newest(p);
	c = or_default(p, c, &cbuf);
	const struct fs_kprofile_extra *x = fs_kprofile_extra(p);
	struct sbuf b;
	sb_init(&b, out, out_size);
	uint64_t flags = mask;
	for (size_t i = 0; i < x->nr_pgg && flags; i++) {
		uint64_t v = fs_gfp_def_value(p, c, &x->pgg[i]);
		/* A 0-valued name is not in the kernel's table (unconfigured). */
		if (!v || (flags & v) != v)
			continue;
		flags &= ~v;
		sb_add(&b, "%s%s", x->pgg[i].name, flags ? "|" : "");
	}
	if (flags)
		sb_add(&b, "%#llx", (unsigned long long)flags);
	return b.len;
}

size_t fs_gfp_flags(const struct fs_kprofile *p, const struct fs_kconfig *c, uint64_t mask,
		    enum fs_gfp_flag *flags, size_t max_flags, uint64_t *residue)
{
	struct fs_kconfig cbuf;
	p = or_newest(p);
	c = or_default(p, c, &cbuf);
	uint64_t bit_flag_known = 0;
	int bit_flag[64] = { 0 };
	for (int f = 0; f < FS_GFP_NR_FLAGS; f++) {
		uint64_t v = fs_gfp_bit(p, c, (enum fs_gfp_flag)f);
		if (!v || (v & (v - 1)))
			continue;       /* every flag is one bit; be safe anyway */
		int bit = __builtin_ctzll(v);
		bit_flag[bit] = f;
		bit_flag_known |= v;
	}
	size_t n = 0;
	uint64_t rest = 0;
	for (int bit = 0; bit < 64; bit++) {
		uint64_t v = UINT64_C(1) << bit;
		if (!(mask & v))
			continue;
		if ((bit_flag_known & v) && n < max_flags && flags)
			flags[n++] = (enum fs_gfp_flag)bit_flag[bit];
		else if (!(bit_flag_known & v))
			rest |= v;
	}
	if (residue)
		*residue = rest;
	return n;
}

/* ---- encoding ---- */

static bool hex_token(const char *s, size_t len, uint64_t *out)
{
	size_t i = 0;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == len || len - i > 16)
		return false;
	uint64_t v = 0;
	for (; i < len; i++) {
		int d = fs_hex_digit(s[i]);
		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

static size_t skip_underscores(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && s[i] == '_')
		i++;
	return i;
}

/*
 * token and name equal, case-insensitively. strip: leading '_' do not count,
 * for names that have them (single flags, __GFP_RECLAIM), so "GFP_IO" or
 * "___GFP_IO" find __GFP_IO but "__GFP_ATOMIC" never finds GFP_ATOMIC.
 * gfp_prefix: a bare token ("kernel", "nowarn") is taken as "GFP_" token.
 */
static bool name_matches(const char *tok, size_t len, const char *name, bool strip,
			 bool gfp_prefix)
{
	size_t nl = strlen(name), t0 = 0, n0 = 0;
	if (strip || gfp_prefix) {
		if (name[0] != '_' && !gfp_prefix)
			return false;
		t0 = skip_underscores(tok, len);
		n0 = skip_underscores(name, nl);
	}
	if (gfp_prefix) {
		if (t0 || nl - n0 < 4 || strncasecmp(name + n0, "GFP_", 4) != 0)
			return false;
		n0 += 4;
	}
	return len - t0 == nl - n0 && strncasecmp(tok + t0, name + n0, len - t0) == 0;
}

struct lookup {
	uint64_t value;
	int nr_values;          /* distinct values matched at the stage that matched */
};

static void lookup_note(struct lookup *l, uint64_t v)
{
	if (l->nr_values == 0 || l->value != v)
		l->nr_values++;
	l->value = v;
}

/* The stages: exact name, without leading underscores, as "GFP_" + token. */
static bool lookup_name(const struct fs_kprofile *p, const struct fs_kconfig *c,
			const char *tok, size_t len, struct lookup *l)
{
	const struct fs_kprofile_extra *x = fs_kprofile_extra(p);
	for (int stage = 0; stage < 3; stage++) {
		bool strip = stage > 0, prefix = stage == 2;
		l->nr_values = 0;
		for (size_t i = 0; i < x->nr_composites; i++)
			if (name_matches(tok, len, x->composites[i].name, strip, prefix)) {
				uint64_t v = fs_gfp_def_value(p, c, &x->composites[i]);
				if (v)
					lookup_note(l, v);
			}
		for (size_t i = 0; i < x->nr_pgg; i++)
			if (name_matches(tok, len, x->pgg[i].name, strip, prefix)) {
				uint64_t v = fs_gfp_def_value(p, c, &x->pgg[i]);
				if (v)
					lookup_note(l, v);
			}
		for (int f = 0; f < FS_GFP_NR_FLAGS; f++)
			if (name_matches(tok, len, fs_gfp_flag_name((enum fs_gfp_flag)f), strip,
					 prefix)) {
				uint64_t v = fs_gfp_bit(p, c, (enum fs_gfp_flag)f);
				if (v)
					lookup_note(l, v);
			}
		if (l->nr_values)
			return true;
	}
	return false;
}

/* Why a name is not a flag of p: it exists elsewhere, or with another config. */
static const char *absent_reason(const struct fs_kprofile *p, const char *tok, size_t len)
{
	for (int f = 0; f < FS_GFP_NR_FLAGS; f++) {
		const char *n = fs_gfp_flag_name((enum fs_gfp_flag)f);
		if (!name_matches(tok, len, n, true, false) &&
		    !name_matches(tok, len, n, true, true))
			continue;
		if (!p->gfp_bit[f])
			return "not in this kernel";
		if (f == FS_GFP_NOLOCKDEP)
			return "0 without CONFIG_LOCKDEP";
		if (f == FS_GFP_NO_OBJ_EXT)
			return "0 without CONFIG_SLAB_OBJ_EXT";
		return "0 without CONFIG_KASAN_HW_TAGS";
	}
	if (len >= 4 && (strncasecmp(tok, "GFP_", 4) == 0 || strncasecmp(tok, "__GFP_", 6) == 0))
		return "not in this kernel";
	return "unknown name";
}

/* Every bit some flag of p (with c) has. */
static uint64_t known_bits(const struct fs_kprofile *p, const struct fs_kconfig *c)
{
	uint64_t all = 0;
	for (int f = 0; f < FS_GFP_NR_FLAGS; f++)
		all |= fs_gfp_bit(p, c, (enum fs_gfp_flag)f);
	return all;
}

static void unknown_add(struct sbuf *u, bool *first, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void unknown_add(struct sbuf *u, bool *first, const char *fmt, ...)
{
	char item[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	sb_add(u, "%s%s", *first ? "" : ", ", item);
	*first = false;
}

bool fs_gfp_parse(const struct fs_kprofile *p, const struct fs_kconfig *c, const char *text,
		  uint64_t *mask, char *unknown, size_t unknown_size)
{
	struct fs_kconfig cbuf;
	p = or_newest(p);
	c = or_default(p, c, &cbuf);
	struct sbuf u;
	sb_init(&u, unknown, unknown_size);
	bool first = true, ok = true;
	int tokens = 0;
	uint64_t m = 0, known = known_bits(p, c);
	const char *s = text ? text : "";
	while (*s) {
		while (*s == '|' || *s == ',' || isspace((unsigned char)*s))
			s++;
		const char *t = s;
		while (*s && *s != '|' && *s != ',' && !isspace((unsigned char)*s))
			s++;
		size_t len = (size_t)(s - t);
		if (!len)
			continue;
		tokens++;
		uint64_t v;
		struct lookup l;
		if (hex_token(t, len, &v)) {
			m |= v;
			if (v & ~known) {
				unknown_add(&u, &first, "%#llx (no flag of this kernel)",
					    (unsigned long long)(v & ~known));
				ok = false;
			}
		} else if (lookup_name(p, c, t, len, &l)) {
			if (l.nr_values > 1) {
				int shown = (int)(len > 60 ? 60 : len);
				unknown_add(&u, &first, "%.*s (ambiguous)", shown, t);
				ok = false;
			} else {
				m |= l.value;
			}
		} else {
			unknown_add(&u, &first, "%.*s (%s)", (int)(len > 60 ? 60 : len), t,
				    absent_reason(p, t, len));
			ok = false;
		}
	}
	if (!tokens) {
		unknown_add(&u, &first, "no mask given");
		ok = false;
	}
	if (mask)
		*mask = m;
	return ok;
}

/* ---- what a mask means ---- */

struct mctx {
	const struct fs_kprofile *p;
	const struct fs_kconfig *c;
	const struct fs_kprofile_extra *x;
	uint64_t mask;          /* as given */
	uint64_t eff;           /* after the task context (current_gfp_context) */
	int order;
	struct fs_alloc_task t;
	struct fs_gfp_meaning *m;
	struct sbuf notes;
};

static bool has(const struct mctx *x, enum fs_gfp_flag f)
{
	return fs_gfp_has(x->p, x->c, x->eff, f);
}

static void note(struct mctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct mctx *x, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Whole lines only: a cut remark would mislead. */
	if (x->notes.len + strlen(line) + 2 > x->notes.size)
		return;
	sb_add(&x->notes, "%s%s", x->notes.len ? "\n" : "", line);
}

/* gfp_zone(): GFP_ZONE_TABLE by the four low bits (kernel-rules §2.1), for
 * a 64-bit kernel (no ZONE_HIGHMEM). */
static void meaning_zone(struct mctx *x)
{
	struct fs_gfp_meaning *m = x->m;
	bool dma = has(x, FS_GFP_DMA), high = has(x, FS_GFP_HIGHMEM);
	bool dma32 = has(x, FS_GFP_DMA32), mov = has(x, FS_GFP_MOVABLE);
	if (dma + high + dma32 > 1) {
		m->highest_zone_rank = -1;
		m->highest_zone = "invalid";
		note(x, "zone bits DMA/HIGHMEM/DMA32 combined: an invalid gfp_zone() "
		     "(VM_BUG_ON with DEBUG_VM)");
		return;
	}
	if (dma)
		m->highest_zone_rank = 0;
	else if (dma32)
		m->highest_zone_rank = 1;
	else if (high && mov)
		m->highest_zone_rank = 4;
	else
		m->highest_zone_rank = 2;
	static const char *const zone_names[] = { "DMA", "DMA32", "Normal", "HighMem",
						  "Movable" };
	m->highest_zone = zone_names[m->highest_zone_rank];
	if (high && !mov)
		note(x, "__GFP_HIGHMEM: HighMem on 32-bit kernels, Normal on 64-bit ones");
	if (dma32)
		note(x, "__GFP_DMA32: Normal on kernels without ZONE_DMA32");
}

static void meaning_migratetype(struct mctx *x)
{
	bool mov = has(x, FS_GFP_MOVABLE), rec = has(x, FS_GFP_RECLAIMABLE);
	if (mov && rec) {
		/* (gfp & (MOVABLE|RECLAIMABLE)) >> 3 = 3, with a VM_WARN_ON */
		x->m->migratetype = FS_MT_HIGHATOMIC;
		note(x, "__GFP_MOVABLE with __GFP_RECLAIMABLE: the kernel warns and "
		     "computes migratetype 3 (HighAtomic)");
	} else {
		x->m->migratetype = mov ? FS_MT_MOVABLE : rec ? FS_MT_RECLAIMABLE
							: FS_MT_UNMOVABLE;
	}
}

/* __gfp_pfmemalloc_flags (4.15+); 4.4 - 4.14 give NO_WATERMARKS to all. */
static unsigned reserve_flags(struct mctx *x, bool cma_ok)
{
	if (has(x, FS_GFP_NOMEMALLOC))
		return 0;
	unsigned r = 0;
	if (has(x, FS_GFP_MEMALLOC) || x->t.pf_memalloc)
		r = FS_ALLOC_NO_WATERMARKS;
	else if (x->t.oom_victim && !x->t.in_interrupt)
		r = x->p->oom_victim_alloc_oom ? FS_ALLOC_OOM : FS_ALLOC_NO_WATERMARKS;
	if (!r)
		return 0;
	if (x->x->reserve_readds_cma && cma_ok)
		r |= FS_ALLOC_CMA;
	if (x->x->reserve_keeps_kswapd && has(x, FS_GFP_KSWAPD_RECLAIM))
		r |= FS_ALLOC_KSWAPD;
	return r;
}

static unsigned fast_flags(struct mctx *x, bool cma_ok)
{
	unsigned f = 0;
	if (x->x->fast_cpuset_fair)
		f |= FS_ALLOC_CPUSET | FS_ALLOC_FAIR;
	if (cma_ok)
		f |= FS_ALLOC_CMA;
	if (x->x->has_alloc_kswapd && has(x, FS_GFP_KSWAPD_RECLAIM))
		f |= FS_ALLOC_KSWAPD;
	/* alloc_flags_nofragment(): when the preferred zone is Normal and DMA32
	 * is populated (x86_64, arm64); with an empty Movable zone too. */
	if (x->p->has_nofragment && (x->m->highest_zone_rank == 2 ||
				     x->m->highest_zone_rank == 4))
		f |= FS_ALLOC_NOFRAGMENT;
	return f;
}

/* gfp_to_alloc_flags, 4.4 - 6.2 (and 5.15.0-170, 6.1.0-115). */
static unsigned slow_flags_high_harder(struct mctx *x, bool cma_ok)
{
	unsigned s = FS_ALLOC_CPUSET;
	if (has(x, FS_GFP_HIGH))
		s |= FS_ALLOC_HIGH;
	if (x->x->has_alloc_kswapd && has(x, FS_GFP_KSWAPD_RECLAIM))
		s |= FS_ALLOC_KSWAPD;
	bool atomic = has(x, FS_GFP_ATOMIC);
	if (atomic && has(x, FS_GFP_DIRECT_RECLAIM) && x->x->atomic_cleared_with_reclaim) {
		atomic = false;
		note(x, "__GFP_ATOMIC with __GFP_DIRECT_RECLAIM: the slow path WARNs and "
		     "clears __GFP_ATOMIC");
	}
	if (atomic) {
		if (!has(x, FS_GFP_NOMEMALLOC))
			s |= FS_ALLOC_HARDER;
		s &= ~(unsigned)FS_ALLOC_CPUSET;
	} else if (x->t.rt_task && !x->t.in_interrupt) {
		s |= FS_ALLOC_HARDER;
	}
	if (cma_ok)
		s |= FS_ALLOC_CMA;
	return s;
}

/* gfp_to_alloc_flags(gfp, order), 6.3+ (and 5.15.171+, 6.1.116+). */
static unsigned slow_flags_min_nonblock(struct mctx *x, bool cma_ok)
{
	unsigned s = FS_ALLOC_CPUSET;
	if (has(x, FS_GFP_HIGH))
		s |= FS_ALLOC_MIN_RESERVE;
	if (has(x, FS_GFP_KSWAPD_RECLAIM))
		s |= FS_ALLOC_KSWAPD;
	if (!has(x, FS_GFP_DIRECT_RECLAIM)) {
		if (!has(x, FS_GFP_NOMEMALLOC)) {
			s |= FS_ALLOC_NON_BLOCK;
			if (x->order > 0 && (!x->p->highatomic_needs_high ||
					     (s & FS_ALLOC_MIN_RESERVE)))
				s |= FS_ALLOC_HIGHATOMIC;
		}
		if (s & FS_ALLOC_MIN_RESERVE)
			s &= ~(unsigned)FS_ALLOC_CPUSET;
	} else if (x->t.rt_task && !x->t.in_interrupt) {
		s |= FS_ALLOC_MIN_RESERVE;
	}
	if (cma_ok)
		s |= FS_ALLOC_CMA;
	return s;
}

static unsigned gcd_u(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The min watermark reductions of __zone_watermark_ok (kernel-rules §5.1). */
static void min_multiplier(struct mctx *x, unsigned flags)
{
	struct fs_gfp_meaning *m = x->m;
	unsigned num = 1, den = 1;
	if (flags & FS_ALLOC_NO_WATERMARKS) {
		m->min_mult_num = 0;
		m->min_mult_den = 1;
		return;
	}
	if (x->p->reserve_scheme == FS_RESERVE_HIGH_HARDER) {
		if (flags & FS_ALLOC_HIGH)
			den *= 2;
		if (flags & FS_ALLOC_OOM)
			den *= 2;
		else if (flags & FS_ALLOC_HARDER) {
			num *= 3;
			den *= 4;
		}
	} else {
		if (flags & FS_ALLOC_MIN_RESERVE) {
			den *= 2;
			if (flags & FS_ALLOC_NON_BLOCK) {
				num *= 3;
				den *= 4;
			}
		}
		if (flags & FS_ALLOC_OOM)
			den *= 2;
	}
	unsigned g = gcd_u(num, den);
	m->min_mult_num = (int)(num / g);
	m->min_mult_den = (int)(den / g);
}

static bool uses_highatomic(struct mctx *x, unsigned flags)
{
	if (flags & FS_ALLOC_NO_WATERMARKS)
		return false;   /* no HighAtomic step for NO_WATERMARKS alone */
	if (x->p->reserve_scheme == FS_RESERVE_HIGH_HARDER)
		return x->order > 0 && (flags & FS_ALLOC_HARDER);
	if (flags & (FS_ALLOC_HIGHATOMIC | FS_ALLOC_OOM))
		return true;
	/* rmqueue_buddy's last resort takes any order, but for order > 0 the
	 * watermark check only counts HighAtomic lists with HIGHATOMIC|OOM, so
	 * it only matters at order 0. */
	return x->p->highatomic_last_resort == FS_LAST_RESORT_OOM_NON_BLOCK && (flags & FS_ALLOC_NON_BLOCK) && x->order == 0;
}

static bool retry_flag(const struct mctx *x)
{
	return has(x, x->x->retry_flag_is_repeat ? FS_GFP_REPEAT : FS_GFP_RETRY_MAYFAIL);
}

/* kernel-rules §7.2 ladder after reclaim and compaction. */
static bool may_retry(struct mctx *x)
{
	const struct fs_gfp_meaning *m = x->m;
	if (!m->may_reclaim)
		return false;
	if (m->nofail)
		return true;
	if (has(x, FS_GFP_NORETRY))
		return false;
	if (x->order <= x->p->costly_order)
		return true;
	if (!retry_flag(x))
		return false;
	/* 6.1.116+, 6.6+ (803de9000f33): costly without __GFP_IO cannot compact,
	 * so it does not retry even with RETRY_MAYFAIL. */
	return !x->p->compaction_gates_retries || has(x, FS_GFP_IO);
}

/* __alloc_pages_may_oom gates (kernel-rules §7.4). */
static bool may_oom(struct mctx *x)
{
	const struct fs_gfp_meaning *m = x->m;
	if (!m->may_reclaim || has(x, FS_GFP_NORETRY))
		return false;
	if (m->nofail && x->x->nofail_skips_oom_gates)
		return true;
	if (x->order > x->p->costly_order)
		return false;
	if (x->x->oom_gate_retry_mayfail && has(x, FS_GFP_RETRY_MAYFAIL))
		return false;
	if (m->highest_zone_rank < 2 || has(x, FS_GFP_THISNODE))
		return false;
	if (!has(x, FS_GFP_FS)) {
		note(x, "no __GFP_FS: out_of_memory() kills nothing, it reports progress "
		     "and the allocation keeps looping");
		return false;
	}
	return true;
}

static void meaning_notes(struct mctx *x, unsigned slow, unsigned final)
{
	const struct fs_kprofile *p = x->p;
	const struct fs_gfp_meaning *m = x->m;
	if (x->x->hex_only)
		note(x, "this kernel prints mode:0x%llx only; the names are fragscope's",
		     (unsigned long long)x->mask);
	if (p->reserve_scheme == FS_RESERVE_MIN_NONBLOCK && (slow & FS_ALLOC_NON_BLOCK) &&
	    !(slow & FS_ALLOC_MIN_RESERVE) && x->order > 0) {
		if (slow & FS_ALLOC_HIGHATOMIC)
			note(x, "6.3+: GFP_NOWAIT order>0 may use HighAtomic (ALLOC_HIGHATOMIC); "
			     "6.1.157+, 6.12.54+ and 6.17+ need __GFP_HIGH for that");
		else
			note(x, "non-blocking order>0 without __GFP_HIGH: no ALLOC_HIGHATOMIC "
			     "in this kernel (6a204d4b14c9)");
	}
	if ((final & FS_ALLOC_NON_BLOCK) && x->p->highatomic_last_resort == FS_LAST_RESORT_OOM_NON_BLOCK && x->order == 0)
		note(x, "order 0, non-blocking: HighAtomic lists are the last resort "
		     "(281dd25c1a01)");
	if (p->reserve_scheme == FS_RESERVE_HIGH_HARDER && (final & FS_ALLOC_OOM) &&
	    x->order > 0)
		note(x, "ALLOC_OOM: HighAtomic lists count in the watermark check, but "
		     "rmqueue only takes them with ALLOC_HARDER");
	if (x->t.rt_task && !x->t.in_interrupt && has(x, FS_GFP_DIRECT_RECLAIM))
		note(x, "RT task%s: %s", x->x->rt_includes_deadline ? " (or deadline)" : "",
		     p->reserve_scheme == FS_RESERVE_HIGH_HARDER ? "ALLOC_HARDER (min x 3/4)"
								   : "ALLOC_MIN_RESERVE (min / 2)");
	if (m->min_mult_num && m->min_mult_num < m->min_mult_den)
		note(x, "min watermark x %d/%d, rounded down at each step", m->min_mult_num,
		     m->min_mult_den);
	if (m->nofail && !m->can_sleep)
		note(x, "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM fails like any "
		     "non-blocking request");
	if (x->order > p->costly_order && m->may_reclaim && !m->nofail && !retry_flag(x) &&
	    !has(x, FS_GFP_NORETRY))
		note(x, "order > %d without %s: one reclaim/compaction round, no retry",
		     p->costly_order, x->x->retry_flag_is_repeat ? "__GFP_REPEAT"
								 : "__GFP_RETRY_MAYFAIL");
	if (x->order > 0 && m->may_reclaim && !m->may_compact && !has(x, FS_GFP_IO))
		note(x, "no __GFP_IO: no direct compaction");
	else if (x->order > 0 && m->may_reclaim && !m->may_compact && p->compaction_needs_fs)
		note(x, "no __GFP_FS: no direct compaction in this kernel (4.11 allowed it)");
	if (x->t.pf_memalloc)
		note(x, "PF_MEMALLOC task: no direct reclaim (recursion), reserves instead");
	if (x->order >= p->default_nr_orders)
		note(x, "order %d is beyond the maximum order %d: fails at once (WARN unless "
		     "__GFP_NOWARN)", x->order, p->default_nr_orders - 1);
	if ((final & FS_ALLOC_NOFRAGMENT) || (m->fast_flags & FS_ALLOC_NOFRAGMENT))
		note(x, "fast path: ALLOC_NOFRAGMENT when the preferred zone is Normal and "
		     "DMA32 is populated%s",
		     x->x->defrag_mode ? "; vm.defrag_mode=1 keeps it" : "");
}

void fs_gfp_meaning(const struct fs_kprofile *p, const struct fs_kconfig *c, uint64_t mask,
		    int order, const struct fs_alloc_task *task, struct fs_gfp_meaning *out)
{
	struct fs_kconfig cbuf;
	struct mctx x;
	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.p = or_newest(p);
	x.c = or_default(x.p, c, &cbuf);
	x.x = fs_kprofile_extra(x.p);
	x.mask = x.eff = mask;
	x.order = order < 0 ? 0 : order;
	if (task)
		x.t = *task;
	x.m = out;
	sb_init(&x.notes, out->notes, sizeof(out->notes));

	/* current_gfp_context(): the task's scope flags strip the mask. */
	if (x.t.memalloc_noio)
		x.eff &= ~(fs_gfp_bit(x.p, x.c, FS_GFP_IO) | fs_gfp_bit(x.p, x.c, FS_GFP_FS));
	if (x.t.memalloc_nofs)
		x.eff &= ~fs_gfp_bit(x.p, x.c, FS_GFP_FS);
	if (x.t.memalloc_pin && x.x->pin_clears_movable)
		x.eff &= ~fs_gfp_bit(x.p, x.c, FS_GFP_MOVABLE);

	meaning_zone(&x);
	meaning_migratetype(&x);
	out->can_sleep = has(&x, FS_GFP_DIRECT_RECLAIM);
	out->wakes_kswapd = has(&x, FS_GFP_KSWAPD_RECLAIM);
	out->nofail = has(&x, FS_GFP_NOFAIL);
	out->warns = !has(&x, FS_GFP_NOWARN);

	bool cma_ok = x.c->cma && out->migratetype == FS_MT_MOVABLE &&
		      !(x.x->nocma_task && x.t.memalloc_pin);
	out->fast_flags = fast_flags(&x, cma_ok);
	out->slow_flags = x.p->reserve_scheme == FS_RESERVE_HIGH_HARDER
				  ? slow_flags_high_harder(&x, cma_ok)
				  : slow_flags_min_nonblock(&x, cma_ok);
	out->reserve_flags = reserve_flags(&x, cma_ok);
	unsigned final = out->reserve_flags ? out->reserve_flags : out->slow_flags;

	out->uses_cma = ((out->fast_flags | final) & FS_ALLOC_CMA) != 0;
	out->no_watermarks = (final & FS_ALLOC_NO_WATERMARKS) != 0;
	min_multiplier(&x, final);
	out->uses_reserves = out->no_watermarks || out->min_mult_num < out->min_mult_den;
	out->uses_highatomic = uses_highatomic(&x, final);

	out->may_reclaim = out->can_sleep && !x.t.pf_memalloc &&
			   !(x.x->memdie_nopage && x.t.oom_victim && !out->nofail);
	out->may_compact = x.order > 0 && out->may_reclaim && has(&x, FS_GFP_IO) &&
			   (!x.p->compaction_needs_fs || has(&x, FS_GFP_FS));
	out->may_retry = may_retry(&x);
	out->may_oom = may_oom(&x);
	meaning_notes(&x, out->slow_flags, final);
}

/* ---- ALLOC_* names ---- */

size_t fs_alloc_flags_format(const struct fs_kprofile *p, unsigned flags, char *out,
			     size_t out_size)
{
	p = or_newest(p);
	const struct fs_kprofile_extra *x = fs_kprofile_extra(p);
	bool mn = p->reserve_scheme == FS_RESERVE_MIN_NONBLOCK;
	/* HARDER/NON_BLOCK and HIGH/MIN_RESERVE are the same kernel bits (0x10,
	 * 0x20) under the version's name; a flag the version lacks gets a '?'. */
	struct {
		unsigned bits;
		const char *name;
		bool exists;
	} const names[] = {
		{ FS_ALLOC_NO_WATERMARKS, "ALLOC_NO_WATERMARKS", true },
		{ FS_ALLOC_OOM, "ALLOC_OOM", p->oom_victim_alloc_oom },
		{ FS_ALLOC_HARDER | FS_ALLOC_NON_BLOCK, mn ? "ALLOC_NON_BLOCK" : "ALLOC_HARDER",
		  true },
		{ FS_ALLOC_HIGH | FS_ALLOC_MIN_RESERVE,
		  mn ? "ALLOC_MIN_RESERVE" : "ALLOC_HIGH", true },
		{ FS_ALLOC_CPUSET, "ALLOC_CPUSET", true },
		{ FS_ALLOC_CMA, "ALLOC_CMA", true },
		{ FS_ALLOC_FAIR, "ALLOC_FAIR", x->fast_cpuset_fair },
		{ FS_ALLOC_NOFRAGMENT, "ALLOC_NOFRAGMENT", p->has_nofragment },
		{ FS_ALLOC_HIGHATOMIC, "ALLOC_HIGHATOMIC", mn },
		{ FS_ALLOC_KSWAPD, "ALLOC_KSWAPD", x->has_alloc_kswapd },
	};
	struct sbuf b;
	sb_init(&b, out, out_size);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bits))
			continue;
		sb_add(&b, "%s%s%s", b.len ? "|" : "", names[i].name,
		       names[i].exists ? "" : "?");
	}
	return b.len;
}
