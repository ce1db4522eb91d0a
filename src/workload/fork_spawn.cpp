// Fork dispatch: one process per worker, or one pcomm container process
// hosting threads. Everything between fork() and _exit() in the child only
// touches memory prepared by the parent, plus what the worker loop itself
// allocates (glibc resets its allocator locks in the child of fork()).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "util/cbor_writer.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "util/raw_signal.hpp"
#include "util/raw_syscall.hpp"
#include "util/worker_path.hpp"
#include "workload/handle.hpp"
#include "workload/handle_state.hpp"
#include "workload/worker.hpp"

namespace ktstr::workload {

std::atomic<bool> g_process_stop{false};

namespace {

// A plain worker's stop flag. The main thread's static TLS sits next to
// its thread descriptor, on the page fork() already made the child copy
// (the kernel writes the child's tid there), so setting this flag costs no
// copy-on-write fault of its own; a global in .bss would cost one.
thread_local std::atomic<bool> t_worker_stop{false};

KTSTR_WORKER_PATH void on_sigusr1_plain(int /*sig*/) {
  t_worker_stop.store(true, std::memory_order_relaxed);
}

// A pcomm container's flag, read by all of its threads.
void on_sigusr1_container(int /*sig*/) {
  g_process_stop.store(true, std::memory_order_relaxed);
}

// Blocks until the parent's start byte arrives (false after 30 s or EOF).
// System calls inline (util/raw_syscall.hpp), as in the whole prologue.
KTSTR_WORKER_PATH bool wait_start_byte(int fd) {
  const uint64_t deadline = mono_ns() + kStartByteTimeoutNs;
  for (;;) {
    uint64_t now = mono_ns();
    if (now >= deadline) return false;
    pollfd pfd{fd, POLLIN, 0};
    const timespec ts = ns_to_timespec(deadline - now);
    long rc = raw_syscall(SYS_ppoll, raw_arg(&pfd), 1, raw_arg(&ts), 0, 0);
    if (rc == -EINTR) continue;
    if (rc <= 0) return false;
    char c = 0;
    long n = raw_read(fd, &c, 1);
    if (n == -EINTR || n == -EAGAIN) continue;
    return n == 1;
  }
}

// What a child keeps: its own fds, sorted ascending, all >= 3. Everything
// else the harness holds (its stdout/stderr, other groups' pipes, other
// handles' report pipes, the scheduler's pipes) is closed in the child, so a
// worker that outlives the harness (frozen in a v1 freezer when the harness
// was SIGKILLed) keeps no pipe of anyone else open: `ktstr run | cat` sees
// EOF when the harness dies.
struct ChildFds {
  const int* keep;
  size_t keep_count;
  int dev_null;  // becomes fds 0, 1 and 2
  int fd_limit;  // bound of the close loop when the kernel has no close_range
};

KTSTR_WORKER_PATH bool is_kept(const ChildFds& fds, int fd) {
  for (size_t i = 0; i < fds.keep_count; ++i) {
    if (fds.keep[i] == fd) return true;
  }
  return false;
}

// close_range over the gaps between kept fds (kernel 5.9+), else a loop.
KTSTR_WORKER_PATH void close_foreign_fds(const ChildFds& fds) {
  unsigned lo = 3;
  bool ranges = true;
  for (size_t i = 0; i < fds.keep_count && ranges; ++i) {
    const auto k = static_cast<unsigned>(fds.keep[i]);
    if (k > lo) ranges = raw_syscall(SYS_close_range, lo, k - 1, 0) == 0;
    if (k >= lo) lo = k + 1;
  }
  if (ranges && raw_syscall(SYS_close_range, lo, ~0U, 0) == 0) return;
  for (int fd = 3; fd < fds.fd_limit; ++fd) {
    if (!is_kept(fds, fd)) raw_close(fd);
  }
}

// Common child prologue: die with the parent, own process group, SIGUSR1
// handler, stdio on /dev/null, every fd that belongs to someone else closed.
KTSTR_WORKER_PATH void child_prologue(pid_t parent, bool container, const ChildFds& fds) {
  raw_syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have died between fork and prctl; inside a ktstr VM the
  // guest init reparents, so only exit outside it.
  if (raw_syscall(SYS_getppid) != parent && std::getenv("KTSTR_GUEST_INIT") == nullptr) {
    raw_exit(0);
  }
  raw_syscall(SYS_setpgid, 0, 0);
  // A container's threads share one flag; a plain worker has its own.
  raw_set_signal_handler(SIGUSR1, container ? on_sigusr1_container : on_sigusr1_plain);
  const uint64_t unblock = 1ULL << (SIGUSR1 - 1);  // kernel sigset: 8 bytes
  raw_syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, raw_arg(&unblock), 0, sizeof unblock);
  if (fds.dev_null >= 0) {
    for (int std_fd = 0; std_fd < 3; ++std_fd) raw_syscall(SYS_dup3, fds.dev_null, std_fd, 0);
  }
  close_foreign_fds(fds);
}

// The frame after the ready byte: a native u64 length, then the CBOR. Two
// passes over the same encoder (count, then write through a stack buffer),
// so nothing is allocated or copied on the way out.
KTSTR_WORKER_PATH void send_reports(int fd, const ReportRef* reports, size_t count) {
  CborCounter counter;
  write_reports(counter, reports, count);
  const uint64_t len = counter.bytes();
  CborFdWriter out(fd);
  out.put(reinterpret_cast<const uint8_t*>(&len), sizeof len);
  write_reports(out, reports, count);
  out.flush();
}

// A forked worker's start gate: the start byte, then the ready byte.
struct ForkGate {
  int start_r;
  int report_w;
};

KTSTR_WORKER_PATH bool pass_fork_gate(void* arg) {
  const auto& g = *static_cast<const ForkGate*>(arg);
  return wait_start_byte(g.start_r) && write_all(g.report_w, "r", 1);
}

// A plain worker's whole life after the prologue. No heap from here to
// _exit: the report's scalars sit on the stack and its arrays are encoded
// from the telemetry buffers in place.
KTSTR_WORKER_PATH [[noreturn]] void plain_child_main(HandleState& st, const WorkerSlot& slot,
                                                     int start_r, int report_w) {
  const SharedResources& res = *st.res;
  WorkerContext ctx;
  fill_context(ctx, res, slot);
  Telemetry tel(res.counter(slot.worker_index), slot.worker_index + 1);
  ctx.tel = &tel;
  ctx.stop = &t_worker_stop;
  // Open the schedstat file before the start gate, so the run's clocks do
  // not start with a procfs path walk.
  tel.prepare();
  ForkGate gate{start_r, report_w};
  WorkerReport report;
  const GroupPlan& plan = res.plans[slot.group_idx];
  auto arrays = run_worker(ctx, plan, {pass_fork_gate, &gate}, report);
  if (!arrays) raw_exit(1);
  const ReportRef ref{&report, plan.def->name, *arrays};
  send_reports(report_w, &ref, 1);
  raw_exit(0);
}

// Everything the forks of one handle share, built once before the first
// fork so forking one more child writes as few parent pages as possible:
// every worker slot in worker_index order; one start pipe for all children
// (start() writes one byte per child in a single write and each child
// consumes exactly one; a pipe per child would cost every worker an extra
// pipe2, two closes and a write); and what each child closes.
Status prepare_fork(HandleState& st) {
  st.slots.clear();
  st.slots.reserve(st.res->total_workers);
  size_t worker_index = 0;
  for (const auto& g : st.res->plans) {
    for (size_t k = 0; k < g.num_workers; ++k) st.slots.push_back({g.group_idx, k, worker_index++});
  }
  int s[2];
  if (pipe2(s, O_CLOEXEC) != 0) {
    return sys_error("pipe2 for the workers' start pipe failed; raise RLIMIT_NOFILE");
  }
  st.start_r.reset(s[0]);
  st.start_w.reset(s[1]);
  st.dev_null.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!st.dev_null) return sys_error("cannot open /dev/null for the workers' stdio");
  const long limit = sysconf(_SC_OPEN_MAX);
  st.fd_limit = limit > 0 && limit < INT_MAX ? static_cast<int>(limit) : 1024;
  // A pcomm container hosts every worker: it keeps every inter-worker pipe.
  st.container_keep = st.res->all_pipe_fds();
  return {};
}

