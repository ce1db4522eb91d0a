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
#include "report/run_document.hpp"
#include "scenario/catalogue.hpp"
#include "util/duration.hpp"
#include "vm/vm_outcome.hpp"

namespace ktstr::cli {
namespace {

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
  std::vector<uint64_t> durations_ns;
  for (const auto& s : *selected)
    durations_ns.push_back(override_ns != 0 ? override_ns : s.duration_ns);
  return vm::run_timeout_budget_ms(durations_ns, o.repeat);
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
  auto guest = vm::guest_run_document(*r);
  fmt::print(stderr, "{}", guest.text);
  auto parsed = scenario::parse_run_result(guest.doc.dump());
  auto text = report::emit_run(parsed ? &*parsed : nullptr, std::move(guest.doc), o.emit());
  if (!text) return report_error(text.error());
  fmt::print("{}", *text);
  return guest.exit_code;
}

}  // namespace ktstr::cli
