// CgroupManager lifecycle, tree structure and task movement. The knob
// setters (cpuset, cpu, memory, pids, freezer) are in manager_knobs.cpp.
#include "cgroup/manager.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "cgroup/fs_ops.hpp"
#include "cgroup/path.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"

namespace ktstr::cgroup {

using detail::write_bounded;

namespace {

std::string parent_dir(const std::string& dir) {
  return dir.substr(0, dir.rfind('/'));
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// "a/b/c" -> {"a", "a/b", "a/b/c"}.
std::vector<std::string> prefixes(const std::string& rel) {
  std::vector<std::string> out;
  for (size_t pos = rel.find('/'); pos != std::string::npos; pos = rel.find('/', pos + 1)) {
    out.push_back(rel.substr(0, pos));
  }
  out.push_back(rel);
  return out;
}

// Pre-order list of the cgroups below `dir` as paths relative to it.
Status collect_tree(const std::string& dir, const std::string& rel, std::vector<std::string>& out) {
  auto children = detail::list_subdirs(dir);
  if (!children) return unexpected(children.error());
  for (const std::string& c : *children) {
    std::string child_rel = rel.empty() ? c : fmt::format("{}/{}", rel, c);
    out.push_back(child_rel);
    KTSTR_TRY(collect_tree(fmt::format("{}/{}", dir, c), child_rel, out));
  }
  return {};
}

}  // namespace

Result<CgroupManager> CgroupManager::create(Options opts) {
  CgroupManager m;
  if (opts.layout) {
    m.layout_ = std::move(*opts.layout);
  } else {
    auto layout = detect_cgroup_layout_live();
    if (!layout) return unexpected(layout.error());
    m.layout_ = std::move(*layout);
  }
  m.run_name_ = opts.run_name.empty() ? make_run_name(::getpid()) : std::move(opts.run_name);
  m.timeout_ms_ = opts.timeout_ms;
  m.owner_pid_ = ::getpid();
  KTSTR_TRY(m.init());
  return m;
}

Status CgroupManager::init() {
  if (!run_name_pid(run_name_)) {
    return invalid_input("run name must have the form ktstr-<pid> or ktstr-<pid>-<tag>",
                         fmt::format("run name '{}'", run_name_));
  }
  Capabilities caps = layout_.capabilities();
  if ((layout_.version != 1 && layout_.version != 2) || !caps.cpuset || !caps.cpu) {
    return environment_error("the cgroup layout needs version 1 or 2 and cpuset and cpu roots", 0,
                             "cgroup");
  }
  // roots is ordered by Controller, so the cpuset hierarchy comes first and
  // is the "primary" one whose cgroup.procs pids() and activate() read.
  for (const auto& [c, root] : layout_.roots) {
    auto it = std::find_if(hierarchies_.begin(), hierarchies_.end(),
                           [&root = root](const Hierarchy& h) { return h.base == root; });
    if (it == hierarchies_.end()) {
      hierarchies_.push_back(Hierarchy{root, detail::hierarchy_root(root), {}, false});
      it = hierarchies_.end() - 1;
    }
    it->controllers.push_back(c);
  }
  for (Hierarchy& h : hierarchies_) {
    // v1 hierarchies other than cpuset and cpu join lazily (activate()).
    if (layout_.version == 1 && !h.has(Controller::kCpuset) && !h.has(Controller::kCpu)) continue;
    if (layout_.version == 2) KTSTR_TRY(enable_subtree_controllers(h.base));
    std::string root = dir(h, "");
    if (::mkdir(root.c_str(), 0755) != 0) {
      if (errno == EEXIST) {
        return environment_error(
            "run tree already exists (left by a dead run? `ktstr cleanup` removes it)", EEXIST,
            root);
      }
      return sys_error("cannot create the run tree", root);
    }
    // From here on teardown() removes this hierarchy's tree; one that
    // already existed (EEXIST above) belongs to someone else and is kept.
    h.active = true;
    live_ = true;
    KTSTR_TRY(make_dir(h, ""));
  }
  return {};
}

CgroupManager::CgroupManager(CgroupManager&& other) noexcept
    : layout_(std::move(other.layout_)),
      run_name_(std::move(other.run_name_)),
      timeout_ms_(other.timeout_ms_),
      hierarchies_(std::move(other.hierarchies_)),
      owner_pid_(other.owner_pid_),
      live_(std::exchange(other.live_, false)) {}

CgroupManager& CgroupManager::operator=(CgroupManager&& other) noexcept {
  if (this != &other) {
    Status s = teardown();
    if (!s) fmt::print(stderr, "ktstr: warning: cgroup teardown: {}\n", s.error().describe());
    layout_ = std::move(other.layout_);
    run_name_ = std::move(other.run_name_);
    timeout_ms_ = other.timeout_ms_;
    hierarchies_ = std::move(other.hierarchies_);
    owner_pid_ = other.owner_pid_;
    live_ = std::exchange(other.live_, false);
  }
  return *this;
}

CgroupManager::~CgroupManager() {
  Status s = teardown();
  if (!s) fmt::print(stderr, "ktstr: warning: cgroup teardown: {}\n", s.error().describe());
}

int CgroupManager::hierarchy_of(Controller c) const {
  for (size_t i = 0; i < hierarchies_.size(); ++i) {
    if (hierarchies_[i].has(c)) return static_cast<int>(i);
  }
  return -1;
}

std::string CgroupManager::dir(const Hierarchy& h, const std::string& rel) const {
  std::string out = h.base + "/" + run_name_;
  if (!rel.empty()) out += "/" + rel;
  return out;
}

std::string CgroupManager::path(const std::string& rel, Controller c) const {
  int i = hierarchy_of(c);
  if (i < 0 || (!rel.empty() && !validate_cgroup_path(rel))) return {};
  return dir(hierarchies_[static_cast<size_t>(i)], rel);
}

Status CgroupManager::checked(const std::string& rel) const {
  if (!live_) {
    return make_error(ErrorKind::kRuntime, "the cgroup manager has been torn down", 0,
                      fmt::format("cgroup '{}'", rel));
  }
  return validate_cgroup_path(rel);
}

// v2: a child only gets a controller's files if its parent lists the
// controller in cgroup.subtree_control.
Status CgroupManager::enable_subtree_controllers(const std::string& d) const {
  auto avail = read_file(d + "/cgroup.controllers");
  if (!avail) return unexpected(avail.error());
  auto enabled = read_file(d + "/cgroup.subtree_control");
  if (!enabled) return unexpected(enabled.error());
  auto listed = [](const std::string& text, std::string_view name) {
    size_t pos = 0;
    while ((pos = text.find(name, pos)) != std::string::npos) {
      bool start = pos == 0 || text[pos - 1] == ' ';
      size_t end = pos + name.size();
      if (start && (end == text.size() || text[end] == ' ' || text[end] == '\n')) return true;
      pos = end;
    }
    return false;
  };
  std::string change;
  for (Controller c : hierarchies_.front().controllers) {
    if (c == Controller::kFreezer) continue;
    std::string_view name = controller_name(c);
    if (listed(*enabled, name)) continue;
    if (!listed(*avail, name)) {
      if (c != Controller::kCpuset && c != Controller::kCpu) continue;
      return environment_error(
          fmt::format("the {} controller is not available here; enable it in the parent's "
                      "cgroup.subtree_control",
                      name),
          0, d + "/cgroup.controllers");
    }
    change += fmt::format("{}+{}", change.empty() ? "" : " ", name);
  }
  if (change.empty()) return {};
  Status s = write_bounded(d + "/cgroup.subtree_control", change, timeout_ms_);
  if (!s && s.error().err == EBUSY) {
    s.error().message +=
        "; cgroup v2 cannot enable controllers below a cgroup that holds tasks itself: put tasks "
        "only in leaf cgroups";
  }
  return s;
}

Status CgroupManager::make_dir(const Hierarchy& h, const std::string& rel) {
  std::string d = dir(h, rel);
  if (layout_.version == 2 && !rel.empty()) KTSTR_TRY(enable_subtree_controllers(parent_dir(d)));
  KTSTR_TRY(detail::mkdir_if_missing(d));
  if (layout_.version != 1 || !h.has(Controller::kCpuset)) return {};
  // v1 creates a cpuset with empty cpus/mems and refuses tasks until both are set.
  for (const char* file : {"cpuset.mems", "cpuset.cpus"}) {
    auto mine = read_file(d + "/" + file);
    if (!mine) return unexpected(mine.error());
    if (!mine->empty() && *mine != "\n") continue;
    auto parent = read_file(parent_dir(d) + "/" + file);
    if (!parent) return unexpected(parent.error());
    KTSTR_TRY(write_bounded(d + "/" + file, *parent, timeout_ms_));
  }
  return {};
}

Status CgroupManager::create(const std::string& rel) {
  KTSTR_TRY(checked(rel));
  for (const Hierarchy& h : hierarchies_) {
    if (!h.active) continue;
    for (const std::string& p : prefixes(rel)) KTSTR_TRY(make_dir(h, p));
  }
  return {};
}

// v1 only: mirror the run tree into the hierarchy of `c` and move its tasks
// there, so a limit set from now on applies to every task of the tree.
Status CgroupManager::activate(Controller c) {
  int i = hierarchy_of(c);
  if (i < 0) {
    std::string how =
        layout_.version == 1
            ? fmt::format(
                  "no cgroup v1 hierarchy has it; mount one with `mkdir -p "
                  "/sys/fs/cgroup/{0} && mount -t cgroup -o {0} cgroup /sys/fs/cgroup/{0}`",
                  controller_name(c))
            : fmt::format("'{}' is not in the cgroup2 root's cgroup.controllers",
                          controller_name(c));
    return environment_error(
        fmt::format("the {} controller is not available: {} (scenarios needing it should skip)",
                    controller_name(c), how),
        0, "cgroup");
  }
  Hierarchy& h = hierarchies_[static_cast<size_t>(i)];
  if (h.active) return {};
  const Hierarchy& primary = hierarchies_.front();
  std::vector<std::string> tree{""};
  KTSTR_TRY(collect_tree(dir(primary, ""), "", tree));
  h.active = true;  // so teardown() removes a partial mirror
  for (const std::string& rel : tree) KTSTR_TRY(make_dir(h, rel));
  for (const std::string& rel : tree) {
    auto pids = detail::read_procs(dir(primary, rel));
    if (!pids) return unexpected(pids.error());
    for (pid_t pid : *pids) {
      Status s = write_bounded(dir(h, rel) + "/cgroup.procs", std::to_string(pid), timeout_ms_);
      if (!s && s.error().err != ESRCH) return s;
    }
  }
  return {};
}

Status CgroupManager::write(Controller c, const std::string& rel, const std::string& file,
                            const std::string& value) {
  KTSTR_TRY(checked(rel));
  KTSTR_TRY(activate(c));
  const Hierarchy& h = hierarchies_[static_cast<size_t>(hierarchy_of(c))];
  return write_bounded(dir(h, rel) + "/" + file, value, timeout_ms_);
}

Status CgroupManager::move_pids(const std::string& rel, const std::vector<pid_t>& pids) {
  KTSTR_TRY(checked(rel));
  for (const Hierarchy& h : hierarchies_) {
    if (!h.active) continue;
    std::string procs = dir(h, rel) + "/cgroup.procs";
    for (pid_t pid : pids) {
      Status s = write_bounded(procs, std::to_string(pid), timeout_ms_);
      if (s) continue;
      Error e = with_context(s.error(), fmt::format("pid {}", pid));
      if (e.err == EBUSY && layout_.version == 2) {
        e.message +=
            " (or: cgroup v2 keeps tasks out of a cgroup whose children have controllers "
            "enabled; put tasks only in leaf cgroups)";
      }
      const bool cpu_hierarchy =
          layout_.version == 1 && hierarchy_of(Controller::kCpu) >= 0 &&
          &h == &hierarchies_[static_cast<size_t>(hierarchy_of(Controller::kCpu))];
      if (e.err == EINVAL && cpu_hierarchy && !cpu_limited(rel)) {
        // A realtime task and a v1 cpu cgroup without RT runtime
        // (CONFIG_RT_GROUP_SCHED). Nothing of ours is limited through this
        // cgroup's cpu controller, so the task keeps its current cpu cgroup:
        // its cpuset placement (the other hierarchy) still applies.
        continue;
      }
      if (e.err == EINVAL && cpu_hierarchy) {
        e.message +=
            "; a realtime task cannot join a v1 cpu cgroup whose cpu.rt_runtime_us is 0 "
            "(CONFIG_RT_GROUP_SCHED)";
      }
      return unexpected(std::move(e));
    }
  }
  return {};
}

bool CgroupManager::cpu_limited(const std::string& rel) const {
  // The knob of an ancestor limits its whole subtree.
  for (const auto& limited : cpu_limited_) {
    if (rel == limited || rel.rfind(limited + "/", 0) == 0) return true;
  }
  return false;
}

Result<std::vector<pid_t>> CgroupManager::pids(const std::string& rel) const {
  KTSTR_TRY(checked(rel));
  std::string d = dir(hierarchies_.front(), rel);
  if (!is_dir(d)) {
    return make_error(ErrorKind::kRuntime, "no such cgroup (create it first)", ENOENT, d);
  }
  return detail::read_procs(d);
}

Status CgroupManager::move_all(const std::string& from, const std::string& to) {
  KTSTR_TRY(checked(to));
  if (from == to) return checked(from);
  uint64_t start = mono_ns();
  for (;;) {
    auto list = pids(from);
    if (!list) return unexpected(list.error());
    if (list->empty()) return {};
    if ((mono_ns() - start) / 1000000ULL > timeout_ms_) {
      return make_error(
          ErrorKind::kRuntime,
          fmt::format("tasks keep appearing in '{}' after {} ms of moving them to '{}'", from,
                      timeout_ms_, to),
          ETIMEDOUT, path(from));
    }
    for (pid_t pid : *list) {
      Status s = move_pids(to, {pid});
      if (!s && s.error().err != ESRCH) return s;
    }
  }
}

Status CgroupManager::remove(const std::string& rel) {
  KTSTR_TRY(checked(rel));
  Status first;
  for (const Hierarchy& h : hierarchies_) {
    if (!h.active) continue;
    size_t moved = 0;
    Status s = detail::remove_tree(dir(h, rel), h.drain_to, timeout_ms_, moved);
    if (!s && first) first = std::move(s);
  }
  return first;
}

Status CgroupManager::teardown() {
  if (!live_) return {};
  live_ = false;
  // A forked child that leaves through exit() instead of _exit() must not
  // tear down its parent's tree.
  if (::getpid() != owner_pid_) return {};
  Status first;
  for (const Hierarchy& h : hierarchies_) {
    if (!h.active) continue;
    size_t moved = 0;
    Status s = detail::remove_tree(dir(h, ""), h.drain_to, timeout_ms_, moved);
    if (!s && first) first = std::move(s);
  }
  return first;
}

}  // namespace ktstr::cgroup
