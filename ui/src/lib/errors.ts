// The one table from error codes to words, for the desktop app and the kiosk alike,
// in both languages. The Rust message is technical English: it is shown only behind
// 详情, never as the words. A code's facts (the printer, seconds to wait, the field
// at fault) fill the {placeholders}. The kiosk speaks to a patient, who asks the
// staff rather than opening the settings: its own words where they differ.

import type { UiError } from "../bindings/UiError";
import { reasonWords } from "./reasons";
import { translate, type Key, type Lang } from "./i18n";

type Words = { "zh-CN": string; en: string; kiosk?: string };

const table: Record<string, Words> = {
  "auth.failed": {
    "zh-CN": "验证码不正确或已过期，请重新获取",
    en: "The SMS code is wrong or has expired: ask for a new one",
    kiosk: "验证码或登录码不正确，或已过期，请重新获取后再试",
  },
  "auth.not_logged_in": {
    "zh-CN": "登录已失效，请在设置中重新登录",
    en: "You are logged out: log in again in the settings",
    kiosk: "登录已失效，请重新开始",
  },
  "service.unavailable": {
    "zh-CN": "无法连接票据服务，请检查网络后重试",
    en: "The receipt service cannot be reached: check the network and try again",
    kiosk: "暂时连不上票据平台，请稍后再试或联系工作人员",
  },
  "service.tls": {
    "zh-CN": "与票据服务的安全连接失败，请检查服务地址",
    en: "No secure connection to the receipt service: check its address",
    kiosk: "与票据平台的安全连接失败，请联系工作人员",
  },
  "service.error": {
    "zh-CN": "票据服务拒绝了这次操作（{status} {service_code}）",
    en: "The receipt service refused this ({status} {service_code})",
    kiosk: "票据平台暂时无法处理，请稍后再试",
  },
  "service.protocol": {
    "zh-CN": "票据服务的回复无法识别，请稍后再试",
    en: "The receipt service sent an answer Piaojia cannot read: try again later",
    kiosk: "票据平台的回复无法识别，请联系工作人员",
  },
  "service.rate_limited": {
    "zh-CN": "尝试次数过多，请 {seconds} 秒后再试",
    en: "Too many tries: wait {seconds} seconds and try again",
    kiosk: "尝试次数过多，请稍后再试",
  },
  "trust.root_changed": {
    "zh-CN": "这个账户的根公钥与服务给出的不同：只有省里公布了新根公钥时才应更换",
    en: "The service gives another root key than this account's: replace it only when the province has announced a new one",
  },
  "trust.invalid": {
    "zh-CN": "服务的信任包无效，票据无法验证",
    en: "The service's trust bundle is not valid: receipts cannot be verified",
  },
  "wallet.wrong_key": {
    "zh-CN": "口令不正确，或这不是票夹的钱包",
    en: "Wrong passphrase, or this is not a Piaojia wallet",
  },
  "wallet.keyring_unavailable": {
    "zh-CN": "无法使用系统钥匙串",
    en: "The system keyring cannot be used",
  },
  "wallet.key_missing": {
    "zh-CN": "系统钥匙串中没有钱包的密钥：请用恢复密钥从备份恢复",
    en: "The wallet's key is missing from the system keyring: restore from a backup with its recovery key",
  },
  "wallet.passphrase_required": {
    "zh-CN": "钱包已加密，请输入口令",
    en: "The wallet is protected by a passphrase: enter it",
  },
  "wallet.database": {
    "zh-CN": "钱包数据无法读写",
    en: "The wallet's data cannot be read or written",
  },
  "wallet.io": { "zh-CN": "文件无法读写", en: "A file cannot be read or written" },
  "backup.wrong_key": {
    "zh-CN": "恢复密钥打不开这个备份（或备份开头已损坏）",
    en: "The recovery key does not open this backup (or its start is damaged)",
  },
  "backup.damaged": { "zh-CN": "备份已损坏", en: "The backup is damaged" },
  "backup.key_malformed": {
    "zh-CN": "恢复密钥应为 32 个字母或数字（分 8 组）",
    en: "A recovery key is 32 letters or digits (in 8 groups)",
  },
  "claim.receipt_held": {
    "zh-CN": "这张票据已在另一张报销单中",
    en: "This receipt is in another claim already",
  },
  "claim.invalid_state": {
    "zh-CN": "报销单当前的状态不允许这样做",
    en: "The claim's state does not allow this",
  },
  not_found: { "zh-CN": "找不到这一项（可能已被删除）", en: "Not found (it may have been removed)" },
  invalid_input: { "zh-CN": "输入的内容有误", en: "Something entered is not valid" },
  "app.locked": { "zh-CN": "钱包已锁定，请先解锁", en: "The wallet is locked: unlock it first", kiosk: "请重新开始" },
  "app.no_service": {
    "zh-CN": "还没有设置票据服务，请在设置中选择",
    en: "No receipt service is set up: choose one in the settings",
  },
  "app.no_printer": { "zh-CN": "请先在设置中选择打印机", en: "Choose a printer in the settings first" },
  "app.invalid": { "zh-CN": "无法完成这次操作", en: "This cannot be done" },
  "app.settings": { "zh-CN": "设置文件无法使用", en: "The settings file cannot be used" },
  "app.demo": { "zh-CN": "内置演示服务未能启动", en: "The built-in demo service did not start" },
  "app.open_failed": {
    "zh-CN": "无法打开文件夹，请在文件管理器中打开上面的位置",
    en: "The folder cannot be opened: open the place above in your file manager",
  },
  "app.busy": { "zh-CN": "钱包正在使用中，请稍后再试", en: "The wallet is in use: try again in a moment" },
  "app.sync_running": { "zh-CN": "正在同步，请稍候", en: "A sync is running: please wait" },
  "app.sync_fault": {
    "zh-CN": "同步意外中止，下次同步会照常进行",
    en: "The sync stopped unexpectedly; the next one will run as usual",
  },
  "app.io": { "zh-CN": "文件无法写入", en: "A file cannot be written" },
  "settings.invalid": { "zh-CN": "设置有误，请检查标出的一项", en: "A setting is not valid: see the field marked" },
  "settings.invalid.province": {
    "zh-CN": "省份代码应为 6 位数字，如 330000",
    en: "A province code has 6 digits, such as 330000",
  },
  "settings.invalid.url": {
    "zh-CN": "服务地址应以 https:// 开头（本机测试可用 http://）",
    en: "A service address starts with https:// (http:// on this machine for tests)",
  },
  "settings.invalid.root_key": {
    "zh-CN": "根公钥格式不正确（应为 44 个字符的 base64）",
    en: "The root key is malformed (it is 44 characters of base64)",
  },
  "print.not_ready": {
    "zh-CN": "打印机 {printer} {state}，请检查打印机后重试",
    en: "Printer {printer}: {state}. Check the printer and try again",
    kiosk: "打印机未就绪，请联系工作人员",
  },
  "print.unreachable": {
    "zh-CN": "无法连接打印服务，请检查打印机",
    en: "The print service does not answer: check the printer",
    kiosk: "无法连接打印机，请联系工作人员",
  },
  "print.unknown_printer": {
    "zh-CN": "找不到打印机 {printer}，请在设置中重新选择",
    en: "There is no printer {printer}: choose another in the settings",
    kiosk: "找不到打印机，请联系工作人员",
  },
  "print.ipp": { "zh-CN": "打印服务报告了错误", en: "The print service reported an error", kiosk: "打印机出错，请联系工作人员" },
  "print.job_failed": {
    "zh-CN": "打印未完成，请检查打印机",
    en: "The print job did not finish: check the printer",
    kiosk: "打印未完成，请联系工作人员",
  },
  "print.job_waiting": {
    "zh-CN": "打印任务仍在排队（已等 {seconds} 秒），请检查打印机",
    en: "The print job is still waiting after {seconds} seconds: check the printer",
    kiosk: "打印任务仍在排队，请稍候或联系工作人员",
  },
  "render.empty": { "zh-CN": "没有可以输出的票据", en: "There is no receipt to put out" },
  "render.pdf": { "zh-CN": "PDF 未能生成", en: "The PDF could not be made" },
  "render.qr_too_long": { "zh-CN": "二维码内容过长", en: "Too much for a QR code" },
  "render.amount_overflow": { "zh-CN": "金额合计超出范围", en: "The amounts add up beyond range" },
  "render.ofd_no_pages": { "zh-CN": "OFD 文件没有页面", en: "The OFD file has no pages" },
  "render.ofd_no_such_page": { "zh-CN": "没有这一页", en: "There is no such page" },
  "render.ofd_page_too_large": { "zh-CN": "页面过大，无法显示", en: "The page is too large to show" },
  "render.ofd_too_many_objects": { "zh-CN": "页面内容过多，无法显示", en: "The page has too much to draw" },
  "render.ofd_draw": { "zh-CN": "页面无法显示", en: "The page cannot be drawn" },
  "render.pdf_page": { "zh-CN": "PDF 页面无法显示", en: "The PDF page cannot be shown" },
  "render.sheet": { "zh-CN": "票据无法排到纸上", en: "A document could not be placed on a sheet" },
  "kiosk.wrong_pin": { "zh-CN": "管理员口令不正确", en: "Wrong operator PIN" },
  "kiosk.pin_locked": {
    "zh-CN": "口令错误次数过多，请 {seconds} 秒后再试",
    en: "Too many wrong PINs: try again in {seconds} seconds",
    kiosk: "口令错误次数过多，请稍后再试",
  },
  "kiosk.already_exchanged": {
    "zh-CN": "这张票据已换开过纸质票据，每张只能换开一次",
    en: "This receipt was exchanged for paper already: once only",
  },
  "kiosk.not_exchangeable": {
    "zh-CN": "这张票据不能在本机换开（可能已冲红、作废、正在报销，或不是本院开具），请咨询工作人员",
    en: "This receipt cannot be exchanged here (reversed, voided, in a claim, or another issuer's): ask the staff",
  },
  "kiosk.paper_stock_empty": { "zh-CN": "纸质票据已用完，请联系工作人员", en: "The paper stock is used up: call the staff" },
  "kiosk.paper_number_used": {
    "zh-CN": "纸质票据号码与平台记录不符，暂不能换开，请联系工作人员",
    en: "The paper number was used already at the service: call the staff",
  },
  "kiosk.no_paper_stock": { "zh-CN": "本机不提供换开纸质票据", en: "This kiosk does not exchange receipts for paper" },
  "ui.unexpected": { "zh-CN": "出现意外问题", en: "Something unexpected happened" },
  "ui.amount": { "zh-CN": "请填写申请金额，如 12.30", en: "Enter the amount to claim, such as 12.30" },
};

