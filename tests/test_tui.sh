#!/bin/sh
# End-to-end tests of the interactive view (fragscope live / replay) through a
# real terminal: each case runs fragscope in a detached tmux session of a given
# size, types keys into it and reads the screen back with capture-pane. Run by
# 'make check' from the build directory (automake sets $srcdir), or by hand:
#   FS_BUILDDIR=/path/to/build srcdir=/path/to/src tests/test_tui.sh
# The tmux server is private (its own socket, no config file) and killed at
# exit. Every wait polls the screen until the expected text shows, up to
# $FS_TUI_WAIT seconds (default 10: sanitizer builds are slow), so a fast build
# passes fast. Closes with "N passed, N failed"; exits 77 (skipped) without tmux.
set -u

. "${srcdir:-.}/tests/harness.sh"
harness_init tui

if ! command -v tmux >/dev/null 2>&1; then
	echo "tmux is not installed: skipped"
	echo "0 passed, 0 failed"
	exit 77
fi

WAIT=${FS_TUI_WAIT:-10}
sock=fragscope-test-$$
unset TMUX TMUX_PANE
# The panes run their commands with sh, whatever the user's shell is.
SHELL=/bin/sh
export SHELL
esc=$(printf '\033')
why=

tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# A UTF-8 locale for the screens that should have line and block characters.
UTF8=
for l in C.UTF-8 C.utf8 en_US.UTF-8 en_US.utf8; do
	if [ "$(LC_ALL=$l locale charmap 2>/dev/null)" = UTF-8 ]; then
		UTF8=$l
		break
	fi
done

# What the view draws in UTF-8 (in ASCII when there is no UTF-8 locale).
if [ -n "$UTF8" ]; then
	vbar=$(printf '\342\224\202') rule=$(printf '\342\224\200')
	tri=$(printf '\342\226\270') cross=$(printf '\342\234\227')
else
	vbar='\|' rule=- tri='>' cross=x
fi

# ---- running fragscope in a pane

quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# fs_line NAME [VAR=VALUE...] [-- ARG...]: the shell command that runs fragscope
# with ARGs in a known environment (xterm-256color, UTF-8, colour allowed; the
# VAR=VALUEs override it), its standard error into $tmp/NAME.err.
fs_line() {
	fl_name=$1
	shift
	fl="env LC_ALL= LC_CTYPE= LC_MESSAGES= NO_COLOR= TERM=xterm-256color LANG=${UTF8:-C}"
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		fl="$fl $(quote "$1")"
		shift
	done
	[ $# -gt 0 ] && shift
	fl="$fl $(quote "$FS")"
	for arg; do
		fl="$fl $(quote "$arg")"
	done
	printf '%s 2>%s' "$fl" "$(quote "$tmp/$fl_name.err")"
}

# launch NAME COLS ROWS COMMAND: a detached session of that size running the
# shell COMMAND; the pane stays open after it.
launch() {
	tm new-session -d -s "$1" -x "$2" -y "$3" -c "$PWD" "$4; exec sleep 600"
}

# start NAME COLS ROWS [VAR=VALUE...] [-- ARG...]: fragscope in a new session;
# the pane prints EXIT=status when it ends.
start() {
	st_name=$1 st_cols=$2 st_rows=$3
	shift 3
	launch "$st_name" "$st_cols" "$st_rows" "$(fs_line "$st_name" "$@"); echo EXIT=\$?"
}

# start_guarded NAME COLS ROWS [VAR=VALUE...] [-- ARG...]: the same between two
# `stty -a` (into $tmp/NAME.before and .after), fragscope's pid in $tmp/NAME.pid.
start_guarded() {
	sg_name=$1 sg_cols=$2 sg_rows=$3
	shift 3
	sg_inner="echo \$\$ >$(quote "$tmp/$sg_name.pid"); exec $(fs_line "$sg_name" "$@")"
	launch "$sg_name" "$sg_cols" "$sg_rows" \
		"stty -a >$(quote "$tmp/$sg_name.before"); sh -c $(quote "$sg_inner"); rc=\$?; stty -a >$(quote "$tmp/$sg_name.after"); echo EXIT=\$rc"
}

keys() { s=$1; shift; tm send-keys -t "$s" "$@"; }
# tmux sends Home and End as its own terminal does (\E[1~, \E[4~); the view
# runs as an xterm-256color and expects that one's (\EOH, \EOF).
khome=$(tput -T xterm-256color khome 2>/dev/null) || khome=
kend=$(tput -T xterm-256color kend 2>/dev/null) || kend=
[ -n "$khome" ] || khome="${esc}OH"
[ -n "$kend" ] || kend="${esc}OF"
text() { tm send-keys -t "$1" -l "$2"; }
# click NAME X Y: an SGR (1006) mouse press and release of button 1 at 1-based X, Y.
click() { text "$1" "$esc[<0;$2;$3M$esc[<0;$2;$3m"; }

# ---- reading the screen

shot() { tm capture-pane -p -t "$1" >"$tmp/screen" 2>/dev/null || : >"$tmp/screen"; }
shot_e() { tm capture-pane -e -p -t "$1" >"$tmp/screen" 2>/dev/null || : >"$tmp/screen"; }

# poll NAME CHECK...: capture the screen into $tmp/screen until the command
# CHECK succeeds (true) or $WAIT seconds pass (false; CHECK left $why).
poll() {
	p_name=$1
	shift
	p_end=$(($(date +%s) + WAIT + 1))
	while :; do
		shot "$p_name"
		"$@" && return 0
		[ "$(date +%s)" -lt "$p_end" ] || return 1
		sleep 0.05
	done
}
# has ERE...: the screen matches each one.
has() {
	for re; do
		grep -q -E -e "$re" "$tmp/screen" || { why="screen lacks /$re/"; return 1; }
	done
}
# hasnt ERE...: the screen matches none of them.
hasnt() {
	for re; do
		if grep -q -E -e "$re" "$tmp/screen"; then
			why="screen has /$re/"
			return 1
		fi
	done
}
# sfail DESCRIPTION NAME: fail, showing the screen and fragscope's stderr.
sfail() {
	cp "$tmp/screen" "$tmp/out"
	cat "$tmp/$2.err" >"$tmp/err" 2>/dev/null || : >"$tmp/err"
	status=$why
	fail "$1"
}
# see DESCRIPTION NAME ERE...: wait for the screen to show them all.
see() {
	d=$1 s=$2
	shift 2
	if poll "$s" has "$@"; then pass "$d"; else sfail "$d" "$s"; fi
}
# unsee DESCRIPTION NAME ERE...: wait for the screen to show none of them.
unsee() {
	d=$1 s=$2
	shift 2
	if poll "$s" hasnt "$@"; then pass "$d"; else sfail "$d" "$s"; fi
}
# check DESCRIPTION NAME CHECK...: wait for CHECK to hold on the screen.
check() {
	d=$1 s=$2
	shift 2
	if poll "$s" "$@"; then pass "$d"; else sfail "$d" "$s"; fi
}
# line N: line N of the last screen.
line() { sed -n "$1p" "$tmp/screen"; }
# cells LABEL: the numbers and dots of the heatmap row LABEL, blank-separated
# (the marks around the cells dropped).
cells() {
	row_fields "$1" | cut -d' ' -f1-11
}
# row_fields LABEL: every number of the row, the pageblocks column (12th,
# where the terminal is wide enough) included.
row_fields() {
	LC_ALL=C grep -E -m 1 "^[^A-Za-z]*$1 " "$tmp/screen" | LC_ALL=C sed "s/^[^A-Za-z]*$1//" |
		LC_ALL=C tr -c '0-9.\n' ' ' | tr -s ' ' | sed 's/^ //; s/ $//'
}
# row_is LABEL VALUES: the row shows exactly these cells.
row_is() {
	[ -n "$2" ] || { why="no values from the fixture for row $1"; return 1; }
	[ "$(cells "$1")" = "$2" ] || { why="row $1 is \"$(cells "$1")\", want \"$2\""; return 1; }
}
# exited: the pane printed EXIT=N (into $rc).
exited() {
	rc=$(sed -n 's/^EXIT=\([0-9]*\)$/\1/p' "$tmp/screen" | tail -n 1)
	[ -n "$rc" ] || { why="no EXIT= line: fragscope still runs"; return 1; }
}
# quit_session NAME DESCRIPTION: q quits it with status 0, and the shell's
# screen is back (the view drew on the alternate screen).
quit_session() {
	keys "$1" q
	if poll "$1" exited && [ "$rc" = 0 ] && hasnt 'Unmovable' 'Total'; then
		pass "$2: q quits, exit 0, the view is gone"
	else
		why="$why (exit ${rc:-none})"
		sfail "$2: q quits, exit 0, the view is gone" "$1"
	fi
	tm kill-session -t "$1" >/dev/null 2>&1
}

# ---- numbers from the fixtures

# The Android 4.19 report: its DMA32 zone line, in kB, and its free-area line.
dma32_kb() { sed -n "s/.*\] DMA32 free:.* $1:\([0-9]*\)kB.*/\1/p" "$LOG" | head -n 1; }
and_free=$(($(sed -n 's/.*\] DMA32 free:\([0-9]*\)kB.*/\1/p' "$LOG" | head -n 1) / 4))
and_min=$(($(dma32_kb min) / 4))
and_low=$(($(dma32_kb low) / 4))
and_high=$(($(dma32_kb high) / 4))
and_cma=$(($(dma32_kb free_cma) / 4))
# "DMA32: 4060*4kB (UMECH) 942*8kB ..." -> "4060 942 ..." (zero is drawn ".")
and_total=$(sed -n 's/.*\] DMA32: \([0-9].*\)/\1/p' "$LOG" | head -n 1 | grep -o '[0-9]*\*' |
	tr -d '*' | awk '{ printf "%s%s", (NR > 1 ? " " : ""), ($1 == 0 ? "." : $1) } END { print "" }')
and_mode=$(sed -n 's/.*page allocation failure: order:3, mode:\(0x[0-9a-f]*\)(.*/\1/p' "$LOG")
and_pid=$(sed -n 's/.* PID: \([0-9]*\) Comm: .*/\1/p' "$LOG" | head -n 1)
and_comm=$(sed -n 's/.* PID: [0-9]* Comm: \([^ ]*\) .*/\1/p' "$LOG" | head -n 1)
# 4.19, GFP_ATOMIC (ALLOC_HIGH|ALLOC_HARDER) in the slow path: min -= min/2, then
# min -= min/4; CMA is not usable by it: usable = free - (2^3 - 1) - free_cma.
and_slow_min=$((and_min - and_min / 2))
and_slow_min=$((and_slow_min - and_slow_min / 4))
and_usable=$((and_free - 7 - and_cma))
and_margin=$((and_usable - and_slow_min))

# The x86_64 6.18 VM's dumps. ptype ZONE TYPE: that pagetypeinfo row, "." for 0.
ptype() {
	awk -v z="$1," -v t="$2" '$1 == "Node" && $4 == z && $5 == "type" && $6 == t {
		for (i = 7; i <= NF; i++) printf "%s%s", (i > 7 ? " " : ""), ($i == 0 ? "." : $i)
		print ""; exit }' "$VM.pagetypeinfo"
}
# ptype_pages ZONE TYPE: the same row in pages (count << order).
ptype_pages() {
	awk -v z="$1," -v t="$2" '$1 == "Node" && $4 == z && $5 == "type" && $6 == t {
		for (i = 7; i <= NF; i++) printf "%s%s", (i > 7 ? " " : ""), ($i == 0 ? "." : $i * 2 ^ (i - 7))
		print ""; exit }' "$VM.pagetypeinfo"
}
# buddy ZONE: that zone's buddyinfo counts.
buddy() {
	awk -v z="$1" '$1 == "Node" && $4 == z {
		for (i = 5; i <= NF; i++) printf "%s%s", (i > 5 ? " " : ""), ($i == 0 ? "." : $i)
		print ""; exit }' "$VM.buddyinfo"
}
# zinfo ZONE FIELD: the first "FIELD N" of that zone in zoneinfo ("pages free" is "free").
zinfo() {
	awk -v z="$1" -v f="$2" '$1 == "Node" { zone = $4; next }
		zone == z && $1 == "pages" && $2 == f { print $3; exit }
		zone == z && $1 == f && NF == 2 { print $2; exit }' "$VM.zoneinfo"
}
# usable_ge ZONE ORDER: free blocks of order >= ORDER on the lists an unmovable
# request may take from (its own and the fallbacks: all but Isolate).
usable_ge() {
	awk -v z="$1," -v o="$2" '$1 == "Node" && $4 == z && $5 == "type" && $6 != "Isolate" {
		for (i = 7 + o; i <= NF; i++) n += $i } END { print n + 0 }' "$VM.pagetypeinfo"
}

