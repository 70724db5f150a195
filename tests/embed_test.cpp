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

}  // namespace
}  // namespace retort
