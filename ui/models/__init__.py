"""The Qt table models, one QAbstractTableModel per table with its COL_* constants."""
