// Payloads with metrics: the outside benchmarks ktstr knows how to read
// (scenarios.md "Payloads"). For each kind: the program and the Debian
// package that ships it, the arguments ktstr adds so the tool writes a
// machine-readable result, and a pure parser from that result to named
// metrics. Parsers take text and never touch the system, so they are tested
// on captured output (tests/data/payload/).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "util/result.hpp"

namespace ktstr::workload {

// kGeneric: any program; its output is kept, no metrics are read.
enum class PayloadKind { kGeneric, kStressNg, kFio, kCyclictest, kHackbench };

std::string_view to_string(PayloadKind k);
std::optional<PayloadKind> parse_payload_kind(std::string_view text);
std::vector<std::string> payload_kind_names();
// The kind named by the program's file name (`/usr/bin/stress-ng` ->
// kStressNg); kGeneric for any other program.
PayloadKind detect_payload_kind(std::string_view program);
// The Debian package that ships the kind's program ("" for kGeneric).
std::string_view payload_package(PayloadKind k);

// One named number a payload produced. Names are dot-separated paths below
// the payload ("cpu.bogo_ops_per_s", "rd.read.clat_p99_us", "time_s").
struct PayloadMetric {
  std::string name;
  double value = 0;
  std::string unit;  // "/s", "us", "s", ""
  bool higher_is_better = false;
};
void to_json(nlohmann::json& j, const PayloadMetric& m);
void from_json(const nlohmann::json& j, PayloadMetric& m);

// One payload run by a scenario's run_payload op (scenarios.md
// "Payloads"): how it ended, its captured output (stdout and stderr, at most
// kPayloadOutputMax bytes, then a marker) and the metrics read from its
// result.
struct PayloadResult {
  std::string name;
  std::string kind;               // PayloadKind spelling
  std::vector<std::string> argv;  // as run, with the options ktstr added
  std::string exit;               // "exited with status 0", "killed by ktstr ..."
  int exit_code = 0;              // the shell's convention (128 + signal)
  bool killed = false;            // by kill_payload or the end of the scenario
  std::string output;
  bool output_truncated = false;
  std::vector<PayloadMetric> metrics;
  std::string error;  // why it failed (non-zero exit, unparsable result); "" = fine
};
void to_json(nlohmann::json& j, const PayloadResult& r);
void from_json(const nlohmann::json& j, PayloadResult& r);
inline constexpr size_t kPayloadOutputMax = size_t{1} << 20;

// The command line ktstr runs for a payload: `argv` plus the option that
// makes the tool write its result to a file in `dir` (stress-ng --yaml,
// cyclictest --json) unless the user already gave one, and fio's JSON output
// format. `result_file` is where that result is read from; "" = the
// captured output.
struct PayloadCommand {
  std::vector<std::string> argv;
  std::string result_file;
};
PayloadCommand payload_command(PayloadKind k, const std::vector<std::string>& argv,
                               const std::string& dir);

// The metrics of a finished payload from its result text (the result file,
// or the captured output when there is none). kInvalidInput with what was
// missing when the text is not the tool's result.
Result<std::vector<PayloadMetric>> parse_payload_result(PayloadKind k, std::string_view text);

// The individual parsers (exposed for tests).
Result<std::vector<PayloadMetric>> parse_stress_ng_yaml(std::string_view text);
Result<std::vector<PayloadMetric>> parse_fio_json(std::string_view text);
Result<std::vector<PayloadMetric>> parse_cyclictest_json(std::string_view text);
Result<std::vector<PayloadMetric>> parse_hackbench_output(std::string_view text);

}  // namespace ktstr::workload
