// The scheduler under test: EEVDF (the kernel's default, nothing to start)
// or a sched_ext scheduler binary with arguments. Fixture names (scx_simple,
// scx_qmap, scx_central, scx_flatcg) resolve to the binaries `ktstr kernel
// build` produced next to the kernel.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sys/subprocess.hpp"
#include "util/result.hpp"

namespace ktstr::sched {

inline constexpr const char* kEevdf = "eevdf";

struct SchedulerSpec {
  std::string name;               // "eevdf", "scx_simple", or the binary's file name
  std::string path;               // host path of the binary; empty for EEVDF
  std::vector<std::string> args;  // --sched-arg values, in order
  bool is_eevdf() const { return path.empty(); }
};

// Resolves --scheduler: "eevdf" (or empty), a fixture name found in
// `fixtures` (name -> path), or a path to an executable. Arguments are
// rejected for EEVDF.
Result<SchedulerSpec> resolve_scheduler(const std::string& text,
                                        const std::vector<std::string>& args,
                                        const std::map<std::string, std::string>& fixtures);

// A started scheduler binary (sys::Subprocess: own process group, dies with
// us), stdout+stderr to a log file. Stops it (SIGINT, then SIGKILL after a
// grace period) on destruction. Move-only.
class SchedulerProcess {
 public:
  static Result<SchedulerProcess> start(const std::string& path,
                                        const std::vector<std::string>& args,
                                        const std::string& log_path);
  SchedulerProcess() = default;
  SchedulerProcess(SchedulerProcess&& o) noexcept;
  SchedulerProcess& operator=(SchedulerProcess&& o) noexcept;
  SchedulerProcess(const SchedulerProcess&) = delete;
  SchedulerProcess& operator=(const SchedulerProcess&) = delete;
  ~SchedulerProcess();

  pid_t pid() const { return proc_.pid(); }
  // Reaps without blocking; false once it has exited.
  bool alive();
  // Exit code, or 128+signal; nullopt while running.
  std::optional<int> exit_status() const;
  // Waits up to `grace_ms` for a voluntary exit.
  void wait_exit(uint64_t grace_ms);
  // SIGINT, wait up to `grace_ms`, then SIGKILL.
  void stop(uint64_t grace_ms = 2000);

 private:
  sys::Subprocess proc_;
};

}  // namespace ktstr::sched
