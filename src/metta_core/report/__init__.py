"""Reports read from the stats database: `analyze` (HTML + JSON + PDF of one policy) and
`dashboard` (policies x evals JSON and an HTML heatmap). Nothing here runs environments."""
