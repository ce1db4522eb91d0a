#include "scenario/control_priority.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <unistd.h>

#include "sys/procfs.hpp"
#include "sys/sched.hpp"
#include "workload/work_type.hpp"

namespace ktstr::scenario {

ControlPriority::ControlPriority(int rt_priority) {
  // Policy and nice are per thread on Linux: pid 0 / who 0 is this thread.
  const int policy = sched_getscheduler(0);
  sched_param param{};
  sched_getparam(0, &param);
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, 0);
  if (policy < 0 || (nice == -1 && errno != 0)) {
    what_ = fmt::format("unchanged (cannot read the thread's policy: {})", std::strerror(errno));
    return;
  }
  old_policy_ = policy & ~SCHED_RESET_ON_FORK;
  old_rt_priority_ = param.sched_priority;
  old_nice_ = nice;
  sched_param fifo{};
  fifo.sched_priority = std::clamp(rt_priority, 1, 99);
  if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &fifo) == 0) {
    changed_ = true;
    what_ = fmt::format("SCHED_FIFO {}", fifo.sched_priority);
    return;
  }
  const std::string fifo_error = std::strerror(errno);
  sched_param normal{};
  if (old_policy_ == SCHED_OTHER &&
      sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &normal) == 0 &&
      setpriority(PRIO_PROCESS, 0, -20) == 0) {
    changed_ = true;
    what_ = fmt::format("nice -20 (SCHED_FIFO: {})", fifo_error);
    return;
  }
  what_ = fmt::format("normal (no CAP_SYS_NICE: SCHED_FIFO: {}; nice -20 refused)", fifo_error);
}

ControlPriority::~ControlPriority() {
  if (!changed_) return;
  sched_param param{};
  param.sched_priority = old_rt_priority_;
  // Clearing SCHED_RESET_ON_FORK needs the privilege the raise had; without
  // it the flag stays, which only keeps later children unraised.
  if (sched_setscheduler(0, old_policy_, &param) != 0) {
    sched_setscheduler(0, old_policy_ | SCHED_RESET_ON_FORK, &param);
  }
  setpriority(PRIO_PROCESS, 0, old_nice_);
}

int control_rt_priority(int max_worker_rt_priority) {
  return std::clamp(max_worker_rt_priority + 1, 1, 99);
}

namespace {

constexpr int kSelfRaisingRtPriority = 70;

int max_rt_of(const std::vector<WorkDef>& works) {
  int most = 0;
  for (const auto& w : works) most = std::max(most, max_worker_rt_priority(w.spec));
  return most;
}

}  // namespace

int max_worker_rt_priority(const workload::WorkSpec& spec) {
  int most = spec.sched_policy.is_realtime() ? spec.sched_policy.priority : 0;
  auto it = spec.work.params.find("rt_priority");
  if (it != spec.work.params.end()) {
    most = std::max(most, std::clamp(std::atoi(it->second.c_str()), 0, 99));
  }
  const auto* def = workload::WorkTypeRegistry::instance().find(spec.work.name);
  if (def != nullptr &&
      std::find(def->needs.begin(), def->needs.end(), "cap_sys_nice") != def->needs.end()) {
    most = std::max(most, kSelfRaisingRtPriority);
  }
  return most;
}

int max_worker_rt_priority(const Scenario& s) {
  int most = 0;
  for (const auto& c : s.cgroups) most = std::max(most, max_rt_of(c.works));
  for (const auto& step : s.steps) {
    for (const auto& c : step.cgroups) most = std::max(most, max_rt_of(c.works));
  }
  return most;
}

std::optional<uint64_t> thread_run_delay_ns() {
  const int fd = sys::open_thread_schedstat(sys::gettid());
  if (fd < 0) return std::nullopt;
  auto st = sys::read_schedstat_fd(fd);
  close(fd);
  if (!st) return std::nullopt;
  return st->run_delay_ns;
}

}  // namespace ktstr::scenario
