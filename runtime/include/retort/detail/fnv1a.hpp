// FNV-1a/64, Retort's one hash: revision checksums, the start-up fingerprint, the PCH key.
#ifndef RETORT_DETAIL_FNV1A_HPP
#define RETORT_DETAIL_FNV1A_HPP

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace retort {

class Fnv1a {
 public:
  void add(std::string_view bytes) {
    for (const char c : bytes) add(static_cast<unsigned char>(c));
  }
  void add(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 1099511628211ull;
  }
  /// `bytes` then a NUL: parts of a key that cannot run into each other.
  void add_part(std::string_view bytes) {
    add(bytes);
    add(static_cast<unsigned char>(0));
  }
  std::uint64_t value() const { return hash_; }
  /// The value as 16 lowercase hex digits.
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
    return buf;
  }

 private:
  std::uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace retort

#endif  // RETORT_DETAIL_FNV1A_HPP
