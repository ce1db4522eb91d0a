// The in-run monitor (docs/scenarios.md "Monitor"): while a scenario holds,
// the engine samples at a fixed period
//   - every CPU's busy/idle ticks (/proc/stat),
//   - every worker's state and last CPU (/proc/TID/stat fields 3 and 39), its
//     on-CPU time, run delay and timeslices (/proc/TID/schedstat) and its
//     allowed CPUs (sched_getaffinity),
//   - the sched_ext state and counters (/sys/kernel/sched_ext: state,
//     root/ops, enable_seq, nr_rejected; debugfs sched/ext when mounted).
// Samples are raw counters; the stranded-task detector (check/stranded.hpp)
// and the decimated series a result carries (summarize) are computed from
// them afterwards. Paths are seams (procfs/sysfs/debugfs roots).
//
// Cost: one sample reads 2 files per worker plus 3-6 small sysfs files;
// MonitorTimeline::cost_ns is the sampling thread's own CPU time (measured,
// not estimated), reported per sample in the result.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sched/noise.hpp"
#include "util/cpu_list.hpp"

namespace ktstr::sched {

inline constexpr uint64_t kDefaultMonitorPeriodNs = 100'000'000;
inline constexpr uint64_t kMinMonitorPeriodNs = 10'000'000;
inline constexpr uint64_t kMaxMonitorPeriodNs = 10'000'000'000;
// Raw samples kept: on reaching it, every other sample is dropped and the
// period doubles (a 100 ms monitor holds ~6.8 min at full rate).
inline constexpr size_t kMaxRawSamples = 4096;

// A task the engine asks the monitor to follow.
struct MonitoredTask {
  std::string group;  // the cgroup label of its batch
  size_t worker = 0;  // index within the batch
  pid_t tid = 0;
  bool operator==(const MonitoredTask&) const = default;
};

struct TaskSample {
  uint32_t task = 0;  // index into MonitorTimeline::tasks
  char state = '?';   // /proc/TID/stat state letter; '?' = gone or unreadable
  int cpu = -1;       // the CPU it last ran on
  uint64_t exec_ns = 0;
  uint64_t run_delay_ns = 0;  // grows only when the task gets on a CPU
  uint64_t run_count = 0;
  uint32_t mask = 0;  // index into MonitorTimeline::masks (allowed CPUs)
};

struct MonitorSample {
  uint64_t t_ns = 0;  // since the monitor started
  ProcStat cpus;      // cumulative ticks per CPU
  std::vector<TaskSample> tasks;
  std::string scx_state;  // "" when the kernel has no sched_ext
  std::string scx_ops;
  int64_t scx_enable_seq = -1;
  int64_t scx_nr_rejected = -1;
  std::map<std::string, int64_t> scx_debug;  // debugfs sched/ext numeric fields
};

struct MonitorTimeline {
  uint64_t period_ns = kDefaultMonitorPeriodNs;
  long ticks_per_s = 100;  // USER_HZ of the /proc/stat ticks
  std::vector<MonitoredTask> tasks;
  std::vector<CpuSet> masks;
  std::vector<MonitorSample> samples;
  uint64_t cost_ns = 0;  // CPU time spent sampling (all samples)
  size_t taken = 0;      // samples taken (before any halving)
  size_t halvings = 0;   // times the samples were halved (kMaxRawSamples)
};

class Monitor {
 public:
  struct Options {
    uint64_t period_ns = kDefaultMonitorPeriodNs;
    std::string procfs = "/proc";
    std::string sysfs = "/sys";
    std::string debugfs = "/sys/kernel/debug";
  };
  explicit Monitor(Options o, uint64_t start_ns);

  // When the next sample is due (mono ns).
  uint64_t next_due_ns() const { return next_ns_; }
  // Samples when due (now >= next_due_ns()); returns whether it did.
  bool tick(uint64_t now_ns, const std::vector<MonitoredTask>& tasks);
  // Takes one sample now, whatever the schedule.
  void sample(uint64_t now_ns, const std::vector<MonitoredTask>& tasks);
  const MonitorTimeline& timeline() const { return tl_; }

 private:
  uint32_t task_index(const MonitoredTask& t);
  uint32_t mask_index(const CpuSet& cpus);
  void read_sched_ext(MonitorSample& s) const;
  void halve();

  Options o_;
  uint64_t start_ns_;
  uint64_t next_ns_;
  MonitorTimeline tl_;
  std::map<pid_t, uint32_t> by_tid_;
};

// /proc/TID/stat: state letter (field 3) and last CPU (field 39).
struct StatFields {
  char state = '?';
  int cpu = -1;
};
std::optional<StatFields> parse_stat_fields(std::string_view stat);
// "key : value" lines of debugfs sched/ext with an integer value.
std::map<std::string, int64_t> parse_scx_debug(std::string_view text);

// The decimated series a result carries: at most `max_points` points, each
// the mean of `stride` consecutive sample intervals.
struct MonitorSeries {
  double period_ms = 0;
  size_t samples = 0;  // raw samples taken
  size_t stride = 1;   // raw intervals per point
  size_t tasks = 0;    // tasks followed
  double cost_us_per_sample = 0;
  std::vector<int> cpus;
  std::vector<double> t_ms;                   // per point: end of its interval
  std::vector<std::vector<double>> idle_pct;  // [cpu][point]
  std::vector<std::vector<double>> runnable;  // [cpu][point]: workers in R last on that CPU
  std::vector<std::string> scx_state;         // per point (its last sample)
  std::vector<int64_t> scx_nr_rejected;       // per point (its last sample)
  bool empty() const { return t_ms.empty(); }
  // Every per-point and per-CPU vector has the right length (a document
  // read back may not); renderers draw nothing otherwise.
  bool consistent() const;
};
inline constexpr size_t kMaxSeriesPoints = 300;
MonitorSeries summarize(const MonitorTimeline& tl, size_t max_points = kMaxSeriesPoints);

void to_json(nlohmann::json& j, const MonitorSeries& s);
void from_json(const nlohmann::json& j, MonitorSeries& s);

}  // namespace ktstr::sched
