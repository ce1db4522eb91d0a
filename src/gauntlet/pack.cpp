#include "gauntlet/pack.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <charconv>

namespace ktstr::gauntlet {

namespace {
constexpr size_t kMaxJobsFlag = 4096;
}  // namespace

Result<size_t> parse_jobs_flag(const std::string& text) {
  if (text == "auto") return size_t{0};
  size_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc() || ptr != end || n == 0 || n > kMaxJobsFlag) {
    return invalid_input(
        fmt::format("'{}' is not a job count; give 1..{} or auto (as many as fit on the CPUs)",
                    text, kMaxJobsFlag),
        "--jobs");
  }
  return n;
}

int vm_cpu_cost(int vcpus, bool kvm, int host_cpus) {
  const int cost = kvm ? std::max(vcpus, 1) : 1;
  return std::min(cost, std::max(host_cpus, 1));
}

std::vector<size_t> jobs_to_start(const std::vector<int>& pending, size_t running_jobs,
                                  int running_cpus, const PackLimits& limits) {
  std::vector<size_t> start;
  const int cpus = std::max(limits.host_cpus, 1);
  for (size_t i = 0; i < pending.size(); ++i) {
    if (limits.max_jobs != 0 && running_jobs >= limits.max_jobs) break;
    const int cost = std::min(std::max(pending[i], 1), cpus);
    if (running_cpus + cost > cpus) continue;
    start.push_back(i);
    ++running_jobs;
    running_cpus += cost;
  }
  return start;
}

size_t max_parallel_jobs(const std::vector<int>& costs, const PackLimits& limits) {
  std::vector<int> sorted = costs;
  std::sort(sorted.begin(), sorted.end());
  auto n = jobs_to_start(sorted, 0, 0, limits).size();
  return std::max<size_t>(n, 1);
}

int host_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(CPU_COUNT(&set), 1);
}

}  // namespace ktstr::gauntlet
