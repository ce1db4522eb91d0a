// Every registered work type runs with its defaults through the real CLI:
// `ktstr workload --type NAME --workers <group size>`. The only exception is
// `custom`, which needs a registered function and must say so (exit 2).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace ktstr {
namespace {

using testing::run_ktstr;

TEST(AllWorkTypes, RunWithDefaultsFromTheCli) {
  auto list = run_ktstr({"list", "work-types", "--json"});
  ASSERT_EQ(list.exit_code, 0);
  auto types = nlohmann::json::parse(list.out);
  EXPECT_EQ(types.size(), 42u);
  for (const auto& t : types) {
    const std::string name = t["name"];
    const std::string workers = std::to_string(t["group_size"].get<int>());
    std::vector<std::string> args = {"workload", "--type",     name,    "--workers",
                                     workers,    "--duration", "300ms", "--json"};
    if (!t["fork"].get<bool>()) {
      args.push_back("--clone-mode");
      args.push_back("thread");
    }
    auto r = run_ktstr(args);
    if (name == "custom") {
      EXPECT_EQ(r.exit_code, 2) << r.err;
      EXPECT_NE(r.err.find("name"), std::string::npos) << r.err;
      continue;
    }
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["reports"].size(), t["group_size"].get<size_t>()) << name;
    uint64_t units = 0;
    for (const auto& rep : j["reports"]) {
      EXPECT_TRUE(rep["completed"].get<bool>()) << name;
      units += rep["work_units"].get<uint64_t>();
    }
    EXPECT_GT(units, 0u) << name << " did no work";
  }
}

}  // namespace
}  // namespace ktstr
