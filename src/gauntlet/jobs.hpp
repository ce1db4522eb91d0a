// The gauntlet's job list: every scenario x preset x scheduler x kernel
// (in that nesting order, so the list is the same on every machine), minus
// the cells whose preset cannot meet a scenario's requirements, each with an
// estimated cost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gauntlet/cost.hpp"
#include "scenario/model.hpp"
#include "topology/presets.hpp"

namespace ktstr::gauntlet {

struct Job {
  std::string scenario;
  std::string target;  // what `ktstr run` takes for it: the name, or the file it came from
  std::string preset;
  std::string scheduler;
  std::string kernel;
  int cpus = 0;              // the preset's vCPUs
  uint64_t duration_ms = 0;  // the scenario's planned duration (or --duration)
  uint64_t estimate_ms = 0;  // CostModel::estimate_ms

  // "scenario@preset/scheduler/kernel": unique within a job list.
  std::string id() const;
};

// A scenario x preset cell left out, for every scheduler and kernel.
struct SkippedCell {
  std::string scenario;
  std::string preset;
  std::string reason;  // the unmet requirement, as requirements.cpp words it
};

struct JobAxes {
  std::vector<scenario::Scenario> scenarios;
  std::vector<topo::Preset> presets;
  std::vector<std::string> schedulers;
  std::vector<std::string> kernels;
  uint64_t duration_override_ns = 0;  // 0: each scenario's own duration
};

struct JobMatrix {
  std::vector<Job> jobs;
  std::vector<SkippedCell> skipped;
};

// Why a VM of `preset` cannot run `s` (a topology requirement: LLCs, NUMA
// nodes, SMT, CPU count), or nullopt. Requirements on the guest system
// (root, cgroup controllers, programs) are decided in the guest at run time.
std::optional<std::string> preset_cannot_run(const scenario::Scenario& s,
                                             const topo::Preset& preset);

JobMatrix expand_jobs(const JobAxes& axes, const CostModel& cost);

}  // namespace ktstr::gauntlet
