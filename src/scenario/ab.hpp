// `ktstr ab`: two configurations run in one invocation, interleaved
// A B B A A B B A ... so that drift of the machine (caches, frequency, other
// tenants) falls on both sides alike; docs/reports.md "ktstr ab".
//
// A round is one run of each side; rounds alternate their order (AB, BA,
// AB, ...). Every slot runs each selected scenario once, on the host (the
// run loop) or in a fresh VM (`--vm`: each side may have its own kernel,
// scheduler and scheduler arguments). The slots of a side are merged into
// one run document whose scenarios carry the round as their repeat index;
// report/ compares the two documents.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "scenario/result.hpp"
#include "scenario/run_flags.hpp"
#include "scenario/run_loop.hpp"
#include "util/result.hpp"
#include "vm/vm_flags.hpp"

namespace ktstr::scenario {

// What one side changes on top of the shared flags.
struct AbSide {
  // `ktstr run` engine flags as one string ("--workers 4 --check x=1"):
  // --workers, --duration, --check, --seed.
  std::string run_args;
  // VM mode: "" keeps the shared --scheduler / --kernel / --sched-arg.
  std::string scheduler;
  std::vector<std::string> sched_args;
  std::string kernel;
};

struct AbOptions {
  RunFlags run;    // scenarios, --filter, shared engine flags (repeat unused)
  vm::VmFlags vm;  // shared VM flags; vm.vm selects VM mode
  AbSide a, b;
  bool aa = false;     // A/A calibration: side A's configuration on both sides
  size_t rounds = 6;   // runs per side
  bool force = false;  // run even when the sides' scenario definitions differ
  // Host mode: passed to the run loop of every slot (progress, done lines).
  std::function<void(const Progress&, size_t index, size_t total)> progress;
  std::function<void(const ScenarioResult&, size_t index, size_t total)> done;
  // Before each slot: "round 2/6: B".
  std::function<void(const std::string& what)> slot_started;
};

// The slot order for `rounds` rounds: "ABBAAB..." (2 * rounds letters).
std::string ab_schedule(size_t rounds);

// Parses one side's --a/--b string onto `base` (later flags win); errors
// name the flag and the side.
Result<EngineSettings> side_engine(const EngineSettings& base, const std::string& args,
                                   const std::string& side);

// One slot as it ran, in schedule order: which side, which round, and what
// the run saw (VM mode: the guest's kernel and scheduler).
struct AbSlot {
  char side = 'A';
  size_t round = 0;        // 0-based
  std::string started_at;  // UTC, ISO 8601, the host's clock when the slot began
  double duration_ms = 0;
  std::string kernel;     // host.kernel of the slot's document
  std::string scheduler;  // host.scheduler ("eevdf", "sched_ext:simple")
};

struct AbRun {
  std::string schedule;          // "ABBAABBA"
  std::vector<AbSlot> slots;     // the slots that ran, in order
  std::string a_label, b_label;  // what each side ran, for the report
  RunResult a, b;                // merged slots
  nlohmann::json a_doc, b_doc;   // the documents (VM: with the `vm` section of the first slot)
  bool interrupted = false;
};

// Validates both sides (flags, selection, equal scenario definitions unless
// force) before running anything, then runs the schedule. Errors: invalid
// input (exit 2), environment (no cgroups; VM could not start: exit 3).
// An interrupted run returns what was collected with `interrupted` set.
Result<AbRun> run_ab(const AbOptions& o);

}  // namespace ktstr::scenario
