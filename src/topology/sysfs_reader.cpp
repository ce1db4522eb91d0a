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

  struct FileText {
    bool found = false;
    std::string text;
  };

  // The file's text; found = false when it does not exist.
  static Result<FileText> read_text(const std::string& path) {
    auto text = read_file(path);
    if (text) return FileText{true, std::move(*text)};
    if (text.error().err == ENOENT) return FileText{};
    if (text.error().kind == ErrorKind::kInvalidInput) {  // a FIFO, device or directory
      return invalid_input(
          fmt::format("topology file {}; point --sysfs-root at a copy of /sys with regular files",
                      text.error().message),
          path);
    }
    return environment_error("cannot read topology file", text.error().err, path);
  }

  // The parsed file, or `fallback` when it does not exist.
  template <class T, class Parse>
  static Result<T> read_or(const std::string& path, Parse parse, T fallback) {
    auto f = read_text(path);
    if (!f) return unexpected(f.error());
    if (!f->found) return fallback;
    auto v = parse(f->text);
    if (!v) return env_error(v.error().message, path);
    return std::move(*v);
  }

  static Result<CpuSet> parse_list(std::string_view text) { return parse_cpu_list(text); }

  static Result<CpuSet> read_list(const std::string& path) {
    auto f = read_text(path);
    if (!f) return unexpected(f.error());
    if (!f->found) return env_error("does not exist; is sysfs mounted under that root?", path);
    auto v = parse_cpu_list(f->text);
    if (!v) return env_error(v.error().message, path);
    return std::move(*v);
  }

  Result<Topology::RawCpu> read_cpu(int cpu) const {
    std::string dir = fmt::format("{}/cpu{}", cpu_dir_, cpu);
    Topology::RawCpu r;
    r.id = cpu;
    auto core = read_or(dir + "/topology/core_id", parse_sysfs_int, cpu);
    if (!core) return unexpected(core.error());
    r.core_id = *core;
    auto package = read_or(dir + "/topology/physical_package_id", parse_sysfs_int, 0);
    if (!package) return unexpected(package.error());
    r.package_id = *package;
    // thread_siblings_list is the classic name, core_cpus_list the newer one.
    auto siblings = read_or(dir + "/topology/core_cpus_list", parse_list, CpuSet{cpu});
    if (!siblings) return unexpected(siblings.error());
    siblings = read_or(dir + "/topology/thread_siblings_list", parse_list, *siblings);
    if (!siblings) return unexpected(siblings.error());
    r.siblings = std::move(*siblings);
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
      auto level = read_or(dir + "/level", parse_sysfs_int, 0);
      if (!level) return unexpected(level.error());
      if (*level != 3) continue;
      auto type = read_text(dir + "/type");
      if (!type) return unexpected(type.error());
      if (type->text.rfind("Instruction", 0) == 0) continue;
      return read_list(dir + "/shared_cpu_list");
    }
  }

  Result<std::vector<int>> node_ids() const {
    auto online = read_text(node_dir_ + "/online");
    if (!online) return unexpected(online.error());
    if (online->found) {
      auto ids = parse_cpu_list(online->text);
      if (!ids) return env_error(ids.error().message, node_dir_ + "/online");
      return std::vector<int>(ids->begin(), ids->end());
    }
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
    nodes.reserve(ids->size());
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
    auto mem = read_or(dir + "/meminfo", parse_node_memtotal_bytes, uint64_t{0});
    if (!mem) return unexpected(mem.error());
    n.memory_bytes = *mem;
    auto dist = read_or(dir + "/distance", parse_distances, std::vector<int>{});
    if (!dist) return unexpected(dist.error());
    if (!dist->empty() && dist->size() != node_count) {
      return env_error(fmt::format("{} distances for {} online nodes", dist->size(), node_count),
                       dir + "/distance");
    }
    n.distances = std::move(*dist);
    return n;
  }

  std::string cpu_dir_;
  std::string node_dir_;
};

Result<Topology> Topology::from_sysfs(const std::string& sysfs_root) {
  return SysfsReader(sysfs_root).read();
}

}  // namespace ktstr::topo
