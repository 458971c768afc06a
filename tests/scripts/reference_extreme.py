#!/usr/bin/python3
"""Reference optima of the convex relaxation of the Layer-Peeled Model (Fang et al., PNAS 2021,
Eq. 15) in extreme regimes: exponentially small objectives (large EW*EH), huge or infinite
imbalance ratios R, tiny energies.  Independent of LPM Studio's solvers.

Method
  * Symmetry-reduced problem (two groups, KA majority classes of size 1, KB minority classes of
    size 1/R).  The variables are directly the entries of the three PSD blocks of the invariant Gram
    matrix: the 2x2 contrast blocks CA, CB (h-h, h-w, w-w contrasts) and the 4x4 mean block M over
    (hA, hB, wA, wB), 16 scalars; the cone is S2 x S2 x S4, plus the two trace inequalities.
  * The per-class loss is written as log1p(sum_j exp(z_kj - z_kk)) of *margins* (linear in the
    block entries), so it is evaluated without cancellation.
  * CVXOPT solvers.cp with the objective multiplied by S = 1/f (f found iteratively: start from a
    feasible point's objective, resolve with S = 1/f_new until f is stable to a factor 1.5).  The
    scaled objective is O(1), so CVXOPT's absolute/relative tolerances become relative to f*.
  * Solving is done with EH = EW = sqrt(EW*EH) (only the product matters); classifier norms are
    rescaled to the requested EW afterwards.
  * Certificate: the reduced solution is expanded to the full 2K x 2K Gram X, made exactly
    feasible (eigenvalues clipped, traces scaled down), and the Frank-Wolfe bound
        f(X) - f* <= sum_kj D_kj z_kj + K sqrt(EH EW) sigma_max(D)
    is evaluated in mpmath (50 digits) with D_kj = pi_k (P_k(j) - [j = k]); we report gap / f(X).

    /usr/bin/python3 tests/scripts/reference_extreme.py > tests/data/reference_extreme.csv   (all cases)
    /usr/bin/python3 tests/scripts/reference_extreme.py --verify   (checks against tests/data/cvxopt_reference.csv
                                                      and the balanced closed form)
"""
import csv
import math
import os
import sys
import time

import numpy as np
import mpmath
from cvxopt import matrix, solvers

mpmath.mp.dps = 50

# Indices of the 16 variables.
CA11, CA12, CA22, CB11, CB12, CB22 = range(6)
MIDX = {}
_k = 6
for _i in range(4):
    for _j in range(_i, 4):
        MIDX[(_i, _j)] = MIDX[(_j, _i)] = _k
        _k += 1
NV = 16
HA, HB, WA, WB = range(4)


def weights(KA, KB, R):
    """Group loss weights KA*piA, KB*piB for sizes 1 (majority) and 1/R (minority)."""
    nB = 0.0 if math.isinf(R) else 1.0 / R
    N = KA + KB * nB
    return KA / N, KB * nB / N, 1.0 / N, nB / N


def margin_map(KA, KB):
    """Rows: y1 = fA-eA, y2 = u-eA, y3 = fB-eB, y4 = v-eB as linear functions of x."""
    r = math.sqrt(KA * KB)
    A = np.zeros((4, NV))
    A[0, CA12] = -1.0
    A[1, MIDX[(HA, WB)]] = 1.0 / r
    A[1, MIDX[(HA, WA)]] = -1.0 / KA
    A[1, CA12] = -(KA - 1.0) / KA
    A[2, CB12] = -1.0
    A[3, MIDX[(HB, WA)]] = 1.0 / r
    A[3, MIDX[(HB, WB)]] = -1.0 / KB
    A[3, CB12] = -(KB - 1.0) / KB
    return A


def group_loss(y1, y2, c1, c2):
    """log(1 + c1 e^y1 + c2 e^y2) with gradient and Hessian in (y1, y2), no cancellation."""
    m = max(0.0, y1 + math.log(c1) if c1 > 0 else -np.inf, y2 + math.log(c2) if c2 > 0 else -np.inf)
    t0 = math.exp(-m)
    t1 = c1 * math.exp(y1 - m) if c1 > 0 else 0.0
    t2 = c2 * math.exp(y2 - m) if c2 > 0 else 0.0
    s = t0 + t1 + t2
    if m == 0.0:
        val = math.log1p(t1 + t2)
    else:
        val = m + math.log(s)
    p = np.array([t1 / s, t2 / s])
    H = np.diag(p) - np.outer(p, p)
    return val, p, H


