// Cgroup families: a worker hopping between churn cgroups, and a storm of
// short-lived children attaching themselves to a cgroup. Both write pids
// into cgroup.procs, which moves a whole thread group, so both are Fork
// only: in thread or pcomm mode they would move the harness or the
// container with every sibling worker.
//
// Churn cgroup convention: for a worker whose cgroup directory is
// `<dir>` (WorkloadConfig::cgroup_dir), the churn cgroups are the siblings
// `<dir>_churn_0` ... `<dir>_churn_<groups-1>`, created by whoever sets up
// the cgroups (the scenario engine) and removed by it afterwards. Siblings
// rather than children, so on cgroup v2 `<dir>` can keep its processes
// while its subtree_control enables controllers.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include "util/file_io.hpp"
#include "util/unique_fd.hpp"
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

std::string churn_dir(std::string_view home, size_t i) {
  return fmt::format("{}_churn_{}", home, i);
}

// Spins in spin(1024) steps until `deadline_ns` or stop.
void spin_until(WorkerContext& ctx, uint64_t deadline_ns) {
  do {
    spin(ctx, 1024);
  } while (mono_ns() < deadline_ns && !ctx.stopped());
}

// Opens every churn cgroup's cgroup.procs; empty (after one warning) when
// any is missing.
std::vector<UniqueFd> open_churn_procs(WorkerContext& ctx, size_t groups) {
  std::vector<UniqueFd> fds;
  if (ctx.cgroup_dir.empty()) {
    ctx.tel->warn(
        "cgroup_churn: no cgroup directory, so no churn cgroups (<dir>_churn_<i>); spinning "
        "without moving");
    return fds;
  }
  for (size_t i = 0; i < groups; ++i) {
    const std::string path = churn_dir(ctx.cgroup_dir, i) + "/cgroup.procs";
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      ctx.tel->warn(
          fmt::format("cgroup_churn: cannot open {} ({}); the churn cgroups {}_churn_0.."
                      "{} must exist; spinning without moving",
                      path, std::strerror(errno), ctx.cgroup_dir, groups - 1));
      return {};
    }
    fds.emplace_back(fd);
  }
  return fds;
}

void run_cgroup_churn(WorkerContext& ctx) {
  const auto groups = static_cast<size_t>(ctx.params->get_int("groups"));
  const uint64_t cycle_ns = static_cast<uint64_t>(ctx.params->get_int("cycle_ms")) * 1'000'000;
  std::vector<UniqueFd> procs = open_churn_procs(ctx, groups);
  const std::string tid = std::to_string(ctx.tid);
  uint64_t moves = 0, failures = 0;
  size_t next = 0;
  while (!ctx.stopped()) {
    const uint64_t deadline = mono_ns() + cycle_ns;
    if (!procs.empty()) {
      const int fd = procs[next++ % procs.size()].get();
      if (write(fd, tid.data(), tid.size()) == static_cast<ssize_t>(tid.size())) {
        ++moves;
      } else if (failures++ == 0) {
        ctx.tel->warn(
            fmt::format("cgroup_churn: moving tid {} failed: {}", tid, std::strerror(errno)));
      }
    }
    spin_until(ctx, deadline);
    ctx.tel->iteration();
  }
  // Back home, so the churn cgroups can be removed right after the run.
  if (moves > 0 && !write_file(std::string(ctx.cgroup_dir) + "/cgroup.procs", tid)) {
    ctx.tel->warn(fmt::format("cgroup_churn: could not move back into {}", ctx.cgroup_dir));
  }
  ctx.tel->set_extra("moves", static_cast<double>(moves));
  ctx.tel->set_extra("move_failures", static_cast<double>(failures));
}

// This process's cgroup v2 directory ("0::/path" under the cgroup2 mount
// from mountinfo); "" when there is no v2 hierarchy.
std::string own_v2_cgroup(const std::string& proc = "/proc") {
  auto cg = read_file(proc + "/self/cgroup");
  auto mi = read_file(proc + "/self/mountinfo");
  if (!cg || !mi) return "";
  std::string rel, mount, line;
  std::istringstream cs(*cg);
  while (std::getline(cs, line)) {
    if (line.rfind("0::", 0) == 0) rel = line.substr(3);
  }
  std::istringstream ms(*mi);
  while (std::getline(ms, line) && mount.empty()) {
    // "... <mount point> <opts> ... - cgroup2 <source> <super opts>"
    size_t dash = line.find(" - cgroup2 ");
    if (dash == std::string::npos) continue;
    std::istringstream f(line);
    std::string tok;
    for (int i = 0; i < 5 && f >> tok; ++i) {
      if (i == 4) mount = tok;
    }
  }
  if (rel.empty() || mount.empty()) return "";
  return rel == "/" ? mount : mount + rel;
}

