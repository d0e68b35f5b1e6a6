/**
 * The JSON files the build writes into dist/ beside the pages (`_art15.json`, `_search.json`): read and checked
 * with their valibot schema. A missing file is undefined (a site built before it existed; the caller says what
 * that means); a damaged one stops the start with `problem`, like a damaged shell.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';

export function loadBuiltJson<S extends v.GenericSchema>(distDir: string, name: string, schema: S, problem: string): v.InferOutput<S> | undefined {
  const file = join(distDir, name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: v.SafeParseResult<S> | undefined;
  try {
    parsed = v.safeParse(schema, JSON.parse(text));
  } catch {
    // Not JSON: reported below like any other shape.
  }
  if (!parsed?.success) throw new Error(`${file} ${problem}: rebuild the site.`);
  return parsed.output;
}
