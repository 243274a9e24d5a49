"""Detection, storage and search of leaked-data fragments."""
