//! Human and JSON output. Human text goes to stdout; progress and errors to stderr.

use piaojia_receipt::{Fen, Lifecycle, LifecycleState, Receipt};
use piaojia_wallet::{
    Account, Activity, BackupReport, CheckResult, CheckStatus, Quarantined, ReceiptDetail,
    SearchResult, Spending, Status, SyncPhase, SyncProgress,
};
use serde::Serialize;
use std::io::Write;

fn print_json<T: Serialize + ?Sized>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("serialises")
    );
}

pub fn error(error: &anyhow::Error, json: bool) {
    let code = error
        .downcast_ref::<piaojia_wallet::WalletError>()
        .map(|e| e.code())
        .unwrap_or("error");
    if json {
        print_json(
            &serde_json::json!({ "error": { "code": code, "message": format!("{error:#}") } }),
        );
    } else {
        eprintln!("piaojia: {}", terminal_safe(&format!("{error:#}")));
    }
}

pub fn account(account: &Account, json: bool) {
    if json {
        return print_json(account);
    }
    println!(
        "logged in to {} as {} ({}), account {}",
        account.province,
        account.display_name.as_deref().unwrap_or("?"),
        account.id_masked,
        account.id
    );
}

/// A one-line progress bar on stderr, redrawn in place.
pub struct ProgressBar {
    visible: bool,
    last: Option<std::time::Instant>,
}

impl ProgressBar {
    pub fn new(visible: bool) -> ProgressBar {
        ProgressBar {
            visible,
            last: None,
        }
    }

    pub fn update(&mut self, p: SyncProgress) {
        if !self.visible || self.last.is_some_and(|t| t.elapsed().as_millis() < 100) {
            return;
        }
        self.last = Some(std::time::Instant::now());
        let width = 30usize;
        let filled = if p.total == 0 {
            width
        } else {
            (p.done as usize * width / p.total as usize).min(width)
        };
        let phase = match p.phase {
            SyncPhase::Receipts => "receipts",
            SyncPhase::Changes => "changes ",
        };
        eprint!(
            "\r{phase} [{}{}] {}/{}",
            "#".repeat(filled),
            ".".repeat(width - filled),
            p.done,
            p.total
        );
        std::io::stderr().flush().ok();
    }

    pub fn finish(&self) {
        if self.visible && self.last.is_some() {
            eprintln!();
        }
    }
}

pub fn logged_out(accounts: &[Account], json: bool) {
    if json {
        return print_json(&serde_json::json!({ "logged_out": accounts }));
    }
    for account in accounts {
        println!("{} {}: logged out", account.province, account.id_masked);
    }
}

pub fn sync_reports(outcomes: &[piaojia_wallet::AccountSync], json: bool) {
    if json {
        let list: Vec<_> = outcomes
            .iter()
            .map(|o| match &o.outcome {
                Ok(r) => serde_json::json!({ "account": o.account, "report": r }),
                Err(e) => serde_json::json!({ "account": o.account,
                    "error": { "code": e.code(), "message": e.to_string() } }),
            })
            .collect();
        return print_json(&list);
    }
    for o in outcomes {
        let account = &o.account;
        match &o.outcome {
            Ok(r) => {
                println!(
                    "{} {}: {} new, {} already held, {} quarantined, {} changes (trust bundle v{})",
                    account.province,
                    account.id_masked,
                    r.new_receipts,
                    r.already_held,
                    r.quarantined,
                    r.changes_applied,
                    r.bundle_version
                );
                if r.no_longer_valid > 0 {
                    println!(
                        "  {} held receipts no longer verify under trust bundle v{} (a revoked certificate); moved to the quarantine: see `piaojia quarantine`",
                        r.no_longer_valid, r.bundle_version
                    );
                }
            }
            Err(e) => println!(
                "{} {}: not synced: {}",
                account.province,
                account.id_masked,
                terminal_safe(&e.to_string())
            ),
        }
    }
}

fn state_mark(lifecycle: LifecycleState, is_red: bool) -> &'static str {
    match (lifecycle, is_red) {
        (_, true) => " [红字]",
        (LifecycleState::Reversed, _) => " [冲红]",
        (LifecycleState::Exchanged, _) => " [换开]",
        (LifecycleState::Voided, _) => " [作废]",
        (LifecycleState::Normal, false) => "",
    }
}

