//! The phone metadata table that `gen_phone_table.py` writes from the Python `phonenumbers`
//! package (generated/phone_table.txt), parsed once and compiled region by region on first use.
//!
//! Every pattern is compiled as `regex::bytes` without Unicode classes: the validator only ever
//! runs them on strings of ASCII digits, where `\d` means the same as Python's, and the crate's
//! leftmost-first semantics give the same match end and captures as Python's backtracking `re`
//! (libphonenumber's patterns have no backreferences or lookaround). A region any of whose
//! patterns fails to compile here is never judged: the caller defers it to Python.

use regex::bytes::{Regex, RegexBuilder};
use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::util::primitives::StateID;
use regex_automata::Anchored;
use std::collections::HashMap;
use std::sync::OnceLock;

pub(crate) const TABLE_TEXT: &str = include_str!("../generated/phone_table.txt");
const TABLE_FORMAT: &str = "1";
/// Index of the general description in `RegionData::descs`; the others follow in the order
/// phonenumbers' `_number_type_helper` tests them: premium rate, toll free, shared cost, voip,
/// personal, pager, uan, voicemail, fixed line, mobile.
pub(crate) const GENERAL: usize = 0;
pub(crate) const FIXED_LINE: usize = 9;
pub(crate) const MOBILE: usize = 10;
const N_DESCS: usize = 11;

/// A number description as written in the table (lengths, local-only lengths, pattern).
struct RawDesc {
    lengths: Vec<i32>,
    local: Vec<i32>,
    pattern: String,
}

/// One region's metadata, as strings until the region is first used.
pub(crate) struct RegionData {
    pub id: String,
    pub cc: u32,
    intl_prefix: Option<String>,
    npfp: Option<String>,
    transform: Option<String>,
    leading_digits: Option<String>,
    pub same_mobile_fixed: bool,
    descs: Vec<Option<RawDesc>>,
    compiled: OnceLock<Result<Compiled, String>>,
    any_type: OnceLock<Result<Option<Full>, String>>,
}

/// A number description ready to test: `re` is None for an empty pattern (matches nothing).
pub(crate) struct Desc {
    pub lengths: Vec<i32>,
    pub local: Vec<i32>,
    pub re: Option<Full>,
}

/// A `\A(?:p)\z` pattern: the regex, and the same pattern as a dense DFA built at its first
/// test (None when it would be large). A phone's tests were the regex crate's meta engine,
/// ~300 instructions a call for a 9-digit number; the DFA reads one transition a byte.
pub(crate) struct Full {
    re: Regex,
    pattern: String,
    dfa: OnceLock<Option<(dense::DFA<Vec<u32>>, StateID)>>,
}

impl Full {
    pub fn is_match(&self, s: &[u8]) -> bool {
        match self.dfa.get_or_init(|| full_dfa(&self.pattern)) {
            Some((dfa, start)) => {
                let mut sid = *start;
                for &b in s {
                    sid = dfa.next_state(sid, b);
                    if dfa.is_dead_state(sid) {
                        return false;
                    }
                }
                dfa.is_match_state(dfa.next_eoi_state(sid))
            }
            None => self.re.is_match(s),
        }
    }

    /// The regex alone (for the tests: the DFA must answer as it does).
    #[cfg(test)]
    pub fn regex_is_match(&self, s: &[u8]) -> bool {
        self.re.is_match(s)
    }
}

/// The anchored dense DFA of `pattern` (already `\A(?:p)\z`), bytes and ASCII classes as
/// `build` compiles it, with its start state at a haystack's start, or None past a size limit.
fn full_dfa(pattern: &str) -> Option<(dense::DFA<Vec<u32>>, StateID)> {
    let dfa = dense::Builder::new()
        .configure(
            dense::DFA::config()
                .start_kind(StartKind::Anchored)
                .dfa_size_limit(Some(1 << 21))
                .determinize_size_limit(Some(1 << 22)),
        )
        .syntax(regex_automata::util::syntax::Config::new().unicode(false).utf8(false))
        .build(pattern)
        .ok()?;
    // every search starts at the haystack's start (no look-behind byte): `\A` holds there
    let start = dfa.start_state(&regex_automata::util::start::Config::new().anchored(Anchored::Yes)).ok()?;
    Some((dfa, start))
}

