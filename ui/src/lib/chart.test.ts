import { describe, expect, it } from "vitest";
import { bars } from "./chart";

describe("bars", () => {
  it("scales to the largest bucket and keeps small ones visible", () => {
    const out = bars(
      [
        { key: "a", count: 1, total_fen: 100_00 },
        { key: "b", count: 1, total_fen: 1 },
        { key: "c", count: 1, total_fen: -50 },
      ],
      300,
    );
    expect(out.map((b) => b.width)).toEqual([300, 1, 0]);
  });
  it("draws nothing for all-zero data", () => {
    expect(bars([{ key: "a", count: 0, total_fen: 0 }], 300)[0].width).toBe(0);
  });
});