# ==== 1. the Android 4.19 report
start and 120 40 -- replay --paused "$LOG"
see "android: zone tab, migratetype rows" and '^ Node 0 DMA32 ' \
	'Unmovable ' 'Movable ' 'Reclaimable ' 'HighAtomic ' 'CMA ' 'Isolate '
# DMA32 free:362116kB min:4556kB low:29180kB high:30484kB / 4
see "android: zone header = the report's DMA32 line / 4" and \
	"^free $and_free .*min $and_min low $and_low high $and_high "
check "android: Total row = the free-area line ($and_total)" and row_is Total "$and_total"
see "android: request line: the failure's mode and order, the verdict" and \
	"^request GFP_ATOMIC\|__GFP_COMP \($and_mode\) order 3  succeeds \(slow path\)" \
	'^outcome  succeeds \(slow path\)'
# usable 90529 - 7 - 80450 = 10072 > 428 (min 1139 -1139/2 = 570, -570/4 = 428): by 9644
see "android: reason with the min watermark numbers" and \
	"^reason   Node 0 DMA32 passes the min watermark .*by $and_margin pages" \
	"usable $and_usable > $and_slow_min "
# The overlay: GFP_ATOMIC (Unmovable) may take its own, Movable, Reclaimable and
# (ALLOC_HARDER, order > 0) HighAtomic lists from order 3 on, not CMA nor
# Isolate; the verdict's block is HighAtomic order 4, the first non-empty
# HighAtomic list at or above 3 ("(UMH)" at 128kB only: orders 0, 1, 2, 4).
tgt_l=$(printf '\342\226\266') tgt_r=$(printf '\342\227\200') x=$(printf '\342\234\227')
see "android: overlay: usable lists bracketed, CMA crossed, the block marked" and \
	"^${tri}Unmovable +\\+ +\\+ +\\+ \\[ +\\+\\]" "^${x}CMA +\\+ +\\+ +\\+ ${x} +\\+ " \
	"HighAtomic +\\+ +\\+ +\\+ \\[ +-\\]${tgt_l} +\\+${tgt_r}\\[ +-\\]"
see "android: event list (tall screen)" and \
	"$and_comm +$and_pid +order:3 +GFP_ATOMIC\|__GFP_COMP" "^$rule allocation failures \\(1\\) "
quit_session and android

# The event list at 80x24: e shows it, Enter opens the failure, Esc closes it.
start ev 80 24 -- replay --paused "$LOG"
see "events 80x24: verdict pane first" ev "^$rule verdict " '^ v verdict +e events \(1\)'
keys ev e
see "events 80x24: e shows the list" ev "^$rule allocation failures \(1\) " \
	"$and_comm +$and_pid +order:3"
keys ev Enter
see "events 80x24: Enter opens the failure's printed state" ev \
	'^failed GFP_ATOMIC\|__GFP_COMP' ' printed with the failure' \
	"^$rule verdict on the failure's printed state"
keys ev Escape
see "events 80x24: Esc goes back to the request" ev '^request GFP_ATOMIC\|__GFP_COMP'
keys ev '?'
see "help at 80x24: every line, the first and the last" ev 'q, F10 quit' 'Ctrl-L redraw'
keys ev x
quit_session ev "events 80x24"

# ==== 2. the VM's proc dumps
# Normal is the zone the GFP_KERNEL verdict decides on: it is shown first.
set -- "$VM".*
start vm 120 40 -- replay --paused "$@"
n_free=$(zinfo Normal free)
see "vm: three zone tabs, Normal's header from zoneinfo" vm \
	'^ Node 0 DMA .* Node 0 DMA32 .* Node 0 Normal ' \
	"^free $n_free .*min $(zinfo Normal min) low $(zinfo Normal low) high $(zinfo Normal high) "
for t in Unmovable Movable Reclaimable; do
	check "vm: Normal $t row = pagetypeinfo ($(ptype Normal $t))" vm row_is $t "$(ptype Normal $t)"
done
check "vm: Normal Total row = buddyinfo ($(buddy Normal))" vm row_is Total "$(buddy Normal)"
# The pageblocks column: pagetypeinfo's "Number of blocks type" line for Normal
# (columns Unmovable Movable Reclaimable HighAtomic Isolate), its sum for Total.
blocks_line=$(awk '/^Number of blocks type/ { on = 1; next } on && /zone +Normal/ {
	for (i = 5; i <= NF; i++) printf "%s ", $i; exit }' "$VM.pagetypeinfo")
