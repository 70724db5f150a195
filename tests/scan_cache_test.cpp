// The scan's memo: recalled only while every file the scan read is unchanged, keyed on the
// request, never written from a doubtful scan.
#include "scan_cache.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "pipeline.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_text;

// A model that includes a project header, which includes a standard one: the shape of a real
// project (the project header is a dependency the memo must watch).
const std::string kTypes = "#pragma once\n#include <string>\nusing Name = std::string;\n";
const std::string kModel =
    "#pragma once\n#include <cstdint>\n#include <retort/annotations.hpp>\n#include \"types.hpp\"\n"
    "struct RETORT_TABLE(\"users\") User {\n  RETORT_PRIMARY_KEY std::int64_t id;\n  Name "
    "name;\n};\n";

// An hour old: older than the two seconds within which a file is not trusted to be settled.
void age(const fs::path& file) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::hours(1));
}

class ScanMemoTest : public ::testing::Test {
 protected:
  ScanMemoTest() {
    write_text(types(), kTypes);
    write_text(model(), kModel);
    age(types());
    age(model());
  }
  fs::path types() const { return tmp_.path() / "models" / "types.hpp"; }
  fs::path model() const { return tmp_.path() / "models" / "user.hpp"; }
  ScanRequest request(std::vector<std::string> args = {}) const {
    args.push_back("-I" RETORT_ANNOTATIONS_DIR);
    return {{model().string()}, args, (tmp_.path() / "cache").string()};
  }
  // Scans and remembers, as the build step does on a miss.
  ScanResult scan_once(const ScanRequest& r) const {
    const ScanMemo memo(r);
    ScanResult scanned = scan(r);
    EXPECT_TRUE(scanned.diagnostics.empty()) << format_diagnostic(scanned.diagnostics.at(0));
    memo.remember(scanned);
    return scanned;
  }
  bool recalled(const ScanRequest& r) const { return ScanMemo(r).recall().has_value(); }

  TempDir tmp_;
};

TEST_F(ScanMemoTest, RecallsTheScanUntilAFileItReadChanges) {
  EXPECT_FALSE(recalled(request()));
  const ScanResult scanned = scan_once(request());
  ASSERT_TRUE(fs::exists(ScanMemo(request()).path()));
  const std::optional<ScanResult> again = ScanMemo(request()).recall();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->models, scanned.models);
  EXPECT_EQ(again->dependencies, scanned.dependencies);
  EXPECT_TRUE(again->diagnostics.empty());

  // Touched, same content (a checkout back and forth): still recalled.
  fs::last_write_time(types(), fs::file_time_type::clock::now());
  EXPECT_TRUE(recalled(request()));
  // The project header changed, at the same size and then at another.
  write_text(types(), "#pragma once\n#include <string>\nusing Nome = std::string;\n");
  EXPECT_FALSE(recalled(request()));
  write_text(types(), kTypes + "// more\n");
  EXPECT_FALSE(recalled(request()));
  write_text(types(), kTypes);  // back as it was
  EXPECT_TRUE(recalled(request()));
  // The model changed; then a header it read is gone.
  write_text(model(), kModel + "\n");
  EXPECT_FALSE(recalled(request()));
  write_text(model(), kModel);
  EXPECT_TRUE(recalled(request()));
  fs::remove(types());
  EXPECT_FALSE(recalled(request()));
}

TEST_F(ScanMemoTest, KeyedOnTheRequest) {
  scan_once(request());
  EXPECT_TRUE(recalled(request()));
  EXPECT_FALSE(recalled(request({"-DRETORT_OTHER=1"})));  // a define can change the models
  ScanRequest two_files = request();
  two_files.model_files.push_back(types().string());
  EXPECT_FALSE(recalled(two_files));
  ScanRequest no_cache = request();
  no_cache.pch_dir.clear();
  EXPECT_TRUE(ScanMemo(no_cache).path().empty());
  EXPECT_FALSE(ScanMemo(no_cache).recall());
}

TEST_F(ScanMemoTest, NotRememberedFromADoubtfulScan) {
  // A header written a moment ago may change again within its time stamp's tick.
  write_text(types(), kTypes);
  scan_once(request());
  EXPECT_FALSE(fs::exists(ScanMemo(request()).path()));
  EXPECT_FALSE(recalled(request()));
  age(types());
  // A scan with diagnostics is made again each time, so that they are reported each time.
  ScanResult with_error = scan(request());
  with_error.diagnostics.push_back({Severity::kError, {model().string(), 7, 3}, "bad"});
  ScanMemo(request()).remember(with_error);
  EXPECT_FALSE(recalled(request()));
}

