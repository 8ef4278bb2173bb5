import { describe, expect, it } from "vitest";
import { pagesFor, visibleWindow } from "./virtual";

describe("visibleWindow", () => {
  it("draws only the rows in view plus overscan, at 100k rows", () => {
    const w = visibleWindow(100_000, 56, 56 * 50_000, 560, 8);
    expect(w.first).toBe(50_000 - 8);
    expect(w.last).toBe(50_000 + 10 + 8);
    expect(w.last - w.first).toBeLessThan(40);
    expect(w.offsetTop).toBe(w.first * 56);
    expect(w.totalHeight).toBe(5_600_000);
  });
  it("clamps at both ends", () => {
    expect(visibleWindow(5, 56, 0, 1000).last).toBe(5);
    expect(visibleWindow(5, 56, -100, 1000).first).toBe(0);
    const end = visibleWindow(100, 10, 10_000, 100);
    expect(end.last).toBe(100);
    expect(visibleWindow(0, 56, 0, 500)).toEqual({ first: 0, last: 0, offsetTop: 0, totalHeight: 0 });
  });
});

describe("pagesFor", () => {
  it("names each page a window touches once", () => {
    expect(pagesFor(90, 230, 100)).toEqual([0, 1, 2]);
    expect(pagesFor(0, 100, 100)).toEqual([0]);
    expect(pagesFor(5, 5, 100)).toEqual([]);
  });
});