// Child side: async-signal-safe only (raw syscalls, no allocation).
[[noreturn]] void attach_and_exit(const char* procs_path) {
  int fd = open(procs_path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) _exit(2);
  char buf[24];
  auto pid = static_cast<unsigned long>(syscall(SYS_getpid));
  size_t n = 0;
  char rev[24];
  do {
    rev[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid != 0);
  for (size_t i = 0; i < n; ++i) buf[i] = rev[n - 1 - i];
  _exit(write(fd, buf, n) == static_cast<ssize_t>(n) ? 0 : 3);
}

// clone_args v0 (CLONE_ARGS_SIZE_VER0 = 64 bytes).
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

// fork() that also returns a pidfd for the child (clone3 + CLONE_PIDFD,
// falling back to fork + pidfd_open). Returns the pid (0 in the child).
pid_t fork_with_pidfd(int& pidfd) {
  pidfd = -1;
  CloneArgs a{};
  a.flags = 0x1000;  // CLONE_PIDFD
  a.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  a.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &a, sizeof a);
  if (pid >= 0 || errno != ENOSYS) return static_cast<pid_t>(pid);
  pid = fork();
  if (pid > 0) pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  return static_cast<pid_t>(pid);
}

constexpr int kKilledAtStop = -2;
constexpr int kNoDest = 4;  // a child's exit code: there was nothing to attach to

// Waits for the child to exit (pidfd poll, kStopPollNs at a time). On stop
// the child is killed (kKilledAtStop). Otherwise returns its exit status,
// or -1 when it is not reaped here (sig_ign) or did not exit normally.
int reap(WorkerContext& ctx, pid_t pid, int pidfd, bool wait_for_status) {
  bool killed = false;
  while (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(kStopPollNs / 1'000'000)) > 0) break;
    if (ctx.stopped()) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
  }
  if (pidfd >= 0) close(pidfd);
  int status = 0;
  if (wait_for_status && waitpid(pid, &status, 0) != pid) return -1;
  if (killed) return kKilledAtStop;
  if (!wait_for_status) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Why `rel` could name something outside the directory it is joined to
// (absolute, empty or "." / ".." components), or "" when it cannot.
std::string_view escapes(std::string_view rel) {
  if (rel.front() == '/') return "an absolute path";
  for (size_t start = 0; start <= rel.size();) {
    const size_t end = std::min(rel.find('/', start), rel.size());
    const std::string_view part = rel.substr(start, end - start);
    if (part.empty()) return "an empty path component";
    if (part == "." || part == "..") return "a '.' or '..' component";
    start = end + 1;
  }
  return "";
}

Status validate_attach_storm(const ParamValues& p) {
  const std::string& dest = p.get_str("dest");
  if (dest.empty()) return {};
  if (const std::string_view why = escapes(dest); !why.empty()) {
    return invalid_input(
        fmt::format("param dest={}: {} could reach outside the run's cgroup tree; name a cgroup of "
                    "the run relative to its tree (e.g. dest=cg_1), or leave dest empty for the "
                    "worker's own cgroup",
                    dest, why));
  }
  return {};
}

// dest= joined to the run's cgroup tree; with no dest, the worker's own
// cgroup (where it already is). Never a directory outside both.
std::string attach_dest(WorkerContext& ctx) {
  std::string dest = ctx.params->get_str("dest");
  if (!dest.empty()) {
    // Validation refused escaping paths; a C++ caller may have skipped it.
    if (ctx.cgroup_root.empty() || !escapes(dest).empty()) {
      ctx.tel->warn(fmt::format(
          "cgroup_attach_storm: dest={} needs the run's cgroup tree (a scenario run) and a "
          "path inside it; children fork and exit without attaching",
          dest));
      return "";
    }
    dest = fmt::format("{}/{}", ctx.cgroup_root, dest);
  }
  if (dest.empty()) dest = ctx.cgroup_dir;
  if (dest.empty()) dest = own_v2_cgroup();
  if (dest.empty()) {
    ctx.tel->warn(
        "cgroup_attach_storm: no dest, no cgroup directory and no cgroup v2 hierarchy; "
        "children fork and exit without attaching");
  } else if (access((dest + "/cgroup.procs").c_str(), W_OK) != 0) {
    ctx.tel->warn(
        fmt::format("cgroup_attach_storm: {}/cgroup.procs is not writable ({}); "
                    "every attach will fail",
                    dest, std::strerror(errno)));
  }
  return dest;
}

