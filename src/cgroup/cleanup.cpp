#include "cgroup/cleanup.hpp"

#include <unistd.h>

#include "cgroup/fs_ops.hpp"
#include "cgroup/path.hpp"

namespace ktstr::cgroup {

CleanupReport cleanup_stale(const std::vector<std::string>& roots, const std::string& procfs,
                            uint64_t timeout_ms) {
  CleanupReport report;
  for (const std::string& root : roots) {
    auto names = detail::list_subdirs(root);
    if (!names) {
      if (names.error().err != ENOENT) report.errors.push_back(names.error());
      continue;
    }
    for (const std::string& name : *names) {
      auto pid = run_name_pid(name);
      if (!pid) continue;
      // Only a definite "no such process" makes a tree stale.
      if (::access(fmt::format("{}/{}", procfs, *pid).c_str(), F_OK) == 0 || errno != ENOENT) {
        continue;
      }
      RemovedTree tree{fmt::format("{}/{}", root, name), *pid, 0};
      Status s = detail::remove_tree(tree.path, detail::hierarchy_root(root), timeout_ms,
                                     tree.tasks_moved);
      if (s) {
        report.removed.push_back(std::move(tree));
      } else {
        report.errors.push_back(with_context(s.error(), fmt::format("stale run of pid {}", *pid)));
      }
    }
  }
  return report;
}

}  // namespace ktstr::cgroup
