// A small evaluator for the expressions of form definitions (expr-lang
// syntax), so the generated form updates formulas, visibility and rules as
// the user types. The server stays the judge: it evaluates the same
// expressions on save, and anything this evaluator does not know throws,
// which the form shows as "computed when saved".

export class ExprError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprError';
  }
}

type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'id'; name: string }
  | { k: 'elem' } // # — the current element inside a predicate
  | { k: 'member'; obj: Node; name: Node; optional: boolean }
  | { k: 'call'; fn: string; args: Node[] }
  | { k: 'unary'; op: string; x: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'cond'; c: Node; t: Node; f: Node }
  | { k: 'array'; items: Node[] }
  | { k: 'map'; entries: [Node, Node][] };

type Tok = { t: 'num' | 'str' | 'id' | 'op' | 'eof'; v: string; pos: number };

const ops = ['??', '?.', '**', '==', '!=', '<=', '>=', '&&', '||', '..', '+', '-', '*', '/', '%', '^', '<', '>', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}', '#'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9_]*(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: 'num', v: m[0].replace(/_/g, ''), pos: start });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let s = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && c !== '`') {
          const n = src[i + 1];
          const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
          if (n === 'u') {
            s += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          s += esc[n] ?? n;
          i += 2;
          continue;
        }
        s += src[i++];
      }
      if (i >= src.length) throw new ExprError(`unterminated string at ${start + 1}`);
      i++;
      out.push({ t: 'str', v: s, pos: start });
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprError(`unexpected "${c}" at ${i + 1}`);
    out.push({ t: 'op', v: op, pos: start });
    i += op.length;
  }
  out.push({ t: 'eof', v: '', pos: src.length });
  return out;
}

const binary: Record<string, [number, 'l' | 'r']> = {
  or: [10, 'l'],
  '||': [10, 'l'],
  and: [15, 'l'],
  '&&': [15, 'l'],
  '==': [20, 'l'],
  '!=': [20, 'l'],
  '<': [20, 'l'],
  '>': [20, 'l'],
  '<=': [20, 'l'],
  '>=': [20, 'l'],
  in: [20, 'l'],
  matches: [20, 'l'],
  contains: [20, 'l'],
  startsWith: [20, 'l'],
  endsWith: [20, 'l'],
  '+': [30, 'l'],
  '-': [30, 'l'],
  '*': [60, 'l'],
  '/': [60, 'l'],
  '%': [60, 'l'],
  '**': [100, 'r'],
  '^': [100, 'r'],
  '??': [500, 'l'],
};

class Parser {
  private i = 0;
  constructor(private toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private next(): Tok {
    return this.toks[this.i++];
  }
  private is(v: string): boolean {
    const t = this.peek();
    return (t.t === 'op' || t.t === 'id') && t.v === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v) throw new ExprError(`expected "${v}" at ${t.pos + 1}`);
  }

  parse(): Node {
    const n = this.expression();
    const t = this.peek();
    if (t.t !== 'eof') throw new ExprError(`unexpected "${t.v}" at ${t.pos + 1}`);
    return n;
  }

  private expression(): Node {
    const c = this.binary(0);
    if (this.is('?')) {
      this.next();
      const t = this.expression();
      this.expect(':');
      const f = this.expression();
      return { k: 'cond', c, t, f };
    }
    return c;
  }

  private binaryOp(): string | null {
    const t = this.peek();
    if (t.t === 'op' && binary[t.v]) return t.v;
    if (t.t === 'id' && binary[t.v]) return t.v;
    if (t.t === 'id' && t.v === 'not' && this.toks[this.i + 1]?.v === 'in') return 'not in';
    return null;
  }

