import { describe, expect, it } from "vitest";
import { activeFilters, cleared, emptyForm, invalidFields, isDate, rangeOf, toQuery } from "./filters";

describe("toQuery", () => {
  it("passes text through untouched, operators and quotes included", () => {
    const form = { ...emptyForm(), text: '医院 OR "x" NEAR(' };
    expect(toQuery(form, 0, 100).text).toBe('医院 OR "x" NEAR(');
  });
  it("turns yuan into fen and leaves out what does not parse", () => {
    const form = { ...emptyForm(), minYuan: "12.5", maxYuan: "abc", from: "2024-01-01", to: "2024-13" };
    const q = toQuery(form, 200, 100);
    expect(q.min_fen).toBe(1250);
    expect(q.max_fen).toBeNull();
    expect(q.from).toBe("2024-01-01");
    expect(q.to).toBeNull();
    expect(q.offset).toBe(200);
    expect(q.limit).toBe(100);
  });
  it("maps empty selects to no filter", () => {
    const q = toQuery(emptyForm(), 0, 50);
    expect(q.category).toBeNull();
    expect(q.status).toBeNull();
    expect(q.sort).toBe("date_desc");
  });
});

describe("activeFilters", () => {
  it("ignores text and sort", () => {
    expect(activeFilters({ ...emptyForm(), text: "x", sort: "amount_asc" })).toEqual([]);
    expect(activeFilters({ ...emptyForm(), status: "claimed" })).toEqual(["status"]);
  });
});

describe("filters on show", () => {
  it("counts the filters set and marks what the query cannot use", () => {
    const form = { ...emptyForm(), minYuan: "abc", status: "reversed" as const, from: "2025-12-01", to: "2025-11-01" };
    expect(activeFilters(form)).toEqual(["from", "to", "minYuan", "status"]);
    expect(invalidFields(form)).toEqual(["minYuan", "to"]);
    expect(invalidFields({ ...form, minYuan: "-1" })).toContain("minYuan");
    expect(activeFilters(cleared(form))).toEqual([]);
    expect(cleared(form, ["status"]).status).toBe("");
    expect(cleared({ ...form, text: "医院" }).text).toBe("医院");
  });
});

describe("isDate", () => {
  it("takes real calendar days written YYYY-MM-DD only", () => {
    for (const good of ["2025-03-01", "2024-02-29", " 2025-12-31 "]) expect(isDate(good)).toBe(true);
    for (const bad of ["2025-13-01", "2025-02-29", "2025-04-31", "03/01/2025", "2025-3-1", ""]) expect(isDate(bad)).toBe(false);
  });
});

describe("rangeOf", () => {
  it("gives a year's or a month's first and last day", () => {
    expect(rangeOf("2025")).toEqual({ from: "2025-01-01", to: "2025-12-31" });
    expect(rangeOf("2024-02")).toEqual({ from: "2024-02-01", to: "2024-02-29" });
    expect(rangeOf("2025-11")).toEqual({ from: "2025-11-01", to: "2025-11-30" });
    expect(rangeOf("杭州")).toBeNull();
  });
});
