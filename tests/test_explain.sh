#!/bin/sh
# End-to-end tests of `fragscope explain`: run by 'make check' from the build
# directory (automake sets $srcdir), or by hand:
#   FS_BUILDDIR=/path/to/build srcdir=/path/to/src tests/test_explain.sh
# Closes with "N passed, N failed"; exits non-zero when anything failed.
set -u

. "${srcdir:-.}/tests/harness.sh"
harness_init explain

# ---- help and usage
run --help
expect "--help lists explain" 0 out '^  explain '
run help explain
expect "help explain" 0 out '^usage: fragscope explain ' out '--gfp MASK' out '--order N' \
	out '--kernel VER' out '--kconfig LIST' out 'Exit status: 0 succeeds, 1 fails, 2 depends'
run explain --bogus
expect "unknown option: bad input" 3 err 'unknown option "--bogus"'
run explain --order
expect "option without its argument" 3 err '--order needs an argument'
run explain --order -1 "$VM.buddyinfo"
expect "negative order" 3 err '--order needs a number from 0 to 63, got "-1"'
run explain --kernel bogus "$VM.buddyinfo"
expect "unknown kernel profile" 3 err 'no kernel profile for "bogus"'
run explain --kconfig cma,nosuchoption "$VM.buddyinfo"
expect "unknown --kconfig option" 3 err 'unknown option "nosuchoption"'

# ---- the Android sample: order:3 GFP_ATOMIC|__GFP_COMP on 4.19 with most free memory in CMA.
# DMA32 free:362116kB / 4 = 90529 pages, free_cma:321800kB / 4 = 80450 pages (88.9%), min:4556kB
# / 4 = 1139. GFP_ATOMIC may not use CMA: usable = 90529 - (2^3 - 1) - 80450 = 10072. The slow
# path (ALLOC_HIGH|ALLOC_HARDER, 4.19) lowers min to 1139 - 1139/2 = 570, 570 - 570/4 = 428, and
# the printed letters show Unmovable blocks at order 3 ("47*32kB (UC)"): the state printed after
# the failure would have satisfied the request (exit 0), and explain says so instead of
# inventing a reason.
run explain "$LOG"
expect "explain the Android report" 0 \
	out '^=== .*android-4\.19-arm64-wifi-order3-atomic-cma\.log, report 1 \(lines 4-58\)$' \
	out '^failure +order 3, mode 0x484020 \(GFP_ATOMIC\|__GFP_COMP\)$' \
	out '^ +task wifi@1\.0-servic pid 2164, 1798\.829657 s after boot$' \
	out '^kernel +4\.19\.176: profile 4\.19 ' \
	out '^request +order 3, GFP_ATOMIC\|__GFP_COMP \(0x484020\): the report.s own order and' \
	out '^steps +phase +zone +result +check$' \
	out '^ +slow +Node 0 DMA32 +pass +Node 0 DMA32 min: 10072 > 428 \+ 0: pass by 9644$' \
	out '^outcome +succeeds \(slow path\)$' \
	out '^reason +Node 0 DMA32 passes the min watermark' \
	out '^margin +\+9644 pages \(Node 0 DMA32\)' \
	out '80450 of 90529 free pages are CMA \(88\.9%\)' \
	out '^order 3 +zone +fragmentation +unusable$' \
	out '^ +Node 0 DMA32 +-1\.000 +0\.075$' \
	out '^report +the printed state would have satisfied the request'
# unusable(3) = (90508 - 10459 * 8) * 1000 / 90508 = 75 (see tests/test_fragindex.c)

run explain --json "$LOG"
expect "explain --json of the Android report: status" 0
json_check "explain --json of the Android report" '
assert d["exit_status"] == 0, d["exit_status"]
assert len(d["items"]) == 1
it = d["items"][0]
assert it["kind"] == "report" and it["report_index"] == 1 and it["request_source"] == "report"
assert it["exit_status"] == 0
e = it["explanation"]
assert e["has_state"] is True and e["explains"] is False
v = e["verdict"]
assert v["profile"]["name"] == "4.19"
assert v["request"]["order"] == 3 and v["request"]["gfp"] == "0x484020"
assert v["outcome"] == "slow" and v["margin"] == 9644
fr = it["fragmentation"]
assert fr["order"] == 3
z = fr["zones"][0]
assert z["node"] == 0 and z["zone"] == "DMA32"
assert z["fragmentation_index"] == {"value": -1000, "text": "-1.000", "exact": True}
assert z["unusable_index"] == {"value": 75, "text": "0.075", "exact": True}
assert d["diagnostics"] == []'

