// Bar widths for the overview charts: proportional to the largest bucket, negative
// net totals (a year of only red receipts) drawn as empty bars.

import type { Bucket } from "../bindings/Bucket";

export interface Bar extends Bucket {
  width: number;
}

export function bars(buckets: Bucket[], maxWidth: number): Bar[] {
  const largest = Math.max(0, ...buckets.map((b) => b.total_fen));
  return buckets.map((b) => ({
    ...b,
    width: largest > 0 && b.total_fen > 0 ? Math.max(1, Math.round((b.total_fen / largest) * maxWidth)) : 0,
  }));
}
