//! The official fiscal e-receipt layout on A5 landscape: red title, the supervisor's
//! seal mark, identity, payer, line items, 合计 in 大写 and 小写, the medical
//! extension, the issuer and its seal, the verification line and a QR code; the
//! 清单 and any items past the first page on following pages.

use crate::canvas::{Canvas, BLACK, GREY, RED};
use crate::font::Font;
use crate::qr;
use chrono::NaiveDateTime;
use piaojia_receipt::{Fen, ProvinceCode, Receipt};
use printpdf::{Mm, PdfFontHandle, PdfPage};

pub const WIDTH: f32 = 210.0;
pub const HEIGHT: f32 = 148.0;
const LEFT: f32 = 10.0;
const RIGHT: f32 = 200.0;
const ROW: f32 = 5.0;
const FIRST_PAGE_ROWS: usize = 10;
const MORE_PAGE_ROWS: usize = 21;

/// What the wallet knows about a receipt's verification, printed on it.
#[derive(Debug, Clone)]
pub struct Verification {
    pub valid: bool,
    pub checked_at: NaiveDateTime,
    pub bundle_version: u64,
}

/// A state to mark visibly on the print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    None,
    /// 冲红 by the named red receipt (CODE-NUMBER).
    Reversed {
        by: String,
    },
    /// 换开 for the named paper receipt.
    Exchanged {
        paper: String,
    },
    /// 作废.
    Voided,
    /// Printed as the paper receipt it was exchanged for at a kiosk (换开纸质票据):
    /// the paper's 票据代码 and 票据号码 in place of the e-receipt's, which is named
    /// beside them.
    PaperFace {
        code: String,
        number: String,
    },
}

impl Mark {
    /// The mark of a receipt's lifecycle, naming the receipt that reversed or
    /// replaced it (CODE-NUMBER).
    pub fn of(lifecycle: &piaojia_receipt::Lifecycle) -> Mark {
        use piaojia_receipt::Lifecycle;
        let named = |key: &piaojia_receipt::ReceiptKey| format!("{}-{}", key.code, key.number);
        match lifecycle {
            Lifecycle::Normal => Mark::None,
            Lifecycle::Reversed { by } => Mark::Reversed { by: named(by) },
            Lifecycle::Exchanged { paper } => Mark::Exchanged {
                paper: named(paper),
            },
            Lifecycle::Voided => Mark::Voided,
        }
    }
}

/// A receipt as it is printed.
#[derive(Debug, Clone)]
pub struct PrintView<'a> {
    pub receipt: &'a Receipt,
    pub verification: Verification,
    pub mark: Mark,
}

fn province_name(code: &ProvinceCode) -> &'static str {
    code.province().map_or("", |p| p.name_zh)
}

fn yuan(f: Fen) -> String {
    f.to_string()
}

fn masked(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!(
        "{}{}",
        "*".repeat(chars.len().saturating_sub(4).min(14)),
        tail
    )
}

pub fn pages(font: &Font, handle: &PdfFontHandle, view: &PrintView) -> Vec<PdfPage> {
    let r = view.receipt;
    let mut pages = Vec::new();
    let first_items = r.items.len().min(FIRST_PAGE_ROWS);
    pages.push(first_page(font, handle, view, &r.items[..first_items]));
    let mut rest = &r.items[first_items..];
    let mut n = 2;
    while !rest.is_empty() {
        let take = rest.len().min(MORE_PAGE_ROWS);
        pages.push(items_page(font, handle, view, &rest[..take], n));
        rest = &rest[take..];
        n += 1;
    }
    let mut details = &r.detail_list[..];
    while !details.is_empty() {
        let take = details.len().min(MORE_PAGE_ROWS);
        pages.push(detail_page(font, handle, view, &details[..take], n));
        details = &details[take..];
        n += 1;
    }
    pages
}

fn page(canvas: Canvas) -> PdfPage {
    PdfPage::new(Mm(WIDTH), Mm(HEIGHT), canvas.ops)
}

fn title(r: &Receipt) -> String {
    if r.reverses.is_some() {
        format!("{}（红字）", r.name)
    } else {
        r.name.clone()
    }
}

