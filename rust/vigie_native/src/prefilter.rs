//! The sparse-text prefilter (issue 17): one pass over the bytes of many posts that says which
//! of them can hold a fragment at all, with the engine's exact "this seed line stands alone and
//! is nothing" test done here instead of in Python.
//!
//! `sparse_scan(items, max_line_chars, max_item)` returns, for the posts that are not proved
//! empty, `(index, code, checks)`:
//! - `DETECT` (1): the engine must see the post (a seed line with a non-blank neighbour, a
//!   statement or `{`/`[`/`<`/`MSH|` head, or anything `decode()` would change: not UTF-8, NUL, CR,
//!   a BOM, maybe HTML, too long), or a post that would be left out or `CHECK`ed but that
//!   `unveil` may rewrite (veil.rs: `unveil.may_be_veiled`'s needles; `detect()` reads it unveiled);
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
//!
//! Blank lines here are the text's lines, as `candidate_starts` reads them on the bytes before
//! `multiline.join_quoted_cells` joins a CSV record whose quoted cell holds a blank line
//! ("suivi.\n\nVIH positif"): the engine's start lines are those physical seed lines, so a post
//! whose seed lines all stand alone has no start line, joined records or not, and is left out
//! rightly. (The windows of `indexer.detect.prefilter.prefilter`, which do read across lines,
//! keep such a cell's blank lines inside one window: `_in_cell` there.)

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};
use crate::canon::{py_space, Today};
use crate::scan;
use crate::veil;
use regex::bytes::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const DETECT: u8 = 1;
pub const CHECK: u8 = 2;

/// `seeds._SEED_PATTERN`'s combo-line branch on one line (no "\n"); RE2's `\s` is [\t\n\f\r ].
fn combo_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?-u)\A[ \t>]*(?:[0-9]+[.)\]][ \t]+)?[^\t\n\x0c\r :|;]+[:|][^\t\n\x0c\r ]+[ \t]*\z").unwrap()
    })
}

/// False when `combo_re` cannot match `l`: after its `[ \t>]*` head, a combo line has at most one
/// run of white space with something after it (the one after a list index, `1. user:pass`), so
/// a line of prose with a ':' is rejected here without running the regex.
#[inline]
fn may_be_combo(l: &[u8]) -> bool {
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\x0c' | b'\r');
    let mut q = 0;
    while q < l.len() && matches!(l[q], b' ' | b'\t' | b'>') {
        q += 1;
    }
    let mut inner = 0;
    while q < l.len() {
        if ws(l[q]) {
            while q < l.len() && ws(l[q]) {
                q += 1;
            }
            if q < l.len() {
                inner += 1;
                if inner > 1 {
                    return false;
                }
            }
        } else {
            q += 1;
        }
    }
    true
}

/// What one post needs: nothing, the engine, or the label test on some lines.
pub enum Verdict {
    Nothing,
    Detect,
    Check(Vec<(usize, usize, Vec<(usize, usize)>)>), // (line start, end, 3 lines above), stripped
}

/// The lines of a post, for the spaced-rows gate (`spaced.compact`'s view: `text.split("\n")`;
/// the post holds no CR here, `pass` sent those to `detect()`).
struct Lines<'a> {
    b: &'a [u8],
    starts: &'a [usize],
}

impl<'a> Lines<'a> {
    #[inline]
    fn len(&self) -> usize {
        self.starts.len()
    }
    #[inline]
    fn line(&self, k: usize) -> &'a [u8] {
        let le = if k + 1 < self.starts.len() { self.starts[k + 1] - 1 } else { self.b.len() };
        &self.b[self.starts[k]..le]
    }
    /// `spaced._SEP_LINE` (or an empty line): `[ \t\u00a0\u3000]*`, then one `#`, a rule of
    /// three `=_*~+-` or more, or an `<hr>` (`<hr\s{0,8}/?>`), then `[ \t\u00a0\u3000]*`.
    fn sep(&self, k: usize) -> bool {
        let l = self.line(k);
        let space = |q: usize| -> usize {
            match l[q] {
                b' ' | b'\t' => 1,
                0xC2 if l.get(q + 1) == Some(&0xA0) => 2,
                0xE3 if l[q + 1..].starts_with(b"\x80\x80") => 3,
                _ => 0,
            }
        };
        let mut q = 0;
        while q < l.len() {
            match space(q) {
                0 => break,
                w => q += w,
            }
        }
        if q < l.len() {
            match l[q] {
                b'#' => q += 1,
                b'=' | b'_' | b'*' | b'~' | b'+' | b'-' => {
                    let r = l[q..].iter().take_while(|c| matches!(c, b'=' | b'_' | b'*' | b'~' | b'+' | b'-')).count();
                    if r < 3 {
                        return false;
                    }
                    q += r;
                }
                b'<' if l[q..].starts_with(b"<hr") => {
                    q += 3;
                    // \s{0,8} (Python's: any Unicode space), then "/" maybe, then ">"
                    let Ok(t) = std::str::from_utf8(&l[q..]) else { return false };
                    let mut it = t.char_indices().peekable();
                    let mut w = 0;
                    while w < 8 && it.next_if(|&(_, c)| py_space(c)).is_some() {
                        w += 1;
                    }
                    it.next_if(|&(_, c)| c == '/');
                    match it.next() {
                        Some((i, '>')) => q += i + 1,
                        _ => return false,
                    }
                }
                _ => return false,
            }
        }
        while q < l.len() {
            match space(q) {
                0 => return false,
                w => q += w,
            }
        }
        true
    }
    /// A one-line group of `compact`: not a separator, separators (or the text's ends) around it.
    fn group(&self, k: usize) -> bool {
        k < self.len() && !self.sep(k) && (k == 0 || self.sep(k - 1)) && (k + 1 >= self.len() || self.sep(k + 1))
    }
    /// The row after the group `j` in its run (one or two separator lines between), as
    /// `compact`'s `nxt` finds it.
    fn next_row(&self, j: usize) -> Option<usize> {
        let n = self.len();
        let mut nxt = j + 1;
        while nxt < n && nxt - j <= 3 && self.sep(nxt) {
            nxt += 1;
        }
        (nxt < n && nxt - j <= 3 && nxt > j + 1 && (nxt + 1 >= n || self.sep(nxt + 1))).then_some(nxt)
    }
    /// The row before the group `j` in its run (the one whose `next_row` is `j`).
    fn prev_row(&self, j: usize) -> Option<usize> {
        if j < 2 || !self.sep(j - 1) {
            return None;
        }
        let i = if !self.sep(j - 2) {
            j - 2
        } else if j >= 3 && !self.sep(j - 3) {
            j - 3
        } else {
            return None;
        };
        (i == 0 || self.sep(i - 1)).then_some(i)
    }
    /// The row's keys when it is seeded (`spaced._SEED`: an `@` or a digit), else None.
    #[inline]
    fn keys(&self, k: usize) -> Option<Keys> {
        Keys::of(self.line(k))
    }
}

/// `spaced._keys` of a row, as a superset: `token` also where Python splits at a non-ASCII
/// space (never fewer keys, so never fewer shared ones).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Keys {
    json: bool,
    token: bool,
    phone: bool,
    counts: [u32; 5], // '\t', ';', '|', ',', ':' (0: no such key)
}

impl Keys {
    /// `_keys(line)` for a row with an `@` or a digit (`spaced._SEED`); None for a line without
    /// one (no row: a header, maybe). One pass over the line.
    fn of(l: &[u8]) -> Option<Keys> {
        let (seeded, k) = Keys::scan(l);
        seeded.then_some(k)
    }

    /// `_keys(line)` of any line, and whether it holds an `@` or a digit.
    fn scan(l: &[u8]) -> (bool, Keys) {
        // strip(" \t\u00a0\u3000")
        let mut s = l;
        loop {
            s = match s {
                [b' ' | b'\t', t @ ..] => t,
                [0xC2, 0xA0, t @ ..] => t,
                [0xE3, 0x80, 0x80, t @ ..] => t,
                _ => break,
            };
        }
        loop {
            s = match s {
                [h @ .., b' ' | b'\t'] => h,
                [h @ .., 0xC2, 0xA0] => h,
                [h @ .., 0xE3, 0x80, 0x80] => h,
                _ => break,
            };
        }
        if let Some(seeded) = keyless(s) {
            return (seeded, Keys::default()); // (the common case, a line of words: no key)
        }
        Keys::of_stripped(s)
    }

