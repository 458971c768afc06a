#!/usr/bin/python3
"""Independent reference solver for the supervised-contrastive layer-peeled model
(/work/shared/docs/lpm-models.md section 3; paper Eq. 11-12, Theorem 3), in the Gram Q = H H^T.

    /usr/bin/python3 tests/scripts/reference_supcon.py            # table + thresholds + checks
    /usr/bin/python3 tests/scripts/reference_supcon.py --checks   # checks only
    /usr/bin/python3 tests/scripts/reference_supcon.py --one KA KB EH t R

Writes tests/data/reference_supcon.csv and tests/data/reference_supcon_checks.txt (PASS/FAIL lines, then
the collapse thresholds as [INFO] lines; --write-checks PATH writes them elsewhere).  Exit 1 on a
failed check.

Model
    min_Q  f(Q) = sum_k pi_k ( -Q_kk / t + log sum_j pi_j exp(Q_kj / t) )
    s.t.   Q >= 0 (PSD, K x K),  tr Q <= K EH.
Sizes: KA classes of size 1 (first), KB of size 1/R; pi = n / sum n.  Convex in Q (a sum of
log-sum-exp of linear functions plus a linear term).

Method
  1. CVXOPT solvers.cp on the lower triangle of Q: one K x K semidefinite cone, one linear
     inequality (the trace), exact gradient and Hessian of f.
  2. Polish: accelerated projected gradient (FISTA, backtracking, adaptive restart) on the
     spectraplex {Q >= 0, tr Q <= K EH}; the projection is an eigendecomposition plus the projection
     of the eigenvalues onto {x >= 0, sum x <= K EH}, so eigenvalues that the projection removes are
     exactly zero.  Then Newton on Q = V V^T (V: K x rank, ||V||_F^2 = K EH), projected back onto
     the spectraplex, kept only if it lowers the certificate.
  3. Certificate (any feasible Q): with G = sym(grad f(Q)),
         f(Q) - f* <= gap = <G, Q> - K EH min(0, lambda_min(G)).
"""
import csv
import math
import os
import sys
import time

import numpy as np
from cvxopt import matrix, solvers, spmatrix

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "data"))


class Problem:
    def __init__(self, KA, KB, EH, t, R, n=None):
        self.KA, self.KB = KA, KB
        self.K = KA + KB
        self.n = np.array([1.0] * KA + [1.0 / R] * KB) if n is None else np.asarray(n, float)
        self.pi = self.n / self.n.sum()
        self.EH, self.t, self.R = EH, t, R
        self.T = self.K * EH                      # trace budget

    def f(self, Q, hess=False):
        """objective, symmetrised gradient, and (if hess) the per-row softmax matrices."""
        t, pi = self.t, self.pi
        A = Q / t + np.log(pi)[None, :]
        m = A.max(1, keepdims=True)
        e = np.exp(A - m)
        s = e.sum(1, keepdims=True)
        S = e / s
        lse = (m + np.log(s)).ravel()
        val = float(pi @ (-np.diag(Q) / t + lse))
        G = (pi[:, None] / t) * (S - np.eye(self.K))
        Gs = 0.5 * (G + G.T)
        return (val, Gs, S) if hess else (val, Gs)

    def certificate(self, Q):
        val, G = self.f(Q)
        lmin = float(np.linalg.eigvalsh(G)[0])
        gap = float((G * Q).sum()) - self.T * min(0.0, lmin)
        return val, gap, lmin


def literal_f(prob, Q):
    """the objective typed in from the doc, entry by entry"""
    K, t, pi = prob.K, prob.t, prob.pi
    tot = 0.0
    for k in range(K):
        tot += pi[k] * (-Q[k, k] / t + math.log(sum(pi[j] * math.exp(Q[k, j] / t) for j in range(K))))
    return tot


