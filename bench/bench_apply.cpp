// The application's start-up path, as a process: `bench_apply DIR DB [TARGET]` reads the
// revision files of DIR/versions (as add_migrations() embeds them) and upgrades DB with the
// runtime alone: no libclang loaded, unlike the retort CLI.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "retort/runtime.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_apply DIR DB [TARGET]\n";
    return 2;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(argv[1]) / "versions")) {
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
  for (std::size_t i = 0; i < files.size(); ++i)
    sources.push_back({names[i].c_str(), texts[i].c_str()});
  try {
    const auto applied =
        retort::upgrade(std::filesystem::path(argv[2]), retort::load_revisions(sources),
                        argc > 3 ? argv[3] : "head");
    std::cout << applied.size() << " applied\n";
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