pub fn search(result: &SearchResult, json: bool) {
    if json {
        return print_json(result);
    }
    for r in &result.items {
        // 数电 documents have a 20-digit number and no code.
        let key = if r.code.is_empty() {
            r.number.clone()
        } else {
            format!("{}-{}", r.code, r.number)
        };
        println!(
            "{:>6}  {}  {:>12}  {key:<21}  {}{}",
            r.id,
            r.issued_at.format("%Y-%m-%d"),
            Fen(r.total).to_string(),
            terminal_safe(&r.issuer_name),
            state_mark(r.lifecycle, r.is_red)
        );
    }
    println!("{} receipts, total ¥{}", result.count, Fen(result.sum_fen));
}

pub fn detail(d: &ReceiptDetail, verdict: &piaojia_wallet::Verdict, json: bool) {
    if json {
        let mut value = serde_json::to_value(d).expect("serialises");
        value["verdict"] = serde_json::to_value(verdict).expect("serialises");
        return print_json(&value);
    }
    let r = &d.receipt;
    println!("{}", terminal_safe(&r.name));
    println!(
        "票据代码 {}  票据号码 {}  校验码 {}  开票日期 {}",
        r.code,
        r.number,
        r.check_code,
        r.issued_at.format("%Y-%m-%d %H:%M")
    );
    println!(
        "交款人 {}    收款单位 {}",
        terminal_safe(&r.payer.name),
        terminal_safe(&r.issuer.name)
    );
    for item in &r.items {
        println!(
            "  {} {}  {} {}  {:>12}",
            terminal_safe(&item.code),
            terminal_safe(&item.name),
            terminal_safe(&item.quantity),
            terminal_safe(&item.unit),
            item.amount.to_string()
        );
    }
    println!("合计 {}（{}）", r.total, r.total_in_words);
    if let Some(m) = &r.medical {
        let p = &m.payments;
        println!(
            "医保统筹 {}  个人账户 {}  其他 {}  现金 {}  自付 {}  自费 {}",
            p.fund, p.personal_account, p.other, p.cash, p.self_pay, p.self_expense
        );
    }
    if !r.detail_list.is_empty() {
        println!("清单 {} 项", r.detail_list.len());
    }
    match &d.lifecycle {
        Lifecycle::Reversed { by } => println!("已冲红（红字票据 {}-{}）", by.code, by.number),
        Lifecycle::Exchanged { paper } => {
            println!("已换开纸质票据 {}-{}", paper.code, paper.number)
        }
        Lifecycle::Voided => println!("已作废（开票单位作废，不能报销）"),
        Lifecycle::Normal => {}
    }
    // The verdict of now, not of the day the receipt arrived.
    match (&verdict.valid, &verdict.reason) {
        (true, _) => println!(
            "验证通过（{} 重新验证，信任包 v{}）  SHA-256 {}",
            verdict.checked_at.format("%Y-%m-%d %H:%M"),
            verdict.bundle_version,
            d.document_sha256
        ),
        (false, reason) => println!(
            "未通过验证（{} 重新验证）：{} ({})  SHA-256 {}",
            verdict.checked_at.format("%Y-%m-%d %H:%M"),
            terminal_safe(reason.as_deref().unwrap_or("")),
            verdict.reason_code.as_deref().unwrap_or(""),
            d.document_sha256
        ),
    }
}

pub fn verified(r: &Receipt, json: bool) {
    if json {
        return print_json(
            &serde_json::json!({ "valid": true, "receipt": r.key(), "issuer": r.issuer.name, "total": r.total }),
        );
    }
    println!(
        "valid: {}-{} from {}, {} yuan; both signatures and certificates check out",
        r.code,
        r.number,
        terminal_safe(&r.issuer.name),
        r.total
    );
}

pub fn rejected(e: &piaojia_receipt::Error, json: bool) {
    if json {
        return print_json(
            &serde_json::json!({ "valid": false, "code": e.code(), "reason": e.to_string() }),
        );
    }
    println!("NOT valid: {e} ({})", e.code());
}

/// Text from a file (a seal's name, a certificate's subject) on the terminal: its
/// control characters (escape sequences that could rewrite the screen) are shown as
/// U+FFFD instead.
fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Level 5 for files from the national platforms: they have no public API, so
/// nothing is claimed; the person is told where to check by hand.
const NOT_CHECKED_ONLINE: &str = "not checked online: the national platforms have no public API; \
check the elements by hand at 全国增值税发票查验平台 (inv-veri.chinatax.gov.cn) for invoices \
or 全国财政电子票据查验平台 (pjcy.mof.gov.cn) for fiscal receipts";

