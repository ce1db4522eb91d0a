#include "bench/floors.hpp"

#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "sys/subprocess.hpp"
#include "util/clock.hpp"
#include "workload/primitives.hpp"

namespace ktstr::bench {
namespace {

void pin(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

long futex(std::atomic<uint32_t>* w, int op, uint32_t v, const timespec* ts) {
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(w), op, v, ts, nullptr, 0);
}

}  // namespace

FutexFloor bare_futex_ping_pong(int cpu_a, int cpu_b, uint64_t duration_ns) {
  // word: whose turn (0/1); stop flag; waker stamp; then per side two
  // sample buffers (blocked, wakeup) and their counts.
  constexpr size_t kMaxSamples = 1 << 20;
  struct Head {
    std::atomic<uint32_t> turn;
    std::atomic<uint32_t> stop;
    uint64_t stamp;
    uint64_t counts[2][2];  // [side][blocked, wakeup]
  };
  const size_t bytes = sizeof(Head) + 4 * kMaxSamples * sizeof(uint64_t);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return {};
  auto* h = static_cast<Head*>(mem);
  auto* samples = reinterpret_cast<uint64_t*>(h + 1);
  auto buf = [&](uint32_t side, int kind) { return samples + (2 * side + kind) * kMaxSamples; };
  auto side = [&](uint32_t me) {
    const timespec ts{0, 100'000'000};
    while (h->stop.load(std::memory_order_relaxed) == 0) {
      if (h->turn.load(std::memory_order_acquire) != me) {
        const uint64_t t0 = mono_ns();
        bool woken = false;
        while (h->turn.load(std::memory_order_acquire) != me &&
               h->stop.load(std::memory_order_relaxed) == 0) {
          woken = futex(&h->turn, FUTEX_WAIT, me ^ 1U, &ts) == 0;
        }
        const uint64_t now = mono_ns();
        uint64_t* n = h->counts[me];
        if (n[0] < kMaxSamples) buf(me, 0)[n[0]++] = now - t0;
        if (woken && n[1] < kMaxSamples) buf(me, 1)[n[1]++] = now - h->stamp;
      }
      h->stamp = mono_ns();
      h->turn.store(me ^ 1U, std::memory_order_release);
      futex(&h->turn, FUTEX_WAKE, 1, nullptr);
    }
  };
  pid_t kids[2];
  for (uint32_t me = 0; me < 2; ++me) {
    kids[me] = fork();
    if (kids[me] == 0) {
      pin(me == 0 ? cpu_a : cpu_b);
      side(me);
      _exit(0);
    }
  }
  timespec d = ns_to_timespec(duration_ns);
  nanosleep(&d, nullptr);
  h->stop.store(1);
  futex(&h->turn, FUTEX_WAKE, 2, nullptr);
  for (pid_t k : kids) waitpid(k, nullptr, 0);
  FutexFloor out;
  for (uint32_t me = 0; me < 2; ++me) {
    out.blocked.insert(out.blocked.end(), buf(me, 0), buf(me, 0) + h->counts[me][0]);
    out.wakeup.insert(out.wakeup.end(), buf(me, 1), buf(me, 1) + h->counts[me][1]);
  }
  munmap(mem, bytes);
  return out;
}

std::optional<double> perf_sched_pipe_us_per_op(const char* cpus, int loops) {
  sys::SubprocessOptions o;
  o.argv = {"taskset", "-c", cpus, "perf", "bench", "sched", "pipe", "-l", std::to_string(loops)};
  o.stdout_io = sys::Stdio::pipe();
  o.stderr_io = sys::Stdio::null();
  if (!sys::find_in_path("perf")) return std::nullopt;
  auto child = sys::Subprocess::start(std::move(o));
  if (!child) return std::nullopt;
  const std::string out = sys::read_to_eof(child->stdout_fd());
  if (!child->wait().ok()) return std::nullopt;
  const auto at = out.find("usecs/op");
  if (at == std::string::npos) return std::nullopt;
  const auto line = out.rfind('\n', at);
  return std::strtod(out.c_str() + (line == std::string::npos ? 0 : line + 1), nullptr);
}

double bare_spawn_collect_ns_per_child(int n) {
  const uint64_t t0 = mono_ns();
  std::vector<std::pair<pid_t, int>> kids;
  for (int i = 0; i < n; ++i) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) break;
    pid_t pid = fork();
    if (pid == 0) {
      ::close(fds[0]);
      [[maybe_unused]] ssize_t w = ::write(fds[1], "r", 1);
      _exit(0);
    }
    ::close(fds[1]);
    kids.emplace_back(pid, fds[0]);
  }
  for (auto [pid, fd] : kids) {
    char c;
    [[maybe_unused]] ssize_t r = ::read(fd, &c, 1);
    ::close(fd);
    waitpid(pid, nullptr, 0);
  }
  return static_cast<double>(mono_ns() - t0) / static_cast<double>(kids.size());
}

