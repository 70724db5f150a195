#!/usr/bin/env python3
"""Section 11 of bench/README.md: PostgreSQL, Retort's second dialect.

    python3 bench/postgresql.py [--build DIR] [--runs N] [--no-build]

run.py runs it with the other sections; on its own it builds as run.py does, runs this section
only and replaces its part of bench/README.md. It runs a throwaway PostgreSQL server
(tests/postgresql_server.cmake) for the run, as the tests do. Measured, each beside its peer in
the same run:
- an empty database through 100 revisions: Retort's runtime (a process, the application's path)
  against psql running the same SQL, one transaction a revision, and Alembic's `upgrade head`;
- an up-to-date start-up on an open connection against a `SELECT 1` on it;
- the build step with DIALECTS sqlite postgresql when the models equal the draft (the server's
  data directory warm), against the same step with SQLite alone; and the cold first build;
- autogenerate with both dialects (the PostgreSQL section proven on the server) beside Alembic's
  autogenerate against the same server.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the house helpers)
import transfer  # noqa: E402  (its throwaway server)

ROOT = run.ROOT
PORT = 54391


class Server(transfer.Server):
    def __init__(self, directory):
        super().__init__(directory)
        self.cmd = [c.replace(f"-DPORT={transfer.PORT}", f"-DPORT={PORT}") for c in self.cmd]

    def psql(self, *commands, db="postgres"):
        return run.sh(["psql", "-X", "-q", "-A", "-t", "-h", str(self.dir), "-p", str(PORT),
                       "-U", "retort", "-d", db] + [a for c in commands for a in ("-c", c)])

    def conninfo(self, name):
        return f"host={self.dir} port={PORT} user=retort dbname={name}"

    def sqlalchemy_url(self, name):
        return f"postgresql+psycopg2://retort@/{name}?host={self.dir}&port={PORT}"


def write_revisions(mig, count):
    """`count` revisions with both dialects' sections: each creates a table with rows or adds a
    column. Returns PostgreSQL's (up, down) of each."""
    versions = mig / "versions"
    versions.mkdir(parents=True)
    out = []
    for i in range(1, count + 1):
        if i % 2 == 1 or i < 3:
            sqlite_up = (f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                         f"INSERT INTO t{i} (id, name) VALUES (1, 'a'), (2, 'b');")
            up = (f"CREATE TABLE t{i} (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\n"
                  f"INSERT INTO t{i} (id, name) VALUES (1, 'a'), (2, 'b');")
            down = sqlite_down = f"DROP TABLE t{i};"
        else:
            up = sqlite_up = f"ALTER TABLE t{i - 1} ADD COLUMN extra_{i} TEXT;"
            down = sqlite_down = f"ALTER TABLE t{i - 1} DROP COLUMN extra_{i};"
        parent = "base" if i == 1 else f"{i - 1:04d}"
        (versions / f"{i:04d}_r{i}.sql").write_text(
            f"-- +retort parent: {parent}\n\n-- +retort Up\n{sqlite_up}\n\n-- +retort Down\n"
            f"{sqlite_down}\n\n-- +retort Up postgresql\n{up}\n\n-- +retort Down postgresql\n"
            f"{down}\n")
        out.append((i, up, down))
    return out


def alembic_env(directory, url, models_py=None):
    run.alembic_env(directory, models_py)
    ini = directory / "alembic.ini"
    ini.write_text(ini.read_text().replace("sqlalchemy.url = sqlite:///app.db",
                                           f"sqlalchemy.url = {url.replace('%', '%%')}"))


