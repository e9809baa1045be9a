/**
 * The frame of every authorization page: plain semantic HTML that works without JavaScript and loads
 * nothing from elsewhere (the Content-Security-Policy beside it forbids both), with a lang attribute,
 * one <main> and one <h1> so that screen readers announce where the user is.
 */
import { Html, html } from './html.js';

const STYLE = `
body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;background:#f5f5f5;color:#111}
main{max-width:36rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #ccc;border-radius:6px}
h1{font-size:1.5rem;margin-top:0}
label{font-weight:600}
input[type=text],input[type=password],input[type=search]{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;padding:.4rem 1.2rem;margin-right:.5rem}
fieldset{border:1px solid #ccc;padding:.5rem 1rem}
fieldset p label{font-weight:normal}
.error{color:#8b0000;font-weight:600;border-left:4px solid #8b0000;padding-left:.5rem}
code{font-size:.85em;color:#444}
:focus{outline:3px solid #1a5fb4;outline-offset:2px}
`;

// Ours and free of markup; entity-escaping it would break the CSS inside <style>.
const STYLE_HTML = new Html(STYLE);

/** A complete HTML document around `body`. */
export function layout(title: string, body: Html): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} – Qiao</title>
<style>${STYLE_HTML}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.text;
}
