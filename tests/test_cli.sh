#!/bin/sh
# End-to-end tests of the fragscope program: run by 'make check' from the
# build directory (automake sets $srcdir), or by hand:
#   FS_BUILDDIR=/path/to/build srcdir=/path/to/src tests/test_cli.sh
# Closes with "N passed, N failed"; exits non-zero when anything failed.
set -u

. "${srcdir:-.}/tests/harness.sh"
harness_init cli

# ---- help and version
run --help
expect "--help" 0 out '^usage: fragscope' out '^  show ' out '^  capture ' out 'Exit status'
run --version
expect "--version" 0 out '^fragscope [0-9]+\.[0-9]+\.[0-9]+$'
run help show
expect "help show" 0 out '^usage: fragscope show' out '--frame N'
run help capture
expect "help capture" 0 out '^usage: fragscope capture -o FILE'
run help nosuch
expect "help of an unknown command" 2 err 'no command "nosuch"'
run nosuch-command
expect "unknown command" 2 err 'no command "nosuch-command"'
run show --bogus
expect "unknown option" 2 err 'unknown option "--bogus"'
run show --frame
expect "option without its argument" 2 err '--frame needs an argument'

# ---- show on proc dumps: numbers straight from the sample files
run show "$VM.buddyinfo" "$VM.pagetypeinfo" "$VM.zoneinfo" "$VM.vmstat" "$VM.meminfo" "$VM.uname"
expect "show proc dumps" 0 \
	out '^kernel 6\.18\.44-fc-v657  page size 4096  orders 0-10  pageblock order 9 \(512 pag' \
	out '^Node 0, zone Normal$' \
	out '^  order +0 +1 +2 +3 +4 +5 +6 +7 +8 +9 +10$' \
	out '^  Unmovable +236 +177 +195 +155 +98 +42 +21 +9 +7 +0 +0$' \
	out '^  Movable +96 +1044 +1074 +879 +517 +226 +30 +19 +38 +26 +67$' \
	out '^  total +355 +1278 +1290 +1068 +647 +282 +58 +32 +46 +26 +67$' \
	out '^  free +137506 pages +537\.1 MiB$' \
	out '^  min +2943 pages' \
	out '^  high +20823 pages' \
	out '^  managed +772917 pages' \
	out '^  pageblocks +Unmovable 45 Movable 263 Reclaimable 12 HighAtomic 0 Isolate 0$' \
	out '^  protection +0 3019 3659 3659 3659 pages$' \
	out '^Node 0, zone Movable  \(empty\)$'
# 137506 pages * 4096 B = 537.1 MiB

# Where /proc cannot be read, the bare program shows the bundled real snapshot and says why.
FRAGSCOPE_PROC_ROOT=$tmp/no-proc "$FS" >"$tmp/out" 2>"$tmp/err"; status=$?
expect "bundled snapshot when /proc is unreadable" 0 \
	out 'snapshots/x86_64-6.18-vm-24g' out 'kernel 6\.18\.44-fc-v657' \
	out '^  Movable +96 +1044 +1074 +879 ' \
	err "memory cannot be read .*no-proc/buddyinfo.*showing the bundled snapshot"

run show "$LIVE"
expect "show a directory of dumps" 0 out '^kernel 6\.18\.44-fc-v782' \
	out '^  total +1057 +1006 +735 +561 +381 +257 +165 +100 +63 +30 +149$' \
	out '^  free +232241 pages'

# ---- show on a kernel log: the report and the state printed with it
run show "$LOG"
expect "show kernel log" 0 out '^page allocation failure$' \
	out '^  order 3, mode 0x484020 \(GFP_ATOMIC\|__GFP_COMP\)$' \
	out '^  task wifi@1\.0-servic, pid 2164, cpu 0$' \
	out '^  time 1798\.829657 s after boot$' \
	out '^  kernel 4\.19\.176$' \
	out '^Node 0, zone DMA32$' \
	out '^  total +4060 +942 +223 +47 +176 +53 +1 +5 +3 +1 +75$' \
	out '^  CMA +\+ +\+ +\+ +\+ +\+ +\+ +\+ +\+ +\+ +\+ +\+$' \
	out '^  HighAtomic +\+ +\+ +\+ +\. +\+ +\. +\. +\. +\. +\. +\.$' \
	out '^  free +90529 pages'