class Reduced:
    def __init__(self, KA, KB, R, EWEH):
        self.KA, self.KB, self.R, self.P = KA, KB, R, EWEH
        self.K = KA + KB
        self.E = math.sqrt(EWEH)          # solve with EH = EW = E
        self.wA, self.wB, self.piA, self.piB = weights(KA, KB, R)
        self.A = margin_map(KA, KB)

    def f(self, x, need_hess=False):
        y = self.A @ x
        KA, KB = self.KA, self.KB
        val = 0.0
        gy = np.zeros(4)
        Hy = np.zeros((4, 4))
        for w, (i, j), (c1, c2) in [(self.wA, (0, 1), (KA - 1, KB)), (self.wB, (2, 3), (KB - 1, KA))]:
            if w == 0:
                continue
            v, p, H = group_loss(y[i], y[j], c1, c2)
            val += w * v
            gy[[i, j]] += w * p
            Hy[np.ix_([i, j], [i, j])] += w * H
        g = self.A.T @ gy
        if need_hess:
            return val, g, self.A.T @ Hy @ self.A
        return val, g

    def feasible_start(self):
        """Balanced simplex-ETF point (all K classes), a feasible point with a finite objective."""
        X = etf_gram(self.K, self.E, self.E)
        return self.reduce(X)

    # --- expansion / reduction between the 16 scalars and the full Gram matrix
    def blocks(self, x):
        CA = np.array([[x[CA11], x[CA12]], [x[CA12], x[CA22]]])
        CB = np.array([[x[CB11], x[CB12]], [x[CB12], x[CB22]]])
        M = np.array([[x[MIDX[(i, j)]] for j in range(4)] for i in range(4)])
        return CA, CB, M

    def expand(self, x):
        """Full 2K x 2K Gram from the 16 scalars (order h_1..h_K, w_1..w_K)."""
        KA, KB, K = self.KA, self.KB, self.K
        CA, CB, M = self.blocks(x)
        n = {0: KA, 1: KB}
        C = {0: CA, 1: CB}
        groups = [list(range(KA)), list(range(KA, K))]
        X = np.zeros((2 * K, 2 * K))
        r = math.sqrt(KA * KB)
        for gi in range(2):
            for gj in range(2):
                for ti in range(2):          # 0: h, 1: w
                    for tj in range(2):
                        mi, mj = 2 * ti + gi, 2 * tj + gj
                        for a in groups[gi]:
                            for b in groups[gj]:
                                if gi == gj:
                                    ng = n[gi]
                                    diag = (M[mi, mj] + (ng - 1) * C[gi][ti, tj]) / ng
                                    off = (M[mi, mj] - C[gi][ti, tj]) / ng
                                    val = diag if a == b else off
                                else:
                                    val = M[mi, mj] / r
                                X[ti * K + a, tj * K + b] = val
        return X

    def reduce(self, X):
        KA, KB, K = self.KA, self.KB, self.K
        groups = [list(range(KA)), list(range(KA, K))]
        x = np.zeros(NV)
        r = math.sqrt(KA * KB)
        for gi, (c11, c12, c22) in enumerate([(CA11, CA12, CA22), (CB11, CB12, CB22)]):
            g = groups[gi]
            ng = len(g)
            for (ti, tj, idx) in [(0, 0, c11), (0, 1, c12), (1, 1, c22)]:
                blk = X[np.ix_([ti * K + a for a in g], [tj * K + b for b in g])]
                d = np.mean(np.diag(blk))
                o = (blk.sum() - np.trace(blk)) / (ng * (ng - 1))
                x[idx] = d - o
        for mi in range(4):
            for mj in range(mi, 4):
                ti, gi, tj, gj = mi // 2, mi % 2, mj // 2, mj % 2
                gA = [ti * K + a for a in groups[gi]]
                gB = [tj * K + b for b in groups[gj]]
                blk = X[np.ix_(gA, gB)]
                if gi == gj:
                    x[MIDX[(mi, mj)]] = blk.sum() / len(groups[gi])
                else:
                    x[MIDX[(mi, mj)]] = blk.sum() / r
        return x


