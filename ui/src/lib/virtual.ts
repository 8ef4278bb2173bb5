// The window of a long list that is actually drawn: a few hundred DOM rows, whatever
// the number of receipts.

export interface Window {
  first: number;
  last: number; // exclusive
  offsetTop: number;
  totalHeight: number;
}

export function visibleWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan = 8,
): Window {
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { first: 0, last: 0, offsetTop: 0, totalHeight: 0 };
  const top = Math.max(0, Math.min(scrollTop, totalHeight));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((top + viewportHeight) / rowHeight) + overscan);
  return { first, last, offsetTop: first * rowHeight, totalHeight };
}

/** The pages (of `pageSize` rows) that rows first..last fall in. */
export function pagesFor(first: number, last: number, pageSize: number): number[] {
  if (last <= first) return [];
  const pages: number[] = [];
  for (let p = Math.floor(first / pageSize); p <= Math.floor((last - 1) / pageSize); p++) {
    pages.push(p);
  }
  return pages;
}
