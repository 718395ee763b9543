"""The sections of the Insights page, one module each, in the order the page shows them.

Each module has `section(ctx: Context) -> Section`, reading the other apps' rows through
their selectors in a fixed number of aggregate queries, whatever the history's length.
"""
