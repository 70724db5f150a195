// Test-only: points where the runtime waits for a process test, so that a race or a SIGKILL
// lands where the test says (tests/process_test.cpp). Off unless RETORT_TEST_PAUSE is set.
#ifndef RETORT_RUNTIME_TEST_PAUSE_HPP
#define RETORT_RUNTIME_TEST_PAUSE_HPP

#include <string>

struct sqlite3;

namespace retort::detail {

/// Test-only. When the environment's RETORT_TEST_PAUSE names a directory holding the file
/// `<point>.wait`, creates `<point>.here` beside it and returns once the test removed
/// `<point>.wait`; nothing otherwise (the variable is read once per process). The points:
/// "planned" (the steps planned from one read, before the first transaction), "locked" (a
/// step's transaction begun and the steps planned again inside it), "ran-<revision>" (the
/// step's section run, before it is recorded and committed).
void test_pause(const std::string& point);

/// Test-only. With RETORT_TEST_PAUSE set, replaces `db`'s busy timeout with a handler that
/// waits as long (`timeout_ms`) and creates `<dir>/busy` the first time the connection waits
/// for another's lock; nothing otherwise.
void test_observe_busy(sqlite3* db, int timeout_ms);

}  // namespace retort::detail

#endif  // RETORT_RUNTIME_TEST_PAUSE_HPP