  private binary(min: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.binaryOp();
      if (!op) return left;
      const [prec, assoc] = binary[op === 'not in' ? 'in' : op];
      if (prec < min) return left;
      this.next();
      if (op === 'not in') this.next();
      const right = this.binary(assoc === 'l' ? prec + 1 : prec);
      left = op === 'not in' ? { k: 'unary', op: 'not', x: { k: 'bin', op: 'in', l: left, r: right } } : { k: 'bin', op, l: left, r: right };
    }
  }

  private unary(): Node {
    const t = this.peek();
    if ((t.t === 'op' && (t.v === '!' || t.v === '-' || t.v === '+')) || (t.t === 'id' && t.v === 'not')) {
      this.next();
      const prec = t.v === '-' || t.v === '+' ? 90 : 50;
      const x = this.binary(prec);
      return { k: 'unary', op: t.v === '!' ? 'not' : t.v, x };
    }
    return this.postfix(this.primary());
  }

  private postfix(n: Node): Node {
    for (;;) {
      if (this.is('.') || this.is('?.')) {
        const optional = this.next().v === '?.';
        const name = this.next();
        if (name.t !== 'id') throw new ExprError(`expected a name at ${name.pos + 1}`);
        n = { k: 'member', obj: n, name: { k: 'lit', v: name.v }, optional };
      } else if (this.is('[')) {
        this.next();
        const idx = this.expression();
        this.expect(']');
        n = { k: 'member', obj: n, name: idx, optional: false };
      } else {
        return n;
      }
    }
  }

  private primary(): Node {
    const t = this.next();
    switch (t.t) {
      case 'num':
        return { k: 'lit', v: Number(t.v) };
      case 'str':
        return { k: 'lit', v: t.v };
      case 'id':
        if (t.v === 'true' || t.v === 'false') return { k: 'lit', v: t.v === 'true' };
        if (t.v === 'nil') return { k: 'lit', v: null };
        if (this.is('(')) {
          this.next();
          const args: Node[] = [];
          while (!this.is(')')) {
            args.push(this.expression());
            if (!this.is(')')) this.expect(',');
          }
          this.expect(')');
          return { k: 'call', fn: t.v, args };
        }
        return { k: 'id', name: t.v };
      case 'op':
        if (t.v === '(') {
          const e = this.expression();
          this.expect(')');
          return e;
        }
        if (t.v === '#') return { k: 'elem' };
        if (t.v === '.') {
          // note: ".line_total" inside a predicate is "#.line_total".
          const name = this.next();
          if (name.t !== 'id') throw new ExprError(`expected a name at ${name.pos + 1}`);
          return { k: 'member', obj: { k: 'elem' }, name: { k: 'lit', v: name.v }, optional: false };
        }
        if (t.v === '[') {
          const items: Node[] = [];
          while (!this.is(']')) {
            items.push(this.expression());
            if (!this.is(']')) this.expect(',');
          }
          this.expect(']');
          return { k: 'array', items };
        }
        if (t.v === '{') {
          const entries: [Node, Node][] = [];
          while (!this.is('}')) {
            const kt = this.next();
            const key: Node = kt.t === 'id' || kt.t === 'str' || kt.t === 'num' ? { k: 'lit', v: kt.v } : this.fail(kt);
            this.expect(':');
            entries.push([key, this.expression()]);
            if (!this.is('}')) this.expect(',');
          }
          this.expect('}');
          return { k: 'map', entries };
        }
        return this.fail(t);
      default:
        return this.fail(t);
    }
  }

  private fail(t: Tok): never {
    throw new ExprError(t.t === 'eof' ? 'the expression ends too soon' : `unexpected "${t.v}" at ${t.pos + 1}`);
  }
}

const cache = new Map<string, Node>();

/** Parses src once; later calls reuse the tree. */
export function compile(src: string): Node {
  let n = cache.get(src);
  if (!n) {
    n = new Parser(tokenize(src)).parse();
    if (cache.size > 500) cache.clear();
    cache.set(src, n);
  }
  return n;
}

export type Env = Record<string, unknown>;

const isDate = (x: unknown): x is Date => x instanceof Date;

function num(x: unknown, what: string): number {
  if (typeof x === 'number') return x;
  if (x === null || x === undefined) throw new ExprError(`${what} is empty`);
  throw new ExprError(`${what} is not a number`);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (isDate(a) && isDate(b)) return a.getTime() === b.getTime();
  return a === b;
}

function compare(a: unknown, b: unknown): number {
  if (isDate(a) && isDate(b)) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new ExprError('these values cannot be compared');
}

function truthy(x: unknown): boolean {
  if (typeof x !== 'boolean') throw new ExprError('a condition must be true or false');
  return x;
}

