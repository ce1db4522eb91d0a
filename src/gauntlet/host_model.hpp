// The boot-time model of this host (boot_model.hpp) wired to a gauntlet:
// found under the ktstr cache dir, keyed by this host's accelerator and
// CPU model, applied to a plan's estimates and fed by its finished jobs.
#pragma once

#include <optional>
#include <string>

#include "gauntlet/boot_model.hpp"
#include "gauntlet/run.hpp"

namespace ktstr::gauntlet {

struct HostBootModel {
  std::string path;       // the cache file; empty: no cache dir (nothing recorded)
  std::string accel;      // what a VM would use here: "kvm" | "tcg"
  std::string cpu_model;  // host_cpu_model()
  BootModelCache cache;
  std::string warning;  // the cache was unreadable or corrupt and is ignored
};

// Reads this host's cache ($KTSTR_CACHE_DIR etc., vm/cache.hpp) and probes
// the accelerator (vm/accel.hpp). Never fails: no cache is an empty one.
HostBootModel load_host_boot_model();

// set_host_estimates with the models of every kernel in the plan.
void apply_host_boot_model(GauntletPlan& plan, const HostBootModel& host);

// The sample a finished job gives: none when its VM never reached /init or
// the job was interrupted (its timings then say nothing about the host).
std::optional<BootSample> sample_of(const Job& j, const JobOutcome& o);

// Records `o` (if it is a sample) under this host's key for `j.kernel`.
// Failures are returned for a warning; the run goes on.
Status record_job(const HostBootModel& host, const Job& j, const JobOutcome& o);

}  // namespace ktstr::gauntlet
