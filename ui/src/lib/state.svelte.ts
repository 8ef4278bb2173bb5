// App-wide state shared by the screens: status, language, messages, selection.

import type { AppStatus } from "../bindings/AppStatus";
import type { Province } from "../bindings/Province";
import type { FilterForm } from "./filters";
import { translate, type Key, type Lang } from "./i18n";
import type { HelpTopicId } from "./help";
import { toastLifetime } from "./toast";
import { asUiError, errorGoesToSettings, errorWords } from "./errors";

export type Screen =
  | "receipts"
  | "detail"
  | "claims"
  | "consultations"
  | "overview"
  | "rejected"
  | "settings"
  | "help";

class Shared {
  status = $state<AppStatus | null>(null);
  screen = $state<Screen>("receipts");
  detailId = $state<number | null>(null);
  /** `settings`: the toast offers 去设置 (what it asks for is chosen there);
   * `detail`: the technical code and message, behind 详情. */
  toast = $state<{ text: string; error: boolean; settings?: boolean; detail?: string } | null>(null);
  selected = $state<number[]>([]);
  /** A sync running: its progress, and the attempt it is on when the service did not answer. */
  sync = $state<{ done: number; total: number; retrying?: number } | null>(null);
  /** Bumped when the wallet's contents change, so lists reload. */
  generation = $state(0);
  /** The help topic 帮助 opens at. */
  helpTopic = $state<HelpTopicId | null>(null);
  /** The list's row that takes Tab (a roving tab stop), kept across screens. */
  listFocus = 0;
  /** Filters the receipt list opens with once (a chart's bar was clicked). */
  listPreset = $state<Partial<FilterForm> | null>(null);
  /** The provinces a service may be for (the settings' picker), loaded once. */
  provinces = $state<Province[]>([]);
  /** 我要咨询 threads with an answer not read yet: the badge in the navigation. */
  unread = $state(0);

  get lang(): Lang {
    return (this.status?.settings.language ?? "zh-CN") as Lang;
  }

  /** A province's name in the UI's language, or its code when unknown. */
  provinceName = (code: string): string => {
    const province = this.provinces.find((p) => p.code === code);
    return province ? (this.lang === "en" ? province.name_en : province.name_zh) : code;
  };

  t = (key: Key, vars: Record<string, string | number> = {}): string => translate(this.lang, key, vars);
  /** A field's name followed by the language's colon: 代码：, Code: . */
  label = (key: Key): string => translate(this.lang, key) + (this.lang === "en" ? ": " : "：");

  /** Counts toasts, so that a timer closes only the toast it was set for. */
  private toasts = 0;

  /** Printing needs a printer chosen in the settings: says so, with the way there. */
  askForPrinter() {
    this.say(this.t("choose_printer"), true, true);
  }

  /** Says what went wrong in the table's words (inside `frame`'s {message}, if
   * given), with the technical detail folded away. */
  fail(e: unknown, frame?: Key, vars: Record<string, string | number> = {}) {
    const error = asUiError(e);
    const words = errorWords(this.lang, error);
    const text = frame ? this.t(frame, { ...vars, message: words }) : words;
    this.say(text, true, errorGoesToSettings(error), `${error.code}: ${error.message}`);
  }

  say(text: string, error = false, settings = false, detail?: string) {
    const id = ++this.toasts;
    this.toast = { text, error, settings, detail };
    const lifetime = toastLifetime(error);
    if (lifetime !== null) {
      setTimeout(() => {
        if (this.toasts === id) this.toast = null;
      }, lifetime);
    }
  }

  open(id: number) {
    this.detailId = id;
    this.screen = "detail";
  }

  help(topic: HelpTopicId | null) {
    this.helpTopic = topic;
    this.screen = "help";
  }
}

export const shared = new Shared();