# ----------------------------------------------------------------------------- CVXOPT
def solve_cvxopt(prob, tol=1e-11):
    K = prob.K
    tri = [(i, j) for j in range(K) for i in range(j, K)]
    nv = len(tri)
    idx = {}
    for a, (i, j) in enumerate(tri):
        idx[(i, j)] = idx[(j, i)] = a
    M = np.zeros((K * K, nv))            # vec(Q) (row-major) = M q
    for i in range(K):
        for j in range(K):
            M[i * K + j, idx[(i, j)]] = 1.0

    def Qof(x):
        return (M @ np.asarray(x).ravel()).reshape(K, K)

    def F(x=None, z=None):
        if x is None:
            x0 = np.zeros(nv)
            for i in range(K):
                x0[idx[(i, i)]] = 0.5 * prob.EH
            return 0, matrix(x0)
        Q = Qof(x)
        if z is None:
            val, G = prob.f(Q)
            return val, matrix(M.T @ G.ravel(), (1, nv))
        val, G, S = prob.f(Q, hess=True)
        Hb = np.zeros((K * K, K * K))
        for k in range(K):
            Hb[k * K:(k + 1) * K, k * K:(k + 1) * K] = (prob.pi[k] / prob.t ** 2) * (np.diag(S[k]) - np.outer(S[k], S[k]))
        Hq = M.T @ Hb @ M
        return val, matrix(M.T @ G.ravel(), (1, nv)), z[0] * matrix(0.5 * (Hq + Hq.T))

    # linear: tr Q <= K EH ; cone: -G_s q = vec(Q) (column-major, symmetric)
    Gl = np.zeros((1, nv))
    for i in range(K):
        Gl[0, idx[(i, i)]] = 1.0
    I_, J_, V_ = [], [], []
    for c in range(K):
        for r in range(K):
            I_.append(c * K + r)
            J_.append(idx[(r, c)])
            V_.append(-1.0)
    Gs = spmatrix(V_, I_, J_, (K * K, nv))
    G = matrix([matrix(Gl), matrix(Gs)])
    h = matrix([matrix([prob.T]), matrix(0.0, (K * K, 1))])
    dims = {"l": 1, "q": [], "s": [K]}
    sol, status = None, "failed"
    for tl in [tol, tol * 100, 1e-7]:
        solvers.options.update({"show_progress": False, "abstol": tl, "reltol": tl, "feastol": tl,
                                "maxiters": 200, "refinement": 2})
        try:
            s_ = solvers.cp(F, G=G, h=h, dims=dims)
        except (ArithmeticError, ValueError):
            continue
        sol = s_
        status = s_["status"] if tl == tol else f"{s_['status']}@{tl:.0e}"
        if s_["status"] == "optimal":
            break
    if sol is None:
        return prob.EH * np.eye(K), status
    Q = Qof(sol["x"])
    return 0.5 * (Q + Q.T), status


# ----------------------------------------------------------------------------- projection / polish
def proj_capped_simplex(v, T):
    """projection of v onto {x >= 0, sum x <= T}"""
    x = np.maximum(v, 0.0)
    if x.sum() <= T:
        return x
    u = np.sort(v)[::-1]
    css = np.cumsum(u)
    k = np.arange(1, len(u) + 1)
    cond = u - (css - T) / k > 0
    q = k[cond][-1]
    theta = (css[q - 1] - T) / q
    return np.maximum(v - theta, 0.0)


def proj_spectraplex(Q, T):
    w, U = np.linalg.eigh(0.5 * (Q + Q.T))
    w2 = proj_capped_simplex(w, T)
    return (U * w2) @ U.T


def fista(prob, Q, target=1e-13, time_limit=2.0, max_iter=20000):
    T = prob.T
    Lc = float(prob.pi.max()) / prob.t ** 2      # a safe start; backtracking adapts it
    x = proj_spectraplex(Q, T)
    for _ in range(3):        # a few projected-gradient steps: the start becomes a prox iterate
        x = proj_spectraplex(x - prob.f(x)[1] / Lc, T)
    fx = prob.f(x)[0]
    best = x
    fb, gb, _ = prob.certificate(x)
    y, tk = x.copy(), 1.0
    t0 = time.perf_counter()
    it = 0
    while it < max_iter and gb > target * max(abs(fb), 1e-300) and time.perf_counter() - t0 < time_limit:
        it += 1
        fy, Gy = prob.f(y)
        while True:
            xn = proj_spectraplex(y - Gy / Lc, T)
            d = xn - y
            fn = prob.f(xn)[0]
            if fn <= fy + float((Gy * d).sum()) + 0.5 * Lc * float((d * d).sum()) + 1e-15 * abs(fy):
                break
            Lc *= 2.0
        if fn > fx + 1e-15 * abs(fx) and tk > 1.0:
            y, tk = x.copy(), 1.0
            continue
        tn = 0.5 * (1 + math.sqrt(1 + 4 * tk * tk))
        y = xn + ((tk - 1) / tn) * (xn - x)
        x, fx, tk = xn, fn, tn
        if it % 10 == 0:
            fc, g, _ = prob.certificate(x)
            if g < gb:
                best, fb, gb = x.copy(), fc, g
    fc, g, _ = prob.certificate(x)
    if g < gb:
        best = x
    return best, it


