// States from Rust on screen (bindings/ClaimState, CheckStatus, Lifecycle,
// LifecycleState, ConsultReason, ConsultationState): their words, and what may be done in them. The one place the UI
// looks at them.
import type { CheckStatus } from "../bindings/CheckStatus";
import type { ClaimState } from "../bindings/ClaimState";
import type { ConsultReason } from "../bindings/ConsultReason";
import type { ConsultationState } from "../bindings/ConsultationState";
import type { Lifecycle } from "../bindings/Lifecycle";
import type { LifecycleState } from "../bindings/LifecycleState";
import type { Key } from "./i18n";

/** The mark of a receipt's lifecycle in a list; none for a normal one. */
export function lifecycleMark(state: LifecycleState): Key | null {
  switch (state) {
    case "reversed":
      return "st_reversed";
    case "exchanged":
      return "st_exchanged";
    case "voided":
      return "st_voided";
    case "normal":
      return null;
  }
}

/** The stamp over a reversed (冲红) or voided (作废) receipt, drawn in red; none otherwise. */
export function stampWords(lifecycle: Lifecycle): Key | null {
  return lifecycle.state === "reversed" || lifecycle.state === "voided" ? lifecycleMark(lifecycle.state) : null;
}

/** 冲红 by a red receipt, 换开 for a paper one, or 作废: the sentence, and the receipt it names. */
export function lifecycleLine(lifecycle: Lifecycle): { words: Key; linked: string } | null {
  switch (lifecycle.state) {
    case "reversed":
      return { words: "reversed_by", linked: `${lifecycle.by.code}-${lifecycle.by.number}` };
    case "exchanged":
      return { words: "exchanged_for", linked: `${lifecycle.paper.code}-${lifecycle.paper.number}` };
    case "voided":
      return { words: "voided_line", linked: "" };
    case "normal":
      return null;
  }
}

/** A receipt in a claim, in a list: 已报销 once the claim is approved or paid,
 * 报销中 while it is a draft or under review. */
export function claimMark(state: ClaimState | null): Key | null {
  if (state === null) return null;
  return state === "approved" || state === "paid" ? "st_claimed" : "st_in_claim";
}

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

/** The reasons a person picks from when asking an issuer (我要咨询), in the order shown. */
export const CONSULT_REASONS: readonly ConsultReason[] = [
  "amount_wrong",
  "not_mine",
  "charged_twice",
  "name_wrong",
  "other",
];

export function consultReasonWords(reason: ConsultReason): Key {
  return `consult_reason_${reason}`;
}

export function consultStateWords(state: ConsultationState): Key {
  return `consult_state_${state}`;
}

/** A closed thread takes no more messages: a new question is a new thread. */
export function canWriteInThread(state: ConsultationState): boolean {
  return state !== "closed";
}
