// Reads revision files: `-- +retort` headers, then Up, Down and Schema sections.
#include "retort/revision.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "retort/detail/cpp_keywords.hpp"
#include "retort/detail/functions.hpp"
#include "retort/error.hpp"
#include "revision_text.hpp"

namespace retort {
namespace {

using namespace detail::revision_text;  // the file's text: revision_text.hpp

// C++'s keywords and alternative tokens: a hook's name becomes a function's name.
constexpr std::string_view kCppKeywords[] = {"alignas",       "alignof",     "and",
                                             "and_eq",        "asm",         "auto",
                                             "bitand",        "bitor",       "bool",
                                             "break",         "case",        "catch",
                                             "char",          "char8_t",     "char16_t",
                                             "char32_t",      "class",       "compl",
                                             "concept",       "const",       "consteval",
                                             "constexpr",     "constinit",   "const_cast",
                                             "continue",      "co_await",    "co_return",
                                             "co_yield",      "decltype",    "default",
                                             "delete",        "do",          "double",
                                             "dynamic_cast",  "else",        "enum",
                                             "explicit",      "export",      "extern",
                                             "false",         "float",       "for",
                                             "friend",        "goto",        "if",
                                             "inline",        "int",         "long",
                                             "mutable",       "namespace",   "new",
                                             "noexcept",      "not",         "not_eq",
                                             "nullptr",       "operator",    "or",
                                             "or_eq",         "private",     "protected",
                                             "public",        "register",    "reinterpret_cast",
                                             "requires",      "return",      "short",
                                             "signed",        "sizeof",      "static",
                                             "static_assert", "static_cast", "struct",
                                             "switch",        "template",    "this",
                                             "thread_local",  "throw",       "true",
                                             "try",           "typedef",     "typeid",
                                             "typename",      "union",       "unsigned",
                                             "using",         "virtual",     "void",
                                             "volatile",      "wchar_t",     "while",
                                             "xor",           "xor_eq"};

// Why `name` cannot name a hook (it must be a C++ identifier), or "" when it can.
std::string hook_name_problem(std::string_view name) {
  const auto letter = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool identifier = !name.empty() && letter(name.front());
  for (char c : name) identifier = identifier && (letter(c) || digit(c));
  if (!identifier) return "a hook's name must be a C++ identifier, not '" + std::string(name) + "'";
  if (detail::is_cpp_keyword(name)) {
    return "a hook's name cannot be the C++ keyword '" + std::string(name) + "'";
  }
  if (name.find("__") != std::string_view::npos ||
      (name.size() > 1 && name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z')) {
    return "a hook's name cannot be a name C++ reserves ('" + std::string(name) + "')";
  }
  return "";
}

// Where a line of a revision file belongs. kOtherUp and kOtherDown are another dialect's.
enum class Section { kHeader, kUp, kDown, kOtherUp, kOtherDown, kSchema };

// The dialects whose sections a file may carry besides SQLite's.
bool known_dialect(std::string_view name) { return name == kPostgresql; }

// The markers that only PostgreSQL's sections take: SQLite runs a revision in one transaction.
bool postgresql_marker(SectionPart::Kind kind) {
  return kind == SectionPart::Kind::kCommit || kind == SectionPart::Kind::kNoTransaction ||
         kind == SectionPart::Kind::kLock;
}

[[noreturn]] void fail(std::string_view file, int line, const std::string& message) {
  throw Error(std::string(file) + ":" + std::to_string(line) + ": " + message);
}

std::string leading_digits(std::string_view file_name) {
  std::size_t n = 0;
  while (n < file_name.size() && file_name[n] >= '0' && file_name[n] <= '9') ++n;
  return std::string(file_name.substr(0, n));
}

void apply_header(Revision& r, std::string_view body, std::string_view file, int line) {
  const std::size_t colon = body.find(':');
  const std::string_view key = trim(body.substr(0, colon));
  const std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : trim(body.substr(colon + 1));
  if (key == "revision") {
    if (value != r.id) {
      fail(file, line, "revision id '" + std::string(value) + "' does not match the file name");
    }
  } else if (key == "parent") {
    r.parent = value == "base" ? "" : std::string(value);
  } else if (key == "message") {
    r.message = value;
  } else if (key == "draft") {
    r.draft = true;
  } else if (key == "baseline") {
    r.baseline = true;
  } else if (key.substr(0, 9) == "baseline ") {
    const std::string dialect(trim(key.substr(9)));
    if (!known_dialect(dialect)) {
      fail(file, line, "unknown dialect '" + dialect + "' (known: postgresql)");
    }
    if (!r.sections(dialect)) r.dialects.push_back({dialect, {}, {}, true});  // sections follow
  } else if (key == "foreign-keys") {
    if (value != "off" && value != "on") fail(file, line, "foreign-keys must be 'off' or 'on'");
    r.foreign_keys_off = value == "off";
  } else if (key == "destructive") {
    r.destructive.emplace_back(value);
  } else if (key == "rebased-from") {
    if (value.find(' ') == std::string_view::npos) {
      fail(file, line, "rebased-from needs the old id and its checksum");
    }
    r.rebased_from.emplace_back(value);
  } else {
    fail(file, line, "unknown header '" + std::string(key) + "'");
  }
}

}  // namespace

const DialectSections* Revision::sections(std::string_view dialect) const {
  for (const DialectSections& d : dialects) {
    if (d.dialect == dialect) return &d;
  }
  return nullptr;
}

namespace {

// The state of parse_revision(): which section a line goes to, and what was read so far.
class RevisionParser {
 public:
  RevisionParser(std::string_view file_name) : file_(file_name) {
    r_.file_name = file_name;
    r_.id = leading_digits(file_name);
    if (r_.id.empty()) fail(file_, 1, "a revision file name must start with its id (0001_...)");
  }

