import { describe, expect, it } from "vitest";
import { dictionaries, translate } from "./i18n";

describe("i18n", () => {
  it("has every key in both languages, with the same placeholders", () => {
    const zh = dictionaries["zh-CN"];
    const en = dictionaries.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(holes(en[key]), key).toEqual(holes(zh[key]));
    }
  });
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("zh-CN", "result_summary", { count: 3, sum: "1.00" })).toBe("共 3 张，合计 ¥1.00");
    expect(translate("en", "result_summary", { count: 3 })).toBe("3 receipts, total ¥{sum}");
  });
});
