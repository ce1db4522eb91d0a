// `ktstr run --vm`: the same scenarios inside a test VM. The host resolves
// the selection (so bad names fail fast, exit 2), copies scenario files into
// the guest, runs `ktstr run ... --json -` there under the chosen kernel,
// topology and scheduler, then writes the result document with a `vm`
// section and renders the usual text.
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/run_options.hpp"
#include "cli/run_output.hpp"
#include "scenario/catalogue.hpp"
#include "util/duration.hpp"
#include "util/file_io.hpp"

namespace ktstr::cli {
namespace {

constexpr uint64_t kBootBudgetMs = 90'000;        // boot + scheduler attach under TCG
constexpr uint64_t kPerScenarioSlackMs = 15'000;  // setup, teardown, checks

// Guest argv for `run`, with file targets mapped to their copies.
std::vector<std::string> guest_argv(const RunOptions& o,
                                    std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> argv = {"run"};
  for (size_t i = 0; i < o.targets.size(); ++i) {
    const auto& t = o.targets[i];
    if (std::filesystem::is_regular_file(t)) {
      std::string guest =
          fmt::format("/ktstr-scenarios/{}-{}", i, std::filesystem::path(t).filename().string());
      files.emplace_back(std::filesystem::absolute(t).string(), guest);
      argv.push_back(guest);
    } else {
      argv.push_back(t);
    }
  }
  auto opt = [&](const char* flag, const std::string& v) {
    if (!v.empty()) {
      argv.push_back(flag);
      argv.push_back(v);
    }
  };
  opt("--duration", o.duration);
  if (o.workers) opt("--workers", std::to_string(*o.workers));
  opt("--filter", o.filter);
  opt("--repeat", std::to_string(o.repeat));
  for (const auto& c : o.checks) opt("--check", c);
  if (o.seed != 0) opt("--seed", std::to_string(o.seed));
  if (o.keep_reports()) argv.push_back("--raw");
  if (o.keep_going) argv.push_back("--keep-going");
  if (o.strict) argv.push_back("--strict");
  argv.push_back("--json");
  argv.push_back("-");
  return argv;
}

Result<uint64_t> planned_ms(const RunOptions& o) {
  auto selected = scenario::select_scenarios(o.targets, o.filter);
  if (!selected) return unexpected(selected.error());
  uint64_t override_ns = 0;
  if (!o.duration.empty()) {
    auto ns = parse_duration_ns(o.duration);
    if (!ns) return unexpected(with_context(ns.error(), "--duration"));
    override_ns = *ns;
  }
  uint64_t total_ms = kBootBudgetMs;
  for (const auto& s : *selected) {
    uint64_t ns = override_ns != 0 ? override_ns : s.duration_ns;
    total_ms += o.repeat * (ns / 1'000'000 + kPerScenarioSlackMs);
  }
  return total_ms;
}

nlohmann::json vm_section(const vm::VmResult& r) {
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
          {"scheduler", r.document.is_object() && r.document.contains("scheduler")
                            ? r.document["scheduler"]
                            : nlohmann::json(nullptr)}};
}

}  // namespace

int run_scenarios_in_vm(const RunOptions& o) {
  if (o.dry_run) {
    return report_error(invalid_input("--dry-run lists host scenarios; drop --vm").value);
  }
  auto req = vm_request_from_flags(o.vm);
  if (!req) return report_error(req.error());
  auto budget = planned_ms(o);
  if (!budget) return report_error(budget.error());
  if (req->timeout_ms == 0) req->timeout_ms = *budget;
  req->argv = guest_argv(o, req->extra_files);
  auto r = vm::run_in_vm(*req);
  if (!r) return report_error(r.error());
  fmt::print(stderr, "ktstr: {}\n", vm::describe_vm_run(*r));
  if (!r->output.is_object() || !r->output.contains("scenarios")) {
    // No result document from the guest: the VM or the scheduler failed
    // before the scenarios could report; say why (console tail, log path).
    return report_vm_result(*r);
  }
  nlohmann::json doc = r->output;
  doc["vm"] = vm_section(*r);
  int code = doc.value("exit_code", 1);
  if (r->verdict != vm::GuestVerdict::kPass) {
    // The guest init saw the scheduler fail (stall, error exit, death) or
    // the VM misbehave: the run fails even if the scenarios' own checks did not.
    doc["verdict"] = "fail";
    code = report_vm_result(*r);
    if (code == 0) code = kExitFail;
    doc["exit_code"] = code;
  }
  auto parsed = scenario::parse_run_result(doc.dump());
  if (parsed) {
    if (auto st = report::write_outputs(*parsed, o.outputs); !st) return report_error(st.error());
  }
  if (!o.raw && doc.contains("scenarios")) {
    for (auto& sc : doc["scenarios"]) sc.erase("reports");
  }
  if (!o.json.empty()) {
    const std::string text = doc.dump(2) + "\n";
    if (o.json == "-") {
      fmt::print("{}", text);
    } else if (auto st = write_file_atomic(o.json, text); !st) {
      return report_error(st.error());
    }
  }
  if (o.json != "-" && parsed) fmt::print("{}", render_run_text(*parsed));
  return code;
}

}  // namespace ktstr::cli
