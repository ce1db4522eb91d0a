// VM overhead benchmark: what ktstr's guest init costs on top of the bare
// VM, measured against a floor in the same run — the same kernel, topology
// and accelerator booting a trivial static /init (vm_trivial_init.cpp) that
// marks its start, writes an empty result and powers off.
//
//   ktstr-vm-overhead [--kernel auto|sched-ext|debian|KEY|PATH] [--topology 1n1l2c1t]
//                     [--repeat 5] [--json]
//
// Reports medians of: launch -> init start, init start -> result, result ->
// QEMU gone (teardown), and the total, with ktstr/floor ratios.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/file_io.hpp"
#include "vm/cache.hpp"
#include "vm/cpio.hpp"
#include "vm/qemu.hpp"
#include "vm/run_in_vm.hpp"

namespace {

using namespace ktstr;
using namespace ktstr::vm;

struct Options {
  std::string kernel = "auto";
  std::string topology = "1n1l2c1t";
  int repeat = 5;
  bool json = false;
};

struct Sample {
  double to_init_ms = 0, to_result_ms = 0, teardown_ms = 0, total_ms = 0;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double ms(uint64_t a, uint64_t b) {
  return a && b > a ? static_cast<double>(b - a) / 1e6 : 0;
}

Result<Sample> run_floor(const QemuConfig& base, const std::string& initrd) {
  auto tmp = TempDir::create("ktstr-vm-floor-");
  if (!tmp) return unexpected(tmp.error());
  QemuRun run;
  run.config = base;
  run.config.initrd = initrd;
  run.config.console_path = tmp->path() + "/console.log";
  run.run_dir = tmp->path();
  run.timeout_ms = 60000;
  auto q = run_qemu(run);
  if (!q) return unexpected(q.error());
  if (!q->result_complete) return make_error(ErrorKind::kRuntime, "trivial init sent no result");
  return Sample{ms(q->launch_ns, q->init_start_ns), ms(q->init_start_ns, q->result_ns),
                ms(q->result_ns, q->exit_ns), ms(q->launch_ns, q->exit_ns)};
}

Result<Sample> run_ktstr(const Options& o) {
  VmRequest req;
  req.kernel = o.kernel;
  req.topology = o.topology;
  req.init_binary = KTSTR_BINARY;
  req.argv = {"--version"};
  req.timeout_ms = 60000;
  auto r = run_in_vm(req);
  if (!r) return unexpected(r.error());
  if (r->verdict != vm::GuestVerdict::kPass) {
    return make_error(ErrorKind::kRuntime, "ktstr guest run failed: " + r->reason);
  }
  return Sample{r->timings.launch_to_init_ms, r->timings.init_to_result_ms, r->timings.teardown_ms,
                r->timings.total_ms};
}

Result<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--kernel")
      o.kernel = value();
    else if (a == "--topology")
      o.topology = value();
    else if (a == "--repeat")
      o.repeat = std::max(1, std::atoi(value().c_str()));
    else if (a == "--json")
      o.json = true;
    else
      return invalid_input("unknown argument (see the header of vm_overhead_main.cpp)", a);
  }
  return o;
}

// The trivial initramfs: /init plus the two device nodes it opens.
Result<std::string> trivial_initrd(const std::string& dir) {
  auto init = read_file(KTSTR_TRIVIAL_INIT);
  if (!init) return unexpected(init.error());
  CpioWriter w;
  w.add_char_device("/dev/console", 5, 1);
  w.add_char_device("/dev/ttyS1", 4, 65, 0620);
  w.add_file("/init", *init, 0755);
  w.finish();
  std::string path = dir + "/trivial.cpio";
  KTSTR_TRY(write_file_atomic(path, w.bytes()));
  return path;
}

int run(const Options& o) {
  auto kernel = resolve_kernel(o.kernel, cache_root());
  auto topo = parse_vm_topology(o.topology);
  auto accel = choose_accel(Accel::kAuto);
  auto tmp = TempDir::create("ktstr-vm-bench-");
  if (!kernel || !topo || !accel || !tmp) {
    const Error& e = !kernel  ? kernel.error()
                     : !topo  ? topo.error()
                     : !accel ? accel.error()
                              : tmp.error();
    std::fprintf(stderr, "ktstr-vm-overhead: %s\n", e.describe().c_str());
    return e.kind == ErrorKind::kInvalidInput ? 2 : 3;
  }
  auto initrd = trivial_initrd(tmp->path());
  if (!initrd) return std::fprintf(stderr, "%s\n", initrd.error().describe().c_str()), 3;
  QemuConfig base;
  base.accel = accel->accel;
  base.topology = *topo;
  base.memory_mib = default_memory_mib(topo->total_cpus(), 0, topo->nodes);
  base.kernel = kernel->boot_image;
  std::vector<Sample> floor, ktstr;
  for (int i = 0; i < o.repeat; ++i) {  // interleaved so drift hits both
    auto f = run_floor(base, *initrd);
    auto k = run_ktstr(o);
    if (!f || !k) {
      std::fprintf(stderr, "ktstr-vm-overhead: %s\n",
                   (!f ? f.error() : k.error()).describe().c_str());
      return 1;
    }
    floor.push_back(*f);
    ktstr.push_back(*k);
  }
  auto med = [](const std::vector<Sample>& v, double Sample::*field) {
    std::vector<double> x;
    for (const auto& s : v) x.push_back(s.*field);
    return median(x);
  };
  struct Row {
    const char* name;
    double Sample::*field;
  };
  const Row rows[] = {{"launch_to_init", &Sample::to_init_ms},
                      {"init_to_result", &Sample::to_result_ms},
                      {"teardown", &Sample::teardown_ms},
                      {"total", &Sample::total_ms}};
  nlohmann::json j = {{"accel", accel_name(accel->accel)},
                      {"accel_reason", accel->reason},
                      {"kernel", kernel->release.empty() ? kernel->boot_image : kernel->release},
                      {"topology", o.topology},
                      {"repeat", o.repeat}};
  if (!o.json) {
    std::printf("VM overhead: accel %s (%s), kernel %s, topology %s, median of %d\n",
                accel_name(accel->accel), accel->reason.c_str(),
                j["kernel"].get<std::string>().c_str(), o.topology.c_str(), o.repeat);
    std::printf("%-16s %12s %12s %8s\n", "phase", "floor ms", "ktstr ms", "ratio");
  }
  for (const auto& r : rows) {
    double f = med(floor, r.field), k = med(ktstr, r.field);
    double ratio = f > 0 ? k / f : 0;
    j[r.name] = {{"floor_ms", f}, {"ktstr_ms", k}, {"ratio", ratio}};
    if (!o.json) std::printf("%-16s %12.1f %12.1f %8.2f\n", r.name, f, k, ratio);
  }
  if (o.json) std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  if (!o) {
    std::fprintf(stderr, "ktstr-vm-overhead: %s\n", o.error().describe().c_str());
    return 2;
  }
  return run(*o);
}
