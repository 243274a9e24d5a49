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
pub fn split_row<'a>(s: &'a str, sep: u8, base: i64, out: &mut Vec<(&'a str, i64)>) {
    let b = s.as_bytes();
    let n = b.len();
    let mut cp = CharPos::new(s);
    if !s.contains('"') {
        let mut o = base;
        for v in s.split(sep as char) {
            out.push((v, o));
            o += crate::canon::clen(v) as i64 + 1;
        }
        return;
    }
    let bs = escaped(b);
    // finditer of '"(?:[^"]|"")*"|[^SEP]*' (with `\\[\s\S]` inside the quotes on a line read
    // with backslash escapes) with Python 3.7+ empty-match rules
    let mut pos = 0usize;
    let mut must_advance = false;
    while pos <= n {
        let en = match_field(b, pos, sep, bs);
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
            // the text as written, `""` and `\"` kept (`shapes._split`: the masks cover the cell)
            out.push((&s[st..en], base + cp.at(st) as i64));
        }
        must_advance = en == st;
        pos = en;
    }
}

#[inline]
fn any_sep(c: u8) -> bool {
    matches!(c, b'\t' | b';' | b'|' | b',')
}

/// `shapes._WELL_FORMED.fullmatch(s)` (`bs`: `_WELL_FORMED_BS`): fields apart by any of
/// `\t;|,`, each bare (no quote) or quoted between optional spaces, `""` inside (and `\` with
/// the next character when `bs`). The possessive pattern commits field by field, as this does.
fn well_formed(b: &[u8], bs: bool) -> bool {
    let n = b.len();
    let mut i = 0usize;
    loop {
        let mut q = i;
        while q < n && b[q] == b' ' {
            q += 1;
        }
        let mut e;
        if q < n && b[q] == b'"' {
            let mut k = q + 1;
            loop {
                if k >= n {
                    return false; // never closed (the bare reading stops at the quote)
                }
                match b[k] {
                    b'"' if k + 1 < n && b[k + 1] == b'"' => k += 2,
                    b'"' => break,
                    // any next character: a UTF-8 continuation byte is neither `"` nor `\`
                    b'\\' if bs => k += 2,
                    _ => k += 1,
                }
            }
            e = k + 1;
            while e < n && b[e] == b' ' {
                e += 1;
            }
        } else {
            e = i;
            while e < n && !any_sep(b[e]) && b[e] != b'"' {
                e += 1;
            }
        }
        if e >= n {
            return true;
        }
        if !any_sep(b[e]) {
            return false;
        }
        i = e + 1;
    }
}

/// `shapes._escaped(s)`: the line is read with backslash-escaped quotes (it holds `\"`, is not
/// well-formed RFC 4180 and is well-formed with the escapes).
pub fn escaped(b: &[u8]) -> bool {
    memchr::memmem::find(b, b"\\\"").is_some() && !well_formed(b, false) && well_formed(b, true)
}

