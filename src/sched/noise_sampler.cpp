// Live reads for the noise sampler (noise.hpp); the arithmetic is in noise.cpp.
#include <dirent.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "sched/noise.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"

namespace ktstr::sched {
namespace {

uint64_t rusage_ns(int who) {
  rusage ru{};
  if (getrusage(who, &ru) != 0) return 0;
  auto ns = [](const timeval& tv) {
    return static_cast<uint64_t>(tv.tv_sec) * 1'000'000'000ull +
           static_cast<uint64_t>(tv.tv_usec) * 1000ull;
  };
  return ns(ru.ru_utime) + ns(ru.ru_stime);
}

std::optional<SchedStat> read_schedstat(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  return sys::parse_schedstat(*text);
}

}  // namespace

NoiseSnapshot take_noise_snapshot(const std::string& procfs) {
  NoiseSnapshot s;
  s.mono_ns = mono_ns();
  const long hz = sysconf(_SC_CLK_TCK);
  if (hz > 0) s.ticks_per_s = hz;
  if (auto text = read_file(procfs + "/pressure/cpu")) {
    if (auto psi = parse_psi(*text)) {
      s.psi = *psi;
    } else {
      s.psi_missing = psi.error().describe();
    }
  } else {
    s.psi_missing =
        "no " + procfs + "/pressure/cpu (kernel without CONFIG_PSI, or booted with psi=0)";
  }
  if (auto text = read_file(procfs + "/stat")) {
    if (auto st = parse_proc_stat(*text)) s.stat = std::move(*st);
  }
  const auto tid = static_cast<pid_t>(syscall(SYS_gettid));
  s.harness = read_schedstat(fmt::format("{}/self/task/{}/schedstat", procfs, tid));
  s.own_cpu_ns = rusage_ns(RUSAGE_SELF) + rusage_ns(RUSAGE_CHILDREN);
  return s;
}

std::map<pid_t, SchedStat> read_vcpu_schedstats(pid_t qemu, const std::string& procfs) {
  std::map<pid_t, SchedStat> out;
  const std::string dir = fmt::format("{}/{}/task", procfs, qemu);
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const std::string task = dir + "/" + e->d_name;
    auto comm = read_file(task + "/comm");
    // QEMU names its KVM vCPU threads "CPU <n>/KVM" (TCG: "CPU <n>/TCG").
    if (!comm || comm->rfind("CPU ", 0) != 0) continue;
    if (auto st = read_schedstat(task + "/schedstat")) {
      out[static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10))] = *st;
    }
  }
  closedir(d);
  return out;
}

}  // namespace ktstr::sched