fn first_page(
    font: &Font,
    handle: &PdfFontHandle,
    view: &PrintView,
    items: &[piaojia_receipt::LineItem],
) -> PdfPage {
    let r = view.receipt;
    let mut c = Canvas::new(font, handle.clone(), HEIGHT);

    // The fiscal supervisor's seal mark above the title.
    let province = province_name(&r.province);
    c.ellipse(WIDTH / 2.0, 13.0, 17.0, 8.0, 0.5, RED);
    c.text_center(WIDTH / 2.0, 12.5, 6.5, RED, &format!("{province}财政厅"));
    c.text_center(WIDTH / 2.0, 17.0, 6.5, RED, "监制");
    let name = title(r);
    let size = if c.width(&name, 15.0) > 140.0 {
        12.0
    } else {
        15.0
    };
    c.text_center(WIDTH / 2.0, 28.0, size, RED, &name);

    qr::draw(&mut c, RIGHT - 24.0, 5.0, 24.0, &crate::qr_payload(r));

    let (code, number) = printed_identity(view);
    c.text(LEFT, 37.0, 8.0, BLACK, &format!("票据代码：{code}"));
    c.text(72.0, 37.0, 8.0, BLACK, &format!("票据号码：{number}"));
    c.text(LEFT, 43.0, 8.0, BLACK, &format!("校验码：{}", r.check_code));
    c.text(
        72.0,
        43.0,
        8.0,
        BLACK,
        &format!("开票日期：{}", r.issued_at.format("%Y-%m-%d %H:%M")),
    );
    c.text_fit(
        LEFT,
        49.0,
        60.0,
        8.0,
        BLACK,
        &format!("交款人：{}", r.payer.name),
    );
    c.text(
        72.0,
        49.0,
        8.0,
        BLACK,
        &format!("交款人统一社会信用代码：{}", masked(&r.payer.id)),
    );
    if let Some(m) = &r.medical {
        let mut parts = vec![
            format!("就诊日期：{}", m.visit_date),
            format!("科别：{}", m.department),
        ];
        if let Some(no) = &m.outpatient_no {
            parts.push(format!("门诊号：{no}"));
        }
        if let Some(no) = &m.inpatient_no {
            parts.push(format!("住院号：{no}"));
        }
        if let (Some(a), Some(d)) = (m.admitted_on, m.discharged_on) {
            parts.push(format!("住院时间：{a} 至 {d}"));
        }
        if let Some(t) = &m.insurance_type {
            parts.push(format!("医保类型：{t}"));
        }
        if let Some(no) = &m.insurance_no {
            parts.push(format!("医保编号：{no}"));
        }
        c.text_fit(LEFT, 55.0, RIGHT - LEFT, 7.0, BLACK, &parts.join("   "));
    }

    let top = 58.0;
    items_table(&mut c, top, items, r.items.len() > items.len());

    let totals_y = top + ROW * (FIRST_PAGE_ROWS as f32 + 1.0) + 5.5;
    c.text_fit(
        LEFT,
        totals_y,
        120.0,
        8.5,
        BLACK,
        &format!("金额合计（大写）{}", r.total_in_words),
    );
    c.text_right(
        RIGHT,
        totals_y,
        8.5,
        BLACK,
        &format!("（小写）¥{}", yuan(r.total)),
    );
    if let Some(m) = &r.medical {
        let p = &m.payments;
        let split = format!(
            "医保统筹基金支付 {}   个人账户支付 {}   其他支付 {}   个人现金支付 {}   个人自付 {}   个人自费 {}",
            yuan(p.fund),
            yuan(p.personal_account),
            yuan(p.other),
            yuan(p.cash),
            yuan(p.self_pay),
            yuan(p.self_expense)
        );
        c.text_fit(LEFT, totals_y + 5.5, RIGHT - LEFT, 7.0, BLACK, &split);
    }
    if !r.remark.is_empty() {
        c.text_fit(
            LEFT,
            totals_y + 10.5,
            RIGHT - LEFT,
            7.0,
            BLACK,
            &format!("备注：{}", r.remark),
        );
    }

    // The issuer, its seal, the people who handled it.
    let sign_y = 137.0;
    c.text(LEFT, sign_y, 8.0, BLACK, "收款单位（章）：");
    c.text_fit(LEFT + 24.0, sign_y, 64.0, 8.0, BLACK, &r.issuer.name);
    // The issuer's seal (开票单位签章) beside its name.
    let (seal_x, seal_y) = (118.0, sign_y - 3.5);
    c.ellipse(seal_x, seal_y, 15.0, 7.0, 0.5, RED);
    let seal_lines = c.wrap(&r.issuer.name, 24.0, 4.8);
    for (i, line) in seal_lines.iter().take(2).enumerate() {
        c.text_center(seal_x, seal_y - 2.2 + i as f32 * 2.5, 4.8, RED, line);
    }
    c.text_center(seal_x, seal_y + 4.3, 4.5, RED, "财务专用章");
    c.text(140.0, sign_y, 8.0, BLACK, &format!("复核人：{}", r.checker));
    c.text(172.0, sign_y, 8.0, BLACK, &format!("收款人：{}", r.handler));

    let v = &view.verification;
    let verdict = if v.valid {
        format!(
            "验证：开票单位签章与财政监制签名有效，证书在信任包 v{} 中有效（{} 查验）",
            v.bundle_version,
            v.checked_at.format("%Y-%m-%d %H:%M")
        )
    } else {
        format!(
            "验证：未通过（{} 查验），请勿作为报销凭证",
            v.checked_at.format("%Y-%m-%d %H:%M")
        )
    };
    c.text_fit(
        LEFT,
        143.5,
        RIGHT - LEFT,
        6.5,
        if v.valid { GREY } else { RED },
        &verdict,
    );

    match &view.mark {
        Mark::Reversed { by } => {
            c.rect_outline(128.0, 30.5, 40.0, 9.0, 0.8, RED);
            c.text_center(148.0, 37.5, 14.0, RED, "已冲红");
            c.text_right(RIGHT, 49.0, 7.0, RED, &format!("红字票据 {by}"));
        }
        Mark::Exchanged { paper } => {
            c.rect_outline(128.0, 30.5, 40.0, 9.0, 0.8, RED);
            c.text_center(148.0, 37.5, 14.0, RED, "已换开");
            c.text_right(RIGHT, 49.0, 7.0, RED, &format!("纸质票据 {paper}"));
        }
        Mark::Voided => {
            c.rect_outline(128.0, 30.5, 40.0, 9.0, 0.8, RED);
            c.text_center(148.0, 37.5, 14.0, RED, "已作废");
            c.text_right(RIGHT, 49.0, 7.0, RED, "开票单位已作废本票据，不能报销");
        }
        Mark::PaperFace { .. } => {
            c.text_right(
                RIGHT,
                49.0,
                7.0,
                RED,
                &format!("换开自电子票据 {}-{}", r.code, r.number),
            );
        }
        Mark::None => {}
    }
    page(c)
}

