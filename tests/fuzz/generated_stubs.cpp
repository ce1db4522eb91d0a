// What the main build generates into its build tree (cmake/version.cmake,
// the embedded scenario catalogue): the parsers under fuzz only reach them
// through the run fingerprint, which needs neither a real version nor the
// catalogue's text.
#include "scenario/catalogue.hpp"
#include "util/version.hpp"

namespace ktstr {

const char* const kVersion = "fuzz";
const char* const kGitDescribe = "fuzz";

namespace scenario {

const std::vector<EmbeddedScenarioFile>& embedded_scenario_files() {
  static const std::vector<EmbeddedScenarioFile> none;
  return none;
}

}  // namespace scenario
}  // namespace ktstr
