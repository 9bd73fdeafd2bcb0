"""Results of an edition: the numbers (scores, normalisation, positions) and
the ranking service that feeds the ranking page, the office feedback, the
exports and the `flask ranking` command."""
