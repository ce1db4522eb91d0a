// The boot-time model measured on this host: every finished gauntlet job
// records how long its VM took to reach /init and how long the whole job
// took; `--list` and the run's ETA then estimate from the last kMaxSamples
// of those instead of the fixed constants (cost.hpp, docs/gauntlet.md
// "Estimated time").
//
// Samples are kept per (accelerator, kernel as the job names it, host CPU
// model) in <cache root>/gauntlet/boot-model.json. The file is a cache: one
// that cannot be read or parsed is ignored with a warning (and replaced by
// the next recording), never an error.
//
// --budget and --shard keep using the fixed model: every machine must pick
// the same subset and the same split from the same job list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gauntlet/cost.hpp"
#include "gauntlet/plan.hpp"
#include "util/result.hpp"

namespace ktstr::gauntlet {

// One finished job.
struct BootSample {
  int cpus = 0;              // the preset's vCPUs
  double boot_ms = 0;        // QEMU start -> guest init running
  double wall_ms = 0;        // the whole job as the gauntlet saw it
  uint64_t duration_ms = 0;  // the scenario's planned duration
};

struct BootModelKey {
  std::string accel;      // "kvm" | "tcg"
  std::string kernel;     // as the job names it: auto, sched-ext, debian, a key or a path
  std::string cpu_model;  // /proc/cpuinfo "model name"
  bool operator==(const BootModelKey&) const = default;
};

struct BootModelEntry {
  BootModelKey key;
  std::vector<BootSample> samples;  // oldest first, at most kMaxSamples
};

struct BootModelCache {
  static constexpr size_t kMaxSamples = 20;
  static constexpr size_t kMaxEntries = 64;  // least recently recorded dropped first
  std::vector<BootModelEntry> entries;       // least recently recorded first

  const BootModelEntry* find(const BootModelKey& key) const;
  // Appends, dropping the oldest sample past kMaxSamples and the least
  // recently recorded entry past kMaxEntries.
  void add(const BootModelKey& key, const BootSample& sample);
};

// The model fitted to `samples` (robust to a few outliers):
//  - boot = a + b x vCPUs, b the median of the pairwise slopes between
//    samples of different vCPU counts (Theil-Sen; `fixed`'s slope when all
//    have one count), clamped at >= 0, and a the median of boot - b x vCPUs;
//  - guest overhead = the median of wall - boot - duration, clamped at >= 0.
// `fixed` unchanged when `samples` is empty. Result's `samples` = the count.
CostModel fit_cost_model(const std::vector<BootSample>& samples, const CostModel& fixed = {});

// The JSON text of the cache file, and back. parse fails (kInvalidInput)
// on anything that is not a cache of this version.
std::string boot_model_json(const BootModelCache& cache);
Result<BootModelCache> parse_boot_model(const std::string& text);

// <cache root>/gauntlet/boot-model.json; empty when there is no cache root.
std::string boot_model_path(const std::string& cache_root);

// The cache at `path`: empty when missing; empty with `warning` set when
// unreadable or corrupt (read as a bounded regular file, util/input_file).
BootModelCache load_boot_model(const std::string& path, std::string& warning);

// Adds `samples` under `key` to the file at `path`: under an exclusive
// lock (concurrent gauntlets), replaced atomically (util/output_file). A
// corrupt file is started afresh.
Status record_boot_samples(const std::string& path, const BootModelKey& key,
                           const std::vector<BootSample>& samples);

// This host's models, one per kernel of a job list: measured when the
// cache has samples for (accel, kernel, cpu_model), else `fixed`.
struct HostCostModels {
  CostModel fixed;
  std::map<std::string, CostModel> measured;  // by kernel
  const CostModel& for_kernel(const std::string& kernel) const;
  size_t samples() const;  // over every measured kernel
};
HostCostModels host_cost_models(const BootModelCache& cache, const std::string& accel,
                                const std::string& cpu_model,
                                const std::vector<std::string>& kernels,
                                const CostModel& fixed = {});

// Fills plan.host_estimate_ms and measured_samples from `models`; leaves
// them empty when no kernel of the plan is measured.
void set_host_estimates(GauntletPlan& plan, const HostCostModels& models);
// The estimate --list shows for matrix job `job`, and the sum over `mine`.
uint64_t shown_estimate_ms(const GauntletPlan& plan, size_t job);
uint64_t shown_total_ms(const GauntletPlan& plan);

// "model name" of the first CPU in `cpuinfo`, "unknown" when absent.
std::string host_cpu_model(const std::string& cpuinfo = "/proc/cpuinfo");

}  // namespace ktstr::gauntlet