const COLUMNS: [(&str, f32); 6] = [
    ("项目编码", LEFT),
    ("项目名称", 32.0),
    ("单位", 98.0),
    ("数量", 114.0),
    ("金额（元）", 128.0),
    ("备注", 158.0),
];

fn items_table(c: &mut Canvas, top: f32, items: &[piaojia_receipt::LineItem], continues: bool) {
    let rows = FIRST_PAGE_ROWS.max(items.len());
    let bottom = top + ROW * (rows as f32 + 1.0);
    c.rect_outline(
        LEFT - 1.0,
        top,
        RIGHT - LEFT + 2.0,
        bottom - top,
        0.4,
        BLACK,
    );
    c.line(LEFT - 1.0, top + ROW, RIGHT + 1.0, top + ROW, 0.3, BLACK);
    item_rows(c, top, items);
    if continues {
        c.text_right(RIGHT, bottom - 1.2, 6.5, GREY, "（续见下页）");
    }
}

/// The column heads and one row per line item, from `top`.
fn item_rows(c: &mut Canvas, top: f32, items: &[piaojia_receipt::LineItem]) {
    for (name, x) in COLUMNS {
        c.text(x, top + 3.7, 7.5, BLACK, name);
    }
    for (i, item) in items.iter().enumerate() {
        let y = top + ROW * (i as f32 + 1.0) + 3.7;
        c.text(LEFT, y, 7.5, BLACK, &item.code);
        c.text_fit(32.0, y, 64.0, 7.5, BLACK, &item.name);
        c.text(98.0, y, 7.5, BLACK, &item.unit);
        c.text(114.0, y, 7.5, BLACK, &item.quantity);
        c.text_right(153.0, y, 7.5, BLACK, &yuan(item.amount));
        c.text_fit(158.0, y, RIGHT - 158.0, 7.0, BLACK, &item.remark);
    }
}

