"""Policies of the `mutualaid` area of welfare."""
