"""Reference data for the SPC engine, copied so that the tests need nothing outside the repo.

Sources (the figures below are facts taken from them, recorded in the team's
shared/reference/spc-making-data-count.md):
- NHSRplotthedots 0.2.2 (nhs-r-community/NHSRplotthedots, commit 050b07d, MIT licence):
  vignettes/deviations.Rmd (case A), tests/testthat/test-ptd_spc_standard.R and
  test-ptd_spc.R with their _snaps (cases B, C, D), test-ptd_calculate_point_type.R (case E),
  test-ptd_calculate_assurance_type.R (case F).
- qicharts2 (anhoej/qicharts2, commit 1b9487e): R/helper.functions.R and the Anhøj rules table
  of docs/articles/qicharts2.html, Appendix 2.
"""

from __future__ import annotations

# Case A: the deviations vignette's series; point 5 is the outlier.
CASE_A = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
CASE_A_MEAN = 1.9444
CASE_A_AMR = {True: 1.0, False: 1.88235}  # screened / unscreened average moving range
CASE_A_LIMITS = {True: (4.6, -0.72), False: (6.95, -3.06)}  # (UPL, LPL) to 2 dp

# Case B: R's set.seed(123); rnorm(20), printed to 8 decimals.
CASE_B = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip
CASE_B_R1 = (0.1416238, -3.01138, 3.294627)  # (mean, LPL, UPL) as is
# y[15] (1-based) replaced by 10: screened and unscreened.
CASE_B_R2 = (0.6694159, -2.383666, 3.722497)
CASE_B_R3 = (0.6694159, -4.596625, 5.935457)
CASE_B_R1_RELATIVE = [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]

# Case C: the same 20 values as two facets (here: two rebase groups), 3 significant figures.
CASE_C_FIRST = (0.0746, -2.60, 2.75)
CASE_C_SECOND = (0.209, -3.28, 3.70)
CASE_C_FIRST_DATE = "2020-01-02"  # the series starts the day after the no-op rebase date
CASE_C_NO_OP_REBASE = "2020-01-01"
CASE_C_UNCHANGED = (0.142, -3.01, 3.29)

# Case D: 2 in 3 needs all three on one side of the mean.
CASE_D = [1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 5.5, -5.5]
CASE_D_AMR = 2.3214
CASE_D_UPL = 6.175
CASE_D_NEAR = 4.1167

# Case F: assurance from (LPL, UPL) against a target of 4.
CASE_F_LIMITS = [(1, 3), (5, 7), (1, 5)]
CASE_F_TARGET = 4
CASE_F_EXPECTED = {
    "increase": ["consistent_fail", "consistent_pass", "inconsistent"],
    "decrease": ["consistent_pass", "consistent_fail", "inconsistent"],
    "neutral": [None, None, None],
}

# qicharts2: (n useful, longest run maximum, crossings minimum).
ANHOEJ_TABLE = [
    (10, 6, 2), (12, 7, 3), (15, 7, 4), (20, 7, 6), (24, 8, 8), (30, 8, 10), (50, 9, 19),
    (100, 10, 41),
]  # fmt: skip