def bm_newton(prob, Q, iters=30):
    """Newton on Q = V V^T (V: K x r, r = rank of the prox iterate) with the trace active,
    ||V||_F^2 = K EH: KKT system of  f(V V^T) + nu (||V||^2 - K EH).  Stationarity is
    (G + nu I) V = 0, i.e. the range of Q may rotate (a fixed-face Newton would miss the cross
    block U_perp^T G U).  Exact Hessian-vector products; least squares for the gauge V -> V O."""
    w, P = np.linalg.eigh(Q)
    keep = w > 1e-12 * max(w.max(), 1e-300)
    r = int(keep.sum())
    if r == 0:
        return Q
    V = P[:, keep] * np.sqrt(w[keep])
    K, t, pi, T = prob.K, prob.t, prob.pi, prob.T
    n = K * r

    def dGsym(S, E):
        Et = E / t
        dG = (pi[:, None] / t) * (S * Et - S * (S * Et).sum(1, keepdims=True))
        return 0.5 * (dG + dG.T)

    def residual(V):
        val, G = prob.f(V @ V.T)
        nu = -float((V * (G @ V)).sum()) / float((V * V).sum())
        return val, G, nu, G @ V + nu * V

    for _ in range(iters):
        val, G, S = prob.f(V @ V.T, hess=True)
        nu = -float((V * (G @ V)).sum()) / float((V * V).sum())
        gr = 2.0 * (G @ V + nu * V)
        Hm = np.zeros((n, n))
        E = np.eye(n)
        for i in range(n):
            D = E[i].reshape(K, r)
            Hm[:, i] = (2.0 * (dGsym(S, D @ V.T + V @ D.T) @ V + G @ D + nu * D)).ravel()
        Hm = 0.5 * (Hm + Hm.T)
        c = 2.0 * V.ravel()                         # gradient of ||V||^2
        KKT = np.block([[Hm, c[:, None]], [c[None, :], np.zeros((1, 1))]])
        rhs = np.concatenate([-gr.ravel(), [T - float((V * V).sum())]])
        d = np.linalg.lstsq(KKT, rhs, rcond=1e-14)[0][:n].reshape(K, r)
        res0 = float(np.abs(gr).max())
        Vn = V + d
        Vn *= math.sqrt(T / float((Vn * Vn).sum()))
        res1 = float(np.abs(residual(Vn)[3]).max()) * 2.0
        if not res1 < res0:
            break
        V = Vn
        if res1 < 1e-17:
            break
    return V @ V.T