/// End of the leftmost-first match of ' *"(?:[^"]|"")*" *|[^SEP]*' at `pos` (always matches);
/// `bs`: with `\\[\s\S]` among the quoted alternatives.
fn match_field(b: &[u8], pos: usize, sep: u8, bs: bool) -> usize {
    let n = b.len();
    let mut q0 = pos;
    while q0 < n && b[q0] == b' ' {
        q0 += 1; // fewer leading spaces cannot match either: a space is no quote
    }
    let trailing = |mut e: usize| {
        while e < n && b[e] == b' ' {
            e += 1;
        }
        e
    };
    if q0 < n && b[q0] == b'"' {
        let mut i = q0 + 1;
        let mut last_pair: Option<usize> = None;
        loop {
            // `\` at the end has no character to escape: the star stops there, as at the end
            if i >= n || (bs && b[i] == b'\\' && i + 1 >= n) {
                if let Some(q) = last_pair {
                    return trailing(q + 1);
                }
                break; // the quoted alternative fails
            }
            if bs && b[i] == b'\\' {
                i += 2; // the only alternative for a backslash: no choice to come back to
            } else if b[i] != b'"' {
                i += 1;
            } else if i + 1 < n && b[i + 1] == b'"' {
                last_pair = Some(i);
                i += 2;
            } else {
                return trailing(i + 1);
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
/// password, its char offset, the separator). None when the line does not match (or holds a
/// non-ASCII character where `\d` is tested: the caller then defers the line to Python).
pub enum Combo<'a> {
    Fields(&'a str, usize, &'a str, usize, u8),
    NoMatch,
    Defer,
}

/// The character at byte `b` of `s` and its length in bytes (ASCII without decoding).
#[inline]
fn char_at(s: &str, b: usize) -> (char, usize) {
    let c = s.as_bytes()[b];
    if c < 0x80 {
        return (c as char, 1);
    }
    let ch = s[b..].chars().next().unwrap_or('\0');
    (ch, ch.len_utf8())
}

/// The byte after a run of Python-`\s` characters from byte `b`.
#[inline]
fn skip_space(s: &str, mut b: usize) -> usize {
    let n = s.len();
    while b < n {
        let (c, l) = char_at(s, b);
        if !py_space(c) {
            break;
        }
        b += l;
    }
    b
}

/// Group 1 from byte `st`, then `[:|]`, then group 3, then `\s*$`: (g1 end, g3 start, g3 end)
/// in bytes. Each repetition is bounded by a character its neighbour cannot match, so the
/// greedy run is the only candidate (no backtracking changes the outcome).
fn combo_rest(s: &str, st: usize) -> Option<(usize, usize, usize)> {
    let n = s.len();
    let mut j = st;
    let mut l1 = 0usize;
    while j < n {
        let (c, l) = char_at(s, j);
        if py_space(c) || matches!(c, ':' | '|' | ';') {
            break;
        }
        j += l;
        l1 += 1;
        if l1 > 128 {
            return None;
        }
    }
    if l1 < 1 || j >= n || !matches!(s.as_bytes()[j], b':' | b'|') {
        return None;
    }
    let g3 = j + 1;
    let mut k = g3;
    let mut l3 = 0usize;
    while k < n {
        let (c, l) = char_at(s, k);
        if py_space(c) {
            break;
        }
        k += l;
        l3 += 1;
        if l3 > 256 {
            return None;
        }
    }
    if l3 < 1 || skip_space(s, k) != n {
        return None;
    }
    Some((j, g3, k))
}

/// Byte classes of an ASCII line for `combo_ascii`: Python's `\s` among ASCII characters
/// (\t \n \v \f \r, \x1c-\x1f, space) and the characters that end group 1 (`:|;`).
const SP: u8 = 1;
const STOP: u8 = 2;
static ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut c = 9;
    while c <= 13 {
        t[c] = SP;
        c += 1;
    }
    let mut c = 0x1c;
    while c <= 0x20 {
        t[c] = SP;
        c += 1;
    }
    t[b':' as usize] = STOP;
    t[b'|' as usize] = STOP;
    t[b';' as usize] = STOP;
    t
};

/// The first byte from `i` whose class is not `SP` (ASCII line).
#[inline(always)]
fn skip_sp(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && ASCII_CLASS[b[i] as usize] == SP {
        i += 1;
    }
    i
}

/// `combo_rest` on an ASCII line.
#[inline(always)]
fn rest_ascii(b: &[u8], st: usize) -> Option<(usize, usize, usize)> {
    let n = b.len();
    let mut j = st;
    while j < n && ASCII_CLASS[b[j] as usize] == 0 {
        j += 1;
    }
    if j == st || j - st > 128 || j >= n || !matches!(b[j], b':' | b'|') {
        return None;
    }
    let g3 = j + 1;
    let mut k = g3;
    while k < n && ASCII_CLASS[b[k] as usize] != SP {
        k += 1;
    }
    if k == g3 || k - g3 > 256 || skip_sp(b, k) != n {
        return None;
    }
    Some((j, g3, k))
}

/// `combo` on an ASCII line: the same steps on bytes with a class table (offsets are bytes).
fn combo_ascii(s: &str) -> Combo<'_> {
    let b = s.as_bytes();
    let n = b.len();
    let i = skip_sp(b, 0);
    let mut d = i;
    while d < n && b[d].is_ascii_digit() {
        d += 1;
    }
    if d > i && d - i <= 7 && d < n && matches!(b[d], b'.' | b')' | b']') {
        let w = skip_sp(b, d + 1);
        if w > d + 1 {
            if let Some((j, g3, k)) = rest_ascii(b, w) {
                return Combo::Fields(&s[w..j], w, &s[g3..k], g3, b[j]);
            }
        }
    }
    match rest_ascii(b, i) {
        Some((j, g3, k)) => Combo::Fields(&s[i..j], i, &s[g3..k], g3, b[j]),
        None => Combo::NoMatch,
    }
}

pub fn combo(s: &str) -> Combo<'_> {
    // \A\s*(?:\d{1,7}[.)\]]\s+)?([^\s:|;]{1,128})([:|])(\S{1,256})\s*$
    if s.is_ascii() {
        return combo_ascii(s);
    }
    combo_chars(s)
}