# DMA32 free:362116kB / 4 = 90529 pages; letters (UMECH)(UMECH)(UMCH)(UC)(UMECH)(UMEC)(C)...

# ---- JSON
run show --json "$VM.buddyinfo" "$VM.pagetypeinfo" "$VM.zoneinfo" "$VM.meminfo"
expect "show --json status" 0
json_check "show --json parses, numbers right" '
f = d["frames"]
assert len(f) == 1, len(f)
s = f[0]["snapshot"]
z = [z for z in s["zones"] if z["name"] == "Normal"][0]
assert z["free_pages"] == 137506
assert z["watermarks"]["min"] == 2943
assert z["order_totals"]["counts"] == [355, 1278, 1290, 1068, 647, 282, 58, 32, 46, 26, 67]
rows = {r["migratetype"]: r for r in z["free_blocks"]}
assert rows["Reclaimable"]["counts"][1] == 57
assert rows["Reclaimable"]["kinds"][1] == "exact"
assert z["pageblocks"]["Movable"] == 263
assert s["meminfo_kB"]["MemTotal"] == 24684092
assert s["meta"]["pageblock_order"] == 9
assert d["diagnostics"] == []'

run show --json "$LOG"
json_check "show --json of a report" '
e = d["frames"][0]["events"][0]
assert e["order"] == 3 and e["mode"] == "0x484020" and e["comm"] == "wifi@1.0-servic"
z = d["frames"][0]["snapshot"]["zones"][0]
assert z["name"] == "DMA32" and z["order_totals"]["counts"][10] == 75'

run show --json /nonexistent/zoneinfo
expect "show --json of nothing" 3 err '/nonexistent/zoneinfo'
json_check "show --json of nothing is still JSON" '
assert d["frames"] == []
assert d["diagnostics"][0]["severity"] == "error"
assert d["diagnostics"][0]["source"] == "/nonexistent/zoneinfo"'

# ---- bad input
run show /nonexistent/file
expect "nonexistent file" 3 \
	err '/nonexistent/file: cannot read /nonexistent/file: No such file or directory' \
	err 'nothing to show'
run show "$FS"
expect "binary file" 3 err "binary data, not text"
printf 'hello\nworld\n' >"$tmp/prose.txt"
run show "$tmp/prose.txt"
expect "unknown text" 3 err "prose\.txt: not a format fragscope reads: expected /proc/buddyinfo"
run show "$VM.buddyinfo" /nonexistent/file
expect "good and bad input: partial" 1 out '^  total +355 ' err '/nonexistent/file'

run show - <"$LOG"
expect "show - reads standard input" 0 out '^  order 3, mode 0x484020 ' \
	out '^source \(stdin\)#report1'

# ---- live
if [ -r /proc/buddyinfo ]; then
	run show
	expect "show this machine" 0 out '^source live:/proc' out '^Node 0, zone '
	run
	expect "bare fragscope shows this machine" 0 out '^source live:/proc'
	run show --json
	json_check "show --json of this machine" '
s = d["frames"][0]["snapshot"]
assert s["meta"]["source"] == "live:/proc" and len(s["zones"]) > 0
assert s["meminfo_kB"]["MemTotal"] > 0 and "nr_free_pages" in s["vmstat"]'
fi

# ---- capture
run capture
expect "capture without -o" 2 err '-o FILE is required'
run capture -o "$tmp/c.yaml" --interval abc
expect "capture with a bad interval" 2 err '--interval needs seconds'

