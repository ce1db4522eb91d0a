// sys::Subprocess with real processes: exit codes and signals, timeouts that
// kill a whole process group, fd hygiene, stdio to pipes and files, the
// environment, PATH lookup, parent-death signal and reaping on destruction.
#include "sys/subprocess.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "leak_checker.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"

namespace ktstr::sys {
namespace {

SubprocessOptions shell(const std::string& script) {
  SubprocessOptions o;
  o.argv = {"sh", "-c", script};
  return o;
}

bool proc_exists(pid_t pid) {
  struct stat st {};
  return ::stat(("/proc/" + std::to_string(pid)).c_str(), &st) == 0;
}

// Reads one line from `fd` (the child's stdout pipe).
std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

std::string temp_path(const std::string& name) {
  return "/tmp/ktstr_subprocess_test_" + std::to_string(getpid()) + "_" + name;
}

TEST(SysSubprocess, ReportsExitCode) {
  testing::LeakChecker leaks;
  auto p = Subprocess::start(shell("exit 7"));
  ASSERT_TRUE(p) << p.error().describe();
  const ExitStatus st = p->wait();
  EXPECT_EQ(st.exit_code, 7);
  EXPECT_EQ(st.signal, 0);
  EXPECT_EQ(st.shell_code(), 7);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.describe(), "exited with status 7");
  EXPECT_EQ(p->exit_status()->exit_code, 7);
  EXPECT_EQ(leaks.check(), "");
}

TEST(SysSubprocess, ReportsTerminatingSignal) {
  auto p = Subprocess::start(shell("kill -USR1 $$; sleep 5"));
  ASSERT_TRUE(p) << p.error().describe();
  auto st = p->wait_for(5000);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->signal, SIGUSR1);
  EXPECT_EQ(st->exit_code, -1);
  EXPECT_EQ(st->shell_code(), 128 + SIGUSR1);
  EXPECT_EQ(st->describe(), fmt::format("killed by signal {}", SIGUSR1));
}

TEST(SysSubprocess, ChildStartsWithEmptySignalMask) {
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  auto p = Subprocess::start(shell("kill -TERM $$; sleep 5"));
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(p) << p.error().describe();
  auto st = p->wait_for(5000);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->signal, SIGTERM);
}

TEST(SysSubprocess, TimeoutThenKillTakesTheWholeGroup) {
  testing::LeakChecker leaks;
  auto o = shell("sleep 100 & echo $!; wait");
  o.stdout_io = Stdio::pipe();
  auto p = Subprocess::start(std::move(o));
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->pgid(), p->pid());
  const pid_t grandchild = std::stoi(read_line(p->stdout_fd()));
  EXPECT_EQ(::getpgid(grandchild), p->pid());
  const uint64_t t0 = mono_ns();
  EXPECT_FALSE(p->wait_for(300));
  EXPECT_GE(mono_ns() - t0, 300'000'000u);
  EXPECT_TRUE(proc_exists(grandchild));
  const ExitStatus st = p->kill_and_wait();
  EXPECT_EQ(st.signal, SIGKILL);
  EXPECT_FALSE(proc_exists(p->pid()));
  EXPECT_TRUE(testing::dies_soon(grandchild)) << "grandchild " << grandchild << " survived";
  (void)p->take_stdout();
  EXPECT_EQ(leaks.check(), "");
}

TEST(SysSubprocess, InOurGroupUnlessItMakesItsOwn) {
  auto o = shell("sleep 100 & echo $!; wait");
  o.argv.insert(o.argv.begin(), "setsid");
  o.new_process_group = false;
  o.stdout_io = Stdio::pipe();
  auto p = Subprocess::start(o);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->pgid(), 0);
  const pid_t grandchild = std::stoi(read_line(p->stdout_fd()));
  EXPECT_EQ(::getpgid(grandchild), p->pid());  // setsid made the child a leader
  EXPECT_EQ(p->kill_and_wait().signal, SIGKILL);
  EXPECT_TRUE(testing::dies_soon(grandchild)) << "grandchild " << grandchild << " survived";

  auto own_group = Subprocess::start(shell("sleep 100"));
  auto shared = o;
  shared.argv = {"sleep", "100"};
  auto our_group = Subprocess::start(shared);
  ASSERT_TRUE(own_group && our_group);
  EXPECT_EQ(::getpgid(our_group->pid()), ::getpgrp());
  EXPECT_EQ(::getpgid(own_group->pid()), own_group->pid());
}

