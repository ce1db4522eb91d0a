#include "vm/qmp.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "util/clock.hpp"
#include "vm/kernel_symbols.hpp"

namespace ktstr::vm {
namespace {

constexpr uint64_t kNsPerMs = 1'000'000;

Unexpected<Error> qmp_error(const std::string& what) {
  return make_error(ErrorKind::kRuntime, "QMP: " + what);
}

int ms_left(uint64_t deadline_ns) {
  const uint64_t now = mono_ns();
  return now >= deadline_ns ? 0 : static_cast<int>((deadline_ns - now) / kNsPerMs + 1);
}

}  // namespace

Result<QmpClient> QmpClient::connect(const std::string& socket_path, uint64_t timeout_ms) {
  QmpClient c;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    return make_error(ErrorKind::kRuntime, "QMP socket path too long", 0, socket_path);
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  c.fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!c.fd_) return sys_error("socket failed", socket_path);
  // A unix-socket connect does not block past the listen backlog.
  if (::connect(c.fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return sys_error("cannot connect to QEMU's monitor", socket_path);
  }
  const uint64_t deadline = mono_ns() + timeout_ms * kNsPerMs;
  auto greeting = c.read_message(deadline);
  if (!greeting) return unexpected(greeting.error());
  if (!greeting->contains("QMP")) return qmp_error("no greeting");
  auto caps = c.execute("qmp_capabilities", nullptr, timeout_ms);
  if (!caps) return unexpected(caps.error());
  return c;
}

Result<nlohmann::json> QmpClient::read_message(uint64_t deadline_ns) {
  for (;;) {
    const size_t nl = buf_.find('\n');
    if (nl != std::string::npos) {
      auto msg = nlohmann::json::parse(buf_.substr(0, nl), nullptr, false);
      buf_.erase(0, nl + 1);
      if (msg.is_discarded() || !msg.is_object()) return qmp_error("malformed reply");
      return msg;
    }
    if (buf_.size() > (16u << 20)) return qmp_error("reply over 16 MiB");
    pollfd p{fd_.get(), POLLIN, 0};
    const int left = ms_left(deadline_ns);
    if (left == 0 || ::poll(&p, 1, left) == 0) return qmp_error("no reply in time");
    char chunk[65536];
    const ssize_t n = ::read(fd_.get(), chunk, sizeof chunk);
    if (n == 0) return qmp_error("QEMU closed the monitor");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return sys_error("QMP read failed");
    }
    buf_.append(chunk, static_cast<size_t>(n));
  }
}

Result<nlohmann::json> QmpClient::execute(const std::string& command,
                                          const nlohmann::json& arguments, uint64_t timeout_ms) {
  nlohmann::json req = {{"execute", command}};
  if (!arguments.is_null()) req["arguments"] = arguments;
  const std::string line = req.dump() + "\n";
  const uint64_t deadline = mono_ns() + timeout_ms * kNsPerMs;
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::send(fd_.get(), line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return sys_error("QMP write failed");
    pollfd p{fd_.get(), POLLOUT, 0};
    if (ms_left(deadline) == 0 || ::poll(&p, 1, ms_left(deadline)) == 0) {
      return qmp_error("monitor not writable in time");
    }
  }
  for (;;) {
    auto msg = read_message(deadline);
    if (!msg) return unexpected(msg.error());
    if (msg->contains("return")) return (*msg)["return"];
    if (msg->contains("error")) {
      return qmp_error(
          fmt::format("{}: {}", command, (*msg)["error"].value("desc", "unknown error")));
    }
  }
}

std::vector<VcpuState> parse_query_cpus_fast(const nlohmann::json& ret) {
  std::vector<VcpuState> out;
  if (!ret.is_array()) return out;
  for (const auto& cpu : ret) {
    if (!cpu.is_object()) continue;
    VcpuState v;
    v.index = cpu.value("cpu-index", -1);
    v.thread_id = cpu.value("thread-id", 0);
    out.push_back(v);
  }
  return out;
}

std::vector<std::pair<int, uint64_t>> parse_info_registers_rips(std::string_view text) {
  std::vector<std::pair<int, uint64_t>> out;
  int cpu = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t hdr = text.find("CPU#", pos);
    const size_t rip = text.find("RIP=", pos);
    if (rip == std::string_view::npos) break;
    if (hdr != std::string_view::npos && hdr < rip) {
      cpu = std::atoi(std::string(text.substr(hdr + 4, 8)).c_str());
      pos = hdr + 4;
      continue;
    }
    const std::string hex(text.substr(rip + 4, 16));
    char* end = nullptr;
    const uint64_t value = std::strtoull(hex.c_str(), &end, 16);
    if (end != hex.c_str()) out.emplace_back(cpu, value);
    pos = rip + 4;
  }
  return out;
}

Result<std::vector<VcpuState>> query_vcpus(const std::string& socket_path,
                                           const std::string& vmlinux, uint64_t timeout_ms) {
  auto qmp = QmpClient::connect(socket_path, timeout_ms);
  if (!qmp) return unexpected(qmp.error());
  auto cpus = qmp->execute("query-cpus-fast", nullptr, timeout_ms);
  if (!cpus) return unexpected(cpus.error());
  std::vector<VcpuState> out = parse_query_cpus_fast(*cpus);
  auto regs =
      qmp->execute("human-monitor-command", {{"command-line", "info registers -a"}}, timeout_ms);
  if (!regs || !regs->is_string()) return out;
  std::optional<KernelSymbols> syms;
  if (!vmlinux.empty()) {
    if (auto s = KernelSymbols::load(vmlinux)) syms = std::move(*s);
  }
  for (const auto& [cpu, rip] : parse_info_registers_rips(regs->get<std::string>())) {
    for (auto& v : out) {
      if (v.index != cpu) continue;
      v.rip = rip;
      if (syms) v.symbol = syms->resolve(rip);
    }
  }
  return out;
}

std::string describe_vcpu(const VcpuState& v) {
  std::string out = fmt::format("vCPU {} (thread {})", v.index, v.thread_id);
  if (!v.rip) return out + ": no registers";
  if (v.symbol.empty()) return out + fmt::format(" at {:#x}", *v.rip);
  return out + fmt::format(" at {} ({:#x})", v.symbol, *v.rip);
}

}  // namespace ktstr::vm