def etf_gram(K, EH, EW):
    U = np.eye(K) - np.ones((K, K)) / K
    U *= K / (K - 1.0)               # unit-norm simplex ETF Gram
    X = np.zeros((2 * K, 2 * K))
    X[:K, :K] = EH * U
    X[K:, K:] = EW * U
    X[:K, K:] = X[K:, :K] = math.sqrt(EH * EW) * U
    return X


def cp_solve(prob, S, x0, tol=1e-12, maxiters=80):
    """One CVXOPT cp run on S * f over S2 x S2 x S4 and the two trace constraints."""
    KA, KB, E, K = prob.KA, prob.KB, prob.E, prob.K

    def F(x=None, z=None):
        if x is None:
            return 0, matrix(x0)
        xv = np.asarray(x).ravel()
        if z is None:
            v, g = prob.f(xv)
            return S * v, matrix(S * g, (1, NV))
        v, g, H = prob.f(xv, True)
        return S * v, matrix(S * g, (1, NV)), matrix(z[0] * S * H)

    rows = []
    tr = np.zeros((2, NV))
    tr[0, [MIDX[(HA, HA)], MIDX[(HB, HB)]]] = 1.0
    tr[0, CA11] = KA - 1.0
    tr[0, CB11] = KB - 1.0
    tr[1, [MIDX[(WA, WA)], MIDX[(WB, WB)]]] = 1.0
    tr[1, CA22] = KA - 1.0
    tr[1, CB22] = KB - 1.0
    rows.append(tr)
    for (c11, c12, c22) in [(CA11, CA12, CA22), (CB11, CB12, CB22)]:
        Gs = np.zeros((4, NV))
        for (pos, idx) in [(0, c11), (1, c12), (2, c12), (3, c22)]:
            Gs[pos, idx] = -1.0
        rows.append(Gs)
    Gm = np.zeros((16, NV))
    for c in range(4):
        for r_ in range(4):
            Gm[c * 4 + r_, MIDX[(r_, c)]] = -1.0
    rows.append(Gm)
    G = matrix(np.vstack(rows))
    h = matrix(np.concatenate([[K * E, K * E], np.zeros(24)]))
    dims = {"l": 2, "q": [], "s": [2, 2, 4]}
    solvers.options.update({"show_progress": False, "abstol": tol, "reltol": tol, "feastol": tol,
                            "maxiters": maxiters, "refinement": 2})
    sol = solvers.cp(F, G=G, h=h, dims=dims)
    return np.asarray(sol["x"]).ravel(), sol["status"], sol.get("iterations", 0)


def make_feasible(prob, x):
    """Clip each PSD block's eigenvalues at 0 and scale down to satisfy both traces exactly."""
    CA, CB, M = prob.blocks(x)

    def clip(B):
        w, V = np.linalg.eigh(B)
        return (V * np.maximum(w, 0)) @ V.T
    CA, CB, M = clip(CA), clip(CB), clip(M)
    K, KA, KB, E = prob.K, prob.KA, prob.KB, prob.E
    trH = M[0, 0] + M[1, 1] + (KA - 1) * CA[0, 0] + (KB - 1) * CB[0, 0]
    trW = M[2, 2] + M[3, 3] + (KA - 1) * CA[1, 1] + (KB - 1) * CB[1, 1]
    sh = min(1.0, math.sqrt(K * E / trH)) if trH > 0 else 1.0
    sw = min(1.0, math.sqrt(K * E / trW)) if trW > 0 else 1.0
    D = np.diag([sh, sw])
    CA, CB = D @ CA @ D, D @ CB @ D
    D4 = np.diag([sh, sh, sw, sw])
    M = D4 @ M @ D4
    y = np.zeros(NV)
    y[CA11], y[CA12], y[CA22] = CA[0, 0], CA[0, 1], CA[1, 1]
    y[CB11], y[CB12], y[CB22] = CB[0, 0], CB[0, 1], CB[1, 1]
    for i in range(4):
        for j in range(i, 4):
            y[MIDX[(i, j)]] = M[i, j]
    return y


