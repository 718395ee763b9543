"""`python -m bench.faults`: run the scenarios, print their figures, and after a full run write
them to docs/reliability.md."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench import faults
from bench.faults.report import DOC, ROOT, TITLES, report, write_doc
from bench.faults.scenarios import FULL, QUICK, SCENARIOS
from bench.faults.stack import cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=faults.__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the short CI sizes; only print")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help="comma-separated: " + ",".join(SCENARIOS)
    )
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench.faults: stopped"))
    names = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    sizes = QUICK if options.quick else FULL
    results = []
    logs = Path(tempfile.mkdtemp(prefix="tandem-faults-"))
    load_before = os.getloadavg()[0]
    print("creating a private PostgreSQL cluster and migrating its template …", flush=True)
    with cluster() as postgres:
        for name in names:
            print(f"== {TITLES[name]} ({sizes[name]}) …", flush=True)
            started = time.monotonic()
            result = SCENARIOS[name](postgres=postgres, folder=logs / name, **sizes[name])
            result.figures["scenario took"] = f"{time.monotonic() - started:.0f} s"
            print(result.summary(), flush=True)
            results.append(result)
    command = shlex.join([".venv/bin/python", "-m", "bench.faults", *sys.argv[1:]])
    failed = [r.name for r in results if r.problems]
    if not options.quick and names == list(SCENARIOS):
        write_doc(report(results, command, load=(load_before, os.getloadavg()[0])))
        print(f"wrote {DOC.relative_to(ROOT)}")
    if failed:
        sys.exit(f"bench.faults: problems in {', '.join(failed)}; process logs in {logs}")
    shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    main()
