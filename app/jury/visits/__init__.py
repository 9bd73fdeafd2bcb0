"""Stage 2: the mystery-shopper checklist, visits and outside findings."""
