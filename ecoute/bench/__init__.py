"""``ecoute bench``: measurements of each stage and of the whole pipeline, each next to the naive
alternative in the same run. Results are JSON under ``bench/results/`` with the machine's facts."""
