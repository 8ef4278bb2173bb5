import { describe, expect, it } from "vitest";
import { knownReasonCodes, reasonText } from "./reasons";

describe("reasonText", () => {
  it("names every known code in both languages", () => {
    for (const code of knownReasonCodes) {
      expect(reasonText("zh-CN", code)).not.toBe(code);
      expect(reasonText("en", code)).not.toBe(code);
    }
  });
  it("shows an unknown code as it is rather than nothing", () => {
    expect(reasonText("zh-CN", "receipt.something_new")).toBe("receipt.something_new");
  });
});
