// Why a receipt failed verification, in words a person reads; keyed by the stable
// error code the wallet gives (never by its English message).

import type { Lang } from "./i18n";

const reasons: Record<string, Record<Lang, string>> = {
  "receipt.malformed": { "zh-CN": "票据内容格式错误", en: "The receipt document is malformed" },
  "receipt.malformed_envelope": { "zh-CN": "签名原件格式错误", en: "The signed original is malformed" },
  "receipt.issuer_signature": { "zh-CN": "开票单位签名无效（票据可能被篡改）", en: "The issuer's signature is invalid (the receipt may have been altered)" },
  "receipt.supervisor_signature": { "zh-CN": "财政监制签名无效", en: "The fiscal supervisor's signature is invalid" },
  "receipt.unknown_issuer": { "zh-CN": "开票单位证书不在信任包中", en: "The issuer's certificate is not in the trust bundle" },
  "receipt.unknown_supervisor": { "zh-CN": "监制证书不在信任包中", en: "The supervisor's certificate is not in the trust bundle" },
  "receipt.certificate_not_valid": { "zh-CN": "开票时证书不在有效期内", en: "The certificate was not valid on the issue date" },
  "receipt.certificate_revoked": { "zh-CN": "开票单位证书已被吊销", en: "The issuer's certificate is revoked" },
  "receipt.wrong_province": { "zh-CN": "票据不属于该省", en: "The receipt belongs to another province" },
  "receipt.total_mismatch": { "zh-CN": "项目金额之和与合计不符", en: "The line items do not add up to the total" },
  "receipt.amount_in_words_mismatch": { "zh-CN": "大写金额与小写金额不符", en: "The amount in words does not match the figures" },
};

/** The reason for `code` in `lang`, or the code itself when it is new to this UI. */
export function reasonText(lang: Lang, code: string): string {
  return reasons[code]?.[lang] ?? code;
}

export const knownReasonCodes = Object.keys(reasons);
