#!/usr/bin/env python3
"""Section 12 of bench/README.md: changes applied under load, Retort beside Alembic.

    python3 bench/load.py [--build DIR] [--runs N] [--rows N] [--no-build]

run.py runs it with the other sections; on its own it builds as run.py does, runs this section
only and replaces its part of bench/README.md. It runs a throwaway PostgreSQL server
(tests/postgresql_server.cmake) on its own port. For each change of a corpus (an index, a CHECK,
a foreign key, NOT NULL, a column with a default, a UNIQUE constraint) on a table of 1,000,000
rows, a workload made from the models (insert, point select, update by key; 8 clients) runs
while the change applies: Retort's revision, written by the build of a CMake consumer project
and applied by its application at start-up (`retort::upgrade`), and the revision that Alembic's
autogenerate writes for the same change, applied by `alembic upgrade head`. Each once as it is,
and once while a long reader holds ACCESS SHARE on the table. Per statement: its wall time and
any error.
"""
import json
import random
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import postgresql  # noqa: E402  (section 11: its server on another port, alembic_env)
import run  # noqa: E402  (the house helpers)
import transfer  # noqa: E402  (the throwaway server)

try:
    import psycopg2
except ImportError:  # a Python of its own (pyenv) beside Debian's python3-psycopg2
    sys.path.append("/usr/lib/python3/dist-packages")
    import psycopg2

ROOT = run.ROOT
PORT = 54392
CLIENTS = 8
PARENTS = 1000
READER_HOLDS = 5.0  # seconds the long reader keeps its transaction open
LOCK_TIMEOUT = 2.0  # Retort's default (PostgresqlOptions::lock_timeout)

MODELS = """#include <cstdint>
#include <optional>
#include <string>
#include <retort/annotations.hpp>

struct RETORT_TABLE("parents") Parent {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::string name;
};

struct RETORT_TABLE("accounts") Account {
  RETORT_PRIMARY_KEY std::int64_t id;
  std::int64_t parent_id;
  std::string email;
  double balance;
  std::optional<std::string> note;
  std::int32_t visits;
};
"""

SQLALCHEMY = """from sqlalchemy import (BIGINT, INTEGER, TEXT, CheckConstraint, Column, ForeignKey,
                        Identity, MetaData, Table, UniqueConstraint, text)
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION

metadata = MetaData(naming_convention={  # docs/naming.md
    "ix": "ix_%(table_name)s_%(column_0_name)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s"})
Table("parents", metadata, Column("id", BIGINT, Identity(), primary_key=True),
      Column("name", TEXT, nullable=False))
Table("accounts", metadata,
      Column("id", BIGINT, Identity(), primary_key=True),
      Column("parent_id", BIGINT, nullable=False),
      Column("email", TEXT, nullable=False),
      Column("balance", DOUBLE_PRECISION, nullable=False),
      Column("note", TEXT),
      Column("visits", INTEGER, nullable=False))
"""

# Each change as a user makes it: an edit of the C++ header, the same edit of the SQLAlchemy
# models. Each starts from the models above and the same 1,000,000 rows.
CHANGES = [
    ("add an index",
     ("  std::int64_t parent_id;", "  RETORT_INDEX std::int64_t parent_id;"),
     ('Column("parent_id", BIGINT, nullable=False)',
      'Column("parent_id", BIGINT, nullable=False, index=True)')),
    ("add a CHECK",
     ('struct RETORT_TABLE("accounts") Account', 'struct RETORT_TABLE("accounts") '
      'RETORT_CHECK("balance >= 0") Account'),
     ('Column("visits", INTEGER, nullable=False))',
      'Column("visits", INTEGER, nullable=False), CheckConstraint("balance >= 0", name="1"))')),
    ("add a foreign key",
     ("  std::int64_t parent_id;", '  RETORT_REFERENCES("parents", "id") std::int64_t parent_id;'),
     ('Column("parent_id", BIGINT, nullable=False)',
      'Column("parent_id", BIGINT, ForeignKey("parents.id"), nullable=False)')),
    ("make a column NOT NULL",
     ("std::optional<std::string> note;", "RETORT_DEFAULT(\"''\") std::string note;"),
     ('Column("note", TEXT)',
      'Column("note", TEXT, nullable=False, server_default=text("\'\'"))')),
    ("add a column with a default",
     ("  std::int32_t visits;",
      '  std::int32_t visits;\n  RETORT_DEFAULT("0") std::int32_t score;'),
     ('Column("visits", INTEGER, nullable=False))', 'Column("visits", INTEGER, nullable=False), '
      'Column("score", INTEGER, nullable=False, server_default=text("0")))')),
    ("add a UNIQUE constraint",
     ("  std::string email;", "  RETORT_UNIQUE_CONSTRAINT std::string email;"),
     ('Column("visits", INTEGER, nullable=False))',
      'Column("visits", INTEGER, nullable=False), UniqueConstraint("email"))')),
]

