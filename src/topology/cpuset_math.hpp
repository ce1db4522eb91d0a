// Pure cpuset arithmetic behind the scenario engine's CpusetSpec.
//
// Every function works on the CPUs of a set taken in ascending order, so
// "part 0" is always the lowest-numbered CPUs; with the QEMU-like numbering
// (node, LLC, core, thread) contiguous parts keep SMT siblings and LLCs
// together as far as the sizes allow. Nothing here reads the machine:
// Topology supplies the sets (usable CPUs, LLC groups, node groups).
//
// Functions returning Result fail with kInvalidInput when the request cannot
// be met (index out of range, more parts than CPUs, fraction outside
// [0, 1]); the message names the argument and the available size. A
// successful result is never empty.
#pragma once

#include <vector>

#include "util/cpu_list.hpp"
#include "util/result.hpp"

namespace ktstr::topo {

CpuSet intersect(const CpuSet& a, const CpuSet& b);
CpuSet subtract(const CpuSet& a, const CpuSet& b);
CpuSet unite(const CpuSet& a, const CpuSet& b);

// The CPUs tests may use: all of `cpus` except the highest one when there
// are more than 2, which is left to the harness and the rest of the system.
CpuSet usable_subset(const CpuSet& cpus);

// Part `index` of `of` contiguous, disjoint parts covering `cpus`. Sizes
// differ by at most one; the first (size % of) parts get the extra CPU.
// Needs 0 <= index < of <= cpus.size().
Result<CpuSet> disjoint_part(const CpuSet& cpus, int index, int of);

// disjoint_part(index) grown by ceil(frac * its size) CPUs taken from the
// CPUs after it, or, where the set ends, from the ones before it: always a
// contiguous run of `cpus`. frac = 0 equals disjoint_part; with frac > 0
// neighbouring parts share CPUs; frac = 1 doubles each part (capped at all
// of `cpus`). Needs 0 <= frac <= 1 and the disjoint_part bounds.
Result<CpuSet> overlap_part(const CpuSet& cpus, int index, int of, double frac);

// The CPUs at positions [floor(start_frac * n), floor(end_frac * n)) of the
// n CPUs in `cpus`, so adjacent ranges such as (0, 0.5) and (0.5, 1) tile
// the set exactly. A range that rounds to nothing is widened to the one CPU
// at its start. Needs 0 <= start_frac < end_frac <= 1 and a non-empty set.
Result<CpuSet> fraction_range(const CpuSet& cpus, double start_frac, double end_frac);

// Splits whole groups (LLCs, nodes) into `of` contiguous parts the way
// disjoint_part splits CPUs, and returns the union of part `index`'s
// groups. Empty groups are ignored. Needs 0 <= index < of <= number of
// non-empty groups; `what` ("LLC", "NUMA node") only words the error.
Result<CpuSet> group_part(const std::vector<CpuSet>& groups, int index, int of, const char* what);

// `cpus` cut along `groups`: the non-empty intersections, in group order.
std::vector<CpuSet> split_by_groups(const std::vector<CpuSet>& groups, const CpuSet& cpus);

}  // namespace ktstr::topo
