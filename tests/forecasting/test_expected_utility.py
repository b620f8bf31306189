"""Bueno de Mesquita's expected-utility model: equations by hand, Table 2, batching, JSON."""

from __future__ import annotations

import csv
import itertools
from typing import Any

import numpy as np
import pytest

from peacetalks.errors import ParameterError
from peacetalks.forecasting import expected_utility as eu_module
from peacetalks.forecasting.expected_utility import (
    BdmScholzModel,
    ExpectedUtilityModel,
    OfferKind,
    challenge_utilities,
    condorcet_median,
    expected_utilities,
    make_offers,
    risk_exponents,
    success_probabilities,
    take_offers,
)
from peacetalks.forecasting.weighted import weighted_median
from peacetalks.formats.bdm_csv import read_bdm_csv
from peacetalks.scenario.stakeholders import StakeholderTable
from tests.conftest import DATA

CONFLICT, COMPROMISE, CAPITULATION, STALEMATE = OfferKind

BDM = DATA / "bdm"
EMISSION = ["emission_standards_BDM1994_dmasad.csv", "emission_standards_BDM1994_jmckib.csv"]


def _table2() -> list[tuple[int, float, float]]:
    with (BDM / "scholz2011_table2_expected.csv").open(encoding="utf-8") as file:
        return [
            (
                int(row["round"]),
                float(row["median_voter_position"]),
                float(row["mean_voter_position"]),
            )
            for row in csv.DictReader(file)
        ]


TABLE2 = _table2()


def _scholz_rounds(name: str) -> tuple[Any, ...]:
    table = read_bdm_csv(BDM / name)
    model = BdmScholzModel().fit(table)
    return model.simulate_rounds(table.positions, table.saliences, table.capabilities)


@pytest.mark.parametrize("name", EMISSION)
@pytest.mark.parametrize(("k", "median", "mean"), TABLE2)
def test_scholz_mean_matches_table2(name: str, k: int, median: float, mean: float) -> None:
    """Check that bdm-scholz gives Scholz et al.'s Table 2 mean within 0.1 in every round."""
    rounds = _scholz_rounds(name)
    assert abs(rounds[k].mean[0] - mean) <= 0.1


@pytest.mark.parametrize("name", EMISSION)
@pytest.mark.parametrize(("k", "median", "mean"), TABLE2)
def test_scholz_median_matches_table2(name: str, k: int, median: float, mean: float) -> None:
    """Check that bdm-scholz gives Table 2's median voter position within 0.35 in every round."""
    rounds = _scholz_rounds(name)
    assert abs(rounds[k].median[0] - median) <= 0.35


def test_scholz_rounds_as_computed() -> None:
    """Check the bdm-scholz medians, means and moves of every round, pinned against regressions."""
    rounds = _scholz_rounds(EMISSION[0])
    medians = [r.median[0] for r in rounds]
    means = [r.mean[0] for r in rounds]
    np.testing.assert_allclose(
        medians, [7.0, 8.4159, 9.6109, 9.962, 9.962, 9.962, 7.472, 8.8246, 9.6711], atol=1e-4
    )
    np.testing.assert_allclose(
        means, [7.39, 7.4613, 7.5525, 7.5901, 7.3581, 7.3492, 7.4149, 7.5105, 7.5724], atol=1e-4
    )
    # Belgium leads and Luxembourg, then Ireland, follow one round behind; the others stay.
    belgium = [r.positions[1, 0] for r in rounds]
    np.testing.assert_allclose(
        belgium, [7.0, 8.416, 9.611, 9.962, 4.801, 5.524, 7.472, 8.825, 9.671], atol=1e-3
    )
    np.testing.assert_allclose([r.positions[2, 0] for r in rounds[1:]], belgium[:-1], atol=1e-9)
    for r in rounds:
        np.testing.assert_array_equal(
            r.positions[[0, 3, 4, 5, 6, 8, 9], 0], [4, 4, 10, 10, 10, 4, 7]
        )


def test_scholz_width_is_the_initial_range() -> None:
    """Check that bdm-scholz scales distances by the initial positions' range, not the table's."""
    table = StakeholderTable.build(
        actor_ids=["a", "b", "c", "d"],
        issue_ids=["x"],
        positions=[[20.0], [35.0], [50.0], [60.0]],
        saliences=[[0.9], [0.4], [0.7], [0.6]],
        capabilities=[1.0, 2.0, 1.5, 1.0],
        scale=[[0.0, 100.0]],
    )
    args = (table.positions[None], table.saliences[None], table.capabilities[None])
    fitted = BdmScholzModel().fit(table).simulate(*args)
    np.testing.assert_array_equal(fitted, BdmScholzModel().simulate(*args))
    # The printed variant uses the table's 0-100 scale, which gives another path.
    printed = ExpectedUtilityModel().fit(table).simulate_rounds(*(a[0] for a in args))
    unfitted = ExpectedUtilityModel().simulate_rounds(*(a[0] for a in args))
    assert not np.array_equal(printed[1].positions, unfitted[1].positions)


def test_printed_variant_on_emission() -> None:
    """Check that the printed equations keep the median at 7 and do not reproduce Table 2."""
    table = read_bdm_csv(BDM / EMISSION[1])
    model = ExpectedUtilityModel().fit(table)
    rounds = model.simulate_rounds(table.positions, table.saliences, table.capabilities)
    assert [r.median[0] for r in rounds] == [7.0] * 9
    np.testing.assert_allclose(
        [r.mean[0] for r in rounds],
        [7.390, 7.044, 7.266, 7.456, 7.630, 7.691, 7.728, 7.760, 7.658],
        atol=1e-3,
    )
    assert model.predict()[0] == 7.0