# Autogenerate does not compare CHECK constraints (alembic#508): its revision for that change
# is empty, and a user writes the operation by hand. So does this benchmark.
ALEMBIC_BY_HAND = {"add a CHECK": "op.create_check_constraint('ck_accounts_1', 'accounts', "
                                  "'balance >= 0')"}

CMAKELISTS = """cmake_minimum_required(VERSION 3.20)
project(load_app LANGUAGES CXX)
find_package(Retort CONFIG REQUIRED)
add_executable(app main.cpp)
target_compile_features(app PRIVATE cxx_std_17)
add_migrations(app MODELS models/load.hpp DIALECTS sqlite postgresql)
target_link_libraries(app PRIVATE Retort::postgresql)
"""

MAIN = """// The application's start-up: `app CONNINFO` upgrades that database to its newest one.
#include <libpq-fe.h>

#include <iostream>
#include <retort/postgresql.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  PGconn* conn = PQconnectdb(argv[1]);
  int status = PQstatus(conn) == CONNECTION_OK ? 0 : 1;
  try {
    if (status == 0) {
      for (const std::string& id : retort::upgrade(conn)) std::cout << "applied " << id << "\\n";
    }
  } catch (const retort::Error& e) {
    std::cerr << e.what() << "\\n";
    status = 1;
  }
  if (PQstatus(conn) != CONNECTION_OK) std::cerr << PQerrorMessage(conn);
  PQfinish(conn);
  return status;
}
"""


class Server(postgresql.Server):
    def __init__(self, directory):
        transfer.Server.__init__(self, directory)
        self.cmd = [c.replace(f"-DPORT={transfer.PORT}", f"-DPORT={PORT}") for c in self.cmd]

    def psql(self, *commands, db="postgres"):
        return run.sh(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                       str(self.dir), "-p", str(PORT), "-U", "retort", "-d", db] +
                      [a for c in commands for a in ("-c", c)])

    def conninfo(self, name):
        return f"host={self.dir} port={PORT} user=retort dbname={name}"

    def sqlalchemy_url(self, name):
        return f"postgresql+psycopg2://retort@/{name}?host={self.dir}&port={PORT}"

    def copy(self, name, template="load_template"):
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                  f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")


# ---------------------------------------------------------------------------------------------
# The tables as the models say: Retort's snapshot in the newest revision file.

def snapshot(versions):
    """{table: (key column, [(column, type)])} from the `-- +retort Schema` lines of the newest
    revision in `versions`."""
    newest = sorted(versions.glob("[0-9]*.sql"))[-1]
    text = newest.read_text()
    tables = {}
    for line in text[text.index("-- +retort Schema"):].splitlines()[1:]:
        if not line.startswith("-- {"):
            break
        t = json.loads(line[3:])
        if "columns" in t:
            (key,) = t["primary_key"]
            tables[t["name"]] = (key, [(c["name"], c["type"].upper()) for c in t["columns"]])
    return tables


def sql_value(name, kind, g):
    """SQL for the value of column `name` in row `g`: integers between 1 and the parents' rows
    (any integer column may become a reference to parents), text unique, reals not negative."""
    if "INT" in kind:
        return f"1 + {g} % {PARENTS}"
    if "REAL" in kind or "DOUBLE" in kind or "FLOAT" in kind:
        return f"({g} % 500) * 1.5"
    if "BOOL" in kind:
        return f"{g} % 2 = 0"
    return f"'{name} ' || {g}"


def py_value(name, kind, unique, rng):
    if "INT" in kind:
        return rng.randint(1, PARENTS)
    if "REAL" in kind or "DOUBLE" in kind or "FLOAT" in kind:
        return rng.random() * 100
    if "BOOL" in kind:
        return rng.random() < 0.5
    return f"{name} {unique}"


