// cgroupfs primitives shared by CgroupManager and cleanup_stale: bounded
// writes and rmdirs, task lists, and depth-first drain-and-remove.
//
// Bounded means: a write or rmdir that fails with EBUSY/EAGAIN/EINTR (a
// kernel or sched_ext scheduler veto, a task still exiting) is retried with
// a short exponential backoff until it succeeds, a retry budget runs out or
// the deadline passes; a call that returns after the deadline is reported as
// an error naming the file even if it succeeded. A single write(2) that the
// kernel blocks inside cannot be interrupted from user space; the deadline
// then fires when it returns.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace ktstr::cgroup::detail {

// Writes `data` to the cgroup file `path` (one write(2) per attempt).
Status write_bounded(const std::string& path, std::string_view data, uint64_t timeout_ms);

// Removes an empty cgroup directory; ENOENT counts as success.
Status rmdir_bounded(const std::string& path, uint64_t timeout_ms);

// The root cgroup of the hierarchy holding `dir`: the topmost ancestor (or
// `dir` itself) that still has a cgroup.procs file. Drained tasks go there:
// on v2 it is the only cgroup exempt from the "no internal processes" rule,
// so it accepts tasks even while its children have controllers enabled.
std::string hierarchy_root(const std::string& dir);

// Creates a directory; an existing directory is fine.
Status mkdir_if_missing(const std::string& path);

// Pids listed in <dir>/cgroup.procs; a missing file (not a cgroup) = none.
Result<std::vector<pid_t>> read_procs(const std::string& dir);

// Names of the subdirectories of `dir`, sorted.
Result<std::vector<std::string>> list_subdirs(const std::string& dir);

// Moves every task of `dir` into `target` (both directories in the same
// hierarchy) until `dir` is empty; tasks that exit meanwhile are ignored.
// Returns how many moves succeeded.
Result<size_t> drain(const std::string& dir, const std::string& target, uint64_t timeout_ms);

// Drains and removes `dir` and everything below it, deepest first, moving
// tasks into `target`. Continues past errors; returns the first one.
// `moved` accumulates the number of tasks moved.
Status remove_tree(const std::string& dir, const std::string& target, uint64_t timeout_ms,
                   size_t& moved);

}  // namespace ktstr::cgroup::detail
