/**
 * A Redis MATCH glob as a RegExp: `*` any run, `?` one character, `[abc]`, `[a-z]`,
 * `[^a]` classes, `\x` a literal x. Used by the in-memory L2 to answer SCAN like Redis.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else if (ch === '\\' && i + 1 < glob.length) source += escapeChar(glob[++i]!);
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        source += escapeChar(ch);
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else source += escapeChar(ch);
  }
  return new RegExp(`^${source}$`);
}

function escapeChar(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