    /// `scan` on a line stripped already, every byte looked at.
    fn of_stripped(s: &[u8]) -> (bool, Keys) {
        let mut counts = [0u32; 5];
        let (mut seeded, mut phone_chars) = (false, true);
        // `len(s.split()) == 1` on ASCII spaces: a space between two others breaks the token
        let (mut word, mut gap, mut inner) = (false, false, false);
        let (mut comma_sp, mut colon_sp, mut stop_sp) = (false, false, false);
        let mut prev = 0u8;
        for &c in s {
            match c {
                b'0'..=b'9' | b'@' => seeded = true,
                b'\t' => counts[0] += 1,
                b';' => counts[1] += 1,
                b'|' => counts[2] += 1,
                b',' => counts[3] += 1,
                b':' => counts[4] += 1,
                b' ' => match prev {
                    b',' => comma_sp = true,
                    b':' => colon_sp = true,
                    b'.' => stop_sp = true,
                    _ => {}
                },
                _ => {}
            }
            if matches!(c, b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ' | b'\x1c'..=b'\x1f') {
                gap = word;
            } else {
                inner |= gap;
                word = true;
                gap = false;
            }
            if !matches!(c, b'0'..=b'9' | b' ' | b'.' | b'-' | b'(' | b')' | b'/') {
                phone_chars = false;
            }
            prev = c;
        }
        let json = s.first() == Some(&b'{') && s.last() == Some(&b'}');
        let token = word && !inner;
        // `_PHONE.fullmatch(s)`: `\+?[0-9][0-9 .\-()/]{7,22}` (asked when no token)
        let phone = !token && {
            let p = if s.first() == Some(&b'+') { &s[1..] } else { s };
            p.first().is_some_and(u8::is_ascii_digit) && (8..=23).contains(&p.len())
                && (phone_chars || p.iter().all(|&c| matches!(c, b'0'..=b'9' | b' ' | b'.' | b'-' | b'(' | b')' | b'/')))
        };
        let prose = matches!(s.last(), Some(b'.' | b'!' | b'?')) || stop_sp;
        if prose || comma_sp {
            counts[3] = 0;
        }
        if prose || colon_sp {
            counts[4] = 0;
        }
        (seeded, Keys { json, token, phone, counts })
    }

    /// The keys both have (`common & ks`).
    fn and(&self, o: &Keys) -> Keys {
        let mut counts = [0u32; 5];
        for i in 0..5 {
            if self.counts[i] == o.counts[i] {
                counts[i] = self.counts[i];
            }
        }
        Keys { json: self.json && o.json, token: self.token && o.token, phone: self.phone && o.phone, counts }
    }

    fn any(&self) -> bool {
        self.json || self.token || self.phone || self.counts.iter().any(|&c| c > 0)
    }
}

/// Whether the stripped line `s` has no key of `spaced._keys` at all (most seed lines of forum
/// posts, which are words): longer than a phone, not `{`, no `;`, `|` or tab, a space inside (no
/// token), and each `,` and `:` followed by a space or the line a sentence (then `_keys` counts
/// neither). Some(whether it holds an `@` or a digit) when so, None when it cannot tell. One
/// pass, sixteen bytes at a time with SSE2 on x86-64.
fn keyless(s: &[u8]) -> Option<bool> {
    let n = s.len();
    if n <= 24 || s[0] == b'{' {
        return None;
    }
    let (mut space, mut seeded) = (false, false);
    let (mut comma, mut colon, mut comma_sp, mut colon_sp) = (false, false, false, false);
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of the x86-64 baseline; loads are unaligned and within s
    unsafe {
        use std::arch::x86_64::*;
        let set = |c: u8| _mm_set1_epi8(c as i8);
        let (semi, pipe, tab, sp, cm, co, at, d0, d9) =
            (set(b';'), set(b'|'), set(b'\t'), set(b' '), set(b','), set(b':'), set(b'@'), set(b'0'), set(b'9'));
        while i + 16 <= n {
            let v = _mm_loadu_si128(s.as_ptr().add(i) as *const __m128i);
            let delim = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, semi), _mm_cmpeq_epi8(v, pipe)), _mm_cmpeq_epi8(v, tab));
            if _mm_movemask_epi8(delim) != 0 {
                return None;
            }
            let spaces = _mm_movemask_epi8(_mm_cmpeq_epi8(v, sp)) as u32;
            let commas = _mm_movemask_epi8(_mm_cmpeq_epi8(v, cm)) as u32;
            let colons = _mm_movemask_epi8(_mm_cmpeq_epi8(v, co)) as u32;
            let digit = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, d0), v), _mm_cmpeq_epi8(_mm_min_epu8(v, d9), v));
            seeded |= _mm_movemask_epi8(_mm_or_si128(digit, _mm_cmpeq_epi8(v, at))) != 0;
            space |= spaces != 0;
            comma |= commas != 0;
            colon |= colons != 0;
            // a byte followed by a space: the block's last byte looks at the next block's first
            let next = (spaces >> 1) | (((s.get(i + 16) == Some(&b' ')) as u32) << 15);
            comma_sp |= commas & next != 0;
            colon_sp |= colons & next != 0;
            i += 16;
        }
    }
    for j in i..n {
        let followed = || s.get(j + 1) == Some(&b' ');
        match s[j] {
            b';' | b'|' | b'\t' => return None,
            b' ' => space = true,
            b',' => {
                comma = true;
                comma_sp |= followed();
            }
            b':' => {
                colon = true;
                colon_sp |= followed();
            }
            b'@' | b'0'..=b'9' => seeded = true,
            _ => {}
        }
    }
    if !space {
        return None; // maybe one token
    }
    if matches!(s[n - 1], b'.' | b'!' | b'?') {
        return Some(seeded); // prose: no ',' nor ':' key
    }
    // a ',' (':') key needs no ", " (": ") in the line; ". " (prose) is not looked for
    if (comma && !comma_sp) || (colon && !colon_sp) {
        return None;
    }
    Some(seeded)
}

/// Whether the seeded row `r` (keys `kr`) and its next (`fwd`) or previous rows in its run make
/// three consecutive seeded rows that share a key, the first two being `r` and its neighbour.
fn shares_on(ls: &Lines, r: usize, kr: &Keys, fwd: bool) -> Option<(usize, Keys)> {
    let step = |j: usize| if fwd { ls.next_row(j) } else { ls.prev_row(j) };
    let p = step(r)?;
    let c = kr.and(&ls.keys(p)?);
    c.any().then_some((p, c))
}

/// `spaced._lone_rows` for the row `k` (keys `kk`, not empty), a one-line group: whether it is a
/// table's row (two of `; | TAB`) one or two separator lines after (`after`) or before a group
/// of two lines or more whose two nearest lines share a key with it, the nearer one seeded (the
/// separator lines between are then dropped: the row is read as the table's next or previous).
fn lone_row_may_join(ls: &Lines, k: usize, kk: &Keys, after_only: bool) -> bool {
    let n = ls.len();
    if memchr::memchr3_iter(b';', b'|', b'\t', ls.line(k)).take(2).count() < 2 {
        return false;
    }
    let share = |g: usize, h: usize| -> bool {
        let (seeded, kg) = Keys::scan(ls.line(g));
        seeded && {
            let c = kk.and(&kg);
            c.any() && c.and(&Keys::scan(ls.line(h)).1).any()
        }
    };
    // `_LONE_AFTER`: h g, one or two separator lines, k, then a separator line or the end
    if k >= 3 && ls.sep(k - 1) && (k + 1 >= n || ls.sep(k + 1)) {
        let g = if !ls.sep(k - 2) {
            Some(k - 2)
        } else if k >= 4 && !ls.sep(k - 3) {
            Some(k - 3)
        } else {
            None
        };
        if g.is_some_and(|g| !ls.sep(g - 1) && share(g, g - 1)) {
            return true;
        }
    }
    if after_only {
        return false;
    }
    // `_LONE_BEFORE`: the start or a separator line, k, one or two separator lines, g h
    if (k == 0 || ls.sep(k - 1)) && k + 1 < n && ls.sep(k + 1) {
        let g = if k + 2 < n && !ls.sep(k + 2) {
            Some(k + 2)
        } else if k + 3 < n && ls.sep(k + 2) && !ls.sep(k + 3) {
            Some(k + 3)
        } else {
            None
        };
        if g.is_some_and(|g| g + 1 < n && !ls.sep(g + 1) && share(g, g + 1)) {
            return true;
        }
    }
    false
}

