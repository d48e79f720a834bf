"""``python -m collabdx.cli``: how ``collabdx serve`` starts the worker."""

from collabdx.cli import main

main()
