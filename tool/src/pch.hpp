// The PCH of the standard headers the models include, cached between scans.
#ifndef RETORT_TOOL_PCH_HPP
#define RETORT_TOOL_PCH_HPP

#include <string>
#include <vector>

#include "libclang.hpp"

namespace retort {

/// The standard library headers the model files include directly (angle brackets, no
/// extension: <string>, <optional>, ...), in one sorted prelude: what a PCH can hold, since
/// those headers do not change between builds. "" when they include none.
std::string prelude_of(const std::vector<std::string>& model_files);

/// The PCH of `prelude` under `args` (which start with "-x", "c++") in `dir`, built
/// (atomically) when missing; "" when it cannot be built. Keyed on libclang's version, the
/// arguments and the prelude. libclang must have loaded.
std::string cached_pch(CXIndex index, const std::string& dir, const std::string& prelude,
                       const std::vector<std::string>& args);

}  // namespace retort

#endif  // RETORT_TOOL_PCH_HPP
