//! The 汇总表 of chosen receipts (date, issuer, number, amount, the total in figures
//! and in words), and, for a claim's package, the same table under who claims, from
//! whom and for what.

use crate::canvas::{Canvas, BLACK, GREY, RED};
use crate::font::Font;
use piaojia_receipt::Fen;
use printpdf::{Mm, PdfFontHandle, PdfPage};

/// One receipt line of a summary.
#[derive(Debug, Clone)]
pub struct SummaryLine {
    pub date: String,
    pub issuer: String,
    pub code_number: String,
    pub total: Fen,
}

/// What a claim's package adds above the table.
#[derive(Debug, Clone)]
pub struct ClaimHeading {
    pub claim_id: i64,
    pub claimant: String,
    pub relying_party: String,
    pub purpose: String,
    pub state: String,
    pub amount_requested: Fen,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub claim: Option<ClaimHeading>,
    pub lines: Vec<SummaryLine>,
}

const ROWS_PER_PAGE: usize = 20;

/// The summary's pages; `total` is the lines' sum, checked by the caller.
pub fn pages(font: &Font, handle: &PdfFontHandle, s: &Summary, total: Fen) -> Vec<PdfPage> {
    let chunks: Vec<&[SummaryLine]> = if s.lines.is_empty() {
        vec![&[]]
    } else {
        s.lines.chunks(ROWS_PER_PAGE).collect()
    };
    let count = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(n, lines)| {
            let mut c = Canvas::new(font, handle.clone(), crate::layout::HEIGHT);
            let top = match &s.claim {
                Some(claim) => {
                    c.text_center(105.0, 14.0, 14.0, RED, "报销申请汇总");
                    c.text(10.0, 24.0, 8.0, BLACK, &format!("申请编号：{}    状态：{}", claim.claim_id, claim.state));
                    c.text(10.0, 30.0, 8.0, BLACK, &format!("申请人：{}", claim.claimant));
                    c.text_fit(80.0, 30.0, 120.0, 8.0, BLACK, &format!("报销单位：{}", claim.relying_party));
                    c.text_fit(10.0, 36.0, 190.0, 8.0, BLACK, &format!("事由：{}", claim.purpose));
                    40.0
                }
                None => {
                    c.text_center(105.0, 14.0, 14.0, RED, "票据汇总表");
                    22.0
                }
            };
            c.rect_outline(9.0, top, 192.0, 5.0 * (lines.len() as f32 + 1.0), 0.4, BLACK);
            for (name, x) in [("开票日期", 10.0), ("开票单位", 36.0), ("票据代码-号码", 120.0), ("金额（元）", 176.0)] {
                c.text(x, top + 3.7, 7.5, BLACK, name);
            }
            for (i, l) in lines.iter().enumerate() {
                let y = top + 5.0 * (i as f32 + 1.0) + 3.7;
                c.text(10.0, y, 7.5, BLACK, &l.date);
                c.text_fit(36.0, y, 82.0, 7.5, BLACK, &l.issuer);
                c.text(120.0, y, 7.5, BLACK, &l.code_number);
                c.text_right(199.0, y, 7.5, BLACK, &l.total.to_string());
            }
            if n + 1 == count {
                let y = top + 5.0 * (lines.len() as f32 + 1.0) + 7.0;
                c.text(10.0, y, 8.5, BLACK, &format!("共 {} 张票据，合计（小写）¥{}　（大写）{}", s.lines.len(), total, piaojia_receipt::amount_in_words(total)));
                if let Some(claim) = &s.claim {
                    c.text(10.0, y + 6.0, 8.5, BLACK, &format!("申请报销金额：¥{}", claim.amount_requested));
                    c.text(10.0, y + 12.0, 6.5, GREY, "各票据的签名原件随附于本包，可用 piaojia verify --file 离线验证，或凭票据代码、号码、校验码在线查验。");
                }
            }
            c.text_right(200.0, 143.0, 6.5, GREY, &format!("第 {} / {} 页", n + 1, count));
            PdfPage::new(Mm(crate::layout::WIDTH), Mm(crate::layout::HEIGHT), c.ops)
        })
        .collect()
}
