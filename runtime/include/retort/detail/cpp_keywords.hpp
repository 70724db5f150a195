// C++'s keywords, shared by the runtime (hook names) and the tool (adopted models' members).
#ifndef RETORT_DETAIL_CPP_KEYWORDS_HPP
#define RETORT_DETAIL_CPP_KEYWORDS_HPP

#include <string_view>

namespace retort::detail {

/// A C++ keyword or alternative token (`class`, `and`, ...), which cannot name a function or a
/// member.
bool is_cpp_keyword(std::string_view word);

}  // namespace retort::detail

#endif  // RETORT_DETAIL_CPP_KEYWORDS_HPP
