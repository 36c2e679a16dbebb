//! `:edit`: the draft in the user's own editor ($VISUAL, else $EDITOR, else vi).

use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// The editor command the user asked for.
pub fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Open `text` in the editor and return what the user saved. The file lives in `dir`
/// (the data directory) rather than a shared temp dir, since answers are private.
pub fn edit(text: &str, dir: &Path) -> Result<String> {
    let editor = editor();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {} for the draft", dir.display()))?;
    let path = dir.join(format!("draft-{}.md", std::process::id()));
    std::fs::write(&path, text).with_context(|| format!("cannot write the draft to {}", path.display()))?;
    // through the shell, so EDITOR may carry arguments ("code --wait")
    let status = if cfg!(unix) {
        Command::new("sh").arg("-c").arg(format!("{editor} \"$1\"")).arg("grill-edit").arg(&path).status()
    } else {
        let mut parts = editor.split_whitespace();
        let prog = parts.next().unwrap_or("notepad");
        Command::new(prog).args(parts).arg(&path).status()
    };
    let status =
        status.with_context(|| format!("cannot start the editor `{editor}`; set EDITOR to your editor's command"))?;
    if !status.success() {
        bail!("the editor `{editor}` exited with {status}; the draft is unchanged (and kept in {})", path.display());
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read the edited draft {}", path.display()))?;
    let edited = String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "the edited draft is not valid UTF-8 text (byte {}); the draft is unchanged",
            e.utf8_error().valid_up_to()
        )
    })?;
    let _ = std::fs::remove_file(&path);
    Ok(edited.trim_end().to_string())
}
