#!/bin/sh
# Build fragscope and run every test; print one closing line "N passed, N failed".
# Extra configure flags (e.g. sanitizers) come from CONFIGURE_FLAGS / CFLAGS.
set -u
cd "$(dirname "$0")/.."
./setup.sh || exit 1
make -j2 || exit 1
status=0
make -j2 check || status=$?

passed=0
failed=0
for log in tests/*.log; do
	[ -f "$log" ] || continue
	case "$log" in tests/test-suite.log) continue ;; esac
	# Criterion: "[====] Synthesis: Tested: N | Passing: P | Failing: F | Crashing: C"
	line=$(grep -a 'Synthesis: Tested:' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed 's/.*Passing: \([0-9]*\).*/\1/')
		f=$(echo "$line" | sed 's/.*Failing: \([0-9]*\).*/\1/')
		c=$(echo "$line" | sed 's/.*Crashing: \([0-9]*\).*/\1/')
		passed=$((passed + p)); failed=$((failed + f + c))
		continue
	fi
	# Shell tests close with "N passed, N failed".
	line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=$(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')
		passed=$((passed + p)); failed=$((failed + f))
	else
		# A test binary that died before printing its synthesis.
		failed=$((failed + 1))
	fi
done
if [ "$status" -ne 0 ]; then
	for log in tests/*.log; do
		grep -q -a -E '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null && { echo "=== $log"; tail -n 40 "$log"; }
	done
	[ "$failed" -gt 0 ] || failed=1
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
