# Shared by the shell tests of the fragscope program (sourced, not run).
# Sets FS (the binary), src (the source tree), tmp (a scratch dir removed at
# exit) and offers run / expect / lacks / json_check / finish. Each test
# closes with "N passed, N failed" and exits non-zero when anything failed.
#   harness_init NAME

src=${srcdir:-.}
if [ -n "${FS_BUILDDIR:-}" ]; then
	FS=$FS_BUILDDIR/fragscope
elif [ -x ./fragscope ]; then
	FS=./fragscope
else
	FS=$(dirname "$0")/../fragscope
fi
SAMPLES=$src/tests/fixtures/samples
KLOG=$src/tests/fixtures/klog
LIVE=$src/tests/fixtures/live-this-machine
VM=$SAMPLES/x86_64-6.18-vm-24g
LOG=$SAMPLES/android-4.19-arm64-wifi-order3-atomic-cma.log

passed=0
failed=0
status=0

harness_init() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/fragscope-$1.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT INT TERM
	[ -x "$FS" ] || { echo "no fragscope binary at $FS"; echo "0 passed, 1 failed"; exit 1; }
}

pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL - $1"
	echo "  status: $status"
	echo "  stdout (head):"; head -n 40 "$tmp/out" | sed 's/^/    /'
	echo "  stderr (head):"; head -n 20 "$tmp/err" | sed 's/^/    /'
}

# run ARGS...: fragscope's stdout, stderr and status into $tmp/out, $tmp/err, $status.
run() { "$FS" "$@" >"$tmp/out" 2>"$tmp/err"; status=$?; }
# clean: no sanitizer report and no crash in the last run.
clean() { ! grep -q -i -E 'sanitizer|runtime error' "$tmp/err" && [ "$status" -lt 128 ]; }
# expect DESCRIPTION STATUS [out|err PATTERN]...: the last run's status and grep -E patterns.
expect() {
	desc=$1 want=$2
	shift 2
	if [ "$status" -ne "$want" ]; then
		fail "$desc (exit $status, want $want)"
		return
	fi
	if ! clean; then
		fail "$desc (sanitizer report or crash)"
		return
	fi
	while [ $# -ge 2 ]; do
		if ! grep -q -E -e "$2" "$tmp/$1"; then
			fail "$desc ($1 lacks /$2/)"
			return
		fi
		shift 2
	done
	pass "$desc"
}
# lacks DESCRIPTION out|err PATTERN: the last run's output does not match.
lacks() {
	if grep -q -E -e "$3" "$tmp/$2"; then
		fail "$1 ($2 has /$3/)"
	else
		pass "$1"
	fi
}
# json_check DESCRIPTION PYTHON-EXPRESSIONS: $tmp/out is JSON and every assert holds (d is it).
json_check() {
	if ! command -v python3 >/dev/null 2>&1; then
		pass "$1 (skipped: no python3)"
		return
	fi
	if python3 -m json.tool "$tmp/out" >/dev/null 2>"$tmp/json.err" &&
	   python3 -c "import json,sys
d = json.load(open(sys.argv[1]))
$2" "$tmp/out" 2>>"$tmp/json.err"; then
		pass "$1"
	else
		cat "$tmp/json.err" >>"$tmp/err"
		fail "$1"
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