  void line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no_;
    // A directive may be indented: sections are stored trimmed, so an indented one inside a
    // section would turn into a real one when the revision is written back.
    const std::string_view directive = trim(line);
    if (directive.substr(0, kDirective.size()) == kDirective) {
      this->directive(line, directive, trim(directive.substr(kDirective.size())));
      return;
    }
    switch (section_) {
      case Section::kHeader:
        break;  // free comments before the Up section
      case Section::kUp:
      case Section::kDown:
      case Section::kOtherUp:
      case Section::kOtherDown:
        if (has_statement(line)) awaiting_statement_ = 0;
        sql().append(line).push_back('\n');
        break;
      case Section::kSchema: {
        const std::string_view json = trim(line);
        if (json.empty()) break;
        if (json.substr(0, 2) != "--") fail(file_, line_no_, "schema lines must be comments");
        schema_.append(trim(json.substr(2))).push_back('\n');
        break;
      }
    }
  }

  Revision finish() {
    expect_no_pending_marker();
    if (section_ == Section::kHeader || section_ == Section::kUp || section_ == Section::kOtherUp) {
      fail(file_, line_no_, "missing '-- +retort Up' and '-- +retort Down' sections");
    }
    for (const DialectSections& d : r_.dialects) {
      if (!seen_.count(d.dialect)) {
        fail(file_, line_no_,
             "'baseline " + d.dialect + "' but no '-- +retort Up " + d.dialect + "' section");
      }
    }
    r_.has_sqlite = seen_.count(kSqlite) > 0;
    r_.up_sql = normalize_sql(up_);
    r_.down_sql = normalize_sql(down_);
    for (DialectSections& d : r_.dialects) {
      d.up_sql = normalize_sql(d.up_sql);
      d.down_sql = normalize_sql(d.down_sql);
    }
    r_.schema_json = std::string(trim(schema_));
    r_.checksum = revision_checksum(r_.up_sql, r_.down_sql, r_.dialects);
    return std::move(r_);
  }

 private:
  std::string& sql() {
    switch (section_) {
      case Section::kUp:
        return up_;
      case Section::kDown:
        return down_;
      case Section::kOtherUp:
        return other().up_sql;
      default:
        return other().down_sql;
    }
  }
  DialectSections& other() {
    return *std::find_if(r_.dialects.begin(), r_.dialects.end(),
                         [this](const DialectSections& d) { return d.dialect == other_; });
  }

  // A `no-transaction` marker must be followed by its statement within its section.
  void expect_no_pending_marker() {
    if (awaiting_statement_ != 0) {
      fail(file_, awaiting_statement_,
           "'-- +retort no-transaction' must be followed by the statement it runs");
    }
  }

