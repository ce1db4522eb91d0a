// The boot-time model measured per host: the fit (Theil-Sen slope, medians),
// the bounded cache and its file (corrupt -> ignored with a warning, atomic
// replacement), and the estimates `--list` shows from it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gauntlet/boot_model.hpp"
#include "gauntlet/plan.hpp"
#include "util/file_io.hpp"

namespace ktstr::gauntlet {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string tmpl = fs::temp_directory_path().string() + "/ktstr-bootmodel-XXXXXX";
    path = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

BootSample sample(int cpus, double boot, double rest, uint64_t duration = 1000) {
  return {cpus, boot, boot + rest + static_cast<double>(duration), duration};
}

TEST(GauntletBootModel, FitIsRobustToAnOutlier) {
  // boot = 900 + 50 x vCPUs and 700 ms of the rest, plus one stuck boot.
  std::vector<BootSample> s = {sample(2, 1000, 700), sample(4, 1100, 700), sample(8, 1300, 700),
                               sample(4, 5000, 100)};
  auto m = fit_cost_model(s);
  EXPECT_EQ(m.boot_per_cpu_ms, 50u);
  EXPECT_EQ(m.boot_base_ms, 900u);
  EXPECT_EQ(m.guest_overhead_ms, 700u);
  EXPECT_EQ(m.samples, 4u);
  EXPECT_EQ(m.estimate_ms(16, 2000), 900u + 800u + 700u + 2000u);
}

TEST(GauntletBootModel, OneVcpuCountKeepsTheFixedSlope) {
  CostModel fixed;
  auto m = fit_cost_model({sample(4, 600, 400), sample(4, 700, 500), sample(4, 650, 450)}, fixed);
  EXPECT_EQ(m.boot_per_cpu_ms, fixed.boot_per_cpu_ms);
  EXPECT_EQ(m.boot_base_ms, 650u - 4 * fixed.boot_per_cpu_ms);
  EXPECT_EQ(m.guest_overhead_ms, 450u);
}

TEST(GauntletBootModel, EmptyIsTheFixedModelAndNegativesClamp) {
  auto m = fit_cost_model({});
  EXPECT_EQ(m.samples, 0u);
  EXPECT_EQ(m.estimate_ms(4, 2000), CostModel{}.estimate_ms(4, 2000));
  // Bigger guests booting faster (noise) never give a negative slope, and
  // a job shorter than its boot plus duration never a negative overhead.
  auto n = fit_cost_model({sample(2, 2000, -500), sample(8, 1000, -500)});
  EXPECT_EQ(n.boot_per_cpu_ms, 0u);
  EXPECT_EQ(n.guest_overhead_ms, 0u);
  EXPECT_EQ(n.boot_base_ms, 1500u);
}

TEST(GauntletBootModel, CacheKeepsTheLastSamplesAndEntries) {
  BootModelCache c;
  const BootModelKey k{"tcg", "sched-ext", "cpu"};
  for (int i = 0; i < 25; ++i) c.add(k, sample(2, 1000 + i, 0));
  ASSERT_EQ(c.entries.size(), 1u);
  ASSERT_EQ(c.entries[0].samples.size(), BootModelCache::kMaxSamples);
  EXPECT_EQ(c.entries[0].samples.front().boot_ms, 1005);
  EXPECT_EQ(c.entries[0].samples.back().boot_ms, 1024);
  for (int i = 0; i < 70; ++i) c.add({"tcg", "k" + std::to_string(i), "cpu"}, sample(2, 1, 0));
  EXPECT_EQ(c.entries.size(), BootModelCache::kMaxEntries);
  EXPECT_EQ(c.find(k), nullptr);  // least recently recorded
  EXPECT_EQ(c.find({"tcg", "k5", "cpu"}), nullptr);
  EXPECT_NE(c.find({"tcg", "k6", "cpu"}), nullptr);
  EXPECT_EQ(c.find({"kvm", "k6", "cpu"}), nullptr);  // the accelerator is part of the key
}

TEST(GauntletBootModel, JsonRoundTripAndRefusals) {
  BootModelCache c;
  c.add({"kvm", "debian", "Xeon"}, sample(4, 812.4, 300, 2000));
  auto back = parse_boot_model(boot_model_json(c));
  ASSERT_TRUE(back) << back.error().describe();
  ASSERT_EQ(back->entries.size(), 1u);
  EXPECT_EQ(back->entries[0].key, (BootModelKey{"kvm", "debian", "Xeon"}));
  EXPECT_EQ(back->entries[0].samples[0].cpus, 4);
  EXPECT_EQ(back->entries[0].samples[0].boot_ms, 812);
  EXPECT_EQ(back->entries[0].samples[0].duration_ms, 2000u);
  for (const char* bad :
       {"{not json", "[]", R"({"ktstr_boot_model": 2, "entries": []})",
        R"({"ktstr_boot_model": 1})", R"({"ktstr_boot_model": 1, "entries": [{"accel": 1}]})",
        R"({"ktstr_boot_model": 1, "entries": [{"accel": "tcg", "kernel": "k", "cpu_model": "c",
            "samples": [{"cpus": -1, "boot_ms": 1, "wall_ms": 1, "duration_ms": 1}]}]})"}) {
    EXPECT_FALSE(parse_boot_model(bad)) << bad;
  }
}

