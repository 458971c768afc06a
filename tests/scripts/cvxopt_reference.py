#!/usr/bin/python3
"""Independent reference optima of the convex relaxation Eq. (15), solved by CVXOPT's
interior-point method for convex programs with a semidefinite cone (solvers.cp) on the full
2K x 2K Gram matrix. Nothing here shares code or formulation with LPM Studio's solvers.

    /usr/bin/python3 tests/scripts/cvxopt_reference.py > tests/data/cvxopt_reference.csv
    /usr/bin/python3 tests/scripts/cvxopt_reference.py --bench   # timings for bench/ comparisons
"""
import math
import sys
import time

import numpy as np
from cvxopt import matrix, solvers, spmatrix


def solve_relaxation(sizes, EW, EH):
    K = len(sizes)
    N = 2 * K
    pi = np.asarray(sizes, dtype=float) / float(sum(sizes))
    # Variables: lower triangle of X, column by column.
    index = {}
    for j in range(N):
        for i in range(j, N):
            index[(i, j)] = len(index)
    m = len(index)

    def var(i, j):
        return index[(i, j)] if i >= j else index[(j, i)]

    # Z_kj = X[K+j, k]: its variable.
    zvar = np.array([[var(K + j, k) for j in range(K)] for k in range(K)])

    def F(x=None, z=None):
        if x is None:
            x0 = np.zeros(m)
            for i in range(N):
                x0[var(i, i)] = 0.5 * min(EH, EW)
            return 0, matrix(x0)
        xv = np.asarray(x).ravel()
        Z = xv[zvar]
        f = 0.0
        Df = np.zeros(m)
        H = np.zeros((m, m)) if z is not None else None
        for k in range(K):
            if pi[k] == 0:
                continue
            zk = Z[k]
            mx = zk.max()
            e = np.exp(zk - mx)
            P = e / e.sum()
            f += pi[k] * (mx + math.log(e.sum()) - zk[k])
            g = P.copy()
            g[k] -= 1
            Df[zvar[k]] += pi[k] * g
            if H is not None:
                Hk = pi[k] * (np.diag(P) - np.outer(P, P))
                idx = zvar[k]
                H[np.ix_(idx, idx)] += Hk
        if z is None:
            return f, matrix(Df, (1, m))
        return f, matrix(Df, (1, m)), z[0] * matrix(H)

    # Linear: (1/K) tr X_HH <= EH, (1/K) tr X_WW <= EW.
    Gl = np.zeros((2, m))
    for k in range(K):
        Gl[0, var(k, k)] = 1.0
        Gl[1, var(K + k, K + k)] = 1.0
    hl = np.array([K * EH, K * EW])
    # Semidefinite: s = -G x = vec(X) >= 0.
    I, J, V = [], [], []
    for c in range(N):
        for r in range(N):
            I.append(c * N + r)
            J.append(var(r, c))
            V.append(-1.0)
    Gs = spmatrix(V, I, J, (N * N, m))
    G = matrix([matrix(Gl), matrix(Gs)])
    h = matrix([matrix(hl), matrix(0.0, (N * N, 1))])
    dims = {"l": 2, "q": [], "s": [N]}
    solvers.options.update({"show_progress": False, "abstol": 1e-11, "reltol": 1e-11, "feastol": 1e-11,
                            "maxiters": 200})
    t0 = time.perf_counter()
    sol = solvers.cp(F, G=G, h=h, dims=dims)
    ms = (time.perf_counter() - t0) * 1e3
    xv = np.asarray(sol["x"]).ravel()
    X = np.zeros((N, N))
    for (i, j), v in index.items():
        X[i, j] = X[j, i] = xv[v]
    f = F(matrix(xv))[0]
    return X, f, sol["status"], ms


def two_size(KA, KB, R, wr):
    nB = 0.0 if math.isinf(R) else wr / R
    return [1.0] * KA + [nB] * KB


def minority_stats(X, K, minority):
    W = X[K:, K:]
    norms = np.sqrt(np.maximum(np.diag(W), 0))
    cos = []
    for a in minority:
        for b in minority:
            if a != b:
                cos.append(W[a, b] / (norms[a] * norms[b]))
    return (float(np.mean(cos)) if cos else float("nan")), float(np.mean(norms[minority]))


def cases():
    out = []
    for (KA, KB) in [(1, 1), (2, 1), (1, 2), (3, 2), (3, 7), (5, 5), (7, 3), (2, 6)]:
        for (EW, EH) in [(1, 5), (0.5, 10), (1, 1), (2, 0.5)]:
            for R in [1, 3, 10, 100]:
                out.append(("two-size", two_size(KA, KB, R, 1.0), EW, EH, KA, R, 1.0))
    for wr in [2, 10, 100]:
        out.append(("oversampled", two_size(5, 5, 1000, wr), 1, 5, 5, 1000, wr))
    out.append(("grouped", [1, 1, 0.3, 0.3, 0.3, 0.05, 0.05], 1, 5, 0, 0, 1))
    out.append(("grouped", [4, 4, 4, 1, 1, 0.5, 0.5, 0.5], 1, 3, 0, 0, 1))
    out.append(("grouped", [2, 1, 1, 1, 0.1, 0.1], 0.7, 4, 0, 0, 1))
    out.append(("long-tail", [100 ** (-k / 5) for k in range(6)], 1, 5, 0, 0, 1))
    out.append(("long-tail", [10 ** (-k / 7) for k in range(8)], 1, 2, 0, 0, 1))
    return out


def main():
    if "--bench" in sys.argv:
        for label, sizes in [("two-size K=10 R=100", two_size(5, 5, 100, 1.0)),
                             ("long-tail K=10", [100 ** (-k / 9) for k in range(10)]),
                             ("long-tail K=20", [100 ** (-k / 19) for k in range(20)]),
                             ("long-tail K=30", [100 ** (-k / 29) for k in range(30)])]:
            X, f, status, ms = solve_relaxation(sizes, 1.0, 5.0)
            print(f"{label}: {ms:.1f} ms, objective {f:.12f}, status {status}")
        return
    print("kind,sizes,EW,EH,KA,R,wr,objective,minority_cos,minority_norm,status,cvxopt_ms")
    for kind, sizes, EW, EH, KA, R, wr in cases():
        X, f, status, ms = solve_relaxation(sizes, EW, EH)
        K = len(sizes)
        smallest = min(sizes)
        minority = [k for k in range(K) if sizes[k] == smallest] if kind != "two-size" and kind != "oversampled" \
            else list(range(KA, K))
        cos, norm = minority_stats(X, K, minority)
        print(f"{kind},{';'.join(repr(float(s)) for s in sizes)},{EW},{EH},{KA},{R},{wr},{f:.15g},"
              f"{cos:.10g},{norm:.10g},{status},{ms:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
