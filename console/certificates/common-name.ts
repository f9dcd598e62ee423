/**
 * The common name of a distinguished name, for the inventory's CN column and search. Agents send
 * names in RFC 2253 form (`CN=oa.hefei.gov.cn,O=合肥市,C=CN`, escapes such as `\,` and `\2C`);
 * Node's one-attribute-per-line form is read too. The most specific CN wins when there are several.
 * Never called for personal certificates: their subject does not reach the console.
 */
export function commonNameOf(subject: string | null): string | null {
  if (!subject) return null;
  const attributes = subject.includes('\n') ? subject.split('\n').reverse() : splitUnescaped(subject, ',+');
  for (const attribute of attributes) {
    const [type, value] = splitUnescaped(attribute, '=', 2);
    if (value === undefined) continue;
    const name = type!.trim().toUpperCase();
    if (name === 'CN' || name === '2.5.4.3' || name === 'OID.2.5.4.3') {
      const cn = unescapeValue(value.trim());
      return cn === '' ? null : cn;
    }
  }
  return null;
}

/** Splits at separators not escaped by a backslash; `limit` keeps the rest together in the last part. */
function splitUnescaped(text: string, separators: string, limit = Infinity): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (separators.includes(ch) && parts.length < limit - 1) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** RFC 2253 / 4514 value escapes: `\,` for a special character, `\E5\90\88` for UTF-8 octets. */
function unescapeValue(value: string): string {
  const octets: number[] = [];
  let out = '';
  const flush = () => {
    if (octets.length) out += Buffer.from(octets).toString('utf8');
    octets.length = 0;
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      octets.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
      continue;
    }
    flush();
    if (ch === '\\' && i + 1 < value.length) {
      out += value[i + 1];
      i++;
    } else {
      out += ch;
    }
  }
  flush();
  return out;
}
