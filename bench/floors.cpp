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

std::vector<uint64_t> bare_futex_ping_pong(int cpu_a, int cpu_b, uint64_t duration_ns) {
  // word: whose turn (0/1); stop flag; then per-side sample buffers.
  constexpr size_t kMaxSamples = 1 << 20;
  size_t bytes = 64 + 2 * kMaxSamples * sizeof(uint64_t) + 2 * sizeof(uint64_t);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return {};
  auto* turn = static_cast<std::atomic<uint32_t>*>(mem);
  auto* stop = reinterpret_cast<std::atomic<uint32_t>*>(static_cast<char*>(mem) + 4);
  auto* counts = reinterpret_cast<uint64_t*>(static_cast<char*>(mem) + 64);
  auto* samples = counts + 2;
  auto side = [&](uint32_t me) {
    uint64_t* out = samples + me * kMaxSamples;
    const timespec ts{0, 100'000'000};
    while (stop->load(std::memory_order_relaxed) == 0) {
      if (turn->load(std::memory_order_acquire) != me) {
        uint64_t t0 = mono_ns();
        while (turn->load(std::memory_order_acquire) != me &&
               stop->load(std::memory_order_relaxed) == 0) {
          futex(turn, FUTEX_WAIT, me ^ 1U, &ts);
        }
        if (counts[me] < kMaxSamples) out[counts[me]++] = mono_ns() - t0;
      }
      turn->store(me ^ 1U, std::memory_order_release);
      futex(turn, FUTEX_WAKE, 1, nullptr);
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
  stop->store(1);
  futex(turn, FUTEX_WAKE, 2, nullptr);
  for (pid_t k : kids) waitpid(k, nullptr, 0);
  std::vector<uint64_t> all;
  for (uint32_t me = 0; me < 2; ++me) {
    all.insert(all.end(), samples + me * kMaxSamples, samples + me * kMaxSamples + counts[me]);
  }
  munmap(mem, bytes);
  return all;
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
