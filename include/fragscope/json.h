/*
 * json.h - snapshots and reports as JSON (json-c) for scripts.
 * The schema is documented in docs/json-format.md.
 */
#ifndef FRAGSCOPE_JSON_H
#define FRAGSCOPE_JSON_H

#include <json-c/json.h>

#include "fragscope/frame.h"
#include "fragscope/klog.h"
#include "fragscope/snapshot.h"

struct json_object *fs_snapshot_to_json(const struct fs_snapshot *s);
struct json_object *fs_report_to_json(const struct fs_report *r);
struct json_object *fs_diags_to_json(const struct fs_diags *d);
struct json_object *fs_frame_to_json(const struct fs_frame *f);

#endif
