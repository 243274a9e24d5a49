//! The sparse-text prefilter (issue 17): one pass over the bytes of many posts that says which
//! of them can hold a fragment at all, with the engine's exact "this seed line stands alone and
//! is nothing" test done here instead of in Python.
//!
//! `sparse_scan(items, max_line_chars, max_item)` returns, for the posts that are not proved
//! empty, `(index, code, checks)`:
//! - `DETECT` (1): the engine must see the post (a seed line with a non-blank neighbour, a
//!   statement or `{`/`[`/`MSH|` head, or anything `decode()` would change: not UTF-8, NUL, CR,
//!   a BOM, maybe HTML, too long);
//! - `CHECK` (2): every seed line stands alone and is nothing, except the lines in `checks`,
//!   `(line, three lines above)` as the engine sees them (quote prefixes set aside), whose
//!   label needs `seeds.alone_is_nothing` (the label tables stay Python's): the post is empty
//!   iff that says True for each.
//!
//! A post left out is one on which `indexer.detect.detect_text` would return `[]`: each of its
//! seed lines (a superset of `seeds._SEED_PATTERN`'s, which `candidate_starts` draws its start
//! lines from) has blank lines on both sides after quote prefixes are set aside, and
//! `alone_is_nothing` holds for it, which is the `continue` the engine's main loop takes for
//! every start line. Anything this code cannot decide exactly goes back to Python (`CHECK`
//! or `DETECT`), so it can only ever keep too much, never lose a fragment; the differential
//! tests (tests/test_prefilter_native.py) compare `detect_many` with `detect()` post by post.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};
use crate::canon::py_space;
use regex::bytes::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const DETECT: u8 = 1;
pub const CHECK: u8 = 2;

// byte classes for the one pass
const C_AT: u8 = 1; // '@'
const C_DIGIT: u8 = 2; // 0-9
const C_SEP: u8 = 4; // " ./-" between digits of a run (seeds._SEEDC)
const C_COMBO: u8 = 8; // ':' '|' (a combo line needs one)
const C_GATE: u8 = 16; // NUL, CR, '<' and 0xEF (maybe a BOM): looked at closer
const C_NL: u8 = 32; // '\n'
const C_RARE: u8 = C_AT | C_COMBO | C_GATE | C_NL;

const fn table() -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b'@' as usize] = C_AT;
    let mut d = b'0';
    while d <= b'9' {
        t[d as usize] = C_DIGIT;
        d += 1;
    }
    t[b' ' as usize] = C_SEP;
    t[b'.' as usize] = C_SEP;
    t[b'/' as usize] = C_SEP;
    t[b'-' as usize] = C_SEP;
    t[b':' as usize] = C_COMBO;
    t[b'|' as usize] = C_COMBO;
    t[0] = C_GATE;
    t[b'\r' as usize] = C_GATE;
    t[b'<' as usize] = C_GATE;
    t[0xEF] = C_GATE;
    t[b'\n' as usize] = C_NL;
    t
}

static CLASS: [u8; 256] = table();

/// `seeds._SEED_PATTERN`'s combo-line branch on one line (no "\n"); RE2's `\s` is [\t\n\f\r ].
fn combo_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?-u)\A[ \t>]*(?:[0-9]+[.)\]][ \t]+)?[^\t\n\x0c\r :|;]+[:|][^\t\n\x0c\r ]+[ \t]*\z").unwrap()
    })
}

/// Whether a 16-byte block holds a digit or a byte of C_RARE (written to vectorise).
#[inline]
fn interesting(ch: &[u8; 16]) -> bool {
    let mut m = 0u8;
    for &c in ch {
        m |= ((c.wrapping_sub(b'0') < 10) | (c == b'@') | (c == b':') | (c == b'|') | (c == b'\n') | (c == b'<')
            | (c == 0) | (c == b'\r') | (c == 0xEF)) as u8;
    }
    m != 0
}

/// What one post needs: nothing, the engine, or the label test on some lines.
pub enum Verdict {
    Nothing,
    Detect,
    Check(Vec<(usize, usize, Vec<(usize, usize)>)>), // (line start, end, 3 lines above), stripped
}

/// A line is blank for the engine's alone test when it is made of `seeds.RULE_CHARS` only.
#[inline]
fn blank(l: &[u8]) -> bool {
    l.iter().all(|&c| matches!(c, b' ' | b'\t' | b'-' | b'_' | b'=' | b'*' | b'~' | b'#' | b'+'))
}

/// Start of line [s, e) after its quote prefix (`indexer.detect._QUOTE_PREFIX`: ">" then up to
/// 8 of "> "), as the engine sets it aside before the alone test.
#[inline]
fn unquote(b: &[u8], s: usize, e: usize) -> usize {
    if s < e && b[s] == b'>' {
        let mut p = s + 1;
        let lim = (s + 9).min(e);
        while p < lim && (b[p] == b'>' || b[p] == b' ') {
            p += 1;
        }
        return p;
    }
    s
}

