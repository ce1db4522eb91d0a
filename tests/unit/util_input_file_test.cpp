// Bounded reading of user-named files (util/input_file.hpp): regular files
// only, refused without blocking otherwise, and a size limit.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "util/file_io.hpp"
#include "util/input_file.hpp"

namespace ktstr {
namespace {

namespace fs = std::filesystem;

class InputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ktstr-input-file-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(InputFile, ReadsARegularFileWithinTheLimit) {
  ASSERT_TRUE(write_file_atomic(dir_ + "/s.toml", "name = \"x\"\n"));
  auto text = read_input_file(dir_ + "/s.toml", 64, "scenario file");
  ASSERT_TRUE(text) << text.error().describe();
  EXPECT_EQ(*text, "name = \"x\"\n");
  EXPECT_TRUE(read_input_file(dir_ + "/s.toml", 11, "scenario file"));  // exactly the limit
}

TEST_F(InputFile, RefusesAnOversizedFileBeforeReading) {
  const std::string path = dir_ + "/big.json";
  ASSERT_TRUE(write_file_atomic(path, std::string(2048, 'x')));
  auto r = read_input_file(path, 1024, "run document");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(r.error().describe(),
            path +
                ": run document is larger than the limit of 1024 bytes; is this the right "
                "file?");
  // A sparse file past the result limit is refused by its size alone.
  const std::string sparse = dir_ + "/sparse.json";
  ASSERT_TRUE(write_file_atomic(sparse, ""));
  ASSERT_EQ(::truncate(sparse.c_str(), static_cast<off_t>(kResultFileMaxBytes + 1)), 0);
  auto s = read_input_file(sparse, kResultFileMaxBytes, "run document");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("limit of 256 MiB"), std::string::npos);
}

TEST_F(InputFile, RefusesFifosDevicesAndDirectoriesAtOnce) {
  const std::string fifo = dir_ + "/s.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  auto f = read_input_file(fifo, kScenarioFileMaxBytes, "scenario file");
  auto plain = read_file(fifo);  // system files: no blocking either
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(f.error().describe(),
            fifo + ": scenario file is a FIFO, not a regular file; give the path of a file");
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message.find("a FIFO"), std::string::npos);
  auto zero = read_input_file("/dev/zero", kResultFileMaxBytes, "run document");
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message.find("a character device"), std::string::npos);
  auto dir = read_input_file(dir_, kScenarioFileMaxBytes, "scenario file");
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message.find("a directory"), std::string::npos);
  auto missing = read_input_file(dir_ + "/nope.toml", kScenarioFileMaxBytes, "scenario file");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(missing.error().err, ENOENT);
}

TEST(InputFileLimits, AreTheDocumentedOnes) {
  EXPECT_EQ(kScenarioFileMaxBytes, 1u << 20);
  EXPECT_EQ(kResultFileMaxBytes, 256u << 20);
  // procfs reports size 0: read_file reads it whole anyway.
  auto self = read_file("/proc/self/status");
  ASSERT_TRUE(self);
  EXPECT_NE(self->find("Name:"), std::string::npos);
}

}  // namespace
}  // namespace ktstr
