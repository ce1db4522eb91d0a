// TEMPORARY: see guest_topology.hpp.
#include "vm/guest_topology.hpp"

#include <dirent.h>

#include <map>
#include <set>

#include "util/cpu_list.hpp"
#include "util/file_io.hpp"

namespace ktstr::vm {
namespace {

std::string trimmed(const std::string& path) {
  auto r = read_file(path);
  if (!r) return {};
  std::string s = *r;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The cpu list of `cpu`'s last-level cache ("" when the kernel shows none).
std::string llc_of(const std::string& cpu_dir) {
  std::string best;
  int best_level = -1;
  for (int i = 0; i < 16; ++i) {
    std::string idx = cpu_dir + "/cache/index" + std::to_string(i);
    std::string level = trimmed(idx + "/level");
    if (level.empty()) break;
    std::string type = trimmed(idx + "/type");
    int lv = std::atoi(level.c_str());
    if (type != "Instruction" && lv > best_level) {
      best_level = lv;
      best = trimmed(idx + "/shared_cpu_list");
    }
  }
  return best;
}

std::vector<std::string> node_lists(const std::string& sysfs_root) {
  std::vector<std::string> out;
  std::string online = trimmed(sysfs_root + "/devices/system/node/online");
  auto nodes = parse_cpu_list(online);
  if (!nodes || nodes->empty()) return out;
  for (int n : *nodes) {
    out.push_back(trimmed(fmt::format("{}/devices/system/node/node{}/cpulist", sysfs_root, n)));
  }
  return out;
}

}  // namespace

Result<SeenTopology> read_seen_topology(const std::string& sysfs_root) {
  SeenTopology t;
  std::string cpu_root = sysfs_root + "/devices/system/cpu";
  t.online = trimmed(cpu_root + "/online");
  auto online = parse_cpu_list(t.online);
  if (!online || online->empty()) {
    return environment_error("cannot read the online CPU list", 0, cpu_root + "/online");
  }
  t.cpus = static_cast<int>(online->size());
  std::set<std::string> llcs;
  std::map<std::string, std::set<std::string>> cores_by_llc;
  std::set<size_t> smt_widths;
  for (int cpu : *online) {
    std::string dir = fmt::format("{}/cpu{}", cpu_root, cpu);
    std::string llc = llc_of(dir);
    if (llc.empty()) llc = t.online;  // no cache info: one LLC
    std::string siblings = trimmed(dir + "/topology/thread_siblings_list");
    if (siblings.empty()) siblings = std::to_string(cpu);
    llcs.insert(llc);
    cores_by_llc[llc].insert(siblings);
    if (auto s = parse_cpu_list(siblings)) smt_widths.insert(s->size());
  }
  // Order LLCs by their first CPU ("2-3" before "10-11").
  std::map<int, std::string> by_first;
  for (const auto& l : llcs) {
    auto cpus = parse_cpu_list(l);
    by_first[cpus && !cpus->empty() ? *cpus->begin() : 0] = l;
  }
  for (const auto& [first, l] : by_first) t.llc_cpus.push_back(l);
  t.llcs = static_cast<int>(llcs.size());
  std::set<size_t> core_counts;
  for (const auto& [llc, cores] : cores_by_llc) core_counts.insert(cores.size());
  t.cores_per_llc = static_cast<int>(cores_by_llc.begin()->second.size());
  t.threads_per_core = smt_widths.empty() ? 1 : static_cast<int>(*smt_widths.begin());
  t.uniform = core_counts.size() == 1 && smt_widths.size() <= 1;
  t.node_cpus = node_lists(sysfs_root);
  t.nodes = t.node_cpus.empty() ? 1 : static_cast<int>(t.node_cpus.size());
  return t;
}

std::string topology_mismatch(const VmTopology& want, const SeenTopology& seen) {
  std::vector<std::string> diffs;
  auto cmp = [&](const char* what, int w, int s) {
    if (w != s) diffs.push_back(fmt::format("{} {} (wanted {})", what, s, w));
  };
  cmp("CPUs", want.cpus(), seen.cpus);
  cmp("nodes", want.nodes, seen.nodes);
  cmp("LLCs", want.llcs, seen.llcs);
  cmp("cores per LLC", want.cores_per_llc, seen.cores_per_llc);
  cmp("threads per core", want.threads_per_core, seen.threads_per_core);
  if (!seen.uniform) diffs.push_back("LLCs or cores differ in size");
  std::string out;
  for (const auto& d : diffs) out += (out.empty() ? "" : ", ") + d;
  return out;
}

nlohmann::json to_json(const SeenTopology& t) {
  return {{"cpus", t.cpus},
          {"nodes", t.nodes},
          {"llcs", t.llcs},
          {"cores_per_llc", t.cores_per_llc},
          {"threads_per_core", t.threads_per_core},
          {"uniform", t.uniform},
          {"online", t.online},
          {"llc_cpus", t.llc_cpus},
          {"node_cpus", t.node_cpus}};
}

}  // namespace ktstr::vm
