// The transfer's rules for one value: what each kind of PostgreSQL column accepts from SQLite's
// storage classes, COPY's text format, the canonical text of the checksums.
#include "transfer_values.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace retort::detail::transfer {
namespace {

using Storage = SourceValue::Storage;

constexpr const char* kHex = "0123456789abcdef";

template <typename Float>
std::string shortest(Float x) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

void append_hex(std::string& out, std::string_view bytes) {
  for (const char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 15];
  }
}

// The range of an integer kind.
std::pair<std::int64_t, std::int64_t> range_of(Kind kind) {
  if (kind == Kind::kSmallint) return {-32768, 32767};
  if (kind == Kind::kInteger) return {-2147483648LL, 2147483647LL};
  return {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
}

// A REAL that is a whole number an int64 holds.
bool whole(double x) {
  return std::isfinite(x) && x == std::trunc(x) && x >= -9223372036854775808.0 &&
         x < 9223372036854775808.0;
}

std::int64_t as_integer(const SourceValue& v) {
  return v.storage == Storage::kInteger ? v.integer : static_cast<std::int64_t>(v.real);
}

double as_double(const SourceValue& v) {
  return v.storage == Storage::kInteger ? static_cast<double>(v.integer) : v.real;
}

std::string storage_name(Storage s) {
  switch (s) {
    case Storage::kNull:
      return "NULL";
    case Storage::kInteger:
    case Storage::kReal:
      return "a number";
    case Storage::kText:
      return "text";
    case Storage::kBlob:
      return "a blob";
  }
  return "";
}

// "a bigint column", "an integer column".
std::string a_column(const TargetColumn& c) {
  const bool vowel =
      !c.type.empty() && std::string_view("aeio").find(c.type[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + c.type + " column";
}

std::string in_column(const TargetColumn& c) { return " in " + a_column(c); }

std::string integer_problem(const TargetColumn& c, const SourceValue& v) {
  if (v.storage == Storage::kReal && !whole(v.real)) {
    return shortest(v.real) + in_column(c) + ": not a whole number";
  }
  if (v.storage != Storage::kInteger && v.storage != Storage::kReal) {
    return storage_name(v.storage) + in_column(c);
  }
  const auto [low, high] = range_of(c.kind);
  const std::int64_t i = as_integer(v);
  if (i < low || i > high) return printable(v) + " is out of range for " + a_column(c);
  return "";
}

std::string text_problem(const TargetColumn& c, const SourceValue& v) {
  if (v.storage == Storage::kBlob) return storage_name(v.storage) + in_column(c);
  if (v.storage != Storage::kText) return "";
  if (!valid_utf8(v.bytes)) return "text that is not valid UTF-8" + in_column(c);
  if (v.bytes.find('\0') != std::string_view::npos) {
    return "text with a NUL character, which PostgreSQL's text cannot hold";
  }
  if (c.max_chars >= 0) {
    std::int64_t chars = 0;
    for (const char ch : v.bytes) chars += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    if (chars > c.max_chars) return std::to_string(chars) + " characters" + in_column(c);
  }
  return "";
}

std::string float_problem(const TargetColumn& c, const SourceValue& v) {
  if (v.storage != Storage::kInteger && v.storage != Storage::kReal) {
    return storage_name(v.storage) + in_column(c);
  }
  const double x = as_double(v);
  if (c.kind == Kind::kReal) {
    const float f = static_cast<float>(x);
    if ((std::isinf(f) && std::isfinite(x)) || (f == 0 && x != 0)) {
      return printable(v) + " is out of range for " + a_column(c);
    }
  }
  return "";
}

void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
}

std::string float_field(double x, Kind kind) {
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return kind == Kind::kReal ? shortest(static_cast<float>(x)) : shortest(x);
}

template <typename T>
T big_endian(std::string_view field) {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < sizeof(T) && i < field.size(); ++i) {
    bits = (bits << 8) | static_cast<unsigned char>(field[i]);
  }
  if constexpr (std::is_floating_point_v<T>) {
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    const Bits narrow = static_cast<Bits>(bits);
    T out;
    std::memcpy(&out, &narrow, sizeof out);
    return out;
  } else {
    return static_cast<T>(static_cast<std::make_unsigned_t<T>>(bits));
  }
}

}  // namespace

Kind kind_of(std::string_view typname, bool base) {
  if (!base) return Kind::kOther;
  if (typname == "bool") return Kind::kBoolean;
  if (typname == "int2") return Kind::kSmallint;
  if (typname == "int4") return Kind::kInteger;
  if (typname == "int8") return Kind::kBigint;
  if (typname == "float4") return Kind::kReal;
  if (typname == "float8") return Kind::kDouble;
  if (typname == "text" || typname == "varchar") return Kind::kText;
  if (typname == "bytea") return Kind::kBytea;
  return Kind::kOther;
}

