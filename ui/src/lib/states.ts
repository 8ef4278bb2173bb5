// States from Rust on screen (bindings/ClaimState, bindings/CheckStatus): their
// words, and what may be done in them. The one place the UI looks at them.
import type { CheckStatus } from "../bindings/CheckStatus";
import type { ClaimState } from "../bindings/ClaimState";
import type { Key } from "./i18n";

export function claimStateWords(state: ClaimState): Key {
  return `claim_state_${state}`;
}

/** Only a draft is sent. */
export function canSubmit(state: ClaimState): boolean {
  return state === "draft";
}

/** A draft or a queued claim is dropped here; a submitted one is withdrawn at the service. */
export function canWithdraw(state: ClaimState): boolean {
  return state === "draft" || state === "queued" || state === "submitted";
}

export function checkStatusWords(status: CheckStatus): Key {
  return `check_status_${status}`;
}