# ---- every kernel-log fixture: explained without a crash, its profile named
for f in "$KLOG"/*.log; do
	run explain "$f"
	name=$(basename "$f")
	if [ "$status" -le 2 ] && clean && grep -q -E '^kernel +.*profile [0-9]' "$tmp/out" &&
	   grep -q -E '^outcome +' "$tmp/out"; then
		pass "explain $name (exit $status)"
	else
		fail "explain $name"
	fi
done
# Three reports in one log: three explanations.
run explain "$KLOG/arm64-4.19-three-reports.log"
n=$(grep -c '^=== .*, report [0-9]' "$tmp/out")
[ "$n" -eq 3 ] && pass "three reports, three explanations" ||
	fail "three reports, three explanations (got $n)"

# Several logs at once: each report under its own file; standard input as (stdin).
run explain "$KLOG/synth-4.19-cpuset-line-header.log" "$KLOG/arm64-6.6-android-kmsgprio.log"
expect "two logs, each report labelled with its file" 1 \
	out '^=== .*/synth-4\.19-cpuset-line-header\.log, report 1 \(lines 4-5\)$' \
	out '^=== .*/arm64-6\.6-android-kmsgprio\.log, report 1 \(lines 2-47\)$'
"$FS" explain - <"$LOG" >"$tmp/out" 2>"$tmp/err"; status=$?
expect "explain - reads standard input" 0 out '^=== \(stdin\), report 1 \(lines 4-58\)$'

# ---- --gfp/--order on the 6.18 proc dumps
DUMPS="$VM.buddyinfo $VM.pagetypeinfo $VM.zoneinfo $VM.vmstat $VM.meminfo $VM.uname"
# shellcheck disable=SC2086
run explain --gfp GFP_KERNEL --order 3 $DUMPS
expect "GFP_KERNEL order 3 on the 6.18 dumps: fast path" 0 \
	out '^kernel +6\.18\.44-fc-v657: profile 6\.18' \
	out '^request +order 3, GFP_KERNEL \(0xcc0\): as given' \
	out '^outcome +succeeds \(fast path\)' \
	out '^ +Node 0 Normal +-1\.000 +0\.058$'
# Normal unusable(3) = (137495 - 16178 * 8) * 1000 / 137495 = 58 (see tests/test_fragindex.c)

# shellcheck disable=SC2086
run explain $DUMPS
expect "a snapshot without --gfp: GFP_KERNEL order 3 by default, and said so" 0 \
	out '^request +order 3, GFP_KERNEL \(0xcc0\): the default request \(no --gfp or --order gi'

# shellcheck disable=SC2086
run explain --gfp GFP_KERNEL --order 11 $DUMPS
expect "order 11 is beyond MAX_PAGE_ORDER 10: fails" 1 out '^outcome +fails'

# shellcheck disable=SC2086
run explain --gfp 0xcc0 --order 3 --json $DUMPS
expect "explain --json on the dumps: status" 0
json_check "explain --json on the dumps" '
assert d["exit_status"] == 0
assert d["request"]["source"] == "options" and d["request"]["order"] == 3
it = d["items"][0]
assert it["kind"] == "verdict" and it["request_source"] == "options"
z = {(z["node"], z["zone"]): z for z in it["fragmentation"]["zones"]}
n = z[(0, "Normal")]
assert n["unusable_index"]["value"] == 58 and n["fragmentation_index"]["value"] == -1000
assert z[(0, "DMA")]["unusable_index"]["value"] == 0
v = it["verdict"]
assert v["outcome"] == "fast" and v["decisive_zone"] == "Node 0 Normal"
assert v["margin"] == 133821, v["margin"]
assert v["suitable_blocks"] == 2226, v["suitable_blocks"]'
# Normal: usable 137506 - 7 = 137499 > low 3678 + lowmem_reserve 0: margin 133821; blocks of
# order >= 3: 1068 + 647 + 282 + 58 + 32 + 46 + 26 + 67 = 2226

