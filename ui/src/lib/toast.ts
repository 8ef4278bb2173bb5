// How long a toast stays: a success goes by itself, so that it never sits over the
// buttons of the next screen; an error stays until it is closed.

/** Milliseconds a toast stays, or null for one that stays until closed. */
export function toastLifetime(error: boolean): number | null {
  return error ? null : 6000;
}