def solve(KA, KB, EH, t, R, n=None, target=1e-12):
    prob = Problem(KA, KB, EH, t, R, n)
    t0 = time.perf_counter()
    Q0, status = solve_cvxopt(prob)
    Qp0 = proj_spectraplex(Q0, prob.T)
    f0, g0, _ = prob.certificate(Qp0)
    Q, its = fista(prob, Q0, target=target, max_iter=300)
    fq, gq, _ = prob.certificate(Q)
    cands = [(gq, 0, Q)]
    if gq > target * max(abs(fq), 1e-12):
        Qn = bm_newton(prob, Q)
        Qn = proj_spectraplex(Qn, prob.T)            # exactly feasible
        fn, gn, _ = prob.certificate(Qn)
        cands.append((gn, 1, Qn))
        if gn > target * max(abs(fn), 1e-12):       # fall back: long FISTA
            Q, its2 = fista(prob, Q, target=target, time_limit=3.0, max_iter=10 ** 6)
            its += its2
            cands.append((prob.certificate(Q)[1], 0, Q))
    cands.append((g0, 2, Qp0))
    # prefer the low-rank candidates (prox iterate, Newton on V V^T) whenever one meets the target;
    # the interior-point point is full rank (vanishing eigenvalues ~1e-9), used only as a last resort
    met = [c for c in cands if c[1] != 2 and c[0] <= target * max(abs(prob.f(c[2])[0]), 1e-12)]
    gap, kind, Q = min(met if met else cands, key=lambda c: c[0])
    sec = time.perf_counter() - t0
    val, gap, lmin = prob.certificate(Q)
    rel = gap / abs(val) if abs(val) > 1e-12 else gap
    out = dict(prob=prob, Q=Q, objective=val, gap=gap, rel_gap=rel, gap_cvxopt=g0, cvxopt_status=status,
               seconds=sec, iters=its, polish=["fista", "newton", "cvxopt"][kind], lambda_min_G=lmin)
    out.update(metrics(prob, Q))
    return out


def metrics(prob, Q, vtol=1e-3, ctol=1e-3):
    K, KA = prob.K, prob.KA
    d = np.sqrt(np.maximum(np.diag(Q), 0.0))
    big = d.max()

    def mc(I, J=None):
        pairs = [(i, j) for i in I for j in I if i < j] if J is None else [(i, j) for i in I for j in J]
        vals = [Q[i, j] / (d[i] * d[j]) for i, j in pairs if d[i] > 0 and d[j] > 0]
        return float(np.mean(vals)) if vals else float("nan")
    A, B = list(range(KA)), list(range(KA, K))
    aliveB = [k for k in B if d[k] >= vtol * big]
    aliveA = [k for k in A if d[k] >= vtol * big]
    QB = Q[KA:, KA:]
    trB = float(np.trace(QB))
    spread = math.sqrt(max(trB - float(QB.sum()) / len(B), 0.0) / trB) if trB > 0 else float("nan")
    out = dict(minority_spread=spread, minority_feature_cos=mc(aliveB), majority_feature_cos=mc(aliveA), between_feature_cos=mc(aliveA, aliveB),
               minority_feature_norm_ratio=float(d[B].mean() / d[A].mean()), trace_ratio=float(np.trace(Q) / prob.T),
               rank=int((np.linalg.eigvalsh(Q) > 1e-9 * max(big * big, 1e-300)).sum()))
    if big == 0:
        st = "all_vanished"
    elif d[B].mean() < vtol * big:
        st = "vanished"
    elif len(aliveB) < 2:
        st = "partly_vanished"
    elif out["minority_feature_cos"] >= 1 - ctol:
        st = "collapsed"
    else:
        st = "spread"
    out["state"] = st
    return out


# ----------------------------------------------------------------------------- table
COLS = ["KA", "KB", "EH", "t", "R", "objective", "gap", "rel_gap", "minority_feature_cos", "majority_feature_cos",
        "between_feature_cos", "minority_feature_norm_ratio", "trace_ratio", "state", "seconds", "cvxopt_status",
        "rank", "lambda_min_G"]


def f10(v):
    return "nan" if math.isnan(v) else f"{v:.10f}"


