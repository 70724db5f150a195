// A small SQL lexer after SQLite's tokenizer (tokenize.c): blanks, comments, quotes, words.
#include "retort/detail/sql_lexer.hpp"

#include <sqlite3.h>

#include <cctype>

namespace retort {
namespace {

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool blank_char(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The end of the quoted token starting at `i` (closing quote included; a doubled quote inside
// is part of it).
std::size_t end_of_quoted(const std::string& s, std::size_t i) {
  const char close = s[i] == '[' ? ']' : s[i];
  for (++i; i < s.size(); ++i) {
    if (s[i] != close) continue;
    if (close != ']' && i + 1 < s.size() && s[i + 1] == close) {
      ++i;
      continue;
    }
    return i + 1;
  }
  return s.size();
}

}  // namespace

std::vector<SqlToken> lex_sql(const std::string& s) {
  using Kind = SqlToken::Kind;
  std::vector<SqlToken> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    std::size_t end = i + 1;
    Kind kind = Kind::kOther;
    if (blank_char(c)) {
      while (end < s.size() && blank_char(s[end])) ++end;
      kind = Kind::kBlank;
    } else if (c == '-' && next == '-') {
      end = s.find('\n', i);
      end = end == std::string::npos ? s.size() : end;
      kind = Kind::kComment;
    } else if (c == '/' && next == '*') {
      end = s.find("*/", i + 2);
      end = end == std::string::npos ? s.size() : end + 2;
      kind = Kind::kComment;
    } else if (c == '\'') {
      end = end_of_quoted(s, i);
      kind = Kind::kString;
    } else if ((c == 'x' || c == 'X') && next == '\'') {
      end = end_of_quoted(s, i + 1);
      kind = Kind::kString;
    } else if (c == '"' || c == '`' || c == '[') {
      end = end_of_quoted(s, i);
      kind = Kind::kName;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (end < s.size() && (word_char(s[end]) || s[end] == '.')) ++end;
      kind = Kind::kNumber;
    } else if (word_char(c)) {
      while (end < s.size() && word_char(s[end])) ++end;
      kind = Kind::kWord;
    }
    out.push_back({kind, i, end - i});
    i = end;
  }
  return out;
}

std::string identifier_of(const std::string& sql, const SqlToken& token) {
  const std::string text = sql.substr(token.offset, token.length);
  if (token.kind != SqlToken::Kind::kName || text.size() < 2) return text;
  const char close = text.back();
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    out += text[i];
    if (close != ']' && text[i] == close && text[i + 1] == close) ++i;
  }
  return out;
}

std::vector<SqlStatement> split_statements(const std::string& sql) {
  std::vector<SqlStatement> out;
  std::size_t start = std::string::npos;  // of the statement's first token
  std::size_t end = 0;                    // just past its last token before the `;`
  for (const SqlToken& t : lex_sql(sql)) {
    if (t.blank()) continue;
    if (start == std::string::npos) start = t.offset;
    const bool semicolon = t.kind == SqlToken::Kind::kOther && sql[t.offset] == ';';
    if (semicolon && start == t.offset) {  // an empty statement
      start = std::string::npos;
      continue;
    }
    if (semicolon && sqlite3_complete(sql.substr(start, t.offset + 1 - start).c_str())) {
      out.push_back({sql.substr(start, end - start), start});
      start = std::string::npos;
      continue;
    }
    end = t.offset + t.length;  // a `;` inside a trigger's body is part of it
  }
  if (start != std::string::npos) out.push_back({sql.substr(start, end - start), start});
  return out;
}

std::pair<unsigned, unsigned> line_and_column(const std::string& text, std::size_t offset) {
  unsigned line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace retort
