#include "gauntlet/job_process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "util/clock.hpp"
#include "util/exit_codes.hpp"
#include "util/input_file.hpp"

namespace ktstr::gauntlet {
namespace {

constexpr size_t kStderrTailLines = 6;
constexpr size_t kStderrMaxBytes = size_t{4} << 20;

std::string str(const nlohmann::json& doc, const char* key) {
  return doc.is_object() && doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>()
                                                                      : std::string();
}

// The child's last stderr lines that say something: "ktstr: " dropped, the
// VM summary line ("VM: tcg ...", printed twice on failure) and repeats too.
std::string stderr_tail(const std::string& path) {
  auto text = read_input_file(path, kStderrMaxBytes, "job log");
  if (!text) return {};
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    std::string line = text->substr(pos, nl - pos);
    pos = nl + 1;
    if (line.rfind("ktstr: ", 0) == 0) line.erase(0, 7);
    if (line.empty() || line.rfind("VM: ", 0) == 0) continue;
    if (std::find(lines.begin(), lines.end(), line) == lines.end())
      lines.push_back(std::move(line));
  }
  const size_t from = lines.size() > kStderrTailLines ? lines.size() - kStderrTailLines : 0;
  std::string out;
  for (size_t i = from; i < lines.size(); ++i) out += (out.empty() ? "" : "\n") + lines[i];
  return out;
}

std::string verdict_for(int code) {
  switch (code) {
    case kExitPass:
      return "pass";
    case kExitInvalid:
      return "invalid";
    case kExitEnvironment:
      return "error";
    case kExitInconclusive:
      return "inconclusive";
    case kExitInterrupted:
      return "interrupted";
    default:
      return "fail";
  }
}

// The run document's verdict where the exit code cannot tell: flaky from
// inconclusive (both 4), a skipped scenario from a pass (both 0).
std::string refined_verdict(int code, const nlohmann::json& doc) {
  const std::string v = doc.is_object() ? str(doc, "verdict") : std::string();
  if ((v == "flaky" && code == kExitInconclusive) || (v == "skip" && code == kExitPass)) return v;
  return verdict_for(code);
}

}  // namespace

std::vector<std::string> job_argv(const std::string& ktstr, const Job& j,
                                  const std::string& duration, const std::string& json_path) {
  std::vector<std::string> argv = {ktstr,    "run",         j.target,    "--vm",     "--topology",
                                   j.preset, "--scheduler", j.scheduler, "--kernel", j.kernel};
  if (!duration.empty()) {
    argv.push_back("--duration");
    argv.push_back(duration);
  }
  argv.push_back("--json");
  argv.push_back(json_path);
  return argv;
}

Result<JobChild> start_job(const std::string& ktstr, size_t index, const Job& j,
                           const std::string& duration) {
  JobChild c;
  c.job = index;
  auto dir = vm::TempDir::create("ktstr-gauntlet-job-");
  if (!dir) return unexpected(dir.error());
  c.dir = std::move(*dir);
  sys::SubprocessOptions so;
  so.argv = job_argv(ktstr, j, duration, c.dir.path() + "/result.json");
  so.program = ktstr;
  so.stdout_io = sys::Stdio::file(c.dir.path() + "/stdout.txt");
  so.stderr_io = sys::Stdio::file(c.dir.path() + "/stderr.txt");
  auto proc = sys::Subprocess::start(std::move(so));
  if (!proc) return unexpected(proc.error());
  c.proc = std::move(*proc);
  c.start_ns = mono_ns();
  return c;
}

std::string reason_from_document(const nlohmann::json& doc) {
  if (!doc.is_object()) return {};
  std::string out;
  const auto scenarios = doc.value("scenarios", nlohmann::json::array());
  for (const auto& s : scenarios) {
    const std::string v = str(s, "verdict");
    if (v.empty() || v == "pass") continue;
    if (!out.empty()) out += "\n";
    out += fmt::format("{}: {}", str(s, "name"), v);
    if (!str(s, "reason").empty()) out += ": " + str(s, "reason");
  }
  // The VM's own failure (timeout, panic, scheduler death) when no scenario
  // says more; "command exited with status 1" only repeats a scenario's.
  const auto vm = doc.value("vm", nlohmann::json::object());
  if (out.empty() && vm.is_object() && str(vm, "verdict") != "pass" && !str(vm, "reason").empty()) {
    out = "VM " + str(vm, "verdict") + ": " + str(vm, "reason");
  }
  return out;
}

JobOutcome collect_job(JobChild& c, const sys::ExitStatus& st, double wall_ms, bool stopping) {
  JobOutcome o;
  o.job = c.job;
  o.wall_ms = wall_ms;
  const std::string json_path = c.dir.path() + "/result.json";
  if (vm::path_exists(json_path)) {
    auto text = read_input_file(json_path, kResultFileMaxBytes, "job result document");
    if (text) o.document = nlohmann::json::parse(*text, nullptr, false);
    if (o.document.is_discarded()) o.document = nullptr;
  }
  if (o.document.is_object() && o.document.contains("vm") && o.document["vm"].is_object()) {
    const auto& vm = o.document["vm"];
    o.boot_ms = vm.value("boot_ms", 0.0);
    o.accel = str(vm, "accel");
  }
  if (st.signal != 0) {
    o.exit_code = stopping ? kExitInterrupted : kExitEnvironment;
  } else {
    o.exit_code = st.exit_code;
  }
  o.verdict = refined_verdict(o.exit_code, o.document);
  if (o.exit_code != kExitPass) {
    o.reason = reason_from_document(o.document);
    if (o.reason.empty()) o.reason = stderr_tail(c.dir.path() + "/stderr.txt");
    if (o.reason.empty()) o.reason = fmt::format("`ktstr run --vm` {}", st.describe());
  }
  return o;
}

}  // namespace ktstr::gauntlet
