//! Kiosk mode's commands: one line each over `piaojia_app::kiosk::Kiosk`, plus the
//! webview reset at the end of a session and the operator's exit.

use piaojia_app::kiosk::paper::{PaperOutcome, PaperStockView};
use piaojia_app::kiosk::{Kiosk, SessionEnd};
use piaojia_app::{PrintOutcome, UiError};
use piaojia_render::Printer;
use piaojia_wallet::ReceiptSummary;
use serde::Serialize;
use std::sync::Arc;
use tauri::{Manager, State};

type Out<T> = Result<T, UiError>;

pub struct KioskState(pub Arc<Kiosk>);

/// What the kiosk screen needs to know of its config.
#[derive(Serialize)]
pub struct KioskInfo {
    idle_seconds: u32,
    warn_seconds: u32,
    printer: String,
    /// 换开: whose receipts, and the papers left; absent when the kiosk does not
    /// exchange.
    paper: Option<PaperStockView>,
}

#[tauri::command]
pub fn kiosk_info(k: State<'_, KioskState>) -> KioskInfo {
    KioskInfo {
        idle_seconds: k.0.config.idle_seconds,
        warn_seconds: k.0.config.warn_seconds,
        printer: k.0.config.printer.clone(),
        paper: k.0.paper_stock(),
    }
}

#[tauri::command]
pub async fn kiosk_request_sms(k: State<'_, KioskState>, id_number: String) -> Out<()> {
    Ok(k.0.request_sms(&id_number).await?)
}

#[tauri::command]
pub async fn kiosk_login(
    k: State<'_, KioskState>,
    id_number: String,
    sms_code: String,
) -> Out<u64> {
    Ok(k.0.login(&id_number, &sms_code).await?)
}

#[tauri::command]
pub async fn kiosk_login_handoff(k: State<'_, KioskState>, code: String) -> Out<u64> {
    Ok(k.0.login_with_handoff(&code).await?)
}

#[tauri::command]
pub async fn kiosk_receipts(k: State<'_, KioskState>) -> Out<Vec<ReceiptSummary>> {
    Ok(k.0.receipts().await?)
}

#[tauri::command]
pub async fn kiosk_printer(k: State<'_, KioskState>) -> Out<Printer> {
    Ok(k.0.printer().await?)
}

#[tauri::command]
pub async fn kiosk_print(k: State<'_, KioskState>, ids: Vec<i64>) -> Out<PrintOutcome> {
    Ok(k.0.print(&ids).await?)
}

#[tauri::command]
pub async fn kiosk_exchange(k: State<'_, KioskState>, receipt_id: i64) -> Out<PaperOutcome> {
    Ok(k.0.exchange_for_paper(receipt_id).await?)
}

/// Ends the session and wipes what the webview holds; the page reloads itself.
#[tauri::command]
pub async fn kiosk_end(
    k: State<'_, KioskState>,
    window: tauri::WebviewWindow,
    idle: bool,
) -> Out<()> {
    let how = if idle {
        SessionEnd::IdleTimeout
    } else {
        SessionEnd::Logout
    };
    k.0.end(how).await?;
    clear_webview(&window);
    Ok(())
}

/// Leaves kiosk mode when the operator's PIN matches.
#[tauri::command]
pub async fn kiosk_exit(
    k: State<'_, KioskState>,
    handle: tauri::AppHandle,
    pin: String,
) -> Out<()> {
    k.0.operator_exit(&pin).await?;
    handle.exit(0);
    Ok(())
}

pub fn clear_webview(window: &tauri::WebviewWindow) {
    if let Err(error) = window.clear_all_browsing_data() {
        tracing::warn!(%error, "the webview's data could not be cleared");
    }
}

/// The page reports that the patient touched the screen (at most every few seconds).
#[tauri::command]
pub async fn kiosk_touch(k: State<'_, KioskState>) -> Out<()> {
    k.0.touch().await;
    Ok(())
}

/// The kiosk's state, managed in place of the desktop app's.
pub fn manage(app: &tauri::App, kiosk: Kiosk) -> Arc<Kiosk> {
    let kiosk = Arc::new(kiosk);
    app.manage(KioskState(kiosk.clone()));
    kiosk
}

/// Ends a session left untouched past its idle time, whatever the page does, and
/// wipes the webview and reloads the first screen (see `Kiosk::end_if_idle`).
pub fn spawn_idle_watch(window: tauri::WebviewWindow, kiosk: Arc<Kiosk>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            match kiosk.end_if_idle(std::time::Instant::now()).await {
                Ok(false) => {}
                Ok(true) => {
                    tracing::info!("an idle session was ended by the kiosk");
                    clear_webview(&window);
                    if let Err(error) = window.eval("location.replace('/')") {
                        tracing::warn!(%error, "the kiosk page was not reloaded");
                    }
                }
                Err(error) => {
                    tracing::warn!(code = error.code(), "an idle session did not end cleanly")
                }
            }
        }
    });
}