/// A piece of a national prefix transform rule (Python `re.sub` template).
pub(crate) enum Piece {
    Lit(Vec<u8>),
    Group(usize),
}

/// A region's compiled patterns.
pub(crate) struct Compiled {
    pub descs: Vec<Option<Desc>>,
    /// international prefix, anchored at the start only (Python `pattern.match`)
    pub intl: Option<Regex>,
    /// national prefix for parsing, anchored at the start only, with its capture count
    pub npfp: Option<(Regex, usize)>,
    /// national prefix transform rule, None when absent or empty
    pub transform: Option<Vec<Piece>>,
    pub leading: Option<Regex>,
}

pub(crate) struct Table {
    pub version: String,
    pub regions: Vec<RegionData>,
    pub by_region: HashMap<String, usize>,
    /// the same for two-letter codes, indexed by (first - 'A') * 26 + (second - 'A')
    by_code: Vec<u16>,
    pub nongeo: HashMap<u32, usize>,
    /// COUNTRY_CODE_TO_REGION_CODE, main region first ("001" for non-geographic codes)
    /// indexed by the calling code (1 to 999): no hashing on the hot path
    cc_regions: Vec<Option<Vec<String>>>,
}

fn build(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(1 << 24)
        .build()
        .map_err(|e| format!("{pattern}: {e}"))
}

/// `\A(?:p)\z`: Python's `fullmatch` (phonenumbers' `_match_national_number`).
fn full(pattern: &str) -> Result<Full, String> {
    let pattern = format!(r"\A(?:{pattern})\z");
    Ok(Full { re: build(&pattern)?, pattern, dfa: OnceLock::new() })
}

/// `\A(?:p)`: Python's `pattern.match` (a prefix), leftmost-first like Python's backtracking.
fn prefix(pattern: &str) -> Result<Regex, String> {
    build(&format!(r"\A(?:{pattern})"))
}

/// Python's `re.sub` template syntax as the metadata uses it: literals and `\N` (one digit,
/// 1-9); anything else (named groups, escapes, `\0`) is refused so the region defers.
fn template(rule: &str, groups: usize) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut lit = Vec::new();
    let b = rule.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            let g = b.get(i + 1).copied().unwrap_or(0);
            let next_is_digit = b.get(i + 2).is_some_and(u8::is_ascii_digit);
            if !(b'1'..=b'9').contains(&g) || next_is_digit || (g - b'0') as usize > groups {
                return Err(format!("transform rule {rule:?} is beyond what the port handles"));
            }
            if !lit.is_empty() {
                out.push(Piece::Lit(std::mem::take(&mut lit)));
            }
            out.push(Piece::Group((g - b'0') as usize));
            i += 2;
        } else {
            lit.push(b[i]);
            i += 1;
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    Ok(out)
}

impl RegionData {
    fn compile(&self) -> Result<Compiled, String> {
        let mut descs = Vec::with_capacity(N_DESCS);
        for d in &self.descs {
            descs.push(match d {
                None => None,
                Some(d) => Some(Desc {
                    lengths: d.lengths.clone(),
                    local: d.local.clone(),
                    re: if d.pattern.is_empty() { None } else { Some(full(&d.pattern)?) },
                }),
            });
        }
        if descs[GENERAL].as_ref().is_none_or(|d| d.lengths.is_empty()) {
            // phonenumbers indexes general_desc.possible_length[0]: an IndexError in Python
            return Err(format!("{}: no general description lengths", self.id));
        }
        let intl = self.intl_prefix.as_deref().map(prefix).transpose()?;
        let npfp = match self.npfp.as_deref() {
            None | Some("") => None,
            Some(p) => {
                let re = prefix(p)?;
                let groups = re.captures_len() - 1;
                Some((re, groups))
            }
        };
        let transform = match (self.transform.as_deref(), &npfp) {
            (None | Some(""), _) => None,
            // a transform rule without a capture group: Python raises IndexError on a match
            (Some(rule), Some((_, g))) if *g > 0 => Some(template(rule, *g)?),
            (Some(rule), _) => return Err(format!("{}: transform rule {rule:?} without a group", self.id)),
        };
        let leading = self.leading_digits.as_deref().map(prefix).transpose()?;
        Ok(Compiled { descs, intl, npfp, transform, leading })
    }

