// The revisions of a repository directory, read as an application embeds them: the benchmarks'
// one reader of `DIR/versions/*.sql`.
#ifndef RETORT_BENCH_REVISIONS_HPP
#define RETORT_BENCH_REVISIONS_HPP

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "retort/revision.hpp"

inline std::vector<retort::Revision> revisions_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir / "versions")) {
    if (e.path().extension() == ".sql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> names, texts;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    names.push_back(f.filename().string());
    texts.push_back(text.str());
  }
  std::vector<retort::RevisionSource> sources;
  for (std::size_t i = 0; i < files.size(); ++i) {
    sources.push_back({names[i].c_str(), texts[i].c_str()});
  }
  return retort::load_revisions(sources);
}

#endif  // RETORT_BENCH_REVISIONS_HPP