def certificate(prob, x):
    """(f(X), gap) for the expanded, exactly feasible X, in mpmath: f(X) - f* <= gap."""
    X = prob.expand(x)
    K = prob.K
    pis = [prob.piA] * prob.KA + [prob.piB] * prob.KB
    Z = [[mpmath.mpf(X[k, K + j]) for j in range(K)] for k in range(K)]
    f = mpmath.mpf(0)
    D = mpmath.matrix(K, K)
    lin = mpmath.mpf(0)
    for k in range(K):
        if pis[k] == 0:
            continue
        pk = mpmath.mpf(pis[k])
        ex = [mpmath.exp(Z[k][j] - Z[k][k]) if j != k else mpmath.mpf(0) for j in range(K)]
        s = mpmath.fsum(ex)
        f += pk * mpmath.log1p(s)
        for j in range(K):
            if j != k:
                D[k, j] = pk * ex[j] / (1 + s)
                lin += D[k, j] * (Z[k][j] - Z[k][k])   # sum_j D_kj z_kj with D_kk = -sum_{j!=k} D_kj
        D[k, k] = -pk * s / (1 + s)
    smax = max(mpmath.svd_r(D, compute_uv=False))
    gap = lin + K * mpmath.sqrt(mpmath.mpf(prob.E) ** 2) * smax
    return f, gap


def robust_cp(prob, S, x0, tol):
    """cp_solve at tol; on a numerical failure (CVXOPT raises at its precision limit) loosen it."""
    last = None
    for t in [tol, tol * 10, tol * 100, tol * 1000]:
        try:
            x, st, it = cp_solve(prob, S, x0, t)
            if st == "optimal" or t >= tol * 1000:
                return x, st if t == tol else f"{st}@tol{t:.0e}", it
            last = (x, f"{st}@tol{t:.0e}", it)
        except (ArithmeticError, ValueError) as e:
            continue
    if last is None:
        raise RuntimeError("cvxopt failed at all tolerances")
    return last


def solve(KA, KB, R, EWEH, EW=1.0, tol=1e-12, S_mult=1.0):
    prob = Reduced(KA, KB, R, EWEH)
    x = prob.feasible_start()
    f0 = prob.f(x)[0]
    t0 = time.perf_counter()
    status, its, fprev, rounds = None, 0, f0, 0
    for rounds in range(1, 30):          # find the scale S ~ 1/f* with cheap, loose solves
        S = S_mult / fprev
        try:
            x, status, it = cp_solve(prob, S, x, 1e-7, maxiters=60)
        except (ArithmeticError, ValueError):
            pass
        fnew = prob.f(x)[0]
        if rounds > 1 and 1 / 1.5 < fnew / fprev < 1.5:
            break
        fprev = fnew
    # final solve at the target tolerance with the final scale
    x, status, it = robust_cp(prob, S_mult / prob.f(x)[0], x, tol)
    its += it
    ms = (time.perf_counter() - t0) * 1e3
    xf = make_feasible(prob, x)
    fX, gap = certificate(prob, xf)
    res = stats(prob, xf, EW)
    res.update(objective=float(fX), rel_gap=float(gap / fX), status=status, iters=its, rounds=rounds + 1,
               ms=ms, x=xf)
    return res


def stats(prob, x, EW):
    """Cosines and norms in the requested (EW, EH = EWEH/EW) scaling."""
    KA, KB = prob.KA, prob.KB
    CA, CB, M = prob.blocks(x)
    scale_w = EW / prob.E                    # X_WW scales with EW
    cA = (M[2, 2] + (KA - 1) * CA[1, 1]) / KA
    dA = (M[2, 2] - CA[1, 1]) / KA
    cB = (M[3, 3] + (KB - 1) * CB[1, 1]) / KB
    dB = (M[3, 3] - CB[1, 1]) / KB
    aB = (M[1, 1] + (KB - 1) * CB[0, 0]) / KB
    normB = math.sqrt(max(cB, 0) * scale_w)
    normA = math.sqrt(max(cA, 0) * scale_w)
    return dict(minority_cos=dB / cB if cB > 0 else float("nan"),
                one_minus_cos=KB * CB[1, 1] / (M[3, 3] + (KB - 1) * CB[1, 1]) if cB > 0 else float("nan"),
                minority_norm=normB, majority_cos=dA / cA, majority_norm=normA,
                minority_feature_norm=math.sqrt(max(aB, 0) * prob.P / EW / prob.E))