def table(path):
    K = 10
    worst = 0.0
    rows = []
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLS)
        for EH in (1.0, 5.0):
            for t in (0.5, 1.0):
                for KA in (3, 5, 7):
                    for R in (1, 10, 100, 1000):
                        r = solve(KA, K - KA, EH, t, R)
                        worst = max(worst, r["rel_gap"])
                        rows.append(((KA, EH, t, R), r))
                        w.writerow([KA, K - KA, EH, t, R, f"{r['objective']:.13g}", f"{r['gap']:.3e}",
                                    f"{r['rel_gap']:.3e}", f10(r["minority_feature_cos"]),
                                    f10(r["majority_feature_cos"]), f10(r["between_feature_cos"]),
                                    f"{r['minority_feature_norm_ratio']:.8e}", f"{r['trace_ratio']:.12f}", r["state"],
                                    f"{r['seconds']:.2f}", r["cvxopt_status"], r["rank"], f"{r['lambda_min_G']:.10g}"])
                        fh.flush()
                        print(f"KA={KA} EH={EH} t={t} R={R:<5} f={r['objective']:.12f} rel_gap={r['rel_gap']:.1e} "
                              f"(cvxopt {r['gap_cvxopt'] / abs(r['objective']):.1e}, {r['polish']}) cosB="
                              f"{r['minority_feature_cos']:.6f} cosA={r['majority_feature_cos']:.6f} "
                              f"nB/nA={r['minority_feature_norm_ratio']:.4f} tr={r['trace_ratio']:.9f} {r['state']} "
                              f"rank={r['rank']} {r['seconds']:.2f}s", flush=True)
    return rows, worst


def bisect_R(pred, lo=1.0, hi=1e6, tol=1e-3):
    """smallest R (bisection in log R) with pred(R) true; None if false at hi."""
    if pred(lo):
        return (lo, lo)
    if not pred(hi):
        return None
    while hi / lo > 1 + tol:
        mid = math.sqrt(lo * hi)
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return (lo, hi)


def vanish_candidate_gap(KA, EH, t, R, K=10):
    """relative certificate of the candidate 'minority features zero, majority a KA-simplex ETF using
    the whole trace': 0 (to rounding) exactly when that candidate is optimal."""
    prob = Problem(KA, K - KA, EH, t, R)
    Q = np.zeros((K, K))
    Q[:KA, :KA] = prob.T / (KA - 1) * (np.eye(KA) - np.ones((KA, KA)) / KA)
    f, g, _ = prob.certificate(Q)
    return g / abs(f)


def thresholds(K=10):
    """per (EH, t, KA): R where the minority state first reads collapsed (cos >= 1-1e-3), where it
    collapses exactly (within-minority spread < 1e-6, features identical), and where the zero-minority
    candidate becomes exactly optimal (vanished)."""
    out = []
    for EH in (1.0, 5.0):
        for t in (0.5, 1.0):
            for KA in (3, 5, 7):
                st = lambda R: solve(KA, K - KA, EH, t, R)
                rc = bisect_R(lambda R: st(R)["state"] in ("collapsed", "vanished"), tol=1e-2)
                rx = bisect_R(lambda R: (lambda r: r["state"] == "vanished" or r["minority_spread"] < 1e-6)(st(R)),
                              tol=1e-2)
                rv = bisect_R(lambda R: vanish_candidate_gap(KA, EH, t, R) < 1e-13, tol=1e-9)
                out.append((EH, t, KA, rc, rx, rv))
                fm = lambda v: "none up to 1e6" if v is None else f"{math.sqrt(v[0] * v[1]):.4g}"
                print(f"thresholds EH={EH} t={t} KA={KA}: collapsed (1e-3 rule) from R ~ {fm(rc)}, exactly collapsed "
                      f"from R ~ {fm(rx)}, vanished (exact) from R ~ {fm(rv)}", flush=True)
    return out


# ----------------------------------------------------------------------------- checks
class Checks:
    def __init__(self):
        self.lines, self.fails = [], 0

    def add(self, name, ok, detail):
        self.fails += (not ok)
        line = f"[{'PASS' if ok else 'FAIL'}] {name}: {detail}"
        self.lines.append(line)
        print(line, flush=True)


def etf_closed(K, EH, t):
    """f at Q = EH K/(K-1) (I - 11^T/K), pi uniform: log(1 + (K-1) exp(-K EH/((K-1) t))) - log K."""
    return math.log1p((K - 1) * math.exp(-K * EH / ((K - 1) * t))) - math.log(K)


