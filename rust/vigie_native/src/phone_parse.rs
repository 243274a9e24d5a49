//! The part of Python `phonenumbers` that `canon_phone` calls, ported on the generated table:
//! `parse` (possible-number extraction, country code from `+`/IDD/the region's own code,
//! national prefix and carrier code with transform rules, lengths), then `is_valid_number`
//! (the region among those sharing a calling code, then the type patterns) and E.164.
//! Python function names are given at each step; inputs are already restricted by `phone.rs`
//! to ASCII digits, `+`, separators and no-break space, one byte per character.

use super::phone_table::{Compiled, Desc, Piece, RegionData, Table, FIXED_LINE, GENERAL, MOBILE};
use super::PhoneResult::{self, Defer, Invalid, Valid};
use super::NBSP;

/// phonenumbers' VALID_PUNCTUATION, restricted to the accepted characters (no tab, no '+').
fn is_punct(b: u8) -> bool {
    matches!(b, b'-' | b' ' | NBSP | b'(' | b')' | b'.' | b'/')
}

fn digits(s: &[u8]) -> Vec<u8> {
    s.iter().copied().filter(u8::is_ascii_digit).collect()
}

pub(super) fn e164(cc: u32, nsn: &[u8]) -> String {
    let mut out = String::with_capacity(4 + nsn.len());
    out.push('+');
    let (mut div, mut seen) = (100, false);
    while div > 0 {
        let d = cc / div % 10;
        seen |= d != 0 || div == 1;
        if seen {
            out.push(char::from(b'0' + d as u8));
        }
        div /= 10;
    }
    out.extend(nsn.iter().map(|&b| b as char));
    out
}

// --------------------------------------------------------------------- pattern tests
fn full(re: &Option<super::phone_table::Full>, s: &[u8]) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(s))
}

/// `_is_number_matching_desc`: the possible lengths first, then the pattern.
fn matches_desc(nsn: &[u8], d: &Option<Desc>) -> bool {
    match d {
        None => false,
        Some(d) => {
            let n = nsn.len() as i32;
            (d.lengths.is_empty() || d.lengths.contains(&n)) && full(&d.re, nsn)
        }
    }
}

/// `_match_national_number(number, general_desc, False)`: the pattern only.
pub(super) fn matches_general(c: &Compiled, s: &[u8]) -> bool {
    c.descs[GENERAL].as_ref().is_some_and(|d| full(&d.re, s))
}

/// `_number_type_helper(...) != UNKNOWN`.
fn has_type(nsn: &[u8], r: &RegionData, c: &Compiled) -> bool {
    if !matches_desc(nsn, &c.descs[GENERAL]) {
        return false;
    }
    // Python tests the types in its order and returns the first that matches; only whether
    // one does matters here, so the likeliest go first (a dump's numbers are fixed lines and
    // mobiles: the eight other types were eight regex calls before them), and when the union
    // of every type's pattern does not match, none of them can (invalid numbers: one call)
    if matches_desc(nsn, &c.descs[FIXED_LINE]) || (!r.same_mobile_fixed && matches_desc(nsn, &c.descs[MOBILE])) {
        return true;
    }
    if let Some(Some(union)) = r.any_type() {
        if !union.is_match(nsn) {
            return false;
        }
    }
    c.descs[1..FIXED_LINE].iter().any(|d| matches_desc(nsn, d))
}

#[derive(PartialEq)]
enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

/// `_test_number_length(number, metadata)` for the UNKNOWN type (the general description).
fn test_length(s: &[u8], c: &Compiled) -> Length {
    let g = c.descs[GENERAL].as_ref().expect("checked at compile");
    let n = s.len() as i32;
    if g.local.contains(&n) {
        return Length::LocalOnly;
    }
    let (first, last) = (g.lengths[0], g.lengths[g.lengths.len() - 1]);
    if first == n {
        Length::Possible
    } else if first > n {
        Length::TooShort
    } else if last < n {
        Length::TooLong
    } else if g.lengths[1..].contains(&n) {
        Length::Possible
    } else {
        Length::Invalid
    }
}

// ------------------------------------------------------------------ phonenumbers.parse
enum ParseErr {
    /// NumberParseException.INVALID_COUNTRY_CODE (parse retries after a '+')
    CountryCode,
    /// any other NumberParseException: canon_phone returns None
    Other,
}

/// `_maybe_strip_national_prefix_carrier_code`, the number only.
fn strip_national_prefix<'a>(number: &'a [u8], c: &Compiled) -> std::borrow::Cow<'a, [u8]> {
    use std::borrow::Cow;
    let Some((re, groups)) = &c.npfp else { return Cow::Borrowed(number) };
    if number.is_empty() {
        return Cow::Borrowed(number);
    }
    let Some(caps) = re.captures(number) else { return Cow::Borrowed(number) };
    let end = caps.get(0).map_or(0, |m| m.end());
    let viable_original = matches_general(c, number);
    match &c.transform {
        Some(rule) if caps.get(*groups).is_some() => {
            // re.sub(pattern, rule, number, count=1): the match is the one at 0
            let mut t = Vec::with_capacity(number.len() + 4);
            for p in rule {
                match p {
                    Piece::Lit(l) => t.extend_from_slice(l),
                    Piece::Group(g) => t.extend_from_slice(caps.get(*g).map_or(&[][..], |m| m.as_bytes())),
                }
            }
            t.extend_from_slice(&number[end..]);
            if viable_original && !matches_general(c, &t) {
                Cow::Borrowed(number)
            } else {
                Cow::Owned(t)
            }
        }
        _ => {
            let rest = &number[end..];
            if viable_original && !matches_general(c, rest) {
                Cow::Borrowed(number)
            } else {
                Cow::Borrowed(rest)
            }
        }
    }
}