pageblocks_col() {
	set -- $blocks_line
	sum=0
	for v; do sum=$((sum + v)); done
	for want in "Unmovable $1" "Movable $2" "Reclaimable $3" "Total $sum"; do
		label=${want% *} n=${want#* }
		got=$(row_fields "$label" | cut -d' ' -f12)
		[ "$got" = "$n" ] || { why="$label pageblocks \"$got\", want $n"; return 1; }
	done
}
check "vm: the pageblocks column = pagetypeinfo's Number of blocks ($blocks_line)" vm pageblocks_col
# GFP_KERNEL order 3 on Normal: Unmovable + Movable + Reclaimable blocks of order >= 3
see "vm: default request, its verdict" vm '^request GFP_KERNEL \(0x[0-9a-f]+\) order 3  succeeds' \
	"^margin .*; $(usable_ge Normal 3) usable free blocks of order >= 3"

keys vm m
check "vm: m: pages (count << order)" vm eval 'has "^pages " && row_is Unmovable "$(ptype_pages Normal Unmovable)"'
keys vm m
share=$(awk -v a="$(ptype Normal Unmovable | cut -d' ' -f1)" -v b="$n_free" \
	'BEGIN { printf "%.1f%%", 100 * a / b }')
see "vm: m: share of free memory ($share)" vm "^share " "^[^A-Za-z]*Unmovable +$share "
keys vm m
see "vm: m: back to blocks" vm '^order ' "^[^A-Za-z]*Unmovable +$(ptype Normal Unmovable | cut -d' ' -f1) "

keys vm Tab
see "vm: Tab: the next zone (wraps to DMA)" vm "^free $(zinfo DMA free) .*min $(zinfo DMA min) "
check "vm: DMA Movable row" vm row_is Movable "$(ptype DMA Movable)"
keys vm Tab
see "vm: Tab: DMA32" vm "^free $(zinfo DMA32 free) .*min $(zinfo DMA32 min) "
keys vm BTab
see "vm: Shift-Tab: back to DMA" vm "^free $(zinfo DMA free) "
keys vm z z
see "vm: z z: Normal again" vm "^free $n_free "

keys vm g C-u
text vm GFP_ATOMIC
see "vm: g: the gfp prompt" vm '^gfp> GFP_ATOMIC$'
keys vm Enter
# GFP_ATOMIC may use the HighAtomic reserve: its row is no longer crossed out.
see "vm: typed GFP_ATOMIC: request line and overlay change" vm \
	'^request GFP_ATOMIC \(0x[0-9a-f]+\) order 3 ' "${tri}HighAtomic" ' typed request'
keys vm o C-u 9 Enter
see "vm: o 9: order 9, a new verdict" vm '^request GFP_ATOMIC \(0x[0-9a-f]+\) order 9  succeeds' \
	'fragindex o9 ' "^margin .*; $(usable_ge Normal 9) usable free blocks of order >= 9"
keys vm g C-u
text vm GFP_HIGHUS
keys vm Tab
see "vm: Tab completes GFP_HIGHUS, the hint lists both" vm \
	'^gfp> GFP_HIGHUSER +GFP_HIGHUSER GFP_HIGHUSER_MOVABLE$'
keys vm Escape
see "vm: Esc cancels the entry" vm '^request GFP_ATOMIC \(0x[0-9a-f]+\) order 9 '
keys vm g C-u
text vm 'GFP_BOGUS|__GFP_NOPE'
keys vm Enter
see "vm: a bad mask: a message in the status bar, request kept" vm \
	'not a gfp mask .*, kept GFP_ATOMIC: GFP_BOGUS' '^request GFP_ATOMIC \(0x[0-9a-f]+\) order 9 '
keys vm o C-u 99 Enter
see "vm: a bad order: a message" vm 'an order is a number from 0 to 10, got "99"' \
	'^request GFP_ATOMIC \(0x[0-9a-f]+\) order 9 '

# buddyinfo alone: one row of all types; the zone's free pages are not known
# (zoneinfo is missing), so the header must not claim a number for them.
start bi 120 30 -- replay --paused "$VM.buddyinfo"
check "buddyinfo only: the All types row = buddyinfo Normal" bi row_is 'All types' "$(buddy Normal)"
see "buddyinfo only: watermarks not known" bi '^free .*watermarks not known'
unsee "buddyinfo only: the header does not say \"free 0\" (free pages not known)" bi '^free 0 '
quit_session bi "buddyinfo only"

# ==== 3. help
keys vm '?'
see "help: ? shows it" vm ' help ' 'q, F10 quit' 'Tab z / Z +next / previous zone' \
	'Space play / pause'
keys vm x
unsee "help: any key closes it" vm 'q, F10 quit'
keys vm F1
see "help: F1 shows it" vm 'q, F10 quit'
keys vm Space
unsee "help: Space closes it" vm 'q, F10 quit'

# ==== 9. mouse (SGR 1006: xterm-256color's kmous is \E[<)
shot vm
tab_x=$(LC_ALL=C tr -d '\200-\277' <"$tmp/screen" | head -n 1 | awk '{ print index($0, "Node 0 DMA32") }')
click vm "$tab_x" 1
see "mouse: a click on the DMA32 tab" vm "^free $(zinfo DMA32 free) .*min $(zinfo DMA32 min) "
check "mouse: DMA32's Movable row" vm row_is Movable "$(ptype DMA32 Movable)"
# The cell of Movable x order 5: the column of "5" in the order line, the Movable line.
shot vm
cell_y=$(LC_ALL=C grep -n -E -m 1 '^[^A-Za-z]*Movable ' "$tmp/screen" | cut -d: -f1)
cell_x=$(LC_ALL=C sed -n 's/^\(order *0 .* \)5 .*/\1/p' "$tmp/screen" | awk '{ print length($0) + 1 }')
click vm "$cell_x" "$cell_y"
see "mouse: a click on a cell selects its order" vm 'fragindex o5 '
keys vm Enter
see "mouse: Enter requests the clicked cell's order" vm '^request GFP_ATOMIC \(0x[0-9a-f]+\) order 5 '
quit_session vm vm

# ==== 4. a log with several reports: frames, n / p, Home / End, Space, the timeline
n_reports=$("$FS" explain "$KLOG/arm64-4.19-three-reports.log" 2>/dev/null | grep -c '^=== ')
W=300 H=30   # wide: the status bar has room for the file's note and the frame
start three $W $H -- replay --paused --ascii --speed 0.001 "$KLOG/arm64-4.19-three-reports.log"
# The timeline (second to last line) puts frame i of n at column i * (W - 1) / (n - 1).
at() { echo $((($1 - 1) * (W - 1) / (n_reports - 1) + 1)); }
# timeline CURSOR: "#" at frame CURSOR's column, "!" at every other report's.
timeline() {
	tl=$(line $((H - 1)))
	i=1
	while [ "$i" -le "$n_reports" ]; do
		want='!'
		[ "$i" = "$1" ] && want='#'
		got=$(printf '%s' "$tl" | cut -c "$(at "$i")")
		[ "$got" = "$want" ] || { why="timeline column $(at "$i") is \"$got\", want \"$want\""; return 1; }
		i=$((i + 1))
	done
}
see "three: status frame 1/$n_reports, paused" three "frame 1/$n_reports \|\|"
check "three: timeline: cursor on frame 1, the other reports marked" three timeline 1
keys three n
# report 2 (line 48 of the log): order:2, mode:0x6080c0(GFP_KERNEL|__GFP_ZERO), no Mem-Info
see "three: n: the next failure" three "frame 2/$n_reports \|\|" \
	'^request GFP_KERNEL\|__GFP_ZERO \(0x6080c0\) order 2( |$)' 'this frame holds no zone state'
unsee "three: frame 2 has no zone state, the verdict pane does not say \"no frame yet\"" three \
	'no frame yet'
check "three: timeline: cursor on frame 2" three timeline 2
keys three n
# report 3 (line 108): order:1, mode:0x480020(GFP_ATOMIC)
see "three: n: the third" three "frame 3/$n_reports \|\|" '^request GFP_ATOMIC \(0x480020\) order 1 '
keys three n
see "three: n at the last: a message" three 'no allocation failure after frame 3'
keys three p
see "three: p: back" three "frame 2/$n_reports \|\|"
text three "$khome"
see "three: Home: the first frame" three "frame 1/$n_reports \|\|"
text three "$kend"
see "three: End: the last frame" three "frame $n_reports/$n_reports \|\|"
check "three: timeline: cursor on the last frame" three timeline "$n_reports"
text three "$khome"
see "three: Home again" three "frame 1/$n_reports \|\|"
# --speed 0.001: Space steps at once, then waits 2 s (the longest gap) for the next.
keys three Space
see "three: Space plays (>)" three "frame 2/$n_reports >"
keys three Space
see "three: Space pauses (||)" three "frame [23]/$n_reports \|\|"
quit_session three three

# ==== 5. resizes
# sane COLS ROWS: the screen fits that size, the tab line first, the status bar
# last, the heatmap's Total row and the request line once.
# fits COLS ROWS: ROWS lines, none wider than COLS characters.
fits() {
	n=$(wc -l <"$tmp/screen")
	[ "$n" -eq "$2" ] || { why="$n lines, want $2"; return 1; }
	wide=$(LC_ALL=C tr -d '\200-\277' <"$tmp/screen" | awk -v c="$1" 'length($0) > c { print NR; exit }')
	[ -z "$wide" ] || { why="line $wide is wider than $1 columns"; return 1; }
}
sane() {
	c=$1 r=$2
	fits "$c" "$r" || return 1
	line 1 | grep -q '^ Node 0 ' || { why="line 1 is not the tab line"; return 1; }
	line "$r" | grep -q '^ x86_64-6\.18-vm-24g\.buddyinfo' ||
		{ why="line $r is not the status bar"; return 1; }
	[ "$r" -ge 12 ] || return 0
	[ "$(grep -c 'Total' "$tmp/screen")" -eq 1 ] || { why="Total not once"; return 1; }
	[ "$(grep -c '^request GFP_KERNEL ' "$tmp/screen")" -eq 1 ] || { why="request not once"; return 1; }
}
same_as_first() { cmp -s "$tmp/screen" "$tmp/first" || { why="differs from the first 120x40 screen"; return 1; }; }
set -- "$VM".*
start rs 120 40 -- replay --paused "$@"
check "resize: 120x40" rs sane 120 40
check "resize: 120x40 settled" rs eval 'sane 120 40 && has "${tri}Unmovable" "^request GFP_KERNEL .*succeeds"'
cp "$tmp/screen" "$tmp/first"
for size in 80x24 60x20 200x60 120x40 39x9 120x40 200x60 80x24 120x40; do
	c=${size%x*} r=${size#*x}
	tm resize-window -t rs -x "$c" -y "$r"
	check "resize: to $size, redrawn whole" rs sane "$c" "$r"
done
check "resize: back at 120x40 the screen is the first one again" rs same_as_first
tm resize-window -t rs -x 39 -y 9
check "resize: 39x9 degraded" rs eval 'sane 39 9 && has "order "'
keys rs Tab m '?'
tm resize-window -t rs -x 20 -y 5
check "resize: 20x5 with the help open" rs eval 'fits 20 5 && line 5 | grep -q "^ x86_64"'
tm resize-window -t rs -x 120 -y 40
keys rs x m m z z
check "resize: 120x40 after keys at tiny sizes" rs same_as_first
quit_session rs resize

# ==== 6. quitting and the terminal
# guarded NAME HOW...: fragscope between two stty -a; HOW ends it (keys, or kill SIG).
guarded() {
	g=$1
	shift
	start_guarded "$g" 100 30 -- replay --paused "$LOG"
	if ! poll "$g" has '^request GFP_ATOMIC'; then
		sfail "$g: the view opens" "$g"
		return
	fi
	if [ "$1" = kill ]; then
		kill "-$2" "$(cat "$tmp/$g.pid")"
	else
		keys "$g" "$@"
	fi
	poll "$g" exited
	g_rc=$rc
	got_rc=${rc:-none}
	case "$*" in
	q | F10) want='0' ;;
	"kill TERM") want='0 143' ;;
	"kill INT") want='0 130' ;;
	"kill SEGV") want='139' ;;
	esac
	case " $want " in
	*" $got_rc "*) pass "$g: $*: exit $got_rc" ;;
	*) why="exit $got_rc, want one of: $want"; sfail "$g: $*: exit status" "$g" ;;
	esac
	[ -n "$g_rc" ] || return
	if cmp -s "$tmp/$g.before" "$tmp/$g.after"; then
		pass "$g: $*: terminal modes restored (stty -a the same)"
	else
		diff "$tmp/$g.before" "$tmp/$g.after" >"$tmp/out"
		: >"$tmp/err"
		status="stty -a differs"
		fail "$g: $*: terminal modes restored"
	fi
	if hasnt 'Unmovable' 'Total' "$rule verdict"; then
		pass "$g: $*: the view is gone (alternate screen left)"
	else
		sfail "$g: $*: the view is gone (alternate screen left)" "$g"
	fi
	tm kill-session -t "$g" >/dev/null 2>&1
}
guarded quit_q q
guarded quit_f10 F10
guarded quit_term kill TERM
guarded quit_int kill INT
guarded quit_segv kill SEGV

