"""The load bench: ``python -m bench.load`` (``make bench``). Prints every table; writes JSON and the plot.

For each corpus size (``--sizes``, default 1000,10000,100000):

1. the index of that size (``bench.corpus``: the shipped corpus replicated, cached under ``var/bench``);
2. the floor on that index (``bench.floor``, in a child process);
3. the product's server (``uvicorn server:create_app --factory``, one worker, a fresh SQLite file, embedded
   Chroma, the real model) in a subprocess, loaded by ``--users`` simulated litigants through ``POST /wechat``
   (plaintext and AES) at ``--rate`` messages/s for ``--duration`` seconds after ``--warmup`` (``bench.traffic``);
4. the server log scanned afterwards: tracebacks, and any ID or phone number the users typed, in clear.

Then, at ``--multi-size`` (default: the largest size), the same load against ``--workers`` (default 4)
uvicorn workers sharing a PostgreSQL database (created for the run on ``--pg-url``'s server and dropped after)
and a Chroma server (``chroma run`` on the same index); and growth (``bench.growth``): ingestion throughput
and peak memory, disk per 10k judgments, the projection to 1M, and the plot (``--plot``).

Quick run: ``python -m bench.load --sizes 1000 --duration 10 --users 10 --no-multi --no-growth``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from bench.corpus import CorpusIndex, ensure_index
from bench.floor import Floor, run_in_child
from bench.growth import TARGET, Ingestion, fit_line, ingestion_in_child, plot, project
from bench.server import ChromaServer, ProductServer, tree_rss_mib
from bench.traffic import LoadConfig, LoadResult, run_load
from bench.wxclient import Account, WeChatClient
from core.settings import REPO_ROOT

OUT = REPO_ROOT / "var" / "bench"
ACCOUNT = Account(
    token="bench-token",
    aes_key="kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",  # 43 characters, made for the bench
    appid="wxbench000000000",
)
TARGETS = {"p99_ms": 300.0, "p50_ms": 50.0, "rate": 100.0, "ratio": 1.5}


def write(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def machine() -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "commit": commit,
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def server_env(index: CorpusIndex, database_url: str, **extra: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "WECHAT_TOKEN": ACCOUNT.token,
        "WECHAT_ENCODING_AES_KEY": ACCOUNT.aes_key,
        "WECHAT_APPID": ACCOUNT.appid,
        "WECHAT_MESSAGE_MODE": "plain",  # the traffic mixes plaintext and encrypted callbacks
        "WECHAT_APPSECRET": "change-me",  # placeholder: no customer-service pushes (no network in a bench)
        "LOG_LEVEL": "INFO",
        **index.env(),
        **extra,
    }


def scan_log(text: str, result: LoadResult) -> dict[str, int]:
    """Tracebacks and clear ID/phone numbers in the server's output."""
    leaked_ids = sum(1 for n in result.sent_ids if n in text)
    leaked_phones = sum(1 for n in result.sent_phones if n in text)
    return {
        "tracebacks": text.count("Traceback"),
        "logging_errors": text.count("--- Logging error ---"),
        "error_lines": len(re.findall(r"^\S+ \S+ ERROR ", text, flags=re.MULTILINE)),
        "leaked_ids": leaked_ids,
        "leaked_phones": leaked_phones,
    }


def _load(server: ProductServer, cfg: LoadConfig) -> LoadResult:
    client = WeChatClient(ACCOUNT)
    return asyncio.run(run_load(server.base, client, cfg, read_rss=lambda: tree_rss_mib(server.pid)))


APPS = {"shipped": "server:create_app", "tuned": "bench.tuned:create_app"}


