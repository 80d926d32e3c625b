import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyDestination } from './logger.js';

const written = (stream: PassThrough) => {
  let text = '';
  stream.on('data', (chunk) => (text += String(chunk)));
  return () => text;
};

describe('logs', () => {
  it('a developer reads a line with the level, the message and the fields; credentials stay redacted', async () => {
    const out = new PassThrough();
    const text = written(out);
    const log = createLogger('info', await prettyDestination(out));
    log.info({ campaignId: 'c-1', password: 'hunter2-hunter2' }, 'campaign saved');
    const line = text();
    expect(line).toMatch(/INFO.*campaign saved/);
    expect(line).toContain('campaignId: "c-1"');
    expect(line).toContain('[redacted]');
    expect(line).not.toContain('hunter2');
    expect(() => JSON.parse(line)).toThrow();
  });

  it('without the pretty destination every line is JSON, for log collectors', () => {
    const out = new PassThrough();
    const text = written(out);
    createLogger('info', out).info({ campaignId: 'c-1' }, 'campaign saved');
    expect(JSON.parse(text())).toMatchObject({ level: 30, msg: 'campaign saved', campaignId: 'c-1' });
  });
});
