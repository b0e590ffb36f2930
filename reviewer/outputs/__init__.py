"""Files for people: the PDF report, results and feedback workbooks, charts, tally text."""
