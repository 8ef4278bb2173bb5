//! What a person hands in for reimbursement: sheets (粘贴单) with two or four
//! receipts to an A4 page, each printed as it prints alone (its original, or the
//! official layout), and the 汇总表 of the same receipts as PDF, CSV or XLSX.

use crate::error::{Result, WalletError};
use crate::export::Selection;
use crate::printing::PrintDocument;
use crate::wallet::Wallet;
use piaojia_receipt::Fen;
use piaojia_render::{PerSheet, Summary, SummaryLine};
use std::path::Path;

/// A 汇总表's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SummaryFormat {
    Pdf,
    Csv,
    Xlsx,
}

impl SummaryFormat {
    /// The format a file name asks for by its extension.
    pub fn of_path(path: &Path) -> Option<SummaryFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "pdf" => Some(SummaryFormat::Pdf),
            "csv" => Some(SummaryFormat::Csv),
            "xlsx" => Some(SummaryFormat::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            SummaryFormat::Pdf => "pdf",
            SummaryFormat::Csv => "csv",
            SummaryFormat::Xlsx => "xlsx",
        }
    }
}

const HEADINGS: [&str; 5] = [
    "序号",
    "开票日期",
    "开票单位",
    "票据代码-号码",
    "金额（元）",
];

/// Reimbursement sheets (粘贴单) and summaries (汇总表) of stored receipts
/// (`wallet.reimbursement()`).
pub struct Reimbursement<'w> {
    pub(crate) wallet: &'w Wallet,
}

impl Reimbursement<'_> {
    /// The sheets of the selected receipts, in the selection's order.
    pub async fn sheets(
        &self,
        selection: &Selection,
        per_sheet: PerSheet,
    ) -> Result<PrintDocument> {
        let ids = self.wallet.exports().select(selection).await?;
        if ids.is_empty() {
            return Err(WalletError::Invalid("no receipts to put on sheets".into()));
        }
        let documents = self.wallet.printing().documents(&ids).await?;
        let sheets = tokio::task::spawn_blocking(move || {
            let parts: Vec<&[u8]> = documents.iter().map(|d| d.bytes.as_slice()).collect();
            piaojia_render::sheets_pdf(&parts, per_sheet)
        })
        .await
        .map_err(|e| WalletError::Invalid(format!("making the sheets failed: {e}")))??;
        Ok(PrintDocument {
            bytes: sheets.bytes,
            pages: sheets.pages,
            receipt_ids: ids,
        })
    }

    /// The 汇总表 of the selected receipts as a file's bytes.
    pub async fn summary_table(
        &self,
        selection: &Selection,
        format: SummaryFormat,
    ) -> Result<Vec<u8>> {
        let ids = self.wallet.exports().select(selection).await?;
        if ids.is_empty() {
            return Err(WalletError::Invalid("no receipts to sum up".into()));
        }
        let lines = self.summary_lines(&ids).await?;
        let total = Fen::checked_sum(lines.iter().map(|l| l.total))
            .ok_or(piaojia_render::RenderError::AmountOverflow)?;
        Ok(match format {
            SummaryFormat::Pdf => {
                piaojia_render::summary_pdf(&Summary { claim: None, lines })?.bytes
            }
            SummaryFormat::Csv => summary_csv(&lines, total).into_bytes(),
            SummaryFormat::Xlsx => summary_xlsx(&lines, total)?,
        })
    }

    /// A summary line for each receipt, in their order.
    pub(crate) async fn summary_lines(&self, ids: &[i64]) -> Result<Vec<SummaryLine>> {
        let mut lines = Vec::with_capacity(ids.len());
        for id in ids {
            lines.push(self.wallet.exports().stored(*id).await?.summary_line());
        }
        Ok(lines)
    }
}

/// With a byte-order mark, so that a spreadsheet reads it as UTF-8; amounts as
/// numbers (negative for a red receipt), texts guarded against formulas.
fn summary_csv(lines: &[SummaryLine], total: Fen) -> String {
    use crate::csv::csv_text;
    let mut out = format!("\u{feff}{}\n", HEADINGS.join(","));
    for (n, line) in lines.iter().enumerate() {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            n + 1,
            csv_text(&line.date),
            csv_text(&line.issuer),
            csv_text(&line.code_number),
            line.total
        ));
    }
    out.push_str(&format!("合计（小写）,,,,{total}\n"));
    out.push_str(&format!(
        "合计（大写）,,,,{}\n",
        csv_text(&piaojia_receipt::amount_in_words(total))
    ));
    out
}

