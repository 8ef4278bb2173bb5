// What the kiosk says to a patient when something fails, in plain Chinese, by the
// error's code (the Rust messages are for logs and the desktop app). Staff get the
// code in brackets for anything unexpected.
import type { UiError } from "../bindings/UiError";

const words: Record<string, string> = {
  "auth.failed": "验证码或登录码不正确，或已过期，请重新获取后再试",
  "auth.not_logged_in": "登录已失效，请重新开始",
  "service.unavailable": "暂时连不上票据平台，请稍后再试或联系工作人员",
  "service.tls": "与票据平台的安全连接失败，请联系工作人员",
  "service.error": "票据平台暂时无法处理，请稍后再试",
  "service.protocol": "票据平台的回复无法识别，请联系工作人员",
  "service.rate_limited": "尝试次数过多，请稍后再试",
  "print.not_ready": "打印机未就绪，请联系工作人员",
  "print.unreachable": "无法连接打印机，请联系工作人员",
  "print.unknown_printer": "找不到打印机，请联系工作人员",
  "print.job_failed": "打印未完成，请联系工作人员",
  "print.job_waiting": "打印任务仍在排队，请稍候或联系工作人员",
  "app.locked": "请重新开始",
  "kiosk.wrong_pin": "管理员口令不正确",
  "kiosk.pin_locked": "口令错误次数过多，请稍后再试",
  "kiosk.already_exchanged": "这张票据已换开过纸质票据，每张只能换开一次",
  "kiosk.not_exchangeable": "这张票据不能在本机换开（可能已冲红、作废、正在报销，或不是本院开具），请咨询工作人员",
  "kiosk.paper_stock_empty": "纸质票据已用完，请联系工作人员",
  "kiosk.paper_number_used": "纸质票据号码与平台记录不符，暂不能换开，请联系工作人员",
  "kiosk.no_paper_stock": "本机不提供换开纸质票据",
};

export const kioskCodes = Object.keys(words);

export function kioskWords(error: UiError): string {
  return words[error.code] ?? `出现问题，请联系工作人员（${error.code}）`;
}
