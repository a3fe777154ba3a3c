#!/bin/sh
# End-to-end tests of `fragscope gfp`: run by 'make check' from the build
# directory (automake sets $srcdir), or by hand:
#   FS_BUILDDIR=/path/to/build srcdir=/path/to/src tests/test_gfp.sh
# Closes with "N passed, N failed"; exits non-zero when anything failed.
set -u

. "${srcdir:-.}/tests/harness.sh"
harness_init gfp

# ---- help
run --help
expect "--help lists gfp" 0 out '^  gfp '
run help gfp
expect "help gfp" 0 out '^usage: fragscope gfp MASK' out '--kconfig LIST' out 'Exit status'
run gfp --help
expect "gfp --help" 0 out '^usage: fragscope gfp'

# ---- decoding
run gfp 0x484020 --kernel 4.19.176 --order 3
expect "decode the Android sample's mask on 4.19" 0 \
	out '^kernel +4\.19 \(kernel 4\.19\.176 -> profile 4\.19\)' \
	out '^printed +mode:0x484020\(GFP_ATOMIC\|__GFP_COMP\)$' \
	out '0x20 __GFP_HIGH, 0x4000 __GFP_COMP, 0x80000 __GFP_ATOMIC, ' \
	out '0x400000 __GFP_KSWAPD_RECLAIM$' \
	out '^what it means at order 3:' \
	out '^  reserves +yes: min watermark x 3/8$' \
	out '^  HighAtomic +yes$' \
	out '^  may sleep +no$' \
	out '^  OOM killer +no$' \
	out '^  slow path +ALLOC_WMARK_MIN\|ALLOC_HARDER\|ALLOC_HIGH$' \
	out '^  warns +yes \(warn_alloc, at most 10 per 5 s\)'

# The kernel's own text in the sample log must be what fragscope prints.
mode=$(sed -n 's/.*\(mode:0x[0-9a-f]*([^)]*)\).*/\1/p' "$LOG" | head -n 1)
release=$(sed -n 's/.*Tainted: .* \([0-9][0-9.]*\) #.*/\1/p' "$LOG" | head -n 1)
hex=$(printf '%s' "$mode" | sed 's/mode:\(0x[0-9a-f]*\).*/\1/')
run gfp "$hex" --kernel "$release"
if [ -n "$mode" ] && [ "$release" = "4.19.176" ] && grep -q -F "printed      $mode" "$tmp/out"; then
	pass "the sample log's $mode is reproduced for $release"
else
	fail "the sample log's mode line ($mode, kernel $release) is reproduced"
fi

run gfp 0x42dc0 --kernel 6.12
expect "6.12 %pGg order" 0 \
	out 'mode:0x42dc0\(GFP_KERNEL\|__GFP_NOWARN\|__GFP_COMP\|__GFP_ZERO\)'
run gfp 0x42dc0 --kernel 6.18
expect "6.18 %pGg order (bit order)" 0 \
	out 'mode:0x42dc0\(GFP_KERNEL\|__GFP_ZERO\|__GFP_NOWARN\|__GFP_COMP\)'
run gfp 0x2800 --kernel 6.6.87
expect "0x2800 on 6.6" 0 out 'mode:0x2800\(GFP_NOWAIT\|__GFP_NOWARN\)'
run gfp 0x2800 --kernel 6.8.0
expect "0x2800 on 6.8 (profile 6.6: nearest older)" 0 out 'nearest older'
run gfp 0x2800 --kernel 6.12.0
expect "0x2800 on 6.12" 0 out 'mode:0x2800\(GFP_NOWAIT\)$'
run gfp 0x1100cca --kernel 5.15.135
expect "5.15 GFP_HIGHUSER_MOVABLE with SKIP_KASAN_POISON" 0 \
	out 'mode:0x1100cca\(GFP_HIGHUSER_MOVABLE\)$' out '0x1000000 __GFP_SKIP_KASAN_POISON'
run gfp 0x1100cca --kernel 6.12
expect "6.12 prints NO_OBJ_EXT as hex" 0 \
	out 'mode:0x1100cca\(GFP_HIGHUSER_MOVABLE\|0x1000000\)$' \
	out '0x1000000 __GFP_NO_OBJ_EXT \(printed as hex\)'
run gfp 0x2080020 --kernel 4.4.155
expect "4.4 prints the hex only" 0 \
	out 'mode:0x2080020 \(this kernel prints the hex only; fragscope reads it as GFP_ATOMIC\)'
run gfp 0 --kernel 4.19
expect "an empty mask" 0 out '^printed +mode:0\(\)$' out '^flags +none$'

# ---- encoding
run gfp 'GFP_ATOMIC|__GFP_COMP' --kernel 4.19
expect "encode GFP_ATOMIC|__GFP_COMP on 4.19" 0 out '^mask +0x484020 = GFP_ATOMIC\|__GFP_COMP$'
run gfp 'GFP_ATOMIC|__GFP_COMP' --kernel 6.6
expect "encode GFP_ATOMIC|__GFP_COMP on 6.6" 0 out '^mask +0x40820 = '
run gfp GFP_KERNEL '|' __GFP_NOWARN --kernel 6.6
expect "mask in several words" 0 out '^mask +0x2cc0 = GFP_KERNEL \| __GFP_NOWARN$'
run gfp --kernel 6.6 kernel nowarn --order 2
expect "options before and after the mask, bare names" 0 out '^mask +0x2cc0 ' \
	out '^what it means at order 2:'
