// Test-only work types registered straight into the registry, for failure
// paths the real catalogue never takes on purpose (hang, crash, throw,
// exit non-zero).
#pragma once

#include <signal.h>
#include <unistd.h>

#include <stdexcept>

#include "util/clock.hpp"
#include "workload/primitives.hpp"
#include "workload/work_type.hpp"

namespace ktstr::testing {

inline void register_test_work_types() {
  static bool done = false;
  if (done) return;
  done = true;
  auto& reg = workload::WorkTypeRegistry::instance();
  // Ignores the stop request for 30 s: exercises the collect deadline.
  reg.add({.name = "test_hang",
           .family = "test",
           .summary = "ignores stop",
           .run = [](workload::WorkerContext& ctx) {
             const uint64_t end = mono_ns() + 30'000'000'000ULL;
             while (mono_ns() < end) workload::spin(ctx, 1024);
           }});
  reg.add({.name = "test_exit3",
           .family = "test",
           .summary = "exits with status 3 before reporting",
           .thread_ok = false,
           .run = [](workload::WorkerContext&) { _exit(3); }});
  reg.add({.name = "test_killed",
           .family = "test",
           .summary = "kills itself with SIGKILL (a signal sanitizers do not intercept)",
           .thread_ok = false,
           .run = [](workload::WorkerContext&) { raise(SIGKILL); }});
  reg.add({.name = "test_throw",
           .family = "test",
           .summary = "throws",
           .run = [](workload::WorkerContext&) -> void {
             throw std::runtime_error("deliberate failure");
           }});
  // Forks a grandchild that sleeps forever and records its pid as a work unit count.
  reg.add({.name = "test_exit3_orphan",
           .family = "test",
           .summary = "forks a grandchild (holding the report pipe), then exits with status 3",
           .thread_ok = false,
           .run = [](workload::WorkerContext&) {
             if (fork() == 0) {
               for (;;) pause();
             }
             _exit(3);
           }});
  reg.add({.name = "test_grandchild",
           .family = "test",
           .summary = "forks a sleeping grandchild",
           .thread_ok = false,
           .run = [](workload::WorkerContext& ctx) {
             pid_t g = fork();
             if (g == 0) {
               for (;;) pause();
             }
             ctx.tel->set_extra("grandchild", static_cast<double>(g));
             while (!ctx.stopped()) workload::spin(ctx, 1024);
           }});
}

}  // namespace ktstr::testing
