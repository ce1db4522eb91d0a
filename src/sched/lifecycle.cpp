#include "sched/lifecycle.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sched/health.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "util/json_struct.hpp"

namespace ktstr::sched {
namespace {

constexpr uint64_t kPollUs = 20'000;

std::optional<SchedExtState>& expected_slot() {
  static std::optional<SchedExtState> slot;
  return slot;
}

double ms_since(uint64_t start_ns) {
  return static_cast<double>(mono_ns() - start_ns) / 1e6;
}

uint64_t remaining_ns(uint64_t start_ns, uint64_t timeout_ns) {
  const uint64_t used = mono_ns() - start_ns;
  return used >= timeout_ns ? 0 : timeout_ns - used;
}

std::string describe_state(const SchedExtState& st) {
  return fmt::format("state '{}', ops '{}', enable_seq {}", st.state, st.ops, st.enable_seq);
}

}  // namespace

std::string LifecycleRecord::describe() const {
  std::string s = fmt::format("{}: {} -> {}, state {} -> {}, enable_seq {} -> {}, {:.0f} ms", op,
                              ops_before.empty() ? "(none)" : ops_before,
                              ops_after.empty() ? "(none)" : ops_after, state_before, state_after,
                              enable_seq_before, enable_seq_after, took_ms);
  if (!confirmed) s += " NOT CONFIRMED: " + evidence;
  return s;
}

std::string SchedulerBinary::describe() const {
  std::string s = path.substr(path.rfind('/') + 1);
  for (const auto& a : args) s += " " + a;
  return s;
}

bool wait_for_sched_ext(const std::string& sysfs_root,
                        const std::function<bool(const SchedExtState&)>& done, uint64_t timeout_ns,
                        const std::function<std::string()>& give_up, SchedExtState& last,
                        std::string& why) {
  const uint64_t start = mono_ns();
  for (;;) {
    last = read_sched_ext_state(sysfs_root);
    if (done(last)) return true;
    if (give_up) {
      if (auto reason = give_up(); !reason.empty()) {
        why = std::move(reason);
        return false;
      }
    }
    if (mono_ns() - start >= timeout_ns) {
      why = fmt::format("not confirmed within {} ms", timeout_ns / 1'000'000);
      return false;
    }
    ::usleep(kPollUs);
  }
}

std::optional<SchedExtState> lifecycle_expected() {
  return expected_slot();
}

void set_lifecycle_expected(const SchedExtState& st) {
  expected_slot() = st;
}

void clear_lifecycle_expected() {
  expected_slot().reset();
}

Result<SchedulerControl> SchedulerControl::from_environment(std::string sysfs_root) {
  if (!read_sched_ext_state(sysfs_root).supported) {
    return environment_error(
        "sched_ext not available: run with --vm --kernel sched-ext --scheduler scx_NAME "
        "(this kernel has no /sys/kernel/sched_ext)");
  }
  const char* path = std::getenv(kEnvSchedulerPath);
  if (path == nullptr || *path == '\0') {
    return environment_error(
        "no sched_ext scheduler under test: scheduler lifecycle ops run with --vm --scheduler "
        "scx_NAME");
  }
  SchedulerBinary base{path, {}};
  if (const char* args = std::getenv(kEnvSchedulerArgs)) {
    auto j = nlohmann::json::parse(args, nullptr, false);
    if (j.is_array()) {
      for (const auto& a : j) {
        if (a.is_string()) base.args.push_back(a.get<std::string>());
      }
    }
  }
  const char* pid = std::getenv(kEnvSchedulerPid);
  const pid_t external = pid ? static_cast<pid_t>(std::strtol(pid, nullptr, 10)) : 0;
  return SchedulerControl(std::move(base), external, std::move(sysfs_root), "/tmp");
}

SchedulerControl::SchedulerControl(SchedulerBinary base, pid_t external_pid, std::string sysfs_root,
                                   std::string log_dir)
    : base_(std::move(base)),
      current_(base_),
      external_pid_(external_pid),
      sysfs_root_(std::move(sysfs_root)),
      log_dir_(std::move(log_dir)),
      attached_(read_sched_ext_state(sysfs_root_).enabled()) {}

Result<std::string> SchedulerControl::resolve_binary(const std::string& text) const {
  std::string path = text;
  if (text.empty()) {
    path = current_.path;
  } else if (text.find('/') == std::string::npos) {
    path = base_.path.substr(0, base_.path.rfind('/') + 1) + text;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) {
    return environment_error(
        fmt::format("replace_scheduler: no executable '{}' (a name means a fixture of the "
                    "kernel, copied next to the scheduler under test)",
                    path));
  }
  return path;
}

std::string SchedulerControl::log_tail() const {
  if (log_path_.empty()) return {};
  auto text = read_file(log_path_);
  if (!text) return {};
  auto s = summarize_scheduler_log(*text, 5);
  std::string out = s.exit_line.empty() ? "" : "; " + s.exit_line;
  for (const auto& l : s.tail) out += "; log: " + l;
  return out;
}

LifecycleRecord SchedulerControl::begin(const char* op) const {
  LifecycleRecord rec;
  rec.op = op;
  const auto st = read_sched_ext_state(sysfs_root_);
  rec.state_before = st.state;
  rec.ops_before = st.ops;
  rec.enable_seq_before = st.enable_seq;
  return rec;
}

void SchedulerControl::end(LifecycleRecord& rec, uint64_t start_ns) {
  rec.took_ms = ms_since(start_ns);
  const auto st = read_sched_ext_state(sysfs_root_);
  rec.state_after = st.state;
  rec.ops_after = st.ops;
  rec.enable_seq_after = st.enable_seq;
  rec.scheduler = attached_ ? current_.describe() : "";
  if (rec.confirmed) set_lifecycle_expected(st);
}

// Stops whatever is attached and waits for state "disabled". The guest
// init's scheduler is told first that the exit is ours (kHandoverPath).
bool SchedulerControl::stop_current(uint64_t timeout_ns, LifecycleRecord& rec) {
  const uint64_t start = mono_ns();
  if (external_pid_ > 0) {
    (void)write_file_atomic(kHandoverPath, fmt::format("{}\n", getpid()));
    ::kill(external_pid_, SIGINT);
    external_pid_ = 0;
  } else if (own_) {
    own_->stop(timeout_ns / 1'000'000);
    own_.reset();
  }
  attached_ = false;
  SchedExtState last;
  std::string why;
  const bool ok = wait_for_sched_ext(
      sysfs_root_, [](const SchedExtState& st) { return st.state == "disabled"; },
      remaining_ns(start, timeout_ns), {}, last, why);
  if (!ok) rec.evidence = fmt::format("detach {}: {}{}", why, describe_state(last), log_tail());
  return ok;
}

// Starts `b` and waits until sched_ext is enabled with a new enable_seq.
bool SchedulerControl::start(const SchedulerBinary& b, int64_t seq_before, uint64_t timeout_ns,
                             LifecycleRecord& rec) {
  log_path_ = fmt::format("{}/ktstr-scheduler-{}.log", log_dir_, ++starts_);
  auto p = SchedulerProcess::start(b.path, b.args, log_path_);
  if (!p) {
    rec.evidence = fmt::format("cannot start {}: {}", b.describe(), p.error().describe());
    return false;
  }
  own_ = std::move(*p);
  current_ = b;
  SchedExtState last;
  std::string why;
  const bool ok = wait_for_sched_ext(
      sysfs_root_,
      [&](const SchedExtState& st) {
        return st.enabled() && (seq_before < 0 || st.enable_seq > seq_before);
      },
      timeout_ns,
      [&]() -> std::string {
        if (own_->alive()) return {};
        return fmt::format("{} exited (status {}) before attaching", b.describe(),
                           own_->exit_status().value_or(-1));
      },
      last, why);
  if (!ok) {
    rec.evidence =
        fmt::format("attach {}: {}; {}{}", b.describe(), why, describe_state(last), log_tail());
    own_->stop();
    own_.reset();
  }
  attached_ = ok;
  return ok;
}

LifecycleRecord SchedulerControl::detach(uint64_t timeout_ns) {
  const uint64_t t0 = mono_ns();
  auto rec = begin("detach_scheduler");
  if (!attached_) {
    rec.evidence = "no scheduler is attached (an earlier op detached it); attach_scheduler first";
  } else {
    rec.confirmed = stop_current(timeout_ns, rec);
  }
  end(rec, t0);
  return rec;
}

LifecycleRecord SchedulerControl::attach(uint64_t timeout_ns) {
  const uint64_t t0 = mono_ns();
  auto rec = begin("attach_scheduler");
  if (attached_) {
    rec.evidence =
        fmt::format("{} is already attached; detach_scheduler first", current_.describe());
  } else {
    rec.confirmed = start(current_, rec.enable_seq_before, timeout_ns, rec);
  }
  end(rec, t0);
  return rec;
}

LifecycleRecord SchedulerControl::restart(uint64_t timeout_ns) {
  return replace(current_, timeout_ns);
}

LifecycleRecord SchedulerControl::replace(SchedulerBinary next, uint64_t timeout_ns) {
  const uint64_t t0 = mono_ns();
  const bool same = next.path == current_.path && next.args == current_.args;
  auto rec = begin(same ? "restart_scheduler" : "replace_scheduler");
  if (!attached_ || stop_current(timeout_ns, rec)) {
    rec.confirmed = start(next, rec.enable_seq_before, remaining_ns(t0, timeout_ns), rec);
  }
  end(rec, t0);
  return rec;
}

std::optional<LifecycleRecord> SchedulerControl::restore(uint64_t timeout_ns) {
  if (attached_ && current_.path == base_.path && current_.args == base_.args) return std::nullopt;
  auto rec = replace(base_, timeout_ns);
  rec.op = "restore_scheduler";
  return rec;
}

KTSTR_JSON_STRUCT(LifecycleRecord, op, scheduler, at_ms, took_ms, confirmed, state_before,
                  state_after, ops_before, ops_after, enable_seq_before, enable_seq_after, evidence)

}  // namespace ktstr::sched
