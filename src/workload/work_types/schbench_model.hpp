// The threads and state of the in-process schbench model (schbench.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "util/result.hpp"
#include "workload/telemetry.hpp"
#include "workload/work_types/latency_histogram.hpp"

namespace ktstr::workload {

inline constexpr int64_t kSchbenchMaxThreads = 1024;
// Longest single wait of an inner thread, so it sees a stop promptly even
// if the explicit wakeup at stop were lost.
inline constexpr uint64_t kInnerPollNs = 50'000'000;

struct SchbenchConfig {
  size_t message_threads = 1;
  size_t workers_per_message = 2;
  uint64_t footprint_bytes = 256 << 10;
  uint64_t ops = 5;
  uint64_t sleep_ns = 100'000;
  uint64_t rps = 0;  // total across message threads; 0 = closed loop
  bool pipe = false;
};

struct SchbenchResult {
  LatencyHistogram wakeup;   // post -> worker running
  LatencyHistogram request;  // post -> request done
  uint64_t elapsed_ns = 0;   // start() to stop()
  uint64_t dropped = 0;      // rps mode: posts refused by a full queue
  size_t threads = 0;
};

// Move-free owner of the model's threads. Wake samples go to `tel` (under
// a lock, as several threads feed it); nothing else of `tel` is touched.
class SchbenchModel {
 public:
  SchbenchModel(SchbenchConfig cfg, Telemetry* tel, const std::atomic<bool>& outer_stop);
  ~SchbenchModel();
  SchbenchModel(const SchbenchModel&) = delete;
  SchbenchModel& operator=(const SchbenchModel&) = delete;

  // Creates pipes and threads. On failure everything started is stopped
  // and joined before it returns.
  Status start();
  // Requests completed so far (relaxed; for progress).
  uint64_t completed() const;
  // Stops every thread (each notices within kInnerPollNs, usually at
  // once), joins them and merges their histograms. Idempotent.
  SchbenchResult stop();

 private:
  struct WorkerSlot;
  struct MessageSlot;
  struct CpuLock;

  bool should_quit() const;
  void post(WorkerSlot& w, uint64_t stamp);
  void wake_message(MessageSlot& m);
  void message_loop(MessageSlot& m);
  void worker_loop(WorkerSlot& w);
  void serve(WorkerSlot& w, uint64_t stamp);
  bool matrix_work(WorkerSlot& w);
  void think(uint64_t ns) const;

  SchbenchConfig cfg_;
  Telemetry* tel_;
  const std::atomic<bool>& outer_stop_;
  std::atomic<bool> quit_{false};
  std::mutex tel_mu_;
  std::vector<std::unique_ptr<MessageSlot>> messages_;
  std::vector<std::unique_ptr<WorkerSlot>> workers_;
  std::unique_ptr<CpuLock[]> cpu_locks_;
  size_t num_cpu_locks_ = 0;
  std::vector<std::thread> threads_;
  uint64_t start_ns_ = 0;
  bool stopped_ = false;
  SchbenchResult result_;
};

}  // namespace ktstr::workload
