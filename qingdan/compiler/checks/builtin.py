"""Imports every module that registers a semantic check."""