run capture -o /nonexistent/dir/c.yaml --count 1 --proc-root "$LIVE" --kmsg none
expect "capture to an impossible path" 3 err 'cannot create /nonexistent/dir/c\.yaml'
run capture -o "$tmp/none.yaml" --count 1 --proc-root /nonexistent --kmsg none
expect "capture without a buddyinfo" 3 err 'cannot read /nonexistent/buddyinfo'
lacks "capture to an impossible path: no \"captured 0 frames\"" err 'captured 0 frames'
run capture -o "$tmp/none.yaml" --count 1 --proc-root /nonexistent --kmsg none
expect "capture without a buddyinfo: says nothing was written" 3 \
	err 'nothing recorded, .*/none\.yaml not written'
lacks "capture without a buddyinfo: no \"captured 0 frames\"" err 'captured 0 frames'
run capture -o "$tmp/kd.yaml" --count 1 --proc-root "$LIVE" --kmsg "$tmp"
expect "capture with a directory as --kmsg: goes on without the log, says why" 0 \
	err 'is a directory: expected /dev/kmsg' err 'recording without the kernel log' \
	err 'captured 1 frame,'
[ ! -e "$tmp/none.yaml" ] && pass "no file when nothing was captured" ||
	fail "no file when nothing was captured"
# An existing recording is never truncated without --force.
printf 'fragscope-capture: 1\n' >"$tmp/keep.yaml"
run capture -o "$tmp/keep.yaml" --count 1 --proc-root "$LIVE" --kmsg none
expect "capture refuses to overwrite a recording" 2 \
	err 'keep\.yaml already exists \(21 bytes\).*--force'
if [ "$(cat "$tmp/keep.yaml")" = "fragscope-capture: 1" ]; then pass "the refused file is untouched"; else fail "the refused file is untouched"; fi
run capture -o "$tmp/keep.yaml" --force --count 1 --proc-root "$LIVE" --kmsg none
expect "capture --force overwrites" 0 err 'captured 1 frame'

run capture -o "$tmp/fixed.yaml" --count 3 --interval 0.2 --proc-root "$LIVE" --kmsg none
expect "capture --count 3 of a fixture directory" 0 \
	err '^fragscope: captured 3 frames, 0 allocation failures in '
run show "$tmp/fixed.yaml"
expect "show a capture: its last frame" 0 out '^=== frame 2 \(0\.\.2\) ' \
	out '^  total +1057 +1006 +735 +561 +381 +257 +165 +100 +63 +30 +149$'
run show --all "$tmp/fixed.yaml"
expect "show --all of a capture" 0 out '^=== frame 0 ' out '^=== frame 1 ' out '^=== frame 2 '
[ "$(grep -c '^=== frame' "$tmp/out")" -eq 3 ] && pass "show --all: 3 frames" ||
	fail "show --all: 3 frames"
run show --frame 0 "$tmp/fixed.yaml"
expect "show --frame 0" 0 out '^=== frame 0 \(0\.\.2\)'
run show --frame -1 "$tmp/fixed.yaml"
expect "show --frame -1" 0 out '^=== frame 2 \(0\.\.2\)'
size=$(wc -c <"$tmp/fixed.yaml")
for cut in 10 200 $((size / 2)) $((size - 3)); do
	head -c "$cut" "$tmp/fixed.yaml" >"$tmp/cut.yaml"
	run show --all "$tmp/cut.yaml"
	if [ "$status" -le 3 ] && ! grep -q -i 'sanitizer\|runtime error' "$tmp/err"; then
		pass "a capture cut at byte $cut is handled (exit $status)"
	else
		fail "a capture cut at byte $cut is handled"
	fi
done
run show --frame 5 "$tmp/fixed.yaml"
expect "show --frame beyond the end" 3 err 'no frame 5: there are 3 frames'

# A damaged middle frame: the frames built on it cannot be read; by default the last
# frame that can is shown, with a warning, instead of nothing.
awk '/^frame: 1$/ { f = 1 } f && /^time:/ { print "time: banana"; f = 0; next } 1' \
	"$tmp/fixed.yaml" >"$tmp/mid.yaml"
run show "$tmp/mid.yaml"
expect "a capture with a damaged middle frame: the last readable one" 1 \
	out '^=== frame 0 \(0\.\.2\) ' err 'mid\.yaml:[0-9]+: frame 1: time: expected a number, got "banana"' \
	err 'the last frame \(2\) cannot be read: showing frame 0, the last that can'
