//! `indexer.detect.scan.scan` (the free-text scanner) on ASCII cells, and `scan_only`'s view of
//! it: the cells of a dump's untyped columns (phones such as `06 90 02 96 86`, `+33 (0)9 ...`,
//! `0034 825 98 11 31`, timestamps, ids) and the typed values that did not validate as a whole.
//!
//! Exact or nothing: the cell is scanned here only when it is ASCII (then RE2's ASCII `\b`,
//! `\d`, `\s`, `\pL` and Python's `isalpha`/`isalnum` are the ASCII ones), candidates come from
//! the same pattern under the same leftmost-first semantics (`regex` and RE2 both follow Perl's
//! alternation priorities; matches are taken left to right from the end of the previous one, as
//! `_re2fast.iter_spans` does), and each candidate is read by the reference's steps with the
//! ported validators. Whenever a validator defers (crypt hashes with `$`, a phone the table does
//! not cover...), the whole cell goes back to Python: nothing is appended before the end.

use crate::canon::{self as cn, Canon, Today};
use crate::phone::{self, PhoneResult};
use pyo3::prelude::*;
use regex::bytes::Regex;
use std::sync::OnceLock;

/// Whether `v` may hold an address obfuscated against scrapers (`jean [at] gmail [dot] com`):
/// an "at" or "@" in brackets, `encoded._AT_MARK` (`[\[({] ?(?:[aA][tT]|@) ?[\])}]`). Such a cell
/// goes back to the reference, which reads those addresses (`scan._obfuscated`).
pub(crate) fn obfuscated_at(v: &str) -> bool {
    let b = v.as_bytes();
    b.iter().enumerate().any(|(p, &c)| {
        if !matches!(c, b'[' | b'(' | b'{') {
            return false;
        }
        let mut q = p + 1;
        if b.get(q) == Some(&b' ') {
            q += 1;
        }
        match b.get(q) {
            Some(b'@') => q += 1,
            Some(b'a' | b'A') if matches!(b.get(q + 1), Some(b't' | b'T')) => q += 2,
            _ => return false,
        }
        if b.get(q) == Some(&b' ') {
            q += 1;
        }
        matches!(b.get(q), Some(b']' | b')' | b'}'))
    })
}

/// One identifier found: (type, canonical, start, end), offsets in the cell (bytes = chars).
pub(crate) type Hit = (&'static str, String, usize, usize);

/// What a scan needs from the caller's context (the validators that may ask Python).
/// `Ok(None)`: the caller cannot decide here, the cell goes back to the reference whole.
pub(crate) trait ScanPy {
    /// `ids.canon_iban(raw)`
    fn iban(&self, raw: &str) -> PyResult<Option<Option<String>>>;
    /// `ids.canon_luhn_id(raw, length)`
    fn luhn_id(&self, raw: &str, length: usize) -> PyResult<Option<Option<String>>>;
}

/// `_CAND` for ASCII text: `\pL` is `[A-Za-z]`, `\pM` matches nothing, `\x{a0}` never occurs,
/// and RE2's `\s` (`[\t\n\f\r ]`, without `\v`) is spelled out. Same alternatives, same order.
fn cand() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| {
        Regex::new(concat!(
            r"(?-u)",
            r"(?:[A-Za-z0-9_%+'-](?:[A-Za-z0-9._%+'-]{0,63})@(?:[A-Za-z0-9-]+\.)+(?:xn--[A-Za-z0-9-]+|[A-Za-z]{2,24}|[A-Za-z][A-Za-z]+))",
            r"|\b[A-Za-z]{6}[0-9][0-9][A-Za-z][0-9][0-9][A-Za-z][0-9]{3}[A-Za-z]\b",
            r"|\b(?:[A-Z]{2}[0-9][0-9](?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b",
            r"|(?:\$2[abxy]?\$[0-9][0-9]\$[./A-Za-z0-9]{53}|\$[156]\$[^\t\n\x0C\r $:]{1,16}\$[./A-Za-z0-9]{22,86}",
            r"|\$argon2(?:id|i|d)\$[^\t\n\x0C\r :;,|]{10,200}|\$[PH]\$[./A-Za-z0-9]{31})",
            r"|\b(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128})\b",
            r"|\b(?:[A-Za-z]{2}[0-9][0-9](?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?)\b",
            r"|(?:(?:\+|\b00)33[ .\-]?0?|\b0)[1-9](?:/[0-9][0-9]){4}\b",
            r"|(?:\+[0-9]{1,3}[ .\-]?\([0-9]{1,4}\)(?:[ .\-]?[0-9])+)",
            r"|(?:\(\+[0-9]{1,3}\)[ .\-]?[0-9](?:[ .\-]?[0-9])+)",
            r"|(?:\+?(?:\b|\()[0-9](?:[ .\-]?(?:\(0\)|[0-9])|[AaBb](?:[ .\-]?[0-9]))*)",
        ))
        .expect("the free-text candidate pattern compiles")
    })
}

