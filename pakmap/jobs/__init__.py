"""What the command line and the desktop app run end to end, above every other part of the core.

* ``outputs``: ``write_output``, the one way a loaded project becomes files (output check → protection
  guard → the exporter of the output's suffix → export record); ``check_exports`` before reading.
* ``info``: ``describe``, what ``pakmap info`` prints about a file.
* ``quickmap``: the project ``pakmap map`` builds in memory.
* ``demo``, ``demo_data``: ``pakmap demo``, the example project on generated or real boundaries.
* ``qgis_project``: a project as a QGIS ``.qgz`` with its published layers in a GeoPackage.
* ``style_files``: one layer's style to and from ``.qml``/``.sld`` files, in and out of a project.
"""
