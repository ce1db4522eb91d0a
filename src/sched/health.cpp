#include "sched/health.hpp"

#include <unistd.h>

#include <cstring>
#include <deque>

#include "sched/lifecycle.hpp"
#include "util/clock.hpp"
#include "util/enum_names.hpp"
#include "util/file_io.hpp"
#include "util/json_struct.hpp"

namespace ktstr::sched {
namespace {

constexpr size_t kMaxKernelLines = 200;

bool is_ruler(const std::string& line) {
  return line.size() >= 20 && line.find_first_not_of('=') == std::string::npos;
}

constexpr EnumName<ExitKind> kExitKinds[] = {
    {ExitKind::kNone, "none"},       {ExitKind::kUnregistered, "unregistered"},
    {ExitKind::kError, "error"},     {ExitKind::kStall, "stall"},
    {ExitKind::kCrashed, "crashed"}, {ExitKind::kKilled, "killed"},
    {ExitKind::kExited, "exited"},
};

// The kernel's message after an error disable: "sched_ext: OPS: MSG".
std::string kernel_error_message(const SchedulerHealth& h, const std::string& ops) {
  const std::string prefix = "sched_ext: " + ops + ": ";
  for (const auto& line : h.kernel_lines) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return "";
}

// "EXIT: REASON (MSG)" -> {REASON, MSG}; MSG may itself hold parentheses.
std::pair<std::string, std::string> split_exit_line(const std::string& line) {
  if (line.rfind("EXIT: ", 0) != 0) return {};
  std::string rest = line.substr(6);
  auto open = rest.find(" (");
  if (open == std::string::npos || rest.back() != ')') return {rest, ""};
  return {rest.substr(0, open), rest.substr(open + 2, rest.size() - open - 3)};
}

bool is_unregister_reason(const std::string& reason) {
  return reason.rfind("unregistered", 0) == 0 || reason.rfind("disabled by sysrq", 0) == 0;
}

// From the process's end alone (no kernel error seen).
void classify_process_end(SchedulerHealth& h) {
  const int status = h.exit_status;
  const int sig = status >= 128 ? status - 128 : 0;
  if (sig != 0) {
    h.exit_kind = h.stopping ? ExitKind::kKilled : ExitKind::kCrashed;
    h.exit_detail = fmt::format("signal {} ({})", sig, strsignal(sig));
  } else if (status != 0) {
    h.exit_kind = ExitKind::kExited;
    h.exit_detail = fmt::format("exit status {}", status);
  } else {
    h.exit_kind = ExitKind::kUnregistered;
    h.exit_detail = "exit status 0";
  }
}

}  // namespace

std::string_view to_string(ExitKind k) {
  return enum_name<ExitKind>(kExitKinds, k);
}

std::optional<ExitKind> parse_exit_kind(std::string_view text) {
  return enum_from_name<ExitKind>(kExitKinds, text);
}

void classify_exit(SchedulerHealth& h) {
  std::string reason, ops;
  if (auto d = parse_disable_line(h.disable_line)) {
    reason = d->reason;
    ops = d->ops;
  }
  auto [exit_reason, exit_msg] = split_exit_line(h.exit_line);
  if (reason.empty()) reason = exit_reason;
  std::string msg = ops.empty() ? "" : kernel_error_message(h, ops);
  if (msg.empty()) msg = exit_msg;
  if (reason == "runnable task stall" || !h.stall_line.empty()) {
    h.exit_kind = ExitKind::kStall;
    h.exit_detail = !h.stall_line.empty() ? h.stall_line : msg;
  } else if (!reason.empty() && !is_unregister_reason(reason)) {
    h.exit_kind = ExitKind::kError;
    h.exit_detail = msg.empty() ? reason : msg;
  } else if (h.exit_status >= 0) {
    classify_process_end(h);
  } else if (!reason.empty()) {
    h.exit_kind = ExitKind::kUnregistered;
    h.exit_detail = reason;
  } else {
    h.exit_kind = ExitKind::kNone;
    h.exit_detail.clear();
  }
  h.error_exit = h.exit_kind == ExitKind::kError;
  h.stalled = h.exit_kind == ExitKind::kStall;
}

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
          {"exit_kind", std::string(to_string(h.exit_kind))},
          {"exit_detail", h.exit_detail},
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
  classify_exit(health_);
  return health_.healthy();
}

void HealthWatch::stop(SchedulerProcess& proc) {
  poll(proc);
  health_.stopping = true;
  proc.stop();
  health_.exit_status = proc.exit_status().value_or(-1);
  drain_kmsg();
  classify_exit(health_);
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
  classify_exit(health_);
}

void to_json(nlohmann::json& j, const SchedulerHealth& t) {
  KTSTR_JSON_WRITE_FIELDS(name, sched_ext, alive, attached, error_exit, stalled, exit_reason,
                          log_excerpt, exit_detail)
  j["exit_kind"] = std::string(to_string(t.exit_kind));
}

void from_json(const nlohmann::json& j, SchedulerHealth& t) {
  KTSTR_JSON_READ_FIELDS(SchedulerHealth, name, sched_ext, alive, attached, error_exit, stalled,
                         exit_reason, log_excerpt, exit_detail);
  t.exit_kind = parse_exit_kind(j.value("exit_kind", "none")).value_or(ExitKind::kNone);
}

}  // namespace ktstr::sched
