"""Load, fault, bad-input and restart checks for the web app (issue 7); docs/reliability.md.

Every script here talks to 127.0.0.1 only, and every loop is bounded in count and time.
"""
