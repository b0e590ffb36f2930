"""The demo data bundled with reviewer: ``demo-asb-2012.csv`` and the recordings in ``audio/``.

This folder is the one copy: pyproject.toml ships the CSV and the audio in the wheel as the
package ``reviewer.bundled.demo`` (the scripts here make and check them). This file only makes
the folder importable that way.
"""
