#include "util/shared_mapping.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace ktstr {

Result<SharedMapping> SharedMapping::create(size_t size_bytes) {
  SharedMapping m;
  if (size_bytes == 0) return m;
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t len = (size_bytes + page - 1) / page * page;
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    return sys_error(
        fmt::format("mmap of {} shared bytes failed; raise RLIMIT_AS or use fewer workers", len));
  }
  m.addr_ = p;
  m.size_ = len;
  return m;
}

void SharedMapping::reset() {
  if (addr_ != nullptr) munmap(addr_, size_);
  addr_ = nullptr;
  size_ = 0;
}

}  // namespace ktstr
