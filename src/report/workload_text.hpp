// Terminal text of `ktstr workload`: one row per worker, then the summary.
#pragma once

#include <string>
#include <vector>

#include "scenario/workload_run.hpp"
#include "workload/report.hpp"
#include "workload/summary.hpp"

namespace ktstr::report {

// `type` names the work type in the summary line. Wake percentiles are
// nearest rank (util/stats.hpp), in microseconds; "-" without samples.
std::string render_workload_text(const std::vector<workload::WorkerReport>& reports,
                                 const workload::WorkloadSummary& summary, const std::string& type);

// What `ktstr workload` prints on stdout: the text above, or with `json`
// one line {"reports": [...], "summary": {...}}.
std::string render_workload_output(const scenario::WorkloadRun& run, const std::string& type,
                                   bool json);

}  // namespace ktstr::report
