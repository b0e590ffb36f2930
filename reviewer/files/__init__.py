"""Tables in and out: CSV/XLSX reading and writing, answer tables, incident lists, recordings."""
