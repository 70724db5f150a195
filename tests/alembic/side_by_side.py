"""Retort next to SQLAlchemy/Alembic: the same schema declared both ways must reflect the same.

For each scenario, every version of the C++ models is sealed with `retort migrate --models` and
applied with `retort upgrade` (so the database went through every revision), and the last
version's SQLAlchemy tables are created on a fresh database with `create_all`, under a naming
convention equal to docs/naming.md (and the objects file run as DDL after create_all). SQLAlchemy's
inspector must then read the same tables, columns (type, nullability, default, generated
expression), primary keys, foreign keys, indexes (their CREATE INDEX text too: expressions,
COLLATE, DESC, partial conditions), unique and CHECK constraints, names included, views and
triggers, from both; and Alembic's `compare_metadata` must find the same
differences in both databases as between the models and its own database.

Retort's caches (the PCH and the scan's memo) go to WORK_DIR/cache, never to
the user's $HOME/.cache: the test checks that they are there.

Usage: side_by_side.py RETORT ANNOTATIONS_INCLUDE_DIR WORK_DIR
"""
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (BLOB, BOOLEAN, CHAR, INTEGER, REAL, TEXT, VARCHAR, CheckConstraint,
                        Column, Computed, ForeignKey, Index, MetaData, Table, UniqueConstraint,
                        create_engine, func, inspect, text)

