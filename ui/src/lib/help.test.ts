import { describe, expect, it } from "vitest";
import { HELP_TOPICS, searchHelp } from "./help";

describe("help", () => {
  it("answers every topic in both languages, once", () => {
    const ids = HELP_TOPICS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const topic of HELP_TOPICS) {
      for (const lang of ["zh-CN", "en"] as const) {
        expect(topic.title[lang].trim(), `${topic.id} ${lang}`).not.toBe("");
        expect(topic.body[lang].length, `${topic.id} ${lang}`).toBeGreaterThan(0);
        // The same number of paragraphs: one language is not missing a part.
        expect(topic.body[lang].length).toBe(topic.body["zh-CN"].length);
      }
    }
  });

  it("finds the topics that hold every word, in the language shown", () => {
    expect(searchHelp("zh-CN", "作废 统计").map((t) => t.id)).toEqual(["lifecycle"]);
    expect(searchHelp("en", "VOIDED figure").map((t) => t.id)).toEqual(["lifecycle"]);
    expect(searchHelp("zh-CN", "恢复密钥").map((t) => t.id)).toEqual(["restore"]);
    expect(searchHelp("en", "recovery key").map((t) => t.id)).toEqual(["restore"]);
    // Words of the other language are not searched.
    expect(searchHelp("en", "恢复密钥")).toEqual([]);
    expect(searchHelp("zh-CN", "   ").length).toBe(HELP_TOPICS.length);
    expect(searchHelp("zh-CN", "不存在的词")).toEqual([]);
  });
});
