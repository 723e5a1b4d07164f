"""The monthly performance report on petitions to the mayor: figures per agency,
category, channel or district, on screen and as CSV, XLSX, ODS and PDF files."""
