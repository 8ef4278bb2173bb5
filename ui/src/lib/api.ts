// Typed calls into the Rust commands (src-tauri). Every command rejects with a
// UiError {code, message, facts}; callers decide by the code and say it with
// errors.ts (or `shared.fail`).

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { About } from "../bindings/About";
import type { Account } from "../bindings/Account";
import type { Activity } from "../bindings/Activity";
import type { AppStatus } from "../bindings/AppStatus";
import type { BackupOutcome } from "../bindings/BackupOutcome";
import type { CheckResult } from "../bindings/CheckResult";
import type { ClaimDraft } from "../bindings/ClaimDraft";
import type { ClaimLimit } from "../bindings/ClaimLimit";
import type { RelyingPartyKind } from "../bindings/RelyingPartyKind";
import type { ClaimView } from "../bindings/ClaimView";
import type { ConsultReason } from "../bindings/ConsultReason";
import type { ConsultationView } from "../bindings/ConsultationView";
import type { HandoffView } from "../bindings/HandoffView";
import type { ImportReport } from "../bindings/ImportReport";
import type { ImportedView } from "../bindings/ImportedView";
import type { OriginalPage } from "../bindings/OriginalPage";
import type { PerSheet } from "../bindings/PerSheet";
import type { PrintOutcome } from "../bindings/PrintOutcome";
import type { Printer } from "../bindings/Printer";
import type { Province } from "../bindings/Province";
import type { Quarantined } from "../bindings/Quarantined";
import type { Query } from "../bindings/Query";
import type { ReceiptView } from "../bindings/ReceiptView";
import type { RelyingParty } from "../bindings/RelyingParty";
import type { SavedFile } from "../bindings/SavedFile";
import type { Selection } from "../bindings/Selection";
import type { SearchResult } from "../bindings/SearchResult";
import type { Settings } from "../bindings/Settings";
import type { Spending } from "../bindings/Spending";
import type { SummaryFormat } from "../bindings/SummaryFormat";
import type { SyncEvent } from "../bindings/SyncEvent";

export const api = {
  status: () => invoke<AppStatus>("app_status"),
  unlock: (passphrase: string | null) => invoke<AppStatus>("unlock", { passphrase }),
  requestSms: (idNumber: string) => invoke<string | null>("request_sms", { idNumber }),
  login: (idNumber: string, smsCode: string, replaceRoot = false) =>
    invoke<Account>("login", { idNumber, smsCode, replaceRoot }),
  logout: (accountId: number) => invoke<void>("logout", { accountId }),
  handoffCode: (accountId: number) => invoke<HandoffView>("handoff_code", { accountId }),
  syncNow: () => invoke<void>("sync_now"),
  search: (query: Query) => invoke<SearchResult>("search", { query }),
  receipt: (id: number) => invoke<ReceiptView>("receipt", { id }),
  verifyOnline: (id: number) => invoke<CheckResult>("verify_online", { id }),
  openSaveFolder: () => invoke<void>("open_save_folder"),
  verifyQuarantined: (id: number) => invoke<CheckResult>("verify_quarantined", { id }),
  savePdf: (id: number) => invoke<SavedFile>("save_pdf", { id }),
  exportOriginal: (id: number) => invoke<SavedFile>("export_original", { id }),
  printers: () => invoke<Printer[]>("printers"),
  print: (ids: number[], printer: string | null) => invoke<PrintOutcome>("print_receipts", { ids, printer }),
  saveSheets: (selection: Selection, perSheet: PerSheet) => invoke<SavedFile>("save_sheets", { selection, perSheet }),
  printSheets: (selection: Selection, perSheet: PerSheet, printer: string | null) =>
    invoke<PrintOutcome>("print_sheets", { selection, perSheet, printer }),
  saveSummary: (selection: Selection, format: SummaryFormat) => invoke<SavedFile>("save_summary", { selection, format }),
  quarantine: () => invoke<Quarantined[]>("quarantine"),
  spending: () => invoke<Spending>("spending"),
  activity: (limit: number) => invoke<Activity[]>("activity", { limit }),
  claims: () => invoke<ClaimView[]>("claims"),
  provinces: () => invoke<Province[]>("provinces"),
  about: () => invoke<About>("about"),
  relyingParties: (accountId: number) => invoke<RelyingParty[]>("relying_parties", { accountId }),
  claimLimit: (kind: RelyingPartyKind, receiptIds: number[]) => invoke<ClaimLimit>("claim_limit", { kind, receiptIds }),
  createClaim: (draft: ClaimDraft, receiptIds: number[]) => invoke<ClaimView>("create_claim", { draft, receiptIds }),
  submitClaim: (id: number) => invoke<ClaimView>("submit_claim", { id }),
  withdrawClaim: (id: number) => invoke<ClaimView>("withdraw_claim", { id }),
  consultations: (receiptId: number | null) => invoke<ConsultationView[]>("consultations", { receiptId }),
  askIssuer: (receiptId: number, reason: ConsultReason, text: string) =>
    invoke<ConsultationView>("ask_issuer", { receiptId, reason, text }),
  writeConsultation: (id: number, text: string) => invoke<ConsultationView>("write_consultation", { id, text }),
  closeConsultation: (id: number) => invoke<ConsultationView>("close_consultation", { id }),
  readConsultation: (id: number) => invoke<void>("read_consultation", { id }),
  unreadConsultations: () => invoke<number>("unread_consultations"),
  backupNow: (folder: string | null) => invoke<BackupOutcome>("backup_now", { folder }),
  restoreBackup: (file: string, recoveryKey: string, passphrase: string | null) =>
    invoke<AppStatus>("restore_backup", { file, recoveryKey, passphrase }),
  setSettings: (settings: Settings) => invoke<Settings>("set_settings", { settings }),
  firstListShown: () => invoke<void>("first_list_shown"),
  importPaths: (paths: string[]) => invoke<ImportReport>("import_paths", { paths }),
  /** The file's bytes go as they are (a raw body), its name in a header. */
  importFile: (name: string, bytes: Uint8Array) =>
    invoke<ImportReport>("import_file", bytes, { headers: { "x-file-name": encodeURIComponent(name) } }),
  imported: (id: number) => invoke<ImportedView | null>("imported", { id }),
  originalPage: (id: number, page: number, dpi: number) => invoke<OriginalPage>("original_page", { id, page, dpi }),
};

/** Reports of the watched folder's imports. */
export function onImported(handler: (report: ImportReport) => void): Promise<UnlistenFn> {
  return listen<ImportReport>("imported", (e) => handler(e.payload));
}

export function onSync(handler: (event: SyncEvent) => void): Promise<UnlistenFn> {
  return listen<SyncEvent>("sync", (e) => handler(e.payload));
}