// The child's report pipe: {read end, write end}.
Result<std::array<int, 2>> make_report_pipe() {
  int r[2];
  if (pipe2(r, O_CLOEXEC) != 0) {
    return sys_error(
        "pipe2 for a worker report pipe failed; raise RLIMIT_NOFILE or use fewer "
        "workers");
  }
  // Large enough that a worker with full reservoirs writes its report and
  // exits without waiting for the parent. Without CAP_SYS_RESOURCE the
  // kernel caps pipes at fs.pipe-max-size: then take the largest allowed
  // (rather than the 64 KiB default), and stop asking for 8 MiB; the parent
  // reads while the worker writes, so a smaller pipe never blocks anyone.
  static std::atomic<int> size{kReportPipeBytes};
  const int want = size.load(std::memory_order_relaxed);
  if (fcntl(r[1], F_SETPIPE_SZ, want) < 0 && want == kReportPipeBytes) {
    auto text = read_file("/proc/sys/fs/pipe-max-size");
    const int allowed = text ? std::atoi(text->c_str()) : 0;
    if (allowed > 0 && fcntl(r[1], F_SETPIPE_SZ, allowed) >= 0) {
      size.store(allowed, std::memory_order_relaxed);
    }
  }
  return std::array<int, 2>{r[0], r[1]};
}