void run_cgroup_attach_storm(WorkerContext& ctx) {
  const std::string dest = attach_dest(ctx);
  const std::string procs = dest.empty() ? "" : dest + "/cgroup.procs";
  const bool waitpid_mode = ctx.params->get_str("reap") == "waitpid";
  // sig_ign: the kernel reaps the children; this is a Fork-only type, so
  // the disposition change stays inside this worker process.
  struct sigaction old_sa {};
  if (!waitpid_mode) {
    struct sigaction sa {};
    sa.sa_handler = SIG_IGN;
    sigaction(SIGCHLD, &sa, &old_sa);
  }
  uint64_t forks = 0, ok = 0, failed = 0;
  bool warned = false;
  while (!ctx.stopped()) {
    int pidfd = -1;
    const pid_t pid = fork_with_pidfd(pidfd);
    if (pid == 0) {
      if (procs.empty()) _exit(kNoDest);
      attach_and_exit(procs.c_str());
    }
    if (pid < 0) {
      if (!warned)
        ctx.tel->warn(fmt::format("cgroup_attach_storm: fork failed: {}", std::strerror(errno)));
      warned = true;
      sleep_ns(ctx, 1'000'000);
      continue;
    }
    const int code = reap(ctx, pid, pidfd, waitpid_mode);
    if (code == kKilledAtStop) break;  // an attach the stop cut short is not counted
    ++forks;
    if (code == 0) ++ok;
    if (code > 0 && code != kNoDest) ++failed;
    ctx.tel->add_units(1);
    ctx.tel->iteration();
  }
  if (!waitpid_mode) sigaction(SIGCHLD, &old_sa, nullptr);
  ctx.tel->set_extra("forks", static_cast<double>(forks));
  if (waitpid_mode) {
    ctx.tel->set_extra("attach_ok", static_cast<double>(ok));
    ctx.tel->set_extra("attach_failed", static_cast<double>(failed));
  }
}

}  // namespace

void register_cgroup_work_types(WorkTypeRegistry& reg) {
  const std::string fork_only =
      " is Fork only: cgroup.procs moves a whole thread group, so a thread or pcomm worker "
      "would move the harness or its container with every sibling";
  reg.add({.name = "cgroup_churn",
           .family = "cgroup",
           .summary = "every cycle_ms write own tid into the next churn cgroup <dir>_churn_<i> "
                      "(i < groups; siblings of the worker's cgroup dir, created by the "
                      "scenario engine) and spin; moves back to <dir> at the end. Missing "
                      "dirs: warns once and spins",
           .params = {{"groups", ParamKind::kInt, "2", "number of churn cgroups", 1, 64},
                      {"cycle_ms", ParamKind::kInt, "100", "time in each cgroup", 1, 3'600'000}},
           .fork_ok = true,
           .thread_ok = false,
           .pcomm_ok = false,
           .restriction = "cgroup_churn" + fork_only,
           .needs = {"cgroup"},
           .run = run_cgroup_churn});
  reg.add({.name = "cgroup_attach_storm",
           .family = "cgroup",
           .summary = "fork a child that writes its pid into dest/cgroup.procs and exits at once; "
                      "reap by waitpid (exit code = attach result) or SIGCHLD=SIG_IGN. dest "
                      "names a cgroup of the run's tree; empty: the worker's cgroup dir, else "
                      "its own cgroup v2 cgroup",
           .params = {{"dest", ParamKind::kString, "",
                       "cgroup to attach to, relative to the run's cgroup tree (e.g. cg_1)"},
                      {"reap",
                       ParamKind::kChoice,
                       "sig_ign",
                       "how children are reaped",
                       0,
                       0,
                       {"sig_ign", "waitpid"}}},
           .validate = validate_attach_storm,
           .fork_ok = true,
           .thread_ok = false,
           .pcomm_ok = false,
           .restriction = "cgroup_attach_storm" + fork_only,
           .needs = {"cgroup"},
           .run = run_cgroup_attach_storm});
}

}  // namespace ktstr::workload