# The hand-worked case: three actors on a scale of width 10,
#   A at 0 (c 1, s 1), B at 10 (c 1, s 0.5), C at 4 (c 1, s 0.25); weights w = c s.
# Normalised distances: d_AB = 1, d_AC = 0.4, d_BC = 0.6.
X = np.array([[0.0, 10.0, 4.0]])
S = np.array([[1.0, 0.5, 0.25]])
C = np.ones((1, 3))
PRESENT = np.ones((1, 3), dtype=bool)
WIDTH = np.array([10.0])


def test_probability_printed() -> None:
    """Check the printed probability of success: positive votes over all |votes| of the pair."""
    # v_k(i, j) = w_k (d_kj - d_ki).
    # A vs B: A 1*(1 - 0) = 1, B 0.5*(0 - 1) = -0.5, C 0.25*(0.6 - 0.4) = 0.05
    #   P_AB = 1.05 / 1.55 = 0.677419, P_BA = 0.5 / 1.55 = 0.322581
    # A vs C: A 1*0.4 = 0.4, B 0.5*(0.6 - 1) = -0.2, C 0.25*(0 - 0.4) = -0.1
    #   P_AC = 0.4 / 0.7 = 0.571429, P_CA = 0.3 / 0.7 = 0.428571
    # B vs C: A 1*(0.4 - 1) = -0.6, B 0.5*0.6 = 0.3, C 0.25*(0 - 0.6) = -0.15
    #   P_BC = 0.3 / 1.05 = 0.285714, P_CB = 0.75 / 1.05 = 0.714286
    p = success_probabilities(X, C * S, PRESENT, WIDTH, np.ones((1, 3)))
    expected = [
        [0, 1.05 / 1.55, 0.4 / 0.7],
        [0.5 / 1.55, 0, 0.3 / 1.05],
        [0.3 / 0.7, 0.75 / 1.05, 0],
    ]
    np.testing.assert_allclose(p[0], expected, atol=1e-12)


def test_probability_scholz_code() -> None:
    """Check the code's probability: all positive votes over |votes| of every pair of actors."""
    # Denominator: sum over voters k and ordered pairs (a, b) of |v_k(a, b)|, one number:
    #   pair A-B: |1| + |-0.5| + |0.05| = 1.55; A-C: 0.4 + 0.2 + 0.1 = 0.7;
    #   B-C: 0.6 + 0.3 + 0.15 = 1.05; both orders, and a == b adds 0: 2 * 3.3 = 6.6.
    # Numerators, every voter's positive votes (as in the printed variant):
    #   P_AB = 1.05 / 6.6, P_BA = 0.5 / 6.6, P_AC = 0.4 / 6.6, P_CA = 0.3 / 6.6,
    #   P_BC = 0.3 / 6.6, P_CB = 0.75 / 6.6.
    p = success_probabilities(X, C * S, PRESENT, WIDTH, np.ones((1, 3)), variant="scholz-code")
    expected = np.array([[0.0, 1.05, 0.4], [0.5, 0.0, 0.3], [0.3, 0.75, 0.0]]) / 6.6
    np.testing.assert_allclose(p[0], expected, atol=1e-12)


def test_probability_scholz_code_risk_votes() -> None:
    """Check that the code's votes use the voter's risk exponent on normalised distances."""
    # r = (2, 0.5, 1): v_k(i, j) = w_k (d_kj^r_k - d_ki^r_k).
    # P_CA: A 1 (0 - 0.4^2) = -0.16, B 0.5 (1 - 0.6^0.5) = 0.112702, C 0.25 (0.4 - 0) = 0.1.
    # P_CB: A 1 (1 - 0.16) = 0.84, B 0.5 (0 - 0.6^0.5) < 0, C 0.25 (0.6 - 0) = 0.15.
    # Denominator: per voter, the ordered pairs of its three utilities sum to
    #   2 (max - min): A 2 (1 - 0) = 2, B 0.5 * 2 (1 - 0) = 1, C 0.25 * 2 (0.6 - 0) = 0.3.
    #   Total 3.3 -- doubled: 6.6.
    r = np.array([[2.0, 0.5, 1.0]])
    p = success_probabilities(X, C * S, PRESENT, WIDTH, r, variant="scholz-code")
    assert p[0, 2, 0] == pytest.approx((0.5 * (1 - 0.6**0.5) + 0.1) / 6.6, abs=1e-12)
    assert p[0, 2, 1] == pytest.approx(0.99 / 6.6, abs=1e-12)


def test_probability_zero_at_the_same_position() -> None:
    """Check that P is 0 between actors at one position, and absent actors do not vote."""
    x = np.array([[0.0, 5.0, 5.0, 9.0]])
    present = np.array([[True, True, True, False]])
    for variant in ("printed", "scholz-code"):
        p = success_probabilities(
            x, np.ones((1, 4)), present, np.array([5.0]), np.ones((1, 4)), variant=variant
        )
        assert p[0, 1, 2] == p[0, 2, 1] == 0.0
        assert (p[0, 3] == 0).all()
        assert (p[0, :, 3] == 0).all()
    # Without actor 3: pairs 0-1 and 0-2 each have |votes| 1 + 1 + 1 = 3 per order: 12.
    # P_01: actor 0 votes 1 for x_0 over x_1; P_10: actors 1 and 2 vote 1 each.
    assert p[0, 0, 1] == pytest.approx(1 / 12)
    assert p[0, 1, 0] == pytest.approx(2 / 12)


