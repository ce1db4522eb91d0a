#include "report/run_document.hpp"

#include <fmt/format.h>

#include "report/run_text.hpp"
#include "util/output_file.hpp"

namespace ktstr::report {

std::vector<NamedOutput> RunEmitOptions::named() const {
  auto out = files.named();
  out.push_back({"--json", json_path});
  return out;
}

Status check_emit_outputs(const RunEmitOptions& o) {
  return check_outputs(o.named());
}

Result<std::string> emit_run(const scenario::RunResult* run, nlohmann::json doc,
                             const RunEmitOptions& o) {
  if (run != nullptr) {
    if (auto st = write_outputs(*run, o.files); !st) return unexpected(st.error());
  }
  if (!o.raw && doc.contains("scenarios")) {
    for (auto& sc : doc["scenarios"]) sc.erase("reports");
  }
  if (!o.json_path.empty()) {
    if (auto st = write_output_file(o.json_path, doc.dump(2) + "\n"); !st) {
      return unexpected(st.error());
    }
  }
  if (run == nullptr) return std::string();
  return render_run_text(*run);
}

}  // namespace ktstr::report