def run_size(index: CorpusIndex, cfg: LoadConfig, floor: Floor, logs: Path, variant: str = "shipped") -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-db-") as tmp:
        env = server_env(index, f"sqlite:///{Path(tmp) / 'bot.sqlite3'}")
        server = ProductServer(env, logs / f"server-{index.size}-{variant}-{cfg.rate:g}.log", app=APPS[variant])
        try:
            started = time.perf_counter()
            server.wait_ready()
            ready_s = time.perf_counter() - started
            idle_rss = tree_rss_mib(server.pid)
            result = _load(server, cfg)
        finally:
            server.stop()
        log = server.output()
    return _row(index, cfg, result, floor, log, workers=1, ready_s=ready_s, idle_rss=idle_rss, db="SQLite",
                chroma="embedded", variant=variant)


def _row(index: CorpusIndex, cfg: LoadConfig, result: LoadResult, floor: Floor, log: str, *, workers: int,
         ready_s: float, idle_rss: float, db: str, chroma: str, variant: str) -> dict[str, Any]:
    s = result.summary()
    assess = s["stages"]["assess"]
    return {
        "size": index.size,
        "variant": variant,
        "workers": workers,
        "db": db,
        "chroma": chroma,
        "users": cfg.users,
        "rate_offered": cfg.rate,
        "duration_s": cfg.duration_s,
        "messages": s["messages"],
        "errors": s["errors"],
        "error_kinds": s["error_kinds"],
        "throughput": round(s["throughput"], 1),
        "p50": round(s["all"]["p50"], 1),
        "p95": round(s["all"]["p95"], 1),
        "p99": round(s["all"]["p99"], 1),
        "max": round(s["all"]["max"], 1),
        "assess_n": assess["n"],
        "assess_p50": round(assess["p50"], 1),
        "assess_p99": round(assess["p99"], 1),
        "floor_p50": floor.p50_ms,
        "floor_p99": floor.p99_ms,
        "floor": asdict(floor),
        "ratio_assess": round(assess["p50"] / floor.p50_ms, 2) if floor.p50_ms else math.nan,
        "ratio_all": round(s["all"]["p50"] / floor.p50_ms, 2) if floor.p50_ms else math.nan,
        "stages": s["stages"],
        "modes": s["modes"],
        "conversations": s["conversations"],
        "server_rss_mib": round(s["peak_rss_mib"], 0),
        "client_cpu_share": round(s["client_cpu_share"], 2),
        "idle_rss_mib": round(idle_rss, 0),
        "ready_s": round(ready_s, 1),
        "disk_mib": round(index.disk_bytes / 2**20, 1),
        "build_s": index.build_s,
        "log": scan_log(log, result),
    }