  // A section starts: `-- +retort Up [dialect]`, `Down [dialect]`, `Schema`.
  bool section_start(std::string_view body) {
    const std::size_t space = body.find(' ');
    const std::string_view word = body.substr(0, space);
    const std::string dialect =
        space == std::string_view::npos ? std::string() : std::string(trim(body.substr(space)));
    const bool sql_ended = section_ == Section::kDown || section_ == Section::kOtherDown;
    if (word == "Up" && dialect.empty() && section_ == Section::kHeader) {
      section_ = Section::kUp;
      seen_.insert(kSqlite);
    } else if (word == "Down" && dialect.empty() && section_ == Section::kUp) {
      section_ = Section::kDown;
    } else if (word == "Up" && !dialect.empty() && (section_ == Section::kHeader || sql_ended)) {
      if (!known_dialect(dialect)) {
        fail(file_, line_no_, "unknown dialect '" + dialect + "' (known: postgresql)");
      }
      if (!seen_.insert(dialect).second) {
        fail(file_, line_no_, "a second '-- +retort Up " + dialect + "' section");
      }
      if (!r_.sections(dialect)) r_.dialects.push_back({dialect, {}, {}, false});
      other_ = dialect;
      section_ = Section::kOtherUp;
    } else if (word == "Down" && dialect == other_ && section_ == Section::kOtherUp) {
      section_ = Section::kOtherDown;
    } else if (body == "Schema" && sql_ended) {
      section_ = Section::kSchema;
    } else {
      return false;
    }
    return true;
  }

  void directive(std::string_view line, std::string_view directive, std::string_view body) {
    // Only a lock marker may stand between `no-transaction` and its statement.
    const std::optional<SectionPart> read = section_marker(body);
    if (!read || read->kind != SectionPart::Kind::kLock) expect_no_pending_marker();
    if (section_start(body)) return;
    const bool in_sql = section_ != Section::kHeader && section_ != Section::kSchema;
    if (section_ == Section::kHeader) {
      apply_header(r_, body, file_, line_no_);
    } else if (const auto marker = in_sql ? section_marker(body) : std::nullopt) {
      if (postgresql_marker(marker->kind) &&
          (section_ == Section::kUp || section_ == Section::kDown)) {
        fail(file_, line_no_,
             "'" + std::string(directive) +
                 "' belongs in a PostgreSQL section: SQLite runs each revision in one "
                 "transaction");
      }
      if (marker->kind == SectionPart::Kind::kNoTransaction) awaiting_statement_ = line_no_;
      if (marker->kind == SectionPart::Kind::kHook) {
        const std::string problem = hook_name_problem(marker->text);
        if (!problem.empty()) fail(file_, line_no_, problem);
        const bool named = std::any_of(r_.hooks.begin(), r_.hooks.end(),
                                       [&](const Hook& h) { return h.name == marker->text; });
        if (!named) r_.hooks.push_back({marker->text, nullptr, nullptr});
      }
      // A marker stays in its section's text, so the checksum and the stored down script
      // keep it; written back unindented.
      sql().append(directive).push_back('\n');
    } else if (in_sql && body.substr(0, kFunctionMarker.size()) == kFunctionMarker) {
      // `function: NAME/N`: SQLite calls the application's function NAME while the section
      // runs (retort/detail/functions.hpp); a comment to SQLite, so no part of its own.
      if (!detail::parse_function_marker(body.substr(kFunctionMarker.size()))) {
        fail(file_, line_no_,
             "a function marker names the function and its number of arguments: '" +
                 std::string(kDirective) + "function: title_sort/1'");
      }
      sql().append(directive).push_back('\n');
    } else {
      fail(file_, line_no_, "unexpected '" + std::string(line) + "'");
    }
  }

  std::string_view file_;
  Revision r_;
  Section section_ = Section::kHeader;
  std::string other_;           ///< the dialect of kOtherUp / kOtherDown
  std::set<std::string> seen_;  ///< dialects whose Up section was read ("sqlite" too)
  std::string up_, down_, schema_;
  int line_no_ = 0;
  int awaiting_statement_ = 0;  ///< the line of a `no-transaction` marker not yet followed by SQL
};

}  // namespace

Revision parse_revision(std::string_view text, std::string_view file_name) {
  RevisionParser parser(file_name);
  for_each_line(text, [&parser](std::string_view line) { parser.line(line); });
  return parser.finish();
}

}  // namespace retort

namespace retort::detail {

bool is_cpp_keyword(std::string_view word) {
  return std::find(std::begin(kCppKeywords), std::end(kCppKeywords), word) !=
         std::end(kCppKeywords);
}

}  // namespace retort::detail
