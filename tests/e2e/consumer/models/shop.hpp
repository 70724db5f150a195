#pragma once
#include <cstdint>
#include <retort/annotations.hpp>
#include <shop/audit.hpp>
// std::optional and std::string come through a project header that includes them.
#include "types.hpp"

struct RETORT_TABLE("users") User : shop::Audited {
  RETORT_PRIMARY_KEY RETORT_AUTOINCREMENT std::int64_t id;
  RETORT_UNIQUE RETORT_INDEX RETORT_TYPE("VARCHAR(64)") std::string username;
  RETORT_UNIQUE RETORT_INDEX std::optional<std::string> email;
#ifdef SHOP_WITH_NICKNAMES
  std::optional<std::string> nickname;
#endif
};
