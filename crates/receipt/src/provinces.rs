//! The mainland's 31 provincial-level divisions by their GB/T 2260 code, with their
//! names in Chinese and English: the one table the service, the printed layout and
//! the app's province picker read.

use crate::ProvinceCode;
use serde::Serialize;

/// A province as a person picks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Province {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

const fn p(code: &'static str, name_zh: &'static str, name_en: &'static str) -> Province {
    Province {
        code,
        name_zh,
        name_en,
    }
}

/// In the order of their codes.
pub const PROVINCES: [Province; 31] = [
    p("110000", "北京市", "Beijing"),
    p("120000", "天津市", "Tianjin"),
    p("130000", "河北省", "Hebei"),
    p("140000", "山西省", "Shanxi"),
    p("150000", "内蒙古自治区", "Inner Mongolia"),
    p("210000", "辽宁省", "Liaoning"),
    p("220000", "吉林省", "Jilin"),
    p("230000", "黑龙江省", "Heilongjiang"),
    p("310000", "上海市", "Shanghai"),
    p("320000", "江苏省", "Jiangsu"),
    p("330000", "浙江省", "Zhejiang"),
    p("340000", "安徽省", "Anhui"),
    p("350000", "福建省", "Fujian"),
    p("360000", "江西省", "Jiangxi"),
    p("370000", "山东省", "Shandong"),
    p("410000", "河南省", "Henan"),
    p("420000", "湖北省", "Hubei"),
    p("430000", "湖南省", "Hunan"),
    p("440000", "广东省", "Guangdong"),
    p("450000", "广西壮族自治区", "Guangxi"),
    p("460000", "海南省", "Hainan"),
    p("500000", "重庆市", "Chongqing"),
    p("510000", "四川省", "Sichuan"),
    p("520000", "贵州省", "Guizhou"),
    p("530000", "云南省", "Yunnan"),
    p("540000", "西藏自治区", "Xizang"),
    p("610000", "陕西省", "Shaanxi"),
    p("620000", "甘肃省", "Gansu"),
    p("630000", "青海省", "Qinghai"),
    p("640000", "宁夏回族自治区", "Ningxia"),
    p("650000", "新疆维吾尔自治区", "Xinjiang"),
];

impl ProvinceCode {
    /// The province this code names, if it is one of the 31.
    pub fn province(&self) -> Option<&'static Province> {
        PROVINCES.iter().find(|p| p.code == self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_a_valid_province_code_and_in_order() {
        for (i, province) in PROVINCES.iter().enumerate() {
            let code = ProvinceCode::new(province.code).unwrap();
            assert_eq!(code.province(), Some(province));
            if i > 0 {
                assert!(PROVINCES[i - 1].code < province.code);
            }
        }
        assert_eq!(
            ProvinceCode::new("330000")
                .unwrap()
                .province()
                .unwrap()
                .name_zh,
            "浙江省"
        );
        assert_eq!(ProvinceCode::new("990000").unwrap().province(), None);
    }
}