def vanished(res, EW=1.0):
    return res["minority_norm"] < 1e-4 * math.sqrt(EW)


def bisect_logR(pred, lo, hi, rtol=1e-3):
    """pred(lo) False, pred(hi) True; returns the smallest-R estimate (geometric midpoint)."""
    llo, lhi = math.log(lo), math.log(hi)
    while lhi - llo > rtol / 4:
        mid = 0.5 * (llo + lhi)
        if pred(math.exp(mid)):
            lhi = mid
        else:
            llo = mid
    return math.exp(lhi), math.exp(llo)


# ------------------------------------------------------------------ output
COLS = ["case", "KA", "KB", "EWEH", "R", "objective", "minority_cos", "one_minus_cos", "minority_norm",
        "majority_cos", "majority_norm", "rel_gap", "status", "notes"]


def row(case, KA, KB, EWEH, R, res, notes=""):
    state = "vanished" if vanished(res) else ("collapsed" if res["minority_cos"] >= 1 - 1e-3 else "spread")
    return dict(case=case, KA=KA, KB=KB, EWEH=EWEH, R=("inf" if math.isinf(R) else f"{R:.8g}"),
                objective=f"{res['objective']:.12e}", minority_cos=f"{res['minority_cos']:.10f}",
                one_minus_cos=f"{res['one_minus_cos']:.6e}", minority_norm=f"{res['minority_norm']:.6e}",
                majority_cos=f"{res['majority_cos']:.10f}", majority_norm=f"{res['majority_norm']:.10f}",
                rel_gap=f"{res['rel_gap']:.1e}", status=res["status"],
                notes=(state + ("; " + notes if notes else "")))


def main_cases(out):
    w = csv.DictWriter(out, fieldnames=COLS)
    w.writeheader()

    def emit(*a, **k):
        w.writerow(row(*a, **k))
        out.flush()

    # a) R = inf
    for P in [5, 50, 500]:
        emit("a_Rinf", 5, 5, P, math.inf, solve(5, 5, math.inf, P))
    # b) finite large R at EW*EH = 500
    for R in [1e3, 1e5, 1e8]:
        emit("b_largeR", 5, 5, 500, R, solve(5, 5, R, 500))
    # c) R0: smallest R with minority cos >= 1 - 1e-3 and minority not vanished
    for P in [5, 500, 5000]:
        def collapsed(R, P=P):
            r = solve(5, 5, R, P)
            return r["minority_cos"] >= 1 - 1e-3 and not vanished(r)
        lo, hi = 1.0, 10.0
        while not collapsed(hi):
            lo, hi = hi, hi * 10
            if hi > 1e300:
                break
        R0, Rlo = bisect_logR(collapsed, lo, hi)
        res = solve(5, 5, R0, P)
        emit("R0", 5, 5, P, R0, res, notes=f"bracket [{Rlo:.8g}, {R0:.8g}]")
    # d) KA = 7, KB = 3, EW = 1, EH = 0.05: the minority first collapses, then vanishes
    P = 0.05

    def collapsed7(R):
        r = solve(7, 3, R, P)
        return r["minority_cos"] >= 1 - 1e-3 and not vanished(r)
    R0, Rlo = bisect_logR(collapsed7, 1.0, 1.05)
    emit("R0", 7, 3, P, R0, solve(7, 3, R0, P), notes=f"bracket [{Rlo:.8g}, {R0:.8g}]")
    Rv, Rvlo = R_vanish_exact(7, 3, P, mpmath.mpf(1.0), mpmath.mpf(2.0))
    Rv = float(Rv)
    g_below = vanished_candidate_gap(7, 3, float(Rvlo) * (1 - 1e-6), P)[0]
    gv, _ = vanished_candidate_gap(7, 3, Rv, P)
    fv = vanished_candidate_objective(7, 3, Rv, P)
    w.writerow(dict(case="R_vanish", KA=7, KB=3, EWEH=P, R=f"{Rv:.10f}", objective=f"{float(fv):.12e}",
                    minority_cos="nan", one_minus_cos="nan", minority_norm="0",
                    majority_cos=f"{-1 / 6:.10f}", majority_norm=f"{math.sqrt(10 / 7):.10f}",
                    rel_gap=f"{float(gv):.1e}", status="exact",
                    notes=f"vanished; zero-minority candidate (majority 7-simplex ETF) has FW gap/f < 1e-35 for "
                          f"R >= R_vanish (bisected to 1e-10) and {float(g_below):.1e} at R(1-1e-6); "
                          f"norm -> 0 like 2.4 sqrt(R_vanish - R) so the 1e-4 threshold is crossed ~2e-9 earlier"))
    out.flush()
    for R in [1.02, 1.05, 1.1, 2.0]:
        g = vanished_candidate_gap(7, 3, R, P)[0]
        emit("d_smallE", 7, 3, P, R, solve(7, 3, R, P), notes=f"zero-minority candidate gap/f {float(g):.1e}")


