//! The XML of an OFD package, read into a small tree of elements by local name (the
//! `ofd:` prefix and namespaces play no part in finding things). Safe by
//! construction: a DOCTYPE is refused, so no entity can expand; only the five
//! predefined entities and character references are resolved; depth and element
//! count are bounded.

use crate::error::{OfdError, Result};
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

const MAX_DEPTH: usize = 64;
const MAX_ELEMENTS: usize = 500_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name: `Reference` for `ofd:Reference`.
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The text directly inside this element.
    pub text: String,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first element along a path of child names.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |at, name| at.child(name))
    }

    /// The text at a path, trimmed; `None` when absent or empty.
    pub fn text_at(&self, names: &[&str]) -> Option<&str> {
        self.path(names)
            .map(|e| e.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// This element and every element inside it, depth first.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(element) = stack.pop() {
            out.push(element);
            stack.extend(element.children.iter().rev());
        }
        out
    }
}

fn start(event: &BytesStart<'_>, file: &str) -> Result<Element> {
    let error = |detail: String| OfdError::Xml {
        file: file.to_string(),
        detail,
    };
    let name = event.local_name().into_inner().to_string();
    let mut attributes = Vec::new();
    for attribute in event.attributes() {
        let attribute = attribute.map_err(|e| error(e.to_string()))?;
        let key = attribute.key.local_name().into_inner().to_string();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| error(e.to_string()))?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        ..Element::default()
    })
}

/// Parses one XML file of the package; `file` names it in errors.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Element> {
    let error = |detail: String| OfdError::Xml {
        file: file.to_string(),
        detail,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| error("not UTF-8".into()))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| error(e.to_string()))?;
        match event {
            Event::DocType(_) => return Err(error("a DOCTYPE is not allowed".into())),
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(error("content after the root element".into()));
            }
            Event::Start(e) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(error("nested too deep or too many elements".into()));
                }
                stack.push(start(&e, file)?);
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(error("too many elements".into()));
                }
                let element = start(&e, file)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| error("unbalanced end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| error(e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name: &str = &r;
                        resolve_xml_entity(name)
                            .ok_or_else(|| error(format!("undefined entity &{name};")))?
                            .to_string()
                    }
                };
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(error("the file ends inside an element".into()));
    }
    root.ok_or_else(|| error("no root element".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_by_local_name() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Signature xmlns:ofd="http://www.ofdspec.org/2016"><ofd:SignedInfo>
<ofd:References CheckMethod="1.2.156.10197.1.401"><ofd:Reference FileRef="/OFD.xml"><ofd:CheckValue>AB&amp;C&#x4e2d;</ofd:CheckValue></ofd:Reference></ofd:References>
</ofd:SignedInfo><ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>"#;
        let root = parse("Signature.xml", xml.as_bytes()).unwrap();
        assert_eq!(root.name, "Signature");
        let refs = root.path(&["SignedInfo", "References"]).unwrap();
        assert_eq!(refs.attribute("CheckMethod"), Some("1.2.156.10197.1.401"));
        let reference = refs.child("Reference").unwrap();
        assert_eq!(reference.attribute("FileRef"), Some("/OFD.xml"));
        assert_eq!(reference.text_at(&["CheckValue"]), Some("AB&C中"));
        assert_eq!(
            root.text_at(&["SignedValue"]),
            Some("/Doc_0/Signs/Sign_0/SignedValue.dat")
        );
    }

    #[test]
    fn entity_tricks_and_absurd_depth_are_refused() {
        let billion_laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><a>&lol2;</a>"#;
        let external = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#;
        let undefined = "<a>&x;</a>";
        let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        for bad in [
            billion_laughs,
            external,
            undefined,
            &deep,
            "<a><b></a>",
            "<a>",
            "",
        ] {
            assert!(
                matches!(parse("x.xml", bad.as_bytes()), Err(OfdError::Xml { .. })),
                "{}",
                &bad[..bad.len().min(40)]
            );
        }
        assert!(parse("x.xml", &[0xff, 0xfe, 0x00]).is_err());
    }
}
