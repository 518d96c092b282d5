"""Rendering of the published integration report, and the disclosure control applied to it.

- ``disclosure``: which published numbers are hidden (primary and secondary suppression), and the
  sums that tie the report's numbers together. Pure functions on plain values and DataFrames.
- ``render``: the Danish report (HTML with inline CSS and SVG charts, Markdown) and the CSV files,
  built from the ``report.*`` tables and the run parameters. Pure functions plus file writing.
- ``browser``: a headless-Chromium screenshot of a rendered HTML file (visual checks).

Nothing here reads DuckDB or knows about Dagster: the assets load the tables and call
``render.render_report``. The warehouse keeps exact counts; suppression happens only here.
"""
