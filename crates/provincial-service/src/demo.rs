//! Deterministic demo data: issuers (hospitals, schools, charities, offices),
//! citizens and their receipts, including 冲红 pairs and 换开 receipts. The same seed
//! always gives the same data, so tests and benchmarks can rely on it.

use crate::config::{Province, ServiceConfig};
use crate::error::ServiceError;
use crate::issue::{red_draft, sign_receipt, Draft, IssuerRecord};
use crate::keys::{derive_key, issuer_api_key, sha256_hex, ServiceKeys, ServiceSecret};
use crate::store;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use piaojia_api::RelyingPartyKind;
use piaojia_receipt::{
    Category, DetailItem, Fen, Lifecycle, LineItem, MedicalInfo, Payer, PayerKind, PaymentSplit,
    ReceiptCode, ReceiptKey, ReceiptNumber, RegionCode,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sqlx::AnyPool;
use std::collections::HashMap;

/// A demo citizen; the first one is "the demo citizen" with the most receipts.
#[derive(Debug, Clone)]
pub struct DemoCitizen {
    pub name: &'static str,
    pub id_number: String,
    pub phone: &'static str,
}

/// Names include characters outside the BMP and CJK Extension A on purpose.
const CITIZENS: [(&str, &str, &str, &str); 5] = [
    ("王䶮", "330102", "19900307", "13800001234"),
    ("李娜", "331002", "19850612", "13900002345"),
    ("陈𬀩文", "330203", "19771120", "13700003456"),
    ("欧阳晓燕", "330302", "20010415", "13600004567"),
    ("张伟", "330602", "19620830", "13500005678"),
];

/// The demo citizens. They are the same people in every province (an ID number is
/// national), so one wallet can hold one person's receipts from several provinces.
pub fn citizens(_province: &Province) -> Vec<DemoCitizen> {
    CITIZENS
        .iter()
        .enumerate()
        .map(|(i, (name, region, birth, phone))| DemoCitizen {
            name,
            id_number: id_number(region, birth, 100 + 37 * i as u32),
            phone,
        })
        .collect()
}

/// The demo citizens and `extra` more, for load tests: their ID numbers differ by
/// birth date and sequence, their names and phones repeat the demo's.
pub fn citizens_and(province: &Province, extra: usize) -> Vec<DemoCitizen> {
    let mut all = citizens(province);
    let first_birth = NaiveDate::from_ymd_opt(1960, 1, 1).expect("a date");
    for k in 0..extra {
        let (name, _, _, phone) = CITIZENS[k % CITIZENS.len()];
        let birth = first_birth + Duration::days((k / 1000) as i64);
        all.push(DemoCitizen {
            name,
            id_number: id_number("330106", &birth.format("%Y%m%d").to_string(), k as u32),
            phone,
        });
    }
    all
}

/// A resident ID number with its ISO 7064 MOD 11-2 check character.
pub fn id_number(region: &str, birth: &str, sequence: u32) -> String {
    let body = format!("{region}{birth}{:03}", sequence % 1000);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| (b - b'0') as u32 * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize])
}

struct IssuerSpec {
    suffix: &'static str,
    name: &'static str,
    category: Category,
    region_tail: &'static str,
}

const ISSUERS: [IssuerSpec; 12] = [
    IssuerSpec {
        suffix: "0001",
        name: "台州市中心医院",
        category: Category::MedicalOutpatient,
        region_tail: "1000",
    },
    IssuerSpec {
        suffix: "0002",
        name: "浙江大学医学院附属第一医院",
        category: Category::MedicalOutpatient,
        region_tail: "0100",
    },
    IssuerSpec {
        suffix: "0003",
        name: "温州医科大学附属第一医院",
        category: Category::MedicalOutpatient,
        region_tail: "0300",
    },
    IssuerSpec {
        suffix: "0004",
        name: "宁波市第一医院",
        category: Category::MedicalOutpatient,
        region_tail: "0200",
    },
    IssuerSpec {
        suffix: "0005",
        name: "绍兴市人民医院",
        category: Category::MedicalOutpatient,
        region_tail: "0600",
    },
    IssuerSpec {
        suffix: "0006",
        name: "杭州市第一人民医院（杭州市肿瘤医院·西湖院区）",
        category: Category::MedicalOutpatient,
        region_tail: "0100",
    },
    IssuerSpec {
        suffix: "0101",
        name: "杭州市学军中学",
        category: Category::Education,
        region_tail: "0100",
    },
    IssuerSpec {
        suffix: "0102",
        name: "浙江工业大学",
        category: Category::Education,
        region_tail: "0100",
    },
    IssuerSpec {
        suffix: "0201",
        name: "浙江省慈善联合总会",
        category: Category::Donation,
        region_tail: "0000",
    },
    IssuerSpec {
        suffix: "0202",
        name: "杭州市红十字会",
        category: Category::Donation,
        region_tail: "0100",
    },
    IssuerSpec {
        suffix: "0301",
        name: "杭州市公安局出入境管理局",
        category: Category::AdministrativeFee,
        region_tail: "0100",
    },
    IssuerSpec {
        suffix: "0302",
        name: "宁波市不动产登记中心",
        category: Category::AdministrativeFee,
        region_tail: "0200",
    },
];

