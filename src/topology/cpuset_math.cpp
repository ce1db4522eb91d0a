#include "topology/cpuset_math.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace ktstr::topo {
namespace {

// Guards floor(frac * n) against 0.3 * 10 = 2.9999999.
constexpr double kEpsilon = 1e-9;

std::vector<int> as_vector(const CpuSet& cpus) {
  return {cpus.begin(), cpus.end()};
}

CpuSet slice(const std::vector<int>& v, size_t begin, size_t end) {
  return CpuSet(v.begin() + static_cast<std::ptrdiff_t>(begin),
                v.begin() + static_cast<std::ptrdiff_t>(end));
}

// [begin, end) of part `index` when `n` items are split into `of` parts.
std::pair<size_t, size_t> part_bounds(size_t n, size_t index, size_t of) {
  size_t base = n / of;
  size_t extra = n % of;
  size_t begin = index * base + std::min(index, extra);
  return {begin, begin + base + (index < extra ? 1 : 0)};
}

Status check_part_args(size_t n, int index, int of, const char* what) {
  if (of < 1) {
    return invalid_input(fmt::format("'of' must be at least 1 (got {})", of));
  }
  if (index < 0 || index >= of) {
    return invalid_input(
        fmt::format("index {} is out of range for {} parts; use 0..{}", index, of, of - 1));
  }
  if (static_cast<size_t>(of) > n) {
    return invalid_input(
        fmt::format("cannot split {} {}{} into {} non-empty parts; use at most "
                    "{} parts or a bigger topology",
                    n, what, n == 1 ? "" : "s", of, n));
  }
  return {};
}

bool valid_fraction(double f) {
  return std::isfinite(f) && f >= 0.0 && f <= 1.0;
}

}  // namespace

CpuSet intersect(const CpuSet& a, const CpuSet& b) {
  CpuSet out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

CpuSet subtract(const CpuSet& a, const CpuSet& b) {
  CpuSet out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

CpuSet unite(const CpuSet& a, const CpuSet& b) {
  CpuSet out = a;
  out.insert(b.begin(), b.end());
  return out;
}

CpuSet usable_subset(const CpuSet& cpus) {
  CpuSet out = cpus;
  if (out.size() > 2) out.erase(std::prev(out.end()));
  return out;
}

Result<CpuSet> disjoint_part(const CpuSet& cpus, int index, int of) {
  KTSTR_TRY(check_part_args(cpus.size(), index, of, "CPU"));
  auto v = as_vector(cpus);
  auto [begin, end] = part_bounds(v.size(), static_cast<size_t>(index), static_cast<size_t>(of));
  return slice(v, begin, end);
}

Result<CpuSet> overlap_part(const CpuSet& cpus, int index, int of, double frac) {
  if (!valid_fraction(frac)) {
    return invalid_input(fmt::format(
        "overlap fraction {} is outside 0..1; 0 means disjoint, 1 doubles each part", frac));
  }
  KTSTR_TRY(check_part_args(cpus.size(), index, of, "CPU"));
  auto v = as_vector(cpus);
  auto [begin, end] = part_bounds(v.size(), static_cast<size_t>(index), static_cast<size_t>(of));
  size_t size = end - begin;
  auto grow = static_cast<size_t>(std::ceil(frac * static_cast<double>(size) - kEpsilon));
  size_t width = std::min(v.size(), size + grow);
  size_t start = std::min(begin, v.size() - width);
  return slice(v, start, start + width);
}

Result<CpuSet> fraction_range(const CpuSet& cpus, double start_frac, double end_frac) {
  if (!valid_fraction(start_frac) || !valid_fraction(end_frac) || start_frac >= end_frac) {
    return invalid_input(
        fmt::format("range({}, {}) is not a valid range; need 0 <= start < end "
                    "<= 1, e.g. range(0, 0.5)",
                    start_frac, end_frac));
  }
  if (cpus.empty()) return invalid_input("range of an empty CPU set; the topology has no CPUs");
  auto v = as_vector(cpus);
  auto n = static_cast<double>(v.size());
  auto begin = static_cast<size_t>(std::floor(start_frac * n + kEpsilon));
  auto end = static_cast<size_t>(std::floor(end_frac * n + kEpsilon));
  begin = std::min(begin, v.size() - 1);
  end = std::clamp(end, begin + 1, v.size());
  return slice(v, begin, end);
}

Result<CpuSet> group_part(const std::vector<CpuSet>& groups, int index, int of, const char* what) {
  std::vector<const CpuSet*> nonempty;
  for (const auto& g : groups) {
    if (!g.empty()) nonempty.push_back(&g);
  }
  KTSTR_TRY(check_part_args(nonempty.size(), index, of, what));
  auto [begin, end] =
      part_bounds(nonempty.size(), static_cast<size_t>(index), static_cast<size_t>(of));
  CpuSet out;
  for (size_t i = begin; i < end; ++i) out.insert(nonempty[i]->begin(), nonempty[i]->end());
  return out;
}

std::vector<CpuSet> split_by_groups(const std::vector<CpuSet>& groups, const CpuSet& cpus) {
  std::vector<CpuSet> out;
  for (const auto& g : groups) {
    CpuSet part = intersect(g, cpus);
    if (!part.empty()) out.push_back(std::move(part));
  }
  return out;
}

}  // namespace ktstr::topo
