"""The reporting kit every business's report is made of (issue 14).

- `periods`: months and their labels (民國 115 年 10 月), the choice of recent months,
  the first moment of a Taipei day;
- `forms`: the month form and the check of a range of days;
- `table`: the `Table` of plain values that feeds a page, its chart and every file;
- `responses`: one response for the CSV, XLSX, ODS and PDF files;
- `views`: the report page's steps (permission, period form, figures, page or file).

The figures themselves come from the business's selectors, and the statistics of
tracked items from the engine (`yankao.tracking.statistics`).
"""
