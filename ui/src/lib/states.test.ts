import { describe, expect, it } from "vitest";
import {
  CONSULT_REASONS,
  canSubmit,
  canWithdraw,
  canWriteInThread,
  claimMark,
  consultReasonWords,
  consultStateWords,
  lifecycleLine,
  lifecycleMark,
  stampWords,
} from "./states";
import { dictionaries } from "./i18n";

const key = (number: string) => ({ province: "330000", code: "33060122", number });

describe("a receipt's lifecycle on screen", () => {
  it("names the receipt that reversed or replaced it", () => {
    expect(lifecycleLine({ state: "reversed", by: key("0000000002") })).toEqual({
      words: "reversed_by",
      linked: "33060122-0000000002",
    });
    expect(lifecycleLine({ state: "exchanged", paper: key("0000000777") })).toEqual({
      words: "exchanged_for",
      linked: "33060122-0000000777",
    });
    expect(lifecycleLine({ state: "normal" })).toBeNull();
    expect(lifecycleLine({ state: "voided" })?.words).toBe("voided_line");
    expect(stampWords({ state: "reversed", by: key("0000000002") })).toBe("st_reversed");
    expect(stampWords({ state: "voided" })).toBe("st_voided");
    expect(stampWords({ state: "exchanged", paper: key("0000000777") })).toBeNull();
  });

  it("marks lists only for what changed, with words in both languages", () => {
    expect(lifecycleMark("normal")).toBeNull();
    for (const state of ["reversed", "exchanged", "voided"] as const) {
      const mark = lifecycleMark(state);
      expect(mark).not.toBeNull();
      expect(dictionaries["zh-CN"][mark!]).toBeTruthy();
      expect(dictionaries.en[mark!]).toBeTruthy();
    }
  });
});

describe("what a claim's state allows", () => {
  it("sends only drafts and withdraws until the relying party decided", () => {
    expect(canSubmit("draft")).toBe(true);
    expect(canSubmit("queued")).toBe(false);
    expect(canWithdraw("submitted")).toBe(true);
    expect(canWithdraw("approved")).toBe(false);
  });
});

describe("a 我要咨询 thread on screen", () => {
  it("offers every reason, and words for each reason and state in both languages", () => {
    expect(new Set(CONSULT_REASONS).size).toBe(5);
    const keys = [
      ...CONSULT_REASONS.map(consultReasonWords),
      ...(["open", "answered", "closed"] as const).map(consultStateWords),
    ];
    for (const k of keys) {
      expect(dictionaries["zh-CN"][k], k).toBeTruthy();
      expect(dictionaries.en[k], k).toBeTruthy();
    }
  });

  it("takes messages until it is closed", () => {
    expect(canWriteInThread("open")).toBe(true);
    expect(canWriteInThread("answered")).toBe(true);
    expect(canWriteInThread("closed")).toBe(false);
  });
});

describe("a receipt in a claim, in a list", () => {
  it("is 报销中 until its claim is approved or paid", () => {
    expect(claimMark(null)).toBeNull();
    for (const open of ["draft", "queued", "submitted", "info_requested"] as const) expect(claimMark(open)).toBe("st_in_claim");
    for (const settled of ["approved", "paid"] as const) expect(claimMark(settled)).toBe("st_claimed");
  });
});
