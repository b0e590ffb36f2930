"""The database: opening it, its schema and migrations, and the SQL of every table."""
