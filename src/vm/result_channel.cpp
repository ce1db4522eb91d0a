#include "vm/result_channel.hpp"

namespace ktstr::vm {

void ResultChannelParser::feed(std::string_view bytes, uint64_t now_ns) {
  pending_.append(bytes);
  size_t start = 0;
  for (size_t nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
    on_line(pending_.substr(start, nl - start), now_ns);
    start = nl + 1;
  }
  pending_.erase(0, start);
}

void ResultChannelParser::on_line(std::string line, uint64_t now_ns) {
  // A guest tty not yet in raw mode may add '\r'.
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (complete_) return;
  if (line == kInitStartMark) {
    if (init_start_ns_ == 0) init_start_ns_ = now_ns;
  } else if (line == kResultBegin) {
    in_result_ = true;
    result_.clear();
  } else if (line == kResultEnd && in_result_) {
    in_result_ = false;
    complete_ = true;
    result_ns_ = now_ns;
  } else if (in_result_) {
    if (!result_.empty()) result_ += '\n';
    result_ += line;
  }
}

}  // namespace ktstr::vm
