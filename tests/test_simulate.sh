#!/bin/sh
# End-to-end tests of `fragscope simulate`: run by 'make check' from the
# build directory (automake sets $srcdir), or by hand:
#   FS_BUILDDIR=/path/to/build srcdir=/path/to/src tests/test_simulate.sh
# Closes with "N passed, N failed"; exits non-zero when anything failed.
set -u

. "${srcdir:-.}/tests/harness.sh"
harness_init simulate
WL=$src/tests/fixtures/workloads
SHIP=$src/snapshots/workloads
TRACE=$src/tests/fixtures/ftrace/trace-6.6-cat.txt

# ---- help and usage
run --help
expect "--help lists simulate" 0 out '^  simulate +run a workload'
run help simulate
expect "help simulate" 0 out '^usage: fragscope simulate WORKLOAD' out '--snapshot FILE' \
	out 'Exit status: 0 every check passed, 1 a check failed'
run simulate
expect "no workload: usage error" 2 err 'simulate: which workload\?'
run simulate a.yaml b.yaml
expect "two workloads: usage error" 2 err 'one workload at a time; unexpected "b.yaml"'
run simulate --seed -3 "$WL/small.yaml"
expect "negative seed" 2 err '--seed needs a whole number >= 0, got "-3"'
run simulate --frobnicate "$WL/small.yaml"
expect "unknown option" 2 err 'unknown option "--frobnicate"'

