#pragma once
#include <cstdint>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("operators") Operator {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_UNIQUE std::string login;
};
