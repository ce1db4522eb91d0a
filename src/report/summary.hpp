// Short textual facts about a scenario result shared by the renderers
// (JUnit properties, HTML header, trace metadata).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scenario/result.hpp"

namespace ktstr::report {

// "fail: <detail> (value 3500, threshold 2000 from default)"
std::string describe_check(const check::CheckResult& c);

// "+1200.0ms step: step 1/2: 0 op(s), hold ..."
std::string format_timeline_event(const scenario::TimelineEvent& e);

// Name/value pairs of the scenario statistics worth a glance (workers,
// iterations, worst spread, gap, wake latency, migrations, run delay);
// only what was measured.
std::vector<std::pair<std::string, std::string>> key_stats(const scenario::ScenarioResult& s);

}  // namespace ktstr::report
