"""One module per ``pakmap`` sub-command, each with ``register(subparsers)``."""
