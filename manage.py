#!/usr/bin/env python
"""Django's manage.py for development; the same as `collabdx manage`."""

from collabdx.web.manage import main

if __name__ == "__main__":
    main()
