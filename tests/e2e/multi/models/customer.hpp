#pragma once
#include <cstdint>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("customers") Customer {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
};
