#include "sched/monitor.hpp"

#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "sys/procfs.hpp"

namespace ktstr::sched {
namespace {

// One read of a small procfs/sysfs file into `out` (reused: no allocation
// per sample once it has grown). False when it cannot be opened.
bool read_small(const std::string& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (1u << 20)) break;
  }
  ::close(fd);
  return true;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

int64_t to_int(std::string_view s, int64_t fallback) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p != s.data() ? v : fallback;
}

uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

CpuSet allowed_cpus(pid_t tid) {
  CpuSet out;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(tid, sizeof set, &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) out.insert(c);
  }
  return out;
}

}  // namespace

std::optional<StatFields> parse_stat_fields(std::string_view stat) {
  const size_t close = stat.rfind(')');
  if (close == std::string_view::npos || close + 2 >= stat.size()) return std::nullopt;
  std::string_view rest = stat.substr(close + 2);  // field 3 onwards
  StatFields f;
  f.state = rest.front();
  // Field 39 (processor) is the 37th field after the comm.
  for (int field = 3; field < 39; ++field) {
    const size_t sp = rest.find(' ');
    if (sp == std::string_view::npos) return f;
    rest.remove_prefix(sp + 1);
  }
  f.cpu = static_cast<int>(to_int(rest, -1));
  return f;
}

std::map<std::string, int64_t> parse_scx_debug(std::string_view text) {
  std::map<std::string, int64_t> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    const int64_t v = to_int(line.substr(colon + 1), INT64_MIN);
    if (!key.empty() && v != INT64_MIN) out[std::string(key)] = v;
  }
  return out;
}

Monitor::Monitor(Options o, uint64_t start_ns)
    : o_(std::move(o)), start_ns_(start_ns), next_ns_(start_ns) {
  o_.period_ns = std::clamp(o_.period_ns, kMinMonitorPeriodNs, kMaxMonitorPeriodNs);
  tl_.period_ns = o_.period_ns;
  const long hz = sysconf(_SC_CLK_TCK);
  if (hz > 0) tl_.ticks_per_s = hz;
}

bool Monitor::tick(uint64_t now_ns, const std::vector<MonitoredTask>& tasks) {
  if (now_ns < next_ns_) return false;
  sample(now_ns, tasks);
  return true;
}

uint32_t Monitor::task_index(const MonitoredTask& t) {
  auto it = by_tid_.find(t.tid);
  if (it != by_tid_.end() && tl_.tasks[it->second] == t) return it->second;
  const auto idx = static_cast<uint32_t>(tl_.tasks.size());
  tl_.tasks.push_back(t);
  by_tid_[t.tid] = idx;
  return idx;
}

uint32_t Monitor::mask_index(const CpuSet& cpus) {
  for (size_t i = 0; i < tl_.masks.size(); ++i) {
    if (tl_.masks[i] == cpus) return static_cast<uint32_t>(i);
  }
  tl_.masks.push_back(cpus);
  return static_cast<uint32_t>(tl_.masks.size() - 1);
}

void Monitor::halve() {
  auto& v = tl_.samples;
  size_t out = 0;
  for (size_t i = 0; i < v.size(); i += 2) v[out++] = std::move(v[i]);
  v.resize(out);
  o_.period_ns *= 2;
  tl_.period_ns = o_.period_ns;
  ++tl_.halvings;
}

void Monitor::read_sched_ext(MonitorSample& s) const {
  const std::string dir = o_.sysfs + "/kernel/sched_ext";
  std::string text;
  if (!read_small(dir + "/state", text)) return;
  s.scx_state = trimmed(text);
  if (read_small(dir + "/root/ops", text)) s.scx_ops = trimmed(text);
  if (read_small(dir + "/enable_seq", text)) s.scx_enable_seq = to_int(text, -1);
  if (read_small(dir + "/nr_rejected", text)) s.scx_nr_rejected = to_int(text, -1);
  if (read_small(o_.debugfs + "/sched/ext", text)) s.scx_debug = parse_scx_debug(text);
}

void Monitor::sample(uint64_t now_ns, const std::vector<MonitoredTask>& tasks) {
  const uint64_t cpu0 = thread_cpu_ns();
  // On the period grid from the start; missed periods are skipped, not
  // caught up in a burst.
  while (next_ns_ <= now_ns) next_ns_ += o_.period_ns;
  MonitorSample s;
  s.t_ns = now_ns > start_ns_ ? now_ns - start_ns_ : 0;
  std::string text;
  if (read_small(o_.procfs + "/stat", text)) {
    if (auto st = parse_proc_stat(text)) s.cpus = std::move(*st);
  }
  s.tasks.reserve(tasks.size());
  for (const auto& t : tasks) {
    TaskSample ts;
    ts.task = task_index(t);
    const std::string base = fmt::format("{}/{}/", o_.procfs, t.tid);
    if (read_small(base + "stat", text)) {
      if (auto f = parse_stat_fields(text)) {
        ts.state = f->state;
        ts.cpu = f->cpu;
      }
    }
    if (read_small(base + "schedstat", text)) {
      if (auto ss = sys::parse_schedstat(text)) {
        ts.exec_ns = ss->cpu_time_ns;
        ts.run_delay_ns = ss->run_delay_ns;
        ts.run_count = ss->run_count;
      }
    }
    ts.mask = mask_index(allowed_cpus(t.tid));
    s.tasks.push_back(ts);
  }
  read_sched_ext(s);
  tl_.samples.push_back(std::move(s));
  if (tl_.samples.size() >= kMaxRawSamples) halve();
  ++tl_.taken;
  tl_.cost_ns += thread_cpu_ns() - cpu0;
}

}  // namespace ktstr::sched