# The profile of another version: GFP_KERNEL is 0x24000c0 in 4.4 (kernel-rules §12b).
# shellcheck disable=SC2086
run explain --kernel 4.4 --kconfig no-cma $DUMPS
expect "--kernel 4.4 on the 6.18 dumps" 0 \
	out '^kernel +6\.18\.44-fc-v657: profile 4\.4 \(chosen with --kernel 4\.4\)$' \
	out '^request +order 3, GFP_KERNEL \(0x24000c0\): the default request'

# shellcheck disable=SC2086
run explain --gfp __GFP_NO_SUCH_FLAG $DUMPS
expect "a --gfp name the kernel does not have: bad input, named" 3 err 'NO_SUCH_FLAG'

# ---- a capture: its last frame's snapshot (and every report it recorded)
run capture -o "$tmp/c.yaml" --count 2 --interval 0.1 --proc-root "$LIVE" --kmsg none
run explain "$tmp/c.yaml"
expect "explain a capture: its last frame" 0 out '^=== .*/c\.yaml, frame 1 \(0\.\.1\)$' \
	out '^kernel +6\.18\.44-fc-v782: profile 6\.18' out '^outcome +succeeds'
[ "$(grep -c '^=== ' "$tmp/out")" -eq 1 ] && pass "a capture: one verdict" ||
	fail "a capture: one verdict"
# Its last frame damaged: the last snapshot that can be read is judged, with a warning.
awk '/^frame: 1$/ { f = 1 } f && /^time:/ { print "time: banana"; f = 0; next } 1' \
	"$tmp/c.yaml" >"$tmp/bad.yaml"
run explain "$tmp/bad.yaml"
expect "a capture whose last frame is damaged: the frame before is judged" 3 \
	out '^=== .*/bad\.yaml, frame 0 \(0\.\.1\)$' out '^outcome +succeeds' \
	err 'frame 1: time: expected a number, got "banana"' \
	err 'the last frame \(1\) cannot be read: judging frame 0, the last that can'

# ---- a fragmented zone set (tests/fixtures/explain/README.md): free memory only in blocks of
# order 0..2. Normal: 5000 3000 1000 -> free 15000 pages, 9000 blocks; its min 2943 passes, but no
# block of order >= 3 exists anywhere: GFP_KERNEL order 3 depends on compaction (exit 2),
# GFP_ATOMIC order 3 fails (exit 1). Fragmentation index at order 3 (kernel-rules §10):
#   Normal 1000 - (1000 + 15000*1000/8) / 9000 = 1000 - 1876000/9000 = 1000 - 208 = 792
#   DMA32  1000 - (1000 + 2800*1000/8) / 1700 = 1000 - 351000/1700 = 1000 - 206 = 794
#   DMA    1000 - (1000 + 280*1000/8) / 170 = 1000 - 36000/170 = 1000 - 211 = 789
# and every unusable index is 1000 (no free page is in a block of order >= 3).
FRAG=$src/tests/fixtures/explain/fragmented-6.18
run explain "$FRAG.buddyinfo" "$FRAG.zoneinfo" "$FRAG.uname"
expect "GFP_KERNEL order 3 on a fragmented machine: depends" 2 \
	out '^outcome +depends on reclaim or compaction' \
	out '^margin +\+12050 pages \(Node 0 Normal\); 0 free blocks of order >= 3 ' \
	out '^ +Node 0 DMA +0\.789 +1\.000$' \
	out '^ +Node 0 DMA32 +0\.794 +1\.000$' \
	out '^ +Node 0 Normal +0\.792 +1\.000$'
# margin: Normal usable 15000 - 7 = 14993 > min 2943 + 0 by 12050 (the slow path's mark)
run explain --gfp GFP_ATOMIC --order 3 "$FRAG.buddyinfo" "$FRAG.zoneinfo" "$FRAG.uname"
expect "GFP_ATOMIC order 3 on a fragmented machine: fails" 1 out '^outcome +fails$'
run explain --json "$FRAG.buddyinfo" "$FRAG.zoneinfo" "$FRAG.uname"
json_check "explain --json on a fragmented machine" '
assert d["exit_status"] == 2
it = d["items"][0]
assert it["request_source"] == "default" and it["exit_status"] == 2
z = {z["zone"]: z for z in it["fragmentation"]["zones"]}
assert z["Normal"]["fragmentation_index"] == {"value": 792, "text": "0.792", "exact": True}
assert z["DMA32"]["fragmentation_index"]["value"] == 794
assert z["DMA"]["fragmentation_index"]["value"] == 789
assert all(v["unusable_index"]["value"] == 1000 for v in z.values())
assert it["verdict"]["outcome"] == "depends" and it["verdict"]["suitable_blocks"] == 0'

