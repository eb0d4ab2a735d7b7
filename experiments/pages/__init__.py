"""The one page writer: self-contained HTML pages of Plotly figures, shared by the report, sweep and
comparison pages."""
