"""Typed assumptions, orchestration of the model chain and labelled results (pandas allowed)."""
