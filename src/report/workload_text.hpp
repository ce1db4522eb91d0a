// Terminal text of `ktstr workload`: one row per worker, then the summary.
#pragma once

#include <string>
#include <vector>

#include "workload/report.hpp"
#include "workload/summary.hpp"

namespace ktstr::report {

// `type` names the work type in the summary line. Wake percentiles are
// nearest rank (util/stats.hpp), in microseconds; "-" without samples.
std::string render_workload_text(const std::vector<workload::WorkerReport>& reports,
                                 const workload::WorkloadSummary& summary, const std::string& type);

}  // namespace ktstr::report
