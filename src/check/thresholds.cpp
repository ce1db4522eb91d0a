#include "check/thresholds.hpp"

#include <cmath>
#include <cstdlib>

#include "util/check.hpp"
#include "util/enum_names.hpp"
#include "util/suggest.hpp"

namespace ktstr::check {
namespace {
constexpr EnumName<ThresholdSource> kSourceNames[] = {{ThresholdSource::kDefault, "default"},
                                                      {ThresholdSource::kScheduler, "scheduler"},
                                                      {ThresholdSource::kTest, "test"},
                                                      {ThresholdSource::kCli, "cli"}};
}  // namespace

std::string_view to_string(ThresholdSource s) {
  return enum_name<ThresholdSource>(kSourceNames, s, "default");
}

Result<ThresholdSource> parse_threshold_source(std::string_view text) {
  if (auto s = enum_from_name<ThresholdSource>(kSourceNames, text)) return *s;
  return invalid_input(fmt::format("'{}' is not a threshold source", text));
}

static Result<const CheckDef*> lookup(const std::string& name) {
  const CheckDef* d = find_check(name);
  if (d == nullptr) {
    return invalid_input(fmt::format("unknown check '{}'{} (`ktstr list checks` shows all)", name,
                                     did_you_mean(name, check_names())),
                         name);
  }
  return d;
}

Status ThresholdLayer::set_enabled(const std::string& name, bool on) {
  auto d = lookup(name);
  if (!d) return unexpected(d.error());
  if (on && (*d)->kind != CheckKind::kToggle && (*d)->default_limit == 0) {
    return invalid_input(
        fmt::format("check '{}' has no default limit; give a number ({}) instead of true", name,
                    (*d)->unit),
        name);
  }
  values[name] = ThresholdSetting{on, std::nullopt};
  return {};
}

Status ThresholdLayer::set_limit(const std::string& name, double limit) {
  auto d = lookup(name);
  if (!d) return unexpected(d.error());
  if ((*d)->kind == CheckKind::kToggle) {
    return invalid_input(fmt::format("check '{}' is on/off; write true or false", name), name);
  }
  if (!std::isfinite(limit) || limit < 0) {
    return invalid_input(fmt::format("check '{}' needs a finite limit >= 0, got {}", name, limit),
                         name);
  }
  values[name] = ThresholdSetting{true, limit};
  return {};
}

Status ThresholdLayer::set_text(const std::string& name, std::string_view value) {
  if (value == "true" || value == "on") return set_enabled(name, true);
  if (value == "false" || value == "off") return set_enabled(name, false);
  std::string s(value);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end == nullptr || *end != '\0') {
    return invalid_input(
        fmt::format("'{}' is not a value for check '{}'; write a number, true or false", value,
                    name),
        name);
  }
  return set_limit(name, v);
}

Thresholds::Thresholds() {
  for (const auto& d : check_catalogue()) {
    values_.push_back(Threshold{d.name, d.kind, d.default_enabled, default_limit_of(d),
                                ThresholdSource::kDefault});
  }
}

const Threshold& Thresholds::get(std::string_view name) const {
  for (const auto& t : values_) {
    if (t.name == name) return t;
  }
  KTSTR_CHECK(false, "unknown check name");
  __builtin_unreachable();
}

void Thresholds::apply(const ThresholdLayer& layer, ThresholdSource source) {
  for (auto& t : values_) {
    auto it = layer.values.find(t.name);
    if (it == layer.values.end()) continue;
    t.enabled = it->second.enabled;
    if (it->second.limit) {
      t.limit = *it->second.limit;
    } else if (t.enabled && t.kind != CheckKind::kToggle && t.limit == 0) {
      t.limit = default_limit_of(*find_check(t.name));
    }
    t.source = source;
  }
}

Thresholds merge_thresholds(const ThresholdLayer* scheduler, const ThresholdLayer* test,
                            const ThresholdLayer* cli) {
  Thresholds t;
  if (scheduler != nullptr) t.apply(*scheduler, ThresholdSource::kScheduler);
  if (test != nullptr) t.apply(*test, ThresholdSource::kTest);
  if (cli != nullptr) t.apply(*cli, ThresholdSource::kCli);
  return t;
}

}  // namespace ktstr::check
