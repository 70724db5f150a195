// The build step's depfile: its text, and the reset of Make's dependency cache.
#include "depfile.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

TEST(DepfileTest, NamesTheStampAndEveryFileEscapedForMake) {
  EXPECT_EQ(render_depfile("/b/scan.stamp", {"/src/a b.hpp", "/src/c#1.hpp", "/src/$x.hpp"}),
            "/b/scan.stamp: \\\n  /src/a\\ b.hpp \\\n  /src/c\\#1.hpp \\\n  /src/$$x.hpp\n");
}

TEST(DepfileTest, MakesCacheIsRemovedOnlyWhenTheDepfileChanges) {
  testing::TempDir tmp;
  const fs::path depfile = tmp.path() / "scan.d";
  const fs::path cache = tmp.path() / "compiler_depend.internal";
  testing::write_text(cache, "stale list");
  EXPECT_TRUE(write_depfile(depfile, "a: b\n", cache));
  EXPECT_FALSE(fs::exists(cache));

  testing::write_text(cache, "list CMake rebuilt from the depfile");
  EXPECT_FALSE(write_depfile(depfile, "a: b\n", cache));  // unchanged: the cache is kept
  EXPECT_TRUE(fs::exists(cache));

  EXPECT_TRUE(write_depfile(depfile, "a: c\n", ""));  // Ninja: no cache to reset
  EXPECT_TRUE(fs::exists(cache));
}

}  // namespace
}  // namespace retort
