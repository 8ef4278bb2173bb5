// The search form's state and the query the wallet receives.

import type { Query } from "../bindings/Query";
import type { Category } from "../bindings/Category";
import type { StatusFilter } from "../bindings/StatusFilter";
import type { Sort } from "../bindings/Sort";
import { parseYuan } from "./format";

export interface FilterForm {
  text: string;
  from: string;
  to: string;
  minYuan: string;
  maxYuan: string;
  category: Category | "";
  status: StatusFilter | "";
  sort: Sort;
}

export function emptyForm(): FilterForm {
  return { text: "", from: "", to: "", minYuan: "", maxYuan: "", category: "", status: "", sort: "date_desc" };
}

/** A real calendar day written YYYY-MM-DD (the app's own date fields, in any language). */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}

/** The wallet query for a page of the form's result. Unparseable fields are left out. */
export function toQuery(form: FilterForm, offset: number, limit: number): Query {
  return {
    text: form.text,
    from: isDate(form.from) ? form.from.trim() : null,
    to: isDate(form.to) ? form.to.trim() : null,
    min_fen: form.minYuan.trim() ? parseYuan(form.minYuan) : null,
    max_fen: form.maxYuan.trim() ? parseYuan(form.maxYuan) : null,
    category: form.category === "" ? null : form.category,
    issuer_code: null,
    status: form.status === "" ? null : form.status,
    account_id: null,
    sort: form.sort,
    limit,
    offset,
  };
}

/** The filters set (beyond the text and the order), each by its field. */
export type FilterField = "from" | "to" | "minYuan" | "maxYuan" | "category" | "status";
export const FILTER_FIELDS: readonly FilterField[] = ["from", "to", "minYuan", "maxYuan", "category", "status"];

export function activeFilters(form: FilterForm): FilterField[] {
  return FILTER_FIELDS.filter((k) => form[k].trim() !== "");
}

/** Fields whose text the query cannot use: marked at the field, never silently dropped. */
export function invalidFields(form: FilterForm): FilterField[] {
  const bad: FilterField[] = [];
  for (const k of ["minYuan", "maxYuan"] as const) {
    const fen = parseYuan(form[k]);
    if (form[k].trim() !== "" && (fen === null || fen < 0)) bad.push(k);
  }
  for (const k of ["from", "to"] as const) {
    if (form[k].trim() !== "" && !isDate(form[k])) bad.push(k);
  }
  if (isDate(form.from) && isDate(form.to) && form.from > form.to && !bad.includes("to")) bad.push("to");
  return bad;
}

/** The days of a chart's bucket, "2025" or "2025-03", as the list's date filters. */
export function rangeOf(key: string): { from: string; to: string } | null {
  const year = /^(\d{4})$/.exec(key);
  if (year) return { from: `${key}-01-01`, to: `${key}-12-31` };
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (!month) return null;
  const last = new Date(Date.UTC(Number(month[1]), Number(month[2]), 0)).getUTCDate();
  return { from: `${key}-01`, to: `${key}-${String(last).padStart(2, "0")}` };
}

/** The form with `fields` cleared (all filters, when none are named), the text kept. */
export function cleared(form: FilterForm, fields: readonly FilterField[] = FILTER_FIELDS): FilterForm {
  const next = { ...form };
  for (const k of fields) next[k] = "";
  return next;
}
