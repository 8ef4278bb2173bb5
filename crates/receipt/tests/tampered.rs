use crate::fixture::*;
use piaojia_receipt::*;

fn check(original: &SignedOriginal) -> Result<VerifiedReceipt, Error> {
    verify(original, &store(&keys()))
}

#[test]
fn a_good_receipt_verifies() {
    let k = keys();
    let verified = verify(&good(&k), &store(&k)).unwrap();
    assert_eq!(verified.receipt, receipt());
    assert_eq!(verified.original, good(&k));
}

/// Each field changed after signing is rejected: by the issuer's signature, or
/// earlier where the field decides which certificate or province applies.
#[test]
fn every_field_changed_after_signing_is_rejected() {
    let k = keys();
    let original = good(&k);
    let value: serde_json::Value = serde_json::from_slice(&original.document).unwrap();
    let mut changed = 0;
    for path in leaf_paths(&value, String::new()) {
        let mut tampered_value = value.clone();
        let leaf = tampered_value.pointer_mut(&path).unwrap();
        *leaf = altered(leaf);
        let mut tampered = original.clone();
        tampered.document = serde_json::to_vec(&tampered_value).unwrap();
        let result = check(&tampered);
        let expected = match path.as_str() {
            "/issuer/code" => matches!(result, Err(Error::UnknownIssuer { .. })),
            "/province" => matches!(result, Err(Error::Malformed(_))),
            _ => matches!(
                result,
                Err(Error::IssuerSignature) | Err(Error::Malformed(_))
            ),
        };
        assert!(expected, "changing {path} gave {result:?}");
        changed += 1;
    }
    assert!(changed > 40, "only {changed} fields were tried");
}

/// A change that keeps the document well-formed must fail on the signature itself.
#[test]
fn a_changed_amount_fails_the_issuer_signature() {
    let k = keys();
    let mut r = receipt();
    r.items[0].amount = Fen(9_645);
    r.total = Fen(13_345);
    r.total_in_words = amount_in_words(r.total);
    let mut tampered = good(&k);
    tampered.document = serde_json::to_vec(&r).unwrap();
    assert_eq!(check(&tampered), Err(Error::IssuerSignature));
}

#[test]
fn flipped_signature_bytes_are_named() {
    let k = keys();
    let mut a = good(&k);
    a.issuer_signature[0] ^= 0x80;
    assert_eq!(check(&a), Err(Error::IssuerSignature));
    let mut b = good(&k);
    b.supervisor_signature[63] ^= 0x01;
    assert_eq!(check(&b), Err(Error::SupervisorSignature));
}

#[test]
fn swapped_signatures_fail() {
    let k = keys();
    let mut s = good(&k);
    std::mem::swap(&mut s.issuer_signature, &mut s.supervisor_signature);
    assert_eq!(check(&s), Err(Error::IssuerSignature));
}

#[test]
fn signatures_from_another_receipt_fail() {
    let k = keys();
    let mut other = receipt();
    other.number = ReceiptNumber::new("0012345679").unwrap();
    let other = sign(&other, &k, "ISS-1");
    let mut mixed = good(&k);
    mixed.issuer_signature = other.issuer_signature;
    mixed.supervisor_signature = other.supervisor_signature;
    assert_eq!(check(&mixed), Err(Error::IssuerSignature));
}

#[test]
fn signed_with_the_wrong_key() {
    let k = keys();
    let document = serde_json::to_vec(&receipt()).unwrap();
    let by_other =
        SignedOriginal::sign(document.clone(), &k.other, "ISS-1", &k.supervisor, "SUP-1");
    assert_eq!(check(&by_other), Err(Error::IssuerSignature));
    let bad_supervisor = SignedOriginal::sign(document, &k.issuer, "ISS-1", &k.other, "SUP-1");
    assert_eq!(check(&bad_supervisor), Err(Error::SupervisorSignature));
}

#[test]
fn a_certificate_of_another_issuer_is_unknown_for_this_one() {
    let k = keys();
    let s = sign(&receipt(), &k, "ISS-2");
    assert_eq!(
        check(&s),
        Err(Error::UnknownIssuer {
            serial: "ISS-2".into()
        })
    );
}

#[test]
fn unknown_certificates_are_named() {
    let k = keys();
    let s = sign(&receipt(), &k, "ISS-404");
    assert_eq!(
        check(&s),
        Err(Error::UnknownIssuer {
            serial: "ISS-404".into()
        })
    );
    let mut s = good(&k);
    s.supervisor_cert_serial = "ISS-1".into();
    assert_eq!(
        check(&s),
        Err(Error::UnknownSupervisor {
            serial: "ISS-1".into()
        })
    );
}

#[test]
fn revoked_issuer() {
    let k = keys();
    let s = sign(&receipt(), &k, "ISS-REV");
    assert_eq!(
        check(&s),
        Err(Error::CertificateRevoked {
            serial: "ISS-REV".into()
        })
    );
}

