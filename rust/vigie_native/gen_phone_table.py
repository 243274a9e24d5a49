"""Write the phone metadata table the Rust core (src/phone.rs) embeds, from the installed
`phonenumbers` package, so that the compiled validator reads exactly the data the Python
reference (indexer.identifiers.canon_phone) reads.

The table is a committed text file (generated/phone_table.txt): a clean clone builds without
Python at compile time, and a diff shows what a phonenumbers upgrade changed. Its first lines
name the phonenumbers version; the extension compares it with the installed one at import and,
on a mismatch, defers every phone to Python (tests/test_native_phone.py fails until the table is
regenerated). Regenerate with:

    .venv/bin/python rust/vigie_native/gen_phone_table.py          # write
    .venv/bin/python rust/vigie_native/gen_phone_table.py --check  # exit 1 when stale

Format (UTF-8, one record per line, fields separated by TAB, "~" for an absent value):
    V <table format> <phonenumbers version>
    C <country code> <region,region,...>      COUNTRY_CODE_TO_REGION_CODE, main region first
    R <id> <cc> <intl prefix> <national prefix for parsing> <transform rule> <leading digits>
      <same mobile and fixed line 0|1> <general> <premium> <toll free> <shared cost> <voip>
      <personal> <pager> <uan> <voicemail> <fixed line> <mobile>
where <id> is a region code, or "001:<cc>" for a non-geographic calling code, and each number
description is "~" when absent, else "<lengths>|<local-only lengths>|<pattern>" (lengths
comma-separated, possibly empty; the pattern is the rest of the field, possibly empty).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata, PhoneNumberDesc

__all__ = ["FORMAT", "OUT", "render"]

FORMAT = "1"
OUT = Path(__file__).resolve().parent / "generated" / "phone_table.txt"
# the order _number_type_helper tests them in (the general description comes first)
_DESCS = ("general_desc", "premium_rate", "toll_free", "shared_cost", "voip", "personal_number",
          "pager", "uan", "voicemail", "fixed_line", "mobile")


def _opt(value: str | None) -> str:
    if value is None:
        return "~"
    if value == "~" or any(c in value for c in "\t\n\r"):
        raise ValueError(f"phonenumbers metadata value {value!r} cannot be written to the table: "
                         "extend gen_phone_table.py's format")
    return value


def _desc(d: PhoneNumberDesc | None) -> str:
    if d is None:
        return "~"
    lengths = ",".join(str(n) for n in (d.possible_length or ()))
    local = ",".join(str(n) for n in (d.possible_length_local_only or ()))
    pattern = d.national_number_pattern or ""
    return f"{lengths}|{local}|{_opt(pattern)}"


def _region_line(ident: str, md: PhoneMetadata) -> str:
    fields = [
        "R", ident, str(md.country_code), _opt(md.international_prefix),
        _opt(md.national_prefix_for_parsing), _opt(md.national_prefix_transform_rule),
        _opt(md.leading_digits), "1" if md.same_mobile_and_fixed_line_pattern else "0",
        *(_desc(getattr(md, name)) for name in _DESCS),
    ]
    return "\t".join(fields)


def render() -> str:
    """The whole table for the installed phonenumbers, deterministic (sorted) so that the
    committed file only changes when the metadata does."""
    lines = [f"V\t{FORMAT}\t{phonenumbers.__version__}"]
    for cc in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE):
        lines.append(f"C\t{cc}\t{','.join(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc])}")
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        md = PhoneMetadata.metadata_for_region(region)
        if md is None:
            raise SystemExit(f"phonenumbers lists {region} but has no metadata for it: reinstall phonenumbers")
        lines.append(_region_line(region, md))
    for cc in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        md = PhoneMetadata.metadata_for_nongeo_region(cc)
        if md is None:
            raise SystemExit(f"phonenumbers lists +{cc} but has no metadata for it: reinstall phonenumbers")
        lines.append(_region_line(f"001:{cc}", md))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed table is stale")
    ap.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} does not match phonenumbers {phonenumbers.__version__}: "
                  f"run {sys.executable} {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
        args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: phonenumbers {phonenumbers.__version__}, {len(text)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
