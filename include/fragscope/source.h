/*
 * source.h - where frames come from, behind one interface: this machine
 * live, a replayed file, a child process streaming a capture (adb/ssh
 * later), and the simulation engine (driven through fs_source_command).
 *
 * A front end never knows which source it has. Its loop is:
 *
 *     poll() on fs_source_fd() (when >= 0) and its own input, with a
 *     timeout of fs_source_timeout(); then fs_source_poll(); then
 *     fs_source_read() the frames it wants to show.
 *
 * Frames are numbered 0 .. fs_source_count()-1. A source may keep only some
 * of them readable: fs_source_first() is the oldest one fs_source_read()
 * can still give (live keeps the newest frames only, so that watching for a
 * day does not grow without bound; a replay keeps all).
 *
 * No ncurses, no printing: problems go to fs_source_diags().
 */
#ifndef FRAGSCOPE_SOURCE_H
#define FRAGSCOPE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "fragscope/diag.h"
#include "fragscope/frame.h"

enum fs_source_kind {
	FS_SOURCE_LIVE,         /* this machine's /proc and /dev/kmsg */
	FS_SOURCE_REPLAY,       /* captures, kernel logs, bugreports, proc dumps */
	FS_SOURCE_CHILD,        /* a child process writing a capture stream to stdout */
	FS_SOURCE_ENGINE,       /* the simulation engine (fs_source_open_engine) */
};
const char *fs_source_kind_name(enum fs_source_kind k);   /* "live", "replay" ... */

struct fs_source;

/* ---- live ---- */
struct fs_live_options {
	const char *proc_root;   /* NULL: "/proc" */
	const char *kmsg_path;   /* NULL: no kernel log; default callers pass "/dev/kmsg" */
	double interval;         /* seconds between snapshots; <= 0: 1 s */
	const char *record_path; /* NULL: no recording; else a capture of everything seen */
	bool record_force;       /* overwrite an existing non-empty record_path */
	size_t keep_frames;      /* frames kept readable; 0: a default (120) */
};
/* NULL with a diagnostic in *diags when not even buddyinfo can be read or
 * the recording cannot be created. The first snapshot is taken at once:
 * fs_source_count() is 1 on return. */
struct fs_source *fs_source_open_live(const struct fs_live_options *o, struct fs_diags *diags);

/* ---- replay ---- */
/* Captures are read through their index (fs_capture_*: frames parsed on
 * demand); everything else through fs_input_load (all frames in memory).
 * Several non-capture files are loaded together as fs_input_load does. NULL
 * when nothing usable was found (diags says why); warnings for what was
 * skipped stay in fs_source_diags(). */
struct fs_source *fs_source_open_replay(const char *const *paths, size_t nr_paths,
					struct fs_diags *diags);
/* Frames already in memory (tests, the bundled snapshot); the source takes
 * them over (*frames is emptied). */
struct fs_source *fs_source_open_frames(struct fs_frame_list *frames, const char *name);

/* ---- child process ---- */
/* argv[0] is run with PATH search, stdin /dev/null, stdout a pipe read
 * non-blockingly; it is expected to write a capture stream (the format of
 * docs/capture-format.md: header document, then one document per frame).
 * Each complete document becomes a frame as it arrives. When the child
 * exits, the source ends (fs_source_ended) with its exit status as a
 * diagnostic; what arrived stays readable. */
struct fs_source *fs_source_open_child(char *const argv[], struct fs_diags *diags);

/* ---- the engine ---- */
struct fs_engine;
struct fs_workload_run;
struct fs_verdict;
#define FS_ENGINE_KEEP_FRAMES 256   /* frames kept readable, as live keeps its newest */
/*
 * The allocator engine as a source: frame 0 is fs_engine_snapshot(e) at
 * once, and every change of state appends a frame (the snapshot, plus the
 * warn_alloc report of each failed allocation as its event). Only the
 * newest FS_ENGINE_KEEP_FRAMES stay readable. The source takes over e and
 * run (fs_source_close frees both; run's workload must outlive the source).
 *
 * fs_source_command takes (see fragscope(1), ENGINE COMMANDS):
 *   alloc ORDER GFP [xN] [KIND]   free PFN | free random N | free oldest N
 *   reclaim [N]   kswapd   compact [ZONE] [ORDER]   drain   help
 * and with a workload (run not NULL): step [SECONDS], run, pause. A running
 * workload advances with simulated time at the speed fs_source_set_speed
 * gives (fs_source_timeout_ms / fs_source_poll); when it finishes the
 * source ends. run NULL: interactive only, never ends.
 */
struct fs_source *fs_source_open_engine(struct fs_engine *e, struct fs_workload_run *run,
					const char *name);
/* The engine behind an engine source (its current state), NULL for other kinds. */
struct fs_engine *fs_source_engine(struct fs_source *s);
/* The verdict of the last allocation command (the prediction on the state
 * before it, every step), NULL when the last command was no allocation or
 * for other kinds. Valid until the next command or close. */
const struct fs_verdict *fs_source_last_verdict(const struct fs_source *s);
/* Simulated seconds per real second for a running workload (default 1);
 * no effect on other kinds. */
void fs_source_set_speed(struct fs_source *s, double factor);

/* ---- common ---- */
enum fs_source_kind fs_source_kind(const struct fs_source *s);
const char *fs_source_name(const struct fs_source *s);      /* "live:/proc", file names */
/* File descriptor to wait on for input (kmsg, the child's pipe); -1: none. */
int fs_source_fd(const struct fs_source *s);
/* Milliseconds until the source wants fs_source_poll() again (the next
 * live snapshot); -1: only when its fd is readable, or never. */
int fs_source_timeout_ms(const struct fs_source *s);
/* Do what is due now: read the fd, take a snapshot. Returns the number of
 * new frames (0 when none), or -1 when the source failed (diagnostics). */
int fs_source_poll(struct fs_source *s);
/* True when no more frames will come (replay: always; child: after exit). */
bool fs_source_ended(const struct fs_source *s);

size_t fs_source_count(const struct fs_source *s);
size_t fs_source_first(const struct fs_source *s);
/* Fill out (fs_frame_init'ed) with a copy of frame n: 0, or -1 (diags)
 * when n is not readable. The caller owns and clears out. */
int fs_source_read(struct fs_source *s, size_t n, struct fs_frame *out);

/* Everything odd found so far; a front end shows the new ones. */
const struct fs_diags *fs_source_diags(const struct fs_source *s);

/* A command for a source that changes state on the user's word (the
 * engine: "alloc 3 GFP_KERNEL"). Returns 0 and a reply, or -1 with the
 * reply saying why ("this source takes no commands"). */
int fs_source_command(struct fs_source *s, const char *command, char *reply, size_t reply_size);

/* Ends the child, completes the recording (it is complete at every frame
 * boundary anyway), frees everything. */
void fs_source_close(struct fs_source *s);

#endif
