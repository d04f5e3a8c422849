"""The Textual app: interview, candidates, model detail, pull and smoke, export.

Only this package imports Textual; ``advisor.tui.launch.run_app(args)`` is the entry.
"""
