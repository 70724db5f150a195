// Revision files: parsing, rendering, checksums, the chain, section markers.
#include "retort/revision.hpp"

#include <gtest/gtest.h>

#include "retort/error.hpp"
#include "revision_support.hpp"

namespace retort {
namespace {

using testing::revision;
using testing::two_revisions;

TEST(RevisionTest, RenderAndParseRoundTrip) {
  Revision r = revision("0007", "0006", "CREATE TABLE t (x);", "DROP TABLE t;");
  r.destructive = {"drop table \"x\""};
  r.foreign_keys_off = true;
  r.schema_json = "{\"name\":\"t\"}";
  r.rebased_from = {"0004 0123456789abcdef", "0006 fedcba9876543210"};
  const Revision back = parse_revision(render_revision(r), r.file_name);
  EXPECT_EQ(back.rebased_from, r.rebased_from);
  EXPECT_EQ(back.id, "0007");
  EXPECT_EQ(back.parent, "0006");
  EXPECT_EQ(back.message, "rev 0007");
  EXPECT_EQ(back.destructive, r.destructive);
  EXPECT_TRUE(back.foreign_keys_off);
  EXPECT_EQ(back.up_sql, "CREATE TABLE t (x);");
  EXPECT_EQ(back.down_sql, "DROP TABLE t;");
  EXPECT_EQ(back.schema_json, r.schema_json);
  EXPECT_EQ(back.checksum, r.checksum);
}

TEST(RevisionTest, MalformedFilesNameFileAndLine) {
  EXPECT_THROW(parse_revision("-- +retort Up\nSELECT 1;\n", "0001_x.sql"), Error);
  try {
    parse_revision("-- +retort bogus: 1\n-- +retort Up\n-- +retort Down\n", "0001_x.sql");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "0001_x.sql:1: unknown header 'bogus'");
  }
}

TEST(RevisionTest, IndentedDirectiveIsADirective) {
  // Found by fuzz_revision: an indented "-- +retort Schema" inside Down was kept as SQL, then
  // written back unindented, where it is a directive.
  const Revision r = parse_revision(
      "-- +retort Up\nCREATE TABLE a (x);\n-- +retort Down\n\t-- +retort Schema\n-- {}\n",
      "0001_x.sql");
  EXPECT_EQ(r.down_sql, "");
  EXPECT_EQ(parse_revision(render_revision(r), "0001_x.sql").down_sql, r.down_sql);
}

TEST(RevisionTest, ChecksumIgnoresLineEndingsAndMessage) {
  EXPECT_EQ(revision_checksum("A;\r\nB;  \n", "C;"), revision_checksum("A;\nB;", "C;\n\n"));
  EXPECT_NE(revision_checksum("A;", "C;"), revision_checksum("A;", "D;"));
}

TEST(RevisionTest, LoadRevisionsChecksTheChain) {
  const std::string a = render_revision(two_revisions()[0]);
  const std::string b = render_revision(two_revisions()[1]);
  EXPECT_EQ(load_revisions({{"0002_rev.sql", b.c_str()}, {"0001_rev.sql", a.c_str()}}).size(), 2u);
  EXPECT_THROW(load_revisions({{"0002_rev.sql", b.c_str()}}), Error);
  // Two branches' revisions with one id: both files and the rebase that fixes it.
  try {
    load_revisions(
        {{"0001_rev.sql", a.c_str()}, {"0002_rev.sql", b.c_str()}, {"0002_other.sql", b.c_str()}});
    ADD_FAILURE() << "two revisions 0002 loaded";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'retort rebase 0002_rev'"), std::string::npos) << what;
    EXPECT_NE(what.find("'retort rebase 0002_other'"), std::string::npos) << what;
  }
}

TEST(RevisionTest, MarkersStayInTheirSectionAndSplitIt) {
  const std::string text =
      "-- +retort parent: base\n\n-- +retort Up\nCREATE TABLE _n (a);\n"
      "   -- +retort copy: my table\nINSERT INTO _n SELECT a FROM \"my table\";\n"
      "DROP TABLE \"my table\";\n\n-- +retort Down\nSELECT 1;\n";
  const Revision r = parse_revision(text, "0001_x.sql");
  EXPECT_NE(r.up_sql.find("\n-- +retort copy: my table\n"), std::string::npos) << r.up_sql;
  EXPECT_EQ(parse_revision(render_revision(r), "0001_x.sql").up_sql, r.up_sql);
  const std::vector<SectionPart> parts = split_section(r.up_sql);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].kind, SectionPart::Kind::kSql);
  EXPECT_EQ(parts[0].text, "CREATE TABLE _n (a);\n");
  EXPECT_EQ(parts[1].kind, SectionPart::Kind::kCopy);
  EXPECT_EQ(parts[1].text, "my table");
  EXPECT_EQ(parts[2].kind, SectionPart::Kind::kSql);
  EXPECT_EQ(copy_marker("my table"), "-- +retort copy: my table");

  std::string without = text;
  without.erase(without.find("   -- +retort copy: my table\n"), 30);
  EXPECT_NE(parse_revision(without, "0001_x.sql").checksum, r.checksum);  // markers count
}

