/*
 * Sort-filter skyline: the non-dominated points of a cloud, for
 * peacetalks.analysis._dominance (loaded with ctypes by _skyline.py; plain C, no Python
 * headers). Built by hatch_build.py at install time; without it the NumPy filters run.
 *
 * Dominance is for maximisation with a tie tolerance tol >= 0: q dominates p when
 * q[j] >= p[j] - tol for every j and q[k] > p[k] + tol for some k.
 *
 * The caller passes the points in order of decreasing sum, one row per coordinate
 * (cols[j * n + i] is coordinate j of point i). Each point is checked against
 *   1. the point that dominated the previous dominated point (a cache),
 *   2. every point kept so far (the front so far, in order),
 *   3. the points after it whose sum is within `margin` of its own (a dominator's sum
 *      can fall short of the point's by up to (d - 2) * tol plus rounding),
 * and kept when none dominates it.
 *
 * With tol = 0 dominance is transitive and this is exact. With tol > 0 it is exact as
 * long as every point found dominated was dominated by a point at least as large in
 * every coordinate ("plain" dominance): then whatever a dropped point dominates, the
 * kept point at the end of its chain dominates too, and that point was checked. When a
 * dominance needs the tolerance (the dominator is smaller somewhere), the function
 * stops and returns PT_TOLERANCE_CHAIN; the caller then runs the exact tree walk.
 *
 * The work is bounded: past max_pairs point pairs compared, or once the pairs so far,
 * extrapolated linearly to all n points, pass it (checked every 1,024 points), it stops
 * and returns PT_OVER_BUDGET (a front too large for a quadratic filter; the tree walk
 * is faster).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PT_DONE 0
#define PT_TOLERANCE_CHAIN 1
#define PT_OVER_BUDGET 2
#define PT_NO_MEMORY 3
#define PT_BAD_INPUT 4

/* Kept points are compared in blocks of this many, every coordinate without early
 * exit, so that the compiler vectorises the inner loops. */
#define PT_BLOCK 128

/* The interface version; _skyline.py refuses a library built from another one. */
int64_t pt_version(void) { return 1; }

/* Does point q (column index) dominate p (values)? */
static int dominates(const double *cols, int64_t n, int64_t d, int64_t q, const double *p,
                     double tol) {
    int better = 0;
    for (int64_t j = 0; j < d; j++) {
        double v = cols[j * n + q];
        if (v < p[j] - tol) return 0;
        if (v > p[j] + tol) better = 1;
    }
    return better;
}

/* Is q >= p in every coordinate (no help from the tolerance)? */
static int plain(const double *cols, int64_t n, int64_t d, int64_t q, const double *p) {
    for (int64_t j = 0; j < d; j++) {
        if (cols[j * n + q] < p[j]) return 0;
    }
    return 1;
}

/* First kept point (index into kept) dominating p, or -1.
 *
 * For each kept point q of a block, `slack` is min_j (q[j] - (p[j] - tol)) and `excess`
 * max_j (q[j] - (p[j] + tol)): q dominates p when slack >= 0 and excess > 0. For finite
 * doubles a - b >= 0 exactly when a >= b (subtraction is exact in sign), so this is the
 * definition, in a form the compiler vectorises (min and max of doubles). */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static int64_t first_kept_dominator(const double *kept, int64_t cap, int64_t d,
                                    int64_t n_kept, const double *p, double tol) {
    double slack[PT_BLOCK];
    double excess[PT_BLOCK];
    for (int64_t start = 0; start < n_kept; start += PT_BLOCK) {
        int64_t m = n_kept - start < PT_BLOCK ? n_kept - start : PT_BLOCK;
        {
            const double *col = kept + start;
            double low = p[0] - tol;
            double high = p[0] + tol;
            for (int64_t i = 0; i < m; i++) {
                slack[i] = col[i] - low;
                excess[i] = col[i] - high;
            }
        }
        for (int64_t j = 1; j < d; j++) {
            const double *col = kept + j * cap + start;
            double low = p[j] - tol;
            double high = p[j] + tol;
            for (int64_t i = 0; i < m; i++) {
                double s = col[i] - low;
                double e = col[i] - high;
                slack[i] = s < slack[i] ? s : slack[i];
                excess[i] = e > excess[i] ? e : excess[i];
            }
        }
        for (int64_t i = 0; i < m; i++) {
            if (slack[i] >= 0.0 && excess[i] > 0.0) return start + i;
        }
    }
    return -1;
}

