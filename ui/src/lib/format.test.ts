import { describe, expect, it } from "vitest";
import { day, minute, parseYuan, yuan } from "./format";

describe("yuan", () => {
  it("formats fen with integer arithmetic", () => {
    expect(yuan(12345)).toBe("123.45");
    expect(yuan(5)).toBe("0.05");
    expect(yuan(0)).toBe("0.00");
    expect(yuan(-10005)).toBe("-100.05");
    expect(yuan(1_000_000_000_00)).toBe("1,000,000,000.00");
  });
  it("refuses what is not an amount in fen", () => {
    expect(() => yuan(1.5)).toThrow(RangeError);
    expect(() => yuan(Number.NaN)).toThrow(RangeError);
  });
});

describe("parseYuan", () => {
  it("reads yuan exactly, without floats", () => {
    expect(parseYuan("12")).toBe(1200);
    expect(parseYuan("12.5")).toBe(1250);
    expect(parseYuan(" 0.07 ")).toBe(7);
    expect(parseYuan("-3.10")).toBe(-310);
    // 0.1 + 0.2 style errors cannot happen: digits are read as integers.
    expect(parseYuan("0.29")).toBe(29);
  });
  it("reads commas that group thousands, so a pre-filled amount reads back", () => {
    expect(parseYuan("2,322.81")).toBe(232281);
    expect(parseYuan("1,000,000")).toBe(100000000);
    for (const fen of [0, 7, 232281, 123456789]) expect(parseYuan(yuan(fen))).toBe(fen);
  });
  it("rejects anything else", () => {
    for (const bad of ["", "1.234", "abc", "1e3", "12,00", "1,2345", ",123", "¥5"]) expect(parseYuan(bad)).toBeNull();
  });
});

describe("dates", () => {
  it("cuts ISO date-times", () => {
    expect(day("2024-05-01T09:30:00")).toBe("2024-05-01");
    expect(minute("2024-05-01T09:30:00")).toBe("2024-05-01 09:30");
  });
});
