#include "vm/guest_init.hpp"

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>

#include "sched/health.hpp"
#include "sched/lifecycle.hpp"
#include "sched/scheduler.hpp"
#include "util/file_io.hpp"
#include "vm/guest_command.hpp"
#include "vm/guest_system.hpp"
#include "vm/guest_topology.hpp"
#include "vm/guest_verdict.hpp"
#include "vm/run_request.hpp"

namespace ktstr::vm {
namespace {

constexpr const char* kSchedulerLog = "/tmp/scheduler.log";

struct Verdict {
  GuestVerdict verdict = GuestVerdict::kPass;
  std::string reason;
  void error(const std::string& why) {
    if (verdict != GuestVerdict::kError) verdict = GuestVerdict::kError, reason = why;
  }
  void fail(const std::string& why) {
    if (verdict == GuestVerdict::kPass) verdict = GuestVerdict::kFail, reason = why;
  }
};

nlohmann::json parse_output(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) return j;
  return text;
}

// Topology check; false (and an error verdict) on mismatch.
bool check_topology(const RunRequest& req, nlohmann::json& guest, Verdict& v) {
  auto seen = read_seen_topology("/sys");
  if (!seen) {
    v.error("cannot read the guest topology: " + seen.error().describe());
    return false;
  }
  guest["topology"] = to_json(*seen);
  guest["topology_requested"] = req.topology;
  if (req.topology.empty()) return true;
  auto want = parse_vm_topology(req.topology);
  if (!want) {
    v.error(want.error().describe());
    return false;
  }
  std::string diff = topology_mismatch(*want, *seen);
  guest["topology_ok"] = diff.empty();
  if (!diff.empty()) {
    v.error(fmt::format("guest topology does not match {}: {}", req.topology, diff));
    return false;
  }
  return true;
}

guest::CommandOutcome run_command_phase(const RunRequest& req, sched::SchedulerProcess* proc,
                                        sched::HealthWatch* watch, nlohmann::json& doc) {
  auto out = guest::run_watched(req, proc, watch);
  doc["exit_code"] = out.exit_code;
  doc["output"] = parse_output(out.stdout_text);
  doc["stderr_tail"] = out.stderr_tail;
  doc["command_timed_out"] = out.timed_out;
  return out;
}

// Verdict order: cannot start > scheduler failure > timeout > exit status.
void judge(const guest::CommandOutcome& out, const sched::SchedulerHealth* health, Verdict& v) {
  if (!out.started) {
    v.error("cannot start the command: " + out.start_error);
  } else if (health && !health->healthy()) {
    v.fail(health->exit_reason);
  } else if (out.timed_out) {
    v.fail("command timed out in the guest");
  } else if (out.exit_code != 0) {
    v.fail(fmt::format("command exited with status {}", out.exit_code));
  }
}

void run_request(const RunRequest& req, nlohmann::json& doc, Verdict& v) {
  if (!check_topology(req, doc["guest"], v)) return;
  if (req.scheduler_path.empty()) {
    doc["scheduler"] = {{"name", req.scheduler_name.empty() ? "eevdf" : req.scheduler_name},
                        {"sched_ext", false}};
    judge(run_command_phase(req, nullptr, nullptr, doc), nullptr, v);
    return;
  }
  sched::HealthWatch watch("/sys", "/dev/kmsg");
  watch.health().name = req.scheduler_name;
  auto proc = sched::SchedulerProcess::start(req.scheduler_path, req.scheduler_args, kSchedulerLog);
  if (!proc) {
    v.error("cannot start the scheduler: " + proc.error().describe());
    return;
  }
  if (!watch.wait_attached(*proc, req.attach_timeout_ms)) {
    proc->wait_exit(500);
    watch.finish(kSchedulerLog);
    doc["scheduler"] = sched::to_watch_json(watch.health());
    v.error(watch.health().exit_reason);
    return;
  }
  // For scenario lifecycle ops (sched/lifecycle.hpp) in the command.
  ::setenv(sched::kEnvSchedulerPath, req.scheduler_path.c_str(), 1);
  ::setenv(sched::kEnvSchedulerArgs, nlohmann::json(req.scheduler_args).dump().c_str(), 1);
  ::setenv(sched::kEnvSchedulerPid, std::to_string(proc->pid()).c_str(), 1);
  auto out = run_command_phase(req, &*proc, &watch, doc);
  if (!watch.health().healthy()) proc->wait_exit(req.failure_grace_ms);
  watch.stop(*proc);
  watch.finish(kSchedulerLog);
  doc["scheduler"] = sched::to_watch_json(watch.health());
  judge(out, &watch.health(), v);
}

}  // namespace

int guest_init_main(int /*argc*/, char** /*argv*/) {
  uint64_t boot_ms = 0;
  auto mount_errors = guest::mount_filesystems();
  boot_ms = guest::uptime_ms();
  int result_fd = guest::open_result_channel();
  guest::install_crash_report(result_fd);
  ::setenv("KTSTR_GUEST_INIT", "1", 1);
  ::setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
  ::setenv("HOME", "/root", 1);
  (void)write_file("/proc/sys/kernel/sched_schedstats", "1");

  nlohmann::json doc = {{"schema", 1}, {"exit_code", -1}, {"output", nullptr}};
  doc["guest"] = {{"kernel_release", guest::kernel_release()},
                  {"boot_ms", boot_ms},
                  {"mount_errors", mount_errors}};
  Verdict v;
  try {
    auto text = read_file(kRequestPath);
    auto req = text ? parse_run_request(*text) : Result<RunRequest>(unexpected(text.error()));
    if (!req) {
      v.error("bad run request: " + req.error().describe());
    } else {
      run_request(*req, doc, v);
    }
  } catch (const std::exception& e) {
    v.error(fmt::format("guest init failed: {}", e.what()));
  }
  doc["verdict"] = v.verdict;
  doc["reason"] = v.reason;
  doc["guest"]["init_ms"] = guest::uptime_ms() - boot_ms;
  guest::write_result(result_fd,
                      doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  guest::power_off();
}

}  // namespace ktstr::vm