# ==== 7. colours and characters
# sgr: "EXT BASIC": how many 256-colour (38;5 / 48;5 / 38;2) and 8/16-colour
# (30-37, 40-47, 90-97, 100-107) settings the screen's escapes make (39 and 49,
# the default colours, are neither).
sgr() {
	grep -o "$esc\[[0-9;]*m" "$tmp/screen" | sed "s/^$esc\[//; s/m\$//" | awk -F';' '
	{ for (i = 1; i <= NF; i++) { p = $i + 0
		if (p == 38 || p == 48) { ext++; i += $(i + 1) == 5 ? 2 : 4 }
		else if ((p >= 30 && p <= 37) || (p >= 40 && p <= 47) || (p >= 90 && p <= 97) ||
			 (p >= 100 && p <= 107)) basic++ } }
	END { print ext + 0, basic + 0 }'
}
nonascii() { LC_ALL=C tr -d '\000-\177' <"$tmp/screen" | wc -c | tr -d ' '; }
# colours NAME WANT OPTION [VAR=VALUE...]: the Android report replayed (with the
# replay OPTION, or "-") in that environment; WANT is 256, 8 or none.
colours() {
	c_name=$1 c_want=$2 c_opt=$3
	shift 3
	[ "$c_opt" = - ] && c_opt=--paused
	start "$c_name" 100 30 "$@" -- replay --paused "$c_opt" "$LOG"
	if ! poll "$c_name" has '^request GFP_ATOMIC'; then
		sfail "colours $c_name: the view opens" "$c_name"
		return
	fi
	shot_e "$c_name"
	set -- $(sgr)
	case $c_want in
	256) ok=$([ "$1" -gt 0 ] && echo y) ;;
	8) ok=$([ "$1" -eq 0 ] && [ "$2" -gt 0 ] && echo y) ;;
	none) ok=$([ "$1" -eq 0 ] && [ "$2" -eq 0 ] && echo y) ;;
	esac
	if [ "${ok:-}" = y ]; then
		pass "colours $c_name: $c_want ($1 256-colour, $2 8-colour settings)"
	else
		why="$1 256-colour and $2 8-colour settings, want $c_want"
		sfail "colours $c_name: $c_want" "$c_name"
	fi
}
colours c256 256 -
shot c256
if [ -n "$UTF8" ]; then
	if has " Node 0 DMA32 $vbar" "^$rule verdict $rule" "^${tri}Unmovable " "^${cross}CMA "; then
		pass "utf-8: box and marker characters on the screen"
	else
		sfail "utf-8: box and marker characters on the screen" c256
	fi