def test_challenge_utility_risk_neutral() -> None:
    """Check the expected utility of a challenge with r = 1: 2 d (1 - 2 s_j (1 - P))."""
    # With r = 1: U_s = 2d, U_f = -2d, U_sq = 0, so with Q = 1
    # E_ij = s_j (P 2d - (1 - P) 2d) + (1 - s_j) 2d = 2d (1 - 2 s_j (1 - P)).
    # E_AB = 2 (1 - 2*0.5*(1 - 0.677419)) = 1.354839; E_BA = 2 (1 - 2*(1 - 0.322581)) = -0.709677
    # E_AC = 0.8 (1 - 0.5*0.428571) = 0.628571; E_CA = 0.8 (1 - 2*0.571429) = -0.114286
    # E_BC = 1.2 (1 - 0.5*0.714286) = 0.771429; E_CB = 1.2 (1 - 0.285714) = 0.857143
    p = success_probabilities(X, C * S, PRESENT, WIDTH, np.ones((1, 3)))
    e = challenge_utilities(X, S, PRESENT, WIDTH, np.array([4.0]), p, 1.0)
    expected = [
        [0, 2 * (1 - (1 - 1.05 / 1.55)), 0.8 * (1 - 0.5 * (1 - 0.4 / 0.7))],
        [2 * (1 - 2 * (1 - 0.5 / 1.55)), 0, 1.2 * (1 - 0.5 * (1 - 0.3 / 1.05))],
        [0.8 * (1 - 2 * (1 - 0.3 / 0.7)), 1.2 * (1 - (1 - 0.75 / 1.05)), 0],
    ]
    np.testing.assert_allclose(e[0], expected, atol=1e-12)


def test_challenge_utility_with_risk_and_q() -> None:
    """Check U_s, U_f, U_sq with an exponent, and the Q < 1 term with T, U_b and U_w."""
    # One dyad, d = 0.5, s_j = 0.5, P = 0.25, r = 2:
    # U_s = 2 - 4 (0.25)^2 = 1.75, U_f = 2 - 4 (0.75)^2 = -0.25, U_sq = 2 - 4 (0.5)^2 = 1.
    # Q = 1: 0.5 (0.25*1.75 + 0.75*(-0.25)) + 0.5*1.75 - 1 = 0.125 - 0.125 = 0.0
    # Q = 0.5, median at 10 so |x_i - μ| = 1 >= d: T = 1, U_b = 2 - 4 (0.5 - 0.25*1.5)^2
    #   = 2 - 4*0.015625 = 1.9375; 0.125 + 0.875 - 0.5*1 - 0.5*1.9375 = -0.46875.
    # Median at 2 (|x_i - μ| = 0.2 < d): T = 0, U_w = 2 - 4 (0.5 + 0.25*0.7)^2 = 0.1775;
    #   0.125 + 0.875 - 0.5 - 0.5*0.1775 = 0.41125.
    x = np.array([[0.0, 5.0]])
    s = np.array([[1.0, 0.5]])
    both = np.ones((1, 2), dtype=bool)
    p = np.array([[[0.0, 0.25], [0.0, 0.0]]])
    width = np.array([10.0])
    for median, q, expected in [(10.0, 1.0, 0.0), (10.0, 0.5, -0.46875), (2.0, 0.5, 0.41125)]:
        e = challenge_utilities(x, s, both, width, np.array([median]), p, 2.0, q=q)
        assert e[0, 0, 1] == pytest.approx(expected, abs=1e-12)


def test_risk_exponents() -> None:
    """Check r = (1 - R/3) / (1 + R/3) with R from the security sums, absent actors ignored."""
    # S = (0, 1, 2): R = (2S - 2 - 0) / 2 = (-1, 0, 1) -> r = (2, 1, 0.5).
    security = np.array([[0.0, 1.0, 2.0, 99.0], [3.0, 3.0, 3.0, 3.0]])
    present = np.array([[True, True, True, False], [True, True, True, True]])
    r = risk_exponents(security, present)
    np.testing.assert_allclose(r, [[2.0, 1.0, 0.5, 1.0], [1.0, 1.0, 1.0, 1.0]])


# The hand-worked round of the printed model (Q = 1).
# Risk: security S_i = sum of the others' risk-neutral E_ai: S_A = -0.709677 - 0.114286
#   = -0.823963, S_B = 1.354839 + 0.857143 = 2.211982, S_C = 0.628571 + 0.771429 = 1.4.
#   R_A = -1 -> r_A = 2; R_B = 1 -> r_B = 0.5;
#   R_C = (2.8 - 2.211982 + 0.823963) / 3.035945 = 0.465088 -> r_C = 0.731558.
# Printed expected utilities use the challenger's exponent:
#   E_AB (r 2, d 1): U_s 2, U_f -2, U_sq 1: 0.5 (0.677419*2 - 0.322581*2) + 0.5*2 - 1 = 0.354839
#   E_BA (r 0.5): U_sq = 2 - 4*0.707107 = -0.828427: (0.645161 - 1.354839) + 0.828427 = 0.118750
#   E_AC (r 2, d 0.4): U_s = 2 - 4*0.09 = 1.64, U_f = 2 - 4*0.49 = 0.04:
#     0.25 (0.571429*1.64 + 0.428571*0.04) + 0.75*1.64 - 1 = 0.468571
#   E_CA (r 0.731558): U_s = 2 - 4*0.3^r = 0.342155, U_f = 2 - 4*0.7^r = -1.081345,
#     U_sq = 2 - 4*0.5^r = -0.409013: 0.428571*0.342155 + 0.571429*(-1.081345) + 0.409013
#     = -0.062260
#   E_BC (r 0.5, d 0.6): U_s = 2 - 4*0.2^0.5 = 0.211146, U_f = 2 - 4*0.8^0.5 = -1.577709:
#     0.25 (0.285714*0.211146 - 0.714286*1.577709) + 0.75*0.211146 + 0.828427 = 0.720134
#   E_CB (r 0.731558): 0.867377
R_C = (1 - 0.465088 / 3) / (1 + 0.465088 / 3)
EU_PRINTED = [[0.0, 0.354839, 0.468571], [0.118750, 0.0, 0.720134], [-0.062260, 0.867377, 0.0]]


