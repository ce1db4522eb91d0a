// schbench: an in-process model of schbench's request loop, hosted by one
// worker. Message threads post requests to their worker threads (stamping
// CLOCK_MONOTONIC); a worker thread wakes, records the wakeup latency,
// thinks (sleeps), does matrix multiplies under a per-CPU spinlock (so
// preempting or migrating a lock holder is expensive, as in the web
// workload schbench models) and records the request latency.
//
// The inner threads belong to the worker's process in fork mode and to
// the harness in thread mode; either way they inherit the worker's
// affinity, policy and nice, never touch process-wide state, wait at most
// kInnerPollNs at a time, and are joined before run() returns.
#include "workload/work_types/schbench_model.hpp"

#include "workload/primitives.hpp"
#include "workload/work_type.hpp"
#include "workload/work_types/families.hpp"

namespace ktstr::workload {
namespace {

constexpr uint64_t kPublishEveryNs = 20'000'000;

SchbenchConfig config_from(const ParamValues& p) {
  SchbenchConfig c;
  c.message_threads = static_cast<size_t>(p.get_int("message_threads"));
  c.workers_per_message = static_cast<size_t>(p.get_int("workers"));
  c.footprint_bytes = static_cast<uint64_t>(p.get_int("footprint_kib")) << 10;
  c.ops = static_cast<uint64_t>(p.get_int("ops"));
  c.sleep_ns = static_cast<uint64_t>(p.get_int("sleep_us")) * 1000;
  c.rps = static_cast<uint64_t>(p.get_int("rps"));
  c.pipe = p.get_bool("pipe");
  return c;
}

void report(WorkerContext& ctx, const SchbenchResult& r) {
  auto us = [](uint64_t ns) { return static_cast<double>(ns) / 1e3; };
  const LatencyHistogram& w = r.wakeup;
  const LatencyHistogram& q = r.request;
  ctx.tel->set_extra("wakeup_p50_us", us(w.percentile(0.50)));
  ctx.tel->set_extra("wakeup_p99_us", us(w.percentile(0.99)));
  ctx.tel->set_extra("wakeup_p999_us", us(w.percentile(0.999)));
  ctx.tel->set_extra("wakeup_max_us", us(w.max()));
  ctx.tel->set_extra("request_p50_us", us(q.percentile(0.50)));
  ctx.tel->set_extra("request_p99_us", us(q.percentile(0.99)));
  ctx.tel->set_extra("request_p999_us", us(q.percentile(0.999)));
  ctx.tel->set_extra("request_max_us", us(q.max()));
  ctx.tel->set_extra("requests", static_cast<double>(q.total()));
  ctx.tel->set_extra("rps", r.elapsed_ns == 0 ? 0
                                              : static_cast<double>(q.total()) * 1e9 /
                                                    static_cast<double>(r.elapsed_ns));
  ctx.tel->set_extra("dropped_requests", static_cast<double>(r.dropped));
  ctx.tel->set_extra("threads", static_cast<double>(r.threads));
}

void run_schbench(WorkerContext& ctx) {
  SchbenchModel model(config_from(*ctx.params), ctx.tel, *ctx.stop);
  if (auto st = model.start(); !st) {
    ctx.tel->warn("schbench: " + st.error().describe());
    while (!ctx.stopped()) sleep_ns(ctx, kStopPollNs);
    return;
  }
  // The host thread only publishes progress: one iteration per completed
  // request, so live progress and starvation checks see the model work.
  uint64_t published = 0;
  auto publish = [&] {
    const uint64_t done = model.completed();
    if (done > published) ctx.tel->add_units(done - published);
    for (; published < done; ++published) ctx.tel->iteration();
  };
  while (!ctx.stopped()) {
    sleep_ns(ctx, kPublishEveryNs);
    publish();
  }
  const SchbenchResult result = model.stop();
  publish();
  report(ctx, result);
}

Status validate_schbench(const ParamValues& p) {
  const int64_t threads = p.get_int("message_threads") * (1 + p.get_int("workers"));
  if (threads > kSchbenchMaxThreads) {
    return invalid_input(
        fmt::format("params message_threads x (workers + 1) = {} threads, more "
                    "than {}; lower message_threads or workers",
                    threads, kSchbenchMaxThreads));
  }
  return {};
}

}  // namespace

void register_schbench_work_types(WorkTypeRegistry& reg) {
  reg.add(
      {.name = "schbench",
       .family = "schbench",
       .summary = "in-process schbench: message threads post requests to worker threads; "
                  "wakeup/request latency percentiles and rps in extras",
       .params = {{"message_threads", ParamKind::kInt, "1", "message threads", 1, 64},
                  {"workers", ParamKind::kInt, "2", "worker threads per message thread", 1, 256},
                  {"footprint_kib", ParamKind::kInt, "256",
                   "matrix memory per worker thread (three square matrices), KiB", 1, 1 << 20},
                  {"ops", ParamKind::kInt, "5", "matrix multiplies per request", 1, 1000},
                  {"sleep_us", ParamKind::kInt, "100",
                   "think time per request before the matrix work, microseconds", 0, 100'000},
                  {"rps", ParamKind::kInt, "0",
                   "total requests per second (0: unthrottled, each worker thread gets its "
                   "next request as soon as it finishes)",
                   0, 10'000'000},
                  {"pipe", ParamKind::kBool, "false",
                   "wake with a 1-byte pipe message instead of a futex"}},
       .samples = "wake",
       .validate = validate_schbench,
       .run = run_schbench});
}

}  // namespace ktstr::workload
