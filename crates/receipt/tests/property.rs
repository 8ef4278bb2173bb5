use crate::fixture::*;
use piaojia_receipt::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any single-byte change of the document or either signature fails.
    #[test]
    fn any_single_byte_change_fails(position in any::<prop::sample::Index>(), delta in 1u8..=255) {
        let k = keys();
        let trust = store(&k);
        let original = good(&k);
        let doc_len = original.document.len();
        let mut tampered = original.clone();
        let i = position.index(doc_len + 128);
        if i < doc_len {
            tampered.document[i] = tampered.document[i].wrapping_add(delta);
        } else if i < doc_len + 64 {
            tampered.issuer_signature[i - doc_len] ^= delta;
        } else {
            tampered.supervisor_signature[i - doc_len - 64] ^= delta;
        }
        prop_assert!(verify(&tampered, &trust).is_err());
        prop_assert!(verify_batch(std::slice::from_ref(&tampered), &trust)[0].is_err());
    }

    /// 大写 never panics and is empty of ASCII for any amount.
    #[test]
    fn amount_in_words_is_total(fen in any::<i64>()) {
        let words = amount_in_words(Fen(fen));
        prop_assert!(!words.is_empty());
        prop_assert!(words.is_char_boundary(words.len()) && !words.chars().any(|c| c.is_ascii()));
    }
}
