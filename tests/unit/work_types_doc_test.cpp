// docs/work-types.md is generated from the registry; this keeps it in sync.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "workload/catalogue_doc.hpp"
#include "workload/work_type.hpp"

namespace ktstr::workload {
namespace {

TEST(WorkTypesDoc, MatchesRegistry) {
  std::ifstream in(std::string(KTSTR_SOURCE_DIR) + "/docs/work-types.md");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), work_types_markdown())
      << "docs/work-types.md is stale: run `build/ktstr list work-types --markdown > "
         "docs/work-types.md`";
}

TEST(WorkTypesDoc, EveryTypeHasSummaryAndLoop) {
  for (const auto* d : WorkTypeRegistry::instance().all()) {
    if (d->family == "test") continue;
    EXPECT_FALSE(d->summary.empty()) << d->name;
    EXPECT_TRUE(static_cast<bool>(d->run)) << d->name;
    EXPECT_FALSE(d->family.empty()) << d->name;
    auto defaults = resolve_params(d->name, d->params, {});
    EXPECT_TRUE(defaults) << d->name << ": defaults must validate";
    // `custom` alone has a required parameter (the registered function's name).
    if (defaults && d->name != "custom") {
      EXPECT_TRUE(d->validate(*defaults)) << d->name;
    }
  }
}

}  // namespace
}  // namespace ktstr::workload
