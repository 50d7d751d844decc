"""UNHCR palettes, symbols and page templates, as data (TOML/SVG) that an officer can edit."""
