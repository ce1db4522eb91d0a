#include "topology/render.hpp"

#include <fmt/format.h>

namespace ktstr::topo {
namespace {

std::string format_memory(uint64_t bytes) {
  constexpr double kMiB = 1024.0 * 1024.0;
  constexpr double kGiB = kMiB * 1024.0;
  if (bytes == 0) return "unknown";
  auto b = static_cast<double>(bytes);
  if (b >= kGiB) return fmt::format("{:.1f} GiB", b / kGiB);
  return fmt::format("{:.0f} MiB", b / kMiB);
}

void render_distances(const Topology& t, std::string& out) {
  for (const auto& n : t.nodes()) {
    if (n.distances.size() != t.nodes().size()) {
      out += "distances: unknown\n";
      return;
    }
  }
  out += "distances:\n         ";
  for (const auto& n : t.nodes()) out += fmt::format("{:>5}", n.id);
  out += '\n';
  for (const auto& n : t.nodes()) {
    out += fmt::format("  node {:<2}", n.id);
    for (int d : n.distances) out += fmt::format("{:>5}", d);
    out += '\n';
  }
}

}  // namespace

std::string render_text(const Topology& t) {
  std::string out;
  auto spec = t.regular_spec();
  out += fmt::format("spec:      {}\n", spec ? spec->to_string() : "irregular");
  out += fmt::format("cpus:      {} online ({}), usable by tests: {}\n", t.num_cpus(),
                     format_cpu_list(t.all_cpus()), format_cpu_list(t.usable_cpus()));
  int threads = t.threads_per_core();
  if (threads == 1) {
    out += "smt:       1 thread per core (no SMT)\n";
  } else {
    out += fmt::format("smt:       {} threads per core, {} SMT cores\n", threads,
                       t.smt_pairs().size());
  }
  out += fmt::format("llcs:      {}\n", t.num_llcs());
  for (const auto& l : t.llcs()) {
    out +=
        fmt::format("  llc {:<4} cpus {:<16} node {}\n", l.index, format_cpu_list(l.cpus), l.node);
  }
  out += fmt::format("numa:      {} node{}\n", t.num_nodes(), t.num_nodes() == 1 ? "" : "s");
  for (const auto& n : t.nodes()) {
    out += fmt::format("  node {:<3} cpus {:<16} memory {}\n", n.id,
                       n.cpus.empty() ? "none" : format_cpu_list(n.cpus),
                       format_memory(n.memory_bytes));
  }
  render_distances(t, out);
  return out;
}

nlohmann::json to_json(const Topology& t) {
  using nlohmann::json;
  json j;
  auto spec = t.regular_spec();
  j["spec"] = spec ? json(spec->to_string()) : json(nullptr);
  j["cpus"] = t.num_cpus();
  j["cpu_list"] = format_cpu_list(t.all_cpus());
  j["usable_cpu_list"] = format_cpu_list(t.usable_cpus());
  j["threads_per_core"] = t.threads_per_core();
  j["smt_pairs"] = json::array();
  for (const auto& [a, b] : t.smt_pairs()) j["smt_pairs"].push_back({a, b});
  j["llcs"] = json::array();
  for (const auto& l : t.llcs()) {
    j["llcs"].push_back({{"index", l.index},
                         {"cpus", l.cpus},
                         {"cpu_list", format_cpu_list(l.cpus)},
                         {"node", l.node}});
  }
  j["numa_nodes"] = json::array();
  for (const auto& n : t.nodes()) {
    j["numa_nodes"].push_back({{"id", n.id},
                               {"cpus", n.cpus},
                               {"cpu_list", format_cpu_list(n.cpus)},
                               {"memory_bytes", n.memory_bytes},
                               {"distances", n.distances}});
  }
  j["cpu_info"] = json::array();
  for (const auto& c : t.cpus()) {
    j["cpu_info"].push_back({{"cpu", c.id},
                             {"core_id", c.core_id},
                             {"package_id", c.package_id},
                             {"llc", c.llc},
                             {"node", c.node},
                             {"siblings", c.siblings}});
  }
  return j;
}

}  // namespace ktstr::topo
