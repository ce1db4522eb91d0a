#include "gauntlet/run.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <cstdint>
#include <map>

#include "gauntlet/boot_model.hpp"
#include "gauntlet/job_process.hpp"
#include "gauntlet/pack.hpp"
#include "util/clock.hpp"
#include "util/exit_codes.hpp"
#include "vm/initramfs.hpp"
#include "vm/signal_catcher.hpp"

namespace ktstr::gauntlet {
namespace {

// How long stopped jobs get to tear their VMs down (SIGTERM: QEMU killed,
// temp dirs removed) before they are killed outright.
constexpr uint64_t kStopGraceMs = 20000;
constexpr int kPollMs = 1000;

// Lower is worse: fail, invalid, environment, inconclusive, pass.
int severity(int code) {
  switch (code) {
    case kExitPass:
      return 4;
    case kExitInconclusive:
      return 3;
    case kExitEnvironment:
      return 2;
    case kExitInvalid:
      return 1;
    default:
      return 0;
  }
}

std::string human_ms(uint64_t ms) {
  const uint64_t s = (ms + 500) / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}h {:02}m", s / 3600, (s % 3600) / 60);
}

double ms_since(uint64_t ns) {
  return static_cast<double>(mono_ns() - ns) / 1e6;
}

class Runner {
 public:
  Runner(const GauntletPlan& plan, const RunOptions& o) : plan_(plan), o_(o) {
    limits_.max_jobs = o.max_jobs;
    limits_.host_cpus = o.host_cpus > 0 ? o.host_cpus : host_cpu_count();
    pending_ = plan.mine;
    std::vector<int> costs;
    for (size_t i : pending_) costs.push_back(cost_of(i));
    slots_ = max_parallel_jobs(costs, limits_);
  }

  GauntletRun run();

 private:
  int cost_of(size_t i) const {
    return vm_cpu_cost(plan_.matrix.jobs[i].cpus, o_.kvm, limits_.host_cpus);
  }
  void start_ready();
  void finish(JobOutcome o);
  void reap();
  void stop_all(bool now);
  void wait_for_events();
  void report(bool final);
  uint64_t eta_ms() const;

  const GauntletPlan& plan_;
  const RunOptions& o_;
  PackLimits limits_;
  size_t slots_ = 1;
  std::vector<size_t> pending_;  // job order
  std::vector<JobChild> running_;
  std::map<size_t, JobOutcome> done_;  // by job index: job order however they finish
  size_t failed_ = 0;
  double done_wall_ms_ = 0, done_est_ms_ = 0;
  vm::SignalCatcher signals_;
  bool stopping_ = false;
  uint64_t stop_deadline_ns_ = 0;
  uint64_t next_tick_ns_ = 0;
  size_t reported_done_ = SIZE_MAX, reported_running_ = 0;
  std::string ktstr_;
};

void Runner::start_ready() {
  if (stopping_ || pending_.empty()) return;
  std::vector<int> costs;
  int busy = 0;
  for (size_t i : pending_) costs.push_back(cost_of(i));
  for (const auto& c : running_) busy += c.cpu_cost;
  auto starts = jobs_to_start(costs, running_.size(), busy, limits_);
  std::vector<size_t> still;
  size_t next = 0;
  for (size_t k = 0; k < pending_.size(); ++k) {
    if (next < starts.size() && starts[next] == k) {
      ++next;
      const size_t i = pending_[k];
      auto child = start_job(ktstr_, i, plan_.matrix.jobs[i], o_.duration);
      if (!child) {
        JobOutcome o;
        o.job = i;
        o.exit_code = exit_code_for(child.error().kind);
        o.verdict = "error";
        o.reason = "could not start the job: " + child.error().describe();
        finish(std::move(o));
        continue;
      }
      child->cpu_cost = costs[k];
      running_.push_back(std::move(*child));
    } else {
      still.push_back(pending_[k]);
    }
  }
  pending_ = std::move(still);
  std::sort(running_.begin(), running_.end(),
            [](const JobChild& a, const JobChild& b) { return a.job < b.job; });
}

void Runner::finish(JobOutcome o) {
  const Job& j = plan_.matrix.jobs[o.job];
  if (o.exit_code != kExitPass) ++failed_;
  if (o.wall_ms > 0 && o.exit_code != kExitInterrupted) {  // a full run: it calibrates the ETA
    done_wall_ms_ += o.wall_ms;
    done_est_ms_ += static_cast<double>(shown_estimate_ms(plan_, o.job));
  }
  if (o_.finished) o_.finished(j, o);
  done_[o.job] = std::move(o);
}

void Runner::reap() {
  for (auto it = running_.begin(); it != running_.end();) {
    auto st = it->proc.poll();
    if (!st) {
      ++it;
      continue;
    }
    finish(collect_job(*it, *st, ms_since(it->start_ns), stopping_));
    it = running_.erase(it);
  }
}

void Runner::stop_all(bool now) {
  if (!stopping_) {
    stopping_ = true;
    stop_deadline_ns_ = mono_ns() + kStopGraceMs * 1000000;
    pending_.clear();
    for (auto& c : running_) c.proc.signal_group(SIGTERM);
  }
  if (!now) return;
  for (auto& c : running_) {
    auto st = c.proc.kill_and_wait();
    finish(collect_job(c, st, ms_since(c.start_ns), true));
  }
  running_.clear();
}

void Runner::wait_for_events() {
  std::vector<pollfd> fds;
  if (signals_.fd() >= 0) fds.push_back({signals_.fd(), POLLIN, 0});
  bool all_pidfds = true;
  for (const auto& c : running_) {
    if (c.proc.pidfd() >= 0) {
      fds.push_back({c.proc.pidfd(), POLLIN, 0});
    } else {
      all_pidfds = false;
    }
  }
  int timeout = all_pidfds ? kPollMs : 100;
  if (o_.tick_ms) timeout = std::min<int>(timeout, static_cast<int>(o_.tick_ms));
  (void)::poll(fds.data(), fds.size(), timeout);
  if (signals_.take() != 0) stop_all(stopping_);  // a second signal: kill now
  if (stopping_ && mono_ns() >= stop_deadline_ns_) stop_all(true);
}

uint64_t Runner::eta_ms() const {
  const double scale = done_est_ms_ > 0 ? done_wall_ms_ / done_est_ms_ : 1.0;
  double left = 0;
  for (size_t i : pending_) left += static_cast<double>(shown_estimate_ms(plan_, i)) * scale;
  for (const auto& c : running_) {
    const double est = static_cast<double>(shown_estimate_ms(plan_, c.job)) * scale;
    left += std::max(0.0, est - ms_since(c.start_ns));
  }
  const size_t n = std::max<size_t>(1, std::min(slots_, pending_.size() + running_.size()));
  return static_cast<uint64_t>(left / static_cast<double>(n));
}

void Runner::report(bool final) {
  reported_done_ = done_.size();
  reported_running_ = running_.size();
  if (!o_.progress) return;
  Progress p;
  p.final = final;
  p.total = plan_.mine.size();
  p.done = done_.size();
  p.failed = failed_;
  for (const auto& c : running_) p.running.push_back(&plan_.matrix.jobs[c.job]);
  p.eta_ms = running_.empty() && pending_.empty() ? 0 : eta_ms();
  o_.progress(p);
  next_tick_ns_ = o_.tick_ms ? mono_ns() + o_.tick_ms * 1000000 : 0;
}

GauntletRun Runner::run() {
  ktstr_ = o_.ktstr_binary;
  if (ktstr_.empty()) {
    auto self = vm::self_exe_path();
    ktstr_ = self ? *self : "ktstr";
  }
  for (;;) {
    start_ready();
    if (running_.empty() && pending_.empty()) break;
    const bool changed = done_.size() != reported_done_ || running_.size() != reported_running_;
    if (changed || (next_tick_ns_ && mono_ns() >= next_tick_ns_)) report(false);
    if (running_.empty()) continue;  // every start failed; try the next ones
    wait_for_events();
    reap();
  }
  report(true);
  GauntletRun r;
  r.interrupted = stopping_;
  r.exit_code = kExitPass;
  for (auto& [i, o] : done_) {
    if (severity(o.exit_code) < severity(r.exit_code)) r.exit_code = o.exit_code;
    r.outcomes.push_back(std::move(o));
  }
  if (r.interrupted) r.exit_code = kExitInterrupted;
  return r;
}

}  // namespace