# ---- several verdicts: the worst, in the order 3 > 1 > 2 > 0 (each input its own snapshot)
VM3="$VM.buddyinfo $VM.zoneinfo $VM.uname"
FRAG3="$FRAG.buddyinfo $FRAG.zoneinfo $FRAG.uname"
# shellcheck disable=SC2086
run explain $VM3 $FRAG3
expect "a success and a depends: 2" 2 out '^outcome +succeeds \(fast path\)$' \
	out '^outcome +depends'
[ "$(grep -c '^=== ' "$tmp/out")" -eq 2 ] && pass "two inputs, two verdicts" ||
	fail "two inputs, two verdicts"
# shellcheck disable=SC2086
run explain --gfp GFP_ATOMIC --order 3 $VM3 $FRAG3
expect "a success and a failure: 1" 1 out '^outcome +succeeds' out '^outcome +fails$'
# shellcheck disable=SC2086
run explain $FRAG3 "$KLOG/arm64-6.6-android-kmsgprio.log" $VM3
expect "a depends, a failure and a success: 1" 1
[ "$(grep -c '^=== ' "$tmp/out")" -eq 3 ] && pass "three items" || fail "three items"
# shellcheck disable=SC2086
run explain $FRAG3 /nonexistent/file
expect "a depends and a missing file: 3, the file named" 3 \
	err '/nonexistent/file' out '^outcome +depends'

# ---- bad input
run explain /nonexistent/file
expect "nonexistent file" 3 err '/nonexistent/file: cannot read /nonexistent/file' \
	err 'nothing to judge'
run explain --json /nonexistent/file
expect "explain --json of nothing: status" 3
json_check "explain --json of nothing is still JSON" '
assert d["items"] == [] and d["exit_status"] == 3
assert d["diagnostics"][0]["source"] == "/nonexistent/file"'
printf 'hello\nworld\n' >"$tmp/prose.txt"
run explain "$tmp/prose.txt"
expect "unknown text" 3 err 'prose\.txt: not a format fragscope reads'
run explain "$FS"
expect "binary file" 3 err 'binary data, not text'
# A kernel log without a failure report: nothing to judge.
printf '[    0.000000] Linux version 6.1.0\n[    1.000000] hello\n' >"$tmp/quiet.log"
run explain "$tmp/quiet.log"
expect "a log without reports" 3 err 'nothing to judge'

# ---- review scenarios (tests/fixtures/explain/README.md, review-*): one node, zones DMA,
# DMA32, Normal, empty Movable; DMA and DMA32 always fail on lowmem_reserve or min.
R=$src/tests/fixtures/explain
rv() { n=$1; shift; run explain "$@" "$R/$n.buddyinfo" "$R/$n.pagetypeinfo" "$R/$n.zoneinfo"; }
# GFP_ATOMIC order 3; Normal free 19324 = 1300 M + 600 U (orders 0-2) + 16 H (2 x order 3,
# 1 HighAtomic block = 512 reserved) + 17408 CMA (17 x order 10); min/low 2000/2500.
# Fast (low, no reserves): 19324 - 7 - 17408 CMA - 512 highatomic = 1397 <= 2500 (6.18
# subtracts the 16 free highatomic pages instead: 1893). Slow: min 2000 - 1000 - 250 = 750,
# reserve-entitled so nothing for highatomic: 1909 > 750 by 1159, taken from the HighAtomic
# order-3 list (ALLOC_HARDER <= 6.2, ALLOC_HIGHATOMIC 6.3+).
for k in 4.19 6.1-early 6.6 6.18; do
	rv review-cma-highatomic --gfp GFP_ATOMIC --order 3 --kconfig cma --kernel $k
	expect "review: GFP_ATOMIC order 3, CMA-heavy, $k" 0 \
		out '^ +slow +Node 0 Normal +pass +Node 0 Normal min: 1909 > 750 \+ 0: pass by 1159$' \
		out 'Node 0 Normal: HighAtomic block of order 3 \(HighAtomic'