/// `_CARD_AT_START`, matched at the start of one candidate.
fn card_at_start() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| {
        Regex::new(r"(?-u)\A(?:(?:[0-9]{4}[ .\-]){3}[0-9]{4}\b|[0-9]{4}[ .\-][0-9]{6}[ .\-][0-9]{5}\b)")
            .expect("the card-at-start pattern compiles")
    })
}

/// `_PHONE_IN_RUN`, searched in one candidate (its `\b` sees the candidate's own edges).
fn phone_in_run() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| {
        Regex::new(r"(?-u)(?:\+33|0033|\b0)[\t\n\x0C\r ]?\(?0?\)?[\t\n\x0C\r ]?[1-9](?:[ .\-]?[0-9][0-9]){4}\b")
            .expect("the phone-in-run pattern compiles")
    })
}

/// A validator's answer, or the signal to hand the cell back.
struct Back;

fn canon(c: Canon) -> Result<Option<String>, Back> {
    match c {
        Canon::Valid(s) => Ok(Some(s)),
        Canon::Invalid => Ok(None),
        Canon::Defer => Err(Back),
    }
}

fn phone_fr(raw: &str) -> Result<Option<String>, Back> {
    match phone::canon_phone(raw, "FR") {
        PhoneResult::Valid(s) => Ok(Some(s)),
        PhoneResult::Invalid => Ok(None),
        PhoneResult::Defer => Err(Back),
    }
}

fn lift<T>(r: PyResult<Option<T>>) -> PyResult<Result<T, Back>> {
    Ok(r?.ok_or(Back))
}

/// The static name of a Luhn-id hint (`classify_number` returns the hint as the type).
fn luhn_type(hint: &str) -> &'static str {
    match hint {
        "siren" => "siren",
        "adeli" => "adeli",
        "siret" => "siret",
        _ => "rpps",
    }
}

/// `classify_number(raw, hint)` on an ASCII candidate of the digit-run branch.
fn classify_number(raw: &str, hint: Option<&str>, want: Option<&str>, today: Today, ctx: &dyn ScanPy)
                   -> PyResult<Result<Option<(&'static str, String)>, Back>> {
    let d: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let n = d.len();
    let db = d.as_bytes();
    macro_rules! settle {
        ($t:expr, $r:expr) => {
            return Ok(match $r {
                Ok(c) => Ok(c.map(|c| ($t, c))),
                Err(b) => Err(b),
            })
        };
    }
    macro_rules! valid_or_on {
        ($t:expr, $r:expr) => {
            match $r {
                Ok(Some(c)) => return Ok(Ok(Some(($t, c)))),
                Ok(None) => {}
                Err(b) => return Ok(Err(b)),
            }
        };
    }
    if !(9..=24).contains(&n) {
        return Ok(Ok(None));
    }
    // the branches that end with a phone or nothing: a phone `want` would drop is not read
    let phone_end = |raw: &str| if want.is_none_or(|w| w == "phone") { phone_fr(raw) } else { Ok(None) };
    if raw.starts_with('+') || raw.starts_with("(+") || d.starts_with("00") || d.contains("(0)") {
        settle!("phone", phone_end(raw));
    }
    if !db.iter().all(u8::is_ascii_digit) {
        if (n == 13 || n == 15) && matches!(hint, None | Some("nir")) && (n == 15 || hint == Some("nir")) {
            settle!("nir", canon(cn::canon_nir(&d)));
        }
        return Ok(Ok(None));
    }
    if raw.contains('.') && (n == 11 || n == 13) {
        let dots = raw.matches('.').count();
        if n == 11 && dots == 3 && raw.matches('-').count() == 1 {
            settle!("national_id", canon(cn::canon_national_id(raw, "BE", today)));
        }
        if n == 13 && d.starts_with("756") && dots == 3 {
            settle!("national_id", canon(cn::canon_national_id(raw, "CH", today)));
        }
    }
    if n == 10 && db[0] == b'0' {
        settle!("phone", phone_end(raw));
    }
    if n == 11 && d.starts_with("33") {
        valid_or_on!("phone", phone_fr(raw));
    }
    if n == 15 {
        if (d.starts_with("34") || d.starts_with("37")) && hint != Some("nir") {
            valid_or_on!("card", canon(cn::canon_card(&d)));
        }
        valid_or_on!("nir", canon(cn::canon_nir(&d)));
    }
    if hint == Some("nir") && n == 13 {
        settle!("nir", canon(cn::canon_nir(&d)));
    }
    if (12..=19).contains(&n) {
        valid_or_on!("card", canon(cn::canon_card(&d)));
    }
    match hint {
        Some(h @ ("siren" | "adeli")) if n == 9 => settle!(luhn_type(h), lift(ctx.luhn_id(&d, 9))?),
        Some("siret") if n == 14 => settle!("siret", lift(ctx.luhn_id(&d, 14))?),
        Some("rpps") if n == 11 => settle!("rpps", lift(ctx.luhn_id(&d, 11))?),
        _ => Ok(Ok(None)),
    }
}

