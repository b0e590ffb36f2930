"""The question sets bundled with reviewer (the YAML files in this folder).

This folder is the one copy: pyproject.toml ships it in the wheel as the package
``reviewer.bundled.question_sets``, and ``reviewer sets list`` lists it. This file only makes the
folder importable that way; a new set needs nothing but its YAML file here.
"""