TEST(SysSubprocess, OnlyNamedFdsAreInherited) {
  // Neither fd is close-on-exec: only the explicit closing keeps `hidden` out.
  UniqueFd hidden(::open("/dev/null", O_RDONLY));  // NOLINT(android-cloexec-open)
  UniqueFd named(::open("/dev/null", O_RDONLY));   // NOLINT(android-cloexec-open)
  UniqueFd same(::open("/dev/null", O_RDONLY));    // NOLINT(android-cloexec-open)
  ASSERT_TRUE(hidden && named && same);
  auto o = shell(fmt::format(
      "test -e /proc/self/fd/{} && echo hidden; test -e /proc/self/fd/50 && echo named; "
      "test -e /proc/self/fd/{} && echo same; ls /proc/self/fd | sort -n | tr '\\n' ' '",
      hidden.get(), same.get()));
  o.stdout_io = Stdio::pipe();
  o.keep_fds = {{named.get(), 50}, {same.get(), -1}};
  auto p = Subprocess::start(std::move(o));
  ASSERT_TRUE(p) << p.error().describe();
  const std::string out = read_to_eof(p->stdout_fd());
  EXPECT_EQ(p->wait().exit_code, 0);
  std::set<int> want = {0, 1, 2, 3, 50, same.get()};  // 3: ls reading the directory
  std::string want_ls;
  for (int fd : want) want_ls += std::to_string(fd) + " ";
  EXPECT_EQ(out, "named\nsame\n" + want_ls);
}

TEST(SysSubprocess, StdoutToPipeAndStderrToDevNull) {
  auto o = shell("echo hello; echo noise >&2");
  o.stdout_io = Stdio::pipe();
  o.stderr_io = Stdio::null();
  auto p = Subprocess::start(std::move(o));
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(read_to_eof(p->stdout_fd()), "hello\n");
  EXPECT_TRUE(p->wait().ok());
}

TEST(SysSubprocess, StdoutToFileTruncatesOrAppends) {
  const std::string path = temp_path("out");
  ASSERT_TRUE(write_file_atomic(path, "old contents\n"));
  auto o = shell("echo out; echo err >&2");
  o.stdout_io = Stdio::file(path);
  o.stderr_io = Stdio::same_as_stdout();
  auto p = Subprocess::start(o);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_TRUE(p->wait().ok());
  EXPECT_EQ(*read_file(path), "out\nerr\n");
  auto a = shell("echo more");
  a.stdout_io = Stdio::file(path, true);
  auto q = Subprocess::start(a);
  ASSERT_TRUE(q) << q.error().describe();
  EXPECT_TRUE(q->wait().ok());
  EXPECT_EQ(*read_file(path), "out\nerr\nmore\n");
  ::unlink(path.c_str());
}

TEST(SysSubprocess, StdinFromFileAndCwd) {
  const std::string path = temp_path("in");
  ASSERT_TRUE(write_file_atomic(path, "from the file\n"));
  auto o = shell("cat; pwd");
  o.stdin_io = Stdio::file(path);
  o.stdout_io = Stdio::pipe();
  o.cwd = "/proc";
  auto p = Subprocess::start(o);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(read_to_eof(p->stdout_fd()), "from the file\n/proc\n");
  EXPECT_TRUE(p->wait().ok());
  ::unlink(path.c_str());
}

TEST(SysSubprocess, EnvironmentOverridesAndExactEnv) {
  ::setenv("KTSTR_SUBPROCESS_TEST", "parent", 1);
  auto o = shell("echo $KTSTR_SUBPROCESS_TEST $KTSTR_SUBPROCESS_NEW; env | grep -c ^KTSTR_SUB");
  o.stdout_io = Stdio::pipe();
  o.env_overrides = {"KTSTR_SUBPROCESS_TEST=child", "KTSTR_SUBPROCESS_NEW=1"};
  auto p = Subprocess::start(o);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(read_to_eof(p->stdout_fd()), "child 1\n2\n");
  EXPECT_TRUE(p->wait().ok());

  SubprocessOptions e;
  e.argv = {"env"};
  e.exact_env = std::vector<std::string>{"ONLY=this"};
  e.stdout_io = Stdio::pipe();
  auto q = Subprocess::start(e);
  ASSERT_TRUE(q) << q.error().describe();
  EXPECT_EQ(read_to_eof(q->stdout_fd()), "ONLY=this\n");
  EXPECT_TRUE(q->wait().ok());
  ::unsetenv("KTSTR_SUBPROCESS_TEST");
}

