"""Daily demand forecasts per SKU and warehouse (statsforecast's AutoETS with a weekly season), and the
backtest that validates them against the naive and seasonal-naive baselines (MASE and sMAPE, rolling origin).

Pure: arrays in, arrays out (no database, no clock)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SEASON", "Backtest", "Forecast", "backtest", "forecast", "mase", "smape"]

#: Demand repeats weekly (weekends, the live-session day).
SEASON = 7
MODEL = "AutoETS"
BASELINES = ("Naive", "SeasonalNaive")


@dataclass(frozen=True)
class Forecast:
    """The next ``horizon`` days' mean demand, and the one-day error spread seen in the history."""

    mean: tuple[float, ...]
    sigma: float
    #: the one-step in-sample errors (actual minus fitted), oldest first: their sums over consecutive days
    #: show how far demand strays from the forecast over a lead time, spikes and runs included
    residuals: tuple[float, ...] = ()
    #: the standard deviation of the forecast's error at each day ahead (from the model's own prediction
    #: intervals: it grows with the horizon, as a wrong level stays wrong every day after)
    spread: tuple[float, ...] = ()

    @property
    def total(self) -> float:
        return float(sum(self.mean))


@dataclass(frozen=True)
class Backtest:
    """Errors of the model and of each baseline over the rolling-origin windows, averaged over series."""

    mase: Mapping[str, float]
    smape: Mapping[str, float]
    series: int
    windows: int
    horizon: int

    def beats_baselines(self) -> bool:
        return all(self.mase[MODEL] <= self.mase[b] for b in BASELINES)


def _frame(histories: Mapping[str, Sequence[float]], start: date) -> pd.DataFrame:
    rows = []
    for uid, values in histories.items():
        days = pd.date_range(start, periods=len(values), freq="D")
        rows.append(pd.DataFrame({"unique_id": uid, "ds": days, "y": np.asarray(values, dtype=float)}))
    return pd.concat(rows, ignore_index=True)


def _statsforecast() -> tuple[ModuleType, ModuleType]:
    """statsforecast and its models, imported on the first forecast: the import compiles numba code for about
    three seconds, which every other command, request and test of Ponte should not pay."""
    import statsforecast  # optional: slow to import, needed only when a forecast is made
    import statsforecast.models  # optional: as above

    return statsforecast, statsforecast.models


def _sf(models: list[Any]) -> Any:
    return _statsforecast()[0].StatsForecast(models=models, freq="D", n_jobs=1)


def _models() -> list[Any]:
    m = _statsforecast()[1]
    return [m.AutoETS(season_length=SEASON), m.Naive(), m.SeasonalNaive(season_length=SEASON)]


def forecast(
    histories: Mapping[str, Sequence[float]], horizon: int, start: date = date(2000, 1, 3)
) -> dict[str, Forecast]:
    """Per series, the model's forecast of the next ``horizon`` days (never below zero) and the standard
    deviation of its one-step in-sample errors (what safety stock covers)."""
    if not histories:
        return {}
    too_short = [k for k, v in histories.items() if len(v) < 2 * SEASON]
    out: dict[str, Forecast] = {}
    for key in too_short:  # too little history for a season: the mean, its spread
        values = np.asarray(histories[key], dtype=float)
        mean = float(values.mean()) if len(values) else 0.0
        out[key] = Forecast(
            tuple([mean] * horizon),
            float(values.std()) if len(values) > 1 else mean,
            tuple(float(v - mean) for v in values),
        )
    rest = {k: v for k, v in histories.items() if k not in out}
    if rest:
        sf = _sf([_statsforecast()[1].AutoETS(season_length=SEASON)])
        frame = sf.forecast(df=_frame(rest, start), h=horizon, fitted=True, level=[68.27])
        fitted = sf.forecast_fitted_values()
        for key in rest:
            mean = np.clip(frame.loc[frame["unique_id"] == key, MODEL].to_numpy(), 0, None)
            fit = fitted.loc[fitted["unique_id"] == key]
            resid = (fit["y"] - fit[MODEL]).to_numpy()
            resid = resid[~np.isnan(resid)]
            rows = frame.loc[frame["unique_id"] == key]
            spread = np.maximum(rows[f"{MODEL}-hi-68.27"].to_numpy() - rows[MODEL].to_numpy(), 0)
            out[key] = Forecast(
                tuple(float(x) for x in mean),
                float(np.std(resid)),
                tuple(float(x) for x in resid),
                tuple(float(x) for x in spread),
            )
    return out


def mase(actual: np.ndarray, predicted: np.ndarray, insample: np.ndarray, season: int = SEASON) -> float:
    """Mean absolute scaled error: the forecast's mean absolute error over that of the in-sample seasonal-naive
    forecast (Hyndman & Koehler 2006); below 1 beats seasonal-naive on the history."""
    scale = np.mean(np.abs(insample[season:] - insample[:-season])) if len(insample) > season else 0.0
    if scale == 0:
        scale = np.mean(np.abs(np.diff(insample))) or 1.0
    return float(np.mean(np.abs(actual - predicted)) / scale)


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Symmetric mean absolute percentage error, in percent (0..200); a day with both zero counts as 0."""
    denom = np.abs(actual) + np.abs(predicted)
    ratio = np.divide(
        2 * np.abs(actual - predicted), denom, out=np.zeros_like(denom, dtype=float), where=denom > 0
    )
    return float(100 * np.mean(ratio))


def backtest(
    histories: Mapping[str, Sequence[float]],
    horizon: int = 14,
    windows: int = 4,
    start: date = date(2000, 1, 3),
) -> Backtest:
    """Rolling-origin evaluation: ``windows`` cut-offs ``horizon`` days apart at the end of each history; each
    model forecasts the next ``horizon`` days from each cut-off; MASE and sMAPE are averaged per series then
    over series."""
    usable = {k: v for k, v in histories.items() if len(v) >= horizon * windows + 4 * SEASON}
    if not usable:
        raise ValueError("no history is long enough to backtest")
    sf = _sf(_models())
    cv = sf.cross_validation(df=_frame(usable, start), h=horizon, n_windows=windows, step_size=horizon)
    names = [MODEL, *BASELINES]
    per: dict[str, dict[str, list[float]]] = {n: {"mase": [], "smape": []} for n in names}
    first = pd.Timestamp(start)
    for (uid, cutoff), part in cv.groupby(["unique_id", "cutoff"]):
        values = np.asarray(usable[str(uid)], dtype=float)
        insample = values[: (cutoff - first).days + 1]
        actual = part["y"].to_numpy()
        for n in names:
            pred = np.clip(part[n].to_numpy(), 0, None)
            per[n]["mase"].append(mase(actual, pred, insample))
            per[n]["smape"].append(smape(actual, pred))
    return Backtest(
        {n: round(float(np.mean(per[n]["mase"])), 4) for n in names},
        {n: round(float(np.mean(per[n]["smape"])), 2) for n in names},
        len(usable),
        windows,
        horizon,
    )


def days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]
