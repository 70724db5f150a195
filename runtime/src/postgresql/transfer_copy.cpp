// COPY FROM STDIN of SQLite's rows, and COPY TO STDOUT of PostgreSQL's for their checksum.
#include "transfer_copy.hpp"

#include <libpq-fe.h>

#include "retort/detail/pg.hpp"
#include "transfer_source.hpp"

namespace retort::detail::transfer {
namespace {

constexpr std::size_t kChunk = 1 << 20;
constexpr std::int64_t kTickRows = 8192;

std::string column_list(const TablePlan& table, bool cast_other) {
  std::string out;
  for (const TargetColumn& c : table.columns) {
    out += (out.empty() ? "" : ", ") + quoted(c.name);
    if (cast_other && c.kind == Kind::kOther) out += "::text";
  }
  return out;
}

// The result of a COPY once its data is done; throws the server's message.
void finish_copy(PGconn* conn, const std::string& what) {
  std::string failure;
  while (PGresult* raw = PQgetResult(conn)) {
    const pg::Result result(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && failure.empty()) {
      failure = PQresultErrorMessage(raw);
    }
  }
  while (!failure.empty() && (failure.back() == '\n' || failure.back() == ' ')) failure.pop_back();
  if (!failure.empty()) throw Error(what + " failed: " + failure);
}

// A COPY FROM STDIN in progress: ended with an error unless finished, so that a failure (or a
// progress callback that throws) leaves the connection usable for the ROLLBACK.
class CopyIn {
 public:
  CopyIn(PGconn* conn, std::string what) : conn_(conn), what_(std::move(what)) {
    const pg::Result r(PQexec(conn, ("COPY " + what_ + " FROM STDIN").c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) {
      throw Error("COPY " + what_ + " failed: " + PQresultErrorMessage(r.get()));
    }
    open_ = true;
  }
  ~CopyIn() {
    if (!open_) return;
    PQputCopyEnd(conn_, "the transfer stopped");
    while (PGresult* raw = PQgetResult(conn_)) PQclear(raw);
  }
  void send(std::string& buffer) {
    if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
      throw Error("COPY " + what_ + " failed: " + PQerrorMessage(conn_));
    }
    buffer.clear();
  }
  void finish() {
    open_ = false;
    if (PQputCopyEnd(conn_, nullptr) != 1) {
      throw Error("COPY " + what_ + " failed: " + PQerrorMessage(conn_));
    }
    finish_copy(conn_, "COPY " + what_);
  }

 private:
  PGconn* conn_;
  std::string what_;
  bool open_ = false;
};

// The fields of one row of COPY's binary format; false at the trailer.
bool binary_row(std::string_view data, std::vector<std::string_view>& fields,
                std::vector<bool>& nulls) {
  const auto read = [&data](std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(data[i]);
    data.remove_prefix(n);
    return v;
  };
  const auto count = static_cast<std::int16_t>(read(2));
  if (count < 0) return false;
  fields.resize(static_cast<std::size_t>(count));
  nulls.assign(static_cast<std::size_t>(count), false);
  for (std::int16_t i = 0; i < count; ++i) {
    const auto length = static_cast<std::int32_t>(read(4));
    if (length < 0) {
      nulls[static_cast<std::size_t>(i)] = true;
      continue;
    }
    fields[static_cast<std::size_t>(i)] = data.substr(0, static_cast<std::size_t>(length));
    data.remove_prefix(static_cast<std::size_t>(length));
  }
  return true;
}

}  // namespace

std::int64_t copy_table(sqlite3* from, PGconn* to, const TablePlan& table, const RowTick& tick) {
  SourceRows rows(from, table);
  CopyIn copy(to, quoted(table.name) + " (" + column_list(table, false) + ")");
  std::string buffer;
  buffer.reserve(kChunk + 4096);
  if (tick) tick(0);
  while (rows.next()) {
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      if (i) buffer += '\t';
      append_copy_field(buffer, table.columns[i], rows.value(i));
    }
    buffer += '\n';
    if (buffer.size() >= kChunk) copy.send(buffer);
    if (tick && rows.count() % kTickRows == 0) tick(rows.count());
  }
  if (!buffer.empty()) copy.send(buffer);
  copy.finish();
  if (tick) tick(rows.count());
  return rows.count();
}

TableChecksum target_checksum(PGconn* to, const TablePlan& table, const RowTick& tick) {
  const std::string what = "COPY (SELECT " + column_list(table, true) + " FROM " +
                           quoted(table.name) + ") TO STDOUT (FORMAT binary)";
  {
    const pg::Result r(PQexec(to, what.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT) {
      throw Error(what + " failed: " + PQresultErrorMessage(r.get()));
    }
  }
  TableChecksum checksum;
  std::vector<std::string_view> fields;
  std::vector<bool> nulls;
  bool header = true;
  if (tick) tick(0);
  for (;;) {
    char* raw = nullptr;
    const int length = PQgetCopyData(to, &raw, 0);
    if (length < 0) break;
    const std::unique_ptr<char, decltype(&PQfreemem)> owned(raw, &PQfreemem);
    std::string_view data(raw, static_cast<std::size_t>(length));
    // The first message starts with the signature, flags and header extension.
    if (header) {
      constexpr std::size_t kSignature = 11;
      std::uint32_t extension = 0;
      for (std::size_t i = 0; i < 4; ++i) {
        extension = (extension << 8) | static_cast<unsigned char>(data[kSignature + 4 + i]);
      }
      data.remove_prefix(kSignature + 8 + extension);
      header = false;
    }
    if (!binary_row(data, fields, nulls)) continue;
    RowHash hash;
    for (const std::size_t i : table.by_name) {
      if (nulls[i]) {
        hash.null();
      } else {
        hash.value(canonical_from_binary(table.columns[i].kind, fields[i]));
      }
    }
    checksum.add(hash.value());
    if (tick && checksum.rows() % kTickRows == 0) tick(checksum.rows());
  }
  finish_copy(to, what);
  if (tick) tick(checksum.rows());
  return checksum;
}

}  // namespace retort::detail::transfer
