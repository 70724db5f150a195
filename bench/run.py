#!/usr/bin/env python3
"""Runs every Retort benchmark and writes bench/README.md.

    python3 bench/run.py [--build DIR] [--runs N] [--quick]

Builds Retort in Release with the benchmarks (DIR, default build-bench), then measures each
figure as the median of N runs (default 5), beside its peer or its limit in the same run:
Flask-Migrate/Alembic (python3-alembic), the sqlite3 shell, clang++ -fsyntax-only, a bare open.
Benchmarks are not tests: nothing here fails on a slow machine.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh(cmd, cwd=None, env=None, check=True, quiet=True):
    r = subprocess.run(cmd, cwd=cwd, env=env, shell=isinstance(cmd, str),
                       stdout=subprocess.PIPE if quiet else None,
                       stderr=subprocess.STDOUT if quiet else None, text=True)
    if check and r.returncode != 0:
        sys.exit(f"bench: command failed ({r.returncode}): {cmd}\n{r.stdout or ''}")
    return r.stdout or ""


def median_time(fn, runs, setup=None):
    """Median wall time of fn() over `runs` runs; setup() runs untimed before each."""
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(steps, runs):
    """Median wall time of each (fn, setup) in `steps`, timed in turn within each round, so that
    a host that slows down or speeds up meanwhile moves every figure of a ratio alike."""
    times = [[] for _ in steps]
    for _ in range(runs):
        for i, (fn, setup) in enumerate(steps):
            if setup:
                setup()
            start = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def ensure_packages():
    wanted = ["python3-alembic", "alembic", "python3-flask-migrate", "libbenchmark-dev", "sqlite3",
              "clang", "postgresql", "libpq-dev", "python3-psycopg2"]
    missing = [p for p in wanted if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True).stdout.find("install ok installed") < 0]
    if missing:
        print(f"bench: installing {' '.join(missing)}")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        sh(sudo + ["apt-get", "update", "-qq"])
        sh(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing,
           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def build(build_dir):
    sh(["cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
        "-DCMAKE_BUILD_TYPE=Release", "-DRETORT_BUILD_BENCH=ON", "-DRETORT_BUILD_TESTS=OFF",
        "-DRETORT_BUILD_EXAMPLES=OFF"])
    sh(["cmake", "--build", str(build_dir), "-j", "2"])


# ---------------------------------------------------------------------------------------------
# Equivalent models: C++ for Retort, SQLAlchemy for Alembic.

TYPES = [("std::int64_t", "Integer", False), ("std::string", "Text", False),
         ("double", "Float", False), ("std::optional<std::string>", "Text", True)]


def cpp_models(tables, columns):
    out = ["#include <cstdint>", "#include <optional>", "#include <string>",
           "#include <retort/annotations.hpp>", ""]
    for t in range(tables):
        out.append(f'struct RETORT_TABLE("t{t}") T{t} {{')
        out.append("  RETORT_PRIMARY_KEY std::int64_t id;")
        for c in range(columns - 1):
            cpp, _, _ = TYPES[c % len(TYPES)]
            out.append(f"  {cpp} c{c};")
        out.append("};")
    return "\n".join(out) + "\n"


def sqlalchemy_models(tables, columns):
    out = ["from sqlalchemy import Column, Float, Integer, MetaData, Table, Text",
           "metadata = MetaData()"]
    for t in range(tables):
        cols = ["Column('id', Integer, primary_key=True, autoincrement=False)"]
        for c in range(columns - 1):
            _, sa, nullable = TYPES[c % len(TYPES)]
            cols.append(f"Column('c{c}', {sa}, nullable={nullable})")
        out.append(f"Table('t{t}', metadata, {', '.join(cols)})")
    return "\n".join(out) + "\n"


def alembic_env(directory, models_py=None):
    """An Alembic environment in `directory` over sqlite `app.db` there."""
    directory.mkdir(parents=True, exist_ok=True)
    sh(["alembic", "init", "-t", "generic", "alembic"], cwd=directory)
    (directory / "alembic.ini").write_text((directory / "alembic.ini").read_text().replace(
        "sqlalchemy.url = driver://user:pass@localhost/dbname", "sqlalchemy.url = sqlite:///app.db"))
    env = directory / "alembic" / "env.py"
    text = env.read_text()
    if models_py is not None:
        (directory / "models.py").write_text(models_py)
        text = text.replace("target_metadata = None",
                            "import sys\nsys.path.insert(0, '.')\n"
                            "from models import metadata as target_metadata")
    env.write_text(text)


# ---------------------------------------------------------------------------------------------

def forget_scans(pch_dir):
    """Removes the scan memos (docs/build.md) kept beside the PCHs in `pch_dir`, which stay."""
    for f in Path(pch_dir).glob("scan-*.json"):
        f.unlink()


def bench_autogenerate(retort, runs, work):
    rows = []
    for tables, columns in [(1, 12), (200, 12)]:
        d = work / f"autogen_{tables}"
        d.mkdir()
        (d / "models.hpp").write_text(cpp_models(tables, columns))
        alembic_env(d / "al", sqlalchemy_models(tables, columns))
        mig = d / "migrations"

        def retort_setup():
            shutil.rmtree(mig, ignore_errors=True)
            forget_scans(d / "pch")  # a scan, not its memo (section 7 measures the memo)

        def retort_run():
            sh([str(retort), "generate", "--dir", str(mig), "--pch-dir", str(d / "pch"),
                "--models", str(d / "models.hpp")])

        retort_run()  # the PCH of the standard headers, cached as a build tree caches it

        def alembic_setup():
            for f in (d / "al" / "alembic" / "versions").glob("*.py"):
                f.unlink()
            (d / "al" / "app.db").unlink(missing_ok=True)

        def alembic_run():
            sh(["alembic", "revision", "--autogenerate", "-m", "x"], cwd=d / "al")

        r, a = interleaved_medians([(retort_run, retort_setup), (alembic_run, alembic_setup)],
                                   runs)
        rows.append((f"{tables} table{'s' if tables > 1 else ''} × {columns} columns", r, a))
    return rows


def write_revisions(mig, count):
    """`count` revisions: each creates a table with rows or adds a column."""
    versions = mig / "versions"
    versions.mkdir(parents=True)
    ups = []
    for i in range(1, count + 1):
        if i % 2 == 1 or i < 3:
            up = (f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                  f"INSERT INTO t{i} (id, name) VALUES (1, 'a'), (2, 'b');")
            down = f"DROP TABLE t{i};"
        else:
            up = f"ALTER TABLE t{i - 1} ADD COLUMN extra_{i} TEXT;"
            down = f"ALTER TABLE t{i - 1} DROP COLUMN extra_{i};"
        parent = "base" if i == 1 else f"{i - 1:04d}"
        (versions / f"{i:04d}_r{i}.sql").write_text(
            f"-- +retort parent: {parent}\n\n-- +retort Up\n{up}\n\n-- +retort Down\n{down}\n")
        ups.append((i, up, down))
    return ups


def bench_apply(retort, runs, work):
    d = work / "apply"
    d.mkdir()
    ups = write_revisions(d / "migrations", 100)
    # The same SQL for the sqlite3 shell, one transaction a revision, as Retort runs it.
    (d / "all.sql").write_text("".join(f"BEGIN;\n{up}\nCOMMIT;\n" for _, up, _ in ups))
    alembic_env(d / "al")
    versions = d / "al" / "alembic" / "versions"
    for i, up, down in ups:
        prev = "None" if i == 1 else f"'{i - 1:04d}'"
        stmts_up = "\n".join(f"    op.execute({s.strip()!r})" for s in up.split(";") if s.strip())
        stmts_down = "\n".join(f"    op.execute({s.strip()!r})" for s in down.split(";") if s.strip())
        (versions / f"{i:04d}_r.py").write_text(
            f"from alembic import op\nrevision = '{i:04d}'\ndown_revision = {prev}\n"
            f"branch_labels = None\ndepends_on = None\n\ndef upgrade():\n{stmts_up}\n\n"
            f"def downgrade():\n{stmts_down}\n")
    db = d / "app.db"

    def fresh():
        db.unlink(missing_ok=True)
        (d / "al" / "app.db").unlink(missing_ok=True)

    apply = retort.parent.parent / "bench" / "bench_apply"
    return interleaved_medians(
        [(lambda: sh([str(apply), str(d / "migrations"), str(db)]), fresh),
         (lambda: sh([str(retort), "upgrade", "--dir", str(d / "migrations"), "--db", str(db)]),
          fresh),
         (lambda: sh(f"sqlite3 {db} < {d / 'all.sql'}"), fresh),
         (lambda: sh(["alembic", "upgrade", "head"], cwd=d / "al"), fresh)], runs)


def bench_rebuild(retort, runs, work, rows=1_000_000):
    d = work / "rebuild"
    d.mkdir()
    versions = d / "migrations" / "versions"
    versions.mkdir(parents=True)
    create = ("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price TEXT, "
              "qty INTEGER NOT NULL);\n"
              f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})\n"
              "INSERT INTO items SELECT i, 'item ' || i, i || '.5', i % 100 FROM n;")
    copy = ('CREATE TABLE "_retort_new_items" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, '
            "price REAL, qty INTEGER NOT NULL);\n"
            'INSERT INTO "_retort_new_items" (id, name, price, qty) SELECT id, name, price, qty '
            "FROM items;\nDROP TABLE items;\n"
            'ALTER TABLE "_retort_new_items" RENAME TO items;')
    (versions / "0001_items.sql").write_text(
        f"-- +retort parent: base\n\n-- +retort Up\n{create}\n\n-- +retort Down\nDROP TABLE items;\n")
    (versions / "0002_price_real.sql").write_text(
        "-- +retort parent: 0001\n-- +retort foreign-keys: off\n\n-- +retort Up\n"
        f"{copy}\n\n-- +retort Down\nSELECT 1;\n")
    (d / "raw.sql").write_text(f"BEGIN;\n{copy}\nCOMMIT;\n")
    base = d / "base.db"
    sh([str(retort), "upgrade", "0001", "--dir", str(d / "migrations"), "--db", str(base)])
    db = d / "app.db"

    def fresh():
        shutil.copyfile(base, db)

    apply = retort.parent.parent / "bench" / "bench_apply"
    r, s = interleaved_medians([(lambda: sh([str(apply), str(d / "migrations"), str(db)]), fresh),
                                (lambda: sh(f"sqlite3 {db} < {d / 'raw.sql'}"), fresh)], runs)
    return rows, r, s


def gbench_medians(binary, runs):
    """Runs a Google Benchmark binary; its medians in ns, by run name."""
    data = json.loads(sh([str(binary), f"--benchmark_repetitions={runs}",
                          "--benchmark_report_aggregates_only=true", "--benchmark_format=json"]))
    if any(b["time_unit"] != "ns" for b in data["benchmarks"]):
        sys.exit(f"bench: {binary.name} did not report nanoseconds")
    return {b["run_name"]: b["real_time"] for b in data["benchmarks"]
            if b.get("aggregate_name") == "median"}


def bench_startup(build_dir, runs):
    """Rows of (tables, upgrade(path), bare open, upgrade(path) when the app owns user_version,
    open + first query, upgrade(db)) in ns."""
    med = gbench_medians(build_dir / "bench" / "bench_startup", runs)
    return [(t, med[f"UpToDateUpgrade/{t}"], med[f"BareOpenClose/{t}"],
             med[f"UpToDateUpgradeAppOwnsUserVersion/{t}"], med[f"OpenFirstQueryClose/{t}"],
             med[f"UpToDateUpgradeOnOpenConnection/{t}"])
            for t in (100, 10)]


def bench_hooks(build_dir, runs):
    """Rows of (database, without hook, with a no-op hook) in ns: one apply and one revert."""
    med = gbench_medians(build_dir / "bench" / "bench_hooks", runs)
    return [(name, med[f"RevisionWithoutHook/{arg}"], med[f"RevisionWithNoOpHook/{arg}"])
            for name, arg in (("in memory", 0), ("file", 1))]


def bench_diff(build_dir, runs):
    rows = []
    for n in [1000, 10000, 100000]:
        results = [json.loads(sh([str(build_dir / "bench" / "bench_diff", ), str(n)]))
                   for _ in range(runs)]
        rows.append((n, results[0]["changes"], statistics.median(r["seconds"] for r in results),
                     statistics.median(r["max_rss_kb"] for r in results) / 1024))
    return rows


def bench_build_cost(build_dir, runs, work):
    """No-op builds of one app with and without add_migrations(), installed package."""
    prefix = work / "prefix"
    sh(["cmake", "--install", str(build_dir), "--prefix", str(prefix)])
    results = {}
    for with_migrations in (True, False):
        d = work / ("with" if with_migrations else "without")
        (d / "models").mkdir(parents=True)
        (d / "models" / "shop.hpp").write_text(cpp_models(20, 12))
        (d / "main.cpp").write_text('#include "models/shop.hpp"\nint main() {}\n')
        (d / "CMakeLists.txt").write_text(textwrap.dedent(f"""\
            cmake_minimum_required(VERSION 3.20)
            project(app LANGUAGES CXX)
            find_package(Retort CONFIG REQUIRED)
            add_executable(app main.cpp)
            target_link_libraries(app PRIVATE Retort::annotations)
            {"add_migrations(app MODELS models/shop.hpp)" if with_migrations else ""}
            """))
        sh(["cmake", "-S", str(d), "-B", str(d / "b"), "-G", "Ninja",
            f"-DCMAKE_PREFIX_PATH={prefix}"])
        sh(["cmake", "--build", str(d / "b")])
        results[with_migrations] = median_time(
            lambda: sh(["cmake", "--build", str(d / "b")]), max(runs, 9))
    return results[True], results[False]


def bench_step(retort, runs, work, build_dir):
    """The whole build step (scan, diff, verify, write) on the build path (`retort generate`, PCH
    in the build tree) and the CLI path (`retort migrate --models`, PCH in the user's cache
    directory), against clang++ -fsyntax-only of the same models; and the same when 1 table of
    200 changed (one added column over a sealed revision). Beside them, in the same run, what
    bounds the step: a process that only loads libclang, and `retort check --models` (the scan
    and the diff, without the proof)."""
    include = ROOT / "annotations" / "include"
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "user-cache"))
    load = build_dir / "bench" / "bench_libclang_load"
    rows = []

    def syntax(models):
        sh(["clang++", "-fsyntax-only", "-std=c++17", "-x", "c++", f"-I{include}",
            "-DRETORT_SCANNER", str(models)])

    def forget_scans_of(d):
        """The scan's memo would hold the models of the previous run: the step after an edit
        finds none that matches. The PCHs stay warm."""
        forget_scans(d / "pch")
        forget_scans(work / "user-cache" / "retort" / "pch")

    def measure(name, d, models, reset_repository):
        """reset_repository() puts the repository back as the step finds it (untimed, before
        each run)."""
        mig = d / "migrations"

        def reset():
            reset_repository()
            forget_scans_of(d)

        def build_step():
            sh([str(retort), "generate", "--dir", str(mig), "--pch-dir", str(d / "pch"),
                "--models", str(models)])

        def cli_step():
            sh([str(retort), "migrate", "-m", "x", "--dir", str(mig), "--models", str(models)],
               env=env)

        def check():  # exits 1: the models differ from the sealed revisions
            sh([str(retort), "check", "--dir", str(mig), "--pch-dir", str(d / "pch"),
                "--models", str(models)], check=False)

        reset()
        build_step()
        reset()
        cli_step()  # both PCH caches warm, as after a first build or a first run
        b, c, k, s, lo = interleaved_medians(
            [(build_step, reset), (cli_step, reset), (lambda: syntax(models), None),
             (check, reset), (lambda: sh([str(load)]), None)], runs)
        rows.append((name, b, c, k, s, lo))

    for tables in [1, 20, 200]:
        d = work / f"step_{tables}"
        d.mkdir()
        models = d / "models.hpp"
        models.write_text(cpp_models(tables, 12))

        def empty(mig=d / "migrations"):
            shutil.rmtree(mig, ignore_errors=True)
            sh([str(retort), "init", "--dir", str(mig)])

        measure(f"{tables} new table{'s' if tables > 1 else ''}", d, models, empty)
    # 1 of 200 changed: the sealed 200 tables, then a column added to one of them.
    d = work / "step_200"
    models = d / "models.hpp"
    mig = d / "migrations"
    shutil.rmtree(mig, ignore_errors=True)
    sh([str(retort), "migrate", "-m", "all", "--dir", str(mig), "--models", str(models)], env=env)
    first = {f.name for f in (mig / "versions").iterdir()}
    models.write_text(cpp_models(200, 12).replace(
        "struct RETORT_TABLE(\"t7\") T7 {\n",
        "struct RETORT_TABLE(\"t7\") T7 {\n  std::optional<std::string> added;\n"))

    def only_the_first():
        for f in (mig / "versions").iterdir():
            if f.name not in first:
                f.unlink()

    measure("1 of 200 changed", d, models, only_the_first)

    # After a seal: the build step re-runs (the draft was renamed), the models as they were.
    models.write_text(cpp_models(200, 12))
    hour_ago = time.time() - 3600
    os.utime(models, (hour_ago, hour_ago))  # settled: the memo trusts its time stamp
    shutil.rmtree(mig, ignore_errors=True)
    sh([str(retort), "migrate", "-m", "all", "--dir", str(mig), "--models", str(models)], env=env)

    def after_seal():
        sh([str(retort), "generate", "--dir", str(mig), "--pch-dir", str(d / "pch"),
            "--models", str(models)])

    after_seal()  # remembers the scan, as the build that wrote the draft did
    recalled, scanned, k = interleaved_medians(
        [(after_seal, None), (after_seal, lambda: forget_scans_of(d)),
         (lambda: syntax(models), None)], runs)
    # The last round ended with a scan, which remembered it again: the first step of the next
    # round recalls, as the build after a seal does.
    return rows, (recalled, scanned, k)


def bench_scan(retort, runs, work):
    """The scan (retort generate: parse + build the schema, no revision) against clang++
    -fsyntax-only of the same headers, for 1, 20 and 200 model headers."""
    rows = []
    include = ROOT / "annotations" / "include"
    for count in [1, 20, 200]:
        d = work / f"scan_{count}"
        d.mkdir()
        headers = []
        for h in range(count):
            text = cpp_models(1, 12).replace('RETORT_TABLE("t0") T0', f'RETORT_TABLE("t{h}") T{h}')
            path = d / f"model_{h}.hpp"
            path.write_text("#pragma once\n" + text)
            headers.append(path)
        (d / "all.cpp").write_text("".join(f'#include "{p.name}"\n' for p in headers))
        mig = d / "migrations"

        def scan():
            sh([str(retort), "check", "--dir", str(mig), "--pch-dir", str(d / "pch"),
                "--models"] + [str(p) for p in headers], check=False)

        sh([str(retort), "init", "--dir", str(mig)])
        scan()  # builds the cached PCH, as the first build does
        s, c = interleaved_medians(
            [(scan, lambda: forget_scans(d / "pch")), (lambda: sh(["clang++", "-fsyntax-only", "-std=c++17", f"-I{include}",
                                        "-DRETORT_SCANNER", str(d / "all.cpp")]), None)], runs)
        rows.append((count, s, c))
    return rows


# ---------------------------------------------------------------------------------------------

def bench_adopt(retort, runs, work, tables=1000):
    """`retort init --from-db` of a database of `tables` tables (8 columns, an index and a
    reference to the previous table each) vs `sqlite3 FILE .schema` on the same file."""
    db = work / "adopt.db"
    ddl = []
    for t in range(tables):
        ref = f", parent INTEGER REFERENCES t{t - 1} (id)" if t else ""
        ddl.append(f"CREATE TABLE t{t} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                   f"note TEXT, price REAL DEFAULT 0, blob BLOB, flag BOOLEAN NOT NULL DEFAULT 0, "
                   f"created TEXT DEFAULT CURRENT_TIMESTAMP{ref});")
        ddl.append(f"CREATE INDEX ix_t{t}_name ON t{t} (name);")
    subprocess.run(["sqlite3", str(db)], input="\n".join(ddl), text=True, check=True)
    target = work / "adopted"

    def clean():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()

    ours, schema = interleaved_medians(
        [(lambda: sh([str(retort), "init", "--from-db", str(db), "--dir",
                      str(target / "migrations"), "--models-out",
                      str(target / "models" / "schema.hpp")]), clean),
         (lambda: sh(["sqlite3", str(db), ".schema"]), None)], runs)
    return tables, ours, schema


def replace_section(number, lines):
    """Puts section `number` into bench/README.md in place of the one there, or before the notes
    on missed targets."""
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text()
    block = "\n".join(lines).rstrip() + "\n\n"
    pattern = re.compile(rf"^## {number}\. .*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        at = text.find("## Where a target is missed")
        text = text[:at] + block + text[at:] if at >= 0 else text.rstrip() + "\n\n" + block
    readme.write_text(text.rstrip() + "\n")


def section_main(doc, number, script, measure, section, runs, rows=None, note=""):
    """The main() of a section's own script (transfer.py, postgresql.py, load.py): installs and
    builds as this file does (or uses the build as it is: --no-build), measures with
    measure(build_dir, runs, work, rows), and writes section(figures, runs) with the command that
    made it in place of its part of bench/README.md."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "build-bench"))
    parser.add_argument("--runs", type=int, default=runs)
    if rows:
        parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--no-build", action="store_true", help="use DIR as it is")
    args = parser.parse_args()
    build_dir = Path(args.build)
    ensure_packages()
    if not args.no_build:
        build(build_dir)
    with tempfile.TemporaryDirectory(prefix="retort-bench-", dir="/tmp") as tmp:
        figures = measure(build_dir, args.runs, Path(tmp), getattr(args, "rows", None))
    lines = section(figures, args.runs)
    more = f" --rows {args.rows}" if rows and args.rows != rows else ""
    lines.insert(2, f"Command: `python3 bench/{script} --runs {args.runs}{more}`, "
                    f"{datetime.date.today().isoformat()}, on the machine of the other "
                    f"sections{note}.\n")
    replace_section(number, lines)
    print("\n".join(lines))


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {
        "sqlite3": sh(["sqlite3", "--version"]).split()[0],
        "alembic": sh(["alembic", "--version"], check=False).split()[-1],
        "clang": sh(["clang++", "--version"]).splitlines()[0],
    }
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; {platform.platform()}; "
            f"SQLite {versions['sqlite3']}, Alembic {versions['alembic']}, {versions['clang']}")


