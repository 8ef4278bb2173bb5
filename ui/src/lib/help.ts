// 帮助: what people ask, answered offline in both languages, and found by search.
// Screens link to a topic by its id where its words appear (helpLink in Help.svelte).

import type { Lang } from "./i18n";

export type HelpTopicId = "verification" | "seal_levels" | "lifecycle" | "claims" | "missing" | "restore" | "consult";

export interface HelpTopic {
  id: HelpTopicId;
  title: Record<Lang, string>;
  /** Paragraphs. */
  body: Record<Lang, string[]>;
}

export const HELP_TOPICS: readonly HelpTopic[] = [
  {
    id: "verification",
    title: { "zh-CN": "“已验签”是什么意思", en: 'What "verified" means' },
    body: {
      "zh-CN": [
        "每张财政电子票据带有两个电子签名：开票单位的签名和财政部门的监制签名。票夹在本机离线检查这两个签名，用的是您登录时固定下来的省级根密钥所签发的信任清单。",
        "两个签名都对，票据显示“已验签”，说明它自开出以后没有被改过一个字。任何一个签名不对，票据不会显示为有效，而是放在“未通过验签”里，并写明原因。",
        "“在线查验”另外向票据平台询问这张票据现在的状态（正常、冲红、换开、作废、已报销）。",
      ],
      en: [
        "Every fiscal e-receipt carries two electronic signatures: its issuer's and the finance department's supervision signature. Piaojia checks both offline, on this device, against the trust bundle signed by the province's root key that was pinned when you logged in.",
        "When both verify, the receipt shows as verified: not one character has changed since it was issued. When either fails, the receipt is never shown as valid; it is kept under Rejected with the reason.",
        "Check online also asks the receipt service for the receipt's state now (normal, reversed, exchanged, voided, claimed).",
      ],
    },
  },
  {
    id: "seal_levels",
    title: { "zh-CN": "OFD 文件的电子印章：五个层级", en: "The seals of an OFD file: five levels" },
    body: {
      "zh-CN": [
        "导入的 OFD 发票或票据上的红章是电子签章。票夹逐级检查，每一级写“通过”“未通过”（并说明哪里不对）或“未能确认”（并说明为什么）。",
        "1 文件完整：印章保护的每个文件都没有改动。2 签名有效：签章人的 SM2 签名与文件一致。3 印章有效：印章由制章人签发，签章时证书和印章都在有效期内。4 可信根：证书能追溯到您信任的根证书；票夹不预设任何根，需要您在设置或命令行中添加。5 在线查验：国家平台没有公开接口，所以不查验，并给出官方查验网址。",
      ],
      en: [
        "The red seal on an imported OFD invoice or receipt is an electronic signature. Piaojia checks it level by level; each level says passed, FAILED (with what failed) or not established (with why).",
        "1 File unchanged: every file the seal protects is as sealed. 2 Signature valid: the signer's SM2 signature matches the document. 3 Seal valid: the seal maker issued the seal, and the certificate and seal were valid when signing. 4 Trusted root: the certificates chain to a root you trust; Piaojia assumes none, you add them. 5 Checked online: the national platforms have no public API, so this is not checked; the official checking pages are named instead.",
      ],
    },
  },
  {
    id: "lifecycle",
    title: { "zh-CN": "冲红、换开、作废是什么", en: "Reversed (冲红), exchanged (换开), voided (作废)" },
    body: {
      "zh-CN": [
        "冲红：开票单位开出一张金额为负的红字票据来抵消原票据，例如退费或开错。原票据显示“已冲红”并链接到红字票据；两张都留在票夹里，统计时相互抵消。",
        "换开：电子票据换成了纸质票据（例如在医院自助机上打印）。以后以纸质票据为准，电子票据显示“已换开”和纸质票据的号码。",
        "作废：开票单位取消了这张票据。它显示“已作废”，不计入统计，也不能报销；已经放进报销申请的，申请上会提醒您移出。已经报销（批准或已付款）的票据不能再作废。",
      ],
      en: [
        "Reversed (冲红): the issuer issued a red receipt with a negative amount that cancels the original, for a refund or a mistake. The original says reversed and links to the red one; both stay in the wallet and cancel out in the figures.",
        "Exchanged (换开): the e-receipt was exchanged for a paper receipt (for example at a hospital kiosk). The paper one counts from then on; the e-receipt shows the paper receipt's number.",
        "Voided (作废): the issuer cancelled the receipt. It is marked voided, left out of every figure and cannot be claimed; a claim holding it tells you to take it out. A receipt whose claim was approved or paid cannot be voided.",
      ],
    },
  },
  {
    id: "claims",
    title: { "zh-CN": "如何报销", en: "How to claim a reimbursement" },
    body: {
      "zh-CN": [
        "在票据列表里勾选要报销的票据，打开“报销”，选报销单位（单位、保险公司或医保），填写用途、收款账户和金额，创建后提交。没有网络时申请会排队，下次同步时自动发送。",
        "申请的状态（已提交、需补充材料、已批准、已驳回、已付款）随同步更新。一张票据同时只能在一个申请里。医保报销按每张票据“个人自付”的 60% 计算（向下取整到分），“个人自费”不报销。",
        "报销单位不接入时，可以保存粘贴单和汇总表交给对方；命令行 piaojia claim package 还能打包签名原件。",
      ],
      en: [
        "Tick the receipts in the list, open Claims, choose who reimburses (an employer, an insurer or the medical-insurance fund), fill in the purpose, the account to pay and the amount, create the claim, then submit it. Offline, it waits in a queue and is sent by the next sync.",
        "The claim's state (submitted, more information asked, approved, rejected, paid) arrives with sync. A receipt is in one claim at a time. Medical insurance reimburses 60% of each receipt's co-payment (个人自付), rounded down to the fen; self-paid items (个人自费) are not reimbursed.",
        "When the relying party is not connected, save the reimbursement sheets and the summary table and hand them over; on the command line, piaojia claim package also packs the signed originals.",
      ],
    },
  },
  {
    id: "missing",
    title: { "zh-CN": "找不到某张票据怎么办", en: "A receipt is missing" },
    body: {
      "zh-CN": [
        "先点“同步”。票据通常在缴费后不久出现在票据平台；如果刚缴费，请稍后再同步。",
        "检查账户：票据只会出现在开票地所在省份的账户里。其他省份的账户可以用命令行添加：piaojia login --province 省份代码 …（见说明文档）。",
        "您手里有这张票据的文件（OFD、PDF、XML，或带二维码的图片）时，把它拖进窗口或用“导入”导入。",
        "仍然找不到时，联系开票单位；对已有票据有疑问（金额、姓名、重复收费），在票据页面点“我要咨询”。",
      ],
      en: [
        "Choose Sync first. A receipt usually reaches the receipt service soon after payment; if you paid just now, sync again later.",
        "Check your accounts: a receipt appears only in the account of the province where it was issued. An account for another province is added on the command line: piaojia login --province CODE … (see the README).",
        "If you hold the receipt as a file (OFD, PDF, XML, or a picture with its QR code), drop it on the window or use Import.",
        "If it is still missing, contact the issuer; for a question about a receipt you have (amount, name, charged twice), open it and choose Ask the issuer.",
      ],
    },
  },
  {
    id: "restore",
    title: { "zh-CN": "如何从备份恢复", en: "How to restore a backup" },
    body: {
      "zh-CN": [
        "备份文件（.pjb）是加密的，只能用第一次备份时显示的恢复密钥打开。请把恢复密钥写下来，和备份分开保存。",
        "在新电脑或重装后，用命令行恢复：piaojia restore 备份文件。程序会要求输入恢复密钥；原有的钱包会被保留在一旁，不会被覆盖。",
        "恢复后，每张票据都会重新验签；登录状态不在备份里，请重新登录后同步。",
      ],
      en: [
        "A backup file (.pjb) is encrypted and opens only with the recovery key shown at the first backup. Write the recovery key down and keep it apart from the backups.",
        "On a new computer or after reinstalling, restore from the command line: piaojia restore BACKUP-FILE. It asks for the recovery key; a wallet already there is kept aside, never overwritten.",
        "After a restore every receipt is verified again; logins are not in backups, so log in again and sync.",
      ],
    },
  },
  {
    id: "consult",
    title: { "zh-CN": "我要咨询：向开票单位提问", en: "Asking the issuer about a receipt" },
    body: {
      "zh-CN": [
        "在票据页面点“我要咨询”，选择原因（金额有误、不是我的票据、重复收费、姓名有误、其他）并写下问题。问题经票据平台送到开票单位；答复随同步到达，“咨询”旁的数字表示未读的答复。",
        "一张票据同时只有一个进行中的咨询，可以继续补充；结束后再问会开始新的咨询。开票单位更正票据时（冲红并重开），咨询会链接到新票据。",
        "只有您和开票单位能看到咨询内容。咨询结束 90 天后平台删除文字，票夹在本机加密保留一份。",
      ],
      en: [
        "On a receipt's page choose Ask the issuer, pick a reason (amount wrong, not mine, charged twice, name wrong, something else) and write your question. It reaches the issuer through the receipt service; answers arrive with a sync, and the number beside Questions counts those not read yet.",
        "A receipt has one open question at a time, which takes further messages; after it is closed, asking again starts a new one. When the issuer corrects the receipt (reversed and issued anew), the question links to the new receipt.",
        "Only you and the issuer see a question. The service deletes its texts 90 days after it closes; Piaojia keeps an encrypted copy on this device.",
      ],
    },
  },
];

/** The topics whose title or text holds every word of `query` (in `lang`), in order. */
export function searchHelp(lang: Lang, query: string): HelpTopic[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...HELP_TOPICS];
  return HELP_TOPICS.filter((topic) => {
    const text = [topic.title[lang], ...topic.body[lang]].join("\n").toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
