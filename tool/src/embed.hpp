// The C++ source that compiles a migration repository into the application.
#ifndef RETORT_TOOL_EMBED_HPP
#define RETORT_TOOL_EMBED_HPP

#include <string>

#include "repository.hpp"

namespace retort {

/// The C++ source that embeds every revision file's text and defines
/// retort::embedded_revisions().
std::string render_embed_source(const Repository& repository);

}  // namespace retort

#endif  // RETORT_TOOL_EMBED_HPP