static int grow(double **kept, int64_t *cap, int64_t d, int64_t n_kept, int64_t n) {
    int64_t new_cap = *cap * 2 > n ? n : *cap * 2;
    double *bigger = (double *)malloc((size_t)(new_cap * d) * sizeof(double));
    if (bigger == NULL) return 0;
    for (int64_t j = 0; j < d; j++) {
        memcpy(bigger + j * new_cap, *kept + j * *cap, (size_t)n_kept * sizeof(double));
    }
    free(*kept);
    *kept = bigger;
    *cap = new_cap;
    return 1;
}

/*
 * cols:      (d, n) coordinates, points in order of decreasing sum;
 * sums:      (n,) their sums, non-increasing;
 * keep:      (n,) output, 1 where the point is not dominated;
 * pairs_out: point pairs compared (a work count).
 */
int pt_skyline(const double *cols, const double *sums, int64_t n, int64_t d, double tol,
               double margin, int64_t max_pairs, unsigned char *keep, int64_t *pairs_out) {
    if (n < 0 || d < 1 || tol < 0) return PT_BAD_INPUT;
    memset(keep, 0, (size_t)n);
    *pairs_out = 0;
    if (n == 0) return PT_DONE;
    int64_t cap = n < 1024 ? n : 1024;
    double *kept = (double *)malloc((size_t)(cap * d) * sizeof(double));
    int64_t *kept_index = (int64_t *)malloc((size_t)n * sizeof(int64_t));
    double p[64];
    if (kept == NULL || kept_index == NULL || d > 64) {
        free(kept);
        free(kept_index);
        return d > 64 ? PT_BAD_INPUT : PT_NO_MEMORY;
    }
    int64_t n_kept = 0;
    int64_t pairs = 0;
    int64_t reach = 0;
    int64_t cached = -1; /* last dominator found (a point index) */
    int status = PT_DONE;
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < d; j++) p[j] = cols[j * n + i];
        int64_t by = -1;
        if (cached >= 0 && cached != i) {
            pairs += 1;
            if (dominates(cols, n, d, cached, p, tol)) by = cached;
        }
        if (by < 0) {
            int64_t k = first_kept_dominator(kept, cap, d, n_kept, p, tol);
            pairs += k < 0 ? n_kept : k + 1;
            if (k >= 0) by = kept_index[k];
        }
        if (by < 0) {
            if (reach <= i) reach = i + 1;
            while (reach < n && sums[reach] >= sums[i] - margin) reach++;
            for (int64_t q = i + 1; q < reach; q++) {
                pairs += 1;
                if (dominates(cols, n, d, q, p, tol)) {
                    by = q;
                    break;
                }
            }
        }
        /* Past the budget, or on course to pass it (pairs grow at least linearly). */
        if (pairs > max_pairs ||
            ((i & 1023) == 1023 && (double)pairs * ((double)n / (double)(i + 1)) > (double)max_pairs)) {
            status = PT_OVER_BUDGET;
            break;
        }
        if (by >= 0) {
            if (tol > 0 && !plain(cols, n, d, by, p)) {
                status = PT_TOLERANCE_CHAIN;
                break;
            }
            cached = by;
            continue;
        }
        if (n_kept == cap && !grow(&kept, &cap, d, n_kept, n)) {
            status = PT_NO_MEMORY;
            break;
        }
        for (int64_t j = 0; j < d; j++) kept[j * cap + n_kept] = p[j];
        kept_index[n_kept] = i;
        n_kept++;
        keep[i] = 1;
    }
    free(kept);
    free(kept_index);
    *pairs_out = pairs;
    return status;
}
