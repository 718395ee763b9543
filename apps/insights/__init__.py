"""Insights: trust made visible, in figures both members of a tandem see alike.

See docs/insights.md. Nothing here is stored except the record that a monthly look back was
sent; every figure is counted from the other apps' rows, month by month in the tandem's
timezone, through their own selectors.
"""
