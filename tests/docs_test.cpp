// The C++ the documentation shows as whole files compiles as given: each ```cpp block after a
// line `<!-- compiled: tests/docs_test.cpp -->` in README.md and docs/*.md.
#include <gtest/gtest.h>

#include <sstream>

#include "test_support.hpp"

namespace retort {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = fs::path(RETORT_TEST_DIR).parent_path();

// The marked blocks of `doc`, each with the line it starts at.
std::vector<std::pair<int, std::string>> compiled_blocks(const fs::path& doc) {
  std::vector<std::pair<int, std::string>> out;
  std::istringstream in(testing::read_text(doc));
  bool marked = false;
  bool inside = false;
  int line_no = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    if (inside) {
      if (line == "```") {
        inside = false;
      } else {
        out.back().second += line + "\n";
      }
    } else if (line == "<!-- compiled: tests/docs_test.cpp -->") {
      marked = true;
    } else if (marked && line == "```cpp") {
      out.push_back({line_no + 1, ""});
      inside = true;
      marked = false;
    }
  }
  return out;
}

TEST(DocsTest, TheWholeFilesTheDocsShowCompile) {
  testing::TempDir tmp;
  std::size_t compiled = 0;
  std::vector<fs::path> docs = {kSource / "README.md"};
  for (const auto& e : fs::directory_iterator(kSource / "docs")) {
    if (e.path().extension() == ".md") docs.push_back(e.path());
  }
  for (const fs::path& doc : docs) {
    for (const auto& [line, code] : compiled_blocks(doc)) {
      const fs::path file = tmp.path() / ("block" + std::to_string(++compiled) + ".cpp");
      testing::write_text(file, code);
      const auto built =
          testing::run("c++ -std=c++17 -fsyntax-only -Wall -Wextra -I" +
                       (kSource / "runtime" / "include").string() + " -I" +
                       (kSource / "annotations" / "include").string() + " " + file.string());
      EXPECT_EQ(built.exit_code, 0) << doc.string() << ":" << line << ":\n" << built.output;
    }
  }
  EXPECT_GE(compiled, 2u);  // README's main() and data-migrations.md's hook at least
}

}  // namespace
}  // namespace retort