TEST(RevisionTest, UnknownMarkerInASectionIsAnErrorAtItsLine) {
  try {
    parse_revision("-- +retort Up\nSELECT 1;\n-- +retort frobnicate: x\n-- +retort Down\n",
                   "0001_x.sql");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("0001_x.sql:3: unexpected"), std::string::npos)
        << e.what();
  }
}

// PostgreSQL's sections run in phases: `commit` ends a transaction, `no-transaction` runs the
// SQL up to the next marker (one statement) alone outside one; lock certificates stand before
// their statements.
TEST(RevisionTest, PostgresqlMarkersSplitASectionIntoPhases) {
  const std::string text =
      "-- +retort Up\n\n-- +retort Down\n\n-- +retort Up postgresql\n"
      "-- +retort lock: t ACCESS EXCLUSIVE\nALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT "
      "VALID;\nALTER TABLE t ADD COLUMN y INTEGER;\n-- +retort commit\n"
      "-- +retort no-transaction\n-- +retort lock: t SHARE UPDATE EXCLUSIVE\n"
      "CREATE INDEX CONCURRENTLY ix ON t (x);\n-- +retort commit\n"
      "ALTER TABLE t VALIDATE CONSTRAINT c;\n-- +retort hook: after\n"
      "-- +retort commit\n-- +retort commit\n\n"
      "-- +retort Down postgresql\nDROP INDEX ix;\n";
  const Revision r = parse_revision(text, "0001_x.sql");
  const std::string& up = r.sections(kPostgresql)->up_sql;
  const std::vector<SectionPhase> phases = section_phases(up);
  ASSERT_EQ(phases.size(), 3u) << up;
  EXPECT_TRUE(phases[0].transaction);
  ASSERT_EQ(phases[0].parts.size(), 2u);
  EXPECT_EQ(phases[0].parts[0].kind, SectionPart::Kind::kLock);
  EXPECT_EQ(phases[0].parts[0].text, "t ACCESS EXCLUSIVE");
  EXPECT_FALSE(phases[1].transaction);
  ASSERT_EQ(phases[1].parts.size(), 2u);
  EXPECT_EQ(phases[1].parts[1].text, "CREATE INDEX CONCURRENTLY ix ON t (x);\n");
  EXPECT_TRUE(phases[2].transaction);
  EXPECT_EQ(phases[2].parts.back().kind, SectionPart::Kind::kHook);
  EXPECT_EQ(section_phases(r.sections(kPostgresql)->down_sql).size(), 1u);
  EXPECT_EQ(section_phases("").size(), 0u);
  // The markers are part of the section, so of the checksum.
  std::string without = text;
  without.erase(without.find("-- +retort commit\n"), 18);
  EXPECT_NE(parse_revision(without, "0001_x.sql").checksum, r.checksum);
  EXPECT_EQ(parse_revision(render_revision(r), "0001_x.sql").checksum, r.checksum);
}

TEST(RevisionTest, PhaseMarkersAreRefusedInSqliteSectionsAndNeedTheirStatement) {
  const auto error = [](const std::string& text) {
    try {
      parse_revision(text, "0001_x.sql");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("-- +retort Up\nSELECT 1;\n-- +retort commit\nSELECT 2;\n-- +retort Down\n"),
            "0001_x.sql:3: '-- +retort commit' belongs in a PostgreSQL section: SQLite runs each "
            "revision in one transaction");
  EXPECT_EQ(error("-- +retort Up\n-- +retort Down\n-- +retort Up postgresql\n"
                  "-- +retort no-transaction\n-- just a comment\n-- +retort commit\nSELECT 1;\n"
                  "-- +retort Down postgresql\n"),
            "0001_x.sql:4: '-- +retort no-transaction' must be followed by the statement it runs");
  EXPECT_EQ(error("-- +retort Up\n-- +retort Down\n-- +retort Up postgresql\nSELECT 1;\n"
                  "-- +retort no-transaction\n-- +retort Down postgresql\n"),
            "0001_x.sql:5: '-- +retort no-transaction' must be followed by the statement it runs");
}

}  // namespace
}  // namespace retort
