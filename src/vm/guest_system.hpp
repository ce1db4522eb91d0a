// Guest-side system plumbing for the init: mounts, the result UART,
// power-off and a last-resort crash report. Internal to src/vm.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ktstr::vm::guest {

// Mounts proc, sysfs, devtmpfs, tmpfs (/tmp, /run), cgroup2, debugfs,
// tracefs. Returns the mounts that failed ("cgroup2 on /sys/fs/cgroup: ...").
std::vector<std::string> mount_filesystems();

// Opens /dev/ttyS1 in raw mode (no \n -> \r\n) and writes the start mark.
// Returns the fd (-1 when unavailable; results then go to the console).
int open_result_channel();

// Writes the framed document and drains the UART.
void write_result(int fd, const std::string& json);

// Installs SIGSEGV/SIGBUS/SIGABRT/SIGFPE/SIGILL handlers that write a
// minimal error document to `fd` and power off.
void install_crash_report(int fd);

// sync + reboot(RB_POWER_OFF); never returns.
[[noreturn]] void power_off();

// Milliseconds since the guest kernel booted (/proc/uptime).
uint64_t uptime_ms();
std::string kernel_release();

}  // namespace ktstr::vm::guest
