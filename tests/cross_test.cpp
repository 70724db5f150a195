// Cross builds from the user's side: a consumer project configured with a toolchain file for
// aarch64 (tests/e2e/cross) gets Retort's runtime built for the target, through add_subdirectory
// or an installed target package built with RETORT_BUILD_TOOL=OFF, and runs the build machine's
// retort tool. The app runs under qemu-aarch64 on a database it takes through two revisions,
// and its embedded revisions are a native build's, byte for byte. A missing tool, or one of
// another version, is one configure error.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::Database;
using testing::read_text;
using testing::run;
using testing::write_text;

const std::string kCMake = RETORT_CMAKE_COMMAND;
const std::string kToolchain = RETORT_TEST_DIR "/e2e/cross/aarch64-linux-gnu.cmake";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Whether CMake's output says `phrase`, however it wrapped its lines.
bool says(const std::string& output, const std::string& phrase) {
  std::string flat;
  for (const char c : output) {
    const bool space = c == ' ' || c == '\n';
    if (!space || (!flat.empty() && flat.back() != ' ')) flat += space ? ' ' : c;
  }
  return has(flat, phrase);
}

std::size_t errors_in(const std::string& configure_output) {
  std::size_t n = 0;
  for (auto at = configure_output.find("CMake Error"); at != std::string::npos;
       at = configure_output.find("CMake Error", at + 1)) {
    ++n;
  }
  return n;
}

// The build machine's PATH less every directory that holds a `retort`: a machine without one.
std::string path_without_retort() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string kept;
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty() || fs::exists(fs::path(dir) / "retort")) continue;
    kept += (kept.empty() ? "" : ":") + dir;
  }
  return kept;
}

// What this machine lacks to build for aarch64 and run the result there; "" when nothing.
std::string missing_cross_toolchain() {
  for (const std::string program : {"aarch64-linux-gnu-g++", "qemu-aarch64"}) {
    if (run("command -v " + program).exit_code != 0) return program;
  }
  if (!fs::exists("/usr/lib/aarch64-linux-gnu/libsqlite3.so")) return "libsqlite3-dev:arm64";
  return "";
}

class CrossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string missing = missing_cross_toolchain();
    if (!missing.empty()) {
      GTEST_SKIP() << "no aarch64 cross toolchain (" << missing
                   << " is missing): apt-get install g++-aarch64-linux-gnu qemu-user, then "
                      "dpkg --add-architecture arm64 && apt-get update && apt-get install "
                      "libsqlite3-dev:arm64; bash scripts/quickstart.sh test installs them";
    }
    fs::copy(RETORT_TEST_DIR "/e2e/cross", app(), fs::copy_options::recursive);
  }
  fs::path app() const { return tmp_.path() / "app"; }
  fs::path cross() const { return tmp_.path() / "cross"; }  // the app's build for aarch64
  fs::path native() const { return tmp_.path() / "native"; }
  fs::path versions() const { return app() / "migrations" / "versions"; }
  fs::path db() const { return tmp_.path() / "device.db"; }

  /// CMake configures the app into `build` with `args`, with `path` as PATH.
  CommandResult configure(const fs::path& build, const std::string& args,
                          const std::string& path) const {
    return run("env PATH=" + path + " " + kCMake + " -S " + app().string() + " -B " +
               build.string() + " -G Ninja -DCMAKE_BUILD_TYPE=Release -DRETORT_SOURCE_DIR=" +
               RETORT_SOURCE_DIR + " " + args);
  }
  CommandResult configure_cross(const std::string& args, const std::string& path = "") const {
    return configure(cross(), "-DCMAKE_TOOLCHAIN_FILE=" + kToolchain + " " + args,
                     path.empty() ? path_without_retort() : path);
  }
  CommandResult build(const fs::path& dir) const {
    return run(kCMake + " --build " + dir.string() + " -j 2");
  }
  /// The app built for aarch64, run under qemu on the device's database.
  CommandResult run_on_target() const {
    return run("qemu-aarch64 -L /usr/aarch64-linux-gnu " + (cross() / "app").string() + " " +
               db().string());
  }
  CommandResult retort(const std::string& args) const {
    return run(tool_ + " " + args + " --dir " + (app() / "migrations").string());
  }

  void two_revisions_on_the_target() const;
  void same_revisions_as_a_native_build(const fs::path& native_package) const;

  testing::TempDir tmp_;
  std::string tool_ = RETORT_HOST_TOOL;  ///< the build machine's tool the test seals with
};

