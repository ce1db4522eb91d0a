// Parsers for the pieces of a scenario file (work entries, cpusets,
// affinity, limits, holds, ops, cgroups). Internal to the TOML loader.
#pragma once

#include "scenario/model.hpp"
#include "scenario/toml_reader.hpp"

namespace ktstr::scenario::toml_detail {

// A [[cgroup]] table, a step's [[step.cgroup]], or an add_cgroup op (which
// also carries `op`). `parent` is returned for the loader to resolve.
struct ParsedCgroup {
  CgroupDef def;
  std::string parent;
  int parent_line = 0;
};
Result<ParsedCgroup> parse_cgroup(const toml::table& t, const std::string& where,
                                  const std::string& file, bool is_op);

Result<std::vector<WorkDef>> parse_works(const TableReader& r, std::string_view key);
Result<CpusetSpec> parse_cpuset(const toml::node& n, const std::string& file);
Result<workload::AffinityIntent> parse_affinity(const toml::node& n, const std::string& file);
Status parse_limits(const TableReader& r, Limits& out);
Result<Hold> parse_hold(const toml::node& n, const std::string& file);
Result<Op> parse_op(const toml::table& t, const std::string& file);
// toml_payload.cpp: `[checks] payload.NAME.METRIC = { min/max }`, the
// check that each such NAME is started by a run_payload op, and
// run_payload's `kind` (detected from cmd[0] when absent).
// `key` is "payload" or a quoted "payload.NAME.METRIC..." key.
Status parse_payload_checks(std::string_view key, const toml::node& n, const std::string& file,
                            std::vector<check::PayloadLimit>& out);
Status check_payload_names(const Scenario& s, const std::string& file);
Status parse_payload_kind(const TableReader& r, Op& op);
// A [[check]] table (a relative check); validated per field here, its phases
// by validate().
Result<check::RelativeCheck> parse_relative_check(const toml::table& t, const std::string& file);
// expect_scheduler_error / expect_stall at the top level.
Status parse_expectations(const TableReader& top, Scenario& s);

const std::vector<std::string>& cgroup_keys();
const std::vector<std::string>& work_keys();
const std::vector<std::string>& limit_keys();

}  // namespace ktstr::scenario::toml_detail