// A forked child the parent has not yet recorded in st.children.
struct Forked {
  pid_t pid;
  int report_r;
  int pidfd;
  size_t slot_begin, slot_count;
  bool container;
};

// Records forks in HandleState::children in batches. Every page the parent
// writes after a fork() is a copy-on-write fault (the child shares it until
// then), and appending to st.children writes two heap pages per fork (the
// element and the vector's end pointer). A batch lives on the stack, which
// fork_one writes anyway; a flush is one pass per batch. The destructor
// flushes too, so an error return leaves every child where the handle's
// teardown finds it. st.children is reserved up front: no reallocation.
//
// It also holds what every fork of the batch shares: the parent's pid (for
// the child's orphan check) and SIGUSR1 blocked in the calling thread from
// construction to destruction, so a child never takes SIGUSR1 before its
// handler is installed (it unblocks the signal itself) — set once, not
// twice per fork.
class ForkBatch {
 public:
  explicit ForkBatch(HandleState& st) : st_(st), parent_(getpid()) {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, &old_mask_);
  }
  ForkBatch(const ForkBatch&) = delete;
  ForkBatch& operator=(const ForkBatch&) = delete;
  ~ForkBatch() {
    flush();
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  pid_t parent() const { return parent_; }
  void add(const Forked& f) {
    pending_[n_++] = f;
    if (n_ == pending_.size()) flush();
  }
  void flush() {
    for (size_t i = 0; i < n_; ++i) {
      ForkedChild& c = st_.children.emplace_back();
      c.pid = pending_[i].pid;
      c.report_r.reset(pending_[i].report_r);
      c.pidfd.reset(pending_[i].pidfd);
      c.slot_begin = pending_[i].slot_begin;
      c.slot_count = pending_[i].slot_count;
      c.container = pending_[i].container;
    }
    n_ = 0;
  }

 private:
  HandleState& st_;
  const pid_t parent_;
  sigset_t old_mask_{};
  std::array<Forked, 32> pending_{};
  size_t n_ = 0;
};

// Forks one child running `body`; records it in `batch`.
// The child returns from fork() in here and runs `body` from it: worker path.
template <class Body>
KTSTR_WORKER_PATH Status fork_one(HandleState& st, ForkBatch& batch, size_t slot_begin,
                                  size_t slot_count, bool container, Body body) {
  auto report = make_report_pipe();
  if (!report) return unexpected(report.error());
  const auto [report_r, report_w] = *report;
  const int start_r = st.start_r.get();
  // Sorted before fork, on the stack: the child only reads it. A plain
  // worker keeps its unit's pipes (few; the vector allocates only for work
  // types with pipes), a container every pipe.
  std::vector<int> unit;
  if (!container) append_unit_pipe_fds(*st.res, st.slots[slot_begin], unit);
  const std::vector<int>& pipes = container ? st.container_keep : unit;
  std::vector<int> big;
  std::array<int, 32> small{};
  int* keep = small.data();
  if (pipes.size() + 2 > small.size()) {
    big.resize(pipes.size() + 2);
    keep = big.data();
  }
  size_t n = 0;
  keep[n++] = start_r;
  keep[n++] = report_w;
  for (int fd : pipes) keep[n++] = fd;
  std::sort(keep, keep + n);
  const ChildFds child_fds{keep, n, st.dev_null.get(), st.fd_limit};
  pid_t pid = fork();
  if (pid == 0) {
    child_prologue(batch.parent(), container, child_fds);
    body(start_r, report_w);
  }
  int fork_errno = errno;
  ::close(report_w);
  if (pid < 0) {
    ::close(report_r);
    errno = fork_errno;
    return sys_error(
        "fork of a worker failed; raise RLIMIT_NPROC (ulimit -u) or use fewer "
        "workers");
  }
  setpgid(pid, pid);  // also done in the child: whichever runs first wins
  // Kill and wait go through the pidfd (-1 before Linux 5.3: pid fallback).
  const auto pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  batch.add({pid, report_r, pidfd < 0 ? -1 : pidfd, slot_begin, slot_count, container});
  return {};
}

}  // namespace