def bench_apply(server, bench, runs, work):
    d = work / "pg-apply"
    d.mkdir()
    ups = write_revisions(d / "migrations", 100)
    (d / "all.sql").write_text("\\set ON_ERROR_STOP on\n" +
                               "".join(f"BEGIN;\n{up}\nCOMMIT;\n" for _, up, _ in ups))
    alembic_env(d / "al", server.sqlalchemy_url("bench_alembic"))
    versions = d / "al" / "alembic" / "versions"
    for i, up, down in ups:
        prev = "None" if i == 1 else f"'{i - 1:04d}'"
        body_up = "\n".join(f"    op.execute({s.strip()!r})" for s in up.split(";") if s.strip())
        body_down = "\n".join(f"    op.execute({s.strip()!r})" for s in down.split(";")
                              if s.strip())
        (versions / f"{i:04d}_r.py").write_text(
            f"from alembic import op\nrevision = '{i:04d}'\ndown_revision = {prev}\n"
            f"branch_labels = None\ndepends_on = None\n\ndef upgrade():\n{body_up}\n\n"
            f"def downgrade():\n{body_down}\n")
    # Alembic runs every revision in one transaction by default; one each, as Retort and psql.
    env = d / "al" / "alembic" / "env.py"
    env.write_text(env.read_text().replace("target_metadata=target_metadata",
                                           "target_metadata=target_metadata, "
                                           "transaction_per_migration=True"))
    ours = lambda: run.sh([str(bench), "apply", str(d / "migrations"),  # noqa: E731
                           server.conninfo("bench_retort")])
    psql = lambda: run.sh(["psql", "-X", "-q", "-h", str(server.dir), "-p", str(PORT),  # noqa
                           "-U", "retort", "-d", "bench_psql", "-f", str(d / "all.sql")])
    alembic = lambda: run.sh(["alembic", "upgrade", "head"], cwd=d / "al")  # noqa: E731
    return run.interleaved_medians(
        [(ours, lambda: server.fresh("bench_retort")), (psql, lambda: server.fresh("bench_psql")),
         (alembic, lambda: server.fresh("bench_alembic"))], runs)


def bench_startup(server, bench, work):
    d = work / "pg-startup"
    d.mkdir()
    write_revisions(d / "migrations", 100)
    server.fresh("bench_startup")
    ours, select = run.sh([str(bench), "startup", str(d / "migrations"),
                           server.conninfo("bench_startup"), "2000"]).split()
    return float(ours), float(select)


def bench_step(server, retort, runs, work, tables=20):
    """`retort generate` as the build runs it, the models unchanged from the draft it wrote (the
    step re-runs after a header was touched), with DIALECTS sqlite postgresql and with sqlite
    alone; and the first build of all, on a throwaway server that initdb makes."""
    include = ROOT / "annotations" / "include"
    out = {}
    for dialects in ("sqlite", "sqlite,postgresql"):
        d = work / f"pg-step-{dialects.replace(',', '-')}"
        d.mkdir()
        models = d / "models.hpp"
        models.write_text(run.cpp_models(tables, 8))

        def step():
            run.sh([str(retort), "generate", "--dir", str(d / "migrations"), "--pch-dir",
                    str(d / "pch"), "--postgresql-dir", str(d / "postgresql"), "--dialects",
                    dialects, "--models", str(models), "--", f"-I{include}"],
                   env=dict(run.os.environ, RETORT_POSTGRESQL_URL=""))

        first = run.median_time(step, 1)  # the draft written: initdb, start, prove, stop
        if dialects != "sqlite":
            out["cold"] = first
        out[dialects] = run.median_time(step, runs, lambda: models.touch())
    return out


def bench_autogenerate(server, retort, runs, work):
    rows = []
    include = ROOT / "annotations" / "include"
    for tables in (1, 200):
        d = work / f"pg-autogen-{tables}"
        d.mkdir()
        (d / "models.hpp").write_text(run.cpp_models(tables, 12))
        models_py = run.sqlalchemy_models(tables, 12)
        alembic_env(d / "al", server.sqlalchemy_url("bench_autogen"), models_py)

        def retort_setup():
            run.shutil.rmtree(d / "migrations", ignore_errors=True)
            run.sh([str(retort), "init", "--dir", str(d / "migrations")])

        def retort_run():
            run.sh([str(retort), "migrate", "-m", "x", "--dir", str(d / "migrations"),
                    "--pch-dir", str(d / "pch"), "--dialects", "sqlite,postgresql",
                    "--postgresql-url", server.conninfo("").replace(" dbname=", ""),
                    "--models", str(d / "models.hpp"), "--", f"-I{include}"])

        def alembic_setup():
            server.fresh("bench_autogen")
            for f in (d / "al" / "alembic" / "versions").glob("*.py"):
                f.unlink()

        def alembic_run():
            run.sh(["alembic", "revision", "--autogenerate", "-m", "x"], cwd=d / "al")

        retort_setup()
        retort_run()  # warms the PCH, as a build tree after its first build
        r, a = run.interleaved_medians([(retort_run, retort_setup),
                                        (alembic_run, alembic_setup)], runs)
        rows.append((tables, r, a))
    return rows


