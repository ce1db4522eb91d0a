#include "cgroup/layout.hpp"

#include <array>
#include <utility>

#include "util/file_io.hpp"

namespace ktstr::cgroup {
namespace {

constexpr std::array<Controller, 5> kAllControllers = {Controller::kCpuset, Controller::kCpu,
                                                       Controller::kMemory, Controller::kPids,
                                                       Controller::kFreezer};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// mountinfo escapes ' ', '\t', '\n' and '\\' as a backslash and 3 octal digits.
std::string unescape_octal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      std::string_view d = s.substr(i + 1, 3);
      if (d[0] >= '0' && d[0] <= '3' && d[1] >= '0' && d[1] <= '7' && d[2] >= '0' && d[2] <= '7') {
        out.push_back(static_cast<char>((d[0] - '0') * 64 + (d[1] - '0') * 8 + (d[2] - '0')));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::optional<Controller> controller_from_name(std::string_view name) {
  for (Controller c : kAllControllers) {
    if (controller_name(c) == name) return c;
  }
  return std::nullopt;
}

std::string missing_list(const std::vector<Controller>& missing) {
  std::string out;
  for (Controller c : missing) {
    if (!out.empty()) out += ", ";
    out += controller_name(c);
  }
  return out;
}

// First line without its newline: cgroup.controllers is "cpuset cpu io\n".
std::string trim_line(std::string_view s) {
  size_t end = s.find('\n');
  return std::string(s.substr(0, end));
}

}  // namespace

std::string_view controller_name(Controller c) {
  switch (c) {
    case Controller::kCpuset:
      return "cpuset";
    case Controller::kCpu:
      return "cpu";
    case Controller::kMemory:
      return "memory";
    case Controller::kPids:
      return "pids";
    case Controller::kFreezer:
      return "freezer";
  }
  return "?";
}

bool Capabilities::has(Controller c) const {
  switch (c) {
    case Controller::kCpuset:
      return cpuset;
    case Controller::kCpu:
      return cpu;
    case Controller::kMemory:
      return memory;
    case Controller::kPids:
      return pids;
    case Controller::kFreezer:
      return freezer;
  }
  return false;
}

Capabilities CgroupLayout::capabilities() const {
  Capabilities caps;
  caps.version = version;
  caps.cpuset = roots.count(Controller::kCpuset) != 0;
  caps.cpu = roots.count(Controller::kCpu) != 0;
  caps.memory = roots.count(Controller::kMemory) != 0;
  caps.pids = roots.count(Controller::kPids) != 0;
  caps.freezer = roots.count(Controller::kFreezer) != 0;
  return caps;
}

Result<CgroupMounts> parse_cgroup_mounts(std::string_view mountinfo) {
  CgroupMounts mounts;
  size_t line_no = 0;
  for (std::string_view line : split(mountinfo, '\n')) {
    ++line_no;
    std::vector<std::string_view> f = split(line, ' ');
    size_t sep = 0;
    for (size_t i = 6; i < f.size(); ++i) {
      if (f[i] == "-") {
        sep = i;
        break;
      }
    }
    if (sep == 0 || sep + 4 > f.size()) {
      if (line.find("cgroup") == std::string_view::npos) continue;
      return invalid_input("malformed mountinfo line (no ' - fstype source options' part)",
                           fmt::format("mountinfo line {}", line_no));
    }
    std::string_view fstype = f[sep + 1];
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    std::string mount_point = unescape_octal(f[4]);
    mounts.all.push_back(mount_point);
    if (fstype == "cgroup2") {
      if (!mounts.v2) mounts.v2 = mount_point;
      continue;
    }
    for (std::string_view opt : split(f[sep + 3], ',')) {
      auto c = controller_from_name(opt);
      if (c && mounts.v1.count(*c) == 0) mounts.v1.emplace(*c, mount_point);
    }
  }
  return mounts;
}

Result<CgroupLayout> choose_cgroup_layout(const CgroupMounts& mounts,
                                          std::string_view v2_controllers) {
  std::vector<Controller> v2_missing;
  if (mounts.v2) {
    std::string line = trim_line(v2_controllers);
    std::vector<std::string_view> avail = split(line, ' ');
    auto has = [&](Controller c) {
      for (std::string_view a : avail) {
        if (a == controller_name(c)) return true;
      }
      return false;
    };
    for (Controller c : {Controller::kCpuset, Controller::kCpu}) {
      if (!has(c)) v2_missing.push_back(c);
    }
    if (v2_missing.empty()) {
      CgroupLayout layout;
      layout.version = 2;
      for (Controller c : kAllControllers) {
        // The v2 freezer is cgroup.freeze, a core file, not a controller.
        if (c == Controller::kFreezer || has(c)) layout.roots.emplace(c, *mounts.v2);
      }
      return layout;
    }
  }
  std::vector<Controller> v1_missing;
  for (Controller c : {Controller::kCpuset, Controller::kCpu}) {
    if (mounts.v1.count(c) == 0) v1_missing.push_back(c);
  }
  if (v1_missing.empty()) {
    CgroupLayout layout;
    layout.version = 1;
    layout.roots = mounts.v1;
    return layout;
  }
  std::string offered = trim_line(v2_controllers);
  std::string v2_part =
      mounts.v2
          ? fmt::format("the cgroup2 mount at {} lacks the {} controller(s) (it offers: {})",
                        *mounts.v2, missing_list(v2_missing), offered.empty() ? "none" : offered)
          : std::string("no cgroup2 filesystem is mounted");
  return environment_error(
      fmt::format(
          "no usable cgroup cpuset+cpu controllers: {}, and no cgroup v1 hierarchy has the {} "
          "controller(s). Fix: on cgroup v2, make sure cpuset and cpu are not bound to a v1 "
          "hierarchy (boot with systemd.unified_cgroup_hierarchy=1) so they appear in "
          "cgroup.controllers; on cgroup v1, mount the missing hierarchy, e.g. "
          "`mkdir -p /sys/fs/cgroup/{} && mount -t cgroup -o {} cgroup /sys/fs/cgroup/{}`",
          v2_part, missing_list(v1_missing), controller_name(v1_missing[0]),
          controller_name(v1_missing[0]), controller_name(v1_missing[0])),
      0, "cgroup");
}

Result<CgroupLayout> detect_cgroup_layout(std::string_view mountinfo,
                                          std::string_view v2_controllers) {
  auto mounts = parse_cgroup_mounts(mountinfo);
  if (!mounts) return unexpected(mounts.error());
  return choose_cgroup_layout(*mounts, v2_controllers);
}

Result<CgroupLayout> detect_cgroup_layout_live(const std::string& procfs) {
  auto text = read_file(procfs + "/self/mountinfo");
  if (!text) return unexpected(text.error());
  auto mounts = parse_cgroup_mounts(*text);
  if (!mounts) return unexpected(mounts.error());
  std::string controllers;
  if (const auto& v2 = mounts->v2) {
    auto c = read_file(fmt::format("{}/cgroup.controllers", *v2));
    if (c) controllers = std::move(*c);
  }
  return choose_cgroup_layout(*mounts, controllers);
}

Result<std::vector<std::string>> live_cgroup_roots(const std::string& procfs) {
  auto text = read_file(procfs + "/self/mountinfo");
  if (!text) return unexpected(text.error());
  auto mounts = parse_cgroup_mounts(*text);
  if (!mounts) return unexpected(mounts.error());
  return std::move(mounts->all);
}

}  // namespace ktstr::cgroup
