#!/usr/bin/python3
"""Independent reference optima of the constrained-budget Layer-Peeled Model (Fang, He, Long, Su,
PNAS 2021), cross-entropy, convex relaxation, for ARBITRARY class sizes n_k (long-tailed
profiles), K = 20..30.  Independent of LPM Studio (core/src/*): numpy + Debian python3-cvxopt only.

    /usr/bin/python3 tests/scripts/reference_longtail.py     # writes tests/data/reference_longtail.csv
                                                               (~3-5 min on one core)

Model
    min_Z  F(Z) = sum_k pi_k ( -Z[k,k] + logsumexp(Z[k,:]) )   s.t.  ||Z||_* <= rho = K sqrt(EH EW),
Z is K x K, row k = logits of class k's mean feature, pi_k = n_k / sum(n), every class its own n_k.

Method (per problem; both solvers run, the row reports the iterate with the smaller certificate)
  A. CVXOPT solvers.cp (primal-dual interior point) on the PSD embedding of the nuclear-norm ball
         ||Z||_* <= rho  <=>  exists A, B:  [[A, Z], [Z^T, B]] >= 0,  tr A + tr B <= 2 rho
     (variables vec Z and the lower triangles of A, B; one 2K x 2K semidefinite cone, one linear
     inequality; the loss Hessian is block diagonal on the Z block).  Same formulation as
     tests/scripts/reference_models.py, re-implemented here for general sizes.  At K = 30 this is
     a 60 x 60 cone and 1830 variables: ~40 s per solve with the reference BLAS.
     The CVXOPT point is projected onto the ball and polished by method B's iteration.
  B. Accelerated projected gradient (FISTA, step 1/L with L = max_k pi_k / 2, the Lipschitz
     constant of grad F; O'Donoghue-Candes *gradient* restart, which does not compare objective
     values and so keeps converging after F itself has reached machine precision).
     Projection onto the ball: SVD Z = U diag(s) V^T, s projected onto {s >= 0, sum s <= rho}
     (sort + threshold).  B is also run from Z = 0 as an independent second method.
  Certificate (convexity): for feasible Z, G = grad F(Z):
         F(Z) - F* <= gap(Z) = <G, Z> + rho sigma_max(G).
     Before it is evaluated Z is made strictly feasible: scaled by min(1, rho (1-1e-14) / ||Z||_*).
     status = "certified" iff gap / |F| <= 1e-8 (the number is printed as computed, never rounded;
     it can be ~1e-16 negative from rounding), otherwise "uncertified".
  Geometry: Z = U S V^T (the factors of the last projection, in which the singular values below
     the threshold are exactly 0), classifiers W = V S^{1/2} (row j = w_j = classifier of class j;
     W W^T = (Z^T Z)^{1/2} does not depend on the choice of SVD).  Cosines are scale free.
     head = classes k < K/2, tail = the rest.  head_cos / tail_cos = mean cosine over ordered
     pairs i != j inside the group, between_cos = mean over (head, tail) pairs, tail_norm_ratio =
     mean_tail ||w_j|| / mean_head ||w_j||.  A classifier with ||w_j|| < 1e-6 max ||w|| is
     "vanished" (zero up to rounding); a group cosine involving a vanished classifier is
     undefined and written as nan (tail_norm_ratio is still written as computed, ~1e-14 there).
  seconds = wall time of the whole problem (A, its polish and B together), one core.

Checks printed to stdout (not written): gradient vs central differences; the balanced closed form
log(1 + (K-1) exp(-K sqrt(EH EW)/(K-1))) at K = 30; A vs B agreement (objective within the larger
certificate, cosines); for the step profile the exact "vanished tail" candidate (head simplex ETF
using the whole budget, tail logits 0) is certified independently.
"""
import csv
import math
import os
import sys
import time

import numpy as np
from cvxopt import matrix, solvers, spmatrix

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "reference_longtail.csv")
REL_TARGET = 1e-8
VANISH = 1e-6


