//! An imported receipt's row, from the elements its files state: inserted, then
//! completed by further files.

use crate::error::Result;
use chrono::NaiveDateTime;
use piaojia_import::{Elements, ReceiptKind};
use piaojia_receipt::{Category, LifecycleState};
use sqlx::{Row, SqliteConnection, SqlitePool};

/// The row values an imported receipt's elements give.
pub(crate) struct Columns<'a> {
    province: &'a str,
    issued_at: NaiveDateTime,
    category: Category,
    issuer_code: &'a str,
    issuer_name: &'a str,
    payer_name: &'a str,
    total: i64,
    elements: String,
}

pub(crate) fn columns(e: &Elements) -> Columns<'_> {
    let text = |name: &str| {
        e.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let said = format!(
        "{} {}",
        e.name.as_deref().unwrap_or_default(),
        text("MedicalCareType").unwrap_or_default()
    );
    let category = match e.kind {
        ReceiptKind::FiscalReceipt if said.contains("住院") => Category::MedicalInpatient,
        ReceiptKind::FiscalReceipt if said.contains("门诊") || said.contains("医疗") => {
            Category::MedicalOutpatient
        }
        ReceiptKind::FiscalReceipt if said.contains("捐赠") => Category::Donation,
        ReceiptKind::FiscalReceipt if said.contains("教育") || said.contains("学费") => {
            Category::Education
        }
        _ => Category::Other,
    };
    Columns {
        province: e.province.as_deref().unwrap_or_default(),
        issued_at: e.issued_on.and_hms_opt(0, 0, 0).expect("midnight exists"),
        category,
        issuer_code: e
            .issuer
            .as_ref()
            .and_then(|p| p.id.as_deref())
            .unwrap_or_default(),
        issuer_name: e
            .issuer
            .as_ref()
            .map(|p| p.name.as_str())
            .unwrap_or_default(),
        payer_name: e
            .payer
            .as_ref()
            .map(|p| p.name.as_str())
            .unwrap_or_default(),
        total: e.total_fen.unwrap_or(0),
        elements: serde_json::to_string(e).expect("serialises"),
    }
}

/// The columns an imported receipt's elements fill, in the order `bind_elements`
/// binds them: one list for the row's insert and for its later updates.
const ELEMENT_COLUMNS: [&str; 12] = [
    "province",
    "issued_at",
    "category",
    "issuer_code",
    "issuer_name",
    "payer_name",
    "total",
    "patient_paid",
    "is_red",
    "kind",
    "elements",
    "reference_only",
];

fn bind_elements<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    c: &'q Columns<'q>,
    e: &'q Elements,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    query
        .bind(c.province)
        .bind(c.issued_at)
        .bind(c.category.as_str())
        .bind(c.issuer_code)
        .bind(c.issuer_name)
        .bind(c.payer_name)
        .bind(c.total)
        // A citizen pays all of an imported receipt: no insurance split is known.
        .bind(c.total)
        .bind(c.total < 0)
        .bind(e.kind.as_str())
        .bind(c.elements.as_str())
        .bind(e.reference_only)
}

/// Writes merged elements over an imported receipt's row.
pub(crate) async fn update_imported(
    conn: &mut SqliteConnection,
    id: i64,
    e: &Elements,
) -> Result<()> {
    let c = columns(e);
    let update = format!(
        "UPDATE receipts SET {} WHERE id = ?",
        ELEMENT_COLUMNS
            .map(|column| format!("{column} = ?"))
            .join(", ")
    );
    bind_elements(sqlx::query(&update), &c, e)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A new imported receipt; with the receipt it may repeat (same issuer, day and
/// total), if any.
pub(crate) async fn insert_imported(
    conn: &mut SqliteConnection,
    elements: &Elements,
    sha256: &str,
) -> Result<(i64, Option<i64>)> {
    let c = columns(elements);
    let possible_duplicate_of: Option<i64> = if c.issuer_name.is_empty() {
        None
    } else {
        sqlx::query_scalar(
            "SELECT id FROM receipts WHERE issuer_name = ? AND total = ? AND date(issued_at) = date(?)
             ORDER BY id LIMIT 1",
        )
        .bind(c.issuer_name)
        .bind(c.total)
        .bind(c.issued_at)
        .fetch_optional(&mut *conn)
        .await?
    };
    let (code, number) = elements.key();
    let insert = format!(
        "INSERT INTO receipts (code, number, verified_at, bundle_version, document_sha256, possible_duplicate_of, {})
         VALUES (?, ?, ?, 0, ?, ?, {}) RETURNING id",
        ELEMENT_COLUMNS.join(", "),
        vec!["?"; ELEMENT_COLUMNS.len()].join(", ")
    );
    let query = sqlx::query(&insert)
        .bind(code)
        .bind(number)
        .bind(crate::store::now())
        .bind(sha256)
        .bind(possible_duplicate_of);
    let receipt_id: i64 = bind_elements(query, &c, elements)
        .fetch_one(&mut *conn)
        .await?
        .get(0);
    Ok((receipt_id, possible_duplicate_of))
}

/// The first receipt with this key: its id, whether it is signed, and its
/// elements when imported.
pub(crate) async fn held_with_key(
    conn: &mut SqliteConnection,
    code: &str,
    number: &str,
) -> Result<Option<(i64, bool, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT id, original IS NOT NULL, elements FROM receipts WHERE code = ? AND number = ? ORDER BY id LIMIT 1",
    )
    .bind(code)
    .bind(number)
    .fetch_optional(conn)
    .await?)
}

/// What an imported receipt's detail reads beside its files.
#[derive(sqlx::FromRow)]
pub(crate) struct ImportedFields {
    pub elements: Option<String>,
    #[sqlx(try_from = "String")]
    pub lifecycle: LifecycleState,
    pub claim_id: Option<i64>,
    pub possible_duplicate_of: Option<i64>,
}

pub(crate) async fn imported_fields(pool: &SqlitePool, id: i64) -> Result<Option<ImportedFields>> {
    Ok(sqlx::query_as(
        "SELECT elements, lifecycle, claim_id, possible_duplicate_of FROM receipts WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}
