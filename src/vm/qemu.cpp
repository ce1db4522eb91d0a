#include "vm/qemu.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <optional>

#include "sched/noise.hpp"
#include "sys/subprocess.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "util/unique_fd.hpp"
#include "vm/process.hpp"
#include "vm/qmp.hpp"
#include "vm/result_channel.hpp"
#include "vm/signal_catcher.hpp"

namespace ktstr::vm {
namespace {

// After the result arrives the guest powers off; QEMU normally exits within
// milliseconds. A guest that hangs in poweroff is killed after this.
constexpr uint64_t kPoweroffGraceNs = 10ULL * 1000000000ULL;
// Budget of each QMP step when collecting hang evidence (a wedged QEMU must
// not stall the timeout report).
constexpr uint64_t kQmpTimeoutMs = 3000;
constexpr uint64_t kVcpuSampleNs = 250'000'000;

// The vCPU threads' schedstat between guest init and the result; read while
// QEMU lives (its /proc entries go with it).
class VcpuSampler {
 public:
  explicit VcpuSampler(pid_t qemu) : qemu_(qemu) {}
  void tick(uint64_t now, bool init_started, bool result_in) {
    if (!init_started || done_ || (!result_in && now < next_ns_)) return;
    auto s = sched::read_vcpu_schedstats(qemu_);
    if (!s.empty()) (start_.empty() ? start_ : end_) = std::move(s);
    next_ns_ = now + kVcpuSampleNs;
    done_ = result_in;
  }
  std::optional<double> dilation() const { return sched::vcpu_dilation(start_, end_); }

 private:
  pid_t qemu_;
  std::map<pid_t, sched::SchedStat> start_, end_;
  uint64_t next_ns_ = 0;
  bool done_ = false;
};

// Non-interactive: own process group (a terminal Ctrl-C reaches the
// harness, not QEMU), stdio to /dev/null but stderr to `stderr_path`.
Result<sys::Subprocess> spawn_qemu(const std::vector<std::string>& argv,
                                   const std::string& stderr_path, bool interactive) {
  sys::SubprocessOptions opts;
  opts.argv = argv;
  if (interactive) {
    opts.new_process_group = false;
    opts.stdin_io = sys::Stdio::inherit();
  } else {
    opts.stdout_io = sys::Stdio::null();
    opts.stderr_io = sys::Stdio::file(stderr_path);
  }
  return sys::Subprocess::start(std::move(opts));
}

std::string tail_text(const std::string& text, size_t max_bytes) {
  return text.size() <= max_bytes ? text : text.substr(text.size() - max_bytes);
}

// Where the guest's vCPUs are, asked over QMP before QEMU is killed.
std::vector<std::string> hang_evidence(const QemuRun& run) {
  if (run.config.qmp_socket.empty()) return {"no QMP socket: vCPU state unknown"};
  auto vcpus = query_vcpus(run.config.qmp_socket, run.vmlinux, kQmpTimeoutMs);
  if (!vcpus) return {"vCPU state unknown: " + vcpus.error().describe()};
  std::vector<std::string> out;
  for (const auto& v : *vcpus) out.push_back(describe_vcpu(v));
  return out;
}

// The poll/reap loop; fills `out` and returns when QEMU is gone.
void supervise(sys::Subprocess& qemu, int fifo, SignalCatcher& signals, const QemuRun& run,
               QemuOutcome& out) {
  int sig_fd = signals.fd();
  ResultChannelParser parser;
  uint64_t deadline = out.launch_ns + run.timeout_ms * 1000000ULL;
  char buf[65536];
  auto drain = [&] {
    for (;;) {
      ssize_t n = ::read(fifo, buf, sizeof buf);
      if (n <= 0) break;
      parser.feed(std::string_view(buf, static_cast<size_t>(n)), mono_ns());
    }
  };
  auto kill_and_reap = [&] { (void)qemu.kill_and_wait(); };
  VcpuSampler vcpus(qemu.pid());
  for (;;) {
    uint64_t now = mono_ns();
    // Once the result is in, QEMU exits within milliseconds: poll finely so
    // the teardown time is measured, not quantised to the idle tick.
    uint64_t tick_ms = parser.complete() ? 1 : 50;
    int wait_ms = static_cast<int>(
        std::min<uint64_t>(tick_ms, (deadline > now ? deadline - now : 0) / 1000000ULL));
    pollfd fds[2] = {{fifo, POLLIN, 0}, {sig_fd, POLLIN, 0}};
    ::poll(fds, sig_fd >= 0 ? 2 : 1, wait_ms);
    drain();
    vcpus.tick(mono_ns(), parser.init_start_ns() != 0, parser.complete());
    if (int sig = signals.take()) {
      out.interrupted_by = sig;
      kill_and_reap();
      break;
    }
    if (auto st = qemu.poll()) {
      drain();
      out.exit_code = st->exit_code;
      break;
    }
    now = mono_ns();
    bool hung_poweroff = parser.complete() && now - parser.result_ns() > kPoweroffGraceNs;
    if (now >= deadline || hung_poweroff) {
      out.timed_out = !parser.complete();
      if (out.timed_out) out.hang_evidence = hang_evidence(run);
      kill_and_reap();
      break;
    }
  }
  out.exit_ns = mono_ns();
  out.init_start_ns = parser.init_start_ns();
  out.result_ns = parser.result_ns();
  out.result_complete = parser.complete();
  out.result_json = parser.result();
  out.vcpu_dilation = vcpus.dilation();
}

}  // namespace

std::vector<std::string> file_tail_lines(const std::string& path, size_t max_lines) {
  std::vector<std::string> lines;
  auto text = read_file(path);
  if (!text) return lines;
  std::deque<std::string> window;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    window.push_back(std::move(line));
    if (window.size() > max_lines) window.pop_front();
    start = end + 1;
  }
  lines.assign(window.begin(), window.end());
  return lines;
}