    /// The region's compiled patterns, or None when one of them does not compile here.
    pub fn compiled(&self) -> Option<&Compiled> {
        self.compiled.get_or_init(|| self.compile()).as_ref().ok()
    }

    /// The union of the type patterns, `\A(?:(?:p1)|(?:p2)...)\z`, as identifiers._RegionRules
    /// joins them for 9 digits (lengths not checked here: every description of FR and its
    /// overseas regions allows 9); Ok(None) when the region has no type pattern (matches nothing).
    pub fn any_type(&self) -> Option<Option<&Full>> {
        let r = self.any_type.get_or_init(|| {
            let pats: Vec<String> = self.descs[GENERAL + 1..]
                .iter()
                .flatten()
                .filter(|d| !d.pattern.is_empty())
                .map(|d| format!("(?:{})", d.pattern))
                .collect();
            if pats.is_empty() { Ok(None) } else { full(&pats.join("|")).map(Some) }
        });
        r.as_ref().ok().map(Option::as_ref)
    }

    /// Compile now; the error says which pattern failed (for the tests).
    pub fn compile_error(&self) -> Option<String> {
        if self.any_type().is_none() {
            return Some(format!("{}: the union of its type patterns", self.id));
        }
        self.compiled.get_or_init(|| self.compile()).as_ref().err().cloned()
    }
}

fn opt(s: &str) -> Option<String> {
    (s != "~").then(|| s.to_string())
}

fn lengths(s: &str) -> Result<Vec<i32>, String> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',').map(|n| n.parse::<i32>().map_err(|e| format!("length {n:?}: {e}"))).collect()
}

fn desc(s: &str) -> Result<Option<RawDesc>, String> {
    if s == "~" {
        return Ok(None);
    }
    let mut it = s.splitn(3, '|');
    let (l, lo, p) = (it.next(), it.next(), it.next());
    match (l, lo, p) {
        (Some(l), Some(lo), Some(p)) => Ok(Some(RawDesc { lengths: lengths(l)?, local: lengths(lo)?, pattern: p.to_string() })),
        _ => Err(format!("number description {s:?}")),
    }
}

fn parse(text: &str) -> Result<Table, String> {
    let mut t = Table {
        version: String::new(),
        regions: Vec::new(),
        by_region: HashMap::new(),
        by_code: vec![u16::MAX; 26 * 26],
        nongeo: HashMap::new(),
        cc_regions: vec![None; 1000],
    };
    for (no, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || format!("phone table line {}: {line:.60}", no + 1);
        match f[0] {
            "V" if f.len() == 3 && f[1] == TABLE_FORMAT => t.version = f[2].to_string(),
            "C" if f.len() == 3 => {
                let cc = f[1].parse::<u32>().ok().filter(|cc| (1..1000).contains(cc)).ok_or_else(bad)?;
                t.cc_regions[cc as usize] = Some(f[2].split(',').map(str::to_string).collect());
            }
            "R" if f.len() == 8 + N_DESCS => {
                // calling codes have 1 to 3 digits (phone_parse::e164 relies on it)
                let cc = f[2].parse::<u32>().ok().filter(|cc| (1..1000).contains(cc)).ok_or_else(bad)?;
                let descs = f[8..].iter().map(|d| desc(d)).collect::<Result<Vec<_>, _>>()?;
                let r = RegionData {
                    id: f[1].to_string(),
                    cc,
                    intl_prefix: opt(f[3]),
                    npfp: opt(f[4]),
                    transform: opt(f[5]),
                    leading_digits: opt(f[6]),
                    same_mobile_fixed: f[7] == "1",
                    descs,
                    compiled: OnceLock::new(),
                    any_type: OnceLock::new(),
                };
                let idx = t.regions.len();
                if let Some(code) = r.id.strip_prefix("001:") {
                    t.nongeo.insert(code.parse::<u32>().map_err(|_| bad())?, idx);
                } else {
                    if let [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] = r.id.as_bytes() {
                        t.by_code[usize::from(a - b'A') * 26 + usize::from(b - b'A')] = u16::try_from(idx).map_err(|_| bad())?;
                    }
                    t.by_region.insert(r.id.clone(), idx);
                }
                t.regions.push(r);
            }
            _ => return Err(bad()),
        }
    }
    if t.version.is_empty() {
        return Err(format!("phone table has no version line of format {TABLE_FORMAT}"));
    }
    Ok(t)
}

