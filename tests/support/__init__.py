"""What the tests, the benchmarks and `make screenshots` share: the saved fixtures and where
they were served, a local stand-in for AliExpress serving them, the emptor service on
127.0.0.1, Debian's Chromium with the unpacked extension, and the labelled constructed inputs.

Tests import these modules and never each other or a ``conftest``; ``bench/`` and
``tools/screenshots.py`` import them with the repository root on ``sys.path``.
"""
