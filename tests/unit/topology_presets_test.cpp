// The preset catalogue: every preset is a valid spec whose name states its
// shape, the catalogue covers the shapes the gauntlet promises, and
// `--topology` resolves names and specs alike.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "topology/presets.hpp"
#include "topology/topology.hpp"
#include "vm/qemu_args.hpp"

namespace ktstr::topo {
namespace {

using ::testing::HasSubstr;

struct NameParts {
  int cpus = 0, llcs = 0, nodes = 1;
  bool smt = false;
};

// Reads `<cpus>cpu-<llcs>llc[-<nodes>n]-<smt|nosmt>` independently of
// preset_name_for, so a wrong name cannot agree with a wrong generator.
bool parse_name(const std::string& name, NameParts& out) {
  static const std::regex re("^([0-9]+)cpu-([0-9]+)llc(-([0-9]+)n)?-(smt|nosmt)$");
  std::smatch m;
  if (!std::regex_match(name, m, re)) return false;
  out.cpus = std::stoi(m[1]);
  out.llcs = std::stoi(m[2]);
  out.nodes = m[4].matched ? std::stoi(m[4]) : 1;
  out.smt = m[5] == "smt";
  return true;
}

TEST(TopologyPresets, EveryPresetParsesAndItsNameStatesItsShape) {
  ASSERT_GE(presets().size(), 25u);
  for (const auto& p : presets()) {
    auto reparsed = TopologySpec::parse(p.spec.to_string());
    ASSERT_TRUE(reparsed) << p.name << ": " << reparsed.error().describe();
    EXPECT_EQ(*reparsed, p.spec) << p.name;
    NameParts n;
    ASSERT_TRUE(parse_name(p.name, n)) << p.name << " does not follow the naming rule";
    EXPECT_EQ(n.cpus, p.spec.total_cpus()) << p.name;
    EXPECT_EQ(n.llcs, p.spec.llcs) << p.name;
    EXPECT_EQ(n.nodes, p.spec.nodes) << p.name;
    EXPECT_EQ(n.smt, p.spec.threads_per_core > 1) << p.name;
    EXPECT_FALSE(p.purpose.empty()) << p.name;
    auto synthetic = Topology::synthetic(p.spec);
    EXPECT_EQ(synthetic.num_cpus(), p.spec.total_cpus()) << p.name;
    EXPECT_EQ(synthetic.num_llcs(), p.spec.llcs) << p.name;
    EXPECT_EQ(synthetic.regular_spec(), p.spec) << p.name;
  }
}

TEST(TopologyPresets, NamesAndShapesAreUnique) {
  std::set<std::string> names, specs;
  for (const auto& p : presets()) {
    EXPECT_TRUE(names.insert(p.name).second) << "duplicate name " << p.name;
    EXPECT_TRUE(specs.insert(p.spec.to_string()).second) << "duplicate shape " << p.name;
  }
}

TEST(TopologyPresets, OrderedByCpusThenLlcsThenNodes) {
  const auto& all = presets();
  for (size_t i = 1; i < all.size(); ++i) {
    const auto& a = all[i - 1].spec;
    const auto& b = all[i].spec;
    auto key = [](const TopologySpec& s) {
      return std::make_tuple(s.total_cpus(), s.llcs, s.nodes, s.threads_per_core);
    };
    EXPECT_LT(key(a), key(b)) << all[i - 1].name << " before " << all[i].name;
  }
}

// Memory: at least the VM layer's own default for that many vCPUs with a
// 64 MiB initramfs, and an equal share per node.
TEST(TopologyPresets, MemoryCoversTheVmDefaultAndSplitsEvenly) {
  for (const auto& p : presets()) {
    const int cpus = p.spec.total_cpus();
    EXPECT_GE(p.memory_mib, vm::default_memory_mib(cpus, 64ULL << 20, p.spec.nodes)) << p.name;
    EXPECT_EQ(p.memory_mib % static_cast<uint64_t>(p.spec.nodes), 0u) << p.name;
  }
}

TEST(TopologyPresets, CoversThePromisedShapes) {
  bool one_llc_small = false, one_llc_large = false, many_llcs_per_node = false;
  bool smt = false, nosmt = false, uneven = false, large = false, one_cpu = false;
  std::set<int> node_counts;
  for (const auto& p : presets()) {
    const auto& s = p.spec;
    one_llc_small |= s.llcs == 1 && s.total_cpus() <= 4;
    one_llc_large |= s.llcs == 1 && s.total_cpus() >= 16;
    many_llcs_per_node |= s.llcs_per_node() >= 4;
    smt |= s.threads_per_core == 2;
    nosmt |= s.threads_per_core == 1;
    uneven |= s.cores_per_llc == 3;
    large |= s.total_cpus() >= 128 && s.llcs >= 8;
    one_cpu |= s.total_cpus() == 1;
    node_counts.insert(s.nodes);
  }
  EXPECT_TRUE(one_llc_small && one_llc_large && many_llcs_per_node);
  EXPECT_TRUE(smt && nosmt && uneven && large && one_cpu);
  for (int n : {1, 2, 4, 8}) EXPECT_TRUE(node_counts.count(n)) << n << " nodes";
}

TEST(TopologyPresets, ResolveTakesANameOrASpec) {
  auto p = resolve_topology("64cpu-8llc-2n-smt");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->spec.to_string(), "2n8l4c2t");
  EXPECT_EQ(p->preset, "64cpu-8llc-2n-smt");
  EXPECT_EQ(p->memory_mib, 256u + 64u * 64u);
  auto s = resolve_topology(" 1n2l4c2t ");
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->spec.to_string(), "1n2l4c2t");
  EXPECT_EQ(s->memory_mib, 0u);
  EXPECT_EQ(s->preset, "");
}

