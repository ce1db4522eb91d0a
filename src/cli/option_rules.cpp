#include "cli/option_rules.hpp"

#include <fmt/format.h>

#include <charconv>

#include "util/suggest.hpp"

namespace ktstr::cli {
namespace {

template <class T>
bool parse_whole(const std::string& text, T& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}

bool given(const std::vector<std::string>& args, const std::string& name) {
  for (const auto& a : args) {
    if (a == name || a.rfind(name + "=", 0) == 0) return true;
  }
  return false;
}

// Why each VM-only flag means nothing on the host.
struct VmOnly {
  const char* flag;
  const char* why;
};
constexpr VmOnly kVmOnly[] = {
    {"--scheduler", "on the host the running scheduler is tested"},
    {"--kernel", "on the host the running kernel is tested"},
    {"--topology", "on the host its own CPUs are used (`ktstr topo` shows them)"},
    {"--sched-arg", "it is an argument of the VM's --scheduler"},
    {"--accel", "it picks the VM's accelerator"},
    {"--vm-timeout", "it limits the VM's wall clock"},
    {"--vm-log-dir", "it keeps the VM's console log"},
};

}  // namespace

CLI::Option* repeatable(CLI::Option* opt) {
  return opt->type_size(1)->expected(1)->allow_extra_args(false)->multi_option_policy(
      CLI::MultiOptionPolicy::TakeAll);
}

CLI::Validator int_in(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        int64_t v = 0;
        if (parse_whole(text, v) && v >= min && v <= max) return {};
        return fmt::format("must be an integer in {}..{}, got {}", min, max, text);
      },
      fmt::format("INT in {}..{}", min, max));
}

CLI::Validator unsigned_int() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        uint64_t v = 0;
        if (parse_whole(text, v)) return {};
        return fmt::format("must be an integer in 0..{}, got {}", UINT64_MAX, text);
      },
      "UINT");
}

std::string vm_only_flag_error(const CLI::App& leaf, const std::vector<std::string>& args) {
  const CLI::Option* vm = leaf.get_option_no_throw("--vm");
  if (vm == nullptr || vm->count() > 0) return {};
  for (const auto& f : kVmOnly) {
    if (leaf.get_option_no_throw(f.flag) == nullptr || !given(args, f.flag)) continue;
    std::string path = leaf.get_name();
    for (const CLI::App* p = leaf.get_parent(); p != nullptr && p->get_parent() != nullptr;
         p = p->get_parent()) {
      path = p->get_name() + " " + path;
    }
    return fmt::format("{} needs --vm: {}; add --vm to run `ktstr {}` in a test VM", f.flag, f.why,
                       path);
  }
  return {};
}

std::string unknown_subcommand_error(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* cur = &app;
  std::string path = "ktstr";
  for (const auto& a : args) {
    if (a.empty() || a[0] == '-') return {};
    const CLI::App* sub = nullptr;
    std::vector<std::string> names;
    for (const auto* s : cur->get_subcommands([](const CLI::App*) { return true; })) {
      if (s->check_name(a)) sub = s;
      names.push_back(s->get_name());
    }
    if (sub != nullptr) {
      cur = sub;
      path += " " + a;
      continue;
    }
    if (cur->get_require_subcommand_min() == 0) return {};
    return fmt::format("unknown command '{}'{}; `{} --help` lists the commands ({})", a,
                       did_you_mean(a, names), path, fmt::join(names, ", "));
  }
  return {};
}

const CLI::App& chosen_leaf(const CLI::App& app) {
  const CLI::App* cur = &app;
  while (!cur->get_subcommands().empty()) cur = cur->get_subcommands().front();
  return *cur;
}

}  // namespace ktstr::cli
