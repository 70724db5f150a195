#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <retort/annotations.hpp>

struct RETORT_TABLE("customers") Customer {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_UNIQUE RETORT_TYPE("VARCHAR(64)") std::string email;
  RETORT_DEFAULT("1") bool active;
  std::int32_t visits;
  std::optional<std::vector<std::uint8_t>> avatar;
};

struct RETORT_TABLE("orders") RETORT_INDEX_ON("ix_orders_customer_total", "customer_id, total DESC") Order {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_REFERENCES("customers", "id") RETORT_ON_DELETE("CASCADE") std::int64_t customer_id;
  RETORT_CHECK("total >= 0") double total;
  RETORT_TYPE_FOR("postgresql", "JSONB") RETORT_DEFAULT_FOR("postgresql", "'{}'") std::optional<std::string> notes;
};
