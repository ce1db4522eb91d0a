#include "report/run_document.hpp"

#include <fmt/format.h>

#include "report/run_text.hpp"
#include "util/file_io.hpp"

namespace ktstr::report {

Result<std::string> emit_run(const scenario::RunResult* run, nlohmann::json doc,
                             const RunEmitOptions& o) {
  if (run != nullptr) {
    if (auto st = write_outputs(*run, o.files); !st) return unexpected(st.error());
  }
  if (!o.raw && doc.contains("scenarios")) {
    for (auto& sc : doc["scenarios"]) sc.erase("reports");
  }
  if (!o.json_path.empty()) {
    const std::string text = doc.dump(2) + "\n";
    if (o.json_path == "-") {
      fmt::print("{}", text);
    } else if (auto st = write_file_atomic(o.json_path, text); !st) {
      return unexpected(st.error());
    }
  }
  if (o.json_path == "-" || run == nullptr) return std::string();
  return render_run_text(*run);
}

}  // namespace ktstr::report
