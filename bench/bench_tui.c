/*
 * bench_tui.c - the interactive view's speed and memory targets (issue 4):
 *
 *   full redraw of a 200x60 screen          < 2 ms
 *   time to first frame (live)              < 100 ms
 *   an unchanged frame writes               < 100 bytes to the terminal
 *   live at 1 s, steady state               < 1 % of one core, < 16 MB resident
 *
 * The first three are measured in-process (fs_tui_bench_run draws into a
 * scratch file posing as an xterm-256color); the last runs the real
 * program in a pseudo-terminal for LIVE_SECONDS and reads its CPU time and
 * peak resident memory from /proc. Exit 1 when a target is missed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fragscope/source.h"
#include "fragscope/tui.h"

#define COLS 200
#define ROWS 60
#define ITERATIONS 300
#define LIVE_WARMUP_S 3.0
#define LIVE_SECONDS 12.0

static int missed;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(const char *what, double value, double limit, const char *unit)
{
	bool ok = value < limit;
	printf("  %-44s %10.3f %-6s (target < %g) %s\n", what, value, unit, limit,
	       ok ? "ok" : "MISSED");
	if (!ok)
		missed++;
}

static const char *const theme_dirs[] = { FS_SRCDIR "/themes" };

static void view_options(struct fs_tui_options *o)
{
	memset(o, 0, sizeof(*o));
	o->order = -1;
	o->theme_dirs = theme_dirs;
	o->nr_theme_dirs = 1;
	o->paused = true;
}

static int bench_in_process(const char *label, struct fs_source *src, double open_ms,
			    bool first_frame_target)
{
	struct fs_tui_options o;
	view_options(&o);
	struct fs_tui_bench r;
	struct fs_diags d = { 0 };
	if (fs_tui_bench_run(src, &o, COLS, ROWS, ITERATIONS, &r, &d) != 0) {
		fprintf(stderr, "bench_tui: %s: %s\n", label,
			d.count ? d.items[0].message : "cannot run");
		fs_diags_clear(&d);
		return -1;
	}
	fs_diags_clear(&d);
	printf("%s (%dx%d, %d redraws)\n", label, COLS, ROWS, ITERATIONS);
	if (first_frame_target)
		check("time to first frame (open + draw)", open_ms + r.first_frame_ms, 100, "ms");
	else
		printf("  %-44s %10.3f ms\n", "time to first frame (open + draw)",
		       open_ms + r.first_frame_ms);
	printf("  %-44s %10zu bytes\n", "first frame written", r.first_frame_bytes);
	check("full redraw (every cell repainted)", r.full_redraw_ms, 2, "ms");
	printf("  %-44s %10zu bytes\n", "full redraw written", r.full_redraw_bytes);
	check("unchanged frame written", r.unchanged_bytes, 100, "bytes");
	printf("  %-44s %10.3f ms\n", "unchanged frame redraw", r.unchanged_ms);
	return 0;
}

static void bench_live_in_process(void)
{
	struct fs_live_options lo;
	memset(&lo, 0, sizeof(lo));
	lo.kmsg_path = "/dev/kmsg";
	lo.interval = 1.0;
	struct fs_diags d = { 0 };
	double t0 = now_s();
	struct fs_source *src = fs_source_open_live(&lo, &d);
	if (!src) {
		/* No readable /proc here: this machine's own recorded files. */
		lo.proc_root = FS_SRCDIR "/tests/fixtures/live-this-machine";
		lo.kmsg_path = NULL;
		src = fs_source_open_live(&lo, &d);
	}
	double open_ms = (now_s() - t0) * 1000.0;
	fs_diags_clear(&d);
	if (!src) {
		fprintf(stderr, "bench_tui: cannot open a live source\n");
		missed++;
		return;
	}
	if (bench_in_process("live:/proc", src, open_ms, true) != 0)
		missed++;
	fs_source_close(src);
}

static void bench_replay_in_process(void)
{
	const char *path = FS_SRCDIR "/tests/fixtures/samples/android-4.19-arm64-wifi-order3-atomic-cma.log";
	struct fs_diags d = { 0 };
	double t0 = now_s();
	struct fs_source *src = fs_source_open_replay(&path, 1, &d);
	double open_ms = (now_s() - t0) * 1000.0;
	fs_diags_clear(&d);
	if (!src) {
		fprintf(stderr, "bench_tui: cannot open %s\n", path);
		missed++;
		return;
	}
	if (bench_in_process("replay of a warn_alloc report", src, open_ms, false) != 0)
		missed++;
	fs_source_close(src);
}

/* ---- the real program, live, in a pseudo-terminal ---- */

/* utime + stime of pid in seconds; -1 when unreadable. */
static double cpu_seconds(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');   /* comm may hold spaces */
	if (!p)
		return -1;
	unsigned long utime = 0, stime = 0;
	/* after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static long status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	size_t len = strlen(key);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, len) == 0 && line[len] == ':')
			kb = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return kb;
}

/* Read what the program writes until deadline; returns the bytes read. */
static size_t drain(int fd, double deadline)
{
	size_t total = 0;
	char buf[65536];
	for (;;) {
		double left = deadline - now_s();
		if (left <= 0)
			return total;
		struct pollfd p = { fd, POLLIN, 0 };
		int rc = poll(&p, 1, (int)(left * 1000) + 1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return total;
		total += (size_t)n;
	}
}

static void bench_live_program(void)
{
	struct winsize ws = { ROWS, COLS, 0, 0 };
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		fprintf(stderr, "bench_tui: forkpty: %s\n", strerror(errno));
		missed++;
		return;
	}
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		execl(FS_BUILDDIR "/fragscope", "fragscope", "live", "-i", "1", (char *)NULL);
		_exit(127);
	}
	double start = now_s();
	size_t warm = drain(master, start + LIVE_WARMUP_S);
	double cpu0 = cpu_seconds(pid), t0 = now_s();
	size_t steady = drain(master, t0 + LIVE_SECONDS);
	double cpu1 = cpu_seconds(pid), t1 = now_s();
	long hwm = status_kb(pid, "VmHWM"), rss = status_kb(pid, "VmRSS");
	if (write(master, "q", 1) != 1)
		kill(pid, SIGTERM);
	drain(master, now_s() + 1.0);
	int status = 0;
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close(master);
	printf("fragscope live -i 1 in a %dx%d pseudo-terminal (%.0f s after %.0f s warm-up)\n",
	       COLS, ROWS, t1 - t0, LIVE_WARMUP_S);
	if (cpu0 < 0 || cpu1 < 0 || hwm < 0) {
		fprintf(stderr, "bench_tui: cannot read /proc/%d (the program exited early? "
			"first %zu bytes written)\n", (int)pid, warm);
		missed++;
		return;
	}
	printf("  %-44s %10zu bytes\n", "written while starting", warm);
	printf("  %-44s %10.1f bytes/s\n", "written per second, steady", (double)steady / (t1 - t0));
	check("CPU, share of one core", 100.0 * (cpu1 - cpu0) / (t1 - t0), 1.0, "%");
	check("peak resident memory (VmHWM)", (double)hwm / 1024.0, 16, "MB");
	printf("  %-44s %10.1f MB\n", "resident at the end (VmRSS)", (double)rss / 1024.0);
}

int main(void)
{
	bench_live_in_process();
	bench_replay_in_process();
	bench_live_program();
	if (missed) {
		printf("bench_tui: %d target(s) missed\n", missed);
		return 1;
	}
	printf("bench_tui: every target met\n");
	return 0;
}
