// Fixtures and golden-file comparison for the report renderer tests.
// Golden files live in tests/data/golden/ (its README.md); regenerate them
// all with
//   KTSTR_UPDATE_GOLDEN=1 build/tests/ktstr_unit_tests --gtest_filter='*Golden*'
// then review the diff with git.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "scenario/result.hpp"
#include "util/file_io.hpp"

namespace ktstr::report::testing {

inline std::string report_data(const std::string& name) {
  return std::string(KTSTR_TEST_DATA_DIR) + "/report/" + name;
}

inline std::string fixture_text(const std::string& name) {
  auto text = read_file(report_data(name));
  EXPECT_TRUE(text) << name << ": " << (text ? "" : text.error().describe());
  return text ? *text : std::string();
}

inline scenario::RunResult load_fixture(const std::string& name) {
  auto run = scenario::parse_run_result(fixture_text(name));
  EXPECT_TRUE(run) << name << ": " << (run ? "" : run.error().describe());
  return run ? *run : scenario::RunResult{};
}

inline void expect_golden(const std::string& golden, const std::string& actual) {
  const std::string path = std::string(KTSTR_TEST_DATA_DIR) + "/golden/" + golden;
  const char* update = std::getenv("KTSTR_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    ASSERT_TRUE(write_file_atomic(path, actual)) << path;
    return;
  }
  auto expected = read_file(path);
  ASSERT_TRUE(expected) << path << " is missing; run with KTSTR_UPDATE_GOLDEN=1 to create it";
  if (*expected != actual) {
    const std::string got = ::testing::TempDir() + "/" + golden + ".actual";
    (void)write_file_atomic(got, actual);
    ADD_FAILURE() << golden << " differs from the golden file; actual output in " << got
                  << " (diff -u " << path << " " << got << "; KTSTR_UPDATE_GOLDEN=1 accepts it)";
  }
}

}  // namespace ktstr::report::testing
