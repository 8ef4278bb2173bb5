// Amounts arrive as integer fen and are formatted with integer arithmetic only:
// money is never a float, here either.

/** 12345 -> "123.45", -5 -> "-0.05", 100000000 -> "1,000,000.00". */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an amount in fen: ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100);
  const cents = abs % 100;
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}.${cents.toString().padStart(2, "0")}`;
}

/** Parses what a person types as yuan ("12", "12.5", "12.05", "2,322.81") into
 * fen, exactly. Commas are taken only where they group thousands. */
export function parseYuan(text: string): number | null {
  const m = /^\s*(-?)(\d{1,3}(?:,\d{3}){1,3}|\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const cents = (m[3] ?? "").padEnd(2, "0");
  const fen = Number(m[2].replaceAll(",", "")) * 100 + Number(cents);
  return m[1] === "-" ? -fen : fen;
}

/** "2024-05-01T09:30:00" -> "2024-05-01". */
export function day(dateTime: string): string {
  return dateTime.slice(0, 10);
}

/** "2024-05-01T09:30:00" -> "2024-05-01 09:30". */
export function minute(dateTime: string): string {
  return dateTime.slice(0, 16).replace("T", " ");
}
