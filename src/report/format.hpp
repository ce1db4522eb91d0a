// Small text helpers shared by the report renderers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ktstr::report {

// A number with a precision that suits its size, trailing zeros dropped:
// 12345 -> "12345", 123.456 -> "123.5", 1.2345 -> "1.23", 40.0 -> "40",
// 0.0012345 -> "0.00123".
// Deterministic, so golden files are stable.
std::string format_number(double v);

// Left-aligned columns separated by two spaces; the last column is not padded.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  std::string render(std::string_view indent = "") const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] = header
};

// Text for XML character data and attribute values: escapes & < > " ' and
// replaces characters XML 1.0 does not allow (control characters other
// than tab, newline and carriage return; invalid UTF-8) with U+FFFD.
// In attributes tab, newline and CR become character references so they
// survive attribute-value normalisation; in element text they stay.
std::string xml_escape(std::string_view text, bool attribute = true);

}  // namespace ktstr::report
