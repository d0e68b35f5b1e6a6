/** The environment, read once into typed settings; a clear error names every bad variable. */
import * as v from 'valibot';

const port = v.pipe(
  v.string(),
  v.regex(/^\d{1,5}$/, 'must be a whole number'),
  v.transform(Number),
  v.maxValue(65535, 'must be at most 65535'),
);
const nonEmpty = v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty'));

const Environment = v.object({
  PORT: v.optional(port, '4321'),
  HOST: v.optional(nonEmpty, '127.0.0.1'),
  DATA_DIR: v.optional(nonEmpty, './data'),
});

export type Settings = {
  /** 0 asks the system for a free port (tests). */
  port: number;
  host: string;
  dataDir: string;
};

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export function readSettings(env: Record<string, string | undefined>): Settings {
  const result = v.safeParse(Environment, env);
  if (!result.success) {
    const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? 'environment'} ${issue.message}`);
    throw new SettingsError(`Invalid settings: ${problems.join('; ')}`);
  }
  const { PORT, HOST, DATA_DIR } = result.output;
  return { port: PORT, host: HOST, dataDir: DATA_DIR };
}
