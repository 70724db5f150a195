// One SQLite value against one PostgreSQL column: whether the column can hold it, its field in
// COPY's text format, its canonical text for the checksums (docs/transfer.md). No database.
#ifndef RETORT_RUNTIME_TRANSFER_VALUES_HPP
#define RETORT_RUNTIME_TRANSFER_VALUES_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "retort/detail/fnv1a.hpp"

namespace retort::detail::transfer {

/// How the transfer treats a target column's type. kOther (numeric, date, uuid, jsonb, a domain,
/// an enum, ...) is read by the server itself, from the value's text.
enum class Kind { kBoolean, kSmallint, kInteger, kBigint, kReal, kDouble, kText, kBytea, kOther };

/// The kind of the type pg_type names `typname`; `base` when its typtype is 'b' (a domain, an
/// enum or a composite is kOther whatever its name).
Kind kind_of(std::string_view typname, bool base);

/// A column of the target, as the transfer writes it.
struct TargetColumn {
  std::string name;
  std::string type;  ///< as format_type() prints it: "bigint", "character varying(64)"
  Kind kind = Kind::kOther;
  int max_chars = -1;  ///< character varying(n): n
  bool not_null = false;
};

/// A SQLite value, as sqlite3_column_*() gives it.
struct SourceValue {
  enum class Storage { kNull, kInteger, kReal, kText, kBlob };
  Storage storage = Storage::kNull;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view bytes = {};  ///< kText, kBlob
};

/// Why `column` cannot hold `value`, "" when it can (for kOther: as far as SQLite's side can
/// tell; the server reads the value's text_of() to tell the rest).
std::string problem(const TargetColumn& column, const SourceValue& value);

/// The value as text, as the server reads it for a kOther or text column: integers in decimal,
/// reals in their shortest exact form, text as it is. For a value problem() accepts.
std::string text_of(const SourceValue& value);

/// Appends the value (one problem() accepts) as a field of COPY's text format: escaped, `\N`
/// for NULL; a kOther column gets text_of() for the server to read.
void append_copy_field(std::string& out, const TargetColumn& column, const SourceValue& value);

/// The canonical text of a value the column holds (docs/transfer.md), from SQLite's value.
/// kOther has none on this side: the server's text of it stands in (add_canonical_text()).
std::string canonical(Kind kind, const SourceValue& value);

/// The same from the value PostgreSQL sends in COPY's binary format (big-endian numbers,
/// booleans as one byte, text and bytea as their bytes, kOther cast to text).
std::string canonical_from_binary(Kind kind, std::string_view field);

/// A row's canonical text fed to its hash: per column, in name order, "-" for NULL or the
/// value's byte length, ':' and the value's canonical text.
class RowHash {
 public:
  void null() { hash_.add("-"); }
  void value(std::string_view canonical_text);
  std::uint64_t value() const { return hash_.value(); }

 private:
  Fnv1a hash_;
};

/// A table's checksum: the sum (modulo 2^64) of its rows' hashes, so that neither database
/// need give its rows in one order; 16 hex digits.
class TableChecksum {
 public:
  void add(std::uint64_t row_hash) {
    sum_ += row_hash;
    ++rows_;
  }
  std::int64_t rows() const { return rows_; }
  std::string hex() const;

 private:
  std::uint64_t sum_ = 0;
  std::int64_t rows_ = 0;
};

/// The value for a message: 42, 1.5, 'it''s' (at most 60 bytes, control characters escaped),
/// x'00ff' (a blob, or text that is not UTF-8), NULL.
std::string printable(const SourceValue& value);

/// Whether `bytes` is valid UTF-8 as PostgreSQL checks it (no overlong forms, no surrogates).
bool valid_utf8(std::string_view bytes);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_VALUES_HPP
