// The one field list of WorkerReport and its records: key (the public JSON
// name, docs/results.md), member, and whether a JSON reader demands the key.
// to_json/from_json (report.cpp) and the CBOR writer/reader
// (report_cbor.cpp) all derive from these tables; adding a field here adds
// it to every form, and the round-trip test fails until it is filled.
#pragma once

#include "util/field_table.hpp"
#include "workload/report.hpp"

namespace ktstr {

template <>
struct FieldTable<workload::Migration> {
  using M = workload::Migration;
  static constexpr std::tuple kFields{
      required_field<&M::at_ns>("at_ns"),
      required_field<&M::from_cpu>("from_cpu"),
      required_field<&M::to_cpu>("to_cpu"),
  };
};

template <>
struct FieldTable<workload::Gap> {
  using G = workload::Gap;
  static constexpr std::tuple kFields{
      required_field<&G::at_ns>("at_ns"),
      required_field<&G::duration_ns>("duration_ns"),
      required_field<&G::cpu>("cpu"),
  };
};

template <>
struct FieldTable<workload::ExitInfo> {
  using E = workload::ExitInfo;
  static constexpr std::tuple kFields{
      required_field<&E::kind>("kind"),  // as exit_kind_text
      defaulted_field<&E::code>("code"),
      defaulted_field<&E::message>("message"),
  };
};

template <>
struct FieldTable<workload::WorkerReport> {
  using R = workload::WorkerReport;
  static constexpr std::tuple kFields{
      required_field<&R::tid>("tid"),
      defaulted_field<&R::worker_index>("worker_index"),
      required_field<&R::group_idx>("group_idx"),
      defaulted_field<&R::work_type>("work_type"),
      required_field<&R::work_units>("work_units"),
      required_field<&R::iterations>("iterations"),
      required_field<&R::cpu_time_ns>("cpu_time_ns"),
      required_field<&R::wall_time_ns>("wall_time_ns"),
      required_field<&R::off_cpu_ns>("off_cpu_ns"),
      required_field<&R::migration_count>("migration_count"),
      required_field<&R::cpus_used>("cpus_used"),
      required_field<&R::migrations>("migrations"),
      required_field<&R::max_gap_ms>("max_gap_ms"),
      required_field<&R::max_gap_cpu>("max_gap_cpu"),
      required_field<&R::max_gap_at_ms>("max_gap_at_ms"),
      defaulted_field<&R::largest_gaps>("largest_gaps"),
      defaulted_field<&R::start_mono_ns>("start_mono_ns"),
      required_field<&R::wake_latencies_ns>("wake_latencies_ns"),
      required_field<&R::wake_sample_total>("wake_sample_total"),
      defaulted_field<&R::wakeup_latencies>("wakeup_latencies"),
      defaulted_field<&R::wakeup_sample_total>("wakeup_sample_total"),
      defaulted_field<&R::wakeup_placement_totals>("wakeup_placement_totals"),
      required_field<&R::iteration_costs_ns>("iteration_costs_ns"),
      required_field<&R::iteration_cost_sample_total>("iteration_cost_sample_total"),
      defaulted_field<&R::schedstat_cpu_time_ns>("schedstat_cpu_time_ns"),
      defaulted_field<&R::schedstat_run_delay_ns>("schedstat_run_delay_ns"),
      defaulted_field<&R::schedstat_run_count>("schedstat_run_count"),
      defaulted_field<&R::schedstat_available>("schedstat_available"),
      required_field<&R::completed>("completed"),
      required_field<&R::numa_pages>("numa_pages"),  // node numbers as decimal text keys
      defaulted_field<&R::vmstat_numa_pages_migrated>("vmstat_numa_pages_migrated"),
      defaulted_field<&R::is_messenger>("is_messenger"),
      defaulted_field<&R::affinity_error>("affinity_error"),
      defaulted_field<&R::warnings>("warnings"),
      defaulted_field<&R::extra>("extra"),
      defaulted_field<&R::exit_info>("exit_info"),  // null when absent
  };
};

}  // namespace ktstr
