#include "vm/vm_argv.hpp"

#include <algorithm>

namespace ktstr::vm {

std::vector<std::string> strip_vm_flags(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {  // everything after belongs to the command
      out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    if (a == kVmSwitch) continue;
    std::string name = a.substr(0, a.find('='));
    if (std::find(kVmValueFlags.begin(), kVmValueFlags.end(), name) != kVmValueFlags.end()) {
      if (a.find('=') == std::string::npos) ++i;  // the value is the next word
      continue;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace ktstr::vm
