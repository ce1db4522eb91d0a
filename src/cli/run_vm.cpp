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
#include "scenario/fingerprint_vm.hpp"
#include "scenario/preflight.hpp"
#include "scenario/result.hpp"
#include "scenario/run_flags.hpp"
#include "vm/vm_outcome.hpp"

namespace ktstr::cli {

int run_scenarios_in_vm(const RunOptions& o) {
  auto req = scenario::vm_run_request(o.vm, o.run, o.keep_reports());
  if (!req) return report_error(req.error());
  if (auto st = scenario::preflight_for_vm(o.run, o.vm.topology); !st) {
    return report_error(st.error());
  }
  auto r = vm::run_in_vm(*req);
  if (!r) return report_error(r.error());
  fmt::print(stderr, "ktstr: {}\n", vm::describe_vm_run(*r));
  if (!r->output.is_object() || !r->output.contains("scenarios")) {
    // No result document from the guest: the VM or the scheduler failed
    // before the scenarios could report; say why (console tail, log path).
    return report_vm_result(*r);
  }
  auto guest = vm::guest_run_document(*r);
  scenario::add_vm_fingerprint(guest.doc, o.vm, r->kernel);
  fmt::print(stderr, "{}", guest.text);
  auto parsed = scenario::parse_run_result(guest.doc.dump());
  auto text = report::emit_run(parsed ? &*parsed : nullptr, std::move(guest.doc), o.emit());
  if (!text) return report_error(text.error());
  print_run_text(*text, o);
  return guest.exit_code;
}

}  // namespace ktstr::cli