/// `combo` on any line, character by character.
fn combo_chars(s: &str) -> Combo<'_> {
    let b = s.as_bytes();
    let n = b.len();
    let i = skip_space(s, 0);
    let chars = |x: usize| s[..x].chars().count();
    let fields = |st: usize, (j, g3, k): (usize, usize, usize)| {
        Combo::Fields(&s[st..j], chars(st), &s[g3..k], chars(g3), b[j])
    };
    // the numbering prefix first
    let mut d = i;
    while d < n && b[d].is_ascii_digit() {
        d += 1;
    }
    if d < n && b[d] >= 0x80 && char_at(s, d).0.is_numeric() {
        return Combo::Defer; // `\d` is Unicode in Python: this could still be the numbering
    }
    if d > i && d - i <= 7 && d < n && matches!(b[d], b'.' | b')' | b']') {
        let w = skip_space(s, d + 1);
        if w > d + 1 {
            if let Some(r) = combo_rest(s, w) {
                return fields(w, r);
            }
        }
    }
    match combo_rest(s, i) {
        Some(r) => fields(i, r),
        None => Combo::NoMatch,
    }
}

/// `shapes._combo_line(s)`: Some(whether the line is a combo line), None where Python's
/// Unicode `\d` or `str.isdigit` decides (the caller hands the line to the reference).
pub fn combo_line(s: &str) -> Option<bool> {
    // the URL tests first: they say no whatever the match (`"://" in s`, `s.lstrip()` is the
    // same Unicode whitespace as `\s`)
    let b = s.as_bytes();
    if memchr::memchr_iter(b':', b).any(|i| b[i + 1..].starts_with(b"//")) {
        return Some(false);
    }
    let t = &s[skip_space(s, 0)..];
    if t.starts_with("http") || t.starts_with("www.") {
        return Some(false);
    }
    let (g1, g3, sep) = match combo(s) {
        Combo::Fields(g1, _, g3, _, sep) => (g1, g3, sep),
        Combo::NoMatch => return Some(false),
        Combo::Defer => return None,
    };
    if sep == b'|' && g3.contains('|') || g1.contains(',') {
        return Some(false); // (a login never holds a comma: a CSV row ending in a time is none)
    }
    // `g1.isdigit()`: g1 is never empty; an ASCII character other than a digit says no, and
    // only digits say yes when they are all ASCII ones
    if g1.bytes().any(|c| c < 0x80 && !c.is_ascii_digit()) {
        return Some(true);
    }
    if g1.is_ascii() {
        return Some(false);
    }
    None
}

/// `records.INSERT`, the head of an INSERT line up to its tuples. RE2's `\s` is `[\t\n\f\r ]`
/// (no `\v`) and its `\w` ASCII, so both are spelled out; under `(?i)` both engines fold with
/// Unicode simple case folding, keywords and the name's class alike (`ſ` is an `s`, `K` a
/// `k`), and both pick the leftmost-first match. tests/test_sql_native.py compares the two.
fn insert_re() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| {
        Regex::new(concat!(
            r#"(?i)^[\t\n\x0C\r ]*(?:(?:INSERT|REPLACE)(?:[\t\n\x0C\r ]+IGNORE)?(?:[\t\n\x0C\r ]+ALL)?"#,
            r#"(?:[\t\n\x0C\r ]+INTO)?|INTO)[\t\n\x0C\r ]+"#,
            r#"(?:[`"\[]?([0-9A-Za-z_.]+?)[`"\]]?|((?:\[[^\]\n]*\]|"[^"\n]*"|`[^`\n]*`|[0-9A-Za-z_]+)"#,
            r#"(?:[\t\n\x0C\r ]*\.[\t\n\x0C\r ]*(?:\[[^\]\n]*\]|"[^"\n]*"|`[^`\n]*`|[0-9A-Za-z_]+))*))"#,
            r#"[\t\n\x0C\r ]*(?:\(([^)]*)\))?[\t\n\x0C\r ]*VALUES[\t\n\x0C\r ]*"#
        ))
        .expect("insert regex")
    })
}

/// An INSERT line's head: where its tuples start (chars), the table and the column list.
pub struct InsertHead<'a> {
    pub end_chars: usize,
    pub table: &'a str,
    pub columns: Option<&'a str>,
}

/// `insert_match(s)` (`INSERT.match(s)`): `insert_head_ascii`'s answer, else the regex's.
pub fn insert_head(s: &str) -> Option<InsertHead<'_>> {
    match insert_head_ascii(s) {
        Some(h) => h,
        None => insert_head_re(s),
    }
}

/// `insert_re`'s captures: the bounded backtracker over the head (~14k instructions a line of a
/// dump post's INSERT, 3.6% of `bench.instructions dump_posts`).
fn insert_head_re(s: &str) -> Option<InsertHead<'_>> {
    let c = insert_re().captures(s)?;
    let m = c.get(0)?;
    Some(InsertHead {
        end_chars: s[..m.end()].chars().count(),
        table: c.get(1).or(c.get(2)).map_or("", |g| g.as_str()),
        columns: c.get(3).map(|g| g.as_str()),
    })
}

