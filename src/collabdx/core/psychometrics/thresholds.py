"""Every threshold the psychometrics use, with what it means and where it comes from.

Rules of thumb are labelled as such. Where collabdx had to choose a number that the
literature does not fix, the source says "collabdx rule" and gives the reasoning.
The full references are in :data:`REFERENCES`, keyed by the short citation.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Threshold:
    name: str
    value: float
    meaning: str
    source: str


# ---- Reliability -------------------------------------------------------------------
ALPHA_ACCEPTABLE = Threshold(
    "alpha_acceptable",
    0.70,
    "Cronbach's alpha or McDonald's omega of at least .70 is conventionally 'acceptable' "
    "for group-level research use (a rule of thumb, not a test).",
    "Nunnally 1978",
)
RELIABILITY_MIN_N = Threshold(
    "reliability_min_n",
    100,
    "Below 100 complete responses a reliability coefficient is too imprecise to classify; "
    "it is shown with its confidence interval and a warning.",
    "collabdx rule, deliberately lenient: Charter 2003 recommends at least 400 for "
    "reliability studies",
)
ITEM_TOTAL_MIN = Threshold(
    "item_total_min",
    0.30,
    "A corrected item–total correlation under .30 suggests the item measures something "
    "else than the rest of its scale.",
    "Nunnally & Bernstein 1994 (rule of thumb)",
)
FLOOR_CEILING_PCT = Threshold(
    "floor_ceiling_pct",
    15.0,
    "More than 15% of answers at the lowest or highest possible value is a floor or "
    "ceiling effect: the item cannot show change or differences at that end.",
    "Terwee et al. 2007",
)
OMEGA_MIN_ITEMS = Threshold(
    "omega_min_items",
    3,
    "A one-factor model needs at least three items to be identified, so omega is not "
    "estimated for two-item scales; Spearman–Brown is reported for them instead.",
    "Kline 2016 (identification); Eisinga et al. 2013 (two-item scales)",
)
OMEGA_BOOTSTRAP_B = Threshold(
    "omega_bootstrap_b",
    1000,
    "Bootstrap resamples for the percentile confidence interval of omega (fixed seed "
    "OMEGA_BOOTSTRAP_SEED, so results are reproducible).",
    "Efron & Tibshirani 1993; Dunn et al. 2014",
)
OMEGA_BOOTSTRAP_SEED = 20230611
POLYCHORIC_MIN_N = Threshold(
    "polychoric_min_n",
    100,
    "Polychoric correlations are estimated from at least 100 complete responses; below "
    "that, Spearman correlations are shown.",
    "Flora & Curran 2004 (polychoric estimates were accurate from N = 100 on)",
)
POLYCHORIC_MAX_EMPTY_CELLS = Threshold(
    "polychoric_max_empty_cells",
    0.5,
    "If more than half the cells of an item pair's cross-table are empty, the table is "
    "too sparse for a polychoric estimate; the whole matrix then uses Spearman.",
    "collabdx rule (sparse tables make two-step polychoric estimates unstable: Olsson 1979)",
)

# ---- Agreement within groups ---------------------------------------------------------
RWG_OPTIONS = 5  # A: response options of every scored readiness item
RWG_NULL_VARIANCE = (RWG_OPTIONS**2 - 1) / 12  # uniform ("rectangular") null: 2.0
RWG_ACCEPTABLE = Threshold(
    "rwg_acceptable",
    0.70,
    "rwg(j) of at least .70 is conventionally read as enough agreement within a group to "
    "treat its mean as a shared view.",
    "Lance, Butts & Michels 2006 (origin of the .70 convention); LeBreton & Senter 2008",
)
RWG_MIN_GROUP_N = Threshold(
    "rwg_min_group_n",
    10,
    "rwg from fewer than 10 respondents is unstable: small groups reach .70 by chance more often.",
    "Dunlap, Burke & Smith-Crowe 2003 (critical values of rwg by group size)",
)
ICC2_ACCEPTABLE = Threshold(
    "icc2_acceptable",
    0.70,
    "ICC(2) of at least .70: group means are reliable enough to compare groups.",
    "Bliese 2000; LeBreton & Senter 2008 (rule of thumb)",
)
ICC1_MEDIUM = Threshold(
    "icc1_medium",
    0.10,
    "ICC(1) of about .01 is a small, .10 a medium and .25 a large group effect.",
    "LeBreton & Senter 2008",
)
ICC_MIN_GROUPS = Threshold(
    "icc_min_groups",
    30,
    "With fewer than 30 groups the between-group variance, and so ICC(1) and ICC(2), is "
    "estimated imprecisely; read them as descriptive only.",
    "Maas & Hox 2005",
)

# ---- Group comparisons -----------------------------------------------------------------
COMPARISON_MIN_N = Threshold(
    "comparison_min_n",
    64,
    "About 64 respondents per group are needed to detect a medium difference (Cohen's "
    "d = 0.5) with 80% power at the two-sided 5% level; with fewer, a non-significant "
    "difference is not evidence of no difference.",
    "Cohen 1988, Table 2.4.1",
)
CLIFF_MAGNITUDES = (0.147, 0.33, 0.474)  # negligible < .147 <= small < .33 <= medium < .474
CLIFF_MAGNITUDE = Threshold(
    "cliff_magnitude",
    0.147,
    "|Cliff's delta| under .147 is negligible, under .33 small, under .474 medium, "
    "otherwise large.",
    "Romano et al. 2006",
)

# ---- Structure (CFA) ---------------------------------------------------------------------
CFA_MIN_N_FLOOR = 200
CFA_N_PER_PARAMETER = 10
CFA_MIN_N = Threshold(
    "cfa_min_n",
    CFA_MIN_N_FLOOR,
    "A CFA is run only with at least max(200, 10 × free parameters) complete responses.",
    "Kline 2016 (N:q of at least 10:1; 200 as a typical minimum); Wolf et al. 2013 "
    "(requirements range from 30 to 460 with the model, so this is a rule of thumb)",
)
FIT_CUTOFFS = {"cfi": 0.95, "tli": 0.95, "rmsea": 0.06, "srmr": 0.08}
FIT = Threshold(
    "fit_cutoffs",
    0.95,
    "Good fit: CFI and TLI at least .95, RMSEA at most .06, SRMR at most .08.",
    "Hu & Bentler 1999 (cut-offs for continuous data; guidance, not a test)",
)

# ---- Validation analyses (issue 18) -------------------------------------------------------
INVARIANCE_CHANGE = Threshold(
    "invariance_change",
    0.010,
    "A level of measurement invariance holds when CFI falls by at most .010 and RMSEA "
    "rises by at most .015 from the level below; each group needs the n a CFA needs.",
    "Cheung & Rensvold 2002 (ΔCFI); Chen 2007 (ΔRMSEA)",
)
HTMT = Threshold(
    "htmt",
    0.85,
    "A heterotrait–monotrait ratio (or a factor correlation) above .85 says two scales may "
    "not measure distinct things.",
    "Henseler et al. 2015",
)
AVE = Threshold(
    "ave",
    0.50,
    "Average variance extracted of at least .50, composite reliability of at least .70, "
    "and √AVE above the factor's correlations with the others (convergent and "
    "discriminant validity).",
    "Fornell & Larcker 1981; Raykov 1997",
)
DESIGN_EFFECT = Threshold(
    "design_effect",
    2.0,
    "A design effect 1 + (k̄ − 1) ICC(1) above 2 makes single-level standard errors and "
    "p-values misleading: read them against the effective n or fit a multilevel model.",
    "Kish 1965; Muthén & Satorra 1995",
)
MODIFICATION_INDEX = Threshold(
    "modification_index",
    3.84,
    "Modification indices above 3.84 (χ²(1) at 5%) and residual correlations beyond ±.10 "
    "are listed as leads for refining items, to be tested on a new sample.",
    "Sörbom 1989; MacCallum et al. 1992; Kline 2016",
)
EFA_MIN_N = Threshold(
    "efa_min_n",
    200,
    "An EFA runs with at least max(200, 5 per question) complete responses; parallel "
    "analysis keeps factors whose eigenvalue beats the 95th percentile of random data.",
    "MacCallum et al. 1999; Horn 1965; Glorfeld 1995",
)


def cfa_required_n(free_parameters: int) -> int:
    """The smallest complete-case n for which collabdx runs a CFA."""
    return max(CFA_MIN_N_FLOOR, CFA_N_PER_PARAMETER * free_parameters)


def cliff_magnitude(delta: float) -> str:
    size = abs(delta)
    labels = ("negligible", "small", "medium", "large")
    for cut, label in zip(CLIFF_MAGNITUDES, labels, strict=False):
        if size < cut:
            return label
    return labels[-1]


ALL: tuple[Threshold, ...] = (
    ALPHA_ACCEPTABLE,
    RELIABILITY_MIN_N,
    ITEM_TOTAL_MIN,
    FLOOR_CEILING_PCT,
    OMEGA_MIN_ITEMS,
    OMEGA_BOOTSTRAP_B,
    POLYCHORIC_MIN_N,
    POLYCHORIC_MAX_EMPTY_CELLS,
    RWG_ACCEPTABLE,
    RWG_MIN_GROUP_N,
    ICC1_MEDIUM,
    ICC2_ACCEPTABLE,
    ICC_MIN_GROUPS,
    COMPARISON_MIN_N,
    CLIFF_MAGNITUDE,
    CFA_MIN_N,
    FIT,
    INVARIANCE_CHANGE,
    HTMT,
    AVE,
    DESIGN_EFFECT,
    MODIFICATION_INDEX,
    EFA_MIN_N,
)

REFERENCES: dict[str, str] = {
    "Bliese 2000": "Bliese PD. Within-group agreement, non-independence, and reliability: "
    "implications for data aggregation and analysis. In: Klein KJ, Kozlowski SWJ, eds. "
    "Multilevel theory, research, and methods in organizations. Jossey-Bass; 2000:349–381.",
    "Browne & Cudeck 1993": "Browne MW, Cudeck R. Alternative ways of assessing model fit. "
    "In: Bollen KA, Long JS, eds. Testing structural equation models. Sage; 1993:136–162.",
    "Charter 2003": "Charter RA. Study samples are too small to produce sufficiently precise "
    "reliability coefficients. J Gen Psychol 2003;130(2):117–129.",
    "Cliff 1996": "Cliff N. Ordinal methods for behavioral data analysis. Erlbaum; 1996.",
    "Cohen 1988": "Cohen J. Statistical power analysis for the behavioral sciences. 2nd ed. "
    "Erlbaum; 1988.",
    "Dunlap, Burke & Smith-Crowe 2003": "Dunlap WP, Burke MJ, Smith-Crowe K. Accurate tests "
    "of statistical significance for rWG and average deviation interrater agreement "
    "indexes. J Appl Psychol 2003;88(2):356–362.",
    "Dunn et al. 2014": "Dunn TJ, Baguley T, Brunsden V. From alpha to omega: a practical "
    "solution to the pervasive problem of internal consistency estimation. Br J Psychol "
    "2014;105(3):399–412.",
    "Efron & Tibshirani 1993": "Efron B, Tibshirani RJ. An introduction to the bootstrap. "
    "Chapman & Hall; 1993.",
    "Eisinga et al. 2013": "Eisinga R, te Grotenhuis M, Pelzer B. The reliability of a "
    "two-item scale: Pearson, Cronbach, or Spearman-Brown? Int J Public Health "
    "2013;58(4):637–642.",
    "Feldt et al. 1987": "Feldt LS, Woodruff DJ, Salih FA. Statistical inference for "
    "coefficient alpha. Appl Psychol Meas 1987;11(1):93–103.",
    "Feng & Cliff 2004": "Feng D, Cliff N. Monte Carlo evaluation of ordinal d with improved "
    "confidence interval. J Mod Appl Stat Methods 2004;3(2):322–332.",
    "Flora & Curran 2004": "Flora DB, Curran PJ. An empirical evaluation of alternative "
    "methods of estimation for confirmatory factor analysis with ordinal data. Psychol "
    "Methods 2004;9(4):466–491.",
    "Holm 1979": "Holm S. A simple sequentially rejective multiple test procedure. Scand J "
    "Stat 1979;6(2):65–70.",
    "Benjamini & Hochberg 1995": "Benjamini Y, Hochberg Y. Controlling the false discovery "
    "rate: a practical and powerful approach to multiple testing. J R Stat Soc B "
    "1995;57(1):289–300.",
    "Hu & Bentler 1999": "Hu L, Bentler PM. Cutoff criteria for fit indexes in covariance "
    "structure analysis: conventional criteria versus new alternatives. Struct Equ "
    "Modeling 1999;6(1):1–55.",
    "James, Demaree & Wolf 1984": "James LR, Demaree RG, Wolf G. Estimating within-group "
    "interrater reliability with and without response bias. J Appl Psychol "
    "1984;69(1):85–98.",
    "Kline 2016": "Kline RB. Principles and practice of structural equation modeling. 4th "
    "ed. Guilford; 2016.",
    "Lance, Butts & Michels 2006": "Lance CE, Butts MM, Michels LC. The sources of four "
    "commonly reported cutoff criteria: what did they really say? Organ Res Methods "
    "2006;9(2):202–220.",
    "LeBreton & Senter 2008": "LeBreton JM, Senter JL. Answers to 20 questions about "
    "interrater reliability and interrater agreement. Organ Res Methods "
    "2008;11(4):815–852.",
    "Maas & Hox 2005": "Maas CJM, Hox JJ. Sufficient sample sizes for multilevel modeling. "
    "Methodology 2005;1(3):86–92.",
    "McDonald 1999": "McDonald RP. Test theory: a unified treatment. Erlbaum; 1999.",
    "Nunnally 1978": "Nunnally JC. Psychometric theory. 2nd ed. McGraw-Hill; 1978.",
    "Nunnally & Bernstein 1994": "Nunnally JC, Bernstein IH. Psychometric theory. 3rd ed. "
    "McGraw-Hill; 1994.",
    "Olsson 1979": "Olsson U. Maximum likelihood estimation of the polychoric correlation "
    "coefficient. Psychometrika 1979;44(4):443–460.",
    "Rhemtulla et al. 2012": "Rhemtulla M, Brosseau-Liard PÉ, Savalei V. When can "
    "categorical variables be treated as continuous? Psychol Methods 2012;17(3):354–373.",
    "Romano et al. 2006": "Romano J, Kromrey JD, Coraggio J, Skowronek J. Appropriate "
    "statistics for ordinal level data: should we really be using t-test and Cohen's d "
    "for evaluating group differences on the NSSE and other surveys? Annual meeting of "
    "the Florida Association of Institutional Research; 2006.",
    "Terwee et al. 2007": "Terwee CB, Bot SDM, de Boer MR, et al. Quality criteria were "
    "proposed for measurement properties of health status questionnaires. J Clin "
    "Epidemiol 2007;60(1):34–42.",
    "Welch 1947": "Welch BL. The generalization of 'Student's' problem when several "
    "different population variances are involved. Biometrika 1947;34(1–2):28–35.",
    "Anderson 1957": "Anderson TW. Maximum likelihood estimates for a multivariate normal "
    "distribution when some observations are missing. J Am Stat Assoc 1957;52(278):200–203.",
    "Arbuckle 1996": "Arbuckle JL. Full information estimation in the presence of incomplete "
    "data. In: Marcoulides GA, Schumacker RE, eds. Advanced structural equation modeling. "
    "Erlbaum; 1996:243–277.",
    "Chen 2007": "Chen FF. Sensitivity of goodness of fit indexes to lack of measurement "
    "invariance. Struct Equ Modeling 2007;14(3):464–504.",
    "Cheung & Rensvold 2002": "Cheung GW, Rensvold RB. Evaluating goodness-of-fit indexes for "
    "testing measurement invariance. Struct Equ Modeling 2002;9(2):233–255.",
    "Fornell & Larcker 1981": "Fornell C, Larcker DF. Evaluating structural equation models "
    "with unobservable variables and measurement error. J Mark Res 1981;18(1):39–50.",
    "Gadermann, Guhn & Zumbo 2012": "Gadermann AM, Guhn M, Zumbo BD. Estimating ordinal "
    "reliability for Likert-type and ordinal item response data. Pract Assess Res Eval "
    "2012;17(3):1–13.",
    "Glorfeld 1995": "Glorfeld LW. An improvement on Horn's parallel analysis methodology for "
    "selecting the correct number of factors to retain. Educ Psychol Meas 1995;55(3):377–393.",
    "Henseler et al. 2015": "Henseler J, Ringle CM, Sarstedt M. A new criterion for assessing "
    "discriminant validity in variance-based structural equation modeling. J Acad Mark Sci "
    "2015;43(1):115–135.",
    "Horn 1965": "Horn JL. A rationale and test for the number of factors in factor analysis. "
    "Psychometrika 1965;30(2):179–185.",
    "Kish 1965": "Kish L. Survey sampling. Wiley; 1965.",
    "MacCallum et al. 1992": "MacCallum RC, Roznowski M, Necowitz LB. Model modifications in "
    "covariance structure analysis: the problem of capitalization on chance. Psychol Bull "
    "1992;111(3):490–504.",
    "MacCallum et al. 1999": "MacCallum RC, Widaman KF, Zhang S, Hong S. Sample size in factor "
    "analysis. Psychol Methods 1999;4(1):84–99.",
    "Marsh 1996": "Marsh HW. Positive and negative global self-esteem: a substantively "
    "meaningful distinction or artifactors? J Pers Soc Psychol 1996;70(4):810–819.",
    "Muthén & Satorra 1995": "Muthén BO, Satorra A. Complex sample data in structural equation "
    "modeling. Sociol Methodol 1995;25:267–316.",
    "Raykov 1997": "Raykov T. Estimation of composite reliability for congeneric measures. "
    "Appl Psychol Meas 1997;21(2):173–184.",
    "Satorra & Bentler 1994": "Satorra A, Bentler PM. Corrections to test statistics and "
    "standard errors in covariance structure analysis. In: von Eye A, Clogg CC, eds. Latent "
    "variables analysis. Sage; 1994:399–419.",
    "Sörbom 1989": "Sörbom D. Model modification. Psychometrika 1989;54(3):371–384.",
    "Zumbo, Gadermann & Zeisser 2007": "Zumbo BD, Gadermann AM, Zeisser C. Ordinal versions of "
    "coefficients alpha and theta for Likert rating scales. J Mod Appl Stat Methods "
    "2007;6(1):21–29.",
    "Wolf et al. 2013": "Wolf EJ, Harrington KM, Clark SL, Miller MW. Sample size "
    "requirements for structural equation models: an evaluation of power, bias, and "
    "solution propriety. Educ Psychol Meas 2013;73(6):913–934.",
}
