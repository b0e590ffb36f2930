"""The screens, one per module (audits, scoring, results, compare, calibration, plan). Each
module's docstring says what it shows and which operations it calls."""