/// The elements to type into the official checking page: code, number, date, the
/// amount it asks for (before tax for VAT invoices, the total for 数电), and the
/// check code's last six digits.
fn checking_elements(e: &piaojia_ofd::InvoiceElements) -> String {
    let amount = match e.kind {
        piaojia_ofd::InvoiceKind::VatInvoice => e.amount_fen,
        piaojia_ofd::InvoiceKind::DigitalInvoice => e.total_fen,
    };
    let mut parts = Vec::new();
    if let Some(code) = &e.code {
        parts.push(format!("发票代码 {code}"));
    }
    parts.push(format!("发票号码 {}", e.number));
    if let Some(day) = e.issued_on {
        parts.push(format!("开票日期 {day}"));
    }
    if let Some(fen) = amount {
        parts.push(format!("金额 {}", piaojia_receipt::Fen(fen)));
    }
    if let Some(check) = &e.check_code {
        let tail: String = check
            .chars()
            .skip(check.chars().count().saturating_sub(6))
            .collect();
        parts.push(format!("校验码后六位 {tail}"));
    }
    terminal_safe(&parts.join(", "))
}

pub fn seal_report(
    report: &piaojia_ofd::Verification,
    elements: Option<&piaojia_ofd::InvoiceElements>,
    json: bool,
) {
    let checked_at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    if json {
        return print_json(&serde_json::json!({
            "verified_levels": report.verified_levels(),
            "elements": elements,
            "signatures": report.signatures,
            "online": { "state": "not_checked", "reason": NOT_CHECKED_ONLINE },
            "checked_at": checked_at,
        }));
    }
    if let Some(e) = elements {
        let kind = match e.kind {
            piaojia_ofd::InvoiceKind::VatInvoice => "增值税电子发票",
            piaojia_ofd::InvoiceKind::DigitalInvoice => "数电票",
        };
        println!("{kind}: {}", checking_elements(e));
        if let (Some(total), Some(seller)) = (e.total_fen, &e.seller) {
            println!(
                "  价税合计 {} yuan, from {}",
                piaojia_receipt::Fen(total),
                terminal_safe(seller)
            );
        }
    }
    if report.signatures.is_empty() {
        println!("no seal or signature: nothing vouches for this file");
    }
    for s in &report.signatures {
        let kind = match s.kind {
            piaojia_ofd::SignatureKind::SesV1 => "electronic seal (GM/T 0031-2014)",
            piaojia_ofd::SignatureKind::SesV4 => "electronic seal (GB/T 38540-2020)",
            piaojia_ofd::SignatureKind::SignedData => "digital signature (GB/T 35275)",
            piaojia_ofd::SignatureKind::BareSignature => "bare SM2 signature",
            piaojia_ofd::SignatureKind::Unknown => "unreadable signature",
        };
        println!(
            "{}: {kind}{}{}",
            s.file,
            s.seal_name
                .as_deref()
                .map(|n| format!(" 「{}」", terminal_safe(n)))
                .unwrap_or_default(),
            s.signing_time
                .map(|t| format!(", signed {t}"))
                .unwrap_or_default(),
        );
        for (number, name, level) in [
            (1, "package integrity", &s.integrity),
            (2, "signature", &s.signature),
            (3, "seal", &s.seal),
            (4, "trust", &s.trust),
        ] {
            let verdict = match level {
                piaojia_ofd::Level::Passed => "passed".to_string(),
                piaojia_ofd::Level::Failed(e) => {
                    format!("FAILED: {} ({})", terminal_safe(&e.to_string()), e.code())
                }
                piaojia_ofd::Level::NotChecked(e) => format!(
                    "not established: {} ({})",
                    terminal_safe(&e.to_string()),
                    e.code()
                ),
            };
            println!("  {number} {name:<18} {verdict}");
        }
        if let Some(signer) = &s.signer {
            println!(
                "    signer: {} (serial {}, issued by {})",
                terminal_safe(&signer.subject),
                signer.serial,
                terminal_safe(&signer.issuer)
            );
        }
    }
    println!("  5 online             {NOT_CHECKED_ONLINE}");
    if let Some(e) = elements {
        println!("    the elements to give there: {}", checking_elements(e));
    }
    println!(
        "verified offline to level {} of 4, at {checked_at}",
        report.verified_levels()
    );
}

