import { describe, expect, it } from "vitest";
import { errorGoesToSettings, errorWords, knownErrorCodes, knownServiceCodes } from "./errors";
import type { UiError } from "../bindings/UiError";

const error = (code: string, facts: Record<string, string> = {}): UiError => ({
  code,
  message: "the English text",
  facts,
});
const cjk = /[\u4e00-\u9fff]/;

// The Rust sources' `fn code` matches: every code an error can carry to the UI.
const sources = import.meta.glob("../../../crates/*/src/**/*.rs", { query: "?raw", import: "default", eager: true });
function rustCodes(): string[] {
  const codes = new Set<string>();
  for (const text of Object.values(sources) as string[]) {
    for (const body of text.matchAll(/pub fn code\(&self\) -> &'static str \{([\s\S]*?)\n {4}\}\n/g)) {
      for (const literal of body[1].matchAll(/=> "([a-z_.]+)"/g)) codes.add(literal[1]);
    }
  }
  return [...codes];
}

describe("errorWords", () => {
  it("has words for every code the Rust errors carry", () => {
    const codes = rustCodes();
    // The wallet's, the app's, printing's, the OFD reader's and the importer's at least.
    for (const known of ["wallet.wrong_key", "app.no_printer", "print.not_ready", "seal.untrusted", "empty_file"]) {
      expect(codes).toContain(known);
    }
    const missing = codes.filter((code) => errorWords("zh-CN", error(code)).includes(code));
    expect(missing).toEqual([]);
  });

  it("says every known code in both languages and never the English message", () => {
    for (const code of [...knownErrorCodes]) {
      const zh = errorWords("zh-CN", error(code));
      const en = errorWords("en", error(code));
      expect(zh).toMatch(cjk);
      expect(en).not.toMatch(cjk);
      expect(zh + en).not.toContain("English");
      expect(errorWords("zh-CN", error(code), "kiosk")).toMatch(cjk);
    }
    for (const code of knownServiceCodes) {
      expect(errorWords("zh-CN", error("service.error", { status: "409", service_code: code }))).toMatch(cjk);
    }
  });

  it("names the printer and says its state in words", () => {
    const stopped = error("print.not_ready", { printer: "OFFICE", state: "stopped" });
    expect(errorWords("zh-CN", stopped)).toBe("打印机 OFFICE 已停止，请检查打印机后重试");
    expect(errorWords("en", stopped)).toContain("Printer OFFICE: Stopped");
    expect(errorGoesToSettings(stopped)).toBe(true);
    expect(errorWords("zh-CN", stopped, "kiosk")).toBe("打印机未就绪，请联系工作人员");
  });

  it("says a bad setting by its field", () => {
    expect(errorWords("zh-CN", error("settings.invalid", { field: "root_key" }))).toContain("44 个字符");
    expect(errorWords("en", error("settings.invalid", { field: "province" }))).toContain("6 digits");
  });

  it("gives the service's code for a refusal it has no words for", () => {
    const refused = error("service.error", { status: "409", service_code: "claim.something_new" });
    expect(errorWords("zh-CN", refused)).toBe("票据服务拒绝了这次操作（409 claim.something_new）");
  });

  it("gives the code of anything unexpected, the kiosk's for its staff", () => {
    expect(errorWords("zh-CN", error("brand.new"))).toBe("出现问题（brand.new），请重试");
    expect(errorWords("zh-CN", error("brand.new"), "kiosk")).toBe("出现问题，请联系工作人员（brand.new）");
  });
});