/// Whether `<` at `i` may open HTML for `decode()` (superset of `_HTML_SNIFF`, as the
/// Hyperscan gate has it: `<` then `!`, an ASCII letter or a non-ASCII byte).
#[inline]
fn html_gate(b: &[u8], i: usize) -> bool {
    match b.get(i + 1) {
        Some(&c) => c == b'!' || c.is_ascii_alphabetic() || c >= 0x80,
        None => false,
    }
}

/// The engine's view of one post (see the module docstring).
pub fn classify<E>(b: &[u8], max_line_chars: usize, starts: &mut Vec<usize>, seeds: &mut Vec<usize>,
                   judge: &mut dyn FnMut(&str) -> Result<bool, E>) -> Result<Verdict, E> {
    if b.len() > max_line_chars {
        return Ok(Verdict::Detect); // the engine may cut long lines: let it
    }
    starts.clear();
    seeds.clear();
    starts.push(0);
    let mut line_seed = false; // '@' or an 8-digit run seen on this line
    let mut line_combo = false; // ':' or '|' seen on this line
    let mut run = 0u32; // digits in the run ending at the previous byte (0: not a digit)
    let mut after_sep = 0u32; // the run before a separator that the previous byte was
    let mut gate = false;
    let n = b.len();
    let mut i = 0;
    while i < n {
        // 16 bytes at a time while they hold no digit and no byte of C_RARE (most of prose):
        // one vectorised test, and the digit run is then broken (no digit in 16 bytes)
        let end = if i + 16 <= n {
            let chunk: &[u8; 16] = b[i..i + 16].try_into().unwrap();
            if !interesting(chunk) {
                run = 0;
                after_sep = 0;
                i += 16;
                continue;
            }
            i + 16
        } else {
            n
        };
        while i < end {
            let c = b[i];
            let k = CLASS[c as usize];
            let r = if k & C_DIGIT != 0 { 1 + run.max(after_sep) } else { 0 };
            after_sep = if k & C_SEP != 0 { run } else { 0 };
            run = r;
            line_seed |= r >= 8;
            if k & C_RARE != 0 {
                if k & C_AT != 0 {
                    line_seed = true;
                } else if k & C_COMBO != 0 {
                    line_combo = true;
                } else if k & C_NL != 0 {
                    let s = *starts.last().unwrap();
                    if line_seed || is_seed_line(&b[s..i], line_combo) {
                        seeds.push(starts.len() - 1);
                    }
                    starts.push(i + 1);
                    line_seed = false;
                    line_combo = false;
                } else {
                    gate |= match c {
                        b'<' => html_gate(b, i),
                        0xEF => i + 2 < n && b[i + 1] == 0xBB && b[i + 2] == 0xBF,
                        _ => true, // NUL, CR
                    };
                }
            }
            i += 1;
        }
    }
    let s = *starts.last().unwrap();
    if line_seed || is_seed_line(&b[s..n], line_combo) {
        seeds.push(starts.len() - 1);
    }
    if gate || std::str::from_utf8(b).is_err() {
        return Ok(Verdict::Detect); // decode() would change the text (or pick another code page)
    }
    if seeds.is_empty() {
        return Ok(Verdict::Nothing); // no seed line: candidate_starts is empty
    }
    let nl = starts.len();
    let bounds = |k: usize| -> (usize, usize) {
        let ls = starts[k];
        let le = if k + 1 < nl { starts[k + 1] - 1 } else { n };
        (unquote(b, ls, le), le)
    };
    let mut checks = Vec::new();
    for &st in seeds.iter() {
        if st > 0 {
            let (ps, pe) = bounds(st - 1);
            if !blank(&b[ps..pe]) {
                return Ok(Verdict::Detect);
            }
        }
        if st + 1 < nl {
            let (ns, ne) = bounds(st + 1);
            if !blank(&b[ns..ne]) {
                return Ok(Verdict::Detect);
            }
        }
        let (s, e) = bounds(st);
        // valid UTF-8 (checked above), cut on line and quote-prefix boundaries (ASCII)
        let line = std::str::from_utf8(&b[s..e]).unwrap_or("");
        let answer = match alone_is_nothing(line) {
            Alone::Decided(x) => Some(x),
            Alone::Unknown => None,
            Alone::Label(ls, le) => {
                if judge(&line[ls..le])? {
                    Some(false) // a label that names something (a dox, a stealer log)
                } else {
                    // `not any(_KV.match(x) for x in above())`, on the 3 lines above
                    let mut any = Some(false);
                    for k in st.saturating_sub(3)..st {
                        let (x, y) = bounds(k);
                        match kv_match(std::str::from_utf8(&b[x..y]).unwrap_or("")) {
                            None => any = None,
                            Some(Some(_)) => {
                                any = Some(true);
                                break;
                            }
                            Some(None) => {}
                        }
                    }
                    any.map(|a| !a)
                }
            }
        };
        match answer {
            Some(true) => {}
            Some(false) => return Ok(Verdict::Detect),
            None => {
                let above = (st.saturating_sub(3)..st).map(bounds).collect();
                checks.push((s, e, above));
            }
        }
    }
    Ok(if checks.is_empty() { Verdict::Nothing } else { Verdict::Check(checks) })
}