def test_expected_utilities_printed() -> None:
    """Check the printed round's risk exponents and expected utilities worked by hand."""
    eu_i, eu_j, r = expected_utilities(X, S, C, PRESENT, WIDTH)
    np.testing.assert_allclose(r[0], [2.0, 0.5, R_C], atol=1e-6)
    np.testing.assert_allclose(eu_i[0], EU_PRINTED, atol=1e-6)
    # i's estimate of j's expected utility of challenging i is E_ji.
    np.testing.assert_allclose(eu_j[0], np.transpose(EU_PRINTED), atol=1e-6)


def test_challenge_utility_scholz_code_q_scales_status_quo_only() -> None:
    """Check that the code variant leaves out the (1 - Q) term: Q only scales U_sq."""
    # The dyad of test_challenge_utility_with_risk_and_q: 0.125 + 0.875 - 0.5 * 1 = 0.5.
    x = np.array([[0.0, 5.0]])
    s = np.array([[1.0, 0.5]])
    p = np.array([[[0.0, 0.25], [0.0, 0.0]]])
    for median in (10.0, 2.0):
        both, width = np.ones((1, 2), dtype=bool), np.array([10.0])
        e = challenge_utilities(
            x, s, both, width, np.array([median]), p, 2.0, q=0.5, variant="scholz-code"
        )
        assert e[0, 0, 1] == pytest.approx(0.5, abs=1e-12)


# The hand-worked risk of the code variant (Q = 1), from the probabilities of
# test_probability_scholz_code and E_ij = 2 d (1 - 2 s_j (1 - P_ij)) with r = 1:
#   E_AB = 2 (1 - (1 - 1.05/6.6)) = 0.318182, E_BA = 2 (1 - 2 (1 - 0.5/6.6)) = -1.696970,
#   E_AC = 0.8 (1 - 0.5 (1 - 0.4/6.6)) = 0.424242, E_CA = 0.8 (1 - 2 (1 - 0.3/6.6)) = -0.727273,
#   E_BC = 1.2 (1 - 0.5 (1 - 0.3/6.6)) = 0.627273, E_CB = 1.2 (1 - (1 - 0.75/6.6)) = 0.136364.
# Danger, the sum of the others' challenges: S_A = -1.696970 - 0.727273 = -2.424242,
#   S_B = 0.318182 + 0.136364 = 0.454545, S_C = 0.424242 + 0.627273 = 1.051515.
#   R_A = -1 -> r_A = 2; R_C = 1 -> r_C = 0.5;
#   R_B = (0.909091 - 1.051515 + 2.424242) / 3.475758 = 0.656495 -> r_B = 0.640914.
R_B = (1 - 0.656495 / 3) / (1 + 0.656495 / 3)


def test_expected_utilities_scholz_risk_by_hand() -> None:
    """Check the code variant's risk exponents, from the all-pairs probabilities, by hand."""
    _, _, r = expected_utilities(X, S, C, PRESENT, WIDTH, variant="scholz-code")
    np.testing.assert_allclose(r[0], [2.0, R_B, 0.5], atol=1e-6)


def test_expected_utilities_scholz_use_the_observer_exponent() -> None:
    """Check that in the code variant both utilities of a dyad use the observer's r."""
    eu_i, eu_j, r = expected_utilities(X, S, C, PRESENT, WIDTH, variant="scholz-code")
    p = success_probabilities(X, C * S, PRESENT, WIDTH, r, variant="scholz-code")

    def expected(o: int, i: int, j: int) -> float:
        d = abs(X[0, i] - X[0, j]) / 10
        rho = r[0, o]
        u_s, u_f, u_sq = (
            2 - 4 * (0.5 - d / 2) ** rho,
            2 - 4 * (0.5 + d / 2) ** rho,
            2 - 4 * 0.5**rho,
        )
        s_j = S[0, j]
        return float(s_j * (p[0, i, j] * u_s + (1 - p[0, i, j]) * u_f) + (1 - s_j) * u_s - u_sq)

    for a in range(3):
        for b in range(3):
            if a != b:
                assert eu_i[0, a, b] == pytest.approx(expected(a, a, b), abs=1e-12)
                assert eu_j[0, a, b] == pytest.approx(expected(a, b, a), abs=1e-12)
    # r_A = 2 and r_B != 2, so A's estimate of B's challenge is not B's own.
    assert eu_j[0, 0, 1] != pytest.approx(eu_i[0, 1, 0])


@pytest.mark.parametrize(
    ("eu_i", "eu_j", "kind", "proposal"),
    [
        (0.5, 0.2, CONFLICT, 0.0),  # both expect to gain, i more: j is to move to x_i
        (0.5, -0.2, COMPROMISE, 6.0),  # j concedes |eu_j / eu_i| = 0.4 of the way: 10 - 4
        (0.2, -0.5, CAPITULATION, 0.0),  # j's loss outweighs i's gain: j moves to x_i
        (0.2, 0.5, STALEMATE, 0.0),  # j gains more: no offer from i
        (-0.1, -0.2, STALEMATE, 0.0),  # neither gains
        (-0.1, 0.3, STALEMATE, 0.0),  # i would lose: no offer from i
    ],
)
def test_offer_kinds(eu_i: float, eu_j: float, kind: int, proposal: float) -> None:
    """Check each region of the (eu_i, eu_j) plane gives its offer, i at 0 and j at 10."""
    x = np.array([[0.0, 10.0]])
    e_i = np.array([[[0.0, eu_i], [0.0, 0.0]]])
    e_j = np.array([[[0.0, eu_j], [0.0, 0.0]]])
    kinds, proposals = make_offers(x, e_i, e_j, np.ones((1, 2), dtype=bool))
    assert kinds[0, 0, 1] == kind
    assert kinds[0, 1, 0] == STALEMATE
    if kind != STALEMATE:
        assert proposals[0, 0, 1] == pytest.approx(proposal)