def fill_sql(tables, rows):
    """Fills every table of the snapshot by generate_series: parents PARENTS rows, the others
    `rows`; each identity set past the rows."""
    out = []
    for table, (key, columns) in tables.items():
        n = PARENTS if table == "parents" else rows
        values = ", ".join("g" if c == key else sql_value(c, k, "g") for c, k in columns)
        out += [f"INSERT INTO {table} ({', '.join(c for c, _ in columns)}) SELECT {values} "
                f"FROM generate_series(1, {n}) g",
                f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), {n})"]
    return out


class Workload:
    """CLIENTS connections, each in turn inserting a row, selecting one by key and updating one
    by key in `table` (autocommit), each statement timed; until stop()."""

    def __init__(self, conninfo, table, key, columns, rows):
        self.stop_flag = threading.Event()
        self.records = [[] for _ in range(CLIENTS)]
        names = [c for c, _ in columns]
        numeric = [(c, k) for c, k in columns if c != key and not k.startswith("TEXT")]
        self.insert = (f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                       f"({', '.join(['%s'] * len(names))})")
        self.select = f"SELECT * FROM {table} WHERE {key} = %s"
        self.update = (f"UPDATE {table} SET {', '.join(f'{c} = %s' for c, _ in numeric)} "
                       f"WHERE {key} = %s")
        self.args = (conninfo, key, columns, numeric, rows)
        self.threads = [threading.Thread(target=self.client, args=(i,)) for i in range(CLIENTS)]

    def client(self, i):
        conninfo, key, columns, numeric, rows = self.args
        rng = random.Random(i)
        conn = psycopg2.connect(conninfo)
        conn.autocommit = True
        cur = conn.cursor()
        n = 0
        while not self.stop_flag.is_set():
            n += 1
            if n % 3 == 1:
                unique = f"load {i} {n}"
                args = [rows + 1 + i * 10_000_000 + n if c == key else
                        py_value(c, k, unique, rng) for c, k in columns]
                sql = self.insert
            elif n % 3 == 2:
                sql, args = self.select, [rng.randint(1, rows)]
            else:
                sql = self.update
                args = [py_value(c, k, "", rng) for c, k in numeric] + [rng.randint(1, rows)]
            start = time.perf_counter()
            error = None
            try:
                cur.execute(sql, args)
                if cur.description:
                    cur.fetchall()
            except psycopg2.Error as e:
                error = str(e).strip().splitlines()[0]
            self.records[i].append((start, time.perf_counter() - start, error))
        conn.close()

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join()

    def figures(self, since):
        """Statements started after `since`: count, errors (the first), longest and p99 wait."""
        recs = [r for rs in self.records for r in rs if r[0] >= since]
        waits = sorted(r[1] for r in recs)
        errors = [r[2] for r in recs if r[2]]
        return {"statements": len(recs), "errors": len(errors),
                "first_error": errors[0] if errors else "",
                "max": waits[-1] if waits else 0.0,
                "p99": waits[int(0.99 * (len(waits) - 1))] if waits else 0.0}


def long_reader(conninfo, table, started):
    """A transaction that read `table` and keeps ACCESS SHARE on it for READER_HOLDS seconds."""
    conn = psycopg2.connect(conninfo)
    cur = conn.cursor()  # not autocommit: the SELECT opens the transaction
    cur.execute(f"SELECT count(*) FROM {table} WHERE id = 1")
    started.set()
    time.sleep(READER_HOLDS)
    conn.commit()
    conn.close()


def measure(conninfo, tables, rows, migrate, reader):
    """Runs `migrate()` (returns (ok, message)) under the workload, with or without a long
    reader that began just before it; the figures of the statements from then on."""
    key, columns = tables["accounts"]
    with Workload(conninfo, "accounts", key, columns, rows) as load:
        time.sleep(1.0)  # every client connected and running
        since = time.perf_counter()
        holder = None
        if reader:
            started = threading.Event()
            holder = threading.Thread(target=long_reader, args=(conninfo, "accounts", started))
            holder.start()
            started.wait()
        start = time.perf_counter()
        ok, message = migrate()
        took = time.perf_counter() - start
        if holder:
            holder.join()
        time.sleep(0.5)
    f = load.figures(since)
    f.update(took=took, ok=ok, message=message)
    return f


def shell(cmd, cwd=None, env=None):
    r = run.subprocess.run(cmd, cwd=cwd, env=env, stdout=run.subprocess.PIPE,
                           stderr=run.subprocess.STDOUT, text=True)
    return r.returncode == 0, r.stdout.strip()


# ---------------------------------------------------------------------------------------------

