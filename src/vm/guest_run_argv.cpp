#include "vm/guest_run_argv.hpp"

#include <filesystem>

#include <fmt/format.h>

namespace ktstr::vm {

std::vector<std::string> guest_run_argv(const GuestRunArgs& o,
                                        std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> argv = {"run"};
  for (size_t i = 0; i < o.targets.size(); ++i) {
    const auto& t = o.targets[i];
    if (std::filesystem::is_regular_file(t)) {
      std::string guest =
          fmt::format("/ktstr-scenarios/{}-{}", i, std::filesystem::path(t).filename().string());
      files.emplace_back(std::filesystem::absolute(t).string(), guest);
      argv.push_back(guest);
    } else {
      argv.push_back(t);
    }
  }
  auto opt = [&](const char* flag, const std::string& v) {
    if (!v.empty()) {
      argv.push_back(flag);
      argv.push_back(v);
    }
  };
  opt("--duration", o.duration);
  if (o.workers) opt("--workers", std::to_string(*o.workers));
  opt("--filter", o.filter);
  opt("--repeat", std::to_string(o.repeat));
  for (const auto& c : o.checks) opt("--check", c);
  if (o.seed != 0) opt("--seed", std::to_string(o.seed));
  if (o.raw) argv.push_back("--raw");
  if (o.fail_fast) argv.push_back("--fail-fast");
  if (o.confirm) opt("--confirm", std::to_string(*o.confirm));
  if (o.strict) argv.push_back("--strict");
  if (o.ignore_noise) argv.push_back("--ignore-noise");
  opt("--monitor-period", o.monitor_period);
  argv.push_back("--json");
  argv.push_back("-");
  return argv;
}

}  // namespace ktstr::vm
