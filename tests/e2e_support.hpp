// The harness of the end-to-end tests (e2e_*test.cpp): consumer projects copied from tests/e2e
// into temporary directories and built with CMake, getting Retort from this build, a FetchContent
// download or an installed package.
#ifndef RETORT_TESTS_E2E_SUPPORT_HPP
#define RETORT_TESTS_E2E_SUPPORT_HPP

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace retort::e2e {

namespace fs = std::filesystem;
using testing::Database;
using testing::run;

inline std::string cmake() { return RETORT_CMAKE_COMMAND; }

// Retort installed from this build into a fresh prefix, then moved: the package is relocatable.
class InstalledRetort {
 public:
  InstalledRetort() {
    const auto installed = run(cmake() + " --install " + std::string(RETORT_BINARY_DIR) +
                               " --prefix " + (tmp_.path() / "first").string());
    EXPECT_EQ(installed.exit_code, 0) << installed.output;
    fs::rename(tmp_.path() / "first", prefix());
  }
  fs::path prefix() const { return tmp_.path() / "moved"; }

 private:
  testing::TempDir tmp_;
};

struct ProjectSetup {
  std::string via = "subdirectory";  ///< subdirectory, fetchcontent or package
  std::string generator = "Ninja";
  std::string prefix = "";           ///< the installed package, for "package"
  std::string extra = "";            ///< more -D options
  std::string project = "consumer";  ///< the directory under tests/e2e
};

class ConsumerProject {
 public:
  /// Copied from tests/e2e and configured, unless the test has work to do first.
  explicit ConsumerProject(ProjectSetup setup, bool configure_now = true)
      : setup_(std::move(setup)) {
    fs::copy(RETORT_TEST_DIR "/e2e/" + setup_.project, app(), fs::copy_options::recursive);
    if (!fs::exists(app() / "main.cpp")) {
      fs::copy_file(RETORT_TEST_DIR "/e2e/upgrade_main.cpp", app() / "main.cpp");
    }
    if (configure_now) configure();
  }
  void configure(const std::string& more = "") const {
    const auto configured =
        run(cmake() + " -S " + app().string() + " -B " + build().string() + " -G \"" +
            setup_.generator + "\" -DCMAKE_BUILD_TYPE=Release -DRETORT_SOURCE_DIR=" +
            RETORT_SOURCE_DIR + " -DRETORT_VIA=" + setup_.via +
            (setup_.prefix.empty() ? "" : " -DCMAKE_PREFIX_PATH=" + setup_.prefix) + " " +
            setup_.extra + " " + more);
    ASSERT_EQ(configured.exit_code, 0) << configured.output;
  }
  fs::path app() const { return tmp_.path() / "app"; }
  fs::path build() const { return tmp_.path() / "build"; }
  fs::path versions() const { return app() / "migrations" / "versions"; }
  fs::path db() const { return tmp_.path() / "app.db"; }

  testing::CommandResult build_app() const {
    return run(cmake() + " --build " + build().string() + " -j 2");
  }
  testing::CommandResult retort(const std::string& args) const {
    const fs::path tool = setup_.via == "package" ? fs::path(setup_.prefix) / "bin" / "retort"
                          : setup_.via == "fetchcontent"
                              ? build() / "_deps" / "retort-build" / "tool" / "retort"
                              : build() / "retort" / "tool" / "retort";
    return run(tool.string() + " " + args + " --dir " + (app() / "migrations").string());
  }
  testing::CommandResult run_app(const std::string& name = "app") const {
    return run((build() / name).string() + " " + db().string());
  }
  /// The target `app` with these arguments (a shell's words).
  testing::CommandResult run_app_with(const std::string& args) const {
    return run((build() / "app").string() + " " + args);
  }

 private:
  ProjectSetup setup_;
  testing::TempDir tmp_;
};

inline std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A newer modification time, later than anything built so far (file systems with coarse
// timestamps included).
inline void touch(const fs::path& file) {
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  fs::last_write_time(file, fs::file_time_type::clock::now());
}

inline constexpr const char* kScan = "Retort: scanning";
inline constexpr const char* kEmbedCompile = "revisions.cpp.o";

/// Tests over a package installed from this build into a fresh prefix.
class PackageTest : public ::testing::Test {
 protected:
  ProjectSetup package(const std::string& generator = "Ninja") const {
    return {"package", generator, installed_.prefix().string()};
  }
  InstalledRetort installed_;
};

}  // namespace retort::e2e

#endif  // RETORT_TESTS_E2E_SUPPORT_HPP
