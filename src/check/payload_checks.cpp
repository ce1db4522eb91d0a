#include "check/payload_checks.hpp"

#include <fmt/format.h>

namespace ktstr::check {
namespace {

using workload::PayloadResult;

const PayloadResult* find_payload(const std::vector<PayloadResult>& ps, const std::string& name) {
  for (const auto& p : ps) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

CheckResult outcome(const PayloadResult& p) {
  CheckResult r;
  r.name = std::string(kPayloadCheckPrefix) + p.name;
  r.source = ThresholdSource::kTest;
  if (!p.error.empty()) {
    r.verdict = Verdict::kFail;
    r.detail = fmt::format("payload {} ({}): {}", p.name, p.kind, p.error);
    const std::string tail = output_tail(p.output);
    r.detail += tail.empty() ? "; no output" : "; output tail:\n" + tail;
    return r;
  }
  r.detail =
      fmt::format("payload {} ({}) {}, {} metric(s)", p.name, p.kind, p.exit, p.metrics.size());
  return r;
}

std::string metric_list(const PayloadResult& p) {
  std::string out;
  for (const auto& m : p.metrics) out += (out.empty() ? "" : ", ") + m.name;
  return out.empty() ? "none" : out;
}

CheckResult limit_result(const PayloadLimit& l, const PayloadResult* p) {
  CheckResult r;
  r.name = fmt::format("{}{}.{}", kPayloadCheckPrefix, l.payload, l.metric);
  r.source = ThresholdSource::kTest;
  r.threshold = l.min ? l.min : l.max;
  r.verdict = Verdict::kFail;
  if (p == nullptr) {
    r.detail = fmt::format("payload {} never ran", l.payload);
    return r;
  }
  const workload::PayloadMetric* m = nullptr;
  for (const auto& x : p->metrics) {
    if (x.name == l.metric) m = &x;
  }
  if (m == nullptr) {
    r.detail = p->killed || !p->error.empty()
                   ? fmt::format("payload {} produced no metrics ({})", l.payload,
                                 p->error.empty() ? p->exit : p->error)
                   : fmt::format("payload {} has no metric '{}' (it has: {})", l.payload, l.metric,
                                 metric_list(*p));
    return r;
  }
  r.value = m->value;
  const bool low = l.min && m->value < *l.min;
  const bool high = l.max && m->value > *l.max;
  r.verdict = low || high ? Verdict::kFail : Verdict::kPass;
  if (high) r.threshold = l.max;
  r.detail = fmt::format("payload {} {} = {:g}{}{}", l.payload, l.metric, m->value,
                         m->unit.empty() ? "" : " ", m->unit);
  if (l.min) r.detail += fmt::format(" (min {:g})", *l.min);
  if (l.max) r.detail += fmt::format(" (max {:g})", *l.max);
  return r;
}

}  // namespace

bool is_payload_limit_check(std::string_view name) {
  if (name.substr(0, kPayloadCheckPrefix.size()) != kPayloadCheckPrefix) return false;
  return name.find('.', kPayloadCheckPrefix.size()) != std::string_view::npos;
}

std::vector<CheckResult> evaluate_payload_checks(const std::vector<PayloadLimit>& limits,
                                                 const std::vector<PayloadResult>& payloads) {
  std::vector<CheckResult> out;
  for (const auto& p : payloads) out.push_back(outcome(p));
  for (const auto& l : limits) out.push_back(limit_result(l, find_payload(payloads, l.payload)));
  return out;
}

std::string output_tail(const std::string& output, size_t lines) {
  size_t start = output.size();
  while (start > 0 && output[start - 1] == '\n') --start;
  const size_t end = start;
  size_t seen = 0;
  while (start > 0 && !(output[start - 1] == '\n' && ++seen == lines)) --start;
  return output.substr(start, end - start);
}

}  // namespace ktstr::check