/// The demo issuers of a province, with keys derived from the seed.
/// Shanghai's demo issuers, in the order of `ISSUERS` (same kinds and codes).
const SHANGHAI_NAMES: [&str; 12] = [
    "复旦大学附属华山医院",
    "上海交通大学医学院附属瑞金医院",
    "上海市第六人民医院",
    "上海市第一人民医院",
    "复旦大学附属中山医院",
    "上海市儿童医院",
    "上海市复兴高级中学",
    "同济大学",
    "上海市慈善基金会",
    "上海市红十字会",
    "上海市公安局出入境管理局",
    "上海市不动产登记事务中心",
];

pub fn issuers(secret: &ServiceSecret, province: &Province) -> Vec<IssuerRecord> {
    let shanghai = province.code.as_str() == "310000";
    ISSUERS
        .iter()
        .zip(SHANGHAI_NAMES)
        .map(|(spec, shanghai_name)| {
            let code = format!(
                "{}{}00{}",
                &province.code.as_str()[..2],
                spec.region_tail,
                spec.suffix
            );
            IssuerRecord {
                key: derive_key(secret, &format!("issuer/{code}")),
                cert_serial: format!("{}-ISS-{}", province.prefix, spec.suffix),
                name: if shanghai { shanghai_name } else { spec.name }.to_string(),
                category: spec.category,
                region: RegionCode::new(format!("{}{}", province.prefix, spec.region_tail))
                    .expect("six digits"),
                code,
            }
        })
        .collect()
}

const MEDICAL_ITEMS: [(&str, &str, &str); 12] = [
    ("C0101", "挂号费", "次"),
    ("C0102", "诊察费", "次"),
    ("C0103", "检查费", "项"),
    ("C0104", "西药费", "项"),
    ("C0105", "中成药费", "项"),
    ("C0106", "中草药费", "剂"),
    ("C0107", "化验费", "项"),
    ("C0108", "治疗费", "次"),
    ("C0109", "手术费", "次"),
    ("C0110", "卫生材料费", "项"),
    ("C0111", "床位费", "天"),
    ("C0112", "护理费", "天"),
];

const DRUGS: [(&str, &str, &str, i64); 12] = [
    ("阿莫西林胶囊", "0.25g×24粒", "盒", 1_850),
    ("布洛芬缓释胶囊", "0.3g×20粒", "盒", 2_260),
    ("头孢克肟分散片", "0.1g×6片", "盒", 3_480),
    ("0.9%氯化钠注射液", "250ml", "袋", 560),
    ("奥美拉唑肠溶胶囊", "20mg×14粒", "盒", 2_890),
    ("复方甘草片", "100片", "瓶", 1_200),
    ("盐酸左氧氟沙星片", "0.5g×4片", "盒", 2_670),
    ("板蓝根颗粒", "10g×20袋", "包", 1_590),
    ("连花清瘟胶囊", "0.35g×24粒", "盒", 2_980),
    ("5%葡萄糖注射液", "500ml", "瓶", 640),
    ("注射用头孢曲松钠", "1.0g", "支", 1_150),
    ("甲钴胺片", "0.5mg×20片", "盒", 3_120),
];

const DEPARTMENTS: [&str; 8] = [
    "内科",
    "外科",
    "儿科",
    "妇产科",
    "眼科",
    "口腔科",
    "皮肤科",
    "骨科",
];
const STAFF: [&str; 6] = ["周敏", "吴芳", "郑磊", "孙丽", "冯涛", "何静"];

