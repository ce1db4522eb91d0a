#include "workload/payload_metrics.hpp"

#include <algorithm>
#include <array>

#include "util/enum_names.hpp"
#include "util/json_struct.hpp"

namespace ktstr::workload {
namespace {

constexpr EnumName<PayloadKind> kKindNames[] = {
    {PayloadKind::kGeneric, "generic"},
    {PayloadKind::kStressNg, "stress-ng"},
    {PayloadKind::kFio, "fio"},
    {PayloadKind::kCyclictest, "cyclictest"},
    {PayloadKind::kHackbench, "hackbench"},
};

bool has_option(const std::vector<std::string>& argv,
                std::initializer_list<std::string_view> opts) {
  for (size_t i = 1; i < argv.size(); ++i) {
    for (auto o : opts) {
      const std::string_view a = argv[i];
      if (a == o || (a.size() > o.size() && a.substr(0, o.size()) == o && a[o.size()] == '=')) {
        return true;
      }
    }
  }
  return false;
}

// The value of option `opt` ("--yaml FILE", "--yaml=FILE" or "-Y FILE");
// "" when absent.
std::string option_value(const std::vector<std::string>& argv,
                         std::initializer_list<std::string_view> opts) {
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string_view a = argv[i];
    for (auto o : opts) {
      if (a == o && i + 1 < argv.size()) return argv[i + 1];
      if (a.size() > o.size() && a.substr(0, o.size()) == o && a[o.size()] == '=') {
        return std::string(a.substr(o.size() + 1));
      }
    }
  }
  return "";
}

}  // namespace

KTSTR_JSON_STRUCT(PayloadMetric, name, value, unit, higher_is_better)
KTSTR_JSON_STRUCT(PayloadResult, name, kind, argv, exit, exit_code, killed, output,
                  output_truncated, metrics, error)

std::string_view to_string(PayloadKind k) {
  return enum_name<PayloadKind>(kKindNames, k);
}

std::optional<PayloadKind> parse_payload_kind(std::string_view text) {
  return enum_from_name<PayloadKind>(kKindNames, text);
}

std::vector<std::string> payload_kind_names() {
  return enum_names<PayloadKind>(kKindNames);
}

PayloadKind detect_payload_kind(std::string_view program) {
  const size_t slash = program.rfind('/');
  const std::string_view base =
      slash == std::string_view::npos ? program : program.substr(slash + 1);
  auto k = parse_payload_kind(base);
  return k ? *k : PayloadKind::kGeneric;
}

std::string_view payload_package(PayloadKind k) {
  switch (k) {
    case PayloadKind::kStressNg:
      return "stress-ng";
    case PayloadKind::kFio:
      return "fio";
    case PayloadKind::kCyclictest:
    case PayloadKind::kHackbench:
      return "rt-tests";
    case PayloadKind::kGeneric:
      break;
  }
  return "";
}

PayloadCommand payload_command(PayloadKind k, const std::vector<std::string>& argv,
                               const std::string& dir) {
  PayloadCommand c{argv, ""};
  switch (k) {
    case PayloadKind::kStressNg:
      c.result_file = option_value(argv, {"--yaml", "-Y"});
      if (c.result_file.empty()) {
        c.result_file = dir + "/stress-ng.yaml";
        c.argv.insert(c.argv.end(), {"--yaml", c.result_file});
      }
      if (!has_option(argv, {"--metrics", "--metrics-brief", "-M"})) {
        c.argv.emplace_back("--metrics-brief");  // without it the YAML has no metrics
      }
      break;
    case PayloadKind::kFio:
      if (!has_option(argv, {"--output-format"})) c.argv.emplace_back("--output-format=json");
      c.result_file = option_value(argv, {"--output"});
      break;
    case PayloadKind::kCyclictest:
      c.result_file = option_value(argv, {"--json"});
      if (c.result_file.empty()) {
        c.result_file = dir + "/cyclictest.json";
        c.argv.push_back("--json=" + c.result_file);
      }
      break;
    case PayloadKind::kHackbench:
    case PayloadKind::kGeneric:
      break;
  }
  return c;
}

Result<std::vector<PayloadMetric>> parse_payload_result(PayloadKind k, std::string_view text) {
  switch (k) {
    case PayloadKind::kStressNg:
      return parse_stress_ng_yaml(text);
    case PayloadKind::kFio:
      return parse_fio_json(text);
    case PayloadKind::kCyclictest:
      return parse_cyclictest_json(text);
    case PayloadKind::kHackbench:
      return parse_hackbench_output(text);
    case PayloadKind::kGeneric:
      break;
  }
  return std::vector<PayloadMetric>{};
}

}  // namespace ktstr::workload
