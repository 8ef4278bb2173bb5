import { describe, expect, it } from "vitest";
import { toastLifetime } from "./toast";

describe("toasts", () => {
  it("let successes go by themselves and keep errors", () => {
    expect(toastLifetime(false)).toBeGreaterThanOrEqual(4000);
    expect(toastLifetime(false)).toBeLessThanOrEqual(8000);
    expect(toastLifetime(true)).toBeNull();
  });
});
