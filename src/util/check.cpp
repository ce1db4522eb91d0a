#include "util/check.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace ktstr::detail {

void check_failed(const char* cond, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "ktstr: internal error: %s (%s) at %s:%d\n", msg, cond, file, line);
  std::abort();
}

}  // namespace ktstr::detail
