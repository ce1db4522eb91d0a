// Shared helpers for the synchronisation work-type tests (futex, pipe,
// process, epoll, custom families).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "workload/admission.hpp"
#include "workload_harness.hpp"

namespace ktstr::testing {

inline constexpr workload::CloneMode kBothModes[] = {workload::CloneMode::kFork,
                                                     workload::CloneMode::kThread};

inline std::string mode_name(const ::testing::TestParamInfo<workload::CloneMode>& info) {
  return info.param == workload::CloneMode::kFork ? "Fork" : "Thread";
}

// Runs the workload for `ms` and fails the test unless every worker
// completed; returns the reports (empty on failure).
inline std::vector<workload::WorkerReport> run_completed(const workload::WorkloadConfig& c,
                                                         uint64_t ms) {
  auto r = run_workload_for(c, ms * 1'000'000);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().describe());
  if (!r) return {};
  EXPECT_EQ(r->size(), c.num_workers);
  for (const auto& w : *r) {
    EXPECT_TRUE(w.completed) << "worker " << w.worker_index << " did not complete: "
                             << (w.exit_info ? workload::to_string(*w.exit_info) : "no exit info");
    EXPECT_TRUE(w.warnings.empty()) << "worker " << w.worker_index << ": " << w.warnings.front();
  }
  return *r;
}

// A work-type specific metric; fails the test when the worker did not set it.
inline double extra(const workload::WorkerReport& r, const std::string& key) {
  auto it = r.extra.find(key);
  EXPECT_NE(it, r.extra.end()) << "worker " << r.worker_index << " has no extra '" << key << "'";
  return it == r.extra.end() ? -1 : it->second;
}

inline double sum_extra(const std::vector<workload::WorkerReport>& rs, const std::string& key) {
  double s = 0;
  for (const auto& r : rs) s += extra(r, key);
  return s;
}

// Splits reports into the cooperating units of group 0.
inline std::vector<std::vector<workload::WorkerReport>> units_of(
    const std::vector<workload::WorkerReport>& rs, size_t unit_size) {
  std::vector<std::vector<workload::WorkerReport>> units((rs.size() + unit_size - 1) / unit_size);
  for (const auto& r : rs) units[r.worker_index / unit_size].push_back(r);
  return units;
}

// Admission must reject `c` as invalid input with every fragment in the text.
inline void expect_rejected(const workload::WorkloadConfig& c,
                            const std::vector<std::string>& fragments) {
  auto plan = workload::plan_workload(c);
  ASSERT_FALSE(plan.has_value()) << "config for " << c.work.name << " was accepted";
  EXPECT_EQ(plan.error().kind, ErrorKind::kInvalidInput);
  const std::string text = plan.error().describe();
  for (const auto& f : fragments) {
    EXPECT_NE(text.find(f), std::string::npos) << "'" << f << "' missing from: " << text;
  }
  auto h = workload::WorkloadHandle::spawn(c);
  ASSERT_FALSE(h.has_value());
  EXPECT_EQ(h.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace ktstr::testing