@pytest.mark.parametrize(
    ("eu_ba", "eu_ab", "kind", "proposal"),
    [
        (0.5, 0.2, CONFLICT, 0.0),  # eu_ba > eu_ab > 0: a is to move to x_b
        (0.5, -0.2, COMPROMISE, 6.0),  # a concedes |eu_ab / eu_ba| = 0.4 of the way: 10 - 4
        (0.2, -0.5, STALEMATE, 0.0),  # a capitulation in the printed model: never, as in the code
        (0.2, 0.5, STALEMATE, 0.0),  # a gains more from challenging b
        (-0.1, -0.2, STALEMATE, 0.0),  # neither gains
        (-0.1, 0.3, STALEMATE, 0.0),  # b would lose
    ],
)
def test_offer_kinds_scholz_code(eu_ba: float, eu_ab: float, kind: int, proposal: float) -> None:
    """Check the code's offers from b (at 0) to a (at 10), judged by a's own utilities."""
    x = np.array([[0.0, 10.0]])
    # a = 1 sees b = 0: eu_i[1, 0] = EU_a(a, b), eu_j[1, 0] = EU_a(b, a); b's row is 0.
    e_i = np.array([[[0.0, 0.0], [eu_ab, 0.0]]])
    e_j = np.array([[[0.0, 0.0], [eu_ba, 0.0]]])
    present = np.ones((1, 2), dtype=bool)
    kinds, proposals = make_offers(x, e_i, e_j, present, variant="scholz-code")
    assert kinds[0, 0, 1] == kind
    assert kinds[0, 1, 0] == STALEMATE
    if kind != STALEMATE:
        assert proposals[0, 0, 1] == pytest.approx(proposal)
    # The printed variant judges b's offer from b's row, all zeros: no offer.
    assert make_offers(x, e_i, e_j, present)[0][0, 0, 1] == STALEMATE
    # No offer between actors at the same position.
    same = make_offers(np.array([[10.0, 10.0]]), e_i, e_j, present, variant="scholz-code")[0]
    assert (same == STALEMATE).all()


def test_take_offers_by_variant() -> None:
    """Check printed takes the closest offer, the code the closest of the conflicts first."""
    # Actor 3 at 10 gets a conflict from 0 (to 0, eu 0.9), a conflict from 1 (to 2, eu 0.3)
    # and a compromise from 2 (to 9); actor 0 gets nothing.
    x = np.array([[0.0, 2.0, 5.0, 10.0]])
    kind = np.full((1, 4, 4), STALEMATE)
    proposal = np.zeros((1, 4, 4))
    eu_i = np.zeros((1, 4, 4))
    eu_j = np.zeros((1, 4, 4))
    for i, (k, p, e) in enumerate(
        [(CONFLICT, 0.0, 0.9), (CONFLICT, 2.0, 0.3), (COMPROMISE, 9.0, 0.6)]
    ):
        kind[0, i, 3], proposal[0, i, 3], eu_j[0, 3, i] = k, p, e
    printed = take_offers(x, kind, proposal, eu_i, eu_j)
    code = take_offers(x, kind, proposal, eu_i, eu_j, variant="scholz-code")
    np.testing.assert_array_equal(printed, [[0.0, 2.0, 5.0, 9.0]])
    np.testing.assert_array_equal(code, [[0.0, 2.0, 5.0, 2.0]])
    # A capitulation is taken only without conflicts and compromises, the closest first.
    kind[0, :3, 3] = [CAPITULATION, CAPITULATION, STALEMATE]
    code = take_offers(x, kind, proposal, eu_i, eu_j, variant="scholz-code")
    np.testing.assert_array_equal(code, [[0.0, 2.0, 5.0, 2.0]])


def test_take_offers_scholz_compromise_by_weighted_position() -> None:
    """Check the code takes the compromise minimising the weighted position, not the move."""
    # a = 0 at 0 gets compromises from 1 at 4 (EU_a(a, b) = -0.5, EU_a(b, a) = 1: to
    # 0 + 4 * 0.5 = 2, weighted position (0.5 * 0 + 1 * 4) / 1.5 = 2.667) and from 2 at 10
    # (-0.1 and 1: to 10 * 0.1 = 1, the smaller move, weighted (0.1 * 0 + 1 * 10) / 1.1 =
    # 9.09). It takes the one from 1 and moves to 2.
    x = np.array([[0.0, 4.0, 10.0]])
    eu_i = np.zeros((1, 3, 3))
    eu_j = np.zeros((1, 3, 3))
    eu_i[0, 0, 1:] = [-0.5, -0.1]
    eu_j[0, 0, 1:] = [1.0, 1.0]
    kind, proposal = make_offers(x, eu_i, eu_j, np.ones((1, 3), dtype=bool), variant="scholz-code")
    np.testing.assert_array_equal(kind[0, :, 0], [STALEMATE, COMPROMISE, COMPROMISE])
    np.testing.assert_allclose(proposal[0, 1:, 0], [2.0, 1.0])
    code = take_offers(x, kind, proposal, eu_i, eu_j, variant="scholz-code")
    np.testing.assert_allclose(code, [[2.0, 4.0, 10.0]])
    np.testing.assert_allclose(take_offers(x, kind, proposal, eu_i, eu_j), [[1.0, 4.0, 10.0]])


