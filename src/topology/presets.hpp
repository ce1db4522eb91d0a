// Named topology presets: the catalogue of machine shapes a gauntlet runs
// every scenario on, and the names `--topology` accepts besides a spec.
//
// A name says what the shape is: `<cpus>cpu-<llcs>llc[-<nodes>n]-<smt|nosmt>`
// (one node when the node part is absent; SMT means 2 threads per core), so
// `64cpu-8llc-2n-smt` is 2n8l4c2t. Each preset also fixes the VM's memory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "topology/spec.hpp"
#include "util/result.hpp"

namespace ktstr::topo {

struct Preset {
  std::string name;  // e.g. "16cpu-4llc-2n-smt"
  TopologySpec spec;
  uint64_t memory_mib = 0;  // whole VM, a multiple of the node count
  std::string purpose;      // one line: what this shape exercises
};

// Every preset, in catalogue order (by CPU count, then LLCs, nodes, SMT).
const std::vector<Preset>& presets();
std::vector<std::string> preset_names();

// The preset called `name`, or nullptr.
const Preset* find_preset(std::string_view name);

// The name a preset with this shape gets (the naming rule above).
std::string preset_name_for(const TopologySpec& spec);

// What `--topology TEXT` means: a preset (its spec and memory) or a spec
// string (memory 0 = the VM layer's default). An unknown word is
// kInvalidInput naming `flag`, with the nearest preset name or the spec
// parser's reason.
struct TopologyChoice {
  TopologySpec spec;
  uint64_t memory_mib = 0;
  std::string preset;  // empty when TEXT was a spec
};
Result<TopologyChoice> resolve_topology(std::string_view text,
                                        std::string_view flag = "--topology");

// `ktstr list presets` (text, --json) and the table in docs/topology.md.
std::string presets_text();
nlohmann::json presets_json();
std::string presets_markdown();

}  // namespace ktstr::topo