/// The line-shaped branches of `seeds._SEED_PATTERN` (the `@` and digit-run ones are counted
/// in the pass): a combo line, or a line opening with a statement or an HL7 header.
#[inline]
fn is_seed_line(l: &[u8], combo: bool) -> bool {
    if combo && combo_re().is_match(l) {
        return true;
    }
    match l.first() {
        Some(b'M') => l.starts_with(b"MSH|"),
        Some(b'C') => l.starts_with(b"COPY ") || l.starts_with(b"CREATE "),
        Some(b'I') => l.starts_with(b"INSERT "),
        Some(b'R') => l.starts_with(b"REPLACE "),
        _ => false,
    }
}

/// What `seeds.alone_is_nothing` says of a line, as far as this code can tell.
enum Alone {
    Decided(bool),
    Label(usize, usize), // a `key: value` line: its label (byte range) and the lines above decide
    Unknown,             // Python decides (the non-ASCII cases this code does not know)
}

/// Python's `\d` (`str.isdecimal`) where this code knows it: ASCII, and the blocks with no
/// decimal digit at all (below U+0660, general punctuation to miscellaneous symbols, emoji).
#[inline]
fn py_digit(c: char) -> Option<bool> {
    if c.is_ascii() {
        return Some(c.is_ascii_digit());
    }
    let u = c as u32;
    if u < 0x660 || (0x2000..0x2c00).contains(&u) || (0x1f300..0x1fb00).contains(&u) {
        Some(false)
    } else {
        None
    }
}

/// `shapes._KV.match(s)`: `\A\s*(?:[-*•]\s*)?([^\s\d:=>*•-][^:=>\t;|]{0,40})(?::|=>|->|=)\s*(\S.*)`,
/// walked by hand (the label stops at the first of `:=>\t;|`; only `->` can end it one
/// character earlier). Some(Some(label byte range)), Some(None) for no match, None when a
/// character's class is not known here.
fn kv_match(s: &str) -> Option<Option<(usize, usize)>> {
    let cs: Vec<(usize, char)> = s.char_indices().collect();
    let n = cs.len();
    let mut p = 0;
    while p < n && py_space(cs[p].1) {
        p += 1;
    }
    if p < n && matches!(cs[p].1, '-' | '*' | '•') {
        p += 1;
        while p < n && py_space(cs[p].1) {
            p += 1;
        }
    }
    if p >= n {
        return Some(None);
    }
    let c1 = cs[p].1;
    match py_digit(c1) {
        None => return None,
        Some(true) => return Some(None),
        Some(false) => {}
    }
    if py_space(c1) || matches!(c1, ':' | '=' | '>' | '*' | '•' | '-') {
        return Some(None);
    }
    let lab = p;
    let mut j = p + 1;
    while j < n && !matches!(cs[j].1, ':' | '=' | '>' | '\t' | ';' | '|') {
        j += 1;
    }
    if j >= n {
        return Some(None);
    }
    let sep = match cs[j].1 {
        ':' | '=' => j,
        '>' if j > lab + 1 && cs[j - 1].1 == '-' => j - 1,
        _ => return Some(None),
    };
    if sep - lab > 41 {
        return Some(None); // the label is 1 + {0,40} characters
    }
    if !cs[j + 1..].iter().any(|&(_, c)| !py_space(c)) {
        return Some(None); // `\s*(\S.*)`: something after the separator
    }
    Some(Some((cs[lab].0, cs[sep].0)))
}

/// `seeds.alone_is_nothing(s, above)` up to its label test (see `Alone`).
fn alone_is_nothing(s: &str) -> Alone {
    let t = s.trim_start_matches(py_space);
    if t.is_empty() || t.starts_with('{') || t.starts_with('[') || t.starts_with("MSH|") {
        return Alone::Decided(false); // Python: `t[:1] in "{["` holds for "" too
    }
    let h: Vec<char> = t.chars().take(6).collect();
    if h.iter().any(|&c| c == 'ı' || c == 'ſ') {
        return Alone::Unknown; // `t[:6].upper()`: the two that upper-case to ASCII letters
    }
    let up = |w: &str| h.len() >= w.len() && h.iter().zip(w.chars()).all(|(a, b)| a.to_ascii_uppercase() == b);
    if (h.len() == 6 && (up("INSERT") || up("REPLAC") || up("CREATE"))) || up("COPY ") {
        return Alone::Decided(false);
    }
    if !s.bytes().any(|c| c == b':' || c == b'=' || c == b'>') {
        return Alone::Decided(true);
    }
    match kv_match(s) {
        None => Alone::Unknown,
        Some(None) => Alone::Decided(true),
        Some(Some((a, b))) => Alone::Label(a, b),
    }
}