@pytest.mark.parametrize(
    ("positions", "weights", "median"),
    [
        # 4 beats 0 (1 (0 - 4) + 1 (4 - 0) + 1.5 (10 - 6) = 6 > 0); 10 does not beat 4
        # (1 (4 - 10) + 1 (0 - 6) + 1.5 (6 - 0) = -3).
        ([0.0, 4.0, 10.0], [1.0, 1.0, 1.5], 4.0),
        ([10.0, 0.0, 4.0], [1.5, 1.0, 1.0], 4.0),  # the actors' order does not matter
        ([0.0, 10.0], [1.0, 1.0], 0.0),  # an even split keeps the lower position
        ([0.0, 10.0, 10.0], [1.0, 0.5, 0.5], 0.0),  # also when the weight is shared
        ([np.nan, 3.0, 8.0], [5.0, 1.0, 2.0], 8.0),  # absent actors neither vote nor count
        ([1.0, 3.0, 8.0], [0.0, 1.0, 2.0], 8.0),  # weightless positions lose
        ([1.0, 3.0], [0.0, 0.0], np.nan),  # nobody votes
    ],
)
def test_condorcet_median(positions: list[float], weights: list[float], median: float) -> None:
    """Check the Condorcet median: each position in increasing order replaces a beaten one."""
    result = condorcet_median(np.array([positions]), np.array([weights]))
    np.testing.assert_array_equal(result, [median])


def test_condorcet_median_is_a_weighted_median(rng: np.random.Generator) -> None:
    """Check that without even splits the Condorcet median is the weighted median."""
    positions = rng.integers(0, 6, (200, 7)).astype(np.float64)
    weights = rng.uniform(0.1, 1.0, (200, 7))
    positions[:10, 0] = np.nan
    np.testing.assert_array_equal(
        condorcet_median(positions, weights), weighted_median(positions, weights, axis=1)
    )


def _reference_scholz(
    x0: list[float], c: list[float], s: list[float], rounds: int
) -> list[tuple[list[float], dict[tuple[int, int], tuple[float, float]], float]]:
    """Run bdm-scholz actor by actor, in plain Python: positions, eu and median per round."""
    n = len(x0)
    width = max(x0) - min(x0)
    x = list(x0)

    def vote(k: int, a: float, b: float, r: list[float]) -> float:
        return float(
            c[k] * s[k] * ((abs(x[k] - b) / width) ** r[k] - (abs(x[k] - a) / width) ** r[k])
        )

    def probability(i: int, j: int, r: list[float]) -> float:
        if x[i] == x[j]:
            return 0.0
        top = sum(max(0.0, vote(k, x[i], x[j], r)) for k in range(n))
        bottom = sum(abs(vote(k, a, b, r)) for k in range(n) for a in x for b in x)
        return top / bottom

    def eu(o: int, i: int, j: int, r: list[float]) -> float:
        d, rho, p = abs(x[i] - x[j]) / width, r[o], probability(i, j, r)
        u_s, u_f, u_sq = (
            2 - 4 * (0.5 - d / 2) ** rho,
            2 - 4 * (0.5 + d / 2) ** rho,
            2 - 4 * 0.5**rho,
        )
        return float(s[j] * (p * u_s + (1 - p) * u_f) + (1 - s[j]) * u_s - u_sq)

    def median() -> float:
        m = min(x)
        for p in sorted(set(x)):
            if sum(c[k] * s[k] * (abs(x[k] - m) - abs(x[k] - p)) for k in range(n)) > 1e-12:
                m = p
        return m

    history = []
    for _ in range(rounds + 1):
        ones = [1.0] * n
        danger = [sum(eu(k, m, k, ones) for m in range(n) if m != k) for k in range(n)]
        high, low = max(danger), min(danger)
        risk = [(2 * d - high - low) / (high - low) for d in danger]
        r = [(1 - a / 3) / (1 + a / 3) for a in risk]
        eus = {
            (a, b): (eu(a, a, b, r), eu(a, b, a, r)) for a in range(n) for b in range(n) if a != b
        }
        history.append((list(x), eus, median()))
        new = list(x)
        for a in range(n):
            conflicts, compromises = [], []
            for b in range(n):
                if b == a or x[a] == x[b]:
                    continue
                e_ab, e_ba = eus[a, b]
                if e_ba > e_ab > 0:
                    conflicts.append((abs(x[b] - x[a]), x[b]))
                elif e_ba > 0 > e_ab and e_ba > abs(e_ab):
                    weighted = (abs(e_ab) * x[a] + abs(e_ba) * x[b]) / (abs(e_ab) + abs(e_ba))
                    compromises.append((weighted, x[a] + (x[b] - x[a]) * abs(e_ab / e_ba)))
            if conflicts or compromises:
                new[a] = min(conflicts or compromises)[1]
        x = new
    return history


def test_scholz_equals_plain_python_reference(rng: np.random.Generator) -> None:
    """Check bdm-scholz round by round against a plain-Python, actor-by-actor reference."""
    kinds = set()
    for _ in range(3):
        positions = rng.uniform(0, 100, 6)
        saliences = rng.uniform(0.05, 1, 6)
        capabilities = rng.uniform(0.1, 2, 6)
        rounds = BdmScholzModel(rounds=5).simulate_rounds(
            positions[:, None], saliences[:, None], capabilities
        )
        reference = _reference_scholz(
            positions.tolist(), capabilities.tolist(), saliences.tolist(), 5
        )
        for r, (x, eus, median) in zip(rounds, reference, strict=True):
            np.testing.assert_allclose(r.positions[:, 0], x, rtol=0, atol=1e-9)
            assert r.median[0] == pytest.approx(median, abs=1e-9)
            got = {(int(e["i"]), int(e["j"])): (e["eu_i"], e["eu_j"]) for e in r.details["eu"]}
            assert got.keys() == eus.keys()
            np.testing.assert_allclose(list(got.values()), [eus[k] for k in got], atol=1e-9)
        for (before, _, _), (after, _, _) in itertools.pairwise(reference):
            for old, new in zip(before, after, strict=True):
                if new != old:
                    kinds.add("conflict" if new in before else "compromise")
    # The runs exercise both kinds of move: to another's position, and in between.
    assert kinds == {"conflict", "compromise"}


