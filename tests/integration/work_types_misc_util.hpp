// Shared helpers for the timer, alu, io and schbench work-type tests: run
// one worker briefly and fetch its report, and expect an admission
// rejection that names a field.
#pragma once

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "workload/admission.hpp"
#include "workload_harness.hpp"

namespace ktstr::testing {

// A fresh directory under /var/tmp (disk-backed on most systems), removed
// at the end; the test asserts it is empty before that.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = "/var/tmp/ktstr-io-test-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  const std::string& path() const { return path_; }
  bool empty() const { return std::filesystem::is_empty(path_); }

 private:
  std::string path_;
};

inline const char* mode_name(workload::CloneMode m) {
  return m == workload::CloneMode::kFork ? "fork" : "thread";
}

// Test-name suffix for suites parameterised by clone mode.
inline std::string mode_param_name(const ::testing::TestParamInfo<workload::CloneMode>& p) {
  return mode_name(p.param);
}

// Runs `workers` workers of `type` for `run_ns`; fails the test when spawn
// fails or a worker did not complete.
inline std::vector<workload::WorkerReport> run_reports(const std::string& type, size_t workers,
                                                       std::map<std::string, std::string> params,
                                                       workload::CloneMode mode, uint64_t run_ns) {
  auto reports = run_workload_for(make_config(type, workers, std::move(params), mode), run_ns);
  EXPECT_TRUE(reports.has_value()) << (reports ? "" : reports.error().describe());
  if (!reports) return {};
  for (const auto& r : *reports) {
    EXPECT_TRUE(r.completed) << type << " worker " << r.worker_index << " did not complete";
  }
  return std::move(*reports);
}

inline double extra_or(const workload::WorkerReport& r, const std::string& key, double dflt) {
  auto it = r.extra.find(key);
  return it == r.extra.end() ? dflt : it->second;
}

// Expects admission to reject the params with kInvalidInput and a message
// that names `field`.
inline void expect_rejected(const std::string& type, std::map<std::string, std::string> params,
                            const std::string& field, size_t workers = 1) {
  auto plan = workload::plan_workload(make_config(type, workers, std::move(params)));
  ASSERT_FALSE(plan.has_value()) << type << ": expected a rejection naming " << field;
  EXPECT_EQ(plan.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(plan.error().describe().find(field), std::string::npos)
      << "message does not name " << field << ": " << plan.error().describe();
}

}  // namespace ktstr::testing
