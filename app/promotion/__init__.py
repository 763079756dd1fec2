"""Competition as assessment (以赛代评): proposals from final results, approval, skill-level records."""