class Project:
    """The consumer project: the header, its build (which writes and proves the draft) and
    `retort migrate -m` (which seals it), and the application that applies them."""

    def __init__(self, work, build_dir, server):
        self.dir = work / "app"
        self.build = work / "app-build"
        self.prefix = work / "prefix"
        self.env = dict(run.os.environ, RETORT_POSTGRESQL_URL=server.conninfo("postgres")
                        .replace(" dbname=postgres", ""))
        run.sh(["cmake", "--install", str(build_dir), "--prefix", str(self.prefix)])
        (self.dir / "models").mkdir(parents=True)
        (self.dir / "CMakeLists.txt").write_text(CMAKELISTS)
        (self.dir / "main.cpp").write_text(MAIN)
        self.versions = self.dir / "migrations" / "versions"
        (self.dir / "models" / "load.hpp").write_text(MODELS)
        run.sh(["cmake", "-S", str(self.dir), "-B", str(self.build), "-G", "Ninja",
                "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={self.prefix}"], env=self.env)
        self.seal(MODELS, "accounts and parents")

    def seal(self, models, message):
        """Writes the header, builds (the draft), seals it, builds again (embedded sealed)."""
        (self.dir / "models" / "load.hpp").write_text(models)
        run.sh(["cmake", "--build", str(self.build), "-j", "2"], env=self.env)
        run.sh([str(self.prefix / "bin" / "retort"), "migrate", "-m", message, "--dir",
                str(self.dir / "migrations")], cwd=self.dir, env=self.env)
        run.sh(["cmake", "--build", str(self.build), "-j", "2"], env=self.env)

    def drop_newest(self):
        sorted(self.versions.glob("[0-9]*.sql"))[-1].unlink()

    def start_up(self, conninfo):
        return shell([str(self.build / "app"), conninfo])


class AlembicProject:
    """The same models for SQLAlchemy, in an Alembic environment whose history starts at the
    existing schema (a baseline revision, stamped)."""

    def __init__(self, work, server):
        self.dir = work / "alembic"
        postgresql.alembic_env(self.dir, server.sqlalchemy_url("load_template"), SQLALCHEMY)
        env = self.dir / "alembic" / "env.py"
        env.write_text(env.read_text().replace(
            "target_metadata=target_metadata",
            "target_metadata=target_metadata, "
            "include_name=lambda name, kind, parent: name != 'retort_migrations'"))
        self.versions = self.dir / "alembic" / "versions"
        (self.versions / "base_existing.py").write_text(
            "revision = 'existing'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n"
            "def upgrade():\n    pass\ndef downgrade():\n    pass\n")
        self.server = server

    def use(self, database):
        ini = self.dir / "alembic.ini"
        ini.write_text(re.sub(r"@/\w+\?", f"@/{database}?", ini.read_text()))

    def autogenerate(self, models, change):
        """The revision autogenerate writes for `models` against the current database: its
        path and operations."""
        (self.dir / "models.py").write_text(models)
        run.sh(["alembic", "revision", "--autogenerate", "-m", "change"], cwd=self.dir)
        path = next(p for p in self.versions.glob("*.py") if p.name != "base_existing.py")
        text = path.read_text()
        body = text[text.index("def upgrade()"):text.index("def downgrade()")]
        code = " ".join(line.strip() for line in body.splitlines()[1:]
                        if line.strip() and not line.strip().startswith("#"))
        ops = [op.strip() for op in re.split(r"\s+(?=op\.)", code) if op.strip()]
        if ops == ["pass"] and change in ALEMBIC_BY_HAND:
            ops = [ALEMBIC_BY_HAND[change]]
            path.write_text(text.replace(body, "def upgrade():\n    " + ops[0] + "\n\n\n"))
        return path, ops

    def drop_newest(self):
        for p in self.versions.glob("*.py"):
            if p.name != "base_existing.py":
                p.unlink()

    def upgrade(self):
        return shell(["alembic", "upgrade", "head"], cwd=self.dir)