/// A relying party: who takes claims (code, name, kind).
pub struct RelyingPartySpec {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: RelyingPartyKind,
}

/// The demo relying parties of a province: an employer, an insurer, the province's
/// medical-insurance fund, and the neighbour's fund for Yangtze River Delta claims.
pub fn relying_parties(province: &Province) -> Vec<RelyingPartySpec> {
    let spec = |code, name, kind| RelyingPartySpec { code, name, kind };
    if province.code.as_str() == "310000" {
        vec![
            spec(
                "RP-EMP-001",
                "上海张江科技有限公司",
                RelyingPartyKind::Employer,
            ),
            spec(
                "RP-INS-001",
                "中国太平洋人寿保险股份有限公司上海分公司",
                RelyingPartyKind::Insurer,
            ),
            spec(
                "RP-MI-310000",
                "上海市医疗保障局",
                RelyingPartyKind::MedicalInsurance,
            ),
            spec(
                "RP-MI-330000",
                "浙江省医疗保障局（长三角异地就医）",
                RelyingPartyKind::MedicalInsurance,
            ),
        ]
    } else {
        vec![
            spec(
                "RP-EMP-001",
                "杭州云栖科技有限公司",
                RelyingPartyKind::Employer,
            ),
            spec(
                "RP-INS-001",
                "中国平安人寿保险股份有限公司浙江分公司",
                RelyingPartyKind::Insurer,
            ),
            spec(
                "RP-MI-330000",
                "浙江省医疗保障局",
                RelyingPartyKind::MedicalInsurance,
            ),
            spec(
                "RP-MI-310000",
                "上海市医疗保障局（长三角异地就医）",
                RelyingPartyKind::MedicalInsurance,
            ),
        ]
    }
}

/// What the generator made, for the start-up banner and tests.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub citizens: Vec<DemoCitizen>,
    pub receipts: usize,
    pub reversed: usize,
    pub exchanged: usize,
}

