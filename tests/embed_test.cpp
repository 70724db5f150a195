// The C++ source that embeds a repository's revision files.
#include "embed.hpp"

#include <gtest/gtest.h>

#include "repository_support.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using testing::parent_child;
using testing::seal;
using testing::TempDir;

TEST(EmbedTest, CarriesEveryRevisionVerbatim) {
  TempDir tmp;
  init_repository(tmp.path());
  seal(tmp.path(), parent_child(), "first \"quoted\" ?? message");
  const std::string source = render_embed_source(load_repository(tmp.path()));
  EXPECT_NE(source.find("{\"0001_first_quoted_message.sql\","), std::string::npos);
  EXPECT_NE(source.find("retort::embedded_revisions()"), std::string::npos);
  EXPECT_NE(source.find("\\\"quoted\\\" \\?\\? message"), std::string::npos);
}

TEST(EmbedTest, DeclaresAndBindsEveryHookTheRevisionsName) {
  TempDir tmp;
  init_repository(tmp.path());
  seal(tmp.path(), parent_child(), "first");
  const auto file = tmp.path() / "versions" / "0001_first.sql";
  std::string text = testing::read_text(file);
  text.replace(text.find("-- +retort Down\n"), 16,
               "-- +retort hook: fill_names\n\n-- +retort Down\n-- +retort hook: fill_names\n"
               "-- +retort hook: clear_names\n");
  testing::write_text(file, text);
  const std::string source = render_embed_source(load_repository(tmp.path()));
  // Each hook once: declared, so that the program must define it, and bound by name.
  const std::string declared = "void fill_names(::sqlite3* db, ::retort::HookProgress& progress);";
  ASSERT_NE(source.find(declared), std::string::npos) << source;
  EXPECT_EQ(source.find(declared, source.find(declared) + 1), std::string::npos);
  EXPECT_NE(source.find("{\"fill_names\", &retort::hooks::fill_names},\n"
                        "      {\"clear_names\", &retort::hooks::clear_names},"),
            std::string::npos)
      << source;
}

}  // namespace
}  // namespace retort