// Built for aarch64: the first revision creates the table with the target's column, the second
// adds a column and a CHECK (a table rebuild), and the app run under qemu applies each; the rows
// written in between are kept.
void CrossTest::two_revisions_on_the_target() const {
  auto built = build(cross());
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(has(built.output, "wrote draft revision 0001")) << built.output;
  const std::string first = read_text(versions() / "0001_draft.sql");
  EXPECT_TRUE(has(first, "board TEXT NOT NULL DEFAULT 'arm64'")) << first;  // scanned for aarch64
  EXPECT_FALSE(has(first, "build_machine")) << first;
  const auto sealed = retort("migrate -m readings");
  ASSERT_EQ(sealed.exit_code, 0) << sealed.output;
  built = build(cross());
  ASSERT_EQ(built.exit_code, 0) << built.output;
  auto ran = run_on_target();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "aarch64\napplied 0001\n");
  Database(db().string())
      .exec(
          "INSERT INTO readings (id, value, samples, note) VALUES (1, -5, 3, 'cold'), "
          "(2, 9000000000, 4, NULL)");

  const fs::path model = app() / "models" / "device.hpp";
  std::string text = read_text(model);
  text.insert(text.find(" Reading {"), " RETORT_CHECK(\"samples < 1000\")");
  text.insert(text.find("#if defined"), "  std::optional<double> celsius;\n");
  write_text(model, text);
  built = build(cross());
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_TRUE(has(built.output, "wrote draft revision 0002")) << built.output;
  EXPECT_TRUE(has(read_text(versions() / "0002_draft.sql"), "-- rebuild readings"));
  ran = run_on_target();
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "aarch64\napplied 0002\n");
  Database device(db().string());
  EXPECT_EQ(device.rows("SELECT id, value, samples, note, celsius, board FROM readings"),
            (std::vector<std::string>{"1|-5|3|cold|NULL|arm64", "2|9000000000|4|NULL|NULL|arm64"}));
  EXPECT_EQ(device.rows("SELECT revision, draft FROM retort_migrations ORDER BY revision"),
            (std::vector<std::string>{"0001|0", "0002|1"}));
  EXPECT_THROW(device.exec("INSERT INTO readings (id, value, samples) VALUES (3, 0, 5000)"),
               std::runtime_error);
}

// The same repository built natively with the package at `native_package`, the aarch64 column
// declared there as well (DEVICE_AS_AARCH64): the native scan agrees with the draft the cross
// build wrote, and both builds embed the same revisions source. The native app finds the
// database the target's app upgraded up to date.
void CrossTest::same_revisions_as_a_native_build(const fs::path& native_package) const {
  const std::string draft = read_text(versions() / "0002_draft.sql");
  const auto configured = configure(native(),
                                    "-DRETORT_VIA=package -DDEVICE_AS_AARCH64=ON "
                                    "-DCMAKE_PREFIX_PATH=" +
                                        native_package.string(),
                                    path_without_retort());
  ASSERT_EQ(configured.exit_code, 0) << configured.output;
  const auto built = build(native());
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_FALSE(has(built.output, "wrote draft")) << built.output;
  EXPECT_EQ(read_text(versions() / "0002_draft.sql"), draft);
  const std::string embedded = read_text(cross() / "retort" / "app" / "revisions.cpp");
  EXPECT_TRUE(has(embedded, "0002")) << embedded;
  EXPECT_EQ(read_text(native() / "retort" / "app" / "revisions.cpp"), embedded);
  const auto ran = run((native() / "app").string() + " " + db().string());
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(ran.output, "");
}