done
rv review-cma-highatomic --gfp GFP_ATOMIC --order 3 --kconfig cma --kernel 4.19
expect "review: 4.19 fast path subtracts CMA and the reserved highatomic block" 0 \
	out 'Node 0 Normal low: 1397 <= 2500 \+ 0: short by 1104$'
rv review-cma-highatomic --gfp GFP_ATOMIC --order 3 --kconfig cma --kernel 6.18
expect "review: 6.18 fast path subtracts the free highatomic pages" 0 \
	out 'Node 0 Normal low: 1893 <= 2500 \+ 0: short by 608$'
# 5.15 serves order <= 3 from the pcp lists and returns NULL on a refill miss (no buddy
# fall-through before 6.0): the HighAtomic reserve is out of reach.
rv review-cma-highatomic --gfp GFP_ATOMIC --order 3 --kconfig cma --kernel 5.15
expect "review: 5.15 order-3 atomic cannot reach HighAtomic through pcp" 1 out '^outcome +fails$'

# GFP_NOWAIT order 2; Normal free 5080, order >= 2 only on HighAtomic lists (10 x 2, 5 x 3).
# 6.1-early: no ALLOC_HARDER without __GFP_ATOMIC: fails. 6.6: ALLOC_NON_BLOCK|ALLOC_HIGHATOMIC,
# 5080 - 3 = 5077 > 2000 by 3077 and HighAtomic usable. 6.18 (6a204d4b14c9): no
# ALLOC_HIGHATOMIC without __GFP_HIGH: fails.
rv review-highatomic-only --gfp GFP_NOWAIT --order 2 --kernel 6.1-early
expect "review: GFP_NOWAIT order 2 HighAtomic only, 6.1-early" 1 \
	out '^outcome +fails$' out 'may not use HighAtomic'
rv review-highatomic-only --gfp GFP_NOWAIT --order 2 --kernel 6.6
expect "review: GFP_NOWAIT order 2 HighAtomic only, 6.6" 0 \
	out 'Node 0 Normal min: 5077 > 2000 \+ 0: pass by 3077$'
rv review-highatomic-only --gfp GFP_NOWAIT --order 2 --kernel 6.18
expect "review: GFP_NOWAIT order 2 HighAtomic only, 6.18" 1 out '^outcome +fails$'

# GFP_KERNEL|__GFP_NORETRY order 4; Normal free 2500 in orders 0-3, low 2500: compaction
# needs 2500 + gap 32 = 2532: SKIPPED in every zone. 4.19 bails only on DEFERRED (goes on to
# reclaim); 5.8+ bails on SKIPPED too.
rv review-noretry-skipped --gfp 'GFP_KERNEL|__GFP_NORETRY' --order 4 --kernel 4.19
expect "review: NORETRY order 4 SKIPPED, 4.19 reclaims" 2 \
	out 'order-0 check at low 2500 \+ gap 32'
for k in 5.10 6.6; do
	rv review-noretry-skipped --gfp 'GFP_KERNEL|__GFP_NORETRY' --order 4 --kernel $k
	expect "review: NORETRY order 4 SKIPPED, $k gives up" 1 out '^outcome +fails$'
done

# GFP_HIGHUSER_MOVABLE order 9; Normal free = 40 x order 8 (10240): fragindex(9) =
# 1000 - (1000 + 10240*1000/512) / 40 = 1000 - 21000/40 = 475 <= 500: not suitable.
# 5.4 (only) gives up when early compaction of an order >= pageblock_order is skipped.
rv review-order9-fragindex --gfp GFP_HIGHUSER_MOVABLE --order 9 --kernel 4.19
expect "review: order 9 fragindex 475, 4.19" 2 \
	out 'fragindex 475 <= extfrag_threshold 500' out '^ +Node 0 Normal +0\.475 +1\.000$'
