// The start-up bound under load, built out of locks rather than CPU: while a long reader holds
// ACCESS SHARE on a table for a known time and clients insert, select and update by key,
// upgrade() applies a revision written in the live-service forms (bench/load.py measures the
// same on 1,000,000 rows beside Alembic). Each statement that would queue behind the reader gives
// up at lock_timeout and is retried, so no client statement waits much longer than
// lock_timeout, none fails, and the revision is applied once the reader has gone.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pg_support.hpp"
#include "retort/detail/pg.hpp"
#include "retort/postgresql.hpp"

namespace retort {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using testing::PgDatabase;

constexpr int kRows = 100'000;
constexpr int kClients = 6;
constexpr milliseconds kReaderHolds{4000};
constexpr milliseconds kLockTimeout{300};
// Room for a statement that queued just before the migration's request gave up, on a loaded
// 2-core machine; far below kReaderHolds, which is what a statement waits without the bound.
constexpr milliseconds kMargin{1000};

using testing::pg_revision;

std::vector<Revision> revisions() {
  return {
      pg_revision("0001", "",
                  "CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance INTEGER NOT NULL, "
                  "note TEXT);\nINSERT INTO accounts SELECT g, g % 1000, 'n' || g FROM "
                  "generate_series(1, " +
                      std::to_string(kRows) + ") g;",
                  "DROP TABLE accounts;"),
      // As the generator writes them on a table that holds rows (docs/live-changes.md): each
      // ALTER takes ACCESS EXCLUSIVE, so each queues behind the reader.
      pg_revision("0002", "0001",
                  "ALTER TABLE accounts ADD COLUMN visits INTEGER NOT NULL DEFAULT 0;\n"
                  "ALTER TABLE accounts ADD CONSTRAINT ck_accounts_1 CHECK (balance >= 0) NOT "
                  "VALID;\n-- +retort commit\n"
                  "ALTER TABLE accounts VALIDATE CONSTRAINT ck_accounts_1;",
                  "ALTER TABLE accounts DROP CONSTRAINT ck_accounts_1;\n"
                  "ALTER TABLE accounts DROP COLUMN visits;"),
  };
}

// What one client saw: the longest statement, how many ran, and the errors.
struct ClientFigures {
  milliseconds longest{0};
  std::string longest_statement;
  int statements = 0;
  std::vector<std::string> errors;
};

// Inserts, point selects and updates by key on its own connection until `stop`.
ClientFigures run_client(const PgDatabase& db, int client, const std::atomic<bool>& stop) {
  ClientFigures f;
  const detail::pg::Conn conn = db.connect();
  const char* statements[] = {
      "INSERT INTO accounts (id, balance, note) VALUES ($1, 1, 'load')",
      "SELECT id, balance, note FROM accounts WHERE id = $1",
      "UPDATE accounts SET balance = balance + 1 WHERE id = $1",
  };
  for (long n = 0; !stop; ++n) {
    const std::string key = std::to_string(n % 3 == 0 ? kRows + 1 + client * 1'000'000L + n
                                                      : 1 + (n * 7919 + client * 104'729) % kRows);
    const char* params[] = {key.c_str()};
    const Clock::time_point start = Clock::now();
    PGresult* result =
        PQexecParams(conn.get(), statements[n % 3], 1, nullptr, params, nullptr, nullptr, 0);
    const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      f.errors.push_back(PQresultErrorMessage(result));
    }
    PQclear(result);
    ++f.statements;
    if (took > f.longest) {
      f.longest = took;
      f.longest_statement = statements[n % 3];
    }
  }
  return f;
}

TEST(PostgresqlLoadTest, ClientsWaitAtMostAboutLockTimeoutWhileALongReaderHoldsTheTable) {
  PgDatabase db;
  const detail::pg::Conn conn = db.connect();
  ASSERT_EQ(upgrade(conn.get(), revisions(), "0001"), std::vector<std::string>{"0001"});

  std::atomic<bool> stop{false};
  std::vector<ClientFigures> figures(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] { figures[i] = run_client(db, i, stop); });
  }
  // The long reader: a transaction that read the table and holds ACCESS SHARE on it.
  const detail::pg::Conn reader = db.connect();
  detail::pg::exec(reader.get(), "BEGIN; SELECT count(*) FROM accounts WHERE id = 1");
  Clock::time_point reader_gone;
  std::thread release([&] {
    std::this_thread::sleep_for(kReaderHolds);
    detail::pg::exec(reader.get(), "COMMIT");
    reader_gone = Clock::now();
  });

  PostgresqlOptions options;
  options.lock_timeout = kLockTimeout;
  options.tries = 10;  // the pauses (100 ms doubling) outlast the reader by the 6th try
  options.first_pause = milliseconds(100);
  int tries = 0;  // of the first ALTER, which queues behind the reader
  std::vector<std::string> applied;
  std::string failure;
  try {
    applied = upgrade(
        conn.get(), revisions(), "head",
        [&](const Progress& p) {
          const bool first = p.statement.rfind("ALTER TABLE accounts ADD COLUMN", 0) == 0;
          tries += p.event == Progress::Event::kStatement && first ? 1 : 0;
        },
        options);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  const Clock::time_point migrated = Clock::now();
  release.join();
  std::this_thread::sleep_for(milliseconds(200));
  stop = true;
  for (std::thread& t : clients) t.join();

  milliseconds longest{0};
  for (const ClientFigures& f : figures) longest = std::max(longest, f.longest);
  std::printf("longest client wait %lld ms; the first ALTER tried %d times\n",
              static_cast<long long>(longest.count()), tries);
  EXPECT_EQ(failure, "");
  EXPECT_EQ(applied, std::vector<std::string>{"0002"});
  EXPECT_EQ(current(conn.get()), "0002");
  // It did wait for the reader: it gave up at least once and finished only after the reader.
  EXPECT_GE(tries, 2);
  EXPECT_GT(migrated, reader_gone);
  for (int i = 0; i < kClients; ++i) {
    const ClientFigures& f = figures[i];
    EXPECT_TRUE(f.errors.empty()) << "client " << i << ": " << f.errors.size()
                                  << " errors, the first: " << f.errors.front();
    EXPECT_LE(f.longest, kLockTimeout + kMargin)
        << "client " << i << " waited " << f.longest.count() << " ms in `" << f.longest_statement
        << "`: the migration's lock request queued behind the reader longer than lock_timeout";
    // The clients went on while the reader held the table (about 10 ms a statement would do).
    EXPECT_GT(f.statements, 10) << "client " << i;
  }
}

}  // namespace
}  // namespace retort
