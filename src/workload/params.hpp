// Work-type parameters: declared by each work type with a default, parsed
// once at admission from `key=value` text, read by the worker before its loop.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "util/result.hpp"

namespace ktstr::workload {

enum class ParamKind { kInt, kDuration, kBool, kChoice, kString, kList };

struct ParamDef {
  std::string name;
  ParamKind kind = ParamKind::kInt;
  std::string default_value;  // text form; "" allowed for kString/kList
  std::string help;
  int64_t min = 0;                   // kInt: inclusive lower bound
  int64_t max = INT64_MAX;           // kInt: inclusive upper bound
  std::vector<std::string> choices;  // kChoice
};

// A parsed value. kDuration is stored as nanoseconds; kList as strings.
using ParamValue = std::variant<int64_t, uint64_t, bool, std::string, std::vector<std::string>>;

// A worker's parameters, looked up by name right after fork. A flat list
// with a byte-loop comparison: a std::map lookup runs libstdc++'s tree code
// and libc's memcmp, each one more code window for a forked worker to fault
// in (types have at most a dozen parameters).
class ParamValues {
 public:
  using Entry = std::pair<std::string, ParamValue>;
  // Missing or wrongly typed names are programming errors (KTSTR_CHECK).
  int64_t get_int(const std::string& name) const;
  uint64_t get_ns(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  const std::string& get_str(const std::string& name) const;
  const std::vector<std::string>& get_list(const std::string& name) const;
  bool has(const std::string& name) const { return find(name) != nullptr; }
  void set(const std::string& name, ParamValue v);
  const std::vector<Entry>& all() const { return values_; }

 private:
  const ParamValue* find(const std::string& name) const;
  std::vector<Entry> values_;
};

// Applies defaults then overrides; unknown keys and bad values are
// kInvalidInput errors naming the work type, the key and the fix.
Result<ParamValues> resolve_params(const std::string& work_type, const std::vector<ParamDef>& defs,
                                   const std::map<std::string, std::string>& overrides);
std::string kind_name(ParamKind k);
std::string format_param(const ParamValue& v, ParamKind k);

}  // namespace ktstr::workload
