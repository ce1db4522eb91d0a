// The build's version. kVersion is the one typed in project(ktstr VERSION
// ...) in CMakeLists.txt; kGitDescribe is `git describe --always --dirty`
// of the source tree ("unknown" outside a git checkout). Both are defined
// in a file generated into the build tree (cmake/version.cmake) before every
// build, so a new commit or a dirty tree relinks, recompiling one file.
#pragma once

namespace ktstr {

extern const char* const kVersion;
extern const char* const kGitDescribe;

}  // namespace ktstr
