#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("authors") Author {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_UNIQUE_CONSTRAINT std::string name;
};

// A title is unique among the posts not deleted, whatever its case; the newest come first.
struct RETORT_TABLE("posts")
    RETORT_UNIQUE_ON("uq_posts_live_title", "lower(title)", "deleted_at IS NULL")
    RETORT_INDEX_ON("ix_posts_newest", "id DESC") Post {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_REFERENCES("authors", "id") RETORT_DEFERRED std::int64_t author_id;
  std::string title;
  std::string body;
  RETORT_DEFAULT("0") std::int64_t edits;
  RETORT_GENERATED("length(body)") std::int64_t body_length;
  std::optional<std::string> deleted_at;
};