def test_one_printed_round_by_hand() -> None:
    """Check the printed update of the hand-worked case: each actor takes its closest offer."""
    # Offers: A -> B conflict (0.354839 > 0.118750 > 0): B to 0.
    #   C -> B conflict (0.867377 > 0.720134 > 0): B to 4; B takes 4, the closer.
    #   A -> C compromise (0.468571 > 0 > -0.062260): C to 4 - 4*0.062260/0.468571 = 3.468510.
    #   B -> A, C -> A, B -> C: stalemates; A stays at 0.
    table = StakeholderTable.build(
        actor_ids=["A", "B", "C"],
        issue_ids=["x"],
        positions=X.T,
        saliences=S.T,
        capabilities=C[0],
        scale=[[0.0, 10.0]],
    )
    rounds = ExpectedUtilityModel(rounds=1).fit(table).forecast().rounds
    assert rounds is not None
    np.testing.assert_allclose(rounds[1].positions[:, 0], [0.0, 4.0, 3.468510], atol=1e-6)


def _random_inputs(
    rng: np.random.Generator, n_runs: int, n_actors: int, n_issues: int
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], ...]:
    positions = rng.uniform(0, 100, (n_runs, n_actors, n_issues))
    positions[:, 0, 1] = np.nan  # actor 0 takes no part in issue 1
    saliences = rng.uniform(0.05, 1, (n_runs, n_actors, n_issues))
    saliences[:, 0, 1] = 0.0
    capabilities = rng.uniform(0.1, 2, (n_runs, n_actors))
    return positions, saliences, capabilities


@pytest.mark.parametrize("model_type", [ExpectedUtilityModel, BdmScholzModel])
def test_batched_equals_loop(
    rng: np.random.Generator,
    model_type: type[ExpectedUtilityModel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Check that simulate on a batch equals it run by run, and across chunks of runs."""
    positions, saliences, capabilities = _random_inputs(rng, 12, 6, 2)
    model = model_type(rounds=5)
    batched = model.simulate(positions, saliences, capabilities)
    looped = np.concatenate(
        [
            model.simulate(positions[b : b + 1], saliences[b : b + 1], capabilities[b : b + 1])
            for b in range(12)
        ]
    )
    np.testing.assert_allclose(batched, looped, rtol=0, atol=1e-12)
    monkeypatch.setattr(eu_module, "_CHUNK_ELEMENTS", 2 * 6**3)
    np.testing.assert_allclose(
        model.simulate(positions, saliences, capabilities), batched, atol=1e-12
    )
    assert batched.shape == (12, 2)
    assert np.isfinite(batched).all()


@pytest.mark.parametrize("model_type", [ExpectedUtilityModel, BdmScholzModel])
def test_rounds_agree_with_simulate(
    rng: np.random.Generator, model_type: type[ExpectedUtilityModel]
) -> None:
    """Check that the last round's median is the forecast, and absent actors stay NaN."""
    positions, saliences, capabilities = _random_inputs(rng, 1, 5, 2)
    model = model_type(rounds=4)
    rounds = model.simulate_rounds(positions[0], saliences[0], capabilities[0])
    assert len(rounds) == 5
    np.testing.assert_allclose(
        rounds[-1].median, model.simulate(positions, saliences, capabilities)[0]
    )
    assert all(np.isnan(r.positions[0, 1]) for r in rounds)
    np.testing.assert_array_equal(rounds[0].positions, positions[0])


@pytest.mark.parametrize("model_type", [ExpectedUtilityModel, BdmScholzModel])
def test_json_has_eu_per_ordered_pair(model_type: type[ExpectedUtilityModel]) -> None:
    """Check each round's JSON lists eu_i and eu_j for every ordered pair of actors per issue."""
    table = StakeholderTable.build(
        actor_ids=["a", "b", "c", "d"],
        issue_ids=["one", "two"],
        positions=[[0.0, np.nan], [40.0, 10.0], [70.0, 90.0], [100.0, 50.0]],
        saliences=[[0.5, 0], [0.8, 0.3], [0.4, 0.9], [1.0, 0.6]],
        capabilities=[1, 2, 1, 3],
    )
    data = model_type(rounds=3).fit(table).forecast().to_dict()
    assert data["model"] == model_type.name
    assert len(data["rounds"]) == 4
    for entry in data["rounds"]:
        eu = entry["eu"]
        assert all(set(e) == {"issue", "i", "j", "eu_i", "eu_j"} for e in eu)
        assert sum(e["issue"] == "one" for e in eu) == 4 * 3
        assert sum(e["issue"] == "two" for e in eu) == 3 * 2
        assert all(e["i"] != "a" and e["j"] != "a" for e in eu if e["issue"] == "two")
        pairs = {(e["issue"], e["i"], e["j"]): (e["eu_i"], e["eu_j"]) for e in eu}
        # printed: j's utility of challenging i is what j expects, with its own exponent;
        # scholz-code: i's estimate of it, with i's exponent (see the reference test).
        is_transpose = [pairs[(k, j, i)][0] == v[1] for (k, i, j), v in pairs.items()]
        assert all(is_transpose) == (model_type is ExpectedUtilityModel)


def test_json_emission_counts() -> None:
    """Check the emission forecast's JSON: 9 rounds of 90 entries, actor names as ids."""
    table = read_bdm_csv(BDM / EMISSION[0])
    data = ExpectedUtilityModel().fit(table).forecast().to_dict()
    assert data["model"] == "bdm"
    assert [len(r["eu"]) for r in data["rounds"]] == [90] * 9
    assert data["rounds"][0]["eu"][0]["i"] == "Netherlands"


def test_monte_carlo_scale_runs() -> None:
    """Check that 1000 runs of the emission case run in one batched call."""
    table = read_bdm_csv(BDM / EMISSION[0])
    model = BdmScholzModel().fit(table)
    n = 1000
    values = model.simulate(
        np.repeat(table.positions[None], n, axis=0),
        np.repeat(table.saliences[None], n, axis=0),
        np.repeat(table.capabilities[None], n, axis=0),
    )
    assert values.shape == (n, 1)
    np.testing.assert_allclose(values[:, 0], model.predict()[0])


def test_names() -> None:
    """Check the model names and that both have rounds."""
    assert (ExpectedUtilityModel.name, BdmScholzModel.name) == ("bdm", "bdm-scholz")
    assert ExpectedUtilityModel.has_rounds
    assert BdmScholzModel.has_rounds
    model = BdmScholzModel()
    assert (model.rounds, model.q) == (8, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"rounds": 0},
            "The 'rounds' parameter of ExpectedUtilityModel must be an int in [1, 1000]. Got 0 instead.",
        ),
        (
            {"rounds": 1001},
            "The 'rounds' parameter of ExpectedUtilityModel must be an int in [1, 1000]. Got 1001 instead.",
        ),
        (
            {"rounds": 2.5},
            "The 'rounds' parameter of ExpectedUtilityModel must be an int in [1, 1000]. Got 2.5 instead.",
        ),
        (
            {"rounds": True},
            "The 'rounds' parameter of ExpectedUtilityModel must be an int in [1, 1000]. Got True instead.",
        ),
        (
            {"q": -0.1},
            "The 'q' parameter of ExpectedUtilityModel must be a float in [0, 1]. Got -0.1 instead.",
        ),
        (
            {"q": 1.5},
            "The 'q' parameter of ExpectedUtilityModel must be a float in [0, 1]. Got 1.5 instead.",
        ),
        (
            {"q": "1"},
            "The 'q' parameter of ExpectedUtilityModel must be a float in [0, 1]. Got '1' instead.",
        ),
        (
            {"q": float("nan")},
            "The 'q' parameter of ExpectedUtilityModel must be a float in [0, 1]. Got nan instead.",
        ),
    ],
)
def test_parameter_errors(kwargs: dict[str, Any], message: str) -> None:
    """Check that bad parameters raise ParameterError with the exact message."""
    with pytest.raises(ParameterError) as info:
        ExpectedUtilityModel(**kwargs)
    assert str(info.value) == message
    assert info.value.parameter == next(iter(kwargs))