else
	pass "utf-8: skipped (no UTF-8 locale)"
fi
colours c8 8 - TERM=xterm
colours vt100 none - TERM=vt100
colours nocolor none - NO_COLOR=1
colours mono none --mono
colours asc 256 - LANG=C
shot_e asc
non=$(nonascii)
shot asc
if [ "$non" = 0 ] && has '^ Node 0 DMA32 \|' '^>Unmovable ' '^xCMA '; then
	pass "LANG=C: pure ASCII, ASCII tabs and marks"
else
	why="$why; $non non-ASCII bytes"
	sfail "LANG=C: pure ASCII" asc
fi
colours ascii 256 --ascii
shot_e ascii
non=$(nonascii)
shot ascii
if [ "$non" = 0 ] && has '^ Node 0 DMA32 \|' '^-+ verdict -+'; then
	pass "--ascii: pure ASCII in a UTF-8 locale"
else
	why="$why; $non non-ASCII bytes"
	sfail "--ascii: pure ASCII in a UTF-8 locale" ascii
fi
for s in c256 c8 vt100 nocolor mono asc ascii; do
	tm kill-session -t "$s" >/dev/null 2>&1
done

# Monochrome: the heat is a character before each count. Normal's Total row
# (buddyinfo) in 11 cells, each "C N" with C not blank, and at least 3 levels.
set -- "$VM".*
start monovm 120 40 -- replay --paused --mono "$@"
mono_cells() {
	tot=$(LC_ALL=C grep -E -m 1 '^ Total ' "$tmp/screen" | sed 's/^ Total//')
	want=$(buddy Normal | tr -d .)
	got=$(printf '%s' "$tot" | LC_ALL=C tr -c '0-9 \n' ' ' | tr -s ' ' | sed 's/^ //; s/ $//' |
		cut -d' ' -f1-11)
	[ "$got" = "$want" ] || { why="Total numbers \"$got\", want \"$want\""; return 1; }
	n=$(printf '%s\n' "$tot" | grep -o '[^ 0-9] *[0-9][0-9]*' | wc -l | tr -d ' ')
	[ "$n" -eq 11 ] || { why="$n of 11 Total cells carry a heat character"; return 1; }
	levels=$(printf '%s\n' "$tot" | grep -o '[^ 0-9] *[0-9][0-9]*' | cut -c1 | sort -u | wc -l | tr -d ' ')
	[ "$levels" -ge 3 ] || { why="only $levels heat characters"; return 1; }
}
check "mono: heat characters in the cells" monovm mono_cells
quit_session monovm mono

# ==== 8. live
start live 250 30 -- live --proc-root "$LIVE" --kmsg none -i 0.2
see "live: opens, live: in the status bar" live '^ live:.* frame [0-9]+ ' '^request GFP_KERNEL '
# live_frame: the frame number in the status bar (after "live:SOURCE").
live_frame() { sed -n 's/^.* live:[^ ]* *frame \([0-9]*\) .*/\1/p' "$tmp/screen"; }
f1=$(live_frame)
frames_grow() {
	f2=$(live_frame)
	[ -n "$f2" ] && [ "$f2" -ge $((f1 + 3)) ] || { why="frame ${f2:-?}, was $f1"; return 1; }
}
check "live: the frame counter grows (-i 0.2)" live frames_grow
quit_session live live

