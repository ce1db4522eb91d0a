// A `kill -9` of the harness while a VM runs: QEMU dies with it
// (PR_SET_PDEATHSIG through sys::Subprocess), and the run's scratch dir is
// left for the next sweep, which removes it (owner mark, vm/temp_cleanup).
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "../integration/leak_checker.hpp"
#include "sys/subprocess.hpp"
#include "util/file_io.hpp"
#include "vm/temp_cleanup.hpp"
#include "vm_test_util.hpp"

namespace ktstr::vm {
namespace {

// The first child of `parent` whose comm starts with `prefix`.
pid_t child_named(pid_t parent, const std::string& prefix) {
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return 0;
  pid_t found = 0;
  while (dirent* e = ::readdir(d)) {
    const pid_t pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const size_t open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    const std::string comm = line.substr(open + 1, close - open - 1);
    if (comm.rfind(prefix, 0) != 0) continue;
    if (std::atoi(line.c_str() + close + 4) == parent) found = pid;
  }
  ::closedir(d);
  return found;
}

// The marked temp dirs under /tmp whose owner is `pid`.
std::vector<std::string> temp_dirs_of(pid_t pid) {
  std::vector<std::string> out;
  DIR* d = ::opendir("/tmp");
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    const std::string path = std::string("/tmp/") + e->d_name;
    auto mark = read_file(path + "/" + kOwnerMarkName);
    if (!mark) continue;
    auto m = parse_owner_mark(*mark);
    if (m && m->pid == pid) out.push_back(path);
  }
  ::closedir(d);
  return out;
}

TEST(VmHarnessDeath, QemuDiesWithTheHarnessAndItsScratchIsSwept) {
  KTSTR_REQUIRE_KERNEL(kernel, "sched-ext");
  if (std::getenv("TMPDIR") != nullptr) GTEST_SKIP() << "looks for scratch dirs in /tmp only";
  sys::SubprocessOptions o;
  o.argv = {KTSTR_BINARY, "vm",           "shell", "--kernel", kernel,     "--topology",
            "1n1l1c1t",   "--vm-timeout", "5m",    "--exec",   "sleep 600"};
  o.stdout_io = sys::Stdio::null();
  o.stderr_io = sys::Stdio::null();
  auto ktstr = sys::Subprocess::start(std::move(o));
  ASSERT_TRUE(ktstr) << ktstr.error().describe();
  pid_t qemu = 0;
  for (int i = 0; i < 600 && qemu == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    qemu = child_named(ktstr->pid(), "qemu-system");
  }
  ASSERT_GT(qemu, 0) << "QEMU did not start within 60 s";
  const std::vector<std::string> scratch = temp_dirs_of(ktstr->pid());
  ASSERT_FALSE(scratch.empty()) << "no marked scratch dir of the run";
  ::kill(ktstr->pid(), SIGKILL);
  ASSERT_TRUE(ktstr->wait_for(10000));
  EXPECT_TRUE(ktstr::testing::dies_soon(qemu)) << "QEMU " << qemu << " outlived the harness";
  for (const auto& d : scratch)
    EXPECT_EQ(::access(d.c_str(), F_OK), 0) << d << " (no teardown ran)";
  const TempCleanupReport swept = remove_stale_temp_dirs();
  EXPECT_TRUE(swept.errors.empty());
  for (const auto& d : scratch)
    EXPECT_NE(::access(d.c_str(), F_OK), 0) << d << " survived the sweep";
}

}  // namespace
}  // namespace ktstr::vm