def checks(path, table_worst=None, thr=None):
    C = Checks()
    rng = np.random.default_rng(3)
    gaps = []
    # finite differences: implementation vs literal formula; symmetrised gradient; Hessian (cvxopt's)
    for (KA, KB, EH, t, R) in [(3, 4, 1.0, 0.5, 10.0), (5, 2, 5.0, 1.0, 1000.0)]:
        prob = Problem(KA, KB, EH, t, R)
        K = prob.K
        X = rng.normal(size=(K, K))
        Q = X @ X.T
        val, G, S = prob.f(Q, hess=True)
        dv = abs(val - literal_f(prob, Q))
        eps = 1e-6
        Gn = np.zeros((K, K))
        for i in range(K):
            for j in range(K):
                E = np.zeros((K, K))
                E[i, j] += 0.5 * eps
                E[j, i] += 0.5 * eps               # symmetric perturbation -> derivative = G_ij (sym)
                # (i != j: Q_ij and Q_ji move by eps/2 each, so the difference quotient is sym(G)_ij)
                Gn[i, j] = (literal_f(prob, Q + E) - literal_f(prob, Q - E)) / (2 * eps)
        eG = float(np.abs(G - Gn).max() / np.abs(G).max())
        # directional second derivative vs cvxopt-style Hessian
        D = rng.normal(size=(K, K))
        D = 0.5 * (D + D.T)
        h2 = (literal_f(prob, Q + 1e-4 * D) - 2 * val + literal_f(prob, Q - 1e-4 * D)) / 1e-8
        Dt = D / t
        hq = sum(prob.pi[k] * (float(S[k] @ Dt[k] ** 2) - float(S[k] @ Dt[k]) ** 2) for k in range(K))
        C.add(f"implementation vs literal formula, gradient and Hessian by central differences (KA={KA} KB={KB} "
              f"EH={EH} t={t} R={R:g})", dv < 1e-12 and eG < 1e-7 and abs(h2 - hq) < 1e-5 * max(1, abs(hq)),
              f"|df|={dv:.1e} rel|dG|={eG:.1e} d2f: {h2:.8f} vs {hq:.8f}")
    # certificate is an upper bound on f - f* at random feasible points
    nbad, worst_ratio = 0, 0.0
    for (KA, EH, t, R) in [(5, 1.0, 0.5, 10.0), (3, 5.0, 1.0, 1000.0), (7, 5.0, 0.5, 100.0)]:
        r = solve(KA, 10 - KA, EH, t, R)
        prob = r["prob"]
        lower = r["objective"] - r["gap"]
        for _ in range(25):
            P = r["Q"] + rng.normal(size=(10, 10)) * 10.0 ** rng.uniform(-6, 0)
            P = proj_spectraplex(P, prob.T)
            v, g, _ = prob.certificate(P)
            nbad += g < v - lower - 1e-13
            worst_ratio = max(worst_ratio, (v - lower) / g)
    C.add("certificate >= f - f* at 75 random feasible points near 3 certified optima", nbad == 0,
          f"{nbad} violations; max (f - f*_lower)/gap = {worst_ratio:.3f}")
    # balanced: simplex ETF and closed form; trace active
    for K in (4, 10):
        for EH in (1.0, 5.0):
            for t in (0.5, 1.0):
                r = solve(K // 2, K - K // 2, EH, t, 1.0)
                gaps.append(r["rel_gap"])
                Qe = EH * K / (K - 1) * (np.eye(K) - np.ones((K, K)) / K)
                dQ = float(np.abs(r["Q"] - Qe).max())
                fe = etf_closed(K, EH, t)
                fe_eval, ge, _ = r["prob"].certificate(Qe)
                ok = dQ < 1e-6 and abs(r["objective"] - fe) < 1e-11 and abs(fe_eval - fe) < 1e-13 and ge < 1e-13
                C.add(f"balanced K={K} EH={EH} t={t}: optimum = simplex ETF EH K/(K-1)(I - 11^T/K), f = log(1+(K-1)"
                      f"exp(-K EH/((K-1)t))) - log K", ok,
                      f"max|Q - Q_etf|={dQ:.1e}; f={r['objective']:.14f} closed {fe:.14f} (|d|={abs(r['objective'] - fe):.1e}); "
                      f"certificate of the closed-form Q: {ge:.1e}; trace ratio {r['trace_ratio']:.12f}")
    # the ETF is optimal for the balanced problem also when checked by certificate at other K, EH, t
    for (K, EH, t) in [(3, 0.3, 2.0), (7, 2.0, 0.2), (12, 5.0, 0.5)]:
        prob = Problem(K, 0, EH, t, 1.0, n=np.ones(K))
        Qe = EH * K / (K - 1) * (np.eye(K) - np.ones((K, K)) / K)
        fe, ge, _ = prob.certificate(Qe)
        C.add(f"balanced K={K} EH={EH} t={t}: certificate of the closed-form ETF", ge <= 1e-13 * abs(fe) + 1e-15
              and abs(fe - etf_closed(K, EH, t)) < 1e-13, f"gap {ge:.1e}, f {fe:.14f} closed {etf_closed(K, EH, t):.14f}")
    # second method: FISTA from EH*I only
    for (KA, EH, t, R) in [(5, 1.0, 0.5, 100.0), (3, 5.0, 1.0, 1000.0)]:
        r = solve(KA, 10 - KA, EH, t, R)
        prob = r["prob"]
        Q2, _ = fista(prob, EH * np.eye(10), target=1e-12, time_limit=8.0, max_iter=10 ** 7)
        f2, g2, _ = prob.certificate(Q2)
        d = abs(f2 - r["objective"])
        C.add(f"second method (FISTA from EH I) KA={KA} EH={EH} t={t} R={R:g}", d <= max(g2, r["gap"]) + 1e-14,
              f"f={f2:.14f} vs {r['objective']:.14f} |d|={d:.1e} gaps {g2:.1e}, {r['gap']:.1e}")
    worst = max(gaps + ([table_worst] if table_worst is not None else []))
    C.add("relative gaps <= 1e-9 (check solves" + (" and table" if table_worst is not None else "") + ")",
          worst <= 1e-9, f"worst {worst:.2e}")
    summary = f"{len(C.lines) - C.fails} passed, {C.fails} failed"
    print(summary)
    info = []
    if thr is not None:
        fm = lambda v: "none up to R = 1e6" if v is None else f"[{v[0]:.6g}, {v[1]:.6g}]"
        for (EH, t, KA, rc, rx, rv) in thr:
            info.append(f"[INFO] K=10 KA={KA} EH={EH} t={t}: minority collapsed (cos >= 1-1e-3) from R in {fm(rc)}; "
                        f"exactly collapsed (spread < 1e-6) from R in {fm(rx)}; vanished (zero-minority candidate "
                        f"certified) from R in {fm(rv)}")
    for l in info:
        print(l)
    if path:
        with open(path, "w") as fh:
            fh.write("\n".join(C.lines) + "\n" + summary + "\n" + "".join(l + "\n" for l in info))
    return C


def main():
    t0 = time.perf_counter()
    if "--one" in sys.argv:
        i = sys.argv.index("--one")
        KA, KB = int(sys.argv[i + 1]), int(sys.argv[i + 2])
        EH, t, R = map(float, sys.argv[i + 3:i + 6])
        r = solve(KA, KB, EH, t, R)
        for k in ["objective", "gap", "rel_gap", "gap_cvxopt", "cvxopt_status", "polish", "iters", "minority_feature_cos",
                  "majority_feature_cos", "between_feature_cos", "minority_feature_norm_ratio", "trace_ratio", "state",
                  "rank", "lambda_min_G", "seconds"]:
            print(k, r[k])
        print("Q =\n", np.array2string(r["Q"], precision=5, suppress_small=True, max_line_width=200))
        return 0
    worst = None
    if "--checks" not in sys.argv:
        rows, worst = table(os.path.join(DATA, "reference_supcon.csv"))
        print(f"table: {len(rows)} rows, worst rel gap {worst:.2e}, {time.perf_counter() - t0:.1f} s")
    thr = None
    if "--checks" not in sys.argv and "--no-thresholds" not in sys.argv:
        thr = thresholds()
    out = os.path.join(DATA, "reference_supcon_checks.txt")
    if "--write-checks" in sys.argv:
        out = sys.argv[sys.argv.index("--write-checks") + 1]
    C = checks(out, worst, thr)
    print(f"total {time.perf_counter() - t0:.1f} s")
    return 1 if C.fails else 0


if __name__ == "__main__":
    sys.exit(main())
