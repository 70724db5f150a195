// The target's sequences after a copy: set past the copied keys, an insert without the key
// proven, and put back as they were when the transfer fails (sequences ignore ROLLBACK).
#ifndef RETORT_RUNTIME_TRANSFER_SEQUENCES_HPP
#define RETORT_RUNTIME_TRANSFER_SEQUENCES_HPP

#include <optional>
#include <string>
#include <vector>

#include "transfer_plan.hpp"

namespace retort::detail::transfer {

/// A sequence's position, as setval() takes it.
struct SequenceState {
  std::string name;
  std::string last_value;
  bool is_called = false;
};

/// The positions of every sequence of `plan`. Throws Error.
std::vector<SequenceState> read_sequences(PGconn* conn, const Plan& plan);

/// Puts the sequences back; "" when done, else the server's message.
std::string restore_sequences(PGconn* conn, const std::vector<SequenceState>& states);

/// Sets each sequence of `table` to the larger of its column's largest value and SQLite's
/// AUTOINCREMENT counter, so that the next default follows every copied key. Returns
/// "column sequence" for each one set (none for an empty table). Throws Error.
std::vector<std::string> set_sequences(PGconn* conn, const TablePlan& table);

/// Inside a savepoint rolled back, inserts a copy of the row with the largest key without its
/// sequence columns, and checks that the key its default drew is new (when the copy collides on
/// another unique column, ON CONFLICT DO NOTHING skips it and the drawn key is looked up). The
/// sequence is put back. Returns the key drawn; std::nullopt when the table has no sequence or
/// no row. Throws Error when the insert fails or the key is taken.
std::optional<std::int64_t> prove_insert(PGconn* conn, const TablePlan& table, std::int64_t rows);

}  // namespace retort::detail::transfer

#endif  // RETORT_RUNTIME_TRANSFER_SEQUENCES_HPP