TEST_F(ScanMemoTest, AMalformedMemoIsAMissAndIsReplaced) {
  scan_once(request());
  const fs::path memo = ScanMemo(request()).path();
  write_text(memo, "{ not json");
  EXPECT_FALSE(recalled(request()));
  write_text(memo, R"({"format": 1, "files": [], "dependencies": [], "models": [{"name": 3}]})");
  EXPECT_FALSE(recalled(request()));
  const Models models = read_models(request());  // scans and writes it afresh
  EXPECT_FALSE(models.recalled);
  EXPECT_TRUE(recalled(request()));
}

// The build step from the memo gives what it gives from a scan, and scans again once a header
// the models include has changed.
TEST_F(ScanMemoTest, TheBuildStepRecallsAndStillSeesAChangedHeader) {
  GenerateRequest step;
  step.scan = request();
  step.dir = tmp_.path() / "migrations";
  const Generated first = generate(step);
  ASSERT_FALSE(first.error) << *first.error;
  EXPECT_FALSE(first.models.recalled);
  ASSERT_TRUE(first.draft.revision);
  const Generated second = generate(step);
  ASSERT_FALSE(second.error) << *second.error;
  EXPECT_TRUE(second.models.recalled);
  EXPECT_EQ(second.models.schema, first.models.schema);
  EXPECT_EQ(second.models.dependencies, first.models.dependencies);
  EXPECT_EQ(second.written, DraftWrite::kUnchanged);

  write_text(types(), "#pragma once\n#include <string>\nusing Name = double;\n");
  age(types());
  const Generated third = generate(step);
  ASSERT_FALSE(third.error) << *third.error;
  EXPECT_FALSE(third.models.recalled);
  EXPECT_EQ(third.models.schema.find_table("users")->find_column("name")->type, "REAL");
  EXPECT_EQ(third.written, DraftWrite::kWritten);
  EXPECT_TRUE(generate(step).models.recalled);
}

// Every part of the key changes it: two of them (the model files and the arguments) are shown
// by KeyedOnTheRequest; these are the other five.
TEST(ScanMemoKeyTest, EachPartChangesTheKey) {
  const ScanMemoKey key = ScanMemoKey::of({"/p/models/user.hpp"}, {"-I/p/include"});
  EXPECT_EQ(key.retort_version, RETORT_VERSION);
  EXPECT_GT(key.format, 0);
  EXPECT_FALSE(key.libclang.empty());
  EXPECT_EQ(key.include_env.size(), 3u);
  std::vector<ScanMemoKey> changed(5, key);
  changed[0].retort_version += ".1";
  ++changed[1].format;
  changed[2].libclang += "0";  // another libclang, or the same file rebuilt
  changed[3].working_directory += "/sub";
  changed[4].include_env[1] = "/opt/include";
  for (std::size_t i = 0; i < changed.size(); ++i) {
    EXPECT_NE(changed[i].hash(), key.hash()) << "part " << i;
  }
  EXPECT_EQ(ScanMemoKey(key).hash(), key.hash());
}

// libclang's part: its file, its size and its time, so that an upgraded libclang is a miss.
TEST(ScanMemoKeyTest, LibclangIsItsFileSizeAndTime) {
  const std::string libclang = ScanMemoKey::of({}, {}).libclang;
  const auto space = libclang.find(' ');
  ASSERT_NE(space, std::string::npos) << libclang;
  const fs::path file = libclang.substr(0, space);
  ASSERT_TRUE(fs::exists(file)) << libclang;
  EXPECT_EQ(libclang.substr(space + 1, libclang.find(' ', space + 1) - space - 1),
            std::to_string(fs::file_size(file)));
}

// The working directory and the include paths of the environment, as the build step meets
// them: a relative -I means another directory from elsewhere, CPATH adds headers.
TEST_F(ScanMemoTest, KeyedOnTheWorkingDirectoryAndTheEnvironment) {
  scan_once(request());
  ASSERT_TRUE(recalled(request()));
  const fs::path before = fs::current_path();
  fs::current_path(tmp_.path());
  const bool recalled_elsewhere = recalled(request());
  fs::current_path(before);
  EXPECT_FALSE(recalled_elsewhere);
  EXPECT_TRUE(recalled(request()));
  for (const char* name : {"CPATH", "CPLUS_INCLUDE_PATH", "C_INCLUDE_PATH"}) {
    const char* was = std::getenv(name);
    const std::string saved = was ? was : "";
    setenv(name, (tmp_.path() / "include").c_str(), 1);
    const bool recalled_with = recalled(request());
    if (was) {
      setenv(name, saved.c_str(), 1);
    } else {
      unsetenv(name);
    }
    EXPECT_FALSE(recalled_with) << name;
  }
  EXPECT_TRUE(recalled(request()));
}

}  // namespace
}  // namespace retort
