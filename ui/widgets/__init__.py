"""The widgets and helpers the screens are built from: the player, the rate chart, the scoring
screen's panels, table fitting, layout and accessibility helpers."""
