#include "vm/vmlinux_extract.hpp"

#include <elf.h>

#include <algorithm>
#include <cstring>

#include "util/file_io.hpp"
#include "vm/cache.hpp"
#include "vm/process.hpp"

namespace ktstr::vm {
namespace {

struct Magic {
  Codec codec;
  std::string_view bytes;
};

// Order matters only for equal offsets; lzma's magic is weak, keep it last.
constexpr Magic kMagics[] = {
    {Codec::kGzip, std::string_view("\x1f\x8b\x08", 3)},
    {Codec::kXz, std::string_view("\xfd\x37\x7a\x58\x5a\x00", 6)},
    {Codec::kZstd, std::string_view("\x28\xb5\x2f\xfd", 4)},
    {Codec::kBzip2, std::string_view("BZh", 3)},
    {Codec::kLz4, std::string_view("\x02\x21\x4c\x18", 4)},
    {Codec::kLzo, std::string_view("\x89\x4c\x5a\x4f\x00\x0d\x0a\x1a\x0a", 9)},
    {Codec::kLzma, std::string_view("\x5d\x00\x00\x00", 4)},
};

template <class T>
T load_le(std::string_view data, size_t off) {
  T v{};
  if (off + sizeof(T) <= data.size()) std::memcpy(&v, data.data() + off, sizeof(T));
  return v;
}

}  // namespace

std::string_view codec_name(Codec c) {
  switch (c) {
    case Codec::kGzip:
      return "gzip";
    case Codec::kXz:
      return "xz";
    case Codec::kZstd:
      return "zstd";
    case Codec::kBzip2:
      return "bzip2";
    case Codec::kLzma:
      return "lzma";
    case Codec::kLz4:
      return "lz4";
    case Codec::kLzo:
      return "lzo";
  }
  return "?";
}

std::vector<std::string> codec_command(Codec c) {
  switch (c) {
    case Codec::kGzip:
      return {"gzip", "-dc"};
    case Codec::kXz:
      return {"xz", "-dc"};
    case Codec::kZstd:
      return {"zstd", "-dcq"};
    case Codec::kBzip2:
      return {"bzip2", "-dc"};
    case Codec::kLzma:
      return {"xz", "--format=lzma", "-dc"};
    case Codec::kLz4:
      return {"lz4", "-dc"};
    case Codec::kLzo:
      return {"lzop", "-dc"};
  }
  return {};
}

std::vector<PayloadCandidate> payload_from_setup_header(std::string_view image) {
  constexpr size_t kSetupSects = 0x1f1, kHeaderMagic = 0x202, kVersion = 0x206;
  constexpr size_t kPayloadOffset = 0x248, kPayloadLength = 0x24c;
  if (image.size() < 0x250 || image.substr(kHeaderMagic, 4) != "HdrS") return {};
  if (load_le<uint16_t>(image, kVersion) < 0x208) return {};
  size_t setup_sects = static_cast<unsigned char>(image[kSetupSects]);
  if (setup_sects == 0) setup_sects = 4;
  size_t base = (setup_sects + 1) * 512;
  size_t off = base + load_le<uint32_t>(image, kPayloadOffset);
  size_t len = load_le<uint32_t>(image, kPayloadLength);
  if (off >= image.size() || len == 0 || off + len > image.size()) return {};
  for (const auto& m : kMagics) {
    if (image.substr(off, m.bytes.size()) == m.bytes) return {{off, len, m.codec}};
  }
  return {};
}

std::vector<PayloadCandidate> scan_payload_magics(std::string_view image) {
  std::vector<PayloadCandidate> out;
  for (const auto& m : kMagics) {
    for (size_t pos = image.find(m.bytes); pos != std::string_view::npos;
         pos = image.find(m.bytes, pos + 1)) {
      out.push_back({pos, 0, m.codec});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.offset < b.offset; });
  return out;
}

bool is_complete_elf64(std::string_view data) {
  if (data.size() < sizeof(Elf64_Ehdr)) return false;
  Elf64_Ehdr eh{};
  std::memcpy(&eh, data.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return false;
  }
  if (eh.e_machine != EM_X86_64) return false;
  uint64_t ph_end = eh.e_phoff + uint64_t{eh.e_phnum} * eh.e_phentsize;
  uint64_t sh_end = eh.e_shoff + uint64_t{eh.e_shnum} * eh.e_shentsize;
  if (ph_end > data.size() || sh_end > data.size()) return false;
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph{};
    std::memcpy(&ph, data.data() + eh.e_phoff + uint64_t{i} * eh.e_phentsize, sizeof ph);
    if (ph.p_offset + ph.p_filesz > data.size()) return false;
  }
  return true;
}

namespace {

// Decompresses `image[c.offset, ...)` into `out_path`; true when the result
// is a complete ELF.
Result<bool> try_candidate(std::string_view image, const PayloadCandidate& c,
                           const std::string& out_path, const std::string& work_dir) {
  std::string payload_path = work_dir + "/payload";
  size_t len = c.length ? c.length : image.size() - c.offset;
  KTSTR_TRY(write_file_atomic(payload_path, std::string(image.substr(c.offset, len))));
  CommandOptions opts;
  opts.stdin_path = payload_path;
  opts.stdout_path = out_path;
  opts.quiet_stderr = true;  // trailing data after the stream makes tools warn
  auto r = run_command(codec_command(c.codec), opts);
  (void)remove_tree(payload_path);
  if (!r) return unexpected(r.error());
  auto data = read_file(out_path);
  if (!data) return unexpected(data.error());
  return is_complete_elf64(*data);
}

}  // namespace

Status extract_vmlinux(const std::string& bzimage_path, const std::string& out_path,
                       const std::string& work_dir) {
  auto image = read_file(bzimage_path);
  if (!image) return unexpected(image.error());
  if (is_complete_elf64(*image)) return write_file_atomic(out_path, *image);
  auto candidates = payload_from_setup_header(*image);
  auto scanned = scan_payload_magics(*image);
  candidates.insert(candidates.end(), scanned.begin(), scanned.end());
  // A weak magic (lzma) can occur thousands of times in code; bound the work.
  constexpr size_t kMaxCandidates = 64;
  if (candidates.size() > kMaxCandidates) candidates.resize(kMaxCandidates);
  std::vector<std::string> tried;
  for (const auto& c : candidates) {
    auto ok = try_candidate(*image, c, out_path, work_dir);
    if (!ok) {
      // A missing decompressor: remember it, another codec may still match.
      tried.push_back(ok.error().describe());
      continue;
    }
    if (*ok) return {};
  }
  (void)remove_tree(out_path);
  std::string detail = tried.empty() ? "" : " (" + tried.front() + ")";
  return make_error(ErrorKind::kEnvironment,
                    fmt::format("no decompressable vmlinux found in {} candidate payload(s){}",
                                candidates.size(), detail),
                    0, bzimage_path);
}

}  // namespace ktstr::vm
