// custom work type: runs registered functions, rejects unknown names, and in
// Fork mode takes the function's descendants down with the worker.
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "work_types_sync_helpers.hpp"
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"

namespace ktstr::testing {
namespace {

using workload::CloneMode;
using workload::WorkerContext;

// Forks a grandchild that sleeps until killed, then spins until stopped.
// The grandchild keeps the worker's process group (it never calls setsid).
void spawn_sleeper(WorkerContext& ctx) {
  const pid_t pid = fork();
  if (pid == 0) {
    for (;;) pause();
  }
  ctx.tel->set_extra("grandchild_pid", pid);
  while (!ctx.stopped()) {
    workload::spin(ctx, 1024);
    ctx.tel->iteration();
  }
  ctx.tel->set_extra("grandchild_alive_at_stop", pid > 0 && kill(pid, 0) == 0 ? 1 : 0);
}

void count_spins(WorkerContext& ctx) {
  ctx.tel->set_extra("allowed_cpus", static_cast<double>(ctx.allowed_cpus().size()));
  while (!ctx.stopped()) {
    workload::spin(ctx, 256);
    ctx.tel->iteration();
  }
}

void register_test_functions() {
  workload::register_custom_work("spawn_sleeper", spawn_sleeper);
  workload::register_custom_work("count_spins", count_spins);
}

// A process is gone once /proc/<pid> disappears or only a zombie is left
// (its new parent, possibly a non-reaping PID 1, owns the reap).
bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const auto close_paren = line.rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= line.size()) return true;
  const char state = line[close_paren + 2];
  return state == 'Z' || state == 'X';
}

TEST(CustomType, ForkModeKillsTheWorkersDescendants) {
  register_test_functions();
  auto reports =
      run_completed(make_config("custom", 1, {{"name", "spawn_sleeper"}}, CloneMode::kFork), 200);
  ASSERT_EQ(reports.size(), 1U);
  const auto pid = static_cast<pid_t>(extra(reports[0], "grandchild_pid"));
  ASSERT_GT(pid, 0);
  EXPECT_EQ(extra(reports[0], "grandchild_alive_at_stop"), 1);
  EXPECT_GT(reports[0].iterations, 0U);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = process_gone(pid);
    if (!gone) usleep(10'000);
  }
  EXPECT_TRUE(gone) << "grandchild " << pid << " survived the workload";
  if (!gone) kill(pid, SIGKILL);
}

TEST(CustomType, ThreadModeRunsTheRegisteredFunction) {
  register_test_functions();
  auto reports =
      run_completed(make_config("custom", 2, {{"name", "count_spins"}}, CloneMode::kThread), 200);
  ASSERT_EQ(reports.size(), 2U);
  for (const auto& r : reports) {
    EXPECT_GT(r.iterations, 0U);
    EXPECT_EQ(r.work_units, r.iterations * 256);
    EXPECT_GE(extra(r, "allowed_cpus"), 1);
  }
}

TEST(CustomType, RejectsEmptyAndUnknownNames) {
  register_test_functions();
  expect_rejected(make_config("custom", 1), {"custom", "param name is empty"});
  expect_rejected(make_config("custom", 1, {{"name", "no_such_fn"}}),
                  {"name=no_such_fn", "count_spins", "spawn_sleeper"});
}

}  // namespace
}  // namespace ktstr::testing
