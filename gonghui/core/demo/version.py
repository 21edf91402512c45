"""Bump DATASET_VERSION when the generated data changes shape: bench/ then regenerates its
cached district datasets. (No Django imports here: bench.run reads it before Django starts.)"""

DATASET_VERSION = 12
