// App-wide state shared by the screens: status, language, messages, selection.

import type { AppStatus } from "../bindings/AppStatus";
import { translate, type Key, type Lang } from "./i18n";

export type Screen = "receipts" | "detail" | "claims" | "overview" | "rejected" | "settings";

class Shared {
  status = $state<AppStatus | null>(null);
  screen = $state<Screen>("receipts");
  detailId = $state<number | null>(null);
  toast = $state<{ text: string; error: boolean } | null>(null);
  selected = $state<number[]>([]);
  sync = $state<{ done: number; total: number } | null>(null);
  /** Bumped when the wallet's contents change, so lists reload. */
  generation = $state(0);

  get lang(): Lang {
    return (this.status?.settings.language ?? "zh-CN") as Lang;
  }

  t = (key: Key, vars: Record<string, string | number> = {}): string => translate(this.lang, key, vars);

  say(text: string, error = false) {
    this.toast = { text, error };
  }

  open(id: number) {
    this.detailId = id;
    this.screen = "detail";
  }
}

export const shared = new Shared();