pub fn unreadable_file(error: &piaojia_ofd::OfdError, json: bool) {
    if json {
        return print_json(
            &serde_json::json!({ "valid": false, "code": error.code(), "reason": error.to_string() }),
        );
    }
    println!(
        "NOT readable: {} ({})",
        terminal_safe(&error.to_string()),
        error.code()
    );
}

pub fn checked(result: &CheckResult, json: bool) {
    if json {
        return print_json(result);
    }
    let word = match result.status {
        CheckStatus::Valid => "valid (正常)",
        CheckStatus::Reversed => "reversed (已冲红)",
        CheckStatus::Exchanged => "exchanged for paper (已换开)",
        CheckStatus::Voided => "voided by its issuer (已作废)",
        CheckStatus::Claimed => "already claimed (已报销)",
        CheckStatus::NotFound => "not found: no receipt has these elements",
    };
    println!(
        "{word}{}",
        result
            .issuer_name
            .as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default()
    );
}

pub fn status(s: &Status, json: bool) {
    if json {
        return print_json(s);
    }
    let mode = match s.key_mode {
        piaojia_wallet::KeyMode::Keyring => "OS keyring",
        piaojia_wallet::KeyMode::Passphrase => "passphrase",
        piaojia_wallet::KeyMode::InMemory => "memory only (nothing on disk)",
    };
    println!("key: {mode}");
    println!(
        "receipts: {} (total ¥{}), quarantined: {}",
        s.receipts,
        Fen(s.total_fen),
        s.quarantined
    );
    for a in &s.accounts {
        let last = a
            .last_sync_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "never".into());
        println!(
            "account {}: {} {} at {} (last sync {last})",
            a.id, a.province, a.id_masked, a.service_url
        );
    }
}

pub fn quarantine(items: &[Quarantined], json: bool) {
    if json {
        return print_json(items);
    }
    for q in items {
        println!(
            "{:>5}  {}-{}  {}  {}",
            q.id,
            q.code.as_deref().unwrap_or("?"),
            q.number.as_deref().unwrap_or("?"),
            q.reason_code,
            q.reason
        );
    }
    println!("{} in quarantine", items.len());
}

pub fn done(message: &str, json: bool) {
    if json {
        return print_json(&serde_json::json!({ "done": message }));
    }
    println!("{message}");
}

pub fn recovery_key(key: &str, json: bool) {
    if json {
        return print_json(&serde_json::json!({ "recovery_key": key }));
    }
    println!("Your recovery key (shown once; write it down and keep it apart from this computer):");
    println!();
    println!("    {key}");
    println!();
    println!("Without it, a backup cannot be restored.");
}

pub fn backup(report: &BackupReport, json: bool) {
    if json {
        return print_json(report);
    }
    println!(
        "backup of {} receipts written to {} ({} bytes)",
        report.receipts,
        report.path.display(),
        report.bytes
    );
}

pub fn activity(items: &[Activity], json: bool) {
    if json {
        return print_json(items);
    }
    for a in items {
        let account = a
            .account_id
            .map(|id| format!(" account {id}"))
            .unwrap_or_default();
        println!(
            "{}  {:<22}{account}  {}",
            a.at.format("%Y-%m-%d %H:%M:%S"),
            a.kind,
            a.counts
        );
    }
}

pub fn spending(s: &Spending, json: bool) {
    if json {
        return print_json(s);
    }
    println!("{} receipts, net ¥{}", s.count, Fen(s.total_fen));
    println!(
        "insurance paid ¥{}, self-paid ¥{}",
        Fen(s.insurance_paid_fen),
        Fen(s.patient_paid_fen)
    );
    println!(
        "claimed ¥{}, unclaimed ¥{}",
        Fen(s.claimed_fen),
        Fen(s.unclaimed_fen)
    );
    let per_year = s
        .by_year
        .iter()
        .map(|b| (b.key.as_str(), b.count, b.total_fen));
    let per_category = s
        .by_category
        .iter()
        .map(|b| (b.category.as_str(), b.count, b.total_fen));
    for (title, lines) in [
        ("per year", per_year.collect::<Vec<_>>()),
        ("per category", per_category.collect()),
    ] {
        println!("{title}:");
        for (key, count, total_fen) in lines {
            println!(
                "  {:<20} {:>6}  ¥{:>14}",
                key,
                count,
                Fen(total_fen).to_string()
            );
        }
    }
    println!("top issuers:");
    for b in s.by_issuer.iter().take(10) {
        println!(
            "  {:>6}  ¥{:>14}  {}",
            b.count,
            Fen(b.total_fen).to_string(),
            b.key
        );
    }
}

