// Fault injection for failures the real system cannot produce on demand at
// a chosen point, such as an allocation failing after workers started.
// Tests set KTSTR_INJECT_FAULT="<point>:<kind>" in ktstr's environment;
// `inject_fault_at(point)` then throws that kind of exception there, so the
// top-level handler and the RAII teardown below it can be proven. Kinds:
// bad_alloc, logic_error, runtime_error. Unset (every normal run), it is one
// getenv per call.
#pragma once

#include <string_view>

namespace ktstr {

void inject_fault_at(std::string_view point);

}  // namespace ktstr
