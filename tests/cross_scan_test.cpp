// The scan parses the models for the machine the build compiles for: the target's triple picks
// what the preprocessor keeps, and the PCH and the scan's memo are kept apart per target.
#include <gtest/gtest.h>

#include <chrono>

#include "pipeline.hpp"
#include "scan_cache.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> column_names(const Models& models) {
  std::vector<std::string> names;
  for (const Column& c : models.schema.tables.at(0).columns) names.push_back(c.name);
  return names;
}

TEST(CrossScanTest, TheTargetsTripleChoosesTheMembersAndKeysTheCaches) {
  if (!fs::exists("/usr/lib/gcc-cross/aarch64-linux-gnu")) {
    GTEST_SKIP() << "no aarch64 cross compiler: apt-get install g++-aarch64-linux-gnu (bash "
                    "scripts/quickstart.sh test installs it)";
  }
  testing::TempDir tmp;
  // The cross e2e project's model, an hour old: old enough for the scan's memo to keep it.
  const fs::path model = tmp.path() / "device.hpp";
  fs::copy_file(RETORT_TEST_DIR "/e2e/cross/models/device.hpp", model);
  fs::last_write_time(model, fs::file_time_type::clock::now() - std::chrono::hours(1));
  const auto request = [&](std::vector<std::string> args) {
    args.push_back("-I" RETORT_ANNOTATIONS_DIR);
    return ScanRequest{{model.string()}, args, (tmp.path() / "pch").string()};
  };
  const ScanRequest native = request({});
  const ScanRequest target = request({"--target=aarch64-linux-gnu"});
  const std::vector<std::string> common = {"id", "value", "samples", "note"};
  const auto with = [&common](const std::string& last) {
    std::vector<std::string> names = common;
    names.push_back(last);
    return names;
  };

  for (int pass = 0; pass < 2; ++pass) {  // scanned, then recalled from each one's memo
    const Models on_target = read_models(target);
    ASSERT_TRUE(on_target.diagnostics.empty()) << format_diagnostic(on_target.diagnostics[0]);
    EXPECT_EQ(column_names(on_target), with("board"));
    EXPECT_EQ(on_target.recalled, pass == 1);
    const Models on_build_machine = read_models(native);
    ASSERT_TRUE(on_build_machine.diagnostics.empty());
    EXPECT_EQ(column_names(on_build_machine), with("build_machine"));
    EXPECT_EQ(on_build_machine.recalled, pass == 1);
  }
  EXPECT_NE(ScanMemo(native).path(), ScanMemo(target).path());
  std::size_t pchs = 0;
  for (const auto& f : fs::directory_iterator(tmp.path() / "pch")) {
    pchs += f.path().extension() == ".pch";
  }
  EXPECT_EQ(pchs, 2u);  // the standard headers, once per target
}

}  // namespace
}  // namespace retort