/// The table, parsed on first use; Err when the embedded file is malformed.
pub(crate) fn table() -> Result<&'static Table, &'static str> {
    static T: OnceLock<Result<Table, String>> = OnceLock::new();
    T.get_or_init(|| parse(TABLE_TEXT)).as_ref().map_err(String::as_str)
}

impl Table {
    pub fn region(&self, id: &str) -> Option<&RegionData> {
        // region codes are two capital letters: an array index, no hashing on the hot path
        match id.as_bytes() {
            [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => {
                let i = self.by_code[usize::from(a - b'A') * 26 + usize::from(b - b'A')];
                (i != u16::MAX).then(|| &self.regions[usize::from(i)])
            }
            _ => self.by_region.get(id).map(|&i| &self.regions[i]),
        }
    }

    /// COUNTRY_CODE_TO_REGION_CODE[cc], main region first ("001" for non-geographic codes).
    pub fn regions_for(&self, cc: u32) -> Option<&[String]> {
        self.cc_regions.get(cc as usize).and_then(|r| r.as_deref())
    }

    /// phonenumbers' `metadata_for_region_or_calling_code`.
    pub fn region_or_nongeo(&self, cc: u32, id: &str) -> Option<&RegionData> {
        if id == "001" {
            self.nongeo.get(&cc).map(|&i| &self.regions[i])
        } else {
            self.region(id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every region's descriptions and type union: the DFA answers as the regex on digit
    /// strings of every length a number has (random, plus each pattern's prefixes of the
    /// French numbers' shapes), and most patterns do get a DFA.
    #[test]
    fn dfa_is_the_regex() {
        let t = table().expect("table");
        let mut seed = 3u64;
        let (mut with_dfa, mut without, mut hits) = (0, 0, 0);
        for r in &t.regions {
            let Some(c) = r.compiled() else { continue };
            let mut fulls: Vec<&Full> = c.descs.iter().flatten().filter_map(|d| d.re.as_ref()).collect();
            if let Some(Some(u)) = r.any_type() {
                fulls.push(u);
            }
            for f in fulls {
                for _ in 0..300 {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let n = 1 + (seed >> 59) as usize % 17;
                    let mut s: Vec<u8> = (0..n).map(|k| b'0' + ((seed >> (k * 3 % 60)) % 10) as u8).collect();
                    if seed % 13 == 0 {
                        s.push(b"+ -x\n"[(seed >> 7) as usize % 5]);
                    }
                    let want = f.regex_is_match(&s);
                    assert_eq!(f.is_match(&s), want, "{} {:?} {:?}", r.id, f.pattern, String::from_utf8_lossy(&s));
                    hits += want as usize;
                }
                if f.dfa.get().is_some_and(Option::is_some) { with_dfa += 1 } else { without += 1 }
            }
        }
        assert!(with_dfa > 10 * (without + 1) && hits > 100, "{with_dfa} {without} {hits}");
        // the French numbers' shapes: a mobile, a fixed line, an invalid 08 9, overseas lines
        let fr = t.region("FR").and_then(RegionData::compiled).expect("FR");
        for s in [&b"612345678"[..], b"140000000", b"890000000", b"690123456", b"999999999", b"6123456789", b""] {
            for d in fr.descs.iter().flatten().filter_map(|d| d.re.as_ref()) {
                assert_eq!(d.is_match(s), d.regex_is_match(s));
            }
        }
    }
}
