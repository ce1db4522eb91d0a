// `ktstr --version` names the version typed once in CMakeLists.txt
// (project(ktstr VERSION ...)) and the git commit it was built from; run
// documents carry the same version.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "cli_runner.hpp"
#include "util/file_io.hpp"
#include "util/version.hpp"

namespace ktstr {
namespace {

std::string project_version() {
  auto cmake = read_file(std::string(KTSTR_SOURCE_DIR) + "/CMakeLists.txt");
  EXPECT_TRUE(cmake);
  std::smatch m;
  const std::string text = cmake ? *cmake : "";
  if (!std::regex_search(text, m, std::regex(R"(project\(ktstr VERSION ([0-9.]+))"))) return "";
  return m[1];
}

TEST(VersionCli, PrintsTheProjectVersionAndGitHash) {
  const std::string version = project_version();
  ASSERT_FALSE(version.empty());
  EXPECT_EQ(std::string(kVersion), version);
  auto r = testing::run_ktstr({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ktstr " + version + " (git " + kGitDescribe + ")\n");
  EXPECT_FALSE(std::string(kGitDescribe).empty());
}

}  // namespace
}  // namespace ktstr
