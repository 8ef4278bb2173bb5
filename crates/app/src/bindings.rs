//! The TypeScript declarations of everything the UI sends and receives, generated
//! from the Rust types (ts-rs) into `ui/src/bindings/`. A test regenerates them and
//! fails when the committed copy differs.
//!
//! `i64` is declared as `number`, not ts-rs's `bigint`: serde writes it as a JSON
//! number, and ids, counts and fen amounts stay far below 2^53.

use std::path::Path;
use ts_rs::TS;

/// Writes every declaration into `dir` (one file per type).
pub fn write_all(dir: &Path) -> Result<(), ts_rs::ExportError> {
    use crate::settings::*;
    use crate::views::*;
    use piaojia_render::Printer;
    use piaojia_wallet::*;
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t>::export_all_to(dir)?; )* };
    }
    export!(
        crate::UiError,
        crate::About,
        crate::SettingField,
        AppStatus,
        Settings,
        Account,
        Query,
        SearchResult,
        ReceiptView,
        CheckResult,
        SavedFile,
        PrintOutcome,
        HandoffView,
        Printer,
        SyncEvent,
        Quarantined,
        Spending,
        Activity,
        ClaimView,
        ClaimLimit,
        piaojia_receipt::Province,
        ClaimState,
        CheckStatus,
        ClaimDraft,
        ConsultationView,
        ConsultReason,
        ConsultationState,
        RelyingParty,
        BackupOutcome,
        crate::ImportReport,
        crate::ImportedView,
        crate::OriginalPage,
        Selection,
        piaojia_render::PerSheet,
        SummaryFormat,
        crate::kiosk::paper::PaperOutcome,
        crate::kiosk::paper::PaperStockView,
    );
    numbers_not_bigints(dir)?;
    Ok(())
}

fn numbers_not_bigints(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ts") {
            let text = std::fs::read_to_string(&path)?;
            std::fs::write(&path, replace_word(&text, "bigint", "number"))?;
        }
    }
    Ok(())
}

/// Replaces `word` where it stands alone, not inside a longer name.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_name = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = if at > 0 {
            rest[..at].chars().last()
        } else {
            out.chars().last()
        };
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        out.push_str(if is_name(before) || is_name(after) {
            word
        } else {
            with
        });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_only_whole_words() {
        assert_eq!(
            super::replace_word(
                "a: bigint, b: Array<bigint>, bigints: x",
                "bigint",
                "number"
            ),
            "a: number, b: Array<number>, bigints: x"
        );
    }
}
