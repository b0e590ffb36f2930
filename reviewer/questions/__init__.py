"""Question sets: the model, the YAML loader and validator, and answer logic (ask_if)."""
