// The process exit codes of `ktstr` (docs/cli.md), shared by the layers that
// decide them (scenario run loop, VM runs) and the CLI that returns them.
#pragma once

#include "util/result.hpp"

namespace ktstr {

inline constexpr int kExitPass = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitInvalid = 2;
inline constexpr int kExitEnvironment = 3;
inline constexpr int kExitInconclusive = 4;
inline constexpr int kExitInterrupted = 130;

// The exit code for a failure of this kind (cli.md): 2 invalid input,
// 3 environment, 1 runtime.
constexpr int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return kExitInvalid;
    case ErrorKind::kEnvironment:
      return kExitEnvironment;
    case ErrorKind::kRuntime:
      return kExitFail;
  }
  return kExitFail;
}

}  // namespace ktstr