/// `_iban_in(raw)`: the IBAN the candidate is, or starts with (its shorter runs of
/// space-separated groups, longest first), and the length read.
fn iban_in(raw: &str, ctx: &dyn ScanPy) -> PyResult<Result<Option<(String, usize)>, Back>> {
    let mut end = raw.len();
    loop {
        match lift(ctx.iban(&raw[..end]))? {
            Err(b) => return Ok(Err(b)),
            Ok(Some(c)) => return Ok(Ok(Some((c, end)))),
            Ok(None) => {}
        }
        match raw[..end].rfind(' ') {
            Some(e) if e > 0 => end = e,
            _ => return Ok(Ok(None)),
        }
    }
}

/// `scan(s, out, 0, hint)`, keeping only the hits of type `want` when given (`scan_only`):
/// Ok(Some(hits)) in the reference's order, Ok(None) when the cell goes back to Python (not
/// ASCII, or a validator that defers). The validators whose answer `want` would drop are not
/// asked (they have no side effects and each candidate's branch ends with them), so a cell that
/// only they would send back to Python is decided here.
pub(crate) fn scan_cell(s: &str, hint: Option<&str>, want: Option<&str>, today: Today, ctx: &dyn ScanPy)
                        -> PyResult<Option<Vec<Hit>>> {
    let mut out: Vec<Hit> = Vec::new();
    if !s.is_ascii() {
        return Ok(None);
    }
    if want.is_none_or(|w| w == "email") && obfuscated_at(s) {
        return Ok(None); // an obfuscated address: the reference reads it
    }
    let b = s.as_bytes();
    if !b.iter().any(|&c| c.is_ascii_digit() || c == b'@' || c == b'$') {
        return Ok(Some(out));
    }
    let wants = |t: &str| want.is_none_or(|w| w == t);
    macro_rules! take {
        ($r:expr) => {
            match $r {
                Ok(x) => x,
                Err(Back) => return Ok(None),
            }
        };
    }
    // `find_iter`, with the restart `_re2fast.iter_spans` takes by `send` (the next search from
    // `pos`; `find_at` sees the text before it, so `\b` is decided as in one pass)
    let mut pos = 0;
    while pos <= b.len() {
        let Some(m) = cand().find_at(b, pos) else { break };
        let (st, en) = (m.start(), m.end());
        pos = if en > pos { en } else { pos + 1 };
        let raw = &s[st..en];
        let rb = raw.as_bytes();
        let c0 = rb[0];
        if rb.contains(&b'@') {
            // `.maelys@x.fr`: a leading dot, no address `maelys@x.fr` (`scan.scan`'s; "ZOË.LEROY@" is not ASCII: Python's)
            let dotted = st > 0 && b[st - 1] == b'.' && (st < 2 || b[st - 2] != b'.');
            if st > 0 && b[st - 1].is_ascii_alphanumeric() || dotted || !wants("email") {
                continue;
            }
            if let Some(exact) = take!(canon(cn::canon_email(raw))) {
                let g = cn::email_gmail(&exact);
                out.push(("email", exact, st, en));
                if let Some(g) = g {
                    out.push(("email", g, st, en));
                }
            }
            continue;
        }
        if c0 == b'$' {
            if wants("password_hash") {
                if let Some(c) = take!(canon(cn::canon_password_hash(raw))) {
                    out.push(("password_hash", c, st, en));
                }
            }
            continue;
        }
        let len = rb.len();
        if matches!(len, 32 | 40 | 64 | 128) && !rb.iter().all(u8::is_ascii_digit) && rb.iter().all(u8::is_ascii_hexdigit) {
            if matches!(hint, Some("password" | "hash")) && wants("password_hash") {
                if let Some(c) = take!(canon(cn::canon_password_hash(raw))) {
                    out.push(("password_hash", c, st, en));
                }
            }
            continue;
        }
        if len == 16 && rb[..6].iter().all(u8::is_ascii_alphabetic) {
            if wants("national_id") {
                if let Some(c) = take!(canon(cn::canon_national_id(raw, "IT", today))) {
                    out.push(("national_id", c, st, en));
                }
            }
            continue;
        }
        if c0.is_ascii_alphabetic() && len > 1 && rb[1].is_ascii_alphabetic() {
            // the restart below depends on the IBAN's answer: asked whenever it may happen
            let may_restart = rb.contains(&b' ') && rb.iter().any(u8::is_ascii_lowercase);
            if wants("iban") || may_restart {
                match take!(iban_in(raw, ctx)?) {
                    Some((c, end)) => {
                        if wants("iban") {
                            out.push(("iban", c, st, st + end));
                        }
                    }
                    None if may_restart => pos = st + raw.find(' ').unwrap_or(0) + 1,
                    None => {}
                }
            }
            continue;
        }
        if rb.contains(&b'/') {
            // 06/12/34/56/78: a phone unless a slash continues it (a path, a date)
            let path = st > 0 && b[st - 1] == b'/' || en < b.len() && b[en] == b'/';
            if !path && wants("phone") {
                if let Some(c) = take!(phone_fr(raw)) {
                    out.push(("phone", c, st, en));
                }
            }
            continue;
        }
        if en < b.len() && b[en].is_ascii_alphabetic() {
            continue;
        }
        // `SKU-0612345678`: a number glued to a word by a dash is a code, no phone (`glued`)
        let glued = hint != Some("phone") && st >= 2 && b[st - 1] == b'-' && b[st - 2].is_ascii_alphabetic()
            && code_prefix(b, st - 1);
        let mut found = take!(classify_number(raw, hint, want, today, ctx)?);
        if hint == Some("nir") && matches!(&found, Some(("nir", c)) if wrong_key_after(b, en, rb, c)) {
            found = None; // a body whose written key is wrong is no NIR, never the body + its right key
        }
        match found {
            Some((t, c)) => {
                if wants(t) && !(glued && t == "phone") {
                    out.push((t, c, st, en));
                }
            }
            None if len > 14 && (raw.contains(' ') || raw.contains('.')) => {
                // `_CARD_AT_START`: a card printed in groups, then its expiry
                if let Some(m) = card_at_start().find(rb) {
                    if let Some(c) = take!(canon(cn::canon_card(&raw[..m.end()]))) {
                        if wants("card") {
                            out.push(("card", c, st, st + m.end()));
                        }
                        continue;
                    }
                }
                if glued || !wants("phone") {
                    continue;
                }
                for p in phone_in_run().find_iter(rb) {
                    if let Some(c) = take!(phone_fr(&raw[p.start()..p.end()])) {
                        out.push(("phone", c, st + p.start(), st + p.end()));
                    }
                }
            }
            None => {}
        }
    }
    Ok(Some(out))
}

