//! vigie_native: the compiled core of Vigie's detection engine (issue 17).
//!
//! The pure-Python engine (`indexer.detect`) is the reference: everything here either does
//! exactly what it does or hands the case back to it. `indexer.engine` chooses the engine.

use pyo3::prelude::*;

mod canon;
mod extract;
mod find;
mod fold;
mod found;
mod fragment;
mod json;
mod longest;
mod phone;
mod prefilter;
mod probe;
mod redact;
mod roles;
mod scan;
mod seeds;
mod settle;
mod split;
mod tokens;
mod veil;

/// Version of the interface `indexer.engine` expects (bumped on any change of signatures).
const ABI: u32 = 18;

#[pymodule]
fn vigie_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // A panic (a bug of the core on some input) still reaches Python as a PanicException, which
    // the crawl counts as that item's failure; but Rust's default hook would also print its
    // message to stderr, outside the log masking, and the message may quote the input (a card
    // number, a name). This hook belongs to this library's copy of std only.
    std::panic::set_hook(Box::new(|_| {}));
    m.add("ABI", ABI)?;
    m.add_class::<tokens::Tokenizer>()?;
    m.add_class::<extract::Core>()?;
    m.add_class::<fragment::Identifiers>()?;
    m.add_class::<found::Found>()?;
    m.add_class::<redact::SafetyNet>()?;
    m.add_class::<longest::LongestMatches>()?; // article 9's lexicon search
    m.add_function(wrap_pyfunction!(extract::canon_one, m)?)?;
    m.add_function(wrap_pyfunction!(extract::card_network, m)?)?;
    m.add_function(wrap_pyfunction!(extract::insert_head, m)?)?;
    m.add_function(wrap_pyfunction!(extract::split_row, m)?)?;
    m.add_function(wrap_pyfunction!(extract::panic_probe, m)?)?;
    m.add_function(wrap_pyfunction!(extract::canon_email, m)?)?;
    m.add_function(wrap_pyfunction!(extract::canon_nir, m)?)?;
    m.add_function(wrap_pyfunction!(extract::canon_card, m)?)?;
    m.add_function(wrap_pyfunction!(extract::scan_finds_nothing_py, m)?)?;
    m.add_function(wrap_pyfunction!(extract::canon_national_id_py, m)?)?;
    m.add_function(wrap_pyfunction!(seeds::seed_lines, m)?)?;
    m.add_function(wrap_pyfunction!(seeds::seed_passes, m)?)?;
    m.add_function(wrap_pyfunction!(seeds::line_offsets, m)?)?;
    m.add_function(wrap_pyfunction!(seeds::run_end, m)?)?;
    m.add_function(wrap_pyfunction!(seeds::combo_line, m)?)?;
    m.add_function(wrap_pyfunction!(seeds::combo_end, m)?)?;
    m.add_function(wrap_pyfunction!(seeds::insert_run_end, m)?)?;
    m.add_function(wrap_pyfunction!(find::contains_any, m)?)?;
    m.add_function(wrap_pyfunction!(probe::probe_hex, m)?)?; // the alerts registry's lookups
    m.add_function(wrap_pyfunction!(fold::fold_accents, m)?)?; // article 9's fold
    m.add_function(wrap_pyfunction!(redact::excerpt, m)?)?;
    m.add_function(wrap_pyfunction!(roles::infer_roles, m)?)?; // a header-less run's column typing
    phone::register(m)?;
    m.add_function(wrap_pyfunction!(prefilter::sparse_scan, m)?)?; // the sparse-text prefilter
    m.add_function(wrap_pyfunction!(veil::veiled_among, m)?)?; // unveil.veiled_among's answer
    m.add_function(wrap_pyfunction!(veil::veiled_py, m)?)?; // unveil.may_be_veiled's
    Ok(())
}