/// The 票据代码 and 票据号码 the print shows: the paper's, on a paper face.
fn printed_identity<'v>(view: &'v PrintView) -> (&'v str, &'v str) {
    match &view.mark {
        Mark::PaperFace { code, number } => (code, number),
        _ => (view.receipt.code.as_str(), view.receipt.number.as_str()),
    }
}

fn header(c: &mut Canvas, view: &PrintView, what: &str, page_no: usize) {
    let r = view.receipt;
    let (code, number) = printed_identity(view);
    c.text_center(
        WIDTH / 2.0,
        14.0,
        12.0,
        RED,
        &format!("{}（{what}）", title(r)),
    );
    c.text(
        LEFT,
        22.0,
        7.5,
        BLACK,
        &format!(
            "票据代码：{code}   票据号码：{number}   开票日期：{}",
            r.issued_at.format("%Y-%m-%d")
        ),
    );
    c.text_right(RIGHT, 22.0, 7.5, BLACK, &format!("第 {page_no} 页"));
}

fn items_page(
    font: &Font,
    handle: &PdfFontHandle,
    view: &PrintView,
    items: &[piaojia_receipt::LineItem],
    page_no: usize,
) -> PdfPage {
    let mut c = Canvas::new(font, handle.clone(), HEIGHT);
    header(&mut c, view, "项目明细续页", page_no);
    let top = 26.0;
    c.rect_outline(
        LEFT - 1.0,
        top,
        RIGHT - LEFT + 2.0,
        ROW * (items.len() as f32 + 1.0),
        0.4,
        BLACK,
    );
    item_rows(&mut c, top, items);
    page(c)
}

fn detail_page(
    font: &Font,
    handle: &PdfFontHandle,
    view: &PrintView,
    details: &[piaojia_receipt::DetailItem],
    page_no: usize,
) -> PdfPage {
    let mut c = Canvas::new(font, handle.clone(), HEIGHT);
    header(&mut c, view, "费用清单", page_no);
    let top = 26.0;
    const COLS: [(&str, f32); 6] = [
        ("名称", LEFT),
        ("规格", 70.0),
        ("数量", 112.0),
        ("单位", 126.0),
        ("单价（元）", 140.0),
        ("金额（元）", 172.0),
    ];
    c.rect_outline(
        LEFT - 1.0,
        top,
        RIGHT - LEFT + 2.0,
        ROW * (details.len() as f32 + 1.0),
        0.4,
        BLACK,
    );
    for (name, x) in COLS {
        c.text(x, top + 3.7, 7.5, BLACK, name);
    }
    for (i, d) in details.iter().enumerate() {
        let y = top + ROW * (i as f32 + 1.0) + 3.7;
        c.text_fit(LEFT, y, 58.0, 7.5, BLACK, &d.name);
        c.text_fit(70.0, y, 40.0, 7.5, BLACK, &d.spec);
        c.text(112.0, y, 7.5, BLACK, &d.quantity);
        c.text(126.0, y, 7.5, BLACK, &d.unit);
        c.text_right(165.0, y, 7.5, BLACK, &yuan(d.unit_price));
        c.text_right(RIGHT, y, 7.5, BLACK, &yuan(d.amount));
    }
    page(c)
}
