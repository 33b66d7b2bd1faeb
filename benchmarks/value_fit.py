"""Fit BG/NBD + Gamma-Gamma to 1,000,000 customers simulated from the CDNOW estimates,
clientfocus side by side with the `lifetimes` package on the same data.

lifetimes 0.11.3 needs numpy<2 and pandas<2.2, so it runs in a throwaway environment:

    python3 -m venv /tmp/ltenv
    /tmp/ltenv/bin/pip install "lifetimes==0.11.3" "numpy<2" "pandas<2.2" "scipy<1.13"
    .venv/bin/python benchmarks/value_fit.py --lifetimes-python /tmp/ltenv/bin/python

Without --lifetimes-python only clientfocus is timed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clientfocus.value.lifetime import (
    BGNBD,
    GammaGamma,
    fit_bgnbd,
    fit_gamma_gamma,
    simulate_bgnbd,
    simulate_spend,
)

CDNOW_BGNBD = BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
CDNOW_SPEND = GammaGamma(p=6.25, q=3.74, v=15.44)

LIFETIMES_SCRIPT = """
import json, sys, time
import numpy as np, pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
data = np.load(sys.argv[1])
frame = pd.DataFrame({k: data[k] for k in ("frequency", "recency", "T", "monetary_value")})
started = time.perf_counter()
bg = BetaGeoFitter().fit(frame["frequency"], frame["recency"], frame["T"])
bg_seconds = time.perf_counter() - started
repeat = frame[frame["frequency"] > 0]
started = time.perf_counter()
gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
gg_seconds = time.perf_counter() - started
print(json.dumps({"bgnbd_seconds": bg_seconds, "gammagamma_seconds": gg_seconds,
                  "bgnbd": {k: float(v) for k, v in bg.params_.items()},
                  "gammagamma": {k: float(v) for k, v in gg.params_.items()}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lifetimes-python", help="python of an environment with lifetimes")
    parser.add_argument("--repeat", type=int, default=3, help="clientfocus timing runs")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="20,000 customers, one run: the test command runs it; figures mean nothing",
    )
    args = parser.parse_args()
    if args.quick:
        args.customers, args.repeat, args.lifetimes_python = 20_000, 1, None

    started = time.perf_counter()
    ages = np.round(np.random.default_rng(1).uniform(27, 39, args.customers), 2)
    x, t_x, T = simulate_bgnbd(CDNOW_BGNBD, args.customers, ages, seed=2)
    t_x = np.round(t_x, 2)
    spend = simulate_spend(CDNOW_SPEND, x, seed=3)
    print(
        f"simulated {args.customers:,} customers in {time.perf_counter() - started:.1f} s "
        f"({(x > 0).mean():.1%} with repeat purchases)"
    )

    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        purchases = fit_bgnbd(x, t_x, T)
        middle = time.perf_counter()
        monetary = fit_gamma_gamma(x, spend)
        timings.append((middle - started, time.perf_counter() - middle))
    bg_seconds = min(t[0] for t in timings)
    gg_seconds = min(t[1] for t in timings)
    ours = bg_seconds + gg_seconds
    print(
        f"clientfocus  BG/NBD {bg_seconds:.2f} s + Gamma-Gamma {gg_seconds:.2f} s = {ours:.2f} s "
        f"(best of {args.repeat})"
    )
    print(
        f"  r={purchases.r:.4f} alpha={purchases.alpha:.4f} a={purchases.a:.4f} "
        f"b={purchases.b:.4f}  p={monetary.p:.3f} q={monetary.q:.3f} v={monetary.v:.3f}"
    )
    if not args.lifetimes_python:
        print("lifetimes: not run (pass --lifetimes-python, see the docstring)")
        return
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "summary.npz"
        np.savez(data, frequency=x, recency=t_x, T=T, monetary_value=spend)
        script = Path(folder) / "fit.py"
        script.write_text(LIFETIMES_SCRIPT)
        result = subprocess.run(
            [args.lifetimes_python, str(script), str(data)],
            capture_output=True,
            text=True,
            check=True,
        )
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    total = theirs["bgnbd_seconds"] + theirs["gammagamma_seconds"]
    print(
        f"lifetimes    BG/NBD {theirs['bgnbd_seconds']:.2f} s + Gamma-Gamma "
        f"{theirs['gammagamma_seconds']:.2f} s = {total:.2f} s"
    )
    print(f"  {theirs['bgnbd']}  {theirs['gammagamma']}")
    print(
        f"speed-up: {total / ours:.1f}x (BG/NBD alone {theirs['bgnbd_seconds'] / bg_seconds:.1f}x)"
    )


if __name__ == "__main__":
    main()
