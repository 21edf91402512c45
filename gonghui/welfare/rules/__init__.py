"""Rules of welfare and assistance, one module per area:
mutualaid, campaigns, hardship."""