TEST(SysSubprocess, PathLookup) {
  auto sh = find_in_path("sh");
  ASSERT_TRUE(sh) << sh.error().describe();
  EXPECT_EQ(sh->front(), '/');
  EXPECT_EQ(sh->substr(sh->rfind('/')), "/sh");
  EXPECT_EQ(::access(sh->c_str(), X_OK), 0);
  auto listed = find_in_path("sh", "/nonexistent-dir::/bin");
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, "/bin/sh");
  auto as_is = find_in_path("/bin/sh");
  ASSERT_TRUE(as_is);
  EXPECT_EQ(*as_is, "/bin/sh");

  auto missing = find_in_path("ktstr-no-such-program");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kEnvironment);
  EXPECT_EQ(missing.error().context, "ktstr-no-such-program");
  EXPECT_NE(missing.error().message.find("not found in PATH"), std::string::npos);
  const std::string plain = temp_path("plain");
  ASSERT_TRUE(write_file_atomic(plain, "data\n"));
  ASSERT_EQ(::chmod(plain.c_str(), 0644), 0);
  auto not_exec = find_in_path(plain);
  ::unlink(plain.c_str());
  ASSERT_FALSE(not_exec);
  EXPECT_EQ(not_exec.error().context, plain);

  SubprocessOptions o;
  o.argv = {"ktstr-no-such-program", "--flag"};
  auto p = Subprocess::start(o);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(p.error().describe().find("ktstr-no-such-program"), std::string::npos);
}

TEST(SysSubprocess, ExecFailureExits127WithAMessage) {
  // Executable, so the lookup accepts it; its interpreter is missing, so
  // execve fails in the child.
  const std::string script = temp_path("bad_interp");
  ASSERT_TRUE(write_file_atomic(script, "#!/nonexistent/interpreter\n"));
  ASSERT_EQ(::chmod(script.c_str(), 0755), 0);
  SubprocessOptions o;
  o.argv = {script};
  o.stderr_io = Stdio::pipe();
  auto p = Subprocess::start(o);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(read_to_eof(p->stderr_fd()),
            fmt::format("ktstr: cannot execute {}: errno {}\n", script, ENOENT));
  EXPECT_EQ(p->wait().exit_code, 127);
  ::unlink(script.c_str());
}

TEST(SysSubprocess, HeldChildRunsOnlyAfterRelease) {
  auto o = shell("echo ran");
  o.stdout_io = Stdio::pipe();
  o.hold_until_released = true;
  auto p = Subprocess::start(o);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_FALSE(p->wait_for(200));
  p->release();
  EXPECT_EQ(read_to_eof(p->stdout_fd()), "ran\n");
  EXPECT_TRUE(p->wait().ok());
}

TEST(SysSubprocess, DestructorKillsAndReaps) {
  testing::LeakChecker leaks;
  pid_t running = -1, exited = -1;
  {
    auto p = Subprocess::start(shell("sleep 100"));
    ASSERT_TRUE(p) << p.error().describe();
    running = p->pid();
    auto q = Subprocess::start(shell("exit 0"));
    ASSERT_TRUE(q) << q.error().describe();
    exited = q->pid();
    EXPECT_TRUE(testing::dies_soon(exited));  // a zombie now: nobody waited yet
    EXPECT_TRUE(proc_exists(exited));
  }
  EXPECT_FALSE(proc_exists(running));
  EXPECT_FALSE(proc_exists(exited));
  EXPECT_EQ(leaks.check(), "");
}

TEST(SysSubprocess, ChildDiesWithItsParent) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  UniqueFd rd(fds[0]), wr(fds[1]);
  const pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    auto p = Subprocess::start(shell("sleep 100"));
    const pid_t pid = p ? p->pid() : -1;
    (void)!::write(wr.get(), &pid, sizeof pid);
    ::_exit(0);  // no destructor: only the death signal stops the child
  }
  wr.reset();
  pid_t child = -1;
  ASSERT_EQ(::read(rd.get(), &child, sizeof child), static_cast<ssize_t>(sizeof child));
  int st = 0;
  ASSERT_EQ(::waitpid(middle, &st, 0), middle);
  ASSERT_GT(child, 0);
  EXPECT_TRUE(testing::dies_soon(child)) << "child " << child << " outlived its parent";
}

TEST(SysSubprocess, MovedFromOwnsNothing) {
  auto p = Subprocess::start(shell("exit 3"));
  ASSERT_TRUE(p) << p.error().describe();
  const pid_t pid = p->pid();
  Subprocess moved = std::move(*p);
  EXPECT_EQ(p->pid(), -1);
  EXPECT_EQ(moved.pid(), pid);
  EXPECT_EQ(moved.wait().exit_code, 3);
}

}  // namespace
}  // namespace ktstr::sys