# ---- the shipped workloads pass their own checks (stdout is no terminal)
for f in unmovable-pollution:10 cma-heavy-android:10 highatomic-reserve:13 \
	 compaction-rescues-thp:8 lowmem-reserve:7; do
	name=${f%%:*} n=${f##*:}
	run simulate "$SHIP/$name.yaml"
	expect "$name passes its $n checks" 0 \
		out "^simulate: $name " \
		out "checks: $n passed, 0 failed$"
	lacks "$name: no FAIL" out 'check FAIL'
done

# what a phase and its checks print, with the numbers
run simulate "$SHIP/compaction-rescues-thp.yaml"
expect "phase outcome and check lines" 0 \
	out '^engine: kernel profile 6\.6, 1 zones: Node 0 Normal 131072 pages \(131072 free\); seed 7$' \
	out '^phase 1/3 "fill" \(0\.0 s to 0\.0 s, 130372 operations\)$' \
	out '^  alloc order-0 GFP_HIGHUSER_MOVABLE \(anon\): 130372 requested, 130372 allocated' \
	out '^  check PASS  the fill leaves 700 pages at the zone.s end$' \
	out '^        700 == 700$' \
	out '^  freed 65186 allocations' \
	out '^  compact Node 0 Normal order-9 sync: moved 256, order available' \
	out '^summary: 3 phases, 0\.0 simulated seconds, 130674 operations, 0 allocation failures'

# ---- records follow the engine: compaction, reclaim, a trace: action
# (tests/test_workload.c has the arithmetic of these numbers)
run simulate "$WL/compact-then-free.yaml"
expect "frees after compaction find the migrated pages" 0 \
	out '^  of the workload.s allocations: 0 reclaimed, 512 migrated by compaction, 0 freed by a trace as pre-trace memory$' \
	out '^  freed 1 allocations \(0 when their lifetime ran out\), 0 already gone$' \
	out '^  freed 999 allocations \(0 when their lifetime ran out\), 0 already gone$' \
	out 'checks: 2 passed, 0 failed$'
lacks "compact-then-free: nothing stale" out 'stale'
run simulate "$WL/reclaim-then-free.yaml"
expect "reclaimed pages are counted, not freed again" 0 \
	out '^  of the workload.s allocations: 200 reclaimed, 0 migrated by compaction' \
	out '^  freed 800 allocations \(0 when their lifetime ran out\), 0 already gone, 200 reclaimed before \(nothing to free\)$' \
	out 'checks: 3 passed, 0 failed$'
run simulate "$WL/trace-then-compact.yaml"
expect "a trace: action chains the hooks" 0 \
	out '^  of the workload.s allocations: 0 reclaimed, 0 migrated by compaction, 10 freed by a trace as pre-trace memory$' \
	out 'pretrace-frees\.txt: 10 events; 0 allocations \(0 failed in the engine, 0 in the trace\), 10 frees \(0 matched, 0 reclaimed before, 0 stale\)$' \
	out 'checks: 2 passed, 0 failed$'
lacks "trace-then-compact: nothing stale" out '[ (][1-9][0-9]* stale'

# a check that fails: exit 1, and it says why
run simulate "$WL/must-fail.yaml"
expect "a failed check exits 1" 1 \
	out '^  check FAIL  a THP cannot succeed now \(this check fails\)$' \
	out 'verdict: fails \(not as expected\)' \
	out 'checks: 1 passed, 1 failed$'

# ---- bad input: exit 3 with file:line and what was expected
run simulate "$WL/bad-key.yaml"
expect "unknown key" 3 \
	err 'error: .*bad-key\.yaml:10: unknown key "ordr" in an alloc action; expected one of: alloc, order,'
run simulate "$WL/bad-yaml.yaml"
expect "YAML syntax" 3 err 'bad-yaml\.yaml:6: not valid YAML: '
run simulate "$WL/bad-values.yaml"
expect "all bad values" 3 err 'bad-values\.yaml:5: size: ' err 'bad-values\.yaml:12: order: ' \
	err 'bad-values\.yaml:20: stat: expected one of'
run simulate "$WL/bad-gfp.yaml"
expect "gfp name unknown to the kernel" 3 \
	err 'bad-gfp\.yaml:10: gfp mask "GFP_KERNEL\|__GFP_WIBBLE": __GFP_WIBBLE'
run simulate "$tmp/nonexistent.yaml"
expect "missing file" 3 err 'nonexistent\.yaml: cannot read: No such file or directory'
run simulate "$WL/small.yaml" --snapshot "$tmp/nothing-here"
expect "unusable --snapshot" 3 err 'nothing-here'

# ---- seeds
run simulate "$WL/small.yaml"
cp "$tmp/out" "$tmp/seed42"
run simulate "$WL/small.yaml" --seed 42
if cmp -s "$tmp/out" "$tmp/seed42"; then pass "same seed, same output"; else fail "same seed, same output"; fi
run simulate "$WL/small.yaml" --seed 7
expect "--seed 7" 0 out '; seed 7$'

# ---- -o: a capture that replays like a recording
run simulate "$WL/small.yaml" -o "$tmp/run.cap"
# 1 frame before the run + the setup phase (instant: one step) + 4 s / 0.5 s = 8 ticks
expect "-o writes the capture" 0 out "^capture: $tmp/run.cap, 10 frames$"
run show --json --all "$tmp/run.cap"
json_check "show reads the 10 frames back" \
"assert len(d['frames']) == 10, len(d['frames'])"
run show "$tmp/run.cap"
expect "show's last frame of the simulated machine" 0 out 'Normal'
run simulate "$WL/small.yaml" -o "$tmp/run.cap"
expect "no clobbering of a capture" 2 err 'run\.cap already exists \([0-9]+ bytes\).*--force'
run simulate "$WL/small.yaml" -o "$tmp/run.cap" --force
expect "--force overwrites" 0 out 'capture: .*10 frames$'
run simulate "$SHIP/highatomic-reserve.yaml" -o "$tmp/ha.cap"
# 1 + fill + pressure (1 tick) + fragment + burst (10 ticks) = 14
expect "highatomic capture" 0 out 'capture: .*ha\.cap, 14 frames$'
run show --json --all "$tmp/ha.cap"
json_check "its warn_alloc report is an event of a frame" \
"ev = [e for f in d['frames'] for e in (f.get('events') or [])]
assert len(ev) == 1, len(ev)
assert len(d['frames']) == 14"

# ---- an ftrace trace, onto a snapshot
run simulate "$TRACE"
expect "a trace needs --snapshot" 2 err 'is an ftrace trace: give the state to replay it onto with --snapshot FILE'
run simulate "$TRACE" --snapshot "$src/snapshots/x86_64-6.18-vm-24g" -o "$tmp/trace.cap"
expect "a trace replays onto the snapshot" 0 \
	out "^simulate: trace .*trace-6\.6-cat\.txt onto " \
	out '^replayed: 16 events' out 'capture: .*trace\.cap, [0-9]+ frames$' \
	out '^frees: 7; matched 3, partial 2, random pre-trace 1, unmatched 0, batched duplicates 1, reclaimed before 0, stale 0$'

# ---- a workload on a snapshot
run simulate "$WL/on-snapshot.yaml"
expect "workload on the bundled snapshot" 0 out 'kernel profile 6\.18, 3 zones' \
	out 'checks: 2 passed, 0 failed$'

finish