GauntletRun run_plan(const GauntletPlan& plan, const RunOptions& opts) {
  Runner runner(plan, opts);
  return runner.run();
}

std::string render_progress(const Progress& p) {
  std::string line = fmt::format("[{}/{}] {} done, {} failed", p.done, p.total, p.done, p.failed);
  if (p.running.empty()) return line;
  line += p.running.size() == 1 ? ", running " : fmt::format(", {} running: ", p.running.size());
  constexpr size_t kNamed = 2;
  for (size_t k = 0; k < p.running.size() && k < kNamed; ++k) {
    line += (k ? ", " : "") + p.running[k]->id();
  }
  if (p.running.size() > kNamed) line += fmt::format(" +{} more", p.running.size() - kNamed);
  return line + fmt::format(", ETA {}", human_ms(p.eta_ms));
}

std::string render_run_text(const GauntletPlan& plan, const GauntletRun& run) {
  std::string out;
  size_t passed = 0;
  for (const auto& o : run.outcomes) {
    const Job& j = plan.matrix.jobs[o.job];
    out += fmt::format("{:>5}  {:<12}  {:>7}  {}\n", o.job + 1, o.verdict,
                       human_ms(static_cast<uint64_t>(o.wall_ms)), j.id());
    size_t pos = 0;
    while (pos < o.reason.size()) {
      size_t nl = o.reason.find('\n', pos);
      if (nl == std::string::npos) nl = o.reason.size();
      out += fmt::format("       {}\n", o.reason.substr(pos, nl - pos));
      pos = nl + 1;
    }
    passed += o.exit_code == kExitPass ? 1 : 0;
  }
  out +=
      fmt::format("gauntlet: {} of {} jobs passed, {} not passed, {} not run{}\n", passed,
                  plan.mine.size(), run.outcomes.size() - passed,
                  plan.mine.size() - run.outcomes.size(), run.interrupted ? " (interrupted)" : "");
  return out;
}

nlohmann::json run_json(const GauntletPlan& plan, const GauntletRun& run) {
  nlohmann::json doc = plan_json(plan);
  auto results = nlohmann::json::array();
  for (const auto& o : run.outcomes) {
    results.push_back({{"index", o.job},
                       {"id", plan.matrix.jobs[o.job].id()},
                       {"verdict", o.verdict},
                       {"exit_code", o.exit_code},
                       {"reason", o.reason},
                       {"wall_ms", o.wall_ms},
                       {"boot_ms", o.boot_ms}});
  }
  doc["results"] = results;
  doc["exit_code"] = run.exit_code;
  doc["interrupted"] = run.interrupted;
  return doc;
}

}  // namespace ktstr::gauntlet
