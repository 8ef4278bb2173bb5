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
  "receipt.payment_split": { "zh-CN": "医保支付明细与合计不符", en: "The insurance payments do not add up to the total" },
  "receipt.amount_out_of_range": { "zh-CN": "金额超出合理范围", en: "An amount is out of range" },
  "trust.bundle_signature": { "zh-CN": "信任包的签名无效", en: "The trust bundle's signature is invalid" },
  "trust.bundle_malformed": { "zh-CN": "信任包格式错误", en: "The trust bundle is malformed" },
  "receipt.imported": { "zh-CN": "这张票据是从文件导入的，没有省级服务签名的原件", en: "This receipt was imported from a file: it has no signed original from a provincial service" },
  "ofd.not_ofd": { "zh-CN": "不是 OFD 文件", en: "Not an OFD file" },
  "ofd.damaged": { "zh-CN": "文件已损坏", en: "The file is damaged" },
  "ofd.too_large": { "zh-CN": "文件包过大（可能是压缩炸弹）", en: "The package is too large (possibly a zip bomb)" },
  "ofd.unsafe_path": { "zh-CN": "文件包中有指向包外的路径", en: "An entry name leaves the package" },
  "ofd.xml": { "zh-CN": "文件中的 XML 有误", en: "The file's XML is malformed" },
  "seal.malformed": { "zh-CN": "签章结构有误", en: "The seal's structure is malformed" },
  "seal.unsupported": { "zh-CN": "不支持的签章或算法", en: "An unsupported seal or algorithm" },
  "seal.reference_missing": { "zh-CN": "签章保护的文件缺失", en: "A file the seal protects is missing" },
  "seal.reference_changed": { "zh-CN": "盖章后文件被修改", en: "A file was changed after sealing" },
  "seal.signature_list_rewritten": { "zh-CN": "后加的签章改写了签章列表", en: "A later seal rewrote the list of signatures" },
  "seal.unprotected": { "zh-CN": "有显示内容不受签章保护", en: "Something shown is protected by no seal" },
  "seal.data_hash": { "zh-CN": "签名记录在签名后被修改", en: "The signature record was changed after signing" },
  "seal.signer_signature": { "zh-CN": "签名与签名人证书不符", en: "The signature does not verify with the signer's certificate" },
  "seal.no_signer_certificate": { "zh-CN": "文件中没有签名人证书", en: "No signer certificate in the file" },
  "seal.maker_signature": { "zh-CN": "印章不是由其制章者签发", en: "The seal was not made by its maker's key" },
  "seal.seal_not_valid": { "zh-CN": "盖章时印章不在有效期内", en: "The seal was not valid at the signing time" },
  "seal.certificate_not_valid": { "zh-CN": "盖章时证书不在有效期内", en: "A certificate was not valid at the signing time" },
  "seal.signer_not_in_seal": { "zh-CN": "签名人不是该印章的使用者", en: "The signer may not use this seal" },
  "seal.untrusted": { "zh-CN": "证书链不到您信任的根证书（可用 piaojia seal-roots add 添加根证书）", en: "The certificates chain to no root you trust (add one: piaojia seal-roots add)" },
  empty_file: { "zh-CN": "空文件", en: "An empty file" },
  file_too_large: { "zh-CN": "文件过大（超过 50 MB）", en: "The file is too large (over 50 MB)" },
  unknown_format: { "zh-CN": "不是票夹认识的票据文件", en: "Not a receipt file Piaojia knows" },
  pdf_unreadable: { "zh-CN": "PDF 无法读取", en: "The PDF cannot be read" },
  picture_unreadable: { "zh-CN": "图片无法读取", en: "The picture cannot be read" },
  xml_malformed: { "zh-CN": "XML 格式有误", en: "The XML is malformed" },
  no_receipt_data: { "zh-CN": "文件中没有电子票据或发票数据", en: "No e-receipt or e-invoice data in the file" },
  no_qr_code: { "zh-CN": "图片中没有可读的二维码", en: "No readable QR code in the picture" },
  unknown_qr_code: { "zh-CN": "二维码不是票据或发票的", en: "The QR code is not a receipt's or an invoice's" },
  bad_element: { "zh-CN": "票据要素缺失或格式有误", en: "An element of the receipt is missing or malformed" },
  unreadable: { "zh-CN": "文件无法读取", en: "The file cannot be read" },
};

/** The reason for `code` in `lang`, or the code itself when it is new to this UI. */
export function reasonText(lang: Lang, code: string): string {
  return reasonWords(lang, code) ?? code;
}

/** The reason for `code` in `lang`, if this UI knows it (the error table's fallback). */
export function reasonWords(lang: Lang, code: string): string | undefined {
  return reasons[code]?.[lang];
}

export const knownReasonCodes = Object.keys(reasons);
