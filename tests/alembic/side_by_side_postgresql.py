"""Retort next to SQLAlchemy/Alembic on PostgreSQL: the same schema declared both ways must
reflect the same, through SQLAlchemy's PostgreSQL inspector (psycopg2).

For each scenario, every version of the C++ models is sealed with `retort migrate --models
--dialects sqlite,postgresql` (each PostgreSQL section proven on the server first) and applied to
a fresh PostgreSQL database with `retort upgrade --db <connection string>`, so that database went
through every revision's PostgreSQL sections; the last version's SQLAlchemy tables are created
with `create_all` on another fresh database, under a naming convention equal to docs/naming.md.
SQLAlchemy's inspector must read the same tables, columns (type, nullability, default, identity,
generated expression), primary keys, foreign keys (actions and deferrability), indexes (partial
and expression ones by their definition), unique and CHECK constraints, names included, from
both; and Alembic's `compare_metadata` must find the same differences in both databases.

Usage: side_by_side_postgresql.py RETORT ANNOTATIONS_INCLUDE_DIR WORK_DIR
The server: RETORT_POSTGRESQL_URL (a libpq connection string without dbname), as the suite's
fixture sets it.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (BIGINT, BOOLEAN, INTEGER, REAL, SMALLINT, TEXT, VARCHAR,
                        CheckConstraint, Column, Computed, ForeignKey, Identity, Index, MetaData,
                        PrimaryKeyConstraint, Table, UniqueConstraint, create_engine, func,
                        inspect, text)
from sqlalchemy.dialects.postgresql import BYTEA, DOUBLE_PRECISION, JSONB

NAMING = {  # docs/naming.md
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}
HEADER = "#include <cstdint>\n#include <optional>\n#include <string>\n#include <vector>\n" \
         "#include <retort/annotations.hpp>\n"

# --- Scenario 1: the SPEC's models, evolved through renames, a new table and drops. ------------

USERS_V1 = HEADER + """
struct RETORT_TABLE("users") User {
    RETORT_PRIMARY_KEY RETORT_AUTOINCREMENT std::int64_t id;
    RETORT_UNIQUE RETORT_INDEX RETORT_TYPE("VARCHAR(64)") std::string username;
    RETORT_UNIQUE RETORT_INDEX std::optional<std::string> email;
    std::optional<std::string> password_hash;
};
struct RETORT_TABLE("posts") RETORT_INDEX_ON("ix_posts_author_time", "author_id, created_at") Post {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("users", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;
    std::string title;
    RETORT_COLUMN("body_text") std::string body;
    RETORT_DEFAULT("CURRENT_TIMESTAMP") std::string created_at;
};
"""

# A renamed table and column, a column added with a default, a type widened, a dropped column,
# a new referencing table, an index on a renamed table.
USERS_V2 = HEADER + """
struct RETORT_TABLE("accounts") RETORT_RENAMED_FROM("users") Account {
    RETORT_PRIMARY_KEY RETORT_AUTOINCREMENT std::int64_t id;
    RETORT_UNIQUE RETORT_INDEX RETORT_TYPE("VARCHAR(128)") std::string username;
    RETORT_UNIQUE RETORT_INDEX std::optional<std::string> email;
    RETORT_DEFAULT("0") std::int32_t karma;
};
struct RETORT_TABLE("posts") RETORT_INDEX_ON("ix_posts_author_time", "author_id, created_at") Post {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("accounts", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;
    RETORT_RENAMED_FROM("title") std::string headline;
    RETORT_COLUMN("body_text") std::string body;
    RETORT_DEFAULT("CURRENT_TIMESTAMP") std::string created_at;
    std::optional<double> score;
};
struct RETORT_TABLE("comments") Comment {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("posts", "id") RETORT_ON_DELETE("CASCADE") RETORT_INDEX std::int64_t post_id;
    RETORT_REFERENCES("accounts", "id") RETORT_ON_DELETE("SET NULL") std::optional<std::int64_t> author_id;
    std::string text;
};
"""


def users_v2_tables(md):
    Table("accounts", md,
          Column("id", BIGINT, Identity(), primary_key=True),
          Column("username", VARCHAR(128), nullable=False),
          Column("email", TEXT),
          Column("karma", INTEGER, nullable=False, server_default=text("0")),
          Index(None, "username", unique=True),
          Index(None, "email", unique=True))
    Table("posts", md,
          Column("id", BIGINT, Identity(), primary_key=True),
          Column("author_id", BIGINT, ForeignKey("accounts.id", ondelete="CASCADE"),
                 nullable=False),
          Column("headline", TEXT, nullable=False),
          Column("body_text", TEXT, nullable=False),
          Column("created_at", TEXT, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
          Column("score", DOUBLE_PRECISION),
          Index("ix_posts_author_time", "author_id", "created_at"))
    Table("comments", md,
          Column("id", BIGINT, Identity(), primary_key=True),
          Column("post_id", BIGINT, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False,
                 index=True),
          Column("author_id", BIGINT, ForeignKey("accounts.id", ondelete="SET NULL")),
          Column("text", TEXT, nullable=False))


# --- Scenario 2: PostgreSQL's types and the constraints, then changed. ------------------------

FEATURES_V1 = HEADER + """
enum class Role { kUser, kAdmin };
struct RETORT_TABLE("ledgers") RETORT_CHECK("balance >= 0") Ledger {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_UNIQUE_CONSTRAINT std::string login;
    bool active;
    double balance;
    float rate;
    std::int16_t level;
    Role role;
    std::optional<std::vector<std::uint8_t>> avatar;
    RETORT_DEFAULT("'guest'") std::string kind;
    RETORT_TYPE_FOR("postgresql", "JSONB") std::optional<std::string> settings;
    std::string legacy;
};
struct RETORT_TABLE("memberships") RETORT_PRIMARY_KEY_ON("ledger_id, group_id")
    RETORT_UNIQUE_ON("uq_memberships_slot", "group_id, slot") Membership {
    RETORT_REFERENCES("ledgers", "id") RETORT_ON_DELETE("CASCADE") RETORT_ON_UPDATE("RESTRICT")
    std::int64_t ledger_id;
    std::int64_t group_id;
    std::int32_t slot;
};
"""

# A dropped column, a CHECK added, a type widened (int16 → int32), NULL refused with a default, a
# deferred foreign key, a partial index and an expression index, a stored generated column.
FEATURES_V2 = HEADER + """
enum class Role { kUser, kAdmin };
struct RETORT_TABLE("ledgers") RETORT_CHECK("balance >= 0") RETORT_CHECK("role >= 0")
    RETORT_INDEX_ON("ix_ledgers_active_balance", "balance DESC", "active")
    RETORT_UNIQUE_ON("uq_ledgers_lower_login", "lower(login)") Ledger {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_UNIQUE_CONSTRAINT std::string login;
    bool active;
    double balance;
    float rate;
    std::int32_t level;
    Role role;
    std::optional<std::vector<std::uint8_t>> avatar;
    RETORT_DEFAULT("'guest'") std::string kind;
    RETORT_TYPE_FOR("postgresql", "JSONB") RETORT_DEFAULT_FOR("postgresql", "'{}'") std::optional<std::string> settings;
    RETORT_GENERATED_STORED("balance * 2") double doubled;
};
struct RETORT_TABLE("memberships") RETORT_PRIMARY_KEY_ON("ledger_id, group_id")
    RETORT_UNIQUE_ON("uq_memberships_slot", "group_id, slot") Membership {
    RETORT_REFERENCES("ledgers", "id") RETORT_ON_DELETE("CASCADE") RETORT_ON_UPDATE("RESTRICT")
    RETORT_DEFERRED std::int64_t ledger_id;
    std::int64_t group_id;
    RETORT_DEFAULT("0") std::int32_t slot;
};
"""


def features_v2_tables(md):
    Table("ledgers", md,
          Column("id", BIGINT, Identity(), primary_key=True),
          Column("login", TEXT, nullable=False),
          Column("active", BOOLEAN, nullable=False),
          Column("balance", DOUBLE_PRECISION, nullable=False),
          Column("rate", REAL, nullable=False),
          Column("level", INTEGER, nullable=False),
          Column("role", INTEGER, nullable=False),
          Column("avatar", BYTEA),
          Column("kind", TEXT, nullable=False, server_default=text("'guest'")),
          Column("settings", JSONB, server_default=text("'{}'")),
          Column("doubled", DOUBLE_PRECISION, Computed("balance * 2", persisted=True),
                 nullable=False),
          UniqueConstraint("login", name="uq_ledgers_login"),
          CheckConstraint("balance >= 0", name="1"),
          CheckConstraint("role >= 0", name="2"),
          Index("ix_ledgers_active_balance", text("balance DESC"), postgresql_where=text("active")),
          Index("uq_ledgers_lower_login", func.lower(text("login")), unique=True))
    Table("memberships", md,
          Column("ledger_id", BIGINT,
                 ForeignKey("ledgers.id", ondelete="CASCADE", onupdate="RESTRICT",
                            deferrable=True, initially="DEFERRED"), nullable=False),
          Column("group_id", BIGINT, nullable=False),
          Column("slot", INTEGER, nullable=False, server_default=text("0")),
          PrimaryKeyConstraint("ledger_id", "group_id"),
          Index("uq_memberships_slot", "group_id", "slot", unique=True))


SCENARIOS = {
    "users": ([USERS_V1, USERS_V2], users_v2_tables),
    "features": ([FEATURES_V1, FEATURES_V2], features_v2_tables),
}
IGNORED = ("retort_migrations", "alembic_version")


def server():
    url = os.environ.get("RETORT_POSTGRESQL_URL", "")
    if not url:
        sys.exit("RETORT_POSTGRESQL_URL names no server")
    return url


def fresh_database(name):
    """A new database on the server: its libpq connection string, and SQLAlchemy's URL."""
    admin = psycopg2.connect(server() + " dbname=postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    admin.close()
    parts = dict(part.split("=", 1) for part in server().split())
    query = f"host={parts['host']}&port={parts.get('port', '5432')}"
    return (server() + f" dbname={name}",
            f"postgresql+psycopg2://{parts.get('user', 'postgres')}@/{name}?{query}")


def reflect(url):
    """Everything SQLAlchemy's inspector reads of a database, in a comparable form."""
    engine = create_engine(url)
    inspector = inspect(engine)
    out = {}
    for t in sorted(set(inspector.get_table_names()) - set(IGNORED)):
        out[t] = {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"], c["default"],
                               str(c.get("computed")), str(c.get("identity")))
                              for c in inspector.get_columns(t)),
            "primary key": inspector.get_pk_constraint(t),
            "foreign keys": sorted(inspector.get_foreign_keys(t), key=str),
            "indexes": sorted(inspector.get_indexes(t), key=str),
            "unique constraints": sorted(inspector.get_unique_constraints(t), key=str),
            "checks": sorted(inspector.get_check_constraints(t), key=str),
        }
    with engine.connect() as connection:
        # Partial and expression indexes by their definition, which the inspector of
        # SQLAlchemy 1.4 reads only in part.
        out["(index definitions)"] = sorted(
            row[0] for row in connection.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename <> 'retort_migrations'")))
    engine.dispose()
    return out


def describe(diff):
    """A compare_metadata entry without object addresses: the operation and what it is on."""
    if isinstance(diff, list):
        return [describe(d) for d in diff]
    if diff[0].startswith("modify_"):
        return diff[:4]
    target = diff[1]
    table = getattr(target, "table", None)
    return (diff[0], getattr(target, "name", None), getattr(table, "name", None))


def alembic_diffs(url, metadata):
    engine = create_engine(url)
    with engine.connect() as connection:
        # Defaults are compared by the inspector above: Alembic 1.8 compares a default such as
        # CURRENT_TIMESTAMP on PostgreSQL by evaluating it against its own text, which fails.
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "compare_server_default": False,
            "include_name": lambda name, kind, parent: name not in IGNORED})
        diffs = sorted(str(describe(d)) for d in compare_metadata(context, metadata))
    engine.dispose()
    return diffs


