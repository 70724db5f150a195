// The runtime's planner on hand-built rows and revisions: no SQLite.
#include "plan.hpp"

#include <gtest/gtest.h>

#include "retort/error.hpp"

namespace retort::detail {
namespace {

Revision rev(const std::string& id, const std::string& checksum, bool draft = false) {
  Revision r;
  r.id = id;
  r.checksum = checksum;
  r.draft = draft;
  r.down_sql = "-- down " + id;
  return r;
}

AppliedRow row(const std::string& id, const std::string& checksum, bool draft = false) {
  return {id, checksum, draft, false, "-- stored down " + id};
}

// Each step as "apply 0002", "revert 0003", "seal 0001".
std::vector<std::string> describe(const std::vector<Step>& steps) {
  std::vector<std::string> out;
  for (const Step& s : steps) {
    const char* verb = s.kind == Step::kApply    ? "apply "
                       : s.kind == Step::kRevert ? "revert "
                                                 : "seal ";
    out.push_back(verb + s.revision);
  }
  return out;
}

const std::vector<Revision> kThree = {rev("0001", "a"), rev("0002", "b"), rev("0003", "c")};

TEST(PlanTest, UpgradeAppliesWhatIsMissingUpToTheTarget) {
  EXPECT_EQ(describe(plan_upgrade({}, kThree, "head")),
            (std::vector<std::string>{"apply 0001", "apply 0002", "apply 0003"}));
  EXPECT_EQ(describe(plan_upgrade({row("0001", "a")}, kThree, "0002")),
            std::vector<std::string>{"apply 0002"});
  EXPECT_EQ(describe(plan_upgrade({row("0001", "a")}, kThree, "+1")),
            std::vector<std::string>{"apply 0002"});
  EXPECT_TRUE(
      plan_upgrade({row("0001", "a"), row("0002", "b"), row("0003", "c")}, kThree, "head").empty());
}

TEST(PlanTest, UpgradeRefusesUnknownChangedAndPastTargets) {
  EXPECT_THROW(plan_upgrade({row("0009", "z")}, kThree, "head"), Error);
  EXPECT_THROW(plan_upgrade({row("0001", "changed")}, kThree, "head"), Error);
  EXPECT_THROW(plan_upgrade({row("0001", "a"), row("0002", "b")}, kThree, "0001"), Error);
  EXPECT_THROW(plan_upgrade({}, kThree, "+4"), Error);
  EXPECT_THROW(plan_upgrade({}, kThree, "nope"), Error);
  EXPECT_THROW(plan_upgrade({}, kThree, "+x"), Error);
}

TEST(PlanTest, ARevisionRenumberedByARebaseIsRefusedWithTheWayBack) {
  // The database applied "0002" with checksum "x", which a rebase moved to 0003.
  std::vector<Revision> rebased = kThree;
  rebased[2].rebased_from = {"0002 x"};
  rebased[2].file_name = "0003_posts.sql";
  try {
    plan_upgrade({row("0001", "a"), row("0002", "x")}, rebased, "head");
    ADD_FAILURE() << "planned";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("renumbered it as '0003' (0003_posts.sql)"), std::string::npos) << what;
    EXPECT_NE(what.find("retort downgrade 0001 --db FILE"), std::string::npos) << what;
  }
  // Another checksum under that id is a changed revision, as before.
  EXPECT_THROW(
      try {
        plan_upgrade({row("0001", "a"), row("0002", "y")}, rebased, "head");
      } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find("renumbered"), std::string::npos);
        throw;
      },
      Error);
  // Going back needs only the rows: the stored down scripts.
  EXPECT_EQ(describe(plan_downgrade({row("0001", "a"), row("0002", "x")}, rebased, "0001")),
            std::vector<std::string>{"revert 0002"});
}

TEST(PlanTest, ChangedDraftIsRevertedWithItsStoredScriptThenApplied) {
  const std::vector<Revision> revisions = {rev("0001", "a"), rev("0002", "new", true)};
  const std::vector<Step> steps =
      plan_upgrade({row("0001", "a"), row("0002", "old", true)}, revisions, "head");
  EXPECT_EQ(describe(steps), (std::vector<std::string>{"revert 0002", "apply 0002"}));
  EXPECT_EQ(steps[0].down_sql, "-- stored down 0002");
  EXPECT_EQ(steps[1].up, &revisions[1]);
}

TEST(PlanTest, SealedDraftIsMarkedSealedNotReapplied) {
  const std::vector<Revision> revisions = {rev("0001", "a")};
  EXPECT_EQ(describe(plan_upgrade({row("0001", "a", true)}, revisions, "head")),
            std::vector<std::string>{"seal 0001"});
}

TEST(PlanTest, DowngradeRevertsNewestFirst) {
  const std::vector<AppliedRow> applied = {row("0001", "a"), row("0002", "b"), row("0003", "c")};
  EXPECT_EQ(describe(plan_downgrade(applied, kThree, "-1")),
            std::vector<std::string>{"revert 0003"});
  EXPECT_EQ(describe(plan_downgrade(applied, kThree, "0001")),
            (std::vector<std::string>{"revert 0003", "revert 0002"}));
  EXPECT_EQ(describe(plan_downgrade(applied, kThree, "base")),
            (std::vector<std::string>{"revert 0003", "revert 0002", "revert 0001"}));
  EXPECT_EQ(describe(plan_downgrade(applied, kThree, "-9")).size(), 3u);
  EXPECT_THROW(plan_downgrade({row("0001", "a")}, kThree, "0003"), Error);
}

