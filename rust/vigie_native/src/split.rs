//! Record splitting, as `indexer.detect` does it in Python: delimited rows (`shapes._split`),
//! combo lines (`shapes._COMBO`), SQL tuples and values (`records._TUPLE`, `records._SQLVAL`).
//! Offsets are in characters, like Python's.

use crate::canon::py_space;
use regex::Regex;
use std::sync::OnceLock;

/// Char offsets for byte offsets of one string, computed incrementally (free for ASCII).
pub struct CharPos<'a> {
    s: &'a [u8],
    ascii: bool,
    last_b: usize,
    last_c: usize,
}

impl<'a> CharPos<'a> {
    pub fn new(s: &'a str) -> Self {
        CharPos { s: s.as_bytes(), ascii: s.is_ascii(), last_b: 0, last_c: 0 }
    }
    /// Char offset of byte offset `b` (b must be on a char boundary).
    pub fn at(&mut self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        if b < self.last_b {
            self.last_b = 0;
            self.last_c = 0;
        }
        let n = self.s[self.last_b..b].iter().filter(|&&c| (c & 0xC0) != 0x80).count();
        self.last_c += n;
        self.last_b = b;
        self.last_c
    }
}

/// `_split(s, sep, base)`: the fields of a delimited row with their char offsets.
pub fn split_row(s: &str, sep: u8, base: i64, out: &mut Vec<(String, i64)>) {
    let b = s.as_bytes();
    let n = b.len();
    let mut cp = CharPos::new(s);
    if !s.contains('"') {
        let mut o = base;
        for v in s.split(sep as char) {
            out.push((v.to_string(), o));
            o += crate::canon::clen(v) as i64 + 1;
        }
        return;
    }
    // finditer of '"(?:[^"]|"")*"|[^SEP]*' with Python 3.7+ empty-match rules
    let mut pos = 0usize;
    let mut must_advance = false;
    while pos <= n {
        let en = match_field(b, pos, sep);
        if must_advance && en == pos {
            // no non-empty match starts here: the next one starts one character on
            if pos >= n {
                break;
            }
            pos += 1;
            must_advance = false;
            continue;
        }
        let st = pos;
        let keep = !(st > 0 && b[st - 1] != sep && en == st);
        if keep {
            let v = &s[st..en];
            let v = if v.contains("\"\"") { v.replace("\"\"", "\"") } else { v.to_string() };
            out.push((v, base + cp.at(st) as i64));
        }
        must_advance = en == st;
        pos = en;
    }
}

/// End of the leftmost-first match of '"(?:[^"]|"")*"|[^SEP]*' at `pos` (always matches).
fn match_field(b: &[u8], pos: usize, sep: u8) -> usize {
    let n = b.len();
    if pos < n && b[pos] == b'"' {
        let mut i = pos + 1;
        let mut last_pair: Option<usize> = None;
        loop {
            if i >= n {
                if let Some(q) = last_pair {
                    return q + 1;
                }
                break; // the quoted alternative fails
            }
            if b[i] != b'"' {
                i += 1;
            } else if i + 1 < n && b[i + 1] == b'"' {
                last_pair = Some(i);
                i += 2;
            } else {
                return i + 1;
            }
        }
    }
    let mut i = pos;
    while i < n && b[i] != sep {
        i += 1;
    }
    i
}

/// `_COMBO.match(s)` on a line the Python recogniser accepted: (login, its char offset,
/// password, its char offset). None when the line does not match (or holds a non-ASCII
/// character where `\d` is tested: the caller then defers the line to Python).
pub enum Combo<'a> {
    Fields(&'a str, usize, &'a str, usize),
    NoMatch,
    Defer,
}