/// `insert_re`'s match read left to right, or None when a byte where a keyword, the table's name
/// or a blank is read is not ASCII (under `(?i)` `ſ` is an `s` and `K` a `k`: the regex decides).
/// Its choices are the regex's (leftmost-first): the blanks and the optional quotes and IGNORE
/// are taken whole (giving one back never lets the rest match: what follows is a letter, a
/// quote or a parenthesis that none of the next items starts with); the table's name is lazy:
/// its shortest prefix after which `[`"\]]?\s*(?:\(([^)]*)\))?\s*VALUES` matches (`myvalues
/// VALUES` is table `my`, as in RE2); the column list runs to the first `)`.
fn insert_head_ascii(s: &str) -> Option<Option<InsertHead<'_>>> {
    let b = s.as_bytes();
    let n = b.len();
    let ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let blanks = |mut p: usize| {
        while p < n && ws(b[p]) {
            p += 1;
        }
        p
    };
    // Some(end) when `word` (upper case) is at `p`, any case; Err(()) on a byte that is not ASCII
    let word = |p: usize, w: &[u8]| -> Result<Option<usize>, ()> {
        for (i, &c) in w.iter().enumerate() {
            match b.get(p + i) {
                None => return Ok(None),
                Some(&x) if x >= 0x80 => return Err(()),
                Some(&x) if x.to_ascii_uppercase() != c => return Ok(None),
                _ => {}
            }
        }
        Ok(Some(p + w.len()))
    };
    let ascii_at = |p: usize| b.get(p).is_none_or(|&c| c < 0x80);
    let mut p = blanks(0);
    let Ok(kw) = word(p, b"INSERT") else { return None };
    p = match kw {
        Some(e) => e,
        None => match word(p, b"REPLACE") {
            Ok(Some(e)) => e,
            // Oracle's `INTO t (a) VALUES` line (of an `INSERT ALL`): the regex reads it
            Ok(None) if word(p, b"INTO") == Ok(None) => return Some(None),
            Ok(None) | Err(()) => return None,
        },
    };
    let kw_end = p;
    let q = blanks(p);
    if q > p {
        match word(q, b"IGNORE") {
            Ok(Some(e)) => p = e,
            Ok(None) => {}
            Err(()) => return None,
        }
    }
    let q = blanks(p);
    if !ascii_at(q) {
        return None;
    }
    if q == p {
        // no blank after INSERT: no head; after IGNORE, the regex may read IGNORE as the name
        return if p == kw_end { Some(None) } else { None };
    }
    // from here on, what the mysqldump form does not read goes to the regex (`INTO` left out,
    // a name in brackets or quotes cut by dots): a head it reads is the regex's first choice
    p = match word(q, b"INTO") {
        Ok(Some(e)) => e,
        Ok(_) | Err(()) => return None,
    };
    let q = blanks(p);
    if !ascii_at(q) || q == p {
        return None;
    }
    p = q;
    if matches!(b.get(p), Some(b'`' | b'"' | b'[')) {
        p += 1;
    }
    let name = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'.';
    let mut r = p;
    while r < n && name(b[r]) {
        r += 1;
    }
    if !ascii_at(r) {
        return None; // the name may go on (`ſ`, `K`), or a blank or VALUES may follow
    }
    // what follows the name ending at `e`: Some((columns, end)) if the rest of the head matches
    let rest = |e: usize| -> Result<Option<(Option<(usize, usize)>, usize)>, ()> {
        let mut q = e;
        if matches!(b.get(q), Some(b'`' | b'"' | b']')) {
            q += 1;
        }
        q = blanks(q);
        let mut cols = None;
        if b.get(q) == Some(&b'(') {
            if let Some(k) = memchr::memchr(b')', &b[q + 1..]) {
                cols = Some((q + 1, q + 1 + k));
                q += k + 2;
                q = blanks(q);
            }
        }
        if !ascii_at(q) {
            return Err(());
        }
        Ok(word(q, b"VALUES")?.map(|v| (cols, blanks(v))))
    };
    for e in p + 1..=r {
        // before the name's end, only VALUES itself can follow (a name's byte is no quote,
        // blank or parenthesis)
        if e < r && !matches!(b[e], b'v' | b'V') {
            continue;
        }
        match rest(e) {
            Ok(Some((cols, end))) => {
                let end_chars = if s.is_char_boundary(end) && b[..end].is_ascii() {
                    end
                } else {
                    s[..end].chars().count()
                };
                return Some(Some(InsertHead {
                    end_chars,
                    table: &s[p..e],
                    columns: cols.map(|(x, y)| &s[x..y]),
                }));
            }
            Ok(None) => {}
            Err(()) => return None,
        }
    }
    None
}

/// `s[:1] in "IiRr"`: the lines `records.sql` tries the INSERT head on (the empty string is in
/// every string).
pub fn may_start_insert(s: &str) -> bool {
    matches!(s.as_bytes().first(), None | Some(b'I' | b'i' | b'R' | b'r'))
}

