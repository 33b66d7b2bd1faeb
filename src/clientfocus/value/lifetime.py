"""Customer lifetime value: the BG/NBD purchase model and the Gamma-Gamma spend model.

Pure module (numpy/scipy, no Django).

- BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way: an
  alternative to the Pareto/NBD model", Marketing Science 24(2).
- Gamma-Gamma: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value".

Inputs are per-customer summaries: ``frequency`` x (repeat purchases), ``recency`` t_x
(time of the last purchase since the first), ``T`` (age since the first purchase), all in
the same time unit, and for spend ``monetary_value`` (mean value of the repeat purchases).

Fitting is maximum likelihood in log-parameter space with analytic gradients
(L-BFGS-B). Work is shared between customers: special functions of the purchase count
are evaluated once per distinct count, terms of the age once per distinct age, and
customers with identical histories are collapsed into one weighted row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

FloatArray = NDArray[np.float64]


class ModelError(ValueError):
    """The data cannot identify the model, or the input is not a valid summary."""


# -- input ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Histories:
    """Distinct (x, t_x, T) histories with how many customers share each."""

    x: FloatArray
    t_x: FloatArray
    T: FloatArray
    weight: FloatArray

    @property
    def customers(self) -> int:
        return int(self.weight.sum())


def _as_array(values: ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ModelError(f"{name}: expected a one-dimensional sequence")
    if not np.all(np.isfinite(array)):
        raise ModelError(f"{name}: contains missing or infinite values")
    return array


def validate_summary(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Check a per-customer summary and return it as float arrays."""
    x = _as_array(frequency, "frequency")
    t_x = _as_array(recency, "recency")
    age = _as_array(T, "T")
    if not (len(x) == len(t_x) == len(age)):
        raise ModelError("frequency, recency and T must have the same length")
    if len(x) == 0:
        raise ModelError("no customers")
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise ModelError("frequency must be a whole number of repeat purchases, not negative")
    if np.any(t_x < 0) or np.any(age <= 0):
        raise ModelError("recency must not be negative and T must be positive")
    if np.any(t_x > age * (1 + 1e-9)):
        raise ModelError("recency cannot exceed T (a purchase after the end of observation)")
    if np.any((x == 0) & (t_x != 0)):
        raise ModelError("a customer without repeat purchases must have recency 0")
    return x, t_x, age


def _codes(values: FloatArray) -> tuple[FloatArray, NDArray[np.int64]]:
    """The distinct values and each value's rank among them (a sort of the values and a
    binary search, several times faster than np.unique(..., return_inverse=True))."""
    distinct = np.unique(values)
    return distinct, np.searchsorted(distinct, values).astype(np.int64, copy=False)


