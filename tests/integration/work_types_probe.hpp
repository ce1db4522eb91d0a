// Helpers for work-type integration tests that watch workers from the
// outside while they run (/proc stat fields, policies, cgroups) and check
// admission rejections.
#pragma once

#include <gtest/gtest.h>
#include <time.h>

#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "workload/admission.hpp"
#include "workload/handle.hpp"

namespace ktstr::testing {

inline void sleep_for_ns(uint64_t ns) {
  timespec ts = ns_to_timespec(ns);
  while (nanosleep(&ts, &ts) != 0) {
  }
}

// Field `n` (1-based, as in proc(5)) of /proc/<tid>/stat; the comm field is
// skipped by looking for the last ')'. nullopt when the task is gone.
inline std::optional<long long> proc_stat_field(pid_t tid, int n) {
  auto text = read_file("/proc/" + std::to_string(tid) + "/stat");
  if (!text) return std::nullopt;
  size_t close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(text->substr(close + 2));
  std::string tok;
  for (int field = 3; in >> tok; ++field) {
    if (field == n) return std::stoll(tok);
  }
  return std::nullopt;
}

// Spawns and starts `config`, calls `probe` every `period_ns` for about
// `run_ns` with the worker pids, then collects.
inline Result<std::vector<workload::WorkerReport>> run_and_probe(
    const workload::WorkloadConfig& config, uint64_t run_ns, uint64_t period_ns,
    const std::function<void(const std::vector<pid_t>&)>& probe) {
  auto h = workload::WorkloadHandle::spawn(config);
  if (!h) return unexpected(h.error());
  h->start();
  const uint64_t end = mono_ns() + run_ns;
  while (mono_ns() < end) {
    probe(h->worker_pids());
    sleep_for_ns(period_ns);
  }
  return h->stop_and_collect();
}

// Asserts that admission rejects `config` as invalid input and that the
// message names `field`.
inline void expect_rejected(const workload::WorkloadConfig& config, const std::string& field) {
  auto plans = workload::plan_workload(config);
  ASSERT_FALSE(plans.has_value()) << "expected a rejection naming " << field;
  EXPECT_EQ(plans.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(plans.error().describe().find(field), std::string::npos) << plans.error().describe();
}

inline void expect_all_completed(const std::vector<workload::WorkerReport>& reports) {
  for (const auto& r : reports) {
    EXPECT_TRUE(r.completed) << "worker " << r.worker_index << " did not complete";
  }
}

}  // namespace ktstr::testing
