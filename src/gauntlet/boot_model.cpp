#include "gauntlet/boot_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "util/input_file.hpp"
#include "util/output_file.hpp"
#include "vm/cache.hpp"

namespace ktstr::gauntlet {
namespace {

constexpr int kFormatVersion = 1;
// A cache of kMaxEntries x kMaxSamples samples is ~100 KiB of JSON.
constexpr size_t kBootModelMaxBytes = size_t{1} << 20;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  return (*std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid)) + hi) / 2;
}

uint64_t round_ms(double ms) {
  return ms <= 0 ? 0 : static_cast<uint64_t>(std::llround(ms));
}

bool finite_nonneg(const nlohmann::json& v) {
  return v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() >= 0;
}

Result<BootSample> parse_sample(const nlohmann::json& s) {
  if (!s.is_object()) return invalid_input("a sample is not an object");
  for (const char* k : {"cpus", "boot_ms", "wall_ms", "duration_ms"}) {
    if (!s.contains(k) || !finite_nonneg(s[k])) {
      return invalid_input(fmt::format("sample field '{}' missing or not a number >= 0", k));
    }
  }
  BootSample b;
  b.cpus = static_cast<int>(std::min(s["cpus"].get<double>(), 1e6));
  b.boot_ms = s["boot_ms"].get<double>();
  b.wall_ms = s["wall_ms"].get<double>();
  b.duration_ms = static_cast<uint64_t>(std::min(s["duration_ms"].get<double>(), 1e15));
  return b;
}

Result<BootModelEntry> parse_entry(const nlohmann::json& e) {
  if (!e.is_object()) return invalid_input("an entry is not an object");
  BootModelEntry out;
  for (auto [name, field] :
       {std::pair{"accel", &out.key.accel}, std::pair{"kernel", &out.key.kernel},
        std::pair{"cpu_model", &out.key.cpu_model}}) {
    if (!e.contains(name) || !e[name].is_string()) {
      return invalid_input(fmt::format("entry field '{}' missing or not a string", name));
    }
    *field = e[name].get<std::string>();
  }
  if (!e.contains("samples") || !e["samples"].is_array()) {
    return invalid_input("entry field 'samples' missing or not an array");
  }
  for (const auto& s : e["samples"]) {
    auto b = parse_sample(s);
    if (!b) return unexpected(b.error());
    out.samples.push_back(*b);
  }
  if (out.samples.size() > BootModelCache::kMaxSamples) {
    out.samples.erase(out.samples.begin(),
                      out.samples.end() - static_cast<std::ptrdiff_t>(BootModelCache::kMaxSamples));
  }
  return out;
}

}  // namespace

const BootModelEntry* BootModelCache::find(const BootModelKey& key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

void BootModelCache::add(const BootModelKey& key, const BootSample& sample) {
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const BootModelEntry& e) { return e.key == key; });
  BootModelEntry e;
  if (it != entries.end()) {
    e = std::move(*it);
    entries.erase(it);
  } else {
    e.key = key;
  }
  e.samples.push_back(sample);
  if (e.samples.size() > kMaxSamples) e.samples.erase(e.samples.begin());
  entries.push_back(std::move(e));
  if (entries.size() > kMaxEntries) entries.erase(entries.begin());
}

CostModel fit_cost_model(const std::vector<BootSample>& samples, const CostModel& fixed) {
  if (samples.empty()) return fixed;
  std::vector<double> slopes;
  for (size_t i = 0; i < samples.size(); ++i) {
    for (size_t k = i + 1; k < samples.size(); ++k) {
      const int dc = samples[k].cpus - samples[i].cpus;
      if (dc != 0) slopes.push_back((samples[k].boot_ms - samples[i].boot_ms) / dc);
    }
  }
  const double slope =
      slopes.empty() ? static_cast<double>(fixed.boot_per_cpu_ms) : std::max(0.0, median(slopes));
  std::vector<double> bases, rest;
  for (const auto& s : samples) {
    bases.push_back(s.boot_ms - slope * std::max(s.cpus, 1));
    rest.push_back(s.wall_ms - s.boot_ms - static_cast<double>(s.duration_ms));
  }
  CostModel m;
  m.boot_per_cpu_ms = round_ms(slope);
  m.boot_base_ms = round_ms(median(bases));
  m.guest_overhead_ms = round_ms(median(rest));
  m.samples = samples.size();
  return m;
}