/** Refusals of the service that have words of their own (under `service.error`). */
const serviceWords: Record<string, Words> = {
  "claim.amount_exceeds": {
    "zh-CN": "申请金额超过了这些票据可报销的上限",
    en: "The amount is more than these receipts allow",
  },
  "claim.receipt_held": { "zh-CN": "有票据已在另一张报销单中", en: "A receipt is in another claim already" },
  "claim.receipt_not_valid": {
    "zh-CN": "有票据已冲红或作废，不能报销",
    en: "A receipt is reversed or voided and cannot be claimed",
  },
  "claim.not_medical": {
    "zh-CN": "医保报销只接受医疗票据",
    en: "Medical insurance takes medical receipts only",
  },
  "claim.invalid_transition": {
    "zh-CN": "报销单当前的状态不允许这样做",
    en: "The claim's state does not allow this",
  },
  "auth.invalid_code": {
    "zh-CN": "验证码不正确或已过期，请重新获取",
    en: "The code is wrong or has expired: ask for a new one",
  },
};

/** Codes whose remedy is in the settings: their message offers 去设置. */
const settingsCodes = new Set([
  "app.no_service",
  "app.no_printer",
  "print.not_ready",
  "print.unreachable",
  "print.unknown_printer",
  "print.job_failed",
  "print.job_waiting",
  "settings.invalid",
  "auth.not_logged_in",
]);

