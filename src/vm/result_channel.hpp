// The guest's result UART: its framing, and the host-side parser.
// The guest writes framed lines:
//   KTSTR-INIT-START            when guest init starts (timing mark)
//   KTSTR-RESULT-BEGIN / json / KTSTR-RESULT-END
// The parser is pure: fed bytes and timestamps, unit-tested from strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ktstr::vm {

inline constexpr const char* kInitStartMark = "KTSTR-INIT-START";
inline constexpr const char* kResultBegin = "KTSTR-RESULT-BEGIN";
inline constexpr const char* kResultEnd = "KTSTR-RESULT-END";

class ResultChannelParser {
 public:
  // Appends `bytes` received at `now_ns` (monotonic).
  void feed(std::string_view bytes, uint64_t now_ns);

  uint64_t init_start_ns() const { return init_start_ns_; }  // 0: not seen
  uint64_t result_ns() const { return result_ns_; }          // 0: not complete
  bool complete() const { return complete_; }
  // The document between the markers (possibly partial when !complete()).
  const std::string& result() const { return result_; }

 private:
  void on_line(std::string line, uint64_t now_ns);

  std::string pending_;
  std::string result_;
  bool in_result_ = false;
  bool complete_ = false;
  uint64_t init_start_ns_ = 0;
  uint64_t result_ns_ = 0;
};

}  // namespace ktstr::vm
