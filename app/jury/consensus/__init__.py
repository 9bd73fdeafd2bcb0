"""Consensus review: once an entry's independent sheets of a stage are in, its
jurors agree one score per criterion, led by one of them (Baldrige/EFQM)."""
