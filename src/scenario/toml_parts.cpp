#include "scenario/toml_parts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "util/cpu_list.hpp"
#include "util/duration.hpp"
#include "util/suggest.hpp"
#include "workload/spec.hpp"

namespace ktstr::scenario::toml_detail {
namespace {

template <class T>
Unexpected<Error> err(const std::string& file, const T& node, std::string msg) {
  return error_at(file, line_of(node), std::move(msg));
}

// The largest size accepted (1 EiB): far above any machine, far below
// uint64_t overflow.
constexpr double kMaxBytes = 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024;

// "512M", "1G", "4096" (bytes); binary multiples.
std::optional<uint64_t> parse_bytes(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v) || v < 0) return std::nullopt;
  const std::string unit(end);
  double mult = 1;
  if (unit == "K" || unit == "KiB" || unit == "k") {
    mult = 1024.0;
  } else if (unit == "M" || unit == "MiB") {
    mult = 1024.0 * 1024;
  } else if (unit == "G" || unit == "GiB") {
    mult = 1024.0 * 1024 * 1024;
  } else if (!unit.empty()) {
    return std::nullopt;
  }
  if (v * mult > kMaxBytes) return std::nullopt;
  return static_cast<uint64_t>(std::llround(v * mult));
}

// An integer key of a cpuset table within min..max (CPU, LLC and node
// numbers and part counts), so it narrows to int without wrapping.
Result<std::optional<int>> small_int(const TableReader& r, const std::string& key, int64_t min,
                                     int64_t max) {
  auto v = r.integer(key);
  if (!v) return unexpected(v.error());
  if (!*v) return std::optional<int>();
  if (**v < min || **v > max) {
    return r.error(r.key_line(key),
                   fmt::format("{} {} must be in {}..{}, got {}", r.where(), key, min, max, **v));
  }
  return std::optional<int>(static_cast<int>(**v));
}

Result<CpuSet> cpus_of(const toml::node& n, const std::string& file, const char* what) {
  if (auto s = n.value<std::string>()) {
    auto c = parse_cpu_list(*s);
    if (!c) return err(file, n, fmt::format("{}: {}", what, c.error().message));
    return *c;
  }
  if (const auto* a = n.as_array()) {
    CpuSet out;
    for (const auto& e : *a) {
      if (!e.is_integer() || *e.value<int64_t>() < 0 || *e.value<int64_t>() > kMaxCpuId) {
        return err(file, e,
                   fmt::format("{}: CPU numbers must be integers in 0..{}", what, kMaxCpuId));
      }
      out.insert(static_cast<int>(*e.value<int64_t>()));
    }
    return out;
  }
  return err(file, n,
             fmt::format("{} must be a CPU list string (\"0-3,5\") or an array of CPU "
                         "numbers, got {}",
                         what, type_name(n)));
}

}  // namespace

const std::vector<std::string>& cgroup_keys() {
  static const std::vector<std::string> k = {"name",       "parent",     "cpuset",
                                             "work",       "cpu_weight", "cpu_max",
                                             "cpu_period", "memory_max", "pids_max"};
  return k;
}

const std::vector<std::string>& work_keys() {
  static const std::vector<std::string> k = {
      "type", "workers", "workers_pct", "params", "policy", "nice",     "affinity",
      "comm", "pcomm",   "mem_policy",  "uid",    "gid",    "numa_node"};
  return k;
}

const std::vector<std::string>& limit_keys() {
  static const std::vector<std::string> k = {"cpu_weight", "cpu_max", "cpu_period", "memory_max",
                                             "pids_max"};
  return k;
}

