"""Which fields of a layer are personal data, and whether its rows are people or households.

Layer-level detection, beside the layer model: every reader flags a layer when it opens it, before
any export exists. What an export may then publish is the export policy's decision
(``pakmap.protection``), which sits above the renderers and reads these flags.

* ``detect``: sensitive fields by name and by content; whether a layer's rows are people/households.
* ``headers``: header words per language (English, Urdu, Pashto, Dari), Arabic-script folding.
* ``values``: value rules (phones, CNICs, PoR and case numbers…) on a sample of each column.
* ``categories``: the kinds of personal data and their wording.
"""
