// Validation of cgroup names coming from scenario files and the CLI, and the
// naming scheme of run trees (`ktstr-<pid>` or `ktstr-<pid>-<tag>`).
//
// A relative cgroup path ("a", "a/b") names a cgroup inside one run's tree.
// Scenario files are untrusted input, so a path must never be able to reach
// outside that tree: validation is purely lexical and happens before any
// filesystem access.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace ktstr::cgroup {

// Longest accepted component; the kernel's NAME_MAX.
inline constexpr size_t kMaxNameLen = 255;

// Accepts "name" or "a/b/c" where every component is non-empty, is not "."
// or "..", is at most kMaxNameLen bytes and only uses [A-Za-z0-9_.-].
// Rejects "", absolute paths and a trailing or doubled '/'. The error is
// kInvalidInput with the offending path as context and the violated rule in
// the message.
Status validate_cgroup_path(std::string_view rel);

// The pid a run-tree directory name belongs to: "ktstr-123" and
// "ktstr-123-tag" give 123; anything else gives nullopt. `tag` uses the same
// character set as path components.
std::optional<pid_t> run_name_pid(std::string_view name);

// "ktstr-<pid>" or, with a non-empty tag, "ktstr-<pid>-<tag>".
std::string make_run_name(pid_t pid, std::string_view tag = {});

}  // namespace ktstr::cgroup
