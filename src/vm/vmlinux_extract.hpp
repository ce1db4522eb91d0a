// Getting an uncompressed ELF vmlinux out of an x86 bzImage, so QEMU can
// boot it through the PVH entry (~0.45 s faster per boot than bzImage).
//
// A bzImage is real-mode setup sectors + a decompressor stub + the
// compressed kernel. The setup header (boot protocol >= 2.08) says where the
// payload is; we identify its codec by magic, decompress it with the
// matching host tool and check that the result is a complete ELF file. When
// the header is unusable we fall back to scanning for codec magics, trying
// each candidate in file order (what the kernel's scripts/extract-vmlinux
// does).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace ktstr::vm {

enum class Codec { kGzip, kXz, kZstd, kBzip2, kLzma, kLz4, kLzo };

struct PayloadCandidate {
  size_t offset = 0;
  size_t length = 0;  // 0: up to end of file
  Codec codec = Codec::kGzip;
};

std::string_view codec_name(Codec c);
// Decompressor command reading stdin, writing stdout ("xz -dc", ...).
std::vector<std::string> codec_command(Codec c);

// The payload described by the bzImage setup header, if any.
std::vector<PayloadCandidate> payload_from_setup_header(std::string_view image);
// Every offset where a codec magic occurs, in file order.
std::vector<PayloadCandidate> scan_payload_magics(std::string_view image);

// Checks that `data` is an x86-64 ELF whose section and program headers lie
// inside it (a truncated decompression fails this).
bool is_complete_elf64(std::string_view data);

// Writes the vmlinux inside `bzimage_path` to `out_path`. An input that is
// already an ELF is copied. Uses `work_dir` for temporaries.
Status extract_vmlinux(const std::string& bzimage_path, const std::string& out_path,
                       const std::string& work_dir);

}  // namespace ktstr::vm
