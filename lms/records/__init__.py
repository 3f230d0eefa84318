"""Records: the participation ledger every area writes to, and (later) HR's reports on it."""