/// `_extract_country_code` on a normalised number.
fn extract_cc(t: &Table, full_number: &[u8]) -> Option<(u32, usize)> {
    if full_number.first().is_none_or(|&b| b == b'0') {
        return None;
    }
    let mut cc = 0u32;
    for (i, &b) in full_number.iter().take(3).enumerate() {
        cc = cc * 10 + u32::from(b - b'0');
        if t.regions_for(cc).is_some() {
            return Some((cc, i + 1));
        }
    }
    None
}

/// `_maybe_extract_country_code`: (country code or 0, national number when a code was found).
fn maybe_extract_cc(t: &Table, number: &[u8], c: &Compiled, r: &RegionData) -> Result<(u32, Vec<u8>), ParseErr> {
    if number.is_empty() {
        return Ok((0, Vec::new()));
    }
    // _maybe_strip_i18n_prefix_and_normalize
    let plus = number.iter().take_while(|&&b| b == b'+').count();
    let (from_default, full_number) = if plus > 0 {
        (false, digits(&number[plus..]))
    } else {
        let norm = digits(number);
        match c.intl.as_ref().and_then(|re| re.find(&norm)) {
            Some(m) if norm.get(m.end()) != Some(&b'0') => (false, norm[m.end()..].to_vec()),
            _ => (true, norm),
        }
    };
    if !from_default {
        if full_number.len() <= 2 {
            return Err(ParseErr::Other); // TOO_SHORT_AFTER_IDD
        }
        return match extract_cc(t, &full_number) {
            Some((cc, n)) => Ok((cc, full_number[n..].to_vec())),
            None => Err(ParseErr::CountryCode),
        };
    }
    let cc_str = r.cc.to_string();
    if let Some(potential) = full_number.strip_prefix(cc_str.as_bytes()) {
        let potential = strip_national_prefix(potential, c);
        if (!matches_general(c, &full_number) && matches_general(c, &potential))
            || test_length(&full_number, c) == Length::TooLong
        {
            return Ok((r.cc, potential.into_owned()));
        }
    }
    Ok((0, Vec::new()))
}

/// `_extract_possible_number` then `_is_viable_phone_number`, on the accepted characters.
fn viable_number(s: &[u8]) -> Option<&[u8]> {
    let start = s.iter().position(|&b| b == b'+' || b.is_ascii_digit())?;
    let end = s.iter().rposition(u8::is_ascii_digit)? + 1;
    if end <= start {
        return None;
    }
    let x = &s[start..end];
    if x.len() < 2 {
        return None;
    }
    if x.len() == 2 && x.iter().all(u8::is_ascii_digit) {
        return Some(x);
    }
    let rest = &x[x.iter().take_while(|&&b| b == b'+').count()..];
    let ok = rest.iter().all(|&b| b.is_ascii_digit() || is_punct(b))
        && rest.iter().filter(|b| b.is_ascii_digit()).count() >= 3;
    ok.then_some(x)
}

/// `phonenumbers.parse(s, region)` then `is_valid_number` and E.164 formatting.
pub(super) fn parse_valid(t: &Table, s: &[u8], region: &RegionData) -> PhoneResult {
    if s.len() > 250 {
        return Invalid;
    }
    let Some(x) = viable_number(s) else { return Invalid };
    let Some(c0) = region.compiled() else { return Defer };
    let extracted = match maybe_extract_cc(t, x, c0, region) {
        Err(ParseErr::CountryCode) if x[0] == b'+' => {
            let plus = x.iter().take_while(|&&b| b == b'+').count();
            match maybe_extract_cc(t, &x[plus..], c0, region) {
                Ok((0, _)) => return Invalid,
                other => other,
            }
        }
        other => other,
    };
    let (cc, mut nnn, c) = match extracted {
        Err(_) => return Invalid,
        Ok((0, _)) => (region.cc, digits(x), c0),
        Ok((cc, n)) => {
            let Some(main) = t.regions_for(cc).and_then(|v| v.first()) else { return Defer };
            let Some(r) = t.region_or_nongeo(cc, main) else { return Defer };
            let Some(c) = r.compiled() else { return Defer };
            (cc, n, c)
        }
    };
    if nnn.len() < 2 {
        return Invalid;
    }
    let potential = strip_national_prefix(&nnn, c);
    if !matches!(test_length(&potential, c), Length::TooShort | Length::LocalOnly | Length::Invalid) {
        nnn = potential.into_owned();
    }
    if nnn.len() < 2 || nnn.len() > 17 {
        return Invalid; // TOO_SHORT_NSN (unreachable in practice, as phonenumbers says), TOO_LONG
    }
    // is_valid_number: region_code_for_number, then is_valid_number_for_region
    let Some(regions) = t.regions_for(cc) else { return Defer };
    let mut found = None;
    if regions.len() == 1 {
        found = t.region_or_nongeo(cc, &regions[0]);
        if found.is_none() {
            return Invalid; // metadata_for_region_or_calling_code gave None
        }
    } else {
        for id in regions {
            let Some(cand) = t.region(id) else { continue };
            let Some(cc_) = cand.compiled() else { return Defer };
            let hit = match &cc_.leading {
                Some(ld) => ld.is_match(&nnn),
                None => has_type(&nnn, cand, cc_),
            };
            if hit {
                found = Some(cand);
                break;
            }
        }
    }
    let Some(vr) = found else { return Invalid };
    if vr.id != "001" && !vr.id.starts_with("001:") && vr.cc != cc {
        return Invalid;
    }
    let Some(vc) = vr.compiled() else { return Defer };
    if has_type(&nnn, vr, vc) {
        Valid(e164(cc, &nnn))
    } else {
        Invalid
    }
}
