// Topology::from_sysfs: reads devices/system/{cpu,node} under an injectable
// root, so tests run it on captured trees in tests/data/topology/.
//
// Only cpu/online and each node's cpulist are required; the per-CPU files
// have fallbacks because containers, odd architectures and CONFIG_NUMA=n
// kernels omit some of them, and `ktstr topo` should still describe the
// machine. Anything present but unparsable is an error naming the file.
#include <cerrno>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "topology/cpuset_math.hpp"
#include "topology/sysfs_parse.hpp"
#include "topology/topology.hpp"
#include "util/file_io.hpp"

namespace ktstr::topo {

class SysfsReader {
 public:
  explicit SysfsReader(const std::string& root)
      : cpu_dir_(root + "/devices/system/cpu"), node_dir_(root + "/devices/system/node") {}

  Result<Topology> read() {
    auto online = read_list(cpu_dir_ + "/online");
    if (!online) return unexpected(online.error());
    if (online->empty()) return env_error("no online CPUs listed", cpu_dir_ + "/online");
    auto nodes = read_nodes(*online);
    if (!nodes) return unexpected(nodes.error());
    std::map<int, int> node_of;
    for (const auto& n : *nodes) {
      for (int cpu : n.cpus) node_of.emplace(cpu, n.id);
    }
    std::vector<Topology::RawCpu> raw;
    for (int cpu : *online) {
      auto r = read_cpu(cpu);
      if (!r) return unexpected(r.error());
      auto it = node_of.find(cpu);
      if (it == node_of.end()) {
        return env_error(fmt::format("CPU {} is online but in no NUMA node's cpulist", cpu),
                         node_dir_);
      }
      r->node = it->second;
      raw.push_back(std::move(*r));
    }
    return Topology::assemble(std::move(raw), std::move(*nodes));
  }

 private:
  static Unexpected<Error> env_error(std::string message, std::string path) {
    return environment_error(std::move(message), 0, std::move(path));
  }

  // Text of `path`; nullopt when it does not exist.
  static Result<std::optional<std::string>> read_optional(const std::string& path) {
    auto text = read_file(path);
    if (text) return std::optional<std::string>(std::move(*text));
    if (text.error().err == ENOENT) return std::optional<std::string>();
    return environment_error("cannot read topology file", text.error().err, path);
  }

  template <class T, class Parse>
  static Result<std::optional<T>> read_parsed(const std::string& path, Parse parse) {
    auto text = read_optional(path);
    if (!text) return unexpected(text.error());
    if (!*text) return std::optional<T>();
    auto v = parse(**text);
    if (!v) return env_error(v.error().message, path);
    return std::optional<T>(std::move(*v));
  }

  static Result<CpuSet> read_list(const std::string& path) {
    auto v = read_parsed<CpuSet>(path, [](std::string_view s) { return parse_cpu_list(s); });
    if (!v) return unexpected(v.error());
    if (!*v) return env_error("does not exist; is sysfs mounted under that root?", path);
    return std::move(**v);
  }

  Result<Topology::RawCpu> read_cpu(int cpu) const {
    std::string dir = fmt::format("{}/cpu{}", cpu_dir_, cpu);
    Topology::RawCpu r;
    r.id = cpu;
    auto core = read_parsed<int>(dir + "/topology/core_id", parse_sysfs_int);
    if (!core) return unexpected(core.error());
    r.core_id = core->value_or(cpu);
    auto package = read_parsed<int>(dir + "/topology/physical_package_id", parse_sysfs_int);
    if (!package) return unexpected(package.error());
    r.package_id = package->value_or(0);
    auto parse_list = [](std::string_view s) { return parse_cpu_list(s); };
    auto siblings = read_parsed<CpuSet>(dir + "/topology/thread_siblings_list", parse_list);
    if (!siblings) return unexpected(siblings.error());
    if (!*siblings) {
      // Newer kernels also call it core_cpus_list.
      siblings = read_parsed<CpuSet>(dir + "/topology/core_cpus_list", parse_list);
      if (!siblings) return unexpected(siblings.error());
    }
    r.siblings = siblings->value_or(CpuSet{cpu});
    auto l3 = read_l3(dir + "/cache");
    if (!l3) return unexpected(l3.error());
    r.l3 = std::move(*l3);
    return r;
  }

  // shared_cpu_list of the CPU's level-3 cache; empty when it has none.
  static Result<CpuSet> read_l3(const std::string& cache_dir) {
    for (int i = 0;; ++i) {
      std::string dir = fmt::format("{}/index{}", cache_dir, i);
      std::error_code ec;
      if (!std::filesystem::is_directory(dir, ec)) return CpuSet{};
      auto level = read_parsed<int>(dir + "/level", parse_sysfs_int);
      if (!level) return unexpected(level.error());
      if (level->value_or(0) != 3) continue;
      auto type = read_optional(dir + "/type");
      if (!type) return unexpected(type.error());
      if (*type && type->value().rfind("Instruction", 0) == 0) continue;
      return read_list(dir + "/shared_cpu_list");
    }
  }

  Result<std::vector<int>> node_ids() const {
    auto listed = read_parsed<CpuSet>(node_dir_ + "/online",
                                      [](std::string_view s) { return parse_cpu_list(s); });
    if (!listed) return unexpected(listed.error());
    if (*listed) return std::vector<int>((*listed)->begin(), (*listed)->end());
    // No online file (seen in trimmed copies): take the nodeN directories.
    std::set<int> ids;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(node_dir_, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind("node", 0) != 0) continue;
      auto id = parse_sysfs_int(std::string_view(name).substr(4));
      if (id) ids.insert(*id);
    }
    return std::vector<int>(ids.begin(), ids.end());
  }

  Result<std::vector<NumaNode>> read_nodes(const CpuSet& online) const {
    std::error_code ec;
    if (!std::filesystem::is_directory(node_dir_, ec)) {
      return std::vector<NumaNode>{NumaNode{0, online, 0, {10}}};
    }
    auto ids = node_ids();
    if (!ids) return unexpected(ids.error());
    if (ids->empty()) return env_error("no NUMA nodes found", node_dir_);
    std::vector<NumaNode> nodes;
    for (int id : *ids) {
      auto n = read_node(id, ids->size());
      if (!n) return unexpected(n.error());
      n->cpus = intersect(n->cpus, online);
      nodes.push_back(std::move(*n));
    }
    return nodes;
  }

  Result<NumaNode> read_node(int id, size_t node_count) const {
    std::string dir = fmt::format("{}/node{}", node_dir_, id);
    NumaNode n;
    n.id = id;
    auto cpus = read_list(dir + "/cpulist");
    if (!cpus) return unexpected(cpus.error());
    n.cpus = std::move(*cpus);
    auto mem = read_parsed<uint64_t>(dir + "/meminfo", parse_node_memtotal_bytes);
    if (!mem) return unexpected(mem.error());
    n.memory_bytes = mem->value_or(0);
    auto dist = read_parsed<std::vector<int>>(dir + "/distance", parse_distances);
    if (!dist) return unexpected(dist.error());
    if (*dist && (*dist)->size() != node_count) {
      return env_error(fmt::format("{} distances for {} online nodes", (*dist)->size(), node_count),
                       dir + "/distance");
    }
    n.distances = dist->value_or(std::vector<int>{});
    return n;
  }

  std::string cpu_dir_;
  std::string node_dir_;
};

Result<Topology> Topology::from_sysfs(const std::string& sysfs_root) {
  return SysfsReader(sysfs_root).read();
}

}  // namespace ktstr::topo