TEST(GauntletBootModel, CorruptOrOddCacheFilesAreIgnoredWithAWarning) {
  ScratchDir d;
  std::string warning;
  EXPECT_TRUE(load_boot_model(d.path + "/missing.json", warning).entries.empty());
  EXPECT_EQ(warning, "");
  const std::string corrupt = d.path + "/corrupt.json";
  ASSERT_TRUE(write_file_atomic(corrupt, "{\"ktstr_boot_model\": 1, \"entries\": [tru"));
  EXPECT_TRUE(load_boot_model(corrupt, warning).entries.empty());
  EXPECT_THAT(warning, HasSubstr("ignoring the boot-model cache " + corrupt));
  EXPECT_THAT(warning, HasSubstr("not valid JSON"));
  const std::string dir = d.path + "/adir";
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  EXPECT_TRUE(load_boot_model(dir, warning).entries.empty());
  EXPECT_THAT(warning, HasSubstr("a directory"));
  const std::string huge = d.path + "/huge.json";
  ASSERT_TRUE(write_file_atomic(huge, std::string((size_t{1} << 20) + 1, ' ')));
  EXPECT_TRUE(load_boot_model(huge, warning).entries.empty());
  EXPECT_THAT(warning, HasSubstr("ignoring"));
}

TEST(GauntletBootModel, RecordingAppendsAtomicallyAndReplacesACorruptFile) {
  ScratchDir d;
  const std::string path = boot_model_path(d.path);
  EXPECT_EQ(path, d.path + "/gauntlet/boot-model.json");
  EXPECT_EQ(boot_model_path(""), "");
  const BootModelKey k{"tcg", "auto", "cpu"};
  ASSERT_TRUE(record_boot_samples(path, k, {sample(2, 700, 300)}));
  ASSERT_TRUE(record_boot_samples(path, k, {sample(4, 800, 300), sample(4, 810, 300)}));
  std::string warning;
  auto c = load_boot_model(path, warning);
  EXPECT_EQ(warning, "");
  ASSERT_NE(c.find(k), nullptr);
  EXPECT_EQ(c.find(k)->samples.size(), 3u);
  ASSERT_TRUE(write_file_atomic(path, "garbage"));
  ASSERT_TRUE(record_boot_samples(path, k, {sample(2, 900, 300)}));
  c = load_boot_model(path, warning);
  EXPECT_EQ(warning, "");
  ASSERT_NE(c.find(k), nullptr);
  EXPECT_EQ(c.find(k)->samples.size(), 1u);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(d.path + "/gauntlet")) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"boot-model.json", "boot-model.json.lock"}));
}

TEST(GauntletBootModel, HostCpuModelFromCpuinfo) {
  ScratchDir d;
  const std::string p = d.path + "/cpuinfo";
  ASSERT_TRUE(write_file_atomic(p,
                                "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) "
                                "Xeon(R) CPU @ 2.20GHz \nprocessor\t: 1\nmodel name\t: other\n"));
  EXPECT_EQ(host_cpu_model(p), "Intel(R) Xeon(R) CPU @ 2.20GHz");
  EXPECT_EQ(host_cpu_model(d.path + "/none"), "unknown");
}

TEST(GauntletBootModel, ListShowsMeasuredEstimatesButPlansWithTheFixedModel) {
  GauntletOptions o;
  o.scenarios = {"steady"};
  o.presets = "2cpu-1llc-nosmt,4cpu-1llc-nosmt";
  o.kernels = {"sched-ext", "debian"};
  o.duration = "2s";
  auto p = plan_gauntlet(o, [](const char*) -> std::optional<std::string> { return {}; });
  ASSERT_TRUE(p) << p.error().describe();
  ASSERT_EQ(p->mine.size(), 4u);
  EXPECT_THAT(render_plan_text(*p), HasSubstr("(estimated, not yet measured on this host)"));

  BootModelCache c;
  for (auto s : {sample(2, 600, 400, 2000), sample(4, 700, 400, 2000)}) {
    c.add({"tcg", "sched-ext", "cpu"}, s);
  }
  c.add({"kvm", "debian", "cpu"}, sample(2, 100, 100, 2000));  // another accelerator
  set_host_estimates(*p, host_cost_models(c, "tcg", "cpu", {"sched-ext", "debian"}));
  EXPECT_EQ(p->measured_samples, 2u);
  // sched-ext measured: 500 + 50 x vCPUs + 400 + 2000; debian: the constants.
  const auto& jobs = p->matrix.jobs;
  ASSERT_EQ(jobs[0].kernel, "sched-ext");
  EXPECT_EQ(shown_estimate_ms(*p, 0), 500u + 100u + 400u + 2000u);
  EXPECT_EQ(shown_estimate_ms(*p, 2), 500u + 200u + 400u + 2000u);
  EXPECT_EQ(shown_estimate_ms(*p, 1), jobs[1].estimate_ms);
  EXPECT_EQ(jobs[0].estimate_ms, CostModel{}.estimate_ms(2, 2000));  // --budget, --shard
  auto text = render_plan_text(*p);
  EXPECT_THAT(text, HasSubstr("(from a boot-time model measured on this host: 2 finished jobs)"));
  EXPECT_THAT(text, HasSubstr("3.0 s"));
  auto j = plan_json(*p);
  EXPECT_EQ(j["jobs"][0]["host_estimate_ms"], 3000);
  EXPECT_EQ(j["jobs"][0]["estimate_ms"], jobs[0].estimate_ms);
  EXPECT_EQ(j["host_model"]["measured_samples"], 2);
  EXPECT_EQ(j["host_model"]["estimate_ms"], shown_total_ms(*p));
}

}  // namespace
}  // namespace ktstr::gauntlet