/// `s.lstrip(_BLANKS)[:1] in "IiRr"`: the lines of an INSERT run `records.sql`'s filler tries the
/// head on (Oracle's `  INTO t (a) VALUES (...)` lines are indented).
pub fn may_hold_insert_head(s: &str) -> bool {
    may_start_insert(s.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']))
}

// `records._Q`, `_G1`, `_G2`: a quoted literal, and parentheses nested one and two levels (a
// tuple's values may be calls: `CAST(N'1980-02-03' AS DateTime)`, `TO_DATE('03/02/1980', 'DD/MM/YYYY')`)
const SQL_Q: &str = r#"'(?:[^'\\]|\\.|'')*'"#;

fn sql_g2() -> String {
    let g1 = format!(r#"\((?:{SQL_Q}|[^'()])*\)"#);
    format!(r#"\((?:{SQL_Q}|[^'()]|{g1})*\)"#)
}

fn tuple_re() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| Regex::new(&format!(r#"\(((?:{SQL_Q}|[^'()]|{})*)\)"#, sql_g2())).expect("tuple regex"))
}

/// `records._SQLVAL`: a quoted value, an `N'...'` one, a call (group 2: possessive in Python,
/// the same matches here, what follows the word and the blanks being neither), anything to a `,`.
fn sqlval_re() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| {
        Regex::new(&format!(
            r#"{SQL_Q}|[\t\n\x0C\r ]*([Nn]|_[0-9A-Za-z]+[\t\n\x0C\r ]*){SQL_Q}|([\t\n\x0C\r ]*[A-Za-z_][0-9A-Za-z_]*[\t\n\x0C\r ]*{}[^,'()]*)|[^,]+"#,
            sql_g2()
        ))
        .expect("sql value regex")
    })
}

/// `_SQLVAL`'s call alternative alone, anchored at both ends: a match that is a call matches it
/// whole, and a `[^,]+` match that did would have been taken by the call alternative (which
/// leftmost-first tries first, and which stops where `[^,]+` does: at a `,` or the end).
fn call_re() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| {
        Regex::new(&format!(r#"\A[\t\n\x0C\r ]*[A-Za-z_][0-9A-Za-z_]*[\t\n\x0C\r ]*{}[^,'()]*\z"#, sql_g2()))
            .expect("call regex")
    })
}

fn quoted_re() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| Regex::new(&format!(r#"\A{SQL_Q}"#)).expect("quoted regex"))
}

/// `_SQLVAL`'s second alternative alone, anchored at both ends: a match of `sqlval_re` that
/// does not start with `'` is an `N'...'` literal exactly when this matches it whole (had the
/// alternative matched where the match starts, leftmost-first would have taken it).
fn nquoted_re() -> &'static Regex {
    static RX: OnceLock<Regex> = OnceLock::new();
    RX.get_or_init(|| {
        Regex::new(r#"\A[\t\n\x0C\r ]*(?:[Nn]|_[0-9A-Za-z]+[\t\n\x0C\r ]*)'(?:[^'\\]|\\.|'')*'\z"#).expect("N'' regex")
    })
}

/// `sqlval_re`'s match `(s, e)` in `inner` as a value's span: an `N'...'` literal's from its
/// quote (the value is then read as a quoted one), any other's as found.
fn value_span(inner: &str, s: usize, e: usize) -> (usize, usize) {
    let v = &inner[s..e];
    let t = v.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if matches!(t.as_bytes(), [b'N' | b'n', b'\'', ..] | [b'_', ..]) && nquoted_re().is_match(v) {
        (s + v.find('\'').expect("a literal"), e) // from its quote (after `N`, `_binary `)
    } else if !v.starts_with('\'') && v.contains('(') && call_re().is_match(v) {
        // a call: its first quoted literal, read as a quoted value (`records._sql_fields`)
        match v.find('\'') {
            Some(p) => {
                let lit = quoted_re().find(&inner[s + p..]).expect("a call's quotes are literals");
                (s + p, s + p + lit.end())
            }
            None => (s, e),
        }
    } else {
        (s, e)
    }
}

/// `_TUPLE`'s matches in `t` (`find_iter`, leftmost-first), by hand when `t` has no `\\`
/// and no `''`: then a quoted item is `'` up to the next `'` (no escape can continue it, and
/// no closing quote is followed by another), so the items after a `(` are determined and the
/// only place `\)` can match is where they stop; a match starts at each `(` in turn, the
/// regex's own start positions. None (the regex decides) on either byte pair, or when failed
/// starts have rescanned more than a few times the line (quadratic input).
fn tuple_spans_fast(t: &[u8]) -> Option<Vec<(usize, usize)>> {
    if memchr::memchr(b'\\', t).is_some() || memchr::memmem::find(t, b"''").is_some() {
        return None;
    }
    let n = t.len();
    let mut out = Vec::new();
    let (mut i, mut work) = (0usize, 0usize);
    while let Some(p) = memchr::memchr(b'(', &t[i..]) {
        let s = i + p;
        let mut k = s + 1;
        let mut depth = 0; // parentheses open inside the tuple: two levels (`_G2`), a third fails it
        while k < n {
            match t[k] {
                b'(' if depth < 2 => {
                    depth += 1;
                    k += 1;
                }
                b')' if depth > 0 => {
                    depth -= 1;
                    k += 1;
                }
                b'(' | b')' => break,
                b'\'' => match memchr::memchr(b'\'', &t[k + 1..]) {
                    Some(q) => k += q + 2,
                    None => break, // an unclosed quote: the items stop at it
                },
                _ => k += 1,
            }
        }
        if k < n && t[k] == b')' {
            out.push((s, k + 1));
            i = k + 1;
        } else {
            work += k - s;
            if work > 4 * n + 256 {
                return None;
            }
            i = s + 1;
        }
    }
    Some(out)
}

/// `_SQLVAL`'s matches in a tuple's inside, under `tuple_spans_fast`'s condition (no `\\`, no
/// `''`): a `'` starts a quoted value up to the next `'` when there is one (the first
/// alternative wins even where `[^,]+` would be longer), so do blanks then `N'` or `n'` (SQL
/// Server's Unicode literal: its span is given from its quote, as `value_span` gives the
/// regex's), then a call (`call_end`: its first literal's span, as `value_span` gives it), and
/// anything else but `,` runs to the next `,`; a `,` starts no match.
fn value_spans_fast(b: &[u8], out: &mut Vec<(usize, usize)>) {
    let n = b.len();
    let mut i = 0;
    while i < n {
        if b[i] == b',' {
            i += 1;
            continue;
        }
        if b[i] == b'\'' {
            if let Some(q) = memchr::memchr(b'\'', &b[i + 1..]) {
                out.push((i, i + q + 2));
                i += q + 2;
                continue;
            }
        }
        // `N'...'` after blanks: the value from its quote (`value_span`)
        let mut k = i;
        while k < n && matches!(b[k], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
            k += 1;
        }
        if k + 1 < n && matches!(b[k], b'N' | b'n') && b[k + 1] == b'\'' {
            if let Some(q) = memchr::memchr(b'\'', &b[k + 2..]) {
                out.push((k + 1, k + q + 3));
                i = k + q + 3;
                continue;
            }
        }
        if let Some(w) = introducer_end(b, k) {
            // `_binary 'a,b'`: a quoted value from its quote, as `N'...'`
            if let Some(q) = memchr::memchr(b'\'', &b[w + 1..]) {
                out.push((w, w + q + 2));
                i = w + q + 2;
                continue;
            }
        }
        if let Some(e) = call_end(b, k) {
            // a call: its first quoted literal when it has one (`value_span`)
            match memchr::memchr(b'\'', &b[i..e]) {
                Some(p) => {
                    let q = memchr::memchr(b'\'', &b[i + p + 1..e]).expect("a call's quotes are closed");
                    out.push((i + p, i + p + q + 2));
                }
                None => out.push((i, e)),
            }
            i = e;
            continue;
        }
        let e = memchr::memchr(b',', &b[i..]).map_or(n, |x| i + x);
        out.push((i, e));
        i = e;
    }
}

/// Where the quote of a literal after a character set introducer at `k` is (`_binary '`,
/// `_utf8mb4'`: `_`, letters or digits, blanks), if one is there.
fn introducer_end(b: &[u8], k: usize) -> Option<usize> {
    let n = b.len();
    if k + 1 >= n || b[k] != b'_' || !b[k + 1].is_ascii_alphanumeric() {
        return None;
    }
    let mut w = k + 2;
    while w < n && b[w].is_ascii_alphanumeric() {
        w += 1;
    }
    while w < n && matches!(b[w], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
        w += 1;
    }
    (w < n && b[w] == b'\'').then_some(w)
}

/// The end of `_SQLVAL`'s call alternative when a call starts at `k` (after its blanks): a word,
/// blanks, parentheses nested at most two levels (quotes skipped: none holds a `\\` or `''`
/// here), then anything but `,'()`. None when no call is there.
fn call_end(b: &[u8], k: usize) -> Option<usize> {
    let n = b.len();
    if k >= n || !(b[k].is_ascii_alphabetic() || b[k] == b'_') {
        return None;
    }
    let mut w = k + 1;
    while w < n && (b[w].is_ascii_alphanumeric() || b[w] == b'_') {
        w += 1;
    }
    while w < n && matches!(b[w], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
        w += 1;
    }
    if w >= n || b[w] != b'(' {
        return None;
    }
    let (mut m, mut depth) = (w + 1, 1);
    loop {
        if m >= n {
            return None;
        }
        match b[m] {
            b'\'' => m += memchr::memchr(b'\'', &b[m + 1..])? + 2,
            b'(' if depth < 2 => {
                depth += 1;
                m += 1;
            }
            b'(' => return None,
            b')' => {
                depth -= 1;
                m += 1;
                if depth == 0 {
                    break;
                }
            }
            _ => m += 1,
        }
    }
    while m < n && !matches!(b[m], b',' | b'\'' | b'(' | b')') {
        m += 1;
    }
    Some(m)
}

/// The records of one SQL INSERT line from char `pos` on (`iter_spans(_TUPLE, s[pos:])` and
/// `_sql_fields`), offsets from `base` (the char offset of `s[pos]` in the fragment). A value
/// is a slice of the line unless its quotes had to be undone (no `String` per value). The
/// tuples and values are found by hand (`tuple_spans_fast`) unless a backslash or a doubled
/// quote is on the line: the regexes' searches were ~1,600 instructions a row.
pub fn sql_tuples(s: &str, pos_chars: usize, base: i64) -> Vec<Vec<(std::borrow::Cow<'_, str>, i64)>> {
    let start_b = if s.is_ascii() {
        pos_chars.min(s.len())
    } else {
        s.char_indices().nth(pos_chars).map(|(b, _)| b).unwrap_or(s.len())
    };
    let tail = &s[start_b..];
    let fast = tuple_spans_fast(tail.as_bytes());
    // group 1 is the match without its two parentheses: the match alone (the lazy DFA) is
    // enough, where captures ran the bounded backtracker on every tuple
    let tuples: Vec<(usize, usize)> = match &fast {
        Some(v) => v.clone(),
        None => tuple_re().find_iter(tail).map(|m| (m.start(), m.end())).collect(),
    };
    let mut cp = CharPos::new(tail);
    let mut out = Vec::with_capacity(tuples.len());
    let mut spans = Vec::new();
    for (ms, me) in tuples {
        let (gs, ge) = (ms + 1, me - 1);
        let inner = &tail[gs..ge];
        let inner_base = base + cp.at(gs) as i64;
        let mut icp = CharPos::new(inner);
        spans.clear();
        if fast.is_some() {
            value_spans_fast(inner.as_bytes(), &mut spans);
        } else {
            spans.extend(sqlval_re().find_iter(inner).map(|m| value_span(inner, m.start(), m.end())));
        }
        let mut fields = Vec::with_capacity(spans.len());
        for &(vs, ve) in &spans {
            let v = &inner[vs..ve];
            let st = icp.at(vs) as i64;
            if let Some(q) = v.strip_prefix('\'') {
                // `v[1:-1]`: the last char, not byte, goes (an unclosed quote may end in "é"),
                // and a lone quote gives ""
                let q = match q.char_indices().next_back() {
                    Some((b, _)) => &q[..b],
                    None => q,
                };
                // (`\'` and `''` both hold a quote: without one, the value is the slice)
                let q = if q.contains('\'') {
                    std::borrow::Cow::Owned(q.replace("\\'", "'").replace("''", "'"))
                } else {
                    std::borrow::Cow::Borrowed(q)
                };
                fields.push((q, inner_base + st + 1));
            } else {
                fields.push((std::borrow::Cow::Borrowed(v), inner_base + st));
            }
        }
        out.push(fields);
    }
    out
}

/// The regexes' answer, for the tests: `_TUPLE` then `_SQLVAL` spans, per tuple.
#[cfg(test)]
fn sql_spans_re(tail: &str) -> Vec<((usize, usize), Vec<(usize, usize)>)> {
    tuple_re()
        .find_iter(tail)
        .map(|m| {
            let inner = &tail[m.start() + 1..m.end() - 1];
            ((m.start(), m.end()), sqlval_re().find_iter(inner).map(|v| value_span(inner, v.start(), v.end())).collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: Combo<'_>) -> Option<(String, usize, String, usize, u8)> {
        match c {
            Combo::Fields(a, x, b, y, sep) => Some((a.to_string(), x, b.to_string(), y, sep)),
            Combo::NoMatch => None,
            Combo::Defer => Some((String::new(), usize::MAX, String::new(), usize::MAX, 0)),
        }
    }

    fn head(h: Option<InsertHead<'_>>) -> Option<(usize, String, Option<String>)> {
        h.map(|h| (h.end_chars, h.table.to_string(), h.columns.map(str::to_string)))
    }

    /// The hand-read INSERT head is the regex's (captures, leftmost-first), or hands back.
    #[test]
    fn insert_head_ascii_is_the_regex() {
        let parts = ["INSERT", "insert", "InSeRt", "ALL", "all", "  INTO ", "REPLACE", "replace", "IGNORE", "ignore", "INTO", "into", "VALUES",
                     "values", "VALUE", "Values", " ", "  ", "\t", "\n", "\x0b", "\x0c", "\r", "(", ")", "`", "\"", "[",
                     "]", "users", "my", "v", "V", "a.b", "_", "é", "ſ", "\u{212a}", "x", "1", ",", "'", "a", "VALUESx",
                     "`users`", "(`id`,`email`)", "(a, é)", " VALUES (", "INSERT INTO ", "INSERT IGNORE INTO t ",
                     "REPLACE INTO `t` (a,b) VALUES ", "INSERT INTO myvalues VALUES ", "insert into [dbo].[t] values",
                     "[dbo].[Patients]", "\"public\".\"t\"", "[a b]", ".", " . ", "INSERT [dbo].[t] ", "`a`.`b c`",
                     "([Nom], [Email])", "INSERT t ", "IGNOREx"];
        let mut seed = 11u64;
        let (mut fast, mut matched) = (0, 0);
        for _ in 0..300_000 {
            let mut line = String::new();
            for _ in 0..(seed % 12 + 1) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                line.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            let want = head(insert_head_re(&line));
            if let Some(got) = insert_head_ascii(&line) {
                fast += 1;
                assert_eq!(head(got), want, "{line:?}");
            }
            matched += want.is_some() as usize;
            assert_eq!(head(insert_head(&line)), want, "{line:?}");
        }
        assert!(fast > 220_000 && matched > 5_000, "{fast} {matched}"); // the fast path answers, and heads match
        let s = "INSERT INTO `users` (`id`,`email`,`nom`) VALUES (1,'a@b.fr','Éric'),(2,'c@d.fr','x');";
        let got = head(insert_head_ascii(s).expect("an ASCII head is read by hand"));
        assert!(got.is_some() && got == head(insert_head_re(s)), "{got:?}");
        assert!(insert_head_ascii("INSERT INTO \u{17f}t VALUES (1)").is_none()); // the regex decides
    }

    /// The hand scan finds the regexes' tuples and values, or hands back (backslash, `''`).
    #[test]
    fn sql_fast_is_the_regex() {
        let parts = ["(", ")", "'", ",", "1", "a", " ", "é", "\\", "''", "(1,'a')", "'x,y'", "),(", ";", "NULL", "\t",
                     "\n", "'é)'", "('", "')", "(''", "a'b", "N'", "n'", "N'x'", " N'a,b'", "N", "\r", "(N'é'",
                     "CAST(", "f(", " g (", "TO_DATE('a,b','c')", "NOW()", "_x(", "(1, f(N'x' AS t), 'y')", "))",
                     "_binary 'a,b'", "_utf8mb4'x'", "_b ", "_", "_1'"];
        let mut seed = 5u64;
        let (mut fast, mut tuples) = (0, 0);
        for _ in 0..200_000 {
            let mut line = String::new();
            for _ in 0..(seed % 16 + 1) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                line.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            let want = sql_spans_re(&line);
            if let Some(got) = tuple_spans_fast(line.as_bytes()) {
                fast += 1;
                let got: Vec<_> = got
                    .into_iter()
                    .map(|(s, e)| {
                        let mut v = Vec::new();
                        value_spans_fast(&line.as_bytes()[s + 1..e - 1], &mut v);
                        ((s, e), v)
                    })
                    .collect();
                assert_eq!(got, want, "{line:?}");
                tuples += want.len();
            }
        }
        assert!(fast > 8_000 && tuples > 12_000, "{fast} {tuples}");
        let bad = format!("{}'", "(".repeat(3000)); // starts that fail at once
        assert_eq!(tuple_spans_fast(bad.as_bytes()), Some(vec![]));
        assert!(tuple_spans_fast(b"(1,'a\\'b')").is_none() && tuple_spans_fast(b"(1,'a''b')").is_none());
    }

    /// The byte-table path and the character path agree on ASCII lines.
    #[test]
    fn ascii_path_is_the_char_path() {
        let parts = ["", " ", "\t", "\x1c", "\x0b", "1", "12345678", ".", ")", "]", "a@b.fr", "user", ":", "|",
                     ";", "pw", "p|w", "x://y", "http", "www.", "\n", "  "];
        let mut seed = 7u64;
        for _ in 0..200_000 {
            let mut line = String::new();
            for _ in 0..(seed % 7 + 1) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                line.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            assert_eq!(key(combo_ascii(&line)), key(combo_chars(&line)), "{line:?}");
        }
        let long = format!("{}:{}", "u".repeat(128), "p".repeat(256));
        assert!(matches!(combo(&long), Combo::Fields(..)));
        assert!(matches!(combo(&format!("u{long}")), Combo::NoMatch));
        assert!(matches!(combo(&format!("{long}p")), Combo::NoMatch));
        assert_eq!(combo_line("12:pw"), Some(false));
        assert_eq!(combo_line("a@b.fr:pw"), Some(true));
        assert_eq!(combo_line("\u{663}\u{664}:pw"), None);
        assert_eq!(combo_line("x@y.fr:http://z"), Some(false));
    }
}
