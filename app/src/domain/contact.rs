//! The contact block of a tender notice. O87 art. 13 (verify: items (一) and (八) as recalled):
//! a 公开招标公告 names the purchaser and any procurement agency it commissioned with their
//! address and means of contact, and the project's contact person with a telephone number.

use serde::{Deserialize, Serialize};

use super::field::FieldError;

/// The contact fields as typed in the tender form (`input[contact][…]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub phone: String,
    /// The purchaser's address.
    #[serde(default)]
    pub address: String,
    /// The commissioned procurement agency (采购代理机构), if any.
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub agency_phone: String,
}

/// A telephone number as the public dials it: a mobile number (11 digits from 13–19), a
/// landline with its area code (`0512-65221234`), or a 400/800 service number, optionally with
/// an extension (`转 8012` or `-8012` after a landline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// O87 art. 13: the contact's telephone number, checked for a form a caller can dial.
    pub fn parse(input: &str) -> Option<Phone> {
        let text: String = input.trim().replace(['（', '）', '(', ')'], "");
        let (number, extension) = match text.split_once('转') {
            Some((n, e)) => (n.to_string(), Some(e.trim().to_string())),
            None => (text.clone(), None),
        };
        let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let number_text = number.trim();
        if number_text.chars().any(|c| !(c.is_ascii_digit() || c == ' ' || c == '-'))
            || number_text.starts_with('-')
            || number_text.ends_with('-')
        {
            return None;
        }
        let is_mobile = digits.len() == 11 && digits.starts_with('1') && (b'3'..=b'9').contains(&digits.as_bytes()[1]);
        let is_service = digits.len() == 10 && (digits.starts_with("400") || digits.starts_with("800"));
        // Area codes take 3–4 digits with the leading 0 and local numbers 7–8 digits; a hyphen
        // after them may introduce an extension.
        let landline = |d: &str| d.starts_with('0') && (10..=12).contains(&d.len());
        let extension_ok = |e: &str| !e.is_empty() && e.len() <= 6 && e.bytes().all(|b| b.is_ascii_digit());
        let valid = match &extension {
            Some(e) => extension_ok(e) && (landline(&digits) || is_service),
            None if is_mobile || is_service || landline(&digits) => true,
            None => {
                // `0512-65221234-8012`: the last hyphenated group is an extension.
                match number.trim().rsplit_once('-') {
                    Some((base, ext)) => {
                        let base: String = base.chars().filter(|c| c.is_ascii_digit()).collect();
                        landline(&base) && extension_ok(ext.trim())
                    }
                    None => false,
                }
            }
        };
        valid.then(|| Phone(input.trim().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ContactInput {
    /// A complete block, for tests that are about other fields.
    #[cfg(test)]
    pub fn sample() -> ContactInput {
        ContactInput {
            person: "王老师".into(),
            phone: "0512-65221234".into(),
            address: "苏州市姑苏区三香路998号".into(),
            ..Default::default()
        }
    }
}

/// The checked contact block stored with the tender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub person: String,
    pub phone: Phone,
    pub address: String,
    pub agency: Option<Agency>,
}

/// A procurement agency and its telephone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub name: String,
    pub phone: Phone,
}

fn err(field: &str, code: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(field, code, zh, en)
}

/// O87 art. 13: the notice's contact person, telephone and address are required; an agency,
/// when named, comes with its own telephone number.
pub fn parse_contact(input: &ContactInput) -> Result<Contact, Vec<FieldError>> {
    let mut errors = Vec::new();
    let person = input.person.trim().to_string();
    if !(2..=30).contains(&person.chars().count()) {
        errors.push(err(
            "contact.person",
            "contact_person_required",
            "请填写项目联系人姓名（2–30个字）",
            "Enter the project's contact person (2–30 characters)",
        ));
    }
    let phone = Phone::parse(&input.phone);
    if phone.is_none() {
        errors.push(err(
            "contact.phone",
            "contact_phone_invalid",
            "请填写可拨打的联系电话：手机号（11位）或带区号的座机号（如0512-65221234，分机可写“转8012”）",
            "Enter a telephone number: an 11-digit mobile or a landline with its area code (0512-65221234, extension 转8012)",
        ));
    }
    let address = input.address.trim().to_string();
    if !(4..=100).contains(&address.chars().count()) {
        errors.push(err(
            "contact.address",
            "contact_address_required",
            "请填写采购人地址（4–100个字）",
            "Enter the purchaser's address (4–100 characters)",
        ));
    }
    let agency_name = input.agency.trim().to_string();
    let agency = if agency_name.is_empty() {
        if !input.agency_phone.trim().is_empty() {
            errors.push(err(
                "contact.agency",
                "agency_name_required",
                "填写了代理机构电话，请同时填写代理机构名称",
                "An agency telephone was given: name the agency too",
            ));
        }
        None
    } else if agency_name.chars().count() > 100 {
        errors.push(err(
            "contact.agency",
            "agency_name_length",
            "代理机构名称不超过100个字",
            "The agency's name takes at most 100 characters",
        ));
        None
    } else {
        match Phone::parse(&input.agency_phone) {
            Some(phone) => Some(Agency { name: agency_name, phone }),
            None => {
                errors.push(err(
                    "contact.agency_phone",
                    "agency_phone_invalid",
                    "请填写代理机构的联系电话（手机号或带区号的座机号）",
                    "Enter the agency's telephone number (mobile or landline with area code)",
                ));
                None
            }
        }
    };
    match (phone, errors.is_empty()) {
        (Some(phone), true) => Ok(Contact { person, phone, address, agency }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ContactInput {
        ContactInput::sample()
    }

    #[test]
    fn dialable_numbers_are_accepted() {
        for n in [
            "13812345678",
            "138 1234 5678",
            "0512-65221234",
            "(0512)65221234",
            "051265221234",
            "010-12345678",
            "0755-8888888",
            "0512-65221234 转 8012",
            "0512-65221234-8012",
            "400-820-8820",
        ] {
            assert!(Phone::parse(n).is_some(), "{n}");
        }
    }

    #[test]
    fn undialable_numbers_are_refused() {
        for n in [
            "",
            "12345678",
            "65221234",
            "1381234567",
            "138123456789",
            "12812345678",
            "0512-6522",
            "tel 0512-65221234",
            "0512-65221234-",
            "0512-65221234-1234567",
            "13812345678转12",
        ] {
            assert!(Phone::parse(n).is_none(), "{n}");
        }
    }

    #[test]
    fn the_contact_block_is_complete_or_refused_field_by_field() {
        let c = parse_contact(&input()).unwrap();
        assert_eq!(c.phone.as_str(), "0512-65221234");
        assert!(c.agency.is_none());

        let mut bad = input();
        bad.person = "王".into();
        bad.phone = "6522".into();
        bad.address = String::new();
        let codes: Vec<String> = parse_contact(&bad).unwrap_err().into_iter().map(|e| e.code).collect();
        assert_eq!(codes, ["contact_person_required", "contact_phone_invalid", "contact_address_required"]);

        let mut agency = input();
        agency.agency = "江苏省政府采购中心".into();
        assert_eq!(parse_contact(&agency).unwrap_err()[0].code, "agency_phone_invalid");
        agency.agency_phone = "025-83633333".into();
        assert_eq!(parse_contact(&agency).unwrap().agency.unwrap().name, "江苏省政府采购中心");

        let mut phone_only = input();
        phone_only.agency_phone = "025-83633333".into();
        assert_eq!(parse_contact(&phone_only).unwrap_err()[0].code, "agency_name_required");
    }
}
