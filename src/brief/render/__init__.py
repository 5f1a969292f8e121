"""Rendering: pure functions from the core's results to text, one module per view. Nothing here parses options or
prints (the commands in brief/cli/ do), and nothing imports brief.cli.

    show/        one brief (`brief show`): text.py, markdown.py, data.py (JSON/YAML), common.py (shared readings)
    summary.py   a collection's overview (`brief summary`) and the short summary of one brief
    compare.py   comparisons of positions (`brief compare`): tables in any tabulate style, csv, json, markdown, html
    records.py   lists of briefs (`brief list`, `brief search`)
    reporters.py validation results (`brief validate`)
    markdown.py  Markdown bodies laid out for a terminal
    escape.py    the escapers: Markdown, HTML, JSON
    terminal.py  colour or not, the terminal's width, ANSI styles
"""
