// Import reports: several merged into one (one per file chosen), and the words that
// say what an import did.

import type { ImportReport } from "../bindings/ImportReport";
import type { Key } from "./i18n";
import type { Lang } from "./i18n";
import { reasonText } from "./reasons";

export function mergeReports(reports: ImportReport[]): ImportReport {
  const merged: ImportReport = {
    summary: { files: 0, imported: 0, possible_duplicates: 0, added_copies: 0, linked: 0, already_held: 0, refused: 0 },
    receipt_ids: [],
    refused: [],
  };
  for (const r of reports) {
    for (const k of Object.keys(merged.summary) as (keyof ImportReport["summary"])[]) {
      merged.summary[k] += r.summary[k];
    }
    merged.receipt_ids.push(...r.receipt_ids.filter((id) => !merged.receipt_ids.includes(id)));
    merged.refused.push(...r.refused);
  }
  return merged;
}

/** One line for the toast, then one line for each of the first refused files. */
export function importText(
  t: (key: Key, vars?: Record<string, string | number>) => string,
  lang: Lang,
  report: ImportReport,
  shown = 3,
): string {
  const s = report.summary;
  const lines = [
    t("import_done", {
      files: s.files,
      imported: s.imported,
      held: s.already_held,
      linked: s.linked,
      copies: s.added_copies,
      refused: s.refused,
    }),
  ];
  if (s.possible_duplicates > 0) lines.push(t("import_possible_duplicates", { n: s.possible_duplicates }));
  for (const f of report.refused.slice(0, shown)) {
    lines.push(t("import_refused_file", { name: f.name, reason: reasonText(lang, f.code) }));
  }
  if (report.refused.length > shown) lines.push(t("import_more_refused", { n: report.refused.length - shown }));
  return lines.join("\n");
}