def verify():
    import io
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "cvxopt_reference.csv")
    worst_f, worst_c = 0.0, 0.0
    with open(path) as fh:
        for r in csv.DictReader(fh):
            if r["kind"] != "two-size" or r["status"] != "optimal":
                continue
            sizes = [float(s) for s in r["sizes"].split(";")]
            KA = int(r["KA"])
            KB = len(sizes) - KA
            if KA < 2 or KB < 2:
                continue
            EW, EH, R = float(r["EW"]), float(r["EH"]), float(r["R"])
            res = solve(KA, KB, R, EW * EH, EW=EW)
            fref, cref, nref = float(r["objective"]), float(r["minority_cos"]), float(r["minority_norm"])
            df = abs(res["objective"] - fref)
            dc = abs(res["minority_cos"] - cref) if nref > 1e-4 else float("nan")
            worst_f = max(worst_f, df)
            if nref > 1e-4:
                worst_c = max(worst_c, dc)
            print(f"KA={KA} KB={KB} EW={EW} EH={EH} R={R}: f {res['objective']:.13f} ref {fref:.13f} "
                  f"(d {df:.1e}); cos {res['minority_cos']:.8f} ref {cref:.8f} (d {dc:.1e}); "
                  f"norm {res['minority_norm']:.3e} ref {nref:.3e}; gap {res['rel_gap']:.1e}")
    print(f"worst |df| {worst_f:.2e}, worst |dcos| (non-vanished) {worst_c:.2e}")
    for P in [5, 50, 500, 5000]:
        K = 10
        res = solve(5, 5, 1.0, P)
        fb = mpmath.log1p((K - 1) * mpmath.exp(-(mpmath.mpf(K) / (K - 1)) * mpmath.sqrt(P)))
        print(f"balanced EWEH={P}: f {res['objective']:.15e} closed form {float(fb):.15e} "
              f"rel err {float(abs(res['objective'] - fb) / fb):.1e}; cos {res['minority_cos']:.12f} "
              f"(ETF {-1 / 9:.12f}) gap {res['rel_gap']:.1e} status {res['status']}")
    # scale / tolerance robustness at the extreme points
    for (KA, KB, R, P) in [(5, 5, math.inf, 500), (5, 5, 1e5, 500), (5, 5, 1e8, 500), (5, 5, math.inf, 5000)]:
        a = solve(KA, KB, R, P)
        b = solve(KA, KB, R, P, S_mult=30.0, tol=1e-10)
        print(f"robustness R={R} P={P}: f {a['objective']:.12e} vs {b['objective']:.12e}; "
              f"cos {a['minority_cos']:.10f} vs {b['minority_cos']:.10f}; "
              f"normB {a['minority_norm']:.8e} vs {b['minority_norm']:.8e}; "
              f"majcos {a['majority_cos']:.10f} vs {b['majority_cos']:.10f}")


