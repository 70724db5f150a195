// Reads every SQLite row once before anything is written: bad values, orphans, checksums.
#include "transfer_scan.hpp"

#include <libpq-fe.h>

#include <map>
#include <optional>

#include "retort/detail/pg.hpp"
#include "transfer_source.hpp"

namespace retort::detail::transfer {
namespace {

constexpr std::size_t kBatch = 1000;
constexpr std::int64_t kTickRows = 8192;

// A row waiting for the server to read the values of its kOther columns.
struct Pending {
  std::string key;
  std::vector<std::optional<std::string>> canonical;  ///< by column; std::nullopt for NULL
  std::map<std::size_t, std::string> shown;           ///< kOther columns: the value as shown
  bool bad = false;
};

// `texts` as a PostgreSQL array literal of text.
std::string array_literal(const std::vector<std::string>& texts) {
  std::string out = "{";
  for (const std::string& t : texts) {
    out += out.size() > 1 ? ",\"" : "\"";
    for (const char c : t) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// One value read as `type` under a savepoint: its text, or why the server refuses it.
std::pair<bool, std::string> read_one(PGconn* conn, const std::string& type,
                                      const std::string& text) {
  pg::exec(conn, "SAVEPOINT retort_transfer_value");
  std::pair<bool, std::string> out;
  try {
    const pg::Result r = pg::exec(conn, "SELECT ($1::" + type + ")::text", {text});
    out = {true, pg::value(r.get(), 0, 0)};
  } catch (const pg::Failure& f) {
    pg::exec(conn, "ROLLBACK TO SAVEPOINT retort_transfer_value");
    out = {false, "PostgreSQL cannot read it as " + type + ": " + f.what()};
  }
  pg::exec(conn, "RELEASE SAVEPOINT retort_transfer_value");
  return out;
}

// Each of `texts` read as `type` by the server: {true, its text} or {false, why not}. One
// statement for the batch; value by value when that fails.
std::vector<std::pair<bool, std::string>> read_as(PGconn* conn, const std::string& type,
                                                  const std::vector<std::string>& texts) {
  std::vector<std::pair<bool, std::string>> out;
  pg::exec(conn, "SAVEPOINT retort_transfer_batch");
  try {
    const pg::Result r = pg::exec(conn,
                                  "SELECT (u.v::" + type +
                                      ")::text FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) "
                                      "ORDER BY u.n",
                                  {array_literal(texts)});
    for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(true, pg::value(r.get(), i, 0));
    pg::exec(conn, "RELEASE SAVEPOINT retort_transfer_batch");
    return out;
  } catch (const pg::Failure&) {
    pg::exec(conn, "ROLLBACK TO SAVEPOINT retort_transfer_batch");
    pg::exec(conn, "RELEASE SAVEPOINT retort_transfer_batch");
  }
  for (const std::string& t : texts) out.push_back(read_one(conn, type, t));
  return out;
}

class TableScan {
 public:
  TableScan(PGconn* conn, const TablePlan& table, std::vector<BadValue>& bad)
      : conn_(conn), table_(table), bad_(bad), direct_(!table.reads_other()) {}

  void row(const SourceRows& rows) {
    if (direct_) {
      direct(rows);
      return;
    }
    Pending p;
    p.canonical.resize(table_.columns.size());
    for (std::size_t i = 0; i < table_.columns.size(); ++i) {
      const TargetColumn& c = table_.columns[i];
      const SourceValue v = rows.value(i);
      if (const std::string why = problem(c, v); !why.empty()) {
        if (p.key.empty()) p.key = rows.key();
        bad_.push_back({table_.name, p.key, c.name, printable(v), why});
        p.bad = true;
      } else if (v.storage != SourceValue::Storage::kNull) {
        p.canonical[i] = c.kind == Kind::kOther ? text_of(v) : canonical(c.kind, v);
        if (c.kind == Kind::kOther) p.shown[i] = printable(v);
      }
    }
    if (p.bad || !p.shown.empty()) {
      if (p.key.empty()) p.key = rows.key();
    }
    if (p.shown.empty()) {
      finish(p);
      return;
    }
    pending_.push_back(std::move(p));
    if (pending_.size() >= kBatch) flush();
  }

  // Has the server read the pending rows' kOther values, then finishes them.
  void flush() {
    for (std::size_t i = 0; i < table_.columns.size(); ++i) {
      if (table_.columns[i].kind != Kind::kOther) continue;
      std::map<std::string, std::pair<bool, std::string>> read;
      for (const Pending& p : pending_) {
        if (p.canonical[i]) read.emplace(*p.canonical[i], std::pair<bool, std::string>{});
      }
      if (read.empty()) continue;
      std::vector<std::string> texts;
      for (const auto& [text, result] : read) texts.push_back(text);
      const auto results = read_as(conn_, table_.columns[i].type, texts);
      for (std::size_t k = 0; k < texts.size(); ++k) read[texts[k]] = results[k];
      for (Pending& p : pending_) {
        if (!p.canonical[i]) continue;
        const auto& [ok, text] = read[*p.canonical[i]];
        if (ok) {
          p.canonical[i] = text;
        } else {
          bad_.push_back({table_.name, p.key, table_.columns[i].name, p.shown[i], text});
          p.bad = true;
        }
      }
    }
    for (const Pending& p : pending_) finish(p);
    pending_.clear();
  }

  Scanned result() { return std::move(scanned_); }

 private:
  // A row of a table without kOther columns: checked and hashed at once, nothing kept.
  void direct(const SourceRows& rows) {
    std::string key;
    for (std::size_t i = 0; i < table_.columns.size(); ++i) {
      const SourceValue v = rows.value(i);
      if (const std::string why = problem(table_.columns[i], v); !why.empty()) {
        if (key.empty()) key = rows.key();
        bad_.push_back({table_.name, key, table_.columns[i].name, printable(v), why});
      }
    }
    RowHash hash;
    for (const std::size_t i : table_.by_name) {
      const SourceValue v = rows.value(i);
      const Kind kind = table_.columns[i].kind;
      if (v.storage == SourceValue::Storage::kNull) {
        hash.null();
      } else if (kind == Kind::kText && v.storage == SourceValue::Storage::kText) {
        hash.value(v.bytes);  // its canonical text, without a copy
      } else {
        hash.value(canonical(kind, v));
      }
    }
    scanned_.checksum.add(hash.value());
    if (!key.empty()) scanned_.bad_rows.insert(key);
  }

  void finish(const Pending& p) {
    RowHash hash;
    for (const std::size_t i : table_.by_name) {
      if (p.canonical[i]) {
        hash.value(*p.canonical[i]);
      } else {
        hash.null();
      }
    }
    scanned_.checksum.add(hash.value());
    if (p.bad) scanned_.bad_rows.insert(p.key);
  }

  PGconn* conn_;
  const TablePlan& table_;
  std::vector<BadValue>& bad_;
  const bool direct_;
  std::vector<Pending> pending_;
  Scanned scanned_;
};

struct ForeignKey {
  std::string parent;
  std::vector<std::string> columns, parent_columns;
};

std::map<int, ForeignKey> foreign_keys(sqlite3* db, const std::string& table) {
  std::map<int, ForeignKey> out;
  query_rows(db,
             "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(" +
                 sql_literal(table) + ") ORDER BY id, seq",
             [&out](const std::vector<std::string>& r) {
               ForeignKey& fk = out[std::stoi(r[0])];
               fk.parent = r[1];
               fk.columns.push_back(r[2]);
               if (r[3] != "NULL") fk.parent_columns.push_back(r[3]);
             });
  for (auto& [id, fk] : out) {
    if (!fk.parent_columns.empty()) continue;
    // REFERENCES parent without columns: the parent's primary key.
    query_rows(db,
               "SELECT name FROM pragma_table_xinfo(" + sql_literal(fk.parent) +
                   ") WHERE pk > 0 ORDER BY pk",
               [&fk](const std::vector<std::string>& r) { fk.parent_columns.push_back(r[0]); });
  }
  return out;
}

}  // namespace

Scanned scan_table(sqlite3* from, PGconn* to, const TablePlan& table, std::vector<BadValue>& bad,
                   const RowTick& tick) {
  TableScan scan(to, table, bad);
  SourceRows rows(from, table);
  if (tick) tick(0);
  while (rows.next()) {
    scan.row(rows);
    if (tick && rows.count() % kTickRows == 0) tick(rows.count());
  }
  scan.flush();
  if (tick) tick(rows.count());
  return scan.result();
}

void scan_orphans(sqlite3* from, const TablePlan& table, std::vector<BadValue>& bad,
                  std::set<std::string>& bad_rows) {
  for (const auto& [id, fk] : foreign_keys(from, table.name)) {
    bool parent_exists = false;
    query_rows(from,
               "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = " +
                   sql_literal(fk.parent) + " COLLATE NOCASE",
               [&parent_exists](const std::vector<std::string>&) { parent_exists = true; });
    if (!parent_exists || fk.parent_columns.size() != fk.columns.size()) continue;
    std::vector<std::string> extra;
    std::string present, match;
    for (std::size_t i = 0; i < fk.columns.size(); ++i) {
      extra.push_back("c." + quoted(fk.columns[i]));
      present += "c." + quoted(fk.columns[i]) + " IS NOT NULL AND ";
      match +=
          (i ? " AND p." : "p.") + quoted(fk.parent_columns[i]) + " = c." + quoted(fk.columns[i]);
    }
    SourceRows rows(
        from, table, extra,
        present + "NOT EXISTS (SELECT 1 FROM " + quoted(fk.parent) + " AS p WHERE " + match + ")");
    std::string columns, parent_columns;
    for (std::size_t i = 0; i < fk.columns.size(); ++i) {
      columns += (i ? ", " : "") + fk.columns[i];
      parent_columns += (i ? ", " : "") + fk.parent_columns[i];
    }
    while (rows.next()) {
      std::string values;
      for (std::size_t i = 0; i < fk.columns.size(); ++i) {
        values += (i ? ", " : "") + printable(rows.value(table.columns.size() + i));
      }
      const std::string key = rows.key();
      bad.push_back({table.name, key, columns, values,
                     "no row of '" + fk.parent + "' has it in '" + parent_columns +
                         "' (a foreign key SQLite did not enforce)"});
      bad_rows.insert(key);
    }
  }
}

}  // namespace retort::detail::transfer
