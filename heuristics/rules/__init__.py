"""The built-in rules, imported in this order so that each registers itself (datasette's
DEFAULT_PLUGINS style). Adding a rule module means adding it here and documenting its codes."""

from . import counterfeit, protection, seller, shipping  # noqa: F401

BUILTIN_RULE_MODULES = (seller, protection, shipping, counterfeit)
