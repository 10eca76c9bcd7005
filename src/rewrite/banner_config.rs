//! `[banner]`: texts (English and Swedish built in, every one overridable), theme colours and
//! font as CSS custom properties, and the position. Compiled once: the stylesheet served at
//! `/__consent/banner.css?v=<hash>` carries the theme, so pages need no inline styles (a strict
//! `style-src` keeps working).

use serde::Deserialize;
use std::collections::HashMap;

use crate::consent::Lang;
use crate::settings::SettingsError;

const BASE_CSS: &str = include_str!("banner.css");

/// Every text of the banner and shield, in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BannerTexts {
    pub title: String,
    pub intro: String,
    pub third_parties: String,
    pub gpc: String,
    pub accept: String,
    pub reject: String,
    pub settings: String,
    pub save: String,
    pub policy: String,
    pub shield: String,
    pub scope: String,
    pub always_on: String,
    pub consent_id: String,
    pub third_party_cookies: String,
}

impl BannerTexts {
    fn english() -> Self {
        Self {
            title: "Cookies on this website".into(),
            intro: "We use cookies and similar technologies for analytics and marketing. They are only used if you agree. You can change or withdraw your choice at any time with the cookie settings button.".into(),
            third_parties: "Third parties on this page".into(),
            gpc: "Your browser sent a Global Privacy Control signal: marketing is refused unless you choose otherwise.".into(),
            accept: "Accept all".into(),
            reject: "Reject all".into(),
            settings: "Settings".into(),
            save: "Save choices".into(),
            policy: "Cookie policy".into(),
            shield: "Cookie settings".into(),
            scope: "Your choice applies to".into(),
            always_on: "always on".into(),
            consent_id: "Your consent ID".into(),
            third_party_cookies: "Cookies that third parties set on their own websites cannot be deleted from here when you withdraw consent; your browser's settings can.".into(),
        }
    }

    fn swedish() -> Self {
        Self {
            title: "Cookies på webbplatsen".into(),
            intro: "Vi använder cookies och liknande tekniker för analys och marknadsföring. De används bara om du godkänner det. Du kan ändra eller återkalla ditt val när som helst med knappen för cookieinställningar.".into(),
            third_parties: "Tredje parter på den här sidan".into(),
            gpc: "Din webbläsare skickade en Global Privacy Control-signal: marknadsföring nekas om du inte väljer annat.".into(),
            accept: "Godkänn alla".into(),
            reject: "Neka alla".into(),
            settings: "Inställningar".into(),
            save: "Spara val".into(),
            policy: "Cookiepolicy".into(),
            shield: "Cookieinställningar".into(),
            scope: "Ditt val gäller för".into(),
            always_on: "alltid på".into(),
            consent_id: "Ditt samtyckes-ID".into(),
            third_party_cookies: "Cookies som tredje parter sätter på sina egna webbplatser kan inte raderas härifrån när du återkallar ditt samtycke, men via webbläsarens inställningar.".into(),
        }
    }
}