export type Audience = "desktop" | "kiosk";

function fill(text: string, facts: UiError["facts"], lang: Lang): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = facts[name] ?? "";
    // A printer's state is a code of its own: said in words.
    return name === "state" && value ? translate(lang, `pr_${value}` as Key) : value;
  });
}

/** What to tell the person about `error`, in `lang`; never the Rust message. */
export function errorWords(lang: Lang, error: UiError, audience: Audience = "desktop"): string {
  const service = error.code === "service.error" ? serviceWords[error.facts.service_code ?? ""] : undefined;
  // A bad setting has words for each field.
  const field = error.code === "settings.invalid" ? table[`settings.invalid.${error.facts.field}`] : undefined;
  const words = service ?? field ?? table[error.code];
  if (words) {
    const text = audience === "kiosk" ? (words.kiosk ?? words["zh-CN"]) : words[lang];
    return fill(text, error.facts, audience === "kiosk" ? "zh-CN" : lang);
  }
  const reason = reasonWords(lang, error.code);
  if (reason) return reason;
  return audience === "kiosk"
    ? `出现问题，请联系工作人员（${error.code}）`
    : translate(lang, "error_unknown", { code: error.code });
}

/** Words for an error kept with a record as "code: message" (a claim's last error):
 * the code says it; the message, perhaps a service's own words, is not shown. */
export function storedErrorWords(lang: Lang, stored: string): string {
  const code = stored.split(":")[0].trim();
  const error: UiError =
    code in serviceWords
      ? { code: "service.error", message: stored, facts: { service_code: code } }
      : { code, message: stored, facts: {} };
  return errorWords(lang, error);
}

/** Whether the way out of `error` is in the settings (the message offers 去设置). */
export function errorGoesToSettings(error: UiError): boolean {
  return settingsCodes.has(error.code);
}

/** The UiError inside whatever a command rejected with. */
export function asUiError(error: unknown): UiError {
  if (error && typeof error === "object" && "code" in error && "message" in error) {
    const e = error as UiError;
    return { code: e.code, message: e.message, facts: e.facts ?? {} };
  }
  return { code: "ui.unexpected", message: String(error), facts: {} };
}

export const knownErrorCodes = Object.keys(table);
export const knownServiceCodes = Object.keys(serviceWords);
