// Engine: external payloads (stress-ng, fio, hackbench, any program)
// started, awaited and killed by ops. A payload is a sys::Subprocess in its
// own process group; it dies with the harness (parent-death signal), is held
// before exec until it sits in its cgroup, and is killed with its group at
// the end of the scenario if still running. Its stdout and stderr go to a
// file in its own temporary directory (no pipe to drain while the engine
// holds); when it ends, the last kPayloadOutputMax bytes are kept in the
// result and, for a known kind, its result is parsed into metrics
// (workload/payload_metrics.hpp). The directory is removed then.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "scenario/engine_impl.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/input_file.hpp"

namespace ktstr::scenario {

std::optional<std::string> missing_payload_program(const Scenario& s) {
  for (const auto& step : s.steps) {
    for (const auto& op : step.ops) {
      if (op.kind != Op::Kind::kRunPayload || op.argv.empty()) continue;
      const auto pkg = workload::payload_package(op.payload_kind);
      if (pkg.empty() || sys::find_in_path(op.argv.front())) continue;
      return fmt::format(
          "payload {}: '{}' is not on PATH; install the Debian package {} (scripts/setup "
          "installs it)",
          op.payload, op.argv.front(), pkg);
    }
  }
  return std::nullopt;
}

namespace detail {
namespace {

// How often wait_payload looks at the interrupt flag.
constexpr uint64_t kWaitTickMs = 10;
// A result file (stress-ng YAML, cyclictest JSON) larger than this is not
// a result ktstr can use.
constexpr size_t kResultFileMax = 64 << 20;

Result<std::string> make_payload_dir() {
  std::error_code ec;
  std::string pattern = (std::filesystem::temp_directory_path(ec) / "ktstr-payload-XXXXXX");
  if (ec) pattern = "/tmp/ktstr-payload-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return sys_error("mkdtemp", pattern);
  return pattern;
}

// The last `max` bytes of `path`, with a marker in front when cut.
std::string read_tail(const std::string& path, size_t max, bool& truncated) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return "";
  std::ifstream in(path, std::ios::binary);
  truncated = size > max;
  if (truncated) in.seekg(static_cast<std::streamoff>(size - max));
  std::string out(static_cast<size_t>(std::min<uintmax_t>(size, max)), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  if (truncated) {
    out = fmt::format("[ktstr: output truncated: the last {} of {} bytes]\n", max, size) + out;
  }
  return out;
}

void parse_metrics(PayloadResult& r, workload::PayloadKind kind, const std::string& result_file) {
  std::string text = r.output;
  if (!result_file.empty()) {
    auto f = read_input_file(result_file, kResultFileMax, "payload result file");
    if (!f) {
      r.error = fmt::format("no result file {} ({})", result_file, f.error().message);
      return;
    }
    text = std::move(*f);
  }
  auto m = workload::parse_payload_result(kind, text);
  if (!m) {
    r.error = "unparsable result: " + m.error().message +
              (r.output_truncated && result_file.empty() ? " (the output was truncated)" : "");
    return;
  }
  r.metrics = std::move(*m);
}

}  // namespace

Status Engine::run_payload(const Op& op) {
  auto dir = make_payload_dir();
  if (!dir) return unexpected(with_context(dir.error(), "payload " + op.payload));
  auto cmd = workload::payload_command(op.payload_kind, op.argv, *dir);
  sys::SubprocessOptions opts;
  opts.argv = cmd.argv;
  opts.stdout_io = sys::Stdio::file(*dir + "/output");
  opts.stderr_io = sys::Stdio::same_as_stdout();
  opts.hold_until_released = true;
  auto proc = sys::Subprocess::start(std::move(opts));
  if (!proc) {
    std::filesystem::remove_all(*dir);
    if (proc.error().kind == ErrorKind::kEnvironment) {
      return environment_error(
          fmt::format("payload {}: '{}' is not on PATH", op.payload, op.argv.front()));
    }
    return unexpected(with_context(proc.error(), "payload " + op.payload));
  }
  const pid_t pid = proc->pid();
  auto& p = payloads_[op.payload];
  p = Payload{};
  p.proc = std::move(*proc);
  p.kind = op.payload_kind;
  p.argv = std::move(cmd.argv);
  p.dir = *dir;
  p.result_file = std::move(cmd.result_file);
  if (!op.cgroup.empty()) KTSTR_TRY(cgm_->move_pids(op.cgroup, {pid}));
  p.proc.release();
  return {};
}

void Engine::finish_payload(const std::string& name, Payload& p, const sys::ExitStatus& st,
                            const char* killed_by) {
  PayloadResult r;
  r.name = name;
  r.kind = std::string(workload::to_string(p.kind));
  r.argv = p.argv;
  r.exit_code = st.shell_code();
  r.killed = killed_by != nullptr;
  r.exit = r.killed ? fmt::format("killed by ktstr ({})", killed_by) : st.describe();
  r.output = read_tail(p.dir + "/output", workload::kPayloadOutputMax, r.output_truncated);
  if (!r.killed && !st.ok()) {
    r.error = st.describe();
  } else if (!r.killed && p.kind != workload::PayloadKind::kGeneric) {
    parse_metrics(r, p.kind, p.result_file);
  }
  std::error_code ec;
  std::filesystem::remove_all(p.dir, ec);
  p.finished = true;
  event("payload", fmt::format("{} {}", name, r.exit));
  if (!r.error.empty()) event("error", fmt::format("payload {}: {}", name, r.error));
  r_.payloads.push_back(std::move(r));
}

Status Engine::wait_payload(const Op& op) {
  auto& p = payloads_.at(op.payload);
  const uint64_t deadline = mono_ns() + op.timeout_ns;
  std::optional<sys::ExitStatus> st = p.proc.poll();
  for (uint64_t now = mono_ns(); !st && now < deadline && !interrupted(); now = mono_ns()) {
    st = p.proc.wait_for(std::min<uint64_t>(kWaitTickMs, (deadline - now + 999'999) / 1'000'000));
  }
  if (st) {
    if (!p.finished) finish_payload(op.payload, p, *st, nullptr);
  } else {
    r_.warnings.push_back(fmt::format("payload {} still running after {}", op.payload,
                                      format_duration_ns(op.timeout_ns)));
  }
  return {};
}

Status Engine::kill_payload(const std::string& name, const char* why) {
  auto& p = payloads_.at(name);
  if (p.finished) return {};
  if (auto st = p.proc.poll()) {
    finish_payload(name, p, *st, nullptr);  // it ended on its own first
  } else {
    finish_payload(name, p, p.proc.kill_and_wait(), why);
  }
  return {};
}

void Engine::kill_all_payloads() {
  for (auto& [name, p] : payloads_) (void)kill_payload(name, "the scenario ended");
}

}  // namespace detail
}  // namespace ktstr::scenario
