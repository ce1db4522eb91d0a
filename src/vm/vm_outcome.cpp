#include "vm/vm_outcome.hpp"

#include <fmt/format.h>

#include "sched/noise.hpp"
#include "util/exit_codes.hpp"
#include "util/json_struct.hpp"

namespace ktstr::vm {
namespace {

constexpr uint64_t kBootBudgetMs = 90'000;        // boot + scheduler attach under TCG
constexpr uint64_t kPerScenarioSlackMs = 15'000;  // setup, teardown, checks

}  // namespace

VmOutcome vm_outcome(const VmResult& r) {
  std::string out = fmt::format("ktstr: {}\n", describe_vm_run(r));
  if (r.document.is_object() && r.document.contains("stderr_tail")) {
    for (const auto& line : r.document["stderr_tail"]) {
      if (line.is_string()) out += fmt::format("guest: {}\n", line.get<std::string>());
    }
  }
  if (r.interrupted_by) {
    out += fmt::format("ktstr: {}\n", r.reason);
    return {kExitInterrupted, out};
  }
  if (r.verdict == GuestVerdict::kPass) return {r.exit_code, out};
  out += fmt::format("ktstr: VM run {}: {}\n", to_string(r.verdict), r.reason);
  if (r.document.is_object() && r.document.contains("scheduler")) {
    const auto& s = r.document["scheduler"];
    for (const char* key : {"stall_line", "exit_line", "disable_line"}) {
      if (s.contains(key) && s[key].is_string() && !s[key].get<std::string>().empty()) {
        out += fmt::format("  {}: {}\n", key, s[key].get<std::string>());
      }
    }
  }
  if (!r.document.is_object() && !r.console_tail.empty()) {
    out += "ktstr: last console lines:\n";
    for (const auto& l : r.console_tail) out += fmt::format("  | {}\n", l);
  }
  if (!r.console_log.empty()) out += fmt::format("ktstr: console log: {}\n", r.console_log);
  if (r.verdict == GuestVerdict::kError) return {r.timed_out ? kExitFail : kExitEnvironment, out};
  bool sched_failed = false;
  if (r.document.is_object() && r.document.contains("scheduler")) {
    sched_failed = !r.document["scheduler"].value("failure", "").empty();
  }
  if (!sched_failed && r.exit_code > 0) return {r.exit_code, out};
  return {kExitFail, out};
}

nlohmann::json vm_section(const VmResult& r) {
  return {{"kernel", r.kernel.release.empty() ? r.kernel.boot_image : r.kernel.release},
          {"kernel_kind", r.kernel.kind},
          {"accel", r.accel},
          {"accel_reason", r.accel_reason},
          {"topology", r.topology},
          {"boot_ms", r.timings.launch_to_init_ms},
          {"total_ms", r.timings.total_ms},
          {"verdict", r.verdict},
          {"reason", r.reason},
          {"console_log", r.console_log},
          {"hang_evidence", r.hang_evidence},
          {"vcpu_dilation", r.vcpu_dilation},
          {"scheduler", r.document.is_object() && r.document.contains("scheduler")
                            ? r.document["scheduler"]
                            : nlohmann::json(nullptr)}};
}

std::string guest_output_text(const nlohmann::json& output) {
  if (output.is_null()) return {};
  if (output.is_string()) return output.get<std::string>();
  return output.dump(2) + "\n";
}

GuestRunDocument guest_run_document(const VmResult& r) {
  GuestRunDocument g;
  g.doc = r.output;
  g.doc["vm"] = vm_section(r);
  if (r.vcpu_dilation && g.doc.is_object()) {
    // The run's noise as the guest measured it, plus the host's view of its vCPUs.
    auto noise = g.doc.value("noise", nlohmann::json::object()).get<sched::NoiseReport>();
    noise.vcpu_dilation = r.vcpu_dilation;
    sched::classify_noise(noise);
    g.doc["noise"] = noise;
  }
  g.exit_code = g.doc.value("exit_code", 1);
  if (r.verdict != GuestVerdict::kPass) {
    g.doc["verdict"] = "fail";
    auto outcome = vm_outcome(r);
    g.text = std::move(outcome.text);
    g.exit_code = outcome.exit_code == 0 ? kExitFail : outcome.exit_code;
    g.doc["exit_code"] = g.exit_code;
  }
  return g;
}

uint64_t run_timeout_budget_ms(const std::vector<uint64_t>& durations_ns, size_t repeat) {
  uint64_t total_ms = kBootBudgetMs;
  for (uint64_t ns : durations_ns) total_ms += repeat * (ns / 1'000'000 + kPerScenarioSlackMs);
  return total_ms;
}

}  // namespace ktstr::vm
