// The example's second model, as in the SPEC: a post belongs to a user.
#pragma once

#include <cstdint>
#include <retort/annotations.hpp>
#include <string>

struct RETORT_TABLE("posts") RETORT_INDEX_ON("ix_posts_author_time", "author_id, created_at") Post {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_REFERENCES("users", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;
  RETORT_RENAMED_FROM("title") std::string headline;  // a rename, not drop + add
  RETORT_COLUMN("body_text") std::string body;
  RETORT_DEFAULT("CURRENT_TIMESTAMP") std::string created_at;
};
