// Test-only pause points and busy marker (test_pause.hpp): files in RETORT_TEST_PAUSE's directory.
#include "test_pause.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace retort::detail {
namespace {

namespace fs = std::filesystem;

// Read once: the checks on the migration path cost a test of a pointer after the first.
const char* pause_dir() {
  static const char* const dir = std::getenv("RETORT_TEST_PAUSE");
  return dir;
}

void create(const fs::path& file) { std::ofstream(file) << "here\n"; }

// `context` carries the timeout in milliseconds.
int on_busy(void* context, int count) {
  constexpr int kStepMs = 5;
  if (count == 0) create(fs::path(pause_dir()) / "busy");
  if (count * kStepMs >= static_cast<int>(reinterpret_cast<std::intptr_t>(context))) return 0;
  sqlite3_sleep(kStepMs);
  return 1;
}

}  // namespace

void test_pause(const std::string& point) {
  if (!pause_dir()) return;
  const fs::path wait = fs::path(pause_dir()) / (point + ".wait");
  std::error_code ec;
  if (!fs::exists(wait, ec)) return;
  create(fs::path(pause_dir()) / (point + ".here"));
  while (fs::exists(wait, ec)) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void test_observe_busy(sqlite3* db, int timeout_ms) {
  if (!pause_dir()) return;
  sqlite3_busy_handler(db, &on_busy,
                       reinterpret_cast<void*>(static_cast<std::intptr_t>(timeout_ms)));
}

}  // namespace retort::detail