[ "$(grep -c 'frame 1' "$tmp/err")" -eq 2 ] && pass "damaged frame reported once" ||
	fail "damaged frame reported once"
run show --frame -1 "$tmp/mid.yaml"
expect "--frame -1 of a damaged frame: that frame, not another" 3 err 'nothing to show'

# ---- bad proc dumps: file, line, what was expected and what was there; the rest is shown
sed 's/^  pages free     772917$/  pages fre     772917/' "$VM.zoneinfo" >"$tmp/mangled.zoneinfo"
run show "$tmp/mangled.zoneinfo"
expect "zoneinfo with a mangled \"pages free\" line" 0 \
	out 'mangled\.zoneinfo:100: zoneinfo: expected "pages free N", got "  pages fre     772917"' \
	out '^  high +20823 pages'
lacks "the mangled line is reported once" out 'lacks "pages free"'
sed '2s/ 4 / 4x /' "$VM.buddyinfo" >"$tmp/letter.buddyinfo"
run show "$tmp/letter.buddyinfo"
expect "buddyinfo with a letter in a number: the word quoted" 0 \
	out 'letter\.buddyinfo:2: buddyinfo: expected a free-block count for order 2, got a number followed by junk in "4x"' \
	out '^  total +355 '

# A report arriving while capturing: the sample log as /dev/kmsg records
# ("[ 1798.829657] msg" -> "4,SEQ,1798829657,-;msg") through a FIFO.
if command -v mkfifo >/dev/null 2>&1 && mkfifo "$tmp/kmsg"; then
	awk 'match($0, /^\[ *[0-9]+\.[0-9]+\] /) {
		ts = substr($0, 2, RLENGTH - 3); gsub(/ /, "", ts); split(ts, t, ".")
		printf "4,%d,%s%s,-;%s\n", NR, t[1], t[2], substr($0, RLENGTH + 1)
	}' "$LOG" >"$tmp/records"
	"$FS" capture -o "$tmp/k.yaml" --count 5 --interval 0.2 --proc-root "$LIVE" \
		--kmsg "$tmp/kmsg" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	cat "$tmp/records" >"$tmp/kmsg"
	wait "$pid"
	status=$?
	expect "capture picks up a report from the kernel log" 0 \
		err 'captured [56] frames, 1 allocation failure in '
	run show --all "$tmp/k.yaml"
	expect "the captured report is shown" 0 out '^page allocation failure$' \
		out '^  order 3, mode 0x484020 \(GFP_ATOMIC\|__GFP_COMP\)$' \
		out '^  task wifi@1\.0-servic, pid 2164, cpu 0$'
fi

if [ -r /proc/buddyinfo ]; then
	run capture -o "$tmp/live.yaml" --count 3 --interval 0.2
	expect "capture this machine --count 3" 0 err 'captured 3 frames'
	run show "$tmp/live.yaml"
	expect "show the live capture" 0 out '^=== frame 2 \(0\.\.2\)' out '^source live:/proc'

	"$FS" capture -o "$tmp/int.yaml" --interval 0.2 >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep 1
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	status=$?
	expect "capture ends cleanly on SIGINT" 0 err 'captured [0-9]+ frames.*\(interrupted\)'
	run show --all "$tmp/int.yaml"
	expect "the interrupted capture is complete" 0 out '^=== frame 1 '

	"$FS" capture -o "$tmp/term.yaml" --interval 0.2 >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep 0.7
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	status=$?
	expect "capture ends cleanly on SIGTERM" 0 err '\(interrupted\)'

	"$FS" capture -o "$tmp/k9.yaml" --interval 0.02 >/dev/null 2>&1 &
	pid=$!
	sleep 0.8
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	run show "$tmp/k9.yaml"
	if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then
		expect "a capture killed with -9 reads back" "$status" out '^=== frame [0-9]+ ' \
			out '^Node 0, zone '
	else
		fail "a capture killed with -9 reads back (exit $status)"
	fi
fi

finish
