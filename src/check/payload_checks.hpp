// Checks on payloads (scenarios.md "Payloads"): every payload that ran
// gives one result named `payload.NAME` (fail when it exited non-zero or
// its result could not be read, with the reason and its output tail), and
// every limit a scenario sets on a payload metric gives one named
// `payload.NAME.METRIC`. Limits are timing-sensitive like the worker
// checks (a benchmark's number moves with host noise); the exit is not.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/evaluate.hpp"
#include "workload/payload_metrics.hpp"

namespace ktstr::check {

// `[checks] payload.NAME.METRIC = { min = X, max = Y }`: at least one set.
struct PayloadLimit {
  std::string payload;
  std::string metric;
  std::optional<double> min, max;
};

inline constexpr std::string_view kPayloadCheckPrefix = "payload.";

// True for `payload.NAME.METRIC` (a limit), false for `payload.NAME`.
bool is_payload_limit_check(std::string_view name);

std::vector<CheckResult> evaluate_payload_checks(
    const std::vector<PayloadLimit>& limits, const std::vector<workload::PayloadResult>& payloads);

// The last `lines` lines of `output` (for evidence).
std::string output_tail(const std::string& output, size_t lines = 10);

}  // namespace ktstr::check
