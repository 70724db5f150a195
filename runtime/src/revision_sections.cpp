// A revision's sections as parts and phases: markers read out of the SQL (copy, hook, lock,
// commit, no-transaction), and the markers the writers put in.
#include <algorithm>

#include "retort/revision.hpp"
#include "revision_text.hpp"

namespace retort::detail::revision_text {

// Lines without trailing blanks or '\r', and without leading or trailing empty lines.
std::string normalize_sql(std::string_view text) {
  std::string out;
  for_each_line(text, [&out](std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    out.append(line).push_back('\n');
  });
  return std::string(trim(out));
}

// A marker inside an Up or Down section ("copy: users"), or std::nullopt for another line.
std::optional<SectionPart> section_marker(std::string_view directive_body) {
  if (directive_body == kCommitMarker) return SectionPart{SectionPart::Kind::kCommit, {}};
  if (directive_body == kNoTransactionMarker) {
    return SectionPart{SectionPart::Kind::kNoTransaction, {}};
  }
  const std::size_t colon = directive_body.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view key = trim(directive_body.substr(0, colon));
  const std::string_view value = trim(directive_body.substr(colon + 1));
  if (key == kCopyMarker && !value.empty()) {
    return SectionPart{SectionPart::Kind::kCopy, std::string(value)};
  }
  if (key == kHookMarker) return SectionPart{SectionPart::Kind::kHook, std::string(value)};
  if (key == kLockMarker && !value.empty()) {
    return SectionPart{SectionPart::Kind::kLock, std::string(value)};
  }
  return std::nullopt;
}

// Whether `text` holds a line that is neither blank nor a `--` comment.
bool has_statement(std::string_view text) {
  bool found = false;
  for_each_line(text, [&found](std::string_view line) {
    line = trim(line);
    found = found || (!line.empty() && line.substr(0, 2) != "--");
  });
  return found;
}

}  // namespace retort::detail::revision_text

namespace retort {

using namespace detail::revision_text;  // the file's text: revision_text.hpp

std::vector<SectionPart> split_section(std::string_view sql) {
  std::vector<SectionPart> parts;
  for_each_line(sql, [&parts](std::string_view line) {
    const std::string_view directive = trim(line);
    if (directive.substr(0, kDirective.size()) == kDirective) {
      if (auto marker = section_marker(trim(directive.substr(kDirective.size())))) {
        parts.push_back(std::move(*marker));
        return;
      }
    }
    if (parts.empty() || parts.back().kind != SectionPart::Kind::kSql) {
      parts.push_back({SectionPart::Kind::kSql, {}});
    }
    parts.back().text.append(line).push_back('\n');
  });
  return parts;
}

std::vector<SectionPhase> section_phases(std::string_view sql) {
  std::vector<SectionPhase> phases;
  SectionPhase current;
  bool works = false;  // the current phase holds a statement or a hook
  const auto close = [&] {
    if (works) phases.push_back(std::move(current));
    current = SectionPhase{};
    works = false;
  };
  bool outside_next = false;
  for (SectionPart& part : split_section(sql)) {
    switch (part.kind) {
      case SectionPart::Kind::kCommit:
        close();
        break;
      case SectionPart::Kind::kNoTransaction:
        close();
        outside_next = true;
        break;
      case SectionPart::Kind::kSql: {
        const bool statement = has_statement(part.text);
        works = works || statement;
        current.parts.push_back(std::move(part));
        if (outside_next && statement) {
          current.transaction = false;
          close();
          outside_next = false;
        }
        break;
      }
      case SectionPart::Kind::kHook:
        works = true;
        current.parts.push_back(std::move(part));
        break;
      default:
        current.parts.push_back(std::move(part));
    }
  }
  close();
  return phases;
}

std::string copy_marker(std::string_view table) {
  return std::string(kDirective) + std::string(kCopyMarker) + ": " + std::string(table);
}

std::string hook_marker(std::string_view name) {
  return std::string(kDirective) + std::string(kHookMarker) + ": " + std::string(name);
}

std::vector<std::string> section_hooks(std::string_view sql) {
  std::vector<std::string> names;
  for (const SectionPart& part : split_section(sql)) {
    if (part.kind == SectionPart::Kind::kHook &&
        std::find(names.begin(), names.end(), part.text) == names.end()) {
      names.push_back(part.text);
    }
  }
  return names;
}

}  // namespace retort
