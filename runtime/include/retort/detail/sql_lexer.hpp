// SQL text in tokens: enough to find statements, names and comments in files people write.
#ifndef RETORT_DETAIL_SQL_LEXER_HPP
#define RETORT_DETAIL_SQL_LEXER_HPP

#include <cstddef>
#include <string>
#include <vector>

namespace retort {

struct SqlToken {
  enum class Kind {
    kBlank,    ///< spaces, tabs, newlines
    kComment,  ///< `-- ...` to the end of the line, or `/* ... */`
    kWord,     ///< a keyword or a bare identifier
    kName,     ///< a quoted identifier: "x", `x` or [x]
    kString,   ///< '...' (and X'..' blobs)
    kNumber,
    kOther,  ///< one character of punctuation or an operator
  };
  Kind kind;
  std::size_t offset;  ///< into the text lexed
  std::size_t length;

  bool blank() const { return kind == Kind::kBlank || kind == Kind::kComment; }
};

/// Every token of `sql`, in order, covering it whole. Unterminated quotes and comments run to
/// the end.
std::vector<SqlToken> lex_sql(const std::string& sql);

/// The identifier a kWord or kName token spells (quotes removed, doubled quotes undone).
std::string identifier_of(const std::string& sql, const SqlToken& token);

/// One statement of a file: its text (from its first token to its `;`, without it) and where
/// it starts.
struct SqlStatement {
  std::string text;
  std::size_t offset;  ///< of its first token in the file
};

/// The statements of a file in order, split at the `;` that completes each (sqlite3_complete:
/// the semicolons inside a trigger's BEGIN ... END do not). A last one without `;` counts too.
std::vector<SqlStatement> split_statements(const std::string& sql);

/// The line and column (both from 1, columns in bytes) of `offset` in `text`.
std::pair<unsigned, unsigned> line_and_column(const std::string& text, std::size_t offset);

}  // namespace retort

#endif  // RETORT_DETAIL_SQL_LEXER_HPP
