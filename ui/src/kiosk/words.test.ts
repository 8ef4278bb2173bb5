import { describe, expect, it } from "vitest";
import { kioskCodes, kioskWords } from "./words";

describe("kioskWords", () => {
  it("says every known failure in Chinese, never the English message", () => {
    for (const code of kioskCodes) {
      const said = kioskWords({ code, message: "the English text" });
      expect(said).not.toContain("English");
      expect(said).toMatch(/[\u4e00-\u9fff]/);
    }
  });
  it("gives staff the code of anything unexpected", () => {
    expect(kioskWords({ code: "wallet.database", message: "database: disk full" })).toBe(
      "出现问题，请联系工作人员（wallet.database）",
    );
  });
});
