"""Facilitator account security: sign-in throttling, two-factor gate, session limits,
cache headers. See docs/security.md for the threat model this implements."""