function list(x: unknown, fn: string): unknown[] {
  if (Array.isArray(x)) return x;
  if (x === null || x === undefined) return [];
  throw new ExprError(`${fn} needs a list`);
}

function startOfToday(): Date {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate()));
}

type Builtin = (args: Node[], env: Env, elem: unknown) => unknown;

function numbers(args: Node[], env: Env, elem: unknown, fn: string): number[] {
  const vals = args.map((a) => evaluate(a, env, elem));
  const flat = vals.length === 1 && Array.isArray(vals[0]) ? (vals[0] as unknown[]) : vals;
  return flat.map((v) => num(v, fn));
}

function withPredicate(args: Node[], env: Env, elem: unknown, fn: string): { items: unknown[]; pred?: Node } {
  const items = list(evaluate(args[0], env, elem), fn);
  return { items, pred: args[1] };
}

const builtins: Record<string, Builtin> = {
  len: (a, env, e) => {
    const v = evaluate(a[0], env, e);
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    return 0;
  },
  sum: (a, env, e) => {
    const { items, pred } = withPredicate(a, env, e, 'sum');
    return items.reduce<number>((s, x) => s + num(pred ? evaluate(pred, env, x) : x, 'sum'), 0);
  },
  count: (a, env, e) => {
    const { items, pred } = withPredicate(a, env, e, 'count');
    return pred ? items.filter((x) => truthy(evaluate(pred, env, x))).length : items.length;
  },
  filter: (a, env, e) => {
    const { items, pred } = withPredicate(a, env, e, 'filter');
    return pred ? items.filter((x) => truthy(evaluate(pred, env, x))) : items;
  },
  map: (a, env, e) => {
    const { items, pred } = withPredicate(a, env, e, 'map');
    return pred ? items.map((x) => evaluate(pred, env, x)) : items;
  },
  all: (a, env, e) => {
    const { items, pred } = withPredicate(a, env, e, 'all');
    return items.every((x) => truthy(evaluate(pred!, env, x)));
  },
  any: (a, env, e) => {
    const { items, pred } = withPredicate(a, env, e, 'any');
    return items.some((x) => truthy(evaluate(pred!, env, x)));
  },
  none: (a, env, e) => {
    const { items, pred } = withPredicate(a, env, e, 'none');
    return !items.some((x) => truthy(evaluate(pred!, env, x)));
  },
  one: (a, env, e) => {
    const { items, pred } = withPredicate(a, env, e, 'one');
    return items.filter((x) => truthy(evaluate(pred!, env, x))).length === 1;
  },
  min: (a, env, e) => {
    const ns = numbers(a, env, e, 'min');
    return ns.length ? Math.min(...ns) : null;
  },
  max: (a, env, e) => {
    const ns = numbers(a, env, e, 'max');
    return ns.length ? Math.max(...ns) : null;
  },
  mean: (a, env, e) => {
    const ns = numbers(a, env, e, 'mean');
    return ns.length ? ns.reduce((s, x) => s + x, 0) / ns.length : 0;
  },
  abs: (a, env, e) => Math.abs(num(evaluate(a[0], env, e), 'abs')),
  floor: (a, env, e) => Math.floor(num(evaluate(a[0], env, e), 'floor')),
  ceil: (a, env, e) => Math.ceil(num(evaluate(a[0], env, e), 'ceil')),
  round: (a, env, e) => {
    const x = num(evaluate(a[0], env, e), 'round');
    // note: Go's math.Round rounds half away from zero.
    return Math.sign(x) * Math.round(Math.abs(x));
  },
  int: (a, env, e) => {
    const v = evaluate(a[0], env, e);
    return typeof v === 'string' ? parseInt(v, 10) : Math.trunc(num(v, 'int'));
  },
  float: (a, env, e) => {
    const v = evaluate(a[0], env, e);
    return typeof v === 'string' ? parseFloat(v) : num(v, 'float');
  },
  string: (a, env, e) => String(evaluate(a[0], env, e) ?? ''),
  upper: (a, env, e) => String(evaluate(a[0], env, e) ?? '').toUpperCase(),
  lower: (a, env, e) => String(evaluate(a[0], env, e) ?? '').toLowerCase(),
  trim: (a, env, e) => String(evaluate(a[0], env, e) ?? '').trim(),
  today: () => startOfToday(),
  now: () => new Date(),
  first: (a, env, e) => list(evaluate(a[0], env, e), 'first')[0] ?? null,
  last: (a, env, e) => {
    const l = list(evaluate(a[0], env, e), 'last');
    return l.length ? l[l.length - 1] : null;
  },
};

