// The payload parts of a scenario file: run_payload's `kind`, and limits on
// payload metrics in [checks] (scenarios.md "Payloads").
#include <set>

#include <fmt/format.h>

#include "scenario/toml_parts.hpp"

namespace ktstr::scenario::toml_detail {
namespace {

// A leaf is a table of only `min` and/or `max`; anything else is a level of
// the dotted metric name (`cpu.bogo_ops_per_s` may be written as nested
// TOML keys).
bool is_limit_table(const toml::table& t) {
  if (t.empty()) return false;
  for (auto&& [k, v] : t) {
    if (k.str() != "min" && k.str() != "max") return false;
  }
  return true;
}

Status read_limit(const toml::table& t, const std::string& file, check::PayloadLimit& l) {
  for (auto&& [k, v] : t) {
    if (!v.is_integer() && !v.is_floating_point()) {
      return error_at(
          file, line_of(v),
          fmt::format("[checks] payload.{}.{}: {} must be a number", l.payload, l.metric, k.str()));
    }
    (k.str() == "min" ? l.min : l.max) = *v.value<double>();
  }
  return {};
}

Status walk(const toml::node& n, const std::string& file, check::PayloadLimit prefix,
            std::vector<check::PayloadLimit>& out) {
  const toml::table* t = n.as_table();
  if (t == nullptr) {
    return error_at(file, line_of(n),
                    fmt::format("[checks] payload.{}.{} needs {{ min = N }} and/or {{ max = N }} "
                                "(e.g. payload.stress.cpu.bogo_ops_per_s = {{ min = 100 }})",
                                prefix.payload, prefix.metric));
  }
  if (!prefix.metric.empty() && is_limit_table(*t)) {
    KTSTR_TRY(read_limit(*t, file, prefix));
    out.push_back(std::move(prefix));
    return {};
  }
  for (auto&& [k, v] : *t) {
    check::PayloadLimit next = prefix;
    if (next.payload.empty()) {
      next.payload = std::string(k.str());
    } else {
      next.metric += (next.metric.empty() ? "" : ".") + std::string(k.str());
    }
    KTSTR_TRY(walk(v, file, std::move(next), out));
  }
  return {};
}

}  // namespace

Status parse_payload_checks(std::string_view key, const toml::node& n, const std::string& file,
                            std::vector<check::PayloadLimit>& out) {
  check::PayloadLimit prefix;
  if (key != "payload") {  // a quoted key: payload.NAME[.METRIC...]
    const std::string_view rest = key.substr(8);
    const size_t dot = rest.find('.');
    prefix.payload = std::string(rest.substr(0, dot));
    if (dot != std::string_view::npos) prefix.metric = std::string(rest.substr(dot + 1));
  }
  const toml::table* t = n.as_table();
  if (prefix.payload.empty() && (t == nullptr || t->empty())) {
    return error_at(file, line_of(n),
                    "[checks] payload needs payload.NAME.METRIC = { min = N } or { max = N }");
  }
  return walk(n, file, std::move(prefix), out);
}

Status check_payload_names(const Scenario& s, const std::string& file) {
  std::set<std::string> started;
  for (const auto& step : s.steps) {
    for (const auto& op : step.ops) {
      if (op.kind == Op::Kind::kRunPayload) started.insert(op.payload);
    }
  }
  for (const auto& l : s.payload_checks) {
    if (started.count(l.payload) == 0) {
      return error_at(file, 0,
                      fmt::format("[checks] payload.{}.{}: no run_payload op starts a payload "
                                  "named '{}'",
                                  l.payload, l.metric, l.payload));
    }
  }
  return {};
}

Status parse_payload_kind(const TableReader& r, Op& op) {
  auto kind = r.str("kind");
  if (!kind) return unexpected(kind.error());
  if (!*kind) {
    op.payload_kind = workload::detect_payload_kind(op.argv.front());
    return {};
  }
  auto k = workload::parse_payload_kind(**kind);
  if (!k) {
    return r.error(
        r.key_line("kind"),
        fmt::format("run_payload kind '{}' is not one of {}{}", **kind,
                    fmt::join(workload::payload_kind_names(), ", "),
                    **kind == "schbench" ? " (schbench is not packaged by Debian; the work type "
                                           "'schbench' is ktstr's own model of it)"
                                         : ""));
  }
  op.payload_kind = *k;
  return {};
}

}  // namespace ktstr::scenario::toml_detail
