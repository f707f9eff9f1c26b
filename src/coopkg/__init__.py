"""coopkg: a knowledge graph of regional and cross-border S&T innovation cooperation.

The package follows the data: ``sources`` (strict parsing) → ``checks`` (terms, dangling
links, SHACL) → ``reasoning`` (bounded OWL 2 RL) → ``release`` (dumps, VoID, checksums,
atomic publish) → ``store`` (open a release for querying) → ``web`` (HTTP). ``build`` wires
the first four; ``cli`` only parses arguments.
"""

__version__ = "0.1.0"
