//! Prompt templates: `{{name}}` (spaces inside the braces allowed) is
//! replaced by the variable's value: strings as they are, anything else as
//! compact JSON. A placeholder with no variable stays as written, as
//! Langfuse's `compile` does, so a missing variable is visible in the prompt.

use serde_json::{Map, Value};

pub fn render(template: &str, variables: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            rest = &rest[open..];
            break;
        };
        let name = after[..close].trim();
        match variables.get(name) {
            Some(Value::String(text)) => out.push_str(text),
            Some(other) => out.push_str(&crate::json::text_of(other)),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(template: &str, variables: Value, expected: &str) {
        let Value::Object(variables) = variables else {
            panic!("variables must be an object")
        };
        assert_eq!(render(template, &variables), expected);
    }

    #[test]
    fn template_replaces_variables() {
        check("Hello {{name}}!", json!({"name": "John"}), "Hello John!");
        check("{{ a }}+{{b}}", json!({"a": 1, "b": [2]}), "1+[2]");
    }

    #[test]
    fn template_keeps_unknown_and_unclosed_placeholders() {
        check("Hi {{who}} {{", json!({}), "Hi {{who}} {{");
        check("{{x}}{{ y", json!({"x": "1"}), "1{{ y");
    }
}
