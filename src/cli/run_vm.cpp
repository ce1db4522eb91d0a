// `ktstr run --vm`: the same scenarios inside a test VM. The host resolves
// the selection (so bad names fail fast, exit 2), copies scenario files into
// the guest, runs `ktstr run ... --json -` there under the chosen kernel,
// topology and scheduler, then writes the result document with a `vm`
// section and renders the usual text.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/run_options.hpp"
#include "report/run_document.hpp"
#include "scenario/catalogue.hpp"
#include "util/duration.hpp"
#include "vm/guest_run_argv.hpp"
#include "vm/vm_outcome.hpp"

namespace ktstr::cli {
namespace {

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
  req->argv = vm::guest_run_argv({o.targets, o.duration, o.workers, o.filter, o.repeat, o.checks,
                                  o.seed, o.keep_reports(), o.keep_going, o.strict},
                                 req->extra_files);
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