#[test]
fn expired_or_not_yet_valid_certificate() {
    let k = keys();
    let s = sign(&receipt(), &k, "ISS-OLD");
    assert!(
        matches!(check(&s), Err(Error::CertificateNotValidAt { serial, .. }) if serial == "ISS-OLD")
    );
    let mut early = receipt();
    early.issued_at = at(2022, 12, 31);
    let s = sign(&early, &k, "ISS-1");
    assert!(matches!(
        check(&s),
        Err(Error::CertificateNotValidAt { .. })
    ));
    let mut last_day = receipt();
    last_day.issued_at = date(2025, 12, 31).and_hms_opt(23, 59, 59).unwrap();
    assert!(
        check(&sign(&last_day, &k, "ISS-1")).is_ok(),
        "valid_to is inclusive"
    );
}

#[test]
fn wrong_province() {
    let k = keys();
    let mut r = receipt();
    r.province = ProvinceCode::new("310000").unwrap();
    assert!(matches!(
        check(&sign(&r, &k, "ISS-1")),
        Err(Error::WrongProvince { .. })
    ));
}

#[test]
fn line_items_not_summing_to_the_total() {
    let k = keys();
    let mut r = receipt();
    r.items[1].amount = Fen(3_701);
    assert_eq!(
        check(&sign(&r, &k, "ISS-1")),
        Err(Error::TotalMismatch {
            total: 12_345,
            items_sum: 12_346
        })
    );
}

#[test]
fn inconsistent_amount_in_words() {
    let k = keys();
    let mut r = receipt();
    r.total_in_words = "壹佰贰拾叁元肆角陆分".into();
    assert_eq!(
        check(&sign(&r, &k, "ISS-1")),
        Err(Error::AmountInWordsMismatch)
    );
}

#[test]
fn malformed_documents_are_typed_errors() {
    let k = keys();
    let cases: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"not json".to_vec(),
        b"{}".to_vec(),
        b"[1,2,3]".to_vec(),
        vec![0xff, 0xfe, 0x00],
        {
            let mut v: serde_json::Value = serde_json::to_value(receipt()).unwrap();
            v["unexpected"] = serde_json::json!(1);
            serde_json::to_vec(&v).unwrap()
        },
        {
            let mut v: serde_json::Value = serde_json::to_value(receipt()).unwrap();
            v["code"] = serde_json::json!("3306012");
            serde_json::to_vec(&v).unwrap()
        },
        {
            let mut v: serde_json::Value = serde_json::to_value(receipt()).unwrap();
            v["format"] = serde_json::json!("piaojia.receipt/2");
            serde_json::to_vec(&v).unwrap()
        },
        {
            let mut v: serde_json::Value = serde_json::to_value(receipt()).unwrap();
            v["total"] = serde_json::json!(123.45);
            serde_json::to_vec(&v).unwrap()
        },
    ];
    for document in cases {
        let s = SignedOriginal::sign(document.clone(), &k.issuer, "ISS-1", &k.supervisor, "SUP-1");
        assert!(
            matches!(check(&s), Err(Error::Malformed(_))),
            "{:?}",
            String::from_utf8_lossy(&document)
        );
    }
}

