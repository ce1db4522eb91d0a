#include "cli/vm_flags.hpp"

#include "cli/command.hpp"
#include "util/duration.hpp"
#include "vm/vm_argv.hpp"

namespace ktstr::cli {
namespace {

std::vector<std::string>& args_storage() {
  static std::vector<std::string> args;
  return args;
}

void print_output(const nlohmann::json& output) {
  if (output.is_null()) return;
  if (output.is_string()) {
    fmt::print("{}", output.get<std::string>());
  } else {
    fmt::print("{}\n", output.dump(2));
  }
  std::fflush(stdout);
}

}  // namespace

void set_process_args(int argc, char** argv) {
  args_storage().assign(argv, argv + argc);
}

const std::vector<std::string>& process_args() {
  return args_storage();
}

void add_vm_flags(CLI::App* cmd, VmFlags& f, bool with_vm_switch) {
  if (with_vm_switch) {
    cmd->add_flag("--vm", f.vm, "Run this command inside a test VM (QEMU)");
  }
  cmd->add_option("--kernel", f.kernel, "VM kernel: auto, sched-ext, debian, a cache key or a path")
      ->envname("KTSTR_KERNEL");
  cmd->add_option("--topology", f.topology, "VM topology NnLlCcTt, e.g. 1n2l4c2t")
      ->envname("KTSTR_TOPOLOGY");
  cmd->add_option("--scheduler", f.scheduler,
                  "eevdf, a fixture (scx_simple, scx_qmap, scx_central, scx_flatcg) or a path")
      ->envname("KTSTR_SCHEDULER");
  cmd->add_option("--sched-arg", f.sched_args, "Scheduler argument, one per flag (repeat)")
      ->type_size(1)
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--accel", f.accel, "auto, kvm or tcg")->envname("KTSTR_ACCEL");
  cmd->add_option("--vm-timeout", f.timeout, "Wall-clock limit for the VM (e.g. 5m)");
  cmd->add_option("--vm-log-dir", f.log_dir, "Keep the VM console log here");
}

Result<vm::VmRequest> vm_request_from_flags(const VmFlags& f) {
  vm::VmRequest req;
  req.kernel = f.kernel;
  req.topology = f.topology;
  req.scheduler = f.scheduler;
  req.scheduler_args = f.sched_args;
  auto accel = vm::parse_accel(f.accel);
  if (!accel) return unexpected(accel.error());
  req.accel = *accel;
  if (!f.timeout.empty()) {
    auto ns = parse_duration_ns(f.timeout);
    if (!ns) return unexpected(with_context(ns.error(), "--vm-timeout"));
    req.timeout_ms = *ns / 1000000ULL;
  }
  req.log_dir = f.log_dir;
  return req;
}

int report_vm_result(const vm::VmResult& r) {
  fmt::print(stderr, "ktstr: {}\n", vm::describe_vm_run(r));
  if (r.document.is_object() && r.document.contains("stderr_tail")) {
    for (const auto& line : r.document["stderr_tail"]) {
      if (line.is_string()) fmt::print(stderr, "guest: {}\n", line.get<std::string>());
    }
  }
  if (r.interrupted_by) {
    fmt::print(stderr, "ktstr: {}\n", r.reason);
    return kExitInterrupted;
  }
  if (r.verdict == vm::GuestVerdict::kPass) return r.exit_code;
  fmt::print(stderr, "ktstr: VM run {}: {}\n", vm::to_string(r.verdict), r.reason);
  if (r.document.is_object() && r.document.contains("scheduler")) {
    const auto& s = r.document["scheduler"];
    for (const char* key : {"stall_line", "exit_line", "disable_line"}) {
      if (s.contains(key) && s[key].is_string() && !s[key].get<std::string>().empty()) {
        fmt::print(stderr, "  {}: {}\n", key, s[key].get<std::string>());
      }
    }
  }
  if (!r.document.is_object() && !r.console_tail.empty()) {
    fmt::print(stderr, "ktstr: last console lines:\n");
    for (const auto& l : r.console_tail) fmt::print(stderr, "  | {}\n", l);
  }
  if (!r.console_log.empty()) fmt::print(stderr, "ktstr: console log: {}\n", r.console_log);
  if (r.verdict == vm::GuestVerdict::kError) return r.timed_out ? kExitFail : kExitEnvironment;
  bool sched_failed = false;
  if (r.document.is_object() && r.document.contains("scheduler")) {
    sched_failed = !r.document["scheduler"].value("failure", "").empty();
  }
  if (!sched_failed && r.exit_code > 0) return r.exit_code;
  return kExitFail;
}

int run_in_vm_and_print(const VmFlags& flags) {
  auto req = vm_request_from_flags(flags);
  if (!req) return report_error(req.error());
  const auto& all = process_args();
  std::vector<std::string> rest(all.size() > 1 ? all.begin() + 1 : all.end(), all.end());
  req->argv = vm::strip_vm_flags(rest);
  auto r = vm::run_in_vm(*req);
  if (!r) return report_error(r.error());
  print_output(r->output);
  return report_vm_result(*r);
}

}  // namespace ktstr::cli
