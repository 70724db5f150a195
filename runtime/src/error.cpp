// The exception tree's out-of-line parts.
#include "retort/error.hpp"

namespace retort {

MigrationError::MigrationError(std::string revision, std::string statement,
                               std::string sqlite_message, std::vector<std::string> applied)
    : Error("revision '" + revision + "' failed at statement '" + statement +
            "': " + sqlite_message),
      revision_(std::move(revision)),
      statement_(std::move(statement)),
      sqlite_message_(std::move(sqlite_message)),
      applied_(std::move(applied)) {}

}  // namespace retort
