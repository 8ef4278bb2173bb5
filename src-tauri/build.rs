// The app's commands get generated `allow-<command>` permissions; only those the
// capability in capabilities/ lists can be called from the window.
const COMMANDS: &[&str] = &[
    "app_status",
    "unlock",
    "request_sms",
    "login",
    "logout",
    "handoff_code",
    "sync_now",
    "search",
    "receipt",
    "verify_online",
    "save_pdf",
    "export_original",
    "printers",
    "print_receipts",
    "save_sheets",
    "print_sheets",
    "save_summary",
    "quarantine",
    "spending",
    "activity",
    "claims",
    "relying_parties",
    "create_claim",
    "submit_claim",
    "withdraw_claim",
    "backup_now",
    "set_settings",
    "first_list_shown",
    "import_paths",
    "import_file",
    "imported",
    "original_page",
    "kiosk_info",
    "kiosk_request_sms",
    "kiosk_login",
    "kiosk_login_handoff",
    "kiosk_receipts",
    "kiosk_printer",
    "kiosk_print",
    "kiosk_end",
    "kiosk_exit",
    "kiosk_touch",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
