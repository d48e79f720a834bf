"""Facilitator accounts: sign-in (throttled, with a second factor), sign-out, sign-up,
password change and two-factor enrolment. Respondents never have accounts."""
