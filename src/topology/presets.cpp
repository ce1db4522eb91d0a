#include "topology/presets.hpp"

#include <fmt/format.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "util/suggest.hpp"

namespace ktstr::topo {
namespace {

// 64 MiB per vCPU (the VM layer's default rate) plus 256 MiB for the
// kernel, the initramfs and the harness; a multiple of 64, so every node
// count up to 64 gets an equal share.
constexpr uint64_t memory_for(int cpus) {
  return 256 + 64 * static_cast<uint64_t>(cpus);
}

Preset make(int nodes, int llcs, int cores, int threads, const char* purpose) {
  TopologySpec s{nodes, llcs, cores, threads};
  return {preset_name_for(s), s, memory_for(s.total_cpus()), purpose};
}

std::vector<Preset> build_presets() {
  return {
      make(1, 1, 1, 1, "the smallest VM: one CPU, nothing to balance"),
      make(1, 1, 2, 1, "the smallest SMP shape (the default --topology)"),
      make(1, 1, 1, 2, "one core, two SMT siblings"),
      make(1, 2, 1, 1, "two LLCs of one CPU: cross-LLC placement at minimum size"),
      make(1, 1, 4, 1, "small single-LLC machine"),
      make(1, 1, 2, 2, "small single-LLC machine with SMT"),
      make(1, 2, 2, 1, "small machine with two LLCs"),
      make(2, 2, 2, 1, "the smallest NUMA machine: one LLC per node"),
      make(1, 2, 3, 1, "uneven: 3 cores per LLC"),
      make(1, 1, 8, 1, "8 cores sharing one LLC"),
      make(1, 1, 4, 2, "8 CPUs on one LLC with SMT"),
      make(1, 2, 2, 2, "two LLCs with SMT"),
      make(1, 4, 2, 1, "many small LLCs on one node"),
      make(2, 4, 2, 1, "2 NUMA nodes, 2 LLCs each"),
      make(2, 2, 3, 2, "uneven with SMT on 2 nodes: 3 SMT cores per LLC"),
      make(1, 4, 3, 1, "uneven: 4 LLCs of 3 cores"),
      make(1, 1, 8, 2, "one large LLC with SMT (desktop-like)"),
      make(1, 2, 4, 2, "two LLCs of 4 SMT cores (client chiplets)"),
      make(2, 4, 2, 2, "2 nodes x 2 LLCs with SMT"),
      make(4, 4, 4, 1, "4 NUMA nodes, one LLC each"),
      make(1, 8, 2, 1, "many LLCs per node: 8 LLCs of 2 cores"),
      make(1, 8, 3, 1, "uneven, many LLCs: 8 LLCs of 3 cores"),
      make(1, 1, 32, 1, "one large LLC of 32 cores"),
      make(4, 8, 4, 1, "4 nodes x 2 LLCs"),
      make(8, 8, 4, 1, "8 NUMA nodes, one LLC each"),
      make(8, 8, 3, 2, "8 nodes, uneven 3 SMT cores per LLC"),
      make(2, 8, 4, 2, "2-socket server with SMT, 4 LLCs per socket"),
      make(4, 16, 4, 1, "many LLCs per node: 4 nodes x 4 LLCs"),
      make(2, 16, 4, 2, "large 2-socket server: 128 CPUs, 16 LLCs"),
      make(8, 24, 8, 1, "large 8-node machine: 192 CPUs, 24 LLCs"),
      make(8, 32, 4, 2, "very large: 256 CPUs, 32 LLCs, 8 nodes, SMT"),
  };
}

std::string smt_word(const TopologySpec& s) {
  return s.threads_per_core > 1 ? "smt" : "nosmt";
}

// A spec string starts with digits and 'n'; a preset name has a '-'.
bool looks_like_spec(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  return i > 0 && i < text.size() && (text[i] == 'n' || text[i] == 'N') &&
         text.find('-') == std::string_view::npos;
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = build_presets();
  return all;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& p : presets()) out.push_back(p.name);
  return out;
}

const Preset* find_preset(std::string_view name) {
  for (const auto& p : presets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string preset_name_for(const TopologySpec& s) {
  std::string nodes = s.nodes > 1 ? fmt::format("-{}n", s.nodes) : "";
  return fmt::format("{}cpu-{}llc{}-{}", s.total_cpus(), s.llcs, nodes, smt_word(s));
}

Result<TopologyChoice> resolve_topology(std::string_view text, std::string_view flag) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (const Preset* p = find_preset(text)) return TopologyChoice{p->spec, p->memory_mib, p->name};
  if (looks_like_spec(text)) {
    auto spec = TopologySpec::parse(text);
    if (!spec) return unexpected(with_context(spec.error(), std::string(flag)));
    return TopologyChoice{*spec, 0, {}};
  }
  return invalid_input(fmt::format("'{}' is neither a preset nor a topology spec (`ktstr list "
                                   "presets` shows the presets; a spec looks like 1n2l4c2t){}",
                                   text, did_you_mean(text, preset_names())),
                       std::string(flag));
}

std::string presets_text() {
  std::string out = fmt::format("{:<22} {:<10} {:>4} {:>4} {:>5} {:<5} {:>8}  {}\n", "NAME", "SPEC",
                                "CPUS", "LLCS", "NODES", "SMT", "MEMORY", "PURPOSE");
  for (const auto& p : presets()) {
    out += fmt::format("{:<22} {:<10} {:>4} {:>4} {:>5} {:<5} {:>5} MiB  {}\n", p.name,
                       p.spec.to_string(), p.spec.total_cpus(), p.spec.llcs, p.spec.nodes,
                       p.spec.threads_per_core > 1 ? "yes" : "no", p.memory_mib, p.purpose);
  }
  out += fmt::format("{} presets; use a name wherever --topology takes a spec\n", presets().size());
  return out;
}

nlohmann::json presets_json() {
  auto arr = nlohmann::json::array();
  for (const auto& p : presets()) {
    arr.push_back({{"name", p.name},
                   {"spec", p.spec.to_string()},
                   {"cpus", p.spec.total_cpus()},
                   {"llcs", p.spec.llcs},
                   {"nodes", p.spec.nodes},
                   {"cores_per_llc", p.spec.cores_per_llc},
                   {"threads_per_core", p.spec.threads_per_core},
                   {"smt", p.spec.threads_per_core > 1},
                   {"memory_mib", p.memory_mib},
                   {"purpose", p.purpose}});
  }
  return arr;
}

std::string presets_markdown() {
  std::string out =
      "| preset | spec | CPUs | LLCs | nodes | SMT | memory | purpose |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (const auto& p : presets()) {
    out += fmt::format("| `{}` | `{}` | {} | {} | {} | {} | {} MiB | {} |\n", p.name,
                       p.spec.to_string(), p.spec.total_cpus(), p.spec.llcs, p.spec.nodes,
                       p.spec.threads_per_core > 1 ? "yes" : "no", p.memory_mib, p.purpose);
  }
  return out;
}

}  // namespace ktstr::topo
