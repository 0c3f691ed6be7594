"""Reference implementations: the row-by-row code a faster path replaced, kept short and
readable so that comparison tests can prove the fast path gives exactly the same results."""
