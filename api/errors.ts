/**
 * The one way unexpected errors leave the server: the person gets a Finnish message with an id, the log
 * gets the same id and the stack frames. The error's message is not logged: it may quote personal data.
 */
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { messages } from './messages.ts';

export const onError: ErrorHandler = (err, c) => {
  if (err instanceof HTTPException) return err.getResponse();
  const id = crypto.randomUUID().slice(0, 8);
  const frames = err.stack?.split('\n').slice(1).join('\n') ?? '';
  console.error(`error ${id}: ${err.name}\n${frames}`);
  c.header('Cache-Control', 'no-store');
  const message = messages.serverError(id);
  return c.req.path.startsWith('/api/') ? c.json({ error: message }, 500) : c.text(message, 500);
};
