#include "report/trace.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/junit.hpp"
#include "util/cpu_list.hpp"

namespace ktstr::report {

using nlohmann::json;
using scenario::ScenarioResult;
using workload::WorkerReport;

namespace {

constexpr int kScenarioTid = 1;

// Times are kept in integer nanoseconds and converted once, so the
// microsecond values in the file carry no float residue.
double us(int64_t ns) {
  return static_cast<double>(ns) / 1e3;
}
int64_t ms_to_ns(double ms) {
  return std::llround(ms * 1e6);
}

struct Emitter {
  json events = json::array();

  void metadata(int pid, int tid, const char* what, const json& args) {
    events.push_back({{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", what}, {"args", args}});
  }
  void slice(int pid, int tid, double ts_us, double dur_us, const std::string& name,
             const char* cat, json args) {
    events.push_back({{"ph", "X"},
                      {"pid", pid},
                      {"tid", tid},
                      {"ts", ts_us},
                      {"dur", std::max(0.0, dur_us)},
                      {"name", name},
                      {"cat", cat},
                      {"args", std::move(args)}});
  }
  void instant(int pid, int tid, double ts_us, const std::string& name, const char* cat,
               const char* scope, json args) {
    events.push_back({{"ph", "i"},
                      {"pid", pid},
                      {"tid", tid},
                      {"ts", ts_us},
                      {"s", scope},
                      {"name", name},
                      {"cat", cat},
                      {"args", std::move(args)}});
  }
};

bool is_global_marker(const std::string& kind) {
  return kind == "step" || kind == "op" || kind == "loop" || kind == "interrupt" || kind == "error";
}

void scenario_track(Emitter& em, const ScenarioResult& s, const std::string& label, int pid,
                    int64_t offset_ns) {
  em.metadata(pid, 0, "process_name", {{"name", "scenario " + label}});
  em.metadata(pid, 0, "process_sort_index", {{"sort_index", pid}});
  em.metadata(pid, kScenarioTid, "thread_name", {{"name", "steps"}});
  em.slice(pid, kScenarioTid, us(offset_ns), us(ms_to_ns(s.duration_ms)), s.name, "scenario",
           {{"verdict", to_string(s.verdict)}, {"reason", s.reason}, {"repeat", s.repeat}});
  const auto& tl = s.timeline;
  for (size_t i = 0; i < tl.size(); ++i) {
    const auto& e = tl[i];
    const double ts = us(offset_ns + ms_to_ns(e.at_ms));
    if (e.kind == "step") {
      double end_ms = s.duration_ms;
      for (size_t k = i + 1; k < tl.size(); ++k) {
        if (tl[k].kind == "step" || tl[k].kind == "stop" || tl[k].kind == "interrupt") {
          end_ms = tl[k].at_ms;
          break;
        }
      }
      end_ms = std::min(std::max(end_ms, e.at_ms), s.duration_ms);
      em.slice(pid, kScenarioTid, ts, us(ms_to_ns(end_ms) - ms_to_ns(e.at_ms)),
               e.detail.substr(0, e.detail.find(':')), "step", {{"detail", e.detail}});
    }
    if (is_global_marker(e.kind)) {
      em.instant(pid, kScenarioTid, ts, e.kind + ": " + e.detail, e.kind.c_str(), "g",
                 {{"detail", e.detail}});
    } else if (e.kind != "step") {
      em.instant(pid, kScenarioTid, ts, e.kind + ": " + e.detail, e.kind.c_str(), "t",
                 {{"detail", e.detail}});
    }
    if (!e.iterations.empty()) {
      json args = json::object();
      for (const auto& [cg, n] : e.iterations) args[cg] = n;
      em.events.push_back({{"ph", "C"},
                           {"pid", pid},
                           {"tid", kScenarioTid},
                           {"ts", ts},
                           {"name", "iterations"},
                           {"args", std::move(args)}});
    }
  }
}

// The in-run monitor: a counter track per CPU (idle %, runnable workers)
// and the sched_ext rejections, at each point's end; stranded findings as
// slices, one thread each (findings may overlap, slices on a thread must nest).
constexpr int kStrandedTid = 10;
void monitor_tracks(Emitter& em, const ScenarioResult& s, int pid, int64_t offset_ns) {
  const auto& m = s.monitor;
  if (!m.consistent()) return;
  for (size_t p = 0; p < m.t_ms.size(); ++p) {
    const double ts = us(offset_ns + ms_to_ns(m.t_ms[p]));
    for (size_t c = 0; c < m.cpus.size(); ++c) {
      em.events.push_back(
          {{"ph", "C"},
           {"pid", pid},
           {"tid", kScenarioTid},
           {"ts", ts},
           {"name", fmt::format("cpu{}", m.cpus[c])},
           {"args", {{"idle_pct", m.idle_pct[c][p]}, {"runnable", m.runnable[c][p]}}}});
    }
    if (m.scx_nr_rejected[p] >= 0) {
      em.events.push_back({{"ph", "C"},
                           {"pid", pid},
                           {"tid", kScenarioTid},
                           {"ts", ts},
                           {"name", "sched_ext nr_rejected"},
                           {"args", {{"nr_rejected", m.scx_nr_rejected[p]}}}});
    }
  }
  for (size_t i = 0; i < s.stranded.size(); ++i) {
    const auto& f = s.stranded[i];
    const int tid = kStrandedTid + static_cast<int>(i);
    em.metadata(pid, tid, "thread_name", {{"name", fmt::format("stranded {}", i + 1)}});
    em.slice(pid, tid, us(offset_ns + ms_to_ns(f.from_ms)),
             us(ms_to_ns(f.to_ms) - ms_to_ns(f.from_ms)),
             fmt::format("stranded {} worker {} (tid {})", f.group, f.worker, f.tid), "stranded",
             {{"detail", f.describe()}});
  }
}

json worker_args(const WorkerReport& r) {
  const double wall = static_cast<double>(r.wall_time_ns);
  json a = {{"worker_index", r.worker_index},
            {"tid", r.tid},
            {"work_type", r.work_type},
            {"iterations", r.iterations},
            {"work_units", r.work_units},
            {"cpu_time_ms", static_cast<double>(r.cpu_time_ns) / 1e6},
            {"off_cpu_pct", wall > 0 ? static_cast<double>(r.off_cpu_ns) / wall * 100 : 0.0},
            {"migrations", r.migration_count},
            {"cpus_used", format_cpu_list(r.cpus_used)},
            {"max_gap_ms", r.max_gap_ms},
            {"completed", r.completed}};
  if (r.exit_info) a["exit"] = workload::to_string(*r.exit_info);
  return a;
}

void worker_track(Emitter& em, const WorkerReport& r, int pid, int64_t start_ns) {
  const int tid = r.tid > 0 ? r.tid : 1'000'000 + static_cast<int>(r.worker_index);
  em.metadata(pid, tid, "thread_name",
              {{"name", fmt::format("worker {} {} (tid {})", r.worker_index, r.work_type, r.tid)}});
  em.metadata(pid, tid, "thread_sort_index", {{"sort_index", r.worker_index}});
  const auto run_ns = static_cast<int64_t>(r.wall_time_ns);
  em.slice(pid, tid, us(start_ns), us(run_ns), r.completed ? "run" : "run (lost)", "worker",
           worker_args(r));
  for (const auto& g : r.largest_gaps) {
    // Clamp into the run slice so the nesting stays valid.
    const int64_t end = std::min(static_cast<int64_t>(g.at_ns), run_ns);
    const int64_t begin = std::max<int64_t>(0, end - static_cast<int64_t>(g.duration_ns));
    em.slice(pid, tid, us(start_ns + begin), us(end - begin),
             fmt::format("gap {:.1f}ms", static_cast<double>(g.duration_ns) / 1e6), "gap",
             {{"duration_ms", static_cast<double>(g.duration_ns) / 1e6}, {"resumed_cpu", g.cpu}});
  }
  for (const auto& m : r.migrations) {
    em.instant(pid, tid, us(start_ns + std::min(static_cast<int64_t>(m.at_ns), run_ns)),
               fmt::format("migrate cpu{}->cpu{}", m.from_cpu, m.to_cpu), "migration", "t",
               {{"from_cpu", m.from_cpu}, {"to_cpu", m.to_cpu}});
  }
}

void worker_tracks(Emitter& em, const ScenarioResult& s, const std::string& label, int base_pid,
                   int64_t offset_ns) {
  if (!s.reports) return;
  double anchor_ms = 0;
  for (const auto& e : s.timeline) {
    if (e.kind == "start") {
      anchor_ms = e.at_ms;
      break;
    }
  }
  uint64_t first_start = UINT64_MAX;
  for (const auto& cg : *s.reports) {
    for (const auto& r : cg.reports) {
      if (r.start_mono_ns > 0) first_start = std::min(first_start, r.start_mono_ns);
    }
  }
  int pid = base_pid;
  for (const auto& cg : *s.reports) {
    ++pid;
    em.metadata(pid, 0, "process_name", {{"name", label + " " + cg.cgroup}});
    em.metadata(pid, 0, "process_sort_index", {{"sort_index", pid}});
    for (const auto& r : cg.reports) {
      const auto rel_ns =
          static_cast<int64_t>(r.start_mono_ns > 0 ? r.start_mono_ns - first_start : 0);
      worker_track(em, r, pid, offset_ns + ms_to_ns(anchor_ms) + rel_ns);
    }
  }
}

}  // namespace

json build_trace(const scenario::RunResult& run) {
  Emitter em;
  int64_t offset_ns = 0;
  for (size_t k = 0; k < run.scenarios.size(); ++k) {
    const auto& s = run.scenarios[k];
    const int pid = static_cast<int>(k + 1) * 1000;
    const std::string label = testcase_name(run, s);
    scenario_track(em, s, label, pid, offset_ns);
    monitor_tracks(em, s, pid, offset_ns);
    worker_tracks(em, s, label, pid, offset_ns);
    offset_ns += ms_to_ns(s.duration_ms + kTraceScenarioGapMs);
  }
  json meta = {{"ktstr_version", run.ktstr_version}, {"started_at", run.started_at},
               {"host", run.host.hostname},          {"kernel", run.host.kernel},
               {"topology", run.host.topology},      {"scheduler", run.host.scheduler},
               {"verdict", to_string(run.verdict)}};
  return {{"displayTimeUnit", "ms"},
          {"metadata", std::move(meta)},
          {"traceEvents", std::move(em.events)}};
}

std::string dump_trace(const json& trace) {
  std::string out = "{\"displayTimeUnit\":" + trace.at("displayTimeUnit").dump() +
                    ",\n\"metadata\":" + trace.at("metadata").dump() + ",\n\"traceEvents\":[\n";
  const auto& ev = trace.at("traceEvents");
  for (size_t i = 0; i < ev.size(); ++i) {
    out += ev[i].dump();
    out += i + 1 < ev.size() ? ",\n" : "\n";
  }
  out += "]}\n";
  return out;
}

std::string render_trace(const scenario::RunResult& run) {
  return dump_trace(build_trace(run));
}

}  // namespace ktstr::report