std::string problem(const TargetColumn& c, const SourceValue& v) {
  if (v.storage == Storage::kNull) return c.not_null ? "NULL in a NOT NULL column" : "";
  switch (c.kind) {
    case Kind::kBoolean:
      if (v.storage != Storage::kInteger) return storage_name(v.storage) + in_column(c);
      if (v.integer != 0 && v.integer != 1) {
        return std::to_string(v.integer) + in_column(c) + ": SQLite keeps booleans as 0 or 1";
      }
      return "";
    case Kind::kSmallint:
    case Kind::kInteger:
    case Kind::kBigint:
      return integer_problem(c, v);
    case Kind::kReal:
    case Kind::kDouble:
      return float_problem(c, v);
    case Kind::kBytea:
      if (v.storage == Storage::kInteger || v.storage == Storage::kReal) {
        return storage_name(v.storage) + in_column(c);
      }
      return "";
    case Kind::kText:
    case Kind::kOther:
      return text_problem(c, v);
  }
  return "";
}

std::string text_of(const SourceValue& v) {
  switch (v.storage) {
    case Storage::kInteger:
      return std::to_string(v.integer);
    case Storage::kReal:
      return float_field(v.real, Kind::kDouble);
    case Storage::kText:
    case Storage::kBlob:
      return std::string(v.bytes);
    case Storage::kNull:
      break;
  }
  return "";
}

void append_copy_field(std::string& out, const TargetColumn& c, const SourceValue& v) {
  if (v.storage == Storage::kNull) {
    out += "\\N";
    return;
  }
  switch (c.kind) {
    case Kind::kBoolean:
      out += v.integer ? 't' : 'f';
      break;
    case Kind::kSmallint:
    case Kind::kInteger:
    case Kind::kBigint:
      out += std::to_string(as_integer(v));
      break;
    case Kind::kReal:
    case Kind::kDouble:
      out += float_field(as_double(v), c.kind);
      break;
    case Kind::kBytea:
      out += "\\\\x";
      append_hex(out, v.bytes);
      break;
    case Kind::kText:
    case Kind::kOther:
      if (v.storage == Storage::kText) {
        append_escaped(out, v.bytes);
      } else {
        out += text_of(v);
      }
      break;
  }
}

std::string canonical(Kind kind, const SourceValue& v) {
  switch (kind) {
    case Kind::kBoolean:
      return v.integer ? "t" : "f";
    case Kind::kSmallint:
    case Kind::kInteger:
    case Kind::kBigint:
      return std::to_string(as_integer(v));
    case Kind::kReal:
      return shortest(static_cast<float>(as_double(v)));
    case Kind::kDouble:
      return shortest(as_double(v));
    case Kind::kBytea: {
      std::string out;
      append_hex(out, v.bytes);
      return out;
    }
    case Kind::kText:
    case Kind::kOther:
      break;
  }
  return text_of(v);
}

std::string canonical_from_binary(Kind kind, std::string_view field) {
  switch (kind) {
    case Kind::kBoolean:
      return !field.empty() && field[0] ? "t" : "f";
    case Kind::kSmallint:
      return std::to_string(big_endian<std::int16_t>(field));
    case Kind::kInteger:
      return std::to_string(big_endian<std::int32_t>(field));
    case Kind::kBigint:
      return std::to_string(big_endian<std::int64_t>(field));
    case Kind::kReal:
      return shortest(big_endian<float>(field));
    case Kind::kDouble:
      return shortest(big_endian<double>(field));
    case Kind::kBytea: {
      std::string out;
      append_hex(out, field);
      return out;
    }
    case Kind::kText:
    case Kind::kOther:
      break;
  }
  return std::string(field);
}

void RowHash::value(std::string_view canonical_text) {
  hash_.add(std::to_string(canonical_text.size()));
  hash_.add(static_cast<unsigned char>(':'));
  hash_.add(canonical_text);
}

std::string TableChecksum::hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(sum_));
  return buf;
}

std::string printable(const SourceValue& v) {
  constexpr std::size_t kMax = 60;
  switch (v.storage) {
    case Storage::kNull:
      return "NULL";
    case Storage::kInteger:
      return std::to_string(v.integer);
    case Storage::kReal:
      return shortest(v.real);
    case Storage::kText:
      if (valid_utf8(v.bytes)) break;
      [[fallthrough]];
    case Storage::kBlob: {
      std::string out = "x'";
      append_hex(out, v.bytes.substr(0, kMax / 2));
      return out + (v.bytes.size() > kMax / 2 ? "'..." : "'");
    }
  }
  std::string out = "'";
  std::size_t i = 0;
  for (; i < v.bytes.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(v.bytes[i]);
    if (c == '\'') {
      out += "''";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  // Cut on a character's boundary.
  while (i < v.bytes.size() && (static_cast<unsigned char>(v.bytes[i]) & 0xC0) == 0x80) {
    out += v.bytes[i++];
  }
  return out + (i < v.bytes.size() ? "'..." : "'");
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) low = 0xA0;   // overlong
      if (c == 0xED) high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) low = 0x90;   // overlong
      if (c == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    const unsigned char second = static_cast<unsigned char>(s[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace retort::detail::transfer