def vanished_candidate_gap(KA, KB, R, EWEH):
    """Exact test of minority vanishing, in mpmath: the candidate with h_B = w_B = 0 and the majority
    a KA-simplex ETF using the whole budgets is optimal iff its Frank-Wolfe gap is 0.  The gap equals
    K sqrt(EH EW) (sigma_max(D) - sigma_max(D_AA)) + (restricted ETF gap, 0), so we return
    (gap / f, sigma_max(D) / sigma_max(D_AA) - 1)."""
    K = KA + KB
    E = mpmath.sqrt(mpmath.mpf(EWEH))
    nB = mpmath.mpf(0) if math.isinf(R) else 1 / mpmath.mpf(R)
    Ntot = KA + KB * nB
    pis = [1 / Ntot] * KA + [nB / Ntot] * KB
    rho = mpmath.mpf(K) / KA * E                  # h_k . w_k for the majority ETF
    Z = mpmath.matrix(K, K)
    for k in range(KA):
        for j in range(KA):
            Z[k, j] = rho if j == k else -rho / (KA - 1)
    f = mpmath.mpf(0)
    D = mpmath.matrix(K, K)
    lin = mpmath.mpf(0)
    for k in range(K):
        ex = [mpmath.exp(Z[k, j] - Z[k, k]) if j != k else mpmath.mpf(0) for j in range(K)]
        s = mpmath.fsum(ex)
        f += pis[k] * mpmath.log1p(s)
        for j in range(K):
            if j != k:
                D[k, j] = pis[k] * ex[j] / (1 + s)
                lin += D[k, j] * (Z[k, j] - Z[k, k])
        D[k, k] = -pis[k] * s / (1 + s)
    smax = max(mpmath.svd_r(D, compute_uv=False))
    DAA = mpmath.matrix(KA, KA)
    for k in range(KA):
        for j in range(KA):
            DAA[k, j] = D[k, j]
    sA = max(mpmath.svd_r(DAA, compute_uv=False))
    gap = lin + K * E * smax
    return gap / f, smax / sA - 1


def vanished_candidate_objective(KA, KB, R, EWEH):
    K = KA + KB
    rho = mpmath.mpf(K) / KA * mpmath.sqrt(mpmath.mpf(EWEH))
    nB = mpmath.mpf(0) if math.isinf(R) else 1 / mpmath.mpf(R)
    Ntot = KA + KB * nB
    fA = mpmath.log1p((KA - 1) * mpmath.exp(-rho * KA / (KA - 1)) + KB * mpmath.exp(-rho))
    return (KA * fA + KB * nB * mpmath.log(K)) / Ntot


def R_vanish_exact(KA, KB, EWEH, lo, hi, rtol=1e-10):
    """Bisection (in mpmath, 50 digits) for the smallest R at which the vanished candidate is optimal."""
    ok = lambda R: vanished_candidate_gap(KA, KB, R, EWEH)[0] < mpmath.mpf(10) ** -35
    assert not ok(lo) and ok(hi)
    while hi / lo - 1 > rtol:
        mid = mpmath.sqrt(lo * hi)
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi, lo