KTSTR_WORKER_PATH Status fork_workers(HandleState& st) {
  KTSTR_TRY(prepare_fork(st));
  st.children.reserve(st.slots.size());
  ForkBatch batch(st);
  for (size_t i = 0; i < st.slots.size(); ++i) {
    KTSTR_TRY(fork_one(st, batch, i, 1, false, [&st, i](int start_r, int report_w) {
      plain_child_main(st, st.slots[i], start_r, report_w);
    }));
  }
  return {};
}

// The container leader: names itself, takes the container credentials,
// waits for start, runs every worker as a thread, reports them all.
[[noreturn]] void container_main(HandleState& st, const std::string& pcomm,
                                 std::optional<uint32_t> uid, std::optional<uint32_t> gid,
                                 const std::vector<WorkerSlot>& slots, int start_r, int report_w);

Status fork_pcomm_container(HandleState& st, const std::string& pcomm, std::optional<uint32_t> uid,
                            std::optional<uint32_t> gid) {
  if (st.res->total_workers == 0) return {};
  KTSTR_TRY(prepare_fork(st));
  st.children.reserve(1);
  ForkBatch batch(st);
  return fork_one(st, batch, 0, st.slots.size(), true, [&](int start_r, int report_w) {
    container_main(st, pcomm, uid, gid, st.slots, start_r, report_w);
  });
}

void container_main(HandleState& st, const std::string& pcomm, std::optional<uint32_t> uid,
                    std::optional<uint32_t> gid, const std::vector<WorkerSlot>& slots, int start_r,
                    int report_w) {
  prctl(PR_SET_NAME, pcomm.substr(0, 15).c_str(), 0, 0, 0);
  // Before any thread exists, so the credentials apply to all of them.
  const std::string cred_error = drop_credentials(uid, gid);
  if (!wait_start_byte(start_r)) _exit(1);
  const SharedResources& res = *st.res;
  std::vector<std::optional<WorkerReport>> reports(slots.size());
  std::atomic<size_t> running{0};
  std::vector<std::thread> threads;
  threads.reserve(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    threads.emplace_back([&, i] {
      WorkerContext ctx;
      fill_context(ctx, res, slots[i]);
      Telemetry tel(res.counter(slots[i].worker_index), slots[i].worker_index + 1);
      ctx.tel = &tel;
      ctx.stop = &g_process_stop;
      ctx.thread_mode = true;
      auto gate = [&] {
        running.fetch_add(1);
        return true;
      };
      try {
        if (!cred_error.empty()) throw std::runtime_error(cred_error);  // fails each worker
        reports[i] = run_thread_worker(ctx, res.plans[slots[i].group_idx], start_gate(gate));
      } catch (const std::exception& e) {
        reports[i] = make_sentinel(slots[i].worker_index, slots[i].group_idx, ctx.tid,
                                   ctx.type->name, {ExitInfo::Kind::kPanicked, 0, e.what()});
        running.fetch_add(1);
      }
    });
  }
  while (running.load() < slots.size()) std::this_thread::sleep_for(std::chrono::microseconds(200));
  if (!write_all(report_w, "r", 1)) _exit(1);
  for (auto& t : threads) t.join();
  std::vector<WorkerReport> out;
  for (size_t i = 0; i < slots.size(); ++i) {
    out.push_back(reports[i] ? std::move(*reports[i])
                             : make_sentinel(slots[i].worker_index, slots[i].group_idx, 0,
                                             res.plans[slots[i].group_idx].def->name,
                                             {ExitInfo::Kind::kPanicked, 0, "no report"}));
  }
  const std::vector<ReportRef> refs = refs_to(out);
  send_reports(report_w, refs.data(), refs.size());
  _exit(0);
}

}  // namespace ktstr::workload
