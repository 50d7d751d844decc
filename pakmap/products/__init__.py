"""The information-management unit's regular products, beyond a single map.

- ``pcodes``: COD-AB P-code format (``PK`` + digits by level) and the boundaries' own codes;
- ``issue``: one finding of a data-quality report;
- ``quality``: the checks of a data-quality report (``check_quality`` → ``QualityReport``);
- ``quality_spatial``: points outside the unit they name, points far from their unit's cluster;
- ``exposure``: people and places inside a hazard footprint per admin unit (raster by windows, or polygons);
- ``sectors``: the humanitarian sectors of ``styles/sectors.toml`` and the spellings that name them;
- ``activities``: who does what where (3W): distinct partners per admin unit and sector from an activity table;
- ``sector_panels``: the 3W report's page of one small map per sector; ``threew_web``: its web map with a sector filter;
- ``report_pages``: the reports' PDF pages (a map page through the page layout, then tables) and HTML;
- ``quality_report`` / ``exposure_report`` / ``threew_report``: a report or product from files to protected outputs;
- ``spec``: ``[[products]]`` of a project file, re-run by ``pakmap render``.
"""