Result<QemuOutcome> run_qemu(QemuRun run) {
  if (!sys::find_in_path(run.config.qemu_binary)) {
    return environment_error(
        fmt::format("{} not found; run scripts/setup or `apt-get install "
                    "qemu-system-x86`",
                    run.config.qemu_binary));
  }
  std::string fifo_path = run.run_dir + "/result.fifo";
  ::unlink(fifo_path.c_str());
  if (::mkfifo(fifo_path.c_str(), 0600) != 0) return sys_error("mkfifo failed", fifo_path);
  // O_RDWR: we are a writer too, so reads never see EOF before QEMU opens it.
  UniqueFd fifo(::open(fifo_path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fifo) return sys_error("cannot open result FIFO", fifo_path);
  run.config.result_path = fifo_path;
  // sun_path holds 108 bytes; a longer TMPDIR only costs the hang evidence.
  const std::string qmp_path = run.run_dir + "/qmp.sock";
  if (!run.interactive && qmp_path.size() < 100) run.config.qmp_socket = qmp_path;

  QemuOutcome out;
  out.argv = qemu_argv(run.config);
  std::string stderr_path = run.run_dir + "/qemu.stderr";
  std::optional<SignalCatcher> own_signals;
  SignalCatcher* signals = run.signals;
  if (!signals) signals = &own_signals.emplace();
  out.launch_ns = mono_ns();
  auto qemu = spawn_qemu(out.argv, stderr_path, run.interactive);
  if (!qemu) return unexpected(qemu.error());
  supervise(*qemu, fifo.get(), *signals, run, out);
  if (auto err = read_file(stderr_path)) out.qemu_stderr = tail_text(*err, 4096);

  bool early_failure =
      out.init_start_ns == 0 && !out.timed_out && out.interrupted_by == 0 && out.exit_code != 0;
  if (early_failure && run.config.accel == Accel::kKvm && !run.config.kvm_no_arch_capabilities &&
      out.qemu_stderr.find("0x10a") != std::string::npos) {
    run.config.kvm_no_arch_capabilities = true;  // "failed to set MSR 0x10a" on some hosts
    return run_qemu(run);
  }
  if (early_failure) {
    return environment_error(fmt::format(
        "QEMU failed to start (exit {}): {}; command: {}", out.exit_code,
        out.qemu_stderr.empty() ? "no message" : out.qemu_stderr, shell_join(out.argv)));
  }
  return out;
}

}  // namespace ktstr::vm
