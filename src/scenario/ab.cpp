#include "scenario/ab.hpp"

#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "scenario/fingerprint.hpp"
#include "scenario/fingerprint_vm.hpp"
#include "scenario/interrupt.hpp"
#include "vm/kernel_store.hpp"
#include "vm/vm_outcome.hpp"

namespace ktstr::scenario {

std::string ab_schedule(size_t rounds) {
  std::string s;
  for (size_t r = 0; r < rounds; ++r) s += r % 2 == 0 ? "AB" : "BA";
  return s;
}

Result<EngineSettings> side_engine(const EngineSettings& base, const std::string& args,
                                   const std::string& side) {
  EngineSettings e = base;
  std::istringstream in(args);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  const std::string flag = "--" + side;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string name = words[i], value;
    if (const auto eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < words.size()) {
      value = words[++i];
    } else {
      return invalid_input(fmt::format("'{}' needs a value", name), flag);
    }
    try {
      if (name == "--workers") {
        e.workers = std::stoul(value);
      } else if (name == "--duration") {
        e.duration = value;
      } else if (name == "--check") {
        e.checks.push_back(value);
      } else if (name == "--seed") {
        e.seed = std::stoull(value);
      } else {
        return invalid_input(
            fmt::format("'{}' is not a per-side flag (use --workers, --duration, --check, --seed)",
                        name),
            flag);
      }
    } catch (const std::exception&) {
      return invalid_input(fmt::format("{} '{}' is not a number", name, value), flag);
    }
  }
  return e;
}

namespace {

struct Side {
  std::string letter;
  RunFlags flags;       // targets, filter, this side's engine settings
  RunLoopOptions loop;  // host mode
  vm::VmFlags vm;       // VM mode
  std::string label;
};

std::string describe_side(const AbSide& s, const vm::VmFlags& vm_flags, bool vm_mode) {
  std::vector<std::string> parts;
  if (vm_mode) {
    parts.push_back("scheduler " + vm_flags.scheduler);
    for (const auto& a : vm_flags.sched_args) parts.push_back("--sched-arg " + a);
    parts.push_back("kernel " + vm_flags.kernel);
  }
  if (!s.run_args.empty()) parts.push_back(s.run_args);
  return parts.empty() ? "shared flags" : fmt::format("{}", fmt::join(parts, ", "));
}

Result<Side> make_side(const AbOptions& o, const AbSide& s, const std::string& letter) {
  Side side{letter, o.run, {}, o.vm, {}};
  auto engine = side_engine(o.run.engine, s.run_args, letter == "A" ? "a" : "b");
  if (!engine) return unexpected(engine.error());
  side.flags.engine = *engine;
  side.flags.repeat = 1;
  side.flags.keep_going = true;  // every scenario of every slot is a sample
  auto loop = loop_options_from_flags(side.flags, false);
  if (!loop) return unexpected(loop.error());
  side.loop = std::move(*loop);
  side.loop.progress = o.progress;
  side.loop.done = o.done;
  if (!s.scheduler.empty()) side.vm.scheduler = s.scheduler;
  if (!s.sched_args.empty()) side.vm.sched_args = s.sched_args;
  if (!s.kernel.empty()) side.vm.kernel = s.kernel;
  side.label = describe_side(s, side.vm, o.vm.vm);
  return side;
}

Status check_sides(const AbOptions& o) {
  const bool b_set = !o.b.run_args.empty() || !o.b.scheduler.empty() || !o.b.kernel.empty() ||
                     !o.b.sched_args.empty();
  if (o.aa && b_set) {
    return invalid_input("--aa runs side A's configuration on both sides; drop the --b* flags",
                         "--aa");
  }
  if (!o.vm.vm) {
    for (const AbSide* s : {&o.a, &o.b}) {
      if (!s->kernel.empty()) {
        return invalid_input("a per-side kernel needs --vm (the host runs one kernel)",
                             "--a-kernel");
      }
      if (!s->scheduler.empty() || !s->sched_args.empty()) {
        return invalid_input(
            "per-side schedulers on the host are not yet supported: use --vm (each slot boots "
            "its side's scheduler), or run one side's scheduler yourself and compare two `ktstr "
            "run --repeat` documents",
            "--a-scheduler");
      }
    }
  }
  if (o.rounds < 1) return invalid_input("--rounds must be >= 1", "--rounds");
  return {};
}

// Same scenario, different definition (a per-side --duration or --check):
// refused before anything runs, as compare would refuse afterwards.
Status check_definitions(const std::vector<Scenario>& selected, const Side& a, const Side& b) {
  std::vector<std::string> differ;
  for (const auto& s : selected) {
    if (definition_hash(s, {a.loop.engine.duration_ns, a.loop.engine.cli_checks}) !=
        definition_hash(s, {b.loop.engine.duration_ns, b.loop.engine.cli_checks})) {
      differ.push_back(s.name);
    }
  }
  if (differ.empty()) return {};
  return invalid_input(
      fmt::format("the sides run different scenario definitions ({}): a per-side --duration or "
                  "--check changes what is measured; --force runs them anyway",
                  fmt::join(differ, ", ")));
}

// Appends a slot's scenarios to its side, the round as their repeat.
void merge_slot(RunResult& side, nlohmann::json& doc, RunResult slot, nlohmann::json slot_doc,
                size_t round) {
  if (side.started_at.empty()) {
    side = slot;
    side.scenarios.clear();
    doc = std::move(slot_doc);
    side.duration_ms = 0;
  }
  side.duration_ms += slot.duration_ms;
  side.interrupted = side.interrupted || slot.interrupted;
  side.verdict = check::worst(side.verdict, slot.verdict);
  for (auto& s : slot.scenarios) {
    s.repeat = round;
    side.scenarios.push_back(std::move(s));
  }
}

Result<std::pair<RunResult, nlohmann::json>> run_slot_in_vm(const Side& side) {
  auto req = vm_run_request(side.vm, side.flags, false);
  if (!req) return unexpected(req.error());
  auto r = vm::run_in_vm(*req);
  if (!r) return unexpected(r.error());
  if (!r->output.is_object() || !r->output.contains("scenarios")) {
    return environment_error(fmt::format("side {} ({}): the VM returned no result document: {}",
                                         side.letter, side.label, vm::vm_outcome(*r).text));
  }
  auto guest = vm::guest_run_document(*r);
  add_vm_fingerprint(guest.doc, side.vm, r->kernel);
  auto parsed = parse_run_result(guest.doc.dump());
  if (!parsed) return unexpected(parsed.error());
  return std::pair{std::move(*parsed), std::move(guest.doc)};
}

}  // namespace

