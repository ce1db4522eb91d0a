#include "topology/spec.hpp"

#include <array>
#include <cctype>
#include <cstdint>

namespace ktstr::topo {
namespace {

constexpr std::string_view kExample = "write NnLlCcTt, e.g. 1n2l4c2t";
// Longer numbers are typos; capping the digits also keeps the CPU product
// far from overflowing int64 before validate() rejects it.
constexpr size_t kMaxDigits = 4;

struct Part {
  char letter;
  const char* name;
  int TopologySpec::*field;
};

constexpr std::array<Part, 4> kParts = {{
    {'n', "NUMA nodes", &TopologySpec::nodes},
    {'l', "LLCs", &TopologySpec::llcs},
    {'c', "cores per LLC", &TopologySpec::cores_per_llc},
    {'t', "threads per core", &TopologySpec::threads_per_core},
}};

const Part* part_for_letter(char c) {
  for (const auto& p : kParts) {
    if (p.letter == c) return &p;
  }
  return nullptr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string context_for(std::string_view text) {
  return fmt::format("topology spec '{}'", text);
}

// Reads "<digits><letter>" for kParts[i] from the front of `rest`.
Result<int> parse_part(std::string_view& rest, size_t i, std::string_view whole) {
  const Part& want = kParts[i];
  if (rest.empty()) {
    return invalid_input(
        fmt::format("missing the {} part ('<number>{}'); {}", want.name, want.letter, kExample),
        context_for(whole));
  }
  size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  if (digits == 0) {
    return invalid_input(
        fmt::format("expected a number for the {} part at '{}'; {}", want.name, rest, kExample),
        context_for(whole));
  }
  std::string_view number = rest.substr(0, digits);
  if (digits > kMaxDigits) {
    return invalid_input(fmt::format("{} '{}' is far too large; at most {} CPUs are supported",
                                     want.name, number, TopologySpec::kMaxCpus),
                         context_for(whole));
  }
  if (digits == rest.size()) {
    return invalid_input(fmt::format("number '{}' has no letter after it; expected '{}{}' for {}",
                                     number, number, want.letter, want.name),
                         context_for(whole));
  }
  char letter = static_cast<char>(std::tolower(static_cast<unsigned char>(rest[digits])));
  if (letter != want.letter) {
    const Part* got = part_for_letter(letter);
    if (got == nullptr) {
      return invalid_input(fmt::format("unknown part '{}{}': the letters are n (NUMA nodes), l "
                                       "(LLCs), c (cores per LLC), t (threads per core); {}",
                                       number, rest[digits], kExample),
                           context_for(whole));
    }
    return invalid_input(
        fmt::format("found the {} part '{}{}' where the {} part ('<number>{}') "
                    "belongs; the order is nodes, LLCs, cores, threads: {}",
                    got->name, number, rest[digits], want.name, want.letter, kExample),
        context_for(whole));
  }
  int value = 0;
  for (char d : number) value = value * 10 + (d - '0');
  rest.remove_prefix(digits + 1);
  return value;
}

}  // namespace

Result<TopologySpec> TopologySpec::parse(std::string_view text) {
  std::string_view rest = trim(text);
  if (rest.empty()) {
    return invalid_input(fmt::format("topology spec is empty; {}", kExample));
  }
  std::string_view whole = rest;
  TopologySpec spec;
  for (size_t i = 0; i < kParts.size(); ++i) {
    auto v = parse_part(rest, i, whole);
    if (!v) return unexpected(v.error());
    spec.*(kParts[i].field) = *v;
  }
  if (!rest.empty()) {
    return invalid_input(
        fmt::format("unexpected text '{}' after the threads part; {}", rest, kExample),
        context_for(whole));
  }
  auto ok = spec.validate();
  if (!ok) return unexpected(ok.error());
  return spec;
}

Status TopologySpec::validate() const {
  std::string ctx = context_for(to_string());
  for (const auto& p : kParts) {
    if (this->*(p.field) < 1) {
      return invalid_input(
          fmt::format("{} must be at least 1 (got {}); {}", p.name, this->*(p.field), kExample),
          ctx);
    }
  }
  if (threads_per_core > kMaxThreadsPerCore) {
    return invalid_input(fmt::format("{} threads per core is more than the {} supported; use "
                                     "1t (no SMT) or 2t (x86 SMT)",
                                     threads_per_core, kMaxThreadsPerCore),
                         ctx);
  }
  if (llcs % nodes != 0) {
    return invalid_input(fmt::format("{} LLCs cannot be split evenly across {} NUMA nodes; use a "
                                     "multiple of {} LLCs (e.g. {}l)",
                                     llcs, nodes, nodes, nodes * ((llcs + nodes - 1) / nodes)),
                         ctx);
  }
  int64_t cpus = int64_t{llcs} * cores_per_llc * threads_per_core;
  if (cpus > kMaxCpus) {
    return invalid_input(fmt::format("{} LLCs x {} cores x {} threads = {} CPUs is more than the "
                                     "{} supported; use fewer LLCs, cores or threads",
                                     llcs, cores_per_llc, threads_per_core, cpus, kMaxCpus),
                         ctx);
  }
  return {};
}

std::string TopologySpec::to_string() const {
  return fmt::format("{}n{}l{}c{}t", nodes, llcs, cores_per_llc, threads_per_core);
}

}  // namespace ktstr::topo