# --record: the status bar says so, and after q the file is a capture of
# every frame seen (header + frames, each document ended by "...").
start rec 250 30 -- live --proc-root "$LIVE" --kmsg none -i 0.2 --record "$tmp/rec.yaml"
see "live --record: the status bar marks it" rec 'rec rec\.yaml +live:.* frame [0-9]+ '
f1=$(live_frame)
check "live --record: frames go by" rec frames_grow
keys rec q
see "live --record: q quits" rec '^EXIT=0$'
recorded() {
	docs=$(grep -c '^\.\.\.$' "$tmp/rec.yaml")
	head -n 2 "$tmp/rec.yaml" | grep -q '^fragscope-capture: 1$' ||
		{ why="no capture header"; return 1; }
	[ "$docs" -ge 5 ] || { why="$docs documents (header + frames), want at least 5"; return 1; }
	"$FS" show --all "$tmp/rec.yaml" >"$tmp/out" 2>"$tmp/err" ||
		{ why="fragscope show cannot read it back"; return 1; }
}
check "live --record: the recording reads back, header and every frame" rec recorded

# Where this machine's /proc cannot be read, bare fragscope opens the bundled
# snapshot (a 6.18 VM: DMA, DMA32, Normal) and says why in the status bar.
start noproc 250 30 FRAGSCOPE_PROC_ROOT="$tmp/no-proc" --
see "no /proc: the bundled snapshot, and why" noproc \
	"this machine's memory cannot be read \\(cannot read $tmp/no-proc/buddyinfo" \
	'showing the bundled snapshot .*x86_64-6.18-vm-24g' '^ Node 0 DMA .* Node 0 Normal ' \
	'^request GFP_KERNEL '
quit_session noproc noproc

# A bad file among good ones: the view opens on what is good, says what was
# not in its status bar, lists it again on exit, and exits with 1 (as show).
head -c 4096 /dev/urandom >"$tmp/garbage.bin"
start badin 250 30 -- replay "$LOG" "$tmp/garbage.bin"
see "a bad file among good: the view opens, the status bar names it" badin \
	'^ Node 0 DMA32 ' "error: $tmp/garbage.bin: binary data, not text"
keys badin q
see "a bad file among good: exit 1" badin '^EXIT=1$'
if grep -q "^fragscope: error: $tmp/garbage.bin: binary data" "$tmp/badin.err"; then
	pass "a bad file among good: named again on stderr when the view ends"
else
	cp "$tmp/badin.err" "$tmp/err"; : >"$tmp/out"; status=1
	fail "a bad file among good: named again on stderr when the view ends"
fi

# A failure the kernel logs while watching: the Android report's lines as
# /dev/kmsg records ("prio,seq,usec,flags;message") through a FIFO. It shows
# in the event list and the status bar, and the request follows it.
mkfifo "$tmp/kmsg"
start livek 250 40 -- live --proc-root "$LIVE" --kmsg "$tmp/kmsg" -i 0.2
see "live+kmsg: opens" livek '^ live:.* frame [0-9]+ ' '^request GFP_KERNEL '
awk '{ if (match($0, /^\[ *[0-9]+\.[0-9]+\] /)) {
		stamp = substr($0, 2, RLENGTH - 3); gsub(/ /, "", stamp); split(stamp, t, ".")
		printf "4,%d,%d%06d,-;%s\n", NR, t[1], t[2], substr($0, RLENGTH + 1) } }' "$LOG" \
	>"$tmp/kmsg"
see "live+kmsg: the failure is in the event list" livek \
	'allocation failures \(1\)' 'wifi@1.0-servic +2164 +order:3 +GFP_ATOMIC\|__GFP_COMP' \
	'^request GFP_ATOMIC\|__GFP_COMP \(0x484020\) order 3 ' "failure's request"
quit_session livek livek

# Without a terminal the view falls back to fragscope show.
{ "$FS" </dev/null 2>"$tmp/err"; echo $? >"$tmp/rc"; } | cat >"$tmp/out"
status=$(cat "$tmp/rc")
expect "bare fragscope into a pipe: the text show" 0 out '^Node 0, zone ' out '^  order +0 +1 ' \
	out '^  total '
# ... of the --proc-root asked for, not of /proc.
mkdir "$tmp/vmroot"
for f in "$VM".*; do
	case $f in /*) p=$f ;; *) p=$PWD/$f ;; esac
	ln -s "$p" "$tmp/vmroot/${f##*.}"
done
{ "$FS" live --proc-root "$tmp/vmroot" --kmsg none </dev/null 2>"$tmp/err"; echo $? >"$tmp/rc"; } |
	cat >"$tmp/out"
status=$(cat "$tmp/rc")
expect "live --proc-root DIR into a pipe: the show of DIR" 0 \
	out "^kernel $(cat "$VM.uname") " out "^  total +$(buddy Normal | sed 's/ /  */g') *$"

# ==== 10. the engine: fork a frame, drive it, the pageblock map, return
BUNDLED=$src/snapshots/x86_64-6.18-vm-24g
n_free=$(zinfo Normal free) n_low=$(zinfo Normal low)
n_spanned=$(zinfo Normal spanned)
# pagetypeinfo "Number of blocks type" for Normal: Unmovable Movable Reclaimable ...
set -- $blocks_line
nb_u=$1 nb_m=$2 nb_e=$3 nb_all=$(($1 + $2 + $3 + $4 + $5))
# the rest of spanned / 512 (pageblock order 9) has no managed page: left out of the map
nb_reserved=$((n_spanned / 512 - nb_all))
u3=$(ptype Normal Unmovable | cut -d' ' -f4)     # Unmovable free blocks of order 3
unmov_after=$(ptype Normal Unmovable | awk -v u3=$((u3 - 1)) '{ $4 = u3; print }')
start eng 120 40 -- replay --paused "$BUNDLED"
see "engine: the bundled snapshot, Normal" eng "^free $n_free " "^request GFP_KERNEL \\(0xcc0\\) order 3 "
keys eng f
see "engine: f forks the frame into the engine, and says so" eng \
	'forked frame 1 into the engine \(seed 1\)' "^free $n_free "
check "engine: the fork's Unmovable row = pagetypeinfo ($(ptype Normal Unmovable))" eng \
	row_is Unmovable "$(ptype Normal Unmovable)"
keys eng '!'
see "engine: ! opens the command line with the engine's commands" eng \
	'^command> +alloc ORDER GFP \[xN\], free PFN\|random N\|oldest N'