impl Default for BannerTexts {
    fn default() -> Self {
        Self::english()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawBanner {
    /// `bottom`, `top` or `center`.
    pub position: String,
    pub theme: RawTheme,
    /// Per language (`en`, `sv`): only the texts to change.
    pub texts: HashMap<String, HashMap<String, String>>,
    /// Own markup for the banner (undecided) and the shield (decided), with `{{placeholders}}`.
    pub template_file: Option<std::path::PathBuf>,
    pub shield_template_file: Option<std::path::PathBuf>,
    /// Serve held embeds' thumbnails from this site (`crate::thumbnails`).
    pub thumbnails: bool,
    /// Fetch those thumbnails from this origin instead of the providers.
    pub thumbnails_origin: Option<String>,
}

impl Default for RawBanner {
    fn default() -> Self {
        Self {
            position: "bottom".into(),
            theme: RawTheme::default(),
            texts: HashMap::new(),
            template_file: None,
            shield_template_file: None,
            thumbnails: false,
            thumbnails_origin: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTheme {
    pub primary: String,
    pub on_primary: String,
    pub background: String,
    pub text: String,
    pub focus: String,
    pub font: String,
}

impl Default for RawTheme {
    fn default() -> Self {
        Self {
            primary: "#1f3a5f".into(),
            on_primary: "#ffffff".into(),
            background: "#ffffff".into(),
            text: "#111111".into(),
            focus: "#c25400".into(),
            font: "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif".into(),
        }
    }
}

/// The compiled banner settings.
#[derive(Debug, Clone)]
pub struct Banner {
    texts: [BannerTexts; 2],
    /// `cp-bottom`, `cp-top` or `cp-center`.
    pub position_class: &'static str,
    pub css: bytes::Bytes,
    pub css_version: String,
    /// Site markup replacing the built-in banner / shield (ASCII-safe).
    templates: [Option<String>; 2],
}

impl Banner {
    pub fn texts(&self, lang: Lang) -> &BannerTexts {
        &self.texts[lang as usize]
    }

    /// The site's own template for the banner (`decided = false`) or the shield.
    pub fn template(&self, decided: bool) -> Option<&str> {
        self.templates[usize::from(decided)].as_deref()
    }

    pub fn compile(raw: RawBanner) -> Result<Self, SettingsError> {
        let err = |key: &str, m: String| SettingsError { key: format!("banner.{key}"), message: m };
        let position_class = match raw.position.as_str() {
            "bottom" => "cp-bottom",
            "top" => "cp-top",
            "center" => "cp-center",
            other => return Err(err("position", format!("`{other}`: use bottom, top or center"))),
        };
        let mut texts = [BannerTexts::english(), BannerTexts::swedish()];
        for (lang, overrides) in raw.texts {
            let index = match lang.as_str() {
                "en" => 0,
                "sv" => 1,
                other => return Err(err("texts", format!("`{other}`: built-in languages are en and sv"))),
            };
            // Round-trip through serde so unknown text names are errors that name the key.
            let mut value = serde_json::to_value(TextsRef(&texts[index])).expect("texts serialise");
            for (k, v) in overrides {
                if value.get(&k).is_none() {
                    return Err(err(&format!("texts.{lang}.{k}"), "unknown text".into()));
                }
                value[&k] = serde_json::Value::String(v);
            }
            texts[index] = serde_json::from_value(value).map_err(|e| err(&format!("texts.{lang}"), e.to_string()))?;
        }
        let t = &raw.theme;
        for (key, value) in [
            ("primary", &t.primary),
            ("on_primary", &t.on_primary),
            ("background", &t.background),
            ("text", &t.text),
            ("focus", &t.focus),
        ] {
            if !safe_css(value, false) {
                return Err(err(&format!("theme.{key}"), format!("`{value}` is not a CSS colour this banner accepts")));
            }
        }
        if !safe_css(&t.font, true) {
            return Err(err("theme.font", format!("`{}` is not a font list this banner accepts", t.font)));
        }
        for (fg, bg, what) in [(&t.text, &t.background, "text on background"), (&t.on_primary, &t.primary, "buttons")] {
            if let (Some(a), Some(b)) = (hex_luminance(fg), hex_luminance(bg)) {
                let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
                if ratio < 4.5 {
                    tracing::warn!(
                        what,
                        ratio = format!("{ratio:.2}"),
                        "banner colours are below WCAG AA contrast (4.5:1)"
                    );
                }
            }
        }
        let css = format!(
            "#consent-proxy{{--cp-primary:{};--cp-on-primary:{};--cp-bg:{};--cp-text:{};--cp-focus:{};--cp-font:{}}}\n{BASE_CSS}",
            t.primary, t.on_primary, t.background, t.text, t.focus, t.font
        );
        use sha2::{Digest, Sha256};
        let css_version = Sha256::digest(css.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect();
        let mut templates = [None, None];
        for (slot, (key, path)) in
            [("template_file", &raw.template_file), ("shield_template_file", &raw.shield_template_file)]
                .into_iter()
                .enumerate()
        {
            if let Some(path) = path {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| err(key, format!("cannot read {}: {e}", path.display())))?;
                if !text.contains("id=\"consent-proxy\"") || !text.contains("{{form_open}}") {
                    return Err(err(key, "the template must keep id=\"consent-proxy\" and {{form_open}} (banner.js and the form need them)".into()));
                }
                templates[slot] = Some(super::ascii::ascii_html_keep_tags(&text));
            }
        }
        Ok(Self { texts, position_class, css: bytes::Bytes::from(css), css_version, templates })
    }
}

#[derive(serde::Serialize)]
struct TextsRef<'a>(#[serde(serialize_with = "ser_texts")] &'a BannerTexts);

fn ser_texts<S: serde::Serializer>(t: &&BannerTexts, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(14))?;
    for (k, v) in [
        ("title", &t.title),
        ("intro", &t.intro),
        ("third_parties", &t.third_parties),
        ("gpc", &t.gpc),
        ("accept", &t.accept),
        ("reject", &t.reject),
        ("settings", &t.settings),
        ("save", &t.save),
        ("policy", &t.policy),
        ("shield", &t.shield),
        ("scope", &t.scope),
        ("always_on", &t.always_on),
        ("consent_id", &t.consent_id),
        ("third_party_cookies", &t.third_party_cookies),
    ] {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

/// Colours (`#abc`, `rgb(…)`, names) and font lists, without anything that could end a CSS
/// declaration or rule.
fn safe_css(v: &str, font: bool) -> bool {
    !v.is_empty()
        && v.len() <= 200
        && v.chars().all(|c| c.is_ascii_alphanumeric() || " #(),.%-".contains(c) || (font && "\"'".contains(c)))
}

/// Relative luminance of a `#rgb`/`#rrggbb` colour (WCAG 2).
fn hex_luminance(c: &str) -> Option<f64> {
    let h = c.strip_prefix('#')?;
    let full: String = match h.len() {
        3 => h.chars().flat_map(|c| [c, c]).collect(),
        6 => h.to_string(),
        _ => return None,
    };
    let ch = |i: usize| {
        u8::from_str_radix(&full[i..i + 2], 16).ok().map(|v| {
            let s = f64::from(v) / 255.0;
            if s <= 0.03928 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        })
    };
    Some(0.2126 * ch(0)? + 0.7152 * ch(2)? + 0.0722 * ch(4)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_theme_are_configurable_and_checked() {
        let mut raw = RawBanner::default();
        raw.texts.insert("sv".into(), HashMap::from([("accept".to_string(), "Ja tack".to_string())]));
        raw.theme.primary = "#005500".into();
        let b = Banner::compile(raw).unwrap();
        assert_eq!(b.texts(Lang::Sv).accept, "Ja tack");
        assert_eq!(b.texts(Lang::Sv).reject, "Neka alla");
        assert!(std::str::from_utf8(&b.css).unwrap().starts_with("#consent-proxy{--cp-primary:#005500;"));

        let mut bad = RawBanner::default();
        bad.theme.primary = "red;}body{display:none".into();
        assert_eq!(Banner::compile(bad).unwrap_err().key, "banner.theme.primary");
        let mut bad = RawBanner::default();
        bad.texts.insert("en".into(), HashMap::from([("titel".to_string(), "x".to_string())]));
        assert_eq!(Banner::compile(bad).unwrap_err().key, "banner.texts.en.titel");
        let bad = RawBanner { position: "left".into(), ..Default::default() };
        assert_eq!(Banner::compile(bad).unwrap_err().key, "banner.position");
    }

    #[test]
    fn contrast_of_the_default_theme_passes_aa() {
        let t = RawTheme::default();
        let (a, b) = (hex_luminance(&t.text).unwrap(), hex_luminance(&t.background).unwrap());
        assert!((a.max(b) + 0.05) / (a.min(b) + 0.05) >= 4.5);
        let (a, b) = (hex_luminance(&t.on_primary).unwrap(), hex_luminance(&t.primary).unwrap());
        assert!((a.max(b) + 0.05) / (a.min(b) + 0.05) >= 4.5);
    }
}
