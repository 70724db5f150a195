// FNV-1a/64, the runtime's one hash: revision checksums and the start-up fingerprint.
#ifndef RETORT_RUNTIME_FNV1A_HPP
#define RETORT_RUNTIME_FNV1A_HPP

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

#endif  // RETORT_RUNTIME_FNV1A_HPP
