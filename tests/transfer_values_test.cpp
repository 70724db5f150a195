// The transfer's rules for one value, without a database: what each kind of column accepts,
// COPY's text format, and canonical texts that agree from both sides.
#include "postgresql/transfer_values.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <optional>

namespace retort::detail::transfer {
namespace {

using Storage = SourceValue::Storage;

SourceValue integer(std::int64_t i) { return {Storage::kInteger, i, 0, {}}; }
SourceValue real(double x) { return {Storage::kReal, 0, x, {}}; }
SourceValue text(std::string_view t) { return {Storage::kText, 0, 0, t}; }
SourceValue blob(std::string_view b) { return {Storage::kBlob, 0, 0, b}; }
SourceValue null() { return {}; }

TargetColumn column(Kind kind, const std::string& type, int max_chars = -1, bool not_null = false) {
  return {"c", type, kind, max_chars, not_null};
}

// The value as PostgreSQL's COPY ... (FORMAT binary) sends it.
template <typename T>
std::string binary(T value) {
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  std::string out;
  for (std::size_t i = sizeof(T); i-- > 0;) out += static_cast<char>(bytes[i]);
  return out;
}

TEST(TransferValuesTest, KindsFollowTheBaseTypeName) {
  EXPECT_EQ(kind_of("int8", true), Kind::kBigint);
  EXPECT_EQ(kind_of("int2", true), Kind::kSmallint);
  EXPECT_EQ(kind_of("varchar", true), Kind::kText);
  EXPECT_EQ(kind_of("bytea", true), Kind::kBytea);
  EXPECT_EQ(kind_of("numeric", true), Kind::kOther);
  EXPECT_EQ(kind_of("int8", false), Kind::kOther);  // a domain over bigint: the server reads it
}

TEST(TransferValuesTest, EachKindRefusesWhatItCannotHold) {
  const TargetColumn boolean = column(Kind::kBoolean, "boolean");
  EXPECT_EQ(problem(boolean, integer(1)), "");
  EXPECT_EQ(problem(boolean, integer(2)), "2 in a boolean column: SQLite keeps booleans as 0 or 1");
  EXPECT_EQ(problem(boolean, text("true")), "text in a boolean column");
  const TargetColumn smallint = column(Kind::kSmallint, "smallint");
  EXPECT_EQ(problem(smallint, integer(-32768)), "");
  EXPECT_EQ(problem(smallint, integer(32768)), "32768 is out of range for a smallint column");
  EXPECT_EQ(problem(column(Kind::kInteger, "integer"), integer(2147483648LL)),
            "2147483648 is out of range for an integer column");
  const TargetColumn bigint = column(Kind::kBigint, "bigint");
  EXPECT_EQ(problem(bigint, real(3.0)), "");
  EXPECT_EQ(problem(bigint, real(1.5)), "1.5 in a bigint column: not a whole number");
  EXPECT_EQ(problem(bigint, real(1e19)), "1e+19 in a bigint column: not a whole number");
  EXPECT_EQ(problem(bigint, text("12")), "text in a bigint column");
  EXPECT_EQ(problem(bigint, blob("x")), "a blob in a bigint column");
  EXPECT_EQ(problem(column(Kind::kReal, "real"), real(1e39)),
            "1e+39 is out of range for a real column");
  EXPECT_EQ(problem(column(Kind::kReal, "real"), real(1e-50)),
            "1e-50 is out of range for a real column");
  EXPECT_EQ(problem(column(Kind::kDouble, "double precision"), integer(7)), "");
  const TargetColumn varchar = column(Kind::kText, "character varying(3)", 3);
  EXPECT_EQ(problem(varchar, text("äöü")), "");  // characters, not bytes
  EXPECT_EQ(problem(varchar, text("abcd")), "4 characters in a character varying(3) column");
  EXPECT_EQ(problem(varchar, integer(42)), "");
  EXPECT_EQ(problem(varchar, text("\xc3(")),
            "text that is not valid UTF-8 in a character "
            "varying(3) column");
  EXPECT_EQ(problem(varchar, text(std::string_view("a\0b", 3))),
            "text with a NUL character, which PostgreSQL's text cannot hold");
  EXPECT_EQ(problem(column(Kind::kBytea, "bytea"), text("plain")), "");
  EXPECT_EQ(problem(column(Kind::kBytea, "bytea"), integer(1)), "a number in a bytea column");
  EXPECT_EQ(problem(column(Kind::kOther, "date"), blob("x")), "a blob in a date column");
  EXPECT_EQ(problem(column(Kind::kText, "text", -1, true), null()), "NULL in a NOT NULL column");
  EXPECT_EQ(problem(column(Kind::kText, "text"), null()), "");
}

TEST(TransferValuesTest, CopyFieldsAreEscapedAsCopysTextFormatReadsThem) {
  std::string out;
  append_copy_field(out, column(Kind::kText, "text"), text("a\tb\nc\\d\re"));
  EXPECT_EQ(out, "a\\tb\\nc\\\\d\\re");
  out.clear();
  append_copy_field(out, column(Kind::kBytea, "bytea"), blob(std::string_view("\x00\xff", 2)));
  EXPECT_EQ(out, "\\\\x00ff");
  out.clear();
  append_copy_field(out, column(Kind::kBoolean, "boolean"), integer(0));
  append_copy_field(out, column(Kind::kDouble, "double precision"),
                    real(-std::numeric_limits<double>::infinity()));
  append_copy_field(out, column(Kind::kReal, "real"), real(0.1));
  append_copy_field(out, column(Kind::kBigint, "bigint"), real(3.0));
  append_copy_field(out, column(Kind::kText, "text"), null());
  EXPECT_EQ(out, "f-Infinity0.13\\N");
}

TEST(TransferValuesTest, BothSidesGiveTheSameCanonicalText) {
  EXPECT_EQ(canonical(Kind::kBoolean, integer(1)), canonical_from_binary(Kind::kBoolean, "\x01"));
  EXPECT_EQ(canonical(Kind::kSmallint, integer(-5)),
            canonical_from_binary(Kind::kSmallint, binary<std::int16_t>(-5)));
  EXPECT_EQ(canonical(Kind::kInteger, integer(-2147483648LL)),
            canonical_from_binary(Kind::kInteger, binary<std::int32_t>(-2147483647 - 1)));
  EXPECT_EQ(canonical(Kind::kBigint, real(12.0)),
            canonical_from_binary(Kind::kBigint, binary<std::int64_t>(12)));
  // A REAL column holds the nearest float, on both sides.
  EXPECT_EQ(canonical(Kind::kReal, real(0.1)), "0.1");
  EXPECT_EQ(canonical_from_binary(Kind::kReal, binary<float>(0.1f)), "0.1");
  EXPECT_EQ(canonical(Kind::kDouble, real(0.1)), canonical_from_binary(Kind::kDouble, binary(0.1)));
  EXPECT_NE(canonical(Kind::kDouble, real(0.1)),
            canonical_from_binary(Kind::kDouble, binary(0.1 + 1e-17)));
  EXPECT_EQ(canonical(Kind::kBytea, text("AB")), canonical_from_binary(Kind::kBytea, "AB"));
  EXPECT_EQ(canonical(Kind::kBytea, blob("AB")), "4142");
  EXPECT_EQ(canonical(Kind::kText, integer(42)), canonical_from_binary(Kind::kText, "42"));
  EXPECT_EQ(canonical(Kind::kText, real(1e300)), canonical_from_binary(Kind::kText, "1e+300"));
}

TEST(TransferValuesTest, RowTextsCannotRunIntoEachOther) {
  const auto row = [](std::vector<std::optional<std::string>> values) {
    RowHash hash;
    for (const auto& v : values) {
      if (v) {
        hash.value(*v);
      } else {
        hash.null();
      }
    }
    return hash.value();
  };
  EXPECT_NE(row({"ab", "c"}), row({"a", "bc"}));
  EXPECT_NE(row({std::nullopt, "x"}), row({"", "x"}));
  EXPECT_NE(row({"-"}), row({std::nullopt}));
  // The order of the rows does not count; their number does.
  TableChecksum a, b;
  a.add(row({"1"}));
  a.add(row({"2"}));
  b.add(row({"2"}));
  b.add(row({"1"}));
  EXPECT_EQ(a.hex(), b.hex());
  EXPECT_EQ(a.rows(), 2);
}

TEST(TransferValuesTest, ValuesArePrintedForMessages) {
  EXPECT_EQ(printable(text("it's\na\ttab")), "'it''s\\na\\ttab'");
  EXPECT_EQ(printable(blob("\x01\xab")), "x'01ab'");
  EXPECT_EQ(printable(text("\xff")), "x'ff'");
  EXPECT_EQ(printable(null()), "NULL");
  EXPECT_EQ(printable(real(2.5)), "2.5");
  EXPECT_EQ(printable(text(std::string(70, 'x'))), "'" + std::string(60, 'x') + "'...");
}

TEST(TransferValuesTest, Utf8IsCheckedAsPostgresqlChecksIt) {
  EXPECT_TRUE(valid_utf8("plain, ünïcödé, 🎉"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe2\x82"));          // cut short
}

}  // namespace
}  // namespace retort::detail::transfer