def bench_postgresql(build_dir, runs, work):
    work.chmod(0o755)  # the server runs as another user (postgres, when this is root)
    retort = build_dir / "tool" / "retort"
    bench = build_dir / "bench" / "bench_postgresql"
    (work / "pg").mkdir()
    with Server(work / "pg") as server:
        return {"apply": bench_apply(server, bench, runs, work),
                "startup": bench_startup(server, bench, work),
                "step": bench_step(server, retort, runs, work),
                "autogenerate": bench_autogenerate(server, retort, runs, work)}


def section(f, runs):
    ours, psql, alembic = f["apply"]
    up, select = f["startup"]
    step = f["step"]
    lines = [
        "## 11. PostgreSQL: apply, start-up, the build step, autogenerate",
        "",
        "On a throwaway PostgreSQL 15 server on the same machine (a Unix socket; fsync off, as "
        "the tests run it), each figure beside its peer in the same run.",
        "",
        "**Apply 100 revisions to an empty database** (50 tables created with 2 rows each, 50 "
        "columns added; one transaction a revision). Retort: the runtime in a process "
        "(`bench_postgresql apply`, the application's path over libpq: the runner lock, the "
        "version table, each statement, each revision's row). psql: the same SQL as one script, "
        "`BEGIN`/`COMMIT` around each revision. Alembic: `alembic upgrade head` with "
        "`transaction_per_migration`. Target: Retort ≤ 1.1× psql.",
        "",
        "| | time | / psql |",
        "| --- | --- | --- |",
        f"| Retort's runtime | {run.fmt(ours)} | {ours / psql:.2f}× |",
        f"| psql | {run.fmt(psql)} | 1.00× |",
        f"| `alembic upgrade head` | {run.fmt(alembic)} | {alembic / psql:.2f}× |",
        "",
        "**An up-to-date start-up on an open connection** (100 revisions applied): "
        "`retort::upgrade(conn)` is one round trip (the fingerprint kept as the version table's "
        "comment, read by a statement prepared once a connection), beside "
        "a `SELECT 1` on the same connection; medians of 2,000 calls each, in turn. "
        "Target ≤ 1.5×.",
        "",
        "| `upgrade(conn)` | `SELECT 1` | ratio |",
        "| --- | --- | --- |",
        f"| {up / 1000:.0f} µs | {select / 1000:.0f} µs | {up / select:.2f}× |",
        "",
        "**The build step** (`retort generate`, 20 models of 8 columns, the PCH and the scan's "
        "memo warm) re-run with the models equal to the draft it wrote (a header touched): "
        "the draft is the one already proven, so no server starts. Target ≤ 1 s. The cold first "
        "build writes the draft: it runs `initdb`, starts the throwaway server, proves the "
        "PostgreSQL section, stops it.",
        "",
        "| DIALECTS | step | / sqlite |",
        "| --- | --- | --- |",
        f"| sqlite | {run.fmt(step['sqlite'])} | 1.00× |",
        f"| sqlite postgresql | {run.fmt(step['sqlite,postgresql'])} | "
        f"{step['sqlite,postgresql'] / step['sqlite']:.2f}× |",
        f"| sqlite postgresql, the cold first build | {run.fmt(step['cold'])} | |",
        "",
        "**Autogenerate against the server**: `retort migrate -m x --models ... --dialects "
        "sqlite,postgresql` (scan, diff, both sections rendered and proven: SQLite's in memory, "
        "PostgreSQL's on scratch databases of the server) beside `alembic revision "
        "--autogenerate` on an empty PostgreSQL database (it reflects the database and compares; "
        "it proves nothing). Both whole processes; Retort's PCH warm.",
        "",
        "| models | Retort | Alembic | Alembic / Retort |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {t} table{'s' if t > 1 else ''} × 12 columns | {run.fmt(r)} | {run.fmt(a)} | "
              f"{a / r:.2f}× |" for t, r, a in f["autogenerate"]]
    return lines


def main():
    run.section_main(__doc__, 11, "postgresql.py",
                     lambda build, runs, work, _: bench_postgresql(build, runs, work), section,
                     runs=5)


if __name__ == "__main__":
    main()
