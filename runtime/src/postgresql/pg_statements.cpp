// Splits PostgreSQL SQL text into statements, as psql does: semicolons inside strings, quoted
// identifiers, dollar-quoted bodies and comments do not end a statement.
#include <cctype>

#include "retort/detail/pg.hpp"

namespace retort::detail::pg {
namespace {

// A dollar-quote tag starting at `i` ("$$" or "$tag$"), or "" when none starts there.
std::string_view dollar_tag(std::string_view sql, std::size_t i) {
  if (sql[i] != '$') return {};
  std::size_t j = i + 1;
  while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) {
    if (j == i + 1 && std::isdigit(static_cast<unsigned char>(sql[j]))) return {};  // $1
    ++j;
  }
  if (j < sql.size() && sql[j] == '$') return sql.substr(i, j - i + 1);
  return {};
}

// The end (one past) of the quoted text starting at `i` with `quote`; doubled quotes stay
// inside; with `backslash`, \x escapes too (E'...').
std::size_t quoted_end(std::string_view sql, std::size_t i, char quote, bool backslash) {
  for (std::size_t j = i + 1; j < sql.size(); ++j) {
    if (backslash && sql[j] == '\\') {
      ++j;
    } else if (sql[j] == quote) {
      if (j + 1 < sql.size() && sql[j + 1] == quote) {
        ++j;
      } else {
        return j + 1;
      }
    }
  }
  return sql.size();
}

// The end of the block comment starting at `i` (they nest in PostgreSQL).
std::size_t comment_end(std::string_view sql, std::size_t i) {
  int depth = 0;
  for (std::size_t j = i; j + 1 < sql.size(); ++j) {
    if (sql[j] == '/' && sql[j + 1] == '*') {
      ++depth;
      ++j;
    } else if (sql[j] == '*' && sql[j + 1] == '/') {
      ++j;
      if (--depth == 0) return j + 1;
    }
  }
  return sql.size();
}

// Whether `text` holds something besides blanks and comments.
bool has_code(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      const std::size_t end = text.find('\n', i);
      if (end == std::string_view::npos) return false;
      i = end;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      i = comment_end(text, i) - 1;
      continue;
    }
    return true;
  }
  return false;
}

// `s` without blanks around it, and how many it lost in front.
std::pair<std::string, std::size_t> trimmed(std::string_view s) {
  std::size_t front = 0;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
    ++front;
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return {std::string(s), front};
}

}  // namespace

std::vector<std::string> split_statements(std::string_view sql) {
  std::vector<std::string> out;
  for (StatementText& s : split_statements_at(sql)) out.push_back(std::move(s.text));
  return out;
}

std::vector<StatementText> split_statements_at(std::string_view sql) {
  std::vector<StatementText> out;
  std::size_t start = 0;
  const auto flush = [&](std::size_t end) {
    const std::string_view piece = sql.substr(start, end - start);
    if (has_code(piece)) {
      auto [text, front] = trimmed(piece);
      out.push_back({std::move(text), start + front});
    }
    start = end + 1;
  };
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == ';') {
      flush(i);
      ++i;
    } else if (c == '\'') {
      const bool escape = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                          (i < 2 || !std::isalnum(static_cast<unsigned char>(sql[i - 2])));
      i = quoted_end(sql, i, '\'', escape);
    } else if (c == '"') {
      i = quoted_end(sql, i, '"', false);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      i = comment_end(sql, i);
    } else if (const std::string_view tag = dollar_tag(sql, i); !tag.empty()) {
      // Not inside an identifier such as a$b$: a tag starts a token.
      const bool token_start =
          i == 0 || !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_');
      if (!token_start) {
        ++i;
        continue;
      }
      const std::size_t close = sql.find(tag, i + tag.size());
      i = close == std::string_view::npos ? sql.size() : close + tag.size();
    } else {
      ++i;
    }
  }
  flush(sql.size());
  return out;
}

}  // namespace retort::detail::pg
