/**
 * Deterministic JSON: object keys sorted (by UTF-16 code units, as RFC 8785
 * does), no whitespace, arrays in order. Two values that differ only in key
 * order give the same text, so the intake can fingerprint an order's content
 * and tell a duplicate (same orderId, same content) from a conflict.
 * Properties whose value is undefined, a function or a symbol are left out,
 * exactly as JSON.stringify does; toJSON is honoured.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError(`canonicalJson: a ${typeof value} has no JSON representation`);
  return text;
}

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON representation');
    case 'object': {
      if (value === null) return 'null';
      const withToJson = value as { toJSON?: unknown };
      if (typeof withToJson.toJSON === 'function') return write((withToJson.toJSON as () => unknown).call(value));
      if (Array.isArray(value)) {
        const parts: string[] = new Array<string>(value.length);
        for (let i = 0; i < value.length; i++) parts[i] = write(value[i]) ?? 'null';
        return `[${parts.join(',')}]`;
      }
      const record = value as Readonly<Record<string, unknown>>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const text = write(record[key]);
        if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}