def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.2f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(ROOT / "build-bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-install", action="store_true")
    args = parser.parse_args()
    if not args.no_install:
        ensure_packages()
    build_dir = Path(args.build)
    build(build_dir)
    retort = build_dir / "tool" / "retort"
    runs = args.runs
    with tempfile.TemporaryDirectory(prefix="retort-bench-") as tmp:
        work = Path(tmp)
        print("bench: autogenerate", flush=True)
        autogen = bench_autogenerate(retort, runs, work)
        print("bench: apply 100 revisions", flush=True)
        apply_r, apply_c, apply_s, apply_a = bench_apply(retort, runs, work)
        print("bench: up-to-date start-up", flush=True)
        startup = bench_startup(build_dir, runs)
        print("bench: table rebuild", flush=True)
        rb_rows, rb_r, rb_s = bench_rebuild(retort, runs, work)
        print("bench: diff engine", flush=True)
        diff = bench_diff(build_dir, runs)
        print("bench: build cost", flush=True)
        noop_with, noop_without = bench_build_cost(build_dir, runs, work)
        print("bench: scan", flush=True)
        scan = bench_scan(retort, runs, work)
        print("bench: the whole build step", flush=True)
        step, after_seal = bench_step(retort, runs, work, build_dir)
        print("bench: hooks", flush=True)
        hooks = bench_hooks(build_dir, runs)
        print("bench: adopt", flush=True)
        adopt_tables, adopt_ours, adopt_schema = bench_adopt(retort, runs, work)
        print("bench: transfer to PostgreSQL", flush=True)
        import transfer  # bench/transfer.py: section 10, also runnable on its own
        moved = transfer.bench_transfer(retort, runs, work)
        print("bench: PostgreSQL", flush=True)
        import postgresql  # bench/postgresql.py: section 11, also runnable on its own
        pg = postgresql.bench_postgresql(build_dir, runs, work)
        print("bench: changes under load", flush=True)
        import load  # bench/load.py: section 12, also runnable on its own
        loaded = load.bench_load(build_dir, 1, work)  # one run a change: maxima and p99

    def ratio(a, b):
        return f"{a / b:.2f}×"

    lines = [
        "# Benchmarks",
        "",
        "Written by `python3 bench/run.py` (it installs what is missing, builds Retort in Release "
        "into `build-bench/` with `-DRETORT_BUILD_BENCH=ON`, runs everything and rewrites this "
        "file). Each figure is the median of "
        f"{runs} runs; each ratio is measured in the same run. Benchmarks are not tests: nothing "
        "here fails CI.",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {machine()}",
        f"- Command: `python3 bench/run.py --runs {runs}`",
        "",
        "## 1. Autogenerate: Retort's scan + diff + verify + write vs `alembic revision --autogenerate`",
        "",
        "Equivalent models (C++ for Retort, SQLAlchemy Core tables for Alembic), empty database / "
        "empty migration repository. Both are whole processes. Retort's PCH of the standard "
        "headers is warm, as in a build tree after the first build. Target: Retort ≥ 10× faster.",
        "",
        "| models | Retort | Alembic | Alembic / Retort |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {name} | {fmt(r)} | {fmt(a)} | {a / r:.1f}× |" for name, r, a in autogen]
    lines += [
        "",
        "## 2. Apply: an empty database through 100 revisions",
        "",
        "Retort's runtime as the application runs it (`bench_apply`: a process that reads the 100 "
        "revision files and calls `retort::upgrade`; one `BEGIN IMMEDIATE` transaction and "
        "bookkeeping row per revision) vs the `sqlite3` shell running the same SQL, one "
        "transaction per revision (the limit; target ≤ 1.1×), and vs `alembic upgrade head` "
        "(target ≥ 20× faster). The `retort upgrade` CLI is shown too (a process that reads "
        "the migration directory; it does not load libclang).",
        "",
        "| Retort runtime | `retort upgrade` CLI | sqlite3 shell | Alembic | runtime / shell | Alembic / runtime |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| {fmt(apply_r)} | {fmt(apply_c)} | {fmt(apply_s)} | {fmt(apply_a)} | "
        f"{ratio(apply_r, apply_s)} | {apply_a / apply_r:.1f}× |",
        "",
        "## 3. Up-to-date start-up",
        "",
        "`retort::upgrade(path, revisions)` on a file already at the newest of 100 revisions vs "
        "`sqlite3_open_v2` + `sqlite3_close` of the same file (Google Benchmark, `bench_startup`), "
        "for revisions that create 100 tables and for revisions that create 10 tables and add "
        "columns. Target ≤ 2×. Retort reads the start-up fingerprint in `PRAGMA user_version` "
        "([docs/start-up.md](../docs/start-up.md)), which SQLite reads without parsing the "
        "schema. When the application owns `user_version`, Retort reads `retort_migrations` "
        "instead, and that first statement makes SQLite parse the whole schema: compare "
        "with an open + first query + close. On the application's already open connection the "
        "check costs the last column.",
        "",
        "| tables | upgrade(path) | bare open + close | ratio | upgrade(path), the app owns user_version | open + first query + close | ratio | upgrade(db) on the app's open connection |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {t} | {r / 1000:.1f} µs | {b / 1000:.1f} µs | {ratio(r, b)} | {a / 1000:.1f} µs | "
              f"{q / 1000:.1f} µs | {ratio(a, q)} | {o / 1000:.1f} µs |"
              for t, r, b, a, q, o in startup]
    lines += [
        "",
        f"## 4. Table rebuild of {rb_rows:,} rows (a type change)",
        "",
        "Retort's runtime (`bench_apply`) applying a generated-style rebuild revision (create, copy, drop, rename, "
        "with `foreign-keys: off` and its `foreign_key_check`) vs the `sqlite3` shell running the raw "
        "`INSERT INTO new SELECT ... FROM old` with the same create, drop and rename in one "
        "transaction. Target ≤ 1.2×.",
        "",
        "| Retort | sqlite3 shell | ratio |",
        "| --- | --- | --- |",
        f"| {fmt(rb_r)} | {fmt(rb_s)} | {ratio(rb_r, rb_s)} |",
        "",
        "## 5. Diff engine alone",
        "",
        "`bench_diff N`: N tables × 12 columns against a changed copy (a column added to every "
        "tenth table, a type changed in every twentieth, a new table per fifty), diff and render "
        "up and down; peak memory of the whole process (ru_maxrss).",
        "",
        "| tables | changes | time | peak memory |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {n:,} | {c:,} | {fmt(t)} | {m:.0f} MiB |" for n, c, t, m in diff]
    lines += [
        "",
        "## 6. Build cost",
        "",
        "No-op `cmake --build` (Ninja) of one app (20 models) with and without "
        "`add_migrations()`, Retort installed as a package. Target: equal within noise.",
        "",
        "| with add_migrations() | without | ratio |",
        "| --- | --- | --- |",
        f"| {fmt(noop_with)} | {fmt(noop_without)} | {ratio(noop_with, noop_without)} |",
        "",
        "The scan (`retort check --models ...`: one translation unit, parse and schema, no "
        "revision written, the cached PCH of the standard headers warm) vs `clang++ "
        "-fsyntax-only` of the same headers (one file including them all, no PCH). Target: the "
        "scan ≤ 0.5× the syntax check.",
        "",
        "| model headers | scan | clang++ -fsyntax-only | scan / clang++ |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {n} | {fmt(s)} | {fmt(c)} | {ratio(s, c)} |" for n, s, c in scan]
    lines += [
        "",
        "## 7. The whole build step",
        "",
        "Scan, diff, verify (up, down, up with rows) and write, as whole processes, vs `clang++ "
        "-std=c++17 -fsyntax-only` of the same model header (12 columns a table). Build path: "
        "`retort generate` as `add_migrations()` runs it, PCH in the build tree; CLI path: "
        "`retort migrate -m x --models ...` (it also seals), PCH in the user's cache directory. "
        "New tables start from an empty repository; \"1 of 200 changed\" adds a column to one "
        "table of a sealed 200. The figures of a row (and of the two tables below) are timed in "
        "turn within each round, so that the host's drift moves them alike. Targets: ≤ 0.5× at "
        "1, 20 and 200 tables, ≤ 0.25× for 1 of 200 changed; Alembic ≥ 10× slower than the step "
        "(section 1).",
        "",
        "| models | build path | CLI path | clang++ -fsyntax-only | build / clang++ | CLI / clang++ |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {n} | {fmt(b)} | {fmt(c)} | {fmt(k)} | {ratio(b, k)} | {ratio(c, k)} |"
              for n, b, c, k, _, _ in step]
    lines += [
        "",
        "What bounds the step, in the same run: `bench_libclang_load`, a process that only loads "
        "libclang as the scanner does and creates an index (the floor of any scan), and `retort "
        "check --models` with the build path's PCH, which scans and diffs but does not verify or "
        "write (the floor of the step). The proof is the step less the check.",
        "",
        "| models | libclang load | check (scan + diff) | load / clang++ | check / clang++ | "
        "proof (build − check) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {n} | {fmt(lo)} | {fmt(s)} | {ratio(lo, k)} | {ratio(s, k)} | {fmt(b - s)} |"
              for n, b, c, k, s, lo in step]
    recalled, scanned, k = after_seal
    lines += [
        "",
        "The build after a seal (200 tables sealed, the models as they were: the step re-runs "
        "because the draft was renamed, and writes nothing): `retort generate` recalling the "
        "last scan from its memo ([docs/build.md](../docs/build.md)), without loading libclang, "
        "vs the same with the memo removed before each run.",
        "",
        "| models | scan recalled | scanned | clang++ -fsyntax-only | recalled / clang++ | "
        "scanned / clang++ |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| 200 tables, unchanged | {fmt(recalled)} | {fmt(scanned)} | {fmt(k)} | "
        f"{ratio(recalled, k)} | {ratio(scanned, k)} |",
    ]
    lines += [
        "",
        "## 8. The hook mechanism",
        "",
        "`bench_hooks` (Google Benchmark): a revision that updates one row of a 1,000-row table, "
        "applied and reverted in turn (two transactions), whose Up and Down each run a hook that "
        "does nothing, vs the same revision without the markers. What the mechanism adds: "
        "splitting the section at its markers, the authorizer set and cleared around the hook, "
        "the progress reporter. In memory nothing else costs, so the ratio is the worst case; on "
        "a file the commits dominate.",
        "",
        "| database | without the marker | with a no-op hook | ratio |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {n} | {w / 1000:.1f} µs | {h / 1000:.1f} µs | {ratio(h, w)} |"
              for n, w, h in hooks]
    lines += [
        "",
        "## 9. Adopting a database",
        "",
        f"`retort init --from-db` of a database of {adopt_tables:,} tables (8 columns, an index "
        "and a reference to the previous table each), into an empty repository, vs `sqlite3 FILE "
        ".schema` on the same file. Retort reads the schema, writes the header, the baseline and "
        "proves both before writing: a fresh database through the baseline compared with the "
        "original, and the header scanned back with libclang (no PCH: the header includes only "
        "four standard headers).",
        "",
        "| tables | retort init --from-db | sqlite3 .schema | ratio |",
        "| --- | --- | --- | --- |",
        f"| {adopt_tables:,} | {fmt(adopt_ours)} | {fmt(adopt_schema)} | "
        f"{ratio(adopt_ours, adopt_schema)} |",
    ]
    lines += [""] + transfer.section(moved, runs)
    lines += [""] + postgresql.section(pg, runs)
    lines += [""] + load.section(loaded, 1)
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    (ROOT / "bench" / "README.md").write_text("\n".join(lines) + "\n")
    print((ROOT / "bench" / "README.md").read_text())


if __name__ == "__main__":
    main()