pub fn claim(c: &piaojia_wallet::ClaimView, json: bool) {
    if json {
        return print_json(c);
    }
    println!(
        "claim {} to {}: {} — requested ¥{}{}, {} receipt(s)",
        c.id,
        c.relying_party,
        c.state,
        Fen(c.amount_requested),
        c.amount_approved
            .map(|a| format!(", approved ¥{}", Fen(a)))
            .unwrap_or_default(),
        c.receipt_ids.len()
    );
    if let Some(message) = &c.message {
        println!("  message: {message}");
    }
    if let Some(error) = &c.last_error {
        println!("  last error: {error}");
    }
    for id in &c.voided_receipt_ids {
        println!(
            "  receipt {id} was voided by its issuer (已作废): take it out or withdraw the claim"
        );
    }
}

pub fn claims(items: &[piaojia_wallet::ClaimView], json: bool) {
    if json {
        return print_json(items);
    }
    for c in items {
        claim(c, false);
    }
    println!("{} claims", items.len());
}

/// 我要咨询 in words a person reads: the reason, the state, who wrote what.
fn reason_words(reason: piaojia_wallet::ConsultReason) -> &'static str {
    use piaojia_wallet::ConsultReason::*;
    match reason {
        AmountWrong => "金额有误 amount wrong",
        NotMine => "不是我的 not mine",
        ChargedTwice => "重复收费 charged twice",
        NameWrong => "姓名有误 name wrong",
        Other => "其他 other",
    }
}

fn thread_state_words(state: piaojia_wallet::ConsultationState) -> &'static str {
    use piaojia_wallet::ConsultationState::*;
    match state {
        Open => "待答复 waiting for the issuer",
        Answered => "已答复 answered",
        Closed => "已结束 closed",
    }
}

pub fn consultation(c: &piaojia_wallet::ConsultationView, json: bool) {
    if json {
        return print_json(c);
    }
    println!(
        "consultation {} about receipt {}: {} — {}{}",
        c.id,
        c.receipt_id,
        reason_words(c.reason),
        thread_state_words(c.state),
        if c.unread { " (new answer)" } else { "" }
    );
    for m in &c.messages {
        let who = match m.author {
            piaojia_wallet::ConsultAuthor::Citizen => "you",
            piaojia_wallet::ConsultAuthor::Issuer => "issuer",
        };
        println!("  [{}] {who}: {}", m.at.format("%Y-%m-%d %H:%M"), m.text);
    }
    if let Some(key) = &c.corrected_by {
        println!(
            "  corrected by receipt {}-{}{}",
            key.code,
            key.number,
            c.corrected_receipt_id
                .map(|id| format!(" (id {id})"))
                .unwrap_or_default()
        );
    }
}

pub fn consultations(items: &[piaojia_wallet::ConsultationView], json: bool) {
    if json {
        return print_json(items);
    }
    for c in items {
        println!(
            "{:>4}  receipt {:<6} {:<24} {}{}",
            c.id,
            c.receipt_id,
            reason_words(c.reason),
            thread_state_words(c.state),
            if c.unread { "  (new answer)" } else { "" }
        );
    }
    println!("{} consultations", items.len());
}

pub fn parties(items: &[piaojia_wallet::RelyingParty], json: bool) {
    if json {
        return print_json(items);
    }
    for p in items {
        println!("{:<14} {:<18} {}", p.code, p.kind.as_str(), p.name);
    }
}

pub fn printers(items: &[piaojia_render::Printer], json: bool) {
    if json {
        return print_json(items);
    }
    for p in items {
        println!("{:<24} {}", p.name, p.state);
    }
    if items.is_empty() {
        println!("no printers");
    }
}

pub fn export(report: &piaojia_wallet::ExportReport, json: bool) {
    if json {
        return print_json(report);
    }
    println!(
        "{} receipts (¥{}) written to {}",
        report.receipts,
        Fen(report.total_fen),
        report.path.display()
    );
}

