/**
 * The browser pages share one <head> and one site navigation; they are written once here so that a
 * new link or stylesheet is one edit, not five. A page file (client/pages/<name>.html) holds only
 * what is its own: its <title> on the first line, then its <body> with its content and its script.
 * A page that shows the navigation says where with NAV_SLOT (the signage display shows none).
 */

export const NAV_SLOT = "<!-- arena:nav -->";

const NAV = `<header>
    <strong>ARENA</strong>
    <nav><a href="/">Play</a><a href="/lobby.html">Matches</a><a href="/display.html?channel=program-5">Display</a><a href="/operator.html">Operator</a></nav>
  </header>`;

const TITLE_LINE = /^<title>[^<]*<\/title>\n/;

/** The complete HTML document for a page file's text; `file` only names it in the error. */
export function renderPage(file: string, source: string): string {
  const title = TITLE_LINE.exec(source);
  if (!title) throw new Error(`${file}: a page file starts with its <title> line`);
  const body = source.slice(title[0].length).replace(NAV_SLOT, NAV);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  ${title[0]}  <link rel="stylesheet" href="/style.css">
  <link rel="icon" href="data:,">
</head>
${body}</html>
`;
}
