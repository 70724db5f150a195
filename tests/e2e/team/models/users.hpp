#pragma once
#include <cstdint>
#include <optional>
#include <retort/annotations.hpp>
#include <string>

struct RETORT_TABLE("users") User {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
};
