#pragma once
#include <cstdint>
#include <retort/annotations.hpp>

namespace shop {
// A mixin: its members become the first columns of every model deriving from it.
struct Audited {
  RETORT_DEFAULT("1") std::int32_t version;
};
}  // namespace shop
