use crate::fixture::*;
use piaojia_receipt::*;

fn numbered(k: &Keys, n: u32) -> SignedOriginal {
    let mut r = receipt();
    r.number = ReceiptNumber::new(format!("{:010}", n)).unwrap();
    sign(&r, k, "ISS-1")
}

#[test]
fn batch_of_good_receipts_all_verify() {
    let k = keys();
    let originals: Vec<_> = (0..300).map(|n| numbered(&k, n)).collect();
    let results = verify_batch(&originals, &store(&k));
    assert_eq!(results.len(), 300);
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(
        results[299].as_ref().unwrap().receipt.number.as_str(),
        "0000000299"
    );
}

#[test]
fn a_batch_names_each_bad_receipt_and_keeps_the_good_ones() {
    let k = keys();
    let mut originals: Vec<_> = (0..300).map(|n| numbered(&k, n)).collect();
    originals[5].issuer_signature[3] ^= 1;
    originals[130].supervisor_signature[9] ^= 1;
    originals[131].document.push(b' ');
    originals[200].issuer_cert_serial = "ISS-REV".into();
    originals[299].document = b"{".to_vec();
    let results = verify_batch(&originals, &store(&k));
    for (i, result) in results.iter().enumerate() {
        match i {
            5 | 131 => assert_eq!(result, &Err(Error::IssuerSignature), "{i}"),
            130 => assert_eq!(result, &Err(Error::SupervisorSignature)),
            200 => assert!(matches!(result, Err(Error::CertificateRevoked { .. }))),
            299 => assert!(matches!(result, Err(Error::Malformed(_)))),
            _ => assert!(result.is_ok(), "{i}: {result:?}"),
        }
    }
}

#[test]
fn batch_and_single_agree() {
    let k = keys();
    let trust = store(&k);
    let mut originals: Vec<_> = (0..40).map(|n| numbered(&k, n)).collect();
    for i in (0..40).step_by(7) {
        originals[i].issuer_signature[i % 64] ^= 0x10;
    }
    let batch = verify_batch(&originals, &trust);
    let single: Vec<_> = originals.iter().map(|o| verify(o, &trust)).collect();
    assert_eq!(batch, single);
}

#[test]
fn an_empty_batch_is_empty() {
    assert!(verify_batch(&[], &store(&keys())).is_empty());
}
