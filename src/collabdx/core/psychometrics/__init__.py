"""Research mode (issue 5): reliability, agreement, group comparisons and structure.

Pure numpy/scipy/pandas. Entry points: :func:`run_psychometrics` and
:func:`result_to_dict`; synthetic data with a known structure in :mod:`.synthetic`;
every threshold and its source in :mod:`.thresholds`.
"""

from collabdx.core.psychometrics.analysis import (
    PsychometricsResult,
    result_to_dict,
    run_psychometrics,
)

__all__ = ["PsychometricsResult", "result_to_dict", "run_psychometrics"]