def bench_load(build_dir, runs, work, rows=1_000_000):
    work.chmod(0o755)  # the server runs as another user (postgres, when this is root)
    work = work / "load"
    work.mkdir()
    (work / "pg").mkdir()
    results = []
    with Server(work / "pg") as server:
        project = Project(work, build_dir, server)
        tables = snapshot(project.versions)
        server.psql("CREATE DATABASE load_template")
        ok, out = project.start_up(server.conninfo("load_template"))
        if not ok:
            sys.exit(f"bench: the application could not create the schema:\n{out}")
        server.psql(*fill_sql(tables, rows), db="load_template")
        server.psql("VACUUM ANALYZE", db="load_template")
        alembic = AlembicProject(work, server)
        run.sh(["alembic", "stamp", "existing"], cwd=alembic.dir)
        # Unchanged models: autogenerate must find nothing, else the two sides differ.
        _, ops = alembic.autogenerate(SQLALCHEMY, "")
        if ops != ["pass"]:
            sys.exit(f"bench: Alembic's models differ from Retort's schema: {ops}")
        alembic.drop_newest()
        for change, (cpp_from, cpp_to), (py_from, py_to) in CHANGES:
            print(f"bench: {change}", flush=True)
            assert cpp_from in MODELS and py_from in SQLALCHEMY, change
            project.seal(MODELS.replace(cpp_from, cpp_to, 1), change)
            up = sorted(project.versions.glob("[0-9]*.sql"))[-1].read_text()
            up = up[up.index("-- +retort Up postgresql"):up.index("-- +retort Down postgresql")]
            server.copy("load_alembic")
            alembic.use("load_alembic")
            _, ops = alembic.autogenerate(SQLALCHEMY.replace(py_from, py_to, 1), change)
            row = {"change": change, "retort_sql": up, "alembic_ops": ops}
            for reader in (False, True):
                for tool, migrate in (("retort", None), ("alembic", alembic.upgrade)):
                    figures = []
                    for _ in range(runs):
                        name = f"load_{tool}"
                        server.copy(name)
                        conninfo = server.conninfo(name)
                        if tool == "retort":
                            migrate = lambda c=conninfo: project.start_up(c)  # noqa: E731
                        else:
                            alembic.use(name)
                        figures.append(measure(conninfo, tables, rows, migrate, reader))
                    row[(tool, reader)] = combine(figures)
            results.append(row)
            project.drop_newest()
            alembic.drop_newest()
    return {"rows": rows, "runs": runs, "changes": results}


def combine(figures):
    """Several runs of one cell: the worst of each figure, errors summed."""
    out = dict(figures[0])
    for f in figures[1:]:
        out["statements"] += f["statements"]
        out["errors"] += f["errors"]
        out["first_error"] = out["first_error"] or f["first_error"]
        for k in ("max", "p99", "took"):
            out[k] = max(out[k], f[k])
        if out["ok"] and not f["ok"]:
            out["message"] = f["message"]
        out["ok"] = out["ok"] and f["ok"]
    return out


READING = (
    "How to read it. Without the reader, the stalls are the locks each form holds while it works: "
    "Alembic's plain `CREATE INDEX` blocks writes for its build, `ADD CONSTRAINT ... UNIQUE` "
    "builds its index under ACCESS EXCLUSIVE, `SET NOT NULL` scans the table under ACCESS "
    "EXCLUSIVE, a foreign key is validated under SHARE ROW EXCLUSIVE; Retort's forms hold their "
    "strong locks for a catalog change only, and what its rows show is mostly the machine (2 "
    "cores shared by a concurrent index build, the server and the clients). With the reader, "
    "every form that needs ACCESS EXCLUSIVE queues behind it on both sides (the index and "
    "foreign-key forms do not conflict with ACCESS SHARE, so the reader changes little there): "
    "Alembic's ALTER waits until the reader ends and every workload statement on the table "
    "waits behind it (the reader's 5 s less the second or so `alembic` takes to reach its first "
    "statement); Retort's gives up at lock_timeout, is rolled back and tried again after a "
    "pause, so a statement waits at most about lock_timeout, and the migration still ends "
    "once the reader has gone. The bound is lock_timeout itself, not less: a statement that "
    "queued just behind the request waits all of it (a shorter `PostgresqlOptions::"
    "lock_timeout` lowers it). The p99 stays a few ms on both sides: the stalls hit the "
    "statements in flight when the lock is requested. Autogenerate wrote nothing for the CHECK "
    "(Alembic does not compare CHECK constraints), so that operation is written by hand, as a "
    "user would; for NOT NULL it leaves the server default out (`compare_server_default` is off "
    "by default), so its `SET NOT NULL` would fail on a row holding NULL (the table has none)."
)


def statements(sql):
    """The statements of a PostgreSQL Up section, each shortened to its first line."""
    body = [line for line in sql.splitlines()[1:] if line and not line.startswith("--")]
    return [s.strip().split("\n")[0] for s in "\n".join(body).split(";") if s.strip()]