run gfp GFP_NOWAIT --kernel 6.1.120 --order 3
expect "6.1-late GFP_NOWAIT order 3 takes HighAtomic" 0 out 'profile 6\.1-late' \
	out 'slow path +ALLOC_WMARK_MIN\|ALLOC_NON_BLOCK\|ALLOC_CPUSET\|ALLOC_HIGHATOMIC' \
	out '6\.3\+: GFP_NOWAIT order>0 may use HighAtomic \(ALLOC_HIGHATOMIC\)'
run gfp GFP_NOWAIT --kernel 6.1.100 --order 3
expect "6.1-early GFP_NOWAIT order 3" 0 out 'profile 6\.1-early' \
	out '^  HighAtomic +no$'
lacks "6.1-early has no ALLOC_HIGHATOMIC" out 'ALLOC_HIGHATOMIC'

# ---- config
run gfp GFP_HIGHUSER_MOVABLE --kernel 6.1-late --kconfig kasan_hw_tags
expect "KASAN_HW_TAGS adds the SKIP bits (6.1)" 0 out '^mask +0x6100cca = ' \
	out 'KASAN_HW_TAGS yes'
run gfp 0x3000cc0 --kernel 6.18 --kconfig lockdep,CONFIG_SLAB_OBJ_EXT=y
expect "6.18 names NOLOCKDEP and NO_OBJ_EXT" 0 \
	out 'mode:0x3000cc0\(GFP_KERNEL\|__GFP_NOLOCKDEP\|__GFP_NO_OBJ_EXT\)'
run gfp GFP_HIGHUSER_MOVABLE --kernel 6.6 --kconfig no-cma
expect "--kconfig no-cma" 0 out '^  CMA +no$' out 'CMA no'

# ---- bad input
run gfp 0x2a20 --kernel 6.6
expect "an unknown bit is reported, exit 3" 3 out 'mode:0x2a20\(GFP_ATOMIC\|__GFP_NOWARN\|0x200\)' \
	out '^unknown +0x200 \(no flag of this kernel\)' \
	out '^hint +0x200 is __GFP_ATOMIC in profile 6\.1-latest' \
	err 'not understood for kernel profile 6\.6'
run gfp 'GFP_KERNEL|__GFP_BOGUS' --kernel 6.6
expect "an unknown name is reported, exit 3" 3 out '__GFP_BOGUS \(not in this kernel\)' \
	out '^mask +0xcc0 = '
run gfp __GFP_ATOMIC --kernel 6.18
expect "a flag of older kernels" 3 out '__GFP_ATOMIC \(not in this kernel\)'
run gfp
expect "no mask: usage error" 2 err 'which mask'
run gfp 0x1 --kernel windows
expect "unknown --kernel: usage error" 2 err 'no kernel profile for "windows"' err '6\.1-late'
run gfp 0x1 --kconfig bogus
expect "unknown --kconfig: usage error" 2 err 'unknown option "bogus"'
run gfp 0x1 --order 99
expect "bad --order: usage error" 2 err '--order needs an order'
run gfp 0x1 --frobnicate
expect "unknown option: usage error" 2 err 'unknown option'

# ---- this machine's kernel by default
run gfp 0xcc0
expect "default profile from uname" 0 out '^kernel +[0-9]' out '^printed +mode:0xcc0\(GFP_KERNEL\)$'

# ---- JSON
run gfp 0x484020 --kernel 4.19.176 --order 3 --json
if [ "$status" -eq 0 ]; then
	json_check "JSON for 0x484020 on 4.19" "
assert d['kernel']['profile'] == '4.19'
assert d['kernel']['release'] == '4.19.176'
assert d['kernel']['guessed'] is False
assert d['mask'] == '0x484020' and d['value'] == 0x484020
assert d['names'] == 'GFP_ATOMIC|__GFP_COMP'
names = [f['name'] for f in d['flags']]
assert names == ['__GFP_HIGH', '__GFP_COMP', '__GFP_ATOMIC', '__GFP_KSWAPD_RECLAIM'], names
assert d['understood'] is True and d['unknown'] == ''
m = d['meaning']
assert m['order'] == 3 and m['highest_zone'] == 'Normal' and m['migratetype'] == 'Unmovable'
assert m['min_watermark_multiplier'] == [3, 8]
assert m['uses_highatomic'] is True and m['can_sleep'] is False and m['may_oom'] is False
assert m['slow_flags'] == ['ALLOC_HARDER', 'ALLOC_HIGH']
assert m['fast_flags'] == [] and m['reserve_flags'] == []
"
else
	fail "JSON for 0x484020 on 4.19 (exit $status)"
fi
run gfp GFP_KERNEL '|' bogus --kernel 6.6 --json
if [ "$status" -eq 3 ]; then
	json_check "JSON with an unknown name" "
assert d['understood'] is False
assert 'bogus' in d['unknown']
assert d['mask'] == '0xcc0'
"
else
	fail "JSON with an unknown name (exit $status, want 3)"
fi

finish
