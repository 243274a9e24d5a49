"""Threat-intelligence export of leaks: STIX 2.1 bundles, MISP events, the TAXII 2.1 collection.

    vigie.intel.model   LeakExport (what one export says), IntelSource (who may see what)
    vigie.intel.stix    build_stix_bundle: incident (incident-core extension), identities, url
                        observables, notes, TLP 2.0 markings
    vigie.intel.misp    build_misp_event: MISP objects and infoleak/gdpr/tlp tags

Layer: below the entry points (`vigie.cli`, `vigie.web`), above the composition root. The web
serves TAXII from it, the CLI writes files from it; it reads the leak store, the per-organisation
impacts, the fragment store and the token registry that the caller built.

No export holds an identifier of a person: counts, type names, masked provenance, and an
organisation's own keyed tokens only in that organisation's export.
"""

from __future__ import annotations

from vigie.intel.model import (
    TLP_LEVELS,
    IntelError,
    IntelSource,
    LeakExport,
    LeakImpacts,
    Recipient,
    Tlp,
    UnknownLeak,
)

__all__ = ["TLP_LEVELS", "IntelError", "IntelSource", "LeakExport", "LeakImpacts", "Recipient", "Tlp",
           "UnknownLeak"]