def test_parameter_errors_name_the_subclass() -> None:
    """Check that the message names the class the user built."""
    with pytest.raises(ParameterError, match=r"^The 'rounds' parameter of BdmScholzModel "):
        BdmScholzModel(rounds=0)


def _random_table(n_actors: int, n_issues: int) -> StakeholderTable:
    rng = np.random.default_rng(7)
    return StakeholderTable.build(
        actor_ids=[f"a{k}" for k in range(n_actors)],
        issue_ids=[f"i{k}" for k in range(n_issues)],
        positions=rng.uniform(0, 100, (n_actors, n_issues)),
        saliences=rng.uniform(0.1, 1, (n_actors, n_issues)),
        capabilities=rng.uniform(1, 100, n_actors),
    )


def test_pair_details_are_left_out_past_their_bound() -> None:
    """Check a table whose pairs exceed MAX_PAIR_DETAILS keeps positions, not pair entries."""
    from peacetalks.forecasting.registry import make_model

    big = _random_table(80, 20)  # 80 x 79 x 20 x 9 rounds = 1.14 million pair entries
    model = make_model("bdm-scholz").fit(big)
    rounds = model.simulate_rounds(big.positions, big.saliences, big.capabilities)
    assert rounds is not None
    assert all(r.details["eu"] == [] for r in rounds)
    assert (
        rounds[0]
        .details["eu_left_out"]
        .startswith(
            "the expected utilities of every pair of actors are left out: 1,137,600 entries"
        )
    )
    small = _random_table(6, 2)
    kept = make_model("bdm-scholz").fit(small)
    rounds = kept.simulate_rounds(small.positions, small.saliences, small.capabilities)
    assert rounds is not None
    assert len(rounds[0].details["eu"]) == 6 * 5 * 2
    assert "eu_left_out" not in rounds[0].details


def test_runs_of_models_with_rounds_in_parts_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check Monte Carlo chunks run a few runs at a time give the same forecasts."""
    from peacetalks.forecasting import montecarlo
    from peacetalks.forecasting.registry import make_model

    table = _random_table(12, 3)
    model = make_model("bdm-scholz").fit(table)
    rng = np.random.default_rng(3)
    runs = 9
    positions = np.repeat(table.positions[None], runs, axis=0) + rng.uniform(-5, 5, (runs, 12, 3))
    saliences = np.repeat(table.saliences[None], runs, axis=0)
    capabilities = np.repeat(table.capabilities[None], runs, axis=0)
    whole = model.simulate(positions, saliences, capabilities)
    monkeypatch.setattr(montecarlo, "CHUNK_CELLS", 12 * 12 * 3 * 2)  # two runs a part
    parts = montecarlo._simulate_in_parts(model, positions, saliences, capabilities)
    np.testing.assert_array_equal(parts, whole)