pub fn imported(
    results: &[(std::path::PathBuf, piaojia_wallet::ImportOutcome)],
    summary: &piaojia_wallet::ImportSummary,
    json: bool,
) {
    use piaojia_wallet::ImportOutcome::*;
    if json {
        let files: Vec<serde_json::Value> = results
            .iter()
            .map(|(path, outcome)| {
                let mut value = serde_json::to_value(outcome).expect("serialises");
                value["file"] = path.display().to_string().into();
                value
            })
            .collect();
        return print_json(&serde_json::json!({ "summary": summary, "files": files }));
    }
    for (path, outcome) in results {
        let path = terminal_safe(&path.display().to_string());
        match outcome {
            Imported {
                receipt_id,
                possible_duplicate_of: Some(other),
            } => println!(
                "{path}: new receipt #{receipt_id}, possibly the same as #{other} (same issuer, amount and day): check both"
            ),
            AddedCopy { receipt_id } => println!("{path}: another file of receipt #{receipt_id}"),
            Linked { receipt_id } => {
                println!("{path}: the file of synced receipt #{receipt_id}")
            }
            Refused { code, reason } => {
                println!("{path}: refused: {} ({code})", terminal_safe(reason))
            }
            Imported { .. } | AlreadyHeld { .. } => {}
        }
    }
    println!(
        "{} file(s): {} new receipt(s), {} already held, {} linked to synced receipts, {} added to receipts held, {} refused",
        summary.files,
        summary.imported,
        summary.already_held,
        summary.linked,
        summary.added_copies,
        summary.refused
    );
}

pub fn imported_detail(d: &piaojia_wallet::ImportedDetail, json: bool) {
    if json {
        return print_json(d);
    }
    let e = &d.elements;
    let safe = |t: &str| terminal_safe(t);
    println!(
        "{}{}",
        e.kind.label(),
        e.name
            .as_deref()
            .map(|n| format!(": {}", safe(n)))
            .unwrap_or_default()
    );
    let key = if e.code.is_empty() {
        format!("号码 {}", e.number)
    } else {
        format!("代码 {}  号码 {}", e.code, e.number)
    };
    println!(
        "{key}  校验码 {}  开票日期 {}",
        e.check_code
            .as_deref()
            .map(safe)
            .unwrap_or_else(|| "-".into()),
        e.issued_on
    );
    if let Some(issuer) = &e.issuer {
        println!("开票方 {}", safe(&issuer.name));
    }
    if let Some(payer) = &e.payer {
        println!("交款人/购买方 {}", safe(&payer.name));
    }
    for item in &e.items {
        let amount = item
            .amount_fen
            .map(|f| Fen(f).to_string())
            .unwrap_or_default();
        println!("  {}  {amount:>12}", safe(&item.name));
    }
    match e.total_fen {
        Some(total) => println!("合计 {}", Fen(total)),
        None => println!("合计 未知 (unknown until a file with the amount is imported)"),
    }
    if e.reference_only {
        println!(
            "仅二维码信息: a reference from a QR code; import the receipt's file to complete it"
        );
    }
    if let Some(other) = d.possible_duplicate_of {
        println!("可能重复: possibly the same receipt as #{other}");
    }
    for (name, value) in &e.fields {
        println!("  {}: {}", safe(name), safe(value));
    }
    for file in &d.originals {
        let seals = match file.seal_levels {
            Some(levels) => format!(", seals verified offline to level {levels} of 4"),
            None => String::new(),
        };
        println!(
            "原件 original #{}: {} ({}, imported {}){seals}  SHA-256 {}",
            file.id,
            safe(&file.file_name),
            file.format,
            file.imported_at.format("%Y-%m-%d %H:%M"),
            file.sha256
        );
    }
    println!(
        "seals verified offline at {}; {NOT_CHECKED_ONLINE}",
        d.checked_at.format("%Y-%m-%d %H:%M:%S")
    );
}

pub fn seal_roots(trust: &piaojia_ofd::TrustStore, json: bool) {
    let roots: Vec<piaojia_ofd::CertificateSummary> =
        trust.roots().iter().map(|c| c.summary()).collect();
    if json {
        return print_json(&roots);
    }
    if roots.is_empty() {
        println!("no e-seal root is trusted: seals verify to level 3 at most (add one: piaojia seal-roots add FILE)");
    }
    for root in roots {
        println!(
            "{}  valid {} to {}  serial {}",
            terminal_safe(&root.subject),
            root.not_before.format("%Y-%m-%d"),
            root.not_after.format("%Y-%m-%d"),
            root.serial
        );
    }
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn control_characters_from_files_never_reach_the_terminal() {
        assert_eq!(
            terminal_safe("国家税务总局\u{1b}[2J章\r\n"),
            "国家税务总局\u{fffd}[2J章\u{fffd}\u{fffd}"
        );
        assert_eq!(terminal_safe("CN=税务测试CA2(SM2)"), "CN=税务测试CA2(SM2)");
    }
}
