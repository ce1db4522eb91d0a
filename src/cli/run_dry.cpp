// `ktstr run --dry-run [--vm]`: the whole validation without running
// anything. Lists the selection (with why a scenario would skip here) on
// stdout and every problem on stderr; exit 2 when there is any.
#include "cli/command.hpp"
#include "cli/run_options.hpp"
#include "scenario/preflight.hpp"

namespace ktstr::cli {

int dry_run(const RunOptions& o) {
  auto d = scenario::dry_run(o.run, o.vm.vm ? o.vm.topology : std::string());
  if (o.vm.vm) {
    if (auto req = vm::vm_request_from_flags(o.vm); !req) d.problems.push_back(req.error());
  }
  bool skips = false;
  for (size_t i = 0; i < d.selected.size(); ++i) {
    const auto& s = d.selected[i];
    const auto& why = d.skip_reasons[i];
    skips = skips || !why.empty();
    fmt::print("{}\t{}\t{}{}\n", s.name, s.category, s.source,
               why.empty() ? "" : "\tskips: " + why);
  }
  int count = 0;
  for (const auto& e : d.problems) {
    fmt::print(stderr, "ktstr: error: {}\n", e.describe());
    count += e.problems;
  }
  if (!d.problems.empty()) {
    fmt::print(stderr, "ktstr: dry run found {} problem(s); nothing was run\n", count);
    return kExitInvalid;
  }
  return skips && o.run.strict ? kExitEnvironment : kExitPass;
}

}  // namespace ktstr::cli
