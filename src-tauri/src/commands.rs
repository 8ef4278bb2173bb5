//! The commands the UI calls: each is one line over `piaojia_app::App`, and errors
//! reach the UI as `{code, message, facts}`.

use crate::background::spawn_sync;
use crate::state::Started;
use piaojia_app::{
    AppStatus, BackupOutcome, HandoffView, ImportReport, ImportedView, PrintOutcome, ReceiptView,
    SavedFile, Settings, UiError,
};
use piaojia_render::{PerSheet, Printer};
use piaojia_wallet::{
    Account, Activity, CheckResult, ClaimDraft, ClaimLimit, ClaimView, ConsultReason,
    ConsultationView, Quarantined, Query, RelyingParty, RelyingPartyKind, SearchResult, Selection,
    Spending, SummaryFormat,
};
use tauri::State;

type Out<T> = Result<T, UiError>;

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_status,
        unlock,
        request_sms,
        login,
        logout,
        handoff_code,
        sync_now,
        search,
        receipt,
        verify_online,
        verify_quarantined,
        open_save_folder,
        save_pdf,
        export_original,
        printers,
        print_receipts,
        save_sheets,
        print_sheets,
        save_summary,
        quarantine,
        spending,
        activity,
        claims,
        relying_parties,
        provinces,
        about,
        claim_limit,
        create_claim,
        submit_claim,
        withdraw_claim,
        consultations,
        ask_issuer,
        write_consultation,
        close_consultation,
        read_consultation,
        unread_consultations,
        backup_now,
        restore_backup,
        set_settings,
        first_list_shown,
        import_paths,
        import_file,
        imported,
        original_page,
        crate::kiosk::kiosk_info,
        crate::kiosk::kiosk_request_sms,
        crate::kiosk::kiosk_login,
        crate::kiosk::kiosk_login_handoff,
        crate::kiosk::kiosk_receipts,
        crate::kiosk::kiosk_printer,
        crate::kiosk::kiosk_print,
        crate::kiosk::kiosk_exchange,
        crate::kiosk::kiosk_end,
        crate::kiosk::kiosk_exit,
        crate::kiosk::kiosk_touch,
    ]
}

#[tauri::command]
async fn app_status(s: State<'_, Started>) -> Out<AppStatus> {
    Ok(s.app()?.status().await?)
}

#[tauri::command]
async fn unlock(s: State<'_, Started>, passphrase: Option<String>) -> Out<AppStatus> {
    Ok(s.app()?.unlock(passphrase).await?)
}

#[tauri::command]
async fn request_sms(s: State<'_, Started>, id_number: String) -> Out<Option<String>> {
    Ok(s.app()?.request_sms(id_number).await?)
}

#[tauri::command]
async fn login(
    s: State<'_, Started>,
    id_number: String,
    sms_code: String,
    replace_root: Option<bool>,
) -> Out<Account> {
    Ok(s.app()?
        .login(id_number, sms_code, replace_root.unwrap_or(false))
        .await?)
}

#[tauri::command]
async fn logout(s: State<'_, Started>, account_id: i64) -> Out<()> {
    Ok(s.app()?.logout(account_id).await?)
}

#[tauri::command]
async fn handoff_code(s: State<'_, Started>, account_id: i64) -> Out<HandoffView> {
    Ok(s.app()?.handoff_code(account_id).await?)
}

#[tauri::command]
fn sync_now(s: State<'_, Started>, handle: tauri::AppHandle) -> Out<()> {
    spawn_sync(handle, s.app()?);
    Ok(())
}

#[tauri::command]
async fn search(s: State<'_, Started>, query: Query) -> Out<SearchResult> {
    Ok(s.app()?.search(query).await?)
}

#[tauri::command]
async fn receipt(s: State<'_, Started>, id: i64) -> Out<ReceiptView> {
    Ok(s.app()?.receipt(id).await?)
}

#[tauri::command]
async fn verify_online(s: State<'_, Started>, id: i64) -> Out<CheckResult> {
    Ok(s.app()?.verify_online(id).await?)
}

/// 打开文件夹: the save folder in the file manager.
#[tauri::command]
async fn open_save_folder(s: State<'_, Started>) -> Out<()> {
    Ok(s.app()?.open_save_folder().await?)
}

/// 在线查验 of a rejected receipt, by what it says of itself.
#[tauri::command]
async fn verify_quarantined(s: State<'_, Started>, id: i64) -> Out<CheckResult> {
    Ok(s.app()?.verify_quarantined(id).await?)
}

#[tauri::command]
async fn save_pdf(s: State<'_, Started>, id: i64) -> Out<SavedFile> {
    Ok(s.app()?.save_pdf(id).await?)
}

#[tauri::command]
async fn export_original(s: State<'_, Started>, id: i64) -> Out<SavedFile> {
    Ok(s.app()?.export_original(id).await?)
}

#[tauri::command]
async fn printers(s: State<'_, Started>) -> Out<Vec<Printer>> {
    Ok(s.app()?.printers().await?)
}

#[tauri::command]
async fn print_receipts(
    s: State<'_, Started>,
    ids: Vec<i64>,
    printer: Option<String>,
) -> Out<PrintOutcome> {
    Ok(s.app()?.print(ids, printer).await?)
}

#[tauri::command]
async fn save_sheets(
    s: State<'_, Started>,
    selection: Selection,
    per_sheet: PerSheet,
) -> Out<SavedFile> {
    Ok(s.app()?.save_sheets(selection, per_sheet).await?)
}

#[tauri::command]
async fn print_sheets(
    s: State<'_, Started>,
    selection: Selection,
    per_sheet: PerSheet,
    printer: Option<String>,
) -> Out<PrintOutcome> {
    Ok(s.app()?.print_sheets(selection, per_sheet, printer).await?)
}

