// The HTML report (`--html FILE`): one self-contained page, no network.
// It embeds uPlot (npm `uplot`, version assets::uplot_version()), the run's
// JSON (script#ktstr-run) and a chart-ready view of it (script#ktstr-view)
// computed here, so the page's script only draws. docs/reports.md "HTML".
//
// After drawing, the page writes "ok:N charts, 0 errors" (or
// "error:N charts, E errors: <first message>") into
// div#ktstr-render-status, which the headless-browser test reads.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "scenario/result.hpp"

namespace ktstr::report {

// Percentiles on the latency plots' x axis (x = -log10(1 - p/100), the
// "nines" scale: 90% -> 1, 99% -> 2, 99.9% -> 3).
inline constexpr double kLatencyPercentiles[] = {0,  25,   50,   75,    90,   95,
                                                 99, 99.5, 99.9, 99.95, 99.99};

// The chart data: header, failures, per scenario the cgroup bars, latency
// percentile series per cgroup and per work type, iterations over time with
// markers, migrations per worker (per cgroup without raw reports), and the
// statistics table. Golden-tested.
nlohmann::json build_html_view(const scenario::RunResult& run);

// Host noise in the view (sched/noise.hpp). Per scenario: level, the
// "host noise: ..." summary, the measures (null when not measured), the
// checks noise made inconclusive, and the band [from_s, to_s] it covers on
// the timeline (seconds since the scenario started); null when nothing was
// measured. The VM's vCPU dilation is a whole-run measure (run.noise).
nlohmann::json scenario_noise_view(const scenario::ScenarioResult& s);
// Per run: one category per scenario that measured noise plus "whole run",
// bar series of each measure in % (outside load of the measured CPUs; PSI,
// steal and harness run delay of wall time; dilation - 1) and the bounds
// that make noise high as "bound" series; null when nothing was measured.
nlohmann::json run_noise_view(const scenario::RunResult& run);
// The scenario is inconclusive because a failed timing check met high noise.
bool verdict_downgraded_by_noise(const scenario::ScenarioResult& s);

std::string render_html(const scenario::RunResult& run);

// JSON text safe inside a <script> element: '<', '>' and '&' become
// \u003c, \u003e, \u0026 (they can only occur inside JSON strings).
std::string script_safe_json(const nlohmann::json& j);

// CSS or JS embedded verbatim in a <style>/<script> (`tag`): "</tag" becomes
// "<\/tag" so the text cannot close its own element early.
std::string guard_raw_text(std::string_view text, std::string_view tag);

}  // namespace ktstr::report
