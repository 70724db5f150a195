// Small helpers over SQL text shared by the runtime and the tool.
#include "retort/detail/sql_text.hpp"

#include <cctype>

#include "retort/detail/sql_lexer.hpp"

namespace retort {

// Runs of blanks become one space outside quotes; leading and trailing ones go.
std::string collapse_blanks(const std::string& sql) {
  std::string out;
  char quote = 0;
  for (char ch : sql) {
    const bool blank = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    if (!quote && blank) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    if (quote && ch == quote) {
      quote = 0;
    } else if (!quote && (ch == '\'' || ch == '"' || ch == '`')) {
      quote = ch;
    }
    out += ch;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> split_sql_list(const std::string& sql) {
  std::vector<std::string> out;
  std::string item;
  int depth = 0;
  char quote = 0;
  for (char ch : sql) {
    if (quote) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
      quote = ch == '[' ? ']' : ch;
    } else if (ch == '(') {
      ++depth;
    } else if (ch == ')') {
      --depth;
    } else if (ch == ',' && depth == 0) {
      out.push_back(item);
      item.clear();
      continue;
    }
    item += ch;
  }
  out.push_back(item);
  return out;
}

std::string to_upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string normalize_sql(const std::string& sql) {
  std::string out;
  for (const SqlToken& t : lex_sql(sql)) {
    if (t.blank()) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out.append(sql, t.offset, t.length);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  return out;
}

std::string fold_double_quoted(const std::string& sql) {
  std::string out;
  for (const SqlToken& t : lex_sql(sql)) {
    if (t.kind == SqlToken::Kind::kName && sql[t.offset] == '"') {
      out += '\'';
      for (char c : identifier_of(sql, t)) out += c == '\'' ? std::string("''") : std::string(1, c);
      out += '\'';
    } else {
      out.append(sql, t.offset, t.length);
    }
  }
  return out;
}

IndexParts index_parts(const std::string& sql) {
  IndexParts out;
  std::vector<SqlToken> tokens;
  for (const SqlToken& t : lex_sql(sql)) {
    if (!t.blank()) tokens.push_back(t);
  }
  const auto word = [&](std::size_t i) {
    return tokens[i].kind == SqlToken::Kind::kWord
               ? to_upper(sql.substr(tokens[i].offset, tokens[i].length))
               : std::string();
  };
  const auto is = [&](std::size_t i, char c) {
    return tokens[i].kind == SqlToken::Kind::kOther && sql[tokens[i].offset] == c;
  };
  std::size_t i = 0;
  while (i < tokens.size() && word(i) != "ON") ++i;
  while (i < tokens.size() && !is(i, '(')) ++i;  // past the table's name
  if (i == tokens.size()) return out;
  const std::size_t open = i;
  int depth = 0;
  for (; i < tokens.size(); ++i) {
    if (is(i, '(')) ++depth;
    if (is(i, ')') && --depth == 0) break;
  }
  if (i == tokens.size()) return out;
  const std::size_t begin = tokens[open].offset + 1;
  for (const std::string& key : split_sql_list(sql.substr(begin, tokens[i].offset - begin))) {
    out.keys.push_back(collapse_blanks(key));
  }
  for (++i; i < tokens.size(); ++i) {
    if (word(i) == "WHERE" && i + 1 < tokens.size()) {
      out.where = collapse_blanks(sql.substr(tokens[i + 1].offset));
      while (!out.where->empty() && out.where->back() == ';') out.where->pop_back();
      break;
    }
  }
  return out;
}

namespace detail {

std::string sql_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace detail

}  // namespace retort