def solve_full(KA, KB, R, EWEH, S_final, tol=1e-11):
    """Cross-check: the full 2K x 2K Gram (no symmetry reduction), same S-scaling and log1p margins."""
    K = KA + KB
    N = 2 * K
    E = math.sqrt(EWEH)
    _, _, piA, piB = weights(KA, KB, R)
    pis = [piA] * KA + [piB] * KB
    index = {}
    for j in range(N):
        for i in range(j, N):
            index[(i, j)] = len(index)
    m = len(index)
    var = lambda i, j: index[(i, j)] if i >= j else index[(j, i)]
    # margins y_k = (z_kj - z_kk)_{j != k}, z_kj = X[K + j, k]
    Bk = []
    for k in range(K):
        B = np.zeros((K - 1, m))
        for jj, j in enumerate([j for j in range(K) if j != k]):
            B[jj, var(K + j, k)] += 1.0
            B[jj, var(K + k, k)] -= 1.0
        Bk.append(B)

    Xe = etf_gram(K, E, E)
    state = {"x0": np.array([Xe[i, j] for (i, j) in index]), "S": 1.0}

    def F(x=None, z=None):
        if x is None:
            return 0, matrix(state["x0"])
        S = state["S"]
        xv = np.asarray(x).ravel()
        f, g, H = 0.0, np.zeros(m), np.zeros((m, m))
        for k in range(K):
            if pis[k] == 0:
                continue
            y = Bk[k] @ xv
            mx = max(0.0, y.max())
            e = np.exp(y - mx)
            s = math.exp(-mx) + e.sum()
            f += pis[k] * (math.log1p(np.exp(y).sum()) if mx == 0 else mx + math.log(s))
            p = e / s
            g += pis[k] * (Bk[k].T @ p)
            if z is not None:
                H += pis[k] * (Bk[k].T @ (np.diag(p) - np.outer(p, p)) @ Bk[k])
        if z is None:
            return S * f, matrix(S * g, (1, m))
        return S * f, matrix(S * g, (1, m)), matrix(z[0] * S * H)

    Gl = np.zeros((2, m))
    for k in range(K):
        Gl[0, var(k, k)] = 1.0
        Gl[1, var(K + k, K + k)] = 1.0
    Gs = np.zeros((N * N, m))
    for c in range(N):
        for r_ in range(N):
            Gs[c * N + r_, var(r_, c)] = -1.0
    G = matrix(np.vstack([Gl, Gs]))
    h = matrix(np.concatenate([[K * E, K * E], np.zeros(N * N)]))
    # progressive scaling, as in solve(): S = 1/f(current), warm-started, until S reaches S_final
    fcur = F(matrix(state["x0"]))[0]
    while True:
        last = 1.0 / fcur >= S_final / 1.5
        state["S"] = S_final if last else 1.0 / fcur
        solvers.options.update({"show_progress": False, "abstol": tol if last else 1e-7,
                                "reltol": tol if last else 1e-7, "feastol": tol if last else 1e-7,
                                "maxiters": 100})
        sol = solvers.cp(F, G=G, h=h, dims={"l": 2, "q": [], "s": [N]})
        state["x0"] = np.asarray(sol["x"]).ravel()
        state["S"] = 1.0
        fnew = F(matrix(state["x0"]))[0]
        if last:
            break
        if fnew > fcur / 1.5 and 1.0 / fnew < S_final / 1.5:
            S_final = 1.0 / fnew      # converged in scale before reaching the requested one
        fcur = fnew
    xv = state["x0"]
    X = np.zeros((N, N))
    for (i, j), v in index.items():
        X[i, j] = X[j, i] = xv[v]
    return X, sol["status"]


def verify_full():
    for (KA, KB, R, P) in [(5, 5, math.inf, 500), (5, 5, 1e8, 500), (5, 5, 1e16, 500), (5, 5, 1e40, 5000),
                           (7, 3, 1.02, 0.05)]:
        a = solve(KA, KB, R, P)
        prob = Reduced(KA, KB, R, P)
        for tol in [1e-9, 1e-10, 1e-11]:
            try:
                X, st = solve_full(KA, KB, R, P, 1.0 / a["objective"], tol)
                break
            except (ArithmeticError, ValueError):
                st = "failed"
        xr = make_feasible(prob, prob.reduce(X))   # symmetrised full solution
        fX, gap = certificate(prob, xr)
        b = stats(prob, xr, 1.0)
        K = KA + KB
        W = X[K:, K:]
        nb = np.sqrt(np.diag(W)[KA:])
        cosB = [W[KA + i, KA + j] / (nb[i] * nb[j]) for i in range(KB) for j in range(KB) if i != j]
        print(f"full vs reduced KA={KA} R={R} P={P}: f {float(fX):.12e} vs {a['objective']:.12e} "
              f"(full status {st}, gap {float(gap / fX):.1e}); minority cos {b['minority_cos']:.9f} vs "
              f"{a['minority_cos']:.9f} (full per-pair spread {max(cosB) - min(cosB):.1e}); "
              f"normB {b['minority_norm']:.8e} vs {a['minority_norm']:.8e}; "
              f"majority cos {b['majority_cos']:.9f} vs {a['majority_cos']:.9f}", flush=True)


if __name__ == "__main__":
    if "--verify-full" in sys.argv:
        verify_full()
    elif "--verify" in sys.argv:
        verify()
    elif "--one" in sys.argv:
        KA, KB, R, P = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
        res = solve(KA, KB, R, P)
        res.pop("x")
        for k, v in res.items():
            print(k, v)
    else:
        main_cases(sys.stdout)
