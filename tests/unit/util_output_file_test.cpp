// The output writer (util/output_file.hpp): atomic replacement through an
// unpredictable O_EXCL|O_NOFOLLOW temp file, devices and FIFOs written in
// place, directories and symlinks to regular files refused, no temp file
// left after success or failure, and the early path check.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "util/file_io.hpp"
#include "util/output_file.hpp"

namespace ktstr {
namespace {

namespace fs = std::filesystem;

class OutputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ktstr-output-file-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Every entry of the directory, hidden ones included.
  std::set<std::string> entries() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.insert(e.path().filename().string());
    return out;
  }
  std::string dir_;
};

TEST_F(OutputFile, ReplacesAtomicallyKeepsModeLeavesNoTemp) {
  const std::string path = dir_ + "/r.json";
  ASSERT_TRUE(write_output_file(path, "first\n"));
  EXPECT_EQ(*read_file(path), "first\n");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(write_output_file(path, "second\n"));
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(*read_file(path), "second\n");
  EXPECT_NE(before.st_ino, after.st_ino);  // a new file renamed over the old
  EXPECT_EQ(after.st_mode & 07777, 0600u);
  EXPECT_EQ(entries(), std::set<std::string>{"r.json"});
}

TEST_F(OutputFile, TempNamesAreUnpredictableAndHidden) {
  std::set<std::string> names;
  const std::regex shape(R"(.*/\.r\.json\.tmp-[0-9a-f]{16})");
  for (int i = 0; i < 200; ++i) {
    const std::string t = temp_path_for(dir_ + "/r.json");
    EXPECT_TRUE(std::regex_match(t, shape)) << t;
    EXPECT_EQ(t.rfind(dir_ + "/", 0), 0u) << t;  // same directory: rename stays atomic
    names.insert(t);
  }
  EXPECT_EQ(names.size(), 200u);
  EXPECT_EQ(temp_path_for("x.xml").rfind("./.x.xml.tmp-", 0), 0u);
}

TEST_F(OutputFile, SymlinkToRegularFileIsRefusedAndNothingChanges) {
  const std::string victim = dir_ + "/victim";
  ASSERT_TRUE(write_output_file(victim, "precious\n"));
  const std::string link = dir_ + "/out.xml";
  ASSERT_EQ(::symlink(victim.c_str(), link.c_str()), 0);
  auto st = write_output_file(link, "<xml/>");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(st.error().message.find("symbolic link"), std::string::npos);
  EXPECT_EQ(*read_file(victim), "precious\n");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(entries(), (std::set<std::string>{"out.xml", "victim"}));
  auto checked = check_output_path(link, "--junit");
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().describe().find("--junit " + link), std::string::npos);
}

TEST_F(OutputFile, DevicesAndLinksToThemAreWrittenInPlace) {
  EXPECT_EQ(*check_output_path("/dev/null", "--html"), OutputKind::kStream);
  ASSERT_TRUE(write_output_file("/dev/null", "<html></html>"));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  const std::string link = dir_ + "/null";
  ASSERT_EQ(::symlink("/dev/null", link.c_str()), 0);
  ASSERT_TRUE(write_output_file(link, "data"));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(entries(), std::set<std::string>{"null"});
}

TEST_F(OutputFile, FifoIsWrittenNotReplaced) {
  const std::string fifo = dir_ + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] {
    int fd = ::open(fifo.c_str(), O_RDONLY | O_CLOEXEC);
    char buf[256];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
    ::close(fd);
  });
  EXPECT_TRUE(write_output_file(fifo, "through the pipe\n"));
  reader.join();
  EXPECT_EQ(got, "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
}

TEST_F(OutputFile, DirectoriesAndMissingDirectoriesAreRefused) {
  auto d = check_output_path(dir_, "--json");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(d.error().message.find("is a directory"), std::string::npos);
  auto slash = check_output_path(dir_ + "/sub/", "--json");
  ASSERT_FALSE(slash);
  auto missing = check_output_path("/nonexistent/dir/x.json", "--json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().describe(),
            "--json /nonexistent/dir/x.json: directory /nonexistent/dir does not exist; create "
            "it first (mkdir -p /nonexistent/dir)");
  auto file_as_dir = check_output_path("/dev/null/x.json", "--trace");
  ASSERT_FALSE(file_as_dir);
  EXPECT_NE(file_as_dir.error().message.find("not a directory"), std::string::npos);
  EXPECT_FALSE(check_output_path("", "--html"));
  EXPECT_EQ(*check_output_path("-", "--json"), OutputKind::kStdout);
  EXPECT_EQ(*check_output_path(dir_ + "/new.json", "--json"), OutputKind::kReplace);
  EXPECT_TRUE(entries().empty());  // checking writes nothing
}

TEST_F(OutputFile, FailedReplaceLeavesNoTempFile) {
  // rename(2) of a file over a non-empty directory fails after the temp file
  // was written: the temp file must go.
  const std::string target = dir_ + "/busy";
  fs::create_directory(target);
  ASSERT_TRUE(write_file_atomic(target + "/keep", "x"));
  auto st = replace_file_atomic(target, "data");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("rename"), std::string::npos);
  EXPECT_EQ(entries(), std::set<std::string>{"busy"});
}

TEST_F(OutputFile, CacheWritesUseTheSameSafeTempFile) {
  // A planted link at the old predictable name (<path>.tmp.<pid>) is unused.
  const std::string path = dir_ + "/meta.json";
  const std::string planted = path + ".tmp." + std::to_string(::getpid());
  const std::string victim = dir_ + "/victim";
  ASSERT_TRUE(write_file_atomic(victim, "precious\n"));
  ASSERT_EQ(::symlink(victim.c_str(), planted.c_str()), 0);
  ASSERT_TRUE(write_file_atomic(path, "{}\n"));
  EXPECT_EQ(*read_file(path), "{}\n");
  EXPECT_EQ(*read_file(victim), "precious\n");
  EXPECT_EQ(entries(),
            (std::set<std::string>{"meta.json", fs::path(planted).filename().string(), "victim"}));
}

}  // namespace
}  // namespace ktstr
