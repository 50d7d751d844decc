"""The catalog of standard layers and name alias tables, as data (TOML/CSV)."""