/// Whether `spaced.compact` may change what the engine sees of the seed line `m` (every seed
/// line stands alone here): `compact` drops the separator lines between the rows of a stretch
/// of three one-line records or more that share a key (`spaced._shared`), and those between a
/// table's lone row and the table (`spaced._lone_rows`); so `m` is read beside other rows when
/// it is a row of such a stretch, the header above one or such a lone row, and (when `above`:
/// its alone test read them) the three lines above it change when such a stretch or lone row
/// ends two lines above it. A superset for the stretches: any three consecutive seeded rows of
/// the run there that share a key (a stretch of three or more holds such three around each of
/// its rows).
fn spaced_may_join(ls: &Lines, m: usize, above: bool) -> bool {
    let third = |r: usize, c: &Keys, fwd: bool| -> bool {
        let step = if fwd { ls.next_row(r) } else { ls.prev_row(r) };
        step.and_then(|p| ls.keys(p)).is_some_and(|k| c.and(&k).any())
    };
    if ls.group(m) {
        let (seeded, km) = Keys::scan(ls.line(m));
        if km.any() && lone_row_may_join(ls, m, &km, false) {
            return true;
        }
        if seeded && km.any() {
            // the three triples that hold m: (p2, p1, m), (p1, m, n1), (m, n1, n2)
            let back = shares_on(ls, m, &km, false);
            let fwd = shares_on(ls, m, &km, true);
            if let Some((p1, c)) = &back {
                if third(*p1, c, false) || fwd.as_ref().is_some_and(|(_, c2)| c.and(c2).any()) {
                    return true;
                }
            }
            if let Some((n1, c)) = &fwd {
                if third(*n1, c, true) {
                    return true;
                }
            }
        } else if !seeded {
            // a header (no @, no digit): the three rows below it
            if let Some(n1) = ls.next_row(m) {
                if let Some(k1) = ls.keys(n1) {
                    if k1.any() {
                        if let Some((n2, c)) = shares_on(ls, n1, &k1, true) {
                            if third(n2, &c, true) {
                                return true;
                            }
                        }
                    }
                }
            }
        }
    }
    // a stretch or a lone row that ends two lines above m: the lines above m are then others
    if above && m >= 2 && ls.sep(m - 1) && ls.group(m - 2) {
        let (seeded, kb) = Keys::scan(ls.line(m - 2));
        if kb.any() {
            if lone_row_may_join(ls, m - 2, &kb, true) {
                return true;
            }
            if seeded {
                if let Some((p1, c)) = shares_on(ls, m - 2, &kb, false) {
                    if third(p1, &c, false) {
                        return true;
                    }
                }
            }
        }
    }
    false
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
/// Reused buffers of `classify` (one allocation per call of `sparse_scan`, not per post).
#[derive(Default)]
pub struct Bufs {
    starts: Vec<usize>, // line starts
    marks: Vec<usize>,  // seed lines
    seeds: Vec<usize>,  // offsets of an '@' ("%40", an obfuscated "[at]") or inside an 8-digit run
    combos: Vec<usize>, // offsets of ':' and '|' (a combo line needs one)
    above: Vec<usize>,  // seed lines whose alone test read the lines above them
}

/// One byte of interest at `p` (see `pass`): true if `decode()` would change the text.
#[inline(always)]
fn special(b: &[u8], p: usize, f: &mut Bufs, walked: &mut usize) -> bool {
    match b[p] {
        b'\n' => f.starts.push(p + 1),
        b'@' => f.seeds.push(p),
        b'%' if b[p + 1..].starts_with(b"40") => f.seeds.push(p), // an encoded '@'
        b'[' | b'(' | b'{' if obfuscated_at(b, p) => f.seeds.push(p),
        b':' | b'|' => f.combos.push(p),
        b'<' => return html_gate(b, p),
        0xEF => return b[p + 1..].starts_with(b"\xbb\xbf"),
        0 | b'\r' => return true,
        c if c.is_ascii_digit() => {
            if p >= *walked {
                *walked = digit_run(b, p, &mut f.seeds);
            }
        }
        _ => {}
    }
    false
}

/// One pass over `b`: line starts, '@'s and digit runs, ':'/'|', and whether anything that
/// `decode()` would change is there (NUL, CR, `<` that may open HTML, a UTF-8 BOM): true.
/// x86-64: 16 bytes per step with SSE2 (always there on x86-64), one test for all the bytes
/// that matter; most blocks of prose hold none, and the rest are walked bit by bit.
#[cfg(target_arch = "x86_64")]
fn pass(b: &[u8], f: &mut Bufs) -> bool {
    use std::arch::x86_64::*;
    let n = b.len();
    let mut walked = 0usize; // digit runs are walked to here
    let mut i = 0usize;
    // SAFETY: SSE2 is part of the x86-64 baseline; loads are unaligned and within b
    unsafe {
        let (pc, sq, pa, br) = (_mm_set1_epi8(b'%' as i8), _mm_set1_epi8(b'[' as i8), _mm_set1_epi8(b'(' as i8),
                                _mm_set1_epi8(b'{' as i8));
        let (nl, at, co, pi, nul, cr, lt, ef) = (
            _mm_set1_epi8(b'\n' as i8), _mm_set1_epi8(b'@' as i8), _mm_set1_epi8(b':' as i8),
            _mm_set1_epi8(b'|' as i8), _mm_set1_epi8(0), _mm_set1_epi8(b'\r' as i8), _mm_set1_epi8(b'<' as i8),
            _mm_set1_epi8(0xEFu8 as i8));
        let (d0, d9) = (_mm_set1_epi8(b'0' as i8), _mm_set1_epi8(b'9' as i8));
        while i + 16 <= n {
            let v = _mm_loadu_si128(b.as_ptr().add(i) as *const __m128i);
            let sp = _mm_or_si128(
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, at)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, co), _mm_cmpeq_epi8(v, pi))),
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nul), _mm_cmpeq_epi8(v, cr)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, ef))));
            let sp = _mm_or_si128(sp, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, pc), _mm_cmpeq_epi8(v, sq)),
                                                   _mm_or_si128(_mm_cmpeq_epi8(v, pa), _mm_cmpeq_epi8(v, br))));
            // '0' <= c <= '9' (unsigned): max(c, '0') == c and min(c, '9') == c
            let dg = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, d0), v), _mm_cmpeq_epi8(_mm_min_epu8(v, d9), v));
            let mut m = (_mm_movemask_epi8(_mm_or_si128(sp, dg)) as u32) & 0xFFFF;
            while m != 0 {
                let p = i + m.trailing_zeros() as usize;
                m &= m - 1;
                if special(b, p, f, &mut walked) {
                    return true;
                }
                if walked > p + 1 {
                    // a digit run was walked: its other bytes in this block need no visit
                    let k = walked - i;
                    m &= if k >= 16 { 0 } else { !0u32 << k };
                }
            }
            i += 16;
        }
    }
    while i < n {
        if special(b, i, f, &mut walked) {
            return true;
        }
        i += 1;
    }
    false
}