text eng 'alloc 3 GFP_KERNEL'
keys eng Enter
# GFP_KERNEL order 3 takes an Unmovable order-3 block of its own list on the
# fast path: usable 137506 - 7 = 137499 > low 3678 by 133821 (the verdict before it)
see "engine: !alloc 3 GFP_KERNEL: the command, its result and its verdict" eng \
	'^─ the engine: last command ' '^command  alloc 3 GFP_KERNEL' \
	'^result   alloc order-3 GFP_KERNEL: ok, pfn 0x[0-9a-f]+ in Node 0 Normal, fast path, own' \
	'its verdict, on the state before it:' '^outcome  succeeds \(fast path\)' \
	"passes the low watermark by $((n_free - 7 - n_low)) pages"
see "engine: the frame after it: 8 pages fewer free" eng "^free $((n_free - 8)) "
check "engine: Unmovable order 3: one block fewer ($unmov_after)" eng row_is Unmovable "$unmov_after"
keys eng b
see "engine: b: the pageblock map ($nb_all with a managed page, $nb_reserved left out)" eng \
	"^─ pageblocks, Normal: $nb_all \\($nb_reserved all reserved left out\\), a cell each " \
	"U $nb_u  M $nb_m  E $nb_e "
keys eng '!'
text eng 'alloc 99 GFP_KERNEL'
keys eng Enter
see "engine: a bad command: the reply says why" eng \
	'command not taken: alloc ORDER GFP \[xN\] \[KIND\]: ORDER is a number from 0 to 10, got "99"'
keys eng F
see "engine: F returns to the replay where it was" eng 'back to .*x86_64-6.18-vm-24g, frame 1' \
	"^free $n_free " "^request GFP_KERNEL \\(0xcc0\\) order 3 "
unsee "engine: back on the replay: no engine panes" eng '^─ the engine: last command' 'b pageblocks'
quit_session eng engine

# The same at 80x24: the map is the fourth shared pane.
start eng80 80 24 -- replay --paused "$BUNDLED"
keys eng80 f
see "engine 80x24: forked, four pane tabs" eng80 '^ v verdict +e events \(0\) +t trends +b pageblocks'
keys eng80 a
see "engine 80x24: a allocates the request (GFP_KERNEL order 3)" eng80 \
	'^command  alloc 3 GFP_KERNEL' '^result   alloc order-3 GFP_KERNEL: ok, pfn 0x' \
	"^free $((n_free - 8)) "
keys eng80 b
see "engine 80x24: the map and its legend on screen" eng80 \
	"^─ pageblocks, Normal: $nb_all \\($nb_reserved all reserved left out\\), a cell each" \
	"U $nb_u  M $nb_m  E $nb_e "
# map_rows: the $nb_all cells wrap at 80 columns: full rows of 80, then the rest.
map_rows() {
	[ -n "$UTF8" ] || return 0
	# one byte a character: the UTF-8 continuation bytes dropped
	LC_ALL=C tr -d '\200-\277' <"$tmp/screen" | LC_ALL=C awk -v n="$nb_all" '/^. pageblocks, / { on = 1; next }
		on && NF == 0 { exit } on { got = got " " length($0) }
		END { want = ""; for (left = n; left > 0; left -= 80) want = want " " (left > 80 ? 80 : left)
		      if (got != want) { print "rows" got ", want" want; exit 1 } }' \
		>"$tmp/map_rows" || { why=$(cat "$tmp/map_rows"); return 1; }
}
check "engine 80x24: $nb_all cells, wrapped at 80 columns" eng80 map_rows
keys eng80 x
see "engine 80x24: x frees 16 random allocations" eng80 'free random 16: 16 allocations \('
keys eng80 '?'
see "engine 80x24: the help says the engine's keys, to its last line" eng80 \
	'Engine:  f forks the frame shown' 'Ctrl-L redraw'
keys eng80 x
keys eng80 F
see "engine 80x24: F returns" eng80 'back to ' "^free $n_free " '^ v verdict +e events \(0\) +t trends'
unsee "engine 80x24: no map tab on the replay" eng80 'b pageblocks'
quit_session eng80 "engine 80x24"

# A live frame forks as well; F goes back to watching.
start flive 120 40 -- live --proc-root "$LIVE" --kmsg none -i 0.2
see "engine: live is watched" flive '^free [0-9]+ '
keys flive f
see "engine: f forks the live frame shown" flive 'forked frame [0-9]+ into the engine \(seed 1\)'
see "engine: the fork is named after the live source" flive '^ fork of live:'
keys flive F
see "engine: F goes back to live, and says so" flive 'back to live:.*, frame [0-9]+ \(the fork.s 1 frame is gone\)'
see "engine: ... and watches it again" flive '^ live:'
quit_session flive "engine from live"

# fragscope simulate opens the view on the engine: step, run, the end.
cat >"$tmp/tick.yaml" <<'EOF'
name: tick test
tick: 1
machine:
  kernel: "6.6.30"
  zones:
    - { name: Normal, start_pfn: 4096, pages: 32768 }
phases:
  - name: fill
    duration: 3
    actions:
      - { alloc: GFP_KERNEL, order: 0, rate: 10 }
EOF
start sim 160 40 -- simulate "$tmp/tick.yaml"
see "simulate: the engine's machine, paused (32768 pages free)" sim '^free 32768 ' 'Space run'
keys sim .
# a tick of 1 s: 10 allocations of one page
see "simulate: . steps one tick" sim 'step: t=1\.0s: fill: 10 operations, 0 failed' \
	"^free $((32768 - 10)) "
keys sim Space
# 2 ticks left at x1: about 2 s; then 1 + 3 frames, 30 pages gone
see "simulate: Space runs it to its end, the frames become a replay" sim \
	'the source ended after 4 frames' 'frame 4/4' "^free $((32768 - 30)) "
quit_session sim simulate

# ==== sanitizers
bad=
for f in "$tmp"/*.err; do
	case $f in */quit_segv.err) continue ;; esac
	grep -q -i -E 'sanitizer|runtime error' "$f" && bad="$bad $(basename "$f")"
done
if [ -z "$bad" ]; then
	pass "no sanitizer report in any run"
else
	for f in $bad; do head -n 20 "$tmp/$f"; done >"$tmp/err"
	: >"$tmp/out"
	status="reports in:$bad"
	fail "no sanitizer report in any run"
fi

finish