// add_subdirectory(retort) in a cross build: no tool anywhere is one error that says how to get
// one (and no libclang is looked for); a retort on PATH is taken; RETORT_TOOL comes first.
TEST_F(CrossTest, AddSubdirectoryTakesTheBuildMachinesTool) {
  auto configured = configure_cross("");
  EXPECT_NE(configured.exit_code, 0);
  EXPECT_EQ(errors_in(configured.output), 1u) << configured.output;
  EXPECT_TRUE(says(configured.output, "add_migrations: no retort tool to run on the build machine"))
      << configured.output;
  EXPECT_TRUE(says(configured.output, "-DRETORT_TOOL=/path/to/retort")) << configured.output;
  EXPECT_FALSE(has(configured.output, "libclang")) << configured.output;
  EXPECT_FALSE(fs::exists(cross() / "build.ninja"));

  const fs::path bin = tmp_.path() / "bin";
  fs::create_directories(bin);
  fs::create_symlink(RETORT_HOST_TOOL, bin / "retort");
  configured = configure_cross("", bin.string() + ":" + path_without_retort());
  ASSERT_EQ(configured.exit_code, 0) << configured.output;
  EXPECT_TRUE(has(configured.output, "Retort: the build machine's retort tool: " +
                                         (bin / "retort").string() + " (found on PATH)"))
      << configured.output;

  configured = configure_cross("-DRETORT_TOOL=" RETORT_HOST_TOOL,
                               bin.string() + ":" + path_without_retort());
  ASSERT_EQ(configured.exit_code, 0) << configured.output;
  EXPECT_TRUE(has(configured.output, std::string(RETORT_HOST_TOOL) + " (RETORT_TOOL)"))
      << configured.output;
  two_revisions_on_the_target();
  same_revisions_as_a_native_build(RETORT_BINARY_DIR);  // Retort's build tree is a package too
}

// Retort built for aarch64 without its tool and installed; the consumer finds it with
// find_package and takes the tool of Retort installed for the build machine (RETORT_HOST_PREFIX).
// A tool of another version is refused, both versions named.
TEST_F(CrossTest, InstalledTargetPackageTakesTheBuildMachinesTool) {
  const fs::path retort_build = tmp_.path() / "retort-aarch64";
  const fs::path target_prefix = tmp_.path() / "aarch64";
  const fs::path host_prefix = tmp_.path() / "host";
  const auto installed =
      run("env PATH=" + path_without_retort() + " " + kCMake + " -S " + RETORT_SOURCE_DIR + " -B " +
          retort_build.string() +
          " -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE=" + kToolchain +
          " -DRETORT_BUILD_TOOL=OFF -DRETORT_BUILD_TESTS=OFF " + "-DRETORT_BUILD_EXAMPLES=OFF && " +
          kCMake + " --build " + retort_build.string() + " -j 2 && " + kCMake + " --install " +
          retort_build.string() + " --prefix " + target_prefix.string() + " && " + kCMake +
          " --install " + RETORT_BINARY_DIR + " --prefix " + host_prefix.string());
  ASSERT_EQ(installed.exit_code, 0) << installed.output;
  EXPECT_TRUE(fs::exists(target_prefix / "lib" / "libretort_runtime.a"));
  EXPECT_FALSE(fs::exists(target_prefix / "bin"));
  EXPECT_FALSE(fs::exists(target_prefix / "lib" / "cmake" / "Retort" / "RetortToolConfig.cmake"));
  const std::string package = "-DRETORT_VIA=package -DCMAKE_PREFIX_PATH=" + target_prefix.string();

  const fs::path old_tool = tmp_.path() / "old" / "retort";
  write_text(old_tool, "#!/bin/sh\necho 'retort 0.0.9'\n");
  fs::permissions(old_tool, fs::perms::owner_all);
  auto configured = configure_cross(package + " -DRETORT_TOOL=" + old_tool.string());
  EXPECT_NE(configured.exit_code, 0);
  EXPECT_EQ(errors_in(configured.output), 1u) << configured.output;
  EXPECT_TRUE(says(configured.output,
                   "is version 0.0.9, but the runtime it would generate "
                   "revisions for is version " RETORT_VERSION))
      << configured.output;
  EXPECT_FALSE(fs::exists(cross() / "build.ninja"));

  configured =
      configure_cross(package + " -DRETORT_TOOL= -DRETORT_HOST_PREFIX=" + host_prefix.string());
  ASSERT_EQ(configured.exit_code, 0) << configured.output;
  EXPECT_TRUE(has(configured.output,
                  (host_prefix / "bin" / "retort").string() + " (found in RETORT_HOST_PREFIX)"))
      << configured.output;
  tool_ = (host_prefix / "bin" / "retort").string();
  two_revisions_on_the_target();
  same_revisions_as_a_native_build(host_prefix);
}

}  // namespace
}  // namespace retort
