// Test helpers over the pipeline: a small parent/child schema, and sealing a revision of it.
#ifndef RETORT_TESTS_REPOSITORY_SUPPORT_HPP
#define RETORT_TESTS_REPOSITORY_SUPPORT_HPP

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "pipeline.hpp"
#include "schema_support.hpp"

namespace retort::testing {

inline Schema parent_child() {
  Table parent;
  parent.name = "parent";
  parent.columns = {col("id", "INTEGER"), col("name", "TEXT"), col("note", "TEXT", false)};
  parent.primary_key = {"id"};
  parent.indexes = {{"uq_parent_name", {"name"}, true}};
  Table child;
  child.name = "child";
  child.columns = {col("id", "INTEGER"), col("parent_id", "INTEGER")};
  child.primary_key = {"id"};
  child.foreign_keys = {
      {"fk_child_parent_id_parent", {"parent_id"}, "parent", {"id"}, "CASCADE", "", {}}};
  Schema s{{parent, child}};
  sort_tables(s);
  return s;
}

// Plans, verifies, writes and seals one revision; returns its id.
inline std::string seal(const std::filesystem::path& dir, const Schema& models,
                        const std::string& message) {
  const Repository repo = load_repository(dir);
  const Draft draft = plan_draft(repo, models, true);
  EXPECT_TRUE(draft.report.ok()) << (draft.report.problems.empty() ? "" : draft.report.problems[0]);
  EXPECT_TRUE(draft.revision.has_value());
  write_draft(repo, draft.revision);
  seal_draft(load_repository(dir), message);
  return draft.revision->id;
}

}  // namespace retort::testing

#endif  // RETORT_TESTS_REPOSITORY_SUPPORT_HPP
