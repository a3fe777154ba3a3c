/*
 * input.h - load what the user points us at: proc dumps, kernel logs,
 * bugreports, captures. Detects each file's kind from its text.
 *
 * Proc dumps given together (buddyinfo + pagetypeinfo + zoneinfo + vmstat +
 * meminfo + uname of one moment) are merged into one frame. A kernel log
 * gives one frame per warn_alloc report (its printed state, and the report
 * as the frame's event). A bugreport gives a frame for its proc sections
 * and one per report. A capture gives its frames.
 */
#ifndef FRAGSCOPE_INPUT_H
#define FRAGSCOPE_INPUT_H

#include <stddef.h>

#include "fragscope/diag.h"
#include "fragscope/frame.h"
#include "fragscope/procfs.h"

/* Largest file we read into memory (kernel logs, bugreports). */
#define FS_INPUT_MAX_BYTES ((size_t)1 << 30)

/*
 * Load files into frames. Problems (unreadable file, unknown format, parse
 * errors) go to diags; what was good is still returned. Returns 0 when at
 * least one frame was produced, -1 otherwise.
 */
int fs_input_load(const char *const *paths, size_t nr_paths, struct fs_frame_list *frames,
		  struct fs_diags *diags);

/* Same for a text already in memory (tests, fuzzing, bugreport sections). */
int fs_input_load_text(const char *text, size_t len, const char *source,
		       struct fs_frame_list *frames, struct fs_diags *diags);

#endif
