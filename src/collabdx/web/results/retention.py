"""Kept workshop pack PDFs and exports in the daily purge (``collab.lifecycle``).

They hold the wave's figures, so they go with its responses, once the purge's
transaction has committed (files cannot be rolled back). Registered in
``ResultsConfig.ready()`` (``collab.hooks``).
"""

from __future__ import annotations

from collabdx.web.collab.hooks import Purge
from collabdx.web.results.pack_files import delete_packs


def purge_expired_files(ids: list[int]) -> Purge:
    return Purge({"packs": delete_packs(ids)})
