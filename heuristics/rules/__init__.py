"""The built-in rules. Importing this package registers them (datasette's DEFAULT_PLUGINS
style): adding a rule module means importing it here and documenting its codes."""

from . import counterfeit, messages, price, protection, reviews, seller, shipping  # noqa: F401
