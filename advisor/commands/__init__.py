"""One module per subcommand: ``add_parser(subparsers)`` registers it and sets
``func``-style dispatch through ``parser.set_defaults(run=run)``."""