#[test]
fn malformed_envelopes_are_typed_errors() {
    let k = keys();
    let json = good(&k).to_json();
    assert_eq!(SignedOriginal::from_json(&json).unwrap(), good(&k));
    let text = String::from_utf8(json).unwrap();
    let short_sig = {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["issuer_signature"] = serde_json::json!("AAAA");
        v.to_string()
    };
    let other_format = text.replace("piaojia.signed-original/1", "piaojia.signed-original/9");
    for bad in [
        &text[..text.len() - 1],
        "",
        "{}",
        short_sig.as_str(),
        other_format.as_str(),
    ] {
        assert!(
            matches!(
                SignedOriginal::from_json(bad.as_bytes()),
                Err(Error::MalformedEnvelope(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn error_codes_are_stable_and_distinct() {
    let errors = [
        Error::Malformed(String::new()),
        Error::MalformedEnvelope(String::new()),
        Error::IssuerSignature,
        Error::SupervisorSignature,
        Error::UnknownIssuer {
            serial: String::new(),
        },
        Error::UnknownSupervisor {
            serial: String::new(),
        },
        Error::CertificateNotValidAt {
            serial: String::new(),
            at: at(2024, 1, 1),
        },
        Error::CertificateRevoked {
            serial: String::new(),
        },
        Error::WrongProvince {
            expected: String::new(),
            found: String::new(),
        },
        Error::TotalMismatch {
            total: 0,
            items_sum: 0,
        },
        Error::AmountInWordsMismatch,
        Error::BundleSignature,
        Error::BundleMalformed(String::new()),
    ];
    let codes: std::collections::HashSet<_> = errors.iter().map(Error::code).collect();
    assert_eq!(codes.len(), errors.len());
    assert_eq!(Error::IssuerSignature.code(), "receipt.issuer_signature");
}

fn leaf_paths(value: &serde_json::Value, prefix: String) -> Vec<String> {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| leaf_paths(v, format!("{prefix}/{k}")))
            .collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, v)| leaf_paths(v, format!("{prefix}/{i}")))
            .collect(),
        _ => vec![prefix],
    }
}

/// A different value of the same kind, so the document stays well-formed where it can.
fn altered(leaf: &serde_json::Value) -> serde_json::Value {
    match leaf {
        serde_json::Value::Number(n) => serde_json::json!(n.as_i64().unwrap_or(0) + 1),
        serde_json::Value::String(s) if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() => {
            let mut chars: Vec<char> = s.chars().collect();
            let last = chars.len() - 1;
            chars[last] = if chars[last] == '9' {
                '0'
            } else {
                (chars[last] as u8 + 1) as char
            };
            serde_json::json!(chars.into_iter().collect::<String>())
        }
        serde_json::Value::String(s) => serde_json::json!(format!("{s}X")),
        other => serde_json::json!(other.to_string()),
    }
}

/// Defence in depth for S6 and W7: a signed receipt whose payment split does not
/// fit its total, or whose amounts are beyond any bill, does not verify, whoever
/// signed it.
#[test]
fn a_payment_split_beyond_the_total_or_an_absurd_amount_does_not_verify() {
    let k = keys();
    let mut r = receipt();
    r.medical.as_mut().unwrap().payments.self_pay = Fen(100_000_000);
    let e = verify(&sign(&r, &k, "ISS-1"), &store(&k)).unwrap_err();
    assert_eq!(e.code(), "receipt.payment_split", "{e}");

    let mut r = receipt();
    r.medical.as_mut().unwrap().payments.fund = Fen(i64::MAX);
    let e = verify(&sign(&r, &k, "ISS-1"), &store(&k)).unwrap_err();
    assert_eq!(e.code(), "receipt.amount_out_of_range", "{e}");

    let mut r = receipt();
    r.medical.as_mut().unwrap().payments.cash = Fen(4_344);
    r.medical.as_mut().unwrap().payments.other = Fen(1);
    assert!(
        verify(&sign(&r, &k, "ISS-1"), &store(&k)).is_ok(),
        "a split that adds up"
    );
}

/// The review's W4 (2): a key revoked under one serial, certified again under
/// another (renewals keep the key), still verified under the other serial.
/// Revoking a certificate now refuses its key under every serial.
#[test]
fn a_revoked_key_is_refused_under_another_serial() {
    let k = keys();
    let mut b = bundle(&k);
    let mut again = certificate(
        "ISS-AGAIN",
        CertificateRole::Issuer,
        ISSUER_CODE,
        &k.revoked,
    );
    again.valid_from = date(2024, 6, 1);
    b.certificates.push(RootSigned::sign(&again, &k.root));
    let trust = b.verify(&anchor(&k)).unwrap();
    let document = serde_json::to_vec(&receipt()).unwrap();
    let mut r = receipt();
    r.issued_at = at(2024, 7, 1);
    let document_later = serde_json::to_vec(&r).unwrap();
    for (document, serial) in [(document, "ISS-REV"), (document_later, "ISS-AGAIN")] {
        let signed = SignedOriginal::sign(document, &k.revoked, serial, &k.supervisor, "SUP-1");
        assert_eq!(
            verify(&signed, &trust).err(),
            Some(Error::CertificateRevoked {
                serial: serial.into()
            })
        );
    }
    // The issuer's own, unrevoked key still verifies.
    assert!(verify(&good(&k), &trust).is_ok());
}

/// A revocation that names the key refuses it even where the list's serial is not
/// among the bundle's certificates.
#[test]
fn a_revocation_by_key_alone_refuses_every_certificate_of_that_key() {
    let k = keys();
    let mut b = bundle(&k);
    let list = RevocationList {
        format: REVOCATIONS_FORMAT.into(),
        province: province(),
        version: 7,
        issued_at: at(2024, 2, 1),
        revoked: vec![Revocation {
            serial: "NOT-IN-THIS-BUNDLE".into(),
            revoked_at: at(2024, 2, 1),
            reason: "key compromise".into(),
            public_key: Some(k.issuer.verifying_key().to_bytes()),
        }],
    };
    b.revocations = RootSigned::sign(&list, &k.root);
    let trust = b.verify(&anchor(&k)).unwrap();
    assert_eq!(
        verify(&good(&k), &trust).err(),
        Some(Error::CertificateRevoked {
            serial: "ISS-1".into()
        })
    );
    // And the list's JSON carries the key, so a wallet that stores it keeps it.
    let json = String::from_utf8(b.revocations.body.clone()).unwrap();
    assert!(json.contains("\"public_key\""), "{json}");
}
