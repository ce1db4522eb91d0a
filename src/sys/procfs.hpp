// Parsers for the few procfs files workers read at the edges of their run
// (never in the hot loop). Parsers take text so they test from strings.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ktstr::sys {

struct Schedstat {
  uint64_t cpu_time_ns = 0;
  uint64_t run_delay_ns = 0;
  uint64_t run_count = 0;
};

// A thread's schedstat: three numbers (cpu time, run delay, run count).
std::optional<Schedstat> parse_schedstat(std::string_view text);
// Opens the calling process's thread `tid` schedstat, to be read (again and
// again: pread at offset 0 regenerates it) with read_schedstat_fd. -1 with
// errno on failure.
int open_thread_schedstat(pid_t tid);
std::optional<Schedstat> read_schedstat_fd(int fd);

// Sums the N<node>=<pages> fields of every mapping in numa_maps text.
std::map<int, uint64_t> parse_numa_maps_pages(std::string_view text);
std::map<int, uint64_t> read_self_numa_pages();

// A named counter from /proc/vmstat text ("numa_pages_migrated 12").
std::optional<uint64_t> parse_vmstat_counter(std::string_view text, std::string_view name);
std::optional<uint64_t> read_vmstat_counter(std::string_view name);

}  // namespace ktstr::sys
