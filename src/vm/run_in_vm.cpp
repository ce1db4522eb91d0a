#include "vm/run_in_vm.hpp"

#include <cstdlib>

#include "sched/scheduler.hpp"
#include "sys/subprocess.hpp"
#include "util/clock.hpp"
#include "util/file_io.hpp"
#include "vm/cache.hpp"
#include "vm/cpio.hpp"
#include "vm/initramfs.hpp"
#include "vm/kernel_build.hpp"
#include "vm/process.hpp"
#include "vm/qemu.hpp"
#include "vm/run_request.hpp"
#include "vm/signal_catcher.hpp"
#include "vm/temp_cleanup.hpp"
#include "vm/vm_topology.hpp"

namespace ktstr::vm {
namespace {

constexpr uint64_t kDefaultTimeoutMs = 180000;
constexpr size_t kConsoleTailLines = 40;

double ms_between(uint64_t from_ns, uint64_t to_ns) {
  return from_ns && to_ns > from_ns ? static_cast<double>(to_ns - from_ns) / 1e6 : 0.0;
}

// Fixture schedulers: the chosen kernel's, else the newest sched_ext build's.
std::map<std::string, std::string> fixtures_for(const KernelInfo& k, const std::string& root) {
  if (!k.schedulers.empty()) return k.schedulers;
  for (const auto& other : list_kernels(root)) {
    if (!other.schedulers.empty()) return other.schedulers;
  }
  return {};
}

struct Prepared {
  KernelInfo kernel;
  VmTopology topology;
  RunRequest request;
  std::string initrd;
  uint64_t initrd_bytes = 0;
};

Result<std::string> resolve_cache_root(const VmRequest& req) {
  std::string root = req.cache_root.empty() ? cache_root() : req.cache_root;
  if (root.empty()) {
    return environment_error("no cache directory: set KTSTR_CACHE_DIR, XDG_CACHE_HOME or HOME");
  }
  return root;
}

Status build_initrd(const VmRequest& req, const std::string& root, const std::string& run_dir,
                    const sched::SchedulerSpec& spec,
                    const std::vector<sched::SchedulerSpec>& extra, Prepared& p) {
  BaseInputs in;
  if (req.init_binary.empty()) {
    auto self = self_exe_path();
    if (!self) return unexpected(self.error());
    in.init_binary = *self;
  } else {
    in.init_binary = req.init_binary;
  }
  if (auto busybox = sys::find_in_path("busybox")) in.busybox = *busybox;
  if (in.busybox.empty() && (req.interactive || !req.shell_command.empty())) {
    return environment_error(
        "busybox not found (needed for shells in the guest); run "
        "scripts/setup or `apt-get install busybox-static`");
  }
  auto base = base_initramfs(in, root);
  if (!base) return unexpected(base.error());
  CpioWriter w;
  std::set<std::string> present = base->guest_files;
  if (!spec.is_eevdf()) {
    p.request.scheduler_path = std::string(kGuestSchedulerDir) + "/" + spec.name;
    KTSTR_TRY(add_binary_with_libs(w, spec.path, p.request.scheduler_path, present));
  }
  for (const auto& e : extra) {
    const std::string guest = std::string(kGuestSchedulerDir) + "/" + e.name;
    if (!present.count(guest)) KTSTR_TRY(add_binary_with_libs(w, e.path, guest, present));
  }
  for (const auto& [host, guest] : req.extra_binaries) {
    if (present.count(guest) == 0) KTSTR_TRY(add_binary_with_libs(w, host, guest, present));
  }
  for (const auto& [host, guest] : req.extra_files) {
    auto data = read_file(host);
    if (!data) return unexpected(with_context(data.error(), "file for the VM"));
    w.add_file(guest, *data, 0644);
  }
  w.add_file(kRequestPath, to_json_text(p.request));
  w.finish();
  p.initrd = run_dir + "/initrd.cpio";
  p.initrd_bytes = base->size_bytes + w.bytes().size();
  return assemble_initrd(base->path, w.bytes(), p.initrd);
}

Result<Prepared> prepare(const VmRequest& req, const std::string& root,
                         const std::string& run_dir) {
  Prepared p;
  auto topo = parse_vm_topology(req.topology);
  if (!topo) return unexpected(topo.error());
  p.topology = *topo;
  std::string preferred;
  BuildOptions default_build;
  default_build.cache_root = root;
  if (auto key = sched_ext_build_key(default_build)) preferred = *key;
  auto kernel = resolve_kernel(req.kernel, root, preferred);
  if (!kernel) return unexpected(kernel.error());
  p.kernel = *kernel;
  auto spec =
      sched::resolve_scheduler(req.scheduler, req.scheduler_args, fixtures_for(p.kernel, root));
  if (!spec) return unexpected(spec.error());
  std::vector<sched::SchedulerSpec> extra;
  for (const auto& name : req.extra_schedulers) {
    auto e = sched::resolve_scheduler(name, {}, fixtures_for(p.kernel, root));
    if (!e) return unexpected(with_context(e.error(), "replace_scheduler"));
    extra.push_back(std::move(*e));
  }
  p.request.argv = req.argv;
  p.request.shell_command = req.shell_command;
  p.request.interactive_shell = req.interactive;
  p.request.topology = req.topology;
  p.request.scheduler_name = spec->name;
  p.request.scheduler_args = spec->args;
  p.request.attach_timeout_ms = req.attach_timeout_ms;
  p.request.command_timeout_ms = req.command_timeout_ms;
  KTSTR_TRY(build_initrd(req, root, run_dir, *spec, extra, p));
  return p;
}

// Fills verdict/reason/document from what came back (or did not).
void interpret(const QemuOutcome& q, uint64_t timeout_ms, VmResult& r) {
  if (q.result_complete) {
    auto doc = nlohmann::json::parse(q.result_json, nullptr, false);
    if (!doc.is_discarded() && doc.is_object()) {
      r.document = doc;
      r.output = doc.value("output", nlohmann::json());
      // A verdict this build does not know counts as a failure.
      r.verdict = parse_guest_verdict(doc.value("verdict", "error")).value_or(GuestVerdict::kFail);
      r.reason = doc.value("reason", "");
      r.exit_code = doc.value("exit_code", -1);
      return;
    }
    r.reason = "the guest's result document is not valid JSON";
    return;
  }
  if (q.interrupted_by) {
    r.reason = fmt::format("interrupted by signal {}; VM stopped", q.interrupted_by);
  } else if (q.timed_out) {
    r.reason = fmt::format("VM timed out after {} ms", timeout_ms);
    for (const auto& line : q.hang_evidence) r.reason += "; " + line;
  } else {
    r.reason = "guest stopped without a result";
    for (const auto& line : r.console_tail) {
      if (line.find("Kernel panic") != std::string::npos) {
        r.reason = "kernel panic: " + line.substr(line.find("Kernel panic"));
        break;
      }
    }
  }
  if (!r.console_tail.empty()) r.reason += "; last console line: " + r.console_tail.back();
}

}  // namespace

Result<VmResult> run_in_vm(const VmRequest& req) {
  uint64_t t0 = mono_ns();
  SignalCatcher signals;  // Ctrl-C from here on: QEMU killed, temp dir removed
  std::string qemu = "qemu-system-x86_64";
  if (const char* env = std::getenv("KTSTR_QEMU"); env && *env) qemu = env;
  if (!sys::find_in_path(qemu)) {
    return environment_error(
        fmt::format("{} not found; run scripts/setup or `apt-get install qemu-system-x86`", qemu));
  }
  auto root = resolve_cache_root(req);
  if (!root) return unexpected(root.error());
  auto accel = choose_accel(req.accel);
  if (!accel) return unexpected(accel.error());
  (void)remove_stale_temp_dirs();  // of runs killed before they could
  auto tmp = TempDir::create("ktstr-vm-");
  if (!tmp) return unexpected(tmp.error());
  auto prepared = prepare(req, *root, tmp->path());
  if (!prepared) return unexpected(prepared.error());

  VmResult r;
  r.kernel = prepared->kernel;
  r.topology = req.topology;
  r.accel = accel_name(accel->accel);
  r.accel_reason = accel->reason;
  std::string log_dir = req.log_dir.empty() ? tmp->path() : req.log_dir;
  KTSTR_TRY(make_dirs(log_dir));
  QemuRun run;
  run.config.qemu_binary = qemu;
  run.config.accel = accel->accel;
  run.config.topology = prepared->topology;
  run.config.memory_mib =
      req.memory_mib ? req.memory_mib
                     : default_memory_mib(prepared->topology.total_cpus(), prepared->initrd_bytes,
                                          prepared->topology.nodes);
  run.config.kernel = prepared->kernel.boot_image;
  run.config.initrd = prepared->initrd;
  run.config.cmdline_extra = req.cmdline_extra;
  run.config.console_path = req.interactive ? "" : log_dir + "/console.log";
  run.run_dir = tmp->path();
  run.timeout_ms = req.timeout_ms ? req.timeout_ms : kDefaultTimeoutMs;
  run.interactive = req.interactive;
  run.signals = &signals;
  run.vmlinux = prepared->kernel.vmlinux;
  r.timings.prepare_ms = ms_between(t0, mono_ns());

  auto q = run_qemu(run);
  if (!q) return unexpected(q.error());
  r.qemu_argv = q->argv;
  r.timed_out = q->timed_out;
  r.interrupted_by = q->interrupted_by;
  r.hang_evidence = q->hang_evidence;
  if (!req.interactive) {
    r.console_tail = file_tail_lines(run.config.console_path, kConsoleTailLines);
    if (!req.log_dir.empty()) r.console_log = run.config.console_path;
  }
  r.timings.launch_to_init_ms = ms_between(q->launch_ns, q->init_start_ns);
  r.timings.init_to_result_ms = ms_between(q->init_start_ns, q->result_ns);
  r.timings.teardown_ms = ms_between(q->result_ns, q->exit_ns);
  r.timings.total_ms = ms_between(q->launch_ns, q->exit_ns);
  r.vcpu_dilation = q->vcpu_dilation;
  interpret(*q, run.timeout_ms, r);
  return r;
}

std::string describe_vm_run(const VmResult& r) {
  return fmt::format(
      "VM: {} ({}), kernel {} [{}], topology {}, init after {:.0f} ms, total {:.0f} ms", r.accel,
      r.accel_reason, r.kernel.release.empty() ? r.kernel.boot_image : r.kernel.release,
      r.kernel.kind, r.topology, r.timings.launch_to_init_ms, r.timings.total_ms);
}

}  // namespace ktstr::vm
