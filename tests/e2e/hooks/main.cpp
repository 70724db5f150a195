// The app: `app DB` upgrades DB to the newest revision, `app DB down` goes one revision back;
// both report what they did, and the hooks' progress on stderr.
#include <cstring>
#include <iostream>
#include <retort/runtime.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::filesystem::path db = argv[1];
  const bool down = argc > 2 && std::strcmp(argv[2], "down") == 0;
  std::int64_t last_hook_report = -1;
  const auto progress = [&last_hook_report](const retort::Progress& p) {
    if (p.event == retort::Progress::Event::kHookRows) last_hook_report = p.rows_done;
  };
  try {
    const std::vector<std::string> ids =
        down ? retort::downgrade(db, "-1", progress) : retort::upgrade(db, "head", progress);
    for (const std::string& id : ids) std::cout << (down ? "reverted " : "applied ") << id << "\n";
    if (last_hook_report >= 0) std::cout << "hook reported " << last_hook_report << " rows\n";
    std::cout << "current " << retort::current(db).value_or("base") << "\n";
  } catch (const retort::MigrationError& e) {
    std::cerr << "revision " << e.revision() << ", " << e.statement() << ": " << e.what() << "\n";
    return 1;
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
