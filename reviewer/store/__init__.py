"""The database: opening it, its schema and migrations, bulk writes and read queries."""