std::string boot_model_json(const BootModelCache& cache) {
  auto entries = nlohmann::json::array();
  for (const auto& e : cache.entries) {
    auto samples = nlohmann::json::array();
    for (const auto& s : e.samples) {
      samples.push_back({{"cpus", s.cpus},
                         {"boot_ms", std::round(s.boot_ms)},
                         {"wall_ms", std::round(s.wall_ms)},
                         {"duration_ms", s.duration_ms}});
    }
    entries.push_back({{"accel", e.key.accel},
                       {"kernel", e.key.kernel},
                       {"cpu_model", e.key.cpu_model},
                       {"samples", samples}});
  }
  nlohmann::json doc = {{"ktstr_boot_model", kFormatVersion}, {"entries", entries}};
  return doc.dump(1) + "\n";
}

Result<BootModelCache> parse_boot_model(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return invalid_input("not valid JSON");
  if (!doc.is_object() || doc.value("ktstr_boot_model", nlohmann::json()) != kFormatVersion) {
    return invalid_input(fmt::format("not a boot-model cache of version {}", kFormatVersion));
  }
  if (!doc.contains("entries") || !doc["entries"].is_array()) {
    return invalid_input("field 'entries' missing or not an array");
  }
  BootModelCache cache;
  for (const auto& e : doc["entries"]) {
    auto entry = parse_entry(e);
    if (!entry) return unexpected(entry.error());
    cache.entries.push_back(std::move(*entry));
  }
  if (cache.entries.size() > BootModelCache::kMaxEntries) {
    cache.entries.erase(
        cache.entries.begin(),
        cache.entries.end() - static_cast<std::ptrdiff_t>(BootModelCache::kMaxEntries));
  }
  return cache;
}

std::string boot_model_path(const std::string& cache_root) {
  if (cache_root.empty()) return {};
  return cache_root + "/gauntlet/boot-model.json";
}

BootModelCache load_boot_model(const std::string& path, std::string& warning) {
  warning.clear();
  if (path.empty() || !vm::path_exists(path)) return {};
  auto text = read_input_file(path, kBootModelMaxBytes, "boot-model cache");
  if (!text) {
    warning = fmt::format("ignoring the boot-model cache {}: {}", path, text.error().describe());
    return {};
  }
  auto cache = parse_boot_model(*text);
  if (!cache) {
    warning = fmt::format("ignoring the boot-model cache {}: {} (it is rewritten by the next run)",
                          path, cache.error().message);
    return {};
  }
  return *cache;
}

Status record_boot_samples(const std::string& path, const BootModelKey& key,
                           const std::vector<BootSample>& samples) {
  if (path.empty() || samples.empty()) return {};
  const std::string dir = path.substr(0, path.rfind('/'));
  KTSTR_TRY(vm::make_dirs(dir));
  auto lock = vm::lock_exclusive(path + ".lock", "");
  if (!lock) return unexpected(lock.error());
  std::string ignored;  // a corrupt cache is replaced
  BootModelCache cache = load_boot_model(path, ignored);
  for (const auto& s : samples) cache.add(key, s);
  return replace_file_atomic(path, boot_model_json(cache), false);
}

const CostModel& HostCostModels::for_kernel(const std::string& kernel) const {
  auto it = measured.find(kernel);
  return it == measured.end() ? fixed : it->second;
}

size_t HostCostModels::samples() const {
  size_t n = 0;
  for (const auto& [k, m] : measured) n += m.samples;
  return n;
}

HostCostModels host_cost_models(const BootModelCache& cache, const std::string& accel,
                                const std::string& cpu_model,
                                const std::vector<std::string>& kernels, const CostModel& fixed) {
  HostCostModels h;
  h.fixed = fixed;
  for (const auto& k : kernels) {
    const auto* e = cache.find({accel, k, cpu_model});
    if (e && !e->samples.empty()) h.measured[k] = fit_cost_model(e->samples, fixed);
  }
  return h;
}

void set_host_estimates(GauntletPlan& plan, const HostCostModels& models) {
  plan.host_estimate_ms.clear();
  plan.measured_samples = models.samples();
  if (plan.measured_samples == 0) return;
  for (const auto& j : plan.matrix.jobs) {
    plan.host_estimate_ms.push_back(models.for_kernel(j.kernel).estimate_ms(j.cpus, j.duration_ms));
  }
}

uint64_t shown_estimate_ms(const GauntletPlan& plan, size_t job) {
  if (job < plan.host_estimate_ms.size()) return plan.host_estimate_ms[job];
  return plan.matrix.jobs[job].estimate_ms;
}

uint64_t shown_total_ms(const GauntletPlan& plan) {
  uint64_t total = 0;
  for (size_t i : plan.mine) total += shown_estimate_ms(plan, i);
  return total;
}

std::string host_cpu_model(const std::string& cpuinfo) {
  std::ifstream in(cpuinfo);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto v = line.substr(colon + 1);
    v.erase(0, v.find_first_not_of(" \t"));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
    if (!v.empty()) return v;
  }
  return "unknown";
}

}  // namespace ktstr::gauntlet
