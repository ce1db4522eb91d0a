// Opens the HTML report in headless Chromium (Debian `chromium`, installed
// by scripts/setup) and checks that every chart drew without a JavaScript
// error, via the status the page writes into #ktstr-render-status.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>

#include "report/html.hpp"
#include "scenario/result.hpp"
#include "util/file_io.hpp"

namespace ktstr::report {
namespace {

namespace fs = std::filesystem;

std::string chromium_path() {
  if (const char* env = std::getenv("KTSTR_CHROMIUM")) return env;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

struct Output {
  int exit_code = -1;
  std::string out;
};

// Runs a command in its own process group with a deadline; the whole group
// (Chromium's helper processes included) is killed when it is over.
Output run_with_deadline(const std::vector<std::string>& argv, int timeout_ms) {
  Output o;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return o;
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    dup2(p[1], 1);
    const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull >= 0) dup2(devnull, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);
  ::close(p[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    pollfd fd{p[0], POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::read(p[0], buf, sizeof buf);
    if (n <= 0) break;
    o.out.append(buf, static_cast<size_t>(n));
  }
  ::close(p[0]);
  ::kill(-pid, SIGKILL);  // our own process group: leftovers and a hung browser
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
  return o;
}

class ReportHtmlBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = chromium_path();
    if (chromium_.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup installs it)";
    char tmpl[] = "/tmp/ktstr-html-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::vector<std::string> browser(const std::string& profile) const {
    return {chromium_, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--user-data-dir=" + dir_ + "/" + profile,
            // Lets the page's timers (the final status update) run first.
            "--virtual-time-budget=5000"};
  }

  std::string write_report(const std::string& fixture) {
    auto text = read_file(std::string(KTSTR_TEST_DATA_DIR) + "/report/" + fixture);
    EXPECT_TRUE(text);
    auto run = scenario::parse_run_result(text ? *text : "");
    EXPECT_TRUE(run);
    const std::string path = dir_ + "/" + fixture + ".html";
    EXPECT_TRUE(write_file_atomic(path, render_html(run ? *run : scenario::RunResult{})));
    return path;
  }

  std::string chromium_, dir_;
};

std::string render_status(const std::string& dom) {
  static const std::regex status("<div id=\"ktstr-render-status\">([^<]*)</div>");
  std::smatch m;
  return std::regex_search(dom, m, status) ? m[1].str() : "<no status element>";
}

TEST_F(ReportHtmlBrowser, ChartsDrawWithoutErrors) {
  const std::string page = write_report("run_mixed.json");
  auto args = browser("dom");
  args.push_back("--dump-dom");
  args.push_back("file://" + page);
  const auto t0 = std::chrono::steady_clock::now();
  const Output o = run_with_deadline(args, 60000);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_FALSE(o.out.empty()) << "chromium printed no DOM (exit " << o.exit_code << ")";
  // cpuset_split: CPU share, off-CPU, latency by cgroup and by work type,
  // iterations, migrations (6); steady: the same without by-work-type (5);
  // the skipped and the errored scenario draw nothing.
  EXPECT_EQ(render_status(o.out), "ok:11 charts, 0 errors");
  size_t canvases = 0;
  for (size_t pos = o.out.find("<canvas"); pos != std::string::npos;
       pos = o.out.find("<canvas", pos + 1)) {
    ++canvases;
  }
  EXPECT_GE(canvases, 11u);
  EXPECT_NE(o.out.find("Failures and evidence"), std::string::npos);
  EXPECT_NE(o.out.find("max gap 3500ms on cpu1"), std::string::npos);
  RecordProperty("render_ms", std::to_string(ms));
}

TEST_F(ReportHtmlBrowser, ScreenshotIsNotBlank) {
  const std::string page = write_report("run_mixed.json");
  const std::string png = dir_ + "/shot.png";
  auto args = browser("shot");
  args.push_back("--screenshot=" + png);
  args.push_back("--window-size=1400,2000");
  args.push_back("file://" + page);
  run_with_deadline(args, 60000);
  auto data = read_file(png);
  ASSERT_TRUE(data) << "no screenshot written";
  EXPECT_EQ(data->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // A page of text and charts compresses far worse than a blank one (~10 KiB).
  EXPECT_GT(data->size(), 60u * 1024);
}

TEST_F(ReportHtmlBrowser, RunWithRepeatsAndNoRawReports) {
  const std::string page = write_report("compare_a.json");
  auto args = browser("repeats");
  args.push_back("--dump-dom");
  args.push_back("file://" + page);
  const Output o = run_with_deadline(args, 60000);
  // 5 steady repeats x 5 charts; cgroup_churn has no statistics.
  EXPECT_EQ(render_status(o.out), "ok:25 charts, 0 errors");
}

// A busy host: the run's noise chart draws beside every scenario's charts,
// and the scenario noise made inconclusive says so (16 = 1 noise chart + 5
// per scenario x 3).
TEST_F(ReportHtmlBrowser, NoisyRunDrawsTheNoiseChartAndMarksTheDowngrade) {
  const std::string page = write_report("run_noisy.json");
  auto args = browser("noisy");
  args.push_back("--dump-dom");
  args.push_back("file://" + page);
  const Output o = run_with_deadline(args, 60000);
  EXPECT_EQ(render_status(o.out), "ok:16 charts, 0 errors");
  EXPECT_NE(o.out.find("<h4>Host noise by scenario</h4>"), std::string::npos);
  EXPECT_NE(o.out.find("host noise over the run: high"), std::string::npos);
  EXPECT_NE(o.out.find("inconclusive because of host noise: max_spread_pct failed"),
            std::string::npos);
}

}  // namespace
}  // namespace ktstr::report
