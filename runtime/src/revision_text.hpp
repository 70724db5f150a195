// The text of a revision file that its reader, its writer and its section splitter share: the
// `-- +retort` directive and its markers, lines, blanks and normalized SQL.
#ifndef RETORT_RUNTIME_REVISION_TEXT_HPP
#define RETORT_RUNTIME_REVISION_TEXT_HPP

#include <optional>
#include <string>
#include <string_view>

namespace retort {
struct SectionPart;  // retort/revision.hpp; declared only: this header needs no more of it
}  // namespace retort

// A namespace of its own: retort::detail::normalize_sql (sql_text.hpp) normalizes otherwise.
namespace retort::detail::revision_text {

inline constexpr std::string_view kDirective = "-- +retort ";
inline constexpr std::string_view kCopyMarker = "copy";
inline constexpr std::string_view kHookMarker = "hook";
inline constexpr std::string_view kFunctionMarker = "function:";
inline constexpr std::string_view kLockMarker = "lock";
inline constexpr std::string_view kCommitMarker = "commit";
inline constexpr std::string_view kNoTransactionMarker = "no-transaction";

inline std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// Calls `line` with each line of `text`, without its '\n'; a last line without one counts.
template <typename LineFn>
void for_each_line(std::string_view text, LineFn line) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    line(text.substr(pos, end - pos));
    pos = end + 1;
  }
}

// Lines without trailing blanks or '\r', and without leading or trailing empty lines.
std::string normalize_sql(std::string_view text);

// A marker inside an Up or Down section ("copy: users"), or std::nullopt for another line.
std::optional<SectionPart> section_marker(std::string_view directive_body);

// Whether `text` holds a line that is neither blank nor a `--` comment.
bool has_statement(std::string_view text);

}  // namespace retort::detail::revision_text

#endif  // RETORT_RUNTIME_REVISION_TEXT_HPP
