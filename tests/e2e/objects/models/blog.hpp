#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("authors") Author {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
};

struct RETORT_TABLE("posts") Post {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_REFERENCES("authors", "id") std::int64_t author_id;
  std::string title;
  std::string body;
  RETORT_DEFAULT("0") std::int64_t edits;
};
