"""The bottom layer: small helpers every other Vigie package may use, importing only the stdlib.

Nothing here may import `vigie.config`, `indexer`, `crawler`, `alerts` or the rest of `vigie`
(import-linter checks it), so that any layer can share them without a cycle.
"""

from __future__ import annotations

__all__: list[str] = []
