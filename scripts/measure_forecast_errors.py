"""Measure every forecasting model's out-of-sample error on DEU III and store it in the package.

Usage (from the repository root, with the DEU III file from the shared data folder)::

    python scripts/measure_forecast_errors.py PATH/TO/deu3_blksv.csv

It runs the same cross-validated backtest as
``peacetalks backtest deu3_blksv.csv --model all --folds 10 --seed 0 --json`` and writes
each model's mean absolute error, its standard error, the half-width of the 80% band and
the band's held-out coverage to ``src/peacetalks/data/forecast_errors.json``, with the
date, the data file's SHA-256 and the command. ``forecast`` reads that file at run time,
so the data set itself is not needed there.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
from pathlib import Path

from peacetalks import __version__
from peacetalks.briefing.backtest import backtest_data
from peacetalks.forecasting.registry import MODELS
from peacetalks.formats.deu import read_deu

OUTPUT = (
    Path(__file__).resolve().parents[1] / "src" / "peacetalks" / "data" / "forecast_errors.json"
)
DATA = (
    "DEU III: Arregui & Perarnaud (2021), The Decision-making in the European Union "
    "(DEU III) data set, doi:10.34810/data53, CC BY 4.0; as prepared in "
    "blksv/predictioneers_game (353 issues with an outcome, 0-100 scale, GDP as capability)"
)


def main() -> None:
    """Run the backtest and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deu", type=Path, help="the DEU III file (deu3_blksv.csv)")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    deu = read_deu(args.deu)
    result = backtest_data(deu.table, list(MODELS), deu=deu, folds=args.folds, seed=args.seed)
    document = {
        "data": DATA,
        "data_sha256": hashlib.sha256(args.deu.read_bytes()).hexdigest(),
        "n_issues": result["n_issues"],
        "folds": args.folds,
        "seed": args.seed,
        "band_level": 0.8,
        "measured": datetime.date.today().isoformat(),
        "peacetalks_version": __version__,
        "command": (
            f"python scripts/measure_forecast_errors.py {args.deu.name} "
            f"--folds {args.folds} --seed {args.seed}"
        ),
        "same_as": (
            f"peacetalks backtest {args.deu.name} --model all --folds {args.folds} "
            f"--seed {args.seed} --json"
        ),
        "models": {
            entry["name"]: {
                "mae": round(entry["mae"], 4),
                "se": round(entry["se"], 4),
                "in_sample_mae": round(entry["in_sample_mae"], 4),
                "band80": round(entry["band80"], 4),
                "coverage80": round(entry["coverage80"], 4),
                "n_issues": entry["n_issues"],
                "params": entry["best_params"],
            }
            for entry in sorted(result["models"], key=lambda e: e["mae"])
        },
    }
    args.output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