/// `scan._wrong_key_after` on an ASCII cell: the 13-character NIR body `rb` (ending at `b[en]`)
/// is followed by a written key, `(94)`, `[94]`, `cle 94`, `key: 94`, that is not `canon`'s own.
fn wrong_key_after(b: &[u8], en: usize, rb: &[u8], canon: &str) -> bool {
    if rb.iter().filter(|c| c.is_ascii_alphanumeric()).count() != 13 {
        return false;
    }
    let n = b.len();
    let blank = |c: u8| c == b' ' || c == b'\t';
    let mut i = en;
    while i < n && blank(b[i]) {
        i += 1;
    }
    if i < n && (b[i] == b'(' || b[i] == b'[') {
        i += 1;
    } else if i + 3 <= n && (b[i..i + 3].eq_ignore_ascii_case(b"cle") || b[i..i + 3].eq_ignore_ascii_case(b"key")) {
        i += 3;
        while i < n && blank(b[i]) {
            i += 1;
        }
        if i < n && b[i] == b':' {
            i += 1;
        }
    } else {
        return false;
    }
    while i < n && blank(b[i]) {
        i += 1;
    }
    if i + 2 > n || !b[i].is_ascii_digit() || !b[i + 1].is_ascii_digit() || i + 2 < n && b[i + 2].is_ascii_digit() {
        return false;
    }
    b[i..i + 2] != canon.as_bytes()[13..]
}