namespace {

volatile sig_atomic_t g_handshake_stop = 0;

void on_handshake_stop(int /*sig*/) {
  g_handshake_stop = 1;
}

}  // namespace

double handshake_spawn_collect_ns_per_child(int n) {
  const uint64_t t0 = mono_ns();
  int start[2];
  if (pipe2(start, O_CLOEXEC) != 0) return 0;
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  std::vector<std::pair<pid_t, int>> kids;
  for (int i = 0; i < n; ++i) {
    int rep[2];
    if (pipe2(rep, O_CLOEXEC) != 0) break;
    const pid_t parent = getpid();
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);
      setpgid(0, 0);
      struct sigaction sa {};
      sa.sa_handler = on_handshake_stop;
      sigaction(SIGUSR1, &sa, nullptr);
      sigprocmask(SIG_UNBLOCK, &block, nullptr);
      ::close(start[1]);
      ::close(rep[0]);
      char c;
      if (::read(start[0], &c, 1) != 1) _exit(1);
      [[maybe_unused]] ssize_t w = ::write(rep[1], "r", 1);
      while (g_handshake_stop == 0) pause();
      const char report[8 + 16] = {16};  // u64 length 16, then 16 payload bytes
      w = ::write(rep[1], report, sizeof report);
      _exit(0);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    ::close(rep[1]);
    if (pid < 0) {
      ::close(rep[0]);
      break;
    }
    setpgid(pid, pid);
    kids.emplace_back(pid, rep[0]);
  }
  const std::vector<char> go(kids.size(), 's');
  [[maybe_unused]] ssize_t w = ::write(start[1], go.data(), go.size());
  char buf[64];
  for (auto [pid, fd] : kids) [[maybe_unused]] ssize_t r = ::read(fd, buf, 1);
  for (auto [pid, fd] : kids) kill(pid, SIGUSR1);
  for (auto [pid, fd] : kids) {
    size_t got = 0;
    while (got < 24) {
      ssize_t r = ::read(fd, buf, sizeof buf);
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
  }
  for (auto [pid, fd] : kids) kill(-pid, SIGKILL);
  for (auto [pid, fd] : kids) {
    waitpid(pid, nullptr, 0);
    ::close(fd);
  }
  ::close(start[0]);
  ::close(start[1]);
  return kids.empty() ? 0 : static_cast<double>(mono_ns() - t0) / static_cast<double>(kids.size());
}

double bare_spin_units_per_sec(int cpu, uint64_t duration_ns) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 0;
  pid_t pid = fork();
  if (pid == 0) {
    pin(cpu);
    uint64_t units = 0;
    const uint64_t start = mono_ns();
    uint64_t now = start;
    // Same inner loop as spin(): increment + compiler barrier + pause.
    while (now - start < duration_ns) {
      uint64_t sink = 0;
      for (uint64_t i = 0; i < 1024; ++i) {
        sink += i;
        asm volatile("" : "+r"(sink));
        workload::cpu_relax();
      }
      units += 1024;
      now = mono_ns();
    }
    double rate = static_cast<double>(units) * 1e9 / static_cast<double>(now - start);
    [[maybe_unused]] ssize_t w = ::write(fds[1], &rate, sizeof rate);
    _exit(0);
  }
  ::close(fds[1]);
  double rate = 0;
  [[maybe_unused]] ssize_t r = ::read(fds[0], &rate, sizeof rate);
  ::close(fds[0]);
  waitpid(pid, nullptr, 0);
  return rate;
}

}  // namespace ktstr::bench