function binaryOp(op: string, l: Node, r: Node, env: Env, elem: unknown): unknown {
  if (op === 'and' || op === '&&') return truthy(evaluate(l, env, elem)) && truthy(evaluate(r, env, elem));
  if (op === 'or' || op === '||') return truthy(evaluate(l, env, elem)) || truthy(evaluate(r, env, elem));
  if (op === '??') {
    const v = evaluate(l, env, elem);
    return v === null || v === undefined ? evaluate(r, env, elem) : v;
  }
  const a = evaluate(l, env, elem);
  const b = evaluate(r, env, elem);
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<':
      return compare(a, b) < 0;
    case '>':
      return compare(a, b) > 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>=':
      return compare(a, b) >= 0;
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      return num(a, 'the left side of +') + num(b, 'the right side of +');
    case '-':
      return num(a, 'the left side of -') - num(b, 'the right side of -');
    case '*':
      return num(a, 'the left side of *') * num(b, 'the right side of *');
    case '/': {
      const d = num(b, 'the divisor');
      if (d === 0) throw new ExprError('division by zero');
      return num(a, 'the dividend') / d;
    }
    case '%': {
      const d = num(b, 'the divisor');
      if (d === 0) throw new ExprError('division by zero');
      return Math.trunc(num(a, 'the dividend')) % Math.trunc(d);
    }
    case '**':
    case '^':
      return num(a, 'the base') ** num(b, 'the exponent');
    case 'in':
      if (Array.isArray(b)) return b.some((x) => equal(x, a));
      if (b && typeof b === 'object') return typeof a === 'string' && a in (b as object);
      throw new ExprError('"in" needs a list');
    case 'contains':
      return String(a ?? '').includes(String(b ?? ''));
    case 'startsWith':
      return String(a ?? '').startsWith(String(b ?? ''));
    case 'endsWith':
      return String(a ?? '').endsWith(String(b ?? ''));
    case 'matches':
      return new RegExp(String(b)).test(String(a ?? ''));
  }
  throw new ExprError(`the operator ${op} is not supported here`);
}

/** Evaluates a parsed expression; elem is # inside a predicate. */
export function evaluate(n: Node, env: Env, elem: unknown = undefined): unknown {
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'id':
      if (!(n.name in env)) throw new ExprError(`unknown name ${n.name}`);
      return env[n.name];
    case 'elem':
      return elem;
    case 'member': {
      const obj = evaluate(n.obj, env, elem);
      const name = evaluate(n.name, env, elem);
      if (obj === null || obj === undefined) {
        if (n.optional) return null;
        throw new ExprError(`cannot read ${String(name)} of nothing`);
      }
      if (Array.isArray(obj) && typeof name === 'number') return obj[name < 0 ? obj.length + name : name] ?? null;
      return (obj as Record<string, unknown>)[String(name)] ?? null;
    }
    case 'call': {
      const fn = builtins[n.fn];
      if (!fn) throw new ExprError(`the function ${n.fn} is computed by the server`);
      return fn(n.args, env, elem);
    }
    case 'unary': {
      const x = evaluate(n.x, env, elem);
      if (n.op === 'not') return !truthy(x);
      if (n.op === '-') return -num(x, 'the value');
      return num(x, 'the value');
    }
    case 'bin':
      return binaryOp(n.op, n.l, n.r, env, elem);
    case 'cond':
      return truthy(evaluate(n.c, env, elem)) ? evaluate(n.t, env, elem) : evaluate(n.f, env, elem);
    case 'array':
      return n.items.map((x) => evaluate(x, env, elem));
    case 'map':
      return Object.fromEntries(n.entries.map(([k, v]) => [String(evaluate(k, env, elem)), evaluate(v, env, elem)]));
  }
}

/** Evaluates src over env. */
export function run(src: string, env: Env): unknown {
  return evaluate(compile(src), env);
}
