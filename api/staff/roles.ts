/**
 * Staff roles (least privilege, as the notice promises "työntekijöiden asianmukainen roolitus"):
 * admin may do everything and manages the accounts; handler works on requests, decisions and bans and reads
 * the audit of requests; marketing reads the marketing bans and their CSV only.
 */
export const roles = ['admin', 'handler', 'marketing'] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

export const roleNames: Record<Role, string> = { admin: 'Pääkäyttäjä', handler: 'Käsittelijä', marketing: 'Markkinointi' };

const everyone: readonly Role[] = roles;
const work: readonly Role[] = ['admin', 'handler'];
const admin: readonly Role[] = ['admin'];

/**
 * Who may use each staff route, by Hono route pattern. Default deny: a route missing here is answered 404 to
 * every role, as if it did not exist (and the role walk in the tests fails), so a new page must be given its
 * roles on purpose.
 */
export const permissions: Readonly<Record<string, readonly Role[]>> = {
  'GET /henkilosto': everyone,
  // The front page: the request list for admin and handler; marketing is sent on to the bans.
  'GET /henkilosto/': everyone,
  'GET /henkilosto/pyynnot/:reference': work,
  'POST /henkilosto/pyynnot/:reference': work,
  'GET /henkilosto/pyynnot.csv': work,
  'GET /henkilosto/markkinointikiellot': everyone,
  'GET /henkilosto/markkinointikiellot.csv': everyone,
  'GET /henkilosto/tilastot': work,
  'GET /henkilosto/tilastot.csv': work,
  // Handlers see the audit of requests only; the admin sees all of it.
  'GET /henkilosto/loki': work,
  'GET /henkilosto/oma-tili': everyone,
  'POST /henkilosto/oma-tili': everyone,
  'GET /henkilosto/kayttajat': admin,
  'POST /henkilosto/kayttajat': admin,
  'POST /henkilosto/ulos': everyone,
};

const compiled = Object.entries(permissions).map(([key, allowed]) => {
  const [method = '', pattern = ''] = key.split(' ');
  const source = pattern
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, path: new RegExp(`^${source}$`), allowed };
});

/** Whether any rule names `method path`: a path none does is no staff page (404), whoever asks. */
export function isKnown(method: string, path: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return compiled.some((rule) => rule.method === m && rule.path.test(path));
}

/** The roles that may use `method path` (a concrete path); none when no rule names it. */
export function allowedRoles(method: string, path: string): readonly Role[] {
  const m = method === 'HEAD' ? 'GET' : method;
  return compiled.find((rule) => rule.method === m && rule.path.test(path))?.allowed ?? [];
}

export function mayUse(role: Role, method: string, path: string): boolean {
  return allowedRoles(method, path).includes(role);
}