def retort(tool, *args, cwd):
    r = subprocess.run([tool, *args], cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"retort {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")


def run(name, versions, tables, tool, annotations, work):
    d = work / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    ours_conninfo, ours = fresh_database(f"side_retort_{name}")
    _, theirs = fresh_database(f"side_sqlalchemy_{name}")
    retort(tool, "init", cwd=d)
    for number, models in enumerate(versions, 1):
        (d / "models.hpp").write_text(models)
        retort(tool, "migrate", "-m", f"version {number}", "--allow-destructive",
               "--dialects", "sqlite,postgresql", "--pch-dir", str(d / "pch"), "--models",
               "models.hpp", "--", f"-I{annotations}", cwd=d)
        retort(tool, "upgrade", "--db", ours_conninfo, cwd=d)
    metadata = MetaData(naming_convention=NAMING)
    tables(metadata)
    engine = create_engine(theirs)
    metadata.create_all(engine)
    engine.dispose()

    failures = []
    mine, other = reflect(ours), reflect(theirs)
    if sorted(mine) != sorted(other):
        failures.append(f"tables: retort {sorted(mine)}, sqlalchemy {sorted(other)}")
    for table in sorted(set(mine) & set(other)):
        for aspect, value in (mine[table].items() if isinstance(mine[table], dict)
                              else [("definitions", mine[table])]):
            there = other[table][aspect] if isinstance(other[table], dict) else other[table]
            if value != there:
                failures.append(f"{table} {aspect}:\n    retort:     {value}\n"
                                f"    sqlalchemy: {there}")
    ours_diffs, theirs_diffs = alembic_diffs(ours, metadata), alembic_diffs(theirs, metadata)
    if ours_diffs != theirs_diffs:
        failures.append(f"compare_metadata:\n    retort:     {ours_diffs}\n"
                        f"    sqlalchemy: {theirs_diffs}")
    return failures


def main():
    tool, annotations, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    failed = False
    for name, (versions, tables) in SCENARIOS.items():
        failures = run(name, versions, tables, tool, annotations, work)
        print(f"{name}: {'ok' if not failures else 'DIFFERENT'}")
        for f in failures:
            print("  " + f)
        failed = failed or bool(failures)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