# ----------------------------------------------------------------------------- problem
class Problem:
    def __init__(self, n, EW, EH):
        self.n = np.asarray(n, dtype=float)
        self.K = len(self.n)
        self.EW, self.EH = float(EW), float(EH)
        self.pi = self.n / self.n.sum()
        self.rho = self.K * math.sqrt(self.EH * self.EW)
        self.I = np.eye(self.K)

    def F(self, Z, hess=False):
        mx = Z.max(axis=1, keepdims=True)
        e = np.exp(Z - mx)
        s = e.sum(axis=1, keepdims=True)
        P = e / s
        v = (mx + np.log(s)).ravel() - np.diag(Z)
        f = float(self.pi @ v)
        G = self.pi[:, None] * (P - self.I)
        if not hess:
            return f, G
        H = np.empty((self.K, self.K, self.K))
        for k in range(self.K):
            H[k] = self.pi[k] * (np.diag(P[k]) - np.outer(P[k], P[k]))
        return f, G, H

    def certificate(self, Z):
        f, G = self.F(Z)
        return f, float((G * Z).sum() + self.rho * np.linalg.norm(G, 2))


def direct_objective(prob, Z):
    """Formula typed in literally, one row at a time (for the gradient check)."""
    tot = 0.0
    for k in range(prob.K):
        z = Z[k]
        m = z.max()
        tot += prob.pi[k] * (-z[k] + m + math.log(sum(math.exp(x - m) for x in z)))
    return tot


# ----------------------------------------------------------------------------- ball
def project_simplex_l1(s, r):
    """Project s >= 0 onto {x >= 0, sum x <= r}."""
    if s.sum() <= r:
        return s.copy()
    u = np.sort(s)[::-1]
    css = np.cumsum(u)
    idx = np.arange(1, len(u) + 1)
    q = idx[u - (css - r) / idx > 0][-1]
    theta = (css[q - 1] - r) / q
    return np.maximum(s - theta, 0.0)


def project(Z, rho):
    """Projection onto the nuclear ball; returns (Z, (U, s, Vt))."""
    U, s, Vt = np.linalg.svd(Z)
    s2 = project_simplex_l1(s, rho)
    return (U * s2) @ Vt, (U, s2, Vt)


def strictly_feasible(fac, rho):
    """Scale the factored point into the ball with a 1e-14 margin."""
    U, s, Vt = fac
    nucl = float(s.sum())
    c = min(1.0, rho * (1 - 1e-14) / nucl) if nucl > 0 else 1.0
    s = s * c
    return (U * s) @ Vt, (U, s, Vt)