/// The same pass with SIMD byte searches (memchr) where SSE2 is not there.
#[cfg(not(target_arch = "x86_64"))]
fn pass(b: &[u8], f: &mut Bufs) -> bool {
    if memchr::memchr3_iter(0, b'\r', b'<', b).any(|i| b[i] != b'<' || html_gate(b, i))
        || memchr::memchr_iter(0xEF, b).any(|i| b[i + 1..].starts_with(b"\xbb\xbf")) {
        return true;
    }
    f.starts.extend(memchr::memchr_iter(b'\n', b).map(|i| i + 1));
    f.seeds.extend(memchr::memchr_iter(b'@', b));
    f.seeds.extend(memchr::memchr_iter(b'%', b).filter(|&i| b[i + 1..].starts_with(b"40")));
    f.seeds.extend(memchr::memchr3_iter(b'[', b'(', b'{', b).filter(|&i| obfuscated_at(b, i)));
    let mut walked = 0;
    for p in 0..b.len() {
        if b[p].is_ascii_digit() && p >= walked {
            walked = digit_run(b, p, &mut f.seeds);
        }
    }
    f.combos.extend(memchr::memchr2_iter(b':', b'|', b));
    f.seeds.sort_unstable(); // ascending, as the x86-64 pass pushes them (`classify` counts per line)
    false
}

/// `seeds._PW` at a line's start: `[ \t>]*`, a password's label (ASCII, any case), `[ \t]*`, `:` or `=`.
/// Called at every line start of every post: most lines are rejected on their first byte.
#[inline]
fn password_label(l: &[u8]) -> bool {
    let mut q = 0;
    while q < l.len() && matches!(l[q], b' ' | b'\t' | b'>') {
        q += 1;
    }
    if !matches!(l.get(q), Some(b'p' | b'P' | b'm' | b'M')) {
        return false;
    }
    let r = &l[q..];
    let low = |i: usize| r.get(i).map(u8::to_ascii_lowercase);
    let has = |w: &[u8]| r.len() >= w.len() && r[..w.len()].eq_ignore_ascii_case(w);
    // the longest label that is a prefix: a shorter one is then followed by a letter, no match
    let n = match (low(0), low(1)) {
        (Some(b'p'), Some(b'a')) if has(b"pass") => {
            if has(b"password") {
                8
            } else if has(b"passwd") {
                6
            } else {
                4
            }
        }
        (Some(b'p'), Some(b'w')) if low(2) == Some(b'd') => 3,
        (Some(b'm'), Some(b'd')) if low(2) == Some(b'p') => 3,
        (Some(b'm'), Some(b'o')) if has(b"mot de passe") => 12,
        _ => return false,
    };
    let rest = r;
    let mut q = n;
    while q < rest.len() && matches!(rest[q], b' ' | b'\t') {
        q += 1;
    }
    matches!(rest.get(q), Some(b':' | b'='))
}

/// `seeds._SEEDC`'s obfuscated "at" at `p` (an opening bracket there): `[\[({] ?[aA][tT] ?[\])}]`.
#[inline]
fn obfuscated_at(b: &[u8], p: usize) -> bool {
    let mut q = p + 1;
    if b.get(q) == Some(&b' ') {
        q += 1;
    }
    if !(matches!(b.get(q), Some(b'a' | b'A')) && matches!(b.get(q + 1), Some(b't' | b'T'))) {
        return false;
    }
    q += 2;
    if b.get(q) == Some(&b' ') {
        q += 1;
    }
    matches!(b.get(q), Some(b']' | b')' | b'}'))
}

/// Walks the run of digits (at most one of " ./-%+" between two) that starts at `p`; pushes an
/// offset inside it to `out` when it holds `seeds._SEEDC`'s 8 digits; returns its end.
fn digit_run(b: &[u8], p: usize, out: &mut Vec<usize>) -> usize {
    let n = b.len();
    let mut run = 0u32;
    let mut after_sep = 0u32;
    let mut hit = false;
    let mut j = p;
    while j < n {
        let c = b[j];
        if c.is_ascii_digit() {
            run = 1 + run.max(after_sep);
            after_sep = 0;
            if run >= 8 && !hit {
                hit = true;
                out.push(j);
            }
        } else if matches!(c, b' ' | b'.' | b'/' | b'-' | b'%' | b'+') && run > 0 {
            if c == b'%' && b[j + 1..].starts_with(b"40") {
                out.push(j); // an encoded '@' inside the walk (its byte is not visited again)
            }
            after_sep = run;
            run = 0;
        } else {
            break;
        }
        j += 1;
    }
    j
}