/// Fills an empty store: issuers, citizens and their receipts.
pub async fn generate(
    pool: &AnyPool,
    config: &ServiceConfig,
    keys: &ServiceKeys,
) -> Result<DemoSummary, ServiceError> {
    let province = &config.province;
    let secret = config.secret();
    let issuers = issuers(&secret, province);
    let citizens = citizens_and(province, config.load_citizens);
    let mut tx = store::begin_write(pool).await?;
    for issuer in &issuers {
        store::insert_issuer(
            &mut tx,
            issuer,
            &sha256_hex(&issuer_api_key(&secret, &issuer.code)),
        )
        .await?;
    }
    for rp in relying_parties(province) {
        sqlx::query(
            "INSERT INTO relying_parties (code, name, kind, api_key_hash) VALUES ($1, $2, $3, $4)",
        )
        .bind(rp.code)
        .bind(rp.name)
        .bind(rp.kind.as_str())
        .bind(sha256_hex(&crate::keys::relying_party_api_key(
            &secret, province, rp.code,
        )))
        .execute(&mut *tx)
        .await?;
    }
    let mut numbers: HashMap<String, u64> = HashMap::new();
    let mut summary = DemoSummary {
        citizens: citizens.clone(),
        receipts: 0,
        reversed: 0,
        exchanged: 0,
    };
    for (index, citizen) in citizens.iter().enumerate() {
        let citizen_id: i64 = sqlx::query_scalar(
            "INSERT INTO citizens (id_number, name, phone) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&citizen.id_number)
        .bind(citizen.name)
        .bind(citizen.phone)
        .fetch_one(&mut *tx)
        .await?;
        let count = if index == 0 {
            config.demo_receipts
        } else {
            config.other_receipts
        };
        // Zhejiang keeps the original stream; other provinces mix in their code.
        let province_mix = match province.code.as_str() {
            "330000" => 0,
            code => code
                .parse::<u64>()
                .unwrap_or(0)
                .wrapping_mul(0xA076_1D64_78BD_642F),
        };
        let mut rng = ChaCha20Rng::seed_from_u64(
            config.seed ^ province_mix ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let payer = Payer {
            name: citizen.name.to_string(),
            id: citizen.id_number.clone(),
            kind: PayerKind::Person,
        };
        let start = NaiveDate::from_ymd_opt(2022, 1, 1)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        let span_minutes = 4 * 365 * 24 * 60i64;
        let step = (span_minutes / count.max(1) as i64).max(1);
        for n in 0..count {
            let at = start + Duration::minutes(step * n as i64 + rng.gen_range(0..step));
            let issuer = pick_issuer(&mut rng, &issuers);
            let draft = random_draft(&mut rng, issuer, payer.clone(), at);
            let number = next(&mut numbers, province, issuer, &draft);
            let (receipt, original) = sign_receipt(&secret, province, keys, issuer, number, draft);
            store::insert_receipt(&mut tx, citizen_id, &receipt, &original).await?;
            summary.receipts += 1;
            let roll = rng.gen_range(0..1000);
            if roll < 25 {
                let red_at = at + Duration::hours(rng.gen_range(2..72));
                let draft =
                    red_draft(&receipt, red_at, "患者退费").expect("demo amounts are small");
                let number = next(&mut numbers, province, issuer, &draft);
                let (red, red_original) =
                    sign_receipt(&secret, province, keys, issuer, number, draft);
                store::insert_receipt(&mut tx, citizen_id, &red, &red_original).await?;
                let lifecycle = Lifecycle::Reversed { by: red.key() };
                store::set_lifecycle(&mut tx, citizen_id, &receipt.key(), &lifecycle, red_at)
                    .await?;
                summary.receipts += 1;
                summary.reversed += 1;
            } else if roll < 45 {
                let paper = ReceiptKey {
                    province: province.code.clone(),
                    code: ReceiptCode::new(format!("{}{}", &receipt.code.as_str()[..6], "99"))
                        .expect("digits"),
                    number: ReceiptNumber::new(format!(
                        "{:010}",
                        rng.gen_range(1..9_999_999_999u64)
                    ))
                    .expect("digits"),
                };
                let when = at + Duration::days(rng.gen_range(1..30));
                store::set_lifecycle(
                    &mut tx,
                    citizen_id,
                    &receipt.key(),
                    &Lifecycle::Exchanged { paper },
                    when,
                )
                .await?;
                summary.exchanged += 1;
            }
        }
    }
    for (code, next) in numbers {
        sqlx::query("INSERT INTO receipt_numbers (code, next) VALUES ($1, $2)")
            .bind(code)
            .bind(next as i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(summary)
}

fn next(
    numbers: &mut HashMap<String, u64>,
    province: &Province,
    issuer: &IssuerRecord,
    draft: &Draft,
) -> u64 {
    use chrono::Datelike;
    let code = crate::issue::receipt_code(
        province,
        &issuer.region,
        draft.category,
        draft.issued_at.year(),
    );
    let slot = numbers.entry(code.to_string()).or_insert(1);
    let number = *slot;
    *slot += 1;
    number
}

/// Hospitals carry most receipts, as in the real mix (over 85% are medical).
fn pick_issuer<'a>(rng: &mut ChaCha20Rng, issuers: &'a [IssuerRecord]) -> &'a IssuerRecord {
    let medical: Vec<&IssuerRecord> = issuers.iter().filter(|i| i.category.is_medical()).collect();
    let others: Vec<&IssuerRecord> = issuers
        .iter()
        .filter(|i| !i.category.is_medical())
        .collect();
    if rng.gen_range(0..100) < 87 || others.is_empty() {
        medical.choose(rng).expect("demo has hospitals")
    } else {
        others.choose(rng).expect("checked")
    }
}

fn money(rng: &mut ChaCha20Rng, low_yuan: i64, high_yuan: i64) -> Fen {
    Fen(rng.gen_range(low_yuan * 100..=high_yuan * 100))
}

fn random_draft(
    rng: &mut ChaCha20Rng,
    issuer: &IssuerRecord,
    payer: Payer,
    at: NaiveDateTime,
) -> Draft {
    let handler = STAFF.choose(rng).unwrap().to_string();
    let checker = STAFF.choose(rng).unwrap().to_string();
    let base = Draft {
        category: issuer.category,
        payer,
        issued_at: at,
        items: Vec::new(),
        detail_list: Vec::new(),
        medical: None,
        reverses: None,
        handler,
        checker,
        remark: String::new(),
    };
    match issuer.category {
        Category::MedicalOutpatient | Category::MedicalInpatient => {
            let inpatient = rng.gen_range(0..100) < 15;
            medical_draft(rng, base, inpatient)
        }
        Category::Education => Draft {
            items: vec![line("E0101", "学费", "1", "学期", money(rng, 800, 6_000))],
            ..base
        },
        Category::Donation => Draft {
            items: vec![line("D0101", "公益捐赠", "1", "笔", money(rng, 10, 2_000))],
            remark: "感谢您的爱心捐赠".into(),
            ..base
        },
        _ => Draft {
            items: vec![line("F0301", "证照工本费", "1", "本", money(rng, 10, 200))],
            ..base
        },
    }
}

fn line(code: &str, name: &str, quantity: &str, unit: &str, amount: Fen) -> LineItem {
    LineItem {
        code: code.into(),
        name: name.into(),
        quantity: quantity.into(),
        unit: unit.into(),
        amount,
        remark: String::new(),
    }
}

fn medical_draft(rng: &mut ChaCha20Rng, base: Draft, inpatient: bool) -> Draft {
    let visit = base.issued_at.date();
    let mut detail_list = Vec::new();
    let mut items = Vec::new();
    let mut drugs_total = Fen::ZERO;
    let drug_lines = if inpatient {
        rng.gen_range(8..40)
    } else {
        rng.gen_range(0..4)
    };
    for _ in 0..drug_lines {
        let (name, spec, unit, price) = *DRUGS.choose(rng).unwrap();
        let quantity = rng.gen_range(1..5);
        let amount = Fen(price * quantity);
        drugs_total = drugs_total
            .checked_add(amount)
            .expect("demo amounts are small");
        detail_list.push(DetailItem {
            item_code: "C0104".into(),
            name: name.into(),
            spec: spec.into(),
            quantity: quantity.to_string(),
            unit: unit.into(),
            unit_price: Fen(price),
            amount,
            remark: String::new(),
        });
    }
    if drugs_total != Fen::ZERO {
        items.push(line("C0104", "西药费", "1", "项", drugs_total));
    }
    let other_lines = if inpatient {
        rng.gen_range(4..9)
    } else {
        rng.gen_range(1..4)
    };
    let mut chosen: Vec<&(&str, &str, &str)> =
        MEDICAL_ITEMS.iter().filter(|i| i.0 != "C0104").collect();
    chosen.shuffle(rng);
    for (code, name, unit) in chosen.into_iter().take(other_lines) {
        let amount = if inpatient {
            money(rng, 50, 8_000)
        } else {
            money(rng, 5, 600)
        };
        items.push(line(
            code,
            name,
            &rng.gen_range(1..4).to_string(),
            unit,
            amount,
        ));
    }
    items.sort_by(|a, b| a.code.cmp(&b.code));
    let total = Fen::checked_sum(items.iter().map(|i| i.amount)).expect("demo amounts are small");
    let insured = rng.gen_range(0..100) < 90;
    let self_expense = Fen(total.0 * rng.gen_range(0..15) / 100);
    let covered = Fen(total.0 - self_expense.0);
    let fund = if insured {
        Fen(covered.0 * rng.gen_range(40..75) / 100)
    } else {
        Fen::ZERO
    };
    let personal_account = if insured {
        Fen((covered.0 - fund.0) * rng.gen_range(0..60) / 100)
    } else {
        Fen::ZERO
    };
    let cash = Fen(total.0 - fund.0 - personal_account.0);
    let admitted = visit - Duration::days(rng.gen_range(2..15));
    let department = DEPARTMENTS.choose(rng).unwrap().to_string();
    Draft {
        category: if inpatient {
            Category::MedicalInpatient
        } else {
            Category::MedicalOutpatient
        },
        items,
        detail_list,
        medical: Some(MedicalInfo {
            visit_date: if inpatient { admitted } else { visit },
            outpatient_no: (!inpatient)
                .then(|| format!("MZ{}{:04}", visit.format("%Y%m%d"), rng.gen_range(1..9999))),
            inpatient_no: inpatient
                .then(|| format!("ZY{}{:05}", visit.format("%Y"), rng.gen_range(1..99999))),
            department,
            admitted_on: inpatient.then_some(admitted),
            discharged_on: inpatient.then_some(visit),
            insurance_type: insured.then(|| "职工基本医疗保险".to_string()),
            insurance_no: insured.then(|| format!("ZJ{:08}", rng.gen_range(1..99_999_999))),
            payments: PaymentSplit {
                fund,
                personal_account,
                other: Fen::ZERO,
                cash,
                self_pay: Fen((covered.0 - fund.0).max(0)),
                self_expense,
            },
        }),
        ..base
    }
}
