// A form's action in progress: busy while it runs (its buttons disabled), and the
// UiError it ended with, for the form to say in words.

import type { UiError } from "../bindings/UiError";
import { asUiError } from "./errors";

export class Attempt {
  busy = $state(false);
  error = $state<UiError | null>(null);

  /** Runs `action`; a failure is kept in `error`, not thrown. */
  run = async (action: () => Promise<unknown>): Promise<void> => {
    this.busy = true;
    this.error = null;
    try {
      await action();
    } catch (e) {
      this.error = asUiError(e);
    } finally {
      this.busy = false;
    }
  };
}
