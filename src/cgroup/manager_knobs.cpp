// CgroupManager knob setters: how each v2 knob maps onto cgroup v1.
#include <chrono>
#include <thread>

#include "cgroup/manager.hpp"
#include "cgroup/path.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"

namespace ktstr::cgroup {
namespace {

constexpr uint32_t kMinCpuWeight = 1;
constexpr uint32_t kMaxCpuWeight = 10000;
constexpr uint64_t kMinPeriodUs = 1000;
constexpr uint64_t kMaxPeriodUs = 1000000;
constexpr uint64_t kMinQuotaUs = 1000;

std::string limit_or(std::optional<uint64_t> v, const char* unlimited) {
  return v ? std::to_string(*v) : std::string(unlimited);
}

}  // namespace

Status CgroupManager::set_cpuset(const std::string& rel, const CpuSet& cpus,
                                 const std::optional<CpuSet>& mems) {
  if (cpus.empty()) {
    return invalid_input("empty cpuset; use clear_cpuset() to inherit the parent's CPUs",
                         fmt::format("cgroup '{}'", rel));
  }
  if (mems && mems->empty()) {
    return invalid_input("empty memory node set; leave mems unset to keep the current nodes",
                         fmt::format("cgroup '{}'", rel));
  }
  KTSTR_TRY(write(Controller::kCpuset, rel, "cpuset.cpus", format_cpu_list(cpus)));
  if (mems) KTSTR_TRY(write(Controller::kCpuset, rel, "cpuset.mems", format_cpu_list(*mems)));
  return {};
}

Status CgroupManager::clear_cpuset(const std::string& rel) {
  KTSTR_TRY(checked(rel));
  // Copy the parent's effective sets. v1 has no "inherit" value, and v2's
  // (an empty cpuset.cpus) is refused with ENOSPC while the cgroup has tasks.
  bool v2 = layout_.version == 2;
  std::string d = path(rel);
  std::string parent = d.substr(0, d.rfind('/'));
  const char* sources[] = {v2 ? "cpuset.mems.effective" : "cpuset.effective_mems",
                           v2 ? "cpuset.cpus.effective" : "cpuset.effective_cpus"};
  const char* targets[] = {"cpuset.mems", "cpuset.cpus"};
  for (size_t i = 0; i < 2; ++i) {
    auto value = read_file(fmt::format("{}/{}", parent, sources[i]));
    if (!value) return unexpected(value.error());
    KTSTR_TRY(write(Controller::kCpuset, rel, targets[i], *value));
  }
  return {};
}

Result<CpuSet> CgroupManager::effective_cpus(const std::string& rel) const {
  KTSTR_TRY(checked(rel));
  const char* file = layout_.version == 2 ? "cpuset.cpus.effective" : "cpuset.effective_cpus";
  auto text = read_file(path(rel) + "/" + file);
  if (!text) return unexpected(text.error());
  auto cpus = parse_cpu_list(*text);
  if (!cpus) return unexpected(with_context(cpus.error(), path(rel) + "/" + file));
  return cpus;
}

Status CgroupManager::set_cpu_weight(const std::string& rel, uint32_t weight) {
  if (weight < kMinCpuWeight || weight > kMaxCpuWeight) {
    return invalid_input(fmt::format("cpu weight {} is outside [{}, {}] (100 is the default)",
                                     weight, kMinCpuWeight, kMaxCpuWeight),
                         fmt::format("cgroup '{}'", rel));
  }
  if (layout_.version == 2) {
    return write(Controller::kCpu, rel, "cpu.weight", std::to_string(weight));
  }
  // The kernel converts cpu.weight to a load weight as weight * 1024 / 100,
  // which is exactly what cpu.shares holds; v1's minimum share is 2.
  uint64_t shares = std::max<uint64_t>(2, (uint64_t{weight} * 1024 + 50) / 100);
  cpu_limited_.insert(rel);
  return write(Controller::kCpu, rel, "cpu.shares", std::to_string(shares));
}

Status CgroupManager::set_cpu_max(const std::string& rel, std::optional<uint64_t> quota_us,
                                  uint64_t period_us) {
  if (period_us < kMinPeriodUs || period_us > kMaxPeriodUs) {
    return invalid_input(fmt::format("cpu.max period {} us is outside [{}, {}] us", period_us,
                                     kMinPeriodUs, kMaxPeriodUs),
                         fmt::format("cgroup '{}'", rel));
  }
  if (quota_us && *quota_us < kMinQuotaUs) {
    return invalid_input(fmt::format("cpu.max quota {} us is below the kernel's minimum of {} us",
                                     *quota_us, kMinQuotaUs),
                         fmt::format("cgroup '{}'", rel));
  }
  if (layout_.version == 2) {
    return write(Controller::kCpu, rel, "cpu.max",
                 fmt::format("{} {}", limit_or(quota_us, "max"), period_us));
  }
  cpu_limited_.insert(rel);
  // Lift the quota first so the (quota, period) pair is valid at every step.
  KTSTR_TRY(write(Controller::kCpu, rel, "cpu.cfs_quota_us", "-1"));
  KTSTR_TRY(write(Controller::kCpu, rel, "cpu.cfs_period_us", std::to_string(period_us)));
  if (!quota_us) return {};
  return write(Controller::kCpu, rel, "cpu.cfs_quota_us", std::to_string(*quota_us));
}

Status CgroupManager::set_memory_max(const std::string& rel, std::optional<uint64_t> bytes) {
  if (layout_.version == 2) {
    return write(Controller::kMemory, rel, "memory.max", limit_or(bytes, "max"));
  }
  return write(Controller::kMemory, rel, "memory.limit_in_bytes", limit_or(bytes, "-1"));
}

Status CgroupManager::set_pids_max(const std::string& rel, std::optional<uint64_t> max) {
  return write(Controller::kPids, rel, "pids.max", limit_or(max, "max"));
}

Status CgroupManager::freeze(const std::string& rel, bool frozen) {
  bool v2 = layout_.version == 2;
  const char* file = v2 ? "cgroup.freeze" : "freezer.state";
  KTSTR_TRY(write(Controller::kFreezer, rel, file,
                  v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED")));
  // The state file reports completion: v2 "frozen 1" in cgroup.events, v1
  // "FROZEN" (not "FREEZING") in freezer.state.
  std::string state_file =
      path(rel, Controller::kFreezer) + (v2 ? "/cgroup.events" : "/freezer.state");
  std::string want = v2 ? (frozen ? "frozen 1" : "frozen 0") : (frozen ? "FROZEN" : "THAWED");
  uint64_t start = mono_ns();
  for (;;) {
    auto text = read_file(state_file);
    if (!text) return unexpected(text.error());
    if (text->find(want) != std::string::npos) return {};
    if ((mono_ns() - start) / 1000000ULL > timeout_ms_) {
      return make_error(ErrorKind::kRuntime,
                        fmt::format("cgroup did not reach '{}' within {} ms", want, timeout_ms_),
                        ETIMEDOUT, state_file);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace ktstr::cgroup