NAMING = {  # docs/naming.md
    "ix": "ix_%(table_name)s_%(column_0_name)s",
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
    RETORT_TRANSIENT std::string session_cache;
};
struct RETORT_TABLE("posts") RETORT_INDEX_ON("ix_posts_author_time", "author_id, created_at") Post {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("users", "id") RETORT_ON_DELETE("CASCADE") std::int64_t author_id;
    std::string title;
    RETORT_COLUMN("body_text") std::string body;
    RETORT_DEFAULT("CURRENT_TIMESTAMP") std::string created_at;
};
"""

# A renamed column and table, a column added with a default, a type changed within TEXT, a
# dropped column, a new referencing table, an index on a renamed table.
USERS_V2 = HEADER + """
struct RETORT_TABLE("accounts") RETORT_RENAMED_FROM("users") Account {
    RETORT_PRIMARY_KEY RETORT_AUTOINCREMENT std::int64_t id;
    RETORT_UNIQUE RETORT_INDEX RETORT_TYPE("VARCHAR(128)") std::string username;
    RETORT_UNIQUE RETORT_INDEX std::optional<std::string> email;
    RETORT_DEFAULT("0") std::int32_t karma;
    RETORT_TRANSIENT std::string session_cache;
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
          Column("id", INTEGER, primary_key=True),
          Column("username", VARCHAR(128), nullable=False),
          Column("email", TEXT),
          Column("karma", INTEGER, nullable=False, server_default=text("0")),
          Index(None, "username", unique=True),
          Index(None, "email", unique=True),
          sqlite_autoincrement=True)
    Table("posts", md,
          Column("id", INTEGER, primary_key=True),
          Column("author_id", INTEGER, ForeignKey("accounts.id", ondelete="CASCADE"),
                 nullable=False),
          Column("headline", TEXT, nullable=False),
          Column("body_text", TEXT, nullable=False),
          Column("created_at", TEXT, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
          Column("score", REAL),
          Index("ix_posts_author_time", "author_id", "created_at"))
    Table("comments", md,
          Column("id", INTEGER, primary_key=True),
          Column("post_id", INTEGER, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False,
                 index=True),
          Column("author_id", INTEGER, ForeignKey("accounts.id", ondelete="SET NULL")),
          Column("text", TEXT, nullable=False))


# --- Scenario 2: every column kind and table option of the SPEC in one go, then changed. -------

FEATURES_V1 = HEADER + """
enum class Role { kUser, kAdmin };
struct RETORT_TABLE("ledgers") RETORT_CHECK("balance >= 0") Ledger {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_UNIQUE std::string login;
    RETORT_COLLATE("NOCASE") RETORT_INDEX std::string display;
    bool active;
    double balance;
    Role role;
    std::optional<std::vector<std::uint8_t>> avatar;
    RETORT_DEFAULT("'guest'") std::string kind;
    RETORT_CHECK("length(code) = 3") RETORT_TYPE("CHAR(3)") std::string code;
    RETORT_NULLABLE std::string note;
    std::string legacy;
};
struct RETORT_TABLE("memberships") RETORT_PRIMARY_KEY_ON("ledger_id, group_id")
    RETORT_UNIQUE_ON("uq_memberships_slot", "group_id, slot") Membership {
    RETORT_REFERENCES("ledgers", "id") RETORT_ON_DELETE("CASCADE") RETORT_ON_UPDATE("RESTRICT")
    std::int64_t ledger_id;
    std::int64_t group_id;
    std::int32_t slot;
};
struct RETORT_TABLE("tags") RETORT_WITHOUT_ROWID Tag {
    RETORT_PRIMARY_KEY std::string name;
    std::optional<std::int64_t> weight;
};
"""

# A dropped column, NULL allowed on one column and refused on another (with a default), a type
# changed across affinities, a CHECK added, a table made STRICT.
FEATURES_V2 = HEADER + """
enum class Role { kUser, kAdmin };
struct RETORT_TABLE("ledgers") RETORT_CHECK("balance >= 0") RETORT_CHECK("role IN (0, 1)") Ledger {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_UNIQUE std::string login;
    RETORT_COLLATE("NOCASE") RETORT_INDEX std::string display;
    bool active;
    double balance;
    Role role;
    std::optional<std::vector<std::uint8_t>> avatar;
    RETORT_DEFAULT("'guest'") std::string kind;
    RETORT_CHECK("length(code) = 3") RETORT_TYPE("CHAR(3)") std::string code;
    RETORT_DEFAULT("''") std::string note;
};
struct RETORT_TABLE("memberships") RETORT_PRIMARY_KEY_ON("ledger_id, group_id")
    RETORT_UNIQUE_ON("uq_memberships_slot", "group_id, slot") Membership {
    RETORT_REFERENCES("ledgers", "id") RETORT_ON_DELETE("CASCADE") RETORT_ON_UPDATE("RESTRICT")
    std::int64_t ledger_id;
    std::int64_t group_id;
    std::optional<std::int32_t> slot;
};
struct RETORT_TABLE("tags") RETORT_WITHOUT_ROWID RETORT_STRICT Tag {
    RETORT_PRIMARY_KEY std::string name;
    std::optional<double> weight;
};
"""


def features_v2_tables(md):
    Table("ledgers", md,
          Column("id", INTEGER, primary_key=True),
          Column("login", TEXT, nullable=False),
          Column("display", TEXT(collation="NOCASE"), nullable=False, index=True),
          Column("active", BOOLEAN(create_constraint=False), nullable=False),
          Column("balance", REAL, nullable=False),
          Column("role", INTEGER, nullable=False),
          Column("avatar", BLOB),
          Column("kind", TEXT, nullable=False, server_default=text("'guest'")),
          Column("code", CHAR(3), CheckConstraint("length(code) = 3", name="code"),
                 nullable=False),
          Column("note", TEXT, nullable=False, server_default=text("''")),
          Index("uq_ledgers_login", "login", unique=True),
          CheckConstraint("balance >= 0", name="1"),
          CheckConstraint("role IN (0, 1)", name="2"))
    Table("memberships", md,
          Column("ledger_id", INTEGER,
                 ForeignKey("ledgers.id", ondelete="CASCADE", onupdate="RESTRICT"),
                 primary_key=True),
          Column("group_id", INTEGER, primary_key=True),
          Column("slot", INTEGER),
          Index("uq_memberships_slot", "group_id", "slot", unique=True))
    Table("tags", md,
          Column("name", TEXT, primary_key=True),
          Column("weight", REAL),
          sqlite_with_rowid=False)  # SQLAlchemy 1.4 neither writes nor reads STRICT


# --- Scenario 3: changes that rebuild tables, over three versions. -----------------------------

REBUILDS_V1 = HEADER + """
struct RETORT_TABLE("authors") Author {
    RETORT_PRIMARY_KEY std::int64_t id;
    std::string name;
    RETORT_INDEX std::string country;
    std::optional<std::string> bio;
};
struct RETORT_TABLE("books") Book {
    RETORT_PRIMARY_KEY std::int64_t id;
    std::int64_t author_id;
    std::string title;
    std::string isbn;
};
struct RETORT_TABLE("drafts") Draft {
    RETORT_PRIMARY_KEY std::int64_t id;
};
"""

# A foreign key added, a column made NOT NULL with a default, an index dropped, a table dropped,
# a unique index and a CHECK added.
REBUILDS_V2 = HEADER + """
struct RETORT_TABLE("authors") Author {
    RETORT_PRIMARY_KEY std::int64_t id;
    std::string name;
    std::string country;
    RETORT_DEFAULT("''") std::string bio;
};
struct RETORT_TABLE("books") Book {
    RETORT_PRIMARY_KEY std::int64_t id;
    RETORT_REFERENCES("authors", "id") RETORT_ON_DELETE("RESTRICT") std::int64_t author_id;
    RETORT_CHECK("length(title) > 0") std::string title;
    RETORT_UNIQUE std::string isbn;
};
"""

# WITHOUT ROWID on a referenced table, a composite primary key, a column added with a default.
REBUILDS_V3 = HEADER + """
struct RETORT_TABLE("authors") RETORT_WITHOUT_ROWID Author {
    RETORT_PRIMARY_KEY std::int64_t id;
    std::string name;
    std::string country;
    RETORT_DEFAULT("''") std::string bio;
};
struct RETORT_TABLE("books") RETORT_PRIMARY_KEY_ON("id, edition") Book {
    std::int64_t id;
    RETORT_DEFAULT("1") std::int32_t edition;
    RETORT_REFERENCES("authors", "id") RETORT_ON_DELETE("RESTRICT") std::int64_t author_id;
    RETORT_CHECK("length(title) > 0") std::string title;
    RETORT_UNIQUE std::string isbn;
    RETORT_DEFAULT("0") std::int32_t pages;
};
"""


def rebuilds_v3_tables(md):
    Table("authors", md,
          Column("id", INTEGER, primary_key=True),
          Column("name", TEXT, nullable=False),
          Column("country", TEXT, nullable=False),
          Column("bio", TEXT, nullable=False, server_default=text("''")),
          sqlite_with_rowid=False)
    Table("books", md,
          Column("id", INTEGER, primary_key=True),
          Column("edition", INTEGER, primary_key=True, server_default=text("1")),
          Column("author_id", INTEGER, ForeignKey("authors.id", ondelete="RESTRICT"),
                 nullable=False),
          Column("title", TEXT, CheckConstraint("length(title) > 0", name="title"),
                 nullable=False),
          Column("isbn", TEXT, nullable=False),
          Column("pages", INTEGER, nullable=False, server_default=text("0")),
          Index("uq_books_isbn", "isbn", unique=True))


# --- Scenario 4: expression, partial and descending indexes, a UNIQUE constraint, a generated
# column, and a view and a trigger from an objects file, added to a table that has rows. --------

PRODUCTS_V1 = HEADER + """
struct RETORT_TABLE("products") Product {
    RETORT_PRIMARY_KEY std::int64_t id;
    std::string sku;
    std::string vendor;
    double price;
    std::int64_t quantity;
    std::optional<std::string> deleted_at;
};
"""

PRODUCTS_V2 = HEADER + """
struct RETORT_TABLE("products")
    RETORT_UNIQUE_ON("uq_products_live_sku", "lower(sku)", "deleted_at IS NULL")
    RETORT_INDEX_ON("ix_products_price", "price DESC")
    RETORT_INDEX_ON("ix_products_vendor_nocase", "vendor COLLATE NOCASE")
    RETORT_UNIQUE_CONSTRAINT_ON("vendor, sku") Product {
    RETORT_PRIMARY_KEY std::int64_t id;
    std::string sku;
    std::string vendor;
    double price;
    std::int64_t quantity;
    RETORT_GENERATED("price * quantity") double total;
    std::optional<std::string> deleted_at;
};
"""

PRODUCTS_OBJECTS = """
CREATE VIEW live_products AS SELECT id, sku, total FROM products WHERE deleted_at IS NULL;
CREATE TRIGGER products_soft_delete BEFORE DELETE ON products BEGIN
  SELECT RAISE(ABORT, 'set deleted_at instead');
END;
"""


def products_v2_tables(md):
    products = Table("products", md,
                     Column("id", INTEGER, primary_key=True),
                     Column("sku", TEXT, nullable=False),
                     Column("vendor", TEXT, nullable=False),
                     Column("price", REAL, nullable=False),
                     Column("quantity", INTEGER, nullable=False),
                     Column("total", REAL, Computed("price * quantity"), nullable=False),
                     Column("deleted_at", TEXT),
                     UniqueConstraint("vendor", "sku", name="uq_products_vendor_sku"))
    Index("uq_products_live_sku", func.lower(products.c.sku), unique=True,
          sqlite_where=text("deleted_at IS NULL"))
    Index("ix_products_price", products.c.price.desc())
    Index("ix_products_vendor_nocase", products.c.vendor.collate("NOCASE"))


SCENARIOS = {
    "spec_models": ([USERS_V1, USERS_V2], users_v2_tables),
    "every_feature": ([FEATURES_V1, FEATURES_V2], features_v2_tables),
    "rebuilds": ([REBUILDS_V1, REBUILDS_V2, REBUILDS_V3], rebuilds_v3_tables),
    "expressions_and_objects": ([PRODUCTS_V1, (PRODUCTS_V2, PRODUCTS_OBJECTS)],
                                products_v2_tables),
}
IGNORED = ("retort_migrations", "alembic_version", "sqlite_sequence")


def without_name(constraint):
    return {k: v for k, v in constraint.items() if k != "name"}


def reflect(path):
    """Everything SQLAlchemy's inspector reads of a database, in a comparable form. Two names
    are left out: SQLAlchemy writes an AUTOINCREMENT primary key inline, without its name; and a
    foreign key keeps the name it was created with when its parent table is renamed (as after
    Alembic's rename_table; docs/naming.md), where create_all derives it from the new name."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        sql = dict(connection.execute(text("SELECT name, sql FROM sqlite_schema")).all())
    inspector = inspect(engine)
    out = {}
    for t in sorted(set(inspector.get_table_names()) - set(IGNORED)):
        primary_key = inspector.get_pk_constraint(t)
        if "AUTOINCREMENT" in sql[t]:
            primary_key = without_name(primary_key)
        out[t] = {
            "columns": sorted((c["name"], str(c["type"]), c["nullable"], c["default"],
                               str(c.get("computed")))
                              for c in inspector.get_columns(t)),
            "primary key": primary_key,
            "foreign keys": sorted((without_name(fk) for fk in inspector.get_foreign_keys(t)),
                                   key=str),
            "indexes": sorted(inspector.get_indexes(t), key=str),
            "unique constraints": sorted(inspector.get_unique_constraints(t), key=str),
            "checks": sorted(inspector.get_check_constraints(t), key=str),
        }
    out["(views and triggers)"] = {
        "views": {v: " ".join(inspector.get_view_definition(v).split())
                  for v in inspector.get_view_names()},
        "triggers": sorted(name for name, kind, _ in schema_rows(path) if kind == "trigger"),
        # SQLAlchemy 1.4 reflects no expression index, nor a partial index's condition: their
        # CREATE INDEX text, blanks collapsed and quotes removed, stands for them.
        "index text": sorted(" ".join(sql.replace('"', "").split())
                             for _, kind, sql in schema_rows(path)
                             if kind == "index" and sql),
    }
    return out


def schema_rows(path):
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        return connection.execute(text("SELECT name, type, sql FROM sqlite_schema")).all()


def describe(diff):
    """A compare_metadata entry without object addresses: the operation and what it is on."""
    if isinstance(diff, list):
        return [describe(d) for d in diff]
    if diff[0].startswith("modify_"):
        return diff[:4]
    target = diff[1]
    table = getattr(target, "table", None)
    return (diff[0], getattr(target, "name", None), getattr(table, "name", None))


def alembic_diffs(path, metadata):
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "compare_server_default": True,
            "include_name": lambda name, kind, parent: name not in IGNORED})
        return sorted(str(describe(d)) for d in compare_metadata(context, metadata))


def retort(tool, *args, cwd, cache):
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))  # in the build tree, not in $HOME
    r = subprocess.run([tool, *args], cwd=cwd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"retort {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")


def run(name, versions, tables, tool, annotations, work):
    d = work / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    retort(tool, "init", cwd=d, cache=work / "cache")
    objects = ""
    for number, version in enumerate(versions, 1):
        models, objects = version if isinstance(version, tuple) else (version, "")
        (d / "models.hpp").write_text(models)
        (d / "objects.sql").write_text(objects)
        retort(tool, "migrate", "-m", f"version {number}", "--allow-destructive", "--models",
               "models.hpp", *(["--objects", "objects.sql"] if objects else []), "--",
               f"-I{annotations}", cwd=d, cache=work / "cache")
        retort(tool, "upgrade", "--db", "retort.db", cwd=d, cache=work / "cache")
    metadata = MetaData(naming_convention=NAMING)
    tables(metadata)
    engine = create_engine(f"sqlite:///{d / 'sqlalchemy.db'}")
    metadata.create_all(engine)
    with sqlite3.connect(d / "sqlalchemy.db") as connection:  # DDL run after create_all
        connection.executescript(objects)

    failures = []
    ours, theirs = reflect(d / "retort.db"), reflect(d / "sqlalchemy.db")
    if sorted(ours) != sorted(theirs):
        failures.append(f"tables: retort {sorted(ours)}, sqlalchemy {sorted(theirs)}")
    for table in sorted(set(ours) & set(theirs)):
        for aspect, value in ours[table].items():
            if value != theirs[table][aspect]:
                failures.append(f"{table} {aspect}:\n    retort:     {value}\n"
                                f"    sqlalchemy: {theirs[table][aspect]}")
    ours_diffs = alembic_diffs(d / "retort.db", metadata)
    theirs_diffs = alembic_diffs(d / "sqlalchemy.db", metadata)
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
    if not (work / "cache" / "retort" / "pch").is_dir():
        print(f"no cache in {work / 'cache'}: retort wrote it elsewhere")
        failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
