// A device's readings. One column exists only where the models are compiled for aarch64: the
// revision a cross build writes shows which machine its scan parsed for.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("readings") Reading {
  RETORT_PRIMARY_KEY std::int64_t id;
  long value;  // the target's long, as its compiler sees it
  std::size_t samples;
  std::optional<std::string> note;
#if defined(__aarch64__) || defined(DEVICE_AS_AARCH64)
  RETORT_DEFAULT("'arm64'") std::string board;
#else
  RETORT_DEFAULT("'other'") std::string build_machine;
#endif
};