def create_pg_database(admin_url: str) -> tuple[str, str]:
    """A fresh database on ``admin_url``'s server: (its URL, its name)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{int(time.time())}"
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


def drop_pg_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrate(url: str) -> None:
    from core.db import make_engine
    from core.migrate import upgrade_to_head

    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()


def run_multi(index: CorpusIndex, cfg: LoadConfig, *, workers: int, pg_admin: str, logs: Path,
              model: str, variant: str = "shipped") -> dict[str, Any]:
    """``workers`` uvicorn workers, PostgreSQL, a Chroma server on the same index."""
    url, name = create_pg_database(pg_admin)
    chroma = ChromaServer(index.chroma_path, logs / f"chroma-{index.size}.log")
    try:
        migrate(url)  # once, before the workers start (each would race to migrate otherwise)
        chroma.wait_ready()
        floor = run_in_child(index.size, model, chroma_host="127.0.0.1", chroma_port=chroma.port)
        env = server_env(index, url, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(chroma.port), DB_AUTO_MIGRATE="false")
        log_path = logs / f"server-{index.size}-w{workers}-{variant}-{cfg.rate:g}.log"
        server = ProductServer(env, log_path, workers=workers, app=APPS[variant])
        try:
            started = time.perf_counter()
            server.wait_ready(consecutive=4 * workers)
            ready_s = time.perf_counter() - started
            idle = tree_rss_mib(server.pid) + tree_rss_mib(chroma.pid)

            def rss() -> float:
                return tree_rss_mib(server.pid) + tree_rss_mib(chroma.pid)

            client = WeChatClient(ACCOUNT)
            result = asyncio.run(run_load(server.base, client, cfg, read_rss=rss))
        finally:
            server.stop()
        log = server.output()
    finally:
        chroma.stop()
        drop_pg_database(pg_admin, name)
    return _row(index, cfg, result, floor, log, workers=workers, ready_s=ready_s, idle_rss=idle, db="PostgreSQL",
                chroma="server", variant=variant)


# ----------------------------------------------------------------------------------------------- printing


def _mark(value: float, target: float, *, higher_is_better: bool = False) -> str:
    if math.isnan(value):
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return f"{value:g}" + ("" if ok else " ✗")


def _run(r: dict[str, Any]) -> str:
    """The first four cells of a row: judgments, app, workers, offered rate."""
    return f"{r['size']:,} | {r['variant']} | {r['workers']} | {r['rate_offered']:g}"


def print_load_table(rows: list[dict[str, Any]]) -> None:
    write("| judgments | app | workers / DB / Chroma | users | offered msg/s | messages | errors | achieved msg/s "
          "| p50 ms | p95 ms | p99 ms | max ms | server RSS MiB |")
    write("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        write(f"| {r['size']:,} | {r['variant']} | {r['workers']} / {r['db']} / {r['chroma']} | {r['users']} "
              f"| {r['rate_offered']:g} "
              f"| {r['messages']} | {r['errors']} | {_mark(r['throughput'], TARGETS['rate'], higher_is_better=True)} "
              f"| {_mark(r['p50'], TARGETS['p50_ms'])} | {r['p95']} | {_mark(r['p99'], TARGETS['p99_ms'])} "
              f"| {r['max']} | {r['server_rss_mib']:g} |")


def print_floor_table(rows: list[dict[str, Any]]) -> None:
    write("| judgments | app | workers | offered msg/s | floor p50 ms (embed / ANN / BM25) | floor p99 ms "
          "| assessment replies | assessment p50 ms | assessment p99 ms | ratio p50 assessment / floor "
          "| ratio p50 all / floor |")
    write("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        f = r["floor"]
        write(f"| {_run(r)} | {f['p50_ms']} ({f['embed_p50_ms']} / "
              f"{f['ann_p50_ms']} / {f['bm25_p50_ms']}) | {f['p99_ms']} | {r['assess_n']} | {r['assess_p50']} "
              f"| {r['assess_p99']} "
              f"| {_mark(r['ratio_assess'], TARGETS['ratio'])} | {_mark(r['ratio_all'], TARGETS['ratio'])} |")


def print_stage_table(rows: list[dict[str, Any]]) -> None:
    write("| judgments | app | workers | offered msg/s | stage | n | p50 ms | p95 ms | p99 ms | max ms |")
    write("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        for stage, st in r["stages"].items():
            if st["n"]:
                write(f"| {_run(r)} | {stage} | {st['n']} "
                      f"| {st['p50']:.1f} "
                      f"| {st['p95']:.1f} | {st['p99']:.1f} | {st['max']:.1f} |")


def print_checks(rows: list[dict[str, Any]]) -> None:
    write("| judgments | app | workers | offered msg/s | conversations completed (mediation / filing / ticket) "
          "| plain p50/p99 ms | AES p50/p99 ms | error kinds | tracebacks in server log | logging errors "
          "| clear ID / phone in log | load generator CPU (cores) |")
    write("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        c, m, lg = r["conversations"], r["modes"], r["log"]
        write(f"| {_run(r)} | {c.get('mediation', 0)} / {c.get('filing', 0)} / "
              f"{c.get('ticket', 0)} | {m['plain']['p50']:.1f} / {m['plain']['p99']:.1f} | {m['aes']['p50']:.1f} / "
              f"{m['aes']['p99']:.1f} | {r['error_kinds'] or '-'} | {lg['tracebacks']} | {lg['logging_errors']} "
              f"| {lg['leaked_ids']} / {lg['leaked_phones']} | {r.get('client_cpu_share', 'n/a')} |")


def print_growth(rows: list[dict[str, Any]], ingestion: Ingestion | None) -> dict[str, Any]:
    sizes = [r["size"] for r in rows]
    out: dict[str, Any] = {}
    write("| judgments | index build s (replicas) | Chroma + BM25 on disk MiB | MiB per 10k | server idle RSS MiB "
          "| server peak RSS under load MiB | ready after start s |")
    write("|---|---|---|---|---|---|---|")
    for r in rows:
        write(f"| {r['size']:,} | {r['build_s']} | {r['disk_mib']} | {r['disk_mib'] / r['size'] * 10000:.1f} "
              f"| {r['idle_rss_mib']:g} | {r['server_rss_mib']:g} | {r['ready_s']} |")
    if ingestion:
        write("")
        write(f"Ingestion (real pipeline, real model, {ingestion.judgments} judgments): {ingestion.seconds} s = "
              f"**{ingestion.per_s} judgments/s**, peak RSS {ingestion.peak_rss_mib} MiB; "
              f"1M judgments at this rate: {TARGET / ingestion.per_s / 3600:.1f} h.")
        out["ingestion"] = asdict(ingestion)
    if len(sizes) >= 2:
        write("")
        write("Projection to 1,000,000 judgments (least-squares line through the measured sizes):")
        write("")
        write("| quantity | slope per 10k judgments | projected at 1M |")
        write("|---|---|---|")
        for key, label, unit in (
            ("disk_mib", "index on disk", "MiB"),
            ("server_rss_mib", "server RSS (1 worker, under load)", "MiB"),
            ("floor_p50", "floor p50", "ms"),
            ("assess_p50", "assessment reply p50", "ms"),
            ("p99", "all replies p99", "ms"),
        ):
            values = [float(r[key]) for r in rows]
            _a, slope = fit_line(sizes, values)
            value = project(sizes, values)
            out[key] = value
            write(f"| {label} | {slope * 10000:.2f} {unit} | {value:,.0f} {unit} |")
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before measuring")
    parser.add_argument("--users", type=int, default=50, help="simulated litigants at once")
    parser.add_argument("--rates", default="120", help="comma-separated offered messages/s, one run each "
                        "(0: as fast as the users can go)")
    parser.add_argument("--model", default="auto", help="EMBEDDING_MODEL of the server and the floor")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--multi-size", type=int, default=None, help="size of the multi-worker run (default: largest)")
    parser.add_argument("--no-multi", action="store_true", help="skip the multi-worker PostgreSQL/Chroma-server run")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server where the run may create (and drop) a database")
    parser.add_argument("--no-growth", action="store_true", help="skip ingestion, projection and plot")
    parser.add_argument("--ingest-sample", type=int, default=454)
    parser.add_argument("--plot", type=Path, default=REPO_ROOT / "docs" / "performance-growth.png")
    parser.add_argument("--json", type=Path, default=OUT / "results.json")
    parser.add_argument("--report", type=Path, help="print the tables of a saved results JSON and stop")
    parser.add_argument("--apps", default="shipped", help="comma-separated: shipped (server:create_app) and/or "
                        "tuned (bench.tuned: one BLAS thread per query, memoised query embedding)")
    return parser.parse_args(argv)


def report(rows: list[dict[str, Any]], multi: list[dict[str, Any]]) -> None:
    for title, printer in (
        ("Reply latency over HTTP (POST /wechat, plaintext and AES), whole conversations", print_load_table),
        ("The floor and the product's overhead", print_floor_table),
        ("Latency by conversation stage", print_stage_table),
        ("Correctness under load", print_checks),
    ):
        write("")
        write(f"### {title}")
        write("")
        printer(rows + multi)


def growth_section(args: argparse.Namespace, rows: list[dict[str, Any]], info: dict[str, Any]) -> dict[str, Any]:
    write("")
    write("### Growth")
    write("")
    ingestion = ingestion_in_child(args.ingest_sample, args.model)
    growth = print_growth(rows, ingestion)
    if len(rows) >= 2:
        plot(rows, args.plot, f"{info['cores']} cores, {info['ram_gib']} GiB, {info['date'][:10]}")
        where = args.plot.relative_to(REPO_ROOT) if args.plot.is_relative_to(REPO_ROOT) else args.plot
        write("")
        write(f"plot: {where}")
    return growth


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = parse_args(argv)
    if args.report:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        report(saved["rows"], saved["multi"])
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    apps = [a.strip() for a in args.apps.split(",") if a.strip()]
    unknown = set(apps) - set(APPS)
    if unknown:
        raise SystemExit(f"unknown --apps {sorted(unknown)}; choose from {sorted(APPS)}")
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    cfg = LoadConfig(users=args.users, duration_s=args.duration, warmup_s=args.warmup, rate=rates[0])
    logs = OUT / "logs"
    info = machine()
    write(f"machine: {info['cores']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM; Python {info['python']}; "
          f"commit {info['commit']}; {info['date']}")
    write(f"command: python -m bench.load {' '.join(argv if argv is not None else sys.argv[1:])}")
    write(f"load: {cfg.users} users, offered {args.rates} msg/s, {cfg.warmup_s:g} s warm-up + {cfg.duration_s:g} s "
          f"measured per run; model {args.model}; load average at start {loadavg()}")
    write("")

    rows: list[dict[str, Any]] = []
    for size in sizes:
        index = ensure_index(size, args.model)
        floor = run_in_child(size, args.model)
        write(f"[{size:,} judgments] index ready ({index.disk_bytes / 2**20:.0f} MiB); floor p50 {floor.p50_ms} ms; "
              f"load average {loadavg()}")
        for variant in apps:
            for rate in rates:
                run_cfg = replace(cfg, rate=rate, run_id=f"{cfg.run_id}s{size}{variant[0]}{rate:g}")
                rows.append(run_size(index, run_cfg, floor, logs, variant))
                write(f"[{size:,} judgments, {variant}, {rate:g} msg/s offered] {rows[-1]['throughput']} msg/s, "
                      f"p50 {rows[-1]['p50']} ms, p99 {rows[-1]['p99']} ms, errors {rows[-1]['errors']}; "
                      f"load average {loadavg()}")
    multi: list[dict[str, Any]] = []
    if not args.no_multi:
        size = args.multi_size or max(sizes)
        index = ensure_index(size, args.model)
        for variant in apps:
            for rate in rates:
                run_cfg = replace(cfg, rate=rate, run_id=f"{cfg.run_id}m{size}{variant[0]}{rate:g}")
                multi.append(run_multi(index, run_cfg, workers=args.workers, pg_admin=args.pg_url, logs=logs,
                                       model=args.model, variant=variant))
                write(f"[{size:,} judgments, {args.workers} workers, PostgreSQL, Chroma server, {variant}, "
                      f"{rate:g} msg/s offered] {multi[-1]['throughput']} msg/s, p50 {multi[-1]['p50']} ms, "
                      f"p99 {multi[-1]['p99']} ms, errors {multi[-1]['errors']}; load average {loadavg()}")
    report(rows, multi)
    shipped = [r for r in rows if r["variant"] == apps[0] and r["rate_offered"] == rates[0]]
    growth = {} if args.no_growth else growth_section(args, shipped, info)
    write("")
    write(f"load average at the end {loadavg()}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": info, "config": asdict(cfg), "rows": rows, "multi": multi,
                                     "growth": growth}, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
