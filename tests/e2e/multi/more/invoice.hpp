#pragma once
#include <cstdint>
#include <retort/annotations.hpp>

struct RETORT_TABLE("invoices") Invoice {
  RETORT_PRIMARY_KEY std::int64_t id;
  RETORT_REFERENCES("customers", "id") std::int64_t customer_id;
  double amount;
};