# ----------------------------------------------------------------------------- method A
def solve_cvxopt(prob, tol=1e-11):
    K = prob.K
    nz = K * K
    tri = [(i, j) for j in range(K) for i in range(j, K)]
    ntri = len(tri)
    nv = nz + 2 * ntri
    aidx = {}
    for t, (i, j) in enumerate(tri):
        aidx[(i, j)] = aidx[(j, i)] = t

    def ai(i, j):
        return nz + aidx[(i, j)]

    def bi(i, j):
        return nz + ntri + aidx[(i, j)]

    def F(x=None, z=None):
        if x is None:
            x0 = np.zeros(nv)
            for i in range(K):
                x0[ai(i, i)] = x0[bi(i, i)] = 0.5 * prob.rho / K
            return 0, matrix(x0)
        Z = np.asarray(x).ravel()[:nz].reshape(K, K)
        Df = np.zeros(nv)
        if z is None:
            f, G = prob.F(Z)
            Df[:nz] = G.ravel()
            return f, matrix(Df, (1, nv))
        f, G, Hr = prob.F(Z, True)
        Df[:nz] = G.ravel()
        Hm = np.zeros((nv, nv))
        for k in range(K):
            Hm[k * K:(k + 1) * K, k * K:(k + 1) * K] = Hr[k]
        return f, matrix(Df, (1, nv)), z[0] * matrix(Hm)

    Gl = np.zeros((1, nv))
    for i in range(K):
        Gl[0, ai(i, i)] = 1.0
        Gl[0, bi(i, i)] = 1.0
    N2 = 2 * K
    I_, J_, V_ = [], [], []
    for c in range(N2):
        for r in range(N2):
            if r < K and c < K:
                v = ai(r, c)
            elif r >= K and c >= K:
                v = bi(r - K, c - K)
            elif r < K <= c:                 # Z[r, c-K]
                v = r * K + (c - K)
            else:                            # Z^T[r-K, c] = Z[c, r-K]
                v = c * K + (r - K)
            I_.append(c * N2 + r)
            J_.append(v)
            V_.append(-1.0)
    Gs = spmatrix(V_, I_, J_, (N2 * N2, nv))
    G = matrix([matrix(Gl), matrix(Gs)])
    h = matrix([matrix([2 * prob.rho]), matrix(0.0, (N2 * N2, 1))])
    dims = {"l": 1, "q": [], "s": [N2]}
    status, sol = None, None
    for t in [tol, tol * 10, tol * 100]:
        solvers.options.update({"show_progress": False, "abstol": t, "reltol": t, "feastol": t,
                                "maxiters": 200, "refinement": 2})
        try:
            sol = solvers.cp(F, G=G, h=h, dims=dims)
        except (ArithmeticError, ValueError):
            continue
        status = sol["status"] if t == tol else f"{sol['status']}@{t:.0e}"
        if sol["status"] == "optimal":
            break
    if sol is None:
        return None, "failed"
    return np.asarray(sol["x"]).ravel()[:nz].reshape(K, K), status


# ----------------------------------------------------------------------------- method B
def fista(prob, Z0, target=5e-14, time_limit=30.0, stall=5000, check_every=100, max_iter=10 ** 7):
    """Accelerated projected gradient with gradient restart; returns the best-certificate iterate
    (made strictly feasible) as dict(Z, fac, f, gap, iters).  Stops at gap <= target |f|, after
    `stall` iterations without a smaller certificate (rounding floor, ~1e-14 relative), or after
    time_limit seconds."""
    rho = prob.rho
    step = 2.0 / float(prob.pi.max())          # 1 / L,  L = max pi / 2
    x, fac = project(Z0, rho)
    y, t = x.copy(), 1.0
    best = None
    t0 = time.perf_counter()
    for it in range(max_iter + 1):
        if it % check_every == 0:
            Zf, ff = strictly_feasible(fac, rho)
            f, g = prob.certificate(Zf)
            if best is None or g < best["gap"]:
                best = dict(Z=Zf, fac=ff, f=f, gap=g, iters=it)
            if best["gap"] <= target * abs(best["f"]) or it - best["iters"] >= stall \
                    or time.perf_counter() - t0 > time_limit:
                break
        _, Gy = prob.F(y)
        xn, fac = project(y - step * Gy, rho)
        if ((y - xn) * (xn - x)).sum() > 0:       # gradient restart
            y, t = xn.copy(), 1.0
        else:
            tn = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
            y = xn + ((t - 1) / tn) * (xn - x)
            t = tn
        x = xn
    return best


# ----------------------------------------------------------------------------- geometry
def geometry(prob, fac):
    K = prob.K
    U, s, Vt = fac
    W = Vt.T * np.sqrt(s)
    nw = np.linalg.norm(W, axis=1)
    vanished = nw < VANISH * nw.max()
    head = np.arange(K) < K / 2
    tail = ~head
    safe = np.where(vanished, 1.0, nw)
    C = (W @ W.T) / np.outer(safe, safe)

    def mean_cos(a, b, same):
        if vanished[a].any() or vanished[b].any():
            return float("nan")
        M = C[np.ix_(a, b)]
        if same:
            m = M.shape[0]
            return float((M.sum() - np.trace(M)) / (m * (m - 1)))
        return float(M.mean())

    return dict(head_cos=mean_cos(head, head, True), tail_cos=mean_cos(tail, tail, True),
                between_cos=mean_cos(head, tail, False),
                tail_norm_ratio=float(nw[tail].mean() / nw[head].mean()),
                rank=int((s > 0).sum()), n_vanished=int(vanished.sum()),
                nuc_ratio=float(s.sum() / prob.rho))


