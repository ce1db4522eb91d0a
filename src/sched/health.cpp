#include "sched/health.hpp"

#include <unistd.h>

#include <deque>

#include "sched/lifecycle.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "util/json_struct.hpp"

namespace ktstr::sched {
namespace {

constexpr size_t kMaxKernelLines = 200;

bool is_ruler(const std::string& line) {
  return line.size() >= 20 && line.find_first_not_of('=') == std::string::npos;
}

}  // namespace

SchedulerLogSummary summarize_scheduler_log(std::string_view log, size_t tail_lines) {
  SchedulerLogSummary s;
  std::deque<std::string> tail;
  enum { kNormal, kDumpHeader, kInDump } mode = kNormal;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    std::string line(log.substr(start, end - start));
    start = end + 1;
    if (mode == kNormal && line == "DEBUG DUMP") {
      mode = kDumpHeader;
      continue;
    }
    if (mode == kDumpHeader) {
      if (is_ruler(line)) mode = kInDump;
      continue;
    }
    if (mode == kInDump) {
      if (is_ruler(line)) {
        mode = kNormal;
      } else {
        s.dump.push_back(line);
      }
      continue;
    }
    if (line.rfind("EXIT: ", 0) == 0) s.exit_line = line;
    if (line.empty()) continue;
    tail.push_back(line);
    if (tail.size() > tail_lines) tail.pop_front();
  }
  while (!s.dump.empty() && s.dump.front().empty()) s.dump.erase(s.dump.begin());
  while (!s.dump.empty() && s.dump.back().empty()) s.dump.pop_back();
  s.tail.assign(tail.begin(), tail.end());
  return s;
}

nlohmann::json to_watch_json(const SchedulerHealth& h) {
  return {{"name", h.name},
          {"sched_ext", h.sched_ext},
          {"attached", h.attached},
          {"alive", h.alive},
          {"ops", h.ops},
          {"state", h.state},
          {"enable_seq_at_attach", h.enable_seq_at_attach},
          {"enable_seq", h.enable_seq},
          {"healthy", h.healthy()},
          {"handed_over", h.handed_over},
          {"failure", h.exit_reason},
          {"exit_reason", h.exit_reason},
          {"disable_line", h.disable_line},
          {"stall_line", h.stall_line},
          {"exit_line", h.exit_line},
          {"exit_status", h.exit_status},
          {"kernel_lines", h.kernel_lines},
          {"log_tail", h.log_tail},
          {"dump", h.dump}};
}

void apply_kmsg_line(SchedulerHealth& h, const std::string& message) {
  bool relevant = is_sched_ext_line(message) || is_stall_line(message);
  if (!relevant) return;
  if (h.kernel_lines.size() < kMaxKernelLines) h.kernel_lines.push_back(message);
  if (is_stall_line(message) && h.stall_line.empty()) h.stall_line = message;
  if (auto d = parse_disable_line(message)) {
    if (h.disable_line.empty()) h.disable_line = message;
    if (h.attached && !h.stopping && !h.reason_from_kernel) {
      h.exit_reason = d->reason;
      h.reason_from_kernel = true;
    }
  }
}

void apply_state(SchedulerHealth& h, const SchedExtState& st) {
  h.state = st.state;
  h.enable_seq = st.enable_seq;
  if (!h.exit_reason.empty()) return;
  if (st.state != "enabled") {
    h.exit_reason = fmt::format("sched_ext state became '{}'", st.state);
  } else if (h.enable_seq_at_attach >= 0 && st.enable_seq != h.enable_seq_at_attach) {
    h.exit_reason = fmt::format("scheduler restarted (enable_seq {} -> {})", h.enable_seq_at_attach,
                                st.enable_seq);
  }
}

HealthWatch::HealthWatch(std::string sysfs_root, const std::string& kmsg_path)
    : sysfs_root_(std::move(sysfs_root)), kmsg_(kmsg_path) {
  health_.name.clear();
  health_.alive = false;
  health_.attached = false;
}

void HealthWatch::drain_kmsg() {
  for (const auto& r : kmsg_.read_available()) apply_kmsg_line(health_, r.message);
}

bool HealthWatch::wait_attached(SchedulerProcess& proc, uint64_t timeout_ms) {
  health_.sched_ext = true;
  uint64_t deadline = mono_ns() + timeout_ms * 1000000ULL;
  for (;;) {
    drain_kmsg();
    SchedExtState st = read_sched_ext_state(sysfs_root_);
    health_.state = st.state;
    if (!st.supported) {
      health_.exit_reason = "kernel has no sched_ext (/sys/kernel/sched_ext missing)";
      return false;
    }
    if (st.enabled()) {
      health_.attached = true;
      health_.alive = true;
      health_.ops = st.ops;
      health_.enable_seq_at_attach = health_.enable_seq = st.enable_seq;
      return true;
    }
    if (!proc.alive()) {
      health_.exit_status = proc.exit_status().value_or(-1);
      health_.exit_reason =
          fmt::format("scheduler exited (status {}) before attaching", health_.exit_status);
      return false;
    }
    if (mono_ns() >= deadline) {
      health_.exit_reason =
          fmt::format("scheduler did not attach within {} ms (state '{}')", timeout_ms, st.state);
      return false;
    }
    ::usleep(50 * 1000);
  }
}

bool HealthWatch::poll(SchedulerProcess& proc) {
  if (!health_.handed_over && ::access(kHandoverPath, F_OK) == 0) {
    health_.handed_over = true;
    health_.stopping = true;
  }
  drain_kmsg();
  if (health_.handed_over) {
    health_.alive = proc.alive();
    return health_.healthy();
  }
  health_.alive = proc.alive();
  apply_state(health_, read_sched_ext_state(sysfs_root_));
  if (!health_.alive) {
    health_.exit_status = proc.exit_status().value_or(-1);
    if (health_.exit_reason.empty()) {
      health_.exit_reason = fmt::format("scheduler exited (status {})", health_.exit_status);
    }
  }
  return health_.healthy();
}

void HealthWatch::stop(SchedulerProcess& proc) {
  poll(proc);
  health_.stopping = true;
  proc.stop();
  health_.exit_status = proc.exit_status().value_or(-1);
}

void HealthWatch::finish(const std::string& log_path) {
  drain_kmsg();
  auto text = read_file(log_path);
  if (!text) return;
  auto s = summarize_scheduler_log(*text);
  health_.exit_line = s.exit_line;
  if (!health_.exit_reason.empty() && !health_.reason_from_kernel && !s.exit_line.empty()) {
    // "EXIT: runnable task stall (busybox[41] failed ...)" -> "runnable task stall"
    std::string reason = s.exit_line.substr(6);
    health_.exit_reason = reason.substr(0, reason.find(" ("));
    health_.reason_from_kernel = true;
  }
  health_.dump = std::move(s.dump);
  health_.log_tail = std::move(s.tail);
}

KTSTR_JSON_STRUCT(SchedulerHealth, name, sched_ext, alive, attached, error_exit, stalled,
                  exit_reason, log_excerpt)

}  // namespace ktstr::sched