rv review-order9-fragindex --gfp GFP_HIGHUSER_MOVABLE --order 9 --kernel 5.4
expect "review: order 9 fragindex 475, 5.4 pageblock-order bail" 1 out '^outcome +fails$'
rv review-order9-fragindex --gfp GFP_HIGHUSER_MOVABLE --order 9 --kernel 6.6
expect "review: order 9 fragindex 475, 6.6" 2 out 'lowmem_reserve column 3'
rv review-order9-fragindex --gfp GFP_KERNEL --order 11 --kernel 6.6
expect "review: order 11 beyond MAX_ORDER 10" 1 out 'order 11 is beyond the largest order'

# GFP_ATOMIC order 0; Normal free 4000 all HighAtomic (3000 x 0 + 500 x 1; 8 blocks = 4096
# reserved). The slow check passes (order-0 shortcut, reserve-entitled: 4000 > 2000), but
# order 0 reaches HighAtomic only through the 6.3+ ALLOC_NON_BLOCK last resort in
# rmqueue_buddy; 4.19 (pcp only) and 6.1-early (HighAtomic first only for order > 0) fail.
for k in 4.19 6.1-early; do
	rv review-highatomic-order0 --gfp GFP_ATOMIC --order 0 --kernel $k
	expect "review: GFP_ATOMIC order 0 HighAtomic only, $k" 1 out '^outcome +fails$'
done
for k in 6.6 6.18; do
	rv review-highatomic-order0 --gfp GFP_ATOMIC --order 0 --kernel $k
	expect "review: GFP_ATOMIC order 0 HighAtomic only, $k" 0 \
		out 'Node 0 Normal min: 4000 > 2000 \+ 0: pass by 2000$' \
		out 'Node 0 Normal: HighAtomic block of order 0'
done

# The retry title is whole (it used to be cut at 128 bytes: "...; should_compa").
run explain --gfp GFP_KERNEL --order 3 --kernel 6.18 "$FRAG.buddyinfo" "$FRAG.zoneinfo"
expect "review: retry step title not cut" 2 out '^ +on its lists yet\)$'
lacks "review: retry step title not cut (no stub)" out 'should_compa$'

# GFP_ATOMIC order 0, Normal boost 1000, printed min 3000, free 1000: the boosted check
# 1000 <= 1125 fails, zone_watermark_fast retries at the unboosted 2000 -> 750: pass by 250.
rv review-boost-6.1 --gfp GFP_ATOMIC --order 0 --kernel 6.1-early
expect "review: boost retry at the unboosted min, 6.1-early" 0 \
	out 'Node 0 Normal min: 1000 > 750 \+ 0: pass by 250$' out 'unboosted min 2000'

# ---- this machine: a fixture directory as /proc, then the real one
FRAGSCOPE_PROC_ROOT=$LIVE "$FS" explain >"$tmp/out" 2>"$tmp/err"; status=$?
expect "explain a fixture /proc" 0 out '^=== live:' \
	out '^kernel +6\.18\.44-fc-v782: profile 6\.18' \
	out '^outcome +succeeds'
FRAGSCOPE_PROC_ROOT=$tmp/no-proc "$FS" explain >"$tmp/out" 2>"$tmp/err"; status=$?
expect "explain where /proc cannot be read" 3 err 'cannot be read'
if [ -r /proc/buddyinfo ]; then
	run explain
	if [ "$status" -le 2 ] && clean && grep -q '^=== live:/proc' "$tmp/out" &&
	   grep -q -E '^order 3 +zone +fragmentation +unusable$' "$tmp/out"; then
		pass "explain this machine (exit $status)"
	else
		fail "explain this machine"
	fi
	run explain --json --order 0
	json_check "explain --json --order 0 of this machine" '
it = d["items"][0]
assert it["input"].startswith("live:") and it["fragmentation"]["order"] == 0
assert all(z["unusable_index"]["value"] == 0 for z in it["fragmentation"]["zones"]
           if z["fragmentation_index"]["value"] == -1000)
assert d["exit_status"] in (0, 1, 2)'
fi

# A zone whose free pages the input lacks: no invented arithmetic, no nonsense bound.
run explain "$src/tests/fixtures/explain/mangled-free-6.18.zoneinfo"
expect "zone without free pages is taken as passing, and says so" 0 \
	out 'DMA32 low: free pages not known: taken as' \
	out 'the input has no "pages' \
	out 'mangled-free-6\.18\.zoneinfo:100:'
lacks "no 'at most -1' highatomic bound" out 'at most -1'

finish
