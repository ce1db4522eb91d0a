// The process exit codes of `ktstr` (docs/cli.md), shared by the layers that
// decide them (scenario run loop, VM runs) and the CLI that returns them.
#pragma once

namespace ktstr {

inline constexpr int kExitPass = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitInvalid = 2;
inline constexpr int kExitEnvironment = 3;
inline constexpr int kExitInconclusive = 4;
inline constexpr int kExitInterrupted = 130;

}  // namespace ktstr