Result<AbRun> run_ab(const AbOptions& o) {
  KTSTR_TRY(check_sides(o));
  auto a = make_side(o, o.a, "A");
  if (!a) return unexpected(a.error());
  auto b = make_side(o, o.aa ? o.a : o.b, "B");
  if (!b) return unexpected(b.error());
  auto selected = select_for_run(o.run);
  if (!selected) return unexpected(selected.error());
  if (!o.force) KTSTR_TRY(check_definitions(*selected, *a, *b));
  if (!o.vm.vm) KTSTR_TRY(check_run_environment(*selected));
  AbRun out;
  out.schedule = ab_schedule(o.rounds);
  out.a_label = a->label + (o.aa ? ", A/A" : "");
  out.b_label = b->label + (o.aa ? ", A/A" : "");
  for (size_t slot = 0; slot < out.schedule.size() && !out.interrupted; ++slot) {
    const bool is_a = out.schedule[slot] == 'A';
    const Side& side = is_a ? *a : *b;
    const size_t round = slot / 2;
    if (o.slot_started) {
      o.slot_started(
          fmt::format("round {}/{}: {} ({})", round + 1, o.rounds, side.letter, side.label));
    }
    // The host's clock: a guest's wall clock is its own.
    const std::string started_at = vm::utc_now_iso();
    RunResult run;
    nlohmann::json doc;
    if (o.vm.vm) {
      auto r = run_slot_in_vm(side);
      if (!r) return unexpected(r.error());
      run = std::move(r->first);
      doc = std::move(r->second);
    } else {
      run = run_scenarios(*selected, side.loop);
      doc = run;
    }
    out.interrupted = run.interrupted || interrupted();
    out.slots.push_back(
        {side.letter[0], round, started_at, run.duration_ms, run.host.kernel, run.host.scheduler});
    merge_slot(is_a ? out.a : out.b, is_a ? out.a_doc : out.b_doc, std::move(run), std::move(doc),
               round);
  }
  for (auto* side : {&out.a, &out.b}) side->exit_code = run_exit_code(*side, false);
  // The documents carry the merged scenarios (VM: plus the first slot's `vm`).
  for (auto [run, doc] : {std::pair{&out.a, &out.a_doc}, std::pair{&out.b, &out.b_doc}}) {
    nlohmann::json merged = *run;
    if (doc->is_object() && doc->contains("vm")) merged["vm"] = (*doc)["vm"];
    *doc = std::move(merged);
  }
  return out;
}

}  // namespace ktstr::scenario
