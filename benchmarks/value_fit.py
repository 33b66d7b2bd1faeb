"""Fit BG/NBD + Gamma-Gamma to 1,000,000 customers simulated from the CDNOW estimates,
clientfocus side by side with the `lifetimes` package and PyMC-Marketing's
`BetaGeoModel` / `GammaGammaModel` (`fit(method="map")`) on the same data, then
clientfocus alone on 10,000,000 customers (--big).

Both run in throwaway environments (lifetimes 0.11.3 needs numpy<2 and pandas<2.2):

    python3 -m venv /tmp/ltenv
    /tmp/ltenv/bin/pip install "lifetimes==0.11.3" "numpy<2" "pandas<2.2" "scipy<1.13"
    python3 -m venv /tmp/pymcenv && /tmp/pymcenv/bin/pip install pymc-marketing
    .venv/bin/python benchmarks/value_fit.py --lifetimes-python /tmp/ltenv/bin/python \
        --pymc-python /tmp/pymcenv/bin/python --big 10000000

Without them only clientfocus is timed. Recency and age are drawn to 0.01 of a week
(about 100 minutes), finer than the refresh counts them (whole days), so customers share
fewer histories than in a real shop: the harder case for clientfocus's compression.
"""

from __future__ import annotations

import argparse
import json
import resource
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
    collapse,
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

PYMC_SCRIPT = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
from pymc_marketing.clv import BetaGeoModel, GammaGammaModel
data = np.load(sys.argv[1])
frame = pd.DataFrame({k: data[k] for k in ("frequency", "recency", "T", "monetary_value")})
frame["customer_id"] = np.arange(len(frame))
def fit(kind, columns, rows):
    # The first fit of a model compiles its graph; time a second fit, as a service would
    # run it (compiled once, fitted nightly).
    kind(data=rows[columns]).fit(method="map", progressbar=False)
    started = time.perf_counter()
    model = kind(data=rows[columns])
    model.fit(method="map", progressbar=False)
    return time.perf_counter() - started, model
bg_seconds, bg = fit(BetaGeoModel, ["customer_id", "frequency", "recency", "T"], frame)
repeat = frame[frame["frequency"] > 0]
gg_seconds, gg = fit(GammaGammaModel, ["customer_id", "frequency", "monetary_value"], repeat)
summary = lambda m: {k: float(v) for k, v in m.fit_summary().items()}
print(json.dumps({"bgnbd_seconds": bg_seconds, "gammagamma_seconds": gg_seconds,
                  "bgnbd": summary(bg), "gammagamma": summary(gg)}))
"""


def simulate(customers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    started = time.perf_counter()
    ages = np.round(np.random.default_rng(1).uniform(27, 39, customers), 2)
    x, t_x, T = simulate_bgnbd(CDNOW_BGNBD, customers, ages, seed=2)
    t_x = np.round(t_x, 2)
    spend = simulate_spend(CDNOW_SPEND, x, seed=3)
    print(
        f"simulated {customers:,} customers in {time.perf_counter() - started:.1f} s "
        f"({(x > 0).mean():.1%} with repeat purchases)"
    )
    return x, t_x, T, spend


def ours(x, t_x, T, spend, repeat: int) -> float:
    """Best of ``repeat`` fits of both models; prints the parameters; returns seconds."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        purchases = fit_bgnbd(x, t_x, T)
        middle = time.perf_counter()
        monetary = fit_gamma_gamma(x, spend)
        timings.append((middle - started, time.perf_counter() - middle))
    bg_seconds = min(t[0] for t in timings)
    gg_seconds = min(t[1] for t in timings)
    print(
        f"clientfocus  BG/NBD {bg_seconds:.2f} s + Gamma-Gamma {gg_seconds:.2f} s = "
        f"{bg_seconds + gg_seconds:.2f} s (best of {repeat}; "
        f"{len(collapse(x, t_x, T).x):,} distinct histories)"
    )
    print(
        f"  r={purchases.r:.4f} alpha={purchases.alpha:.4f} a={purchases.a:.4f} "
        f"b={purchases.b:.4f}  p={monetary.p:.3f} q={monetary.q:.3f} v={monetary.v:.3f}"
    )
    return bg_seconds + gg_seconds


def theirs(name: str, python: str, script: str, x, t_x, T, spend, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "summary.npz"
        np.savez(data, frequency=x, recency=t_x, T=T, monetary_value=spend)
        path = Path(folder) / "fit.py"
        path.write_text(script)
        result = subprocess.run(
            [python, str(path), str(data)], capture_output=True, text=True, check=True
        )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    total = figures["bgnbd_seconds"] + figures["gammagamma_seconds"]
    print(
        f"{name:<12} BG/NBD {figures['bgnbd_seconds']:.2f} s + Gamma-Gamma "
        f"{figures['gammagamma_seconds']:.2f} s = {total:.2f} s"
    )
    print(f"  {figures['bgnbd']}  {figures['gammagamma']}")
    print(f"  clientfocus is {total / seconds:.1f}x faster than {name}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lifetimes-python", help="python of an environment with lifetimes")
    parser.add_argument("--pymc-python", help="python of an environment with pymc-marketing")
    parser.add_argument("--big", type=int, default=0, help="then fit this many customers")
    parser.add_argument("--repeat", type=int, default=3, help="clientfocus timing runs")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="20,000 and 100,000 customers, one run: the test command runs it; figures "
        "mean nothing",
    )
    args = parser.parse_args()
    if args.quick:
        args.customers, args.repeat, args.big = 20_000, 1, 100_000
        args.lifetimes_python = args.pymc_python = None

    x, t_x, T, spend = simulate(args.customers)
    seconds = ours(x, t_x, T, spend, args.repeat)
    for name, python, script in (
        ("lifetimes", args.lifetimes_python, LIFETIMES_SCRIPT),
        ("PyMC-Marketing", args.pymc_python, PYMC_SCRIPT),
    ):
        if python:
            theirs(name, python, script, x, t_x, T, spend, seconds)
        else:
            print(f"{name}: not run (see the docstring)")
    if args.big:
        del x, t_x, T, spend
        x, t_x, T, spend = simulate(args.big)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        ours(x, t_x, T, spend, 1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"  peak memory of this process {peak / 1024:,.0f} MB ({before / 1024:,.0f} MB before)"
        )


if __name__ == "__main__":
    main()