# ----------------------------------------------------------------------------- problems
def longtail(K, ratio):
    return [float(ratio) ** (-k / (K - 1)) for k in range(K)]


PROBLEMS = [
    ("longtail_ratio10_K30_EH5", longtail(30, 10), 1.0, 5.0),
    ("longtail_ratio100_K30_EH5", longtail(30, 100), 1.0, 5.0),
    ("longtail_ratio100_K30_EH1", longtail(30, 100), 1.0, 1.0),
    ("step_15x1_15x0.02_K30_EH5", [1.0] * 15 + [1.0 / 50] * 15, 1.0, 5.0),
    ("longtail_ratio100_K20_EH5", longtail(20, 100), 1.0, 5.0),
]
COLS = ["name", "K", "EW", "EH", "sizes", "objective", "gap", "rel_gap", "head_cos", "tail_cos",
        "between_cos", "tail_norm_ratio", "seconds", "status"]


def self_checks():
    ok = True
    rng = np.random.default_rng(1)
    prob = Problem(rng.uniform(0.01, 1, 7), 1.0, 5.0)
    Z = rng.normal(size=(7, 7)) * 2
    f, G, H = prob.F(Z, True)
    eps = 1e-6
    Gn = np.zeros_like(Z)
    dH = 0.0
    for i in range(7):
        for j in range(7):
            E = np.zeros_like(Z)
            E[i, j] = eps
            Gn[i, j] = (direct_objective(prob, Z + E) - direct_objective(prob, Z - E)) / (2 * eps)
            col = (prob.F(Z + E)[1] - prob.F(Z - E)[1])[i] / (2 * eps)
            dH = max(dH, float(np.abs(H[i][:, j] - col).max()))
    df, dG = abs(f - direct_objective(prob, Z)), float(np.abs(G - Gn).max())
    good = df < 1e-12 and dG < 1e-8 and dH < 1e-7
    ok &= good
    print(f"[{'PASS' if good else 'FAIL'}] F, grad, Hessian vs literal formula / differences "
          f"(K=7, random sizes): |df|={df:.1e} |dG|={dG:.1e} |dH|={dH:.1e}")
    K, P = 30, 5.0
    prob = Problem([1.0] * K, 1.0, P)
    r = fista(prob, np.zeros((K, K)))
    ref = math.log1p((K - 1) * math.exp(-(K / (K - 1)) * math.sqrt(P)))
    geo = geometry(prob, r["fac"])
    good = abs(r["f"] - ref) < 1e-12 and abs(geo["head_cos"] + 1 / (K - 1)) < 1e-9
    ok &= good
    print(f"[{'PASS' if good else 'FAIL'}] balanced K=30 EHEW=5: f={r['f']:.15g} closed form {ref:.15g} "
          f"|d|={abs(r['f'] - ref):.1e}; head cos {geo['head_cos']:.12f} (ETF {-1 / (K - 1):.12f})")
    return ok