/// The engine's view of one post (see the module docstring).
pub fn classify<E>(b: &[u8], max_line_chars: usize, today: Today, f: &mut Bufs,
                   judge: &mut dyn FnMut(&str) -> Result<bool, E>) -> Result<Verdict, E> {
    if b.len() > max_line_chars {
        return Ok(Verdict::Detect); // the engine may cut long lines: let it
    }
    f.starts.clear();
    f.marks.clear();
    f.seeds.clear();
    f.combos.clear();
    f.above.clear();
    let n = b.len();
    f.starts.push(0);
    if pass(b, f) {
        return Ok(Verdict::Detect); // decode() would change the text
    }
    let Bufs { starts, marks, seeds, combos, above } = f;
    let starts: &Vec<usize> = starts;
    let line_of = |pos: usize| starts.partition_point(|&s| s <= pos) - 1;
    // seed lines (seeds._SEED_PATTERN): an '@' or an 8-digit run, a combo line, an opener
    for &p in seeds.iter() {
        marks.push(line_of(p));
    }
    let mut last = usize::MAX;
    for &p in combos.iter() {
        let k = line_of(p);
        if k != last {
            last = k;
            let le = if k + 1 < starts.len() { starts[k + 1] - 1 } else { n };
            if may_be_combo(&b[starts[k]..le]) && combo_re().is_match(&b[starts[k]..le]) {
                marks.push(k);
            }
        }
    }
    for (k, &ls) in starts.iter().enumerate() {
        let Some(&c) = b.get(ls) else { continue };
        let l = &b[ls..];
        let opens = match c {
            b'M' | b'C' | b'I' | b'R' => {
                l.starts_with(b"MSH|") || l.starts_with(b"COPY ") || l.starts_with(b"CREATE ")
                    || l.starts_with(b"INSERT ") || l.starts_with(b"REPLACE ") || (c == b'M' && password_label(l))
            }
            b'p' | b'P' | b'm' | b' ' | b'\t' | b'>' => password_label(l),
            _ => false,
        };
        if opens {
            marks.push(k);
        }
    }
    if marks.is_empty() {
        return Ok(Verdict::Nothing); // no seed line: candidate_starts is empty (UTF-8 or not)
    }
    marks.sort_unstable();
    marks.dedup();
    let Ok(text) = simdutf8::basic::from_utf8(b) else {
        return Ok(Verdict::Detect); // decode() would pick another code page
    };
    // line and quote-prefix boundaries are ASCII bytes: slicing `text` there is O(1) and exact
    let line_of_text = |s: usize, e: usize| text.get(s..e).unwrap_or("");
    // `prose.alone_prose`'s count on a line is at most its entries in `seeds` (each '@', "%40",
    // "[at]", and one per 8-digit run: `seedish`'s count, found by the pass already)
    let seeds_in = |s: usize, e: usize| seeds.partition_point(|&p| p < e) - seeds.partition_point(|&p| p < s);
    let nl = starts.len();
    let bounds = |k: usize| -> (usize, usize) {
        let ls = starts[k];
        let le = if k + 1 < nl { starts[k + 1] - 1 } else { n };
        (unquote(b, ls, le), le)
    };
    let mut checks = Vec::new();
    for &st in marks.iter() {
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
        let line = line_of_text(s, e);
        // (the lines above matter to the answer: the spaced-rows gate below looks at them)
        let mut read_above = false;
        let answer = match alone_is_nothing(line, today, seeds_in(s, e)) {
            Alone::Decided(x) => Some(x),
            Alone::Unknown | Alone::UnknownKv => {
                read_above = true;
                None
            }
            Alone::Label(ls, le) => {
                read_above = true;
                if judge(&line[ls..le])? {
                    Some(false) // a label that names something (a dox, a stealer log)
                } else {
                    // `not any(names(_KV.match(x)) for x in above())`, on the 3 lines above: a
                    // `key: value` line there keeps this one only if its label names something
                    let mut any = Some(false);
                    for k in st.saturating_sub(3)..st {
                        let (x, y) = bounds(k);
                        let above = line_of_text(x, y);
                        match kv_match(above) {
                            None => any = None,
                            Some(Some((ls, le))) => {
                                if judge(&above[ls..le])? {
                                    any = Some(true);
                                    break;
                                }
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
                let lines_above = (st.saturating_sub(3)..st).map(bounds).collect();
                checks.push((s, e, lines_above));
            }
        }
        if read_above {
            above.push(st);
        }
    }
    // rows a blank line apart (`spaced.compact`, an evasion: every row stands alone until
    // `detect()` reads them as a run): a seed line that `compact` may read beside others goes to
    // `detect()`, which decides (only here, where every seed line stands alone: most posts with
    // a seed line went to `detect()` above, and this looks at a few lines around each)
    let ls = Lines { b, starts };
    let mut k = 0;
    for &m in marks.iter() {
        while k < above.len() && above[k] < m {
            k += 1;
        }
        if spaced_may_join(&ls, m, above.get(k) == Some(&m)) {
            return Ok(Verdict::Detect);
        }
    }
    Ok(if checks.is_empty() { Verdict::Nothing } else { Verdict::Check(checks) })
}

/// What `seeds.alone_is_nothing` says of a line, as far as this code can tell.
enum Alone {
    Decided(bool),
    Label(usize, usize), // a `key: value` line: its label (byte range) and the lines above decide
    Unknown,             // Python decides (the non-ASCII cases this code does not know)
    UnknownKv,           // Python decides whether it is a `key: value` line; no prose dox (`prose_may`)
}

/// What `seed_passes` says of a special line for `seeds._decide`: `ALONE_NOTHING` (it stands
/// alone and is nothing, as `alone_is_nothing` would say), `ALONE_NO_PROSE` (Python decides
/// without `prose.alone_prose`, which would say False), `ALONE_ASK` (Python decides it all).
pub const ALONE_ASK: u8 = 0;
pub const ALONE_NOTHING: u8 = 1;
pub const ALONE_NO_PROSE: u8 = 2;

/// The code `seed_passes` gives the special line `s` (see `ALONE_ASK`).
pub(crate) fn alone_code(s: &str, today: Today) -> u8 {
    match alone_is_nothing(s, today, seedish(s.as_bytes())) {
        Alone::Decided(true) => ALONE_NOTHING,
        Alone::Label(..) | Alone::UnknownKv => ALONE_NO_PROSE,
        Alone::Decided(false) | Alone::Unknown => ALONE_ASK,
    }
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
    let mut it = s.char_indices().peekable();
    while it.next_if(|&(_, c)| py_space(c)).is_some() {}
    if it.next_if(|&(_, c)| matches!(c, '-' | '*' | '•')).is_some() {
        while it.next_if(|&(_, c)| py_space(c)).is_some() {}
    }
    let Some((lab, c1)) = it.next() else { return Some(None) };
    match py_digit(c1) {
        None => return None,
        Some(true) => return Some(None),
        Some(false) => {}
    }
    if py_space(c1) || matches!(c1, ':' | '=' | '>' | '*' | '•' | '-') {
        return Some(None);
    }
    // the label runs to the first of `:=>\t;|`; `len` counts its characters after c1
    let mut len = 0usize;
    let mut prev = (lab, c1);
    let sep = loop {
        if len > 41 {
            return Some(None); // a label this long ends at no separator (the `{0,40}`, "->" one more)
        }
        let Some((i, c)) = it.next() else { return Some(None) };
        match c {
            ':' | '=' if len <= 40 => break i,
            '>' if prev.1 == '-' && len >= 1 && len - 1 <= 40 => break prev.0, // "->"
            ':' | '=' | '>' | '\t' | ';' | '|' => return Some(None),
            _ => {}
        }
        len += 1;
        prev = (i, c);
    };
    if !it.any(|(_, c)| !py_space(c)) {
        return Some(None); // `\s*(\S.*)`: something after the separator
    }
    Some(Some((lab, sep)))
}

/// `shapes.MIN_LINE_ADDRESSES`: a lone line with this many "@" goes to the recognisers
/// (tests/test_detect_address_lines.py compares `detect_many` with `detect` at 3 and 4).
const MIN_LINE_ADDRESSES: usize = 4;
/// `flattened.MIN_LINE`: a shorter line holds a record or two, nothing flattened
const FLAT_MIN_LINE: usize = 200;

/// `prose.alone_prose`'s count, at least as high: each '@', and each run of digits (at most
/// one of " ./-%+" between two) that holds 8 of them (`digit_run`, which also counts a "%40"
/// inside a run: more, never fewer). Python asks its question only of lines counting 2 or more.
fn seedish(b: &[u8]) -> usize {
    let mut n = memchr::memchr_iter(b'@', b).take(2).count();
    let mut runs = Vec::new();
    let mut j = 0usize;
    while n + runs.len() < 2 && j < b.len() {
        if b[j].is_ascii_digit() {
            j = digit_run(b, j, &mut runs);
        } else {
            j += 1;
        }
    }
    n += runs.len();
    n
}

/// Whether `prose.alone_prose(s)` may say True, for a line `seedish` counts 2 or more: it says
/// True when the line holds two of a person's identifiers and facts (`prose._analyse`: the
/// phones, e-mail addresses, NIRs, IBANs, cards and national ids `scan` finds, each span once,
/// plus at most one date of birth and one home address). Counted here from above: every
/// address (service mailboxes too), a birth whenever the line has a birth's word or two
/// capitalised words in a row (what may be the name a date follows), a home whenever it has a
/// home's word and then a postcode. Most lone lines with two 8-digit runs are an order number
/// and its date, a version string, a tracking number: no identifier, so the bound stays below 2
/// and Python is not asked (issue 17: asking it made sparse text 4 times slower).
///
/// The scan is `scan::scan_cell`, exact on ASCII. A line with other characters is scanned with
/// each of them as "~" when they are all Latin-1 letters or common punctuation and the line has
/// no "@" and no NBSP: `scan._CAND` runs in RE2, whose `\b`, `\d`, `\w` and `\s` are ASCII, so
/// such a character only ever ends a candidate there, as "~" does; the one test that reads it
/// (`s[en].isalpha()`, which drops a number a letter follows) drops less with "~", so the count
/// can only grow. Python's `\b` in the cue patterns reads those characters as this crate's
/// Unicode `\b` does (letters are word characters, punctuation is not), and their lower case is
/// one character. Any other line, or one the scan hands back, is Python's to judge.
fn prose_may(s: &str, today: Today) -> bool {
    if s.chars().count() > PROSE_MAX_LINE {
        return false; // `prose._MAX_LINE`: this line is longer still in Python (its quote prefix)
    }
    let ascii;
    let cell = if s.is_ascii() {
        s
    } else {
        if s.contains('@') || !s.chars().all(|c| c.is_ascii() || latin_or_punctuation(c)) {
            return true;
        }
        ascii = s.chars().map(|c| if c.is_ascii() { c } else { '~' }).collect::<String>();
        ascii.as_str()
    };
    let (birth, home) = prose_cues();
    let cues = usize::from(birth.is_match(s.as_bytes())) + usize::from(home.is_match(s.as_bytes()));
    if spans_at_most(cell.as_bytes()).is_some_and(|most| most + cues < 2) {
        return false; // even the cheap count of its identifiers stays below 2
    }
    let Ok(Some(hits)) = scan::scan_cell(cell, None, None, today, &NoPython) else {
        return true;
    };
    let mut spans: Vec<(usize, usize)> = hits
        .iter()
        .filter(|h| matches!(h.0, "email" | "phone" | "nir" | "iban" | "card" | "national_id"))
        .map(|h| (h.2, h.3))
        .collect();
    spans.sort_unstable();
    spans.dedup();
    spans.len() + cues >= 2
}

/// At least as many as the spans `scan::scan_cell(c)` gives that `prose_may` counts, read
/// without running the scan, or None when this cannot tell (then the scan runs). Each e-mail
/// address holds its own "@". Every other counted span is a phone, NIR, card or Belgian or Swiss
/// id inside a candidate of `scan._CAND`'s digit branches, and candidates only reach past a run
/// of digits with single " ", ".", "-" between them (`\d(?:[ .\-]?\d)*`) through "+", "(",
/// ")", an "A"/"B" after a digit (Corsica's NIR) or a slash phone (`0X/XX/XX/XX/XX`): None on
/// those. Within one such candidate the spans are one (the number, or a card at its start) or
/// phones of 10 digits or more each (`_PHONE_IN_RUN`), and none holds fewer than 6 digits (the
/// shortest valid phone, Austria's or Germany's 4-digit numbers after their country code): a
/// run of `d` digits holds `max(1, d / 10)` spans at most, none below 6 digits. IBAN and codice
/// fiscale shapes (two letters, then two digits) and obfuscated addresses (a bracket) go to the
/// scan: None.
fn spans_at_most(c: &[u8]) -> Option<usize> {
    let n = c.len();
    let mut most = 0usize;
    let mut i = 0;
    while i < n {
        match c[i] {
            b'@' => most += 1,
            b'+' | b'(' | b')' | b'[' | b'{' => return None,
            b'0'..=b'9' => {
                let mut d = 0usize;
                let mut j = i;
                loop {
                    if j < n && c[j].is_ascii_digit() {
                        d += 1;
                        j += 1;
                    } else if j + 1 < n && matches!(c[j], b' ' | b'.' | b'-') && c[j + 1].is_ascii_digit() {
                        j += 1;
                    } else {
                        break;
                    }
                }
                if j < n && matches!(c[j], b'A' | b'a' | b'B' | b'b') {
                    return None;
                }
                if c[j..].len() >= 12 && (0..4).all(|g| {
                    let k = j + 3 * g;
                    c[k] == b'/' && c[k + 1].is_ascii_digit() && c[k + 2].is_ascii_digit()
                }) {
                    return None; // `(?:/\d\d){4}`: a phone written with slashes
                }
                if d >= 6 {
                    most += (d / 10).max(1);
                }
                i = j;
                continue;
            }
            x if x.is_ascii_alphabetic() => {
                if i + 3 < n && c[i + 1].is_ascii_alphabetic() && c[i + 2].is_ascii_digit() && c[i + 3].is_ascii_digit() {
                    return None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    Some(most)
}

/// The characters `prose_may` reads outside ASCII: Latin-1's letters (not NBSP, not the signs),
/// and the quotes, dashes, ellipsis, euro sign and guillemets of French and English text.
fn latin_or_punctuation(c: char) -> bool {
    matches!(c, '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{f6}' | '\u{f8}'..='\u{ff}'
        | '\u{2018}'..='\u{201f}' | '\u{2013}' | '\u{2014}' | '\u{2026}' | '\u{20ac}' | '\u{ab}' | '\u{bb}' | '\u{b0}')
}

/// `prose._MAX_LINE`: a longer line is no prose.
const PROSE_MAX_LINE: usize = 2000;

/// The upper bounds of `prose._analyse`'s birth and home for `prose_may`: `_BIRTH_BEFORE`'s
/// words or two capitalised words (`_NAME`, whose end a date may follow); `_HOME_BEFORE`'s
/// words, then `_STREET`'s postcode (a space, 5 digits, a space, a letter). On the UTF-8 bytes
/// with ASCII classes, which the lazy DFA runs (Unicode `\b` would not let it on French text):
/// "é" and "É" spelled as bytes, an ASCII `\b` next to an ASCII letter holds wherever Python's
/// Unicode one does (and next to "é" too, where Python's does not: more matches, never fewer),
/// and a word that may end with "é" ends at any byte that is no ASCII word character.
fn prose_cues() -> &'static (Regex, Regex) {
    static RX: OnceLock<(Regex, Regex)> = OnceLock::new();
    RX.get_or_init(|| {
        let birth = Regex::new(concat!(
            r"(?-u)(?i:\bnee?s?\b|\bn\xC3[\x89\xA9]e?s?(?:[^0-9A-Za-z_]|$)|\bborn\b|\bdob\b|d\.o\.b|naissance|birthday",
            r"|\bbirth\b|anniversaire|\bb\.)",
            r"|(?:[A-Z]|\xC3[\x80-\x96\x98-\x9E])[^\t\n\x0B\x0C\r ]*[ \t]+(?:[A-Z]|\xC3[\x80-\x96\x98-\x9E])"))
            .expect("the birth bound compiles");
        let home = Regex::new(concat!(
            r"(?-u)(?i:habite|\bvit\b|vivent|domicil|\blives?\b|living|r(?:e|\xC3[\x89\xA9])sid|chez (?:lui|elle|ses)",
            r"|(?:his|her|son) address|son adresse)[^\n]*? [0-9]{5} (?:[A-Za-z]|\xC3[\x80-\x96\x98-\xB6\xB8-\xBF])"))
            .expect("the home bound compiles");
        (birth, home)
    })
}

/// The validators' hooks for `prose_may`: an IBAN shape is judged by `canon::iban_prefilter`
/// (`ids.canon_iban`'s length and mod 97 tests, which every valid IBAN passes): one that fails is
/// no IBAN, one that passes is handed back (the country's structure and checks are Python's).
/// Luhn ids are asked only under a column's hint, which a lone line has not.
struct NoPython;

impl scan::ScanPy for NoPython {
    fn iban(&self, raw: &str) -> PyResult<Option<Option<String>>> {
        Ok(match crate::canon::iban_prefilter(raw) {
            crate::canon::Canon::Invalid => Some(None),
            _ => None,
        })
    }
    fn luhn_id(&self, _: &str, _: usize) -> PyResult<Option<Option<String>>> {
        Ok(None)
    }
}

/// `seeds.alone_is_nothing(s, above)` up to its label test (see `Alone`); `seedish_n` is
/// `seedish(s)` or a count at least as high.
fn alone_is_nothing(s: &str, today: Today, seedish_n: usize) -> Alone {
    let t = s.trim_start_matches(py_space);
    if t.is_empty() || t.starts_with('{') || t.starts_with('[') || t.starts_with('<') || t.starts_with("MSH|") {
        return Alone::Decided(false); // Python: `t[:1] in "{[<"` holds for "" too
    }
    let mut hb = ['\0'; 6];
    let mut hn = 0;
    for c in t.chars().take(6) {
        hb[hn] = c;
        hn += 1;
    }
    let h = &hb[..hn];
    if h.iter().any(|&c| c == 'ı' || c == 'ſ') {
        return Alone::Unknown; // `t[:6].upper()`: the two that upper-case to ASCII letters
    }
    let up = |w: &str| h.len() >= w.len() && h.iter().zip(w.chars()).all(|(a, b)| a.to_ascii_uppercase() == b);
    if (h.len() == 6 && (up("INSERT") || up("REPLAC") || up("CREATE"))) || up("COPY ") {
        return Alone::Decided(false);
    }
    if memchr::memchr_iter(b'@', s.as_bytes()).take(MIN_LINE_ADDRESSES).count() == MIN_LINE_ADDRESSES {
        return Alone::Decided(false); // a line of addresses (`shapes._address_line`)
    }
    // a long line with two "@" or more may be a table whose line ends were lost, its records'
    // addresses recurring (`flattened.records`, Python's): Python decides (bytes >= characters)
    if s.len() >= FLAT_MIN_LINE && memchr::memchr_iter(b'@', s.as_bytes()).take(2).count() == 2 {
        return Alone::Unknown;
    }
    if seedish_n >= 2 && prose_may(s, today) {
        return Alone::Unknown; // maybe a dox in prose: `prose.alone_prose` decides
    }
    if memchr::memchr3(b':', b'=', b'>', s.as_bytes()).is_none() {
        return Alone::Decided(true);
    }
    match kv_match(s) {
        None => Alone::UnknownKv,
        Some(None) => Alone::Decided(true),
        Some(Some((a, b))) => Alone::Label(a, b),
    }
}

/// sparse_scan(items: list, max_line_chars: int, max_item: int, judge, today) -> [(index, code, checks)]
/// for the items that are not proved empty; see the module docstring. An item that is not
/// bytes, or longer than `max_item`, is `DETECT`. `judge(label) -> bool` is Python's answer to
/// "does this `key: value` label name something" (`norm_name(l) in _STEALER or _label(l)`),
/// asked once per distinct label per call. `today` is `indexer.engine.today()` (the scan's
/// national ids read a birth year against it).
#[pyfunction]
pub fn sparse_scan<'py>(py: Python<'py>, items: Bound<'py, PyList>, max_line_chars: usize, max_item: usize,
                        judge: Bound<'py, PyAny>, today: (i32, i32, (i32, u32, u32))) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let today = crate::canon::today_of(today);
    let mut bufs = Bufs::default();
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
                classify(bytes.as_bytes(), max_line_chars, today, &mut bufs, &mut ask)?
            }
            _ => Verdict::Detect,
        };
        // a post left out or judged by its lines alone is still detected when `unveil` may
        // rewrite it (`unveil.may_be_veiled`): `detect()` reads it unveiled
        let v = match v {
            Verdict::Nothing | Verdict::Check(_) if veil::veiled(it.cast::<PyBytes>()?.as_bytes()) => Verdict::Detect,
            v => v,
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
        let mut f = Bufs::default();
        let mut judge = |l: &str| -> Result<bool, ()> { Ok(l == "Email") };
        let t = Today { this_year: 2026, cached_year: 2026, ymd: (2026, 12, 3) };
        match classify(s.as_bytes(), 1_000_000, t, &mut f, &mut judge).unwrap() {
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
        // a key: value line above keeps a lone one only when its label names something
        assert_eq!(verdict("Email: X\n\nContact: a@b.fr"), DETECT);
        assert_eq!(verdict("Prix: 50$, contact: tox\n\n___\nContact: a@b.fr"), 0);
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
        // a long lone line with two addresses may be a table whose line ends were lost
        // (`flattened.records`): Python decides; a long one with a single address is nothing
        let flat = "nom;mail;ne;".repeat(4) + "a@b.fr;01/02/1990;" + &"x;".repeat(80) + "c@d.fr;03/04/1991";
        assert!(flat.len() >= FLAT_MIN_LINE);
        assert_eq!(verdict(&format!("texte\n\n{flat}\n\nfin")), CHECK);
        assert_eq!(verdict(&format!("texte\n\n{}a@b.fr\n\nfin", "x;".repeat(120))), 0);
    }

    #[test]
    fn lone_lines_with_two_runs_go_to_python_only_when_they_may_be_prose() {
        let t = Today { this_year: 2026, cached_year: 2026, ymd: (2026, 12, 3) };
        // the phone table is trusted once `register` has compared it with phonenumbers
        assert!(crate::phone::trust_table());
        let may = |s: &str| prose_may(s, t);
        // an order number and its date, a version string, a tracking number: no identifier
        assert!(!may("commande 12345678 du 12/03/2024, livree le 14/03/2024"));
        assert!(!may("version 2.4.1 build 20240311 (commit 88123412)"));
        // two contacts: a phone and an address
        assert!(may("appelle le 06 45 12 78 90 ou ecris a julien.moreau88@gmail.com"));
        // one contact and a birth's word, or a name a date may follow
        assert!(may("il est ne le 14/02/1988, son 06 45 12 78 90"));
        assert!(may("Julien Moreau 14/02/1988 06 45 12 78 90"));
        assert!(!may("julien moreau 14/02/1988 tel 06 45 12 78 90"));
        // a home: its word, then a postcode
        assert!(may("il habite au 23 rue des Lilas, 69003 Lyon, tel 06 45 12 78 90"));
        assert!(!may("23 rue des Lilas, 69003 Lyon, tel 06 45 12 78 90"));
        // Latin-1 letters and punctuation are read; "@", NBSP, other scripts, marks: Python judges
        assert!(!may("numéro de commande 12345678 – livrée le 12/03/2024 « enfin »"));
        assert!(may("né le 14/02/1988, son numéro 06 45 12 78 90"));
        assert!(may("Élodie Renaud 14/02/1988 06 45 12 78 90"));
        assert!(may("NÉE LE 14/02/1988, TEL 06 45 12 78 90"));
        assert!(may("elle a déménagé, elle réside 4 allée des Pins, 91000 Évry, 06 45 12 78 90"));
        assert!(!may("elle a déménagé 4 allée des Pins, 91000 Évry, 06 45 12 78 90"));
        assert!(may("numéro 12345678 et 87654321 écrire à x@y.fr"));
        assert!(may("numéro 12345678\u{a0}87654321"));
        assert!(may("ne\u{301} le 14/02/1988 06 45 12 78 90"));
        assert!(may("номер 12345678 и 87654321"));
        // an IBAN's shape: mod 97 rejects a look-alike, a passing one goes to Python
        assert!(!may("build ab12345678901234567 and 12345678"));
        assert!(may("FR76 3000 6000 0112 3456 7890 189 et 12345678"));
        assert!(!may("Version 7.14.65, build 11601018699970, sha db36575016d33462"));
        // longer than prose.MAX_LINE: no prose
        let long = format!("06 45 12 78 90 julien.moreau88@gmail.com {}", "x".repeat(2000));
        assert!(!may(&long));
        // the verdict: such a line alone is nothing unless the bound says maybe
        assert_eq!(verdict("texte\n\ncommande 12345678 du 12/03/2024\n\nfin"), 0);
        assert_eq!(verdict("texte\n\nson 06 45 12 78 90, son mail julien.moreau88@gmail.com\n\nfin"), CHECK);
    }

    #[test]
    fn spans_at_most_bounds_the_scan() {
        assert!(crate::phone::trust_table());
        let t = Today { this_year: 2026, cached_year: 2026, ymd: (2026, 12, 3) };
        let counted = |s: &str| -> usize {
            let hits = scan::scan_cell(s, None, None, t, &NoPython).unwrap().unwrap();
            let mut sp: Vec<(usize, usize)> = hits.iter()
                .filter(|h| matches!(h.0, "email" | "phone" | "nir" | "iban" | "card" | "national_id"))
                .map(|h| (h.2, h.3)).collect();
            sp.sort_unstable();
            sp.dedup();
            sp.len()
        };
        for s in ["commande 932448725830307 du 11/10/2024, total 181,39", "tel 06 45 12 78 90 et 07.11.22.33.44",
                  "0645127890 0711223344 0698765432", "a@b.fr c@d.fr 0645127890", "4970 1012 3456 7802 12/27",
                  "nir 1 85 05 78 006 084 36 cb 4111111111111111", "1 85 05 78 006 084 36 0645127890 4111111111111111"] {
            let most = spans_at_most(s.as_bytes()).unwrap();
            assert!(most >= counted(s), "{s}: {most} < {}", counted(s));
        }
        assert_eq!(spans_at_most(b"commande 932448725830307 du 11/10/2024, total 181,39"), Some(1));
        assert_eq!(spans_at_most(b"version 7.14.65 build 20240311"), Some(1));
        // the forms a run cannot bound: the scan decides
        for s in ["+33 6 45 12 78 90", "(0)6 45", "06/45/12/78/90", "2A 123 456", "FR76 3000", "rssmra85t10",
                  "jean [at] gmail"] {
            assert_eq!(spans_at_most(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn rows_a_blank_line_apart_go_to_detect() {
        let rows = ["Faure;Mathis;11/10/1958;mathis.faure@laposte.net", "Girard;Lea;23/04/1986;lea.girard@gmail.com",
                    "Dumas;Theo;04/05/1995;theo.dumas@free.fr"];
        for sep in ["\n\n", "\n \n", "\n\n\n", "\n#\n"] {
            assert_eq!(verdict(&rows.join(sep)), DETECT, "{sep:?}");
            let two = rows[..2].join(sep) + "\n\nsee you\n\nbye";
            assert_eq!(verdict(&two), 0, "two rows are no run: {sep:?}");
            let prose = ["mail me at a@b.fr today", "or call 0612345678 tonight", "x@y.fr is my other one ok"];
            assert_eq!(verdict(&prose.join(sep)), 0, "paragraphs of words are no run: {sep:?}");
        }
    }

    #[test]
    fn spaced_rows_are_judged_as_compact_reads_them() {
        // bench.detect's forum posts: order and build lines a blank line apart share no key
        // (", " is prose), they stay out
        let orders = "Version 6.8.66, build 134340976685, sha 6baef2fc3ed46e26\n\nCommande n° 8942566435807477 du \
                      20/10/2024, total 325,21 €\n\nCommande n° 52523521134812 du 16/6/2024, total 121,79 €\n";
        assert_eq!(verdict(orders), 0);
        let signature = "Commande n° 10546633267699 du 27/6/2024, total 354,98 €\n\nCommande n° 368566230820159 du \
                         25/3/2024, total 333,99 €\n\nCommande n° 98388440780670 du 20/8/2024, total 472,42 €\n\n--\nMichèle";
        assert_eq!(verdict(signature), 0);
        for sep in ["\n\n", "\n\u{a0}\n", "\n\t#\n", "\n\u{3000}\n\n"] {
            // one seed line among rows whose other cells hold short numbers only: compact reads the
            // three as a run (the lead's wave 24 gate wanted three seed lines)
            let rows = ["Dupont;Jean;12", "Durand;Marie;34", "Martin;Paul;paul.martin@free.fr"];
            assert_eq!(verdict(&format!("liste\n\n{}\n\nfin", rows.join(sep))), DETECT, "{sep:?}");
            // a header above rows: the header's combo line is a seed line too
            let combos = ["login:pass", "a1@b.fr:x", "c2@d.fr:y", "e3@f.fr:z"];
            assert_eq!(verdict(&combos.join(sep)), DETECT, "{sep:?}");
            // ':' rows, JSON lines, phones, tab rows
            for rows in [["a@b.fr:x:1", "c@d.fr:y:2", "e@f.fr:z:3"], ["{\"e\": \"a@b.fr\"}", "{\"n\": 1}", "{\"n\": 2}"],
                         ["+33 6 12 34 56 78", "06 98 76 54 32", "07 11 22 33 44"], ["a\tb\t1", "c\td\t2", "e\tf\ta@b.fr"]] {
                assert_eq!(verdict(&format!("x\n\n{}\n\ny", rows.join(sep))), DETECT, "{rows:?} {sep:?}");
            }
            if sep.contains(['\u{a0}', '\u{3000}']) {
                continue; // (a line of NBSPs is no blank line for the alone test: detect() anyway)
            }
            // two rows, rows that share nothing, a header-less prose paragraph between: no run
            assert_eq!(verdict(&format!("x\n\n{}\n\nfin", ["a;1", "b;2;3@x.fr"].join(sep))), 0, "{sep:?}");
            let mixed = ["nom a;b 1", "c d,e f,2", "g h|3@x.fr"];
            assert_eq!(verdict(&format!("x\n\n{}\n\nfin", mixed.join(sep))), 0, "{sep:?}");
            // (the same without spaces: each row is a token, a key they share)
            assert_eq!(verdict(&format!("x\n\n{}\n\nfin", ["a;b;1", "c,d,e,2", "f|3@x.fr"].join(sep))), DETECT, "{sep:?}");
            let cut = ["a;b;1", "c;d;2", "un mot", "e;f;3@x.fr"];
            assert_eq!(verdict(&format!("x\n\n{}\n\nfin", cut.join(sep))), 0, "{sep:?}");
        }
        // three separator lines part two runs; a line that is no separator ('--') parts them too
        assert_eq!(verdict("a;b;1\n\n\n\nc;d;2\n\ne;f;3@x.fr"), 0);
        assert_eq!(verdict("a;b;1\n\nc;d;2\n--\ne;f;3@x.fr"), 0);
        // a stretch that ends two lines above a seed line changes the lines above it
        assert_eq!(verdict("a;b;1\n\nc;d;2\n\ne;f;3\n\nContact: a@b.fr\n---"), DETECT);
        // rules and <hr> are separator lines too (`spaced._SEP_LINE`), "--" is none
        assert_eq!(verdict("x\n\na;b;1\n---\nc;d;2\n<hr />\ne;f;3@x.fr\n\nfin"), DETECT);
        assert_eq!(verdict("x\n\na;b;1\n=====\nc;d;2\n  ***  \ne;f;3@x.fr\n\nfin"), DETECT);
        assert_eq!(verdict("x\n\na;b;1\n--\nc;d;2\n--\ne;f;3@x.fr\n\nfin"), 0);
        // a table's lone row (`spaced._lone_rows`): after the table or before it, two of `; | TAB`
        assert_eq!(verdict("nom;prenom;tel\nDupont;Jean;12\n\nMartin;Paul;paul@x.fr\n\nfin"), DETECT);
        assert_eq!(verdict("x\n\nMartin|Paul|paul@x.fr\n---\n\nDupont|Jean|12\nDurand|Marie|34\n\nfin"), DETECT);
        assert_eq!(verdict("a b;c 1\nd e;f 2\n\ng h;paul@x.fr\n\nfin"), 0);
        assert_eq!(verdict("nom;prenom;tel\nDupont;Jean;12\n\nMartin,Paul,paul@x.fr\n\nfin"), 0);
        // ... and when it ends two lines above a seed line whose alone test reads the lines above
        assert_eq!(verdict("nom;prenom;tel\nDupont;Jean;12\n\nMartin;Paul;1\n\nContact: a@b.fr\n---"), DETECT);
    }

    #[test]
    fn keyless_lines_have_no_key() {
        // random lines of the bytes that matter: where `keyless` says so, the full pass finds no key
        let alphabet: &[u8] = b"aaaaaaaaaaaaaabbbbbbbbb1111111@          ,:,.!?{}+-()/;|\t";
        let mut x = 0x2545F4914F6CDD1Du64;
        let (mut said, mut keyed) = (0, 0);
        for _ in 0..200_000 {
            let mut l = Vec::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = (x % 100) as usize;
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                l.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let s = l.trim_ascii();
            if s.is_empty() {
                continue;
            }
            let (seeded, keys) = Keys::of_stripped(s);
            let full = keys.any();
            keyed += full as usize;
            if let Some(sd) = keyless(s) {
                said += 1;
                assert!(!full && sd == seeded, "{:?}", String::from_utf8_lossy(s));
            }
        }
        assert!(said > 3_000 && keyed > 5_000, "{said} {keyed}");
    }

    #[test]
    fn combo_lines_have_one_inner_space_at_most() {
        for l in ["user:pass", "> 1. user:pass", "  user|pass  ", "12) a@b.fr:pw", "x:y\r", "1.\tu:p", ">>a:b"] {
            assert!(may_be_combo(l.as_bytes()), "{l}");
            assert!(combo_re().is_match(l.as_bytes()) || l.ends_with('\r'), "{l}");
        }
        for l in ["Prix: 2800$, contact: tox", "1. user: pass", "a b:c d", "note : x"] {
            assert!(!combo_re().is_match(l.as_bytes()), "{l}");
            assert!(!may_be_combo(l.as_bytes()) || l == "note : x", "{l}");
        }
    }

    #[test]
    fn labels_up_to_41_characters() {
        // `shapes._KV`: a first character and 40 more, then ":" / "=" or "->" (checked in Python)
        let kv = |s: String| kv_match(&s);
        assert_eq!(kv(format!("a{}: x", "b".repeat(40))), Some(Some((0, 41))));
        assert_eq!(kv(format!("a{}: x", "b".repeat(41))), Some(None));
        assert_eq!(kv(format!("a{}-> x", "b".repeat(40))), Some(Some((0, 41))));
        assert_eq!(kv(format!("a{}-> x", "b".repeat(41))), Some(None));
        assert_eq!(kv(format!("a{}-> x", "b".repeat(39))), Some(Some((0, 40))));
        assert_eq!(kv(format!("a{}", "b".repeat(5000))), Some(None));
    }

    #[test]
    fn digit_runs() {
        assert_eq!(verdict("x 12.34.56.78 y\nz"), DETECT);
        assert_eq!(verdict("x 12..34.56.78 y\nz"), 0);
        assert_eq!(verdict("x 1234567 y\nz"), 0);
    }
}
