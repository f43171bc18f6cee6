import { createHash } from 'node:crypto';

/** The docs page's only styling, inlined: the page loads nothing else. */
export const DOCS_STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:64rem;padding:1rem 1.5rem;color:#1f2328}
h1{margin-bottom:0}h2{border-bottom:2px solid #d0d7de;padding-top:1rem}h3{margin:0 0 .25rem;font-size:1.05rem}
h4{margin:.75rem 0 .25rem;font-size:.9rem;text-transform:uppercase;color:#57606a}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 .2em;border-radius:3px;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.op{border:1px solid #d0d7de;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;font-weight:600;font-size:.8rem;padding:.1rem .4rem;margin-right:.5rem}
.get{background:#0969da}.post{background:#1a7f37}.put{background:#9a6700}.patch{background:#8250df}.delete{background:#cf222e}
.perm{font-size:.85rem;color:#57606a}nav ul{columns:2}a{color:#0969da}
`;

/** CSP source allowing exactly this <style> element and no other inline style. */
export const DOCS_STYLE_SOURCE = `'sha256-${createHash('sha256').update(DOCS_STYLE).digest('base64')}'`;