def main():
    t_all = time.perf_counter()
    ok = self_checks()
    rows = []
    for name, n, EW, EH in PROBLEMS:
        prob = Problem(n, EW, EH)
        t0 = time.perf_counter()
        ta = time.perf_counter()
        Zc, cstat = solve_cvxopt(prob)
        ta = time.perf_counter() - ta
        cands = []
        if Zc is not None:
            Zp, facp = strictly_feasible(np.linalg.svd(Zc), prob.rho)
            fa0, ga0 = prob.certificate(Zp)
            ra = fista(prob, Zc)
            ra["method"] = (f"cvxopt ({cstat}, rel_gap {ga0 / abs(fa0):.1e}, {ta:.0f}s) + fista polish "
                            f"(best at it {ra['iters']})")
            cands.append(ra)
        tb = time.perf_counter()
        rb = fista(prob, np.zeros((prob.K, prob.K)))
        tb = time.perf_counter() - tb
        rb["method"] = f"fista from 0 (best at it {rb['iters']}, {tb:.1f}s)"
        cands.append(rb)
        best = min(cands, key=lambda r: r["gap"])
        sec = time.perf_counter() - t0
        geo = geometry(prob, best["fac"])
        rel = best["gap"] / abs(best["f"])
        status = "certified" if rel <= REL_TARGET else "uncertified"
        ok &= status == "certified"
        rows.append([name, prob.K, f"{EW:g}", f"{EH:g}", ";".join(f"{v:.17g}" for v in n),
                     f"{best['f']:.15g}", f"{best['gap']:.3e}", f"{rel:.3e}",
                     f"{geo['head_cos']:.10f}", f"{geo['tail_cos']:.10f}", f"{geo['between_cos']:.10f}",
                     f"{geo['tail_norm_ratio']:.10g}", f"{sec:.2f}", status])
        print(f"{name}: f={best['f']:.15g} gap={best['gap']:.2e} rel={rel:.2e} {status}; reported: "
              f"{best['method']}; rank {geo['rank']}, vanished {geo['n_vanished']}, nuc/rho "
              f"{geo['nuc_ratio']:.15f}; head/tail/between cos {geo['head_cos']:.10f} "
              f"{geo['tail_cos']:.10f} {geo['between_cos']:.10f}; tail norm ratio "
              f"{geo['tail_norm_ratio']:.6e}; {sec:.1f}s", flush=True)
        if len(cands) == 2:          # A vs B agreement
            ga, gb = geometry(prob, cands[0]["fac"]), geometry(prob, cands[1]["fac"])
            d = abs(cands[0]["f"] - cands[1]["f"])
            dc = max((abs(ga[k] - gb[k]) for k in ["head_cos", "tail_cos", "between_cos", "tail_norm_ratio"]
                      if not (math.isnan(ga[k]) or math.isnan(gb[k]))), default=0.0)
            good = d <= max(cands[0]["gap"], cands[1]["gap"]) + 1e-15 and dc < 1e-6 \
                and all(math.isnan(ga[k]) == math.isnan(gb[k]) for k in ga)
            ok &= good
            print(f"  [{'PASS' if good else 'FAIL'}] A vs B: |df|={d:.1e} (gaps {cands[0]['gap']:.1e}, "
                  f"{cands[1]['gap']:.1e}), max |d geometry|={dc:.1e}; "
                  f"A: {cands[0]['method']}; B: {cands[1]['method']}")
        if name.startswith("step"):  # exact vanished-tail candidate
            KA = 15
            Zc = np.zeros((prob.K, prob.K))
            Zc[:KA, :KA] = prob.rho * (1 - 1e-14) / (KA - 1) * (np.eye(KA) - np.ones((KA, KA)) / KA)
            fc, gc = prob.certificate(Zc)
            good = gc <= REL_TARGET * fc and abs(fc - best["f"]) <= max(gc, best["gap"]) + 1e-15
            ok &= good
            print(f"  [{'PASS' if good else 'FAIL'}] candidate head-ETF / tail 0: f={fc:.15g} rel gap "
                  f"{gc / fc:.1e}, |f - reported|={abs(fc - best['f']):.1e}")
    with open(OUT, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLS)
        w.writerows(rows)
    print(f"wrote {os.path.normpath(OUT)} ({len(rows)} rows); {'all checks passed' if ok else 'CHECKS FAILED'}; "
          f"total {time.perf_counter() - t_all:.1f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