TEST(TopologyPresets, TypoSuggestsTheNearestPreset) {
  auto r = resolve_topology("4cpu-1llc-nosnt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(r.error().context, "--topology");
  EXPECT_THAT(r.error().describe(), HasSubstr("did you mean '4cpu-1llc-nosmt'?"));
  EXPECT_THAT(r.error().describe(), HasSubstr("ktstr list presets"));
}

TEST(TopologyPresets, BadSpecKeepsTheSpecParsersReason) {
  auto r = resolve_topology("2n3l4c1t", "--presets");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context.rfind("--presets", 0), 0u) << r.error().context;
  EXPECT_THAT(r.error().describe(), HasSubstr("cannot be split evenly across 2 NUMA nodes"));
}

TEST(TopologyPresets, HostOrSyntheticAcceptsAPreset) {
  auto t = host_or_synthetic("16cpu-4llc-2n-smt", "/nonexistent");
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(t->num_cpus(), 16);
  ASSERT_TRUE(t->regular_spec());
  EXPECT_EQ(t->regular_spec()->to_string(), "2n4l2c2t");
}

TEST(TopologyPresets, JsonListsEveryPresetWithItsShape) {
  auto j = presets_json();
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), presets().size());
  const auto* p = find_preset("12cpu-2llc-2n-smt");
  ASSERT_NE(p, nullptr);
  for (const auto& e : j) {
    if (e["name"] != p->name) continue;
    EXPECT_EQ(e["spec"], "2n2l3c2t");
    EXPECT_EQ(e["cpus"], 12);
    EXPECT_EQ(e["llcs"], 2);
    EXPECT_EQ(e["nodes"], 2);
    EXPECT_EQ(e["cores_per_llc"], 3);
    EXPECT_EQ(e["threads_per_core"], 2);
    EXPECT_EQ(e["smt"], true);
    EXPECT_EQ(e["memory_mib"], 256 + 64 * 12);
    return;
  }
  ADD_FAILURE() << "12cpu-2llc-2n-smt missing from the JSON";
}

// docs/topology.md carries the table between two marker lines.
TEST(TopologyPresets, DocsTableMatchesTheCatalogue) {
  std::ifstream in(std::string(KTSTR_SOURCE_DIR) + "/docs/topology.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const std::string begin = "<!-- presets:begin (ktstr list presets --markdown) -->\n";
  const std::string end = "<!-- presets:end -->";
  auto b = doc.find(begin);
  auto e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(doc.substr(b + begin.size(), e - b - begin.size()), presets_markdown())
      << "docs/topology.md is stale: paste `build/ktstr list presets --markdown` between the "
         "markers";
}

}  // namespace
}  // namespace ktstr::topo