def distinct_histories(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *, inverse: bool = True
) -> tuple[Histories, NDArray[np.intp] | None]:
    """Group customers with identical (x, t_x, T) into weighted rows; with ``inverse``
    also return, for each customer, the row of their history (so predictions made once
    per distinct history can be spread back to the customers).

    The three columns become one integer key (x, and the rank of T and of t_x among
    their distinct values), so grouping is a sort of integers rather than of rows:
    10 million customers group in about two seconds."""
    x, t_x, age = validate_summary(frequency, recency, T)
    tx_values, tx_code = _codes(t_x)
    age_values, age_code = _codes(age)
    n_tx, n_age = len(tx_values), len(age_values)
    if (float(x.max()) + 1) * n_age * n_tx >= 2**62:  # astronomically many distinct values
        rows = np.ascontiguousarray(np.column_stack([x, t_x, age]))
        packed = rows.view(np.dtype((np.void, rows.dtype.itemsize * 3))).ravel()
        _, first, where, counts = np.unique(
            packed, return_index=True, return_inverse=True, return_counts=True
        )
        histories = Histories(x[first], t_x[first], age[first], counts.astype(np.float64))
        return histories, (where.reshape(-1) if inverse else None)
    key = (x.astype(np.int64) * n_age + age_code) * n_tx + tx_code
    ordered = np.sort(key)
    starts = np.empty(len(key), dtype=bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    keys = ordered[starts]
    counts = np.diff(np.append(np.flatnonzero(starts), len(key)))
    rest, tx_of = np.divmod(keys, n_tx)
    x_of, age_of = np.divmod(rest, n_age)
    histories = Histories(
        x=x_of.astype(np.float64),
        t_x=tx_values[tx_of],
        T=age_values[age_of],
        weight=counts.astype(np.float64),
    )
    return histories, (np.searchsorted(keys, key) if inverse else None)


def collapse(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Histories:
    """Group customers with identical histories into weighted rows."""
    return distinct_histories(frequency, recency, T, inverse=False)[0]


def _wsum(weight: FloatArray, values: FloatArray) -> float:
    """Σ weight·values without BLAS: numpy's dot hands long vectors to a threaded BLAS,
    whose threads spin and wait when the machine's cores are busy (the web server and
    the database share them): a 400k-long dot took 12 ms there against 0.2 ms here."""
    return float(np.einsum("i,i->", weight, values))


# -- BG/NBD -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BGNBD:
    r: float
    alpha: float
    a: float
    b: float
    loglik: float = float("nan")
    customers: int = 0

    def as_dict(self) -> dict[str, float]:
        return {k: v for k, v in asdict(self).items() if k != "customers"}

    # Predictions (Fader, Hardie & Lee 2005, equations 10 and 11).

    def p_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """Probability that each customer is still active at the end of observation."""
        x, t_x, age = (np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
        log_ratio = (self.r + x) * (np.log(self.alpha + age) - np.log(self.alpha + t_x))
        with np.errstate(divide="ignore"):
            log_odds = np.where(
                x > 0,
                np.log(self.a) - np.log(np.maximum(self.b + x - 1, 1e-300)) + log_ratio,
                -np.inf,
            )
        return 1.0 / (1.0 + np.exp(log_odds))

    def expected_purchases(
        self, t: float | FloatArray, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Expected number of purchases in the next ``t`` time units."""
        x, t_x, age = (np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
        return self.purchases_if_alive(t, x, age) * self.p_alive(x, t_x, age)

    def purchases_if_alive(
        self, t: float | FloatArray, x: FloatArray, age: FloatArray
    ) -> FloatArray:
        """E[purchases in the next ``t``] divided by P(alive): the part that depends on
        ``t`` (for several horizons, P(alive) is taken once)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        t = np.asarray(t, dtype=np.float64)
        z = t / (alpha + age + t)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        return (
            (a + b + x - 1)
            / (a - 1)
            * (1 - np.exp((r + x) * (np.log(alpha + age) - np.log(alpha + age + t))) * hyp)
        )

    def expected_purchases_new_customer(self, t: float | FloatArray) -> FloatArray:
        """E[X(t)] for a customer just acquired (equation 9)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        t = np.asarray(t, dtype=np.float64)
        z = t / (alpha + t)
        return (
            (a + b - 1)
            / (a - 1)
            * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, z))
        )


@dataclass(frozen=True)
class _Prepared:
    """Histories split for fast likelihood evaluation: customers without repeat
    purchases by distinct age; repeat buyers with their distinct ages and recencies
    indexed, so logarithms are taken once per distinct value."""

    zero_T: FloatArray
    zero_weight: FloatArray
    x_values: FloatArray
    x_index: NDArray[np.intp]
    x: FloatArray
    T_values: FloatArray
    T_index: NDArray[np.intp]
    tx_values: FloatArray
    tx_index: NDArray[np.intp]
    weight: FloatArray
    x_weight: FloatArray  # total weight per distinct x (repeat buyers)
    n: float

    @classmethod
    def of(cls, h: Histories) -> _Prepared:
        zero = h.x == 0
        rep = ~zero
        x = h.x[rep]
        x_values, x_index = np.unique(x, return_inverse=True)
        T_values, T_index = np.unique(h.T[rep], return_inverse=True)
        tx_values, tx_index = np.unique(h.t_x[rep], return_inverse=True)
        weight = h.weight[rep]
        return cls(
            zero_T=h.T[zero],
            zero_weight=h.weight[zero],
            x_values=x_values,
            x_index=x_index,
            x=x,
            T_values=T_values,
            T_index=T_index,
            tx_values=tx_values,
            tx_index=tx_index,
            weight=weight,
            x_weight=np.bincount(x_index, weights=weight).astype(np.float64),
            n=float(h.weight.sum()),
        )


def _bgnbd_terms(params: FloatArray, d: _Prepared) -> tuple[float, FloatArray]:
    """Negative log-likelihood and its gradient with respect to log-parameters."""
    r, alpha, a, b = params
    gl, dg = special.gammaln, special.digamma
    n = d.n
    # Terms shared by everybody.
    loglik = n * (-gl(r) + r * np.log(alpha) + gl(a + b) - gl(b))
    g_r = n * (-dg(r) + np.log(alpha))
    g_alpha = n * r / alpha
    g_a = n * dg(a + b)
    g_b = n * (dg(a + b) - dg(b))
    # Customers without repeat purchases: their age term -r ln(α+T).
    zw = d.zero_weight
    log_zero = np.log(alpha + d.zero_T)
    loglik += -r * _wsum(zw, log_zero)
    g_r += -_wsum(zw, log_zero)
    g_alpha += -r * _wsum(zw, (1.0 / (alpha + d.zero_T)))
    # Γ(r+x) Γ(b+x) / Γ(a+b+x): once per distinct count (x = 0 for the zero group).
    xv, xw, zn = d.x_values, d.x_weight, float(zw.sum())
    loglik += _wsum(xw, (gl(r + xv) + gl(b + xv) - gl(a + b + xv)))
    loglik += zn * (gl(r) + gl(b) - gl(a + b))
    g_r += _wsum(xw, dg(r + xv)) + zn * dg(r)
    g_a += -_wsum(xw, dg(a + b + xv)) - zn * dg(a + b)
    g_b += _wsum(xw, (dg(b + xv) - dg(a + b + xv))) + zn * (dg(b) - dg(a + b))
    # Per repeat buyer: logarithms once per distinct age and recency.
    x = d.x
    rx = r + x
    log_aT = np.log(alpha + d.T_values)[d.T_index]
    log_atx = np.log(alpha + d.tx_values)[d.tx_index]
    inv_aT = (1.0 / (alpha + d.T_values))[d.T_index]
    inv_atx = (1.0 / (alpha + d.tx_values))[d.tx_index]
    bx1 = (b + d.x_values - 1)[d.x_index]
    # ln[(α+T)^-(r+x) + a/(b+x-1) (α+t_x)^-(r+x)] = -(r+x) ln(α+T) + ln(1 + e^z).
    # z is clipped at 30 for the exponential (beyond, ln(1 + e^z) = z to 1e-13), so
    # nothing overflows; exp and log are vectorised in numpy, where log1p, logaddexp and
    # expit are not (together they took 12 of a 400k-history evaluation's ~20 ms).
    z = (np.log(a) - np.log(b + d.x_values - 1))[d.x_index] + rx * (log_aT - log_atx)
    clipped = np.minimum(z, 30.0)
    one_plus = 1.0 + np.exp(clipped)
    w = 1.0 - 1.0 / one_plus
    w1 = 1.0 - w
    weight = d.weight
    loglik += _wsum(weight, (np.log(one_plus) + (z - clipped) - rx * log_aT))
    g_r += -_wsum(weight, (w1 * log_aT + w * log_atx))
    g_alpha += -_wsum(weight, (rx * (w1 * inv_aT + w * inv_atx)))
    g_a += _wsum(weight, w) / a
    g_b += -_wsum(weight, (w / bx1))
    gradient = np.array([g_r, g_alpha, g_a, g_b]) * params  # chain rule for log-parameters
    return -loglik, -gradient


def bgnbd_loglik(model: BGNBD, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> float:
    """Total log-likelihood of the summary under ``model``."""
    params = np.array([model.r, model.alpha, model.a, model.b])
    value, _ = _bgnbd_terms(params, _Prepared.of(collapse(frequency, recency, T)))
    return -value


def _start_values(h: Histories) -> FloatArray:
    """Moment-style starting values: purchase rate from the repeaters, a modest
    drop-out probability."""
    repeaters = h.x > 0
    rate = float((h.weight * h.x).sum() / (h.weight * h.T).sum())
    r = 1.0
    alpha = max(r / max(rate, 1e-6), 1e-3)
    share_repeat = float(h.weight[repeaters].sum() / h.weight.sum())
    a, b = 1.0, max(1.0, 4.0 * share_repeat)
    return np.array([r, alpha, a, b])


def fit_bgnbd(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *, tolerance: float = 1e-10
) -> BGNBD:
    """Maximum-likelihood BG/NBD parameters for a per-customer summary."""
    return fit_bgnbd_histories(collapse(frequency, recency, T), tolerance=tolerance)


def fit_bgnbd_histories(h: Histories, *, tolerance: float = 1e-10) -> BGNBD:
    """Maximum-likelihood BG/NBD parameters for collapsed histories."""
    if not np.any(h.x > 0):
        raise ModelError(
            "no customer made a repeat purchase: the purchase and drop-out processes "
            "cannot be told apart (the BG/NBD model is not identified)"
        )
    if np.all(h.x > 0) and np.allclose(h.t_x, h.T):
        raise ModelError("every customer bought at the very end of observation: not identified")
    prepared = _Prepared.of(h)
    scale = 1.0 / h.weight.sum()

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        params = np.exp(log_params)
        value, gradient = _bgnbd_terms(params, prepared)
        return value * scale, gradient * scale

    bounds = [(-12.0, 12.0)] * 4
    starts = [_start_values(h), np.array([0.5, 5.0, 0.8, 2.5])]
    if len(h.x) > 50_000:
        # Fit a random tenth first; its optimum is an excellent start for the full data,
        # which then needs only a few of the expensive full-size evaluations.
        pick = np.random.default_rng(0).random(len(h.x)) < 0.1
        sample = Histories(h.x[pick], h.t_x[pick], h.T[pick], h.weight[pick])
        if np.any(sample.x > 0):
            try:
                rough = fit_bgnbd_histories(sample, tolerance=1e-7)
                starts = [np.array([rough.r, rough.alpha, rough.a, rough.b])]
            except ModelError:
                pass
    best = None
    for start in starts:
        result = optimize.minimize(
            objective,
            np.log(start),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"ftol": tolerance, "gtol": 1e-8, "maxiter": 1000},
        )
        if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
            best = result
    if best is None:
        raise ModelError("the likelihood could not be evaluated for these data")
    params = np.exp(best.x)
    if np.any(np.abs(best.x) >= 11.99):
        raise ModelError(
            "the fit ran to a parameter bound: the data do not identify the model "
            f"(r={params[0]:.3g}, alpha={params[1]:.3g}, a={params[2]:.3g}, b={params[3]:.3g})"
        )
    return BGNBD(
        r=float(params[0]),
        alpha=float(params[1]),
        a=float(params[2]),
        b=float(params[3]),
        loglik=float(-best.fun / scale),
        customers=h.customers,
    )


# -- Gamma-Gamma ------------------------------------------------------------------------


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float
    loglik: float = float("nan")
    customers: int = 0

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "v": self.v}

    def expected_spend(self, frequency: ArrayLike, monetary_value: ArrayLike) -> FloatArray:
        """Expected value of a customer's future transactions (Fader & Hardie 2013, eq. 5);
        customers without repeat purchases get the population mean."""
        x = np.asarray(frequency, dtype=np.float64)
        m = np.asarray(monetary_value, dtype=np.float64)
        population = self.p * self.v / (self.q - 1)
        weight = self.p * x / (self.p * x + self.q - 1)
        return np.where(x > 0, (1 - weight) * population + weight * m, population)


def fit_gamma_gamma(
    frequency: ArrayLike, monetary_value: ArrayLike, *, tolerance: float = 1e-10
) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma parameters from the customers with repeat purchases
    (mean repeat-transaction value ``monetary_value`` > 0)."""
    x = _as_array(frequency, "frequency")
    m = _as_array(monetary_value, "monetary_value")
    if len(x) != len(m):
        raise ModelError("frequency and monetary_value must have the same length")
    keep = x > 0
    x, m = x[keep], m[keep]
    if np.any(m <= 0):
        raise ModelError("monetary_value must be positive for customers with repeat purchases")
    if len(x) < 3:
        raise ModelError("the spend model needs at least three customers with repeat purchases")
    if np.allclose(m, m[0]):
        raise ModelError("every customer spends the same: the spend model is not identified")
    x_values, x_index = np.unique(x, return_inverse=True)
    x_count = np.bincount(x_index).astype(np.float64)
    log_m, log_x = np.log(m), np.log(x)
    xm = x * m
    # Sums that do not depend on the parameters.
    sum_x_log_xm = _wsum(x, (log_m + log_x))
    sum_log_m = float(log_m.sum())
    n = float(len(x))

    def objective(log_params: FloatArray) -> tuple[float, FloatArray]:
        p, q, v = np.exp(log_params)
        # Special functions once per distinct purchase count.
        px_u = p * x_values
        gl_part = special.gammaln(px_u + q) - special.gammaln(px_u)
        d_pq = special.digamma(px_u + q)
        d_p = special.digamma(px_u)
        den = xm + v
        log_den = np.log(den)
        px = p * x
        ll = (
            _wsum(x_count, gl_part)
            + n * (q * np.log(v) - special.gammaln(q))
            + p * sum_x_log_xm
            - sum_log_m
            - _wsum(px + q, log_den)
        )
        g_p = _wsum(x_count * x_values, (d_pq - d_p)) + sum_x_log_xm - _wsum(x, log_den)
        g_q = _wsum(x_count, d_pq) - n * special.digamma(q) + n * np.log(v) - float(log_den.sum())
        g_v = n * q / v - float(((px + q) / den).sum())
        gradient = np.array([g_p * p, g_q * q, g_v * v])
        return -ll / n, -gradient / n

    start = np.log([1.0, 2.0, float(np.median(m))])
    result = optimize.minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-12.0, 12.0)] * 3,
        options={"ftol": tolerance, "gtol": 1e-8, "maxiter": 1000},
    )
    if not np.isfinite(result.fun) or np.any(np.abs(result.x) >= 11.99):
        raise ModelError("the spend model did not converge: the data do not identify it")
    p, q, v = np.exp(result.x)
    if q <= 1:
        raise ModelError(f"q={q:.3g} ≤ 1: the expected spend is not finite for these data")
    return GammaGamma(
        p=float(p), q=float(q), v=float(v), loglik=float(-result.fun * n), customers=int(n)
    )


# -- lifetime value ---------------------------------------------------------------------


def check_horizon(periods: int, period_length: float, discount_rate: float) -> None:
    if periods < 1 or period_length <= 0 or discount_rate < 0:
        raise ModelError("periods ≥ 1, period_length > 0 and discount_rate ≥ 0 are required")


def lifetime_value(
    purchases: BGNBD,
    spend: GammaGamma,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    periods: int = 12,
    period_length: float = 4.345,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> FloatArray:
    """Discounted expected margin over ``periods`` future periods of ``period_length``
    time units each (default: 12 months in weeks, 1 % discount per month)."""
    check_horizon(periods, period_length, discount_rate)
    value_per_purchase = spend.expected_spend(frequency, monetary_value) * margin
    return value_per_purchase * discounted_purchases(
        purchases,
        frequency,
        recency,
        T,
        periods=periods,
        period_length=period_length,
        discount_rate=discount_rate,
    )


def discounted_purchases(
    purchases: BGNBD,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    periods: int = 12,
    period_length: float = 4.345,
    discount_rate: float = 0.01,
) -> FloatArray:
    """Expected purchases in each of ``periods`` future periods, discounted and summed."""
    x, t_x, age = (np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
    if_alive = discounted_purchases_if_alive(
        purchases, x, age, periods=periods, period_length=period_length,
        discount_rate=discount_rate,
    )  # fmt: skip
    return if_alive * purchases.p_alive(x, t_x, age)


def discounted_purchases_if_alive(
    purchases: BGNBD,
    x: FloatArray,
    age: FloatArray,
    *,
    periods: int,
    period_length: float,
    discount_rate: float,
) -> FloatArray:
    """`discounted_purchases` divided by P(alive) (for a caller that has P(alive))."""
    total = np.zeros(len(np.atleast_1d(x)), dtype=np.float64)
    previous: float | FloatArray = 0.0  # nothing is expected in no time
    for i in range(1, periods + 1):
        cumulative = purchases.purchases_if_alive(i * period_length, x, age)
        total += (cumulative - previous) / (1 + discount_rate) ** i
        previous = cumulative
    return total


# -- simulation (for tests and benchmarks) ----------------------------------------------


def simulate_bgnbd(
    model: BGNBD, customers: int, T: float | FloatArray, *, seed: int = 0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Draw per-customer (frequency, recency, T) from the BG/NBD process."""
    rng = np.random.default_rng(seed)
    age = np.broadcast_to(np.asarray(T, dtype=np.float64), (customers,)).copy()
    rate = rng.gamma(model.r, 1.0 / model.alpha, customers)
    dropout = rng.beta(model.a, model.b, customers)
    x = np.zeros(customers)
    t_x = np.zeros(customers)
    clock = np.zeros(customers)
    active = np.ones(customers, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        clock[idx] += rng.exponential(1.0 / rate[idx])
        bought = clock[idx] <= age[idx]
        done = idx[~bought]
        active[done] = False
        idx = idx[bought]
        x[idx] += 1
        t_x[idx] = clock[idx]
        # After each repeat purchase the customer becomes inactive with probability p.
        active[idx[rng.random(len(idx)) < dropout[idx]]] = False
    return x, t_x, age


def simulate_spend(model: GammaGamma, frequency: ArrayLike, *, seed: int = 0) -> FloatArray:
    """Mean repeat-transaction value per customer drawn from the Gamma-Gamma model
    (0 for customers without repeat purchases)."""
    rng = np.random.default_rng(seed)
    x = np.asarray(frequency, dtype=np.float64)
    nu = rng.gamma(model.q, 1.0 / model.v, len(x))
    shape = np.where(x > 0, model.p * x, 1.0)
    total = rng.gamma(shape, 1.0 / np.maximum(nu, 1e-300))
    return np.where(x > 0, total / np.maximum(x, 1), 0.0)
