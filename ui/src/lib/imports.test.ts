import { describe, expect, it } from "vitest";
import { importText, mergeReports } from "./imports";
import { translate } from "./i18n";
import type { ImportReport } from "../bindings/ImportReport";

const one = (over: Partial<ImportReport["summary"]>, refused: ImportReport["refused"] = [], ids: number[] = []): ImportReport => ({
  summary: { files: 0, imported: 0, possible_duplicates: 0, added_copies: 0, linked: 0, already_held: 0, refused: 0, ...over },
  receipt_ids: ids,
  refused,
});

describe("import reports", () => {
  it("merges counts, receipts once each, and every refusal", () => {
    const merged = mergeReports([
      one({ files: 1, imported: 1 }, [], [4]),
      one({ files: 2, added_copies: 1, refused: 1 }, [{ name: "a.bin", code: "unknown_format", reason: "x" }], [4]),
    ]);
    expect(merged.summary).toEqual({ files: 3, imported: 1, possible_duplicates: 0, added_copies: 1, linked: 0, already_held: 0, refused: 1 });
    expect(merged.receipt_ids).toEqual([4]);
    expect(merged.refused.map((f) => f.name)).toEqual(["a.bin"]);
  });
  it("says what became of the files, refusals in words, in both languages", () => {
    const report = one({ files: 5, imported: 1, refused: 4 }, [
      { name: "a.pdf", code: "no_receipt_data", reason: "" },
      { name: "b.ofd", code: "ofd.too_large", reason: "" },
      { name: "c", code: "empty_file", reason: "" },
      { name: "d", code: "empty_file", reason: "" },
    ]);
    for (const lang of ["zh-CN", "en"] as const) {
      const text = importText((k, v) => translate(lang, k, v), lang, report);
      const lines = text.split("\n");
      expect(lines).toHaveLength(5);
      expect(lines[1]).toContain("a.pdf");
      expect(lines[1]).not.toContain("no_receipt_data");
      expect(lines[4]).toContain("1");
    }
  });
});