Result<CpusetSpec> parse_cpuset(const toml::node& n, const std::string& file) {
  if (n.is_string() || n.is_array()) {
    auto c = cpus_of(n, file, "cpuset");
    if (!c) return unexpected(c.error());
    return CpusetSpec::exact(*c);
  }
  const toml::table* t = n.as_table();
  if (t == nullptr || t->size() != 1) {
    return err(file, n,
               "cpuset must be a table with exactly one of llc, numa, range, disjoint, overlap, "
               "exact (e.g. cpuset = { disjoint = { index = 0, of = 2 } })");
  }
  TableReader r(*t, "cpuset", &file);
  KTSTR_TRY(r.check_keys({"llc", "numa", "range", "disjoint", "overlap", "exact"}));
  std::string k;
  const toml::node* value_ptr = nullptr;
  for (auto&& [key, v] : *t) {
    k = std::string(key.str());
    value_ptr = &v;
  }
  const toml::node& value = *value_ptr;
  if (k == "llc" || k == "numa") {
    auto i = small_int(r, k, 0, k == "llc" ? kMaxCpuId : workload::kMaxNumaNodeId);
    if (!i) return unexpected(i.error());
    if (!*i) return r.type_error(k, "an integer");
    return k == "llc" ? CpusetSpec::llc(**i) : CpusetSpec::numa(**i);
  }
  if (k == "exact") {
    auto c = cpus_of(value, file, "cpuset exact");
    if (!c) return unexpected(c.error());
    return CpusetSpec::exact(*c);
  }
  const toml::table* inner = value.as_table();
  if (inner == nullptr) {
    return err(file, value, fmt::format("cpuset {} must be a table, got {}", k, type_name(value)));
  }
  TableReader in(*inner, "cpuset " + k, &file);
  if (k == "range") {
    KTSTR_TRY(in.check_keys({"start", "end"}));
    auto s = in.number("start");
    if (!s) return unexpected(s.error());
    auto e = in.number("end");
    if (!e) return unexpected(e.error());
    return CpusetSpec::range(s->value_or(0), e->value_or(1));
  }
  KTSTR_TRY(in.check_keys(k == "overlap" ? std::vector<std::string>{"index", "of", "frac"}
                                         : std::vector<std::string>{"index", "of"}));
  auto idx = small_int(in, "index", 0, kMaxCpuId);
  if (!idx) return unexpected(idx.error());
  auto of = small_int(in, "of", 1, kMaxCpuId + 1);
  if (!of) return unexpected(of.error());
  if (!*idx || !*of) return in.error(in.line(), fmt::format("cpuset {} needs index and of", k));
  if (k == "disjoint") return CpusetSpec::disjoint(**idx, **of);
  auto frac = in.number("frac");
  if (!frac) return unexpected(frac.error());
  return CpusetSpec::overlap(**idx, **of, frac->value_or(0.5));
}

Result<workload::AffinityIntent> parse_affinity(const toml::node& n, const std::string& file) {
  using K = workload::AffinityIntent::Kind;
  workload::AffinityIntent a;
  static const std::vector<std::pair<std::string, K>> simple = {
      {"inherit", K::kInherit},
      {"single_cpu", K::kSingleCpu},
      {"llc_aligned", K::kLlcAligned},
      {"cross_cgroup", K::kCrossCgroup},
      {"smt_sibling_pair", K::kSmtSiblingPair}};
  if (auto s = n.value<std::string>()) {
    std::vector<std::string> names;
    for (const auto& [name, kind] : simple) {
      if (*s == name) {
        a.kind = kind;
        return a;
      }
      names.push_back(name);
    }
    names.emplace_back("exact");
    names.emplace_back("random_subset");
    return err(file, n,
               fmt::format("unknown affinity '{}'{} (inherit, single_cpu, llc_aligned, "
                           "cross_cgroup, smt_sibling_pair, {{ exact = \"0-1\" }}, "
                           "{{ random_subset = 2 }})",
                           *s, did_you_mean(*s, names)));
  }
  const toml::table* t = n.as_table();
  if (t == nullptr || t->size() != 1) {
    return err(file, n, "affinity must be a name or { exact = \"0-1\" } / { random_subset = N }");
  }
  TableReader r(*t, "affinity", &file);
  KTSTR_TRY(r.check_keys({"exact", "random_subset"}));
  if (r.has("exact")) {
    auto c = cpus_of(*r.raw("exact"), file, "affinity exact");
    if (!c) return unexpected(c.error());
    a.kind = K::kExact;
    a.cpus = *c;
    return a;
  }
  auto count = r.integer("random_subset");
  if (!count) return unexpected(count.error());
  // The count range is workload::check_affinity's; a negative count reaches it as 0.
  a.kind = K::kRandomSubset;
  a.count = static_cast<size_t>(std::max<int64_t>(**count, 0));
  return a;
}