/// `scan._PHONE_LABELS`' ASCII words: before a dash they still label a phone (`Tel-0612345678`).
const PHONE_LABELS: [&[u8]; 11] =
    [b"tel", b"telephone", b"phone", b"mobile", b"mob", b"portable", b"port", b"gsm", b"cell", b"fax", b"whatsapp"];

/// `scan._code_prefix`: the ASCII letters before the dash at `dash` are no phone label.
fn code_prefix(b: &[u8], dash: usize) -> bool {
    let mut j = dash;
    while j > 0 && b[j - 1].is_ascii_alphabetic() {
        j -= 1;
    }
    let w = &b[j..dash];
    !PHONE_LABELS.iter().any(|l| l.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoPy;
    impl ScanPy for NoPy {
        fn iban(&self, _: &str) -> PyResult<Option<Option<String>>> {
            Ok(None)
        }
        fn luhn_id(&self, _: &str, _: usize) -> PyResult<Option<Option<String>>> {
            Ok(None)
        }
    }

    fn spans(s: &str) -> Vec<(usize, usize)> {
        cand().find_iter(s.as_bytes()).map(|m| (m.start(), m.end())).collect()
    }

    #[test]
    fn candidates_follow_the_leftmost_first_alternation() {
        assert_eq!(spans("tel 06 90 02 96 86."), vec![(4, 18)]);
        assert_eq!(spans("+33 (0)9 07 98 96 11"), vec![(0, 20)]);
        assert_eq!(spans("a1b2"), Vec::<(usize, usize)>::new());
        assert_eq!(spans("x 12a4 5"), vec![(2, 8)]);
        assert_eq!(spans("x 12a4 x5"), vec![(2, 6)]);
        assert_eq!(spans("bob@example.com 0612"), vec![(0, 15), (16, 20)]);
        // a French number with slashes is one candidate; a date is three short ones
        assert_eq!(spans("t 06/12/34/56/78."), vec![(2, 16)]);
        assert_eq!(spans("+33 6/12/34/56/78"), vec![(0, 17)]);
        assert_eq!(spans("12/05/1990"), vec![(0, 2), (3, 5), (6, 10)]);
        // a lowercase IBAN shape, after the uppercase one (which does not take the word after it)
        assert_eq!(spans("be68 5390 0754 7034 pour"), vec![(0, 24)]);
        assert_eq!(spans("BE68 5390 0754 7034 pour"), vec![(0, 19)]);
    }

    struct Ibans;
    impl ScanPy for Ibans {
        fn iban(&self, raw: &str) -> PyResult<Option<Option<String>>> {
            let c = raw.replace(' ', "").to_ascii_uppercase();
            Ok(Some((c == "BE68539007547034").then_some(c)))
        }
        fn luhn_id(&self, _: &str, _: usize) -> PyResult<Option<Option<String>>> {
            Ok(None)
        }
    }

    #[test]
    fn iban_shapes_are_shortened_or_read_on() {
        let t = Today { this_year: 2026, cached_year: 2026, ymd: (2026, 12, 2) };
        let hits = scan_cell("be68 5390 0754 7034 pour toi", None, None, t, &Ibans).unwrap().unwrap();
        assert_eq!(hits, vec![("iban", "BE68539007547034".to_string(), 0, 19)]);
        // not an IBAN: the search goes on from its second word, where a card starts
        let hits = scan_cell("cp75 4111 1111 1111 1111", None, None, t, &Ibans).unwrap().unwrap();
        assert_eq!(hits, vec![("card", "4111111111111111".to_string(), 5, 24)]);
    }

    #[test]
    fn non_ascii_goes_back() {
        let t = Today { this_year: 2026, cached_year: 2026, ymd: (2026, 12, 2) };
        assert!(scan_cell("06\u{a0}90", None, None, t, &NoPy).unwrap().is_none());
        assert_eq!(scan_cell("no digits here", None, None, t, &NoPy).unwrap(), Some(vec![]));
        assert_eq!(scan_cell("12345678", None, None, t, &NoPy).unwrap(), Some(vec![]));
    }
}
