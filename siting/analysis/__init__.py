"""Analyses over results: comparison, sensitivity, backtests, fitted weights, baselines."""
