use chrono::{NaiveDate, NaiveDateTime};
use piaojia_receipt::*;
use rand::SeedableRng;

pub fn province() -> ProvinceCode {
    ProvinceCode::new("330000").unwrap()
}

pub fn key(seed: u64) -> SigningKey {
    SigningKey::generate(&mut rand_chacha::ChaCha20Rng::seed_from_u64(seed))
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(9, 30, 0).unwrap()
}

pub struct Keys {
    pub root: SigningKey,
    pub issuer: SigningKey,
    pub supervisor: SigningKey,
    pub other: SigningKey,
    /// ISS-REV's key, revoked with it.
    pub revoked: SigningKey,
}

pub fn keys() -> Keys {
    Keys {
        root: key(1),
        issuer: key(2),
        supervisor: key(3),
        other: key(4),
        revoked: key(5),
    }
}

pub fn certificate(
    serial: &str,
    role: CertificateRole,
    subject: &str,
    k: &SigningKey,
) -> Certificate {
    Certificate {
        format: CERTIFICATE_FORMAT.into(),
        province: province(),
        serial: serial.into(),
        role,
        subject_code: subject.into(),
        subject_name: "台州市中心医院".into(),
        public_key: k.verifying_key().to_bytes(),
        valid_from: date(2023, 1, 1),
        valid_to: date(2025, 12, 31),
    }
}

pub const ISSUER_CODE: &str = "331001000001";

/// A bundle with an issuer (ISS-1), an expired issuer (ISS-OLD), a revoked one
/// (ISS-REV), a second issuer (ISS-2) and the supervisor (SUP-1).
pub fn bundle(k: &Keys) -> TrustBundle {
    let mut old = certificate("ISS-OLD", CertificateRole::Issuer, ISSUER_CODE, &k.issuer);
    old.valid_to = date(2023, 6, 30);
    let certs = [
        certificate("ISS-1", CertificateRole::Issuer, ISSUER_CODE, &k.issuer),
        certificate("ISS-2", CertificateRole::Issuer, "331001000002", &k.other),
        certificate("ISS-REV", CertificateRole::Issuer, ISSUER_CODE, &k.revoked),
        old,
        certificate(
            "SUP-1",
            CertificateRole::Supervisor,
            "330000-CZT",
            &k.supervisor,
        ),
    ];
    let revocations = RevocationList {
        format: REVOCATIONS_FORMAT.into(),
        province: province(),
        version: 7,
        issued_at: at(2024, 1, 1),
        revoked: vec![Revocation {
            serial: "ISS-REV".into(),
            revoked_at: at(2024, 1, 1),
            reason: "key compromise".into(),
            public_key: None,
        }],
    };
    TrustBundle {
        province: province(),
        version: 7,
        certificates: certs.iter().map(|c| RootSigned::sign(c, &k.root)).collect(),
        revocations: RootSigned::sign(&revocations, &k.root),
    }
}

pub fn anchor(k: &Keys) -> TrustAnchor {
    TrustAnchor {
        province: province(),
        root: k.root.verifying_key(),
    }
}

pub fn store(k: &Keys) -> TrustStore {
    bundle(k).verify(&anchor(k)).unwrap()
}

pub fn receipt() -> Receipt {
    let items = vec![
        LineItem {
            code: "C0104".into(),
            name: "西药费".into(),
            quantity: "1".into(),
            unit: "项".into(),
            amount: Fen(8_645),
            remark: String::new(),
        },
        LineItem {
            code: "C0301".into(),
            name: "检查费".into(),
            quantity: "2".into(),
            unit: "次".into(),
            amount: Fen(3_700),
            remark: "CT平扫".into(),
        },
    ];
    let total = Fen(12_345);
    Receipt {
        format: RECEIPT_FORMAT.into(),
        province: province(),
        region: RegionCode::new("331000").unwrap(),
        name: "浙江省医疗门诊收费票据（电子）".into(),
        code: ReceiptCode::new("33060122").unwrap(),
        number: ReceiptNumber::new("0012345678").unwrap(),
        check_code: CheckCode::new("8F3A21").unwrap(),
        template_code: "CZ330001".into(),
        issued_at: at(2024, 5, 1),
        category: Category::MedicalOutpatient,
        payer: Payer {
            name: "王䶮".into(),
            id: "33100219800101123X".into(),
            kind: PayerKind::Person,
        },
        issuer: Issuer {
            code: ISSUER_CODE.into(),
            name: "台州市中心医院".into(),
        },
        handler: "李收费".into(),
        checker: "张复核".into(),
        total,
        total_in_words: amount_in_words(total),
        items,
        detail_list: vec![],
        medical: Some(MedicalInfo {
            visit_date: date(2024, 5, 1),
            outpatient_no: Some("MZ20240501001".into()),
            inpatient_no: None,
            department: "内科".into(),
            admitted_on: None,
            discharged_on: None,
            insurance_type: Some("职工基本医疗保险".into()),
            insurance_no: Some("ZJ12345678".into()),
            payments: PaymentSplit {
                fund: Fen(6_000),
                personal_account: Fen(2_000),
                other: Fen(0),
                cash: Fen(4_345),
                self_pay: Fen(1_345),
                self_expense: Fen(3_000),
            },
        }),
        reverses: None,
        remark: String::new(),
    }
}

pub fn sign(receipt: &Receipt, k: &Keys, serial: &str) -> SignedOriginal {
    let document = serde_json::to_vec(receipt).unwrap();
    SignedOriginal::sign(document, &k.issuer, serial, &k.supervisor, "SUP-1")
}

pub fn good(k: &Keys) -> SignedOriginal {
    sign(&receipt(), k, "ISS-1")
}
