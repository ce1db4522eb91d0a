// JUnit XML rendering of a run (`--junit FILE`), the format GitHub, GitLab
// and Jenkins show natively: one <testsuite> per scenario category, one
// <testcase> per scenario and repeat; failed checks become <failure> with
// their evidence, engine errors <error>, skips and inconclusive results
// <skipped> with the reason (also scenarios not run: fail-fast, interrupt);
// verdict, key statistics and checks lead the testcase's <system-out>. The
// output validates against tests/data/junit/junit.xsd (junit-10 structure).
#pragma once

#include <string>

#include "scenario/result.hpp"

namespace ktstr::report {

std::string render_junit(const scenario::RunResult& run);

// "steady" or, when the run holds several repeats of it, "steady (repeat 2)"
// (1-based, as the terminal report says it).
std::string testcase_name(const scenario::RunResult& run, const scenario::ScenarioResult& s);

}  // namespace ktstr::report