pub fn combo(s: &str) -> Combo<'_> {
    // \A\s*(?:\d{1,7}[.)\]]\s+)?([^\s:|;]{1,128})([:|])(\S{1,256})\s*$
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let n = chars.len();
    let mut i = 0;
    while i < n && py_space(chars[i].1) {
        i += 1;
    }
    let rest = |st: usize| -> Option<(usize, usize, usize)> {
        // group 1 from st, then [:|], then group 3, then \s*$ ; returns (g1 end, g3 start, g3 end)
        let mut j = st;
        while j < n && !(py_space(chars[j].1) || matches!(chars[j].1, ':' | '|' | ';')) {
            j += 1;
        }
        let l1 = j - st;
        if l1 < 1 || l1 > 128 || j >= n || !matches!(chars[j].1, ':' | '|') {
            return None;
        }
        let g3 = j + 1;
        let mut k = g3;
        while k < n && !py_space(chars[k].1) {
            k += 1;
        }
        let l3 = k - g3;
        if l3 < 1 || l3 > 256 {
            return None;
        }
        let mut t = k;
        while t < n && py_space(chars[t].1) {
            t += 1;
        }
        if t != n {
            return None;
        }
        Some((j, g3, k))
    };
    let byte = |c: usize| if c < n { chars[c].0 } else { s.len() };
    // the numbering prefix first
    let mut d = i;
    while d < n && chars[d].1.is_ascii_digit() {
        d += 1;
    }
    if d < n && !chars[d].1.is_ascii() && chars[d].1.is_numeric() {
        return Combo::Defer; // `\d` is Unicode in Python: this could still be the numbering
    }
    if d > i && d - i <= 7 && d < n && matches!(chars[d].1, '.' | ')' | ']') {
        let mut w = d + 1;
        while w < n && py_space(chars[w].1) {
            w += 1;
        }
        if w > d + 1 {
            if let Some((j, g3, k)) = rest(w) {
                return Combo::Fields(&s[byte(w)..byte(j)], w, &s[byte(g3)..byte(k)], g3);
            }
        }
    }
    match rest(i) {
        Some((j, g3, k)) => Combo::Fields(&s[byte(i)..byte(j)], i, &s[byte(g3)..byte(k)], g3),
        None => Combo::NoMatch,
    }
}

fn tuple_re() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| Regex::new(r#"\(((?:'(?:[^'\\]|\\.|'')*'|[^'()])*)\)"#).expect("tuple regex"))
}

fn sqlval_re() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| Regex::new(r#"'(?:[^'\\]|\\.|'')*'|[^,]+"#).expect("sql value regex"))
}

/// The records of one SQL INSERT line from char `pos` on (`iter_spans(_TUPLE, s[pos:])` and
/// `_sql_fields`), offsets from `base` (the char offset of `s[pos]` in the fragment).
pub fn sql_tuples(s: &str, pos_chars: usize, base: i64) -> Vec<Vec<(String, i64)>> {
    let start_b = s.char_indices().nth(pos_chars).map(|(b, _)| b).unwrap_or(s.len());
    let tail = &s[start_b..];
    let mut cp = CharPos::new(tail);
    let mut out = Vec::new();
    // group 1 is the match without its two parentheses: the match alone (the lazy DFA) is
    // enough, where captures ran the bounded backtracker on every tuple
    for m in tuple_re().find_iter(tail) {
        let (gs, ge) = (m.start() + 1, m.end() - 1);
        let inner = &tail[gs..ge];
        let inner_base = base + cp.at(gs) as i64;
        let mut icp = CharPos::new(inner);
        let mut fields = Vec::new();
        for m in sqlval_re().find_iter(inner) {
            let v = m.as_str();
            let st = icp.at(m.start()) as i64;
            if let Some(q) = v.strip_prefix('\'') {
                // `v[1:-1]`: the last char, not byte, goes (an unclosed quote may end in "é"),
                // and a lone quote gives ""
                let q = match q.char_indices().next_back() {
                    Some((b, _)) => &q[..b],
                    None => q,
                };
                fields.push((q.replace("\\'", "'").replace("''", "'"), inner_base + st + 1));
            } else {
                fields.push((v.to_string(), inner_base + st));
            }
        }
        out.push(fields);
    }
    out
}
