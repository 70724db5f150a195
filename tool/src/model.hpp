// The scanner's output: annotated C++ classes as plain data, before any schema rule is applied.
#ifndef RETORT_TOOL_MODEL_HPP
#define RETORT_TOOL_MODEL_HPP

#include <string>
#include <vector>

#include "diagnostic.hpp"

namespace retort {

/// What a member's C++ type stores, after std::optional is unwrapped.
enum class ValueKind { kBool, kInteger, kReal, kText, kBlob, kUnsupported };

/// One `retort:<key>` annotation with its arguments.
struct Annotation {
  std::string key;
  std::vector<std::string> args;
  SourceLoc loc;

  friend bool operator==(const Annotation&, const Annotation&) = default;
};

/// A data member of a model class (or of one of its bases).
struct ModelField {
  std::string name;
  SourceLoc loc;
  ValueKind kind = ValueKind::kUnsupported;
  bool optional = false;      ///< the member is a std::optional<T>
  std::string type_spelling;  ///< the type as the author wrote it, for messages
  /// kInteger and kReal: the size of the C++ type in bytes (std::int16_t: 2, double: 8), for
  /// dialects whose types have widths; 0 for the other kinds.
  int bytes = 0;
  bool is_unsigned = false;             ///< kInteger: an unsigned type
  bool is_enum = false;                 ///< kInteger: an enumeration
  std::vector<Annotation> annotations;  ///< in source order

  friend bool operator==(const ModelField&, const ModelField&) = default;
};

/// A class that carries class-position annotations, with its fields, bases' fields first.
struct ModelClass {
  std::string name;
  SourceLoc loc;
  std::vector<Annotation> annotations;  ///< in source order
  std::vector<ModelField> fields;

  friend bool operator==(const ModelClass&, const ModelClass&) = default;
};

}  // namespace retort

#endif  // RETORT_TOOL_MODEL_HPP
