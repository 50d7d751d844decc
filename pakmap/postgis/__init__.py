"""PostgreSQL/PostGIS as a source and a destination of layers, through psycopg 3.

A team's shared boundaries and statistics live in one database instead of a copy per office. Modules:

- ``address``: what to read or write (``postgresql://…/schema.table``, or a project's
  ``[layers.source]`` table) as a ``PgSource``; never a password (``service=``, ``PGPASSFILE`` and
  the ``PG*`` variables carry credentials, as for PostgreSQL's own tools);
- ``connection``: connecting with connect and statement timeouts; every database error as one
  line naming the server (never the password) and the fix;
- ``read``: rows into frames (WKB geometry through shapely, plain points straight into columns);
- ``layer``: ``PostgisLayer``, read lazily: metadata on open, only the features under the view
  when drawn (``ST_MakeEnvelope && geom``), the whole table when something needs it all;
- ``catalog``: the spatial tables of a database, for "Add PostGIS layer…";
- ``write``: a joined layer, its join report and export record written in one transaction.
"""
