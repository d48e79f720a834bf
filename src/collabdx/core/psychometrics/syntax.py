"""lavaan and Mplus syntax for the models research mode fits, to take them elsewhere.

The models are exactly those of :mod:`.structure`, :mod:`.models`, :mod:`.missing` and
:mod:`.invariance`: one factor per scale with two or more questions, keyed items
(reverse-keyed questions turned round as 6 − code, as collabdx scores them), factor
variances fixed at 1 and correlations free, maximum likelihood with the χ² = N·F_ML
of lavaan's ``likelihood = "normal"`` (Mplus's ML uses N too). Listwise deletion as
here by default; FIML with ``missing = "ml"`` / Mplus's default. The syntax names the
columns of collabdx's row-level downloads (``Q6`` … ``Q30``, ``organisation`` and
``role`` where the download keeps them).
"""

from __future__ import annotations

from collabdx.core.instruments import Instrument
from collabdx.core.psychometrics.structure import block_model


def _keyed(instrument: Instrument, items: list[str]) -> list[str]:
    return [i for i in items if instrument.items[i].reverse]


def lavaan_model(instrument: Instrument, *, method_factor: bool = False) -> str:
    """The lavaan model: one ``=~`` line per factor (and a method factor if asked)."""
    factors, _ = block_model(instrument)
    lines = [f"{f.scale_id} =~ {' + '.join(f.items)}" for f in factors]
    if method_factor:
        items = [i for f in factors for i in f.items]
        rev = _keyed(instrument, items)
        lines.append(f"reverse_wording =~ {' + '.join(rev)}")
        lines += [f"reverse_wording ~~ 0*{f.scale_id}" for f in factors]
    return "\n".join(lines)


def lavaan_script(instrument: Instrument, data_file: str = "responses.sav") -> str:
    """An R script: read the download, key the items, fit what collabdx fitted."""
    factors, left_out = block_model(instrument)
    items = [i for f in factors for i in f.items]
    rev = _keyed(instrument, items)
    top = max(instrument.items[items[0]].codes) + 1
    model = lavaan_model(instrument)
    return f"""# collabdx research mode: the models it fitted, for lavaan (R).
# Instrument: {instrument.title} ({instrument.id} v{instrument.version}).
# Single-question scales ({", ".join(left_out) or "none"}) are not in the model.
library(haven)
library(lavaan)
d <- as.data.frame(zap_labels(read_sav("{data_file}")))
# Keyed items: reverse-worded questions turned round, as collabdx scores them.
for (v in c({", ".join(f'"{i}"' for i in rev)})) d[[v]] <- {top} - d[[v]]

model <- '
{model}
'
# The CFA: factor variances 1, ML, chi-square N x F_ML, complete cases.
fit <- cfa(model, data = d, std.lv = TRUE, estimator = "ML", likelihood = "normal",
           missing = "listwise")
summary(fit, fit.measures = TRUE, standardized = TRUE)
# The Satorra-Bentler scaled test beside it.
fit_mlm <- cfa(model, data = d, std.lv = TRUE, estimator = "MLM")
modindices(fit, sort = TRUE, maximum.number = 10)
residuals(fit, type = "cor")
# FIML beside listwise deletion (missing at random).
fit_fiml <- cfa(model, data = d, std.lv = TRUE, estimator = "ML", likelihood = "normal",
                missing = "ml")
# One factor, and the higher-order model, for comparison.
one <- cfa('general =~ {" + ".join(items)}', data = d, std.lv = TRUE)
higher <- cfa(paste(model, 'general =~ {" + ".join(f.scale_id for f in factors)}'),
              data = d, std.lv = TRUE)
# Reverse-wording method factor, orthogonal to the others.
method <- cfa('
{lavaan_model(instrument, method_factor=True)}
', data = d, std.lv = TRUE)
# Measurement invariance across organisations (or roles: group = "role").
configural <- cfa(model, data = d, group = "organisation", std.lv = TRUE)
metric <- cfa(model, data = d, group = "organisation", std.lv = TRUE,
              group.equal = "loadings")
scalar <- cfa(model, data = d, group = "organisation", std.lv = TRUE,
              group.equal = c("loadings", "intercepts"))
lavTestLRT(configural, metric, scalar)
"""


def mplus_input(instrument: Instrument, data_file: str = "responses.dat") -> str:
    """An Mplus input file for the CFA (and FIML, Mplus's default with missing data)."""
    factors, _ = block_model(instrument)
    items = [i for f in factors for i in f.items]
    rev = _keyed(instrument, items)
    top = max(instrument.items[items[0]].codes) + 1
    # Mplus names hold 8 characters: F1, F2, … with the scale named in a comment.
    by = []
    for n, f in enumerate(factors, start=1):
        by.append(f"  ! F{n}: {f.name}")
        by.append(f"  F{n} BY {f.items[0]}* {' '.join(f.items[1:])};")
        by.append(f"  F{n}@1;")
    define = "\n".join(f"  {i} = {top} - {i};" for i in rev)
    names = _wrap(items)
    return f"""TITLE: collabdx research mode CFA, {instrument.id} v{instrument.version};
DATA: FILE = {data_file};
  ! Save the SPSS/Stata download as free-format numbers with these columns in this
  ! order, missing answers as "." (e.g. in R: write.table(d[items], na = ".")).
VARIABLE: NAMES = {names};
  USEVARIABLES = {names};
  MISSING = .;
DEFINE:
  ! Keyed items: reverse-worded questions turned round, as collabdx scores them.
{define}
ANALYSIS: ESTIMATOR = ML;
MODEL:
{chr(10).join(by)}
OUTPUT: STANDARDIZED MODINDICES(3.84) RESIDUAL;
"""


def _wrap(names: list[str], width: int = 70) -> str:
    """Names over several lines: Mplus reads at most 90 characters a line."""
    lines, line = [], ""
    for n in names:
        if line and len(line) + len(n) + 1 > width:
            lines.append(line)
            line = n
        else:
            line = f"{line} {n}".strip()
    lines.append(line)
    return "\n    ".join(lines)
