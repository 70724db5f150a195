// FNV-1a/64, Retort's one hash: revision checksums, the start-up fingerprint, the PCH key.
#ifndef RETORT_DETAIL_FNV1A_HPP
#define RETORT_DETAIL_FNV1A_HPP

#include <cstdint>
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
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace retort

#endif  // RETORT_DETAIL_FNV1A_HPP