def cell(f):
    wait = f"{f['errors']} / {run.fmt(f['max'])} / {run.fmt(f['p99'])} / {run.fmt(f['took'])}"
    return wait if f["ok"] else wait + " (failed)"


def section(f, runs):
    bound = LOCK_TIMEOUT + 0.1
    lines = [
        f"## 12. Changes under load: {f['rows']:,} rows, {CLIENTS} clients, Retort beside Alembic",
        "",
        f"A CMake consumer project (`add_migrations(... DIALECTS sqlite postgresql)`) with a table "
        f"`accounts` of {f['rows']:,} rows and a table `parents` of {PARENTS:,}. For each change "
        "its header is edited as a user would; the build writes and proves the draft, `retort "
        "migrate -m` seals it, the build embeds it, and the application applies it at start-up "
        "(`retort::upgrade(conn)` in its own process, lock_timeout 2 s by default). Beside it, "
        "the same change to equivalent SQLAlchemy models, the revision `alembic revision "
        "--autogenerate` writes for it, applied by `alembic upgrade head`. Each starts from a copy "
        "of the same database (a template). Meanwhile a workload made from the models (the "
        "columns and key of Retort's snapshot) runs on "
        f"{CLIENTS} connections: insert a row, select one by key, update one by key, in turn, "
        "autocommit (psycopg2 threads). Per cell: workload errors / the longest any workload "
        "statement took / its p99 / how long the migration took, over the statements started "
        "from the migration's start until 0.5 s after its end. "
        f"The long reader: a transaction that read the table and holds ACCESS SHARE for "
        f"{READER_HOLDS:.0f} s, begun just before the migration (a report, a `pg_dump`, a slow "
        f"request). Goals: 0 errors; Retort's longest wait ≤ lock_timeout + 100 ms "
        f"({run.fmt(bound)}). {runs} run{'s' if runs > 1 else ''} a cell (the worst of them).",
        "",
        "| change | long reader | Retort | Alembic |",
        "| --- | --- | --- | --- |",
    ]
    for c in f["changes"]:
        for reader in (False, True):
            lines.append(f"| {c['change']} | {'yes' if reader else 'no'} | "
                         f"{cell(c[('retort', reader)])} | {cell(c[('alembic', reader)])} |")
    lines += ["", "What each wrote (PostgreSQL's statements, in order):", "",
              "| change | Retort's revision | Alembic's autogenerate |", "| --- | --- | --- |"]
    for c in f["changes"]:
        ours = "; ".join(f"`{s}`" for s in statements(c["retort_sql"]))
        by_hand = " (by hand: autogenerate wrote nothing)" if c["change"] in ALEMBIC_BY_HAND else ""
        theirs = "; ".join(f"`{op}`" for op in c["alembic_ops"]) + by_hand
        lines.append(f"| {c['change']} | {ours} | {theirs} |")
    over = [c["change"] for c in f["changes"] for r in (False, True)
            if c[("retort", r)]["max"] > bound]
    errors = [f"{c['change']} ({tool})" for c in f["changes"] for r in (False, True)
              for tool in ("retort", "alembic") if c[(tool, r)]["errors"]]
    queued = [c["change"] for c in f["changes"] if c[("alembic", True)]["max"] > bound]
    lines += ["", READING]
    lines += ["", ("Retort's longest wait is within lock_timeout + 100 ms in every row."
                   if not over else "Retort's longest wait breaks lock_timeout + 100 ms in: "
                   + ", ".join(dict.fromkeys(over)) + ".")
              + (" No workload statement failed." if not errors else
                 " Workload errors in: " + ", ".join(errors) + ".")
              + (f" Alembic's exceed it with the long reader in: {', '.join(queued)}."
                 if queued else " Alembic's stay within it too.")]
    lines += [f"Failed: {c['change']} ({tool}{', long reader' if r else ''}): "
              f"{(c[(tool, r)]['message'] or 'no output').splitlines()[-1]}"
              for c in f["changes"]
              for r in (False, True) for tool in ("retort", "alembic") if not c[(tool, r)]["ok"]]
    return lines


def main():
    run.section_main(__doc__, 12, "load.py", bench_load, section, runs=1, rows=1_000_000,
                     note=" (2 cores: the server, the migration and the 8 clients share them)")


if __name__ == "__main__":
    main()