/// sparse_scan(items: list, max_line_chars: int, max_item: int, judge) -> [(index, code, checks)]
/// for the items that are not proved empty; see the module docstring. An item that is not
/// bytes, or longer than `max_item`, is `DETECT`. `judge(label) -> bool` is Python's answer to
/// "does this `key: value` label name something" (`norm_name(l) in _STEALER or _label(l)`),
/// asked once per distinct label per call.
#[pyfunction]
pub fn sparse_scan<'py>(py: Python<'py>, items: Bound<'py, PyList>, max_line_chars: usize, max_item: usize,
                        judge: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let mut starts = Vec::with_capacity(64);
    let mut seeds = Vec::with_capacity(16);
    let empty = PyList::empty(py);
    let mut cache: HashMap<String, bool> = HashMap::new();
    let mut ask = |label: &str| -> PyResult<bool> {
        if let Some(&v) = cache.get(label) {
            return Ok(v);
        }
        let v: bool = judge.call1((label,))?.is_truthy()?;
        cache.insert(label.to_string(), v);
        Ok(v)
    };
    for (k, it) in items.iter().enumerate() {
        let v = match it.cast::<PyBytes>() {
            Ok(bytes) if bytes.as_bytes().len() <= max_item => {
                classify(bytes.as_bytes(), max_line_chars, &mut starts, &mut seeds, &mut ask)?
            }
            _ => Verdict::Detect,
        };
        match v {
            Verdict::Nothing => {}
            Verdict::Detect => out.append((k, DETECT, empty.clone()))?,
            Verdict::Check(lines) => {
                let b = it.cast::<PyBytes>()?.as_bytes();
                let text = |s: usize, e: usize| PyString::new(py, std::str::from_utf8(&b[s..e]).unwrap_or(""));
                let checks = PyList::empty(py);
                for (s, e, above) in lines {
                    let ab = PyList::empty(py);
                    for (x, y) in above {
                        ab.append(text(x, y))?;
                    }
                    checks.append((text(s, e), ab))?;
                }
                out.append((k, CHECK, checks))?;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(s: &str) -> u8 {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut judge = |l: &str| -> Result<bool, ()> { Ok(l == "Email") };
        match classify(s.as_bytes(), 1_000_000, &mut a, &mut b, &mut judge).unwrap() {
            Verdict::Nothing => 0,
            Verdict::Detect => DETECT,
            Verdict::Check(_) => CHECK,
        }
    }

    #[test]
    fn prose_and_lone_seeds() {
        assert_eq!(verdict("Bonjour à tous\n\nrien ici"), 0);
        assert_eq!(verdict("texte\n\na@b.fr\n\nfin"), 0);
        assert_eq!(verdict("commande 1234 5678\n\nfin"), 0);
        assert_eq!(verdict("commande 1234 567\nsuite"), 0);
        assert_eq!(verdict("a@b.fr\nx@y.fr"), DETECT);
        assert_eq!(verdict("Contact: a@b.fr"), 0);
        assert_eq!(verdict("Email: a@b.fr"), DETECT);
        assert_eq!(verdict("Nom: X\n\nContact: a@b.fr"), DETECT);
        assert_eq!(verdict("---\n> Contact: a@b.fr\n___"), 0);
        assert_eq!(verdict("Numéro de suivi 96946629672151 (colis)"), 0);
        assert_eq!(verdict("ınsert a@b.fr"), CHECK);
        assert_eq!(verdict("INSERT INTO t VALUES (1)"), DETECT);
        assert_eq!(verdict("{\"e\": \"a@b.fr\"}"), DETECT);
        assert_eq!(verdict("user:pass"), 0);
        assert_eq!(verdict("Ville: 12345678"), 0);
        assert_eq!(verdict("a\r\nb"), DETECT);
        assert_eq!(verdict("<p>x</p>"), DETECT);
        assert_eq!(verdict("\u{feff}x"), DETECT);
    }

    #[test]
    fn digit_runs() {
        assert_eq!(verdict("x 12.34.56.78 y\nz"), DETECT);
        assert_eq!(verdict("x 12..34.56.78 y\nz"), 0);
        assert_eq!(verdict("x 1234567 y\nz"), 0);
    }
}