Status parse_limits(const TableReader& r, Limits& out) {
  auto weight = r.integer("cpu_weight");
  if (!weight) return unexpected(weight.error());
  if (*weight) {
    if (**weight < 1 || **weight > 10000) {
      return r.error(r.key_line("cpu_weight"), "cpu_weight must be in 1..10000");
    }
    out.cpu_weight = static_cast<uint32_t>(**weight);
  }
  auto quota = r.duration_ns("cpu_max");
  if (!quota) return unexpected(quota.error());
  if (*quota) out.cpu_max_quota_us = **quota / 1000;
  auto period = r.duration_ns("cpu_period");
  if (!period) return unexpected(period.error());
  if (*period) out.cpu_max_period_us = **period / 1000;
  if (const auto* m = r.raw("memory_max")) {
    std::optional<uint64_t> bytes;
    if (m->is_integer() && *m->value<int64_t>() > 0) {
      bytes = static_cast<uint64_t>(*m->value<int64_t>());
    } else if (auto s = m->value<std::string>()) {
      bytes = parse_bytes(*s);
    }
    if (!bytes) {
      return r.error(line_of(*m), "memory_max must be bytes or a size such as \"512M\" or \"1G\"");
    }
    out.memory_max_bytes = bytes;
  }
  auto pids = r.integer("pids_max");
  if (!pids) return unexpected(pids.error());
  if (*pids) {
    if (**pids < 1) return r.error(r.key_line("pids_max"), "pids_max must be >= 1");
    out.pids_max = static_cast<uint64_t>(**pids);
  }
  return {};
}

Result<Hold> parse_hold(const toml::node& n, const std::string& file) {
  auto one = [&](const toml::node& v) -> Result<Hold> {
    auto s = v.value<std::string>();
    if (!s) {
      return err(file, v,
                 fmt::format("hold must be a fraction (\"50%\") or a duration (\"2s\"), "
                             "got {}",
                             type_name(v)));
    }
    if (!s->empty() && s->back() == '%') {
      char* end = nullptr;
      const double pct = std::strtod(s->c_str(), &end);
      if (end != s->c_str() + s->size() - 1 || !(pct > 0 && pct <= 100)) {
        return err(file, v, fmt::format("hold '{}' must be a percentage in (0%, 100%]", *s));
      }
      return Hold::of(pct / 100);
    }
    auto ns = parse_duration_ns(*s);
    if (!ns) return err(file, v, "hold: " + ns.error().message);
    return Hold::fixed(*ns);
  };
  if (!n.is_table()) return one(n);
  TableReader r(*n.as_table(), "hold", &file);
  KTSTR_TRY(r.check_keys({"loop", "for"}));
  auto every = r.duration_ns("loop");
  if (!every) return unexpected(every.error());
  if (!*every) return r.error(r.line(), "a hold table needs loop = \"<interval>\"");
  Hold h = Hold::share();
  if (const auto* f = r.raw("for")) {
    auto inner = one(*f);
    if (!inner) return unexpected(inner.error());
    h = *inner;
  }
  h.loop_interval_ns = **every;
  return h;
}

Result<check::RelativeCheck> parse_relative_check(const toml::table& t, const std::string& file) {
  TableReader r(t, "[[check]]", &file);
  KTSTR_TRY(r.check_keys({"metric", "phase", "baseline", "max_ratio", "min_ratio"}));
  check::RelativeCheck c;
  c.line = r.line();
  for (const auto& [key, out] :
       {std::pair{"metric", &c.metric}, {"phase", &c.phase}, {"baseline", &c.baseline}}) {
    auto v = r.required_str(key);
    if (!v) return unexpected(v.error());
    *out = *v;
  }
  for (const auto& [key, out] :
       {std::pair{"max_ratio", &c.max_ratio}, {"min_ratio", &c.min_ratio}}) {
    auto v = r.number(key);
    if (!v) return unexpected(v.error());
    *out = *v;
  }
  if (auto st = check::validate_relative_check(c); !st) {
    return r.error(r.line(), st.error().message);
  }
  return c;
}

Status parse_expectations(const TableReader& top, Scenario& s) {
  auto err = top.str("expect_scheduler_error");
  if (!err) return unexpected(err.error());
  if (*err && (*err)->empty()) {
    return top.error(top.key_line("expect_scheduler_error"),
                     "expect_scheduler_error must not be empty: give a substring of the "
                     "scheduler's expected error message (or use expect_stall = true)");
  }
  s.expect_scheduler_error = *err;
  auto stall = top.boolean("expect_stall");
  if (!stall) return unexpected(stall.error());
  s.expect_stall = stall->value_or(false);
  return {};
}

}  // namespace ktstr::scenario::toml_detail