TEST(PlanTest, AfterFollowsEachKindOfStep) {
  std::vector<AppliedRow> rows = {row("0001", "a", true)};
  rows = after(rows, {Step::kMarkSealed, "0001", false, nullptr, {}});
  EXPECT_FALSE(rows[0].draft);
  rows = after(rows, {Step::kApply, "0002", false, &kThree[1], {}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].checksum, "b");
  rows = after(rows, {Step::kRevert, "0002", false, nullptr, {}});
  EXPECT_EQ(rows.size(), 1u);
}

TEST(PlanTest, TargetsByPrefixMustBeUnique) {
  const std::vector<Revision> revisions = {rev("0010", "a"), rev("0011", "b")};
  EXPECT_EQ(target_count(revisions, "0011", 0), 2u);
  EXPECT_THROW(target_count(revisions, "001", 0), Error);
}

// A row applied in part (a phase committed, then a kill): finished first, in the direction it
// was going, with the section stored when it started; then the plan goes on from there.
AppliedRow partial_row(const std::string& id, const std::string& checksum, bool reverting,
                       int phases_done) {
  AppliedRow r = row(id, checksum);
  r.partial = Partial{reverting, phases_done, "-- stored section " + id};
  return r;
}

TEST(PlanTest, ARevisionAppliedInPartIsFinishedFirstInItsDirection) {
  const std::vector<AppliedRow> up = {row("0001", "a"), partial_row("0002", "b", false, 2)};
  const std::vector<Step> steps = plan_upgrade(up, kThree, "head");
  EXPECT_EQ(describe(steps), (std::vector<std::string>{"apply 0002", "apply 0003"}));
  EXPECT_EQ(steps[0].phases_done, 2);
  EXPECT_EQ(steps[0].section, "-- stored section 0002");
  EXPECT_EQ(steps[1].section, std::nullopt);
  // Downgrading finishes it first too; the target counts from there.
  EXPECT_EQ(describe(plan_downgrade(up, kThree, "-1")),
            (std::vector<std::string>{"apply 0002", "revert 0002"}));
  // A revert stopped part of the way is finished, then the revision applied again.
  const std::vector<AppliedRow> down = {row("0001", "a"), partial_row("0002", "b", true, 1)};
  EXPECT_EQ(describe(plan_upgrade(down, kThree, "head")),
            (std::vector<std::string>{"revert 0002", "apply 0002", "apply 0003"}));
  // "-1" is the revert that stopped: finishing it is the one step.
  EXPECT_EQ(describe(plan_downgrade(down, kThree, "-1")), std::vector<std::string>{"revert 0002"});
  EXPECT_EQ(describe(plan_downgrade(down, kThree, "-2")),
            (std::vector<std::string>{"revert 0002", "revert 0001"}));
  EXPECT_EQ(describe(plan_downgrade(down, kThree, "base")),
            (std::vector<std::string>{"revert 0002", "revert 0001"}));
  EXPECT_EQ(after(up, steps[0]), (std::vector<AppliedRow>{row("0001", "a"), row("0002", "b")}));
}

TEST(PlanTest, ARelativeTargetIsFixedWhereTheFirstPlanEnds) {
  const std::vector<AppliedRow> three = {row("0001", "a"), row("0002", "b"), row("0003", "c")};
  EXPECT_EQ(absolute_target(three, plan_downgrade(three, kThree, "-2"), "-2"), "0001");
  EXPECT_EQ(absolute_target(three, plan_downgrade(three, kThree, "-3"), "-3"), "base");
  EXPECT_EQ(absolute_target({}, plan_upgrade({}, kThree, "+2"), "+2"), "0002");
  EXPECT_EQ(absolute_target({}, {}, "head"), "head");
}

TEST(PlanTest, ARevisionAppliedInPartThatTheProgramLacksOrChangedIsRefused) {
  EXPECT_THROW(plan_upgrade({partial_row("0009", "z", false, 1)}, kThree, "head"), Error);
  EXPECT_THROW(plan_upgrade({partial_row("0001", "changed", false, 1)}, kThree, "head"), Error);
  EXPECT_THROW(plan_upgrade({partial_row("0001", "a", false, 1), row("0002", "b")}, kThree, "head"),
               Error);
  // A draft changed since: finished with its stored section, then reverted and applied anew.
  const std::vector<Revision> draft = {rev("0001", "a"), rev("0002", "new", true)};
  AppliedRow old = partial_row("0002", "old", false, 1);
  old.draft = true;
  EXPECT_EQ(describe(plan_upgrade({row("0001", "a"), old}, draft, "head")),
            (std::vector<std::string>{"apply 0002", "revert 0002", "apply 0002"}));
}

}  // namespace
}  // namespace retort::detail
