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

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** The wallet query for a page of the form's result. Unparseable fields are left out. */
export function toQuery(form: FilterForm, offset: number, limit: number): Query {
  return {
    text: form.text,
    from: isDate(form.from) ? form.from : null,
    to: isDate(form.to) ? form.to : null,
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

/** Whether any filter beyond the text is set. */
export function hasFilters(form: FilterForm): boolean {
  const e = emptyForm();
  return (Object.keys(e) as (keyof FilterForm)[]).some((k) => k !== "text" && k !== "sort" && form[k] !== e[k]);
}
