#include "vm/guest_system.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/core.h>

#include "util/file_io.hpp"
#include "vm/result_channel.hpp"

namespace ktstr::vm::guest {
namespace {

int g_crash_fd = -1;

// Async-signal-safe: only write(2), tcdrain, sync and reboot.
void on_crash(int sig) {
  char doc[] =
      "KTSTR-RESULT-BEGIN\n{\"schema\":1,\"verdict\":\"error\",\"reason\":\"guest init crashed "
      "(signal XX)\",\"exit_code\":-1}\nKTSTR-RESULT-END\n";
  char* p = std::strstr(doc, "XX");
  if (p) {
    p[0] = static_cast<char>('0' + (sig / 10) % 10);
    p[1] = static_cast<char>('0' + sig % 10);
  }
  int fd = g_crash_fd >= 0 ? g_crash_fd : 2;
  write_all(fd, doc, sizeof doc - 1);
  ::tcdrain(fd);
  ::sync();
  ::reboot(RB_POWER_OFF);
  ::_exit(1);
}

}  // namespace

std::vector<std::string> mount_filesystems() {
  struct Mount {
    const char* source;
    const char* target;
    const char* type;
  };
  // Order matters: /sys before the filesystems mounted below it.
  const Mount mounts[] = {{"proc", "/proc", "proc"},
                          {"sysfs", "/sys", "sysfs"},
                          {"devtmpfs", "/dev", "devtmpfs"},
                          {"tmpfs", "/tmp", "tmpfs"},
                          {"tmpfs", "/run", "tmpfs"},
                          {"cgroup2", "/sys/fs/cgroup", "cgroup2"},
                          {"debugfs", "/sys/kernel/debug", "debugfs"},
                          {"tracefs", "/sys/kernel/tracing", "tracefs"}};
  std::vector<std::string> errors;
  for (const auto& m : mounts) {
    ::mkdir(m.target, 0755);
    if (::mount(m.source, m.target, m.type, 0, nullptr) != 0 && errno != EBUSY) {
      errors.push_back(fmt::format("{} on {}: {}", m.type, m.target, std::strerror(errno)));
    }
  }
  ::mkdir("/dev/shm", 01777);
  ::mount("tmpfs", "/dev/shm", "tmpfs", 0, nullptr);
  return errors;
}

int open_result_channel() {
  int fd = ::open("/dev/ttyS1", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return -1;
  termios t{};
  if (::tcgetattr(fd, &t) == 0) {
    ::cfmakeraw(&t);
    ::tcsetattr(fd, TCSANOW, &t);
  }
  std::string mark = std::string(kInitStartMark) + "\n";
  write_all(fd, mark.data(), mark.size());
  return fd;
}

void write_result(int fd, const std::string& json) {
  std::string framed = fmt::format("{}\n{}\n{}\n", kResultBegin, json, kResultEnd);
  int out = fd >= 0 ? fd : 2;
  write_all(out, framed.data(), framed.size());
  ::tcdrain(out);
}

void install_crash_report(int fd) {
  g_crash_fd = fd;
  struct sigaction sa {};
  sa.sa_handler = on_crash;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) ::sigaction(sig, &sa, nullptr);
}

void power_off() {
  ::sync();
  ::reboot(RB_POWER_OFF);
  for (;;) ::pause();  // reboot failed: the host's timeout reports it
}

uint64_t uptime_ms() {
  auto r = read_file("/proc/uptime");
  if (!r) return 0;
  return static_cast<uint64_t>(std::strtod(r->c_str(), nullptr) * 1000.0);
}

std::string kernel_release() {
  utsname u{};
  return ::uname(&u) == 0 ? std::string(u.release) : std::string();
}

}  // namespace ktstr::vm::guest
