#include "workload/work_types/sched_helpers.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <time.h>

#include <cerrno>
#include <charconv>

#include "util/file_io.hpp"
#include "workload/primitives.hpp"

namespace ktstr::workload {
namespace {

int set_affinity(pid_t tid, const CpuSet& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) {
    if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
  }
  return sched_setaffinity(tid, sizeof set, &set) == 0 ? 0 : errno;
}

}  // namespace

int pin_self(const CpuSet& cpus) {
  // pid 0 names the calling thread, not the process, so this is safe in
  // thread mode.
  return set_affinity(0, cpus);
}

int pin_task(pid_t tid, const CpuSet& cpus) {
  return set_affinity(tid, cpus);
}

int set_self_policy(int policy, int priority) {
  sched_param sp{};
  sp.sched_priority = (policy == SCHED_FIFO || policy == SCHED_RR) ? priority : 0;
  return sched_setscheduler(0, policy, &sp) == 0 ? 0 : errno;
}

void sampled_yield(WorkerContext& ctx) {
  const uint64_t before = mono_ns();
  sched_yield();
  ctx.tel->wake_sample(mono_ns() - before);
}

int lowest_allowed_nice(const WorkerContext& ctx) {
  if (ctx.cap_sys_nice) return -20;
  rlimit rl{};
  if (getrlimit(RLIMIT_NICE, &rl) != 0) return 0;
  // RLIMIT_NICE n allows nice down to 20 - n.
  const long long floor = 20 - static_cast<long long>(rl.rlim_cur);
  return floor < 0 ? 0 : static_cast<int>(floor > 19 ? 19 : floor);
}

std::vector<pid_t> parse_pid_list(std::string_view text) {
  std::vector<pid_t> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    pid_t v = 0;
    if (j > i && std::from_chars(text.data() + i, text.data() + j, v).ec == std::errc()) {
      out.push_back(v);
    }
    i = j;
  }
  return out;
}

RtRestGuard::RtRestGuard(bool active) : active_(active), since_ns_(mono_ns()) {}

void RtRestGuard::poll(WorkerContext& ctx) {
  if (!active_) return;
  const uint64_t now = mono_ns();
  if (now - since_ns_ < kRtRunBudgetNs) return;
  timespec ts = ns_to_timespec(kRtRestNs);
  nanosleep(&ts, nullptr);
  ctx.tel->after_block();
  ++rests_;
  since_ns_ = mono_ns();
}

void RtRestGuard::blocked() {
  since_ns_ = mono_ns();
}

long long rt_runtime_us(const std::string& procfs_root) {
  auto text = read_file(procfs_root + "/sys/kernel/sched_rt_runtime_us");
  if (!text) return -2;
  long long v = -2;
  const char* b = text->data();
  std::from_chars(b, b + text->size(), v);
  return v;
}

}  // namespace ktstr::workload
