//! The alerts registry's lookup of an item's tokens (alerts/table.py's `TokenTable.lookup`), in
//! one call from the stored documents' hex tokens (issue 17, wave 28).
//!
//! The ingest hook looks every token of an item up (a dense dump: ~150,000 a second). In numpy
//! that is a hex join and `bytes.fromhex`, then ~25 rounds of vectorised probes, each paying
//! numpy's per-call overhead on the pending tokens (~17 ms on bench.detect's dense mix). Here:
//! each token's two words parsed from its hex, then the probe rounds without numpy's per-call
//! overhead (the table is tens of MB: its slots are cache misses, read many at a time).
//!
//! Same answer as `TokenTable.lookup` (tests/test_registry_probe.py): linear probing from the low
//! word masked to the table's size; a token stops at its own key (checked first, as there) or at
//! an empty slot (both words zero).

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

/// Each byte's value as a hex digit, 0xFF when it is none.
static HEX_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'0'..=b'9' => c as u8 - b'0',
            b'a'..=b'f' => c as u8 - b'a' + 10,
            b'A'..=b'F' => c as u8 - b'A' + 10,
            _ => 0xFF,
        };
        c += 1;
    }
    t
};

/// A token's 32 hex digits as the table's two little-endian words (`tokens_to_words` of its
/// bytes), or None when it is not 32 hex digits. (A table and no branch a digit: the parse was
/// a third of the call with a `match` and an early return per digit.)
fn words(hex: &[u8]) -> Option<(u64, u64)> {
    let hex: &[u8; 32] = hex.try_into().ok()?;
    let mut bytes = [0u8; 16];
    let mut bad = 0u8;
    for (k, b) in bytes.iter_mut().enumerate() {
        let (hi, lo) = (HEX_VALUE[hex[2 * k] as usize], HEX_VALUE[hex[2 * k + 1] as usize]);
        bad |= hi | lo;
        *b = hi << 4 | lo;
    }
    if bad & 0xF0 != 0 {
        return None;
    }
    Some((u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")), u64::from_le_bytes(bytes[8..].try_into().expect("8 bytes"))))
}

#[inline]
fn slot_words(table: &[u8], pos: usize) -> (u64, u64) {
    let s = &table[16 * pos..16 * pos + 16];
    (u64::from_le_bytes(s[..8].try_into().expect("8 bytes")), u64::from_le_bytes(s[8..].try_into().expect("8 bytes")))
}

/// Slot of each token (`ws`) in `table` (16 bytes a slot, a power of two of them), or -1.
///
/// By rounds, as numpy's: each round reads the current slot of every token still looking, with
/// no branch on what it read (a hit or an empty slot ends a token's run; the others go on to the
/// next slot in the next round), so the reads of a round are independent and the CPU has many
/// cache misses in flight. One token's run probed to its end before the next token's (the
/// first version) waited for each miss in turn: slower than numpy (21.6 vs 18.3 ms on the
/// dense mix's 153,362 tokens in a 2M-slot table).
fn probe(table: &[u8], ws: &[(u64, u64)]) -> Vec<i64> {
    let mask = (table.len() / 16 - 1) as u64;
    let mut out = vec![-1i64; ws.len()];
    let mut pos: Vec<u64> = ws.iter().map(|w| w.0 & mask).collect();
    let mut pending: Vec<u32> = (0..ws.len() as u32).collect();
    let mut len = pending.len();
    while len > 0 {
        let mut m = 0; // (compacted in place: m <= j)
        for j in 0..len {
            let i = pending[j] as usize;
            let p = pos[i];
            let (s0, s1) = slot_words(table, p as usize);
            let (w0, w1) = ws[i];
            let hit = (s0 == w0) & (s1 == w1);
            let empty = (s0 | s1) == 0;
            out[i] = if hit { p as i64 } else { -1 };
            pending[m] = i as u32;
            m += (!hit & !empty) as usize;
            pos[i] = (p + 1) & mask;
        }
        len = m;
    }
    out
}

/// `probe_hex(keys, tokens) -> bytes | None`: `keys` the table's keys as a C-contiguous byte
/// buffer (nslots x 16 bytes, nslots a power of two: `TokenTable.keys.view(uint8)`), `tokens` a
/// list of hex strings; each token's slot as a little-endian i64 (-1: absent), n x 8 bytes.
/// None when an item is not a string of 32 hex digits: the caller parses them as before
/// (`Registry._hex_words`, with its errors).
#[pyfunction]
pub fn probe_hex<'py>(py: Python<'py>, keys: &Bound<'py, PyAny>, tokens: &Bound<'py, PyList>) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let buf = PyBuffer::<u8>::get(keys)?;
    let size = buf.len_bytes();
    if !buf.is_c_contiguous() || size % 16 != 0 || !(size / 16).is_power_of_two() {
        return Err(PyValueError::new_err(format!(
            "probe_hex: the table's keys must be one C-contiguous buffer of a power of two of 16-byte slots, not {size} bytes \
             (pass TokenTable.keys viewed as uint8)")));
    }
    // SAFETY: a C-contiguous buffer of `size` bytes, held (`buf`) while read; the GIL is held
    let table: &[u8] = unsafe { std::slice::from_raw_parts(buf.buf_ptr() as *const u8, size) };
    let mut ws = Vec::with_capacity(tokens.len());
    for item in tokens.iter() {
        let Ok(s) = item.cast::<PyString>() else { return Ok(None) };
        let Ok(t) = s.to_str() else { return Ok(None) };
        match words(t.as_bytes()) {
            Some(w) => ws.push(w),
            None => return Ok(None),
        }
    }
    let slots = probe(table, &ws);
    let mut out = Vec::with_capacity(8 * slots.len());
    for s in slots {
        out.extend_from_slice(&s.to_le_bytes());
    }
    Ok(Some(PyBytes::new(py, &out)))
}

#[cfg(test)]
mod tests {
    use super::{probe, words};

    #[test]
    fn hex_words_are_the_tokens_le_words() {
        let t: [u8; 16] = std::array::from_fn(|k| (k as u8).wrapping_mul(37).wrapping_add(5));
        let hex: String = t.iter().map(|b| format!("{b:02x}")).collect();
        let want = (u64::from_le_bytes(t[..8].try_into().unwrap()), u64::from_le_bytes(t[8..].try_into().unwrap()));
        assert_eq!(words(hex.as_bytes()), Some(want));
        assert_eq!(words(hex.to_uppercase().as_bytes()), Some(want));
        assert_eq!(words(&hex.as_bytes()[..31]), None);
        assert_eq!(words(format!("{}g", &hex[..31]).as_bytes()), None);
    }

    #[test]
    fn probe_wraps_and_stops_at_empty_slots() {
        // 4 slots: a token homed at slot 3 found after wrapping to slot 0; an absent one stops at 1
        let mut table = vec![0u8; 64];
        let put = |table: &mut Vec<u8>, pos: usize, w0: u64, w1: u64| {
            table[16 * pos..16 * pos + 8].copy_from_slice(&w0.to_le_bytes());
            table[16 * pos + 8..16 * pos + 16].copy_from_slice(&w1.to_le_bytes());
        };
        put(&mut table, 3, 7, 1);
        put(&mut table, 0, 11, 2);
        assert_eq!(probe(&table, &[(7, 1), (11, 2), (15, 9), (6, 0), (0, 0)]), vec![3, 0, -1, -1, 1]);
    }
}