#[tauri::command]
async fn save_summary(
    s: State<'_, Started>,
    selection: Selection,
    format: SummaryFormat,
) -> Out<SavedFile> {
    Ok(s.app()?.save_summary(selection, format).await?)
}

#[tauri::command]
async fn quarantine(s: State<'_, Started>) -> Out<Vec<Quarantined>> {
    Ok(s.app()?.quarantine().await?)
}

#[tauri::command]
async fn spending(s: State<'_, Started>) -> Out<Spending> {
    Ok(s.app()?.spending(None).await?)
}

#[tauri::command]
async fn activity(s: State<'_, Started>, limit: u32) -> Out<Vec<Activity>> {
    Ok(s.app()?.activity(limit).await?)
}

#[tauri::command]
async fn claims(s: State<'_, Started>) -> Out<Vec<ClaimView>> {
    Ok(s.app()?.claims().await?)
}

#[tauri::command]
async fn consultations(
    s: State<'_, Started>,
    receipt_id: Option<i64>,
) -> Out<Vec<ConsultationView>> {
    Ok(s.app()?.consultations(receipt_id).await?)
}

#[tauri::command]
async fn ask_issuer(
    s: State<'_, Started>,
    receipt_id: i64,
    reason: ConsultReason,
    text: String,
) -> Out<ConsultationView> {
    Ok(s.app()?.ask_issuer(receipt_id, reason, text).await?)
}

#[tauri::command]
async fn write_consultation(s: State<'_, Started>, id: i64, text: String) -> Out<ConsultationView> {
    Ok(s.app()?.write_consultation(id, text).await?)
}

#[tauri::command]
async fn close_consultation(s: State<'_, Started>, id: i64) -> Out<ConsultationView> {
    Ok(s.app()?.close_consultation(id).await?)
}

#[tauri::command]
async fn read_consultation(s: State<'_, Started>, id: i64) -> Out<()> {
    Ok(s.app()?.read_consultation(id).await?)
}

#[tauri::command]
async fn unread_consultations(s: State<'_, Started>) -> Out<i64> {
    Ok(s.app()?.unread_consultations().await?)
}

#[tauri::command]
async fn relying_parties(s: State<'_, Started>, account_id: i64) -> Out<Vec<RelyingParty>> {
    Ok(s.app()?.relying_parties(account_id).await?)
}

/// The provinces a service may be for, with their names (the settings' picker).
#[tauri::command]
fn provinces() -> Vec<piaojia_app::Province> {
    piaojia_app::PROVINCES.to_vec()
}

/// 关于票夹: version, licences, and the components built in.
#[tauri::command]
fn about() -> piaojia_app::About {
    piaojia_app::about()
}

#[tauri::command]
async fn claim_limit(
    s: State<'_, Started>,
    kind: RelyingPartyKind,
    receipt_ids: Vec<i64>,
) -> Out<ClaimLimit> {
    Ok(s.app()?.claim_limit(kind, receipt_ids).await?)
}

#[tauri::command]
async fn create_claim(
    s: State<'_, Started>,
    draft: ClaimDraft,
    receipt_ids: Vec<i64>,
) -> Out<ClaimView> {
    Ok(s.app()?.create_claim(draft, receipt_ids).await?)
}

#[tauri::command]
async fn submit_claim(s: State<'_, Started>, id: i64) -> Out<ClaimView> {
    Ok(s.app()?.submit_claim(id).await?)
}

#[tauri::command]
async fn withdraw_claim(s: State<'_, Started>, id: i64) -> Out<ClaimView> {
    Ok(s.app()?.withdraw_claim(id).await?)
}

#[tauri::command]
async fn backup_now(s: State<'_, Started>, folder: Option<String>) -> Out<BackupOutcome> {
    Ok(s.app()?.backup_now(folder).await?)
}

/// 从备份恢复: the wallet in a backup file in place of the open one.
#[tauri::command]
async fn restore_backup(
    s: State<'_, Started>,
    file: String,
    recovery_key: String,
    passphrase: Option<String>,
) -> Out<AppStatus> {
    Ok(s.app()?.restore(file, recovery_key, passphrase).await?)
}

#[tauri::command]
fn set_settings(s: State<'_, Started>, settings: Settings) -> Out<Settings> {
    Ok(s.app()?.set_settings(settings)?)
}

/// The UI drew its first list. With PIAOJIA_TIMING set, says so on stdout, for the
/// start-up benchmark that times the process from outside.
#[tauri::command]
fn first_list_shown() {
    if std::env::var_os("PIAOJIA_TIMING").is_some() {
        println!("piaojia-timing first-list-shown");
    }
}

/// Files and folders dropped on the window.
#[tauri::command]
async fn import_paths(s: State<'_, Started>, paths: Vec<String>) -> Out<ImportReport> {
    Ok(s.app()?.import_paths(paths).await?)
}

/// A file chosen with the file picker: its bytes as the request's body, its name
/// percent-encoded in the `x-file-name` header.
#[tauri::command]
async fn import_file(s: State<'_, Started>, request: tauri::ipc::Request<'_>) -> Out<ImportReport> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(UiError::new(
            "app.invalid",
            "the file's bytes were not sent",
        ));
    };
    let name = request
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    Ok(s.app()?.import_bytes(name, bytes.clone()).await?)
}

#[tauri::command]
async fn imported(s: State<'_, Started>, id: i64) -> Out<Option<ImportedView>> {
    Ok(s.app()?.imported(id).await?)
}

#[tauri::command]
async fn original_page(
    s: State<'_, Started>,
    id: i64,
    page: u32,
    dpi: u32,
) -> Out<piaojia_app::OriginalPage> {
    Ok(s.app()?.original_page(id, page, dpi).await?)
}
