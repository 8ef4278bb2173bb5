//! A bounded fuzz run in every `.ci/run`: thousands of mutations of a valid signed
//! original, its document and a trust bundle, each read by the parsers that take
//! service and file input. Whatever they are given, they answer with a value or an
//! error, never a panic. Deterministic (seeded), so a failure names its input.

use crate::fixture::*;
use piaojia_receipt::*;
use rand::{Rng, SeedableRng};

const ROUNDS: usize = 20_000;

/// One random mutation: bit flips, a cut, bytes inserted or removed, a span
/// repeated, or a byte from the JSON alphabet put where it breaks the most.
pub fn mutate(rng: &mut impl Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.gen_range(1..4) {
        if out.is_empty() {
            out.push(b'{');
        }
        let at = rng.gen_range(0..out.len());
        match rng.gen_range(0..6) {
            0 => out[at] ^= 1 << rng.gen_range(0..8),
            1 => out.truncate(at),
            2 => {
                let len = rng.gen_range(1..16).min(out.len() - at);
                out.drain(at..at + len);
            }
            3 => {
                let bytes: Vec<u8> = (0..rng.gen_range(1..8)).map(|_| rng.gen()).collect();
                out.splice(at..at, bytes);
            }
            4 => {
                let len = rng.gen_range(1..64).min(out.len() - at);
                let span = out[at..at + len].to_vec();
                out.splice(at..at, span);
            }
            _ => {
                out[at] = *b"{}[]\",:0-9eE.\\\x00\xff"
                    .get(rng.gen_range(0..17))
                    .unwrap_or(&b'0')
            }
        }
    }
    out
}

fn no_panic(what: &str, input: &[u8], f: impl FnOnce()) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err() {
        panic!("{what} panicked on input (hex): {}", hex::encode(input));
    }
}

#[test]
fn mutated_originals_documents_and_bundles_never_panic() {
    let k = keys();
    let trust = store(&k);
    let original = good(&k);
    let envelope = original.to_json();
    let document = original.document.clone();
    let bundle = serde_json::to_vec(&bundle(&k)).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261201);
    let mut refused = 0;
    for _ in 0..ROUNDS {
        let m = mutate(&mut rng, &envelope);
        no_panic(
            "SignedOriginal::from_json + verify",
            &m,
            || match SignedOriginal::from_json(&m) {
                Ok(o) => {
                    let _ = verify(&o, &trust);
                    let _ = verify_batch(&[o], &trust);
                }
                Err(_) => refused += 1,
            },
        );
        let m = mutate(&mut rng, &document);
        no_panic("parse_document", &m, || {
            if let Ok(r) = parse_document(&m) {
                let _ = check_amounts(&r);
            }
        });
        let m = mutate(&mut rng, &bundle);
        no_panic("TrustBundle", &m, || {
            if let Ok(b) = serde_json::from_slice::<TrustBundle>(&m) {
                let _ = b.verify(&anchor(&k));
            }
        });
    }
    // The mutations reach past the first parse: most are refused, not all.
    assert!(refused > ROUNDS / 2 && refused < ROUNDS, "{refused}");
}