fn summary_xlsx(lines: &[SummaryLine], total: Fen) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let fault = |e: rust_xlsxwriter::XlsxError| WalletError::Invalid(format!("the XLSX file: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("汇总表").map_err(fault)?;
    let bold = Format::new().set_bold();
    let yuan = Format::new().set_num_format("0.00");
    let bold_yuan = Format::new().set_bold().set_num_format("0.00");
    for (column, heading) in HEADINGS.iter().enumerate() {
        sheet
            .write_string_with_format(0, column as u16, *heading, &bold)
            .map_err(fault)?;
    }
    for (column, width) in [6.0, 12.0, 36.0, 30.0, 14.0].into_iter().enumerate() {
        sheet
            .set_column_width(column as u16, width)
            .map_err(fault)?;
    }
    let mut row = 1u32;
    for (n, line) in lines.iter().enumerate() {
        sheet.write_number(row, 0, (n + 1) as f64).map_err(fault)?;
        // Strings are written as strings: an issuer's name is never a formula.
        sheet.write_string(row, 1, &line.date).map_err(fault)?;
        sheet.write_string(row, 2, &line.issuer).map_err(fault)?;
        sheet
            .write_string(row, 3, &line.code_number)
            .map_err(fault)?;
        sheet
            .write_number_with_format(row, 4, yuan_number(line.total), &yuan)
            .map_err(fault)?;
        row += 1;
    }
    sheet
        .write_string_with_format(row, 0, "合计（小写）", &bold)
        .map_err(fault)?;
    sheet
        .write_number_with_format(row, 4, yuan_number(total), &bold_yuan)
        .map_err(fault)?;
    sheet
        .write_string_with_format(row + 1, 0, "合计（大写）", &bold)
        .map_err(fault)?;
    sheet
        .write_string_with_format(row + 1, 4, piaojia_receipt::amount_in_words(total), &bold)
        .map_err(fault)?;
    book.save_to_buffer().map_err(fault)
}

/// An amount as the number a spreadsheet stores. XLSX numbers are doubles: the
/// amount is summed in fen, checked, and only this last step divides, giving the
/// double nearest to the exact yuan figure. Below 2^45 yuan (3.5 × 10^13, far
/// beyond any receipt) doubles are closer together than 0.004, so that double is
/// written as exactly that figure (`12345` fen as `123.45`).
fn yuan_number(amount: Fen) -> f64 {
    amount.0 as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(issuer: &str, total: i64) -> SummaryLine {
        SummaryLine {
            date: "2026-03-01".into(),
            issuer: issuer.into(),
            code_number: "33010126-0000001".into(),
            total: Fen(total),
        }
    }

    #[test]
    fn a_csv_summary_keeps_amounts_as_numbers_and_names_as_text() {
        let lines = [
            line("=HYPERLINK(\"x\")", 12345),
            line("浙江省人民医院", -500),
        ];
        let csv = summary_csv(&lines, Fen(11845));
        let rows: Vec<&str> = csv.lines().collect();
        assert!(rows[0].starts_with('\u{feff}'));
        assert_eq!(
            rows[1],
            "1,2026-03-01,\"'=HYPERLINK(\"\"x\"\")\",33010126-0000001,123.45"
        );
        assert_eq!(
            rows[2],
            "2,2026-03-01,浙江省人民医院,33010126-0000001,-5.00"
        );
        assert_eq!(rows[3], "合计（小写）,,,,118.45");
        assert_eq!(rows[4], "合计（大写）,,,,壹佰壹拾捌元肆角伍分");
    }

    #[test]
    fn the_format_follows_the_files_extension() {
        assert_eq!(
            SummaryFormat::of_path(Path::new("a/b.XLSX")),
            Some(SummaryFormat::Xlsx)
        );
        assert_eq!(
            SummaryFormat::of_path(Path::new("b.csv")),
            Some(SummaryFormat::Csv)
        );
        assert_eq!(
            SummaryFormat::of_path(Path::new("b.pdf")),
            Some(SummaryFormat::Pdf)
        );
        assert_eq!(SummaryFormat::of_path(Path::new("b.txt")), None);
        assert_eq!(SummaryFormat::of_path(Path::new("b")), None);
    }

    #[test]
    fn yuan_numbers_print_as_their_exact_figures() {
        let limit: i64 = (1 << 45) * 100 - 1;
        let mut samples = vec![0, 1, 10, 99, 12345, -500, 1_000_000_007, limit, -limit];
        // And a spread of others, the same on every run.
        let mut x: u64 = 20261202;
        for _ in 0..100_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            samples.push((x >> 16) as i64 % limit);
        }
        for fen in samples {
            let expected = Fen(fen).to_string();
            let expected = expected.trim_end_matches('0').trim_end_matches('.');
            let expected = if expected.is_empty() || expected == "-" {
                "0"
            } else {
                expected
            };
            assert_eq!(format!("{}", yuan_number(Fen(fen))), expected, "{fen}");
        }
    }
}
